//! Criterion benchmarks of the hot functions of a large build (issue 6): probing and
//! parsing event lines and scan reports, sharing strings, evaluating and rendering.
//! Inputs are generated here (shapes as in `examples/gen_workload.rs`); the
//! whole-process numbers come from `scripts/bench.sh` and are in BENCHMARKS.md.
//!
//! Run: `cargo bench --bench hot` (add `-- <filter>` for one group).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use muster::catalog::Catalog;
use muster::config::Config;
use muster::evaluate::{evaluate, Inputs};
use muster::ingest::source::ingest_bytes;
use muster::ingest::{ingest_paths, IngestOptions, Probe};
use muster::model::{ImageRef, Interner, Text};
use std::fmt::Write;
use std::hint::black_box;
use std::path::PathBuf;

/// `n` Falco alerts as JSON Lines: a few rules over many pods, like a busy day.
fn falco_lines(n: usize) -> String {
    let rules = [
        ("Terminal shell in container", "Notice", "bash"),
        ("Read sensitive file untrusted", "Warning", "cat"),
        ("Contact K8S API Server From Container", "Notice", "kubectl"),
    ];
    let mut out = String::new();
    for i in 0..n {
        let (rule, priority, proc_name) = rules[i % rules.len()];
        let pod = format!("api-{}-7f9c{}", i % 40, i % 7);
        let _ = writeln!(
            out,
            r#"{{"hostname":"aks-node-{node}","output":"10:{s:02}:00.{i:09}: {priority} {rule} (user=root process={proc_name} command={proc_name} -c id pid={pid} container_id=4f2a9c k8s_ns=shop k8s_pod_name={pod})","priority":"{priority}","rule":"{rule}","source":"syscall","tags":["container","mitre_execution"],"time":"2026-10-21T10:{s:02}:00.{i:09}Z","output_fields":{{"container.id":"4f2a9c","container.image.repository":"registry.example.com/shop/api","container.image.tag":"1.{tag}.0","container.name":"api","evt.time":{evt},"evt.type":"execve","k8s.ns.name":"shop","k8s.pod.name":"{pod}","proc.cmdline":"{proc_name} -c id","proc.name":"{proc_name}","proc.pid":{pid},"user.name":"root"}}}}"#,
            node = i % 6,
            s = i % 60,
            tag = i % 3,
            evt = 1_792_000_000_000_000_000u64 + i as u64,
            pid = 1000 + i,
        );
    }
    out
}

/// `n` API-server audit events (pod creates and secret reads) as JSON Lines.
fn audit_lines(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let _ = writeln!(
            out,
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"9f58bd42-0000-4cd0-a0b3-{i:012}","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/secrets/db-{s}","verb":"get","user":{{"username":"system:serviceaccount:shop:api-{s}","groups":["system:serviceaccounts"]}},"sourceIPs":["10.244.1.{s}"],"userAgent":"kubectl/v1.30.2","objectRef":{{"resource":"secrets","namespace":"shop","name":"db-{s}","apiVersion":"v1"}},"responseStatus":{{"metadata":{{}},"code":200}},"requestReceivedTimestamp":"2026-10-21T10:00:{sec:02}.000000Z","stageTimestamp":"2026-10-21T10:00:{sec:02}.004000Z","annotations":{{"authorization.k8s.io/decision":"allow"}}}}"#,
            s = i % 25,
            sec = i % 60,
        );
    }
    out
}

/// A `trivy image -f json` report with `n` vulnerabilities.
fn trivy_report(n: usize) -> String {
    let vulns: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"VulnerabilityID":"CVE-2026-{id:05}","PkgName":"lib{p}","InstalledVersion":"1.{i}.0","FixedVersion":"1.{i}.1","Status":"fixed","Severity":"{sev}","Title":"lib{p}: out-of-bounds read in parser","Description":"A crafted input can cause an out-of-bounds read in the parser of lib{p}, which may lead to a denial of service.","PrimaryURL":"https://avd.aquasec.com/nvd/cve-2026-{id:05}","CVSS":{{"nvd":{{"V3Score":7.5}}}}}}"#,
                id = 10_000 + i,
                p = i % 30,
                sev = ["LOW", "MEDIUM", "HIGH", "CRITICAL"][i % 4],
            )
        })
        .collect();
    format!(
        r#"{{"SchemaVersion":2,"CreatedAt":"2026-10-21T02:00:15.597Z","ArtifactName":"registry.example.com/shop/api:1.2.0","ArtifactType":"container_image","Metadata":{{"OS":{{"Family":"debian","Name":"12.7"}},"ImageID":"sha256:1111","RepoDigests":["registry.example.com/shop/api@sha256:2222"]}},"Results":[{{"Target":"registry.example.com/shop/api:1.2.0 (debian 12.7)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{}]}}]}}"#,
        vulns.join(",")
    )
}

