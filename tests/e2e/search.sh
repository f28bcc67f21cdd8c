#!/bin/bash
# End-to-end tests of fihris-search over an index of corpus/: the query
# language, both languages' normalization, highlighting, output formats,
# terminal safety, malformed queries, exit codes and paging.
. "$(dirname "$0")/lib.sh"

db=$WORK/db
"$FIHRIS_INDEX" --db "$db" "$FH_SOURCE_DIR/corpus" || { fail "index corpus/"; finish; exit 1; }
srch() { "$FIHRIS_SEARCH" --db "$db" "$@"; }
# keys QUERY...: the file names of all results, in rank order.
keys() { srch --format json --limit 50 "$@" | grep -o '"id":"[^"]*"' | sed 's|.*/||;s|"$||' | tr '\n' ' ' | sed 's/ $//'; }
marked() { srch --highlight markers --snippet-length 300 "$@"; }

# --- What the index holds -----------------------------------------------------
# A title word whose stem differs is also held as written (U), without
# positions; a body word is not.
check_contains "runs in a title: also held unstemmed" "Posting List for term 'Uruns' (termfreq 1," \
    "$(xapian-delve -t Uruns "$db" 2>&1)"
check_contains "running in a body only: held stemmed only" "term 'Urunning' not in database" \
    "$(xapian-delve -t Urunning "$db" 2>&1)"
check_contains "a word that is its own stem: not twice" "term 'Umarathon' not in database" \
    "$(xapian-delve -t Umarathon "$db" 2>&1)"

# --- The query language -------------------------------------------------------
check_eq "a word" "en-city-marathon.txt" "$(keys marathon)"
check_eq "all words must match" "en-solar-farm-desert.txt" "$(keys solar panels)"
check_eq "OR" "en-city-marathon.txt en-harbour-cafe.txt en-football-final.txt en-library-reopens.txt" "$(keys marathon OR harbour)"
check_eq "-word excludes" "mix-book-fair.txt en-harbour-cafe.txt" "$(keys reading -library)"
check_eq "NOT excludes" "mix-book-fair.txt en-harbour-cafe.txt" "$(keys reading NOT library)"
check_eq "-word first, after --" "mix-book-fair.txt en-harbour-cafe.txt" "$(keys -- -library reading)"
check_eq "-word as one quoted query" "mix-book-fair.txt en-harbour-cafe.txt" "$(keys 'reading -library')"
check_eq "a phrase" "en-solar-farm-desert.txt en-desalination-plant.txt" "$(keys '"solar farm"')"
check_eq "words out of order are no phrase" "" "$(keys '"farm solar"')"
check_eq "prefix" "en-desalination-plant.txt" "$(keys 'desal*')"
check_eq "title:" "en-harbour-cafe.txt" "$(keys title:café)"
check_eq "parentheses" "en-city-marathon.txt" "$(keys '(café OR marathon) runner*')"
check_eq "a mixed English and Arabic query" "mix-riyadh-metro.txt" "$(keys Riyadh مترو)"

# --- Normalization: the query meets the page's spelling ----------------------
check_eq "احمد finds أحمد" "ar-hospital-opening.txt" "$(keys احمد)"
check_eq "المدرسة finds الْمَدْرَسَةُ" "ar-school-riyadh.txt" "$(keys المدرسة)"
check_eq "مدرسه finds مدرسة" "ar-school-riyadh.txt" "$(keys مدرسه)"
check_eq "مستشفي finds مستشفى" "$(keys مستشفى)" "$(keys مستشفي)"
check_eq "tatweel in the query" "$(keys الرياض)" "$(keys الـريـاض)"
check_eq "Arabic-Indic digits" "$(keys 2018)" "$(keys ٢٠١٨)"
check_eq "cafe finds café" "en-harbour-cafe.txt" "$(keys cafe)"
check_contains "running finds runs" "en-city-marathon.txt" "$(keys running)"

# --- Highlighting the words as the page wrote them ---------------------------
out=$(marked احمد)
check_contains "احمد highlights أحمد" "**أحمد**" "$out"
out=$(marked مدرسه)
check_contains "مدرسه highlights the vocalized word with its article" "**الْمَدْرَسَةُ**" "$out"
check_contains "مدرسه highlights المدرسة" "**المدرسة**" "$out"
out=$(marked running)
check_contains "running highlights runs" "**runs**" "$out"
check_contains "running highlights Running" "**Running**" "$out"

json=$(srch --format json --limit 1 running)
check_contains "title highlight spans in bytes" '"title":"City Marathon Runs Through the Old Quarter for the First Time","title_highlights":[[14,18]]' "$json"
# --- Expansion (pseudo-relevance feedback) -------------------------------------
ids() { printf '%s' "$1" | grep -o '"id":"[^"]*"' | sed 's/.*corpus\///; s/"$//' | tr '\n' ' '; }
json=$(srch --format json --any desalination)
check_eq "--any desalination: the one page with the word" "en-desalination-plant.txt " "$(ids "$json")"
json=$(srch --format json --limit 3 --expand desalination)
check_eq "--expand: that page first, then pages sharing its words" \
    "en-desalination-plant.txt en-solar-farm-desert.txt en-sandstorm-warning.txt " "$(ids "$json")"
