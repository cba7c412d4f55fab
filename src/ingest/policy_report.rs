//! Policy reports: wg-policy `PolicyReport` / `ClusterPolicyReport` (`wgpolicyk8s.io`
//! v1alpha1, v1alpha2, v1beta1) and OpenReports `Report` / `ClusterReport`
//! (`openreports.io/v1alpha1`), as written by Kyverno, the trivy and kube-bench adapters
//! and others; alone or in a `List` (unwrapped by `source`).
//!
//! Every `results[]` entry becomes a `policy` record, check `<policy>/<rule>` (a
//! namespaced policy `ns/name` keeps only its name; the namespace goes to the
//! `policy_namespace` attribute; a result without rule uses `default`). The subject is
//! the report's `scope`, else one record per `results[].resources[]` entry, else the
//! report's controlling owner, else its namespace. Each report also yields one `scan`
//! record `policy-audit`. v1alpha1 wrote `status` where later versions write `result`;
//! a result with neither is a listed finding and counts as a failure.
//!
//! A result is dated by its own `timestamp`; without one, by when the report object was
//! last written, if its metadata says (the newest `managedFields[].time`, or its
//! `creationTimestamp` when `generation` is 1, the object never rewritten); otherwise
//! it is undated. A report's creation alone does not date results written into it
//! later.

use super::lax::{Lax, LaxTime};
use super::util::parse_time;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{Channel, Format, FormatInfo, Outcome, ScanClass, Severity, Subject, Text};
use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The policy-report ingestor.
pub struct PolicyReport;

const KINDS: &[&str] = &[
    "PolicyReport",
    "ClusterPolicyReport",
    "Report",
    "ClusterReport",
];

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: Option<RawMeta>,
    #[serde(default)]
    scope: Option<RawRef>,
    #[serde(borrow, default)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    creation_timestamp: LaxTime,
    #[serde(default)]
    generation: Lax<i64>,
    #[serde(default)]
    managed_fields: Lax<Vec<RawManagedFields>>,
    #[serde(default)]
    labels: Lax<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    owner_references: Option<Vec<RawOwner>>,
}

/// One `metadata.managedFields[]` entry: when a field manager last changed the
/// fields it owns.
#[derive(Deserialize)]
struct RawManagedFields {
    #[serde(default)]
    time: LaxTime,
}

impl RawMeta {
    /// When the report object was last written, as far as its metadata says: the newest
    /// `managedFields[].time`, else its creation when `generation` is 1 (the object was
    /// never rewritten since). A report rewritten since its creation, or that does not
    /// give its generation, was not necessarily written, nor its results observed,
    /// when it was created.
    fn last_written(&self) -> Option<DateTime<Utc>> {
        let managed = self
            .managed_fields
            .get()
            .into_iter()
            .flatten()
            .filter_map(|m| m.time.0)
            .max();
        managed.or_else(|| {
            (self.generation.0 == Some(1))
                .then_some(self.creation_timestamp.0)
                .flatten()
        })
    }
}

#[derive(Deserialize)]
struct RawOwner {
    #[serde(default)]
    kind: Lax<String>,
    #[serde(default)]
    name: Lax<String>,
    #[serde(default)]
    controller: Lax<bool>,
}

