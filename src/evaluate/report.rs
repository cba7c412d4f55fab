//! The evaluation's result: everything the site, the exports and `check` show.
//! Plain data; no I/O, no presentation.

use crate::catalog::Localized;
use crate::diag::Diagnostic;
use crate::model::vocabulary;
use crate::model::SourceSummary;
use crate::model::{ImageRef, PlatformSetting, Provenance, Severity, Text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

vocabulary! {
    /// A control's status (controls.md §0.3).
    pub enum Status {
        /// Positive evidence and no open failure.
        Pass = "pass",
        /// An open failure (past its grace period, not waived).
        Fail = "fail",
        /// Failures inside their grace period, partial coverage, or detection-only enforcement.
        Warning = "warning",
        /// No capable source: absence of failures is not a pass.
        NotAssessed = "not-assessed",
        /// Needs a manual attestation (none valid).
        Manual = "manual",
        /// Every failure is covered by a valid waiver.
        Waived = "waived",
    }
}

impl Status {
    /// Every status in display order.
    pub const ALL: [Status; 6] = [
        Status::Fail,
        Status::Warning,
        Status::NotAssessed,
        Status::Manual,
        Status::Waived,
        Status::Pass,
    ];

    /// Precedence when aggregating checks: FAIL > WARNING > NOT_ASSESSED > MANUAL > WAIVED > PASS.
    pub fn rank(self) -> u8 {
        match self {
            Status::Fail => 5,
            Status::Warning => 4,
            Status::NotAssessed => 3,
            Status::Manual => 2,
            Status::Waived => 1,
            Status::Pass => 0,
        }
    }
}

vocabulary! {
    /// Why a status was given, as a message key of the interface strings (`i18n/*.toml`).
    pub enum ReasonCode {
        /// Open failures past their grace period.
        OpenFailures = "reason.open-failures",
        /// Failures inside their grace period.
        InGrace = "reason.in-grace",
        /// Failures with no fix available yet.
        NoFix = "reason.no-fix",
        /// Every failure is waived.
        Waived = "reason.waived",
        /// Passing results and no open failure.
        Passed = "reason.passed",
        /// No open failure, proven only by scans that could have reported one.
        PassedByScans = "reason.passed-by-scans",
        /// Passing results, scans that could have reported a failure, and no open failure.
        PassedAndScans = "reason.passed-and-scans",
        /// No source that could assess it.
        NoEvidence = "reason.no-evidence",
        /// Settled by a valid attestation.
        Attested = "reason.attested",
        /// The attestation expired.
        AttestationExpired = "reason.attestation-expired",
        /// Only an attestation can settle it, and there is none.
        NeedsAttestation = "reason.needs-attestation",
        /// A partial control: the exports pass their part, and no valid attestation
        /// completes the rest.
        PartialUnattested = "reason.partial-unattested",
        /// Scans older than the freshness limit.
        StaleScans = "reason.stale-scans",
        /// Subjects not approved (registries, base images).
        Unapproved = "reason.unapproved",
        /// A setting muster.toml must give is missing.
        NotConfigured = "reason.not-configured",
        /// Warnings from the tools.
        Warnings = "reason.warnings",
        /// An optional check raised a warning.
        CheckWarning = "reason.check-warning",
        /// Every subject is covered by current evidence.
        Covered = "reason.covered",
        /// Days of the window with audit events.
        AuditDays = "reason.audit-days",
        /// Images with no current vulnerability scan.
        Unscanned = "reason.unscanned",
        /// Running images matched to their scan by tag only.
        TagOnly = "reason.tag-only",
        /// Several base image families.
        ManyFamilies = "reason.many-families",
        /// Images older than the maximum age.
        TooOld = "reason.too-old",
        /// Images seen running whose build time no scan gives: their age is unknown.
        AgeUnknown = "reason.age-unknown",
        /// More production images than the ceiling.
        TooManyImages = "reason.too-many-images",
        /// Production images within the ceiling.
        ImageCount = "reason.image-count",
        /// Nodes whose runtime sensor went silent.
        SilentSensors = "reason.silent-sensors",
        /// A platform setting holds on every resource that has it.
        PlatformHolds = "reason.platform-holds",
        /// A platform setting fails on production resources.
        PlatformFails = "reason.platform-fails",
        /// A platform setting fails only outside production.
        PlatformOutside = "reason.platform-outside-production",
        /// Resource logs a setting needs are not collected (the items name the categories).
        LogsNotCollected = "reason.logs-not-collected",
        /// A platform setting holds where evidenced; some resources do not evidence it.
        PlatformPartial = "reason.platform-partial",
        /// No resource's export carries the fields a platform setting reads.
        NotEvidenced = "reason.not-evidenced",
        /// A platform fact contradicts a valid attestation and decides.
        FactOverAttestation = "reason.fact-over-attestation",
        /// An optional platform check fails against a passing attestation: the
        /// control is held at warning, not decided by the export.
        OptionalFactOverAttestation = "reason.optional-fact-over-attestation",
        /// Nodes no runtime sensor ever reported from.
        UncoveredNodes = "reason.uncovered-nodes",
        /// No alert, and sensors able to raise it covered every node.
        NoAlerts = "reason.no-alerts",
        /// No alert, but the sensors able to raise it did not cover every node.
        SensorGaps = "reason.sensor-gaps",
        /// No sensor able to raise the alerts covered any node.
        NoCapableSensor = "reason.no-capable-sensor",
        /// The only evidence that could prove a pass is older than its freshness limit.
        StaleEvidence = "reason.stale-evidence",
        /// The only evidence that could prove a pass carries no date.
        UndatedEvidence = "reason.undated-evidence",
        /// Days of the window without audit events.
        AuditGaps = "reason.audit-gaps",
        /// Audit events that name no cluster cannot show that the clusters other
        /// evidence names are audited (the files and the clusters are listed).
        AuditUnattributed = "reason.audit-unattributed",
        /// The same, and the clusters whose events are attributed have gaps.
        AuditUnattributedGaps = "reason.audit-unattributed-gaps",
        /// Every running image has a verified signature of its digest.
        SignedImages = "reason.signed-images",
        /// Running images without a verified signature of their digest.
        UnsignedImages = "reason.unsigned-images",
        /// Running images without a dated verified signature of their digest, some of
        /// them verified only by verifications that carry no date (counted apart).
        UndatedSignatures = "reason.undated-signatures",
    }
}

/// Why a status was given: a message code plus named parameters, translated at render time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Message key in the interface strings.
    pub code: ReasonCode,
    /// Values substituted into the message (`{count}`, `{source}`, …).
    pub params: BTreeMap<String, Param>,
}

