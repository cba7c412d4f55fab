//! Ingest: exports on disk → normalised [`Record`]s, one module per input format.
//!
//! Every format implements [`Ingestor`]: `detect` looks at a [`Probe`] of the JSON shape
//! (never the file name) and `ingest` maps the tool's own serde types onto the model.
//! [`source`] reads files (gzip, BOM, JSON, JSON Lines, concatenated JSON, `List`
//! wrappers) and hands each document to the first ingestor of [`REGISTRY`] that claims it.
//! Input here is untrusted: nothing in this module may panic on any byte sequence.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod cosign;
pub mod defender;
mod doc;
pub mod docker_bench;
pub mod falco;
pub mod gatekeeper;
pub mod gatekeeper_log;
pub mod grype;
pub mod k8s_audit;
pub mod kube_bench;
pub mod policy_report;
pub mod probe;
mod read;
pub mod sarif;
pub mod shard;
pub mod source;
mod split;
pub mod tetragon;
pub mod trivy;
pub mod trivy_compliance;
pub mod trivy_k8s;
pub mod trivy_operator;
mod trivy_results;
mod util;

pub use doc::{Doc, FileCtx};
pub use probe::Probe;
pub use source::{ingest_paths, IngestOptions, Ingested, SourceSummary};
pub use util::parse_time;

use crate::model::Format;

/// What `muster formats` says about one input format.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FormatInfo {
    /// The format.
    pub format: Format,
    /// Human name of the tool and export.
    pub name: &'static str,
    /// Tool versions whose output this parser was tested against.
    pub tested: &'static str,
    /// One-line detection rule.
    pub detection: &'static str,
}

/// One input format.
pub trait Ingestor: Sync + Send {
    /// Which format this is.
    fn info(&self) -> FormatInfo;
    /// Whether a document of this shape belongs to this format.
    fn detect(&self, probe: &Probe) -> bool;
    /// Read one document (a whole file, one `List` item, or one JSON line) into records.
    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>);
    /// Whether `detect` and `ingest` need only the top-level keys and scalars of the
    /// probe ([`Probe::top_level`]). JSON Lines event formats say yes: once a line of a
    /// file is theirs, the following lines are checked with that cheaper probe.
    fn detects_from_top_level(&self) -> bool {
        false
    }
}

/// All ingestors, in detection order (most specific first; see formats.md).
pub static REGISTRY: &[&dyn Ingestor] = &[
    &sarif::Sarif,
    &policy_report::PolicyReport,
    &gatekeeper::Gatekeeper,
    &trivy_operator::TrivyOperator,
    &k8s_audit::K8sAudit,
    &defender::Defender,
    &trivy_k8s::TrivyK8s,
    &trivy::Trivy,
    &trivy_compliance::TrivyCompliance,
    &grype::Grype,
    &kube_bench::KubeBench,
    &docker_bench::DockerBench,
    &cosign::Cosign,
    &falco::Falco,
    &tetragon::Tetragon,
    &gatekeeper_log::GatekeeperLog,
];

/// The ingestor that claims a probed document, if any.
pub fn detect(probe: &Probe) -> Option<&'static dyn Ingestor> {
    REGISTRY.iter().copied().find(|i| i.detect(probe))
}

/// Describe every supported format (for `muster formats` and the README).
pub fn formats() -> Vec<FormatInfo> {
    REGISTRY.iter().map(|i| i.info()).collect()
}
