//! The site-wide search index, built at render time and shipped as a script file
//! (`assets/search-index.js`, loaded with `<script src>`: no `fetch`, so search works
//! when the site is opened from disk, under the site's CSP).
//!
//! The index is JSON assigned to `window.MUSTER_SEARCH`:
//! `{"v":1,"k":{kind:label},"p":[[path,label],…],"e":[[kind,text,detail,[target,…]],…]}`.
//! Targets index into `p`; `-1` means "the remediation list filtered by the entry's
//! text" (`findings.html?q=…`). Entries are deduplicated by (kind, text) with their
//! targets merged, details are cut to [`DETAIL_CHARS`], each entry keeps at most
//! [`MAX_TARGETS`] targets and each kind at most [`MAX_PER_KIND`] entries (the search
//! page says when a kind was cut).
//!
//! Everything in it comes from exports, so it is hostile: after serialising, `<`, `>`,
//! `&`, U+2028 and U+2029 are written as `\uXXXX` escapes (they can only occur inside
//! JSON strings), so no value can close a script element or end a JavaScript string.

use super::build::{check_anchor, control_href, image_href, team_href, Ctx};
use super::pages_lists::Shared;
use crate::evaluate::FindingState;
use crate::model::ImageRef;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Entries kept per kind.
pub const MAX_PER_KIND: usize = 5000;
/// Targets kept per entry.
pub const MAX_TARGETS: usize = 8;
/// Characters kept of a detail.
pub const DETAIL_CHARS: usize = 90;

/// The kinds, in the order results are listed: (code, label key).
const KINDS: &[(&str, &str)] = &[
    ("c", "search.kind-control"),
    ("k", "search.kind-check"),
    ("v", "search.kind-vulnerability"),
    ("r", "search.kind-rule"),
    ("p", "search.kind-package"),
    ("i", "search.kind-image"),
    ("w", "search.kind-workload"),
    ("s", "search.kind-subject"),
    ("t", "search.kind-team"),
    ("x", "search.kind-waiver"),
];

/// What the search page says about the index.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPageView {
    /// Entries per kind: (label, count).
    pub kinds: Vec<(String, usize)>,
    /// Kinds that were cut to [`MAX_PER_KIND`]: (label, entries before the cut).
    pub capped: Vec<(String, usize)>,
    /// The cap.
    pub max_per_kind: usize,
}

/// Per kind (by position in [`KINDS`]), its entries: text → (detail, targets).
type Entries = [BTreeMap<String, (String, BTreeSet<i64>)>; KINDS.len()];

#[derive(Default)]
struct Builder {
    pages: BTreeMap<String, (usize, String)>,
    entries: Entries,
}

impl Builder {
    /// The number of page `path`, numbered on first use (most uses repeat a page: a
    /// path is copied only the first time).
    fn page(&mut self, path: &str, label: &str) -> i64 {
        if let Some((n, _)) = self.pages.get(path) {
            return *n as i64;
        }
        let next = self.pages.len();
        self.pages
            .insert(path.to_string(), (next, label.to_string()));
        next as i64
    }

    fn add(
        &mut self,
        kind: &str,
        text: &str,
        detail: &str,
        targets: impl IntoIterator<Item = i64>,
    ) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let k = KINDS.iter().position(|(c, _)| *c == kind).unwrap_or(0);
        let Some(entries) = self.entries.get_mut(k) else {
            return;
        };
        // Most entries repeat an earlier one (a CVE in many images): the text is
        // copied only the first time.
        if !entries.contains_key(text) {
            entries.insert(text.to_string(), (cut(detail), BTreeSet::new()));
        }
        if let Some(e) = entries.get_mut(text) {
            e.1.extend(targets);
        }
    }
}

