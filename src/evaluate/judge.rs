//! Judging one check: the [`Evaluator`] its catalog rule names turns the evidence
//! standing at one date into a status with its reason. What every evaluator shares
//! lives here: the waiver covering a record, a failing record's place in its
//! remediation life cycle (waived, no fix, in grace, overdue), and evidence rows.

use super::view::Current;
use super::waivers::Waiver;
use super::{rules, vex};
use super::{CheckResult, Ctx, EvidenceItem, FindingState, Param, Reason, ReasonCode, Status};
use crate::catalog::{Check, Control};
use crate::model::{ImageRef, Record, RecordKind, Severity};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Evidence items shown per check; the rest is counted (the CSV has everything).
pub const EVIDENCE_CAP: usize = 50;

/// The result of one check at one date.
pub struct Judged {
    /// Status.
    pub status: Status,
    /// Reason.
    pub reason: Reason,
    /// Evidence shown (at most [`EVIDENCE_CAP`] for record-level checks).
    pub evidence: Vec<EvidenceItem>,
    /// Evidence considered, before capping.
    pub total: usize,
    /// The newest dated evidence considered (shown or not), at or before the date.
    pub newest: Option<DateTime<Utc>>,
    /// The findings behind the number in the reason, when it counts findings.
    pub counted: CountedFindings,
}

/// The findings a check's reason counts ("open failures past their grace period: N",
/// "failures inside their grace period: N"), by finding id. A control whose reason is
/// its worst check's counts them across all its checks that say the same
/// ([`control_reason`]), so that its number is the number of its findings in that
/// state, not one check's.
#[derive(Debug, Clone, Default)]
pub struct CountedFindings {
    /// Open failures past their grace period, in production.
    pub overdue: Vec<u32>,
    /// Failures inside their grace period, with their due dates.
    pub in_grace: Vec<(u32, Option<NaiveDate>)>,
}

impl Judged {
    /// A judgement with its reason and no evidence yet.
    pub fn new(status: Status, code: ReasonCode, params: &[(&str, String)]) -> Judged {
        Judged {
            status,
            reason: Reason::new(code, params),
            evidence: Vec::new(),
            total: 0,
            newest: None,
            counted: CountedFindings::default(),
        }
    }

    /// A judgement with typed parameters (words and dates localised at render time).
    pub fn with(status: Status, code: ReasonCode, params: Vec<(&str, Param)>) -> Judged {
        Judged {
            status,
            reason: Reason::with(code, params),
            evidence: Vec::new(),
            total: 0,
            newest: None,
            counted: CountedFindings::default(),
        }
    }

    /// A judgement naming the subjects it is about: `count` and the `items` listed.
    pub fn listed<P: Clone + Into<Param>>(status: Status, code: ReasonCode, items: &[P]) -> Judged {
        Judged::with(
            status,
            code,
            vec![
                ("count", Param::Text(items.len().to_string())),
                (
                    "items",
                    Param::list(items.iter().cloned().map(Into::into).collect(), ", "),
                ),
            ],
        )
    }

    /// A pass: every one of `total` subjects is covered by current evidence.
    pub fn covered(covered: usize, total: usize) -> Judged {
        Judged::new(
            Status::Pass,
            ReasonCode::Covered,
            &[
                ("covered", covered.to_string()),
                ("total", total.to_string()),
            ],
        )
    }

    /// Nothing that could assess the check was found (`what`: the evidence looked for).
    pub fn not_assessed(what: impl Into<Param>) -> Judged {
        Judged::with(
            Status::NotAssessed,
            ReasonCode::NoEvidence,
            vec![("selectors", what.into())],
        )
    }

    /// The same judgement with its evidence rows (all of them: the newest date is
    /// taken from them).
    pub fn with_evidence(mut self, evidence: Vec<EvidenceItem>) -> Judged {
        self.newest = last_time(&evidence);
        self.evidence = evidence;
        self
    }
}

impl CountedFindings {
    /// Whether these are the findings behind `reason`'s number (only the rules that
    /// count findings fill them; another rule's reason of the same code counts
    /// something else).
    fn behind(&self, reason: &Reason) -> bool {
        let count = match reason.code {
            ReasonCode::OpenFailures => self.overdue.len(),
            ReasonCode::InGrace => self.in_grace.len(),
            _ => return false,
        };
        reason.params.get("count") == Some(&Param::Text(count.to_string()))
    }
}

