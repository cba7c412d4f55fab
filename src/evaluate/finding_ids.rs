//! Findings numbered once per report: every record's finding identity (see
//! [`super::findings::finding_key`]) as a dense id, ids in key order, and per finding
//! its key, its first sighting and the failing in-scope records it groups, so that
//! each history date walks these groups instead of regrouping every record by its key.

use super::findings::tracked;
use super::Ctx;
use crate::model::{Record, Text};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Per record its finding id; per finding id its key, first sighting and members.
pub struct FindingIds {
    /// Per record, the id of its finding.
    of_record: Vec<u32>,
    /// Per finding id, its key (ids are numbered in the order of their keys).
    keys: Vec<Text>,
    /// Per finding id, the earliest time any of its records was first observed.
    first_seen: Vec<Option<DateTime<Utc>>>,
    /// The ids of the findings that have tracked in-scope records, ascending.
    tracked_ids: Vec<u32>,
    /// Per finding id, where its tracked in-scope records start in `members`
    /// (one more entry than there are ids).
    starts: Vec<u32>,
    /// Tracked in-scope record indices, grouped by finding id, in record order within
    /// a finding.
    members: Vec<u32>,
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
        for (i, (r, id)) in records.iter().zip(&of_record).enumerate() {
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
            tracked_ids,
            starts,
            members,
        }
    }

    /// The finding id of record `i`.
    pub fn of(&self, i: usize) -> Option<u32> {
        self.of_record.get(i).copied()
    }

    /// The key of finding `id`.
    pub fn key(&self, id: u32) -> &str {
        self.keys.get(id as usize).map_or("", Text::as_str)
    }

    /// When finding `id` was first seen.
    pub fn first_seen(&self, id: u32) -> Option<DateTime<Utc>> {
        self.first_seen.get(id as usize).copied().flatten()
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
    /// When the finding of record `i` was first seen.
    pub fn first_seen(&self, i: usize) -> Option<DateTime<Utc>> {
        let id = self.index.findings.of(i)?;
        self.index.findings.first_seen(id)
    }

    /// The finding identity of record `i` (kind, id, target, package).
    pub fn finding_key(&self, i: usize) -> &str {
        self.index
            .findings
            .of(i)
            .map_or("", |id| self.index.findings.key(id))
    }

    /// The finding id of record `i` (one id per finding key).
    pub fn finding_id(&self, i: usize) -> Option<u32> {
        self.index.findings.of(i)
    }

    /// Every finding with failing in-scope records, in key order: its key and those
    /// records (whatever their dates), in record order.
    pub fn tracked_findings(&self) -> impl Iterator<Item = (&str, &[u32])> + '_ {
        self.index
            .findings
            .tracked()
            .map(|(id, members)| (self.index.findings.key(id), members))
    }
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
