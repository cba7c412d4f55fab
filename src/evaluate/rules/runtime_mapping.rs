//! `runtime-mapping` (IMG-03): every image seen running maps to a current
//! vulnerability scan of the same content: digests are compared when both sides carry
//! one (a running digest no scan saw fails); a match by tag only warns. A scan is
//! current as `scan-coverage` (IMG-01) says ([`ScanCurrency`]): a stale one warns, one
//! older than twice the freshness limit is no current scan, as IMG-01 lists it.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, running_images, scans, ScanCurrency};
use crate::catalog::{Check, Control};
use crate::model::{Record, RecordKind, ScanClass};
use std::collections::HashMap;

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

/// Per image, the manifest digests it was scanned at (dated scans up to the report
/// date), each with its newest scan.
fn scanned_digests<'a>(ctx: &'a Ctx<'_>) -> HashMap<String, HashMap<&'a str, &'a Record>> {
    let mut out: HashMap<String, HashMap<&str, &Record>> = HashMap::new();
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
            let e = out.entry(name).or_default().entry(d).or_insert(r);
            if r.observed_at > e.observed_at {
                *e = r;
            }
        }
    }
    out
}

/// IMG-03: every running image maps to a current scan ([`ScanCurrency`], as IMG-01
/// judges it) of the content that runs: the digests are compared when both sides have
/// one, and the scan that counts is then the newest of the digest that runs; a match
/// by tag only warns.
fn runtime_mapping(ctx: &Ctx<'_>, standing_sightings: &[u32]) -> Judged {
    let running = running_images(ctx, standing_sightings);
    if running.is_empty() {
        return Judged::not_assessed("sighting:running");
    }
    let scans = scans(ctx);
    let scanned = scanned_digests(ctx);
    let (mut unmapped, mut stale, mut by_tag, mut by_digest) = (Vec::new(), 0, 0, 0);
    let mut evidence = Vec::new();
    for (name, r) in &running {
        let running_digest = r.subject.image.as_ref().and_then(|i| i.digest.as_deref());
        // The scan of the content that runs, and whether digests matched it.
        let (scan, matched_by_digest) = match (running_digest, scanned.get(name)) {
            (Some(d), Some(ds)) => match ds.get(d) {
                Some(s) => (Some(*s), true),
                // The scans named digests and the running one is not among them: the
                // content that runs was never scanned (the tag moved).
                None => {
                    unmapped.push(format!("{name}@{d}"));
                    evidence.push(item(r, FindingState::Failing, None, None));
                    continue;
                }
            },
            _ => (scans.get(name).copied(), false),
        };
        let state = match ScanCurrency::of(ctx, scan) {
            ScanCurrency::Missing => {
                unmapped.push(name.clone());
                FindingState::Failing
            }
            ScanCurrency::Stale => {
                stale += 1;
                FindingState::Warns
            }
            ScanCurrency::Current if matched_by_digest => {
                by_digest += 1;
                FindingState::Passed
            }
            ScanCurrency::Current => {
                by_tag += 1;
                FindingState::Passed
            }
        };
        evidence.push(item(r, state, None, None));
    }
    let j = if !unmapped.is_empty() {
        Judged::listed(Status::Fail, ReasonCode::Unscanned, &unmapped)
    } else if stale > 0 {
        Judged::new(
            Status::Warning,
            ReasonCode::StaleScans,
            &[("count", n(stale))],
        )
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
    fn a_stale_scan_warns_and_one_older_than_twice_the_limit_is_no_current_scan() {
        // The same definition as IMG-01: 7 days is current, 8 stale, 15 no current scan.
        let img = format!("acr.io/shop/web:1.0{DIGEST}");
        let judge = |t| {
            judge_rule(
                RULE,
                &[sighting(&img, "shop", "web", day(11, 19)), scan(&img, t)],
                day(11, 20),
            )
        };
        assert_eq!(judge(day(11, 13)).status, Status::Pass);
        let stale = judge(day(11, 12));
        assert_eq!(
            (stale.status, stale.reason.code),
            (Status::Warning, ReasonCode::StaleScans)
        );
        assert_eq!(stale.evidence[0].state, FindingState::Warns);
        assert_eq!(judge(day(11, 6)).status, Status::Warning);
        let gone = judge(day(11, 5));
        assert_eq!(
            (gone.status, gone.reason.code),
            (Status::Fail, ReasonCode::Unscanned)
        );
        assert_eq!(gone.reason.params["items"], "acr.io/shop/web:1.0");
        assert_eq!(gone.evidence[0].state, FindingState::Failing);
    }

    #[test]
    fn the_scan_of_the_running_digest_must_be_current() {
        // The tag moved: the new content was scanned yesterday, the content that runs
        // only three weeks ago.
        let other = "@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let j = judge_rule(
            RULE,
            &[
                sighting(
                    &format!("acr.io/shop/web:1.0{DIGEST}"),
                    "shop",
                    "web",
                    day(11, 19),
                ),
                scan(&format!("acr.io/shop/web:1.0{DIGEST}"), day(10, 30)),
                scan(&format!("acr.io/shop/web:1.0{other}"), day(11, 19)),
            ],
            day(11, 20),
        );
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::Unscanned)
        );
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
