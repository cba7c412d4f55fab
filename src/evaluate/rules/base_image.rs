//! `base-image` (IMG-06): images use an approved, supported base OS, ideally one family.
//! Each image is judged on its own scans: every current scan of it that names the OS
//! is read, and one that shows an unapproved or end-of-life base decides. A stale or
//! undated scan can show a wrong base, never prove an approved one (its row is shown
//! as informational, and the check is not passed on it).

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, Param, ReasonCode, Status};
use super::{current_scans, image_label, unproven, ImageFact};
use crate::catalog::selector_glob as glob;
use crate::catalog::{Check, Control};
use crate::model::{Record, RecordKind};
use std::collections::BTreeSet;

/// The `base-image` evaluator.
pub struct BaseImage;

impl Evaluator for BaseImage {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        base_image(ctx, current.of_kind(ctx.records, RecordKind::Scan))
    }
}

/// IMG-06: approved, supported base OS; few families.
fn base_image(ctx: &Ctx<'_>, standing_scans: &[u32]) -> Judged {
    let with_os = current_scans(ctx, standing_scans, ImageFact::BaseOs);
    let family = |r: &Record| -> String {
        r.image_facts()
            .and_then(|f| f.os_family.as_deref())
            .unwrap_or_default()
            .to_string()
    };
    if with_os.is_empty() {
        return Judged::not_assessed(Param::phrase(
            "phrase.selector-field",
            vec![
                ("selector", Param::from("scan:vulnerability-scan")),
                ("field", Param::from("os_family")),
            ],
        ));
    }
    let approved = &ctx.config.images.approved_os;
    // What is wrong with the base a scan shows: end of life, not approved.
    let faults = |r: &Record| -> (bool, bool) {
        let fam = family(r);
        let eosl = r.image_facts().and_then(|f| f.end_of_life) == Some(true);
        let unapproved = !approved.is_empty() && !approved.iter().any(|a| glob(a, &fam));
        (eosl, unapproved)
    };
    let mut bad = Vec::new();
    let mut families = BTreeSet::new();
    let mut evidence = Vec::new();
    // Each image's row stands on its own scan: the newest that shows a wrong base
    // (another tool's scan does not hide it), else the newest. What a stale or undated
    // scan says is wrong stays wrong; what it says is right is shown and proves
    // nothing, whatever the other images' scans prove.
    let (mut proven, mut unproven_rows) = (0, Vec::new());
    for scans in with_os.values() {
        let Some(r) = scans
            .iter()
            .find(|r| faults(r) != (false, false))
            .or(scans.first())
            .copied()
        else {
            continue;
        };
        let fam = family(r);
        families.insert(fam.clone());
        let state = match faults(r) {
            (false, false) if ctx.proves_now(r) => {
                proven += 1;
                FindingState::Passed
            }
            (false, false) => {
                unproven_rows.push(r);
                FindingState::Info
            }
            (eosl, _) => {
                let label = image_label(r);
                bad.push(format!(
                    "{label} ({fam}{})",
                    if eosl { ", end of life" } else { "" }
                ));
                FindingState::Failing
            }
        };
        evidence.push(item(r, state, None, None));
    }
    let j = if !bad.is_empty() {
        Judged::listed(Status::Fail, ReasonCode::Unapproved, &bad)
    } else if families.len() > 1 {
        let f: Vec<String> = families.into_iter().collect();
        Judged::listed(Status::Warning, ReasonCode::ManyFamilies, &f)
    } else if let Some(mut stale) = unproven(ctx, unproven_rows) {
        // Some images stand only on a stale or undated scan: not assessed, or a
        // warning beside the images a current scan proves.
        if proven > 0 {
            stale.status = Status::Warning;
        }
        stale
    } else {
        Judged::covered(proven, with_os.len())
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, judge_rule, scan, scan_with};
    use super::*;
    use crate::model::test_formats::GRYPE;
    use crate::model::ImageFacts;

    const RULE: &str = r#"rule = "base-image""#;

    fn os(family: &str, eol: Option<bool>) -> ImageFacts {
        ImageFacts {
            os_family: Some(family.into()),
            os_name: Some("12".into()),
            end_of_life: eol,
            ..ImageFacts::default()
        }
    }

    #[test]
    fn one_supported_family_passes_two_warn_and_end_of_life_fails() {
        let at = day(11, 20);
        let one = [scan_with("a/web:1", day(11, 19), os("debian", Some(false)))];
        assert_eq!(judge_rule(RULE, &one, at).status, Status::Pass);
        let two = [
            scan_with("a/web:1", day(11, 19), os("debian", None)),
            scan_with("a/api:1", day(11, 19), os("alpine", None)),
        ];
        let j = judge_rule(RULE, &two, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::ManyFamilies)
        );
        let eol = [scan_with("a/web:1", day(11, 19), os("debian", Some(true)))];
        let j = judge_rule(RULE, &eol, at);
        assert_eq!(j.status, Status::Fail);
        assert!(j.reason.params["items"].plain().contains("end of life"));
    }

    #[test]
    fn a_stale_scan_proves_no_approved_base_even_beside_a_current_one() {
        let at = day(11, 20);
        // 7-day freshness by default: a scan of the 12th is stale on the 20th.
        let rows = [
            scan_with("a/web:1", day(11, 19), os("debian", None)),
            scan_with("a/api:1", day(11, 12), os("debian", None)),
        ];
        let j = judge_rule(RULE, &rows, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::StaleEvidence)
        );
        assert_eq!(j.reason.params["date"], "2026-11-12");
        let state = |image: &str| {
            j.evidence
                .iter()
                .find(|e| e.subject.contains(image))
                .map(|e| e.state)
        };
        assert_eq!(state("a/web"), Some(FindingState::Passed));
        assert_eq!(state("a/api"), Some(FindingState::Info));
        // Alone, it leaves the check not assessed.
        let j = judge_rule(RULE, &rows[1..], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::StaleEvidence)
        );
        // What it says is wrong stays wrong.
        let eol = [
            rows[0].clone(),
            scan_with("a/api:1", day(11, 12), os("debian", Some(true))),
        ];
        assert_eq!(judge_rule(RULE, &eol, at).status, Status::Fail);
    }

    #[test]
    fn every_current_scan_that_names_the_os_is_read() {
        let at = day(11, 20);
        let built_only = ImageFacts {
            created: Some(day(10, 1)),
            ..ImageFacts::default()
        };
        // A scan that names no OS does not hide one that does.
        let mut other = scan_with("a/web:1", day(11, 19), built_only);
        other.format = GRYPE;
        let trivy = scan_with("a/web:1", day(11, 18), os("debian", Some(true)));
        let j = judge_rule(RULE, &[other, trivy.clone()], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::Unapproved)
        );
        // Nor does a newer scan that names the OS but not its end of life (as Grype
        // does): what one scan shows wrong decides.
        let mut grype = scan_with("a/web:1", day(11, 19), os("debian", None));
        grype.format = GRYPE;
        let j = judge_rule(RULE, &[grype, trivy], at);
        assert_eq!(j.status, Status::Fail);
        assert!(j.reason.params["items"].plain().contains("end of life"));
        assert_eq!(j.evidence.len(), 1);
    }

    #[test]
    fn scans_that_do_not_name_the_os_are_not_assessed() {
        let j = judge_rule(RULE, &[scan("a/web:1", day(11, 19))], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
