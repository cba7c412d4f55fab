//! Platform facts: what a cloud or Kubernetes configuration export says about a
//! resource (managed cluster, node pool, registry, container group, role assignment,
//! policy state), one typed [`Setting`] per question a control asks.
//!
//! A setting is `None` when the export does not carry it (an old API version, a
//! section the CLI printed as `null`): *not evidenced*, never "false". When it is
//! present it keeps the JSON pointer it was read from and the value as written, so
//! that every evidence row can cite the exact place. Parsers map each provider's
//! fields (AKS, EKS, GKE, ACR, ACI, Azure RBAC, Azure Policy) onto these types;
//! evaluators read only these types, never a format. [`PlatformSetting`] is the closed
//! vocabulary the catalog names (`setting = "trusted-launch"`).

use super::vocab::vocabulary;
use super::Text;
use serde::{Deserialize, Serialize};

/// One setting read from an export: its value, where it was read, and how the export
/// wrote it (for display; never a secret value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fact<T> {
    /// The value, in muster's terms (`true` = the setting is on).
    pub value: T,
    /// JSON pointer of the field inside the input file.
    pub pointer: Text,
    /// The value as the export wrote it (`"none"`, `["10.0.0.0/8"]`, `Disabled`).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub shown: Text,
}

impl<T> Fact<T> {
    /// A fact read at `pointer`, written there as `shown`.
    pub fn new(value: T, pointer: impl Into<Text>, shown: impl Into<Text>) -> Fact<T> {
        Fact {
            value,
            pointer: pointer.into(),
            shown: shown.into(),
        }
    }
}

/// A setting: `None` means the export does not evidence it.
pub type Setting<T> = Option<Fact<T>>;

/// A managed Kubernetes cluster (AKS managed cluster, EKS cluster, GKE cluster).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClusterFacts {
    /// The API server is reachable only on a private address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_endpoint: Setting<bool>,
    /// The API server has a public endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_endpoint: Setting<bool>,
    /// Source ranges allowed to reach the public endpoint (empty: none configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_ranges: Setting<Vec<Text>>,
    /// API users authenticate through the cloud directory (Entra ID, IAM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_auth: Setting<bool>,
    /// Local (static, shared) cluster accounts are disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_accounts_disabled: Setting<bool>,
    /// Kubernetes RBAC authorizes requests (and no legacy ABAC authorizer runs beside it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rbac: Setting<bool>,
    /// The control plane upgrades automatically (an upgrade or release channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_upgrade: Setting<bool>,
    /// Node operating systems are patched automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_os_auto_upgrade: Setting<bool>,
    /// The Kubernetes version (display only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Setting<Text>,
    /// A runtime threat-detection profile runs on the cluster (Defender for Containers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_detection: Setting<bool>,
    /// Control-plane audit logs are collected by the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_logs: Setting<bool>,
    /// Kubernetes secrets are envelope-encrypted with a key management service key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets_kms: Setting<bool>,
    /// A secrets-store driver (Key Vault, Secret Manager) is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets_store: Setting<bool>,
    /// The provider's admission-policy add-on (Azure Policy) is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_addon: Setting<bool>,
    /// A network plugin that enforces NetworkPolicy is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_policy: Setting<bool>,
    /// The object id of the identity the nodes pull images with (AKS kubelet identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_identity: Option<Text>,
}

/// A node pool of a managed cluster (AKS agent pool, GKE node pool).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NodePoolFacts {
    /// Secure boot is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_boot: Setting<bool>,
    /// A virtual TPM is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vtpm: Setting<bool>,
    /// Nodes get public IP addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_public_ip: Setting<bool>,
    /// SSH with local keys is possible on the nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_local_keys: Setting<bool>,
    /// Encryption at host (temporary disks and caches included) is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_at_host: Setting<bool>,
    /// Nodes are placed in a subnet the organisation chose (a private network).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_network: Setting<bool>,
    /// The node image or Kubernetes version of the pool (display only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Setting<Text>,
}

/// A container registry (ACR).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegistryFacts {
    /// The resource id (role assignments scoped to it or above apply to it).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub resource_id: Text,
    /// The shared admin user is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_user: Setting<bool>,
    /// Anonymous (unauthenticated) pull is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_pull: Setting<bool>,
    /// The registry accepts traffic from public networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network: Setting<bool>,
    /// Network rules deny by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_default_deny: Setting<bool>,
}

/// A container group (Azure Container Instances): a workload like a pod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContainerGroupFacts {
    /// The group has a public IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Setting<bool>,
    /// The group runs in a virtual-network subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_network: Setting<bool>,
    /// Images are pulled with a registry user name and password (not a managed identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_password: Setting<bool>,
    /// Names of secret-looking environment variables passed as a plain `value`
    /// (their values are never kept; empty: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain_secret_env: Setting<Vec<Text>>,
    /// Container logs go to a Log Analytics workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_analytics: Setting<bool>,
    /// Data is encrypted with a customer-managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_key: Setting<bool>,
}

