//! Charts as SVG text: pure, deterministic functions (no clock, no randomness) over
//! series the caller supplies. Plotters' SVG backend writes styling as attributes and
//! escapes every label, so the output is safe to serve under a strict CSP.
//!
//! [`history`] turns the report's history into the site's five trend charts.

pub mod history;

use plotters::prelude::*;

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (720, 320);

/// One named series.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// One value per x position.
    pub values: Vec<f64>,
    /// Colour (RGB).
    pub colour: (u8, u8, u8),
}

/// What a chart shows.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Caption.
    pub title: String,
    /// X-axis labels (one per position, e.g. localised dates).
    pub x_labels: Vec<String>,
    /// Y-axis description.
    pub y_label: String,
    /// Fixed upper bound of the y axis (e.g. 100 for a score); otherwise from the data.
    pub y_max: Option<f64>,
    /// The series.
    pub series: Vec<Series>,
}

/// A drawing failed (the message is plotters').
#[derive(Debug, thiserror::Error)]
#[error("chart {title:?}: {message}")]
pub struct ChartError {
    /// The chart.
    pub title: String,
    /// What went wrong.
    pub message: String,
}

fn y_top(chart: &Chart) -> f64 {
    let data_max = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max);
    chart
        .y_max
        .unwrap_or_else(|| (data_max * 1.1).ceil().max(1.0))
}

fn positions(chart: &Chart) -> usize {
    chart
        .series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(chart.x_labels.len())
}

/// How the series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lines,
    Bars,
}

fn draw(chart: &Chart, kind: Kind) -> Result<String, ChartError> {
    let err = |e: &dyn std::fmt::Display| ChartError {
        title: chart.title.clone(),
        message: e.to_string(),
    };
    let n = positions(chart);
    let top = y_top(chart);
    let x_range = -0.5..(n.max(1) as f64 - 0.5);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut ctx = ChartBuilder::on(&root)
            .caption(&chart.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(x_range, 0.0..top)
            .map_err(|e| err(&e))?;
        let labels = &chart.x_labels;
        let formatter = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let whole = |y: &f64| {
            if (y - y.round()).abs() < 1e-6 {
                format!("{y:.0}")
            } else {
                String::new()
            }
        };
        ctx.configure_mesh()
            .x_labels(n.clamp(2, 8))
            .x_label_formatter(&formatter)
            .y_label_formatter(&whole)
            .y_desc(chart.y_label.as_str())
            .disable_x_mesh()
            .max_light_lines(1)
            .draw()
            .map_err(|e| err(&e))?;
        let count = chart.series.len().max(1) as f64;
        for (k, s) in chart.series.iter().enumerate() {
            let colour = RGBColor(s.colour.0, s.colour.1, s.colour.2);
            let drawn = match kind {
                Kind::Lines => ctx
                    .draw_series(LineSeries::new(
                        s.values.iter().enumerate().map(|(i, v)| (i as f64, *v)),
                        colour.stroke_width(2),
                    ))
                    .map_err(|e| err(&e))?,
                Kind::Bars => {
                    let width = 0.8 / count;
                    ctx.draw_series(s.values.iter().enumerate().map(|(i, v)| {
                        let x0 = i as f64 - 0.4 + width * k as f64;
                        Rectangle::new([(x0, 0.0), (x0 + width, *v)], colour.filled())
                    }))
                    .map_err(|e| err(&e))?
                }
            };
            drawn.label(s.label.as_str()).legend(move |(x, y)| {
                Rectangle::new([(x, y - 4), (x + 14, y + 4)], colour.filled())
            });
        }
        if !chart.series.is_empty() {
            ctx.configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

/// A line chart.
pub fn line_chart(chart: &Chart) -> Result<String, ChartError> {
    draw(chart, Kind::Lines)
}

/// A grouped bar chart (one bar per series at each position).
pub fn bar_chart(chart: &Chart) -> Result<String, ChartError> {
    draw(chart, Kind::Bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(title: &str) -> Chart {
        Chart {
            title: title.to_string(),
            x_labels: vec!["2026-01-01".into(), "2026-01-08".into()],
            y_label: "n".into(),
            y_max: None,
            series: vec![Series {
                label: "<b>x</b>".into(),
                values: vec![1.0, 3.0],
                colour: (200, 0, 0),
            }],
        }
    }

    #[test]
    fn charts_are_deterministic_and_escape_labels() {
        let a = line_chart(&sample("<script>alert(1)</script>")).unwrap();
        let b = line_chart(&sample("<script>alert(1)</script>")).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("<svg"));
        assert!(!a.contains("<script>") && !a.contains("<b>"));
        let bars = bar_chart(&sample("t")).unwrap();
        assert!(bars.contains("<rect"));
        let empty = line_chart(&Chart {
            series: vec![],
            x_labels: vec![],
            ..sample("empty")
        })
        .unwrap();
        assert!(empty.contains("</svg>"));
    }
}
