//! Falco alerts (`json_output: true`), JSON Lines or pretty-printed, every version since 0.2x.
//!
//! One record per alert: kind `alert`, check = rule name, severity from `priority`.
//! The internal rules (`Falco internal: metrics snapshot`) become `heartbeat` records.
//! Command lines and the rendered `output` are redacted before they are kept.

use super::util::{clip, from_epoch_nanos, parse_time};
use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Text;
use crate::model::{Format, ImageRef, Outcome, Record, RecordKind, Severity};
use crate::redact;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The Falco ingestor.
pub struct Falco;

#[derive(Deserialize)]
struct RawAlert {
    rule: String,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    output: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    hostname: Option<String>,
    #[serde(default)]
    output_fields: Option<BTreeMap<String, serde_json::Value>>,
}

fn field_str(fields: &BTreeMap<String, serde_json::Value>, key: &str) -> Option<String> {
    match fields.get(key)? {
        serde_json::Value::String(s) if !s.is_empty() && s != "<NA>" => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Array(a) => a.first().and_then(|v| v.as_str()).map(str::to_string),
        _ => None,
    }
}

impl Ingestor for Falco {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Falco,
            name: "Falco alerts (json_output)",
            tested: "Falco 0.2x (no source/tags/hostname), 0.30–0.39",
            detection: "object with rule, priority and time",
        }
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.has("rule") && probe.has("priority") && probe.has("time")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(raw) = doc.parse::<RawAlert>(ctx) else {
            return;
        };
        let fields = raw.output_fields.unwrap_or_default();
        let observed = raw.time.as_deref().and_then(parse_time).or_else(|| {
            fields
                .get("evt.time")
                .or_else(|| fields.get("evt.time.iso8601"))
                .and_then(|v| v.as_i64())
                .and_then(from_epoch_nanos)
        });
        let is_internal = raw.rule.starts_with("Falco internal");
        let kind = if is_internal && raw.rule.contains("metrics") {
            RecordKind::Heartbeat
        } else {
            RecordKind::Alert
        };
        let priority = raw.priority.unwrap_or_default();
        let mut rec = Record::new(kind, Format::Falco, raw.rule.clone(), Outcome::Fail);
        rec.tool = "falco".to_string().into();
        rec.severity = if kind == RecordKind::Heartbeat {
            Severity::None
        } else {
            Severity::from_falco_priority(&priority)
        };
        rec.outcome = if kind == RecordKind::Heartbeat {
            Outcome::Info
        } else {
            Outcome::Fail
        };
        rec.title = raw.rule.clone().into();
        if let Some(out) = raw.output {
            rec.message = clip(&redact::maybe(&out, ctx.redact), 2000).into();
        }
        rec.observed_at = observed;
        rec.subject.node = (raw.hostname.filter(|h| !h.is_empty())).map(Text::from);
        rec.subject.namespace = (field_str(&fields, "k8s.ns.name")).map(Text::from);
        rec.subject.name = (field_str(&fields, "k8s.pod.name")).map(Text::from);
        if rec.subject.name.is_some() {
            rec.subject.kind = Some("Pod".to_string().into());
        }
        rec.subject.container = (field_str(&fields, "container.name")).map(Text::from);
        let image = match (
            field_str(&fields, "container.image.repository"),
            field_str(&fields, "container.image.tag"),
            field_str(&fields, "container.image.digest"),
        ) {
            (Some(repo), tag, digest) => {
                let mut s = repo;
                if let Some(t) = tag {
                    s = format!("{s}:{t}");
                }
                if let Some(d) = digest {
                    s = format!("{s}@{d}");
                }
                ImageRef::parse(&s)
            }
            _ => field_str(&fields, "container.image").and_then(|s| ImageRef::parse(&s)),
        };
        rec.subject.image = image;
        rec = rec
            .attr("priority", priority)
            .attr("source", raw.source.unwrap_or_default())
            .attr("tags", raw.tags.unwrap_or_default().join(","));
        if let Some(cmd) = field_str(&fields, "proc.cmdline") {
            rec = rec.attr("cmdline", clip(&redact::maybe(&cmd, ctx.redact), 500));
        }
        if let Some(user) = field_str(&fields, "user.name") {
            rec = rec.attr("user", user);
        }
        rec.provenance = doc.provenance(ctx, doc.text, "");
        ctx.records.push(rec);
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Format, RecordKind, Severity};

    const TWO: &str = concat!(
        r#"{"rule":"Terminal shell in container","priority":"Notice","time":"2026-10-01T10:00:00.5Z","hostname":"node-1","source":"syscall","tags":["T1059"],"output_fields":{"k8s.ns.name":"shop","k8s.pod.name":"web-1","container.image.repository":"nginx","container.image.tag":"1.25","proc.cmdline":"bash -c mysql --password=hunter2"}}"#,
        "\n",
        r#"{"rule":"Falco internal: metrics snapshot","priority":"Informational","time":"2026-10-01T10:01:00Z","output_fields":{}}"#,
        "\n"
    );

    #[test]
    fn alerts_and_heartbeats_with_subjects_and_redaction() {
        let (s, recs) = ingest_bytes("falco.jsonl", TWO.as_bytes(), &IngestOptions::default());
        assert_eq!(s.formats, vec![Format::Falco]);
        assert_eq!(recs.len(), 2);
        let a = &recs[0];
        assert_eq!(a.kind, RecordKind::Alert);
        assert_eq!(a.severity, Severity::Low);
        assert_eq!(a.subject.namespace.as_deref(), Some("shop"));
        assert_eq!(
            a.subject.image.as_ref().unwrap().tagged(),
            "docker.io/library/nginx:1.25"
        );
        assert_eq!(a.provenance.line, Some(1));
        assert!(!a.attrs["cmdline"].contains("hunter2"));
        assert_eq!(recs[1].kind, RecordKind::Heartbeat);
        assert_eq!(recs[1].provenance.line, Some(2));
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
}
