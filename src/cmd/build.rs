//! `muster build`: ingest, evaluate, render, then write the site atomically:
//! everything goes to a temporary folder beside the target, which replaces the
//! previous site only once complete. A folder muster did not create is never replaced.

use super::args::BuildArgs;
use super::load::{load, print_diagnostics};
use crate::manifest::{sha256_hex, Manifest, SCHEMA};
use crate::render::{render_site, RenderOptions};
use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
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
    let mut files = render_site(
        &loaded.report,
        &loaded.catalog,
        &loaded.config,
        &lang,
        &opts,
    )?;
    super::progress::phase_done("render", &mut clock);
    files.push((
        MARKER.to_string(),
        b"This folder was written by muster; `muster build` may replace it.\n".to_vec(),
    ));
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
        files: files
            .iter()
            .map(|(p, b)| (p.clone(), sha256_hex(b)))
            .collect::<BTreeMap<_, _>>(),
    };
    files.push((
        "manifest.json".to_string(),
        serde_json::to_vec_pretty(&manifest)?,
    ));
    super::progress::phase_done("manifest", &mut clock);
    write_site(&args.output, &files)?;
    super::progress::phase_done("write", &mut clock);
    if !args.quiet {
        let records: u64 = loaded.report.sources.iter().map(|s| s.record_count()).sum();
        outln!(
            "built {} ({} files) from {} inputs, {} records, {} controls in {:.2}s; open {}",
            args.output.display(),
            files.len(),
            loaded.report.sources.len(),
            records,
            loaded.report.controls.len(),
            started.elapsed().as_secs_f64(),
            args.output.join("index.html").display()
        );
    }
    Ok(if args.input.strict && has_diags { 1 } else { 0 })
}

/// A relative path that stays inside the output folder.
fn safe_relative(p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    let ok = !p.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| path.to_path_buf())
}

/// Write files into `out` atomically (temporary sibling folder, then rename).
pub fn write_site(out: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    if out.exists() {
        let is_ours = out.join(MARKER).is_file();
        let empty = out.is_dir()
            && std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
        if !out.is_dir() || (!is_ours && !empty) {
            bail!(
                "{} exists and was not written by muster; refusing to replace it (choose another --output or remove it yourself)",
                out.display()
            );
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    // Temporary folders left beside the output by a build that died are removed first.
    let prefix = format!(".{name}.muster-tmp-");
    let siblings =
        std::fs::read_dir(&parent).with_context(|| format!("reading {}", parent.display()))?;
    for entry in siblings.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("removing stale {}", entry.path().display()))?;
        }
    }
    let tmp = parent.join(format!("{prefix}{}", std::process::id()));
    // Testing aid: abort the process after writing N files, as a crash or kill would.
    let abort_after: Option<usize> = std::env::var("MUSTER_TEST_ABORT_AFTER_FILES")
        .ok()
        .and_then(|v| v.parse().ok());
    let result = (|| -> anyhow::Result<()> {
        for (written, (rel, bytes)) in files.iter().enumerate() {
            if abort_after == Some(written) {
                std::process::abort();
            }
            let rel = safe_relative(rel)
                .with_context(|| format!("refusing to write outside the site: {rel:?}"))?;
            let path = tmp.join(&rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if out.exists() {
        let old = parent.join(format!(".{name}.muster-old-{}", std::process::id()));
        std::fs::rename(out, &old)
            .with_context(|| format!("moving the previous {} aside", out.display()))?;
        if let Err(e) = std::fs::rename(&tmp, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e).with_context(|| format!("replacing {}", out.display()));
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("removing the previous site {}", old.display()))?;
    } else {
        std::fs::rename(&tmp, out).with_context(|| format!("creating {}", out.display()))?;
    }
    Ok(())
}
