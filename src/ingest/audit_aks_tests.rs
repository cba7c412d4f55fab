//! Tests of the AKS audit-log envelopes (`audit_aks.rs`): documents written here in the
//! shapes Azure documents, around small audit events.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::diag::Level;
use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Record, RecordKind};

const EXEC: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods/web-1/exec?command=sh","verb":"create","user":{"username":"jane@contoso.example","groups":["system:authenticated"]},"objectRef":{"resource":"pods","namespace":"shop","name":"web-1","apiVersion":"v1","subresource":"exec"},"responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":"2026-10-08T10:11:58.002340Z","stageTimestamp":"2026-10-08T10:12:00.100000Z","annotations":{"authorization.k8s.io/decision":"allow"}}"#;
const ANON: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-2","stage":"ResponseComplete","requestURI":"/api/v1/namespaces","verb":"list","user":{"username":"system:anonymous","groups":["system:unauthenticated"]},"objectRef":{"resource":"namespaces","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-05T03:14:27.618004Z","stageTimestamp":"2026-11-05T03:14:27.622000Z","annotations":{"authorization.k8s.io/decision":"allow"}}"#;
const ID: &str = "/SUBSCRIPTIONS/6F1C2A9E/RESOURCEGROUPS/RG-PROD/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-PROD-WEU";

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("aks.json", text.as_bytes(), &IngestOptions::default())
}

/// A diagnostic-settings record carrying `event` as a string.
fn record(category: &str, event: &str) -> String {
    serde_json::json!({
        "time": "2026-10-08T10:12:00.1234567Z",
        "resourceId": ID,
        "category": category,
        "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read",
        "properties": {"log": event, "stream": "stdout", "pod": "kube-apiserver-5d8c7b9f4-x2x9q"}
    })
    .to_string()
}

/// The records of the bare events, and of the wrapped ones with cluster, provenance
/// and format set aside: they must be the same.
fn same_as_bare(wrapped: &[Record], bare_text: &str) {
    let (_, bare) = ingest_bytes(
        "bare.jsonl",
        bare_text.as_bytes(),
        &IngestOptions::default(),
    );
    let strip = |r: &Record| {
        let mut r = r.clone();
        r.subject.cluster = None;
        r.provenance = Default::default();
        r.format = crate::ingest::k8s_audit::FORMAT;
        r
    };
    let a: Vec<Record> = wrapped.iter().map(strip).collect();
    let b: Vec<Record> = bare.iter().map(strip).collect();
    assert_eq!(a, b);
}

