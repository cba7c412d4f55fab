//! Tests of the CSAF VEX parser (`csaf.rs`): documents written here in the shapes of
//! the CSAF 2.0 specification's VEX profile.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Facts, Record, RecordKind, VexFacts, VexStatus};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes("vex.csaf.json", text.as_bytes(), &IngestOptions::default())
}

fn facts(r: &Record) -> &VexFacts {
    match &r.facts {
        Facts::Vex(v) => v,
        other => panic!("not a VEX record: {other:?}"),
    }
}

const DOC: &str = r#"{
  "document": {
    "category": "csaf_vex", "csaf_version": "2.0", "title": "Contoso platform VEX",
    "publisher": {"category": "vendor", "name": "Contoso Platform Team", "namespace": "https://contoso.example"},
    "tracking": {"id": "CONTOSO-VEX-2026-007", "status": "final", "version": "2",
                 "initial_release_date": "2026-10-30T00:00:00Z", "current_release_date": "2026-11-02T12:00:00Z",
                 "revision_history": [{"date": "2026-11-02T12:00:00Z", "number": "2", "summary": "libssl cleared"}],
                 "generator": {"engine": {"name": "Secvisogram", "version": "2.5.0"}}}
  },
  "product_tree": {
    "branches": [{"category": "vendor", "name": "Contoso", "branches": [
      {"category": "product_name", "name": "payments-api", "branches": [
        {"category": "product_version", "name": "1.9.0", "product": {"name": "payments-api 1.9.0", "product_id": "API-1.9.0",
          "product_identification_helper": {"purl": "pkg:oci/api@sha256%3A7c1d?repository_url=contosoacr.azurecr.io%2Fpayments%2Fapi&tag=1.9.0"}}}]}]}],
    "full_product_names": [
      {"name": "libssl3 3.0.11-1", "product_id": "LIBSSL", "product_identification_helper": {"purl": "pkg:deb/debian/libssl3@3.0.11-1"}},
      {"name": "Contoso Portal 4.2", "product_id": "PORTAL-4.2"}
    ],
    "relationships": [{"category": "default_component_of", "product_reference": "LIBSSL", "relates_to_product_reference": "API-1.9.0",
                       "full_product_name": {"name": "libssl3 in payments-api 1.9.0", "product_id": "API-1.9.0:LIBSSL"}}],
    "product_groups": [{"group_id": "PORTALS", "product_ids": ["PORTAL-4.2"]}]
  },
  "vulnerabilities": [
    {"cve": "CVE-2026-11873", "ids": [{"system_name": "Contoso", "text": "CVE-2026-11873"}, {"system_name": "GHSA", "text": "GHSA-abcd-1234-wxyz"}],
     "product_status": {"known_not_affected": ["API-1.9.0:LIBSSL"], "known_affected": ["PORTAL-4.2"]},
     "flags": [{"label": "vulnerable_code_not_in_execute_path", "date": "2026-11-01T09:00:00Z", "product_ids": ["API-1.9.0:LIBSSL"]}],
     "threats": [{"category": "impact", "details": "TLS terminates at the ingress.", "product_ids": ["API-1.9.0:LIBSSL"]}],
     "remediations": [{"category": "vendor_fix", "details": "Upgrade to portal 4.3.", "group_ids": ["PORTALS"], "date": "2026-11-02T08:00:00Z"}]},
    {"ids": [{"system_name": "internal", "text": "CONTOSO-2026-17"}],
     "product_status": {"under_investigation": ["API-1.9.0"], "fixed": ["PORTAL-4.2"], "recommended": ["PORTAL-4.2"]}}
  ]
}"#;

#[test]
fn product_tree_relationships_groups_flags_threats_and_remediations() {
    let (s, recs) = run(DOC);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 4, "recommended states no status");
    assert!(recs.iter().all(|r| r.kind == RecordKind::Vex));
    // Lists in name order: known_affected, known_not_affected.
    let (aff, not) = (&recs[0], &recs[1]);
    assert_eq!(not.check, "CVE-2026-11873");
    assert_eq!(not.aliases, vec!["GHSA-abcd-1234-wxyz".to_string()]);
    assert_eq!(facts(not).status, VexStatus::NotAffected);
    assert_eq!(
        facts(not).justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert_eq!(
        facts(not).impact.as_deref(),
        Some("TLS terminates at the ingress.")
    );
    assert_eq!(facts(not).author.as_deref(), Some("Contoso Platform Team"));
    assert_eq!(facts(not).document.as_deref(), Some("CONTOSO-VEX-2026-007"));
    assert_eq!(
        not.subject.image.as_ref().unwrap().to_string(),
        "contosoacr.azurecr.io/payments/api:1.9.0@sha256:7c1d"
    );
    assert_eq!(
        not.subject.target.as_deref(),
        Some("pkg:deb/debian/libssl3@3.0.11-1")
    );
    assert_eq!(
        not.observed_at.unwrap().to_rfc3339(),
        "2026-11-01T09:00:00+00:00"
    );
    assert_eq!(not.tool, "Secvisogram 2.5.0");
    assert_eq!(
        not.provenance.pointer.as_deref(),
        Some("/vulnerabilities/0/product_status/known_not_affected/0")
    );
    assert_eq!(facts(aff).status, VexStatus::Affected);
    assert_eq!(aff.subject.target.as_deref(), Some("Contoso Portal 4.2"));
    assert_eq!(
        facts(aff).action.as_deref(),
        Some("vendor_fix: Upgrade to portal 4.3.")
    );
    assert_eq!(
        aff.observed_at.unwrap().to_rfc3339(),
        "2026-11-02T08:00:00+00:00"
    );
    let (fixed, inv) = (&recs[2], &recs[3]);
    assert_eq!(fixed.check, "CONTOSO-2026-17");
    assert_eq!(facts(fixed).status, VexStatus::Fixed);
    assert_eq!(facts(inv).status, VexStatus::UnderInvestigation);
    assert_eq!(inv.subject.target, None);
    assert!(inv.subject.image.is_some());
    assert_eq!(
        inv.observed_at.unwrap().to_rfc3339(),
        "2026-11-02T12:00:00+00:00"
    );
}

#[test]
fn unknown_products_and_bad_vulnerabilities_cost_one_diagnostic_each() {
    let text = DOC.replace(
        r#""product_status": {"under_investigation": ["API-1.9.0"]"#,
        r#""product_status": {"under_investigation": ["NOPE"]"#,
    );
    let text = text.replace(
        r#"{"cve": "CVE-2026-11873","#,
        r#"{"cve": ["x"]}, {"cve": "CVE-2026-11873","#,
    );
    let (s, recs) = run(&text);
    assert_eq!(s.diagnostics.len(), 2, "{:?}", s.diagnostics);
    assert!(s.diagnostics[1].message.contains("\"NOPE\""));
    assert_eq!(recs.len(), 3);
    let (s, recs) = run(&DOC[..DOC.len() / 2]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
