//! TrivyCompliance exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The TrivyCompliance ingestor.
pub struct TrivyCompliance;

impl Ingestor for TrivyCompliance {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::TrivyCompliance,
            name: "TrivyCompliance",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
