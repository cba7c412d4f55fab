//! Grype exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The Grype ingestor.
pub struct Grype;

impl Ingestor for Grype {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::Grype,
            name: "Grype",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
