//! Evaluation: records × catalog × configuration → a [`Report`].
//!
//! Pure functions of their inputs: no I/O, no clock (the report date is a parameter),
//! so a site is reproducible from its inputs. The same evaluation runs at every
//! history date, which is where trends and "what changed" come from.

mod findings;
mod judge;
mod report;
mod rules;
mod timeline;
mod view;
pub mod waivers;

pub use report::*;

use crate::catalog::{Catalog, Control};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::SourceSummary;
use crate::model::{ImageRef, Interner, Record, Text};
use chrono::{DateTime, Duration, Utc};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;
use waivers::{Attestation, Waiver};

/// Everything an evaluation reads.
pub struct Inputs<'a> {
    /// Normalised records.
    pub records: &'a [Record],
    /// Input file summaries.
    pub sources: &'a [SourceSummary],
    /// The catalog.
    pub catalog: &'a Catalog,
    /// Configuration.
    pub config: &'a Config,
    /// Waivers.
    pub waivers: &'a [Waiver],
    /// Attestations.
    pub attestations: &'a [Attestation],
    /// Diagnostics gathered so far (inputs, config, catalog).
    pub diagnostics: Vec<Diagnostic>,
}

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
    /// The evaluation date.
    pub at: DateTime<Utc>,
    index: &'a Index,
}

/// Per-record facts computed once per report.
pub struct Index {
    /// Per record, a dense id of its target (what a newer scan replaces).
    target_ids: Vec<u32>,
    /// How many distinct targets there are.
    target_count: usize,
    finding_keys: Vec<Text>,
    first_seen: HashMap<Text, DateTime<Utc>>,
    excluded: Vec<bool>,
    production: Vec<bool>,
    digest_names: HashMap<String, String>,
    /// Per record, the `gid`s of the checks whose selectors match it (predicates aside).
    /// (Shared: most records have the same list as many others.)
    selected: Vec<Arc<[u32]>>,
}

/// Which checks' selectors match each record, computed once per report and memoised
/// by (kind, id, aliases): most records share their id with many others.
/// What decides which checks' selectors match a record: its kind, id and aliases.
type SelectionKey<'r> = (crate::model::RecordKind, &'r str, &'r [Text]);

