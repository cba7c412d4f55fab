//! `muster ingest`: normalise one part of an estate into a shard that `muster build` merges.

use super::args::IngestArgs;
use crate::ingest::{ingest_paths, shard, IngestOptions};
use anyhow::Context;
use std::io::Write;

/// Run `ingest`.
#[allow(clippy::print_stderr, clippy::print_stdout)]
pub fn run(args: IngestArgs) -> anyhow::Result<i32> {
    let opts = IngestOptions {
        follow_symlinks: args.follow_symlinks,
        redact: !args.no_redact,
        progress: super::progress::Bar::for_terminal(args.quiet),
        // A shard carries no more than the site: no page and no control reads a
        // record's message or display attributes (command lines, output lines), and
        // they are where credentials the redaction misses would travel.
        keep_text: false,
        ..IngestOptions::default()
    };
    let ingested = ingest_paths(&args.inputs, &opts);
    let mut diag_count = ingested.diagnostics.len();
    for d in ingested
        .diagnostics
        .iter()
        .chain(ingested.sources.iter().flat_map(|s| &s.diagnostics))
    {
        if !args.quiet {
            eprintln!("{d}");
        }
        diag_count += 1;
    }
    let tmp = args.output.with_extension("muster-tmp");
    let write = || -> anyhow::Result<()> {
        let file =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut buf = std::io::BufWriter::new(file);
        if args.output.extension().is_some_and(|e| e == "gz") {
            let mut gz = flate2::write::GzEncoder::new(buf, flate2::Compression::default());
            shard::write(&mut gz, &ingested.sources, &ingested.records)?;
            gz.finish()?.flush()?;
        } else {
            shard::write(&mut buf, &ingested.sources, &ingested.records)?;
            buf.flush()?;
        }
        std::fs::rename(&tmp, &args.output)
            .with_context(|| format!("writing {}", args.output.display()))?;
        Ok(())
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if !args.quiet {
        outln!(
            "wrote {}: {} inputs, {} records",
            args.output.display(),
            ingested.sources.len(),
            ingested.records.len()
        );
    }
    Ok(if args.strict && diag_count > 0 { 1 } else { 0 })
}
