#!/usr/bin/env bash
# Split build (issue 17, docs/shards.md): shard a folder of exports into PARTS parts with
# the rule of scripts/shard-part.sh, run `muster ingest` on the parts as parallel local
# processes, merge the shards with `muster build`, and compare the site (every file) and
# `muster check --format json` with those of a single-process `muster build DIR`.
# Prints the wall times and the peak RSS of both build steps; exits 1 when they differ.
#
# Usage:  scripts/split-build.sh DIR PARTS
# Environment: MUSTER (default target/release/muster; built when missing),
#              JOBS (parallel ingest processes, default: the number of cores),
#              INGEST_THREADS (threads per ingest process, default 1),
#              AS_OF (default 2026-11-20), OUT (work folder, default a new temporary one),
#              KEEP=1 keeps the work folder (shards, both sites) instead of deleting it.
# DIR's muster.toml (if any) configures both builds, as it does `muster build DIR`.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 DIR PARTS" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
parts=$2
[ -d "$1" ] || { echo "split-build: $1 is not a folder" >&2; exit 2; }
# Every muster command runs from DIR's parent with DIR by its name: the site shows files
# under the name of the folder they were given in (docs/shards.md), and the parts are
# lists of files, so the split and the single build must name the folder alike.
abs=$(cd "$1" && pwd)
dir=$(basename "$abs")
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
AS_OF=${AS_OF:-2026-11-20}
export RAYON_NUM_THREADS=${INGEST_THREADS:-1}
if [ -z "${MUSTER:-}" ]; then
    MUSTER="${CARGO_TARGET_DIR:-$here/../target}/release/muster"
    [ -x "$MUSTER" ] || (cd "$here/.." && cargo build --release --quiet --bin muster)
fi
export MUSTER
if [ -z "${OUT:-}" ]; then
    OUT=$(mktemp -d)
    [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT/shards" "$OUT/lists"
OUT=$(cd "$OUT" && pwd)
case "$MUSTER" in /*) ;; */*) MUSTER="$PWD/$MUSTER" ;; esac
cd "$(dirname "$abs")"
config=()
[ -f "$dir/muster.toml" ] && config=(--config "$dir/muster.toml")

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# timed NAME command...: run under GNU time -v when present, keeping its report.
timed() {
    local name=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v -o "$OUT/$name.time" "$@"
    else
        "$@"
    fi
}
peak() {
    if [ -f "$OUT/$1.time" ]; then
        # kB / 1024, as scripts/bench.sh reports it
        awk -F': ' '/Maximum resident set size/ { printf "%.0f MB", $2 / 1024 }' "$OUT/$1.time"
    else
        echo "n/a (no /usr/bin/time)"
    fi
}

# The parts' file lists, then one `muster ingest` per non-empty part, JOBS at a time.
for ((k = 0; k < parts; k++)); do
    "$here/shard-part.sh" "$dir" "$k" "$parts" >"$OUT/lists/$k"
done
ingest_part() {
    local k=$1 files
    mapfile -t files <"$OUT/lists/$k"
    [ ${#files[@]} -gt 0 ] || return 0
    "$MUSTER" ingest --quiet "${files[@]}" -o "$OUT/shards/part-$k.muster.jsonl.gz"
}
export -f ingest_part
export OUT
t0=$(now)
seq 0 $((parts - 1)) | xargs -P "$JOBS" -I{} bash -c 'ingest_part {}'
t1=$(now)
timed split-build "$MUSTER" build "$OUT/shards" "${config[@]}" --as-of "$AS_OF" --quiet -o "$OUT/site-split"
t2=$(now)
timed single-build "$MUSTER" build "$dir" "${config[@]}" --as-of "$AS_OF" --quiet -o "$OUT/site-single"
t3=$(now)
# check exits 1 when controls fail: only its output is compared.
"$MUSTER" check "$OUT/shards" "${config[@]}" --as-of "$AS_OF" --format json >"$OUT/check-split.json" || true
"$MUSTER" check "$dir" "${config[@]}" --as-of "$AS_OF" --format json >"$OUT/check-single.json" || true

shards=$(find "$OUT/shards" -name '*.muster.jsonl.gz' | wc -l)
echo "split-build: $dir, $parts parts ($shards shards), $JOBS parallel ingest processes"
echo "  parallel ingest:         $(secs "$t0" "$t1") s wall"
echo "  build from shards:       $(secs "$t1" "$t2") s wall, peak RSS $(peak split-build)"
echo "  single-process build:    $(secs "$t2" "$t3") s wall, peak RSS $(peak single-build)"
same=yes
if ! diff -r "$OUT/site-split" "$OUT/site-single" >"$OUT/site.diff"; then
    same=no
    echo "  sites differ:" && head -20 "$OUT/site.diff"
fi
if ! cmp -s "$OUT/check-split.json" "$OUT/check-single.json"; then
    same=no
    echo "  check --format json differs:" && diff "$OUT/check-split.json" "$OUT/check-single.json" | head -20
fi
echo "  byte-identical site and check json: $same"
[ "${KEEP:-0}" = 1 ] && echo "  kept $OUT"
[ "$same" = yes ]
