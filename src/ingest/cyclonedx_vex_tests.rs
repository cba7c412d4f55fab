//! Tests of the CycloneDX VEX parser (`cyclonedx_vex.rs`): documents written here in
//! the shapes of CycloneDX 1.4 (CISA use cases) and 1.5/1.6 (analysis times).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Facts, Record, RecordKind, VexFacts, VexStatus};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("vex.cdx.json", text.as_bytes(), &IngestOptions::default())
}

fn facts(r: &Record) -> &VexFacts {
    match &r.facts {
        Facts::Vex(v) => v,
        other => panic!("not a VEX record: {other:?}"),
    }
}

#[test]
fn v1_4_statement_about_the_document_product() {
    let text = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
  "metadata": {"timestamp": "2026-03-03T00:00:00Z",
               "component": {"name": "Portal", "version": "4.2", "type": "application", "bom-ref": "product-portal"}},
  "vulnerabilities": [
    {"id": "CVE-2021-44228", "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"},
     "analysis": {"state": "not_affected", "justification": "code_not_present", "response": ["will_not_fix"],
                  "detail": "The JNDI lookup class was removed before shipping."},
     "affects": [{"ref": "product-portal"}]}
  ]
}"#;
    let (s, recs) = run(text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!(r.kind, RecordKind::Vex);
    assert_eq!(r.check, "CVE-2021-44228");
    assert_eq!(r.subject.target.as_deref(), Some("Portal@4.2"));
    assert_eq!(r.subject.image, None);
    let f = facts(r);
    assert_eq!(f.status, VexStatus::NotAffected);
    assert_eq!(f.justification.as_deref(), Some("code_not_present"));
    assert!(f.impact.as_deref().unwrap().contains("JNDI"));
    assert_eq!(f.action, None, "a response is an action only when affected");
    assert_eq!(r.attrs["response"], "will_not_fix");
    assert_eq!(
        r.observed_at.unwrap().to_rfc3339(),
        "2026-03-03T00:00:00+00:00"
    );
    assert_eq!(
        r.provenance.pointer.as_deref(),
        Some("/vulnerabilities/0/affects/0")
    );
}

#[test]
fn v1_5_image_bom_with_package_statements_and_analysis_times() {
    let text = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", "version": 3,
  "metadata": {"timestamp": "2026-11-01T00:00:00Z", "authors": [{"name": "Contoso Platform Team"}],
    "component": {"bom-ref": "img", "type": "container", "name": "contosoacr.azurecr.io/payments/api:1.9.0", "version": "sha256:7c1d"}},
  "components": [{"bom-ref": "libssl", "type": "library", "name": "libssl3", "version": "3.0.11-1", "purl": "pkg:deb/debian/libssl3@3.0.11-1"}],
  "vulnerabilities": [
    {"id": "CVE-2026-11873", "analysis": {"state": "false_positive", "detail": "The vulnerable function is not compiled in.",
      "firstIssued": "2026-11-01T09:00:00Z", "lastUpdated": "2026-11-02T10:00:00Z"},
     "affects": [{"ref": "libssl"}, {"ref": "img"}]},
    {"id": "CVE-2026-0422", "analysis": {"state": "exploitable", "response": ["update", "workaround_available"], "detail": "Reachable from the API.",
      "firstIssued": "2026-11-03T09:00:00Z"},
     "affects": [{"ref": "urn:cdx:other-bom/1#pkg"}]},
    {"id": "CVE-2026-0423", "analysis": {"state": "in_triage"}, "affects": [{"ref": "img"}]},
    {"id": "CVE-2026-0424", "analysis": {"state": "resolved_with_pedigree"}, "affects": [{"ref": "img"}]}
  ]
}"#;
    let (s, recs) = run(text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 5);
    let (pkg, img) = (&recs[0], &recs[1]);
    assert_eq!(
        pkg.subject.image.as_ref().unwrap().key(),
        "contosoacr.azurecr.io/payments/api@sha256:7c1d"
    );
    assert_eq!(
        pkg.subject.target.as_deref(),
        Some("pkg:deb/debian/libssl3@3.0.11-1")
    );
    assert_eq!(img.subject.image, pkg.subject.image);
    assert_eq!(img.subject.target, None);
    assert_eq!(facts(pkg).status, VexStatus::NotAffected);
    assert_eq!(pkg.attrs["state"], "false_positive");
    assert_eq!(facts(pkg).author.as_deref(), Some("Contoso Platform Team"));
    assert_eq!(
        facts(pkg).document.as_deref(),
        Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
    );
    assert_eq!(
        pkg.observed_at.unwrap().to_rfc3339(),
        "2026-11-02T10:00:00+00:00"
    );
    let aff = &recs[2];
    assert_eq!(facts(aff).status, VexStatus::Affected);
    assert_eq!(
        facts(aff).action.as_deref(),
        Some("update, workaround_available")
    );
    assert_eq!(
        aff.subject.target.as_deref(),
        Some("urn:cdx:other-bom/1#pkg")
    );
    assert_eq!(
        aff.observed_at.unwrap().to_rfc3339(),
        "2026-11-03T09:00:00+00:00"
    );
    assert_eq!(facts(&recs[3]).status, VexStatus::UnderInvestigation);
    assert_eq!(
        recs[3].observed_at.unwrap().to_rfc3339(),
        "2026-11-01T00:00:00+00:00"
    );
    assert_eq!(facts(&recs[4]).status, VexStatus::Fixed);
}

