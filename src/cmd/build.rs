//! `muster build`: ingest, evaluate, then render the site straight into a temporary
//! folder beside the output, which replaces the previous site only once complete
//! (see [`super::staging`]).

use super::args::BuildArgs;
use super::load::{load, print_diagnostics};
use super::staging::Staging;
use crate::manifest::{Manifest, SCHEMA};
use crate::render::{render_site_to, RenderOptions, Sink};
use std::time::Instant;

/// The file that marks a folder as a site muster wrote (and may therefore replace).
pub const MARKER: &str = ".muster-site";

/// Run `build`.
#[allow(clippy::print_stderr, clippy::print_stdout)]
pub fn run(args: BuildArgs) -> anyhow::Result<i32> {
    let started = Instant::now();
    let loaded = load(&args.input, args.quiet)?;
    let has_diags = print_diagnostics(&loaded.report, args.quiet);
    let lang = args
        .lang
        .clone()
        .unwrap_or_else(|| loaded.config.site.lang.clone());
    if args.input.no_redact {
        eprintln!("warning: --no-redact: credentials found in exports are copied into the site; do not share it");
    }
    let opts = RenderOptions {
        template_dir: args.theme.clone(),
        redaction_disabled: args.input.no_redact,
    };
    let mut clock = Instant::now();
    // Files are written as they are rendered; an error anywhere drops `site`, which
    // removes its temporary folder.
    let site = Staging::open(&args.output)?;
    render_site_to(
        &loaded.report,
        &loaded.catalog,
        &loaded.config,
        &lang,
        &opts,
        &site,
    )?;
    super::progress::phase_done("render", &mut clock);
    site.put(
        MARKER.to_string(),
        b"This folder was written by muster; `muster build` may replace it.\n".to_vec(),
    )?;
    let manifest = Manifest {
        schema: SCHEMA.to_string(),
        muster_version: env!("CARGO_PKG_VERSION").to_string(),
        as_of: loaded.report.as_of.to_rfc3339(),
        lang: lang.clone(),
        config_sha256: loaded.config_digest.clone(),
        catalog_sha256: loaded.catalog.digest.clone(),
        inputs: loaded
            .report
            .sources
            .iter()
            .map(|s| (s.path.clone(), s.sha256.clone()))
            .collect(),
        files: site.digests(),
    };
    site.put(
        "manifest.json".to_string(),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    super::progress::phase_done("manifest", &mut clock);
    let files = site.publish()?;
    super::progress::phase_done("write", &mut clock);
    if !args.quiet {
        let records: u64 = loaded.report.sources.iter().map(|s| s.record_count()).sum();
        outln!(
            "built {} ({} files) from {} inputs, {} records, {} controls in {:.2}s; open {}",
            args.output.display(),
            files,
            loaded.report.sources.len(),
            records,
            loaded.report.controls.len(),
            started.elapsed().as_secs_f64(),
            args.output.join("index.html").display()
        );
    }
    Ok(if args.input.strict && has_diags { 1 } else { 0 })
}
