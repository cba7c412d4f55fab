//! `base-image` (IMG-06): images use an approved, supported base OS, ideally one family.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{current_scans, image_label, n};
use crate::catalog::selector_glob as glob;
use crate::catalog::{Check, Control};
use crate::model::Record;
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
        base_image(ctx, &current.all)
    }
}

/// IMG-06: approved, supported base OS; few families.
fn base_image(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let scans = current_scans(ctx, current);
    let family = |r: &Record| -> Option<String> {
        r.image_facts()
            .and_then(|f| f.os_family.as_deref())
            .filter(|f| !f.is_empty())
            .map(str::to_string)
    };
    let with_os: Vec<&&Record> = scans.values().filter(|r| family(r).is_some()).collect();
    if with_os.is_empty() {
        return Judged::not_assessed("scan:vulnerability-scan (os_family)");
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
            evidence.push(item(r, FindingState::Overdue, None, None));
        } else {
            evidence.push(item(r, FindingState::Passed, None, None));
        }
    }
    let j = if !bad.is_empty() {
        Judged::new(
            Status::Fail,
            ReasonCode::Unapproved,
            &[("count", n(bad.len())), ("items", bad.join(", "))],
        )
    } else if families.len() > 1 {
        let f: Vec<String> = families.into_iter().map(String::from).collect();
        Judged::new(
            Status::Warning,
            ReasonCode::ManyFamilies,
            &[("count", n(f.len())), ("items", f.join(", "))],
        )
    } else {
        Judged::new(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(with_os.len())), ("total", n(with_os.len()))],
        )
    };
    j.with_evidence(evidence)
}
