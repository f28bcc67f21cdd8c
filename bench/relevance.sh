#!/bin/bash
# relevance.sh [NEWSMIX_DIR] - search quality of fihris, SQLite FTS5,
# stock Xapian and Lucene 4.10 on the same test collections and known items;
# prints one markdown report.
#
#   bash bench/relevance.sh /tmp/newsmix      (newsmix: ../shared/make-newsmix.sh)
#
# Builds the project (tests/setup.sh; SKIP_BUILD=1 to skip), then in a temp
# folder removed at the end:
#   1. for NPL, CACM and Cranfield (../shared/relevance/*: docs.jsonl,
#      queries.tsv, qrels.txt) writes a TREC run with `fihris-bench relevance
#      --run`, `fts5_peer relevance`, `xapian_peer relevance` and
#      `LucenePeer relevance` (any-word queries, 1,000 hits) and scores each
#      with ../shared/relevance/eval.py;
#   2. with NEWSMIX_DIR, indexes it with `fihris-bench index --keep`,
#      `fts5_peer build`, `xapian_peer build` and `LucenePeer build` (or uses
#      the indexes named by FIHRIS_DB, FTS5_DB, XAPIAN_DB, LUCENE_DB) and runs
#      each engine's `knownitem` over ../shared/queries/knownitem-dev.tsv
#      (MRR@10 per variant).
# The Lucene peer (peers/lucene.sh) is skipped, with a message, when java,
# javac or Debian's Lucene 4.10 jars are missing.
# Progress goes to stderr. BUILD_DIR picks another build folder, SHARED
# another shared folder; RESULTS=bench/RESULTS.md writes the report into that
# file too (between its relevance.sh markers).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
shared=${SHARED:-$(cd "$top/.." && pwd)/shared}
rel=$shared/relevance
known=$shared/queries/knownitem-dev.tsv
eval_py=$rel/eval.py

if [ $# -gt 1 ] || { [ $# -eq 1 ] && [ ! -d "$1" ]; }; then
    echo "usage: relevance.sh [NEWSMIX_DIR]" >&2
    exit 64
fi
newsmix=""
[ $# -eq 1 ] && newsmix=$(cd "$1" && pwd)

work=$(mktemp -d /tmp/fihris-relevance.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "relevance: failed at line $LINENO" >&2' ERR

step() { echo "relevance: $*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    step "building fihris and the peers"
    BUILD_DIR=$build sh "$top/tests/setup.sh"
fi
bench=$build/bench/fihris-bench
fts5=$build/bench/peers/fts5_peer
xap=$build/bench/peers/xapian_peer
for b in "$bench" "$fts5" "$xap"; do
    [ -x "$b" ] || { echo "relevance: $b is missing (build with -DFH_BUILD_PEERS=ON)" >&2; exit 69; }
done
[ -f "$eval_py" ] || { echo "relevance: $eval_py is missing" >&2; exit 69; }
# shellcheck source=peers/lucene.sh
. "$top/bench/peers/lucene.sh"
step "compiling the Lucene peer"
lucene=0
peer_lucene_build "$work/lucene-classes" 2>"$work/lucene.skip" && lucene=1
[ "$lucene" = 1 ] || cat "$work/lucene.skip" >&2

# A step that fails or times out leaves its cells empty ("—").
run() { # run SECONDS CMD... : stdout and stderr of CMD to the log
    local limit=$1
    shift
    if ! timeout "$limit" "$@" >>"$work/log" 2>&1; then
        step "FAILED (or timed out after ${limit}s): $*"
        return 1
    fi
}

engines="fihris fts5 xapian"
[ "$lucene" = 1 ] && engines="$engines lucene"
declare -A label=([fihris]="fihris" [fts5]="SQLite FTS5" [xapian]="Xapian stock"
    [lucene]="Lucene 4.10")
colls="npl_vaswani cacm cranfield arcd"
declare -A cname=([npl_vaswani]="NPL" [cacm]="CACM" [cranfield]="Cranfield" [arcd]="ARCD")
declare -A score # score[engine.coll.measure]

# ---- test collections --------------------------------------------------------
for c in $colls; do
    d=$rel/$c
    # ARCD names its files for its dev split.
    qf=$d/queries.tsv qr=$d/qrels.txt
    [ -f "$qf" ] || qf=$d/queries.dev.tsv qr=$d/qrels.dev.txt
    for e in $engines; do
        step "$c: $e"
        out=$work/$c.$e.run
        case $e in
        fihris) run 600 "$bench" relevance --docs "$d/docs.jsonl" --queries "$qf" \
                --qrels "$qr" --run "$out" || : >"$out" ;;
        fts5) run 600 "$fts5" relevance "$work/$c.fts5.db" "$d/docs.jsonl" "$qf" "$out" ||
                : >"$out" ;;
        xapian) run 600 "$xap" relevance "$work/$c.xapian" "$d/docs.jsonl" "$qf" "$out" ||
                : >"$out" ;;
        lucene) run 900 java -cp "$LUCENE_CP" LucenePeer relevance "$work/$c.lucene" \
                "$d/docs.jsonl" "$qf" "$out" || : >"$out" ;;
        esac
        rm -rf "$work/$c.fts5.db" "$work/$c.xapian" "$work/$c.lucene"
        [ -s "$out" ] || continue
        python3 "$eval_py" "$qr" "$out" >"$out.eval"
        for m in MAP nDCG@10 P@10 Recall@100 MRR@10; do
            score[$e.$c.$m]=$(awk -v m="$m" '$1 == m { print $3 }' "$out.eval")
        done
    done
