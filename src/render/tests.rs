//! Renderer tests on a small hand-built report with hostile values in it.

use super::*;
use crate::diag::{Code, Diagnostic, Level};
use crate::evaluate::*;
use crate::model::SourceSummary;
use crate::model::{ImageRef, Provenance, RecordKind, Severity};
use chrono::{NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;

pub const XSS: &str = "<script>alert(1)</script>";

const CONTROL_TOML: &str = r#"
id = "IMG-01"
domain = "images"
evaluation = "automatic"
title = { en = "Images are scanned", es = "Las imágenes se analizan", fr = "Les images sont analysées" }
summary = { en = "Scan it [x](javascript:alert(1)) <img src=x onerror=alert(1)>", es = "Analizar [x](javascript:alert(1)) <img src=x onerror=alert(1)>", fr = "Analyser [x](javascript:alert(1)) <img src=x onerror=alert(1)>" }
remediation = { en = "Run **trivy**.", es = "Ejecute **trivy**.", fr = "Lancez **trivy**." }
sources = [{ document = "Guía AKS", heading = "Imágenes" }]
references = { nist_800_190 = ["4.1.1"] }
[[checks]]
id = "scan"
title = { en = "Fresh scan", es = "Análisis reciente", fr = "Analyse récente" }
select = ["vulnerability:*"]
"#;

const MANUAL_TOML: &str = r#"
id = "GOV-01"
domain = "governance"
evaluation = "manual"
title = { en = "Owner named", es = "Responsable designado", fr = "Responsable désigné" }
summary = { en = "Name an owner.", es = "Designe un responsable.", fr = "Désignez un responsable." }
[attestation]
question = { en = "Who owns it?", es = "¿Quién es el responsable?", fr = "Qui est responsable ?" }
"#;

pub fn catalog() -> Catalog {
    let mut diags = Vec::new();
    let c = Catalog::from_files(
        vec![
            ("img-01.toml".into(), CONTROL_TOML.into()),
            ("gov-01.toml".into(), MANUAL_TOML.into()),
        ],
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags:?}");
    c
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

pub fn report() -> Report {
    let image = ImageRef {
        registry: "evil.example".into(),
        repository: XSS.into(),
        tag: Some("1".into()),
        digest: None,
    };
    let prov = Provenance {
        file: "scans/trivy-web.json".into(),
        line: std::num::NonZeroU64::new(42),
        pointer: None,
    };
    let evidence = EvidenceItem {
        kind: "vulnerability".into(),
        format: "trivy".into(),
        check: "CVE-2026-0001".into(),
        title: "=HYPERLINK(\"http://evil\")".into(),
        title_param: None,
        subject_param: None,
        outcome: "fail".into(),
        severity: Severity::High,
        subject: XSS.into(),
        observed_at: Some(Utc.with_ymd_and_hms(2026, 11, 19, 8, 0, 0).unwrap()),
        dated_from_path: false,
        count: 1,
        state: FindingState::InGrace,
        due: Some(day(30)),
        waiver: None,
        provenance: prov.clone(),
    };
    let img_control = ControlResult {
        id: "IMG-01".into(),
        domain: "images".into(),
        status: Status::Warning,
        reason: Reason::new(
            ReasonCode::InGrace,
            &[("count", "1".into()), ("due", "2026-11-30".into())],
        ),
        checks: vec![CheckResult {
            id: "scan".into(),
            status: Status::Warning,
            reason: Reason::new(ReasonCode::CheckWarning, &[("check", "scan".into())]),
            required: true,
            evidence: vec![evidence],
            evidence_total: 1,
        }],
        attestation: None,
        evidence_count: 1,
        last_evidence: Some(Utc.with_ymd_and_hms(2026, 11, 19, 8, 0, 0).unwrap()),
        history: vec![(day(13), Status::Fail), (day(20), Status::Warning)],
    };
    let gov = ControlResult {
        id: "GOV-01".into(),
        domain: "governance".into(),
        status: Status::Manual,
        reason: Reason::new(ReasonCode::NeedsAttestation, &[]),
        checks: vec![],
        attestation: None,
        evidence_count: 0,
        last_evidence: None,
        history: vec![(day(13), Status::Manual), (day(20), Status::Manual)],
    };
    let finding = Finding {
        key: "vulnerability|CVE-2026-0001|x".into(),
        kind: "vulnerability".into(),
        check: "CVE-2026-0001".into(),
        title: "=HYPERLINK(\"http://evil\")".into(),
        severity: Severity::High,
        subject: XSS.into(),
        subject_words: None,
        title_words: None,
        image: Some(image.clone()),
        package: Some("openssl".into()),
        installed_version: Some("3.0.1".into()),
        fixed_version: Some("3.0.2".into()),
        known_exploited: false,
        first_seen: Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()),
        last_seen: Some(Utc.with_ymd_and_hms(2026, 11, 19, 0, 0, 0).unwrap()),
        due: Some(day(30)),
        fixed_on: None,
        previous_episodes: Vec::new(),
        state: FindingState::InGrace,
        outside_production: false,
        team: Some(XSS.into()),
        waiver: None,
        expired_waiver: None,
        vex: None,
        sources: vec!["trivy".into()],
        controls: vec!["IMG-01".into()],
        under_control: Vec::new(),
        provenance: prov,
    };
    let point = |d: u32, score: f64| HistoryPoint {
        date: day(d),
        statuses: BTreeMap::from([(Status::Warning, 1), (Status::Manual, 1)]),
        score,
        open_by_severity: BTreeMap::from([(Severity::High, 1)]),
        overdue: 0,
        new: 1,
        fixed: 0,
    };
    Report {
        evidence: crate::evaluate::EvidencePeriod::default(),
        as_of: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
        profile: "pragmatic".into(),
        controls: vec![img_control, gov],
        statuses: BTreeMap::from([(Status::Warning, 1), (Status::Manual, 1)]),
        score: 0.0,
        history: vec![point(13, 0.0), point(20, 50.0)],
        findings: vec![finding],
        images: vec![ImageSummary {
            image,
            aliases: vec![XSS.into()],
            open_by_severity: BTreeMap::from([(Severity::High, 1)]),
            last_scanned: Some(Utc.with_ymd_and_hms(2026, 11, 19, 0, 0, 0).unwrap()),
            os: Some("debian 12".into()),
            running_in: vec![format!("prod/web/Deployment/{XSS}")],
            seen_by: vec!["trivy".into()],
            controls: vec!["IMG-01".into()],
            team: Some("web".into()),
            signed: false,
            signature_undated: false,
        }],
        teams: vec![TeamSummary {
            team: XSS.into(),
            contact: "web@example.org".into(),
            open: 1,
            overdue: 0,
            fixed: 2,
            mean_days_to_fix: Some(3.5),
        }],
        waivers: vec![WaiverState {
            waiver: crate::evaluate::waivers::Waiver {
                id: "W-1".into(),
                control: "IMG-01".into(),
                finding: "CVE-*".into(),
                image: "*".into(),
                workload: "*".into(),
                reason: "@SUM(1+1)".into(),
                category: "risk-accepted".into(),
                approver: "ciso".into(),
                approved_on: day(1),
                expires_on: day(10),
                line: 2,
            },
            expired: true,
            matched: 0,
        }],
        attestations: vec![],
        changes: Changes {
            since: Some(day(13)),
            controls: vec![("IMG-01".into(), Status::Fail, Status::Warning)],
            // The finding whose subject is hostile text.
            new_findings: vec![0],
            ..Changes::default()
        },
        sources: vec![SourceSummary {
            path: "scans/trivy-web.json".into(),
            formats: vec![crate::model::test_formats::TRIVY],
            sha256: "ab".repeat(32),
            size: 2048,
            compressed: false,
            records: BTreeMap::from([(RecordKind::Vulnerability, 1)]),
            first_observed: Some(Utc.with_ymd_and_hms(2026, 11, 19, 0, 0, 0).unwrap()),
            last_observed: Some(Utc.with_ymd_and_hms(2026, 11, 19, 0, 0, 0).unwrap()),
            undated_records: 0,
            dated_from_path: false,
            diagnostics: vec![Diagnostic::file(
                Level::Warning,
                Code::BadRecord,
                "scans/trivy-web.json",
                XSS,
            )
            .at(7, Some(3))],
        }],
        diagnostics: vec![],
        scope: ScopeInfo::default(),
    }
}

pub fn render(lang: &str) -> BTreeMap<String, Vec<u8>> {
    render_report(&report(), lang)
}

/// Every file of the site of `r` in `lang`, by path.
pub fn render_report(r: &Report, lang: &str) -> BTreeMap<String, Vec<u8>> {
    let opts = RenderOptions::default();
    render_site(r, &catalog(), &Config::default(), lang, &opts)
        .unwrap()
        .into_iter()
        .collect()
}

pub fn text(site: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        site.get(path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .clone(),
    )
    .unwrap()
}

#[test]
fn every_page_exists_and_has_the_csp() {
    let site = render("en");
    let control = control_href("IMG-01");
    let image = image_href(&report().images[0].image);
    for page in [
        "index.html",
        "controls.html",
        "findings.html",
        "images/index.html",
        "teams.html",
        "waivers.html",
        "changes.html",
        "sources.html",
        "executive.html",
        "report.html",
        control.as_str(),
        image.as_str(),
    ] {
        let html = text(&site, page);
        assert!(html.contains("Content-Security-Policy"), "{page}");
        assert!(html.contains("<html lang=\"en\">"), "{page}");
        assert!(
            !html.contains(" style=") && !html.contains(" onclick="),
            "{page}"
        );
    }
    for f in [
        "controls.csv",
        "findings.csv",
        "waivers.csv",
        "sources.csv",
        "report.json",
        "oscal/assessment-results.json",
        "assets/muster.css",
        "assets/muster.js",
        "charts/score.svg",
    ] {
        assert!(site.contains_key(f), "{f}");
    }
    for path in site.keys() {
        assert!(!path.contains("..") && !path.starts_with('/'), "{path}");
    }
}

#[test]
fn control_page_shows_reason_and_evidence_location() {
    let site = render("en");
    let html = text(&site, &control_href("IMG-01"));
    assert!(
        html.contains("Failures inside their grace period: 1 (next due 2026-11-30)."),
        "{html}"
    );
    assert!(html.contains("scans/trivy-web.json:42"));
    assert!(html.contains(&format!(
        "sources.html#{}",
        source_anchor("scans/trivy-web.json")
    )));
    let sources = text(&site, "sources.html");
    assert!(sources.contains(&format!("id=\"{}\"", source_anchor("scans/trivy-web.json"))));
}

#[test]
fn hostile_values_are_escaped_everywhere() {
    let site = render("en");
    for (path, bytes) in &site {
        if path.ends_with(".html") || path.ends_with(".svg") {
            let s = String::from_utf8_lossy(bytes);
            assert!(!s.contains("<script>alert"), "{path}");
            assert!(!s.contains("javascript:"), "{path}");
            assert!(!s.contains("<img src=x"), "{path}");
        }
    }
    let html = text(&site, &control_href("IMG-01"));
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
}

#[test]
fn redaction_banner_on_every_page() {
    let opts = RenderOptions {
        template_dir: None,
        redaction_disabled: true,
    };
    let out = render_site(&report(), &catalog(), &Config::default(), "en", &opts).unwrap();
    for (path, bytes) in out.iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(
            String::from_utf8_lossy(bytes).contains("banner-danger"),
            "{path}"
        );
    }
}