/// A role assignment (Azure RBAC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleAssignmentFacts {
    /// Object id of the principal.
    pub principal_id: Text,
    /// `User`, `Group`, `ServicePrincipal`, … (when the export says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_type: Option<Fact<Text>>,
    /// The role definition id.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub role_definition_id: Text,
    /// JSON pointer of the role definition id inside the input file (empty when the
    /// export has none): the field an assignment naming its role only by id is
    /// resolved from.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub role_definition_at: Text,
    /// The role name, when the export carries it (`az role assignment list`); REST
    /// output needs a role-definition export to resolve it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<Fact<Text>>,
    /// The scope (a resource id or a prefix of resource ids).
    pub scope: Fact<Text>,
}

/// A role definition (joins role assignments to role names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleDefinitionFacts {
    /// The definition id.
    pub id: Text,
    /// The role name (`AcrPull`).
    pub role_name: Fact<Text>,
}

/// The compliance state of one policy on one resource (Azure Policy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PolicyStateFacts {
    /// Compliant (`None`: exempt, unknown or not evaluated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliant: Setting<bool>,
    /// The policy governs Kubernetes workloads or clusters (category Kubernetes, or a
    /// managed-cluster resource).
    pub kubernetes: bool,
    /// The resource id the state is about.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub resource_id: Text,
}

vocabulary! {
    /// A resource-log category, or category group, of Azure Monitor diagnostic settings
    /// that a control asks about (as Azure spells it; read case-insensitively).
    pub enum ResourceLog {
        /// ACR: authentication to the registry.
        RegistryLoginEvents = "ContainerRegistryLoginEvents",
        /// ACR: push, pull and delete of repositories and artifacts.
        RegistryRepositoryEvents = "ContainerRegistryRepositoryEvents",
        /// AKS: every API-server audit event.
        KubeAudit = "kube-audit",
        /// AKS: API-server audit events without get and list.
        KubeAuditAdmin = "kube-audit-admin",
        /// AKS: Entra ID and Azure RBAC authentication and authorization decisions.
        Guard = "guard",
        /// Category group: every log category of the resource.
        AllLogs = "allLogs",
        /// Category group: the resource's audit categories.
        Audit = "audit",
    }
}

impl ResourceLog {
    /// The category or group written as `name` (ASCII case-insensitive).
    pub fn parse(name: &str) -> Option<ResourceLog> {
        ResourceLog::VARIANTS
            .iter()
            .copied()
            .find(|v| v.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether collecting `self` collects category `wanted`: a category itself, or a
    /// group that contains it (`allLogs` every category; `audit` the audit categories
    /// of registries and clusters).
    pub fn covers(self, wanted: ResourceLog) -> bool {
        use ResourceLog as L;
        match self {
            L::AllLogs => true,
            L::Audit => matches!(
                wanted,
                L::RegistryLoginEvents
                    | L::RegistryRepositoryEvents
                    | L::KubeAudit
                    | L::KubeAuditAdmin
                    | L::Guard
            ),
            category => category == wanted,
        }
    }
}

vocabulary! {
    /// The kind of resource a diagnostic setting belongs to (read from its resource id).
    pub enum MonitoredResource {
        /// A container registry (`Microsoft.ContainerRegistry/registries`).
        Registry = "registry",
        /// A managed cluster (`Microsoft.ContainerService/managedClusters`).
        ManagedCluster = "managed-cluster",
        /// A container group (`Microsoft.ContainerInstance/containerGroups`).
        ContainerGroup = "container-group",
        /// Any other resource.
        Other = "other",
    }
}

/// One log category or category group a diagnostic setting lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LogFlow {
    /// The category or group.
    pub log: ResourceLog,
    /// `enabled` as the setting says.
    pub enabled: bool,
    /// The setting sends its logs somewhere (a workspace, storage account, event hub or
    /// partner solution).
    pub destination: bool,
    /// The name of the setting it belongs to.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub setting: Text,
}

impl LogFlow {
    /// Whether this entry collects category `wanted`: enabled, sent somewhere, and
    /// that category or a group containing it.
    pub fn collects(&self, wanted: ResourceLog) -> bool {
        self.enabled && self.destination && self.log.covers(wanted)
    }
}

/// The Azure Monitor diagnostic settings of one resource (`az monitor
/// diagnostic-settings list --resource <id>`): which log categories are collected, and
/// where to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DiagnosticFacts {
    /// The resource id the settings belong to.
    pub resource_id: Text,
    /// The kind of that resource.
    pub resource: MonitoredResource,
    /// Its name (the last segment of its id).
    pub resource_name: Text,
    /// The names of its settings, at the first setting's place.
    pub settings: Fact<Vec<Text>>,
    /// Every listed category or group muster knows, at its entry in `logs[]` (entries of
    /// other categories are not kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<Fact<LogFlow>>,
    /// Some setting has a destination (at the first destination field; `false` at the
    /// first setting when none has one).
    pub destination: Fact<bool>,
    /// Places of `logs` fields or entries of the wrong type: what they say is not
    /// evidenced, so a category missing from `logs` may be one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Text>,
}

