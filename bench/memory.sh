#!/bin/bash
# Peak memory (maximum resident set size) of fihris-index on the hostile
# inputs of tests/e2e/hostile.sh and, when given, a real corpus: a figure
# for each, to hold against the bound in tests/README.md ("Resource
# bounds"). A benchmark: it prints figures and fails only when a run fails.
#   bash bench/memory.sh [BUILD_DIR] [CORPUS]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
corpus=${2:-}
index=$build/indexer/fihris-index
[ -x "$index" ] || { echo "memory.sh: build first ($index is missing)" >&2; exit 66; }
[ -x /usr/bin/time ] || { echo "memory.sh: needs GNU time (apt-get install time)" >&2; exit 69; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fihris-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT

# peak NAME SOURCE [OPTIONS...]: index SOURCE into a fresh index, print the
# peak resident memory in MB.
peak() {
    local name=$1 src=$2
    shift 2
    rm -rf "$work/db"
    local kb
    kb=$( { /usr/bin/time -f '%M' "$index" --quiet --db "$work/db" "$@" "$src" 2>&1 >/dev/null |
        tail -n 1; } )
    awk -v n="$name" -v kb="$kb" 'BEGIN { printf "%-44s %8.1f MB\n", n, kb / 1024 }'
}

mkdir -p "$work/line" "$work/jsonl" "$work/many" "$work/html" "$work/huge"
{ printf 'One long line\n\n'; yes 'alpha beta gamma delta' | head -c $((20 << 20)) | tr '\n' ' '; } \
    >"$work/line/line.txt"
{
    printf '{"id":"big","title":"Big","text":"'
    yes 'lorem ipsum dolor' | head -c $((50 << 20)) | tr '\n' ' '
    printf '"}\n'
} >"$work/jsonl/dump.jsonl"
for i in $(seq 1 100000); do echo "t$i" >"$work/many/f$i.txt"; done
{
    printf '<html><body>'
    for _ in $(seq 1 100000); do printf '<div>'; done
    printf 'deep'
} >"$work/html/nested.html"
truncate -s 1G "$work/huge/huge.txt"

echo "peak resident memory of fihris-index ($(nproc) cores: as many analysis threads and shards)"
peak "a 20 MiB single line" "$work/line"
peak "a 50 MiB JSONL line" "$work/jsonl"
peak "100,000 files in one folder" "$work/many"
peak "HTML with 100,000 nested elements" "$work/html"
peak "a 1 GiB file (skipped by size)" "$work/huge"
peak "a 20 MiB line, --threads 1 --jobs 1" "$work/line" --threads 1 --jobs 1
if [ -n "$corpus" ]; then
    peak "$(basename "$corpus") (--jobs 1)" "$corpus" --jobs 1
    peak "$(basename "$corpus") (--jobs 2)" "$corpus" --jobs 2
fi
