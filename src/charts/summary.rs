//! The small charts at the top of the overview and the executive summary: a score
//! sparkline and a stacked bar of control statuses per date (now and a period ago).
//! Same rules as the trend charts: deterministic, missing values not drawn, labels
//! written on the data, dark mode included.

use super::draw::{colour, draw_marker, INK};
use super::{with_dark_mode, ChartError};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Sparkline size in pixels.
pub const SPARK: (u32, u32) = (200, 48);

/// A sparkline of values on `0..=y_max` (no axes; a dot on the newest value).
pub fn sparkline(
    values: &[Option<f64>],
    y_max: f64,
    rgb: (u8, u8, u8),
) -> Result<String, ChartError> {
    let err = |e: &dyn std::fmt::Display| ChartError {
        title: "sparkline".into(),
        message: e.to_string(),
    };
    let n = values.len().max(2);
    let c = colour(rgb);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SPARK).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut ctx = ChartBuilder::on(&root)
            .margin(6)
            .build_cartesian_2d(0.0..(n - 1) as f64, 0.0..y_max.max(1.0))
            .map_err(|e| err(&e))?;
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), ((n - 1) as f64, 0.0)],
            BLACK.mix(0.25).stroke_width(1),
        )))
        .map_err(|e| err(&e))?;
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        ctx.draw_series(std::iter::once(PathElement::new(
            points.clone(),
            c.stroke_width(2),
        )))
        .map_err(|e| err(&e))?;
        if let Some(last) = points.last() {
            ctx.draw_series(std::iter::once(Circle::new(*last, 3, c.filled())))
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(with_dark_mode(svg))
}

/// One bar of [`status_bars`]: its label (a date) and its segments.
pub struct Bar {
    /// Row label.
    pub label: String,
    /// Segments in order: (label, count, colour).
    pub segments: Vec<(String, usize, (u8, u8, u8))>,
}

/// Horizontal stacked bars, one per row, with each segment's count written inside it
/// and a legend (marker, name) underneath.
pub fn status_bars(title: &str, rows: &[Bar]) -> Result<String, ChartError> {
    let err = |e: &dyn std::fmt::Display| ChartError {
        title: title.to_string(),
        message: e.to_string(),
    };
    const W: u32 = 720;
    const LEFT: i32 = 112;
    const RIGHT: i32 = 708;
    const ROW: i32 = 34;
    let h = 16 + ROW * rows.len() as i32 + 30;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, h as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let text = |s: &str, x: i32, y: i32, size: i32, ink: RGBColor, pos: Pos| {
            Text::new(
                s.to_string(),
                (x, y),
                ("sans-serif", size).into_font().color(&ink).pos(pos),
            )
        };
        let right_mid = Pos::new(HPos::Right, VPos::Center);
        let centre = Pos::new(HPos::Center, VPos::Center);
        let left_mid = Pos::new(HPos::Left, VPos::Center);
        for (r, bar) in rows.iter().enumerate() {
            let y0 = 8 + ROW * r as i32;
            let y1 = y0 + ROW - 8;
            let mid = (y0 + y1) / 2;
            root.draw(&text(&bar.label, LEFT - 8, mid, 13, BLACK, right_mid))
                .map_err(|e| err(&e))?;
            let total: usize = bar.segments.iter().map(|s| s.1).sum();
            let mut x = LEFT;
            let mut acc = 0usize;
            for (_, n, rgb) in &bar.segments {
                acc += n;
                let x1 = LEFT
                    + ((RIGHT - LEFT) as f64 * acc as f64 / total.max(1) as f64).round() as i32;
                if *n > 0 {
                    root.draw(&Rectangle::new([(x, y0), (x1, y1)], colour(*rgb).filled()))
                        .map_err(|e| err(&e))?;
                    root.draw(&Rectangle::new([(x, y0), (x1, y1)], WHITE.stroke_width(1)))
                        .map_err(|e| err(&e))?;
                    if x1 - x >= 18 {
                        root.draw(&text(&n.to_string(), (x + x1) / 2, mid, 12, INK, centre))
                            .map_err(|e| err(&e))?;
                    }
                }
                x = x1;
            }
        }
        // Legend: marker and name, in segment order.
        if let Some(first) = rows.first() {
            let y = 16 + ROW * rows.len() as i32 + 4;
            let mut x = LEFT;
            for (k, (label, _, rgb)) in first.segments.iter().enumerate() {
                draw_marker!(root, k, (x + 5, y), colour(*rgb)).map_err(|e| err(&e))?;
                root.draw(&text(label, x + 14, y, 12, BLACK, left_mid))
                    .map_err(|e| err(&e))?;
                x += 30 + 7 * label.chars().count() as i32;
            }
        }
        let _ = title;
        root.present().map_err(|e| err(&e))?;
    }
    Ok(with_dark_mode(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_and_status_bars_are_deterministic_svg() {
        let v = [None, Some(30.0), Some(25.0)];
        let a = sparkline(&v, 100.0, (0, 114, 178)).unwrap();
        assert_eq!(a, sparkline(&v, 100.0, (0, 114, 178)).unwrap());
        assert!(a.starts_with("<svg") && a.contains("<circle"));
        let rows = [Bar {
            label: "<now>".into(),
            segments: vec![
                ("Fail".into(), 3, (213, 94, 0)),
                ("Pass".into(), 1, (0, 158, 115)),
            ],
        }];
        let b = status_bars("t", &rows).unwrap();
        assert!(b.contains("&lt;now&gt;") && !b.contains("<now>"));
        assert!(b.contains(">3<") || b.contains("\n3\n"), "{b}");
    }
}