#[test]
fn csv_cells_cannot_run_formulas() {
    let site = render("en");
    let findings = text(&site, "findings.csv");
    assert!(findings.contains("'=HYPERLINK("), "{findings}");
    assert!(!findings.contains(",=HYPERLINK") && !findings.contains(",\"=HYPERLINK"));
    assert!(text(&site, "waivers.csv").contains("'@SUM"));
    assert_eq!(csv_cell("-1+1"), "'-1+1");
    assert_eq!(csv_cell("\tx"), "'\tx");
    assert_eq!(csv_cell("ok"), "ok");
    let mut rdr = csv::Reader::from_reader(site["controls.csv"].as_slice());
    assert_eq!(rdr.records().count(), 2);
}

#[test]
fn report_json_and_oscal_are_valid_and_stable() {
    let site = render("en");
    let json: serde_json::Value = serde_json::from_slice(&site["report.json"]).unwrap();
    assert_eq!(json["schema"], REPORT_SCHEMA);
    assert_eq!(json["controls"].as_array().unwrap().len(), 2);
    let oscal: serde_json::Value =
        serde_json::from_slice(&site["oscal/assessment-results.json"]).unwrap();
    let ar = &oscal["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.2");
    let result = &ar["results"][0];
    let findings = result["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["target"]["type"], "objective-id");
    assert_eq!(findings[0]["target"]["status"]["state"], "not-satisfied");
    let obs = result["observations"].as_array().unwrap();
    assert_eq!(
        findings[0]["related-observations"][0]["observation-uuid"],
        obs[0]["uuid"]
    );
    let uuid =
        regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .unwrap();
    assert!(uuid.is_match(ar["uuid"].as_str().unwrap()));
    assert_eq!(render("en"), site, "two renders differ");
}

#[test]
fn templates_and_assets_can_be_overridden_one_file_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::create_dir_all(dir.path().join("assets")).unwrap();
    std::fs::write(
        dir.path().join("templates/teams.html"),
        "{% extends \"base.html\" %}{% block content %}CUSTOM {{ page.items | length }}{% endblock %}",
    )
    .unwrap();
    std::fs::write(dir.path().join("assets/muster.css"), "body{}").unwrap();
    let opts = RenderOptions {
        template_dir: Some(dir.path().into()),
        redaction_disabled: false,
    };
    let out: BTreeMap<_, _> = render_site(&report(), &catalog(), &Config::default(), "en", &opts)
        .unwrap()
        .into_iter()
        .collect();
    assert!(String::from_utf8_lossy(&out["teams.html"]).contains("CUSTOM 1"));
    assert_eq!(out["assets/muster.css"], b"body{}");
    std::fs::write(dir.path().join("templates/teams.html"), "{{ nope }}").unwrap();
    let err = render_site(&report(), &catalog(), &Config::default(), "en", &opts).unwrap_err();
    assert!(err.to_string().contains("teams.html"), "{err}");
}

