//! Scanner parsers against real tool output in `../shared/fixtures` (read in place,
//! never copied into the repository). Skipped when that folder is absent.
//!
//! The expected counts were verified by hand against the files (jq/python).

use muster::ingest::source::ingest_bytes;
use muster::ingest::IngestOptions;
use muster::model::{Facts as MFacts, Format, Record, RecordKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    assert!(
        dir.is_dir() || std::env::var_os("MUSTER_REQUIRE_FIXTURES").is_none(),
        "../shared/fixtures is missing and MUSTER_REQUIRE_FIXTURES is set"
    );
    dir.is_dir().then_some(dir)
}

fn counts(recs: &[Record]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for r in recs {
        *m.entry(r.kind.as_str()).or_insert(0) += 1;
    }
    m
}

/// A Trivy report listing only its failures (the default): `count` configuration
/// scans, none saying which checks it ran (the families of its targets decide).
fn assert_config_scans_list_no_checks(recs: &[Record], count: usize) {
    let config: Vec<&Record> = recs
        .iter()
        .filter(|r| r.scan_class() == Some(muster::model::ScanClass::Configuration))
        .collect();
    assert_eq!(config.len(), count);
    for r in config {
        let MFacts::Scan { ran, families, .. } = &r.facts else {
            panic!("a scan record without scan facts");
        };
        assert!(ran.is_none(), "{ran:?}");
        assert!(!families.is_empty());
    }
}

/// Ingest one fixture; assert its format, record counts by kind and that it is clean.
fn check(dir: &Path, file: &str, format: Format, expected: &[(&str, usize)]) -> Vec<Record> {
    let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (summary, recs) = ingest_bytes(file, &bytes, &IngestOptions::default());
    assert_eq!(summary.formats, vec![format], "{file}");
    assert!(
        summary.diagnostics.is_empty(),
        "{file}: {:?}",
        summary.diagnostics
    );
    let want: BTreeMap<&str, usize> = expected.iter().copied().collect();
    assert_eq!(counts(&recs), want, "{file}");
    for r in &recs {
        assert!(r.provenance.line.is_some(), "{file}: {r:?}");
        if !matches!(r.kind, RecordKind::Scan | RecordKind::Sighting) {
            assert!(r.provenance.pointer.is_some(), "{file}: {r:?}");
        }
    }
    recs
}

fn first(recs: &[Record], kind: RecordKind) -> &Record {
    recs.iter()
        .find(|r| r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} record"))
}

