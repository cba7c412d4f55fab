//! Reading input files: walking the input roots (symlinks stay inside them), reading,
//! decompressing and decoding each file in parallel, summarising it (digest, counts,
//! time range, diagnostics), and merging per-file results and shards in one order.
//! Splitting a file into documents is `split`'s job.

pub use super::path_date::date_in_path;
use super::read::{ingest_streamed, with_buffer, GUNZIP_BUFFER, READ_BUFFER};
use super::FileCtx;
use crate::diag::{Code, Diagnostic, Level};
use crate::model::{Format, Interner, Record, SourceSummary};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this (after decompression) are refused with a diagnostic.
pub const MAX_FILE_BYTES: u64 = 8 << 30;

/// Receives progress while inputs are read (the command line draws a bar with it).
pub trait Progress: Send + Sync {
    /// Reading starts: how many files and bytes there are.
    fn start(&self, files: u64, bytes: u64);
    /// One file of `bytes` bytes was read.
    fn file_done(&self, bytes: u64);
}

/// How inputs are read.
#[derive(Clone)]
pub struct IngestOptions {
    /// Follow symbolic links that point outside the input roots.
    pub follow_symlinks: bool,
    /// Redact secrets and credential shapes (on unless `--no-redact`).
    pub redact: bool,
    /// Where to report progress, if anywhere.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// The shared copy of every string kept (one per run, shared by all threads).
    pub interner: std::sync::Arc<Interner>,
    /// Keep each record's message and display attributes (on by default, for library
    /// users who inspect records). No evaluation and no page reads them, so `build`,
    /// `check` and `ingest` turn this off: shards carry no more than the site, and no
    /// memory or redaction is spent on them (a runtime alert's message is most of its
    /// record).
    pub keep_text: bool,
    /// Titles and descriptions already cleaned in this run (shared by all threads).
    pub clean_memo: std::sync::Arc<super::memo::CleanMemo>,
    /// JSON Lines files larger than this (as stored) are read line by line from a
    /// buffered stream instead of whole, so memory does not grow with the file.
    pub stream_above_bytes: u64,
    /// Most bytes decoded from one file (gzip included); the rest is cut with a
    /// diagnostic. Default [`MAX_FILE_BYTES`].
    pub max_decoded_bytes: u64,
    /// Date records the export gives no time from an ISO date in the file's path
    /// (`[sources] date_from_path`, on by default).
    pub date_from_path: bool,
    /// The cluster of records that name none, by file path glob (`[[sources.files]]`).
    pub file_clusters: Vec<(String, String)>,
    /// Whether a file's path may date its records, by file path glob, overriding
    /// `date_from_path` (`[[sources.files]] date_from_path`; the first match wins).
    pub file_path_dates: Vec<(String, bool)>,
}

/// Default for [`IngestOptions::stream_above_bytes`]: smaller files are read whole,
/// which parses faster (one read, one UTF-8 check).
pub const STREAM_ABOVE_BYTES: u64 = 64 << 20;

impl std::fmt::Debug for IngestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IngestOptions")
            .field("follow_symlinks", &self.follow_symlinks)
            .field("redact", &self.redact)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            follow_symlinks: false,
            redact: true,
            progress: None,
            interner: Default::default(),
            keep_text: true,
            clean_memo: Default::default(),
            stream_above_bytes: STREAM_ABOVE_BYTES,
            max_decoded_bytes: MAX_FILE_BYTES,
            date_from_path: true,
            file_clusters: Vec::new(),
            file_path_dates: Vec::new(),
        }
    }
}

