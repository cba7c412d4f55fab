//! The command-line front ends: argument definitions (clap derive) and one module
//! per subcommand. Library errors become `anyhow` errors with context here.

/// Write to standard output like `print!`; when the reader closed the pipe
/// (`muster check … | head`), end quietly with the shell's exit code for a closed pipe
/// (141) instead of a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(141);
            }
            return Err(e.into());
        }
    }};
}

/// [`out!`] with a newline.
macro_rules! outln {
    ($($arg:tt)*) => {{
        out!($($arg)*);
        out!("\n");
    }};
}

pub mod args;
pub mod build;
pub mod check;
pub mod info;
pub mod ingest;
pub mod load;
pub mod progress;
pub mod staging;
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
