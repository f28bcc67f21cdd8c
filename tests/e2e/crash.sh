#!/bin/bash
# fihris-index killed with SIGKILL at 10 random moments of a large build:
# after each kill the index passes xapian-check, opens, searches, and holds
# exactly what its last commit wrote; the last run reaches the exact count
# with no duplicates and no folders left behind.
. "$(dirname "$0")/lib.sh"

src=$WORK/src
db=$WORK/db
mkdir -p "$src"
pages=20000
for i in $(seq 1 "$pages"); do
    printf 'Page %d\n\nuniq%d common text about item %d, with more words to index.\n' "$i" "$i" "$i" >"$src/p$i.txt"
done

# And a JSONL file of 5,000 pages, read first (names are walked in order):
# a kill in its middle leaves part of it committed.
jpages=5000
for i in $(seq 1 "$jpages"); do
    printf '{"id":"%d","title":"Line %d","text":"juniq%d common text about line %d, with more words to index."}\n' "$i" "$i" "$i" "$i"
done >"$src/a.jsonl"
pages=$((pages + jpages))

seed=${FH_CRASH_SEED:-$RANDOM}
RANDOM=$seed
echo "random seed $seed (FH_CRASH_SEED to repeat)"
for k in $(seq 1 10); do
    "$FIHRIS_INDEX" --db "$db" --commit-every 500 "$src" 2>/dev/null &
    pid=$!
    # 50 ms to 2 s: during the walk, the analysis, a commit, the end.
    sleep "$(printf '0.%03d' $((50 + RANDOM % 950)))"
    [ $((RANDOM % 2)) -eq 0 ] && sleep 1
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -e "$db" ] || { pass "kill $k: before the index was created"; continue; }
    xcheck "$db"
    check_eq "kill $k: the index passes xapian-check" 0 $?
    n=$(doc_count "$db")
    c=$(committed "$db")
    check_eq "kill $k: it holds exactly its last commit" "${c:-0}" "$n"
    "$FIHRIS_SEARCH" --db "$db" common >/dev/null 2>&1
    code=$?
    [ "$n" -eq 0 ] && want=1 || want=0
    check_eq "kill $k: it searches" "$want" "$code"
done
"$FIHRIS_INDEX" --db "$db" "$src"
check_eq "the last run succeeds" 0 $?
check_eq "exactly $pages documents" "$pages" "$(doc_count "$db")"
check_eq "and as many as its last commit says" "$pages" "$(committed "$db")"
check_eq "no page twice" '"total_estimate":1' "$("$FIHRIS_SEARCH" --db "$db" --format json uniq12345 | grep -o '"total_estimate":[0-9]*')"
check_eq "no JSONL page twice" '"total_estimate":1' "$("$FIHRIS_SEARCH" --db "$db" --format json juniq4999 | grep -o '"total_estimate":[0-9]*')"
check_eq "no folder left beside the index" "" "$(cd "$WORK" && ls -d db.* 2>/dev/null)"

finish
