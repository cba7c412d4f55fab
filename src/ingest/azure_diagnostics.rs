//! Azure Monitor diagnostic settings of one resource: `az monitor diagnostic-settings
//! list --resource <id>`. Azure CLI 2.4x and later (the generated `aaz` command, API
//! 2021-05-01-preview) print a bare array of settings with `properties` flattened away;
//! older releases printed `{"value": [...]}`; the REST `Diagnostic Settings - List`
//! response is `{"value": [...]}` with each setting's fields under `properties`. One
//! setting (`az monitor diagnostic-settings show`, a REST GET) is read too.
//!
//! A setting's `id` is the resource's id followed by
//! `/providers/microsoft.insights/diagnosticSettings/<name>`: it says which resource
//! (registry, managed cluster, container group, …) the settings are about. The
//! settings of one resource become one `platform` record (`diagnostic-settings`) with
//! [`DiagnosticFacts`]: each `logs[]` entry of a category or category group muster
//! knows ([`ResourceLog`]: `ContainerRegistryLoginEvents`, `kube-audit-admin`,
//! `allLogs`, …), whether it is enabled, and whether its setting has a destination
//! (`workspaceId`, `storageAccountId`, `eventHubAuthorizationRuleId`,
//! `marketplacePartnerId`, or the legacy `serviceBusRuleId`; an empty string is
//! none). A `logs` field or entry of the wrong type is a diagnostic (file and pointer)
//! and is kept in `unread`: a category it may hold is then not evidenced, never failed.
//! Metrics and retention are not judged. The export carries no time, so records
//! are dated from the file path (or undated). An empty list names no resource and is
//! not recognised: say which resource has no setting by exporting the resource itself.

use super::arm::{self, Resource};
use super::tree::{Bad, Node};
use super::{Doc, FileCtx, Ingestor, Origin, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, DiagnosticFacts, Fact, Format, FormatInfo, LogFlow, MonitoredResource, PlatformFacts,
    ResourceLog, Subject, Text,
};

/// The diagnostic-settings ingestor.
pub struct AzureDiagnostics;

const SETTING: &str = "Microsoft.Insights/diagnosticSettings";
/// What follows a resource id in the id of one of its diagnostic settings (lower case).
const SUFFIX: &str = "/providers/microsoft.insights/diagnosticsettings/";

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "azure-diagnostic-settings",
    name: "Azure Monitor diagnostic settings of a resource (az monitor diagnostic-settings list)",
    tested: "REST Diagnostic Settings - List 2021-05-01-preview example ({value:[…]}, properties, categoryGroup); az monitor diagnostic-settings list of Azure CLI 2.4x+ (aaz: bare array, flattened) and of older releases ({value:[…]}, flattened)",
    detection: "type Microsoft.Insights/diagnosticSettings (or an id naming it): one setting, {value:[…]} or an array",
    signature: &["logs", "metrics", "workspaceId", "storageAccountId"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for AzureDiagnostics {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(|r| arm::is_type(r, &[SETTING]))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("Azure Monitor");
        // The settings of each resource, in the order the resources first appear.
        let mut groups: Vec<(String, Vec<Resource<'_>>)> = Vec::new();
        for res in arm::resources(doc, ctx) {
            let node = res.node();
            if !arm::value_is_type(&node, &[SETTING]) {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: not a diagnostic setting",
                );
                continue;
            }
            let Some(resource) = node.str("id").and_then(resource_of) else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(format!("{}/id", res.pointer)),
                    "record skipped: the diagnostic setting has no id naming its resource \
                     (…/providers/microsoft.insights/diagnosticSettings/<name>)",
                );
                continue;
            };
            let key = resource.to_ascii_lowercase();
            match groups
                .iter_mut()
                .find(|(k, _)| k.to_ascii_lowercase() == key)
            {
                Some((_, list)) => list.push(res),
                None => groups.push((resource.to_string(), vec![res])),
            }
        }
        for (resource_id, settings) in groups {
            emit(doc, ctx, &origin, &resource_id, &settings);
        }
    }
}

/// The resource id a diagnostic setting's id belongs to.
fn resource_of(id: &str) -> Option<&str> {
    let at = id.to_ascii_lowercase().rfind(SUFFIX)?;
    id.get(..at).filter(|r| !r.trim_matches('/').is_empty())
}

/// The kind of resource an id names.
fn kind_of(resource_id: &str) -> MonitoredResource {
    let t = arm::type_of_id(resource_id).unwrap_or_default();
    let is = |x: &str| t.eq_ignore_ascii_case(x);
    if is("Microsoft.ContainerRegistry/registries") {
        MonitoredResource::Registry
    } else if is("Microsoft.ContainerService/managedClusters") {
        MonitoredResource::ManagedCluster
    } else if is("Microsoft.ContainerInstance/containerGroups") {
        MonitoredResource::ContainerGroup
    } else {
        MonitoredResource::Other
    }
}

