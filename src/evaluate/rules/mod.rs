//! The evaluators, one per file, each behind [`Evaluator`]: the catalog's `rule` names
//! which one judges a check. This module maps rules to evaluators and holds the
//! selections several of them share (standing records in scope, images seen running,
//! the newest vulnerability scan of each image and whether it is current, the newest
//! scan that tells a fact about an image).

mod attestation;
mod audit_coverage;
mod base_image;
mod evidence;
mod image_age;
mod image_count;
mod platform;
mod registry;
mod runtime_mapping;
mod scan_coverage;
mod sensor_coverage;
mod signature_coverage;
#[cfg(test)]
mod testing;

pub use attestation::attestation;
pub use platform::counts_finding;
pub use signature_coverage::{verification, Verification};

use super::judge::Evaluator;
use super::judge::Judged;
use super::{Ctx, ReasonCode, Status};
use crate::catalog::Rule;
use crate::model::{ImageFacts, Record, RecordKind, ScanClass};
use std::collections::BTreeMap;

/// The evaluator a catalog rule names.
pub fn evaluator(rule: Rule) -> &'static dyn Evaluator {
    match rule {
        Rule::Evidence | Rule::Vulnerabilities => &evidence::Evidence,
        Rule::Attestation => &attestation::Attestation,
        Rule::ScanCoverage => &scan_coverage::ScanCoverage,
        Rule::RuntimeMapping => &runtime_mapping::RuntimeMapping,
        Rule::Registry => &registry::Registry,
        Rule::BaseImage => &base_image::BaseImage,
        Rule::ImageAge => &image_age::ImageAge,
        Rule::ImageCount => &image_count::ImageCount,
        Rule::SensorCoverage => &sensor_coverage::SensorCoverage,
        Rule::AuditCoverage => &audit_coverage::AuditCoverage,
        Rule::Platform => &platform::Platform,
        Rule::SignatureCoverage => &signature_coverage::SignatureCoverage,
    }
}

/// `x` as a reason parameter.
fn n(x: usize) -> String {
    x.to_string()
}

/// Records standing now, in scope.
fn standing<'a>(
    ctx: &'a Ctx<'_>,
    current: &'a [u32],
) -> impl Iterator<Item = (usize, &'a Record)> + 'a {
    current
        .iter()
        .map(|&i| i as usize)
        .filter(|i| !ctx.excluded(*i))
        .filter_map(|i| ctx.records.get(i).map(|r| (i, r)))
}

/// Images seen running, keyed by canonical name (`current`: standing records, or the
/// standing sightings alone).
fn running_images<'a>(ctx: &'a Ctx<'_>, current: &'a [u32]) -> BTreeMap<String, &'a Record> {
    let mut out = BTreeMap::new();
    for (i, r) in standing(ctx, current) {
        if r.kind == RecordKind::Sighting {
            if let Some(name) = ctx.image_name_at(i) {
                out.entry(name).or_insert(r);
            }
        }
    }
    out
}

/// Newest dated vulnerability-scan record per canonical image (all scans up to now,
/// not only current). An undated scan shows nothing about when an image was scanned.
fn scans<'a>(ctx: &'a Ctx<'_>) -> BTreeMap<String, &'a Record> {
    let mut out: BTreeMap<String, &Record> = BTreeMap::new();
    for (i, r) in ctx.records.iter().enumerate() {
        // The kind first: it is in the record, the scan class behind a pointer.
        if r.kind != RecordKind::Scan
            || r.scan_class() != Some(ScanClass::Vulnerability)
            || r.observed_at.is_none_or(|t| t > ctx.at)
        {
            continue;
        }
        if let Some(name) = ctx.image_name_at(i) {
            let e = out.entry(name).or_insert(r);
            if r.observed_at > e.observed_at {
                *e = r;
            }
        }
    }
    out
}

/// How current an image's vulnerability scan is at the report date: the one definition
/// of a *current* scan that `scan-coverage` (IMG-01) and `runtime-mapping` (IMG-03)
/// share, so that an image has a current scan in both or in neither. The limit is the
/// scans' freshness limit ([`Ctx::freshness`]), counted in days as [`Ctx::proves_now`]
/// counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanCurrency {
    /// Dated and within the freshness limit: the image is scanned now.
    Current,
    /// Older than the limit, but not older than twice the limit: shown and warned
    /// about, never a proof that the image is scanned now.
    Stale,
    /// No dated scan, or one older than twice the limit: no current scan.
    Missing,
}

