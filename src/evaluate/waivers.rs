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
                    .workloads()
                    .iter()
                    .any(|w| self.workload_matches(r, w)))
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

pub use super::register::parse_date;

/// Parse `waivers.csv`. Bad rows become diagnostics naming the line and column and are not applied.
pub fn parse_waivers(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Waiver> {
    let required = [
        "id",
        "control",
        "reason",
        "approver",
        "approved_on",
        "expires_on",
    ];
    super::register::read(file, text, "waiver", &required, diags, |row| {
        let id = row.get("id");
        if id.is_empty() {
            return Err(row.bad("id", "empty"));
        }
        let approved_on = row.date("approved_on")?;
        let expires_on = row.date("expires_on")?;
        let category = match row.get("category") {
            c if c.is_empty() => "risk-accepted".to_string(),
            c => c,
        };
        if !CATEGORIES.contains(&category.as_str()) {
            return Err(row.bad(
                "category",
                format!("{category:?} is not one of {}", CATEGORIES.join(", ")),
            ));
        }
        let control = match row.get("control") {
            c if c.is_empty() => "*".to_string(),
            c => c,
        };
        Ok(Waiver {
            id,
            control,
            finding: row.get("finding"),
            image: row.get("image"),
            workload: row.get("workload"),
            reason: row.get("reason"),
            category,
            approver: row.get("approver"),
            approved_on,
            expires_on,
            line: row.line,
        })
    })
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
