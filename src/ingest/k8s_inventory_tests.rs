//! Tests of the Kubernetes inventory: ownership, every container kind, namespace and
//! binding checks, hand-over of foreign list items, typed lists.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::IngestOptions;
use crate::model::{Outcome, Record, RecordKind};

fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
    ingest_bytes(
        "inventory/2026-11-20/aks-prod.json",
        text.as_bytes(),
        &IngestOptions::default(),
    )
}

const LIST: &str = r#"{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-7d9f8c6b5-x2x4z","namespace":"shop","labels":{"pod-template-hash":"7d9f8c6b5"},
 "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d9f8c6b5","controller":true}]},
 "spec":{"serviceAccountName":"web","containers":[{"name":"web","image":"contosoacr.azurecr.io/shop/web:2.4.1@sha256:aaaa000000000000000000000000000000000000000000000000000000000000",
   "env":[{"name":"DB_PASSWORD","value":"CANARY-POD-ENV"}]}],
   "initContainers":[{"name":"migrate","image":"contosoacr.azurecr.io/shop/web-migrate:2.4.1","securityContext":{"privileged":true}}],
   "ephemeralContainers":[{"name":"debugger","image":"busybox:1.36"}]}},
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{"template":{"spec":{"serviceAccountName":"web","containers":[{"name":"web","image":"contosoacr.azurecr.io/shop/web:2.4.1"}]}}}},
{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly","namespace":"batch"},"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"etl","image":"contosoacr.azurecr.io/batch/etl:2.1.0"}]}}}}}},
{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"nightly-29391220","namespace":"batch","ownerReferences":[{"kind":"CronJob","name":"nightly","controller":true}]},"spec":{"template":{"spec":{"containers":[{"name":"etl","image":"contosoacr.azurecr.io/batch/etl:2.1.0"}]}}}},
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"nightly-29391220-abcde","namespace":"batch","ownerReferences":[{"kind":"Job","name":"nightly-29391220","controller":true}]},
 "spec":{"hostNetwork":true,"containers":[{"name":"etl","image":"contosoacr.azurecr.io/batch/etl:2.1.0"}]}},
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}},
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"batch"}},
{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"web","namespace":"shop"},"automountServiceAccountToken":false},
{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"default-deny","namespace":"shop"},"spec":{"podSelector":{},"policyTypes":["Ingress"]}},
{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"allow-all","namespace":"batch"},"spec":{"podSelector":{},"ingress":[{}]}},
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"cluster-admin"},"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"Group","name":"system:masters"}]},
{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"ops-admins"},"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"User","name":"alice@contoso.example"}]},
{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"r","namespace":"shop"},"results":[{"policy":"p","rule":"r","result":"pass"}]}
]}"#;

fn find<'r>(recs: &'r [Record], check: &str, label: &str) -> &'r Record {
    recs.iter()
        .find(|r| r.check == check && r.subject.label() == label)
        .unwrap_or_else(|| panic!("no {check} on {label}"))
}

#[test]
fn pods_are_attributed_to_their_workloads_and_every_container_is_checked() {
    let (s, recs) = run(LIST);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert!(s.formats.contains(&super::FORMAT));
    let sightings: Vec<String> = recs
        .iter()
        .filter(|r| r.kind == RecordKind::Sighting)
        .map(|r| {
            format!(
                "{} {}",
                r.subject.label(),
                r.subject.container.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        sightings,
        [
            "shop/Deployment/web web",
            "shop/Deployment/web migrate",
            "shop/Deployment/web debugger",
            "batch/CronJob/nightly etl"
        ]
    );
    let privileged = recs
        .iter()
        .find(|r| r.check == "pod-privileged" && r.subject.container.as_deref() == Some("migrate"))
        .unwrap();
    assert_eq!(privileged.outcome, Outcome::Fail);
    assert_eq!(
        privileged.provenance.pointer.as_deref(),
        Some("/items/0/spec/initContainers/0/securityContext/privileged")
    );
    assert_eq!(
        find(&recs, "pod-host-namespaces", "batch/CronJob/nightly").outcome,
        Outcome::Fail
    );
    // The service account disables token automount for web.
    assert_eq!(
        find(&recs, "pod-sa-token-automount", "shop/Deployment/web").outcome,
        Outcome::Pass
    );
    let env = recs
        .iter()
        .find(|r| {
            r.check == "pod-secret-env-literal" && r.subject.container.as_deref() == Some("web")
        })
        .unwrap();
    assert_eq!(env.outcome, Outcome::Fail);
    assert!(env.message.contains("DB_PASSWORD"));
    assert!(!serde_json::to_string(&recs)
        .unwrap()
        .contains("CANARY-POD-ENV"));
    assert!(recs
        .iter()
        .all(|r| r.dated_from_path || r.format != super::FORMAT));
}

#[test]
fn namespaces_bindings_and_foreign_items() {
    let (_, recs) = run(LIST);
    assert_eq!(
        find(&recs, "namespace-pod-security", "shop/Namespace/shop").outcome,
        Outcome::Pass
    );
    assert_eq!(
        find(&recs, "namespace-pod-security", "batch/Namespace/batch").outcome,
        Outcome::Fail
    );
    assert_eq!(
        find(&recs, "namespace-default-deny", "shop/Namespace/shop").outcome,
        Outcome::Pass
    );
    assert_eq!(
        find(&recs, "namespace-default-deny", "batch/Namespace/batch").outcome,
        Outcome::Fail
    );
    assert_eq!(
        find(
            &recs,
            "cluster-admin-binding",
            "ClusterRoleBinding/cluster-admin"
        )
        .outcome,
        Outcome::Pass
    );
    let ops = find(
        &recs,
        "cluster-admin-binding",
        "ClusterRoleBinding/ops-admins",
    );
    assert_eq!(ops.outcome, Outcome::Fail);
    assert_eq!(
        ops.provenance.pointer.as_deref(),
        Some("/items/11/subjects/0")
    );
    // The PolicyReport inside the list went to its own format.
    assert!(recs.iter().any(|r| r.kind == RecordKind::Policy));
}

#[test]
fn typed_lists_and_single_objects() {
    let pods = r#"{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"solo","namespace":"x"},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}]}"#;
    let (s, recs) = run(pods);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert!(recs
        .iter()
        .any(|r| r.kind == RecordKind::Sighting && r.subject.label() == "x/Pod/solo"));
    let one = r#"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"ops"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"agent:1"}]}}}}"#;
    let (s, recs) = run(one);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(recs
        .iter()
        .any(|r| r.kind == RecordKind::Sighting && r.subject.label() == "ops/DaemonSet/agent"));
}

#[test]
fn trivy_operator_lists_are_not_claimed() {
    let text = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"aquasecurity.github.io/v1alpha1","kind":"VulnerabilityReport","metadata":{"name":"x","namespace":"y"},"report":{"vulnerabilities":[]}}]}"#;
    let (s, _) = run(text);
    assert!(!s.formats.contains(&super::FORMAT), "{:?}", s.formats);
}
