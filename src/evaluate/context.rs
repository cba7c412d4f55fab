//! What evaluating at one date reads: the records and configuration, and what is
//! computed once per report for every record (finding identity and first sighting,
//! target ids, scope, the checks whose selectors match it, triage) so that each of the
//! ~26 history dates does not recompute it.

use super::finding_ids::FindingIds;
use super::identity::ImageIdentity;
use super::triage::Triage;
use super::waivers::{Attestation, Waiver};
use super::{findings, vex, view};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::model::{ImageRef, Interner, Record, RecordKind, ScanClass, Text};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Shared, precomputed state for evaluating at one date.
pub struct Ctx<'a> {
    /// Records.
    pub records: &'a [Record],
    /// Configuration.
    pub config: &'a Config,
    /// Waivers.
    pub waivers: &'a [Waiver],
    /// Attestations.
    pub attestations: &'a [Attestation],
    /// The triage register.
    pub triage: &'a [Triage],
    /// The evaluation date.
    pub at: DateTime<Utc>,
    pub(super) index: &'a Index,
}

/// Which freshness limit a snapshot is held to (`[freshness]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotKind {
    /// Vulnerability, configuration and secret scans, signatures.
    Scan,
    /// Benchmark runs.
    Benchmark,
    /// Policy engine reports.
    PolicyReport,
    /// Platform configuration exports (`az aks show`, `kubectl get … -o json`, …).
    Platform,
}

impl SnapshotKind {
    /// The kind of snapshot a record is, or `None` for events (which count in a window).
    pub fn of(r: &Record) -> Option<SnapshotKind> {
        match (r.kind, r.scan_class()) {
            (RecordKind::Benchmark, _) | (_, Some(ScanClass::Benchmark)) => {
                Some(SnapshotKind::Benchmark)
            }
            (RecordKind::Policy, _) | (_, Some(ScanClass::PolicyAudit)) => {
                Some(SnapshotKind::PolicyReport)
            }
            (RecordKind::Platform, _) => Some(SnapshotKind::Platform),
            (kind, _) if kind.is_snapshot() => Some(SnapshotKind::Scan),
            _ => None,
        }
    }
}

/// Per-record facts computed once per report.
pub struct Index {
    /// Per record, a dense id of its target (what a newer scan replaces).
    target_ids: Vec<u32>,
    /// How many distinct targets there are.
    target_count: usize,
    /// Findings numbered densely, with their keys, first sightings and records.
    pub(super) findings: FindingIds,
    /// Per record, its image's group in `image_names` (`u32::MAX`: no image).
    image_group: Vec<u32>,
    /// Per image identity, every reference the records give it.
    image_names: Vec<Vec<ImageRef>>,
    /// Per record, where its canonical image reference is (see `ImageIdentity::at_slot`).
    image_slots: Vec<u32>,
    excluded: Vec<bool>,
    production: Vec<bool>,
    /// One image across the names tools give it.
    identity: ImageIdentity,
    /// Per record, which of `selection_lists` holds the `gid`s of the checks whose
    /// selectors match it (predicates aside): most records have the same list as many
    /// others, so each distinct list is kept once.
    selected: Vec<u32>,
    /// The distinct lists of check `gid`s that `selected` points into.
    selection_lists: Vec<Arc<[u32]>>,
    /// Per record: for runtime alerts, the day they are closed by triage
    /// (`NaiveDate::MAX` while nobody triaged them): they stand until then, whatever
    /// their age. `None` for every other record.
    pub(super) open_until: Vec<Option<NaiveDate>>,
    /// Per record, the triage entry that closes it (alerts only; [`NOT_TRIAGED`] when
    /// none does).
    triaged_by: Vec<u32>,
    /// Per target id, the times of its reports (sorted, distinct).
    report_times: Vec<Vec<DateTime<Utc>>>,
    /// Per record, the time of the report it belongs to (see [`view::Targets`]).
    report_at: view::ReportAt,
    /// Per node, the dated reports of node sensors.
    pub(super) sensor_reports: super::coverage::SensorReports,
    /// Per vulnerability record, the VEX statements about it.
    vex: vex::Candidates,
}

