//! Trivy `image|fs|repo -f json` reports (SchemaVersion 2, v0.20 to current) and the
//! pre-0.20 top-level array of `{Target, Type, Vulnerabilities}`.
//!
//! One record per vulnerability, misconfiguration and secret of every `Results[]` entry
//! (see `trivy_results`), plus one `scan` record per scan class the report shows was
//! performed (`vulnerability-scan`, `config-scan`, `secret-scan`) carrying the image's
//! OS, end-of-life flag, build time and source repository. A report that lists its
//! passing checks too (`--include-non-failures`) has one `config-scan` per configuration
//! target instead, carrying the checks that target ran (see `trivy_listing`).

use super::lax::{Lax, LaxTime};
use super::trivy_listing::ConfigTargets;
use super::trivy_results::{
    emit_result, image_facts, image_from_meta, image_from_target, os_facts_from_target, scan,
    tool_name, with_source_labels, Classes, RawMetadata, RawResult,
};
use super::{Doc, Draft, FileCtx, Ingestor, Origin, Probe};
use crate::model::{
    Channel, CheckNumbering, Format, FormatInfo, ImageFacts, ScanClass, Subject, Text,
};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The Trivy ingestor.
pub struct Trivy;

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(rename = "CreatedAt", default)]
    created_at: LaxTime,
    #[serde(rename = "ArtifactName", default)]
    artifact_name: Lax<String>,
    #[serde(rename = "ArtifactType", default)]
    artifact_type: Lax<String>,
    #[serde(rename = "Trivy", default)]
    trivy: Option<RawTrivy>,
    #[serde(rename = "Metadata", default, borrow)]
    metadata: Option<&'a RawValue>,
    #[serde(rename = "Results", default, borrow)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawTrivy {
    #[serde(rename = "Version", default)]
    version: Lax<String>,
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "trivy",
    name: "Trivy image/fs/repo report (-f json)",
    tested: "Trivy 0.19 (top-level array), 0.20, 0.4x–0.69 (SchemaVersion 2)",
    detection: "SchemaVersion with ArtifactType or ArtifactName and no ClusterName; or an array of {Target, Vulnerabilities}",
    signature: &["SchemaVersion", "ArtifactName", "ArtifactType", "Results"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Trivy {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        if probe.is_array {
            return probe
                .first
                .as_deref()
                .is_some_and(|f| f.has("Target") && !f.has("apiVersion"));
        }
        probe.has("SchemaVersion")
            && (probe.has("ArtifactType") || probe.has("ArtifactName"))
            && !probe.has("ClusterName")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if doc.probe.is_array {
            legacy(doc, ctx);
        } else {
            report(doc, ctx);
        }
    }
}

fn report<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(rep) = doc.parse::<RawReport<'a>>(ctx) else {
        return;
    };
    let meta: Option<RawMetadata> = rep
        .metadata
        .filter(|m| m.get().trim() != "null")
        .and_then(|m| doc.parse_raw::<RawMetadata>(ctx, m, "/Metadata"));
    let is_image = rep
        .artifact_type
        .as_deref()
        .is_none_or(|t| t == "container_image" || t == "vm");
    let image = if is_image {
        let empty = Vec::new();
        let tags = meta
            .as_ref()
            .and_then(|m| m.repo_tags.as_ref())
            .unwrap_or(&empty);
        let digests = meta
            .as_ref()
            .and_then(|m| m.repo_digests.as_ref())
            .unwrap_or(&empty);
        image_from_meta(rep.artifact_name.as_deref(), tags, digests)
    } else {
        None
    };
    let tool = tool_name(
        "trivy",
        rep.trivy.as_ref().and_then(|t| t.version.as_deref()),
    );
    let origin = ctx.origin(FORMAT).tool(tool).observed(rep.created_at.0);
    let base = Subject {
        image,
        ..Subject::default()
    };
    let mut classes = Classes::default();
    let mut config = ConfigTargets::default();
    for (i, raw) in rep.results.iter().flatten().enumerate() {
        let ptr = format!("/Results/{i}");
        let Some(res) = doc.parse_raw::<RawResult<'a>>(ctx, raw, &ptr) else {
            continue;
        };
        let these = res.classes();
        classes.merge(these);
        let subject = Subject {
            target: res.target().map(Text::from),
            ..base.clone()
        };
        let listed = emit_result(doc, ctx, &res, &ptr, &origin, &subject);
        classes.families = classes.families.union(listed.families());
        if these.config {
            config.add(subject, these.families, listed, doc.at(raw.get(), &ptr));
        }
    }
    let artifact = rep.artifact_name.0.unwrap_or_default();
    let scan_subject = Subject {
        target: ((base.image.is_none() && !artifact.is_empty()).then(|| artifact.clone()))
            .map(Text::from),
        ..base
    };
    let facts = meta.as_ref().map(image_facts).unwrap_or_default();
    emit_scans(
        doc,
        ctx,
        &origin,
        classes,
        &config,
        &scan_subject,
        &facts,
        |d| {
            let d = d.attr("artifact", artifact.as_str()).attr(
                "artifact_type",
                rep.artifact_type.as_deref().unwrap_or_default(),
            );
            match &meta {
                Some(meta) => with_source_labels(d, meta),
                None => d,
            }
        },
    );
}

