//! Amazon EKS clusters: `aws eks describe-cluster` output (`{"cluster": {...}}`, camelCase;
//! Go SDK dumps in PascalCase read the same, keys being matched case-insensitively), a
//! bare cluster object, or an array of either.
//!
//! Each cluster becomes a `platform` record (`managed-cluster`) with [`ClusterFacts`]:
//! public and private endpoint access and the public access CIDRs (NET-02), the
//! authentication mode (IAM access entries or the `aws-auth` ConfigMap, both IAM
//! identities), control-plane audit logging (MON-03) and envelope encryption of
//! secrets (SEC-03). `createdAt` is not an observation time: records are dated from the
//! file path. The certificate authority data is never read.

use super::arm;
use super::tree::{Bad, Node};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{Channel, ClusterFacts, Fact, Format, FormatInfo, PlatformFacts, Subject, Text};

/// The EKS ingestor.
pub struct Eks;

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "eks",
    name: "Amazon EKS cluster (aws eks describe-cluster)",
    tested: "EKS 1.35 Auto Mode DescribeCluster (2026, accessConfig, upgradePolicy, no encryptionConfig); AWS CLI v2 camelCase and Go SDK PascalCase keys",
    detection: "{cluster: …} or a cluster object with resourcesVpcConfig and an arn of eks (or an array of them)",
    signature: &["cluster"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

fn is_cluster(p: &Probe) -> bool {
    let body = p
        .child("cluster")
        .or_else(|| p.child("Cluster"))
        .unwrap_or(p);
    let has = |k: &str| body.has(k) || body.keys.iter().any(|x| x.eq_ignore_ascii_case(k));
    has("resourcesVpcConfig")
        && body
            .scalars
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("arn") && v.contains(":eks:"))
}

impl Ingestor for Eks {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(is_cluster)
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("aws eks describe-cluster");
        for res in arm::resources(doc, ctx) {
            let root = res.node();
            let c = root.get("cluster").unwrap_or(root);
            let Some(name) = c.str("name") else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: EKS cluster without a name",
                );
                continue;
            };
            let mut bad = Bad::default();
            let facts = facts(&c, &mut bad);
            let mut d = origin
                .platform(PlatformFacts::Cluster(facts))
                .title(&format!(
                    "EKS cluster {name}{}",
                    c.str("version")
                        .map(|v| format!(" (Kubernetes {v})"))
                        .unwrap_or_default()
                ))
                .attr("provider", "eks")
                .attr(
                    "platform_version",
                    c.str("platformVersion").unwrap_or_default(),
                );
            d.subject = Subject {
                cluster: Some(Text::from(name)),
                target: c.str("arn").map(Text::from),
                ..Subject::default()
            }
            .into();
            ctx.emit(d, &arm::place(doc, res.slice, &c.pointer));
            arm::report_bad(ctx, doc, res.slice, bad, &format!("EKS cluster {name}"));
        }
    }
}

fn facts(c: &Node<'_>, bad: &mut Bad) -> ClusterFacts {
    let vpc = c.get("resourcesVpcConfig");
    let audit_logs = c.at(&["logging", "clusterLogging"]).and_then(|l| {
        let entries = l.items();
        let audit = |n: &Node<'_>| {
            n.get("types").is_some_and(|t| {
                t.items()
                    .iter()
                    .any(|x| x.text().is_some_and(|s| s.eq_ignore_ascii_case("audit")))
            })
        };
        let on = entries
            .iter()
            .find(|e| audit(e) && e.get("enabled").and_then(|b| b.boolean()) == Some(true));
        let off = entries
            .iter()
            .find(|e| audit(e) && e.get("enabled").and_then(|b| b.boolean()) == Some(false));
        on.map(|e| Fact::new(true, e.pointer.as_str(), "audit enabled"))
            .or_else(|| off.map(|e| Fact::new(false, e.pointer.as_str(), "audit disabled")))
            .or_else(|| {
                (!entries.is_empty())
                    .then(|| Fact::new(false, l.pointer.as_str(), "audit not listed"))
            })
    });
    let secrets_kms = c.get("encryptionConfig").map(|e| {
        let secrets = e.items().into_iter().find(|x| {
            x.get("resources").is_some_and(|r| {
                r.items()
                    .iter()
                    .any(|y| y.text().is_some_and(|s| s.eq_ignore_ascii_case("secrets")))
            })
        });
        match secrets {
            Some(s) => Fact::new(true, s.pointer, "secrets"),
            None => Fact::new(false, e.pointer.as_str(), "no secrets provider"),
        }
    });
    ClusterFacts {
        private_endpoint: None,
        public_endpoint: vpc
            .as_ref()
            .and_then(|v| v.flag("endpointPublicAccess", bad)),
        authorized_ranges: vpc
            .as_ref()
            .and_then(|v| v.strings("publicAccessCidrs", bad)),
        directory_auth: c
            .at(&["accessConfig", "authenticationMode"])
            .and_then(|m| m.text().map(|_| m.fact(true))),
        version: c
            .get("version")
            .and_then(|n| n.text().map(|t| n.fact(Text::from(t)))),
        audit_logs,
        secrets_kms,
        ..ClusterFacts::default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::PlatformFacts;

    #[test]
    fn describe_cluster_output() {
        let text = r#"{"cluster":{"name":"eks-1","arn":"arn:aws:eks:us-east-1:1:cluster/eks-1","version":"1.35",
"resourcesVpcConfig":{"endpointPublicAccess":true,"endpointPrivateAccess":true,"publicAccessCidrs":["0.0.0.0/0"]},
"logging":{"clusterLogging":[{"types":["api","audit"],"enabled":true},{"types":["scheduler"],"enabled":false}]},
"accessConfig":{"authenticationMode":"API"},"certificateAuthority":{"data":"LS0t"}}}"#;
        let (s, recs) = ingest_bytes("eks.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let Some(PlatformFacts::Cluster(c)) = recs[0].platform() else {
            panic!()
        };
        assert!(c.public_endpoint.as_ref().unwrap().value);
        assert_eq!(
            c.authorized_ranges.as_ref().unwrap().pointer,
            "/cluster/resourcesVpcConfig/publicAccessCidrs"
        );
        assert_eq!(
            c.audit_logs.as_ref().unwrap().pointer,
            "/cluster/logging/clusterLogging/0"
        );
        assert!(
            c.secrets_kms.is_none(),
            "no encryptionConfig: not evidenced"
        );
        assert_eq!(recs[0].subject.cluster.as_deref(), Some("eks-1"));
        assert_eq!(recs[0].provenance.pointer.as_deref(), Some("/cluster"));
    }
}
