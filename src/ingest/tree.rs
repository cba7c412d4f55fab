//! Walking a parsed configuration document with the JSON pointer of every step, for the
//! platform formats (cloud resources, the Kubernetes inventory).
//!
//! Keys match ASCII case-insensitively, because the same setting is spelled
//! `enableRBAC` by ARM REST and `enableRbac` by `az`; the pointer keeps the key as the
//! file spells it. `null` reads as absent, because the CLIs print unset settings as
//! `null`: a setting is either read, with its place, or not evidenced. A field of the
//! wrong type is neither: it is collected in [`Bad`] and reported once per record.

use crate::model::{Fact, Text};
use serde_json::Value;

/// Longest text kept as a fact's `shown` value.
const SHOWN_MAX: usize = 200;

/// A value inside a document and its JSON pointer (absolute within the file).
#[derive(Debug, Clone)]
pub struct Node<'v> {
    /// The value.
    pub value: &'v Value,
    /// Its JSON pointer.
    pub pointer: String,
}

/// Pointers of fields whose type was wrong (reported once per record).
#[derive(Debug, Default)]
pub struct Bad(pub Vec<String>);

/// `key` escaped for a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl<'v> Node<'v> {
    /// The root of a document whose pointer in the file is `pointer`.
    pub fn root(value: &'v Value, pointer: &str) -> Node<'v> {
        Node {
            value,
            pointer: pointer.to_string(),
        }
    }

    /// The member `key` (exact spelling first, then ASCII case-insensitive); `None`
    /// when missing or `null`.
    pub fn get(&self, key: &str) -> Option<Node<'v>> {
        let obj = self.value.as_object()?;
        let (k, v) = obj
            .get_key_value(key)
            .or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))?;
        (!v.is_null()).then(|| Node {
            value: v,
            pointer: format!("{}/{}", self.pointer, escape(k)),
        })
    }

    /// The member at a path of keys.
    pub fn at(&self, path: &[&str]) -> Option<Node<'v>> {
        path.iter().try_fold(self.clone(), |n, k| n.get(k))
    }

    /// The elements of an array (none when it is not one).
    pub fn items(&self) -> Vec<Node<'v>> {
        self.value
            .as_array()
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Node {
                        value: v,
                        pointer: format!("{}/{i}", self.pointer),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the value is an object.
    pub fn is_object(&self) -> bool {
        self.value.is_object()
    }

    /// The value as trimmed, non-empty text (strings only).
    pub fn text(&self) -> Option<&'v str> {
        self.value.as_str().map(str::trim).filter(|s| !s.is_empty())
    }

    /// The member `key` as trimmed, non-empty text.
    pub fn str(&self, key: &str) -> Option<&'v str> {
        self.get(key).and_then(|n| n.text())
    }

    /// The value as a boolean: JSON `true`/`false`, or the strings `"true"`/`"false"`
    /// (Resource Graph rows and some CLIs quote them).
    pub fn boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// A fact with `value` read at this node, shown as the node's JSON.
    pub fn fact<T>(&self, value: T) -> Fact<T> {
        Fact::new(value, self.pointer.as_str(), shown(self.value))
    }

    /// The boolean setting `key`: read with its place, absent, or (wrong type) noted in `bad`.
    pub fn flag(&self, key: &str, bad: &mut Bad) -> Option<Fact<bool>> {
        let n = self.get(key)?;
        match n.boolean() {
            Some(b) => Some(n.fact(b)),
            None => {
                bad.0.push(n.pointer);
                None
            }
        }
    }

    /// The flag at a path of keys.
    pub fn flag_at(&self, path: &[&str], bad: &mut Bad) -> Option<Fact<bool>> {
        let (last, parents) = path.split_last()?;
        self.at(parents)?.flag(last, bad)
    }

    /// The text setting `key` mapped through `map` (a value `map` does not know is noted
    /// in `bad` and not evidenced).
    pub fn choice<T>(
        &self,
        key: &str,
        bad: &mut Bad,
        map: impl Fn(&str) -> Option<T>,
    ) -> Option<Fact<T>> {
        let n = self.get(key)?;
        match n.text().and_then(|t| map(&t.to_ascii_lowercase())) {
            Some(v) => Some(n.fact(v)),
            None => {
                bad.0.push(n.pointer);
                None
            }
        }
    }

    /// The list of strings `key` (empty list allowed).
    pub fn strings(&self, key: &str, bad: &mut Bad) -> Option<Fact<Vec<Text>>> {
        let n = self.get(key)?;
        match n.value.as_array() {
            Some(a) => Some(
                n.fact(
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| Text::from(s.trim()))
                        .collect(),
                ),
            ),
            None => {
                bad.0.push(n.pointer);
                None
            }
        }
    }
}

/// A short display form of a value (strings unquoted, the rest as compact JSON).
pub fn shown(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match s.char_indices().nth(SHOWN_MAX) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_case_insensitively_and_pointers_keep_the_file_spelling() {
        let v: Value = serde_json::from_str(
            r#"{"properties":{"enableRBAC":true,"a/b":{"x~y":"s"},"n":null,"bad":"maybe","list":["1.2.3.4/32"]}}"#,
        )
        .unwrap();
        let root = Node::root(&v, "/value/0");
        let p = root.get("Properties").unwrap();
        let mut bad = Bad::default();
        let f = p.flag("enableRbac", &mut bad).unwrap();
        assert!(f.value);
        assert_eq!(f.pointer, "/value/0/properties/enableRBAC");
        assert_eq!(
            p.at(&["a/b", "X~Y"]).unwrap().pointer,
            "/value/0/properties/a~1b/x~0y"
        );
        assert!(p.get("n").is_none(), "null is absent");
        assert!(p.flag("missing", &mut bad).is_none());
        assert!(p.flag("bad", &mut bad).is_none());
        assert_eq!(bad.0, vec!["/value/0/properties/bad".to_string()]);
        let l = p.strings("LIST", &mut bad).unwrap();
        assert_eq!(l.value, vec![Text::from("1.2.3.4/32")]);
        assert_eq!(l.shown, r#"["1.2.3.4/32"]"#);
    }
}
