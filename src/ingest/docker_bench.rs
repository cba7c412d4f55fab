//! DockerBench exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The DockerBench ingestor.
pub struct DockerBench;

impl Ingestor for DockerBench {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::DockerBench,
            name: "DockerBench",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
