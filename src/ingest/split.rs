//! Splitting a decoded file into JSON documents (one value, JSON Lines, concatenated
//! JSON, `List` wrappers, bare arrays) and handing each to the ingestor that claims it;
//! documents no format claims get a diagnostic naming the closest format.

use super::{detect, Doc, FileCtx, Ingestor, Probe};
use crate::diag::{Code, Diagnostic, Level};
use crate::model::Format;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeSet;

/// JSON Lines files fold their events every this many lines, bounding memory.
const FOLD_EVERY_LINES: u64 = 8192;

/// Split a file's text into documents: one JSON value, JSON Lines, or concatenated JSON.
pub fn split_documents(text: &str, ctx: &mut FileCtx<'_>, formats: &mut BTreeSet<Format>) {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        ctx.diag(Diagnostic::file(
            Level::Warning,
            Code::Empty,
            ctx.file,
            "file is empty",
        ));
        return;
    }
    if !trimmed.starts_with('{') && !trimmed.starts_with('[') {
        ctx.diag(
            Diagnostic::file(
                Level::Error,
                Code::NotJson,
                ctx.file,
                "not JSON: expected '{' or '[' at the start of the file",
            )
            .at(1, Some(1)),
        );
        return;
    }
    let whole_error = match Probe::of(text) {
        Ok(probe) => {
            dispatch(text, &probe, String::new(), None, ctx, formats);
            return;
        }
        Err(e) => e,
    };
    let lines_parse = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(8)
        .any(|l| l.starts_with('{') && Probe::of(l).is_ok());
    if lines_parse {
        let mut lines = JsonLines::default();
        for (i, line) in text.lines().enumerate() {
            lines.line(line, i as u64 + 1, ctx, formats);
        }
        return;
    }
    if whole_error.is_syntax() && whole_error.to_string().starts_with("trailing characters") {
        // Concatenated (pretty-printed) JSON values, as old kube-bench and some Falco captures write.
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
        let mut index = 0;
        loop {
            match stream.next() {
                None => break,
                Some(Ok(raw)) => {
                    let slice = raw.get();
                    if let Ok(probe) = Probe::of(slice) {
                        dispatch(slice, &probe, format!("/{index}"), None, ctx, formats);
                    }
                    index += 1;
                }
                Some(Err(e)) => {
                    ctx.diag(
                        Diagnostic::file(
                            Level::Error,
                            Code::NotJson,
                            ctx.file,
                            format!(
                                "JSON stream broken, the rest of the file was not read: {}",
                                super::util::error_text(&e)
                            ),
                        )
                        .at(e.line() as u64, Some(e.column() as u64)),
                    );
                    break;
                }
            }
        }
        return;
    }
    ctx.diag(
        Diagnostic::file(
            Level::Error,
            Code::NotJson,
            ctx.file,
            format!("not valid JSON: {}", super::util::error_text(&whole_error)),
        )
        .at(whole_error.line() as u64, Some(whole_error.column() as u64)),
    );
}

/// Whether a file that starts with `head` is JSON Lines: its first non-empty line is
/// one complete JSON object.
pub fn looks_like_json_lines(head: &str) -> bool {
    head.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with('{') && Probe::of(l).is_ok())
}

/// Reads a JSON Lines file one line at a time (from a whole text or a stream).
#[derive(Default)]
pub struct JsonLines {
    /// The format that claimed the previous line, when it detects from the top level:
    /// the next line is first offered to it with the cheaper top-level probe.
    sticky: Option<&'static dyn Ingestor>,
}

impl JsonLines {
    /// Read line `lineno` (1-based): hand it to its format, or record why it was skipped.
    pub fn line(
        &mut self,
        line: &str,
        lineno: u64,
        ctx: &mut FileCtx<'_>,
        formats: &mut BTreeSet<Format>,
    ) {
        let t = line.trim();
        if t.is_empty() {
            return;
        }
        if lineno % FOLD_EVERY_LINES == 1 {
            ctx.fold_events();
        }
        if let Some(ingestor) = self.sticky {
            if let Ok(probe) = Probe::top_level(t) {
                if ingestor.detect(&probe) {
                    let doc = Doc {
                        text: t,
                        probe: &probe,
                        pointer: String::new(),
                        line: Some(lineno),
                    };
                    ingestor.ingest(&doc, ctx);
                    return;
                }
            }
        }
        match Probe::of(t) {
            Ok(probe) => {
                let claimed = dispatch(t, &probe, String::new(), Some(lineno), ctx, formats);
                self.sticky = claimed.filter(|i| i.detects_from_top_level());
            }
            Err(e) => ctx.diag(
                Diagnostic::file(
                    Level::Warning,
                    Code::BadRecord,
                    ctx.file,
                    format!(
                        "line skipped: not a complete JSON value ({})",
                        super::util::error_text(&e)
                    ),
                )
                .at(lineno, Some(e.column() as u64)),
            ),
        }
    }
}

