//! How a [`Record`] is written to and read from shards: one flat object, in the field
//! order and with the defaults it had before statements were shared (see
//! [`super::Statement`]), so shards stay as they were.

use super::record::{Outcome, Provenance, Record, RecordKind, Statement, Subject};
use super::{Attrs, Facts, Format, Severity, Shared, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A record as one flat object.
#[derive(Serialize, Deserialize)]
struct Flat {
    kind: RecordKind,
    format: Format,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    tool: Text,
    check: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<Text>,
    outcome: Outcome,
    #[serde(default)]
    severity: Severity,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    title: Text,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    message: Text,
    #[serde(default)]
    subject: Shared<Subject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    observed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    dated_from_path: bool,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_observed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Facts::is_none")]
    facts: Facts,
    #[serde(default, skip_serializing_if = "no_attrs")]
    attrs: Shared<Attrs>,
    provenance: Provenance,
}

fn no_attrs(attrs: &Shared<Attrs>) -> bool {
    attrs.is_empty()
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s: &Statement = self;
        Flat {
            kind: self.kind,
            format: s.format,
            tool: s.tool.clone(),
            check: s.check.clone(),
            aliases: s.aliases.clone(),
            outcome: self.outcome,
            severity: self.severity,
            title: s.title.clone(),
            message: s.message.clone(),
            subject: s.subject.clone(),
            observed_at: self.observed_at,
            dated_from_path: self.dated_from_path,
            count: u64::from(self.count),
            first_observed_at: self.first_observed_at,
            facts: s.facts.clone(),
            attrs: s.attrs.clone(),
            provenance: self.provenance.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Record, D::Error> {
        let f = Flat::deserialize(deserializer)?;
        let mut r = Record::new(f.kind, f.format, f.check, f.outcome);
        r.severity = f.severity;
        let s: &mut Statement = &mut r;
        s.tool = f.tool;
        s.aliases = f.aliases;
        s.title = f.title;
        s.message = f.message;
        s.subject = f.subject;
        s.facts = f.facts;
        s.attrs = f.attrs;
        r.observed_at = f.observed_at;
        r.dated_from_path = f.dated_from_path;
        r.count = u32::try_from(f.count).unwrap_or(u32::MAX);
        r.first_observed_at = f.first_observed_at;
        r.provenance = f.provenance;
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Interner;

    fn alert(day: &str, line: u64) -> Record {
        let mut r = Record::new(
            RecordKind::Alert,
            Format::of(&crate::ingest::falco::INFO),
            "Terminal shell in container",
            Outcome::Fail,
        );
        r.severity = Severity::High;
        r.title = "A shell was spawned".into();
        r.observed_at = Some(format!("{day}T10:00:00Z").parse().unwrap_or_default());
        r.provenance.file = format!("falco/{day}.jsonl").into();
        r.provenance.line = std::num::NonZeroU64::new(line);
        r
    }

    #[test]
    fn a_record_is_written_flat_and_read_back_the_same() {
        crate::ingest::register_formats();
        let mut r = alert("2026-11-02", 7);
        r.count = 3;
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert!(json.starts_with(r#"{"kind":"alert","format":"falco","check":"Terminal shell in container","outcome":"fail","severity":"high","title":"A shell was spawned","subject":{},"observed_at":"2026-11-02T10:00:00Z","count":3,"#), "{json}");
        let back: Record = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, r);
    }

    #[test]
    fn records_that_say_the_same_share_one_statement_and_stay_small() {
        let interner = Interner::default();
        let (mut a, mut b) = (alert("2026-11-02", 7), alert("2026-11-03", 9));
        a.share(&interner);
        b.share(&interner);
        assert!(
            std::ptr::eq::<Statement>(&*a, &*b),
            "one statement for both days"
        );
        assert_ne!(a.provenance, b.provenance);
        // Changing one gives it its own copy; the other is untouched.
        b.severity = Severity::Critical;
        assert_eq!(a.severity, Severity::High);
        assert!(
            std::mem::size_of::<Record>() <= 64,
            "{}",
            std::mem::size_of::<Record>()
        );
    }
}
