//! Findings: every failing statement a control counts, tracked through time (first
//! seen, last seen, due, fixed), with one definition of open, overdue and fixed shared
//! by every page, export and trend.

use super::identity::ImageIdentity;
use super::judge::{classify, expired_waiver_for};
use super::summaries::ImageOwners;
use super::view::Current;
use super::{rules, vex, ControlJudgement, Ctx, Finding, FindingState, Param, VexNote};
use crate::catalog::{Catalog, Check, Control};
use crate::model::{Channel, Interner, Outcome, Record, RecordKind, Severity, Subject, Text};
use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// What a history point counts of one finding (see `timeline::point`).
#[derive(Debug, Clone)]
pub struct Counted {
    /// Its state.
    pub state: FindingState,
    /// Its severity.
    pub severity: Severity,
    /// When it was first seen.
    pub first_seen: Option<DateTime<Utc>>,
    /// When it was fixed.
    pub fixed_on: Option<NaiveDate>,
    /// When its earlier episodes were fixed (it was fixed and came back).
    pub earlier_fixes: Vec<NaiveDate>,
}

impl Counted {
    /// What a history point counts of a described finding.
    pub fn of(f: &Finding) -> Counted {
        Counted {
            state: f.state,
            severity: f.severity,
            first_seen: f.first_seen,
            fixed_on: f.fixed_on,
            earlier_fixes: f.previous_episodes.iter().map(|e| e.fixed_on).collect(),
        }
    }
}

/// Identity of a finding across scans: kind, id, and the target at repository level
/// (so a rebuild without a fix does not reset the grace clock), the image named as
/// its identity names it (one image scanned under two names is one target).
///
/// Records of the API-server audit log follow two more rules:
///
/// * an audit event about no workload, image or node (a Pod Security violation or a
///   privileged pod in a namespace, an anonymous request to the cluster) is about its
///   namespace, or its cluster: its target is `namespace CLUSTER/NS` (or `namespace NS`,
///   `cluster CLUSTER`, `cluster unknown` when less is known), never the file it was
///   read from, so the same target seen in two weekly files is one finding;
/// * an event whose export names no cluster takes the cluster of the same event
///   reported by another export that names one ([`AuditEvents`]), so one event
///   exported twice (the AKS diagnostic export and the raw log) is one finding.
pub fn finding_key(r: &Record, identity: &ImageIdentity, events: &AuditEvents<'_>) -> String {
    // A vulnerability belongs to the image (every workload running it shares it);
    // a misconfiguration or secret to the workload or file it was found in.
    let audit = r.format.channel() == Channel::AuditLog;
    let placed;
    let subject: &Subject = match events.cluster_of(r) {
        Some(cluster) => {
            placed = Subject {
                cluster: Some(cluster.clone()),
                ..Subject::clone(&r.subject)
            };
            &placed
        }
        None => &r.subject,
    };
    let image = || identity.of_record(r).map(|i| i.name());
    let by_image = r.kind == RecordKind::Vulnerability;
    let target = (if by_image { image() } else { None })
        .or_else(|| subject.workload())
        .or_else(image)
        .or_else(|| subject.node.clone().map(String::from))
        .unwrap_or_else(|| {
            if audit {
                audit_scope(subject)
            } else {
                r.provenance.file.clone().to_string()
            }
        });
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

/// The namespace or cluster an audit event about no workload is about (its target in
/// [`finding_key`]).
fn audit_scope(s: &Subject) -> String {
    match (s.cluster.as_deref(), s.namespace.as_deref()) {
        (Some(c), Some(ns)) => format!("namespace {c}/{ns}"),
        (None, Some(ns)) => format!("namespace {ns}"),
        (Some(c), None) => format!("cluster {c}"),
        (None, None) => "cluster unknown".to_string(),
    }
}

/// One audit event as two exports report it: the record's kind and check, its time
/// (to the microsecond, as the API server stamped it) and its object (namespace, kind,
/// name, container); everything but the cluster, which one export may not name.
type EventId<'r> = (RecordKind, &'r str, DateTime<Utc>, [Option<&'r str>; 4]);

/// The cluster of each failing audit event that an export names with its cluster, so
/// that the same event from an export naming no cluster (a raw `audit.k8s.io` log
/// beside the AKS diagnostic export of the same API server) is one finding with it.
/// An event two clusters report at the same instant is ambiguous and is placed in
/// neither. Only failing records (the ones findings track) are indexed.
#[derive(Default)]
pub struct AuditEvents<'r> {
    clusters: std::collections::HashMap<EventId<'r>, Option<&'r Text>>,
}

impl<'r> AuditEvents<'r> {
    /// Index the failing audit events of `records` that name their cluster.
    pub fn build(records: &'r [Record]) -> AuditEvents<'r> {
        let mut clusters = std::collections::HashMap::new();
        for r in records.iter().filter(|r| tracked(r)) {
            let (Some(id), Some(cluster)) = (event_id(r), r.subject.cluster.as_ref()) else {
                continue;
            };
            clusters
                .entry(id)
                .and_modify(|c: &mut Option<&Text>| {
                    if c.is_some_and(|c| c != cluster) {
                        *c = None;
                    }
                })
                .or_insert(Some(cluster));
        }
        AuditEvents { clusters }
    }

    /// The cluster another export gives the same event as `r`, when `r` names none.
    pub fn cluster_of(&self, r: &Record) -> Option<&'r Text> {
        if r.subject.cluster.is_some() || self.clusters.is_empty() || !tracked(r) {
            return None;
        }
        self.clusters.get(&event_id(r)?).copied().flatten()
    }
}

/// The identity of the audit event `r` reports, for a dated record of the audit log.
fn event_id(r: &Record) -> Option<EventId<'_>> {
    if r.format.channel() != Channel::AuditLog || r.kind == RecordKind::Heartbeat {
        return None;
    }
    let s = &r.subject;
    Some((
        r.kind,
        r.check.as_str(),
        r.observed_at?,
        [
            s.namespace.as_deref(),
            s.kind.as_deref(),
            s.name.as_deref(),
            s.container.as_deref(),
        ],
    ))
}

