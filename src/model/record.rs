//! The evidence record: one normalised statement a tool made about a subject.

use super::{Attrs, ImageRef, Interner, Severity, Shared, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every input format muster reads. The identifier is stable: it appears in
/// `check --format json`, shards, CSV exports and catalog selectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `trivy image|fs|repo -f json` (SchemaVersion 2, and the pre-0.20 top-level array).
    Trivy,
    /// `trivy k8s -f json` cluster reports.
    TrivyK8s,
    /// `trivy … --compliance` reports (all and summary).
    TrivyCompliance,
    /// trivy-operator CRDs (VulnerabilityReport, ConfigAuditReport, …).
    TrivyOperator,
    /// `grype -o json`.
    Grype,
    /// `kube-bench --json`.
    KubeBench,
    /// docker-bench-security JSON log.
    DockerBench,
    /// Falco alerts with `json_output: true`.
    Falco,
    /// Tetragon JSON events.
    Tetragon,
    /// Kubernetes API-server audit events.
    K8sAudit,
    /// Kyverno / wg-policy PolicyReport, ClusterPolicyReport and OpenReports Report.
    PolicyReport,
    /// OPA Gatekeeper constraints with audit status.
    Gatekeeper,
    /// OPA Gatekeeper audit / export log lines.
    GatekeeperLog,
    /// Microsoft Defender for Containers alerts.
    Defender,
    /// `cosign verify` JSON output.
    Cosign,
    /// SARIF 2.1.0 from container scanners.
    Sarif,
    /// muster's own normalised shard (`muster ingest`).
    Shard,
}

impl Format {
    /// Stable identifier (kebab-case).
    pub fn id(self) -> &'static str {
        match self {
            Format::Trivy => "trivy",
            Format::TrivyK8s => "trivy-k8s",
            Format::TrivyCompliance => "trivy-compliance",
            Format::TrivyOperator => "trivy-operator",
            Format::Grype => "grype",
            Format::KubeBench => "kube-bench",
            Format::DockerBench => "docker-bench",
            Format::Falco => "falco",
            Format::Tetragon => "tetragon",
            Format::K8sAudit => "k8s-audit",
            Format::PolicyReport => "policy-report",
            Format::Gatekeeper => "gatekeeper",
            Format::GatekeeperLog => "gatekeeper-log",
            Format::Defender => "defender",
            Format::Cosign => "cosign",
            Format::Sarif => "sarif",
            Format::Shard => "shard",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// What kind of statement a record is. Catalog selectors start with this word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// A known vulnerability in a package of an image or host (`check` = CVE/GHSA id).
    Vulnerability,
    /// A configuration check on a manifest, Dockerfile or resource (`check` = KSV-0017, DS-0002…).
    Misconfiguration,
    /// An exposed secret found by a scanner (`check` = rule id; the value is never kept).
    Secret,
    /// A benchmark test result (`check` = `cis-1.10:5.2.2`, `docker:5.5`).
    Benchmark,
    /// A policy engine result (`check` = `policy/rule` or `ConstraintKind/name`).
    Policy,
    /// An admission decision seen in the audit log (`check` = `psa-enforce`, `webhook-denied`, …).
    Admission,
    /// Administrative activity from the audit log (`check` = `exec`, `secret-read`, `anonymous-allowed`, …).
    Activity,
    /// A runtime detection (`check` = Falco rule, Tetragon policy, Defender alert type).
    Alert,
    /// An image signature verification (`check` = `cosign`).
    Signature,
    /// A scan happened: positive evidence that a tool looked at a subject (`check` = scan class).
    Scan,
    /// An image was seen running in a workload (runtime inventory).
    Sighting,
    /// A sensor was alive (heartbeat or any event from a node).
    Heartbeat,
}

impl RecordKind {
    /// Stable identifier (kebab-case) used in catalog selectors.
    pub fn id(self) -> &'static str {
        match self {
            RecordKind::Vulnerability => "vulnerability",
            RecordKind::Misconfiguration => "misconfiguration",
            RecordKind::Secret => "secret",
            RecordKind::Benchmark => "benchmark",
            RecordKind::Policy => "policy",
            RecordKind::Admission => "admission",
            RecordKind::Activity => "activity",
            RecordKind::Alert => "alert",
            RecordKind::Signature => "signature",
            RecordKind::Scan => "scan",
            RecordKind::Sighting => "sighting",
            RecordKind::Heartbeat => "heartbeat",
        }
    }

