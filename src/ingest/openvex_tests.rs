//! Tests of the OpenVEX parser (`openvex.rs`): documents written here in the 0.0.x and
//! 0.2.x shapes of the OpenVEX specification.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::ingest::source::ingest_bytes;
use crate::ingest::{IngestOptions, SourceSummary};
use crate::model::{Facts, Outcome, Record, RecordKind, VexFacts, VexStatus};

fn run(text: &str) -> (SourceSummary, Vec<Record>) {
    ingest_bytes(
        "platform.vex.json",
        text.as_bytes(),
        &IngestOptions::default(),
    )
}

fn facts(r: &Record) -> &VexFacts {
    match &r.facts {
        Facts::Vex(v) => v,
        other => panic!("not a VEX record: {other:?}"),
    }
}

#[test]
fn v0_2_statements_about_an_image_and_its_packages() {
    let text = r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://vex.contoso.example/platform/2026-11-02",
  "author": "Contoso Platform Team <platform@contoso.example>",
  "timestamp": "2026-11-02T09:00:00Z",
  "version": 2,
  "tooling": "vexctl 0.3.0",
  "statements": [
    {
      "vulnerability": {"@id": "https://nvd.nist.gov/vuln/detail/CVE-2026-11873", "name": "CVE-2026-11873",
                        "aliases": ["GHSA-abcd-1234-wxyz"]},
      "products": [
        {"@id": "pkg:oci/api@sha256%3A5f1e?repository_url=contosoacr.azurecr.io%2Fpayments%2Fapi&tag=1.9.0",
         "subcomponents": [{"@id": "pkg:deb/debian/libssl3@3.0.11-1"}, {"@id": "pkg:deb/debian/openssl@3.0.11-1"}]}
      ],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "impact_statement": "The service terminates TLS at the ingress; libssl is never loaded for TLS.",
      "timestamp": "2026-11-01T08:00:00Z",
      "last_updated": "2026-11-02T08:30:00Z"
    },
    {
      "vulnerability": {"name": "GHSA-9f8e-7d6c-5b4a", "aliases": []},
      "products": [{"@id": "contosoacr.azurecr.io/shop/web:2.4.1", "identifiers": {"purl": "pkg:oci/web"}}],
      "status": "under_investigation",
      "status_notes": "Triage opened as PLAT-1432."
    },
    {
      "vulnerability": {"name": "CVE-2026-0001"},
      "products": [{"@id": "https://contoso.example/products/portal", "identifiers": {"purl": "pkg:golang/contoso.example/portal@1.4.0"}}],
      "status": "affected",
      "action_statement": "Upgrade golang.org/x/net to v0.23.0 in portal 1.4.1."
    }
  ]
}"#;
    let (s, recs) = run(text);
    assert_eq!(s.formats, vec![super::FORMAT]);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(
        recs.len(),
        4,
        "two subcomponents, then one record per statement"
    );
    assert!(recs
        .iter()
        .all(|r| r.kind == RecordKind::Vex && r.outcome == Outcome::Info));
    let (a, b) = (&recs[0], &recs[1]);
    assert_eq!(a.check, "CVE-2026-11873");
    assert_eq!(a.aliases, vec!["GHSA-abcd-1234-wxyz".to_string()]);
    let image = a.subject.image.as_ref().unwrap();
    assert_eq!(
        image.to_string(),
        "contosoacr.azurecr.io/payments/api:1.9.0@sha256:5f1e"
    );
    assert_eq!(
        a.subject.target.as_deref(),
        Some("pkg:deb/debian/libssl3@3.0.11-1")
    );
    assert_eq!(
        b.subject.target.as_deref(),
        Some("pkg:deb/debian/openssl@3.0.11-1")
    );
    let f = facts(a);
    assert_eq!(f.status, VexStatus::NotAffected);
    assert_eq!(
        f.justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert!(f
        .impact
        .as_deref()
        .unwrap()
        .starts_with("The service terminates TLS"));
    assert_eq!(
        f.author.as_deref(),
        Some("Contoso Platform Team <platform@contoso.example>")
    );
    assert_eq!(
        f.document.as_deref(),
        Some("https://vex.contoso.example/platform/2026-11-02")
    );
    assert_eq!(a.tool, "vexctl 0.3.0");
    assert_eq!(
        a.observed_at.unwrap().to_rfc3339(),
        "2026-11-02T08:30:00+00:00",
        "the statement's last update"
    );
    assert_eq!(a.provenance.line.map(u64::from), Some(9));
    assert_eq!(
        a.provenance.pointer.as_deref(),
        Some("/statements/0/products/0")
    );
    assert_eq!(
        a.title,
        "VEX: CVE-2026-11873 not_affected (vulnerable_code_not_in_execute_path)"
    );

    let inv = &recs[2];
    assert_eq!(inv.check, "GHSA-9f8e-7d6c-5b4a");
    assert_eq!(facts(inv).status, VexStatus::UnderInvestigation);
    assert_eq!(
        facts(inv).impact.as_deref(),
        Some("Triage opened as PLAT-1432.")
    );
    assert_eq!(
        inv.subject.image.as_ref().unwrap().tagged(),
        "contosoacr.azurecr.io/shop/web:2.4.1"
    );
    assert_eq!(
        inv.observed_at.unwrap().to_rfc3339(),
        "2026-11-02T09:00:00+00:00"
    );

    let aff = &recs[3];
    assert_eq!(facts(aff).status, VexStatus::Affected);
    assert_eq!(aff.subject.image, None);
    assert_eq!(
        aff.subject.target.as_deref(),
        Some("pkg:golang/contoso.example/portal@1.4.0"),
        "a URL @id gives way to the package URL"
    );
    assert!(facts(aff).action.as_deref().unwrap().contains("v0.23.0"));
}

