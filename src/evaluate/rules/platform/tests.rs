//! The `platform` evaluator on hand-built facts: for each family of settings a pass,
//! a fail citing the fact's pointer, and "not evidenced" when the field is absent;
//! scope, partial evidence, failing rows as conditions (no due date) beside policy
//! states as findings, and catalog errors for unknown settings.

use super::super::testing::{control, day, judge_at, judge_rule, platform};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::evaluate::waivers::Waiver;
use crate::evaluate::{FindingState, Param, ReasonCode, Status};
use crate::model::{
    ClusterFacts, ContainerGroupFacts, Fact, NodePoolFacts, Outcome, PlatformFacts,
    PolicyStateFacts, RecordKind, RegistryFacts, RoleAssignmentFacts, RoleDefinitionFacts, Setting,
    Text,
};
use chrono::{Duration, NaiveDate};

fn f<T>(v: T, p: &str) -> Setting<T> {
    Some(Fact::new(v, p, "as written"))
}

fn rule(setting: &str) -> String {
    format!("rule = \"platform\"\nsetting = \"{setting}\"")
}

fn cluster(facts: ClusterFacts, name: &str) -> crate::model::Record {
    platform(PlatformFacts::Cluster(facts), Some(name), name, day(11, 19))
}

#[test]
fn cluster_settings_pass_fail_and_absent() {
    let at = day(11, 20);
    let private = cluster(
        ClusterFacts {
            private_endpoint: f(
                true,
                "/properties/apiServerAccessProfile/enablePrivateCluster",
            ),
            ..ClusterFacts::default()
        },
        "aks-prod",
    );
    let j = judge_rule(&rule("api-server-private-or-restricted"), &[private], at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Pass, ReasonCode::PlatformHolds)
    );
    assert_eq!(
        j.evidence[0].provenance.pointer.as_deref(),
        Some("/properties/apiServerAccessProfile/enablePrivateCluster")
    );
    let open = cluster(
        ClusterFacts {
            public_endpoint: f(true, "/cluster/resourcesVpcConfig/endpointPublicAccess"),
            authorized_ranges: f(
                vec![Text::from("0.0.0.0/0")],
                "/cluster/resourcesVpcConfig/publicAccessCidrs",
            ),
            ..ClusterFacts::default()
        },
        "eks-prod",
    );
    let j = judge_rule(&rule("api-server-private-or-restricted"), &[open], at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Fail, ReasonCode::PlatformFails)
    );
    assert_eq!(j.reason.params["items"], "cluster eks-prod");
    assert_eq!(
        j.evidence[0].provenance.pointer.as_deref(),
        Some("/cluster/resourcesVpcConfig/publicAccessCidrs")
    );
    let old = cluster(ClusterFacts::default(), "aks-2019");
    let j = judge_rule(&rule("api-server-private-or-restricted"), &[old], at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::NotAssessed, ReasonCode::NotEvidenced)
    );
    assert!(j.reason.params["field"]
        .plain()
        .contains("enablePrivateCluster"));
}

#[test]
fn node_pool_settings_need_every_pool() {
    let at = day(11, 20);
    let pool = |name: &str, boot: bool, vtpm: Setting<bool>| {
        platform(
            PlatformFacts::NodePool(NodePoolFacts {
                secure_boot: f(
                    boot,
                    "/properties/agentPoolProfiles/0/securityProfile/enableSecureBoot",
                ),
                vtpm,
                ..NodePoolFacts::default()
            }),
            Some("aks-prod"),
            name,
            day(11, 19),
        )
    };
    let good = [
        pool("sys", true, f(true, "/v")),
        pool("user", true, f(true, "/v")),
    ];
    assert_eq!(
        judge_rule(&rule("trusted-launch"), &good, at).status,
        Status::Pass
    );
    let bad = [
        pool("sys", true, f(true, "/v")),
        pool("user", true, f(false, "/v1")),
    ];
    let j = judge_rule(&rule("trusted-launch"), &bad, at);
    assert_eq!(j.status, Status::Fail);
    assert_eq!(j.reason.params["items"], "aks-prod/node-pool/user");
    let partial = [pool("sys", true, f(true, "/v")), pool("user", true, None)];
    let j = judge_rule(&rule("trusted-launch"), &partial, at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Warning, ReasonCode::PlatformPartial)
    );
    let none = [pool("user", true, None)];
    let j = judge_rule(&rule("trusted-launch"), &none, at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::NotAssessed, ReasonCode::NotEvidenced)
    );
}

