#!/usr/bin/env bash
# Whole-process benchmark of muster against the parse-only floor (issue 6).
#
# For each workload size: generate it (once) with examples/gen_workload into
# $BENCH_DATA/<size>, then, in the same invocation, time under GNU time:
#   muster check <dir> --format json --as-of 2026-11-20 > /dev/null
#   muster build <dir> -o <scratch>/site --quiet --as-of 2026-11-20
#     (with MUSTER_TIMINGS=1: its ingest phase is also recorded, as program "ingest")
#   examples/parse_floor <dir>
#   PARSE_FLOOR_SHA256=1 examples/parse_floor <dir>   (the floor plus each file's SHA-256,
#                                                      which muster must compute too)
# and record wall, user, sys, peak RSS and MB/s (MB = 10^6 bytes on disk / wall).
# Also times `muster build` on the sample data (5 runs, median).
#
# Usage:  scripts/bench.sh                      # sizes 10MB 100MB 1GB 5GB
#         SIZES="10MB 100MB" scripts/bench.sh   # a subset (SIZES="" times only the sample data)
#         GZIP=1 scripts/bench.sh               # gzip-compressed JSON Lines (<size>-gz)
#         RUNS=3 scripts/bench.sh               # repeat each measurement, report the median
#         SIZES="fleet" scripts/bench.sh        # the image fleet (gen_workload --preset trivy-fleet)
# Environment: BENCH_DATA (default bench-data/ in the repository, ignored by git),
#              CARGO_TARGET_DIR (default target),
#              SEED (default 1), SAMPLE_DIR (default sample-data), AS_OF (default 2026-11-20).
# Output: $BENCH_DATA/bench-results.tsv (rows of earlier runs for other sizes are kept)
#         and a Markdown table on stdout. Draw the chart with
#         cargo run --release --example bench_chart -- $BENCH_DATA/bench-results.tsv docs/bench.svg
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES-"10MB 100MB 1GB 5GB"}
BENCH_DATA=${BENCH_DATA:-bench-data}
TARGET=${CARGO_TARGET_DIR:-target}
SEED=${SEED:-1}
RUNS=${RUNS:-1}
GZIP=${GZIP:-0}
AS_OF=${AS_OF:-2026-11-20}
SAMPLE_DIR=${SAMPLE_DIR:-sample-data}
TSV="$BENCH_DATA/bench-results.tsv"

if ! command -v /usr/bin/time >/dev/null; then
    echo "bench: GNU time (/usr/bin/time) is needed: install it (Debian: apt-get install time)" >&2
    exit 2
fi

mkdir -p "$BENCH_DATA"
echo "bench: building release binaries into $TARGET" >&2
cargo build --release --quiet --bin muster --example gen_workload --example parse_floor
MUSTER="$TARGET/release/muster"
GEN="$TARGET/release/examples/gen_workload"
FLOOR="$TARGET/release/examples/parse_floor"

HEADER=$'date\tsize\tprogram\tinput_bytes\tfiles\trun\twall_s\tuser_s\tsys_s\tmax_rss_kb\tmb_per_s\texit'
ROWS=$(mktemp)
SCRATCH=$(mktemp -d)
trap 'rm -rf "$ROWS" "$ROWS".* "$SCRATCH"' EXIT
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# measure LABEL PROGRAM BYTES FILES RUN -- command...
# Runs the command under GNU time (stdout discarded) and appends one TSV row.
measure() {
    local size=$1 program=$2 bytes=$3 files=$4 run=$5
    shift 6
    local tv="$ROWS.time" rc=0 t0 t1
    # Wall time from the clock (ns resolution; GNU time's is 10 ms), the rest from GNU time.
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$tv" "$@" >/dev/null 2>"$ROWS.stderr" || rc=$?
    t1=$(date +%s%N)
    awk -F': ' -v size="$size" -v program="$program" -v bytes="$bytes" -v files="$files" \
        -v run="$run" -v rc="$rc" -v now="$NOW" -v wall_ns="$((t1 - t0))" '
        /User time/ { user = $2 }
        /System time/ { sys = $2 }
        /Maximum resident set size/ { rss = $2 }
        END {
            wall = wall_ns / 1e9
            mbps = (wall > 0) ? bytes / 1e6 / wall : 0
            printf "%s\t%s\t%s\t%s\t%s\t%d\t%.3f\t%.2f\t%.2f\t%s\t%.1f\t%d\n",
                now, size, program, bytes, files, run, wall, user, sys, rss, mbps, rc
        }' "$tv" | tee -a "$ROWS" >&2
}

# ingest_row LABEL BYTES FILES RUN
# The ingest phase of the build just measured (its MUSTER_TIMINGS line: wall time, and
# the peak resident memory so far), as a row of its own: the part of a build that does
# what the floors do (read, parse, fingerprint), plus normalising and redacting.
ingest_row() {
    awk -v size="$1" -v bytes="$2" -v files="$3" -v run="$4" -v now="$NOW" '
        $1 == "timing:" && $2 == "ingest" {
            for (i = 1; i <= NF; i++) if ($i == "peak") rss = $(i + 1)
            mbps = ($3 > 0) ? bytes / 1e6 / $3 : 0
            printf "%s\t%s\tingest\t%s\t%s\t%d\t%.3f\t0\t0\t%s\t%.1f\t0\n",
                now, size, bytes, files, run, $3, rss, mbps
        }' "$ROWS.stderr" | tee -a "$ROWS" >&2
}

