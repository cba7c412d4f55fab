//! Azure Kubernetes Service managed clusters: `az aks show` / `az aks list` (flattened,
//! `enableRbac`, `null` for unset settings) and the ARM REST GET or list (`properties`,
//! `enableRBAC`, `{"value": [...]}`), any API version — old ones lack whole sections
//! (`aadProfile`, `apiServerAccessProfile`, `securityProfile`), which then stay *not
//! evidenced*. `az aks nodepool list` agent pools are read too.
//!
//! Each cluster becomes a `platform` record (`managed-cluster`) with [`ClusterFacts`],
//! and each agent pool a `node-pool` record with [`NodePoolFacts`]; every fact keeps
//! its JSON pointer. Nothing else of the document is kept: service-principal secrets,
//! Windows admin passwords and SSH keys never leave the parser. The export carries no
//! observation time, so records are dated from the file path (or undated).

use super::arm::{self, Resource};
use super::tree::{Bad, Node};
use super::{Doc, FileCtx, Ingestor, Origin, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, ClusterFacts, Fact, Format, FormatInfo, NodePoolFacts, PlatformFacts, Subject, Text,
};

/// The AKS ingestor.
pub struct Aks;

const CLUSTER: &str = "Microsoft.ContainerService/managedClusters";
const POOL: &str = "Microsoft.ContainerService/managedClusters/agentPools";

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "aks",
    name: "Azure Kubernetes Service managed cluster (az aks show/list, ARM GET)",
    tested: "ARM 2019-04-01 list (no aadProfile/apiServerAccessProfile/securityProfile), ARM GET of an AKS 1.24 cluster (2022-era fields), az aks show flattened form; az aks nodepool list",
    detection: "type Microsoft.ContainerService/managedClusters (or …/agentPools): one resource, {value:[…]}, {data:[…]} or an array",
    signature: &["agentPoolProfiles", "kubernetesVersion", "dnsPrefix"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Aks {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(|r| arm::is_type(r, &[CLUSTER, POOL]))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("Azure Resource Manager");
        for res in arm::resources(doc, ctx) {
            let node = res.node();
            if arm::value_is_type(&node, &[POOL]) {
                let cluster = node
                    .str("id")
                    .and_then(|id| arm::name_in_id(id, "managedClusters"));
                let settings = arm::settings(&node);
                pool(doc, ctx, &origin, &res, cluster, &settings);
            } else if arm::value_is_type(&node, &[CLUSTER]) {
                cluster(doc, ctx, &origin, &res);
            } else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: not a managed cluster or agent pool",
                );
            }
        }
    }
}

fn cluster(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, origin: &Origin, res: &Resource<'_>) {
    let node = res.node();
    let p = arm::settings(&node);
    let name = node.str("name").unwrap_or("(unnamed)").to_string();
    let mut bad = Bad::default();
    let facts = cluster_facts(&node, &p, &mut bad);
    let version = facts.version.as_ref().map(|v| v.shown.to_string());
    let mut d = origin
        .platform(PlatformFacts::Cluster(facts))
        .title(&format!(
            "AKS cluster {name}{}",
            version
                .map(|v| format!(" (Kubernetes {v})"))
                .unwrap_or_default()
        ));
    d.subject = Subject {
        cluster: Some(Text::from(name.as_str())),
        target: node.str("id").map(Text::from),
        ..Subject::default()
    }
    .into();
    let d = d
        .attr("provider", "aks")
        .attr("location", node.str("location").unwrap_or_default())
        .attr(
            "resource_group",
            node.str("id")
                .and_then(arm::resource_group)
                .unwrap_or_default(),
        );
    ctx.emit(d, &arm::place(doc, res.slice, &res.pointer));
    for pool_node in p
        .get("agentPoolProfiles")
        .map(|n| n.items())
        .unwrap_or_default()
    {
        pool(doc, ctx, origin, res, Some(name.as_str()), &pool_node);
    }
    arm::report_bad(ctx, doc, res.slice, bad, &format!("AKS cluster {name}"));
}