/// The facts of one platform resource. A record holds them behind `Shared`
/// (`Facts::Platform`), so the cluster variant's size does not grow records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)]
pub enum PlatformFacts {
    /// A managed cluster.
    Cluster(ClusterFacts),
    /// A node pool.
    NodePool(NodePoolFacts),
    /// A container registry.
    Registry(RegistryFacts),
    /// A container group.
    ContainerGroup(ContainerGroupFacts),
    /// A role assignment.
    RoleAssignment(RoleAssignmentFacts),
    /// A role definition.
    RoleDefinition(RoleDefinitionFacts),
    /// A policy compliance state.
    PolicyState(PolicyStateFacts),
    /// The diagnostic settings of a resource.
    Diagnostics(DiagnosticFacts),
}

impl PlatformFacts {
    /// The check id of a platform record of these facts (its resource type).
    pub fn resource_type(&self) -> &'static str {
        match self {
            PlatformFacts::Cluster(_) => "managed-cluster",
            PlatformFacts::NodePool(_) => "node-pool",
            PlatformFacts::Registry(_) => "registry",
            PlatformFacts::ContainerGroup(_) => "container-group",
            PlatformFacts::RoleAssignment(_) => "role-assignment",
            PlatformFacts::RoleDefinition(_) => "role-definition",
            PlatformFacts::PolicyState(_) => "policy-state",
            PlatformFacts::Diagnostics(_) => "diagnostic-settings",
        }
    }
}

vocabulary! {
    /// A platform setting a catalog check judges (`rule = "platform"`, `setting = …`).
    /// The export fields behind each are described, in every language, as
    /// `platform.reads.<setting>` in i18n/en.toml, i18n/es.toml and i18n/fr.toml.
    pub enum PlatformSetting {
        /// NET-02: the API server is private, or its public endpoint admits only listed ranges.
        ApiServerRestricted = "api-server-private-or-restricted",
        /// K8S-01: API users authenticate through the directory.
        DirectoryAuthentication = "directory-authentication",
        /// K8S-01: local cluster accounts are disabled.
        LocalAccountsDisabled = "local-accounts-disabled",
        /// K8S-02: Kubernetes RBAC is on and no legacy ABAC authorizer runs.
        KubernetesRbac = "kubernetes-rbac",
        /// NODE-01: control plane and node OS upgrade automatically.
        AutomaticUpgrades = "automatic-upgrades",
        /// NODE-02: secure boot and vTPM on every node pool.
        TrustedLaunch = "trusted-launch",
        /// NODE-03: no node has a public IP address.
        NoNodePublicIp = "no-node-public-ip",
        /// NODE-03: SSH with local keys is disabled on the nodes.
        NodeSshDisabled = "node-ssh-disabled",
        /// NODE-04: encryption at host on every node pool.
        EncryptionAtHost = "encryption-at-host",
        /// NET-03: node pools and container groups sit in private networks, container groups without public IPs.
        PrivateNetwork = "private-network",
        /// NET-01: a network plugin enforces NetworkPolicy.
        NetworkPolicyEngine = "network-policy-engine",
        /// MON-01: a runtime threat-detection profile is enabled.
        ThreatDetection = "runtime-threat-detection",
        /// MON-03: the provider collects control-plane audit logs.
        ControlPlaneAuditLogs = "control-plane-audit-logs",
        /// MON-03: container groups send their logs to Log Analytics.
        ContainerLogs = "container-logs-collected",
        /// SEC-01: a secrets-store driver is enabled.
        SecretsStoreDriver = "secrets-store-driver",
        /// SEC-03: secrets are envelope-encrypted with a KMS key.
        SecretsKms = "secrets-encrypted-with-kms",
        /// SEC-04: no secret-looking variable is passed to a container group as a plain value.
        NoPlainSecretEnv = "no-plain-secret-env",
        /// K8S-04: the admission-policy add-on is enabled.
        PolicyAddon = "admission-policy-addon",
        /// K8S-04: Kubernetes policies of Azure Policy report the resources compliant.
        KubernetesPolicyCompliance = "kubernetes-policy-compliance",
        /// REG-02: the registry's shared admin user is disabled.
        RegistryAdminUserDisabled = "registry-admin-user-disabled",
        /// REG-01, REG-02: anonymous pull is disabled.
        RegistryAnonymousPullDisabled = "registry-anonymous-pull-disabled",
        /// REG-01: the registry is closed to public networks by default.
        RegistryNetworkRestricted = "registry-network-restricted",
        /// REG-02: container groups pull with a managed identity, not a password.
        RegistryCredentialsByIdentity = "registry-credentials-by-identity",
        /// REG-02: cluster pull identities hold only AcrPull on registries.
        RegistryPullOnlyClusters = "registry-pull-only-clusters",
        /// REG-02: only non-human (CI) identities can push to registries.
        RegistryPushCiOnly = "registry-push-ci-only",
        /// MON-03: registries send their login and repository events to a destination.
        RegistryResourceLogs = "registry-resource-logs",
    }
}

