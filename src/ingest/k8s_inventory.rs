//! The Kubernetes inventory: `kubectl get pods,deployments,daemonsets,statefulsets,jobs,
//! cronjobs,namespaces,networkpolicies,clusterrolebindings,rolebindings,serviceaccounts
//! -A -o json` (a `List`), typed lists from the API (`PodList`, …) and single objects.
//!
//! It is the source of truth for what runs: every container of every pod (init and
//! ephemeral containers included) yields a `sighting` of its image, attributed to the
//! owning workload — the Deployment behind a ReplicaSet, the CronJob behind a Job —
//! never to the pod. Each container and pod spec (of pods and of controller templates)
//! is checked by [`super::workload`], one `misconfiguration` record per workload,
//! container and check (the worst result wins when replicas disagree). Namespaces get
//! `namespace-pod-security` (a Pod Security Admission `enforce` label of baseline or
//! restricted) and `namespace-default-deny` (a NetworkPolicy selecting every pod for
//! ingress); bindings of `cluster-admin` to anything but system identities fail
//! `cluster-admin-binding`. A whole `List` is claimed only when its first item is one of
//! these kinds, so trivy-operator and PolicyReport lists stay with their formats; other
//! items inside a claimed list are handed to the format that claims them. kubectl output
//! names neither its cluster nor a time: records are dated from the file path.

use super::arm::place;
use super::tree::Node;
use super::{workload, Doc, FileCtx, Ingestor, Origin, Probe};
use crate::diag::Code;
use crate::model::{Channel, Format, FormatInfo, ImageRef, Outcome, Severity, Subject, Text};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The Kubernetes inventory ingestor.
pub struct K8sInventory;

/// The kinds the inventory reads, with the API groups they belong to.
const KINDS: &[(&str, &str)] = &[
    ("Pod", "v1"),
    ("Namespace", "v1"),
    ("ServiceAccount", "v1"),
    ("Deployment", "apps/"),
    ("ReplicaSet", "apps/"),
    ("DaemonSet", "apps/"),
    ("StatefulSet", "apps/"),
    ("Job", "batch/"),
    ("CronJob", "batch/"),
    ("NetworkPolicy", "networking.k8s.io/"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io/"),
    ("RoleBinding", "rbac.authorization.k8s.io/"),
];

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "k8s-inventory",
    name: "Kubernetes inventory (kubectl get … -A -o json)",
    tested: "kubectl List of core/v1, apps/v1, batch/v1, networking.k8s.io/v1, rbac.authorization.k8s.io/v1 objects (Kubernetes 1.27–1.31 field set); API typed lists (PodList, …); single objects",
    detection: "a List (or <Kind>List) whose first item is a Pod, workload controller, Namespace, ServiceAccount, NetworkPolicy or (Cluster)RoleBinding; or one such object",
    signature: &["apiVersion", "kind", "items"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

fn inventory_kind(kind: Option<&str>, api: Option<&str>) -> bool {
    KINDS.iter().any(|(k, g)| {
        kind == Some(*k)
            && api.is_some_and(|a| {
                if g.ends_with('/') {
                    a.starts_with(g)
                } else {
                    a == *g
                }
            })
    })
}

/// The item kind of a typed list (`PodList` → `Pod`), when it is one of ours.
fn typed_list(kind: &str) -> Option<&'static str> {
    let item = kind.strip_suffix("List")?;
    KINDS.iter().map(|(k, _)| *k).find(|k| *k == item)
}

impl Ingestor for K8sInventory {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        if !probe.is_object {
            return false;
        }
        let kind = probe.str("kind");
        if kind.is_some_and(|k| k.ends_with("List")) && probe.has("items") {
            if kind.and_then(typed_list).is_some() {
                return true;
            }
            return probe
                .first_of("items")
                .is_some_and(|f| inventory_kind(f.str("kind"), f.str("apiVersion")));
        }
        probe.has("metadata") && inventory_kind(kind, probe.str("apiVersion"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let items = items(doc, ctx);
        let values: Vec<(&str, Value, String)> = items
            .into_iter()
            .filter_map(|(slice, ptr)| {
                let v: Value = doc.parse_owned(ctx, slice, &ptr)?;
                Some((slice, v, format!("{}{ptr}", doc.pointer)))
            })
            .collect();
        let mut inv = Inventory {
            list_kind: doc.probe.str("kind").and_then(typed_list),
            ..Inventory::default()
        };
        for (slice, value, pointer) in &values {
            let node = Node::root(value, pointer);
            let kind = node.str("kind").or(inv.list_kind).unwrap_or_default();
            if KINDS.iter().any(|(k, _)| *k == kind) {
                inv.index(kind, node, slice);
            } else {
                hand_over(doc, ctx, slice, pointer);
            }
        }
        inv.emit(doc, ctx);
    }
}

#[derive(Deserialize)]
struct ListDoc<'a> {
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
}

/// The objects of a document (list items or the object itself), with their pointers
/// relative to the document.
fn items<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) -> Vec<(&'a str, String)> {
    if doc.probe.has("items") {
        let list = doc
            .parse::<ListDoc<'a>>(ctx)
            .and_then(|l| l.items)
            .unwrap_or_default();
        return list
            .into_iter()
            .enumerate()
            .map(|(i, r)| (r.get(), format!("/items/{i}")))
            .collect();
    }
    vec![(doc.text, String::new())]
}

