//! OpenVEX documents (openvex.dev): statements that a vulnerability does or does not
//! affect products, one `vex` record per statement and product (see `vex` for the
//! subject and time rules). Two schema generations:
//!
//! * 0.0.x (`@context` `https://openvex.dev/ns`, `version` a string): `vulnerability`
//!   is an id string, `products` and statement-level `subcomponents` are strings;
//! * 0.2.x (`@context` `https://openvex.dev/ns/v0.2.0`, `version` an integer):
//!   `vulnerability` is an object (`name`, `@id`, `aliases`), each product an object
//!   (`@id`, `identifiers.purl`, `subcomponents[]`).
//!
//! A statement's time is its `last_updated`, else its `timestamp`, else the document's
//! (`last_updated`, then `timestamp`), as the specification lets statements inherit.

use super::purl::Product;
use super::util::{cve_first, parse_time};
use super::vex::{record, status_of, text, Statement};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{Channel, Format, FormatInfo, VexFacts};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The OpenVEX ingestor.
pub struct OpenVex;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "openvex",
    name: "OpenVEX document",
    tested: "OpenVEX v0.2.0 (Trivy's own VEX document: objects with @id, aliases, identifiers, subcomponents) and 0.0.x (string vulnerability and products, as the specification and vexctl documentation show)",
    detection: "@context starting https://openvex.dev/ns and statements[]",
    signature: &["@context", "@id", "author", "timestamp", "statements"],
    channel: Channel::Vex,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for OpenVex {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe
                .str("@context")
                .is_some_and(|c| c.starts_with("https://openvex.dev/ns"))
            && probe.has("statements")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

#[derive(Deserialize)]
struct RawDoc<'a> {
    #[serde(rename = "@id", default)]
    id: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
    #[serde(default)]
    tooling: Option<String>,
    #[serde(borrow, default)]
    statements: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawStatement {
    #[serde(default)]
    vulnerability: Option<RawVulnerability>,
    #[serde(default)]
    products: Option<Vec<RawProduct>>,
    /// 0.0.x: the subcomponents of every product of the statement.
    #[serde(default)]
    subcomponents: Option<Vec<RawProduct>>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    status_notes: Option<String>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    action_statement: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
    #[serde(default)]
    supplier: Option<String>,
}

/// 0.0.x: an id string; 0.2.x: an object.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawVulnerability {
    Id(String),
    Object {
        #[serde(default)]
        name: Option<String>,
        #[serde(rename = "@id", default)]
        iri: Option<String>,
        #[serde(default)]
        aliases: Option<Vec<String>>,
    },
}

/// 0.0.x: a product id string; 0.2.x: an object.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawProduct {
    Id(String),
    Object {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        identifiers: Option<RawIdentifiers>,
        #[serde(default)]
        subcomponents: Option<Vec<RawProduct>>,
    },
}

#[derive(Deserialize)]
struct RawIdentifiers {
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    cpe23: Option<String>,
    #[serde(default)]
    cpe22: Option<String>,
}

impl RawProduct {
    /// The best identifier: the `@id` when it is a package URL or image, else the
    /// package URL among the identifiers, else the `@id` or a CPE as written.
    fn id(&self) -> Option<String> {
        match self {
            RawProduct::Id(s) => Some(s.clone()),
            RawProduct::Object {
                id, identifiers, ..
            } => {
                let purl = identifiers.as_ref().and_then(|i| i.purl.clone());
                let at_id = id.clone().filter(|s| !s.trim().is_empty());
                let useful = at_id
                    .as_deref()
                    .and_then(Product::of)
                    .is_some_and(|p| !matches!(p, Product::Other(_)));
                let cpe = identifiers
                    .as_ref()
                    .and_then(|i| i.cpe23.clone().or(i.cpe22.clone()));
                if useful {
                    at_id
                } else {
                    purl.or(at_id).or(cpe)
                }
            }
        }
        .filter(|s| !s.trim().is_empty())
    }

