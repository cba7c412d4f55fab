//! Which configuration checks a Trivy report (`trivy image|fs|repo|config`, `trivy
//! k8s`) says it ran, target by target, and the `config-scan` records that say so.
//!
//! Trivy lists only failing checks by default. Run with `--include-non-failures`, it
//! lists every check it evaluated on every configuration target, passing (`PASS`) and
//! excepted (`EXCEPTION`) ones too. The flag holds for the whole report, so one
//! non-failure listed anywhere says that every target lists all of its checks. Such a
//! report names the checks each target ran: a Dockerfile listing `DS-0001` and
//! `DS-0002` ran no other Dockerfile check, and a manifest listing only a failure ran
//! only that check. Then each target gets its own scan record carrying the checks it
//! ran ([`RanChecks`]), so that its silence proves only those. A report listing
//! failures alone keeps one scan record with every family its targets ran, except
//! the families of a target whose `MisconfSummary.Exceptions` is above 0: Trivy left
//! its excepted checks (`.trivyignore`, exceptions policies) out of the listing, so
//! silence on that target's families proves nothing. Those families are dropped from
//! the report's scan even when another target shares them, because a scan's silence
//! proves a check on every subject, not only on the target it came from.

use super::{Draft, FileCtx, Place};
use crate::model::{ConfigFamilies, ConfigFamily, Outcome, RanChecks, Subject, Text};

/// What the misconfigurations listed for one result say about the checks it ran.
#[derive(Debug, Default)]
pub(super) struct Listed {
    /// The families of the checks listed.
    families: ConfigFamilies,
    /// Every spelling of every check listed as passed or failed.
    ran: Vec<Text>,
    /// Whether a non-failure was listed (`PASS` or `EXCEPTION`).
    non_failures: bool,
    /// Whether the result's `MisconfSummary` counts excepted checks it does not list.
    excepted: bool,
}

impl Listed {
    /// One listed misconfiguration: its canonical id, other spellings and outcome. An
    /// excepted check (`EXCEPTION`, a skip) was not judged, so it is not counted as
    /// run: the scan's silence must not prove it.
    pub fn note(&mut self, check: &str, aliases: &[String], outcome: Outcome) {
        if let Some(family) = ConfigFamily::of_check(check) {
            self.families = self.families.with(family);
        }
        if matches!(outcome, Outcome::Pass | Outcome::Fail) {
            self.ran.push(Text::from(check));
            self.ran
                .extend(aliases.iter().map(|a| Text::from(a.as_str())));
        }
        self.non_failures |= matches!(outcome, Outcome::Pass | Outcome::Skip);
    }

    /// Whether the result's `MisconfSummary.Exceptions` is above 0.
    pub fn set_excepted(&mut self, yes: bool) {
        self.excepted = yes;
    }

    /// The families of the checks listed.
    pub fn families(&self) -> ConfigFamilies {
        self.families
    }
}

/// One configuration result (a target) of a report.
struct Target<'a> {
    subject: Subject,
    families: ConfigFamilies,
    ran: Vec<Text>,
    /// Whether Trivy left excepted checks of this target out of the listing.
    excepted: bool,
    place: Place<'a>,
}

/// The configuration results of one report.
#[derive(Default)]
pub(super) struct ConfigTargets<'a> {
    targets: Vec<Target<'a>>,
    /// Whether some target listed a non-failure: then every target lists every check.
    every_check: bool,
}

impl<'a> ConfigTargets<'a> {
    /// A configuration result about `subject`, found at `place`, whose `Type` runs
    /// `of_type`, with what it listed.
    pub fn add(
        &mut self,
        subject: Subject,
        of_type: ConfigFamilies,
        listed: Listed,
        place: Place<'a>,
    ) {
        self.every_check |= listed.non_failures;
        self.targets.push(Target {
            subject,
            families: of_type.union(listed.families),
            ran: listed.ran,
            excepted: listed.excepted,
            place,
        });
    }

    /// Whether the report lists every check it ran (passes too), target by target.
    pub fn list_every_check(&self) -> bool {
        self.every_check
    }

    /// The families whose silence the report-wide scan of a report listing failures
    /// alone proves: `all` (every family its targets ran) without the families of any
    /// target with excepted checks, which Trivy did not list.
    pub fn silent_families(&self, all: ConfigFamilies) -> ConfigFamilies {
        self.targets
            .iter()
            .filter(|t| t.excepted)
            .fold(all, |left, t| left.without(t.families))
    }

    /// When the report lists every check it ran, one configuration scan per target:
    /// `draft` builds it (class, numbering, what the report says of its artifact),
    /// which is then about the target, limited to the checks it lists. Emits nothing
    /// otherwise (the caller emits one scan for the whole report).
    pub fn emit_per_target(&self, ctx: &mut FileCtx<'_>, draft: impl Fn() -> Draft) {
        if !self.every_check {
            return;
        }
        for t in &self.targets {
            // A target that lists no check ran none: no family either, so that its
            // silence proves no selector, however broad (a class, an id glob).
            let families = if t.ran.is_empty() {
                ConfigFamilies::default()
            } else {
                t.families
            };
            let mut d = draft()
                .families(families)
                .ran(RanChecks::new(t.ran.iter().cloned()));
            d.subject = t.subject.clone().into();
            ctx.emit(d, &t.place);
        }
    }
}