check_eq "--expand: 5 pages match the query with its expansion" 5 "$(keys --expand desalination | wc -w)"
# The expansion weighs its words with the whole index's statistics: the same
# pages, in the same order, however the pages fell into shards (a copy of
# the corpus elsewhere hashes into other shards).
cp -R "$FH_SOURCE_DIR/corpus" "$WORK/elsewhere"
"$FIHRIS_INDEX" --jobs 3 --db "$WORK/db3" "$WORK/elsewhere"
json3=$("$FIHRIS_SEARCH" --db "$WORK/db3" --format json --limit 50 --expand desalination)
check_eq "--expand ranks the same over 3 shards of a copy" "$(keys --expand desalination)" \
    "$(printf '%s' "$json3" | grep -o '"id":"[^"]*"' | sed 's|.*/||;s|"$||' | tr '\n' ' ' | sed 's/ $//')"

json=$(srch --format json --limit 1 المكتبه)
check_contains "an Arabic title's highlight in bytes, from the index's title offsets" '"title":"إعادة افتتاح المكتبة العامة في الدمام بعد تجديد شامل","title_highlights":[[24,38]]' "$json"
json=$(srch --format json --limit 1 --snippet-length 60 احمد)
text=$(printf '%s' "$json" | sed 's/.*"snippets":\[{"text":"\([^"]*\)".*/\1/')
bytes=$(printf '%s' "$json" | sed 's/.*"highlights":\[\[\([0-9]*\),\([0-9]*\)\].*/\1 \2/')
chars=$(printf '%s' "$json" | sed 's/.*"highlights_chars":\[\[\([0-9]*\),\([0-9]*\)\].*/\1 \2/')
read -r bs be <<<"$bytes"
read -r cs ce <<<"$chars"
check_eq "byte span of the highlight is أحمد" "أحمد" "$(LC_ALL=C bash -c 't=$1; printf %s "${t:$2:$3}"' _ "$text" "$bs" "$((be - bs))")"
check_eq "code point span of the highlight is أحمد" "أحمد" "$(LC_ALL=C.UTF-8 bash -c 't=$1; printf %s "${t:$2:$3}"' _ "$text" "$cs" "$((ce - cs))")"

# --- Highlights follow the query: a phrase where it matches, title: in titles --
out=$(srch --highlight markers --limit 1 '"the city"')
check_contains "a phrase's words marked where the phrase is" "**the** **city** centre" "$out"
check_not_contains "…its common word not elsewhere" "**the** trophy" "$out"
out=$(srch -q --highlight markers --limit 1 'title:"مدرسة نموذجية"')
check_contains "title: phrase marked in the title" "**مدرسة** **نموذجية**" "$(echo "$out" | sed -n 1p)"
check_not_contains "…and not in the body" "**" "$(echo "$out" | sed -n 3p)"
out=$(srch --highlight markers --limit 1 'the city')
check_not_contains "a free common word is not marked" "**the**" "$out"

# --- Output styles -----------------------------------------------------------
esc=$'\033'
out=$(srch --color always marathon)
check_contains "--color always: ANSI highlight" "${esc}[1;31mmarathon${esc}[0m" "$out"
check_contains "…and a title's bold goes on after its highlight" "${esc}[1;31mMarathon${esc}[0m${esc}[1m" "$out"
out=$(srch --highlight markers marathon)
check_not_contains "markers: no escapes" "$esc" "$out"
check_contains "markers: **word**" "**marathon**" "$out"
out=$(srch --highlight none marathon)
check_not_contains "none: no markers" "**" "$out"
check_not_contains "none: no escapes" "$esc" "$out"
out=$(NO_COLOR=1 srch --color auto marathon)
check_not_contains "NO_COLOR: no escapes" "$esc" "$out"
check_contains "--isolates: an Arabic title and snippet inside isolates" $'\xe2\x81\xa8'"افتتاح" "$(srch --isolates --limit 1 مدرسه)"
check_contains "…and closed" $'\xe2\x81\xa9' "$(srch --isolates --limit 1 مدرسه)"
check_not_contains "English text without them (grep finds it as written)" $'\xe2\x81\xa8' "$(srch --isolates marathon)"
check_not_contains "into a pipe: no isolates" $'\xe2\x81\xa8' "$(srch --limit 1 مدرسه)"
check_not_contains "JSON: no isolates, even asked for" $'\xe2\x81\xa8' "$(srch --isolates --format json --limit 1 مدرسه)"
# On a terminal (script(1) gives one): colour unless NO_COLOR or TERM=dumb;
# isolates unless --no-isolates.
if script -qec true /dev/null >/dev/null 2>&1; then
    on_tty() { script -qec "$(printf '%q ' "$@")" /dev/null; }
    out=$(TERM=xterm on_tty "$FIHRIS_SEARCH" --db "$db" --limit 1 مدرسه)
    check_contains "a terminal: colour" "${esc}[1;31m" "$out"
    check_contains "a terminal: isolates" $'\xe2\x81\xa8' "$out"
    out=$(TERM=dumb on_tty "$FIHRIS_SEARCH" --db "$db" --limit 1 مدرسه)
    check_not_contains "TERM=dumb: no colour" "$esc" "$out"
    check_contains "…isolates still" $'\xe2\x81\xa8' "$out"
    check_contains "TERM=dumb --color always: colour" "${esc}[1;31m" \
        "$(TERM=dumb on_tty "$FIHRIS_SEARCH" --db "$db" --color always --limit 1 مدرسه)"
    check_not_contains "NO_COLOR on a terminal: no colour" "$esc" \
        "$(NO_COLOR=1 TERM=xterm on_tty "$FIHRIS_SEARCH" --db "$db" --limit 1 مدرسه)"
    check_contains "NO_COLOR empty: colour (no-color.org)" "${esc}[1;31m" \
        "$(NO_COLOR='' TERM=xterm on_tty "$FIHRIS_SEARCH" --db "$db" --limit 1 مدرسه)"
    # No TERM at all says as little as TERM=dumb: git and ripgrep write no
    # colour then.
    out=$(on_tty env -u TERM "$FIHRIS_SEARCH" --db "$db" --limit 1 مدرسه)
    check_not_contains "TERM unset: no colour" "$esc" "$out"
    check_contains "…isolates still" $'\xe2\x81\xa8' "$out"
    check_contains "TERM unset --color always: colour" "${esc}[1;31m" \
        "$(on_tty env -u TERM "$FIHRIS_SEARCH" --db "$db" --color always --limit 1 مدرسه)"
    check_not_contains "--no-isolates on a terminal: none" $'\xe2\x81\xa8' \
        "$(TERM=xterm on_tty "$FIHRIS_SEARCH" --db "$db" --no-isolates --limit 1 مدرسه)"
else
    skip "terminal tests: script(1) cannot run here"
fi
check_contains "relaxed results are marked" "No page has all the words" "$(srch marathon glaciers)"
check_contains "relaxed in JSON" '"relaxed":true' "$(srch --format json marathon glaciers)"

# --- Paging --------------------------------------------------------------------
first_two=$(keys 2018 | cut -d' ' -f1-2)
second=$(srch --format json --limit 1 --offset 1 2018 | grep -o '"id":"[^"]*"' | sed 's|.*/||;s|"$||')
check_eq "--offset 1 --limit 1 gives the second result" "$(echo "$first_two" | cut -d' ' -f2)" "$second"
check_contains "ranks count the offset" '"rank":2' "$(srch --format json --limit 1 --offset 1 2018)"
out=$(srch --offset 1000 2018 2>&1)
check_eq "an offset past the results exits 1" 1 $?
check_contains "…and says so" "No results from --offset 1000 on" "$out"
check_not_contains "no 'some of the words' header over no results" "No page has all" "$(srch --offset 1000 marathon glaciers 2>/dev/null)"

# --- Queries that are not UTF-8 ---------------------------------------------
# Valid UTF-8 is UTF-8 in any locale; other bytes are read in the locale's
# charset when it is a legacy one, else refused with the offset.
cafe_latin1=$(printf 'caf\xe9')
for loc in C C.UTF-8; do
    out=$(LC_ALL=$loc srch "$cafe_latin1" 2>&1)
    check_eq "a Latin-1 query under LC_ALL=$loc exits 2" 2 $?
    check_eq "…saying where" "fihris-search: the query is not valid UTF-8: byte 0xE9 at offset 3" "$out"
    check_eq "a UTF-8 query under LC_ALL=$loc" "en-harbour-cafe.txt" "$(LC_ALL=$loc keys café)"
done
out=$(srch --analyze "$(printf 'ab\xff')" 2>&1)
check_eq "--analyze TEXT that is not UTF-8 exits 2" 2 $?
check_eq "…saying where" "fihris-search: --analyze TEXT is not valid UTF-8: byte 0xFF at offset 2" "$out"
# Legacy locales, made here (glibc's localedef and its locale sources).
loc=$WORK/locales
mkdir -p "$loc"
if localedef -i fr_FR -f ISO-8859-1 "$loc/fr_FR.ISO-8859-1" 2>/dev/null &&
    localedef -i ar_SA -f CP1256 "$loc/ar_SA.CP1256" 2>/dev/null &&
    localedef -i ar_SA -f ISO-8859-6 "$loc/ar_SA.ISO-8859-6" 2>/dev/null; then
    # inloc LOCALE ARGS...: fihris-search in LOCALE; lkeys: its result files.
    inloc() { env LOCPATH="$loc" LC_ALL="$1" "$FIHRIS_SEARCH" --db "$db" "${@:2}"; }
    lkeys() { inloc "$@" --format json | grep -o '"id":"[^"]*"' | sed 's|.*/||;s|"$||' | tr '\n' ' ' | sed 's/ $//'; }
    check_eq "a Latin-1 query in a Latin-1 locale finds café" "en-harbour-cafe.txt" \
        "$(lkeys fr_FR.ISO-8859-1 "$cafe_latin1")"
    check_contains "…and is shown as UTF-8" '"query":"café"' \
        "$(inloc fr_FR.ISO-8859-1 --format json "$cafe_latin1")"
    madrasa_1256=$(printf '\xe3\xcf\xd1\xd3\xe5')
    check_eq "a windows-1256 query in a windows-1256 locale" "ar-school-riyadh.txt" \
        "$(lkeys ar_SA.CP1256 "$madrasa_1256")"
    check_eq "…its words analyzed as UTF-8" "مدرس${tab:=$'\t'}0${tab}10${tab}arabic${tab}مدرسه" \
        "$(inloc ar_SA.CP1256 --analyze "$madrasa_1256")"
    check_eq "UTF-8 stays UTF-8 in a windows-1256 locale" "ar-school-riyadh.txt" \
        "$(lkeys ar_SA.CP1256 مدرسه)"
    out=$(inloc ar_SA.ISO-8859-6 "$(printf '\xe5\xa1')" 2>&1)
    check_eq "a byte the locale's charset lacks exits 2" 2 $?
    check_eq "…naming both" \
        "fihris-search: the query is not valid UTF-8: byte 0xE5 at offset 0, nor valid ISO-8859-6 (the locale's charset)" "$out"
else
    skip "legacy locales: localedef cannot make fr_FR.ISO-8859-1, ar_SA.CP1256, ar_SA.ISO-8859-6"
fi

# --- Counts: every match counted as the search ranks it ---------------------
out=$(srch 2018)
check_eq "text starts with the count line" "11 results" "$(echo "$out" | sed -n 1p)"
check_eq "…then a blank line" "" "$(echo "$out" | sed -n 2p)"
check_eq "…then the first result" "1. " "$(echo "$out" | sed -n 3p | cut -c1-3)"
check_eq "one result: singular" "1 result" "$(srch marathon | head -1)"
check_eq "-q: no count line" "1. " "$(srch -q 2018 | head -1 | cut -c1-3)"
check_eq "--quiet: no count line" "1. " "$(srch --quiet 2018 | head -1 | cut -c1-3)"
check_eq "relaxed: the count, then what it counts" "1 result
No page has all the words; these have some of them." "$(srch marathon glaciers | head -2)"
check_eq "relaxed, --limit 0: the count says what it counts" "1 result
No page has all the words: the count is of pages with some of them." "$(srch --limit 0 marathon glaciers 2>&1)"
check_eq "relaxed, --limit 0 -q: nothing" "" "$(srch -q --limit 0 marathon glaciers 2>&1)"
out=$(srch --limit 0 2018 2>&1)
check_eq "--limit 0: exit 0 when pages match" 0 $?
check_eq "--limit 0: the count line alone" "11 results" "$out"
check_eq "--limit 0 in JSON: the count, no results" \
    '{"query":"2018","total_estimate":11,"total_exact":true,"relaxed":false,"notes":[],"results":[]}' \
    "$(srch --limit 0 --format json 2018)"
check_eq "--count: the number alone" "11" "$(srch --count 2018)"
out=$(srch --count zzqxwy 2>&1)
check_eq "--count of nothing exits 1" 1 $?
check_eq "…and prints 0" "0" "$out"
check_eq "--count counts the words as typed (no fallback to some)" "0" "$(srch --count marathon glaciers)"
check_eq "--count --any" "4" "$(srch --count --any marathon glaciers harbour)"
# 13,000 pages: gamma in half, delta in a quarter (all of them with gamma),
# alpha and beta in 12 of 13 each, 11,000 with both.
many=$WORK/many
mkdir -p "$many"
awk 'BEGIN { for (i = 0; i < 13000; i++) { w = "common";
    if (i % 13 != 0) w = w " alpha"; if (i % 13 != 1) w = w " beta";
    if (i % 2 == 0) w = w " gamma"; if (i % 4 == 0) w = w " delta";
    printf "{\"id\":\"%d\",\"title\":\"page %d\",\"text\":\"%s\"}\n", i, i, w } }' >"$many/many.jsonl"
