//! A cheap structural look at a JSON document, enough to tell which tool wrote it.
//!
//! The probe reads the top-level keys, short scalar values and the shape of nested
//! objects two levels deep, skipping everything else without allocating. Keys and
//! strings are borrowed from the text when they have no escapes (a JSON line of a
//! runtime or audit log is probed unless the format that claimed the file reads it
//! unprobed, `Ingestor::ingest_line`). Detection rules (`Ingestor::detect`) test the
//! probe, never the file name.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// Longest scalar kept as text; longer strings are recorded as present but not kept.
const MAX_SCALAR: usize = 256;
/// How deep nested objects are probed.
const MAX_DEPTH: u8 = 3;

/// The shape of one JSON value, probed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probe<'a> {
    /// Top-level keys of an object, in document order.
    pub keys: Vec<Cow<'a, str>>,
    /// Short scalar values by key (strings, numbers and booleans as text; `null` is absent).
    pub scalars: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
    /// Nested objects and arrays by key (depth-limited).
    pub children: BTreeMap<Cow<'a, str>, Probe<'a>>,
    /// For an array: the probe of its first element.
    pub first: Option<Box<Probe<'a>>>,
    /// For an array: its length.
    pub len: usize,
    /// Whether the value is an array.
    pub is_array: bool,
    /// Whether the value is an object.
    pub is_object: bool,
}

impl<'a> Probe<'a> {
    /// Probe a JSON text. Returns the parse error when the text is not one JSON value.
    pub fn of(text: &'a str) -> Result<Probe<'a>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let p = ProbeSeed(0).deserialize(&mut de)?;
        de.end()?;
        Ok(p)
    }

    /// Probe only the top level: keys and short scalars, nested values skipped
    /// (for [`super::Ingestor::detects_from_top_level`] formats).
    pub fn top_level(text: &'a str) -> Result<Probe<'a>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let p = ProbeSeed(MAX_DEPTH - 1).deserialize(&mut de)?;
        de.end()?;
        Ok(p)
    }

    /// Whether the object has this key.
    pub fn has(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }

    /// A short scalar value as text.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.scalars.get(key).map(|v| &**v)
    }

    /// A nested probe.
    pub fn child(&self, key: &str) -> Option<&Probe<'a>> {
        self.children.get(key)
    }

    /// The probe of the first array element (for arrays), or of the first element of `key`.
    pub fn first_of(&self, key: &str) -> Option<&Probe<'a>> {
        self.child(key).and_then(|c| c.first.as_deref())
    }

    /// `apiVersion` starts with `prefix`.
    pub fn api_version_starts(&self, prefix: &str) -> bool {
        self.str("apiVersion")
            .is_some_and(|v| v.starts_with(prefix))
    }
}

struct ProbeSeed(u8);

impl<'de> DeserializeSeed<'de> for ProbeSeed {
    type Value = Probe<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Probe<'de>, D::Error> {
        d.deserialize_any(ProbeVisitor(self.0))
    }
}

struct ProbeVisitor(u8);

/// A scalar or a nested probe, for one map value.
enum Slot<'a> {
    Scalar(Option<Cow<'a, str>>),
    Nested(Probe<'a>),
    Skipped,
}

/// A key or string, borrowed from the text when it has no escapes.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}

struct SlotSeed(u8);

impl<'de> DeserializeSeed<'de> for SlotSeed {
    type Value = Slot<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Slot<'de>, D::Error> {
        d.deserialize_any(SlotVisitor(self.0))
    }
}

struct SlotVisitor(u8);

impl<'de> Visitor<'de> for SlotVisitor {
    type Value = Slot<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(Some(Cow::Borrowed(if v {
            "true"
        } else {
            "false"
        }))))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(
            (v.len() <= MAX_SCALAR).then_some(Cow::Borrowed(v)),
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(
            (v.len() <= MAX_SCALAR).then(|| Cow::Owned(v.to_string())),
        ))
    }
    fn visit_unit<E>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(None))
    }
    fn visit_none<E>(self) -> Result<Slot<'de>, E> {
        Ok(Slot::Scalar(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Slot<'de>, A::Error> {
        if self.0 >= MAX_DEPTH {
            IgnoredAny.visit_map(map)?;
            return Ok(Slot::Skipped);
        }
        ProbeVisitor(self.0).visit_map(map).map(Slot::Nested)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Slot<'de>, A::Error> {
        if self.0 >= MAX_DEPTH {
            IgnoredAny.visit_seq(seq)?;
            return Ok(Slot::Skipped);
        }
        ProbeVisitor(self.0).visit_seq(seq).map(Slot::Nested)
    }
}

impl<'de> Visitor<'de> for ProbeVisitor {
    type Value = Probe<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe<'de>, A::Error> {
        let mut p = Probe {
            is_object: true,
            ..Probe::default()
        };
        while let Some(key) = map.next_key_seed(TextSeed)? {
            match map.next_value_seed(SlotSeed(self.0 + 1))? {
                Slot::Scalar(Some(v)) => {
                    p.scalars.insert(key.clone(), v);
                }
                Slot::Nested(child) => {
                    p.children.insert(key.clone(), child);
                }
                Slot::Scalar(None) | Slot::Skipped => {}
            }
            p.keys.push(key);
        }
        Ok(p)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Probe<'de>, A::Error> {
        let mut p = Probe {
            is_array: true,
            ..Probe::default()
        };
        if let Some(first) = seq.next_element_seed(SlotSeed(self.0))? {
            p.len = 1;
            if let Slot::Nested(child) = first {
                p.first = Some(Box::new(child));
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {
                p.len += 1;
            }
        }
        Ok(p)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Probe<'de>, E> {
        Ok(Probe::default())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Probe<'de>, E> {
        Ok(Probe::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Probe<'de>, E> {
        Ok(Probe::default())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Probe<'de>, E> {
        Ok(Probe::default())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Probe<'de>, E> {
        Ok(Probe::default())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Probe<'de>, E> {
        Ok(Probe::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_keeps_keys_short_scalars_and_nested_shapes() {
        let p = Probe::of(r#"{"SchemaVersion":2,"ArtifactType":"container_image","Results":[{"Target":"x","Vulnerabilities":null}],"Metadata":{"OS":{"Family":"alpine"}}}"#).unwrap();
        assert!(p.has("Results"));
        assert_eq!(p.str("SchemaVersion"), Some("2"));
        assert_eq!(p.first_of("Results").unwrap().str("Target"), Some("x"));
        assert_eq!(p.child("Results").unwrap().len, 1);
        assert!(p.child("Metadata").unwrap().child("OS").is_some());
    }

    #[test]
    fn probe_rejects_trailing_data() {
        assert!(Probe::of("{}\n{}").is_err());
        assert!(Probe::of("[1,2]").unwrap().is_array);
    }
}
