//! `image-age` (IMG-10): images were built within `[images] max_age_days`; the
//! last fifth of the allowance warns.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{current_scans, image_label, n};
use crate::catalog::{Check, Control};
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
        image_age(ctx, &current.all)
    }
}

/// IMG-10: images built within the maximum age.
fn image_age(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let scans = current_scans(ctx, current);
    let max = Duration::days(ctx.config.images.max_age_days.max(1));
    let mut evidence = Vec::new();
    let (mut old, mut aging, mut ok) = (Vec::new(), 0, 0);
    for r in scans.values() {
        let Some(created) = r.image_facts().and_then(|f| f.created) else {
            continue;
        };
        let age = ctx.at - created;
        if age > max {
            old.push(image_label(r));
            evidence.push(item(r, FindingState::Overdue, None, None));
        } else if age * 5 > max * 4 {
            aging += 1;
            evidence.push(item(r, FindingState::InGrace, None, None));
        } else {
            ok += 1;
            evidence.push(item(r, FindingState::Passed, None, None));
        }
    }
    if evidence.is_empty() {
        return Judged::not_assessed("scan:vulnerability-scan (image_created)");
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
        Judged::new(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(ok)), ("total", n(ok))],
        )
    };
    j.with_evidence(evidence)
}
