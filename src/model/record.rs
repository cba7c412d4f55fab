//! The evidence record: one normalised statement a tool made about a subject.

use super::vocab::vocabulary;
use super::{
    Attrs, BenchmarkFacts, Facts, Field, Format, ImageFacts, ImageRef, Interner, PlatformFacts,
    ScanClass, Severity, Shared, Text, VexFacts, VulnFacts,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What kind of statement a record is. Catalog selectors start with this word.
    pub enum RecordKind {
        /// A known vulnerability in a package of an image or host (`check` = CVE/GHSA id).
        Vulnerability = "vulnerability",
        /// A configuration check on a manifest, Dockerfile or resource (`check` = KSV-0017, DS-0002…).
        Misconfiguration = "misconfiguration",
        /// An exposed secret found by a scanner (`check` = rule id; the value is never kept).
        Secret = "secret",
        /// A benchmark test result (`check` = `cis-1.10:5.2.2`, `cis-docker-1.6:5.5`).
        Benchmark = "benchmark",
        /// A policy engine result (`check` = `policy/rule` or `ConstraintKind/name`).
        Policy = "policy",
        /// An admission decision seen in the audit log (`check` = `psa-enforce`, `webhook-denied`, …).
        Admission = "admission",
        /// Administrative activity from the audit log (`check` = `exec`, `secret-read`, `anonymous-allowed`, …).
        Activity = "activity",
        /// A runtime detection (`check` = Falco rule, Tetragon policy, Defender alert type).
        Alert = "alert",
        /// An image signature verification (`check` = `cosign`).
        Signature = "signature",
        /// A scan happened: positive evidence that a tool looked at a subject (`check` = scan class).
        Scan = "scan",
        /// An image was seen running in a workload (runtime inventory).
        Sighting = "sighting",
        /// A sensor was alive (heartbeat or any event from a node).
        Heartbeat = "heartbeat",
        /// A VEX statement about a vulnerability in a product (`check` = vulnerability id).
        Vex = "vex",
        /// A platform resource's configuration (`check` = resource type: `managed-cluster`,
        /// `node-pool`, `registry`, `container-group`, `role-assignment`, `role-definition`).
        Platform = "platform",
    }
}

impl RecordKind {
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
                | RecordKind::Platform
        )
    }
}

vocabulary! {
    /// The tool's verdict, in one vocabulary (controls.md §4.3).
    #[derive(Default)]
    pub enum Outcome {
        /// The check passed: positive evidence.
        Pass = "pass",
        /// The check failed, or the finding exists.
        #[default]
        Fail = "fail",
        /// The tool flagged it for review (Kyverno `warn`, docker-bench `NOTE`, dry-run violation).
        Warn = "warn",
        /// Informational only (inventory, heartbeats, kube-bench INFO).
        Info = "info",
        /// The tool could not evaluate it (Kyverno `error`, manual kube-bench checks).
        Unknown = "unknown",
        /// The tool skipped it or suppressed it itself.
        Skip = "skip",
    }
}

/// The resource kind of a pod as Kubernetes spells it, for the runtime sensors and the
/// audit log that name pods (made at compile time: every event of a pod uses it).
pub const POD_KIND: Text = Text::literal(arcstr::literal!("Pod"));

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

    /// The workloads this subject belongs to, as `cluster/namespace/kind/name`: itself,
    /// and for a pod, the workloads that may own it (see `model::workload`).
    pub fn workloads(&self) -> Vec<String> {
        let mut out: Vec<String> = self.workload().into_iter().collect();
        let is_pod = self
            .kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("pod"));
        if let (true, Some(name)) = (is_pod, self.name.as_deref()) {
            for (kind, owner) in super::workload::owners_of_pod(name) {
                let owner = Subject {
                    kind: Some(Text::from(kind)),
                    name: Some(Text::from(owner)),
                    ..self.clone()
                };
                out.extend(owner.workload());
            }
        }
        out
    }

    /// A short human label: the workload, else the image, else the node, else the
    /// namespace (`cluster/namespace NS`, cluster first as in a workload's label, so one
    /// namespace on two clusters reads as two subjects) or the cluster, else the target;
    /// empty when the record names none of them (pages then say "not named in the
    /// export", `render::build`).
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
            return match &self.cluster {
                Some(c) => format!("{c}/namespace {ns}"),
                None => format!("namespace {ns}"),
            };
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
    /// Input file path as shown to users: the path the file was reached by, starting
    /// with the input as shown (`exports/trivy/web.json` for `muster build exports` and
    /// for `muster build /home/ana/exports`: never a machine's own folders; the rule is
    /// `crate::ingest::shown`, docs/shards.md "File names on the site").
    pub file: Text,
    /// 1-based line number, when known (never zero, which keeps a record small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<std::num::NonZeroU64>,
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

