//! Fuzz target: format detection and every parser, through the same entry point a
//! file on disk takes (gzip, BOM, UTF-8, JSON / JSON Lines / List splitting).
#![no_main]

use libfuzzer_sys::fuzz_target;
use muster::ingest::source::ingest_bytes;
use muster::ingest::IngestOptions;

fuzz_target!(|data: &[u8]| {
    let (summary, records) = ingest_bytes("fuzz.json", data, &IngestOptions::default());
    assert!(summary.diagnostics.iter().all(|d| d.file == "fuzz.json"));
    assert!(records.iter().all(|r| r.provenance.file == "fuzz.json"));
});
