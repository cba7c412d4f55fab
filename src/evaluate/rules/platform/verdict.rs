//! What one resource's facts say about one platform setting: it holds, it fails, the
//! export does not evidence it, or the setting does not concern the resource. Each
//! verdict that says something cites the fact's JSON pointer. Registry role checks
//! read the [`Join`] of clusters, registries and role definitions standing beside the
//! role assignments.

use crate::model::{
    registry_access, ClusterFacts, DiagnosticFacts, Fact, MonitoredResource, PlatformFacts,
    PlatformSetting, Provenance, Record, RegistryAccess, ResourceLog, RoleAssignmentFacts, Setting,
    Text,
};
use std::collections::{BTreeMap, BTreeSet};

/// One resource's verdict on a setting.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The setting does not concern this resource.
    NotApplicable,
    /// The export does not carry the fields the setting reads.
    Absent,
    /// The setting holds (pointer, what the export says).
    Holds(Text, String),
    /// The setting fails (pointer, what the export says).
    Fails(Text, String),
}

/// What role assignments are judged against: the clusters' pull identities, the
/// registries' ids and the role names of role definitions (all lower-case ids).
#[derive(Debug, Default)]
pub struct Join {
    /// Object ids of identities clusters pull images with.
    pub pull_identities: BTreeSet<String>,
    /// Registry resource ids.
    pub registries: Vec<String>,
    /// Role definitions by definition id and by its trailing GUID.
    pub roles: BTreeMap<String, DefinedRole>,
    /// Resources whose diagnostic settings stand: lower-case ids, and (kind, lower-case
    /// name) pairs for resources whose other exports carry no id.
    pub diagnosed_ids: BTreeSet<String>,
    /// See `diagnosed_ids`.
    pub diagnosed_names: BTreeSet<(MonitoredResource, String)>,
}

/// A role definition standing beside the role assignments: the name it gives its role
/// and where that name was read, so that an assignment naming its role only by id can
/// say which file the name it is shown with comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinedRole {
    /// The role name (`AcrPush`).
    pub name: Text,
    /// The definition's file and line, with the JSON pointer of its role name.
    pub read_at: Provenance,
}

impl Join {
    /// Add what one platform record contributes.
    pub fn add(&mut self, r: &Record) {
        let Some(facts) = r.platform() else {
            return;
        };
        match facts {
            PlatformFacts::Cluster(c) => {
                if let Some(id) = &c.pull_identity {
                    self.pull_identities.insert(id.to_ascii_lowercase());
                }
            }
            PlatformFacts::Registry(r) if !r.resource_id.is_empty() => {
                self.registries.push(r.resource_id.to_ascii_lowercase())
            }
            PlatformFacts::RoleDefinition(d) => {
                let role = DefinedRole {
                    name: d.role_name.value.clone(),
                    read_at: Provenance {
                        pointer: Some(d.role_name.pointer.clone()),
                        ..r.provenance.clone()
                    },
                };
                let id = d.id.to_ascii_lowercase();
                if let Some(guid) = id.rsplit('/').next() {
                    self.roles.insert(guid.to_string(), role.clone());
                }
                self.roles.insert(id, role);
            }
            PlatformFacts::Diagnostics(d) => {
                self.diagnosed_ids
                    .insert(d.resource_id.to_ascii_lowercase());
                self.diagnosed_names
                    .insert((d.resource, d.resource_name.to_ascii_lowercase()));
            }
            _ => {}
        }
    }

    /// The role name of an assignment: its own, or its definition's.
    fn role(&self, a: &RoleAssignmentFacts) -> Option<Text> {
        match &a.role_name {
            Some(r) => Some(r.value.clone()),
            None => self.role_by_definition(a).map(|d| d.name.clone()),
        }
    }

    /// The role definition that names the role of an assignment naming it only by id
    /// (`None` when it names its own, or no definition resolves it).
    pub fn role_by_definition(&self, a: &RoleAssignmentFacts) -> Option<&DefinedRole> {
        if a.role_name.is_some() {
            return None;
        }
        let id = a.role_definition_id.to_ascii_lowercase();
        self.roles
            .get(&id)
            .or_else(|| id.rsplit('/').next().and_then(|g| self.roles.get(g)))
    }

