//! CycloneDX BOMs with `vulnerabilities` written by scanners (Trivy `--format
//! cyclonedx --scanners vuln`, Grype `-o cyclonedx-json`), spec 1.4 to 1.7.
//!
//! One `vulnerability` record per vulnerability and affected component (`affects[].ref`
//! resolved through `components[].bom-ref`: package name and installed version), with
//! the CVE as check id and the scanner's own id as alias, the image from
//! `metadata.component` (see `cyclonedx_bom`), the fixed version from an `unaffected`
//! version or range, else from Trivy's `Upgrade <package> to version <v>`
//! recommendation; and one `vulnerability-scan` record for the BOM, dated by
//! `metadata.timestamp`. A vulnerability that also carries an `analysis` (a BOM with
//! VEX, as Dependency-Track exports) gives its `vex` records too.

use super::cyclonedx_bom::{self as bom, Components, RawBom, RawVuln};
use super::cyclonedx_vex::statements;
use super::trivy_results::scan;
use super::util::{cve_first, fixed_from_advice};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{Channel, Format, FormatInfo, ImageFacts, ScanClass, Text, VulnFacts};
use serde_json::Value;

/// The CycloneDX scanner-BOM ingestor.
pub struct CycloneDx;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "cyclonedx",
    name: "CycloneDX BOM with vulnerabilities (Trivy, Grype, other scanners)",
    tested: "CycloneDX 1.4–1.7: Trivy --format cyclonedx (1.7 golden, tools object; 1.4 tools array), Grype -o cyclonedx-json golden shape (KEV and EPSS ratings)",
    detection: "bomFormat CycloneDX with vulnerabilities[] whose first entry has no analysis",
    signature: &["bomFormat", "specVersion", "metadata", "components", "vulnerabilities"],
    channel: Channel::Scanner,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

/// Whether a probed document is a CycloneDX BOM with vulnerabilities.
pub(super) fn is_bom_with_vulnerabilities(probe: &Probe) -> bool {
    probe.is_object && probe.str("bomFormat") == Some("CycloneDX") && probe.has("vulnerabilities")
}

impl Ingestor for CycloneDx {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        is_bom_with_vulnerabilities(probe)
            && !probe
                .first_of("vulnerabilities")
                .is_some_and(|v| v.has("analysis"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(b) = doc.parse::<RawBom<'a>>(ctx) else {
        return;
    };
    let comps = Components::of(&b);
    let subject = comps.subject();
    let (origin, author, document) = bom::context(&b, FORMAT);
    for (i, raw) in b.vulnerabilities.iter().flatten().enumerate() {
        let ptr = format!("/vulnerabilities/{i}");
        let Some(v) = doc.parse_raw::<RawVuln>(ctx, raw, &ptr) else {
            continue;
        };
        let ids =
            v.id.iter()
                .chain(v.references.iter().flatten().filter_map(|r| r.id.as_ref()))
                .cloned();
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
        let at = doc.at(raw.get(), &ptr);
        let affects = v.affects.as_deref().unwrap_or_default();
        let packages: Vec<(String, String, String)> = if affects.is_empty() {
            vec![Default::default()]
        } else {
            affects
                .iter()
                .map(|a| {
                    let c = a.reference.as_deref().and_then(|r| comps.get(r));
                    let name = c.map(|c| c.name.clone()).unwrap_or_default();
                    let version = c.map(|c| c.version.clone()).unwrap_or_default();
                    let fixed = bom::fixed_version(a)
                        .or_else(|| fixed_from_advice(v.recommendation.as_deref()?, &name))
                        .unwrap_or_default();
                    (name, version, fixed)
                })
                .collect()
        };
        for (package, installed, fixed) in packages {
            let title = if package.is_empty() {
                check.clone()
            } else {
                format!("{check} in {package} {installed}")
                    .trim_end()
                    .to_string()
            };
            let facts = VulnFacts::new(package, installed, fixed, "")
                .known_exploited(bom::known_exploited(&v));
            let mut d = origin
                .vulnerability(check.as_str(), facts)
                .severity(bom::severity(&v))
                .title(&title)
                .message(v.description.as_deref().unwrap_or_default())
                .attr(
                    "source",
                    v.source
                        .as_ref()
                        .and_then(|s| s.name.clone())
                        .unwrap_or_default(),
                )
                .attr(
                    "url",
                    v.source
                        .as_ref()
                        .and_then(|s| s.url.clone())
                        .unwrap_or_default(),
                );
            d.aliases = aliases.iter().map(Text::from).collect();
            d.subject = subject.clone().into();
            ctx.emit(d, &at);
        }
        if v.analysis.as_ref().is_some_and(|a| a.state.is_some()) {
            statements(
                doc,
                ctx,
                &origin,
                &comps,
                &v,
                (raw.get(), &ptr),
                (&author, &document),
            );
        }
    }
    let os = b
        .components
        .iter()
        .flatten()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("operating-system"));
    let word = |k: &str| {
        os.and_then(|c| c.get(k))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Text::from)
    };
    let facts = ImageFacts {
        os_family: word("name"),
        os_name: word("version"),
        ..ImageFacts::default()
    };
    let mut d = scan(&origin, ScanClass::Vulnerability)
        .image_facts(facts)
        .attr("spec_version", b.spec_version.clone().unwrap_or_default());
    d.subject = subject.into();
    ctx.emit(d, &doc.whole());
}

#[cfg(test)]
#[path = "cyclonedx_tests.rs"]
mod tests;
