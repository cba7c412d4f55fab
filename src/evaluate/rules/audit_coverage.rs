//! `audit-coverage` (MON-03): API-server audit events cover the reporting window.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, standing};
use crate::catalog::{Check, Control};
use crate::model::Channel;
use std::collections::BTreeSet;

/// The `audit-coverage` evaluator.
pub struct AuditCoverage;

impl Evaluator for AuditCoverage {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        audit_coverage(ctx, &current.all)
    }
}

/// MON-03: audit events cover the window without long gaps.
fn audit_coverage(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let mut days = BTreeSet::new();
    let mut sample = None;
    for (_, r) in standing(ctx, current) {
        if r.format.channel() == Channel::AuditLog {
            if let Some(t) = r.observed_at {
                days.insert(t.date_naive());
            }
            sample.get_or_insert(r);
        }
    }
    let Some(sample) = sample else {
        return Judged::not_assessed("k8s-audit events");
    };
    let window = ctx.config.report.window_days.max(1) as usize;
    let mut j = if days.len() * 2 < window.min(14) {
        Judged::new(
            Status::Warning,
            ReasonCode::AuditDays,
            &[("covered", n(days.len())), ("total", n(window))],
        )
    } else {
        Judged::new(
            Status::Pass,
            ReasonCode::AuditDays,
            &[("covered", n(days.len())), ("total", n(window))],
        )
    };
    j.evidence
        .push(item(sample, FindingState::Passed, None, None));
    j
}

#[cfg(test)]
mod tests {
    use super::super::testing::{audit, day, judge_rule, result};
    use super::*;

    const RULE: &str = r#"rule = "audit-coverage""#;

    #[test]
    fn audit_events_on_enough_days_pass_and_too_few_warn() {
        let at = day(11, 20);
        let many: Vec<_> = (1..=20).map(|d| audit(day(11, d))).collect();
        let j = judge_rule(RULE, &many, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::AuditDays)
        );
        let few = [audit(day(11, 19)), audit(day(11, 18))];
        assert_eq!(judge_rule(RULE, &few, at).status, Status::Warning);
    }

    #[test]
    fn records_from_other_channels_are_not_audit_coverage() {
        let j = judge_rule(
            RULE,
            &[result(
                crate::model::RecordKind::Activity,
                "exec",
                crate::model::Outcome::Info,
                day(11, 19),
            )],
            day(11, 20),
        );
        assert_eq!(j.status, Status::NotAssessed);
    }
}
