//! View builders for the list pages: findings, images, teams, waivers, diagnostics
//! and input files.

use super::build::{control_href, image_href, location, source_anchor, Ctx};
use super::views::*;
use crate::diag::{Diagnostic, Level};
use crate::evaluate::*;
use crate::model::Severity;
use crate::model::SourceSummary;

/// The filter value of an overdue finding's scope: the headline counts overdue
/// findings in production and outside production apart, each linking to its list.
pub fn overdue_scope(f: &Finding) -> &'static str {
    if f.outside_production {
        "overdue-outside-production"
    } else {
        "overdue-production"
    }
}

impl Ctx<'_> {
    /// A finding.
    pub fn finding(&self, f: &Finding) -> FindingView {
        FindingView {
            check: f.check.clone(),
            title: self.finding_title(f),
            severity: self.severity(f.severity),
            subject: self.finding_subject(f).into(),
            image: f.image.as_ref().map(|i| LinkView {
                text: i.tagged(),
                href: self.image_page(i),
            }),
            package: f.package.clone().unwrap_or_default(),
            installed: f.installed_version.clone().unwrap_or_default(),
            fixed: self.text_or_dash(f.fixed_version.as_deref()),
            known_exploited: f.known_exploited,
            first_seen: match f.first_seen {
                Some(t) => self.i18n.date(t.date_naive()),
                None => self.i18n.t("date.age-unknown"),
            },
            age_unknown: f.first_seen.is_none(),
            previously_fixed: self.previously_fixed(f),
            due_iso: f.due.map(|d| d.to_string()).unwrap_or_default(),
            due: self.i18n.opt_date(f.due),
            state: self.state(f.state),
            team: self.text_or_dash(f.team.as_deref()),
            team_value: f.team.clone().unwrap_or_else(|| "-".into()),
            state_tokens: {
                let s = self.state(f.state);
                match f.state {
                    FindingState::Overdue => format!("{} open {}", s.id, overdue_scope(f)),
                    _ if f.state.is_open() => format!("{} open", s.id),
                    _ => s.id.to_string(),
                }
            },
            outside_production: f.outside_production,
            waiver: self.waiver_text(f),
            vex: f.vex.as_ref().map(|v| self.vex_line(v)).unwrap_or_default(),
            controls: f.controls.iter().map(|c| self.control_link(c)).collect(),
            location: location(&f.provenance),
            source_href: format!("sources.html#{}", source_anchor(&f.provenance.file)),
        }
    }

    /// "previously fixed on DATE" for a finding that was fixed and came back, so that a
    /// regression shows wherever the finding does (empty otherwise).
    pub fn previously_fixed(&self, f: &Finding) -> String {
        f.previously_fixed_on().map_or_else(String::new, |d| {
            self.i18n
                .tf("finding.previously-fixed", &[("date", self.i18n.date(d))])
        })
    }

    /// The waivers on a finding: the valid one, else the expired one, marked.
    fn waiver_text(&self, f: &Finding) -> String {
        match (&f.waiver, &f.expired_waiver) {
            (Some(w), _) => w.clone(),
            (None, Some(w)) => self.i18n.tf("vex.expired-waiver", &[("id", w.clone())]),
            (None, None) => self.text_or_dash(None),
        }
    }

    /// A VEX statement in one line: status (justification), document.
    fn vex_line(&self, v: &VexNote) -> String {
        let mut s = self.i18n.t(&format!("vex.{}", v.facts.status.as_str()));
        if let Some(j) = v.facts.justification.as_deref() {
            s.push_str(&format!(" ({j})"));
        }
        if let Some(d) = v.facts.document.as_deref() {
            s.push_str(&format!(" — {d}"));
        }
        s
    }

    /// Every finding a VEX statement is about, by finding state (open ones first), then key.
    pub fn vex_rows(&self) -> Vec<VexView> {
        let mut rows: Vec<&Finding> = self
            .report
            .findings
            .iter()
            .filter(|f| f.vex.is_some())
            .collect();
        rows.sort_by(|a, b| (a.state, &a.key).cmp(&(b.state, &b.key)));
        rows.into_iter()
            .filter_map(|f| {
                let v = f.vex.as_ref()?;
                let statement = [v.facts.impact.as_deref(), v.facts.action.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                Some(VexView {
                    check: f.check.clone(),
                    image: f.image.as_ref().map(|i| LinkView {
                        text: i.tagged(),
                        href: Some(image_href(i)),
                    }),
                    subject: self.finding_subject(f).into(),
                    package: f.package.clone().unwrap_or_default(),
                    state: self.state(f.state),
                    status: self.i18n.t(&format!("vex.{}", v.facts.status.as_str())),
                    justification: self.text_or_dash(v.facts.justification.as_deref()),
                    statement,
                    author: self.text_or_dash(v.facts.author.as_deref()),
                    document: self.text_or_dash(v.facts.document.as_deref()),
                    date: match v.date {
                        Some(t) => self.i18n.date(t.date_naive()),
                        None => self.i18n.t("date.unknown"),
                    },
                    waiver: self.waiver_text(f),
                    location: location(&v.provenance),
                    source_href: format!("sources.html#{}", source_anchor(&v.provenance.file)),
                })
            })
            .collect()
    }

    /// A link to a control page, or text when the id is not a control of the report.
    pub fn control_link(&self, id: &str) -> LinkView {
        let known = self.report.controls.iter().any(|c| c.id == id);
        LinkView {
            text: id.to_string(),
            href: known.then(|| control_href(id)),
        }
    }

    /// Open findings and waived ones (marked as such), by due date then severity.
    pub fn open_findings<'r>(&self, of: impl Iterator<Item = &'r Finding>) -> Vec<FindingView> {
        Self::most_urgent(of)
            .into_iter()
            .map(|f| self.finding(f))
            .collect()
    }

    /// Open and waived findings, most urgent first.
    pub fn most_urgent<'r>(of: impl Iterator<Item = &'r Finding>) -> Vec<&'r Finding> {
        let mut open: Vec<&Finding> = of
            .filter(|f| f.state.is_open() || f.state == FindingState::Waived)
            .collect();
        open.sort_by(|a, b| {
            (
                a.due.is_none(),
                a.due,
                std::cmp::Reverse(a.severity),
                &a.key,
            )
                .cmp(&(
                    b.due.is_none(),
                    b.due,
                    std::cmp::Reverse(b.severity),
                    &b.key,
                ))
        });
        open
    }

    /// An image.
    pub fn image(&self, s: &ImageSummary, with_findings: bool) -> ImageView {
        let (findings, sources) = if with_findings {
            self.image_findings(s)
        } else {
            (Vec::new(), Vec::new())
        };
        ImageView {
            name: s.image.tagged(),
            href: image_href(&s.image),
            aliases: s.aliases.clone(),
            // Every severity, Informational too: the counts add up to `open`.
            by_severity: Severity::DESCENDING
                .iter()
                .map(|sev| Count {
                    status: self.severity(*sev),
                    count: s.open_by_severity.get(sev).copied().unwrap_or(0),
                    href: None,
                })
                .collect(),
            open: s.open_by_severity.values().sum(),
            last_scanned: self.when(s.last_scanned),
            os: self.text_or_dash(s.os.as_deref()),
            running_in: s.running_in.clone(),
            seen_by: s.seen_by.clone(),
            controls: s.controls.iter().map(|c| self.control_link(c)).collect(),
            team: self.text_or_dash(s.team.as_deref()),
            signed: s.signed,
            signature_undated: s.signature_undated,
            findings,
            sources,
        }
    }

    /// An image's open findings as compact rows, and the files they come from.
    fn image_findings(&self, s: &ImageSummary) -> (Vec<ImageFindingRow>, Vec<ImageSource>) {
        let of = self
            .findings_by_image
            .get(&s.image.key())
            .into_iter()
            .flatten()
            .filter_map(|i| self.report.findings.get(*i));
        let mut sources: Vec<ImageSource> = Vec::new();
        let rows = Self::most_urgent(of)
            .into_iter()
            .map(|f| {
                let file = f.provenance.file.as_ref();
                let source = match sources.iter().find(|x| x.path == file) {
                    Some(x) => x.n,
                    None => {
                        sources.push(ImageSource {
                            n: sources.len() + 1,
                            path: file.to_string(),
                            href: format!("sources.html#{}", source_anchor(file)),
                        });
                        sources.len()
                    }
                };
                ImageFindingRow {
                    check: f.check.clone(),
                    severity: self.severity(f.severity),
                    package: f.package.clone().unwrap_or_default(),
                    installed: f.installed_version.clone().unwrap_or_default(),
                    fixed: self.text_or_dash(f.fixed_version.as_deref()),
                    due_iso: f.due.map(|d| d.to_string()).unwrap_or_default(),
                    due: self.i18n.opt_date(f.due),
                    age_unknown: f.first_seen.is_none(),
                    previously_fixed: self.previously_fixed(f),
                    state: self.state(f.state),
                    source,
                    at: match (f.provenance.line, &f.provenance.pointer) {
                        (Some(l), _) => format!(":{l}"),
                        (None, Some(p)) => format!("#{p}"),
                        (None, None) => String::new(),
                    },
                }
            })
            .collect();
        (rows, sources)
    }

    /// A team.
    pub fn team(&self, t: &TeamSummary) -> TeamView {
        TeamView {
            team: t.team.clone(),
            contact: t.contact.clone(),
            open: t.open,
            overdue: t.overdue,
            fixed: t.fixed,
            mean_days: t
                .mean_days_to_fix
                .map_or_else(|| self.i18n.t("common.none"), |d| self.i18n.number(d, 1)),
        }
    }

    /// A waiver.
    pub fn waiver(&self, w: &WaiverState) -> WaiverView {
        let pair = |k: &str, v: &str| Pair {
            label: self.i18n.t(k),
            value: v.to_string(),
        };
        WaiverView {
            id: w.waiver.id.clone(),
            anchor: format!("w-{}", super::slug::slug(&w.waiver.id)),
            control: self.control_link(&w.waiver.control),
            scope: vec![
                pair("waivers.finding", &w.waiver.finding),
                pair("waivers.image", &w.waiver.image),
                pair("waivers.workload", &w.waiver.workload),
            ],
            reason: w.waiver.reason.clone(),
            category: w.waiver.category.clone(),
            approver: w.waiver.approver.clone(),
            approved_on: self.i18n.date(w.waiver.approved_on),
            expires_on: self.i18n.date(w.waiver.expires_on),
            expired: w.expired,
            unused: w.matched == 0,
            matched: w.matched,
            line: w.waiver.line,
        }
    }

    /// A diagnostic.
    pub fn diagnostic(&self, d: &Diagnostic) -> DiagView {
        let level = match d.level {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let mut loc = d.file.clone();
        if let Some(l) = d.line {
            loc.push_str(&format!(":{l}"));
            if let Some(c) = d.column {
                loc.push_str(&format!(":{c}"));
            }
        }
        if let Some(p) = &d.pointer {
            loc.push_str(&format!(" ({p})"));
        }
        DiagView {
            level,
            level_label: self.i18n.t(&format!("level.{level}")),
            code: d.code.as_str(),
            location: loc,
            message: d.message.clone(),
        }
    }

    /// An input file.
    pub fn source(&self, s: &SourceSummary) -> SourceView {
        SourceView {
            anchor: source_anchor(&s.path),
            path: s.path.clone(),
            formats: s
                .formats
                .iter()
                .map(|f| f.id())
                .collect::<Vec<_>>()
                .join(", "),
            sha256: s.sha256.clone(),
            size: self.i18n.bytes(s.size),
            compressed: s.compressed,
            records: s
                .records
                .iter()
                .map(|(k, n)| Pair {
                    label: self.i18n.t(&format!("record-kind.{}", k.as_str())),
                    value: n.to_string(),
                })
                .collect(),
            total: s.record_count(),
            first: self.when(s.first_observed),
            last: self.when(s.last_observed),
            undated: s.undated_records,
            dated_from_path: s.dated_from_path,
            diagnostics: s.diagnostics.iter().map(|d| self.diagnostic(d)).collect(),
        }
    }
}
