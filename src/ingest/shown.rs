//! How an input is named on the site, in shards and in diagnostics: never by where it
//! sat on the machine that built it (docs/shards.md, "File names on the site").
//!
//! A relative input without `..` is shown as typed (`exports`, `./exports` → `exports`),
//! so a build and the shards made from the same command lines name files alike. An
//! absolute input, or one that climbs with `..`, is shown from its own name
//! (`/home/ana/ci/exports` → `exports`), taking as many of its parent folders as it
//! needs to stay apart from the other inputs (`/a/exports` and `/b/exports` → `a/exports`
//! and `b/exports`).

use std::path::{Component, Path, PathBuf};

/// How each of `inputs` is shown, in the same order (`""` for the current folder, whose
/// files are shown by their path inside it).
pub fn shown_roots(inputs: &[PathBuf]) -> Vec<String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let typed: Vec<Option<String>> = inputs.iter().map(|p| as_typed(p)).collect();
    let full: Vec<Vec<String>> = inputs.iter().map(|p| absolute(p, &cwd)).collect();
    let mut take = vec![1usize; inputs.len()];
    loop {
        let shown: Vec<String> = typed
            .iter()
            .zip(&full)
            .zip(&take)
            .map(|((t, f), &k)| t.clone().unwrap_or_else(|| tail(f, k)))
            .collect();
        let mut grew = false;
        for i in 0..inputs.len() {
            let clashes = (0..inputs.len())
                .any(|j| j != i && shown.get(j) == shown.get(i) && full.get(j) != full.get(i));
            let anchored = typed.get(i).is_some_and(Option::is_none);
            if let (true, true, Some(k), Some(f)) =
                (clashes, anchored, take.get_mut(i), full.get(i))
            {
                if *k < f.len() {
                    *k += 1;
                    grew = true;
                }
            }
        }
        if !grew {
            return shown;
        }
    }
}

/// A file found under a root shown as `root`, at `relative` inside it.
pub fn shown_under(root: &str, relative: &Path) -> String {
    let rel = components(relative).join("/");
    match (root.is_empty(), rel.is_empty()) {
        (true, _) => rel,
        (false, true) => root.to_string(),
        (false, false) => format!("{root}/{rel}"),
    }
}

/// The path as typed, when it is relative and stays inside the current folder.
fn as_typed(path: &Path) -> Option<String> {
    let plain = path
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    plain.then(|| components(path).join("/"))
}

/// The named components of `path` (`.` dropped).
fn components(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(name_shown(s)),
            _ => None,
        })
        .collect()
}

/// A file or folder name as text. Rule: bytes that are not UTF-8 are shown as `\xHH`
/// (upper-case hex), never as U+FFFD, so `a\xff.json` and `a\xfe.json` stay two names
/// (shown alike, the second would be dropped as a duplicate).
pub fn name_shown(name: &std::ffi::OsStr) -> String {
    if let Some(text) = name.to_str() {
        return text.to_string();
    }
    let mut out = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The folders and name of `path` from the file-system root: the real path when it
/// exists, else `path` against `cwd` with `..` resolved by name.
fn absolute(path: &Path, cwd: &Path) -> Vec<String> {
    if let Ok(real) = path.canonicalize() {
        return components(&real);
    }
    let mut out: Vec<String> = Vec::new();
    for c in cwd.join(path).components() {
        match c {
            Component::Normal(s) => out.push(name_shown(s)),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// The last `k` components joined with `/`.
fn tail(full: &[String], k: usize) -> String {
    full.get(full.len().saturating_sub(k)..)
        .unwrap_or_default()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(paths: &[&str]) -> Vec<String> {
        shown_roots(&paths.iter().map(PathBuf::from).collect::<Vec<_>>())
    }

    #[test]
    fn a_relative_input_is_shown_as_typed_without_its_dot() {
        assert_eq!(
            roots(&["exports", "./scans/prod/", "."]),
            ["exports", "scans/prod", ""]
        );
    }

    #[test]
    fn an_absolute_input_is_shown_from_its_own_name() {
        assert_eq!(roots(&["/nowhere/home/ana/ci/exports"]), ["exports"]);
        assert_eq!(roots(&["/nowhere/x/../y/trivy.json"]), ["trivy.json"]);
    }

    #[test]
    fn inputs_of_the_same_name_take_their_folders_until_they_differ() {
        assert_eq!(
            roots(&["/nowhere/a/exports", "/nowhere/b/exports", "exports"]),
            ["a/exports", "b/exports", "exports"]
        );
        // The same folder given twice is one input, not a clash.
        assert_eq!(
            roots(&["/nowhere/a/exports", "/nowhere/a/exports"]),
            ["exports", "exports"]
        );
    }

    #[test]
    fn a_climbing_input_is_anchored_too() {
        let shown = roots(&["../exports"]);
        assert_eq!(shown, ["exports"]);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_shown_escaped_and_distinct() {
        use std::os::unix::ffi::OsStrExt;
        let ff = Path::new(std::ffi::OsStr::from_bytes(b"trivy/a\xff.json"));
        let fe = Path::new(std::ffi::OsStr::from_bytes(b"trivy/a\xfe.json"));
        assert_eq!(shown_under("in", ff), "in/trivy/a\\xFF.json");
        assert_eq!(shown_under("in", fe), "in/trivy/a\\xFE.json");
        let mixed = std::ffi::OsStr::from_bytes(b"caf\xc3\xa9-\xc3.json");
        assert_eq!(name_shown(mixed), "café-\\xC3.json");
        assert_eq!(roots(&["/nowhere/x\u{e9}"]), ["x\u{e9}"]);
    }

    #[test]
    fn files_are_shown_under_their_root() {
        assert_eq!(
            shown_under("exports", Path::new("trivy/web.json")),
            "exports/trivy/web.json"
        );
        assert_eq!(
            shown_under("", Path::new("trivy/web.json")),
            "trivy/web.json"
        );
        assert_eq!(shown_under("web.json", Path::new("")), "web.json");
    }
}
