//! Charts as SVG text: pure, deterministic functions (no clock, no randomness) over
//! series the caller supplies. Plotters' SVG backend writes styling as attributes and
//! escapes every label, so the output is safe to serve under a strict CSP.
//!
//! Charts tell the truth: a value that does not exist yet (`None`, before the first
//! evidence) is left out, never drawn as zero. Series are told apart by more than
//! colour (a colour-blind-safe palette, marker shapes, dash patterns and labels written
//! next to the data), and every SVG carries a `prefers-color-scheme: dark` style so the
//! charts follow the page into dark mode.
//!
//! [`history`] turns the report's history into the site's trend charts; [`summary`]
//! draws the small charts of the overview (sparkline, status bars, team bars).

mod draw;
pub mod history;
pub mod summary;

pub use draw::{bar_chart, line_chart, stacked_chart};

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (720, 320);

/// The Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
pub mod palette {
    /// Vermillion.
    pub const VERMILLION: (u8, u8, u8) = (213, 94, 0);
    /// Orange.
    pub const ORANGE: (u8, u8, u8) = (230, 159, 0);
    /// Sky blue.
    pub const SKY: (u8, u8, u8) = (86, 180, 233);
    /// Bluish green.
    pub const GREEN: (u8, u8, u8) = (0, 158, 115);
    /// Blue.
    pub const BLUE: (u8, u8, u8) = (0, 114, 178);
    /// Reddish purple.
    pub const PURPLE: (u8, u8, u8) = (204, 121, 167);
    /// Grey (not part of Okabe–Ito's hues; for "unknown").
    pub const GREY: (u8, u8, u8) = (153, 153, 153);
    /// Dark red, for the most severe category (distinct from vermillion by lightness).
    pub const DARK: (u8, u8, u8) = (120, 28, 40);
}

/// One named series.
#[derive(Debug, Clone)]
pub struct Series {
    /// Label (legend and direct label).
    pub label: String,
    /// One value per x position; `None` where no data exists (nothing is drawn).
    pub values: Vec<Option<f64>>,
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

/// The style every chart carries: in dark mode the white background, black text and
/// black axes of plotters' output turn dark, light and grey. Series colours stay (the
/// palette reads on both backgrounds), except the darkest one, which is lightened.
pub const DARK_STYLE: &str = "<style>@media (prefers-color-scheme: dark){\
[fill=\"#FFFFFF\"]{fill:#0d1117}[fill=\"#000000\"]{fill:#e6edf3}\
[stroke=\"#000000\"]{stroke:#8b949e}[stroke=\"#FFFFFF\"]{stroke:#0d1117}\
[fill=\"#781C28\"]{fill:#e8707f}[stroke=\"#781C28\"]{stroke:#e8707f}}</style>";

/// Insert [`DARK_STYLE`] right after the opening `<svg …>` tag.
pub fn with_dark_mode(svg: String) -> String {
    match svg.find('>') {
        Some(i) if svg.starts_with("<svg") => {
            let mut out = String::with_capacity(svg.len() + DARK_STYLE.len() + 1);
            out.push_str(&svg[..=i]);
            out.push('\n');
            out.push_str(DARK_STYLE);
            out.push_str(&svg[i + 1..]);
            out
        }
        _ => svg,
    }
}

/// Spread label positions (pixel y, sorted or not) so that no two are closer than `gap`,
/// keeping them inside `lo..=hi`. Returns the new positions in the input order.
pub fn spread(ys: &[i32], gap: i32, lo: i32, hi: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..ys.len()).collect();
    order.sort_by_key(|&i| (ys[i], i));
    let mut placed: Vec<i32> = order.iter().map(|&i| ys[i].clamp(lo, hi)).collect();
    for k in 1..placed.len() {
        if placed[k] < placed[k - 1] + gap {
            placed[k] = placed[k - 1] + gap;
        }
    }
    // Pushed past the bottom: shift the run back up.
    if let Some(last) = placed.last().copied() {
        if last > hi {
            let over = last - hi;
            for p in placed.iter_mut() {
                *p -= over;
            }
            for k in (0..placed.len().saturating_sub(1)).rev() {
                if placed[k] > placed[k + 1] - gap {
                    placed[k] = placed[k + 1] - gap;
                }
            }
        }
    }
    let mut out = vec![0; ys.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = placed[k];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(title: &str) -> Chart {
        Chart {
            title: title.to_string(),
            x_labels: vec![
                "2026-01-01".into(),
                "2026-01-08".into(),
                "2026-01-15".into(),
            ],
            y_label: "n".into(),
            y_max: None,
            series: vec![Series {
                label: "<b>x</b>".into(),
                values: vec![None, Some(1.0), Some(3.0)],
                colour: (200, 0, 0),
            }],
        }
    }

    #[test]
    fn charts_are_deterministic_escape_labels_and_follow_dark_mode() {
        let a = line_chart(&sample("<script>alert(1)</script>")).unwrap();
        let b = line_chart(&sample("<script>alert(1)</script>")).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("<svg"));
        assert!(a.contains("prefers-color-scheme: dark"));
        assert!(!a.contains("<script>") && !a.contains("<b>"));
        let bars = bar_chart(&sample("t")).unwrap();
        assert!(bars.contains("<rect"));
        let stacked = stacked_chart(&sample("t")).unwrap();
        assert!(stacked.contains("<rect"));
        let empty = line_chart(&Chart {
            series: vec![],
            x_labels: vec![],
            ..sample("empty")
        })
        .unwrap();
        assert!(empty.contains("</svg>"));
    }

    #[test]
    fn a_missing_value_draws_nothing_where_a_zero_draws_a_point() {
        let missing = line_chart(&sample("t")).unwrap();
        let mut zero = sample("t");
        zero.series[0].values[0] = Some(0.0);
        let zero = line_chart(&zero).unwrap();
        let markers = |s: &str| s.matches("<circle").count();
        assert_eq!(markers(&missing) + 1, markers(&zero));
    }

    #[test]
    fn labels_are_spread_apart_and_kept_in_range() {
        assert_eq!(spread(&[10, 11, 12], 10, 0, 100), vec![10, 20, 30]);
        assert_eq!(spread(&[100, 99], 10, 0, 100), vec![100, 90]);
        assert_eq!(spread(&[50], 10, 0, 100), vec![50]);
    }
}
