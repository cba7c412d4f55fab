//! Bad input costs only what is bad (`lax.rs`, `Doc::parse_at`): a wrong-typed incidental
//! field is read as not evidenced with a located warning, an unreadable date leaves the
//! records undated with a located warning, an array where an object belongs and an entry
//! without an id cost that item alone, with a diagnostic. Each document is written here
//! in the shape of the tool's real output, then broken in one place.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::diag::{Code, Diagnostic};
use crate::ingest::source::ingest_bytes;
use crate::ingest::IngestOptions;
use crate::model::Record;

fn run(file: &str, text: &str) -> (Vec<Diagnostic>, Vec<Record>) {
    let (s, recs) = ingest_bytes(file, text.as_bytes(), &IngestOptions::default());
    assert_eq!(s.formats.len(), 1, "{file}: {:?}", s.formats);
    (s.diagnostics, recs)
}

/// `good` reads cleanly; `good` with `from` replaced by `to` keeps every record and
/// says, at `pointer` in `file`, a message containing `says`. Returns the bad records.
fn keeps_all(
    file: &str,
    good: &str,
    from: &str,
    to: &str,
    pointer: &str,
    says: &str,
) -> Vec<Record> {
    let (d, ok) = run(file, good);
    assert!(d.is_empty(), "{file}: {d:?}");
    assert!(!ok.is_empty(), "{file}");
    assert!(good.contains(from), "{file}: {from}");
    let (d, recs) = run(file, &good.replacen(from, to, 1));
    assert_eq!(recs.len(), ok.len(), "{file}: records lost; {d:?}");
    let hit = d
        .iter()
        .find(|x| x.pointer.as_deref() == Some(pointer))
        .unwrap_or_else(|| panic!("{file}: no diagnostic at {pointer}: {d:?}"));
    assert_eq!(hit.file, file);
    assert_eq!(hit.code, Code::Suspicious, "{hit}");
    assert!(hit.line.is_some(), "{hit}");
    assert!(hit.message.contains(says), "{file}: {}", hit.message);
    recs
}

const TRIVY: &str = r#"{
  "SchemaVersion": 2, "CreatedAt": "2021-08-25T12:20:30.000000005Z",
  "ArtifactName": "debian:stretch", "ArtifactType": "container_image",
  "Metadata": {"OS": {"Family": "debian", "Name": "9.13"}, "RepoTags": ["debian:stretch"]},
  "Trivy": {"Version": "0.50.1"},
  "Results": [{"Target": "debian:stretch (debian 9.13)", "Class": "os-pkgs", "Type": "debian",
    "Vulnerabilities": [
      {"VulnerabilityID": "CVE-2011-3374", "PkgName": "apt", "InstalledVersion": "1.4.9", "Severity": "LOW"},
      {"VulnerabilityID": "CVE-2021-3711", "PkgName": "libssl1.1", "InstalledVersion": "1.1.0l-1~deb9u1", "FixedVersion": "1.1.0l-1~deb9u4", "Severity": "CRITICAL"}
    ]}]
}"#;

#[test]
fn trivy_epoch_created_at_keeps_the_records_and_names_the_field() {
    let recs = keeps_all(
        "trivy.json",
        TRIVY,
        r#""2021-08-25T12:20:30.000000005Z""#,
        "1629894030",
        "/CreatedAt",
        "number `1629894030` is not a date (expected an RFC 3339 timestamp",
    );
    assert!(recs.iter().all(|r| r.observed_at.is_none()));
}

#[test]
fn trivy_impossible_date_is_reported_not_silently_undated() {
    let recs = keeps_all(
        "trivy.json",
        TRIVY,
        "2021-08-25T12:20:30.000000005Z",
        "2025-13-45T99:99:99Z",
        "/CreatedAt",
        r#""2025-13-45T99:99:99Z" is not a date (expected an RFC 3339 timestamp); the records it dates are undated"#,
    );
    assert!(recs.iter().all(|r| r.observed_at.is_none()));
    // The version is read as not evidenced, not as the end of the report.
    keeps_all(
        "trivy.json",
        TRIVY,
        r#""Version": "0.50.1""#,
        r#""Version": 50"#,
        "/Trivy/Version",
        "invalid type: integer `50`, expected a string; read as not evidenced",
    );
}

const POLICY_REPORT: &str = r#"{"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
 "metadata": {"name": "cpol-x", "namespace": "default", "creationTimestamp": "2023-12-06T13:19:03Z",
   "labels": {"app.kubernetes.io/managed-by": "kyverno"},
   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "controller": true}]},
 "results": [
   {"policy": "disallow-privileged", "rule": "privileged", "result": "fail", "severity": "high", "source": "kyverno"},
   {"policy": "require-labels", "rule": "check", "result": "pass", "source": "kyverno"}
 ]}"#;

