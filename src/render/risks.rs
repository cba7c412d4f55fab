//! The risks that matter most: failing and warning controls ranked by one documented
//! rule, computed from the report alone.
//!
//! The rule, in order (each breaks the ties of the one before):
//! 1. status: fail before warning;
//! 2. the worst severity among the control's open failures (overdue, in grace, no fix);
//! 3. the most days any of its failures is overdue;
//! 4. the number of its open failures in production scope (a subject whose cluster is
//!    named and matches none of `[scope] production_clusters` is outside it; a subject
//!    that names no cluster counts as production, as in the evaluation);
//! 5. the control id.

use super::build::Ctx;
use super::views_summary::RiskView;
use crate::catalog::selector_glob as glob;
use crate::evaluate::{ControlResult, FindingState, Status};
use crate::model::Severity;

/// How many risks the overview and the executive summary show first.
pub const TOP: usize = 5;

/// What ranks a risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskFacts {
    /// Worst severity among open failures (`None`: no open failure listed).
    pub worst: Option<Severity>,
    /// Most days overdue (0: none overdue).
    pub overdue_days: i64,
    /// Open failures in production scope.
    pub production: usize,
}

/// The cluster a subject label names (`cluster/ns/kind/name` or `cluster NAME`), if any.
pub fn cluster_of(subject: &str) -> Option<&str> {
    if let Some(c) = subject.strip_prefix("cluster ") {
        return Some(c);
    }
    let parts: Vec<&str> = subject.split('/').collect();
    // Four parts and no tag or digest: a workload with its cluster (not an image reference).
    (parts.len() == 4 && !parts[3].contains([':', '@']) && !parts[0].contains(['.', ':']))
        .then(|| parts[0])
}

/// The facts a control ranks by.
pub fn facts(
    c: &ControlResult,
    as_of: chrono::NaiveDate,
    production_clusters: &[String],
) -> RiskFacts {
    let open = c.checks.iter().flat_map(|ch| &ch.evidence).filter(|e| {
        matches!(
            e.state,
            FindingState::Overdue | FindingState::InGrace | FindingState::NoFix
        )
    });
    let mut f = RiskFacts {
        worst: None,
        overdue_days: 0,
        production: 0,
    };
    for e in open {
        f.worst = f.worst.max(Some(e.severity));
        if e.state == FindingState::Overdue {
            if let Some(due) = e.due {
                f.overdue_days = f.overdue_days.max((as_of - due).num_days());
            }
        }
        let production =
            cluster_of(&e.subject).is_none_or(|cl| production_clusters.iter().any(|p| glob(p, cl)));
        if production {
            f.production += 1;
        }
    }
    f
}

impl Ctx<'_> {
    /// Failing and warning controls, most important first (see the module's rule).
    pub fn ranked_risks(&self) -> Vec<RiskView> {
        let as_of = self.report.as_of.date_naive();
        let clusters = &self.report.scope.production_clusters;
        let mut risks: Vec<(&ControlResult, RiskFacts)> = self
            .report
            .controls
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warning))
            .map(|c| (c, facts(c, as_of, clusters)))
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

    #[test]
    fn clusters_are_read_from_workload_subjects_only() {
        assert_eq!(
            cluster_of("aks-prod-weu/shop/Pod/web-1"),
            Some("aks-prod-weu")
        );
        assert_eq!(cluster_of("cluster aks-stage-weu"), Some("aks-stage-weu"));
        assert_eq!(cluster_of("shop/Deployment/cart"), None);
        assert_eq!(cluster_of("contosoacr.azurecr.io/a/b/c:1"), None);
        assert_eq!(cluster_of("registry.example/a/b/c"), None);
    }
}
