//! Templates and assets compiled into the binary, each overridable one file at a
//! time from a project folder (`<dir>/templates/<name>`, `<dir>/assets/<name>`).
//!
//! Only names in the tables below can be loaded, so an override can never reach
//! outside its folder.

use super::i18n::I18n;
use super::RenderError;
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::path::{Path, PathBuf};

/// Every template, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("control.html", include_str!("../../templates/control.html")),
    (
        "controls.html",
        include_str!("../../templates/controls.html"),
    ),
    (
        "findings.html",
        include_str!("../../templates/findings.html"),
    ),
    ("images.html", include_str!("../../templates/images.html")),
    ("image.html", include_str!("../../templates/image.html")),
    ("teams.html", include_str!("../../templates/teams.html")),
    ("waivers.html", include_str!("../../templates/waivers.html")),
    (
        "unmapped.html",
        include_str!("../../templates/unmapped.html"),
    ),
    ("changes.html", include_str!("../../templates/changes.html")),
    ("sources.html", include_str!("../../templates/sources.html")),
    (
        "executive.html",
        include_str!("../../templates/executive.html"),
    ),
    ("report.html", include_str!("../../templates/report.html")),
    ("team.html", include_str!("../../templates/team.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("doc.html", include_str!("../../templates/doc.html")),
];

/// How muster dates evidence, for readers of the site (rendered as `evidence-time.html`).
pub const EVIDENCE_TIME_MD: &str = include_str!("../../docs/evidence-time.md");

/// Every static asset, by name (written under `assets/`).
pub const ASSETS: &[(&str, &str)] = &[
    ("muster.css", include_str!("../../assets/muster.css")),
    ("muster.js", include_str!("../../assets/muster.js")),
];

fn read_override(dir: Option<&Path>, sub: &str, name: &str) -> std::io::Result<Option<String>> {
    let Some(dir) = dir else { return Ok(None) };
    let path = dir.join(sub).join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The assets to write: embedded, or the project's file of the same name.
pub fn assets(dir: Option<&Path>) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    ASSETS
        .iter()
        .map(|(name, text)| {
            let body = read_override(dir, "assets", name)
                .map_err(|source| RenderError::Override {
                    path: format!("assets/{name}"),
                    source,
                })?
                .unwrap_or_else(|| text.to_string());
            Ok((format!("assets/{name}"), body.into_bytes()))
        })
        .collect()
}

/// Escape text for HTML content and quoted attributes (`& < > " '`).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The template environment: strict undefined, HTML auto-escaping for `.html`,
/// the `t(key, **params)` function for interface strings.
pub fn environment(dir: Option<PathBuf>, i18n: I18n) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Html)
            && !value.is_safe()
            && !value.is_undefined()
        {
            out.write_str(&escape_html(&value.to_string()))
                .map_err(|_| minijinja::Error::from(minijinja::ErrorKind::WriteFailure))
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.set_loader(move |name| {
        let Some((_, embedded)) = TEMPLATES.iter().find(|(n, _)| *n == name) else {
            return Ok(None);
        };
        match read_override(dir.as_deref(), "templates", name) {
            Ok(Some(text)) => Ok(Some(text)),
            Ok(None) => Ok(Some(embedded.to_string())),
            Err(e) => Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("cannot read template override templates/{name}"),
            )
            .with_source(e)),
        }
    });
    env.add_function(
        "t",
        move |key: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let mut params = Vec::new();
            for k in kwargs.args() {
                let v: Value = kwargs.get(k)?;
                params.push((k, v.to_string()));
            }
            kwargs.assert_all_used()?;
            Ok(i18n.tf(key, &params))
        },
    );
    env
}
