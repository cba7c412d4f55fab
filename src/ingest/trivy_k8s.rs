//! `trivy k8s --format json` cluster reports: `Resources[]` (v0.42+) and the older
//! top-level `Vulnerabilities[]` / `Misconfigurations[]` lists (v0.2x–v0.41).
//!
//! Each resource (`Namespace`, `Kind`, `Name`) carries Trivy `Results[]` (see
//! `trivy_results`); its findings get the workload as subject and, for image findings,
//! the image named by the OS-package target or by `Metadata` (an object in v0.47–v0.56,
//! an array in v0.57+). Each workload × image also yields a `sighting` record (`running`),
//! each scanned image a `vulnerability-scan` record. The report has no timestamp.
//! A result's `Target` is kept as the place inside the workload, unless it only names
//! the resource again (`Deployment/cart` in the resource `Deployment` `cart`).
//!
//! The report's `config-scan` is about the cluster and ran every family its resources'
//! kinds call for; a report that lists passing checks too (`--include-non-failures`)
//! has one `config-scan` per resource instead, carrying the checks it ran on that
//! resource (see `trivy_listing`).

use super::trivy_listing::ConfigTargets;
use super::trivy_results::{
    emit_result, image_facts, image_from_meta, image_from_target, os_facts_from_target, scan,
    with_source_labels, Classes, RawMetadata, RawResult,
};
use super::{Doc, FileCtx, Ingestor, Origin, Probe};
use crate::model::{
    Channel, CheckNumbering, Format, FormatInfo, ImageRef, ScanClass, Subject, Text,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeSet;

/// The trivy k8s ingestor.
pub struct TrivyK8s;

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(rename = "ClusterName", default)]
    cluster: Option<String>,
    #[serde(rename = "Resources", default, borrow)]
    resources: Option<Vec<&'a RawValue>>,
    #[serde(rename = "Vulnerabilities", default, borrow)]
    vulnerabilities: Option<Vec<&'a RawValue>>,
    #[serde(rename = "Misconfigurations", default, borrow)]
    misconfigurations: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawResource<'a> {
    #[serde(rename = "Namespace", default)]
    namespace: Option<String>,
    #[serde(rename = "Kind", default)]
    kind: Option<String>,
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "Metadata", default, borrow)]
    metadata: Option<&'a RawValue>,
    #[serde(rename = "Results", default, borrow)]
    results: Option<Vec<&'a RawValue>>,
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "trivy-k8s",
    name: "trivy k8s cluster report (--format json)",
    tested: "Trivy 0.2x–0.41 (Vulnerabilities/Misconfigurations lists), 0.42+ (Resources; Metadata object or array)",
    detection: "object with ClusterName and Resources, Vulnerabilities or Misconfigurations",
    signature: &["ClusterName", "Resources"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for TrivyK8s {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe.has("ClusterName")
            && (probe.has("Resources")
                || probe.has("Vulnerabilities")
                || probe.has("Misconfigurations"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

/// State shared by all resources of one report.
struct Report<'a> {
    cluster: Option<String>,
    /// `workload label|image key` of the sightings already emitted.
    sightings: BTreeSet<String>,
    scanned: BTreeSet<String>,
    classes: Classes,
    /// The configuration results of every resource, with the checks they list.
    config: ConfigTargets<'a>,
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(rep) = doc.parse::<RawReport<'a>>(ctx) else {
        return;
    };
    let mut state = Report {
        cluster: rep.cluster.filter(|c| !c.trim().is_empty()),
        sightings: BTreeSet::new(),
        scanned: BTreeSet::new(),
        classes: Classes::default(),
        config: ConfigTargets::default(),
    };
    let origin = ctx.origin(FORMAT).tool("trivy");
    for (list, name) in [
        (&rep.resources, "Resources"),
        (&rep.vulnerabilities, "Vulnerabilities"),
        (&rep.misconfigurations, "Misconfigurations"),
    ] {
        for (i, raw) in list.iter().flatten().enumerate() {
            let ptr = format!("/{name}/{i}");
            if let Some(res) = doc.parse_raw::<RawResource<'a>>(ctx, raw, &ptr) {
                resource(doc, ctx, &res, raw, &ptr, &origin, &mut state);
            }
        }
    }
    let cluster_subject = Subject {
        cluster: state.cluster.clone().map(Text::from),
        ..Subject::default()
    };
    for (on, class) in [
        (state.classes.config, ScanClass::Configuration),
        (state.classes.secret, ScanClass::Secret),
    ] {
        let draft = || {
            scan(&origin, class)
                .families(state.classes.families)
                .numbering(CheckNumbering::Trivy)
        };
        if class == ScanClass::Configuration && state.config.list_every_check() {
            state.config.emit_per_target(ctx, draft);
        } else if on {
            let mut d = draft();
            if class == ScanClass::Configuration {
                d = d.families(state.config.silent_families(state.classes.families));
            }
            d.subject = cluster_subject.clone().into();
            ctx.emit(d, &doc.whole());
        }
    }
}

/// `Metadata` as one object (v0.47–v0.56) or an array of objects (v0.57+).
fn metadata<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    raw: &'a RawValue,
    ptr: &str,
) -> Vec<RawMetadata> {
    let text = raw.get().trim_start();
    if text.starts_with('[') {
        let Some(items) = doc.parse_raw::<Vec<&'a RawValue>>(ctx, raw, ptr) else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, m)| doc.parse_raw::<RawMetadata>(ctx, m, &format!("{ptr}/{i}")))
            .collect()
    } else if text.starts_with('{') {
        doc.parse_raw::<RawMetadata>(ctx, raw, ptr)
            .into_iter()
            .collect()
    } else {
        Vec::new()
    }
}