#[derive(Deserialize)]
struct ListWrapper<'a> {
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
}

/// Hand one document to its ingestor; unwrap `List`s and unclaimed arrays item by item.
/// Returns the ingestor that claimed the document itself, if one did.
fn dispatch(
    text: &str,
    probe: &Probe,
    pointer: String,
    line: Option<u64>,
    ctx: &mut FileCtx<'_>,
    formats: &mut BTreeSet<Format>,
) -> Option<&'static dyn Ingestor> {
    if let Some(ingestor) = detect(probe) {
        formats.insert(ingestor.format());
        let doc = Doc {
            text,
            probe,
            pointer,
            line,
        };
        ingestor.ingest(&doc, ctx);
        return Some(ingestor);
    }
    let is_list = probe.is_object
        && probe.has("items")
        && matches!(probe.str("kind"), Some(k) if k.ends_with("List"));
    if is_list {
        let Ok(list) = serde_json::from_str::<ListWrapper<'_>>(text) else {
            return None;
        };
        for (i, item) in list.items.unwrap_or_default().into_iter().enumerate() {
            if let Ok(p) = Probe::of(item.get()) {
                dispatch(
                    item.get(),
                    &p,
                    format!("{pointer}/items/{i}"),
                    line,
                    ctx,
                    formats,
                );
            }
        }
        return None;
    }
    if probe.is_array && probe.first.is_some() {
        let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(text) else {
            return None;
        };
        for (i, item) in items.into_iter().enumerate() {
            if let Ok(p) = Probe::of(item.get()) {
                dispatch(item.get(), &p, format!("{pointer}/{i}"), line, ctx, formats);
            }
        }
        return None;
    }
    let (hint, missing) = closest_format(probe);
    let (code, message) = if probe.is_array && probe.len == 0 {
        // What `az … list` prints when it finds nothing: it names no resource, so it
        // cannot stand for "nothing configured" on any particular one.
        (
            Code::Empty,
            "empty JSON array: no records, and no resource named (a `list` command that \
             found nothing prints [], which cannot show what it was asked about)"
                .to_string(),
        )
    } else {
        (Code::UnknownFormat, String::new())
    };
    let mut d = Diagnostic::file(
        Level::Warning,
        code,
        ctx.file,
        match hint {
            _ if !message.is_empty() => message,
            Some(f) => {
                format!("unsupported JSON shape; closest format is {f}, but it lacks {missing}")
            }
            None => "unsupported JSON shape: no supported format matches its keys".to_string(),
        },
    );
    d.line = line.or_else(|| ctx.offset_of(text).map(|o| ctx.line_at(o)));
    d.pointer = Some(pointer).filter(|p| !p.is_empty());
    ctx.diag(d);
    None
}

fn closest_format(probe: &Probe) -> (Option<Format>, String) {
    let mut best: Option<(usize, Format, Vec<&str>)> = None;
    for ingestor in super::REGISTRY {
        let (format, keys) = (ingestor.format(), ingestor.info().signature);
        let present = keys.iter().filter(|k| probe.has(k)).count();
        if present == 0 {
            continue;
        }
        let missing: Vec<&str> = keys.iter().copied().filter(|k| !probe.has(k)).collect();
        if best.as_ref().is_none_or(|b| present > b.0) {
            best = Some((present, format, missing));
        }
    }
    match best {
        Some((_, f, missing)) => (
            Some(f),
            if missing.is_empty() {
                "the values its detection rule requires".to_string()
            } else {
                format!("the field(s) {}", missing.join(", "))
            },
        ),
        None => (None, String::new()),
    }
}
