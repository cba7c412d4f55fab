//! The charts as files under `charts/`, each with a table alternative for screen
//! readers and for readers with images off: the five trend charts, the summary's
//! sparkline and status bars, the team chart and each team's time to fix.

use super::build::Ctx;
use super::summary::SummaryCharts;
use super::views::ChartView;
use super::RenderError;
use crate::charts::history::{self, status_colour, Words};
use crate::charts::summary::{sparkline, status_bars, Bar};
use crate::charts::{bar_chart, line_chart, palette, Chart, Series};
use crate::evaluate::{HistoryPoint, Status};
use crate::model::{RecordKind, Severity};

type Draw = fn(&[HistoryPoint], &Words) -> Result<String, crate::charts::ChartError>;
/// A text alternative: header and rows.
type Table = (Vec<String>, Vec<Vec<String>>);
/// Output files.
type Files = Vec<(String, Vec<u8>)>;

fn chart_err(e: crate::charts::ChartError) -> RenderError {
    RenderError::Chart(e.to_string())
}

/// The first history point at which findings could be known: the first date on or
/// after the oldest dated input holding scan results (vulnerabilities,
/// misconfigurations, secrets, scans), or the oldest first-seen date of a finding when
/// that is earlier (an audit event or an alert is a finding before any scan). Earlier
/// points have no findings data.
pub fn first_findings(ctx: &Ctx) -> usize {
    let kinds = [
        RecordKind::Vulnerability,
        RecordKind::Misconfiguration,
        RecordKind::Secret,
        RecordKind::Scan,
    ];
    let first = ctx
        .report
        .sources
        .iter()
        .filter(|s| {
            kinds
                .iter()
                .any(|k| s.records.get(k).copied().unwrap_or(0) > 0)
        })
        .filter_map(|s| s.first_observed)
        .chain(ctx.report.findings.iter().filter_map(|f| f.first_seen))
        .min()
        .map(|t| t.date_naive());
    let h = &ctx.report.history;
    match first {
        // The point whose period contains the first scan is the first with data.
        Some(d) => h.iter().position(|p| p.date >= d).unwrap_or(h.len()),
        None => 0,
    }
}

/// The five trend charts: their views and their SVG files.
pub fn trend_charts(ctx: &Ctx) -> Result<(Vec<ChartView>, Files), RenderError> {
    let h = &ctx.report.history;
    let i = ctx.i18n;
    let name = |k: &str| i.t(k);
    let first = first_findings(ctx);
    let words = Words {
        dates: h.iter().map(|p| i.date(p.date)).collect(),
        name: &name,
        first_findings: first,
    };
    let int = |n: usize| n.to_string();
    let none = i.t("common.none");
    let table = |cols: Vec<String>, cell: &dyn Fn(usize, &HistoryPoint) -> Vec<String>| {
        let mut header = vec![i.t("common.date")];
        header.extend(cols);
        let rows = h
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let mut r = vec![i.date(p.date)];
                r.extend(cell(k, p));
                r
            })
            .collect::<Vec<_>>();
        (header, rows)
    };
    // Findings columns say "—" where no findings data existed yet.
    let known = |k: usize, v: String| if k >= first { v } else { none.clone() };
    let severities = &Severity::DESCENDING;
    let specs: Vec<(&str, &str, Draw, Table)> = vec![
        (
            "score",
            "chart.score-title",
            history::score,
            table(vec![i.t("chart.score")], &|_, p| {
                vec![if history::judged(p) {
                    i.number(p.score, 1)
                } else {
                    none.clone()
                }]
            }),
        ),
        (
            "statuses",
            "chart.status-title",
            history::statuses,
            table(
                Status::ALL
                    .iter()
                    .map(|s| i.t(&format!("status.{}", s.as_str())))
                    .collect(),
                &|_, p| {
                    Status::ALL
                        .iter()
                        .map(|s| int(p.statuses.get(s).copied().unwrap_or(0)))
                        .collect()
                },
            ),
        ),
        (
            "severities",
            "chart.severity-title",
            history::severities,
            table(
                severities
                    .iter()
                    .map(|s| i.t(&format!("severity.{}", s.as_str())))
                    .collect(),
                &|k, p| {
                    severities
                        .iter()
                        .map(|s| known(k, int(p.open_by_severity.get(s).copied().unwrap_or(0))))
                        .collect()
                },
            ),
        ),
        (
            "new-vs-fixed",
            "chart.flow-title",
            history::new_vs_fixed,
            table(vec![i.t("chart.new"), i.t("chart.fixed")], &|k, p| {
                vec![known(k, int(p.new)), known(k, int(p.fixed))]
            }),
        ),
        (
            "overdue",
            "chart.overdue-title",
            history::overdue,
            table(vec![i.t("state.overdue")], &|k, p| {
                vec![known(k, int(p.overdue))]
            }),
        ),
    ];
    let mut views = Vec::new();
    let mut files = Vec::new();
    for (file, title, draw, (header, rows)) in specs {
        let svg = draw(h, &words).map_err(chart_err)?;
        let path = format!("charts/{file}.svg");
        files.push((path.clone(), svg.into_bytes()));
        views.push(ChartView {
            src: path,
            title: i.t(title),
            header,
            rows,
        });
    }
    Ok((views, files))
}

