#!/bin/bash
# compare.sh CORPUS QUERIES - fihris against SQLite FTS5, stock Xapian,
# Omega and Lucene 4.10 on the same pages and queries; prints one markdown
# report.
#
#   bash bench/compare.sh PAGES_DIR QUERIES_FILE
#   bash bench/compare.sh /tmp/newsmix ../shared/queries/queries-dev.tsv   (newsmix: ../shared/make-newsmix.sh)
#
# PAGES_DIR: .txt pages (line 1 the title, a blank line, the body), in
# folders at any depth; QUERIES_FILE: one query a line or LANG<TAB>QUERY
# lines. The Debian packages each peer needs are in README.md
# ("Performance"); the Lucene peer (peers/lucene.sh) is skipped, with a
# message, when java, javac or Debian's Lucene 4.10 jars are missing.
#
# Builds the project (tests/setup.sh; SKIP_BUILD=1 to skip), then in a temp
# folder removed at the end:
#   1. indexes CORPUS with fihris (fihris-bench index), FTS5 (fts5_peer),
#      stock Xapian (xapian_peer), Omega (omindex, via peers/omega.sh) and
#      Lucene (LucenePeer build, compiled by peers/lucene.sh);
#   2. times every query in-process, without and with snippets (fihris-bench
#      query, fts5_peer query, xapian_peer query; one warm-up pass each;
#      LucenePeer query with three, for the JIT);
#   3. times whole processes for the first 200 queries: fihris-search,
#      the sqlite3 shell (when installed), quest on the stock Xapian index and
#      quest on the Omega index; and for Lucene, whose whole process is mostly
#      the JVM starting, the JVM's start alone (LucenePeer start) and
#      LucenePeer search, on the first 20 queries;
# and prints the machine, the date, one table and the raw figures.
# Progress goes to stderr. BUILD_DIR picks another build folder.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
# shellcheck source=peers/timing.sh
. "$top/bench/peers/timing.sh"

