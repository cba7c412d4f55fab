//! Defender exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The Defender ingestor.
pub struct Defender;

impl Ingestor for Defender {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Defender,
            name: "Defender",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