"$FIHRIS_INDEX" --db "$WORK/manydb" "$many"
msrch() { "$FIHRIS_SEARCH" --db "$WORK/manydb" "$@"; }
total() { msrch --format json "$@" | grep -o '"total_estimate":[0-9]*,"total_exact":[a-z]*'; }
check_eq "words found together: counted, not estimated" '"total_estimate":3250,"total_exact":true' \
    "$(total --limit 1 gamma delta)"
check_eq "…the same with --limit 100000 and --no-collapse" "3250" \
    "$(msrch --format json --limit 100000 --no-collapse gamma delta | grep -o '"rank":' | wc -l)"
# Their bodies are of three kinds (with alpha, beta, or both): one result a
# kind, the others counted as its duplicates, and the count still of pages.
out=$(msrch --format json --limit 100000 gamma delta)
check_eq "collapsed: one result a body" 3 "$(printf '%s' "$out" | grep -o '"rank":' | wc -l)"
check_eq "…each with the pages it stands for" 3250 \
    "$(printf '%s' "$out" | grep -o '"duplicates":[0-9]*' | awk -F: '{ n += $2 + 1 } END { print n }')"
check_eq "…and the count is of every page" '"total_estimate":3250,"total_exact":true' \
    "$(printf '%s' "$out" | grep -o '"total_estimate":[0-9]*,"total_exact":[a-z]*')"
