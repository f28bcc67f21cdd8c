#!/bin/bash
# End-to-end tests of site:, lang:, date:, --sort, --facets and the
# collapsing of duplicates, over a JSONL mix of ../shared/corpora whose
# hosts, languages and dates the test counts itself (python3), over one
# shard and three; and an index made before them.
. "$(dirname "$0")/lib.sh"

srch() { "$FIHRIS_SEARCH" "$@"; }

# --- An index made before the filters: it says to rebuild --------------------
small=$WORK/small
mkdir -p "$small"
printf '{"id":"1","title":"oil","text":"oil prices","url":"http://a.example/1","date":"2015-07-21"}\n' \
    >"$small/a.jsonl"
"$FIHRIS_INDEX" -q --db "$WORK/old" "$small"
for s in $(sed -n 's/^auto //p' "$WORK/old/XAPIANDB"); do
    "$FH_SET_METADATA" "$WORK/old/$s" fihris.analyzer \
        "format=5 english=english arabic=fihris hamza-seats=0 arabic-forms=1"
done
for q in "oil site:a.example" "oil date:2015" "site:a.example"; do
    err=$(srch --db "$WORK/old" "$q" 2>&1 >/dev/null)
    check_eq "an index of format 5: \"$q\" exits 2" 2 $?
    check_eq "…saying to rebuild" "fihris-search: this index was made before site:, date:, --sort and --facets: rebuild it (fihris-index --rebuild) to use them" "$err"
done
srch --db "$WORK/old" --sort date oil >/dev/null 2>&1
check_eq "…and so does --sort date" 2 $?
srch --db "$WORK/old" --facets lang oil >/dev/null 2>&1
check_eq "…and --facets" 2 $?
check_eq "lang: it can answer" "1" "$(srch --db "$WORK/old" --count 'oil lang:en')"
"$FIHRIS_INDEX" -q --rebuild --db "$WORK/old" "$small"
check_eq "rebuilt, it answers site:" "1" "$(srch --db "$WORK/old" --count 'oil site:a.example')"

# --- Malformed filters: a note, never a crash ---------------------------------
out=$(srch --db "$WORK/old" --format json 'oil date:2015-13')
check_contains "a bad date: a note" '"notes":["a date: was not read' "$out"
check_contains "…and the words still searched" '"total_estimate":1,' "$out"
out=$(srch --db "$WORK/old" --format json 'oil date:2016..2015')
check_contains "an inverted range: a note" 'a date: range ends before it starts' "$out"
out=$(srch --db "$WORK/old" --format json 'oil colour:red')
check_contains "an unknown field: a note" 'the fields are title:, site:, lang: and date:' "$out"
srch --db "$WORK/old" 'date:never' >/dev/null 2>&1
check_eq "a query of one unread filter: nothing to search, exit 2" 2 $?
check_eq "--analyze shows the filters as read, not as words" \
    "$(printf 'oil\t0\t3\tlatin\toil\nFILTERS\t-site:a.com date:2015-01-01T00:00:00Z..2015-12-31T23:59:59Z')" \
    "$(srch --analyze 'oil -site:WWW.A.com date:2015')"
check_eq "…and in JSON" '[{"term":"oil","start":0,"end":3,"script":"latin","surface":"oil"},{"filters":"lang:ar"}]' \
    "$(srch --analyze 'oil lang:AR' --format json)"
srch --db "$WORK/old" --sort newest oil >/dev/null 2>&1
check_eq "--sort newest: a usage error" 2 $?
srch --db "$WORK/old" --facets site,site oil >/dev/null 2>&1
check_eq "--facets site,site: a usage error" 2 $?

if [ ! -d "$SHARED/corpora" ] || ! command -v python3 >/dev/null; then
    skip "the shared-corpora checks: $SHARED/corpora or python3 is not there"
    finish
    exit
fi

# --- The mix: Arabic news with URLs and dates, English with dates, English
# web pages with URLs and no date, and copies of a few pages -----------------
mix=$WORK/mix
mkdir -p "$mix"
head -n 400 "$SHARED/corpora/saudinewsnet.jsonl" >"$mix/snn.jsonl"
head -n 400 "$SHARED/corpora/reuters21578.jsonl" >"$mix/reut.jsonl"
head -n 60 "$SHARED/corpora/webpages_en.jsonl" >"$mix/web.jsonl"
# Three Reuters stories reprinted: other ids and URLs, spacing, case and
# punctuation changed; one twice.
python3 - "$mix" <<'EOF'
import json, sys
mix = sys.argv[1]
rows = [json.loads(l) for l in open(mix + "/reut.jsonl", encoding="utf-8")][:3]
out = open(mix + "/copies.jsonl", "w", encoding="utf-8")
for n, r in enumerate(rows):
    for k in range(1 + (n == 0)):
        c = dict(r)
        c["id"] = "copy-%d-%d" % (n, k)
        c["url"] = "https://copies.example/%d/%d?utm_source=x" % (n, k)
        c["text"] = "  " + r["text"].upper().replace(". ", ".   ") + " "
        out.write(json.dumps(c, ensure_ascii=False) + "\n")
