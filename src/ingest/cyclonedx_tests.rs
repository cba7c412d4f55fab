//! Tests of the CycloneDX scanner-BOM parser (`cyclonedx.rs`): BOMs written here in
//! the shapes Trivy (1.4, tools array; 1.5+, tools object) and Grype write.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Record, RecordKind, ScanClass, Severity};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("bom.cdx.json", text.as_bytes(), &IngestOptions::default())
}

const TRIVY_1_4: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.4",
  "serialNumber": "urn:uuid:0b8ef5f4-4e1c-4d22-9c5e-1f0000000001",
  "version": 1,
  "metadata": {
    "timestamp": "2026-10-05T06:00:00+00:00",
    "tools": [{"vendor": "aquasecurity", "name": "trivy", "version": "0.45.1"}],
    "component": {
      "bom-ref": "pkg:oci/api@sha256%3A7c1d?repository_url=contosoacr.azurecr.io%2Fpayments%2Fapi",
      "type": "container", "name": "contosoacr.azurecr.io/payments/api:1.9.0",
      "purl": "pkg:oci/api@sha256%3A7c1d?repository_url=contosoacr.azurecr.io%2Fpayments%2Fapi",
      "properties": [{"name": "aquasecurity:trivy:RepoDigest", "value": "contosoacr.azurecr.io/payments/api@sha256:7c1d"}]
    }
  },
  "components": [
    {"bom-ref": "os-1", "type": "operating-system", "name": "debian", "version": "12.5"},
    {"bom-ref": "pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12.5", "type": "library", "name": "libssl3",
     "version": "3.0.11-1", "purl": "pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12.5"},
    {"bom-ref": "pkg:deb/debian/zlib1g@1:1.2.13?distro=debian-12.5", "type": "library", "name": "zlib1g",
     "version": "1:1.2.13", "purl": "pkg:deb/debian/zlib1g@1:1.2.13?distro=debian-12.5"}
  ],
  "vulnerabilities": [
    {"id": "CVE-2026-11873", "source": {"name": "debian", "url": "https://salsa.debian.org/security-tracker-team/security-tracker"},
     "ratings": [{"source": {"name": "debian"}, "severity": "high"}, {"source": {"name": "nvd"}, "score": 9.8, "severity": "critical", "method": "CVSSv31"}],
     "description": "A flaw in libssl.", "recommendation": "Upgrade libssl3 to version 3.0.13-1",
     "affects": [{"ref": "pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12.5", "versions": [{"version": "3.0.11-1", "status": "affected"}]}]},
    {"id": "CVE-2025-48811", "source": {"name": "debian"}, "ratings": [{"source": {"name": "debian"}, "severity": "low"}],
     "affects": [{"ref": "pkg:deb/debian/zlib1g@1:1.2.13?distro=debian-12.5"}]}
  ]
}"#;

#[test]
fn trivy_1_4_bom_gives_vulnerabilities_of_the_image_and_a_scan() {
    let (s, recs) = run(TRIVY_1_4);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 3);
    let v = &recs[0];
    assert_eq!(v.kind, RecordKind::Vulnerability);
    assert_eq!(v.check, "CVE-2026-11873");
    assert_eq!(
        v.severity,
        Severity::High,
        "the rating of the vulnerability's own source"
    );
    let f = v.vuln().unwrap();
    assert_eq!(
        (f.package.as_str(), f.installed.as_str()),
        ("libssl3", "3.0.11-1")
    );
    assert_eq!(f.fixed_in, "3.0.13-1");
    assert!(f.fixable);
    assert_eq!(
        v.subject.image.as_ref().unwrap().to_string(),
        "contosoacr.azurecr.io/payments/api:1.9.0@sha256:7c1d"
    );
    assert_eq!(v.tool, "trivy 0.45.1");
    assert_eq!(
        v.observed_at.unwrap().to_rfc3339(),
        "2026-10-05T06:00:00+00:00"
    );
    assert_eq!(v.provenance.pointer.as_deref(), Some("/vulnerabilities/0"));
    assert_eq!(v.provenance.line.map(u64::from), Some(24));
    assert_eq!(v.title, "CVE-2026-11873 in libssl3 3.0.11-1");
    let z = &recs[1];
    assert!(!z.vuln().unwrap().fixable);
    let scan = &recs[2];
    assert_eq!(scan.scan_class(), Some(ScanClass::Vulnerability));
    assert_eq!(
        scan.image_facts().unwrap().os_family.as_deref(),
        Some("debian")
    );
    assert_eq!(scan.image_facts().unwrap().os_name.as_deref(), Some("12.5"));
    assert_eq!(scan.subject.image, v.subject.image);
}

