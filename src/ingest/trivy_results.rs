//! The Trivy `Results[]` shape, shared by `trivy image|fs|repo` reports, `trivy k8s`
//! resources, Trivy compliance controls and the pre-0.20 top-level array.
//!
//! One result is one target (an image's OS packages, a lock file, a Dockerfile, a
//! manifest) with optional `Vulnerabilities[]`, `Misconfigurations[]` and `Secrets[]`.
//! Each finding becomes one record; a finding that does not parse costs one diagnostic.
//! Secret values (`Match`, `Code.Lines`) are never read into a record: only a fingerprint.

use super::trivy_listing::Listed;
use super::util::parse_time;
use super::{Doc, Draft, FileCtx, Origin};
use crate::diag::Code;
use crate::model::{
    ConfigFamilies, ConfigFamily, ImageFacts, ImageRef, Outcome, ScanClass, Severity, Subject,
    Text, VulnFacts,
};
use crate::redact;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// One entry of `Results[]`.
#[derive(Deserialize)]
pub(super) struct RawResult<'a> {
    #[serde(rename = "Target", default)]
    pub target: Option<String>,
    #[serde(rename = "Class", default)]
    pub class: Option<String>,
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    #[serde(rename = "Vulnerabilities", default, borrow)]
    pub vulnerabilities: Option<Vec<&'a RawValue>>,
    #[serde(rename = "Misconfigurations", default, borrow)]
    pub misconfigurations: Option<Vec<&'a RawValue>>,
    #[serde(rename = "Secrets", default, borrow)]
    pub secrets: Option<Vec<&'a RawValue>>,
    #[serde(rename = "MisconfSummary", default, borrow)]
    pub misconf_summary: Option<&'a RawValue>,
}

/// The one field of `MisconfSummary` muster reads: how many checks a `.trivyignore`
/// file or an exceptions policy kept out of the listing.
#[derive(Deserialize)]
struct RawMisconfSummary {
    #[serde(rename = "Exceptions", default)]
    exceptions: Option<serde_json::Value>,
}

/// Which scan classes a set of results shows were performed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Classes {
    pub vuln: bool,
    pub config: bool,
    pub secret: bool,
    /// The configuration check families the configuration results show were run.
    pub families: ConfigFamilies,
}

impl Classes {
    pub fn merge(&mut self, other: Classes) {
        self.vuln |= other.vuln;
        self.config |= other.config;
        self.secret |= other.secret;
        self.families = self.families.union(other.families);
    }
}

/// The check families a configuration result's `Type` runs: Dockerfile checks for a
/// Dockerfile, the checks of every Kubernetes object kind for manifests (the files
/// may hold any), cloud checks for infrastructure code. Cluster checks (`KCV`) count
/// only where they were reported.
fn families_of_type(kind: &str) -> ConfigFamilies {
    match kind.to_ascii_lowercase().as_str() {
        "dockerfile" => ConfigFamilies::default().with(ConfigFamily::Dockerfile),
        "kubernetes" | "helm" => ConfigFamilies::manifests(),
        "terraform"
        | "terraformplan-json"
        | "terraformplan-snapshot"
        | "cloudformation"
        | "azure-arm" => ConfigFamilies::default().with(ConfigFamily::Cloud),
        _ => ConfigFamilies::default(),
    }
}

