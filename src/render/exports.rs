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
use super::{RenderError, Sink};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::evaluate::{Finding, Report};
use crate::model::Text;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use std::borrow::Cow;
use std::io::Write;

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

/// One findings.csv (and unmapped.csv) row, in the order of [`FINDING_COLUMNS`]: the
/// finding's own texts borrowed, only its dates, image name and lists made for the row
/// (a fleet has a hundred thousand rows).
fn finding_row(f: &Finding) -> [Cow<'_, str>; FINDING_COLUMNS.len()] {
    fn text(t: Option<&str>) -> Cow<'_, str> {
        Cow::Borrowed(t.unwrap_or_default())
    }
    let flag = |b: bool| Cow::Borrowed(if b { "true" } else { "false" });
    let vex = f.vex.as_ref();
    [
        Cow::Borrowed(f.key.as_str()),
        Cow::Borrowed(f.kind.as_str()),
        Cow::Borrowed(f.check.as_str()),
        Cow::Borrowed(f.title.as_str()),
        Cow::Borrowed(f.severity.as_str()),
        Cow::Borrowed(f.subject.as_str()),
        f.image
            .as_ref()
            .map(|i| i.tagged())
            .unwrap_or_default()
            .into(),
        text(f.package.as_deref()),
        text(f.installed_version.as_deref()),
        text(f.fixed_version.as_deref()),
        flag(f.known_exploited),
        iso_time(f.first_seen).into(),
        iso_time(f.last_seen).into(),
        iso_date(f.due).into(),
        Cow::Borrowed(f.state.as_str()),
        text(f.team.as_deref()),
        text(f.waiver.as_deref()),
        joined(&f.sources),
        joined(&f.controls),
        location(&f.provenance).into(),
        text(f.expired_waiver.as_deref()),
        text(vex.map(|v| v.facts.status.as_str())),
        text(vex.and_then(|v| v.facts.justification.as_deref())),
        vex.map(|v| {
            v.facts
                .document
                .as_deref()
                .map_or_else(|| location(&v.provenance).into(), Cow::Borrowed)
        })
        .unwrap_or_default(),
        iso_date(f.fixed_on).into(),
        iso_date(f.previously_fixed_on()).into(),
        flag(f.outside_production),
    ]
}

/// Texts separated by spaces (one text as it is).
fn joined(items: &[Text]) -> Cow<'_, str> {
    match items {
        [one] => Cow::Borrowed(one.as_str()),
        _ => Cow::Owned(items.join(" ")),
    }
}

/// Neutralise spreadsheet formula injection in one cell.
pub fn cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

fn iso_time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn iso_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Write a CSV file of `header` and `rows` to `out`, each row as it comes (findings.csv
/// has a row per finding: they are never all held as strings at once).
fn write_csv<W: Write, R, C>(
    out: W,
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<W, RenderError>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let err = |e: &dyn std::fmt::Display| RenderError::Export {
        file: name.to_string(),
        message: e.to_string(),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header).map_err(|e| err(&e))?;
    for row in rows {
        for c in row {
            w.write_field(cell(c.as_ref()).as_bytes())
                .map_err(|e| err(&e))?;
        }
        w.write_record(None::<&[u8]>).map_err(|e| err(&e))?;
    }
    w.into_inner().map_err(|e| err(&e))
}

/// A small CSV file, made in memory.
fn csv_file<R, C>(
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<Vec<u8>, RenderError>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    write_csv(Vec::new(), name, header, rows)
}

/// Every export, into `sink`: findings.csv, unmapped.csv and report.json written as
/// they are made (tens of megabytes each for a fleet).
pub fn exports(
    report: &Report,
    catalog: &Catalog,
    config: &Config,
    i18n: &I18n,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
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
    sink.put(
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
    )?;
    sink.stream("findings.csv".into(), &mut |out| {
        let rows = report.findings.iter().map(finding_row);
        write_csv(out, "findings.csv", FINDING_COLUMNS, rows).map(drop)
    })?;
    sink.stream("unmapped.csv".into(), &mut |out| {
        let rows = report
            .findings
            .iter()
            .filter(|f| f.is_unmapped())
            .map(finding_row);
        write_csv(out, "unmapped.csv", FINDING_COLUMNS, rows).map(drop)
    })?;
    sink.put(
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
    )?;
    sink.put(
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
    )?;
    let json = ReportJson::new(report, &config.site, &catalog.digest);
    sink.stream("report.json".into(), &mut |out| {
        let err = |message: String| RenderError::Export {
            file: "report.json".into(),
            message,
        };
        serde_json::to_writer(&mut *out, &json).map_err(|e| err(e.to_string()))?;
        out.write_all(b"\n").map_err(|e| err(e.to_string()))
    })
}
