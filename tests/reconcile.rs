//! Numbers that reconcile: a site is built from `sample-data/` and from the real
//! exports in `../shared/fixtures`, and every place that counts findings must agree —
//! `report.json` (its findings, and its history at the report date and at every earlier
//! date), `findings.csv`, the overview and the executive summary (their count links),
//! the teams page (team rows plus unowned) and the data tables behind the charts. The
//! sample's fixed dates and mean days to fix are also checked against the story
//! `sample-data/SCANS.md` tells, and its signatures counted by IMG-07 against the
//! images pages. Diagnostics agree too: `report.json`'s count, the overview's and the
//! rows of `sources.html`; and so does each finding's team, in `report.json`,
//! `findings.csv` and on its image's page.

mod common;

use common::*;
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Open, overdue, waived and fixed findings, as one place counts them.
#[derive(Debug, PartialEq, Default, Clone, Copy)]
struct Counts {
    open: usize,
    overdue: usize,
    /// Of the overdue, those only outside production scope.
    overdue_outside: usize,
    waived: usize,
}

fn is_open(state: &str) -> bool {
    matches!(state, "overdue" | "in-grace" | "no-fix")
}

/// Counts of findings given as (state, outside production scope).
fn counts_of<'a>(states: impl Iterator<Item = (&'a str, bool)>) -> Counts {
    let mut c = Counts::default();
    for (s, outside) in states {
        c.open += usize::from(is_open(s));
        c.overdue += usize::from(s == "overdue");
        c.overdue_outside += usize::from(s == "overdue" && outside);
        c.waived += usize::from(s == "waived");
    }
    c
}

/// The `data-count` of the link to `href` on a page.
fn count_link(html: &str, href: &str) -> usize {
    let re = Regex::new(&format!(
        r#"href="{}" data-count="(\d+)""#,
        regex::escape(href)
    ))
    .unwrap();
    let caps = re
        .captures(html)
        .unwrap_or_else(|| panic!("no count link to {href}"));
    caps[1].parse().unwrap()
}

