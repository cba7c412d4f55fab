//! Behaviour of the evaluation engine on small hand-built evidence.

use super::waivers::{parse_attestation, parse_waivers};
use super::*;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::model::{Facts, ImageRef, Outcome, Record, RecordKind, ScanClass, Severity, VulnFacts};
use chrono::{TimeZone, Utc};

const VULN_CONTROL: &str = r#"
id = "IMG-04"
domain = "images"
evaluation = "automatic"
title.en = "No vulnerable images"
summary.en = "s"
[[checks]]
id = "vulns"
rule = "vulnerabilities"
select = ["vulnerability"]
title.en = "Fixable vulnerabilities are fixed in time"
"#;

const PRIV_CONTROL: &str = r#"
id = "RUN-02"
domain = "runtime"
evaluation = "automatic"
high_risk = true
title.en = "No privileged containers"
summary.en = "s"
[[checks]]
id = "privileged"
select = ["misconfiguration:KSV-0017", "policy:disallow-privileged-containers/*"]
title.en = "No privileged containers"
"#;

const MANUAL_CONTROL: &str = r#"
id = "NODE-02"
domain = "nodes"
evaluation = "manual"
title.en = "Trusted launch"
summary.en = "s"
[[checks]]
id = "attested"
rule = "attestation"
title.en = "Attested"
[attestation]
question.en = "Trusted launch is on"
"#;

fn catalog() -> Catalog {
    let mut d = Vec::new();
    let c = Catalog::from_files(
        vec![
            ("IMG-04.toml".into(), VULN_CONTROL.into()),
            ("RUN-02.toml".into(), PRIV_CONTROL.into()),
            ("NODE-02.toml".into(), MANUAL_CONTROL.into()),
        ],
        &mut d,
    );
    assert!(d.is_empty(), "{d:?}");
    c
}

fn day(d: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn scan(image: &str, at: chrono::DateTime<Utc>) -> Record {
    let mut r = Record::new(
        RecordKind::Scan,
        crate::model::test_formats::TRIVY,
        "vulnerability-scan",
        Outcome::Pass,
    );
    r.facts = Facts::Scan {
        families: Default::default(),
        numbering: None,
        ran: None,
        class: ScanClass::Vulnerability,
        image: None,
    };
    r.subject.image = ImageRef::parse(image);
    r.observed_at = Some(at);
    r.provenance.file = format!("trivy-{}.json", at.date_naive()).into();
    r
}

fn vuln(image: &str, cve: &str, sev: Severity, at: chrono::DateTime<Utc>) -> Record {
    let mut r = Record::new(
        RecordKind::Vulnerability,
        crate::model::test_formats::TRIVY,
        cve,
        Outcome::Fail,
    );
    r.facts = Facts::Vulnerability(VulnFacts::new("openssl", "3.0.1", "3.0.9", "fixed").into());
    r.severity = sev;
    r.subject.image = ImageRef::parse(image);
    r.observed_at = Some(at);
    r.provenance.file = format!("trivy-{}.json", at.date_naive()).into();
    r
}

fn run(
    records: &[Record],
    waivers: &[waivers::Waiver],
    atts: &[waivers::Attestation],
    as_of: chrono::DateTime<Utc>,
) -> Report {
    let cat = catalog();
    let config = Config::default();
    evaluate(
        Inputs {
            records,
            sources: &[],
            catalog: &cat,
            config: &config,
            waivers,
            attestations: atts,
            triage: &[],
            diagnostics: Vec::new(),
        },
        as_of,
        None,
    )
}

fn status(r: &Report, id: &str) -> Status {
    r.controls
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.status)
        .unwrap_or(Status::NotAssessed)
}

