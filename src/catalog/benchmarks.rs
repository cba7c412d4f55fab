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
use super::{Catalog, Localized};
use crate::model::RecordKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Benchmark items one check reads, grouped by what they check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkMapping {
    /// What the items check, in a few words, in each language (a plain string is the
    /// English, shown in every language).
    #[serde(deserialize_with = "super::string_or_languages")]
    pub about: Localized,
    /// Each item's benchmark title contains one of these (case-insensitive).
    pub fits: Vec<String>,
    /// Versioned ids, `<numbering>:<item>` (`cis-1.10:5.2.2`); no wildcards.
    pub ids: Vec<String>,
    /// Ids among `ids` whose title lacks every `fits` word but which were reviewed and
    /// do check what `about` says (the reviewed allow-list of the title-fit test).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewed: Vec<String>,
}

impl BenchmarkMapping {
    /// A problem with the mapping as written (no English `about`, no `fits` words, an
    /// id that is not exact), if any.
    pub fn problem(&self) -> Option<String> {
        if !self.about.has("en") {
            return Some("a benchmark mapping needs about.en (what its items check)".to_string());
        }
        if self.fits.is_empty() {
            return Some(format!(
                "benchmark mapping {:?} has no fits words",
                self.about.get("en")
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
        format!(
            "benchmark ids for “{}” ({})",
            self.about.get("en"),
            self.ids.len()
        )
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

/// Whether `title` contains one of `fits` (case-insensitive).
fn contains_any(title: &str, fits: &[String]) -> bool {
    let t = title.to_lowercase();
    fits.iter().any(|f| t.contains(&f.to_lowercase()))
}

/// Every mapped id whose title does not fit its mapping: the title table has no title
/// for it, or the title contains none of the mapping's `fits` words and the id is not
/// in its reviewed allow-list. One line per problem, naming control, check and id.
pub fn title_problems(catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for c in &catalog.controls {
        for ch in &c.checks {
            for m in &ch.benchmarks {
                for id in &m.ids {
                    let Some((numbering, item)) = split_id(id) else {
                        continue;
                    };
                    match title(numbering, item) {
                        None => out.push(format!(
                            "{}/{}: {id} has no title in catalog/benchmarks/titles.toml",
                            c.id, ch.id
                        )),
                        Some(t) if !contains_any(t, &m.fits) && !m.reviewed.contains(id) => {
                            out.push(format!(
                                "{}/{}: {id} is titled {t:?}, which has none of {:?} (“{}”); \
                                 map the right item or add it to `reviewed` after review",
                                c.id,
                                ch.id,
                                m.fits,
                                m.about.get("en")
                            ));
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
    out
}

/// Sort key of dotted numbers (`1.10` after `1.9`, `cis-1.10` after `cis-1.9`).
fn numeric_key(s: &str) -> Vec<(String, u64)> {
    s.split(['.', '-'])
        .map(|p| match p.parse::<u64>() {
            Ok(n) => (String::new(), n),
            Err(_) => (p.to_string(), 0),
        })
        .collect()
}

/// `docs/benchmark-mappings.md`: for every numbering (benchmark and version), each
/// mapped item with the benchmark's title (short form), the control and check it
/// counts toward and why. Generated by `muster catalog --benchmark-mappings`; a test
/// holds the committed file to it.
pub fn mappings_markdown(catalog: &Catalog) -> String {
    // numbering → item → (item, control, check, about, reviewed), in numeric order
    type Key = Vec<(String, u64)>;
    type Row = (String, String, String, String, bool);
    type Items = BTreeMap<Key, Vec<Row>>;
    let mut by: BTreeMap<Key, (String, Items)> = BTreeMap::new();
    for c in &catalog.controls {
        for ch in &c.checks {
            for m in &ch.benchmarks {
                for id in &m.ids {
                    let Some((numbering, item)) = split_id(id) else {
                        continue;
                    };
                    let entry = by
                        .entry(numeric_key(numbering))
                        .or_insert_with(|| (numbering.to_string(), BTreeMap::new()));
                    entry.1.entry(numeric_key(item)).or_default().push((
                        item.to_string(),
                        c.id.clone(),
                        ch.id.clone(),
                        m.about.get("en").to_string(),
                        m.reviewed.contains(id),
                    ));
                }
            }
        }
    }
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = String::from(
        "# Benchmark mappings\n\n\
         <!-- Generated by `muster catalog --benchmark-mappings` from catalog/*.toml \
         ([[checks.benchmark]]) and catalog/benchmarks/titles.toml. Do not edit by hand: \
         `cargo test` fails when this file differs from the generated one. -->\n\n\
         Benchmark results count toward a control by benchmark, benchmark version and item \
         (`cis-1.10:5.2.2`, `cis-docker-1.4:5.25`), never by a bare item number: numbering \
         moves between versions (docker-bench 5.26 is a health check in CIS Docker 1.4 and \
         a privilege check in 1.6). The version is read from the export (kube-bench's \
         `Controls[].version`, the release docker-bench prints, the Trivy compliance spec); \
         where it comes from and which misprints are corrected is in \
         docs/benchmark-versions.md. A result whose version is unknown, or whose own title \
         contradicts the title below, counts toward no control listed here.\n\n\
         Titles are short forms of the benchmarks' own check titles. Each mapping names \
         words its titles must contain (`fits` in the catalog); a test fails when a mapped \
         item's title contains none of them, unless the item is on the mapping's reviewed \
         allow-list (marked *reviewed*).\n",
    );
    for (numbering, items) in by.values() {
        let name = numberings()
            .get(numbering)
            .map(|n| format!("{} ({})", n.name, n.printed_by))
            .unwrap_or_else(|| "not in the title table".to_string());
        out.push_str(&format!("\n## {numbering}\n\n{name}\n\n"));
        out.push_str("| Item | Title | Control | Check | Counts as |\n|---|---|---|---|---|\n");
        for rows in items.values() {
            for (item, control, check, about, reviewed) in rows {
                let t = title(numbering, item).unwrap_or("(no title)");
                let mark = if *reviewed { " *reviewed*" } else { "" };
                out.push_str(&format!(
                    "| {item} | {} | {control} | {check} | {}{mark} |\n",
                    cell(t),
                    cell(about)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Catalog {
        let mut diags = Vec::new();
        let c = Catalog::builtin(&mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        c
    }

    #[test]
    fn every_mapped_id_has_a_title_that_fits_its_control() {
        let problems = title_problems(&builtin());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_mappings_document_is_generated_from_the_catalog() {
        let generated = mappings_markdown(&builtin());
        let committed = include_str!("../../docs/benchmark-mappings.md").replace("\r\n", "\n");
        assert!(
            generated == committed,
            "docs/benchmark-mappings.md is out of date: regenerate it with \
             `cargo run -- catalog --benchmark-mappings > docs/benchmark-mappings.md`"
        );
    }

    #[test]
    fn a_title_that_does_not_fit_is_a_problem_unless_reviewed() {
        let mut c = builtin();
        // CIS Docker 1.4 2.14 ("restricted from acquiring new privileges") is not about
        // root containers, the first mapping of RUN-01.
        fn first(c: &mut Catalog) -> &mut BenchmarkMapping {
            let ch = c
                .controls
                .iter_mut()
                .find(|c| c.id == "RUN-01")
                .and_then(|c| c.checks.iter_mut().find(|ch| !ch.benchmarks.is_empty()))
                .unwrap();
            &mut ch.benchmarks[0]
        }
        assert!(!contains_any(
            "Containers are restricted from acquiring new privileges",
            &first(&mut c).fits
        ));
        first(&mut c).ids.push("cis-docker-1.4:2.14".into());
        let p = title_problems(&c);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("cis-docker-1.4:2.14"));
        first(&mut c).reviewed.push("cis-docker-1.4:2.14".into());
        assert!(title_problems(&c).is_empty());
    }

    #[test]
    fn known_wrong_mappings_stay_fixed() {
        let c = builtin();
        let mapped = |control: &str, id: &str| {
            c.controls.iter().filter(|x| x.id == control).any(|x| {
                x.checks
                    .iter()
                    .any(|ch| ch.benchmarks.iter().any(|m| m.ids.iter().any(|i| i == id)))
            })
        };
        // (control, id that must not count toward it): issue 14's list
        for (control, id) in [
            ("RUN-01", "cis-docker-1.4:5.26"),
            ("RUN-01", "cis-docker-1.4:2.15"),
            ("RUN-01", "cis-docker-1.6:2.13"),
            ("RUN-04", "cis-docker-1.4:5.13"),
            ("RUN-02", "cis-docker-1.4:5.10"),
            ("MON-02", "cis-docker-1.4:5.12"),
            ("MON-02", "cis-docker-1.4:5.25"),
            ("MON-02", "cis-docker-1.4:5.29"),
            ("MON-02", "cis-1.5:4.2.13"),
            ("NET-01", "cis-docker-1.4:5.30"),
        ] {
            assert!(!mapped(control, id), "{control} maps {id}");
        }
        for (control, id) in [
            ("RUN-01", "cis-docker-1.4:5.25"),
            ("RUN-01", "cis-docker-1.4:2.14"),
            ("RUN-04", "cis-docker-1.4:5.12"),
            ("MON-02", "cis-docker-1.4:5.10"),
            ("MON-02", "cis-docker-1.4:5.28"),
        ] {
            assert!(mapped(control, id), "{control} does not map {id}");
        }
    }

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
            about: Localized::english("x"),
            fits: vec!["x".into()],
            ids: vec![id.into()],
            reviewed: vec![],
        };
        assert!(m("cis-1.10:5.2.2").problem().is_none());
        assert!(m("cis-1.*:5.2.2").problem().is_some());
        assert!(m("5.2.2").problem().is_some());
    }

    #[test]
    fn about_needs_english_text() {
        let m = BenchmarkMapping {
            about: Localized(BTreeMap::from([("es".into(), "x".into())])),
            fits: vec!["x".into()],
            ids: vec!["cis-1.10:5.2.2".into()],
            reviewed: vec![],
        };
        assert!(m.problem().is_some_and(|p| p.contains("about.en")), "{m:?}");
    }
}
