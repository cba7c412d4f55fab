//! The cloud audit-log envelopes (AKS diagnostic settings and Log Analytics, GKE Cloud
//! Logging, EKS CloudWatch Logs) around the real audit events of
//! `../shared/fixtures/k8s-audit` (read in place; skipped when that folder is absent).
//! No real envelope sample with a usable licence exists, so each test wraps the real
//! events the way the cloud documents it, and asserts that the records are the ones
//! the bare events give, but for the cluster, the provenance and the format.

use muster::ingest::source::ingest_bytes;
use muster::ingest::IngestOptions;
use muster::model::{Format, Record, RecordKind};
use serde_json::{json, Value};
use std::path::PathBuf;

/// The real events, compact, one per element (`None`: fixtures absent).
fn events() -> Option<Vec<Value>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/k8s-audit");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let events: Vec<Value> = files
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    assert!(!events.is_empty(), "no audit events in {}", dir.display());
    Some(events)
}

fn ingest(name: &str, text: &str) -> (Vec<Format>, Vec<Record>, usize) {
    let (s, recs) = ingest_bytes(name, text.as_bytes(), &IngestOptions::default());
    (s.formats, recs, s.diagnostics.len())
}

/// The records of the bare events, one per line.
fn bare(events: &[Value]) -> Vec<Record> {
    let text: Vec<String> = events.iter().map(Value::to_string).collect();
    let (formats, recs, diags) = ingest("bare.jsonl", &text.join("\n"));
    assert_eq!(formats, vec![muster::ingest::k8s_audit::FORMAT]);
    assert_eq!(diags, 0);
    recs
}

/// A record with what an envelope adds set aside.
fn unwrapped(r: &Record) -> Record {
    let mut r = r.clone();
    r.subject.cluster = None;
    r.provenance = Default::default();
    r.format = muster::ingest::k8s_audit::FORMAT;
    r
}

/// Assert that `text` (an envelope of `format`) gives the bare events' records, each
/// about `cluster`.
fn same_records(name: &str, text: &str, format: Format, cluster: Option<&str>, events: &[Value]) {
    let (formats, recs, diags) = ingest(name, text);
    assert_eq!(formats, vec![format], "{name}");
    assert_eq!(diags, 0, "{name}");
    assert!(
        recs.iter().all(|r| r.subject.cluster.as_deref() == cluster),
        "{name}: {recs:?}"
    );
    assert!(recs
        .iter()
        .all(|r| r.format == format && r.provenance.line.is_some()));
    let want: Vec<Record> = bare(events).iter().map(unwrapped).collect();
    let got: Vec<Record> = recs.iter().map(unwrapped).collect();
    assert_eq!(got, want, "{name}");
    assert!(recs.iter().any(|r| r.kind == RecordKind::Heartbeat));
}

const AKS_ID: &str = "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-PROD-WEU";

fn aks_record(ev: &Value) -> Value {
    json!({"time": ev["stageTimestamp"], "resourceId": AKS_ID, "category": "kube-audit",
           "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read",
           "properties": {"log": ev.to_string(), "stream": "stdout", "pod": "kube-apiserver-0"}})
}

#[test]
fn aks_envelopes_give_the_records_of_the_events_they_carry() {
    let Some(events) = events() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let format = muster::ingest::audit_aks::FORMAT;
    let cluster = Some("aks-prod-weu");
    let batch = json!({"records": events.iter().map(aks_record).collect::<Vec<_>>()});
    same_records(
        "hub.json",
        &serde_json::to_string_pretty(&batch).unwrap(),
        format,
        cluster,
        &events,
    );
    let lines: Vec<String> = events.iter().map(|e| aks_record(e).to_string()).collect();
    same_records("PT1H.json", &lines.join("\n"), format, cluster, &events);
    let rows: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({"TimeGenerated": e["stageTimestamp"], "Category": "kube-audit",
                        "ResourceId": AKS_ID, "log_s": e.to_string(), "Type": "AzureDiagnostics"})
        })
        .collect();
    same_records(
        "la.json",
        &Value::from(rows).to_string(),
        format,
        cluster,
        &events,
    );
    // The resource-specific table: dynamic columns printed as JSON text.
    let text = |v: &Value| {
        if v.is_null() {
            Value::Null
        } else {
            Value::from(v.to_string())
        }
    };
    let rows: Vec<Value> = events
        .iter()
        .map(|e| json!({"TimeGenerated": e["stageTimestamp"], "Level": e["level"], "AuditId": e["auditID"],
                        "Stage": e["stage"], "RequestUri": e["requestURI"], "Verb": e["verb"],
                        "User": text(&e["user"]), "SourceIps": text(&e["sourceIPs"]), "UserAgent": e["userAgent"],
                        "ObjectRef": text(&e["objectRef"]), "ResponseStatus": text(&e["responseStatus"]),
                        "RequestObject": text(&e["requestObject"]), "ResponseObject": text(&e["responseObject"]),
                        "RequestReceivedTime": e["requestReceivedTimestamp"],
                        "StageReceivedTime": e["stageTimestamp"], "Annotations": text(&e["annotations"]),
                        "Type": "AKSAudit", "_ResourceId": AKS_ID.to_ascii_lowercase()}))
        .collect();
    same_records(
        "aksaudit.json",
        &Value::from(rows).to_string(),
        format,
        cluster,
        &events,
    );
}