#[test]
fn scanner_fixtures_parse_with_the_expected_counts() {
    let Some(dir) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };

    let recs = check(
        &dir,
        "trivy-image/debian-stretch.json.golden",
        muster::ingest::trivy::FORMAT,
        &[("vulnerability", 5), ("scan", 1)],
    );
    let v = first(&recs, RecordKind::Vulnerability);
    assert_eq!(v.check, "CVE-2019-18276");
    assert_eq!(
        v.subject.image.as_ref().map(|i| i.tagged()).as_deref(),
        Some("ghcr.io/aquasecurity/trivy-test-images:debian-stretch")
    );
    let scan = first(&recs, RecordKind::Scan);
    assert_eq!(
        scan.scan_class(),
        Some(muster::model::ScanClass::Vulnerability)
    );
    let facts = scan
        .image_facts()
        .expect("the scan says what it learnt of the image");
    assert_eq!(facts.os_family.as_deref(), Some("debian"));
    assert_eq!(
        facts
            .created
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
            .as_deref(),
        Some("2019-08-14T00:24:45.872523599Z")
    );

    let recs = check(
        &dir,
        "trivy-image/misconfigurations_and_secrets.json",
        muster::ingest::trivy::FORMAT,
        &[
            ("vulnerability", 2),
            ("misconfiguration", 1),
            ("secret", 2),
            ("scan", 3),
        ],
    );
    let m = first(&recs, RecordKind::Misconfiguration);
    assert_eq!(m.check, "DS-0002");
    assert!(m.has_id("DS002"));
    // It lists its failure alone (MisconfSummary counts 22 passes it does not list):
    // one configuration scan, whose families decide what its silence proves.
    assert_config_scans_list_no_checks(&recs, 1);

    let recs = check(
        &dir,
        "trivy-image/secrets.json.golden",
        muster::ingest::trivy::FORMAT,
        &[("secret", 2), ("scan", 1)],
    );
    let json = serde_json::to_string(&recs).unwrap_or_default();
    assert!(!json.contains("export AWS_ACCESS_KEY_ID"), "{json}");
    assert!(!json.contains("#!/bin/sh"), "{json}");

    // A compliance report (`--report all`) stored beside the k8s reports.
    let recs = check(
        &dir,
        "trivy-k8s/all.json",
        muster::ingest::trivy_compliance::FORMAT,
        &[("benchmark", 2), ("scan", 1)],
    );
    assert_eq!(
        recs.first().map(|r| r.check.as_str()),
        Some("trivy-compliance:1234:1.0")
    );

    let recs = check(
        &dir,
        "trivy-k8s/kubernetes.json",
        muster::ingest::trivy_k8s::FORMAT,
        &[
            ("vulnerability", 10),
            ("misconfiguration", 10),
            ("sighting", 2),
            ("scan", 3),
        ],
    );
    let v = first(&recs, RecordKind::Vulnerability);
    assert_eq!(
        v.subject.cluster.as_deref(),
        Some("arn:aws:eks:us-east-1:576036489467:cluster/monitoring-test-cluster")
    );
    assert_eq!(v.subject.name.as_deref(), Some("redis-follower"));
    assert!(v.subject.image.is_some());
    assert_config_scans_list_no_checks(&recs, 1);

    check(
        &dir,
        "trivy-operator/clustercompliancereport.json",
        muster::ingest::trivy_operator::FORMAT,
        &[("benchmark", 3), ("scan", 1)],
    );
    check(
        &dir,
        "trivy-operator/configauditreport_many.json",
        muster::ingest::trivy_operator::FORMAT,
        &[("misconfiguration", 13), ("scan", 1)],
    );
    let recs = check(
        &dir,
        "trivy-operator/vulnerabilityreport_extended.json",
        muster::ingest::trivy_operator::FORMAT,
        &[("vulnerability", 5), ("scan", 1), ("sighting", 1)],
    );
    let v = first(&recs, RecordKind::Vulnerability);
    assert_eq!(v.subject.namespace.as_deref(), Some("lbc"));
    assert_eq!(v.subject.container.as_deref(), Some("ubuntu"));
    assert_eq!(
        v.subject.image.as_ref().map(|i| i.tagged()).as_deref(),
        Some("docker.io/library/ubuntu:20.04")
    );
    check(
        &dir,
        "trivy-operator/vulnerabilityreport_many.json",
        muster::ingest::trivy_operator::FORMAT,
        &[("vulnerability", 41), ("scan", 1), ("sighting", 1)],
    );

    check(
        &dir,
        "grype/keycloak-test.json",
        muster::ingest::grype::FORMAT,
        &[("vulnerability", 6), ("scan", 1)],
    );
    let recs = check(
        &dir,
        "grype/many_vulns_with_epss_values.json",
        muster::ingest::grype::FORMAT,
        &[("vulnerability", 15), ("scan", 1)],
    );
    let fixable = recs
        .iter()
        .filter(|r| r.vuln().is_some_and(|v| v.fixable))
        .count();
    assert_eq!(fixable, 1);

    let recs = check(
        &dir,
        "sarif/TestSarifPresenter_image.golden",
        muster::ingest::sarif::FORMAT,
        &[("vulnerability", 2), ("scan", 1)],
    );
    assert_eq!(
        recs.first().map(|r| r.check.as_str()),
        Some("CVE-1999-0001")
    );
    check(
        &dir,
        "sarif/alpine-310.sarif.golden",
        muster::ingest::sarif::FORMAT,
        &[("vulnerability", 4), ("scan", 1)],
    );
}