if [ $# -ne 2 ] || [ ! -d "$1" ] || [ ! -f "$2" ]; then
    echo "usage: compare.sh CORPUS_DIR QUERIES_FILE" >&2
    exit 64
fi
if [ -z "$(find "$1" -type f -name '*.txt' -print -quit)" ]; then
    echo "compare: $1 holds no .txt pages (the peers read only those)" >&2
    exit 66
fi
corpus=$(cd "$1" && pwd)
queries=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
whole_n=200
lucene_n=20

work=$(mktemp -d /tmp/fihris-compare.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "compare: failed at line $LINENO" >&2' ERR

step() { echo "compare: $*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    step "building fihris and the peers"
    BUILD_DIR=$build sh "$top/tests/setup.sh"
fi
bench=$build/bench/fihris-bench
search=$build/searcher/fihris-search
fts5=$build/bench/peers/fts5_peer
xap=$build/bench/peers/xapian_peer
omega=$top/bench/peers/omega.sh
for b in "$bench" "$search" "$fts5" "$xap"; do
    [ -x "$b" ] || { echo "compare: $b is missing (build with -DFH_BUILD_PEERS=ON)" >&2; exit 69; }
done
# shellcheck source=peers/lucene.sh
. "$top/bench/peers/lucene.sh"
step "compiling the Lucene peer"
lucene=0
peer_lucene_build "$work/lucene-classes" 2>"$work/lucene.skip" && lucene=1
[ "$lucene" = 1 ] || cat "$work/lucene.skip" >&2

# Each step gets a generous time limit so that a stuck engine cannot hold
# the run forever; a step that fails or times out leaves its cells empty.
run() { # run OUT_FILE SECONDS CMD... : stdout of CMD to OUT_FILE
    local out=$1 limit=$2
    shift 2
    if ! timeout "$limit" "$@" >"$out"; then
        step "FAILED (or timed out after ${limit}s): $*"
        : >"$out"
    fi
}

r=$work/results
mkdir -p "$r"

# ---- indexes ----------------------------------------------------------------
step "fihris index"
run "$r/fihris.build" 600 "$bench" index --corpus "$corpus" --keep "$work/fihris" --format json
step "SQLite FTS5 index"
run "$r/fts5.build" 600 "$fts5" build "$work/fts5.db" "$corpus" --format json
step "stock Xapian index"
run "$r/xapian.build" 600 "$xap" build "$work/xapian" "$corpus" --format json
step "Omega (omindex) index"
run "$r/omega.build" 600 bash "$omega" build "$work/omega" "$corpus" --format json
if [ "$lucene" = 1 ]; then
    step "Lucene index"
    run "$r/lucene.build" 900 java -cp "$LUCENE_CP" LucenePeer build "$work/lucene" "$corpus" \
        --format json
fi
for e in fihris:"$work/fihris" fts5:"$work/fts5.db" xapian:"$work/xapian" omega:"$work/omega" \
    lucene:"$work/lucene"; do
    if [ -e "${e#*:}" ]; then
        du -sb "${e#*:}" | cut -f1 >"$r/${e%%:*}.size"
    else
        : >"$r/${e%%:*}.size"
    fi
done

# ---- in-process query timings -------------------------------------------------
for s in "" --snippets; do
    tag=${s:+.snip}
    step "fihris queries ${s:-without snippets}"
    run "$r/fihris.query$tag" 600 "$bench" query --db "$work/fihris" --queries "$queries" $s --format json
    step "FTS5 queries ${s:-without snippets}"
    run "$r/fts5.query$tag" 600 "$fts5" query "$work/fts5.db" "$queries" $s --format json
    step "stock Xapian queries ${s:-without snippets}"
    run "$r/xapian.query$tag" 600 "$xap" query "$work/xapian" "$queries" $s --format json
    if [ "$lucene" = 1 ]; then
        step "Lucene queries ${s:-without snippets}"
        run "$r/lucene.query$tag" 900 java -cp "$LUCENE_CP" LucenePeer query "$work/lucene" \
            "$queries" $s --warmup 3 --format json
    fi
done

# ---- whole processes ----------------------------------------------------------
peer_queries_only "$queries" >"$work/q-all.txt"
head -n "$whole_n" "$work/q-all.txt" >"$work/q.txt"
step "whole-process floor (/bin/true)"
peer_time_processes "$whole_n" "$work/q.txt" /bin/true >"$r/floor.proc"
step "fihris-search, whole process"
peer_time_processes "$whole_n" "$work/q.txt" "$search" --db "$work/fihris" >"$r/fihris.proc"
if command -v sqlite3 >/dev/null 2>&1 && [ -s "$work/fts5.db" ]; then
    step "sqlite3 shell, whole process"
    # The same SELECT as fts5_peer --snippets, the converted query inlined.
    "$fts5" convert "$work/q.txt" | sed "s/'/''/g" | awk '{
        printf "SELECT path, title, bm25(pages, 2.0, 1.0), snippet(pages, 1, '\''['\'', '\'']'\'', '\''…'\'', 20) "
        printf "FROM pages WHERE pages MATCH '\''%s'\'' ORDER BY bm25(pages, 2.0, 1.0) LIMIT 10;\n", $0
    }' >"$work/q.sql"
    peer_time_processes "$whole_n" "$work/q.sql" sqlite3 "$work/fts5.db" >"$r/fts5.proc"
else
    step "no sqlite3 shell: skipping its whole-process timing"
    : >"$r/fts5.proc"
fi
step "quest on the stock Xapian index, whole process"
peer_time_processes "$whole_n" "$work/q.txt" quest -d "$work/xapian" >"$r/xapian.proc"
step "quest on the Omega index, whole process"
run "$r/omega.proc.json" 600 bash "$omega" query "$work/omega" "$work/q.txt" --format json
: >"$r/lucene.proc"
: >"$r/jvm.proc"
if [ "$lucene" = 1 ]; then
    step "the JVM's start alone (LucenePeer start), whole process"
    peer_time_processes "$lucene_n" "$work/q.txt" java -cp "$LUCENE_CP" LucenePeer start \
        >"$r/jvm.proc"
    step "LucenePeer search, whole process"
    peer_time_processes "$lucene_n" "$work/q.txt" java -cp "$LUCENE_CP" LucenePeer search \
        "$work/lucene" >"$r/lucene.proc"
fi

# ---- report -----------------------------------------------------------------
step "report"
mem=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
cpu=$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
pages=$(find "$corpus" -type f -name '*.txt' | wc -l)
nq=$(peer_queries_only "$queries" | wc -l)

echo "# fihris against other engines"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem memory, $(uname -sr)"
echo "- corpus: $corpus ($pages .txt pages); queries: $queries ($nq queries; whole-process timings on the first $whole_n)"
echo "- versions: fihris $("$bench" --version | awk 'NR == 1 { print $2 }'), SQLite $(ver libsqlite3-0), Xapian $(ver libxapian30), Omega $(ver xapian-omega), Lucene $(peer_lucene_version), $(java -version 2>&1 | head -n 1 || echo "no java")"
if [ "$lucene" != 1 ]; then
    echo "- Lucene: skipped: $(head -n 1 "$work/lucene.skip" | sed 's/^lucene: //; s/: skipping the Lucene peer$//')"
fi
echo
python3 - "$r" "$lucene_n" <<'PY'
import json, os, sys

r = sys.argv[1]
lucene_n = int(sys.argv[2])

def load(name):
    try:
        with open(os.path.join(r, name)) as f:
            text = f.read().strip()
    except OSError:
        return None
    if not text:
        return None
    try:
        return json.loads(text.splitlines()[-1])
    except ValueError:
        return None

def proc(name):
    try:
        with open(os.path.join(r, name)) as f:
            parts = f.read().split()
    except OSError:
        return None
    if len(parts) != 3 or parts[0] == "0":
        return None
    return {"queries": int(parts[0]), "p50_ms": float(parts[1]), "p95_ms": float(parts[2])}

def size_mb(name):
    try:
        with open(os.path.join(r, name)) as f:
            t = f.read().strip()
    except OSError:
        return None
    return int(t) / 1e6 if t else None

def get(d, k):
    return d.get(k) if d else None

engines = [
    ("fihris", "fihris", "fihris-search"),
    ("SQLite FTS5", "fts5", "sqlite3 shell"),
    ("Xapian stock", "xapian", "quest"),
    ("Omega (omindex + quest)", "omega", "quest"),
    ("Lucene 4.10", "lucene", "java LucenePeer search"),
]
omega_proc = load("omega.proc.json")
rows = {}
for label, key, _ in engines:
    b = load(key + ".build")
    q = load(key + ".query")
    s = load(key + ".query.snip")
    p = omega_proc if key == "omega" else proc(key + ".proc")
    rows[key] = {
        "build": get(b, "mb_per_s"),
        "size": size_mb(key + ".size"),
        "p50": get(q, "p50_ms"), "p95": get(q, "p95_ms"),
        "sp50": get(s, "p50_ms"), "sp95": get(s, "p95_ms"),
        "proc": get(p, "p50_ms"),
        "raw": (b, q, s, p),
    }

f = rows["fihris"]
# Ratio per column: how many times faster (or smaller) fihris is.
ratio = {
    "build": lambda fv, pv: fv / pv,   # fihris MB/s / peer MB/s
    "size": lambda fv, pv: fv / pv,    # fihris MB / peer MB
}
for c in ("p50", "p95", "sp50", "sp95", "proc"):
    ratio[c] = lambda fv, pv: pv / fv  # peer ms / fihris ms

def cell(key, col, fmt):
    v = rows[key][col]
    if v is None:
        return "—"
    text = fmt % v
    fv = f[col]
    # Lucene's whole process is the JVM's start: no ratio (see the note).
    if key != "fihris" and fv and v and not (key == "lucene" and col == "proc"):
        x = ratio[col](fv, v)
        text += " (×%s)" % ("%.0f" % x if x >= 10 else "%.1f" % x if x >= 1 else "%.2f" % x)
    return text

print("Ratios in brackets compare fihris with the peer on that row: for speeds,")
print("×N means fihris is N times faster (peer time ÷ fihris time; for build,")
print("fihris MB/s ÷ peer MB/s); for index size, fihris size ÷ peer size")
print("(below 1: fihris is smaller). Latencies are in ms; in-process figures are")
print("all queries, one warm-up pass, one thread; whole process is the first 200")
print("queries, one process each, after a warm-up pass. Lucene: three warm-up")
print("passes in-process (the JIT), and its whole process is not comparable (below).")
print()
print("| engine | build MB/s | index MB | p50 ms | p95 ms | p50 ms, snippets | p95 ms, snippets | whole process p50 ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for label, key, tool in engines:
    print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        label, cell(key, "build", "%.2f"), cell(key, "size", "%.1f"),
        cell(key, "p50", "%.3f"), cell(key, "p95", "%.3f"),
        cell(key, "sp50", "%.3f"), cell(key, "sp95", "%.3f"),
        cell(key, "proc", "%.1f")))
floor = proc("floor.proc")
print()
print("Whole process: fihris-search (text output, with its snippets), the sqlite3 shell")
print("(the fts5_peer --snippets SELECT), quest (its defaults: OR, english stemmer, stored")
print("sample) on the stock Xapian index and on Omega's. Each time includes starting one")
print("`date` process: /bin/true timed the same way gives p50 %s ms." %
      ("%.1f" % floor["p50_ms"] if floor else "—"))
jvm = proc("jvm.proc")
if rows["lucene"]["proc"] is not None or jvm:
    print()
    print("Lucene's whole process (`java LucenePeer search DB QUERY`: open the index, one")
    print("query, top 10 with Highlighter snippets) is timed on the first %d queries only and" % lucene_n)
    print("is not comparable with the others: it is mostly the JVM starting and loading and")
    print("compiling Lucene's classes, which a Lucene deployment pays once, in a long-running")
    print("server. The JVM's start alone (`java LucenePeer start`, which loads no Lucene")
    print("class) takes p50 %s ms, p95 %s ms." % (
        "%.1f" % jvm["p50_ms"] if jvm else "—", "%.1f" % jvm["p95_ms"] if jvm else "—"))
print()
print("| engine | hits | zero-hit queries | rejected by the engine | QPS | QPS, snippets | whole process p95 ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, key, tool in engines:
    b, q, s, p = rows[key]["raw"]
    def g(d, k, fmt):
        v = get(d, k)
        return fmt % v if v is not None else "—"
    print("| %s | %s | %s | %s | %s | %s | %s |" % (
        label, g(q, "hits", "%d"), g(q, "zero_hit", "%d"), g(q, "rejected", "%d"),
        g(q, "qps", "%.0f"), g(s, "qps", "%.0f"), g(p, "p95_ms", "%.1f")))
print()
print("Raw figures:")
print()
print("```")
for label, key, tool in engines:
    for name in (".build", ".query", ".query.snip"):
        d = load(key + name)
        if d is not None:
            print("%-18s %s" % (key + name, json.dumps(d, separators=(",", ":"))))
    p = omega_proc if key == "omega" else proc(key + ".proc")
    if p is not None:
        print("%-18s %s %s" % (key + ".proc", tool, json.dumps(p, separators=(",", ":"))))
    if rows[key]["size"] is not None:
        print("%-18s %.1f MB" % (key + ".size", rows[key]["size"]))
if floor:
    print("%-18s /bin/true %s" % ("floor.proc", json.dumps(floor, separators=(",", ":"))))
if jvm:
    print("%-18s java LucenePeer start %s" % ("jvm.proc", json.dumps(jvm, separators=(",", ":"))))
print("```")
PY
