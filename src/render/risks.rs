//! The risks that matter most: failing and warning controls ranked by one documented
//! rule, computed from the report alone.
//!
//! The rule, in order (each breaks the ties of the one before):
//! 1. status: fail before warning;
//! 2. the worst severity among the control's open findings (overdue, in grace, no fix)
//!    in production scope (a finding the evaluation did not set outside production:
//!    see `Finding::outside_production`), or among all of them when none is;
//! 3. the most days one of those same findings is overdue;
//! 4. how many of them are open in production scope;
//! 5. the control id.
//!
//! Severity and days overdue come from the same findings, so a line never pairs a
//! production finding's severity with a staging event's age.
//!
//! The facts are counted over findings, the same ones the remediation list, the
//! findings export and the control's own reason count: never over evidence rows,
//! which repeat a finding once per tool and include passing and context records.
//! Each finding is counted in the state and with the due date the ranked control
//! gives it ([`Finding::under`]): a finding overdue under a stricter control (no
//! grace) is in grace under a control with a grace period, and that control's
//! facts say so, as its reason does.

use super::build::Ctx;
use super::views_summary::RiskView;
use crate::evaluate::{ControlResult, Finding, FindingState, Status};
use crate::model::Severity;
use std::collections::HashMap;

/// How many risks the overview and the executive summary show first.
pub const TOP: usize = 5;

/// What ranks a risk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFacts {
    /// Worst severity among open findings (`None`: no open finding).
    pub worst: Option<Severity>,
    /// Most days overdue (0: none overdue).
    pub overdue_days: i64,
    /// Open findings in production scope.
    pub production: usize,
}

/// The facts `control` ranks by, from the findings it counts, each as that control
/// judges it.
pub fn facts<'f>(
    control: &str,
    counted: impl Iterator<Item = &'f Finding>,
    as_of: chrono::NaiveDate,
) -> RiskFacts {
    let open: Vec<(&Finding, FindingState, Option<chrono::NaiveDate>)> = counted
        .map(|e| {
            let (state, due) = e.under(control);
            (e, state, due)
        })
        .filter(|(_, state, _)| state.is_open())
        .collect();
    let production = open
        .iter()
        .filter(|(e, _, _)| !e.outside_production)
        .count();
    let mut f = RiskFacts {
        production,
        ..RiskFacts::default()
    };
    // Production findings rank it; a control open only outside production is ranked
    // by those.
    let ranked = open
        .iter()
        .filter(|(e, _, _)| production == 0 || !e.outside_production);
    for (e, state, due) in ranked {
        f.worst = f.worst.max(Some(e.severity));
        if let (FindingState::Overdue, Some(due)) = (state, due) {
            f.overdue_days = f.overdue_days.max((as_of - *due).num_days());
        }
    }
    f
}

