//! What the VEX formats (`openvex`, `cyclonedx_vex`, `csaf`) share: one statement
//! about one vulnerability in one product becomes one `vex` record, built here.
//!
//! The subject says what the statement is about: `image` when the product is an image
//! (an OCI or Docker package URL, or an image reference), with `target` the package
//! inside it when the statement narrows to one (an OpenVEX subcomponent, a CycloneDX
//! library component of an image BOM, a CSAF "component of" relationship); `target`
//! alone when the product is a package (its package URL) or anything else (a bare
//! digest, a CPE, a product name, as written). The record's time is the statement's
//! (else the document's): it decides which of two statements on the same
//! vulnerability and product is newer.

use super::purl::{Product, Purl};
use super::{Draft, Origin};
use crate::model::{Subject, Text, VexFacts, VexStatus};
use chrono::{DateTime, Utc};

/// One statement, as every VEX format reads it.
pub(super) struct Statement {
    /// The vulnerability id (a CVE when the document gives one).
    pub id: String,
    /// Its other ids.
    pub aliases: Vec<String>,
    /// The typed facts.
    pub facts: VexFacts,
    /// When the statement was made or last updated (else the document's time).
    pub time: Option<DateTime<Utc>>,
}

/// The record of `statement` about `product` (narrowed to the package `component`,
/// when the statement names one inside an image).
pub(super) fn record(
    origin: &Origin,
    statement: &Statement,
    product: &Product,
    component: Option<&str>,
) -> Draft {
    let status = statement.facts.status;
    let component = component.map(str::trim).filter(|c| !c.is_empty());
    let mut facts = statement.facts.clone();
    facts.package = match (product, component) {
        (_, Some(c)) => package_name(c),
        (Product::Package(id), None) => package_name(id),
        _ => None,
    };
    let mut title = format!("VEX: {} {}", statement.id, status.as_str());
    if let Some(j) = statement.facts.justification.as_deref() {
        title.push_str(&format!(" ({j})"));
    }
    let message = [
        statement.facts.impact.as_deref(),
        statement.facts.action.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    let mut d = origin
        .vex(statement.id.as_str(), facts)
        .title(&title)
        .message(&message)
        .observed(statement.time);
    d.aliases = statement.aliases.iter().map(Text::from).collect();
    d.subject = match product {
        Product::Image(image) => Subject {
            image: Some(image.clone()),
            target: component.map(Text::from),
            ..Subject::default()
        },
        Product::Package(id) | Product::Other(id) => Subject {
            target: Some(Text::from(id.as_str())),
            ..Subject::default()
        },
    }
    .into();
    if let (Product::Package(_) | Product::Other(_), Some(c)) = (product, component) {
        d = d.attr("component", c);
    }
    d
}

/// The name of the package a component or package product names: the name of its
/// package URL (`pkg:deb/debian/libxml2@2.9.14` → `libxml2`), else the text as written
/// without a `@version` (`libssl3@3.0.11-1` → `libssl3`; `@angular/core` stays).
fn package_name(id: &str) -> Option<Text> {
    let name = match Purl::parse(id) {
        Some(p) => p.name,
        None => match id.trim().rsplit_once('@') {
            Some((name, _)) if !name.is_empty() => name.to_string(),
            _ => id.trim().to_string(),
        },
    };
    text(Some(&name))
}

/// A status word in any VEX vocabulary (OpenVEX and CSAF words, CycloneDX analysis
/// states), as a VEX status.
pub(super) fn status_of(word: &str) -> Option<VexStatus> {
    let w = word.trim().to_ascii_lowercase().replace('-', "_");
    Some(match w.as_str() {
        "not_affected" | "known_not_affected" | "false_positive" => VexStatus::NotAffected,
        "affected" | "known_affected" | "first_affected" | "last_affected" | "exploitable" => {
            VexStatus::Affected
        }
        "fixed" | "first_fixed" | "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "under_investigation" | "in_triage" => VexStatus::UnderInvestigation,
        _ => return None,
    })
}

/// A non-empty trimmed text.
pub(super) fn text(s: Option<&str>) -> Option<Text> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(Text::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_maps_onto_the_four_statuses() {
        assert_eq!(status_of("not_affected"), Some(VexStatus::NotAffected));
        assert_eq!(status_of("false_positive"), Some(VexStatus::NotAffected));
        assert_eq!(
            status_of("known_not_affected"),
            Some(VexStatus::NotAffected)
        );
        assert_eq!(status_of("resolved_with_pedigree"), Some(VexStatus::Fixed));
        assert_eq!(status_of("first_fixed"), Some(VexStatus::Fixed));
        assert_eq!(status_of("exploitable"), Some(VexStatus::Affected));
        assert_eq!(status_of("in_triage"), Some(VexStatus::UnderInvestigation));
        assert_eq!(status_of("recommended"), None);
    }

    #[test]
    fn a_component_names_its_package_by_the_name_in_its_package_url() {
        let name = |s: &str| package_name(s).map(|t| t.to_string());
        assert_eq!(
            name("pkg:deb/debian/libxml2@2.9.14%2Bdfsg-1.3?arch=amd64").as_deref(),
            Some("libxml2")
        );
        assert_eq!(name("pkg:npm/%40angular/core@1.0").as_deref(), Some("core"));
        assert_eq!(name(" openssl ").as_deref(), Some("openssl"));
        assert_eq!(name("libssl3@3.0.11-1").as_deref(), Some("libssl3"));
        assert_eq!(name("@angular/core").as_deref(), Some("@angular/core"));
        assert_eq!(name(" "), None);
    }
}
