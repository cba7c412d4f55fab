//! Checks in a real browser and real validators, on the sample site opened from disk:
//! headless Chromium (client-side filtering, printing report.html and the executive
//! summary to PDF), the Nu HTML checker and an OSCAL validator; and, in one session
//! driven through chromedriver ([`webdriver`]): every page loading with nothing in the
//! browser's log (console messages, requests outside the site, CSP refusals), no
//! sideways scrolling at 1280 and 390 px, every count on the overview and the executive
//! summary leading to a list of exactly that many rows, search from `file://`,
//! keyboard-only use of search, filters and sorting, axe-core on every page kind in
//! light and dark mode, and screenshots kept in `$MUSTER_ARTIFACTS`. The sample site is
//! built once per run.
//!
//! Without Chromium these tests say they skipped; with `MUSTER_REQUIRE_BROWSER=1`
//! (set by `.ci/run`) a missing tool is a failure.

mod common;
#[path = "browser/webdriver.rs"]
mod webdriver;
use common::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use webdriver::Driver;

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

/// The sample site, built once per run (every test only reads it), under Cargo's
/// scratch folder for integration tests.
fn site() -> PathBuf {
    static SITE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let site = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-site");
        let _ = std::fs::remove_dir_all(&site);
        build_sample(&site, &[]);
        site
    })
    .clone()
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
fn the_findings_filter_narrows_the_rows_in_a_browser() {
    let Some(chrome) = chromium() else {
        return skip("chromium");
    };
    let site = site();
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
fn report_prints_to_pdf_with_a_section_per_control() {
    let Some(chrome) = chromium() else {
        return skip("chromium");
    };
    let site = site();
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
            assert!(
                pages >= catalog_size(),
                "one control per page at least: {pages} pages"
            );
        }
        Err(_) => skip("pdftotext"),
    }
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
    let site = site();
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
    let site = site();
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
        catalog_size().to_string(),
        "one finding per control"
    );
}

/// The checks of the reader's experience (issue 18), in one Chromium session driven
/// through chromedriver: each check runs even when an earlier one failed, and the test
/// fails with every failed check's message.
#[test]
fn the_reader_s_experience_in_one_browser_session() {
    let Some(chrome) = chromium() else {
        return skip("chromium");
    };
    if webdriver::chromedriver().is_none() {
        return skip("chromedriver");
    }
    let axe = axe_source();
    if axe.is_none() {
        skip("axe-core (.ci/.tools/node_modules/axe-core)");
    }
    let site = site();
    let d = Driver::start(&chrome).unwrap_or_else(|e| panic!("chromedriver: {e}"));
    type Check<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let checks: Vec<Check> = vec![
        (
            "every page loads cleanly",
            Box::new(|| every_page_loads_cleanly(&d, &site)),
        ),
        (
            "pages fit at 1280 and 390 px",
            Box::new(|| pages_fit(&d, &site)),
        ),
        (
            "counts open lists of that many rows",
            Box::new(|| counts_are_links(&d, &site)),
        ),
        ("search from file://", Box::new(|| search_finds(&d, &site))),
        ("keyboard only", Box::new(|| keyboard_only(&d, &site))),
        (
            "axe-core",
            Box::new(|| {
                if let Some(axe) = &axe {
                    axe_on_every_page_kind(&d, &site, axe)
                }
            }),
        ),
    ];
    let mut failed = Vec::new();
    for (name, check) in &checks {
        let start = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
        eprintln!("{name}: {:.1} s", start.elapsed().as_secs_f64());
        if let Err(e) = outcome {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{name}: {msg}"));
            // Leave the page in a known state for the next check.
            d.viewport(1280, 900, false);
            d.dark(false);
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

fn artifacts() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var("MUSTER_ARTIFACTS").ok()?);
    std::fs::create_dir_all(&dir).unwrap();
    Some(dir)
}

/// The page under `dir` (relative to the site) with the most table rows.
fn largest(site: &Path, dir: &str) -> String {
    std::fs::read_dir(site.join(dir))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html") && !p.ends_with("index.html"))
        .max_by_key(|p| {
            let html = std::fs::read_to_string(p).unwrap();
            (html.matches("<tr").count(), p.clone())
        })
        .map(|p| format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()))
        .expect("a page")
}

/// How far the page scrolls sideways, and the widest table wrapper's overflow.
const OVERFLOW: &str =
    "document.querySelectorAll('details').forEach(function (d) { d.open = true; });\
 var page = document.documentElement.scrollWidth - document.documentElement.clientWidth;\
 var tables = 0;\
 document.querySelectorAll('.evidence-group .table-wrap, #findings-table').forEach(function (w) {\
   var box = w.classList.contains('table-wrap') ? w : w.parentElement;\
   tables = Math.max(tables, box.scrollWidth - box.clientWidth); });\
 return [page, tables];";

