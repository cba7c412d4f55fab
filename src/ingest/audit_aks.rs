//! Azure Kubernetes Service audit logs as Azure delivers them, unwrapped to the
//! Kubernetes audit events `k8s_audit` reads (this module owns only the unwrapping):
//!
//! * diagnostic-settings records of the categories `kube-audit` and `kube-audit-admin`,
//!   with the event as a JSON string in `properties.log`: storage-account blobs (one
//!   record per line) and Event Hub messages (`{"records": [...]}`, where records of
//!   other categories are skipped with one note);
//! * Log Analytics rows as `az monitor log-analytics query` prints them: the
//!   `AzureDiagnostics` table (`Category`, the event as a string in `log_s`) and the
//!   resource-specific `AKSAudit` / `AKSAuditAdmin` tables (`AuditId`, `Verb`, `User`,
//!   `ObjectRef`, … columns, where dynamic columns may come as JSON text).
//!
//! The cluster is the last segment of the record's `…/managedClusters/<name>` resource
//! id, lower-cased: Azure upper-cases resource ids in diagnostic records, and AKS
//! cluster names are compared without regard to case.

use super::audit_envelope::{emit_inner, event_text, note_skipped, segment_after};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{Channel, Format, FormatInfo, Text};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The AKS audit-log ingestor.
pub struct AksAudit;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "aks-audit",
    name: "AKS audit log (diagnostic settings, Log Analytics)",
    tested: "shapes from Azure documentation around real audit events (no real envelope sample): diagnostic-settings records (kube-audit, kube-audit-admin) one per line or in {records}; Log Analytics AzureDiagnostics (log_s) and AKSAudit/AKSAuditAdmin rows (az monitor log-analytics query)",
    detection: "records[] of diagnostic records, a record with category kube-audit*, a row with Category kube-audit* and log_s, or a row with AuditId and Verb",
    signature: &["records", "category", "resourceId", "properties", "Category", "log_s", "AuditId", "Verb"],
    channel: Channel::AuditLog,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

fn is_audit_category(c: Option<&str>) -> bool {
    c.is_some_and(|c| {
        c.eq_ignore_ascii_case("kube-audit") || c.eq_ignore_ascii_case("kube-audit-admin")
    })
}

fn is_managed_cluster(id: Option<&str>) -> bool {
    id.is_some_and(|id| segment_after(id, "managedClusters").is_some())
}

impl Ingestor for AksAudit {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detects_from_top_level(&self) -> bool {
        // One record per line (storage blobs): category and properties are top-level.
        true
    }

    fn detect(&self, probe: &Probe) -> bool {
        if !probe.is_object {
            return false;
        }
        if let Some(first) = probe.first_of("records") {
            return is_audit_category(first.str("category"))
                || (first.has("category") && is_managed_cluster(first.str("resourceId")));
        }
        (is_audit_category(probe.str("category")) && probe.has("properties"))
            || (is_audit_category(probe.str("Category")) && probe.has("log_s"))
            || (probe.has("AuditId")
                && probe.has("Verb")
                && probe
                    .str("Type")
                    .is_none_or(|t| t.to_ascii_lowercase().starts_with("aksaudit")))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if doc.probe.has("records") {
            batch(doc, ctx);
        } else if doc.probe.has("AuditId") {
            audit_row(doc, ctx);
        } else if doc.probe.has("log_s") {
            diagnostics_row(doc, ctx);
        } else if let Some(r) = doc.parse::<RawRecord<'_>>(ctx) {
            record(doc, ctx, &r, doc.text, "");
        }
    }
}

#[derive(Deserialize)]
struct RawBatch<'a> {
    #[serde(borrow, default)]
    records: Option<Vec<&'a RawValue>>,
}

/// One diagnostic-settings record.
#[derive(Deserialize)]
struct RawRecord<'a> {
    #[serde(default)]
    category: Option<String>,
    #[serde(rename = "resourceId", default)]
    resource_id: Option<String>,
    #[serde(borrow, default)]
    properties: Option<RawProperties<'a>>,
}

#[derive(Deserialize)]
struct RawProperties<'a> {
    /// The event as a JSON string (an object is accepted too).
    #[serde(borrow, default)]
    log: Option<&'a RawValue>,
}

/// A Log Analytics `AzureDiagnostics` row.
#[derive(Deserialize)]
struct RawDiagnosticsRow<'a> {
    #[serde(rename = "ResourceId", default)]
    resource_id: Option<String>,
    #[serde(rename = "_ResourceId", default)]
    resource_id_lower: Option<String>,
    #[serde(rename = "log_s", borrow, default)]
    log: Option<&'a RawValue>,
}

