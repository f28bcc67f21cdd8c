#!/bin/bash
# The binaries under valgrind (memcheck) on a small corpus with broken files:
# indexing, re-indexing, every query form, --stats, --analyze, --compact.
# valgrind exits 99 on an invalid read or write, a use of uninitialised
# memory or a definite leak, so each check of an exit code is also a check
# that memcheck found nothing. (Not registered for sanitizer builds.)
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
    skip_all "everything: valgrind is not installed"
fi
vg() {
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --track-origins=yes "$@"
}
idx() { vg "$FIHRIS_INDEX" "$@"; }
srch() { vg "$FIHRIS_SEARCH" "$@"; }

src=$WORK/src
db=$WORK/db
mkdir -p "$src"
cp "$FH_SOURCE_DIR"/corpus/*.txt "$src/"
printf 'Broken\n\nvalid start \xff\xfe then \xc0\xaf more words\n' >"$src/invalid.txt"
printf 'bin\0ary' >"$src/binary.txt"
: >"$src/empty.txt"
printf '<html><head><title>Old &amp; new</title></head><body><p>unclosed <b>tags<!-- a -- comment -->\n<div><div>deep text' >"$src/page.html"
printf '{"id":"1","title":"One","text":"first line"}\n{"id":2,"title":broken\n{"id":"3","title":"Three","text":"third مدرسة"}\n' >"$src/dump.jsonl"
printf 'Escapes \033]0;title\007 here\n\nbody \033[2J text \xe2\x80\xae reversed\n' >"$src/escapes.txt"

idx --jobs 2 --db "$db" "$src" 2>"$WORK/err"
check_eq "index under valgrind: exit 0" 0 $?
check_contains "the binary file named" "binary.txt" "$(cat "$WORK/err")"
check_eq "every readable page" 29 "$(doc_count "$db")"
idx --db "$db" "$src"
check_eq "re-run under valgrind" 0 $?
printf 'Changed\n\nnew words entirely\n' >"$src/invalid.txt"
rm "$src/page.html"
idx --db "$db" "$src"
check_eq "changes and a deletion under valgrind" 0 $?
check_eq "one page fewer" 28 "$(doc_count "$db")"

n=0
for q in marathon "city desert" "city OR desert" "water -river" "NOT water" '"old quarter"' 'mar*' \
    'title:marathon' '(city OR desert) market' 'مدرسه' 'احمد' 'الْمَدْرَسَةُ' 'running' \
    'escapes' 'third'; do
    srch --db "$db" --format json -- "$q" >/dev/null
    code=$?
    [ "$code" -eq 0 ] && n=$((n + 1))
done
check_eq "15 queries, each found, none flagged" 15 "$n"
srch --db "$db" --highlight markers --color always --passages 3 --snippet-length 80 market >/dev/null
check_eq "text output with markers, colour, passages" 0 $?
srch --db "$db" zzzznothing >/dev/null
check_eq "no result: exit 1" 1 $?
out=$(srch --db "$db" '"old (quarter' 2>&1)
check_eq "an unclosed quote: read to the end, found" 0 $?
check_contains "with a note" "a quote was not closed" "$out"
srch --db "$db" 'OR' >/dev/null 2>&1
check_eq "a lone operator: exit 2" 2 $?
srch --db "$db" --stats --format json >/dev/null
check_eq "--stats" 0 $?
srch --db "$db" --analyze 'الْمَدْرَسَةُ runs' >/dev/null
check_eq "--analyze" 0 $?
srch --db "$WORK/none" marathon >/dev/null 2>&1
check_eq "no index: exit 2" 2 $?
idx --compact --db "$db"
check_eq "--compact under valgrind" 0 $?
check_eq "the same pages after" 28 "$(doc_count "$db")"

finish
