//! Findings numbered once per report: every record's finding identity (see
//! [`super::findings::finding_key`]) as a dense id, ids in key order, and per finding
//! its key, its first sighting and the failing in-scope records it groups, so that
//! each history date walks these groups instead of regrouping every record by its key.
//!
//! A finding that was fixed (no report standing had it any more) and later came back
//! lives in episodes: each reappearance after a recorded fix starts a new episode,
//! with its own first sighting (and so its own grace clock), see [`Span`].

use super::findings::tracked;
use super::Ctx;
use crate::model::{Record, Text};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One episode of a finding that was fixed and came back (kept only for findings with
/// two episodes or more): from its first report to the report that fixed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The time of the first report of the episode (records are placed in their
    /// episode by the time of their report).
    pub from: DateTime<Utc>,
    /// Its first sighting: where its grace clock starts.
    pub first_seen: DateTime<Utc>,
    /// The first report after which no report had it (until the next episode), or
    /// `None` while nothing fixed it.
    pub fixed_at: Option<DateTime<Utc>>,
}

/// An earlier episode of a finding, fixed before the current one began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Earlier {
    /// Its first sighting.
    pub first_seen: DateTime<Utc>,
    /// The day it was found fixed.
    pub fixed_on: NaiveDate,
}

/// Per record its finding id; per finding id its key, first sighting and members.
pub struct FindingIds {
    /// Per record, the id of its finding.
    of_record: Vec<u32>,
    /// Per finding id, its key (ids are numbered in the order of their keys); empty
    /// for the ids that track no record.
    keys: Vec<Text>,
    /// Per finding id, the earliest time any of its records was first observed.
    first_seen: Vec<Option<DateTime<Utc>>>,
    /// Per finding id, whether one of its failing in-scope records is undated: its age
    /// is then unknown at every date (an undated record always stands, see
    /// `view::current`), whatever its dated records say.
    undated: Vec<bool>,
    /// The ids of the findings that have tracked in-scope records, ascending.
    tracked_ids: Vec<u32>,
    /// Per finding id, where its tracked in-scope records start in `members`
    /// (one more entry than there are ids).
    starts: Vec<u32>,
    /// Tracked in-scope record indices, grouped by finding id, in record order within
    /// a finding.
    members: Vec<u32>,
    /// Per finding id that was fixed and came back, its episodes in time order
    /// (computed once, on first use: see [`episodes`]).
    episodes: OnceLock<HashMap<u32, Vec<Span>>>,
    /// Per finding id that any record flags as known exploited, the earliest time one
    /// did (`DateTime::MIN_UTC` for an undated record): from then on the whole finding
    /// is known exploited, whichever tool's record is judged.
    known_exploited_since: HashMap<u32, DateTime<Utc>>,
}

impl FindingIds {
    /// Number the findings of `records`, whose keys are `keys` (one per record);
    /// `excluded` says which records are out of scope.
    pub fn build(records: &[Record], keys: Vec<Text>, excluded: &[bool]) -> FindingIds {
        let (of_record, first_of) = numbered_in_key_order(&keys);
        let count = first_of.len();
        let keys_by_id: Vec<Text> = first_of
            .iter()
            .map(|&i| keys.get(i as usize).cloned().unwrap_or_default())
            .collect();
        drop(keys);
        let mut first_seen: Vec<Option<DateTime<Utc>>> = vec![None; count];
        let mut sizes: Vec<u32> = vec![0; count];
        let mut undated: Vec<bool> = vec![false; count];
        let mut known_exploited_since: HashMap<u32, DateTime<Utc>> = HashMap::new();
        for (i, (r, id)) in records.iter().zip(&of_record).enumerate() {
            if r.known_exploited() {
                let t = r.observed_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
                let since = known_exploited_since.entry(*id).or_insert(t);
                *since = (*since).min(t);
            }
            let id = *id as usize;
            if let (Some(t), Some(slot)) = (
                r.first_observed_at.or(r.observed_at),
                first_seen.get_mut(id),
            ) {
                if slot.is_none_or(|e| t < e) {
                    *slot = Some(t);
                }
            }
            if counts(records, excluded, i) {
                if let Some(n) = sizes.get_mut(id) {
                    *n += 1;
                }
                if r.observed_at.is_none() {
                    if let Some(u) = undated.get_mut(id) {
                        *u = true;
                    }
                }
            }
        }
        let mut starts: Vec<u32> = Vec::with_capacity(count + 1);
        let mut total = 0u32;
        for n in &sizes {
            starts.push(total);
            total += n;
        }
        starts.push(total);
        let tracked_ids: Vec<u32> = (0..count as u32)
            .filter(|id| sizes.get(*id as usize).is_some_and(|n| *n > 0))
            .collect();
        // Only tracked findings are ever shown, so only their keys are kept: most
        // identities (passing checks, heartbeats, sightings) never become a finding.
        let mut keys_by_id = keys_by_id;
        for (key, n) in keys_by_id.iter_mut().zip(&sizes) {
            if *n == 0 {
                *key = Text::default();
            }
        }
        // Fill each finding's slice in record order.
        let mut next: Vec<u32> = starts.iter().take(count).copied().collect();
        let mut members: Vec<u32> = vec![0; total as usize];
        for (i, id) in of_record.iter().enumerate() {
            if !counts(records, excluded, i) {
                continue;
            }
            if let Some(at) = next.get_mut(*id as usize) {
                if let Some(slot) = members.get_mut(*at as usize) {
                    *slot = i as u32;
                }
                *at += 1;
            }
        }
        FindingIds {
            of_record,
            keys: keys_by_id,
            first_seen,
            undated,
            tracked_ids,
            starts,
            members,
            episodes: OnceLock::new(),
            known_exploited_since,
        }
    }

