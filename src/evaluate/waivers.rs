//! The waiver register (`waivers.csv`) and manual attestations (`attestations/*.md`):
//! parsed from text here (the command reads the files), matched against evidence in `controls`.

use crate::catalog::selector_glob as glob;
use crate::diag::{Code, Diagnostic, Level};
use crate::model::Record;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One risk acceptance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiver {
    /// Identifier.
    pub id: String,
    /// Control id or `*`.
    pub control: String,
    /// Check id glob, empty for any.
    pub finding: String,
    /// Image glob, empty for any.
    pub image: String,
    /// Workload glob, empty for any.
    pub workload: String,
    /// Why.
    pub reason: String,
    /// risk-accepted | mitigated-elsewhere | false-positive.
    pub category: String,
    /// Who approved.
    pub approver: String,
    /// When approved.
    pub approved_on: NaiveDate,
    /// When it stops applying.
    pub expires_on: NaiveDate,
    /// Line in the CSV file.
    pub line: u64,
}

impl Waiver {
    /// Whether it covers a record under a control (ignoring dates).
    /// `control` = `"*"` asks whether it covers the record under some control.
    pub fn covers(&self, control: &str, r: &Record) -> bool {
        (self.control == "*" || control == "*" || self.control.eq_ignore_ascii_case(control))
            && (self.finding.is_empty()
                || glob(&self.finding, &r.check)
                || r.aliases.iter().any(|a| glob(&self.finding, a)))
            && (self.image.is_empty()
                || r.subject.image.as_ref().is_some_and(|i| {
                    glob(&self.image, &i.tagged()) || glob(&self.image, &i.to_string())
                }))
            && (self.workload.is_empty()
                || r.subject
                    .workload()
                    .is_some_and(|w| self.workload_matches(r, &w)))
    }

    /// Match the workload glob; a subject whose export names no cluster matches a
    /// pattern whose cluster part is `*` (`*/batch/Deployment/etl`).
    fn workload_matches(&self, r: &Record, workload: &str) -> bool {
        glob(&self.workload, workload)
            || (r.subject.cluster.is_none() && glob(&self.workload, &format!("/{workload}")))
    }

    /// Whether it applies on a date.
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.approved_on <= date && date <= self.expires_on
    }
}

const CATEGORIES: &[&str] = &["risk-accepted", "mitigated-elsewhere", "false-positive"];

/// Parse a date cell: `YYYY-MM-DD` or RFC 3339.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.date_naive())
    })
}

