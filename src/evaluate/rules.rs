//! The built-in evaluators that judge sets of subjects rather than single records:
//! scan coverage, runtime mapping, registries, base images, image age and count,
//! sensor and audit coverage, and attestations.

use super::checks::{item, waiver_for, Judged};
use super::{Ctx, FindingState, Reason, ReasonCode, Status};
use crate::catalog::{selector_glob as glob, Control};
use crate::model::{Channel, Format, ImageRef, Record, RecordKind, ScanClass, Sensor};
use chrono::Duration;
use std::collections::{BTreeMap, BTreeSet};

fn n(x: usize) -> String {
    x.to_string()
}

fn judged(status: Status, code: ReasonCode, params: &[(&str, String)]) -> Judged {
    Judged {
        status,
        reason: Reason::new(code, params),
        evidence: Vec::new(),
        total: 0,
    }
}

fn not_assessed(what: &str) -> Judged {
    judged(
        Status::NotAssessed,
        ReasonCode::NoEvidence,
        &[("selectors", what.to_string())],
    )
}

/// Records standing now, in scope.
fn standing<'a>(
    ctx: &'a Ctx<'_>,
    current: &'a [usize],
) -> impl Iterator<Item = (usize, &'a Record)> + 'a {
    current
        .iter()
        .filter(|i| !ctx.excluded(**i))
        .filter_map(|&i| ctx.records.get(i).map(|r| (i, r)))
}

/// Images seen running, keyed by canonical name.
fn running_images<'a>(ctx: &'a Ctx<'_>, current: &'a [usize]) -> BTreeMap<String, &'a Record> {
    let mut out = BTreeMap::new();
    for (_, r) in standing(ctx, current) {
        if r.kind == RecordKind::Sighting {
            if let Some(img) = &r.subject.image {
                out.entry(ctx.canonical(img)).or_insert(r);
            }
        }
    }
    out
}

/// Newest vulnerability-scan record per canonical image (all scans up to now, not only current).
fn scans<'a>(ctx: &'a Ctx<'_>) -> BTreeMap<String, &'a Record> {
    let mut out: BTreeMap<String, &Record> = BTreeMap::new();
    for r in ctx.records {
        if r.scan_class() != Some(ScanClass::Vulnerability)
            || r.observed_at.is_some_and(|t| t > ctx.at)
        {
            continue;
        }
        if let Some(img) = &r.subject.image {
            let e = out.entry(ctx.canonical(img)).or_insert(r);
            if r.observed_at > e.observed_at {
                *e = r;
            }
        }
    }
    out
}

/// IMG-01: every image seen running or scanned has a fresh scan.
pub fn scan_coverage(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let running = running_images(ctx, current);
    let scans = scans(ctx);
    if running.is_empty() && scans.is_empty() {
        return not_assessed("scan:vulnerability-scan");
    }
    let fresh = Duration::days(ctx.config.report.freshness_days);
    let mut evidence = Vec::new();
    let (mut missing, mut stale, mut ok) = (Vec::new(), 0, 0);
    let names: BTreeSet<&String> = running.keys().chain(scans.keys()).collect();
    for name in names {
        match scans.get(name) {
            None => {
                missing.push(name.clone());
                if let Some(r) = running.get(name) {
                    evidence.push(item(r, FindingState::Overdue, None, None));
                }
            }
            Some(s) => {
                let age = s.observed_at.map_or(Duration::zero(), |t| ctx.at - t);
                let state = if age > fresh * 2 {
                    missing.push(name.clone());
                    FindingState::Overdue
                } else if age > fresh {
                    stale += 1;
                    FindingState::InGrace
                } else {
                    ok += 1;
                    FindingState::Passed
                };
                evidence.push(item(s, state, None, None));
            }
        }
    }
    let total = ok + stale + missing.len();
    let mut j = if !missing.is_empty() {
        judged(
            Status::Fail,
            ReasonCode::Unapproved,
            &[("count", n(missing.len())), ("items", missing.join(", "))],
        )
    } else if stale > 0 {
        judged(
            Status::Warning,
            ReasonCode::StaleScans,
            &[("count", n(stale))],
        )
    } else {
        judged(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(ok)), ("total", n(total))],
        )
    };
    if !missing.is_empty() {
        j.reason = Reason::new(
            ReasonCode::Unscanned,
            &[("count", n(missing.len())), ("items", missing.join(", "))],
        );
    }
    j.evidence = evidence;
    j
}

