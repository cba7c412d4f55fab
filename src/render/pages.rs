//! Rendering every HTML page through its template: the page context every template
//! receives (site, root, page id, breadcrumbs, page data) and the parallel jobs.
//! The pages' data are built in [`super::pages_summary`] (overview, executive
//! summary, printable report) and [`super::pages_lists`] (everything else).

use super::build::Ctx;
use super::i18n::I18n;
use super::summary::SummaryCharts;
use super::views::*;
use super::{RenderError, Sink};
use minijinja::Environment;
use rayon::prelude::*;
use serde::Serialize;

/// What every template receives: the shared site data, the path back to the
/// site root (`""` or `"../"`), the page id (for the navigation), the breadcrumbs
/// (the last one is the page itself, without a link) and the page data.
#[derive(Serialize)]
struct PageCtx<'a, T: Serialize> {
    site: &'a SiteView,
    root: &'a str,
    page_id: &'a str,
    crumbs: &'a [LinkView],
    page: &'a T,
}

/// Renders one page at a time into the sink; shared by the worker threads.
pub struct Pages<'e> {
    env: &'e Environment<'static>,
    site: SiteView,
    sink: &'e dyn Sink,
}

/// A group of pages rendered together (one thread each; large groups split further).
pub type Job<'a> = Box<dyn FnOnce() -> Result<(), RenderError> + Send + 'a>;

/// Breadcrumbs: the overview, then `trail` (text, link relative to the root; the last
/// entry is the page itself and gets no link).
pub fn crumbs(i: &I18n, trail: &[(String, Option<String>)]) -> Vec<LinkView> {
    let mut out = vec![LinkView {
        text: i.t("nav.home"),
        href: Some("index.html".into()),
    }];
    out.extend(trail.iter().map(|(text, href)| LinkView {
        text: text.clone(),
        href: href.clone(),
    }));
    if let Some(last) = out.last_mut() {
        last.href = None;
    }
    out
}

impl<'e> Pages<'e> {
    /// A page renderer that hands its pages to `sink`.
    pub fn new(env: &'e Environment<'static>, site: SiteView, sink: &'e dyn Sink) -> Self {
        Pages { env, site, sink }
    }

    /// Store a file that is not a page (a chart, the search index) beside the pages.
    pub fn file(&self, path: String, bytes: Vec<u8>) -> Result<(), RenderError> {
        self.sink.put(path, bytes)
    }

    /// Render `template` to `path` with breadcrumbs `crumbs`.
    pub fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        page_id: &str,
        crumbs: &[LinkView],
        data: &T,
    ) -> Result<(), RenderError> {
        let root = "../".repeat(path.matches('/').count());
        let ctx = PageCtx {
            site: &self.site,
            root: &root,
            page_id,
            crumbs,
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
        self.sink.put(path.to_string(), html.into_bytes())
    }
}

/// Render every page into the pages' sink. Pages are independent: they are built as
/// jobs and rendered in parallel (per-control, per-image and per-team pages split
/// further), each stored as soon as it is rendered.
pub fn render_pages(
    pages: &Pages,
    ctx: &Ctx,
    charts: &[ChartView],
    summary: &SummaryCharts,
    team_chart: &Option<ChartView>,
) -> Result<(), RenderError> {
    let shared = super::pages_lists::Shared::new(ctx);
    let mut jobs: Vec<Job> = Vec::new();
    super::pages_summary::jobs(&mut jobs, pages, ctx, &shared, charts, summary, team_chart);
    super::pages_lists::jobs(&mut jobs, pages, ctx, &shared);
    jobs.into_par_iter().try_for_each(|job| job())
}
