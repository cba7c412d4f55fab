//! Tests of the Kubescape parser (`kubescape.rs`, `kubescape_v1.rs`): reports written
//! here in the formatVersion v2 (with and without `status` objects) and v1 shapes.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Outcome, Record, RecordKind, ScanClass, Severity};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("kubescape.json", text.as_bytes(), &IngestOptions::default())
}

const V2: &str = r#"{
  "generationTime": "2026-11-19T05:00:00Z", "clusterName": "aks-prod-weu", "customerGUID": "",
  "summaryDetails": {
    "controls": {
      "C-0057": {"controlID": "C-0057", "name": "Privileged container", "status": "failed", "scoreFactor": 8},
      "C-0016": {"controlID": "C-0016", "name": "Allow privilege escalation", "status": "passed", "scoreFactor": 6},
      "C-0034": {"controlID": "C-0034", "name": "Automatic mapping of service account", "status": "passed", "scoreFactor": 6}
    },
    "frameworks": [{"name": "NSA", "status": "failed"}, {"name": "MITRE", "status": "failed"}]
  },
  "results": [
    {"resourceID": "apps/v1/batch/Deployment/etl", "controls": [
      {"controlID": "C-0057", "name": "Privileged container", "status": {"status": "failed"},
       "rules": [{"name": "rule-privilege-escalation", "status": "failed",
                  "paths": [{"failedPath": "spec.template.spec.containers[0].securityContext.privileged"}]}]},
      {"controlID": "C-0016", "name": "Allow privilege escalation", "status": {"status": "passed"}},
      {"controlID": "C-0034", "name": "Automatic mapping of service account", "status": {"status": "passed", "subStatus": "w/exceptions"}}
    ]},
    {"resourceID": "rbac.authorization.k8s.io/v1//ClusterRole/view", "controls": [
      {"controlID": "C-0035", "status": {"status": "skipped", "subStatus": "manual review"}}
    ]}
  ],
  "resources": [{"resourceID": "apps/v1/batch/Deployment/etl", "object": {"kind": "Deployment"}}],
  "metadata": {"scanMetadata": {"kubescapeVersion": "v3.0.19", "formatVersion": "v2"}}
}"#;

#[test]
fn v2_results_per_resource_and_control_with_a_scan_per_resource() {
    let (s, recs) = run(V2);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let kinds: Vec<&str> = recs.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "misconfiguration",
            "misconfiguration",
            "misconfiguration",
            "scan",
            "misconfiguration",
            "scan"
        ]
    );
    let p = &recs[0];
    assert_eq!(p.check, "C-0057");
    assert_eq!(p.outcome, Outcome::Fail);
    assert_eq!(p.severity, Severity::High);
    assert_eq!(p.title, "Privileged container");
    assert!(p.message.contains("securityContext.privileged"));
    assert_eq!(p.subject.cluster.as_deref(), Some("aks-prod-weu"));
    assert_eq!(p.subject.namespace.as_deref(), Some("batch"));
    assert_eq!(p.subject.kind.as_deref(), Some("Deployment"));
    assert_eq!(p.subject.name.as_deref(), Some("etl"));
    assert_eq!(p.tool, "kubescape v3.0.19");
    assert_eq!(
        p.observed_at.unwrap().to_rfc3339(),
        "2026-11-19T05:00:00+00:00"
    );
    assert_eq!(
        p.provenance.pointer.as_deref(),
        Some("/results/0/controls/0")
    );
    assert_eq!(recs[1].outcome, Outcome::Pass);
    assert_eq!(recs[1].severity, Severity::Medium);
    assert_eq!(recs[2].outcome, Outcome::Skip, "set aside by an exception");
    assert_eq!(recs[3].scan_class(), Some(ScanClass::Configuration));
    assert_eq!(recs[3].attrs["frameworks"], "NSA,MITRE");
    let cr = &recs[4];
    assert_eq!(cr.outcome, Outcome::Unknown);
    assert_eq!(cr.subject.namespace, None);
    assert_eq!(cr.subject.kind.as_deref(), Some("ClusterRole"));
    assert_eq!(cr.severity, Severity::Unknown);
}