impl RawResult<'_> {
    /// The scan classes this result shows (the legacy shape has no `Class`).
    pub fn classes(&self) -> Classes {
        match self.class.as_deref() {
            Some("os-pkgs") | Some("lang-pkgs") => Classes {
                vuln: true,
                ..Classes::default()
            },
            Some("config") => Classes {
                config: true,
                families: self
                    .kind
                    .as_deref()
                    .map(families_of_type)
                    .unwrap_or_default(),
                ..Classes::default()
            },
            Some("secret") => Classes {
                secret: true,
                ..Classes::default()
            },
            Some(_) => Classes::default(),
            None => {
                let config = self.misconfigurations.is_some() || self.misconf_summary.is_some();
                let secret = self.secrets.is_some();
                Classes {
                    vuln: self.vulnerabilities.is_some() || (!config && !secret),
                    config,
                    secret,
                    families: ConfigFamilies::default(),
                }
            }
        }
    }

    /// Whether `MisconfSummary.Exceptions` counts checks excepted (ignored) on this
    /// target: Trivy leaves them out of the listing. A count that is not a number is
    /// taken as some, so that silence is never trusted on a doubt.
    pub fn has_exceptions(&self) -> bool {
        let Some(raw) = self.misconf_summary else {
            return false;
        };
        match serde_json::from_str::<RawMisconfSummary>(raw.get()) {
            Ok(RawMisconfSummary { exceptions: None }) => false,
            Ok(RawMisconfSummary {
                exceptions: Some(n),
            }) => n.as_f64().is_none_or(|n| n > 0.0),
            // Not an object (`null` is read as no summary): nothing said.
            Err(_) => false,
        }
    }

    /// The target, when not empty.
    pub fn target(&self) -> Option<String> {
        self.target.clone().filter(|t| !t.trim().is_empty())
    }
}

#[derive(Deserialize)]
struct RawVuln {
    #[serde(rename = "VulnerabilityID", default)]
    id: Option<String>,
    #[serde(rename = "VendorIDs", default)]
    vendor_ids: Option<Vec<String>>,
    #[serde(rename = "PkgName", default)]
    pkg_name: Option<String>,
    #[serde(rename = "PkgPath", default)]
    pkg_path: Option<String>,
    #[serde(rename = "InstalledVersion", default)]
    installed_version: Option<String>,
    #[serde(rename = "FixedVersion", default)]
    fixed_version: Option<String>,
    #[serde(rename = "Status", default)]
    status: Option<String>,
    #[serde(rename = "Severity", default)]
    severity: Option<String>,
    #[serde(rename = "Title", default)]
    title: Option<String>,
    #[serde(rename = "Description", default)]
    description: Option<String>,
    #[serde(rename = "PrimaryURL", default)]
    primary_url: Option<String>,
    #[serde(rename = "PublishedDate", default)]
    published: Option<String>,
}

#[derive(Deserialize)]
struct RawMisconf {
    #[serde(rename = "Type", default)]
    kind: Option<String>,
    #[serde(rename = "ID", default)]
    id: Option<String>,
    #[serde(rename = "AVDID", default)]
    avd_id: Option<String>,
    #[serde(rename = "Title", default)]
    title: Option<String>,
    #[serde(rename = "Message", default)]
    message: Option<String>,
    #[serde(rename = "Description", default)]
    description: Option<String>,
    #[serde(rename = "Resolution", default)]
    resolution: Option<String>,
    #[serde(rename = "Severity", default)]
    severity: Option<String>,
    #[serde(rename = "PrimaryURL", default)]
    primary_url: Option<String>,
    #[serde(rename = "Status", default)]
    status: Option<String>,
    #[serde(rename = "CauseMetadata", default)]
    cause: Option<RawCause>,
}

#[derive(Deserialize)]
struct RawCause {
    #[serde(rename = "Resource", default)]
    resource: Option<String>,
    #[serde(rename = "StartLine", default)]
    start_line: Option<u64>,
}

#[derive(Deserialize)]
struct RawSecret {
    #[serde(rename = "RuleID", default)]
    rule_id: Option<String>,
    #[serde(rename = "Category", default)]
    category: Option<String>,
    #[serde(rename = "Severity", default)]
    severity: Option<String>,
    #[serde(rename = "Title", default)]
    title: Option<String>,
    #[serde(rename = "StartLine", default)]
    start_line: Option<u64>,
    /// Masked by Trivy, but still never kept: only its fingerprint is.
    #[serde(rename = "Match", default)]
    matched: Option<String>,
}

