//! Building the [`views`](super::views) from the report, the catalog and the configuration.

use super::i18n::I18n;
use super::markdown::{render_markdown, url_allowed, UrlUse};
use super::slug::slug;
use super::views::*;
use crate::catalog::{Catalog, Control, Evaluation, References};
use crate::config::Config;
use crate::evaluate::*;
use crate::model::{ImageRef, Provenance, Severity, Text};
use chrono::{DateTime, Utc};

/// The page of a control, relative to the site root.
pub fn control_href(id: &str) -> String {
    format!("controls/{}.html", slug(id))
}

/// The page of an image, relative to the site root.
pub fn image_href(image: &ImageRef) -> String {
    format!("images/{}.html", slug(&image.key()))
}

/// The anchor of a check on its control page.
pub fn check_anchor(id: &str) -> String {
    format!("check-{}", slug(id))
}

/// The page of a team, relative to the site root.
pub fn team_href(team: &str) -> String {
    format!("teams/{}.html", slug(team))
}

/// The anchor of an input file on sources.html.
pub fn source_anchor(path: &str) -> String {
    format!("src-{}", slug(path))
}

/// Everything view builders need.
pub struct Ctx<'a> {
    /// The report.
    pub report: &'a Report,
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The configuration.
    pub config: &'a Config,
    /// Strings.
    pub i18n: &'a I18n,
    /// Indices of `report.findings` by image key (for the image pages).
    pub findings_by_image: std::collections::HashMap<String, Vec<usize>>,
    /// The page of every image a finding names, made once (a fleet's findings name
    /// each of its images hundreds of times).
    image_hrefs: std::collections::HashMap<&'a ImageRef, String>,
}

