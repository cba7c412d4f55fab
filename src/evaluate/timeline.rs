//! Time: the dates trends are evaluated at, one history point per date, and what
//! changed between two dates.

use super::findings::Counted;
use super::waivers::Attestation;
use super::{
    score, AttestationState, Changes, ControlResult, Ctx, Finding, FindingState, HistoryPoint,
    Status, WaiverState,
};
use crate::config::{Config, HistoryStep};
use crate::model::Record;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;

/// Most history points kept (older dates are dropped), bounding evaluation time.
pub const MAX_POINTS: usize = 104;

/// The as-of dates of the trend: stepping back from `as_of` to the earliest evidence.
pub fn history_dates(
    records: &[Record],
    config: &Config,
    as_of: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let step = match config.report.history {
        HistoryStep::None => return vec![as_of],
        HistoryStep::Daily => Duration::days(1),
        HistoryStep::Weekly => Duration::days(7),
    };
    let horizon = as_of - Duration::days(config.report.history_days.max(0));
    let earliest = records
        .iter()
        .filter_map(|r| r.observed_at)
        .filter(|t| *t <= as_of && *t >= horizon)
        .min()
        .unwrap_or(as_of);
    let mut dates = vec![as_of];
    let mut d = as_of;
    while d - step >= earliest - step && dates.len() < MAX_POINTS {
        d -= step;
        if d < earliest {
            break;
        }
        dates.push(d);
    }
    dates.reverse();
    dates
}

/// Controls by status.
pub fn count_statuses(controls: &[ControlResult]) -> BTreeMap<Status, usize> {
    let mut m = BTreeMap::new();
    for c in controls {
        *m.entry(c.status).or_insert(0) += 1;
    }
    m
}

/// One point of the trend, from the findings as evaluated at that date.
pub fn point(
    ctx: &Ctx<'_>,
    results: &[ControlResult],
    findings: &[Counted],
    config: &Config,
) -> HistoryPoint {
    let d = ctx.at.date_naive();
    let period = match config.report.history {
        HistoryStep::Daily => 1,
        _ => 7,
    };
    let start = d - Duration::days(period);
    let statuses = count_statuses(results);
    let mut open_by_severity = BTreeMap::new();
    let mut overdue = 0;
    for f in findings.iter().filter(|f| f.state.is_open()) {
        *open_by_severity.entry(f.severity).or_insert(0) += 1;
        if f.state == FindingState::Overdue {
            overdue += 1;
        }
    }
    HistoryPoint {
        date: d,
        score: score(&statuses),
        statuses,
        open_by_severity,
        overdue,
        new: findings
            .iter()
            .filter(|f| {
                f.first_seen
                    .is_some_and(|t| t.date_naive() > start && t.date_naive() <= d)
            })
            .count(),
        // Every fix in the period, an earlier episode's too (it was fixed, then came
        // back: counted as new again when it did).
        fixed: findings
            .iter()
            .flat_map(|f| f.fixed_on.iter().chain(&f.earlier_fixes))
            .filter(|x| **x > start && **x <= d)
            .count(),
    }
}

/// What changed between `since` and `now`.
pub fn changes(
    before: &[ControlResult],
    after: &[ControlResult],
    findings: &[Finding],
    waivers: &[WaiverState],
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Changes {
    let s = since.date_naive();
    let n = now.date_naive();
    let mut c = Changes {
        since: Some(s),
        ..Changes::default()
    };
    for (b, a) in before.iter().zip(after) {
        if b.status != a.status {
            c.controls.push((a.id.clone(), b.status, a.status));
        }
        if b.evidence_count > 0 && a.evidence_count == 0 {
            c.lost_evidence.push(a.id.clone());
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if f.first_seen.is_some_and(|t| t.date_naive() > s) {
            c.new_findings.push(i);
        }
        // Fixed in the period: its current episode, or an earlier one (a finding fixed
        // and back again in the same period is both new and fixed).
        if f.fixes().any(|(_, x)| x > s && x <= n) {
            c.fixed_findings.push(i);
        }
        let closed_since = f.vex.as_ref().filter(|v| v.closes).and_then(|v| v.date);
        if f.state == FindingState::VexClosed && closed_since.is_some_and(|t| t.date_naive() > s) {
            c.vex_closed_findings.push(i);
        }
    }
    for w in waivers {
        if w.waiver.approved_on > s {
            c.new_waivers.push(w.waiver.id.clone());
        }
        if w.waiver.expires_on > s && w.waiver.expires_on < n {
            c.expired_waivers.push(w.waiver.id.clone());
        }
        if w.matched == 0 {
            c.unused_waivers.push(w.waiver.id.clone());
        }
    }
    c
}

/// An attestation's state on a date.
pub fn attestation_state(a: &Attestation, date: NaiveDate) -> AttestationState {
    AttestationState {
        control: a.control.clone(),
        status: match a.status.as_str() {
            "pass" => Status::Pass,
            "fail" => Status::Fail,
            _ => Status::Warning,
        },
        attested_by: a.attested_by.clone(),
        date: a.date,
        expires: a.expires,
        expired: a.expires.is_some_and(|e| e < date),
        evidence: a.evidence.clone(),
        body_markdown: a.body.clone(),
        file: a.file.clone(),
    }
}