/// `Metadata` of a Trivy report (also one element of trivy k8s `Metadata`).
#[derive(Deserialize, Default)]
pub(super) struct RawMetadata {
    #[serde(rename = "ImageID", default)]
    pub image_id: Option<String>,
    #[serde(rename = "OS", default)]
    pub os: Option<RawOs>,
    #[serde(rename = "RepoTags", default)]
    pub repo_tags: Option<Vec<String>>,
    #[serde(rename = "RepoDigests", default)]
    pub repo_digests: Option<Vec<String>>,
    #[serde(rename = "ImageConfig", default)]
    pub image_config: Option<RawImageConfig>,
}

#[derive(Deserialize)]
pub(super) struct RawOs {
    #[serde(rename = "Family", default)]
    pub family: Option<String>,
    #[serde(rename = "Name", default)]
    pub name: Option<String>,
    #[serde(rename = "EOSL", alias = "Eosl", default)]
    pub eosl: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct RawImageConfig {
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub config: Option<RawImageConfigInner>,
}

#[derive(Deserialize)]
pub(super) struct RawImageConfigInner {
    #[serde(rename = "Labels", default)]
    pub labels: Option<BTreeMap<String, serde_json::Value>>,
}

/// Severity from a Trivy word; missing means unknown.
pub(super) fn severity(word: Option<&str>) -> Severity {
    word.map_or(Severity::Unknown, Severity::from_word)
}

/// Emit the records of one result. `subject` already names the target and image.
/// Returns what its misconfigurations say about the checks it ran.
pub(super) fn emit_result<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    res: &RawResult<'a>,
    pointer: &str,
    origin: &Origin,
    subject: &Subject,
) -> Listed {
    let mut listed = Listed::default();
    listed.set_excepted(res.has_exceptions());
    for (i, raw) in res.vulnerabilities.iter().flatten().enumerate() {
        let ptr = format!("{pointer}/Vulnerabilities/{i}");
        if let Some(v) = doc.parse_raw::<RawVuln>(ctx, raw, &ptr) {
            vulnerability(doc, ctx, v, raw, &ptr, origin, subject);
        }
    }
    for (i, raw) in res.misconfigurations.iter().flatten().enumerate() {
        let ptr = format!("{pointer}/Misconfigurations/{i}");
        if let Some(m) = doc.parse_raw::<RawMisconf>(ctx, raw, &ptr) {
            misconfiguration(doc, ctx, m, raw, &ptr, origin, subject, &mut listed);
        }
    }
    for (i, raw) in res.secrets.iter().flatten().enumerate() {
        let ptr = format!("{pointer}/Secrets/{i}");
        if let Some(s) = doc.parse_raw::<RawSecret>(ctx, raw, &ptr) {
            secret(doc, ctx, s, raw, &ptr, origin, subject);
        }
    }
    listed
}

fn missing_id(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, raw: &RawValue, ptr: &str, what: &str) {
    let line = doc.line_of(ctx, raw.get());
    ctx.warn(
        Code::BadRecord,
        line,
        Some(format!("{}{ptr}", doc.pointer)),
        format!("record skipped: {what} without an identifier"),
    );
}

fn vulnerability(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    v: RawVuln,
    raw: &RawValue,
    ptr: &str,
    origin: &Origin,
    subject: &Subject,
) {
    let Some(id) = v.id.filter(|s| !s.trim().is_empty()) else {
        missing_id(doc, ctx, raw, ptr, "vulnerability");
        return;
    };
    let id = id.trim();
    let status = v.status.unwrap_or_default();
    let facts = VulnFacts::new(
        v.pkg_name.unwrap_or_default(),
        v.installed_version.unwrap_or_default(),
        v.fixed_version.unwrap_or_default(),
        &status,
    );
    let mut d = origin
        .vulnerability(id, facts)
        .severity(severity(v.severity.as_deref()))
        .title(v.title.as_deref().unwrap_or_default())
        .message(v.description.as_deref().unwrap_or_default())
        .attr("fix_state", status)
        .attr("published", v.published.unwrap_or_default())
        .attr("pkg_path", v.pkg_path.unwrap_or_default())
        .attr("url", v.primary_url.unwrap_or_default());
    d.aliases = v
        .vendor_ids
        .unwrap_or_default()
        .into_iter()
        .filter(|a| !a.is_empty() && a != id)
        .map(Text::from)
        .collect();
    d.subject = subject.clone().into();
    ctx.emit(d, &doc.at(raw.get(), ptr));
}

