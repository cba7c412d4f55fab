//! GitLab container-scanning reports (`gl-container-scanning-report.json`, written by
//! GitLab's analyzers and by Trivy's `contrib/gitlab.tpl`), security-report schema
//! 2.x/3.0 and 14.x (each vulnerability carries `category`, `message`, `cve`,
//! `scanner`) and 15.x (`name` instead of `message`, a report-level `scan`).
//!
//! One `vulnerability` record per vulnerability: the CVE among `identifiers` as check id
//! (other identifier values, and a 14.x `cve` field that is itself a CVE, as aliases),
//! the package and installed version from `location.dependency`, the image from
//! `location.image` (a path, such as a scanned archive, is the target instead), the
//! fixed version from a `solution` of the form `Upgrade <package> [from <v>] to <v>`.
//! One `vulnerability-scan` record per image the report names (one for the report
//! when it lists none), dated by `scan.end_time` (else `start_time`); a report
//! without a scan time has no time.

use super::lax::{Lax, LaxTime};
use super::trivy_results::{looks_like_image, scan, tool_name};
use super::util::{cve_first, fixed_from_advice};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{
    Channel, Format, FormatInfo, ImageRef, ScanClass, Severity, Subject, Text, VulnFacts,
};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The GitLab container-scanning ingestor.
pub struct GitLab;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "gitlab-container-scanning",
    name: "GitLab container-scanning report",
    tested: "security-report schema 2.x–14.x (category, message, cve, scanner per vulnerability) and 15.x (name, scan; Trivy gitlab.tpl golden, schema 15.0.7)",
    detection: "version and vulnerabilities[] with scan.type container_scanning, or a first vulnerability with category container_scanning or location.image",
    signature: &["version", "vulnerabilities", "remediations", "scan"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

const CONTAINER_SCANNING: &str = "container_scanning";

impl Ingestor for GitLab {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        if !probe.is_object
            || !probe.has("version")
            || !probe.has("vulnerabilities")
            || probe.has("bomFormat")
        {
            return false;
        }
        let first = probe.first_of("vulnerabilities");
        probe.child("scan").and_then(|s| s.str("type")) == Some(CONTAINER_SCANNING)
            || first.and_then(|v| v.str("category")) == Some(CONTAINER_SCANNING)
            || first
                .and_then(|v| v.child("location"))
                .is_some_and(|l| l.has("image"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(default)]
    version: Lax<String>,
    #[serde(borrow, default)]
    vulnerabilities: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    scan: Option<RawScan>,
}

#[derive(Deserialize)]
struct RawScan {
    #[serde(default)]
    scanner: Option<RawScanner>,
    #[serde(default)]
    start_time: LaxTime,
    #[serde(default)]
    end_time: LaxTime,
    #[serde(default)]
    status: Lax<String>,
}

#[derive(Deserialize)]
struct RawScanner {
    #[serde(default)]
    name: Lax<String>,
    #[serde(default)]
    version: Lax<String>,
}

#[derive(Deserialize)]
struct RawVuln {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    cve: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    solution: Option<String>,
    #[serde(default)]
    scanner: Option<RawScanner>,
    #[serde(default)]
    location: Option<RawLocation>,
    #[serde(default)]
    identifiers: Option<Vec<RawIdentifier>>,
}

#[derive(Deserialize)]
struct RawLocation {
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    operating_system: Option<String>,
    #[serde(default)]
    dependency: Option<RawDependency>,
}

#[derive(Deserialize)]
struct RawDependency {
    #[serde(default)]
    package: Option<RawPackage>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct RawPackage {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawIdentifier {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// The image (or, for a path, the target) a `location.image` names.
fn subject_of(image: Option<&str>) -> Subject {
    let Some(image) = image.map(str::trim).filter(|i| !i.is_empty()) else {
        return Subject::default();
    };
    match Some(image)
        .filter(|i| looks_like_image(i))
        .and_then(ImageRef::parse)
    {
        Some(i) => Subject {
            image: Some(i),
            ..Subject::default()
        },
        None => Subject {
            target: Some(Text::from(image)),
            ..Subject::default()
        },
    }
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(rep) = doc.parse::<RawReport<'a>>(ctx) else {
        return;
    };
    let scan_meta = rep.scan.as_ref();
    let observed = scan_meta.and_then(|s| s.end_time.0.or(s.start_time.0));
    let scanner = |s: Option<&RawScanner>| {
        s.and_then(|s| Some(tool_name(s.name.as_deref()?, s.version.as_deref())))
    };
    let report_tool = scanner(scan_meta.and_then(|s| s.scanner.as_ref()));
    let mut subjects: Vec<Subject> = Vec::new();
    let mut tool = report_tool.clone();
    for (i, raw) in rep.vulnerabilities.iter().flatten().enumerate() {
        let ptr = format!("/vulnerabilities/{i}");
        let Some(v) = doc.parse_raw::<RawVuln>(ctx, raw, &ptr) else {
            continue;
        };
        let identifiers = v.identifiers.as_deref().unwrap_or_default();
        let is_cve = |i: &&RawIdentifier| {
            i.kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("cve"))
        };
        let ids = identifiers
            .iter()
            .filter(is_cve)
            .chain(identifiers.iter().filter(|i| !is_cve(i)))
            .filter_map(|i| i.value.clone())
            .chain(
                v.cve
                    .clone()
                    .filter(|c| c.to_ascii_uppercase().starts_with("CVE-")),
            )
            .chain(
                v.id.clone()
                    .filter(|c| c.to_ascii_uppercase().starts_with("CVE-")),
            );
        let Some((check, aliases)) = cve_first(ids) else {
            let line = doc.line_of(ctx, raw.get());
            ctx.warn(
                Code::BadRecord,
                line,
                Some(format!("{}{ptr}", doc.pointer)),
                "record skipped: vulnerability without an identifier",
            );
            continue;
        };
        let location = v.location.as_ref();
        let dependency = location.and_then(|l| l.dependency.as_ref());
        let package = dependency
            .and_then(|d| d.package.as_ref())
            .and_then(|p| p.name.clone())
            .unwrap_or_default();
        let installed = dependency
            .and_then(|d| d.version.clone())
            .unwrap_or_default();
        let fixed = v
            .solution
            .as_deref()
            .and_then(|s| fixed_from_advice(s, &package))
            .unwrap_or_default();
        let subject = subject_of(location.and_then(|l| l.image.as_deref()));
        if !subjects.contains(&subject) {
            subjects.push(subject.clone());
        }
        let vuln_tool = scanner(v.scanner.as_ref());
        if tool.is_none() {
            tool.clone_from(&vuln_tool);
        }
        let origin = ctx
            .origin(FORMAT)
            .tool(
                vuln_tool
                    .or(report_tool.clone())
                    .unwrap_or_else(|| "gitlab".into()),
            )
            .observed(observed);
        let url = identifiers.iter().find(is_cve).and_then(|i| i.url.clone());
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
            .title(v.name.as_deref().or(v.message.as_deref()).unwrap_or(&check))
            .message(v.description.as_deref().unwrap_or_default())
            .attr("solution", v.solution.clone().unwrap_or_default())
            .attr(
                "operating_system",
                location
                    .and_then(|l| l.operating_system.clone())
                    .unwrap_or_default(),
            )
            .attr("url", url.unwrap_or_default());
        d.aliases = aliases.iter().map(Text::from).collect();
        d.subject = subject.into();
        ctx.emit(d, &doc.at(raw.get(), &ptr));
    }
    if subjects.is_empty() {
        subjects.push(Subject::default());
    }
    let origin = ctx
        .origin(FORMAT)
        .tool(tool.unwrap_or_else(|| "gitlab".into()))
        .observed(observed);
    for subject in subjects {
        let mut d = scan(&origin, ScanClass::Vulnerability)
            .attr("schema_version", rep.version.0.clone().unwrap_or_default())
            .attr(
                "status",
                scan_meta
                    .and_then(|s| s.status.0.clone())
                    .unwrap_or_default(),
            );
        d.subject = subject.into();
        ctx.emit(d, &doc.whole());
    }
}

#[cfg(test)]
#[path = "gitlab_tests.rs"]
mod tests;