/// One `scan` record per class the results show was performed, with what the scan
/// learnt about the image; for configuration, one per target when the report lists
/// every check each target ran (`config`).
#[allow(clippy::too_many_arguments)]
fn emit_scans(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    origin: &Origin,
    classes: Classes,
    config: &ConfigTargets<'_>,
    subject: &Subject,
    facts: &ImageFacts,
    extra: impl Fn(Draft) -> Draft,
) {
    let draft = |class| {
        extra(
            scan(origin, class)
                .image_facts(facts.clone())
                .families(classes.families)
                .numbering(CheckNumbering::Trivy),
        )
    };
    for (on, class) in [
        (classes.vuln, ScanClass::Vulnerability),
        (classes.config, ScanClass::Configuration),
        (classes.secret, ScanClass::Secret),
    ] {
        if class == ScanClass::Configuration && config.list_every_check() {
            config.emit_per_target(ctx, || draft(class));
        } else if on {
            let mut d = draft(class);
            if class == ScanClass::Configuration {
                d = d.families(config.silent_families(classes.families));
            }
            d.subject = subject.clone().into();
            ctx.emit(d, &doc.whole());
        }
    }
}

/// Before v0.20: `[{"Target": "alpine:3.10 (alpine 3.10.2)", "Type": "alpine", "Vulnerabilities": [...]}]`.
fn legacy<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(items) = doc.parse::<Vec<&'a RawValue>>(ctx) else {
        return;
    };
    let origin = ctx.origin(FORMAT).tool("trivy");
    let mut classes = Classes::default();
    let mut config = ConfigTargets::default();
    let mut first_image = None;
    for (i, raw) in items.iter().enumerate() {
        let ptr = format!("/{i}");
        let Some(res) = doc.parse_raw::<RawResult<'a>>(ctx, raw, &ptr) else {
            continue;
        };
        let these = res.classes();
        classes.merge(these);
        let target = res.target();
        let image = target.as_deref().and_then(image_from_target);
        if first_image.is_none() {
            first_image.clone_from(&image);
        }
        let subject = Subject {
            image: image.or_else(|| first_image.clone()),
            target: target.map(Text::from),
            ..Subject::default()
        };
        let listed = emit_result(doc, ctx, &res, &ptr, &origin, &subject);
        classes.families = classes.families.union(listed.families());
        if these.config {
            config.add(subject, these.families, listed, doc.at(raw.get(), &ptr));
        }
    }
    let subject = Subject {
        image: first_image,
        ..Subject::default()
    };
    let facts = items
        .first()
        .and_then(|raw| serde_json::from_str::<RawResult<'_>>(raw.get()).ok())
        .and_then(|r| r.target)
        .map(|t| os_facts_from_target(&t))
        .unwrap_or_default();
    emit_scans(doc, ctx, &origin, classes, &config, &subject, &facts, |d| d);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{
        ConfigFamily, Facts, Outcome, RanChecks, Record, RecordKind, ScanClass, Severity,
    };

    fn ingest(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("t.json", text.as_bytes(), &IngestOptions::default())
    }

    fn of(recs: &[Record], kind: RecordKind) -> Vec<&Record> {
        recs.iter().filter(|r| r.kind == kind).collect()
    }

    /// The checks a scan record says it ran (`None`: it does not say, and its families
    /// decide).
    fn ran(r: &Record) -> Option<&RanChecks> {
        match &r.facts {
            Facts::Scan { ran, .. } => ran.as_deref(),
            _ => None,
        }
    }

    /// The configuration scan records, in order.
    fn config_scans(recs: &[Record]) -> Vec<&Record> {
        of(recs, RecordKind::Scan)
            .into_iter()
            .filter(|r| r.scan_class() == Some(ScanClass::Configuration))
            .collect()
    }

    /// The configuration families a scan record says it ran.
    fn families(r: &Record) -> crate::model::ConfigFamilies {
        match &r.facts {
            Facts::Scan { families, .. } => *families,
            _ => crate::model::ConfigFamilies::default(),
        }
    }

    const IMAGE: &str = r#"{
  "SchemaVersion": 2,
  "CreatedAt": "2026-03-01T10:00:00.123+01:00",
  "ArtifactName": "ghcr.io/acme/web:1.2",
  "ArtifactType": "container_image",
  "Trivy": {"Version": "0.58.1"},
  "Metadata": {
    "OS": {"Family": "debian", "Name": "9.9", "EOSL": true},
    "RepoTags": ["ghcr.io/acme/web:1.2"],
    "RepoDigests": ["ghcr.io/acme/web@sha256:abc123"],
    "ImageConfig": {"created": "2025-12-24T08:00:00Z",
      "config": {"Labels": {"org.opencontainers.image.source": "https://github.com/acme/web"}}}
  },
  "Results": [
    {"Target": "ghcr.io/acme/web:1.2 (debian 9.9)", "Class": "os-pkgs", "Type": "debian",
     "Vulnerabilities": [
       {"VulnerabilityID": "CVE-2019-18276", "PkgName": "bash", "InstalledVersion": "4.4-5",
        "Status": "end_of_life", "Severity": "LOW", "Title": "bash: saved UID not dropped",
        "Description": "long text", "PublishedDate": "2019-11-28T01:15:00Z"},
       {"VulnerabilityID": "CVE-2020-1000", "PkgName": "openssl", "InstalledVersion": "1.1",
        "FixedVersion": "1.2", "Severity": "CRITICAL"},
       {"VulnerabilityID": "CVE-2020-2000", "PkgName": "zlib", "Status": "fixed", "Severity": "HIGH"}
     ]},
    {"Target": "app/requirements.txt", "Class": "lang-pkgs", "Type": "pip", "Vulnerabilities": null},
    {"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
     "MisconfSummary": {"Successes": 1, "Failures": 2},
     "Misconfigurations": [
       {"ID": "DS002", "AVDID": "AVD-DS-0002", "Title": "Image user should not be 'root'", "Severity": "HIGH", "Status": "FAIL",
        "CauseMetadata": {"Provider": "Dockerfile", "Code": {"Lines": null}}},
       {"ID": "DS-0026", "Severity": "LOW", "Status": "PASS"},
       {"ID": "KSV017", "Severity": "HIGH", "Status": "EXCEPTION"}
     ]},
    {"Target": "deploy.sh", "Class": "secret",
     "Secrets": [
       {"RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL", "Title": "AWS Access Key ID",
        "StartLine": 3, "EndLine": 3,
        "Code": {"Lines": [{"Number": 3, "Content": "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "IsCause": true}]},
        "Match": "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}
     ]}
  ]
}"#;

    #[test]
    fn image_report_vulnerabilities_misconfigurations_secrets_and_scans() {
        let (s, recs) = ingest(IMAGE);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(vulns.len(), 3);
        let v = vulns[0];
        assert_eq!(v.check, "CVE-2019-18276");
        assert_eq!(v.severity, Severity::Low);
        assert_eq!(v.tool, "trivy 0.58.1");
        let facts = v.vuln().unwrap();
        assert_eq!(facts.package, "bash");
        assert_eq!(facts.installed, "4.4-5");
        assert!(!facts.fixable);
        assert_eq!(v.attrs["fix_state"], "end_of_life");
        assert!(!v.attrs.contains_key("fixable") && !v.attrs.contains_key("package"));
        assert_eq!(v.attrs["published"], "2019-11-28T01:15:00Z");
        let img = v.subject.image.as_ref().unwrap();
        assert_eq!(img.tagged(), "ghcr.io/acme/web:1.2");
        assert_eq!(img.digest.as_deref(), Some("sha256:abc123"));
        assert_eq!(
            v.subject.target.as_deref(),
            Some("ghcr.io/acme/web:1.2 (debian 9.9)")
        );
        assert_eq!(
            v.observed_at.unwrap().to_rfc3339(),
            "2026-03-01T09:00:00.123+00:00"
        );
        assert_eq!(
            v.provenance.pointer.as_deref(),
            Some("/Results/0/Vulnerabilities/0")
        );
        assert_eq!(v.provenance.line.map(u64::from), Some(17));
        assert!(vulns[1].vuln().unwrap().fixable, "a fixed version is named");
        assert_eq!(vulns[1].vuln().unwrap().fixed_in, "1.2");
        assert!(vulns[2].vuln().unwrap().fixable, "status fixed");

        let mis = of(&recs, RecordKind::Misconfiguration);
        assert_eq!(mis.len(), 3);
        assert_eq!(mis[0].check, "DS-0002");
        assert!(mis[0].has_id("DS002") && mis[0].has_id("AVD-DS-0002"));
        assert_eq!(mis[0].outcome, Outcome::Fail);
        assert_eq!(mis[1].check, "DS-0026");
        assert_eq!(mis[1].outcome, Outcome::Pass);
        assert_eq!(mis[2].check, "KSV-0017");
        assert!(mis[2].has_id("KSV017") && mis[2].has_id("AVD-KSV-0017"));
        assert_eq!(mis[2].outcome, Outcome::Skip);

        let sec = of(&recs, RecordKind::Secret);
        assert_eq!(sec.len(), 1);
        assert_eq!(sec[0].check, "aws-access-key-id");
        assert_eq!(sec[0].attrs["line"], "3");
        assert_eq!(sec[0].subject.target.as_deref(), Some("deploy.sh"));
        let json = serde_json::to_string(sec[0]).unwrap();
        assert!(!json.contains("AKIAIOSFODNN7EXAMPLE"), "{json}");
        assert!(!json.contains("export AWS"), "{json}");
        assert!(sec[0].attrs["fingerprint"].contains('#'));

        let scans = of(&recs, RecordKind::Scan);
        let checks: Vec<&str> = scans.iter().map(|r| r.check.as_str()).collect();
        assert_eq!(checks, ["vulnerability-scan", "config-scan", "secret-scan"]);
        let scan = scans[0];
        assert_eq!(scan.outcome, Outcome::Pass);
        assert_eq!(scan.scan_class(), Some(ScanClass::Vulnerability));
        assert_eq!(scan.title, "trivy 0.58.1 vulnerability scan");
        let image = scan.image_facts().unwrap();
        assert_eq!(image.os_family.as_deref(), Some("debian"));
        assert_eq!(image.os_name.as_deref(), Some("9.9"));
        assert_eq!(image.end_of_life, Some(true));
        assert_eq!(
            image.created.unwrap().to_rfc3339(),
            "2025-12-24T08:00:00+00:00"
        );
        assert_eq!(scan.attrs["source_repo"], "https://github.com/acme/web");
        assert!(!scan.attrs.contains_key("os_family") && !scan.attrs.contains_key("eosl"));
        assert_eq!(scans[1].scan_class(), Some(ScanClass::Configuration));
        assert_eq!(scans[2].scan_class(), Some(ScanClass::Secret));
        assert!(scan.subject.image.is_some());
        // It lists a pass (DS-0026): the Dockerfile ran the checks it lists, under
        // every spelling, and not the one it excepted.
        let config = scans[1];
        assert_eq!(config.subject.target.as_deref(), Some("Dockerfile"));
        assert!(config.subject.image.is_some());
        assert!(config.image_facts().is_some());
        let listed = ran(config).unwrap();
        for id in ["DS-0002", "DS002", "AVD-DS-0002", "DS-0026", "DS026"] {
            assert!(listed.any(|x| x == id), "{id}");
        }
        assert!(
            !listed.any(|x| x.contains("KSV")),
            "an excepted check was not run"
        );
        assert!(ran(scans[0]).is_none() && ran(scans[2]).is_none());
        assert_eq!(recs.len(), 3 + 3 + 1 + 3);
    }

    #[test]
    fn filesystem_report_has_no_image_and_old_ids_are_aliased() {
        let text = r#"{"SchemaVersion": 2, "ArtifactName": ".", "ArtifactType": "filesystem",
          "Metadata": {"ImageConfig": {"architecture": "", "created": "0001-01-01T00:00:00Z", "rootfs": {"diff_ids": null}, "config": {}}},
          "Results": [{"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
             "Misconfigurations": [{"ID": "DS002", "Severity": "HIGH", "Status": "FAIL"},
                                   {"AVDID": "AVD-DS-0002", "Severity": "HIGH", "Status": "FAIL"},
                                   {"ID": "DS-0002", "Severity": "HIGH", "Status": "FAIL"}]}]}"#;
        let (s, recs) = ingest(text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let mis = of(&recs, RecordKind::Misconfiguration);
        assert_eq!(mis.len(), 3);
        assert!(mis
            .iter()
            .all(|m| m.check == "DS-0002" && m.has_id("DS002")));
        assert!(mis.iter().all(|m| m.subject.image.is_none()));
        let scans = of(&recs, RecordKind::Scan);
        assert_eq!(scans.len(), 1);
        assert_eq!(scans[0].check, "config-scan");
        assert_eq!(scans[0].subject.target.as_deref(), Some("."));
        assert!(
            ran(scans[0]).is_none(),
            "failures alone: its families decide"
        );
        assert!(
            scans[0].image_facts().is_none(),
            "a zero build time is no build time"
        );
        assert!(recs.iter().all(|r| r.observed_at.is_none()));
    }

    #[test]
    fn a_failures_only_report_drops_the_families_of_a_target_with_exceptions() {
        let text = r#"{"SchemaVersion": 2, "CreatedAt": "2026-11-19T06:00:00Z",
          "ArtifactName": "app", "ArtifactType": "repository",
          "Results": [
            {"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
             "MisconfSummary": {"Successes": 24, "Failures": 1, "Exceptions": 0},
             "Misconfigurations": [{"ID": "DS-0002", "Severity": "HIGH", "Status": "FAIL"}]},
            {"Target": "build/Dockerfile", "Class": "config", "Type": "dockerfile",
             "MisconfSummary": {"Successes": 24, "Failures": 0, "Exceptions": 1}},
            {"Target": "deploy/web.yaml", "Class": "config", "Type": "kubernetes",
             "MisconfSummary": {"Successes": 90, "Failures": 1},
             "Misconfigurations": [{"ID": "KSV-0014", "Severity": "LOW", "Status": "FAIL"}]}
          ]}"#;
        let (s, recs) = ingest(text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let configs = config_scans(&recs);
        // Still one scan for the report, without a list of checks …
        assert_eq!(configs.len(), 1);
        assert!(ran(configs[0]).is_none());
        let families = families(configs[0]);
        // … whose silence proves no Dockerfile check, though the other Dockerfile
        // excepted none: the scan's silence would prove it on every Dockerfile.
        assert!(!families.contains(ConfigFamily::Dockerfile));
        assert!(families.contains(ConfigFamily::Kubernetes));
    }

    #[test]
    fn a_report_listing_passes_has_one_config_scan_per_target_with_the_checks_it_ran() {
        let text = r#"{"SchemaVersion": 2, "CreatedAt": "2026-11-19T06:00:00Z",
          "ArtifactName": "app", "ArtifactType": "repository",
          "Results": [
            {"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
             "MisconfSummary": {"Successes": 1, "Failures": 0},
             "Misconfigurations": [{"ID": "DS-0002", "Severity": "HIGH", "Status": "PASS"}]},
            {"Target": "deploy/web.yaml", "Class": "config", "Type": "kubernetes",
             "MisconfSummary": {"Successes": 0, "Failures": 1},
             "Misconfigurations": [{"ID": "KSV014", "AVDID": "AVD-KSV-0014", "Severity": "LOW", "Status": "FAIL"}]},
            {"Target": "deploy/empty.yaml", "Class": "config", "Type": "kubernetes"},
            {"Target": "go.sum", "Class": "lang-pkgs", "Type": "gomod", "Vulnerabilities": null}
          ]}"#;
        let (s, recs) = ingest(text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let scans = of(&recs, RecordKind::Scan);
        let configs = config_scans(&recs);
        let targets: Vec<Option<&str>> = configs
            .iter()
            .map(|r| r.subject.target.as_deref())
            .collect();
        assert_eq!(
            targets,
            [
                Some("Dockerfile"),
                Some("deploy/web.yaml"),
                Some("deploy/empty.yaml")
            ]
        );
        assert!(configs.iter().all(|r| r.attrs["artifact"] == "app"));
        assert_eq!(configs[0].provenance.pointer.as_deref(), Some("/Results/0"));
        // The Dockerfile ran DS-0002 and no other check, Dockerfile or not.
        let dockerfile = ran(configs[0]).unwrap();
        assert!(dockerfile.any(|x| x == "DS002"));
        assert!(!dockerfile.any(|x| x.starts_with("KSV")));
        // In the same report, a manifest listing only a failure ran only that check:
        // the flag that lists passes holds for every target.
        let web = ran(configs[1]).unwrap();
        assert!(web.any(|x| x == "KSV-0014") && web.any(|x| x == "AVD-KSV-0014"));
        assert!(!web.any(|x| x == "KSV-0020"));
        // A manifest that lists nothing ran nothing.
        assert!(!ran(configs[2]).unwrap().any(|_| true));
        // Each target keeps the families of its own kind.
        // … but one that ran nothing has none: its silence proves no selector, not even
        // one naming only the class ("misconfiguration") or a glob of ids.
        assert!(families(configs[2]).is_empty());
        assert!(families(configs[0]).contains(ConfigFamily::Dockerfile));
        assert!(!families(configs[0]).contains(ConfigFamily::Kubernetes));
        assert!(families(configs[1]).contains(ConfigFamily::Kubernetes));
        assert!(!families(configs[1]).contains(ConfigFamily::Dockerfile));
        let vuln = scans
            .iter()
            .filter(|r| r.scan_class() == Some(ScanClass::Vulnerability))
            .count();
        assert_eq!(vuln, 1, "one vulnerability scan for the report");
    }

    #[test]
    fn legacy_top_level_array_is_claimed() {
        let text = r#"[
  {"Target": "alpine:3.10 (alpine 3.10.2)", "Type": "alpine",
   "Vulnerabilities": [
     {"VulnerabilityID": "CVE-2019-1549", "PkgName": "libssl1.1", "InstalledVersion": "1.1.1c-r0",
      "FixedVersion": "1.1.1d-r0", "Severity": "MEDIUM"},
     {"VulnerabilityID": "CVE-2019-1551", "PkgName": "libssl1.1", "InstalledVersion": "1.1.1c-r0", "Severity": "LOW"}
   ]},
  {"Target": "app/Gemfile.lock", "Type": "bundler", "Vulnerabilities": null}
]"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(vulns.len(), 2);
        assert_eq!(
            vulns[0].subject.image.as_ref().unwrap().tagged(),
            "docker.io/library/alpine:3.10"
        );
        assert_eq!(
            vulns[0].provenance.pointer.as_deref(),
            Some("/0/Vulnerabilities/0")
        );
        let scans = of(&recs, RecordKind::Scan);
        assert_eq!(scans.len(), 1);
        assert_eq!(scans[0].check, "vulnerability-scan");
        let image = scans[0].image_facts().unwrap();
        assert_eq!(image.os_family.as_deref(), Some("alpine"));
        assert_eq!(image.os_name.as_deref(), Some("3.10.2"));
        assert_eq!(image.end_of_life, None);
        assert!(vulns[0].vuln().unwrap().fixable);
        assert!(!vulns[1].vuln().unwrap().fixable);
    }

    #[test]
    fn one_wrong_type_costs_one_diagnostic_and_the_rest_is_kept() {
        let text = r#"{"SchemaVersion": 2, "ArtifactName": "nginx:1.25", "ArtifactType": "container_image",
"Results": [{"Target": "nginx:1.25 (debian 12.1)", "Class": "os-pkgs", "Vulnerabilities": [
{"VulnerabilityID": "CVE-1", "PkgName": "a", "Severity": "HIGH"},
{"VulnerabilityID": "CVE-2", "PkgName": 5, "Severity": "HIGH"},
{"VulnerabilityID": "CVE-3", "PkgName": "c", "Severity": null}
]}]}"#;
        let (s, recs) = ingest(text);
        let vulns = of(&recs, RecordKind::Vulnerability);
        assert_eq!(vulns.len(), 2);
        assert_eq!(vulns[1].severity, Severity::Unknown);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(4));
        assert_eq!(
            s.diagnostics[0].pointer.as_deref(),
            Some("/Results/0/Vulnerabilities/1/PkgName")
        );
    }

    #[test]
    fn k8s_reports_and_empty_reports_are_not_trivy_image_reports() {
        let (s, _) = ingest(r#"{"SchemaVersion": 2, "ClusterName": "c", "Resources": []}"#);
        assert_ne!(s.formats, vec![super::FORMAT]);
        let (s, recs) = ingest(
            r#"{"SchemaVersion": 2, "ArtifactName": "x:1", "ArtifactType": "container_image"}"#,
        );
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(recs.is_empty());
    }
}