#[allow(clippy::too_many_arguments)]
fn misconfiguration(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    m: RawMisconf,
    raw: &RawValue,
    ptr: &str,
    origin: &Origin,
    subject: &Subject,
    listed: &mut Listed,
) {
    let Some((check, aliases)) = check_id_of(m.id.as_deref(), m.avd_id.as_deref()) else {
        missing_id(doc, ctx, raw, ptr, "misconfiguration");
        return;
    };
    let outcome = misconf_outcome(m.status.as_deref());
    listed.note(&check, &aliases, outcome);
    let (resource, line) = m
        .cause
        .map(|c| (c.resource.unwrap_or_default(), c.start_line))
        .unwrap_or_default();
    let mut d = origin
        .misconfiguration(check, outcome)
        .severity(severity(m.severity.as_deref()))
        .title(m.title.as_deref().unwrap_or_default())
        .message(
            m.message
                .as_deref()
                .or(m.description.as_deref())
                .unwrap_or_default(),
        )
        .attr("type", m.kind.unwrap_or_default())
        .attr("status", m.status.unwrap_or_default())
        .attr("resource", resource)
        .attr("line", line.map(|l| l.to_string()).unwrap_or_default())
        .attr_redacted("resolution", m.resolution.as_deref().unwrap_or_default())
        .attr("url", m.primary_url.unwrap_or_default());
    d.aliases = aliases.into_iter().map(Text::from).collect();
    d.subject = subject.clone().into();
    ctx.emit(d, &doc.at(raw.get(), ptr));
}

/// `PASS` → pass, `FAIL` (or missing) → fail, `EXCEPTION` → skip.
pub(super) fn misconf_outcome(status: Option<&str>) -> Outcome {
    match status.map(|s| s.trim().to_ascii_uppercase()).as_deref() {
        Some("PASS") => Outcome::Pass,
        Some("EXCEPTION") => Outcome::Skip,
        Some("FAIL") | None | Some("") => Outcome::Fail,
        Some(_) => Outcome::Unknown,
    }
}

fn secret(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    s: RawSecret,
    raw: &RawValue,
    ptr: &str,
    origin: &Origin,
    subject: &Subject,
) {
    let Some(rule) = s.rule_id.filter(|r| !r.trim().is_empty()) else {
        missing_id(doc, ctx, raw, ptr, "secret");
        return;
    };
    let fingerprint = s
        .matched
        .filter(|m| !m.is_empty())
        .map(|m| redact::fingerprint(&m))
        .unwrap_or_default();
    let mut d = origin
        .secret(rule.trim())
        .severity(severity(s.severity.as_deref()))
        .title(s.title.as_deref().unwrap_or_default())
        .attr("category", s.category.unwrap_or_default())
        .attr(
            "line",
            s.start_line.map(|l| l.to_string()).unwrap_or_default(),
        )
        .attr("fingerprint", fingerprint);
    d.subject = subject.clone().into();
    ctx.emit(d, &doc.at(raw.get(), ptr));
}

