//! OPA Gatekeeper log lines: the audit pod's JSON log (snake_case keys,
//! `process: "audit"`), admission denials logged with `--log-denies`
//! (`process: "admission"`, `event_type: "violation"`) and export messages
//! (camelCase keys, `eventType: "violation_audited"`).
//!
//! An audited violation becomes a `policy` record, check
//! `<ConstraintKind>/<constraint name>`: `deny` fails, `dryrun` and `warn` warn. A
//! logged admission denial is enforcement at work: an `admission` record
//! `webhook-denied` that passes. Other events (`audit_started`, `constraint_audited`,
//! `audit_finished`, …) are read and ignored.

use super::gatekeeper::outcome_of;
use super::util::{from_epoch_secs, parse_time};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{Channel, Format, FormatInfo, Outcome, Severity, Subject, Text};
use serde::Deserialize;

/// The Gatekeeper log ingestor.
pub struct GatekeeperLog;

/// Both key styles in one lenient type: snake_case audit/admission logs and
/// camelCase export messages.
#[derive(Deserialize)]
struct RawLine {
    // snake_case (audit and admission logs)
    #[serde(default)]
    ts: Option<serde_json::Value>,
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    process: Option<String>,
    #[serde(default)]
    audit_id: Option<String>,
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default)]
    constraint_kind: Option<String>,
    #[serde(default)]
    constraint_name: Option<String>,
    #[serde(default)]
    constraint_action: Option<String>,
    #[serde(default)]
    resource_kind: Option<String>,
    #[serde(default)]
    resource_namespace: Option<String>,
    #[serde(default)]
    resource_name: Option<String>,
    #[serde(default)]
    request_username: Option<String>,
    // camelCase (export messages)
    #[serde(default)]
    id: Option<String>,
    #[serde(default, rename = "eventType")]
    event_type_camel: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "enforcementAction")]
    enforcement_action: Option<String>,
    #[serde(default, rename = "resourceKind")]
    resource_kind_camel: Option<String>,
    #[serde(default, rename = "resourceNamespace")]
    resource_namespace_camel: Option<String>,
    #[serde(default, rename = "resourceName")]
    resource_name_camel: Option<String>,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "gatekeeper-log",
    name: "OPA Gatekeeper audit log, --log-denies lines and export messages",
    tested: "Gatekeeper 3.x audit/admission log keys; export message (alpha, 3.13+)",
    detection: "eventType violation_audited, or event_type with process audit or admission",
    signature: &["eventType", "constraint_kind", "resource_kind", "process"],
    channel: Channel::PolicyEngine,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for GatekeeperLog {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detects_from_top_level(&self) -> bool {
        true
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && (probe.str("eventType") == Some("violation_audited")
                || (probe.has("event_type")
                    && matches!(probe.str("process"), Some("audit") | Some("admission"))))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(l) = doc.parse::<RawLine>(ctx) else {
            return;
        };
        let camel = l.event_type_camel.is_some();
        let event = if camel {
            l.event_type_camel.clone().unwrap_or_default()
        } else {
            l.event_type.clone().unwrap_or_default()
        };
        let process = l.process.clone().unwrap_or_default();
        let admission = !camel && process == "admission" && event == "violation";
        if event != "violation_audited" && !admission {
            return;
        }
        let (kind, name, action, rkind, rns, rname, text) = if camel {
            (
                l.kind,
                l.name,
                l.enforcement_action,
                l.resource_kind_camel,
                l.resource_namespace_camel,
                l.resource_name_camel,
                l.message,
            )
        } else {
            (
                l.constraint_kind,
                l.constraint_name,
                l.constraint_action,
                l.resource_kind,
                l.resource_namespace,
                l.resource_name,
                l.msg,
            )
        };
        let kind = non_empty(kind).unwrap_or_else(|| "Constraint".to_string());
        let name = non_empty(name).unwrap_or_else(|| "unnamed".to_string());
        let constraint = format!("{kind}/{name}");
        let enforcement = non_empty(action)
            .map(|a| a.to_ascii_lowercase())
            .unwrap_or_else(|| "deny".to_string());
        let observed = match &l.ts {
            Some(serde_json::Value::Number(n)) => n.as_f64().and_then(from_epoch_secs),
            Some(serde_json::Value::String(s)) => parse_time(s),
            _ => None,
        }
        .or_else(|| l.id.as_deref().and_then(parse_time))
        .or_else(|| l.audit_id.as_deref().and_then(parse_time));
        let origin = ctx.origin(FORMAT).tool("gatekeeper").observed(observed);
        let denied = admission && enforcement == "deny";
        let mut rec = if denied {
            // A logged denial is enforcement at work.
            origin
                .admission("webhook-denied", Outcome::Pass)
                .title(&format!("Gatekeeper denied the request ({constraint})"))
        } else {
            let outcome = outcome_of(&enforcement);
            let severity = if outcome == Outcome::Pass {
                Severity::None
            } else {
                Severity::Unknown
            };
            origin
                .policy(constraint.as_str(), outcome)
                .severity(severity)
                .title(&constraint)
        };
        rec = rec
            .message(text.as_deref().unwrap_or_default())
            .attr("enforcement", enforcement)
            .attr("policy", name)
            .attr("constraint_kind", kind)
            .attr("user", non_empty(l.request_username).unwrap_or_default())
            .attr("process", process);
        if denied {
            rec = rec
                .attr("webhook", "gatekeeper")
                .attr("constraint", constraint);
        }
        rec.subject = Subject {
            namespace: non_empty(rns).map(Text::from),
            kind: non_empty(rkind).map(Text::from),
            name: non_empty(rname).map(Text::from),
            ..Subject::default()
        }
        .into();
        ctx.emit(rec, &doc.whole());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, Record, RecordKind};

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("gk.log", text.as_bytes(), &IngestOptions::default())
    }

    #[test]
    fn snake_case_audit_log_and_admission_denials() {
        let text = [
            r#"{"level":"info","ts":1700000000.5,"logger":"controller","msg":"auditing constraints and violations","process":"audit","audit_id":"2023-11-14T22:13:20Z","event_type":"audit_started"}"#,
            r#"{"level":"info","ts":1700000001.25,"logger":"controller","msg":"you must provide labels: {\"owner\"}","process":"audit","audit_id":"2023-11-14T22:13:20Z","event_type":"violation_audited","constraint_group":"constraints.gatekeeper.sh","constraint_api_version":"v1beta1","constraint_kind":"K8sRequiredLabels","constraint_name":"must-have-owner","constraint_namespace":"","constraint_action":"deny","resource_group":"","resource_api_version":"v1","resource_kind":"Namespace","resource_namespace":"","resource_name":"default"}"#,
            r#"{"level":"info","ts":1700000001.5,"msg":"x","process":"audit","event_type":"violation_audited","constraint_kind":"K8sAllowedRepos","constraint_name":"repos","constraint_action":"dryrun","resource_kind":"Pod","resource_namespace":"shop","resource_name":"web"}"#,
            r#"{"level":"info","ts":1700000002,"process":"audit","event_type":"constraint_audited","constraint_kind":"K8sAllowedRepos"}"#,
            r#"{"level":"info","ts":1700000003,"msg":"denied admission","process":"admission","event_type":"violation","constraint_kind":"K8sAllowedRepos","constraint_name":"repos","constraint_action":"deny","resource_kind":"Pod","resource_namespace":"shop","resource_name":"evil","request_username":"bob"}"#,
            r#"{"level":"info","ts":1700000004,"process":"audit","event_type":"audit_finished"}"#,
        ]
        .join("\n");
        let (s, recs) = run(&text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 3);
        let a = &recs[0];
        assert_eq!(a.kind, RecordKind::Policy);
        assert_eq!(a.check, "K8sRequiredLabels/must-have-owner");
        assert_eq!(a.outcome, Outcome::Fail);
        assert_eq!(a.subject.kind.as_deref(), Some("Namespace"));
        assert_eq!(a.subject.name.as_deref(), Some("default"));
        assert_eq!(a.subject.namespace, None);
        assert_eq!(a.provenance.line.map(u64::from), Some(2));
        assert_eq!(
            a.observed_at.unwrap().to_rfc3339(),
            "2023-11-14T22:13:21.250+00:00"
        );
        assert_eq!(recs[1].outcome, Outcome::Warn);
        assert_eq!(recs[1].attrs["enforcement"], "dryrun");
        let d = &recs[2];
        assert_eq!(d.kind, RecordKind::Admission);
        assert_eq!(d.check, "webhook-denied");
        assert_eq!(d.outcome, Outcome::Pass);
        assert_eq!(d.attrs["user"], "bob");
        assert_eq!(d.subject.name.as_deref(), Some("evil"));
    }

    #[test]
    fn camel_case_export_messages() {
        let text = r#"{"id":"2023-06-22T22:11:10Z","details":{"missing_labels":["owner"]},"eventType":"violation_audited","group":"constraints.gatekeeper.sh","version":"v1beta1","kind":"K8sRequiredLabels","name":"pod-must-have-test","namespace":"","message":"you must provide labels: {\"test\"}","enforcementAction":"warn","constraintAnnotations":{},"resourceGroup":"","resourceAPIVersion":"v1","resourceKind":"Pod","resourceNamespace":"nginx","resourceName":"nginx-deployment-58899467f5-j85bs","resourceLabels":{"app":"nginx"}}
{"id":"2023-06-22T22:11:10Z","eventType":"violation_audited","kind":"K8sRequiredLabels","name":"ns-must-have","enforcementAction":"deny","resourceKind":"Namespace","resourceName":"default"}
"#;
        let (s, recs) = run(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].check, "K8sRequiredLabels/pod-must-have-test");
        assert_eq!(recs[0].outcome, Outcome::Warn);
        assert_eq!(recs[0].subject.namespace.as_deref(), Some("nginx"));
        assert_eq!(recs[0].subject.kind.as_deref(), Some("Pod"));
        assert_eq!(
            recs[0].observed_at.unwrap().to_rfc3339(),
            "2023-06-22T22:11:10+00:00"
        );
        assert!(recs[0].message.contains("you must provide labels"));
        assert_eq!(recs[1].outcome, Outcome::Fail);
        assert_eq!(recs[1].provenance.line.map(u64::from), Some(2));
    }

    #[test]
    fn wrong_type_line_costs_one_diagnostic() {
        let good = r#"{"ts":1700000001,"process":"audit","event_type":"violation_audited","constraint_kind":"K","constraint_name":"n","resource_kind":"Pod","resource_name":"p"}"#;
        let bad = good.replace(r#""resource_name":"p""#, r#""resource_name":{"x":1}"#);
        let (s, recs) = run(&format!("{good}\n{bad}\n{good}\n"));
        assert_eq!(recs.len(), 2);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(2));
    }
}