/// A text that says something (shared, not copied).
fn non_empty(t: &Text) -> Option<Text> {
    (!t.is_empty()).then(|| t.clone())
}

/// A failing statement a control can count: every kind (vulnerability,
/// misconfiguration, secret, benchmark, policy, admission, activity, alert).
pub(super) fn tracked(r: &Record) -> bool {
    r.outcome == Outcome::Fail
}

/// Every finding as of `ctx.at`: each failing record that a control counts (and each
/// one no control maps, so that it stays visible), grouped by identity, with one state
/// decided the way the controls decide it, and the team owning it (`owners`: who owns
/// each image). Sorted by state, due date and severity.
pub fn track(
    ctx: &Ctx<'_>,
    catalog: &Catalog,
    current: &Current,
    owners: &ImageOwners<'_>,
) -> Vec<Finding> {
    let checks = Checks::new(catalog);
    // Findings share their texts with the records and with each other (subjects,
    // teams, formats and control ids repeat across findings).
    let shared = Interner::default();
    // Findings are independent of each other: they are described in parallel, a chunk
    // of keys at a time (each thread with its own list of a finding's records), and
    // moved in key order into room for all at once, rather than a buffer grown by
    // doubling (which holds the old and the new buffer together, ~680 B a finding).
    let tracked: Vec<(Option<&Text>, &[u32])> = ctx.tracked_findings().collect();
    let mut out: Vec<Finding> = Vec::with_capacity(tracked.len());
    for chunk in tracked.chunks(TRACK_CHUNK) {
        let described: Vec<Option<Finding>> = chunk
            .par_iter()
            .map_init(Vec::new, |seen, &(key, members)| {
                if !seen_by(ctx, members, seen) {
                    return None;
                }
                let key = key.cloned().unwrap_or_default();
                finding(ctx, &checks, current, owners, &shared, key, seen)
            })
            .collect();
        out.extend(described.into_iter().flatten());
    }
    sort_by_urgency(&mut out);
    out
}

