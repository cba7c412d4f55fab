//! What muster says about one input file: its digest, size, formats, records by
//! kind, the time range of its evidence and the problems found in it.

use super::{Format, RecordKind};
use crate::diag::Diagnostic;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What `sources.html` and `check --format json` say about one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSummary {
    /// The file as shown to users.
    pub path: String,
    /// Formats detected in it (usually one).
    pub formats: Vec<Format>,
    /// SHA-256 of the file bytes as stored (compressed bytes for `.gz`).
    pub sha256: String,
    /// Size in bytes as stored.
    pub size: u64,
    /// Whether the file was gzip-compressed.
    pub compressed: bool,
    /// Records produced, by kind.
    pub records: BTreeMap<RecordKind, u64>,
    /// Earliest observation time among its records.
    pub first_observed: Option<DateTime<Utc>>,
    /// Latest observation time among its records.
    pub last_observed: Option<DateTime<Utc>>,
    /// Records with no observation time at all ("date unknown").
    #[serde(default)]
    pub undated_records: u64,
    /// Whether its records were dated from the date in its path (the export has no time).
    #[serde(default)]
    pub dated_from_path: bool,
    /// Problems found in it.
    pub diagnostics: Vec<Diagnostic>,
}

impl SourceSummary {
    /// Total records produced.
    pub fn record_count(&self) -> u64 {
        self.records.values().sum()
    }
}
