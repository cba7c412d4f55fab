//! Tests of the audit-event parser (`k8s_audit.rs`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::IngestOptions;
use crate::model::{Outcome, Record, RecordKind};

/// The records of an audit log, heartbeats left out (they have their own test).
fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
    let (s, recs) = run_all(text);
    let recs = recs
        .into_iter()
        .filter(|r| r.kind != RecordKind::Heartbeat)
        .collect();
    (s, recs)
}

fn run_all(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
    ingest_bytes("audit.log", text.as_bytes(), &IngestOptions::default())
}

fn checks(recs: &[Record]) -> Vec<String> {
    recs.iter()
        .map(|r| format!("{}:{}", r.kind.as_str(), r.check))
        .collect()
}

const POD_CREATE: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a1","stage":"ResponseComplete","verb":"create","user":{"username":"admin","groups":["system:masters","system:authenticated"]},"objectRef":{"resource":"pods","namespace":"shop","name":"web-1","apiVersion":"v1"},"responseStatus":{"code":201},"requestObject":{"kind":"Pod","metadata":{"name":"web-1"},"spec":{"initContainers":[{"name":"init","image":"busybox:1.36"}],"containers":[{"name":"app","image":"nginx:1.25","env":[{"name":"DB_PASSWORD","value":"CANARY-ENV-2"}],"securityContext":{"privileged":true}}]}},"requestReceivedTimestamp":"2026-10-01T10:00:00.000000Z","stageTimestamp":"2026-10-01T10:00:00.100000Z","annotations":{"authorization.k8s.io/decision":"allow","pod-security.kubernetes.io/enforce-policy":"baseline:latest"}}"#;