impl Reason {
    /// A reason whose parameters are all shown as they are (names, ids, counts;
    /// a whole-value ISO date is still shown in the site's date format).
    pub fn new(code: ReasonCode, params: &[(&str, String)]) -> Reason {
        Reason {
            code,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), Param::Text(v.clone())))
                .collect(),
        }
    }

    /// A reason with typed parameters: words and dates the site localises.
    pub fn with(code: ReasonCode, params: Vec<(&str, Param)>) -> Reason {
        Reason {
            code,
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

/// One parameter of a [`Reason`]. Muster's own words are never built into a
/// parameter in English: they are interface-string keys the renderer translates,
/// and dates are dates the renderer formats. In `report.json` and `check --format
/// json` every parameter is one string, [`Param::plain`]: English, ISO dates and raw
/// ids, as before parameters were typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// Shown as it is (names, ids, counts, file paths).
    Text(String),
    /// A date, shown in the site's date format.
    Date(NaiveDate),
    /// A vocabulary id (a status…) shown as the interface string `key`; plain: `id`.
    Term {
        /// The interface-string key (`status.fail`).
        key: String,
        /// The raw id (`fail`).
        id: String,
    },
    /// An interface string with its own parameters (`node (silent since DATE)`).
    Phrase {
        /// The interface-string key.
        key: String,
        /// Its parameters.
        params: Vec<(String, Param)>,
    },
    /// Catalog text in several languages (what a benchmark mapping's items check),
    /// shown in the site's language, in English where the catalog lacks that language;
    /// plain: the English.
    Localized(Localized),
    /// Parameters joined by `sep`.
    List {
        /// The items.
        items: Vec<Param>,
        /// The separator (`, `, `; `).
        sep: String,
    },
}

impl Param {
    /// A reason as a phrase inside another reason ("the exports settle their part:
    /// {exports} …"), shown in the site's language.
    pub fn of_reason(reason: &Reason) -> Param {
        Param::Phrase {
            key: reason.code.as_str().to_string(),
            params: reason
                .params
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// An interface string with parameters.
    pub fn phrase(key: &str, params: Vec<(&str, Param)>) -> Param {
        Param::Phrase {
            key: key.to_string(),
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    /// Items joined by `sep`.
    pub fn list(items: Vec<Param>, sep: &str) -> Param {
        Param::List {
            items,
            sep: sep.to_string(),
        }
    }

    /// A status, shown with its label (`status.fail`), plain as its id (`fail`).
    pub fn status(s: Status) -> Param {
        Param::Term {
            key: format!("status.{}", s.as_str()),
            id: s.as_str().to_string(),
        }
    }

    /// The export fields a platform setting reads, in the site's language; plain: the
    /// English. They are described once, as `platform.reads.<setting>` in i18n/en.toml
    /// (and its translations), with field paths and product names as the exports spell
    /// them.
    pub fn reads(setting: PlatformSetting) -> Param {
        Param::phrase(&format!("platform.reads.{}", setting.as_str()), Vec::new())
    }

    /// A subject's label ([`crate::model::Subject::label`]) with its words in the
    /// site's language: a namespace or cluster named alone reads "namespace X" or
    /// "cluster X"; plain, exactly the label. Any other label names things only.
    pub fn subject(s: &crate::model::Subject) -> Param {
        Param::subject_words(s).unwrap_or_else(|| Param::Text(s.label()))
    }

    /// [`Param::subject`] when the label has words to translate (a namespace or a
    /// cluster named alone), `None` when it only names things (a workload, an image,
    /// a node, a file).
    pub fn subject_words(s: &crate::model::Subject) -> Option<Param> {
        // Subject::label's order: a workload (a name), an image or a node come first.
        if s.name.is_some() || s.image.is_some() || s.node.is_some() {
            return None;
        }
        let text = |t: &Text| Param::Text(t.to_string());
        match (&s.namespace, &s.cluster) {
            (Some(ns), Some(c)) => Some(Param::phrase(
                "subject.namespace-in",
                vec![("cluster", text(c)), ("namespace", text(ns))],
            )),
            (Some(ns), None) => Some(Param::phrase(
                "subject.namespace",
                vec![("namespace", text(ns))],
            )),
            (None, Some(c)) => Some(Param::phrase("subject.cluster", vec![("cluster", text(c))])),
            (None, None) => None,
        }
    }

    /// A record's title in the site's language when muster's own checks wrote it (a
    /// Kubernetes inventory or Azure Container Instances check, by its format, check id
    /// and outcome); plain, the English title the record carries. `None`: a tool's
    /// title, shown as it is.
    pub fn record_title(r: &crate::model::Record) -> Option<Param> {
        crate::ingest::inventory_title_key(r.format, &r.check, r.outcome)
            .map(|key| Param::phrase(&key, Vec::new()))
    }

    /// The machine-readable form: English words, ISO dates, raw ids.
    pub fn plain(&self) -> String {
        crate::render::plain_param(self)
    }
}

impl Default for Param {
    fn default() -> Param {
        Param::Text(String::new())
    }
}

impl From<String> for Param {
    fn from(s: String) -> Param {
        Param::Text(s)
    }
}

impl From<&str> for Param {
    fn from(s: &str) -> Param {
        Param::Text(s.to_string())
    }
}

impl From<NaiveDate> for Param {
    fn from(d: NaiveDate) -> Param {
        Param::Date(d)
    }
}

impl std::fmt::Display for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.plain())
    }
}

impl PartialEq<str> for Param {
    fn eq(&self, other: &str) -> bool {
        self.plain() == other
    }
}

impl PartialEq<&str> for Param {
    fn eq(&self, other: &&str) -> bool {
        self.plain() == *other
    }
}

impl PartialEq<String> for Param {
    fn eq(&self, other: &String) -> bool {
        self.plain() == *other
    }
}

impl Serialize for Param {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Param, D::Error> {
        String::deserialize(d).map(Param::Text)
    }
}

vocabulary! {
    /// Where a failure stands in its remediation life cycle.
    pub enum FindingState {
        /// Open and past its due date.
        Overdue = "overdue",
        /// An evidence row that fails its check as a condition, not as a finding with a
        /// deadline: a node or cluster not covered, an image not scanned, unsigned, too
        /// old or from an unapproved registry. No due date; never a finding's state.
        Failing = "failing",
        /// An evidence row that warns as a condition (a scan past its freshness limit,
        /// an image close to its maximum age): no finding, no due date.
        Warns = "warns",
        /// Open, inside its grace period.
        InGrace = "in-grace",
        /// Open, no fix exists yet (tracked, warns).
        NoFix = "no-fix",
        /// Covered by a valid waiver.
        Waived = "waived",
        /// A runtime alert closed by an entry of the triage register.
        Triaged = "triaged",
        /// A vulnerability a VEX statement says the product is not affected by (or
        /// has fixed), dated no later than the report date: closed, never open.
        VexClosed = "vex-closed",
        /// Seen before, absent from the newest scan of its target.
        Fixed = "fixed",
        /// Positive evidence (passing check).
        Passed = "passed",
        /// Informational.
        Info = "info",
    }
}

impl FindingState {
    /// Whether a finding in this state is open: overdue, in grace, or waiting for a
    /// fix. The one definition every page, export and trend uses.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            FindingState::Overdue | FindingState::InGrace | FindingState::NoFix
        )
    }
}

