//! Kubernetes API-server audit events (`audit.k8s.io/v1` and `v1beta1` `Event`), one per
//! JSON line, pretty-printed, or inside an `EventList` (unwrapped by `source`). This
//! module owns what one audit event proves ([`emit_event`]); the cloud envelopes
//! (`audit_aks`, `audit_gke`, `audit_eks`) unwrap their events and call it.
//!
//! Every event, whatever its stage, yields one `heartbeat` record `audit-log` about its
//! cluster (when known) and nothing else, so that folding per day leaves one record per
//! cluster and day: the days the log covers. Beyond that, only completed stages are read
//! (`ResponseComplete`, `ResponseStarted`, `Panic`); `RequestReceived` duplicates are
//! skipped. An event can yield:
//! * `admission` records: `psa-enforce`, `psa-violation`, `psa-exempt` from the Pod
//!   Security annotations, `webhook-denied` for a webhook refusal (enforcement works,
//!   so it passes) and `vap-denied` for a ValidatingAdmissionPolicy denial;
//! * `policy` records `vap:<policy>` from the `validation_failure` annotation (a JSON
//!   array encoded in a string, parsed a second time);
//! * `activity` records: `exec`, `attach`, `portforward`, `ephemeral-container`,
//!   `secret-read`, `anonymous-allowed`, `system-masters`, `privileged-pod`,
//!   `networkpolicy-change`, `rbac-change`;
//! * `sighting` records `running`, one per container image of a created pod.
//!
//! Secret safety: request and response bodies are read only for pods, and only image
//! names, container names, `securityContext.privileged` and metadata names are kept.
//! Secret data, ConfigMap data, environment values and headers are never read into a
//! record; response messages are redacted.

use super::lent::{IfString, Lent};
use super::util::parse_time;
use super::{Doc, Draft, FileCtx, Ingestor, Probe};
use crate::model::{
    Channel, Format, FormatInfo, ImageRef, Outcome, Severity, Shared, Subject, Text, AUDIT_LOG,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::cell::OnceCell;
use std::collections::BTreeMap;

/// The Kubernetes audit-event ingestor.
pub struct K8sAudit;

const ANN_PSA_ENFORCE: &str = "pod-security.kubernetes.io/enforce-policy";
const ANN_PSA_VIOLATIONS: &str = "pod-security.kubernetes.io/audit-violations";
const ANN_PSA_EXEMPT: &str = "pod-security.kubernetes.io/exempt";
const ANN_VAP_FAILURE: &str = "validation.policy.admission.k8s.io/validation_failure";
const ANN_DECISION: &str = "authorization.k8s.io/decision";

/// One audit event; its strings borrow from the line when they have no escapes.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawEvent<'a> {
    /// `Event` (read only for [`Ingestor::ingest_line`]'s check).
    #[serde(default, borrow)]
    kind: IfString<'a>,
    #[serde(default, borrow, rename = "auditID")]
    audit_id: Option<Lent<'a>>,
    #[serde(default, borrow)]
    stage: Option<Lent<'a>>,
    #[serde(default, borrow)]
    verb: Option<Lent<'a>>,
    #[serde(default, borrow)]
    user: Option<RawUser<'a>>,
    #[serde(default, borrow)]
    object_ref: Option<RawObjectRef<'a>>,
    #[serde(default, borrow)]
    response_status: Option<RawStatus<'a>>,
    #[serde(borrow, default)]
    request_object: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response_object: Option<&'a RawValue>,
    #[serde(default, borrow)]
    request_received_timestamp: Option<Lent<'a>>,
    #[serde(default, borrow)]
    stage_timestamp: Option<Lent<'a>>,
    /// v1beta1 only.
    #[serde(default, borrow)]
    timestamp: Option<Lent<'a>>,
    /// v1beta1 only.
    #[serde(default, borrow)]
    metadata: Option<RawEventMeta<'a>>,
    /// Only string values are read (the others are skipped unparsed).
    #[serde(default, borrow)]
    annotations: Option<BTreeMap<Lent<'a>, IfString<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEventMeta<'a> {
    #[serde(default, borrow)]
    creation_timestamp: Option<Lent<'a>>,
}

#[derive(Deserialize)]
struct RawUser<'a> {
    #[serde(default, borrow)]
    username: Option<Lent<'a>>,
    #[serde(default, borrow)]
    groups: Option<Vec<Lent<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawObjectRef<'a> {
    #[serde(default, borrow)]
    resource: Option<Lent<'a>>,
    #[serde(default, borrow)]
    namespace: Option<Lent<'a>>,
    #[serde(default, borrow)]
    name: Option<Lent<'a>>,
    #[serde(default, borrow)]
    subresource: Option<Lent<'a>>,
}

