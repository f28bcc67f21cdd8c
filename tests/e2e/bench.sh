#!/bin/bash
# End-to-end tests of fihris-bench on corpus/: each command runs and prints
# well-formed output. The figures themselves are never asserted (they are
# the machine's), only the counts that do not depend on it.
. "$(dirname "$0")/lib.sh"

: "${FIHRIS_BENCH:?set FIHRIS_BENCH}"
corpus=$FH_SOURCE_DIR/corpus
b() { "$FIHRIS_BENCH" "$@"; }

out=$(b analyze "$corpus")
check_eq "analyze exits 0" 0 $?
check_contains "analyze counts the pages" "analyze  24 pages" "$out"
json=$(b analyze --format json "$corpus")
check_contains "analyze JSON" '{"pages":24,' "$json"
check_contains "analyze JSON has MB/s" '"mb_per_s":' "$json"

out=$(b index --corpus "$corpus" --keep "$WORK/db")
check_eq "index exits 0" 0 $?
check_contains "index counts the pages" "index  24 pages" "$out"
check_contains "index prints MB/s" " MB/s " "$out"
check_contains "index prints peak memory" "peak memory" "$out"
check_eq "--keep keeps the index" 24 "$(doc_count "$WORK/db")"
json=$(b index --corpus "$corpus" --format json)
check_contains "index JSON" '{"pages":24,' "$json"

printf 'en\tmarathon\nar\tمدرسه\nen\tzzqxwy\nen\t"solar farm"\n' >"$WORK/queries.tsv"
out=$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --snippets --repeat 2)
check_eq "query exits 0" 0 $?
check_contains "query: queries and runs" "query  4 queries x 2  with snippets  1 thread" "$out"
check_contains "query: hits and zero-hit queries" "hits 4  zero-hit queries 1" "$out"
check_contains "query: latency percentiles" "p95" "$out"
json=$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --threads 2 --format json)
check_contains "query JSON" '{"queries":4,"runs":4,"threads":2,"snippets":false,"hits":4,"zero_hit":1,' "$json"
# Only what was measured: snippet figures with --snippets, none without.
check_contains "query with snippets: their figures" "  snippets p50 " "$out"
check_contains "query JSON with snippets: their figures" '"snippet_p50_ms":' \
    "$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --snippets --format json)"
check_not_contains "query JSON without snippets: no snippet figures" '"snippet_' "$json"
out=$(b query --db "$WORK/db" --queries "$WORK/queries.tsv")
check_contains "query without snippets says so" "query  4 queries x 1  no snippets  1 thread" "$out"
check_contains "…and prints the search figures" "  search p50 " "$out"
check_not_contains "…but no snippet figures" "snippets p50" "$out"

# --filter narrows every query (queries.tsv: three found in English and
# Arabic pages, one found nowhere).
check_contains "query --filter lang:ar: only the Arabic query finds its page" '"hits":1,"zero_hit":3,' \
    "$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --filter lang:ar --format json)"
check_contains "query --filter -lang:ar: the English ones" '"hits":3,"zero_hit":2,' \
    "$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --filter -lang:ar --format json)"
for case in "date:x|the query has no words to search for; a date: was not read: write date:YYYY, date:YYYY-MM, date:YYYY-MM-DD or a range FROM..TO (either end may be left open)" \
    "lang:en site:|a site: was not read: write site:HOST, as site:example.com" \
    "oil lang:en|it takes filters (site:, lang:, date:), not words"; do
    err=$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --filter "${case%%|*}" 2>&1)
    check_eq "query --filter '${case%%|*}': exit 64, said" \
        "64:fihris-bench query: --filter '${case%%|*}': ${case#*|}" "$?:$err"
done

printf 'k1\ten\ten_plain\tcorpus/en-city-marathon.txt\tmarathon\nk2\tar\tar_plain\tcorpus/ar-school-riyadh.txt\tمدرسه\nk3\tar\tar_plain\tcorpus/ar-school-riyadh.txt\tzzqxwy\n' >"$WORK/known.tsv"
json=$(b knownitem --db "$WORK/db" --queries "$WORK/known.tsv" --format json)
check_eq "knownitem: exact MRR and success" '{"variants":[{"variant":"en_plain","lang":"en","queries":1,"mrr10":1.0000,"success10":1.0000},{"variant":"ar_plain","lang":"ar","queries":2,"mrr10":0.5000,"success10":0.5000}]}' "$json"

