#!/bin/bash
# End-to-end tests on the real data in ../shared (when it is there): the
# page the project started from, real pages mixing scripts, and the fully
# vocalized Qur'an text, searched the way people type.
. "$(dirname "$0")/lib.sh"

if [ ! -f "$SHARED/pages/000_efab44ae8a9eedf9.txt" ] || [ ! -d "$SHARED/corpora" ]; then
    echo "skipped: $SHARED (the shared data) is not there"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
db=$WORK/db
"$FIHRIS_INDEX" --db "$db" "$SHARED/pages" "$SHARED/corpora/mixed_real.jsonl" "$SHARED/corpora/quran_ar.jsonl"
check_eq "index the shared page and two corpora" 0 $?
lines=$(($(wc -l <"$SHARED/corpora/mixed_real.jsonl") + $(wc -l <"$SHARED/corpora/quran_ar.jsonl")))
check_eq "one document a page and a JSONL line" $((lines + 1)) "$(doc_count "$db")"
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

finish
