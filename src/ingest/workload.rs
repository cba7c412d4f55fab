//! Security checks on the specification of what runs: one container (Kubernetes pod
//! containers, init and ephemeral containers included; Azure Container Instances
//! containers) and one pod spec. Shared by the Kubernetes inventory and ACI.
//!
//! A Kubernetes pod spec is complete: a field left out takes the API default (not
//! privileged, privilege escalation allowed, root filesystem writable, the service
//! account token mounted), which these checks apply. An ACI container is checked only
//! on the `securityContext` it declares. Each check has a stable id (the check id of
//! the `misconfiguration` record the caller emits) and a fixed severity. Environment
//! variable *values* are read only to tell whether they hold credentials, and never kept.
//!
//! The privileged flag overrides what other fields say, as it does in Kubernetes: a
//! privileged container holds every capability, runs without a seccomp filter and can
//! escalate its privileges (so can one that adds SYS_ADMIN), so the capability,
//! seccomp and privilege-escalation checks fail on it, and their rows point at the
//! `privileged` field rather than at a `drop: [ALL]` or a seccomp profile that has no
//! effect.

use super::tree::Node;
use crate::model::{secret_looking_name, Format, Outcome, Severity};

/// Every check id muster's own inventory checks use (this module's container and pod
/// checks, and the Kubernetes inventory's namespace and binding checks). Each has the
/// interface strings `inventory-check.<id>.pass` and `inventory-check.<id>.fail`, the
/// titles of a passing and a failing record, in every language; the English ones are
/// the titles the records carry.
pub const INVENTORY_CHECK_IDS: &[&str] = &[
    "pod-privileged",
    "pod-run-as-non-root",
    "pod-dangerous-capabilities",
    "pod-privilege-escalation",
    "pod-capabilities-dropped",
    "pod-seccomp",
    "pod-read-only-root-fs",
    "pod-resource-limits",
    "pod-secret-env-literal",
    "pod-host-namespaces",
    "pod-host-path",
    "pod-sa-token-automount",
    "namespace-pod-security",
    "namespace-default-deny",
    "cluster-admin-binding",
];

/// The interface-string key of the title of a record muster's own checks made (read
/// from the Kubernetes inventory or Azure Container Instances, with one of
/// [`INVENTORY_CHECK_IDS`], passed or failed), so a site shows it in its language; `None` for
/// any other record (a tool's title is shown as the tool wrote it).
pub fn inventory_title_key(format: Format, check: &str, outcome: Outcome) -> Option<String> {
    let ours = format == super::k8s_inventory::FORMAT || format == super::aci::FORMAT;
    let verdict = match outcome {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        _ => return None,
    };
    let id = INVENTORY_CHECK_IDS
        .iter()
        .find(|id| **id == check)
        .filter(|_| ours)?;
    Some(format!("inventory-check.{id}.{verdict}"))
}

/// One check's result on one container or pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The check id.
    pub id: &'static str,
    /// What passing means (the title of a passing record).
    pub title: &'static str,
    /// What failing means (the title of a failing record, so a finding's title says
    /// what is wrong, not the requirement it fails).
    pub failed: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// Whether it passed.
    pub pass: bool,
    /// The pointer of the field that decided (the container or pod when omitted).
    pub pointer: String,
    /// Why, in a few words (names only, never values).
    pub detail: String,
}

/// Capabilities that give a container host-level power.
const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
];

impl Checked {
    /// The record's title: what passing means when it passed, what is wrong when not.
    pub fn title_now(&self) -> &'static str {
        if self.pass {
            self.title
        } else {
            self.failed
        }
    }
}

