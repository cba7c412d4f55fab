//! Snyk container test results (`snyk container test --json`): one project object for
//! the image's OS packages, with the application projects found in it under
//! `applications[]` (`--app-vulns`), or an array of projects (split into one document
//! each).
//!
//! Snyk lists a vulnerability once per dependency path; records are one per
//! vulnerability, package and version. The check id is the CVE among
//! `identifiers.CVE` (Snyk's own id, `SNYK-DEBIAN12-…`, is an alias). The package is
//! the binary package as other scanners name it: Snyk writes OS packages as
//! `<source>/<binary>` in `name` (`openssl/libssl3`), so the part after the source
//! package's name is kept. The image is `path` when it is an image reference, else the
//! `docker-image|<name>` of `projectName` with the tag from `path`. `fixedIn` gives
//! the fixed versions. Snyk's JSON carries no scan time: its records have none. One
//! `vulnerability-scan` record per project (an application's has its target file).

use super::trivy_results::{looks_like_image, scan};
use super::util::cve_first;
use super::{Doc, FileCtx, Ingestor, Origin, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, Format, FormatInfo, ImageRef, ScanClass, Severity, Subject, Text, VulnFacts,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashSet;

/// The Snyk container ingestor.
pub struct Snyk;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "snyk-container",
    name: "Snyk container test (--json)",
    tested: "snyk container test --json: one image project with applications[] (DefectDojo sample, 2023), and the array of projects",
    detection: "vulnerabilities[] with packageManager, and docker or a projectName docker-image|…",
    signature: &["vulnerabilities", "ok", "dependencyCount", "packageManager", "docker", "path", "projectName"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

const DOCKER_PROJECT: &str = "docker-image|";

impl Ingestor for Snyk {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe.has("vulnerabilities")
            && probe.has("packageManager")
            && (probe.has("docker")
                || probe
                    .str("projectName")
                    .is_some_and(|p| p.starts_with(DOCKER_PROJECT)))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(p) = doc.parse::<RawProject<'_>>(ctx) else {
            return;
        };
        let image = image_of(&p);
        let origin = ctx.origin(FORMAT).tool("snyk");
        let base = p.docker.as_ref().and_then(|d| d.base_image.clone());
        project(doc, ctx, &origin, &p, "", &image, base.as_deref());
        for (i, raw) in p.applications.iter().flatten().enumerate() {
            let ptr = format!("/applications/{i}");
            if let Some(app) = doc.parse_raw::<RawProject<'_>>(ctx, raw, &ptr) {
                let image = image_of(&app).or(image.clone());
                project(doc, ctx, &origin, &app, &ptr, &image, base.as_deref());
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProject<'a> {
    #[serde(borrow, default)]
    vulnerabilities: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    package_manager: Option<String>,
    #[serde(default)]
    docker: Option<RawDocker>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    project_name: Option<String>,
    #[serde(default)]
    display_target_file: Option<String>,
    #[serde(default)]
    target_file: Option<String>,
    #[serde(borrow, default)]
    applications: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDocker {
    #[serde(default)]
    base_image: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVuln {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    package_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    fixed_in: Option<Vec<String>>,
    #[serde(default)]
    identifiers: Option<RawIdentifiers>,
    #[serde(default)]
    cvss_score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
struct RawIdentifiers {
    #[serde(default)]
    cve: Option<Vec<String>>,
    #[serde(default)]
    cwe: Option<Vec<String>>,
}

/// The scanned image: `path` when it is an image reference, else the project name's
/// image with the tag `path` gives it.
fn image_of(p: &RawProject<'_>) -> Option<ImageRef> {
    let path = p.path.as_deref().map(str::trim).unwrap_or_default();
    let valid = |i: &ImageRef| !i.repository.contains(':');
    if let Some(i) = Some(path)
        .filter(|p| looks_like_image(p))
        .and_then(ImageRef::parse)
        .filter(valid)
    {
        return Some(i);
    }
    let name = p.project_name.as_deref()?.strip_prefix(DOCKER_PROJECT)?;
    let tag = path
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix(':'))
        .map(|rest| rest.split('/').next().unwrap_or(rest));
    ImageRef::from_parts(name, tag, None).filter(valid)
}

/// The binary package Snyk names `<source>/<binary>` for OS packages.
fn package_of(v: &RawVuln) -> String {
    let source = v.package_name.as_deref().unwrap_or_default();
    let name = v.name.as_deref().unwrap_or(source);
    match name.strip_prefix(source).and_then(|r| r.strip_prefix('/')) {
        Some(binary) if !source.is_empty() && !binary.is_empty() => binary.to_string(),
        _ => name.to_string(),
    }
}

fn project(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    origin: &Origin,
    p: &RawProject<'_>,
    pointer: &str,
    image: &Option<ImageRef>,
    base: Option<&str>,
) {
    let target = p
        .display_target_file
        .clone()
        .or(p.target_file.clone())
        .filter(|t| !t.is_empty())
        .map(Text::from);
    let subject = Subject {
        image: image.clone(),
        target: target.clone(),
        ..Subject::default()
    };
    let mut seen = HashSet::new();
    for (i, raw) in p.vulnerabilities.iter().flatten().enumerate() {
        let ptr = format!("{pointer}/vulnerabilities/{i}");
        let Some(v) = doc.parse_raw::<RawVuln>(ctx, raw, &ptr) else {
            continue;
        };
        let cves = v
            .identifiers
            .as_ref()
            .and_then(|i| i.cve.clone())
            .unwrap_or_default();
        let Some((check, aliases)) = cve_first(cves.into_iter().chain(v.id.clone())) else {
            let line = doc.line_of(ctx, raw.get());
            ctx.warn(
                Code::BadRecord,
                line,
                Some(format!("{}{ptr}", doc.pointer)),
                "record skipped: vulnerability without an identifier",
            );
            continue;
        };
        let package = package_of(&v);
        let installed = v.version.clone().unwrap_or_default();
        // One record per vulnerability, package and version (Snyk repeats it per path).
        if !seen.insert((check.clone(), package.clone(), installed.clone())) {
            continue;
        }
        let fixed = v.fixed_in.clone().unwrap_or_default().join(", ");
        let title = v.title.clone().unwrap_or_else(|| check.clone());
        let mut d = origin
            .vulnerability(
                check.as_str(),
                VulnFacts::new(package, installed, fixed, ""),
            )
            .severity(
                v.severity
                    .as_deref()
                    .map_or(Severity::Unknown, Severity::from_word),
            )
            .title(&title)
            .attr("snyk_package", v.name.clone().unwrap_or_default())
            .attr(
                "package_manager",
                p.package_manager.clone().unwrap_or_default(),
            )
            .attr(
                "cvss",
                v.cvss_score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            )
            .attr(
                "cwe",
                v.identifiers
                    .as_ref()
                    .and_then(|i| i.cwe.clone())
                    .unwrap_or_default()
                    .join(","),
            )
            .attr("base_image", base.unwrap_or_default());
        d.aliases = aliases.iter().map(Text::from).collect();
        d.subject = subject.clone().into();
        ctx.emit(d, &doc.at(raw.get(), &ptr));
    }
    let mut d = scan(origin, ScanClass::Vulnerability)
        .attr(
            "package_manager",
            p.package_manager.clone().unwrap_or_default(),
        )
        .attr("base_image", base.unwrap_or_default());
    d.subject = subject.into();
    let at = if pointer.is_empty() {
        doc.whole()
    } else {
        doc.at(doc.text, pointer)
    };
    ctx.emit(d, &at);
}

#[cfg(test)]
#[path = "snyk_tests.rs"]
mod tests;
