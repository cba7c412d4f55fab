//! Parse-only floor: how fast can typed serde_json read an estate of exports on this
//! machine? `muster build` is measured against this number (issue 6, "the physical floor").
//!
//! ```text
//! cargo run --release --example parse_floor -- bench-data/1GB
//! ```
//!
//! It walks the folder written by `gen_workload`, reads each file whole (`fs::read`,
//! gunzip when the bytes start with the gzip magic), and deserialises it with minimal
//! typed structs — one per format, with owned `String`s for the fields a parser of that
//! format would keep. JSON Lines files are parsed one typed struct per line
//! (`from_slice`). Files are processed in parallel with rayon over files, the same
//! parallelism as `muster` (`par_iter` over the sorted file list, default thread pool).
//!
//! `PARSE_FLOOR_PARSER=sonic-rs` or `simd-json` (with `--features json-parsers`) measures
//! another JSON parser on the same typed structs (the comparison in BENCHMARKS.md).
//!
//! `PARSE_FLOOR_SHA256=1` also computes each file's SHA-256 over its bytes on disk, in the
//! same pass, as `muster` must for the sources page and the integrity manifest: the floor
//! of a tool that fingerprints what it read (`floor+sha256` in `scripts/bench.sh`).
//!
//! The format is taken from the first folder under the root (`trivy/`, `falco/`, …);
//! unknown folders are parsed as `IgnoredAny`. Output: files, bytes on disk, bytes
//! parsed, records, seconds, MB/s (MB = 10^6 bytes on disk), and CPU seconds by format.

use rayon::prelude::*;
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

