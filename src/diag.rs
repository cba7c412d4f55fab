//! Diagnostics: problems in the user's inputs, reported with the file and the place in it.
//!
//! A diagnostic never stops a build. It is collected, shown on the sources page and in
//! `check --format json`, and turns into a non-zero exit only with `--strict`.

use crate::model::vocabulary;
use serde::{Deserialize, Serialize};
use std::fmt;

vocabulary! {
    /// How serious a diagnostic is.
    pub enum Level {
        /// Worth knowing; nothing was lost.
        Note = "note",
        /// Something was skipped or guessed; the rest was read.
        Warning = "warning",
        /// A file or record could not be read at all.
        Error = "error",
    }
}

vocabulary! {
    /// A machine-readable code for each kind of diagnostic (stable, kebab-case).
    pub enum Code {
        /// The file could not be read from disk.
        Unreadable = "unreadable",
        /// The file is not JSON (or not valid UTF-8 JSON).
        NotJson = "not-json",
        /// The file is JSON but matches no supported format.
        UnknownFormat = "unknown-format",
        /// One record inside a recognised file could not be understood.
        BadRecord = "bad-record",
        /// The file is empty.
        Empty = "empty",
        /// A value was out of the expected range or shape but the record was kept.
        Suspicious = "suspicious",
        /// The tool truncated its own output (e.g. Gatekeeper's violation limit).
        Truncated = "truncated",
        /// A configuration, waiver or attestation problem.
        Config = "config",
        /// A catalog problem.
        Catalog = "catalog",
        /// A file exceeded a resource bound and was cut short.
        TooLarge = "too-large",
    }
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Severity of the problem.
    pub level: Level,
    /// What kind of problem.
    pub code: Code,
    /// The file, as shown to users.
    pub file: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// JSON pointer, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic about a whole file.
    pub fn file(level: Level, code: Code, file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level,
            code,
            file: file.to_string(),
            line: None,
            column: None,
            pointer: None,
            message: message.into(),
        }
    }

    /// Attach a line and column.
    pub fn at(mut self, line: u64, column: Option<u64>) -> Diagnostic {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// Attach a JSON pointer.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into());
        self
    }
}

/// Text from an export made safe to print to a terminal or CI log.
///
/// Rule: C0 controls (newline and tab included), DEL, C1 controls and the bidirectional
/// formatting characters (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) are written
/// as `\u{…}` escapes, so a file or resource name cannot move the cursor, set the window
/// title, clear the screen, forge earlier lines or reorder what is shown. The rest,
/// backslashes included, is left as it is (most text is clean and is not copied).
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            )
    }
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The terminal form: `file:line:col (at pointer): level[code]: message`, with every
/// part taken from an export passed through [`terminal_safe`].
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal_safe(&self.file))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(p) = &self.pointer {
            write!(f, " (at {})", terminal_safe(p))?;
        }
        write!(
            f,
            ": {}[{}]: {}",
            self.level,
            self.code,
            terminal_safe(&self.message)
        )
    }
}

/// Keeps the first few diagnostics of each code per file and counts the rest,
/// so a corrupt 1 GB log yields a readable list, not a million lines.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    kept: Vec<Diagnostic>,
    suppressed: std::collections::BTreeMap<(String, Code), u64>,
}

/// How many diagnostics of one code are kept per file before the rest are only counted.
pub const KEEP_PER_CODE: usize = 20;

impl Diagnostics {
    /// Record a diagnostic (kept, or counted if too many of its kind were already kept for its file).
    pub fn push(&mut self, d: Diagnostic) {
        let same = self
            .kept
            .iter()
            .filter(|k| k.code == d.code && k.file == d.file)
            .count();
        if same >= KEEP_PER_CODE {
            *self.suppressed.entry((d.file, d.code)).or_insert(0) += 1;
        } else {
            self.kept.push(d);
        }
    }

    /// Append all of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.kept {
            self.push(d);
        }
        for (k, n) in other.suppressed {
            *self.suppressed.entry(k).or_insert(0) += n;
        }
    }

    /// The kept diagnostics plus one summary per suppressed (file, code).
    pub fn into_vec(self) -> Vec<Diagnostic> {
        let mut out = self.kept;
        for ((file, code), n) in self.suppressed {
            out.push(Diagnostic::file(
                Level::Warning,
                code,
                &file,
                format!("{n} more diagnostics of this kind were not listed"),
            ));
        }
        out
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.suppressed.is_empty()
    }

    /// Number of diagnostics recorded, including suppressed ones.
    pub fn total(&self) -> u64 {
        self.kept.len() as u64 + self.suppressed.values().sum::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_escapes_controls_and_bidi_overrides() {
        assert_eq!(terminal_safe("web.json"), "web.json");
        assert_eq!(terminal_safe("café ü 日本 a\\b"), "café ü 日本 a\\b");
        assert_eq!(
            terminal_safe("evil\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
            "evil\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J"
        );
        assert_eq!(terminal_safe("a\rb\nc\td"), "a\\u{d}b\\u{a}c\\u{9}d");
        assert_eq!(terminal_safe("x\u{7f}\u{9b}y"), "x\\u{7f}\\u{9b}y");
        assert_eq!(
            terminal_safe("invoice\u{202E}fdp.exe\u{2066}"),
            "invoice\\u{202e}fdp.exe\\u{2066}"
        );
    }

    #[test]
    fn a_diagnostic_prints_no_raw_control_character() {
        let d = Diagnostic::file(
            Level::Warning,
            Code::BadRecord,
            "in/a\u{1b}[31m.json",
            "registry evil\u{1b}]0;T\u{7} read",
        )
        .pointer("/x\u{202E}");
        let shown = d.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202E}'),
            "{shown:?}"
        );
        assert!(shown.contains("a\\u{1b}[31m.json"), "{shown}");
    }
}
