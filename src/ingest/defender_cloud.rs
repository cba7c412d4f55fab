//! Microsoft Defender for Cloud assessments and sub-assessments: the ARM REST lists
//! (`{"value": [...]}`), `az security assessment list` / `az security sub-assessment
//! list` arrays, and Azure Resource Graph `securityresources` rows (lower-case `type`,
//! `{"data": [...]}` or a bare array).
//!
//! Container-registry sub-assessments become `vulnerability` records of the image they
//! name, in both shapes: the older Qualys one (`assessedResourceType`
//! `ContainerRegistryVulnerability`: `repositoryName`, `imageDigest`, `patchable`,
//! `cve[]`; the registry host is the registry's `<name>.azurecr.io`) and the current
//! MDVM one (`AzureContainerRegistryVulnerability`: `artifactDetails`,
//! `vulnerabilityDetails`, `softwareDetails`). Each image gets one `scan` record
//! (vulnerability scan) dated by the newest `timeGenerated` of its rows, which dates its
//! findings too. `Healthy` rows are not findings; `NotApplicable` (exempt) ones are kept
//! as skipped. Other assessments become `misconfiguration` records
//! (`defender-assessment:<key>`) on the resource they assess.

use super::arm::{self, Resource};
use super::tree::Node;
use super::util::parse_time;
use super::{Doc, FileCtx, Ingestor, Origin, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, Format, FormatInfo, ImageRef, Outcome, ScanClass, Severity, Subject, Text, VulnFacts,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The Defender for Cloud ingestor.
pub struct DefenderCloud;

const ASSESSMENT: &str = "Microsoft.Security/assessments";
const SUB: &str = "Microsoft.Security/assessments/subAssessments";

/// What this format is.
pub static INFO: FormatInfo = FormatInfo {
    id: "defender-cloud",
    name: "Microsoft Defender for Cloud assessments and sub-assessments (ARM, az security, Resource Graph)",
    tested: "ARM 2020-01-01 assessments list; 2019-01-01-preview sub-assessments (Qualys ContainerRegistryVulnerability); Resource Graph securityresources rows (MDVM AzureContainerRegistryVulnerability, docs sample 2023)",
    detection: "type Microsoft.Security/assessments or …/subAssessments (any case): one resource, {value:[…]}, {data:[…]} or an array",
    signature: &["properties", "type", "id"],
    channel: Channel::Platform,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for DefenderCloud {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        arm::first(probe).is_some_and(|r| arm::is_type(r, &[ASSESSMENT, SUB]))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let origin = ctx.origin(FORMAT).tool("Microsoft Defender for Cloud");
        let resources = arm::resources(doc, ctx);
        // Image findings first gathered per image: one scan time dates them all.
        let mut images: BTreeMap<String, Vec<Finding<'_>>> = BTreeMap::new();
        for res in &resources {
            let node = res.node();
            if arm::value_is_type(&node, &[SUB]) {
                match finding(res) {
                    Some(f) => images.entry(f.image.tagged()).or_default().push(f),
                    None => ctx.warn(
                        Code::BadRecord,
                        doc.line_of(ctx, res.slice),
                        Some(res.pointer.clone()),
                        "record skipped: sub-assessment names no container image or vulnerability",
                    ),
                }
            } else if arm::value_is_type(&node, &[ASSESSMENT]) {
                assessment(doc, ctx, &origin, res);
            } else {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, res.slice),
                    Some(res.pointer.clone()),
                    "record skipped: not a Defender for Cloud assessment",
                );
            }
        }
        for findings in images.values() {
            let at = findings.iter().filter_map(|f| f.time).max();
            let Some(first) = findings.first() else {
                continue;
            };
            let subject = Subject {
                image: Some(first.image.clone()),
                ..Subject::default()
            };
            let mut scan = origin
                .scan(ScanClass::Vulnerability)
                .title(&format!(
                    "Defender for Cloud scan of {}",
                    first.image.tagged()
                ))
                .observed(at);
            scan.subject = subject.clone().into();
            ctx.emit(scan, &arm::place(doc, first.res.slice, &first.res.pointer));
            for f in findings.iter().filter(|f| f.outcome != Outcome::Pass) {
                let mut v = origin
                    .vulnerability(f.id.as_str(), f.facts.clone())
                    .title(&f.title)
                    .severity(f.severity)
                    .observed(at)
                    .attr("status_cause", f.cause.as_str());
                v.outcome = f.outcome;
                v.aliases = f.aliases.iter().map(|a| Text::from(a.as_str())).collect();
                v.subject = subject.clone().into();
                ctx.emit(v, &arm::place(doc, f.res.slice, &f.res.pointer));
            }
        }
    }
}

