//! OPA Gatekeeper constraints with audit status (`kubectl get <kind> -o json`, or
//! `kubectl get constraints -o json` as a `List`, unwrapped by `source`).
//!
//! Every `status.violations[]` entry becomes a `policy` record, check
//! `<ConstraintKind>/<name>`: a `deny` violation (the default) fails, `dryrun` and
//! `warn` warn. A constraint audited without violations yields one `pass` record for the
//! constraint itself: positive evidence. Gatekeeper caps the listed violations
//! (`--constraint-violations-limit`, default 20): when `totalViolations` is larger a
//! `truncated` note names how many were not listed, and every record carries
//! `total_violations`. An audited constraint also yields a `scan` record `policy-audit`.

use super::util::parse_time;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::{Code, Diagnostic, Level};
use crate::model::{Channel, Format, FormatInfo, Outcome, ScanClass, Severity, Subject, Text};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The Gatekeeper constraint ingestor.
pub struct Gatekeeper;

#[derive(Deserialize)]
struct RawConstraint<'a> {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: Option<RawMeta>,
    #[serde(default)]
    spec: Option<RawSpec>,
    #[serde(borrow, default)]
    status: Option<RawStatus<'a>>,
}

#[derive(Deserialize)]
struct RawMeta {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSpec {
    #[serde(default)]
    enforcement_action: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStatus<'a> {
    #[serde(default)]
    audit_timestamp: Option<String>,
    #[serde(default)]
    total_violations: Option<u64>,
    #[serde(borrow, default)]
    violations: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawViolation {
    #[serde(default)]
    enforcement_action: Option<String>,
    /// Scoped enforcement (Gatekeeper 3.16+): several actions for one violation.
    #[serde(default)]
    enforcement_actions: Option<Vec<String>>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// The strongest of the actions given (`deny` > `warn` > `dryrun`), lower-cased.
fn strongest(actions: &[String]) -> Option<String> {
    let lower: Vec<String> = actions
        .iter()
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    ["deny", "warn", "dryrun"]
        .into_iter()
        .find(|a| lower.iter().any(|x| x == a))
        .map(str::to_string)
        .or_else(|| lower.into_iter().find(|a| !a.is_empty() && a != "scoped"))
}

/// `deny` (or no action) fails; `dryrun` and `warn` only warn.
pub(crate) fn outcome_of(enforcement: &str) -> Outcome {
    match enforcement {
        "dryrun" | "warn" => Outcome::Warn,
        _ => Outcome::Fail,
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "gatekeeper",
    name: "OPA Gatekeeper constraints with audit status",
    tested: "constraints.gatekeeper.sh v1beta1 (Gatekeeper 3.x docs), v1, v1alpha1",
    detection: "apiVersion constraints.gatekeeper.sh/*",
    signature: &[],
    channel: Channel::PolicyEngine,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Gatekeeper {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe.api_version_starts("constraints.gatekeeper.sh/")
            && !probe.str("kind").is_some_and(|k| k.ends_with("List"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(c) = doc.parse::<RawConstraint<'_>>(ctx) else {
            return;
        };
        let Some(status) = c.status else {
            // Never audited: nothing to say about it.
            return;
        };
        let kind = non_empty(c.kind.as_deref()).unwrap_or_else(|| "Constraint".to_string());
        let name = non_empty(c.metadata.and_then(|m| m.name).as_deref())
            .unwrap_or_else(|| "unnamed".to_string());
        let check = format!("{kind}/{name}");
        let default_action = non_empty(c.spec.and_then(|s| s.enforcement_action).as_deref())
            .map(|a| a.to_ascii_lowercase())
            .unwrap_or_else(|| "deny".to_string());
        let observed = status.audit_timestamp.as_deref().and_then(parse_time);
        let violations = status.violations.unwrap_or_default();
        let listed = violations.len() as u64;
        let total = status.total_violations.unwrap_or(listed).max(listed);
        let truncated = total > listed;
        if truncated {
            let mut d = Diagnostic::file(
                Level::Note,
                Code::Truncated,
                ctx.file,
                format!(
                    "constraint {check} reports {total} violations but lists {listed}; {} were not listed (Gatekeeper --constraint-violations-limit)",
                    total - listed
                ),
            );
            d.line = doc.line_of(ctx, doc.text);
            d.pointer = Some(format!("{}/status/violations", doc.pointer));
            ctx.diag(d);
        }
        let total_attr = if truncated {
            total.to_string()
        } else {
            String::new()
        };
        let origin = ctx.origin(FORMAT).tool("gatekeeper").observed(observed);
        let base = |outcome: Outcome, enforcement: &str| {
            let severity = if outcome == Outcome::Pass {
                Severity::None
            } else {
                Severity::Unknown
            };
            origin
                .policy(check.as_str(), outcome)
                .severity(severity)
                .title(&check)
                .attr("enforcement", enforcement)
                .attr("policy", name.as_str())
                .attr("constraint_kind", kind.as_str())
                .attr("total_violations", total_attr.as_str())
        };
        let audited = observed.is_some() || status.total_violations.is_some() || listed > 0;
        for (i, raw) in violations.into_iter().enumerate() {
            let ptr = format!("/status/violations/{i}");
            let Some(v) = doc.parse_raw::<RawViolation>(ctx, raw, &ptr) else {
                continue;
            };
            let mut actions: Vec<String> = v.enforcement_actions.unwrap_or_default();
            if let Some(a) = v.enforcement_action {
                actions.push(a);
            }
            let enforcement = strongest(&actions).unwrap_or_else(|| default_action.clone());
            let mut rec = base(outcome_of(&enforcement), &enforcement)
                .message(v.message.as_deref().unwrap_or_default());
            rec.subject = Subject {
                namespace: non_empty(v.namespace.as_deref()).map(Text::from),
                kind: non_empty(v.kind.as_deref()).map(Text::from),
                name: non_empty(v.name.as_deref()).map(Text::from),
                ..Subject::default()
            }
            .into();
            ctx.emit(rec, &doc.at(raw.get(), &ptr));
        }
        if listed == 0 && audited {
            // No violation listed: a clean constraint, or every violation cut by the limit.
            let rec = if total > 0 {
                base(outcome_of(&default_action), &default_action)
                    .message(&format!("{total} violations, none listed"))
            } else {
                base(Outcome::Pass, &default_action)
            };
            ctx.emit(rec, &doc.whole());
        }
        if audited {
            let scan = origin
                .scan(ScanClass::PolicyAudit)
                .title(&format!("Gatekeeper audit of {check}"))
                .attr("policy", name.as_str())
                .attr("constraint_kind", kind.as_str())
                .attr("enforcement", default_action.as_str())
                .attr("total_violations", total.to_string());
            ctx.emit(scan, &doc.whole());
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::diag::Code;
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, Record, RecordKind, ScanClass};

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("gk.json", text.as_bytes(), &IngestOptions::default())
    }

    const CONSTRAINT: &str = r#"{
  "apiVersion": "constraints.gatekeeper.sh/v1beta1",
  "kind": "K8sRequiredLabels",
  "metadata": {"name": "ns-must-have-gk"},
  "spec": {"parameters": {"labels": ["gatekeeper"]}},
  "status": {
    "auditTimestamp": "2019-05-11T01:46:13Z",
    "totalViolations": 5,
    "violations": [
      {"enforcementAction": "deny", "kind": "Namespace", "message": "you must provide labels", "name": "default"},
      {"enforcementAction": "dryrun", "kind": "Pod", "namespace": "shop", "message": "x", "name": "web"},
      {"enforcementAction": "deny", "kind": "Namespace", "message": "you must provide labels", "name": "kube-system"}
    ]
  }
}"#;

    #[test]
    fn violations_truncation_and_scan() {
        let (s, recs) = run(CONSTRAINT);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].check, "K8sRequiredLabels/ns-must-have-gk");
        assert_eq!(recs[0].kind, RecordKind::Policy);
        assert_eq!(recs[0].outcome, Outcome::Fail);
        assert_eq!(recs[0].attrs["enforcement"], "deny");
        assert_eq!(recs[0].attrs["total_violations"], "5");
        assert_eq!(recs[0].subject.kind.as_deref(), Some("Namespace"));
        assert_eq!(recs[0].subject.name.as_deref(), Some("default"));
        assert_eq!(recs[0].provenance.line.map(u64::from), Some(10));
        assert_eq!(
            recs[0].observed_at.unwrap().to_rfc3339(),
            "2019-05-11T01:46:13+00:00"
        );
        assert_eq!(recs[1].outcome, Outcome::Warn);
        assert_eq!(recs[1].subject.namespace.as_deref(), Some("shop"));
        assert_eq!(recs[3].kind, RecordKind::Scan);
        assert_eq!(recs[3].check, "policy-audit");
        assert_eq!(recs[3].scan_class(), Some(ScanClass::PolicyAudit));
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].code, Code::Truncated);
        assert!(s.diagnostics[0].message.contains("2 were not listed"));
    }

