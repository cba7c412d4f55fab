//! Container image references, normalised so that every tool names an image the same way.
//!
//! `nginx` → `docker.io/library/nginx:latest`; `ghcr.io/org/app@sha256:…` keeps its digest.
//! The digest, when known, is the identity; the tag is an alias.

use super::Text;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The registry of names without one (`nginx`, `bitnami/redis`).
const DOCKER_HUB: &str = "docker.io";

/// `s` in ASCII lowercase, borrowed when it already is.
fn ascii_lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// A normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ImageRef {
    /// Registry host, e.g. `docker.io`, `myacr.azurecr.io`, `localhost:5000`.
    pub registry: Text,
    /// Repository path inside the registry, e.g. `library/nginx`.
    pub repository: Text,
    /// Tag, if the reference named one (`latest` is implied only when neither tag nor digest is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Text>,
    /// Manifest digest `sha256:…`, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<Text>,
}

impl ImageRef {
    /// Parse and normalise an image reference as Docker does.
    ///
    /// Returns `None` for strings that cannot be an image reference (empty, spaces, `<NA>`).
    /// The parts are slices of `input` until they become the reference's texts: one
    /// allocation per kept part (images are parsed once per event of a runtime log).
    pub fn parse(input: &str) -> Option<ImageRef> {
        let s = input.trim();
        if s.is_empty() || s.contains(char::is_whitespace) || s == "<NA>" || s.starts_with('@') {
            return None;
        }
        let (name_part, digest) = match s.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (s, None),
        };
        if digest.is_some_and(|d| !d.contains(':')) {
            return None;
        }
        // A tag is after the last ':' that follows the last '/'.
        let last_slash = name_part.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_part.get(last_slash..).and_then(|n| n.rfind(':')) {
            Some(i) => {
                let at = last_slash + i;
                (name_part.get(..at)?, Some(name_part.get(at + 1..)?))
            }
            None => (name_part, None),
        };
        if name.is_empty() || tag == Some("") {
            return None;
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (ascii_lowercase(first), rest)
            }
            _ => (Cow::Borrowed(DOCKER_HUB), name),
        };
        let registry = match &*registry {
            "index.docker.io" | "registry-1.docker.io" => Cow::Borrowed(DOCKER_HUB),
            _ => registry,
        };
        // (An official image's `library/` prefix neither empties its repository nor
        // ends it with '/', and lowercasing keeps both: checking first is the same.)
        if repository.is_empty() || repository.ends_with('/') {
            return None;
        }
        let repository = if registry == DOCKER_HUB && !repository.contains('/') {
            Text::from(format!("library/{}", ascii_lowercase(repository)))
        } else {
            Text::from(&*ascii_lowercase(repository))
        };
        let tag = match (tag, digest) {
            (None, None) => Some(Text::literal(arcstr::literal!("latest"))),
            (tag, _) => tag.map(Text::from),
        };
        Some(ImageRef {
            registry: match registry {
                Cow::Borrowed(DOCKER_HUB) => Text::literal(arcstr::literal!(DOCKER_HUB)),
                registry => Text::from(&*registry),
            },
            repository,
            tag,
            digest: digest.map(Text::from),
        })
    }

    /// Parse a reference a tool reports in parts (repository, tag, digest), as
    /// `repository[:tag][@digest]`.
    pub fn from_parts(
        repository: &str,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> Option<ImageRef> {
        let mut s = repository.trim().to_string();
        if let Some(t) = tag.map(str::trim).filter(|t| !t.is_empty()) {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = digest.map(str::trim).filter(|d| !d.is_empty()) {
            s.push('@');
            s.push_str(d);
        }
        ImageRef::parse(&s)
    }

    /// `registry/repository`, without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// `registry/repository:tag` (or `@digest` when there is no tag).
    pub fn tagged(&self) -> String {
        match (&self.tag, &self.digest) {
            (Some(t), _) => format!("{}:{}", self.name(), t),
            (None, Some(d)) => format!("{}@{}", self.name(), d),
            (None, None) => self.name(),
        }
    }

    /// Identity key used to join the same image across tools: the digest when known, else name:tag.
    pub fn key(&self) -> String {
        match &self.digest {
            Some(d) => format!("{}@{}", self.name(), d),
            None => self.tagged(),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_expanded_like_docker() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(r.to_string(), "docker.io/library/nginx:latest");
        let r = ImageRef::parse("bitnami/redis:7.2").unwrap();
        assert_eq!(r.to_string(), "docker.io/bitnami/redis:7.2");
        let r = ImageRef::parse("index.docker.io/library/alpine:3.19").unwrap();
        assert_eq!(r.tagged(), "docker.io/library/alpine:3.19");
    }

    #[test]
    fn registries_ports_and_digests_are_kept() {
        let r = ImageRef::parse("localhost:5000/app/web:1.0@sha256:abc").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "app/web");
        assert_eq!(r.tag.as_deref(), Some("1.0"));
        assert_eq!(r.key(), "localhost:5000/app/web@sha256:abc");
        let r = ImageRef::parse("myacr.azurecr.io/payments/api@sha256:def").unwrap();
        assert_eq!(r.tag, None);
        assert_eq!(r.tagged(), "myacr.azurecr.io/payments/api@sha256:def");
    }

    /// Edge cases of the reference grammar, pinned as muster reads them (the same
    /// before and after `parse` learnt to slice its input): Docker Hub's aliases and
    /// case, ports, a digest without an algorithm, empty repositories, extra colons.
    #[test]
    fn edge_references_are_read_as_pinned() {
        let read = |s: &str| {
            ImageRef::parse(s).map(|r| {
                let part = |t: Option<&Text>| t.map_or("-", |t| t.as_str()).to_string();
                [
                    r.registry.to_string(),
                    r.repository.to_string(),
                    part(r.tag.as_ref()),
                    part(r.digest.as_ref()),
                ]
            })
        };
        let cases: [(&str, Option<[&str; 4]>); 13] = [
            (
                "Docker.io/Nginx",
                Some(["docker.io", "library/nginx", "latest", "-"]),
            ),
            (
                "registry-1.docker.io/nginx",
                Some(["docker.io", "library/nginx", "latest", "-"]),
            ),
            (
                "index.docker.io/nginx",
                Some(["docker.io", "library/nginx", "latest", "-"]),
            ),
            ("docker.io/", None),
            ("foo/", None),
            ("localhost/x", Some(["localhost", "x", "latest", "-"])),
            (
                "LOCALHOST:5000/x",
                Some(["localhost:5000", "x", "latest", "-"]),
            ),
            ("nginx@sha256", None),
            (
                "a/b:t@sha256:x",
                Some(["docker.io", "a/b", "t", "sha256:x"]),
            ),
            (
                "MyACR.azurecr.io/Payments/API:V1",
                Some(["myacr.azurecr.io", "payments/api", "V1", "-"]),
            ),
            (
                "nginx:1.25@sha256:abc",
                Some(["docker.io", "library/nginx", "1.25", "sha256:abc"]),
            ),
            ("a:b:c", Some(["docker.io", "library/a:b", "c", "-"])),
            ("é/ü:ñ", Some(["docker.io", "é/ü", "ñ", "-"])),
        ];
        for (input, expected) in cases {
            let expected = expected.map(|e| e.map(String::from));
            assert_eq!(read(input), expected, "{input:?}");
        }
    }

    #[test]
    fn garbage_is_not_an_image() {
        assert!(ImageRef::parse("").is_none());
        assert!(ImageRef::parse("<NA>").is_none());
        assert!(ImageRef::parse("two words").is_none());
        assert!(ImageRef::parse("nginx:").is_none());
    }
}