/// What a record says, apart from its kind and verdict, when it was seen and where it
/// was read: the check, title, subject and facts. The records of one event seen on many
/// days, and of one finding in many scans, share one `Statement` (see [`Interner`]), so
/// memory follows distinct statements, not observations.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The input format it was read from.
    pub format: Format,
    /// The tool and version that produced it, when the export says (`trivy 0.50.1`).
    pub tool: Text,
    /// The canonical identifier of the check, rule or vulnerability.
    pub check: Text,
    /// Other spellings of the same identifier (`KSV017`, `AVD-KSV-0017`, a GHSA for a CVE).
    pub aliases: Vec<Text>,
    /// One-line title.
    pub title: Text,
    /// Longer message (already redacted).
    pub message: Text,
    /// What it is about.
    pub subject: Shared<Subject>,
    /// Typed facts the evaluators read (vulnerable package, scan class, image facts…).
    pub facts: Facts,
    /// Format-specific extras kept for display and shards only; no decision reads them.
    pub attrs: Shared<Attrs>,
}

// Equality is reflexive: a statement holds no floating-point value.
impl Eq for Statement {}

impl std::hash::Hash for Statement {
    /// Hashes what tells statements apart most cheaply; equality decides the rest.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.format.hash(state);
        self.check.hash(state);
        self.title.hash(state);
        self.subject.hash(state);
    }
}

/// One normalised piece of evidence: its kind and verdict, a [`Statement`] (read
/// through `Deref`, so `record.check` is its check) and when and where it was
/// observed. Kind, outcome and severity, which evaluation reads for every record at
/// every date, are kept in the record itself (in what would be padding). Serialised
/// flat, as one object (see `record_serde`).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// What kind of statement this is.
    pub kind: RecordKind,
    /// The verdict.
    pub outcome: Outcome,
    /// Severity on muster's scale.
    pub severity: Severity,
    /// What it says (shared with every record that says the same).
    said: std::sync::Arc<Statement>,
    /// When the tool observed it (scan time, event time). `None` when the export has no time.
    pub observed_at: Option<DateTime<Utc>>,
    /// The export gave no time, and `observed_at` is the date in the file's path.
    pub dated_from_path: bool,
    /// How many identical events were folded into this record (1 for snapshots). A
    /// file folds at most its own events (a file is at most 8 GiB), so 32 bits hold
    /// it; folding saturates rather than wraps.
    pub count: u32,
    /// Earliest observation of folded events, when `count > 1`.
    pub first_observed_at: Option<DateTime<Utc>>,
    /// Where it came from.
    pub provenance: Provenance,
}

impl std::ops::Deref for Record {
    type Target = Statement;
    fn deref(&self) -> &Statement {
        &self.said
    }
}

