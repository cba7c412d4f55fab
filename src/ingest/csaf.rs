//! CSAF 2.0 VEX documents (OASIS Common Security Advisory Framework, profile
//! `csaf_vex`; other CSAF categories with `product_status` read the same): one `vex`
//! record per vulnerability, status list and product (see `vex`).
//!
//! * Products come from `product_tree`: `branches` (nested, each leaf a `product`),
//!   `full_product_names`, and `relationships`, whose `full_product_name` stands for
//!   "`product_reference` as a component of `relates_to_product_reference`" (the
//!   component narrows the statement to a package of that product). A product is its
//!   `product_identification_helper.purl` (an `oci` one is an image), else its name.
//!   `product_groups` expand group ids in flags, threats and remediations.
//! * `product_status`: `known_not_affected` → not affected, `fixed`/`first_fixed` →
//!   fixed, `known_affected`/`first_affected`/`last_affected` → affected,
//!   `under_investigation` → under investigation (`recommended` states no status).
//! * A `flags[].label` naming the product is the justification, a `threats[]` entry of
//!   category `impact` the impact statement, `remediations[]` the action of an affected
//!   product. The statement's time is the flag's (else the remediation's) `date`, else
//!   the document's `tracking.current_release_date` (else `initial_release_date`).
//! * The vulnerability id is `cve`, else the first of `ids[].text`; the others are aliases.

use super::purl::Product;
use super::util::{cve_first, parse_time};
use super::vex::{record, status_of, text, Statement};
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{Channel, Format, FormatInfo, VexFacts, VexStatus};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;

/// The CSAF VEX ingestor.
pub struct Csaf;

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "csaf-vex",
    name: "CSAF 2.0 VEX",
    tested: "CSAF 2.0 csaf_vex profile as the OASIS specification defines it (branches, full_product_names, relationships, product_groups; flags, threats, remediations)",
    detection: "document.csaf_version 2.x with vulnerabilities[]",
    signature: &["document", "product_tree", "vulnerabilities"],
    channel: Channel::Vex,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Csaf {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe
                .child("document")
                .and_then(|d| d.str("csaf_version"))
                .is_some_and(|v| v.starts_with("2."))
            && probe.has("vulnerabilities")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

#[derive(Deserialize)]
struct RawCsaf<'a> {
    #[serde(default)]
    document: Option<RawDocument>,
    #[serde(default)]
    product_tree: Option<Value>,
    #[serde(borrow, default)]
    vulnerabilities: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(default)]
    publisher: Option<RawNamed>,
    #[serde(default)]
    tracking: Option<RawTracking>,
}

#[derive(Deserialize)]
struct RawNamed {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawTracking {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    current_release_date: Option<String>,
    #[serde(default)]
    initial_release_date: Option<String>,
    #[serde(default)]
    generator: Option<RawGenerator>,
}

#[derive(Deserialize)]
struct RawGenerator {
    #[serde(default)]
    engine: Option<RawEngine>,
}

#[derive(Deserialize)]
struct RawEngine {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct RawVulnerability {
    #[serde(default)]
    cve: Option<String>,
    #[serde(default)]
    ids: Option<Vec<RawId>>,
    #[serde(default)]
    product_status: Option<HashMap<String, Vec<String>>>,
    #[serde(default)]
    flags: Option<Vec<RawScoped>>,
    #[serde(default)]
    threats: Option<Vec<RawScoped>>,
    #[serde(default)]
    remediations: Option<Vec<RawScoped>>,
}

#[derive(Deserialize)]
struct RawId {
    #[serde(default)]
    text: Option<String>,
}

/// A flag, threat or remediation: what it says, about which products, when.
#[derive(Deserialize)]
struct RawScoped {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    product_ids: Option<Vec<String>>,
    #[serde(default)]
    group_ids: Option<Vec<String>>,
}

/// The product tree: what each product id stands for, and the groups.
#[derive(Default)]
struct Tree {
    /// Product id → (product, the package inside it when a relationship says so).
    products: HashMap<String, (Product, Option<String>)>,
    groups: HashMap<String, Vec<String>>,
}

/// A product's identifier: its package URL, else its name.
fn identifier(full_product_name: &Value) -> Option<String> {
    let helper = full_product_name.get("product_identification_helper");
    helper
        .and_then(|h| h.get("purl"))
        .or_else(|| full_product_name.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

impl Tree {
    fn of(tree: Option<&Value>) -> Tree {
        let mut t = Tree::default();
        let Some(tree) = tree else {
            return t;
        };
        let add = |t: &mut Tree, fpn: &Value| {
            let id = fpn.get("product_id").and_then(Value::as_str);
            if let (Some(id), Some(p)) = (id, identifier(fpn).as_deref().and_then(Product::of)) {
                t.products.entry(id.to_string()).or_insert((p, None));
            }
        };
        let mut stack: Vec<&Value> = tree
            .get("branches")
            .and_then(Value::as_array)
            .map(|b| b.iter().collect())
            .unwrap_or_default();
        while let Some(b) = stack.pop() {
            if let Some(p) = b.get("product") {
                add(&mut t, p);
            }
            stack.extend(
                b.get("branches")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        }
        for fpn in tree
            .get("full_product_names")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(&mut t, fpn);
        }
        for r in tree
            .get("relationships")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let s = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
            let (Some(id), Some(component), Some(parent)) = (
                r.get("full_product_name")
                    .and_then(|f| f.get("product_id"))
                    .and_then(Value::as_str),
                s("product_reference"),
                s("relates_to_product_reference"),
            ) else {
                continue;
            };
            if let Some((product, _)) = t.products.get(&parent).cloned() {
                let package = t.products.get(&component).map(|(p, _)| match p {
                    Product::Package(id) | Product::Other(id) => id.clone(),
                    Product::Image(i) => i.to_string(),
                });
                t.products
                    .insert(id.to_string(), (product, package.or(Some(component))));
            }
        }
        for g in tree
            .get("product_groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ids = g
                .get("product_ids")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if let Some(gid) = g.get("group_id").and_then(Value::as_str) {
                t.groups.insert(gid.to_string(), ids);
            }
        }
        t
    }

    /// The flags, threats or remediations of `list` about `product`.
    fn about<'v>(&self, list: &'v Option<Vec<RawScoped>>, product: &str) -> Vec<&'v RawScoped> {
        list.iter()
            .flatten()
            .filter(|s| self.covers(s, product))
            .collect()
    }