impl Ctx<'_> {
    /// Failing and warning controls, most important first (see the module's rule).
    pub fn ranked_risks(&self) -> Vec<RiskView> {
        let as_of = self.report.as_of.date_naive();
        // Open findings (the finding's state is the strictest of its controls');
        // `facts` reads each as its own control judges it.
        let mut open_by_control: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in self.report.findings.iter().filter(|f| f.state.is_open()) {
            for c in &f.controls {
                open_by_control.entry(c.as_str()).or_default().push(f);
            }
        }
        let mut risks: Vec<(&ControlResult, RiskFacts)> = self
            .report
            .controls
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warning))
            .map(|c| {
                let open = open_by_control.get(c.id.as_str()).into_iter().flatten();
                (c, facts(&c.id, open.copied(), as_of))
            })
            .collect();
        risks.sort_by(|(a, fa), (b, fb)| {
            (
                std::cmp::Reverse(a.status.rank()),
                std::cmp::Reverse(fa.worst),
                std::cmp::Reverse(fa.overdue_days),
                std::cmp::Reverse(fa.production),
                &a.id,
            )
                .cmp(&(
                    std::cmp::Reverse(b.status.rank()),
                    std::cmp::Reverse(fb.worst),
                    std::cmp::Reverse(fb.overdue_days),
                    std::cmp::Reverse(fb.production),
                    &b.id,
                ))
        });
        let i = self.i18n;
        risks
            .into_iter()
            .enumerate()
            .map(|(k, (c, f))| {
                let mut facts = Vec::new();
                if let Some(s) = f.worst.filter(|s| *s > Severity::None) {
                    facts.push(i.tf(
                        "risk.worst",
                        &[("severity", i.t(&format!("severity.{}", s.as_str())))],
                    ));
                }
                if f.overdue_days > 0 {
                    facts.push(i.tf("risk.overdue-days", &[("days", f.overdue_days.to_string())]));
                }
                if f.production > 0 {
                    facts.push(i.tf("risk.production", &[("count", f.production.to_string())]));
                }
                RiskView {
                    rank: k + 1,
                    row: self.control_row(c),
                    facts,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    fn finding(check: &str, state: FindingState, severity: Severity, due: &str) -> Finding {
        Finding {
            key: Text::from(check),
            kind: Text::from("vulnerability"),
            check: Text::from(check),
            title: Text::default(),
            severity,
            subject: Text::from("shop/web"),
            subject_words: None,
            title_words: None,
            image: None,
            package: None,
            installed_version: None,
            fixed_version: None,
            known_exploited: false,
            first_seen: None,
            last_seen: None,
            due: due.parse().ok(),
            fixed_on: None,
            previous_episodes: Vec::new(),
            state,
            outside_production: false,
            team: None,
            waiver: None,
            expired_waiver: None,
            vex: None,
            sources: Vec::new(),
            controls: Vec::new(),
            under_control: Vec::new(),
            provenance: Default::default(),
        }
    }

    #[test]
    fn facts_count_open_findings_once_each_and_read_their_production_scope() {
        let as_of: chrono::NaiveDate = "2026-11-20".parse().unwrap();
        let mut staging = finding("CVE-3", FindingState::Overdue, Severity::Low, "2026-11-01");
        staging.outside_production = true;
        let found = [
            finding("CVE-1", FindingState::Overdue, Severity::High, "2026-11-10"),
            finding(
                "CVE-2",
                FindingState::InGrace,
                Severity::Critical,
                "2026-11-30",
            ),
            staging,
            finding(
                "CVE-4",
                FindingState::Fixed,
                Severity::Critical,
                "2026-10-01",
            ),
            finding(
                "CVE-5",
                FindingState::Waived,
                Severity::Critical,
                "2026-10-01",
            ),
        ];
        let f = facts("IMG-04", found.iter(), as_of);
        assert_eq!(
            f,
            RiskFacts {
                worst: Some(Severity::Critical),
                // CVE-1's 10 days, not staging's 19: production findings rank it.
                overdue_days: 10,
                production: 2,
            }
        );
        // Open only outside production: those findings rank it.
        let f = facts("IMG-04", found.iter().skip(2), as_of);
        assert_eq!(
            f,
            RiskFacts {
                worst: Some(Severity::Low),
                overdue_days: 19,
                production: 0,
            }
        );
    }

    #[test]
    fn facts_read_each_finding_as_the_ranked_control_judges_it() {
        let as_of: chrono::NaiveDate = "2026-11-20".parse().unwrap();
        // Overdue under RUN-02 (no grace), in grace under K8S-04; waived for IMG-05 only.
        let mut shared = finding("priv", FindingState::Overdue, Severity::High, "2026-11-19");
        shared.controls = vec![
            Text::from("RUN-02"),
            Text::from("K8S-04"),
            Text::from("IMG-05"),
        ];
        shared.under_control = vec![
            crate::evaluate::ControlJudgement {
                control: Text::from("K8S-04"),
                state: FindingState::InGrace,
                due: "2026-12-15".parse().ok(),
            },
            crate::evaluate::ControlJudgement {
                control: Text::from("IMG-05"),
                state: FindingState::Waived,
                due: None,
            },
        ];
        let found = [shared];
        assert_eq!(facts("RUN-02", found.iter(), as_of).overdue_days, 1);
        let k8s = facts("K8S-04", found.iter(), as_of);
        assert_eq!((k8s.overdue_days, k8s.production), (0, 1));
        assert_eq!(facts("IMG-05", found.iter(), as_of), RiskFacts::default());
    }
}
