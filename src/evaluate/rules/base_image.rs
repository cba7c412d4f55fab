//! `base-image` (IMG-06): images use an approved, supported base OS, ideally one family.

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
    for r in &with_os {
        let fam = family(r).unwrap_or_default();
        families.insert(fam.clone());
        let eosl = r.image_facts().and_then(|f| f.end_of_life) == Some(true);
        let unapproved = !approved.is_empty() && !approved.iter().any(|a| glob(a, &fam));
        if eosl || unapproved {
            let label = image_label(r);
            bad.push(format!(
                "{label} ({fam}{})",
                if eosl { ", end of life" } else { "" }
            ));
            evidence.push(item(r, FindingState::Failing, None, None));
        } else {
            evidence.push(item(r, FindingState::Passed, None, None));
        }
    }
    // What a stale or undated scan says is wrong stays wrong; what it says is right
    // proves nothing.
    if bad.is_empty() {
        if let Some(j) = unproven(ctx, with_os.iter().map(|r| **r)) {
            return j.with_evidence(evidence);
        }
    }
    let j = if !bad.is_empty() {
        Judged::listed(Status::Fail, ReasonCode::Unapproved, &bad)
    } else if families.len() > 1 {
        let f: Vec<String> = families.into_iter().collect();
        Judged::listed(Status::Warning, ReasonCode::ManyFamilies, &f)
    } else {
        Judged::covered(with_os.len(), with_os.len())
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
    fn scans_that_do_not_name_the_os_are_not_assessed() {
        let j = judge_rule(RULE, &[scan("a/web:1", day(11, 19))], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
