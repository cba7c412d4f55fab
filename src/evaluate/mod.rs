//! Evaluation: records × catalog × configuration → a [`Report`].
//!
//! Pure functions of their inputs: no I/O, no clock (the report date is a parameter),
//! so a site is reproducible from its inputs. The same evaluation runs at every
//! history date, which is where trends and "what changed" come from.

mod context;
mod coverage;
mod finding_ids;
mod findings;
mod identity;
mod judge;
mod period;
mod register;
mod report;
mod rules;
mod summaries;
mod timeline;
pub mod triage;
pub mod vex;
mod view;
pub mod waivers;

pub use context::Ctx;
use context::Index;
pub use report::*;

use crate::catalog::{Catalog, Control, Evaluation, Rule};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::Record;
use crate::model::SourceSummary;
use chrono::{DateTime, Utc};
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
    /// The triage register (`triage.csv`).
    pub triage: &'a [triage::Triage],
    /// Diagnostics gathered so far (inputs, config, catalog).
    pub diagnostics: Vec<Diagnostic>,
}

/// Evaluate every control at one date.
pub fn evaluate_controls(ctx: &Ctx<'_>, catalog: &Catalog) -> Vec<ControlResult> {
    controls_over(
        ctx,
        catalog,
        &view::Current::new(ctx.records, ctx.standing()),
    )
}

/// Evaluate every control over an already computed standing set.
fn controls_over(ctx: &Ctx<'_>, catalog: &Catalog, current: &view::Current) -> Vec<ControlResult> {
    catalog
        .controls
        .iter()
        .map(|c| evaluate_control(ctx, c, current))
        .collect()
}