    /// Whether a scope covers a registry (a known registry under it, or a registry scope).
    fn covers_registry(&self, scope: &str) -> bool {
        let scope = scope.trim_end_matches('/').to_ascii_lowercase();
        scope.contains("/providers/microsoft.containerregistry/registries/")
            || self.registries.iter().any(|r| {
                scope.is_empty()
                    || (r.starts_with(&scope)
                        && r.as_bytes().get(scope.len()).is_none_or(|b| *b == b'/'))
            })
    }
}

impl Join {
    /// Whether the diagnostic settings of the resource `id` (or of the `kind` resource
    /// named `name`) stand beside it.
    fn diagnosed(&self, kind: MonitoredResource, id: Option<&str>, name: Option<&str>) -> bool {
        id.is_some_and(|id| self.diagnosed_ids.contains(&id.to_ascii_lowercase()))
            || name.is_some_and(|n| {
                self.diagnosed_names
                    .contains(&(kind, n.to_ascii_lowercase()))
            })
    }
}

/// Whether another record (the resource's diagnostic settings) judges `setting` for the
/// resource `r`, whose own export does not carry it.
pub fn judged_elsewhere(setting: PlatformSetting, r: &Record, join: &Join) -> bool {
    use PlatformSetting as S;
    let s = &r.subject;
    match (setting, r.platform()) {
        (S::RegistryResourceLogs, Some(PlatformFacts::Registry(reg))) => join.diagnosed(
            MonitoredResource::Registry,
            Some(reg.resource_id.as_str()).filter(|i| !i.is_empty()),
            s.name.as_deref(),
        ),
        (S::ControlPlaneAuditLogs, Some(PlatformFacts::Cluster(c))) if c.audit_logs.is_none() => {
            join.diagnosed(
                MonitoredResource::ManagedCluster,
                s.target.as_deref(),
                s.cluster.as_deref(),
            )
        }
        _ => false,
    }
}

/// The categories a setting needs collected from a resource's diagnostic settings, and
/// whether it needs all of them (or any one).
fn wanted_logs(
    setting: PlatformSetting,
    d: &DiagnosticFacts,
) -> Option<(&'static [ResourceLog], bool)> {
    use MonitoredResource as M;
    use PlatformSetting as S;
    use ResourceLog as L;
    match (setting, d.resource) {
        (S::RegistryResourceLogs, M::Registry) => {
            Some((&[L::RegistryLoginEvents, L::RegistryRepositoryEvents], true))
        }
        (S::ControlPlaneAuditLogs, M::ManagedCluster) => {
            Some((&[L::KubeAudit, L::KubeAuditAdmin], false))
        }
        _ => None,
    }
}

/// The categories `setting` needs that the resource's diagnostic settings do not
/// collect (`None`: the setting does not read these facts, or nothing is missing).
pub fn missing_logs(setting: PlatformSetting, facts: &PlatformFacts) -> Option<Vec<ResourceLog>> {
    let PlatformFacts::Diagnostics(d) = facts else {
        return None;
    };
    missing_from(setting, d)
}

/// [`missing_logs`] for diagnostic settings at hand.
fn missing_from(setting: PlatformSetting, d: &DiagnosticFacts) -> Option<Vec<ResourceLog>> {
    let (wanted, all) = wanted_logs(setting, d)?;
    let missing: Vec<ResourceLog> = wanted
        .iter()
        .copied()
        .filter(|w| !d.logs.iter().any(|f| f.value.collects(*w)))
        .collect();
    let ok = if all {
        missing.is_empty()
    } else {
        missing.len() < wanted.len()
    };
    (!ok).then_some(missing)
}

