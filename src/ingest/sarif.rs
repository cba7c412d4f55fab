//! Sarif exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The Sarif ingestor.
pub struct Sarif;

impl Ingestor for Sarif {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Sarif,
            name: "Sarif",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
