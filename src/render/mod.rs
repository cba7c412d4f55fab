//! The static site: every page, chart, asset and export, rendered in memory.
//!
//! [`render_site`] takes the evaluation and returns `(relative path, bytes)` pairs; the
//! caller writes them (atomically) and adds `manifest.json`. Templates get typed,
//! already-localised views ([`views`]), are rendered by minijinja with strict undefined
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
    let i18n = I18n::new(lang);
    let env = embedded::environment(opts.template_dir.clone(), i18n.clone());
    let ctx = build::Ctx::new(report, catalog, config, &i18n);
    let mut out = Vec::new();
    let (chart_views, chart_files) = charts::trend_charts(&ctx)?;
    out.extend(chart_files);
    let (summary_charts, summary_files) = charts::summary_charts(&ctx)?;
    out.extend(summary_files);
    let (team_chart, team_files) = charts::team_chart(&ctx, &ctx.team_rows())?;
    out.extend(team_files);
    let pages = pages::Pages::new(&env, ctx.site(opts.redaction_disabled));
    // Pages and the data exports are independent: build them side by side.
    let (html, data) = rayon::join(
        || pages::render_pages(&pages, &ctx, &chart_views, &summary_charts, &team_chart),
        || -> Result<_, RenderError> {
            let mut data = exports::exports(report, catalog, config, &i18n)?;
            data.push((
                "oscal/assessment-results.json".into(),
                oscal::assessment_results(report, catalog, config, &i18n)?,
            ));
            Ok(data)
        },
    );
    out.extend(html?);
    out.extend(embedded::assets(opts.template_dir.as_deref())?);
    out.extend(data?);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    // Names must differ even on case-insensitive file systems (slugs keep case).
    let mut seen = std::collections::BTreeSet::new();
    for (name, _) in &out {
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(RenderError::Collision(name.clone()));
        }
    }
    Ok(out)
}