impl<'a> Ctx<'a> {
    /// The rendering context of a report.
    pub fn new(
        report: &'a Report,
        catalog: &'a Catalog,
        config: &'a Config,
        i18n: &'a I18n,
    ) -> Ctx<'a> {
        let mut findings_by_image: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        // Only the images of the report's image summaries have a page.
        let paged: std::collections::HashSet<String> =
            report.images.iter().map(|s| image_href(&s.image)).collect();
        let mut image_hrefs = std::collections::HashMap::new();
        for (i, f) in report.findings.iter().enumerate() {
            if let Some(image) = &f.image {
                if !image_hrefs.contains_key(image) {
                    let href = image_href(image);
                    if paged.contains(&href) {
                        image_hrefs.insert(image, href);
                    }
                }
                findings_by_image.entry(image.key()).or_default().push(i);
            }
        }
        Ctx {
            report,
            catalog,
            config,
            i18n,
            findings_by_image,
            image_hrefs,
        }
    }

    /// The page of a finding's image ([`image_href`]), `None` when the image has no
    /// page of its own (no image summary names it): no link then, rather than a
    /// broken one.
    pub fn image_page(&self, image: &ImageRef) -> Option<String> {
        self.image_hrefs.get(image).cloned()
    }

    /// A subject as the pages show it: as the evidence names it, or "not named in the
    /// export" when the records name nothing they are about (docker-bench names no host,
    /// kube-bench no node), so the cell says so instead of staying blank.
    pub fn subject_text(&self, subject: &str) -> String {
        if subject.is_empty() {
            self.i18n.t("subject.unnamed")
        } else {
            subject.to_string()
        }
    }

    /// A finding's subject as the pages show it: in the page's language where its
    /// label has words ("cluster X"), else as [`Ctx::subject_text`] shows it.
    pub fn finding_subject(&self, f: &Finding) -> String {
        match &f.subject_words {
            Some(p) => self.i18n.param(p),
            None => self.subject_text(&f.subject),
        }
    }

    /// A finding's title as the pages show it: in the page's language when muster's
    /// own checks wrote it ([`Finding::title_words`]), else as the tool wrote it.
    pub fn finding_title(&self, f: &Finding) -> Text {
        match &f.title_words {
            Some(p) => self.i18n.param(p).into(),
            None => f.title.clone(),
        }
    }

    /// How lists of changes name a finding: `CHECK · subject`.
    pub fn finding_label(&self, f: &Finding) -> String {
        format!("{} · {}", f.check, self.finding_subject(f))
    }

    /// A status label.
    pub fn status(&self, s: Status) -> StatusView {
        let icon = match s {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::Warning => "⚠",
            Status::NotAssessed => "?",
            Status::Manual => "✎",
            Status::Waived => "⊘",
        };
        StatusView {
            id: s.as_str(),
            label: self.i18n.t(&format!("status.{}", s.as_str())),
            icon,
        }
    }

    /// A severity label.
    pub fn severity(&self, s: Severity) -> StatusView {
        let icon = match s {
            Severity::Critical => "‼",
            Severity::High => "!",
            Severity::Medium => "◆",
            Severity::Low => "▽",
            Severity::Unknown => "?",
            Severity::None => "·",
        };
        StatusView {
            id: s.as_str(),
            label: self.i18n.t(&format!("severity.{}", s.as_str())),
            icon,
        }
    }

    /// A finding state label.
    pub fn state(&self, s: FindingState) -> StatusView {
        let icon = match s {
            FindingState::Overdue | FindingState::Failing => "✗",
            FindingState::InGrace => "⏳",
            FindingState::NoFix | FindingState::Warns => "⚠",
            FindingState::Waived => "⊘",
            FindingState::Triaged => "☑",
            FindingState::VexClosed => "⊖",
            FindingState::Fixed | FindingState::Passed => "✓",
            FindingState::Info => "ℹ",
        };
        let id = s.as_str();
        StatusView {
            id,
            label: self.i18n.t(&format!("state.{id}")),
            icon,
        }
    }

    /// A timestamp as a localised date.
    pub fn when(&self, t: Option<DateTime<Utc>>) -> String {
        self.i18n.opt_date(t.map(|t| t.date_naive()))
    }

    /// The common page header data.
    pub fn site(&self, redaction_disabled: bool) -> SiteView {
        let title = if self.config.site.title == crate::config::Site::default().title {
            self.i18n.t("site.default-title")
        } else {
            self.config.site.title.clone()
        };
        SiteView {
            title,
            organisation: self.config.site.organisation.clone(),
            lang: self.i18n.lang().to_string(),
            as_of: self.i18n.date(self.report.as_of.date_naive()),
            profile: self.i18n.t(&format!("profile.{}", self.report.profile)),
            redaction_disabled,
            banners: self.banners(),
        }
    }

    /// The text, or the "none" placeholder when absent or empty.
    pub fn text_or_dash(&self, s: Option<&str>) -> String {
        match s {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => self.i18n.t("common.none"),
        }
    }

    /// Framework references, one line each.
    pub fn references(&self, r: &References) -> Vec<String> {
        let groups: [(&str, &Vec<String>); 6] = [
            ("NIST SP 800-190", &r.nist_800_190),
            ("CIS Kubernetes", &r.cis_kubernetes),
            ("CIS AKS", &r.cis_aks),
            ("CIS Docker", &r.cis_docker),
            ("NSA/CISA", &r.nsa_cisa),
            ("PSS", &r.pss),
        ];
        groups
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(name, v)| format!("{name} {}", v.join(", ")))
            .collect()
    }

    /// A control's list row.
    pub fn control_row(&self, c: &ControlResult) -> ControlRow {
        let def = self.catalog.get(&c.id);
        ControlRow {
            id: c.id.clone(),
            href: control_href(&c.id),
            title: def.map_or_else(|| c.id.clone(), |d| d.title.get(self.i18n.lang()).into()),
            domain: c.domain.clone(),
            domain_label: self.domain_label(&c.domain),
            status: self.status(c.status),
            reason: self.i18n.reason(&c.reason),
            evidence_count: c.evidence_count,
            last_evidence: self.last_evidence(c),
            references: def
                .map(|d| self.references(&d.references))
                .unwrap_or_default(),
            strip: c
                .history
                .iter()
                .map(|(d, s)| StripCell {
                    date: self.i18n.date(*d),
                    status: self.status(*s),
                })
                .collect(),
        }
    }

    /// A domain's label (its id when no translation exists).
    pub fn domain_label(&self, id: &str) -> String {
        let key = format!("domain.{id}");
        if self.i18n.has(&key) {
            self.i18n.t(&key)
        } else {
            id.to_string()
        }
    }

    /// Controls grouped by domain, in catalog domain order.
    pub fn domains(&self) -> Vec<DomainGroup> {
        let mut groups: Vec<DomainGroup> = Vec::new();
        for c in &self.report.controls {
            let row = self.control_row(c);
            match groups.iter_mut().find(|g| g.id == c.domain) {
                Some(g) => g.controls.push(row),
                None => groups.push(DomainGroup {
                    id: c.domain.clone(),
                    label: self.domain_label(&c.domain),
                    controls: vec![row],
                }),
            }
        }
        let order = |id: &str| {
            crate::catalog::DOMAINS
                .iter()
                .position(|d| *d == id)
                .unwrap_or(usize::MAX)
        };
        groups.sort_by_key(|g| order(&g.id));
        groups
    }

    /// Newest evidence date of a control; "date unknown" when it has evidence but none
    /// of it is dated (never blank when evidence exists).
    pub fn last_evidence(&self, c: &ControlResult) -> String {
        match c.last_evidence {
            Some(t) => self.i18n.date(t.date_naive()),
            None if c.evidence_count > 0 => self.i18n.t("date.unknown"),
            None => self.i18n.t("common.none"),
        }
    }

    /// Counts per status in display order, each linking to the filtered control index.
    pub fn status_counts(&self) -> Vec<Count> {
        Status::ALL
            .iter()
            .map(|s| Count {
                status: self.status(*s),
                count: self
                    .report
                    .controls
                    .iter()
                    .filter(|c| c.status == *s)
                    .count(),
                href: Some(format!("controls.html?status={}", s.as_str())),
            })
            .collect()
    }

    /// An evidence row's title in the site's language (muster's own words in a
    /// platform row's title are translated; a tool's title is shown as it is).
    pub fn evidence_title(&self, e: &EvidenceItem) -> String {
        e.title_param
            .as_ref()
            .map_or_else(|| e.title.clone(), |p| self.i18n.param(p))
    }

    /// One evidence record.
    pub fn evidence(&self, e: &EvidenceItem) -> EvidenceView {
        EvidenceView {
            kind: e.kind.clone(),
            format: e.format.clone(),
            check: e.check.clone(),
            title: self.evidence_title(e),
            outcome: e.outcome.clone(),
            severity: self.severity(e.severity),
            subject: e
                .subject_param
                .as_ref()
                .map_or_else(|| self.subject_text(&e.subject), |p| self.i18n.param(p)),
            observed: match e.observed_at {
                Some(t) => self.i18n.date(t.date_naive()),
                None => self.i18n.t("date.unknown"),
            },
            dated_from_path: e.dated_from_path && e.observed_at.is_some(),
            count: e.count,
            state: self.state(e.state),
            due: self.i18n.opt_date(e.due),
            waiver: self.text_or_dash(e.waiver.as_deref()),
            location: evidence_location(e),
            source_href: format!("sources.html#{}", source_anchor(&e.provenance.file)),
        }
    }

    /// Everything on a control page.
    pub fn control_detail(&self, c: &ControlResult) -> ControlDetail {
        let lang = self.i18n.lang();
        let def: Option<&Control> = self.catalog.get(&c.id);
        let md = |f: fn(&Control) -> &crate::catalog::Localized| {
            SafeHtml(def.map_or_else(String::new, |d| render_markdown(f(d).get(lang))))
        };
        let checks = c
            .checks
            .iter()
            .map(|ch| {
                let evidence: Vec<EvidenceView> =
                    ch.evidence.iter().map(|e| self.evidence(e)).collect();
                CheckView {
                    id: ch.id.clone(),
                    anchor: check_anchor(&ch.id),
                    title: def
                        .and_then(|d| d.checks.iter().find(|x| x.id == ch.id))
                        .map_or_else(|| ch.id.clone(), |x| x.title.get(lang).to_string()),
                    status: self.status(ch.status),
                    reason: self.i18n.reason(&ch.reason),
                    required: ch.required,
                    groups: super::evidence::groups(&ch.evidence, &evidence, |s| self.state(s)),
                    evidence,
                    evidence_total: ch.evidence_total,
                }
            })
            .collect();
        ControlDetail {
            row: self.control_row(c),
            evaluation: def.map_or_else(String::new, |d| {
                let e = match d.evaluation {
                    Evaluation::Automatic => "automatic",
                    Evaluation::Partial => "partial",
                    Evaluation::Manual => "manual",
                };
                self.i18n.t(&format!("evaluation.{e}"))
            }),
            summary: md(|d| &d.summary),
            rationale: md(|d| &d.rationale),
            remediation: md(|d| &d.remediation),
            sources: def
                .map(|d| {
                    d.sources
                        .iter()
                        .map(|s| SourceRefView {
                            document: s.document.clone(),
                            heading: s.heading.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            checks,
            attestation: c
                .attestation
                .as_ref()
                .map(|a| self.attestation(a, c.status)),
            attestation_question: def
                .and_then(|d| d.attestation.as_ref())
                .map(|a| a.question.get(lang).to_string())
                .unwrap_or_default(),
        }
    }

    /// The attestation of a control whose status is `control`.
    fn attestation(&self, a: &AttestationState, control: Status) -> AttestationView {
        AttestationView {
            status: self.status(a.status),
            by: a.attested_by.clone(),
            date: self.i18n.date(a.date),
            expires: self.i18n.opt_date(a.expires),
            expired: a.expired,
            contradicted: (!a.expired && a.status != control && control != Status::Waived)
                .then(|| self.status(control)),
            body: SafeHtml(render_markdown(&a.body_markdown)),
            evidence: a.evidence.iter().map(|e| link(e, e)).collect(),
            file: a.file.clone(),
        }
    }
}

/// Where an evidence row was read: a platform fact (a setting inside a cluster,
/// registry or workload document) is cited as `file:line#pointer`, the line of its
/// resource and the JSON pointer of the field itself; other evidence as [`location`].
fn evidence_location(e: &crate::evaluate::EvidenceItem) -> String {
    let platform = crate::ingest::formats()
        .iter()
        .any(|f| f.id == e.format && f.channel == crate::model::Channel::Platform);
    match (&e.provenance.line, &e.provenance.pointer) {
        (Some(l), Some(ptr)) if platform => format!("{}:{l}#{ptr}", e.provenance.file),
        _ => location(&e.provenance),
    }
}

/// `file:line` (or `file#pointer`).
pub fn location(p: &Provenance) -> String {
    match (p.line, &p.pointer) {
        (Some(l), _) => format!("{}:{l}", p.file),
        (None, Some(ptr)) => format!("{}#{ptr}", p.file),
        (None, None) => p.file.clone().to_string(),
    }
}

/// A link from untrusted text: kept only when its target is safe.
pub fn link(text: &str, href: &str) -> LinkView {
    LinkView {
        text: text.to_string(),
        href: url_allowed(href, UrlUse::Link).then(|| href.to_string()),
    }
}
