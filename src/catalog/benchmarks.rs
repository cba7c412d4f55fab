//! Benchmark mappings by (benchmark, version, item), and the titles that justify them.
//!
//! A check maps benchmark items through `[[checks.benchmark]]` blocks: what the items
//! check (`about`), words each item's title must contain (`fits`) and the versioned ids
//! (`cis-1.10:5.2.2`, `cis-docker-1.6:5.5`), one per benchmark version: numbering moves
//! between versions, so an id is never a glob. The titles the benchmarks give those
//! items, as kube-bench and docker-bench print them, are in
//! `catalog/benchmarks/titles.toml` (embedded): tests hold every mapped id to its title,
//! `docs/benchmark-mappings.md` is generated from both, and ingest compares an export's
//! own title for a mapped item with it, so that a result whose title contradicts its
//! numbering maps nowhere.

use super::selector::Selector;
use crate::model::RecordKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Benchmark items one check reads, grouped by what they check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkMapping {
    /// What the items check, in a few words.
    pub about: String,
    /// Each item's benchmark title contains one of these (case-insensitive).
    pub fits: Vec<String>,
    /// Versioned ids, `<numbering>:<item>` (`cis-1.10:5.2.2`); no wildcards.
    pub ids: Vec<String>,
}

impl BenchmarkMapping {
    /// A problem with the ids as written, if any.
    pub fn problem(&self) -> Option<String> {
        if self.fits.is_empty() {
            return Some(format!(
                "benchmark mapping {:?} has no fits words",
                self.about
            ));
        }
        self.ids.iter().find_map(|id| {
            let ok = split_id(id).is_some()
                && !id.contains(|c: char| c == '*' || c.is_whitespace());
            (!ok).then(|| {
                format!(
                    "benchmark id {id:?} must be <numbering>:<item> (cis-1.10:5.2.2), without wildcards"
                )
            })
        })
    }

    /// The exact selectors of the ids (marked as coming from a mapping).
    pub fn selectors(&self) -> impl Iterator<Item = Selector> + '_ {
        self.ids.iter().map(|id| Selector {
            kind: RecordKind::Benchmark,
            glob: Some(id.clone()),
            text: format!("benchmark:{id}"),
            mapped: true,
        })
    }

    /// How the mapping reads in a list of selectors.
    pub fn summary(&self) -> String {
        format!("benchmark ids for “{}” ({})", self.about, self.ids.len())
    }
}

/// `cis-1.10:5.2.2` → (`cis-1.10`, `5.2.2`): the numbering and the item.
pub fn split_id(id: &str) -> Option<(&str, &str)> {
    let (numbering, item) = id.rsplit_once(':')?;
    (!numbering.is_empty() && !item.is_empty()).then_some((numbering, item))
}

/// One benchmark version as the title table knows it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    /// The benchmark and version, as published (`CIS Kubernetes Benchmark 1.10`).
    pub name: String,
    /// The tool configuration or release that prints this numbering.
    pub printed_by: String,
    /// Item → title, as the tool prints it (without `(Automated)`-style suffixes).
    pub titles: BTreeMap<String, String>,
}

const TITLES_TOML: &str = include_str!("../../catalog/benchmarks/titles.toml");

static TITLES: LazyLock<BTreeMap<String, Numbering>> = LazyLock::new(|| {
    // A broken table is a build defect the tests catch; at run time it means "no titles".
    toml::from_str(TITLES_TOML).unwrap_or_default()
});

/// Every numbering of the embedded title table.
pub fn numberings() -> &'static BTreeMap<String, Numbering> {
    &TITLES
}

/// The embedded table's parse error, if any (for tests).
pub fn titles_error() -> Option<String> {
    toml::from_str::<BTreeMap<String, Numbering>>(TITLES_TOML)
        .err()
        .map(|e| e.to_string())
}

/// The benchmark's title of item `item` in `numbering` (`cis-1.10`), when the table has it.
pub fn title(numbering: &str, item: &str) -> Option<&'static str> {
    TITLES
        .get(numbering)
        .and_then(|n| n.titles.get(item))
        .map(String::as_str)
}

/// Words every benchmark title uses, which say nothing about what the item checks.
const FILLER: &[&str] = &[
    "a",
    "all",
    "an",
    "and",
    "are",
    "argument",
    "arguments",
    "as",
    "automated",
    "be",
    "by",
    "ensure",
    "for",
    "if",
    "in",
    "is",
    "it",
    "its",
    "manual",
    "not",
    "of",
    "on",
    "only",
    "or",
    "s",
    "scored",
    "set",
    "that",
    "the",
    "to",
    "used",
    "with",
    "your",
];

/// The words of a title that say what it checks, cut to a common stem.
fn words(title: &str) -> Vec<String> {
    let mut out: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.to_ascii_lowercase())
        .filter(|w| !FILLER.contains(&w.as_str()))
        .map(|w| w.chars().take(6).collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a title an export printed can be the benchmark's `expected` title for the same
/// item: at least half of the expected title's words appear in it. Wording changes
/// between tool releases fit; another item's title does not. An empty title fits (it
/// says nothing against the numbering).
pub fn title_fits(printed: &str, expected: &str) -> bool {
    let (p, e) = (words(printed), words(expected));
    if p.is_empty() || e.is_empty() {
        return true;
    }
    let shared = e.iter().filter(|w| p.contains(w)).count();
    shared * 2 >= e.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_table_parses() {
        assert_eq!(titles_error(), None);
        assert!(title("cis-1.10", "5.2.2").is_some());
    }

    #[test]
    fn titles_fit_their_rewordings_not_other_items() {
        let nnp = "Ensure containers are restricted from acquiring new privileges";
        assert!(title_fits(
            "Ensure containers are restricted from acquiring new privileges (Scored)",
            nnp
        ));
        assert!(!title_fits("Ensure live restore is enabled (Scored)", nnp));
        let extra = "Ensure that the container is restricted from acquiring additional privileges";
        assert!(!title_fits(
            "Ensure that container health is checked at runtime (Automated)",
            extra
        ));
        assert!(!title_fits(
            "Ensure that privileged containers are not used (Automated)",
            extra
        ));
        assert!(title_fits(
            "Ensure Linux Kernel Capabilities are restricted within containers",
            "Ensure that Linux kernel capabilities are restricted within containers"
        ));
        assert!(title_fits("", nnp));
    }

    #[test]
    fn ids_must_be_exact() {
        let m = |id: &str| BenchmarkMapping {
            about: "x".into(),
            fits: vec!["x".into()],
            ids: vec![id.into()],
        };
        assert!(m("cis-1.10:5.2.2").problem().is_none());
        assert!(m("cis-1.*:5.2.2").problem().is_some());
        assert!(m("5.2.2").problem().is_some());
    }
}
