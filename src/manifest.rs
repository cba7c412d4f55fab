//! The integrity manifest (`manifest.json`): muster's version, the report date,
//! configuration and catalog digests, and the SHA-256 of every input and output file.
//! `muster verify` recomputes it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Manifest schema identifier.
pub const SCHEMA: &str = "muster-manifest/1";

/// The manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Schema identifier.
    pub schema: String,
    /// muster version that built the site.
    pub muster_version: String,
    /// Report date (RFC 3339).
    pub as_of: String,
    /// Interface language.
    pub lang: String,
    /// SHA-256 of muster.toml (empty for defaults).
    pub config_sha256: String,
    /// SHA-256 of the catalog files.
    pub catalog_sha256: String,
    /// Input files: path → SHA-256.
    pub inputs: BTreeMap<String, String>,
    /// Output files (every file of the site but manifest.json): relative path → SHA-256.
    pub files: BTreeMap<String, String>,
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A writer that passes bytes on and keeps the SHA-256 and length of what it wrote,
/// so a file is digested as it is written rather than read back.
pub struct Digesting<W> {
    inner: W,
    hasher: Sha256,
    len: u64,
}

impl<W: std::io::Write> Digesting<W> {
    /// Digest what is written to `inner`.
    pub fn new(inner: W) -> Self {
        Digesting {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }

    /// The writer, with the lower-case hex SHA-256 and the length of everything written.
    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex(&self.hasher.finalize()), self.len)
    }
}

impl<W: std::io::Write> std::io::Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let done = buf.get(..n).unwrap_or(buf);
        self.hasher.update(done);
        self.len += done.len() as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Lower-case hex of bytes (digests).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Differences between a manifest and the files found.
#[derive(Debug, Default, PartialEq)]
pub struct Drift {
    /// Files present but not listed.
    pub added: Vec<String>,
    /// Files listed but missing.
    pub removed: Vec<String>,
    /// Files whose content changed.
    pub changed: Vec<String>,
}

impl Drift {
    /// Whether the site matches its manifest.
    pub fn is_clean(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compare a manifest with the actual files (relative path → SHA-256).
pub fn compare(manifest: &Manifest, actual: &BTreeMap<String, String>) -> Drift {
    let mut d = Drift::default();
    for (path, sha) in &manifest.files {
        match actual.get(path) {
            None => d.removed.push(path.clone()),
            Some(a) if a != sha => d.changed.push(path.clone()),
            _ => {}
        }
    }
    for path in actual.keys() {
        if !manifest.files.contains_key(path) {
            d.added.push(path.clone());
        }
    }
    d
}
