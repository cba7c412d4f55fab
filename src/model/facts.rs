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
    /// The family of configuration checks a configuration scan ran: a scan of
    /// Dockerfiles cannot see how an API server is configured.
    pub enum ConfigFamily {
        /// Dockerfile checks (`DS-…`).
        Dockerfile = "dockerfile",
        /// Kubernetes workload and manifest checks (`KSV-…`, Kubescape `C-…`, Polaris).
        Kubernetes = "kubernetes",
        /// Cluster and control-plane checks (`KCV-…`).
        Cluster = "cluster",
        /// Cloud infrastructure checks (`AVD-AWS-…`, `AVD-AZU-…`, `AVD-GCP-…`).
        Cloud = "cloud",
    }
}

impl ConfigFamily {
    /// The family a misconfiguration check id belongs to, from its numbering
    /// (`KSV-0017`, `AVD-KSV-0017`, `KSV017`, `DS002`, `KCV-0001`, `C-0057`,
    /// `polaris:…`); `None` when the numbering says nothing.
    pub fn of_check(id: &str) -> Option<ConfigFamily> {
        let id = id.trim().to_ascii_uppercase();
        let id = id.strip_prefix("AVD-").unwrap_or(&id);
        let family = |prefix: &str| {
            id.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(|c: char| c == '-' || c.is_ascii_digit()))
        };
        if family("DS") {
            Some(ConfigFamily::Dockerfile)
        } else if family("KSV") || family("C") || id.starts_with("POLARIS:") {
            Some(ConfigFamily::Kubernetes)
        } else if family("KCV") {
            Some(ConfigFamily::Cluster)
        } else if ["AWS", "AZU", "GCP", "GIT", "DIG", "OCI", "CLOUDSTACK"]
            .iter()
            .any(|p| family(p))
        {
            Some(ConfigFamily::Cloud)
        } else {
            None
        }
    }
}

/// The configuration check families a scan ran (a small set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigFamilies(u8);

impl ConfigFamilies {
    /// The set with `f` added.
    pub fn with(self, f: ConfigFamily) -> ConfigFamilies {
        ConfigFamilies(self.0 | (1 << f as u8))
    }

    /// Both sets together.
    pub fn union(self, other: ConfigFamilies) -> ConfigFamilies {
        ConfigFamilies(self.0 | other.0)
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
