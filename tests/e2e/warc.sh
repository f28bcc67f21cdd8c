#!/bin/bash
# End-to-end tests of web archives: pages of ../shared/corpora (English and
# Arabic, some in windows-1256) served by python3's http.server and crawled
# with wget --warc-file, then indexed from the .warc.gz and searched by
# their words, with their URL, date and place in the archive. Also the
# compressed loose pages (.txt.gz, .html.gz, .jsonl.gz), which need none of
# that.
. "$(dirname "$0")/lib.sh"

db=$WORK/db
idx() { "$FIHRIS_INDEX" --db "$db" "$@"; }
summary() { idx --verbose "$@" 2>&1 | grep -o '[0-9]* new, [0-9]* changed, [0-9]* deleted, [0-9]* unchanged, [0-9]* skipped'; }

# --- Compressed loose pages ---------------------------------------------------
mkdir -p "$WORK/gz"
printf 'Quokka notes\n\nThe quokka smiles at the camera.\n' | gzip >"$WORK/gz/a.txt.gz"
printf '<html><head><title>Wombat page</title></head><body><p>A wombat digs burrows.</p></body></html>' |
    gzip >"$WORK/gz/b.html.gz"
{
    printf '{"id":"1","title":"Numbat","text":"The numbat eats termites.","url":"http://n.example/1"}\n' | gzip
    printf '{"id":"2","title":"Bilby","text":"The bilby has long ears."}\n' | gzip
} >"$WORK/gz/c.jsonl.gz"
printf 'not gzip at all' >"$WORK/gz/d.txt.gz"
out=$(idx "$WORK/gz" 2>&1)
check_eq "compressed pages: exit 0" 0 $?
check_eq "…a file that is not gzip is said" \
    "fihris-index: $WORK/gz/d.txt.gz: skipped: not valid gzip or zstd data (corrupt or cut short)" "$out"
check_eq "…four documents" 4 "$(doc_count "$db")"
for w in quokka wombat numbat bilby; do
    "$FIHRIS_SEARCH" --db "$db" "$w" >/dev/null
    check_eq "…$w is found" 0 $?
done
check_contains "…a JSONL line of a .jsonl.gz keeps its URL" '"url":"http://n.example/1"' \
    "$("$FIHRIS_SEARCH" --db "$db" --format json numbat)"
check_eq "…re-run: unchanged" "0 new, 0 changed, 0 deleted, 4 unchanged, 1 skipped" \
    "$(summary "$WORK/gz")"
rm -rf "$db"

# --- One page per URL: captures of it in several archives --------------------
if ! command -v python3 >/dev/null; then
    skip_all "the archives: python3 is not there"
fi
# warc_record URL DATE BODY: a WARC/1.0 response record of an HTML page.
warc_record() {
    local http
    http=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n%s' "$3")
    printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nWARC-Date: %s\r\n' "$1" "$2"
    printf 'Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' \
        "${#http}" "$http"
}
export LC_ALL=C # ${#http} counts bytes
cap=$WORK/captures
mkdir -p "$cap"
{
    warc_record http://u.example/one 2020-01-01T00:00:00Z '<title>One</title><p>Aardvark oryx older.</p>'
    warc_record http://u.example/two 2020-01-01T00:00:00Z '<title>Two</title><p>Aardvark alone.</p>'
} >"$cap/a.warc"
warc_record http://u.example/one 2021-06-01T00:00:00Z '<title>One</title><p>Aardvark oryx newer.</p>' >"$cap/b.warc"
line() { sed -n 's/^fihris-index: \(.*\) in [0-9.]* s (.*/\1/p'; }
stats_line() { "$FIHRIS_SEARCH" --db "$1" --stats | grep -E '^(documents|source) '; }
one() {
    "$FIHRIS_SEARCH" --db "$1" --format json oryx | python3 -c '
import json, sys
d = json.load(sys.stdin)
hits = [" ".join((r["url"], r["date"], r["archive"]["path"].rsplit("/", 1)[1])) for r in d["results"]]
print(d["total_estimate"], *hits)'
}
check_eq "two captures of a URL, dry run: one page, one capture hidden" \
    "would make 2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 1 older capture kept hidden" \
    "$(idx --dry-run "$cap" 2>&1 | line)"
