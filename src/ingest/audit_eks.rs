//! Amazon EKS audit logs as CloudWatch Logs hands them out, each Kubernetes audit
//! event a JSON string in a log event's `message`. This module owns only the
//! unwrapping; what an event proves is `k8s_audit`'s. Three exports:
//!
//! * `aws logs filter-log-events` (`{"events": [{"logStreamName", "timestamp",
//!   "message", …}]}`, audit streams are named `kube-apiserver-audit-…`) and
//!   `aws logs get-log-events` (`events[]` with `nextForwardToken`, one stream);
//! * subscription-filter payloads (`{"logGroup", "logStream", "logEvents": [...]}`,
//!   as a Lambda, Firehose or Kinesis consumer receives them);
//! * Logs Insights results (`aws logs get-query-results`: `results[]` rows of
//!   `{"field", "value"}` with `@message` and `@log`).
//!
//! The cluster is `<name>` in the log group `/aws/eks/<name>/cluster` when the export
//! names the group (subscription payloads, Insights `@log`); `filter-log-events` does
//! not, so its events name no cluster. Log events that are not audit events (other
//! control-plane logs) are skipped with one note per document.

use super::audit_envelope::{emit_inner, looks_like_event, note_skipped, segment_after};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{Channel, Format, FormatInfo, Text};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The EKS audit-log ingestor.
pub struct EksAudit;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "eks-audit",
    name: "EKS audit log (CloudWatch Logs)",
    tested: "documented shapes around real audit events (no real sample): aws logs filter-log-events and get-log-events, subscription-filter payloads (logEvents), Logs Insights get-query-results (@message, @log)",
    detection: "events[] from kube-apiserver-audit streams (or with nextForwardToken), logEvents[] with logGroup, or results[] rows with @message",
    signature: &["events", "logEvents", "logGroup", "logStream", "searchedLogStreams", "nextForwardToken", "results", "statistics"],
    channel: Channel::AuditLog,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

const AUDIT_STREAM: &str = "kube-apiserver-audit";

impl Ingestor for EksAudit {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        if !probe.is_object {
            return false;
        }
        if let Some(first) = probe.first_of("events") {
            let stream = first.str("logStreamName");
            return first.has("message")
                && (stream.is_some_and(|s| s.starts_with(AUDIT_STREAM))
                    || (stream.is_none() && probe.has("nextForwardToken")));
        }
        if probe.has("logEvents") {
            return probe.has("logGroup") || probe.has("logStream");
        }
        probe
            .first_of("results")
            .and_then(|row| row.first.as_deref())
            .is_some_and(|cell| cell.has("field") && cell.has("value"))
            && probe.has("status")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(x) = doc.parse::<RawExport<'_>>(ctx) else {
            return;
        };
        let group_cluster = cluster_of(x.log_group.as_deref());
        let mut other = 0;
        let mut each =
            |ctx: &mut FileCtx<'_>, raw: &RawValue, ptr: String, cluster: Option<Text>| {
                let Some(e) = doc.parse_raw::<RawLogEvent>(ctx, raw, &ptr) else {
                    return;
                };
                match e.message {
                    Some(m) if looks_like_event(&m) => emit_inner(
                        doc,
                        ctx,
                        FORMAT,
                        &m,
                        raw.get(),
                        format!("{ptr}/message"),
                        cluster,
                    ),
                    _ => other += 1,
                }
            };
        for (i, raw) in x.events.iter().flatten().enumerate() {
            each(ctx, raw, format!("/events/{i}"), None);
        }
        for (i, raw) in x.log_events.iter().flatten().enumerate() {
            each(ctx, raw, format!("/logEvents/{i}"), group_cluster.clone());
        }
        for (i, raw) in x.results.iter().flatten().enumerate() {
            let ptr = format!("/results/{i}");
            let Some(row) = doc.parse_raw::<Vec<RawField>>(ctx, raw, &ptr) else {
                continue;
            };
            let field = |name: &str| {
                row.iter()
                    .position(|f| f.field.as_deref() == Some(name))
                    .and_then(|j| row.get(j).map(|f| (j, f.value.clone())))
            };
            let cluster = field("@log").and_then(|(_, v)| cluster_of(v.as_deref()));
            match field("@message") {
                Some((j, Some(m))) if looks_like_event(&m) => emit_inner(
                    doc,
                    ctx,
                    FORMAT,
                    &m,
                    raw.get(),
                    format!("{ptr}/{j}/value"),
                    cluster,
                ),
                _ => other += 1,
            }
        }
        note_skipped(doc, ctx, other, "log events");
    }
}

/// The cluster named by an EKS log group (`/aws/eks/<name>/cluster`, or Insights'
/// `<account>:/aws/eks/<name>/cluster`).
fn cluster_of(group: Option<&str>) -> Option<Text> {
    group.and_then(|g| segment_after(g, "eks")).map(Text::from)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawExport<'a> {
    #[serde(borrow, default)]
    events: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    log_events: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    log_group: Option<String>,
    #[serde(borrow, default)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawLogEvent {
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct RawField {
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    value: Option<String>,
}

#[cfg(test)]
#[path = "audit_eks_tests.rs"]
mod tests;
