//! Falco alerts (`json_output: true`), JSON Lines or pretty-printed, every version since 0.2x.
//!
//! One record per alert: kind `alert`, check = rule name, severity from `priority`.
//! The internal rules (`Falco internal: metrics snapshot`) become `heartbeat` records.
//! Command lines and the rendered `output` are redacted before they are kept.

use super::lent::Lent;
use super::util::{from_epoch_nanos, parse_time};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{
    Channel, Format, FormatInfo, ImageRef, Sensor, Severity, Shared, Subject, Text,
};
use serde::Deserialize;
use std::borrow::Cow;

/// The Falco ingestor.
pub struct Falco;

/// An alert; strings borrow from the line when they have no escapes.
#[derive(Deserialize)]
struct RawAlert<'a> {
    #[serde(borrow)]
    rule: Cow<'a, str>,
    #[serde(default, borrow)]
    priority: Option<Lent<'a>>,
    #[serde(default, borrow)]
    time: Option<Lent<'a>>,
    #[serde(default, borrow)]
    output: Option<Lent<'a>>,
    #[serde(default, borrow)]
    source: Option<Lent<'a>>,
    #[serde(default, borrow)]
    tags: Option<Vec<Lent<'a>>>,
    #[serde(default, borrow)]
    hostname: Option<Lent<'a>>,
    #[serde(default, borrow)]
    output_fields: Option<OutputFields<'a>>,
}

/// The `output_fields` muster reads (the others are skipped unparsed).
#[derive(Deserialize, Default)]
struct OutputFields<'a> {
    #[serde(rename = "evt.time", default, borrow)]
    evt_time: Field<'a>,
    #[serde(rename = "evt.time.iso8601", default, borrow)]
    evt_time_iso: Field<'a>,
    #[serde(rename = "k8s.ns.name", default, borrow)]
    namespace: Field<'a>,
    #[serde(rename = "k8s.pod.name", default, borrow)]
    pod: Field<'a>,
    #[serde(rename = "container.name", default, borrow)]
    container: Field<'a>,
    #[serde(rename = "container.image.repository", default, borrow)]
    image_repository: Field<'a>,
    #[serde(rename = "container.image.tag", default, borrow)]
    image_tag: Field<'a>,
    #[serde(rename = "container.image.digest", default, borrow)]
    image_digest: Field<'a>,
    #[serde(rename = "container.image", default, borrow)]
    image: Field<'a>,
    #[serde(rename = "proc.cmdline", default, borrow)]
    cmdline: Field<'a>,
    #[serde(rename = "user.name", default, borrow)]
    user: Field<'a>,
}

