//! Tests of the GitLab container-scanning parser (`gitlab.rs`): reports written here
//! in the schema 14.x and 15.x shapes.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Record, RecordKind, ScanClass, Severity};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes(
        "gl-container-scanning-report.json",
        text.as_bytes(),
        &IngestOptions::default(),
    )
}

const V15: &str = r#"{
  "version": "15.0.7",
  "scan": {"analyzer": {"id": "gcs", "name": "GitLab Container Scanning", "vendor": {"name": "GitLab"}, "version": "7.4.0"},
           "scanner": {"id": "trivy", "name": "Trivy", "url": "https://github.com/aquasecurity/trivy/", "vendor": {"name": "Aqua Security"}, "version": "0.57.1"},
           "type": "container_scanning", "start_time": "2026-10-05T05:58:00", "end_time": "2026-10-05T06:00:00", "status": "success"},
  "vulnerabilities": [
    {"id": "8f9a6b1c-0d2e-4f3a-9b8c-7d6e5f4a3b2c", "name": "openssl: a flaw in the TLS stack", "description": "A flaw.",
     "severity": "High", "solution": "Upgrade libssl3 to 3.0.13-1",
     "location": {"dependency": {"package": {"name": "libssl3"}, "version": "3.0.11-1"}, "operating_system": "debian 12.5",
                  "image": "contosoacr.azurecr.io/payments/api:1.9.0"},
     "identifiers": [{"type": "cve", "name": "CVE-2026-11873", "value": "CVE-2026-11873", "url": "https://nvd.nist.gov/vuln/detail/CVE-2026-11873"},
                     {"type": "ghsa", "name": "GHSA-abcd", "value": "GHSA-abcd-1234-wxyz"}]},
    {"id": "CVE-2025-48811", "name": "zlib: a flaw", "severity": "Low", "solution": "No solution provided",
     "location": {"dependency": {"package": {"name": "zlib1g"}, "version": "1:1.2.13"}, "image": "contosoacr.azurecr.io/payments/api:1.9.0"},
     "identifiers": [{"type": "cve", "name": "CVE-2025-48811", "value": "CVE-2025-48811"}]}
  ],
  "remediations": []
}"#;

#[test]
fn schema_15_vulnerabilities_of_an_image_and_one_scan() {
    let (s, recs) = run(V15);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 3);
    let v = &recs[0];
    assert_eq!(v.kind, RecordKind::Vulnerability);
    assert_eq!(v.check, "CVE-2026-11873");
    assert_eq!(v.aliases, vec!["GHSA-abcd-1234-wxyz".to_string()]);
    assert_eq!(v.severity, Severity::High);
    assert_eq!(v.title, "openssl: a flaw in the TLS stack");
    let f = v.vuln().unwrap();
    assert_eq!(
        (
            f.package.as_str(),
            f.installed.as_str(),
            f.fixed_in.as_str()
        ),
        ("libssl3", "3.0.11-1", "3.0.13-1")
    );
    assert!(f.fixable);
    assert_eq!(
        v.subject.image.as_ref().unwrap().tagged(),
        "contosoacr.azurecr.io/payments/api:1.9.0"
    );
    assert_eq!(v.tool, "Trivy 0.57.1");
    assert_eq!(
        v.observed_at.unwrap().to_rfc3339(),
        "2026-10-05T06:00:00+00:00"
    );
    assert!(!recs[1].vuln().unwrap().fixable);
    let scan = &recs[2];
    assert_eq!(scan.scan_class(), Some(ScanClass::Vulnerability));
    assert_eq!(scan.subject.image, v.subject.image);
    assert_eq!(scan.attrs["schema_version"], "15.0.7");
}

#[test]
fn schema_14_with_message_cve_and_scanner_per_vulnerability() {
    let text = r#"{"version": "14.0.4", "vulnerabilities": [
  {"id": "2f5d9a34", "category": "container_scanning", "message": "CVE-2019-3462 in apt", "description": "Incorrect sanitation.",
   "cve": "debian:9:apt:CVE-2019-3462", "severity": "Critical", "confidence": "Unknown", "solution": "Upgrade apt from 1.4.8 to 1.4.9",
   "scanner": {"id": "klar", "name": "klar"},
   "location": {"dependency": {"package": {"name": "apt"}, "version": "1.4.8"}, "operating_system": "debian:9",
                "image": "registry.gitlab.example/group/app/master:5f21de69"},
   "identifiers": [{"type": "cve", "name": "CVE-2019-3462", "value": "CVE-2019-3462"}], "links": []},
  {"category": "container_scanning", "message": "no identifier", "identifiers": []}
 ], "remediations": []}"#;
    let (s, recs) = run(text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 2);
    let v = &recs[0];
    assert_eq!(v.check, "CVE-2019-3462");
    assert!(v.aliases.is_empty());
    assert_eq!(v.title, "CVE-2019-3462 in apt");
    assert_eq!(v.vuln().unwrap().fixed_in, "1.4.9");
    assert_eq!(v.tool, "klar");
    assert_eq!(v.observed_at, None, "no scan time: no time");
    assert_eq!(v.severity, Severity::Critical);
    assert_eq!(recs[1].tool, "klar");
}

#[test]
fn an_archive_is_a_target_and_bad_input_does_not_panic() {
    let text = V15.replace(
        "contosoacr.azurecr.io/payments/api:1.9.0",
        "testdata/images/alpine-310.tar.gz",
    );
    let (_, recs) = run(&text);
    assert!(recs.iter().all(|r| r.subject.image.is_none()));
    assert_eq!(
        recs[0].subject.target.as_deref(),
        Some("testdata/images/alpine-310.tar.gz")
    );
    let text = V15.replace(r#""severity": "Low""#, r#""severity": ["Low"]"#);
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 1);
    assert_eq!(recs.len(), 2);
    let (s, recs) = run(&V15[..V15.len() / 2]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