check_eq "…the run says the same" \
    "2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 1 older capture kept hidden" \
    "$(idx --verbose "$cap" 2>&1 | line)"
check_eq "…--stats: two documents, one capture hidden" \
    "documents       2 (1 older capture kept hidden)
source          $cap (2 documents)" "$(stats_line "$db")"
check_eq "…JSON: the same" "2 1" "$("$FIHRIS_SEARCH" --db "$db" --stats --format json |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["documents"], d["hidden_captures"])')"
check_eq "…a search counts the page once" "2" "$("$FIHRIS_SEARCH" --db "$db" --count aardvark)"
check_eq "…and shows the later capture" "1 http://u.example/one 2021-06-01T00:00:00Z b.warc" "$(one "$db")"
"$FIHRIS_SEARCH" --db "$db" --count older >/dev/null
check_eq "…the older text is not found" 1 $?
check_eq "…re-run: unchanged" \
    "0 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped, 1 older capture kept hidden" \
    "$(idx --verbose "$cap" 2>&1 | line)"
"$FIHRIS_INDEX" --db "$WORK/cap2" --jobs 2 --verbose "$cap" 2>/dev/null
check_eq "…in two shards: the same counts" "2|2|1 http://u.example/one 2021-06-01T00:00:00Z b.warc" \
    "$(doc_count "$WORK/cap2")|$("$FIHRIS_SEARCH" --db "$WORK/cap2" --count aardvark)|$(one "$WORK/cap2")"
mv "$cap/b.warc" "$WORK/b.warc"
check_eq "the later archive deleted: the URL shows its earlier capture (changed)" \
    "0 new, 1 changed, 0 deleted, 1 unchanged, 0 skipped" "$(idx --verbose "$cap" 2>&1 | line)"
check_eq "…--stats: still two documents, none hidden" \
    "documents       2
source          $cap (2 documents)" "$(stats_line "$db")"
check_eq "…the earlier capture shows" "1 http://u.example/one 2020-01-01T00:00:00Z a.warc" "$(one "$db")"
check_eq "…the page is counted once" "2" "$("$FIHRIS_SEARCH" --db "$db" --count aardvark)"
mv "$WORK/b.warc" "$cap/b.warc"
check_eq "the later archive back: the URL shows it (changed), the earlier is hidden" \
    "0 new, 1 changed, 0 deleted, 1 unchanged, 0 skipped, 1 older capture kept hidden" \
    "$(idx --verbose "$cap" 2>&1 | line)"
warc_record http://u.example/one 2019-01-01T00:00:00Z '<title>One</title><p>Aardvark oryx oldest.</p>' >"$cap/c.warc"
check_eq "an archive with an older capture: nothing shown changes" \
    "0 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped, 2 older captures kept hidden" \
    "$(idx --verbose "$cap" 2>&1 | line)"
check_eq "…--stats" "documents       2 (2 older captures kept hidden)
source          $cap (2 documents)" "$(stats_line "$db")"
rm "$cap/b.warc" "$cap/c.warc"
check_eq "the later and the oldest archive deleted" \
    "0 new, 1 changed, 0 deleted, 1 unchanged, 0 skipped" "$(idx --verbose "$cap" 2>&1 | line)"
check_eq "…the earlier capture shows" "1 http://u.example/one 2020-01-01T00:00:00Z a.warc" "$(one "$db")"
rm "$cap/a.warc"
check_eq "every archive deleted: the pages go" \
    "0 new, 0 changed, 2 deleted, 0 unchanged, 0 skipped" \
    "$(idx --verbose --max-delete 100% "$cap" 2>&1 | line)"
rm -rf "$db" "$WORK/cap2"