# knownitem: a variant with queries in two languages is counted per
# language; --misses gives each query whose page is not first, with its real
# rank, on stderr (text) or in the JSON, never in the way of the scores.
printf 'k1\ten\tmixed\tcorpus/en-city-marathon.txt\tmarathon\nk2\tar\tmixed\tcorpus/ar-school-riyadh.txt\tمدرسه\nk3\ten\tmixed\tcorpus/en-football-final.txt\tcity\nk4\tar\tmixed\tcorpus/ar-school-riyadh.txt\tzzqxwy\n' \
    >"$WORK/mixed.tsv"
out=$(b knownitem --db "$WORK/db" --queries "$WORK/mixed.tsv" --misses 2>"$WORK/misses.txt")
check_eq "knownitem: one row per variant and language" "variant        lang  queries   MRR@10   success@10
mixed          en          2   0.7500       1.0000
mixed          ar          2   0.5000       0.5000" "$out"
check_eq "--misses: on stderr, with the real rank" "k3	en	mixed	2	corpus/en-football-final.txt	city
k4	ar	mixed	miss	corpus/ar-school-riyadh.txt	zzqxwy" "$(cat "$WORK/misses.txt")"
json=$(b knownitem --db "$WORK/db" --queries "$WORK/mixed.tsv" --misses --format json 2>"$WORK/misses.txt")
check_eq "--misses --format json: the misses in the JSON, with the real rank" \
    '{"variants":[{"variant":"mixed","lang":"en","queries":2,"mrr10":0.7500,"success10":1.0000},{"variant":"mixed","lang":"ar","queries":2,"mrr10":0.5000,"success10":0.5000}],"misses":[{"qid":"k3","lang":"en","variant":"mixed","rank":2,"doc":"corpus/en-football-final.txt","query":"city"},{"qid":"k4","lang":"ar","variant":"mixed","rank":null,"doc":"corpus/ar-school-riyadh.txt","query":"zzqxwy"}]}' \
    "$json"
check_eq "…and nothing on stderr" "" "$(cat "$WORK/misses.txt")"

# Blank lines and '#' comment lines are not queries, in any reader.
printf '# benchmark queries\n\n  # lang<TAB>query\nen\tmarathon\n#en\tcommented\n\t\nar\tمدرسه\n' \
    >"$WORK/commented.tsv"
json=$(b query --db "$WORK/db" --queries "$WORK/commented.tsv" --format json)
check_contains "query: comments and blank lines are not queries" '{"queries":2,"runs":2,' "$json"
printf '# qid\tlang\tvariant\tdoc\tquery\n\nk1\ten\ten_plain\tcorpus/en-city-marathon.txt\tmarathon\n#k2\ten\ten_plain\tcorpus/en-city-marathon.txt\tzzqxwy\n' \
    >"$WORK/known-commented.tsv"
json=$(b knownitem --db "$WORK/db" --queries "$WORK/known-commented.tsv" --format json)
check_eq "knownitem: comments and blank lines are not queries" \
    '{"variants":[{"variant":"en_plain","lang":"en","queries":1,"mrr10":1.0000,"success10":1.0000}]}' "$json"
# shellcheck source=../../bench/peers/timing.sh
. "$FH_SOURCE_DIR/bench/peers/timing.sh"
check_eq "compare.sh's query reader skips comments and blank lines" "marathon
مدرسه" "$(peer_queries_only "$WORK/commented.tsv")"
# A UTF-8 byte order mark (Notepad's) before a first comment line: still a
# comment, in every reader; CRLF line ends too.
printf '\xef\xbb\xbf# queries\r\nen\tmarathon\r\n\r\nar\tمدرسه\r\n' >"$WORK/bom.tsv"
printf '\xef\xbb\xbfk1\ten\ten_plain\tcorpus/en-football-final.txt\tcity\r\n# c\r\n' >"$WORK/known-bom.tsv"
check_contains "query: a byte order mark before a comment" '{"queries":2,"runs":2,"threads":1,"snippets":false,"hits":2,"zero_hit":0,' \
    "$(b query --db "$WORK/db" --queries "$WORK/bom.tsv" --format json)"
