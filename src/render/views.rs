//! The typed values templates see. Every field is already localised and formatted;
//! templates only lay them out. Built from the report by [`super::build`].

use crate::model::Text;
use minijinja::Value;
use serde::{Serialize, Serializer};

/// HTML produced by muster itself (sanitised Markdown), inserted unescaped.
#[derive(Debug, Clone, Default)]
pub struct SafeHtml(pub String);

impl Serialize for SafeHtml {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Value::from_safe_string(self.0.clone()).serialize(s)
    }
}

/// What every page shares.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Organisation, may be empty.
    pub organisation: String,
    /// Language code for `<html lang>`.
    pub lang: String,
    /// Report date, localised.
    pub as_of: String,
    /// Profile name.
    pub profile: String,
    /// Show the "redaction disabled" banner.
    pub redaction_disabled: bool,
    /// Stale evidence and unreadable inputs: banners on every page.
    pub banners: super::views_summary::BannersView,
}

/// A status with its text label and glyph (never colour alone).
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// Stable id (CSS class, filter value).
    pub id: &'static str,
    /// Localised label.
    pub label: String,
    /// Glyph shown beside the label.
    pub icon: &'static str,
}

/// A count with its label.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    /// Status or severity shown.
    pub status: StatusView,
    /// How many.
    pub count: usize,
    /// The list it counts, pre-filtered, relative to the root (shows exactly `count` rows).
    pub href: Option<String>,
}

/// A link whose target was checked; `href` is `None` when it must be shown as text.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Text.
    pub text: String,
    /// Target, relative to the site root or absolute http(s).
    pub href: Option<String>,
}

/// A labelled value.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
}

/// One cell of a control's status strip.
#[derive(Debug, Clone, Serialize)]
pub struct StripCell {
    /// Localised date.
    pub date: String,
    /// Status then.
    pub status: StatusView,
}

/// A control in lists.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRow {
    /// Id.
    pub id: String,
    /// Page, relative to the root.
    pub href: String,
    /// Title.
    pub title: String,
    /// Domain id.
    pub domain: String,
    /// Domain label.
    pub domain_label: String,
    /// Status.
    pub status: StatusView,
    /// Reason sentence.
    pub reason: String,
    /// Evidence records considered.
    pub evidence_count: usize,
    /// Newest evidence date.
    pub last_evidence: String,
    /// Framework references, one line each (`NIST SP 800-190 4.1.1`).
    pub references: Vec<String>,
    /// Status over time.
    pub strip: Vec<StripCell>,
}

/// Controls of one domain.
#[derive(Debug, Clone, Serialize)]
pub struct DomainGroup {
    /// Domain id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Controls.
    pub controls: Vec<ControlRow>,
}

/// One evidence record.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// Kind.
    pub kind: String,
    /// Format.
    pub format: String,
    /// Check / rule / CVE.
    pub check: String,
    /// Title.
    pub title: String,
    /// Tool verdict.
    pub outcome: String,
    /// Severity.
    pub severity: StatusView,
    /// Subject.
    pub subject: String,
    /// Observed ("date unknown" when the record has no time).
    pub observed: String,
    /// The date was taken from the file's path ("dated from path").
    pub dated_from_path: bool,
    /// Folded events.
    pub count: u64,
    /// State label.
    pub state: StatusView,
    /// Due date.
    pub due: String,
    /// Waiver id.
    pub waiver: String,
    /// `file:line`.
    pub location: String,
    /// Link to the source on sources.html, relative to the root.
    pub source_href: String,
}

/// Evidence records of one rule (CVE, benchmark check, alert rule) within a check,
/// ordered by subject.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceGroup {
    /// Rule / CVE id.
    pub check: String,
    /// Its title (of the first record).
    pub title: String,
    /// Records in the group.
    pub rows: Vec<EvidenceView>,
    /// The most urgent state among them.
    pub state: StatusView,
    /// Shown expanded (the first groups); the rest start collapsed.
    pub open: bool,
}

/// A check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    /// Id.
    pub id: String,
    /// Anchor on the control page (`check-<slug>`).
    pub anchor: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: StatusView,
    /// Reason.
    pub reason: String,
    /// Decides the control.
    pub required: bool,
    /// Evidence shown.
    pub evidence: Vec<EvidenceView>,
    /// The same evidence grouped by rule, then subject.
    pub groups: Vec<EvidenceGroup>,
    /// Evidence before capping.
    pub evidence_total: usize,
}

