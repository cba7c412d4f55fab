//! `muster catalog` and `muster formats`: what muster knows.

use super::args::{CatalogArgs, FormatArgs, OutputFormat};
use crate::catalog::Catalog;
use anyhow::Context;

/// Run `catalog`.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn catalog(args: CatalogArgs) -> anyhow::Result<i32> {
    let mut diags = Vec::new();
    let catalog = match &args.catalog {
        Some(d) => Catalog::from_dir(d, &mut diags)
            .with_context(|| format!("reading catalog {}", d.display()))?,
        None => Catalog::builtin(&mut diags),
    };
    for d in &diags {
        eprintln!("{d}");
    }
    if args.benchmark_mappings {
        print!(
            "{}",
            crate::catalog::benchmarks::mappings_markdown(&catalog)
        );
        let problems = crate::catalog::benchmarks::title_problems(&catalog);
        for p in &problems {
            eprintln!("{p}");
        }
        return Ok(i32::from(!problems.is_empty()));
    }
    if args.check_translations {
        let langs: Vec<String> = match &args.lang {
            Some(l) => vec![l.clone()],
            None => vec!["es".into(), "fr".into()],
        };
        let mut missing = 0;
        for lang in &langs {
            for (id, field) in catalog.missing_translations(lang) {
                println!("{lang}\t{id}\t{field}");
                missing += 1;
            }
        }
        if missing == 0 {
            println!(
                "all {} controls are translated into {}",
                catalog.controls.len(),
                langs.join(", ")
            );
        }
        return Ok(if missing > 0 || !diags.is_empty() {
            1
        } else {
            0
        });
    }
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&catalog.controls)?),
        OutputFormat::Text => {
            for c in &catalog.controls {
                println!(
                    "{:<8} {:<13} {:<9} {}",
                    c.id,
                    c.domain,
                    format!("{:?}", c.evaluation).to_lowercase(),
                    c.title.get("en")
                );
                for ch in &c.checks {
                    let sel = if ch.selectors.is_empty() {
                        "-".to_string()
                    } else {
                        ch.selector_texts().join(", ")
                    };
                    println!("         · {} [{:?}] {}", ch.id, ch.rule, sel);
                }
            }
        }
    }
    Ok(if diags.is_empty() { 0 } else { 1 })
}

/// Run `formats`.
#[allow(clippy::print_stdout)]
pub fn formats(args: FormatArgs) -> anyhow::Result<i32> {
    /// One row of `muster formats --format json`.
    #[derive(serde::Serialize)]
    struct FormatRow {
        format: &'static str,
        name: &'static str,
        tested: &'static str,
        detection: &'static str,
    }
    let formats = crate::ingest::formats();
    match args.format {
        OutputFormat::Json => {
            let rows: Vec<FormatRow> = formats
                .iter()
                .map(|f| FormatRow {
                    format: f.id,
                    name: f.name,
                    tested: f.tested,
                    detection: f.detection,
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?)
        }
        OutputFormat::Text => {
            // The first column is as wide as the longest format id.
            let w = formats.iter().map(|f| f.id.len()).max().unwrap_or(0).max(6);
            println!(
                "{:<w$} {:<44} {:<40} DETECTION",
                "FORMAT", "EXPORT", "TESTED WITH"
            );
            for f in formats {
                println!(
                    "{:<w$} {:<44} {:<40} {}",
                    f.id, f.name, f.tested, f.detection
                );
            }
        }
    }
    Ok(0)
}
