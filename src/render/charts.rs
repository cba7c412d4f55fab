//! The trend charts as files under `charts/`, each with a table alternative for
//! screen readers and for readers with images off.

use super::build::Ctx;
use super::views::ChartView;
use super::RenderError;
use crate::charts::history::{self, Words};
use crate::evaluate::{HistoryPoint, Status};
use crate::model::Severity;

type Draw = fn(&[HistoryPoint], &Words) -> Result<String, crate::charts::ChartError>;
/// A text alternative: header and rows.
type Table = (Vec<String>, Vec<Vec<String>>);
/// Output files.
type Files = Vec<(String, Vec<u8>)>;

/// The five trend charts: their views and their SVG files.
pub fn trend_charts(ctx: &Ctx) -> Result<(Vec<ChartView>, Files), RenderError> {
    let h = &ctx.report.history;
    let i = ctx.i18n;
    let name = |k: &str| i.t(k);
    let words = Words {
        dates: h.iter().map(|p| i.date(p.date)).collect(),
        name: &name,
    };
    let int = |n: usize| n.to_string();
    let table = |cols: Vec<String>, cell: &dyn Fn(&HistoryPoint) -> Vec<String>| {
        let mut header = vec![i.t("common.date")];
        header.extend(cols);
        let rows = h
            .iter()
            .map(|p| {
                let mut r = vec![i.date(p.date)];
                r.extend(cell(p));
                r
            })
            .collect::<Vec<_>>();
        (header, rows)
    };
    let severities = &Severity::DESCENDING[..4];
    let specs: Vec<(&str, &str, Draw, Table)> = vec![
        (
            "score",
            "chart.score-title",
            history::score,
            table(vec![i.t("chart.score")], &|p| vec![i.number(p.score, 1)]),
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
                &|p| {
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
                &|p| {
                    severities
                        .iter()
                        .map(|s| int(p.open_by_severity.get(s).copied().unwrap_or(0)))
                        .collect()
                },
            ),
        ),
        (
            "new-vs-fixed",
            "chart.flow-title",
            history::new_vs_fixed,
            table(vec![i.t("chart.new"), i.t("chart.fixed")], &|p| {
                vec![int(p.new), int(p.fixed)]
            }),
        ),
        (
            "overdue",
            "chart.overdue-title",
            history::overdue,
            table(vec![i.t("state.overdue")], &|p| vec![int(p.overdue)]),
        ),
    ];
    let mut views = Vec::new();
    let mut files = Vec::new();
    for (file, title, draw, (header, rows)) in specs {
        let svg = draw(h, &words).map_err(|e| RenderError::Chart(e.to_string()))?;
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