#[test]
fn early_v2_statuses_come_from_rules_and_file_scans_name_the_file() {
    let text = r#"{"summaryDetails": {"controls": {}}, "generationTime": "0001-01-01T00:00:00Z",
 "results": [{"resourceID": "path=3516841316/api=apps/v1//Deployment/web", "controls": [
   {"controlID": "C-0013", "name": "Non-root containers", "rules": [{"name": "non-root-containers", "status": "failed"}, {"name": "x", "status": "passed"}]},
   {"controlID": "C-0017", "name": "Immutable container filesystem", "rules": [{"name": "immutable-container-filesystem", "status": "passed"}]},
   {"controlID": "C-0018", "name": "Configured readiness probe"}
 ]}],
 "resources": [{"resourceID": "path=3516841316/api=apps/v1//Deployment/web", "object": {}, "source": {"relativePath": "deploy/web.yaml"}}]}"#;
    let (s, recs) = run(text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let outcomes: Vec<Outcome> = recs
        .iter()
        .filter(|r| r.kind == RecordKind::Misconfiguration)
        .map(|r| r.outcome)
        .collect();
    assert_eq!(outcomes, [Outcome::Fail, Outcome::Pass, Outcome::Pass]);
    assert_eq!(recs[0].subject.name.as_deref(), Some("web"));
    assert_eq!(recs[0].subject.kind.as_deref(), Some("Deployment"));
    assert_eq!(recs[0].subject.namespace, None);
    assert_eq!(recs[0].subject.target.as_deref(), Some("deploy/web.yaml"));
    assert_eq!(recs[0].observed_at, None, "the zero time is no time");
    assert_eq!(recs[0].tool, "kubescape");
}

#[test]
fn v1_framework_reports_name_failed_objects_and_pass_whole_controls() {
    let text = r#"[
 {"name": "NSA", "controlReports": [
   {"controlID": "C-0057", "name": "Privileged container", "baseScore": 8, "failedResources": 1, "totalResources": 12,
    "ruleReports": [{"name": "rule-privilege-escalation", "ruleStatus": {"status": "success"},
      "ruleResponses": [{"alertMessage": "the following pods are defined as privileged: etl", "ruleStatus": "failed",
        "failedPaths": ["spec.containers[0].securityContext.privileged"],
        "alertObject": {"k8sApiObjects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "etl", "namespace": "batch"}}]}}]}]},
   {"controlID": "C-0016", "name": "Allow privilege escalation", "baseScore": 6, "failedResources": 0, "totalResources": 12,
    "ruleReports": [{"name": "rule-allow-privilege-escalation", "ruleResponses": null}]},
   {"controlID": "C-0034", "name": "Automatic mapping of service account", "baseScore": 6, "failedResources": 0, "totalResources": 0, "ruleReports": []}
 ]},
 {"name": "MITRE", "controlReports": [{"controlID": 57}]}
]"#;
    let (s, recs) = run(text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(
        s.diagnostics[0].pointer.as_deref(),
        Some("/1/controlReports/0/controlID")
    );
    let kinds: Vec<&str> = recs.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["misconfiguration", "misconfiguration", "scan", "scan"]
    );
    let f = &recs[0];
    assert_eq!((f.check.as_str(), f.outcome), ("C-0057", Outcome::Fail));
    assert_eq!(f.subject.name.as_deref(), Some("etl"));
    assert_eq!(f.subject.namespace.as_deref(), Some("batch"));
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.attrs["framework"], "NSA");
    assert_eq!(
        (recs[1].check.as_str(), recs[1].outcome),
        ("C-0016", Outcome::Pass)
    );
    assert_eq!(recs[1].message, "12 resources passed");
    assert_eq!(recs[0].observed_at, None);
}

#[test]
fn a_wrong_type_result_costs_one_diagnostic_and_truncation_does_not_panic() {
    let text = V2.replace(
        r#""resourceID": "rbac.authorization.k8s.io/v1//ClusterRole/view", "controls": ["#,
        r#""resourceID": "x", "controls": 7, "was": ["#,
    );
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 4);
    let (s, recs) = run(&V2[..V2.len() / 2]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