/// One piece of evidence behind a check, as shown in evidence tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// Record kind id.
    pub kind: String,
    /// Input format id.
    pub format: String,
    /// Check / rule / CVE id.
    pub check: String,
    /// Title (English where muster adds words to it: the exports' form).
    pub title: String,
    /// The title as the site shows it, when muster's own words are part of it
    /// (translated at render time); `None`: `title` as it is.
    #[serde(skip)]
    pub title_param: Option<Param>,
    /// The subject as the site shows it, when it is muster's own words ("cluster
    /// unknown", translated at render time); `None`: `subject` as it is.
    #[serde(skip)]
    pub subject_param: Option<Param>,
    /// Tool verdict (pass/fail/warn/…).
    pub outcome: String,
    /// Severity.
    pub severity: Severity,
    /// Subject label.
    pub subject: String,
    /// When observed (`None`: the export gave no time — "date unknown").
    pub observed_at: Option<DateTime<Utc>>,
    /// The time is the date in the file's path (the export gave none).
    #[serde(default)]
    pub dated_from_path: bool,
    /// Number of folded events.
    pub count: u64,
    /// Remediation state.
    pub state: FindingState,
    /// Due date, when a grace period applies.
    pub due: Option<NaiveDate>,
    /// Waiver id covering it.
    pub waiver: Option<String>,
    /// Source file, line, pointer.
    pub provenance: Provenance,
}