#[test]
fn policy_report_owner_kind_of_the_wrong_type() {
    keeps_all(
        "polr.json",
        POLICY_REPORT,
        r#""kind": "Deployment""#,
        r#""kind": 5"#,
        "/metadata/ownerReferences/0/kind",
        "invalid type: integer `5`, expected a string",
    );
}

const GITLAB: &str = r#"{"version": "15.0.7",
  "scan": {"scanner": {"id": "trivy", "name": "Trivy", "version": "0.57.1"}, "type": "container_scanning",
           "start_time": "2026-10-05T05:58:00", "end_time": "2026-10-05T06:00:00", "status": "success"},
  "vulnerabilities": [
    {"id": "CVE-2025-48811", "name": "zlib: a flaw", "severity": "Low",
     "location": {"dependency": {"package": {"name": "zlib1g"}, "version": "1:1.2.13"}, "image": "registry.example/api:1.9.0"},
     "identifiers": [{"type": "cve", "name": "CVE-2025-48811", "value": "CVE-2025-48811"}]}
  ]}"#;

#[test]
fn gitlab_numeric_scanner_version() {
    keeps_all(
        "gl.json",
        GITLAB,
        r#""version": "0.57.1""#,
        r#""version": 15"#,
        "/scan/scanner/version",
        "invalid type: integer `15`, expected a string",
    );
}

const KUBESCAPE: &str = r#"{"generationTime": "2026-11-19T05:00:00Z", "clusterName": "aks-prod",
  "summaryDetails": {"controls": {
      "C-0030": {"controlID": "C-0030", "name": "Ingress and Egress blocked", "status": "failed", "scoreFactor": 6},
      "C-0016": {"controlID": "C-0016", "name": "Allow privilege escalation", "status": "passed", "scoreFactor": 6}},
    "frameworks": [{"name": "NSA"}]},
  "results": [{"resourceID": "apps/v1/shop/Deployment/web", "controls": [
      {"controlID": "C-0030", "name": "Ingress and Egress blocked", "status": {"status": "failed"}},
      {"controlID": "C-0016", "name": "Allow privilege escalation", "status": {"status": "passed"}}]}],
  "metadata": {"scanMetadata": {"kubescapeVersion": "v3.0.19", "formatVersion": "v2"}}}"#;

#[test]
fn kubescape_score_factor_of_the_wrong_type() {
    keeps_all(
        "ks.json",
        KUBESCAPE,
        r#""status": "failed", "scoreFactor": 6"#,
        r#""status": "failed", "scoreFactor": "abc""#,
        "/summaryDetails/controls/C-0030/scoreFactor",
        "invalid type: string \"abc\", expected f64",
    );
}

const SARIF: &str = r#"{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
 "runs": [{"tool": {"driver": {"name": "Trivy", "version": "0.50.1", "rules": [
     {"id": "CVE-2021-36159", "shortDescription": {"text": "libfetch"},
      "properties": {"security-severity": "9.1", "tags": ["vulnerability", "security", "CRITICAL"]}}]}},
   "results": [{"ruleId": "CVE-2021-36159", "ruleIndex": 0, "level": "error",
     "message": {"text": "Package: apk-tools\nInstalled Version: 2.10.6-r0\nVulnerability CVE-2021-36159\nSeverity: CRITICAL\nFixed Version: 2.10.7-r0"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "library/alpine", "uriBaseId": "ROOTPATH"}}}]}],
   "properties": {"imageName": "alpine:3.10", "repoTags": ["alpine:3.10"]}}]}"#;

#[test]
fn sarif_numeric_driver_version() {
    keeps_all(
        "scan.sarif",
        SARIF,
        r#""version": "0.50.1""#,
        r#""version": 12345"#,
        "/runs/0/tool/driver/version",
        "invalid type: integer `12345`, expected a string",
    );
}

const OPERATOR: &str = r#"{"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "VulnerabilityReport",
 "metadata": {"name": "replicaset-nginx-6d4cf56db6-nginx", "namespace": "default",
   "labels": {"trivy-operator.container.name": "nginx", "trivy-operator.resource.kind": "ReplicaSet",
              "trivy-operator.resource.name": "nginx-6d4cf56db6", "trivy-operator.resource.namespace": "default"}},
 "report": {"updateTimestamp": "2024-01-23T13:43:55Z",
   "scanner": {"name": "Trivy", "vendor": "Aqua Security", "version": "0.48.3"},
   "registry": {"server": "index.docker.io"},
   "artifact": {"repository": "library/nginx", "tag": "1.25"},
   "os": {"family": "debian", "name": "12.4"},
   "vulnerabilities": [
     {"vulnerabilityID": "CVE-2024-0553", "resource": "libgnutls30", "installedVersion": "3.7.9-2", "fixedVersion": "3.7.9-2+deb12u2", "severity": "CRITICAL"},
     {"vulnerabilityID": "CVE-2011-3374", "resource": "apt", "installedVersion": "2.6.1", "fixedVersion": "", "severity": "LOW"}
   ]}}"#;