/// The result of ingesting a set of inputs.
#[derive(Debug, Default)]
pub struct Ingested {
    /// One summary per file, sorted by path.
    pub sources: Vec<SourceSummary>,
    /// Every record, in file order then document order.
    pub records: Vec<Record>,
    /// Problems not tied to one readable file (missing roots, walk errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// Extensions of files that live beside exports but are not exports
/// (configuration, waivers, attestations, notes): they are not read as evidence.
const NOT_EVIDENCE: &[&str] = &[
    "md", "markdown", "toml", "csv", "txt", "html", "css", "js", "svg", "png",
];

/// Walk the inputs and ingest every file, in parallel.
pub fn ingest_paths(inputs: &[PathBuf], opts: &IngestOptions) -> Ingested {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut diagnostics = Vec::new();
    for (root, shown) in inputs.iter().zip(super::shown::shown_roots(inputs)) {
        collect(root, &shown, opts, &mut files, &mut diagnostics);
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    drop_shown_twice(&mut files, &mut diagnostics);
    let sizes: Vec<u64> = files
        .iter()
        .map(|(p, _)| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .collect();
    if let Some(p) = &opts.progress {
        p.start(files.len() as u64, sizes.iter().sum());
    }
    let results: Vec<(Vec<SourceSummary>, Vec<Record>)> = files
        .par_iter()
        .zip(sizes.par_iter())
        .map(|((path, display), size)| {
            let out = ingest_file_or_shard(path, display, *size, opts);
            if let Some(p) = &opts.progress {
                p.file_done(*size);
            }
            out
        })
        .collect();
    // Each worker keeps its read buffers for the next file (up to 64 MiB each): once
    // every file is read they are dead weight for the rest of the build.
    rayon::broadcast(|_| super::read::release_buffers());
    merge(results, diagnostics)
}

/// Merge per-file results into one ordered whole: sources sorted by path, records
/// grouped by their source in that order (document order kept), so that ingesting
/// raw files and merging shards of them give identical results.
///
/// Records move in runs (one per file, a shard splits into its files' runs) and are
/// copied once into a vector of the exact final size, each run freed as it is copied:
/// the evidence is never held twice over.
fn merge(
    results: Vec<(Vec<SourceSummary>, Vec<Record>)>,
    diagnostics: Vec<Diagnostic>,
) -> Ingested {
    let mut sources = Vec::new();
    let mut runs: Vec<Vec<Record>> = Vec::new();
    for (s, r) in results {
        sources.extend(s);
        split_runs(r, &mut runs);
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources.dedup_by(|a, b| a.path == b.path && a.sha256 == b.sha256);
    let order: std::collections::HashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.path.as_str(), i))
        .collect();
    let mut keyed: Vec<(usize, Vec<Record>)> = runs
        .into_iter()
        .map(|run| {
            let file = run.first().map_or("", |r| r.provenance.file.as_str());
            (order.get(file).copied().unwrap_or(usize::MAX), run)
        })
        .collect();
    keyed.sort_by_key(|(i, _)| *i);
    let mut records = Vec::with_capacity(keyed.iter().map(|(_, r)| r.len()).sum());
    for (_, run) in keyed {
        records.extend(run);
    }
    Ingested {
        sources,
        records,
        diagnostics,
    }
}

/// Split one file's records into maximal runs of the same provenance file (a raw
/// file is one run; a shard has one per file it carries), keeping their order.
fn split_runs(records: Vec<Record>, runs: &mut Vec<Vec<Record>>) {
    let same_file = records.first().is_none_or(|first| {
        records
            .iter()
            .all(|r| r.provenance.file == first.provenance.file)
    });
    if same_file {
        if !records.is_empty() {
            runs.push(records);
        }
        return;
    }
    let mut current: Vec<Record> = Vec::new();
    for r in records {
        if current
            .last()
            .is_some_and(|last| last.provenance.file != r.provenance.file)
        {
            runs.push(std::mem::take(&mut current));
        }
        current.push(r);
    }
    if !current.is_empty() {
        runs.push(current);
    }
}

/// Ingest one file from disk (`size`: its size as stored, known from the walk); a
/// shard expands into the sources it carries.
pub fn ingest_file_or_shard(
    path: &Path,
    display: &str,
    size: u64,
    opts: &IngestOptions,
) -> (Vec<SourceSummary>, Vec<Record>) {
    if size > opts.stream_above_bytes {
        if let Some((s, r)) = ingest_streamed(path, display, size, opts) {
            return (vec![s], r);
        }
    }
    with_buffer(&READ_BUFFER, |buf| {
        match std::fs::File::open(path).and_then(|mut f| f.read_to_end(buf)) {
            Ok(_) => ingest_read_file(buf, display, opts),
            Err(_) => {
                let (s, r) = ingest_file(path, display, opts);
                (vec![s], r)
            }
        }
    })
}

fn ingest_read_file(
    bytes: &[u8],
    display: &str,
    opts: &IngestOptions,
) -> (Vec<SourceSummary>, Vec<Record>) {
    with_buffer(&GUNZIP_BUFFER, |decoded| {
        let stored = Stored::decode(display, bytes, decoded, opts.max_decoded_bytes);
        if super::shard::is_shard(&String::from_utf8_lossy(
            stored
                .text
                .get(..stored.text.len().min(32))
                .unwrap_or_default(),
        )) {
            return ingest_shard(display, bytes, stored, opts);
        }
        let (s, r) = ingest_decoded(display, bytes, stored, opts);
        (vec![s], r)
    })
}

/// Records that name no cluster take the one `[[sources.files]]` gives their file
/// (raw files when read, shards when merged: both give the same records).
fn place_clusters(records: &mut [Record], opts: &IngestOptions) {
    if opts.file_clusters.is_empty() {
        return;
    }
    // A file's records are contiguous: match each file once.
    let mut last: Option<(crate::model::Text, Option<crate::model::Text>)> = None;
    for r in records.iter_mut().filter(|r| r.subject.cluster.is_none()) {
        if last.as_ref().is_none_or(|(f, _)| *f != r.provenance.file) {
            let cluster = opts
                .file_clusters
                .iter()
                .find(|(glob, _)| crate::config::path_matches(glob, &r.provenance.file))
                .map(|(_, c)| crate::model::Text::from(c.as_str()));
            last = Some((r.provenance.file.clone(), cluster));
        }
        if let Some((_, Some(cluster))) = &last {
            r.subject.cluster = Some(cluster.clone());
        }
    }
}

/// A shard's sources and records; problems with the shard itself (bad lines, a cut
/// stream) are reported against the shard file.
fn ingest_shard(
    display: &str,
    bytes: &[u8],
    stored: Stored<'_>,
    opts: &IngestOptions,
) -> (Vec<SourceSummary>, Vec<Record>) {
    let text = String::from_utf8_lossy(stored.text);
    let (mut sources, mut records, mut diags) = super::shard::read(display, &text);
    if !opts.keep_text {
        for r in &mut records {
            r.message = crate::model::Text::default();
            r.attrs = crate::model::Shared::default();
        }
    }
    records.iter_mut().for_each(|r| r.share(&opts.interner));
    // A shard may have been written without the configuration that places its files.
    place_clusters(&mut records, opts);
    undo_path_dates(&mut sources, &mut records, opts);
    diags.splice(0..0, stored.diagnostics);
    if !diags.is_empty() {
        let mut s = empty_summary(display, &hex(&Sha256::digest(bytes)), bytes.len() as u64);
        s.formats = vec![Format::of(&super::shard::INFO)];
        s.compressed = stored.compressed;
        s.diagnostics = diags;
        sources.push(s);
    }
    (sources, records)
}

/// A file's bytes as stored, decoded: gunzipped when compressed (never past
/// the cap), without a byte-order mark. Exports and shards alike are decoded
/// here, so one cap holds for every gzip stream muster reads.
pub(super) struct Stored<'a> {
    /// The decoded bytes.
    pub text: &'a [u8],
    /// Whether the file was gzip-compressed.
    pub compressed: bool,
    /// Problems met while decoding (corrupt gzip, the size cap).
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Stored<'a> {
    /// Decode `bytes` (gunzipping into `decoded` when compressed, at most `cap` bytes).
    pub fn decode(
        display: &str,
        bytes: &'a [u8],
        decoded: &'a mut Vec<u8>,
        cap: u64,
    ) -> Stored<'a> {
        let mut diagnostics = Vec::new();
        let compressed = bytes.starts_with(&[0x1f, 0x8b]);
        let raw: &[u8] = if compressed {
            let mut reader = flate2::read::MultiGzDecoder::new(bytes).take(cap + 1);
            if let Err(e) = reader.read_to_end(decoded) {
                diagnostics.push(Diagnostic::file(
                    Level::Error,
                    Code::Unreadable,
                    display,
                    format!("gzip data is corrupt: {e}; the readable part was kept"),
                ));
            }
            if decoded.len() as u64 > cap {
                decoded.truncate(cap as usize);
                diagnostics.push(Diagnostic::file(
                    Level::Error,
                    Code::TooLarge,
                    display,
                    format!("decompressed size exceeds {cap} bytes; the rest was not read"),
                ));
            }
            decoded
        } else {
            bytes
        };
        Stored {
            text: raw.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(raw),
            compressed,
            diagnostics,
        }
    }
}