#[test]
fn pod_create_yields_sightings_privileged_masters_and_psa() {
    let text = format!(
        "{}\n{}\n",
        POD_CREATE.replace("ResponseComplete", "RequestReceived"),
        POD_CREATE
    );
    let (s, recs) = run(&text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert_eq!(
        checks(&recs),
        vec![
            "admission:psa-enforce",
            "activity:system-masters",
            "activity:privileged-pod",
            "sighting:running",
            "sighting:running"
        ]
    );
    assert!(recs
        .iter()
        .all(|r| r.provenance.line.map(u64::from) == Some(2)));
    assert_eq!(recs[0].outcome, Outcome::Pass);
    assert_eq!(recs[0].attrs["psa_level"], "baseline");
    assert_eq!(recs[0].attrs["audit_id"], "a1");
    assert_eq!(recs[2].outcome, Outcome::Fail);
    assert_eq!(recs[2].subject.container.as_deref(), Some("app"));
    let sighting = &recs[3];
    assert_eq!(recs[4].subject.container.as_deref(), Some("init"));
    assert_eq!(sighting.subject.namespace.as_deref(), Some("shop"));
    assert_eq!(sighting.subject.kind.as_deref(), Some("Pod"));
    assert_eq!(sighting.subject.name.as_deref(), Some("web-1"));
    assert_eq!(sighting.subject.container.as_deref(), Some("app"));
    assert_eq!(
        sighting.subject.image.as_ref().unwrap().tagged(),
        "docker.io/library/nginx:1.25"
    );
    assert_eq!(
        sighting.observed_at.unwrap().to_rfc3339(),
        "2026-10-01T10:00:00.100+00:00"
    );
}

#[test]
fn v1beta1_exec_and_event_list() {
    let text = r#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1beta1","items":[
{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","metadata":{"creationTimestamp":"2019-03-01T10:00:00Z"},"level":"Metadata","timestamp":"2019-03-01T10:00:00Z","auditID":"b1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods/web-1/exec?command=sh","verb":"create","user":{"username":"bob"},"objectRef":{"resource":"pods","namespace":"shop","name":"web-1","subresource":"exec"},"responseStatus":{"code":101}},
{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","timestamp":"2019-03-01T10:01:00Z","auditID":"b2","stage":"ResponseComplete","verb":"get","user":{"username":"system:anonymous","groups":["system:unauthenticated"]},"objectRef":{"resource":"secrets","namespace":"shop","name":"db"},"responseStatus":{"code":200},"annotations":{"authorization.k8s.io/decision":"allow"}},
{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","timestamp":"2019-03-01T10:02:00Z","auditID":"b3","stage":"ResponseComplete","verb":"patch","user":{"username":"carol"},"objectRef":{"resource":"clusterrolebindings","name":"x"},"responseStatus":{"code":200}},
{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","timestamp":"2019-03-01T10:03:00Z","auditID":"b4","stage":"ResponseComplete","verb":"delete","user":{"username":"carol"},"objectRef":{"resource":"networkpolicies","namespace":"shop","name":"deny-all"},"responseStatus":{"code":200}}
]}"#;
    let (s, recs) = run(text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(
        checks(&recs),
        vec![
            "activity:exec",
            "activity:secret-read",
            "activity:anonymous-allowed",
            "activity:rbac-change",
            "activity:networkpolicy-change"
        ]
    );
    assert_eq!(recs[0].attrs["user"], "bob");
    assert_eq!(recs[0].attrs["verb"], "create");
    assert_eq!(recs[0].provenance.line.map(u64::from), Some(2));
    assert_eq!(recs[0].provenance.pointer.as_deref(), Some("/items/0"));
    assert_eq!(
        recs[0].observed_at.unwrap().to_rfc3339(),
        "2019-03-01T10:00:00+00:00"
    );
    assert_eq!(recs[2].outcome, Outcome::Fail);
    assert_eq!(recs[1].attrs["user"], "system:anonymous");
}

#[test]
fn webhook_denial_psa_and_vap() {
    let denied = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"c1","stage":"ResponseComplete","verb":"create","user":{"username":"ci"},"objectRef":{"resource":"pods","namespace":"shop"},"responseStatus":{"status":"Failure","message":"admission webhook \"validate.kyverno.svc-fail\" denied the request: token=abcdefghijklmnop","code":400},"stageTimestamp":"2026-10-01T10:00:00Z","annotations":{"pod-security.kubernetes.io/enforce-policy":"privileged:latest","pod-security.kubernetes.io/audit-violations":"would violate PodSecurity \"restricted:latest\": privileged","pod-security.kubernetes.io/exempt":"namespace"}}"#;
    let vap = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"c2","stage":"ResponseComplete","verb":"create","user":{"username":"ci"},"objectRef":{"resource":"deployments","namespace":"shop","name":"api"},"responseStatus":{"code":403},"stageTimestamp":"2026-10-01T10:00:00Z","annotations":{"validation.policy.admission.k8s.io/validation_failure":"[{\"message\":\"failed expression: object.spec.replicas \\u003e= 5\",\"policy\":\"min-replicas\",\"binding\":\"min-replicas-binding\",\"expressionIndex\":0,\"validationActions\":[\"Deny\",\"Audit\"]}]"}}"#;
    let (s, recs) = run(&format!("{denied}\n{vap}\n"));
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(
        checks(&recs),
        vec![
            "admission:psa-enforce",
            "admission:psa-violation",
            "admission:psa-exempt",
            "admission:webhook-denied",
            "policy:vap:min-replicas",
            "admission:vap-denied"
        ]
    );
    assert_eq!(recs[0].outcome, Outcome::Warn);
    assert_eq!(recs[0].attrs["psa_level"], "privileged");
    assert_eq!(recs[1].outcome, Outcome::Fail);
    // No severity stated: unknown (graced as medium), not "none".
    assert_eq!(recs[1].severity, crate::model::Severity::Unknown);
    assert!(recs[1].message.contains("restricted:latest"));
    assert_eq!(recs[2].outcome, Outcome::Warn);
    let w = &recs[3];
    assert_eq!(w.outcome, Outcome::Pass);
    assert_eq!(w.attrs["webhook"], "validate.kyverno.svc-fail");
    assert!(!w.message.contains("abcdefghijklmnop"));
    let p = &recs[4];
    assert_eq!(p.kind, RecordKind::Policy);
    assert_eq!(p.outcome, Outcome::Fail);
    assert_eq!(p.attrs["enforcement"], "deny");
    assert_eq!(p.severity, crate::model::Severity::Unknown);
    assert_eq!(p.message, "failed expression: object.spec.replicas >= 5");
    assert_eq!(p.provenance.line.map(u64::from), Some(2));
    assert_eq!(recs[5].outcome, Outcome::Pass);
}

#[test]
fn secrets_and_env_values_never_reach_records() {
    let secret = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"d1","stage":"ResponseComplete","verb":"create","user":{"username":"admin"},"objectRef":{"resource":"secrets","namespace":"shop","name":"db"},"responseStatus":{"code":201},"requestObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db"},"data":{"password":"CANARY-SECRET-1"},"stringData":{"token":"CANARY-SECRET-1"}},"responseObject":{"kind":"Secret","metadata":{"name":"db"},"data":{"password":"CANARY-SECRET-1"}},"stageTimestamp":"2026-10-01T10:00:00Z"}"#;
    let read = secret.replace(r#""verb":"create""#, r#""verb":"get""#);
    let text = format!("{secret}\n{read}\n{POD_CREATE}\n");
    let (s, recs) = run(&text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert!(recs.iter().any(|r| r.check == "secret-read"));
    assert!(recs.iter().any(|r| r.check == "running"));
    let json = serde_json::to_string(&recs).unwrap();
    assert!(!json.contains("CANARY-SECRET-1"));
    assert!(!json.contains("CANARY-ENV-2"));
}

#[test]
fn wrong_type_line_costs_one_diagnostic() {
    let bad = r#"{"kind":"Event","auditID":"e1","stage":"ResponseComplete","verb":"get","user":{"username":["not","a","string"]},"objectRef":{"resource":"secrets","name":"x"}}"#;
    let good = bad.replace(r#"["not","a","string"]"#, r#""dave""#);
    let (s, recs) = run(&format!("{good}\n{bad}\n{good}\n"));
    // The two good lines are the same event: folded into one record counted twice.
    assert_eq!(recs.iter().map(|r| u64::from(r.count)).sum::<u64>(), 2);
    assert_eq!(s.diagnostics.len(), 1);
    assert_eq!(s.diagnostics[0].line, Some(2));
}

#[test]
fn every_event_is_a_heartbeat_folded_per_cluster_and_day() {
    // Three events on two days, one of them a RequestReceived stage and one of no
    // security interest: every event proves the log was on.
    let get = |id: &str, t: &str, stage: &str| {
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"{id}","stage":"{stage}","verb":"get","user":{{"username":"argocd"}},"objectRef":{{"resource":"deployments","namespace":"shop","name":"web"}},"responseStatus":{{"code":200}},"stageTimestamp":"{t}"}}"#
        )
    };
    let text = [
        get("h1", "2026-10-01T08:00:00Z", "RequestReceived"),
        get("h1", "2026-10-01T08:00:01Z", "ResponseComplete"),
        get("h2", "2026-10-02T23:59:59Z", "ResponseComplete"),
    ]
    .join("\n");
    let (s, recs) = run_all(&text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let beats: Vec<&Record> = recs
        .iter()
        .filter(|r| r.kind == RecordKind::Heartbeat)
        .collect();
    assert_eq!(beats.len(), 2, "{beats:?}");
    assert_eq!(beats[0].check, crate::model::AUDIT_LOG);
    assert_eq!(beats[0].outcome, Outcome::Info);
    assert_eq!(beats[0].count, 2);
    assert_eq!(beats[1].count, 1);
    assert_eq!(
        beats[0].observed_at.unwrap().to_rfc3339(),
        "2026-10-01T08:00:01+00:00"
    );
    assert_eq!(
        beats[0].first_observed_at.unwrap().to_rfc3339(),
        "2026-10-01T08:00:00+00:00"
    );
    for b in &beats {
        // No user, object or cluster: the bare log names no cluster.
        assert_eq!(*b.subject, crate::model::Subject::default());
        assert!(b.attrs.is_empty());
        assert_eq!(b.format, super::FORMAT);
    }
    // Nothing but heartbeats: a deployment read proves nothing else.
    assert_eq!(recs.len(), 2);
}

