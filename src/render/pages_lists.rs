//! The list and detail pages: controls, findings, images, teams, waivers, changes,
//! sources, search and the evidence-time explanation. Lists carry filters whose values
//! are ids, so an address such as `findings.html?team=Payments&state=overdue` or
//! `controls.html?status=fail&domain=images` opens the list already filtered.

use super::build::{image_href, team_href, Ctx};
use super::pages::{crumbs, Job, Pages};
use super::slug::slug;
use super::views::*;
use super::views_summary::*;
use crate::evaluate::{Finding, Status};
use crate::model::Severity;
use rayon::prelude::*;
use serde::Serialize;

/// How many open findings the remediation list shows: a page of tens of megabytes is
/// not readable in a browser; the CSV export has every finding.
pub const FINDINGS_SHOWN: usize = 2000;

/// How many items each list of the changes page shows (a first scan makes every finding
/// new); the count stays exact and report.json and findings.csv have every one.
pub const CHANGES_SHOWN: usize = 2000;

#[derive(Serialize)]
struct ListPage<'a, T: Serialize> {
    items: &'a [T],
    filters: Vec<FilterView>,
}

/// The page of open findings no control counts: the high and critical ones (the
/// overview counts them), then the others, so that every open finding the headline
/// counts is on a control's page or on this one.
#[derive(Serialize)]
struct UnmappedPage<'a> {
    items: &'a [FindingView],
    others: &'a [FindingView],
}

/// The waivers page: the waiver register, and the findings VEX statements are about.
#[derive(Serialize)]
struct WaiversPage<'a> {
    items: &'a [WaiverView],
    filters: Vec<FilterView>,
    vex: Vec<VexView>,
}

/// The remediation list: the most urgent open findings (all of them are in findings.csv).
#[derive(Serialize)]
struct FindingsPage<'a> {
    items: &'a [FindingView],
    filters: Vec<FilterView>,
    /// Rows of the list in all, shown or not: the open findings and the waived ones.
    total: usize,
    /// Of those, the open findings (the overview's "open findings").
    open: usize,
    /// And the waived ones (listed with their waiver, not open).
    waived: usize,
}

#[derive(Serialize)]
struct SourcesPage<'a> {
    sources: &'a [SourceView],
    /// Every diagnostic: the inputs' and the others.
    diagnostics: Vec<DiagView>,
    /// Diagnostics not tied to an input file.
    other_diagnostics: Vec<DiagView>,
    excluded_namespaces: String,
    excluded_records: usize,
}

#[derive(Serialize)]
struct TeamsPage {
    items: Vec<TeamRow>,
    since: String,
}

#[derive(Serialize)]
struct DocPage {
    body: SafeHtml,
    /// The document is in English and the site is not.
    english_only: bool,
}

/// Views several pages share, built once.
pub struct Shared<'r> {
    /// Every control's row.
    pub rows: Vec<ControlRow>,
    /// Every open finding (waived included), most urgent first (a view is built only
    /// for the ones a page shows: an estate may have a hundred thousand).
    pub all_open: Vec<&'r Finding>,
    /// Every input file.
    pub sources: Vec<SourceView>,
    /// Every team's row (and unowned findings).
    pub teams: Vec<TeamRow>,
}