#[test]
fn newer_scan_supersedes_older_and_the_finding_is_fixed() {
    let img = "contosoacr.azurecr.io/shop/web:1.0";
    let records = vec![
        scan(img, day(1, 9)),
        vuln(img, "CVE-2026-0001", Severity::High, day(1, 9)),
        scan(img, day(8, 9)),
    ];
    let r = run(&records, &[], &[], day(10, 9));
    assert_eq!(status(&r, "IMG-04"), Status::Pass);
    let f = &r.findings[0];
    assert_eq!(f.state, FindingState::Fixed);
    assert_eq!(f.fixed_on, Some(day(8, 9).date_naive()));
    // As of before the second scan it was open, inside its grace period.
    let r = run(&records, &[], &[], day(5, 9));
    assert_eq!(status(&r, "IMG-04"), Status::Warning);
    assert_eq!(r.findings[0].state, FindingState::InGrace);
}

#[test]
fn due_date_boundary_follows_grace_days() {
    let img = "docker.io/library/nginx:1.25";
    let records = vec![
        scan(img, day(1, 9)),
        vuln(img, "CVE-2026-0002", Severity::Critical, day(1, 9)),
    ];
    // Critical: 7 days. On the due date it is still in grace; the day after it is overdue.
    let on_due = run(&records, &[], &[], day(8, 9));
    assert_eq!(on_due.findings[0].due, Some(day(8, 9).date_naive()));
    assert_eq!(on_due.findings[0].state, FindingState::InGrace);
    assert_eq!(status(&on_due, "IMG-04"), Status::Warning);
    let after = run(&records, &[], &[], day(9, 9));
    assert_eq!(after.findings[0].state, FindingState::Overdue);
    assert_eq!(status(&after, "IMG-04"), Status::Fail);
}

#[test]
fn absence_of_failures_without_a_capable_source_is_not_a_pass() {
    let r = run(&[], &[], &[], day(1, 9));
    assert_eq!(status(&r, "IMG-04"), Status::NotAssessed);
    assert_eq!(status(&r, "RUN-02"), Status::NotAssessed);
    assert_eq!(status(&r, "NODE-02"), Status::Manual);
}

#[test]
fn high_risk_configuration_gets_no_grace() {
    let mut m = Record::new(
        RecordKind::Misconfiguration,
        crate::model::test_formats::TRIVY,
        "KSV-0017",
        Outcome::Fail,
    );
    m.severity = Severity::High;
    m.subject.namespace = Some("batch".into());
    m.subject.kind = Some("Deployment".into());
    m.subject.name = Some("etl".into());
    m.observed_at = Some(day(1, 9));
    let r = run(&[m], &[], &[], day(2, 9));
    assert_eq!(status(&r, "RUN-02"), Status::Fail);
    // Overdue from the day it was first seen, which is its due date.
    assert_eq!(r.findings[0].state, FindingState::Overdue);
    assert_eq!(r.findings[0].due, Some(day(1, 9).date_naive()));
}

#[test]
fn every_kind_of_finding_has_a_due_date_from_the_grace_rules() {
    let record = |kind: RecordKind, check: &str| {
        let mut r = Record::new(
            kind,
            crate::model::test_formats::TRIVY,
            check,
            Outcome::Fail,
        );
        r.severity = Severity::Unknown;
        r.subject.namespace = Some("shop".into());
        r.subject.kind = Some("Pod".into());
        r.subject.name = Some("web-1".into());
        r.observed_at = Some(day(1, 9));
        r
    };
    let r = run(
        &[
            record(RecordKind::Secret, "aws-access-key-id"),
            record(RecordKind::Admission, "psa-violation"),
        ],
        &[],
        &[],
        day(2, 9),
    );
    let f = |check: &str| r.findings.iter().find(|f| f.check == check).unwrap();
    // No grace for secrets: due the day first seen, overdue from then on.
    assert_eq!(f("aws-access-key-id").state, FindingState::Overdue);
    assert_eq!(f("aws-access-key-id").due, Some(day(1, 9).date_naive()));
    // An admission violation has the grace of its severity (unknown: medium, 90 days).
    assert_eq!(f("psa-violation").state, FindingState::InGrace);
    assert_eq!(f("psa-violation").due, Some(day(30, 11).date_naive()));
}

