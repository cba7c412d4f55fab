//! Shared immutable values for the evidence model, and the small attribute map.
//!
//! A large estate repeats the same values millions of times: the input file on every
//! record it produced, the image on every vulnerability, a CVE's description and
//! attributes in every weekly scan, the pod on every alert. [`Text`] is a
//! reference-counted string behind a thin pointer (`arcstr`: the length lives with the
//! text, so a `Text` or an `Option<Text>` is one word, half of an `Arc<str>`) and
//! [`Shared`] a reference-counted value (copied on write); [`Interner`] swaps each for
//! the one copy already held, so memory follows the number of distinct values, not
//! the number of records. [`Attrs`] is a sorted vector map (records carry a handful of
//! attributes, for which a B-tree's eleven-slot nodes cost several times the data).

use arcstr::ArcStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

/// An immutable, cheaply cloned string. Compares, hashes and orders as its text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text(ArcStr);

impl Text {
    /// A text made at compile time (`Text::literal(arcstr::literal!("falco"))`): making,
    /// cloning and dropping it allocate nothing and touch no reference count, which
    /// matters for the fixed words (tool names, check ids, `Pod`) of every event.
    pub const fn literal(text: ArcStr) -> Text {
        Text(text)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(ArcStr::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(ArcStr::from(s.as_str()))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(ArcStr::from(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.0.to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == &*other.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Text::from(&*s))
    }
}

/// Attributes of a record: string keys to string values, sorted by key, one value a key.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Attrs(Vec<(Text, Text)>);

impl Attrs {
    /// An empty map.
    pub fn new() -> Attrs {
        Attrs(Vec::new())
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Text> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Set `key` (replacing any value it had).
    pub fn insert(&mut self, key: impl Into<Text>, value: impl Into<Text>) {
        let key = key.into();
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value.into(),
            Err(i) => self.0.insert(i, (key, value.into())),
        }
    }

    /// Remove `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Text> {
        self.position(key).ok().map(|i| self.0.remove(i).1)
    }

    /// Pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Text, &Text)> + '_ {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    fn share(&mut self, interner: &Interner) {
        self.0.shrink_to_fit();
        for (k, v) in &mut self.0 {
            interner.share(k);
            interner.share(v);
        }
    }
}

impl std::ops::Index<&str> for Attrs {
    type Output = Text;
    /// The value of `key`; panics when it has none (like a map's index).
    fn index(&self, key: &str) -> &Text {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no attribute {key:?}"),
        }
    }
}

impl fmt::Debug for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<Text>, V: Into<Text>> FromIterator<(K, V)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut a = Attrs::new();
        for (k, v) in iter {
            a.insert(k, v);
        }
        a
    }
}

impl Serialize for Attrs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = <std::collections::BTreeMap<Text, Text>>::deserialize(d)?;
        Ok(Attrs(map.into_iter().collect()))
    }
}

/// A value held behind a reference count so that equal values can be stored once
/// ([`Interner`] does the sharing). Reads go through `Deref`; a write copies the value
/// first if it is shared (`Arc::make_mut`), so code that builds records reads and writes
/// it like a plain field.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shared<T>(Arc<T>);

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> std::ops::DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Shared::from)
    }
}

/// A set of shared values (each behind a reference-counted handle: `Arc<T>` or
/// `ArcStr`) split into independently locked shards, so that many threads can share
/// values at once.
struct ShardedSet<H> {
    shards: Vec<Mutex<HashSet<H, foldhash::fast::RandomState>>>,
    hasher: foldhash::fast::RandomState,
}

const SHARDS: usize = 64;

impl<H: Clone + Eq + std::hash::Hash> ShardedSet<H> {
    fn new() -> Self {
        ShardedSet {
            shards: (0..SHARDS)
                .map(|_| Mutex::new(HashSet::default()))
                .collect(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    /// Replace `value` by the kept copy of an equal value; if there is none, run
    /// `prepare` on it (which must not change its equality, e.g. sharing what it
    /// contains) and keep it.
    fn share(&self, value: &mut H, prepare: impl FnOnce(&mut H)) {
        let hash = self.hasher.hash_one(&*value);
        let Some(shard) = self.shards.get((hash as usize) % SHARDS) else {
            return;
        };
        let mut set = shard.lock().unwrap_or_else(|e| e.into_inner());
        match set.get(&*value) {
            Some(kept) => *value = kept.clone(),
            None => {
                prepare(value);
                set.insert(value.clone());
            }
        }
    }

    fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().map(|s| s.len()).unwrap_or(0))
            .sum()
    }
}

/// Hands out one shared copy of each distinct string, subject, attribute map,
/// vulnerable package and statement.
/// Safe to use from many threads.
pub struct Interner {
    texts: ShardedSet<ArcStr>,
    subjects: ShardedSet<Arc<super::Subject>>,
    attrs: ShardedSet<Arc<Attrs>>,
    vulns: ShardedSet<Arc<super::VulnFacts>>,
    statements: ShardedSet<PartsShared>,
}

/// A statement whose parts are already shared (see `Record::share`): its check, title
/// and subject are then the one copy of their value, so their addresses tell them apart
/// as well as their contents, and hashing the addresses spares reading the subject's
/// strings a second time. Equality still compares values: a statement whose parts were
/// not shared is at worst kept twice, never confused with another.
#[derive(Clone)]
struct PartsShared(Arc<super::Statement>);

impl PartialEq for PartsShared {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for PartsShared {}

impl std::hash::Hash for PartsShared {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let s = &*self.0;
        s.format.hash(state);
        std::ptr::hash(s.check.as_ptr(), state);
        std::ptr::hash(s.title.as_ptr(), state);
        std::ptr::hash(Arc::as_ptr(&s.subject.0), state);
    }
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            texts: ShardedSet::new(),
            subjects: ShardedSet::new(),
            attrs: ShardedSet::new(),
            vulns: ShardedSet::new(),
            statements: ShardedSet::new(),
        }
    }
}

