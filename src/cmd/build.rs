//! `muster build`: ingest, evaluate, render, then write the site atomically:
//! everything goes to a temporary folder beside the target, which replaces the
//! previous site only once complete. A folder muster did not create is never replaced,
//! two builds to the same output take turns (an advisory lock beside it), and the
//! current folder or one of its parents is never an output.

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

/// Where the site goes, made absolute with links resolved: `(parent, name)`.
///
/// Rule: the output must be a named folder that is neither the current folder nor one
/// of its parents (`-o .`, `-o ..`, `-o /`, `-o site/.` run inside `site`): the previous
/// site is moved aside and replaced as a whole, which cannot be done to the folder a
/// process stands in.
fn resolve_output(out: &Path) -> anyhow::Result<(PathBuf, String)> {
    let refuse = || {
        anyhow::anyhow!(
            "{} is the current folder or one of its parents; refusing to replace it \
             (run muster from outside the site folder, or choose another --output)",
            out.display()
        )
    };
    let absolute = if out.exists() {
        out.canonicalize()
            .with_context(|| format!("resolving {}", out.display()))?
    } else {
        // Not there yet: resolve its parent (created if needed) and keep the name.
        let name = match out.components().next_back() {
            Some(Component::Normal(n)) => n.to_os_string(),
            _ => return Err(refuse()),
        };
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        parent
            .canonicalize()
            .with_context(|| format!("resolving {}", parent.display()))?
            .join(name)
    };
    let cwd = std::env::current_dir().context("reading the current folder")?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    if cwd.starts_with(&absolute) {
        return Err(refuse());
    }
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => {
            Ok((parent.to_path_buf(), name.to_string_lossy().into_owned()))
        }
        _ => Err(refuse()),
    }
}

/// Holds the exclusive advisory lock on `.{name}.muster-lock` beside the output until
/// dropped (the operating system releases it if the process dies).
///
/// Rule: every write of a site, from removing stale temporary folders to the final
/// rename, happens under this lock, so two builds to the same output run one after the
/// other and never touch each other's temporary folder. The lock file itself is left in
/// place: deleting it would let a third build lock a new file while a second still waits
/// on the old one.
struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Take the lock, waiting (with a note on stderr) while another build holds it.
    #[allow(clippy::print_stderr)]
    fn acquire(parent: &Path, name: &str) -> anyhow::Result<OutputLock> {
        let path = parent.join(format!(".{name}.muster-lock"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!(
                    "note: another muster build is writing {}; waiting for it to finish (lock {})",
                    parent.join(name).display(),
                    path.display()
                );
                file.lock()
                    .with_context(|| format!("locking {}", path.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", path.display()));
            }
        }
        Ok(OutputLock { _file: file })
    }
}

/// Write files into `out` atomically (temporary sibling folder, then rename).
///
/// Rules: the whole write holds [`OutputLock`]; a temporary folder found beside the
/// output while the lock is held belongs to a build that died and is removed; the
/// temporary folder is created fresh (never reused or recreated) and is removed on every
/// error; before the rename, every file is checked to be there with its full length, so
/// an incomplete folder is never published.
pub fn write_site(out: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let (parent, name) = resolve_output(out)?;
    let target = parent.join(&name);
    let _lock = OutputLock::acquire(&parent, &name)?;
    if target.exists() {
        let is_ours = target.join(MARKER).is_file();
        let empty = target.is_dir()
            && std::fs::read_dir(&target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
        if !target.is_dir() || (!is_ours && !empty) {
            bail!(
                "{} exists and was not written by muster; refusing to replace it (choose another --output or remove it yourself)",
                out.display()
            );
        }
    }
    // Under the lock, no live build owns a temporary folder of this output.
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
    std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let result = fill_and_publish(&tmp, &target, &parent, &name, files);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// Write `files` into the fresh folder `tmp`, check them, and move `tmp` to `target`
/// (the previous site, if any, moved aside first and removed last).
fn fill_and_publish(
    tmp: &Path,
    target: &Path,
    parent: &Path,
    name: &str,
    files: &[(String, Vec<u8>)],
) -> anyhow::Result<()> {
    // Testing aids: abort the process after writing N files, as a crash or kill would;
    // pause after N files until the file MUSTER_TEST_PAUSE_UNTIL exists (at most a
    // minute), so a test can run a second build meanwhile.
    let env_count =
        |key: &str| -> Option<usize> { std::env::var(key).ok().and_then(|v| v.parse().ok()) };
    let abort_after = env_count("MUSTER_TEST_ABORT_AFTER_FILES");
    let pause_after = env_count("MUSTER_TEST_PAUSE_AFTER_FILES");
    for (written, (rel, bytes)) in files.iter().enumerate() {
        if abort_after == Some(written) {
            std::process::abort();
        }
        if pause_after == Some(written) {
            let until = std::env::var_os("MUSTER_TEST_PAUSE_UNTIL").map(PathBuf::from);
            for _ in 0..600 {
                if until.as_ref().is_none_or(|u| u.exists()) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        let rel = safe_relative(rel)
            .with_context(|| format!("refusing to write outside the site: {rel:?}"))?;
        let path = tmp.join(&rel);
        if let Some(dir) = path.parent().filter(|d| *d != tmp) {
            if !tmp.is_dir() {
                bail!("{} disappeared while the site was written", tmp.display());
            }
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    for (rel, bytes) in files {
        let path = tmp.join(rel);
        let len = std::fs::metadata(&path).map(|m| m.len()).ok();
        if len != Some(bytes.len() as u64) {
            bail!(
                "{} is missing or incomplete; the site was not published",
                path.display()
            );
        }
    }
    if target.exists() {
        let old = parent.join(format!(".{name}.muster-old-{}", std::process::id()));
        std::fs::rename(target, &old)
            .with_context(|| format!("moving the previous {} aside", target.display()))?;
        if let Err(e) = std::fs::rename(tmp, target) {
            let _ = std::fs::rename(&old, target);
            return Err(e).with_context(|| format!("replacing {}", target.display()));
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("removing the previous site {}", old.display()))?;
    } else {
        std::fs::rename(tmp, target).with_context(|| format!("creating {}", target.display()))?;
    }
    Ok(())
}
