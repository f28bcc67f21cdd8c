#!/bin/bash
# End-to-end tests of shards: --jobs N, rankings equal to one shard's, the
# stub that Xapian's own tools open, incremental runs across shards,
# --compact while searches run, an index of the older layout moved in
# place, and remote shards served by xapian-tcpsrv on 127.0.0.1.
. "$(dirname "$0")/lib.sh"

src=$WORK/src
cp -R "$FH_SOURCE_DIR/corpus" "$src"
rm -f "$src/demo.sh"
srch() { "$FIHRIS_SEARCH" "$@"; }
# ranking DB QUERY...: "id score" of the top 10, one per line.
ranking() {
    local db=$1
    shift
    srch --db "$db" --format json --limit 10 -- "$@" | grep -o '"score":[0-9.]*,"id":"[^"]*"'
}

# --- --jobs N: N shards, listed by a stub Xapian opens -----------------------
"$FIHRIS_INDEX" --jobs 1 --db "$WORK/one" "$src"
check_eq "--jobs 1 builds" 0 $?
"$FIHRIS_INDEX" --jobs 3 --db "$WORK/three" "$src"
check_eq "--jobs 3 builds" 0 $?
check_eq "three shards listed" 3 "$(grep -c '^auto s[0-9]*-[0-9]*$' "$WORK/three/XAPIANDB")"
check_eq "and no other folder" 3 "$(find "$WORK/three" -mindepth 1 -maxdepth 1 -type d | wc -l)"
check_eq "all pages, over three shards" 24 "$(doc_count "$WORK/three")"
n0=$(xapian-delve "$(shards "$WORK/three" | head -n 1)" | sed -n 's/^number of documents = //p')
[ "${n0:-0}" -gt 0 ] && [ "${n0:-0}" -lt 24 ]
check_eq "the pages are spread (first shard: $n0)" 0 $?
check_eq "xapian-delve opens the folder as one" "number of documents = 24" \
    "$(xapian-delve "$WORK/three" | grep 'number of documents')"
xcheck "$WORK/three"
check_eq "every shard passes xapian-check" 0 $?
check_eq "--stats counts the shards" "shards          3 (0 remote)" \
    "$(srch --db "$WORK/three" --stats | grep '^shards')"

# --- Without --jobs: written by a writer per core, merged into one shard --------
"$FIHRIS_INDEX" --threads 2 --db "$WORK/merged" "$src"
check_eq "a build without --jobs succeeds" 0 $?
check_eq "and ends as one shard" 1 "$(grep -c '^auto s[0-9]*-[0-9]*$' "$WORK/merged/XAPIANDB")"
check_eq "with every page" 24 "$(doc_count "$WORK/merged")"
check_eq "and as many as its last commit says" 24 "$(committed "$WORK/merged")"
check_eq "ranking as the three shards do" "$(ranking "$WORK/three" city water)" \
    "$(ranking "$WORK/merged" city water)"
check_contains "(a ranking of several pages)" "," "$(ranking "$WORK/merged" city water | sed -n 2p)"
xcheck "$WORK/merged"
check_eq "it passes xapian-check" 0 $?
"$FIHRIS_INDEX" --db "$WORK/merged" "$src"
check_eq "a re-run keeps one shard" 1 "$(grep -c '^auto s[0-9]*-[0-9]*$' "$WORK/merged/XAPIANDB")"
"$FIHRIS_INDEX" --rebuild --threads 2 --db "$WORK/merged" "$src"
check_eq "and so does a --rebuild" 1 "$(grep -c '^auto s[0-9]*-[0-9]*$' "$WORK/merged/XAPIANDB")"
check_eq "with every page" 24 "$(doc_count "$WORK/merged")"
check_eq "and no other folder" 1 "$(find "$WORK/merged" -mindepth 1 -maxdepth 1 -type d | wc -l)"
"$FH_SET_METADATA" "$(shards "$WORK/three" | tail -1)" fihris.updated 4102444800
check_eq "--stats gives the latest update of the shards, not the first one's" \
    "last update     2100-01-01T00:00:00Z" "$(srch --db "$WORK/three" --stats | grep '^last update')"