fn collect(
    root: &Path,
    shown: &str,
    opts: &IngestOptions,
    files: &mut Vec<(PathBuf, String)>,
    diags: &mut Vec<Diagnostic>,
) {
    let shown_at =
        |path: &Path| super::shown::shown_under(shown, path.strip_prefix(root).unwrap_or(path));
    if root.is_file() {
        files.push((root.to_path_buf(), shown.to_string()));
        return;
    }
    if !root.is_dir() {
        diags.push(Diagnostic::file(
            Level::Error,
            Code::Unreadable,
            shown,
            "input does not exist or is not a file or directory",
        ));
        return;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = walkdir::WalkDir::new(root)
        .follow_links(opts.follow_symlinks)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        // A site muster wrote (say `-o exports/site` run twice) is its output, not
        // evidence: its manifest, report and OSCAL files are not read back.
        if let Ok(e) = &entry {
            if e.file_type().is_dir() && e.path().join(SITE_MARKER).is_file() {
                diags.push(Diagnostic::file(
                    Level::Note,
                    Code::Unreadable,
                    &shown_at(e.path()),
                    format!("a site muster wrote (it holds {SITE_MARKER}): not read as evidence"),
                ));
                if e.depth() > 0 {
                    walker.skip_current_dir();
                }
                if e.depth() == 0 {
                    return;
                }
                continue;
            }
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map_or_else(|| shown.to_string(), shown_at);
                diags.push(Diagnostic::file(
                    Level::Warning,
                    Code::Unreadable,
                    &p,
                    e.to_string(),
                ));
                continue;
            }
        };
        let path = entry.path();
        if entry.path_is_symlink() && !opts.follow_symlinks {
            // A link is read only when it stays inside the input root.
            let why = match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) && target.is_file() => None,
                Ok(target)
                    if target.is_dir() && path.parent().is_some_and(|p| {
                        p.canonicalize().is_ok_and(|p| p.starts_with(&target))
                    }) =>
                {
                    Some("symbolic link not followed (link loop: it points to a folder that holds it)")
                }
                Ok(target) if target.starts_with(&canonical_root) => {
                    Some("symbolic link to a folder not followed (use --follow-symlinks)")
                }
                Ok(_) => Some(
                    "symbolic link not followed (it leaves the input root; use --follow-symlinks)",
                ),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Some("symbolic link not followed (dangling: its target does not exist)")
                }
                Err(e) if is_link_loop(&e) => {
                    Some("symbolic link not followed (link loop: it leads back to itself)")
                }
                Err(_) => Some("symbolic link not followed (its target cannot be resolved)"),
            };
            if let Some(why) = why {
                diags.push(Diagnostic::file(
                    Level::Note,
                    Code::Unreadable,
                    &shown_at(path),
                    why,
                ));
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if NOT_EVIDENCE.contains(&ext.as_str()) {
            continue;
        }
        files.push((path.to_path_buf(), shown_at(path)));
    }
}

