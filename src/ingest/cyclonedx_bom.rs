//! The CycloneDX JSON shapes both CycloneDX formats read (`cyclonedx` for scanner BOMs
//! with vulnerabilities, `cyclonedx_vex` for VEX documents), 1.4 to 1.7: components
//! indexed by `bom-ref` (nested ones too), the document's subject from
//! `metadata.component`, the tool from `metadata.tools` (an array in 1.4, an object
//! with `components` from 1.5), and the parts of one vulnerability.

use super::purl::{Product, Purl};
use super::trivy_results::{looks_like_image, tool_name};
use super::util::parse_time;
use super::Origin;
use crate::model::{Format, ImageRef, Severity, Subject, Text};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;

/// A CycloneDX BOM, its vulnerabilities kept raw (each parsed on its own).
#[derive(Deserialize)]
pub(super) struct RawBom<'a> {
    #[serde(rename = "specVersion", default)]
    pub spec_version: Option<String>,
    #[serde(rename = "serialNumber", default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub metadata: Option<RawMetadata>,
    #[serde(default)]
    pub components: Option<Vec<Value>>,
    #[serde(borrow, default)]
    pub vulnerabilities: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
pub(super) struct RawMetadata {
    #[serde(default)]
    pub timestamp: Option<String>,
    /// An array of tools (1.4) or `{components, services}` (1.5+).
    #[serde(default)]
    pub tools: Option<Value>,
    #[serde(default)]
    pub component: Option<Value>,
    #[serde(default)]
    pub authors: Option<Vec<Value>>,
    /// 1.4–1.5: the organisation that made the subject; 1.6: `manufacturer`.
    #[serde(default)]
    pub manufacture: Option<Value>,
    #[serde(default)]
    pub manufacturer: Option<Value>,
    #[serde(default)]
    pub supplier: Option<Value>,
}

/// One vulnerability.
#[derive(Deserialize)]
pub(super) struct RawVuln {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub source: Option<RawSource>,
    #[serde(default)]
    pub references: Option<Vec<RawReference>>,
    #[serde(default)]
    pub ratings: Option<Vec<RawRating>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub recommendation: Option<String>,
    #[serde(default)]
    pub analysis: Option<RawAnalysis>,
    #[serde(default)]
    pub affects: Option<Vec<RawAffects>>,
}

