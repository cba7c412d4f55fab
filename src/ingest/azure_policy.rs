//! Azure Policy compliance states: `az policy state list` (a bare array) and the Policy
//! Insights REST query (`{"@odata.context": …, "value": [...]}`), API versions from 2018
//! (`isCompliant` only) to 2024-10-01 (`complianceState`, definition and assignment
//! versions).
//!
//! Each state becomes a `policy` record (check `azure-policy:<definition name>`, the
//! initiative's reference id as an alias) whose outcome is the compliance state and
//! whose [`PolicyStateFacts`] say which resource it is about and whether the policy
//! governs Kubernetes (category `Kubernetes`, or a managed-cluster resource). The
//! state's own `timestamp` is its observation time.

use super::arm;
use super::util::parse_time;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, Fact, Format, FormatInfo, Outcome, PolicyStateFacts, Severity, Subject, Text,
};

/// The Azure Policy ingestor.
pub struct AzurePolicy;

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "azure-policy",
    name: "Azure Policy compliance states (az policy state list, Policy Insights REST)",
    tested: "Policy Insights 2024-10-01 REST query (complianceState, isCompliant, versions); az policy state list bare array; older isCompliant-only states",
    detection: "objects with policyAssignmentId, policyDefinitionId, resourceId and complianceState or isCompliant: one, {value:[…]} or an array",
    signature: &["policyAssignmentId", "policyDefinitionId", "resourceId", "complianceState"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

fn is_state(p: &Probe) -> bool {
    p.has("policyAssignmentId")
        && p.has("policyDefinitionId")
        && p.has("resourceId")
        && (p.has("complianceState") || p.has("isCompliant"))
}

impl Ingestor for AzurePolicy {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(is_state)
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("Azure Policy");
        for res in arm::resources(doc, ctx) {
            let n = res.node();
            let Some(resource_id) = n.str("resourceId") else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: policy state without resourceId",
                );
                continue;
            };
            let definition = n
                .str("policyDefinitionName")
                .or_else(|| {
                    n.str("policyDefinitionId")
                        .and_then(|id| id.rsplit('/').next())
                })
                .unwrap_or("(unknown policy)");
            let reference = n.str("policyDefinitionReferenceId");
            let state = n.get("complianceState");
            let (outcome, compliant) = match state.as_ref().and_then(|s| s.text()) {
                Some(s) => {
                    let at = state
                        .as_ref()
                        .map(|s| s.pointer.clone())
                        .unwrap_or_default();
                    match s.to_ascii_lowercase().as_str() {
                        "compliant" => (Outcome::Pass, Some(Fact::new(true, at, s))),
                        "noncompliant" => (Outcome::Fail, Some(Fact::new(false, at, s))),
                        "exempt" => (Outcome::Skip, None),
                        _ => (Outcome::Unknown, None),
                    }
                }
                None => match n.get("isCompliant") {
                    Some(b) => match b.boolean() {
                        Some(true) => (Outcome::Pass, Some(b.fact(true))),
                        Some(false) => (Outcome::Fail, Some(b.fact(false))),
                        None => (Outcome::Unknown, None),
                    },
                    None => (Outcome::Unknown, None),
                },
            };
            let resource_type = n.str("resourceType").unwrap_or_default();
            let is_cluster = resource_type
                .to_ascii_lowercase()
                .contains("managedclusters")
                || resource_id
                    .to_ascii_lowercase()
                    .contains("/managedclusters/");
            let kubernetes = is_cluster
                || n.str("policyDefinitionCategory")
                    .is_some_and(|c| c.eq_ignore_ascii_case("Kubernetes"))
                || resource_type
                    .to_ascii_lowercase()
                    .contains("microsoft.kubernetes");
            let resource_name = resource_id.rsplit('/').next().unwrap_or(resource_id);
            let facts = PolicyStateFacts {
                compliant,
                kubernetes,
                resource_id: Text::from(resource_id),
            };
            let action = n.str("policyDefinitionAction").unwrap_or_default();
            let mut d = origin
                .policy_state(format!("azure-policy:{definition}"), outcome, facts)
                .title(&format!(
                    "Azure Policy {} on {resource_name}",
                    reference.unwrap_or(definition)
                ))
                .observed(n.str("timestamp").and_then(parse_time))
                .severity(Severity::Unknown)
                .attr("enforcement", action)
                .attr(
                    "assignment",
                    n.str("policyAssignmentName").unwrap_or_default(),
                )
                .attr(
                    "initiative",
                    n.str("policySetDefinitionName").unwrap_or_default(),
                );
            if let Some(r) = reference {
                d.aliases.push(Text::from(format!("azure-policy:{r}")));
            }
            d.subject = Subject {
                cluster: is_cluster.then(|| Text::from(resource_name)),
                kind: Some(Text::from("AzurePolicy")),
                name: Some(Text::from(if is_cluster {
                    definition.to_string()
                } else {
                    format!("{definition} on {resource_name}")
                })),
                target: Some(Text::from(resource_id)),
                ..Subject::default()
            }
            .into();
            ctx.emit(d, &arm::place(doc, res.slice, &res.pointer));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, PlatformFacts, RecordKind};

    #[test]
    fn cli_array_with_compliance_state_and_older_is_compliant() {
        let text = r#"[{"timestamp":"2026-11-19T03:00:00Z","resourceId":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod","policyAssignmentId":"/a","policyDefinitionId":"/providers/Microsoft.Authorization/policyDefinitions/d1",
"policyDefinitionName":"d1","policyDefinitionReferenceId":"privileged","policyDefinitionAction":"deny","policyDefinitionCategory":"Kubernetes","complianceState":"NonCompliant","isCompliant":false},
{"timestamp":"2019-10-09T16:04:31Z","resourceId":"/subscriptions/s/resourcegroups/rg/providers/Microsoft.ClassicCompute/domainNames/x","policyAssignmentId":"/a","policyDefinitionId":"/p/d2","isCompliant":true}]"#;
        let (s, recs) = ingest_bytes("p.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        assert!(recs.iter().all(|r| r.kind == RecordKind::Policy));
        assert_eq!(recs[0].check, "azure-policy:d1");
        assert!(recs[0].has_id("azure-policy:privileged"));
        assert_eq!(recs[0].outcome, Outcome::Fail);
        assert_eq!(recs[0].subject.label(), "aks-prod/AzurePolicy/d1");
        let Some(PlatformFacts::PolicyState(p)) = recs[0].platform() else {
            panic!()
        };
        assert!(p.kubernetes);
        assert_eq!(p.compliant.as_ref().unwrap().pointer, "/0/complianceState");
        assert_eq!(recs[1].outcome, Outcome::Pass);
        assert_eq!(recs[1].subject.label(), "AzurePolicy/d2 on x");
        assert!(recs[1].observed_at.is_some());
    }
}