/// A check's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Check id.
    pub id: String,
    /// Status.
    pub status: Status,
    /// Why.
    pub reason: Reason,
    /// Whether it decides the control's status.
    pub required: bool,
    /// Evidence considered (capped; the full list is in findings.csv).
    pub evidence: Vec<EvidenceItem>,
    /// Evidence count before capping.
    pub evidence_total: usize,
}

/// An attestation's state for a control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttestationState {
    /// Control id.
    pub control: String,
    /// Attested status.
    pub status: Status,
    /// Who attested.
    pub attested_by: String,
    /// When.
    pub date: NaiveDate,
    /// Until when it is valid.
    pub expires: Option<NaiveDate>,
    /// Whether it expired as of the report date.
    pub expired: bool,
    /// Evidence links.
    pub evidence: Vec<String>,
    /// Body as Markdown (rendered safely by the site).
    pub body_markdown: String,
    /// Source file.
    pub file: String,
}

/// A control's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    /// Control id.
    pub id: String,
    /// Domain.
    pub domain: String,
    /// Status.
    pub status: Status,
    /// Why, in one sentence.
    pub reason: Reason,
    /// Per-check results.
    pub checks: Vec<CheckResult>,
    /// The attestation applied, if any.
    pub attestation: Option<AttestationState>,
    /// Total evidence records considered.
    pub evidence_count: usize,
    /// Newest evidence time.
    pub last_evidence: Option<DateTime<Utc>>,
    /// Status at each history date (oldest first).
    pub history: Vec<(NaiveDate, Status)>,
}