check_eq "…and from an offset" '"total_estimate":3250,"total_exact":true' "$(total --offset 3000 gamma delta)"
check_eq "a count line with thousands" "3,250 results" "$(msrch --limit 1 gamma delta | head -1)"
# A ranked search counts its matches as it ranks them: over 10,000 too, on
# one shard or several, and from an offset.
check_eq "over 10,000 matches: counted, not estimated" '"total_estimate":11000,"total_exact":true' \
    "$(total --limit 1 alpha beta)"
check_eq "…in text" "11,000 results" "$(msrch --limit 1 alpha beta | head -1)"
check_eq "…from an offset past the matches" '"total_estimate":11000,"total_exact":true' \
    "$(total --offset 20000 alpha beta)"
check_eq "--count counts every match" "11000" "$(msrch --count alpha beta)"
# A query without words weighs nothing: Xapian's matcher would stop at the
# page's last match, so it is counted the other way.
check_eq "a query without words: counted" '"total_estimate":9750,"total_exact":true' \
    "$(total --limit 1 -- "lang:en -delta")"
check_eq "…also from an offset" '"total_estimate":9750,"total_exact":true' \
    "$(total --limit 5 --offset 100 -- "-delta")"
check_eq "from an offset past 10,000" '"total_estimate":11000,"total_exact":true' \
    "$(total --no-collapse --offset 9995 alpha beta)"
