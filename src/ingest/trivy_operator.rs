//! trivy-operator CRDs (`kubectl get vulnerabilityreports,configauditreports,… -o json`):
//! VulnerabilityReport, ConfigAuditReport, ExposedSecretReport, RbacAssessmentReport,
//! InfraAssessmentReport, ClusterComplianceReport and their `Cluster*` variants.
//!
//! A CRD may come alone, in a `List` (unwrapped by `source`), in a bare array
//! (dispatched item by item by `source`), or in a DefectDojo-style dump: an object keyed
//! by CRD plural (`vulnerabilityreports.aquasecurity.github.io`) whose values are Lists or
//! arrays, which this module walks itself.
//!
//! Records: vulnerabilities, misconfigurations (checks, `success` → pass/fail), secrets
//! (fingerprint only), benchmark controls (`trivy-compliance:<spec>:<control>`), one
//! `scan` record per report and one `sighting` per workload × image. The subject comes
//! from the `trivy-operator.resource.*` and `trivy-operator.container.name` labels.

use super::lax::{Lax, LaxTime};
use super::trivy_compliance::{benchmark_run, Spec};
use super::trivy_results::{check_id_of, scan, severity, tool_name};
use super::{Doc, Draft, FileCtx, Ingestor, Origin, Place, Probe};
use crate::model::{
    Channel, CheckNumbering, ConfigFamilies, ConfigFamily, Format, FormatInfo, ImageFacts,
    ImageRef, Outcome, RanChecks, ScanClass, Subject, Text, VulnFacts,
};
use crate::redact;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The trivy-operator ingestor.
pub struct TrivyOperator;

const GROUP: &str = "aquasecurity.github.io";

#[derive(Deserialize)]
struct RawCrd<'a> {
    #[serde(rename = "apiVersion", default)]
    api_version: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: Option<RawObjectMeta>,
    #[serde(default, borrow)]
    report: Option<&'a RawValue>,
    #[serde(default, borrow)]
    spec: Option<&'a RawValue>,
    #[serde(default, borrow)]
    status: Option<&'a RawValue>,
    #[serde(default, borrow)]
    items: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize, Default)]
struct RawObjectMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    labels: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(rename = "creationTimestamp", default)]
    creation_timestamp: LaxTime,
}

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(rename = "updateTimestamp", default)]
    update_timestamp: LaxTime,
    #[serde(default)]
    scanner: Option<RawScanner>,
    #[serde(default)]
    registry: Option<RawRegistry>,
    #[serde(default)]
    artifact: Option<RawArtifact>,
    #[serde(default)]
    os: Option<RawOs>,
    #[serde(default, borrow)]
    vulnerabilities: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow)]
    checks: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow)]
    secrets: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawScanner {
    #[serde(default)]
    name: Lax<String>,
    #[serde(default)]
    version: Lax<String>,
}

#[derive(Deserialize)]
struct RawRegistry {
    #[serde(default)]
    server: Option<String>,
}

#[derive(Deserialize)]
struct RawArtifact {
    #[serde(default)]
    repository: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    digest: Lax<String>,
}

#[derive(Deserialize)]
struct RawOs {
    #[serde(default)]
    family: Lax<String>,
    #[serde(default)]
    name: Lax<String>,
    #[serde(default)]
    eosl: Lax<bool>,
}

#[derive(Deserialize)]
struct RawVuln {
    #[serde(rename = "vulnerabilityID", default)]
    id: Option<String>,
    #[serde(default)]
    resource: Option<String>,
    #[serde(rename = "installedVersion", default)]
    installed_version: Option<String>,
    #[serde(rename = "fixedVersion", default)]
    fixed_version: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "primaryLink", default)]
    primary_link: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(rename = "publishedDate", default)]
    published: Option<String>,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct RawCheck {
    #[serde(rename = "checkID", default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    messages: Option<Vec<String>>,
    #[serde(default)]
    remediation: Option<String>,
}

#[derive(Deserialize)]
struct RawSecret {
    #[serde(rename = "ruleID", default)]
    rule_id: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    target: Option<String>,
    /// Never kept: only its fingerprint is.
    #[serde(rename = "match", default)]
    matched: Option<String>,
}