    /// Whether a flag, threat or remediation is about `product`.
    fn covers(&self, s: &RawScoped, product: &str) -> bool {
        s.product_ids.iter().flatten().any(|p| p == product)
            || s.group_ids
                .iter()
                .flatten()
                .filter_map(|g| self.groups.get(g))
                .any(|ids| ids.iter().any(|p| p == product))
    }
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(c) = doc.parse::<RawCsaf<'a>>(ctx) else {
        return;
    };
    let tree = Tree::of(c.product_tree.as_ref());
    let tracking = c.document.as_ref().and_then(|d| d.tracking.as_ref());
    let doc_time = tracking
        .and_then(|t| {
            t.current_release_date
                .as_deref()
                .or(t.initial_release_date.as_deref())
        })
        .and_then(parse_time);
    let engine = tracking
        .and_then(|t| t.generator.as_ref())
        .and_then(|g| g.engine.as_ref());
    let tool = match engine.and_then(|e| e.name.as_deref()) {
        Some(n) => super::trivy_results::tool_name(n, engine.and_then(|e| e.version.as_deref())),
        None => "csaf".to_string(),
    };
    let origin = ctx.origin(FORMAT).tool(tool).observed(doc_time);
    let author = text(
        c.document
            .as_ref()
            .and_then(|d| d.publisher.as_ref())
            .and_then(|p| p.name.as_deref()),
    );
    let document = text(tracking.and_then(|t| t.id.as_deref()));
    for (i, raw) in c.vulnerabilities.iter().flatten().enumerate() {
        let ptr = format!("/vulnerabilities/{i}");
        let Some(v) = doc.parse_raw::<RawVulnerability>(ctx, raw, &ptr) else {
            continue;
        };
        let skip = |ctx: &mut FileCtx<'_>, p: &str, why: &str| {
            let line = doc.line_of(ctx, raw.get());
            ctx.warn(
                Code::BadRecord,
                line,
                Some(format!("{}{p}", doc.pointer)),
                format!("statement skipped: {why}"),
            );
        };
        let ids = v
            .cve
            .iter()
            .cloned()
            .chain(v.ids.iter().flatten().filter_map(|i| i.text.clone()));
        let Some((id, aliases)) = cve_first(ids) else {
            skip(ctx, &ptr, "a vulnerability without an identifier");
            continue;
        };
        let mut lists: Vec<(&String, &Vec<String>)> = v.product_status.iter().flatten().collect();
        lists.sort();
        for (list, products) in lists {
            let Some(status) = status_of(list) else {
                continue;
            };
            for (j, pid) in products.iter().enumerate() {
                let at = format!("{ptr}/product_status/{list}/{j}");
                let Some((product, component)) = tree.products.get(pid) else {
                    skip(
                        ctx,
                        &at,
                        &format!("product {pid:?} is not in the product tree"),
                    );
                    continue;
                };
                let flags = tree.about(&v.flags, pid);
                let threats = tree.about(&v.threats, pid);
                let remediations = tree.about(&v.remediations, pid);
                let time = |s: &[&RawScoped]| -> Option<DateTime<Utc>> {
                    s.iter()
                        .filter_map(|s| s.date.as_deref())
                        .find_map(parse_time)
                };
                let join = |s: &[&RawScoped], f: &dyn Fn(&RawScoped) -> Option<String>| {
                    text(Some(
                        &s.iter().filter_map(|s| f(s)).collect::<Vec<_>>().join("\n"),
                    ))
                };
                let impact = join(
                    &threats
                        .iter()
                        .copied()
                        .filter(|t| t.category.as_deref() == Some("impact"))
                        .collect::<Vec<_>>(),
                    &|t| t.details.clone(),
                );
                let action = (status == VexStatus::Affected)
                    .then(|| {
                        join(&remediations, &|r| {
                            let d = r.details.clone()?;
                            Some(match &r.category {
                                Some(c) => format!("{c}: {d}"),
                                None => d,
                            })
                        })
                    })
                    .flatten();
                let statement = Statement {
                    id: id.clone(),
                    aliases: aliases.clone(),
                    facts: VexFacts {
                        status,
                        justification: flags.iter().find_map(|f| text(f.label.as_deref())),
                        impact,
                        action,
                        author: author.clone(),
                        document: document.clone(),
                        package: None,
                    },
                    time: time(&flags).or(time(&remediations)).or(doc_time),
                };
                let d = record(&origin, &statement, product, component.as_deref())
                    .attr("product_id", pid.as_str())
                    .attr("product_status", list.as_str());
                ctx.emit(d, &doc.at(raw.get(), &at));
            }
        }
    }
}

#[cfg(test)]
#[path = "csaf_tests.rs"]
mod tests;