#[derive(Deserialize)]
struct RawStatus<'a> {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default, borrow)]
    message: Option<Lent<'a>>,
}

/// The few pod fields muster reads from a request or response body.
#[derive(Deserialize)]
struct RawPod {
    #[serde(default)]
    metadata: Option<RawPodMeta>,
    #[serde(default)]
    spec: Option<RawPodSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPodMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    generate_name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPodSpec {
    #[serde(default)]
    containers: Option<Vec<RawContainer>>,
    #[serde(default)]
    init_containers: Option<Vec<RawContainer>>,
    #[serde(default)]
    ephemeral_containers: Option<Vec<RawContainer>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawContainer {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    security_context: Option<RawSecurityContext>,
}

#[derive(Deserialize)]
struct RawSecurityContext {
    #[serde(default)]
    privileged: Option<bool>,
}

/// One entry of the `validation_failure` annotation.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVapFailure {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    binding: Option<String>,
    #[serde(default)]
    validation_actions: Option<Vec<String>>,
}

/// Kind name for the common resources (`pods` → `Pod`); others keep their plural.
fn kind_of(resource: &str) -> String {
    match resource {
        "pods" => "Pod",
        "secrets" => "Secret",
        "configmaps" => "ConfigMap",
        "deployments" => "Deployment",
        "daemonsets" => "DaemonSet",
        "statefulsets" => "StatefulSet",
        "replicasets" => "ReplicaSet",
        "jobs" => "Job",
        "cronjobs" => "CronJob",
        "services" => "Service",
        "serviceaccounts" => "ServiceAccount",
        "namespaces" => "Namespace",
        "nodes" => "Node",
        "roles" => "Role",
        "clusterroles" => "ClusterRole",
        "rolebindings" => "RoleBinding",
        "clusterrolebindings" => "ClusterRoleBinding",
        "networkpolicies" => "NetworkPolicy",
        "ingresses" => "Ingress",
        other => return other.to_string(),
    }
    .to_string()
}

/// JSON-pointer escaping of one reference token.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `admission webhook "name" denied the request…` → `name`.
fn webhook_name(message: &str) -> Option<String> {
    let rest = message.split_once("admission webhook")?.1.trim_start();
    let rest = rest.strip_prefix('"')?;
    let (name, _) = rest.split_once('"')?;
    Some(name.to_string()).filter(|n| !n.is_empty())
}

/// Images (with their container names) of a pod body, across all container lists.
fn pod_containers(pod: &RawPod) -> Vec<&RawContainer> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    [
        &spec.containers,
        &spec.init_containers,
        &spec.ephemeral_containers,
    ]
    .into_iter()
    .flatten()
    .flatten()
    .collect()
}

fn parse_pod(raw: Option<&RawValue>) -> Option<RawPod> {
    // Bodies of other shapes are simply not pods: no diagnostic.
    raw.and_then(|r| serde_json::from_str::<RawPod>(r.get()).ok())
}

fn is_write(verb: &str) -> bool {
    matches!(
        verb,
        "create" | "update" | "patch" | "delete" | "deletecollection"
    )
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "k8s-audit",
    name: "Kubernetes API-server audit events",
    tested: "audit.k8s.io/v1 (Kubernetes 1.31, 1.32) and v1beta1 events, EventList",
    detection: "kind Event with auditID, stage and verb",
    signature: &["kind", "auditID", "stage", "verb", "requestURI"],
    channel: Channel::AuditLog,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for K8sAudit {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detects_from_top_level(&self) -> bool {
        true
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe.str("kind") == Some("Event")
            && probe.has("auditID")
            && probe.has("stage")
            && probe.has("verb")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if let Some(ev) = doc.parse::<RawEvent<'_>>(ctx) {
            emit_bare_event(doc, ctx, ev);
        }
    }

    fn ingest_line(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) -> bool {
        // What `detect` asks of the probe, asked of the parse.
        match serde_json::from_str::<RawEvent<'_>>(doc.text) {
            Ok(ev)
                if ev.kind.0.as_deref() == Some("Event")
                    && ev.audit_id.is_some()
                    && ev.stage.is_some()
                    && ev.verb.is_some() =>
            {
                emit_bare_event(doc, ctx, ev);
                true
            }
            _ => false,
        }
    }
}

