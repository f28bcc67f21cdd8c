#!/bin/bash
# lucene.sh - the Lucene 4.10 benchmark peer (bench/peers/LucenePeer.java,
# compiled by bench/peers/lucene.sh) builds, answers, scores known items and
# writes a TREC run like the other peers. Skipped (exit 77) when java, javac
# or Debian's liblucene4.10-java jars are not on the machine.
. "$(dirname "$0")/lib.sh"

# shellcheck source=../../bench/peers/lucene.sh
. "$FH_SOURCE_DIR/bench/peers/lucene.sh"
if ! peer_lucene_build "$WORK/classes" 2>"$WORK/why"; then
    skip_all "the Lucene peer: $(head -n 1 "$WORK/why")"
fi
lp() { java -cp "$LUCENE_CP" LucenePeer "$@"; }
corpus=$FH_SOURCE_DIR/corpus

json=$(lp build "$WORK/idx" "$corpus" --format json)
check_eq "build exits 0" 0 $?
check_contains "build: every page of the corpus" '{"pages":24,"mb":0.05,' "$json"
lp build "$WORK/idx" "$corpus" 2>"$WORK/err"
check_eq "build into an existing index: exit 73" 73 $?
check_contains "…said" "already exists; build wants a new index" "$(cat "$WORK/err")"

out=$(lp search "$WORK/idx" marathon)
check_eq "search: found, exit 0" 0 $?
check_eq "search: the marathon page first" "corpus/en-city-marathon.txt" \
    "$(head -n 1 <<<"$out" | cut -f1 | sed "s|^$corpus|corpus|")"
check_contains "search: the word marked in the snippet" "[marathon]" "$out"
out=$(lp search "$WORK/idx" "مدرسة")
check_eq "search, Arabic: the school page first" "corpus/ar-school-riyadh.txt" \
    "$(head -n 1 <<<"$out" | cut -f1 | sed "s|^$corpus|corpus|")"
check_contains "search, Arabic: ArabicAnalyzer's stem marks المدرسية too" "[المدرسية]" "$out"
out=$(lp search "$WORK/idx" '"solar farm"')
check_eq "search, a phrase: two pages" 2 "$(grep -c '^/' <<<"$out")"
lp search "$WORK/idx" zzqxwy >/dev/null
check_eq "search: nothing found, exit 1" 1 $?
lp search "$WORK/idx" 'foo:bar (x AND' >/dev/null
check_eq "search: query syntax is plain text, nothing found, exit 1" 1 $?

printf 'en\tmarathon\nar\tمدرسة\nen\t"solar farm"\nen\tzzqxwy\n' >"$WORK/q.tsv"
json=$(lp query "$WORK/idx" "$WORK/q.tsv" --snippets --format json)
check_contains "query: four queries, four hits, one empty" \
    '{"queries":4,"runs":4,"threads":1,"snippets":true,"hits":4,"zero_hit":1,"rejected":0,' "$json"
printf '# benchmark queries\n\n  # lang<TAB>query\nen\tmarathon\n#en\tcommented\n\t\nar\tمدرسه\n' \
    >"$WORK/commented.tsv"
json=$(lp query "$WORK/idx" "$WORK/commented.tsv" --format json)
check_contains "query: comments and blank lines are not queries" '{"queries":2,"runs":2,' "$json"
printf '\xef\xbb\xbf# queries\r\nen\tmarathon\r\n\r\nar\tمدرسه\r\n' >"$WORK/bom.tsv"
json=$(lp query "$WORK/idx" "$WORK/bom.tsv" --format json)
check_contains "query: a byte order mark before a comment" '{"queries":2,"runs":2,' "$json"
lp query "$WORK/idx" "$WORK/q.tsv" --limit 0 2>/dev/null
check_eq "query --limit 0: exit 64" 64 $?
lp query "$WORK/none" "$WORK/q.tsv" 2>/dev/null
check_eq "query on no index: exit 66" 66 $?

printf '# qid\tlang\tvariant\tdoc\tquery\n\nk1\ten\ten_plain\tcorpus/en-city-marathon.txt\tmarathon\n#k2\ten\ten_plain\tcorpus/en-city-marathon.txt\tzzqxwy\nk3\tar\tar_plain\tcorpus/ar-school-riyadh.txt\tمدرسة\nk4\tar\tar_plain\tcorpus/ar-school-riyadh.txt\tzzqxwy\n' \
    >"$WORK/known.tsv"
check_eq "knownitem: MRR@10 per variant, comments skipped" \
    '{"variants":[{"variant":"en_plain","lang":"en","queries":1,"mrr10":1.0000,"success10":1.0000},{"variant":"ar_plain","lang":"ar","queries":2,"mrr10":0.5000,"success10":0.5000}]}' \
    "$(lp knownitem "$WORK/idx" "$WORK/known.tsv")"

# The tiny collection of bench.sh: escapes, \u00e9, a surrogate pair,
# other members, member order.
cat >"$WORK/tiny.jsonl" <<'JSONL'
{"id": "d1", "title": "City marathon", "text": "Runners crossed the bridge."}
{"id": "d2", "n": 7, "meta": {"a": [1, "x}"]}, "title": "Bridge repairs", "text": "The old bridge closed."}

{"text": "A \"new\" caf\u00e9\nopened downtown \ud83d\ude00.", "id": "d3", "title": "Caf\u00e9 opens"}
JSONL
printf '# qid\tquery\n1\tmarathon bridge\n\n2\tcafé\n' >"$WORK/tiny.tsv"
lp relevance "$WORK/tiny.idx" "$WORK/tiny.jsonl" "$WORK/tiny.tsv" "$WORK/tiny.run" 2>/dev/null
check_eq "relevance exits 0" 0 $?
check_eq "relevance: the run, title boosted" "1 Q0 d1 1
1 Q0 d2 2
2 Q0 d3 1" "$(cut -d' ' -f1-4 "$WORK/tiny.run")"
check_eq "relevance: the tag" "lucene" "$(cut -d' ' -f6 "$WORK/tiny.run" | sort -u)"
printf '{"title": "no id"}\n' >"$WORK/bad.jsonl"
lp relevance "$WORK/bad.idx" "$WORK/bad.jsonl" "$WORK/tiny.tsv" "$WORK/bad.run" 2>"$WORK/err"
check_eq "relevance: a line without an id, exit 65" 65 $?
check_contains "…said, with the line" 'bad.jsonl:1: not a JSON object with an "id"' "$(cat "$WORK/err")"

lp relevance "$WORK/none.idx" "$WORK/none.jsonl" "$WORK/tiny.tsv" "$WORK/none.run" 2>"$WORK/err"
check_eq "relevance: no such collection, exit 66" "66:LucenePeer: $WORK/none.jsonl: cannot read" \
    "$?:$(cat "$WORK/err")"
lp 2>/dev/null
check_eq "no command: exit 64" 64 $?
lp start
check_eq "start: exit 0" 0 $?

finish
