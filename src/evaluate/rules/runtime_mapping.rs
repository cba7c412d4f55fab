//! `runtime-mapping` (IMG-03): every image seen running maps to a vulnerability
//! scan of the same content: digests are compared when both sides carry one (a
//! running digest no scan saw fails); a match by tag only warns.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, running_images, scans};
use crate::catalog::{Check, Control};
use crate::model::{RecordKind, ScanClass};
use std::collections::{HashMap, HashSet};

/// The `runtime-mapping` evaluator.
pub struct RuntimeMapping;

impl Evaluator for RuntimeMapping {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        runtime_mapping(ctx, current.of_kind(ctx.records, RecordKind::Sighting))
    }
}

/// The manifest digests each image was scanned at (dated scans up to the report date).
fn scanned_digests<'a>(ctx: &'a Ctx<'_>) -> HashMap<String, HashSet<&'a str>> {
    let mut out: HashMap<String, HashSet<&str>> = HashMap::new();
    for (i, r) in ctx.records.iter().enumerate() {
        // The kind first: it is in the record, the scan class behind a pointer.
        if r.kind != RecordKind::Scan
            || r.scan_class() != Some(ScanClass::Vulnerability)
            || r.observed_at.is_none_or(|t| t > ctx.at)
        {
            continue;
        }
        if let (Some(name), Some(d)) = (
            ctx.image_name_at(i),
            r.subject.image.as_ref().and_then(|i| i.digest.as_deref()),
        ) {
            out.entry(name).or_default().insert(d);
        }
    }
    out
}

/// IMG-03: every running image maps to a scan of the content that runs: the digests
/// are compared when both sides have one; a match by tag only warns.
fn runtime_mapping(ctx: &Ctx<'_>, standing_sightings: &[u32]) -> Judged {
    let running = running_images(ctx, standing_sightings);
    if running.is_empty() {
        return Judged::not_assessed("sighting:running");
    }
    let scans = scans(ctx);
    let scanned = scanned_digests(ctx);
    let (mut unmapped, mut by_tag, mut by_digest) = (Vec::new(), 0, 0);
    let mut evidence = Vec::new();
    for (name, r) in &running {
        let running_digest = r.subject.image.as_ref().and_then(|i| i.digest.as_ref());
        let digests = scanned.get(name);
        match (scans.get(name), running_digest, digests) {
            (None, _, _) => {
                unmapped.push(name.clone());
                evidence.push(item(r, FindingState::Failing, None, None));
            }
            // The scans named digests and the running one is not among them: the
            // content that runs was never scanned (the tag moved).
            (Some(_), Some(d), Some(ds)) if !ds.contains(d.as_str()) => {
                unmapped.push(format!("{name}@{d}"));
                evidence.push(item(r, FindingState::Failing, None, None));
            }
            (Some(_), Some(_), Some(_)) => {
                by_digest += 1;
                evidence.push(item(r, FindingState::Passed, None, None));
            }
            (Some(_), _, _) => {
                by_tag += 1;
                evidence.push(item(r, FindingState::Passed, None, None));
            }
        }
    }
    let j = if !unmapped.is_empty() {
        Judged::listed(Status::Fail, ReasonCode::Unscanned, &unmapped)
    } else if by_tag > 0 {
        Judged::new(
            Status::Warning,
            ReasonCode::TagOnly,
            &[("count", n(by_tag))],
        )
    } else {
        Judged::covered(by_digest, running.len())
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, judge_rule, scan, sighting};
    use super::*;

    const RULE: &str = r#"rule = "runtime-mapping""#;
    const DIGEST: &str = "@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn running_images_scanned_by_digest_pass() {
        let img = format!("acr.io/shop/web:1.0{DIGEST}");
        let j = judge_rule(
            RULE,
            &[
                sighting(&img, "shop", "web", day(11, 19)),
                scan(&img, day(11, 18)),
            ],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Pass);
    }

    #[test]
    fn a_running_digest_no_scan_saw_fails() {
        let other = "@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let j = judge_rule(
            RULE,
            &[
                sighting(
                    &format!("acr.io/shop/web:1.0{other}"),
                    "shop",
                    "web",
                    day(11, 19),
                ),
                scan(&format!("acr.io/shop/web:1.0{DIGEST}"), day(11, 18)),
            ],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Fail);
        assert_eq!(j.reason.code, ReasonCode::Unscanned);
    }

    #[test]
    fn a_match_by_tag_only_warns() {
        let j = judge_rule(
            RULE,
            &[
                sighting("acr.io/shop/web:1.0", "shop", "web", day(11, 19)),
                scan("acr.io/shop/web:1.0", day(11, 18)),
            ],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Warning);
        assert_eq!(j.reason.code, ReasonCode::TagOnly);
    }

    #[test]
    fn a_running_image_never_scanned_fails() {
        let j = judge_rule(
            RULE,
            &[sighting("acr.io/shop/web:1.0", "shop", "web", day(11, 19))],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Fail);
    }

    #[test]
    fn no_image_seen_running_is_not_assessed() {
        let j = judge_rule(
            RULE,
            &[scan("acr.io/shop/web:1.0", day(11, 18))],
            day(11, 20),
        );
        assert_eq!(j.status, Status::NotAssessed);
    }
}