#[derive(Deserialize)]
struct RawComplianceSpec {
    #[serde(default)]
    compliance: Option<RawSpecHead>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct RawSpecHead {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct RawComplianceStatus<'a> {
    #[serde(rename = "updateTimestamp", default)]
    update_timestamp: LaxTime,
    #[serde(rename = "detailReport", default, borrow)]
    detail: Option<RawDetail<'a>>,
    #[serde(rename = "summaryReport", default, borrow)]
    summary: Option<RawSummary<'a>>,
}

#[derive(Deserialize)]
struct RawDetail<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, borrow)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawSummary<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(rename = "controlCheck", default, borrow)]
    controls: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawDetailControl {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    checks: Option<Vec<RawDetailCheck>>,
}

#[derive(Deserialize)]
struct RawDetailCheck {
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct RawSummaryControl {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(rename = "totalFail", default)]
    total_fail: Option<i64>,
}

#[derive(Deserialize)]
struct ListOrItems<'a> {
    #[serde(default, borrow)]
    items: Option<Vec<&'a RawValue>>,
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "trivy-operator",
    name: "trivy-operator CRDs (kubectl get … -o json)",
    tested: "trivy-operator 0.1x–0.2x (v1alpha1): Vulnerability, ConfigAudit, ExposedSecret, RbacAssessment, InfraAssessment, ClusterCompliance reports",
    detection: "apiVersion aquasecurity.github.io/*, or an object whose keys all end in .aquasecurity.github.io",
    signature: &[],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for TrivyOperator {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        if probe.api_version_starts("aquasecurity.github.io/") {
            return true;
        }
        probe.is_object
            && !probe.keys.is_empty()
            && probe
                .keys
                .iter()
                .all(|k| k.ends_with(".aquasecurity.github.io"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if doc.probe.api_version_starts("aquasecurity.github.io/") {
            if let Some(crd) = doc.parse::<RawCrd<'_>>(ctx) {
                one(doc, ctx, crd, doc.text, "");
            }
        } else {
            dump(doc, ctx);
        }
    }
}

/// `{"vulnerabilityreports.aquasecurity.github.io": {"items": [...]}, ...}` (or arrays as values).
fn dump<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(map) = doc.parse::<BTreeMap<String, &'a RawValue>>(ctx) else {
        return;
    };
    for (key, value) in map {
        let kptr = format!("/{}", key.replace('~', "~0").replace('/', "~1"));
        let text = value.get().trim_start();
        let (items, base) = if text.starts_with('[') {
            match doc.parse_raw::<Vec<&'a RawValue>>(ctx, value, &kptr) {
                Some(items) => (items, kptr.clone()),
                None => continue,
            }
        } else if text.starts_with('{') {
            match doc.parse_raw::<ListOrItems<'a>>(ctx, value, &kptr) {
                Some(ListOrItems { items: Some(items) }) => (items, format!("{kptr}/items")),
                Some(ListOrItems { items: None }) => (vec![value], String::new()),
                None => continue,
            }
        } else {
            continue;
        };
        for (i, raw) in items.iter().enumerate() {
            let ptr = if base.is_empty() {
                kptr.clone()
            } else {
                format!("{base}/{i}")
            };
            if let Some(crd) = doc.parse_raw::<RawCrd<'a>>(ctx, raw, &ptr) {
                one(doc, ctx, crd, raw.get(), &ptr);
            }
        }
    }
}

/// Who made the records of one CRD, what they are about, and where the CRD is.
struct Crd<'s> {
    origin: Origin,
    subject: Subject,
    slice: &'s str,
    pointer: &'s str,
}

impl Crd<'_> {
    /// `draft`, about this CRD's subject.
    fn about(&self, mut draft: Draft) -> Draft {
        draft.subject = self.subject.clone().into();
        draft
    }

    /// The place of the CRD itself (for its `scan` and `sighting` records).
    fn place<'d>(&self, doc: &Doc<'d>) -> Place<'_> {
        doc.at(self.slice, self.pointer)
    }
}

