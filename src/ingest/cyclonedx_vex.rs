//! CycloneDX VEX documents (1.4–1.6; a BOM whose vulnerabilities carry an
//! `analysis`): one `vex` record per vulnerability and affected product (see `vex`).
//!
//! `affects[].ref` is resolved through `components[]` and `metadata.component`
//! (`cyclonedx_bom::Components::product`). The analysis state maps onto the VEX
//! statuses as CycloneDX's own VEX guidance does: `not_affected` and `false_positive`
//! are not affected, `resolved` and `resolved_with_pedigree` fixed, `exploitable`
//! affected, `in_triage` under investigation. `justification` and `detail` are kept;
//! `response` (`update`, `workaround_available`, …) is the action of an affected
//! statement. A statement's time is `analysis.lastUpdated`, else `firstIssued`, else
//! `metadata.timestamp`. A vulnerability without an analysis in a VEX document says
//! nothing and costs one diagnostic.

use super::cyclonedx::is_bom_with_vulnerabilities;
use super::cyclonedx_bom::{self as bom, Components, RawBom, RawVuln};
use super::util::{cve_first, parse_time};
use super::vex::{record, status_of, text, Statement};
use super::{Doc, FileCtx, Ingestor, Origin, Probe};
use crate::diag::Code;
use crate::model::{Channel, Format, FormatInfo, Text, VexFacts, VexStatus};

/// The CycloneDX VEX ingestor.
pub struct CycloneDxVex;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "cyclonedx-vex",
    name: "CycloneDX VEX",
    tested:
        "CycloneDX 1.4 (CISA use-case examples), 1.5 and 1.6 analysis (firstIssued, lastUpdated)",
    detection: "bomFormat CycloneDX with vulnerabilities[] whose first entry has an analysis",
    signature: &["bomFormat", "specVersion", "vulnerabilities"],
    channel: Channel::Vex,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for CycloneDxVex {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        is_bom_with_vulnerabilities(probe)
            && probe
                .first_of("vulnerabilities")
                .is_some_and(|v| v.has("analysis"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(b) = doc.parse::<RawBom<'_>>(ctx) else {
            return;
        };
        let comps = Components::of(&b);
        let (origin, author, document) = bom::context(&b, FORMAT);
        for (i, raw) in b.vulnerabilities.iter().flatten().enumerate() {
            let ptr = format!("/vulnerabilities/{i}");
            let Some(v) = doc.parse_raw::<RawVuln>(ctx, raw, &ptr) else {
                continue;
            };
            if v.analysis.as_ref().is_none_or(|a| a.state.is_none()) {
                skip(
                    doc,
                    ctx,
                    raw.get(),
                    &ptr,
                    "a vulnerability without an analysis state",
                );
                continue;
            }
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
}

fn skip(doc: &Doc<'_>, ctx: &mut FileCtx<'_>, slice: &str, ptr: &str, why: &str) {
    let line = doc.line_of(ctx, slice);
    ctx.warn(
        Code::BadRecord,
        line,
        Some(format!("{}{ptr}", doc.pointer)),
        format!("statement skipped: {why}"),
    );
}

/// The `vex` records of one vulnerability's analysis (`at`: its text and pointer;
/// `by`: the document's author and identifier).
pub(super) fn statements(
    doc: &Doc<'_>,
    ctx: &mut FileCtx<'_>,
    origin: &Origin,
    comps: &Components,
    v: &RawVuln,
    at: (&str, &str),
    by: (&Option<Text>, &Option<Text>),
) {
    let (slice, ptr) = at;
    let Some(a) = v.analysis.as_ref() else {
        return;
    };
    let state = a.state.clone().unwrap_or_default();
    let Some(status) = status_of(&state) else {
        skip(
            doc,
            ctx,
            slice,
            ptr,
            &format!("unknown analysis state {state:?}"),
        );
        return;
    };
    let ids =
        v.id.iter()
            .chain(v.references.iter().flatten().filter_map(|r| r.id.as_ref()))
            .cloned();
    let Some((id, aliases)) = cve_first(ids) else {
        skip(
            doc,
            ctx,
            slice,
            ptr,
            "a vulnerability without an identifier",
        );
        return;
    };
    let response = a.response.clone().unwrap_or_default().join(", ");
    let time = [a.last_updated.as_deref(), a.first_issued.as_deref()]
        .into_iter()
        .flatten()
        .find_map(parse_time)
        .or(origin.observed_at());
    let statement = Statement {
        id,
        aliases,
        facts: VexFacts {
            status,
            justification: text(a.justification.as_deref()),
            impact: text(a.detail.as_deref()),
            action: (status == VexStatus::Affected)
                .then(|| text(Some(&response)))
                .flatten(),
            author: by.0.clone(),
            document: by.1.clone(),
            package: None,
        },
        time,
    };
    let affects = v.affects.as_deref().unwrap_or_default();
    if affects.is_empty() {
        skip(doc, ctx, slice, ptr, "it affects no product");
        return;
    }
    for (j, aff) in affects.iter().enumerate() {
        let Some(reference) = aff.reference.as_deref().filter(|r| !r.trim().is_empty()) else {
            skip(
                doc,
                ctx,
                slice,
                &format!("{ptr}/affects/{j}"),
                "a product without a ref",
            );
            continue;
        };
        let (product, component) = comps.product(reference);
        let d = record(origin, &statement, &product, component.as_deref())
            .attr("state", state.as_str())
            .attr("response", response.as_str())
            .attr("ref", reference);
        ctx.emit(d, &doc.at(slice, &format!("{ptr}/affects/{j}")));
    }
}

#[cfg(test)]
#[path = "cyclonedx_vex_tests.rs"]
mod tests;