#[test]
fn trivy_operator_numeric_os_name() {
    keeps_all(
        "op.json",
        OPERATOR,
        r#""name": "12.4""#,
        r#""name": 1"#,
        "/report/os/name",
        "invalid type: integer `1`, expected a string",
    );
}

const GRYPE: &str = r#"{"matches": [
  {"vulnerability": {"id": "CVE-2019-5188", "severity": "Medium"},
   "artifact": {"name": "e2fsprogs", "version": "1.44.5-1+deb10u2", "type": "deb"}},
  {"vulnerability": {"id": "CVE-2022-1304", "severity": "High"},
   "artifact": {"name": "libext2fs2", "version": "1.44.5-1+deb10u2", "type": "deb"}},
  {"vulnerability": {"id": "CVE-2011-3374", "severity": "Negligible"},
   "artifact": {"name": "apt", "version": "1.8.2.3", "type": "deb"}}
 ],
 "source": {"type": "image", "target": {"userInput": "debian:10"}},
 "descriptor": {"name": "grype", "version": "0.94.0", "timestamp": "2025-06-19T11:43:35.523947199+02:00"}}"#;

#[test]
fn grype_unreadable_timestamp() {
    let recs = keeps_all(
        "grype.json",
        GRYPE,
        "2025-06-19T11:43:35.523947199+02:00",
        "2025-13-45T99:99:99Z",
        "/descriptor/timestamp",
        "is not a date",
    );
    assert!(recs.iter().all(|r| r.observed_at.is_none()));
}

/// Diagnostics at `pointer` of code bad-record whose message contains `says`.
fn bad_at(d: &[Diagnostic], pointer: &str, says: &str) -> bool {
    d.iter().any(|x| {
        x.code == Code::BadRecord
            && x.pointer.as_deref() == Some(pointer)
            && x.message.contains(says)
            && x.line.is_some()
    })
}

#[test]
fn grype_array_wrapped_match_and_empty_id_cost_one_item_each_with_a_diagnostic() {
    let (_, ok) = run("grype.json", GRYPE);
    let text = GRYPE
        .replacen(
            r#"{"vulnerability": {"id": "CVE-2019-5188", "severity": "Medium"},
   "artifact": {"name": "e2fsprogs", "version": "1.44.5-1+deb10u2", "type": "deb"}}"#,
            r#"[{"vulnerability": {"id": "CVE-2019-5188", "severity": "Medium"},
   "artifact": {"name": "e2fsprogs", "version": "1.44.5-1+deb10u2", "type": "deb"}}]"#,
            1,
        )
        .replacen(r#""id": "CVE-2022-1304""#, r#""id": """#, 1);
    let (d, recs) = run("grype.json", &text);
    let vulns = |r: &[Record]| {
        r.iter()
            .filter(|r| r.kind == crate::model::RecordKind::Vulnerability)
            .count()
    };
    assert_eq!(vulns(&recs), vulns(&ok) - 2, "{d:?}");
    assert!(
        bad_at(&d, "/matches/0", "expected a JSON object, found an array"),
        "{d:?}"
    );
    assert!(
        bad_at(&d, "/matches/1/vulnerability/id", "without an identifier"),
        "{d:?}"
    );
}

#[test]
fn sarif_run_wrapped_in_an_array_is_reported() {
    let text = SARIF.replacen(r#""runs": [{"#, r#""runs": [[{"#, 1);
    let text = format!("{}]}}", text.strip_suffix('}').unwrap());
    assert!(text.ends_with("}]]}"), "{text}");
    let (d, recs) = run("scan.sarif", &text);
    assert!(recs.is_empty());
    assert!(
        bad_at(&d, "/runs/0", "expected a JSON object, found an array"),
        "{d:?}"
    );
}

#[test]
fn kube_bench_result_without_a_test_number_is_reported() {
    let text = r#"{"Controls":[{"id":"1","version":"1.6","text":"Master Node","node_type":"master","tests":[{"section":"1.1","desc":"Files","results":[
{"test_number":"1.1.1","test_desc":"Perms (Automated)","status":"FAIL","scored":true},
{"test_number":"","test_desc":"Review","status":"WARN","scored":false},
{"test_number":null,"test_desc":"Ok","status":"PASS","scored":true}]}]}],"Totals":{"total_pass":1}}"#;
    let (d, _) = run("kb.json", text);
    for i in [1, 2] {
        let p = format!("/Controls/0/tests/0/results/{i}/test_number");
        assert!(bad_at(&d, &p, "without a test_number"), "{p}: {d:?}");
    }
}

#[test]
fn a_hard_error_names_the_field() {
    // A decision-relevant field stays strict: the item goes, the pointer says why.
    let text = GRYPE.replacen(r#""severity": "High""#, r#""severity": ["High"]"#, 1);
    let (d, _) = run("grype.json", &text);
    assert!(
        d.iter().any(
            |x| x.pointer.as_deref() == Some("/matches/1/vulnerability/severity")
                && x.message.contains("expected")
        ),
        "{d:?}"
    );
}
