//! PolicyReport exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The PolicyReport ingestor.
pub struct PolicyReport;

impl Ingestor for PolicyReport {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::PolicyReport,
            name: "PolicyReport",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
