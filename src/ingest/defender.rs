//! Microsoft Defender for Containers alerts, in the two shapes exports take: the ARM
//! REST / `az security alert list` object (`type: Microsoft.Security/Locations/alerts`,
//! camelCase fields under `properties`) and the PascalCase continuous-export /
//! Sentinel `SecurityAlert` row (`AlertType`, `SystemAlertId`, top level).
//!
//! Each alert becomes an `alert` record, check = alert type (`K8S_SensitiveMount`),
//! failing unless Defender marked it `Resolved` or `Dismissed` (then `info`). The
//! cluster is the compromised entity; namespace, workload and image come from the
//! free-form `extendedProperties`, whose keys contain spaces and vary by alert type
//! (matched case-insensitively). An alert that names an image also yields a
//! `sighting` record `running`. The description is redacted before it is kept.

use super::util::parse_time;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{
    Channel, Format, FormatInfo, ImageRef, Outcome, Sensor, Severity, Subject, Text,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The Defender for Containers ingestor.
pub struct Defender;

const ARM_TYPE: &str = "Microsoft.Security/Locations/alerts";

#[derive(Deserialize)]
struct RawArm {
    #[serde(default)]
    properties: Option<RawAlert>,
}

/// Alert fields; camelCase (ARM) with PascalCase aliases (continuous export, Sentinel).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlert {
    #[serde(default, alias = "AlertType")]
    alert_type: Option<String>,
    #[serde(default, alias = "AlertDisplayName")]
    alert_display_name: Option<String>,
    /// Sentinel's `SecurityAlert` also has `AlertName` and `DisplayName`.
    #[serde(default, rename = "AlertName")]
    alert_name: Option<String>,
    #[serde(default, alias = "Description")]
    description: Option<String>,
    #[serde(default, alias = "Severity")]
    severity: Option<String>,
    #[serde(default, rename = "AlertSeverity")]
    alert_severity: Option<String>,
    #[serde(default, alias = "Status")]
    status: Option<String>,
    #[serde(default, alias = "Intent")]
    intent: Option<String>,
    #[serde(default, alias = "StartTimeUtc")]
    start_time_utc: Option<String>,
    #[serde(default, rename = "StartTime")]
    start_time: Option<String>,
    #[serde(default, alias = "TimeGeneratedUtc")]
    time_generated_utc: Option<String>,
    #[serde(default, rename = "TimeGenerated")]
    time_generated: Option<String>,
    #[serde(default, alias = "CompromisedEntity")]
    compromised_entity: Option<String>,
    #[serde(default, alias = "SystemAlertId")]
    system_alert_id: Option<String>,
    #[serde(default, alias = "ProductComponentName")]
    product_component_name: Option<String>,
    #[serde(default, alias = "AzureResourceId")]
    azure_resource_id: Option<String>,
    #[serde(default, alias = "ResourceIdentifiers")]
    resource_identifiers: Option<Vec<RawResourceId>>,
    /// An object, or (Sentinel) a string holding a JSON object.
    #[serde(default, alias = "ExtendedProperties")]
    extended_properties: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResourceId {
    #[serde(default, alias = "AzureResourceId")]
    azure_resource_id: Option<String>,
}

/// Extended properties as lower-cased key → text.
fn extended(v: Option<&serde_json::Value>) -> BTreeMap<String, String> {
    let obj = match v {
        Some(serde_json::Value::Object(o)) => o.clone(),
        Some(serde_json::Value::String(s)) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(serde_json::Value::Object(o)) => o,
            _ => serde_json::Map::new(),
        },
        _ => serde_json::Map::new(),
    };
    obj.into_iter()
        .filter_map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let text = text.trim().to_string();
            (!text.is_empty()).then(|| (k.trim().to_ascii_lowercase(), text))
        })
        .collect()
}

fn first_of(props: &BTreeMap<String, String>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| props.get(*k).cloned())
}

