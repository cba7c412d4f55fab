//! `platform`: one platform setting (`setting = "trusted-launch"`) judged over every
//! resource in scope that the setting concerns (clusters, node pools, registries,
//! container groups, role assignments, policy states). It passes when every such
//! resource's fact holds; it fails when one fails on a production resource (the row
//! names the resource and the fact's JSON pointer); it is *not assessed* — "not
//! evidenced: <fields> absent" — when no resource's export carries the fields, and
//! warns when only some do. No absence is ever read as a pass or a fail.
//!
//! A resource's failing setting is a condition judged from its newest export, not a
//! tracked finding: its row *fails the check* with no due date (nothing dates the day
//! the setting began to fail — the resource's first sighting is not that day — so no
//! grace or deadline is claimed), unless a valid waiver covers it. A failing policy
//! state is a tracked finding with the policy grace: its row takes the finding's state
//! and due date (in grace, overdue or waived). Failures outside production only warn.

mod verdict;

use super::super::judge::{classify, covering_waiver, item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, EvidenceItem, FindingState, Param, ReasonCode, Status};
use super::{n, standing, unproven};
use crate::catalog::{Check, Control, Rule};
use crate::ingest::azure_rbac;
use crate::model::{PlatformFacts, PlatformSetting, Record, RecordKind, RoleAssignmentFacts, Text};
use chrono::NaiveDate;
use verdict::{judged_elsewhere, missing_logs, verdict, DefinedRole, Join, Verdict};

/// The `platform` evaluator.
pub struct Platform;