/// The canonical check id and its other spellings, from Trivy's `ID` and/or `AVDID`.
pub(super) fn check_id_of(id: Option<&str>, avd: Option<&str>) -> Option<(String, Vec<String>)> {
    let spellings: Vec<&str> = [id, avd]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let first = *spellings.first()?;
    let canonical = spellings
        .iter()
        .find_map(|s| canonical_check(s))
        .unwrap_or_else(|| first.to_string());
    let mut aliases: Vec<String> = Vec::new();
    let mut add = |a: String| {
        if !a.eq_ignore_ascii_case(&canonical)
            && !aliases.iter().any(|x| x.eq_ignore_ascii_case(&a))
        {
            aliases.push(a);
        }
    };
    for s in &spellings {
        add((*s).to_string());
    }
    if let Some((prefix, n)) = split_check(&canonical) {
        add(format!("{prefix}{n:03}"));
        add(format!("AVD-{prefix}-{n:04}"));
    }
    Some((canonical, aliases))
}

/// `KSV017`, `AVD-KSV-0017`, `KSV-0017`, `AVD-KSV017` → `KSV-0017`; `None` for other shapes.
pub(super) fn canonical_check(id: &str) -> Option<String> {
    split_check(id).map(|(prefix, n)| format!("{prefix}-{n:04}"))
}

fn split_check(id: &str) -> Option<(String, u32)> {
    let s = id.trim();
    let upper = s.to_ascii_uppercase();
    let rest = upper.strip_prefix("AVD-").unwrap_or(&upper);
    let letters: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if letters.is_empty() || letters.len() > 8 {
        return None;
    }
    let tail = rest.get(letters.len()..)?;
    let digits = tail.strip_prefix('-').unwrap_or(tail);
    if digits.is_empty() || digits.len() > 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    Some((letters, n))
}

