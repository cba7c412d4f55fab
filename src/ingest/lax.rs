//! Lenient fields: incidental metadata (a tool's version, an OS name, owner references,
//! score factors, the time a scan was made) that must never cost a document its records.
//!
//! [`Lax<T>`] accepts any JSON value: a value of the expected type is kept, `null` or a
//! missing field is absent, and anything else is read as absent *and counted*.
//! [`LaxTime`] does the same for timestamps: an RFC 3339 (or another [`parse_time`]) string
//! is kept, anything else is absent and counted. Serde gives a field's `Deserialize` no
//! access to where it is, so the count is kept per thread while [`Doc`](super::Doc) parses
//! a document; when it is not zero, `Doc` parses the slice again once per miscounted
//! field with [`fail_at`] set, so that exactly that field fails, and
//! `serde_path_to_error` names its JSON pointer for the diagnostic. Well-formed input
//! pays one thread-local read per lenient field and nothing else; only bad input is
//! parsed again.

use super::util::parse_time;
use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;
use std::cell::Cell;
use std::fmt;

/// The per-thread state of the parse in progress.
#[derive(Clone, Copy, Default)]
struct State {
    /// Whether a [`Scope`] is open (outside one, mismatches are neither counted nor failed).
    active: bool,
    /// Mismatches seen so far in this parse.
    seen: u32,
    /// Fail (instead of reading as absent) at this mismatch, counting from 0.
    fail_at: Option<u32>,
}

thread_local! {
    static STATE: Cell<State> = const { Cell::new(State { active: false, seen: 0, fail_at: None }) };
}

/// One parse's count of lenient mismatches; restores the enclosing state when dropped.
pub(super) struct Scope {
    saved: State,
}

impl Scope {
    /// Start counting (`fail_at: None`) or start a parse that fails at the `fail_at`-th
    /// mismatch.
    pub(super) fn begin(fail_at: Option<u32>) -> Scope {
        let saved = STATE.with(|s| {
            s.replace(State {
                active: true,
                seen: 0,
                fail_at,
            })
        });
        Scope { saved }
    }

    /// The mismatches counted so far in this scope.
    pub(super) fn seen(&self) -> u32 {
        STATE.with(|s| s.get().seen)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        STATE.with(|s| s.set(self.saved));
    }
}

/// A parse of `slice` that reads every lenient field as lenient but counts nothing (for
/// locating a hard error with `serde_path_to_error`).
pub(super) fn quiet() -> Scope {
    let saved = STATE.with(|s| s.replace(State::default()));
    Scope { saved }
}

/// Count a mismatch; `Err(())` when this is the one to fail at.
fn mismatch() -> Result<(), ()> {
    STATE.with(|s| {
        let mut st = s.get();
        if !st.active {
            return Ok(());
        }
        let this = st.seen;
        st.seen = st.seen.saturating_add(1);
        s.set(st);
        if st.fail_at == Some(this) {
            Err(())
        } else {
            Ok(())
        }
    })
}

/// An incidental field of any JSON type: `Some` when it has the expected type `T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lax<T>(pub Option<T>);

impl<T> Default for Lax<T> {
    fn default() -> Self {
        Lax(None)
    }
}

impl<T> Lax<T> {
    /// The value, when it had the expected type.
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl Lax<String> {
    /// The string, when it was one.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lax<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        if value.is_null() {
            return Ok(Lax(None));
        }
        let before = STATE.with(|s| s.get().seen);
        match T::deserialize(value) {
            Ok(v) => Ok(Lax(Some(v))),
            // A lenient field inside `T` chose to fail this pass: pass its error on.
            Err(e) if STATE.with(|s| s.get().seen) != before => Err(de::Error::custom(e)),
            Err(e) => match mismatch() {
                Ok(()) => Ok(Lax(None)),
                Err(()) => Err(de::Error::custom(format_args!(
                    "{}; read as not evidenced",
                    super::util::error_text(&e)
                ))),
            },
        }
    }
}

/// A timestamp field: `Some` when it is a date [`parse_time`] reads. A present value that
/// is not one (a number, `"2025-13-45"`) is absent and counted: the records it dates are
/// undated, and undated evidence can never prove a pass, so the user is told.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LaxTime(pub Option<DateTime<Utc>>);