b knownitem --db "$WORK/db" --queries "$WORK/known-bom.tsv" --misses >/dev/null 2>"$WORK/misses.txt"
check_eq "knownitem: no byte order mark in the first qid" "k1	en	en_plain	2	corpus/en-football-final.txt	city" \
    "$(cat "$WORK/misses.txt")"
check_eq "compare.sh's query reader skips a byte order mark" "marathon
مدرسه" "$(peer_queries_only "$WORK/bom.tsv")"

# relevance: a tiny collection (escapes, \u00e9, a surrogate pair, other
# members, member order) and two queries; 2 hits for query 1, 1 for 2.
cat >"$WORK/tiny.jsonl" <<'JSONL'
{"id": "d1", "title": "City marathon", "text": "Runners crossed the bridge."}
{"id": "d2", "n": 7, "meta": {"a": [1, "x}"]}, "title": "Bridge repairs", "text": "The old bridge closed."}

{"text": "A \"new\" caf\u00e9\nopened downtown \ud83d\ude00.", "id": "d3", "title": "Caf\u00e9 opens"}
JSONL
printf '# qid\tquery\n1\tmarathon bridge\n\n2\tcafé\n' >"$WORK/tiny.tsv"
printf '# qid iter docid rel\n1 0 d1 1\n1 0 d2 1\n\n2 0 d3 1\n' >"$WORK/tiny.qrels"
out=$(b relevance --docs "$WORK/tiny.jsonl" --queries "$WORK/tiny.tsv" --qrels "$WORK/tiny.qrels" \
    --run "$WORK/tiny.run" 2>&1)
check_eq "relevance: comments are neither queries nor judgements" 0 $?
check_contains "relevance: 2 queries, both judged" "relevance  2 queries (2 judged)" "$out"
check_contains "relevance: every relevant page found first" "MAP 1.0000" "$out"

# The peers build and answer the same queries on the same pages.
peers=$(dirname "$FIHRIS_BENCH")/peers
if [ -x "$peers/fts5_peer" ] && [ -x "$peers/xapian_peer" ]; then
    json=$("$peers/fts5_peer" build "$WORK/fts5.index" "$corpus" --format json)
    check_contains "fts5_peer builds the corpus" '{"pages":24,' "$json"
    json=$("$peers/fts5_peer" query "$WORK/fts5.index" "$WORK/queries.tsv" --snippets --format json)
    check_contains "fts5_peer answers" '{"queries":4,"runs":4,' "$json"
    json=$("$peers/xapian_peer" build "$WORK/xapian.index" "$corpus" --format json)
    check_contains "xapian_peer builds the corpus" '{"pages":24,' "$json"
    json=$("$peers/xapian_peer" query "$WORK/xapian.index" "$WORK/queries.tsv" --snippets --format json)
    check_contains "xapian_peer answers" '{"queries":4,"runs":4,' "$json"
    for p in fts5 xapian; do
        json=$("$peers/${p}_peer" query "$WORK/$p.index" "$WORK/commented.tsv" --format json)
        check_contains "${p}_peer: comments and blank lines are not queries" '{"queries":2,"runs":2,' "$json"
        json=$("$peers/${p}_peer" query "$WORK/$p.index" "$WORK/bom.tsv" --format json)
        check_contains "${p}_peer: a byte order mark before a comment" '{"queries":2,"runs":2,' "$json"
        json=$("$peers/${p}_peer" knownitem "$WORK/$p.index" "$WORK/known-commented.tsv")
        check_eq "${p}_peer knownitem: comments and blank lines are not queries" \
            '{"variants":[{"variant":"en_plain","lang":"en","queries":1,"mrr10":1.0000,"success10":1.0000}]}' "$json"
        json=$("$peers/${p}_peer" knownitem "$WORK/$p.index" "$WORK/mixed.tsv")
        check_contains "${p}_peer knownitem: one row per variant and language" \
            '{"variant":"mixed","lang":"en","queries":2,' "$json"
        check_contains "${p}_peer knownitem: …the Arabic row" '{"variant":"mixed","lang":"ar","queries":2,' "$json"
        "$peers/${p}_peer" relevance "$WORK/tiny.$p" "$WORK/tiny.jsonl" "$WORK/tiny.tsv" \
            "$WORK/tiny.$p.run" 2>/dev/null
        check_eq "${p}_peer relevance exits 0" 0 $?
        check_eq "${p}_peer relevance writes 3 run lines" 3 "$(wc -l <"$WORK/tiny.$p.run")"
        check_eq "${p}_peer relevance decodes \\u escapes" "2 Q0 d3 1" \
            "$(grep '^2 ' "$WORK/tiny.$p.run" | cut -d' ' -f1-4)"
    done
