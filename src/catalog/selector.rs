//! Evidence selectors (`kind:glob`) and field predicates, as written in catalog files.
//! Both are parsed while the catalog file is read, so a wrong kind, field or severity
//! is a catalog diagnostic with the file and line, never a silently empty selection.

use crate::model::{Field, Record, RecordKind, Severity};

/// `"<kind>:<glob>"`: records of a kind whose check id or an alias matches the glob.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// The record kind.
    pub kind: RecordKind,
    /// The id glob (`*` matches anything); `None` selects every record of the kind.
    pub glob: Option<String>,
    /// The selector as written.
    pub text: String,
    /// Made from a `[[checks.benchmark]]` id rather than written in `select`.
    pub mapped: bool,
}

impl Selector {
    /// Parse a selector string.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let (kind, glob) = match s.split_once(':') {
            Some((k, g)) => (k.trim(), Some(g.trim())),
            None => (s.trim(), None),
        };
        let kind = RecordKind::from_name(kind).ok_or_else(|| {
            let kinds: Vec<&str> = RecordKind::VARIANTS.iter().map(|k| k.as_str()).collect();
            format!(
                "unknown record kind {kind:?} in selector {s:?} (expected one of {})",
                kinds.join(", ")
            )
        })?;
        let glob = glob
            .filter(|g| !g.is_empty() && *g != "*")
            .map(str::to_string);
        Ok(Selector {
            kind,
            glob,
            text: s.to_string(),
            mapped: false,
        })
    }

    /// Whether a record matches.
    pub fn matches(&self, r: &Record) -> bool {
        if r.kind != self.kind {
            return false;
        }
        match &self.glob {
            None => true,
            Some(g) => glob_match(g, &r.check) || r.aliases.iter().any(|a| glob_match(g, a)),
        }
    }
}

/// Glob match, ASCII case-insensitive, where `*` matches any run of characters.
/// Works on bytes without allocating: it runs for every record × selector.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        match (p.get(pi), t.get(ti)) {
            (Some(b'*'), _) => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&b'*') {
        pi += 1;
    }
    pi == p.len()
}

/// A predicate on one record field.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    /// The test.
    pub test: Test,
    /// The predicate as written.
    pub text: String,
}

/// What a predicate tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// The field is present.
    Present,
    /// The field equals one of these (glob allowed).
    AnyOf(Vec<String>),
    /// The field differs from this.
    Not(String),
    /// Severity at least.
    AtLeast(Severity),
    /// Severity at most.
    AtMost(Severity),
}

impl Predicate {
    /// Parse a predicate value.
    pub fn parse(v: &str) -> Result<Predicate, String> {
        Ok(Predicate {
            test: Test::parse(v)?,
            text: v.to_string(),
        })
    }

    /// Whether the record's field satisfies it.
    pub fn holds(&self, field: Field, r: &Record) -> bool {
        self.test.holds(field, r)
    }
}

impl Test {
    fn parse(v: &str) -> Result<Test, String> {
        let v = v.trim();
        let severity = |s: &str| {
            let sev = Severity::from_word(s);
            if sev == Severity::Unknown && !s.eq_ignore_ascii_case("unknown") {
                Err(format!("{s:?} is not a severity"))
            } else {
                Ok(sev)
            }
        };
        Ok(if v == "*" {
            Test::Present
        } else if let Some(s) = v.strip_prefix(">=") {
            Test::AtLeast(severity(s)?)
        } else if let Some(s) = v.strip_prefix("<=") {
            Test::AtMost(severity(s)?)
        } else if let Some(s) = v.strip_prefix('!') {
            Test::Not(s.to_string())
        } else {
            Test::AnyOf(v.split('|').map(|s| s.trim().to_string()).collect())
        })
    }

    fn holds(&self, field: Field, r: &Record) -> bool {
        match self {
            Test::AtLeast(s) => r.severity >= *s,
            Test::AtMost(s) => r.severity <= *s,
            Test::Present => r.field(field).is_some_and(|v| !v.is_empty()),
            Test::Not(x) => r.field(field).is_none_or(|v| !glob_match(x, &v)),
            Test::AnyOf(xs) => r
                .field(field)
                .is_some_and(|v| xs.iter().any(|x| glob_match(x, &v))),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Selector {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Selector, D::Error> {
        let s = String::deserialize(d)?;
        Selector::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Selector {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Predicate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Predicate, D::Error> {
        let s = String::deserialize(d)?;
        Predicate::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Predicate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outcome;

    #[test]
    fn globs_match_ids_and_aliases() {
        assert!(glob_match("cis-*:5.2.2", "cis-1.10:5.2.2"));
        assert!(!glob_match("cis-*:5.2.2", "cis-1.10:5.2.20"));
        assert!(glob_match(
            "K8sAllowedRepos*/*",
            "k8sallowedreposv2/prod-repos"
        ));
        let mut r = Record::new(
            RecordKind::Misconfiguration,
            crate::model::test_formats::TRIVY,
            "KSV-0017",
            Outcome::Fail,
        );
        r.aliases.push("KSV017".into());
        assert!(Selector::parse("misconfiguration:ksv017")
            .unwrap()
            .matches(&r));
        assert!(!Selector::parse("policy:KSV-0017").unwrap().matches(&r));
        assert!(Selector::parse("misconfiguration").unwrap().matches(&r));
        assert!(Selector::parse("nonsense:x").is_err());
    }

    #[test]
    fn predicates_compare_fields_and_severities() {
        let mut r = Record::new(
            RecordKind::Vulnerability,
            crate::model::test_formats::GRYPE,
            "CVE-1",
            Outcome::Fail,
        );
        r.severity = Severity::High;
        r.subject.namespace = Some("payments".into());
        let holds = |p: &str, f: Field| Predicate::parse(p).unwrap().holds(f, &r);
        assert!(holds(">=high", Field::Severity));
        assert!(!holds(">=critical", Field::Severity));
        assert!(holds("shop|pay*", Field::Namespace));
        assert!(holds("!kube-*", Field::Namespace));
        assert!(!holds("*", Field::Node));
    }
}
