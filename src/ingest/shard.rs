//! Shards: the normalised evidence of part of an estate (`muster ingest -o x.muster.jsonl.gz`),
//! so ingestion can be spread over CI jobs and merged by `muster build`.
//!
//! Format (JSON Lines, usually gzip-compressed), documented in docs/shards.md:
//! line 1 `{"muster_shard":1,"muster_version":"…"}`, then per input file one
//! `{"source":SourceSummary}` line followed by its `{"record":Record}` lines.

use super::SourceSummary;
use crate::diag::{Code, Diagnostic, Level};
use crate::model::{Channel, FormatInfo, Record};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// muster's own shard format (records inside keep the format they were read from).
pub static INFO: FormatInfo = FormatInfo {
    id: "shard",
    name: "muster ingest shard",
    tested: "this muster",
    detection: "first line {\"muster_shard\": N, …}",
    signature: &[],
    channel: Channel::Shard,
};

/// Shard format version.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    muster_shard: u32,
    muster_version: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Source(SourceSummary),
    Record(Box<Record>),
}

/// Whether decoded text is a shard.
pub fn is_shard(text: &str) -> bool {
    text.trim_start().starts_with("{\"muster_shard\"")
}

/// Write a shard: sources in order, each followed by its records.
pub fn write(
    out: &mut dyn Write,
    sources: &[SourceSummary],
    records: &[Record],
) -> std::io::Result<()> {
    let header = Header {
        muster_shard: VERSION,
        muster_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n")?;
    let mut by_file: std::collections::BTreeMap<&str, Vec<&Record>> =
        std::collections::BTreeMap::new();
    for r in records {
        by_file
            .entry(r.provenance.file.as_str())
            .or_default()
            .push(r);
    }
    for s in sources {
        serde_json::to_writer(&mut *out, &Line::Source(s.clone()))?;
        out.write_all(b"\n")?;
        for r in by_file.remove(s.path.as_str()).unwrap_or_default() {
            serde_json::to_writer(&mut *out, &Line::Record(Box::new(r.clone())))?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Read a shard's sources and records; bad lines become diagnostics against `file`.
pub fn read(file: &str, text: &str) -> (Vec<SourceSummary>, Vec<Record>, Vec<Diagnostic>) {
    super::register_formats();
    let mut sources = Vec::new();
    let mut records = Vec::new();
    let mut diags = Vec::new();
    let mut lines = text.lines().enumerate();
    match lines.next().map(|(_, l)| serde_json::from_str::<Header>(l)) {
        Some(Ok(h)) if h.muster_shard == VERSION => {}
        Some(Ok(h)) => {
            diags.push(Diagnostic::file(
                Level::Error,
                Code::UnknownFormat,
                file,
                format!(
                    "shard version {} is not supported (this muster reads version {VERSION})",
                    h.muster_shard
                ),
            ));
            return (sources, records, diags);
        }
        _ => {
            diags.push(
                Diagnostic::file(
                    Level::Error,
                    Code::NotJson,
                    file,
                    "shard header line is missing or invalid",
                )
                .at(1, None),
            );
            return (sources, records, diags);
        }
    }
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(line) {
            Ok(Line::Source(s)) => sources.push(s),
            Ok(Line::Record(r)) => records.push(*r),
            Err(e) => diags.push(
                Diagnostic::file(
                    Level::Warning,
                    Code::BadRecord,
                    file,
                    format!("shard line skipped: {e}"),
                )
                .at(i as u64 + 1, None),
            ),
        }
    }
    (sources, records, diags)
}
