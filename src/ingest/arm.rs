//! Azure Resource Manager documents in the shapes users export them: one resource
//! (`az … show`, an ARM GET), a REST list `{"value": [...]}`, an Azure Resource Graph
//! result `{"data": [...]}`, or an `az … list` bare array; each resource in the ARM
//! REST form (settings under `properties`) or the flattened CLI form (settings at the
//! top level). Detection reads the resource `type` (of the resource, or of the first
//! one of a list) case-insensitively — Resource Graph writes types in lower case — or,
//! without a `type`, the type its `id` names. Shared by the Azure formats and by EKS
//! and GKE for the list envelopes and the bad-field diagnostic.

use super::tree::{Bad, Node};
use super::{Doc, FileCtx, Probe};
use crate::diag::Code;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// One resource of a document, parsed.
pub struct Resource<'a> {
    /// Its text (a slice of the file, for its line).
    pub slice: &'a str,
    /// Its value.
    pub value: Value,
    /// Its JSON pointer in the file.
    pub pointer: String,
}

impl Resource<'_> {
    /// The resource as a walkable node.
    pub fn node(&self) -> Node<'_> {
        Node::root(&self.value, &self.pointer)
    }
}

/// The probe of the resource a document is about, or of the first resource of its list.
pub fn first<'p>(probe: &'p Probe<'p>) -> Option<&'p Probe<'p>> {
    if probe.is_array {
        return probe.first.as_deref();
    }
    for key in ["value", "data"] {
        if let Some(c) = probe.child(key).filter(|c| c.is_array) {
            return c.first.as_deref();
        }
    }
    probe.is_object.then_some(probe)
}

/// The resource type an ARM id names (`…/providers/Microsoft.ContainerRegistry/registries/x`
/// → `Microsoft.ContainerRegistry/registries`; nested types are joined with `/`).
pub fn type_of_id(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let at = lower.rfind("/providers/")? + "/providers/".len();
    let parts: Vec<&str> = id.get(at..)?.split('/').collect();
    let (ns, rest) = parts.split_first()?;
    if rest.is_empty() || rest.len() % 2 != 0 {
        return None;
    }
    let types: Vec<&str> = rest.iter().step_by(2).copied().collect();
    Some(format!("{ns}/{}", types.join("/")))
}

/// Whether a probed resource is of one of `types` (by `type`, else by `id`).
pub fn is_type(resource: &Probe, types: &[&str]) -> bool {
    let matches = |t: &str| types.iter().any(|x| x.eq_ignore_ascii_case(t));
    match resource.str("type") {
        Some(t) => matches(t),
        None => resource
            .str("id")
            .and_then(type_of_id)
            .is_some_and(|t| matches(&t)),
    }
}

/// Whether the resource value is of one of `types`.
pub fn value_is_type(resource: &Node<'_>, types: &[&str]) -> bool {
    let matches = |t: &str| types.iter().any(|x| x.eq_ignore_ascii_case(t));
    match resource.str("type") {
        Some(t) => matches(t),
        None => resource
            .str("id")
            .and_then(type_of_id)
            .is_some_and(|t| matches(&t)),
    }
}

/// The settings of a resource: its `properties` (ARM REST) or the resource itself
/// (the flattened `az` form).
pub fn settings<'v>(resource: &Node<'v>) -> Node<'v> {
    resource
        .get("properties")
        .filter(Node::is_object)
        .unwrap_or_else(|| resource.clone())
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    value: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    data: Option<Vec<&'a RawValue>>,
}