impl<'de> Deserialize<'de> for LaxTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<Option<DateTime<Utc>>, String>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                if s.trim().is_empty() {
                    return Ok(Ok(None));
                }
                Ok(parse_time(s).map(Some).ok_or_else(|| {
                    format!(
                        "{:?} is not a date (expected an RFC 3339 timestamp)",
                        clip(s)
                    )
                }))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Err(format!("boolean `{v}` is not a date")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Err(number(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Err(number(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Err(number(v)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Err("an array is not a date".into()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(Err("an object is not a date".into()))
            }
        }
        fn number(v: impl fmt::Display) -> String {
            format!("number `{v}` is not a date (expected an RFC 3339 timestamp, as the tool writes it)")
        }
        match d.deserialize_any(V)? {
            Ok(t) => Ok(LaxTime(t)),
            Err(why) => match mismatch() {
                Ok(()) => Ok(LaxTime(None)),
                Err(()) => Err(de::Error::custom(format_args!(
                    "{why}; the records it dates are undated"
                ))),
            },
        }
    }
}

/// At most 60 characters of an input value, for a message.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// The JSON pointer of a `serde_path_to_error` path (`runs[0].tool` → `/runs/0/tool`).
pub(super) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// Whether `T` is read from a JSON object (a struct or a map), found by asking its
/// `Deserialize` which shape it wants. Serde-derived structs also accept an array
/// (fields by position), which silently turns `[{…}]` into an empty record.
pub(super) fn wants_object<'de, T: Deserialize<'de>>() -> bool {
    #[derive(Debug)]
    struct Asked(bool);
    impl fmt::Display for Asked {
        fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("asked")
        }
    }
    impl std::error::Error for Asked {}
    impl de::Error for Asked {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Asked(false)
        }
    }
    struct Ask;
    impl<'de> Deserializer<'de> for Ask {
        type Error = Asked;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Asked> {
            Err(Asked(false))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Asked> {
            Err(Asked(true))
        }
        fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Asked> {
            Err(Asked(true))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct enum identifier ignored_any
        }
    }
    matches!(T::deserialize(Ask), Err(Asked(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct R {
        #[serde(default)]
        v: Lax<String>,
        #[serde(default)]
        t: LaxTime,
    }

    #[test]
    fn lax_fields_keep_good_values_and_count_bad_ones() {
        let scope = Scope::begin(None);
        let r: R = serde_json::from_str(r#"{"v":"1.2","t":"2024-05-07T18:54:19Z"}"#).unwrap();
        assert_eq!(r.v.as_deref(), Some("1.2"));
        assert!(r.t.0.is_some());
        assert_eq!(scope.seen(), 0);
        let r: R = serde_json::from_str(r#"{"v":15,"t":"2025-13-45T99:99:99Z"}"#).unwrap();
        assert_eq!((r.v.0, r.t.0), (None, None));
        assert_eq!(scope.seen(), 2);
        drop(scope);
        let r: R = serde_json::from_str(r#"{"v":null,"t":1629894030}"#).unwrap();
        assert_eq!(r.v.0, None);
    }

    #[test]
    fn a_strict_pass_names_the_pointer_of_the_chosen_mismatch() {
        let text = r#"{"v":15,"t":{"x":[1]}}"#;
        for (k, ptr) in [(0, "/v"), (1, "/t")] {
            let _scope = Scope::begin(Some(k));
            let e = serde_path_to_error::deserialize::<_, R>(
                &mut serde_json::Deserializer::from_str(text),
            )
            .err()
            .unwrap();
            assert_eq!(pointer_of(e.path()), ptr);
        }
    }

    #[test]
    fn which_types_want_an_object() {
        assert!(wants_object::<R>());
        assert!(wants_object::<std::collections::BTreeMap<String, u8>>());
        assert!(!wants_object::<Vec<R>>());
        assert!(!wants_object::<&serde_json::value::RawValue>());
        assert!(!wants_object::<serde_json::Value>());
    }
}