fn same_image(a: &ImageRef, b: &ImageRef) -> bool {
    a.name() == b.name() && (a.tag == b.tag || a.digest.is_some() && a.digest == b.digest)
}

fn resource<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    res: &RawResource<'a>,
    raw: &'a RawValue,
    ptr: &str,
    origin: &Origin,
    state: &mut Report<'a>,
) {
    let nonempty = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
    let workload = Subject {
        cluster: state.cluster.clone().map(Text::from),
        namespace: nonempty(&res.namespace).map(Text::from),
        kind: nonempty(&res.kind).map(Text::from),
        name: nonempty(&res.name).map(Text::from),
        ..Subject::default()
    };
    let metas = match res.metadata {
        Some(m) => metadata(doc, ctx, m, &format!("{ptr}/Metadata")),
        None => Vec::new(),
    };
    // Images of the workload: from Metadata, then from OS-package targets.
    let mut images: Vec<(ImageRef, Option<usize>)> = Vec::new();
    for (mi, m) in metas.iter().enumerate() {
        let tags = m.repo_tags.clone().unwrap_or_default();
        let digests = m.repo_digests.clone().unwrap_or_default();
        if let Some(img) = image_from_meta(None, &tags, &digests) {
            if !images.iter().any(|(i, _)| same_image(i, &img)) {
                images.push((img, Some(mi)));
            }
        }
    }
    let mut results = Vec::new();
    for (i, rraw) in res.results.iter().flatten().enumerate() {
        let rptr = format!("{ptr}/Results/{i}");
        if let Some(r) = doc.parse_raw::<RawResult<'a>>(ctx, rraw, &rptr) {
            if r.class.as_deref() == Some("os-pkgs") || r.class.is_none() {
                if let Some(img) = r.target.as_deref().and_then(image_from_target) {
                    if !images.iter().any(|(i, _)| same_image(i, &img)) {
                        images.push((img, None));
                    }
                }
            }
            results.push((rptr, *rraw, r));
        }
    }
    let known: Vec<ImageRef> = images.iter().map(|(i, _)| i.clone()).collect();
    let single = match known.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    let mut vuln_images: Vec<(ImageRef, Option<String>)> = Vec::new();
    let mut workload_scanned = false;
    for (rptr, rraw, r) in &results {
        let classes = r.classes();
        state.classes.config |= classes.config;
        state.classes.families = state.classes.families.union(classes.families);
        state.classes.secret |= classes.secret;
        let target = r.target();
        let image = if classes.config {
            None
        } else {
            target
                .as_deref()
                .and_then(image_from_target)
                .map(|img| {
                    known
                        .iter()
                        .find(|k| same_image(k, &img))
                        .cloned()
                        .unwrap_or(img)
                })
                .or_else(|| single.clone())
        };
        if classes.vuln {
            match &image {
                Some(img) => {
                    if !vuln_images.iter().any(|(i, _)| i == img) {
                        vuln_images.push((img.clone(), target.clone()));
                    }
                }
                None => workload_scanned = true,
            }
        }
        let subject = Subject {
            image,
            target: target
                .filter(|t| !restates_resource(t, &workload))
                .map(Text::from),
            ..workload.clone()
        };
        let listed = emit_result(doc, ctx, r, rptr, origin, &subject);
        state.classes.families = state.classes.families.union(listed.families());
        if classes.config {
            let place = doc.at(rraw.get(), rptr);
            state.config.add(subject, classes.families, listed, place);
        }
    }
    // One sighting per workload × image.
    for (img, _) in &images {
        let key = format!("{}|{}", workload.label(), img.key());
        if workload.name.is_none() || !state.sightings.insert(key) {
            continue;
        }
        let mut d = origin
            .sighting()
            .title(&format!("{} runs {}", workload.label(), img.tagged()));
        d.subject = Subject {
            image: Some(img.clone()),
            ..workload.clone()
        }
        .into();
        ctx.emit(d, &doc.at(raw.get(), ptr));
    }
    // One vulnerability-scan per scanned image (and per workload scanned without a known image).
    for (img, target) in vuln_images {
        if !state.scanned.insert(img.key()) {
            continue;
        }
        let meta = images
            .iter()
            .find(|(i, _)| *i == img)
            .and_then(|(_, mi)| mi.and_then(|mi| metas.get(mi)));
        let mut facts = meta.map(image_facts).unwrap_or_default();
        if facts.os_family.is_none() {
            // Without an OS in the metadata, the OS-package target names it.
            let os = target
                .as_deref()
                .map(os_facts_from_target)
                .unwrap_or_default();
            facts.os_family = os.os_family;
            facts.os_name = os.os_name.or(facts.os_name);
        }
        let mut d = scan(origin, ScanClass::Vulnerability).image_facts(facts);
        if let Some(meta) = meta {
            d = with_source_labels(d, meta);
        }
        d.subject = Subject {
            cluster: state.cluster.clone().map(Text::from),
            image: Some(img),
            ..Subject::default()
        }
        .into();
        ctx.emit(d, &doc.at(raw.get(), ptr));
    }
    if workload_scanned && state.scanned.insert(workload.label()) {
        let mut d = scan(origin, ScanClass::Vulnerability);
        d.subject = workload.into();
        ctx.emit(d, &doc.at(raw.get(), ptr));
    }
}

