//! Property tests: arbitrary bytes and mutated documents never panic the ingest layer,
//! and every diagnostic names the file it is about.

use muster::ingest::source::ingest_bytes;
use muster::ingest::IngestOptions;
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    r#"{"SchemaVersion":2,"ArtifactName":"nginx:1.25","ArtifactType":"container_image","Results":[{"Target":"nginx (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2026-1","PkgName":"openssl","InstalledVersion":"3.0.1","FixedVersion":"3.0.9","Severity":"HIGH"}]}]}"#,
    r#"{"matches":[{"vulnerability":{"id":"CVE-2026-2","severity":"Critical","fix":{"versions":["1.2"],"state":"fixed"}},"artifact":{"name":"busybox","version":"1.1"},"matchDetails":[]}],"source":{"type":"image","target":{"userInput":"busybox:1.32"}},"descriptor":{"name":"grype","version":"0.94.0"}}"#,
    r#"{"Controls":[{"id":"1","version":"cis-1.10","text":"Master","node_type":"master","tests":[{"section":"1.2","results":[{"test_number":"1.2.1","test_desc":"anon","status":"FAIL","scored":true}]}]}],"Totals":{"total_pass":0,"total_fail":1}}"#,
    r#"{"rule":"Terminal shell in container","priority":"Notice","time":"2026-10-01T10:00:00Z","output_fields":{"k8s.ns.name":"shop"}}"#,
    r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a","stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/namespaces/shop/pods","objectRef":{"resource":"pods","namespace":"shop"},"responseStatus":{"code":201},"annotations":{"pod-security.kubernetes.io/enforce-policy":"restricted:latest"}}"#,
    r#"{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"r","namespace":"shop"},"results":[{"policy":"disallow-privileged-containers","rule":"privileged-containers","result":"fail","resources":[{"kind":"Pod","name":"p","namespace":"shop"}]}]}"#,
    r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"constraints.gatekeeper.sh/v1beta1","kind":"K8sAllowedRepos","metadata":{"name":"repos"},"spec":{"enforcementAction":"deny"},"status":{"totalViolations":1,"violations":[{"kind":"Pod","name":"x","namespace":"shop","message":"bad repo"}]}}]}"#,
];

fn check(name: &str, bytes: &[u8]) {
    let (summary, records) = ingest_bytes(name, bytes, &IngestOptions::default());
    for d in &summary.diagnostics {
        assert_eq!(d.file, name, "diagnostic names another file: {d}");
    }
    for r in &records {
        assert_eq!(r.provenance.file, name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check("fuzz.json", &bytes);
    }

    #[test]
    fn mutated_documents_never_panic(seed in 0..SEEDS.len(), cut in 0usize..600, pos in 0usize..600, byte in any::<u8>()) {
        let doc = SEEDS[seed].as_bytes();
        let mut mutated = doc.to_vec();
        if let Some(b) = mutated.get_mut(pos) {
            *b = byte;
        }
        mutated.truncate(cut.max(1).min(mutated.len()));
        check("mutated.json", &mutated);
        // The same document as JSON Lines twice, with a mutated copy between.
        let mut lines = doc.to_vec();
        lines.push(b'\n');
        lines.extend_from_slice(&mutated);
        lines.push(b'\n');
        lines.extend_from_slice(doc);
        check("lines.jsonl", &lines);
    }
}

#[test]
fn resource_bound_shapes_give_results_or_diagnostics() {
    // Deep nesting: serde_json's recursion limit turns it into a diagnostic.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    check("deep.json", deep.as_bytes());
    // BOM + CRLF JSON Lines.
    let crlf = format!("\u{feff}{}\r\n{}\r\n", SEEDS[3], SEEDS[3]);
    let (s, r) = ingest_bytes("crlf.jsonl", crlf.as_bytes(), &IngestOptions::default());
    assert_eq!(
        r.iter().map(|r| u64::from(r.count)).sum::<u64>(),
        2,
        "{:?}",
        s.diagnostics
    );
    // Invalid UTF-8 inside a string value: replaced, reported, rest kept.
    let mut bad = SEEDS[3].as_bytes().to_vec();
    let at = bad.iter().position(|b| *b == b'T').unwrap_or(0);
    bad.insert(at, 0xff);
    let (s, r) = ingest_bytes("utf8.jsonl", &bad, &IngestOptions::default());
    assert_eq!(r.len(), 1);
    assert!(s.diagnostics.iter().any(|d| d.message.contains("UTF-8")));
    // A gzip file with a .json name is read transparently.
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(SEEDS[3].as_bytes()).unwrap_or_default();
    let bytes = gz.finish().unwrap_or_default();
    let (s, r) = ingest_bytes("alerts.json", &bytes, &IngestOptions::default());
    assert!(s.compressed);
    assert_eq!(r.len(), 1);
    // A 20 MB string field.
    let big = format!(
        r#"{{"rule":"x","priority":"Error","time":"2026-10-01T10:00:00Z","output":"{}"}}"#,
        "a".repeat(20 << 20)
    );
    let (_, r) = ingest_bytes("big.json", big.as_bytes(), &IngestOptions::default());
    assert_eq!(r.len(), 1);
    assert!(r[0].message.len() < 10_000, "long text is clipped");
}