same=0
total=0
for q in marathon "city OR desert" 'title:marathon' "مدرسه" "احمد" "running" '"old quarter"' 'mar*' \
    "water -river" "الرياض OR جدة"; do
    total=$((total + 1))
    [ "$(ranking "$WORK/one" "$q")" = "$(ranking "$WORK/three" "$q")" ] && same=$((same + 1))
done
check_eq "rankings over three shards equal one shard's ($total queries)" "$total" "$same"

# Threads and shards in any number: one thread writing three shards, and
# three threads sharing one shard (one writes while the others queue), with
# a commit after every page so that writes and commits interleave.
"$FIHRIS_INDEX" --jobs 3 --threads 1 --commit-every 1 --db "$WORK/t1" "$src"
check_eq "--jobs 3 --threads 1 builds" 0 $?
"$FIHRIS_INDEX" --jobs 1 --threads 3 --commit-every 1 --db "$WORK/t3" "$src"
check_eq "--jobs 1 --threads 3 builds" 0 $?
same=0
for q in marathon "مدرسه" "city OR desert"; do
    [ "$(ranking "$WORK/one" "$q")" = "$(ranking "$WORK/t1" "$q")" ] &&
        [ "$(ranking "$WORK/one" "$q")" = "$(ranking "$WORK/t3" "$q")" ] && same=$((same + 1))
done
check_eq "both rank as --jobs 1 does (3 queries)" 3 "$same"
check_eq "and hold every page" "24 24" "$(doc_count "$WORK/t1") $(doc_count "$WORK/t3")"

# --- Incremental runs keep each page in its shard ---------------------------
printf 'Harbour Lights\n\nThe harbour lights were mended by volunteers.\n' >"$src/new-page.txt"
"$FIHRIS_INDEX" --db "$WORK/three" "$src"
check_eq "a new page on a sharded index" 25 "$(doc_count "$WORK/three")"
printf 'Harbour Lights\n\nThe harbour lamps were mended by volunteers.\n' >"$src/new-page.txt"
"$FIHRIS_INDEX" --db "$WORK/three" "$src"
check_eq "a changed page replaced, not added" 25 "$(doc_count "$WORK/three")"
check_eq "its new words found" '"total_estimate":1' \
    "$(srch --db "$WORK/three" --format json lamps | grep -o '"total_estimate":[0-9]*')"
mv "$src/new-page.txt" "$src/moved-page.txt"
"$FIHRIS_INDEX" --db "$WORK/three" "$src"
check_eq "a moved page kept once" 25 "$(doc_count "$WORK/three")"
rm "$src/moved-page.txt"
"$FIHRIS_INDEX" --db "$WORK/three" "$src"
check_eq "a deleted page gone" 24 "$(doc_count "$WORK/three")"
out=$("$FIHRIS_INDEX" --jobs 2 --db "$WORK/three" "$src" 2>&1)
check_contains "--jobs on an existing index says it applies to new ones" "the index has 3 shards" "$out"
check_eq "and the index keeps its shards" 3 "$(grep -c '^auto' "$WORK/three/XAPIANDB")"

# --- --compact: merged beside, switched at once, searches go on --------------
"$FIHRIS_INDEX" --compact --jobs 2 --db "$WORK/three" 2>"$WORK/err"
check_eq "--compact --jobs 2 on 3 shards is refused" 64 $?
check_contains "saying why" "does not divide" "$(cat "$WORK/err")"
before=$(ranking "$WORK/three" "city OR desert OR مدرسه")
(
    for _ in 1 2 3 4 5 6; do
        "$FIHRIS_INDEX" --rebuild --db "$WORK/three" "$src" || exit 1
        "$FIHRIS_INDEX" --compact --db "$WORK/three" || exit 1
    done
) &
pid=$!
search_during "$pid" "$WORK/three" city
wait "$pid"
check_eq "six rebuilds and compactions succeed" 0 $?
check_eq "no search failed meanwhile ($searches searches)${first_error:+; first: $first_error}" 0 "$errors"
[ "$errors" -eq 0 ] || cat "$WORK/search.err"
check_eq "one shard after --compact" 1 "$(grep -c '^auto' "$WORK/three/XAPIANDB")"
check_eq "the old shards removed" 1 "$(find "$WORK/three" -mindepth 1 -maxdepth 1 -type d | wc -l)"
check_eq "the same rankings after compaction" "$before" "$(ranking "$WORK/three" "city OR desert OR مدرسه")"
printf 'Night Market\n\nThe night market opens at dusk.\n' >"$src/night.txt"
"$FIHRIS_INDEX" --db "$WORK/three" "$src"
check_eq "a compacted index takes new pages" 25 "$(doc_count "$WORK/three")"
rm "$src/night.txt"