/// Sort findings (stably) by state, due date, severity (most severe first) and key.
///
/// A finding is large (~680 B): sorting them directly moves each one many times and
/// takes a scratch buffer as large as half of them. Their small sort keys are sorted
/// instead, and the order applied in place, one swap per finding out of place.
fn sort_by_urgency(findings: &mut [Finding]) {
    let mut keys: Vec<_> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| (f.state, f.due, std::cmp::Reverse(f.severity), &f.key, i))
        .collect();
    keys.sort_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));
    // `order[k]`: where the finding that goes to position `k` is now.
    let mut order: Vec<usize> = keys.into_iter().map(|k| k.4).collect();
    for start in 0..order.len() {
        // Follow the cycle through `start`, placing one finding per swap; each placed
        // position is marked by pointing at itself.
        let mut at = start;
        while let Some(from) = order.get_mut(at).map(|slot| std::mem::replace(slot, at)) {
            if from == start {
                break;
            }
            findings.swap(at, from);
            at = from;
        }
    }
}

/// Keys per parallel chunk in [`track`]: large enough to share out, small enough that
/// a chunk's findings (~680 B each) are a small fraction of all of them.
const TRACK_CHUNK: usize = 4096;

/// What a history point counts of every finding as of `ctx.at` (the findings
/// [`track`] would return, in no particular order, without describing them).
pub fn counted(ctx: &Ctx<'_>, catalog: &Catalog, current: &Current) -> Vec<Counted> {
    let checks = Checks::new(catalog);
    let tracked: Vec<&[u32]> = ctx.tracked_findings().map(|(_, m)| m).collect();
    tracked
        .par_iter()
        .map_init(Vec::new, |seen, members| {
            if !seen_by(ctx, members, seen) {
                return None;
            }
            let life = life(ctx, &checks, current, seen)?;
            Some(Counted {
                state: life.state,
                severity: severity(ctx, seen, life.record),
                first_seen: ctx.first_seen(life.latest),
                fixed_on: life.fixed_on,
                earlier_fixes: ctx
                    .earlier_episodes(life.latest)
                    .into_iter()
                    .map(|e| e.fixed_on)
                    .collect(),
            })
        })
        .flatten()
        .collect()
}

/// Put into `seen` the records of one finding observed by `ctx.at` (undated ones
/// included); whether there are any.
fn seen_by(ctx: &Ctx<'_>, members: &[u32], seen: &mut Vec<usize>) -> bool {
    seen.clear();
    seen.extend(members.iter().map(|&i| i as usize).filter(|&i| {
        ctx.records
            .get(i)
            .is_some_and(|r| r.observed_at.is_none_or(|t| t <= ctx.at))
    }));
    !seen.is_empty()
}

/// The most severe of a finding's records (its latest record first).
fn severity(ctx: &Ctx<'_>, idxs: &[usize], latest: &Record) -> Severity {
    idxs.iter()
        .filter_map(|i| ctx.records.get(*i))
        .fold(latest.severity, |s, o| s.max(o.severity))
}

/// Where one finding stands in its life cycle at `ctx.at`.
struct Life<'a, 'c> {
    /// Its latest record.
    latest: usize,
    record: &'a Record,
    /// Whether one of its records stands.
    open: bool,
    /// The controls that count it, when it is open.
    controls: Option<Vec<&'c Control>>,
    last: Option<DateTime<Utc>>,
    state: FindingState,
    due: Option<NaiveDate>,
    /// Every judgement of its standing records: (state, due, waiver), whether the
    /// record is in production scope, and the position in `controls` of the control
    /// that made it (0 when none counts it).
    judged: Vec<Judgement>,
    waiver: Option<String>,
    fixed_on: Option<NaiveDate>,
    /// No standing record in production scope gives it its state.
    outside_production: bool,
}

/// One judgement of a standing record: (state, due, waiver) as [`classify`] gives it,
/// whether the record is in production scope, and the position of its control.
type Judgement = (
    (FindingState, Option<NaiveDate>, Option<String>),
    bool,
    usize,
);

