//! Data exports for spreadsheets and scripts: `controls.csv`, `findings.csv`,
//! `unmapped.csv` (open high and critical findings no control counts),
//! `waivers.csv`, `sources.csv` and `report.json`.
//!
//! CSV files are UTF-8 with a header row, one record per row, dates in ISO 8601.
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or carriage return) get a leading apostrophe.

use super::build::location;
use super::i18n::I18n;
use super::report_json::ReportJson;
use super::RenderError;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::evaluate::{Finding, Report};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

/// The columns of findings.csv and unmapped.csv.
const FINDING_COLUMNS: &[&str] = &[
    "key",
    "kind",
    "check",
    "title",
    "severity",
    "subject",
    "image",
    "package",
    "installed_version",
    "fixed_version",
    "known_exploited",
    "first_seen",
    "last_seen",
    "due",
    "state",
    "team",
    "waiver",
    "sources",
    "controls",
    "location",
    "expired_waiver",
    "vex_status",
    "vex_justification",
    "vex_document",
    "fixed_on",
    "previously_fixed_on",
    "outside_production",
];

/// One findings.csv (and unmapped.csv) row, in the order of [`FINDING_COLUMNS`].
fn finding_row(f: &Finding) -> Vec<String> {
    vec![
        f.key.to_string(),
        f.kind.to_string(),
        f.check.to_string(),
        f.title.to_string(),
        f.severity.as_str().to_string(),
        f.subject.to_string(),
        f.image.as_ref().map(|i| i.tagged()).unwrap_or_default(),
        f.package.as_deref().unwrap_or_default().to_string(),
        f.installed_version
            .as_deref()
            .unwrap_or_default()
            .to_string(),
        f.fixed_version.as_deref().unwrap_or_default().to_string(),
        f.known_exploited.to_string(),
        iso_time(f.first_seen),
        iso_time(f.last_seen),
        iso_date(f.due),
        id_of(&f.state),
        f.team.as_deref().unwrap_or_default().to_string(),
        f.waiver.clone().unwrap_or_default(),
        f.sources.join(" "),
        f.controls.join(" "),
        location(&f.provenance),
        f.expired_waiver.clone().unwrap_or_default(),
        f.vex
            .as_ref()
            .map(|v| v.facts.status.as_str().to_string())
            .unwrap_or_default(),
        f.vex
            .as_ref()
            .and_then(|v| v.facts.justification.as_deref())
            .unwrap_or_default()
            .to_string(),
        f.vex
            .as_ref()
            .map(|v| {
                v.facts
                    .document
                    .as_deref()
                    .map_or_else(|| location(&v.provenance), str::to_string)
            })
            .unwrap_or_default(),
        iso_date(f.fixed_on),
        iso_date(f.previously_fixed_on()),
        f.outside_production.to_string(),
    ]
}

/// Neutralise spreadsheet formula injection in one cell.
pub fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