    /// The finding id of record `i`.
    pub fn of(&self, i: usize) -> Option<u32> {
        self.of_record.get(i).copied()
    }

    /// The key of finding `id`.
    pub fn key(&self, id: u32) -> Option<&Text> {
        self.keys.get(id as usize)
    }

    /// When finding `id` was first seen: its earliest dated record, undated ones aside.
    pub fn first_seen(&self, id: u32) -> Option<DateTime<Utc>> {
        self.first_seen.get(id as usize).copied().flatten()
    }

    /// Whether a failing in-scope record of finding `id` is undated.
    pub fn has_undated(&self, id: u32) -> bool {
        self.undated.get(id as usize).copied().unwrap_or(false)
    }

    /// Every finding with tracked in-scope records, in key order: its id and those
    /// records (whatever their dates), in record order.
    pub fn tracked(&self) -> impl Iterator<Item = (u32, &[u32])> + '_ {
        self.tracked_ids.iter().map(|&id| {
            let at = |k: usize| self.starts.get(k).map_or(0, |s| *s as usize);
            let members = self
                .members
                .get(at(id as usize)..at(id as usize + 1))
                .unwrap_or(&[]);
            (id, members)
        })
    }
}

impl Ctx<'_> {
    /// When the episode of the finding that record `i` belongs to was first seen: the
    /// finding's first sighting, or, when it was fixed and came back, the first sighting
    /// of the episode record `i` is part of (an undated record: the episode standing
    /// at `self.at`). Never after `self.at`: a finding whose only records by then are
    /// undated has no first sighting yet ("age unknown"), whatever later reports say.
    ///
    /// `None` ("age unknown") too while an undated failing record of the finding
    /// stands (undated records stand at every date): nobody can say how long it has
    /// been open, and a dated report of the same failure beside it (trivy k8s undated,
    /// trivy-operator dated) must not make it look younger. More evidence of a failure
    /// never gives it a better state.
    pub fn first_seen(&self, i: usize) -> Option<DateTime<Utc>> {
        let id = self.index.findings.of(i)?;
        if self.index.findings.has_undated(id) {
            return None;
        }
        match self.episode_of(id, i) {
            Some((spans, k)) if k > 0 => spans.get(k).map(|s| s.first_seen),
            _ => self.index.findings.first_seen(id),
        }
        .filter(|t| *t <= self.at)
    }

    /// The episodes of finding `id` (when it was fixed and came back) and the one
    /// record `i` belongs to.
    fn episode_of(&self, id: u32, i: usize) -> Option<(&[Span], usize)> {
        let spans = episodes(self).get(&id)?;
        let at = self.report_at(i).unwrap_or(self.at);
        let k = spans.partition_point(|s| s.from <= at).saturating_sub(1);
        Some((spans.as_slice(), k))
    }

    /// The earlier episodes of record `i`'s finding, fixed before the episode record
    /// `i` belongs to began, oldest first (empty for a finding never fixed and seen
    /// again).
    pub fn earlier_episodes(&self, i: usize) -> Vec<Earlier> {
        let Some((spans, k)) = self
            .index
            .findings
            .of(i)
            .and_then(|id| self.episode_of(id, i))
        else {
            return Vec::new();
        };
        spans
            .get(..k)
            .unwrap_or(&[])
            .iter()
            .filter_map(|s| {
                Some(Earlier {
                    first_seen: s.first_seen,
                    fixed_on: s.fixed_at?.date_naive(),
                })
            })
            .collect()
    }

    /// Whether the finding of record `i` is known exploited at `self.at`: some record
    /// of it, observed by then, says so (tools disagree: one scanner reads the KEV
    /// catalog, another does not; the finding has one grace period, not one per tool).
    pub fn known_exploited(&self, i: usize) -> bool {
        let of_finding = self.index.findings.of(i).is_some_and(|id| {
            self.index
                .findings
                .known_exploited_since
                .get(&id)
                .is_some_and(|t| *t <= self.at)
        });
        of_finding || self.records.get(i).is_some_and(Record::known_exploited)
    }

    /// The finding id of record `i` (one id per finding key).
    pub fn finding_id(&self, i: usize) -> Option<u32> {
        self.index.findings.of(i)
    }

    /// Every finding with failing in-scope records, in key order: its key and those
    /// records (whatever their dates), in record order.
    pub fn tracked_findings(&self) -> impl Iterator<Item = (Option<&Text>, &[u32])> + '_ {
        self.index
            .findings
            .tracked()
            .map(|(id, members)| (self.index.findings.key(id), members))
    }
}