/// An item of another kind inside a claimed list goes to the format that claims it.
fn hand_over(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, slice: &str, pointer: &str) {
    let Ok(probe) = Probe::of(slice) else {
        return;
    };
    match super::detect(&probe) {
        Some(ingestor) if ingestor.info().id != INFO.id => {
            let item = Doc {
                text: slice,
                probe: &probe,
                pointer: pointer.to_string(),
                line: doc.line,
            };
            ingestor.ingest(&item, ctx);
        }
        _ => ctx.warn(
            Code::UnknownFormat,
            doc.line_of(ctx, slice),
            Some(pointer.to_string()),
            format!(
                "list item of kind {} is not part of the inventory and no format claims it",
                probe.str("kind").unwrap_or("(none)")
            ),
        ),
    }
}

/// A workload a pod spec belongs to: namespace, kind, name.
type Owner = (String, String, String);

/// Everything indexed from one document before records are made.
#[derive(Default)]
struct Inventory<'v> {
    list_kind: Option<&'static str>,
    /// (spec, owner, slice, is a running pod).
    specs: Vec<(Node<'v>, Owner, &'v str, bool)>,
    namespaces: Vec<(Node<'v>, &'v str)>,
    policies: BTreeMap<String, Vec<Node<'v>>>,
    accounts: BTreeMap<(String, String), bool>,
    replica_sets: BTreeMap<(String, String), Owner>,
    jobs: BTreeMap<(String, String), Owner>,
    bindings: Vec<(Node<'v>, &'v str)>,
    pods: Vec<(Node<'v>, &'v str)>,
}

fn owner_ref<'v>(n: &Node<'v>) -> Option<Node<'v>> {
    let refs = n.at(&["metadata", "ownerReferences"])?.items();
    refs.iter()
        .find(|r| r.get("controller").and_then(|c| c.boolean()) == Some(true))
        .or_else(|| refs.first())
        .cloned()
}