fn evaluate_control(ctx: &Ctx<'_>, control: &Control, current: &view::Current) -> ControlResult {
    let mut results = Vec::new();
    let mut counted = Vec::new();
    let mut last_evidence: Option<DateTime<Utc>> = None;
    for check in &control.checks {
        let j = judge::judge(ctx, control, check, current);
        last_evidence = last_evidence.max(j.newest);
        counted.push(j.counted);
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
    // The worst required check decides, with its own (specific) reason; of equally bad
    // checks, the first in catalog order (`max_by_key` keeps the last of equals, hence
    // `rev`). The control page lists every check.
    let worst = required.iter().rev().max_by_key(|c| c.status.rank());
    let with_counts: Vec<_> = results.iter().zip(&counted).collect();
    let (mut status, mut reason) = match worst {
        Some(c) => (c.status, judge::control_reason(c, &with_counts)),
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
        // A platform fact that settles a required check decides over an attestation that
        // contradicts it (the control page shows both).
        let fact = results.iter().zip(&control.checks).find_map(|(r, c)| {
            let settled = matches!(
                r.status,
                Status::Pass | Status::Fail | Status::Warning | Status::Waived
            );
            let contradicts = r.status != att.status;
            (r.required && c.rule == Rule::Platform && settled && contradicts).then_some(r)
        });
        let settles = if valid {
            (inconclusive || att.status == Status::Fail) && fact.is_none()
        } else {
            required.is_empty()
        };
        // An optional platform check that fails still contradicts a passing attestation:
        // the control warns, citing the fact.
        let optional_fact = results.iter().zip(&control.checks).find_map(|(r, c)| {
            (!r.required
                && c.rule == Rule::Platform
                && matches!(r.status, Status::Fail | Status::Warning))
            .then_some(r)
        });
        if let Some(f) = optional_fact.filter(|_| settles && att.status == Status::Pass) {
            let param = |k: &str| att.reason.params.get(k).cloned().unwrap_or_default();
            status = Status::Warning;
            reason = Reason::with(
                ReasonCode::OptionalFactOverAttestation,
                vec![
                    ("check", Param::Text(f.id.clone())),
                    ("status", Param::status(f.status)),
                    ("by", param("by")),
                    ("date", param("date")),
                ],
            );
        } else if settles {
            status = att.status;
            reason = att.reason;
        } else if !valid && control.evaluation == Evaluation::Partial && status == Status::Pass {
            // The exports settle only their part of a partial control: without a valid
            // attestation for the rest, the control is not a pass.
            status = Status::Manual;
            reason = Reason::with(
                ReasonCode::PartialUnattested,
                vec![("exports", Param::of_reason(&reason))],
            );
        } else if let Some(f) = fact.filter(|f| valid && att.status != status && f.status == status)
        {
            let param = |k: &str| att.reason.params.get(k).cloned().unwrap_or_default();
            reason = Reason::with(
                ReasonCode::FactOverAttestation,
                vec![
                    ("check", Param::Text(f.id.clone())),
                    ("status", Param::status(f.status)),
                    ("by", param("by")),
                    ("date", param("date")),
                ],
            );
        }
    }
    let applied = ctx
        .attestations
        .iter()
        .filter(|a| a.control == control.id && a.date <= ctx.at.date_naive())
        .max_by_key(|a| a.date)
        .map(|a| timeline::attestation_state(a, ctx.at.date_naive()));
    let evidence_count = results.iter().map(|c| c.evidence_total).sum();
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
    let index = Index::build(inputs.records, inputs.config, inputs.catalog, inputs.triage);
    let ctx_at = |at| Ctx {
        records: inputs.records,
        config: inputs.config,
        waivers: inputs.waivers,
        attestations: inputs.attestations,
        triage: inputs.triage,
        at,
        index: &index,
    };
    let ctx = ctx_at(as_of);
    let current = view::Current::new(inputs.records, ctx.standing());
    let owners = summaries::ImageOwners::new(&ctx);
    let mut findings = findings::track(&ctx, inputs.catalog, &current, &owners);
    let waivers = summaries::waiver_states(&ctx, inputs.catalog, &current.all);
    let mut controls = controls_over(&ctx, inputs.catalog, &current);
    drop(current);
    let dates = timeline::history_dates(inputs.records, inputs.config, as_of);
    let mut history = Vec::new();
    // Each history date is an independent evaluation of the controls and the findings
    // by the same rules as the report date (so trends and the current page agree):
    // run them in parallel, combine in order. A history point counts findings by
    // state, severity and dates only, so they are not described there.
    let since = since
        .or_else(|| dates.iter().rev().nth(1).copied())
        .filter(|s| *s < as_of);
    // Only the statuses of a history date are kept, and its full results only at
    // `since` (what changed compares against them): the evidence lists of every other
    // date are dropped as soon as they are judged.
    let per_date: Vec<(Option<Vec<ControlResult>>, Vec<Status>, HistoryPoint)> = {
        use rayon::prelude::*;
        dates
            .par_iter()
            .map(|d| {
                let at = ctx_at(*d);
                if *d == as_of {
                    let found: Vec<_> = findings.iter().map(findings::Counted::of).collect();
                    let point = timeline::point(&at, &controls, &found, inputs.config);
                    let statuses = controls.iter().map(|r| r.status).collect();
                    (None, statuses, point)
                } else {
                    let current = view::Current::new(inputs.records, at.standing());
                    let found = findings::counted(&at, inputs.catalog, &current);
                    let results = controls_over(&at, inputs.catalog, &current);
                    let point = timeline::point(&at, &results, &found, inputs.config);
                    let statuses = results.iter().map(|r| r.status).collect();
                    (Some(results).filter(|_| Some(*d) == since), statuses, point)
                }
            })
            .collect()
    };
    // The controls at `since`, when it is a history date (evaluated there already).
    let mut before: Option<Vec<ControlResult>> = None;
    for (d, (results, statuses, point)) in dates.iter().zip(per_date) {
        for (ctrl, status) in controls.iter_mut().zip(statuses) {
            ctrl.history.push((d.date_naive(), status));
        }
        if results.is_some() {
            before = results;
        }
        history.push(point);
    }
    let changes = match since {
        Some(s) => timeline::changes(
            &before.unwrap_or_else(|| evaluate_controls(&ctx_at(s), inputs.catalog)),
            &controls,
            &findings,
            &waivers,
            s,
            as_of,
        ),
        None => Changes::default(),
    };
    let statuses = timeline::count_statuses(&controls);
    let images = summaries::images(&ctx, &owners, &findings, &controls);
    summaries::link_images(&ctx, &mut findings, &images);
    let teams = summaries::teams(inputs.config, &findings);
    let attestations = inputs
        .attestations
        .iter()
        .map(|a| timeline::attestation_state(a, as_of.date_naive()))
        .collect();
    let excluded_records = index.excluded_count();
    let mut sources = inputs.sources.to_vec();
    let evidence = period::evidence_period(inputs.records, &mut sources, inputs.config, as_of);
    Report {
        evidence,
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
        sources,
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
