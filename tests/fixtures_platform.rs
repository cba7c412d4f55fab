//! Platform exports against real documents in `../shared/fixtures` (read in place, never
//! copied into the repository): every export, and every export derived from an API
//! recording, is detected as its format and yields the record counts verified by hand.
//! The recordings themselves (VCR cassettes, placebo and flight files, ARM spec
//! examples, kubescape wrappers) are test-harness envelopes nobody exports: they are
//! listed so that a new fixture cannot go unnoticed, and must not be misread as another
//! format. Skipped when `../shared` is absent unless `MUSTER_REQUIRE_FIXTURES` is set.

use muster::ingest::source::ingest_bytes;
use muster::ingest::IngestOptions;
use muster::model::{Format, PlatformFacts, Record, RecordKind};
use std::path::PathBuf;

struct Expect {
    file: &'static str,
    format: Format,
    kinds: &'static [(RecordKind, usize)],
}

const EXPECTED: &[Expect] = &[
    // A cluster and its one agent pool; API 2019-04-01 has no aadProfile, apiServerAccessProfile or securityProfile.
    Expect {
        file: "aks/c7n-aks-list-api-2019-04-01.export.json",
        format: muster::ingest::aks::FORMAT,
        kinds: &[(RecordKind::Platform, 2)],
    },
    Expect {
        file: "aks/regolibrary-aks-1.24.9-authorized-ip-private.export.json",
        format: muster::ingest::aks::FORMAT,
        kinds: &[(RecordKind::Platform, 2)],
    },
    Expect {
        file: "acr/arm-spec-RegistryGet-2023-07-01.export.json",
        format: muster::ingest::acr::FORMAT,
        kinds: &[(RecordKind::Platform, 1)],
    },
    Expect {
        file: "acr/c7n-acr-list-api-2017-10-01.export.json",
        format: muster::ingest::acr::FORMAT,
        kinds: &[(RecordKind::Platform, 1)],
    },
    // A container group and a sighting of its one container.
    Expect {
        file: "aci/arm-spec-ContainerGroupEncryptionProperties-2025-09-01.export.json",
        format: muster::ingest::aci::FORMAT,
        kinds: &[(RecordKind::Platform, 1), (RecordKind::Sighting, 1)],
    },
    Expect {
        file: "aci/arm-spec-ContainerGroups_Get_Container_Groups_Get_Succeeded-2023-05-01.export.json",
        format: muster::ingest::aci::FORMAT,
        kinds: &[(RecordKind::Platform, 1), (RecordKind::Sighting, 1)],
    },
    Expect {
        file: "azure-rbac/c7n-roleassignments-api-2018-09-01-preview.export.json",
        format: muster::ingest::azure_rbac::FORMAT,
        kinds: &[(RecordKind::Platform, 74)],
    },
    Expect {
        file: "azure-rbac/c7n-roleassignments-api-2018-09-01-preview-roledefinitions.export.json",
        format: muster::ingest::azure_rbac::FORMAT,
        kinds: &[(RecordKind::Platform, 7)],
    },
    Expect {
        file: "azure-policy/arm-spec-PolicyStates_QueryResourceScope-2024-10-01.export.json",
        format: muster::ingest::azure_policy::FORMAT,
        kinds: &[(RecordKind::Policy, 2)],
    },
    // One sub-assessment: the vulnerability and the dated scan of its image.
    Expect {
        file: "defender-cloud/arm-spec-ListSubscriptionSubAssessments-2019-01-01-preview-legacy.export.json",
        format: muster::ingest::defender_cloud::FORMAT,
        kinds: &[(RecordKind::Vulnerability, 1), (RecordKind::Scan, 1)],
    },
    Expect {
        file: "defender-cloud/c7n-security-assessments-api-2020-01-01.export.json",
        format: muster::ingest::defender_cloud::FORMAT,
        kinds: &[(RecordKind::Misconfiguration, 1)],
    },
    Expect {
        file: "eks/c7n-eks-1.35-DescribeCluster.export.json",
        format: muster::ingest::eks::FORMAT,
        kinds: &[(RecordKind::Platform, 1)],
    },
    // The cluster and its six node pools.
    Expect {
        file: "gke/c7n-gke-2023-cluster-get.export.json",
        format: muster::ingest::gke::FORMAT,
        kinds: &[(RecordKind::Platform, 7)],
    },
];