/// Every page of the site loads and runs its script with nothing in the browser's log:
/// no console message, no request outside the site (names do not resolve) and nothing
/// the Content-Security-Policy refused; loaded at 390 px, no page scrolls sideways on a
/// phone (the widest pages are measured at 1280 px too in [`pages_fit`]).
fn every_page_loads_cleanly(d: &Driver, site: &Path) {
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(pages.len() > 50, "{} pages", pages.len());
    d.browser_log();
    d.viewport(390, 900, true);
    let mut problems = Vec::new();
    for page in &pages {
        d.goto(&url(page));
        if !d.ready() {
            problems.push(format!(
                "{}: did not load or its script did not run",
                page.display()
            ));
        }
        let sideways = d.js(OVERFLOW, json!([]))[0].as_i64().unwrap_or(99);
        if sideways > 0 {
            problems.push(format!(
                "{}: scrolls sideways by {sideways} px at 390 px",
                page.display()
            ));
        }
        for line in d.browser_log() {
            problems.push(format!("{}: {line}", page.display()));
        }
    }
    d.viewport(1280, 900, false);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// No sideways scrolling at 1280 and 390 px; screenshots of each page at both widths.
fn pages_fit(d: &Driver, site: &Path) {
    let control = largest(site, "controls");
    let image = largest(site, "images");
    let mut problems = Vec::new();
    for (width, mobile) in [(1280, false), (390, true)] {
        d.viewport(width, 900, mobile);
        for page in [
            "index.html",
            "executive.html",
            control.as_str(),
            "findings.html",
            image.as_str(),
        ] {
            d.goto(&url(&site.join(page)));
            if let Some(out) = artifacts() {
                let name = match page {
                    p if p == control => "control".to_string(),
                    p if p == image => "image".to_string(),
                    p => p.trim_end_matches(".html").to_string(),
                };
                let png = d.screenshot(8000);
                assert!(png.starts_with(b"\x89PNG"), "{page}: not a PNG");
                std::fs::write(out.join(format!("{name}-{width}.png")), png).unwrap();
            }
            let v = d.js(OVERFLOW, json!([]));
            let (sideways, table) = (v[0].as_i64().unwrap_or(99), v[1].as_i64().unwrap_or(99));
            if sideways > 0 {
                problems.push(format!(
                    "{page} at {width} px scrolls sideways by {sideways} px"
                ));
            }
            if width == 1280 && table > 0 {
                problems.push(format!(
                    "{page} at {width} px: a table is {table} px wider than its box"
                ));
            }
        }
    }
    d.viewport(1280, 900, false);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Numbers on a page that stand alone (a text node of digits, or a status count) and
/// are not links; charts, their data tables, dates and the score are not counts.
const BARE_NUMBERS: &str = "var out = [];\
 document.querySelectorAll('.counts .num, .findings-line, .changed-lines li').forEach(function (e) {\
   if (!e.matches('a') && !e.querySelector('a[data-count]')) { out.push(e.textContent.trim()); } });\
 var w = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT), n;\
 while ((n = w.nextNode())) {\
   var t = n.textContent.trim();\
   if (/^[0-9]+$/.test(t) && !n.parentElement.closest('a, svg, figure, .chart-table, details, time, .score, caption')) { out.push(t); } }\
 return out;";

/// Rows of the list a URL points at: the element its fragment names, else the page's
/// `[data-list]` table; rows hidden by a filter do not count.
const COUNT_ROWS: &str = "var h = decodeURIComponent(location.hash.slice(1));\
 var el = h ? document.getElementById(h) : document.querySelector('[data-list]');\
 if (!el) { return -1; }\
 if (!el.hasAttribute('data-list')) { el = el.querySelector('[data-list]'); if (!el) { return -2; } }\
 var rows = el.tagName === 'TABLE' ? (el.tBodies[0] ? el.tBodies[0].rows : []) : el.tagName === 'P' ? [] : el.children;\
 return Array.prototype.filter.call(rows, function (r) { return !r.hidden && !r.closest('[hidden]'); }).length;";

/// Every count on the overview and the executive summary opens a list of that many rows.
fn counts_are_links(d: &Driver, site: &Path) {
    let mut checked = std::collections::BTreeMap::new();
    for page in ["index.html", "executive.html"] {
        d.goto(&url(&site.join(page)));
        let links = d.js(
            "return Array.prototype.map.call(document.querySelectorAll('main a[data-count]'), function (a) { return [a.href, Number(a.getAttribute('data-count')), a.textContent.trim()]; });",
            json!([]),
        );
        let links = links.as_array().unwrap().clone();
        assert!(
            links.len() >= 15,
            "{page}: only {} count links",
            links.len()
        );
        for l in links {
            let (href, count) = (l[0].as_str().unwrap().to_string(), l[1].as_i64().unwrap());
            assert_eq!(
                l[2].as_str().unwrap(),
                count.to_string(),
                "{page}: a count's text is its number"
            );
            checked
                .entry(href)
                .or_insert_with(Vec::new)
                .push((page, count));
        }
    }
    // Every number standing alone on either page (a count, not a date, a score or a
    // chart's data) is one of those links.
    for page in ["index.html", "executive.html"] {
        d.goto(&url(&site.join(page)));
        let bare = d.js(BARE_NUMBERS, json!([]));
        assert_eq!(bare, json!([]), "{page}: counts that are not links");
    }
    let mut wrong = Vec::new();
    for (href, uses) in &checked {
        d.goto("about:blank");
        d.goto(href);
        let rows = d.js(COUNT_ROWS, json!([])).as_i64().unwrap_or(-3);
        for (page, count) in uses {
            if rows != *count {
                wrong.push(format!(
                    "{page}: {count} links to {href}, which lists {rows}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked
        .keys()
        .any(|h| h.contains("findings.html?team=Payments&state=overdue")));
    assert!(checked
        .keys()
        .any(|h| h.contains("controls.html?status=fail")));
}

/// Search results on search.html for `q`: for each result and each of its links,
/// (the result's text, the link's href).
fn search(d: &Driver, site: &Path, q: &str) -> Vec<(String, String)> {
    d.goto(&format!("{}?q={q}", url(&site.join("search.html"))));
    let v = d.js(
        "var out = []; document.querySelectorAll('#search-results > li').forEach(function (li) {\
           var text = li.querySelector('a').textContent;\
           li.querySelectorAll('a').forEach(function (a) { out.push([text, a.href]); }); }); return out;",
        json!([]),
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Search from `file://` finds a CVE, a package, a workload, a control and a team.
fn search_finds(d: &Driver, site: &Path) {
    let index = std::fs::read_to_string(site.join("assets/search-index.js")).unwrap();
    assert!(index.starts_with("// muster search index"));
    // A CVE: the filtered remediation list and the image page that has it.
    let cve = search(d, site, "CVE-2024-3094");
    assert!(
        cve.iter()
            .any(|(_, h)| h.ends_with("findings.html?q=CVE-2024-3094")),
        "{cve:#?}"
    );
    assert!(
        cve.iter()
            .any(|(_, h)| h.contains("/images/") && h.contains("etl")),
        "{cve:#?}"
    );
    // A package: the list filtered by it and an image page.
    let pkg = search(d, site, "libssl3");
    assert!(
        pkg.iter()
            .any(|(t, h)| t == "libssl3" && h.contains("findings.html?q=libssl3")),
        "{pkg:#?}"
    );
    assert!(pkg.iter().any(|(_, h)| h.contains("/images/")), "{pkg:#?}");
    // A workload by name: where it runs.
    let wl = search(d, site, "ledger");
    assert!(
        wl.iter()
            .any(|(t, h)| t.contains("Deployment/ledger") && h.contains("#running-in")),
        "{wl:#?}"
    );
    // A cluster and a namespace open findings are about (neither a workload nor an
    // image): the remediation list filtered by each.
    for (q, subject) in [
        ("cluster aks-prod", "cluster aks-prod-weu"),
        ("namespace batch", "aks-prod-weu/namespace batch"),
    ] {
        let found = search(d, site, q);
        assert!(
            found
                .iter()
                .any(|(t, h)| t == subject && h.contains("findings.html?q=")),
            "{found:#?}"
        );
    }
    // A control and a team.
    let ctl = search(d, site, "IMG-04");
    assert!(
        ctl.first()
            .is_some_and(|(_, h)| h.ends_with("controls/IMG-04.html")),
        "{ctl:#?}"
    );
    let team = search(d, site, "Payments");
    assert!(
        team.iter().any(|(_, h)| h.ends_with("teams/Payments.html")),
        "{team:#?}"
    );
    // Following a result lands on a page that shows the term.
    d.goto(&cve.iter().find(|(_, h)| h.contains("/images/")).unwrap().1);
    let text = d.js("return document.body.textContent;", json!([]));
    assert!(text.as_str().unwrap().contains("CVE-2024-3094"));
}

/// Press Tab until `selector` has the focus (at most `max` times).
fn tab_to(d: &Driver, selector: &str, max: usize) {
    for _ in 0..max {
        let at = d.js(
            "return document.activeElement && document.activeElement.matches(arguments[0]);",
            json!([selector]),
        );
        if at == true {
            return;
        }
        d.keys(webdriver::TAB);
    }
    panic!("{selector} cannot be reached with the Tab key");
}

fn wait_for_url(d: &Driver, part: &str) {
    for _ in 0..50 {
        if d.url().contains(part) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the browser did not go to {part}: {}", d.url());
}

/// Search, filters and sorting work with the keyboard alone.
fn keyboard_only(d: &Driver, site: &Path) {
    let findings = url(&site.join("findings.html"));
    // Search: from the header box to a result, keys only.
    d.goto(&findings);
    tab_to(d, "#site-search-q", 10);
    d.keys(&format!("CVE-2024-3094{}", webdriver::ENTER));
    wait_for_url(d, "search.html?q=CVE-2024-3094");
    tab_to(d, "#search-results a", 40);
    d.keys(webdriver::ENTER);
    wait_for_url(d, "CVE-2024-3094");
    assert!(!d.url().contains("search.html"), "{}", d.url());
    // Filters: choose the state "overdue" from the keyboard.
    d.goto(&findings);
    let overdue = std::fs::read_to_string(site.join("findings.html"))
        .unwrap()
        .matches("data-state=\"overdue")
        .count() as i64;
    assert!(overdue > 0);
    tab_to(d, "select[data-filter-field=state]", 60);
    for _ in 0..8 {
        if d.js("return document.activeElement.value;", json!([])) == "overdue" {
            break;
        }
        d.keys(webdriver::DOWN);
    }
    let shown = d.js(COUNT_ROWS, json!([])).as_i64().unwrap();
    assert_eq!(shown, overdue, "the state filter chosen by keyboard");
    // Sorting: a column header is a button reached with Tab and pressed with Enter.
    tab_to(d, "#findings-table th button.sort", 20);
    d.keys(webdriver::ENTER);
    let sorted = d.js(
        "return document.activeElement.closest('th').getAttribute('aria-sort');",
        json!([]),
    );
    assert_eq!(sorted, "ascending");
}

fn axe_source() -> Option<String> {
    let path = std::env::var("MUSTER_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join(".ci/.tools/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(path).ok()
}

const AXE_RUN: &str = "var done = arguments[arguments.length - 1];\
 axe.run(document, { resultTypes: ['violations'] }).then(function (r) {\
   done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })\
     .map(function (v) { return v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', '); }));\
 }).catch(function (e) { done(['axe failed: ' + e]); });";

/// axe-core finds no serious or critical violation on one page of every kind, light and dark.
fn axe_on_every_page_kind(d: &Driver, site: &Path, axe: &str) {
    let kinds = [
        "index.html".to_string(),
        "executive.html".into(),
        "controls.html".into(),
        largest(site, "controls"),
        "findings.html".into(),
        "images/index.html".into(),
        largest(site, "images"),
        "teams.html".into(),
        "teams/Payments.html".into(),
        "waivers.html".into(),
        "changes.html".into(),
        "sources.html".into(),
        "report.html".into(),
        "search.html?q=nginx".into(),
        "evidence-time.html".into(),
    ];
    let mut problems = Vec::new();
    for page in &kinds {
        let (file, query) = page
            .split_once('?')
            .map_or((page.as_str(), ""), |(f, q)| (f, q));
        let target = if query.is_empty() {
            url(&site.join(file))
        } else {
            format!("{}?{query}", url(&site.join(file)))
        };
        d.goto(&target);
        d.js(&format!("{axe}\n;return true;"), json!([]));
        for dark in [false, true] {
            d.dark(dark);
            let found = d.js_async(AXE_RUN, json!([]));
            for v in found.as_array().unwrap() {
                problems.push(format!(
                    "{page} ({}): {}",
                    if dark { "dark" } else { "light" },
                    v.as_str().unwrap()
                ));
            }
        }
        d.dark(false);
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_executive_summary_prints_on_one_a4_page() {
    let Some(chrome) = chromium() else {
        return skip("chromium");
    };
    let site = site();
    let profile = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = artifacts()
        .unwrap_or_else(|| dir.path().to_path_buf())
        .join("executive.pdf");
    let _ = std::fs::remove_file(&pdf);
    browse(
        &chrome,
        profile.path(),
        &url(&site.join("executive.html")),
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    assert!(pdf.is_file(), "no PDF was printed");
    let Ok(info) = Command::new("pdfinfo").arg(&pdf).output() else {
        return skip("pdfinfo");
    };
    let info = String::from_utf8_lossy(&info.stdout);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    assert!(
        field("Page size:").contains("(A4)"),
        "paper: {}",
        field("Page size:")
    );
    assert_eq!(
        field("Pages:"),
        "1",
        "the executive summary prints on {} A4 pages",
        field("Pages:")
    );
}