/// The subject of an evidence row about audit events that no export or configuration
/// attributes to a cluster (`rules::audit_coverage`); pages show the
/// `subject.cluster-unknown` interface string for it, in the page's language.
pub const UNKNOWN_CLUSTER: &str = "cluster unknown";

/// A deduplicated finding tracked through time (vulnerabilities, misconfigurations, secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable key (kind|check|subject).
    pub key: Text,
    /// Record kind id.
    pub kind: Text,
    /// Check / CVE id.
    pub check: Text,
    /// Title.
    pub title: Text,
    /// The title in the site's language when muster's own checks wrote it
    /// ([`Param::record_title`]); its plain text is `title`. Not exported.
    #[serde(skip)]
    pub title_words: Option<Param>,
    /// Highest severity any tool gave.
    pub severity: Severity,
    /// Subject label.
    pub subject: Text,
    /// The subject label's words in the site's language ([`Param::subject`]: "cluster
    /// X", "namespace X"), when it has words; its plain text is `subject`. Not exported.
    #[serde(skip)]
    pub subject_words: Option<Param>,
    /// Image, when about an image.
    pub image: Option<ImageRef>,
    /// Package, for vulnerabilities.
    pub package: Option<Text>,
    /// Installed version.
    pub installed_version: Option<Text>,
    /// Fixed version.
    pub fixed_version: Option<Text>,
    /// Known exploited.
    pub known_exploited: bool,
    /// First seen; `None` when no report of it carried a time ("age unknown": it is
    /// never "new", and counts as past any grace period).
    pub first_seen: Option<DateTime<Utc>>,
    /// Last seen (`None` when no report of it was dated).
    pub last_seen: Option<DateTime<Utc>>,
    /// Due date.
    pub due: Option<NaiveDate>,
    /// When it was found fixed (the first scan of its target without it).
    pub fixed_on: Option<NaiveDate>,
    /// The earlier episodes of a finding that was fixed and came back, oldest first:
    /// each fix still counts in its period, and `first_seen` is the first sighting of
    /// the current episode (see `docs/evidence-time.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_episodes: Vec<FixedEpisode>,
    /// State as of the report date.
    pub state: FindingState,
    /// An open finding (overdue, in grace, no fix) whose state comes only from records
    /// outside production scope (`[scope]`, `[[sources.files]] environment`): the
    /// controls count it as a warning when overdue, and the headline counts it apart
    /// from production.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outside_production: bool,
    /// Owning team.
    pub team: Option<Text>,
    /// Waiver id.
    pub waiver: Option<String>,
    /// A waiver that covered it and has expired (when no valid waiver covers it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_waiver: Option<String>,
    /// The VEX statement that decides it as of the report date (whatever its status:
    /// only `not_affected` and `fixed` close it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vex: Option<VexNote>,
    /// Formats that reported it.
    pub sources: Vec<Text>,
    /// Controls it affects.
    pub controls: Vec<Text>,
    /// The controls among `controls` whose own grace period or waivers put it in
    /// another state than `state` (which is the strictest of them): what a page
    /// speaking for one control (its risk facts) counts, so that it agrees with that
    /// control's reason. Not exported: the control's evidence rows carry the same.
    #[serde(skip)]
    pub under_control: Vec<ControlJudgement>,
    /// Where it was seen last.
    pub provenance: Provenance,
}

/// A finding's state and due date as one control that counts it judges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlJudgement {
    /// The control's id.
    pub control: Text,
    /// The state under that control's grace period and waivers.
    pub state: FindingState,
    /// The due date under that control's grace period.
    pub due: Option<NaiveDate>,
}

/// An earlier episode of a finding: first seen, then found fixed; the finding came
/// back after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedEpisode {
    /// Its first sighting.
    pub first_seen: DateTime<Utc>,
    /// The day it was found fixed.
    pub fixed_on: NaiveDate,
}

impl Finding {
    /// Its state and due date as `control` judges it (the finding's own when that
    /// control judges it the same, or does not count it).
    pub fn under(&self, control: &str) -> (FindingState, Option<NaiveDate>) {
        self.under_control
            .iter()
            .find(|j| j.control.as_str() == control)
            .map_or((self.state, self.due), |j| (j.state, j.due))
    }

    /// The day it was last found fixed before its current episode began, if it was
    /// fixed and came back.
    pub fn previously_fixed_on(&self) -> Option<NaiveDate> {
        self.previous_episodes.last().map(|e| e.fixed_on)
    }

