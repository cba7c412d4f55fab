//! End to end on the sample estate: the built site, its links, its statuses, its
//! reproducibility, its languages, shards, and a build killed half-way.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Relative links (href/src) of a page, without fragment or query.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let url = &rest[..end];
            let url = url.split(['#', '?']).next().unwrap_or("");
            if !url.is_empty() && !url.contains("://") && !url.starts_with("mailto:") {
                out.push(url.replace("&amp;", "&"));
            }
        }
    }
    out
}

#[test]
fn sample_site_has_every_page_it_links_to_and_every_control() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let files = read_tree(&site);
    assert!(files.contains_key("index.html"));
    for name in [
        "sources.html",
        "controls.csv",
        "findings.csv",
        "waivers.csv",
        "sources.csv",
        "report.json",
        "report.html",
        "oscal/assessment-results.json",
        "manifest.json",
    ] {
        assert!(files.contains_key(name), "missing {name}");
    }
    let controls: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("controls/") && k.ends_with(".html"))
        .collect();
    assert_eq!(controls.len(), 40, "{controls:?}");
    let mut broken = BTreeSet::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        for link in links(&String::from_utf8_lossy(bytes)) {
            let target = normalise(&base.join(&link));
            if !files.contains_key(&target)
                && !files.keys().any(|k| k.starts_with(&format!("{target}/")))
            {
                broken.insert(format!("{path} -> {link}"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    platform_facts_sit_beside_other_evidence(&files);
}

/// A control page lists platform facts beside scanner, admission and runtime evidence
/// about the same workload, each row linking to its file, with the fact's JSON pointer.
fn platform_facts_sit_beside_other_evidence(files: &std::collections::BTreeMap<String, Vec<u8>>) {
    let page = String::from_utf8_lossy(&files["controls/RUN-02.html"]).into_owned();
    let rows: Vec<&str> = page
        .split("<tr>")
        .filter(|r| r.contains("batch/Deployment/etl") || r.contains("/Pod/etl-"))
        .collect();
    for format in ["k8s-inventory", "trivy-k8s", "falco"] {
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!("<span class=\"muted\">{format}</span>"))),
            "RUN-02 shows no {format} row about the etl workload"
        );
    }
    assert!(
        page.contains("<span class=\"muted\">k8s-audit</span>"),
        "no admission row on RUN-02"
    );
    let fact = rows
        .iter()
        .find(|r| r.contains("k8s-inventory") && r.contains("pod-privileged"))
        .unwrap_or_else(|| panic!("no inventory row for the privileged etl container"));
    assert!(
        fact.contains("href=\"../sources.html#src-")
            && fact.contains("#/items/")
            && fact.contains("/securityContext/privileged"),
        "{fact}"
    );
    // A cluster setting: the NODE-02 row of the staging pool cites the field that failed.
    let node = String::from_utf8_lossy(&files["controls/NODE-02.html"]).into_owned();
    assert!(
        node.contains("aks-stage-weu.json:1#/agentPoolProfiles/0/securityProfile/enableSecureBoot"),
        "NODE-02 cites no pointer"
    );
}

fn normalise(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn sample_estate_shows_every_status_the_story_needs() {
    let (_, out, _) = run(&["check", sample().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for s in ["pass", "fail", "warning", "not-assessed", "manual"] {
        assert!(
            v["statuses"][s].as_u64().unwrap_or(0) > 0,
            "no control is {s}: {}",
            v["statuses"]
        );
    }
    let status = |id: &str| {
        v["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_string())
    };
    assert_eq!(
        status("IMG-04").as_deref(),
        Some("fail"),
        "overdue and known-exploited vulnerabilities"
    );
    assert_eq!(
        status("NODE-03").as_deref(),
        Some("warning"),
        "no node public IPs anywhere, but SSH with local keys on the staging pools (az aks show)"
    );
    assert_eq!(
        status("NODE-02").as_deref(),
        Some("warning"),
        "the staging pools have no trusted launch: the platform fact decides over the attestation"
    );
    assert_eq!(
        status("K8S-05").as_deref(),
        Some("manual"),
        "no attestation, and no export says whether tenants are hostile"
    );
    let open = ["not-assessed", "manual"]
        .iter()
        .map(|s| v["statuses"][s].as_u64().unwrap_or(0))
        .sum::<u64>();
    assert!(open <= 3, "manual or not assessed: {}", v["statuses"]);
}

#[test]
fn two_builds_with_the_same_inputs_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build_sample(&a, &[]);
    build_sample(&b, &[]);
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(
            tb.get(k) == Some(v),
            "{k} differs between two identical builds"
        );
    }
}

#[test]
fn spanish_and_french_sites_have_no_english_interface_strings_left() {
    let dir = tempfile::tempdir().unwrap();
    let en = dir.path().join("en");
    build_sample(&en, &[]);
    for lang in ["es", "fr"] {
        let out = dir.path().join(lang);
        build_sample(&out, &["--lang", lang]);
        let index = page(&out, "index.html");
        assert!(
            index.contains(&format!("lang=\"{lang}\"")),
            "{lang}: html lang attribute"
        );
        for english in [
            "Controls",
            "Evidence",
            "Remediation",
            "Findings",
            "Sources",
            "What changed",
            "Not assessed",
            "Waivers",
        ] {
            for p in [
                "index.html",
                "controls/IMG-04.html",
                "sources.html",
                "findings.html",
            ] {
                let text = visible_text(&page(&out, p));
                assert!(
                    !text
                        .split(|c: char| !c.is_alphanumeric() && c != ' ')
                        .any(|w| w.trim() == english),
                    "{lang}/{p} still says {english:?}"
                );
            }
        }
    }
}

/// Text outside tags, roughly: enough to find interface words.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push('\n');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn shards_and_raw_exports_build_byte_identical_sites() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample();
    let raw = dir.path().join("raw");
    build_sample(&raw, &[]);
    // Ingest each top-level folder of the sample into its own shard, in "CI jobs".
    let shards = dir.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    for entry in std::fs::read_dir(&sample).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && path.file_name().unwrap() != "attestations" {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let out = shards.join(format!("{name}.muster.jsonl.gz"));
            let p = format!("{}/{}", sample.to_str().unwrap(), name);
            let (code, _, err) = run(&["ingest", &p, "-o", out.to_str().unwrap(), "--quiet"]);
            assert_eq!(code, 0, "{err}");
        }
    }
    let merged = dir.path().join("merged");
    let config = sample.join("muster.toml");
    let (code, _, err) = run(&[
        "build",
        shards.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "-o",
        merged.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let (a, b) = (read_tree(&raw), read_tree(&merged));
    for (k, v) in &a {
        assert!(
            b.get(k) == Some(v),
            "{k} differs between raw and sharded builds"
        );
    }
    assert_eq!(a.len(), b.len());
}

#[test]
fn a_build_killed_half_way_leaves_the_previous_site_intact() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let before = read_tree(&site);
    let sample = sample();
    let status = muster()
        .args([
            "build",
            sample.to_str().unwrap(),
            "-o",
            site.to_str().unwrap(),
            "--quiet",
            "--lang",
            "fr",
        ])
        .env("MUSTER_TEST_ABORT_AFTER_FILES", "10")
        .status()
        .unwrap();
    assert!(!status.success(), "the build was meant to die");
    assert_eq!(read_tree(&site), before, "the previous site changed");
    // The next build cleans up after the dead one and succeeds.
    build_sample(&site, &[]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("muster-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
