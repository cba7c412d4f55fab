//! `evidence` (and `vulnerabilities`): the selected records decide. An open failure
//! past its grace period fails; failures in grace or without a fix warn; tool warnings
//! warn; waived failures waive; triaged alerts are closed; vulnerabilities a VEX
//! statement closes are not failures (the scan that reported them still proves). A
//! pass needs proof of the right kind, dated and fresh: a passing result, or a scan
//! that could have reported the check and did not itself report a failure for it, or,
//! for checks that select only runtime alerts, sensors able to raise them watching
//! every node in scope for the whole window.
//!
//! A scan's silence proves a check absent only if that scan could have reported that
//! check ([`Need`]): a scan of the right class; for a configuration check id, a scan
//! in the same tool's numbering (Trivy `KSV`/`KCV`/`DS`/`AVD` ids, Kubescape `C-…`,
//! Polaris `polaris:…`) that ran the check's family on its target (workload checks on
//! a workload, RBAC checks on a Role, control-plane checks on the control plane: a
//! trivy-operator audit of a Deployment proves nothing about etcd, a Service or an
//! Ingress). A scan that lists every check it ran ([`RanChecks`]) ran no other, so its
//! silence proves no check it does not list. A check id of unknown numbering or family
//! is never proven by silence. Informational records prove nothing; undated or stale
//! positive evidence is shown and turns the check "not assessed". The reason of a pass
//! says whether passing results, silent scans or both prove it.

use super::super::coverage::{self, NodeState};
use super::super::judge::{classify, item, CountedFindings, Evaluator, Judged, EVIDENCE_CAP};
use super::super::view::Current;
use super::super::{Ctx, FindingState, Param, Reason, ReasonCode, Status};
use super::n;
use crate::catalog::{selector_glob, Check, Control};
use crate::model::{
    CheckNumbering, ConfigFamilies, ConfigFamily, Facts, Outcome, RanChecks, Record, RecordKind,
    ScanClass, Severity,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The `evidence` evaluator.
pub struct Evidence;

/// Which scan a record came from: its file, time and target.
type ScanId<'r> = (&'r str, Option<DateTime<Utc>>, Option<usize>);

/// What a scan must have been able to report for its silence to prove one selector
/// absent.
enum Need<'c> {
    /// Any scan of this class (a vulnerability or secret scan; every configuration
    /// scan that says which families it ran, for a selector naming no check).
    Class(ScanClass),
    /// A configuration scan in this tool's numbering that ran this family of checks,
    /// and, when it lists the checks it ran, one matching this id glob.
    Config(CheckNumbering, ConfigFamily, &'c str),
    /// Nothing can: a configuration check id whose tool or family is unknown.
    Unprovable,
}

/// What a scan record says it was able to report.
struct Ability<'r> {
    class: ScanClass,
    families: ConfigFamilies,
    numbering: Option<CheckNumbering>,
    ran: Option<&'r RanChecks>,
}

