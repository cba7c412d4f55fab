//! `report.json`: the whole evaluation for scripts, each fact once.
//!
//! Compact JSON (one line). Findings do not repeat what tables already hold: a finding
//! names its check (kind, id and title) by index into `checks`, its image by index into
//! `images`, and the input file it was read from by index into `sources`; the changes
//! name findings by index into `findings`, as the evaluation does. Absent optional fields mean `null`, an absent
//! `known_exploited` means `false`, an absent `subject` means the image's
//! `registry/repository:tag`. Every value of the evaluation is recoverable
//! (docs/report-json.md).

use crate::evaluate::{Changes, Finding, FindingState, FixedEpisode, Report, VexNote};
use crate::model::{ImageRef, Provenance, Severity};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// Version tag of `report.json`; bumped on any incompatible change.
pub const REPORT_SCHEMA: &str = "muster-report/2";

/// `report.json`: the whole evaluation, as the site shows it.
///
/// Stable contract for scripts: `schema` is [`REPORT_SCHEMA`]; `site` and `catalog_digest`
/// say what produced it; the other fields are the [`Report`]'s (statuses and severities as
/// kebab-case ids, dates ISO 8601, times RFC 3339 UTC; reasons as `{code, params}`
/// untranslated), with findings and changes normalised as the module documents, and
/// `diagnostic_count`, the number of diagnostics the site shows
/// ([`Report::all_diagnostics`]): each file's are in `sources`, the others in
/// `diagnostics`.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    /// Always [`REPORT_SCHEMA`].
    pub schema: &'static str,
    /// Site title and organisation from the configuration.
    pub site: &'a crate::config::Site,
    /// SHA-256 over the catalog files.
    pub catalog_digest: &'a str,
    as_of: DateTime<Utc>,
    profile: &'a str,
    controls: &'a [crate::evaluate::ControlResult],
    statuses: &'a std::collections::BTreeMap<crate::evaluate::Status, usize>,
    score: f64,
    history: &'a [crate::evaluate::HistoryPoint],
    /// Each distinct (kind, check, title) once.
    checks: Vec<CheckJson<'a>>,
    findings: Findings<'a>,
    images: &'a [crate::evaluate::ImageSummary],
    teams: &'a [crate::evaluate::TeamSummary],
    waivers: &'a [crate::evaluate::WaiverState],
    attestations: &'a [crate::evaluate::AttestationState],
    changes: &'a Changes,
    sources: &'a [crate::model::SourceSummary],
    /// The diagnostics not tied to an input file (each file's are in `sources`).
    diagnostics: &'a [crate::diag::Diagnostic],
    /// Every diagnostic, these and each file's: the number the site shows.
    diagnostic_count: usize,
    scope: &'a crate::evaluate::ScopeInfo,
    evidence: &'a crate::evaluate::EvidencePeriod,
}

/// One entry of `checks`.
#[derive(Debug, Serialize, PartialEq, Eq, Hash, Clone, Copy)]
struct CheckJson<'a> {
    kind: &'a str,
    check: &'a str,
    title: &'a str,
}

/// A finding, naming what tables hold by index.
#[derive(Debug, Serialize)]
struct FindingJson<'a> {
    key: &'a str,
    /// Index into `checks`.
    check: usize,
    severity: Severity,
    /// Index into `images`.
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<usize>,
    /// The image, when `images` does not list it.
    #[serde(skip_serializing_if = "Option::is_none")]
    image_ref: Option<&'a ImageRef>,
    /// Only when it differs from the image's tagged name (or there is no image).
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    installed_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_version: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    known_exploited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    previous_episodes: &'a [FixedEpisode],
    state: FindingState,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    outside_production: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expired_waiver: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vex: Option<&'a VexNote>,
    sources: &'a [crate::model::Text],
    controls: &'a [crate::model::Text],
    provenance: ProvenanceJson<'a>,
}

/// Where a finding was seen last: its input file by index into `sources`.
#[derive(Debug, Serialize)]
struct ProvenanceJson<'a> {
    /// Index into `sources`.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<usize>,
    /// The file, when `sources` does not list it.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
}

