//! Command-line arguments (clap derive). Every field's doc comment is its help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Turn container-security exports into a static, offline, verifiable compliance site.
#[derive(Debug, Parser)]
#[command(name = "muster", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest exports, evaluate the catalog and write the site.
    Build(BuildArgs),
    /// Ingest and evaluate without rendering; exit 1 when a control reaches --fail-on.
    Check(CheckArgs),
    /// List the controls and the evidence each accepts.
    Catalog(CatalogArgs),
    /// List the supported input formats and how each is detected.
    Formats(FormatArgs),
    /// Check a built site against its manifest; exit 1 if any file was added, removed or changed.
    Verify(VerifyArgs),
    /// Normalise exports into a shard file that `build` and `check` accept beside raw exports.
    Ingest(IngestArgs),
}

/// Options shared by build and check.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Export files or folders (read recursively). Default: sample-data.
    pub inputs: Vec<PathBuf>,
    /// Configuration file. Default: muster.toml in the first input folder, if present.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Control catalog folder replacing the built-in catalog.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Report date (YYYY-MM-DD or RFC 3339). Default: [report] as_of, else now.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Compare with this earlier date on the "what changed" page. Default: the previous history point.
    #[arg(long)]
    pub since: Option<String>,
    /// Exit non-zero when any input produced a diagnostic.
    #[arg(long)]
    pub strict: bool,
    /// Follow symbolic links that leave the input folders.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Keep credentials found in exports (local debugging only; every page then says so).
    #[arg(long)]
    pub no_redact: bool,
    /// Do not stop `check` (exit 2) when an input could not be read or parsed at all;
    /// the evaluation then rests on the inputs that could.
    #[arg(long)]
    pub allow_input_errors: bool,
}

/// `muster build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Inputs and evaluation options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder (created; replaced atomically if muster created it before).
    #[arg(short, long, default_value = "site")]
    pub output: PathBuf,
    /// Interface and catalog language (en, es, fr). Default: [site] lang.
    #[arg(long)]
    pub lang: Option<String>,
    /// Folder with templates/ and assets/ files overriding the built-in ones, file by file.
    #[arg(long)]
    pub theme: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Output format of `check`, `catalog` and `formats`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// A table for people.
    Text,
    /// JSON for scripts (documented in docs/check-json.md).
    Json,
}

/// Status level at which `check` fails.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    /// Fail only on failing controls.
    Fail,
    /// Fail on failing controls and warnings.
    Warning,
}

/// `muster check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inputs and evaluation options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Exit 1 when a control is at or above this level.
    #[arg(long, value_enum, default_value = "fail")]
    pub fail_on: FailOn,
}

/// `muster catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Catalog folder replacing the built-in catalog.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// List texts missing in Spanish and French (or --lang); exit 1 if any.
    #[arg(long)]
    pub check_translations: bool,
    /// Language to check with --check-translations.
    #[arg(long)]
    pub lang: Option<String>,
    /// Print docs/benchmark-mappings.md (benchmark items per version, their titles and
    /// controls) generated from the catalog; exit 1 if a mapped id's title does not fit.
    #[arg(long)]
    pub benchmark_mappings: bool,
}

/// `muster formats`.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// `muster ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Export files or folders (read recursively).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Shard file to write (`.muster.jsonl.gz` is gzip-compressed).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Exit non-zero when any input produced a diagnostic.
    #[arg(long)]
    pub strict: bool,
    /// Follow symbolic links that leave the input folders.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Keep credentials found in exports (local debugging only).
    #[arg(long)]
    pub no_redact: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `muster verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The built site folder.
    pub site: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