# A branch weighing nothing (-alpha) beside words: the matcher may pass over
# its pages once the page is full, so they are counted the other way: 1,000
# pages without alpha, 3,250 with delta, 250 both.
check_eq "an OR with a branch weighing nothing: counted" '"total_estimate":4000,"total_exact":true' \
    "$(total --limit 1 -- "(-alpha) OR delta")"
"$FIHRIS_INDEX" -q --jobs 3 --db "$WORK/manydb3" "$many"
check_eq "three shards: each one's matches counted" '"total_estimate":11000,"total_exact":true' \
    "$("$FIHRIS_SEARCH" --db "$WORK/manydb3" --format json --limit 1 alpha beta |
        grep -o '"total_estimate":[0-9]*,"total_exact":[a-z]*')"
check_eq "…and by date" '"total_estimate":3250,"total_exact":true' \
    "$("$FIHRIS_SEARCH" --db "$WORK/manydb3" --format json --limit 1 --sort date gamma delta |
        grep -o '"total_estimate":[0-9]*,"total_exact":[a-z]*')"

# --- More passages: from across the page, in page order -----------------------
out=$(srch --format json --passages 3 --limit 1 runs | grep -o '"text":"[^"]\{12\}' | tr '\n' '|')
check_eq "--passages 3: three passages, the later ones far down the page" '"text":"The new cour|"text":"that runs aw|"text":"many new mem|' "$out"

# --- Output that cannot be written -----------------------------------------------
for args in "marathon" "--stats" "--analyze marathon"; do
    # shellcheck disable=SC2086
    out=$(srch $args 2>&1 >/dev/full)
    check_eq "$args to a full disk exits 2" 2 $?
    check_contains "$args to a full disk says so" "cannot write the results" "$out"
done

# --- A page full of terminal escapes -------------------------------------------
evil=$WORK/evil
mkdir -p "$evil"
printf 'Evil \033]0;pwned\007 title \342\200\256reversed\n\nbody with \033[2J clear screen and evilword here\n' >"$evil/evil.txt"
"$FIHRIS_INDEX" --db "$WORK/edb" "$evil"
out=$("$FIHRIS_SEARCH" --db "$WORK/edb" --color never evilword)
check_not_contains "no raw ESC from the page" "$esc" "$out"
check_not_contains "no raw BEL from the page" $'\a' "$out"
check_not_contains "no raw right-to-left override" $'\xe2\x80\xae' "$out"
check_contains "the override shown escaped" '\u202e' "$out"
check_contains "the escape shown escaped" '\x1b]0;pwned' "$out"

# --- File names that are not UTF-8 ---------------------------------------------
# "path" is lossy (U+FFFD); "path_bytes" holds the exact bytes, in base64.
names=$WORK/names
mkdir -p "$names"
names_real=$(cd "$names" && pwd -P)
n=0
for name in 'caf\xe9.txt' 'x\xff\xfe.txt' 'ab\xe9.txt' 'ok-\xc3\xa9.txt'; do
    n=$((n + 1))
    page "$names/$(printf "$name")" "Name $n" "nameword$n"