impl std::ops::DerefMut for Record {
    /// Changing what a shared record says gives it its own copy first.
    fn deref_mut(&mut self) -> &mut Statement {
        std::sync::Arc::make_mut(&mut self.said)
    }
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
            outcome,
            severity: Severity::None,
            said: std::sync::Arc::new(Statement {
                format,
                tool: Text::default(),
                check: check.into(),
                aliases: Vec::new(),
                title: Text::default(),
                message: Text::default(),
                subject: Shared::default(),
                facts: Facts::None,
                attrs: Shared::default(),
            }),
            observed_at: None,
            dated_from_path: false,
            count: 1,
            first_observed_at: None,
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
        let said = std::sync::Arc::make_mut(&mut self.said);
        interner.share(&mut said.tool);
        interner.share(&mut said.check);
        said.aliases.shrink_to_fit();
        said.aliases.iter_mut().for_each(|a| interner.share(a));
        interner.share(&mut said.title);
        // An event's message is its sample (timestamps, process ids): nearly always
        // unique, so sharing it would only grow the table.
        if self.kind.is_snapshot() {
            interner.share(&mut said.message);
        }
        interner.share_subject(&mut said.subject);
        interner.share_attrs(&mut said.attrs);
        if let Facts::Vulnerability(v) = &mut said.facts {
            interner.share_vuln(v);
        }
        // Then the statement itself: an event seen on many days, or a finding in
        // every scan, is stored once. (A statement with its own message, an event
        // sample, is nearly always unique: it is not kept in the table.)
        if self.kind.is_snapshot() || said.message.is_empty() {
            interner.share_statement(&mut self.said);
        }
        interner.share(&mut self.provenance.file);
        interner.share_opt(&mut self.provenance.pointer);
    }

    /// The value of a field for catalog predicates: common fields, subject parts and
    /// typed facts (never display-only attributes).
    pub fn field(&self, field: Field) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        fn text(t: &Option<Text>) -> Option<Cow<'_, str>> {
            t.as_deref().map(Cow::Borrowed)
        }
        let yes_no = |b: bool| Cow::Borrowed(if b { "true" } else { "false" });
        match field {
            Field::Kind => Some(Cow::Borrowed(self.kind.as_str())),
            Field::Format => Some(Cow::Borrowed(self.format.id())),
            Field::Check => Some(Cow::Borrowed(&self.check)),
            Field::Outcome => Some(Cow::Borrowed(self.outcome.as_str())),
            Field::Severity => Some(Cow::Borrowed(self.severity.as_str())),
            Field::Title => Some(Cow::Borrowed(&self.title)),
            Field::Cluster => text(&self.subject.cluster),
            Field::Namespace => text(&self.subject.namespace),
            Field::ResourceKind => text(&self.subject.kind),
            Field::Name => text(&self.subject.name),
            Field::Container => text(&self.subject.container),
            Field::Image => self.subject.image.as_ref().map(|i| Cow::Owned(i.tagged())),
            Field::Registry => self
                .subject
                .image
                .as_ref()
                .map(|i| Cow::Borrowed(i.registry.as_str())),
            Field::Node => text(&self.subject.node),
            Field::Target => text(&self.subject.target),
            Field::Package => self.vuln().map(|v| Cow::Borrowed(v.package.as_str())),
            Field::FixedVersion => self.vuln().map(|v| Cow::Borrowed(v.fixed_in.as_str())),
            Field::Fixable => self.vuln().map(|v| yes_no(v.fixable)),
            Field::KnownExploited => self.vuln().map(|v| yes_no(v.known_exploited)),
            Field::ScanClass => self.scan_class().map(|c| Cow::Borrowed(c.as_str())),
            Field::Action => match &self.facts {
                Facts::Alert { action } => text(action),
                _ => None,
            },
            Field::Benchmark => self
                .benchmark()
                .map(|b| Cow::Borrowed(b.benchmark.as_str())),
            Field::BenchmarkVersion => self.benchmark().and_then(|b| text(&b.version)),
            Field::PodSecurity => match &self.facts {
                Facts::Policy { pod_security } => Some(yes_no(*pod_security)),
                _ => None,
            },
        }
    }

    /// Benchmark, version and item, for benchmark records.
    pub fn benchmark(&self) -> Option<&BenchmarkFacts> {
        match &self.facts {
            Facts::Benchmark(b) => Some(b),
            _ => None,
        }
    }

    /// What kind of report a snapshot record belongs to: a newer report supersedes an
    /// older one only when both are of the same kind (a secret report says nothing
    /// about the vulnerabilities of the same workload). `None` for events.
    pub fn report_class(&self) -> Option<ScanClass> {
        match self.kind {
            RecordKind::Vulnerability => Some(ScanClass::Vulnerability),
            RecordKind::Misconfiguration => Some(ScanClass::Configuration),
            RecordKind::Secret => Some(ScanClass::Secret),
            RecordKind::Benchmark => Some(ScanClass::Benchmark),
            RecordKind::Policy => Some(ScanClass::PolicyAudit),
            RecordKind::Scan => self.scan_class(),
            _ => None,
        }
    }

    /// The vulnerable package, for vulnerability records.
    pub fn vuln(&self) -> Option<&VulnFacts> {
        match &self.facts {
            Facts::Vulnerability(v) => Some(v),
            _ => None,
        }
    }

    /// The statement, for VEX records.
    pub fn vex(&self) -> Option<&VexFacts> {
        match &self.facts {
            Facts::Vex(v) => Some(v),
            _ => None,
        }
    }

    /// What a scan record's scan looked for.
    pub fn scan_class(&self) -> Option<ScanClass> {
        match &self.facts {
            Facts::Scan { class, .. } => Some(*class),
            _ => None,
        }
    }

    /// What a scan record learnt about its image.
    pub fn image_facts(&self) -> Option<&ImageFacts> {
        match &self.facts {
            Facts::Scan { image, .. } => image.as_deref(),
            _ => None,
        }
    }

    /// The platform facts of a platform or policy-state record.
    pub fn platform(&self) -> Option<&PlatformFacts> {
        match &self.facts {
            Facts::Platform(p) => Some(p),
            _ => None,
        }
    }

    /// Whether this vulnerability is known to be exploited.
    pub fn known_exploited(&self) -> bool {
        self.vuln().is_some_and(|v| v.known_exploited)
    }

    /// Whether the check id or one of its aliases equals `id` (ASCII case-insensitive).
    pub fn has_id(&self, id: &str) -> bool {
        self.check.eq_ignore_ascii_case(id)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }
}