impl<'a> ReportJson<'a> {
    /// The document for `report`.
    pub fn new(report: &'a Report, site: &'a crate::config::Site, catalog_digest: &'a str) -> Self {
        let mut checks: Vec<CheckJson> = Vec::new();
        let mut check_ids: HashMap<CheckJson, usize> = HashMap::new();
        let check_of = report
            .findings
            .iter()
            .map(|f| {
                let c = CheckJson {
                    kind: &f.kind,
                    check: &f.check,
                    title: &f.title,
                };
                *check_ids.entry(c).or_insert_with(|| {
                    checks.push(c);
                    checks.len() - 1
                })
            })
            .collect();
        ReportJson {
            schema: REPORT_SCHEMA,
            site,
            catalog_digest,
            as_of: report.as_of,
            profile: &report.profile,
            controls: &report.controls,
            statuses: &report.statuses,
            score: report.score,
            history: &report.history,
            checks,
            findings: Findings::new(report, check_of),
            images: &report.images,
            teams: &report.teams,
            waivers: &report.waivers,
            attestations: &report.attestations,
            changes: &report.changes,
            sources: &report.sources,
            diagnostics: &report.diagnostics,
            diagnostic_count: report.all_diagnostics().count(),
            scope: &report.scope,
            evidence: &report.evidence,
        }
    }
}

/// The findings of `report.json`, each made into its [`FindingJson`] as it is
/// written: a fleet has a hundred thousand, never all held in that form at once.
#[derive(Debug)]
struct Findings<'a> {
    findings: &'a [Finding],
    /// Per finding, its index into `checks`.
    check_of: Vec<usize>,
    /// The index of each image of `images`, with its tagged name (a finding's subject
    /// is compared with it: made once per image, not once per finding).
    images: HashMap<&'a ImageRef, (usize, String)>,
    /// The index of each input file of `sources`.
    sources: HashMap<&'a str, usize>,
}

impl<'a> Findings<'a> {
    fn new(report: &'a Report, check_of: Vec<usize>) -> Self {
        Findings {
            findings: &report.findings,
            check_of,
            images: report
                .images
                .iter()
                .enumerate()
                .map(|(i, s)| (&s.image, (i, s.image.tagged())))
                .collect(),
            sources: report
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (s.path.as_str(), i))
                .collect(),
        }
    }

    fn finding(&self, f: &'a Finding, check: usize) -> FindingJson<'a> {
        let listed = f.image.as_ref().and_then(|i| self.images.get(i));
        let image = listed.map(|(i, _)| *i);
        let same_subject = match (listed, &f.image) {
            (Some((_, tagged)), _) => f.subject == *tagged,
            (None, Some(i)) => f.subject == i.tagged(),
            (None, None) => false,
        };
        let source = self.sources.get(f.provenance.file.as_ref()).copied();
        FindingJson {
            key: &f.key,
            check,
            severity: f.severity,
            image,
            image_ref: if image.is_none() {
                f.image.as_ref()
            } else {
                None
            },
            subject: (!same_subject).then_some(f.subject.as_str()),
            package: f.package.as_deref(),
            installed_version: f.installed_version.as_deref(),
            fixed_version: f.fixed_version.as_deref(),
            known_exploited: f.known_exploited,
            first_seen: f.first_seen,
            last_seen: f.last_seen,
            due: f.due,
            fixed_on: f.fixed_on,
            previous_episodes: &f.previous_episodes,
            state: f.state,
            outside_production: f.outside_production,
            team: f.team.as_deref(),
            waiver: f.waiver.as_deref(),
            expired_waiver: f.expired_waiver.as_deref(),
            vex: f.vex.as_ref(),
            sources: &f.sources,
            controls: &f.controls,
            provenance: provenance(&f.provenance, source),
        }
    }
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.findings
                .iter()
                .zip(&self.check_of)
                .map(|(f, &check)| self.finding(f, check)),
        )
    }
}

fn provenance(p: &Provenance, source: Option<usize>) -> ProvenanceJson<'_> {
    ProvenanceJson {
        source,
        file: source.is_none().then_some(p.file.as_ref()),
        line: p.line.map(u64::from),
        pointer: p.pointer.as_deref(),
    }
}