/// Per finding that was fixed and came back, its episodes (computed once per report,
/// on first use; the same whatever date `ctx` evaluates at, since a fix on or before
/// that date is recorded the same way at every later date).
fn episodes<'c>(ctx: &'c Ctx<'_>) -> &'c HashMap<u32, Vec<Span>> {
    ctx.index.findings.episodes.get_or_init(|| {
        use rayon::prelude::*;
        let ids = &ctx.index.findings;
        // Only findings with records of two reports or more can have been fixed and
        // come back.
        let candidates: Vec<(u32, &[u32])> = ids
            .tracked()
            .filter(|(_, members)| members.len() > 1)
            .collect();
        candidates
            .into_par_iter()
            .filter_map(|(id, members)| {
                let spans = spans_of(ctx, ids.first_seen(id), members)?;
                Some((id, spans))
            })
            .collect()
    })
}

/// One record of a finding in time: the time of its report, until when it stands
/// (`None`: no later report of its target), and its first sighting.
type Presence = (DateTime<Utc>, Option<DateTime<Utc>>, DateTime<Utc>);

/// The episodes of one finding made of records `members`, when there are two or more:
/// a finding is present from each report that has it until the next report of the
/// same target (any report of that target replaces it, with the finding or without);
/// a moment when no report has it standing is a fix, and a later report with it again
/// starts a new episode. Events (alerts, activity) leave a window instead of being
/// fixed, and undated records cannot be placed in time: neither starts an episode.
fn spans_of(
    ctx: &Ctx<'_>,
    first_seen: Option<DateTime<Utc>>,
    members: &[u32],
) -> Option<Vec<Span>> {
    let mut items: Vec<Presence> = members
        .iter()
        .filter_map(|&i| {
            let i = i as usize;
            let r = ctx.records.get(i).filter(|r| r.kind.is_snapshot())?;
            let t = ctx.report_at(i)?;
            let until = ctx.target_id(i).and_then(|g| ctx.report_after(g, t));
            let first = r.first_observed_at.or(r.observed_at).unwrap_or(t).min(t);
            Some((t, until, first))
        })
        .collect();
    if items.len() < 2 {
        return None;
    }
    items.sort_unstable();
    let mut spans: Vec<Span> = Vec::new();
    let mut cur: Option<Span> = None;
    for (t, until, first) in items {
        match cur.as_mut() {
            Some(c) if c.fixed_at.is_some_and(|e| t > e) => {
                // Gone at `e`, back at `t`: a new episode, first seen no earlier than
                // the report that fixed the last one.
                let fixed = c.fixed_at.unwrap_or(t);
                spans.push(*c);
                let first = if first > fixed { first } else { t };
                cur = Some(Span {
                    from: t,
                    first_seen: first,
                    fixed_at: until,
                });
            }
            Some(c) => {
                c.fixed_at = match (c.fixed_at, until) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                if spans.is_empty() || spans.last().and_then(|s| s.fixed_at) < Some(first) {
                    c.first_seen = c.first_seen.min(first);
                }
            }
            None => {
                cur = Some(Span {
                    from: t,
                    first_seen: first_seen.unwrap_or(first).min(first),
                    fixed_at: until,
                })
            }
        }
    }
    spans.extend(cur);
    (spans.len() > 1).then_some(spans)
}

/// Whether record `i` belongs to its finding's group: tracked and in scope.
fn counts(records: &[Record], excluded: &[bool], i: usize) -> bool {
    records.get(i).is_some_and(tracked) && !excluded.get(i).copied().unwrap_or(false)
}

/// Number distinct keys densely in the order of the keys: (id per key, per id the
/// index of the first key with it).
fn numbered_in_key_order(keys: &[Text]) -> (Vec<u32>, Vec<u32>) {
    // First in order of appearance, then renumbered in key order.
    let mut seen: HashMap<&str, u32, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(keys.len() / 4, Default::default());
    let mut first_of: Vec<u32> = Vec::new();
    let provisional: Vec<u32> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            *seen.entry(k.as_str()).or_insert_with(|| {
                first_of.push(i as u32);
                (first_of.len() - 1) as u32
            })
        })
        .collect();
    drop(seen);
    let key = |p: u32| {
        first_of
            .get(p as usize)
            .and_then(|i| keys.get(*i as usize))
            .map_or("", Text::as_str)
    };
    let mut order: Vec<u32> = (0..first_of.len() as u32).collect();
    order.sort_unstable_by(|a, b| key(*a).cmp(key(*b)));
    let mut rank: Vec<u32> = vec![0; order.len()];
    for (r, p) in order.iter().enumerate() {
        if let Some(slot) = rank.get_mut(*p as usize) {
            *slot = r as u32;
        }
    }
    let ids = provisional
        .iter()
        .map(|p| rank.get(*p as usize).copied().unwrap_or(0))
        .collect();
    let first_in_key_order = order
        .iter()
        .map(|p| first_of.get(*p as usize).copied().unwrap_or(0))
        .collect();
    (ids, first_in_key_order)
}
