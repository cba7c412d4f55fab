//! `muster ingest`: normalise one part of an estate into a shard that `muster build` merges.

use super::args::IngestArgs;
use crate::ingest::{ingest_paths, shard, IngestOptions};
use anyhow::{bail, Context};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The endings a shard's name may have (docs/shards.md).
const SHARD_ENDINGS: [&str; 2] = [".muster.jsonl", ".muster.jsonl.gz"];

/// Whether the file at `path` starts like a shard (`{"muster_shard":…`), gzip or not.
fn holds_a_shard(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    let gz = path.extension().is_some_and(|e| e == "gz");
    let read = if gz {
        flate2::read::GzDecoder::new(file)
            .take(64)
            .read_to_end(&mut head)
    } else {
        file.take(64).read_to_end(&mut head)
    };
    read.is_ok() && shard::is_shard(&String::from_utf8_lossy(&head))
}

/// Check `-o` before anything is read.
///
/// Rules: the name ends in `.muster.jsonl` or `.muster.jsonl.gz`; it is not one of the
/// inputs nor inside an input folder (the next run would read the shard as evidence);
/// and an existing file there is replaced only when it is already a shard, so an export
/// or any other file is never overwritten.
fn check_output(output: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !SHARD_ENDINGS.iter().any(|e| name.ends_with(e)) {
        bail!(
            "{}: a shard's name must end in .muster.jsonl or .muster.jsonl.gz",
            output.display()
        );
    }
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = parent.canonicalize() {
        let resolved = dir.join(&name);
        let resolved = resolved.canonicalize().unwrap_or(resolved);
        for input in inputs {
            let Ok(real) = input.canonicalize() else {
                continue;
            };
            if real == resolved {
                bail!(
                    "{} is one of the inputs; refusing to overwrite it (choose another --output)",
                    output.display()
                );
            }
            if real.is_dir() && resolved.starts_with(&real) {
                bail!(
                    "{} is inside the input folder {}; the next run would read the shard as an export (write it elsewhere)",
                    output.display(),
                    input.display()
                );
            }
        }
    }
    if output.exists() && !(output.is_file() && holds_a_shard(output)) {
        bail!(
            "{} exists and is not a muster shard; refusing to replace it (choose another --output or remove it yourself)",
            output.display()
        );
    }
    Ok(())
}

/// Run `ingest`.
#[allow(clippy::print_stderr, clippy::print_stdout)]
pub fn run(args: IngestArgs) -> anyhow::Result<i32> {
    check_output(&args.output, &args.inputs)?;
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
    let tmp = {
        let name = args
            .output
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let tmp_name = format!(".{name}.muster-tmp-{}", std::process::id());
        args.output.with_file_name(tmp_name)
    };
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
