//! `audit-coverage` (MON-03): the API-server audit log of every cluster covers every
//! day of the window. Any audit event counts (the parsers keep one audit-log heartbeat
//! per cluster and day, whatever the event was about), so the days counted are the days
//! the log recorded, not the days something security-relevant happened. Gaps are listed
//! by date; a cluster the evidence names but no audit log covers fails.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, standing};
use crate::catalog::{Check, Control};
use crate::model::{Channel, Record};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

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

/// What a record's cluster is called in reasons.
const UNKNOWN_CLUSTER: &str = "cluster unknown";

fn audit_coverage(ctx: &Ctx<'_>, current: &[u32]) -> Judged {
    let window = ctx.config.report.window_days.max(1);
    let last = ctx.at.date_naive();
    let first = last - Duration::days(window - 1);
    // Days covered per cluster, and the newest audit record of each as its evidence row.
    let mut days: BTreeMap<&str, (BTreeSet<NaiveDate>, &Record)> = BTreeMap::new();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for (_, r) in standing(ctx, current) {
        let cluster = r.subject.cluster.as_deref();
        if r.format.channel() != Channel::AuditLog {
            named.extend(cluster);
            continue;
        }
        let Some(t) = r.observed_at else { continue };
        let e = days
            .entry(cluster.unwrap_or(UNKNOWN_CLUSTER))
            .or_insert_with(|| (BTreeSet::new(), r));
        e.0.insert(t.date_naive());
        if let Some(f) = r.first_observed_at {
            e.0.insert(f.date_naive());
        }
        if r.observed_at > e.1.observed_at {
            e.1 = r;
        }
    }
    if days.is_empty() {
        return Judged::not_assessed("audit events (any record of the audit log)");
    }
    // Clusters other evidence names that no audit log covers (only when every audit
    // record says which cluster it is about).
    let missing: Vec<&str> = if days.contains_key(UNKNOWN_CLUSTER) {
        Vec::new()
    } else {
        named
            .into_iter()
            .filter(|c| !days.contains_key(c))
            .collect()
    };
    let mut gaps = Vec::new();
    let mut gap_days = 0;
    let mut evidence = Vec::new();
    for (cluster, (covered, sample)) in &days {
        let absent: Vec<NaiveDate> = first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| !covered.contains(d))
            .collect();
        gap_days = gap_days.max(absent.len());
        if !absent.is_empty() {
            gaps.push(format!("{cluster}: {}", ranges(&absent)));
        }
        let state = if absent.is_empty() {
            FindingState::Passed
        } else {
            FindingState::Overdue
        };
        evidence.push(item(sample, state, None, None));
    }
    let j = if !missing.is_empty() {
        Judged::new(
            Status::Fail,
            ReasonCode::AuditGaps,
            &[
                ("count", n(window as usize)),
                ("total", n(window as usize)),
                (
                    "items",
                    missing
                        .iter()
                        .map(|c| format!("{c}: no audit log"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ],
        )
    } else if !gaps.is_empty() {
        Judged::new(
            Status::Warning,
            ReasonCode::AuditGaps,
            &[
                ("count", n(gap_days)),
                ("total", n(window as usize)),
                ("items", gaps.join("; ")),
            ],
        )
    } else {
        Judged::new(
            Status::Pass,
            ReasonCode::AuditDays,
            &[
                ("covered", n(window as usize)),
                ("total", n(window as usize)),
            ],
        )
    };
    j.with_evidence(evidence)
}

/// Days as ranges: `2026-11-02…2026-11-04, 2026-11-09`.
fn ranges(days: &[NaiveDate]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&start) = days.get(i) {
        let mut end = start;
        while days
            .get(i + 1)
            .is_some_and(|d| *d == end + Duration::days(1))
        {
            i += 1;
            end += Duration::days(1);
        }
        out.push(if end == start {
            start.to_string()
        } else {
            format!("{start}…{end}")
        });
        i += 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{audit, day, judge_rule, result};
    use super::*;
    use crate::model::{Outcome, RecordKind};

    const RULE: &str = r#"rule = "audit-coverage""#;

    fn in_cluster(mut r: Record, cluster: &str) -> Record {
        r.subject.cluster = Some(cluster.into());
        r
    }

    #[test]
    fn every_day_of_the_window_covered_passes_and_gaps_are_listed_by_date() {
        let at = day(11, 20);
        let start = day(10, 22);
        let all: Vec<_> = (0..30).map(|d| audit(start + Duration::days(d))).collect();
        let j = judge_rule(RULE, &all, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::AuditDays)
        );
        let holes: Vec<_> = all
            .iter()
            .filter(|r| {
                !matches!(
                    r.observed_at.map(|t| t.date_naive().to_string()).as_deref(),
                    Some("2026-11-02" | "2026-11-03" | "2026-11-09")
                )
            })
            .cloned()
            .collect();
        let j = judge_rule(RULE, &holes, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::AuditGaps)
        );
        assert_eq!(
            j.reason.params["items"],
            "cluster unknown: 2026-11-02…2026-11-03, 2026-11-09"
        );
        assert_eq!(j.reason.params["count"], "3");
    }

    #[test]
    fn a_cluster_the_evidence_names_without_an_audit_log_fails() {
        let at = day(11, 20);
        let mut records: Vec<_> = (0..30)
            .map(|d| in_cluster(audit(day(10, 22) + Duration::days(d)), "prod"))
            .collect();
        records.push(in_cluster(
            result(
                RecordKind::Misconfiguration,
                "KSV-0017",
                Outcome::Pass,
                day(11, 19),
            ),
            "stage",
        ));
        let j = judge_rule(RULE, &records, at);
        assert_eq!(j.status, Status::Fail);
        assert_eq!(j.reason.params["items"], "stage: no audit log");
    }

    #[test]
    fn no_audit_log_is_not_assessed() {
        let j = judge_rule(
            RULE,
            &[result(
                RecordKind::Activity,
                "exec",
                Outcome::Info,
                day(11, 19),
            )],
            day(11, 20),
        );
        assert_eq!(j.status, Status::NotAssessed);
    }
}