/// The file that marks a folder as a site muster wrote (`cmd::build::MARKER`): such a
/// folder inside an input is skipped with a note.
const SITE_MARKER: &str = ".muster-site";

/// Whether resolving a link failed because links lead in a circle (ELOOP).
/// (`ErrorKind::FilesystemLoop` is not stable yet, so the OS error number is read.)
fn is_link_loop(e: &std::io::Error) -> bool {
    const ELOOP: i32 = if cfg!(any(target_os = "linux", target_os = "android")) {
        40
    } else {
        62 // macOS and the BSDs
    };
    cfg!(unix) && e.raw_os_error() == Some(ELOOP)
}

/// Keep one file per shown name: a file reached through two inputs is read once, and
/// two different files the inputs would show alike (`.` holding `web.json` beside
/// `/tmp/web.json`) keep the first with a warning, since the site could not tell them
/// apart. `files` is sorted by shown name.
fn drop_shown_twice(files: &mut Vec<(PathBuf, String)>, diags: &mut Vec<Diagnostic>) {
    let same_file = |a: &Path, b: &Path| {
        a == b
            || a.canonicalize()
                .ok()
                .is_some_and(|x| b.canonicalize().ok() == Some(x))
    };
    files.dedup_by(|later, kept| {
        if later.1 != kept.1 {
            return false;
        }
        if !same_file(&later.0, &kept.0) {
            diags.push(Diagnostic::file(
                Level::Warning,
                Code::Unreadable,
                &later.1,
                "two different input files would be shown under this name: only the \
                 first was read (give their folders as inputs, or rename one)",
            ));
        }
        true
    });
}