else
    skip "the peers: they are not built (FH_BUILD_PEERS=OFF)"
fi

# --format json everywhere the README promises it, and nothing else.
json=$(b relevance --docs "$WORK/tiny.jsonl" --queries "$WORK/tiny.tsv" --qrels "$WORK/tiny.qrels" \
    --format json 2>/dev/null)
check_eq "relevance --format json exits 0" 0 $?
check_contains "relevance JSON: the counts" '{"queries":2,"judged":2,"k1":' "$json"
check_contains "relevance JSON: the settings" '"words":"any","expand_docs":6,' "$json"
check_contains "relevance JSON: the measures" '"map":1.0000,"ndcg10":1.0000,"p10":0.1500,"recall100":1.0000,"mrr10":1.0000}' "$json"
for cmd in "analyze $corpus" "index --corpus $corpus" "query --db $WORK/db --queries $WORK/queries.tsv" \
    "knownitem --db $WORK/db --queries $WORK/known.tsv"; do
    # shellcheck disable=SC2086
    err=$(b $cmd --format xml 2>&1 >/dev/null)
    check_eq "${cmd%% *} --format xml: exit 64, said" '64:fihris-bench: --format is text or json, not "xml"' "$?:$err"
done

# Errors: one line that names the path once, and what is missing.
err=$(b query --db "$WORK/none" --queries "$WORK/queries.tsv" --threads 3 2>&1)
check_eq "query on no index: exit 2, the path said once, once" \
    "2:fihris-bench: $WORK/none: no index here (fihris-index --db $WORK/none SOURCE... makes one)" "$?:$err"
err=$(b knownitem --db "$WORK/none" --queries "$WORK/known.tsv" 2>&1)
check_eq "knownitem on no index: exit 2, the path said once" \
    "2:fihris-bench: $WORK/none: no index here (fihris-index --db $WORK/none SOURCE... makes one)" "$?:$err"
# A shard gone from an index: named once, as fihris-search names it.
cp -a "$WORK/db" "$WORK/noshard"
rm -rf "$WORK"/noshard/s*-0
err=$(b query --db "$WORK/noshard" --queries "$WORK/queries.tsv" 2>&1)
code=$?
said=$("$FIHRIS_SEARCH" --db "$WORK/noshard" marathon 2>&1 | sed 's/^fihris-search: //')
check_eq "query on an index without its shard: exit 2, the shard named as fihris-search names it" \
    "2:fihris-bench: $said" "$code:$err"
check_contains "…which is the shard" "fihris-bench: $WORK/noshard/s" "$err"
err=$(b query --db "$WORK/db" --queries "$WORK/none.tsv" 2>&1)
check_eq "an unreadable query file: exit 66, why" "66:fihris-bench: $WORK/none.tsv: No such file or directory" "$?:$err"
printf '# nothing but a comment\n\n' >"$WORK/empty.tsv"
err=$(b query --db "$WORK/db" --queries "$WORK/empty.tsv" 2>&1)
check_eq "a query file without queries: exit 66, said" "66:fihris-bench: $WORK/empty.tsv: no queries in it" "$?:$err"
mkdir -p "$WORK/nopages"
touch "$WORK/nopages/notes.md"
out=$(b index --corpus "$WORK/nopages" 2>"$WORK/err")
check_eq "index of a folder without pages: exit 66, said, no figures" \
    "66:fihris-bench: $WORK/nopages: no pages in it to index:" "$?:$(cat "$WORK/err"):$out"