done

# ---- known items ---------------------------------------------------------------
variants=""
if [ -n "$newsmix" ]; then
    fdb=${FIHRIS_DB:-$work/fihris}
    sdb=${FTS5_DB:-$work/fts5.db}
    xdb=${XAPIAN_DB:-$work/xapian}
    ldb=${LUCENE_DB:-$work/lucene}
    if [ -z "${FIHRIS_DB:-}" ]; then
        step "newsmix: fihris index"
        run 900 "$bench" index --corpus "$newsmix" --keep "$fdb" || true
    fi
    if [ -z "${FTS5_DB:-}" ]; then
        step "newsmix: FTS5 index"
        run 900 "$fts5" build "$sdb" "$newsmix" || true
    fi
    if [ -z "${XAPIAN_DB:-}" ]; then
        step "newsmix: stock Xapian index"
        run 900 "$xap" build "$xdb" "$newsmix" || true
    fi
    if [ "$lucene" = 1 ] && [ -z "${LUCENE_DB:-}" ]; then
        step "newsmix: Lucene index"
        run 900 java -cp "$LUCENE_CP" LucenePeer build "$ldb" "$newsmix" || true
    fi
    for e in $engines; do
        step "known items: $e"
        out=$work/known.$e.json
        case $e in
        fihris) timeout 600 "$bench" knownitem --db "$fdb" --queries "$known" --format json \
                >"$out" 2>>"$work/log" || : >"$out" ;;
        fts5) timeout 600 "$fts5" knownitem "$sdb" "$known" >"$out" 2>>"$work/log" || : >"$out" ;;
        xapian) timeout 600 "$xap" knownitem "$xdb" "$known" >"$out" 2>>"$work/log" || : >"$out" ;;
        lucene) timeout 600 java -cp "$LUCENE_CP" LucenePeer knownitem "$ldb" "$known" >"$out" \
                2>>"$work/log" || : >"$out" ;;
        esac
        [ -s "$out" ] || step "known items: $e FAILED"
    done
    # One line a variant: "variant lang queries" and one MRR@10 an engine.
    kfiles=()
    for e in $engines; do kfiles+=("$work/known.$e.json"); done
    variants=$(python3 - "${kfiles[@]}" <<'EOF'
import json, sys
rows, order = {}, []
n = len(sys.argv) - 1
for i, path in enumerate(sys.argv[1:]):
    try:
        with open(path) as f:
            vs = json.load(f)["variants"]
    except (OSError, ValueError, KeyError):
        continue
    for v in vs:
        if v["variant"] not in rows:
            rows[v["variant"]] = [v["lang"], v["queries"]] + ["—"] * n
            order.append(v["variant"])
        rows[v["variant"]][2 + i] = "%.4f" % v["mrr10"]
for name in order:
    print(name, *rows[name])
EOF
)
fi

