//! Findings: every failing statement a control counts, tracked through time (first
//! seen, last seen, due, fixed), with one definition of open, overdue and fixed shared
//! by every page, export and trend.

use super::identity::ImageIdentity;
use super::judge::{classify, expired_waiver_for};
use super::summaries::owner_of;
use super::{vex, Ctx, Finding, FindingState, VexNote};
use crate::catalog::{Catalog, Control};
use crate::model::{Outcome, Record, RecordKind, Text};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Identity of a finding across scans: kind, id, and the target at repository level
/// (so a rebuild without a fix does not reset the grace clock), the image named as
/// its identity names it (one image scanned under two names is one target).
pub fn finding_key(r: &Record, identity: &ImageIdentity) -> String {
    // A vulnerability belongs to the image (every workload running it shares it);
    // a misconfiguration or secret to the workload or file it was found in.
    let image = || identity.of_record(r).map(|i| i.name());
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

/// A failing statement a control can count: every kind (vulnerability,
/// misconfiguration, secret, benchmark, policy, admission, activity, alert).
fn tracked(r: &Record) -> bool {
    r.outcome == Outcome::Fail
}

/// Every finding as of `ctx.at`: each failing record that a control counts (and each
/// one no control maps, so that it stays visible), grouped by identity, with one state
/// decided the way the controls decide it. Sorted by state, due date and severity.
pub fn track(ctx: &Ctx<'_>, catalog: &Catalog, standing: &[usize]) -> Vec<Finding> {
    let current: HashSet<usize> = standing.iter().copied().collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in ctx.records.iter().enumerate() {
        if tracked(r) && !ctx.excluded(i) && r.observed_at.is_none_or(|t| t <= ctx.at) {
            groups.entry(ctx.finding_key(i)).or_default().push(i);
        }
    }
    let mut out: Vec<Finding> = groups
        .into_iter()
        .filter_map(|(key, idxs)| finding(ctx, catalog, &current, key, &idxs))
        .collect();
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

/// One finding from the records of one identity; `None` for events that left the
/// window (they were never fixed, they are only past).
fn finding(
    ctx: &Ctx<'_>,
    catalog: &Catalog,
    current: &HashSet<usize>,
    key: &str,
    idxs: &[usize],
) -> Option<Finding> {
    let &latest = idxs
        .iter()
        .max_by_key(|i| ctx.records.get(**i).and_then(|r| r.observed_at))?;
    let r = ctx.records.get(latest)?;
    let open = idxs.iter().any(|i| current.contains(i));
    let snapshot = r.kind.is_snapshot();
    if !open && !snapshot {
        return None;
    }
    let controls: Vec<&Control> = catalog
        .controls
        .iter()
        .filter(|c| c.checks.iter().any(|ch| ctx.selects(ch, latest)))
        .collect();
    let last = idxs
        .iter()
        .filter_map(|i| ctx.records.get(*i).and_then(|r| r.observed_at))
        .max();
    let (state, due, waiver, fixed_on) = if open {
        // The strictest of the controls that count it decides (an unmapped failure is
        // judged with the grace of its severity).
        let judged = if controls.is_empty() {
            vec![classify(ctx, None, r, latest)]
        } else {
            controls
                .iter()
                .map(|c| classify(ctx, Some(c), r, latest))
                .collect()
        };
        let (s, d, w) = judged.into_iter().min_by_key(|(s, d, _)| (*s, *d))?;
        (s, d, w, None)
    } else {
        // Fixed on the first later report of the same kind and target without it.
        let fixed = ctx
            .target_id(latest)
            .and_then(|t| ctx.next_report(t, ctx.report_at(latest).or(last)?));
        (
            FindingState::Fixed,
            None,
            None,
            fixed.map(|t| t.date_naive()),
        )
    };
    // A waiver that expired stays visible while none covers it any more.
    let expired_waiver = if open && waiver.is_none() {
        let date = ctx.at.date_naive();
        let ids: Vec<&str> = if controls.is_empty() {
            vec!["*"]
        } else {
            controls.iter().map(|c| c.id.as_str()).collect()
        };
        ids.into_iter()
            .filter_map(|c| expired_waiver_for(ctx.waivers, c, r, date))
            .max_by_key(|w| w.expires_on)
            .map(|w| w.id.clone())
    } else {
        None
    };
    let vex = (open && r.kind == RecordKind::Vulnerability)
        .then(|| vex_note(ctx, latest))
        .flatten();
    let mut sources: BTreeSet<String> = BTreeSet::new();
    let mut severity = r.severity;
    for o in idxs.iter().filter_map(|i| ctx.records.get(*i)) {
        sources.insert(o.format.id().to_string());
        severity = severity.max(o.severity);
    }
    Some(Finding {
        key: key.to_string(),
        kind: r.kind.as_str().to_string(),
        check: r.check.to_string(),
        title: r.title.to_string(),
        severity,
        subject: r.subject.label(),
        image: ctx.image_of(r).cloned(),
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
        expired_waiver,
        vex,
        sources: sources.into_iter().collect(),
        controls: controls.iter().map(|c| c.id.clone()).collect(),
        provenance: r.provenance.clone(),
    })
}

/// The VEX statement deciding about vulnerability record `idx`, as shown on its finding.
fn vex_note(ctx: &Ctx<'_>, idx: usize) -> Option<VexNote> {
    let (s, facts) = vex::deciding(ctx, idx)?;
    let statement = ctx.records.get(s)?;
    Some(VexNote {
        facts: facts.clone(),
        closes: vex::closes(ctx, idx),
        date: statement.observed_at,
        format: statement.format.id().to_string(),
        provenance: statement.provenance.clone(),
    })
}