fn names(logs: &[ResourceLog]) -> String {
    logs.iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the diagnostic settings collect the categories `setting` needs: each
/// collecting entry cites its place; a failure cites the entry that lists a missing
/// category disabled or without a destination, else the settings.
fn resource_logs(setting: PlatformSetting, d: &DiagnosticFacts) -> Verdict {
    let Some((wanted, _)) = wanted_logs(setting, d) else {
        return Verdict::NotApplicable;
    };
    if let Some(missing) = missing_from(setting, d) {
        if !d.unread.is_empty() {
            // An entry the export wrote wrongly may be the missing category.
            return Verdict::Absent;
        }
        let listed = d
            .logs
            .iter()
            .find(|f| missing.iter().any(|m| f.value.log.covers(*m)));
        let (pointer, why) = match listed {
            Some(f) if !f.value.enabled => (f.pointer.clone(), "disabled"),
            Some(f) => (f.pointer.clone(), "no destination"),
            None if !d.destination.value => (d.destination.pointer.clone(), "no destination"),
            None => (d.settings.pointer.clone(), "not listed"),
        };
        return Verdict::Fails(
            pointer,
            format!("{} not collected ({why})", names(&missing)),
        );
    }
    let collected: Vec<(ResourceLog, &Fact<crate::model::LogFlow>)> = wanted
        .iter()
        .filter_map(|w| {
            d.logs
                .iter()
                .find(|f| f.value.collects(*w))
                .map(|f| (*w, f))
        })
        .collect();
    let Some((_, first)) = collected.first() else {
        return Verdict::Absent;
    };
    let by = |f: &Fact<crate::model::LogFlow>| {
        let setting = if f.value.setting.is_empty() {
            "a setting".to_string()
        } else {
            format!("setting {}", f.value.setting)
        };
        if wanted.contains(&f.value.log) {
            format!("by {setting}")
        } else {
            format!("by the {} group of {setting}", f.value.log)
        }
    };
    let list: Vec<ResourceLog> = collected.iter().map(|(w, _)| *w).collect();
    let mut says = format!("{} collected ({})", names(&list), by(first));
    if setting == PlatformSetting::ControlPlaneAuditLogs
        && !d.logs.iter().any(|f| f.value.collects(ResourceLog::Guard))
    {
        says.push_str("; guard not collected");
    }
    Verdict::Holds(first.pointer.clone(), says)
}

/// "<field>: <value as written>", the field being the last segment of the pointer.
fn says(f: &Fact<bool>) -> String {
    let field = f.pointer.rsplit('/').next().unwrap_or_default();
    if field.is_empty() || field.chars().all(|c| c.is_ascii_digit()) {
        f.shown.to_string()
    } else {
        format!("{field}: {}", f.shown)
    }
}

fn flag(f: &Setting<bool>, good: bool) -> Verdict {
    match f {
        None => Verdict::Absent,
        Some(f) if f.value == good => Verdict::Holds(f.pointer.clone(), says(f)),
        Some(f) => Verdict::Fails(f.pointer.clone(), says(f)),
    }
}

fn open_range(r: &str) -> bool {
    matches!(r.trim(), "0.0.0.0/0" | "::/0" | "*" | "0.0.0.0")
}

fn api_server(c: &ClusterFacts) -> Verdict {
    let hold = |f: &Fact<bool>, what: &str| {
        Verdict::Holds(f.pointer.clone(), format!("{what} ({})", f.shown))
    };
    if let Some(p) = c.private_endpoint.as_ref().filter(|f| f.value) {
        return hold(p, "private endpoint");
    }
    if let Some(p) = c.public_endpoint.as_ref().filter(|f| !f.value) {
        return hold(p, "no public endpoint");
    }
    let Some(ranges) = &c.authorized_ranges else {
        return Verdict::Absent;
    };
    let open = ranges.value.iter().any(|r| open_range(r));
    if !ranges.value.is_empty() && !open {
        return Verdict::Holds(
            ranges.pointer.clone(),
            format!("authorized ranges {}", ranges.shown),
        );
    }
    let public = c.public_endpoint.as_ref().is_some_and(|f| f.value)
        || c.private_endpoint.as_ref().is_some_and(|f| !f.value);
    if open || public {
        let what = if open {
            "admits every address"
        } else {
            "public, no authorized ranges"
        };
        Verdict::Fails(ranges.pointer.clone(), format!("{what} ({})", ranges.shown))
    } else {
        Verdict::Absent
    }
}

fn both(a: &Setting<bool>, b: &Setting<bool>) -> Verdict {
    match (flag(a, true), flag(b, true)) {
        (f @ Verdict::Fails(..), _) | (_, f @ Verdict::Fails(..)) => f,
        (Verdict::Holds(p, x), Verdict::Holds(_, y)) => Verdict::Holds(p, format!("{x}; {y}")),
        _ => Verdict::Absent,
    }
}

/// The verdict of `setting` on one resource.
pub fn verdict(setting: PlatformSetting, facts: &PlatformFacts, join: &Join) -> Verdict {
    use PlatformFacts as P;
    use PlatformSetting as S;
    match (setting, facts) {
        (S::ApiServerRestricted, P::Cluster(c)) => api_server(c),
        (S::DirectoryAuthentication, P::Cluster(c)) => flag(&c.directory_auth, true),
        (S::LocalAccountsDisabled, P::Cluster(c)) => flag(&c.local_accounts_disabled, true),
        (S::KubernetesRbac, P::Cluster(c)) => flag(&c.rbac, true),
        (S::AutomaticUpgrades, P::Cluster(c)) => both(&c.auto_upgrade, &c.node_os_auto_upgrade),
        (S::NetworkPolicyEngine, P::Cluster(c)) => flag(&c.network_policy, true),
        (S::ThreatDetection, P::Cluster(c)) => flag(&c.threat_detection, true),
        (S::ControlPlaneAuditLogs, P::Cluster(c)) => flag(&c.audit_logs, true),
        (S::ControlPlaneAuditLogs | S::RegistryResourceLogs, P::Diagnostics(d)) => {
            resource_logs(setting, d)
        }
        (S::RegistryResourceLogs, P::Registry(_)) => Verdict::Absent,
        (S::SecretsStoreDriver, P::Cluster(c)) => flag(&c.secrets_store, true),
        (S::SecretsKms, P::Cluster(c)) => flag(&c.secrets_kms, true),
        (S::PolicyAddon, P::Cluster(c)) => flag(&c.policy_addon, true),
        (S::TrustedLaunch, P::NodePool(p)) => both(&p.secure_boot, &p.vtpm),
        (S::NoNodePublicIp, P::NodePool(p)) => flag(&p.node_public_ip, false),
        (S::NodeSshDisabled, P::NodePool(p)) => flag(&p.ssh_local_keys, false),
        (S::EncryptionAtHost, P::NodePool(p)) => flag(&p.encryption_at_host, true),
        (S::PrivateNetwork, P::NodePool(p)) => match &p.private_network {
            Some(f) if f.value => Verdict::Holds(f.pointer.clone(), "own subnet".into()),
            _ => Verdict::Absent,
        },
        (S::PrivateNetwork, P::ContainerGroup(g)) => match (&g.public_ip, &g.private_network) {
            (Some(ip), _) => flag(&Some(ip.clone()), false),
            (None, Some(n)) if n.value => Verdict::Holds(n.pointer.clone(), "subnet".into()),
            _ => Verdict::Absent,
        },
        (S::ContainerLogs, P::ContainerGroup(g)) => flag(&g.log_analytics, true),
        (S::NoPlainSecretEnv, P::ContainerGroup(g)) => match &g.plain_secret_env {
            None => Verdict::Absent,
            Some(f) if f.value.is_empty() => Verdict::Holds(f.pointer.clone(), f.shown.to_string()),
            Some(f) => Verdict::Fails(f.pointer.clone(), f.shown.to_string()),
        },
        (S::RegistryCredentialsByIdentity, P::ContainerGroup(g)) => match &g.registry_password {
            None => Verdict::NotApplicable,
            some => flag(some, false),
        },
        (S::KubernetesPolicyCompliance, P::PolicyState(s)) if s.kubernetes => {
            flag(&s.compliant, true)
        }
        (S::RegistryAdminUserDisabled, P::Registry(r)) => flag(&r.admin_user, false),
        (S::RegistryAnonymousPullDisabled, P::Registry(r)) => flag(&r.anonymous_pull, false),
        (S::RegistryNetworkRestricted, P::Registry(r)) => {
            match (&r.public_network, &r.network_default_deny) {
                (Some(p), _) if !p.value => Verdict::Holds(p.pointer.clone(), p.shown.to_string()),
                (_, Some(d)) if d.value => Verdict::Holds(d.pointer.clone(), d.shown.to_string()),
                (_, Some(d)) => {
                    Verdict::Fails(d.pointer.clone(), format!("defaultAction {}", d.shown))
                }
                (Some(p), None) => Verdict::Fails(
                    p.pointer.clone(),
                    format!("publicNetworkAccess {}", p.shown),
                ),
                (None, None) => Verdict::Absent,
            }
        }
        (S::RegistryPullOnlyClusters, P::RoleAssignment(a)) => pull_only(a, join),
        (S::RegistryPushCiOnly, P::RoleAssignment(a)) => push_ci_only(a, join),
        _ => Verdict::NotApplicable,
    }
}

/// A cluster pull identity's assignment on a registry must grant pull only.
fn pull_only(a: &RoleAssignmentFacts, join: &Join) -> Verdict {
    if !join
        .pull_identities
        .contains(&a.principal_id.to_ascii_lowercase())
        || !join.covers_registry(&a.scope.value)
    {
        return Verdict::NotApplicable;
    }
    let at = a
        .role_name
        .as_ref()
        .map_or(&a.scope.pointer, |r| &r.pointer)
        .clone();
    match join.role(a) {
        None => Verdict::Absent,
        Some(role) => match registry_access(&role) {
            RegistryAccess::Pull => Verdict::Holds(at, format!("cluster identity holds {role}")),
            RegistryAccess::Push => {
                Verdict::Fails(at, format!("cluster identity holds {role}, which can push"))
            }
            RegistryAccess::None => Verdict::NotApplicable,
        },
    }
}

/// Whoever can push to a registry must be a non-human, non-cluster identity (CI).
fn push_ci_only(a: &RoleAssignmentFacts, join: &Join) -> Verdict {
    if !join.covers_registry(&a.scope.value) {
        return Verdict::NotApplicable;
    }
    let Some(role) = join.role(a) else {
        return Verdict::Absent;
    };
    if registry_access(&role) != RegistryAccess::Push {
        return Verdict::NotApplicable;
    }
    if join
        .pull_identities
        .contains(&a.principal_id.to_ascii_lowercase())
    {
        return Verdict::Fails(
            a.scope.pointer.clone(),
            format!("{role} held by a cluster pull identity"),
        );
    }
    match &a.principal_type {
        None => Verdict::Absent,
        Some(t)
            if matches!(
                t.value.to_ascii_lowercase().as_str(),
                "user" | "group" | "foreignuser" | "foreigngroup"
            ) =>
        {
            Verdict::Fails(t.pointer.clone(), format!("{role} held by a {}", t.value))
        }
        Some(t) => Verdict::Holds(t.pointer.clone(), format!("{role} held by a {}", t.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodePoolFacts, RegistryFacts};

    fn f<T>(v: T, p: &str) -> Setting<T> {
        Some(Fact::new(v, p, "x"))
    }

    #[test]
    fn api_server_restriction_from_each_provider_shape() {
        let aks_private = ClusterFacts {
            private_endpoint: f(true, "/p"),
            ..ClusterFacts::default()
        };
        assert!(matches!(api_server(&aks_private), Verdict::Holds(..)));
        let eks_open = ClusterFacts {
            public_endpoint: f(true, "/pub"),
            authorized_ranges: f(vec![Text::from("0.0.0.0/0")], "/cidrs"),
            ..ClusterFacts::default()
        };
        assert_eq!(
            api_server(&eks_open),
            Verdict::Fails("/cidrs".into(), "admits every address (x)".into())
        );
        let aks_open = ClusterFacts {
            private_endpoint: f(false, "/p"),
            authorized_ranges: f(vec![], "/profile"),
            ..ClusterFacts::default()
        };
        assert!(matches!(api_server(&aks_open), Verdict::Fails(..)));
        let restricted = ClusterFacts {
            authorized_ranges: f(vec![Text::from("198.51.100.0/26")], "/r"),
            ..ClusterFacts::default()
        };
        assert!(matches!(api_server(&restricted), Verdict::Holds(..)));
        assert_eq!(api_server(&ClusterFacts::default()), Verdict::Absent);
    }

    #[test]
    fn trusted_launch_needs_both_flags() {
        let pool = |s, v| {
            PlatformFacts::NodePool(NodePoolFacts {
                secure_boot: s,
                vtpm: v,
                ..NodePoolFacts::default()
            })
        };
        let j = Join::default();
        let t = PlatformSetting::TrustedLaunch;
        assert!(matches!(
            verdict(t, &pool(f(true, "/a"), f(true, "/b")), &j),
            Verdict::Holds(..)
        ));
        assert_eq!(
            verdict(t, &pool(f(true, "/a"), f(false, "/b")), &j),
            Verdict::Fails("/b".into(), "b: x".into())
        );
        assert_eq!(verdict(t, &pool(f(true, "/a"), None), &j), Verdict::Absent);
        let reg = PlatformFacts::Registry(RegistryFacts::default());
        assert_eq!(verdict(t, &reg, &j), Verdict::NotApplicable);
    }

    fn diag(resource: MonitoredResource, logs: &[(ResourceLog, bool, bool)]) -> PlatformFacts {
        use crate::model::{DiagnosticFacts, LogFlow};
        PlatformFacts::Diagnostics(DiagnosticFacts {
            resource_id: "/r".into(),
            resource,
            resource_name: "r".into(),
            settings: Fact::new(vec![Text::from("s")], "/0", "s"),
            logs: logs
                .iter()
                .enumerate()
                .map(|(i, (log, enabled, destination))| {
                    let flow = LogFlow {
                        log: *log,
                        enabled: *enabled,
                        destination: *destination,
                        setting: "s".into(),
                    };
                    Fact::new(flow, format!("/0/logs/{i}"), "x")
                })
                .collect(),
            destination: Fact::new(logs.iter().any(|l| l.2), "/0/workspaceId", "w"),
            unread: Vec::new(),
        })
    }

    #[test]
    fn resource_logs_need_every_category_enabled_and_sent_somewhere() {
        use MonitoredResource as M;
        use ResourceLog as L;
        let j = Join::default();
        let reg = PlatformSetting::RegistryResourceLogs;
        let both = diag(
            M::Registry,
            &[
                (L::RegistryLoginEvents, true, true),
                (L::RegistryRepositoryEvents, true, true),
            ],
        );
        assert!(matches!(verdict(reg, &both, &j), Verdict::Holds(p, _) if p == "/0/logs/0"));
        let group = diag(M::Registry, &[(L::Audit, true, true)]);
        assert!(matches!(verdict(reg, &group, &j), Verdict::Holds(..)));
        let disabled = diag(
            M::Registry,
            &[
                (L::RegistryLoginEvents, false, true),
                (L::RegistryRepositoryEvents, true, true),
            ],
        );
        assert_eq!(
            verdict(reg, &disabled, &j),
            Verdict::Fails(
                "/0/logs/0".into(),
                "ContainerRegistryLoginEvents not collected (disabled)".into()
            )
        );
        assert_eq!(
            missing_logs(reg, &disabled),
            Some(vec![L::RegistryLoginEvents])
        );
        let nowhere = diag(M::Registry, &[(L::AllLogs, true, false)]);
        assert!(
            matches!(verdict(reg, &nowhere, &j), Verdict::Fails(_, s) if s.ends_with("(no destination)"))
        );
        let unlisted = diag(M::Registry, &[(L::Guard, true, true)]);
        assert!(matches!(verdict(reg, &unlisted, &j), Verdict::Fails(p, _) if p == "/0"));
        // A cluster's settings are judged by the control-plane setting, not the registry's.
        let aks = diag(M::ManagedCluster, &[(L::KubeAuditAdmin, true, true)]);
        assert_eq!(verdict(reg, &aks, &j), Verdict::NotApplicable);
        let cp = PlatformSetting::ControlPlaneAuditLogs;
        assert!(
            matches!(verdict(cp, &aks, &j), Verdict::Holds(_, s) if s.contains("guard not collected"))
        );
        let no_audit = diag(M::ManagedCluster, &[(L::Guard, true, true)]);
        assert!(matches!(verdict(cp, &no_audit, &j), Verdict::Fails(..)));
        let registry = PlatformFacts::Registry(RegistryFacts::default());
        assert_eq!(verdict(reg, &registry, &j), Verdict::Absent);
        let PlatformFacts::Diagnostics(mut d) = unlisted else {
            unreachable!()
        };
        d.unread.push("/0/logs/3".into());
        let unreadable = PlatformFacts::Diagnostics(d);
        assert_eq!(verdict(reg, &unreadable, &j), Verdict::Absent);
    }

    #[test]
    fn registry_roles_join_clusters_registries_and_definitions() {
        let mut j = Join::default();
        j.pull_identities.insert("kubelet".into());
        j.registries.push("/subscriptions/s/resourcegroups/rg/providers/microsoft.containerregistry/registries/acr".into());
        let defined = DefinedRole {
            name: "AcrPush".into(),
            read_at: Provenance::default(),
        };
        j.roles.insert("guid-push".into(), defined);
        let a = |who: &str, kind: &str, role: Option<&str>, def: &str, scope: &str| {
            RoleAssignmentFacts {
                principal_id: who.into(),
                principal_type: Some(Fact::new(Text::from(kind), "/t", kind)),
                role_definition_id: def.into(),
                role_definition_at: "/d".into(),
                role_name: role.map(|r| Fact::new(Text::from(r), "/r", r)),
                scope: Fact::new(Text::from(scope), "/s", scope),
            }
        };
        let sub = "/subscriptions/s";
        let pull = PlatformSetting::RegistryPullOnlyClusters;
        let kubelet_pull = a("kubelet", "ServicePrincipal", Some("AcrPull"), "", sub);
        assert!(matches!(pull_only(&kubelet_pull, &j), Verdict::Holds(..)));
        let kubelet_push = a(
            "kubelet",
            "ServicePrincipal",
            None,
            "/x/roleDefinitions/GUID-PUSH",
            sub,
        );
        assert!(matches!(
            verdict(
                pull,
                &PlatformFacts::RoleAssignment(kubelet_push.clone()),
                &j
            ),
            Verdict::Fails(..)
        ));
        let push = PlatformSetting::RegistryPushCiOnly;
        let facts = PlatformFacts::RoleAssignment(kubelet_push);
        assert!(matches!(verdict(push, &facts, &j), Verdict::Fails(..)));
        let ci = a("ci", "ServicePrincipal", Some("AcrPush"), "", sub);
        assert!(matches!(push_ci_only(&ci, &j), Verdict::Holds(..)));
        let person = a("ann", "User", Some("Owner"), "", sub);
        assert!(matches!(push_ci_only(&person, &j), Verdict::Fails(..)));
        let unresolved = a("bob", "User", None, "/x/roleDefinitions/unknown", sub);
        assert_eq!(push_ci_only(&unresolved, &j), Verdict::Absent);
        let elsewhere = a("ann", "User", Some("Owner"), "", "/subscriptions/other");
        assert_eq!(push_ci_only(&elsewhere, &j), Verdict::NotApplicable);
        let reader = a("ann", "User", Some("Reader"), "", sub);
        assert_eq!(push_ci_only(&reader, &j), Verdict::NotApplicable);
    }
}
