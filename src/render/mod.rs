//! Rendering (minimal interim version: the full site renderer replaces it).

use crate::catalog::Catalog;
use crate::config::Config;
use crate::evaluate::Report;
use std::path::PathBuf;

/// Rendering options.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Override folder.
    pub template_dir: Option<PathBuf>,
    /// Whether redaction was disabled.
    pub redaction_disabled: bool,
}

/// Rendering errors.
#[derive(Debug, thiserror::Error)]
#[error("rendering {template}: {message}")]
pub struct RenderError {
    /// Template.
    pub template: String,
    /// Message.
    pub message: String,
}

/// Render the site into memory.
pub fn render_site(
    report: &Report,
    _catalog: &Catalog,
    _config: &Config,
    _lang: &str,
    _opts: &RenderOptions,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let json = serde_json::to_vec_pretty(report).map_err(|e| RenderError {
        template: "report.json".into(),
        message: e.to_string(),
    })?;
    Ok(vec![("report.json".to_string(), json)])
}