/// The data table of a chart by its caption: header and rows (first cell the date).
fn chart_table(html: &str, caption: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let re =
        Regex::new(r#"(?s)<caption>(.*?)</caption>\s*<thead>(.*?)</thead>\s*<tbody>(.*?)</tbody>"#)
            .unwrap();
    let cell = Regex::new(r#"<t[hd][^>]*>(.*?)</t[hd]>"#).unwrap();
    let row = Regex::new(r#"(?s)<tr>(.*?)</tr>"#).unwrap();
    for m in re.captures_iter(html) {
        if &m[1] != caption {
            continue;
        }
        let head = cell
            .captures_iter(&m[2])
            .map(|c| c[1].to_string())
            .collect();
        let rows = row
            .captures_iter(&m[3])
            .map(|r| {
                cell.captures_iter(&r[1])
                    .map(|c| c[1].to_string())
                    .collect()
            })
            .collect();
        return (head, rows);
    }
    panic!("no chart table {caption:?}");
}

/// Team rows of teams.html: (open, overdue) per row, the unowned row included.
fn team_rows(html: &str) -> Vec<(usize, usize)> {
    let row = Regex::new(r#"(?s)<tr>(.*?)</tr>"#).unwrap();
    let count = Regex::new(r#"data-count="(\d+)""#).unwrap();
    let body = html.split("<tbody>").nth(1).unwrap_or("");
    let body = body.split("</tbody>").next().unwrap_or("");
    row.captures_iter(body)
        .map(|r| {
            let n: Vec<usize> = count
                .captures_iter(&r[1])
                .map(|c| c[1].parse().unwrap())
                .collect();
            (
                n.first().copied().unwrap_or(0),
                n.get(1).copied().unwrap_or(0),
            )
        })
        .collect()
}

fn reconcile(site: &Path) {
    let report: Value =
        serde_json::from_slice(&std::fs::read(site.join("report.json")).unwrap()).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let json = counts_of(findings.iter().map(|f| {
        (
            f["state"].as_str().unwrap(),
            f["outside_production"].as_bool().unwrap_or(false),
        )
    }));

    // findings.csv: the same findings in the same states.
    let mut rdr = csv::Reader::from_path(site.join("findings.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let state_col = column("state").unwrap();
    let outside_col = column("outside_production").unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), findings.len(), "findings.csv rows");
    let csv_counts = counts_of(rows.iter().map(|r| {
        (
            r.get(state_col).unwrap(),
            r.get(outside_col).unwrap() == "true",
        )
    }));
    assert_eq!(csv_counts, json, "findings.csv vs report.json");

    // The overview and the executive summary link each count to its list.
    for page_name in ["index.html", "executive.html"] {
        let html = page(site, page_name);
        // The headline counts overdue findings in production and outside it apart.
        let production = count_link(&html, "findings.html?state=overdue-production");
        let outside = count_link(&html, "findings.html?state=overdue-outside-production");
        let shown = Counts {
            open: count_link(&html, "findings.html?state=open"),
            overdue: production + outside,
            overdue_outside: outside,
            waived: count_link(&html, "findings.html?state=waived"),
        };
        assert_eq!(shown, json, "{page_name} vs report.json");
        let unmapped = findings
            .iter()
            .filter(|f| {
                is_open(f["state"].as_str().unwrap())
                    && f["controls"].as_array().unwrap().is_empty()
                    && matches!(f["severity"].as_str().unwrap(), "high" | "critical")
            })
            .count();
        assert_eq!(
            count_link(&html, "unmapped.html"),
            unmapped,
            "{page_name} unmapped"
        );
    }

    // Every open finding no control counts is on unmapped.html (high and critical
    // first, then the others) and in unmapped.csv: none is counted in the headline
    // without a page that explains it.
    let unmapped_all = findings
        .iter()
        .filter(|f| {
            is_open(f["state"].as_str().unwrap()) && f["controls"].as_array().unwrap().is_empty()
        })
        .count();
    let unmapped_page = page(site, "unmapped.html");
    assert_eq!(
        unmapped_page.matches("<tr data-severity=").count(),
        unmapped_all,
        "unmapped.html rows"
    );
    let csv = std::fs::read_to_string(site.join("unmapped.csv")).unwrap();
    assert_eq!(csv.lines().count(), unmapped_all + 1, "unmapped.csv rows");

    // Teams: every open and overdue finding is in one row (the unowned row included),
    // and report.json's teams agree with the rows of findings they own.
    let rows = team_rows(&page(site, "teams.html"));
    let (open, overdue) = rows.iter().fold((0, 0), |(a, b), (o, d)| (a + o, b + d));
    assert_eq!(
        (open, overdue),
        (json.open, json.overdue),
        "teams.html rows"
    );
    for t in report["teams"].as_array().unwrap() {
        let name = t["team"].as_str().unwrap();
        let mine = counts_of(
            findings
                .iter()
                .filter(|f| f["team"].as_str() == Some(name))
                .map(|f| (f["state"].as_str().unwrap(), false)),
        );
        assert_eq!(
            (
                t["open"].as_u64().unwrap() as usize,
                t["overdue"].as_u64().unwrap() as usize
            ),
            (mine.open, mine.overdue),
            "team {name}"
        );
    }

    // History: the point at the report date is the report; every point's open count is
    // the sum of its severities; the charts' data tables are the history's numbers.
    let history = report["history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        last["date"].as_str().unwrap(),
        &report["as_of"].as_str().unwrap()[..10]
    );
    let sev_sum = |p: &Value| -> usize {
        p["open_by_severity"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap() as usize)
            .sum()
    };
    assert_eq!(sev_sum(last), json.open, "history at the report date: open");
    assert_eq!(
        last["overdue"].as_u64().unwrap() as usize,
        json.overdue,
        "history at the report date: overdue"
    );
    let index = page(site, "index.html");
    let (_, overdue_rows) = chart_table(&index, "Overdue findings over time");
    let (sev_head, sev_rows) = chart_table(&index, "Open findings by severity over time");
    let by_date: BTreeMap<&str, &Value> = history
        .iter()
        .map(|p| (p["date"].as_str().unwrap(), p))
        .collect();
    for row in &overdue_rows {
        let p = by_date.get(row[0].as_str()).expect("chart date in history");
        assert_eq!(
            row[1],
            p["overdue"].to_string(),
            "overdue chart on {}",
            row[0]
        );
    }
    for row in &sev_rows {
        let p = by_date.get(row[0].as_str()).expect("chart date in history");
        for (h, v) in sev_head.iter().zip(row).skip(1) {
            // report.json names Informational by its id, `none`.
            let key = match h.to_ascii_lowercase() {
                k if k == "informational" => "none".to_string(),
                k => k,
            };
            let want = p["open_by_severity"][key.as_str()].as_u64().unwrap_or(0);
            assert_eq!(v, &want.to_string(), "{h} on {}", row[0]);
        }
    }
    // A fixed finding is fixed on a history date no earlier than its fix: the history's
    // fixed counts per period add up to the fixes in those periods (a finding fixed
    // and back again keeps its earlier fixes in `previous_episodes`).
    let first = history.first().unwrap()["date"].as_str().unwrap();
    let fixed_in_periods = findings
        .iter()
        .flat_map(|f| {
            let earlier = f["previous_episodes"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            earlier
                .into_iter()
                .filter_map(|e| e["fixed_on"].as_str().map(str::to_string))
                .chain(f["fixed_on"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .filter(|d| d.as_str() > first)
        .count();
    let fixed_points: usize = history
        .iter()
        .skip(1)
        .map(|p| p["fixed"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(fixed_points, fixed_in_periods, "fixed per period");

    diagnostics_agree(site, &report);
    teams_agree(site, &report);
}

/// A finding's team is the same everywhere: `findings.csv` gives each finding the
/// team `report.json` gives it, and a finding about an image alone (a vulnerability a
/// scanner reports of the image; `report.json` then writes no `subject`) has the team
/// the image's page shows.
fn teams_agree(site: &Path, report: &Value) {
    let findings = report["findings"].as_array().unwrap();
    let images = report["images"].as_array().unwrap();
    let team = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let by_key: BTreeMap<String, String> = findings
        .iter()
        .map(|f| (team(&f["key"]), team(&f["team"])))
        .collect();
    let mut rdr = csv::Reader::from_path(site.join("findings.csv")).unwrap();
    for row in rdr.deserialize::<BTreeMap<String, String>>() {
        let row = row.unwrap();
        assert_eq!(
            by_key.get(&row["key"]),
            Some(&row["team"]),
            "findings.csv team of {}",
            row["key"]
        );
    }
    for f in findings {
        let (Some(i), None) = (f["image"].as_u64(), f.get("subject")) else {
            continue;
        };
        let image = &images[i as usize];
        assert_eq!(
            team(&f["team"]),
            team(&image["team"]),
            "team of {} on {}",
            report["checks"][f["check"].as_u64().unwrap() as usize]["check"],
            image["image"]
        );
    }
}

/// Diagnostics: `report.json` keeps each file's under `sources` and the others at the
/// top level; `diagnostic_count` is their sum, and it is the number the overview links
/// and the rows `sources.html` lists, whose last section lists the top-level ones.
fn diagnostics_agree(site: &Path, report: &Value) {
    let top = report["diagnostics"].as_array().unwrap().len();
    let per_file: usize = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["diagnostics"].as_array().map_or(0, Vec::len))
        .sum();
    let count = report["diagnostic_count"].as_u64().unwrap() as usize;
    assert_eq!(count, top + per_file, "report.json diagnostic_count");
    let index = page(site, "index.html");
    assert_eq!(
        count_link(&index, "sources.html#diagnostics"),
        count,
        "overview diagnostics vs report.json"
    );
    let sources = page(site, "sources.html");
    let listed = sources
        .split(r#"id="diagnostics""#)
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .map_or(0, |t| t.matches("<tr><td").count());
    assert_eq!(listed, count, "sources.html diagnostics vs report.json");
    assert!(
        sources.contains(&format!("Diagnostics ({count})")),
        "sources.html says Diagnostics ({count})"
    );
    assert!(
        sources.contains(&format!("Diagnostics not tied to an input file ({top})")),
        "sources.html says how many are not tied to an input file ({top})"
    );
}

/// IMG-07 and the images pages count the same signatures: the running images
/// `report.json` marks signed are the images IMG-07 counts as signed, those verified
/// only by undated verifications are the ones it counts apart, and the images page
/// says the same of each image (the sample's images all run now, or never ran).
fn signatures_agree(site: &Path) {
    let report: Value =
        serde_json::from_slice(&std::fs::read(site.join("report.json")).unwrap()).unwrap();
    let check = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "IMG-07")
        .and_then(|c| {
            c["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["id"] == "signatures-verified")
        })
        .expect("IMG-07/signatures-verified");
    let params = &check["reason"]["params"];
    let images = report["images"].as_array().unwrap();
    let running = || {
        images
            .iter()
            .filter(|i| !i["running_in"].as_array().unwrap().is_empty())
    };
    let count = |key: &str| running().filter(|i| i[key] == true).count().to_string();
    assert_eq!(
        params["total"],
        running().count().to_string(),
        "IMG-07 total"
    );
    assert_eq!(params["signed"], count("signed"), "IMG-07 signed vs images");
    let undated = params["undated"].as_str().unwrap_or("0");
    assert_eq!(
        undated,
        count("signature_undated"),
        "IMG-07 undated vs images"
    );
    // The images page: one row per image, its Signed cell as report.json says.
    let html = page(site, "images/index.html");
    let row =
        Regex::new(r#"(?s)<tr><th scope="row"[^>]*><a [^>]*>(.*?)</a></th>(.*?)</tr>"#).unwrap();
    let cells: BTreeMap<String, String> = row
        .captures_iter(&html)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert_eq!(cells.len(), images.len(), "images page rows");
    for i in images {
        let img = &i["image"];
        let name = format!(
            "{}/{}:{}",
            img["registry"].as_str().unwrap(),
            img["repository"].as_str().unwrap(),
            img["tag"].as_str().unwrap_or_default()
        );
        let Some(row) = cells.get(&name) else {
            panic!("{name}: no row on the images page");
        };
        let shown = (
            row.contains("✓</span> yes"),
            row.contains("(verified, date unknown)"),
        );
        let want = (i["signed"] == true, i["signature_undated"] == true);
        assert_eq!(shown, want, "{name}: Signed cell");
    }
}

#[test]
fn sample_numbers_agree_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    reconcile(&site);
    signatures_agree(&site);
    // The redis vulnerability waived by W-005: Trivy reports it of the image alone,
    // which runs only in the shop namespace (session-cache), so it is Shop's, as the
    // image's page says.
    let report: Value =
        serde_json::from_slice(&std::fs::read(site.join("report.json")).unwrap()).unwrap();
    let redis = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["waiver"] == "W-005")
        .expect("the finding W-005 waives");
    assert_eq!(redis["team"], "Shop", "team of the finding W-005 waives");
}

#[test]
fn real_exports_numbers_agree_everywhere() {
    let Some(fixtures) = fixtures_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_dir(&fixtures, &site, &["--as-of", "2026-12-04"]);
    reconcile(&site);
}

/// Findings fixed and back again (a new episode each time) keep every count in
/// agreement: the earlier fix in the trend's fixed counts, the team's fixed count and
/// the rows its page lists.
#[test]
fn findings_fixed_and_back_numbers_agree_everywhere() {
    // (scenario, earlier episodes, fixes in the trend)
    for (scenario, earlier, fixes) in [
        ("reintroduced-finding-starts-a-new-grace-period", 1, 1),
        ("fixed-and-back-in-one-period-is-new-and-fixed", 1, 1),
        ("reintroduced-known-exploited-is-overdue-at-once", 1, 1),
        ("fixed-twice-counts-two-fixes", 2, 2),
    ] {
        let as_of = "2026-10-25";
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let input = root().join("tests/scenarios").join(scenario);
        build_dir(&input, &site, &["--as-of", as_of]);
        reconcile(&site);
        let report: Value =
            serde_json::from_slice(&std::fs::read(site.join("report.json")).unwrap()).unwrap();
        let episodes: usize = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["previous_episodes"].as_array())
            .map(Vec::len)
            .sum();
        assert_eq!(episodes, earlier, "{scenario}: earlier episodes");
        let fixed: u64 = report["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["fixed"].as_u64().unwrap())
            .sum();
        assert_eq!(
            fixed, fixes,
            "{scenario}: each fix counts once in the trend"
        );
    }
}

/// Overdue findings in production and outside it are counted apart on the overview and
/// the executive summary, and together they are every overdue finding (the teams, the
/// trend and the executive summary's "all overdue" link).
#[test]
fn overdue_in_and_outside_production_numbers_agree_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let input = root().join("tests/scenarios/overdue-in-production-fails-beside-one-outside");
    build_dir(&input, &site, &["--as-of", "2026-11-05"]);
    reconcile(&site);
    for page_name in ["index.html", "executive.html"] {
        let html = page(&site, page_name);
        assert_eq!(
            count_link(&html, "findings.html?state=overdue-production"),
            1,
            "{page_name}"
        );
        assert_eq!(
            count_link(&html, "findings.html?state=overdue-outside-production"),
            1,
            "{page_name}"
        );
    }
    let exec = page(&site, "executive.html");
    assert_eq!(count_link(&exec, "findings.html?state=overdue"), 2);
}

/// The sample's fixed dates and mean days to fix, computed by hand from the story in
/// `sample-data/SCANS.md` ("The vulnerability story"): Trivy scans each image weekly.
/// - shop/web CVE-2026-21001: present 09-21 … 10-05, gone from the 10-12 scan: first
///   seen 2026-09-21, fixed 2026-10-12, 21 days.
/// - payments/api CVE-2026-0422: present 10-05 … 10-26, gone from 11-02: 28 days.
/// - payments/ledger CVE-2026-18820: only in the 09-28 (gzip) report, gone on 10-05:
///   7 days.
///
/// So Shop fixed 1 finding in 21.0 days on average and Payments 2 in (28 + 7) / 2 =
/// 17.5 days; no other sample finding was fixed (the Kyverno reports of 2026-11-19 are
/// one report per Deployment, whose results are stamped seconds apart).
#[test]
fn sample_fixed_dates_and_mean_days_to_fix_follow_scans_md() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let report: Value =
        serde_json::from_slice(&std::fs::read(site.join("report.json")).unwrap()).unwrap();
    let mut fixed: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["state"] == "fixed")
        .map(|f| {
            (
                // report.json names a finding's check by index into `checks`.
                report["checks"][f["check"].as_u64().unwrap() as usize]["check"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                f["first_seen"].as_str().unwrap()[..10].to_string(),
                f["fixed_on"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    fixed.sort();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        fixed,
        vec![
            s("CVE-2026-0422", "2026-10-05", "2026-11-02"),
            s("CVE-2026-18820", "2026-09-28", "2026-10-05"),
            s("CVE-2026-21001", "2026-09-21", "2026-10-12"),
        ]
    );
    let mttr: BTreeMap<&str, (u64, Option<f64>)> = report["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["team"].as_str().unwrap(),
                (t["fixed"].as_u64().unwrap(), t["mean_days_to_fix"].as_f64()),
            )
        })
        .collect();
    assert_eq!(mttr["Shop"], (1, Some(21.0)));
    assert_eq!(mttr["Payments"], (2, Some(17.5)));
}
