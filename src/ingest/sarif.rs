//! SARIF 2.1.0 from container scanners: Trivy (`-f sarif`), Grype (`-o sarif`), and any
//! other producer (Dockle, Docker Scout…) generically.
//!
//! One record per result: `vulnerability` when the rule id is a CVE or GHSA (Grype's
//! `CVE-…-<package>` rule ids are split into id and package), `secret` for Trivy secret
//! rules (the message, which quotes the match, is not kept), else `misconfiguration`
//! (Trivy check ids canonicalised as `KSV-0017`). Severity from the rule's
//! `security-severity` score, else its severity tags, else the result level.
//! The image comes from `runs[].properties.imageName`/`repoTags` (Trivy) or the logical
//! location `image@layer:path` (Grype).

use super::lax::{Lax, LaxTime};
use super::trivy_results::{check_id_of, image_from_meta, looks_like_image, scan, tool_name};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{
    Channel, Format, FormatInfo, ImageFacts, ImageRef, Outcome, ScanClass, Severity, Subject, Text,
    VulnFacts,
};
use crate::redact;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The SARIF ingestor.
pub struct Sarif;

#[derive(Deserialize)]
struct RawLog<'a> {
    #[serde(default, borrow)]
    runs: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawRun<'a> {
    #[serde(default, borrow)]
    tool: Option<RawTool<'a>>,
    #[serde(default, borrow)]
    results: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    properties: Option<RawRunProps>,
    #[serde(default)]
    invocations: Option<Vec<RawInvocation>>,
}

#[derive(Deserialize)]
struct RawTool<'a> {
    #[serde(default, borrow)]
    driver: Option<RawDriver<'a>>,
}

#[derive(Deserialize)]
struct RawDriver<'a> {
    #[serde(default)]
    name: Lax<String>,
    #[serde(default)]
    version: Lax<String>,
    #[serde(rename = "semanticVersion", default)]
    semantic_version: Lax<String>,
    #[serde(default, borrow)]
    rules: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawRunProps {
    #[serde(rename = "imageName", default)]
    image_name: Lax<String>,
    #[serde(rename = "imageID", default)]
    image_id: Lax<String>,
    #[serde(rename = "repoTags", default)]
    repo_tags: Lax<Vec<String>>,
    #[serde(rename = "repoDigests", default)]
    repo_digests: Lax<Vec<String>>,
}

#[derive(Deserialize)]
struct RawInvocation {
    #[serde(rename = "endTimeUtc", default)]
    end_time: LaxTime,
}

#[derive(Deserialize, Default)]
struct RawRule {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "shortDescription", default)]
    short: Option<RawText>,
    #[serde(rename = "fullDescription", default)]
    full: Option<RawText>,
    #[serde(default)]
    help: Option<RawText>,
    #[serde(rename = "defaultConfiguration", default)]
    default_config: Option<RawDefaultConfig>,
    #[serde(default)]
    properties: Option<RawRuleProps>,
}

#[derive(Deserialize, Default)]
struct RawText {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct RawDefaultConfig {
    #[serde(default)]
    level: Option<String>,
}

#[derive(Deserialize)]
struct RawRuleProps {
    /// A score as a string per the GitHub convention; numbers are accepted too.
    #[serde(rename = "security-severity", default)]
    security_severity: Option<serde_json::Value>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(rename = "ruleId", default)]
    rule_id: Option<String>,
    #[serde(rename = "ruleIndex", default)]
    rule_index: Option<usize>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    message: Option<RawText>,
    #[serde(default)]
    locations: Option<Vec<RawLocation>>,
}

#[derive(Deserialize)]
struct RawLocation {
    #[serde(rename = "physicalLocation", default)]
    physical: Option<RawPhysical>,
    #[serde(rename = "logicalLocations", default)]
    logical: Option<Vec<RawLogical>>,
}

#[derive(Deserialize)]
struct RawPhysical {
    #[serde(rename = "artifactLocation", default)]
    artifact: Option<RawArtifactLocation>,
    #[serde(default)]
    region: Option<RawRegion>,
}

#[derive(Deserialize)]
struct RawArtifactLocation {
    #[serde(default)]
    uri: Option<String>,
}

#[derive(Deserialize)]
struct RawRegion {
    #[serde(rename = "startLine", default)]
    start_line: Option<u64>,
}

