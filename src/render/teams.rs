//! Teams: each team's row (counts that link to the lists they count), its page (its
//! controls, open findings, what is new and fixed since the previous period, and its
//! mean time to fix over time), computed from the report's findings.
//!
//! Every count is the length of the list it links to: open means overdue, in grace or
//! without a fix (not waived), as the findings list's `state=open` filter shows.

use super::build::{team_href, Ctx};
use super::pages_lists::FINDINGS_SHOWN;
use super::views_summary::*;
use crate::evaluate::{days_to_fix, Finding, FindingState, TeamSummary};
use chrono::NaiveDate;

/// The page of the findings no `[[owners]]` entry claims: `_` is never in a team's
/// slug, so no team's page can take this name.
pub const UNOWNED_PAGE: &str = "teams/_unowned.html";

/// Percent-encode a query-string value (everything but unreserved characters).
pub fn query_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Ctx<'_> {
    /// The findings of a team (`None`: unowned).
    fn team_findings<'r>(&'r self, team: Option<&str>) -> impl Iterator<Item = &'r Finding> + 'r {
        let team = team.map(str::to_string);
        self.report
            .findings
            .iter()
            .filter(move |f| f.team.as_deref() == team.as_deref())
    }

    /// The period "new" and "fixed" count over: after the previous period's date, up
    /// to the report date.
    fn in_period(&self, d: NaiveDate) -> bool {
        self.report
            .changes
            .since
            .is_some_and(|s| d > s && d <= self.report.as_of.date_naive())
    }

    fn new_in_period(&self, f: &Finding) -> bool {
        f.first_seen.is_some_and(|t| self.in_period(t.date_naive()))
    }

    /// How many times a finding was fixed in the period (an earlier episode of a
    /// finding that came back counts too).
    fn fixed_in_period(&self, f: &Finding) -> usize {
        f.fixes().filter(|(_, d)| self.in_period(*d)).count()
    }

    /// Whether any finding has no owning team (then [`UNOWNED_PAGE`] is written).
    pub fn has_unowned(&self) -> bool {
        self.team_findings(None).next().is_some()
    }

    /// A team's row; `summary` is `None` for unowned findings.
    pub fn team_row(&self, summary: Option<&TeamSummary>) -> TeamRow {
        let name = summary.map(|t| t.team.as_str());
        let mine: Vec<&Finding> = self.team_findings(name).collect();
        let value = name.map_or_else(|| "-".to_string(), query_value);
        let list = |state: &str, pred: &dyn Fn(&Finding) -> bool| CountLink {
            count: mine.iter().filter(|f| pred(f)).count(),
            href: format!("findings.html?team={value}&state={state}"),
        };
        // Unowned findings have a page of their own when there are any.
        let page = match name {
            Some(n) => Some(team_href(n)),
            None => (!mine.is_empty()).then(|| UNOWNED_PAGE.to_string()),
        };
        // A count of rows on the team's page (a finding fixed twice is two fixes).
        let anchored = |anchor: &str, rows: &dyn Fn(&Finding) -> usize| {
            page.as_ref().map(|p| CountLink {
                count: mine.iter().map(|f| rows(f)).sum(),
                href: format!("{p}#{anchor}"),
            })
        };
        let has_since = self.report.changes.since.is_some();
        TeamRow {
            team: name.map_or_else(|| self.i18n.t("teams.unowned"), str::to_string),
            href: page.clone(),
            contact: summary.map(|t| t.contact.clone()).unwrap_or_default(),
            open: list("open", &|f| f.state.is_open()),
            overdue: list("overdue", &|f| f.state == FindingState::Overdue),
            new: anchored("new", &|f| usize::from(self.new_in_period(f))).filter(|_| has_since),
            fixed: anchored("fixed", &|f| self.fixed_in_period(f)).filter(|_| has_since),
            fixed_total: anchored("fixed-all", &|f| f.fixes().count()),
            mean_days: summary
                .and_then(|t| t.mean_days_to_fix)
                .map_or_else(|| self.i18n.t("common.none"), |d| self.i18n.number(d, 1)),
        }
    }

    /// Every configured team's row, then unowned findings when any is open.
    pub fn team_rows(&self) -> Vec<TeamRow> {
        let mut rows: Vec<TeamRow> = self
            .report
            .teams
            .iter()
            .map(|t| self.team_row(Some(t)))
            .collect();
        let unowned = self.team_row(None);
        if unowned.open.count > 0 || unowned.overdue.count > 0 {
            rows.push(unowned);
        }
        rows
    }

    /// Mean days to fix at each history date, over the team's findings fixed by then
    /// (`None` before its first fix).
    pub fn mttr_series(&self, team: &str) -> Vec<Option<f64>> {
        let fixes: Vec<(NaiveDate, i64)> = self
            .team_findings(Some(team))
            .flat_map(|f| f.fixes())
            .filter_map(|(first, d)| Some((d, days_to_fix(first, d)?)))
            .collect();
        self.report
            .history
            .iter()
            .map(|p| {
                let upto: Vec<i64> = fixes
                    .iter()
                    .filter(|(d, _)| *d <= p.date)
                    .map(|x| x.1)
                    .collect();
                (!upto.is_empty()).then(|| {
                    (upto.iter().sum::<i64>() as f64 / upto.len() as f64 * 10.0).round() / 10.0
                })
            })
            .collect()
    }

    /// One fix of a finding: its day and the days since the episode's first sighting.
    fn fixed_view(
        &self,
        f: &Finding,
        first: Option<chrono::DateTime<chrono::Utc>>,
        fixed_on: NaiveDate,
    ) -> FixedView {
        FixedView {
            finding: self.finding(f),
            fixed_on: self.i18n.date(fixed_on),
            days: days_to_fix(first, fixed_on)
                .map_or_else(|| self.i18n.t("common.none"), |d| d.to_string()),
        }
    }

    /// The page of a team, or of the unowned findings (`t` is `None`). Each list
    /// shows its first [`FINDINGS_SHOWN`] rows (a fleet's unowned findings number in
    /// the hundred thousands) and says how many there are; findings.csv has them all.
    pub fn team_page(
        &self,
        t: Option<&TeamSummary>,
        mttr: Option<super::views::ChartView>,
    ) -> TeamPageView {
        let mine: Vec<&Finding> = self.team_findings(t.map(|t| t.team.as_str())).collect();
        let open = Self::most_urgent(mine.iter().copied().filter(|f| f.state.is_open()));
        let mut ids: Vec<&str> = open
            .iter()
            .flat_map(|f| f.controls.iter().map(crate::model::Text::as_str))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let controls = self
            .report
            .controls
            .iter()
            .filter(|c| ids.binary_search(&c.id.as_str()).is_ok())
            .map(|c| self.control_row(c))
            .collect();
        let new: Vec<&Finding> = mine
            .iter()
            .copied()
            .filter(|f| self.new_in_period(f))
            .collect();
        // Every fix, newest first (a finding fixed, back and fixed again is two rows).
        let mut fixed_all: Vec<(&Finding, Option<chrono::DateTime<chrono::Utc>>, NaiveDate)> = mine
            .iter()
            .copied()
            .flat_map(|f| f.fixes().map(move |(first, d)| (f, first, d)))
            .collect();
        fixed_all.sort_by(|a, b| (b.2, &a.0.key, a.1).cmp(&(a.2, &b.0.key, b.1)));
        let fixed: Vec<_> = fixed_all
            .iter()
            .filter(|(_, _, d)| self.in_period(*d))
            .collect();
        let fixed_view = |(f, first, d): &&(&Finding, _, NaiveDate)| self.fixed_view(f, *first, *d);
        TeamPageView {
            row: self.team_row(t),
            controls,
            open_total: open.len(),
            open: open
                .iter()
                .take(FINDINGS_SHOWN)
                .map(|f| self.finding(f))
                .collect(),
            new_total: new.len(),
            new: new
                .iter()
                .take(FINDINGS_SHOWN)
                .map(|f| self.finding(f))
                .collect(),
            fixed_total: fixed.len(),
            fixed: fixed.iter().take(FINDINGS_SHOWN).map(fixed_view).collect(),
            fixed_all_total: fixed_all.len(),
            fixed_all: fixed_all
                .iter()
                .take(FINDINGS_SHOWN)
                .map(|x| fixed_view(&x))
                .collect(),
            since: self.i18n.opt_date(self.report.changes.since),
            mttr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_value("Payments"), "Payments");
        assert_eq!(query_value("Team A&B#1"), "Team%20A%26B%231");
        assert_eq!(query_value("Équipe"), "%C3%89quipe");
    }
}
