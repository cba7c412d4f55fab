//! Benchmark results, shared by the benchmark formats: a result's numbering (benchmark
//! and version) is checked against its own title before it becomes a record.
//!
//! For an item the catalog maps, the title table (`catalog/benchmarks/titles.toml`)
//! says what the item is called in that numbering. When the export's own title for the
//! item does not fit it, the export's numbering is wrong for that result (a mislabelled
//! run, a tool release that renumbered without saying so, a hand-edited file): the result
//! is kept with its version unknown (`cis-docker:2.14`), so that it counts toward no
//! mapped control, and a diagnostic says why.

use super::{FileCtx, Place};
use crate::catalog::benchmarks::{title, title_fits};
use crate::diag::Code;
use crate::model::{BenchmarkFacts, Text};

/// How the titles of some results agree with a numbering: (fitting, contradicting).
pub(super) fn agreement<'t>(
    numbering: &str,
    results: impl IntoIterator<Item = (&'t str, &'t str)>,
) -> (usize, usize) {
    let mut out = (0, 0);
    for (item, printed) in results {
        match title(numbering, item) {
            Some(expected) if !printed.trim().is_empty() => {
                if title_fits(printed, expected) {
                    out.0 += 1;
                } else {
                    out.1 += 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// `facts`, with the version dropped when the printed title contradicts the title of
/// the item in that numbering (with a warning at `place`).
pub(super) fn checked(
    ctx: &mut FileCtx<'_>,
    place: &Place<'_>,
    facts: BenchmarkFacts,
    printed: &str,
) -> BenchmarkFacts {
    let numbering = facts.numbering();
    let Some(expected) = title(&numbering, &facts.item) else {
        return facts;
    };
    if printed.trim().is_empty() || title_fits(printed, expected) {
        return facts;
    }
    let unknown = BenchmarkFacts::new(facts.benchmark.clone(), None::<Text>, facts.item.clone());
    let message = format!(
        "{} is titled {:?} here, but {numbering} numbering gives {} the title {:?}: the \
         result is kept as {} and counts toward no mapped control",
        facts.id(),
        printed.trim(),
        facts.item,
        expected,
        unknown.id()
    );
    let (line, pointer) = ctx.place_of(place);
    ctx.warn(Code::Suspicious, line, pointer, message);
    unknown
}
