//! `evidence` (and `vulnerabilities`): the selected records decide. An open failure
//! past its grace period fails, failures in grace or without a fix warn, tool warnings
//! warn, waived failures waive, and a pass needs positive evidence: a passing result,
//! a scan able to report the selected kind, or, for alert-only checks, a live sensor.

use super::super::judge::{classify, item, Evaluator, Judged, EVIDENCE_CAP};
use super::super::view::Current;
use super::super::{Ctx, FindingState, Reason, ReasonCode, Status};
use crate::catalog::{Check, Control};
use crate::model::RecordKind;
use crate::model::{Outcome, ScanClass, Severity};
use chrono::NaiveDate;

/// The `evidence` evaluator.
pub struct Evidence;

/// A piece of evidence before it is shown: state, severity, record index, due date, waiver.
type Candidate = (
    FindingState,
    Severity,
    usize,
    Option<NaiveDate>,
    Option<String>,
);

impl Evaluator for Evidence {
    fn judge(&self, ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged {
        judge_evidence(ctx, control, check, current)
    }
}

fn judge_evidence(ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged {
    // Light candidates first (state, severity, record index); items are built only for the shown ones.
    let mut picked: Vec<Candidate> = Vec::new();
    let (mut open, mut grace, mut nofix, mut waived, mut warned, mut passed) =
        (0, 0, 0, 0, 0, 0usize);
    let mut earliest_due: Option<NaiveDate> = None;
    let mut sources = std::collections::BTreeSet::new();
    let mut counted: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut kinds: Vec<RecordKind> = check.selectors.iter().map(|s| s.kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in &kinds {
        for &i in current.of_kind(*kind) {
            let Some(r) = ctx.records.get(i) else {
                continue;
            };
            if !ctx.selects(check, i) || ctx.excluded(i) {
                continue;
            }
            sources.insert(r.format.id());
            match r.outcome {
                Outcome::Fail => {
                    let (state, due, waiver) = classify(ctx, control, r, i);
                    // Two tools reporting the same finding count once (both stay as evidence).
                    if !counted.insert(ctx.finding_key(i)) {
                        picked.push((state, r.severity, i, due, waiver));
                        continue;
                    }
                    match state {
                        FindingState::Waived => waived += 1,
                        FindingState::NoFix => nofix += 1,
                        FindingState::InGrace => {
                            grace += 1;
                            earliest_due = earliest_due.min(due).or(due);
                        }
                        _ if !ctx.production(i) => warned += 1,
                        _ => open += 1,
                    }
                    picked.push((state, r.severity, i, due, waiver));
                }
                Outcome::Warn => {
                    warned += 1;
                    picked.push((FindingState::Info, r.severity, i, None, None));
                }
                Outcome::Pass => {
                    passed += 1;
                    picked.push((FindingState::Passed, r.severity, i, None, None));
                }
                _ => {}
            }
        }
    }
    // Evidence of absence: a scan or a live sensor that could have reported a failure.
    let alert_only = check.selectors.iter().all(|s| s.kind == RecordKind::Alert);
    let capability: Vec<ScanClass> = check
        .selectors
        .iter()
        .filter_map(|s| ScanClass::able_to_report(s.kind))
        .collect();
    let mut capable_kinds = Vec::new();
    if !capability.is_empty() {
        capable_kinds.push(RecordKind::Scan);
    }
    if alert_only {
        capable_kinds.push(RecordKind::Heartbeat);
    }
    for kind in capable_kinds {
        for &i in current.of_kind(kind) {
            let Some(r) = ctx.records.get(i) else {
                continue;
            };
            let capable = kind == RecordKind::Heartbeat
                || r.scan_class().is_some_and(|c| capability.contains(&c));
            if capable && !ctx.excluded(i) {
                passed += 1;
                sources.insert(r.format.id());
                picked.push((FindingState::Passed, r.severity, i, None, None));
            }
        }
    }
    let total = picked.len();
    picked.sort_by_key(|c| (c.0, std::cmp::Reverse(c.1), c.2));
    picked.truncate(EVIDENCE_CAP);
    let evidence = picked
        .into_iter()
        .filter_map(|(state, _, i, due, waiver)| {
            ctx.records.get(i).map(|r| item(r, state, due, waiver))
        })
        .collect();
    let n = |x: usize| x.to_string();
    let (status, reason) = if open > 0 {
        (
            Status::Fail,
            Reason::new(ReasonCode::OpenFailures, &[("count", n(open))]),
        )
    } else if grace > 0 {
        let due = earliest_due.map(|d| d.to_string()).unwrap_or_default();
        (
            Status::Warning,
            Reason::new(ReasonCode::InGrace, &[("count", n(grace)), ("due", due)]),
        )
    } else if nofix > 0 {
        (
            Status::Warning,
            Reason::new(ReasonCode::NoFix, &[("count", n(nofix))]),
        )
    } else if warned > 0 {
        (
            Status::Warning,
            Reason::new(ReasonCode::Warnings, &[("count", n(warned))]),
        )
    } else if waived > 0 {
        (
            Status::Waived,
            Reason::new(ReasonCode::Waived, &[("count", n(waived))]),
        )
    } else if passed > 0 {
        let s: Vec<&str> = sources.into_iter().collect();
        (
            Status::Pass,
            Reason::new(
                ReasonCode::Passed,
                &[("count", n(passed)), ("sources", s.join(", "))],
            ),
        )
    } else {
        (
            Status::NotAssessed,
            Reason::new(
                ReasonCode::NoEvidence,
                &[("selectors", check.selector_texts().join(", "))],
            ),
        )
    };
    Judged {
        status,
        reason,
        evidence,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{
        alert, control, day, heartbeat, judge_at, judge_rule, result, scan, vuln,
    };
    use super::*;
    use crate::config::Config;
    use crate::evaluate::waivers::parse_waivers;
    use crate::model::{Facts, RecordKind, VulnFacts};

    const VULNS: &str = r#"rule = "vulnerabilities"
select = ["vulnerability"]"#;
    const IMG: &str = "acr.io/shop/web:1.0";

    #[test]
    fn a_passing_result_passes_and_a_failing_one_fails() {
        let at = day(11, 20);
        let sel = r#"select = ["misconfiguration:KSV-0017"]"#;
        let pass = [result(
            RecordKind::Misconfiguration,
            "KSV-0017",
            Outcome::Pass,
            day(11, 19),
        )];
        let j = judge_rule(sel, &pass, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::Passed)
        );
        // High severity: 30 days of grace from first sight, then it fails.
        let fail = [result(
            RecordKind::Misconfiguration,
            "KSV-0017",
            Outcome::Fail,
            day(10, 1),
        )];
        let j = judge_rule(sel, &fail, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::OpenFailures)
        );
    }

    #[test]
    fn the_grace_period_ends_after_its_due_day() {
        // High: first seen 1 October, due 31 October: in grace that day, overdue the next.
        let records = [
            scan(IMG, day(10, 1)),
            vuln(IMG, "CVE-1", Severity::High, day(10, 1)),
        ];
        let j = judge_rule(VULNS, &records, day(10, 31));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::InGrace)
        );
        assert_eq!(j.reason.params["due"], "2026-10-31");
        let j = judge_rule(VULNS, &records, day(11, 1));
        assert_eq!(j.status, Status::Fail);
    }