impl<'c> Need<'c> {
    fn of(kind: RecordKind, glob: Option<&'c str>) -> Option<Need<'c>> {
        let class = ScanClass::able_to_report(kind)?;
        Some(match glob {
            Some(id) if class == ScanClass::Configuration => {
                match (CheckNumbering::of_check(id), ConfigFamily::of_check(id)) {
                    (Some(numbering), Some(family)) => Need::Config(numbering, family, id),
                    _ => Need::Unprovable,
                }
            }
            _ => Need::Class(class),
        })
    }

    fn met_by(&self, scan: &Ability<'_>) -> bool {
        match *self {
            // A configuration scan proves a selector naming no check only when it says
            // which families it ran and, when it lists the checks it ran, lists one.
            Need::Class(c) => {
                c == scan.class
                    && (c != ScanClass::Configuration
                        || (!scan.families.is_empty()
                            && scan.ran.is_none_or(|ran| !ran.is_empty())))
            }
            // A scan that lists the checks it ran ran only those: a check it does not
            // list was not run, whatever the family of the object it audited.
            Need::Config(n, f, glob) => {
                scan.class == ScanClass::Configuration
                    && scan.numbering == Some(n)
                    && scan.families.contains(f)
                    && scan
                        .ran
                        .is_none_or(|ran| ran.any(|id| selector_glob(glob, id)))
            }
            Need::Unprovable => false,
        }
    }
}

/// A piece of evidence before it is shown: state, severity, record index, due date, waiver.
type Candidate = (
    FindingState,
    Severity,
    usize,
    Option<NaiveDate>,
    Option<String>,
    Option<NodeRow>,
);

/// In a [`Candidate`]: the row is about a node's sensor coverage (its index in
/// [`Tally::nodes`]), shown by the record it cites.
type NodeRow = u32;

impl Evaluator for Evidence {
    fn judge(&self, ctx: &Ctx<'_>, control: &Control, check: &Check, current: &Current) -> Judged {
        let mut t = Tally::default();
        t.select(ctx, control, check, current);
        let alert_only = check.selectors.iter().all(|s| s.kind == RecordKind::Alert);
        if alert_only {
            t.alert_coverage(ctx, check, current);
        } else {
            t.able_scans(ctx, check, current);
        }
        t.judge(ctx, check)
    }
}

/// What the selected evidence says, counted.
#[derive(Default)]
struct Tally<'r> {
    picked: Vec<Candidate>,
    /// How many candidates were picked in all (`picked` keeps only the ones that can
    /// still be shown: see [`Tally::pick`]).
    picked_total: usize,
    /// The newest observation, up to the evaluation date, of any picked record.
    picked_newest: Option<DateTime<Utc>>,
    open: usize,
    grace: usize,
    /// The findings counted in `open` and `grace`.
    counted: CountedFindings,
    nofix: usize,
    waived: usize,
    triaged: usize,
    /// Failures a VEX statement closes (they neither fail nor prove).
    vex_closed: usize,
    warned: usize,
    /// Selected passing results that prove (a tool said the check passed).
    passed: usize,
    /// Scans whose silence proves (they could have reported a failure and did not).
    silent: usize,
    /// The reports (file, report time) those scans belong to: one Trivy run with
    /// `--include-non-failures` has one scan record per target, and counts once.
    silent_reports: HashSet<(&'r str, Option<DateTime<Utc>>), foldhash::fast::RandomState>,
    earliest_due: Option<NaiveDate>,
    /// Formats whose records proved the pass.
    sources: BTreeSet<&'static str>,
    /// Positive evidence that proves nothing: undated records, and the newest stale one.
    undated: usize,
    newest_stale: Option<(DateTime<Utc>, Duration)>,
    /// The scans (file, time, target) that reported a failure for this check.
    failing_scans: HashSet<ScanId<'r>, foldhash::fast::RandomState>,
    /// A judgement decided by sensor coverage, for alert-only checks.
    coverage: Option<(Status, Reason)>,
    /// The nodes whose coverage rows were picked ([`NodeRow`] indexes them).
    nodes: Vec<coverage::NodeCoverage>,
}

impl<'r> Tally<'r> {
    /// Count every selected standing record.
    fn select(&mut self, ctx: &'r Ctx<'_>, control: &Control, check: &Check, current: &Current) {
        // Per finding, the strictest state of its records (two tools reporting it, or
        // two workloads running the image, count once), production first.
        let mut counted: HashMap<u32, (FindingState, bool, Option<NaiveDate>), _> =
            HashMap::with_hasher(foldhash::fast::RandomState::default());
        let mut kinds: Vec<RecordKind> = check.selectors.iter().map(|s| s.kind).collect();
        kinds.sort();
        kinds.dedup();
        // The standing records the check selects, kind by kind, in record order.
        let selected = current.selected_by(check.gid, |i| ctx.selected_gids(i));
        for kind in &kinds {
            for i in selected.iter().map(|&i| i as usize) {
                let Some(r) = ctx.records.get(i).filter(|r| r.kind == *kind) else {
                    continue;
                };
                if !ctx.predicates_hold(check, i) || ctx.excluded(i) {
                    continue;
                }
                match r.outcome {
                    Outcome::Fail => {
                        let (state, due, waiver) = classify(ctx, Some(control), r, i);
                        // A failure a VEX statement closes is not one: its scan can
                        // still prove that nothing else is open.
                        if state != FindingState::VexClosed {
                            self.failing_scans.insert(scan_of(ctx, r, i));
                        }
                        let this = (state, !ctx.production(i), due);
                        counted
                            .entry(ctx.finding_id(i).unwrap_or(u32::MAX))
                            .and_modify(|e| {
                                if (this.0, this.1) < (e.0, e.1) {
                                    *e = this;
                                }
                            })
                            .or_insert(this);
                        self.pick(ctx, (state, r.severity, i, due, waiver, None));
                    }
                    Outcome::Warn => {
                        self.warned += 1;
                        self.pick(ctx, (FindingState::Info, r.severity, i, None, None, None));
                    }
                    Outcome::Pass => self.passed += usize::from(self.positive(ctx, r, i)),
                    _ => {}
                }
            }
        }
        for (id, (state, outside, due)) in counted {
            match state {
                FindingState::VexClosed => self.vex_closed += 1,
                FindingState::Waived => self.waived += 1,
                FindingState::Triaged => self.triaged += 1,
                FindingState::NoFix => self.nofix += 1,
                FindingState::InGrace => {
                    self.grace += 1;
                    self.counted.in_grace.push((id, due));
                    self.earliest_due = self.earliest_due.min(due).or(due);
                }
                _ if outside => self.warned += 1,
                _ => {
                    self.open += 1;
                    self.counted.overdue.push(id);
                }
            }
        }
    }