impl Interner {
    /// Replace `text` by the shared copy of the same string, keeping it as that copy
    /// if it is the first.
    pub fn share(&self, text: &mut Text) {
        self.texts.share(&mut text.0, |_| {});
    }

    /// [`Interner::share`] for an optional text.
    pub fn share_opt(&self, text: &mut Option<Text>) {
        if let Some(t) = text {
            self.share(t);
        }
    }

    /// Replace `subject` by the shared copy of an equal subject; the first of its
    /// kind has its strings shared and is kept.
    pub fn share_subject(&self, subject: &mut Shared<super::Subject>) {
        self.subjects.share(&mut subject.0, |kept| {
            let s = Arc::make_mut(kept);
            for part in [
                &mut s.cluster,
                &mut s.namespace,
                &mut s.kind,
                &mut s.name,
                &mut s.container,
                &mut s.node,
                &mut s.target,
            ] {
                self.share_opt(part);
            }
            if let Some(image) = &mut s.image {
                self.share(&mut image.registry);
                self.share(&mut image.repository);
                self.share_opt(&mut image.tag);
                self.share_opt(&mut image.digest);
            }
        });
    }

    /// Replace `attrs` by the shared copy of an equal map; the first of its kind has
    /// its keys and values shared and is kept.
    pub fn share_attrs(&self, attrs: &mut Shared<Attrs>) {
        self.attrs
            .share(&mut attrs.0, |kept| Arc::make_mut(kept).share(self));
    }

    /// Replace a vulnerability's facts by the shared copy of equal facts (a package
    /// reported in every weekly scan is stored once).
    pub fn share_vuln(&self, facts: &mut Shared<super::VulnFacts>) {
        self.vulns.share(&mut facts.0, |kept| {
            let v = Arc::make_mut(kept);
            self.share(&mut v.package);
            self.share(&mut v.installed);
            self.share(&mut v.fixed_in);
        });
    }

    /// Replace a record's statement by the shared copy of an equal one. Its parts
    /// must already be shared (`Record::share` does that first): statements are found
    /// by the addresses of their shared check, title and subject.
    pub fn share_statement(&self, statement: &mut Arc<super::Statement>) {
        let mut key = PartsShared(Arc::clone(statement));
        self.statements.share(&mut key, |_| {});
        *statement = key.0;
    }

    /// Distinct strings held.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no string is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_allocation() {
        let interner = Interner::default();
        let mut a = Text::from(String::from("docker.io/library/nginx"));
        let mut b = Text::from("docker.io/library/nginx");
        assert!(!ArcStr::ptr_eq(&a.0, &b.0));
        interner.share(&mut a);
        interner.share(&mut b);
        assert!(ArcStr::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "docker.io/library/nginx");
        assert_eq!(interner.len(), 1);
    }

    #[test]
    fn equal_subjects_and_attributes_are_stored_once_and_stay_writable() {
        use crate::model::{Outcome, Record, RecordKind};
        let interner = Interner::default();
        let make = || {
            let mut r = Record::new(
                RecordKind::Alert,
                crate::model::test_formats::FALCO,
                "rule",
                Outcome::Fail,
            );
            r.subject.namespace = Some(Text::from("shop"));
            r.subject.name = Some(Text::from(String::from("web-1")));
            r.attrs.insert("user", "root");
            r
        };
        let (mut a, mut b) = (make(), make());
        assert!(!Arc::ptr_eq(&a.subject.0, &b.subject.0));
        a.share(&interner);
        b.share(&interner);
        assert!(Arc::ptr_eq(&a.subject.0, &b.subject.0));
        assert!(Arc::ptr_eq(&a.attrs.0, &b.attrs.0));
        // Writing to a shared subject copies it: the other record keeps its value.
        b.subject.name = Some(Text::from("web-2"));
        assert_eq!(a.subject.name.as_deref(), Some("web-1"));
        assert_eq!(b.subject.name.as_deref(), Some("web-2"));
        let json = serde_json::to_string(&a.subject).unwrap();
        assert_eq!(json, r#"{"namespace":"shop","name":"web-1"}"#);
    }

    #[test]
    fn attrs_stay_sorted_and_round_trip_as_a_json_map() {
        let mut a = Attrs::new();
        a.insert("package", "openssl");
        a.insert("fixed_version", "3.0.15");
        a.insert("package", "libssl3");
        assert_eq!(a.len(), 2);
        assert_eq!(a.get("package").map(Text::as_str), Some("libssl3"));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, r#"{"fixed_version":"3.0.15","package":"libssl3"}"#);
        let back: Attrs = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert_eq!(a.remove("fixed_version").as_deref(), Some("3.0.15"));
        assert!(!a.contains_key("fixed_version"));
    }
}