fn cut(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(DETAIL_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Escape serialised JSON so it is safe inside a script file and any HTML context.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for ch in json.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The index file and what the search page says about it.
pub fn index(ctx: &Ctx, shared: &Shared) -> (Vec<u8>, SearchPageView) {
    let r = ctx.report;
    let lang = ctx.i18n.lang();
    let mut b = Builder::default();
    let open_checks: BTreeSet<&str> = r
        .findings
        .iter()
        .filter(|f| f.state.is_open() || f.state == FindingState::Waived)
        .map(|f| f.check.as_str())
        .collect();
    let open_subjects: BTreeSet<&str> =
        shared.all_open.iter().map(|f| f.subject.as_str()).collect();
    let open_packages: BTreeSet<&str> = shared
        .all_open
        .iter()
        .map(|f| f.package.as_deref().unwrap_or_default())
        .collect();
    for c in &r.controls {
        let title = ctx
            .catalog
            .get(&c.id)
            .map_or_else(String::new, |d| d.title.get(lang).to_string());
        let page = b.page(&control_href(&c.id), &format!("{} {title}", c.id));
        b.add("c", &c.id, &title, [page]);
        let def = ctx.catalog.get(&c.id);
        for ch in &c.checks {
            let ch_title = def
                .and_then(|d| d.checks.iter().find(|x| x.id == ch.id))
                .map_or_else(String::new, |x| x.title.get(lang).to_string());
            let anchored = b.page(
                &format!("{}#{}", control_href(&c.id), check_anchor(&ch.id)),
                &format!("{} · {}", c.id, ch.id),
            );
            b.add("k", &format!("{} {}", c.id, ch.id), &ch_title, [anchored]);
            for e in &ch.evidence {
                if e.kind != "vulnerability" {
                    b.add("r", &e.check, &ctx.evidence_title(e), [anchored]);
                }
            }
        }
    }
    // The page of each image, as a target of its open and waived findings: looked up
    // once per image (a fleet's findings name each image hundreds of times).
    let mut image_targets: HashMap<&ImageRef, Option<i64>> = HashMap::new();
    for f in &r.findings {
        let kind = if f.kind == "vulnerability" { "v" } else { "r" };
        let image_target = match &f.image {
            Some(img) if f.state.is_open() || f.state == FindingState::Waived => {
                *image_targets.entry(img).or_insert_with(|| {
                    let page = ctx.image_page(img)?;
                    Some(b.page(&page, &img.tagged()))
                })
            }
            _ => None,
        };
        let mut targets: Vec<i64> = Vec::new();
        if open_checks.contains(f.check.as_str()) {
            targets.push(-1);
        }
        targets.extend(image_target);
        if targets.is_empty() {
            for c in f
                .controls
                .iter()
                .filter(|c| r.controls.iter().any(|x| x.id == c.as_str()))
            {
                targets.push(b.page(&control_href(c), c));
            }
        }
        b.add(
            kind,
            &f.check,
            &ctx.finding_title(f),
            targets.iter().copied(),
        );
        if let Some(p) = &f.package {
            let mut t = Vec::new();
            if open_packages.contains(p.as_str()) {
                t.push(-1);
            }
            t.extend(image_target);
            b.add("p", p, f.installed_version.as_deref().unwrap_or(""), t);
        }
        // What open findings are about when it is not an image (a workload, a
        // namespace, a cluster, a node, a file), as the findings list shows it: the
        // list filtered by it.
        if f.image.is_none() && !f.subject.is_empty() && open_subjects.contains(f.subject.as_str())
        {
            b.add("s", &ctx.finding_subject(f), &f.check, [-1]);
        }
    }
    for s in &r.images {
        let page = b.page(&image_href(&s.image), &s.image.tagged());
        b.add(
            "i",
            &s.image.tagged(),
            s.os.as_deref().unwrap_or(""),
            [page],
        );
        let running = b.page(
            &format!("{}#running-in", image_href(&s.image)),
            &s.image.tagged(),
        );
        for w in &s.running_in {
            b.add("w", w, &s.image.tagged(), [running]);
        }
    }
    for t in &r.teams {
        let page = b.page(&team_href(&t.team), &t.team);
        b.add("t", &t.team, &t.contact, [page]);
    }
    for w in &r.waivers {
        let page = b.page(
            &format!("waivers.html#w-{}", super::slug::slug(&w.waiver.id)),
            &w.waiver.id,
        );
        b.add("x", &w.waiver.id, &w.waiver.reason, [page]);
    }
    finish(ctx, b)
}

#[derive(Serialize)]
struct IndexJson<'a> {
    v: u8,
    k: BTreeMap<&'a str, String>,
    p: Vec<(&'a str, &'a str)>,
    e: Vec<(&'a str, &'a str, &'a str, Vec<i64>)>,
}

fn finish(ctx: &Ctx, b: Builder) -> (Vec<u8>, SearchPageView) {
    let i = ctx.i18n;
    let mut pages: Vec<(&str, &str, usize)> = b
        .pages
        .iter()
        .map(|(p, (n, l))| (p.as_str(), l.as_str(), *n))
        .collect();
    pages.sort_by_key(|p| p.2);
    let mut per_kind = vec![0usize; KINDS.len()];
    let mut entries = Vec::new();
    for (k, kind) in b.entries.iter().enumerate() {
        for (text, (detail, targets)) in kind {
            per_kind[k] += 1;
            if per_kind[k] > MAX_PER_KIND {
                continue;
            }
            // The filtered list first, then pages in order.
            let mut t: Vec<i64> = targets.iter().copied().collect();
            t.truncate(MAX_TARGETS);
            entries.push((KINDS[k].0, text.as_str(), detail.as_str(), t));
        }
    }
    let json = IndexJson {
        v: 1,
        k: KINDS.iter().map(|(c, key)| (*c, i.t(key))).collect(),
        p: pages.iter().map(|(p, l, _)| (*p, *l)).collect(),
        e: entries,
    };
    let text = serde_json::to_string(&json).unwrap_or_else(|_| "{}".into());
    let file = format!(
        "// muster search index: generated at render time, data only.\nwindow.MUSTER_SEARCH={};\n",
        script_safe(&text)
    );
    let label = |k: usize| i.t(KINDS[k].1);
    let view = SearchPageView {
        kinds: (0..KINDS.len())
            .map(|k| (label(k), per_kind[k].min(MAX_PER_KIND)))
            .collect(),
        capped: (0..KINDS.len())
            .filter(|k| per_kind[*k] > MAX_PER_KIND)
            .map(|k| (label(k), per_kind[k]))
            .collect(),
        max_per_kind: MAX_PER_KIND,
    };
    (file.into_bytes(), view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_leave_the_script() {
        let json = serde_json::to_string(&[
            "</script><script>alert(1)</script>",
            "a\u{2028}b\u{2029}c",
            "\"'&",
        ])
        .unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        assert!(!safe.contains('\u{2028}') && !safe.contains('\u{2029}'));
        let back: Vec<String> = serde_json::from_str(&safe).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
        assert_eq!(back[1], "a\u{2028}b\u{2029}c");
    }

    #[test]
    fn details_are_cut() {
        assert_eq!(cut(&"x".repeat(200)).chars().count(), DETAIL_CHARS + 1);
        assert_eq!(cut(" short "), "short");
    }
}
