//! What the cloud audit-log envelopes (`audit_aks`, `audit_gke`, `audit_eks`) share:
//! reading an audit event the envelope carries as a JSON string (or as an object),
//! handing it to `k8s_audit::emit_event` with the place of the inner event, and the
//! one note a document gets for the log lines it carried that are not audit events.

use super::k8s_audit::{emit_event, EventAt, RawEvent};
use super::util::error_text;
use super::{Doc, FileCtx};
use crate::diag::{Code, Diagnostic, Level};
use crate::model::{Format, Text};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The text of an audit event held by `raw`: the content of a JSON string, or the
/// object itself. `None` for any other JSON value.
pub(super) fn event_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let t = raw.get().trim_start();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).ok().map(Cow::Owned)
    } else if t.starts_with('{') {
        Some(Cow::Borrowed(raw.get()))
    } else {
        None
    }
}

/// Whether a log line is an audit event at all (envelopes also carry other logs of the
/// control plane): a JSON object naming `"kind":"Event"` and an `auditID`.
pub(super) fn looks_like_event(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('{') && t.contains("\"auditID\"") && t.contains("\"Event\"")
}

/// Parse one audit event found at `pointer` (inside the envelope record `slice`) and
/// emit its records as `format`, about `cluster`. An event that does not parse costs
/// one diagnostic at the record's line.
#[allow(clippy::too_many_arguments)]
pub(super) fn emit_inner(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    format: Format,
    event: &str,
    slice: &str,
    pointer: String,
    cluster: Option<Text>,
) {
    match serde_json::from_str::<RawEvent<'_>>(event) {
        Ok(ev) => {
            let at = EventAt {
                slice,
                pointer,
                cluster,
            };
            emit_event(doc, ctx, format, ev, &at);
        }
        Err(e) => {
            let line = doc.line_of(ctx, slice);
            ctx.warn(
                Code::BadRecord,
                line,
                Some(format!("{}{pointer}", doc.pointer)),
                format!("record skipped: its audit event: {}", error_text(&e)),
            );
        }
    }
}

/// One note per document for the log lines it carried that were not audit events
/// (other control-plane logs shipped through the same pipe).
pub(super) fn note_skipped(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, skipped: usize, what: &str) {
    if skipped == 0 {
        return;
    }
    let mut d = Diagnostic::file(
        Level::Note,
        Code::Suspicious,
        ctx.file,
        format!("{skipped} {what} that are not Kubernetes audit events were not read"),
    );
    d.line = doc.line_of(ctx, doc.text);
    d.pointer = Some(doc.pointer.clone()).filter(|p| !p.is_empty());
    ctx.diag(d);
}

/// The segment after `marker` in a path-like identifier, case-insensitively
/// (`…/managedClusters/<name>`, `/aws/eks/<name>/cluster`).
pub(super) fn segment_after<'s>(id: &'s str, marker: &str) -> Option<&'s str> {
    let mut parts = id.split('/');
    parts.find(|p| p.eq_ignore_ascii_case(marker))?;
    parts.next().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_event_texts() {
        let id = "/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-PROD";
        assert_eq!(segment_after(id, "managedClusters"), Some("AKS-PROD"));
        assert_eq!(segment_after("/aws/eks/prod/cluster", "eks"), Some("prod"));
        assert_eq!(segment_after("/aws/eks/", "eks"), None);
        let raw = serde_json::from_str::<&RawValue>(r#""{\"kind\":\"Event\"}""#).unwrap();
        assert_eq!(event_text(raw).as_deref(), Some(r#"{"kind":"Event"}"#));
        let raw = serde_json::from_str::<&RawValue>("12").unwrap();
        assert!(event_text(raw).is_none());
        assert!(looks_like_event(r#"{"kind":"Event","auditID":"a"}"#));
        assert!(!looks_like_event("I1105 20:21:10 apiserver started"));
    }
}
