//! The typed values of the overview, the executive summary, the team pages and the
//! navigation every page shares (breadcrumbs, banners, counts that link to their
//! lists, list filters). Built by [`super::summary`] and [`super::teams`].

use super::views::{ChartView, ControlRow, FindingView};
use serde::Serialize;

/// A count that links to the list it counts, pre-filtered: following `href` shows a
/// list of exactly `count` rows. Rendered with `data-count` so tests can follow it.
#[derive(Debug, Clone, Serialize)]
pub struct CountLink {
    /// How many.
    pub count: usize,
    /// The list, relative to the site root (`findings.html?team=Payments&state=overdue`).
    pub href: String,
}

/// One choice of a list filter.
#[derive(Debug, Clone, Serialize)]
pub struct FilterOption {
    /// Value in the address and in the rows' `data-*` attribute (an id, not a label).
    pub value: String,
    /// Label shown.
    pub label: String,
}

/// A `<select>` filter over a list; rows carry `data-<name>`.
#[derive(Debug, Clone, Serialize)]
pub struct FilterView {
    /// Field name (query-string key and `data-*` attribute).
    pub name: &'static str,
    /// The rows' attribute is a space-separated list of values (a state and its group).
    pub tokens: bool,
    /// Choices.
    pub options: Vec<FilterOption>,
}

/// The whole report rests on stale evidence.
#[derive(Debug, Clone, Serialize)]
pub struct StaleView {
    /// Date the evidence went stale (newest + freshness limit), localised.
    pub since: String,
    /// Date of the newest evidence, localised.
    pub newest: String,
    /// The freshness limit in days.
    pub days: i64,
}

/// Warnings every page shows above its content.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BannersView {
    /// The newest evidence is older than the freshness limit.
    pub stale: Option<StaleView>,
    /// Inputs that could not be read or parsed at all (first few).
    pub unreadable: Vec<String>,
    /// How many inputs could not be read or parsed.
    pub unreadable_total: usize,
}

/// How old the evidence is (the evidence-period block).
#[derive(Debug, Clone, Serialize)]
pub struct EvidencePeriodView {
    /// Some record carries a date.
    pub any_dated: bool,
    /// Oldest dated record, localised.
    pub oldest: String,
    /// Newest dated record, localised.
    pub newest: String,
    /// Records with a date.
    pub dated: u64,
    /// Records with no date.
    pub undated: u64,
    /// Records dated from their file's path.
    pub from_path: u64,
    /// Records dated after the report date.
    pub future: u64,
    /// Freshness limit in days.
    pub freshness_days: i64,
    /// The newest evidence is stale.
    pub stale: bool,
}

/// The score, its change since the previous period and where to see the trend.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreView {
    /// Score now, localised.
    pub score: String,
    /// Size of the change in points since the previous period, localised (`None`: nothing
    /// to compare); `direction` says which way.
    pub delta: Option<String>,
    /// `up`, `down` or `same`.
    pub direction: &'static str,
    /// The previous period's date, localised.
    pub since: String,
    /// The previous period's score, localised.
    pub before: String,
    /// Sparkline of the score (file, relative to the root), when there is a trend.
    pub spark: Option<String>,
    /// Stacked status bars now and a period ago (file, relative to the root).
    pub bars: Option<String>,
    /// Text alternative of the bars.
    pub bars_alt: String,
}

/// A ranked risk.
#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    /// 1-based rank.
    pub rank: usize,
    /// The control.
    pub row: ControlRow,
    /// Why it ranks where it does, one short phrase each (worst severity, days overdue, …).
    pub facts: Vec<String>,
}

/// One count of a "what changed" line.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedPart {
    /// The count and its list.
    pub link: CountLink,
    /// What is counted ("better", "new", …).
    pub label: String,
}

/// One line of "what changed".
#[derive(Debug, Clone, Serialize)]
pub struct ChangedLine {
    /// What the line is about ("Controls", "Findings", "Waivers").
    pub label: String,
    /// Its counts.
    pub parts: Vec<ChangedPart>,
}

/// Everything the overview, the executive summary and the report's summary share.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryView {
    /// Score and change.
    pub score: ScoreView,
    /// Controls by status, each linking to the filtered control index.
    pub counts: Vec<super::views::Count>,
    /// The five risks that matter most.
    pub top_risks: Vec<RiskView>,
    /// The other risks, in rank order.
    pub more_risks: Vec<RiskView>,
    /// What changed since the previous period, in three lines (empty: no earlier date).
    pub changed: Vec<ChangedLine>,
    /// The previous period's date, localised (empty: none).
    pub since: String,
    /// How old the evidence is.
    pub period: EvidencePeriodView,
    /// Open (not waived), overdue and waived findings.
    pub open: CountLink,
    /// Overdue findings, whatever their scope.
    pub overdue: CountLink,
    /// Overdue findings in production scope (where the controls fail).
    pub overdue_production: CountLink,
    /// Overdue findings only outside production scope (where the controls warn).
    pub overdue_outside_production: CountLink,
    /// Waived findings.
    pub waived: CountLink,
    /// Open high and critical findings no control counts.
    pub unmapped: CountLink,
}

/// A team's row in the team tables.
#[derive(Debug, Clone, Serialize)]
pub struct TeamRow {
    /// Name (or "unowned").
    pub team: String,
    /// The team's page, relative to the root (`None` for unowned findings).
    pub href: Option<String>,
    /// Contact.
    pub contact: String,
    /// Open findings (not waived).
    pub open: CountLink,
    /// Overdue findings.
    pub overdue: CountLink,
    /// Findings first seen since the previous period.
    pub new: Option<CountLink>,
    /// Findings fixed since the previous period.
    pub fixed: Option<CountLink>,
    /// Findings fixed in the whole reporting span.
    pub fixed_total: Option<CountLink>,
    /// Mean days to fix.
    pub mean_days: String,
}

/// A fixed finding on a team page.
#[derive(Debug, Clone, Serialize)]
pub struct FixedView {
    /// The finding.
    pub finding: FindingView,
    /// Fixed on, localised.
    pub fixed_on: String,
    /// Days from first seen to fixed.
    pub days: String,
}

/// A team's page.
#[derive(Debug, Clone, Serialize)]
pub struct TeamPageView {
    /// The team's row (counts link to the lists below and to the findings list).
    pub row: TeamRow,
    /// Controls its open findings affect.
    pub controls: Vec<ControlRow>,
    /// Its open findings (overdue first), the first of `open_total`.
    pub open: Vec<FindingView>,
    /// How many open findings it has.
    pub open_total: usize,
    /// First seen since the previous period (the first of `new_total`).
    pub new: Vec<FindingView>,
    /// How many were first seen since the previous period.
    pub new_total: usize,
    /// Fixed since the previous period (the first of `fixed_total`).
    pub fixed: Vec<FixedView>,
    /// How many fixes since the previous period.
    pub fixed_total: usize,
    /// Fixed in the whole span (the first of `fixed_all_total`).
    pub fixed_all: Vec<FixedView>,
    /// How many fixes in the whole span.
    pub fixed_all_total: usize,
    /// The previous period's date, localised.
    pub since: String,
    /// Mean time to fix over time.
    pub mttr: Option<ChartView>,
}