# --- A growing ARC file, plain and gzip: read on from its last whole record --
# The first half: the filedesc:// record, a page, an image, a second page
# and half of a third; the rest: the third's end, an image, a fourth page.
mkdir -p "$WORK/arcs"
python3 - "$WORK/arcs" <<'EOF2'
import gzip, sys
out = sys.argv[1]
def record(url, date, ctype, block):
    return f"{url} 10.0.0.1 {date} {ctype} {len(block)}\n".encode() + block + b"\n"
def page(n, words):
    body = f"<html><head><title>Arc page {n}</title></head><body><p>{words}</p></body></html>".encode()
    return (f"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body)
desc = b"1 0 Hand made\nURL IP-address Archive-date Content-type Archive-length\n"
image = b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n"
recs = [record("filedesc://grow.arc", "20200101000000", "text/plain", desc),
        record("http://arc.example/1", "20200101000001", "text/html", page(1, "Tapir first")),
        record("http://arc.example/1.png", "20200101000002", "image/png", image),
        record("http://arc.example/2", "20200101000003", "text/html", page(2, "Tapir second")),
        record("http://arc.example/3", "20200101000004", "text/html", page(3, "Tapir third")),
        record("http://arc.example/3.png", "20200101000005", "image/png", image),
        record("http://arc.example/4", "20200101000006", "text/html", page(4, "Tapir fourth"))]
plain = b"".join(recs)
cut = len(b"".join(recs[:4])) + 40
open(f"{out}/plain.first", "wb").write(plain[:cut])
open(f"{out}/plain.rest", "wb").write(plain[cut:])
members = b"".join(gzip.compress(r) for r in recs)
cut = len(b"".join(gzip.compress(r) for r in recs[:4])) + 40
open(f"{out}/gz.first", "wb").write(members[:cut])
open(f"{out}/gz.rest", "wb").write(members[cut:])
# Rewritten: the first page's text changed (its length kept).
recs[1] = recs[1].replace(b"Tapir first", b"Tapir First")
open(f"{out}/plain.rewritten", "wb").write(b"".join(recs))
open(f"{out}/gz.rewritten", "wb").write(b"".join(gzip.compress(r) for r in recs))
EOF2
for kind in plain gz; do
    name=grow.arc
    [ "$kind" = gz ] && name=grow.arc.gz
    dir=$WORK/arcs/$kind
    mkdir -p "$dir"
    cp "$WORK/arcs/$kind.first" "$dir/$name"
    check_eq "a growing $name: its whole records (the record cut short is not said)" \
        "2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 2 archive records not pages" \
        "$("$FIHRIS_INDEX" --db "$WORK/adb-$kind" --verbose "$dir" 2>&1 | line)"
    head -c 10 "$WORK/arcs/$kind.rest" >>"$dir/$name"
    check_eq "…10 bytes more: nothing read again, nothing said" \
        "fihris-index: 0 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped" \
        "$("$FIHRIS_INDEX" --db "$WORK/adb-$kind" --verbose "$dir" 2>&1 | sed 's/ in [0-9.]* s (.*//')"
    tail -c +11 "$WORK/arcs/$kind.rest" >>"$dir/$name"
    check_eq "…grown: only the new records are read" \
        "2 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped, 1 archive record not a page" \
        "$("$FIHRIS_INDEX" --db "$WORK/adb-$kind" --verbose "$dir" 2>&1 | line)"
    check_eq "…every page is found, with its URL and date" \
        "http://arc.example/1 2020-01-01T00:00:01Z
http://arc.example/2 2020-01-01T00:00:03Z
http://arc.example/3 2020-01-01T00:00:04Z
http://arc.example/4 2020-01-01T00:00:06Z" \
        "$("$FIHRIS_SEARCH" --db "$WORK/adb-$kind" --format json tapir | python3 -c '
import json, sys
for r in sorted(json.load(sys.stdin)["results"], key=lambda r: r["url"]):
    print(r["url"], r["date"])')"
    check_eq "…then unchanged" "0 new, 0 changed, 0 deleted, 4 unchanged, 0 skipped" \
        "$("$FIHRIS_INDEX" --db "$WORK/adb-$kind" --verbose "$dir" 2>&1 | line)"
    # Rewritten (the bytes before the offset differ): read again from the start.
    cp "$WORK/arcs/$kind.rewritten" "$dir/$name"
    check_eq "…rewritten: read again from the start" \
        "0 new, 1 changed, 0 deleted, 3 unchanged, 0 skipped, 3 archive records not pages" \
        "$("$FIHRIS_INDEX" --db "$WORK/adb-$kind" --verbose "$dir" 2>&1 | line)"
done

# --- A crawl with wget --------------------------------------------------------
if ! command -v wget >/dev/null || ! command -v python3 >/dev/null; then
    skip_all "the crawl: wget or python3 is not there"
fi
if [ ! -f "$SHARED/corpora/bbc_news.jsonl" ] || [ ! -f "$SHARED/corpora/saudinewsnet.jsonl" ]; then
    skip_all "the crawl: $SHARED/corpora (the shared data) is not there"
fi

# The site: six English and six Arabic articles (two of those in
# windows-1256), half of them stating their date, and an index linking all.
site=$WORK/site
mkdir -p "$site/ar"
python3 - "$SHARED/corpora" "$site" >"$WORK/pages.tsv" <<'EOF'
import html, json, sys
corpora, site = sys.argv[1], sys.argv[2]
links = []
def take(name, n):
    with open(f"{corpora}/{name}", encoding="utf-8") as f:
        return [json.loads(next(f)) for _ in range(n)]
docs = [("en", d) for d in take("bbc_news.jsonl", 6)] + [("ar", d) for d in take("saudinewsnet.jsonl", 6)]
for i, (lang, d) in enumerate(docs):
    path = f"{'ar/' if lang == 'ar' else ''}page{i}.html"
    cp1256 = lang == "ar" and i % 3 == 0
    charset = "windows-1256" if cp1256 else "utf-8"
    date = f"2015-0{1 + i % 9}-1{i % 10}T08:00:00Z" if i % 2 == 0 else ""
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in d["text"].split("\n") if p.strip())
    page = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="{charset}">{meta}'
            f'<title>{html.escape(d["title"])}</title></head><body>\n{body}</body></html>\n')
    with open(f"{site}/{path}", "wb") as f:
        f.write(page.encode(charset, errors="replace"))
    links.append(f'<a href="{path}">{html.escape(d["title"])}</a>')
    # A word of the page to search for: its title's longest word.
    word = max(d["title"].replace("'", " ").split(), key=len).strip(".,:;!?\"()")
    print(f"{path}\t{word}\t{date}")