// ---------------------------------------------------------------------------------------
// Trivy image JSON (SchemaVersion 2)
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct TrivyReport {
    schema_version: u32,
    created_at: Option<String>,
    artifact_name: String,
    artifact_type: Option<String>,
    metadata: Option<TrivyMetadata>,
    results: Option<Vec<TrivyResult>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct TrivyMetadata {
    #[serde(rename = "OS")]
    os: Option<TrivyOs>,
    #[serde(rename = "ImageID")]
    image_id: Option<String>,
    repo_tags: Option<Vec<String>>,
    repo_digests: Option<Vec<String>>,
    image_config: Option<TrivyImageConfig>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct TrivyOs {
    family: String,
    name: Option<String>,
    #[serde(rename = "EOSL")]
    eosl: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TrivyImageConfig {
    created: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct TrivyResult {
    target: String,
    class: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
    vulnerabilities: Option<Vec<TrivyVuln>>,
    misconfigurations: Option<Vec<TrivyMisconf>>,
    secrets: Option<Vec<TrivySecret>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct TrivyVuln {
    #[serde(rename = "VulnerabilityID")]
    vulnerability_id: String,
    pkg_name: String,
    pkg_path: Option<String>,
    installed_version: Option<String>,
    fixed_version: Option<String>,
    status: Option<String>,
    severity: String,
    title: Option<String>,
    #[serde(rename = "PrimaryURL")]
    primary_url: Option<String>,
    published_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct TrivyMisconf {
    #[serde(rename = "ID")]
    id: String,
    title: Option<String>,
    message: Option<String>,
    severity: String,
    status: Option<String>,
    resolution: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct TrivySecret {
    #[serde(rename = "RuleID")]
    rule_id: String,
    severity: String,
    title: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Grype JSON
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeReport {
    matches: Vec<GrypeMatch>,
    source: Option<GrypeSource>,
    distro: Option<GrypeDistro>,
    descriptor: GrypeDescriptor,
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct GrypeMatch {
    vulnerability: GrypeVuln,
    related_vulnerabilities: Option<Vec<GrypeRelated>>,
    artifact: GrypeArtifact,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeVuln {
    id: String,
    severity: Option<String>,
    namespace: Option<String>,
    fix: Option<GrypeFix>,
    urls: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeFix {
    versions: Vec<String>,
    state: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeRelated {
    id: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeArtifact {
    name: String,
    version: String,
    #[serde(rename = "type")]
    kind: String,
    purl: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeSource {
    #[serde(rename = "type")]
    kind: String,
    target: Option<GrypeTarget>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct GrypeTarget {
    user_input: Option<String>,
    #[serde(rename = "imageID")]
    image_id: Option<String>,
    manifest_digest: Option<String>,
    tags: Option<Vec<String>>,
    repo_digests: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeDistro {
    name: String,
    version: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct GrypeDescriptor {
    name: String,
    version: Option<String>,
    timestamp: Option<String>,
}

// ---------------------------------------------------------------------------------------
// kube-bench JSON
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "PascalCase")]
struct KubeBench {
    controls: Vec<KbControl>,
    totals: IgnoredAny,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct KbControl {
    id: String,
    version: String,
    text: String,
    node_type: String,
    tests: Vec<KbTest>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct KbTest {
    section: String,
    desc: String,
    results: Vec<KbResult>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct KbResult {
    test_number: String,
    test_desc: String,
    status: String,
    scored: bool,
    remediation: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Falco (JSON Lines)
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[allow(dead_code)]
struct FalcoAlert {
    rule: String,
    priority: String,
    time: String,
    output: Option<String>,
    source: Option<String>,
    tags: Option<Vec<String>>,
    hostname: Option<String>,
    output_fields: Option<FalcoFields>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct FalcoFields {
    #[serde(rename = "k8s.ns.name")]
    namespace: Option<String>,
    #[serde(rename = "k8s.pod.name")]
    pod: Option<String>,
    #[serde(rename = "container.name")]
    container: Option<String>,
    #[serde(rename = "container.image.repository")]
    repository: Option<String>,
    #[serde(rename = "container.image.tag")]
    tag: Option<String>,
    #[serde(rename = "proc.cmdline")]
    cmdline: Option<String>,
    #[serde(rename = "user.name")]
    user: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Kubernetes audit Event (JSON Lines)
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct AuditEvent {
    level: String,
    #[serde(rename = "auditID")]
    audit_id: String,
    stage: String,
    #[serde(rename = "requestURI")]
    request_uri: String,
    verb: String,
    user: AuditUser,
    #[serde(rename = "sourceIPs")]
    source_ips: Option<Vec<String>>,
    user_agent: Option<String>,
    object_ref: Option<AuditObjectRef>,
    response_status: Option<AuditStatus>,
    request_object: Option<AuditPod>,
    request_received_timestamp: Option<String>,
    stage_timestamp: Option<String>,
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct AuditUser {
    username: Option<String>,
    groups: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct AuditObjectRef {
    resource: Option<String>,
    subresource: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
    api_group: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct AuditStatus {
    code: Option<u16>,
    reason: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct AuditPod {
    kind: Option<String>,
    spec: Option<PodSpec>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PodSpec {
    containers: Option<Vec<PodContainer>>,
    volumes: Option<Vec<PodVolume>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct PodContainer {
    name: String,
    image: Option<String>,
    security_context: Option<SecurityContext>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct SecurityContext {
    privileged: Option<bool>,
    run_as_non_root: Option<bool>,
    allow_privilege_escalation: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct PodVolume {
    name: String,
    host_path: Option<IgnoredAny>,
}

// ---------------------------------------------------------------------------------------
// Kyverno PolicyReport List
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[allow(dead_code)]
struct PolicyReportList {
    items: Vec<PolicyReport>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct PolicyReport {
    api_version: String,
    kind: String,
    metadata: K8sMeta,
    scope: Option<PolicyScope>,
    results: Option<Vec<PolicyResult>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct K8sMeta {
    name: String,
    namespace: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PolicyScope {
    kind: String,
    name: String,
    namespace: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PolicyResult {
    policy: String,
    rule: Option<String>,
    result: String,
    severity: Option<String>,
    category: Option<String>,
    message: Option<String>,
    timestamp: Option<PolicyTimestamp>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PolicyTimestamp {
    seconds: i64,
    nanos: i64,
}

// ---------------------------------------------------------------------------------------
// Tetragon (JSON Lines)
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[allow(dead_code)]
struct TetragonEvent {
    process_exec: Option<TetragonExec>,
    node_name: String,
    time: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TetragonExec {
    process: TetragonProcess,
    parent: Option<TetragonProcess>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TetragonProcess {
    exec_id: String,
    pid: Option<u64>,
    uid: Option<u32>,
    binary: String,
    arguments: Option<String>,
    start_time: Option<String>,
    pod: Option<TetragonPod>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TetragonPod {
    namespace: String,
    name: String,
    container: Option<TetragonContainer>,
    workload: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TetragonContainer {
    id: String,
    name: String,
    image: Option<TetragonImage>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct TetragonImage {
    id: String,
    name: String,
}

// ---------------------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------------------

/// The JSON parser to measure (`PARSE_FLOOR_PARSER`; the others need `--features json-parsers`).
#[derive(Clone, Copy, PartialEq)]
enum Parser {
    SerdeJson,
    #[cfg(feature = "json-parsers")]
    SonicRs,
    #[cfg(feature = "json-parsers")]
    SimdJson,
}

/// Whether each file's SHA-256 is computed too (`PARSE_FLOOR_SHA256=1`).
fn fingerprint() -> bool {
    static CHOSEN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CHOSEN.get_or_init(|| std::env::var("PARSE_FLOOR_SHA256").is_ok_and(|v| v == "1"))
}

fn parser() -> Parser {
    static CHOSEN: std::sync::OnceLock<Parser> = std::sync::OnceLock::new();
    *CHOSEN.get_or_init(|| {
        match std::env::var("PARSE_FLOOR_PARSER").as_deref() {
            Ok("serde_json") | Err(_) => Parser::SerdeJson,
            #[cfg(feature = "json-parsers")]
            Ok("sonic-rs") => Parser::SonicRs,
            #[cfg(feature = "json-parsers")]
            Ok("simd-json") => Parser::SimdJson,
            Ok(other) => {
                eprintln!("parse_floor: unknown parser {other} (serde_json; sonic-rs and simd-json with --features json-parsers)");
                std::process::exit(2);
            }
        }
    })
}

/// Deserialise `bytes` as `T` with the chosen parser (simd-json parses a copy in place).
fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, String> {
    match parser() {
        Parser::SerdeJson => serde_json::from_slice::<T>(bytes).map_err(|e| e.to_string()),
        #[cfg(feature = "json-parsers")]
        Parser::SonicRs => sonic_rs::from_slice::<T>(bytes).map_err(|e| e.to_string()),
        #[cfg(feature = "json-parsers")]
        Parser::SimdJson => {
            let mut copy = bytes.to_vec();
            simd_json::serde::from_slice::<T>(&mut copy).map_err(|e| e.to_string())
        }
    }
}

/// Parse a whole document as `T`; returns records parsed (1 or 0) and errors.
fn whole<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> (u64, u64) {
    match decode::<T>(bytes) {
        Ok(v) => {
            drop(std::hint::black_box(v));
            (1, 0)
        }
        Err(_) => (0, 1),
    }
}

/// Parse JSON Lines, one `T` per non-empty line.
fn lines<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> (u64, u64) {
    let (mut ok, mut bad) = (0, 0);
    for line in bytes.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match decode::<T>(line) {
            Ok(v) => {
                drop(std::hint::black_box(v));
                ok += 1;
            }
            Err(e) => {
                if bad == 0 && std::env::var_os("PARSE_FLOOR_DEBUG").is_some() {
                    eprintln!("parse_floor: first error: {e}");
                }
                bad += 1
            }
        }
    }
    (ok, bad)
}

/// The format of a file, from the first folder under the root.
fn format_of(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .ok()
        .and_then(|rel| rel.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn parse(format: &str, bytes: &[u8]) -> (u64, u64) {
    match format {
        "trivy" => whole::<TrivyReport>(bytes),
        "grype" => whole::<GrypeReport>(bytes),
        "kube-bench" => whole::<KubeBench>(bytes),
        "policy-report" => match decode::<PolicyReportList>(bytes) {
            Ok(list) => (list.items.len() as u64, 0),
            Err(_) => (0, 1),
        },
        "falco" => lines::<FalcoAlert>(bytes),
        "k8s-audit" => lines::<AuditEvent>(bytes),
        "tetragon" => lines::<TetragonEvent>(bytes),
        _ => whole::<IgnoredAny>(bytes),
    }
}

struct FileResult {
    format: String,
    disk: u64,
    parsed: u64,
    records: u64,
    errors: u64,
    cpu: f64,
}

fn run_file(root: &Path, path: &Path) -> std::io::Result<FileResult> {
    let started = Instant::now();
    let raw = std::fs::read(path)?;
    let disk = raw.len() as u64;
    if fingerprint() {
        use sha2::Digest;
        std::hint::black_box(sha2::Sha256::digest(&raw));
    }
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 8);
        flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
        out
    } else {
        raw
    };
    let format = format_of(root, path);
    let (records, errors) = parse(&format, &bytes);
    Ok(FileResult {
        format,
        disk,
        parsed: bytes.len() as u64,
        records,
        errors,
        cpu: started.elapsed().as_secs_f64(),
    })
}

fn main() {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_floor DIR");
        std::process::exit(2);
    };
    let started = Instant::now();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".gz")
        })
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let results: Vec<FileResult> = files
        .par_iter()
        .filter_map(|p| match run_file(&root, p) {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("parse_floor: {}: {e}", p.display());
                None
            }
        })
        .collect();
    let secs = started.elapsed().as_secs_f64();

    let mut by_format: BTreeMap<&str, (u64, u64, u64, u64, f64)> = BTreeMap::new();
    for r in &results {
        let e = by_format.entry(r.format.as_str()).or_default();
        e.0 += 1;
        e.1 += r.parsed;
        e.2 += r.records;
        e.3 += r.errors;
        e.4 += r.cpu;
    }
    let disk: u64 = results.iter().map(|r| r.disk).sum();
    let parsed: u64 = results.iter().map(|r| r.parsed).sum();
    let records: u64 = results.iter().map(|r| r.records).sum();
    let errors: u64 = results.iter().map(|r| r.errors).sum();
    let name = match parser() {
        Parser::SerdeJson => "serde_json",
        #[cfg(feature = "json-parsers")]
        Parser::SonicRs => "sonic-rs",
        #[cfg(feature = "json-parsers")]
        Parser::SimdJson => "simd-json",
    };
    println!(
        "parser: {name}{}",
        if fingerprint() {
            ", with SHA-256 of every file"
        } else {
            ""
        }
    );
    println!("format          files    MB parsed    records  errors  cpu s   MB/s/core");
    for (f, (n, b, rec, err, cpu)) in &by_format {
        println!(
            "{f:<14} {n:>6} {:>12.1} {rec:>10} {err:>7} {cpu:>6.2} {:>11.0}",
            *b as f64 / 1e6,
            *b as f64 / 1e6 / cpu.max(1e-9)
        );
    }
    println!(
        "total: {} files, {} bytes on disk ({:.1} MB), {:.1} MB parsed, {records} records, {errors} errors, {:.3} s, {:.0} MB/s ({} threads)",
        results.len(),
        disk,
        disk as f64 / 1e6,
        parsed as f64 / 1e6,
        secs,
        disk as f64 / 1e6 / secs.max(1e-9),
        rayon::current_num_threads()
    );
    if errors > 0 {
        std::process::exit(1);
    }
}