/// An attestation.
#[derive(Debug, Clone, Serialize)]
pub struct AttestationView {
    /// Attested status.
    pub status: StatusView,
    /// Who.
    pub by: String,
    /// When.
    pub date: String,
    /// Valid until.
    pub expires: String,
    /// Expired.
    pub expired: bool,
    /// The control's status, when the exports decided it against this (valid)
    /// attestation's status.
    pub contradicted: Option<StatusView>,
    /// Body.
    pub body: SafeHtml,
    /// Evidence links.
    pub evidence: Vec<LinkView>,
    /// Source file.
    pub file: String,
}

/// A guidance section.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRefView {
    /// Document title.
    pub document: String,
    /// Heading.
    pub heading: String,
}

/// Everything on a control page.
#[derive(Debug, Clone, Serialize)]
pub struct ControlDetail {
    /// Summary row.
    pub row: ControlRow,
    /// How far exports settle it.
    pub evaluation: String,
    /// Summary.
    pub summary: SafeHtml,
    /// Rationale.
    pub rationale: SafeHtml,
    /// Remediation.
    pub remediation: SafeHtml,
    /// Guidance sections.
    pub sources: Vec<SourceRefView>,
    /// Checks.
    pub checks: Vec<CheckView>,
    /// Applied attestation.
    pub attestation: Option<AttestationView>,
    /// What an attestation must state.
    pub attestation_question: String,
}

/// A finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// Check / CVE.
    pub check: Text,
    /// Title.
    pub title: Text,
    /// Severity.
    pub severity: StatusView,
    /// Subject.
    pub subject: Text,
    /// Image page, when about an image.
    pub image: Option<LinkView>,
    /// Package.
    pub package: Text,
    /// Installed version.
    pub installed: Text,
    /// Fixed version.
    pub fixed: String,
    /// Known exploited.
    pub known_exploited: bool,
    /// First seen ("age unknown" when no report of it carried a time).
    pub first_seen: String,
    /// No report of it carried a time: its age is unknown.
    pub age_unknown: bool,
    /// "previously fixed on DATE" when it was fixed and came back (empty otherwise).
    pub previously_fixed: String,
    /// Due date (ISO, sortable) and localised.
    pub due_iso: String,
    /// Due date, localised.
    pub due: String,
    /// State.
    pub state: StatusView,
    /// Team.
    pub team: String,
    /// Team filter value (`-` when unowned).
    pub team_value: Text,
    /// State filter values: the state id, plus `open` when it still needs work and is not
    /// waived, plus `overdue-production` or `overdue-outside-production` when overdue.
    pub state_tokens: String,
    /// Open only outside production scope (the controls count it as a warning).
    pub outside_production: bool,
    /// Waiver.
    pub waiver: String,
    /// The VEX statement deciding about it, in one line (empty: none).
    pub vex: String,
    /// Controls.
    pub controls: Vec<LinkView>,
    /// `file:line`.
    pub location: String,
    /// Source anchor.
    pub source_href: String,
}

/// An image.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    /// `registry/repo:tag`.
    pub name: String,
    /// Page, relative to the root.
    pub href: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// Open findings by severity.
    pub by_severity: Vec<Count>,
    /// Total open.
    pub open: usize,
    /// Last scan.
    pub last_scanned: String,
    /// OS.
    pub os: String,
    /// Workloads.
    pub running_in: Vec<String>,
    /// Formats.
    pub seen_by: Vec<String>,
    /// Controls.
    pub controls: Vec<LinkView>,
    /// Team.
    pub team: String,
    /// Signed: a dated verification of its digest.
    pub signed: bool,
    /// Verified only by verifications of unknown date (which prove nothing).
    pub signature_undated: bool,
    /// Its open findings (image page only), most urgent first.
    pub findings: Vec<ImageFindingRow>,
    /// The input files its findings were read from, numbered from 1 (image page only).
    pub sources: Vec<ImageSource>,
}

/// One finding on an image page: only what differs between its findings (the image,
/// team and controls are the page's; the file is a number into the page's sources).
#[derive(Debug, Clone, Serialize)]
pub struct ImageFindingRow {
    /// Check / CVE.
    pub check: Text,
    /// Severity.
    pub severity: StatusView,
    /// Package.
    pub package: Text,
    /// Installed version.
    pub installed: Text,
    /// Fixed version.
    pub fixed: String,
    /// Due date (ISO, sortable).
    pub due_iso: String,
    /// Due date, localised.
    pub due: String,
    /// No report of it carried a time: its age is unknown.
    pub age_unknown: bool,
    /// "previously fixed on DATE" when it was fixed and came back (empty otherwise).
    pub previously_fixed: String,
    /// State.
    pub state: StatusView,
    /// Number of its file in the page's sources (from 1).
    pub source: usize,
    /// Line (`:12`), pointer (`#/a/0`) or nothing.
    pub at: String,
}

