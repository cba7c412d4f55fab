//! `signature-coverage` (IMG-07): the images seen running now have a verified
//! signature of the content that runs. A verification (cosign `verify` output) is a
//! fact about a manifest digest, so it counts whatever its age, but only for the same
//! digest: an image running by tag alone cannot be matched to any signature. The
//! reason counts the population ("3 of 12 running images") and every image counted is
//! an evidence row.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, Param, ReasonCode, Status};
use super::{n, standing};
use crate::catalog::{Check, Control};
use crate::model::{Outcome, Record, RecordKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The `signature-coverage` evaluator.
pub struct SignatureCoverage;

impl Evaluator for SignatureCoverage {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        signature_coverage(ctx, &current.all)
    }
}

/// Verified signatures by manifest digest (not dated after the report date).
fn verified<'a>(ctx: &'a Ctx<'_>) -> HashMap<&'a str, &'a Record> {
    ctx.records
        .iter()
        .filter(|r| r.kind == RecordKind::Signature && r.outcome == Outcome::Pass)
        .filter(|r| r.observed_at.is_none_or(|t| t <= ctx.at))
        .filter_map(|r| {
            let d = r.subject.image.as_ref()?.digest.as_deref()?;
            Some((d, r))
        })
        .collect()
}

/// What runs of one image: a sighting to cite, and the digests seen running (none
/// when every tool named it by tag).
#[derive(Default)]
struct Running<'a> {
    sighting: Option<&'a Record>,
    digests: BTreeSet<&'a str>,
}

/// IMG-07: every image running now has a verified signature of each digest it runs.
fn signature_coverage(ctx: &Ctx<'_>, current: &[u32]) -> Judged {
    let mut running: BTreeMap<String, Running<'_>> = BTreeMap::new();
    for (i, r) in standing(ctx, current) {
        if r.kind == RecordKind::Sighting && ctx.proves_now(r) {
            if let (Some(name), Some(img)) = (ctx.image_name_at(i), &r.subject.image) {
                let e = running.entry(name).or_default();
                e.sighting.get_or_insert(r);
                e.digests.extend(img.digest.as_deref());
            }
        }
    }
    if running.is_empty() {
        return Judged::not_assessed("sighting:running");
    }
    let signatures = verified(ctx);
    let mut unsigned = Vec::new();
    let mut evidence = Vec::new();
    for (name, seen) in &running {
        let sigs: Vec<&Record> = seen
            .digests
            .iter()
            .filter_map(|d| signatures.get(d).copied())
            .collect();
        let missing: Vec<&&str> = seen
            .digests
            .iter()
            .filter(|d| !signatures.contains_key(**d))
            .collect();
        let signed = !seen.digests.is_empty() && missing.is_empty();
        for sig in &sigs {
            evidence.push(item(sig, FindingState::Passed, None, None));
        }
        if !signed {
            unsigned.push(if seen.digests.is_empty() {
                Param::phrase(
                    "phrase.by-tag",
                    vec![("name", Param::from(name.to_string()))],
                )
            } else {
                let digests: Vec<String> = missing.iter().map(|d| format!("{name}@{d}")).collect();
                Param::from(digests.join(", "))
            });
        }
        if let Some(r) = seen.sighting {
            let state = if signed {
                FindingState::Passed
            } else {
                FindingState::Failing
            };
            evidence.push(item(r, state, None, None));
        }
    }
    let total = running.len();
    let status = if unsigned.is_empty() {
        (Status::Pass, ReasonCode::SignedImages)
    } else {
        (Status::Fail, ReasonCode::UnsignedImages)
    };
    let j = Judged::with(
        status.0,
        status.1,
        vec![
            ("signed", Param::from(n(total - unsigned.len()))),
            ("total", Param::from(n(total))),
            ("items", Param::list(unsigned, ", ")),
        ],
    );
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, judge_rule, sighting, signature};
    use super::*;

    const RULE: &str = r#"rule = "signature-coverage""#;
    const A: &str = "@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn every_running_digest_signed_passes() {
        let j = judge_rule(
            RULE,
            &[
                sighting(
                    &format!("acr.io/shop/web:1.0{A}"),
                    "shop",
                    "web",
                    day(11, 19),
                ),
                signature(&format!("acr.io/shop/web{A}")),
            ],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Pass);
        assert_eq!(
            j.reason.params.get("signed").map(|p| p.plain()).as_deref(),
            Some("1")
        );
    }

    #[test]
    fn the_population_is_the_images_running_and_the_digest_must_match() {
        let j = judge_rule(
            RULE,
            &[
                sighting(
                    &format!("acr.io/shop/web:1.0{A}"),
                    "shop",
                    "web",
                    day(11, 19),
                ),
                sighting(&format!("acr.io/shop/api:2{B}"), "shop", "api", day(11, 19)),
                sighting("acr.io/shop/ui:3", "shop", "ui", day(11, 19)),
                // A signature of other content of the same repository does not count.
                signature(&format!("acr.io/shop/api{A}")),
                signature(&format!("acr.io/shop/web{A}")),
            ],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Fail);
        assert_eq!(j.reason.code, ReasonCode::UnsignedImages);
        let p = |k: &str| {
            j.reason
                .params
                .get(k)
                .map(|p| p.plain())
                .unwrap_or_default()
        };
        assert_eq!(
            (p("signed"), p("total")),
            ("1".to_string(), "3".to_string())
        );
        assert!(p("items").contains("acr.io/shop/ui:3 (by tag)"));
        assert!(p("items").contains("acr.io/shop/api:2@sha256:bbbb"));
    }

    #[test]
    fn nothing_running_is_not_assessed() {
        let j = judge_rule(
            RULE,
            &[signature(&format!("acr.io/shop/web{A}"))],
            day(11, 20),
        );
        assert_eq!(j.status, Status::NotAssessed);
    }
}