# ---- report ----------------------------------------------------------------------
cell() { local v=${score[$1]:-}; echo "${v:-—}"; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
# shellcheck disable=SC1091
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")

# Paths as the report shows them: the shared folder as ../shared.
show() { echo "${1/#"$shared"/../shared}"; }
{
echo "## fihris and the peers: search quality"
echo
echo "- **date:** $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- **machine:** $(nproc) cores ($cpu), $mem memory, $os, Linux $(uname -r)"
echo "- **collections:** \`$(show "$rel")/{npl_vaswani,cacm,cranfield}\` (docs.jsonl, queries.tsv, qrels.txt;"
echo "  CACM with the published \`qrels.txt\`) and \`$(show "$rel")/arcd\` (Arabic questions: queries.dev.tsv,"
echo "  qrels.dev.txt), scored by \`python3 $(show "$eval_py") QRELS RUN\`"
echo
echo "Commands, for each collection D (run files of up to 1,000 hits, any-word queries):"
echo
echo '```sh'
echo "fihris-bench relevance --docs D/docs.jsonl --queries D/queries.tsv --qrels D/qrels.txt --run RUN"
echo "fts5_peer relevance DB D/docs.jsonl D/queries.tsv RUN     # each word quoted, OR, bm25(pages, 2.0, 1.0)"
echo "xapian_peer relevance DB D/docs.jsonl D/queries.tsv RUN   # QueryParser OR, Snowball by script, STEM_SOME, BM25"
[ "$lucene" = 1 ] && echo "java LucenePeer relevance DB D/docs.jsonl D/queries.tsv RUN  # MultiFieldQueryParser OR, title^2, Arabic/EnglishAnalyzer by script, BM25"
echo "python3 eval.py D/qrels.txt RUN"
if [ -n "$newsmix" ]; then
    echo "# known items (default AND queries, top 10), over indexes of $newsmix:"
    echo "fihris-bench index --corpus $newsmix --keep DB;  fihris-bench knownitem --db DB --queries $(show "$known") --format json"
    echo "fts5_peer build DB $newsmix;                     fts5_peer knownitem DB $(show "$known")"
    echo "xapian_peer build DB $newsmix;                   xapian_peer knownitem DB $(show "$known")"
    [ "$lucene" = 1 ] &&
        echo "java LucenePeer build DB $newsmix;               java LucenePeer knownitem DB $(show "$known")"
fi
echo '```'
echo
if [ "$lucene" != 1 ]; then
    echo "Lucene: skipped: $(head -n 1 "$work/lucene.skip" | sed 's/^lucene: //; s/: skipping the Lucene peer$//')"
    echo
fi
echo "### MAP"
echo
echo "| engine | NPL MAP | CACM MAP | Cranfield MAP | ARCD MAP |"
echo "|---|---:|---:|---:|---:|"
for e in $engines; do
    echo "| ${label[$e]} | $(cell "$e.npl_vaswani.MAP") | $(cell "$e.cacm.MAP") | $(cell "$e.cranfield.MAP") | $(cell "$e.arcd.MAP") |"
done
echo
# pair_table TITLE METRIC1 HEAD1 METRIC2 HEAD2: two metrics per collection.
pair_table() {
    echo "### $1"
    echo
    printf "| engine |"
    for c in $colls; do printf " %s %s | %s %s |" "${cname[$c]}" "$3" "${cname[$c]}" "$5"; done
    printf "\n|---|"
    for c in $colls; do printf -- "---:|---:|"; done
    echo
    for e in $engines; do
        printf "| %s |" "${label[$e]}"
        for c in $colls; do printf " %s | %s |" "$(cell "$e.$c.$2")" "$(cell "$e.$c.$4")"; done
        echo
    done
    echo
}
pair_table "nDCG@10 and P@10" nDCG@10 nDCG@10 P@10 P@10
pair_table "Recall@100 and MRR@10" Recall@100 R@100 MRR@10 MRR@10
echo "### Known items: MRR@10 per variant"
echo
if [ -z "$newsmix" ]; then
    echo "Skipped: no newsmix folder given (\`bash bench/relevance.sh /tmp/newsmix\`)."
elif [ -z "$variants" ]; then
    echo "No known-item figures: every engine failed (see the messages above)."
else
    echo "Queries: \`$(show "$known")\`; the target is the page whose path ends with \"/\" + doc."
    echo
    printf "| variant | lang | queries |"
    for e in $engines; do printf " %s |" "${label[$e]}"; done
    printf "\n|---|---|---:|"
    for e in $engines; do printf -- "---:|"; done
    echo
    while read -r name lang n rest; do
        echo "| $name | $lang | $n | ${rest// / | } |"
    done <<<"$variants"
fi
} >"$work/report.md"
cat "$work/report.md"

# RESULTS=bench/RESULTS.md: the report replaces the part between the markers
# (added at the end the first time).
if [ -n "${RESULTS:-}" ]; then
    begin='<!-- relevance.sh: begin -->'
    end='<!-- relevance.sh: end -->'
    touch "$RESULTS"
    grep -qF "$begin" "$RESULTS" || printf '\n%s\n%s\n' "$begin" "$end" >>"$RESULTS"
    awk -v b="$begin" -v e="$end" -v r="$work/report.md" '
        $0 == b { print; while ((getline line < r) > 0) print line; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$RESULTS" >"$work/results.md"
    cat "$work/results.md" >"$RESULTS"
    step "the report is in $RESULTS"
fi