/// In `Index::triaged_by`: no triage entry closes the record.
const NOT_TRIAGED: u32 = u32::MAX;

/// What decides which checks' selectors match a record: its kind, id and aliases.
type SelectionKey<'r> = (crate::model::RecordKind, &'r str, &'r [Text]);

/// Per record, which distinct list of check `gid`s it has, and those lists.
type Selections = (Vec<u32>, Vec<Arc<[u32]>>);

/// Which checks' selectors match each record, computed once per report: once per
/// distinct (kind, id, aliases), which is all a selector reads (most records share
/// their id with many others, across the whole report: a CVE recurs in every image).
fn selections(records: &[Record], catalog: &Catalog) -> Selections {
    type Fast = foldhash::fast::RandomState;
    let checks: Vec<&crate::catalog::Check> = catalog.checks().collect();
    // Each chunk numbers its own distinct keys (in order of first appearance, with a
    // record that has each), so a record costs 4 bytes here.
    let chunks: Vec<(Vec<u32>, Vec<usize>)> = records
        .par_chunks(SELECTION_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut memo: HashMap<SelectionKey<'_>, u32, Fast> = HashMap::default();
            let mut firsts: Vec<usize> = Vec::new();
            let local = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    *memo
                        .entry((r.kind, r.check.as_str(), r.aliases.as_slice()))
                        .or_insert_with(|| {
                            firsts.push(c * SELECTION_CHUNK + i);
                            (firsts.len() - 1) as u32
                        })
                })
                .collect();
            (local, firsts)
        })
        .collect();
    // The report's distinct keys, in order of first appearance, each with its record.
    let mut key_ids: HashMap<SelectionKey<'_>, u32, Fast> = HashMap::default();
    let mut key_records: Vec<usize> = Vec::new();
    let chunk_keys: Vec<Vec<u32>> = chunks
        .iter()
        .map(|(_, firsts)| {
            firsts
                .iter()
                .filter_map(|&i| {
                    let r = records.get(i)?;
                    Some(
                        *key_ids
                            .entry((r.kind, r.check.as_str(), r.aliases.as_slice()))
                            .or_insert_with(|| {
                                key_records.push(i);
                                (key_records.len() - 1) as u32
                            }),
                    )
                })
                .collect()
        })
        .collect();
    drop(key_ids);
    // Each key's checks, matched once.
    let key_lists: Vec<Vec<u32>> = key_records
        .par_iter()
        .map(|&i| {
            let Some(r) = records.get(i) else {
                return Vec::new();
            };
            checks
                .iter()
                .filter(|ch| ch.selectors.iter().any(|s| s.matches(r)))
                .map(|ch| ch.gid as u32)
                .collect()
        })
        .collect();
    // Number the distinct lists in order of first appearance (keys differ, lists may
    // not: compare them by content).
    let mut ids: HashMap<&[u32], u32, Fast> = HashMap::default();
    let mut lists: Vec<Arc<[u32]>> = Vec::new();
    let list_of_key: Vec<u32> = key_lists
        .iter()
        .map(|list| {
            *ids.entry(list.as_slice()).or_insert_with(|| {
                lists.push(Arc::from(list.as_slice()));
                (lists.len() - 1) as u32
            })
        })
        .collect();
    let mut selected = Vec::with_capacity(records.len());
    for ((local, _), keys) in chunks.iter().zip(&chunk_keys) {
        selected.extend(local.iter().map(|k| {
            keys.get(*k as usize)
                .and_then(|key| list_of_key.get(*key as usize))
                .copied()
                .unwrap_or(0)
        }));
    }
    (selected, lists)
}

/// Records per chunk when check selections are worked out in parallel.
const SELECTION_CHUNK: usize = 16 * 1024;