impl<'r> Shared<'r> {
    /// Build the shared views.
    pub fn new(ctx: &Ctx<'r>) -> Shared<'r> {
        let r = ctx.report;
        Shared {
            rows: r.controls.iter().map(|c| ctx.control_row(c)).collect(),
            all_open: Ctx::most_urgent(r.findings.iter()),
            sources: r.sources.iter().map(|s| ctx.source(s)).collect(),
            teams: ctx.team_rows(),
        }
    }
}

fn option(value: &str, label: String) -> FilterOption {
    FilterOption {
        value: value.to_string(),
        label,
    }
}

/// Filters of the control index: status and domain, in display order.
fn control_filters(ctx: &Ctx, rows: &[ControlRow]) -> Vec<FilterView> {
    let statuses = Status::ALL
        .iter()
        .filter(|s| rows.iter().any(|r| r.status.id == s.as_str()))
        .map(|s| option(s.as_str(), ctx.status(*s).label))
        .collect();
    let mut domains: Vec<&str> = rows.iter().map(|r| r.domain.as_str()).collect();
    let order = |d: &str| {
        crate::catalog::DOMAINS
            .iter()
            .position(|x| *x == d)
            .unwrap_or(usize::MAX)
    };
    domains.sort_by_key(|d| (order(d), d.to_string()));
    domains.dedup();
    vec![
        FilterView {
            name: "status",
            tokens: false,
            options: statuses,
        },
        FilterView {
            name: "domain",
            tokens: false,
            options: domains
                .iter()
                .map(|d| option(d, ctx.domain_label(d)))
                .collect(),
        },
    ]
}

/// Filters of the findings list: severity, state (with "open, not waived" first) and team.
fn finding_filters(ctx: &Ctx, shown: &[FindingView]) -> Vec<FilterView> {
    let severities = Severity::DESCENDING
        .iter()
        .filter(|s| shown.iter().any(|f| f.severity.id == s.as_str()))
        .map(|s| option(s.as_str(), ctx.severity(*s).label))
        .collect();
    let mut states = vec![option("open", ctx.i18n.t("filter.open"))];
    let mut seen: Vec<&str> = Vec::new();
    for f in shown {
        if !seen.contains(&f.state.id) {
            seen.push(f.state.id);
        }
    }
    let order = [
        "overdue", "in-grace", "no-fix", "waived", "triaged", "fixed", "passed", "info",
    ];
    for id in order.iter().filter(|id| seen.contains(id)) {
        let label = shown
            .iter()
            .find(|f| f.state.id == *id)
            .map(|f| f.state.label.clone());
        states.push(option(id, label.unwrap_or_default()));
        if *id == "overdue" {
            // The two halves of the headline's overdue count.
            for scope in ["overdue-production", "overdue-outside-production"] {
                if shown
                    .iter()
                    .any(|f| f.state_tokens.split(' ').any(|t| t == scope))
                {
                    states.push(option(scope, ctx.i18n.t(&format!("filter.{scope}"))));
                }
            }
        }
    }
    let mut teams: Vec<(String, String)> = shown
        .iter()
        .map(|f| (f.team_value.to_string(), f.team.clone()))
        .collect();
    teams.sort();
    teams.dedup();
    vec![
        FilterView {
            name: "severity",
            tokens: false,
            options: severities,
        },
        FilterView {
            name: "state",
            tokens: true,
            options: states,
        },
        FilterView {
            name: "team",
            tokens: false,
            options: teams
                .into_iter()
                .map(|(v, l)| {
                    let label = if v == "-" {
                        ctx.i18n.t("teams.unowned")
                    } else {
                        l
                    };
                    option(&v, label)
                })
                .collect(),
        },
    ]
}

fn title(ctx: &Ctx, key: &str) -> Vec<LinkView> {
    crumbs(ctx.i18n, &[(ctx.i18n.t(key), None)])
}

/// Queue the list and detail pages.
pub fn jobs<'a>(jobs: &mut Vec<Job<'a>>, pages: &'a Pages, ctx: &'a Ctx, shared: &'a Shared<'a>) {
    let r = ctx.report;
    let i = ctx.i18n;
    jobs.push(Box::new(move || {
        let page = ListPage {
            filters: control_filters(ctx, &shared.rows),
            items: &shared.rows,
        };
        pages.page(
            "controls.html",
            "controls.html",
            "controls",
            &title(ctx, "controls.title"),
            &page,
        )
    }));
    jobs.push(Box::new(move || {
        r.controls.par_iter().try_for_each(|c| {
            let path = format!("controls/{}.html", slug(&c.id));
            let trail = crumbs(
                i,
                &[
                    (i.t("controls.title"), Some("controls.html".into())),
                    (
                        ctx.domain_label(&c.domain),
                        Some(format!(
                            "controls.html?domain={}",
                            super::teams::query_value(&c.domain)
                        )),
                    ),
                    (c.id.clone(), None),
                ],
            );
            pages.page(
                "control.html",
                &path,
                "controls",
                &trail,
                &ctx.control_detail(c),
            )
        })
    }));
    jobs.push(Box::new(move || {
        let shown: Vec<FindingView> = shared
            .all_open
            .iter()
            .take(FINDINGS_SHOWN)
            .map(|f| ctx.finding(f))
            .collect();
        let open = shared.all_open.iter().filter(|f| f.state.is_open()).count();
        let page = FindingsPage {
            total: shared.all_open.len(),
            open,
            waived: shared.all_open.len() - open,
            filters: finding_filters(ctx, &shown),
            items: &shown,
        };
        pages.page(
            "findings.html",
            "findings.html",
            "findings",
            &title(ctx, "findings.title"),
            &page,
        )
    }));
    jobs.push(Box::new(move || {
        let (serious, others): (Vec<&Finding>, Vec<&Finding>) = r
            .findings
            .iter()
            .filter(|f| f.is_unmapped())
            .partition(|f| f.is_unmapped_serious());
        let items: Vec<FindingView> = serious.into_iter().map(|f| ctx.finding(f)).collect();
        let others: Vec<FindingView> = others.into_iter().map(|f| ctx.finding(f)).collect();
        let page = UnmappedPage {
            items: &items,
            others: &others,
        };
        pages.page(
            "unmapped.html",
            "unmapped.html",
            "findings",
            &title(ctx, "unmapped.title"),
            &page,
        )
    }));
    jobs.push(Box::new(move || {
        let images: Vec<ImageView> = r.images.iter().map(|s| ctx.image(s, false)).collect();
        let list = ListPage {
            items: &images,
            filters: vec![],
        };
        pages.page(
            "images.html",
            "images/index.html",
            "images",
            &title(ctx, "images.title"),
            &list,
        )
    }));
    jobs.push(Box::new(move || {
        r.images.par_iter().try_for_each(|s| {
            let view = ctx.image(s, true);
            let trail = crumbs(
                i,
                &[
                    (i.t("images.title"), Some("images/index.html".into())),
                    (view.name.clone(), None),
                ],
            );
            pages.page("image.html", &image_href(&s.image), "images", &trail, &view)
        })
    }));
    jobs.push(Box::new(move || {
        pages.page(
            "teams.html",
            "teams.html",
            "teams",
            &title(ctx, "teams.title"),
            &TeamsPage {
                items: shared.teams.clone(),
                since: i.opt_date(r.changes.since),
            },
        )?;
        for t in &r.teams {
            let path = team_href(&t.team);
            let chart = path
                .replace("teams/", "charts/team-")
                .replace(".html", ".svg");
            let (mttr, files) = super::charts::mttr_chart(ctx, &t.team, &chart)?;
            for (path, bytes) in files {
                pages.file(path, bytes)?;
            }
            let trail = crumbs(
                i,
                &[
                    (i.t("teams.title"), Some("teams.html".into())),
                    (t.team.clone(), None),
                ],
            );
            pages.page(
                "team.html",
                &path,
                "teams",
                &trail,
                &ctx.team_page(Some(t), mttr),
            )?;
        }
        if ctx.has_unowned() {
            let trail = crumbs(
                i,
                &[
                    (i.t("teams.title"), Some("teams.html".into())),
                    (i.t("teams.unowned"), None),
                ],
            );
            pages.page(
                "team.html",
                super::teams::UNOWNED_PAGE,
                "teams",
                &trail,
                &ctx.team_page(None, None),
            )?;
        }
        Ok(())
    }));
    jobs.push(Box::new(move || {
        let waivers: Vec<WaiverView> = r.waivers.iter().map(|w| ctx.waiver(w)).collect();
        pages.page(
            "waivers.html",
            "waivers.html",
            "waivers",
            &title(ctx, "waivers.title"),
            &WaiversPage {
                items: &waivers,
                filters: vec![],
                vex: ctx.vex_rows(),
            },
        )?;
        pages.page(
            "changes.html",
            "changes.html",
            "changes",
            &title(ctx, "changes.title"),
            &changes(ctx),
        )
    }));
    jobs.push(Box::new(move || {
        let other: Vec<DiagView> = r.diagnostics.iter().map(|d| ctx.diagnostic(d)).collect();
        let mut all: Vec<DiagView> = shared
            .sources
            .iter()
            .flat_map(|s| s.diagnostics.iter().cloned())
            .collect();
        all.extend(other.iter().cloned());
        let page = SourcesPage {
            sources: &shared.sources,
            diagnostics: all,
            other_diagnostics: other,
            excluded_namespaces: r.scope.excluded_namespaces.join(", "),
            excluded_records: r.scope.excluded_records,
        };
        pages.page(
            "sources.html",
            "sources.html",
            "sources",
            &title(ctx, "sources.title"),
            &page,
        )
    }));
    jobs.push(Box::new(move || {
        let (index, caps) = super::search::index(ctx, shared);
        pages.file("assets/search-index.js".to_string(), index)?;
        pages.page(
            "search.html",
            "search.html",
            "search",
            &title(ctx, "search.title"),
            &caps,
        )
    }));
    jobs.push(Box::new(move || {
        let (text, translated) = super::embedded::evidence_time_md(i.lang());
        let page = DocPage {
            body: SafeHtml(super::markdown::render_markdown(text)),
            english_only: !translated,
        };
        pages.page(
            "doc.html",
            "evidence-time.html",
            "evidence-time",
            &title(ctx, "evidence-time.title"),
            &page,
        )
    }));
}

