//! `signature-coverage` (IMG-07): the images seen running now have a verified
//! signature of the content that runs. A verification (cosign `verify` output) is a
//! fact about a manifest digest, so it counts whatever its age, but only for the same
//! digest, and only when it is dated: an undated verification is shown as date
//! unknown and proves nothing (docs/evidence-time.md). An image running by tag alone
//! cannot be matched to any signature. The reason counts the population ("3 of 12
//! running images"), and apart the images whose only verifications are undated;
//! every image counted is an evidence row. This module also owns what a verification
//! proves ([`verification`]), which the image summaries read.

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

/// What a verified signature proves of its digest at the evaluation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Dated no later than the evaluation date: the digest is verified, whatever the
    /// verification's age.
    Dated,
    /// Carries no date: shown as date unknown, it proves nothing.
    Undated,
}

/// What record `r` proves as a signature verification at `ctx.at`: `None` when it is
/// not a verified signature, or is dated after the evaluation date (it counts only
/// from its own date on).
pub fn verification(ctx: &Ctx<'_>, r: &Record) -> Option<Verification> {
    if r.kind != RecordKind::Signature || r.outcome != Outcome::Pass {
        return None;
    }
    match r.observed_at {
        None => Some(Verification::Undated),
        Some(t) if t <= ctx.at => Some(Verification::Dated),
        Some(_) => None,
    }
}

/// Signature verifications by manifest digest, with what each proves.
fn verified<'a>(ctx: &'a Ctx<'_>) -> HashMap<&'a str, Vec<(&'a Record, Verification)>> {
    let mut out: HashMap<&str, Vec<(&Record, Verification)>> = HashMap::new();
    for r in ctx.records {
        let Some(v) = verification(ctx, r) else {
            continue;
        };
        if let Some(d) = r.subject.image.as_ref().and_then(|i| i.digest.as_deref()) {
            out.entry(d).or_default().push((r, v));
        }
    }
    out
}

/// What runs of one image: a sighting to cite, and the digests seen running (none
/// when every tool named it by tag).
#[derive(Default)]
struct Running<'a> {
    sighting: Option<&'a Record>,
    digests: BTreeSet<&'a str>,
}

/// IMG-07: every image running now has a dated verified signature of each digest it
/// runs.
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
    // Without a dated verification: the digests (or the tag) shown in the reason.
    let mut unsigned: Vec<Param> = Vec::new();
    // Images not signed only because their verifications carry no date.
    let mut undated = 0;
    let mut signed = 0;
    let mut evidence = Vec::new();
    for (name, seen) in &running {
        if seen.digests.is_empty() {
            unsigned.push(Param::phrase(
                "phrase.by-tag",
                vec![("name", Param::from(name.to_string()))],
            ));
        }
        // Digests without a dated verification: `true` when an undated one exists.
        let mut missing: Vec<(&str, bool)> = Vec::new();
        for d in &seen.digests {
            let sigs = signatures.get(d).map_or(&[][..], Vec::as_slice);
            for (sig, v) in sigs {
                let state = match v {
                    Verification::Dated => FindingState::Passed,
                    Verification::Undated => FindingState::Info,
                };
                evidence.push(item(sig, state, None, None));
            }
            if !sigs.iter().any(|(_, v)| *v == Verification::Dated) {
                missing.push((d, !sigs.is_empty()));
            }
        }
        let is_signed = !seen.digests.is_empty() && missing.is_empty();
        if is_signed {
            signed += 1;
        } else if !missing.is_empty() && missing.iter().all(|(_, undated)| *undated) {
            undated += 1;
        }
        for (d, has_undated) in missing {
            let image = Param::from(format!("{name}@{d}"));
            unsigned.push(if has_undated {
                Param::phrase("phrase.signature-undated", vec![("image", image)])
            } else {
                image
            });
        }
        if let Some(r) = seen.sighting {
            let state = if is_signed {
                FindingState::Passed
            } else {
                FindingState::Failing
            };
            evidence.push(item(r, state, None, None));
        }
    }
    let total = running.len();
    let (status, code) = if signed == total {
        (Status::Pass, ReasonCode::SignedImages)
    } else if undated > 0 {
        (Status::Fail, ReasonCode::UndatedSignatures)
    } else {
        (Status::Fail, ReasonCode::UnsignedImages)
    };
    let mut params = vec![
        ("signed", Param::from(n(signed))),
        ("total", Param::from(n(total))),
        ("items", Param::list(unsigned, ", ")),
    ];
    if code == ReasonCode::UndatedSignatures {
        params.push(("undated", Param::from(n(undated))));
    }
    Judged::with(status, code, params).with_evidence(evidence)
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
                signature(&format!("acr.io/shop/web{A}"), Some(day(9, 1))),
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
                signature(&format!("acr.io/shop/api{A}"), Some(day(9, 1))),
                signature(&format!("acr.io/shop/web{A}"), Some(day(9, 1))),
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
    fn an_undated_verification_proves_nothing_and_is_counted_apart() {
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
                signature(&format!("acr.io/shop/web{A}"), None),
                // Dated after the report date: it counts only from its own date on.
                signature(&format!("acr.io/shop/api{B}"), Some(day(11, 25))),
            ],
            day(11, 20),
        );
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::UndatedSignatures)
        );
        let p = |k: &str| {
            j.reason
                .params
                .get(k)
                .map(|p| p.plain())
                .unwrap_or_default()
        };
        assert_eq!(
            (p("signed"), p("undated"), p("total")),
            ("0".into(), "1".into(), "3".into())
        );
        assert!(p("items").contains("acr.io/shop/web:1.0@sha256:aaaa"));
        let rows: Vec<(String, FindingState)> = j
            .evidence
            .iter()
            .map(|e| (e.kind.clone(), e.state))
            .collect();
        assert!(rows.contains(&("signature".into(), FindingState::Info)));
        assert!(
            !rows.iter().any(|(_, s)| *s == FindingState::Passed),
            "{rows:?}"
        );
        // The same image, dated: it counts, whatever the verification's age.
        let j = judge_rule(
            RULE,
            &[
                sighting(
                    &format!("acr.io/shop/web:1.0{A}"),
                    "shop",
                    "web",
                    day(11, 19),
                ),
                signature(&format!("acr.io/shop/web{A}"), None),
                signature(&format!("acr.io/shop/web{A}"), Some(day(3, 1))),
            ],
            day(11, 20),
        );
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::SignedImages)
        );
    }

    #[test]
    fn nothing_running_is_not_assessed() {
        let j = judge_rule(
            RULE,
            &[signature(&format!("acr.io/shop/web{A}"), Some(day(11, 1)))],
            day(11, 20),
        );
        assert_eq!(j.status, Status::NotAssessed);
    }
}
