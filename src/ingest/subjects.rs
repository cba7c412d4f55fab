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

/// One remembered subject: the hash of its parts, the parts, the subject.
type Entry = (u64, Box<[Option<Box<str>>]>, Shared<Subject>);

impl SubjectMemo {
    /// The subject `build` makes from `parts` (the text of the export it reads, an
    /// absent part as `None`): built on the first call with these parts, then shared.
    /// `build` must read nothing but `parts`.
    pub fn get(
        &mut self,
        parts: &[Option<&str>],
        build: impl FnOnce() -> Subject,
    ) -> Shared<Subject> {
        let hash = self.hasher.hash_one(parts);
        let same = |(h, kept, _): &Entry| {
            *h == hash && kept.iter().map(Option::as_deref).eq(parts.iter().copied())
        };
        if let Some((_, _, subject)) = self.table.find(hash, same) {
            return subject.clone();
        }
        let subject = Shared::from(build());
        if self.table.len() < MAX_KEPT {
            let kept = parts.iter().map(|p| p.map(Box::from)).collect();
            self.table
                .insert_unique(hash, (hash, kept, subject.clone()), |(h, _, _)| *h);
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
        let a = memo.get(&[Some("web-1"), None], || make(Some("web-1")));
        let b = memo.get(&[Some("web-1"), None], || panic!("built twice"));
        assert!(std::ptr::eq(&*a, &*b));
        let c = memo.get(&[Some("web-1"), Some("")], || make(None));
        assert_eq!(c.name, None);
        assert_eq!(a.name.as_deref(), Some("web-1"));
    }
}