impl ScanCurrency {
    /// The currency of `scan` (the newest dated vulnerability scan of an image, or
    /// `None` when there is none) at `ctx.at`.
    fn of(ctx: &Ctx<'_>, scan: Option<&Record>) -> ScanCurrency {
        let Some(r) = scan else {
            return ScanCurrency::Missing;
        };
        if ctx.proves_now(r) {
            return ScanCurrency::Current;
        }
        match (r.observed_at, ctx.freshness(r)) {
            (Some(t), Some(limit)) if t.date_naive() >= ctx.at.date_naive() - limit * 2 => {
                ScanCurrency::Stale
            }
            _ => ScanCurrency::Missing,
        }
    }
}

/// A fact about an image that a rule reads from the image's vulnerability scans (not
/// every scanner reports every fact: a registry's sub-assessments name no OS or build
/// time, Grype no build time, Trivy no OS for a busybox image).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImageFact {
    /// Its base OS family (IMG-06).
    BaseOs,
    /// When it was built, its config's `created` (IMG-10).
    BuildTime,
}

impl ImageFact {
    /// Whether `facts` carry this fact.
    fn carried_by(self, facts: &ImageFacts) -> bool {
        match self {
            ImageFact::BaseOs => facts.os_family.as_deref().is_some_and(|f| !f.is_empty()),
            ImageFact::BuildTime => facts.created.is_some(),
        }
    }
}

/// Per image, every standing vulnerability-scan record that carries `fact`, newest
/// first (dated before undated): the rule reading the fact judges the image on the
/// worst of them, so that another tool's scan of the same image that does not report
/// the fact, or reports it better, cannot hide it. (`current`: standing records, or the
/// standing scans alone.)
fn current_scans<'a>(
    ctx: &'a Ctx<'_>,
    current: &'a [u32],
    fact: ImageFact,
) -> BTreeMap<String, Vec<&'a Record>> {
    let mut out: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for (i, r) in standing(ctx, current) {
        if r.scan_class() != Some(ScanClass::Vulnerability)
            || !r.image_facts().is_some_and(|f| fact.carried_by(f))
        {
            continue;
        }
        if let Some(name) = ctx.image_name_at(i) {
            out.entry(name).or_default().push(r);
        }
    }
    for scans in out.values_mut() {
        // Stable: equally dated scans keep the order of the records.
        scans.sort_by_key(|r| std::cmp::Reverse(r.observed_at));
    }
    out
}

/// "Not assessed" when none of the records that could prove a pass is dated and
/// fresh, saying why: the newest one went stale on a date, or none carries a date.
/// `None` when one of them proves it.
fn unproven<'a>(ctx: &Ctx<'_>, candidates: impl IntoIterator<Item = &'a Record>) -> Option<Judged> {
    let mut newest: Option<&Record> = None;
    let mut undated = 0;
    for r in candidates {
        if ctx.proves_now(r) {
            return None;
        }
        if r.observed_at.is_none() {
            undated += 1;
        } else if newest.is_none_or(|n| r.observed_at > n.observed_at) {
            newest = Some(r);
        }
    }
    let stale = newest.and_then(|r| Some((r.observed_at?, ctx.freshness(r)?)));
    Some(match stale {
        Some((t, limit)) => Judged::new(
            Status::NotAssessed,
            ReasonCode::StaleEvidence,
            &[
                ("date", t.date_naive().to_string()),
                ("days", n(limit.num_days() as usize)),
                ("stale_since", ctx.stale_since(t, limit).to_string()),
            ],
        ),
        None if undated > 0 => Judged::new(
            Status::NotAssessed,
            ReasonCode::UndatedEvidence,
            &[("count", n(undated))],
        ),
        None => return None,
    })
}

/// The image label of a record (`registry/repository:tag`), empty when it has none.
fn image_label(r: &Record) -> String {
    r.subject
        .image
        .as_ref()
        .map(|i| i.tagged())
        .unwrap_or_default()
}
