//! The site's trend charts, drawn from the report's history points.
//!
//! A history point before the first evidence of what a chart counts has no value
//! (`None`), so its series starts where the data starts: the findings charts begin at
//! the first history date on or after the first dated finding (`first_findings`), and
//! the score has no value at a date where no control could be judged.

use super::palette::*;
use super::{bar_chart, line_chart, stacked_chart, Chart, ChartError, Series};
use crate::evaluate::{HistoryPoint, Status};
use crate::model::Severity;

/// Localised words the charts need; `name` maps a key
/// (`status.pass`, `severity.high`, `chart.new`, …) to its label.
pub struct Words<'a> {
    /// X-axis labels, one per history point.
    pub dates: Vec<String>,
    /// Label lookup.
    pub name: &'a dyn Fn(&str) -> String,
    /// Index of the first history point at which findings were known (earlier
    /// points have no findings data).
    pub first_findings: usize,
}

/// Colour of a status (Okabe–Ito).
pub fn status_colour(s: Status) -> (u8, u8, u8) {
    match s {
        Status::Pass => GREEN,
        Status::Fail => VERMILLION,
        Status::Warning => ORANGE,
        Status::NotAssessed => GREY,
        Status::Manual => SKY,
        Status::Waived => PURPLE,
    }
}

/// Colour of a severity (Okabe–Ito, darkest for the worst).
pub fn severity_colour(s: Severity) -> (u8, u8, u8) {
    match s {
        Severity::Critical => DARK,
        Severity::High => VERMILLION,
        Severity::Medium => ORANGE,
        Severity::Low => BLUE,
        Severity::Unknown => GREY,
        Severity::None => SKY,
    }
}

/// Whether any control could be judged at a point (the score means something).
pub fn judged(p: &HistoryPoint) -> bool {
    [Status::Pass, Status::Waived, Status::Fail, Status::Warning]
        .iter()
        .any(|s| p.statuses.get(s).copied().unwrap_or(0) > 0)
}

/// The score at each point, `None` where nothing was judged.
pub fn scores(h: &[HistoryPoint]) -> Vec<Option<f64>> {
    h.iter().map(|p| judged(p).then_some(p.score)).collect()
}

fn chart(w: &Words, title: &str, y: &str, y_max: Option<f64>, series: Vec<Series>) -> Chart {
    Chart {
        title: (w.name)(title),
        x_labels: w.dates.clone(),
        y_label: (w.name)(y),
        y_max,
        series,
    }
}

/// A findings count per point, `None` before the first findings data.
fn findings_series(
    h: &[HistoryPoint],
    w: &Words,
    f: impl Fn(&HistoryPoint) -> usize,
) -> Vec<Option<f64>> {
    h.iter()
        .enumerate()
        .map(|(i, p)| (i >= w.first_findings).then(|| f(p) as f64))
        .collect()
}

/// Compliance score (0–100) over time.
pub fn score(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let s = Series {
        label: (w.name)("chart.score"),
        values: scores(h),
        colour: BLUE,
    };
    line_chart(&chart(
        w,
        "chart.score-title",
        "chart.percent",
        Some(100.0),
        vec![s],
    ))
}

/// Controls by status over time, stacked (failures at the bottom).
pub fn statuses(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let series = Status::ALL
        .iter()
        .map(|s| Series {
            label: (w.name)(&format!("status.{}", s.as_str())),
            values: h
                .iter()
                .map(|p| Some(p.statuses.get(s).copied().unwrap_or(0) as f64))
                .collect(),
            colour: status_colour(*s),
        })
        .collect();
    stacked_chart(&chart(
        w,
        "chart.status-title",
        "chart.controls",
        None,
        series,
    ))
}

/// Open findings by severity over time.
pub fn severities(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let series = Severity::DESCENDING
        .iter()
        .map(|s| Series {
            label: (w.name)(&format!("severity.{}", s.as_str())),
            values: findings_series(h, w, |p| p.open_by_severity.get(s).copied().unwrap_or(0)),
            colour: severity_colour(*s),
        })
        .collect();
    line_chart(&chart(
        w,
        "chart.severity-title",
        "chart.findings",
        None,
        series,
    ))
}

/// New versus fixed findings per period.
pub fn new_vs_fixed(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let series = vec![
        Series {
            label: (w.name)("chart.new"),
            values: findings_series(h, w, |p| p.new),
            colour: VERMILLION,
        },
        Series {
            label: (w.name)("chart.fixed"),
            values: findings_series(h, w, |p| p.fixed),
            colour: BLUE,
        },
    ];
    bar_chart(&chart(
        w,
        "chart.flow-title",
        "chart.findings",
        None,
        series,
    ))
}

/// Overdue findings over time.
pub fn overdue(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let s = Series {
        label: (w.name)("state.overdue"),
        values: findings_series(h, w, |p| p.overdue),
        colour: VERMILLION,
    };
    line_chart(&chart(
        w,
        "chart.overdue-title",
        "chart.findings",
        None,
        vec![s],
    ))
}