    fn subcomponents(&self) -> &[RawProduct] {
        match self {
            RawProduct::Object {
                subcomponents: Some(s),
                ..
            } => s,
            _ => &[],
        }
    }
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(d) = doc.parse::<RawDoc<'a>>(ctx) else {
        return;
    };
    let doc_time = [d.last_updated.as_deref(), d.timestamp.as_deref()]
        .into_iter()
        .flatten()
        .find_map(parse_time);
    let origin = ctx
        .origin(FORMAT)
        .tool(d.tooling.clone().unwrap_or_else(|| "openvex".into()))
        .observed(doc_time);
    for (i, raw) in d.statements.iter().flatten().enumerate() {
        let ptr = format!("/statements/{i}");
        let Some(s) = doc.parse_raw::<RawStatement>(ctx, raw, &ptr) else {
            continue;
        };
        let skip = |ctx: &mut FileCtx<'_>, why: &str| {
            let line = doc.line_of(ctx, raw.get());
            ctx.warn(
                Code::BadRecord,
                line,
                Some(format!("{}{ptr}", doc.pointer)),
                format!("statement skipped: {why}"),
            );
        };
        let ids: Vec<String> = match &s.vulnerability {
            Some(RawVulnerability::Id(id)) => vec![id.clone()],
            Some(RawVulnerability::Object { name, iri, aliases }) => name
                .iter()
                .cloned()
                .chain(aliases.iter().flatten().cloned())
                .chain(iri.iter().filter(|i| !i.contains("://")).cloned())
                .collect(),
            None => Vec::new(),
        };
        let Some((id, aliases)) = cve_first(ids) else {
            skip(ctx, "it names no vulnerability");
            continue;
        };
        let Some(status) = s.status.as_deref().and_then(status_of) else {
            skip(
                ctx,
                &format!("unknown status {:?}", s.status.unwrap_or_default()),
            );
            continue;
        };
        let time = [s.last_updated.as_deref(), s.timestamp.as_deref()]
            .into_iter()
            .flatten()
            .find_map(parse_time)
            .or(doc_time);
        let statement = Statement {
            id,
            aliases,
            facts: VexFacts {
                status,
                justification: text(s.justification.as_deref()),
                impact: text(s.impact_statement.as_deref()).or(text(s.status_notes.as_deref())),
                action: text(s.action_statement.as_deref()),
                author: text(d.author.as_deref()),
                document: text(d.id.as_deref()),
                package: None,
            },
            time,
        };
        let products = s.products.as_deref().unwrap_or_default();
        if products.is_empty() {
            skip(ctx, "it names no product");
            continue;
        }
        let shared_subs = s.subcomponents.as_deref().unwrap_or_default();
        for (j, p) in products.iter().enumerate() {
            let Some(product) = p.id().as_deref().and_then(Product::of) else {
                skip(ctx, "a product without an identifier");
                continue;
            };
            let subs: Vec<String> = p
                .subcomponents()
                .iter()
                .chain(shared_subs)
                .filter_map(RawProduct::id)
                .collect();
            let at = doc.at(raw.get(), &format!("{ptr}/products/{j}"));
            let emit = |ctx: &mut FileCtx<'_>, component: Option<&str>| {
                let d = record(&origin, &statement, &product, component)
                    .attr("status_notes", s.status_notes.clone().unwrap_or_default())
                    .attr("supplier", s.supplier.clone().unwrap_or_default());
                ctx.emit(d, &at);
            };
            match (&product, subs.is_empty()) {
                // A statement about packages inside an image: one record per package.
                (Product::Image(_), false) => {
                    for sub in &subs {
                        emit(ctx, Some(sub));
                    }
                }
                (_, false) => emit(ctx, Some(&subs.join(", "))),
                (_, true) => emit(ctx, None),
            }
        }
    }
}

#[cfg(test)]
#[path = "openvex_tests.rs"]
mod tests;
