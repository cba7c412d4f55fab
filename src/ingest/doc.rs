//! The context a parser works in: the document it reads, the file it came from,
//! and where its records and diagnostics go.

use crate::diag::{Code, Diagnostic, Diagnostics, Level};
use crate::model::{Outcome, Record, RecordKind, Severity, Subject, Text};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::cell::OnceCell;
use std::hash::BuildHasher;

use super::{lax, Probe};

/// Per-file state shared by every document of the file.
pub struct FileCtx<'f> {
    /// The file as shown to users.
    pub file: &'f str,
    /// The whole decoded text of the file (documents are slices of it).
    text: &'f str,
    line_starts: OnceCell<Vec<usize>>,
    /// Records produced so far (added only through [`FileCtx::emit`], events folded).
    records: Vec<Record>,
    /// Diagnostics produced so far.
    pub diagnostics: Diagnostics,
    /// Whether secrets and credential shapes are redacted (default true).
    pub redact: bool,
    /// Whether records keep their message and display attributes (see
    /// `IngestOptions::keep_text`; default true).
    pub keep_text: bool,
    /// Text already cleaned in this run (titles, descriptions), when shared across files.
    pub memo: Option<std::sync::Arc<super::memo::CleanMemo>>,
    /// The file as shown to users, once for all its records' provenance.
    pub(super) file_text: Text,
    /// The hash of each folded event's key and the index of the record that holds it
    /// (keys are compared field by field on lookup: no key is built or cloned per
    /// event; the hash is kept so that growing the table reads no record again).
    folds: hashbrown::HashTable<(u64, usize)>,
    fold_hasher: foldhash::fast::RandomState,
    /// The subjects built so far, by the text they were built from (for parsers of
    /// event streams, which name the same subjects on most lines).
    pub subjects: super::subjects::SubjectMemo,
}

impl<'f> FileCtx<'f> {
    /// A context for one file's text.
    pub fn new(file: &'f str, text: &'f str) -> FileCtx<'f> {
        FileCtx {
            file,
            text,
            line_starts: OnceCell::new(),
            records: Vec::new(),
            diagnostics: Diagnostics::default(),
            redact: true,
            keep_text: true,
            memo: None,
            file_text: Text::from(file),
            folds: hashbrown::HashTable::new(),
            fold_hasher: foldhash::fast::RandomState::default(),
            subjects: super::subjects::SubjectMemo::default(),
        }
    }

    /// The records kept so far.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Take the records and diagnostics (the file is done).
    pub fn finish(self) -> (Vec<Record>, Diagnostics) {
        (self.records, self.diagnostics)
    }

    /// Keep a finished record (only [`FileCtx::emit`] calls this, after
    /// [`FileCtx::fold_event`] found no identical event kept).
    pub(super) fn push_record(&mut self, r: Record) {
        if folds(r.kind) {
            let hash = self.fold_hasher.hash_one(fold_key(&r));
            let at = self.records.len();
            self.folds.insert_unique(hash, (hash, at), |&(h, _)| h);
        }
        self.records.push(r);
    }

    /// Fold an event into the record of an identical one already kept: `true` when it
    /// was (the event then needs no record of its own, so a parser may ask before
    /// building one).
    ///
    /// Identical events (same kind, check, outcome, severity and subject on the same
    /// UTC day) make one record with a count and a first/last time, keeping the first
    /// occurrence's message, attributes and provenance as the sample. Memory then grows
    /// with distinct events per day, not with the number of lines; folding as each
    /// event arrives keeps no backlog of unfolded records. Snapshots and VEX statements
    /// never fold: two statements about the same product on the same day may say
    /// different things, and each must stay as written.
    pub fn fold_event(&mut self, event: &EventKey<'_>) -> bool {
        if !folds(event.kind) {
            return false;
        }
        let key = (
            event.kind,
            event.check,
            event.outcome,
            event.severity,
            event.subject,
            event.observed_at.map(|t| t.date_naive()),
        );
        let hash = self.fold_hasher.hash_one(key);
        let records = &self.records;
        let found = self
            .folds
            .find(hash, |&(_, i)| {
                records.get(i).is_some_and(|k| same_event(fold_key(k), key))
            })
            .map(|&(_, i)| i);
        let Some(kept) = found.and_then(|i| self.records.get_mut(i)) else {
            return false;
        };
        let first = [kept.first_observed_at, kept.observed_at, event.observed_at]
            .into_iter()
            .flatten()
            .min();
        kept.count = kept.count.saturating_add(1);
        kept.observed_at = kept.observed_at.max(event.observed_at);
        kept.first_observed_at = first.filter(|f| Some(*f) != kept.observed_at);
        true
    }

    /// 1-based line of a byte offset into the file text.
    pub fn line_at(&self, offset: usize) -> u64 {
        let starts = self.line_starts.get_or_init(|| {
            let mut v = vec![0];
            v.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            v
        });
        match starts.binary_search(&offset) {
            Ok(i) => i as u64 + 1,
            Err(i) => i as u64,
        }
    }

    /// Byte offset of `slice` in the file text, if it is a slice of it.
    pub fn offset_of(&self, slice: &str) -> Option<usize> {
        let base = self.text.as_ptr() as usize;
        let p = slice.as_ptr() as usize;
        (p >= base && p + slice.len() <= base + self.text.len()).then(|| p - base)
    }

    /// Record a diagnostic.
    pub fn diag(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Warn that a time the export gives at `pointer` cannot be read: the record it
    /// dates is kept undated, and undated evidence proves nothing about a day.
    pub fn unreadable_time(&mut self, line: Option<u64>, pointer: String, text: &str) {
        self.warn(
            Code::Suspicious,
            line,
            Some(pointer),
            format!(
                "{text:?} is not a date (expected an RFC 3339 timestamp); what it dates is undated and proves no day"
            ),
        );
    }

    /// Record a warning about the file or a place in it.
    pub fn warn(
        &mut self,
        code: Code,
        line: Option<u64>,
        pointer: Option<String>,
        message: impl Into<String>,
    ) {
        let mut d = Diagnostic::file(Level::Warning, code, self.file, message);
        d.line = line;
        d.pointer = pointer;
        self.diag(d);
    }
}