#[test]
fn remediation_list_shows_the_most_urgent_and_points_to_the_csv_for_the_rest() {
    let mut report = report();
    let first = report.findings[0].clone();
    report.findings = (0..pages_lists::FINDINGS_SHOWN + 5)
        .map(|i| Finding {
            key: format!("vulnerability|CVE-2026-{i:05}|x").into(),
            check: format!("CVE-2026-{i:05}").into(),
            ..first.clone()
        })
        .collect();
    let site = render_report(&report, "en");
    let html = text(&site, "findings.html");
    assert_eq!(
        html.matches("<tr data-severity=").count(),
        pages_lists::FINDINGS_SHOWN
    );
    assert!(html.contains(&format!(
        "This page lists the {} most urgent; all {} open findings are in",
        pages_lists::FINDINGS_SHOWN,
        pages_lists::FINDINGS_SHOWN + 5
    )));
    let last = format!("CVE-2026-{:05}", pages_lists::FINDINGS_SHOWN + 4);
    assert!(!html.contains(&last));
    assert!(text(&site, "findings.csv").contains(&last));

    // The same findings with no owner: the unowned findings' page lists as many and
    // says how many there are (a fleet's unowned page once held every finding).
    for f in &mut report.findings {
        f.team = None;
    }
    let site = render_report(&report, "en");
    let unowned = text(&site, "teams/_unowned.html");
    assert_eq!(
        unowned.matches("<code>CVE-2026-").count(),
        pages_lists::FINDINGS_SHOWN,
        "open rows"
    );
    assert!(unowned.contains(&format!(
        "This page lists the first {} of {}",
        pages_lists::FINDINGS_SHOWN,
        pages_lists::FINDINGS_SHOWN + 5
    )));
    assert!(text(&site, "teams.html").contains("teams/_unowned.html"));
}