/// The cluster-level facts (`node`: the resource; `p`: its settings).
fn cluster_facts(node: &Node<'_>, p: &Node<'_>, bad: &mut Bad) -> ClusterFacts {
    let api = p.get("apiServerAccessProfile").filter(Node::is_object);
    // Inside a present access profile, no authorized range list means none is configured
    // (the API server then accepts every source); without the profile nothing is known.
    let authorized_ranges = api.as_ref().and_then(|a| {
        a.strings("authorizedIPRanges", bad).or_else(|| {
            Some(a.fact(Vec::new())).map(|f| Fact {
                shown: "no authorizedIpRanges".into(),
                ..f
            })
        })
    });
    let addon = |name: &str, bad: &mut Bad| p.flag_at(&["addonProfiles", name, "enabled"], bad);
    let aad = p.get("aadProfile").filter(Node::is_object);
    let directory_auth = aad.as_ref().and_then(|a| {
        a.flag("managed", bad).filter(|f| f.value).or_else(|| {
            // A present profile without `managed: true` is the legacy Entra ID integration.
            Some(Fact::new(
                true,
                a.pointer.as_str(),
                "aadProfile (legacy integration)",
            ))
        })
    });
    ClusterFacts {
        private_endpoint: api
            .as_ref()
            .and_then(|a| a.flag("enablePrivateCluster", bad)),
        public_endpoint: p.choice("publicNetworkAccess", bad, |v| match v {
            "enabled" => Some(true),
            "disabled" | "securedbyperimeter" => Some(false),
            _ => None,
        }),
        authorized_ranges,
        directory_auth,
        local_accounts_disabled: p.flag("disableLocalAccounts", bad),
        rbac: p.flag("enableRBAC", bad),
        auto_upgrade: p.at(&["autoUpgradeProfile"]).and_then(|a| {
            a.choice("upgradeChannel", bad, |v| match v {
                "rapid" | "stable" | "patch" => Some(true),
                "none" | "node-image" => Some(false),
                _ => None,
            })
        }),
        node_os_auto_upgrade: p.at(&["autoUpgradeProfile"]).and_then(|a| {
            a.choice("nodeOSUpgradeChannel", bad, |v| match v {
                "nodeimage" | "securitypatch" | "unmanaged" => Some(true),
                "none" => Some(false),
                _ => None,
            })
        }),
        version: p
            .get("currentKubernetesVersion")
            .or_else(|| p.get("kubernetesVersion"))
            .and_then(|n| n.text().map(|t| n.fact(Text::from(t)))),
        threat_detection: p.flag_at(
            &[
                "securityProfile",
                "defender",
                "securityMonitoring",
                "enabled",
            ],
            bad,
        ),
        audit_logs: None,
        secrets_kms: p.flag_at(&["securityProfile", "azureKeyVaultKms", "enabled"], bad),
        secrets_store: addon("azureKeyvaultSecretsProvider", bad),
        policy_addon: addon("azurepolicy", bad),
        network_policy: p.at(&["networkProfile"]).and_then(|n| {
            n.choice("networkPolicy", bad, |v| match v {
                "azure" | "calico" | "cilium" => Some(true),
                "none" => Some(false),
                _ => None,
            })
        }),
        pull_identity: p
            .at(&["identityProfile", "kubeletidentity"])
            .and_then(|k| k.str("objectId"))
            .or_else(|| {
                node.at(&["identityProfile", "kubeletidentity"])?
                    .str("objectId")
            })
            .map(Text::from),
    }
}