fn checked(
    id: &'static str,
    [title, failed]: [&'static str; 2],
    severity: Severity,
    pass: bool,
    at: &Node<'_>,
    detail: impl Into<String>,
) -> Checked {
    Checked {
        id,
        title,
        failed,
        severity,
        pass,
        pointer: at.pointer.clone(),
        detail: detail.into(),
    }
}

/// Whether an environment value carries credentials (a connection string with a key,
/// password or signature); the value itself is not kept.
fn credential_value(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    [
        "password=",
        "pwd=",
        "accountkey=",
        "sharedaccesskey=",
        "sig=",
        "secret=",
    ]
    .iter()
    .any(|k| l.contains(k))
        || l.contains("-----begin")
}

/// Names (and pointers) of the variables of `env` given as a plain `value` that hold
/// a secret by their name or their value.
pub fn plain_secret_env(env: &Node<'_>) -> Vec<(String, String)> {
    env.items()
        .iter()
        .filter_map(|e| {
            let name = e.str("name")?;
            let value = e.get("value")?;
            let secret = secret_looking_name(name) || value.text().is_some_and(credential_value);
            secret.then(|| (name.to_string(), value.pointer))
        })
        .collect()
}

/// The checks on one Kubernetes container (`pod`: its pod spec, for pod-level defaults).
pub fn container(c: &Node<'_>, pod: &Node<'_>) -> Vec<Checked> {
    let sc = c.get("securityContext");
    let psc = pod.get("securityContext");
    let field = |key: &str| sc.as_ref().and_then(|s| s.get(key));
    let pod_field = |key: &str| psc.as_ref().and_then(|s| s.get(key));
    let is_true = |n: &Option<Node<'_>>| n.as_ref().and_then(Node::boolean) == Some(true);
    let mut out = Vec::new();

    let privileged = field("privileged");
    // A privileged container holds every capability and runs without a seccomp
    // filter, whatever its capabilities and seccompProfile say: those checks fail on
    // the privileged flag, which their rows then point at.
    let is_privileged = is_true(&privileged);
    out.push(checked(
        "pod-privileged",
        ["Container is not privileged", "Container is privileged"],
        Severity::High,
        !is_privileged,
        privileged.as_ref().unwrap_or(c),
        if is_privileged {
            "privileged: true"
        } else {
            "not privileged"
        },
    ));

    let user = field("runAsUser").or_else(|| pod_field("runAsUser"));
    let non_root = field("runAsNonRoot").or_else(|| pod_field("runAsNonRoot"));
    let uid = user.as_ref().and_then(|u| u.value.as_i64());
    let (pass, at, detail) = match (uid, non_root.as_ref().and_then(Node::boolean)) {
        (Some(0), _) => (false, user.clone(), "runAsUser: 0"),
        (Some(_), _) => (true, user.clone(), "runAsUser is not 0"),
        (None, Some(true)) => (true, non_root.clone(), "runAsNonRoot: true"),
        _ => (false, None, "no runAsNonRoot or non-zero runAsUser"),
    };
    out.push(checked(
        "pod-run-as-non-root",
        [
            "Container runs as a non-root user",
            "Container may run as root",
        ],
        Severity::Medium,
        pass,
        at.as_ref().unwrap_or(c),
        detail,
    ));

    let caps = sc.as_ref().and_then(|s| s.get("capabilities"));
    let added: Vec<String> = caps
        .as_ref()
        .and_then(|k| k.get("add"))
        .map(|a| a.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.text())
        .map(|s| s.trim_start_matches("CAP_").to_ascii_uppercase())
        .collect();
    let dangerous: Vec<&String> = added
        .iter()
        .filter(|a| DANGEROUS_CAPS.contains(&a.as_str()))
        .collect();
    let add = caps.as_ref().and_then(|k| k.get("add"));
    out.push(checked(
        "pod-dangerous-capabilities",
        [
            "No host-level capability (SYS_ADMIN, NET_ADMIN, ALL, …) is added",
            "A host-level capability (SYS_ADMIN, NET_ADMIN, ALL, …) is added or granted",
        ],
        Severity::High,
        dangerous.is_empty() && !is_privileged,
        if is_privileged {
            privileged.as_ref().unwrap_or(c)
        } else {
            add.as_ref().unwrap_or(c)
        },
        if is_privileged {
            "privileged: true grants every capability".to_string()
        } else if dangerous.is_empty() {
            "no dangerous capability added".to_string()
        } else {
            format!(
                "adds {}",
                dangerous
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    ));
    // Kubernetes lets a privileged container (and one that adds SYS_ADMIN) escalate
    // whatever allowPrivilegeEscalation says.
    let escalation = field("allowPrivilegeEscalation");
    let sys_admin = added.iter().any(|a| a == "SYS_ADMIN" || a == "ALL");
    let no_escalation =
        escalation.as_ref().and_then(Node::boolean) == Some(false) && !is_privileged && !sys_admin;
    out.push(checked(
        "pod-privilege-escalation",
        [
            "Privilege escalation is disabled",
            "Privilege escalation is allowed",
        ],
        Severity::Medium,
        no_escalation,
        if is_privileged {
            privileged.as_ref().unwrap_or(c)
        } else {
            escalation.as_ref().unwrap_or(c)
        },
        if no_escalation {
            "allowPrivilegeEscalation: false"
        } else if is_privileged {
            "privileged: true (it can escalate whatever allowPrivilegeEscalation says)"
        } else if sys_admin {
            "adds SYS_ADMIN (it can escalate whatever allowPrivilegeEscalation says)"
        } else {
            "allowPrivilegeEscalation not false (the default allows it)"
        },
    ));
    let drop = caps.as_ref().and_then(|k| k.get("drop"));
    let drops_all = drop.as_ref().is_some_and(|d| {
        d.items()
            .iter()
            .any(|n| n.text().is_some_and(|t| t.eq_ignore_ascii_case("ALL")))
    });
    out.push(checked(
        "pod-capabilities-dropped",
        [
            "All capabilities are dropped",
            "Not every capability is dropped",
        ],
        Severity::Low,
        drops_all && !is_privileged,
        if is_privileged {
            privileged.as_ref().unwrap_or(c)
        } else {
            drop.as_ref().unwrap_or(c)
        },
        if is_privileged {
            "privileged: true grants every capability, whatever is dropped"
        } else if drops_all {
            "drops ALL"
        } else {
            "does not drop ALL"
        },
    ));

    let seccomp = field("seccompProfile")
        .or_else(|| pod_field("seccompProfile"))
        .and_then(|s| s.get("type"));
    let confined = seccomp.as_ref().and_then(Node::text).is_some_and(|t| {
        t.eq_ignore_ascii_case("RuntimeDefault") || t.eq_ignore_ascii_case("Localhost")
    });
    out.push(checked(
        "pod-seccomp",
        [
            "A RuntimeDefault or Localhost seccomp profile applies",
            "No RuntimeDefault or Localhost seccomp profile applies",
        ],
        Severity::Low,
        confined && !is_privileged,
        if is_privileged {
            privileged.as_ref().unwrap_or(c)
        } else {
            seccomp.as_ref().unwrap_or(c)
        },
        if is_privileged {
            "privileged: true runs unconfined, whatever seccompProfile says"
        } else if confined {
            "seccomp profile set"
        } else {
            "no seccomp profile (Unconfined)"
        },
    ));

    let ro = field("readOnlyRootFilesystem");
    let read_only = is_true(&ro);
    out.push(checked(
        "pod-read-only-root-fs",
        [
            "The root filesystem is read-only",
            "The root filesystem is writable",
        ],
        Severity::Low,
        read_only,
        ro.as_ref().unwrap_or(c),
        if read_only {
            "readOnlyRootFilesystem: true"
        } else {
            "root filesystem writable"
        },
    ));

    let limits = c.at(&["resources", "limits"]);
    let has = |k: &str| limits.as_ref().is_some_and(|l| l.get(k).is_some());
    let limited = has("cpu") && has("memory");
    out.push(checked(
        "pod-resource-limits",
        [
            "CPU and memory limits are set",
            "A CPU or memory limit is missing",
        ],
        Severity::Low,
        limited,
        limits.as_ref().unwrap_or(c),
        if limited {
            "cpu and memory limits"
        } else {
            "cpu or memory limit missing"
        },
    ));

    let env = c.get("env");
    let secrets = env.as_ref().map(plain_secret_env).unwrap_or_default();
    out.push(Checked {
        id: "pod-secret-env-literal",
        title: "No secret is passed as a literal environment value",
        failed: "A secret is passed as a literal environment value",
        severity: Severity::High,
        pass: secrets.is_empty(),
        pointer: secrets
            .first()
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| c.pointer.clone()),
        detail: if secrets.is_empty() {
            "no literal secret in env".to_string()
        } else {
            let names: Vec<&str> = secrets.iter().map(|(n, _)| n.as_str()).collect();
            format!("literal value for {}", names.join(", "))
        },
    });
    out
}

/// The pod-level checks (`sa_automount`: the service account's own setting, when known).
pub fn pod(spec: &Node<'_>, sa_automount: Option<bool>) -> Vec<Checked> {
    let mut out = Vec::new();
    let host: Vec<Node<'_>> = ["hostNetwork", "hostPID", "hostIPC"]
        .iter()
        .filter_map(|k| spec.get(k))
        .filter(|n| n.boolean() == Some(true))
        .collect();
    out.push(checked(
        "pod-host-namespaces",
        [
            "The pod does not share the host's network, PID or IPC namespace",
            "The pod shares the host's network, PID or IPC namespace",
        ],
        Severity::High,
        host.is_empty(),
        host.first().unwrap_or(spec),
        if host.is_empty() {
            "no host namespace".to_string()
        } else {
            let names: Vec<&str> = host
                .iter()
                .filter_map(|n| n.pointer.rsplit('/').next())
                .collect();
            format!("{}: true", names.join(", "))
        },
    ));
    let host_paths: Vec<Node<'_>> = spec
        .get("volumes")
        .map(|v| v.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.get("hostPath"))
        .collect();
    out.push(checked(
        "pod-host-path",
        [
            "The pod mounts no hostPath volume",
            "The pod mounts a hostPath volume",
        ],
        Severity::High,
        host_paths.is_empty(),
        host_paths.first().unwrap_or(spec),
        if host_paths.is_empty() {
            "no hostPath volume".to_string()
        } else {
            format!("{} hostPath volume(s)", host_paths.len())
        },
    ));
    let own = spec.get("automountServiceAccountToken");
    let (mounted, at) = match own.as_ref().and_then(Node::boolean) {
        Some(b) => (b, own.as_ref()),
        None => (sa_automount.unwrap_or(true), None),
    };
    out.push(checked(
        "pod-sa-token-automount",
        [
            "The service-account token is not mounted automatically",
            "The service-account token is mounted automatically",
        ],
        Severity::Low,
        !mounted,
        at.unwrap_or(spec),
        if mounted {
            "service-account token mounted (automountServiceAccountToken not false)"
        } else {
            "automountServiceAccountToken: false"
        },
    ));
    out
}

/// The checks an ACI container declares in its `securityContext` (none without one).
pub fn aci_container(c: &Node<'_>) -> Vec<Checked> {
    let Some(sc) = c.get("securityContext") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(p) = sc.get("privileged") {
        let on = p.boolean() == Some(true);
        out.push(checked(
            "pod-privileged",
            ["Container is not privileged", "Container is privileged"],
            Severity::High,
            !on,
            &p,
            if on {
                "privileged: true"
            } else {
                "privileged: false"
            },
        ));
    }
    if let Some(e) = sc.get("allowPrivilegeEscalation") {
        let off = e.boolean() == Some(false);
        out.push(checked(
            "pod-privilege-escalation",
            [
                "Privilege escalation is disabled",
                "Privilege escalation is allowed",
            ],
            Severity::Medium,
            off,
            &e,
            if off {
                "allowPrivilegeEscalation: false"
            } else {
                "allowPrivilegeEscalation: true"
            },
        ));
    }
    if let Some(u) = sc.get("runAsUser").filter(|u| u.value.is_i64()) {
        let root = u.value.as_i64() == Some(0);
        out.push(checked(
            "pod-run-as-non-root",
            [
                "Container runs as a non-root user",
                "Container may run as root",
            ],
            Severity::Medium,
            !root,
            &u,
            if root {
                "runAsUser: 0"
            } else {
                "runAsUser is not 0"
            },
        ));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn run(pod_json: &str) -> Vec<Checked> {
        let v: Value = serde_json::from_str(pod_json).unwrap();
        let spec = Node::root(&v, "/spec");
        let c = spec.get("containers").unwrap().items().remove(0);
        let mut all = container(&c, &spec);
        all.extend(pod(&spec, None));
        all
    }

    fn pass(all: &[Checked], id: &str) -> bool {
        all.iter().find(|c| c.id == id).unwrap().pass
    }

    /// The English interface strings of the checks are the titles the records carry
    /// (so the English site and the exports read the same), passed and failed, and a
    /// Spanish site reads its own; only muster's inventory and ACI formats qualify.
    #[test]
    fn check_titles_have_their_interface_strings() {
        let good = run(
            r#"{"automountServiceAccountToken":false,"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}},
"resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}"#,
        );
        let bad = run(
            r#"{"hostNetwork":true,"volumes":[{"name":"v","hostPath":{"path":"/"}}],
"containers":[{"name":"a","securityContext":{"privileged":true},"env":[{"name":"API_TOKEN","value":"x"}]}]}"#,
        );
        let en = crate::render::I18n::new("en");
        let es = crate::render::I18n::new("es");
        let format = super::super::k8s_inventory::FORMAT;
        for c in good.iter().chain(&bad) {
            assert!(INVENTORY_CHECK_IDS.contains(&c.id), "{}", c.id);
            let outcome = if c.pass { Outcome::Pass } else { Outcome::Fail };
            let key = inventory_title_key(format, c.id, outcome).unwrap();
            assert_eq!(en.t(&key), c.title_now());
            assert_ne!(es.t(&key), c.title_now());
            let aci = inventory_title_key(super::super::aci::FORMAT, c.id, outcome);
            assert_eq!(aci.as_deref(), Some(key.as_str()));
        }
        assert_eq!(good.len() + bad.len(), 2 * 12);
        assert!(good.iter().all(|c| c.pass) && bad.iter().all(|c| !c.pass));
        let k8s = super::super::trivy_k8s::FORMAT;
        assert!(inventory_title_key(k8s, "pod-privileged", Outcome::Fail).is_none());
        assert!(inventory_title_key(format, "pod-privileged", Outcome::Warn).is_none());
        assert!(inventory_title_key(format, "KSV017", Outcome::Fail).is_none());
    }

    #[test]
    fn defaults_of_an_empty_spec_fail_the_hardening_checks() {
        let all = run(r#"{"containers":[{"name":"a","image":"x"}]}"#);
        assert!(pass(&all, "pod-privileged"));
        assert!(!pass(&all, "pod-privilege-escalation"));
        assert!(!pass(&all, "pod-run-as-non-root"));
        assert!(!pass(&all, "pod-read-only-root-fs"));
        assert!(!pass(&all, "pod-sa-token-automount"));
        assert!(pass(&all, "pod-host-path"));
    }

    #[test]
    fn a_hardened_spec_passes_and_a_hostile_one_fails_with_pointers() {
        let good = run(
            r#"{"automountServiceAccountToken":false,"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}},
"resources":{"limits":{"cpu":"1","memory":"1Gi"}},"env":[{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"p"}}}]}]}"#,
        );
        assert!(good.iter().all(|c| c.pass), "{good:?}");
        let bad = run(
            r#"{"hostNetwork":true,"volumes":[{"name":"v","hostPath":{"path":"/"}}],
"containers":[{"name":"a","securityContext":{"privileged":true,"runAsUser":0,"capabilities":{"add":["SYS_ADMIN"]}},
"env":[{"name":"API_TOKEN","value":"CANARY"},{"name":"DB_URL","value":"Server=x;Password=y"}]}]}"#,
        );
        let get = |id: &str| bad.iter().find(|c| c.id == id).unwrap();
        assert_eq!(
            get("pod-privileged").pointer,
            "/spec/containers/0/securityContext/privileged"
        );
        assert!(!get("pod-run-as-non-root").pass);
        assert!(!get("pod-dangerous-capabilities").pass);
        assert!(!get("pod-host-namespaces").pass);
        assert!(!get("pod-host-path").pass);
        let env = get("pod-secret-env-literal");
        assert_eq!(env.detail, "literal value for API_TOKEN, DB_URL");
        assert!(!format!("{bad:?}").contains("CANARY"));
    }

    #[test]
    fn a_privileged_container_fails_the_checks_its_flag_overrides() {
        // Everything else hardened: drops ALL, RuntimeDefault seccomp, no escalation.
        let all = run(
            r#"{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
"containers":[{"name":"a","securityContext":{"privileged":true,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}}}]}"#,
        );
        let flag = "/spec/containers/0/securityContext/privileged";
        for id in [
            "pod-privileged",
            "pod-privilege-escalation",
            "pod-dangerous-capabilities",
            "pod-capabilities-dropped",
            "pod-seccomp",
        ] {
            let c = all.iter().find(|c| c.id == id).unwrap();
            assert!(!c.pass, "{id} passed on a privileged container");
            assert_eq!(c.pointer, flag, "{id}");
        }
        // Not privileged, the same fields pass those checks.
        let hardened = run(
            r#"{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}"#,
        );
        for id in [
            "pod-privilege-escalation",
            "pod-dangerous-capabilities",
            "pod-capabilities-dropped",
            "pod-seccomp",
        ] {
            assert!(pass(&hardened, id), "{id}");
        }
        // A failing record is titled with what is wrong, a passing one with the rule.
        let privileged = all.iter().find(|c| c.id == "pod-privileged").unwrap();
        assert_eq!(privileged.title_now(), "Container is privileged");
        let ro = all
            .iter()
            .find(|c| c.id == "pod-read-only-root-fs")
            .unwrap();
        assert_eq!(ro.title_now(), "The root filesystem is read-only");
        // Adding SYS_ADMIN allows escalation whatever allowPrivilegeEscalation says.
        let sys_admin = run(
            r#"{"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"add":["CAP_SYS_ADMIN"]}}}]}"#,
        );
        assert!(!pass(&sys_admin, "pod-privilege-escalation"));
    }
}
