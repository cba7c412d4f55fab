//! The one door through which a parser adds a record.
//!
//! A parser names who is speaking once per document ([`Origin`]: format, tool, when the
//! document says it observed), builds each statement with a typed constructor
//! ([`Origin::vulnerability`], [`Origin::scan`], [`Origin::sighting`], …) that fixes its
//! kind, check id, outcome and facts together, and hands it to [`FileCtx::emit`] with the
//! place it was found ([`Doc::at`]). `emit` fills the provenance and applies the text
//! limits and redaction, once, for every format.

use super::{Doc, EventKey, FileCtx};
use crate::model::{
    checks_pod_security, BenchmarkFacts, CheckNumbering, ConfigFamilies, Facts, Format, ImageFacts,
    Outcome, PlatformFacts, Provenance, RanChecks, Record, RecordKind, ScanClass, Sensor, Severity,
    Shared, Subject, Text, VexFacts, VulnFacts, AUDIT_LOG, SIGHTING,
};
use crate::redact;
use chrono::{DateTime, Utc};

/// Longest kept text of each kind, in characters (longer text is cut and marked `…`).
pub mod limits {
    /// A title (shown in every evidence table).
    pub const TITLE: usize = 300;
    /// A scanner's description of a vulnerability or misconfiguration.
    pub const DESCRIPTION: usize = 600;
    /// A tool's message about one result.
    pub const MESSAGE: usize = 1000;
    /// The rendered output of a runtime or admission event (Falco `output`).
    pub const EVENT_OUTPUT: usize = 2000;
    /// A display-only attribute (command lines, argument lists, paths).
    pub const ATTRIBUTE: usize = 500;
}

/// Who made the statements of one document: the format, the tool (and version) and
/// the observation time the document gives (records may override it).
#[derive(Debug, Clone)]
pub struct Origin {
    format: Format,
    tool: Text,
    observed_at: Option<DateTime<Utc>>,
    /// Whether its drafts keep their display-only text (message, attributes); see
    /// [`FileCtx::origin`].
    keep_text: bool,
}

impl Origin {
    /// Statements read from `format`, keeping their display-only text.
    pub fn new(format: Format) -> Origin {
        Origin {
            format,
            tool: Text::default(),
            observed_at: None,
            keep_text: true,
        }
    }

    /// The tool and version that wrote the document (`trivy 0.50.1`).
    pub fn tool(mut self, tool: impl Into<Text>) -> Origin {
        self.tool = tool.into();
        self
    }

    /// When the document says its statements were observed.
    pub fn observed(mut self, at: Option<DateTime<Utc>>) -> Origin {
        self.observed_at = at;
        self
    }

    /// The observation time set so far.
    pub fn observed_at(&self) -> Option<DateTime<Utc>> {
        self.observed_at
    }

    fn draft(&self, kind: RecordKind, check: Text, outcome: Outcome, facts: Facts) -> Draft {
        // A policy result's text is read once more on emit (whether it is about pod
        // security: `about_pod_security`), so it is kept until then.
        let keep_text = self.keep_text || matches!(facts, Facts::Policy { .. });
        let mut r = Record::new(kind, self.format, check, outcome);
        r.tool = self.tool.clone();
        r.observed_at = self.observed_at;
        r.facts = facts;
        Draft {
            record: r,
            message_limit: limits::MESSAGE,
            redacted_attrs: Vec::new(),
            keep_text,
        }
    }

    /// A vulnerable package (outcome fail; severity unknown until set).
    pub fn vulnerability(&self, id: impl Into<Text>, facts: VulnFacts) -> Draft {
        let mut d = self.draft(
            RecordKind::Vulnerability,
            id.into(),
            Outcome::Fail,
            Facts::Vulnerability(Shared::from(facts)),
        );
        d.record.severity = Severity::Unknown;
        d.message_limit = limits::DESCRIPTION;
        d
    }

    /// A configuration check result on a manifest, Dockerfile or resource.
    pub fn misconfiguration(&self, id: impl Into<Text>, outcome: Outcome) -> Draft {
        let mut d = self.draft(
            RecordKind::Misconfiguration,
            id.into(),
            outcome,
            Facts::None,
        );
        d.message_limit = limits::DESCRIPTION;
        d
    }