/// Whether a string can be an image reference rather than a path or archive.
pub(super) fn looks_like_image(s: &str) -> bool {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    !s.is_empty()
        && !s.starts_with('/')
        && !s.starts_with('.')
        && !s.contains(char::is_whitespace)
        && ![
            ".tar", ".tar.gz", ".tgz", ".tar.zst", ".json", ".yaml", ".yml",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The image named by an OS-package target `"<image> (<os> <version>)"`.
pub(super) fn image_from_target(target: &str) -> Option<ImageRef> {
    let (name, rest) = target.trim().rsplit_once(" (")?;
    if !rest.ends_with(')') || !looks_like_image(name) {
        return None;
    }
    ImageRef::parse(name)
}

/// `(family, version)` from an OS-package target `"<image> (<os> <version>)"`.
pub(super) fn os_from_target(target: &str) -> Option<(String, String)> {
    let (_, rest) = target.trim().rsplit_once(" (")?;
    let inner = rest.strip_suffix(')')?;
    let (family, version) = inner.split_once(' ').unwrap_or((inner, ""));
    Some((family.to_string(), version.to_string()))
}

/// The image from an artifact name and/or `RepoTags`/`RepoDigests`, with the digest when known.
pub(super) fn image_from_meta(
    name: Option<&str>,
    tags: &[String],
    digests: &[String],
) -> Option<ImageRef> {
    let parsed_digests: Vec<ImageRef> = digests.iter().filter_map(|d| ImageRef::parse(d)).collect();
    let mut image = name
        .filter(|n| looks_like_image(n))
        .and_then(ImageRef::parse)
        .or_else(|| tags.iter().find_map(|t| ImageRef::parse(t)))
        .or_else(|| parsed_digests.first().cloned())?;
    if image.digest.is_none() {
        image.digest = parsed_digests
            .iter()
            .find(|d| d.name() == image.name())
            .and_then(|d| d.digest.clone());
    }
    Some(image)
}

/// A `scan` draft titled after the tool and the class (`trivy 0.58.1 vulnerability scan`).
pub(super) fn scan(origin: &Origin, class: ScanClass) -> Draft {
    let d = origin.scan(class);
    let title = format!("{} {}", d.tool, class.as_str().replace('-', " "));
    d.title(&title)
}

/// What image metadata says about the image: OS, end of life, build time.
pub(super) fn image_facts(meta: &RawMetadata) -> ImageFacts {
    let os = meta.os.as_ref();
    let word = |s: Option<&String>| s.filter(|s| !s.is_empty()).map(Text::from);
    ImageFacts {
        config_digest: word(meta.image_id.as_ref()).filter(|d| d.contains(':')),
        created: meta
            .image_config
            .as_ref()
            .and_then(|c| c.created.as_deref())
            .filter(|c| !c.starts_with("0001-01-01"))
            .and_then(parse_time),
        os_family: os.and_then(|o| word(o.family.as_ref())),
        os_name: os.and_then(|o| word(o.name.as_ref())),
        // Trivy leaves `EOSL` out when it is false.
        end_of_life: os.map(|o| o.eosl.unwrap_or(false)),
    }
}

/// The OS named by an OS-package target `"<image> (<os> <version>)"`, as image facts.
pub(super) fn os_facts_from_target(target: &str) -> ImageFacts {
    let (family, version) = os_from_target(target).unwrap_or_default();
    ImageFacts {
        os_family: Some(Text::from(family)).filter(|f| !f.is_empty()),
        os_name: Some(Text::from(version)).filter(|v| !v.is_empty()),
        ..ImageFacts::default()
    }
}

/// The display-only source labels of image metadata (`source_repo`, `source_revision`,
/// `base_image`).
pub(super) fn with_source_labels(mut d: Draft, meta: &RawMetadata) -> Draft {
    let labels = meta
        .image_config
        .as_ref()
        .and_then(|c| c.config.as_ref())
        .and_then(|c| c.labels.as_ref());
    if let Some(labels) = labels {
        let label = |k: &str| {
            labels
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        d = d
            .attr("source_repo", label("org.opencontainers.image.source"))
            .attr(
                "source_revision",
                label("org.opencontainers.image.revision"),
            )
            .attr("base_image", label("org.opencontainers.image.base.name"));
    }
    d
}

/// `trivy` or `trivy <version>`.
pub(super) fn tool_name(name: &str, version: Option<&str>) -> String {
    match version.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => format!("{name} {v}"),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_check_id_is_canonical_with_aliases() {
        for s in ["KSV017", "AVD-KSV-0017", "KSV-0017", "avd-ksv017", "ksv-17"] {
            assert_eq!(canonical_check(s).as_deref(), Some("KSV-0017"), "{s}");
        }
        for s in ["DS002", "AVD-DS-0002", "DS-0002"] {
            let (c, aliases) = check_id_of(Some(s), None).unwrap_or_default();
            assert_eq!(c, "DS-0002");
            assert!(aliases.contains(&"DS002".to_string()), "{aliases:?}");
            assert!(aliases.contains(&"AVD-DS-0002".to_string()), "{aliases:?}");
            assert!(!aliases.contains(&c));
        }
        let (c, aliases) = check_id_of(Some("KCV0001"), None).unwrap_or_default();
        assert_eq!(c, "KCV-0001");
        assert!(aliases.contains(&"KCV0001".to_string()));
        let (c, aliases) = check_id_of(Some("no-root-user"), None).unwrap_or_default();
        assert_eq!(c, "no-root-user");
        assert!(aliases.is_empty());
        assert!(check_id_of(Some(" "), None).is_none());
    }

    #[test]
    fn targets_and_metadata_name_images() {
        let i = image_from_target("docker.io/redis:6.0.5 (debian 10.4)");
        assert_eq!(
            i.map(|i| i.tagged()).as_deref(),
            Some("docker.io/library/redis:6.0.5")
        );
        assert!(image_from_target("app/package-lock.json").is_none());
        assert!(image_from_target("img.tar.gz (alpine 3.10.2)").is_none());
        assert_eq!(
            os_from_target("x:1 (debian 10.4)"),
            Some(("debian".to_string(), "10.4".to_string()))
        );
        let i = image_from_meta(
            Some("archive.tar"),
            &["ghcr.io/o/a:1".to_string()],
            &["ghcr.io/o/a@sha256:abc".to_string()],
        );
        assert_eq!(
            i.map(|i| i.to_string()).as_deref(),
            Some("ghcr.io/o/a:1@sha256:abc")
        );
    }
}