/// A control's reason when its worst required check decides it: that check's reason,
/// with its number counted across every check of the control (required or not) of the
/// same status that says the same thing. "Open failures past their grace period: N"
/// is then the number of the control's findings in that state, each once, as the
/// findings page lists them for the control, not one check's share of them; the due
/// date is the control's earliest. `checks`: every check of the control with the
/// findings its reason counts.
pub fn control_reason(worst: &CheckResult, checks: &[(&CheckResult, &CountedFindings)]) -> Reason {
    let same: Vec<&CountedFindings> = checks
        .iter()
        .filter(|(c, _)| c.status == worst.status && c.reason.code == worst.reason.code)
        .map(|(c, k)| k.behind(&c.reason).then_some(*k))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if same.len() < 2 {
        return worst.reason.clone();
    }
    match worst.reason.code {
        ReasonCode::OpenFailures => {
            let ids: std::collections::BTreeSet<u32> = same
                .iter()
                .flat_map(|k| k.overdue.iter().copied())
                .collect();
            Reason::new(
                ReasonCode::OpenFailures,
                &[("count", ids.len().to_string())],
            )
        }
        ReasonCode::InGrace => {
            let mut ids = std::collections::BTreeSet::new();
            let mut due: Option<NaiveDate> = None;
            for (id, d) in same.iter().flat_map(|k| k.in_grace.iter()) {
                ids.insert(*id);
                due = due.min(*d).or(*d);
            }
            let due = due.map(|d| d.to_string()).unwrap_or_default();
            Reason::new(
                ReasonCode::InGrace,
                &[("count", ids.len().to_string()), ("due", due)],
            )
        }
        _ => worst.reason.clone(),
    }
}

/// One evaluator: a way of judging a check from the evidence standing at `ctx.at`.
/// Each lives in its own file under `rules/`, with its own tests.
pub trait Evaluator: Sync {
    /// Judge `check` of `control` over the standing records.
    fn judge(&self, ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged;
}

/// Evaluate a check over the records standing at `ctx.at`.
pub fn judge(ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged {
    let mut j = rules::evaluator(check.rule).judge(ctx, control, check, current);
    j.total = j.total.max(j.evidence.len());
    j
}

/// Grace days for a failing record, or `None` when no grace applies (secrets,
/// activity, high-risk controls). Runtime alerts get the triage deadlines of
/// `[grace.alerts]` instead of fix deadlines; an admission violation (a pod admitted
/// against a Pod Security level) is graced like the policy failure it is.
fn grace_days(ctx: &Ctx<'_>, control: Option<&Control>, r: &Record, idx: usize) -> Option<i64> {
    let graced_kind = matches!(
        r.kind,
        RecordKind::Vulnerability
            | RecordKind::Misconfiguration
            | RecordKind::Policy
            | RecordKind::Admission
            | RecordKind::Benchmark
            | RecordKind::Alert
    );
    if control.is_some_and(|c| c.high_risk) || !graced_kind {
        return None;
    }
    if r.kind == RecordKind::Alert {
        let a = &ctx.config.grace.alerts;
        return Some(match r.severity {
            _ if ctx.config.strict() => 0,
            Severity::Critical => a.critical,
            Severity::High => a.high,
            Severity::Medium | Severity::Unknown => a.medium,
            Severity::Low | Severity::None => a.low,
        });
    }
    if ctx.known_exploited(idx) {
        return Some(ctx.config.grace.known_exploited);
    }
    if ctx.config.strict() {
        return Some(0);
    }
    let g = &ctx.config.grace;
    Some(match r.severity {
        Severity::Critical => g.critical,
        Severity::High => g.high,
        Severity::Medium | Severity::Unknown => g.medium,
        Severity::Low | Severity::None => g.low,
    })
}

/// The waiver that covered a record under a control and expired before `date` (the
/// latest to expire), if any: shown on findings no valid waiver covers.
pub fn expired_waiver_for<'w>(
    waivers: &'w [Waiver],
    control: &str,
    r: &Record,
    date: NaiveDate,
) -> Option<&'w Waiver> {
    waivers
        .iter()
        .filter(|w| w.expires_on < date && w.covers(control, r))
        .max_by_key(|w| w.expires_on)
}