#[test]
fn event_hub_batch_unwraps_kube_audit_records_and_names_the_cluster() {
    let text = format!(
        "{{\"records\": [\n{},\n{},\n{}\n]}}",
        record("kube-audit", EXEC),
        record("kube-apiserver", "I1008 10:12:00.1 apiserver ready"),
        record("kube-audit-admin", ANON)
    );
    let (s, recs) = run(&text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(s.diagnostics[0].level, Level::Note);
    assert!(s.diagnostics[0]
        .message
        .contains("1 records of other categories"));
    let exec = recs.iter().find(|r| r.check == "exec").unwrap();
    assert_eq!(exec.format, super::FORMAT);
    assert_eq!(exec.subject.cluster.as_deref(), Some("aks-prod-weu"));
    assert_eq!(exec.subject.namespace.as_deref(), Some("shop"));
    assert_eq!(exec.provenance.line.map(u64::from), Some(2));
    assert_eq!(
        exec.provenance.pointer.as_deref(),
        Some("/records/0/properties/log")
    );
    let anon = recs
        .iter()
        .find(|r| r.check == "anonymous-allowed")
        .unwrap();
    assert_eq!(anon.provenance.line.map(u64::from), Some(4));
    let beats: Vec<&Record> = recs
        .iter()
        .filter(|r| r.kind == RecordKind::Heartbeat)
        .collect();
    assert_eq!(beats.len(), 2, "two days");
    assert!(beats
        .iter()
        .all(|b| b.subject.cluster.as_deref() == Some("aks-prod-weu")));
    same_as_bare(&recs, &format!("{EXEC}\n{ANON}\n"));
}

#[test]
fn storage_blob_lines_log_analytics_rows_and_aks_audit_rows() {
    // Storage account: one record per line.
    let lines = format!(
        "{}\n{}\n",
        record("kube-audit", EXEC),
        record("kube-audit", ANON)
    );
    let (s, recs) = run(&lines);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(
        recs.iter()
            .find(|r| r.check == "exec")
            .unwrap()
            .provenance
            .line
            .map(u64::from),
        Some(1)
    );
    same_as_bare(&recs, &format!("{EXEC}\n{ANON}\n"));

    // AzureDiagnostics rows as `az monitor log-analytics query` prints them.
    let rows = serde_json::json!([
        {"TenantId": "t", "TimeGenerated": "2026-10-08T10:12:01Z", "Category": "kube-audit",
         "ResourceId": ID, "_ResourceId": ID.to_ascii_lowercase(), "log_s": EXEC,
         "pod_s": "kube-apiserver-5d8c7b9f4-x2x9q", "Type": "AzureDiagnostics"},
        {"TenantId": "t", "TimeGenerated": "2026-11-05T03:14:28Z", "Category": "kube-audit-admin",
         "ResourceId": ID, "log_s": ANON, "Type": "AzureDiagnostics"}
    ]);
    let (s, recs) = run(&serde_json::to_string_pretty(&rows).unwrap());
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let exec = recs.iter().find(|r| r.check == "exec").unwrap();
    assert_eq!(exec.provenance.pointer.as_deref(), Some("/0/log_s"));
    assert_eq!(exec.subject.cluster.as_deref(), Some("aks-prod-weu"));
    same_as_bare(&recs, &format!("{EXEC}\n{ANON}\n"));

    // AKSAudit rows: one event spread over columns, dynamic ones as objects or as text.
    let ev: serde_json::Value = serde_json::from_str(EXEC).unwrap();
    let anon: serde_json::Value = serde_json::from_str(ANON).unwrap();
    let row = |e: &serde_json::Value, as_text: bool| {
        let dynamic = |v: &serde_json::Value| {
            if as_text {
                serde_json::Value::from(v.to_string())
            } else {
                v.clone()
            }
        };
        serde_json::json!({
            "TenantId": "t", "TimeGenerated": e["stageTimestamp"], "Level": e["level"],
            "AuditId": e["auditID"], "Stage": e["stage"], "RequestUri": e["requestURI"],
            "Verb": e["verb"], "User": dynamic(&e["user"]), "SourceIps": dynamic(&serde_json::json!(["192.0.2.45"])),
            "UserAgent": "kubectl/v1.30.5", "ObjectRef": dynamic(&e["objectRef"]),
            "ResponseStatus": dynamic(&e["responseStatus"]), "RequestObject": null, "ResponseObject": null,
            "RequestReceivedTime": e["requestReceivedTimestamp"], "StageReceivedTime": e["stageTimestamp"],
            "Annotations": dynamic(&e["annotations"]), "PodName": "kube-apiserver-5d8c7b9f4-x2x9q",
            "Type": "AKSAuditAdmin", "_ResourceId": ID.to_ascii_lowercase()
        })
    };
    let rows = serde_json::json!([row(&ev, false), row(&anon, true)]);
    let (s, recs) = run(&rows.to_string());
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert!(recs
        .iter()
        .all(|r| r.subject.cluster.as_deref() == Some("aks-prod-weu")));
    same_as_bare(&recs, &format!("{EXEC}\n{ANON}\n"));
}

#[test]
fn a_bad_record_costs_one_diagnostic_and_the_rest_is_read() {
    let bad_log =
        serde_json::json!({"category": "kube-audit", "resourceId": ID, "properties": {"log": 42}});
    let not_json = record("kube-audit", "{\"kind\":\"Event\",\"auditID\":");
    let wrong_type = serde_json::json!({"category": "kube-audit", "properties": "nope"});
    let text = format!(
        "{{\"records\": [{}, {bad_log}, {not_json}, {wrong_type}]}}",
        record("kube-audit", EXEC)
    );
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 3, "{:?}", s.diagnostics);
    assert!(s.diagnostics.iter().all(|d| d.level == Level::Warning));
    assert!(recs.iter().any(|r| r.check == "exec"));
    assert_eq!(
        s.diagnostics[0].pointer.as_deref(),
        Some("/records/1/properties/log")
    );
}

#[test]
fn a_truncated_export_is_a_diagnostic_not_a_panic() {
    let text = format!("{{\"records\": [{}", record("kube-audit", EXEC));
    let (s, recs) = run(&text[..text.len() - 20]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
}

#[test]
fn a_record_of_another_category_alone_gets_the_closest_format_hint() {
    let text = serde_json::json!({"time": "2026-10-08T10:12:00Z", "resourceId": "/x", "category": "kube-scheduler",
                                  "properties": {"log": "I1008 scheduled"}})
    .to_string();
    let (s, recs) = run(&text);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
    assert!(
        s.diagnostics[0]
            .message
            .contains("closest format is aks-audit"),
        "{}",
        s.diagnostics[0].message
    );
}