fn iso_time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn iso_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The serde (kebab-case) id of an enum value.
pub fn id_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The room to reserve for an export of about `rows` findings (the upper bound of a
/// size hint, else its lower bound): a finding takes about 450 bytes in findings.csv
/// and in report.json. Reserving once spares the copies of a buffer grown by doubling
/// (at 50 MB, about as much copying as the file itself); room that is never written is
/// never touched, so it costs address space, not memory.
fn presize((lower, upper): (usize, Option<usize>)) -> usize {
    const PER_ROW: usize = 512;
    const BASE: usize = 64 * 1024;
    upper
        .unwrap_or(lower)
        .saturating_mul(PER_ROW)
        .saturating_add(BASE)
}

/// A CSV file of `header` and `rows`, each row written as it comes (findings.csv has a
/// row per finding: they are never all held as strings at once).
fn csv_file(
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, RenderError> {
    let err = |e: &dyn std::fmt::Display| RenderError::Export {
        file: name.to_string(),
        message: e.to_string(),
    };
    let rows = rows.into_iter();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(presize(rows.size_hint())));
    w.write_record(header).map_err(|e| err(&e))?;
    for row in rows {
        w.write_record(row.iter().map(|c| cell(c)))
            .map_err(|e| err(&e))?;
    }
    w.into_inner().map_err(|e| err(&e))
}

/// Every export, as `(path, bytes)`.
pub fn exports(
    report: &Report,
    catalog: &Catalog,
    config: &Config,
    i18n: &I18n,
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let lang = i18n.lang();
    let controls: Vec<Vec<String>> = report
        .controls
        .iter()
        .map(|c| {
            let def = catalog.get(&c.id);
            vec![
                c.id.clone(),
                c.domain.clone(),
                def.map_or_else(String::new, |d| d.title.get(lang).to_string()),
                c.status.as_str().to_string(),
                i18n.reason(&c.reason),
                c.reason.code.as_str().to_string(),
                c.evidence_count.to_string(),
                // Never blank when there is evidence: undated evidence says so.
                match (c.last_evidence, c.evidence_count) {
                    (None, n) if n > 0 => "undated".to_string(),
                    (t, _) => iso_time(t),
                },
                c.attestation
                    .as_ref()
                    .map(|a| a.attested_by.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let findings = report.findings.iter().map(finding_row);
    let unmapped = report
        .findings
        .iter()
        .filter(|f| f.is_unmapped())
        .map(finding_row);
    let waivers: Vec<Vec<String>> = report
        .waivers
        .iter()
        .map(|w| {
            vec![
                w.waiver.id.clone(),
                w.waiver.control.clone(),
                w.waiver.finding.clone(),
                w.waiver.image.clone(),
                w.waiver.workload.clone(),
                w.waiver.reason.clone(),
                w.waiver.category.clone(),
                w.waiver.approver.clone(),
                w.waiver.approved_on.to_string(),
                w.waiver.expires_on.to_string(),
                w.expired.to_string(),
                w.matched.to_string(),
                (w.matched == 0).to_string(),
                w.waiver.line.to_string(),
            ]
        })
        .collect();
    let sources: Vec<Vec<String>> = report
        .sources
        .iter()
        .map(|s| {
            vec![
                s.path.clone(),
                s.formats
                    .iter()
                    .map(|f| f.id())
                    .collect::<Vec<_>>()
                    .join(" "),
                s.sha256.clone(),
                s.size.to_string(),
                s.compressed.to_string(),
                s.record_count().to_string(),
                s.records
                    .iter()
                    .map(|(k, n)| format!("{}={n}", k.as_str()))
                    .collect::<Vec<_>>()
                    .join(" "),
                iso_time(s.first_observed),
                iso_time(s.last_observed),
                s.diagnostics.len().to_string(),
            ]
        })
        .collect();
    let json = ReportJson::new(report, &config.site, &catalog.digest);
    let mut report_json = Vec::with_capacity(presize((report.findings.len(), None)));
    serde_json::to_writer(&mut report_json, &json).map_err(|e| RenderError::Export {
        file: "report.json".into(),
        message: e.to_string(),
    })?;
    report_json.push(b'\n');
    Ok(vec![
        (
            "controls.csv".into(),
            csv_file(
                "controls.csv",
                &[
                    "id",
                    "domain",
                    "title",
                    "status",
                    "reason",
                    "reason_code",
                    "evidence_count",
                    "last_evidence",
                    "attested_by",
                ],
                controls,
            )?,
        ),
        (
            "findings.csv".into(),
            csv_file("findings.csv", FINDING_COLUMNS, findings)?,
        ),
        (
            "unmapped.csv".into(),
            csv_file("unmapped.csv", FINDING_COLUMNS, unmapped)?,
        ),
        (
            "waivers.csv".into(),
            csv_file(
                "waivers.csv",
                &[
                    "id",
                    "control",
                    "finding",
                    "image",
                    "workload",
                    "reason",
                    "category",
                    "approver",
                    "approved_on",
                    "expires_on",
                    "expired",
                    "matched",
                    "unused",
                    "line",
                ],
                waivers,
            )?,
        ),
        (
            "sources.csv".into(),
            csv_file(
                "sources.csv",
                &[
                    "path",
                    "formats",
                    "sha256",
                    "size",
                    "compressed",
                    "records",
                    "records_by_kind",
                    "first_observed",
                    "last_observed",
                    "diagnostics",
                ],
                sources,
            )?,
        ),
        ("report.json".into(), report_json),
    ])
}
