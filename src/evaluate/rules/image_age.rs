//! `image-age` (IMG-10): images were built within `[images] max_age_days`; the
//! last fifth of the allowance warns.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{current_scans, image_label, n, unproven, ImageFact};
use crate::catalog::{Check, Control};
use crate::model::{Record, RecordKind};
use chrono::Duration;

/// The `image-age` evaluator.
pub struct ImageAge;

impl Evaluator for ImageAge {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        image_age(ctx, current.of_kind(ctx.records, RecordKind::Scan))
    }
}

/// IMG-10: images built within the maximum age.
fn image_age(ctx: &Ctx<'_>, standing_scans: &[u32]) -> Judged {
    let scans = current_scans(ctx, standing_scans, ImageFact::BuildTime);
    let max = Duration::days(ctx.config.images.max_age_days.max(1));
    let mut evidence = Vec::new();
    let (mut old, mut aging, mut ok) = (Vec::new(), 0, 0);
    let mut judged = Vec::new();
    let created = |r: &Record| r.image_facts().and_then(|f| f.created);
    for scans in scans.values() {
        // The oldest build any current scan reports (another tool's scan of a newer
        // build does not hide it), the newest such scan for equal builds.
        let Some(r) = scans.iter().copied().min_by_key(|r| created(r)) else {
            continue;
        };
        let Some(created) = created(r) else {
            continue;
        };
        judged.push(r);
        let age = ctx.at - created;
        if age > max {
            old.push(image_label(r));
            evidence.push(item(r, FindingState::Failing, None, None));
        } else if age * 5 > max * 4 {
            aging += 1;
            evidence.push(item(r, FindingState::Warns, None, None));
        } else {
            ok += 1;
            evidence.push(item(r, FindingState::Passed, None, None));
        }
    }
    if evidence.is_empty() {
        return Judged::not_assessed("scan:vulnerability-scan (image_created)");
    }
    if old.is_empty() {
        if let Some(j) = unproven(ctx, judged) {
            return j.with_evidence(evidence);
        }
    }
    let j = if !old.is_empty() {
        Judged::new(
            Status::Fail,
            ReasonCode::TooOld,
            &[
                ("count", n(old.len())),
                ("items", old.join(", ")),
                ("days", n(max.num_days() as usize)),
            ],
        )
    } else if aging > 0 {
        Judged::new(
            Status::Warning,
            ReasonCode::Warnings,
            &[("count", n(aging))],
        )
    } else {
        Judged::covered(ok, ok)
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, judge_rule, scan, scan_with};
    use super::*;
    use crate::model::test_formats::GRYPE;
    use crate::model::ImageFacts;

    const RULE: &str = r#"rule = "image-age""#;

    fn built(at: chrono::DateTime<chrono::Utc>) -> ImageFacts {
        ImageFacts {
            created: Some(at),
            ..ImageFacts::default()
        }
    }

    #[test]
    fn age_against_the_90_day_default() {
        let at = day(11, 20);
        let young = [scan_with("a/web:1", day(11, 19), built(day(10, 1)))];
        assert_eq!(judge_rule(RULE, &young, at).status, Status::Pass);
        // The last fifth of the allowance (older than 72 days) warns.
        let aging = [scan_with("a/web:1", day(11, 19), built(day(9, 1)))];
        assert_eq!(judge_rule(RULE, &aging, at).status, Status::Warning);
        // Exactly 90 days is still allowed; older fails.
        let edge = [scan_with(
            "a/web:1",
            day(11, 19),
            built(at - Duration::days(90)),
        )];
        assert_eq!(judge_rule(RULE, &edge, at).status, Status::Warning);
        let old = [scan_with(
            "a/web:1",
            day(11, 19),
            built(at - Duration::days(91)),
        )];
        let j = judge_rule(RULE, &old, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::TooOld)
        );
    }

    #[test]
    fn every_current_scan_that_reports_the_build_time_is_read() {
        let at = day(11, 20);
        let os_only = ImageFacts {
            os_family: Some("debian".into()),
            ..ImageFacts::default()
        };
        // Another tool's scan of the same image that names the OS but not the build
        // time (as Grype does) does not hide the one that does.
        let mut grype = scan_with("a/web:1", day(11, 19), os_only);
        grype.format = GRYPE;
        let trivy = scan_with("a/web:1", day(11, 18), built(day(5, 1)));
        let j = judge_rule(RULE, &[grype, trivy.clone()], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::TooOld)
        );
        // Nor does a newer scan of a younger build: the oldest build reported decides.
        let mut young = scan_with("a/web:1", day(11, 19), built(day(11, 1)));
        young.format = GRYPE;
        let j = judge_rule(RULE, &[young, trivy], at);
        assert_eq!(j.status, Status::Fail);
    }

    #[test]
    fn scans_without_a_build_time_are_not_assessed() {
        let j = judge_rule(RULE, &[scan("a/web:1", day(11, 19))], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
