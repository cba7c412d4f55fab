//! `base-image` (IMG-06): images use an approved, supported base OS, ideally one family.
//! Each image is judged on its own scan: a stale or undated scan can show an
//! unapproved or end-of-life base, never prove an approved one (its row is shown as
//! informational, and the check is not passed on it).

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, Param, ReasonCode, Status};
use super::{current_scans, image_label, unproven};
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
    let scans = current_scans(ctx, standing_scans);
    let family = |r: &Record| -> Option<String> {
        r.image_facts()
            .and_then(|f| f.os_family.as_deref())
            .filter(|f| !f.is_empty())
            .map(str::to_string)
    };
    let with_os: Vec<&&Record> = scans.values().filter(|r| family(r).is_some()).collect();
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
    let mut bad = Vec::new();
    let mut families = BTreeSet::new();
    let mut evidence = Vec::new();
    // Each image's row stands on its own scan: what a stale or undated scan says is
    // wrong stays wrong, what it says is right is shown and proves nothing, whatever
    // the other images' scans prove.
    let (mut proven, mut unproven_rows) = (0, Vec::new());
    for r in &with_os {
        let fam = family(r).unwrap_or_default();
        families.insert(fam.clone());
        let eosl = r.image_facts().and_then(|f| f.end_of_life) == Some(true);
        let unapproved = !approved.is_empty() && !approved.iter().any(|a| glob(a, &fam));
        let state = if eosl || unapproved {
            let label = image_label(r);
            bad.push(format!(
                "{label} ({fam}{})",
                if eosl { ", end of life" } else { "" }
            ));
            FindingState::Failing
        } else if ctx.proves_now(r) {
            proven += 1;
            FindingState::Passed
        } else {
            unproven_rows.push(**r);
            FindingState::Info
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
    fn scans_that_do_not_name_the_os_are_not_assessed() {
        let j = judge_rule(RULE, &[scan("a/web:1", day(11, 19))], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
