//! Tetragon exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The Tetragon ingestor.
pub struct Tetragon;

impl Ingestor for Tetragon {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Tetragon,
            name: "Tetragon",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