#[test]
fn registry_and_container_group_settings() {
    let at = day(11, 20);
    let reg = |admin: Setting<bool>| {
        platform(
            PlatformFacts::Registry(RegistryFacts {
                admin_user: admin,
                ..RegistryFacts::default()
            }),
            None,
            "contosoacr",
            day(11, 19),
        )
    };
    let r = rule("registry-admin-user-disabled");
    assert_eq!(
        judge_rule(&r, &[reg(f(false, "/a"))], at).status,
        Status::Pass
    );
    assert_eq!(
        judge_rule(&r, &[reg(f(true, "/a"))], at).status,
        Status::Fail
    );
    assert_eq!(judge_rule(&r, &[reg(None)], at).status, Status::NotAssessed);
    let group = |env: Setting<Vec<Text>>| {
        platform(
            PlatformFacts::ContainerGroup(ContainerGroupFacts {
                plain_secret_env: env,
                ..ContainerGroupFacts::default()
            }),
            None,
            "orders",
            day(11, 19),
        )
    };
    let r = rule("no-plain-secret-env");
    assert_eq!(
        judge_rule(&r, &[group(f(vec![], "/e"))], at).status,
        Status::Pass
    );
    let j = judge_rule(
        &r,
        &[group(f(vec![Text::from("DB_PASSWORD")], "/e/1/value"))],
        at,
    );
    assert_eq!(j.status, Status::Fail);
    assert_eq!(
        j.evidence[0].provenance.pointer.as_deref(),
        Some("/e/1/value")
    );
    assert_eq!(
        judge_rule(&r, &[group(None)], at).status,
        Status::NotAssessed
    );
}

#[test]
fn role_assignments_resolve_roles_through_definitions() {
    let at = day(11, 20);
    let registry = platform(
        PlatformFacts::Registry(RegistryFacts {
            resource_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr".into(),
            ..RegistryFacts::default()
        }),
        None,
        "acr",
        day(11, 19),
    );
    let assignment = |kind: &str| {
        platform(
            PlatformFacts::RoleAssignment(RoleAssignmentFacts {
                principal_id: "p".into(),
                principal_type: Some(Fact::new(
                    Text::from(kind),
                    "/value/0/properties/principalType",
                    kind,
                )),
                role_definition_id:
                    "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8311e382"
                        .into(),
                role_definition_at: "/value/0/properties/roleDefinitionId".into(),
                role_name: None,
                scope: Fact::new(
                    Text::from("/subscriptions/s"),
                    "/value/0/properties/scope",
                    "/subscriptions/s",
                ),
            }),
            None,
            "a1",
            day(11, 19),
        )
    };
    let definition = platform(
        PlatformFacts::RoleDefinition(RoleDefinitionFacts {
            id: "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8311e382"
                .into(),
            role_name: Fact::new(Text::from("AcrPush"), "/0/properties/roleName", "AcrPush"),
        }),
        None,
        "AcrPush",
        day(11, 19),
    );
    let r = rule("registry-push-ci-only");
    let ci = [
        registry.clone(),
        assignment("ServicePrincipal"),
        definition.clone(),
    ];
    assert_eq!(judge_rule(&r, &ci, at).status, Status::Pass);
    let definition_file = definition.provenance.file.clone();
    let person = [registry.clone(), assignment("User"), definition];
    let j = judge_rule(&r, &person, at);
    assert_eq!(j.status, Status::Fail);
    // The role name is read in the definition, not in the assignment the row cites:
    // the row cites the id the role was resolved from and says where the name is.
    let e = &j.evidence[0];
    assert_eq!(
        e.provenance.pointer.as_deref(),
        Some("/value/0/properties/roleDefinitionId")
    );
    let from = format!("AcrPush held by a User (role name from {definition_file}");
    assert!(e.title.contains(&from), "{}", e.title);
    assert!(e.title.ends_with("#/0/properties/roleName)"), "{}", e.title);
    // Without the role definitions the role is not resolved: not evidenced.
    let unresolved = [registry, assignment("User")];
    let j = judge_rule(&r, &unresolved, at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::NotAssessed, ReasonCode::NotEvidenced)
    );
}

#[test]
fn policy_states_and_production_scope() {
    let at = day(11, 20);
    let state = |ok: bool, cluster: &str| {
        platform(
            PlatformFacts::PolicyState(PolicyStateFacts {
                compliant: f(ok, "/0/complianceState"),
                kubernetes: true,
                resource_id: "/x".into(),
            }),
            Some(cluster),
            "psa-baseline",
            day(11, 19),
        )
    };
    let r = rule("kubernetes-policy-compliance");
    assert_eq!(
        judge_rule(&r, &[state(true, "aks-prod")], at).status,
        Status::Pass
    );
    assert_eq!(
        judge_rule(&r, &[state(false, "aks-prod")], at).status,
        Status::Fail
    );
    // A failure outside the production clusters only warns.
    let mut config = Config::default();
    config.scope.production_clusters = vec!["aks-prod*".into()];
    let j = judge_at(
        &control(&r, false),
        &[state(false, "aks-stage")],
        &config,
        &[],
        at,
    );
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Warning, ReasonCode::PlatformOutside)
    );
    // Nothing the setting concerns: no evidence at all.
    let j = judge_rule(&r, &[], at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::NotAssessed, ReasonCode::NoEvidence)
    );
}