/// IMG-03: every running image maps to a scan, by digest (tag-only matches warn).
pub fn runtime_mapping(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let running = running_images(ctx, current);
    if running.is_empty() {
        return not_assessed("sighting:running");
    }
    let scans = scans(ctx);
    let (mut unmapped, mut by_tag, mut by_digest) = (Vec::new(), 0, 0);
    let mut evidence = Vec::new();
    for (name, r) in &running {
        match scans.get(name) {
            None => {
                unmapped.push(name.clone());
                evidence.push(item(r, FindingState::Overdue, None, None));
            }
            Some(s) => {
                let digest_match = r
                    .subject
                    .image
                    .as_ref()
                    .and_then(|i| i.digest.as_ref())
                    .is_some()
                    && s.subject
                        .image
                        .as_ref()
                        .and_then(|i| i.digest.as_ref())
                        .is_some();
                if digest_match {
                    by_digest += 1;
                } else {
                    by_tag += 1;
                }
                evidence.push(item(r, FindingState::Passed, None, None));
            }
        }
    }
    let mut j = if !unmapped.is_empty() {
        judged(
            Status::Fail,
            ReasonCode::Unscanned,
            &[("count", n(unmapped.len())), ("items", unmapped.join(", "))],
        )
    } else if by_tag > 0 {
        judged(Status::Warning, ReasonCode::TagOnly, &[("count", n(by_tag))])
    } else {
        judged(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(by_digest)), ("total", n(running.len()))],
        )
    };
    j.evidence = evidence;
    j
}

/// REG-01/REG-03: images come from approved registries.
pub fn registry(ctx: &Ctx<'_>, control: &Control, current: &[usize]) -> Judged {
    if ctx.config.registries.approved.is_empty() {
        return judged(
            Status::NotAssessed,
            ReasonCode::NotConfigured,
            &[("setting", "[registries] approved".into())],
        );
    }
    let mut seen: BTreeMap<String, (usize, &Record)> = BTreeMap::new();
    for (i, r) in standing(ctx, current) {
        if matches!(r.kind, RecordKind::Sighting | RecordKind::Scan) {
            if let Some(img) = &r.subject.image {
                seen.entry(ctx.canonical(img)).or_insert((i, r));
            }
        }
    }
    if seen.is_empty() {
        return not_assessed("sighting:running, scan:vulnerability-scan");
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
            evidence.push(item(r, FindingState::Overdue, None, None));
        }
    }
    let mut j = if !bad.is_empty() {
        judged(
            Status::Fail,
            ReasonCode::Unapproved,
            &[("count", n(bad.len())), ("items", bad.join(", "))],
        )
    } else if outside > 0 {
        judged(Status::Warning, ReasonCode::Warnings, &[("count", n(outside))])
    } else if waived > 0 {
        judged(Status::Waived, ReasonCode::Waived, &[("count", n(waived))])
    } else {
        judged(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(seen.len())), ("total", n(seen.len()))],
        )
    };
    j.evidence = evidence;
    j
}

/// Newest scan record per image among the standing records (carries os/eosl/created attributes).
fn current_scans<'a>(ctx: &'a Ctx<'_>, current: &'a [usize]) -> BTreeMap<String, &'a Record> {
    let mut out: BTreeMap<String, &Record> = BTreeMap::new();
    for (_, r) in standing(ctx, current) {
        if r.scan_class() == Some(ScanClass::Vulnerability) {
            if let Some(img) = &r.subject.image {
                out.entry(ctx.canonical(img)).or_insert(r);
            }
        }
    }
    out
}

/// IMG-06: approved, supported base OS; few families.
pub fn base_image(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let scans = current_scans(ctx, current);
    let family = |r: &Record| -> Option<String> {
        r.image_facts()
            .and_then(|f| f.os_family.as_deref())
            .filter(|f| !f.is_empty())
            .map(str::to_string)
    };
    let with_os: Vec<&&Record> = scans.values().filter(|r| family(r).is_some()).collect();
    if with_os.is_empty() {
        return not_assessed("scan:vulnerability-scan (os_family)");
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
            let label = r
                .subject
                .image
                .as_ref()
                .map(|i| i.tagged())
                .unwrap_or_default();
            bad.push(format!(
                "{label} ({fam}{})",
                if eosl { ", end of life" } else { "" }
            ));
            evidence.push(item(r, FindingState::Overdue, None, None));
        } else {
            evidence.push(item(r, FindingState::Passed, None, None));
        }
    }
    let mut j = if !bad.is_empty() {
        judged(
            Status::Fail,
            ReasonCode::Unapproved,
            &[("count", n(bad.len())), ("items", bad.join(", "))],
        )
    } else if families.len() > 1 {
        let f: Vec<String> = families.into_iter().map(String::from).collect();
        judged(
            Status::Warning,
            ReasonCode::ManyFamilies,
            &[("count", n(f.len())), ("items", f.join(", "))],
        )
    } else {
        judged(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(with_os.len())), ("total", n(with_os.len()))],
        )
    };
    j.evidence = evidence;
    j
}

