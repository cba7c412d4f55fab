//! Findings tracked through time (first seen, last seen, fixed, due, overdue),
//! and the per-image, per-team and per-waiver views built from them.

use super::judge::classify;
use super::{ControlResult, Ctx, Finding, FindingState, ImageSummary, TeamSummary, WaiverState};
use crate::catalog::{selector_glob as glob, Catalog};
use crate::config::{Config, Owner};
use crate::model::{Outcome, Record, RecordKind, ScanClass, Subject, Text};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Identity of a finding across scans: kind, id, and the target at repository level
/// (so a rebuild without a fix does not reset the grace clock).
pub fn finding_key(r: &Record) -> String {
    // A vulnerability belongs to the image (every workload running it shares it);
    // a misconfiguration or secret to the workload or file it was found in.
    let image = || r.subject.image.as_ref().map(|i| i.name());
    let by_image = r.kind == RecordKind::Vulnerability;
    let target = (if by_image { image() } else { None })
        .or_else(|| r.subject.workload())
        .or_else(image)
        .or_else(|| r.subject.node.clone().map(String::from))
        .unwrap_or_else(|| r.provenance.file.clone().to_string());
    let pkg = r.vuln().map(|v| v.package.as_str()).unwrap_or("");
    let place = r.subject.target.as_deref().unwrap_or("");
    format!(
        "{}|{}|{}|{}|{}",
        r.kind.as_str(),
        r.check.to_ascii_uppercase(),
        target,
        pkg,
        if r.kind == RecordKind::Vulnerability {
            ""
        } else {
            place
        }
    )
}

/// A text that says something, as an owned string.
fn non_empty(t: &Text) -> Option<String> {
    (!t.is_empty()).then(|| t.to_string())
}

fn tracked(r: &Record) -> bool {
    matches!(
        r.kind,
        RecordKind::Vulnerability | RecordKind::Misconfiguration | RecordKind::Secret
    ) && r.outcome == Outcome::Fail
}

/// The team owning a subject (first matching owner).
pub fn owner_of<'c>(config: &'c Config, s: &Subject) -> Option<&'c Owner> {
    config.owners.iter().find(|o| {
        s.namespace
            .as_deref()
            .is_some_and(|ns| o.namespaces.iter().any(|p| glob(p, ns)))
            || s.cluster
                .as_deref()
                .is_some_and(|c| o.clusters.iter().any(|p| glob(p, c)))
            || s.image.as_ref().is_some_and(|i| {
                o.images
                    .iter()
                    .any(|p| glob(p, &i.tagged()) || glob(p, &i.name()))
            })
    })
}

