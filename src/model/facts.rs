//! Typed facts: what a record proves, in types the evaluators read. A parser states
//! a fact once, through these constructors (fixability is decided here, by one rule,
//! for every scanner); evaluation never reads a string attribute to decide anything.

use super::vocab::vocabulary;
use super::{PlatformFacts, RecordKind, Shared, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What a scan looked for. A "scan happened" record proves only what its class can see.
    pub enum ScanClass {
        /// Package vulnerabilities of an image, host or file system.
        Vulnerability = "vulnerability-scan",
        /// Misconfigurations of manifests, Dockerfiles or live resources.
        Configuration = "config-scan",
        /// Exposed secrets.
        Secret = "secret-scan",
        /// A benchmark run (CIS Kubernetes, CIS Docker, a compliance spec).
        Benchmark = "benchmark-run",
        /// A policy engine's audit of live resources.
        PolicyAudit = "policy-audit",
    }
}

impl ScanClass {
    /// The scan class that shows a tool was able to report failures of `kind`
    /// (so that finding none is evidence of absence).
    pub fn able_to_report(kind: RecordKind) -> Option<ScanClass> {
        match kind {
            RecordKind::Vulnerability => Some(ScanClass::Vulnerability),
            RecordKind::Misconfiguration => Some(ScanClass::Configuration),
            RecordKind::Secret => Some(ScanClass::Secret),
            _ => None,
        }
    }
}

vocabulary! {
    /// Whose numbering a configuration check id is in. A scan can only report the
    /// checks of its own tool, so its silence says nothing about another tool's ids: a
    /// Trivy audit never emits a Kubescape `C-…` control or a Polaris check.
    pub enum CheckNumbering {
        /// Trivy and trivy-operator (`KSV-…`, `KCV-…`, `DS-…`, `AVD-AWS-…`, …).
        Trivy = "trivy",
        /// Kubescape controls (`C-0057`).
        Kubescape = "kubescape",
        /// Polaris checks (`polaris:runAsPrivileged`).
        Polaris = "polaris",
    }
}

impl CheckNumbering {
    /// The tool whose numbering `id` follows (`KSV-0017`, `AVD-KSV-0017`, `KSV017`,
    /// `C-0057`, `polaris:hostIPCSet`); `None` when the numbering says nothing.
    pub fn of_check(id: &str) -> Option<CheckNumbering> {
        let id = id.trim().to_ascii_uppercase();
        if id.starts_with("POLARIS:") {
            return Some(CheckNumbering::Polaris);
        }
        let (prefix, _) = split_check_id(&id)?;
        match prefix {
            "C" => Some(CheckNumbering::Kubescape),
            "DS" | "KSV" | "KCV" | "AWS" | "AZU" | "GCP" | "GIT" | "DIG" | "OCI" | "CLOUDSTACK" => {
                Some(CheckNumbering::Trivy)
            }
            _ => None,
        }
    }
}

/// `KSV-0017`, `AVD-KSV-0017`, `KSV017` → (`KSV`, 17); an upper-case id without a
/// numbered prefix → `None`.
fn split_check_id(id: &str) -> Option<(&str, u32)> {
    let id = id.strip_prefix("AVD-").unwrap_or(id);
    let at = id.find(|c: char| c == '-' || c.is_ascii_digit())?;
    let (prefix, rest) = id.split_at(at);
    let digits = rest.strip_prefix('-').unwrap_or(rest);
    // Cloud ids carry a service between the provider and the number (`AVD-AWS-0001`
    // has none, `AZU-0013` neither; a service word makes the number unreadable, which
    // is fine: only the prefix decides their family).
    let number = digits
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u32::MAX);
    (!prefix.is_empty()).then_some((prefix, number))
}

