//! Azure role assignments and role definitions: `az role assignment list` (a bare array,
//! fields at the top level, with `roleDefinitionName` and `principalName`), the ARM
//! REST list (`{"value": [...]}`, fields under `properties`, role named only by
//! `roleDefinitionId`), and `az role definition list` / REST role definitions.
//!
//! Each assignment becomes a `platform` record (`role-assignment`) with
//! [`RoleAssignmentFacts`]: principal, principal type, role (name when the export has
//! it), scope. REST assignments name their role only by id; the evaluator resolves it
//! through role definitions given in the inputs (each a `role-definition` record),
//! shows the assignment with that role and its id ([`with_resolved_role`]), and says
//! "role not resolved" otherwise. Creation and update times are not observation
//! times: records are dated from the file path.

use super::arm;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, Fact, Format, FormatInfo, PlatformFacts, Record, RoleAssignmentFacts,
    RoleDefinitionFacts, Subject, Text,
};

/// The Azure RBAC ingestor.
pub struct AzureRbac;

const ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
const DEFINITION: &str = "Microsoft.Authorization/roleDefinitions";

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "azure-rbac",
    name: "Azure role assignments and role definitions (az role assignment list, az role definition list, ARM)",
    tested: "ARM 2018-09-01-preview assignments list and 2018-01-01-preview definitions (REST form), az role assignment list / az role definition list (CLI form)",
    detection: "type Microsoft.Authorization/roleAssignments or …/roleDefinitions: one resource, {value:[…]} or an array",
    signature: &["roleDefinitionId", "principalId", "scope"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for AzureRbac {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(|r| arm::is_type(r, &[ASSIGNMENT, DEFINITION]))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("Azure Resource Manager");
        for res in arm::resources(doc, ctx) {
            let node = res.node();
            let p = arm::settings(&node);
            let id = node.str("id").unwrap_or_default();
            let place = arm::place(doc, res.slice, &res.pointer);
            if arm::value_is_type(&node, &[DEFINITION]) {
                let Some(role) = p
                    .get("roleName")
                    .and_then(|n| n.text().map(|t| n.fact(Text::from(t))))
                else {
                    ctx.warn(
                        Code::BadRecord,
                        doc.line_of(ctx, res.slice),
                        Some(res.pointer.clone()),
                        "record skipped: role definition without roleName",
                    );
                    continue;
                };
                let title = format!("Role definition {}", role.value);
                let mut d = origin
                    .platform(PlatformFacts::RoleDefinition(RoleDefinitionFacts {
                        id: Text::from(id),
                        role_name: role.clone(),
                    }))
                    .title(&title);
                d.subject = Subject {
                    kind: Some(Text::from("RoleDefinition")),
                    name: Some(role.value),
                    target: Some(Text::from(id)),
                    ..Subject::default()
                }
                .into();
                ctx.emit(d, &place);
                continue;
            }
            if !arm::value_is_type(&node, &[ASSIGNMENT]) {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: not a role assignment or definition",
                );
                continue;
            }
            let (Some(principal), Some(scope)) = (
                p.str("principalId"),
                p.get("scope")
                    .and_then(|n| n.text().map(|t| n.fact(Text::from(t)))),
            ) else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: role assignment without principalId or scope",
                );
                continue;
            };
            let role_name: Option<Fact<Text>> = p
                .get("roleDefinitionName")
                .and_then(|n| n.text().map(|t| n.fact(Text::from(t))));
            let principal_type = p
                .get("principalType")
                .and_then(|n| n.text().map(|t| n.fact(Text::from(t))));
            let who = p.str("principalName").unwrap_or(principal);
            let role_label = role_name.as_ref().map_or_else(
                || {
                    p.str("roleDefinitionId")
                        .and_then(|d| d.rsplit('/').next())
                        .unwrap_or(node.str("name").unwrap_or(id))
                        .to_string()
                },
                |r| r.value.to_string(),
            );
            let title = title(
                role_name.as_ref().map_or(ROLE_BY_ID, |r| r.value.as_str()),
                principal_type.as_ref().map(|t| t.value.as_str()),
                who,
                &scope.value,
            );
            let definition: Option<Fact<Text>> = p
                .get("roleDefinitionId")
                .and_then(|n| n.text().map(|t| n.fact(Text::from(t))));
            let facts = RoleAssignmentFacts {
                principal_id: Text::from(principal),
                principal_type,
                role_definition_id: definition
                    .as_ref()
                    .map(|d| d.value.clone())
                    .unwrap_or_default(),
                role_definition_at: definition.map(|d| d.pointer).unwrap_or_default(),
                role_name,
                scope: scope.clone(),
            };
            let mut d = origin
                .platform(PlatformFacts::RoleAssignment(facts))
                .title(&title);
            d.subject = Subject {
                kind: Some(Text::from("RoleAssignment")),
                // Who holds which role (the assignment's own name is a GUID nobody reads).
                name: Some(Text::from(holder(who, &role_label).as_str())),
                target: Some(scope.value),
                ..Subject::default()
            }
            .into();
            ctx.emit(d, &place);
        }
    }
}

/// How a title names a role the export gives only by its definition id.
const ROLE_BY_ID: &str = "Role (by id)";

/// Who holds which role: the subject name of an assignment (`kubelet as AcrPull`).
fn holder(who: &str, role: &str) -> String {
    format!("{who} as {role}")
}