done
"$FIHRIS_INDEX" --db "$WORK/ndb" "$names"
n=0
for case in 'caf\xe9.txt|caf�.txt' 'x\xff\xfe.txt|x��.txt' 'ab\xe9.txt|ab�.txt'; do
    n=$((n + 1))
    name=${case%%|*}
    json=$("$FIHRIS_SEARCH" --db "$WORK/ndb" --format json "nameword$n")
    want=$(printf "%s/$name" "$names_real" | base64 -w0)
    check_contains "$name: path lossy, then path_bytes its exact bytes" \
        "\"path\":\"$names_real/${case#*|}\",\"path_bytes\":\"$want\"" "$json"
    check_contains "…and id_bytes the same" "\"id_bytes\":\"$want\"" "$json"
done
check_eq "a path file can open from path_bytes" "Name 1" \
    "$(head -1 "$("$FIHRIS_SEARCH" --db "$WORK/ndb" --format json nameword1 | grep -o '"path_bytes":"[^"]*"' | cut -d'"' -f4 | base64 -d)")"
check_not_contains "a UTF-8 name: no path_bytes" "path_bytes" "$("$FIHRIS_SEARCH" --db "$WORK/ndb" --format json nameword4)"
check_contains "text output shows the name escaped" "/names/caf\\xe9.txt" \
    "$("$FIHRIS_SEARCH" --db "$WORK/ndb" nameword1)"
# A source named so: --stats JSON gives its exact bytes too.
mkdir -p "$WORK/$(printf 'src\xe9')"
page "$WORK/$(printf 'src\xe9')/a.txt" "Source" "sourceword"
"$FIHRIS_INDEX" --db "$WORK/sdb" "$names" "$WORK/$(printf 'src\xe9')"
work_real=$(cd "$WORK" && pwd -P)
check_contains "--stats JSON: a source not in UTF-8 has path_bytes" \
    "{\"path\":\"$work_real/src�\",\"path_bytes\":\"$(printf '%s/src\xe9' "$work_real" | base64 -w0)\",\"documents\":1}" \
    "$("$FIHRIS_SEARCH" --db "$WORK/sdb" --stats --format json)"
check_contains "…a UTF-8 one none" "{\"path\":\"$names_real\",\"documents\":4}" \
    "$("$FIHRIS_SEARCH" --db "$WORK/sdb" --stats --format json)"

# --- Malformed queries and exit codes -----------------------------------------
out=$(srch '"solar farm' 2>&1)
check_eq "unclosed quote: read forgivingly" 0 $?
check_contains "unclosed quote: a note" "a quote was not closed" "$out"
out=$(srch '(marathon' 2>&1)
check_contains "unclosed parenthesis: a note" "a parenthesis was not closed" "$out"
# An option typed after the query is a word without a letter: the note
# names the letter typed, each one once.
out=$(srch -v marathon 2>&1 >/dev/null)
check_eq "-v: the note names it" 'fihris-search: note: -v was read as "without v": options are written --name before the query' "$out"
out=$(srch 'marathon -x "a -b" -V2 -k -x (-c)' 2>&1 >/dev/null)
check_eq "each letter once, none in a phrase or a longer word" 'fihris-search: note: -x was read as "without x": options are written --name before the query
fihris-search: note: -k was read as "without k": options are written --name before the query
fihris-search: note: -c was read as "without c": options are written --name before the query' "$out"
check_contains "…and in JSON" '"notes":["-Z was read as \"without Z\": options are written --name before the query"]' \
    "$(srch --format json marathon -Z)"
check_eq "after --, a -x is meant: no note" "" "$(srch -- marathon -x 2>&1 >/dev/null)"
check_contains "…and none in JSON" '"notes":[]' "$(srch --format json -- marathon -Z)"
for q in '' '   ' 'OR' 'NOT' '((' '...'; do
    err=$(srch "$q" 2>&1 >/dev/null)
    code=$?
    check_eq "query [$q] exits 2" 2 "$code"
    check_contains "query [$q] says why" "the query has no words to search for" "$err"
done
srch zzqxwy >/dev/null 2>&1
check_eq "no results exits 1" 1 $?
"$FIHRIS_SEARCH" --db "$WORK/no-index" marathon >/dev/null 2>&1
check_eq "no index exits 2" 2 $?
srch --limit 100001 marathon >/dev/null 2>&1
check_eq "bad option value exits 2" 2 $?
srch --bogus marathon >/dev/null 2>&1
check_eq "unknown option exits 2" 2 $?
out=$("$FIHRIS_SEARCH" --db '' marathon 2>&1)
check_eq "--db '' exits 2" 2 $?
check_eq "…with one line saying why" "fihris-search: --db takes an index, not an empty name" "$(echo "$out" | head -1)"