vocabulary! {
    /// What kind of target a configuration check looks at. A scan proves a check
    /// absent only when it ran checks of that family: a scan of Dockerfiles cannot see
    /// how an API server is configured, and an audit of a Deployment cannot see a
    /// Role, a Service, an Ingress, etcd or a node.
    pub enum ConfigFamily {
        /// Dockerfile checks (`DS-…`).
        Dockerfile = "dockerfile",
        /// Workload checks: the pod spec of a Pod or of the controller that owns it
        /// (Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet, …).
        Kubernetes = "kubernetes",
        /// Roles, ClusterRoles and their bindings.
        Rbac = "rbac",
        /// Services.
        Service = "service",
        /// Ingresses.
        Ingress = "ingress",
        /// NetworkPolicies.
        NetworkPolicy = "network-policy",
        /// Namespaced settings objects: ConfigMaps, LimitRanges, ResourceQuotas.
        Settings = "settings",
        /// Cluster and control-plane checks: API server, etcd, controller manager,
        /// scheduler, kubelet and node files (`KCV-…`, Kubescape control-plane controls).
        Cluster = "cluster",
        /// Cloud infrastructure checks (`AVD-AWS-…`, `AVD-AZU-…`, `AVD-GCP-…`).
        Cloud = "cloud",
    }
}

/// Trivy `KSV` checks by number and target (trivy-checks `input.selector` kinds).
/// `KSV-0032`…`KSV-0035` (registries) are deprecated and no longer run by Trivy, so
/// no Trivy scan's silence can prove them absent: they are in no family.
const TRIVY_KSV: &[(u32, u32, ConfigFamily)] = &[
    (1, 31, ConfigFamily::Kubernetes),
    // 36: service-account token automount; 37: objects in kube-system (any kind,
    // reported on workloads)
    (36, 37, ConfigFamily::Kubernetes),
    (38, 38, ConfigFamily::NetworkPolicy),
    (39, 40, ConfigFamily::Settings),
    (41, 56, ConfigFamily::Rbac),
    // 107: deprecated API versions (any kind; a workload audit sees its workload's)
    (102, 107, ConfigFamily::Kubernetes),
    (108, 108, ConfigFamily::Service),
    (109, 109, ConfigFamily::Settings),
    (110, 110, ConfigFamily::Kubernetes),
    (111, 115, ConfigFamily::Rbac),
    (116, 121, ConfigFamily::Kubernetes),
    (122, 123, ConfigFamily::Rbac),
    (125, 125, ConfigFamily::Kubernetes),
    (1010, 1010, ConfigFamily::Settings),
    (1011, 1011, ConfigFamily::Rbac),
];

/// Kubescape controls that are not about workloads: the control plane and nodes
/// (API server, etcd, kubelet, audit logging) and RBAC. Other `C-…` controls are
/// workload controls.
const KUBESCAPE_NOT_WORKLOAD: &[(u32, ConfigFamily)] = &[
    (2, ConfigFamily::Rbac),     // exec into container
    (5, ConfigFamily::Cluster),  // API server insecure port
    (7, ConfigFamily::Rbac),     // data destruction
    (15, ConfigFamily::Rbac),    // list Kubernetes secrets
    (35, ConfigFamily::Rbac),    // administrative roles
    (37, ConfigFamily::Rbac),    // CoreDNS poisoning
    (63, ConfigFamily::Rbac),    // portforwarding privileges
    (65, ConfigFamily::Rbac),    // no impersonation
    (66, ConfigFamily::Cluster), // secret/etcd encryption enabled
    (67, ConfigFamily::Cluster), // audit logs enabled
    (68, ConfigFamily::Cluster), // PSP enabled
    (69, ConfigFamily::Cluster), // anonymous access to kubelet
    (70, ConfigFamily::Cluster), // kubelet client TLS
    (88, ConfigFamily::Rbac),    // RBAC enabled
    (262, ConfigFamily::Rbac),   // anonymous access enabled
];

impl ConfigFamily {
    /// The family a misconfiguration check id belongs to, from its tool's numbering
    /// (`KSV-0017`, `AVD-KSV-0017`, `KSV017`, `DS002`, `KCV-0001`, `C-0057`,
    /// `polaris:…`); `None` when the numbering says nothing, or names a check no
    /// current release of its tool runs.
    pub fn of_check(id: &str) -> Option<ConfigFamily> {
        let upper = id.trim().to_ascii_uppercase();
        if let Some(name) = upper.strip_prefix("POLARIS:") {
            return Some(
                if name.starts_with("CLUSTERROLE") || name.starts_with("ROLE") {
                    ConfigFamily::Rbac
                } else if name.starts_with("TLSSETTINGS") {
                    ConfigFamily::Ingress
                } else {
                    ConfigFamily::Kubernetes
                },
            );
        }
        let (prefix, number) = split_check_id(&upper)?;
        match prefix {
            "DS" => Some(ConfigFamily::Dockerfile),
            "KCV" => Some(ConfigFamily::Cluster),
            "KSV" => TRIVY_KSV
                .iter()
                .find(|(from, to, _)| (*from..=*to).contains(&number))
                .map(|(_, _, f)| *f),
            "C" => Some(
                KUBESCAPE_NOT_WORKLOAD
                    .iter()
                    .find(|(n, _)| *n == number)
                    .map_or(ConfigFamily::Kubernetes, |(_, f)| *f),
            ),
            "AWS" | "AZU" | "GCP" | "GIT" | "DIG" | "OCI" | "CLOUDSTACK" => {
                Some(ConfigFamily::Cloud)
            }
            _ => None,
        }
    }

