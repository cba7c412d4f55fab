//! The triage register (`triage.csv`): who looked at which runtime alerts, when, and
//! what they concluded. A triaged alert is closed from the triage date on; an alert
//! nobody triaged stays open whatever its age (it cannot age into compliance).

use super::register;
use crate::catalog::selector_glob as glob;
use crate::diag::Diagnostic;
use crate::model::{vocabulary, Record, RecordKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What the person who triaged an alert concluded.
    pub enum Disposition {
        /// It was real and has been dealt with.
        Remediated = "remediated",
        /// It was real activity, and legitimate.
        Benign = "benign",
        /// The rule fired on something it should not have.
        FalsePositive = "false-positive",
    }
}

/// One row of `triage.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    /// Rule or alert id glob (`Read sensitive file untrusted`, `K8S_*`).
    pub rule: String,
    /// Subject glob on the node, workload (`cluster/namespace/kind/name`), namespace or
    /// image; empty for any.
    pub subject: String,
    /// The conclusion.
    pub disposition: Disposition,
    /// Who triaged.
    pub by: String,
    /// When: alerts observed on or before this day are closed from it on.
    pub on: NaiveDate,
    /// Ticket or note.
    pub note: String,
    /// Line in the CSV file.
    pub line: u64,
}

impl Triage {
    /// Whether this entry closes an alert (ignoring dates).
    pub fn covers(&self, r: &Record) -> bool {
        if r.kind != RecordKind::Alert {
            return false;
        }
        let rule = glob(&self.rule, &r.check) || r.aliases.iter().any(|a| glob(&self.rule, a));
        rule && (self.subject.is_empty() || subject_names(r).iter().any(|n| glob(&self.subject, n)))
    }

    /// Whether this entry closes the alert as of `date`: it covers it, the alert was
    /// observed no later than the triage day (or its date is unknown), and the triage
    /// day has come.
    pub fn closes(&self, r: &Record, date: NaiveDate) -> bool {
        self.on <= date && r.observed_at.is_none_or(|t| t.date_naive() <= self.on) && self.covers(r)
    }
}

/// The names a triage subject glob is matched against.
fn subject_names(r: &Record) -> Vec<String> {
    let s = &r.subject;
    let mut names = vec![s.label()];
    names.extend(s.node.as_deref().map(str::to_string));
    names.extend(s.workload());
    names.extend(s.namespace.as_deref().map(str::to_string));
    if let Some(i) = &s.image {
        names.push(i.tagged());
        names.push(i.name());
    }
    names
}

/// Parse `triage.csv` (`rule,subject,disposition,by,on,note`). Bad rows become
/// diagnostics naming the line and column and close nothing.
pub fn parse_triage(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Triage> {
    let required = ["rule", "disposition", "by", "on"];
    register::read(file, text, "triage entry", &required, diags, |row| {
        let rule = row.get("rule");
        if rule.is_empty() {
            return Err(row.bad("rule", "empty"));
        }
        let disposition = row
            .get("disposition")
            .parse::<Disposition>()
            .map_err(|e| row.bad("disposition", e))?;
        let by = row.get("by");
        if by.is_empty() {
            return Err(row.bad("by", "empty: say who triaged"));
        }
        Ok(Triage {
            rule,
            subject: row.get("subject"),
            disposition,
            by,
            on: row.date("on")?,
            note: row.get("note"),
            line: row.line,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_formats::FALCO;
    use crate::model::Outcome;
    use chrono::TimeZone;

    fn alert(rule: &str, node: &str, y: i32, m: u32, d: u32) -> Record {
        let mut r = Record::new(RecordKind::Alert, FALCO, rule, Outcome::Fail);
        r.subject.node = Some(node.into());
        r.observed_at = chrono::Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).single();
        r
    }

    #[test]
    fn rows_parse_and_bad_rows_name_their_line_and_column() {
        let mut diags = Vec::new();
        let t = parse_triage(
            "triage.csv",
            "rule,subject,disposition,by,on,note\n\
             Read sensitive file untrusted,aks-prod-*,benign,Ann,2026-10-28,INC-12\n\
             Terminal shell*,,maybe,Bob,2026-10-28,\n\
             Terminal shell*,,remediated,,2026-10-28,\n\
             Terminal shell*,,remediated,Bob,28/10/2026,\n",
            &mut diags,
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].disposition, Disposition::Benign);
        assert_eq!(diags.len(), 3, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].column), (Some(3), Some(3)));
        assert!(diags[0]
            .message
            .contains("\"maybe\" is not one of remediated, benign, false-positive"));
        assert_eq!((diags[1].line, diags[1].column), (Some(4), Some(4)));
        assert_eq!((diags[2].line, diags[2].column), (Some(5), Some(5)));
    }

    #[test]
    fn an_entry_closes_matching_alerts_seen_up_to_its_day() {
        let mut diags = Vec::new();
        let t = parse_triage(
            "triage.csv",
            "rule,subject,disposition,by,on\nRead sensitive*,aks-prod-*,benign,Ann,2026-10-28\n",
            &mut diags,
        );
        let t = &t[0];
        let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default();
        let seen = alert("Read sensitive file untrusted", "aks-prod-1", 2026, 10, 26);
        assert!(!t.closes(&seen, day(27)), "not before the triage day");
        assert!(t.closes(&seen, day(28)));
        let later = alert("Read sensitive file untrusted", "aks-prod-1", 2026, 10, 30);
        assert!(!t.closes(&later, day(31)), "a later alert is a new alert");
        let other = alert("Read sensitive file untrusted", "aks-stage-1", 2026, 10, 26);
        assert!(!t.closes(&other, day(28)), "another subject");
    }
}
