//! Google Kubernetes Engine clusters: `gcloud container clusters describe --format json`
//! and `… list --format json` (camelCase, the REST `Cluster` resource), one object or
//! an array.
//!
//! gcloud prints the API's JSON, which leaves out fields at their default (a `false`
//! flag, an empty list): such settings stay *not evidenced* here rather than being
//! read as false. Each cluster becomes a `managed-cluster` record with
//! [`ClusterFacts`] (master authorized networks, private endpoint, legacy ABAC, client
//! certificates, release channel, secrets encryption, network policy), and each node
//! pool a `node-pool` record (shielded secure boot, the cluster's shielded nodes as the
//! vTPM, private nodes, pool auto-upgrade). The CA certificate is never read.

use super::arm;
use super::tree::{Bad, Node};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, ClusterFacts, Fact, Format, FormatInfo, NodePoolFacts, PlatformFacts, Subject, Text,
};

/// The GKE ingestor.
pub struct Gke;

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "gke",
    name: "Google Kubernetes Engine cluster (gcloud container clusters describe --format json)",
    tested: "container.googleapis.com v1 Cluster of GKE 1.25 (2023, Autopilot, 6 node pools); gcloud list arrays",
    detection: "object with currentMasterVersion and nodePools or masterAuth (or an array of them)",
    signature: &["currentMasterVersion", "nodePools", "masterAuth"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

fn is_cluster(p: &Probe) -> bool {
    p.has("currentMasterVersion") && (p.has("nodePools") || p.has("masterAuth"))
}

impl Ingestor for Gke {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(is_cluster)
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx
            .origin(FORMAT)
            .tool("gcloud container clusters describe");
        for res in arm::resources(doc, ctx) {
            let c = res.node();
            let Some(name) = c.str("name") else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: GKE cluster without a name",
                );
                continue;
            };
            let mut bad = Bad::default();
            let pools = c.get("nodePools").map(|n| n.items()).unwrap_or_default();
            let facts = cluster_facts(&c, &pools, &mut bad);
            let mut d = origin
                .platform(PlatformFacts::Cluster(facts))
                .title(&format!(
                    "GKE cluster {name}{}",
                    c.str("currentMasterVersion")
                        .map(|v| format!(" (Kubernetes {v})"))
                        .unwrap_or_default()
                ))
                .attr("provider", "gke")
                .attr("location", c.str("location").unwrap_or_default());
            d.subject = Subject {
                cluster: Some(Text::from(name)),
                target: c.str("selfLink").map(Text::from),
                ..Subject::default()
            }
            .into();
            ctx.emit(d, &arm::place(doc, res.slice, &res.pointer));
            for p in &pools {
                let pool_name = p.str("name").unwrap_or("(unnamed)");
                let facts = pool_facts(&c, p, &mut bad);
                let mut d = origin
                    .platform(PlatformFacts::NodePool(facts))
                    .title(&format!("GKE node pool {pool_name} of {name}"))
                    .attr("provider", "gke");
                d.subject = Subject {
                    cluster: Some(Text::from(name)),
                    kind: Some(Text::from("NodePool")),
                    name: Some(Text::from(pool_name)),
                    ..Subject::default()
                }
                .into();
                ctx.emit(d, &arm::place(doc, res.slice, &p.pointer));
            }
            arm::report_bad(ctx, doc, res.slice, bad, &format!("GKE cluster {name}"));
        }
    }
}