/// Recordings: envelopes around an API response (the derived `.export.json` beside
/// each is what a user has).
const RECORDINGS: &[&str] = &[
    "aks/c7n-aks-list-api-2019-04-01.cassette.json",
    "aks/regolibrary-aks-1.24.9-authorized-ip-private.clusterdescribe.json",
    "acr/arm-spec-RegistryGet-2023-07-01.example.json",
    "acr/c7n-acr-list-api-2017-10-01.cassette.json",
    "aci/arm-spec-ContainerGroupEncryptionProperties-2025-09-01.example.json",
    "aci/arm-spec-ContainerGroups_Get_Container_Groups_Get_Succeeded-2023-05-01.example.json",
    "azure-rbac/c7n-roleassignments-api-2018-09-01-preview.cassette.json",
    "azure-policy/arm-spec-PolicyStates_QueryResourceScope-2024-10-01.example.json",
    "defender-cloud/arm-spec-ListSubscriptionSubAssessments-2019-01-01-preview-legacy.example.json",
    "defender-cloud/c7n-security-assessments-api-2020-01-01.cassette.json",
    "eks/c7n-eks-1.35-DescribeCluster.placebo.json",
    "gke/c7n-gke-2023-cluster-get.flight.json",
];

/// The fixture folders this test covers; every file in them must be listed above.
const DIRS: &[&str] = &[
    "aks",
    "acr",
    "aci",
    "azure-rbac",
    "azure-policy",
    "defender-cloud",
    "eks",
    "gke",
];

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    assert!(
        dir.is_dir() || std::env::var_os("MUSTER_REQUIRE_FIXTURES").is_none(),
        "../shared/fixtures is missing and MUSTER_REQUIRE_FIXTURES is set"
    );
    dir.is_dir().then_some(dir)
}

fn ingest(root: &std::path::Path, file: &str) -> (muster::model::SourceSummary, Vec<Record>) {
    let bytes = std::fs::read(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    ingest_bytes(file, &bytes, &IngestOptions::default())
}

#[test]
fn every_platform_fixture_is_listed() {
    let Some(root) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    for dir in DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            assert!(
                rel.ends_with(".md")
                    || EXPECTED.iter().any(|e| e.file == rel)
                    || RECORDINGS.contains(&rel.as_str()),
                "fixture {rel} has no expectation"
            );
        }
    }
}

#[test]
fn platform_exports_are_detected_and_counted() {
    let Some(root) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let mut failures = Vec::new();
    for e in EXPECTED {
        let (summary, records) = ingest(&root, e.file);
        let mut line = format!(
            "{}: formats {:?}, {} records, diagnostics {}",
            e.file,
            summary.formats,
            records.len(),
            summary.diagnostics.len()
        );
        let total: usize = e.kinds.iter().map(|(_, n)| n).sum();
        let mut ok = summary.formats == vec![e.format]
            && records.len() == total
            && summary.diagnostics.is_empty();
        for (kind, n) in e.kinds {
            let got = records.iter().filter(|r| r.kind == *kind).count();
            line.push_str(&format!(", {}={got}", kind.as_str()));
            ok &= got == *n;
        }
        ok &= records.iter().all(|r| r.provenance.file == e.file);
        println!("{line}");
        if !ok {
            failures.push(line);
        }
    }
    assert!(
        failures.is_empty(),
        "unexpected results:\n{}",
        failures.join("\n")
    );
}

/// A recording is an envelope, not an export: it is reported as an unknown shape,
/// never read as some other format.
#[test]
fn recordings_are_not_misread() {
    let Some(root) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    for file in RECORDINGS {
        let (summary, records) = ingest(&root, file);
        assert!(
            summary.formats.is_empty() && records.is_empty(),
            "{file}: read as {:?}",
            summary.formats
        );
    }
}

fn cluster(records: &[Record]) -> muster::model::ClusterFacts {
    records
        .iter()
        .find_map(|r| match r.platform() {
            Some(PlatformFacts::Cluster(c)) => Some(c.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no cluster record"))
}

/// A fact keeps the JSON pointer it was read from; a section an old API version lacks
/// is not evidenced (`None`), never false.
#[test]
fn cluster_facts_point_into_their_document_and_absence_is_none() {
    let Some(root) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let (_, records) = ingest(
        &root,
        "aks/regolibrary-aks-1.24.9-authorized-ip-private.export.json",
    );
    let c = cluster(&records);
    let ranges = c.authorized_ranges.expect("authorized ranges");
    assert_eq!(
        &*ranges.pointer,
        "/properties/apiServerAccessProfile/authorizedIPRanges"
    );
    assert_eq!(ranges.value.len(), 2);
    assert_eq!(c.private_endpoint.map(|f| f.value), Some(true));

    let (_, records) = ingest(&root, "aks/c7n-aks-list-api-2019-04-01.export.json");
    let c = cluster(&records);
    assert!(c.authorized_ranges.is_none() && c.private_endpoint.is_none());
    assert!(c.directory_auth.is_none());
    assert_eq!(c.rbac.map(|f| f.value), Some(true));
}