#[test]
fn waivers_apply_until_they_expire_and_unused_ones_are_flagged() {
    let img = "docker.io/library/redis:7.2";
    let records = vec![
        scan(img, day(1, 9)),
        vuln(img, "CVE-2026-0003", Severity::Critical, day(1, 9)),
    ];
    let csv = "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
W1,IMG-04,CVE-2026-0003,docker.io/library/redis:*,,accepted,risk-accepted,CISO,2026-09-01,2026-09-30\n\
W2,IMG-04,CVE-1999-9999,,,never matches,risk-accepted,CISO,2026-09-01,2026-12-31\n";
    let mut d = Vec::new();
    let w = parse_waivers("waivers.csv", csv, &mut d);
    let before = run(&records, &w, &[], day(20, 9));
    assert_eq!(status(&before, "IMG-04"), Status::Waived);
    assert_eq!(before.findings[0].waiver.as_deref(), Some("W1"));
    let w2 = before
        .waivers
        .iter()
        .find(|s| s.waiver.id == "W2")
        .map(|s| s.matched);
    assert_eq!(w2, Some(0));
    let after = run(&records, &w, &[], day(2, 10));
    assert_eq!(status(&after, "IMG-04"), Status::Fail);
    assert!(after
        .waivers
        .iter()
        .any(|s| s.waiver.id == "W1" && s.expired && s.matched == 1));
}

#[test]
fn a_waiver_follows_the_image_under_another_of_its_names() {
    // One image (one digest) scanned as storefront/web, later as shop/web.
    let digest = "@sha256:c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
    let old = format!("acr.io/storefront/web:2.4{digest}");
    let new = format!("acr.io/shop/web:2.4{digest}");
    let other = "acr.io/shop/web:2.5";
    let records = vec![
        scan(&old, day(1, 9)),
        vuln(&old, "CVE-2026-0003", Severity::High, day(1, 9)),
        scan(&new, day(1, 11)),
        vuln(&new, "CVE-2026-0003", Severity::High, day(1, 11)),
        scan(other, day(1, 11)),
        vuln(other, "CVE-2026-0004", Severity::High, day(1, 11)),
    ];
    let csv = "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
W1,IMG-04,,acr.io/storefront/web:*,,accepted,risk-accepted,CISO,2026-09-01,2027-01-31\n\
W2,IMG-04,CVE-2026-0004,acr.io/shop/web:2.4,,accepted,risk-accepted,CISO,2026-09-01,2027-01-31\n";
    let mut d = Vec::new();
    let w = parse_waivers("waivers.csv", csv, &mut d);
    let r = run(&records, &w, &[], day(5, 11));
    let f = |check: &str| {
        r.findings
            .iter()
            .find(|f| f.check == check)
            .map(|f| f.state)
    };
    assert_eq!(f("CVE-2026-0003"), Some(FindingState::Waived));
    // Another tag of the repository is another image: W2 (for 2.4) does not cover 2.5.
    assert_eq!(f("CVE-2026-0004"), Some(FindingState::InGrace));
}

