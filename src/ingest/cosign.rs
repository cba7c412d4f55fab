//! Cosign exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The Cosign ingestor.
pub struct Cosign;

impl Ingestor for Cosign {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Cosign,
            name: "Cosign",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