/// The cluster named by a resource id, lower-cased.
fn cluster_of(id: Option<&str>) -> Option<Text> {
    id.and_then(|id| segment_after(id, "managedClusters"))
        .map(|n| Text::from(n.to_ascii_lowercase()))
}

fn batch<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(b) = doc.parse::<RawBatch<'a>>(ctx) else {
        return;
    };
    let mut other = 0;
    for (i, raw) in b.records.unwrap_or_default().into_iter().enumerate() {
        let ptr = format!("/records/{i}");
        let Some(r) = doc.parse_raw::<RawRecord<'a>>(ctx, raw, &ptr) else {
            continue;
        };
        if !is_audit_category(r.category.as_deref()) {
            other += 1;
            continue;
        }
        record(doc, ctx, &r, raw.get(), &ptr);
    }
    note_skipped(doc, ctx, other, "records of other categories");
}

/// One `kube-audit` record at `pointer` (`slice`: its text in the file).
fn record(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, r: &RawRecord<'_>, slice: &str, pointer: &str) {
    let ptr = format!("{pointer}/properties/log");
    let Some(event) = r
        .properties
        .as_ref()
        .and_then(|p| p.log)
        .and_then(event_text)
    else {
        missing(doc, ctx, slice, &ptr);
        return;
    };
    let cluster = cluster_of(r.resource_id.as_deref());
    emit_inner(doc, ctx, FORMAT, &event, slice, ptr, cluster);
}

fn missing(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, slice: &str, ptr: &str) {
    let line = doc.line_of(ctx, slice);
    ctx.warn(
        crate::diag::Code::BadRecord,
        line,
        Some(format!("{}{ptr}", doc.pointer)),
        "record skipped: it carries no audit event",
    );
}

fn diagnostics_row(doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
    let Some(row) = doc.parse::<RawDiagnosticsRow<'_>>(ctx) else {
        return;
    };
    let Some(event) = row.log.and_then(event_text) else {
        missing(doc, ctx, doc.text, "/log_s");
        return;
    };
    let id = row
        .resource_id_lower
        .as_deref()
        .or(row.resource_id.as_deref());
    emit_inner(
        doc,
        ctx,
        FORMAT,
        &event,
        doc.text,
        "/log_s".into(),
        cluster_of(id),
    );
}

/// The columns of an `AKSAudit` row and the audit-event field each one holds.
const AUDIT_COLUMNS: &[(&str, &str)] = &[
    ("Level", "level"),
    ("AuditId", "auditID"),
    ("Stage", "stage"),
    ("RequestUri", "requestURI"),
    ("Verb", "verb"),
    ("User", "user"),
    ("ImpersonatedUser", "impersonatedUser"),
    ("SourceIps", "sourceIPs"),
    ("UserAgent", "userAgent"),
    ("ObjectRef", "objectRef"),
    ("ResponseStatus", "responseStatus"),
    ("RequestObject", "requestObject"),
    ("ResponseObject", "responseObject"),
    ("RequestReceivedTime", "requestReceivedTimestamp"),
    ("StageReceivedTime", "stageTimestamp"),
    ("Annotations", "annotations"),
];

/// Columns of type `dynamic`: Log Analytics may print them as JSON text.
const DYNAMIC: &[&str] = &[
    "User",
    "ImpersonatedUser",
    "SourceIps",
    "ObjectRef",
    "ResponseStatus",
    "RequestObject",
    "ResponseObject",
    "Annotations",
];

/// An `AKSAudit` / `AKSAuditAdmin` row, turned back into the audit event it came from.
fn audit_row(doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
    let Some(row) = doc.parse::<Map<String, Value>>(ctx) else {
        return;
    };
    let mut event = Map::new();
    event.insert("kind".into(), Value::from("Event"));
    event.insert("apiVersion".into(), Value::from("audit.k8s.io/v1"));
    for (column, field) in AUDIT_COLUMNS {
        let Some(v) = row.get(*column).filter(|v| !v.is_null()) else {
            continue;
        };
        let v = match v {
            Value::String(s) if DYNAMIC.contains(column) => {
                let t = s.trim_start();
                if t.starts_with('{') || t.starts_with('[') {
                    serde_json::from_str(t).unwrap_or_else(|_| v.clone())
                } else {
                    v.clone()
                }
            }
            _ => v.clone(),
        };
        event.insert((*field).into(), v);
    }
    let id = ["_ResourceId", "ResourceId"]
        .iter()
        .find_map(|k| row.get(*k).and_then(Value::as_str));
    let text = Value::Object(event).to_string();
    emit_inner(
        doc,
        ctx,
        FORMAT,
        &text,
        doc.text,
        String::new(),
        cluster_of(id),
    );
}

#[cfg(test)]
#[path = "audit_aks_tests.rs"]
mod tests;