/// The summary's sparkline and its status bars (now and a period ago).
pub fn summary_charts(ctx: &Ctx) -> Result<(SummaryCharts, Files), RenderError> {
    let i = ctx.i18n;
    let mut files = Vec::new();
    let mut out = SummaryCharts::default();
    let scores = history::scores(&ctx.report.history);
    if scores.iter().flatten().count() >= 2 {
        let svg = sparkline(&scores, 100.0, palette::BLUE).map_err(chart_err)?;
        out.spark = Some("charts/score-spark.svg".into());
        files.push(("charts/score-spark.svg".into(), svg.into_bytes()));
    }
    let bar = |date: chrono::NaiveDate, get: &dyn Fn(Status) -> usize| Bar {
        label: i.date(date),
        segments: Status::ALL
            .iter()
            .map(|s| {
                (
                    i.t(&format!("status.{}", s.as_str())),
                    get(*s),
                    status_colour(*s),
                )
            })
            .collect(),
    };
    let mut rows = vec![bar(ctx.report.as_of.date_naive(), &|s| {
        ctx.report.controls.iter().filter(|c| c.status == s).count()
    })];
    if let Some(p) = ctx.previous() {
        rows.push(bar(p.date, &|s| p.statuses.get(&s).copied().unwrap_or(0)));
    }
    let svg = status_bars(&i.t("summary.bars-title"), &rows).map_err(chart_err)?;
    out.bars = Some("charts/status-bars.svg".into());
    files.push(("charts/status-bars.svg".into(), svg.into_bytes()));
    Ok((out, files))
}

/// Overdue findings, and findings new and fixed since the previous period, by team.
pub fn team_chart(
    ctx: &Ctx,
    rows: &[super::views_summary::TeamRow],
) -> Result<(Option<ChartView>, Files), RenderError> {
    let i = ctx.i18n;
    if rows.is_empty() {
        return Ok((None, Vec::new()));
    }
    let count = |c: &Option<super::views_summary::CountLink>| c.as_ref().map(|c| c.count as f64);
    let series = vec![
        Series {
            label: i.t("state.overdue"),
            values: rows.iter().map(|r| Some(r.overdue.count as f64)).collect(),
            colour: palette::VERMILLION,
        },
        Series {
            label: i.t("chart.new"),
            values: rows.iter().map(|r| count(&r.new)).collect(),
            colour: palette::ORANGE,
        },
        Series {
            label: i.t("chart.fixed"),
            values: rows.iter().map(|r| count(&r.fixed)).collect(),
            colour: palette::BLUE,
        },
    ];
    let title = i.t("chart.teams-title");
    let chart = Chart {
        title: title.clone(),
        x_labels: rows.iter().map(|r| r.team.clone()).collect(),
        y_label: i.t("chart.findings"),
        y_max: None,
        series,
    };
    let svg = bar_chart(&chart).map_err(chart_err)?;
    let none = i.t("common.none");
    let cell = |c: &Option<super::views_summary::CountLink>| {
        c.as_ref().map_or(none.clone(), |c| c.count.to_string())
    };
    let view = ChartView {
        src: "charts/teams.svg".into(),
        title,
        header: vec![
            i.t("col.team"),
            i.t("state.overdue"),
            i.t("chart.new"),
            i.t("chart.fixed"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.team.clone(),
                    r.overdue.count.to_string(),
                    cell(&r.new),
                    cell(&r.fixed),
                ]
            })
            .collect(),
    };
    Ok((
        Some(view),
        vec![("charts/teams.svg".into(), svg.into_bytes())],
    ))
}

/// A team's mean time to fix over time (`None` when it has fixed nothing).
pub fn mttr_chart(
    ctx: &Ctx,
    team: &str,
    file: &str,
) -> Result<(Option<ChartView>, Files), RenderError> {
    let i = ctx.i18n;
    let values = ctx.mttr_series(team);
    if values.iter().all(Option::is_none) {
        return Ok((None, Vec::new()));
    }
    let h = &ctx.report.history;
    let title = i.t("chart.mttr-title");
    let chart = Chart {
        title: title.clone(),
        x_labels: h.iter().map(|p| i.date(p.date)).collect(),
        y_label: i.t("chart.days"),
        y_max: None,
        series: vec![Series {
            label: i.t("col.mean-days"),
            values: values.clone(),
            colour: palette::BLUE,
        }],
    };
    let svg = line_chart(&chart).map_err(chart_err)?;
    let none = i.t("common.none");
    let view = ChartView {
        src: file.to_string(),
        title,
        header: vec![i.t("common.date"), i.t("col.mean-days")],
        rows: h
            .iter()
            .zip(&values)
            .map(|(p, v)| vec![i.date(p.date), v.map_or(none.clone(), |v| i.number(v, 1))])
            .collect(),
    };
    Ok((Some(view), vec![(file.to_string(), svg.into_bytes())]))
}