# --- An index of the older layout (one database in the folder) --------------
xapian-compact "$(shards "$WORK/one" | head -n 1)" "$WORK/old" >/dev/null
check_eq "an older-layout index made" 1 "$([ -f "$WORK/old/iamglass" ] && echo 1)"
"$FIHRIS_INDEX" --db "$WORK/old" "$src"
check_eq "the indexer takes it over" 0 $?
check_eq "into a stub and one shard" "auto s1-0" "$(grep '^auto' "$WORK/old/XAPIANDB")"
check_eq "its files moved, not copied" "" "$(ls "$WORK/old" | grep -v -e XAPIANDB -e fihris.lock -e FIHRIS -e '^s1-0$')"
check_eq "nothing re-indexed and nothing lost" 24 "$(doc_count "$WORK/old")"

"$FIHRIS_INDEX" --db tcp://127.0.0.1:1 "$src" 2>"$WORK/err"
check_eq "fihris-index refuses a remote index: exit 64" 64 $?
check_contains "saying where it is updated" "updated on the machine that serves it" "$(cat "$WORK/err")"

# --- xapian-tcpsrv bound to an address, in the README and the example unit --
check_eq "every xapian-tcpsrv command in the README binds --interface" "" \
    "$(grep -E '^xapian-tcpsrv ' "$FH_SOURCE_DIR/README.md" | grep -v -e '--interface 10\.')"
unit=$FH_SOURCE_DIR/indexer/examples/fihris-tcpsrv.service
check_contains "so does the systemd unit, with the address of its environment file" \
    'ExecStart=/usr/bin/xapian-tcpsrv --interface ${FIHRIS_TCPSRV_ADDRESS} ' "$(cat "$unit")"
check_eq "which gives a private one" "FIHRIS_TCPSRV_ADDRESS=10.0.0.7" \
    "$(grep '^FIHRIS_TCPSRV_ADDRESS=' "$FH_SOURCE_DIR/indexer/examples/fihris-tcpsrv.env")"
# The unit's ExecStartPre as systemd runs it ($$ is a $).
pre=$(sed -n "s/^ExecStartPre=\/bin\/sh -c '\(.*\)'\$/\1/p" "$unit" | sed 's/\$\$/$/g')
for address in "" 0.0.0.0 "::"; do
    FIHRIS_TCPSRV_ADDRESS=$address sh -c "$pre" 2>/dev/null
    check_eq "the unit refuses to start on '$address' (every interface)" 1 $?
done
FIHRIS_TCPSRV_ADDRESS=10.0.0.7 sh -c "$pre"
check_eq "…and starts on 10.0.0.7" 0 $?

# --- Remote shards: xapian-tcpsrv on 127.0.0.1 --------------------------------
if ! command -v xapian-tcpsrv >/dev/null; then
    skip "remote shards: xapian-tcpsrv is not installed"
    finish
    exit
fi
"$FIHRIS_INDEX" --jobs 2 --db "$WORK/two" "$src"
pids=()
trap 'for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null; done; chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
# serve SHARD: start xapian-tcpsrv on a free port; prints the port.
serve() {
    local port tries
    for tries in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 30000))
        # Its own process group, so that the server and the children it
        # forks for connections are stopped together.
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" --quiet "$1" >/dev/null 2>&1 &
        local pid=$!
        for _ in $(seq 1 50); do
            if srch --db "tcp://127.0.0.1:$port" --stats >/dev/null 2>&1; then
                echo "$port $pid"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -- -"$pid" 2>/dev/null
    done
    return 1
}
read -r port1 pid1 < <(serve "$(shards "$WORK/two" | sed -n 1p)")
read -r port2 pid2 < <(serve "$(shards "$WORK/two" | sed -n 2p)")
pids=("$pid1" "$pid2")
check_eq "two xapian-tcpsrv serve the shards" 1 "$([ -n "$port1" ] && [ -n "$port2" ] && echo 1)"
r1=tcp://127.0.0.1:$port1
r2=tcp://127.0.0.1:$port2
# The ids of documents and the estimate of the total differ by design.
strip() { sed 's/"docid":[0-9]*,//g; s/"total_estimate":[0-9]*,//'; }
same=0
total=0
for q in marathon "city OR desert" "مدرسه" 'mar*' "title:marathon" 'title:"old quarter"'; do
    total=$((total + 1))
    a=$(srch --db "$WORK/two" --format json -- "$q" | strip)
    b=$(srch --db "$r1" --db "$r2" --format json -- "$q" | strip)
    [ "$a" = "$b" ] && [ -n "$a" ] && same=$((same + 1))
