//! Writing a site atomically: every file goes to a fresh temporary folder beside the
//! output, as soon as it is rendered, and that folder replaces the previous site only
//! once complete. A folder muster did not create is never replaced, two builds to the
//! same output take turns (an advisory lock beside it), and the current folder or one
//! of its parents is never an output.

use super::build::MARKER;
use crate::manifest::Digesting;
use crate::render::{RenderError, Sink};
use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

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

/// A site being written: the fresh temporary folder beside the output, held under the
/// output's [`OutputLock`], that replaces the output once complete
/// ([`Staging::publish`]). Dropped unpublished (an error anywhere), it is removed.
///
/// Rules: a temporary folder found beside the output while the lock is held belongs to
/// a build that died and is removed; the temporary folder is created fresh (never
/// reused or recreated); before the rename, every file is checked to be there with its
/// full length, so an incomplete folder is never published.
pub struct Staging {
    tmp: PathBuf,
    target: PathBuf,
    parent: PathBuf,
    name: String,
    _lock: OutputLock,
    /// Every file written: relative path → (length, SHA-256).
    written: Mutex<BTreeMap<String, (u64, String)>>,
    /// Files started so far (the testing aids count them).
    started: AtomicUsize,
    abort_after: Option<usize>,
    pause_after: Option<usize>,
    published: bool,
}

impl Staging {
    /// Lock the output `out`, check that it may be replaced, and create the fresh
    /// temporary folder.
    pub fn open(out: &Path) -> anyhow::Result<Staging> {
        let (parent, name) = resolve_output(out)?;
        let target = parent.join(&name);
        let lock = OutputLock::acquire(&parent, &name)?;
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
        // Testing aids: abort the process after writing N files, as a crash or kill
        // would; pause after N files until the file MUSTER_TEST_PAUSE_UNTIL exists (at
        // most a minute), so a test can run a second build meanwhile.
        let env_count =
            |key: &str| -> Option<usize> { std::env::var(key).ok().and_then(|v| v.parse().ok()) };
        Ok(Staging {
            tmp,
            target,
            parent,
            name,
            _lock: lock,
            written: Mutex::new(BTreeMap::new()),
            started: AtomicUsize::new(0),
            abort_after: env_count("MUSTER_TEST_ABORT_AFTER_FILES"),
            pause_after: env_count("MUSTER_TEST_PAUSE_AFTER_FILES"),
            published: false,
        })
    }

    /// The SHA-256 of every file written so far, by relative path.
    pub fn digests(&self) -> BTreeMap<String, String> {
        self.written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(path, (_, sha))| (path.clone(), sha.clone()))
            .collect()
    }

    /// Create the file `rel` in the temporary folder (and its folders).
    fn create(&self, rel: &str) -> std::io::Result<std::fs::File> {
        let n = self.started.fetch_add(1, Ordering::SeqCst);
        if self.abort_after == Some(n) {
            std::process::abort();
        }
        if self.pause_after == Some(n) {
            let until = std::env::var_os("MUSTER_TEST_PAUSE_UNTIL").map(PathBuf::from);
            for _ in 0..600 {
                if until.as_ref().is_none_or(|u| u.exists()) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        let rel = safe_relative(rel).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "refusing to write outside the site",
            )
        })?;
        let path = self.tmp.join(&rel);
        if let Some(dir) = path.parent().filter(|d| *d != self.tmp) {
            if !self.tmp.is_dir() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!(
                        "{} disappeared while the site was written",
                        self.tmp.display()
                    ),
                ));
            }
            std::fs::create_dir_all(dir)?;
        }
        std::fs::File::create(&path)
    }

    fn record(&self, rel: String, len: u64, sha: String) {
        self.written
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(rel, (len, sha));
    }

    /// Check that every file is there with its full length, then move the temporary
    /// folder to the output (the previous site, if any, moved aside first and removed
    /// last). Returns how many files the site has.
    pub fn publish(mut self) -> anyhow::Result<usize> {
        let written = std::mem::take(
            self.written
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for (rel, (len, _)) in &written {
            let path = self.tmp.join(rel);
            if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(*len) {
                bail!(
                    "{} is missing or incomplete; the site was not published",
                    path.display()
                );
            }
        }
        let (tmp, target, name) = (&self.tmp, &self.target, &self.name);
        if target.exists() {
            let old = self
                .parent
                .join(format!(".{name}.muster-old-{}", std::process::id()));
            std::fs::rename(target, &old)
                .with_context(|| format!("moving the previous {} aside", target.display()))?;
            if let Err(e) = std::fs::rename(tmp, target) {
                let _ = std::fs::rename(&old, target);
                return Err(e).with_context(|| format!("replacing {}", target.display()));
            }
            self.published = true;
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("removing the previous site {}", old.display()))?;
        } else {
            std::fs::rename(tmp, target)
                .with_context(|| format!("creating {}", target.display()))?;
            self.published = true;
        }
        Ok(written.len())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

impl Sink for Staging {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), RenderError> {
        let fail = |source| RenderError::Write {
            path: path.clone(),
            source,
        };
        let mut file = self.create(&path).map_err(fail)?;
        file.write_all(&bytes).map_err(fail)?;
        let sha = crate::manifest::sha256_hex(&bytes);
        self.record(path, bytes.len() as u64, sha);
        Ok(())
    }

    fn stream(
        &self,
        path: String,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        let fail = |source| RenderError::Write {
            path: path.clone(),
            source,
        };
        let file = self.create(&path).map_err(fail)?;
        let mut out = std::io::BufWriter::with_capacity(STREAM_BUFFER, Digesting::new(file));
        fill(&mut out)?;
        let (_, sha, len) = out.into_inner().map_err(|e| fail(e.into_error()))?.finish();
        self.record(path, len, sha);
        Ok(())
    }
}

/// The buffer of a file written as it is made: writes (and digests) in large pieces.
const STREAM_BUFFER: usize = 256 * 1024;
