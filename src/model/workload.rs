//! Who owns a pod or a ReplicaSet. Tools name the same workload differently: trivy-operator
//! scans the ReplicaSet `web-7d9f8c6b5`, Falco and Tetragon report the pod
//! `web-7d9f8c6b5-x2x9z`, the audit log and people say Deployment `web`. Kubernetes
//! builds those names from the owner's name and generated suffixes (a pod-template hash
//! of lower-case letters and digits, then a five-character pod suffix; StatefulSet pods
//! end in their ordinal), which is how the owner is recovered here — by name only, since
//! exports rarely carry owner references.

/// Whether `s` looks like a generated pod-template hash (6–10 lower-case letters and digits).
fn is_template_hash(s: &str) -> bool {
    (6..=10).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Whether `s` looks like a generated pod suffix (5 lower-case letters and digits).
fn is_pod_suffix(s: &str) -> bool {
    s.len() == 5
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The Deployment that owns a ReplicaSet named `name`, if the name is a generated one.
pub fn deployment_of_replicaset(name: &str) -> Option<&str> {
    let (base, hash) = name.rsplit_once('-')?;
    (is_template_hash(hash) && !base.is_empty()).then_some(base)
}

/// The workloads that may own a pod named `name`, as `(kind, name)`: a Deployment (and
/// its ReplicaSet) for `web-7d9f8c6b5-x2x9z`, a DaemonSet or Job for `agent-x2x9z`, a
/// StatefulSet for `db-0`. Empty when the name shows no generated suffix.
pub fn owners_of_pod(name: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let Some((base, last)) = name.rsplit_once('-') else {
        return out;
    };
    if base.is_empty() {
        return out;
    }
    if last.bytes().all(|b| b.is_ascii_digit()) && !last.is_empty() {
        out.push(("StatefulSet", base.to_string()));
    }
    if is_pod_suffix(last) {
        if let Some(deployment) = deployment_of_replicaset(base) {
            out.push(("Deployment", deployment.to_string()));
            out.push(("ReplicaSet", base.to_string()));
        }
        out.push(("DaemonSet", base.to_string()));
        out.push(("Job", base.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_recovered_from_generated_names() {
        assert_eq!(deployment_of_replicaset("web-7d9f8c6b5"), Some("web"));
        assert_eq!(deployment_of_replicaset("web"), None);
        let owners = owners_of_pod("etl-7d9f8c6b5-x2x9z");
        assert!(owners.contains(&("Deployment", "etl".to_string())));
        assert!(owners.contains(&("ReplicaSet", "etl-7d9f8c6b5".to_string())));
        assert_eq!(
            owners_of_pod("db-0"),
            vec![("StatefulSet", "db".to_string())]
        );
        assert!(owners_of_pod("falco-x2x9z").contains(&("DaemonSet", "falco".to_string())));
        assert!(owners_of_pod("standalone").is_empty());
    }
}
