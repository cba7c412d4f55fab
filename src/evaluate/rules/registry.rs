//! `registry` (REG-01, REG-03): every image seen running or scanned comes from a
//! registry of `[registries] approved`.

use super::super::judge::{item, waiver_for, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, standing};
use crate::catalog::selector_glob as glob;
use crate::catalog::{Check, Control};
use crate::model::{Record, RecordKind};
use std::collections::BTreeMap;

/// The `registry` evaluator.
pub struct Registry;

impl Evaluator for Registry {
    fn judge(&self, ctx: &Ctx<'_>, control: &Control, _check: &Check, current: &Current) -> Judged {
        registry(ctx, control, &current.all)
    }
}

/// REG-01/REG-03: images come from approved registries.
fn registry(ctx: &Ctx<'_>, control: &Control, current: &[u32]) -> Judged {
    if ctx.config.registries.approved.is_empty() {
        return Judged::new(
            Status::NotAssessed,
            ReasonCode::NotConfigured,
            &[("setting", "[registries] approved".into())],
        );
    }
    let mut seen: BTreeMap<String, (usize, &Record)> = BTreeMap::new();
    for (i, r) in standing(ctx, current) {
        if matches!(r.kind, RecordKind::Sighting | RecordKind::Scan) {
            if let Some(img) = &r.subject.image {
                // The image's canonical name, unless that names another registry: the
                // registry an image is pulled from is what this check is about.
                let name = ctx
                    .image_at(i)
                    .filter(|c| c.registry == img.registry)
                    .unwrap_or(img);
                seen.entry(name.tagged()).or_insert((i, r));
            }
        }
    }
    if seen.is_empty() {
        return Judged::not_assessed("sighting:running, scan:vulnerability-scan");
    }
    let (mut bad, mut waived, mut outside) = (Vec::new(), 0, 0);
    let mut evidence = Vec::new();
    for (name, (i, r)) in &seen {
        let host = r
            .subject
            .image
            .as_ref()
            .map(|im| im.registry.clone())
            .unwrap_or_default();
        if ctx
            .config
            .registries
            .approved
            .iter()
            .any(|p| glob(p, &host))
        {
            evidence.push(item(r, FindingState::Passed, None, None));
            continue;
        }
        if let Some(w) = waiver_for(ctx.waivers, &control.id, r, ctx.at.date_naive()) {
            waived += 1;
            evidence.push(item(r, FindingState::Waived, None, Some(w.id.clone())));
        } else if !ctx.production(*i) {
            outside += 1;
            evidence.push(item(r, FindingState::Info, None, None));
        } else {
            bad.push(name.clone());
            evidence.push(item(r, FindingState::Failing, None, None));
        }
    }
    let j = if !bad.is_empty() {
        Judged::listed(Status::Fail, ReasonCode::Unapproved, &bad)
    } else if outside > 0 {
        Judged::new(
            Status::Warning,
            ReasonCode::Warnings,
            &[("count", n(outside))],
        )
    } else if waived > 0 {
        Judged::new(Status::Waived, ReasonCode::Waived, &[("count", n(waived))])
    } else {
        Judged::covered(seen.len(), seen.len())
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{control, day, judge_at, sighting};
    use super::*;
    use crate::config::Config;

    const RULE: &str = r#"rule = "registry""#;

    fn approved(hosts: &[&str]) -> Config {
        let mut c = Config::default();
        c.registries.approved = hosts.iter().map(|h| h.to_string()).collect();
        c
    }

    #[test]
    fn images_from_approved_registries_pass_and_others_fail() {
        let cat = control(RULE, false);
        let ok = [sighting("acr.io/shop/web:1.0", "shop", "web", day(11, 19))];
        let j = judge_at(&cat, &ok, &approved(&["acr.io"]), &[], day(11, 20));
        assert_eq!(j.status, Status::Pass);
        let bad = [sighting("nginx:1.25", "shop", "web", day(11, 19))];
        let j = judge_at(&cat, &bad, &approved(&["acr.io"]), &[], day(11, 20));
        assert_eq!(j.status, Status::Fail);
        assert_eq!(j.reason.params["items"], "docker.io/library/nginx:1.25");
    }

    #[test]
    fn outside_production_an_unapproved_registry_warns() {
        let cat = control(RULE, false);
        let mut config = approved(&["acr.io"]);
        config.scope.production_namespaces = vec!["prod-*".into()];
        let bad = [sighting("nginx:1.25", "shop", "web", day(11, 19))];
        let j = judge_at(&cat, &bad, &config, &[], day(11, 20));
        assert_eq!(j.status, Status::Warning);
    }

    #[test]
    fn without_approved_registries_it_is_not_configured() {
        let cat = control(RULE, false);
        let j = judge_at(&cat, &[], &Config::default(), &[], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
        assert_eq!(j.reason.code, ReasonCode::NotConfigured);
    }
}