#[derive(Deserialize)]
struct RawLogical {
    #[serde(rename = "fullyQualifiedName", default)]
    fqn: Option<String>,
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "sarif",
    name: "SARIF 2.1.0 (Trivy -f sarif, Grype -o sarif, other container scanners)",
    tested: "Trivy 0.4x–0.69 SARIF, Grype 0.6x–0.9x SARIF",
    detection: "version 2.1.0 and runs[]",
    signature: &["version", "runs", "$schema"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Sarif {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object && probe.str("version") == Some("2.1.0") && probe.has("runs")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run_log(doc, ctx);
    }
}

fn run_log<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(log) = doc.parse::<RawLog<'a>>(ctx) else {
        return;
    };
    for (r, raw) in log.runs.iter().flatten().enumerate() {
        let ptr = format!("/runs/{r}");
        if let Some(run) = doc.parse_raw::<RawRun<'a>>(ctx, raw, &ptr) {
            one_run(doc, ctx, run, raw, &ptr);
        }
    }
}

/// `CVE-2019-1549`, or Grype's `CVE-1999-0001-package-1` → (`CVE-1999-0001`, `package-1`).
fn split_vuln_id(rule: &str) -> Option<(String, Option<String>)> {
    let upper = rule.to_ascii_uppercase();
    let parts: Vec<&str> = rule.split('-').collect();
    let id_parts = if upper.starts_with("CVE-") {
        // CVE-YYYY-NNNN
        let ok = parts
            .get(1)
            .is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
            && parts
                .get(2)
                .is_some_and(|n| n.len() >= 4 && n.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return None;
        }
        3
    } else if upper.starts_with("GHSA-") {
        let ok = (1..4).all(|i| {
            parts
                .get(i)
                .is_some_and(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        });
        if !ok {
            return None;
        }
        4
    } else {
        return None;
    };
    let body = parts.get(1..id_parts)?.join("-");
    let id = if id_parts == 3 {
        format!("CVE-{body}")
    } else {
        format!("GHSA-{}", body.to_ascii_lowercase())
    };
    let rest = parts
        .get(id_parts..)
        .map(|p| p.join("-"))
        .unwrap_or_default();
    Some((id, Some(rest).filter(|r| !r.is_empty())))
}

/// `Key: value` lines of a Trivy/Grype message or help text.
fn fields(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// A CVSS-like score (`security-severity`): ≥9 critical, ≥7 high, ≥4 medium, >0 low.
fn severity_of_score(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::None
    }
}

fn rule_severity(rule: &RawRule) -> Option<Severity> {
    let props = rule.properties.as_ref()?;
    let score = match &props.security_severity {
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        _ => None,
    };
    if let Some(score) = score.filter(|s| s.is_finite()) {
        return Some(severity_of_score(score));
    }
    props
        .tags
        .iter()
        .flatten()
        .find_map(|t| match t.trim().to_ascii_uppercase().as_str() {
            "CRITICAL" => Some(Severity::Critical),
            "HIGH" => Some(Severity::High),
            "MEDIUM" => Some(Severity::Medium),
            "LOW" => Some(Severity::Low),
            _ => None,
        })
}

fn one_run<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    run: RawRun<'a>,
    raw_run: &'a RawValue,
    ptr: &str,
) {
    let driver = run.tool.and_then(|t| t.driver);
    let driver_name = driver
        .as_ref()
        .and_then(|d| d.name.0.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "sarif".to_string());
    let version = driver
        .as_ref()
        .and_then(|d| d.version.0.clone().or_else(|| d.semantic_version.0.clone()));
    let tool = tool_name(&driver_name, version.as_deref());
    let lower = driver_name.to_ascii_lowercase();
    let is_grype = lower == "grype";
    let is_trivy = lower == "trivy";
    let mut rules: Vec<RawRule> = Vec::new();
    if let Some(d) = &driver {
        for (i, raw) in d.rules.iter().flatten().enumerate() {
            let rptr = format!("{ptr}/tool/driver/rules/{i}");
            rules.push(
                doc.parse_raw::<RawRule>(ctx, raw, &rptr)
                    .unwrap_or_default(),
            );
        }
    }
    let by_id: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.id.as_deref().map(|id| (id, i)))
        .collect();
    let run_image = run.properties.as_ref().and_then(|p| {
        image_from_meta(
            p.image_name.as_deref(),
            p.repo_tags.get().map(Vec::as_slice).unwrap_or_default(),
            p.repo_digests.get().map(Vec::as_slice).unwrap_or_default(),
        )
    });
    let observed = run.invocations.iter().flatten().find_map(|i| i.end_time.0);
    let origin = ctx.origin(FORMAT).tool(tool).observed(observed);
    let mut any_vuln = false;
    let mut first_image: Option<ImageRef> = run_image.clone();
    for (i, raw) in run.results.iter().flatten().enumerate() {
        let rptr = format!("{ptr}/results/{i}");
        let Some(res) = doc.parse_raw::<RawResult>(ctx, raw, &rptr) else {
            continue;
        };
        let rule = res
            .rule_index
            .and_then(|ix| rules.get(ix))
            .filter(|r| r.id.is_none() || r.id == res.rule_id)
            .or_else(|| {
                res.rule_id
                    .as_deref()
                    .and_then(|id| by_id.get(id))
                    .and_then(|ix| rules.get(*ix))
            });
        let Some(rule_id) = res
            .rule_id
            .clone()
            .or_else(|| rule.and_then(|r| r.id.clone()))
            .filter(|s| !s.trim().is_empty())
        else {
            continue;
        };
        let rule_name = rule.and_then(|r| r.name.clone()).unwrap_or_default();
        if is_trivy && rule_name.eq_ignore_ascii_case("License") {
            continue;
        }
        let message = res
            .message
            .as_ref()
            .and_then(|m| m.text.clone())
            .unwrap_or_default();
        let loc = res.locations.as_ref().and_then(|l| l.first());
        let uri = loc
            .and_then(|l| l.physical.as_ref())
            .and_then(|p| p.artifact.as_ref())
            .and_then(|a| a.uri.clone())
            .filter(|u| !u.is_empty());
        let line = loc
            .and_then(|l| l.physical.as_ref())
            .and_then(|p| p.region.as_ref())
            .and_then(|r| r.start_line);
        let image = run_image.clone().or_else(|| {
            if !is_grype {
                return None;
            }
            let fqn = loc
                .and_then(|l| l.logical.as_ref())
                .and_then(|l| l.first())
                .and_then(|l| l.fqn.as_deref())?;
            let (img, _) = fqn.rsplit_once('@')?;
            Some(img)
                .filter(|i| looks_like_image(i))
                .and_then(ImageRef::parse)
        });
        if first_image.is_none() {
            first_image.clone_from(&image);
        }
        let severity = rule
            .and_then(rule_severity)
            .or_else(|| res.level.as_deref().map(Severity::from_word))
            .or_else(|| {
                rule.and_then(|r| r.default_config.as_ref())
                    .and_then(|c| c.level.as_deref())
                    .map(Severity::from_word)
            })
            .unwrap_or(Severity::Unknown);
        let short = rule
            .and_then(|r| r.short.as_ref())
            .and_then(|t| t.text.as_deref());
        let full = rule
            .and_then(|r| r.full.as_ref())
            .and_then(|t| t.text.as_deref());
        let is_secret = is_trivy && rule_name.eq_ignore_ascii_case("Secret");
        let mut d = if let Some((id, pkg)) = split_vuln_id(&rule_id) {
            any_vuln = true;
            let mut f = fields(&message);
            if is_grype {
                if let Some(help) = rule
                    .and_then(|r| r.help.as_ref())
                    .and_then(|h| h.text.as_deref())
                {
                    for (k, v) in fields(help) {
                        f.entry(k).or_insert(v);
                    }
                }
            }
            let package = f.get("package").cloned().or(pkg).unwrap_or_default();
            let installed = f
                .get("installed version")
                .or_else(|| f.get("version"))
                .cloned()
                .unwrap_or_default();
            let fixed = f
                .get("fixed version")
                .or_else(|| f.get("fix version"))
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_string())
                .unwrap_or_default();
            // SARIF has no fix state: a named fixed version is what makes it fixable.
            origin
                .vulnerability(id, VulnFacts::new(package, installed, fixed, ""))
                .title(short.unwrap_or_default())
                .message(full.unwrap_or_default())
        } else if is_secret {
            // Trivy's message quotes the (masked) match: keep only a fingerprint of it.
            let matched = fields(&message).get("match").cloned().unwrap_or_default();
            let d = origin
                .secret(rule_id.as_str())
                .title(short.unwrap_or_default());
            if matched.is_empty() {
                d
            } else {
                d.attr("fingerprint", redact::fingerprint(&matched))
            }
        } else {
            let (check, aliases) =
                check_id_of(Some(&rule_id), None).unwrap_or_else(|| (rule_id.clone(), Vec::new()));
            let mut d = origin
                .misconfiguration(check, Outcome::Fail)
                .title(short.unwrap_or(&rule_name))
                .message(&message);
            d.aliases = aliases.into_iter().map(Text::from).collect();
            d
        };
        d = d
            .severity(severity)
            .attr("rule", rule_id)
            .attr("level", res.level.unwrap_or_default())
            .attr("line", line.map(|l| l.to_string()).unwrap_or_default());
        d.subject = Subject {
            image,
            target: uri.map(Text::from),
            ..Subject::default()
        }
        .into();
        ctx.emit(d, &doc.at(raw.get(), &rptr));
    }
    if (is_trivy || is_grype) && (any_vuln || first_image.is_some()) {
        let config_digest = run
            .properties
            .as_ref()
            .and_then(|p| p.image_id.as_deref())
            .filter(|d| d.contains(':'))
            .map(Text::from);
        let mut d = scan(&origin, ScanClass::Vulnerability).image_facts(ImageFacts {
            config_digest,
            ..ImageFacts::default()
        });
        d.subject.image = first_image;
        ctx.emit(d, &doc.at(raw_run.get(), ptr));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::{severity_of_score, split_vuln_id};
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Record, RecordKind, ScanClass, Severity};

    fn ingest(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("s.sarif", text.as_bytes(), &IngestOptions::default())
    }

    #[test]
    fn rule_ids_split_into_vulnerability_and_package() {
        assert_eq!(
            split_vuln_id("CVE-1999-0001-package-1"),
            Some(("CVE-1999-0001".to_string(), Some("package-1".to_string())))
        );
        assert_eq!(
            split_vuln_id("CVE-2019-1549"),
            Some(("CVE-2019-1549".to_string(), None))
        );
        assert_eq!(
            split_vuln_id("GHSA-jfh8-c2jp-5v3q-log4j-core"),
            Some((
                "GHSA-jfh8-c2jp-5v3q".to_string(),
                Some("log4j-core".to_string())
            ))
        );
        assert_eq!(split_vuln_id("KSV001"), None);
        assert_eq!(split_vuln_id("CVE-x"), None);
    }

    #[test]
    fn trivy_sarif_vulnerabilities_misconfigurations_and_secrets() {
        let text = r#"{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
 "runs": [{
  "tool": {"driver": {"name": "Trivy", "version": "0.50.1", "rules": [
    {"id": "CVE-2019-1549", "name": "OsPackageVulnerability", "shortDescription": {"text": "openssl: information disclosure in fork()"},
     "defaultConfiguration": {"level": "warning"},
     "properties": {"precision": "very-high", "security-severity": "5.3", "tags": ["vulnerability", "security", "MEDIUM"]}},
    {"id": "KSV017", "name": "Misconfiguration", "shortDescription": {"text": "Privileged container"},
     "properties": {"tags": ["misconfiguration", "security", "HIGH"]}},
    {"id": "aws-access-key-id", "name": "Secret", "shortDescription": {"text": "AWS Access Key ID"},
     "properties": {"tags": ["secret", "security", "CRITICAL"], "security-severity": "9.5"}}
  ]}},
  "results": [
    {"ruleId": "CVE-2019-1549", "ruleIndex": 0, "level": "warning",
     "message": {"text": "Package: libcrypto1.1\nInstalled Version: 1.1.1c-r0\nVulnerability CVE-2019-1549\nSeverity: MEDIUM\nFixed Version: 1.1.1d-r0\nLink: [CVE-2019-1549](https://avd.aquasec.com/nvd/cve-2019-1549)"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "library/alpine", "uriBaseId": "ROOTPATH"},
        "region": {"startLine": 1}}}]},
    {"ruleId": "KSV017", "ruleIndex": 1, "level": "error", "message": {"text": "Container 'x' should set privileged to false"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "deploy.yaml"}, "region": {"startLine": 12}}}]},
    {"ruleId": "aws-access-key-id", "ruleIndex": 2, "level": "error",
     "message": {"text": "Artifact: deploy.sh\nType: \nSecret AWS Access Key ID\nSeverity: CRITICAL\nMatch: export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}}
  ],
  "columnKind": "utf16CodeUnits",
  "properties": {"imageID": "sha256:9617", "imageName": "testdata/alpine-310.tar.gz", "repoDigests": null,
                 "repoTags": ["ghcr.io/aquasecurity/trivy-test-images:alpine-310"]}
 }]}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 4);
        let v = &recs[0];
        assert_eq!(v.kind, RecordKind::Vulnerability);
        assert_eq!(v.check, "CVE-2019-1549");
        assert_eq!(v.severity, Severity::Medium);
        let facts = v.vuln().unwrap();
        assert_eq!(facts.package, "libcrypto1.1");
        assert_eq!(facts.installed, "1.1.1c-r0");
        assert_eq!(facts.fixed_in, "1.1.1d-r0");
        assert!(facts.fixable);
        assert!(!facts.known_exploited);
        assert_eq!(v.tool, "Trivy 0.50.1");
        assert_eq!(
            v.subject.image.as_ref().unwrap().tagged(),
            "ghcr.io/aquasecurity/trivy-test-images:alpine-310"
        );
        assert_eq!(v.provenance.pointer.as_deref(), Some("/runs/0/results/0"));
        let m = &recs[1];
        assert_eq!(m.kind, RecordKind::Misconfiguration);
        assert_eq!(m.check, "KSV-0017");
        assert!(m.has_id("KSV017"));
        assert_eq!(m.severity, Severity::High);
        let sec = &recs[2];
        assert_eq!(sec.kind, RecordKind::Secret);
        assert_eq!(sec.severity, Severity::Critical);
        let json = serde_json::to_string(sec).unwrap();
        assert!(!json.contains("AKIAIOSFODNN7EXAMPLE"), "{json}");
        assert_eq!(recs[3].kind, RecordKind::Scan);
        assert_eq!(recs[3].scan_class(), Some(ScanClass::Vulnerability));
        assert_eq!(recs[3].title, "Trivy 0.50.1 vulnerability scan");
    }

    #[test]
    fn grype_sarif_splits_rule_ids_and_reads_the_image_from_logical_locations() {
        let text = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "grype", "version": "0.74.0",
  "rules": [{"id": "CVE-1999-0002-package-2", "name": "DpkgMatcherExactIndirectMatch",
     "shortDescription": {"text": "CVE-1999-0002 critical vulnerability for package-2 package"},
     "help": {"text": "Vulnerability CVE-1999-0002\nSeverity: critical\nPackage: package-2\nVersion: 2.2.2\nFix Version: 2.3,2.4\nType: deb"},
     "properties": {"security-severity": "9.8"}}]}},
  "results": [
    {"ruleId": "CVE-1999-0002-package-2", "level": "error",
     "message": {"text": "A critical vulnerability in deb package: package-2, version 2.2.2 was found in image nginx:1.25 at: /var/lib/dpkg/status"},
     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "nginx:1.25/var/lib/dpkg/status"}},
        "logicalLocations": [{"name": "/var/lib/dpkg/status", "fullyQualifiedName": "nginx:1.25@sha256:layer1:/var/lib/dpkg/status"}]}]},
    {"ruleId": ["bad"], "level": "error"}
  ]}]}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(11));
        assert_eq!(recs.len(), 2);
        let v = &recs[0];
        assert_eq!(v.check, "CVE-1999-0002");
        assert_eq!(v.severity, Severity::Critical);
        let facts = v.vuln().unwrap();
        assert_eq!(facts.package, "package-2");
        assert_eq!(facts.installed, "2.2.2");
        assert_eq!(facts.fixed_in, "2.3");
        assert!(facts.fixable);
        assert!(!v.attrs.contains_key("fixable"));
        assert_eq!(
            v.subject.image.as_ref().unwrap().tagged(),
            "docker.io/library/nginx:1.25"
        );
        assert_eq!(recs[1].kind, RecordKind::Scan);
        assert_eq!(recs[1].scan_class(), Some(ScanClass::Vulnerability));
    }

    #[test]
    fn security_severity_scores_map_onto_one_scale() {
        assert_eq!(severity_of_score(9.8), Severity::Critical);
        assert_eq!(severity_of_score(7.0), Severity::High);
        assert_eq!(severity_of_score(5.3), Severity::Medium);
        assert_eq!(severity_of_score(0.1), Severity::Low);
        assert_eq!(severity_of_score(0.0), Severity::None);
    }

    #[test]
    fn a_vulnerability_without_a_fixed_version_is_not_fixable() {
        let text = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Trivy",
  "rules": [{"id": "CVE-2011-3374", "shortDescription": {"text": "apt"}}]}},
  "results": [{"ruleId": "CVE-2011-3374", "level": "note",
     "message": {"text": "Package: apt\nInstalled Version: 2.2.4\nSeverity: LOW"}}],
  "properties": {"imageName": "debian:11"}}]}"#;
        let (_, recs) = ingest(text);
        let facts = recs[0].vuln().unwrap();
        assert_eq!(facts.package, "apt");
        assert_eq!(facts.fixed_in, "");
        assert!(!facts.fixable);
        assert_eq!(recs[1].scan_class(), Some(ScanClass::Vulnerability));
    }

    #[test]
    fn level_is_the_last_resort_for_severity() {
        let text = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Dockle"}},
  "results": [{"ruleId": "CIS-DI-0001", "level": "warning", "message": {"text": "Create a user"}}]}]}"#;
        let (_, recs) = ingest(text);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].kind, RecordKind::Misconfiguration);
        assert_eq!(recs[0].check, "CIS-DI-0001");
        assert_eq!(recs[0].severity, Severity::Medium);
    }
}
