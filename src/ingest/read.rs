//! How input bytes come off the disk: one reused read buffer (and gunzip buffer) per
//! worker thread, and large JSON Lines files streamed line by line so that memory does
//! not grow with the size of one file.

use super::source::{empty_summary, finish, hex, IngestOptions};
use super::FileCtx;
use crate::diag::{Code, Diagnostic, Level};
use crate::model::Record;
use crate::model::SourceSummary;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

thread_local! {
    /// Each worker thread reads its files into the same buffer (and gunzips into a
    /// second one): fresh multi-megabyte buffers per file cost more in page zeroing
    /// than the parse itself.
    pub(super) static READ_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    pub(super) static GUNZIP_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A streamed JSON Lines file's longest line: longer ones are skipped with a diagnostic
/// (no event comes near it; it bounds what one line can allocate).
pub(super) const MAX_LINE_BYTES: u64 = 64 << 20;

/// Buffers above this size are released after use rather than kept for the next file.
const KEEP_BUFFER_BYTES: usize = 64 << 20;

/// Free this thread's reusable buffers (reading is over).
pub(super) fn release_buffers() {
    for slot in [&READ_BUFFER, &GUNZIP_BUFFER] {
        slot.with(|cell| {
            if let Ok(mut buf) = cell.try_borrow_mut() {
                *buf = Vec::new();
            }
        });
    }
}

/// Run `f` with this thread's reusable buffer from `slot` (emptied), or a fresh one if it
/// is already in use.
pub(super) fn with_buffer<T>(
    slot: &'static std::thread::LocalKey<RefCell<Vec<u8>>>,
    f: impl FnOnce(&mut Vec<u8>) -> T,
) -> T {
    slot.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            let out = f(&mut buf);
            if buf.capacity() > KEEP_BUFFER_BYTES {
                *buf = Vec::new();
            }
            out
        }
        Err(_) => f(&mut Vec::new()),
    })
}

/// Read a large JSON Lines file line by line (gunzipping on the fly); its digest is
/// taken in a second sequential pass. `None` when the file is not JSON Lines (or a shard):
/// it is then read whole like any other.
pub(super) fn ingest_streamed(
    path: &Path,
    display: &str,
    size: u64,
    opts: &IngestOptions,
) -> Option<(SourceSummary, Vec<Record>)> {
    use std::io::BufRead;
    let open = || -> std::io::Result<(std::fs::File, bool)> {
        use std::io::Seek;
        let mut file = std::fs::File::open(path)?;
        let mut magic = [0u8; 2];
        let gz = file.read(&mut magic)? == 2 && magic == [0x1f, 0x8b];
        file.rewind()?;
        Ok((file, gz))
    };
    // Never more than the cap decoded, as for files read whole.
    let cap = opts.max_decoded_bytes;
    let decode = |raw: std::fs::File, gz: bool| -> Box<dyn BufRead> {
        if gz {
            Box::new(std::io::BufReader::with_capacity(
                1 << 20,
                flate2::read::MultiGzDecoder::new(raw).take(cap),
            ))
        } else {
            Box::new(std::io::BufReader::with_capacity(1 << 20, raw.take(cap)))
        }
    };
    // Decide from the head of the file.
    let (raw, gz) = open().ok()?;
    let mut head = Vec::new();
    decode(raw, gz).take(1 << 20).read_to_end(&mut head).ok()?;
    let head = String::from_utf8_lossy(head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&head));
    if super::shard::is_shard(&head) || !super::split::looks_like_json_lines(&head) {
        return None;
    }
    let (raw, gz) = open().ok()?;
    let mut reader = decode(raw, gz);
    let mut summary = empty_summary(display, "", size);
    summary.compressed = gz;
    let mut ctx = FileCtx::new(display, "");
    ctx.redact = opts.redact;
    ctx.keep_text = opts.keep_text;
    ctx.memo = Some(opts.clean_memo.clone());
    let mut formats = BTreeSet::new();
    let mut lines = super::split::JsonLines::default();
    let mut buf = Vec::new();
    let mut lineno = 0u64;
    let mut decoded = 0u64;
    loop {
        buf.clear();
        match (&mut reader)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut buf)
        {
            Ok(0) => break,
            Ok(n) => decoded += n as u64,
            Err(e) => {
                summary.diagnostics.push(Diagnostic::file(
                    Level::Error,
                    Code::Unreadable,
                    display,
                    format!("read failed after line {lineno}: {e}; the lines before were kept"),
                ));
                break;
            }
        }
        lineno += 1;
        if buf.len() as u64 >= MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            // A line longer than any event: skip the rest of it.
            decoded += reader.skip_until(b'\n').unwrap_or(0) as u64;
            ctx.diag(
                Diagnostic::file(
                    Level::Warning,
                    Code::TooLarge,
                    display,
                    format!("line longer than {MAX_LINE_BYTES} bytes skipped"),
                )
                .at(lineno, None),
            );
            continue;
        }
        let bytes = if lineno == 1 {
            buf.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&buf)
        } else {
            &buf
        };
        let line = match std::str::from_utf8(bytes) {
            Ok(l) => std::borrow::Cow::Borrowed(l),
            Err(_) => {
                ctx.diag(
                    Diagnostic::file(
                        Level::Warning,
                        Code::Suspicious,
                        display,
                        "invalid UTF-8; invalid bytes were replaced with U+FFFD",
                    )
                    .at(lineno, None),
                );
                String::from_utf8_lossy(bytes)
            }
        };
        lines.line(&line, lineno, &mut ctx, &mut formats);
    }
    if decoded >= cap {
        summary.diagnostics.push(Diagnostic::file(
            Level::Error,
            Code::TooLarge,
            display,
            format!("decoded size reaches {cap} bytes; the rest was not read"),
        ));
    }
    summary.sha256 = sha256_file(path).unwrap_or_default();
    Some(finish(summary, ctx, formats, opts))
}

/// SHA-256 of a file's stored bytes, read in chunks.
fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}
