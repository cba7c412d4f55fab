//! Real tool outputs from `../shared/fixtures` (outside the repository, when present):
//! every file is detected as its format and yields the record counts verified by hand.
//! The fixtures are read in place, never copied into the repository.

use muster::ingest::source::ingest_bytes;
use muster::ingest::IngestOptions;
use muster::model::{Format, RecordKind};
use std::path::Path;

struct Expect {
    file: &'static str,
    format: Format,
    total: usize,
    kinds: &'static [(RecordKind, usize)],
}

const EXPECTED: &[Expect] = &[
    Expect {
        file: "kube-bench/kube-bench-output.json",
        format: muster::ingest::kube_bench::FORMAT,
        total: 127,
        kinds: &[(RecordKind::Benchmark, 122), (RecordKind::Scan, 5)],
    },
    Expect {
        file: "kube-bench/result.json",
        format: muster::ingest::kube_bench::FORMAT,
        total: 6,
        kinds: &[(RecordKind::Benchmark, 3), (RecordKind::Scan, 3)],
    },
    Expect {
        file: "docker-bench/docker-bench-report-many-vulns.json",
        format: muster::ingest::docker_bench::FORMAT,
        total: 118,
        kinds: &[(RecordKind::Benchmark, 117), (RecordKind::Scan, 1)],
    },
    Expect {
        file: "k8s-audit/audit-validating-admission-policy.json",
        format: muster::ingest::k8s_audit::FORMAT,
        total: 2,
        kinds: &[(RecordKind::Policy, 1), (RecordKind::Heartbeat, 1)],
    },
    Expect {
        file: "k8s-audit/pods_blocked.json",
        format: muster::ingest::k8s_audit::FORMAT,
        total: 3,
        kinds: &[(RecordKind::Admission, 2), (RecordKind::Heartbeat, 1)],
    },
    Expect {
        file: "policy-report/kyverno-docs_reports.md_openreports-list.json",
        format: muster::ingest::policy_report::FORMAT,
        total: 2,
        kinds: &[(RecordKind::Policy, 1), (RecordKind::Scan, 1)],
    },
    Expect {
        file: "policy-report/kyverno-docs_reports.md_policyreport-pod.json",
        format: muster::ingest::policy_report::FORMAT,
        total: 3,
        kinds: &[(RecordKind::Policy, 2), (RecordKind::Scan, 1)],
    },
    Expect {
        file: "policy-report/policyreport.json",
        format: muster::ingest::policy_report::FORMAT,
        total: 15,
        kinds: &[(RecordKind::Policy, 14), (RecordKind::Scan, 1)],
    },
    Expect {
        file: "gatekeeper/gatekeeper-docs_audit.md_constraint-status.json",
        format: muster::ingest::gatekeeper::FORMAT,
        total: 5,
        kinds: &[(RecordKind::Policy, 4), (RecordKind::Scan, 1)],
    },
    Expect {
        file: "tetragon/events.json",
        format: muster::ingest::tetragon::FORMAT,
        total: 6,
        kinds: &[(RecordKind::Sighting, 3), (RecordKind::Heartbeat, 3)],
    },
    Expect {
        file: "tetragon/process_kprobe.json",
        format: muster::ingest::tetragon::FORMAT,
        total: 2,
        kinds: &[(RecordKind::Alert, 1), (RecordKind::Heartbeat, 1)],
    },
    Expect {
        file: "defender-containers/sensitive-volume-mount-alert.json",
        format: muster::ingest::defender::FORMAT,
        total: 2,
        kinds: &[(RecordKind::Alert, 1), (RecordKind::Sighting, 1)],
    },
    Expect {
        file: "cosign/cosign-docs_verify.md_verify-output.json",
        format: muster::ingest::cosign::FORMAT,
        total: 1,
        kinds: &[(RecordKind::Signature, 1)],
    },
    Expect {
        file: "cosign/cosign-readme_verify-output.json",
        format: muster::ingest::cosign::FORMAT,
        total: 1,
        kinds: &[(RecordKind::Signature, 1)],
    },
    Expect {
        file: "falco/single_rule_with_cat_write.json",
        format: muster::ingest::falco::FORMAT,
        total: 8,
        kinds: &[(RecordKind::Alert, 8)],
    },
];

/// The fixture folders this test covers; every file in them must be listed above.
const DIRS: &[&str] = &[
    "kube-bench",
    "docker-bench",
    "k8s-audit",
    "policy-report",
    "gatekeeper",
    "tetragon",
    "defender-containers",
    "cosign",
    "falco",
];

#[test]
fn real_fixtures_are_detected_and_counted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    assert!(
        root.is_dir() || std::env::var_os("MUSTER_REQUIRE_FIXTURES").is_none(),
        "../shared/fixtures is missing and MUSTER_REQUIRE_FIXTURES is set"
    );
    if !root.is_dir() {
        println!("skipped: ../shared/fixtures not found");
        return;
    }
    for dir in DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            assert!(
                EXPECTED.iter().any(|e| e.file == rel),
                "fixture {rel} has no expectation"
            );
        }
    }
    let mut failures = Vec::new();
    for e in EXPECTED {
        let path = root.join(e.file);
        let Ok(bytes) = std::fs::read(&path) else {
            println!("missing fixture {}", e.file);
            continue;
        };
        let (summary, records) = ingest_bytes(e.file, &bytes, &IngestOptions::default());
        let mut line = format!(
            "{}: formats {:?}, {} records, diagnostics {}",
            e.file,
            summary.formats,
            events(records.iter()),
            summary.diagnostics.len()
        );
        // Counts are events: identical events of a day fold into one record with a count.
        let mut ok = summary.formats == vec![e.format] && events(records.iter()) == e.total;
        for (kind, n) in e.kinds {
            let got = events(records.iter().filter(|r| r.kind == *kind));
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

fn events<'a>(records: impl Iterator<Item = &'a muster::model::Record>) -> usize {
    records.map(|r| r.count as usize).sum()
}
