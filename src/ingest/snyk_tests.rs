//! Tests of the Snyk container parser (`snyk.rs`): results written here in the
//! `snyk container test --json` shapes (one project with applications, an array).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Record, RecordKind, ScanClass, Severity};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("snyk.json", text.as_bytes(), &IngestOptions::default())
}

const PROJECT: &str = r#"{
  "vulnerabilities": [
    {"id": "SNYK-DEBIAN12-OPENSSL-6190001", "title": "Improper Input Validation", "severity": "high", "cvssScore": 7.5,
     "packageName": "openssl", "name": "openssl/libssl3", "version": "3.0.11-1", "fixedIn": ["3.0.13-1"],
     "identifiers": {"CVE": ["CVE-2026-11873"], "CWE": ["CWE-20"], "ALTERNATIVE": []},
     "from": ["docker-image|contosoacr.azurecr.io/payments/api@1.9.0", "openssl/libssl3@3.0.11-1"]},
    {"id": "SNYK-DEBIAN12-OPENSSL-6190001", "title": "Improper Input Validation", "severity": "high",
     "packageName": "openssl", "name": "openssl/libssl3", "version": "3.0.11-1", "fixedIn": ["3.0.13-1"],
     "identifiers": {"CVE": ["CVE-2026-11873"]},
     "from": ["docker-image|contosoacr.azurecr.io/payments/api@1.9.0", "curl/libcurl4@7.88.1-10", "openssl/libssl3@3.0.11-1"]},
    {"id": "SNYK-DEBIAN12-ZLIB-6008963", "title": "Integer Overflow", "severity": "low", "packageName": "zlib",
     "name": "zlib/zlib1g", "version": "1:1.2.13", "fixedIn": [], "identifiers": {"CVE": [], "CWE": []}}
  ],
  "ok": false, "dependencyCount": 97, "org": "contoso", "packageManager": "deb",
  "docker": {"baseImage": "debian:12.5-slim"},
  "summary": "3 vulnerable dependency paths", "uniqueCount": 2,
  "projectName": "docker-image|contosoacr.azurecr.io/payments/api", "platform": "linux/amd64",
  "path": "contosoacr.azurecr.io/payments/api:1.9.0",
  "applications": [
    {"vulnerabilities": [{"id": "SNYK-JAVA-ORGYAML-3152153", "title": "Arbitrary Code Execution", "severity": "critical",
       "packageName": "org.yaml:snakeyaml", "name": "org.yaml:snakeyaml", "version": "1.33", "fixedIn": ["2.0"],
       "identifiers": {"CVE": ["CVE-2022-1471"], "CWE": ["CWE-502"]}}],
     "ok": false, "dependencyCount": 41, "packageManager": "maven", "targetFile": "/app/payments-api.jar",
     "displayTargetFile": "/app/payments-api.jar", "projectName": "com.contoso:payments-api", "path": "contosoacr.azurecr.io/payments/api:1.9.0"}
  ]
}"#;

#[test]
fn one_record_per_vulnerability_and_package_with_applications() {
    let (s, recs) = run(PROJECT);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let kinds: Vec<&str> = recs.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "vulnerability",
            "vulnerability",
            "scan",
            "vulnerability",
            "scan"
        ]
    );
    let v = &recs[0];
    assert_eq!(v.check, "CVE-2026-11873");
    assert_eq!(v.aliases, vec!["SNYK-DEBIAN12-OPENSSL-6190001".to_string()]);
    let f = v.vuln().unwrap();
    assert_eq!(
        (
            f.package.as_str(),
            f.installed.as_str(),
            f.fixed_in.as_str()
        ),
        ("libssl3", "3.0.11-1", "3.0.13-1")
    );
    assert_eq!(v.severity, Severity::High);
    assert_eq!(
        v.subject.image.as_ref().unwrap().tagged(),
        "contosoacr.azurecr.io/payments/api:1.9.0"
    );
    assert_eq!(v.subject.target, None);
    assert_eq!(v.observed_at, None, "Snyk gives no scan time");
    assert_eq!(v.attrs["base_image"], "debian:12.5-slim");
    let z = &recs[1];
    assert_eq!(z.check, "SNYK-DEBIAN12-ZLIB-6008963", "no CVE: Snyk's id");
    assert!(!z.vuln().unwrap().fixable);
    assert_eq!(recs[2].scan_class(), Some(ScanClass::Vulnerability));
    let app = &recs[3];
    assert_eq!(app.check, "CVE-2022-1471");
    assert_eq!(app.vuln().unwrap().package, "org.yaml:snakeyaml");
    assert_eq!(app.subject.target.as_deref(), Some("/app/payments-api.jar"));
    assert_eq!(app.subject.image, v.subject.image);
    assert_eq!(
        app.provenance.pointer.as_deref(),
        Some("/applications/0/vulnerabilities/0")
    );
    assert_eq!(
        recs[4].subject.target.as_deref(),
        Some("/app/payments-api.jar")
    );
}

#[test]
fn an_array_of_projects_and_an_image_named_by_the_project() {
    let second = PROJECT.replace(
        r#""path": "contosoacr.azurecr.io/payments/api:1.9.0",
  "applications""#,
        r#""path": "contosoacr.azurecr.io/payments/api:1.9.0/payments-api",
  "applications""#,
    );
    let text = format!("[{PROJECT}, {second}]");
    let (s, recs) = run(&text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let images: Vec<String> = recs
        .iter()
        .filter(|r| r.kind == RecordKind::Scan)
        .map(|r| r.subject.image.as_ref().unwrap().tagged())
        .collect();
    assert_eq!(images, vec!["contosoacr.azurecr.io/payments/api:1.9.0"; 4]);
    assert_eq!(
        recs[5].provenance.pointer.as_deref(),
        Some("/1/vulnerabilities/0")
    );
}

#[test]
fn a_bad_vulnerability_costs_one_diagnostic_and_truncation_does_not_panic() {
    let text = PROJECT.replace(r#""version": "1:1.2.13""#, r#""version": 1"#);
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 4);
    let (s, recs) = run(&PROJECT[..PROJECT.len() / 2]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