    /// Count a candidate and keep it while it can still be among the shown ones: the
    /// order of [`shown_first`] is total (the record index decides ties), so trimming
    /// to the first [`EVIDENCE_CAP`] as candidates come keeps exactly the ones a single
    /// sort of all of them would show, without holding one per selected record.
    fn pick(&mut self, ctx: &Ctx<'_>, candidate: Candidate) {
        self.picked_total += 1;
        let seen = ctx.records.get(candidate.2).and_then(|r| r.observed_at);
        if let Some(t) = seen.filter(|t| *t <= ctx.at) {
            self.picked_newest = self.picked_newest.max(Some(t));
        }
        self.picked.push(candidate);
        if self.picked.len() >= 4 * EVIDENCE_CAP {
            shown_first(&mut self.picked);
        }
    }

    /// A record that could prove a pass: it does (and this says so) when dated and fresh.
    fn positive(&mut self, ctx: &Ctx<'_>, r: &Record, i: usize) -> bool {
        if ctx.proves_now(r) {
            self.sources.insert(r.format.id());
            self.pick(ctx, (FindingState::Passed, r.severity, i, None, None, None));
            return true;
        }
        match (r.observed_at, ctx.freshness(r)) {
            (Some(t), Some(limit)) => {
                if self.newest_stale.is_none_or(|(n, _)| t > n) {
                    self.newest_stale = Some((t, limit));
                }
            }
            _ => self.undated += 1,
        }
        self.pick(ctx, (FindingState::Info, r.severity, i, None, None, None));
        false
    }

    /// Scans able to see what the check selects are evidence of absence, unless the
    /// same scan reported a failure for this check. Able means the scan could have
    /// reported the check: the right class; for a configuration check id, the same
    /// tool's numbering (a Trivy audit never emits a Kubescape or Polaris id) and a
    /// family of checks the scan ran on its target (a Dockerfile scan says nothing
    /// about an API server, a Deployment audit nothing about a Role, a Service, an
    /// Ingress or etcd); and the check's subject predicates hold for it.
    fn able_scans(&mut self, ctx: &'r Ctx<'_>, check: &Check, current: &Current) {
        let needs: Vec<Need> = check
            .selectors
            .iter()
            .filter_map(|s| Need::of(s.kind, s.glob.as_deref()))
            .collect();
        if needs.is_empty() {
            return;
        }
        for i in current
            .of_kind(ctx.records, RecordKind::Scan)
            .iter()
            .map(|&i| i as usize)
        {
            let Some(r) = ctx.records.get(i) else {
                continue;
            };
            let Facts::Scan {
                class,
                families,
                numbering,
                ran,
                ..
            } = &r.facts
            else {
                continue;
            };
            let scan = Ability {
                class: *class,
                families: *families,
                numbering: *numbering,
                ran: ran.as_deref(),
            };
            let able = needs.iter().any(|need| need.met_by(&scan));
            if able
                && !ctx.excluded(i)
                && ctx.subject_predicates_hold(check, r)
                && !self.failing_scans.contains(&scan_of(ctx, r, i))
                && self.positive(ctx, r, i)
            {
                self.silent += 1;
                self.silent_reports
                    .insert((r.provenance.file.as_str(), ctx.report_at(i)));
            }
        }
    }

