//! The scenario suite: each folder of `tests/scenarios/` is a small estate (exports,
//! and optionally `muster.toml`, `waivers.csv`, `triage.csv`, `attestations/`) plus an
//! `expected.toml` pinning what muster must conclude from it: control and check
//! statuses, reason codes and parameters, finding states and dates, the evidence
//! period, diagnostics and the exit code of `muster check`. One rule, both sides of
//! its boundary, one folder each. See `tests/scenarios/README.md`.

mod common;

use muster::cmd::args::InputArgs;
use muster::cmd::load::{load, Loaded};
use muster::evaluate::{ControlResult, Finding, Param};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a scenario expects. Everything is optional: only what is written is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// What the scenario pins, in one sentence (shown when it fails).
    description: String,
    /// The report date.
    as_of: String,
    /// Extra `muster check` arguments (for the exit-code expectation).
    #[serde(default)]
    args: Vec<String>,
    /// Exit code of `muster check <dir> --as-of <as_of> <args>`.
    exit: Option<i32>,
    /// Per control id.
    #[serde(default)]
    controls: BTreeMap<String, ExpectedStatus>,
    /// Per `CONTROL/check` id.
    #[serde(default)]
    checks: BTreeMap<String, ExpectedStatus>,
    /// Findings, matched by check id (and subject, when given).
    #[serde(default)]
    findings: Vec<ExpectedFinding>,
    /// Findings that must not exist (by check id).
    #[serde(default)]
    no_findings: Vec<String>,
    /// Evidence rows of a check, matched by its `CONTROL/check` id and subject text.
    #[serde(default)]
    rows: Vec<ExpectedRow>,
    /// Diagnostics: each string must appear in some diagnostic message.
    #[serde(default)]
    diagnostics: Vec<String>,
    /// Per team of the report's team summaries (owners in `muster.toml`).
    #[serde(default)]
    teams: BTreeMap<String, ExpectedTeam>,
}