/// Whether a result's `Target` only names its resource again. trivy k8s gives each
/// result about a resource's own manifest the target `Kind/Name` of that resource
/// (`Deployment/cart` in the resource `Deployment` `cart`), while trivy-operator names
/// no target for the same audit; the restatement is no place inside the workload, so
/// the record keeps no target and one misconfiguration both tools report is one
/// finding (its key adds the target as the place inside the workload, see
/// `evaluate::findings::finding_key`). A real place (an OS-package or a file target,
/// another resource's `Kind/Name`) is kept.
///
/// The kind is compared ignoring ASCII case, as it is a type name a report may spell
/// in lower case (`deployment/cart`) without naming another type; the name exactly, as
/// Kubernetes object names are case-sensitive, so `Deployment/Cart` is another object
/// and stays a place apart.
fn restates_resource(target: &str, resource: &Subject) -> bool {
    let (Some(kind), Some(name)) = (resource.kind.as_deref(), resource.name.as_deref()) else {
        return false;
    };
    target
        .split_once('/')
        .is_some_and(|(k, n)| k.eq_ignore_ascii_case(kind) && n == name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Facts, Outcome, RanChecks, Record, RecordKind, ScanClass};

    fn ingest(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("k.json", text.as_bytes(), &IngestOptions::default())
    }

    fn of(recs: &[Record], kind: RecordKind) -> Vec<&Record> {
        recs.iter().filter(|r| r.kind == kind).collect()
    }

    /// The configuration scans of a report.
    fn config_scans(recs: &[Record]) -> Vec<&Record> {
        of(recs, RecordKind::Scan)
            .into_iter()
            .filter(|r| r.scan_class() == Some(ScanClass::Configuration))
            .collect()
    }

    /// The checks a scan record says it ran (`None`: its families decide).
    fn ran(r: &Record) -> Option<&RanChecks> {
        match &r.facts {
            Facts::Scan { ran, .. } => ran.as_deref(),
            _ => None,
        }
    }

    #[test]
    fn old_shape_with_vulnerability_and_misconfiguration_lists() {
        let text = r#"{"ClusterName": "arn:aws:eks:us-east-1:1:cluster/prod",
 "Vulnerabilities": [
  {"Namespace": "default", "Kind": "Deployment", "Name": "redis-leader",
   "Results": [{"Target": "docker.io/redis:6.0.5 (debian 10.4)", "Class": "os-pkgs", "Type": "debian",
     "Vulnerabilities": [{"VulnerabilityID": "CVE-2011-3374", "PkgName": "apt", "Severity": "LOW"},
                         {"VulnerabilityID": "CVE-2021-1", "PkgName": "libc", "FixedVersion": "2", "Severity": "HIGH"}]}]}
 ],
 "Misconfigurations": [
  {"Namespace": "default", "Kind": "Deployment", "Name": "redis-leader",
   "Results": [{"Target": "Deployment/redis-leader", "Class": "config", "Type": "kubernetes",
     "MisconfSummary": {"Successes": 20, "Failures": 1},
     "Misconfigurations": [{"ID": "KSV001", "Severity": "MEDIUM", "Status": "FAIL",
        "Message": "Container 'leader' should set allowPrivilegeEscalation to false"}]}]},
  {"Namespace": "default", "Kind": "Service", "Name": "redis-leader",
   "Results": [{"Target": "Service/redis-leader", "Class": "config", "MisconfSummary": {"Successes": 3}}]}
 ]}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(vulns.len(), 2);
        let v = vulns[0];
        assert_eq!(
            v.subject.cluster.as_deref(),
            Some("arn:aws:eks:us-east-1:1:cluster/prod")
        );
        assert_eq!(v.subject.namespace.as_deref(), Some("default"));
        assert_eq!(v.subject.kind.as_deref(), Some("Deployment"));
        assert_eq!(v.subject.name.as_deref(), Some("redis-leader"));
        assert_eq!(
            v.subject.image.as_ref().unwrap().tagged(),
            "docker.io/library/redis:6.0.5"
        );
        assert!(v.observed_at.is_none());
        assert_eq!(
            v.provenance.pointer.as_deref(),
            Some("/Vulnerabilities/0/Results/0/Vulnerabilities/0")
        );
        let mis = of(&recs, RecordKind::Misconfiguration);
        assert_eq!(mis.len(), 1);
        assert_eq!(mis[0].check, "KSV-0001");
        assert!(mis[0].subject.image.is_none());
        assert_eq!(mis[0].outcome, Outcome::Fail);
        let sightings = of(&recs, RecordKind::Sighting);
        assert_eq!(sightings.len(), 1);
        assert_eq!(sightings[0].check, "running");
        assert_eq!(sightings[0].outcome, Outcome::Info);
        let scans: Vec<&str> = of(&recs, RecordKind::Scan)
            .iter()
            .map(|r| r.check.as_str())
            .collect();
        assert_eq!(scans, ["vulnerability-scan", "config-scan"]);
        // Failures alone: one scan of the cluster, whose families decide.
        let config = config_scans(&recs);
        assert_eq!(config.len(), 1);
        assert!(config[0].subject.name.is_none() && ran(config[0]).is_none());
        let vs = of(&recs, RecordKind::Scan)[0];
        assert_eq!(vs.scan_class(), Some(ScanClass::Vulnerability));
        let image = vs.image_facts().unwrap();
        assert_eq!(image.os_family.as_deref(), Some("debian"));
        assert_eq!(image.os_name.as_deref(), Some("10.4"));
        assert!(!vulns[0].vuln().unwrap().fixable);
        assert!(vulns[1].vuln().unwrap().fixable);
        assert_eq!(vulns[1].vuln().unwrap().package, "libc");
        assert_eq!(recs.len(), 2 + 1 + 1 + 2);
    }

    #[test]
    fn metadata_as_object_gives_the_digest() {
        let text = r#"{"ClusterName": "", "Resources": [
  {"Namespace": "shop", "Kind": "Deployment", "Name": "web",
   "Metadata": {"OS": {"Family": "alpine", "Name": "3.19.1"}, "RepoTags": ["nginx:1.25"],
                "RepoDigests": ["nginx@sha256:aaa"], "ImageConfig": {"created": "2024-01-01T00:00:00Z", "rootfs": {"diff_ids": null}}},
   "Results": [{"Target": "nginx:1.25 (alpine 3.19.1)", "Class": "os-pkgs",
     "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-1", "PkgName": "musl", "Severity": "HIGH"}]},
     {"Target": "usr/lib/app/package.json", "Class": "lang-pkgs",
     "Vulnerabilities": [{"VulnerabilityID": "GHSA-aaaa-bbbb-cccc", "PkgName": "x", "Severity": "MEDIUM"}]}]}
]}"#;
        let (s, recs) = ingest(text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(vulns.len(), 2);
        for v in &vulns {
            let img = v.subject.image.as_ref().unwrap();
            assert_eq!(img.to_string(), "docker.io/library/nginx:1.25@sha256:aaa");
            assert!(v.subject.cluster.is_none());
        }
        let scan = of(&recs, RecordKind::Scan);
        assert_eq!(scan.len(), 1);
        let image = scan[0].image_facts().unwrap();
        assert_eq!(image.os_family.as_deref(), Some("alpine"));
        assert_eq!(image.os_name.as_deref(), Some("3.19.1"));
        assert_eq!(image.end_of_life, Some(false));
        assert_eq!(
            image.created.unwrap().to_rfc3339(),
            "2024-01-01T00:00:00+00:00"
        );
        assert_eq!(of(&recs, RecordKind::Sighting).len(), 1);
    }

    #[test]
    fn metadata_as_array_gives_one_sighting_per_container_image() {
        let text = r#"{"ClusterName": "kind-dev", "Resources": [
  {"Namespace": "shop", "Kind": "Pod", "Name": "web",
   "Metadata": [{"RepoTags": ["nginx:1.25"], "RepoDigests": ["nginx@sha256:aaa"]},
                {"RepoTags": ["ghcr.io/acme/sidecar:2"], "RepoDigests": ["ghcr.io/acme/sidecar@sha256:bbb"]}],
   "Results": [{"Target": "ghcr.io/acme/sidecar:2 (debian 12.5)", "Class": "os-pkgs",
     "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-2", "PkgName": "libc6", "Severity": "CRITICAL"}]},
     {"Target": "nginx:1.25 (debian 12.5)", "Class": "os-pkgs", "Vulnerabilities": null}]},
  {"Namespace": "shop", "Kind": "Pod", "Name": "web", "Metadata": 7, "Results": null}
]}"#;
        let (s, recs) = ingest(text);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(vulns.len(), 1);
        assert_eq!(
            vulns[0].subject.image.as_ref().unwrap().to_string(),
            "ghcr.io/acme/sidecar:2@sha256:bbb"
        );
        assert_eq!(of(&recs, RecordKind::Sighting).len(), 2);
        assert_eq!(of(&recs, RecordKind::Scan).len(), 2);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    #[test]
    fn a_report_listing_passes_has_one_config_scan_per_resource_with_the_checks_it_ran() {
        let text = r#"{"ClusterName": "aks-prod-weu", "Resources": [
  {"Namespace": "shop", "Kind": "Deployment", "Name": "cart",
   "Results": [{"Target": "Deployment/cart", "Class": "config", "Type": "kubernetes",
     "Misconfigurations": [{"ID": "KSV017", "AVDID": "AVD-KSV-0017", "Severity": "HIGH", "Status": "PASS"}]}]},
  {"Namespace": "shop", "Kind": "Deployment", "Name": "web",
   "Results": [{"Target": "Deployment/web", "Class": "config", "Type": "kubernetes",
     "Misconfigurations": [{"ID": "KSV014", "AVDID": "AVD-KSV-0014", "Severity": "LOW", "Status": "FAIL"}]}]}
]}"#;
        let (s, recs) = ingest(text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let config = config_scans(&recs);
        let names: Vec<Option<&str>> = config.iter().map(|r| r.subject.name.as_deref()).collect();
        assert_eq!(names, [Some("cart"), Some("web")]);
        assert_eq!(config[0].subject.cluster.as_deref(), Some("aks-prod-weu"));
        assert_eq!(config[0].subject.namespace.as_deref(), Some("shop"));
        // `Deployment/cart` only names the resource again: no place inside it.
        assert_eq!(config[0].subject.target, None);
        assert_eq!(
            config[1].provenance.pointer.as_deref(),
            Some("/Resources/1/Results/0")
        );
        let cart = ran(config[0]).unwrap();
        assert!(cart.any(|x| x == "KSV-0017") && cart.any(|x| x == "KSV017"));
        assert!(!cart.any(|x| x == "KSV-0014"), "another resource's check");
        // The same report lists passes: a resource listing only a failure ran only it.
        let web = ran(config[1]).unwrap();
        assert!(web.any(|x| x == "KSV-0014") && !web.any(|x| x == "KSV-0017"));
    }

    /// A resource `Deployment` `cart` with one failing configuration result per
    /// `(Target, check)`.
    fn cart_with_config_targets(targets: &[(&str, &str)]) -> String {
        let results: Vec<String> = targets
            .iter()
            .map(|(target, check)| {
                format!(
                    r#"{{"Target": "{target}", "Class": "config", "Type": "kubernetes",
   "Misconfigurations": [{{"ID": "{check}", "Severity": "LOW", "Status": "FAIL"}}]}}"#
                )
            })
            .collect();
        format!(
            r#"{{"ClusterName": "aks-prod-weu", "Resources": [
  {{"Namespace": "shop", "Kind": "Deployment", "Name": "cart", "Results": [{}]}}]}}"#,
            results.join(",\n")
        )
    }

    /// The target of the misconfiguration `check` among `recs`.
    fn target_of<'r>(recs: &'r [Record], check: &str) -> Option<&'r str> {
        let found = of(recs, RecordKind::Misconfiguration)
            .into_iter()
            .find(|r| r.check == check)
            .unwrap();
        found.subject.target.as_deref()
    }

    #[test]
    fn a_target_restating_its_resource_is_no_place_inside_it() {
        let (s, recs) = ingest(&cart_with_config_targets(&[
            ("Deployment/cart", "KSV014"),
            // The kind in another case is the same type of object.
            ("deployment/cart", "KSV017"),
        ]));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let mis = of(&recs, RecordKind::Misconfiguration);
        assert_eq!(mis.len(), 2);
        for r in mis {
            assert_eq!(r.subject.target, None, "{}", r.check);
            assert_eq!(r.subject.label(), "aks-prod-weu/shop/Deployment/cart");
        }
    }

    #[test]
    fn a_target_that_is_a_place_inside_the_resource_is_kept() {
        let (s, recs) = ingest(&cart_with_config_targets(&[
            // Names are case-sensitive: another object.
            ("Deployment/Cart", "KSV014"),
            // Another kind, or another resource, of the same name.
            ("StatefulSet/cart", "KSV017"),
            ("Deployment/web", "KSV020"),
            // A file, and a bare name.
            ("charts/cart/templates/deployment.yaml", "KSV021"),
            ("cart", "KSV022"),
        ]));
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(target_of(&recs, "KSV-0014"), Some("Deployment/Cart"));
        assert_eq!(target_of(&recs, "KSV-0017"), Some("StatefulSet/cart"));
        assert_eq!(target_of(&recs, "KSV-0020"), Some("Deployment/web"));
        assert_eq!(
            target_of(&recs, "KSV-0021"),
            Some("charts/cart/templates/deployment.yaml")
        );
        assert_eq!(target_of(&recs, "KSV-0022"), Some("cart"));
    }

    #[test]
    fn an_image_target_stays_the_place_of_its_vulnerabilities() {
        let text = r#"{"ClusterName": "aks-prod-weu", "Resources": [
  {"Namespace": "shop", "Kind": "Deployment", "Name": "cart",
   "Results": [{"Target": "nginx:1.25 (alpine 3.19.1)", "Class": "os-pkgs",
     "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-1", "PkgName": "musl", "Severity": "HIGH"}]}]}
]}"#;
        let (_, recs) = ingest(text);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(
            vulns[0].subject.target.as_deref(),
            Some("nginx:1.25 (alpine 3.19.1)")
        );
    }

    #[test]
    fn one_wrong_type_costs_one_diagnostic() {
        let text = r#"{"ClusterName": "c", "Resources": [
  {"Namespace": "a", "Kind": "Pod", "Name": "p", "Results": []},
  {"Namespace": ["bad"], "Kind": "Pod", "Name": "q", "Results": []},
  {"Namespace": "a", "Kind": "Deployment", "Name": "d", "Results": [{"Target": "Deployment/d", "Class": "config",
    "Misconfigurations": [{"AVDID": "AVD-KSV-0012", "Status": "PASS"}]}]}
]}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(3));
        let mis = of(&recs, RecordKind::Misconfiguration);
        assert_eq!(mis.len(), 1);
        assert_eq!(mis[0].check, "KSV-0012");
        assert_eq!(mis[0].outcome, Outcome::Pass);
    }
}
