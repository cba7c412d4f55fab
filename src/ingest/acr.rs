//! Azure Container Registry: `az acr show` / `az acr list` (flattened) and the ARM REST
//! GET or list (`properties`, `{"value": [...]}`), any API version. The 2017 API returns
//! only `adminUserEnabled`; `anonymousPullEnabled` is missing from some stable
//! versions — missing settings stay *not evidenced*.
//!
//! Each registry becomes a `platform` record (`registry`) with [`RegistryFacts`] (admin
//! user, anonymous pull, public network access, default network action) and its
//! resource id, which role assignments are joined to. No credential is read: `az acr
//! credential show` output is a different document, which no format claims.

use super::arm;
use super::tree::Bad;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{Channel, Format, FormatInfo, PlatformFacts, RegistryFacts, Subject, Text};

/// The ACR ingestor.
pub struct Acr;

const REGISTRY: &str = "Microsoft.ContainerRegistry/registries";

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "acr",
    name: "Azure Container Registry (az acr show/list, ARM GET)",
    tested: "ARM 2017-10-01 list (adminUserEnabled only), ARM 2023-07-01 GET (no anonymousPullEnabled), az acr show flattened form",
    detection: "type Microsoft.ContainerRegistry/registries: one resource, {value:[…]}, {data:[…]} or an array",
    signature: &["loginServer", "adminUserEnabled"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Acr {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(|r| arm::is_type(r, &[REGISTRY]))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("Azure Resource Manager");
        for res in arm::resources(doc, ctx) {
            let node = res.node();
            if !arm::value_is_type(&node, &[REGISTRY]) {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: not a container registry",
                );
                continue;
            }
            let p = arm::settings(&node);
            let name = node.str("name").unwrap_or("(unnamed)").to_string();
            let mut bad = Bad::default();
            let facts = RegistryFacts {
                resource_id: Text::from(node.str("id").unwrap_or_default()),
                admin_user: p.flag("adminUserEnabled", &mut bad),
                anonymous_pull: p.flag("anonymousPullEnabled", &mut bad),
                public_network: p.choice("publicNetworkAccess", &mut bad, |v| match v {
                    "enabled" => Some(true),
                    "disabled" => Some(false),
                    _ => None,
                }),
                network_default_deny: p.get("networkRuleSet").and_then(|n| {
                    n.choice("defaultAction", &mut bad, |v| match v {
                        "deny" => Some(true),
                        "allow" => Some(false),
                        _ => None,
                    })
                }),
            };
            let login = p.str("loginServer").unwrap_or_default();
            let mut d = origin
                .platform(PlatformFacts::Registry(facts))
                .title(&format!("Container registry {name}"))
                .attr("login_server", login)
                .attr(
                    "sku",
                    node.at(&["sku"])
                        .and_then(|s| s.str("tier").or_else(|| s.str("name")))
                        .unwrap_or_default(),
                );
            d.subject = Subject {
                kind: Some(Text::from("Registry")),
                name: Some(Text::from(name.as_str())),
                target: (!login.is_empty()).then(|| Text::from(login)),
                ..Subject::default()
            }
            .into();
            ctx.emit(d, &arm::place(doc, res.slice, &res.pointer));
            arm::report_bad(ctx, doc, res.slice, bad, &format!("registry {name}"));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::PlatformFacts;

    #[test]
    fn rest_and_cli_forms() {
        let text = r#"[{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosoacr","name":"contosoacr","type":"Microsoft.ContainerRegistry/registries",
"loginServer":"contosoacr.azurecr.io","adminUserEnabled":false,"anonymousPullEnabled":false,"publicNetworkAccess":"Disabled","networkRuleSet":{"defaultAction":"Deny"}},
{"name":"old","type":"Microsoft.ContainerRegistry/registries","properties":{"loginServer":"old.azurecr.io","adminUserEnabled":true}}]"#;
        let (s, recs) = ingest_bytes("acr.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        let Some(PlatformFacts::Registry(a)) = recs[0].platform() else {
            panic!()
        };
        assert!(!a.anonymous_pull.as_ref().unwrap().value);
        assert!(a.network_default_deny.as_ref().unwrap().value);
        assert!(a.resource_id.ends_with("/contosoacr"));
        assert_eq!(recs[0].subject.label(), "Registry/contosoacr");
        let Some(PlatformFacts::Registry(b)) = recs[1].platform() else {
            panic!()
        };
        assert_eq!(
            b.admin_user.as_ref().unwrap().pointer,
            "/1/properties/adminUserEnabled"
        );
        assert!(b.anonymous_pull.is_none() && b.public_network.is_none());
    }
}