    /// An exposed secret (outcome fail). Only a fingerprint of the value may be kept.
    pub fn secret(&self, rule: impl Into<Text>) -> Draft {
        self.draft(RecordKind::Secret, rule.into(), Outcome::Fail, Facts::None)
    }

    /// A benchmark test result. Its check id is the versioned id of `facts`
    /// (`cis-1.10:5.2.2`), or the tool's own id when it has one (`trivy-compliance:…`).
    pub fn benchmark(&self, id: impl Into<Text>, facts: BenchmarkFacts, outcome: Outcome) -> Draft {
        self.draft(
            RecordKind::Benchmark,
            id.into(),
            outcome,
            Facts::Benchmark(Shared::from(facts)),
        )
    }

    /// A policy engine result. Whether the policy checks pod security is decided on
    /// emit, from its rule, title, message and category ([`checks_pod_security`]).
    pub fn policy(&self, id: impl Into<Text>, outcome: Outcome) -> Draft {
        let facts = Facts::Policy {
            pod_security: false,
        };
        self.draft(RecordKind::Policy, id.into(), outcome, facts)
    }

    /// An admission decision from the audit log (pod security decided on emit, as for policies).
    pub fn admission(&self, code: impl Into<Text>, outcome: Outcome) -> Draft {
        let facts = Facts::Policy {
            pod_security: false,
        };
        self.draft(RecordKind::Admission, code.into(), outcome, facts)
    }

    /// Administrative activity from the audit log.
    pub fn activity(&self, code: impl Into<Text>, outcome: Outcome) -> Draft {
        self.draft(RecordKind::Activity, code.into(), outcome, Facts::None)
    }

    /// A runtime alert (outcome fail). `action` is what the sensor did, when it acted.
    pub fn alert(&self, rule: impl Into<Text>, severity: Severity, action: Option<Text>) -> Draft {
        let mut d = self.draft(
            RecordKind::Alert,
            rule.into(),
            Outcome::Fail,
            Facts::Alert { action },
        );
        d.record.severity = severity;
        d.message_limit = limits::EVENT_OUTPUT;
        d
    }

    /// An image signature verification.
    pub fn signature(&self, check: impl Into<Text>, outcome: Outcome) -> Draft {
        self.draft(RecordKind::Signature, check.into(), outcome, Facts::None)
    }

    /// A scan of `class` happened (outcome pass, no severity): what the tool was able to see.
    pub fn scan(&self, class: ScanClass) -> Draft {
        self.draft(
            RecordKind::Scan,
            Text::from(class.as_str()),
            Outcome::Pass,
            Facts::Scan {
                class,
                families: ConfigFamilies::default(),
                numbering: None,
                ran: None,
                image: None,
            },
        )
    }

    /// An image seen running in a workload (outcome info).
    pub fn sighting(&self) -> Draft {
        self.draft(
            RecordKind::Sighting,
            Text::literal(arcstr::literal!(SIGHTING)),
            Outcome::Info,
            Facts::None,
        )
    }

    /// A VEX statement about vulnerability `id` (the product goes in the subject:
    /// `image` for an image reference or digest, `target` for a package URL).
    pub fn vex(&self, id: impl Into<Text>, facts: VexFacts) -> Draft {
        self.draft(
            RecordKind::Vex,
            id.into(),
            Outcome::Info,
            Facts::Vex(Shared::from(facts)),
        )
    }

    /// A platform resource's configuration (outcome info: evaluators judge its settings;
    /// check = its resource type, `managed-cluster`, `registry`, …).
    pub fn platform(&self, facts: PlatformFacts) -> Draft {
        self.draft(
            RecordKind::Platform,
            Text::from(facts.resource_type()),
            Outcome::Info,
            Facts::Platform(Shared::from(facts)),
        )
    }

    /// The compliance state of policy `id` on a resource (a policy result whose facts
    /// say which resource, whether compliant, and whether the policy is about Kubernetes).
    pub fn policy_state(
        &self,
        id: impl Into<Text>,
        outcome: Outcome,
        facts: crate::model::PolicyStateFacts,
    ) -> Draft {
        self.draft(
            RecordKind::Policy,
            id.into(),
            outcome,
            Facts::Platform(Shared::from(PlatformFacts::PolicyState(facts))),
        )
    }

