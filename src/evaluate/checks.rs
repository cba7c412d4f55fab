//! Judging one check: selected evidence → failures (waived, in grace, overdue), warnings
//! and positive evidence → a status with its reason (controls.md §4.2 steps 3–6).

use super::rules;
use super::view::Current;
use super::waivers::Waiver;
use super::{Ctx, EvidenceItem, FindingState, Reason, ReasonCode, Status};
use crate::catalog::{Check, Control, Rule};
use crate::model::{Outcome, Record, RecordKind, ScanClass, Severity};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Evidence items shown per check; the rest is counted (the CSV has everything).
pub const EVIDENCE_CAP: usize = 50;

/// The result of one check at one date.
pub struct Judged {
    /// Status.
    pub status: Status,
    /// Reason.
    pub reason: Reason,
    /// Evidence shown (at most [`EVIDENCE_CAP`] for record-level checks).
    pub evidence: Vec<EvidenceItem>,
    /// Evidence considered, before capping.
    pub total: usize,
}

/// Evaluate a check over the records standing at `ctx.at`.
pub fn judge(ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged {
    let mut j = judge_rule(ctx, control, check, current);
    j.total = j.total.max(j.evidence.len());
    j
}

fn judge_rule(ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged {
    let current_all = current.all.as_slice();
    match check.rule {
        Rule::Evidence | Rule::Vulnerabilities => judge_evidence(ctx, control, check, current),
        Rule::Attestation => rules::attestation(ctx, control),
        Rule::ScanCoverage => rules::scan_coverage(ctx, current_all),
        Rule::RuntimeMapping => rules::runtime_mapping(ctx, current_all),
        Rule::Registry => rules::registry(ctx, control, current_all),
        Rule::BaseImage => rules::base_image(ctx, current_all),
        Rule::ImageAge => rules::image_age(ctx, current_all),
        Rule::ImageCount => rules::image_count(ctx, current_all),
        Rule::SensorCoverage => rules::sensor_coverage(ctx, current_all),
        Rule::AuditCoverage => rules::audit_coverage(ctx, current_all),
    }
}

/// Grace days for a failing record, or `None` when no grace applies.
fn grace_days(ctx: &Ctx<'_>, control: &Control, r: &Record) -> Option<i64> {
    let graced_kind = matches!(
        r.kind,
        RecordKind::Vulnerability
            | RecordKind::Misconfiguration
            | RecordKind::Policy
            | RecordKind::Benchmark
    );
    if control.high_risk || !graced_kind {
        return None;
    }
    if r.known_exploited() {
        return Some(ctx.config.grace.known_exploited);
    }
    if ctx.config.strict() {
        return Some(0);
    }
    let g = &ctx.config.grace;
    Some(match r.severity {
        Severity::Critical => g.critical,
        Severity::High => g.high,
        Severity::Medium | Severity::Unknown => g.medium,
        Severity::Low | Severity::None => g.low,
    })
}

/// The waiver covering a record on a date, if any.
pub fn waiver_for<'w>(
    waivers: &'w [Waiver],
    control: &str,
    r: &Record,
    date: NaiveDate,
) -> Option<&'w Waiver> {
    waivers
        .iter()
        .find(|w| w.valid_on(date) && w.covers(control, r))
}

/// Classify a failing record: waived, no fix, in grace or overdue (with its due date).
pub fn classify(
    ctx: &Ctx<'_>,
    control: &Control,
    r: &Record,
    idx: usize,
) -> (FindingState, Option<NaiveDate>, Option<String>) {
    let date = ctx.at.date_naive();
    if let Some(w) = waiver_for(ctx.waivers, &control.id, r, date) {
        return (FindingState::Waived, None, Some(w.id.clone()));
    }
    if r.vuln().is_some_and(|v| !v.fixable) {
        return (FindingState::NoFix, None, None);
    }
    match grace_days(ctx, control, r) {
        None => (FindingState::Overdue, None, None),
        Some(days) => {
            let first = ctx.first_seen(idx).unwrap_or(ctx.at);
            let due = (first + Duration::days(days)).date_naive();
            if date > due {
                (FindingState::Overdue, Some(due), None)
            } else {
                (FindingState::InGrace, Some(due), None)
            }
        }
    }
}

/// Make an evidence item for the tables.
pub fn item(
    r: &Record,
    state: FindingState,
    due: Option<NaiveDate>,
    waiver: Option<String>,
) -> EvidenceItem {
    EvidenceItem {
        kind: r.kind.as_str().to_string(),
        format: r.format.id().to_string(),
        check: r.check.clone().to_string(),
        title: r.title.clone().to_string(),
        outcome: r.outcome.as_str().to_string(),
        severity: r.severity,
        subject: r.subject.label(),
        observed_at: r.observed_at,
        count: r.count,
        state,
        due,
        waiver,
        provenance: r.provenance.clone(),
    }
}

/// A piece of evidence before it is shown: state, severity, record index, due date, waiver.
type Candidate = (
    FindingState,
    Severity,
    usize,
    Option<NaiveDate>,
    Option<String>,
);

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

/// The newest time in a set of evidence.
pub fn last_time(items: &[EvidenceItem]) -> Option<DateTime<Utc>> {
    items.iter().filter_map(|e| e.observed_at).max()
}