#[test]
fn a_workload_waiver_does_not_waive_the_image_where_another_workload_runs_it() {
    let img = "acr.io/shop/web:2.4";
    let of = |name: &str, mut r: Record| {
        r.subject.namespace = Some("shop".into());
        r.subject.kind = Some("Deployment".into());
        r.subject.name = Some(name.into());
        r.provenance.file = format!("{name}.json").into();
        r
    };
    let web = [
        of("web", scan(img, day(1, 9))),
        of("web", vuln(img, "CVE-2026-0005", Severity::High, day(1, 9))),
    ];
    let canary = [
        of("canary", scan(img, day(1, 9))),
        of(
            "canary",
            vuln(img, "CVE-2026-0005", Severity::High, day(1, 9)),
        ),
    ];
    let csv = "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
W1,IMG-04,,,*/shop/Deployment/web,accepted,risk-accepted,CISO,2026-09-01,2027-01-31\n";
    let mut d = Vec::new();
    let w = parse_waivers("waivers.csv", csv, &mut d);
    for records in [
        [web.clone(), canary.clone()].concat(),
        [canary.clone(), web.clone()].concat(),
    ] {
        let r = run(&records, &w, &[], day(5, 11));
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].state, FindingState::Overdue);
        assert_eq!(status(&r, "IMG-04"), Status::Fail);
    }
}