/// The resources of a document: its list items (`value`, `data`, a bare array) or the
/// document itself. An item that is not JSON of the expected shape costs one diagnostic.
pub fn resources<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) -> Vec<Resource<'a>> {
    let mut slices: Vec<(&'a str, String)> = Vec::new();
    if doc.probe.is_array {
        if let Some(items) = doc.parse::<Vec<&'a RawValue>>(ctx) {
            slices.extend(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (r.get(), format!("/{i}"))),
            );
        }
    } else if doc.probe.child("value").is_some_and(|c| c.is_array)
        || doc.probe.child("data").is_some_and(|c| c.is_array)
    {
        if let Some(env) = doc.parse::<Envelope<'a>>(ctx) {
            let (key, items) = match (env.value, env.data) {
                (Some(v), _) => ("value", v),
                (None, Some(d)) => ("data", d),
                (None, None) => ("value", Vec::new()),
            };
            slices.extend(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (r.get(), format!("/{key}/{i}"))),
            );
        }
    } else {
        slices.push((doc.text, String::new()));
    }
    slices
        .into_iter()
        .filter_map(|(slice, ptr)| {
            let value: Value = doc.parse_owned(ctx, slice, &ptr)?;
            if !value.is_object() {
                ctx.warn(
                    Code::BadRecord,
                    doc.line_of(ctx, slice),
                    Some(format!("{}{ptr}", doc.pointer)),
                    "record skipped: expected a JSON object",
                );
                return None;
            }
            Some(Resource {
                slice,
                value,
                pointer: format!("{}{ptr}", doc.pointer),
            })
        })
        .collect()
}

/// One diagnostic for the fields of a record that had the wrong type (they count as
/// not evidenced).
pub fn report_bad(ctx: &mut FileCtx<'_>, doc: &Doc<'_>, slice: &str, bad: Bad, what: &str) {
    if bad.0.is_empty() {
        return;
    }
    let first = bad.0.first().cloned();
    ctx.warn(
        Code::BadRecord,
        doc.line_of(ctx, slice),
        first,
        format!(
            "{what}: {} field(s) of an unexpected type or value were read as not evidenced: {}",
            bad.0.len(),
            bad.0.join(", ")
        ),
    );
}

/// The place of a record at `node` (a node of `resource`): `doc.at` adds the document's
/// own pointer, so the node's absolute pointer is made relative to it.
pub fn place<'s>(doc: &Doc<'_>, slice: &'s str, pointer: &str) -> super::Place<'s> {
    doc.at(
        slice,
        pointer
            .strip_prefix(doc.pointer.as_str())
            .unwrap_or(pointer),
    )
}

/// The resource group an ARM id names.
pub fn resource_group(id: &str) -> Option<&str> {
    let lower = id.to_ascii_lowercase();
    let at = lower.find("/resourcegroups/")? + "/resourcegroups/".len();
    id.get(at..)?.split('/').next().filter(|s| !s.is_empty())
}

/// The name of the `kind` resource (`managedClusters`) an ARM id names.
pub fn name_in_id<'i>(id: &'i str, kind: &str) -> Option<&'i str> {
    let lower = id.to_ascii_lowercase();
    let key = format!("/{}/", kind.to_ascii_lowercase());
    let at = lower.find(&key)? + key.len();
    id.get(at..)?.split('/').next().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_type_group_and_parents() {
        let id = "/subscriptions/s/resourceGroups/rg-1/providers/Microsoft.ContainerService/managedClusters/aks/agentPools/sys";
        assert_eq!(
            type_of_id(id).as_deref(),
            Some("Microsoft.ContainerService/managedClusters/agentPools")
        );
        assert_eq!(resource_group(id), Some("rg-1"));
        assert_eq!(name_in_id(id, "managedclusters"), Some("aks"));
        assert_eq!(type_of_id("/subscriptions/s"), None);
    }

    #[test]
    fn the_first_resource_of_every_envelope() {
        for text in [
            r#"{"type":"A/b"}"#,
            r#"{"value":[{"type":"A/b"}]}"#,
            r#"{"count":1,"data":[{"type":"a/B"}]}"#,
            r#"[{"type":"A/B"}]"#,
        ] {
            let p = Probe::of(text).unwrap();
            assert!(is_type(first(&p).unwrap(), &["A/b"]), "{text}");
        }
        let by_id =
            Probe::of(r#"{"id":"/subscriptions/s/resourceGroups/r/providers/A/b/x"}"#).unwrap();
        assert!(is_type(&by_id, &["a/b"]));
    }
}