/// Ingest one file from disk.
pub fn ingest_file(
    path: &Path,
    display: &str,
    opts: &IngestOptions,
) -> (SourceSummary, Vec<Record>) {
    match std::fs::read(path) {
        Ok(bytes) => ingest_bytes(display, &bytes, opts),
        Err(e) => {
            let mut s = empty_summary(display, "", 0);
            s.diagnostics.push(Diagnostic::file(
                Level::Error,
                Code::Unreadable,
                display,
                format!("cannot read file: {e}"),
            ));
            (s, Vec::new())
        }
    }
}

pub(super) fn empty_summary(display: &str, sha: &str, size: u64) -> SourceSummary {
    SourceSummary {
        path: display.to_string(),
        formats: Vec::new(),
        sha256: sha.to_string(),
        size,
        compressed: false,
        records: BTreeMap::new(),
        first_observed: None,
        last_observed: None,
        undated_records: 0,
        dated_from_path: false,
        diagnostics: Vec::new(),
    }
}

/// Ingest one file's bytes (`display` names it in diagnostics and provenance).
pub fn ingest_bytes(
    display: &str,
    bytes: &[u8],
    opts: &IngestOptions,
) -> (SourceSummary, Vec<Record>) {
    with_buffer(&GUNZIP_BUFFER, |decoded| {
        let stored = Stored::decode(display, bytes, decoded, opts.max_decoded_bytes);
        ingest_decoded(display, bytes, stored, opts)
    })
}

/// Ingest one decoded file (`bytes`: as stored, for the digest and size).
fn ingest_decoded(
    display: &str,
    bytes: &[u8],
    stored: Stored<'_>,
    opts: &IngestOptions,
) -> (SourceSummary, Vec<Record>) {
    let sha = hex(&Sha256::digest(bytes));
    let mut summary = empty_summary(display, &sha, bytes.len() as u64);
    summary.compressed = stored.compressed;
    summary.diagnostics = stored.diagnostics;
    let raw = stored.text;
    let text: std::borrow::Cow<'_, str> = match std::str::from_utf8(raw) {
        Ok(t) => t.into(),
        Err(e) => {
            let line = raw
                .get(..e.valid_up_to())
                .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count())
                + 1;
            summary.diagnostics.push(
                Diagnostic::file(
                    Level::Warning,
                    Code::Suspicious,
                    display,
                    "invalid UTF-8; invalid bytes were replaced with U+FFFD",
                )
                .at(line as u64, None),
            );
            String::from_utf8_lossy(raw)
        }
    };
    let mut ctx = FileCtx::new(display, &text);
    ctx.redact = opts.redact;
    ctx.keep_text = opts.keep_text;
    ctx.memo = Some(opts.clean_memo.clone());
    let mut formats = BTreeSet::new();
    super::split::split_documents(&text, &mut ctx, &mut formats);
    finish(summary, ctx, formats, opts)
}

