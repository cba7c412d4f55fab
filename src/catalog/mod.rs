//! The control catalog: one TOML file per control, embedded in the binary and
//! replaceable with `--catalog DIR`. Owns loading, validation and selector matching;
//! judging evidence against controls is `evaluate`'s job.

pub mod benchmarks;
mod selector;

pub use benchmarks::BenchmarkMapping;
pub use selector::{glob_match as selector_glob, Predicate, Selector};

use crate::diag::{Code, Diagnostic, Level};
use crate::model::{Field, PlatformSetting, Sensor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Text in several languages; `en` is required, others fall back to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized(pub BTreeMap<String, String>);

impl Localized {
    /// English text only: every other language falls back to it.
    pub fn english(text: &str) -> Localized {
        Localized(BTreeMap::from([("en".to_string(), text.to_string())]))
    }

    /// The text in `lang`, or English when that language is missing.
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get("en"))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether `lang` has its own text.
    pub fn has(&self, lang: &str) -> bool {
        self.0.get(lang).is_some_and(|s| !s.trim().is_empty())
    }
}

/// A text field written either as a table of languages (`{ en = "…", es = "…" }`) or
/// as a plain string, which is taken as the English text and so shown as written in
/// every language (`--check-translations` lists it as untranslated). Benchmark mappings
/// wrote `about` as a plain string before it had languages; catalogs copied then still load.
pub(crate) fn string_or_languages<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Localized, D::Error> {
    struct Either;
    impl<'de> serde::de::Visitor<'de> for Either {
        type Value = Localized;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or a table of languages (en = \"…\", es = \"…\", fr = \"…\")")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Localized, E> {
            Ok(Localized::english(text))
        }
        fn visit_map<M: serde::de::MapAccess<'de>>(self, map: M) -> Result<Localized, M::Error> {
            BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Localized)
        }
    }
    d.deserialize_any(Either)
}

/// How far exports can settle a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evaluation {
    /// Exports can settle it.
    Automatic,
    /// Exports settle part of it; an attestation completes it.
    Partial,
    /// Only an attestation can settle it.
    Manual,
}

/// Which evaluator judges a check (see docs/catalog-format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Selected records decide: fail fails, warn warns, pass passes.
    #[default]
    Evidence,
    /// Vulnerabilities with grace periods.
    Vulnerabilities,
    /// Every image has a fresh vulnerability scan.
    ScanCoverage,
    /// Every running image maps to a scan.
    RuntimeMapping,
    /// Images come from approved registries.
    Registry,
    /// Images use an approved base OS.
    BaseImage,
    /// Images are not older than the configured age.
    ImageAge,
    /// The production image set stays small.
    ImageCount,
    /// Runtime sensors cover the nodes.
    SensorCoverage,
    /// Audit logs cover the window.
    AuditCoverage,
    /// Images running now have a verified signature of their digest.
    SignatureCoverage,
    /// Only an attestation settles it.
    Attestation,
    /// A platform setting (`setting = …`) over every resource that has it.
    Platform,
}

/// Framework cross-references.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct References {
    /// NIST SP 800-190 sections.
    #[serde(default)]
    pub nist_800_190: Vec<String>,
    /// CIS Kubernetes Benchmark (cis-1.10 numbering).
    #[serde(default)]
    pub cis_kubernetes: Vec<String>,
    /// CIS AKS Benchmark.
    #[serde(default)]
    pub cis_aks: Vec<String>,
    /// CIS Docker Benchmark 1.6.0.
    #[serde(default)]
    pub cis_docker: Vec<String>,
    /// NSA/CISA Kubernetes Hardening Guide sections.
    #[serde(default)]
    pub nsa_cisa: Vec<String>,
    /// Pod Security Standards level.
    #[serde(default)]
    pub pss: Vec<String>,
}

/// A place in the source guidance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Document title as published.
    pub document: String,
    /// Heading inside it.
    pub heading: String,
}

