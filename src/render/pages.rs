//! Rendering every HTML page through its template.

use super::build::{image_href, Ctx};
use super::slug::slug;
use super::views::*;
use super::RenderError;
use crate::evaluate::{FindingState, Status};
use minijinja::Environment;
use rayon::prelude::*;
use serde::Serialize;

/// What every template receives: the shared site data, the path back to the
/// site root (`""` or `"../"`), the page id (for the navigation) and the page data.
#[derive(Serialize)]
struct PageCtx<'a, T: Serialize> {
    site: &'a SiteView,
    root: &'a str,
    page_id: &'a str,
    page: &'a T,
}

/// Renders one page at a time; shared by the worker threads.
pub struct Pages<'e> {
    env: &'e Environment<'static>,
    site: SiteView,
}

/// One rendered file: its path in the site and its bytes.
type File = (String, Vec<u8>);

/// A group of pages rendered together (one thread each; large groups split further).
type Job<'a> = Box<dyn FnOnce() -> Result<Vec<File>, RenderError> + Send + 'a>;

impl<'e> Pages<'e> {
    /// A page renderer.
    pub fn new(env: &'e Environment<'static>, site: SiteView) -> Self {
        Pages { env, site }
    }

    fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        page_id: &str,
        data: &T,
    ) -> Result<File, RenderError> {
        let root = "../".repeat(path.matches('/').count());
        let ctx = PageCtx {
            site: &self.site,
            root: &root,
            page_id,
            page: data,
        };
        let err = |source| RenderError::Template {
            template: template.to_string(),
            source,
        };
        let html = self
            .env
            .get_template(template)
            .map_err(err)?
            .render(&ctx)
            .map_err(err)?;
        Ok((path.to_string(), html.into_bytes()))
    }
}

#[derive(Serialize)]
struct IngestSummary {
    files: usize,
    records: u64,
    formats: Vec<String>,
    diagnostics: usize,
}

#[derive(Serialize)]
struct IndexPage {
    counts: Vec<Count>,
    score: String,
    domains: Vec<DomainGroup>,
    charts: Vec<ChartView>,
    ingest: IngestSummary,
    open_findings: usize,
    overdue: usize,
}

#[derive(Serialize)]
struct ExecutivePage {
    counts: Vec<Count>,
    score: String,
    charts: Vec<ChartView>,
    risks: Vec<ControlRow>,
    overdue: Vec<FindingView>,
    overdue_total: usize,
    teams: Vec<TeamView>,
}

#[derive(Serialize)]
struct ReportPage<'a> {
    scope: Vec<Pair>,
    period: String,
    catalog_digest: String,
    counts: Vec<Count>,
    score: String,
    risks: Vec<ControlRow>,
    controls: Vec<ControlDetail>,
    sources: &'a [SourceView],
}

#[derive(Serialize)]
struct ListPage<'a, T: Serialize> {
    items: &'a [T],
    filters: Vec<(String, Vec<String>)>,
}

/// The remediation list: the most urgent open findings (all of them are in findings.csv).
#[derive(Serialize)]
struct FindingsPage<'a> {
    items: &'a [FindingView],
    filters: Vec<(String, Vec<String>)>,
    /// Open findings in all, shown or not.
    total: usize,
}

/// How many open findings the remediation list shows: a page of tens of megabytes is
/// not readable in a browser; the CSV export has every finding.
pub const FINDINGS_SHOWN: usize = 2000;

#[derive(Serialize)]
struct SourcesPage<'a> {
    sources: &'a [SourceView],
    diagnostics: Vec<DiagView>,
    excluded_namespaces: String,
    excluded_records: usize,
}

fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let set: std::collections::BTreeSet<String> = values.collect();
    set.into_iter().collect()
}

