//! The shared front half of `build` and `check`: find the configuration, catalog,
//! waivers and attestations, ingest the exports and evaluate.

use super::args::InputArgs;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::diag::{Diagnostic, Level};
use crate::evaluate::triage::parse_triage;
use crate::evaluate::waivers::{parse_attestation, parse_waivers};
use crate::evaluate::{evaluate, Inputs, Report};
use crate::ingest::parse_time;
use crate::ingest::{ingest_paths, IngestOptions};
use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Everything `build` and `check` need after evaluation.
pub struct Loaded {
    /// The evaluation.
    pub report: Report,
    /// The catalog used.
    pub catalog: Catalog,
    /// The configuration used.
    pub config: Config,
    /// SHA-256 of the configuration text (empty when defaults were used).
    pub config_digest: String,
    /// Inputs as given.
    pub inputs: Vec<PathBuf>,
}

fn date_arg(what: &str, s: &str) -> anyhow::Result<DateTime<Utc>> {
    let t = parse_time(s)
        .with_context(|| format!("{what}: {s:?} is not a date (YYYY-MM-DD or RFC 3339)"))?;
    // A plain date means the end of that day: everything observed on it counts.
    Ok(if s.trim().len() == 10 {
        t + chrono::Duration::seconds(86_399)
    } else {
        t
    })
}

/// How the site names the configuration `folder` (muster.toml, waivers.csv,
/// triage.csv, attestations/): by the rule for inputs (`crate::ingest::shown`), beside
/// them, so a build in `/home/ana/ci` shows no machine path.
fn shown_folder(inputs: &[PathBuf], folder: &Path) -> String {
    let mut paths = inputs.to_vec();
    paths.push(folder.to_path_buf());
    crate::ingest::shown::shown_roots(&paths)
        .pop()
        .unwrap_or_default()
}

/// Run ingest and evaluation (`quiet`: no progress bar).
pub fn load(args: &InputArgs, quiet: bool) -> anyhow::Result<Loaded> {
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("sample-data")]
    } else {
        args.inputs.clone()
    };
    let first_dir = inputs.iter().find(|p| p.is_dir()).cloned();
    let config_path = args.config.clone().or_else(|| {
        first_dir
            .as_ref()
            .map(|d| d.join("muster.toml"))
            .filter(|p| p.is_file())
    });
    // The configuration folder: the config file's, else the first input folder.
    let base = match &config_path {
        Some(p) => p.parent().map(Path::to_path_buf),
        None => first_dir.clone(),
    };
    let base_shown = base.as_deref().map(|b| shown_folder(&inputs, b));
    let shown_beside = |file: &Path| match (&base, &base_shown) {
        (Some(b), Some(shown)) => {
            crate::ingest::shown::shown_under(shown, file.strip_prefix(b).unwrap_or(file))
        }
        _ => file.display().to_string(),
    };
    let (config, config_digest) = match &config_path {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let c = Config::parse(&shown_beside(p), &text)?;
            (c, crate::manifest::sha256_hex(text.as_bytes()))
        }
        None => (Config::default(), String::new()),
    };
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let catalog = match &args.catalog {
        Some(dir) => Catalog::from_dir(dir, &mut diagnostics)
            .with_context(|| format!("reading catalog {}", dir.display()))?,
        None => Catalog::builtin(&mut diagnostics),
    };
    if catalog.controls.is_empty() {
        bail!("the catalog has no valid control; see the diagnostics above");
    }
    let mut waivers = Vec::new();
    let mut triage = Vec::new();
    let mut attestations = Vec::new();
    if let Some(base) = &base {
        let wpath = base.join("waivers.csv");
        if wpath.is_file() {
            let text = std::fs::read_to_string(&wpath)
                .with_context(|| format!("reading {}", wpath.display()))?;
            waivers = parse_waivers(&shown_beside(&wpath), &text, &mut diagnostics);
        }
        let tpath = base.join("triage.csv");
        if tpath.is_file() {
            let text = std::fs::read_to_string(&tpath)
                .with_context(|| format!("reading {}", tpath.display()))?;
            triage = parse_triage(&shown_beside(&tpath), &text, &mut diagnostics);
        }
        let adir = base.join("attestations");
        if adir.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&adir)
                .with_context(|| format!("reading {}", adir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect();
            files.sort();
            for f in files {
                let text = std::fs::read_to_string(&f)
                    .with_context(|| format!("reading {}", f.display()))?;
                match parse_attestation(&shown_beside(&f), &text) {
                    Ok(a) => attestations.push(a),
                    Err(d) => diagnostics.push(d),
                }
            }
        }
    }
    let opts = IngestOptions {
        follow_symlinks: args.follow_symlinks,
        redact: !args.no_redact,
        progress: super::progress::Bar::for_terminal(quiet),
        date_from_path: config.sources.date_from_path,
        // Neither the site nor check reads a record's message or display attributes.
        keep_text: false,
        file_clusters: config
            .sources
            .files
            .iter()
            .filter_map(|f| Some((f.path.clone(), f.cluster.clone()?)))
            .collect(),
        file_path_dates: config
            .sources
            .files
            .iter()
            .filter_map(|f| Some((f.path.clone(), f.date_from_path?)))
            .collect(),
        ..IngestOptions::default()
    };
    let mut clock = std::time::Instant::now();
    let ingested = ingest_paths(&inputs, &opts);
    super::progress::phase_done("ingest", &mut clock);
    diagnostics.extend(ingested.diagnostics);
    let as_of = match args.as_of.as_deref().or(config.report.as_of.as_deref()) {
        Some(s) => date_arg("--as-of", s)?,
        None => Utc::now(),
    };
    let since = args
        .since
        .as_deref()
        .map(|s| date_arg("--since", s))
        .transpose()?;
    let report = evaluate(
        Inputs {
            records: &ingested.records,
            sources: &ingested.sources,
            catalog: &catalog,
            config: &config,
            waivers: &waivers,
            attestations: &attestations,
            triage: &triage,
            diagnostics,
        },
        as_of,
        since,
    );
    super::progress::phase_done("evaluate", &mut clock);
    Ok(Loaded {
        report,
        catalog,
        config,
        config_digest,
        inputs,
    })
}

/// All diagnostics: configuration/catalog ones and every source's
/// ([`Report::all_diagnostics`]).
pub fn all_diagnostics(report: &Report) -> Vec<&Diagnostic> {
    report.all_diagnostics().collect()
}

/// Print diagnostics to stderr (first 50) and say whether any is a warning or worse.
#[allow(clippy::print_stderr)]
pub fn print_diagnostics(report: &Report, quiet: bool) -> bool {
    let all = all_diagnostics(report);
    if !quiet {
        for d in all.iter().take(50) {
            eprintln!("{d}");
        }
        if all.len() > 50 {
            eprintln!(
                "… and {} more diagnostics (see sources.html)",
                all.len() - 50
            );
        }
    }
    all.iter().any(|d| d.level >= Level::Warning)
}
