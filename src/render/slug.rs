//! File names from untrusted identifiers.
//!
//! Image names, control ids from user catalogs and source paths become file names
//! and anchors through [`slug`] only. A slug is `[A-Za-z0-9-]`, at most
//! [`MAX_SLUG`] characters, never contains `/`, `..` or a leading `/`, and is
//! collision-free: when slugging changed or cut the text, a hash of the original is
//! appended after a double dash, which an unchanged slug can never contain.

use sha2::{Digest, Sha256};

/// Longest slug produced, suffix included.
pub const MAX_SLUG: usize = 80;

/// Hex digits of the SHA-256 of the original text appended to a changed slug.
const HASH_LEN: usize = 10;

/// A safe, collision-free file-name stem for `id`.
///
/// `REG-01` → `REG-01` (unchanged), `docker.io/library/nginx:1.25` → `docker-io-library-nginx-1-25--…`,
/// `abc-1` → `abc-1` (unchanged, so no suffix).
pub fn slug(id: &str) -> String {
    let mut base = String::with_capacity(id.len());
    for ch in id.chars() {
        if ch.is_ascii_alphanumeric() {
            base.push(ch);
        } else if !base.ends_with('-') {
            base.push('-');
        }
    }
    let base = base.trim_matches('-');
    if base == id && !base.is_empty() && base.len() <= MAX_SLUG {
        return base.to_string();
    }
    let digest = Sha256::digest(id.as_bytes());
    let hash = crate::manifest::hex(digest.get(..HASH_LEN / 2).unwrap_or_default());
    let keep = MAX_SLUG - HASH_LEN - 2;
    let mut stem: String = base.chars().take(keep).collect();
    while stem.ends_with('-') {
        stem.pop();
    }
    if stem.is_empty() {
        stem.push_str("id");
    }
    format!("{stem}--{hash}")
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_safe_and_distinct() {
        let ids = [
            "REG-01",
            "reg-01",
            "reg-01--x",
            "../../etc/passwd",
            "/abs/path",
            "docker.io/library/nginx:1.25",
            "docker.io/library/nginx-1.25",
            "<script>alert(1)</script>",
            "",
            "..",
            "a b",
            "a-b",
            &"x".repeat(200),
            &"x".repeat(201),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for id in ids {
            let s = slug(id);
            assert!(!s.contains('/') && !s.contains(".."), "{id} → {s}");
            assert!(!s.is_empty() && s.len() <= super::MAX_SLUG, "{id} → {s}");
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            assert!(seen.insert(s.clone()), "collision on {s}");
        }
        assert_eq!(slug("abc-1"), "abc-1");
        assert_eq!(slug("REG-01"), "REG-01");
    }
}
