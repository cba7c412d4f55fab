//! The site's trend charts, drawn from the report's history points.

use super::{bar_chart, line_chart, Chart, ChartError, Series};
use crate::evaluate::{HistoryPoint, Status};
use crate::model::Severity;

/// Localised words the charts need; `name` maps a key
/// (`status.pass`, `severity.high`, `chart.new`, …) to its label.
pub struct Words<'a> {
    /// X-axis labels, one per history point.
    pub dates: Vec<String>,
    /// Label lookup.
    pub name: &'a dyn Fn(&str) -> String,
}

/// Colour of a status series.
pub fn status_colour(s: Status) -> (u8, u8, u8) {
    match s {
        Status::Pass => (26, 127, 55),
        Status::Fail => (191, 34, 34),
        Status::Warning => (176, 110, 0),
        Status::NotAssessed => (110, 110, 110),
        Status::Manual => (80, 80, 170),
        Status::Waived => (120, 60, 140),
    }
}

fn severity_colour(s: Severity) -> (u8, u8, u8) {
    match s {
        Severity::Critical => (140, 0, 0),
        Severity::High => (210, 60, 30),
        Severity::Medium => (200, 140, 0),
        Severity::Low => (60, 110, 180),
        Severity::Unknown | Severity::None => (120, 120, 120),
    }
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

/// Compliance score (0–100) over time.
pub fn score(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let s = Series {
        label: (w.name)("chart.score"),
        values: h.iter().map(|p| p.score).collect(),
        colour: (26, 90, 160),
    };
    line_chart(&chart(
        w,
        "chart.score-title",
        "chart.percent",
        Some(100.0),
        vec![s],
    ))
}

/// Controls by status over time.
pub fn statuses(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let series = Status::ALL
        .iter()
        .map(|s| Series {
            label: (w.name)(&format!("status.{}", s.as_str())),
            values: h
                .iter()
                .map(|p| p.statuses.get(s).copied().unwrap_or(0) as f64)
                .collect(),
            colour: status_colour(*s),
        })
        .collect();
    line_chart(&chart(
        w,
        "chart.status-title",
        "chart.controls",
        None,
        series,
    ))
}

/// Open findings by severity over time.
pub fn severities(h: &[HistoryPoint], w: &Words) -> Result<String, ChartError> {
    let series = Severity::DESCENDING[..4]
        .iter()
        .map(|s| Series {
            label: (w.name)(&format!("severity.{}", s.as_str())),
            values: h
                .iter()
                .map(|p| p.open_by_severity.get(s).copied().unwrap_or(0) as f64)
                .collect(),
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
            values: h.iter().map(|p| p.new as f64).collect(),
            colour: (191, 34, 34),
        },
        Series {
            label: (w.name)("chart.fixed"),
            values: h.iter().map(|p| p.fixed as f64).collect(),
            colour: (26, 127, 55),
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
        values: h.iter().map(|p| p.overdue as f64).collect(),
        colour: (191, 34, 34),
    };
    line_chart(&chart(
        w,
        "chart.overdue-title",
        "chart.findings",
        None,
        vec![s],
    ))
}