#[derive(Deserialize, Clone)]
struct RawRef {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    result: Option<String>,
    /// v1alpha1 spelling of `result`.
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    scored: Option<bool>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    timestamp: Option<serde_json::Value>,
    #[serde(default)]
    resources: Option<Vec<RawRef>>,
    #[serde(default)]
    properties: Option<BTreeMap<String, serde_json::Value>>,
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn int_of(v: Option<&serde_json::Value>) -> Option<i64> {
    match v? {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `{seconds, nanos}` (nanos may be negative or out of range: clamped), an RFC 3339
/// string, or epoch seconds.
fn timestamp(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    match v {
        serde_json::Value::Object(o) => {
            let secs = int_of(o.get("seconds"))?;
            if secs <= 0 {
                return None;
            }
            let nanos = int_of(o.get("nanos")).unwrap_or(0).clamp(0, 999_999_999);
            Utc.timestamp_opt(secs, u32::try_from(nanos).unwrap_or(0))
                .single()
        }
        serde_json::Value::String(s) => parse_time(s),
        serde_json::Value::Number(n) => n.as_i64().and_then(|s| Utc.timestamp_opt(s, 0).single()),
        _ => None,
    }
}

fn subject_of(r: &RawRef, fallback_ns: Option<&String>) -> Subject {
    Subject {
        namespace: non_empty(r.namespace.as_deref())
            .or_else(|| fallback_ns.cloned())
            .map(Text::from),
        kind: non_empty(r.kind.as_deref()).map(Text::from),
        name: non_empty(r.name.as_deref()).map(Text::from),
        ..Subject::default()
    }
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "policy-report",
    name: "PolicyReport / ClusterPolicyReport / OpenReports Report",
    tested: "wgpolicyk8s.io v1alpha1, v1alpha2, v1beta1; openreports.io v1alpha1 (Kyverno 1.11–1.15, trivy adapter)",
    detection: "apiVersion wgpolicyk8s.io/* or openreports.io/* with kind PolicyReport, ClusterPolicyReport, Report or ClusterReport",
    signature: &["apiVersion", "kind", "results", "summary", "scope"],
    channel: Channel::PolicyEngine,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for PolicyReport {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        (probe.api_version_starts("wgpolicyk8s.io/") || probe.api_version_starts("openreports.io/"))
            && probe.str("kind").is_some_and(|k| KINDS.contains(&k))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(report) = doc.parse::<RawReport<'_>>(ctx) else {
            return;
        };
        let meta = report.metadata.as_ref();
        let report_ns = meta.and_then(|m| non_empty(m.namespace.as_deref()));
        // A result without its own time is dated when the report was last written, if
        // the export says; otherwise it is undated (and may be dated from its path).
        let written = meta.and_then(RawMeta::last_written);
        let tool = meta
            .and_then(|m| m.labels.get())
            .and_then(|l| l.get("app.kubernetes.io/managed-by"))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let report_subject = match &report.scope {
            Some(scope) => subject_of(scope, report_ns.as_ref()),
            None => {
                let owners = meta
                    .and_then(|m| m.owner_references.as_ref())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let owner = owners
                    .iter()
                    .find(|o| o.controller.0 == Some(true))
                    .or_else(|| owners.first());
                Subject {
                    namespace: report_ns.clone().map(Text::from),
                    kind: owner
                        .and_then(|o| non_empty(o.kind.as_deref()))
                        .map(Text::from),
                    name: owner
                        .and_then(|o| non_empty(o.name.as_deref()))
                        .map(Text::from),
                    ..Subject::default()
                }
            }
        };
        let mut latest: Option<DateTime<Utc>> = None;
        let mut sources: Vec<String> = Vec::new();
        for (i, raw) in report.results.unwrap_or_default().into_iter().enumerate() {
            let ptr = format!("/results/{i}");
            let Some(r) = doc.parse_raw::<RawResult>(ctx, raw, &ptr) else {
                continue;
            };
            let properties = r.properties.unwrap_or_default();
            let prop = |k: &str| {
                properties
                    .get(k)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let full_policy = non_empty(r.policy.as_deref())
                .or_else(|| prop("VulnerabilityID"))
                .or_else(|| non_empty(r.category.as_deref()))
                .unwrap_or_else(|| "unnamed".to_string());
            let (policy_ns, policy) = match full_policy.split_once('/') {
                Some((ns, name))
                    if !ns.is_empty()
                        && !name.is_empty()
                        && !name.contains('/')
                        && !full_policy.contains(char::is_whitespace) =>
                {
                    (ns.to_string(), name.to_string())
                }
                _ => (String::new(), full_policy.clone()),
            };
            let rule = non_empty(r.rule.as_deref());
            let word = r
                .result
                .as_deref()
                .or(r.status.as_deref())
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let outcome = match word.as_str() {
                "pass" => Outcome::Pass,
                "fail" | "" => Outcome::Fail,
                "warn" => Outcome::Warn,
                "error" => Outcome::Unknown,
                "skip" => Outcome::Skip,
                _ => Outcome::Unknown,
            };
            let severity = match non_empty(r.severity.as_deref()) {
                Some(s) => Severity::from_word(&s),
                None if matches!(outcome, Outcome::Fail | Outcome::Warn) => Severity::Unknown,
                None => Severity::None,
            };
            let observed = r.timestamp.as_ref().and_then(timestamp).or(written);
            if let Some(t) = observed {
                latest = Some(latest.map_or(t, |l| l.max(t)));
            }
            let source = non_empty(r.source.as_deref()).unwrap_or_default();
            if !source.is_empty() && !sources.contains(&source) {
                sources.push(source.clone());
            }
            // A report written by no named controller: each result names its source.
            let origin = ctx
                .origin(FORMAT)
                .tool(if tool.is_empty() { &source } else { &tool })
                .observed(observed);
            let mut rec = origin
                .policy(
                    format!("{policy}/{}", rule.as_deref().unwrap_or("default")),
                    outcome,
                )
                .severity(severity)
                .title(rule.as_deref().unwrap_or(&policy))
                .message(r.message.as_deref().unwrap_or_default())
                .attr("source", source)
                .attr(
                    "category",
                    non_empty(r.category.as_deref()).unwrap_or_default(),
                )
                .attr("policy", policy.as_str())
                .attr("policy_namespace", policy_ns)
                .attr("rule", rule.clone().unwrap_or_default())
                .attr(
                    "scored",
                    r.scored.map(|s| s.to_string()).unwrap_or_default(),
                )
                .attr("result", word);
            if let Some(id) = prop("VulnerabilityID").filter(|id| *id != policy) {
                rec.aliases.push(id.into());
            }
            let place = doc.at(raw.get(), &ptr);
            let resources = r.resources.unwrap_or_default();
            if report.scope.is_none() && !resources.is_empty() {
                for res in &resources {
                    let mut each = rec.clone();
                    each.subject = subject_of(res, report_ns.as_ref()).into();
                    ctx.emit(each, &place);
                }
            } else {
                rec.subject = report_subject.clone().into();
                ctx.emit(rec, &place);
            }
        }
        let origin = ctx
            .origin(FORMAT)
            .tool(if tool.is_empty() {
                sources.first().cloned().unwrap_or_default()
            } else {
                tool
            })
            .observed(latest.or(written));
        let mut scan = origin
            .scan(ScanClass::PolicyAudit)
            .title(&format!(
                "{} {}",
                report.kind.as_deref().unwrap_or("PolicyReport"),
                meta.and_then(|m| m.name.as_deref()).unwrap_or_default()
            ))
            .attr("source", sources.join(","))
            .attr(
                "report",
                meta.and_then(|m| m.name.clone()).unwrap_or_default(),
            );
        scan.subject = report_subject.into();
        ctx.emit(scan, &doc.whole());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, Record, RecordKind, ScanClass, Severity};

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("pr.json", text.as_bytes(), &IngestOptions::default())
    }

    const V1ALPHA2: &str = r#"{
  "apiVersion": "wgpolicyk8s.io/v1alpha2",
  "kind": "PolicyReport",
  "metadata": {"name": "487df031", "namespace": "kube-system", "creationTimestamp": "2023-12-06T13:19:03Z", "labels": {"app.kubernetes.io/managed-by": "kyverno"}},
  "scope": {"apiVersion": "v1", "kind": "Pod", "name": "kube-apiserver-kind", "namespace": "kube-system"},
  "results": [
    {"policy": "disallow-capabilities", "rule": "adding-capabilities", "result": "pass", "severity": "medium", "category": "Pod Security Standards (Baseline)", "source": "kyverno", "scored": true, "timestamp": {"seconds": 1701868762, "nanos": 0}},
    {"policy": "disallow-host-namespaces", "rule": "host-namespaces", "result": "fail", "severity": "high", "source": "kyverno", "message": "validation error: hostNetwork", "timestamp": {"seconds": 1701868762, "nanos": -5}},
    {"policy": "x", "result": "error", "source": "kyverno"},
    {"policy": "y", "rule": "r", "result": "skip"},
    {"policy": "z", "rule": "r", "result": "warn"}
  ],
  "summary": {"pass": 1, "fail": 1}
}"#;

    #[test]
    fn v1alpha2_with_scope() {
        let (s, recs) = run(V1ALPHA2);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 6);
        let by = |c: &str| recs.iter().find(|r| r.check == c).unwrap();
        let p = by("disallow-capabilities/adding-capabilities");
        assert_eq!(p.outcome, Outcome::Pass);
        assert_eq!(p.severity, Severity::Medium);
        assert_eq!(p.subject.kind.as_deref(), Some("Pod"));
        assert_eq!(p.subject.name.as_deref(), Some("kube-apiserver-kind"));
        assert_eq!(p.subject.namespace.as_deref(), Some("kube-system"));
        assert_eq!(p.attrs["source"], "kyverno");
        assert_eq!(p.tool, "kyverno");
        assert_eq!(p.provenance.line.map(u64::from), Some(7));
        let f = by("disallow-host-namespaces/host-namespaces");
        assert_eq!(f.outcome, Outcome::Fail);
        assert_eq!(
            f.observed_at.unwrap().to_rfc3339(),
            "2023-12-06T13:19:22+00:00"
        );
        assert_eq!(by("x/default").outcome, Outcome::Unknown);
        assert_eq!(by("y/r").outcome, Outcome::Skip);
        assert_eq!(by("z/r").outcome, Outcome::Warn);
        let scan = recs.last().unwrap();
        assert_eq!(scan.kind, RecordKind::Scan);
        assert_eq!(scan.check, "policy-audit");
        assert_eq!(scan.scan_class(), Some(ScanClass::PolicyAudit));
    }

