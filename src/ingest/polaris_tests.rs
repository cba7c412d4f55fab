//! Tests of the Polaris parser (`polaris.rs`): audits written here in the
//! PolarisOutputVersion 1.0 shape (path and cluster audits).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Outcome, Record, RecordKind, ScanClass, Severity};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("polaris.json", text.as_bytes(), &IngestOptions::default())
}

const CLUSTER: &str = r#"{
  "PolarisOutputVersion": "1.0", "AuditTime": "2026-11-19T04:00:00Z", "SourceType": "Cluster", "SourceName": "",
  "DisplayName": "aks-prod-weu", "ClusterInfo": {"Version": "1.30", "Nodes": 3, "Pods": 14, "Namespaces": 9, "Controllers": 12},
  "Results": [
    {"Name": "etl", "Namespace": "batch", "Kind": "Deployment",
     "Results": {"missingPodDisruptionBudget": {"ID": "missingPodDisruptionBudget", "Message": "Should have a PodDisruptionBudget", "Success": false, "Severity": "warning", "Category": "Reliability"}},
     "PodResult": {"Name": "", "Results": {
        "hostIPCSet": {"ID": "hostIPCSet", "Message": "Host IPC is not configured", "Success": true, "Severity": "danger", "Category": "Security"}},
       "ContainerResults": [{"Name": "etl", "Results": {
        "runAsPrivileged": {"ID": "runAsPrivileged", "Message": "Should not be running as privileged", "Success": false, "Severity": "danger", "Category": "Security"},
        "privilegeEscalationAllowed": {"ID": "privilegeEscalationAllowed", "Message": "Privilege escalation should not be allowed", "Details": ["container etl: allowPrivilegeEscalation is not false"], "Success": false, "Severity": "danger", "Category": "Security"}}}]},
     "CreatedTime": "2026-09-17T02:30:00Z"},
    {"Name": "web", "Namespace": "shop", "Kind": "Service", "Results": {}, "PodResult": null, "CreatedTime": "0001-01-01T00:00:00Z"}
  ],
  "Score": 71
}"#;

#[test]
fn workload_pod_and_container_results_with_the_cluster() {
    let (s, recs) = run(CLUSTER);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let checks: Vec<(&str, Outcome)> = recs
        .iter()
        .filter(|r| r.kind == RecordKind::Misconfiguration)
        .map(|r| (r.check.as_str(), r.outcome))
        .collect();
    assert_eq!(
        checks,
        [
            ("polaris:missingPodDisruptionBudget", Outcome::Fail),
            ("polaris:hostIPCSet", Outcome::Pass),
            ("polaris:privilegeEscalationAllowed", Outcome::Fail),
            ("polaris:runAsPrivileged", Outcome::Fail),
        ]
    );
    let esc = &recs[2];
    assert_eq!(esc.severity, Severity::High);
    assert_eq!(esc.subject.cluster.as_deref(), Some("aks-prod-weu"));
    assert_eq!(esc.subject.namespace.as_deref(), Some("batch"));
    assert_eq!(esc.subject.kind.as_deref(), Some("Deployment"));
    assert_eq!(esc.subject.name.as_deref(), Some("etl"));
    assert_eq!(esc.subject.container.as_deref(), Some("etl"));
    assert!(esc
        .message
        .contains("allowPrivilegeEscalation is not false"));
    assert_eq!(esc.attrs["category"], "Security");
    assert_eq!(
        esc.observed_at.unwrap().to_rfc3339(),
        "2026-11-19T04:00:00+00:00"
    );
    assert_eq!(esc.provenance.pointer.as_deref(), Some("/Results/0"));
    assert_eq!(esc.provenance.line.map(u64::from), Some(5));
    assert_eq!(recs[0].severity, Severity::Medium);
    assert_eq!(recs[0].subject.container, None);
    let scans: Vec<&Record> = recs.iter().filter(|r| r.kind == RecordKind::Scan).collect();
    assert_eq!(scans.len(), 2, "one per workload, even one with no checks");
    assert_eq!(scans[0].scan_class(), Some(ScanClass::Configuration));
}

#[test]
fn a_path_audit_names_no_cluster_and_has_no_time() {
    let text = CLUSTER
        .replace(r#""SourceType": "Cluster""#, r#""SourceType": "Path""#)
        .replace("2026-11-19T04:00:00Z", "0001-01-01T00:00:00Z");
    let (_, recs) = run(&text);
    assert!(recs
        .iter()
        .all(|r| r.subject.cluster.is_none() && r.observed_at.is_none()));
}

#[test]
fn a_wrong_type_workload_costs_one_diagnostic_and_truncation_does_not_panic() {
    let text = CLUSTER.replace(
        r#""Results": {}, "PodResult": null"#,
        r#""Results": [], "PodResult": null"#,
    );
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 5);
    let (s, recs) = run(&CLUSTER[..CLUSTER.len() / 2]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