#[test]
fn bad_statements_cost_one_diagnostic_each_and_truncation_does_not_panic() {
    let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
 "metadata": {"component": {"bom-ref": "app", "type": "application", "name": "app", "purl": "pkg:generic/app@1"}},
 "vulnerabilities": [
  {"id": "CVE-1", "analysis": {"state": "not_affected", "justification": "code_not_reachable"}, "affects": [{"ref": "app"}]},
  {"id": "CVE-2", "analysis": {"state": "maybe"}, "affects": [{"ref": "app"}]},
  {"id": "CVE-3", "affects": [{"ref": "app"}]},
  {"id": "CVE-4", "analysis": {"state": "not_affected"}, "affects": "app"},
  {"id": "CVE-5", "analysis": {"state": "not_affected"}}
 ]}"#;
    let (s, recs) = run(text);
    assert_eq!(s.diagnostics.len(), 4, "{:?}", s.diagnostics);
    assert_eq!(s.diagnostics[0].line, Some(5));
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].subject.target.as_deref(), Some("pkg:generic/app@1"));
    assert_eq!(recs[0].observed_at, None);
    let (s, recs) = run(&text[..text.len() - 50]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}

#[test]
fn a_scanner_bom_with_an_analysis_gives_the_finding_and_the_statement() {
    // Dependency-Track style: the first vulnerability is a plain finding, the second
    // carries its analysis.
    let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
 "metadata": {"component": {"bom-ref": "img", "type": "container", "name": "ghcr.io/acme/api:1"}},
 "components": [{"bom-ref": "c", "type": "library", "name": "curl", "version": "8.0.0", "purl": "pkg:deb/debian/curl@8.0.0"}],
 "vulnerabilities": [
  {"id": "CVE-1", "affects": [{"ref": "c"}]},
  {"id": "CVE-2", "analysis": {"state": "not_affected", "justification": "requires_configuration"}, "affects": [{"ref": "c"}]}
 ]}"#;
    let (s, recs) = run(text);
    assert_eq!(s.formats, vec![crate::ingest::cyclonedx::FORMAT]);
    let kinds: Vec<&str> = recs.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["vulnerability", "vulnerability", "vex", "scan"]);
    assert_eq!(recs[2].format, crate::ingest::cyclonedx::FORMAT);
    assert_eq!(
        recs[2].subject.target.as_deref(),
        Some("pkg:deb/debian/curl@8.0.0")
    );
}