/// Share the file's strings (its events are already folded) and sum up its records.
pub(super) fn finish(
    mut summary: SourceSummary,
    ctx: FileCtx<'_>,
    formats: BTreeSet<Format>,
    opts: &IngestOptions,
) -> (SourceSummary, Vec<Record>) {
    let (mut records, diagnostics) = ctx.finish();
    records.shrink_to_fit();
    place_clusters(&mut records, opts);
    if path_dates(opts, &summary.path) {
        if let Some(day) = date_in_path(&summary.path) {
            for r in records.iter_mut().filter(|r| r.observed_at.is_none()) {
                r.observed_at = Some(day);
                r.dated_from_path = true;
                summary.dated_from_path = true;
            }
        }
    }
    records.iter_mut().for_each(|r| r.share(&opts.interner));
    summary.diagnostics.extend(diagnostics.into_vec());
    summary.formats = formats.into_iter().collect();
    count_records(&mut summary, &records);
    (summary, records)
}

/// Whether a file's path may date its records: its `[[sources.files]]` entry's
/// `date_from_path`, else `[sources] date_from_path`.
fn path_dates(opts: &IngestOptions, path: &str) -> bool {
    opts.file_path_dates
        .iter()
        .find(|(glob, _)| crate::config::path_matches(glob, path))
        .map_or(opts.date_from_path, |(_, on)| *on)
}

/// Add `records` (of one file) to its summary's counts and observed period.
fn count_records<'r>(summary: &mut SourceSummary, records: impl IntoIterator<Item = &'r Record>) {
    for r in records {
        *summary.records.entry(r.kind).or_insert(0) += u64::from(r.count);
        if r.observed_at.is_none() {
            summary.undated_records += u64::from(r.count);
        }
        if let Some(t) = r.observed_at {
            let first = r.first_observed_at.unwrap_or(t);
            summary.first_observed = Some(summary.first_observed.map_or(first, |f| f.min(first)));
            summary.last_observed = Some(summary.last_observed.map_or(t, |l| l.max(t)));
        }
    }
}

/// `muster ingest` reads no configuration, so a shard's records are dated from their
/// paths wherever the export gave no time. Where the merge's configuration turns path
/// dating off for a file, its records are undated again and its summary recounted, as
/// a single run with that configuration would have left them.
fn undo_path_dates(sources: &mut [SourceSummary], records: &mut [Record], opts: &IngestOptions) {
    let affected: HashMap<String, usize> = sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.dated_from_path && !path_dates(opts, &s.path))
        .map(|(k, s)| (s.path.clone(), k))
        .collect();
    if affected.is_empty() {
        return;
    }
    for &k in affected.values() {
        if let Some(s) = sources.get_mut(k) {
            s.dated_from_path = false;
            s.records.clear();
            s.undated_records = 0;
            s.first_observed = None;
            s.last_observed = None;
        }
    }
    for r in records.iter_mut() {
        let Some(summary) = affected
            .get(r.provenance.file.as_str())
            .and_then(|&k| sources.get_mut(k))
        else {
            continue;
        };
        if r.dated_from_path {
            r.observed_at = None;
            r.dated_from_path = false;
        }
        count_records(summary, std::iter::once(&*r));
    }
}

pub(super) use crate::manifest::hex;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_array_is_reported_as_empty_not_as_an_unknown_shape() {
        // `az monitor diagnostic-settings list` of a resource without settings.
        let (summary, records) = ingest_bytes("acr-diag.json", b"[]\n", &IngestOptions::default());
        assert!(records.is_empty());
        let codes: Vec<Code> = summary.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::Empty], "{:?}", summary.diagnostics);
        let (summary, _) = ingest_bytes("x.json", b"{\"a\":1}", &IngestOptions::default());
        assert_eq!(
            summary.diagnostics.first().map(|d| d.code),
            Some(Code::UnknownFormat)
        );
    }
}
