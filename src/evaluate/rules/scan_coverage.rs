//! `scan-coverage` (IMG-01): every image seen running or scanned has a current
//! vulnerability scan; a scan older than the freshness limit warns, older than twice
//! the limit (or none at all) fails. What is current is [`ScanCurrency`], which
//! `runtime-mapping` (IMG-03) reads too.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, running_images, scans, ScanCurrency};
use crate::catalog::{Check, Control};
use crate::model::RecordKind;
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

/// IMG-01: every image seen running or scanned has a current scan ([`ScanCurrency`]).
fn scan_coverage(ctx: &Ctx<'_>, standing_sightings: &[u32]) -> Judged {
    let running = running_images(ctx, standing_sightings);
    let scans = scans(ctx);
    if running.is_empty() && scans.is_empty() {
        return Judged::not_assessed("scan:vulnerability-scan");
    }
    let mut evidence = Vec::new();
    let (mut missing, mut stale, mut ok) = (Vec::new(), 0, 0);
    let names: BTreeSet<&String> = running.keys().chain(scans.keys()).collect();
    for name in names {
        let scan = scans.get(name).copied();
        let state = match ScanCurrency::of(ctx, scan) {
            ScanCurrency::Missing => {
                missing.push(name.clone());
                FindingState::Failing
            }
            ScanCurrency::Stale => {
                stale += 1;
                FindingState::Warns
            }
            ScanCurrency::Current => {
                ok += 1;
                FindingState::Passed
            }
        };
        // The row is the scan, or, for an image never scanned, where it was seen running.
        if let Some(r) = scan.or_else(|| running.get(name).copied()) {
            evidence.push(item(r, state, None, None));
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
    use super::super::testing::{control, day, judge_at, judge_rule, scan, sighting};
    use super::*;
    use chrono::Duration;

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
    fn a_scan_is_current_through_the_last_day_of_the_limit_whatever_its_hour() {
        // The report date means the end of its day; a scan of the 13th at 05:00 is
        // 7 days and 19 hours old then, and still current (as `Ctx::proves_now` says).
        let at = day(11, 20) + Duration::hours(11);
        let early = day(11, 13) - Duration::hours(7);
        let j = judge_rule(RULE, &[scan(IMG, early)], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::Covered)
        );
    }

    #[test]
    fn the_freshness_limit_of_scans_applies() {
        let mut config = crate::config::Config::default();
        config.freshness.scans = Some(3);
        let judge = |t| {
            judge_at(
                &control(RULE, false),
                &[scan(IMG, t)],
                &config,
                &[],
                day(11, 20),
            )
        };
        assert_eq!(judge(day(11, 17)).status, Status::Pass);
        let stale = judge(day(11, 16));
        assert_eq!(
            (stale.status, stale.reason.code),
            (Status::Warning, ReasonCode::StaleScans)
        );
        assert_eq!(judge(day(11, 14)).status, Status::Warning);
        let gone = judge(day(11, 13));
        assert_eq!(
            (gone.status, gone.reason.code),
            (Status::Fail, ReasonCode::Unscanned)
        );
    }

    #[test]
    fn nothing_running_and_nothing_scanned_is_not_assessed() {
        let j = judge_rule(RULE, &[], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
