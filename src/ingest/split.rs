//! Splitting a decoded file into JSON documents (one value, JSON Lines, concatenated
//! JSON, `List` wrappers, bare arrays) and handing each to the ingestor that claims it;
//! documents no format claims get a diagnostic naming the closest format.

use super::{detect, Doc, FileCtx, Ingestor, Probe};
use crate::diag::{Code, Diagnostic, Level};
use crate::model::Format;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeSet;

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
    /// the next line is first offered to it unprobed (`Ingestor::ingest_line`), then
    /// with the cheaper top-level probe.
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
        if let Some(ingestor) = self.sticky {
            // Only an object can be a line of these formats (a struct would also read
            // from an array).
            if t.starts_with('{') {
                let unprobed = Doc {
                    text: t,
                    probe: &Probe::default(),
                    pointer: String::new(),
                    line: Some(lineno),
                };
                if ingestor.ingest_line(&unprobed, ctx) {
                    return;
                }
            }
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

#[cfg(test)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::Record;
    use std::num::NonZeroU64;

    /// Reads `lines` as one JSON Lines file, and each line as a file of its own, and
    /// checks they agree: after the first line claims the file, later lines are offered
    /// to its format without a probe (`Ingestor::ingest_line`), and must read exactly
    /// as a line that is probed and detected does. Returns the records and the lines
    /// with a diagnostic.
    fn read_as_alone(lines: &[&str]) -> (Vec<Record>, Vec<u64>) {
        let opts = IngestOptions::default();
        let (whole_summary, whole) = ingest_bytes("f.jsonl", lines.join("\n").as_bytes(), &opts);
        let mut alone = Vec::new();
        let mut alone_diags = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let lineno = i as u64 + 1;
            let (s, recs) = ingest_bytes("f.jsonl", line.as_bytes(), &opts);
            alone.extend(recs.into_iter().map(|mut r| {
                r.provenance.line = NonZeroU64::new(lineno);
                r
            }));
            alone_diags.extend(
                s.diagnostics
                    .iter()
                    .filter(|d| d.line.is_some())
                    .map(|d| (lineno, d.column, d.message.clone())),
            );
        }
        let whole_diags: Vec<_> = whole_summary
            .diagnostics
            .iter()
            .filter_map(|d| Some((d.line?, d.column, d.message.clone())))
            .collect();
        assert_eq!(whole, alone);
        assert_eq!(whole_diags, alone_diags);
        (whole, whole_diags.iter().map(|d| d.0).collect())
    }

    #[test]
    fn falco_lines_read_without_a_probe_read_as_probed_lines_do() {
        let (recs, diagnosed) = read_as_alone(&[
            r#"{"rule":"A","priority":"Error","time":"2026-10-01T10:00:00Z","output_fields":{"k8s.ns.name":"shop","k8s.pod.name":"web-1"}}"#,
            // Escaped strings, and the keys in another order.
            r#"{"time":"2026-10-01T10:00:01Z","priority":"Notic\u0065","rule":"B \"quoted\"","hostname":"node\u002d1"}"#,
            // A null priority: the shortcut declines, the probe still sees the key.
            r#"{"rule":"C","priority":null,"time":"2026-10-01T10:00:02Z"}"#,
            // Wrong types: one diagnostic, from the probed path.
            r#"{"rule":"D","priority":"Error","time":"2026-10-01T10:00:03Z","hostname":5}"#,
            r#"{"rule":"E","priority":7,"time":"2026-10-01T10:00:04Z"}"#,
        ]);
        let checks: Vec<&str> = recs.iter().map(|r| &*r.check).collect();
        assert_eq!(checks, ["A", "B \"quoted\"", "C"]);
        assert_eq!(diagnosed, [4, 5]);
    }

    #[test]
    fn audit_lines_read_without_a_probe_read_as_probed_lines_do() {
        let event = |extra: &str, day: u32| {
            format!(
                r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a{day}","stage":"ResponseComplete","verb":"create","user":{{"username":"bob"}},"objectRef":{{"resource":"pods","namespace":"shop","name":"web"}},"responseStatus":{{"code":201}},"requestReceivedTimestamp":"2026-10-{day:02}T10:00:00Z","stageTimestamp":"2026-10-{day:02}T10:00:01Z"{extra}}}"#
            )
        };
        let lines = [
            event("", 1),
            event(
                r#","annotations":{"authorization.k8s.io/decision":"allow"}"#,
                2,
            ),
            // `kind` escaped: still an Event.
            event("", 3).replace(r#""kind":"Event""#, r#""kind":"Ev\u0065nt""#),
            // A null stage: the shortcut declines, the probe still sees the key.
            event("", 4).replace(r#""stage":"ResponseComplete""#, r#""stage":null"#),
            // Not an Event: neither path reads it as one.
            event("", 5).replace(r#""kind":"Event""#, r#""kind":"EventList""#),
            // A wrong type: one diagnostic, from the probed path.
            event(r#","verb":5"#, 6).replace(r#""verb":"create","#, ""),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (recs, diagnosed) = read_as_alone(&lines);
        let days: std::collections::BTreeSet<u32> = recs
            .iter()
            .filter_map(|r| r.observed_at)
            .map(|t| chrono::Datelike::day(&t))
            .collect();
        assert_eq!(days, [1, 2, 3, 4].into(), "the EventList line is no event");
        // The EventList line is reported as unreadable, the wrong type as invalid.
        assert_eq!(diagnosed, [5, 6]);
    }
}
