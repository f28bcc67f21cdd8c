#!/bin/bash
# omega.sh - Xapian Omega (omindex + quest) on the same pages and queries as
# fihris-bench, for bench/compare.sh.
#
#   omega.sh build DB CORPUS_DIR [--format text|json]
#       indexes CORPUS_DIR with `omindex --db DB --url / CORPUS_DIR` (it reads
#       .txt pages as text/plain; stemmer english, its default) and prints
#       the seconds and MB/s (MB = the bytes of the .txt files).
#   omega.sh query DB QUERIES_FILE [--format text|json]
#       times `quest -d DB QUERY` as whole processes for the first 200 queries
#       (a warm-up pass, then a timed pass, `date +%s%N` around each) and
#       prints p50 and p95 in ms.
#
# Installs the Debian package xapian-omega (omindex) when it is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=timing.sh
. "$here/timing.sh"

usage() {
    echo "usage: omega.sh build DB CORPUS_DIR [--format text|json]" >&2
    echo "       omega.sh query DB QUERIES_FILE [--format text|json]" >&2
    exit 64
}

need_omega() {
    command -v omindex >/dev/null 2>&1 && command -v quest >/dev/null 2>&1 && return 0
    echo "omega.sh: installing xapian-omega" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq xapian-omega xapian-tools >/dev/null
}

[ $# -ge 3 ] || usage
cmd=$1 db=$2 src=$3 json=0
case "${4:-} ${5:-}" in
" ") ;;
"--format json") json=1 ;;
"--format text" | "--format=text ") ;;
"--format=json ") json=1 ;;
*) usage ;;
esac

case $cmd in
build)
    need_omega
    [ -d "$src" ] || { echo "omega.sh: $src: not a folder" >&2; exit 66; }
    [ ! -e "$db" ] || { echo "omega.sh: $db already exists; build wants a new database" >&2; exit 73; }
    bytes=$(find "$src" -type f -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }')
    pages=$(find "$src" -type f -name '*.txt' | wc -l)
    t0=$(date +%s%N)
    # omindex reports skipped files on stdout; keep stdout for the figures.
    omindex --db "$db" --url / "$src" >&2
    t1=$(date +%s%N)
    awk -v b="$bytes" -v p="$pages" -v ns=$((t1 - t0)) -v json=$json 'BEGIN {
        s = ns / 1e9; mb = b / 1e6
        if (json) printf "{\"pages\":%d,\"mb\":%.2f,\"seconds\":%.3f,\"mb_per_s\":%.3f}\n", p, mb, s, mb / s
        else printf "omindex  %d pages  %.1f MB  %.2f s  %.2f MB/s\n", p, mb, s, mb / s
    }'
    ;;
query)
    need_omega
    [ -d "$db" ] || { echo "omega.sh: $db: no such database" >&2; exit 66; }
    queries=$(mktemp)
    trap 'rm -f "$queries"' EXIT
    peer_queries_only "$src" >"$queries"
    read -r n p50 p95 < <(peer_time_processes 200 "$queries" quest -d "$db")
    if [ $json = 1 ]; then
        printf '{"queries":%d,"whole_process":true,"p50_ms":%s,"p95_ms":%s}\n' "$n" "$p50" "$p95"
    else
        printf 'quest  %d queries, whole process  p50 %s ms  p95 %s ms\n' "$n" "$p50" "$p95"
    fi
    ;;
*) usage ;;
esac
