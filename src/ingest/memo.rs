//! Cleaned text remembered across files: the same vulnerability description or check
//! title arrives in every report that names it (a fleet of 400 image scans carries
//! each of its 13,000 descriptions about ten times), and redacting it once is enough.
//!
//! Only text that repeats is worth remembering: [`super::FileCtx::emit`] asks for
//! titles and the messages of snapshot records, never for an event's message (a
//! runtime alert's output is nearly always unique). The memo holds the text as it
//! arrived and as it was cleaned; neither leaves the process.

use crate::model::Text;
use std::hash::BuildHasher;
use std::sync::Mutex;

/// How many independently locked parts the memo has (threads rarely wait on each other).
const PARTS: usize = 32;

/// One remembered cleaning: the text as it arrived, the length limit, the result.
struct Entry {
    raw: Box<str>,
    max: usize,
    clean: Text,
}

/// Text cleaned once per distinct (text, limit), shared by every thread of one run.
pub struct CleanMemo {
    parts: Vec<Mutex<hashbrown::HashTable<Entry>>>,
    hasher: foldhash::fast::RandomState,
}

impl Default for CleanMemo {
    fn default() -> Self {
        CleanMemo {
            parts: (0..PARTS)
                .map(|_| Mutex::new(hashbrown::HashTable::new()))
                .collect(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }
}

impl CleanMemo {
    /// The cleaned form of `raw` under limit `max`, computed by `clean` the first time.
    pub fn get_or_clean(&self, raw: &str, max: usize, clean: impl FnOnce() -> Text) -> Text {
        let hash = self.hasher.hash_one((raw, max));
        let Some(part) = self.parts.get((hash as usize) % PARTS) else {
            return clean();
        };
        let found = {
            let table = part.lock().unwrap_or_else(|e| e.into_inner());
            table
                .find(hash, |e| e.max == max && &*e.raw == raw)
                .map(|e| e.clean.clone())
        };
        if let Some(clean) = found {
            return clean;
        }
        // Cleaned outside the lock: another thread may clean the same text meanwhile,
        // and both results are equal.
        let cleaned = clean();
        let mut table = part.lock().unwrap_or_else(|e| e.into_inner());
        if table
            .find(hash, |e| e.max == max && &*e.raw == raw)
            .is_none()
        {
            let hasher = &self.hasher;
            table.insert_unique(
                hash,
                Entry {
                    raw: raw.into(),
                    max,
                    clean: cleaned.clone(),
                },
                |e| hasher.hash_one((&*e.raw, e.max)),
            );
        }
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_cleaned_once_per_limit() {
        let memo = CleanMemo::default();
        let mut calls = 0;
        let mut clean = |raw: &str, max: usize| {
            memo.get_or_clean(raw, max, || {
                calls += 1;
                Text::from(format!("{raw}/{max}"))
            })
        };
        assert_eq!(&*clean("a description", 600), "a description/600");
        assert_eq!(&*clean("a description", 600), "a description/600");
        assert_eq!(&*clean("a description", 300), "a description/300");
        assert_eq!(&*clean("another", 600), "another/600");
        assert_eq!(calls, 3);
    }
}