/// One image vulnerability read from a sub-assessment.
struct Finding<'r> {
    res: &'r Resource<'r>,
    image: ImageRef,
    id: String,
    aliases: Vec<String>,
    title: String,
    severity: Severity,
    outcome: Outcome,
    cause: String,
    facts: VulnFacts,
    time: Option<DateTime<Utc>>,
}

fn finding<'r>(res: &'r Resource<'r>) -> Option<Finding<'r>> {
    let node = res.node();
    let p = arm::settings(&node);
    let extra = p.get("additionalData")?;
    let status = p.get("status");
    let code = status
        .as_ref()
        .and_then(|s| s.str("code"))
        .unwrap_or("Unhealthy");
    let outcome = match code.to_ascii_lowercase().as_str() {
        "healthy" => Outcome::Pass,
        "notapplicable" => Outcome::Skip,
        _ => Outcome::Fail,
    };
    let cause = status
        .as_ref()
        .and_then(|s| s.str("cause"))
        .unwrap_or_default();
    let (image, id, aliases, severity, facts) = match extra.get("artifactDetails") {
        Some(art) => mdvm(&p, &extra, &art)?,
        None => qualys(&node, &p, &extra)?,
    };
    let severity = if severity == Severity::Unknown {
        status
            .as_ref()
            .and_then(|s| s.str("severity"))
            .map_or(Severity::Unknown, Severity::from_word)
    } else {
        severity
    };
    Some(Finding {
        res,
        image,
        title: p.str("displayName").unwrap_or(id.as_str()).to_string(),
        id,
        aliases,
        severity,
        outcome,
        cause: cause.to_string(),
        facts,
        time: p
            .str("timeGenerated")
            .or_else(|| node.str("timeGenerated"))
            .and_then(parse_time),
    })
}

type Parsed = (ImageRef, String, Vec<String>, Severity, VulnFacts);

/// The MDVM shape (`artifactDetails`, `vulnerabilityDetails`, `softwareDetails`).
fn mdvm(p: &Node<'_>, extra: &Node<'_>, art: &Node<'_>) -> Option<Parsed> {
    let host = art
        .str("registryHost")
        .or_else(|| art.str("repositoryHost"))?;
    let repo = art.str("repositoryName")?;
    let tag = art
        .get("tags")
        .and_then(|t| t.items().first().and_then(|n| n.text().map(str::to_string)));
    let image = ImageRef::from_parts(&format!("{host}/{repo}"), tag.as_deref(), art.str("digest"))?;
    let vd = extra.get("vulnerabilityDetails");
    let id = vd
        .as_ref()
        .and_then(|v| v.str("cveId"))
        .or_else(|| p.str("id"))?
        .to_string();
    let severity = vd
        .as_ref()
        .and_then(|v| v.str("severity"))
        .map_or(Severity::Unknown, Severity::from_word);
    let sw = extra.get("softwareDetails");
    let get = |k: &str| sw.as_ref().and_then(|s| s.str(k)).unwrap_or_default();
    let fix_state = match get("fixStatus").to_ascii_lowercase().as_str() {
        "fixavailable" => "fixed",
        "wontfix" => "wont-fix",
        "nofixavailable" => "not-fixed",
        _ => "unknown",
    };
    let facts = VulnFacts::new(
        get("packageName"),
        get("version"),
        get("fixedVersion"),
        fix_state,
    );
    Some((image, id, Vec::new(), severity, facts))
}