impl Life<'_, '_> {
    /// Where one control that counts it judges it otherwise than its strictest state
    /// (a longer grace, a waiver of its own); only described findings need this.
    fn under_control(&self) -> Vec<ControlJudgement> {
        let controls = self.controls.as_deref().unwrap_or_default();
        controls
            .iter()
            .enumerate()
            .filter_map(|(k, c)| {
                let (s, d) = self
                    .judged
                    .iter()
                    .filter(|(_, _, at)| *at == k)
                    .map(|((s, d, _), _, _)| (*s, *d))
                    .min()?;
                ((s, d) != (self.state, self.due)).then(|| ControlJudgement {
                    control: c.id.as_str().into(),
                    state: s,
                    due: d,
                })
            })
            .collect()
    }
}

/// The catalog's checks by `gid`: (control, check) positions, `None` when the gids do
/// not number the checks one to one (then every check is asked, see [`counting`]).
struct Checks<'c> {
    catalog: &'c Catalog,
    by_gid: Option<Vec<Option<(usize, usize)>>>,
}

impl<'c> Checks<'c> {
    fn new(catalog: &'c Catalog) -> Checks<'c> {
        let mut by_gid: Vec<Option<(usize, usize)>> = Vec::new();
        let mut one_to_one = true;
        for (c, control) in catalog.controls.iter().enumerate() {
            for (k, check) in control.checks.iter().enumerate() {
                if by_gid.len() <= check.gid {
                    by_gid.resize(check.gid + 1, None);
                }
                match by_gid.get_mut(check.gid) {
                    Some(slot @ None) => *slot = Some((c, k)),
                    _ => one_to_one = false,
                }
            }
        }
        Checks {
            catalog,
            by_gid: one_to_one.then_some(by_gid),
        }
    }
}

/// The controls whose checks select record `latest`, in catalog order: from the
/// checks whose selectors match it (see `Ctx::selected_gids`), whose predicates hold,
/// and the platform checks whose setting judges it failing (a policy state: see
/// `rules::counts_finding`).
fn counting<'c>(ctx: &Ctx<'_>, checks: &Checks<'c>, latest: usize) -> Vec<&'c Control> {
    let controls = &checks.catalog.controls;
    // Only records with platform facts can be judged by a setting.
    let judged = ctx.records.get(latest).filter(|r| r.platform().is_some());
    let by_setting = |check: &Check| judged.is_some_and(|r| rules::counts_finding(check, r));
    let Some(by_gid) = &checks.by_gid else {
        return controls
            .iter()
            .filter(|c| {
                c.checks
                    .iter()
                    .any(|ch| ctx.selects(ch, latest) || by_setting(ch))
            })
            .collect();
    };
    let mut found: Vec<usize> = ctx
        .selected_gids(latest)
        .iter()
        .filter_map(|g| by_gid.get(*g as usize).copied().flatten())
        .filter(|&(c, k)| {
            controls
                .get(c)
                .and_then(|control| control.checks.get(k))
                .is_some_and(|check| ctx.predicates_hold(check, latest))
        })
        .map(|(c, _)| c)
        .collect();
    if judged.is_some() {
        found.extend(
            controls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.checks.iter().any(by_setting))
                .map(|(c, _)| c),
        );
    }
    found.sort_unstable();
    found.dedup();
    found.into_iter().filter_map(|c| controls.get(c)).collect()
}