fn changes(ctx: &Ctx) -> ChangesView {
    let c = &ctx.report.changes;
    let i = ctx.i18n;
    let list = |id: &'static str, key: &str, items: &[String]| ChangeList {
        id,
        title: i.t(key),
        items: items[..items.len().min(CHANGES_SHOWN)].to_vec(),
        total: items.len(),
    };
    let findings = |id: &'static str, key: &str, idx: &[usize]| ChangeList {
        id,
        title: i.t(key),
        items: idx
            .iter()
            .take(CHANGES_SHOWN)
            .filter_map(|f| ctx.report.findings.get(*f))
            .map(|f| match f.previously_fixed_on() {
                // A regression says so wherever it is listed.
                Some(d) => format!(
                    "{} ({})",
                    ctx.finding_label(f),
                    i.tf("finding.previously-fixed", &[("date", i.date(d))])
                ),
                None => ctx.finding_label(f),
            })
            .collect(),
        total: idx.len(),
    };
    let change = |(id, before, after): &(String, Status, Status)| StatusChange {
        control: ctx.control_link(id),
        before: ctx.status(*before),
        after: ctx.status(*after),
    };
    ChangesView {
        since: i.opt_date(c.since),
        better: c
            .controls
            .iter()
            .filter(|(_, b, a)| a.rank() < b.rank())
            .map(change)
            .collect(),
        worse: c
            .controls
            .iter()
            .filter(|(_, b, a)| a.rank() >= b.rank())
            .map(change)
            .collect(),
        lists: vec![
            findings("new-findings", "changes.new-findings", &c.new_findings),
            findings(
                "fixed-findings",
                "changes.fixed-findings",
                &c.fixed_findings,
            ),
            findings(
                "vex-closed-findings",
                "changes.vex-closed-findings",
                &c.vex_closed_findings,
            ),
            list("new-waivers", "changes.new-waivers", &c.new_waivers),
            list(
                "expired-waivers",
                "changes.expired-waivers",
                &c.expired_waivers,
            ),
            list(
                "unused-waivers",
                "changes.unused-waivers",
                &c.unused_waivers,
            ),
            list("lost-evidence", "changes.lost-evidence", &c.lost_evidence),
        ],
    }
}
