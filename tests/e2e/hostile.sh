#!/bin/bash
# End-to-end tests with hostile and broken input: each case has its expected
# outcome, and none may crash, hang (each run is bounded by `timeout`), lose
# what was indexed before, or put raw control characters on a terminal.
. "$(dirname "$0")/lib.sh"

src=$WORK/src
db=$WORK/db
mkdir -p "$src"
idx() { timeout 300 "$FIHRIS_INDEX" --db "$db" "$@"; }
srch() { timeout 60 "$FIHRIS_SEARCH" --db "$db" "$@"; }
printf 'Anchor page\n\nanchorword is here before anything hostile.\n' >"$src/anchor.txt"
idx "$src"
check_eq "the anchor page is indexed" 1 "$(doc_count "$db")"

# --- Files --------------------------------------------------------------------
truncate -s 1G "$src/huge.txt"
out=$(idx "$src" 2>&1)
check_eq "a 1 GiB file: exit 0" 0 $?
check_contains "a 1 GiB file is skipped by size, named" "huge.txt: skipped: 1073741824 bytes is over --max-file-size" "$out"
rm "$src/huge.txt"

{ printf 'One long line\n\n'; yes 'alpha beta gamma delta' | head -c $((20 << 20)) | tr '\n' ' '; printf ' endofline\n'; } >"$src/line.txt"
idx "$src"
check_eq "a 20 MiB single line: exit 0" 0 $?
check_eq "a 20 MiB single line is searchable to its end" 0 "$(srch endofline >/dev/null; echo $?)"

# UTF-8 text (Arabic words) damaged by lone surrogates, overlong forms and a
# stray byte.
printf 'Surrogates\n\nمدرسة جديدة في الرياض before \xed\xa0\x80\xed\xbf\xbf overlong \xc0\xaf\xe0\x80\xaf after \xff\n' >"$src/bad.txt"
out=$(idx "$src" 2>&1)
check_contains "lone surrogates and overlong forms: a warning naming the file" "bad.txt: invalid text encoding" "$out"
check_eq "words around bad bytes are searchable" 0 "$(srch overlong after >/dev/null; echo $?)"

mkdir -p "$src/many"
for i in $(seq 1 100000); do echo "t$i" >"$src/many/f$i.txt"; done
idx "$src"
check_eq "100,000 files in one folder: exit 0" 0 $?
check_eq "100,000 files in one folder: all indexed" 100003 "$(doc_count "$db")"
out=$(srch 't*' 2>&1)
check_contains "a prefix matching 100,000 terms is capped, with a note" "a word* matched more words than the limit" "$out"
rm -rf "$src/many"

deep=$src/deep
mkdir -p "$deep"
d=$deep
for i in $(seq 1 1000); do d=$d/d; done
mkdir -p "$d"
printf 'Deep page\n\ndeepestword\n' >"$d/p.txt"
# The 100,000 files gone are most of the index: --max-delete lets them go.
idx --max-delete 100% "$src"
check_eq "a folder nested 1,000 deep: exit 0" 0 $?
check_eq "the page at the bottom is found" 0 "$(srch deepestword >/dev/null; echo $?)"
rm -rf "$deep"

outside=$WORK/outside
mkdir -p "$outside"
printf 'Outside\n\noutsideword\n' >"$outside/o.txt"
ln -s "$outside" "$src/link-out"
ln -s "$outside/o.txt" "$src/link-file.txt"
idx "$src"
check_eq "symlinks out of the source are not followed" 1 "$(srch outsideword >/dev/null; echo $?)"
rm "$src/link-out" "$src/link-file.txt"

{
    printf '%s\n' '{"id":"1","title":"Good","text":"jsonlgood"}' '{"id":"2","title":"Broken' 'not json' '{"id":3}'
    printf '{"id":"big","title":"Big","text":"'
    yes 'lorem ipsum dolor' | head -c $((50 << 20)) | tr '\n' ' '
    printf ' bigjsonlend"}\n'
    printf '%s\n' '{"id":"4","title":"After","text":"jsonlafter"}'
} >"$src/dump.jsonl"
out=$(idx "$src" 2>&1)
check_eq "JSONL with broken lines and a 50 MiB line: exit 0" 0 $?
check_contains "a broken line is named by its number" "dump.jsonl:2: skipped line" "$out"
check_contains "a line without text is named" "dump.jsonl:4: skipped line: missing \"text\"" "$out"
check_eq "the 50 MiB line is indexed" 0 "$(srch bigjsonlend >/dev/null; echo $?)"
check_eq "lines after it too" 0 "$(srch jsonlafter >/dev/null; echo $?)"

{
    printf '<html><head><title>Nested</title></head><body><!-- a <!-- b --> visibleword -->'
    for i in $(seq 1 100000); do printf '<div>'; done
    printf 'deepdivword<p>unclosed <b>bold <i>italic'
} >"$src/nested.html"
out=$(idx "$src" 2>&1)
check_eq "HTML with 100,000 nested elements, unclosed tags, nested comments: exit 0" 0 $?
check_eq "its text is indexed" 0 "$(srch deepdivword >/dev/null; echo $?)"
check_eq "text after a nested comment's first end is text" 0 "$(srch visibleword >/dev/null; echo $?)"

printf 'Title \033]0;owned\007 with \033[31mred\033[0m and \342\200\256 override\n\nescapeword \033[2J body\n' >"$src/escape.txt"
idx "$src"
out=$(srch --color never escapeword)
check_not_contains "no raw escape from a page reaches the terminal" $'\033' "$out"
check_not_contains "no raw bidi override" $'\xe2\x80\xae' "$out"
check_not_contains "no raw bell" $'\a' "$out"

check_eq "the anchor page is still there after all of it" 0 "$(srch anchorword >/dev/null; echo $?)"

# --- Queries ------------------------------------------------------------------
words=$(for i in $(seq 1 10000); do printf 'w%d ' "$i"; done)
out=$(srch "$words" 2>&1)
code=$?
check_eq "a query of 10,000 words: no match, exit 1" 1 "$code"
check_contains "a query of 10,000 words is cut with a note" "the query has too many words" "$out"
long=$(for i in $(seq 1 25000); do printf 'qqq '; done)
out=$(srch "$long" 2>&1)
check_eq "a query of 100,000 characters in words: no match, exit 1" 1 $?
check_contains "and a note that it was cut" "the query has too many words" "$out"
long=$(head -c 100000 /dev/zero | tr '\0' 'x')
out=$(srch "$long" 2>&1)
check_eq "one word of 100,000 characters: exit 2" 2 $?
check_contains "and the reason" "the query has no words to search for" "$out"
nested=$(head -c 10000 /dev/zero | tr '\0' '(')
out=$(srch "${nested}anchorword" 2>&1)
check_contains "10,000 nested parentheses: read with a note" "parentheses nested too deep were ignored" "$out"

finish
