//! `image-age` (IMG-10): images were built within `[images] max_age_days`; the
//! last fifth of the allowance warns. An image seen running whose build time no scan
//! standing at the date gives is of unknown age: it warns, listed by name, and is
//! never left out of a pass (not assessed when no image's age is known at all). Each
//! image stands on its own scan: a stale or undated one can show an image too old,
//! never prove it young enough.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{current_scans, image_label, n, running_images, unproven, ImageFact};
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
        image_age(
            ctx,
            current.of_kind(ctx.records, RecordKind::Scan),
            current.of_kind(ctx.records, RecordKind::Sighting),
        )
    }
}

/// IMG-10: images built within the maximum age; a running image whose build time no
/// scan gives is of unknown age, and listed as such.
fn image_age(ctx: &Ctx<'_>, standing_scans: &[u32], standing_sightings: &[u32]) -> Judged {
    let scans = current_scans(ctx, standing_scans, ImageFact::BuildTime);
    let running = running_images(ctx, standing_sightings);
    let max = Duration::days(ctx.config.images.max_age_days.max(1));
    let mut evidence = Vec::new();
    let (mut old, mut aging, mut ok) = (Vec::new(), 0, 0);
    // Young enough by a stale or undated scan: shown, never a proof.
    let mut unproven_rows = Vec::new();
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
        // Each image stands on its own scan: what a stale or undated scan says is
        // wrong (too old, aging) stays so; what it says is right proves nothing.
        let age = ctx.at - created;
        let state = if age > max {
            old.push(image_label(r));
            FindingState::Failing
        } else if age * 5 > max * 4 {
            aging += 1;
            FindingState::Warns
        } else if ctx.proves_now(r) {
            ok += 1;
            FindingState::Passed
        } else {
            unproven_rows.push(r);
            FindingState::Info
        };
        evidence.push(item(r, state, None, None));
    }
    // Images seen running that no scan standing at this date gives a build time for
    // (never scanned, or only by tools that do not report it, or only later): their
    // age is unknown, so they are listed, never left out of a pass. The row is where
    // the image was seen running.
    let mut unknown = Vec::new();
    for (name, r) in &running {
        if !scans.contains_key(name) {
            unknown.push(name.clone());
            evidence.push(item(r, FindingState::Warns, None, None));
        }
    }
    if scans.is_empty() {
        // No image's age is known: nothing could assess the check.
        return Judged::not_assessed("scan:vulnerability-scan (image_created)")
            .with_evidence(evidence);
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
    } else if !unknown.is_empty() {
        Judged::listed(Status::Warning, ReasonCode::AgeUnknown, &unknown)
    } else if aging > 0 {
        Judged::new(
            Status::Warning,
            ReasonCode::Warnings,
            &[("count", n(aging))],
        )
    } else if let Some(mut stale) = unproven(ctx, unproven_rows) {
        // Some images are young enough only by a stale or undated scan: not assessed,
        // or a warning beside the images a current scan proves.
        if ok > 0 {
            stale.status = Status::Warning;
        }
        stale
    } else {
        Judged::covered(ok, ok)
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, judge_rule, scan, scan_with, sighting};
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
    fn a_running_image_of_unknown_age_warns_and_is_named() {
        let at = day(11, 20);
        let os_only = ImageFacts {
            os_family: Some("debian".into()),
            ..ImageFacts::default()
        };
        let records = [
            sighting("a/web:1", "shop", "web", day(11, 19)),
            scan_with("a/web:1", day(11, 19), built(day(11, 1))),
            sighting("a/api:1", "shop", "api", day(11, 19)),
            scan_with("a/api:1", day(11, 19), os_only),
            sighting("a/db:1", "shop", "db", day(11, 19)),
        ];
        let j = judge_rule(RULE, &records, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::AgeUnknown)
        );
        assert_eq!(
            j.reason.params["items"].plain(),
            "docker.io/a/api:1, docker.io/a/db:1"
        );
        // Each image of unknown age is a row: where it was seen running.
        let unknown: Vec<_> = j
            .evidence
            .iter()
            .filter(|e| e.kind == RecordKind::Sighting.as_str())
            .map(|e| e.state)
            .collect();
        assert_eq!(unknown, [FindingState::Warns, FindingState::Warns]);
        // Too old still fails first.
        let mut too_old = records.to_vec();
        too_old[1] = scan_with("a/web:1", day(11, 19), built(day(5, 1)));
        assert_eq!(judge_rule(RULE, &too_old, at).status, Status::Fail);
        // No image's age known at all: not assessed.
        let j = judge_rule(RULE, &records[2..], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::NoEvidence)
        );
    }

    #[test]
    fn a_build_time_first_reported_after_the_date_leaves_the_age_unknown_then() {
        let records = [
            sighting("a/web:1", "shop", "web", day(9, 17)),
            scan_with("a/web:1", day(9, 21), built(day(9, 16))),
            sighting("a/api:1", "shop", "api", day(9, 17)),
            scan("a/api:1", day(9, 21)),
            scan_with("a/api:1", day(9, 28), built(day(9, 10))),
        ];
        let j = judge_rule(RULE, &records, day(9, 25));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::AgeUnknown)
        );
        let j = judge_rule(RULE, &records, day(9, 28));
        assert_eq!(j.status, Status::Pass);
    }

    #[test]
    fn a_stale_scan_proves_no_young_build_even_beside_a_current_one() {
        let at = day(11, 20);
        let rows = [
            scan_with("a/web:1", day(11, 19), built(day(11, 1))),
            scan_with("a/api:1", day(11, 12), built(day(11, 1))),
        ];
        let j = judge_rule(RULE, &rows, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::StaleEvidence)
        );
        let states: Vec<_> = j.evidence.iter().map(|e| e.state).collect();
        assert_eq!(states, [FindingState::Info, FindingState::Passed]);
        let j = judge_rule(RULE, &rows[1..], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::StaleEvidence)
        );
        // Too old by a stale scan is too old.
        let old = [scan_with("a/api:1", day(11, 12), built(day(5, 1)))];
        assert_eq!(judge_rule(RULE, &old, at).status, Status::Fail);
    }

    #[test]
    fn scans_without_a_build_time_are_not_assessed() {
        let j = judge_rule(RULE, &[scan("a/web:1", day(11, 19))], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
