//! Grype JSON reports (`grype -o json`), from 0.7 (2021: `matchDetails` object, CPEs as
//! objects, no `fix`) to current (`matchDetails[]`, `fix.state`, EPSS, KEV).
//!
//! One `vulnerability` record per match (check = vulnerability id, aliases = related
//! ids), severity from `vulnerability.severity` (`Negligible` → low), plus one
//! `vulnerability-scan` record for the scanned image or directory.

use super::lax::{Lax, LaxTime};
use super::trivy_results::{looks_like_image, scan, severity, tool_name};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, Format, FormatInfo, ImageFacts, ImageRef, ScanClass, Subject, Text, VulnFacts,
};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The Grype ingestor.
pub struct Grype;

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(default, borrow)]
    matches: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow)]
    source: Option<RawSource<'a>>,
    #[serde(default)]
    distro: Option<RawDistro>,
    #[serde(default)]
    descriptor: Option<RawDescriptor>,
}

#[derive(Deserialize)]
struct RawSource<'a> {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    /// An object for images, a plain string for directories in old versions.
    #[serde(default, borrow)]
    target: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct RawTarget {
    #[serde(rename = "userInput", default)]
    user_input: Option<String>,
    #[serde(rename = "manifestDigest", default)]
    manifest_digest: Option<String>,
    #[serde(rename = "imageID", default)]
    image_id: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(rename = "repoDigests", default)]
    repo_digests: Option<Vec<String>>,
    #[serde(default)]
    path: Option<String>,
}

#[derive(Deserialize)]
struct RawDistro {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct RawDescriptor {
    #[serde(default)]
    name: Lax<String>,
    #[serde(default)]
    version: Lax<String>,
    #[serde(default)]
    timestamp: LaxTime,
}

#[derive(Deserialize)]
struct RawMatch {
    #[serde(default)]
    vulnerability: Option<RawVuln>,
    #[serde(rename = "relatedVulnerabilities", default)]
    related: Option<Vec<RawRelated>>,
    /// An array since 0.1x, an object in 0.7.
    #[serde(rename = "matchDetails", default)]
    match_details: Option<serde_json::Value>,
    #[serde(default)]
    artifact: Option<RawArtifact>,
}

#[derive(Deserialize)]
struct RawVuln {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "dataSource", default)]
    data_source: Option<String>,
    #[serde(default)]
    fix: Option<RawFix>,
    /// Early releases (before `fix`): one fixed version, or absent.
    #[serde(rename = "fixedInVersion", default)]
    fixed_in_version: Option<String>,
    #[serde(rename = "knownExploited", default)]
    known_exploited: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    risk: Option<f64>,
}

