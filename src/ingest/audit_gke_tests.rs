//! Tests of the GKE audit-log envelope (`audit_gke.rs`): Cloud Logging entries written
//! here in the documented `LogEntry` / `AuditLog` shape.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Outcome, Record, RecordKind};
use serde_json::json;

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("gke.json", text.as_bytes(), &IngestOptions::default())
}

fn entry(method: &str, resource: &str, user: &str, status: serde_json::Value) -> serde_json::Value {
    json!({
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": user},
            "authorizationInfo": [{"granted": true, "permission": method, "resource": resource}],
            "methodName": method,
            "requestMetadata": {"callerIp": "192.0.2.45", "callerSuppliedUserAgent": "kubectl/v1.30.5"},
            "resourceName": resource,
            "serviceName": "k8s.io",
            "status": status
        },
        "insertId": "3f2a9c1e-insert",
        "resource": {"type": "k8s_cluster", "labels": {"cluster_name": "gke-prod-euw1", "location": "europe-west1", "project_id": "contoso-prod"}},
        "timestamp": "2026-10-08T10:12:00.100000Z",
        "severity": "NOTICE",
        "logName": "projects/contoso-prod/logs/cloudaudit.googleapis.com%2Factivity",
        "operation": {"id": "9d1c6a77-audit", "producer": "k8s.io", "first": true, "last": true},
        "labels": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "access granted by IAM permissions."},
        "receiveTimestamp": "2026-10-08T10:12:03.5Z"
    })
}

#[test]
fn exec_secret_read_and_rbac_change_from_log_entries() {
    let lines = [
        entry(
            "io.k8s.core.v1.pods.exec.create",
            "core/v1/namespaces/shop/pods/web-1/exec",
            "jane@contoso.example",
            json!({}),
        ),
        entry(
            "io.k8s.core.v1.secrets.get",
            "core/v1/namespaces/batch/secrets/db",
            "system:serviceaccount:batch:reporter",
            json!({}),
        ),
        entry(
            "io.k8s.authorization.rbac.v1.clusterrolebindings.create",
            "rbac.authorization.k8s.io/v1/clusterrolebindings/ops-admin",
            "omar@contoso.example",
            json!({}),
        ),
    ];
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let (s, recs) = run(&text.join("\n"));
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let checks: Vec<&str> = recs
        .iter()
        .filter(|r| r.kind != RecordKind::Heartbeat)
        .map(|r| r.check.as_str())
        .collect();
    assert_eq!(checks, ["exec", "secret-read", "rbac-change"]);
    let exec = &recs.iter().find(|r| r.check == "exec").unwrap();
    assert_eq!(exec.subject.cluster.as_deref(), Some("gke-prod-euw1"));
    assert_eq!(exec.subject.namespace.as_deref(), Some("shop"));
    assert_eq!(exec.subject.kind.as_deref(), Some("Pod"));
    assert_eq!(exec.subject.name.as_deref(), Some("web-1"));
    assert_eq!(exec.attrs["user"], "jane@contoso.example");
    assert_eq!(exec.attrs["audit_id"], "9d1c6a77-audit");
    assert!(
        !exec.attrs.contains_key("code"),
        "a success has no HTTP code"
    );
    assert_eq!(exec.provenance.line.map(u64::from), Some(1));
    assert_eq!(
        exec.observed_at.unwrap().to_rfc3339(),
        "2026-10-08T10:12:00.100+00:00"
    );
    let rbac = recs.iter().find(|r| r.check == "rbac-change").unwrap();
    assert_eq!(rbac.subject.kind.as_deref(), Some("ClusterRoleBinding"));
    assert_eq!(rbac.subject.namespace, None);
    let beats = recs
        .iter()
        .filter(|r| r.kind == RecordKind::Heartbeat)
        .count();
    assert_eq!(beats, 1, "three events of one cluster and day");
}

#[test]
fn a_denied_request_maps_the_rpc_code_and_labels_are_annotations() {
    let mut e = entry(
        "io.k8s.core.v1.pods.create",
        "core/v1/namespaces/shop/pods/debug",
        "jane@contoso.example",
        json!({"code": 3, "message": "admission webhook \"validate.kyverno.svc-fail\" denied the request: mutable tag"}),
    );
    e["labels"]["pod-security.kubernetes.io/enforce-policy"] = json!("restricted:latest");
    let (s, recs) = run(&serde_json::to_string_pretty(&json!([e])).unwrap());
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let denied = recs.iter().find(|r| r.check == "webhook-denied").unwrap();
    assert_eq!(denied.outcome, Outcome::Pass);
    assert_eq!(denied.attrs["code"], "400");
    assert_eq!(denied.attrs["webhook"], "validate.kyverno.svc-fail");
    let psa = recs.iter().find(|r| r.check == "psa-enforce").unwrap();
    assert_eq!(psa.attrs["psa_level"], "restricted");
    assert_eq!(psa.provenance.pointer.as_deref(), Some("/0"));
}

#[test]
fn pod_bodies_give_sightings_and_bad_entries_cost_one_diagnostic() {
    let mut e = entry(
        "io.k8s.core.v1.pods.create",
        "core/v1/namespaces/shop/pods/web-1",
        "system:serviceaccount:kube-system:replicaset-controller",
        json!({}),
    );
    e["protoPayload"]["request"] = json!({"@type": "core.k8s.io/v1.Pod", "kind": "Pod", "apiVersion": "v1",
        "metadata": {"name": "web-1", "namespace": "shop"},
        "spec": {"containers": [{"name": "web", "image": "contosoacr.azurecr.io/shop/web:2.4.1",
                                 "env": [{"name": "TOKEN", "value": "CANARY-GKE-1"}]}]}});
    let mut bad = entry(
        "io.k8s.core.v1.pods.get",
        "core/v1/namespaces/shop/pods/x",
        "a",
        json!({}),
    );
    bad["protoPayload"]["authenticationInfo"] = json!("not an object");
    let text = format!("{e}\n{bad}\n");
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(s.diagnostics[0].line, Some(2));
    let seen = recs
        .iter()
        .find(|r| r.kind == RecordKind::Sighting)
        .unwrap();
    assert_eq!(
        seen.subject.image.as_ref().unwrap().tagged(),
        "contosoacr.azurecr.io/shop/web:2.4.1"
    );
    assert_eq!(seen.subject.cluster.as_deref(), Some("gke-prod-euw1"));
    assert!(!serde_json::to_string(&recs)
        .unwrap()
        .contains("CANARY-GKE-1"));
}

#[test]
fn a_truncated_entry_is_a_diagnostic_not_a_panic() {
    let text = entry(
        "io.k8s.core.v1.pods.get",
        "core/v1/namespaces/a/pods/b",
        "u",
        json!({}),
    )
    .to_string();
    let (s, recs) = run(&text[..text.len() / 2]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