err=$(b knownitem --db "$WORK/db" --queries "$WORK/empty.tsv" 2>&1)
check_eq "a known-item file without queries: exit 66, said" "66:fihris-bench: $WORK/empty.tsv: no known-item queries in it" "$?:$err"
err=$(b relevance --docs "$WORK/tiny.jsonl" --queries "$WORK/empty.tsv" --qrels "$WORK/tiny.qrels" 2>&1)
check_eq "a relevance query file without queries: exit 66, said" "66:fihris-bench: $WORK/empty.tsv: no queries in it" "$?:$err"
# A line without its tabs (spaces typed instead) is said, not silently left out.
printf 'k1 en en_plain corpus/en-city-marathon.txt marathon\nk2\ten\ten_plain\tcorpus/en-city-marathon.txt\tmarathon\n' \
    >"$WORK/known-spaces.tsv"
out=$(b knownitem --db "$WORK/db" --queries "$WORK/known-spaces.tsv" --format json 2>"$WORK/err")
check_eq "knownitem: a line without its tabs said" \
    "fihris-bench: $WORK/known-spaces.tsv: 1 line without 5 tab-separated fields (QID LANG VARIANT DOC QUERY) left out" \
    "$(cat "$WORK/err")"
check_eq "…and the others scored" '{"variants":[{"variant":"en_plain","lang":"en","queries":1,"mrr10":1.0000,"success10":1.0000}]}' "$out"
printf '1 marathon bridge\n2\tcafé\n' >"$WORK/tiny-spaces.tsv"
b relevance --docs "$WORK/tiny.jsonl" --queries "$WORK/tiny-spaces.tsv" --qrels "$WORK/tiny.qrels" >/dev/null 2>"$WORK/err"
check_eq "relevance: a line without its tab said" \
    "fihris-bench: $WORK/tiny-spaces.tsv: 1 line without QID<TAB>QUERY left out" "$(cat "$WORK/err")"
hint="(fihris-bench --help shows every option)"
err=$(b query --db "$WORK/db" 2>&1)
check_eq "query without --queries: exit 64, said" "64:fihris-bench query: --queries FILE is missing $hint" "$?:$err"
err=$(b query --queries "$WORK/queries.tsv" 2>&1)
check_eq "query without --db: exit 64, said" "64:fihris-bench query: --db DIR is missing $hint" "$?:$err"
err=$(b knownitem --db "$WORK/db" 2>&1)
check_eq "knownitem without --queries: exit 64, said" \
    "64:fihris-bench knownitem: --queries KNOWNITEM.tsv is missing $hint" "$?:$err"
err=$(b relevance --docs "$WORK/tiny.jsonl" --queries "$WORK/tiny.tsv" 2>&1)
check_eq "relevance without --qrels: exit 64, said" "64:fihris-bench relevance: --qrels QRELS is missing $hint" "$?:$err"
for case in "query --queries $WORK/queries.tsv --db|--db" "query --db $WORK/db --queries|--queries" \
    "knownitem --db $WORK/db --queries|--queries" "index --corpus|--corpus" \
    "relevance --queries $WORK/tiny.tsv --qrels $WORK/tiny.qrels --docs|--docs"; do
    # shellcheck disable=SC2086
    err=$(b ${case%%|*} '' 2>&1)
    check_eq "${case%% *} ${case#*|} '': exit 64, said" \
        "64:fihris-bench ${case%% *}: ${case#*|} takes a path, not an empty one $hint" "$?:$err"
done
err=$(b index 2>&1)
check_eq "index without --corpus: exit 64, said" "64:fihris-bench index: --corpus DIR|FILE is missing $hint" "$?:$err"
err=$(b analyze 2>&1)
check_eq "analyze without a path: exit 64, said" "64:fihris-bench analyze: FILE|DIR is missing $hint" "$?:$err"
err=$(b analyze "$WORK/none" 2>&1)
check_eq "analyze of a missing path: exit 66, why" "66:fihris-bench: $WORK/none: No such file or directory" "$?:$err"
err=$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --limit 0 2>&1)
check_eq "query --limit 0: exit 64, said" \
    '64:fihris-bench query: --limit takes a whole number from 1 to 100000, not "0"' "$?:$err"