fn cluster_facts(c: &Node<'_>, pools: &[Node<'_>], bad: &mut Bad) -> ClusterFacts {
    let pcc = c.get("privateClusterConfig");
    let man = c.get("masterAuthorizedNetworksConfig");
    let authorized_ranges = man.as_ref().and_then(|m| {
        let enabled = m.flag("enabled", bad)?;
        if !enabled.value {
            return Some(Fact::new(Vec::new(), enabled.pointer, "enabled: false"));
        }
        let blocks = m.get("cidrBlocks");
        let list: Vec<Text> = blocks
            .as_ref()
            .map(|b| b.items())
            .unwrap_or_default()
            .iter()
            .filter_map(|b| b.str("cidrBlock").map(Text::from))
            .collect();
        Some(match blocks {
            Some(b) => b.fact(list),
            None => Fact::new(list, enabled.pointer, "enabled, no cidrBlocks"),
        })
    });
    let master_auth = c.get("masterAuth");
    let local_accounts_disabled = master_auth.as_ref().and_then(|m| {
        if let Some(u) = m.get("username").or_else(|| m.get("password")) {
            return Some(Fact::new(false, u.pointer, "basic authentication"));
        }
        m.at(&["clientCertificateConfig"])?
            .flag("issueClientCertificate", bad)
            .map(|f| Fact {
                value: !f.value,
                ..f
            })
    });
    let auto_pools: Vec<(Node<'_>, Fact<bool>)> = pools
        .iter()
        .filter_map(|p| {
            let f = p.at(&["management"])?.flag("autoUpgrade", bad)?;
            Some((p.clone(), f))
        })
        .collect();
    let node_os_auto_upgrade = match auto_pools.iter().find(|(_, f)| !f.value) {
        Some((_, f)) => Some(f.clone()),
        None if !auto_pools.is_empty() && auto_pools.len() == pools.len() => c
            .get("nodePools")
            .map(|n| Fact::new(true, n.pointer, "autoUpgrade on every pool")),
        None => None,
    };
    let network_policy = match c.at(&["networkConfig", "datapathProvider"]) {
        Some(d)
            if d.text()
                .is_some_and(|t| t.eq_ignore_ascii_case("ADVANCED_DATAPATH")) =>
        {
            Some(d.fact(true))
        }
        _ => c
            .get("networkPolicy")
            .and_then(|n| n.flag("enabled", bad))
            .or_else(|| {
                c.at(&["addonsConfig", "networkPolicyConfig"])?
                    .flag("disabled", bad)
                    .filter(|f| f.value)
                    .map(|f| Fact { value: false, ..f })
            }),
    };
    ClusterFacts {
        private_endpoint: pcc
            .as_ref()
            .and_then(|p| p.flag("enablePrivateEndpoint", bad)),
        public_endpoint: pcc
            .as_ref()
            .and_then(|p| p.get("publicEndpoint"))
            .map(|e| Fact::new(true, e.pointer, "publicEndpoint")),
        authorized_ranges,
        local_accounts_disabled,
        rbac: c
            .get("legacyAbac")
            .and_then(|a| a.flag("enabled", bad))
            .map(|f| Fact {
                value: !f.value,
                ..f
            }),
        auto_upgrade: c.get("releaseChannel").and_then(|r| {
            r.choice("channel", bad, |v| match v {
                "rapid" | "regular" | "stable" | "extended" => Some(true),
                "unspecified" => Some(false),
                _ => None,
            })
        }),
        node_os_auto_upgrade,
        version: c
            .get("currentMasterVersion")
            .and_then(|n| n.text().map(|t| n.fact(Text::from(t)))),
        secrets_kms: c.get("databaseEncryption").and_then(|d| {
            d.choice("state", bad, |v| match v {
                "encrypted" => Some(true),
                "decrypted" => Some(false),
                _ => None,
            })
        }),
        secrets_store: c
            .get("secretManagerConfig")
            .and_then(|s| s.flag("enabled", bad)),
        network_policy,
        ..ClusterFacts::default()
    }
}

fn pool_facts(c: &Node<'_>, p: &Node<'_>, bad: &mut Bad) -> NodePoolFacts {
    let private_nodes = p
        .at(&["networkConfig"])
        .and_then(|n| n.flag("enablePrivateNodes", bad))
        .or_else(|| {
            c.at(&["privateClusterConfig"])?
                .flag("enablePrivateNodes", bad)
        });
    NodePoolFacts {
        secure_boot: p
            .at(&["config", "shieldedInstanceConfig"])
            .and_then(|s| s.flag("enableSecureBoot", bad)),
        vtpm: c.get("shieldedNodes").and_then(|s| s.flag("enabled", bad)),
        node_public_ip: private_nodes.map(|f| Fact {
            value: !f.value,
            ..f
        }),
        version: p
            .get("version")
            .and_then(|n| n.text().map(|t| n.fact(Text::from(t)))),
        ..NodePoolFacts::default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::PlatformFacts;

    #[test]
    fn describe_output_with_defaults_left_out() {
        let text = r#"{"name":"gke-1","currentMasterVersion":"1.29.1-gke.1","masterAuth":{"clusterCaCertificate":"LS0t"},
"masterAuthorizedNetworksConfig":{"enabled":true,"cidrBlocks":[{"cidrBlock":"198.51.100.0/26"}]},
"privateClusterConfig":{"enablePrivateNodes":true,"publicEndpoint":"34.1.2.3"},"legacyAbac":{},"shieldedNodes":{"enabled":true},
"releaseChannel":{"channel":"REGULAR"},"databaseEncryption":{"state":"DECRYPTED"},"networkConfig":{"datapathProvider":"ADVANCED_DATAPATH"},
"nodePools":[{"name":"default-pool","config":{"shieldedInstanceConfig":{"enableSecureBoot":true}},"management":{"autoUpgrade":true}}]}"#;
        let (s, recs) = ingest_bytes("gke.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        let Some(PlatformFacts::Cluster(c)) = recs[0].platform() else {
            panic!()
        };
        assert_eq!(
            c.authorized_ranges.as_ref().unwrap().pointer,
            "/masterAuthorizedNetworksConfig/cidrBlocks"
        );
        assert!(
            c.rbac.is_none(),
            "legacyAbac without enabled is not evidenced"
        );
        assert!(c.local_accounts_disabled.is_none());
        assert!(c.auto_upgrade.as_ref().unwrap().value);
        assert!(c.node_os_auto_upgrade.as_ref().unwrap().value);
        assert!(!c.secrets_kms.as_ref().unwrap().value);
        assert!(c.network_policy.as_ref().unwrap().value);
        let Some(PlatformFacts::NodePool(p)) = recs[1].platform() else {
            panic!()
        };
        assert!(p.secure_boot.as_ref().unwrap().value && p.vtpm.as_ref().unwrap().value);
        assert!(!p.node_public_ip.as_ref().unwrap().value);
        assert_eq!(
            p.node_public_ip.as_ref().unwrap().pointer,
            "/privateClusterConfig/enablePrivateNodes"
        );
    }
}