    /// Parse a selector word.
    pub fn from_id(id: &str) -> Option<RecordKind> {
        Some(match id {
            "vulnerability" => RecordKind::Vulnerability,
            "misconfiguration" => RecordKind::Misconfiguration,
            "secret" => RecordKind::Secret,
            "benchmark" => RecordKind::Benchmark,
            "policy" => RecordKind::Policy,
            "admission" => RecordKind::Admission,
            "activity" => RecordKind::Activity,
            "alert" => RecordKind::Alert,
            "signature" => RecordKind::Signature,
            "scan" => RecordKind::Scan,
            "sighting" => RecordKind::Sighting,
            "heartbeat" => RecordKind::Heartbeat,
            _ => return None,
        })
    }

    /// Point-in-time snapshots (a newer one replaces an older one for the same target)
    /// as opposed to events (which count inside a window).
    pub fn is_snapshot(self) -> bool {
        matches!(
            self,
            RecordKind::Vulnerability
                | RecordKind::Misconfiguration
                | RecordKind::Secret
                | RecordKind::Benchmark
                | RecordKind::Policy
                | RecordKind::Signature
                | RecordKind::Scan
        )
    }
}

/// The tool's verdict, in one vocabulary (controls.md §4.3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The check passed: positive evidence.
    Pass,
    /// The check failed, or the finding exists.
    #[default]
    Fail,
    /// The tool flagged it for review (Kyverno `warn`, docker-bench `NOTE`, dry-run violation).
    Warn,
    /// Informational only (inventory, heartbeats, kube-bench INFO).
    Info,
    /// The tool could not evaluate it (Kyverno `error`, manual kube-bench checks).
    Unknown,
    /// The tool skipped it or suppressed it itself.
    Skip,
}

impl Outcome {
    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::Info => "info",
            Outcome::Unknown => "unknown",
            Outcome::Skip => "skip",
        }
    }
}

/// What a record is about. Every field is optional: tools know different things.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subject {
    /// Cluster name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Text>,
    /// Kubernetes namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Text>,
    /// Resource kind (Pod, Deployment, Role, Node…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Text>,
    /// Resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Container name inside the workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<Text>,
    /// Container image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageRef>,
    /// Node or host name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<Text>,
    /// Location inside the artifact: a file path, a package path, a Dockerfile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Text>,
}

impl Subject {
    /// `cluster/namespace/kind/name` with the missing parts left out, or `None` if no workload is named.
    pub fn workload(&self) -> Option<String> {
        let name = self.name.as_ref()?;
        let mut parts: Vec<&str> = Vec::new();
        if let Some(c) = &self.cluster {
            parts.push(c);
        }
        if let Some(ns) = &self.namespace {
            parts.push(ns);
        }
        if let Some(k) = &self.kind {
            parts.push(k);
        }
        parts.push(name);
        Some(parts.join("/"))
    }

    /// A short human label: the workload, else the image, else the node, else the target.
    pub fn label(&self) -> String {
        if let Some(w) = self.workload() {
            return w;
        }
        if let Some(i) = &self.image {
            return i.tagged();
        }
        if let Some(n) = &self.node {
            return n.to_string();
        }
        if let Some(ns) = &self.namespace {
            return format!("namespace {ns}");
        }
        if let Some(c) = &self.cluster {
            return format!("cluster {c}");
        }
        self.target.as_deref().unwrap_or_default().to_string()
    }
}

/// Where a record came from: the input file and the place inside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Provenance {
    /// Input file path as shown to users (relative to its input root).
    pub file: Text,
    /// 1-based line number, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// JSON pointer to the record inside the document, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<Text>,
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(p) = &self.pointer {
            write!(f, "#{p}")?;
        }
        Ok(())
    }
}