with open(f"{site}/index.html", "w", encoding="utf-8") as f:
    f.write("<html><head><title>Crawl test site</title></head><body>" + "<br>".join(links) + "</body></html>")
EOF
check_eq "the site is made" 12 "$(wc -l <"$WORK/pages.tsv")"

# Serve it on a free port, crawl it, stop serving.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$site" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
server=$!
for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
    sleep 0.1
done
mkdir -p "$WORK/crawl" "$WORK/archives"
(cd "$WORK/crawl" && wget --quiet --recursive --level=2 -e robots=off \
    --warc-file="$WORK/archives/site" "http://127.0.0.1:$port/")
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
check_eq "wget wrote a .warc.gz" 1 "$(ls "$WORK/archives"/*.warc.gz 2>/dev/null | wc -l)"
warc=$WORK/archives/site.warc.gz

out=$(idx --verbose "$WORK/archives" 2>&1)
check_eq "indexing the archive: exit 0" 0 $?
check_contains "…13 pages (the articles and the index), none skipped" \
    "13 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, " "$out"
check_contains "…its requests and warcinfo are counted, not indexed" "archive records not pages" "$out"
check_eq "…13 documents" 13 "$(doc_count "$db")"

# Every page is found by a word of its title, with its URL, date and place.
while IFS=$'\t' read -r path word date; do
    url="http://127.0.0.1:$port/$path"
    json=$("$FIHRIS_SEARCH" --db "$db" --format json --limit 50 "$word")
    hit=$(printf '%s' "$json" | python3 -c '
import json, sys
url = sys.argv[1]
for r in json.load(sys.stdin)["results"]:
    if r["url"] == url:
        print(r["date"], r["archive"]["path"], r["archive"]["offset"])
' "$url")
    check_eq "$path is found by \"$word\"" 1 "$(printf '%s' "$hit" | grep -c .)"
    hit_date=${hit%% *}
    if [ -n "$date" ]; then
        check_eq "…with its own date" "$date" "$hit_date"
    else
        check_contains "…with the capture date" "$(date -u +%Y-%m-%dT)" "$hit_date"
    fi
    offset=${hit##* }
    # The offset is the start of the record's gzip member: it inflates
    # from there, and its record is the page's response (wget writes the
    # URI in <>, as the WARC 1.0 grammar, not its examples, has it).
    record=$(tail -c +$((offset + 1)) "$warc" | gzip -dc 2>/dev/null | head -c 2000 | tr -d '\r')
    check_contains "…its offset opens its record" "WARC-Target-URI: <$url>" "$record"
done <"$WORK/pages.tsv"

check_eq "re-run: nothing read again" "0 new, 0 changed, 0 deleted, 13 unchanged, 0 skipped" \
    "$(summary "$WORK/archives")"

# The same archive as one gzip stream: every record is in the member at 0,
# and "inflated_offset" is where zcat | tail -c finds it.
mkdir -p "$WORK/onestream"
gzip -dc "$warc" | gzip -c >"$WORK/onestream/one.warc.gz"
"$FIHRIS_INDEX" -q --db "$WORK/odb" "$WORK/onestream"
check_eq "one gzip stream: 13 documents" 13 "$(doc_count "$WORK/odb")"
first=$(head -n 1 "$WORK/pages.tsv")
url="http://127.0.0.1:$port/${first%%$'\t'*}"
word=$(printf '%s' "$first" | cut -f2)
hit=$("$FIHRIS_SEARCH" --db "$WORK/odb" --format json --limit 50 "$word" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    if r["url"] == sys.argv[1]:
        a = r["archive"]
        print(a["offset"], a.get("inflated_offset", "none"))
' "$url")
check_eq "…its offset is the one member's" 0 "${hit%% *}"
inflated=${hit##* }
record=$(gzip -dc "$WORK/onestream/one.warc.gz" | tail -c +$((inflated + 1)) | head -c 2000 | tr -d '\r')
check_contains "…and its inflated offset opens its record" "WARC-Target-URI: <$url>" "$record"

# A later crawl of the site, with page0 changed: each URL shows once, its
# latest capture; when the later archive goes, the earlier shows again.
sed -i 's|<p>|<p>Zebracorn update. |' "$site/page0.html"
sleep 1
(cd "$site" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
server=$!
for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
    sleep 0.1
done
rm -rf "$WORK/crawl"
mkdir -p "$WORK/crawl"
(cd "$WORK/crawl" && wget --quiet --recursive --level=2 -e robots=off \
    --warc-file="$WORK/archives/site2" "http://127.0.0.1:$port/")
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
check_eq "a second crawl: each page's shown capture is the later one" \
    "0 new, 13 changed, 0 deleted, 0 unchanged, 0 skipped, 13 older captures kept hidden" \
    "$(idx --verbose "$WORK/archives" 2>&1 | line | sed 's/, [0-9]* archive records not pages//')"
check_eq "…--stats counts each page once" "documents       13 (13 older captures kept hidden)" \
    "$("$FIHRIS_SEARCH" --db "$db" --stats | grep '^documents')"
word0=$(sed -n '1s/^[^\t]*\t\([^\t]*\).*/\1/p' "$WORK/pages.tsv")
shown() {
    "$FIHRIS_SEARCH" --db "$db" --format json --limit 50 "$@" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["results"]:
    print(r["url"].rsplit("/", 1)[1], r["archive"]["path"].rsplit("/", 1)[1])'
}
check_eq "…page0 shows once, from the later crawl" "page0.html site2.warc.gz" \
    "$(shown "$word0" | grep '^page0.html ')"
check_eq "…with its new text" "page0.html site2.warc.gz" "$(shown zebracorn)"
# shellcheck disable=SC2046
check_eq "…every page shows once" 13 "$(shown --any $(cut -f2 "$WORK/pages.tsv") Crawl | wc -l)"
rm "$WORK/archives/site2.warc.gz"
check_eq "the later archive deleted: each page shows its earlier capture" \
    "0 new, 13 changed, 0 deleted, 0 unchanged, 0 skipped" "$(idx --verbose "$WORK/archives" 2>&1 | line)"
check_eq "…13 documents" 13 "$(doc_count "$db")"
check_eq "…page0 shows again from the first crawl" "page0.html site.warc.gz" \
    "$(shown "$word0" | grep '^page0.html ')"
"$FIHRIS_SEARCH" --db "$db" zebracorn >/dev/null
check_eq "…without the later text" 1 $?

# An archive still being written: read up to its last whole record, then
# only what was added. The first half ends in junk (said once) and half a
# gzip member; a re-read from the start would say the junk again.
mkdir -p "$WORK/growing"
python3 - "$warc" "$WORK/growing/grow.warc.gz" "$WORK/rest" <<'EOF2'
import sys, zlib
data = open(sys.argv[1], "rb").read()
starts, at = [], 0
while at < len(data):
    starts.append(at)
    d = zlib.decompressobj(16 + 15)
    d.decompress(data[at:])
    at = len(data) - len(d.unused_data)
half = starts[len(starts) // 2]
cut = half + (starts[len(starts) // 2 + 1] - half) // 2
open(sys.argv[2], "wb").write(data[:half] + b"JUNK" + data[half:cut])
open(sys.argv[3], "wb").write(data[cut:])
EOF2
out=$("$FIHRIS_INDEX" --db "$WORK/gdb" --verbose "$WORK/growing" 2>&1)
first=$(printf '%s\n' "$out" | grep -o '[0-9]* new,')
check_contains "a growing archive: the junk is said" "junk between gzip members" "$out"
check_not_contains "…but not the record cut short: the crawler is still writing it" "truncated" "$out"
# The same archive left as it is for longer than ten minutes: cut short.
mkdir -p "$WORK/stale"
cp "$WORK/growing/grow.warc.gz" "$WORK/stale/"
touch -d '20 minutes ago' "$WORK/stale/grow.warc.gz"
out=$("$FIHRIS_INDEX" --db "$WORK/sdb" --verbose "$WORK/stale" 2>&1)
check_contains "an archive cut short and left so: the record cut short is said" \
    "truncated or corrupt gzip member" "$out"
# A few bytes more, still not a whole record: nothing new, nothing re-read.
head -c 10 "$WORK/rest" >>"$WORK/growing/grow.warc.gz"
out=$("$FIHRIS_INDEX" --db "$WORK/gdb" --verbose "$WORK/growing" 2>&1)
check_not_contains "…a few bytes more: what was read is not read again" "junk" "$out"
check_contains "…nothing new" "0 new, 0 changed, 0 deleted, ${first%% *} unchanged" "$out"
tail -c +11 "$WORK/rest" >>"$WORK/growing/grow.warc.gz"
out=$("$FIHRIS_INDEX" --db "$WORK/gdb" --verbose "$WORK/growing" 2>&1)
check_not_contains "…grown: what was read is not read again" "junk" "$out"
check_contains "…only the new pages are new" \
    "$((13 - ${first%% *})) new, 0 changed, 0 deleted, ${first%% *} unchanged, 0 skipped" "$out"
check_eq "…every page is in" 13 "$("$FIHRIS_SEARCH" --db "$WORK/gdb" --count --any \
    $(cut -f2 "$WORK/pages.tsv") Crawl)"
out=$("$FIHRIS_INDEX" --db "$WORK/gdb" --verbose "$WORK/growing" 2>&1)
check_eq "…then unchanged" "fihris-index: 0 new, 0 changed, 0 deleted, 13 unchanged, 0 skipped in" \
    "$(printf '%s' "$out" | sed 's/ in .*/ in/')"

# A record cut short at the end of an archive being written is not said
# then; a run that finds the archive unchanged after ten minutes says it,
# once. The archive was last changed 9 min 30 s before the first run.
mkdir -p "$WORK/stopped"
cp "$WORK/stale/grow.warc.gz" "$WORK/stopped/"
touch -d '570 seconds ago' "$WORK/stopped/grow.warc.gz"
out=$("$FIHRIS_INDEX" --db "$WORK/stopdb" "$WORK/stopped" 2>&1)
check_not_contains "an archive cut short, changed 9.5 minutes ago: the cut is not said" "truncated" "$out"
sleep 31
out=$("$FIHRIS_INDEX" --db "$WORK/stopdb" "$WORK/stopped" 2>&1)
check_contains "…unchanged ten minutes on: said, naming why now" \
    "truncated or corrupt gzip member (the archive has stopped growing)" "$out"
out=$("$FIHRIS_INDEX" --db "$WORK/stopdb" "$WORK/stopped" 2>&1)
check_eq "…then not again" "" "$out"

# Files named as archives that give no page and cannot be read on from
# (HTML, a gzip member broken from its start): said once, then passed
# over while they stay the same, counted as skipped.
mkdir -p "$WORK/notarc"
printf '<html><head><title>Not an archive</title></head><body>x</body></html>\n' \
    >"$WORK/notarc/page.warc"
head -c 60 "$warc" >"$WORK/notarc/cut.warc.gz"
printf 'x%.0s' $(seq 70000) >>"$WORK/notarc/cut.warc.gz"
touch -d '1 hour ago' "$WORK/notarc/page.warc" "$WORK/notarc/cut.warc.gz"
out=$("$FIHRIS_INDEX" --db "$WORK/nadb" --verbose "$WORK/notarc" 2>&1 | sed 's/ in [0-9.]* s (.*//')
check_eq "not archives: each said once, counted as skipped" \
    "fihris-index: $WORK/notarc/cut.warc.gz: at byte 0: truncated or corrupt gzip member
fihris-index: $WORK/notarc/page.warc: at byte 0: not a WARC or ARC record
fihris-index: 0 new, 0 changed, 0 deleted, 0 unchanged, 2 skipped" "$(printf '%s\n' "$out" | sort)"
out=$("$FIHRIS_INDEX" --db "$WORK/nadb" --verbose "$WORK/notarc" 2>&1 | sed 's/ in [0-9.]* s (.*//')
check_eq "…the next run: not said again, still skipped" \
    "fihris-index: 0 new, 0 changed, 0 deleted, 0 unchanged, 2 skipped" "$out"

# A record over --max-file-size is said with its size and the limit; a run
# with a larger limit reads the archive again and indexes it.
mkdir -p "$WORK/limit"
cp "$warc" "$WORK/limit/"
out=$("$FIHRIS_INDEX" --db "$WORK/ldb" --max-file-size 300 "$WORK/limit" 2>&1)
check_contains "a record over --max-file-size: its size and the limit said" \
    "bytes is over --max-file-size (300)" "$out"
small=$("$FIHRIS_SEARCH" --db "$WORK/ldb" --count --any $(cut -f2 "$WORK/pages.tsv") Crawl)
out=$("$FIHRIS_INDEX" --db "$WORK/ldb" --verbose --max-file-size 300 "$WORK/limit" 2>&1)
check_contains "…the same limit again: not read again" "0 new, 0 changed, 0 deleted, $small unchanged" "$out"
"$FIHRIS_INDEX" --db "$WORK/ldb" "$WORK/limit" 2>/dev/null
check_eq "…a larger limit: read again, every page in (not $small)" 13 \
    "$("$FIHRIS_SEARCH" --db "$WORK/ldb" --count --any $(cut -f2 "$WORK/pages.tsv") Crawl)"

rm "$warc"
check_eq "the archive deleted: its pages go" "0 new, 0 changed, 13 deleted, 0 unchanged, 0 skipped" \
    "$(summary --max-delete 100% "$WORK/archives")"
finish