/// An evidence group's heading names the row whose state it shows: a platform row's
/// title names its resource, and the heading said "on aks-prod-weu" beside the state
/// of the aks-stage-weu row.
#[test]
fn an_evidence_group_heading_names_the_row_in_its_state() {
    let mut report = report();
    let check = &mut report.controls[0].checks[0];
    let first = check.evidence[0].clone();
    check.evidence = vec![
        EvidenceItem {
            subject: "a-prod".into(),
            title: "Setting on a-prod".into(),
            state: FindingState::Passed,
            due: None,
            ..first.clone()
        },
        EvidenceItem {
            subject: "b-stage".into(),
            title: "Setting on b-stage".into(),
            state: FindingState::InGrace,
            ..first
        },
    ];
    check.evidence_total = 2;
    let id = report.controls[0].id.clone();
    let site = render_report(&report, "en");
    let html = text(&site, &control_href(&id));
    let summary = html
        .split("<summary")
        .find(|s| s.contains("Setting on"))
        .expect("a group heading");
    let summary = summary.split("</summary>").next().unwrap();
    assert!(summary.contains("Setting on b-stage"), "{summary}");
}

/// A record that names nothing it is about (docker-bench names no host) has an empty
/// subject; its evidence row, its finding and the changes list say so in the page's
/// language instead of leaving the cell blank.
#[test]
fn an_unnamed_subject_says_so_in_every_language() {
    let mut report = report();
    report.controls[0].checks[0].evidence[0].subject = String::new();
    report.findings[0].subject = "".into();
    report.findings[0].image = None;
    let id = report.controls[0].id.clone();
    for (lang, words) in [
        ("en", "not named in the export"),
        ("es", "sin nombre en la exportación"),
        ("fr", "non nommé dans l&#39;export"),
    ] {
        let site = render_report(&report, lang);
        let control = text(&site, &control_href(&id));
        assert!(
            control.contains(&format!("class=\"wrap-anywhere\">{words}</td>")),
            "{lang}: control page"
        );
        let findings = text(&site, "findings.html");
        assert!(
            findings.contains(&format!("class=\"wrap-anywhere\">{words}</td>")),
            "{lang}: findings page"
        );
        let changes = text(&site, "changes.html");
        assert!(
            changes.contains(&format!("CVE-2026-0001 · {words}")),
            "{lang}: changes page"
        );
    }
}