#[test]
fn attestations_settle_manual_controls_until_they_expire() {
    let a = parse_attestation(
        "a.md",
        "+++\ncontrol = \"NODE-02\"\nstatus = \"pass\"\nattested_by = \"Jane\"\ndate = 2026-09-01\nexpires = 2026-09-30\n+++\nok",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = run(&[], &[], std::slice::from_ref(&a), day(15, 9));
    assert_eq!(status(&r, "NODE-02"), Status::Pass);
    let r = run(&[], &[], &[a], day(2, 10));
    assert_eq!(status(&r, "NODE-02"), Status::Manual);
    let c = r
        .controls
        .iter()
        .find(|c| c.id == "NODE-02")
        .map(|c| c.reason.code);
    assert_eq!(c, Some(ReasonCode::AttestationExpired));
}

#[test]
fn history_has_one_point_per_week_and_same_inputs_give_identical_reports() {
    let img = "contosoacr.azurecr.io/shop/web:1.0";
    let records = vec![
        scan(img, day(1, 9)),
        vuln(img, "CVE-2026-0001", Severity::High, day(1, 9)),
        scan(img, day(15, 9)),
    ];
    let a = run(&records, &[], &[], day(22, 9));
    let b = run(&records, &[], &[], day(22, 9));
    assert_eq!(a.history.len(), 4);
    assert_eq!(a.history.last().map(|p| p.fixed), Some(0));
    assert_eq!(a.history.get(2).map(|p| p.fixed), Some(1));
    assert_eq!(
        serde_json::to_string(&a).unwrap_or_default(),
        serde_json::to_string(&b).unwrap_or_default()
    );
}

fn vex_statement(
    image: &str,
    cve: &str,
    status: crate::model::VexStatus,
    at: chrono::DateTime<Utc>,
) -> Record {
    let mut r = Record::new(
        RecordKind::Vex,
        crate::model::test_formats::TRIVY,
        cve,
        Outcome::Info,
    );
    r.facts = Facts::Vex(
        crate::model::VexFacts {
            status,
            justification: Some("vulnerable_code_not_in_execute_path".into()),
            impact: None,
            action: None,
            author: Some("platform".into()),
            document: Some("vex-1".into()),
            package: Some("openssl".into()),
        }
        .into(),
    );
    r.subject.image = ImageRef::parse(image);
    r.observed_at = Some(at);
    r.provenance.file = "vex.json".into();
    r
}

#[test]
fn a_not_affected_statement_closes_the_finding_from_its_date_until_a_newer_one_reopens_it() {
    use crate::model::VexStatus;
    let img = "docker.io/library/nginx:1.25";
    let mut records = vec![
        scan(img, day(1, 9)),
        vuln(img, "CVE-2026-0002", Severity::Critical, day(1, 9)),
        vex_statement(img, "CVE-2026-0002", VexStatus::NotAffected, day(20, 9)),
        scan(img, day(24, 9)),
        vuln(img, "CVE-2026-0002", Severity::Critical, day(24, 9)),
    ];
    // Before the statement's date: overdue, the statement not shown.
    let before = run(&records, &[], &[], day(15, 9));
    assert_eq!(before.findings[0].state, FindingState::Overdue);
    assert!(before.findings[0].vex.is_none());
    // From its date: closed, not open anywhere, and the (fresh) scan that reported it
    // proves the control.
    let after = run(&records, &[], &[], day(25, 9));
    let f = &after.findings[0];
    assert_eq!(f.state, FindingState::VexClosed);
    assert!(!f.state.is_open());
    let note = f.vex.as_ref().map(|v| (v.facts.status, v.closes));
    assert_eq!(note, Some((VexStatus::NotAffected, true)));
    assert_eq!(status(&after, "IMG-04"), Status::Pass);
    let last = after
        .history
        .last()
        .map(|p| (p.overdue, p.open_by_severity.len()));
    assert_eq!(last, Some((0, 0)));
    // "What changed" since the previous weekly point (18 September) lists it.
    assert_eq!(after.changes.since, Some(day(18, 9).date_naive()));
    assert_eq!(after.changes.vex_closed_findings.len(), 1);
    // A newer statement under investigation reopens it, and is shown.
    records.push(vex_statement(
        img,
        "CVE-2026-0002",
        VexStatus::UnderInvestigation,
        day(22, 9),
    ));
    let reopened = run(&records, &[], &[], day(25, 9));
    let f = &reopened.findings[0];
    assert_eq!(f.state, FindingState::Overdue);
    let note = f.vex.as_ref().map(|v| (v.facts.status, v.closes));
    assert_eq!(note, Some((VexStatus::UnderInvestigation, false)));
}

#[test]
fn vex_closes_nothing_when_not_accepted_and_a_closed_finding_keeps_its_expired_waiver() {
    use crate::model::VexStatus;
    let img = "docker.io/library/redis:7.2";
    let records = vec![
        scan(img, day(1, 9)),
        vuln(img, "CVE-2026-0003", Severity::Critical, day(1, 9)),
        vex_statement(img, "CVE-2026-0003", VexStatus::Fixed, day(2, 9)),
    ];
    let csv = "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
W1,IMG-04,CVE-2026-0003,docker.io/library/redis:*,,accepted,risk-accepted,CISO,2026-09-01,2026-09-30\n";
    let mut d = Vec::new();
    let w = parse_waivers("waivers.csv", csv, &mut d);
    // While the waiver is valid, the finding is closed by VEX and shows the waiver.
    let r = run(&records, &w, &[], day(20, 9));
    let f = &r.findings[0];
    assert_eq!(f.state, FindingState::VexClosed);
    assert_eq!(
        (f.waiver.as_deref(), f.expired_waiver.as_deref()),
        (Some("W1"), None)
    );
    // Once it expired, the expired waiver is shown beside the statement.
    let r = run(&records, &w, &[], day(2, 10));
    let f = &r.findings[0];
    assert_eq!(f.state, FindingState::VexClosed);
    assert_eq!(
        (f.waiver.as_deref(), f.expired_waiver.as_deref()),
        (None, Some("W1"))
    );
    let cat = catalog();
    let mut config = Config::default();
    config.vex.accept = false;
    let r = evaluate(
        Inputs {
            records: &records,
            sources: &[],
            catalog: &cat,
            config: &config,
            waivers: &w,
            attestations: &[],
            triage: &[],
            diagnostics: Vec::new(),
        },
        day(2, 10),
        None,
    );
    let f = &r.findings[0];
    assert_eq!(f.state, FindingState::Overdue);
    assert_eq!(f.vex.as_ref().map(|v| v.closes), Some(false));
}

#[test]
fn an_image_only_a_vex_statement_names_is_not_an_image_of_the_estate() {
    use crate::model::VexStatus;
    let records = vec![vex_statement(
        "docker.io/library/postgres:16",
        "CVE-2026-0009",
        VexStatus::NotAffected,
        day(1, 9),
    )];
    let r = run(&records, &[], &[], day(2, 9));
    assert!(r.images.is_empty(), "{:?}", r.images);
}

const PLATFORM_CONTROL: &str = r#"
id = "NET-02"
domain = "network"
evaluation = "automatic"
title.en = "API server restricted"
summary.en = "s"
[[checks]]
id = "api-endpoint"
rule = "platform"
setting = "api-server-private-or-restricted"
title.en = "The API server is private or restricted"
[attestation]
question.en = "The API server is restricted"
"#;

/// A cluster whose API server is private (`true`) or public without ranges (`false`).
fn cluster(private: Option<bool>) -> Record {
    use crate::model::{ClusterFacts, Fact, PlatformFacts};
    let mut r = Record::new(
        RecordKind::Platform,
        crate::model::test_formats::PLATFORM,
        "managed-cluster",
        Outcome::Info,
    );
    r.subject.cluster = Some("aks-prod".into());
    r.observed_at = Some(day(1, 11));
    r.facts = Facts::Platform(
        PlatformFacts::Cluster(ClusterFacts {
            private_endpoint: private.map(|p| {
                Fact::new(
                    p,
                    "/properties/apiServerAccessProfile/enablePrivateCluster",
                    "x",
                )
            }),
            authorized_ranges: private
                .map(|_| Fact::new(Vec::new(), "/properties/apiServerAccessProfile", "none")),
            ..ClusterFacts::default()
        })
        .into(),
    );
    r
}

#[test]
fn a_platform_fact_decides_over_a_contradicting_attestation_and_both_are_shown() {
    let mut d = Vec::new();
    let cat = Catalog::from_files(
        vec![("NET-02.toml".into(), PLATFORM_CONTROL.into())],
        &mut d,
    );
    assert!(d.is_empty(), "{d:?}");
    let att = |status: &str| {
        parse_attestation(
            "attestations/NET-02.md",
            &format!("+++\ncontrol = \"NET-02\"\nstatus = \"{status}\"\nattested_by = \"Omar\"\ndate = 2026-10-01\n+++\nok"),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let config = Config::default();
    let judge = |records: &[Record], atts: &[waivers::Attestation]| {
        let r = evaluate(
            Inputs {
                records,
                sources: &[],
                catalog: &cat,
                config: &config,
                waivers: &[],
                attestations: atts,
                triage: &[],
                diagnostics: Vec::new(),
            },
            day(2, 11),
            None,
        );
        r.controls
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no control"))
    };
    // No fact: the attestation is the fallback.
    let c = judge(&[cluster(None)], &[att("pass")]);
    assert_eq!(
        (c.status, c.reason.code),
        (Status::Pass, ReasonCode::Attested)
    );
    // A failing fact beats a passing attestation; a passing fact beats a failing one.
    let c = judge(&[cluster(Some(false))], &[att("pass")]);
    assert_eq!(
        (c.status, c.reason.code),
        (Status::Fail, ReasonCode::FactOverAttestation)
    );
    assert_eq!(c.reason.params["by"], "Omar");
    assert!(c.attestation.is_some(), "the attestation is still shown");
    assert_eq!(c.checks[0].evidence.len(), 1, "and so is the fact");
    let c = judge(&[cluster(Some(true))], &[att("fail")]);
    assert_eq!(
        (c.status, c.reason.code),
        (Status::Pass, ReasonCode::FactOverAttestation)
    );
    // Agreeing evidence keeps the check's own reason.
    let c = judge(&[cluster(Some(true))], &[att("pass")]);
    assert_eq!(
        (c.status, c.reason.code),
        (Status::Pass, ReasonCode::PlatformHolds)
    );
}

#[test]
fn a_failing_policy_state_is_counted_by_the_control_whose_platform_check_judges_it() {
    use crate::model::{Fact, PlatformFacts, PolicyStateFacts};
    const POLICY_CONTROL: &str = r#"
id = "K8S-04"
domain = "kubernetes"
evaluation = "automatic"
high_risk = true
title.en = "Policies enforced"
summary.en = "s"
[[checks]]
id = "azure-policy-compliance"
rule = "platform"
setting = "kubernetes-policy-compliance"
title.en = "Azure Policy reports the Kubernetes policies compliant"
"#;
    let mut d = Vec::new();
    let cat = Catalog::from_files(vec![("K8S-04.toml".into(), POLICY_CONTROL.into())], &mut d);
    assert!(d.is_empty(), "{d:?}");
    // As src/ingest/emit.rs makes a non-compliant Kubernetes policy state.
    let mut state = Record::new(
        RecordKind::Policy,
        crate::model::test_formats::PLATFORM,
        "azure-policy:privileged",
        Outcome::Fail,
    );
    state.severity = Severity::High;
    state.subject.cluster = Some("aks-prod".into());
    state.observed_at = Some(day(1, 11));
    state.facts = Facts::Platform(
        PlatformFacts::PolicyState(PolicyStateFacts {
            compliant: Some(Fact::new(false, "/0/complianceState", "NonCompliant")),
            kubernetes: true,
            resource_id: "/x".into(),
        })
        .into(),
    );
    let config = Config::default();
    let r = evaluate(
        Inputs {
            records: &[state],
            sources: &[],
            catalog: &cat,
            config: &config,
            waivers: &[],
            attestations: &[],
            triage: &[],
            diagnostics: Vec::new(),
        },
        day(2, 11),
        None,
    );
    let f = &r.findings[0];
    assert_eq!(f.controls, ["K8S-04"]);
    // Judged under that control (high risk: no grace), the finding agrees with its row.
    let row = &r.controls[0].checks[0].evidence[0];
    assert_eq!((f.state, f.due), (row.state, row.due));
    assert_eq!(f.due, Some(day(1, 11).date_naive()));
}

#[test]
fn a_subject_parameter_reads_exactly_as_the_subjects_label() {
    use crate::model::{Subject, Text};
    let t = |s: &str| Some(Text::from(s));
    let shapes = [
        Subject {
            cluster: t("prod"),
            ..Subject::default()
        },
        Subject {
            namespace: t("batch"),
            ..Subject::default()
        },
        Subject {
            cluster: t("prod"),
            namespace: t("batch"),
            ..Subject::default()
        },
        Subject {
            cluster: t("prod"),
            namespace: t("batch"),
            kind: t("Pod"),
            name: t("etl"),
            ..Subject::default()
        },
        Subject {
            cluster: t("prod"),
            node: t("node-1"),
            ..Subject::default()
        },
        Subject {
            target: t("Dockerfile"),
            ..Subject::default()
        },
        Subject::default(),
    ];
    for s in &shapes {
        assert_eq!(Param::subject(s).plain(), s.label(), "{s:?}");
    }
    assert!(matches!(Param::subject(&shapes[2]), Param::Phrase { .. }));
}

#[test]
fn a_node_two_clusters_claim_places_no_record() {
    use crate::model::{Subject, Text};
    let on = |node: &str, cluster: Option<&str>| {
        let mut r = Record::new(
            RecordKind::Heartbeat,
            crate::model::test_formats::FALCO,
            "tetragon",
            Outcome::Info,
        );
        r.subject = Subject {
            node: Some(Text::from(node)),
            cluster: cluster.map(Text::from),
            ..Subject::default()
        }
        .into();
        r
    };
    let records = [
        on("n1", Some("prod")),
        on("n1", Some("prod")),
        on("n2", Some("prod")),
        on("n2", Some("stage")),
        on("n3", None),
    ];
    let nodes = super::view::node_clusters(&records);
    assert_eq!(nodes.get("n1"), Some(&"prod"));
    assert_eq!(nodes.get("n2"), None, "claimed by two clusters");
    assert_eq!(nodes.get("n3"), None, "named by no cluster");
}