/// `…/managedClusters/<name>` → `<name>`.
fn cluster_from_resource_id(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let at = lower.find("/managedclusters/")? + "/managedclusters/".len();
    id.get(at..)?
        .split('/')
        .next()
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "defender",
    name: "Microsoft Defender for Containers alerts",
    tested: "ARM alerts API 2022-01-01 (az security alert list); continuous-export / Sentinel SecurityAlert (PascalCase)",
    detection: "type Microsoft.Security/Locations/alerts, or AlertType with SystemAlertId",
    signature: &["type", "properties", "id", "name"],
    channel: Channel::RuntimeSensor(Sensor::Defender),
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Defender {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && (probe
                .str("type")
                .is_some_and(|t| t.eq_ignore_ascii_case(ARM_TYPE))
                || (probe.has("AlertType") && probe.has("SystemAlertId")))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let (alert, base_ptr) = if doc.probe.has("properties") {
            let Some(arm) = doc.parse::<RawArm>(ctx) else {
                return;
            };
            let Some(p) = arm.properties else {
                return;
            };
            (p, "/properties")
        } else {
            let Some(a) = doc.parse::<RawAlert>(ctx) else {
                return;
            };
            (a, "")
        };
        let Some(alert_type) = non_empty(alert.alert_type.as_deref()) else {
            return;
        };
        let props = extended(alert.extended_properties.as_ref());
        let status = non_empty(alert.status.as_deref()).unwrap_or_default();
        let outcome = if status.eq_ignore_ascii_case("resolved")
            || status.eq_ignore_ascii_case("dismissed")
        {
            Outcome::Info
        } else {
            Outcome::Fail
        };
        let observed = [
            alert.start_time_utc.as_deref(),
            alert.start_time.as_deref(),
            alert.time_generated_utc.as_deref(),
            alert.time_generated.as_deref(),
        ]
        .into_iter()
        .flatten()
        .find_map(parse_time);
        let cluster = non_empty(alert.compromised_entity.as_deref())
            .or_else(|| {
                alert
                    .azure_resource_id
                    .as_deref()
                    .and_then(cluster_from_resource_id)
            })
            .or_else(|| {
                alert
                    .resource_identifiers
                    .iter()
                    .flatten()
                    .filter_map(|r| r.azure_resource_id.as_deref())
                    .find_map(cluster_from_resource_id)
            });
        let pod = first_of(&props, &["pod name", "podname", "pod"]);
        let object = first_of(
            &props,
            &[
                "object name",
                "objectname",
                "resource name",
                "workload name",
                "deployment name",
            ],
        );
        let kind = first_of(
            &props,
            &["object kind", "objectkind", "resource kind", "kind"],
        )
        .or_else(|| {
            pod.as_ref()
                .filter(|_| object.is_none())
                .map(|_| "Pod".to_string())
        });
        let image = first_of(
            &props,
            &[
                "container image",
                "image",
                "image name",
                "imagename",
                "container image name",
            ],
        )
        .and_then(|s| ImageRef::parse(&s));
        let subject = Subject {
            cluster: cluster.map(Text::from),
            namespace: first_of(
                &props,
                &["namespace", "namespace name", "kubernetes namespace"],
            )
            .map(Text::from),
            kind: kind.map(Text::from),
            name: object.or(pod).map(Text::from),
            container: first_of(&props, &["container name", "containername", "container"])
                .map(Text::from),
            image,
            node: first_of(&props, &["node name", "nodename", "host name", "hostname"])
                .map(Text::from),
            ..Subject::default()
        };
        let severity = match non_empty(alert.severity.as_deref())
            .or_else(|| non_empty(alert.alert_severity.as_deref()))
        {
            Some(s) => Severity::from_word(&s),
            None => Severity::Unknown,
        };
        let title = non_empty(alert.alert_display_name.as_deref())
            .or_else(|| non_empty(alert.alert_name.as_deref()))
            .unwrap_or_else(|| alert_type.clone());
        let origin = ctx
            .origin(FORMAT)
            .tool("defender-for-containers")
            .observed(observed);
        let place = doc.at(doc.text, base_ptr);
        let mut rec = origin
            .alert(alert_type, severity, None)
            .title(&title)
            .message(alert.description.as_deref().unwrap_or_default())
            .attr("status", status)
            .attr(
                "intent",
                non_empty(alert.intent.as_deref()).unwrap_or_default(),
            )
            .attr(
                "alert_id",
                non_empty(alert.system_alert_id.as_deref()).unwrap_or_default(),
            )
            .attr(
                "component",
                non_empty(alert.product_component_name.as_deref()).unwrap_or_default(),
            )
            .attr(
                "user",
                first_of(&props, &["username", "user name"]).unwrap_or_default(),
            );
        // Defender closed it: still stated, no longer a failure.
        rec.outcome = outcome;
        rec.subject = subject.clone().into();
        let sighting = subject.image.as_ref().map(|image| {
            let mut s = origin
                .sighting()
                .title(&format!("Image {} seen by Defender", image.tagged()));
            s.subject = subject.clone().into();
            s
        });
        ctx.emit(rec, &place);
        if let Some(s) = sighting {
            ctx.emit(s, &place);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, Record, RecordKind, Severity};

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("defender.json", text.as_bytes(), &IngestOptions::default())
    }

    const ARM: &str = r#"{
  "id": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Security/locations/centralus/alerts/1_abc",
  "name": "1_abc",
  "type": "Microsoft.Security/Locations/alerts",
  "properties": {
    "status": "Active",
    "timeGeneratedUtc": "2023-08-01T10:24:30.3178945Z",
    "productComponentName": "Containers",
    "alertType": "K8S_SensitiveMount",
    "startTimeUtc": "2023-08-01T09:45:23.047394Z",
    "severity": "Medium",
    "systemAlertId": "1_abc",
    "intent": "PrivilegeEscalation",
    "compromisedEntity": "aks-prod",
    "alertDisplayName": "Container with a sensitive volume mount detected",
    "description": "A container mounts / from the node. password=hunter2secret",
    "extendedProperties": {"container name": "web", "container image": "contoso/web:1.0.60", "object name": "web-deployment", "object kind": "Deployment", "namespace": "shop", "sensitive mount path": "/"},
    "entities": [{"$id": "centralus_4", "imageId": "contoso/web:1.0.60", "type": "container-image"}]
  }
}"#;

    #[test]
    fn arm_alert_with_extended_properties() {
        let (s, recs) = run(ARM);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        let a = &recs[0];
        assert_eq!(a.kind, RecordKind::Alert);
        assert_eq!(a.check, "K8S_SensitiveMount");
        assert_eq!(a.title, "Container with a sensitive volume mount detected");
        assert_eq!(a.severity, Severity::Medium);
        assert_eq!(a.outcome, Outcome::Fail);
        assert_eq!(a.subject.cluster.as_deref(), Some("aks-prod"));
        assert_eq!(a.subject.namespace.as_deref(), Some("shop"));
        assert_eq!(a.subject.kind.as_deref(), Some("Deployment"));
        assert_eq!(a.subject.name.as_deref(), Some("web-deployment"));
        assert_eq!(a.subject.container.as_deref(), Some("web"));
        assert_eq!(
            a.subject.image.as_ref().unwrap().tagged(),
            "docker.io/contoso/web:1.0.60"
        );
        assert!(!a.message.contains("hunter2secret"));
        assert_eq!(
            a.observed_at.unwrap().to_rfc3339(),
            "2023-08-01T09:45:23.047394+00:00"
        );
        assert_eq!(a.provenance.pointer.as_deref(), Some("/properties"));
        assert_eq!(recs[1].kind, RecordKind::Sighting);
        assert_eq!(recs[1].check, "running");
    }

    #[test]
    fn pascal_case_continuous_export_rows() {
        let text = r#"{"AlertType":"K8S.NODE_ReverseShell","SystemAlertId":"2_def","AlertDisplayName":"Reverse shell detected","Severity":"High","Status":"Resolved","StartTimeUtc":"2024-02-01T08:00:00Z","TimeGenerated":"2024-02-01T08:01:00Z","CompromisedEntity":"aks-dev","ProductName":"Microsoft Defender for Cloud","ExtendedProperties":"{\"Namespace\":\"ops\",\"Pod name\":\"debug-7\",\"Container name\":\"sh\"}"}
{"AlertType":"K8S_PrivilegedContainer","SystemAlertId":"3_ghi","Severity":"Informational","AzureResourceId":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-qa","ExtendedProperties":{"Namespace":"qa"}}
"#;
        let (s, recs) = run(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 2);
        let a = &recs[0];
        assert_eq!(a.check, "K8S.NODE_ReverseShell");
        assert_eq!(a.outcome, Outcome::Info);
        assert_eq!(a.severity, Severity::High);
        assert_eq!(a.subject.namespace.as_deref(), Some("ops"));
        assert_eq!(a.subject.name.as_deref(), Some("debug-7"));
        assert_eq!(a.subject.kind.as_deref(), Some("Pod"));
        assert_eq!(a.subject.cluster.as_deref(), Some("aks-dev"));
        assert_eq!(a.provenance.line.map(u64::from), Some(1));
        let b = &recs[1];
        assert_eq!(b.outcome, Outcome::Fail);
        assert_eq!(b.severity, Severity::None);
        assert_eq!(b.subject.cluster.as_deref(), Some("aks-qa"));
        assert_eq!(b.provenance.line.map(u64::from), Some(2));
    }

    #[test]
    fn wrong_type_alert_costs_one_diagnostic() {
        let good = r#"{"AlertType":"K8S_A","SystemAlertId":"1","Severity":"Low"}"#;
        let bad = r#"{"AlertType":"K8S_B","SystemAlertId":"2","Severity":["Low"]}"#;
        let (s, recs) = run(&format!("{good}\n{bad}\n{good}\n"));
        // The two good lines are the same event: folded into one record counted twice.
        assert_eq!(recs.iter().map(|r| u64::from(r.count)).sum::<u64>(), 2);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(2));
    }
}
