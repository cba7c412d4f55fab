//! TrivyOperator exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The TrivyOperator ingestor.
pub struct TrivyOperator;

impl Ingestor for TrivyOperator {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::TrivyOperator,
            name: "TrivyOperator",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
