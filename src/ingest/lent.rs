//! A string read from a document that borrows the document's text when it can.
//!
//! serde borrows a `Cow<'a, str>` only when it is a field's whole type: inside an
//! `Option`, a `Vec` or a map it is always copied. An event stream reads a dozen such
//! values per line (a verb, a user, a namespace, the tags of an alert), so [`Lent`]
//! does the borrowing itself: a JSON string without escapes stays a slice of the
//! line, and only a string with escapes is copied.

use serde::de::Visitor;
use serde::{Deserialize, Deserializer};
use std::borrow::{Borrow, Cow};
use std::fmt;

/// A string value of a document: borrowed from its text unless it had escapes.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lent<'a>(Cow<'a, str>);

impl Lent<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Lent<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Lent<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Lent<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Lent<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Lent<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl fmt::Display for Lent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Lent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<Lent<'_>> for crate::model::Text {
    fn from(s: Lent<'_>) -> Self {
        crate::model::Text::from(&*s.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Lent<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(LentVisitor)
    }
}

struct LentVisitor;

impl<'de> Visitor<'de> for LentVisitor {
    type Value = Lent<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Lent<'de>, E> {
        Ok(Lent(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Lent<'de>, E> {
        Ok(Lent(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Lent<'de>, E> {
        Ok(Lent(Cow::Owned(v)))
    }
}

/// Any JSON value, kept only when it is a string (an annotation map holds strings,
/// but nothing stops a writer from putting a number there).
#[derive(Default)]
pub struct IfString<'a>(pub Option<Lent<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for IfString<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IfStringVisitor)
    }
}

struct IfStringVisitor;

impl<'de> Visitor<'de> for IfStringVisitor {
    type Value = IfString<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<IfString<'de>, E> {
        LentVisitor.visit_borrowed_str(v).map(|s| IfString(Some(s)))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IfString<'de>, E> {
        LentVisitor.visit_str(v).map(|s| IfString(Some(s)))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<IfString<'de>, E> {
        LentVisitor.visit_string(v).map(|s| IfString(Some(s)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<IfString<'de>, E> {
        Ok(IfString(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<IfString<'de>, E> {
        Ok(IfString(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<IfString<'de>, E> {
        Ok(IfString(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<IfString<'de>, E> {
        Ok(IfString(None))
    }
    fn visit_unit<E>(self) -> Result<IfString<'de>, E> {
        Ok(IfString(None))
    }
    fn visit_none<E>(self) -> Result<IfString<'de>, E> {
        Ok(IfString(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<IfString<'de>, D::Error> {
        IfString::deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<IfString<'de>, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(IfString(None))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<IfString<'de>, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(IfString(None))
    }
}

#[cfg(test)]
/// `json` with every `e` inside its strings (keys and values) written as `\u0065`:
/// the same document, whose strings can no longer be borrowed from the line.
pub(crate) fn escape_every_e(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        match c {
            _ if escaped => {
                escaped = false;
                out.push(c);
            }
            '\\' if in_string => {
                escaped = true;
                out.push(c);
            }
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            'e' if in_string => out.push_str("\\u0065"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_are_borrowed_and_escaped_ones_copied() {
        #[derive(Deserialize)]
        struct Alert<'a> {
            #[serde(borrow)]
            host: Option<Lent<'a>>,
            #[serde(borrow)]
            tags: Vec<Lent<'a>>,
        }
        let a: Alert =
            serde_json::from_str(r#"{"host":"node-1","tags":["T1059","a\"b"]}"#).expect("parses");
        assert!(matches!(a.host, Some(Lent(Cow::Borrowed("node-1")))));
        assert!(matches!(a.tags[0], Lent(Cow::Borrowed("T1059"))));
        assert!(matches!(&a.tags[1], Lent(Cow::Owned(s)) if s == "a\"b"));
    }

    #[test]
    fn a_number_is_not_a_string() {
        let err = serde_json::from_str::<Lent>("12").expect_err("a number is refused");
        assert!(err.to_string().contains("expected a string"), "{err}");
    }

    #[test]
    fn only_string_values_of_a_map_are_kept() {
        let m: std::collections::BTreeMap<Lent, IfString> =
            serde_json::from_str(r#"{"a":"x","b":1,"c":{"d":[1,2]},"e":null,"f":true}"#)
                .expect("parses");
        let kept: Vec<(&str, &str)> = m
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.0.as_deref()?)))
            .collect();
        assert_eq!(kept, vec![("a", "x")]);
    }
}