impl Evaluator for Platform {
    fn judge(&self, ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged {
        match check.setting {
            Some(setting) => {
                // Platform facts are on platform resources and on policy states only
                // (`ingest::emit` makes them so):
                // the standing records of those two kinds, in record order.
                let mut carriers: Vec<u32> = [RecordKind::Platform, RecordKind::Policy]
                    .into_iter()
                    .flat_map(|kind| current.of_kind(ctx.records, kind).iter().copied())
                    .collect();
                carriers.sort_unstable();
                platform(ctx, control, setting, &carriers)
            }
            None => Judged::not_assessed(Param::phrase("phrase.platform-setting", Vec::new())),
        }
    }
}

/// Whether platform check `check` counts the finding of failing record `r`: a policy
/// state (the one platform record that is also a tracked finding, see
/// src/ingest/emit.rs) that the check's setting judges failing on its own facts. The
/// controls of such checks are the ones counting the finding (src/evaluate/findings.rs),
/// since a platform check selects by setting, not by selectors.
pub fn counts_finding(check: &Check, r: &Record) -> bool {
    check.rule == Rule::Platform
        && r.kind == RecordKind::Policy
        && check
            .setting
            .zip(r.platform())
            .is_some_and(|(setting, facts)| {
                // Policy states are judged alone: no other resource joins them.
                matches!(
                    verdict(setting, facts, &Join::default()),
                    Verdict::Fails(..)
                )
            })
}

/// At most this many resources are named in a reason (the evidence rows list all).
const NAMED: usize = 8;

fn names(labels: &[Param]) -> Param {
    let shown = Param::list(labels.iter().take(NAMED).cloned().collect(), ", ");
    if labels.len() <= NAMED {
        return shown;
    }
    Param::phrase(
        "phrase.and-more",
        vec![
            ("items", shown),
            ("count", Param::Text((labels.len() - NAMED).to_string())),
        ],
    )
}

/// An evidence row for `r` whose place is the fact that decided ("<resource> —
/// <setting>: <what the export says>").
fn row(
    r: &Record,
    setting: PlatformSetting,
    state: FindingState,
    pointer: Option<&str>,
    says: Param,
) -> EvidenceItem {
    let mut e = item(r, state, None, None);
    let title = Param::phrase(
        "phrase.setting-says",
        vec![
            ("title", Param::Text(r.title.to_string())),
            ("setting", Param::Text(setting.as_str().to_string())),
            ("says", says),
        ],
    );
    e.title = title.plain();
    e.title_param = Some(title);
    if let Some(p) = pointer {
        e.provenance.pointer = Some(p.into());
    }
    e
}

/// The pointer and words of a row whose verdict cites `pointer` and `says`. For a role
/// assignment naming its role only by id (`by_definition`: the assignment and the role
/// definition that names its role), the role name comes from another file, which may
/// be of another date: the row cites the assignment's role definition id, the field
/// the role was resolved from, and says where the name was read ("… (role name from
/// FILE:LINE#POINTER)"), so that each of its statements is traceable.
fn cite(
    by_definition: Option<(&RoleAssignmentFacts, &DefinedRole)>,
    pointer: Text,
    says: String,
) -> (Text, Param) {
    let Some((a, role)) = by_definition else {
        return (pointer, says.into());
    };
    let pointer = Some(a.role_definition_at.clone())
        .filter(|p| !p.is_empty())
        .unwrap_or(pointer);
    let says = Param::phrase(
        "phrase.role-named-by-definition",
        vec![
            ("says", Param::Text(says)),
            ("source", Param::Text(role.read_at.to_string())),
        ],
    );
    (pointer, says)
}

/// The row state, due date and waiver of resource `i`, whose setting fails: a policy
/// state as the finding it is ([`classify`]: its row agrees with the finding's due
/// date); any other resource's setting as a condition, failing with no due date or
/// waived (see the module comment).
fn failing(
    ctx: &Ctx<'_>,
    control: &Control,
    r: &Record,
    i: usize,
) -> (FindingState, Option<NaiveDate>, Option<String>) {
    match r.kind {
        RecordKind::Policy => classify(ctx, Some(control), r, i),
        _ => match covering_waiver(ctx, Some(control), r, i) {
            Some(w) => (FindingState::Waived, None, Some(w.id.clone())),
            None => (FindingState::Failing, None, None),
        },
    }
}

fn platform(ctx: &Ctx<'_>, control: &Control, setting: PlatformSetting, current: &[u32]) -> Judged {
    let resources: Vec<(usize, &Record)> = standing(ctx, current)
        .filter(|(_, r)| r.platform().is_some())
        .collect();
    let mut join = Join::default();
    for (_, r) in &resources {
        join.add(r);
    }
    let (mut holds, mut absent, mut open, mut outside, mut grace, mut waived) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        0usize,
        0usize,
    );
    let mut unproven_holds: Vec<&Record> = Vec::new();
    // The findings counted in `grace` (policy states), by finding id.
    let mut in_grace = Vec::new();
    let mut missing: Vec<Param> = Vec::new();
    let mut earliest_due = None;
    let mut rows: Vec<(u8, EvidenceItem)> = Vec::new();
    for (i, r) in resources {
        let Some(facts) = r.platform() else {
            continue;
        };
        if judged_elsewhere(setting, r, &join) {
            continue;
        }
        let verdict = verdict(setting, facts, &join);
        if verdict == Verdict::NotApplicable {
            continue;
        }
        // What the rows and the reason show of it: a role assignment naming its role
        // only by id, with the role a role-definition export gives it. The judgement
        // (waivers, production scope, freshness) reads the record itself.
        let by_definition = match facts {
            PlatformFacts::RoleAssignment(a) => join.role_by_definition(a).map(|d| (a, d)),
            _ => None,
        };
        let resolved =
            by_definition.and_then(|(_, role)| azure_rbac::with_resolved_role(r, &role.name));
        let shown = resolved.as_ref().unwrap_or(r);
        let label = Param::subject(&shown.subject);
        let cited = |pointer: Text, says: String| cite(by_definition, pointer, says);
        match verdict {
            Verdict::NotApplicable => {}
            Verdict::Absent => {
                absent.push(label);
                rows.push((
                    3,
                    row(
                        shown,
                        setting,
                        FindingState::Info,
                        None,
                        Param::phrase("phrase.not-evidenced", Vec::new()),
                    ),
                ));
            }
            Verdict::Holds(pointer, says) if !ctx.proves_now(r) => {
                // A snapshot: an undated or stale export shows the setting, never proves it.
                unproven_holds.push(r);
                let (pointer, says) = cited(pointer, says);
                rows.push((
                    3,
                    row(shown, setting, FindingState::Info, Some(&pointer), says),
                ));
            }
            Verdict::Holds(pointer, says) => {
                holds.push(label);
                let (pointer, says) = cited(pointer, says);
                rows.push((
                    4,
                    row(shown, setting, FindingState::Passed, Some(&pointer), says),
                ));
            }
            Verdict::Fails(pointer, says) => {
                let (state, due, waiver) = failing(ctx, control, r, i);
                let (pointer, says) = cited(pointer, says);
                let mut e = row(shown, setting, state, Some(&pointer), says);
                e.due = due;
                e.waiver = waiver;
                let rank = match state {
                    FindingState::Waived => {
                        waived += 1;
                        2
                    }
                    // Only a policy state is ever in grace (a setting has none: see `failing`).
                    FindingState::InGrace => {
                        grace += 1;
                        in_grace.push((ctx.finding_id(i).unwrap_or(u32::MAX), due));
                        earliest_due = earliest_due.min(due).or(due);
                        1
                    }
                    // Outside production the control only warns, but the row says
                    // what the export says, as the evidence rule's rows do: it fails
                    // the setting (a policy state: overdue, with its due date).
                    _ if !ctx.production(i) => {
                        outside.push(label);
                        1
                    }
                    _ => {
                        // Resource logs: the reason names the categories not collected.
                        match missing_logs(setting, facts) {
                            Some(m) if !m.is_empty() => {
                                let logs = m.iter().map(|l| l.as_str()).collect::<Vec<_>>();
                                missing.push(Param::list(
                                    vec![label.clone(), Param::Text(logs.join(", "))],
                                    " — ",
                                ));
                            }
                            _ => {}
                        }
                        open.push(label);
                        0
                    }
                };
                rows.push((rank, e));
            }
        }
    }
    rows.sort_by_key(|(rank, _)| *rank);
    let evidence: Vec<EvidenceItem> = rows.into_iter().map(|(_, e)| e).collect();
    let field = Param::reads(setting);
    let j = if !open.is_empty() && missing.len() == open.len() {
        Judged::with(
            Status::Fail,
            ReasonCode::LogsNotCollected,
            vec![
                ("count", Param::Text(n(open.len()))),
                ("items", names(&missing)),
            ],
        )
    } else if !open.is_empty() {
        Judged::with(
            Status::Fail,
            ReasonCode::PlatformFails,
            vec![
                ("count", Param::Text(n(open.len()))),
                ("items", names(&open)),
            ],
        )
    } else if grace > 0 {
        let due = earliest_due.map(|d| d.to_string()).unwrap_or_default();
        let mut j = Judged::new(
            Status::Warning,
            ReasonCode::InGrace,
            &[("count", n(grace)), ("due", due)],
        );
        j.counted.in_grace = in_grace;
        j
    } else if !outside.is_empty() {
        Judged::with(
            Status::Warning,
            ReasonCode::PlatformOutside,
            vec![
                ("count", Param::Text(n(outside.len()))),
                ("items", names(&outside)),
            ],
        )
    } else if waived > 0 {
        Judged::new(Status::Waived, ReasonCode::Waived, &[("count", n(waived))])
    } else if let Some(mut stale) = unproven(ctx, unproven_holds.iter().copied()) {
        // Holding but stale or undated: not assessed, or a warning beside fresh passes.
        if !holds.is_empty() {
            stale.status = Status::Warning;
        }
        stale
    } else if !holds.is_empty() && !absent.is_empty() {
        Judged::with(
            Status::Warning,
            ReasonCode::PlatformPartial,
            vec![
                ("count", Param::Text(n(absent.len()))),
                ("items", names(&absent)),
                ("field", field),
            ],
        )
    } else if !holds.is_empty() {
        Judged::with(
            Status::Pass,
            ReasonCode::PlatformHolds,
            vec![
                ("count", Param::Text(n(holds.len()))),
                ("items", names(&holds)),
            ],
        )
    } else if !absent.is_empty() {
        Judged::with(
            Status::NotAssessed,
            ReasonCode::NotEvidenced,
            vec![("field", field), ("count", Param::Text(n(absent.len())))],
        )
    } else {
        Judged::not_assessed(format!("platform: {}", setting.resources()))
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests;
