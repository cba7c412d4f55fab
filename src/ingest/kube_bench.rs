//! KubeBench exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The KubeBench ingestor.
pub struct KubeBench;

impl Ingestor for KubeBench {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::KubeBench,
            name: "KubeBench",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