/// One agent pool (a member of `agentPoolProfiles`, or an `az aks nodepool` resource's settings).
fn pool(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    origin: &Origin,
    res: &Resource<'_>,
    cluster: Option<&str>,
    p: &Node<'_>,
) {
    let name = p
        .str("name")
        .or_else(|| res.node().str("name"))
        .unwrap_or("(unnamed)")
        .to_string();
    let mut bad = Bad::default();
    let sec = p.get("securityProfile");
    let facts = NodePoolFacts {
        secure_boot: sec
            .as_ref()
            .and_then(|s| s.flag("enableSecureBoot", &mut bad)),
        vtpm: sec.as_ref().and_then(|s| s.flag("enableVTPM", &mut bad)),
        node_public_ip: p.flag("enableNodePublicIP", &mut bad),
        ssh_local_keys: sec.as_ref().and_then(|s| {
            s.choice("sshAccess", &mut bad, |v| match v {
                "localuser" => Some(true),
                "disabled" | "entraid" => Some(false),
                _ => None,
            })
        }),
        encryption_at_host: p.flag("enableEncryptionAtHost", &mut bad),
        private_network: p
            .get("vnetSubnetID")
            .and_then(|n| n.text().map(|_| n.fact(true))),
        version: p
            .get("nodeImageVersion")
            .or_else(|| p.get("orchestratorVersion"))
            .and_then(|n| n.text().map(|t| n.fact(Text::from(t)))),
    };
    let mut d = origin
        .platform(PlatformFacts::NodePool(facts))
        .title(&format!(
            "AKS node pool {name}{}",
            cluster.map(|c| format!(" of {c}")).unwrap_or_default()
        ));
    d.subject = Subject {
        cluster: cluster.map(Text::from),
        kind: Some(Text::from("NodePool")),
        name: Some(Text::from(name.as_str())),
        ..Subject::default()
    }
    .into();
    ctx.emit(
        d.attr("provider", "aks"),
        &arm::place(doc, res.slice, &p.pointer),
    );
    arm::report_bad(ctx, doc, res.slice, bad, &format!("AKS node pool {name}"));
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{PlatformFacts, Record, RecordKind};

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes(
            "2026-11-20/aks.json",
            text.as_bytes(),
            &IngestOptions::default(),
        )
    }

    fn cluster(r: &Record) -> &crate::model::ClusterFacts {
        match r.platform() {
            Some(PlatformFacts::Cluster(c)) => c,
            other => panic!("not a cluster: {other:?}"),
        }
    }

    #[test]
    fn arm_rest_form_with_upper_case_acronyms() {
        let text = r#"{"id":"/subscriptions/s/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/c1","name":"c1","type":"Microsoft.ContainerService/ManagedClusters",
"properties":{"kubernetesVersion":"1.29.2","enableRBAC":true,"disableLocalAccounts":true,"aadProfile":{"managed":true,"enableAzureRBAC":true},
"apiServerAccessProfile":{"authorizedIPRanges":["198.51.100.0/26"],"enablePrivateCluster":false},
"autoUpgradeProfile":{"upgradeChannel":"stable","nodeOSUpgradeChannel":"NodeImage"},
"agentPoolProfiles":[{"name":"sys","enableNodePublicIP":false,"enableEncryptionAtHost":true,"securityProfile":{"enableSecureBoot":true,"enableVTPM":true,"sshAccess":"Disabled"}}],
"servicePrincipalProfile":{"clientId":"msi","secret":"CANARY-SP-SECRET"}}}"#;
        let (s, recs) = run(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        assert!(recs
            .iter()
            .all(|r| r.kind == RecordKind::Platform && r.dated_from_path));
        let c = cluster(&recs[0]);
        assert_eq!(c.rbac.as_ref().unwrap().pointer, "/properties/enableRBAC");
        assert!(c.local_accounts_disabled.as_ref().unwrap().value);
        assert_eq!(
            c.authorized_ranges.as_ref().unwrap().pointer,
            "/properties/apiServerAccessProfile/authorizedIPRanges"
        );
        assert!(c.auto_upgrade.as_ref().unwrap().value);
        assert!(c.node_os_auto_upgrade.as_ref().unwrap().value);
        assert_eq!(recs[0].subject.cluster.as_deref(), Some("c1"));
        let Some(PlatformFacts::NodePool(p)) = recs[1].platform() else {
            panic!()
        };
        assert_eq!(
            p.vtpm.as_ref().unwrap().pointer,
            "/properties/agentPoolProfiles/0/securityProfile/enableVTPM"
        );
        assert!(!p.ssh_local_keys.as_ref().unwrap().value);
        assert_eq!(recs[1].subject.label(), "c1/NodePool/sys");
        let json = serde_json::to_string(&recs).unwrap();
        assert!(!json.contains("CANARY-SP-SECRET"));
    }

    #[test]
    fn cli_form_bare_array_with_nulls_is_not_evidenced() {
        let text = r#"[{"id":"/subscriptions/s/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/c2","name":"c2","type":"Microsoft.ContainerService/ManagedClusters",
"enableRbac":false,"apiServerAccessProfile":null,"aadProfile":null,"disableLocalAccounts":null,"securityProfile":{"defender":null},
"agentPoolProfiles":[{"name":"np","enableNodePublicIp":true,"securityProfile":null}]}]"#;
        let (s, recs) = run(text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let c = cluster(&recs[0]);
        assert!(!c.rbac.as_ref().unwrap().value);
        assert_eq!(c.rbac.as_ref().unwrap().pointer, "/0/enableRbac");
        assert!(c.private_endpoint.is_none() && c.authorized_ranges.is_none());
        assert!(c.directory_auth.is_none() && c.local_accounts_disabled.is_none());
        assert!(c.threat_detection.is_none());
        let Some(PlatformFacts::NodePool(p)) = recs[1].platform() else {
            panic!()
        };
        assert!(p.node_public_ip.as_ref().unwrap().value);
        assert!(p.secure_boot.is_none());
    }

    #[test]
    fn a_wrongly_typed_setting_is_one_diagnostic_and_not_evidenced() {
        let text = r#"{"value":[{"name":"c3","type":"Microsoft.ContainerService/managedClusters","properties":{"enableRBAC":"sometimes","disableLocalAccounts":7}},{"name":"x","type":"Other/thing"}]}"#;
        let (s, recs) = run(text);
        assert_eq!(recs.len(), 1);
        assert!(cluster(&recs[0]).rbac.is_none());
        assert_eq!(s.diagnostics.len(), 2, "{:?}", s.diagnostics);
        assert!(s
            .diagnostics
            .iter()
            .any(|d| d.message.contains("/value/0/properties/enableRBAC")
                && d.message.contains("2 field(s)")));
    }
}