/// Number the records' targets densely, in order of first appearance: (id per record,
/// count). Keys are made a chunk at a time (in parallel) and only distinct ones are
/// kept, so the records' keys are never all held at once.
fn number_targets(records: &[Record]) -> (Vec<u32>, usize) {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut per_record = Vec::with_capacity(records.len());
    for chunk in records.chunks(64 * 1024) {
        let keys: Vec<String> = chunk.par_iter().map(view::target_key).collect();
        for key in keys {
            let next = ids.len() as u32;
            per_record.push(*ids.entry(key).or_insert(next));
        }
    }
    (per_record, ids.len())
}

impl Index {
    pub(super) fn build(
        records: &[Record],
        config: &Config,
        catalog: &Catalog,
        triage: &[Triage],
    ) -> Index {
        // Keys are computed in parallel; equal finding keys share one string.
        let interner = Interner::default();
        let identity = ImageIdentity::build(records);
        let events = findings::AuditEvents::build(records);
        let finding_keys: Vec<Text> = records
            .par_iter()
            .map(|r| {
                let mut key = Text::from(findings::finding_key(r, &identity, &events));
                interner.share(&mut key);
                key
            })
            .collect();
        let image_slots: Vec<u32> = records
            .par_iter()
            .map(|r| identity.slot_of_record(r))
            .collect();
        let (target_ids, target_count) = number_targets(records);
        let excluded: Vec<bool> = records
            .par_iter()
            .map(|r| view::excluded(r, config))
            .collect();
        let findings = FindingIds::build(records, finding_keys, &excluded);
        let mut group_of: HashMap<String, u32> = HashMap::new();
        let mut image_names: Vec<Vec<ImageRef>> = Vec::new();
        // Records share their canonical reference (a slot of the identity, or their
        // shared subject's own): its group is looked up by name once per reference.
        let mut group_of_ref: HashMap<*const ImageRef, u32, foldhash::fast::RandomState> =
            HashMap::default();
        let image_group: Vec<u32> = records
            .iter()
            .zip(&image_slots)
            .map(|(r, slot)| {
                let (Some(img), Some(canonical)) = (&r.subject.image, identity.at_slot(*slot, r))
                else {
                    return u32::MAX;
                };
                let g = *group_of_ref
                    .entry(std::ptr::from_ref(canonical))
                    .or_insert_with(|| {
                        *group_of.entry(canonical.tagged()).or_insert_with(|| {
                            image_names.push(Vec::new());
                            (image_names.len() - 1) as u32
                        })
                    });
                if let Some(names) = image_names.get_mut(g as usize) {
                    if !names.contains(img) {
                        names.push(img.clone());
                    }
                }
                g
            })
            .collect();
        // One report per file and target: results a tool dates one by one (Kyverno
        // stamps each result) belong to the report, dated by its newest result.
        let mut report_of: HashMap<(&str, u32), DateTime<Utc>> = HashMap::new();
        for (r, t) in records.iter().zip(&target_ids) {
            if let (true, Some(at)) = (r.kind.is_snapshot(), r.observed_at) {
                let e = report_of
                    .entry((r.provenance.file.as_str(), *t))
                    .or_insert(at);
                if at > *e {
                    *e = at;
                }
            }
        }
        let report_at = view::ReportAt::new(
            records,
            records.iter().zip(&target_ids).map(|(r, t)| {
                match (r.kind.is_snapshot(), r.observed_at) {
                    (true, Some(_)) => report_of
                        .get(&(r.provenance.file.as_str(), *t))
                        .copied()
                        .or(r.observed_at),
                    _ => r.observed_at,
                }
            }),
        );
        drop(report_of);
        let mut report_times: Vec<Vec<DateTime<Utc>>> = vec![Vec::new(); target_count];
        for (t, at) in target_ids.iter().zip(report_at.in_order(records)) {
            // A report's records are contiguous: most repeats are of the time just kept.
            if let (Some(at), Some(times)) = (at, report_times.get_mut(*t as usize)) {
                if times.last() != Some(&at) {
                    times.push(at);
                }
            }
        }
        for times in &mut report_times {
            times.sort();
            times.dedup();
            times.shrink_to_fit();
        }
        // Two exact-size collections (an unzip would gather per-thread pieces first).
        let triaged_by: Vec<u32> = records
            .par_iter()
            .map(|r| triage_of(r, triage).0.unwrap_or(NOT_TRIAGED))
            .collect();
        let open_until: Vec<Option<NaiveDate>> =
            records.par_iter().map(|r| triage_of(r, triage).1).collect();
        let vex = vex::candidates(records, &|i| identity.of_ref(i).tagged());
        let (selected, selection_lists) = selections(records, catalog);
        Index {
            vex,
            target_ids,
            target_count,
            findings,
            image_group,
            image_names,
            image_slots,
            excluded,
            production: {
                let nodes = view::node_clusters(records);
                records
                    .par_iter()
                    .map(|r| view::in_production(r, config, &nodes))
                    .collect()
            },
            identity,
            selected,
            selection_lists,
            open_until,
            triaged_by,
            sensor_reports: super::coverage::sensor_reports(records),
            report_times,
            report_at,
        }
    }
}

