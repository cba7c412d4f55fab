//! `report.json` holds each value once and loses none: expanding its tables back into
//! every finding gives the evaluation's findings and changes exactly.

use super::tests::report;
use super::*;
use crate::evaluate::*;
use crate::model::{ImageRef, Provenance};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};

/// `registry/repository:tag` (or `@digest`), as `ImageRef::tagged`.
fn tagged(i: &Value) -> String {
    let name = format!(
        "{}/{}",
        i["registry"].as_str().unwrap(),
        i["repository"].as_str().unwrap()
    );
    match (i["tag"].as_str(), i["digest"].as_str()) {
        (Some(t), _) => format!("{name}:{t}"),
        (None, Some(d)) => format!("{name}@{d}"),
        (None, None) => name,
    }
}

/// A finding of `report.json` with its check, image, subject and file filled back in
/// and its absent fields as `null`: the evaluation's own serialisation.
fn expand(doc: &Value, f: &Value) -> Value {
    let mut out = f.as_object().unwrap().clone();
    let check = &doc["checks"][f["check"].as_u64().unwrap() as usize];
    for k in ["kind", "check", "title"] {
        out.insert(k.into(), check[k].clone());
    }
    let image = match f["image"].as_u64() {
        Some(i) => doc["images"][i as usize]["image"].clone(),
        None => f["image_ref"].clone(),
    };
    out.remove("image_ref");
    if !f["subject"].is_string() {
        out.insert("subject".into(), json!(tagged(&image)));
    }
    out.insert("image".into(), image);
    let mut prov = f["provenance"].as_object().unwrap().clone();
    if let Some(i) = prov.remove("source") {
        let path = doc["sources"][i.as_u64().unwrap() as usize]["path"].clone();
        prov.insert("file".into(), path);
    }
    out.insert("provenance".into(), Value::Object(prov));
    for k in [
        "package",
        "installed_version",
        "fixed_version",
        "first_seen",
        "last_seen",
        "due",
        "fixed_on",
        "team",
        "waiver",
    ] {
        out.entry(k).or_insert(Value::Null);
    }
    out.entry("known_exploited").or_insert(json!(false));
    Value::Object(out)
}

/// The fixture with a second finding whose image and file no table lists, and changes
/// that name both findings.
fn fuller_report() -> Report {
    let mut r = report();
    let mut other = r.findings[0].clone();
    other.key = "vulnerability|CVE-2026-0002|y".into();
    other.check = "CVE-2026-0002".into();
    other.image = Some(ImageRef {
        registry: "docker.io".into(),
        repository: "library/nginx".into(),
        tag: None,
        digest: Some(format!("sha256:{}", "c".repeat(64)).into()),
    });
    other.subject = other.image.as_ref().unwrap().tagged().into();
    other.known_exploited = true;
    other.team = None;
    other.package = None;
    other.first_seen = Some(Utc.with_ymd_and_hms(2026, 11, 15, 0, 0, 0).unwrap());
    // Fixed once before, and back since 15 November.
    other.previous_episodes = vec![FixedEpisode {
        first_seen: Utc.with_ymd_and_hms(2026, 10, 1, 6, 0, 0).unwrap(),
        fixed_on: chrono::NaiveDate::from_ymd_opt(2026, 10, 12).unwrap(),
    }];
    other.provenance = Provenance {
        file: "elsewhere/scan.json".into(),
        line: None,
        pointer: Some("/Results/0".into()),
    };
    r.findings.push(other);
    r.changes.new_findings = (1..r.findings.len()).collect();
    r
}

/// Every file of the English site of `r`, by path.
fn site(r: &Report) -> std::collections::BTreeMap<String, Vec<u8>> {
    super::tests::render_report(r, "en")
}

fn document(r: &Report) -> Value {
    report_json(&site(r))
}

/// `report.json` of a rendered site, checked to be one line.
fn report_json(site: &std::collections::BTreeMap<String, Vec<u8>>) -> Value {
    let bytes = site.get("report.json").unwrap();
    assert_eq!(bytes.iter().filter(|b| **b == b'\n').count(), 1, "one line");
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn every_finding_and_change_is_recoverable_and_nothing_else_moved() {
    let r = fuller_report();
    let doc = document(&r);
    assert_eq!(doc["schema"], REPORT_SCHEMA);
    let want = serde_json::to_value(&r).unwrap();
    let got: Vec<Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| expand(&doc, f))
        .collect();
    assert_eq!(Value::Array(got.clone()), want["findings"]);
    // The second finding's image and file are written out; the first's are indexes.
    assert_eq!(doc["findings"][0]["image"], 0);
    assert_eq!(doc["findings"][0]["provenance"]["source"], 0);
    assert!(doc["findings"][1]["image_ref"].is_object());
    assert_eq!(
        doc["findings"][1]["provenance"]["file"],
        "elsewhere/scan.json"
    );
    assert!(doc["findings"][1].get("subject").is_none());
    assert_eq!(doc["checks"].as_array().unwrap().len(), 2);
    // Changes name findings by index, and the index names the finding listed.
    assert_eq!(doc["changes"]["new_findings"], json!([1]));
    assert_eq!(got[1]["check"], json!(r.findings[1].check));
    // Every other field is the evaluation's, as it was.
    for (k, v) in want.as_object().unwrap() {
        if k != "findings" {
            assert_eq!(&doc[k], v, "{k}");
        }
    }
}

#[test]
fn a_finding_fixed_and_back_says_so_on_its_pages_and_in_its_exports() {
    let r = fuller_report();
    let site = site(&r);
    let text = |p: &str| String::from_utf8(site.get(p).unwrap().clone()).unwrap();
    let doc = report_json(&site);
    assert_eq!(
        doc["findings"][1]["previous_episodes"],
        json!([{"first_seen": "2026-10-01T06:00:00Z", "fixed_on": "2026-10-12"}])
    );
    assert!(doc["findings"][0].get("previous_episodes").is_none());
    let csv = text("findings.csv");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(
        &header[header.len() - 3..],
        ["fixed_on", "previously_fixed_on", "outside_production"]
    );
    let row = csv
        .lines()
        .find(|l| l.contains("CVE-2026-0002"))
        .expect("the finding's row");
    assert!(row.ends_with(",2026-10-12,false"), "{row}");
    let findings = text("findings.html");
    assert!(findings.contains("previously fixed on"), "findings page");
    let changes = text("changes.html");
    assert!(
        changes.contains("CVE-2026-0002") && changes.contains("previously fixed on"),
        "changes page lists the regression as such"
    );
}