    /// The audit log recorded an event (any event, security-relevant or not): folded
    /// per day and subject, these prove which days of each cluster the log covers.
    pub fn audit_heartbeat(&self) -> Draft {
        self.draft(
            RecordKind::Heartbeat,
            Text::literal(arcstr::literal!(AUDIT_LOG)),
            Outcome::Info,
            Facts::None,
        )
    }

    /// What folding asks of an event (see [`FileCtx::fold_event`]), as the constructor
    /// for `kind` sets it: a parser asks before building an event's draft.
    fn event_key<'k>(
        &self,
        kind: RecordKind,
        check: &'k str,
        outcome: Outcome,
        severity: Severity,
        subject: &'k Subject,
    ) -> EventKey<'k> {
        EventKey {
            kind,
            check,
            outcome,
            severity,
            subject,
            observed_at: self.observed_at,
        }
    }

    /// The fold key of the draft [`Origin::alert`] makes for `rule` about `subject`.
    pub fn alert_key<'k>(
        &self,
        rule: &'k str,
        severity: Severity,
        subject: &'k Subject,
    ) -> EventKey<'k> {
        self.event_key(RecordKind::Alert, rule, Outcome::Fail, severity, subject)
    }

    /// The fold key of the draft [`Origin::sighting`] makes about `subject`.
    pub fn sighting_key<'k>(&self, subject: &'k Subject) -> EventKey<'k> {
        let severity = Severity::None;
        self.event_key(
            RecordKind::Sighting,
            SIGHTING,
            Outcome::Info,
            severity,
            subject,
        )
    }

    /// The fold key of a heartbeat draft ([`Origin::heartbeat`],
    /// [`Origin::audit_heartbeat`]) with check id `check` about `subject`.
    pub fn heartbeat_key<'k>(&self, check: &'k str, subject: &'k Subject) -> EventKey<'k> {
        let severity = Severity::None;
        self.event_key(
            RecordKind::Heartbeat,
            check,
            Outcome::Info,
            severity,
            subject,
        )
    }

    /// A runtime sensor was alive (outcome info).
    pub fn heartbeat(&self, sensor: Sensor) -> Draft {
        self.draft(
            RecordKind::Heartbeat,
            Text::from(sensor.as_str()),
            Outcome::Info,
            Facts::None,
        )
    }
}

/// A record being built. Its common fields are set through `DerefMut` (`subject`,
/// `severity`, `observed_at`, …); kind, check, outcome and facts come from the typed
/// constructor. It becomes a record only through [`FileCtx::emit`].
#[derive(Debug, Clone)]
pub struct Draft {
    record: Record,
    message_limit: usize,
    /// Attributes to redact on emit.
    redacted_attrs: Vec<Text>,
    /// Whether the message and attributes are kept: when the run does not keep them,
    /// they are not even copied out of the document (an event stream has millions).
    keep_text: bool,
}

impl std::ops::Deref for Draft {
    type Target = Record;
    fn deref(&self) -> &Record {
        &self.record
    }
}

impl std::ops::DerefMut for Draft {
    fn deref_mut(&mut self) -> &mut Record {
        &mut self.record
    }
}

impl Draft {
    /// The title (trimmed, redacted and cut to [`limits::TITLE`] on emit).
    pub fn title(mut self, title: &str) -> Draft {
        self.record.title = Text::from(title);
        self
    }

    /// The message (trimmed, redacted and cut to the limit of the record's kind on emit).
    pub fn message(mut self, message: &str) -> Draft {
        if self.keep_text {
            self.record.message = Text::from(message);
        }
        self
    }

    /// Whether the message and attributes are kept (callers skip building costly
    /// display-only values when they are not).
    pub fn keeps_text(&self) -> bool {
        self.keep_text
    }

    /// Severity.
    pub fn severity(mut self, severity: Severity) -> Draft {
        self.record.severity = severity;
        self
    }

