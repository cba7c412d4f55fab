//! Tests of the EKS audit-log envelopes (`audit_eks.rs`): CloudWatch Logs exports
//! written here in the shapes the AWS CLI and subscription filters produce.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::diag::Level;
use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Record, RecordKind};
use serde_json::json;

const SECRET_GET: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"e-1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/batch/secrets/db","verb":"get","user":{"username":"system:serviceaccount:batch:reporter","groups":["system:serviceaccounts","system:authenticated"]},"objectRef":{"resource":"secrets","namespace":"batch","name":"db","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-10-01T02:46:58.101010Z","stageTimestamp":"2026-10-01T02:46:58.105000Z","annotations":{"authorization.k8s.io/decision":"allow"}}"#;
const MASTERS: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"e-2","stage":"ResponseComplete","requestURI":"/api/v1/nodes","verb":"list","user":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},"objectRef":{"resource":"nodes","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-10-02T09:00:00.000000Z","stageTimestamp":"2026-10-02T09:00:00.010000Z"}"#;

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("eks.json", text.as_bytes(), &IngestOptions::default())
}

fn non_heartbeat(recs: &[Record]) -> Vec<&str> {
    recs.iter()
        .filter(|r| r.kind != RecordKind::Heartbeat)
        .map(|r| r.check.as_str())
        .collect()
}

#[test]
fn filter_log_events_output_names_no_cluster() {
    let text = serde_json::to_string_pretty(&json!({
        "events": [
            {"logStreamName": "kube-apiserver-audit-0d3f1c2b9a8e7f6d", "timestamp": 1759287000000_i64,
             "message": SECRET_GET, "ingestionTime": 1759287000500_i64, "eventId": "3823"},
            {"logStreamName": "kube-apiserver-audit-0d3f1c2b9a8e7f6d", "timestamp": 1759395600000_i64,
             "message": MASTERS, "ingestionTime": 1759395600400_i64, "eventId": "3824"}
        ],
        "searchedLogStreams": []
    }))
    .unwrap();
    let (s, recs) = run(&text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(non_heartbeat(&recs), ["secret-read", "system-masters"]);
    assert!(recs.iter().all(|r| r.subject.cluster.is_none()));
    assert_eq!(
        recs[1].provenance.pointer.as_deref(),
        Some("/events/0/message")
    );
    assert_eq!(recs[1].provenance.line.map(u64::from), Some(3));
}

#[test]
fn subscription_payloads_and_insights_rows_name_the_cluster_from_the_log_group() {
    let payload = json!({
        "messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/aws/eks/eks-prod-euc1/cluster",
        "logStream": "kube-apiserver-audit-0d3f1c2b9a8e7f6d", "subscriptionFilters": ["to-firehose"],
        "logEvents": [
            {"id": "1", "timestamp": 1759287000000_i64, "message": SECRET_GET},
            {"id": "2", "timestamp": 1759287000001_i64, "message": "I1001 02:46:58.1 authenticator: token ok"}
        ]
    });
    // Firehose writes the payloads one after another.
    let control = json!({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
                         "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": 0, "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]});
    let (s, recs) = run(&format!("{payload}{control}"));
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert_eq!(non_heartbeat(&recs), ["secret-read"]);
    assert!(recs
        .iter()
        .all(|r| r.subject.cluster.as_deref() == Some("eks-prod-euc1")));
    let notes: Vec<_> = s.diagnostics.iter().map(|d| d.level).collect();
    assert_eq!(notes, [Level::Note, Level::Note], "{:?}", s.diagnostics);

    let insights = json!({
        "results": [[
            {"field": "@timestamp", "value": "2026-10-02 09:00:00.010"},
            {"field": "@message", "value": MASTERS},
            {"field": "@logStream", "value": "kube-apiserver-audit-0d3f1c2b9a8e7f6d"},
            {"field": "@log", "value": "123456789012:/aws/eks/eks-prod-euc1/cluster"},
            {"field": "@ptr", "value": "CmAKJwoj"}
        ]],
        "statistics": {"recordsMatched": 1.0, "recordsScanned": 10.0, "bytesScanned": 900.0},
        "status": "Complete"
    });
    let (s, recs) = run(&insights.to_string());
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(non_heartbeat(&recs), ["system-masters"]);
    assert_eq!(recs[0].subject.cluster.as_deref(), Some("eks-prod-euc1"));
    assert_eq!(
        recs[1].provenance.pointer.as_deref(),
        Some("/results/0/1/value")
    );
}

#[test]
fn a_wrong_type_event_costs_one_diagnostic_and_truncation_does_not_panic() {
    let text = json!({
        "events": [
            {"logStreamName": "kube-apiserver-audit-1", "timestamp": 1, "message": 42},
            {"logStreamName": "kube-apiserver-audit-1", "timestamp": 2, "message": SECRET_GET}
        ],
        "nextForwardToken": "f/1"
    })
    .to_string();
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(
        s.diagnostics[0].pointer.as_deref(),
        Some("/events/0/message")
    );
    assert_eq!(non_heartbeat(&recs), ["secret-read"]);
    let (s, recs) = run(&text[..text.len() - 30]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