    /// No alert proves nothing by itself: sensors able to raise the selected alerts must
    /// have watched every node in scope for the whole window.
    fn alert_coverage(&mut self, ctx: &Ctx<'_>, check: &Check, current: &Current) {
        let capable = |s| check.sensors.is_empty() || check.sensors.contains(&s);
        let nodes = coverage::nodes(ctx, current, &capable);
        let sensors = if check.sensors.is_empty() {
            Param::phrase("phrase.any-sensor", Vec::new())
        } else {
            Param::Text(
                check
                    .sensors
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        let mut gaps = Vec::new();
        for (k, c) in nodes.iter().enumerate() {
            let state = if c.state == NodeState::Covered {
                FindingState::Passed
            } else {
                gaps.push(c.label());
                FindingState::Failing
            };
            let row = Some(k as NodeRow);
            self.pick(ctx, (state, Severity::None, c.shown_by, None, None, row));
        }
        let watched = nodes.iter().any(|c| c.state != NodeState::Uncovered);
        let node_count = nodes.len();
        self.nodes = nodes;
        self.coverage = Some(if !watched {
            (
                Status::NotAssessed,
                Reason::with(ReasonCode::NoCapableSensor, vec![("sensors", sensors)]),
            )
        } else if gaps.is_empty() {
            (
                Status::Pass,
                Reason::with(
                    ReasonCode::NoAlerts,
                    vec![
                        (
                            "days",
                            n(ctx.config.report.window_days.max(1) as usize).into(),
                        ),
                        ("sensors", sensors),
                        ("nodes", n(node_count).into()),
                    ],
                ),
            )
        } else {
            (
                Status::Warning,
                Reason::with(
                    ReasonCode::SensorGaps,
                    vec![
                        ("sensors", sensors),
                        ("count", n(gaps.len()).into()),
                        ("items", Param::list(gaps, ", ")),
                    ],
                ),
            )
        });
    }

    /// The status, its reason and the evidence shown.
    fn judge(mut self, ctx: &Ctx<'_>, check: &Check) -> Judged {
        let total = self.picked_total;
        let newest = self.picked_newest;
        shown_first(&mut self.picked);
        let evidence = self
            .picked
            .iter()
            .filter_map(|(state, _, i, due, waiver, node)| match node {
                Some(k) => self.nodes.get(*k as usize)?.row(ctx, *state),
                None => ctx
                    .records
                    .get(*i)
                    .map(|r| item(r, *state, *due, waiver.clone())),
            })
            .collect();
        let counted = std::mem::take(&mut self.counted);
        let (status, reason) = self.verdict(ctx, check);
        Judged {
            status,
            reason,
            evidence,
            total,
            newest,
            counted,
        }
    }

    fn verdict(self, ctx: &Ctx<'_>, check: &Check) -> (Status, Reason) {
        if self.open > 0 {
            return (
                Status::Fail,
                Reason::new(ReasonCode::OpenFailures, &[("count", n(self.open))]),
            );
        }
        if self.grace > 0 {
            let due = self.earliest_due.map(|d| d.to_string()).unwrap_or_default();
            return (
                Status::Warning,
                Reason::new(
                    ReasonCode::InGrace,
                    &[("count", n(self.grace)), ("due", due)],
                ),
            );
        }
        if self.nofix > 0 {
            return (
                Status::Warning,
                Reason::new(ReasonCode::NoFix, &[("count", n(self.nofix))]),
            );
        }
        if self.warned > 0 {
            return (
                Status::Warning,
                Reason::new(ReasonCode::Warnings, &[("count", n(self.warned))]),
            );
        }
        if self.waived > 0 {
            return (
                Status::Waived,
                Reason::new(ReasonCode::Waived, &[("count", n(self.waived))]),
            );
        }
        if let Some(decided) = self.coverage {
            return decided;
        }
        if self.passed + self.silent > 0 {
            // Say which proof it is: a tool saying the check passed, or a scan that
            // could have reported a failure and reported none.
            let sources = self.sources.into_iter().collect::<Vec<_>>().join(", ");
            let reports = self.silent_reports.len();
            let reason = match (self.passed, self.silent) {
                (passed, 0) => Reason::new(
                    ReasonCode::Passed,
                    &[("count", n(passed)), ("sources", sources)],
                ),
                (0, _) => Reason::new(
                    ReasonCode::PassedByScans,
                    &[("scans", n(reports)), ("sources", sources)],
                ),
                (passed, _) => Reason::new(
                    ReasonCode::PassedAndScans,
                    &[
                        ("count", n(passed)),
                        ("scans", n(reports)),
                        ("sources", sources),
                    ],
                ),
            };
            return (Status::Pass, reason);
        }
        if let Some((t, limit)) = self.newest_stale {
            return (
                Status::NotAssessed,
                Reason::new(
                    ReasonCode::StaleEvidence,
                    &[
                        ("date", t.date_naive().to_string()),
                        ("days", n(limit.num_days() as usize)),
                        ("stale_since", ctx.stale_since(t, limit).to_string()),
                    ],
                ),
            );
        }
        if self.undated > 0 {
            return (
                Status::NotAssessed,
                Reason::new(ReasonCode::UndatedEvidence, &[("count", n(self.undated))]),
            );
        }
        (
            Status::NotAssessed,
            Reason::with(
                ReasonCode::NoEvidence,
                vec![("selectors", looked_for(check))],
            ),
        )
    }
}

/// Keep the first [`EVIDENCE_CAP`] candidates by state, severity (highest first) and
/// record, in that order (equal ones in the order they were picked), without sorting
/// all of them.
fn shown_first(picked: &mut Vec<Candidate>) {
    let order = |c: &Candidate| (c.0, std::cmp::Reverse(c.1), c.2);
    if picked.len() <= EVIDENCE_CAP {
        picked.sort_by_key(order);
        return;
    }
    // With its position, each key is distinct: the first EVIDENCE_CAP are those of a
    // stable sort.
    let mut keyed: Vec<_> = picked
        .iter()
        .enumerate()
        .map(|(at, c)| (order(c), at))
        .collect();
    keyed.select_nth_unstable(EVIDENCE_CAP);
    keyed.truncate(EVIDENCE_CAP);
    keyed.sort_unstable();
    let mut slots: Vec<Option<Candidate>> = std::mem::take(picked).into_iter().map(Some).collect();
    *picked = keyed
        .into_iter()
        .filter_map(|(_, at)| slots.get_mut(at).and_then(Option::take))
        .collect();
}

/// Which scan a record came from: its file, time and target.
fn scan_of<'r>(ctx: &Ctx<'_>, r: &'r Record, i: usize) -> ScanId<'r> {
    (r.provenance.file.as_str(), r.observed_at, ctx.target_id(i))
}

/// What a check looks for, for the no-evidence reason: its selectors as written, then
/// one phrase per benchmark mapping (`benchmark ids for “…” (17)`, localised).
fn looked_for(check: &Check) -> Param {
    let written = check
        .selectors
        .iter()
        .filter(|s| !s.mapped)
        .map(|s| Param::Text(s.text.clone()));
    let mapped = check.benchmarks.iter().map(|b| {
        Param::phrase(
            "phrase.benchmark-ids",
            vec![
                ("about", Param::Localized(b.about.clone())),
                ("count", Param::Text(b.ids.len().to_string())),
            ],
        )
    });
    Param::list(written.chain(mapped).collect(), ", ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{
        alert, control, day, heartbeat, judge_at, judge_rule, result, scan, vuln,
    };
    use super::*;
    use crate::config::Config;
    use crate::evaluate::waivers::parse_waivers;
    use crate::model::{Facts, VulnFacts};

    const VULNS: &str = r#"rule = "vulnerabilities"
select = ["vulnerability"]"#;
    const IMG: &str = "acr.io/shop/web:1.0";

    #[test]
    fn a_passing_result_passes_and_a_failing_one_fails() {
        let at = day(11, 20);
        let sel = r#"select = ["misconfiguration:KSV-0017"]"#;
        let pass = [result(
            RecordKind::Misconfiguration,
            "KSV-0017",
            Outcome::Pass,
            day(11, 19),
        )];
        let j = judge_rule(sel, &pass, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::Passed)
        );
        // High severity: 30 days of grace from first sight, then it fails.
        let fail = [result(
            RecordKind::Misconfiguration,
            "KSV-0017",
            Outcome::Fail,
            day(10, 1),
        )];
        let j = judge_rule(sel, &fail, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::OpenFailures)
        );
    }

