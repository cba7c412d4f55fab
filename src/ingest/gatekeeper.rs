//! Gatekeeper exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The Gatekeeper ingestor.
pub struct Gatekeeper;

impl Ingestor for Gatekeeper {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Gatekeeper,
            name: "Gatekeeper",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