fn one<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>, crd: RawCrd<'a>, slice: &'a str, pointer: &str) {
    let RawCrd {
        api_version,
        kind,
        metadata,
        report,
        spec,
        status,
        items,
    } = crd;
    let kind = kind.unwrap_or_default();
    if let Some(items) = items.filter(|_| kind.ends_with("List")) {
        for (i, raw) in items.iter().enumerate() {
            let ptr = format!("{pointer}/items/{i}");
            if let Some(item) = doc.parse_raw::<RawCrd<'a>>(ctx, raw, &ptr) {
                one(doc, ctx, item, raw.get(), &ptr);
            }
        }
        return;
    }
    if !api_version.as_deref().is_some_and(|v| v.starts_with(GROUP)) {
        return;
    }
    let meta = metadata.unwrap_or_default();
    let label = |k: &str| {
        meta.labels
            .as_ref()
            .and_then(|l| l.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .filter(|s| !s.is_empty())
    };
    let base_kind = kind.strip_prefix("Cluster").unwrap_or(&kind).to_string();
    let (owner_kind, owner_name) = owning_workload(
        label("trivy-operator.resource.kind"),
        label("trivy-operator.resource.name"),
    );
    let subject = Subject {
        namespace: (label("trivy-operator.resource.namespace").or_else(|| meta.namespace.clone()))
            .map(Text::from),
        kind: owner_kind.map(Text::from),
        name: owner_name.map(Text::from),
        container: label("trivy-operator.container.name").map(Text::from),
        ..Subject::default()
    };
    let created = meta.creation_timestamp.0;
    if base_kind == "ComplianceReport" {
        compliance(doc, ctx, (spec, status), slice, pointer, created, &meta);
        return;
    }
    let Some(report_raw) = report else {
        return;
    };
    let rptr = format!("{pointer}/report");
    let Some(report) = doc.parse_raw::<RawReport<'a>>(ctx, report_raw, &rptr) else {
        return;
    };
    let tool = match &report.scanner {
        Some(s) => {
            let name = s
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("Trivy")
                .to_ascii_lowercase();
            tool_name(&name, s.version.as_deref())
        }
        None => "trivy".to_string(),
    };
    let image = report.artifact.as_ref().and_then(|a| {
        let server = report.registry.as_ref().and_then(|r| r.server.as_deref());
        image_of(server, a)
    });
    let observed = report.update_timestamp.0.or(created);
    let c = Crd {
        origin: ctx.origin(FORMAT).tool(tool).observed(observed),
        subject: Subject { image, ..subject },
        slice,
        pointer,
    };
    match base_kind.as_str() {
        "VulnerabilityReport" => vulnerabilities(doc, ctx, &c, &report, &rptr),
        "ConfigAuditReport" | "RbacAssessmentReport" => {
            checks(doc, ctx, &c, &report, &rptr, false);
        }
        "InfraAssessmentReport" => checks(doc, ctx, &c, &report, &rptr, true),
        "ExposedSecretReport" => secrets(doc, ctx, &c, &report, &rptr),
        _ => {}
    }
}

/// `registry.server/artifact.repository:tag@digest`, the parts that are given.
fn image_of(server: Option<&str>, a: &RawArtifact) -> Option<ImageRef> {
    let repo = a.repository.as_deref().filter(|r| !r.is_empty())?;
    let repo = match server.filter(|s| !s.is_empty()) {
        Some(server) => format!("{server}/{repo}"),
        None => repo.to_string(),
    };
    ImageRef::from_parts(&repo, a.tag.as_deref(), a.digest.as_deref())
}

fn vulnerabilities<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    c: &Crd<'_>,
    report: &RawReport<'a>,
    rptr: &str,
) {
    for (i, raw) in report.vulnerabilities.iter().flatten().enumerate() {
        let ptr = format!("{rptr}/vulnerabilities/{i}");
        let Some(v) = doc.parse_raw::<RawVuln>(ctx, raw, &ptr) else {
            continue;
        };
        let Some(id) = v.id.filter(|s| !s.trim().is_empty()) else {
            continue;
        };
        let status = v.status.unwrap_or_default();
        let facts = VulnFacts::new(
            v.resource.unwrap_or_default(),
            v.installed_version.unwrap_or_default(),
            v.fixed_version.unwrap_or_default(),
            &status,
        );
        let mut d = c
            .about(c.origin.vulnerability(id, facts))
            .severity(severity(v.severity.as_deref()))
            .title(v.title.as_deref().unwrap_or_default())
            .message(v.description.as_deref().unwrap_or_default())
            .attr("fix_state", status)
            .attr("published", v.published.unwrap_or_default())
            .attr("score", v.score.map(|s| s.to_string()).unwrap_or_default())
            .attr("url", v.primary_link.unwrap_or_default());
        if let Some(t) = v.target.filter(|t| !t.is_empty()) {
            d.subject.target = Some(t.into());
        }
        ctx.emit(d, &doc.at(raw.get(), &ptr));
    }
    let word = |s: &Option<String>| s.clone().filter(|s| !s.is_empty()).map(Text::from);
    let facts = report
        .os
        .as_ref()
        .map(|os| ImageFacts {
            os_family: word(&os.family.0),
            os_name: word(&os.name.0),
            end_of_life: os.eosl.0,
            ..ImageFacts::default()
        })
        .unwrap_or_default();
    let d = c.about(scan(&c.origin, ScanClass::Vulnerability).image_facts(facts));
    ctx.emit(d, &c.place(doc));
    if let (Some(workload), Some(image)) = (c.subject.workload(), &c.subject.image) {
        let title = format!("{workload} runs {}", image.tagged());
        let d = c.about(c.origin.sighting().title(&title));
        ctx.emit(d, &c.place(doc));
    }
}

