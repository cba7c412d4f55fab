//! The `muster` binary: parse the command line, run it, map errors to exit codes
//! (0 ok, 1 a gate or verification failed, 2 usage or I/O error).

use clap::Parser;

// mimalloc roughly doubles one-shot parse throughput here (crates.md §3.1): ingest is
// dominated by many small allocations, which glibc malloc handles slowly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = muster::cmd::Cli::parse();
    match muster::cmd::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            std::process::exit(2);
        }
    }
}
