//! K8sAudit exports (stub: to be implemented).

use super::{Doc, FileCtx, FormatInfo, Ingestor, Probe};
use crate::model::Format;

/// The K8sAudit ingestor.
pub struct K8sAudit;

impl Ingestor for K8sAudit {
    fn info(&self) -> FormatInfo {
        FormatInfo {
            format: Format::K8sAudit,
            name: "K8sAudit",
            tested: "",
            detection: "",
        }
    }

    fn detect(&self, _probe: &Probe) -> bool {
        false
    }

    fn ingest(&self, _doc: &Doc<'_>, _ctx: &mut FileCtx<'_>) {}
}
