//! `image-count` (IMG-09): the set of production images seen running stays under
//! `[images] max_production_images`. Each image counted is an evidence row; without a
//! ceiling the check is not assessed ("not configured", as for every setting muster
//! needs and the configuration lacks).

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, Param, ReasonCode, Status};
use super::{n, standing};
use crate::catalog::{Check, Control};
use crate::model::{Record, RecordKind};
use std::collections::BTreeMap;

/// The `image-count` evaluator.
pub struct ImageCount;

impl Evaluator for ImageCount {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        image_count(ctx, &current.all)
    }
}

/// IMG-09: the production image set stays under the ceiling.
fn image_count(ctx: &Ctx<'_>, current: &[u32]) -> Judged {
    let max = ctx.config.images.max_production_images;
    if max == 0 {
        return Judged::new(
            Status::NotAssessed,
            ReasonCode::NotConfigured,
            &[("setting", "[images] max_production_images".into())],
        );
    }
    // Production images seen running, by repository (a new tag is the same image).
    let mut repos: BTreeMap<String, &Record> = BTreeMap::new();
    for (i, r) in standing(ctx, current) {
        if r.kind == RecordKind::Sighting && ctx.production(i) && ctx.proves_now(r) {
            if let Some(img) = &r.subject.image {
                repos.entry(img.name()).or_insert(r);
            }
        }
    }
    if repos.is_empty() {
        return Judged::not_assessed(Param::phrase(
            "phrase.selector-production",
            vec![("selector", Param::from("sighting:running"))],
        ));
    }
    let params = [("count", n(repos.len())), ("max", n(max))];
    let over = repos.len() > max;
    let state = if over {
        FindingState::Failing
    } else {
        FindingState::Passed
    };
    let evidence = repos.values().map(|r| item(r, state, None, None)).collect();
    let j = if over {
        Judged::new(Status::Warning, ReasonCode::TooManyImages, &params)
    } else {
        Judged::new(Status::Pass, ReasonCode::ImageCount, &params)
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{control, day, judge_at, sighting};
    use super::*;
    use crate::config::Config;

    const RULE: &str = r#"rule = "image-count""#;

    #[test]
    fn the_ceiling_decides() {
        let cat = control(RULE, false);
        let mut config = Config::default();
        config.images.max_production_images = 1;
        let one = [sighting("a/web:1", "shop", "web", day(11, 19))];
        assert_eq!(
            judge_at(&cat, &one, &config, &[], day(11, 20)).status,
            Status::Pass
        );
        let two = [
            sighting("a/web:1", "shop", "web", day(11, 19)),
            sighting("a/api:1", "shop", "api", day(11, 19)),
        ];
        let j = judge_at(&cat, &two, &config, &[], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::TooManyImages)
        );
    }

    #[test]
    fn no_ceiling_configured_and_nothing_running_are_not_assessed() {
        let cat = control(RULE, false);
        let j = judge_at(&cat, &[], &Config::default(), &[], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::NotConfigured)
        );
        let mut config = Config::default();
        config.images.max_production_images = 5;
        assert_eq!(
            judge_at(&cat, &[], &config, &[], day(11, 20)).status,
            Status::NotAssessed
        );
    }
}
