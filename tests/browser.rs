//! Checks in a real browser and real validators, on the sample site opened from disk:
//! headless Chromium (console errors, requests outside the site, client-side filtering,
//! printing report.html to PDF, a screenshot), the Nu HTML checker and an OSCAL validator.
//!
//! Without Chromium these tests say they skipped; with `MUSTER_REQUIRE_BROWSER=1`
//! (set by `.ci/run`) a missing tool is a failure.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn required() -> bool {
    std::env::var("MUSTER_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

fn skip(what: &str) {
    assert!(
        !required(),
        "{what} is required (MUSTER_REQUIRE_BROWSER=1) but not available"
    );
    eprintln!("skipped: {what} not available");
}

fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("MUSTER_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    (dir, site)
}

/// Run headless Chromium on a file URL; returns (stdout, stderr).
fn browse(chrome: &Path, profile: &Path, url: &str, extra: &[&str]) -> (String, String) {
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn every_page_loads_without_console_errors_or_foreign_requests() {
    let Some(chrome) = chromium() else {
        return skip("chromium");
    };
    let (_dir, site) = site();
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(&site)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(pages.len() > 50);
    let problems = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for chunk in pages.chunks(pages.len().div_ceil(2)) {
            let (chrome, problems) = (&chrome, &problems);
            s.spawn(move || {
                let profile = tempfile::tempdir().unwrap();
                for page in chunk {
                    let (dom, log) = browse(chrome, profile.path(), &url(page), &["--dump-dom"]);
                    if !dom.contains("</html>") {
                        problems
                            .lock()
                            .unwrap()
                            .push(format!("{}: page did not load", page.display()));
                    }
                    for line in log.lines() {
                        let l = line.to_ascii_lowercase();
                        if l.contains(":console(")
                            || l.contains("refused to")
                            || l.contains("err_name_not_resolved")
                            || l.contains("uncaught")
                        {
                            problems
                                .lock()
                                .unwrap()
                                .push(format!("{}: {line}", page.display()));
                        }
                    }
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_findings_filter_narrows_the_rows_in_a_browser() {
    let Some(chrome) = chromium() else {
        return skip("chromium");
    };
    let (_dir, site) = site();
    let profile = tempfile::tempdir().unwrap();
    let page = site.join("findings.html");
    let rows = |dom: &str| dom.matches("<tr data-severity").count();
    let visible = |dom: &str| {
        dom.split("<tr data-severity")
            .skip(1)
            .filter(|r| !r.split('>').next().unwrap_or("").contains(" hidden"))
            .count()
    };
    let (all, _) = browse(&chrome, profile.path(), &url(&page), &["--dump-dom"]);
    let total = rows(&all);
    assert!(total > 5, "findings table has {total} rows");
    assert_eq!(visible(&all), total, "without a filter every row shows");
    let filtered = format!("{}?q=CVE-2026-11873", url(&page));
    let (dom, _) = browse(&chrome, profile.path(), &filtered, &["--dump-dom"]);
    let shown = visible(&dom);
    assert!(
        shown >= 1 && shown < total,
        "the filter shows {shown} of {total} rows"
    );
}

#[test]
fn report_prints_to_pdf_with_a_section_per_control_and_the_index_screenshot_is_kept() {
    let Some(chrome) = chromium() else {
        return skip("chromium");
    };
    let (_dir, site) = site();
    let profile = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("report.pdf");
    browse(
        &chrome,
        profile.path(),
        &url(&site.join("report.html")),
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    assert!(pdf.is_file(), "no PDF was printed");
    match Command::new("pdftotext").arg(&pdf).arg("-").output() {
        Ok(text) => {
            let text = String::from_utf8_lossy(&text.stdout);
            for id in ["REG-01", "IMG-04", "RUN-02", "NODE-04", "GOV-01"] {
                assert!(text.contains(id), "the PDF lacks a section for {id}");
            }
            let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
            let pages: usize = String::from_utf8_lossy(&info.stdout)
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Pages:")
                        .map(|n| n.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            assert!(pages >= 40, "one control per page at least: {pages} pages");
        }
        Err(_) => skip("pdftotext"),
    }
    let artifacts = std::env::var("MUSTER_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| out.path().to_path_buf());
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("index.png");
    browse(
        &chrome,
        profile.path(),
        &url(&site.join("index.html")),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600",
        ],
    );
    assert!(
        shot.metadata().map(|m| m.len() > 10_000).unwrap_or(false),
        "no screenshot"
    );
}

#[test]
fn every_page_is_valid_html_according_to_the_nu_checker() {
    let jar = std::env::var("MUSTER_VNU_JAR")
        .ok()
        .map(PathBuf::from)
        .or_else(|| {
            let p = root().join(".ci/.tools/node_modules/vnu-jar/build/dist/vnu.jar");
            p.is_file().then_some(p)
        });
    let Some(jar) = jar.filter(|j| j.is_file()) else {
        return skip("vnu.jar");
    };
    let (_dir, site) = site();
    let out = Command::new("java")
        .args(["-jar"])
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(&site)
        .output();
    let Ok(out) = out else { return skip("java") };
    assert!(
        out.status.success(),
        "HTML errors:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn oscal_assessment_results_validate_against_the_oscal_models() {
    let python = std::env::var("MUSTER_OSCAL_PYTHON")
        .ok()
        .map(PathBuf::from)
        .or_else(|| {
            let p = root().join(".ci/.tools/venv/bin/python");
            p.is_file().then_some(p)
        });
    let Some(python) = python else {
        return skip("compliance-trestle");
    };
    let (_dir, site) = site();
    let file = site.join("oscal/assessment-results.json");
    let script = "import sys, pathlib\nfrom trestle.oscal.assessment_results import AssessmentResults\nar = AssessmentResults.oscal_read(pathlib.Path(sys.argv[1]))\nprint(len(ar.results[0].findings or []))\n";
    let out = Command::new(python)
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "OSCAL validation failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "40",
        "one finding per control"
    );
}
