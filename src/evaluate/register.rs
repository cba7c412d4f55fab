//! Reading the registers people keep beside the exports (`waivers.csv`, `triage.csv`):
//! a header row naming the columns, one entry per row. A missing required column stops
//! the register with one diagnostic; a bad row is a diagnostic with its line and column
//! and is left out, never guessed.

use crate::diag::{Code, Diagnostic, Level};
use chrono::NaiveDate;

/// One row of a register, with what it takes to report a problem in it.
pub struct Row<'r> {
    file: &'r str,
    what: &'r str,
    headers: &'r [String],
    record: csv::StringRecord,
    /// 1-based line of the row.
    pub line: u64,
}

impl Row<'_> {
    /// The trimmed cell of a column (empty when absent).
    pub fn get(&self, column: &str) -> String {
        self.headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
            .to_string()
    }

    /// A diagnostic: this row is not applied because of `column`.
    pub fn bad(&self, column: &str, message: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::file(
            Level::Error,
            Code::Config,
            self.file,
            format!("{} not applied: column {column}: {message}", self.what),
        )
        .at(
            self.line,
            self.headers
                .iter()
                .position(|h| h == column)
                .map(|c| c as u64 + 1),
        )
    }

    /// A date cell (`YYYY-MM-DD` or RFC 3339), or the diagnostic saying it is not one.
    pub fn date(&self, column: &str) -> Result<NaiveDate, Diagnostic> {
        let cell = self.get(column);
        parse_date(&cell)
            .ok_or_else(|| self.bad(column, format!("{cell:?} is not a date (YYYY-MM-DD)")))
    }
}

/// Parse a date cell: `YYYY-MM-DD` or RFC 3339.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.date_naive())
    })
}

/// Read a register's rows and hand each to `entry`; `what` names an entry in
/// diagnostics ("waiver", "triage entry").
pub fn read<T>(
    file: &str,
    text: &str,
    what: &str,
    required: &[&str],
    diags: &mut Vec<Diagnostic>,
    mut entry: impl FnMut(&Row<'_>) -> Result<T, Diagnostic>,
) -> Vec<T> {
    let mut out = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => {
            diags.push(Diagnostic::file(
                Level::Error,
                Code::Config,
                file,
                format!("cannot read header: {e}"),
            ));
            return out;
        }
    };
    for r in required {
        if !headers.iter().any(|h| h == r) {
            diags.push(
                Diagnostic::file(
                    Level::Error,
                    Code::Config,
                    file,
                    format!("missing column {r:?}; no {what} was applied"),
                )
                .at(1, None),
            );
            return out;
        }
    }
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                diags.push(
                    Diagnostic::file(
                        Level::Error,
                        Code::Config,
                        file,
                        format!("unreadable row: {e}"),
                    )
                    .at(line, None),
                );
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            file,
            what,
            headers: &headers,
            record,
            line,
        };
        match entry(&row) {
            Ok(t) => out.push(t),
            Err(d) => diags.push(d),
        }
    }
    out
}