for size in $SIZES; do
    label=$size
    gen_flags=()
    if [ "$GZIP" = 1 ]; then
        label="$size-gz"
        gen_flags=(--gzip)
    fi
    dir="$BENCH_DATA/$label"
    if [ "$size" = fleet ]; then
        shape=(--preset trivy-fleet)
    else
        shape=(--size "$size")
    fi
    if [ ! -f "$dir/.complete" ]; then
        echo "bench: generating $label into $dir" >&2
        rm -rf "$dir"
        "$GEN" --out "$dir" --seed "$SEED" "${shape[@]}" "${gen_flags[@]}"
        touch "$dir/.complete"
    fi
    bytes=$(find "$dir" -type f ! -name '.*' -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
    files=$(find "$dir" -type f ! -name '.*' | wc -l)
    echo "bench: $label: $files files, $bytes bytes" >&2
    for run in $(seq 1 "$RUNS"); do
        measure "$label" check "$bytes" "$files" "$run" -- \
            "$MUSTER" check "$dir" --format json --as-of "$AS_OF"
        rm -rf "$SCRATCH/site"
        measure "$label" build "$bytes" "$files" "$run" -- \
            env MUSTER_TIMINGS=1 "$MUSTER" build "$dir" -o "$SCRATCH/site" --quiet --as-of "$AS_OF"
        ingest_row "$label" "$bytes" "$files" "$run"
        measure "$label" floor "$bytes" "$files" "$run" -- "$FLOOR" "$dir"
        measure "$label" floor+sha256 "$bytes" "$files" "$run" -- \
            env PARSE_FLOOR_SHA256=1 "$FLOOR" "$dir"
    done
done

# Sample data: 5 runs of `muster build`, median wall time.
if [ ! -d "$SAMPLE_DIR" ] && [ -d ../shared/fixtures ]; then
    echo "bench: $SAMPLE_DIR not found; timing ../shared/fixtures instead" >&2
    SAMPLE_DIR=../shared/fixtures
fi
if [ -d "$SAMPLE_DIR" ]; then
    sbytes=$(find "$SAMPLE_DIR" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
    sfiles=$(find "$SAMPLE_DIR" -type f | wc -l)
    for run in 1 2 3 4 5; do
        rm -rf "$SCRATCH/sample-site"
        measure sample build "$sbytes" "$sfiles" "$run" -- \
            "$MUSTER" build "$SAMPLE_DIR" -o "$SCRATCH/sample-site" --quiet
    done
fi

# Merge: keep earlier rows for sizes not measured now.
{
    echo "$HEADER"
    if [ -f "$TSV" ]; then
        measured=$(cut -f2 "$ROWS" | sort -u | tr '\n' ' ')
        tail -n +2 "$TSV" | awk -F'\t' -v m=" $measured" 'index(m, " " $2 " ") == 0'
    fi
    cat "$ROWS"
} >"$TSV.new"
mv "$TSV.new" "$TSV"
echo "bench: results in $TSV" >&2

# Markdown table: the median-wall run per (size, program); ratio = build MB/s / floor MB/s.
median_row() { # size program
    awk -F'\t' -v s="$1" -v p="$2" 'NR > 1 && $2 == s && $3 == p' "$TSV" | sort -t$'\t' -k7,7g |
        awk '{ rows[NR] = $0 } END { if (NR) print rows[int((NR + 1) / 2)] }'
}
echo
echo "| workload | input MB | files | program | wall s | user+sys s | peak RSS MB | MB/s | floor MB/s | ratio | ratio to floor+sha256 |"
echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
# Sizes by input bytes, the sample data last.
sizes=$(awk -F'\t' 'NR > 1 && $2 != "sample" { print $4 "\t" $2 }' "$TSV" | sort -g | cut -f2 | awk '!seen[$0]++')
for size in $sizes sample; do
    floor=$(median_row "$size" floor | cut -f11)
    hashed=$(median_row "$size" floor+sha256 | cut -f11)
    for program in build ingest check floor floor+sha256; do
        row=$(median_row "$size" "$program")
        [ -n "$row" ] || continue
        echo "$row" | awk -F'\t' -v floor="${floor:-0}" -v hashed="${hashed:-0}" '{
            ratio = (floor > 0 && $3 !~ /^floor/) ? sprintf("%.2f", $11 / floor) : "–"
            ratio_h = (hashed > 0 && $3 !~ /^floor/) ? sprintf("%.2f", $11 / hashed) : "–"
            fl = (floor > 0) ? sprintf("%.0f", floor) : "–"
            cpu = ($3 == "ingest") ? "–" : sprintf("%.2f", $8 + $9)
            printf "| %s | %.1f | %d | %s | %.3f | %s | %.0f | %.1f | %s | %s | %s |\n",
                $2, $4 / 1e6, $5, $3, $7, cpu, $10 / 1024, $11, fl, ratio, ratio_h
        }'
    done
done