/// A fixture, its format and its record counts by kind.
type Expected = (&'static str, Format, &'static [(&'static str, usize)]);

/// Kubescape, Polaris, GitLab, Snyk, CycloneDX and VEX samples; every file in their
/// folders must be listed here.
#[test]
fn more_scanner_and_vex_fixtures_parse_with_the_expected_counts() {
    let Some(dir) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let expected: &[Expected] = &[
        (
            "kubescape/defectdojo-kubescape-v3.0.3-results.json",
            muster::ingest::kubescape::FORMAT,
            &[("misconfiguration", 20), ("scan", 2)],
        ),
        (
            "polaris/polaris-audit-output.json",
            muster::ingest::polaris::FORMAT,
            &[("misconfiguration", 76), ("scan", 5)],
        ),
        (
            "gitlab/trivy-gitlab-tpl-schema-15.0.7.golden.json",
            muster::ingest::gitlab::FORMAT,
            &[("vulnerability", 4), ("scan", 1)],
        ),
        (
            "snyk/defectdojo-snyk-container-test.json",
            muster::ingest::snyk::FORMAT,
            &[("vulnerability", 13), ("scan", 2)],
        ),
        (
            "cyclonedx/trivy-cdx-1.7-with-vulns.golden.json",
            muster::ingest::cyclonedx::FORMAT,
            &[("vulnerability", 3), ("scan", 1)],
        ),
        (
            "vex/cyclonedx-vex-1.4-not_affected.json",
            muster::ingest::cyclonedx_vex::FORMAT,
            &[("vex", 1)],
        ),
        (
            "vex/trivy-openvex-v0.2.0.json",
            muster::ingest::openvex::FORMAT,
            &[("vex", 21)],
        ),
    ];
    for folder in ["kubescape", "polaris", "gitlab", "snyk", "cyclonedx", "vex"] {
        for entry in std::fs::read_dir(dir.join(folder))
            .into_iter()
            .flatten()
            .flatten()
        {
            let rel = format!("{folder}/{}", entry.file_name().to_string_lossy());
            assert!(
                expected.iter().any(|(f, _, _)| *f == rel),
                "fixture {rel} has no expectation"
            );
        }
    }
    let mut by_file = std::collections::HashMap::new();
    for (file, format, counts) in expected {
        by_file.insert(*file, check(&dir, file, *format, counts));
    }

    // Kubescape: the privileged-container control on the file-scanned Deployment.
    let k = &by_file["kubescape/defectdojo-kubescape-v3.0.3-results.json"];
    let c57 = k.iter().find(|r| r.check == "C-0057").unwrap();
    assert_eq!(c57.outcome, muster::model::Outcome::Pass);
    assert_eq!(c57.severity, muster::model::Severity::High);
    assert_eq!(c57.subject.kind.as_deref(), Some("Deployment"));
    assert_eq!(c57.subject.name.as_deref(), Some("nginx-deployment"));
    assert_eq!(c57.tool, "kubescape v3.0.3");
    assert_eq!(c57.observed_at, None, "generationTime is the zero time");

    // Polaris: per-container checks name the container.
    let p = &by_file["polaris/polaris-audit-output.json"];
    let esc = p
        .iter()
        .find(|r| r.check == "polaris:privilegeEscalationAllowed")
        .unwrap();
    assert_eq!(esc.subject.container.as_deref(), Some("dashboard"));
    assert_eq!(esc.subject.namespace.as_deref(), Some("polaris"));
    assert!(
        p.iter().all(|r| r.subject.cluster.is_none()),
        "a path audit"
    );

    // GitLab via Trivy's template: a scanned archive, so a target and no image.
    let g = &by_file["gitlab/trivy-gitlab-tpl-schema-15.0.7.golden.json"];
    let v = first(g, RecordKind::Vulnerability);
    assert_eq!(v.check, "CVE-2019-1549");
    assert_eq!(v.vuln().unwrap().package, "libcrypto1.1");
    assert_eq!(v.vuln().unwrap().fixed_in, "1.1.1d-r0");
    assert!(v.subject.image.is_none());
    assert!(v.observed_at.is_some(), "scan.end_time");

    // Snyk: the binary package of the OS project, the CVE as id, no time.
    let s = &by_file["snyk/defectdojo-snyk-container-test.json"];
    let v = first(s, RecordKind::Vulnerability);
    assert_eq!(v.check, "CVE-2023-4039");
    assert!(v.has_id("SNYK-DEBIAN11-GCC10-5901313"));
    assert_eq!(v.vuln().unwrap().package, "libgcc-s1");
    assert_eq!(
        v.subject.image.as_ref().map(|i| i.tagged()).as_deref(),
        Some("docker.io/sarim04/juiceshop:latest")
    );
    assert!(s.iter().all(|r| r.observed_at.is_none()));

    // CycloneDX from Trivy: packages through bom-ref, fixed versions from the advice.
    let c = &by_file["cyclonedx/trivy-cdx-1.7-with-vulns.golden.json"];
    let v = first(c, RecordKind::Vulnerability);
    assert_eq!(v.check, "CVE-2019-18224");
    assert_eq!(v.vuln().unwrap().package, "libidn2-0");
    assert_eq!(v.vuln().unwrap().fixed_in, "2.0.5-1+deb10u1");
    assert_eq!(v.tool, "trivy dev");

    // VEX: the statement's facts, the product, the document's time.
    let x = &by_file["vex/cyclonedx-vex-1.4-not_affected.json"];
    let MFacts::Vex(f) = &x[0].facts else {
        panic!("not a VEX record")
    };
    assert_eq!(f.status, muster::model::VexStatus::NotAffected);
    assert_eq!(f.justification.as_deref(), Some("code_not_present"));
    assert_eq!(x[0].subject.target.as_deref(), Some("ABC@4.2"));
    let o = &by_file["vex/trivy-openvex-v0.2.0.json"];
    let first_vex = &o[0];
    assert_eq!(first_vex.check, "CVE-2024-26147");
    assert!(first_vex.has_id("GO-2024-2575"));
    assert_eq!(
        first_vex.subject.target.as_deref(),
        Some("pkg:golang/github.com/aquasecurity/trivy")
    );
    assert_eq!(first_vex.attrs["component"], "pkg:golang/helm.sh/helm/v3");
    assert_eq!(
        first_vex.observed_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-07-09T07:38:00.115697+00:00")
    );
    let MFacts::Vex(f) = &first_vex.facts else {
        panic!("not a VEX record")
    };
    assert_eq!(f.author.as_deref(), Some("Aqua Security"));
    assert_eq!(
        f.justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
}