/// Every tracked finding as of `ctx.at`, sorted by state, due date and severity.
pub fn track(ctx: &Ctx<'_>, catalog: &Catalog, standing: &[usize]) -> Vec<Finding> {
    let current: BTreeSet<usize> = standing.iter().copied().collect();
    // Newest scan time per target, to date fixes.
    let newest_scan = ctx.newest_snapshots();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in ctx.records.iter().enumerate() {
        if tracked(r) && !ctx.excluded(i) && r.observed_at.is_none_or(|t| t <= ctx.at) {
            groups.entry(ctx.finding_key(i)).or_default().push(i);
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (key, idxs) in groups {
        let Some(&latest) = idxs
            .iter()
            .max_by_key(|i| ctx.records.get(**i).and_then(|r| r.observed_at))
        else {
            continue;
        };
        let Some(r) = ctx.records.get(latest) else {
            continue;
        };
        let controls: Vec<&crate::catalog::Control> = catalog
            .controls
            .iter()
            .filter(|c| c.checks.iter().any(|ch| ctx.selects(ch, latest)))
            .collect();
        let open = idxs.iter().any(|i| current.contains(i));
        let last = idxs
            .iter()
            .filter_map(|i| ctx.records.get(*i).and_then(|r| r.observed_at))
            .max()
            .unwrap_or(ctx.at);
        let (state, due, waiver, fixed_on) = if open {
            match controls.first() {
                Some(c) => {
                    let (s, d, w) = classify(ctx, c, r, latest);
                    (s, d, w, None)
                }
                None => (FindingState::Info, None, None, None),
            }
        } else {
            let fixed = ctx
                .target_id(latest)
                .and_then(|k| newest_scan.get(k).copied().flatten())
                .map(|t| t.date_naive());
            (FindingState::Fixed, None, None, fixed)
        };
        let mut sources: BTreeSet<String> = BTreeSet::new();
        let mut severity = r.severity;
        for i in &idxs {
            if let Some(o) = ctx.records.get(*i) {
                sources.insert(o.format.id().to_string());
                severity = severity.max(o.severity);
            }
        }
        out.push(Finding {
            key: key.to_string(),
            kind: r.kind.as_str().to_string(),
            check: r.check.clone().to_string(),
            title: r.title.clone().to_string(),
            severity,
            subject: r.subject.label(),
            image: r.subject.image.clone(),
            package: r.vuln().and_then(|v| non_empty(&v.package)),
            installed_version: r.vuln().and_then(|v| non_empty(&v.installed)),
            fixed_version: r.vuln().and_then(|v| non_empty(&v.fixed_in)),
            known_exploited: r.known_exploited(),
            first_seen: ctx.first_seen(latest),
            last_seen: last,
            due,
            fixed_on,
            state,
            team: owner_of(ctx.config, &r.subject).map(|o| o.team.clone()),
            waiver,
            sources: sources.into_iter().collect(),
            controls: controls.iter().map(|c| c.id.clone()).collect(),
            provenance: r.provenance.clone(),
        });
    }
    out.sort_by(|a, b| {
        (a.state, a.due, std::cmp::Reverse(a.severity), &a.key).cmp(&(
            b.state,
            b.due,
            std::cmp::Reverse(b.severity),
            &b.key,
        ))
    });
    out
}

/// Whether a finding counts as open.
pub fn is_open(f: &Finding) -> bool {
    matches!(
        f.state,
        FindingState::Overdue | FindingState::InGrace | FindingState::NoFix
    )
}

/// Per-image summaries.
pub fn images(
    ctx: &Ctx<'_>,
    findings: &[Finding],
    controls: &[ControlResult],
) -> Vec<ImageSummary> {
    let mut map: BTreeMap<String, ImageSummary> = BTreeMap::new();
    // Workloads and aliases per image, as sets: an image may run in thousands of pods.
    let mut running: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut aliases: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (i, r) in ctx.records.iter().enumerate() {
        let Some(img) = &r.subject.image else {
            continue;
        };
        if ctx.excluded(i) || r.observed_at.is_some_and(|t| t > ctx.at) {
            continue;
        }
        let name = ctx.canonical(img);
        let e = map.entry(name.clone()).or_insert_with(|| ImageSummary {
            image: crate::model::ImageRef::parse(&name).unwrap_or_else(|| img.clone()),
            aliases: Vec::new(),
            open_by_severity: BTreeMap::new(),
            last_scanned: None,
            os: None,
            running_in: Vec::new(),
            seen_by: Vec::new(),
            controls: Vec::new(),
            team: owner_of(ctx.config, &r.subject).map(|o| o.team.clone()),
            signed: false,
        });
        let alias = img.to_string();
        if alias != name {
            aliases.entry(name.clone()).or_default().insert(alias);
        }
        if e.image.digest.is_none() {
            e.image.digest = img.digest.clone();
        }
        let fmt = r.format.id().to_string();
        if !e.seen_by.contains(&fmt) {
            e.seen_by.push(fmt);
        }
        match r.kind {
            RecordKind::Scan
                if r.scan_class() == Some(ScanClass::Vulnerability)
                    && r.observed_at >= e.last_scanned =>
            {
                e.last_scanned = r.observed_at.or(e.last_scanned);
                if let Some(facts) = r.image_facts() {
                    if let Some(os) = facts.os_family.as_deref().filter(|f| !f.is_empty()) {
                        let version = facts.os_name.as_deref().unwrap_or("");
                        e.os = Some(format!("{os} {version}").trim().to_string());
                    }
                }
            }
            RecordKind::Sighting => {
                if let Some(w) = r.subject.workload() {
                    running.entry(name).or_default().insert(w);
                }
            }
            RecordKind::Signature if r.outcome == Outcome::Pass => e.signed = true,
            _ => {}
        }
    }
    for f in findings.iter().filter(|f| is_open(f)) {
        if let Some(img) = &f.image {
            if let Some(e) = map.get_mut(&ctx.canonical(img)) {
                *e.open_by_severity.entry(f.severity).or_insert(0) += 1;
                for c in &f.controls {
                    if !e.controls.contains(c) {
                        e.controls.push(c.clone());
                    }
                }
            }
        }
    }
    for c in controls {
        for ev in c.checks.iter().flat_map(|ch| &ch.evidence) {
            if let Some(e) = map.get_mut(&ev.subject) {
                if !e.controls.contains(&c.id) {
                    e.controls.push(c.id.clone());
                }
            }
        }
    }
    for (name, e) in &mut map {
        e.aliases = aliases
            .remove(name)
            .unwrap_or_default()
            .into_iter()
            .collect();
        e.running_in = running
            .remove(name)
            .unwrap_or_default()
            .into_iter()
            .collect();
        e.seen_by.sort();
        e.controls.sort();
    }
    map.into_values().collect()
}

/// Per-team remediation summaries.
pub fn teams(config: &Config, findings: &[Finding]) -> Vec<TeamSummary> {
    let mut out: Vec<TeamSummary> = config
        .owners
        .iter()
        .map(|o| {
            let mine: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.team.as_deref() == Some(o.team.as_str()))
                .collect();
            let fixed: Vec<f64> = mine
                .iter()
                .filter_map(|f| {
                    f.fixed_on
                        .zip(f.first_seen)
                        .map(|(d, first)| (d - first.date_naive()).num_days() as f64)
                })
                .collect();
            TeamSummary {
                team: o.team.clone(),
                contact: o.contact.clone(),
                open: mine.iter().filter(|f| is_open(f)).count(),
                overdue: mine
                    .iter()
                    .filter(|f| f.state == FindingState::Overdue)
                    .count(),
                fixed: fixed.len(),
                mean_days_to_fix: (!fixed.is_empty()).then(|| {
                    (fixed.iter().sum::<f64>() / fixed.len() as f64 * 10.0).round() / 10.0
                }),
            }
        })
        .collect();
    out.dedup_by(|a, b| a.team == b.team);
    out
}

/// Waiver states: expired, and how much standing evidence each covers.
pub fn waiver_states(ctx: &Ctx<'_>, catalog: &Catalog, current: &[usize]) -> Vec<WaiverState> {
    let date = ctx.at.date_naive();
    ctx.waivers
        .iter()
        .map(|w| {
            let matched = current
                .iter()
                .filter_map(|&i| ctx.records.get(i).map(|r| (i, r)))
                .filter(|(_, r)| r.outcome == Outcome::Fail || r.kind == RecordKind::Sighting)
                .filter(|(_, r)| w.covers("*", r))
                .filter(|(i, r)| {
                    catalog.controls.iter().any(|c| {
                        w.covers(&c.id, r)
                            && c.checks
                                .iter()
                                .any(|ch| ctx.selects(ch, *i) || ch.selectors.is_empty())
                    })
                })
                .count();
            WaiverState {
                waiver: w.clone(),
                expired: w.expires_on < date,
                matched,
            }
        })
        .collect()
}