#[test]
fn a_failing_setting_is_a_condition_with_no_due_date_unless_waived() {
    let at = day(11, 20);
    // Exported two days before the report date: the resource's first sighting, which
    // is not the day its public IP appeared.
    let group = platform(
        PlatformFacts::ContainerGroup(ContainerGroupFacts {
            public_ip: f(true, "/ipAddress/type"),
            ..ContainerGroupFacts::default()
        }),
        None,
        "shop-promo-renderer",
        day(11, 18),
    );
    let r = rule("private-network");
    let j = judge_rule(&r, std::slice::from_ref(&group), at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Fail, ReasonCode::PlatformFails)
    );
    let row = &j.evidence[0];
    assert_eq!(
        (row.state, row.due, row.waiver.as_deref()),
        (FindingState::Failing, None, None)
    );
    // A valid waiver of the control covers it: waived, still with no due date.
    let date = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let waiver = Waiver {
        id: "W-9".into(),
        control: "T-01".into(),
        finding: "container-group".into(),
        image: String::new(),
        workload: String::new(),
        reason: "public by design".into(),
        category: "risk-accepted".into(),
        approver: "platform lead".into(),
        approved_on: date(1),
        expires_on: date(30),
        line: 2,
    };
    let j = judge_at(
        &control(&r, false),
        &[group],
        &Config::default(),
        &[waiver],
        at,
    );
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Waived, ReasonCode::Waived)
    );
    let row = &j.evidence[0];
    assert_eq!(
        (row.state, row.due, row.waiver.as_deref()),
        (FindingState::Waived, None, Some("W-9"))
    );
}

#[test]
fn outside_production_a_failing_setting_only_warns_but_its_row_still_fails() {
    let at = day(11, 20);
    let pool = platform(
        PlatformFacts::ContainerGroup(ContainerGroupFacts {
            public_ip: f(true, "/ipAddress/type"),
            ..ContainerGroupFacts::default()
        }),
        Some("aks-stage"),
        "promo",
        day(11, 18),
    );
    let r = rule("private-network");
    let mut config = Config::default();
    config.scope.production_clusters = vec!["aks-prod*".into()];
    let j = judge_at(&control(&r, false), &[pool], &config, &[], at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Warning, ReasonCode::PlatformOutside)
    );
    let row = &j.evidence[0];
    assert_eq!((row.state, row.due), (FindingState::Failing, None));
}

#[test]
fn a_failing_policy_state_keeps_its_findings_grace_and_due_date() {
    let at = day(11, 20);
    let mut state = platform(
        PlatformFacts::PolicyState(PolicyStateFacts {
            compliant: f(false, "/0/complianceState"),
            kubernetes: true,
            resource_id: "/x".into(),
        }),
        Some("aks-prod"),
        "privileged",
        day(11, 19),
    );
    // As src/ingest/emit.rs makes a policy state: a policy result that fails.
    state.kind = RecordKind::Policy;
    state.outcome = Outcome::Fail;
    state.check = "azure-policy:privileged".into();
    let j = judge_rule(&rule("kubernetes-policy-compliance"), &[state], at);
    assert_eq!(
        (j.status, j.reason.code),
        (Status::Warning, ReasonCode::InGrace)
    );
    // Due a grace period (no severity: low) after the state was first seen.
    let due = (day(11, 19) + Duration::days(Config::default().grace.low)).date_naive();
    let row = &j.evidence[0];
    assert_eq!((row.state, row.due), (FindingState::InGrace, Some(due)));
    assert_eq!(j.reason.params["due"], due.to_string().as_str());
}

#[test]
fn unknown_settings_and_missing_settings_are_catalog_errors_with_their_line() {
    let text = "id = \"T-01\"\ndomain = \"nodes\"\nevaluation = \"automatic\"\ntitle.en = \"t\"\nsummary.en = \"s\"\n\
                [[checks]]\nid = \"c\"\ntitle.en = \"c\"\nrule = \"platform\"\nsetting = \"trusted-lunch\"\n";
    let mut diags = Vec::new();
    let cat = Catalog::from_files(vec![("T-01.toml".into(), text.into())], &mut diags);
    assert!(cat.controls.is_empty());
    assert_eq!(diags[0].line, Some(10), "{diags:?}");
    assert!(
        diags[0].message.contains("trusted-launch"),
        "{}",
        diags[0].message
    );
    let mut diags = Vec::new();
    Catalog::from_files(
        vec![(
            "T-01.toml".into(),
            text.replace("setting = \"trusted-lunch\"\n", ""),
        )],
        &mut diags,
    );
    assert!(diags[0].message.contains("no setting"), "{diags:?}");
}

#[test]
fn a_reason_names_eight_resources_and_counts_the_rest_in_the_sites_language() {
    let at = day(11, 20);
    let groups: Vec<_> = (1..=9)
        .map(|k| {
            platform(
                PlatformFacts::ContainerGroup(ContainerGroupFacts {
                    public_ip: f(true, "/ipAddress/type"),
                    ..ContainerGroupFacts::default()
                }),
                None,
                &format!("group-{k}"),
                day(11, 18),
            )
        })
        .collect();
    let j = judge_rule(&rule("private-network"), &groups, at);
    let items = &j.reason.params["items"];
    assert!(
        matches!(items, Param::Phrase { key, .. } if key == "phrase.and-more"),
        "{items:?}"
    );
    assert!(
        items
            .plain()
            .ends_with("container-group/group-8 and 1 more"),
        "{}",
        items.plain()
    );
}
