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

pub mod aci;
pub mod acr;
pub mod aks;
mod arm;
pub mod audit_aks;
pub mod audit_eks;
mod audit_envelope;
pub mod audit_gke;
pub mod azure_diagnostics;
pub mod azure_policy;
pub mod azure_rbac;
mod benchmark;
pub mod cosign;
pub mod csaf;
pub mod cyclonedx;
mod cyclonedx_bom;
pub mod cyclonedx_vex;
pub mod defender;
pub mod defender_cloud;
mod doc;
pub mod docker_bench;
pub mod eks;
mod emit;
pub mod falco;
pub mod gatekeeper;
pub mod gatekeeper_log;
pub mod gitlab;
pub mod gke;
pub mod grype;
pub mod k8s_audit;
pub mod k8s_inventory;
pub mod kube_bench;
pub mod kubescape;
mod kubescape_v1;
mod lax;
#[cfg(test)]
mod lax_tests;
mod lent;
mod memo;
pub mod openvex;
mod path_date;
pub mod polaris;
pub mod policy_report;
pub mod probe;
mod purl;
mod read;
pub mod sarif;
pub mod shard;
pub mod shown;
pub mod snyk;
pub mod source;
mod split;
mod subjects;
pub mod tetragon;
mod tree;
pub mod trivy;
pub mod trivy_compliance;
pub mod trivy_k8s;
mod trivy_listing;
pub mod trivy_operator;
mod trivy_results;
mod util;
mod vex;
mod workload;

pub use crate::model::SourceSummary;
pub use doc::{Doc, EventKey, FileCtx};
pub use emit::{limits, Draft, Origin, Place};
pub use probe::Probe;
pub use source::{ingest_paths, IngestOptions, Ingested};
pub use util::parse_time;
pub use workload::{inventory_title_key, INVENTORY_CHECK_IDS};

use crate::model::{Format, FormatInfo};
use std::sync::LazyLock;

/// One input format: its description, how to recognise it, how to read it.
pub trait Ingestor: Sync + Send {
    /// What the format is (id, export, tested versions, detection, channel).
    fn info(&self) -> &'static FormatInfo;
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
    /// For a [`Ingestor::detects_from_top_level`] format, offered each further line of
    /// a file it has claimed, before any probe: read the line when the format's own
    /// parse of it shows the keys `detect` asks for, and say so. `false` (the line does
    /// not parse, or lacks one of those keys) leaves the line untouched, to be probed
    /// and detected as any other, so detection and diagnostics do not depend on this
    /// shortcut. `doc.probe` is empty here.
    fn ingest_line(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) -> bool {
        false
    }
    /// The format.
    fn format(&self) -> Format {
        Format::of(self.info())
    }
}

/// All ingestors, in detection order (most specific first; see formats.md).
pub static REGISTRY: &[&dyn Ingestor] = &[
    &sarif::Sarif,
    &policy_report::PolicyReport,
    &gatekeeper::Gatekeeper,
    &trivy_operator::TrivyOperator,
    &k8s_audit::K8sAudit,
    &audit_aks::AksAudit,
    &audit_gke::GkeAudit,
    &audit_eks::EksAudit,
    &defender::Defender,
    &trivy_k8s::TrivyK8s,
    &trivy::Trivy,
    &trivy_compliance::TrivyCompliance,
    &grype::Grype,
    &kube_bench::KubeBench,
    &docker_bench::DockerBench,
    &cosign::Cosign,
    &aks::Aks,
    &acr::Acr,
    &aci::Aci,
    &azure_rbac::AzureRbac,
    &azure_policy::AzurePolicy,
    &azure_diagnostics::AzureDiagnostics,
    &defender_cloud::DefenderCloud,
    &eks::Eks,
    &gke::Gke,
    &k8s_inventory::K8sInventory,
    &falco::Falco,
    &tetragon::Tetragon,
    &gatekeeper_log::GatekeeperLog,
    &openvex::OpenVex,
    &csaf::Csaf,
    &cyclonedx_vex::CycloneDxVex,
    &cyclonedx::CycloneDx,
    &kubescape::Kubescape,
    &polaris::Polaris,
    &gitlab::GitLab,
    &snyk::Snyk,
];

/// The ingestor that claims a probed document, if any.
pub fn detect(probe: &Probe) -> Option<&'static dyn Ingestor> {
    REGISTRY.iter().copied().find(|i| i.detect(probe))
}

/// Describe every supported format (for `muster formats` and the README).
pub fn formats() -> Vec<&'static FormatInfo> {
    REGISTRY.iter().map(|i| i.info()).collect()
}

/// Every format a record can name: the registry's and muster's own shards.
static KNOWN_FORMATS: LazyLock<Vec<&'static FormatInfo>> = LazyLock::new(|| {
    REGISTRY
        .iter()
        .map(|i| i.info())
        .chain([&shard::INFO])
        .collect()
});

/// Make every format known to deserialisation (shards name formats by id).
pub fn register_formats() {
    crate::model::register_formats(&KNOWN_FORMATS);
}
