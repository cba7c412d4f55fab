//! The command-line front ends: argument definitions (clap derive) and one module
//! per subcommand. Library errors become `anyhow` errors with context here.

pub mod args;
pub mod build;
pub mod check;
pub mod info;
pub mod ingest;
pub mod load;
pub mod progress;
pub mod verify;

pub use args::{Cli, Command};

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Catalog(a) => info::catalog(a),
        Command::Formats(a) => info::formats(a),
        Command::Verify(a) => verify::run(a),
        Command::Ingest(a) => ingest::run(a),
    }
}