/// Whether records of `kind` are events, which fold (see [`FileCtx::fold_event`]).
fn folds(kind: RecordKind) -> bool {
    !kind.is_snapshot() && kind != RecordKind::Vex
}

/// An event about to be emitted, as far as folding asks: its kind, check, outcome,
/// severity, subject and time (see [`FileCtx::fold_event`]).
pub struct EventKey<'k> {
    /// Kind of the record the event makes.
    pub kind: RecordKind,
    /// Its check id.
    pub check: &'k str,
    /// Its outcome.
    pub outcome: Outcome,
    /// Its severity.
    pub severity: Severity,
    /// What it is about.
    pub subject: &'k Subject,
    /// When it was observed.
    pub observed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl<'r> EventKey<'r> {
    /// The key of a built record.
    pub fn of(r: &'r Record) -> EventKey<'r> {
        EventKey {
            kind: r.kind,
            check: r.check.as_str(),
            outcome: r.outcome,
            severity: r.severity,
            subject: &r.subject,
            observed_at: r.observed_at,
        }
    }
}

/// What makes two events the same for folding: kind, check, outcome, severity,
/// subject and UTC day (borrowed from the record).
type FoldKey<'r> = (
    RecordKind,
    &'r str,
    Outcome,
    Severity,
    &'r Subject,
    Option<chrono::NaiveDate>,
);

/// Whether two fold keys are equal (a subject shared by both is not read).
fn same_event(a: FoldKey<'_>, b: FoldKey<'_>) -> bool {
    let (ka, ca, oa, sa, subject_a, da) = a;
    let (kb, cb, ob, sb, subject_b, db) = b;
    (ka, oa, sa, da) == (kb, ob, sb, db)
        && ca == cb
        && (std::ptr::eq(subject_a, subject_b) || subject_a == subject_b)
}

fn fold_key(r: &Record) -> FoldKey<'_> {
    (
        r.kind,
        r.check.as_str(),
        r.outcome,
        r.severity,
        &r.subject,
        r.observed_at.map(|t| t.date_naive()),
    )
}

/// One JSON document inside a file.
pub struct Doc<'a> {
    /// The document's JSON text (a slice of the file text).
    pub text: &'a str,
    /// Its probe.
    pub probe: &'a Probe<'a>,
    /// JSON pointer of the document inside the file (`""` for the whole file, `/items/3` for a List item).
    pub pointer: String,
    /// The line the document is on, when it is one JSON line.
    pub line: Option<u64>,
}

impl<'a> Doc<'a> {
    /// 1-based line of a slice of this document.
    pub fn line_of(&self, ctx: &FileCtx<'_>, slice: &str) -> Option<u64> {
        if self.line.is_some() {
            return self.line;
        }
        ctx.offset_of(slice).map(|o| ctx.line_at(o))
    }