/// One normalised piece of evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// What kind of statement this is.
    pub kind: RecordKind,
    /// The input format it was read from.
    pub format: Format,
    /// The tool and version that produced it, when the export says (`trivy 0.50.1`).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub tool: Text,
    /// The canonical identifier of the check, rule or vulnerability.
    pub check: Text,
    /// Other spellings of the same identifier (`KSV017`, `AVD-KSV-0017`, a GHSA for a CVE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Text>,
    /// The verdict.
    pub outcome: Outcome,
    /// Severity on muster's scale.
    #[serde(default)]
    pub severity: Severity,
    /// One-line title.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub title: Text,
    /// Longer message (already redacted).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub message: Text,
    /// What it is about.
    #[serde(default)]
    pub subject: Shared<Subject>,
    /// When the tool observed it (scan time, event time). `None` when the export has no time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<DateTime<Utc>>,
    /// How many identical events were folded into this record (1 for snapshots).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u64,
    /// Earliest observation of folded events, when `count > 1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_observed_at: Option<DateTime<Utc>>,
    /// Format-specific facts catalog predicates can test (`package`, `fixed_version`, `enforcement`…).
    #[serde(default, skip_serializing_if = "no_attrs")]
    pub attrs: Shared<Attrs>,
    /// Where it came from.
    pub provenance: Provenance,
}

fn no_attrs(attrs: &Shared<Attrs>) -> bool {
    attrs.is_empty()
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

impl Record {
    /// A record with the required fields set and everything else empty.
    pub fn new(
        kind: RecordKind,
        format: Format,
        check: impl Into<Text>,
        outcome: Outcome,
    ) -> Record {
        Record {
            kind,
            format,
            tool: Text::default(),
            check: check.into(),
            aliases: Vec::new(),
            outcome,
            severity: Severity::None,
            title: Text::default(),
            message: Text::default(),
            subject: Shared::default(),
            observed_at: None,
            count: 1,
            first_observed_at: None,
            attrs: Shared::default(),
            provenance: Provenance::default(),
        }
    }

    /// Set an attribute, skipping empty values (builder style).
    pub fn attr(mut self, key: &str, value: impl Into<Text>) -> Record {
        let value = value.into();
        if !value.is_empty() {
            self.attrs.insert(key, value);
        }
        self
    }

    /// Swap every string for the interner's shared copy (after parsing, before the
    /// record is kept): memory then follows distinct strings, not records.
    pub fn share(&mut self, interner: &Interner) {
        interner.share(&mut self.tool);
        interner.share(&mut self.check);
        self.aliases.shrink_to_fit();
        self.aliases.iter_mut().for_each(|a| interner.share(a));
        interner.share(&mut self.title);
        // An event's message is its sample (timestamps, process ids): nearly always
        // unique, so sharing it would only grow the table.
        if self.kind.is_snapshot() {
            interner.share(&mut self.message);
        }
        interner.share_subject(&mut self.subject);
        interner.share_attrs(&mut self.attrs);
        interner.share(&mut self.provenance.file);
        interner.share_opt(&mut self.provenance.pointer);
    }

    /// Look up a field by name for catalog predicates: built-in fields first, then `attrs`.
    pub fn field(&self, name: &str) -> Option<String> {
        match name {
            "kind" => Some(self.kind.id().to_string()),
            "format" => Some(self.format.id().to_string()),
            "check" => Some(self.check.to_string()),
            "outcome" => Some(self.outcome.as_str().to_string()),
            "severity" => Some(self.severity.as_str().to_string()),
            "title" => Some(self.title.to_string()),
            "cluster" => self.subject.cluster.as_deref().map(str::to_string),
            "namespace" => self.subject.namespace.as_deref().map(str::to_string),
            "resource_kind" => self.subject.kind.as_deref().map(str::to_string),
            "name" => self.subject.name.as_deref().map(str::to_string),
            "container" => self.subject.container.as_deref().map(str::to_string),
            "image" => self.subject.image.as_ref().map(|i| i.tagged()),
            "registry" => self.subject.image.as_ref().map(|i| i.registry.to_string()),
            "node" => self.subject.node.as_deref().map(str::to_string),
            "target" => self.subject.target.as_deref().map(str::to_string),
            other => self.attrs.get(other).map(|v| v.to_string()),
        }
    }

    /// Whether the check id or one of its aliases equals `id` (ASCII case-insensitive).
    pub fn has_id(&self, id: &str) -> bool {
        self.check.eq_ignore_ascii_case(id)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }
}
