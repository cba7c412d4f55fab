//! Package URLs (`pkg:type/namespace/name@version?qualifiers#subpath`, the purl
//! specification in github.com/package-url/purl-spec) as VEX documents and CycloneDX
//! BOMs name products and components, and what a product identifier names: an image
//! (`pkg:oci/…`, `pkg:docker/…`, an image reference), a package, or something else.

use super::trivy_results::looks_like_image;
use crate::model::ImageRef;

/// The parts of a package URL, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Purl {
    /// The type (`deb`, `npm`, `oci`), lower-cased.
    pub kind: String,
    /// The namespace (`debian`, `@angular`), when given.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
    /// The version, when given.
    pub version: Option<String>,
    /// The qualifiers (`repository_url`, `tag`, `arch`, …).
    pub qualifiers: Vec<(String, String)>,
}

impl Purl {
    /// Parse a package URL; `None` when `s` is not one.
    pub fn parse(s: &str) -> Option<Purl> {
        let rest = s.trim().strip_prefix("pkg:")?;
        let rest = rest.trim_start_matches('/');
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (path, version) = match rest.rsplit_once('@') {
            // An `@` inside the path is a scope (`pkg:npm/%40angular/core` is the encoded
            // form; a literal `@` before the last `/` is not a version).
            Some((p, v)) if !v.contains('/') => (p, Some(decode(v))),
            _ => (rest, None),
        };
        let (kind, path) = path.split_once('/')?;
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, n)) => (Some(decode(ns)), decode(n)),
            None => (None, decode(path)),
        };
        if kind.is_empty() || name.is_empty() {
            return None;
        }
        let qualifiers = query
            .map(|q| {
                q.split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_ascii_lowercase(), decode(v)))
                    .collect()
            })
            .unwrap_or_default();
        Some(Purl {
            kind: kind.to_ascii_lowercase(),
            namespace,
            name,
            version: version.filter(|v| !v.is_empty()),
            qualifiers,
        })
    }

    /// A qualifier's value.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The image an `oci` or `docker` package URL names: `repository_url` (else the
    /// name, with the namespace for `docker`), the `tag` qualifier, and the version
    /// as the digest (`oci`, or a `docker` version that is a digest) or else the tag.
    pub fn image(&self) -> Option<ImageRef> {
        let (repo, version) = match self.kind.as_str() {
            "oci" => (
                self.qualifier("repository_url")
                    .map(str::to_string)
                    .unwrap_or_else(|| self.name.clone()),
                self.version.as_deref(),
            ),
            "docker" => {
                let name = match &self.namespace {
                    Some(ns) => format!("{ns}/{}", self.name),
                    None => self.name.clone(),
                };
                let repo = match self.qualifier("repository_url") {
                    Some(url) if !url.ends_with(&name) => {
                        format!("{}/{name}", url.trim_end_matches('/'))
                    }
                    Some(url) => url.to_string(),
                    None => name,
                };
                (repo, self.version.as_deref())
            }
            _ => return None,
        };
        let repo = repo
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        let is_digest = |v: &str| v.contains(':');
        let digest = version.filter(|v| is_digest(v));
        let tag = self.qualifier("tag").or(version.filter(|v| !is_digest(v)));
        ImageRef::from_parts(repo, tag, digest)
    }
}

/// Percent-decoding (invalid escapes are kept as written).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| {
            b.get(j)
                .and_then(|h| (*h as char).to_digit(16))
                .map(|d| d as u8)
        };
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a product or component identifier names.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Product {
    /// A container image (`pkg:oci/…`, `pkg:docker/…`, or an image reference).
    Image(ImageRef),
    /// A package: its package URL as written.
    Package(String),
    /// Anything else (a bare digest, a CPE, a URL, a product name), as written.
    Other(String),
}

impl Product {
    /// Classify an identifier; `None` when it is empty.
    pub fn of(id: &str) -> Option<Product> {
        let id = id.trim();
        if id.is_empty() {
            return None;
        }
        if id.starts_with("pkg:") {
            return Some(match Purl::parse(id).and_then(|p| p.image()) {
                Some(image) => Product::Image(image),
                None => Product::Package(id.to_string()),
            });
        }
        let lower = id.to_ascii_lowercase();
        let other = lower.starts_with("cpe:")
            || id.contains("://")
            || lower.starts_with("sha256:")
            || lower.starts_with("sha512:")
            || !(id.contains('/') || id.contains(':') || id.contains('@'))
            || !looks_like_image(id);
        if other {
            return Some(Product::Other(id.to_string()));
        }
        Some(match ImageRef::parse(id) {
            Some(image) => Product::Image(image),
            None => Product::Other(id.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_urls_parse_with_namespace_version_and_qualifiers() {
        let p = Purl::parse("pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&distro=debian-12").unwrap();
        assert_eq!(p.kind, "deb");
        assert_eq!(p.namespace.as_deref(), Some("debian"));
        assert_eq!(p.name, "libssl3");
        assert_eq!(p.version.as_deref(), Some("3.0.11-1"));
        assert_eq!(p.qualifier("distro"), Some("debian-12"));
        let p = Purl::parse("pkg:npm/%40angular/core@16.2.0").unwrap();
        assert_eq!(p.namespace.as_deref(), Some("@angular"));
        let p = Purl::parse("pkg:golang/github.com/aquasecurity/trivy").unwrap();
        assert_eq!(p.namespace.as_deref(), Some("github.com/aquasecurity"));
        assert_eq!(p.version, None);
        assert!(Purl::parse("cpe:2.3:a:x").is_none());
        assert!(Purl::parse("pkg:").is_none());
    }

    #[test]
    fn oci_and_docker_urls_are_images() {
        let p = Purl::parse(
            "pkg:oci/web@sha256%3Aabc?repository_url=contosoacr.azurecr.io%2Fshop%2Fweb&tag=2.4.1",
        )
        .unwrap();
        let i = p.image().unwrap();
        assert_eq!(
            i.to_string(),
            "contosoacr.azurecr.io/shop/web:2.4.1@sha256:abc"
        );
        let i =
            Purl::parse("pkg:oci/alpine@sha256:def?repository_url=index.docker.io/library/alpine")
                .unwrap()
                .image()
                .unwrap();
        assert_eq!(i.key(), "docker.io/library/alpine@sha256:def");
        let i = Purl::parse("pkg:docker/library/nginx@1.25.3")
            .unwrap()
            .image()
            .unwrap();
        assert_eq!(i.tagged(), "docker.io/library/nginx:1.25.3");
        assert!(Purl::parse("pkg:deb/debian/bash@5")
            .unwrap()
            .image()
            .is_none());
    }

    #[test]
    fn products_are_images_packages_or_other() {
        assert!(matches!(
            Product::of("ghcr.io/acme/api:1.2"),
            Some(Product::Image(_))
        ));
        assert!(matches!(
            Product::of("pkg:oci/api@sha256:1?repository_url=ghcr.io/acme/api"),
            Some(Product::Image(_))
        ));
        assert_eq!(
            Product::of("pkg:golang/helm.sh/helm/v3"),
            Some(Product::Package("pkg:golang/helm.sh/helm/v3".into()))
        );
        for other in [
            "sha256:abcd",
            "ABC",
            "cpe:2.3:a:acme:abc:4.2",
            "https://example.com/p",
            "my product 2",
        ] {
            assert!(
                matches!(Product::of(other), Some(Product::Other(_))),
                "{other}"
            );
        }
        assert_eq!(Product::of(" "), None);
    }
}
