//! `muster verify SITE`: recompute every file's digest and compare with manifest.json.

use super::args::VerifyArgs;
use crate::manifest::{compare, sha256_hex, Manifest};
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::Path;

/// Digest every regular file under `root` except manifest.json (relative paths with '/').
pub fn digest_tree(root: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.with_context(|| format!("walking {}", root.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if rel == "manifest.json" {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("reading {}", entry.path().display()))?;
        out.insert(rel, sha256_hex(&bytes));
    }
    Ok(out)
}

/// Run `verify`.
#[allow(clippy::print_stdout)]
pub fn run(args: VerifyArgs) -> anyhow::Result<i32> {
    let mpath = args.site.join("manifest.json");
    let text =
        std::fs::read_to_string(&mpath).with_context(|| format!("reading {}", mpath.display()))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a muster manifest", mpath.display()))?;
    let drift = compare(&manifest, &digest_tree(&args.site)?);
    for p in &drift.added {
        outln!("added:   {p}");
    }
    for p in &drift.removed {
        outln!("removed: {p}");
    }
    for p in &drift.changed {
        outln!("changed: {p}");
    }
    if drift.is_clean() {
        outln!(
            "ok: {} files match manifest.json (as of {})",
            manifest.files.len(),
            manifest.as_of
        );
        Ok(0)
    } else {
        Ok(1)
    }
}
