//! `audit-coverage` (MON-03): the API-server audit log of every cluster covers every
//! day of the window. Any audit event counts (the parsers keep one audit-log heartbeat
//! per cluster and day, whatever the event was about), so the days counted are the days
//! the log recorded, not the days something security-relevant happened. Gaps are listed
//! by date; a cluster the evidence names but no audit log covers fails.
//!
//! Coverage is counted per cluster, and an audit event counts only for the cluster it
//! is attributed to: the cluster its export names (AKS, GKE and EKS envelopes do), or
//! the one `[[sources.files]] cluster` gives its file (a raw `audit.k8s.io` log names
//! none). Events attributed to no cluster are pooled as "cluster unknown", and:
//!
//! * when nothing else names a cluster either (one unnamed estate), their days are
//!   counted as that one cluster's, as before;
//! * when evidence names clusters (inventories, platform exports, scans, alerts,
//!   attributed audit logs), unattributed events prove nothing about any of them: a
//!   named cluster whose own audit log does not cover it is never passed on them. If
//!   such a cluster exists, the check warns that the events cannot be attributed,
//!   naming the files and the clusters left unproven (and the gaps of the attributed
//!   clusters, if any); it is not failed either, since the events may be its own.
//!   When every named cluster is covered by its own events, the unattributed ones are
//!   shown (as information) and change nothing.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, EvidenceItem, FindingState, Param, ReasonCode, Status};
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

pub use crate::evaluate::UNKNOWN_CLUSTER;

/// How many unattributed files a reason names before it stops with "…".
const FILES_NAMED: usize = 5;

/// The days an audit log covers, and its newest record (its evidence row).
struct Covered<'a> {
    days: BTreeSet<NaiveDate>,
    newest: &'a Record,
}

impl<'a> Covered<'a> {
    fn add(slot: &mut Option<Covered<'a>>, r: &'a Record) {
        let Some(t) = r.observed_at else { return };
        let c = slot.get_or_insert_with(|| Covered {
            days: BTreeSet::new(),
            newest: r,
        });
        c.days.insert(t.date_naive());
        if let Some(f) = r.first_observed_at {
            c.days.insert(f.date_naive());
        }
        if r.observed_at > c.newest.observed_at {
            c.newest = r;
        }
    }
}

/// "cluster unknown", translated where it is shown.
fn unknown_cluster() -> Param {
    Param::Term {
        key: "subject.cluster-unknown".into(),
        id: UNKNOWN_CLUSTER.into(),
    }
}

/// An evidence row about events of no cluster: its subject says so (plain in
/// report.json, translated on the pages), whatever a cluster in an export is called.
fn label_unattributed(row: &mut EvidenceItem) {
    row.subject = UNKNOWN_CLUSTER.to_string();
    row.subject_param = Some(unknown_cluster());
}

fn audit_coverage(ctx: &Ctx<'_>, current: &[u32]) -> Judged {
    let window = ctx.config.report.window_days.max(1);
    let last = ctx.at.date_naive();
    let first = last - Duration::days(window - 1);
    // Days covered per attributed cluster; the unattributed events apart, with their files.
    let mut days: BTreeMap<&str, Option<Covered>> = BTreeMap::new();
    let mut unknown: Option<Covered> = None;
    let mut unknown_files: BTreeSet<&str> = BTreeSet::new();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for (_, r) in standing(ctx, current) {
        let cluster = r.subject.cluster.as_deref();
        if r.format.channel() != Channel::AuditLog {
            named.extend(cluster);
            continue;
        }
        if r.observed_at.is_none() {
            continue;
        }
        match cluster {
            Some(c) => Covered::add(days.entry(c).or_default(), r),
            None => {
                unknown_files.insert(r.provenance.file.as_str());
                Covered::add(&mut unknown, r);
            }
        }
    }
    // `None`: the events of no cluster, when nothing names a cluster (below).
    let mut days: BTreeMap<Option<&str>, Covered> = days
        .into_iter()
        .filter_map(|(c, d)| Some((Some(c), d?)))
        .collect();
    // Events of no cluster count only when nothing names a cluster.
    let estate_unnamed = named.is_empty() && days.is_empty();
    let unknown = match unknown {
        Some(u) if estate_unnamed => {
            days.insert(None, u);
            None
        }
        u => u,
    };
    if days.is_empty() && unknown.is_none() {
        return Judged::not_assessed(Param::phrase("phrase.audit-evidence", Vec::new()));
    }
    // Clusters other evidence names that no audit log attributed to them covers.
    let unproven: Vec<&str> = named
        .into_iter()
        .filter(|c| !days.contains_key(&Some(*c)))
        .collect();
    let mut gaps = Vec::new();
    let mut gap_days = 0;
    let mut evidence = Vec::new();
    for (cluster, covered) in &days {
        let absent: Vec<NaiveDate> = first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| !covered.days.contains(d))
            .collect();
        gap_days = gap_days.max(absent.len());
        if !absent.is_empty() {
            let cluster = match cluster {
                None => unknown_cluster(),
                Some(c) => Param::Text(c.to_string()),
            };
            gaps.push(Param::phrase(
                "phrase.cluster-days",
                vec![("cluster", cluster), ("days", ranges(&absent))],
            ));
        }
        let state = if absent.is_empty() {
            FindingState::Passed
        } else {
            FindingState::Failing
        };
        let mut row = item(covered.newest, state, None, None);
        if covered.newest.subject.cluster.is_none() {
            label_unattributed(&mut row);
        }
        evidence.push(row);
    }
    if let Some(u) = &unknown {
        // Shown, but counted for no cluster.
        let mut row = item(u.newest, FindingState::Info, None, None);
        label_unattributed(&mut row);
        evidence.push(row);
    }
    let window_n = n(window as usize);
    let j = match (unproven.is_empty(), &unknown) {
        // Named clusters no attributed log covers, and unattributed events that may be
        // theirs: neither a pass nor a failure can be shown.
        (false, Some(_)) => {
            let mut files: Vec<&str> = unknown_files.iter().copied().take(FILES_NAMED).collect();
            if unknown_files.len() > FILES_NAMED {
                files.push("…");
            }
            let mut params: Vec<(&str, Param)> = vec![
                ("count", n(unknown_files.len()).into()),
                ("files", files.join(", ").into()),
                ("clusters", unproven.join(", ").into()),
            ];
            let code = if gaps.is_empty() {
                ReasonCode::AuditUnattributed
            } else {
                params.extend([
                    ("gap_days", n(gap_days).into()),
                    ("total", window_n.into()),
                    ("items", Param::list(gaps, "; ")),
                ]);
                ReasonCode::AuditUnattributedGaps
            };
            Judged::with(Status::Warning, code, params)
        }
        (false, None) => Judged::with(
            Status::Fail,
            ReasonCode::AuditGaps,
            vec![
                ("count", window_n.clone().into()),
                ("total", window_n.into()),
                (
                    "items",
                    Param::list(
                        unproven
                            .iter()
                            .map(|c| {
                                Param::phrase(
                                    "phrase.no-audit-log",
                                    vec![("cluster", Param::Text(c.to_string()))],
                                )
                            })
                            .collect(),
                        "; ",
                    ),
                ),
            ],
        ),
        (true, _) if !gaps.is_empty() => Judged::with(
            Status::Warning,
            ReasonCode::AuditGaps,
            vec![
                ("count", n(gap_days).into()),
                ("total", window_n.into()),
                ("items", Param::list(gaps, "; ")),
            ],
        ),
        (true, _) => Judged::new(
            Status::Pass,
            ReasonCode::AuditDays,
            &[("covered", window_n.clone()), ("total", window_n)],
        ),
    };
    j.with_evidence(evidence)
}