/// trivy-operator scans ReplicaSets (`web-7d9f8c6b5`); the workload a user knows, and
/// other tools name, is the Deployment that owns it.
fn owning_workload(kind: Option<String>, name: Option<String>) -> (Option<String>, Option<String>) {
    if let (Some("ReplicaSet"), Some(n)) = (kind.as_deref(), name.as_deref()) {
        if let Some(base) = crate::model::workload::deployment_of_replicaset(n) {
            return (Some("Deployment".to_string()), Some(base.to_string()));
        }
    }
    (kind, name)
}

fn checks<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    c: &Crd<'_>,
    report: &RawReport<'a>,
    rptr: &str,
    infra: bool,
) {
    // The checks the operator ran are those of the object it audited: workload checks
    // for a workload, RBAC checks for a Role, … and control-plane and node checks for
    // an infra assessment. Its silence proves nothing about any other family.
    let families: ConfigFamilies = if infra {
        Some(ConfigFamily::Cluster)
    } else {
        c.subject
            .kind
            .as_deref()
            .and_then(ConfigFamily::of_resource_kind)
    }
    .into_iter()
    .collect();
    // An operator set to record every check lists passing checks too (`success:
    // true`): then the report names the checks it ran, and a check it does not name
    // was not run, whatever its family. A report of failures alone names only those,
    // so the family of the audited object says what it could have reported.
    let mut listed: Vec<Text> = Vec::new();
    let mut lists_passes = false;
    for (i, raw) in report.checks.iter().flatten().enumerate() {
        let ptr = format!("{rptr}/checks/{i}");
        let Some(chk) = doc.parse_raw::<RawCheck>(ctx, raw, &ptr) else {
            continue;
        };
        let Some((id, aliases)) = check_id_of(chk.id.as_deref(), None) else {
            continue;
        };
        let outcome = match chk.success {
            Some(true) => Outcome::Pass,
            _ => Outcome::Fail,
        };
        lists_passes |= outcome == Outcome::Pass;
        listed.push(Text::from(id.as_str()));
        listed.extend(aliases.iter().map(|a| Text::from(a.as_str())));
        let messages = chk.messages.unwrap_or_default().join("\n");
        let message = Some(messages.as_str())
            .filter(|m| !m.trim().is_empty())
            .or(chk.description.as_deref())
            .unwrap_or_default();
        let mut d = c
            .about(c.origin.misconfiguration(id, outcome))
            .severity(severity(chk.severity.as_deref()))
            .title(chk.title.as_deref().unwrap_or_default())
            .message(message)
            .attr("category", chk.category.unwrap_or_default())
            .attr_redacted("resolution", chk.remediation.as_deref().unwrap_or_default());
        d.aliases = aliases.into_iter().map(Text::from).collect();
        // Config audits are about the workload, not its image.
        d.subject.image = None;
        ctx.emit(d, &doc.at(raw.get(), &ptr));
    }
    let mut d = scan(&c.origin, ScanClass::Configuration)
        .families(families)
        .numbering(CheckNumbering::Trivy);
    if lists_passes {
        d = d.ran(RanChecks::new(listed));
    }
    let mut d = c.about(d);
    d.subject.image = None;
    ctx.emit(d, &c.place(doc));
}

fn secrets<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    c: &Crd<'_>,
    report: &RawReport<'a>,
    rptr: &str,
) {
    for (i, raw) in report.secrets.iter().flatten().enumerate() {
        let ptr = format!("{rptr}/secrets/{i}");
        let Some(sec) = doc.parse_raw::<RawSecret>(ctx, raw, &ptr) else {
            continue;
        };
        let Some(rule) = sec.rule_id.filter(|s| !s.trim().is_empty()) else {
            continue;
        };
        let fingerprint = sec
            .matched
            .filter(|m| !m.is_empty())
            .map(|m| redact::fingerprint(&m))
            .unwrap_or_default();
        let mut d = c
            .about(c.origin.secret(rule))
            .severity(severity(sec.severity.as_deref()))
            .title(sec.title.as_deref().unwrap_or_default())
            .attr("category", sec.category.unwrap_or_default())
            .attr("fingerprint", fingerprint);
        if let Some(t) = sec.target.filter(|t| !t.is_empty()) {
            d.subject.target = Some(t.into());
        }
        ctx.emit(d, &doc.at(raw.get(), &ptr));
    }
    let d = c.about(scan(&c.origin, ScanClass::Secret));
    ctx.emit(d, &c.place(doc));
}