#[derive(Deserialize)]
pub(super) struct RawSource {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawReference {
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawRating {
    #[serde(default)]
    pub source: Option<RawSource>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub justification: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawAnalysis {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub justification: Option<String>,
    #[serde(default)]
    pub response: Option<Vec<String>>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(rename = "firstIssued", default)]
    pub first_issued: Option<String>,
    #[serde(rename = "lastUpdated", default)]
    pub last_updated: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawAffects {
    #[serde(rename = "ref", default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub versions: Option<Vec<RawVersion>>,
}

#[derive(Deserialize)]
pub(super) struct RawVersion {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub range: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// What muster reads of one component.
#[derive(Debug, Clone, Default)]
pub(super) struct Component {
    pub kind: String,
    pub name: String,
    pub version: String,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    /// `name` → `value` of its properties (first value of each name).
    pub properties: Vec<(String, String)>,
}

impl Component {
    fn of(v: &Value) -> Component {
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let properties = v
            .get("properties")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        Some((
                            p.get("name")?.as_str()?.to_string(),
                            p.get("value")?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Component {
            kind: s("type"),
            name: s("name"),
            version: s("version"),
            purl: Some(s("purl")).filter(|p| !p.is_empty()),
            cpe: Some(s("cpe")).filter(|p| !p.is_empty()),
            properties,
        }
    }

    fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The component as a product identifier: its package URL, else its CPE, else
    /// `name@version`.
    pub fn label(&self) -> String {
        self.purl.clone().or(self.cpe.clone()).unwrap_or_else(|| {
            if self.version.is_empty() {
                self.name.clone()
            } else {
                format!("{}@{}", self.name, self.version)
            }
        })
    }

    /// The image a `container` component names: its name when it is an image
    /// reference (Grype puts the manifest digest in `version`; Trivy adds
    /// `RepoDigest`/`RepoTag` properties), else its OCI package URL.
    pub fn image(&self) -> Option<ImageRef> {
        let digest_of = |s: &str| s.split_once('@').map(|(_, d)| d.to_string());
        let from_purl = self
            .purl
            .as_deref()
            .and_then(Purl::parse)
            .and_then(|p| p.image());
        let named = Some(self.name.as_str())
            .filter(|n| looks_like_image(n))
            .and_then(ImageRef::parse)
            .or_else(|| {
                self.property("aquasecurity:trivy:RepoTag")
                    .and_then(ImageRef::parse)
            })
            .or(from_purl.clone())?;
        let mut image = named;
        if image.digest.is_none() {
            image.digest = Some(self.version.clone())
                .filter(|v| v.starts_with("sha256:"))
                .or_else(|| {
                    self.property("aquasecurity:trivy:RepoDigest")
                        .filter(|d| ImageRef::parse(d).is_some_and(|i| i.name() == image.name()))
                        .and_then(digest_of)
                })
                .or_else(|| {
                    from_purl
                        .filter(|p| p.name() == image.name())
                        .and_then(|p| p.digest.map(String::from))
                })
                .map(Text::from);
        }
        Some(image)
    }
}

/// Every component of a BOM by `bom-ref` (nested components included), and the
/// document's subject component (`metadata.component`).
pub(super) struct Components {
    by_ref: HashMap<String, Component>,
    /// `metadata.component` and its `bom-ref`.
    pub subject: Option<(String, Component)>,
}

impl Components {
    pub fn of(bom: &RawBom<'_>) -> Components {
        let mut by_ref = HashMap::new();
        let mut stack: Vec<&Value> = bom.components.iter().flatten().collect();
        let meta = bom.metadata.as_ref().and_then(|m| m.component.as_ref());
        stack.extend(meta);
        while let Some(v) = stack.pop() {
            if let Some(r) = v.get("bom-ref").and_then(Value::as_str) {
                by_ref
                    .entry(r.to_string())
                    .or_insert_with(|| Component::of(v));
            }
            if let Some(children) = v.get("components").and_then(Value::as_array) {
                stack.extend(children);
            }
        }
        let subject = meta.map(|v| {
            let r = v.get("bom-ref").and_then(Value::as_str).unwrap_or_default();
            (r.to_string(), Component::of(v))
        });
        Components { by_ref, subject }
    }

    pub fn get(&self, reference: &str) -> Option<&Component> {
        self.by_ref.get(reference)
    }

    /// The document's image, when its subject is one.
    pub fn image(&self) -> Option<ImageRef> {
        let (_, c) = self.subject.as_ref()?;
        matches!(c.kind.as_str(), "container" | "")
            .then(|| c.image())
            .flatten()
    }

    /// What the document is about: its image, or else a target (a path, a product).
    pub fn subject(&self) -> Subject {
        match (self.image(), &self.subject) {
            (Some(image), _) => Subject {
                image: Some(image),
                ..Subject::default()
            },
            (None, Some((_, c))) if !c.name.is_empty() => Subject {
                target: Some(Text::from(c.label())),
                ..Subject::default()
            },
            _ => Subject::default(),
        }
    }

    /// The product a vulnerability's `affects[].ref` names, and the package inside it:
    /// an image component is the product; a package component of an image BOM is that
    /// package inside the image; any other component is a product on its own; a
    /// reference to nothing in this BOM (a BOM-Link) is kept as written.
    pub fn product(&self, reference: &str) -> (Product, Option<String>) {
        let subject_ref = self.subject.as_ref().map(|(r, _)| r.as_str());
        match self.get(reference) {
            Some(c) if c.kind == "container" || Some(reference) == subject_ref => {
                match (c.kind.as_str(), c.image()) {
                    ("container" | "", Some(image)) => (Product::Image(image), None),
                    _ => (label_product(c), None),
                }
            }
            Some(c) => match self.image() {
                Some(image) => (Product::Image(image), Some(c.label())),
                None => (label_product(c), None),
            },
            None => (Product::Other(reference.to_string()), None),
        }
    }
}

fn label_product(c: &Component) -> Product {
    match &c.purl {
        Some(p) => Product::Package(p.clone()),
        None => Product::Other(c.label()),
    }
}

/// The tool that wrote the BOM, from either shape of `metadata.tools`.
/// What every record read from one BOM shares: its origin (format, tool, timestamp),
/// its author and its serial number.
pub(super) fn context(b: &RawBom<'_>, format: Format) -> (Origin, Option<Text>, Option<Text>) {
    let meta = b.metadata.as_ref();
    let observed = meta
        .and_then(|m| m.timestamp.as_deref())
        .and_then(parse_time);
    let origin = Origin::new(format)
        .tool(tool(meta, "cyclonedx"))
        .observed(observed);
    (origin, author(meta), b.serial.as_deref().map(Text::from))
}

pub(super) fn tool(metadata: Option<&RawMetadata>, default: &str) -> String {
    let tools = metadata.and_then(|m| m.tools.as_ref());
    let first = match tools {
        Some(Value::Array(a)) => a.first(),
        Some(Value::Object(o)) => o
            .get("components")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .or_else(|| {
                o.get("services")
                    .and_then(Value::as_array)
                    .and_then(|s| s.first())
            }),
        _ => None,
    };
    let s = |k: &str| {
        first
            .and_then(|t| t.get(k))
            .and_then(Value::as_str)
            .map(str::trim)
    };
    match s("name").filter(|n| !n.is_empty()) {
        Some(name) => tool_name(name, s("version").filter(|v| !v.starts_with('['))),
        None => default.to_string(),
    }
}

/// Who wrote the document: its first author, else its manufacturer or supplier.
pub(super) fn author(metadata: Option<&RawMetadata>) -> Option<Text> {
    let m = metadata?;
    let name = |v: &Value| {
        v.get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Text::from)
    };
    m.authors
        .iter()
        .flatten()
        .find_map(name)
        .or_else(|| m.manufacturer.as_ref().and_then(name))
        .or_else(|| m.manufacture.as_ref().and_then(name))
        .or_else(|| m.supplier.as_ref().and_then(name))
}

/// The severity of a vulnerability: the rating of its own source, else the highest
/// NVD rating, else the highest rating (ratings without a severity, such as EPSS
/// scores, are ignored). `none` and `info` become low: Grype writes its `Negligible`
/// as `none` (grype/presenter/cyclonedx/vulnerability.go), and Grype's and Trivy's
/// JSON reports call the same findings low.
pub(super) fn severity(v: &RawVuln) -> Severity {
    let ratings: Vec<(&str, Severity)> = v
        .ratings
        .iter()
        .flatten()
        .filter_map(|r| {
            let sev = match Severity::from_word(r.severity.as_deref()?) {
                Severity::None => Severity::Low,
                s => s,
            };
            let source = r
                .source
                .as_ref()
                .and_then(|s| s.name.as_deref())
                .unwrap_or_default();
            Some((source, sev))
        })
        .collect();
    let own = v.source.as_ref().and_then(|s| s.name.as_deref());
    let max =
        |f: &dyn Fn(&str) -> bool| ratings.iter().filter(|(s, _)| f(s)).map(|(_, v)| *v).max();
    own.and_then(|o| max(&|s| !o.is_empty() && s.eq_ignore_ascii_case(o)))
        .or_else(|| max(&|s| s.eq_ignore_ascii_case("nvd")))
        .or_else(|| max(&|_| true))
        .unwrap_or(Severity::Unknown)
}

/// Whether a rating says the vulnerability is known to be exploited (Grype lists
/// CISA KEV as a rating).
pub(super) fn known_exploited(v: &RawVuln) -> bool {
    v.ratings.iter().flatten().any(|r| {
        let source = r
            .source
            .as_ref()
            .and_then(|s| s.name.as_deref())
            .unwrap_or_default();
        source.to_ascii_uppercase().contains("KEV")
            || r.justification
                .as_deref()
                .is_some_and(|j| j.contains("CISA KEV"))
    })
}

/// The version that fixes an affected component: an `unaffected` version, or the
/// lower bound of an `unaffected` `vers:` range (`>=1.2.1`).
pub(super) fn fixed_version(a: &RawAffects) -> Option<String> {
    let unaffected = a
        .versions
        .iter()
        .flatten()
        .filter(|v| v.status.as_deref() == Some("unaffected"));
    unaffected
        .filter_map(|v| {
            v.version
                .clone()
                .filter(|s| !s.trim().is_empty())
                .or_else(|| {
                    let range = v.range.as_deref()?;
                    let constraint = range.split_once('/')?.1;
                    constraint
                        .split('|')
                        .find_map(|c| c.trim().strip_prefix(">="))
                        .map(|s| s.trim().to_string())
                })
        })
        .next()
}

#[cfg(test)]
#[path = "cyclonedx_bom_tests.rs"]
mod tests;