/// IMG-10: images built within the maximum age.
pub fn image_age(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
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
            old.push(
                r.subject
                    .image
                    .as_ref()
                    .map(|i| i.tagged())
                    .unwrap_or_default(),
            );
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
        return not_assessed("scan:vulnerability-scan (image_created)");
    }
    let mut j = if !old.is_empty() {
        judged(
            Status::Fail,
            ReasonCode::TooOld,
            &[
                ("count", n(old.len())),
                ("items", old.join(", ")),
                ("days", n(max.num_days() as usize)),
            ],
        )
    } else if aging > 0 {
        judged(Status::Warning, ReasonCode::Warnings, &[("count", n(aging))])
    } else {
        judged(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(ok)), ("total", n(ok))],
        )
    };
    j.evidence = evidence;
    j
}

/// IMG-09: the production image set stays under the ceiling.
pub fn image_count(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let max = ctx.config.images.max_production_images;
    if max == 0 {
        return judged(
            Status::Manual,
            ReasonCode::NotConfigured,
            &[("setting", "[images] max_production_images".into())],
        );
    }
    let repos: BTreeSet<String> = running_images(ctx, current)
        .values()
        .filter_map(|r| r.subject.image.as_ref().map(ImageRef::name))
        .collect();
    if repos.is_empty() {
        return not_assessed("sighting:running");
    }
    let params = [("count", n(repos.len())), ("max", n(max))];
    if repos.len() > max {
        judged(Status::Warning, ReasonCode::TooManyImages, &params)
    } else {
        judged(Status::Pass, ReasonCode::ImageCount, &params)
    }
}

/// MON-01: every node seen has a runtime sensor that reported recently
/// (within `freshness_days` of the report date; an older last word is a silent sensor).
pub fn sensor_coverage(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let runtime = |f: Format| f.sensor().is_some_and(Sensor::proves_node_liveness);
    let fresh = ctx.at - Duration::days(ctx.config.report.freshness_days.max(1));
    let mut last: BTreeMap<String, &Record> = BTreeMap::new();
    for (_, r) in standing(ctx, current) {
        if let (Some(node), true) = (&r.subject.node, runtime(r.format)) {
            let e = last.entry(node.clone().to_string()).or_insert(r);
            if r.observed_at > e.observed_at {
                *e = r;
            }
        }
    }
    if last.is_empty() {
        return not_assessed("heartbeat:falco, heartbeat:tetragon");
    }
    let mut evidence = Vec::new();
    let mut silent = Vec::new();
    for (node, r) in &last {
        if r.observed_at.is_some_and(|t| t < fresh) {
            silent.push(node.clone());
            evidence.push(item(r, FindingState::Overdue, None, None));
        } else {
            evidence.push(item(r, FindingState::Passed, None, None));
        }
    }
    let covered = last.len() - silent.len();
    let mut j = if silent.is_empty() {
        judged(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(covered)), ("total", n(last.len()))],
        )
    } else {
        judged(
            Status::Warning,
            ReasonCode::SilentSensors,
            &[("count", n(silent.len())), ("items", silent.join(", "))],
        )
    };
    j.evidence = evidence;
    j
}

/// MON-03: audit events cover the window without long gaps.
pub fn audit_coverage(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let mut days = BTreeSet::new();
    let mut sample = None;
    for (_, r) in standing(ctx, current) {
        if r.format.channel() == Channel::AuditLog {
            if let Some(t) = r.observed_at {
                days.insert(t.date_naive());
            }
            sample.get_or_insert(r);
        }
    }
    let Some(sample) = sample else {
        return not_assessed("k8s-audit events");
    };
    let window = ctx.config.report.window_days.max(1) as usize;
    let mut j = if days.len() * 2 < window.min(14) {
        judged(
            Status::Warning,
            ReasonCode::AuditDays,
            &[("covered", n(days.len())), ("total", n(window))],
        )
    } else {
        judged(
            Status::Pass,
            ReasonCode::AuditDays,
            &[("covered", n(days.len())), ("total", n(window))],
        )
    };
    j.evidence
        .push(item(sample, FindingState::Passed, None, None));
    j
}

/// A manual attestation settles the check.
pub fn attestation(ctx: &Ctx<'_>, control: &Control) -> Judged {
    let date = ctx.at.date_naive();
    let valid = ctx
        .attestations
        .iter()
        .filter(|a| a.control == control.id && a.date <= date)
        .max_by_key(|a| a.date);
    match valid {
        None => judged(Status::Manual, ReasonCode::NeedsAttestation, &[]),
        Some(a) if a.expires.is_some_and(|e| e < date) => judged(
            Status::Manual,
            ReasonCode::AttestationExpired,
            &[("date", a.expires.map(|e| e.to_string()).unwrap_or_default())],
        ),
        Some(a) => {
            let status = match a.status.as_str() {
                "pass" => Status::Pass,
                "fail" => Status::Fail,
                _ => Status::Warning,
            };
            judged(
                status,
                ReasonCode::Attested,
                &[("by", a.attested_by.clone()), ("date", a.date.to_string())],
            )
        }
    }
}