    /// The family of checks an audit of one Kubernetes object of `kind` runs: workload
    /// checks for a Pod or its controllers, RBAC checks for a Role, … (`None` for a
    /// kind no family covers).
    pub fn of_resource_kind(kind: &str) -> Option<ConfigFamily> {
        match kind {
            "Pod"
            | "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "Job"
            | "CronJob"
            | "ReplicationController"
            | "DeploymentConfig" => Some(ConfigFamily::Kubernetes),
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
                Some(ConfigFamily::Rbac)
            }
            "Service" => Some(ConfigFamily::Service),
            "Ingress" => Some(ConfigFamily::Ingress),
            "NetworkPolicy" => Some(ConfigFamily::NetworkPolicy),
            "ConfigMap" | "LimitRange" | "ResourceQuota" => Some(ConfigFamily::Settings),
            "Node" => Some(ConfigFamily::Cluster),
            _ => None,
        }
    }
}

/// The configuration check families a scan ran (a small set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigFamilies(u16);

impl ConfigFamilies {
    /// Every family a scan of Kubernetes manifests can see: whatever objects the files
    /// hold.
    pub fn manifests() -> ConfigFamilies {
        [
            ConfigFamily::Kubernetes,
            ConfigFamily::Rbac,
            ConfigFamily::Service,
            ConfigFamily::Ingress,
            ConfigFamily::NetworkPolicy,
            ConfigFamily::Settings,
        ]
        .into_iter()
        .collect()
    }

    /// The set with `f` added.
    pub fn with(self, f: ConfigFamily) -> ConfigFamilies {
        ConfigFamilies(self.0 | (1 << f as u8))
    }

    /// Both sets together.
    pub fn union(self, other: ConfigFamilies) -> ConfigFamilies {
        ConfigFamilies(self.0 | other.0)
    }

    /// This set without the families of `other`.
    pub fn without(self, other: ConfigFamilies) -> ConfigFamilies {
        ConfigFamilies(self.0 & !other.0)
    }

    /// Whether `f` is in the set.
    pub fn contains(self, f: ConfigFamily) -> bool {
        self.0 & (1 << f as u8) != 0
    }

    /// Whether the set is empty (the scan did not say which checks it ran).
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The families in the set.
    pub fn iter(self) -> impl Iterator<Item = ConfigFamily> {
        ConfigFamily::VARIANTS
            .iter()
            .copied()
            .filter(move |f| self.contains(*f))
    }
}

impl FromIterator<ConfigFamily> for ConfigFamilies {
    fn from_iter<I: IntoIterator<Item = ConfigFamily>>(iter: I) -> Self {
        iter.into_iter()
            .fold(ConfigFamilies::default(), ConfigFamilies::with)
    }
}

impl Serialize for ConfigFamilies {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for ConfigFamilies {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<ConfigFamily>::deserialize(d)?.into_iter().collect())
    }
}

/// The check ids a configuration scan says it ran, because it listed its passing
/// checks as well as its failures (trivy-operator with every check recorded, Trivy
/// with `--include-non-failures`, one target at a time). Such a scan ran exactly
/// these: a check it does not list was not run, so its silence about that check
/// proves nothing, whatever the family of the audited object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RanChecks(Vec<Text>);

impl RanChecks {
    /// The checks listed, each under every spelling the record carries (its id and
    /// aliases: `KSV-0017`, `KSV017`, `AVD-KSV-0017`).
    pub fn new(ids: impl IntoIterator<Item = impl Into<Text>>) -> RanChecks {
        let mut ids: Vec<Text> = ids.into_iter().map(Into::into).collect();
        ids.sort();
        ids.dedup();
        RanChecks(ids)
    }

