//! TrivyK8s exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The TrivyK8s ingestor.
pub struct TrivyK8s;

impl Ingestor for TrivyK8s {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::TrivyK8s,
            name: "TrivyK8s",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
