//! Azure Container Instances container groups: `az container show` / `az container
//! list` (flattened) and the ARM REST GET or list (`properties`, `{"value": [...]}`),
//! API versions 2018 to 2025 (the newer add `securityContext`, `encryptionProperties`,
//! confidential SKUs and standby pools).
//!
//! A container group is a workload like a pod: each container with an image yields a
//! `sighting` (`ContainerGroup/<name>` runs it), and the `securityContext` it declares
//! yields `misconfiguration` records with the pod check ids. The group itself becomes a
//! `platform` record (`container-group`) with [`ContainerGroupFacts`]: public IP,
//! virtual network, registry credentials by password or identity, log destination,
//! customer-managed key, and the *names* of secret-looking environment variables passed
//! as a plain `value`. Values are never kept (`secureValue` is never printed by Azure;
//! a plain `value` may be a live secret), nor registry passwords.

use super::arm::{self, Resource};
use super::tree::{Bad, Node};
use super::{workload, Doc, FileCtx, Ingestor, Origin, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, ContainerGroupFacts, Fact, Format, FormatInfo, ImageRef, Outcome, PlatformFacts,
    Subject, Text,
};

/// The ACI ingestor.
pub struct Aci;

const GROUP: &str = "Microsoft.ContainerInstance/containerGroups";

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "aci",
    name: "Azure Container Instances container groups (az container show/list, ARM GET)",
    tested: "ARM 2023-05-01 GET and 2025-09-01 (encryptionProperties, securityContext) REST examples, az container show/list flattened form",
    detection: "type Microsoft.ContainerInstance/containerGroups: one resource, {value:[…]}, {data:[…]} or an array",
    signature: &["containers", "osType", "ipAddress"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Aci {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(|r| arm::is_type(r, &[GROUP]))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("Azure Resource Manager");
        for res in arm::resources(doc, ctx) {
            if arm::value_is_type(&res.node(), &[GROUP]) {
                group(doc, ctx, &origin, &res);
            } else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: not a container group",
                );
            }
        }
    }
}

fn group(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, origin: &Origin, res: &Resource<'_>) {
    let node = res.node();
    let p = arm::settings(&node);
    let name = node.str("name").unwrap_or("(unnamed)").to_string();
    let id = node.str("id").map(Text::from);
    let mut bad = Bad::default();
    let containers: Vec<Node<'_>> = ["containers", "initContainers"]
        .iter()
        .flat_map(|k| p.get(k).map(|n| n.items()).unwrap_or_default())
        .collect();
    let facts = facts(&p, &containers, &mut bad);
    let base = Subject {
        kind: Some(Text::from("ContainerGroup")),
        name: Some(Text::from(name.as_str())),
        target: id.clone(),
        ..Subject::default()
    };
    let mut d = origin
        .platform(PlatformFacts::ContainerGroup(facts))
        .title(&format!("Container group {name}"))
        .attr("provider", "aci")
        .attr(
            "resource_group",
            id.as_deref()
                .and_then(arm::resource_group)
                .unwrap_or_default(),
        )
        .attr("sku", p.str("sku").unwrap_or_default());
    d.subject = base.clone().into();
    ctx.emit(d, &arm::place(doc, res.slice, &res.pointer));
    for c in &containers {
        let cname = c.str("name").unwrap_or("(unnamed)");
        let cs = arm::settings(c);
        let subject = Subject {
            container: Some(Text::from(cname)),
            image: cs.str("image").and_then(ImageRef::parse),
            ..base.clone()
        };
        if let Some(image) = &subject.image {
            let mut s = origin.sighting().title(&format!(
                "Image {} runs in container group {name}",
                image.tagged()
            ));
            s.subject = subject.clone().into();
            ctx.emit(s, &arm::place(doc, res.slice, &c.pointer));
        }
        for check in workload::aci_container(&cs) {
            let outcome = if check.pass {
                Outcome::Pass
            } else {
                Outcome::Fail
            };
            let mut m = origin
                .misconfiguration(check.id, outcome)
                .title(check.title_now())
                .message(&check.detail)
                .severity(check.severity);
            m.subject = subject.clone().into();
            ctx.emit(m, &arm::place(doc, res.slice, &check.pointer));
        }
    }
    arm::report_bad(ctx, doc, res.slice, bad, &format!("container group {name}"));
}