/// The records of an event that is the whole document (no envelope).
fn emit_bare_event(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, ev: RawEvent<'_>) {
    let at = EventAt {
        slice: doc.text,
        pointer: String::new(),
        cluster: None,
    };
    emit_event(doc, ctx, FORMAT, ev, &at);
}

/// Where one audit event was found, and what its envelope says about it.
pub(super) struct EventAt<'s> {
    /// A slice of the file holding the event (gives the line): the document itself for
    /// a bare event, the envelope record for a wrapped one.
    pub slice: &'s str,
    /// JSON pointer of the event inside the document (`""` for a bare event; for an
    /// event carried as a JSON string, the pointer of that string).
    pub pointer: String,
    /// The cluster the envelope names.
    pub cluster: Option<Text>,
}

/// Every record one parsed audit event proves, read as `format` (the bare event format
/// or the envelope it came in), found at `at`.
pub(super) fn emit_event(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    format: Format,
    ev: RawEvent<'_>,
    at: &EventAt<'_>,
) {
    let times = [
        ("/stageTimestamp", ev.stage_timestamp.as_deref()),
        (
            "/requestReceivedTimestamp",
            ev.request_received_timestamp.as_deref(),
        ),
        ("/timestamp", ev.timestamp.as_deref()),
        (
            "/metadata/creationTimestamp",
            ev.metadata
                .as_ref()
                .and_then(|m| m.creation_timestamp.as_deref()),
        ),
    ];
    let observed = times.iter().filter_map(|(_, t)| *t).find_map(parse_time);
    // A time the event gives but that cannot be read leaves the event undated, which
    // proves no day of coverage: say so, at the field (the diagnostics keep the first
    // few per file and count the rest).
    if observed.is_none() {
        if let Some((field, text)) = times
            .iter()
            .find_map(|(f, t)| t.filter(|t| !t.trim().is_empty()).map(|t| (f, t)))
        {
            let line = doc.line_of(ctx, at.slice);
            ctx.unreadable_time(line, format!("{}{field}", at.pointer), text);
        }
    }
    let origin = ctx
        .origin(format)
        .tool(Text::literal(arcstr::literal!("kube-apiserver")))
        .observed(observed);
    let place = doc.at(at.slice, &at.pointer);
    // The log recorded an event: about its cluster only, so that a day folds to one
    // (nearly every event folds: it is built only when it does not).
    let cluster = Subject {
        cluster: at.cluster.clone(),
        ..Subject::default()
    };
    if !ctx.fold_event(&origin.heartbeat_key(AUDIT_LOG, &cluster)) {
        let mut heartbeat = origin.audit_heartbeat();
        heartbeat.subject = cluster.into();
        ctx.emit(heartbeat, &place);
    }
    let stage = ev.stage.as_deref().unwrap_or_default();
    if stage == "RequestReceived" {
        return;
    }
    let verb = ev.verb.clone().unwrap_or_default();
    let username = ev
        .user
        .as_ref()
        .and_then(|u| u.username.clone())
        .unwrap_or_default();
    let groups = ev
        .user
        .as_ref()
        .and_then(|u| u.groups.clone())
        .unwrap_or_default();
    let oref = ev.object_ref.as_ref();
    let resource = oref.and_then(|o| o.resource.clone()).unwrap_or_default();
    let subresource = oref.and_then(|o| o.subresource.clone()).unwrap_or_default();
    let code = ev.response_status.as_ref().and_then(|s| s.code);
    let succeeded = code.is_none_or(|c| c < 400);
    let status_message = ev
        .response_status
        .as_ref()
        .and_then(|s| s.message.clone())
        .unwrap_or_default();
    let annotations: BTreeMap<Lent<'_>, Lent<'_>> = ev
        .annotations
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.0?)))
        .collect();
    // The object of the request, built once when a record needs it.
    let subject = OnceCell::new();
    let subject = || -> &Shared<Subject> {
        subject.get_or_init(|| {
            Shared::from(Subject {
                cluster: at.cluster.clone(),
                namespace: (oref
                    .and_then(|o| o.namespace.clone())
                    .filter(|s| !s.is_empty()))
                .map(Text::from),
                kind: Some(kind_of(&resource))
                    .filter(|s| !s.is_empty())
                    .map(Text::from),
                name: oref
                    .and_then(|o| o.name.clone())
                    .filter(|s| !s.is_empty())
                    .map(Text::from),
                ..Subject::default()
            })
        })
    };
    // Every record but the sightings is about the request: its object and who made it.
    let about = |d: Draft| -> Draft {
        let mut d = d
            .attr("user", username.as_str())
            .attr("verb", verb.as_str())
            .attr("resource", resource.as_str())
            .attr("subresource", subresource.as_str())
            .attr("code", code.map(|c| c.to_string()).unwrap_or_default())
            .attr("audit_id", ev.audit_id.clone().unwrap_or_default());
        d.subject = subject().clone();
        d
    };

    // Admission: Pod Security.
    if let Some(policy) = annotations.get(ANN_PSA_ENFORCE) {
        let level = policy.split(':').next().unwrap_or_default().trim();
        let outcome = match level {
            "baseline" | "restricted" => Outcome::Pass,
            _ => Outcome::Warn,
        };
        let r = about(origin.admission("psa-enforce", outcome))
            .title(&format!("Pod Security enforce policy {policy}"))
            .attr("psa_level", level)
            .attr("psa_policy", policy.as_str());
        ctx.emit(r, &place);
    }
    if let Some(v) = annotations.get(ANN_PSA_VIOLATIONS) {
        let r = about(origin.admission("psa-violation", Outcome::Fail))
            .severity(Severity::Unknown)
            .title("Pod Security audit violation")
            .message(v);
        ctx.emit(r, &place);
    }
    if let Some(v) = annotations.get(ANN_PSA_EXEMPT) {
        let r = about(origin.admission("psa-exempt", Outcome::Warn))
            .title(&format!("Pod Security exemption ({v})"))
            .attr("exempt", v.as_str());
        ctx.emit(r, &place);
    }
    // Admission: webhook denial.
    if code.is_some_and(|c| (400..=403).contains(&c))
        && status_message.contains("admission webhook")
    {
        let r = about(origin.admission("webhook-denied", Outcome::Pass))
            .title("Admission webhook denied the request")
            .message(&status_message)
            .attr("webhook", webhook_name(&status_message).unwrap_or_default());
        ctx.emit(r, &place);
    }
    // ValidatingAdmissionPolicy failures.
    if let Some(encoded) = annotations.get(ANN_VAP_FAILURE) {
        let pointer = format!(
            "{}/annotations/{}",
            at.pointer,
            escape_pointer(ANN_VAP_FAILURE)
        );
        if let Some(failures) = doc.parse_owned::<Vec<RawVapFailure>>(ctx, encoded, &pointer) {
            let vap_at = doc.at(at.slice, &pointer);
            for f in failures {
                let policy = f.policy.clone().unwrap_or_default();
                let actions: Vec<String> = f
                    .validation_actions
                    .unwrap_or_default()
                    .iter()
                    .map(|a| a.to_ascii_lowercase())
                    .collect();
                let enforcement = ["deny", "warn", "audit"]
                    .into_iter()
                    .find(|a| actions.iter().any(|x| x == a))
                    .unwrap_or_default();
                let message = f.message.unwrap_or_default();
                let check = if policy.is_empty() {
                    "vap:unknown".to_string()
                } else {
                    format!("vap:{policy}")
                };
                let r = about(origin.policy(check, Outcome::Fail))
                    .severity(Severity::Unknown)
                    .title(&format!("ValidatingAdmissionPolicy {policy}"))
                    .message(&message)
                    .attr("policy", policy.as_str())
                    .attr("binding", f.binding.unwrap_or_default())
                    .attr("enforcement", enforcement)
                    .attr("validation_actions", actions.join(","))
                    .attr("source", "ValidatingAdmissionPolicy");
                ctx.emit(r, &vap_at);
                if enforcement == "deny" && !succeeded {
                    let d = about(origin.admission("vap-denied", Outcome::Pass))
                        .title(&format!(
                            "ValidatingAdmissionPolicy {policy} denied the request"
                        ))
                        .message(&message)
                        .attr("policy", policy.as_str());
                    ctx.emit(d, &place);
                }
            }
        }
    }

    // Activity.
    let activity = |code: &str, outcome: Outcome, title: &str| {
        about(origin.activity(code, outcome)).title(title)
    };
    match subresource.as_str() {
        "exec" | "attach" | "portforward" => {
            let title = format!("kubectl {subresource} into a pod");
            ctx.emit(activity(&subresource, Outcome::Info, &title), &place);
        }
        "ephemeralcontainers" if is_write(&verb) => {
            let title = "Ephemeral container added to a pod";
            ctx.emit(
                activity("ephemeral-container", Outcome::Info, title),
                &place,
            );
        }
        _ => {}
    }
    if resource == "secrets" && matches!(verb.as_str(), "get" | "list" | "watch") && succeeded {
        ctx.emit(
            activity("secret-read", Outcome::Info, "Secret read"),
            &place,
        );
    }
    if username == "system:anonymous"
        && annotations.get(ANN_DECISION).map(Lent::as_str) == Some("allow")
    {
        let title = "Anonymous request was authorised";
        ctx.emit(activity("anonymous-allowed", Outcome::Fail, title), &place);
    }
    if groups.iter().any(|g| g == "system:masters") {
        let title = "Request by a member of system:masters";
        ctx.emit(activity("system-masters", Outcome::Warn, title), &place);
    }
    let pod_create = resource == "pods" && subresource.is_empty() && verb == "create";
    // The pod asked for, read once for the privileged containers and the sightings.
    let request = (pod_create && succeeded)
        .then(|| parse_pod(ev.request_object))
        .flatten();
    if pod_create && succeeded {
        let privileged: Vec<String> = request
            .as_ref()
            .map(pod_containers)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| {
                c.security_context
                    .as_ref()
                    .and_then(|s| s.privileged)
                    .unwrap_or(false)
            })
            .map(|c| c.name.clone().unwrap_or_default())
            .collect();
        if !privileged.is_empty() {
            let mut r = activity("privileged-pod", Outcome::Fail, "Privileged pod created")
                .attr("containers", privileged.join(","));
            r.subject.container = privileged
                .first()
                .cloned()
                .filter(|c| !c.is_empty())
                .map(Text::from);
            ctx.emit(r, &place);
        }
    }
    if resource == "networkpolicies" && is_write(&verb) && succeeded {
        let title = format!("NetworkPolicy {verb}");
        ctx.emit(
            activity("networkpolicy-change", Outcome::Info, &title),
            &place,
        );
    }
    if matches!(
        resource.as_str(),
        "roles" | "clusterroles" | "rolebindings" | "clusterrolebindings"
    ) && is_write(&verb)
        && succeeded
    {
        let title = format!("{} {verb}", kind_of(&resource));
        ctx.emit(activity("rbac-change", Outcome::Info, &title), &place);
    }

    // Sightings: the images of a pod that was created.
    if pod_create && succeeded && stage == "ResponseComplete" {
        let response = parse_pod(ev.response_object);
        let body = match (&response, &request) {
            (Some(r), _) if !pod_containers(r).is_empty() => Some(r),
            (_, Some(r)) => Some(r),
            _ => None,
        };
        if let Some(pod) = body {
            let meta = |p: &Option<RawPod>| {
                p.as_ref().and_then(|p| {
                    p.metadata
                        .as_ref()
                        .map(|m| (m.name.clone(), m.generate_name.clone(), m.namespace.clone()))
                })
            };
            let (resp_name, _, resp_ns) = meta(&response).unwrap_or_default();
            let (_, req_generate, req_ns) = meta(&request).unwrap_or_default();
            let name = subject()
                .name
                .clone()
                .or(resp_name.map(Text::from))
                .or(req_generate.map(Text::from))
                .filter(|n| !n.is_empty());
            let namespace = subject()
                .namespace
                .clone()
                .or(resp_ns.map(Text::from))
                .or(req_ns.map(Text::from))
                .filter(|n| !n.is_empty());
            let mut seen = std::collections::BTreeSet::new();
            for c in pod_containers(pod) {
                let Some(image) = c.image.as_deref().and_then(ImageRef::parse) else {
                    continue;
                };
                if !seen.insert((c.name.clone(), image.key())) {
                    continue;
                }
                let mut r = origin
                    .sighting()
                    .title(&format!("Image {} admitted in a pod", image.tagged()));
                r.subject = Subject {
                    cluster: at.cluster.clone(),
                    namespace: namespace.clone(),
                    kind: Some(crate::model::POD_KIND),
                    name: name.clone(),
                    container: c.name.clone().filter(|n| !n.is_empty()).map(Text::from),
                    image: Some(image),
                    ..Subject::default()
                }
                .into();
                ctx.emit(r, &place);
            }
        }
    }
}

#[cfg(test)]
#[path = "k8s_audit_tests.rs"]
mod tests;