EOF
"$FIHRIS_INDEX" -q --jobs 1 --db "$WORK/one" "$mix"
check_eq "the mix indexes" 0 $?
"$FIHRIS_INDEX" -q --jobs 3 --db "$WORK/three" "$mix"

# The test's own counts: hosts (and the domains above them), languages by
# corpus, days, years and months.
python3 - "$mix" >"$WORK/expected" <<'EOF'
import json, sys, datetime, collections, urllib.parse
mix = sys.argv[1]
site, lang, year, month, day = (collections.Counter() for _ in range(5))
def date_of(s):
    for f in ("%Y-%m-%d %H:%M:%S", "%d-%b-%Y %H:%M:%S.%f"):
        try:
            return datetime.datetime.strptime(s, f)
        except (ValueError, TypeError):
            pass
for name, code in (("snn", "ar"), ("reut", "en"), ("web", "en"), ("copies", "en")):
    for line in open("%s/%s.jsonl" % (mix, name), encoding="utf-8"):
        r = json.loads(line)
        lang[code] += 1
        host = urllib.parse.urlsplit(r.get("url") or "").hostname or ""
        if host.startswith("www."):
            host = host[4:]
        labels = host.split(".") if host else []
        for i in range(len(labels) - 1):
            site[".".join(labels[i:])] += 1
        d = date_of(r.get("date"))
        if d:
            year[d.strftime("%Y")] += 1
            month[d.strftime("%Y-%m")] += 1
            day[d.strftime("%Y-%m-%d")] += 1
for name, c in (("site", site), ("lang", lang), ("year", year), ("month", month), ("day", day)):
    for k, v in sorted(c.items()):
        print(name, k, v)
EOF
expect() { awk -v k="$1" -v v="$2" '$1 == k && $2 == v { print $3; f = 1 } END { if (!f) print 0 }' "$WORK/expected"; }
top_site=$(awk '$1 == "site" && $2 ~ /\./ { print $3, $2 }' "$WORK/expected" | sort -rn | head -n 1 | cut -d' ' -f2)
first_day=$(awk '$1 == "day" { print $2; exit }' "$WORK/expected")

for db in one three; do
    c() { srch --db "$WORK/$db" --count --no-collapse "$@"; }
    check_eq "$db: site:$top_site counted" "$(expect site "$top_site")" "$(c "site:$top_site")"
    check_eq "$db: site:WWW.$top_site the same" "$(expect site "$top_site")" "$(c "site:WWW.${top_site^^}")"
    check_eq "$db: site:copies.example" "4" "$(c site:copies.example)"
    check_eq "$db: two site: are OR-ed" "$(($(expect site "$top_site") + 4))" \
        "$(c "site:$top_site" site:copies.example)"
    check_eq "$db: lang:ar" "$(expect lang ar)" "$(c lang:ar)"
    check_eq "$db: lang:en" "$(expect lang en)" "$(c lang:en)"
    check_eq "$db: -lang:ar is lang:en here" "$(expect lang en)" "$(c -- -lang:ar)"
    check_eq "$db: kinds are AND-ed (lang:en site:$top_site: none)" "0" "$(c lang:en "site:$top_site")"
    check_eq "$db: date:1987" "$(expect year 1987)" "$(c date:1987)"
    check_eq "$db: date:1987-03" "$(expect month 1987-03)" "$(c date:1987-03)"
    check_eq "$db: date:$first_day" "$(expect day "$first_day")" "$(c "date:$first_day")"
    check_eq "$db: date:2015.. and date:..1987 make every dated page" \
        "$(($(expect year 2015) + $(expect year 1987)))" \
        "$(($(c date:2015..) + $(c date:..1987-12-31)))"
    check_eq "$db: a page without a date has none (web pages)" "0" "$(c "site:reuters.com date:..9999")"
done

# Facets: every matching page, the most frequent first.
out=$(srch --db "$WORK/one" --format json --limit 0 --no-collapse --facets lang,year 'date:1900..')
# (404 English pages are dated: 400 Reuters stories and 4 reprints; 400 Arabic.)
check_contains "facets: lang of the dated pages, the most first" \
    "\"lang\":[{\"value\":\"en\",\"count\":$(expect year 1987)},{\"value\":\"ar\",\"count\":$(expect lang ar)}]" "$out"
check_contains "facets: year" \
    "\"year\":[{\"value\":\"1987\",\"count\":$(expect year 1987)},{\"value\":\"2015\",\"count\":$(expect year 2015)}]" "$out"