/// Days as ranges: `2026-11-02…2026-11-04, 2026-11-09` (dates in the site's format).
fn ranges(days: &[NaiveDate]) -> Param {
    let mut out: Vec<Param> = Vec::new();
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
            Param::Date(start)
        } else {
            Param::phrase(
                "phrase.date-range",
                vec![("start", Param::Date(start)), ("end", Param::Date(end))],
            )
        });
        i += 1;
    }
    Param::list(out, ", ")
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

    /// Thirty days of audit events naming `cluster` (or none).
    fn month(cluster: Option<&str>) -> Vec<Record> {
        (0..30)
            .map(|d| {
                let r = audit(day(10, 22) + Duration::days(d));
                match cluster {
                    Some(c) => in_cluster(r, c),
                    None => r,
                }
            })
            .collect()
    }

    fn named_by_a_scan(cluster: &str) -> Record {
        in_cluster(
            result(
                RecordKind::Misconfiguration,
                "KSV-0017",
                Outcome::Pass,
                day(11, 19),
            ),
            cluster,
        )
    }

    #[test]
    fn events_of_no_cluster_never_cover_a_cluster_the_evidence_names() {
        let mut records = month(None);
        records.push(named_by_a_scan("stage"));
        let j = judge_rule(RULE, &records, day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::AuditUnattributed)
        );
        assert_eq!(j.reason.params["clusters"], "stage");
        assert_eq!(j.reason.params["count"], "1");
        // The unattributed row is shown, labelled, and proves nothing.
        assert_eq!(j.evidence.len(), 1);
        assert_eq!(j.evidence[0].subject, UNKNOWN_CLUSTER);
        assert_eq!(j.evidence[0].state, FindingState::Info);
    }

    #[test]
    fn events_of_no_cluster_do_not_fill_another_clusters_gaps() {
        // prod's own log has a gap; stage is named and has no log of its own.
        let mut records: Vec<_> = month(Some("prod"))
            .into_iter()
            .filter(|r| {
                r.observed_at.map(|t| t.date_naive())
                    != Some(NaiveDate::from_ymd_opt(2026, 11, 9).unwrap())
            })
            .collect();
        records.extend(month(None));
        records.push(named_by_a_scan("stage"));
        let j = judge_rule(RULE, &records, day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::AuditUnattributedGaps)
        );
        assert_eq!(j.reason.params["clusters"], "stage");
        assert_eq!(j.reason.params["items"], "prod: 2026-11-09");
    }

    #[test]
    fn named_clusters_covered_by_their_own_events_pass_beside_unattributed_ones() {
        let mut records = month(Some("prod"));
        records.extend(month(None));
        records.push(named_by_a_scan("prod"));
        let j = judge_rule(RULE, &records, day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::AuditDays)
        );
        let unknown: Vec<_> = j
            .evidence
            .iter()
            .filter(|e| e.subject == UNKNOWN_CLUSTER)
            .collect();
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].state, FindingState::Info);
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