/// The first destination field of a setting that names one (non-empty text).
fn destination<'v>(p: &Node<'v>) -> Option<Node<'v>> {
    [
        "workspaceId",
        "storageAccountId",
        "eventHubAuthorizationRuleId",
        "marketplacePartnerId",
        "serviceBusRuleId",
    ]
    .iter()
    .find_map(|k| p.get(k).filter(|n| n.text().is_some()))
}

fn emit(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    origin: &Origin,
    resource_id: &str,
    settings: &[Resource<'_>],
) {
    let Some(first) = settings.first() else {
        return;
    };
    let resource = kind_of(resource_id);
    let name = resource_id
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let mut bad = Bad::default();
    let mut names = Vec::new();
    let mut logs = Vec::new();
    let mut dest: Option<Fact<bool>> = None;
    let mut unread: Vec<Text> = Vec::new();
    for res in settings {
        let node = res.node();
        let p = arm::settings(&node);
        let setting = node.str("name").unwrap_or_default();
        names.push(Text::from(setting));
        let to = destination(&p);
        if dest.is_none() {
            dest = to.as_ref().map(|n| n.fact(true));
        }
        let entries = match p.get("logs") {
            Some(l) if l.value.is_array() => l.items(),
            Some(l) => {
                unread.push(Text::from(l.pointer.as_str()));
                bad.0.push(l.pointer);
                Vec::new()
            }
            None => Vec::new(),
        };
        for entry in entries {
            let name = ["category", "categoryGroup"]
                .iter()
                .find_map(|k| entry.get(k));
            let Some(name) = name else {
                continue;
            };
            let Some(text) = name.text() else {
                unread.push(Text::from(entry.pointer.as_str()));
                bad.0.push(name.pointer);
                continue;
            };
            let Some(log) = ResourceLog::parse(text) else {
                continue;
            };
            let Some(enabled) = entry.flag("enabled", &mut bad) else {
                unread.push(Text::from(entry.pointer.as_str()));
                continue;
            };
            logs.push(Fact::new(
                LogFlow {
                    log,
                    enabled: enabled.value,
                    destination: to.is_some(),
                    setting: Text::from(setting),
                },
                entry.pointer.as_str(),
                format!("{log} enabled: {}", enabled.value),
            ));
        }
    }
    let first_node = first.node();
    let joined = names
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let facts = DiagnosticFacts {
        resource_id: Text::from(resource_id),
        resource,
        resource_name: Text::from(name.as_str()),
        settings: Fact::new(names, first_node.pointer.as_str(), joined),
        logs,
        destination: dest
            .unwrap_or_else(|| Fact::new(false, first_node.pointer.as_str(), "no destination")),
        unread,
    };
    let what = match resource {
        MonitoredResource::Registry => "container registry",
        MonitoredResource::ManagedCluster => "AKS cluster",
        MonitoredResource::ContainerGroup => "container group",
        MonitoredResource::Other => "resource",
    };
    let mut d = origin
        .platform(PlatformFacts::Diagnostics(facts))
        .title(&format!("Diagnostic settings of {what} {name}"));
    d.subject = match resource {
        MonitoredResource::Registry => Subject {
            kind: Some(Text::from("Registry")),
            name: Some(Text::from(name.as_str())),
            target: Some(Text::from(resource_id)),
            ..Subject::default()
        },
        MonitoredResource::ManagedCluster => Subject {
            cluster: Some(Text::from(name.as_str())),
            target: Some(Text::from(resource_id)),
            ..Subject::default()
        },
        MonitoredResource::ContainerGroup => Subject {
            kind: Some(Text::from("ContainerGroup")),
            name: Some(Text::from(name.as_str())),
            target: Some(Text::from(resource_id)),
            ..Subject::default()
        },
        MonitoredResource::Other => Subject {
            target: Some(Text::from(resource_id)),
            ..Subject::default()
        },
    }
    .into();
    let d = d.attr(
        "resource_group",
        arm::resource_group(resource_id).unwrap_or_default(),
    );
    ctx.emit(d, &arm::place(doc, first.slice, &first.pointer));
    arm::report_bad(
        ctx,
        doc,
        first.slice,
        bad,
        &format!("diagnostic settings of {name}"),
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{MonitoredResource, PlatformFacts, ResourceLog};

    const ACR: &str = "/subscriptions/0000/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contosoacr";

    fn facts(text: &str) -> (Vec<String>, Vec<crate::model::DiagnosticFacts>) {
        let (s, recs) = ingest_bytes("diag.json", text.as_bytes(), &IngestOptions::default());
        let diags = s.diagnostics.iter().map(|d| d.to_string()).collect();
        let facts = recs
            .iter()
            .filter_map(|r| match r.platform() {
                Some(PlatformFacts::Diagnostics(d)) => Some(d.clone()),
                _ => None,
            })
            .collect();
        (diags, facts)
    }

    #[test]
    fn cli_array_flattened() {
        let text = format!(
            r#"[{{"id":"{ACR}/providers/microsoft.insights/diagnosticSettings/acr-audit","name":"acr-audit","type":"Microsoft.Insights/diagnosticSettings",
"workspaceId":"/subscriptions/0000/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law","eventHubAuthorizationRuleId":null,"storageAccountId":null,
"logs":[{{"category":"ContainerRegistryLoginEvents","categoryGroup":null,"enabled":true,"retentionPolicy":{{"days":0,"enabled":false}}}},
{{"category":"ContainerRegistryRepositoryEvents","categoryGroup":null,"enabled":true,"retentionPolicy":{{"days":0,"enabled":false}}}}],
"metrics":[{{"category":"AllMetrics","enabled":false}}]}}]"#
        );
        let (d, f) = facts(&text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.len(), 1);
        let a = &f[0];
        assert_eq!(a.resource, MonitoredResource::Registry);
        assert_eq!(a.resource_name, "contosoacr");
        assert!(a.destination.value);
        assert_eq!(a.destination.pointer, "/0/workspaceId");
        assert_eq!(a.logs.len(), 2);
        assert_eq!(a.logs[1].pointer, "/0/logs/1");
        assert!(a.logs[0].value.collects(ResourceLog::RegistryLoginEvents));
        assert!(!a.logs[0]
            .value
            .collects(ResourceLog::RegistryRepositoryEvents));
    }

    #[test]
    fn rest_envelope_with_properties_and_empty_workspace() {
        let text = format!(
            r#"{{"value":[{{"id":"{ACR}/providers/microsoft.insights/diagnosticSettings/to-storage","type":"Microsoft.Insights/diagnosticSettings","name":"to-storage",
"properties":{{"storageAccountId":"/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/logs","workspaceId":"",
"logs":[{{"categoryGroup":"allLogs","enabled":true,"retentionPolicy":{{"enabled":false,"days":0}}}}]}}}},
{{"id":"{ACR}/providers/microsoft.insights/diagnosticSettings/nowhere","type":"Microsoft.Insights/diagnosticSettings","name":"nowhere",
"properties":{{"workspaceId":"","logs":[{{"category":"kube-audit","enabled":true}}]}}}}]}}"#
        );
        let (d, f) = facts(&text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.len(), 1, "one record per resource");
        let a = &f[0];
        assert_eq!(a.settings.value.len(), 2);
        assert_eq!(
            a.destination.pointer,
            "/value/0/properties/storageAccountId"
        );
        assert!(a.logs[0]
            .value
            .collects(ResourceLog::RegistryRepositoryEvents));
        assert!(!a.logs[1].value.destination, "an empty workspaceId is none");
    }

    #[test]
    fn aks_cluster_and_bad_fields() {
        let text = r#"{"value":[{"id":"/subscriptions/0/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod/providers/microsoft.insights/diagnosticSettings/aks-audit","name":"aks-audit",
"eventHubAuthorizationRuleId":"/subscriptions/0/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns/authorizationrules/send","eventHubName":"aks",
"logs":[{"category":"kube-audit-admin","enabled":true},{"category":"guard","enabled":"yes"},{"category":"kube-apiserver","enabled":true}]},
{"name":"no-id","type":"Microsoft.Insights/diagnosticSettings","logs":[]}]}"#;
        let (d, f) = facts(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource, MonitoredResource::ManagedCluster);
        assert_eq!(
            f[0].logs.len(),
            1,
            "guard has a bad flag; kube-apiserver is not kept"
        );
        assert!(f[0].logs[0].value.collects(ResourceLog::KubeAuditAdmin));
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|m| m.contains("/value/1/id")), "{d:?}");
        assert!(
            d.iter().any(|m| m.contains("/value/0/logs/1/enabled")),
            "{d:?}"
        );
    }

    #[test]
    fn other_formats_keep_their_files() {
        for text in [
            r#"{"id":"/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr","type":"Microsoft.ContainerRegistry/registries","adminUserEnabled":false}"#,
            r#"{"records":[{"category":"kube-audit","properties":{"log":"{}"}}]}"#,
        ] {
            let p = crate::ingest::Probe::of(text).unwrap();
            let found = crate::ingest::detect(&p).map(|i| i.info().id);
            assert_ne!(found, Some(super::INFO.id), "{text}");
        }
    }
}