    /// Whether a listed check matches `matches` (a selector's id glob).
    pub fn any(&self, matches: impl Fn(&str) -> bool) -> bool {
        self.0.iter().any(|id| matches(id))
    }

    /// Whether no check is listed (the scan ran none).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

vocabulary! {
    /// A runtime sensor that watches nodes and containers.
    pub enum Sensor {
        /// Falco.
        Falco = "falco",
        /// Cilium Tetragon.
        Tetragon = "tetragon",
        /// Microsoft Defender for Containers.
        Defender = "defender",
    }
}

impl Sensor {
    /// Whether every event of this sensor names the node it runs on, so that its events
    /// and heartbeats prove it was alive there (Falco and Tetragon run as DaemonSets;
    /// Defender's alerts come from the cloud service and say nothing about node liveness).
    pub fn proves_node_liveness(self) -> bool {
        matches!(self, Sensor::Falco | Sensor::Tetragon)
    }
}

/// The check id of a sighting record (an image seen running in a workload).
pub const SIGHTING: &str = "running";

/// The check id of an audit-log heartbeat (the log recorded an event).
pub const AUDIT_LOG: &str = "audit-log";

/// Facts about one vulnerable package.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VulnFacts {
    /// Package name.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub package: Text,
    /// Installed version.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub installed: Text,
    /// The version(s) that fix it, as the scanner wrote them (empty: none named).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub fixed_in: Text,
    /// Whether an upgrade fixes it (decided by [`VulnFacts::new`]).
    pub fixable: bool,
    /// Listed as known exploited (CISA KEV).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub known_exploited: bool,
}

impl VulnFacts {
    /// Facts of a vulnerable package. It is fixable when the scanner names a fixed
    /// version, or says its fix state is `fixed` — the one rule for every scanner.
    pub fn new(
        package: impl Into<Text>,
        installed: impl Into<Text>,
        fixed_in: impl Into<Text>,
        fix_state: &str,
    ) -> VulnFacts {
        let fixed_in: Text = fixed_in.into();
        let fixable = !fixed_in.trim().is_empty() || fix_state.eq_ignore_ascii_case("fixed");
        VulnFacts {
            package: package.into(),
            installed: installed.into(),
            fixed_in,
            fixable,
            known_exploited: false,
        }
    }

    /// Mark it known exploited (builder style).
    pub fn known_exploited(mut self, yes: bool) -> VulnFacts {
        self.known_exploited = yes;
        self
    }
}

/// Facts about a scanned image, from the scan that read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ImageFacts {
    /// The image's content identity: its config digest (Trivy `ImageID`, Grype
    /// `imageID`), the same whatever name or registry the image was scanned under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_digest: Option<Text>,
    /// When the image was built (its config's `created`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    /// Base OS family (`debian`, `alpine`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_family: Option<Text>,
    /// Base OS version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_name: Option<Text>,
    /// Whether the base OS is past its end of life (`None`: the scanner did not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_life: Option<bool>,
}

impl ImageFacts {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self == &ImageFacts::default()
    }
}

vocabulary! {
    /// What a VEX statement says about a vulnerability in a product.
    pub enum VexStatus {
        /// The product is not affected (with a justification).
        NotAffected = "not_affected",
        /// The product is affected (with an action statement).
        Affected = "affected",
        /// The vulnerability is fixed in the product.
        Fixed = "fixed",
        /// Not known yet.
        UnderInvestigation = "under_investigation",
    }
}

/// A VEX statement about the record's vulnerability (`check`, aliases) in the record's
/// product (the subject's image, or its `target` for a package URL).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VexFacts {
    /// The status.
    pub status: VexStatus,
    /// Why not affected (`vulnerable_code_not_in_execute_path`, …), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Text>,
    /// The impact or status notes, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Text>,
    /// What to do (for `affected`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Text>,
    /// Who made the statement (the document's author or supplier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<Text>,
    /// The document's identifier (`@id`, serial number, tracking id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Text>,
    /// The package the statement is narrowed to, by name (from its package URL, or as
    /// written): the subcomponent of an image product, or a package product itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Text>,
}

