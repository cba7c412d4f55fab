//! `muster check`: the CI gate. Same ingest and evaluation as `build`, no site;
//! a table or stable JSON (docs/check-json.md) and exit 1 at the `--fail-on` level.

use super::args::{CheckArgs, FailOn, OutputFormat};
use super::load::{load, print_diagnostics};
use crate::evaluate::Status;
use serde::Serialize;

/// JSON schema identifier of `check --format json`.
pub const SCHEMA: &str = "muster-check/1";

#[derive(Serialize)]
struct CheckJson<'a> {
    schema: &'static str,
    as_of: String,
    profile: &'a str,
    score: f64,
    statuses: std::collections::BTreeMap<&'static str, usize>,
    controls: Vec<ControlJson<'a>>,
    inputs: Vec<InputJson<'a>>,
    diagnostics: &'a [crate::diag::Diagnostic],
}

#[derive(Serialize)]
struct ControlJson<'a> {
    id: &'a str,
    title: &'a str,
    status: Status,
    reason: &'a crate::evaluate::Reason,
    evidence: usize,
}

#[derive(Serialize)]
struct InputJson<'a> {
    path: &'a str,
    formats: Vec<&'static str>,
    sha256: &'a str,
    size: u64,
    compressed: bool,
    records: std::collections::BTreeMap<&'static str, u64>,
    first_observed: Option<String>,
    last_observed: Option<String>,
    undated_records: u64,
    dated_from_path: bool,
    diagnostics: &'a [crate::diag::Diagnostic],
}

/// Run `check`.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let loaded = load(&args.input, args.format == OutputFormat::Json)?;
    let report = &loaded.report;
    let has_diags = print_diagnostics(report, args.format == OutputFormat::Json);
    match args.format {
        OutputFormat::Json => {
            let doc = CheckJson {
                schema: SCHEMA,
                as_of: report.as_of.to_rfc3339(),
                profile: &report.profile,
                score: report.score,
                statuses: report
                    .statuses
                    .iter()
                    .map(|(s, n)| (s.as_str(), *n))
                    .collect(),
                controls: report
                    .controls
                    .iter()
                    .map(|c| ControlJson {
                        id: &c.id,
                        title: loaded
                            .catalog
                            .get(&c.id)
                            .map(|k| k.title.get("en"))
                            .unwrap_or(""),
                        status: c.status,
                        reason: &c.reason,
                        evidence: c.evidence_count,
                    })
                    .collect(),
                inputs: report
                    .sources
                    .iter()
                    .map(|s| InputJson {
                        path: &s.path,
                        formats: s.formats.iter().map(|f| f.id()).collect(),
                        sha256: &s.sha256,
                        size: s.size,
                        compressed: s.compressed,
                        records: s.records.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
                        first_observed: s.first_observed.map(|t| t.to_rfc3339()),
                        last_observed: s.last_observed.map(|t| t.to_rfc3339()),
                        undated_records: s.undated_records,
                        dated_from_path: s.dated_from_path,
                        diagnostics: &s.diagnostics,
                    })
                    .collect(),
                diagnostics: &report.diagnostics,
            };
            outln!("{}", serde_json::to_string_pretty(&doc)?);
        }
        OutputFormat::Text => {
            outln!("{:<9} {:<13} {:>8}  TITLE", "CONTROL", "STATUS", "EVIDENCE");
            for c in &report.controls {
                let title = loaded
                    .catalog
                    .get(&c.id)
                    .map(|k| k.title.get("en"))
                    .unwrap_or("");
                outln!(
                    "{:<9} {:<13} {:>8}  {}",
                    c.id,
                    c.status.as_str(),
                    c.evidence_count,
                    title
                );
            }
            let counts: Vec<String> = report
                .statuses
                .iter()
                .map(|(s, n)| format!("{n} {}", s.as_str()))
                .collect();
            outln!(
                "\n{} controls: {} — score {:.1}% (as of {})",
                report.controls.len(),
                counts.join(", "),
                report.score,
                report.as_of.date_naive()
            );
        }
    }
    let unreadable = super::load::unreadable_inputs(report);
    if !unreadable.is_empty() && !args.input.allow_input_errors {
        eprintln!(
            "error: {} input(s) could not be read or parsed, so the gate cannot pass on them: {}\n\
             (fix the inputs, or pass --allow-input-errors to judge without them)",
            unreadable.len(),
            unreadable.join(", ")
        );
        return Ok(2);
    }
    let gate = report.controls.iter().any(|c| match args.fail_on {
        FailOn::Fail => c.status == Status::Fail,
        FailOn::Warning => matches!(c.status, Status::Fail | Status::Warning),
    });
    Ok(if gate || (args.input.strict && has_diags) {
        1
    } else {
        0
    })
}
