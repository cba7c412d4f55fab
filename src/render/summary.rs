//! The views that lead with change: the score and its change since the previous
//! period, the counts that link to their lists, "what changed" in three lines, the
//! evidence period and the banners every page shows (stale evidence, unreadable inputs).

use super::build::Ctx;
use super::views_summary::*;
use crate::evaluate::{FindingState, HistoryPoint, Status};

/// How many unreadable inputs the banner names (the rest are counted).
const BANNER_FILES: usize = 5;

/// The small charts of the summary, as files (relative to the root).
#[derive(Debug, Clone, Default)]
pub struct SummaryCharts {
    /// Score sparkline.
    pub spark: Option<String>,
    /// Status bars now and a period ago.
    pub bars: Option<String>,
}

impl Ctx<'_> {
    /// The banners of every page.
    pub fn banners(&self) -> BannersView {
        let e = &self.report.evidence;
        let stale = match (e.stale, e.newest) {
            (true, Some(newest)) => Some(StaleView {
                since: self
                    .i18n
                    .date(newest.date_naive() + chrono::Duration::days(e.freshness_days.max(0))),
                newest: self.i18n.date(newest.date_naive()),
                days: e.freshness_days,
            }),
            _ => None,
        };
        let unreadable = self.report.unreadable_inputs();
        BannersView {
            stale,
            unreadable_total: unreadable.len(),
            unreadable: unreadable
                .iter()
                .take(BANNER_FILES)
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// The evidence period.
    pub fn period(&self) -> EvidencePeriodView {
        let e = &self.report.evidence;
        EvidencePeriodView {
            any_dated: e.oldest.is_some() || e.newest.is_some(),
            oldest: self.when(e.oldest),
            newest: self.when(e.newest),
            dated: e.dated_records,
            undated: e.undated_records,
            from_path: e.dated_from_path_records,
            future: e.future_records,
            freshness_days: e.freshness_days,
            stale: e.stale,
        }
    }

    /// The history point of the previous period (the date "what changed" compares with).
    pub fn previous(&self) -> Option<&HistoryPoint> {
        let h = &self.report.history;
        match self.report.changes.since {
            Some(s) => h.iter().find(|p| p.date == s),
            None => h.len().checked_sub(2).and_then(|i| h.get(i)),
        }
        .filter(|p| p.date < self.report.as_of.date_naive())
    }

    /// The score and its change since the previous period.
    pub fn score_view(&self, charts: &SummaryCharts) -> ScoreView {
        let i = self.i18n;
        let now = self.report.score;
        let prev = self
            .previous()
            .filter(|p| crate::charts::history::judged(p));
        let delta = prev.map(|p| now - p.score);
        let direction = match delta {
            Some(d) if d > 0.05 => "up",
            Some(d) if d < -0.05 => "down",
            _ => "same",
        };
        ScoreView {
            score: i.number(now, 1),
            delta: delta.map(|d| i.number(d.abs(), 1)),
            direction,
            since: prev.map(|p| i.date(p.date)).unwrap_or_default(),
            before: prev.map(|p| i.number(p.score, 1)).unwrap_or_default(),
            spark: charts.spark.clone(),
            bars: charts.bars.clone(),
            bars_alt: self.bars_alt(),
        }
    }

    /// The text alternative of the status bars: the counts now and a period ago.
    fn bars_alt(&self) -> String {
        let i = self.i18n;
        let line = |date: chrono::NaiveDate, get: &dyn Fn(Status) -> usize| {
            let parts: Vec<String> = Status::ALL
                .iter()
                .map(|s| format!("{} {}", i.t(&format!("status.{}", s.as_str())), get(*s)))
                .collect();
            format!("{}: {}", i.date(date), parts.join(", "))
        };
        let now = line(self.report.as_of.date_naive(), &|s| {
            self.report
                .controls
                .iter()
                .filter(|c| c.status == s)
                .count()
        });
        match self.previous() {
            Some(p) => format!(
                "{}. {}.",
                now,
                line(p.date, &|s| p.statuses.get(&s).copied().unwrap_or(0))
            ),
            None => format!("{now}."),
        }
    }

    /// Overdue findings in production scope and outside it, each linking to its list
    /// (together, every overdue finding).
    pub fn overdue_counts(&self) -> (CountLink, CountLink) {
        let f = &self.report.findings;
        let n = |scope: &str| {
            f.iter()
                .filter(|x| {
                    x.state == FindingState::Overdue
                        && super::build_lists::overdue_scope(x) == scope
                })
                .count()
        };
        let link = |scope: &str| CountLink {
            count: n(scope),
            href: format!("findings.html?state={scope}"),
        };
        (
            link("overdue-production"),
            link("overdue-outside-production"),
        )
    }

    /// Open (not waived), overdue and waived findings, each linking to its list.
    pub fn finding_counts(&self) -> (CountLink, CountLink, CountLink) {
        let f = &self.report.findings;
        let n = |pred: &dyn Fn(FindingState) -> bool| f.iter().filter(|x| pred(x.state)).count();
        (
            CountLink {
                count: n(&|s| s.is_open()),
                href: "findings.html?state=open".into(),
            },
            CountLink {
                count: n(&|s| s == FindingState::Overdue),
                href: "findings.html?state=overdue".into(),
            },
            CountLink {
                count: n(&|s| s == FindingState::Waived),
                href: "findings.html?state=waived".into(),
            },
        )
    }

    /// What changed since the previous period, in three lines whose counts link to
    /// the lists of changes.html.
    pub fn changed(&self) -> Vec<ChangedLine> {
        let c = &self.report.changes;
        if c.since.is_none() {
            return Vec::new();
        }
        let i = self.i18n;
        let part = |count: usize, anchor: &str, key: &str| ChangedPart {
            link: CountLink {
                count,
                href: format!("changes.html#{anchor}"),
            },
            label: i.t(key),
        };
        let better = c
            .controls
            .iter()
            .filter(|(_, b, a)| a.rank() < b.rank())
            .count();
        let worse = c.controls.len() - better;
        vec![
            ChangedLine {
                label: i.t("changed.controls"),
                parts: vec![
                    part(worse, "worse", "changed.worse"),
                    part(better, "better", "changed.better"),
                    part(
                        c.lost_evidence.len(),
                        "lost-evidence",
                        "changed.lost-evidence",
                    ),
                ],
            },
            ChangedLine {
                label: i.t("changed.findings"),
                parts: vec![
                    part(c.new_findings.len(), "new-findings", "changed.new"),
                    part(c.fixed_findings.len(), "fixed-findings", "changed.fixed"),
                ],
            },
            ChangedLine {
                label: i.t("changed.waivers"),
                parts: vec![
                    part(c.new_waivers.len(), "new-waivers", "changed.new"),
                    part(
                        c.expired_waivers.len(),
                        "expired-waivers",
                        "changed.expired",
                    ),
                    part(c.unused_waivers.len(), "unused-waivers", "changed.unused"),
                ],
            },
        ]
    }

    /// Everything the overview, the executive summary and the report's summary share.
    pub fn summary(&self, charts: &SummaryCharts) -> SummaryView {
        let mut ranked = self.ranked_risks();
        let more = ranked.split_off(ranked.len().min(super::risks::TOP));
        let (open, overdue, waived) = self.finding_counts();
        let (overdue_production, overdue_outside_production) = self.overdue_counts();
        SummaryView {
            score: self.score_view(charts),
            counts: self.status_counts(),
            top_risks: ranked,
            more_risks: more,
            changed: self.changed(),
            since: self.i18n.opt_date(self.report.changes.since),
            period: self.period(),
            open,
            overdue,
            overdue_production,
            overdue_outside_production,
            waived,
            unmapped: CountLink {
                count: self
                    .report
                    .findings
                    .iter()
                    .filter(|f| f.is_unmapped_serious())
                    .count(),
                href: "unmapped.html".into(),
            },
        }
    }
}
