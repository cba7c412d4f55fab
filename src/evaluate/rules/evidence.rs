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