/// The triage entry closing an alert (the earliest triage day that covers it), and
/// the day the alert stops standing (never, while nobody triaged it).
fn triage_of(r: &Record, triage: &[Triage]) -> (Option<u32>, Option<NaiveDate>) {
    if r.kind != RecordKind::Alert {
        return (None, None);
    }
    let by = triage
        .iter()
        .enumerate()
        .filter(|(_, t)| r.observed_at.is_none_or(|o| o.date_naive() <= t.on) && t.covers(r))
        .min_by_key(|(_, t)| t.on);
    (
        by.map(|(i, _)| i as u32),
        Some(by.map_or(NaiveDate::MAX, |(_, t)| t.on)),
    )
}

impl Index {
    /// What a newer report replaces, per record.
    fn targets(&self) -> view::Targets<'_> {
        view::Targets {
            ids: &self.target_ids,
            count: self.target_count,
            report_at: &self.report_at,
        }
    }

    /// Records left out of scope (an excluded namespace).
    pub fn excluded_count(&self) -> usize {
        self.excluded.iter().filter(|e| **e).count()
    }
}

impl<'a> Ctx<'a> {
    /// Every name the records give record `i`'s image (one image identity: the same
    /// content digest, whatever the name); empty when it has no image.
    pub fn image_names(&self, i: usize) -> &[ImageRef] {
        self.index
            .image_group
            .get(i)
            .and_then(|g| self.index.image_names.get(*g as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether check `check` selects record `i` (selectors from the index, then predicates).
    pub fn selects(&self, check: &crate::catalog::Check, i: usize) -> bool {
        self.selected_gids(i).contains(&(check.gid as u32)) && self.predicates_hold(check, i)
    }

    /// The `gid`s of the checks whose selectors match record `i` (predicates aside).
    pub fn selected_gids(&self, i: usize) -> &[u32] {
        self.index
            .selected
            .get(i)
            .and_then(|l| self.index.selection_lists.get(*l as usize))
            .map_or(&[], |s| s)
    }

    /// Whether every predicate of check `check` holds for record `i`.
    pub fn predicates_hold(&self, check: &crate::catalog::Check, i: usize) -> bool {
        self.records
            .get(i)
            .is_some_and(|r| check.predicates.iter().all(|(f, p)| p.holds(*f, r)))
    }

    /// Whether a check's predicates other than severity hold for `r` (a scan record,
    /// which has no severity of its own, is about the subject the check asks about).
    pub fn subject_predicates_hold(&self, check: &crate::catalog::Check, r: &Record) -> bool {
        check
            .predicates
            .iter()
            .all(|(f, p)| *f == crate::model::Field::Severity || p.holds(*f, r))
    }

    /// Indices of the records standing at `self.at` (newest scans, events in the window,
    /// runtime alerts until triaged).
    pub fn standing(&self) -> Vec<u32> {
        let window = Duration::days(self.config.report.window_days.max(1));
        view::current(
            self.records,
            &self.index.targets(),
            &self.index.open_until,
            self.at,
            window,
        )
    }

    /// The first report of target `target` after `after`, up to `self.at`.
    pub fn next_report(&self, target: usize, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let times = self.index.report_times.get(target)?;
        let i = times.partition_point(|t| *t <= after);
        times.get(i).copied().filter(|t| *t <= self.at)
    }

    /// The first report of target `target` after `after`, whatever its date.
    pub fn report_after(&self, target: usize, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let times = self.index.report_times.get(target)?;
        times.get(times.partition_point(|t| *t <= after)).copied()
    }

    /// The triage entry that has closed alert `i` by `self.at`, if any.
    pub fn triaged(&self, i: usize) -> Option<&Triage> {
        let t = self
            .index
            .triaged_by
            .get(i)
            .and_then(|t| self.triage.get(*t as usize))?;
        (t.on <= self.at.date_naive()).then_some(t)
    }

    /// How old a snapshot like `r` may be and still prove a current pass; `None` for
    /// events.
    pub fn freshness(&self, r: &Record) -> Option<Duration> {
        let f = &self.config.freshness;
        let days = match SnapshotKind::of(r)? {
            SnapshotKind::Scan => f.scans,
            SnapshotKind::Benchmark => f.benchmarks,
            SnapshotKind::PolicyReport => f.policy_reports,
            SnapshotKind::Platform => f.platform,
        };
        Some(Duration::days(
            days.unwrap_or(self.config.report.freshness_days).max(0),
        ))
    }

    /// Whether `r` can prove something now: it is dated, and, if a snapshot, no older
    /// than its freshness limit in days (a 7-day limit: a scan of the 13th still proves
    /// on the 20th, not on the 21st). Undated or stale evidence is shown, never a proof.
    pub fn proves_now(&self, r: &Record) -> bool {
        r.observed_at.is_some_and(|t| {
            self.freshness(r)
                .is_none_or(|f| t.date_naive() >= self.at.date_naive() - f)
        })
    }

    /// The first day a snapshot observed at `t` no longer proves anything.
    pub fn stale_since(&self, t: DateTime<Utc>, limit: Duration) -> NaiveDate {
        t.date_naive() + limit + Duration::days(1)
    }

    /// Per target id, the newest snapshot time at or before `self.at`.
    pub fn newest_snapshots(&self) -> Vec<Option<DateTime<Utc>>> {
        view::newest_snapshots(self.records, &self.index.targets(), self.at)
    }

    /// The time of the report record `i` belongs to.
    pub fn report_at(&self, i: usize) -> Option<DateTime<Utc>> {
        self.index.report_at.of(self.records, i)
    }

    /// The target id of record `i` (what a newer scan of the same target replaces).
    pub fn target_id(&self, i: usize) -> Option<usize> {
        self.index.target_ids.get(i).map(|t| *t as usize)
    }

    /// Whether record `i` is out of scope.
    pub fn excluded(&self, i: usize) -> bool {
        self.index.excluded.get(i).copied().unwrap_or(false)
    }

    /// Whether record `i` is about production.
    pub fn production(&self, i: usize) -> bool {
        self.index.production.get(i).copied().unwrap_or(true)
    }

    /// One name per image across tools: `registry/repo:tag`, resolving digest-only references.
    pub fn canonical(&self, image: &ImageRef) -> String {
        self.index.identity.of_ref(image).tagged()
    }

    /// The canonical reference of record `i`'s image (see [`ImageIdentity`]; looked up
    /// once per report).
    pub fn image_at(&self, i: usize) -> Option<&'a ImageRef> {
        let slot = *self.index.image_slots.get(i)?;
        self.index.identity.at_slot(slot, self.records.get(i)?)
    }

    /// The canonical name of record `i`'s image (see [`Ctx::image_at`]).
    pub fn image_name_at(&self, i: usize) -> Option<String> {
        self.image_at(i).map(ImageRef::tagged)
    }

    /// The VEX statements about vulnerability record `i` (whatever their dates), with
    /// how specific each is.
    pub fn vex_candidates(&self, i: usize) -> &[(u32, vex::Specificity)] {
        u32::try_from(i)
            .ok()
            .and_then(|i| self.index.vex.get(&i))
            .map_or(&[], |c| c)
    }
}
