#!/usr/bin/env bash
# The split rule of the shard examples (docs/shards.md, deploy/): print, one per line,
# the export files that part K (0-based) of N ingests from folder ROOT.
#
#   scripts/shard-part.sh ROOT K N
#
# The files are those `muster build ROOT` reads: hidden files and folders are skipped,
# and so are the files muster does not read as evidence (configuration, waivers,
# attestations, notes: .md .markdown .toml .csv .txt .html .css .js .svg .png). They are
# sorted bytewise (LC_ALL=C) and dealt round-robin: part K takes the files at positions
# K, K+N, K+2N, … of that list. Every file lands in exactly one part, whatever N is, and
# the parts are of similar size when the folder holds many files.
#
# Paths are printed as ROOT/relative/path, so give ROOT as a relative path and run
# `muster ingest` from the folder you would run the single-process `muster build ROOT`
# from: the site shows relative paths as given (an absolute file path only by its name,
# docs/shards.md "File names on the site"), and only then are both sites byte-identical.
set -euo pipefail
if [ $# -ne 3 ]; then
    echo "usage: $0 ROOT K N   (part K of N, 0 <= K < N)" >&2
    exit 2
fi
root=${1%/}
k=$2
n=$3
case "$k$n" in *[!0-9]*) echo "shard-part: K and N must be numbers" >&2; exit 2 ;; esac
if [ "$n" -lt 1 ] || [ "$k" -ge "$n" ]; then
    echo "shard-part: need 0 <= K < N" >&2
    exit 2
fi
case "/$root/" in
    //* | */../*)
        echo "shard-part: give ROOT as a relative path inside the current folder (muster shows an absolute input only by its name, docs/shards.md)" >&2
        exit 2
        ;;
esac
if [ ! -d "$root" ]; then
    echo "shard-part: $root is not a folder" >&2
    exit 2
fi
find "$root" -mindepth 1 -name '.*' -prune -o -type f -print |
    grep -Eiv '\.(md|markdown|toml|csv|txt|html|css|js|svg|png)$' |
    LC_ALL=C sort |
    awk -v k="$k" -v n="$n" '(NR - 1) % n == k'