fn selections(records: &[Record], catalog: &Catalog) -> Vec<Arc<[u32]>> {
    let checks: Vec<&crate::catalog::Check> = catalog.checks().collect();
    records
        .par_chunks(16 * 1024)
        .flat_map_iter(|chunk| {
            let mut memo: HashMap<SelectionKey<'_>, Arc<[u32]>> = HashMap::new();
            chunk
                .iter()
                .map(|r| {
                    memo.entry((r.kind, r.check.as_str(), r.aliases.as_slice()))
                        .or_insert_with(|| {
                            checks
                                .iter()
                                .filter(|ch| ch.selectors.iter().any(|s| s.matches(r)))
                                .map(|ch| ch.gid as u32)
                                .collect()
                        })
                        .clone()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Number distinct keys densely, in order of first appearance: (id per key, count).
fn dense_ids(keys: Vec<String>) -> (Vec<u32>, usize) {
    let mut ids: HashMap<String, u32> = HashMap::with_capacity(keys.len() / 4);
    let per_record = keys
        .into_iter()
        .map(|k| {
            let next = ids.len() as u32;
            *ids.entry(k).or_insert(next)
        })
        .collect();
    (per_record, ids.len())
}

impl Index {
    fn build(records: &[Record], config: &Config, catalog: &Catalog) -> Index {
        // Keys are computed in parallel; equal finding keys share one string.
        let interner = Interner::default();
        let finding_keys: Vec<Text> = records
            .par_iter()
            .map(|r| {
                let mut key = Text::from(findings::finding_key(r));
                interner.share(&mut key);
                key
            })
            .collect();
        let (target_ids, target_count) =
            dense_ids(records.par_iter().map(view::target_key).collect());
        let mut first_seen: HashMap<Text, DateTime<Utc>> = HashMap::new();
        for (r, k) in records.iter().zip(&finding_keys) {
            if let Some(t) = r.first_observed_at.or(r.observed_at) {
                let e = first_seen.entry(k.clone()).or_insert(t);
                if t < *e {
                    *e = t;
                }
            }
        }
        let mut digest_names = HashMap::new();
        for r in records {
            if let Some(i) = &r.subject.image {
                if let (Some(d), Some(t)) = (&i.digest, &i.tag) {
                    digest_names
                        .entry(format!("{}@{}", i.name(), d))
                        .or_insert(format!("{}:{}", i.name(), t));
                }
            }
        }
        Index {
            target_ids,
            target_count,
            finding_keys,
            first_seen,
            excluded: records
                .par_iter()
                .map(|r| view::excluded(r, config))
                .collect(),
            production: records
                .par_iter()
                .map(|r| view::in_production(r, config))
                .collect(),
            digest_names,
            selected: selections(records, catalog),
        }
    }
}

impl Ctx<'_> {
    /// When the finding of record `i` was first seen.
    pub fn first_seen(&self, i: usize) -> Option<DateTime<Utc>> {
        self.index
            .finding_keys
            .get(i)
            .and_then(|k| self.index.first_seen.get(k))
            .copied()
    }

    /// Whether check `check` selects record `i` (selectors from the index, then predicates).
    pub fn selects(&self, check: &crate::catalog::Check, i: usize) -> bool {
        let by_id = self
            .index
            .selected
            .get(i)
            .is_some_and(|s| s.contains(&(check.gid as u32)));
        by_id
            && self
                .records
                .get(i)
                .is_some_and(|r| check.predicates.iter().all(|(f, p)| p.holds(*f, r)))
    }

    /// The finding identity of record `i` (kind, id, target, package).
    pub fn finding_key(&self, i: usize) -> &str {
        self.index
            .finding_keys
            .get(i)
            .map(Text::as_str)
            .unwrap_or("")
    }

    /// Indices of the records standing at `self.at` (newest scans, events in the window).
    pub fn standing(&self) -> Vec<usize> {
        let window = Duration::days(self.config.report.window_days.max(1));
        view::current(
            self.records,
            &self.index.target_ids,
            self.index.target_count,
            self.at,
            window,
        )
    }

    /// Per target id, the newest snapshot time at or before `self.at`.
    pub fn newest_snapshots(&self) -> Vec<Option<DateTime<Utc>>> {
        view::newest_snapshots(
            self.records,
            &self.index.target_ids,
            self.index.target_count,
            self.at,
        )
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
        if image.tag.is_none() {
            if let Some(name) = self.index.digest_names.get(&image.key()) {
                return name.clone();
            }
        }
        image.tagged()
    }
}

/// Evaluate every control at one date.
pub fn evaluate_controls(ctx: &Ctx<'_>, catalog: &Catalog) -> Vec<ControlResult> {
    controls_over(ctx, catalog, ctx.standing())
}

/// Evaluate every control over an already computed standing set.
fn controls_over(ctx: &Ctx<'_>, catalog: &Catalog, standing: Vec<usize>) -> Vec<ControlResult> {
    let current = view::Current::new(ctx.records, standing);
    catalog
        .controls
        .iter()
        .map(|c| evaluate_control(ctx, c, &current))
        .collect()
}

fn evaluate_control(ctx: &Ctx<'_>, control: &Control, current: &view::Current) -> ControlResult {
    let mut results = Vec::new();
    for check in &control.checks {
        let j = judge::judge(ctx, control, check, current);
        let total = j.total;
        let mut evidence = j.evidence;
        evidence.truncate(judge::EVIDENCE_CAP);
        results.push(CheckResult {
            id: check.id.clone(),
            status: j.status,
            reason: j.reason,
            required: check.required,
            evidence,
            evidence_total: total,
        });
    }
    let required: Vec<&CheckResult> = results.iter().filter(|c| c.required).collect();
    let worst = required.iter().max_by_key(|c| c.status.rank());
    // The worst required check decides, with its own (specific) reason; the control
    // page lists every check.
    let (mut status, mut reason) = match worst {
        Some(c) => (c.status, c.reason.clone()),
        None => (
            Status::NotAssessed,
            Reason::new(ReasonCode::NeedsAttestation, &[]),
        ),
    };
    if status == Status::Pass {
        if let Some(c) = results
            .iter()
            .find(|c| !c.required && matches!(c.status, Status::Fail | Status::Warning))
        {
            status = Status::Warning;
            reason = Reason::new(ReasonCode::CheckWarning, &[("check", c.id.clone())]);
        }
    }
    // A valid attestation settles what exports could not (and a failed one fails the control).
    // A missing or expired one is already a `manual` attestation check, ranked by precedence.
    if control.attestation.is_some() {
        let att = rules::attestation(ctx, control);
        let valid = matches!(att.status, Status::Pass | Status::Fail | Status::Warning);
        let inconclusive =
            matches!(status, Status::NotAssessed | Status::Manual) || required.is_empty();
        let settles = if valid {
            inconclusive || att.status == Status::Fail
        } else {
            required.is_empty()
        };
        if settles {
            status = att.status;
            reason = att.reason;
        }
    }
    let applied = ctx
        .attestations
        .iter()
        .filter(|a| a.control == control.id && a.date <= ctx.at.date_naive())
        .max_by_key(|a| a.date)
        .map(|a| timeline::attestation_state(a, ctx.at.date_naive()));
    let evidence_count = results.iter().map(|c| c.evidence_total).sum();
    let last_evidence = results
        .iter()
        .filter_map(|c| judge::last_time(&c.evidence))
        .max();
    ControlResult {
        id: control.id.clone(),
        domain: control.domain.clone(),
        status,
        reason,
        checks: results,
        attestation: applied,
        evidence_count,
        last_evidence,
        history: Vec::new(),
    }
}

/// The compliance score: (pass + waived) / (pass + waived + fail + warning) × 100.
pub fn score(statuses: &std::collections::BTreeMap<Status, usize>) -> f64 {
    let get = |s| statuses.get(&s).copied().unwrap_or(0) as f64;
    let good = get(Status::Pass) + get(Status::Waived);
    let judged = good + get(Status::Fail) + get(Status::Warning);
    if judged == 0.0 {
        0.0
    } else {
        (good / judged * 1000.0).round() / 10.0
    }
}

/// Evaluate everything as of `as_of`, with trends back to the first evidence and changes since `since`.
pub fn evaluate(inputs: Inputs<'_>, as_of: DateTime<Utc>, since: Option<DateTime<Utc>>) -> Report {
    let index = Index::build(inputs.records, inputs.config, inputs.catalog);
    let ctx_at = |at| Ctx {
        records: inputs.records,
        config: inputs.config,
        waivers: inputs.waivers,
        attestations: inputs.attestations,
        at,
        index: &index,
    };
    let ctx = ctx_at(as_of);
    let standing = ctx.standing();
    let findings = findings::track(&ctx, inputs.catalog, &standing);
    let waivers = findings::waiver_states(&ctx, inputs.catalog, &standing);
    let mut controls = controls_over(&ctx, inputs.catalog, standing);
    let dates = timeline::history_dates(inputs.records, inputs.config, as_of);
    let mut history = Vec::new();
    // Each history date is an independent evaluation: run them in parallel, combine in order.
    let per_date: Vec<Vec<ControlResult>> = {
        use rayon::prelude::*;
        dates
            .par_iter()
            .map(|d| {
                if *d == as_of {
                    controls.clone()
                } else {
                    evaluate_controls(&ctx_at(*d), inputs.catalog)
                }
            })
            .collect()
    };
    for (d, results) in dates.iter().zip(&per_date) {
        for (ctrl, r) in controls.iter_mut().zip(results) {
            ctrl.history.push((d.date_naive(), r.status));
        }
        history.push(timeline::point(
            &ctx_at(*d),
            results,
            &findings,
            inputs.config,
        ));
    }
    let since = since
        .or_else(|| dates.iter().rev().nth(1).copied())
        .filter(|s| *s < as_of);
    let changes = match since {
        Some(s) => timeline::changes(
            &evaluate_controls(&ctx_at(s), inputs.catalog),
            &controls,
            &findings,
            &waivers,
            s,
            as_of,
        ),
        None => Changes::default(),
    };
    let statuses = timeline::count_statuses(&controls);
    let images = findings::images(&ctx, &findings, &controls);
    let teams = findings::teams(inputs.config, &findings);
    let attestations = inputs
        .attestations
        .iter()
        .map(|a| timeline::attestation_state(a, as_of.date_naive()))
        .collect();
    let excluded_records = index.excluded.iter().filter(|e| **e).count();
    Report {
        as_of,
        profile: inputs.config.report.profile.clone(),
        score: score(&statuses),
        statuses,
        controls,
        history,
        findings,
        images,
        teams,
        waivers,
        attestations,
        changes,
        sources: inputs.sources.to_vec(),
        diagnostics: inputs.diagnostics,
        scope: ScopeInfo {
            excluded_namespaces: inputs.config.scope.exclude_namespaces.clone(),
            excluded_records,
            production_namespaces: inputs.config.scope.production_namespaces.clone(),
            production_clusters: inputs.config.scope.production_clusters.clone(),
        },
    }
}

#[cfg(test)]
mod tests;
