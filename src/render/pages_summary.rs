//! The pages that lead with change: the overview (`index.html`), the executive
//! summary (one printed page) and the printable report with its cover.

use super::build::Ctx;
use super::pages::{crumbs, Job, Pages};
use super::pages_lists::Shared;
use super::summary::SummaryCharts;
use super::views::*;
use super::views_summary::*;
use crate::evaluate::FindingState;
use rayon::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct IngestSummary {
    files: CountLink,
    records: u64,
    formats: Vec<String>,
    diagnostics: CountLink,
}

#[derive(Serialize)]
struct IndexPage {
    summary: SummaryView,
    domains: Vec<DomainGroup>,
    charts: Vec<ChartView>,
    ingest: IngestSummary,
}

#[derive(Serialize)]
struct ExecutivePage {
    summary: SummaryView,
    charts: Vec<ChartView>,
    overdue: Vec<FindingView>,
    teams: Vec<TeamRow>,
    team_chart: Option<ChartView>,
}

#[derive(Serialize)]
struct ReportPage<'a> {
    scope: Vec<Pair>,
    period: String,
    catalog_digest: String,
    summary: SummaryView,
    risks: Vec<RiskView>,
    controls: Vec<ControlDetail>,
    sources: &'a [SourceView],
}

/// How many overdue findings the executive summary lists (its count links to all).
const EXEC_OVERDUE: usize = 5;

fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let set: std::collections::BTreeSet<String> = values.collect();
    set.into_iter().collect()
}

/// Queue the overview, the executive summary and the printable report.
pub fn jobs<'a>(
    jobs: &mut Vec<Job<'a>>,
    pages: &'a Pages,
    ctx: &'a Ctx,
    shared: &'a Shared<'a>,
    charts: &'a [ChartView],
    summary_charts: &'a SummaryCharts,
    team_chart: &'a Option<ChartView>,
) {
    let r = ctx.report;
    let i = ctx.i18n;
    jobs.push(Box::new(move || {
        let diagnostics = r.all_diagnostics().count();
        let index = IndexPage {
            summary: ctx.summary(summary_charts),
            domains: ctx.domains(),
            charts: charts.to_vec(),
            ingest: IngestSummary {
                files: CountLink {
                    count: r.sources.len(),
                    href: "sources.html#files".into(),
                },
                records: r.sources.iter().map(|s| s.record_count()).sum(),
                formats: distinct(
                    r.sources
                        .iter()
                        .flat_map(|s| s.formats.iter().map(|f| f.id().to_string())),
                ),
                diagnostics: CountLink {
                    count: diagnostics,
                    href: "sources.html#diagnostics".into(),
                },
            },
        };
        pages.page("index.html", "index.html", "index", &crumbs(i, &[]), &index)
    }));
    jobs.push(Box::new(move || {
        let exec = ExecutivePage {
            summary: ctx.summary(summary_charts),
            charts: charts
                .iter()
                .filter(|c| c.src.contains("score") || c.src.contains("overdue"))
                .cloned()
                .collect(),
            overdue: shared
                .all_open
                .iter()
                .filter(|f| f.state == FindingState::Overdue)
                .take(EXEC_OVERDUE)
                .map(|f| ctx.finding(f))
                .collect(),
            teams: shared.teams.clone(),
            team_chart: team_chart.clone(),
        };
        let trail = crumbs(i, &[(i.t("nav.executive"), None)]);
        pages.page(
            "executive.html",
            "executive.html",
            "executive",
            &trail,
            &exec,
        )
    }));
    jobs.push(Box::new(move || {
        let first = r.history.first().map(|p| p.date);
        let summary = ctx.summary(summary_charts);
        let mut risks = summary.top_risks.clone();
        risks.extend(summary.more_risks.iter().cloned());
        let scope = [
            ("scope.production-clusters", &r.scope.production_clusters),
            (
                "scope.production-namespaces",
                &r.scope.production_namespaces,
            ),
            ("scope.excluded-namespaces", &r.scope.excluded_namespaces),
        ];
        let report = ReportPage {
            scope: scope
                .iter()
                .map(|(k, v)| Pair {
                    label: i.t(k),
                    value: v.join(", "),
                })
                .collect(),
            period: format!(
                "{} – {}",
                i.opt_date(first.or(Some(r.as_of.date_naive()))),
                i.date(r.as_of.date_naive())
            ),
            catalog_digest: ctx.catalog.digest.clone(),
            summary,
            risks,
            controls: r
                .controls
                .par_iter()
                .map(|c| {
                    let mut d = ctx.control_detail(c);
                    for ch in &mut d.checks {
                        ch.evidence.truncate(5);
                        ch.groups.clear();
                    }
                    d
                })
                .collect(),
            sources: &shared.sources,
        };
        let trail = crumbs(i, &[(i.t("nav.report"), None)]);
        pages.page("report.html", "report.html", "report", &trail, &report)
    }));
}