/// The title of an assignment: `AcrPull for ServicePrincipal kubelet on SCOPE`.
fn title(role: &str, principal_type: Option<&str>, who: &str, scope: &str) -> String {
    format!(
        "{role} for {} {who} on {scope}",
        principal_type.unwrap_or("principal")
    )
}

/// Role assignment `r` as its evidence row shows it once a role-definition export
/// resolves the role it names only by id (REST exports): `role_name` (`Owner`) in its
/// subject and title, with the definition's GUID beside it (`Owner (8e3af657-…)`), so
/// the row stays traceable to the id the export holds. `None` for any other record,
/// for an assignment that names its role itself, or one whose subject was not built
/// here from that id.
pub fn with_resolved_role(r: &Record, role_name: &str) -> Option<Record> {
    let Some(PlatformFacts::RoleAssignment(a)) = r.platform() else {
        return None;
    };
    if a.role_name.is_some() {
        return None;
    }
    let guid = a
        .role_definition_id
        .rsplit('/')
        .next()
        .filter(|g| !g.is_empty())?;
    let who = r
        .subject
        .name
        .as_deref()?
        .strip_suffix(holder("", guid).as_str())?;
    let role = format!("{role_name} ({guid})");
    let subject = Subject {
        name: Some(Text::from(holder(who, &role).as_str())),
        ..Subject::clone(&r.subject)
    };
    let mut shown = r.clone();
    shown.subject = subject.into();
    shown.title = Text::from(
        title(
            &role,
            a.principal_type.as_ref().map(|t| t.value.as_str()),
            who,
            &a.scope.value,
        )
        .as_str(),
    );
    Some(shown)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::with_resolved_role;
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::PlatformFacts;

    #[test]
    fn cli_assignments_carry_role_names_rest_ones_only_ids() {
        let cli = r#"[{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr/providers/Microsoft.Authorization/roleAssignments/a1","name":"a1",
"principalId":"p1","principalName":"kubelet","principalType":"ServicePrincipal","roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
"roleDefinitionName":"AcrPull","scope":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr","type":"Microsoft.Authorization/roleAssignments"}]"#;
        let (s, recs) = ingest_bytes("rbac.json", cli.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let Some(PlatformFacts::RoleAssignment(a)) = recs[0].platform() else {
            panic!()
        };
        assert_eq!(a.role_name.as_ref().unwrap().value, "AcrPull");
        assert_eq!(
            a.role_name.as_ref().unwrap().pointer,
            "/0/roleDefinitionName"
        );
        assert_eq!(recs[0].title, "AcrPull for ServicePrincipal kubelet on /subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr");
        let rest = r#"{"value":[{"properties":{"roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r1","principalId":"u1","principalType":"User","scope":"/subscriptions/s"},
"id":"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a2","type":"Microsoft.Authorization/roleAssignments","name":"a2"}]}"#;
        let (_, recs) = ingest_bytes("rbac.json", rest.as_bytes(), &IngestOptions::default());
        let Some(PlatformFacts::RoleAssignment(a)) = recs[0].platform() else {
            panic!()
        };
        assert!(a.role_name.is_none());
        assert_eq!(a.scope.pointer, "/value/0/properties/scope");
        let defs = r#"[{"properties":{"roleName":"Owner","type":"BuiltInRole"},"id":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r1","type":"Microsoft.Authorization/roleDefinitions","name":"r1"}]"#;
        let (_, recs) = ingest_bytes("defs.json", defs.as_bytes(), &IngestOptions::default());
        let Some(PlatformFacts::RoleDefinition(d)) = recs[0].platform() else {
            panic!()
        };
        assert_eq!(d.role_name.value, "Owner");
    }

    #[test]
    fn an_assignment_named_by_role_id_reads_with_the_resolved_role_and_keeps_the_id() {
        let rest = r#"{"value":[{"properties":{"roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635","principalId":"u1","principalType":"User","scope":"/subscriptions/s"},
"id":"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a2","type":"Microsoft.Authorization/roleAssignments","name":"a2"}]}"#;
        let (_, recs) = ingest_bytes("rbac.json", rest.as_bytes(), &IngestOptions::default());
        assert_eq!(
            recs[0].subject.label(),
            "RoleAssignment/u1 as 8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
        );
        let shown = with_resolved_role(&recs[0], "Owner").unwrap();
        assert_eq!(
            shown.subject.label(),
            "RoleAssignment/u1 as Owner (8e3af657-a8ff-443c-a75c-2fe8c4bcb635)"
        );
        assert_eq!(
            shown.title,
            "Owner (8e3af657-a8ff-443c-a75c-2fe8c4bcb635) for User u1 on /subscriptions/s"
        );
        // The facts, the scope and where the record was read stay as the export says.
        assert_eq!(shown.platform(), recs[0].platform());
        assert_eq!(shown.subject.target, recs[0].subject.target);
        assert_eq!(shown.provenance, recs[0].provenance);
        let Some(PlatformFacts::RoleAssignment(a)) = recs[0].platform() else {
            panic!("not a role assignment");
        };
        assert_eq!(a.role_definition_at, "/value/0/properties/roleDefinitionId");
        // An assignment that names its role itself is shown as it is.
        let cli = r#"[{"id":"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a1","name":"a1","principalId":"p1","principalName":"kubelet",
"roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r1","roleDefinitionName":"AcrPull","scope":"/subscriptions/s","type":"Microsoft.Authorization/roleAssignments"}]"#;
        let (_, recs) = ingest_bytes("rbac.json", cli.as_bytes(), &IngestOptions::default());
        assert!(with_resolved_role(&recs[0], "AcrPush").is_none());
    }
}