b bogus 2>/dev/null
check_eq "an unknown command exits 64" 64 $?
# An option it does not know, one without its value, an argument it does
# not take: one line that names it, under the program's name.
err=$(b query --db "$WORK/db" --queries "$WORK/queries.tsv" --bogus 2>&1)
check_eq "an unknown option: exit 64, named" "64:fihris-bench query: unknown option: --bogus $hint" "$?:$err"
err=$(b knownitem --db "$WORK/db" --queries 2>&1)
check_eq "an option without its value: exit 64, named" \
    "64:fihris-bench knownitem: option needs a value: --queries $hint" "$?:$err"
for cmd in "query --db $WORK/db --queries $WORK/queries.tsv" "knownitem --db $WORK/db --queries $WORK/known.tsv" \
    "relevance --docs $WORK/tiny.jsonl --queries $WORK/tiny.tsv --qrels $WORK/tiny.qrels" "index --corpus $corpus"; do
    # shellcheck disable=SC2086
    err=$(b $cmd extra 2>&1)
    check_eq "${cmd%% *} with an argument it does not take: exit 64, said" \
        "64:fihris-bench ${cmd%% *}: takes no argument \"extra\" $hint" "$?:$err"
done
err=$(b relevance --docs "$WORK/tiny.jsonl" --queries "$WORK/tiny.tsv" --qrels "$WORK/none.qrels" 2>&1)
check_eq "relevance: an unreadable qrels file: exit 66, why" \
    "66:fihris-bench: $WORK/none.qrels: No such file or directory" "$?:$err"
err=$(b relevance --docs "$WORK/none.jsonl" --queries "$WORK/tiny.tsv" --qrels "$WORK/tiny.qrels" 2>&1)
check_eq "relevance: missing pages said by fihris-bench" "66:fihris-bench: $WORK/none.jsonl: no such file or folder" "$?:$err"

# The README: every option of --help in its fihris-bench section, and a
# benchmark section usable with only the repository.
readme=$FH_SOURCE_DIR/README.md
section=$(sed -n '/^### fihris-bench$/,/^### Running/p' "$readme")
missing=""
for o in $(b --help | grep -o -- '--[a-z0-9-]*' | sort -u); do
    case "$section" in *"$o"*) ;; *) missing="$missing $o" ;; esac
done
check_eq "README: every option of fihris-bench --help" "" "$missing"
perf=$(sed -n '/^## Performance$/,/^## How it works$/p' "$readme")
for p in libsqlite3-dev sqlite3 libxapian-dev xapian-tools xapian-omega python3; do
    check_contains "README: the Debian package $p, for the peer that needs it" "\`$p\`" "$perf"
done
# What fihris itself needs to build: every library's -dev package tests/setup.sh
# installs, in the apt-get line and the table of the peers.
for p in $(sed -n 's/^packages="\(.*\)"$/\1/p' "$FH_SOURCE_DIR/tests/setup.sh" | tr ' ' '\n' | grep -E -- '^(lib|zlib).*-dev$'); do
    check_contains "README: the apt-get line has $p" " $p" "$(printf '%s\n' "$perf" | sed -n '/^sudo apt-get install cmake/,/[^\\]$/p')"
    check_contains "README: the peers' table has $p" "\`$p\`" "$(printf '%s\n' "$perf" | grep '^| ')"
done
check_contains "README: compare.sh on any folder and query file" \
    "bash bench/compare.sh PAGES_DIR QUERIES_FILE" "$perf"
check_contains "README: what the corpus is" "| \`saudinewsnet/\` | 29,694 |" "$perf"
check_contains "README: how it was made" "sh ../shared/make-newsmix.sh /tmp/newsmix" "$perf"
mkdir -p "$WORK/htmlonly"
printf '<html><title>A</title><p>marathon</p></html>\n' >"$WORK/htmlonly/a.html"
err=$(SKIP_BUILD=1 BUILD_DIR=${FH_BUILD_DIR:-} bash "$FH_SOURCE_DIR/bench/compare.sh" "$WORK/htmlonly" \
    "$WORK/queries.tsv" 2>&1 >/dev/null)
check_eq "compare.sh on a folder without .txt pages: exit 66, said" \
    "66:compare: $WORK/htmlonly holds no .txt pages (the peers read only those)" "$?:$err"

finish