fn probe(c: &mut Criterion) {
    let line = falco_lines(1);
    let line = line.trim();
    let mut g = c.benchmark_group("probe");
    g.throughput(Throughput::Bytes(line.len() as u64));
    g.bench_function("falco_line_full", |b| b.iter(|| Probe::of(black_box(line))));
    g.bench_function("falco_line_top_level", |b| {
        b.iter(|| Probe::top_level(black_box(line)))
    });
    g.finish();
}

fn ingest(c: &mut Criterion) {
    let opts = IngestOptions::default();
    let inputs = [
        ("falco_jsonl_2000", "falco.jsonl", falco_lines(2000)),
        ("audit_jsonl_2000", "audit.jsonl", audit_lines(2000)),
        ("trivy_report_500", "trivy.json", trivy_report(500)),
    ];
    let mut g = c.benchmark_group("ingest_bytes");
    for (name, file, text) in &inputs {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| ingest_bytes(file, black_box(text.as_bytes()), &opts))
        });
    }
    g.finish();
}

fn model(c: &mut Criterion) {
    let mut g = c.benchmark_group("model");
    g.bench_function("image_ref_parse", |b| {
        b.iter(|| {
            ImageRef::parse(black_box(
                "registry.example.com:5000/shop/api:1.2.0@sha256:2222",
            ))
        })
    });
    let output = "10:00:00.1: Notice Terminal shell in container (user=root command=bash -c 'curl -H \"Authorization: Bearer abc\" http://x' k8s_ns=shop)";
    g.bench_function("redact_alert_output", |b| {
        b.iter(|| muster::redact::text(black_box(output)).len())
    });
    let clean = "10:00:00.1: Warning Sensitive file opened for reading by non-trusted program (user=root user_loginuid=-1 program=cat command=cat /etc/shadow pid=4242 file=/etc/shadow parent=bash gparent=containerd-shim container_id=3f2a9c1b7d4e image=registry.example.com/shop/api k8s_ns=shop k8s_pod_name=api-7d9f8b6c5d-x2x9z)";
    g.bench_function("redact_clean_output", |b| {
        b.iter(|| muster::redact::text(black_box(clean)).len())
    });
    let interner = Interner::default();
    let words: Vec<String> = (0..1000).map(|i| format!("shop/api-{}", i % 50)).collect();
    g.throughput(Throughput::Elements(words.len() as u64));
    g.bench_function("interner_share_1000", |b| {
        b.iter(|| {
            for w in &words {
                let mut t = Text::from(w.as_str());
                interner.share(&mut t);
                black_box(t);
            }
        })
    });
    g.finish();
}

/// The sample estate, ingested once for the evaluate and render benchmarks.
fn sample() -> (muster::ingest::Ingested, Catalog, Config) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let text = std::fs::read_to_string(root.join("muster.toml")).unwrap_or_default();
    let config = Config::parse("muster.toml", &text).unwrap_or_default();
    let ingested = ingest_paths(&[root], &IngestOptions::default());
    (ingested, Catalog::builtin(&mut Vec::new()), config)
}

fn pipeline(c: &mut Criterion) {
    let (ingested, catalog, config) = sample();
    let as_of = muster::ingest::parse_time("2026-11-20T23:59:59Z").unwrap_or_default();
    let run = || {
        evaluate(
            Inputs {
                records: &ingested.records,
                sources: &ingested.sources,
                catalog: &catalog,
                config: &config,
                waivers: &[],
                attestations: &[],
                triage: &[],
                diagnostics: Vec::new(),
            },
            as_of,
            None,
        )
    };
    let mut g = c.benchmark_group("sample_estate");
    g.sample_size(20);
    g.bench_function("evaluate", |b| b.iter(run));
    let report = run();
    let opts = muster::render::RenderOptions::default();
    g.bench_function("render_site", |b| {
        b.iter(|| muster::render::render_site(&report, &catalog, &config, "en", &opts))
    });
    g.finish();
}

criterion_group!(benches, probe, ingest, model, pipeline);
criterion_main!(benches);