    #[test]
    fn the_grace_period_ends_after_its_due_day() {
        // High: first seen 1 October, due 31 October: in grace that day, overdue the next.
        let records = [
            scan(IMG, day(10, 1)),
            vuln(IMG, "CVE-1", Severity::High, day(10, 1)),
        ];
        let j = judge_rule(VULNS, &records, day(10, 31));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::InGrace)
        );
        assert_eq!(j.reason.params["due"], "2026-10-31");
        let j = judge_rule(VULNS, &records, day(11, 1));
        assert_eq!(j.status, Status::Fail);
    }

    #[test]
    fn high_risk_controls_get_no_grace() {
        let records = [vuln(IMG, "CVE-1", Severity::High, day(11, 19))];
        let j = judge_at(
            &control(VULNS, true),
            &records,
            &Config::default(),
            &[],
            day(11, 20),
        );
        assert_eq!(j.status, Status::Fail);
    }

    #[test]
    fn a_vulnerability_without_a_fix_warns() {
        let mut v = vuln(IMG, "CVE-1", Severity::Critical, day(10, 1));
        v.facts = Facts::Vulnerability(VulnFacts::new("bash", "5.1", "", "wont-fix").into());
        let j = judge_rule(VULNS, &[v], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::NoFix)
        );
    }

    #[test]
    fn a_valid_waiver_waives() {
        let mut diags = Vec::new();
        let waivers = parse_waivers(
            "waivers.csv",
            "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
             W-1,T-01,CVE-1,,,accepted,risk-accepted,Ann,2026-10-01,2027-01-01\n",
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let records = [vuln(IMG, "CVE-1", Severity::High, day(9, 1))];
        let j = judge_at(
            &control(VULNS, false),
            &records,
            &Config::default(),
            &waivers,
            day(11, 20),
        );
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Waived, ReasonCode::Waived)
        );
    }

    #[test]
    fn a_scan_able_to_report_the_kind_is_positive_evidence() {
        let j = judge_rule(VULNS, &[scan(IMG, day(11, 19))], day(11, 20));
        assert_eq!(j.status, Status::Pass);
    }

    #[test]
    fn alert_only_checks_pass_only_when_capable_sensors_watched_every_node() {
        let sel = r#"select = ["alert:Terminal shell in container"]"#;
        let at = day(11, 20);
        let j = judge_rule(sel, &[heartbeat("node-1", day(11, 19))], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::NoAlerts)
        );
        // Heartbeats are coverage, never "passing results".
        assert!(j.evidence.iter().all(|e| e.kind == "heartbeat"));
        // A second node the sensor never reported from: no alert there proves nothing.
        let mut other = result(
            RecordKind::Benchmark,
            "cis-1.10:4.1.1",
            Outcome::Pass,
            day(11, 19),
        );
        other.subject.node = Some("node-2".into());
        let j = judge_rule(sel, &[heartbeat("node-1", day(11, 19)), other], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::SensorGaps)
        );
        assert_eq!(j.reason.params["items"], "node-2 (no sensor)");
        // A rule only Tetragon can raise: a Falco heartbeat covers nothing.
        let tet = "select = [\"alert:block-shell\"]\nsensors = [\"tetragon\"]";
        let j = judge_rule(tet, &[heartbeat("node-1", day(11, 19))], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::NoCapableSensor)
        );
    }

    #[test]
    fn an_untriaged_high_alert_is_in_triage_grace_then_overdue_even_after_the_window() {
        let sel = r#"select = ["alert:Terminal shell in container"]"#;
        let shell = alert(
            "Terminal shell in container",
            Severity::High,
            "node-1",
            day(10, 1),
        );
        let records = [shell.clone(), heartbeat("node-1", day(11, 19))];
        // Three days to triage a high alert.
        let j = judge_rule(sel, &records, day(10, 4));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::InGrace)
        );
        let j = judge_rule(sel, &records, day(10, 5));
        assert_eq!(j.status, Status::Fail);
        // 50 days later, far past the 30-day window, it is still open.
        let j = judge_rule(sel, &records, day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::OpenFailures)
        );
    }

    #[test]
    fn a_triage_entry_closes_the_alert_from_its_day_on() {
        use crate::evaluate::triage::parse_triage;
        let sel = r#"select = ["alert:Terminal shell in container"]"#;
        let mut diags = Vec::new();
        let triage = parse_triage(
            "triage.csv",
            "rule,subject,disposition,by,on\nTerminal shell*,node-1,benign,Ann,2026-10-10\n",
            &mut diags,
        );
        let shell = alert(
            "Terminal shell in container",
            Severity::High,
            "node-1",
            day(10, 1),
        );
        let beats = [day(10, 5), day(10, 9), day(10, 14)].map(|d| heartbeat("node-1", d));
        let records = [vec![shell], beats.to_vec()].concat();
        let cat = control(sel, false);
        let at = |d| {
            super::super::testing::judge_with_triage(
                &cat,
                &records,
                &Config::default(),
                &[],
                &triage,
                d,
            )
        };
        assert_eq!(at(day(10, 9)).status, Status::Fail, "before the triage day");
        let j = at(day(10, 14));
        assert_eq!(j.status, Status::Pass, "{:?}", j.reason);
        assert!(j.evidence.iter().any(|e| e.state == FindingState::Triaged));
    }

    #[test]
    fn stale_or_undated_positive_evidence_is_shown_but_proves_nothing() {
        let sel = r#"select = ["benchmark:cis-1.10:4.1.1"]"#;
        let at = day(11, 20);
        // 7-day freshness by default: an 8-day-old benchmark pass is stale.
        let old = result(
            RecordKind::Benchmark,
            "cis-1.10:4.1.1",
            Outcome::Pass,
            day(11, 12),
        );
        let j = judge_rule(sel, std::slice::from_ref(&old), at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::StaleEvidence)
        );
        assert_eq!(j.reason.params["date"], "2026-11-12");
        assert_eq!(j.reason.params["stale_since"], "2026-11-20");
        assert_eq!(j.evidence.len(), 1, "shown all the same");
        let mut undated = old.clone();
        undated.observed_at = None;
        let j = judge_rule(sel, &[undated], at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::UndatedEvidence)
        );
        // A stale failure stays a failure.
        let mut fail = old;
        fail.outcome = Outcome::Fail;
        fail.observed_at = Some(day(9, 1));
        assert_eq!(judge_rule(sel, &[fail], at).status, Status::Fail);
        // [freshness] benchmarks = 30 makes the same run fresh.
        let mut config = Config::default();
        config.freshness.benchmarks = Some(30);
        let fresh = [result(
            RecordKind::Benchmark,
            "cis-1.10:4.1.1",
            Outcome::Pass,
            day(11, 1),
        )];
        assert_eq!(
            judge_at(&control(sel, false), &fresh, &config, &[], at).status,
            Status::Pass
        );
    }

    #[test]
    fn a_scan_that_found_a_failure_for_the_check_is_not_its_proof() {
        let sel = r#"select = ["secret"]"#;
        let at = day(11, 20);
        let mut found = result(
            RecordKind::Secret,
            "aws-access-key-id",
            Outcome::Fail,
            day(11, 19),
        );
        found.severity = Severity::Critical;
        let mut secret_scan = scan(IMG, day(11, 19));
        secret_scan.facts = Facts::Scan {
            families: Default::default(),
            numbering: None,
            ran: None,
            class: ScanClass::Secret,
            image: None,
        };
        secret_scan.subject = found.subject.clone();
        let j = judge_rule(sel, &[secret_scan.clone(), found], at);
        assert!(
            j.evidence.iter().all(|e| e.state != FindingState::Passed),
            "{:?}",
            j.evidence
        );
        // Alone (nothing found), the same scan is evidence of absence.
        assert_eq!(judge_rule(sel, &[secret_scan], at).status, Status::Pass);
    }

    #[test]
    fn a_scan_proves_only_what_its_checks_and_subject_can_see() {
        let at = day(11, 20);
        let mut dockerfiles = scan(IMG, day(11, 19));
        dockerfiles.facts = Facts::Scan {
            families: [ConfigFamily::Dockerfile].into_iter().collect(),
            numbering: Some(CheckNumbering::Trivy),
            ran: None,
            class: ScanClass::Configuration,
            image: None,
        };
        // API-server audit settings are cluster checks: a Dockerfile scan cannot see them.
        let audit = r#"select = ["misconfiguration:KCV-0019"]"#;
        let j = judge_rule(audit, std::slice::from_ref(&dockerfiles), at);
        assert_eq!(j.status, Status::NotAssessed, "{:?}", j.reason);
        // … but it can see Dockerfile checks.
        let user = r#"select = ["misconfiguration:DS-0002"]"#;
        assert_eq!(judge_rule(user, &[dockerfiles], at).status, Status::Pass);
        // A vulnerability scan of an image says nothing about node components.
        let nodes = "rule = \"vulnerabilities\"\nselect = [\"vulnerability\"]\nwhere = { resource_kind = \"Node|Cluster\" }";
        let j = judge_rule(nodes, &[scan(IMG, day(11, 19))], at);
        assert_eq!(j.status, Status::NotAssessed);
    }

    #[test]
    fn a_scan_proves_only_its_own_tools_checks_on_its_own_kind_of_target() {
        let at = day(11, 20);
        // A trivy-operator audit of a Deployment: Trivy's workload checks.
        let mut deployment = scan(IMG, day(11, 19));
        deployment.facts = Facts::Scan {
            families: [ConfigFamily::Kubernetes].into_iter().collect(),
            numbering: Some(CheckNumbering::Trivy),
            ran: None,
            class: ScanClass::Configuration,
            image: None,
        };
        let pass = |sel: &str, r: &Record| judge_rule(sel, std::slice::from_ref(r), at).status;
        // Its own tool's workload check: its silence proves it absent.
        let privileged = r#"select = ["misconfiguration:KSV-0017"]"#;
        assert_eq!(pass(privileged, &deployment), Status::Pass);
        // Another tool's ids, even for a workload check, and a control-plane control.
        for other in ["C-0057", "polaris:runAsPrivileged", "C-0066"] {
            let sel = format!("select = [\"misconfiguration:{other}\"]");
            assert_eq!(pass(&sel, &deployment), Status::NotAssessed, "{other}");
        }
        // Its own tool's checks of other targets: RBAC, Service, control plane.
        for other in ["KSV-0041", "KSV-0108", "KCV-0030"] {
            let sel = format!("select = [\"misconfiguration:{other}\"]");
            assert_eq!(pass(&sel, &deployment), Status::NotAssessed, "{other}");
        }
        // An audit of a Role proves the RBAC check.
        let mut role = deployment.clone();
        role.facts = Facts::Scan {
            families: [ConfigFamily::Rbac].into_iter().collect(),
            numbering: Some(CheckNumbering::Trivy),
            ran: None,
            class: ScanClass::Configuration,
            image: None,
        };
        let secrets = r#"select = ["misconfiguration:KSV-0041"]"#;
        assert_eq!(pass(secrets, &role), Status::Pass);
        // A scan that does not say whose checks it ran proves no check id.
        let mut unsaid = deployment;
        if let Facts::Scan { numbering, .. } = &mut unsaid.facts {
            *numbering = None;
        }
        assert_eq!(pass(privileged, &unsaid), Status::NotAssessed);
    }

    #[test]
    fn a_scan_that_lists_the_checks_it_ran_proves_no_other() {
        let at = day(11, 20);
        // A Deployment audit that listed KSV-0017 (under its spellings) and nothing else.
        let mut listed = scan(IMG, day(11, 19));
        listed.facts = Facts::Scan {
            families: [ConfigFamily::Kubernetes].into_iter().collect(),
            numbering: Some(CheckNumbering::Trivy),
            ran: Some(RanChecks::new(["KSV-0017", "KSV017", "AVD-KSV-0017"]).into()),
            class: ScanClass::Configuration,
            image: None,
        };
        let judge = |sel: &str| judge_rule(sel, std::slice::from_ref(&listed), at);
        let j = judge(r#"select = ["misconfiguration:KSV017"]"#);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::PassedByScans)
        );
        // A workload check of its family it did not list was not run.
        let j = judge(r#"select = ["misconfiguration:KSV-0020"]"#);
        assert_eq!(j.status, Status::NotAssessed, "{:?}", j.reason);
    }

    #[test]
    fn a_scan_that_lists_no_check_proves_no_class_selector() {
        let at = day(11, 20);
        let listing = |ids: &[&str]| {
            let mut s = scan(IMG, day(11, 19));
            s.facts = Facts::Scan {
                families: [ConfigFamily::Kubernetes].into_iter().collect(),
                numbering: Some(CheckNumbering::Trivy),
                ran: Some(RanChecks::new(ids.iter().copied()).into()),
                class: ScanClass::Configuration,
                image: None,
            };
            s
        };
        let any_misconfiguration = r#"select = ["misconfiguration"]"#;
        // A target that listed nothing (Trivy with --include-non-failures) ran nothing,
        // even when it says which families its kind of target has.
        let j = judge_rule(any_misconfiguration, &[listing(&[])], at);
        assert_eq!(j.status, Status::NotAssessed, "{:?}", j.reason);
        // One that listed a check it ran, and found nothing, is a configuration scan
        // that reported no misconfiguration.
        let j = judge_rule(any_misconfiguration, &[listing(&["KSV-0017"])], at);
        assert_eq!(j.status, Status::Pass, "{:?}", j.reason);
    }

    #[test]
    fn silent_scans_are_counted_by_report_not_by_target() {
        let at = day(11, 20);
        // One Trivy run listing its checks: one scan record per target, one file, one
        // report time; and a second run a day later.
        let target = |name: &str, t| {
            let mut s = scan(IMG, t);
            s.facts = Facts::Scan {
                families: [ConfigFamily::Kubernetes].into_iter().collect(),
                numbering: Some(CheckNumbering::Trivy),
                ran: Some(RanChecks::new(["KSV-0017"]).into()),
                class: ScanClass::Configuration,
                image: None,
            };
            s.subject.target = Some(name.into());
            s.subject.image = None;
            s.subject.namespace = Some("shop".into());
            s.subject.kind = Some("Deployment".into());
            s.subject.name = Some(name.into());
            s
        };
        let one_run = [target("web", day(11, 19)), target("cart", day(11, 19))];
        let sel = r#"select = ["misconfiguration:KSV-0017"]"#;
        let j = judge_rule(sel, &one_run, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::PassedByScans)
        );
        assert_eq!(j.reason.params["scans"], "1");
        let mut two_runs = one_run.to_vec();
        two_runs.push(target("api", day(11, 18)));
        assert_eq!(judge_rule(sel, &two_runs, at).reason.params["scans"], "2");
    }

    #[test]
    fn nothing_selected_is_not_assessed() {
        let j = judge_rule(r#"select = ["policy:require-labels/*"]"#, &[], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::NotAssessed, ReasonCode::NoEvidence)
        );
    }
}
