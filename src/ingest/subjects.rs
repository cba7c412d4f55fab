//! A file's subjects, remembered by the text they were built from.
//!
//! An event stream names the same few pods on most of its lines. Building a subject
//! (its strings, a parsed image reference) once per distinct set of parts per file,
//! instead of once per line, spares most of an event's allocations; and events about
//! one subject then share it, which makes comparing them for folding cheap.

use crate::model::{Shared, Subject};
use std::hash::BuildHasher;

/// At most this many subjects are remembered per file (a file naming more builds the
/// others each time, as if there were no memo).
const MAX_KEPT: usize = 1 << 16;

/// The subjects built so far in one file, by the parts of the export they were built from.
#[derive(Default)]
pub struct SubjectMemo {
    table: hashbrown::HashTable<Entry>,
    hasher: foldhash::fast::RandomState,
}

/// One remembered subject: the hash of its parts, who built it, the parts, the subject.
type Entry = (u64, &'static str, Box<[Option<Box<str>>]>, Shared<Subject>);

impl SubjectMemo {
    /// The subject `build` makes from `parts` (the text of the export it reads, an
    /// absent part as `None`): built on the first call with these parts, then shared.
    /// `build` must read nothing but `parts`; `builder` names it (subjects built
    /// another way from the same parts are others).
    pub fn get(
        &mut self,
        builder: &'static str,
        parts: &[Option<&str>],
        build: impl FnOnce() -> Subject,
    ) -> Shared<Subject> {
        let hash = self.hasher.hash_one((builder, parts));
        let same = |(h, by, kept, _): &Entry| {
            *h == hash
                && *by == builder
                && kept.iter().map(Option::as_deref).eq(parts.iter().copied())
        };
        if let Some((_, _, _, subject)) = self.table.find(hash, same) {
            return subject.clone();
        }
        let subject = Shared::from(build());
        if self.table.len() < MAX_KEPT {
            let kept = parts.iter().map(|p| p.map(Box::from)).collect();
            self.table
                .insert_unique(hash, (hash, builder, kept, subject.clone()), |e| e.0);
        }
        subject
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    #[test]
    fn equal_parts_give_the_one_subject_and_absent_differs_from_empty() {
        let mut memo = SubjectMemo::default();
        let make = |name: Option<&str>| Subject {
            name: name.map(Text::from),
            ..Subject::default()
        };
        let a = memo.get("t", &[Some("web-1"), None], || make(Some("web-1")));
        let b = memo.get("t", &[Some("web-1"), None], || panic!("built twice"));
        assert!(std::ptr::eq(&*a, &*b));
        let c = memo.get("t", &[Some("web-1"), Some("")], || make(None));
        assert_eq!(c.name, None);
        let d = memo.get("other", &[Some("web-1"), None], || make(None));
        assert_eq!(d.name, None);
        assert_eq!(a.name.as_deref(), Some("web-1"));
    }
}
