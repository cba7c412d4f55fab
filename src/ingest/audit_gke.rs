//! GKE audit logs as Cloud Logging stores them (`gcloud logging read --format json`, a
//! log sink to Cloud Storage or Pub/Sub): one `LogEntry` per Kubernetes request, with
//! an `AuditLog` in `protoPayload` (`serviceName` `k8s.io`). This module owns only the
//! translation back to the Kubernetes audit event that `k8s_audit` reads:
//!
//! * `methodName` (`io.k8s.core.v1.pods.exec.create`) gives the verb (its last part)
//!   and `resourceName` (`core/v1/namespaces/shop/pods/web-1/exec`) the object;
//! * `authenticationInfo.principalEmail` is the user (GKE records no groups);
//! * `status.code`, a `google.rpc.Code`, maps to the HTTP status the API server
//!   answered (`PERMISSION_DENIED` 403, `INVALID_ARGUMENT` 400, …); a request that
//!   succeeded has no HTTP code in the entry, and none is invented;
//! * `request` / `response` are the bodies, the entry's `labels` the event's
//!   annotations, `operation.id` (else `insertId`) its audit id, `timestamp` its time;
//! * `resource.labels.cluster_name` is the cluster.

use super::audit_envelope::emit_inner;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{Channel, Format, FormatInfo, Text};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The GKE audit-log ingestor.
pub struct GkeAudit;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "gke-audit",
    name: "GKE audit log (Cloud Logging LogEntry)",
    tested: "the documented Cloud Logging LogEntry with a k8s.io AuditLog protoPayload (gcloud logging read --format json, log sinks), around real audit events; no real sample",
    detection: "protoPayload with serviceName k8s.io or a methodName starting io.k8s.",
    signature: &["protoPayload", "resource", "logName", "timestamp", "insertId"],
    channel: Channel::AuditLog,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for GkeAudit {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        let Some(p) = probe.child("protoPayload") else {
            return false;
        };
        probe.is_object
            && (p.str("serviceName") == Some("k8s.io")
                || p.str("methodName")
                    .is_some_and(|m| m.starts_with("io.k8s.")))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(entry) = doc.parse::<RawEntry<'_>>(ctx) else {
            return;
        };
        let cluster = entry
            .resource
            .as_ref()
            .and_then(|r| r.labels.as_ref())
            .and_then(|l| l.get("cluster_name"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(Text::from);
        let event = to_event(entry).to_string();
        // The entry as a whole is the event (its annotations are the entry's labels).
        emit_inner(doc, ctx, FORMAT, &event, doc.text, String::new(), cluster);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry<'a> {
    #[serde(borrow, default)]
    proto_payload: Option<RawPayload<'a>>,
    #[serde(default)]
    resource: Option<RawResource>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    insert_id: Option<String>,
    #[serde(default)]
    operation: Option<RawOperation>,
    #[serde(default)]
    labels: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPayload<'a> {
    #[serde(default)]
    method_name: Option<String>,
    #[serde(default)]
    resource_name: Option<String>,
    #[serde(default)]
    authentication_info: Option<RawAuthentication>,
    #[serde(default)]
    status: Option<RawStatus>,
    #[serde(borrow, default)]
    request: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthentication {
    #[serde(default)]
    principal_email: Option<String>,
}

#[derive(Deserialize)]
struct RawStatus {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct RawResource {
    #[serde(default)]
    labels: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
struct RawOperation {
    #[serde(default)]
    id: Option<String>,
}

/// The HTTP status behind a `google.rpc.Code` (as Google's API design guide maps
/// them); `None` for OK and unknown codes.
fn http_status(code: i64) -> Option<i64> {
    Some(match code {
        1 => 499,
        2 | 13 | 15 => 500,
        3 | 9 | 11 => 400,
        4 => 504,
        5 => 404,
        6 | 10 => 409,
        7 => 403,
        8 => 429,
        12 => 501,
        14 => 503,
        16 => 401,
        _ => return None,
    })
}

/// `objectRef` from a resource name `<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<sub>]]`.
fn object_ref(resource_name: &str, method: &str) -> Map<String, Value> {
    let segs: Vec<&str> = resource_name.split('/').filter(|s| !s.is_empty()).collect();
    let rest = segs.get(2..).unwrap_or_default();
    let (namespace, rest) = match rest {
        ["namespaces", ns, tail @ ..] if !tail.is_empty() => (Some(*ns), tail),
        _ => (None, rest),
    };
    let mut o = Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            o.insert(k.into(), Value::from(v));
        }
    };
    put("resource", rest.first().copied());
    put("namespace", namespace);
    put("name", rest.get(1).copied());
    // The subresource, from the name or else from the method (`….pods.exec.create`).
    let parts: Vec<&str> = method.split('.').collect();
    let from_method = match parts.as_slice() {
        [.., resource, sub, _verb] if rest.first() == Some(resource) => Some(*sub),
        _ => None,
    };
    put("subresource", rest.get(2).copied().or(from_method));
    if let Some(group) = segs.first().filter(|g| **g != "core") {
        put("apiGroup", Some(group));
    }
    put("apiVersion", segs.get(1).copied());
    o
}

fn to_event(entry: RawEntry<'_>) -> Value {
    let p = entry.proto_payload;
    let method = p
        .as_ref()
        .and_then(|p| p.method_name.clone())
        .unwrap_or_default();
    let verb = method.rsplit('.').next().unwrap_or_default().to_string();
    let resource_name = p
        .as_ref()
        .and_then(|p| p.resource_name.clone())
        .unwrap_or_default();
    let mut ev = json!({
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "stage": "ResponseComplete",
        "verb": verb,
        "objectRef": object_ref(&resource_name, &method),
    });
    let Value::Object(o) = &mut ev else {
        return ev;
    };
    let id = entry
        .operation
        .and_then(|op| op.id)
        .or(entry.insert_id)
        .unwrap_or_default();
    o.insert("auditID".into(), Value::from(id));
    if let Some(user) = p
        .as_ref()
        .and_then(|p| p.authentication_info.as_ref())
        .and_then(|a| a.principal_email.clone())
    {
        o.insert("user".into(), json!({ "username": user }));
    }
    let mut status = Map::new();
    if let Some(s) = p.as_ref().and_then(|p| p.status.as_ref()) {
        if let Some(code) = s.code.and_then(http_status) {
            status.insert("code".into(), Value::from(code));
        }
        if let Some(m) = s.message.clone().filter(|m| !m.is_empty()) {
            status.insert("message".into(), Value::from(m));
        }
    }
    o.insert("responseStatus".into(), Value::Object(status));
    let body =
        |raw: Option<&RawValue>| raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok());
    if let Some(b) = body(p.as_ref().and_then(|p| p.request)) {
        o.insert("requestObject".into(), b);
    }
    if let Some(b) = body(p.as_ref().and_then(|p| p.response)) {
        o.insert("responseObject".into(), b);
    }
    if let Some(t) = entry.timestamp {
        o.insert("stageTimestamp".into(), Value::from(t));
    }
    let annotations: Map<String, Value> = entry
        .labels
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| v.is_string())
        .collect();
    o.insert("annotations".into(), Value::Object(annotations));
    ev
}

#[cfg(test)]
#[path = "audit_gke_tests.rs"]
mod tests;