    #[test]
    fn clean_constraint_is_positive_evidence_and_lists_are_read() {
        let text = r#"{"apiVersion":"v1","kind":"List","items":[
{"apiVersion":"constraints.gatekeeper.sh/v1","kind":"K8sPSPPrivilegedContainer","metadata":{"name":"no-priv"},"spec":{"enforcementAction":"warn"},"status":{"auditTimestamp":"2026-10-01T10:00:00Z","totalViolations":0}},
{"apiVersion":"constraints.gatekeeper.sh/v1beta1","kind":"K8sAllowedRepos","metadata":{"name":"repos"},"spec":{}}
]}"#;
        let (s, recs) = run(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty());
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].check, "K8sPSPPrivilegedContainer/no-priv");
        assert_eq!(recs[0].outcome, Outcome::Pass);
        assert_eq!(recs[0].subject, Default::default());
        assert_eq!(recs[1].kind, RecordKind::Scan);
    }

    #[test]
    fn wrong_type_violation_costs_one_diagnostic() {
        let text = CONSTRAINT.replace(r#""name": "web""#, r#""name": ["web"]"#);
        let (s, recs) = run(&text);
        assert_eq!(recs.len(), 3);
        let bad: Vec<_> = s
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::BadRecord)
            .collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, Some(11));
    }
}
