//! Large JSON Lines files are read line by line from a stream (issue 6): the result must
//! be the same as reading them whole, for plain and gzip files, with a corrupt line
//! costing one diagnostic with its line number.

use muster::ingest::{ingest_paths, IngestOptions, Ingested};
use muster::model::RecordKind;
use std::io::Write;
use std::path::Path;

/// Falco alerts and audit events, with one truncated line in the middle.
fn jsonl() -> String {
    let mut out = String::from("\u{feff}");
    for i in 0..300 {
        if i == 150 {
            out.push_str(r#"{"rule":"Truncated","priority":"Error","time":"2026-10-01T10:"#);
            out.push('\n');
            continue;
        }
        if i % 10 == 0 {
            out.push_str(&format!(
                r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a{i}","stage":"ResponseComplete","verb":"get","user":{{"username":"bob"}},"objectRef":{{"resource":"secrets","namespace":"shop","name":"db"}},"responseStatus":{{"code":200}},"requestReceivedTimestamp":"2026-10-01T10:00:01Z","stageTimestamp":"2026-10-01T10:00:01Z"}}"#
            ));
        } else {
            out.push_str(&format!(
                r#"{{"rule":"Terminal shell in container","priority":"Notice","time":"2026-10-0{}T10:00:{:02}Z","output":"shell in pod web-{} token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB","output_fields":{{"k8s.ns.name":"shop","k8s.pod.name":"web-{}","container.image.repository":"nginx","container.image.tag":"1.25"}}}}"#,
                1 + i % 3,
                i % 60,
                i % 7,
                i % 7
            ));
        }
        out.push('\n');
    }
    out
}

fn ingest(dir: &Path, stream_above_bytes: u64) -> Ingested {
    let opts = IngestOptions {
        stream_above_bytes,
        ..IngestOptions::default()
    };
    ingest_paths(&[dir.to_path_buf()], &opts)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write input");
}

#[test]
fn streamed_and_whole_reads_give_the_same_evidence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = jsonl();
    write(dir.path(), "events.jsonl", text.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("gzip");
    write(dir.path(), "events.jsonl.gz", &gz.finish().expect("gzip"));

    let whole = ingest(dir.path(), u64::MAX);
    let streamed = ingest(dir.path(), 0);
    assert_eq!(whole.sources.len(), 2);
    assert_eq!(
        whole.sources, streamed.sources,
        "summaries, digests and diagnostics"
    );
    assert_eq!(whole.records, streamed.records);

    for source in &streamed.sources {
        assert_eq!(source.diagnostics.len(), 1, "{:?}", source.diagnostics);
        assert_eq!(source.diagnostics[0].line, Some(151));
        assert_eq!(
            source.records.get(&RecordKind::Alert),
            Some(&270),
            "{:?}",
            source.records
        );
    }
    // Secrets are redacted on the streamed path too.
    assert!(streamed
        .records
        .iter()
        .all(|r| !r.message.contains("ghp_0123456789")));
}

#[test]
fn a_large_file_that_is_not_json_lines_is_read_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pretty = r#"{
  "rule": "Terminal shell in container",
  "priority": "Notice",
  "time": "2026-10-01T10:00:00Z",
  "output_fields": {"k8s.ns.name": "shop"}
}
"#;
    write(dir.path(), "alert.json", pretty.as_bytes());
    let streamed = ingest(dir.path(), 0);
    assert_eq!(streamed.records.len(), 1);
    assert!(streamed.sources[0].diagnostics.is_empty());
    assert_eq!(streamed.sources, ingest(dir.path(), u64::MAX).sources);
}