impl PlatformSetting {
    /// The resource types (platform record check ids) the setting is judged on.
    pub fn resources(self) -> &'static str {
        use PlatformSetting as S;
        match self {
            S::TrustedLaunch | S::NoNodePublicIp | S::NodeSshDisabled | S::EncryptionAtHost => {
                "node-pool"
            }
            S::PrivateNetwork => "node-pool, container-group",
            S::ContainerLogs | S::NoPlainSecretEnv | S::RegistryCredentialsByIdentity => {
                "container-group"
            }
            S::KubernetesPolicyCompliance => "policy-state",
            S::RegistryAdminUserDisabled
            | S::RegistryAnonymousPullDisabled
            | S::RegistryNetworkRestricted => "registry",
            S::RegistryPullOnlyClusters | S::RegistryPushCiOnly => {
                "role-assignment (with managed-cluster, registry, role-definition)"
            }
            S::RegistryResourceLogs => "diagnostic-settings (with registry)",
            S::ControlPlaneAuditLogs => "managed-cluster, diagnostic-settings",
            _ => "managed-cluster",
        }
    }
}

/// What a role lets its holder do with a container registry's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryAccess {
    /// Pull only.
    Pull,
    /// Push, delete, sign, or administer (which yields push: admin credentials, role grants).
    Push,
    /// No registry data access.
    None,
}

/// The registry access of an Azure built-in role, by name (case-insensitive).
pub fn registry_access(role: &str) -> RegistryAccess {
    const PULL: &[&str] = &[
        "AcrPull",
        "AcrQuarantineReader",
        "Container Registry Repository Reader",
    ];
    const PUSH: &[&str] = &[
        "AcrPush",
        "AcrDelete",
        "AcrImageSigner",
        "AcrQuarantineWriter",
        "Owner",
        "Contributor",
        "User Access Administrator",
        "Container Registry Repository Writer",
        "Container Registry Repository Contributor",
        "Container Registry Contributor and Data Access Configuration Administrator",
    ];
    let is = |list: &[&str]| list.iter().any(|r| r.eq_ignore_ascii_case(role.trim()));
    if is(PUSH) {
        RegistryAccess::Push
    } else if is(PULL) {
        RegistryAccess::Pull
    } else {
        RegistryAccess::None
    }
}

/// Whether an environment variable's name says it holds a secret (`DB_PASSWORD`,
/// `API_TOKEN`, `STORAGE_CONNECTION_STRING`): the one rule for pods and container groups.
pub fn secret_looking_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    // Anywhere in the name.
    const INSIDE: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "API_KEY",
        "ACCESS_KEY",
        "ACCOUNT_KEY",
        "PRIVATE_KEY",
        "CLIENT_KEY",
        "CONNECTION_STRING",
        "CONNECTIONSTRING",
        "CREDENTIAL",
    ];
    // As a whole word (`DB_PWD`, `STORAGE_SAS`).
    const WORDS: &[&str] = &["PWD", "SAS", "PASS"];
    INSIDE.iter().any(|w| upper.contains(w))
        || upper
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| WORDS.contains(&part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_names() {
        for n in [
            "DB_PASSWORD",
            "API_TOKEN",
            "STORAGE_CONNECTION_STRING",
            "client-secret",
            "AWS_SECRET_ACCESS_KEY",
            "ApiKey",
            "SAS",
        ] {
            assert!(secret_looking_name(n), "{n}");
        }
        for n in ["LOG_LEVEL", "PORT", "KEYCLOAK_REALM", "PASSAGE_COUNT"] {
            assert!(!secret_looking_name(n), "{n}");
        }
    }

    #[test]
    fn settings_have_names() {
        for s in PlatformSetting::VARIANTS {
            assert_eq!(PlatformSetting::from_name(s.as_str()), Some(*s));
        }
    }
}