/// The state of the finding made of records `idxs`; `None` for events that left the
/// window (they were never fixed, they are only past).
fn life<'a, 'c>(
    ctx: &Ctx<'a>,
    checks: &Checks<'c>,
    current: &Current,
    idxs: &[usize],
) -> Option<Life<'a, 'c>> {
    // The latest record speaks for the finding; of records of one instant (one event
    // in two exports), the one that names its cluster.
    let &latest = idxs.iter().max_by_key(|i| {
        ctx.records
            .get(**i)
            .map(|r| (r.observed_at, r.subject.cluster.is_some()))
    })?;
    let r = ctx.records.get(latest)?;
    let open = idxs.iter().any(|i| current.stands(*i));
    if !open && !r.kind.is_snapshot() {
        return None;
    }
    let last = idxs
        .iter()
        .filter_map(|i| ctx.records.get(*i).and_then(|r| r.observed_at))
        .max();
    if !open {
        // Fixed on the first later report of the same kind and target without it; when
        // several tools or targets had it, on the report that replaced the last of them
        // to stand (until then one of them still had it).
        let fixed = idxs
            .iter()
            .filter_map(|&i| {
                let at = ctx.report_at(i).or(ctx.records.get(i)?.observed_at)?;
                ctx.next_report(ctx.target_id(i)?, at)
            })
            .max();
        return Some(Life {
            latest,
            record: r,
            open,
            controls: None,
            last,
            state: FindingState::Fixed,
            due: None,
            judged: Vec::new(),
            waiver: None,
            fixed_on: fixed.map(|t| t.date_naive()),
            outside_production: false,
        });
    }
    let controls = counting(ctx, checks, latest);
    // The strictest of the controls that count it decides (an unmapped failure is
    // judged with the grace of its severity), over every standing record of it: an
    // image's vulnerability waived for one workload stays open in another.
    let standing: Vec<(usize, &Record)> = idxs
        .iter()
        .filter(|i| current.stands(**i))
        .filter_map(|&i| ctx.records.get(i).map(|r| (i, r)))
        .collect();
    // Each judgement with whether its record is in production scope, and the
    // position of the control that made it (0 when no control counts it).
    let judged: Vec<Judgement> = if controls.is_empty() {
        standing
            .iter()
            .map(|&(i, o)| (classify(ctx, None, o, i), ctx.production(i), 0))
            .collect()
    } else {
        controls
            .iter()
            .enumerate()
            .flat_map(|(k, c)| {
                standing
                    .iter()
                    .map(move |&(i, o)| (classify(ctx, Some(c), o, i), ctx.production(i), k))
            })
            .collect()
    };
    // Outside production when no production record reaches its state (as a control
    // counts it: the strictest state, production first).
    let (state, due, waiver) = judged
        .iter()
        .map(|(j, _, _)| j)
        .min_by_key(|(s, d, _)| (*s, *d))?
        .clone();
    let outside_production =
        state.is_open() && !judged.iter().any(|((s, _, _), p, _)| *s == state && *p);
    Some(Life {
        latest,
        record: r,
        open,
        controls: Some(controls),
        last,
        state,
        due,
        judged,
        waiver,
        fixed_on: None,
        outside_production,
    })
}

