#!/bin/bash
# End-to-end tests on the real data in ../shared (when it is there): the
# page the project started from, real pages mixing scripts, and the fully
# vocalized Qur'an text, searched the way people type.
. "$(dirname "$0")/lib.sh"

if [ ! -f "$SHARED/pages/000_efab44ae8a9eedf9.txt" ] || [ ! -d "$SHARED/corpora" ]; then
    skip_all "everything: $SHARED (the shared data) is not there"
fi
db=$WORK/db
"$FIHRIS_INDEX" --db "$db" "$SHARED/pages" "$SHARED/corpora/mixed_real.jsonl" "$SHARED/corpora/quran_ar.jsonl"
check_eq "index the shared page and two corpora" 0 $?
lines=$(($(wc -l <"$SHARED/corpora/mixed_real.jsonl") + $(wc -l <"$SHARED/corpora/quran_ar.jsonl")))
check_eq "one document per page and a JSONL line" $((lines + 1)) "$(doc_count "$db")"
srch() { "$FIHRIS_SEARCH" --db "$db" "$@"; }

out=$(srch --format json --limit 1 coalition)
check_contains "the seed page is found" '"id":"'"$(cd "$SHARED/pages" && pwd -P)"'/000_efab44ae8a9eedf9.txt"' "$out"
check_contains "its title is line 1" '"title":"US-led coalition admits killing 1K-plus civilian in Iraq, Syria"' "$out"
check_contains "a phrase from its body" '"total_estimate":1' "$(srch --format json '"aerial bombardment of Raqqa"')"

out=$(srch --highlight markers --limit 1 الرحمن)
check_contains "an unvocalized query finds the vocalized sura" "#quran_055" "$out"
# The sura's first word exactly as the corpus writes it (shadda before fatha).
word=$(printf '\xd9\xb1\xd9\x84\xd8\xb1\xd9\x91\xd9\x8e\xd8\xad\xdb\xa1\xd9\x85\xd9\x8e\xd9\xb0\xd9\x86\xd9\x8f')
check_contains "and highlights the word as written, wasla and harakat included" "**$word**" "$out"

# --- Shards rank as one index: every dev query, --jobs 1 against --jobs 2 ----
if [ -f "$SHARED/queries/queries-dev.tsv" ] && [ -f "$SHARED/corpora/saudinewsnet.jsonl" ]; then
    mix=$WORK/mix
    mkdir -p "$mix"
    cp "$SHARED/corpora/bbc_news.jsonl" "$mix/"
    head -n 3000 "$SHARED/corpora/saudinewsnet.jsonl" >"$mix/saudinewsnet-3000.jsonl"
    "$FIHRIS_INDEX" --jobs 1 --db "$WORK/j1" "$mix"
    check_eq "a news sample, one shard" 0 $?
    "$FIHRIS_INDEX" --jobs 2 --db "$WORK/j2" "$mix"
    check_eq "the same, two shards" 0 $?
    # top10 DB QUERY: the scores of the top 10 (to 4 decimals: the last digit
    # printed may round either way), then the ids in order of score and id,
    # so that pages with equal scores (duplicates), which each layout lists
    # in its own order of document ids, compare equal; ids tied at the 10th
    # score are left out (either may be cut). Every page is shown
    # (--no-collapse): which of two copies stands for both is by document id.
    top10() {
        "$FIHRIS_SEARCH" --db "$1" --format json --no-collapse --limit "${3:-10}" -- "$2" |
            grep -o '"score":[0-9.]*,"id":"[^"]*"' | sed 's/"score":\([0-9.]*\),"id":"\(.*\)"/\1 \2/' |
            head -n 10 | awk '{ score[NR] = sprintf("%.4f", $1); id[NR] = $2 }
                 END { for (i = 1; i <= NR; i++) print score[i]
                       for (i = 1; i <= NR; i++) if (NR < 10 || score[i] != score[NR]) print score[i], id[i] }' |
            sort
    }
    same=0
    total=0
    differ=""
    cut=0
    while IFS=$'\t' read -r _ q; do
        [ -n "$q" ] || continue
        total=$((total + 1))
        one=$(top10 "$WORK/j1" "$q")
        if [ "$one" = "$(top10 "$WORK/j2" "$q")" ]; then
            same=$((same + 1))
        else
            [ -n "$differ" ] || first=$q
            differ="$differ [$q]"
        fi
        # The matcher's shortcuts drop nothing: asked for 10 results or for
        # 100, the first 10 are the same.
        [ "$one" = "$(top10 "$WORK/j1" "$q" 100)" ] || cut=$((cut + 1))
    done <"$SHARED/queries/queries-dev.tsv"
    check_eq "every dev query's top 10 is the first 10 of its top 100 ($total queries)" 0 "$cut"
    check_eq "every dev query ranks the same top 10 over two shards ($total queries)" "$total" "$same"
    if [ -n "$differ" ]; then
        echo "     differing:$differ"
        echo "     the first, one shard then two:"
        "$FIHRIS_SEARCH" --db "$WORK/j1" --format json --limit 12 -- "$first" | grep -o '"score":[0-9.]*,"id":"[^"]*"' | sed 's/^/       /'
        "$FIHRIS_SEARCH" --db "$WORK/j2" --format json --limit 12 -- "$first" | grep -o '"score":[0-9.]*,"id":"[^"]*"' | sed 's/^/       /'
    fi
else
    skip "shards rank as one index: the dev queries or saudinewsnet.jsonl are not in $SHARED"
fi

finish
