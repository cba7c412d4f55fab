//! Draw the benchmark chart: wall time and peak RSS against input size, from the TSV
//! written by `scripts/bench.sh`.
//!
//! ```text
//! cargo run --release --example bench_chart -- bench-data/bench-results.tsv docs/bench.svg
//! ```
//!
//! Two panels (log–log): wall seconds and peak RSS (MB) against input MB, one line per
//! program (`muster build`, `muster check`, the parse-only floor). When a size was run
//! several times, the run with the median wall time is plotted. The `sample` rows and
//! failed runs are ignored. Output is SVG (plotters' SVG backend, no fonts needed).

use plotters::prelude::*;
use std::collections::BTreeMap;

/// One measured run (the columns of bench-results.tsv that the chart uses).
#[derive(Clone, Copy)]
struct Run {
    input_mb: f64,
    wall_s: f64,
    rss_mb: f64,
}

const PROGRAMS: &[(&str, &str, RGBColor)] = &[
    ("build", "muster build", RGBColor(0x1f, 0x5f, 0xa8)),
    ("check", "muster check", RGBColor(0x2e, 0x8b, 0x57)),
    ("floor", "parse-only floor", RGBColor(0xc0, 0x50, 0x20)),
];

fn read_runs(path: &str) -> Result<BTreeMap<(String, String), Vec<Run>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("{path}: no column {name}"))
    };
    let (size, program, bytes, wall, rss, exit) = (
        col("size")?,
        col("program")?,
        col("input_bytes")?,
        col("wall_s")?,
        col("max_rss_kb")?,
        col("exit")?,
    );
    let mut runs: BTreeMap<(String, String), Vec<Run>> = BTreeMap::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| f.get(i).copied().unwrap_or_default();
        let num = |i: usize| get(i).parse::<f64>().unwrap_or(f64::NAN);
        // `muster check` exits 1 when a control fails: that is a result, not an error.
        if get(size) == "sample" || num(exit) > 1.0 {
            continue;
        }
        let run = Run {
            input_mb: num(bytes) / 1e6,
            wall_s: num(wall).max(0.01),
            rss_mb: num(rss) / 1024.0,
        };
        if run.input_mb.is_finite() && run.wall_s.is_finite() && run.rss_mb.is_finite() {
            runs.entry((get(program).to_string(), get(size).to_string()))
                .or_default()
                .push(run);
        }
    }
    Ok(runs)
}

/// Median-wall run per (program, size), as points sorted by input size, per program.
fn series(runs: &BTreeMap<(String, String), Vec<Run>>) -> BTreeMap<String, Vec<Run>> {
    let mut out: BTreeMap<String, Vec<Run>> = BTreeMap::new();
    for ((program, _), rs) in runs {
        let mut rs = rs.clone();
        rs.sort_by(|a, b| a.wall_s.total_cmp(&b.wall_s));
        out.entry(program.clone())
            .or_default()
            .push(rs[(rs.len() - 1) / 2]);
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.input_mb.total_cmp(&b.input_mb));
    }
    out
}

fn bounds(points: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = points.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (1.0, 10.0);
    }
    // Whole decades around the data.
    (
        10f64.powf(lo.log10().floor()),
        10f64.powf(hi.log10().ceil()),
    )
}

fn draw(out: &str, data: &BTreeMap<String, Vec<Run>>) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(out, (1100, 460)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        "muster scale benchmark (2 cores): wall time and peak memory vs input size",
        ("sans-serif", 20),
    )?;
    let panels = root.split_evenly((1, 2));
    let all = || data.values().flatten();
    let x = bounds(all().map(|r| r.input_mb));
    type Pick = fn(&Run) -> f64;
    let metrics: [(&str, Pick); 2] = [
        ("wall time (s)", |r| r.wall_s),
        ("peak RSS (MB)", |r| r.rss_mb),
    ];
    for (panel, (label, pick)) in panels.iter().zip(metrics) {
        let y = bounds(all().map(pick));
        let mut chart = ChartBuilder::on(panel)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .caption(label, ("sans-serif", 16))
            .build_cartesian_2d((x.0..x.1).log_scale(), (y.0..y.1).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("input (MB on disk, log scale)")
            .y_desc(label)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| {
                if *v >= 1.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                }
            })
            .draw()?;
        for (program, name, color) in PROGRAMS {
            let Some(points) = data.get(*program) else {
                continue;
            };
            let xy: Vec<(f64, f64)> = points.iter().map(|r| (r.input_mb, pick(r))).collect();
            let color = *color;
            chart
                .draw_series(LineSeries::new(xy.clone(), color.stroke_width(2)))?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(xy.into_iter().map(|p| Circle::new(p, 4, color.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .draw()?;
    }
    root.present()?;
    Ok(())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let tsv = args
        .next()
        .unwrap_or_else(|| "bench-data/bench-results.tsv".to_string());
    let out = args.next().unwrap_or_else(|| "docs/bench.svg".to_string());
    let data = match read_runs(&tsv) {
        Ok(runs) => series(&runs),
        Err(e) => {
            eprintln!("bench_chart: {e}");
            std::process::exit(1);
        }
    };
    if data.is_empty() {
        eprintln!("bench_chart: no usable rows in {tsv}");
        std::process::exit(1);
    }
    if let Err(e) = draw(&out, &data) {
        eprintln!("bench_chart: {e}");
        std::process::exit(1);
    }
    eprintln!("bench_chart: wrote {out}");
}
