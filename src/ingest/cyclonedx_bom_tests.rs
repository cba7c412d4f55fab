//! Tests of the shared CycloneDX reading (`cyclonedx_bom.rs`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;

fn bom(text: &str) -> RawBom<'_> {
    serde_json::from_str(text).unwrap()
}

#[test]
fn the_image_of_trivy_and_grype_boms() {
    // Trivy: the name as given, the digest from RepoDigest.
    let b = bom(
        r#"{"bomFormat": "CycloneDX", "metadata": {"component": {"bom-ref": "pkg:oci/web@sha256%3Aaa?repository_url=contosoacr.azurecr.io%2Fshop%2Fweb",
        "type": "container", "name": "contosoacr.azurecr.io/shop/web:2.4.1", "purl": "pkg:oci/web@sha256%3Aaa?repository_url=contosoacr.azurecr.io%2Fshop%2Fweb",
        "properties": [{"name": "aquasecurity:trivy:RepoDigest", "value": "contosoacr.azurecr.io/shop/web@sha256:aa"},
                       {"name": "aquasecurity:trivy:SchemaVersion", "value": "2"}]}}}"#,
    );
    let i = Components::of(&b).image().unwrap();
    assert_eq!(
        i.to_string(),
        "contosoacr.azurecr.io/shop/web:2.4.1@sha256:aa"
    );
    // Grype/syft: the user input, the manifest digest as version.
    let b = bom(
        r#"{"bomFormat": "CycloneDX", "metadata": {"component": {"bom-ref": "1882f79f", "type": "container",
        "name": "contosoacr.azurecr.io/shop/web:2.4.1", "version": "sha256:bb"}}}"#,
    );
    let i = Components::of(&b).image().unwrap();
    assert_eq!(i.key(), "contosoacr.azurecr.io/shop/web@sha256:bb");
    // An archive scanned by Trivy: no image, the path is the target.
    let b = bom(
        r#"{"bomFormat": "CycloneDX", "metadata": {"component": {"bom-ref": "x", "type": "container",
        "name": "testdata/fixtures/images/alpine-310.tar.gz", "properties": []}}}"#,
    );
    let c = Components::of(&b);
    assert_eq!(c.image(), None);
    assert_eq!(
        c.subject().target.as_deref(),
        Some("testdata/fixtures/images/alpine-310.tar.gz")
    );
}

#[test]
fn tools_in_both_shapes_and_authors() {
    let b = bom(
        r#"{"metadata": {"tools": [{"vendor": "aquasecurity", "name": "trivy", "version": "0.45.0"}]}}"#,
    );
    assert_eq!(tool(b.metadata.as_ref(), "x"), "trivy 0.45.0");
    let b = bom(
        r#"{"metadata": {"tools": {"components": [{"type": "application", "author": "anchore", "name": "grype", "version": "[not provided]"}]},
        "manufacturer": {"name": "Contoso"}}}"#,
    );
    assert_eq!(tool(b.metadata.as_ref(), "x"), "grype");
    assert_eq!(author(b.metadata.as_ref()).as_deref(), Some("Contoso"));
    assert_eq!(tool(None, "cyclonedx"), "cyclonedx");
}

#[test]
fn severity_prefers_the_vulnerability_source_then_nvd() {
    let v: RawVuln = serde_json::from_str(r#"{"id": "CVE-1", "source": {"name": "debian"},
        "ratings": [{"source": {"name": "nvd"}, "severity": "critical"}, {"source": {"name": "debian"}, "severity": "low"},
                    {"source": {"name": "FIRST"}, "score": 0.03, "method": "other"}]}"#).unwrap();
    assert_eq!(severity(&v), Severity::Low);
    let v: RawVuln = serde_json::from_str(r#"{"id": "CVE-1", "source": {"name": "alpine"},
        "ratings": [{"source": {"name": "redhat"}, "severity": "medium"}, {"source": {"name": "nvd"}, "severity": "high"},
                    {"source": {"name": "nvd"}, "severity": "critical"}]}"#).unwrap();
    assert_eq!(severity(&v), Severity::Critical);
    let v: RawVuln = serde_json::from_str(r#"{"id": "CVE-1", "ratings": [{"severity": "none"},
        {"source": {"name": "CISA KEV Catalog"}, "score": 1, "method": "other", "justification": "Listed in CISA KEV"}]}"#).unwrap();
    assert_eq!(severity(&v), Severity::Low);
    assert!(known_exploited(&v));
    let v: RawVuln = serde_json::from_str(r#"{"id": "CVE-1"}"#).unwrap();
    assert_eq!(severity(&v), Severity::Unknown);
    assert!(!known_exploited(&v));
}

#[test]
fn fixed_versions_from_unaffected_versions_and_ranges() {
    let a: RawAffects = serde_json::from_str(r#"{"ref": "r", "versions": [{"version": "1.1.1", "status": "affected"},
        {"range": "vers:generic/>=1.2.1", "status": "unaffected"}, {"range": "vers:generic/>=2.1.3", "status": "unaffected"}]}"#).unwrap();
    assert_eq!(fixed_version(&a).as_deref(), Some("1.2.1"));
    let a: RawAffects = serde_json::from_str(
        r#"{"ref": "r", "versions": [{"version": "3.0.13-1", "status": "unaffected"}]}"#,
    )
    .unwrap();
    assert_eq!(fixed_version(&a).as_deref(), Some("3.0.13-1"));
    let a: RawAffects = serde_json::from_str(
        r#"{"ref": "r", "versions": [{"version": "2.2.2", "status": "affected"}]}"#,
    )
    .unwrap();
    assert_eq!(fixed_version(&a), None);
}