/// One check of a control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Identifier, unique inside the control.
    pub id: String,
    /// Short title.
    pub title: Localized,
    /// The evaluator.
    #[serde(default)]
    pub rule: Rule,
    /// Evidence selectors (`kind:glob`), parsed as the file is read; after loading, also
    /// the exact selectors of the `benchmark` mappings (marked `mapped`).
    #[serde(default, rename = "select", serialize_with = "written_selectors")]
    pub selectors: Vec<Selector>,
    /// Benchmark items read by (benchmark, version, item) (see `benchmarks`).
    #[serde(default, rename = "benchmark", skip_serializing_if = "Vec::is_empty")]
    pub benchmarks: Vec<BenchmarkMapping>,
    /// Field predicates, parsed as the file is read (an unknown field is an error
    /// with its line).
    #[serde(default, rename = "where")]
    pub predicates: BTreeMap<Field, Predicate>,
    /// For checks that select only runtime alerts: the sensors able to raise them (empty:
    /// any sensor that runs on the nodes). The absence of an alert proves something only
    /// where such a sensor covered the node for the whole window.
    #[serde(default)]
    pub sensors: Vec<Sensor>,
    /// For `rule = "platform"`: the platform setting judged (an unknown name is an error
    /// with its line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<PlatformSetting>,
    /// Whether the check decides the control's status (optional checks can only lower a pass to a warning).
    #[serde(default = "yes")]
    pub required: bool,
    /// Position of this check among all checks of the catalog (numbered after loading).
    #[serde(skip)]
    pub gid: usize,
}

fn yes() -> bool {
    true
}

/// The selectors as written in the file (the mapped ones serialize as `benchmark`).
fn written_selectors<S: serde::Serializer>(sel: &[Selector], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(sel.iter().filter(|x| !x.mapped))
}

/// What a manual attestation must state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestationSpec {
    /// The statement to attest.
    pub question: Localized,
}

/// One control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// `DOMAIN-NN`.
    pub id: String,
    /// Domain word (registry, images, …).
    pub domain: String,
    /// How far exports settle it.
    pub evaluation: Evaluation,
    /// Grace periods never apply.
    #[serde(default)]
    pub high_risk: bool,
    /// Title.
    pub title: Localized,
    /// What it asks for (Markdown).
    pub summary: Localized,
    /// Why it matters (Markdown).
    #[serde(default)]
    pub rationale: Localized,
    /// What to do (Markdown).
    #[serde(default)]
    pub remediation: Localized,
    /// Where it comes from in the guidance.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Framework cross-references.
    #[serde(default)]
    pub references: References,
    /// Its checks.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// What an attestation must state, when one can settle it.
    #[serde(default)]
    pub attestation: Option<AttestationSpec>,
}

/// The domains in display order.
pub const DOMAINS: &[&str] = &[
    "registry",
    "images",
    "secrets",
    "runtime",
    "network",
    "kubernetes",
    "nodes",
    "monitoring",
    "configuration",
    "governance",
];

/// The loaded catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Controls in domain order, then id.
    pub controls: Vec<Control>,
    /// SHA-256 over the catalog files (for the manifest).
    pub digest: String,
}

/// The built-in catalog files, embedded at compile time.
static BUILTIN: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

impl Check {
    /// The selectors as written, then one summary per benchmark mapping (for reasons
    /// and listings).
    pub fn selector_texts(&self) -> Vec<String> {
        self.selectors
            .iter()
            .filter(|s| !s.mapped)
            .map(|s| s.text.clone())
            .chain(self.benchmarks.iter().map(BenchmarkMapping::summary))
            .collect()
    }
}

impl Catalog {
    /// The embedded catalog.
    pub fn builtin(diags: &mut Vec<Diagnostic>) -> Catalog {
        let files: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        Catalog::from_files(files, diags)
    }