fn facts(p: &Node<'_>, containers: &[Node<'_>], bad: &mut Bad) -> ContainerGroupFacts {
    let ip_type = p.get("ipAddress").and_then(|ip| {
        ip.choice("type", bad, |v| match v {
            "public" => Some(true),
            "private" => Some(false),
            _ => None,
        })
    });
    let subnets = p
        .get("subnetIds")
        .filter(|s| !s.items().is_empty())
        .map(|s| s.fact(true));
    let creds = p.get("imageRegistryCredentials");
    let registry_password = creds.as_ref().and_then(|c| {
        let items = c.items();
        let by_password = items
            .iter()
            .find(|i| i.get("identity").is_none() && i.get("username").is_some());
        match by_password {
            Some(i) => i
                .get("username")
                .map(|u| Fact::new(true, u.pointer, "username")),
            None if !items.is_empty() => Some(c.fact(false)).map(|f| Fact {
                shown: "identity".into(),
                ..f
            }),
            None => None,
        }
    });
    // Evidenced when some container lists its environment (even an empty list).
    let envs: Vec<Node<'_>> = containers
        .iter()
        .filter_map(|c| arm::settings(c).get("environmentVariables"))
        .collect();
    let plain_secret_env = envs.first().map(|first| {
        let found: Vec<(String, String)> =
            envs.iter().flat_map(workload::plain_secret_env).collect();
        let names: Vec<Text> = found.iter().map(|(n, _)| Text::from(n.as_str())).collect();
        let pointer = found
            .first()
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| first.pointer.clone());
        let shown = if names.is_empty() {
            "no secret-looking plain value".to_string()
        } else {
            format!(
                "plain value for {}",
                names
                    .iter()
                    .map(Text::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Fact::new(names, pointer, shown)
    });
    // A present `diagnostics` section without a Log Analytics destination sends no logs.
    let log_analytics = p.get("diagnostics").map(|d| match d.get("logAnalytics") {
        Some(la) => Fact::new(true, la.pointer, "logAnalytics"),
        None => Fact::new(false, d.pointer.as_str(), "no logAnalytics"),
    });
    ContainerGroupFacts {
        public_ip: ip_type,
        private_network: subnets,
        registry_password,
        plain_secret_env,
        log_analytics,
        customer_key: p
            .get("encryptionProperties")
            .filter(Node::is_object)
            .map(|e| Fact::new(true, e.pointer, "encryptionProperties")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, PlatformFacts, RecordKind};

    #[test]
    fn a_cli_list_with_a_public_group_and_a_plain_secret() {
        let text = r#"[{"id":"/subscriptions/s/resourceGroups/rg-aci/providers/Microsoft.ContainerInstance/containerGroups/orders","name":"orders","type":"Microsoft.ContainerInstance/containerGroups",
"containers":[{"name":"worker","image":"contosoacr.azurecr.io/orders/worker:1.2.0","environmentVariables":[{"name":"LOG_LEVEL","value":"info"},{"name":"DB_PASSWORD","value":"CANARY-ACI-PLAIN"},{"name":"API_KEY","secureValue":null}],
"securityContext":{"privileged":false,"allowPrivilegeEscalation":true}}],
"imageRegistryCredentials":[{"server":"contosoacr.azurecr.io","username":"contosoacr","password":null}],
"ipAddress":{"type":"Public","ip":"20.1.2.3"},"diagnostics":null,"osType":"Linux"}]"#;
        let (s, recs) = ingest_bytes("aci.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let kinds: Vec<RecordKind> = recs.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                RecordKind::Platform,
                RecordKind::Sighting,
                RecordKind::Misconfiguration,
                RecordKind::Misconfiguration
            ]
        );
        let Some(PlatformFacts::ContainerGroup(g)) = recs[0].platform() else {
            panic!()
        };
        assert!(g.public_ip.as_ref().unwrap().value);
        let env = g.plain_secret_env.as_ref().unwrap();
        assert_eq!(env.value, vec![crate::model::Text::from("DB_PASSWORD")]);
        assert_eq!(env.pointer, "/0/containers/0/environmentVariables/1/value");
        assert!(g.registry_password.as_ref().unwrap().value);
        assert!(g.log_analytics.is_none());
        assert_eq!(recs[1].subject.label(), "ContainerGroup/orders");
        assert_eq!(recs[3].outcome, Outcome::Fail);
        let json = serde_json::to_string(&recs).unwrap();
        assert!(!json.contains("CANARY-ACI-PLAIN"), "{json}");
    }

    #[test]
    fn the_arm_form_with_properties_per_container() {
        let text = r#"{"name":"demo1","type":"Microsoft.ContainerInstance/containerGroups","properties":{"containers":[{"name":"demo1","properties":{"image":"nginx","environmentVariables":[]}}],
"ipAddress":{"type":"Private"},"subnetIds":[{"id":"/subscriptions/s/x"}],"diagnostics":{"logAnalytics":{"workspaceId":"w"}},"encryptionProperties":{"keyName":"k"}}}"#;
        let (s, recs) = ingest_bytes("aci.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let Some(PlatformFacts::ContainerGroup(g)) = recs[0].platform() else {
            panic!()
        };
        assert!(!g.public_ip.as_ref().unwrap().value);
        assert!(g.plain_secret_env.as_ref().unwrap().value.is_empty());
        assert!(g.log_analytics.as_ref().unwrap().value);
        assert!(g.customer_key.is_some() && g.private_network.is_some());
        assert_eq!(
            recs[1].subject.image.as_ref().unwrap().tagged(),
            "docker.io/library/nginx:latest"
        );
    }
}