impl VexStatus {
    /// Whether a statement with this status closes the findings it covers: the
    /// product is not affected, or the vulnerability is fixed in it.
    pub fn closes(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// What a benchmark result is: which benchmark, in which version's numbering, and the
/// item number. Read from the export (kube-bench `Controls[].version`, the version
/// docker-bench prints, a Trivy compliance spec), never assumed.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BenchmarkFacts {
    /// The benchmark, as kube-bench names its families: `cis` (CIS Kubernetes), `aks`,
    /// `eks`, `gke`, `cis-docker`, … (a Trivy spec without a CIS family keeps its own name).
    pub benchmark: Text,
    /// The version whose numbering `item` follows (`1.10`, `1.6`); `None` when the export
    /// does not say, or says something its own titles contradict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Text>,
    /// The item number inside the benchmark (`5.2.2`).
    pub item: Text,
}

impl BenchmarkFacts {
    /// Facts of item `item` of `benchmark` in `version`'s numbering.
    pub fn new(benchmark: impl Into<Text>, version: Option<Text>, item: impl Into<Text>) -> Self {
        BenchmarkFacts {
            benchmark: benchmark.into(),
            version: version.filter(|v| !v.trim().is_empty()),
            item: item.into(),
        }
    }

    /// The numbering the item follows, spelt as kube-bench spells its configurations:
    /// `cis-1.10`, `aks-1.8`, `cis-docker-1.6`; just the benchmark when the version is unknown.
    pub fn numbering(&self) -> String {
        match &self.version {
            Some(v) => format!("{}-{v}", self.benchmark),
            None => self.benchmark.to_string(),
        }
    }

