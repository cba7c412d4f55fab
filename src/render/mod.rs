//! The static site: every page, chart, asset and export.
//!
//! [`render_site_to`] takes the evaluation and hands every file to a [`Sink`] as soon
//! as it is ready (the site is never held whole in memory); the caller writes them
//! (atomically) and adds `manifest.json`. [`render_site`] collects them instead.
//! Templates get typed, already-localised views ([`views`]), are rendered by minijinja with strict undefined
//! and HTML auto-escaping, and are embedded but overridable one file at a time.
//! Untrusted text reaches pages only escaped, or as Markdown sanitised by [`markdown`];
//! file names from untrusted ids go through [`slug()`].
//!
//! Modules: [`views`] and [`views_summary`] (what templates see), `build`,
//! `build_lists`, `summary`, `risks`, `teams`, `evidence` (building them), `pages`,
//! `pages_summary`, `pages_lists` (rendering), `charts` (chart files), [`search`]
//! (the search index), `exports` and `oscal` (data files).

mod build;
mod build_lists;
mod charts;
mod embedded;
mod evidence;
mod exports;
mod i18n;
pub mod markdown;
mod oscal;
mod pages;
mod pages_lists;
mod pages_summary;
mod report_json;
mod risks;
pub mod search;
mod slug;
mod summary;
mod teams;
pub mod views;
pub mod views_summary;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_i18n;
#[cfg(test)]
mod tests_report_json;

pub use build::{control_href, image_href, source_anchor};
pub use embedded::{ASSETS, TEMPLATES};
pub use exports::cell as csv_cell;
pub use i18n::{languages, plain as plain_param, I18n};
pub use oscal::{stable_uuid, OSCAL_VERSION};
pub use report_json::{ReportJson, REPORT_SCHEMA};
pub use slug::{slug, MAX_SLUG};

use crate::catalog::Catalog;
use crate::config::Config;
use crate::evaluate::Report;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

/// How the site is rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A project folder whose `templates/<name>` and `assets/<name>` replace the
    /// embedded file of the same name.
    pub template_dir: Option<PathBuf>,
    /// Redaction was turned off (`--no-redact`): every page shows a warning banner.
    pub redaction_disabled: bool,
}

/// Rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template did not load or render.
    #[error("template {template}: {source:#}")]
    Template {
        /// Template name.
        template: String,
        /// minijinja's error (with line).
        source: minijinja::Error,
    },
    /// An override file exists but cannot be read.
    #[error("{path}: cannot read override: {source}")]
    Override {
        /// Path inside the template folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An export could not be serialised.
    #[error("{file}: {message}")]
    Export {
        /// Output file.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A chart could not be drawn.
    #[error("{0}")]
    Chart(String),
    /// Two outputs got the same path (two ids whose slugs collide).
    #[error("two outputs would be written to {0}")]
    Collision(String),
    /// A file could not be stored.
    #[error("writing {path}: {source}")]
    Write {
        /// Path inside the site.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// Where rendered files go, each as soon as it is ready, from several threads at once.
/// Paths are relative to the site root.
pub trait Sink: Sync {
    /// Store the file `path` with contents `bytes`.
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), RenderError>;

    /// Store the file `path`, written by `fill` as it is made (an export of tens of
    /// megabytes is never held whole in memory).
    fn stream(
        &self,
        path: String,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), RenderError>,
    ) -> Result<(), RenderError>;
}

/// A [`Sink`] that keeps every file in memory.
#[derive(Default)]
struct Collect(Mutex<Vec<(String, Vec<u8>)>>);

impl Sink for Collect {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), RenderError> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path, bytes));
        Ok(())
    }

    fn stream(
        &self,
        path: String,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.put(path, bytes)
    }
}

/// A [`Sink`] that passes files on and remembers their paths, so that two outputs
/// with one path (even on a case-insensitive file system) are caught.
struct Named<'s> {
    inner: &'s dyn Sink,
    paths: Mutex<Vec<String>>,
}

impl<'s> Named<'s> {
    fn new(inner: &'s dyn Sink) -> Self {
        Named {
            inner,
            paths: Mutex::new(Vec::new()),
        }
    }

    fn note(&self, path: &str) {
        self.paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.to_string());
    }

    /// Names must differ even on case-insensitive file systems (slugs keep case): the
    /// first path, in path order, that repeats an earlier one is the error.
    fn distinct(self) -> Result<(), RenderError> {
        let mut paths = self
            .paths
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        paths.sort();
        let mut seen = std::collections::BTreeSet::new();
        for path in paths {
            if !seen.insert(path.to_ascii_lowercase()) {
                return Err(RenderError::Collision(path));
            }
        }
        Ok(())
    }
}

impl Sink for Named<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), RenderError> {
        self.note(&path);
        self.inner.put(path, bytes)
    }

    fn stream(
        &self,
        path: String,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        self.note(&path);
        self.inner.stream(path, fill)
    }
}

/// Render the whole site in `lang` (unknown languages fall back to English strings).
///
/// Returns every output file with its path relative to the site root, sorted by
/// path; paths never contain `..` or start with `/`.
pub fn render_site(
    report: &Report,
    catalog: &Catalog,
    config: &Config,
    lang: &str,
    opts: &RenderOptions,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let files = Collect::default();
    render_site_to(report, catalog, config, lang, opts, &files)?;
    let mut out = files.0.into_inner().unwrap_or_else(PoisonError::into_inner);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Render the whole site in `lang` into `sink`, each file as soon as it is ready;
/// [`RenderError::Collision`] once every file is made when two paths are one.
pub fn render_site_to(
    report: &Report,
    catalog: &Catalog,
    config: &Config,
    lang: &str,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let sink = Named::new(sink);
    let i18n = I18n::new(lang);
    let env = embedded::environment(opts.template_dir.clone(), i18n.clone());
    let ctx = build::Ctx::new(report, catalog, config, &i18n);
    let put_all = |files: Vec<(String, Vec<u8>)>| {
        files
            .into_iter()
            .try_for_each(|(path, bytes)| sink.put(path, bytes))
    };
    let (chart_views, chart_files) = charts::trend_charts(&ctx)?;
    put_all(chart_files)?;
    let (summary_charts, summary_files) = charts::summary_charts(&ctx)?;
    put_all(summary_files)?;
    let (team_chart, team_files) = charts::team_chart(&ctx, &ctx.team_rows())?;
    put_all(team_files)?;
    let pages = pages::Pages::new(&env, ctx.site(opts.redaction_disabled), &sink);
    // Pages and the data exports are independent: build them side by side.
    let (html, data) = rayon::join(
        || pages::render_pages(&pages, &ctx, &chart_views, &summary_charts, &team_chart),
        || -> Result<_, RenderError> {
            exports::exports(report, catalog, config, &i18n, &sink)?;
            sink.put(
                "oscal/assessment-results.json".into(),
                oscal::assessment_results(report, catalog, config, &i18n)?,
            )
        },
    );
    html?;
    put_all(embedded::assets(opts.template_dir.as_deref())?)?;
    data?;
    sink.distinct()
}