#[test]
fn escaped_strings_read_the_same_as_plain_ones() {
    // Annotations that are not strings are skipped, whatever their shape.
    let plain = POD_CREATE.replace(
        r#""annotations":{"#,
        r#""annotations":{"example.com/count":3,"example.com/tree":{"a":[1,"x",null]},"example.com/on":true,"#,
    );
    let escaped = crate::ingest::lent::escape_every_e(&plain);
    assert_ne!(plain, escaped);
    let (_, from_plain) = run_all(&format!("{plain}\n"));
    let (s, from_escaped) = run_all(&format!("{escaped}\n"));
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(checks(&from_plain), checks(&from_escaped));
    assert_eq!(from_plain, from_escaped);
    assert_eq!(from_escaped[1].attrs["verb"], "create");
}

/// An event whose times cannot be read is kept, undated, and the log says which field
/// of which line could not be read (an undated event proves no day of coverage).
#[test]
fn an_unreadable_event_time_is_named_at_its_field() {
    let good = POD_CREATE.to_string();
    let bad = POD_CREATE
        .replace("2026-10-01T10:00:00.100000Z", "2025-13-45T99:99:99Z")
        .replace("2026-10-01T10:00:00.000000Z", "yesterday");
    let (s, recs) = run(&format!("{good}\n{bad}\n"));
    let undated = recs.iter().filter(|r| r.observed_at.is_none()).count();
    let dated = recs.iter().filter(|r| r.observed_at.is_some()).count();
    assert!(undated > 0 && dated > 0, "{undated} undated, {dated} dated");
    let d = s
        .diagnostics
        .iter()
        .find(|d| d.message.contains("is not a date"))
        .expect("a diagnostic for the unreadable time");
    assert_eq!(d.line, Some(2), "{d}");
    assert_eq!(d.pointer.as_deref(), Some("/stageTimestamp"), "{d}");
    assert!(d.message.contains("2025-13-45T99:99:99Z"), "{d}");
    // A readable line says nothing.
    let (s, _) = run(&format!("{good}\n"));
    assert!(
        !s.diagnostics
            .iter()
            .any(|d| d.message.contains("is not a date")),
        "{:?}",
        s.diagnostics
    );
}