#[derive(Deserialize)]
struct RawFix {
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Deserialize)]
struct RawRelated {
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize)]
struct RawArtifact {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    locations: Option<Vec<RawLocation>>,
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct RawLocation {
    #[serde(default)]
    path: Option<String>,
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "grype",
    name: "Grype (-o json)",
    tested: "grype 0.7 (matchDetails object), 0.28–0.66, 0.94 (EPSS, KEV)",
    detection: "object with matches[] and source (descriptor.name grype)",
    signature: &["matches", "source", "distro", "descriptor"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Grype {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe.has("matches")
            && probe.has("source")
            && probe
                .child("descriptor")
                .and_then(|d| d.str("name"))
                .is_none_or(|n| n.eq_ignore_ascii_case("grype"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The scanned image's config digest (`imageID`), its identity across names.
fn config_digest(source: Option<&RawSource<'_>>) -> Option<Text> {
    let raw = source?.target?.get().trim_start();
    let target: RawTarget = serde_json::from_str(raw).ok()?;
    nonempty(target.image_id.as_deref())
        .filter(|d| d.contains(':'))
        .map(Text::from)
}

/// The scanned image (for image sources) or directory (for others).
fn source_subject(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, source: Option<&RawSource<'_>>) -> Subject {
    let Some(source) = source else {
        return Subject::default();
    };
    let Some(raw) = source.target else {
        return Subject::default();
    };
    let text = raw.get().trim_start();
    if text.starts_with('"') {
        let path: Option<String> = serde_json::from_str(text).ok();
        return Subject {
            target: path.filter(|p| !p.is_empty()).map(Text::from),
            ..Subject::default()
        };
    }
    if !text.starts_with('{') {
        return Subject::default();
    }
    let target = doc
        .parse_raw::<RawTarget>(ctx, raw, "/source/target")
        .unwrap_or_default();
    let is_image = source
        .kind
        .as_deref()
        .is_none_or(|k| k == "image" || k == "oci-archive" || k == "docker-archive");
    if !is_image {
        return Subject {
            target: target
                .path
                .or(target.user_input)
                .filter(|p| !p.is_empty())
                .map(Text::from),
            ..Subject::default()
        };
    }
    let tags = target.tags.unwrap_or_default();
    let digests: Vec<ImageRef> = target
        .repo_digests
        .unwrap_or_default()
        .iter()
        .filter_map(|d| ImageRef::parse(d))
        .collect();
    let image = nonempty(target.user_input.as_deref())
        .filter(|u| looks_like_image(u))
        .and_then(ImageRef::parse)
        .or_else(|| tags.iter().find_map(|t| ImageRef::parse(t)))
        .or_else(|| digests.first().cloned())
        .map(|mut img| {
            if img.digest.is_none() {
                img.digest = digests
                    .iter()
                    .find(|d| d.name() == img.name())
                    .and_then(|d| d.digest.clone())
                    .or_else(|| {
                        (nonempty(target.manifest_digest.as_deref()).map(str::to_string))
                            .map(Text::from)
                    });
            }
            img
        });
    let target_path = if image.is_none() {
        target.user_input.filter(|u| !u.is_empty())
    } else {
        None
    };
    Subject {
        image,
        target: target_path.map(Text::from),
        ..Subject::default()
    }
}

/// `type`/`matcher` of the first match detail (array) or the 0.7 object.
fn matcher(details: Option<&serde_json::Value>) -> (String, String) {
    let first = match details {
        Some(serde_json::Value::Array(a)) => a.first(),
        Some(v @ serde_json::Value::Object(_)) => Some(v),
        _ => None,
    };
    let get = |k: &str| {
        first
            .and_then(|d| d.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    (get("type"), get("matcher"))
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(rep) = doc.parse::<RawReport<'a>>(ctx) else {
        return;
    };
    let base = source_subject(doc, ctx, rep.source.as_ref());
    let tool = match rep.descriptor.as_ref() {
        Some(d) => tool_name(
            nonempty(d.name.as_deref()).unwrap_or("grype"),
            d.version.as_deref(),
        ),
        None => "grype".to_string(),
    };
    let observed = rep.descriptor.as_ref().and_then(|d| d.timestamp.0);
    let origin = ctx.origin(FORMAT).tool(tool).observed(observed);
    for (i, raw) in rep.matches.iter().flatten().enumerate() {
        let ptr = format!("/matches/{i}");
        let Some(m) = doc.parse_raw::<RawMatch>(ctx, raw, &ptr) else {
            continue;
        };
        let Some(id) = m
            .vulnerability
            .as_ref()
            .and_then(|v| nonempty(v.id.as_deref()))
            .map(str::to_string)
        else {
            let line = doc.line_of(ctx, raw.get());
            ctx.warn(
                Code::BadRecord,
                line,
                Some(format!("{}{ptr}/vulnerability/id", doc.pointer)),
                "record skipped: vulnerability without an identifier",
            );
            continue;
        };
        let Some(v) = m.vulnerability else {
            continue;
        };
        let art = m.artifact;
        let package = art
            .as_ref()
            .and_then(|a| a.name.clone())
            .unwrap_or_default();
        let version = art
            .as_ref()
            .and_then(|a| a.version.clone())
            .unwrap_or_default();
        let title = if package.is_empty() {
            id.clone()
        } else {
            format!("{id} in {package} {version}")
                .trim_end()
                .to_string()
        };
        let fix = v.fix.unwrap_or(RawFix {
            versions: v.fixed_in_version.map(|f| vec![f]),
            state: None,
        });
        let state = fix.state.unwrap_or_default();
        let fixed = fix
            .versions
            .unwrap_or_default()
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        let known_exploited = v.known_exploited.is_some_and(|k| !k.is_empty());
        let facts =
            VulnFacts::new(package, version, fixed, &state).known_exploited(known_exploited);
        let (match_type, matcher) = matcher(m.match_details.as_ref());
        let mut d = origin
            .vulnerability(id.as_str(), facts)
            .severity(severity(nonempty(v.severity.as_deref())))
            .title(&title)
            .message(v.description.as_deref().unwrap_or_default())
            .attr("fix_state", state)
            .attr(
                "pkg_type",
                art.as_ref()
                    .and_then(|a| a.kind.clone())
                    .unwrap_or_default(),
            )
            .attr(
                "purl",
                art.as_ref()
                    .and_then(|a| a.purl.clone())
                    .unwrap_or_default(),
            )
            .attr("match_type", match_type)
            .attr("matcher", matcher)
            .attr("url", v.data_source.unwrap_or_default())
            .attr(
                "risk",
                v.risk.map(|x| format!("{x:.2}")).unwrap_or_default(),
            );
        let mut aliases: Vec<Text> = Vec::new();
        for rel in m.related.unwrap_or_default() {
            if let Some(a) = nonempty(rel.id.as_deref()) {
                if a != id && !aliases.iter().any(|x| x == a) {
                    aliases.push(Text::from(a));
                }
            }
        }
        d.aliases = aliases;
        d.subject = base.clone().into();
        if let Some(path) = art
            .as_ref()
            .and_then(|a| a.locations.as_ref())
            .and_then(|l| l.first())
            .and_then(|l| l.path.clone())
            .filter(|p| !p.is_empty())
        {
            d.subject.target = Some(path.into());
        }
        ctx.emit(d, &doc.at(raw.get(), &ptr));
    }
    let facts = rep
        .distro
        .as_ref()
        .map(|d| {
            let word = |s: &Option<String>| s.clone().filter(|s| !s.is_empty()).map(Text::from);
            ImageFacts {
                os_family: word(&d.name),
                os_name: word(&d.version),
                ..ImageFacts::default()
            }
        })
        .unwrap_or_default();
    let facts = ImageFacts {
        config_digest: config_digest(rep.source.as_ref()),
        ..facts
    };
    let source_type = rep.source.as_ref().and_then(|s| s.kind.as_deref());
    let mut d = scan(&origin, ScanClass::Vulnerability)
        .image_facts(facts)
        .attr("source_type", source_type.unwrap_or_default());
    d.subject = base.into();
    ctx.emit(d, &doc.whole());
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Record, RecordKind, ScanClass, Severity};

    fn ingest(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("g.json", text.as_bytes(), &IngestOptions::default())
    }

    #[test]
    fn modern_report_with_fix_kev_and_related_ids() {
        let text = r#"{
 "matches": [
  {"vulnerability": {"id": "GHSA-jfh8-c2jp-5v3q", "dataSource": "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q",
     "namespace": "github:language:java", "severity": "Critical", "urls": [],
     "description": "Log4j JNDI", "fix": {"versions": ["2.15.0"], "state": "fixed"},
     "knownExploited": [{"cve": "CVE-2021-44228", "knownRansomwareCampaignUse": "Known"}],
     "epss": [{"cve": "CVE-2021-44228", "epss": 0.97, "percentile": 1.0, "date": "2025-06-18"}], "risk": 97.1},
   "relatedVulnerabilities": [{"id": "CVE-2021-44228", "dataSource": "nvd"}],
   "matchDetails": [{"type": "exact-direct-match", "matcher": "java-matcher",
      "searchedBy": {"language": "java"}, "found": {"vulnerabilityID": "GHSA-jfh8-c2jp-5v3q"}}],
   "artifact": {"id": "a1", "name": "log4j-core", "version": "2.14.1", "type": "java-archive",
      "locations": [{"path": "/app/lib/log4j-core-2.14.1.jar", "layerID": "sha256:l1"}],
      "cpes": ["cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"], "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}},
  {"vulnerability": {"id": "CVE-2005-2541", "severity": "Negligible", "fix": {"versions": [], "state": "wont-fix"}},
   "relatedVulnerabilities": [], "matchDetails": [], "artifact": {"name": "tar", "version": "1.34"}}
 ],
 "source": {"type": "image", "target": {"userInput": "ghcr.io/acme/api:2.1", "imageID": "sha256:cfg",
    "manifestDigest": "sha256:man", "tags": ["ghcr.io/acme/api:2.1"], "repoDigests": ["ghcr.io/acme/api@sha256:repo"]}},
 "distro": {"name": "debian", "version": "12", "idLike": []},
 "descriptor": {"name": "grype", "version": "0.94.0", "timestamp": "2025-06-19T11:43:35.523947199Z"}
}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 3);
        let v = &recs[0];
        assert_eq!(v.kind, RecordKind::Vulnerability);
        assert_eq!(v.check, "GHSA-jfh8-c2jp-5v3q");
        assert_eq!(v.aliases, vec!["CVE-2021-44228".to_string()]);
        assert!(v.has_id("CVE-2021-44228"));
        assert_eq!(v.severity, Severity::Critical);
        let facts = v.vuln().unwrap();
        assert!(facts.fixable);
        assert_eq!(facts.fixed_in, "2.15.0");
        assert!(facts.known_exploited);
        assert_eq!(facts.package, "log4j-core");
        assert_eq!(facts.installed, "2.14.1");
        assert_eq!(v.title, "GHSA-jfh8-c2jp-5v3q in log4j-core 2.14.1");
        for attr in ["fixable", "known_exploited", "package", "fixed_version"] {
            assert!(
                !v.attrs.contains_key(attr),
                "{attr} is a fact, not an attribute"
            );
        }
        assert_eq!(v.attrs["match_type"], "exact-direct-match");
        assert_eq!(v.tool, "grype 0.94.0");
        assert_eq!(
            v.subject.image.as_ref().unwrap().to_string(),
            "ghcr.io/acme/api:2.1@sha256:repo"
        );
        assert_eq!(
            v.subject.target.as_deref(),
            Some("/app/lib/log4j-core-2.14.1.jar")
        );
        assert!(v.observed_at.is_some());
        assert_eq!(v.provenance.line.map(u64::from), Some(3));
        assert_eq!(v.provenance.pointer.as_deref(), Some("/matches/0"));
        let w = &recs[1];
        assert_eq!(w.severity, Severity::Low);
        assert!(!w.vuln().unwrap().fixable);
        assert_eq!(w.attrs["fix_state"], "wont-fix");
        assert!(!w.vuln().unwrap().known_exploited);
        let scan = &recs[2];
        assert_eq!(scan.kind, RecordKind::Scan);
        assert_eq!(scan.check, "vulnerability-scan");
        assert_eq!(scan.scan_class(), Some(ScanClass::Vulnerability));
        assert_eq!(scan.title, "grype 0.94.0 vulnerability scan");
        let image = scan.image_facts().unwrap();
        assert_eq!(image.os_family.as_deref(), Some("debian"));
        assert_eq!(image.os_name.as_deref(), Some("12"));
        assert_eq!(image.end_of_life, None);
        assert!(scan.subject.image.is_some());
    }

    #[test]
    fn grype_0_7_shape_with_match_details_object_and_cpe_objects() {
        let text = r#"{"matches": [
  {"vulnerability": {"id": "CVE-2019-5188", "severity": "Medium", "links": ["https://nvd.nist.gov"],
     "cvssV2": {"baseScore": 4.6, "vector": "AV:L"}},
   "matchDetails": {"matcher": "dpkg-matcher", "searchKey": {"distro": {"type": "debian"}}, "matchedOn": {"cveId": "CVE-2019-5188"}},
   "artifact": {"name": "e2fsprogs", "version": "1.44.5-1+deb10u2", "type": "deb",
     "locations": [{"path": "/var/lib/dpkg/status", "layerID": "sha256:x"}],
     "cpes": [{"Part": "a", "Vendor": "e2fsprogs", "Product": "e2fsprogs", "Version": "1.44.5"}]}}
 ],
 "source": {"type": "image", "target": {"userInput": "debian:10", "scope": "Squashed"}},
 "distro": {"name": "debian", "version": "10", "idLike": ""}}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].check, "CVE-2019-5188");
        assert_eq!(recs[0].severity, Severity::Medium);
        assert_eq!(recs[0].attrs["matcher"], "dpkg-matcher");
        assert!(!recs[0].vuln().unwrap().fixable);
        assert_eq!(recs[0].tool, "grype");
        assert!(recs[0].observed_at.is_none());
        assert_eq!(
            recs[0].subject.image.as_ref().unwrap().tagged(),
            "docker.io/library/debian:10"
        );
    }

    #[test]
    fn early_reports_name_the_fixed_version_in_fixed_in_version() {
        // Releases before `fix` existed: `vulnerability.fixedInVersion`, matchDetails an object.
        let text = r#"{"matches": [
  {"vulnerability": {"id": "CVE-2020-1", "severity": "High", "fixedInVersion": "1.2.3"},
   "matchDetails": {"matcher": "dpkg-matcher", "searchKey": "k", "matchedOn": {}},
   "artifact": {"name": "libssl", "version": "1.2.0", "type": "deb"}},
  {"vulnerability": {"id": "CVE-2020-2", "severity": "Low", "fixedInVersion": ""},
   "artifact": {"name": "zlib", "version": "1.0", "type": "deb"}}],
 "source": {"type": "image", "target": {"userInput": "acme/app:1"}}}"#;
        let (_, recs) = ingest_bytes("g.json", text.as_bytes(), &IngestOptions::default());
        let vulns: Vec<_> = recs.iter().filter_map(|r| r.vuln()).collect();
        assert_eq!(vulns.len(), 2);
        assert_eq!(
            (vulns[0].fixed_in.as_str(), vulns[0].fixable),
            ("1.2.3", true)
        );
        assert_eq!((vulns[1].fixed_in.as_str(), vulns[1].fixable), ("", false));
    }

