//! GatekeeperLog exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The GatekeeperLog ingestor.
pub struct GatekeeperLog;

impl Ingestor for GatekeeperLog {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::GatekeeperLog,
            name: "GatekeeperLog",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
