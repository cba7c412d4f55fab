//! `scan-coverage` (IMG-01): every image seen running or scanned has a fresh
//! vulnerability scan; a scan older than the freshness limit warns, older than twice
//! the limit (or none at all) fails.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, running_images, scans};
use crate::catalog::{Check, Control};
use crate::model::RecordKind;
use chrono::Duration;
use std::collections::BTreeSet;

/// The `scan-coverage` evaluator.
pub struct ScanCoverage;

impl Evaluator for ScanCoverage {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        scan_coverage(ctx, current.of_kind(ctx.records, RecordKind::Sighting))
    }
}

/// IMG-01: every image seen running or scanned has a fresh scan.
fn scan_coverage(ctx: &Ctx<'_>, standing_sightings: &[u32]) -> Judged {
    let running = running_images(ctx, standing_sightings);
    let scans = scans(ctx);
    if running.is_empty() && scans.is_empty() {
        return Judged::not_assessed("scan:vulnerability-scan");
    }
    let fresh = Duration::days(ctx.config.report.freshness_days);
    let mut evidence = Vec::new();
    let (mut missing, mut stale, mut ok) = (Vec::new(), 0, 0);
    let names: BTreeSet<&String> = running.keys().chain(scans.keys()).collect();
    for name in names {
        match scans.get(name) {
            None => {
                missing.push(name.clone());
                if let Some(r) = running.get(name) {
                    evidence.push(item(r, FindingState::Failing, None, None));
                }
            }
            Some(s) => {
                let age = s.observed_at.map_or(Duration::zero(), |t| ctx.at - t);
                let state = if age > fresh * 2 {
                    missing.push(name.clone());
                    FindingState::Failing
                } else if age > fresh {
                    stale += 1;
                    FindingState::Warns
                } else {
                    ok += 1;
                    FindingState::Passed
                };
                evidence.push(item(s, state, None, None));
            }
        }
    }
    let total = ok + stale + missing.len();
    let j = if !missing.is_empty() {
        Judged::listed(Status::Fail, ReasonCode::Unscanned, &missing)
    } else if stale > 0 {
        Judged::new(
            Status::Warning,
            ReasonCode::StaleScans,
            &[("count", n(stale))],
        )
    } else {
        Judged::covered(ok, total)
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, judge_rule, scan, sighting};
    use super::*;

    const RULE: &str = r#"rule = "scan-coverage""#;
    const IMG: &str = "acr.io/shop/web:1.0";

    #[test]
    fn a_fresh_scan_of_every_running_image_passes() {
        let j = judge_rule(
            RULE,
            &[
                sighting(IMG, "shop", "web", day(11, 19)),
                scan(IMG, day(11, 18)),
            ],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Pass);
        assert_eq!(j.reason.code, ReasonCode::Covered);
    }

    #[test]
    fn a_running_image_without_a_scan_fails() {
        let j = judge_rule(
            RULE,
            &[sighting(IMG, "shop", "web", day(11, 19))],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Fail);
        assert_eq!(j.reason.code, ReasonCode::Unscanned);
        assert_eq!(j.reason.params["items"], "acr.io/shop/web:1.0");
        // The row fails the check as a condition: no finding, so no due date and not
        // "overdue".
        let row = &j.evidence[0];
        assert_eq!((row.state, row.due), (FindingState::Failing, None));
    }

    #[test]
    fn a_scan_past_the_freshness_limit_warns_and_past_twice_the_limit_fails() {
        // freshness_days = 7 by default: 7 days old is fresh, 8 is stale, 15 is missing.
        let at = day(11, 20);
        let fresh = judge_rule(RULE, &[scan(IMG, day(11, 13))], at);
        assert_eq!(fresh.status, Status::Pass);
        let stale = judge_rule(RULE, &[scan(IMG, day(11, 12))], at);
        assert_eq!(stale.status, Status::Warning);
        assert_eq!(stale.reason.code, ReasonCode::StaleScans);
        assert!(!stale.evidence.is_empty());
        assert!(stale
            .evidence
            .iter()
            .all(|e| e.state == FindingState::Warns && e.due.is_none()));
        let gone = judge_rule(RULE, &[scan(IMG, day(11, 5))], at);
        assert_eq!(gone.status, Status::Fail);
    }

    #[test]
    fn nothing_running_and_nothing_scanned_is_not_assessed() {
        let j = judge_rule(RULE, &[], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
