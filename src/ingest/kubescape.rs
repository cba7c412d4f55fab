//! Kubescape scan results (`kubescape scan … --format json`).
//!
//! * `formatVersion` v2 (Kubescape 2.x default, 3.x): `results[]` per resource
//!   (`resourceID`, `controls[]` with `controlID`, `name`, `status.status` and
//!   `status.subStatus`, or only `rules[].status` in early v2), `summaryDetails` (per
//!   control name and `scoreFactor`, frameworks), `clusterName`, `generationTime`.
//!   One `misconfiguration` record per resource and control, and one `config-scan`
//!   record per scanned resource.
//! * `formatVersion` v1 (`--format-version v1`, Kubescape 2.x): a framework report
//!   (`name`, `controlReports[]` with `ruleReports[].ruleResponses[]` naming the failed
//!   objects in `alertObject.k8sApiObjects`), or an array of them. Only failures name
//!   resources: a control whose `failedResources` is 0 of `totalResources` gives one
//!   pass record for the run; one `config-scan` record per framework report.
//!
//! The check id is the control id (`C-0057`). Severity is Kubescape's own mapping of
//! the control's score factor (opa-utils `ControlSeverityToString`: 9+ critical, 7+
//! high, 4+ medium, 1+ low). A resource id (`<group>/<version>/<namespace>/<kind>/<name>`,
//! prefixed `path=…/api=` for file scans) gives namespace, kind and name; the cluster
//! is `clusterName`. Status: `passed` → pass; `failed` → fail; `passed` with the
//! sub-status `w/exceptions` or `irrelevant`, and the older `excluded` and
//! `irrelevant`, → skip (Kubescape set it aside itself); `skipped` and `error` →
//! unknown (it could not evaluate). Rule `controlConfigurations` (patterns, allowed
//! values) are never read.

use super::lax::{Lax, LaxTime};
use super::trivy_results::{scan, tool_name};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{
    Channel, CheckNumbering, Format, FormatInfo, Outcome, ScanClass, Severity, Subject, Text,
};
use chrono::Datelike;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;