/// The older Qualys shape (`repositoryName`, `imageDigest`, `patchable`, `cve[]`).
fn qualys(node: &Node<'_>, p: &Node<'_>, extra: &Node<'_>) -> Option<Parsed> {
    let repo = extra.str("repositoryName")?;
    let id_text = p
        .at(&["resourceDetails"])
        .and_then(|r| r.str("id"))
        .or_else(|| node.str("id"))
        .unwrap_or_default();
    let registry = arm::name_in_id(id_text, "registries")?;
    let host = format!("{}.azurecr.io", registry.to_ascii_lowercase());
    let digest = extra.str("imageDigest").and_then(|d| {
        let hex = d.strip_prefix("sha256:").unwrap_or(d);
        (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| format!("sha256:{hex}"))
    });
    let image = match &digest {
        Some(d) => ImageRef::from_parts(&format!("{host}/{repo}"), None, Some(d))?,
        // A digest Defender wrote in another form names no manifest: the repository only.
        None => ImageRef {
            registry: Text::from(host.as_str()),
            repository: Text::from(repo.to_ascii_lowercase()),
            tag: None,
            digest: None,
        },
    };
    let cves: Vec<String> = extra
        .get("cve")
        .map(|c| c.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.str("title"))
        .filter(|t| t.to_ascii_uppercase().starts_with("CVE-"))
        .map(str::to_string)
        .collect();
    let qid = p.str("id").map(|q| format!("QID-{q}"));
    let (id, aliases) = match (cves.split_first(), qid) {
        (Some((first, rest)), q) => {
            let mut a = rest.to_vec();
            a.extend(q);
            (first.clone(), a)
        }
        (None, Some(q)) => (q, Vec::new()),
        (None, None) => return None,
    };
    let patchable = extra.get("patchable").and_then(|n| n.boolean()) == Some(true);
    let facts = VulnFacts::new("", "", "", if patchable { "fixed" } else { "unknown" });
    Some((image, id, aliases, Severity::Unknown, facts))
}