# --- Errors as JSON -------------------------------------------------------------
# With --format json, an error is also one JSON object on stdout (the same
# message as on stderr), so that a script never parses an empty string.
for case in "--limit x oil|--limit takes a number from 0 to 100000: x" \
    "--db $WORK/no-index oil|$WORK/no-index: no index here (fihris-index --db $WORK/no-index SOURCE... makes one)" \
    "((|the query has no words to search for" \
    "date:2020-13|the query has no words to search for; a date: was not read: write date:YYYY, date:YYYY-MM, date:YYYY-MM-DD or a range FROM..TO (either end may be left open)" \
    "--bogus oil|unknown option: --bogus" \
    "--stats oil|--stats takes no QUERY: oil" \
    "$cafe_latin1|the query is not valid UTF-8: byte 0xE9 at offset 3"; do
    # shellcheck disable=SC2086
    args=(${case%%|*})
    [ "${args[0]}" = "--db" ] || args=(--db "$db" "${args[@]}")
    for fmt in "--format json" "--format=json"; do
        # shellcheck disable=SC2086
        out=$(LC_ALL=C "$FIHRIS_SEARCH" $fmt "${args[@]}" 2>"$WORK/err")
        check_eq "$fmt ${case%%|*}: exit 2" 2 $?
        check_eq "…one JSON object on stdout" "{\"error\":{\"code\":2,\"message\":\"${case#*|}\"}}" "$out"
        check_eq "…and the line on stderr" "fihris-search: ${case#*|}" "$(head -1 "$WORK/err")"
    done
done
check_eq "a message escaped as JSON" '{"error":{"code":2,"message":"--limit takes a number from 0 to 100000: \"x\u001b"}}' \
    "$(srch --format json --limit "$(printf '"x\033')" oil 2>/dev/null)"
check_eq "without --format json: nothing on stdout" "" "$(srch --limit x oil 2>/dev/null)"

# --- --analyze and --stats -----------------------------------------------------
tab=$'\t'
check_eq "--analyze prints TERM START END SCRIPT SURFACE" \
    "iraq${tab}0${tab}4${tab}latin${tab}Iraq
عراق${tab}5${tab}17${tab}arabic${tab}العراق
2018${tab}18${tab}22${tab}number${tab}2018" "$(srch --analyze 'Iraq العراق 2018')"
check_eq "--analyze --format json: an array of tokens" \
    '[{"term":"iraq","start":0,"end":4,"script":"latin","surface":"Iraq"},{"term":"عراق","start":5,"end":17,"script":"arabic","surface":"العراق"},{"term":"2018","start":18,"end":22,"script":"number","surface":"2018"}]' \
    "$(srch --format json --analyze 'Iraq العراق 2018')"
check_eq "…escaped as JSON" '[{"term":"a","start":0,"end":1,"script":"latin","surface":"a"},{"term":"b","start":2,"end":3,"script":"latin","surface":"b"}]' \
    "$(srch --format json --analyze 'a"b')"
check_eq "…and none: an empty array" '[]' "$(srch --format json --analyze '...')"
# What would be ignored is refused instead (exit 2, one line saying why).
for case in "--stats oil|--stats takes no QUERY: oil" \
    "--analyze iraq oil|--analyze takes its TEXT as one argument (quote it), and no QUERY: oil" \
    "--analyze iraq --stats|--analyze and --stats are two runs: give one" \
    "--stats --count|--count goes with a QUERY, not --stats or --analyze" \
    "--analyze iraq --count|--count goes with a QUERY, not --stats or --analyze"; do
    # shellcheck disable=SC2086
    out=$(srch ${case%%|*} 2>&1 >/dev/null)
    check_eq "${case%%|*}: exit 2" 2 $?
    check_eq "…saying why" "fihris-search: ${case#*|}" "$(echo "$out" | head -1)"
done
check_contains "--stats counts documents" '"documents":24' "$(srch --stats --format json)"
check_contains "--stats text" "documents       24" "$(srch --stats)"

# --- Records compressed, and the plain ones of older indexes ------------------
# An index of settings format 5 stores plain records, and keeps doing so when
# this version adds pages to it: its first page is compressed (written as
# format 6), the others plain, and both are read.
old=$WORK/olddb
mkdir "$WORK/oldsrc"
cp "$FH_SOURCE_DIR/corpus/en-city-marathon.txt" "$WORK/oldsrc/"
"$FIHRIS_INDEX" --db "$old" "$WORK/oldsrc"
"$FH_SET_METADATA" "$(shards "$old")" fihris.analyzer \
    "format=5 english=english arabic=fihris hamza-seats=0 arabic-forms=1"
