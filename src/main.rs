//! The `muster` binary: parse the command line, run it, map errors to exit codes
//! (0 ok, 1 a gate or verification failed, 2 usage or I/O error).

use clap::Parser;

// mimalloc roughly doubles one-shot parse throughput here (crates.md §3.1): ingest is
// dominated by many small allocations, which glibc malloc handles slowly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option: its position in `mi_option_t` of the mimalloc 3
/// that libmimalloc-sys 0.1.49 builds (the crate does not export this constant; the
/// test below fails if the position no longer holds `purge_delay`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps freed memory before handing it back to the system, in
/// milliseconds (its own default is 1000).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Hand freed memory back to the system after [`PURGE_DELAY_MS`] instead of mimalloc's
/// default second. Ingest frees its per-file record vectors while it copies them into
/// one: with the default delay both stay resident, which was the peak of a large build
/// (5 GB workload: 786 MB against 690-707 MB; 0 ms gives the same peak with more system
/// time; BENCHMARKS.md). `MIMALLOC_PURGE_DELAY` in the environment still decides when set.
fn return_freed_memory_promptly() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` is not thread-safe; this runs first thing in `main`,
    // before muster starts any thread. The option only decides when freed pages go
    // back to the operating system.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
    }
}

fn main() {
    return_freed_memory_promptly();
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

#[cfg(test)]
mod tests {
    use super::MI_OPTION_PURGE_DELAY;

    /// The option at `MI_OPTION_PURGE_DELAY` is mimalloc 3's purge delay: its default
    /// is 1000 ms, and `arena_purge_mult`, nine places on, is 1 (the defaults of its options.c).
    #[test]
    #[allow(unsafe_code)]
    fn the_purge_delay_option_is_where_main_sets_it() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option is a plain load of mimalloc's option table.
        let (delay, mult) = unsafe {
            (
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY + 9),
            )
        };
        assert_eq!((delay, mult), (1000, 1));
    }
}
