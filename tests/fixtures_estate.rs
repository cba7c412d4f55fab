//! The real tool outputs of `../shared/fixtures` read as one estate, with no
//! configuration, as of 2026-12-04: their evidence is years old, partly undated, and
//! nothing on the site may pass on it.

mod common;

use muster::cmd::args::InputArgs;
use muster::cmd::load::load;
use muster::evaluate::Status;
use std::path::PathBuf;

fn fixtures() -> Option<PathBuf> {
    common::fixtures_dir()
}

#[test]
fn nothing_passes_on_undated_or_stale_evidence() {
    let Some(dir) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let args = InputArgs {
        inputs: vec![dir],
        config: None,
        catalog: None,
        as_of: Some("2026-12-04".into()),
        since: None,
        strict: false,
        follow_symlinks: false,
        no_redact: false,
        allow_input_errors: true,
    };
    let report = load(&args, true).expect("evaluates").report;
    // Evidence is years old: the report says so.
    assert!(report.evidence.stale, "{:?}", report.evidence);
    assert!(report
        .evidence
        .newest
        .is_some_and(|t| t.date_naive().to_string().as_str() < "2026-01-01"));
    // No control passes on exports (attestations aside, and there are none here).
    for c in &report.controls {
        assert_ne!(c.status, Status::Pass, "{} passes: {:?}", c.id, c.reason);
    }
    // MON-01 is not a pass, and names the nodes whose sensor went silent.
    let mon = report
        .controls
        .iter()
        .find(|c| c.id == "MON-01")
        .expect("MON-01");
    let sensors = mon
        .checks
        .iter()
        .find(|c| c.id == "sensor-coverage")
        .expect("check");
    assert_ne!(sensors.status, Status::Pass);
    let items = sensors
        .reason
        .params
        .get("items")
        .map(|p| p.plain())
        .unwrap_or_default();
    assert!(items.contains("silent since"), "{items}");
    // Every Tetragon record has a time (events without one take their process's start).
    for s in report
        .sources
        .iter()
        .filter(|s| s.path.contains("tetragon"))
    {
        assert_eq!(s.undated_records, 0, "{}: undated records", s.path);
    }
}

/// The site of the real tool outputs links only to pages it has: a finding whose
/// image has no page of its own (Defender's untagged reference beside a tagged
/// summary) is shown without a link.
#[test]
fn the_fixtures_site_has_every_page_it_links_to() {
    let Some(dir) = fixtures() else {
        println!("skipped: ../shared/fixtures not found");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    common::build_dir(&dir, &site, &["--as-of", "2026-12-04"]);
    let broken = common::broken_links(&common::read_tree(&site));
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}
