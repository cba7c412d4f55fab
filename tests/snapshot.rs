//! A snapshot of `muster check --format json` on `sample-data/`: every control's
//! status, reason, parameters and evidence counts, and every input's record counts, as
//! committed in `tests/snapshots/check-sample.json`. Any change of what muster concludes
//! from the sample shows in the diff of that file and has to be reviewed there:
//! regenerate it with `MUSTER_UPDATE_SNAPSHOTS=1 cargo test --test snapshot`.

mod common;

use common::*;

#[test]
fn check_json_on_the_sample_matches_the_reviewed_snapshot() {
    let (_, out, err) = run(&["check", sample().to_str().unwrap(), "--format", "json"]);
    assert!(!out.is_empty(), "no output: {err}");
    // Paths are relative to the repository, so the snapshot is the same on every machine.
    let out = out.replace(&format!("{}/", root().display()), "");
    let path = root().join("tests/snapshots/check-sample.json");
    if std::env::var_os("MUSTER_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &out).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want != out {
        let first = want
            .lines()
            .zip(out.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(out.lines().count()));
        panic!(
            "muster check --format json on sample-data/ differs from {} from line {}:\n  \
             snapshot: {}\n  now:      {}\nReview the change, then regenerate with \
             MUSTER_UPDATE_SNAPSHOTS=1 cargo test --test snapshot",
            path.display(),
            first + 1,
            want.lines().nth(first).unwrap_or("<end>"),
            out.lines().nth(first).unwrap_or("<end>"),
        );
    }
}