done
check_eq "JSON results (snippets, highlights) over two remote shards equal the local index's ($total queries)" "$total" "$same"
# A phrase in the body: the shards' word maps cannot be read remotely, so
# its words are searched for anywhere, and that is said.
out=$(srch --db "$r1" --db "$r2" '"new city"' 2>&1 >/dev/null)
check_contains "a phrase over remote shards of a word-map index: said" \
    "a remote shard of this index cannot check phrases" "$out"
check_eq "…and its words found anywhere in the page (7)" 7 \
    "$(srch --db "$r1" --db "$r2" --count '"new city"' 2>/dev/null)"
check_eq "…where the local index finds the phrase in 1" 1 \
    "$(srch --db "$WORK/two" --count '"new city"')"
# Excluded, such a phrase leaves no page out rather than every page with
# its words: the 9 pages with "city", where the local index keeps 8.
check_eq "a -\"phrase\" over remote shards of a word-map index leaves no page out" "9 8" \
    "$(srch --db "$r1" --db "$r2" --count 'city -"new city"' 2>/dev/null) $(srch --db "$WORK/two" --count 'city -"new city"')"
check_contains "…and says so" "a -\"phrase\" left no page out" \
    "$(srch --db "$r1" --db "$r2" 'city -"new city"' 2>&1 >/dev/null)"
# An index made with --xapian-positions keeps its phrases over xapian-tcpsrv.
"$FIHRIS_INDEX" --jobs 1 --xapian-positions --db "$WORK/xp" "$src"
read -r port3 pid3 < <(serve "$(shards "$WORK/xp" | sed -n 1p)")
pids+=("$pid3")
same=0
total=0
for q in '"new city"' '"city marathon" OR "solar farm"' 'city -"new city"'; do
    total=$((total + 1))
    a=$(srch --db "$WORK/two" --format json -- "$q" | strip)
    b=$(srch --db "tcp://127.0.0.1:$port3" --format json -- "$q" 2>&1 | strip)
    [ "$a" = "$b" ] && [ -n "$a" ] && same=$((same + 1))
done
check_eq "phrases over xapian-tcpsrv of a --xapian-positions index equal the word maps' ($total queries)" "$total" "$same"
printf '# two machines\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$port1" "$port2" >"$WORK/cluster"
check_eq "a stub file with remote lines" \
    "$(srch --db "$WORK/two" --format json marathon | strip)" \
    "$(srch --db "$WORK/cluster" --format json marathon | strip)"
check_eq "--stats through remote shards" "documents       24|shards          2 (2 remote)" \
    "$(srch --db "$WORK/cluster" --stats | grep -e '^documents' -e '^shards' | paste -sd '|')"

kill -- -"$pid2"
for _ in $(seq 1 50); do
    kill -0 "$pid2" 2>/dev/null || break
    sleep 0.1
done
out=$(srch --db "$WORK/cluster" marathon 2>&1)
check_eq "a shard down: exit 2" 2 $?
check_contains "and the error names it" "fihris-search: tcp://127.0.0.1:$port2:" "$out"
out=$(srch --db "$WORK/cluster" --allow-partial --format json marathon 2>"$WORK/err")
code=$?
check_contains "--allow-partial: results from the other shard" '"results":[' "$out"
check_eq "--allow-partial: exit by those results" "$(srch --db "$r1" marathon >/dev/null 2>&1; echo $?)" "$code"
check_contains "--allow-partial: a warning names the shard left out" \
    "tcp://127.0.0.1:$port2: left out of this search" "$(cat "$WORK/err")"

finish