    #[test]
    fn high_risk_controls_get_no_grace() {
        let records = [vuln(IMG, "CVE-1", Severity::High, day(11, 19))];
        let j = judge_at(
            &control(VULNS, true),
            &records,
            &Config::default(),
            &[],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Fail);
    }

    #[test]
    fn a_vulnerability_without_a_fix_warns() {
        let mut v = vuln(IMG, "CVE-1", Severity::Critical, day(10, 1));
        v.facts = Facts::Vulnerability(VulnFacts::new("bash", "5.1", "", "wont-fix").into());
        let j = judge_rule(VULNS, &[v], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::NoFix)
        );
    }

    #[test]
    fn a_valid_waiver_waives() {
        let mut diags = Vec::new();
        let waivers = parse_waivers(
            "waivers.csv",
            "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
             W-1,T-01,CVE-1,,,accepted,risk-accepted,Ann,2026-10-01,2027-01-01\n",
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let records = [vuln(IMG, "CVE-1", Severity::High, day(9, 1))];
        let j = judge_at(
            &control(VULNS, false),
            &records,
            &Config::default(),
            &waivers,
            day(11, 20),
        );
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Waived, ReasonCode::Waived)
        );
    }

    #[test]
    fn a_scan_able_to_report_the_kind_is_positive_evidence() {
        let j = judge_rule(VULNS, &[scan(IMG, day(11, 19))], day(11, 20));
        assert_eq!(j.status, Status::Pass);
    }

    #[test]
    fn alert_only_checks_pass_on_a_live_sensor_and_fail_on_an_alert() {
        let sel = r#"select = ["alert:Terminal shell in container"]"#;
        let at = day(11, 20);
        let j = judge_rule(sel, &[heartbeat("node-1", day(11, 19))], at);
        assert_eq!(j.status, Status::Pass);
        let shell = alert(
            "Terminal shell in container",
            Severity::High,
            "node-1",
            day(11, 19),
        );
        assert_eq!(judge_rule(sel, &[shell], at).status, Status::Fail);
    }

    #[test]
    fn nothing_selected_is_not_assessed() {
        let j = judge_rule(r#"select = ["policy:require-labels/*"]"#, &[], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::NoEvidence)
        );
    }
}