#[test]
fn eks_envelopes_give_the_records_of_the_events_they_carry() {
    let Some(events) = events() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let format = muster::ingest::audit_eks::FORMAT;
    let log_events: Vec<Value> = events
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"logStreamName": "kube-apiserver-audit-5f0c", "timestamp": 1_700_000_000_000_i64 + i as i64,
                             "message": e.to_string(), "ingestionTime": 1_700_000_000_900_i64, "eventId": i.to_string()}))
        .collect();
    let filtered = json!({"events": log_events, "searchedLogStreams": []});
    same_records("filter.json", &filtered.to_string(), format, None, &events);
    let payload = json!({"messageType": "DATA_MESSAGE", "owner": "123456789012",
                         "logGroup": "/aws/eks/eks-prod/cluster", "logStream": "kube-apiserver-audit-5f0c",
                         "subscriptionFilters": ["f"],
                         "logEvents": events.iter().enumerate()
                             .map(|(i, e)| json!({"id": i.to_string(), "timestamp": 1, "message": e.to_string()}))
                             .collect::<Vec<_>>()});
    same_records(
        "payload.json",
        &payload.to_string(),
        format,
        Some("eks-prod"),
        &events,
    );
    let rows: Vec<Value> = events
        .iter()
        .map(|e| {
            json!([{"field": "@message", "value": e.to_string()},
                        {"field": "@log", "value": "123456789012:/aws/eks/eks-prod/cluster"}])
        })
        .collect();
    let insights = json!({"results": rows, "statistics": {}, "status": "Complete"});
    same_records(
        "insights.json",
        &insights.to_string(),
        format,
        Some("eks-prod"),
        &events,
    );
}

/// A Cloud Logging entry for an audit event, as GKE writes it: the verb in the method
/// name, the object in the resource name, annotations as labels, no user groups, and
/// the HTTP status as a `google.rpc.Code` (only for failures).
fn gke_entry(e: &Value) -> Value {
    let o = &e["objectRef"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let group = if o["apiGroup"].is_null() {
        "core".to_string()
    } else {
        s(&o["apiGroup"])
    };
    let mut name = format!("{group}/{}", s(&o["apiVersion"]));
    if !o["namespace"].is_null() {
        name.push_str(&format!("/namespaces/{}", s(&o["namespace"])));
    }
    name.push_str(&format!("/{}", s(&o["resource"])));
    if !o["name"].is_null() {
        name.push_str(&format!("/{}", s(&o["name"])));
    }
    let code = e["responseStatus"]["code"].as_i64().unwrap_or(200);
    let rpc = match code {
        400 => json!({"code": 3, "message": e["responseStatus"]["message"]}),
        403 => json!({"code": 7, "message": e["responseStatus"]["message"]}),
        _ => json!({}),
    };
    let method = format!(
        "io.k8s.{}.{}.{}.{}",
        group.replace(".k8s.io", "").replace('.', "-"),
        s(&o["apiVersion"]),
        s(&o["resource"]),
        s(&e["verb"])
    );
    json!({"protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                            "authenticationInfo": {"principalEmail": e["user"]["username"]},
                            "methodName": method, "resourceName": name, "serviceName": "k8s.io",
                            "status": rpc, "request": e["requestObject"], "response": e["responseObject"]},
           "insertId": "i", "resource": {"type": "k8s_cluster", "labels": {"cluster_name": "gke-prod"}},
           "timestamp": e["stageTimestamp"], "operation": {"id": e["auditID"], "producer": "k8s.io"},
           "labels": e["annotations"]})
}

#[test]
fn gke_entries_give_the_records_of_the_events_they_stand_for() {
    let Some(events) = events() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let entries: Vec<String> = events.iter().map(|e| gke_entry(e).to_string()).collect();
    let (formats, recs, diags) = ingest("gke.jsonl", &entries.join("\n"));
    assert_eq!(formats, vec![muster::ingest::audit_gke::FORMAT]);
    assert_eq!(diags, 0);
    assert!(recs
        .iter()
        .all(|r| r.subject.cluster.as_deref() == Some("gke-prod")));
    // GKE keeps no user groups and no HTTP code for a success: the attribute `code`
    // of a success is the one thing that differs (none of these events has groups
    // that decide anything).
    let without_code = |r: &Record| {
        let mut r = unwrapped(r);
        if !r.attrs.get("code").is_some_and(|c| c.starts_with('4')) {
            r.attrs.remove("code");
        }
        r
    };
    let want: Vec<Record> = bare(&events).iter().map(without_code).collect();
    let got: Vec<Record> = recs.iter().map(without_code).collect();
    assert_eq!(got, want);
}