    /// Observation time of this record (overrides the document's).
    pub fn observed(mut self, at: Option<DateTime<Utc>>) -> Draft {
        self.record.observed_at = at;
        self
    }

    /// For a configuration scan, the families of checks it ran (scan drafts only).
    pub fn families(mut self, ran: ConfigFamilies) -> Draft {
        if let Facts::Scan { families, .. } = &mut self.record.facts {
            *families = ran;
        }
        self
    }

    /// For a configuration scan, whose check ids it reports (scan drafts only).
    pub fn numbering(mut self, ids: CheckNumbering) -> Draft {
        if let Facts::Scan { numbering, .. } = &mut self.record.facts {
            *numbering = Some(ids);
        }
        self
    }

    /// For a configuration scan that listed every check it ran, passing ones too, the
    /// checks it ran (scan drafts only): its silence then proves nothing about any other.
    pub fn ran(mut self, checks: RanChecks) -> Draft {
        if let Facts::Scan { ran, .. } = &mut self.record.facts {
            *ran = Some(Shared::from(checks));
        }
        self
    }

    /// What the scan learnt about the image it read (scan drafts only; ignored when empty).
    pub fn image_facts(mut self, facts: ImageFacts) -> Draft {
        if let Facts::Scan { image, .. } = &mut self.record.facts {
            *image = (!facts.is_empty()).then(|| Shared::from(facts));
        }
        self
    }

    /// A display-only attribute (skipped when empty; cut to [`limits::ATTRIBUTE`]).
    pub fn attr(mut self, key: &str, value: impl Into<Text>) -> Draft {
        if !self.keep_text {
            return self;
        }
        let value: Text = value.into();
        if !value.is_empty() {
            let value = match clip_to(&value, limits::ATTRIBUTE) {
                Some(cut) => Text::from(cut),
                None => value,
            };
            self.record.attrs.insert(key, value);
        }
        self
    }

    /// A display-only attribute that may carry credentials (command lines, argument
    /// lists): redacted on emit, like titles and messages.
    pub fn attr_redacted(mut self, key: &str, value: &str) -> Draft {
        if self.keep_text && !value.is_empty() {
            self.record.attrs.insert(key, Text::from(value));
            self.redacted_attrs.push(Text::from(key));
        }
        self
    }
}

impl<'a> Doc<'a> {
    /// The place of a record found at `slice` (a part of this document) under
    /// `pointer` (relative to the document).
    pub fn at<'s>(&self, slice: &'s str, pointer: &str) -> Place<'s> {
        Place {
            slice,
            line: self.line,
            pointer: format!("{}{}", self.pointer, pointer),
        }
    }

    /// The place of the document itself.
    pub fn whole(&self) -> Place<'a> {
        self.at(self.text, "")
    }
}

/// Where in the file a record was found (see [`Doc::at`]).
#[derive(Debug, Clone)]
pub struct Place<'s> {
    slice: &'s str,
    line: Option<u64>,
    pointer: String,
}