/// One finding from the records of one identity; `None` for events that left the
/// window (they were never fixed, they are only past).
fn finding(
    ctx: &Ctx<'_>,
    checks: &Checks<'_>,
    current: &Current,
    owners: &ImageOwners<'_>,
    shared: &Interner,
    key: Text,
    idxs: &[usize],
) -> Option<Finding> {
    let share = |t: &str| {
        let mut t = Text::from(t);
        shared.share(&mut t);
        t
    };
    let life = life(ctx, checks, current, idxs)?;
    let under_control = life.under_control();
    let (latest, r, open) = (life.latest, life.record, life.open);
    let controls = life
        .controls
        .unwrap_or_else(|| counting(ctx, checks, latest));
    let waiver = life.waiver;
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
    let sources: BTreeSet<&str> = idxs
        .iter()
        .filter_map(|i| ctx.records.get(*i))
        .map(|o| o.format.id())
        .collect();
    Some(Finding {
        key,
        kind: share(r.kind.as_str()),
        check: r.check.clone(),
        title: r.title.clone(),
        title_words: Param::record_title(r),
        severity: severity(ctx, idxs, r),
        subject: share(&r.subject.label()),
        subject_words: Param::subject_words(&r.subject),
        image: ctx.image_at(latest).cloned(),
        package: r.vuln().and_then(|v| non_empty(&v.package)),
        installed_version: r.vuln().and_then(|v| non_empty(&v.installed)),
        fixed_version: r.vuln().and_then(|v| non_empty(&v.fixed_in)),
        known_exploited: ctx.known_exploited(latest),
        first_seen: ctx.first_seen(latest),
        last_seen: life.last,
        due: life.due,
        fixed_on: life.fixed_on,
        previous_episodes: ctx
            .earlier_episodes(latest)
            .into_iter()
            .map(|e| super::FixedEpisode {
                first_seen: e.first_seen,
                fixed_on: e.fixed_on,
            })
            .collect(),
        state: life.state,
        outside_production: life.outside_production,
        team: owners
            .of_finding(ctx.config, &r.subject, ctx.image_at(latest))
            .map(|o| share(&o.team)),
        waiver,
        expired_waiver,
        vex,
        sources: sources.into_iter().map(share).collect(),
        controls: controls.iter().map(|c| share(&c.id)).collect(),
        under_control: under_control
            .into_iter()
            .map(|mut j| {
                shared.share(&mut j.control);
                j
            })
            .collect(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_formats::{K8S_AUDIT, TRIVY};

    /// A failing audit record `check` about `namespace` (and `name`, when given) at `at`,
    /// read from `file`, in `cluster` when given.
    fn event(
        check: &str,
        cluster: Option<&str>,
        name: Option<&str>,
        at: &str,
        file: &str,
    ) -> Record {
        let mut r = Record::new(RecordKind::Admission, K8S_AUDIT, check, Outcome::Fail);
        r.subject.cluster = cluster.map(Text::from);
        r.subject.namespace = Some("batch".into());
        r.subject.kind = Some("Pod".into());
        r.subject.name = name.map(Text::from);
        r.observed_at = Some(at.parse().expect("time"));
        r.provenance.file = file.into();
        r
    }

    fn keys(records: &[Record]) -> Vec<String> {
        let identity = ImageIdentity::build(records);
        let events = AuditEvents::build(records);
        records
            .iter()
            .map(|r| finding_key(r, &identity, &events))
            .collect()
    }

    #[test]
    fn a_namespace_level_audit_event_is_keyed_by_cluster_and_namespace_not_by_file() {
        let t1 = "2026-11-05T02:44:03.236408Z";
        let t2 = "2026-11-12T02:44:03.236408Z";
        let k = keys(&[
            event("psa-violation", Some("prod"), None, t1, "a/week-1.json"),
            event("psa-violation", Some("prod"), None, t2, "a/week-2.json"),
            event("psa-violation", Some("stage"), None, t2, "b/week-2.json"),
        ]);
        assert_eq!(k[0], "admission|PSA-VIOLATION|namespace prod/batch||");
        assert_eq!(k[0], k[1]);
        assert_ne!(k[1], k[2]);
    }

    #[test]
    fn an_event_two_exports_report_takes_the_cluster_one_of_them_names() {
        let t = "2026-11-04T10:41:05.100217Z";
        let k = keys(&[
            event("vap:x", Some("prod"), Some("ledger"), t, "aks-audit/a.json"),
            event("vap:x", None, Some("ledger"), t, "k8s-audit/a.jsonl"),
            // Another instant, or another object: another event, left as it is.
            event(
                "vap:x",
                None,
                Some("ledger"),
                "2026-11-04T10:41:05.100218Z",
                "k8s-audit/a.jsonl",
            ),
            event("vap:x", None, Some("web"), t, "k8s-audit/a.jsonl"),
        ]);
        assert_eq!(k[0], k[1]);
        assert_eq!(k[2], "admission|VAP:X|batch/Pod/ledger||");
        assert_eq!(k[3], "admission|VAP:X|batch/Pod/web||");
    }

    #[test]
    fn an_event_two_clusters_report_at_one_instant_is_placed_in_neither() {
        let t = "2026-11-04T10:41:05.100217Z";
        let k = keys(&[
            event("psa-violation", Some("prod"), None, t, "a.json"),
            event("psa-violation", Some("stage"), None, t, "b.json"),
            event("psa-violation", None, None, t, "c.jsonl"),
        ]);
        assert_eq!(k[2], "admission|PSA-VIOLATION|namespace batch||");
    }

    #[test]
    fn records_of_other_tools_keep_their_file_as_last_resort() {
        let mut r = Record::new(
            RecordKind::Misconfiguration,
            TRIVY,
            "KSV-0001",
            Outcome::Fail,
        );
        r.provenance.file = "trivy/host.json".into();
        assert_eq!(keys(&[r])[0], "misconfiguration|KSV-0001|trivy/host.json||");
    }
}