/// The Kubescape ingestor.
pub struct Kubescape;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "kubescape",
    name: "Kubescape scan results (--format json)",
    tested: "Kubescape v3.0.3 file scan (formatVersion v2); cluster scans, early v2 rule-only statuses and v1 framework reports (controlReports[]) as Kubescape's opa-utils types define them",
    detection: "summaryDetails with results[] or resources[], or a framework report with name and controlReports[]",
    signature: &["summaryDetails", "results", "resources", "generationTime", "clusterName", "controlReports"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Kubescape {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && ((probe.has("summaryDetails") && (probe.has("results") || probe.has("resources")))
                || (probe.has("controlReports") && probe.has("name")))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if doc.probe.has("controlReports") {
            super::kubescape_v1::run(doc, ctx);
        } else {
            run(doc, ctx);
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawReport<'a> {
    #[serde(default)]
    cluster_name: Lax<String>,
    #[serde(default)]
    generation_time: LaxTime,
    #[serde(default)]
    summary_details: Option<RawSummary>,
    #[serde(borrow, default)]
    results: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    resources: Option<Vec<Lax<RawResource>>>,
    #[serde(default)]
    metadata: Option<Value>,
}

#[derive(Deserialize)]
struct RawSummary {
    #[serde(default)]
    controls: Option<HashMap<String, RawControlSummary>>,
    #[serde(default)]
    frameworks: Lax<Vec<RawFramework>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawControlSummary {
    #[serde(default)]
    name: Lax<String>,
    #[serde(default)]
    score_factor: Lax<f64>,
    #[serde(default)]
    base_score: Lax<f64>,
    #[serde(default)]
    severity: Lax<String>,
}

#[derive(Deserialize)]
struct RawFramework {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResource {
    #[serde(rename = "resourceID", default)]
    resource_id: Option<String>,
    #[serde(default)]
    source: Option<RawSource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSource {
    #[serde(default)]
    relative_path: Option<String>,
    #[serde(default)]
    path: Option<String>,
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(rename = "resourceID", default)]
    resource_id: Option<String>,
    #[serde(default)]
    controls: Option<Vec<RawControl>>,
}

#[derive(Deserialize)]
struct RawControl {
    #[serde(rename = "controlID", default)]
    control_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    status: Option<RawStatus>,
    #[serde(default)]
    rules: Option<Vec<RawRule>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    sub_status: Option<String>,
}

#[derive(Deserialize)]
struct RawRule {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    paths: Option<Vec<Value>>,
}

/// Kubescape's severity of a control score (opa-utils `ControlSeverityToInt`).
pub(super) fn severity_of_score(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s >= 1.0 => Severity::Low,
        _ => Severity::Unknown,
    }
}

/// The outcome of a Kubescape status and sub-status.
pub(super) fn outcome(status: &str, sub: &str) -> Outcome {
    match (
        status.to_ascii_lowercase().as_str(),
        sub.to_ascii_lowercase().as_str(),
    ) {
        ("passed" | "success", "w/exceptions" | "irrelevant") => Outcome::Skip,
        ("passed" | "success", _) => Outcome::Pass,
        ("failed", _) => Outcome::Fail,
        ("warning", _) => Outcome::Warn,
        ("excluded" | "irrelevant" | "ignore", _) => Outcome::Skip,
        _ => Outcome::Unknown,
    }
}

/// Namespace, kind and name from a resource id, read from the right
/// (`apps/v1/shop/Deployment/web`, `path=1/api=apps/v1//Deployment/web`).
pub(super) fn subject_of(resource_id: &str, cluster: Option<&Text>) -> Subject {
    let parts: Vec<&str> = resource_id.rsplit('/').collect();
    let word = |i: usize| {
        parts
            .get(i)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty() && !s.contains('='))
            .map(Text::from)
    };
    Subject {
        cluster: cluster.cloned(),
        name: word(0),
        kind: word(1),
        namespace: if parts.len() >= 3 { word(2) } else { None },
        ..Subject::default()
    }
}

/// `kubescape v3.0.3` from the scan metadata.
pub(super) fn tool_of(metadata: Option<&Value>) -> String {
    let version = metadata
        .and_then(|m| m.pointer("/scanMetadata/kubescapeVersion"))
        .and_then(Value::as_str);
    tool_name("kubescape", version)
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(rep) = doc.parse::<RawReport<'a>>(ctx) else {
        return;
    };
    let cluster = rep
        .cluster_name
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(Text::from);
    // Kubescape writes Go's zero time (0001-01-01) when it has none.
    let observed = rep.generation_time.0.filter(|t| t.year() > 1);
    let origin = ctx
        .origin(FORMAT)
        .tool(tool_of(rep.metadata.as_ref()))
        .observed(observed);
    let summary = rep.summary_details.as_ref();
    let controls = summary.and_then(|s| s.controls.as_ref());
    let frameworks: Vec<String> = summary
        .and_then(|s| s.frameworks.get())
        .into_iter()
        .flatten()
        .filter_map(|f| f.name.clone())
        .collect();
    let files: HashMap<&str, &str> = rep
        .resources
        .iter()
        .flatten()
        .filter_map(|r| {
            let r = r.get()?;
            let src = r.source.as_ref()?;
            let file = src.relative_path.as_deref().or(src.path.as_deref())?;
            Some((r.resource_id.as_deref()?, file))
        })
        .collect();
    for (i, raw) in rep.results.iter().flatten().enumerate() {
        let ptr = format!("/results/{i}");
        let Some(res) = doc.parse_raw::<RawResult>(ctx, raw, &ptr) else {
            continue;
        };
        let id = res.resource_id.clone().unwrap_or_default();
        let mut subject = subject_of(&id, cluster.as_ref());
        subject.target = files.get(id.as_str()).map(|f| Text::from(*f));
        for (j, c) in res.controls.iter().flatten().enumerate() {
            let Some(control) = c
                .control_id
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            else {
                continue;
            };
            let rules = c.rules.as_deref().unwrap_or_default();
            let result = match &c.status {
                Some(s) => outcome(
                    s.status.as_deref().unwrap_or_default(),
                    s.sub_status.as_deref().unwrap_or_default(),
                ),
                // Early v2: the worst rule status (no rule: passed).
                None => rules
                    .iter()
                    .map(|r| outcome(r.status.as_deref().unwrap_or_default(), ""))
                    .max_by_key(|o| match o {
                        Outcome::Fail => 3,
                        Outcome::Unknown => 2,
                        Outcome::Skip | Outcome::Warn => 1,
                        _ => 0,
                    })
                    .unwrap_or(Outcome::Pass),
            };
            let meta = controls.and_then(|m| m.get(control));
            let severity = meta
                .and_then(|m| m.severity.as_deref().map(Severity::from_word))
                .or_else(|| {
                    meta.and_then(|m| m.score_factor.0.or(m.base_score.0))
                        .map(severity_of_score)
                })
                .unwrap_or(Severity::Unknown);
            let failed_paths: Vec<String> = rules
                .iter()
                .flat_map(|r| r.paths.iter().flatten())
                .filter_map(|p| {
                    ["failedPath", "reviewPath", "deletePath"]
                        .iter()
                        .find_map(|k| p.get(*k).and_then(Value::as_str))
                        .map(str::to_string)
                })
                .collect();
            let name = c
                .name
                .clone()
                .or_else(|| meta.and_then(|m| m.name.0.clone()));
            let mut d = origin
                .misconfiguration(control, result)
                .severity(severity)
                .title(name.as_deref().unwrap_or(control))
                .message(&failed_paths.join("\n"))
                .attr("resource_id", id.as_str())
                .attr(
                    "rules",
                    rules
                        .iter()
                        .filter_map(|r| r.name.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                )
                .attr(
                    "sub_status",
                    c.status
                        .as_ref()
                        .and_then(|s| s.sub_status.clone())
                        .unwrap_or_default(),
                );
            d.subject = subject.clone().into();
            ctx.emit(d, &doc.at(raw.get(), &format!("{ptr}/controls/{j}")));
        }
        let mut d = scan(&origin, ScanClass::Configuration)
            .numbering(CheckNumbering::Kubescape)
            .attr("frameworks", frameworks.join(","));
        d.subject = subject.into();
        ctx.emit(d, &doc.at(raw.get(), &ptr));
    }
}

#[cfg(test)]
#[path = "kubescape_tests.rs"]
mod tests;