impl FileCtx<'_> {
    /// Statements read from `format` in this file: their drafts keep display-only
    /// text only when the run does (`IngestOptions::keep_text`).
    pub fn origin(&self, format: Format) -> Origin {
        Origin {
            keep_text: self.keep_text,
            ..Origin::new(format)
        }
    }

    /// Keep a record found at `place`: fill its provenance, apply the text limits and
    /// redaction. The only way a parser adds a record. An event identical to one
    /// already kept only counts in that one's record ([`FileCtx::fold_event`]): its
    /// text is neither cleaned nor kept.
    pub fn emit(&mut self, draft: Draft, place: &Place<'_>) {
        let Draft {
            mut record,
            message_limit,
            redacted_attrs,
            keep_text: _,
        } = draft;
        if self.fold_event(&EventKey::of(&record)) {
            return;
        }
        if matches!(record.facts, Facts::Policy { .. }) {
            record.facts = Facts::Policy {
                pod_security: about_pod_security(&record),
            };
        }
        record.title = self.clean_repeated(&record.title, limits::TITLE);
        if self.keep_text {
            // An event's message is its own (times, process ids): cleaning it is not repeated.
            record.message = if record.kind.is_snapshot() {
                self.clean_repeated(&record.message, message_limit)
            } else {
                self.clean(&record.message, message_limit)
            };
            for key in &redacted_attrs {
                if let Some(v) = record.attrs.get(key).cloned() {
                    record
                        .attrs
                        .insert(key.clone(), self.clean(&v, limits::ATTRIBUTE));
                }
            }
        } else {
            record.message = Text::default();
            record.attrs = Shared::default();
        }
        let (line, pointer) = self.place_of(place);
        record.provenance = Provenance {
            file: self.file_text.clone(),
            line: line.and_then(std::num::NonZeroU64::new),
            pointer: pointer.map(Text::from),
        };
        self.push_record(record);
    }

    /// The line and JSON pointer of `place` (for a record's provenance or a diagnostic).
    pub fn place_of(&self, place: &Place<'_>) -> (Option<u64>, Option<String>) {
        let line = place
            .line
            .or_else(|| self.offset_of(place.slice).map(|o| self.line_at(o)));
        let pointer = (!place.pointer.is_empty()).then(|| place.pointer.clone());
        (line, pointer)
    }

    /// [`FileCtx::clean`] for text that repeats across records and files (titles,
    /// descriptions): cleaned once per run when the run shares a memo.
    fn clean_repeated(&self, text: &Text, max: usize) -> Text {
        match &self.memo {
            Some(memo) if self.redact && !text.is_empty() => {
                memo.get_or_clean(text, max, || self.clean(text, max))
            }
            _ => self.clean(text, max),
        }
    }

    /// `text` trimmed, redacted (unless `--no-redact`) and cut to `max` characters.
    fn clean(&self, text: &Text, max: usize) -> Text {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Text::default();
        }
        let redacted = if self.redact {
            redact::text(trimmed)
        } else {
            std::borrow::Cow::Borrowed(trimmed)
        };
        match clip_to(&redacted, max) {
            Some(cut) => Text::from(cut),
            None if *redacted == **text => text.clone(),
            None => Text::from(&*redacted),
        }
    }
}

/// Whether a policy or admission record is about pod security: its rule (check id),
/// title, message or category name pod-security fields (the words are in the model).
fn about_pod_security(r: &Record) -> bool {
    let category = r.attrs.get("category").map(|c| c.as_str()).unwrap_or("");
    [r.check.as_str(), &r.title, &r.message, category]
        .iter()
        .any(|t| checks_pod_security(t))
}

/// `text` cut to `max` characters and marked, or `None` when it fits.
fn clip_to(text: &str, max: usize) -> Option<String> {
    // A text of at most `max` bytes has at most `max` characters: it fits.
    if text.len() <= max {
        return None;
    }
    text.char_indices()
        .nth(max)
        .map(|(i, _)| format!("{}…", text.get(..i).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::doc::EventKey;

    /// The keys a parser asks with are the keys of the drafts it would have built.
    #[test]
    fn event_keys_match_their_drafts() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0);
        let origin = Origin::new(crate::model::test_formats::FALCO).observed(at);
        let subject = Subject {
            name: Some(Text::from("web-1")),
            ..Subject::default()
        };
        let same = |a: EventKey<'_>, b: EventKey<'_>| {
            (
                a.kind,
                a.check,
                a.outcome,
                a.severity,
                a.subject,
                a.observed_at,
            ) == (
                b.kind,
                b.check,
                b.outcome,
                b.severity,
                b.subject,
                b.observed_at,
            )
        };
        let mut alert = origin.alert("Terminal shell", Severity::High, None);
        alert.subject = subject.clone().into();
        let key = origin.alert_key("Terminal shell", Severity::High, &subject);
        assert!(same(EventKey::of(&alert), key));
        let mut sighting = origin.sighting();
        sighting.subject = subject.clone().into();
        assert!(same(EventKey::of(&sighting), origin.sighting_key(&subject)));
        for (mut hb, check) in [
            (origin.heartbeat(Sensor::Falco), Sensor::Falco.as_str()),
            (origin.audit_heartbeat(), AUDIT_LOG),
        ] {
            hb.subject = subject.clone().into();
            assert!(same(
                EventKey::of(&hb),
                origin.heartbeat_key(check, &subject)
            ));
        }
    }
}