    /// Every fix of it, oldest first: (first seen, fixed on) of each earlier episode,
    /// then of the current one when it is fixed.
    pub fn fixes(&self) -> impl Iterator<Item = (Option<DateTime<Utc>>, NaiveDate)> + '_ {
        self.previous_episodes
            .iter()
            .map(|e| (Some(e.first_seen), e.fixed_on))
            .chain(self.fixed_on.map(|d| (self.first_seen, d)))
    }
}

/// Days from an episode's first sighting to its fix, when the sighting is dated (one
/// rule for the teams' mean days to fix and their trend).
pub fn days_to_fix(first_seen: Option<DateTime<Utc>>, fixed_on: NaiveDate) -> Option<i64> {
    Some((fixed_on - first_seen?.date_naive()).num_days())
}

impl Report {
    /// Every diagnostic of the build: those not tied to an input file (configuration,
    /// catalog, waivers, triage, attestations), then each input file's, in input order.
    /// The site lists them all on the sources page and counts them on the overview;
    /// `report.json` keeps each where it belongs (top-level `diagnostics` and
    /// `sources[].diagnostics`) and gives their number as `diagnostic_count`.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.sources.iter().flat_map(|s| &s.diagnostics))
    }

    /// Inputs that could not be read or parsed at all (their evidence is missing from
    /// the evaluation): the paths of sources with an error-level diagnostic.
    pub fn unreadable_inputs(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .sources
            .iter()
            .filter(|s| {
                s.diagnostics
                    .iter()
                    .any(|d| d.level == crate::diag::Level::Error)
            })
            .map(|s| s.path.as_str())
            .chain(
                self.diagnostics
                    .iter()
                    .filter(|d| {
                        d.level == crate::diag::Level::Error
                            && d.code == crate::diag::Code::Unreadable
                    })
                    .map(|d| d.file.as_str()),
            )
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

impl Finding {
    /// An open high or critical finding that no control of the catalog counts: shown on
    /// its own page and export (`unmapped.html`, `unmapped.csv`) and counted on the
    /// overview, so that a failure outside the catalog is never invisible.
    pub fn is_unmapped_serious(&self) -> bool {
        self.is_unmapped() && self.severity >= Severity::High
    }

    /// An open finding that no control of the catalog counts (whatever its severity):
    /// it affects no status, so `unmapped.html` and `unmapped.csv` list it.
    pub fn is_unmapped(&self) -> bool {
        self.state.is_open() && self.controls.is_empty()
    }
}

/// A VEX statement as shown on the finding it applies to: what it says, who said it,
/// when, and where it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VexNote {
    /// What the statement says, with its justification, impact and action.
    #[serde(flatten)]
    pub facts: crate::model::VexFacts,
    /// Whether it closes the finding (`not_affected` or `fixed`, and `[vex] accept`).
    pub closes: bool,
    /// When the statement was made.
    pub date: Option<DateTime<Utc>>,
    /// The format of its document.
    pub format: String,
    /// Its document's file, line and pointer.
    pub provenance: Provenance,
}

/// Everything known about one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageSummary {
    /// Canonical reference.
    pub image: ImageRef,
    /// Other names it was seen under (tags, digests).
    pub aliases: Vec<String>,
    /// Open findings by severity.
    pub open_by_severity: BTreeMap<Severity, usize>,
    /// Last scan time.
    pub last_scanned: Option<DateTime<Utc>>,
    /// OS family and version from scans.
    pub os: Option<String>,
    /// Workloads it was seen running in (`cluster/ns/kind/name`).
    pub running_in: Vec<String>,
    /// Formats that mentioned it.
    pub seen_by: Vec<String>,
    /// Controls whose evidence mentions it.
    pub controls: Vec<String>,
    /// Owning team.
    pub team: Option<String>,
    /// Whether it is signed: a dated verification (cosign) of its digest.
    pub signed: bool,
    /// Whether its only verifications carry no date: shown as date unknown, they
    /// prove nothing (`signed` is then `false`).
    pub signature_undated: bool,
}

/// A team's remediation picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSummary {
    /// Team name.
    pub team: String,
    /// Contact.
    pub contact: String,
    /// Open findings.
    pub open: usize,
    /// Overdue findings.
    pub overdue: usize,
    /// Fixed findings (in the reporting span).
    pub fixed: usize,
    /// Mean days from first seen to fixed.
    pub mean_days_to_fix: Option<f64>,
}

