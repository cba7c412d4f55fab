//! The normalised evidence model: every export, whatever tool wrote it, becomes
//! [`Record`]s about [`Subject`]s with an [`Outcome`], a [`Severity`] and typed
//! [`Facts`], read from a [`Format`] whose [`FormatInfo`] says what it is.
//!
//! This module owns the vocabulary shared by ingest, evaluation and rendering: every
//! name a decision depends on is a type here, declared once. It does no I/O: parsing
//! lives in `ingest`, judgement in `evaluate`.

mod facts;
mod field;
mod format;
mod image;
mod platform;
mod record;
mod record_serde;
mod severity;
mod source;
mod text;
mod vocab;
pub mod workload;

pub use facts::{
    checks_pod_security, BenchmarkFacts, CheckNumbering, ConfigFamilies, ConfigFamily, Facts,
    ImageFacts, RanChecks, ScanClass, Sensor, VexFacts, VexStatus, VulnFacts, AUDIT_LOG, SIGHTING,
};
pub use field::Field;
#[cfg(test)]
pub(crate) use format::test_formats;
pub use format::{register_formats, Channel, Format, FormatInfo};
pub use image::ImageRef;
pub use platform::{
    registry_access, secret_looking_name, ClusterFacts, ContainerGroupFacts, DiagnosticFacts, Fact,
    LogFlow, MonitoredResource, NodePoolFacts, PlatformFacts, PlatformSetting, PolicyStateFacts,
    RegistryAccess, RegistryFacts, ResourceLog, RoleAssignmentFacts, RoleDefinitionFacts, Setting,
};
pub use record::{Outcome, Provenance, Record, RecordKind, Statement, Subject, POD_KIND};
pub use severity::Severity;
pub use source::SourceSummary;
pub use text::{Attrs, Interner, Shared, Text};
pub(crate) use vocab::vocabulary;
