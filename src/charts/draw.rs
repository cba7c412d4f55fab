//! Drawing the three chart kinds (lines, grouped bars, stacked bars) with plotters.
//!
//! Every kind writes its series' labels next to the data in the right margin
//! (spread apart so they never overlap), so no legend box hides the data and no
//! reader has to match colours.

use super::{spread, with_dark_mode, Chart, ChartError, SIZE};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Text on coloured bars: near-black, so the dark-mode style (which lightens pure
/// black text) leaves it dark on its light-coloured bar.
pub(super) const INK: RGBColor = RGBColor(0, 0, 1);

/// Room on the right for the labels written next to the data.
const LABEL_ROOM: u32 = 132;

fn y_top(chart: &Chart, stacked: bool) -> f64 {
    let n = positions(chart);
    let data_max = if stacked {
        (0..n)
            .map(|i| {
                chart
                    .series
                    .iter()
                    .filter_map(|s| s.values.get(i).copied().flatten())
                    .sum::<f64>()
            })
            .fold(0.0_f64, f64::max)
    } else {
        chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied().flatten())
            .fold(0.0_f64, f64::max)
    };
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
    Stacked,
}

type Ctx<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Area<'b> = DrawingArea<SVGBackend<'b>, plotters::coord::Shift>;

pub(super) fn colour(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draw the marker of series `k` at `at` on `area` (shapes cycle; colour is never the
/// only difference). A macro so it works in data and in pixel coordinates alike.
macro_rules! draw_marker {
    ($area:expr, $k:expr, $at:expr, $c:expr) => {{
        let c: RGBColor = $c;
        let filled = c.filled();
        let at = $at;
        match $k % 5 {
            0 => $area.draw(&Circle::new(at, 4, filled)),
            1 => $area.draw(&TriangleMarker::new(at, 5, filled)),
            2 => $area.draw(&(EmptyElement::at(at) + Rectangle::new([(-4, -4), (4, 4)], filled))),
            3 => $area.draw(&Cross::new(at, 4, c.stroke_width(2))),
            _ => $area.draw(
                &(EmptyElement::at(at)
                    + Polygon::new(vec![(0, -5), (5, 0), (0, 5), (-5, 0)], filled)),
            ),
        }
    }};
}
pub(super) use draw_marker;

/// Draw a marker and a label at pixel `(x, y)` of the whole image.
fn side_label(
    root: &Area,
    x: i32,
    y: i32,
    text: &str,
    c: RGBColor,
    k: usize,
) -> Result<(), String> {
    draw_marker!(root, k, (x + 6, y), c).map_err(|e| e.to_string())?;
    root.draw(&Text::new(
        text.to_string(),
        (x + 16, y - 6),
        ("sans-serif", 12).into_font().color(&BLACK),
    ))
    .map_err(|e| e.to_string())
}

fn draw(chart: &Chart, kind: Kind) -> Result<String, ChartError> {
    let err = |e: &dyn std::fmt::Display| ChartError {
        title: chart.title.clone(),
        message: e.to_string(),
    };
    let n = positions(chart);
    let top = y_top(chart, kind == Kind::Stacked);
    let x_range = -0.5..(n.max(1) as f64 - 0.5);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let mut ctx = ChartBuilder::on(&root)
            .caption(&chart.title, ("sans-serif", 18))
            .margin(12)
            .margin_right(LABEL_ROOM)
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
        let anchors = match kind {
            Kind::Lines => lines(&mut ctx, chart).map_err(|e| err(&e))?,
            Kind::Bars => bars(&mut ctx, chart).map_err(|e| err(&e))?,
            Kind::Stacked => stacked(&mut ctx, chart, n).map_err(|e| err(&e))?,
        };
        // Labels next to the data, in the right margin, never overlapping.
        let x = (SIZE.0 - LABEL_ROOM) as i32 + 2;
        let ys: Vec<i32> = anchors.iter().map(|a| a.1).collect();
        let placed = spread(&ys, 15, 30, SIZE.1 as i32 - 44);
        for ((k, _, text), y) in anchors.iter().zip(placed) {
            let c = colour(chart.series[*k].colour);
            side_label(&root, x, y, text, c, *k).map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(with_dark_mode(svg))
}

/// Each series as line segments over its known values, a marker at each value and a
/// dash pattern of its own. Returns label anchors (series, pixel y, text).
fn lines(ctx: &mut Ctx, chart: &Chart) -> Result<Vec<(usize, i32, String)>, String> {
    let mut anchors = Vec::new();
    for (k, s) in chart.series.iter().enumerate() {
        let c = colour(s.colour);
        let points: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        // Runs of consecutive known values (a gap stays a gap).
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        for p in &points {
            match runs.last_mut() {
                Some(run) if run.last().is_some_and(|q| (p.0 - q.0 - 1.0).abs() < 1e-9) => {
                    run.push(*p)
                }
                _ => runs.push(vec![*p]),
            }
        }
        for run in runs.into_iter().filter(|r| r.len() > 1) {
            let style = c.stroke_width(2);
            match k % 3 {
                0 => ctx.draw_series(std::iter::once(PathElement::new(run, style))),
                1 => ctx.draw_series(std::iter::once(DashedPathElement::new(run, 8, 4, style))),
                _ => ctx.draw_series(std::iter::once(DashedPathElement::new(run, 3, 3, style))),
            }
            .map_err(|e| e.to_string())?;
        }
        for p in &points {
            draw_marker!(ctx.plotting_area(), k, *p, c).map_err(|e| e.to_string())?;
        }
        if let Some(last) = points.last() {
            let (_, y) = ctx.as_coord_spec().translate(last);
            anchors.push((k, y, s.label.clone()));
        }
    }
    Ok(anchors)
}

/// Grouped bars with their values written above them.
fn bars(ctx: &mut Ctx, chart: &Chart) -> Result<Vec<(usize, i32, String)>, String> {
    let count = chart.series.len().max(1) as f64;
    let width = 0.8 / count;
    for (k, s) in chart.series.iter().enumerate() {
        let c = colour(s.colour);
        let known: Vec<(usize, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        ctx.draw_series(known.iter().map(|(i, v)| {
            let x0 = *i as f64 - 0.4 + width * k as f64;
            Rectangle::new([(x0, 0.0), (x0 + width, *v)], c.filled())
        }))
        .map_err(|e| e.to_string())?;
        ctx.draw_series(known.iter().map(|(i, v)| {
            let x = *i as f64 - 0.4 + width * (k as f64 + 0.5);
            EmptyElement::at((x, *v))
                + Text::new(
                    format!("{v:.0}"),
                    (-3, -13),
                    ("sans-serif", 10).into_font().color(&BLACK),
                )
        }))
        .map_err(|e| e.to_string())?;
    }
    // A legend in the right margin, top down, in series order.
    Ok(chart
        .series
        .iter()
        .enumerate()
        .map(|(k, s)| (k, 40 + 18 * k as i32, s.label.clone()))
        .collect())
}

/// Stacked bars (first series at the bottom) with each segment's value inside it when
/// it fits; labels sit beside the last bar's segments.
fn stacked(ctx: &mut Ctx, chart: &Chart, n: usize) -> Result<Vec<(usize, i32, String)>, String> {
    let mut base = vec![0.0_f64; n];
    let mut anchors = Vec::new();
    let last = (0..n).rev().find(|i| {
        chart
            .series
            .iter()
            .any(|s| s.values.get(*i).copied().flatten().is_some())
    });
    for (k, s) in chart.series.iter().enumerate() {
        let c = colour(s.colour);
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let (y0, y1) = (base[i], base[i] + v);
            base[i] = y1;
            if v > 0.0 {
                ctx.draw_series(std::iter::once(Rectangle::new(
                    [(i as f64 - 0.35, y0), (i as f64 + 0.35, y1)],
                    c.filled(),
                )))
                .map_err(|e| e.to_string())?;
                ctx.draw_series(std::iter::once(Rectangle::new(
                    [(i as f64 - 0.35, y0), (i as f64 + 0.35, y1)],
                    WHITE.stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
                let (_, p0) = ctx.as_coord_spec().translate(&(i as f64, y0));
                let (_, p1) = ctx.as_coord_spec().translate(&(i as f64, y1));
                if p0 - p1 >= 14 {
                    ctx.draw_series(std::iter::once(
                        EmptyElement::at((i as f64, (y0 + y1) / 2.0))
                            + Text::new(
                                format!("{v:.0}"),
                                (-6, -6),
                                ("sans-serif", 11).into_font().color(&INK),
                            ),
                    ))
                    .map_err(|e| e.to_string())?;
                }
            }
            if Some(i) == last {
                let (_, y) = ctx.as_coord_spec().translate(&(i as f64, (y0 + y1) / 2.0));
                anchors.push((k, y, format!("{} {v:.0}", s.label)));
            }
        }
    }
    // Topmost segment first, like the stack reads.
    anchors.reverse();
    Ok(anchors)
}

/// A line chart.
pub fn line_chart(chart: &Chart) -> Result<String, ChartError> {
    draw(chart, Kind::Lines)
}

/// A grouped bar chart (one bar per series at each position).
pub fn bar_chart(chart: &Chart) -> Result<String, ChartError> {
    draw(chart, Kind::Bars)
}

/// A stacked bar chart (the series add up at each position).
pub fn stacked_chart(chart: &Chart) -> Result<String, ChartError> {
    draw(chart, Kind::Stacked)
}
