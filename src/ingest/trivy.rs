//! Trivy exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The Trivy ingestor.
pub struct Trivy;

impl Ingestor for Trivy {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Trivy,
            name: "Trivy",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