impl<'v> Inventory<'v> {
    fn index(&mut self, kind: &str, n: Node<'v>, slice: &'v str) {
        let ns = n
            .at(&["metadata", "namespace"])
            .and_then(|x| x.text())
            .unwrap_or("default");
        let name = n
            .at(&["metadata", "name"])
            .and_then(|x| x.text())
            .unwrap_or("(unnamed)");
        let me = (ns.to_string(), kind.to_string(), name.to_string());
        let parent = owner_ref(&n)
            .and_then(|r| Some((r.str("kind")?.to_string(), r.str("name")?.to_string())));
        let template = |path: &[&str]| n.at(path);
        match kind {
            "Pod" => self.pods.push((n, slice)),
            "Namespace" => self.namespaces.push((n, slice)),
            "NetworkPolicy" => self.policies.entry(ns.to_string()).or_default().push(n),
            "ServiceAccount" => {
                if let Some(b) = n
                    .get("automountServiceAccountToken")
                    .and_then(|b| b.boolean())
                {
                    self.accounts.insert((ns.to_string(), name.to_string()), b);
                }
            }
            "ClusterRoleBinding" | "RoleBinding" => self.bindings.push((n, slice)),
            "ReplicaSet" | "Job" => {
                let owned = parent.map(|(k, p)| (ns.to_string(), k, p));
                let map = if kind == "Job" {
                    &mut self.jobs
                } else {
                    &mut self.replica_sets
                };
                if let Some(o) = &owned {
                    map.insert((ns.to_string(), name.to_string()), o.clone());
                }
                // An owned ReplicaSet or Job is checked through its owner's template.
                if owned.is_none() {
                    if let Some(spec) = template(&["spec", "template", "spec"]) {
                        self.specs.push((spec, me, slice, false));
                    }
                }
            }
            "CronJob" => {
                if let Some(spec) = template(&["spec", "jobTemplate", "spec", "template", "spec"]) {
                    self.specs.push((spec, me, slice, false));
                }
            }
            _ => {
                if let Some(spec) = template(&["spec", "template", "spec"]) {
                    self.specs.push((spec, me, slice, false));
                }
            }
        }
    }

    /// The workload a pod belongs to (the Deployment behind its ReplicaSet, the CronJob
    /// behind its Job), or the pod itself.
    fn owner_of(&self, pod: &Node<'_>, ns: &str, name: &str) -> Owner {
        let own = |k: &str, n: &str| (ns.to_string(), k.to_string(), n.to_string());
        let Some(r) = owner_ref(pod) else {
            return own("Pod", name);
        };
        let (kind, owner) = (
            r.str("kind").unwrap_or_default(),
            r.str("name").unwrap_or_default(),
        );
        match kind {
            "ReplicaSet" => self
                .replica_sets
                .get(&(ns.to_string(), owner.to_string()))
                .cloned()
                .unwrap_or_else(|| {
                    let hash = pod
                        .at(&["metadata", "labels", "pod-template-hash"])
                        .and_then(|h| h.text());
                    match hash.and_then(|h| owner.strip_suffix(&format!("-{h}"))) {
                        Some(deployment) => own("Deployment", deployment),
                        None => own("ReplicaSet", owner),
                    }
                }),
            "Job" => self
                .jobs
                .get(&(ns.to_string(), owner.to_string()))
                .cloned()
                .unwrap_or_else(|| own("Job", owner)),
            "Node" | "" => own("Pod", name),
            _ => own(kind, owner),
        }
    }