#[test]
fn grype_bom_with_tools_object_ghsa_id_and_kev() {
    let text = r#"{"$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json", "bomFormat": "CycloneDX", "specVersion": "1.6",
 "serialNumber": "urn:uuid:1", "version": 1,
 "metadata": {"timestamp": "2026-10-05T08:00:00+02:00",
   "tools": {"components": [{"type": "application", "author": "anchore", "name": "grype", "version": "0.87.0"}]},
   "component": {"bom-ref": "b1", "type": "container", "name": "contosoacr.azurecr.io/batch/etl:2.1.0", "version": "sha256:e7"}},
 "components": [{"bom-ref": "pkg:deb/debian/xz-utils@5.6.0-0.2?package-id=1a", "type": "library", "name": "xz-utils",
   "version": "5.6.0-0.2", "purl": "pkg:deb/debian/xz-utils@5.6.0-0.2"}],
 "vulnerabilities": [
  {"bom-ref": "urn:uuid:v1", "id": "GHSA-rxwq-x6h5-x525", "source": {"name": "github-language-go"},
   "references": [{"id": "CVE-2024-3094", "source": {"name": "nvd"}}, {"id": "GHSA-rxwq-x6h5-x525", "source": {}}],
   "ratings": [{"score": 10.0, "severity": "critical", "method": "CVSSv31", "vector": "CVSS:3.1/AV:N"},
               {"source": {"name": "CISA KEV Catalog", "url": "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"},
                "score": 1, "method": "other", "justification": "Listed in CISA KEV"}],
   "affects": [{"ref": "pkg:deb/debian/xz-utils@5.6.0-0.2?package-id=1a",
                "versions": [{"version": "5.6.0-0.2", "status": "affected"}, {"range": "vers:deb/>=5.6.1+really5.4.5-1", "status": "unaffected"}]}]}
 ]}"#;
    let (s, recs) = run(text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    let v = &recs[0];
    assert_eq!(v.check, "CVE-2024-3094", "the CVE is the check id");
    assert_eq!(v.aliases, vec!["GHSA-rxwq-x6h5-x525".to_string()]);
    assert_eq!(v.severity, Severity::Critical);
    let f = v.vuln().unwrap();
    assert!(f.known_exploited);
    assert_eq!(f.fixed_in, "5.6.1+really5.4.5-1");
    assert_eq!(v.tool, "grype 0.87.0");
    assert_eq!(
        v.subject.image.as_ref().unwrap().key(),
        "contosoacr.azurecr.io/batch/etl@sha256:e7"
    );
    assert_eq!(
        v.observed_at.unwrap().to_rfc3339(),
        "2026-10-05T06:00:00+00:00"
    );
    assert_eq!(recs.len(), 2);
}

#[test]
fn an_empty_scan_still_proves_the_scan_and_a_bad_vulnerability_costs_one_diagnostic() {
    let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
 "metadata": {"component": {"bom-ref": "c", "type": "container", "name": "ghcr.io/acme/api:1"}},
 "vulnerabilities": [
  {"id": ["CVE-1"], "affects": [{"ref": "c"}]},
  {"ratings": []},
  {"id": "CVE-2026-0002"}
 ]}"#;
    let (s, recs) = run(text);
    assert_eq!(s.diagnostics.len(), 2, "{:?}", s.diagnostics);
    assert_eq!(s.diagnostics[0].line, Some(4));
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].check, "CVE-2026-0002");
    assert_eq!(
        recs[0].observed_at, None,
        "no timestamp: no time, never now"
    );
    let (s, recs) =
        run(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "vulnerabilities": []}"#);
    assert!(s.diagnostics.is_empty());
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].kind, RecordKind::Scan);
    let (s, recs) = run(&TRIVY_1_4[..TRIVY_1_4.len() / 2]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}

#[test]
fn an_sbom_without_vulnerabilities_is_not_a_scan() {
    let (s, recs) = run(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}"#);
    assert!(recs.is_empty());
    assert!(
        s.diagnostics[0]
            .message
            .contains("closest format is cyclonedx"),
        "{}",
        s.diagnostics[0].message
    );
}
