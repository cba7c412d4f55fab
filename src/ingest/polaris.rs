//! Polaris audit reports (`polaris audit --format json`, `PolarisOutputVersion` 1.0).
//!
//! `Results[]` holds one entry per workload (`Name`, `Namespace`, `Kind`) with three
//! maps of check id to `{ID, Message, Success, Severity, Category}`: the workload's own
//! `Results`, `PodResult.Results` (pod spec checks) and
//! `PodResult.ContainerResults[].Results` (per container). Each entry is one
//! `misconfiguration` record `polaris:<check id>`: `Success` → pass, else fail, with
//! Polaris' severity (`danger` → high, `warning` → medium). Every workload also gives a
//! `config-scan` record. `AuditTime` dates the report (Polaris writes the zero time
//! for path audits: no time); for a cluster audit (`SourceType` cluster) `DisplayName`
//! names the cluster.

use super::trivy_results::scan;
use super::util::parse_time;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{
    Channel, CheckNumbering, Format, FormatInfo, Outcome, ScanClass, Severity, Subject, Text,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The Polaris ingestor.
pub struct Polaris;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "polaris",
    name: "Polaris audit (--format json)",
    tested: "PolarisOutputVersion 1.0: the example path audit kept in the Polaris repository; cluster audits and Details as Polaris' output types define them",
    detection: "PolarisOutputVersion with Results[]",
    signature: &["PolarisOutputVersion", "AuditTime", "SourceType", "SourceName", "DisplayName", "ClusterInfo", "Results"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

/// The prefix of Polaris check ids (its ids are plain words like `hostIPCSet`).
const CHECK_PREFIX: &str = "polaris:";

impl Ingestor for Polaris {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object && probe.has("PolarisOutputVersion") && probe.has("Results")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawAudit<'a> {
    #[serde(default)]
    audit_time: Option<String>,
    #[serde(default)]
    source_type: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(borrow, default)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawWorkload {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    results: Option<BTreeMap<String, RawCheck>>,
    #[serde(default)]
    pod_result: Option<RawPodResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawPodResult {
    #[serde(default)]
    results: Option<BTreeMap<String, RawCheck>>,
    #[serde(default)]
    container_results: Option<Vec<RawContainerResult>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawContainerResult {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    results: Option<BTreeMap<String, RawCheck>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawCheck {
    #[serde(rename = "ID", default)]
    id: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<Vec<String>>,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    category: Option<String>,
}

fn word(s: &Option<String>) -> Option<Text> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Text::from)
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(audit) = doc.parse::<RawAudit<'a>>(ctx) else {
        return;
    };
    let observed = audit
        .audit_time
        .as_deref()
        .filter(|t| !t.starts_with("0001-01-01"))
        .and_then(parse_time);
    let origin = ctx.origin(FORMAT).tool("polaris").observed(observed);
    let is_cluster = audit
        .source_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("cluster"));
    let cluster = if is_cluster {
        word(&audit.display_name)
    } else {
        None
    };
    for (i, raw) in audit.results.iter().flatten().enumerate() {
        let ptr = format!("/Results/{i}");
        let Some(w) = doc.parse_raw::<RawWorkload>(ctx, raw, &ptr) else {
            continue;
        };
        let workload = Subject {
            cluster: cluster.clone(),
            namespace: word(&w.namespace),
            kind: word(&w.kind),
            name: word(&w.name),
            ..Subject::default()
        };
        let at = doc.at(raw.get(), &ptr);
        let emit =
            |ctx: &mut FileCtx<'_>, checks: &BTreeMap<String, RawCheck>, subject: &Subject| {
                for (key, c) in checks {
                    let id =
                        c.id.as_deref()
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .unwrap_or(key);
                    let outcome = if c.success.unwrap_or(false) {
                        Outcome::Pass
                    } else {
                        Outcome::Fail
                    };
                    let severity = c
                        .severity
                        .as_deref()
                        .map_or(Severity::Unknown, Severity::from_word);
                    let mut message = c.message.clone().unwrap_or_default();
                    for d in c.details.iter().flatten() {
                        message.push('\n');
                        message.push_str(d);
                    }
                    let mut d = origin
                        .misconfiguration(format!("{CHECK_PREFIX}{id}"), outcome)
                        .severity(severity)
                        .title(c.message.as_deref().unwrap_or(id))
                        .message(&message)
                        .attr("category", c.category.clone().unwrap_or_default());
                    d.subject = subject.clone().into();
                    ctx.emit(d, &at);
                }
            };
        if let Some(r) = &w.results {
            emit(ctx, r, &workload);
        }
        if let Some(pod) = &w.pod_result {
            if let Some(r) = &pod.results {
                emit(ctx, r, &workload);
            }
            for c in pod.container_results.iter().flatten() {
                let subject = Subject {
                    container: word(&c.name),
                    ..workload.clone()
                };
                if let Some(r) = &c.results {
                    emit(ctx, r, &subject);
                }
            }
        }
        let mut d = scan(&origin, ScanClass::Configuration).numbering(CheckNumbering::Polaris);
        d.subject = workload.into();
        ctx.emit(d, &at);
    }
}

#[cfg(test)]
#[path = "polaris_tests.rs"]
mod tests;