/// Render every page. Pages are independent: they are built as jobs and rendered in
/// parallel (per-control and per-image pages split further), then listed in job order.
pub fn render_pages(
    pages: &Pages,
    ctx: &Ctx,
    charts: &[ChartView],
) -> Result<Vec<File>, RenderError> {
    let r = ctx.report;
    let i = ctx.i18n;
    let score = i.number(r.score, 1);
    let open = r.findings.iter().filter(|f| f.state.is_open()).count();
    let overdue_total = r
        .findings
        .iter()
        .filter(|f| f.state == FindingState::Overdue)
        .count();
    let rows: Vec<ControlRow> = r.controls.iter().map(|c| ctx.control_row(c)).collect();
    let mut risks: Vec<ControlRow> = r
        .controls
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warning))
        .map(|c| ctx.control_row(c))
        .collect();
    risks.sort_by_key(|c| (c.status.id != "fail", c.id.clone()));
    let all_open = ctx.open_findings(r.findings.iter());
    let teams: Vec<TeamView> = r.teams.iter().map(|t| ctx.team(t)).collect();
    let sources: Vec<SourceView> = r.sources.iter().map(|s| ctx.source(s)).collect();

    let mut jobs: Vec<Job> = Vec::new();
    jobs.push(Box::new(|| {
        let index = IndexPage {
            counts: ctx.status_counts(),
            score: score.clone(),
            domains: ctx.domains(),
            charts: charts.to_vec(),
            ingest: IngestSummary {
                files: r.sources.len(),
                records: r.sources.iter().map(|s| s.record_count()).sum(),
                formats: distinct(
                    r.sources
                        .iter()
                        .flat_map(|s| s.formats.iter().map(|f| f.id().to_string())),
                ),
                diagnostics: r.diagnostics.len()
                    + r.sources.iter().map(|s| s.diagnostics.len()).sum::<usize>(),
            },
            open_findings: open,
            overdue: overdue_total,
        };
        Ok(vec![pages.page(
            "index.html",
            "index.html",
            "index",
            &index,
        )?])
    }));
    jobs.push(Box::new(|| {
        let exec = ExecutivePage {
            counts: ctx.status_counts(),
            score: score.clone(),
            charts: charts
                .iter()
                .filter(|c| c.src.contains("score") || c.src.contains("overdue"))
                .cloned()
                .collect(),
            risks: risks.clone(),
            overdue: all_open
                .iter()
                .filter(|f| f.state.id == "overdue")
                .take(20)
                .cloned()
                .collect(),
            overdue_total,
            teams: teams.clone(),
        };
        Ok(vec![pages.page(
            "executive.html",
            "executive.html",
            "executive",
            &exec,
        )?])
    }));
    jobs.push(Box::new(|| {
        let controls_page = ListPage {
            filters: vec![
                (
                    "status".to_string(),
                    distinct(rows.iter().map(|c| c.status.label.clone())),
                ),
                (
                    "domain".to_string(),
                    distinct(rows.iter().map(|c| c.domain_label.clone())),
                ),
            ],
            items: &rows,
        };
        Ok(vec![pages.page(
            "controls.html",
            "controls.html",
            "controls",
            &controls_page,
        )?])
    }));
    jobs.push(Box::new(|| {
        r.controls
            .par_iter()
            .map(|c| {
                let path = format!("controls/{}.html", slug(&c.id));
                pages.page("control.html", &path, "controls", &ctx.control_detail(c))
            })
            .collect()
    }));
    jobs.push(Box::new(|| {
        let shown = all_open.get(..FINDINGS_SHOWN).unwrap_or(&all_open);
        let findings_page = FindingsPage {
            total: all_open.len(),
            filters: vec![
                (
                    "severity".to_string(),
                    distinct(shown.iter().map(|f| f.severity.label.clone())),
                ),
                (
                    "state".to_string(),
                    distinct(shown.iter().map(|f| f.state.label.clone())),
                ),
                (
                    "team".to_string(),
                    distinct(shown.iter().map(|f| f.team.clone())),
                ),
            ],
            items: shown,
        };
        Ok(vec![pages.page(
            "findings.html",
            "findings.html",
            "findings",
            &findings_page,
        )?])
    }));
    jobs.push(Box::new(|| {
        let images: Vec<ImageView> = r.images.iter().map(|s| ctx.image(s, false)).collect();
        let list = ListPage {
            items: &images,
            filters: vec![],
        };
        Ok(vec![pages.page(
            "images.html",
            "images/index.html",
            "images",
            &list,
        )?])
    }));
    jobs.push(Box::new(|| {
        r.images
            .par_iter()
            .map(|s| {
                pages.page(
                    "image.html",
                    &image_href(&s.image),
                    "images",
                    &ctx.image(s, true),
                )
            })
            .collect()
    }));
    jobs.push(Box::new(|| {
        let waivers: Vec<WaiverView> = r.waivers.iter().map(|w| ctx.waiver(w)).collect();
        Ok(vec![
            pages.page(
                "teams.html",
                "teams.html",
                "teams",
                &ListPage {
                    items: &teams,
                    filters: vec![],
                },
            )?,
            pages.page(
                "waivers.html",
                "waivers.html",
                "waivers",
                &ListPage {
                    items: &waivers,
                    filters: vec![],
                },
            )?,
            pages.page("changes.html", "changes.html", "changes", &changes(ctx))?,
        ])
    }));
    jobs.push(Box::new(|| {
        let sources_page = SourcesPage {
            sources: &sources,
            diagnostics: r.diagnostics.iter().map(|d| ctx.diagnostic(d)).collect(),
            excluded_namespaces: r.scope.excluded_namespaces.join(", "),
            excluded_records: r.scope.excluded_records,
        };
        Ok(vec![pages.page(
            "sources.html",
            "sources.html",
            "sources",
            &sources_page,
        )?])
    }));
    jobs.push(Box::new(|| {
        let first = r.history.first().map(|p| p.date);
        let report = ReportPage {
            scope: vec![
                Pair {
                    label: i.t("scope.production-clusters"),
                    value: r.scope.production_clusters.join(", "),
                },
                Pair {
                    label: i.t("scope.production-namespaces"),
                    value: r.scope.production_namespaces.join(", "),
                },
                Pair {
                    label: i.t("scope.excluded-namespaces"),
                    value: r.scope.excluded_namespaces.join(", "),
                },
            ],
            period: format!(
                "{} – {}",
                i.opt_date(first.or(Some(r.as_of.date_naive()))),
                i.date(r.as_of.date_naive())
            ),
            catalog_digest: ctx.catalog.digest.clone(),
            counts: ctx.status_counts(),
            score: score.clone(),
            risks: risks.clone(),
            controls: r
                .controls
                .par_iter()
                .map(|c| {
                    let mut d = ctx.control_detail(c);
                    for ch in &mut d.checks {
                        ch.evidence.truncate(5);
                    }
                    d
                })
                .collect(),
            sources: &sources,
        };
        Ok(vec![pages.page(
            "report.html",
            "report.html",
            "report",
            &report,
        )?])
    }));
    let rendered: Vec<Vec<File>> = jobs
        .into_par_iter()
        .map(|job| job())
        .collect::<Result<_, _>>()?;
    Ok(rendered.into_iter().flatten().collect())
}

fn changes(ctx: &Ctx) -> ChangesView {
    let c = &ctx.report.changes;
    let i = ctx.i18n;
    let list = |key: &str, items: &[String]| (i.t(key), items.to_vec());
    ChangesView {
        since: i.opt_date(c.since),
        controls: c
            .controls
            .iter()
            .map(|(id, before, after)| StatusChange {
                control: ctx.control_link(id),
                before: ctx.status(*before),
                after: ctx.status(*after),
            })
            .collect(),
        lists: vec![
            list("changes.new-findings", &c.new_findings),
            list("changes.fixed-findings", &c.fixed_findings),
            list("changes.new-waivers", &c.new_waivers),
            list("changes.expired-waivers", &c.expired_waivers),
            list("changes.unused-waivers", &c.unused_waivers),
            list("changes.lost-evidence", &c.lost_evidence),
        ],
    }
}