/// A security assessment (a recommendation's state on one resource).
fn assessment(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, origin: &Origin, res: &Resource<'_>) {
    let node = res.node();
    let p = arm::settings(&node);
    let key = node.str("name").unwrap_or("(unnamed)");
    let status = p.get("status");
    let code = status
        .as_ref()
        .and_then(|s| s.str("code"))
        .unwrap_or_default();
    let outcome = match code.to_ascii_lowercase().as_str() {
        "healthy" => Outcome::Pass,
        "unhealthy" => Outcome::Fail,
        "notapplicable" => Outcome::Skip,
        _ => Outcome::Unknown,
    };
    let resource = p
        .get("resourceDetails")
        .and_then(|r| r.str("id"))
        .unwrap_or_default();
    let kind = arm::type_of_id(resource)
        .and_then(|t| t.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "Resource".into());
    let observed = status
        .as_ref()
        .and_then(|s| {
            s.str("statusChangeDate")
                .or_else(|| s.str("firstEvaluationDate"))
        })
        .and_then(parse_time);
    let mut d = origin
        .misconfiguration(format!("defender-assessment:{key}"), outcome)
        .title(p.str("displayName").unwrap_or(key))
        .severity(
            p.at(&["metadata"])
                .and_then(|m| m.str("severity"))
                .map_or(Severity::Unknown, Severity::from_word),
        )
        .observed(observed)
        .attr(
            "status_cause",
            status
                .as_ref()
                .and_then(|s| s.str("cause"))
                .unwrap_or_default(),
        );
    d.subject = Subject {
        cluster: arm::name_in_id(resource, "managedClusters").map(Text::from),
        kind: Some(Text::from(kind)),
        name: resource.rsplit('/').next().map(Text::from),
        target: (!resource.is_empty()).then(|| Text::from(resource)),
        ..Subject::default()
    }
    .into();
    ctx.emit(d, &arm::place(doc, res.slice, &res.pointer));
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, RecordKind, Severity};

    #[test]
    fn mdvm_resource_graph_rows_become_image_vulnerabilities_with_a_scan() {
        let d = "sha256:4af8e6f002401a965bbe753a381af308b40d8947fad2b9e1f6a369aa81abee59";
        let row = |cve: &str, code: &str, t: &str| {
            format!(
                r#"{{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosoacr/providers/Microsoft.Security/assessments/c0b7cfc6-3172-465a-b378-53c7ff2cc0d5/subassessments/{cve}","name":"{cve}","type":"microsoft.security/assessments/subassessments",
"properties":{{"id":"{cve}","displayName":"{cve}","timeGenerated":"{t}","status":{{"code":"{code}","severity":"High"}},
"additionalData":{{"assessedResourceType":"AzureContainerRegistryVulnerability","vulnerabilityDetails":{{"cveId":"{cve}","severity":"High"}},
"artifactDetails":{{"registryHost":"contosoacr.azurecr.io","repositoryName":"shop/web","digest":"{d}","tags":["2.4.1"]}},
"softwareDetails":{{"packageName":"openssl","version":"3.1.4-r2","fixedVersion":"3.1.4-r5","fixStatus":"FixAvailable"}}}}}}}}"#
            )
        };
        let text = format!(
            r#"{{"count":3,"data":[{},{},{}]}}"#,
            row("CVE-2026-1", "Unhealthy", "2026-11-19T06:00:00Z"),
            row("CVE-2026-2", "Unhealthy", "2026-11-19T07:00:00Z"),
            row("CVE-2026-3", "Healthy", "2026-11-19T07:00:00Z")
        );
        let (s, recs) = ingest_bytes("d.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].kind, RecordKind::Scan);
        let v = &recs[1];
        assert_eq!(
            (v.kind, v.check.as_str()),
            (RecordKind::Vulnerability, "CVE-2026-1")
        );
        assert_eq!(v.severity, Severity::High);
        assert!(v.vuln().unwrap().fixable);
        assert_eq!(v.subject.image.as_ref().unwrap().digest.as_deref(), Some(d));
        assert_eq!(
            v.observed_at, recs[2].observed_at,
            "one scan time per image"
        );
        assert_eq!(v.provenance.pointer.as_deref(), Some("/data/0"));
    }

    #[test]
    fn qualys_sub_assessment_without_a_sha256_digest_names_the_repository() {
        let text = r#"{"value":[{"id":"/subscriptions/x/resourceGroups/myRg/providers/Microsoft.ContainerRegistry/registries/myRegistry/providers/Microsoft.Security/assessments/a/subAssessments/b","name":"b","type":"Microsoft.Security/assessments/subAssessments",
"properties":{"displayName":"'Back Orifice' Backdoor","id":"1001","status":{"code":"Unhealthy","severity":"High"},
"resourceDetails":{"source":"Azure","id":"/subscriptions/x/resourceGroups/myRg/providers/Microsoft.ContainerRegistry/registries/myRegistry/repository/myRepo/imageDigest/c186fc44/providers/Microsoft.Security/assessments/a/subAssessments/b"},
"timeGenerated":"2019-06-23T12:20:08.7644808Z","additionalData":{"assessedResourceType":"ContainerRegistryVulnerability","imageDigest":"c186fc44","repositoryName":"myRepo","patchable":true,"cve":[{"title":"CVE-2019-12345","link":"x"}]}}}]}"#;
        let (s, recs) = ingest_bytes("d.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        let v = &recs[1];
        assert_eq!(v.check, "CVE-2019-12345");
        assert!(v.has_id("QID-1001"));
        assert_eq!(
            v.subject.image.as_ref().unwrap().tagged(),
            "myregistry.azurecr.io/myrepo"
        );
        assert_eq!(v.outcome, Outcome::Fail);
    }

    #[test]
    fn assessments_are_results_on_their_resource() {
        let text = r#"{"value":[{"type":"Microsoft.Security/assessments","id":"/x","name":"2a54","properties":{"resourceDetails":{"Source":"Azure","Id":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm1"},"displayName":"test","status":{"code":"Healthy"}}}]}"#;
        let (s, recs) = ingest_bytes("a.json", text.as_bytes(), &IngestOptions::default());
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs[0].kind, RecordKind::Misconfiguration);
        assert_eq!(recs[0].outcome, Outcome::Pass);
        assert_eq!(recs[0].subject.label(), "virtualMachines/vm1");
    }
}