out=$(srch --db "$WORK/one" --limit 0 --facets site --facet-limit 1 'site:copies.example')
check_eq "facets in text: one line, --facet-limit 1" "site: copies.example 4" "$(printf '%s\n' "$out" | grep '^site:')"
for db in one three; do
    srch --db "$WORK/$db" --format json --limit 0 --facets site,lang,year,month lang:en |
        grep -o '"facets":.*' >"$WORK/facets.$db"
done
check_eq "facets the same over three shards" "$(cat "$WORK/facets.one")" "$(cat "$WORK/facets.three")"

# Sort: newest first, oldest first, undated pages last.
dates() { srch --db "$WORK/one" --format json --limit 500 "$@" | grep -o '"date":[^,]*' | cut -d: -f2- | tr -d '"'; }
d=$(dates --sort date oil)
check_eq "--sort date: newest first" "$(printf '%s\n' "$d" | grep -v null | sort -r)" "$(printf '%s\n' "$d" | grep -v null)"
check_eq "…undated last" "" "$(printf '%s\n' "$d" | sed -n '/null/,$p' | grep -v null)"
d=$(dates --sort -date oil)
check_eq "--sort -date: oldest first" "$(printf '%s\n' "$d" | grep -v null | sort)" "$(printf '%s\n' "$d" | grep -v null)"
check_eq "…undated last" "" "$(printf '%s\n' "$d" | sed -n '/null/,$p' | grep -v null)"
d=$(dates 'date:1987-03')
check_eq "filters alone: newest first" "$(printf '%s\n' "$d" | sort -r)" "$d"
check_not_contains "…with no score" "(score" "$(srch --db "$WORK/one" --limit 2 'date:1987-03')"
# Over shards, pages of one date and score may come in another order (by
# document number): the dates, and the pages, are the same.
sorted_by() { srch --db "$1" --format json --limit 500 --sort "$2" oil | grep -o '"date":[^,]*'; }
# (Which of a page's copies stands for them may differ: --no-collapse.)
pages() { srch --db "$1" --format json --limit 500 --no-collapse --sort "$2" oil | grep -o '"id":"[^"]*"' | sort; }
for s in date -date; do
    check_eq "--sort $s the same over three shards" "$(sorted_by "$WORK/one" "$s")" \
        "$(sorted_by "$WORK/three" "$s")"
    check_eq "…the same pages" "$(pages "$WORK/one" "$s")" "$(pages "$WORK/three" "$s")"
done

# Duplicates: the reprints fold into their story.
title=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["title"])' "$mix/reut.jsonl")
for db in one three; do
    out=$(srch --db "$WORK/$db" --format json --limit 100 "title:\"$title\"")
    check_eq "$db: the story and its two reprints: one result" 1 "$(printf '%s' "$out" | grep -o '"rank":' | wc -l)"
    check_contains "$db: …with 2 duplicates" '"duplicates":2' "$out"
    check_contains "$db: …and a count of every page" '"total_estimate":3,' "$out"
    check_eq "$db: --no-collapse shows the three" 3 \
        "$(srch --db "$WORK/$db" --format json --limit 100 --no-collapse "title:\"$title\"" | grep -o '"rank":' | wc -l)"
done
check_contains "text: (+2 similar)" "(+2 similar)" "$(srch --db "$WORK/one" --limit 1 "title:\"$title\"")"
check_eq "a copy is found by its site, collapsed with nothing else there" 4 \
    "$(srch --db "$WORK/one" --format json site:copies.example | grep -o '"duplicates":[0-9]*' | awk -F: '{ n += $2 + 1 } END { print n }')"

# Remote shards over tcp:// on the loopback: the same facets and sort.
if command -v xapian-tcpsrv >/dev/null; then
    shard=$(sed -n 's/^auto //p' "$WORK/three/XAPIANDB" | head -n 1)
    port=$((20000 + RANDOM % 30000))
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" --quiet "$WORK/three/$shard" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 50); do
        srch --db "tcp://127.0.0.1:$port" --stats >/dev/null 2>&1 && break
        sleep 0.1
    done
    others=()
    for s in $(sed -n 's/^auto //p' "$WORK/three/XAPIANDB" | tail -n +2); do others+=(--db "$WORK/three/$s"); done
    remote() { srch --db "tcp://127.0.0.1:$port" "${others[@]}" "$@"; }
    check_eq "remote: facets as over one shard" "$(cat "$WORK/facets.one")" \
        "$(remote --format json --limit 0 --facets site,lang,year,month lang:en | grep -o '"facets":.*')"
    check_eq "remote: --sort date as over one shard" "$(sorted_by "$WORK/one" date)" \
        "$(remote --format json --limit 500 --sort date oil | grep -o '"date":[^,]*')"
    check_eq "remote: site: counted" "$(expect site "$top_site")" "$(remote --count --no-collapse "site:$top_site")"
    check_contains "remote: collapsed" '"duplicates":2' "$(remote --format json --limit 100 "title:\"$title\"")"
    kill -- -"$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
else
    skip "remote shards: xapian-tcpsrv is not installed"
fi
finish
