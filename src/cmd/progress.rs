//! The progress bar on stderr for long ingests (files, bytes, throughput); silent when
//! stderr is not a terminal or with `--quiet`. Also the phase timings printed when
//! `MUSTER_TIMINGS` is set (used by the benchmarks to say where the time goes).

use crate::ingest::source::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A terminal progress bar for ingest.
pub struct Bar {
    bar: ProgressBar,
    files_total: AtomicU64,
    files_done: AtomicU64,
}

impl Bar {
    /// A bar, or `None` when quiet or stderr is not a terminal.
    pub fn for_terminal(quiet: bool) -> Option<Arc<dyn Progress>> {
        if quiet || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{spinner} reading {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        Some(Arc::new(Bar {
            bar,
            files_total: AtomicU64::new(0),
            files_done: AtomicU64::new(0),
        }))
    }
}

impl Progress for Bar {
    fn start(&self, files: u64, bytes: u64) {
        self.files_total.store(files, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.set_message(format!("0/{files} files"));
    }

    fn file_done(&self, bytes: u64) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.files_total.load(Ordering::Relaxed);
        self.bar.inc(bytes);
        self.bar.set_message(format!("{done}/{total} files"));
        if done == total {
            self.bar.finish_and_clear();
        }
    }
}

/// Print how long a phase took (and, on Linux, the peak resident memory so far) to
/// stderr when the `MUSTER_TIMINGS` environment variable is set, and restart the clock
/// for the next phase.
#[allow(clippy::print_stderr)]
pub fn phase_done(name: &str, clock: &mut std::time::Instant) {
    if std::env::var_os("MUSTER_TIMINGS").is_some() {
        let peak = std::fs::read_to_string("/proc/self/status")
            .ok()
            .map(|s| {
                let field = |name: &str| {
                    s.lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map_or("?", str::trim)
                        .to_string()
                };
                format!("  RSS {}, peak {}", field("VmRSS:"), field("VmHWM:"))
            })
            .unwrap_or_default();
        eprintln!(
            "timing: {name:<10} {:>8.3} s{peak}",
            clock.elapsed().as_secs_f64()
        );
    }
    *clock = std::time::Instant::now();
}
