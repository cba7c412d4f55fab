//! Shared helpers for the integration tests: paths, running the binary, reading sites.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample data folder.
pub fn sample() -> PathBuf {
    root().join("sample-data")
}

/// A `muster` command.
pub fn muster() -> Command {
    Command::new(env!("CARGO_BIN_EXE_muster"))
}

/// Run muster with arguments, returning (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = muster().args(args).output().expect("muster runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Build the sample site into `out` (extra args appended); panics with stderr on failure.
pub fn build_sample(out: &Path, extra: &[&str]) {
    build_dir(&sample(), out, extra);
}

/// Build the site of folder `input` (a scenario, say) into `out`, with extra arguments.
#[allow(dead_code)]
pub fn build_dir(input: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "build failed: {err}");
}

/// `../shared/fixtures` (the real tool outputs), or `None` when it is absent and
/// MUSTER_REQUIRE_FIXTURES is not set (CI sets it: there, a missing folder fails).
#[allow(dead_code)]
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = root().join("../shared/fixtures");
    assert!(
        dir.is_dir() || std::env::var_os("MUSTER_REQUIRE_FIXTURES").is_none(),
        "../shared/fixtures is missing and MUSTER_REQUIRE_FIXTURES is set"
    );
    dir.is_dir().then_some(dir)
}

/// How many controls the built-in catalog has (tests count against it, not a number).
#[allow(dead_code)]
pub fn catalog_size() -> usize {
    muster::catalog::Catalog::builtin(&mut Vec::new())
        .controls
        .len()
}

/// Every file of a folder, relative path → bytes.
pub fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// Read one page of a site as text.
pub fn page(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Relative links (href/src) of a page, without fragment or query.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let url = &rest[..end];
            let url = url.split(['#', '?']).next().unwrap_or("");
            if !url.is_empty() && !url.contains("://") && !url.starts_with("mailto:") {
                out.push(url.replace("&amp;", "&"));
            }
        }
    }
    out
}

/// Every relative link of a site's HTML pages (`files`: path → bytes, as
/// [`read_tree`] gives) that names no file or folder of the site, as `page -> link`.
pub fn broken_links(
    files: &std::collections::BTreeMap<String, Vec<u8>>,
) -> std::collections::BTreeSet<String> {
    let mut broken = std::collections::BTreeSet::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        for link in links(&String::from_utf8_lossy(bytes)) {
            let target = normalise(&base.join(&link));
            if !files.contains_key(&target)
                && !files.keys().any(|k| k.starts_with(&format!("{target}/")))
            {
                broken.insert(format!("{path} -> {link}"));
            }
        }
    }
    broken
}

/// A relative path with `..` and `.` resolved, `/`-separated.
pub fn normalise(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}