/// An input file an image's findings were read from.
#[derive(Debug, Clone, Serialize)]
pub struct ImageSource {
    /// Number shown in the findings' source column (from 1).
    pub n: usize,
    /// Path.
    pub path: String,
    /// Its entry on the sources page, relative to the root.
    pub href: String,
}

/// A team.
#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    /// Name.
    pub team: String,
    /// Contact.
    pub contact: String,
    /// Open.
    pub open: usize,
    /// Overdue.
    pub overdue: usize,
    /// Fixed.
    pub fixed: usize,
    /// Mean days to fix.
    pub mean_days: String,
}

/// A waiver.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverView {
    /// Id.
    pub id: String,
    /// Anchor on waivers.html (`w-<slug>`).
    pub anchor: String,
    /// Control link (or the glob as text).
    pub control: LinkView,
    /// Scope: finding, image and workload globs.
    pub scope: Vec<Pair>,
    /// Reason.
    pub reason: String,
    /// Category.
    pub category: String,
    /// Approver.
    pub approver: String,
    /// Approved on.
    pub approved_on: String,
    /// Expires on.
    pub expires_on: String,
    /// Expired.
    pub expired: bool,
    /// Matched nothing.
    pub unused: bool,
    /// Records matched.
    pub matched: usize,
    /// Line in waivers.csv.
    pub line: u64,
}

/// A finding a VEX statement is about, with the statement as its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct VexView {
    /// Vulnerability id.
    pub check: Text,
    /// Image page, or the subject as text.
    pub image: Option<LinkView>,
    /// Subject.
    pub subject: Text,
    /// Package.
    pub package: Text,
    /// The finding's state.
    pub state: StatusView,
    /// The statement's status, localised.
    pub status: String,
    /// Justification, as the document gives it.
    pub justification: String,
    /// Impact statement or notes, and action.
    pub statement: String,
    /// Author.
    pub author: String,
    /// Document id.
    pub document: String,
    /// Statement date, localised.
    pub date: String,
    /// Waivers on the same finding (valid, or expired and marked).
    pub waiver: String,
    /// `file:line` of the statement.
    pub location: String,
    /// Source anchor.
    pub source_href: String,
}

/// A diagnostic.
#[derive(Debug, Clone, Serialize)]
pub struct DiagView {
    /// Level id.
    pub level: &'static str,
    /// Level label.
    pub level_label: String,
    /// Code.
    pub code: &'static str,
    /// `file:line:col`.
    pub location: String,
    /// Message.
    pub message: String,
}

/// An input file.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Anchor id.
    pub anchor: String,
    /// Path.
    pub path: String,
    /// Formats.
    pub formats: String,
    /// SHA-256.
    pub sha256: String,
    /// Size.
    pub size: String,
    /// Gzip.
    pub compressed: bool,
    /// Records by kind.
    pub records: Vec<Pair>,
    /// Total records.
    pub total: u64,
    /// Time range.
    pub first: String,
    /// Time range end.
    pub last: String,
    /// Records with no time ("date unknown").
    pub undated: u64,
    /// Its records were dated from the file's path.
    pub dated_from_path: bool,
    /// Diagnostics.
    pub diagnostics: Vec<DiagView>,
}

/// A chart file with its text alternative.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// File, relative to the root.
    pub src: String,
    /// Title / alt text.
    pub title: String,
    /// Table header.
    pub header: Vec<String>,
    /// Table rows.
    pub rows: Vec<Vec<String>>,
}

/// A status change between two dates.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    /// Control.
    pub control: LinkView,
    /// Before.
    pub before: StatusView,
    /// After.
    pub after: StatusView,
}

/// A titled list on the changes page (its anchor is what "what changed" links to).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeList {
    /// Anchor.
    pub id: &'static str,
    /// Title.
    pub title: String,
    /// The first [`super::pages_lists::CHANGES_SHOWN`] items.
    pub items: Vec<String>,
    /// Items in all, shown or not.
    pub total: usize,
}

/// The changes page.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesView {
    /// Earlier date.
    pub since: String,
    /// Controls whose status got better.
    pub better: Vec<StatusChange>,
    /// Controls whose status got worse.
    pub worse: Vec<StatusChange>,
    /// Lists of findings, waivers and evidence.
    pub lists: Vec<ChangeList>,
}
