//! Output proportional to what a reader needs (issue 17) on the sample estate:
//! report.json holds each finding and each check's title once, image pages name each
//! input file once and every in-page link lands, and the changes page counts exactly.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Values of attribute `attr` (`href="`, `id="`) in `html`.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    html.match_indices(attr)
        .filter_map(|(i, _)| {
            let rest = &html[i + attr.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

fn report(site: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(site.join("report.json")).unwrap()).unwrap()
}

#[test]
fn sample_report_json_image_pages_and_changes_are_proportional_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let r = report(&site);

    // report.json: one line; each (kind, check, title) once; every finding's indexes land.
    let raw = std::fs::read_to_string(site.join("report.json")).unwrap();
    assert_eq!(raw.lines().count(), 1);
    let checks = r["checks"].as_array().unwrap();
    let distinct: BTreeSet<String> = checks.iter().map(|c| c.to_string()).collect();
    assert_eq!(distinct.len(), checks.len(), "a check written twice");
    let findings = r["findings"].as_array().unwrap();
    for f in findings {
        assert!(f["check"].as_u64().unwrap() < checks.len() as u64);
        if let Some(i) = f["image"].as_u64() {
            assert!(r["images"][i as usize]["image"].is_object(), "{f}");
        }
        if let Some(i) = f["provenance"]["source"].as_u64() {
            assert!(r["sources"][i as usize]["path"].is_string(), "{f}");
        }
        assert!(f.get("title").is_none() && f.get("kind").is_none(), "{f}");
    }
    let rows = csv::Reader::from_path(site.join("findings.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows, findings.len(), "findings.csv has every finding");

    // Image pages: each file listed once; every row's file number and in-page link lands.
    let mut pages = 0;
    for e in std::fs::read_dir(site.join("images")).unwrap() {
        let path = e.unwrap().path();
        let html = std::fs::read_to_string(&path).unwrap();
        let Some(table) = html.split("id=\"image-findings\"").nth(1) else {
            continue;
        };
        pages += 1;
        let ids: BTreeSet<&str> = attrs(&html, " id=\"").into_iter().collect();
        for h in attrs(&html, "href=\"#") {
            assert!(ids.contains(h), "{}: #{h} names no element", path.display());
        }
        let files = attrs(&html, "<li id=\"src-");
        let unique: BTreeSet<&str> = files.iter().copied().collect();
        assert_eq!(unique.len(), files.len(), "{}", path.display());
        assert!(!table.contains("data-label="), "{}", path.display());
    }
    assert!(pages > 0, "no image page lists findings");

    // Changes: each heading's count is its list in report.json.
    let changes = std::fs::read_to_string(site.join("changes.html")).unwrap();
    for key in ["new_findings", "fixed_findings"] {
        let n = r["changes"][key].as_array().unwrap().len();
        let id = key.replace('_', "-");
        let list = changes
            .split(&format!("<ul id=\"{id}\""))
            .nth(1)
            .unwrap()
            .split("</ul>")
            .next()
            .unwrap();
        assert_eq!(list.matches("<li>").count(), n.min(2000), "{key}");
        assert!(changes.contains(&format!("<span class=\"muted\">({n})</span></h2>\n")));
    }
}