    /// The versioned id catalogs map: `cis-1.10:5.2.2` (`cis-docker:5.5` when the version is unknown).
    pub fn id(&self) -> String {
        format!("{}:{}", self.numbering(), self.item)
    }
}

/// Words that show a policy, an admission decision or its message is about pod
/// security: the Pod Security Standards' fields and the names of their policies.
/// Matched in lower case, with `-` and `_` read as spaces.
const POD_SECURITY_WORDS: &[&str] = &[
    "pod security",
    // the audit log's Pod Security admission decisions (`ingest::k8s_audit`)
    "psa enforce",
    "psa violation",
    "psa exempt",
    "securitycontext",
    "security context",
    "privileged",
    "privilege escalation",
    "privilegeescalation",
    "hostnetwork",
    "host network",
    "hostpid",
    "host pid",
    "hostipc",
    "host ipc",
    "hostnamespace",
    "host namespace",
    "hostpath",
    "host path",
    "hostport",
    "host port",
    "hostprocess",
    "host process",
    "capabilit",
    "apparmor",
    "selinux",
    "seccomp",
    "procmount",
    "proc mount",
    "sysctl",
    "runasnonroot",
    "run as non",
    "runasuser",
    "runasgroup",
    "non root",
    "nonroot",
    "k8spsp",
];

/// Whether `text` (a policy's rule and name, the message it gave) says the policy
/// checks pod security: the one rule deciding which policy results count toward pod
/// security admission, whatever engine ran the policy (docs/catalog-format.md).
pub fn checks_pod_security(text: &str) -> bool {
    let norm: String = text
        .chars()
        .map(|c| match c {
            '-' | '_' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    POD_SECURITY_WORDS.iter().any(|w| norm.contains(w))
}

/// The typed facts of a record, by what it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facts {
    /// Nothing beyond the common fields.
    #[default]
    None,
    /// A vulnerable package.
    Vulnerability(Shared<VulnFacts>),
    /// A scan happened.
    Scan {
        /// What it looked for.
        class: ScanClass,
        /// For configuration scans, the families of checks it ran.
        #[serde(default, skip_serializing_if = "ConfigFamilies::is_empty")]
        families: ConfigFamilies,
        /// For configuration scans, whose check ids it reports: its silence proves
        /// nothing about another tool's ids (`None`: it did not say).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        numbering: Option<CheckNumbering>,
        /// For configuration scans that list every check they ran, passing ones too
        /// ([`RanChecks`]); `None` when the scan lists only its failures, so that its
        /// `families` say what it could have reported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ran: Option<Shared<RanChecks>>,
        /// What it learnt about the image it scanned.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<Shared<ImageFacts>>,
    },
    /// A VEX statement.
    Vex(Shared<VexFacts>),
    /// A platform resource's configuration, or a policy state (`model::platform`).
    Platform(Shared<PlatformFacts>),
    /// A benchmark result: benchmark, version and item.
    Benchmark(Shared<BenchmarkFacts>),
    /// A policy result or admission decision: what the policy checks.
    Policy {
        /// The policy's rule, name or message is about pod security ([`checks_pod_security`]).
        pod_security: bool,
    },
    /// A runtime alert.
    Alert {
        /// What the sensor did about it (Tetragon `SIGKILL`, `OVERRIDE`), when it acted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<Text>,
    },
}

impl Facts {
    /// Whether there are no facts.
    pub fn is_none(&self) -> bool {
        matches!(self, Facts::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchmark_ids_carry_the_numbering() {
        let b = BenchmarkFacts::new("cis", Some("1.10".into()), "5.2.2");
        assert_eq!(b.id(), "cis-1.10:5.2.2");
        let d = BenchmarkFacts::new("cis-docker", None, "5.5");
        assert_eq!(d.numbering(), "cis-docker");
        assert_eq!(d.id(), "cis-docker:5.5");
        assert_eq!(
            BenchmarkFacts::new("aks", Some(" ".into()), "4.2.1").version,
            None
        );
    }

    #[test]
    fn check_ids_name_their_tool_and_family() {
        use CheckNumbering as N;
        use ConfigFamily as F;
        for (id, tool, family) in [
            ("KSV-0017", Some(N::Trivy), Some(F::Kubernetes)),
            ("AVD-KSV-0017", Some(N::Trivy), Some(F::Kubernetes)),
            ("KSV017", Some(N::Trivy), Some(F::Kubernetes)),
            ("KSV-0041", Some(N::Trivy), Some(F::Rbac)),
            ("KSV-0108", Some(N::Trivy), Some(F::Service)),
            ("KSV-01010", Some(N::Trivy), Some(F::Settings)),
            ("KSV-01011", Some(N::Trivy), Some(F::Rbac)),
            ("KSV-0034", Some(N::Trivy), None),
            ("KSV-0999", Some(N::Trivy), None),
            ("KCV-0030", Some(N::Trivy), Some(F::Cluster)),
            ("DS002", Some(N::Trivy), Some(F::Dockerfile)),
            ("AVD-AWS-0086", Some(N::Trivy), Some(F::Cloud)),
            ("C-0057", Some(N::Kubescape), Some(F::Kubernetes)),
            ("C-0066", Some(N::Kubescape), Some(F::Cluster)),
            ("C-0067", Some(N::Kubescape), Some(F::Cluster)),
            ("C-0015", Some(N::Kubescape), Some(F::Rbac)),
            (
                "polaris:runAsPrivileged",
                Some(N::Polaris),
                Some(F::Kubernetes),
            ),
            (
                "polaris:tlsSettingsMissing",
                Some(N::Polaris),
                Some(F::Ingress),
            ),
            (
                "polaris:clusterrolePodExecAttach",
                Some(N::Polaris),
                Some(F::Rbac),
            ),
            ("pod-run-as-non-root", None, None),
            ("cluster-admin-binding", None, None),
        ] {
            assert_eq!(CheckNumbering::of_check(id), tool, "{id}");
            assert_eq!(ConfigFamily::of_check(id), family, "{id}");
        }
        assert_eq!(
            ConfigFamily::of_resource_kind("Deployment"),
            Some(F::Kubernetes)
        );
        assert_eq!(ConfigFamily::of_resource_kind("ClusterRole"), Some(F::Rbac));
        assert_eq!(ConfigFamily::of_resource_kind("Ingress"), Some(F::Ingress));
        assert_eq!(ConfigFamily::of_resource_kind("Secret"), None);
    }

    #[test]
    fn pod_security_is_read_from_rule_and_message() {
        for yes in [
            "disallow-host-namespaces/host-namespaces",
            "K8sPSPAllowedUsers/psp-pods-allowed-user-ranges",
            "failed expression: object.spec.containers.all(c, c.securityContext.privileged != true)",
            "Pod Security Standards (Baseline)",
            "require-run-as-nonroot/run-as-non-root",
            "psa-violation",
        ] {
            assert!(checks_pod_security(yes), "{yes}");
        }
        for no in [
            "vap:min-replicas",
            "failed expression: object.spec.replicas >= 5",
            "require-labels/check-for-labels",
            "K8sAllowedRepos/prod-repos",
            "policy/v1beta1/PodSecurityPolicy is deprecated",
        ] {
            assert!(!checks_pod_security(no), "{no}");
        }
    }
}