    #[test]
    fn a_named_fixed_version_is_fixable_whatever_the_fix_state() {
        // The one fixability rule: a fixed version named, or the state `fixed`.
        let text = r#"{"matches": [
  {"vulnerability": {"id": "CVE-1", "fix": {"versions": ["1.1"], "state": "unknown"}}, "artifact": {"name": "a"}},
  {"vulnerability": {"id": "CVE-2", "fix": {"versions": [""], "state": "not-fixed"}}, "artifact": {"name": "b"}},
  {"vulnerability": {"id": "CVE-3", "fix": {"state": "fixed"}}, "artifact": {"name": "c"}}
 ],
 "source": {"type": "image", "target": {"userInput": "nginx:1.25"}}}"#;
        let (_, recs) = ingest(text);
        let fixable: Vec<bool> = recs
            .iter()
            .filter_map(|r| r.vuln())
            .map(|v| v.fixable)
            .collect();
        assert_eq!(fixable, [true, false, true]);
    }

    #[test]
    fn directory_source_as_string_and_one_bad_match() {
        let text = r#"{"matches": [
  {"vulnerability": {"id": "GHSA-1"}, "artifact": {"name": "a"}},
  {"vulnerability": {"id": 12}, "artifact": {"name": "b"}},
  {"vulnerability": {"id": "GHSA-3"}, "artifact": {"name": "c"}}
 ],
 "source": {"type": "directory", "target": "/src/app"},
 "descriptor": {"name": "grype", "version": "0.24.0"}}"#;
        let (s, recs) = ingest(text);
        assert_eq!(recs.len(), 3);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(3));
        assert!(recs[0].subject.image.is_none());
        assert_eq!(recs[0].subject.target.as_deref(), Some("/src/app"));
        assert_eq!(recs[0].severity, Severity::Unknown);
        assert_eq!(recs[2].subject.target.as_deref(), Some("/src/app"));
    }
}