#[test]
fn v0_0_string_vulnerability_products_and_subcomponents() {
    let text = r#"{
  "@context": "https://openvex.dev/ns",
  "@id": "https://openvex.dev/docs/public/vex-0c5f",
  "author": "Unknown Author",
  "role": "Document Creator",
  "timestamp": "2023-01-10T20:24:50.498233798-06:00",
  "version": "1",
  "statements": [
    {"vulnerability": "CVE-2023-12345", "products": ["pkg:apk/wolfi/git@2.38.1-r0?arch=x86_64", "ghcr.io/acme/tools:1.0"],
     "subcomponents": ["pkg:apk/wolfi/curl@8.0.1-r0"],
     "status": "fixed", "status_notes": "Rebuilt with curl 8.0.1"}
  ]
}"#;
    let (s, recs) = run(text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(recs.len(), 2);
    assert_eq!(
        recs[0].subject.target.as_deref(),
        Some("pkg:apk/wolfi/git@2.38.1-r0?arch=x86_64")
    );
    assert_eq!(recs[0].attrs["component"], "pkg:apk/wolfi/curl@8.0.1-r0");
    assert_eq!(
        recs[1].subject.image.as_ref().unwrap().tagged(),
        "ghcr.io/acme/tools:1.0"
    );
    assert_eq!(
        recs[1].subject.target.as_deref(),
        Some("pkg:apk/wolfi/curl@8.0.1-r0")
    );
    assert!(recs.iter().all(|r| facts(r).status == VexStatus::Fixed));
    assert_eq!(
        recs[0].observed_at.unwrap().to_rfc3339(),
        "2023-01-11T02:24:50.498233798+00:00"
    );
    assert_eq!(recs[0].tool, "openvex");
}

#[test]
fn statements_are_never_folded_even_on_the_same_day() {
    // The same vulnerability and product, investigated in the morning and cleared in
    // the afternoon: both statements stay, each with its time.
    let text = r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "timestamp": "2026-11-02T07:00:00Z", "version": 1,
 "statements": [
  {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "ghcr.io/a/b:1"}], "status": "under_investigation", "timestamp": "2026-11-02T08:00:00Z"},
  {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "ghcr.io/a/b:1"}], "status": "not_affected", "justification": "component_not_present", "timestamp": "2026-11-02T15:00:00Z"}
 ]}"#;
    let (_, recs) = run(text);
    assert_eq!(recs.len(), 2);
    assert!(recs.iter().all(|r| r.count == 1));
    assert_eq!(facts(&recs[1]).status, VexStatus::NotAffected);
}

#[test]
fn a_bad_statement_costs_one_diagnostic_and_truncation_does_not_panic() {
    let text = r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "version": 1,
 "statements": [
  {"vulnerability": {"name": ["CVE-1"]}, "products": ["ghcr.io/a/b:1"], "status": "affected"},
  {"vulnerability": "CVE-2", "products": ["ghcr.io/a/b:1"], "status": "maybe"},
  {"vulnerability": "CVE-3", "status": "fixed"},
  {"vulnerability": "CVE-4", "products": ["ghcr.io/a/b:1"], "status": "fixed"}
 ]}"#;
    let (s, recs) = run(text);
    assert_eq!(s.diagnostics.len(), 3, "{:?}", s.diagnostics);
    assert_eq!(s.diagnostics[0].line, Some(3));
    assert!(s.diagnostics[1].message.contains("unknown status"));
    assert!(s.diagnostics[2].message.contains("no product"));
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].check, "CVE-4");
    assert_eq!(recs[0].observed_at, None, "no time anywhere: none");
    let (s, recs) = run(&text[..text.len() - 40]);
    assert!(recs.is_empty());
    assert_eq!(s.diagnostics.len(), 1);
}