/// One evidence row of a check: the state and due date its control page shows.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedRow {
    /// `CONTROL/check`.
    check: String,
    /// Text the row's subject contains.
    subject: String,
    /// The row's state (`failing`, `overdue`, `in-grace`, `waived`, `passed`, …).
    state: Option<String>,
    /// Its due date (`"none"`: none shown).
    due: Option<String>,
    /// The waiver shown on it (`"none"`: none).
    waiver: Option<String>,
    /// Text the row's title (what it says of its subject) contains.
    title_contains: Option<String>,
    /// The file it cites (ending with this text), and the JSON pointer it cites.
    file: Option<String>,
    pointer: Option<String>,
    /// The line it cites.
    line: Option<u64>,
    /// The day it was observed (`"unknown"`: undated); also picks the row among rows
    /// about the same subject.
    observed: Option<String>,
    /// How many identical events it stands for (1 for anything else).
    count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedTeam {
    open: Option<usize>,
    overdue: Option<usize>,
    fixed: Option<usize>,
    /// Mean days from first seen to fixed.
    mean_days_to_fix: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedStatus {
    status: String,
    reason: Option<String>,
    /// Each given parameter must equal the reason's.
    #[serde(default)]
    params: BTreeMap<String, String>,
    /// Each given parameter must contain this text.
    #[serde(default)]
    params_contain: BTreeMap<String, String>,
    /// Evidence rows considered.
    evidence: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFinding {
    check: String,
    subject: Option<String>,
    state: Option<String>,
    due: Option<String>,
    first_seen: Option<String>,
    fixed_on: Option<String>,
    /// When it was last fixed before its current episode (`"none"`: never fixed and
    /// seen again).
    previously_fixed_on: Option<String>,
    /// The lists of "what changed" that name it, of `new` and `fixed`, in that order.
    changes: Option<Vec<String>>,
    /// `true`: open only outside production scope (counted apart in the headline).
    outside_production: Option<bool>,
    /// `true`: no report of it was dated.
    undated: Option<bool>,
    /// `true`: known exploited (a KEV-listed vulnerability: no grace period).
    known_exploited: Option<bool>,
    /// The formats that reported it, in name order.
    sources: Option<Vec<String>>,
    /// The vulnerable package (also narrows which finding is meant).
    package: Option<String>,
    /// The valid waiver covering it (`"none"`: none).
    waiver: Option<String>,
    /// The expired waiver shown on it (`"none"`: none).
    expired_waiver: Option<String>,
    /// The status of the VEX statement deciding about it (`"none"`: none).
    vex: Option<String>,
    /// Its justification (`"none"`: none given).
    justification: Option<String>,
    /// The finding's image, as its canonical reference (`registry/repository:tag`).
    image: Option<String>,
    /// The team owning it (`"none"`: no `[[owners]]` entry does).
    team: Option<String>,
}

/// The day an evidence row was observed, as a scenario names it (`"unknown"`: undated).
fn observed_day(e: &muster::evaluate::EvidenceItem) -> String {
    e.observed_at
        .map_or_else(|| "unknown".to_string(), |t| t.date_naive().to_string())
}

fn scenarios_dir() -> PathBuf {
    common::root().join("tests").join("scenarios")
}

fn evaluate(dir: &Path, as_of: &str) -> Loaded {
    let args = InputArgs {
        inputs: vec![dir.to_path_buf()],
        config: None,
        catalog: None,
        as_of: Some(as_of.to_string()),
        since: None,
        strict: false,
        follow_symlinks: false,
        no_redact: false,
        allow_input_errors: true,
    };
    load(&args, true).unwrap_or_else(|e| panic!("{}: {e:#}", dir.display()))
}

fn check_status(
    what: &str,
    got: (&str, &str, &BTreeMap<String, Param>, usize),
    want: &ExpectedStatus,
    errors: &mut Vec<String>,
) {
    let (status, reason, params, evidence) = got;
    if status != want.status {
        errors.push(format!("{what}: status {status}, expected {}", want.status));
    }
    if let Some(r) = &want.reason {
        if reason != r {
            errors.push(format!("{what}: reason {reason}, expected {r}"));
        }
    }
    let params: BTreeMap<&String, String> = params.iter().map(|(k, v)| (k, v.plain())).collect();
    for (k, v) in &want.params {
        if params.get(k) != Some(v) {
            errors.push(format!(
                "{what}: param {k} = {:?}, expected {v:?}",
                params.get(k)
            ));
        }
    }
    for (k, v) in &want.params_contain {
        if !params.get(k).is_some_and(|p| p.contains(v.as_str())) {
            errors.push(format!(
                "{what}: param {k} = {:?}, expected to contain {v:?}",
                params.get(k)
            ));
        }
    }
    if let Some(n) = want.evidence {
        if evidence != n {
            errors.push(format!("{what}: {evidence} evidence rows, expected {n}"));
        }
    }
}

fn control_view(c: &ControlResult) -> (&str, &str, &BTreeMap<String, Param>, usize) {
    (
        c.status.as_str(),
        c.reason.code.as_str(),
        &c.reason.params,
        c.evidence_count,
    )
}

fn finding_matches(f: &Finding, want: &ExpectedFinding) -> bool {
    f.check.eq_ignore_ascii_case(&want.check)
        && want
            .subject
            .as_ref()
            .is_none_or(|s| f.subject.contains(s.as_str()))
        && want
            .package
            .as_ref()
            .is_none_or(|p| f.package.as_deref() == Some(p.as_str()))
}

fn run_scenario(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("expected.toml")).expect("expected.toml");
    let want: Expected = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let loaded = evaluate(dir, &want.as_of);
    let report = &loaded.report;
    let mut errors = Vec::new();
    for (id, w) in &want.controls {
        match report.controls.iter().find(|c| &c.id == id) {
            Some(c) => check_status(id, control_view(c), w, &mut errors),
            None => errors.push(format!("{id}: no such control")),
        }
    }
    for (id, w) in &want.checks {
        let (control, check) = id.split_once('/').expect("checks are CONTROL/check");
        let found = report
            .controls
            .iter()
            .find(|c| c.id == control)
            .and_then(|c| c.checks.iter().find(|k| k.id == check));
        match found {
            Some(k) => check_status(
                id,
                (
                    k.status.as_str(),
                    k.reason.code.as_str(),
                    &k.reason.params,
                    k.evidence_total,
                ),
                w,
                &mut errors,
            ),
            None => errors.push(format!("{id}: no such check")),
        }
    }
    for w in &want.rows {
        let (control, check) = w.check.split_once('/').expect("rows name CONTROL/check");
        let row = report
            .controls
            .iter()
            .find(|c| c.id == control)
            .and_then(|c| c.checks.iter().find(|k| k.id == check))
            .and_then(|k| {
                k.evidence.iter().find(|e| {
                    e.subject.contains(&w.subject)
                        && w.observed.as_ref().is_none_or(|d| *d == observed_day(e))
                })
            });
        let Some(e) = row else {
            errors.push(format!(
                "{}: no evidence row about {:?} observed {}",
                w.check,
                w.subject,
                w.observed.as_deref().unwrap_or("any day")
            ));
            continue;
        };
        let what = format!("{} row {}", w.check, e.subject);
        let due = e.due.map_or_else(|| "none".to_string(), |d| d.to_string());
        let waiver = e.waiver.clone().unwrap_or_else(|| "none".into());
        for (name, want, got) in [
            ("state", &w.state, e.state.as_str().to_string()),
            ("due", &w.due, due),
            ("waiver", &w.waiver, waiver),
        ] {
            if want.as_ref().is_some_and(|w| *w != got) {
                errors.push(format!("{what}: {name} {got}, expected {want:?}"));
            }
        }
        if let Some(t) = w.title_contains.as_ref().filter(|t| !e.title.contains(*t)) {
            errors.push(format!(
                "{what}: title {:?}, expected to contain {t:?}",
                e.title
            ));
        }
        let file = &e.provenance.file;
        if let Some(f) = w.file.as_ref().filter(|f| !file.ends_with(f.as_str())) {
            errors.push(format!("{what}: file {file}, expected …{f}"));
        }
        let pointer = e.provenance.pointer.as_deref().unwrap_or("none");
        if let Some(p) = w.pointer.as_ref().filter(|p| *p != pointer) {
            errors.push(format!("{what}: pointer {pointer}, expected {p}"));
        }
        let line = e.provenance.line.map(std::num::NonZeroU64::get);
        if let Some(l) = w.line.filter(|l| Some(*l) != line) {
            errors.push(format!("{what}: line {line:?}, expected {l}"));
        }
        if let Some(n) = w.count.filter(|n| *n != e.count) {
            errors.push(format!(
                "{what}: stands for {} events, expected {n}",
                e.count
            ));
        }
    }
    for w in &want.findings {
        let Some(f) = report.findings.iter().find(|f| finding_matches(f, w)) else {
            let have: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{} · {}", f.check, f.subject))
                .collect();
            errors.push(format!("finding {}: not found among {have:?}", w.check));
            continue;
        };
        let what = format!(
            "finding {} · {} · {}",
            f.check,
            f.subject,
            f.package.as_deref().unwrap_or("")
        );
        if let Some(s) = &w.state {
            if f.state.as_str() != s {
                errors.push(format!("{what}: state {}, expected {s}", f.state));
            }
        }
        let date = |d: Option<chrono::NaiveDate>| {
            d.map(|d| d.to_string()).unwrap_or_else(|| "none".into())
        };
        if let Some(d) = &w.due {
            if &date(f.due) != d {
                errors.push(format!("{what}: due {}, expected {d}", date(f.due)));
            }
        }
        if let Some(d) = &w.fixed_on {
            if &date(f.fixed_on) != d {
                errors.push(format!(
                    "{what}: fixed on {}, expected {d}",
                    date(f.fixed_on)
                ));
            }
        }
        if let Some(want) = w.known_exploited {
            if f.known_exploited != want {
                errors.push(format!(
                    "{what}: known exploited {}, expected {want}",
                    f.known_exploited
                ));
            }
        }
        if let Some(want) = w.outside_production {
            if f.outside_production != want {
                errors.push(format!(
                    "{what}: outside production {}, expected {want}",
                    f.outside_production
                ));
            }
        }
        if let Some(d) = &w.previously_fixed_on {
            let got = date(f.previously_fixed_on());
            if &got != d {
                errors.push(format!("{what}: previously fixed on {got}, expected {d}"));
            }
        }
        if let Some(want) = &w.changes {
            let i = report.findings.iter().position(|x| std::ptr::eq(x, f));
            let c = &report.changes;
            let got: Vec<String> = [("new", &c.new_findings), ("fixed", &c.fixed_findings)]
                .into_iter()
                .filter(|(_, l)| i.is_some_and(|i| l.contains(&i)))
                .map(|(n, _)| n.to_string())
                .collect();
            if &got != want {
                errors.push(format!(
                    "{what}: listed in changes as {got:?} (since {:?}), expected {want:?}",
                    c.since
                ));
            }
        }
        if let Some(d) = &w.first_seen {
            let got = date(f.first_seen.map(|t| t.date_naive()));
            if &got != d {
                errors.push(format!("{what}: first seen {got}, expected {d}"));
            }
        }
        if let Some(want) = &w.sources {
            if &f.sources != want {
                errors.push(format!(
                    "{what}: sources {:?}, expected {want:?}",
                    f.sources
                ));
            }
        }
        let text = |t: Option<&str>| t.unwrap_or("none").to_string();
        let vex = f.vex.as_ref();
        let pins = [
            ("waiver", &w.waiver, text(f.waiver.as_deref())),
            (
                "expired waiver",
                &w.expired_waiver,
                text(f.expired_waiver.as_deref()),
            ),
            (
                "VEX status",
                &w.vex,
                text(vex.map(|v| v.facts.status.as_str())),
            ),
            (
                "VEX justification",
                &w.justification,
                text(vex.and_then(|v| v.facts.justification.as_deref())),
            ),
            ("team", &w.team, text(f.team.as_deref())),
        ];
        for (name, want, got) in pins {
            if let Some(want) = want {
                if &got != want {
                    errors.push(format!("{what}: {name} {got}, expected {want}"));
                }
            }
        }
        if let Some(u) = w.undated {
            if u == f.first_seen.is_some() {
                errors.push(format!(
                    "{what}: undated = {}, expected {u}",
                    f.first_seen.is_none()
                ));
            }
        }
    }
    for w in &want.findings {
        let Some(img) = &w.image else { continue };
        if let Some(f) = report.findings.iter().find(|f| finding_matches(f, w)) {
            let got = f
                .image
                .as_ref()
                .map(|i| i.tagged())
                .unwrap_or_else(|| "none".into());
            if &got != img {
                errors.push(format!(
                    "finding {} · {}: image {got}, expected {img}",
                    f.check, f.subject
                ));
            }
        }
    }
    for (name, w) in &want.teams {
        let Some(t) = report.teams.iter().find(|t| &t.team == name) else {
            errors.push(format!("team {name}: not in the report"));
            continue;
        };
        let counts = [
            ("open", w.open, t.open),
            ("overdue", w.overdue, t.overdue),
            ("fixed", w.fixed, t.fixed),
        ];
        for (what, want, got) in counts {
            if want.is_some_and(|n| n != got) {
                errors.push(format!(
                    "team {name}: {what} {got}, expected {}",
                    want.unwrap_or_default()
                ));
            }
        }
        if let Some(m) = w.mean_days_to_fix {
            if t.mean_days_to_fix.is_none_or(|d| (d - m).abs() > 0.05) {
                errors.push(format!(
                    "team {name}: mean days to fix {:?}, expected {m}",
                    t.mean_days_to_fix
                ));
            }
        }
    }
    for id in &want.no_findings {
        if let Some(f) = report
            .findings
            .iter()
            .find(|f| f.check.eq_ignore_ascii_case(id))
        {
            errors.push(format!(
                "finding {id} · {} exists ({}), expected none",
                f.subject, f.state
            ));
        }
    }
    let messages: Vec<String> = report
        .diagnostics
        .iter()
        .chain(report.sources.iter().flat_map(|s| &s.diagnostics))
        .map(|d| d.to_string())
        .collect();
    for d in &want.diagnostics {
        if !messages.iter().any(|m| m.contains(d.as_str())) {
            errors.push(format!("no diagnostic contains {d:?}: {messages:?}"));
        }
    }
    if let Some(code) = want.exit {
        let mut args = vec![
            "check".to_string(),
            dir.display().to_string(),
            "--as-of".into(),
            want.as_of.clone(),
            "--format".into(),
            "json".into(),
        ];
        args.extend(want.args.iter().cloned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (got, _, stderr) = common::run(&refs);
        if got != code {
            errors.push(format!(
                "muster check exited {got}, expected {code}: {stderr}"
            ));
        }
    }
    errors
        .into_iter()
        .map(|e| {
            format!(
                "{}: {e}\n    ({})",
                dir.file_name().unwrap_or_default().to_string_lossy(),
                want.description
            )
        })
        .collect()
}

/// Every scenario folder holds, and every expectation in it holds.
#[test]
fn every_scenario_holds() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.toml").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no scenario found");
    let failures: Vec<String> = dirs.iter().flat_map(|d| run_scenario(d)).collect();
    assert!(
        failures.is_empty(),
        "{} scenarios, failures:\n{}",
        dirs.len(),
        failures.join("\n")
    );
}