/// Parse `waivers.csv`. Bad rows become diagnostics naming the line and column and are not applied.
pub fn parse_waivers(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Waiver> {
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
    let col = |name: &str| headers.iter().position(|h| h == name);
    let required = [
        "id",
        "control",
        "reason",
        "approver",
        "approved_on",
        "expires_on",
    ];
    for r in required {
        if col(r).is_none() {
            diags.push(
                Diagnostic::file(
                    Level::Error,
                    Code::Config,
                    file,
                    format!("missing column {r:?}; no waiver was applied"),
                )
                .at(1, None),
            );
            return out;
        }
    }
    for row in reader.records() {
        let row = match row {
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
        let line = row.position().map_or(0, |p| p.line());
        let get = |name: &str| col(name).and_then(|i| row.get(i)).unwrap_or("").to_string();
        let bad = |column: &str, msg: String| {
            Diagnostic::file(
                Level::Error,
                Code::Config,
                file,
                format!("waiver not applied: column {column}: {msg}"),
            )
            .at(line, col(column).map(|c| c as u64 + 1))
        };
        let id = get("id");
        if id.is_empty() {
            diags.push(bad("id", "empty".into()));
            continue;
        }
        let Some(approved_on) = parse_date(&get("approved_on")) else {
            diags.push(bad(
                "approved_on",
                format!("{:?} is not a date (YYYY-MM-DD)", get("approved_on")),
            ));
            continue;
        };
        let Some(expires_on) = parse_date(&get("expires_on")) else {
            diags.push(bad(
                "expires_on",
                format!("{:?} is not a date (YYYY-MM-DD)", get("expires_on")),
            ));
            continue;
        };
        let category = if get("category").is_empty() {
            "risk-accepted".to_string()
        } else {
            get("category")
        };
        if !CATEGORIES.contains(&category.as_str()) {
            diags.push(bad(
                "category",
                format!("{category:?} is not one of {}", CATEGORIES.join(", ")),
            ));
            continue;
        }
        let control = if get("control").is_empty() {
            "*".to_string()
        } else {
            get("control")
        };
        out.push(Waiver {
            id,
            control,
            finding: get("finding"),
            image: get("image"),
            workload: get("workload"),
            reason: get("reason"),
            category,
            approver: get("approver"),
            approved_on,
            expires_on,
            line,
        });
    }
    out
}

/// A manual attestation.
#[derive(Debug, Clone, PartialEq)]
pub struct Attestation {
    /// Control id.
    pub control: String,
    /// pass | fail | warning.
    pub status: String,
    /// Who.
    pub attested_by: String,
    /// When.
    pub date: NaiveDate,
    /// Valid until.
    pub expires: Option<NaiveDate>,
    /// Links.
    pub evidence: Vec<String>,
    /// Markdown body.
    pub body: String,
    /// File.
    pub file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    control: String,
    status: String,
    attested_by: String,
    date: toml::Value,
    #[serde(default)]
    expires: Option<toml::Value>,
    #[serde(default)]
    review_days: Option<i64>,
    #[serde(default)]
    evidence: Vec<String>,
}

fn toml_date(v: &toml::Value) -> Option<NaiveDate> {
    match v {
        toml::Value::String(s) => parse_date(s),
        toml::Value::Datetime(d) => parse_date(&d.to_string()),
        _ => None,
    }
}

/// Parse one attestation file (TOML front matter between `+++` lines, then Markdown).
pub fn parse_attestation(file: &str, text: &str) -> Result<Attestation, Diagnostic> {
    let err = |line: u64, msg: String| {
        Diagnostic::file(Level::Error, Code::Config, file, msg).at(line, None)
    };
    let text = text.trim_start_matches('\u{feff}');
    let rest = text.strip_prefix("+++").ok_or_else(|| {
        err(
            1,
            "attestation must start with '+++' TOML front matter".into(),
        )
    })?;
    let end = rest
        .find("\n+++")
        .ok_or_else(|| err(1, "front matter is not closed with '+++'".into()))?;
    let front = rest.get(..end).unwrap_or_default();
    let body = rest.get(end + 4..).unwrap_or_default().trim().to_string();
    let fm: FrontMatter = toml::from_str(front).map_err(|e| {
        let line = e.span().map_or(1, |s| {
            front.get(..s.start).map_or(1, |p| p.matches('\n').count()) + 1
        });
        err(line as u64, format!("front matter: {}", e.message()))
    })?;
    let date = toml_date(&fm.date).ok_or_else(|| err(1, "date: expected YYYY-MM-DD".into()))?;
    let expires = match (&fm.expires, fm.review_days) {
        (Some(v), _) => {
            Some(toml_date(v).ok_or_else(|| err(1, "expires: expected YYYY-MM-DD".into()))?)
        }
        (None, Some(days)) => date.checked_add_signed(chrono::Duration::days(days)),
        (None, None) => None,
    };
    let status = fm.status.to_ascii_lowercase();
    if !["pass", "fail", "warning"].contains(&status.as_str()) {
        return Err(err(
            1,
            format!("status {:?} must be pass, fail or warning", fm.status),
        ));
    }
    Ok(Attestation {
        control: fm.control,
        status,
        attested_by: fm.attested_by,
        date,
        expires,
        evidence: fm.evidence,
        body,
        file: file.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_named_and_skipped() {
        let text =
            "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
W1,IMG-04,CVE-1,,,ok,risk-accepted,CISO,2026-01-01,2026-12-31\n\
W2,IMG-04,CVE-2,,,bad date,risk-accepted,CISO,2026-13-01,2026-12-31\n\
W3,IMG-04,CVE-3,,,bad cat,maybe,CISO,2026-01-01,2026-12-31\n";
        let mut d = Vec::new();
        let w = parse_waivers("waivers.csv", text, &mut d);
        assert_eq!(w.len(), 1);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].line, Some(3));
        assert_eq!(d[0].column, Some(9));
        assert!(d[1].message.contains("category"));
    }

    #[test]
    fn attestation_front_matter_and_expiry() {
        let a = parse_attestation(
            "a.md",
            "+++\ncontrol = \"NODE-02\"\nstatus = \"pass\"\nattested_by = \"J\"\ndate = 2026-09-01\nreview_days = 30\n+++\nBody",
        )
        .unwrap();
        assert_eq!(a.expires, NaiveDate::from_ymd_opt(2026, 10, 1));
        assert_eq!(a.body, "Body");
        let e = parse_attestation("b.md", "+++\ncontrol = \"X\"\nstatus = \"maybe\"\nattested_by = \"J\"\ndate = \"2026-09-01\"\n+++\n").unwrap_err();
        assert!(e.message.contains("status"));
    }
}