    fn emit(mut self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("kubectl");
        let pods = std::mem::take(&mut self.pods);
        for (p, slice) in &pods {
            let ns = p
                .at(&["metadata", "namespace"])
                .and_then(|x| x.text())
                .unwrap_or("default");
            let name = p
                .at(&["metadata", "name"])
                .and_then(|x| x.text())
                .unwrap_or("(unnamed)");
            if let Some(spec) = p.get("spec") {
                let owner = self.owner_of(p, ns, name);
                self.specs.push((spec, owner, slice, true));
            }
        }
        let any_pod = self.specs.iter().any(|s| s.3);
        let mut checks: BTreeMap<(Owner, String, &'static str), (workload::Checked, &str)> =
            BTreeMap::new();
        let mut seen: BTreeSet<(Owner, String, String)> = BTreeSet::new();
        for (spec, owner, slice, running) in &self.specs {
            let sa = spec
                .str("serviceAccountName")
                .or_else(|| spec.str("serviceAccount"))
                .unwrap_or("default");
            let automount = self
                .accounts
                .get(&(owner.0.clone(), sa.to_string()))
                .copied();
            for c in workload::pod(spec, automount) {
                keep(&mut checks, (owner.clone(), String::new(), c.id), c, slice);
            }
            for key in ["containers", "initContainers", "ephemeralContainers"] {
                for c in spec.get(key).map(|n| n.items()).unwrap_or_default() {
                    let cname = c.str("name").unwrap_or("(unnamed)").to_string();
                    if *running || !any_pod {
                        if let Some(image) = c.str("image").and_then(ImageRef::parse) {
                            if seen.insert((owner.clone(), cname.clone(), image.tagged())) {
                                let mut s = origin.sighting().title(&format!(
                                    "Image {} runs in {}/{}/{}",
                                    image.tagged(),
                                    owner.0,
                                    owner.1,
                                    owner.2
                                ));
                                s.subject = subject(owner, Some(&cname), Some(image)).into();
                                ctx.emit(s, &place(doc, slice, &c.pointer));
                            }
                        }
                    }
                    for check in workload::container(&c, spec) {
                        keep(
                            &mut checks,
                            (owner.clone(), cname.clone(), check.id),
                            check,
                            slice,
                        );
                    }
                }
            }
        }
        for ((owner, container, _), (c, slice)) in checks {
            let container = (!container.is_empty()).then_some(container.as_str());
            misconfiguration(
                doc,
                ctx,
                &origin,
                subject(&owner, container, None),
                &c,
                slice,
            );
        }
        self.namespace_checks(doc, ctx, &origin);
        self.binding_checks(doc, ctx, &origin);
    }

    fn namespace_checks(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>, origin: &Origin) {
        for (n, slice) in &self.namespaces {
            let Some(name) = n.at(&["metadata", "name"]).and_then(|x| x.text()) else {
                continue;
            };
            let owner = (name.to_string(), "Namespace".to_string(), name.to_string());
            let label = n.at(&["metadata", "labels", "pod-security.kubernetes.io/enforce"]);
            let level = label.as_ref().and_then(|l| l.text()).unwrap_or("");
            let enforced = matches!(level, "baseline" | "restricted");
            let psa = workload::Checked {
                id: "namespace-pod-security",
                title: "Pod Security Admission enforces baseline or restricted",
                failed: "Pod Security Admission enforces neither baseline nor restricted",
                severity: Severity::Medium,
                pass: enforced,
                pointer: label.as_ref().unwrap_or(n).pointer.clone(),
                detail: if level.is_empty() {
                    "no pod-security.kubernetes.io/enforce label".to_string()
                } else {
                    format!("enforce: {level}")
                },
            };
            misconfiguration(doc, ctx, origin, subject(&owner, None, None), &psa, slice);
            let deny = self
                .policies
                .get(name)
                .and_then(|ps| ps.iter().find(|p| default_deny(p)));
            let netpol = workload::Checked {
                id: "namespace-default-deny",
                title: "A default-deny ingress NetworkPolicy selects every pod",
                failed: "No default-deny ingress NetworkPolicy selects every pod",
                severity: Severity::Medium,
                pass: deny.is_some(),
                pointer: deny.unwrap_or(n).pointer.clone(),
                detail: match deny {
                    Some(p) => format!(
                        "NetworkPolicy {}",
                        p.at(&["metadata", "name"])
                            .and_then(|x| x.text())
                            .unwrap_or("?")
                    ),
                    None => {
                        "no NetworkPolicy with an empty podSelector for ingress in the inventory"
                            .into()
                    }
                },
            };
            misconfiguration(
                doc,
                ctx,
                origin,
                subject(&owner, None, None),
                &netpol,
                slice,
            );
        }
    }

    fn binding_checks(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>, origin: &Origin) {
        for (b, slice) in &self.bindings {
            let role = b.at(&["roleRef", "name"]).and_then(|r| r.text());
            if role != Some("cluster-admin") {
                continue;
            }
            let kind = b.str("kind").unwrap_or("ClusterRoleBinding");
            let ns = b.at(&["metadata", "namespace"]).and_then(|x| x.text());
            let name = b
                .at(&["metadata", "name"])
                .and_then(|x| x.text())
                .unwrap_or("(unnamed)");
            let subjects = b.get("subjects").map(|s| s.items()).unwrap_or_default();
            let offending: Vec<&Node<'_>> =
                subjects.iter().filter(|s| !system_subject(s)).collect();
            let names: Vec<String> = offending
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s.str("kind").unwrap_or("?"),
                        s.str("name").unwrap_or("?")
                    )
                })
                .collect();
            let check = workload::Checked {
                id: "cluster-admin-binding",
                title: "cluster-admin is bound only to system identities",
                failed: "cluster-admin is bound to an identity other than the system's",
                severity: Severity::High,
                pass: offending.is_empty(),
                pointer: offending
                    .first()
                    .map_or(b.pointer.clone(), |s| s.pointer.clone()),
                detail: if names.is_empty() {
                    "system identities only".to_string()
                } else {
                    format!("bound to {}", names.join(", "))
                },
            };
            let subj = Subject {
                namespace: ns.map(Text::from),
                kind: Some(Text::from(kind)),
                name: Some(Text::from(name)),
                ..Subject::default()
            };
            misconfiguration(doc, ctx, origin, subj, &check, slice);
        }
    }
}

