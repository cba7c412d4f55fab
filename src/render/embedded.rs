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

/// How muster dates evidence, for readers of the site (rendered as `evidence-time.html`),
/// one file per site language: `docs/evidence-time.md` (English) and its translations
/// `docs/evidence-time.<lang>.md`, which keep the English file's headings one for one
/// (a test holds them to it).
pub const EVIDENCE_TIME_MD: &[(&str, &str)] = &[
    ("en", include_str!("../../docs/evidence-time.md")),
    ("es", include_str!("../../docs/evidence-time.es.md")),
    ("fr", include_str!("../../docs/evidence-time.fr.md")),
];

/// The evidence-time page in `lang`, and whether it is in that language (else English).
pub fn evidence_time_md(lang: &str) -> (&'static str, bool) {
    match EVIDENCE_TIME_MD.iter().find(|(l, _)| *l == lang) {
        Some((_, text)) => (text, true),
        None => (EVIDENCE_TIME_MD[0].1, false),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The headings of a markdown text, outside fenced code: (level, text).
    fn headings(md: &str) -> Vec<(usize, String)> {
        let mut fenced = false;
        let mut out = Vec::new();
        for line in md.lines() {
            if line.starts_with("```") {
                fenced = !fenced;
            } else if !fenced && line.starts_with('#') {
                let level = line.chars().take_while(|c| *c == '#').count();
                out.push((level, line[level..].trim().to_string()));
            }
        }
        out
    }

    /// The fenced code blocks of a markdown text (examples are not translated).
    fn code_blocks(md: &str) -> Vec<String> {
        md.split("```")
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    /// Every site language has its own evidence-time page, with the English page's
    /// sections (same number, same levels, same order) and the same examples, so a
    /// section added in English cannot be missing silently from a translation.
    #[test]
    fn evidence_time_page_exists_in_every_language_with_the_english_sections() {
        let (en, _) = evidence_time_md("en");
        let en_headings = headings(en);
        assert!(en_headings.len() > 5, "{en_headings:?}");
        for lang in super::super::i18n::languages() {
            let (text, translated) = evidence_time_md(lang);
            assert!(translated, "docs/evidence-time.{lang}.md is missing");
            let got = headings(text);
            let levels = |h: &[(usize, String)]| h.iter().map(|(l, _)| *l).collect::<Vec<_>>();
            assert_eq!(
                levels(&got),
                levels(&en_headings),
                "docs/evidence-time.{lang}.md has other sections than the English file: {got:?}"
            );
            if lang != "en" {
                for ((_, e), (_, t)) in en_headings.iter().zip(&got) {
                    assert_ne!(e, t, "{lang}: heading {e:?} is not translated");
                }
            }
            assert_eq!(
                code_blocks(text),
                code_blocks(en),
                "{lang}: examples differ"
            );
        }
    }
}