/// One output field as text: a string, a number, or the first string of an array;
/// empty strings and `<NA>` are absent. A number is kept as read and written out only
/// when its text is asked for (`evt.time` is on every alert and read only as a fallback).
#[derive(Default)]
enum Field<'a> {
    #[default]
    Absent,
    Str(Cow<'a, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl<'a> Field<'a> {
    fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Field::Absent => None,
            Field::Str(s) => Some(Cow::Borrowed(&**s)).filter(|s| !s.is_empty() && s != "<NA>"),
            Field::Int(v) => Some(Cow::Owned(v.to_string())),
            Field::UInt(v) => Some(Cow::Owned(v.to_string())),
            Field::Float(v) => Some(Cow::Owned(v.to_string())),
        }
    }

    /// The field read as an integer (`evt.time`): `None` when the field is absent,
    /// `Some(None)` when its text is not an `i64`.
    fn integer(&self) -> Option<Option<i64>> {
        match self {
            Field::Int(v) => Some(Some(*v)),
            Field::UInt(v) => Some(i64::try_from(*v).ok()),
            _ => self.text().map(|t| t.parse::<i64>().ok()),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> serde::de::Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, number or list")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Field<'de>, E> {
        Ok(Field::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Field<'de>, E> {
        Ok(Field::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Field<'de>, E> {
        Ok(Field::Float(v))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Field<'de>, E> {
        Ok(Field::Absent)
    }
    fn visit_unit<E>(self) -> Result<Field<'de>, E> {
        Ok(Field::Absent)
    }
    /// A list field (`proc.aname[2]` style): its first string.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Field<'de>, A::Error> {
        let first = seq.next_element::<serde_json::Value>()?;
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(first
            .and_then(|v| v.as_str().map(|s| Field::Str(Cow::Owned(s.to_string()))))
            .unwrap_or_default())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Field<'de>, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Field::Absent)
    }
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "falco",
    name: "Falco alerts (json_output)",
    tested: "Falco 0.2x (no source/tags/hostname), 0.30–0.39",
    detection: "object with rule, priority and time",
    signature: &["rule", "priority", "time", "output", "output_fields"],
    channel: Channel::RuntimeSensor(Sensor::Falco),
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

/// The tool every alert names, and the kind of the pods they are about.
const TOOL: Text = Text::literal(arcstr::literal!("falco"));

impl Ingestor for Falco {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detects_from_top_level(&self) -> bool {
        true
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.has("rule") && probe.has("priority") && probe.has("time")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if let Some(raw) = doc.parse::<RawAlert>(ctx) {
            read(raw, doc, ctx);
        }
    }

    fn ingest_line(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) -> bool {
        // `rule` is required by the parse; `priority` and `time` must be there too.
        match serde_json::from_str::<RawAlert>(doc.text) {
            Ok(raw) if raw.priority.is_some() && raw.time.is_some() => {
                read(raw, doc, ctx);
                true
            }
            _ => false,
        }
    }
}

/// The record one parsed alert makes.
fn read(raw: RawAlert<'_>, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
    let fields = raw.output_fields.unwrap_or_default();
    let observed = raw.time.as_deref().and_then(parse_time).or_else(|| {
        fields
            .evt_time
            .integer()
            .or_else(|| fields.evt_time_iso.integer())
            .flatten()
            .and_then(from_epoch_nanos)
    });
    if let (None, Some(t)) = (
        observed,
        raw.time.as_deref().filter(|t| !t.trim().is_empty()),
    ) {
        let line = doc.line_of(ctx, doc.text);
        ctx.unreadable_time(line, format!("{}/time", doc.pointer), t);
    }
    let origin = ctx.origin(FORMAT).tool(TOOL).observed(observed);
    let priority = raw.priority.unwrap_or_default();
    let severity = severity_of_priority(&priority);
    let subject = subject_of(raw.hostname.as_deref(), &fields, ctx);
    let is_heartbeat = raw.rule.starts_with("Falco internal") && raw.rule.contains("metrics");
    // An alert identical to one already kept only counts there: nothing more is built.
    let key = if is_heartbeat {
        origin.heartbeat_key(&raw.rule, &subject)
    } else {
        origin.alert_key(&raw.rule, severity, &subject)
    };
    if ctx.fold_event(&key) {
        return;
    }
    let mut rec = if is_heartbeat {
        // The metrics snapshot is Falco's own heartbeat; its rule name stays the check id.
        let mut hb = origin.heartbeat(Sensor::Falco);
        hb.check = Text::from(&*raw.rule);
        hb
    } else {
        origin.alert(&*raw.rule, severity, None)
    };
    rec = rec
        .title(&raw.rule)
        .message(raw.output.as_deref().unwrap_or_default());
    rec.subject = subject;
    rec = rec
        .attr("priority", &*priority)
        .attr("source", raw.source.as_deref().unwrap_or_default());
    if rec.keeps_text() {
        rec = rec.attr("tags", raw.tags.unwrap_or_default().join(","));
    }
    if let Some(cmd) = fields.cmdline.text() {
        rec = rec.attr_redacted("cmdline", &cmd);
    }
    if let Some(user) = fields.user.text() {
        rec = rec.attr("user", &*user);
    }
    ctx.emit(rec, &doc.whole());
}

/// The subject of an alert from `hostname`: its node, pod, container and image (built
/// once per file for each distinct set of these fields).
fn subject_of(
    hostname: Option<&str>,
    fields: &OutputFields<'_>,
    ctx: &mut FileCtx<'_>,
) -> Shared<Subject> {
    let node = hostname.filter(|h| !h.is_empty());
    let namespace = fields.namespace.text();
    let pod = fields.pod.text();
    let container = fields.container.text();
    let repository = fields.image_repository.text();
    let tag = fields.image_tag.text();
    let digest = fields.image_digest.text();
    let image = fields.image.text();
    let parts = [
        node,
        namespace.as_deref(),
        pod.as_deref(),
        container.as_deref(),
        repository.as_deref(),
        tag.as_deref(),
        digest.as_deref(),
        image.as_deref(),
    ];
    ctx.subjects.get("falco", &parts, || Subject {
        node: node.map(Text::from),
        namespace: namespace.as_deref().map(Text::from),
        kind: pod.is_some().then_some(crate::model::POD_KIND),
        name: pod.as_deref().map(Text::from),
        container: container.as_deref().map(Text::from),
        image: match repository.as_deref() {
            Some(repo) => ImageRef::from_parts(repo, tag.as_deref(), digest.as_deref()),
            None => image.as_deref().and_then(ImageRef::parse),
        },
        ..Subject::default()
    })
}

/// Falco priorities (`Emergency` … `Debug`) on muster's severity scale.
fn severity_of_priority(priority: &str) -> Severity {
    let priority = priority.trim();
    let any = |names: &[&str]| names.iter().any(|n| priority.eq_ignore_ascii_case(n));
    if any(&["emergency", "alert", "critical"]) {
        Severity::Critical
    } else if any(&["error"]) {
        Severity::High
    } else if any(&["warning"]) {
        Severity::Medium
    } else if any(&["notice"]) {
        Severity::Low
    } else if any(&["informational", "info", "debug"]) {
        Severity::None
    } else {
        Severity::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{RecordKind, Severity};

    #[test]
    fn priorities_map_onto_one_scale() {
        assert_eq!(severity_of_priority("Error"), Severity::High);
        assert_eq!(severity_of_priority("Critical"), Severity::Critical);
        assert_eq!(severity_of_priority("Informational"), Severity::None);
        assert_eq!(severity_of_priority("bogus"), Severity::Unknown);
    }

    const TWO: &str = concat!(
        r#"{"rule":"Terminal shell in container","priority":"Notice","time":"2026-10-01T10:00:00.5Z","hostname":"node-1","source":"syscall","tags":["T1059"],"output_fields":{"k8s.ns.name":"shop","k8s.pod.name":"web-1","container.image.repository":"nginx","container.image.tag":"1.25","proc.cmdline":"bash -c mysql --password=hunter2"}}"#,
        "\n",
        r#"{"rule":"Falco internal: metrics snapshot","priority":"Informational","time":"2026-10-01T10:01:00Z","output_fields":{}}"#,
        "\n"
    );

    #[test]
    fn alerts_and_heartbeats_with_subjects_and_redaction() {
        let (s, recs) = ingest_bytes("falco.jsonl", TWO.as_bytes(), &IngestOptions::default());
        assert_eq!(s.formats, vec![FORMAT]);
        assert_eq!(recs.len(), 2);
        let a = &recs[0];
        assert_eq!(a.kind, RecordKind::Alert);
        assert_eq!(a.severity, Severity::Low);
        assert_eq!(a.subject.namespace.as_deref(), Some("shop"));
        assert_eq!(
            a.subject.image.as_ref().unwrap().tagged(),
            "docker.io/library/nginx:1.25"
        );
        assert_eq!(a.provenance.line.map(u64::from), Some(1));
        assert!(!a.attrs["cmdline"].contains("hunter2"));
        assert_eq!(recs[1].kind, RecordKind::Heartbeat);
        assert_eq!(recs[1].provenance.line.map(u64::from), Some(2));
    }

    /// An alert whose time cannot be read is kept undated, and the file says where.
    #[test]
    fn an_unreadable_alert_time_is_named_at_its_line() {
        let text = TWO.replace("2026-10-01T10:01:00Z", "2026-10-01 at ten");
        let (s, recs) = ingest_bytes("falco.jsonl", text.as_bytes(), &IngestOptions::default());
        assert_eq!(recs.len(), 2);
        assert!(recs[0].observed_at.is_some() && recs[1].observed_at.is_none());
        let d = s
            .diagnostics
            .iter()
            .find(|d| d.message.contains("is not a date"))
            .expect("a diagnostic");
        assert_eq!(
            (d.line, d.pointer.as_deref()),
            (Some(2), Some("/time")),
            "{d}"
        );
    }

    #[test]
    fn lines_of_other_formats_between_alerts_go_to_their_own_parser() {
        // After the first alert, lines are offered to Falco with a top-level probe
        // first; an audit event and an unknown shape must still be told apart.
        let text = format!(
            "{}\n{}\n{}\n{}\n",
            r#"{"rule":"A","priority":"Error","time":"2026-10-01T10:00:00Z","output_fields":{"k8s.ns.name":"shop","evt.time":1}}"#,
            r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"bob"},"objectRef":{"resource":"secrets","namespace":"shop","name":"db"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-10-01T10:00:01Z","stageTimestamp":"2026-10-01T10:00:01Z"}"#,
            r#"{"rule":"B","output_fields":{"k8s.ns.name":"shop"}}"#,
            r#"{"rule":"C","priority":"Notice","time":"2026-10-01T10:00:02Z","output_fields":{"container.image.repository":"nginx","container.image.tag":"1.25","proc.cmdline":"x"}}"#,
        );
        let (s, recs) = ingest_bytes("mixed.jsonl", text.as_bytes(), &IngestOptions::default());
        assert_eq!(s.formats, vec![FORMAT, crate::ingest::k8s_audit::FORMAT]);
        let falco: Vec<_> = recs.iter().filter(|r| r.format == FORMAT).collect();
        assert_eq!(falco.len(), 2, "alerts A and C");
        assert_eq!(falco[0].subject.namespace.as_deref(), Some("shop"));
        assert_eq!(
            falco[1]
                .subject
                .image
                .as_ref()
                .map(|i| i.tagged())
                .as_deref(),
            Some("docker.io/library/nginx:1.25")
        );
        assert!(recs
            .iter()
            .any(|r| r.format == crate::ingest::k8s_audit::FORMAT));
        assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
        assert_eq!(s.diagnostics[0].line, Some(3));
    }

    #[test]
    fn truncated_line_and_wrong_type_cost_one_diagnostic_each() {
        let text = format!(
            "{}\n{}\n{}",
            r#"{"rule":"A","priority":"Error","time":"2026-10-01T10:00:00Z"}"#,
            r#"{"rule":"B","priority":"Error","time":"2026-10-01T10:00:0"#,
            r#"{"rule":["not","a","string"],"priority":"Error","time":"2026-10-01T10:00:00Z"}"#
        );
        let (s, recs) = ingest_bytes("f.jsonl", text.as_bytes(), &IngestOptions::default());
        assert_eq!(recs.len(), 1);
        assert_eq!(s.diagnostics.len(), 2);
        assert_eq!(s.diagnostics[0].line, Some(2));
        assert_eq!(s.diagnostics[1].line, Some(3));
        assert!(s.diagnostics[1].message.contains("invalid type"));
    }

    #[test]
    fn empty_file_is_a_diagnostic_not_a_panic() {
        let (s, recs) = ingest_bytes("e.json", b"", &IngestOptions::default());
        assert!(recs.is_empty());
        assert_eq!(s.diagnostics.len(), 1);
    }

    #[test]
    fn escaped_strings_read_the_same_as_plain_ones() {
        let plain = TWO.lines().next().unwrap_or_default();
        let escaped = crate::ingest::lent::escape_every_e(plain);
        assert_ne!(plain, escaped);
        let opts = IngestOptions::default();
        let (_, from_plain) = ingest_bytes("falco.jsonl", plain.as_bytes(), &opts);
        let (s, from_escaped) = ingest_bytes("falco.jsonl", escaped.as_bytes(), &opts);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(from_plain.len(), 1);
        assert_eq!(from_plain, from_escaped);
        assert_eq!(from_escaped[0].attrs["source"], "syscall");
    }

    #[test]
    fn a_run_without_display_text_keeps_what_decisions_read() {
        let with_text = IngestOptions::default();
        let without = IngestOptions {
            keep_text: false,
            ..IngestOptions::default()
        };
        let (_, full) = ingest_bytes("falco.jsonl", TWO.as_bytes(), &with_text);
        let (_, bare) = ingest_bytes("falco.jsonl", TWO.as_bytes(), &without);
        assert_eq!(full.len(), bare.len());
        for (f, b) in full.iter().zip(&bare) {
            assert_eq!(
                (f.kind, f.outcome, f.severity),
                (b.kind, b.outcome, b.severity)
            );
            assert_eq!(
                (&f.check, &f.title, &f.subject),
                (&b.check, &b.title, &b.subject)
            );
            assert_eq!(
                (f.observed_at, &f.provenance),
                (b.observed_at, &b.provenance)
            );
            assert!(b.message.is_empty() && b.attrs.is_empty());
        }
        let alert = full.iter().find(|r| r.kind == RecordKind::Alert);
        assert!(alert.is_some_and(|a| !a.attrs.is_empty()));
    }
}