/// Keep the worst result per workload, container and check.
fn keep<'s>(
    map: &mut BTreeMap<(Owner, String, &'static str), (workload::Checked, &'s str)>,
    key: (Owner, String, &'static str),
    c: workload::Checked,
    slice: &'s str,
) {
    match map.get(&key) {
        Some((old, _)) if !old.pass || c.pass => {}
        _ => {
            map.insert(key, (c, slice));
        }
    }
}

/// Whether a NetworkPolicy selects every pod of its namespace and denies ingress by default.
fn default_deny(p: &Node<'_>) -> bool {
    let Some(spec) = p.get("spec") else {
        return false;
    };
    let selector_empty = spec.get("podSelector").is_none_or(|s| {
        s.get("matchLabels")
            .is_none_or(|m| m.value.as_object().is_none_or(|o| o.is_empty()))
            && s.get("matchExpressions")
                .is_none_or(|m| m.items().is_empty())
    });
    let types: Vec<&str> = spec
        .get("policyTypes")
        .map(|t| t.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.text())
        .collect();
    let governs_ingress =
        types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case("Ingress"));
    let allows_all = spec.get("ingress").is_some_and(|i| {
        i.items()
            .iter()
            .any(|rule| rule.get("from").is_none() && rule.get("ports").is_none())
    });
    selector_empty && governs_ingress && !allows_all
}

/// Built-in identities a cluster binds `cluster-admin` to.
fn system_subject(s: &Node<'_>) -> bool {
    let name = s.str("name").unwrap_or_default();
    let kind = s.str("kind").unwrap_or_default();
    name.starts_with("system:")
        || (kind == "ServiceAccount" && s.str("namespace") == Some("kube-system"))
}

fn subject(owner: &Owner, container: Option<&str>, image: Option<ImageRef>) -> Subject {
    Subject {
        namespace: Some(Text::from(owner.0.as_str())),
        kind: Some(Text::from(owner.1.as_str())),
        name: Some(Text::from(owner.2.as_str())),
        container: container.map(Text::from),
        image,
        ..Subject::default()
    }
}

fn misconfiguration(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    origin: &Origin,
    subject: Subject,
    c: &workload::Checked,
    slice: &str,
) {
    let outcome = if c.pass { Outcome::Pass } else { Outcome::Fail };
    let mut d = origin
        .misconfiguration(c.id, outcome)
        .title(c.title_now())
        .message(&c.detail)
        .severity(c.severity);
    d.subject = subject.into();
    ctx.emit(d, &place(doc, slice, &c.pointer));
}

#[cfg(test)]
#[path = "k8s_inventory_tests.rs"]
mod tests;
