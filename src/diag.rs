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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(p) = &self.pointer {
            write!(f, " (at {p})")?;
        }
        write!(f, ": {}[{}]: {}", self.level, self.code, self.message)
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