fn compliance<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    (spec, status): (Option<&'a RawValue>, Option<&'a RawValue>),
    slice: &'a str,
    pointer: &str,
    created: Option<DateTime<Utc>>,
    meta: &RawObjectMeta,
) {
    let spec =
        spec.and_then(|s| doc.parse_raw::<RawComplianceSpec>(ctx, s, &format!("{pointer}/spec")));
    let status = status.and_then(|s| {
        doc.parse_raw::<RawComplianceStatus<'a>>(ctx, s, &format!("{pointer}/status"))
    });
    let nonempty = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
    let spec_id = status
        .as_ref()
        .and_then(|s| {
            s.detail
                .as_ref()
                .and_then(|d| nonempty(&d.id))
                .or_else(|| s.summary.as_ref().and_then(|d| nonempty(&d.id)))
        })
        .or_else(|| {
            spec.as_ref().and_then(|s| {
                s.compliance
                    .as_ref()
                    .and_then(|c| nonempty(&c.id))
                    .or_else(|| nonempty(&s.id))
            })
        })
        .or_else(|| nonempty(&meta.name))
        .unwrap_or_else(|| "unknown".to_string());
    let spec_title = status
        .as_ref()
        .and_then(|s| {
            s.detail
                .as_ref()
                .and_then(|d| nonempty(&d.title))
                .or_else(|| s.summary.as_ref().and_then(|d| nonempty(&d.title)))
        })
        .or_else(|| {
            spec.as_ref().and_then(|s| {
                s.compliance
                    .as_ref()
                    .and_then(|c| nonempty(&c.title))
                    .or_else(|| nonempty(&s.title))
            })
        })
        .unwrap_or_default();
    let version = spec
        .as_ref()
        .and_then(|s| {
            s.compliance
                .as_ref()
                .and_then(|c| nonempty(&c.version))
                .or_else(|| nonempty(&s.version))
        })
        .unwrap_or_default();
    let observed = status
        .as_ref()
        .and_then(|s| s.update_timestamp.0)
        .or(created);
    let origin = ctx.origin(FORMAT).tool("trivy-operator").observed(observed);
    let spec = Spec::new(&spec_id, &spec_title);
    let mut controls = 0usize;
    if let Some(detail) = status.as_ref().and_then(|s| s.detail.as_ref()) {
        for (i, raw) in detail.results.iter().flatten().enumerate() {
            let ptr = format!("{pointer}/status/detailReport/results/{i}");
            let Some(ctl) = doc.parse_raw::<RawDetailControl>(ctx, raw, &ptr) else {
                continue;
            };
            let Some(id) = nonempty(&ctl.id) else {
                continue;
            };
            let checks = ctl.checks.unwrap_or_default();
            let fail = checks.iter().filter(|k| k.success == Some(false)).count();
            let pass = checks.iter().filter(|k| k.success == Some(true)).count();
            let outcome = if fail > 0 {
                Outcome::Fail
            } else if pass > 0 {
                Outcome::Pass
            } else {
                Outcome::Unknown
            };
            let place = doc.at(raw.get(), &ptr);
            let name = ctl.name.as_deref().unwrap_or_default();
            let d = spec
                .control(ctx, &place, &origin, &id, name, outcome)
                .severity(severity(ctl.severity.as_deref()))
                .message(ctl.description.as_deref().unwrap_or_default())
                .attr_redacted("benchmark_title", &spec_title)
                .attr("total_pass", pass.to_string())
                .attr("total_fail", fail.to_string());
            ctx.emit(d, &place);
            controls += 1;
        }
    } else if let Some(summary) = status.as_ref().and_then(|s| s.summary.as_ref()) {
        for (i, raw) in summary.controls.iter().flatten().enumerate() {
            let ptr = format!("{pointer}/status/summaryReport/controlCheck/{i}");
            let Some(ctl) = doc.parse_raw::<RawSummaryControl>(ctx, raw, &ptr) else {
                continue;
            };
            let Some(id) = nonempty(&ctl.id) else {
                continue;
            };
            let outcome = match ctl.total_fail {
                Some(n) if n > 0 => Outcome::Fail,
                Some(_) => Outcome::Pass,
                None => Outcome::Unknown,
            };
            let total_fail = ctl.total_fail.map(|n| n.to_string()).unwrap_or_default();
            let place = doc.at(raw.get(), &ptr);
            let name = ctl.name.as_deref().unwrap_or_default();
            let d = spec
                .control(ctx, &place, &origin, &id, name, outcome)
                .severity(severity(ctl.severity.as_deref()))
                .attr_redacted("benchmark_title", &spec_title)
                .attr("total_fail", total_fail);
            ctx.emit(d, &place);
            controls += 1;
        }
    }
    let d = benchmark_run(&origin, &spec_id, &spec_title, &version, controls);
    ctx.emit(d, &doc.at(slice, pointer));
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, Record, RecordKind, ScanClass, Severity};

    fn ingest(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("op.json", text.as_bytes(), &IngestOptions::default())
    }

    fn of(recs: &[Record], kind: RecordKind) -> Vec<&Record> {
        recs.iter().filter(|r| r.kind == kind).collect()
    }

    const VULN: &str = r#"{"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "VulnerabilityReport",
 "metadata": {"name": "replicaset-nginx-6d4cf56db6-nginx", "namespace": "default",
   "labels": {"trivy-operator.container.name": "nginx", "trivy-operator.resource.kind": "ReplicaSet",
              "trivy-operator.resource.name": "nginx-6d4cf56db6", "trivy-operator.resource.namespace": "default"}},
 "report": {"updateTimestamp": "2024-01-23T13:43:55Z",
   "scanner": {"name": "Trivy", "vendor": "Aqua Security", "version": "0.48.3"},
   "registry": {"server": "index.docker.io"},
   "artifact": {"repository": "library/nginx", "tag": "1.25", "digest": "sha256:f789"},
   "os": {"family": "debian", "name": "12.4"},
   "summary": {"criticalCount": 1, "highCount": 0},
   "vulnerabilities": [
     {"vulnerabilityID": "CVE-2024-0553", "resource": "libgnutls30", "installedVersion": "3.7.9-2",
      "fixedVersion": "3.7.9-2+deb12u2", "severity": "CRITICAL", "title": "gnutls: timing side-channel",
      "primaryLink": "https://avd.aquasec.com/nvd/cve-2024-0553", "links": [], "score": 7.5,
      "target": "nginx:1.25 (debian 12.4)", "publishedDate": "2024-01-16T12:15:45Z"},
     {"vulnerabilityID": "CVE-2011-3374", "resource": "apt", "installedVersion": "2.6.1", "fixedVersion": "", "severity": "LOW"}
   ]}}"#;

    #[test]
    fn vulnerability_report_gives_findings_scan_and_sighting() {
        let (s, recs) = ingest(VULN);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(vulns.len(), 2);
        let v = vulns[0];
        assert_eq!(v.check, "CVE-2024-0553");
        assert_eq!(v.severity, Severity::Critical);
        assert_eq!(v.tool, "trivy 0.48.3");
        assert_eq!(v.subject.namespace.as_deref(), Some("default"));
        // The ReplicaSet `nginx-6d4cf56db6` is reported as the Deployment that owns it.
        assert_eq!(v.subject.kind.as_deref(), Some("Deployment"));
        assert_eq!(v.subject.name.as_deref(), Some("nginx"));
        assert_eq!(v.subject.container.as_deref(), Some("nginx"));
        assert_eq!(
            v.subject.image.as_ref().unwrap().to_string(),
            "docker.io/library/nginx:1.25@sha256:f789"
        );
        let facts = v.vuln().unwrap();
        assert_eq!(facts.package, "libgnutls30");
        assert_eq!(facts.installed, "3.7.9-2");
        assert_eq!(facts.fixed_in, "3.7.9-2+deb12u2");
        assert!(facts.fixable);
        assert!(!vulns[1].vuln().unwrap().fixable);
        assert!(!v.attrs.contains_key("fixable"));
        assert_eq!(
            v.observed_at.unwrap().to_rfc3339(),
            "2024-01-23T13:43:55+00:00"
        );
        assert_eq!(
            v.provenance.pointer.as_deref(),
            Some("/report/vulnerabilities/0")
        );
        assert_eq!(v.provenance.line.map(u64::from), Some(12));
        let scan = of(&recs, RecordKind::Scan);
        assert_eq!(scan.len(), 1);
        assert_eq!(scan[0].check, "vulnerability-scan");
        assert_eq!(scan[0].scan_class(), Some(ScanClass::Vulnerability));
        assert_eq!(scan[0].title, "trivy 0.48.3 vulnerability scan");
        let image = scan[0].image_facts().unwrap();
        assert_eq!(image.os_family.as_deref(), Some("debian"));
        assert_eq!(image.os_name.as_deref(), Some("12.4"));
        assert_eq!(image.end_of_life, None, "the report does not say");
        let sight = of(&recs, RecordKind::Sighting);
        assert_eq!(sight.len(), 1);
        assert_eq!(sight[0].check, "running");
        assert_eq!(
            sight[0].title,
            "default/Deployment/nginx runs docker.io/library/nginx:1.25"
        );
        assert_eq!(recs.len(), 4);
    }

    #[test]
    fn config_audit_in_a_list_and_a_bare_array() {
        let car = r#"{"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ConfigAuditReport",
  "metadata": {"name": "replicaset-web", "namespace": "shop",
    "labels": {"trivy-operator.resource.kind": "ReplicaSet", "trivy-operator.resource.name": "web", "trivy-operator.resource.namespace": "shop"}},
  "report": {"updateTimestamp": "2023-03-23T16:22:54Z", "scanner": {"name": "Trivy", "version": "dev"},
    "checks": [
      {"checkID": "KSV014", "title": "Root file system is not read-only", "severity": "LOW", "success": false,
       "messages": ["Container 'web' should set 'securityContext.readOnlyRootFilesystem' to true"]},
      {"checkID": "KSV017", "title": "Privileged", "severity": "HIGH", "success": true},
      {"checkID": "AVD-KSV-0012", "severity": "MEDIUM", "success": false}
    ]}}"#;
        let list = format!(r#"{{"apiVersion": "v1", "kind": "List", "items": [{car}, {car}]}}"#);
        let (s, recs) = ingest(&list);
        assert_eq!(s.formats, vec![super::FORMAT]);
        let mis = of(&recs, RecordKind::Misconfiguration);
        assert_eq!(mis.len(), 6);
        assert_eq!(mis[0].check, "KSV-0014");
        assert!(mis[0].has_id("KSV014"));
        assert_eq!(mis[0].outcome, Outcome::Fail);
        assert_eq!(mis[1].check, "KSV-0017");
        assert_eq!(mis[1].outcome, Outcome::Pass);
        assert_eq!(mis[2].check, "KSV-0012");
        assert_eq!(mis[0].subject.namespace.as_deref(), Some("shop"));
        assert_eq!(
            mis[3].provenance.pointer.as_deref(),
            Some("/items/1/report/checks/0")
        );
        let scans = of(&recs, RecordKind::Scan);
        assert_eq!(scans.len(), 2);
        assert_eq!(scans[0].scan_class(), Some(ScanClass::Configuration));
        assert!(scans[0].subject.image.is_none());

        let array = format!("[{car}]");
        let (s, recs) = ingest(&array);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(of(&recs, RecordKind::Misconfiguration).len(), 3);
    }

    #[test]
    fn dict_keyed_dump_is_walked() {
        let text = format!(
            r#"{{"vulnerabilityreports.aquasecurity.github.io": {{"apiVersion": "v1", "kind": "List", "items": [{VULN}]}},
 "exposedsecretreports.aquasecurity.github.io": [
   {{"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ExposedSecretReport",
     "metadata": {{"name": "x", "namespace": "app", "labels": {{"trivy-operator.resource.kind": "Pod", "trivy-operator.resource.name": "api"}}}},
     "report": {{"registry": {{"server": "ghcr.io"}}, "artifact": {{"repository": "acme/api", "tag": "2"}},
       "secrets": [{{"ruleID": "github-pat", "category": "GitHub", "severity": "CRITICAL", "title": "GitHub PAT",
                    "target": "/app/.env", "match": "GITHUB_PAT=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}]}}}}
 ],
 "rbacassessmentreports.aquasecurity.github.io": {{"items": []}}}}"#
        );
        let (s, recs) = ingest(&text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(of(&recs, RecordKind::Vulnerability).len(), 2);
        let sec = of(&recs, RecordKind::Secret);
        assert_eq!(sec.len(), 1);
        assert_eq!(sec[0].check, "github-pat");
        assert_eq!(sec[0].subject.namespace.as_deref(), Some("app"));
        assert_eq!(
            sec[0].subject.image.as_ref().unwrap().tagged(),
            "ghcr.io/acme/api:2"
        );
        let json = serde_json::to_string(&recs).unwrap();
        assert!(!json.contains("ghp_aaaa"), "{json}");
        assert_eq!(
            sec[0].provenance.pointer.as_deref(),
            Some("/exposedsecretreports.aquasecurity.github.io/0/report/secrets/0")
        );
    }

    #[test]
    fn cluster_compliance_summary_and_detail() {
        let text = r#"[{"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ClusterComplianceReport",
  "metadata": {"name": "cis", "creationTimestamp": "2023-03-01T00:00:00Z"},
  "spec": {"compliance": {"id": "cis", "title": "CIS Kubernetes Benchmarks v1.23", "version": "1.0",
     "controls": [{"id": "4.2.9", "checks": [{"id": "AVD-KCV-0087"}]}]}},
  "status": {"summary": {"failCount": 1, "passCount": 1},
    "summaryReport": {"id": "cis", "title": "CIS Kubernetes Benchmarks v1.23",
      "controlCheck": [{"id": "4.2.9", "name": "event-qps", "severity": "HIGH", "totalFail": 0},
                       {"id": "4.2.10", "name": "tls", "severity": "CRITICAL", "totalFail": 10}]},
    "updateTimestamp": "2021-1-1T10:10:10Z"}},
 {"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ClusterComplianceReport",
  "metadata": {"name": "nsa"},
  "spec": {"id": "nsa", "title": "NSA", "controls": []},
  "status": {"detailReport": {"id": "nsa", "title": "NSA", "results": [
     {"id": "1.0", "name": "Non-root containers", "severity": "MEDIUM",
      "checks": [{"checkID": "KSV012", "severity": "MEDIUM", "success": false}, {"checkID": "KSV012", "success": true}]},
     {"id": "1.1", "name": "Immutable fs", "severity": "LOW", "checks": [{"checkID": "KSV014", "success": true}]},
     {"id": "1.2", "name": "Manual", "severity": "LOW", "checks": null}]}}}
]"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let bench = of(&recs, RecordKind::Benchmark);
        assert_eq!(bench.len(), 5);
        assert_eq!(bench[0].check, "trivy-compliance:cis:4.2.9");
        assert_eq!(bench[0].outcome, Outcome::Pass);
        assert_eq!(bench[1].outcome, Outcome::Fail);
        assert_eq!(bench[1].severity, Severity::Critical);
        assert_eq!(
            bench[0].observed_at.unwrap().to_rfc3339(),
            "2021-01-01T10:10:10+00:00"
        );
        assert_eq!(bench[2].check, "trivy-compliance:nsa:1.0");
        assert_eq!(bench[2].outcome, Outcome::Fail);
        assert_eq!(bench[3].outcome, Outcome::Pass);
        assert_eq!(bench[4].outcome, Outcome::Unknown);
        let scans = of(&recs, RecordKind::Scan);
        assert_eq!(scans.len(), 2);
        assert!(scans.iter().all(|s| s.check == "benchmark-run"));
        assert!(scans
            .iter()
            .all(|s| s.scan_class() == Some(ScanClass::Benchmark)));
        assert_eq!(scans[0].attrs["controls"], "2");
        assert_eq!(scans[0].title, "trivy-operator benchmark run");
    }

    #[test]
    fn end_of_life_is_an_image_fact_of_the_scan() {
        let eol = VULN.replace(
            r#""os": {"family": "debian", "name": "12.4"}"#,
            r#""os": {"family": "debian", "name": "9.13", "eosl": true}"#,
        );
        let (_, recs) = ingest(&eol);
        let scan = of(&recs, RecordKind::Scan)[0];
        let image = scan.image_facts().unwrap();
        assert_eq!(image.end_of_life, Some(true));
        assert_eq!(image.os_name.as_deref(), Some("9.13"));
        assert!(!scan.attrs.contains_key("eosl"));
    }

    #[test]
    fn one_wrong_type_costs_one_diagnostic() {
        let text = r#"{"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ConfigAuditReport",
 "metadata": {"name": "x"},
 "report": {"checks": [
   {"checkID": "KSV001", "success": false},
   {"checkID": "KSV002", "success": "no"},
   {"checkID": "KSV003", "success": true}
 ]}}"#;
        let (s, recs) = ingest(text);
        assert_eq!(of(&recs, RecordKind::Misconfiguration).len(), 2);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(5));
    }
}