    /// Load every `*.toml` of a directory.
    pub fn from_dir(dir: &Path, diags: &mut Vec<Diagnostic>) -> std::io::Result<Catalog> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path)?;
                files.push((path.display().to_string(), text));
            }
        }
        Ok(Catalog::from_files(files, diags))
    }

    /// Parse and validate catalog files; bad files become diagnostics and are left out.
    pub fn from_files(mut files: Vec<(String, String)>, diags: &mut Vec<Diagnostic>) -> Catalog {
        use sha2::{Digest, Sha256};
        files.sort();
        let mut hasher = Sha256::new();
        let mut controls: Vec<Control> = Vec::new();
        for (name, text) in &files {
            hasher.update(name.rsplit('/').next().unwrap_or(name).as_bytes());
            hasher.update(text.as_bytes());
            match toml::from_str::<Control>(text) {
                Ok(mut c) => match validate(&c) {
                    Ok(()) => {
                        if controls.iter().any(|o| o.id == c.id) {
                            diags.push(Diagnostic::file(
                                Level::Error,
                                Code::Catalog,
                                name,
                                format!("duplicate control id {}; this file was ignored", c.id),
                            ));
                        } else {
                            for ch in &mut c.checks {
                                let mapped: Vec<Selector> =
                                    ch.benchmarks.iter().flat_map(|m| m.selectors()).collect();
                                ch.selectors.extend(mapped);
                            }
                            controls.push(c);
                        }
                    }
                    Err(msg) => {
                        diags.push(Diagnostic::file(Level::Error, Code::Catalog, name, msg))
                    }
                },
                Err(e) => {
                    let line = e.span().map(|s| {
                        text.get(..s.start)
                            .map_or(1, |p| p.matches('\n').count() + 1)
                            as u64
                    });
                    let mut d = Diagnostic::file(
                        Level::Error,
                        Code::Catalog,
                        name,
                        e.message().to_string(),
                    );
                    d.line = line;
                    diags.push(d);
                }
            }
        }
        controls.sort_by_key(|c| {
            (
                DOMAINS
                    .iter()
                    .position(|d| *d == c.domain)
                    .unwrap_or(DOMAINS.len()),
                c.id.clone(),
            )
        });
        let digest = crate::manifest::hex(&hasher.finalize());
        for (gid, ch) in controls
            .iter_mut()
            .flat_map(|c| c.checks.iter_mut())
            .enumerate()
        {
            ch.gid = gid;
        }
        Catalog { controls, digest }
    }

    /// Every check of the catalog, in `gid` order.
    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.controls.iter().flat_map(|c| c.checks.iter())
    }

    /// A control by id.
    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// Languages that any control provides text for (always includes `en`).
    pub fn languages(&self) -> Vec<String> {
        let mut langs = std::collections::BTreeSet::from(["en".to_string()]);
        for c in &self.controls {
            langs.extend(c.title.0.keys().cloned());
        }
        langs.into_iter().collect()
    }

    /// `(control, field)` pairs whose text is missing in `lang`.
    pub fn missing_translations(&self, lang: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for c in &self.controls {
            let fields: [(&str, &Localized); 4] = [
                ("title", &c.title),
                ("summary", &c.summary),
                ("rationale", &c.rationale),
                ("remediation", &c.remediation),
            ];
            for (name, text) in fields {
                if text.has("en") && !text.has(lang) {
                    out.push((c.id.clone(), name.to_string()));
                }
            }
            for ch in &c.checks {
                if !ch.title.has(lang) {
                    out.push((c.id.clone(), format!("checks.{}.title", ch.id)));
                }
                for (at, m) in ch.benchmarks.iter().enumerate() {
                    if !m.about.has(lang) {
                        out.push((
                            c.id.clone(),
                            format!("checks.{}.benchmark[{at}].about", ch.id),
                        ));
                    }
                }
            }
            if let Some(a) = &c.attestation {
                if !a.question.has(lang) {
                    out.push((c.id.clone(), "attestation.question".to_string()));
                }
            }
        }
        out
    }
}

fn validate(c: &Control) -> Result<(), String> {
    let id_ok =
        c.id.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || ch == '.')
            && !c.id.is_empty()
            && c.id.len() <= 64;
    if !id_ok {
        return Err(format!(
            "control id {:?} must be 1–64 letters, digits, '-', '_' or '.'",
            c.id
        ));
    }
    if !c.title.has("en") || !c.summary.has("en") {
        return Err(format!("control {} needs title.en and summary.en", c.id));
    }
    if c.checks.is_empty() && c.attestation.is_none() {
        return Err(format!(
            "control {} has neither checks nor an attestation",
            c.id
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for ch in &c.checks {
        match (ch.rule == Rule::Platform, ch.setting.is_some()) {
            (true, false) => {
                return Err(format!(
                    "control {}: check {} has rule \"platform\" but no setting",
                    c.id, ch.id
                ))
            }
            (false, true) => {
                return Err(format!(
                    "control {}: check {} names a setting but its rule is not \"platform\"",
                    c.id, ch.id
                ))
            }
            _ => {}
        }
        if !seen.insert(ch.id.clone()) {
            return Err(format!("control {}: duplicate check id {}", c.id, ch.id));
        }
        if let Some(p) = ch.benchmarks.iter().find_map(BenchmarkMapping::problem) {
            return Err(format!("control {} check {}: {p}", c.id, ch.id));
        }
    }
    Ok(())
}