/// The waiver covering a record on a date, if any.
pub fn waiver_for<'w>(
    waivers: &'w [Waiver],
    control: &str,
    r: &Record,
    date: NaiveDate,
) -> Option<&'w Waiver> {
    waivers
        .iter()
        .find(|w| w.valid_on(date) && w.covers(control, r))
}

/// The waiver covering a record on a date under its own image name or any other
/// name of the same image (`names`): one image, one finding, one waiver.
fn waiver_for_image<'w>(
    waivers: &'w [Waiver],
    control: &str,
    r: &Record,
    names: &[ImageRef],
    date: NaiveDate,
) -> Option<&'w Waiver> {
    waiver_for(waivers, control, r, date).or_else(|| {
        // Only when the image has other names (its own name was just tried).
        if names.len() < 2 {
            return None;
        }
        waivers
            .iter()
            .find(|w| w.valid_on(date) && names.iter().any(|i| w.covers_as(control, r, Some(i))))
    })
}

/// The valid waiver covering failing record `idx` on the report date under a control
/// (or under none, for a failure no control maps), by any name of its image: the
/// lookup [`classify`] makes, for evaluators that judge a failure as a condition
/// rather than as a finding with a due date.
pub fn covering_waiver<'w>(
    ctx: &Ctx<'w>,
    control: Option<&Control>,
    r: &Record,
    idx: usize,
) -> Option<&'w Waiver> {
    let control_id = control.map_or("*", |c| c.id.as_str());
    waiver_for_image(
        ctx.waivers,
        control_id,
        r,
        ctx.image_names(idx),
        ctx.at.date_naive(),
    )
}

/// Classify a failing record under a control (or under none, for a failure no control
/// maps): closed by VEX, waived, triaged (alerts), no fix, in grace or overdue (with
/// its due date). A failure no grace applies to was due the day it was first seen. A
/// failure no report dated has unknown age: it is overdue, with no due date, and never
/// starts a grace clock.
pub fn classify(
    ctx: &Ctx<'_>,
    control: Option<&Control>,
    r: &Record,
    idx: usize,
) -> (FindingState, Option<NaiveDate>, Option<String>) {
    let date = ctx.at.date_naive();
    let waiver = covering_waiver(ctx, control, r, idx);
    // A VEX statement that the product is not affected (or fixed) closes it, waived or
    // not (the waiver stays shown).
    if r.kind == RecordKind::Vulnerability && vex::closes(ctx, idx) {
        return (FindingState::VexClosed, None, waiver.map(|w| w.id.clone()));
    }
    if let Some(w) = waiver {
        return (FindingState::Waived, None, Some(w.id.clone()));
    }
    if ctx.triaged(idx).is_some() {
        return (FindingState::Triaged, None, None);
    }
    if r.vuln().is_some_and(|v| !v.fixable) {
        return (FindingState::NoFix, None, None);
    }
    let Some(first) = ctx.first_seen(idx) else {
        return (FindingState::Overdue, None, None);
    };
    // No grace (secrets, high-risk configuration, activity): due the day it was
    // first seen, and overdue from then on.
    let Some(days) = grace_days(ctx, control, r, idx) else {
        return (FindingState::Overdue, Some(first.date_naive()), None);
    };
    let due = (first + Duration::days(days)).date_naive();
    if date > due {
        (FindingState::Overdue, Some(due), None)
    } else {
        (FindingState::InGrace, Some(due), None)
    }
}

/// Make an evidence item for the tables.
pub fn item(
    r: &Record,
    state: FindingState,
    due: Option<NaiveDate>,
    waiver: Option<String>,
) -> EvidenceItem {
    EvidenceItem {
        kind: r.kind.as_str().to_string(),
        format: r.format.id().to_string(),
        check: r.check.to_string(),
        title: r.title.to_string(),
        // muster's own check titles in the site's language.
        title_param: Param::record_title(r),
        // Words in a subject's label ("cluster X") in the site's language.
        subject_param: Param::subject_words(&r.subject),
        outcome: r.outcome.as_str().to_string(),
        severity: r.severity,
        subject: r.subject.label(),
        observed_at: r.observed_at,
        dated_from_path: r.dated_from_path,
        count: u64::from(r.count),
        state,
        due,
        waiver,
        provenance: r.provenance.clone(),
    }
}

/// The newest time in a set of evidence.
pub fn last_time(items: &[EvidenceItem]) -> Option<DateTime<Utc>> {
    items.iter().filter_map(|e| e.observed_at).max()
}
