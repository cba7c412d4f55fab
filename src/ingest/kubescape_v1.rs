//! Kubescape's older `formatVersion` v1 output: one framework report (`name`,
//! `controlReports[]`) per framework, alone or in an array (split into one document
//! each). Part of the `kubescape` format (see `kubescape.rs` for the rules).
//!
//! Failures name their objects (`ruleReports[].ruleResponses[].alertObject
//! .k8sApiObjects[]`: one `misconfiguration` fail record per control and object);
//! passes name none, so a control whose `failedResources` is 0 of a non-zero
//! `totalResources` gives one pass record about the run. A rule response carrying an
//! `exception` was set aside by Kubescape itself (skip). The report has no time and no
//! cluster name.

use super::kubescape::{outcome, severity_of_score, FORMAT};
use super::trivy_results::scan;
use super::{Doc, FileCtx};
use crate::model::{CheckNumbering, Outcome, ScanClass, Severity, Subject, Text};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(Deserialize)]
struct RawFramework<'a> {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "controlReports", borrow, default)]
    control_reports: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawControlReport {
    #[serde(rename = "controlID", default)]
    control_id: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    base_score: Option<f64>,
    #[serde(default)]
    rule_reports: Option<Vec<RawRuleReport>>,
    #[serde(default)]
    failed_resources: Option<u64>,
    #[serde(default)]
    total_resources: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRuleReport {
    #[serde(default)]
    rule_responses: Option<Vec<RawRuleResponse>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRuleResponse {
    #[serde(default)]
    alert_message: Option<String>,
    #[serde(default)]
    rule_status: Option<String>,
    #[serde(default)]
    failed_paths: Option<Vec<String>>,
    #[serde(default)]
    alert_object: Option<RawAlertObject>,
    #[serde(default)]
    exception: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlertObject {
    #[serde(default)]
    k8s_api_objects: Option<Vec<Value>>,
}

/// Namespace, kind and name of a Kubernetes object.
fn subject_of(object: &Value) -> Subject {
    let s = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Text::from)
    };
    Subject {
        namespace: s("/metadata/namespace"),
        kind: s("/kind"),
        name: s("/metadata/name"),
        ..Subject::default()
    }
}

pub(super) fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(fw) = doc.parse::<RawFramework<'a>>(ctx) else {
        return;
    };
    let origin = ctx.origin(FORMAT).tool("kubescape");
    let framework = fw.name.clone().unwrap_or_default();
    for (i, raw) in fw.control_reports.iter().flatten().enumerate() {
        let ptr = format!("/controlReports/{i}");
        let Some(c) = doc.parse_raw::<RawControlReport>(ctx, raw, &ptr) else {
            continue;
        };
        let Some(control) = c
            .control_id
            .clone()
            .or(c.id.clone())
            .filter(|s| !s.trim().is_empty())
        else {
            continue;
        };
        let severity = c
            .base_score
            .map(severity_of_score)
            .unwrap_or(Severity::Unknown);
        let title = c.name.clone().unwrap_or_else(|| control.clone());
        let at = doc.at(raw.get(), &ptr);
        let mut failures = 0;
        for resp in c
            .rule_reports
            .iter()
            .flatten()
            .flat_map(|r| r.rule_responses.iter().flatten())
        {
            let result = if resp.exception.as_ref().is_some_and(|e| !e.is_null()) {
                Outcome::Skip
            } else {
                match outcome(resp.rule_status.as_deref().unwrap_or("failed"), "") {
                    Outcome::Unknown => Outcome::Fail,
                    o => o,
                }
            };
            let objects = resp
                .alert_object
                .as_ref()
                .and_then(|a| a.k8s_api_objects.as_deref())
                .unwrap_or_default();
            for object in objects {
                failures += 1;
                let mut d = origin
                    .misconfiguration(control.as_str(), result)
                    .severity(severity)
                    .title(&title)
                    .message(resp.alert_message.as_deref().unwrap_or_default())
                    .attr(
                        "failed_paths",
                        resp.failed_paths.clone().unwrap_or_default().join(","),
                    )
                    .attr("framework", framework.as_str());
                d.subject = subject_of(object).into();
                ctx.emit(d, &at);
            }
        }
        let total = c.total_resources.unwrap_or(0);
        if failures == 0 && c.failed_resources.unwrap_or(0) == 0 && total > 0 {
            let d = origin
                .misconfiguration(control.as_str(), Outcome::Pass)
                .severity(severity)
                .title(&title)
                .message(&format!("{total} resources passed"))
                .attr("framework", framework.as_str());
            ctx.emit(d, &at);
        }
    }
    let d = scan(&origin, ScanClass::Configuration)
        .numbering(CheckNumbering::Kubescape)
        .attr("frameworks", framework.as_str());
    ctx.emit(d, &doc.whole());
}