/// A waiver's state as of the report date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverState {
    /// The waiver as registered.
    #[serde(flatten)]
    pub waiver: super::waivers::Waiver,
    /// Expired as of the report date.
    pub expired: bool,
    /// Standing evidence records it covers (ignoring dates; 0 means unused).
    pub matched: usize,
}

/// One history point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    /// The as-of date.
    pub date: NaiveDate,
    /// Controls by status.
    pub statuses: BTreeMap<Status, usize>,
    /// Compliance score (0–100).
    pub score: f64,
    /// Open findings by severity.
    pub open_by_severity: BTreeMap<Severity, usize>,
    /// Overdue findings.
    pub overdue: usize,
    /// Findings first seen in the period ending at this date.
    pub new: usize,
    /// Findings fixed in the period ending at this date.
    pub fixed: usize,
}

/// What changed between two dates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// The earlier date.
    pub since: Option<NaiveDate>,
    /// Controls whose status changed: (id, before, after).
    pub controls: Vec<(String, Status, Status)>,
    /// Findings first seen after `since`, as indices into [`Report::findings`].
    pub new_findings: Vec<usize>,
    /// Findings fixed after `since`, as indices into [`Report::findings`].
    pub fixed_findings: Vec<usize>,
    /// Findings a VEX statement dated after `since` closes, as indices into
    /// [`Report::findings`].
    #[serde(default)]
    pub vex_closed_findings: Vec<usize>,
    /// Waivers approved after `since`.
    pub new_waivers: Vec<String>,
    /// Waivers that expired after `since`.
    pub expired_waivers: Vec<String>,
    /// Unused waivers.
    pub unused_waivers: Vec<String>,
    /// Controls that had evidence at `since` and have none now.
    pub lost_evidence: Vec<String>,
}

/// How old the evidence is: what a reader must know before trusting any status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvidencePeriod {
    /// The oldest dated record.
    pub oldest: Option<DateTime<Utc>>,
    /// The newest dated record at or before the report date.
    pub newest: Option<DateTime<Utc>>,
    /// Records with a time (from the export or from the file path).
    pub dated_records: u64,
    /// Records dated from their file's path because the export had no time.
    pub dated_from_path_records: u64,
    /// Records with no time at all: shown as "date unknown", proving nothing.
    pub undated_records: u64,
    /// Records dated after the report date (beyond a day of clock skew): left out until then.
    pub future_records: u64,
    /// The freshness limit, in days (`[report] freshness_days`).
    pub freshness_days: i64,
    /// The newest evidence is older than the freshness limit: the whole report rests on
    /// stale evidence (the date it went stale is `newest` + `freshness_days`).
    pub stale: bool,
}

/// What was left out of scope and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopeInfo {
    /// Excluded namespace patterns.
    pub excluded_namespaces: Vec<String>,
    /// Records dropped by the exclusion.
    pub excluded_records: usize,
    /// Production namespace patterns.
    pub production_namespaces: Vec<String>,
    /// Production cluster patterns.
    pub production_clusters: Vec<String>,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The report date.
    pub as_of: DateTime<Utc>,
    /// Profile name.
    pub profile: String,
    /// Per-control results, in catalog order.
    pub controls: Vec<ControlResult>,
    /// Controls by status.
    pub statuses: BTreeMap<Status, usize>,
    /// Compliance score: pass / (pass + fail + warning) × 100, waived counting as pass; not-assessed and manual excluded.
    pub score: f64,
    /// Trend.
    pub history: Vec<HistoryPoint>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Images.
    pub images: Vec<ImageSummary>,
    /// Teams.
    pub teams: Vec<TeamSummary>,
    /// Waivers.
    pub waivers: Vec<WaiverState>,
    /// Attestations read.
    pub attestations: Vec<AttestationState>,
    /// What changed.
    pub changes: Changes,
    /// Input files.
    pub sources: Vec<SourceSummary>,
    /// Problems with inputs, configuration and catalog.
    pub diagnostics: Vec<Diagnostic>,
    /// Scope.
    pub scope: ScopeInfo,
    /// How old the evidence is.
    pub evidence: EvidencePeriod,
}