    #[test]
    fn pod_security_is_read_from_the_category_even_when_text_is_dropped() {
        let text = r#"{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"r","creationTimestamp":"2026-10-01T10:00:00Z"},
"scope":{"kind":"Pod","name":"p","namespace":"shop"},
"results":[{"policy":"require-labels","rule":"check","result":"fail","category":"Pod Security Standards (Restricted)"},
{"policy":"require-labels","rule":"other","result":"fail","category":"Best Practices"}]}"#;
        let about_pod_security = |opts: &IngestOptions| -> Vec<bool> {
            let (_, recs) = ingest_bytes("pr.json", text.as_bytes(), opts);
            recs.iter()
                .filter_map(|r| match r.facts {
                    crate::model::Facts::Policy { pod_security } => Some(pod_security),
                    _ => None,
                })
                .collect()
        };
        let without_text = IngestOptions {
            keep_text: false,
            ..IngestOptions::default()
        };
        assert_eq!(
            about_pod_security(&IngestOptions::default()),
            vec![true, false]
        );
        assert_eq!(about_pod_security(&without_text), vec![true, false]);
    }

    #[test]
    fn v1alpha1_status_and_resources() {
        let text = r#"{"apiVersion":"wgpolicyk8s.io/v1alpha1","kind":"ClusterPolicyReport","metadata":{"name":"clusterpolicyreport","creationTimestamp":"2021-01-05T10:00:00Z"},
"results":[{"policy":"require-labels","rule":"check-team","status":"fail","resources":[{"kind":"Namespace","name":"a"},{"kind":"Namespace","name":"b"}]},
{"policy":"require-labels","rule":"check-app","status":"pass","resources":[{"kind":"Pod","name":"p","namespace":"shop"}]}]}"#;
        let (s, recs) = run(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].check, "require-labels/check-team");
        assert_eq!(recs[0].outcome, Outcome::Fail);
        assert_eq!(recs[0].subject.name.as_deref(), Some("a"));
        assert_eq!(recs[1].subject.name.as_deref(), Some("b"));
        assert_eq!(recs[2].outcome, Outcome::Pass);
        assert_eq!(recs[2].subject.namespace.as_deref(), Some("shop"));
        // No result time, and nothing says the report was not rewritten since its
        // creation: undated.
        assert_eq!(recs[0].observed_at, None);
        assert_eq!(recs[3].kind, RecordKind::Scan);
    }

    #[test]
    fn results_without_a_time_are_dated_when_the_report_was_last_written() {
        let dated = |meta: &str| {
            let text = format!(
                r#"{{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{{"name":"r","namespace":"shop","creationTimestamp":"2026-09-16T02:35:00Z"{meta}}},
"results":[{{"policy":"require-ro-rootfs","rule":"validate","result":"fail"}},
{{"policy":"require-labels","rule":"check","result":"pass","timestamp":{{"seconds":1793599200,"nanos":0}}}}]}}"#
            );
            let (_, recs) = run(&text);
            recs.iter()
                .map(|r| r.observed_at.map(|t| t.to_rfc3339()))
                .collect::<Vec<_>>()
        };
        let own = Some("2026-11-02T06:00:00+00:00".to_string());
        // Created and never rewritten: its creation is when its results were written.
        assert_eq!(
            dated(r#","generation":1"#),
            vec![
                Some("2026-09-16T02:35:00+00:00".to_string()),
                own.clone(),
                own.clone()
            ]
        );
        // Rewritten 30 times since: its creation dates nothing.
        assert_eq!(
            dated(r#","generation":31"#),
            vec![None, own.clone(), own.clone()]
        );
        // The newest write its managed fields record dates it.
        assert_eq!(
            dated(
                r#","generation":31,"managedFields":[{"manager":"kyverno","operation":"Update","time":"2026-11-19T03:00:00Z"},{"manager":"kyverno","operation":"Update","time":"2026-10-01T00:00:00Z"}]"#
            ),
            vec![
                Some("2026-11-19T03:00:00+00:00".to_string()),
                own,
                Some("2026-11-19T03:00:00+00:00".to_string())
            ]
        );
    }

    #[test]
    fn openreports_in_a_list_with_namespaced_policy() {
        let text = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"openreports.io/v1alpha1","kind":"Report","metadata":{"name":"7d23","labels":{"app.kubernetes.io/managed-by":"kyverno"}},
"results":[{"policy":"default/require-app-label","rule":"check-app-label","result":"fail","scored":true,"source":"kyverno","timestamp":{"nanos":0,"seconds":1849050397}}],
"scope":{"apiVersion":"v1","kind":"Pod","name":"example-c94dc","namespace":"default"}}],"metadata":{}}"#;
        let (s, recs) = run(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 2);
        let r = &recs[0];
        assert_eq!(r.check, "require-app-label/check-app-label");
        assert_eq!(r.attrs["policy_namespace"], "default");
        assert_eq!(r.attrs["policy"], "require-app-label");
        assert_eq!(r.provenance.pointer.as_deref(), Some("/items/0/results/0"));
        assert_eq!(r.provenance.line.map(u64::from), Some(2));
    }

    #[test]
    fn wrong_type_result_costs_one_diagnostic() {
        let text = V1ALPHA2.replace(r#""policy": "x","#, r#""policy": 42,"#);
        let (s, recs) = run(&text);
        assert_eq!(recs.len(), 5);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(9));
    }
}