    /// Parse the whole document as `T`, borrowing from the file text.
    /// On failure a diagnostic names the line, column and what serde expected.
    pub fn parse<T: Deserialize<'a>>(&self, ctx: &mut FileCtx<'_>) -> Option<T> {
        self.parse_at(ctx, self.text, "")
    }

    /// Parse one part of the document (e.g. an array element kept as `&RawValue`).
    pub fn parse_raw<T: Deserialize<'a>>(
        &self,
        ctx: &mut FileCtx<'_>,
        raw: &'a RawValue,
        pointer: &str,
    ) -> Option<T> {
        self.parse_at(ctx, raw.get(), pointer)
    }

    /// Parse an owned value from a slice (for types that cannot borrow).
    pub fn parse_owned<T: DeserializeOwned>(
        &self,
        ctx: &mut FileCtx<'_>,
        slice: &str,
        pointer: &str,
    ) -> Option<T> {
        self.parse_at(ctx, slice, pointer)
    }

    fn parse_at<'s, T: Deserialize<'s>>(
        &self,
        ctx: &mut FileCtx<'_>,
        slice: &'s str,
        pointer: &str,
    ) -> Option<T> {
        if slice.trim_start().starts_with('[') && lax::wants_object::<T>() {
            // Serde's derived structs read an array positionally: `[{…}]` would become an
            // empty record and its contents would vanish without a word.
            let mut d = Diagnostic::file(
                Level::Warning,
                Code::BadRecord,
                ctx.file,
                "record skipped: expected a JSON object, found an array",
            );
            d.line = self.line_of(ctx, slice);
            d.pointer = Some(format!("{}{}", self.pointer, pointer)).filter(|p| !p.is_empty());
            ctx.diag(d);
            return None;
        }
        let scope = lax::Scope::begin(None);
        let parsed = serde_json::from_str::<T>(slice);
        let bad = scope.seen();
        drop(scope);
        match parsed {
            Ok(v) => {
                if bad > 0 {
                    self.report_lax::<T>(ctx, slice, pointer, bad);
                }
                Some(v)
            }
            Err(e) => {
                self.report::<T>(ctx, slice, pointer, &e);
                None
            }
        }
    }

    /// One warning per lenient field that had an unexpected type or value (at most
    /// [`LAX_REPORTED`] per parse), each with its pointer: the slice is parsed again, failing
    /// at that field, so that `serde_path_to_error` names it.
    fn report_lax<'s, T: Deserialize<'s>>(
        &self,
        ctx: &mut FileCtx<'_>,
        slice: &'s str,
        pointer: &str,
        bad: u32,
    ) {
        for k in 0..bad.min(LAX_REPORTED) {
            let _scope = lax::Scope::begin(Some(k));
            let mut de = serde_json::Deserializer::from_str(slice);
            let Err(e) = serde_path_to_error::deserialize::<_, T>(&mut de) else {
                continue;
            };
            let at = lax::pointer_of(e.path());
            let mut d = Diagnostic::file(
                Level::Warning,
                Code::Suspicious,
                ctx.file,
                format!(
                    "field of an unexpected type or value: {}",
                    super::util::error_text(e.inner())
                ),
            );
            d.line = self.line_in(ctx, slice, e.inner());
            d.column = d.line.map(|_| e.inner().column() as u64);
            d.pointer = Some(format!("{}{pointer}{at}", self.pointer));
            ctx.diag(d);
        }
        if bad > LAX_REPORTED {
            let mut d = Diagnostic::file(
                Level::Warning,
                Code::Suspicious,
                ctx.file,
                format!(
                    "{} more field(s) of an unexpected type or value were read as not evidenced",
                    bad - LAX_REPORTED
                ),
            );
            d.line = self.line_of(ctx, slice);
            d.pointer = Some(format!("{}{pointer}", self.pointer)).filter(|p| !p.is_empty());
            ctx.diag(d);
        }
    }

    /// The absolute line of a serde error inside `slice`.
    fn line_in(&self, ctx: &FileCtx<'_>, slice: &str, e: &serde_json::Error) -> Option<u64> {
        match (self.line, ctx.offset_of(slice)) {
            (Some(l), _) => Some(l),
            (None, Some(off)) => Some(ctx.line_at(off) + e.line().saturating_sub(1) as u64),
            (None, None) => None,
        }
    }

    fn report<'s, T: Deserialize<'s>>(
        &self,
        ctx: &mut FileCtx<'_>,
        slice: &'s str,
        pointer: &str,
        e: &serde_json::Error,
    ) {
        // Locate the error: parse once more, tracking the path (bad input only).
        let at = if e.is_data() {
            let _quiet = lax::quiet();
            let mut de = serde_json::Deserializer::from_str(slice);
            serde_path_to_error::deserialize::<_, T>(&mut de)
                .err()
                .map(|e| lax::pointer_of(e.path()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let (line, column) = match (self.line, ctx.offset_of(slice)) {
            (Some(l), _) => (Some(l), Some(e.column() as u64)),
            (None, Some(off)) => {
                let start_line = ctx.line_at(off);
                let line = start_line + e.line().saturating_sub(1) as u64;
                (Some(line), Some(e.column() as u64))
            }
            (None, None) => (None, None),
        };
        let mut d = Diagnostic::file(
            Level::Warning,
            Code::BadRecord,
            ctx.file,
            format!("record skipped: {}", super::util::error_text(e)),
        );
        d.line = line;
        d.column = column;
        d.pointer = Some(format!("{}{pointer}{at}", self.pointer)).filter(|p| !p.is_empty());
        ctx.diag(d);
    }
}

/// How many lenient mismatches of one parse are located and listed one by one.
const LAX_REPORTED: u32 = 8;
