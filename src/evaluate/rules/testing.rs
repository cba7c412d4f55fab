//! Test support for the evaluators: evidence built by hand and one check judged over
//! it, exactly as a report would judge it.

use super::super::judge::{judge, Judged};
use super::super::triage::Triage;
use super::super::view::Current;
use super::super::waivers::Waiver;
use super::super::{Ctx, Index};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::model::test_formats::{FALCO, K8S_AUDIT, PLATFORM, TRIVY};
use crate::model::{
    Facts, Format, ImageFacts, ImageRef, Outcome, PlatformFacts, Record, RecordKind, ScanClass,
    Severity, VulnFacts, SIGHTING,
};
use chrono::{DateTime, TimeZone, Utc};

/// Noon UTC on a day of 2026.
pub fn day(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn record(kind: RecordKind, format: Format, check: &str, outcome: Outcome) -> Record {
    let mut r = Record::new(kind, format, check, outcome);
    r.provenance.file = format!("{}.json", format.id()).into();
    r
}

/// A vulnerability scan of `image` at `at`.
pub fn scan(image: &str, at: DateTime<Utc>) -> Record {
    let mut r = record(RecordKind::Scan, TRIVY, "vulnerability-scan", Outcome::Pass);
    r.facts = Facts::Scan {
        families: Default::default(),
        numbering: None,
        ran: None,
        class: ScanClass::Vulnerability,
        image: None,
    };
    r.subject.image = ImageRef::parse(image);
    r.observed_at = Some(at);
    r
}

/// A vulnerability scan of `image` at `at` that learnt `facts` about it.
pub fn scan_with(image: &str, at: DateTime<Utc>, facts: ImageFacts) -> Record {
    let mut r = scan(image, at);
    r.facts = Facts::Scan {
        families: Default::default(),
        numbering: None,
        ran: None,
        class: ScanClass::Vulnerability,
        image: Some(facts.into()),
    };
    r
}

/// A fixable vulnerability `id` of severity `sev` in `image`, reported at `at`.
pub fn vuln(image: &str, id: &str, sev: Severity, at: DateTime<Utc>) -> Record {
    let mut r = record(RecordKind::Vulnerability, TRIVY, id, Outcome::Fail);
    r.facts = Facts::Vulnerability(VulnFacts::new("openssl", "3.0.1", "3.0.9", "").into());
    r.severity = sev;
    r.subject.image = ImageRef::parse(image);
    r.observed_at = Some(at);
    r
}

/// `image` seen running in `namespace/Deployment/name` at `at`.
pub fn sighting(image: &str, namespace: &str, name: &str, at: DateTime<Utc>) -> Record {
    let mut r = record(RecordKind::Sighting, K8S_AUDIT, SIGHTING, Outcome::Info);
    r.subject.image = ImageRef::parse(image);
    r.subject.namespace = Some(namespace.into());
    r.subject.kind = Some("Deployment".into());
    r.subject.name = Some(name.into());
    r.observed_at = Some(at);
    r
}

/// A verified cosign signature of `image`, observed at `at` (`None`: undated).
pub fn signature(image: &str, at: Option<DateTime<Utc>>) -> Record {
    let mut r = record(RecordKind::Signature, TRIVY, "cosign", Outcome::Pass);
    r.subject.image = ImageRef::parse(image);
    r.observed_at = at;
    r
}

/// A Falco heartbeat from `node` at `at`.
pub fn heartbeat(node: &str, at: DateTime<Utc>) -> Record {
    let mut r = record(RecordKind::Heartbeat, FALCO, "falco", Outcome::Info);
    r.subject.node = Some(node.into());
    r.observed_at = Some(at);
    r
}

/// A Falco alert of `rule` on `node` at `at`.
pub fn alert(rule: &str, sev: Severity, node: &str, at: DateTime<Utc>) -> Record {
    let mut r = record(RecordKind::Alert, FALCO, rule, Outcome::Fail);
    r.facts = Facts::Alert { action: None };
    r.severity = sev;
    r.subject.node = Some(node.into());
    r.observed_at = Some(at);
    r
}

/// A platform record of `facts` about `name` (on cluster `cluster`, when given), read at `at`.
pub fn platform(
    facts: PlatformFacts,
    cluster: Option<&str>,
    name: &str,
    at: DateTime<Utc>,
) -> Record {
    let kind = facts.resource_type();
    let mut r = record(RecordKind::Platform, PLATFORM, kind, Outcome::Info);
    r.title = format!("{kind} {name}").into();
    r.subject.cluster = cluster.map(Into::into);
    if kind != "managed-cluster" {
        r.subject.kind = Some(kind.into());
        r.subject.name = Some(name.into());
    }
    r.facts = Facts::Platform(facts.into());
    r.observed_at = Some(at);
    r
}

/// An audit-log activity record at `at`.
pub fn audit(at: DateTime<Utc>) -> Record {
    let mut r = record(RecordKind::Activity, K8S_AUDIT, "exec", Outcome::Info);
    r.observed_at = Some(at);
    r
}

/// A record of `kind` with check `id` and `outcome` from a scanner, at `at`.
pub fn result(kind: RecordKind, id: &str, outcome: Outcome, at: DateTime<Utc>) -> Record {
    let mut r = record(kind, TRIVY, id, outcome);
    r.severity = Severity::High;
    r.subject.namespace = Some("shop".into());
    r.subject.kind = Some("Deployment".into());
    r.subject.name = Some("web".into());
    r.observed_at = Some(at);
    r
}

/// One control `T-01` whose only check is `check_toml` (a `[[checks]]` body).
pub fn control(check_toml: &str, high_risk: bool) -> Catalog {
    let text = format!(
        "id = \"T-01\"\ndomain = \"images\"\nevaluation = \"automatic\"\nhigh_risk = {high_risk}\n\
         title.en = \"t\"\nsummary.en = \"s\"\n[[checks]]\nid = \"c\"\ntitle.en = \"c\"\n{check_toml}\n"
    );
    let mut diags = Vec::new();
    let catalog = Catalog::from_files(vec![("T-01.toml".into(), text)], &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    catalog
}

/// Judge the only check of `catalog` over `records` as of `at`.
pub fn judge_at(
    catalog: &Catalog,
    records: &[Record],
    config: &Config,
    waivers: &[Waiver],
    at: DateTime<Utc>,
) -> Judged {
    judge_with_triage(catalog, records, config, waivers, &[], at)
}

/// [`judge_at`] with a triage register.
pub fn judge_with_triage(
    catalog: &Catalog,
    records: &[Record],
    config: &Config,
    waivers: &[Waiver],
    triage: &[Triage],
    at: DateTime<Utc>,
) -> Judged {
    let index = Index::build(records, config, catalog, triage);
    let ctx = Ctx {
        records,
        config,
        waivers,
        attestations: &[],
        triage,
        at,
        index: &index,
    };
    let current = Current::new(records, ctx.standing());
    let control = &catalog.controls[0];
    judge(&ctx, control, &control.checks[0], &current)
}

/// Judge `rule` (a catalog rule name, optionally with `select`/`where` lines) over
/// `records` with the default configuration.
pub fn judge_rule(check_toml: &str, records: &[Record], at: DateTime<Utc>) -> Judged {
    judge_at(
        &control(check_toml, false),
        records,
        &Config::default(),
        &[],
        at,
    )
}