cp "$FH_SOURCE_DIR"/corpus/*.txt "$WORK/oldsrc/"
"$FIHRIS_INDEX" --db "$old" "$WORK/oldsrc"
plain() { "$FIHRIS_SEARCH" --db "$old" --highlight markers --snippet-length 300 "$@" | sed "s|$WORK/oldsrc/||"; }
same() { marked "$@" | sed "s|$FH_SOURCE_DIR/corpus/||"; }
for q in running مدرسه '"solar farm"' Riyadh; do
    check_eq "format 5 and format 6 records give the same results: $q" "$(same "$q")" "$(plain "$q")"
done
check_contains "a compressed and a plain record in one index" "**runs**" "$(plain marathon running)"
check_eq "an index of format 5 keeps its positions in Xapian" "positions       Xapian" \
    "$("$FIHRIS_SEARCH" --db "$old" --stats | grep '^positions')"

# --- Word positions: in word maps, or in Xapian ---------------------------------
# A new index keeps them in a word map beside each page; --xapian-positions
# in Xapian's position lists. Phrases (a split word is one), negated and
# OR-ed phrases, title: phrases and snippets are the same either way.
check_eq "a new index keeps word maps" "positions       word maps" "$(srch --stats | grep '^positions')"
xp=$WORK/xpdb
"$FIHRIS_INDEX" --xapian-positions --db "$xp" "$FH_SOURCE_DIR/corpus"
check_eq "--xapian-positions: the index says so" '"positions":"xapian"' \
    "$("$FIHRIS_SEARCH" --db "$xp" --stats --format json | grep -o '"positions":"[a-z]*"')"
# positions_of DB: Xapian's positions of "city" (citi) in the marathon page.
positions_of() {
    local doc
    doc=$("$FIHRIS_SEARCH" --db "$1" --format json --limit 1 '"city marathon"' | grep -o '"docid":[0-9]*' | cut -d: -f2)
    xapian-delve -1 -t citi -r "$doc" "$(shards "$1" | head -1)" 2>&1 |
        sed -n "s/^Position List for term 'citi', record #[0-9]*:$/list/p; /^[0-9]/p" | tr '\n' ' '
}
check_eq "…Xapian holds the positions of its title and body words" "list 1 15 201 " \
    "$(positions_of "$xp")"
check_eq "…and none in an index of word maps" "list " "$(positions_of "$db")"
same=0
total=0
for q in '"new city"' '"solar farm"' '"old quarter" marathon' 'city -"new city"' \
    '"city marathon" OR "desert heat"' 'title:"old quarter"' '"المدرسة الجديدة"' 'e-mail' \
    '"the city"' '"city new"' '"runs through the old"'; do
    total=$((total + 1))
    a=$(srch --format json --limit 50 -- "$q" | sed 's/"docid":[0-9]*,//g; s/"took_ms":[0-9.]*//')
    b=$("$FIHRIS_SEARCH" --db "$xp" --format json --limit 50 -- "$q" | sed 's/"docid":[0-9]*,//g; s/"took_ms":[0-9.]*//')
    [ "$a" = "$b" ] && same=$((same + 1))
done
check_eq "phrases, their counts and snippets by word maps equal Xapian's positions ($total queries)" \
    "$total" "$same"
check_eq "…counted exactly: \"new city\" is in 1 page, its words in 7" "1 7" \
    "$(srch --count '"new city"') $(srch --count new city)"
check_eq "an index of each kind searched as one: both phrases found, and excluded" "18 2 16" \
    "$(for q in city '"new city"' 'city -"new city"'; do
        "$FIHRIS_SEARCH" --db "$db" --db "$xp" --count -- "$q"
    done | tr '\n' ' ' | sed 's/ $//')"
check_eq "…in either order" "18 2 16" \
    "$(for q in city '"new city"' 'city -"new city"'; do
        "$FIHRIS_SEARCH" --db "$xp" --db "$db" --count -- "$q"
    done | tr '\n' ' ' | sed 's/ $//')"
# An index without fihris's settings (another tool's) has its positions in
# Xapian: its phrases are found by them.
cp -r "$xp" "$WORK/foreign"
"$FH_SET_METADATA" "$(shards "$WORK/foreign")" fihris.analyzer ""
check_eq "an index without settings: phrases by Xapian's positions" "1 8" \
    "$("$FIHRIS_SEARCH" --db "$WORK/foreign" --count '"new city"') $("$FIHRIS_SEARCH" --db "$WORK/foreign" --count 'city -"new city"')"
check_eq "--xapian-positions on a word-map index: said, and the index kept as it is" \
    "fihris-index: $db: the index keeps word positions in word maps; --xapian-positions applies to a new index and to --rebuild|positions       word maps" \
    "$("$FIHRIS_INDEX" --xapian-positions --db "$db" "$FH_SOURCE_DIR/corpus" 2>&1 | tr '\n' '|')$(srch --stats | grep '^positions')"
check_eq "a re-run without the option keeps the index's way" "positions       Xapian" \
    "$("$FIHRIS_INDEX" --db "$xp" "$FH_SOURCE_DIR/corpus" && "$FIHRIS_SEARCH" --db "$xp" --stats | grep '^positions')"
check_eq "…and --rebuild without it makes word maps" "positions       word maps" \
    "$("$FIHRIS_INDEX" --rebuild --db "$xp" "$FH_SOURCE_DIR/corpus" && "$FIHRIS_SEARCH" --db "$xp" --stats | grep '^positions')"

finish
