#!/bin/bash
# End-to-end tests of web archives as other crawlers write them: Heritrix
# (WARC/1.0 and the older 0.17), Common Crawl (WARC, WET, WAT),
# warcio/pywb (WARC/1.1) and ArchiveTeam (.warc.zst with a dictionary),
# hand-made by crawlers_make.py after the crawlers' documentation and the
# WARC standard. Each page is found by its words,
# with its URL, date and title; every other record is counted as not a page.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null || ! command -v zstd >/dev/null; then
    skip_all "python3 and zstd (which make the archives) are not both there"
fi
made=$WORK/made
mkdir -p "$made"
python3 "$(dirname "$0")/crawlers_make.py" "$made"
check_eq "the archives are made" "10 8" \
    "$(find "$made" -maxdepth 1 -type f | wc -l) $(find "$made/zstd" -type f | wc -l)"

# index NAME: index the archive NAME alone (in its own folder and index);
# prints the summary without its time.
index() {
    mkdir -p "$WORK/src/$1"
    cp "$made/$1" "$WORK/src/$1/"
    "$FIHRIS_INDEX" --db "$WORK/db/$1" --verbose "$WORK/src/$1" 2>&1 | sed 's/ in [0-9.]* s (.*//'
}
# hits NAME WORD...: the pages of NAME's index found by any of the words,
# "URL DATE TITLE" by URL.
hits() {
    local name=$1
    shift
    "$FIHRIS_SEARCH" --db "$WORK/db/$name" --format json --limit 50 --any "$@" | python3 -c '
import json, sys
for r in sorted(json.load(sys.stdin)["results"], key=lambda r: r["url"]):
    print(r["url"], r.get("date", "-"), r["title"])'
}
# opens NAME WORD URL: the record of the page found by WORD, from its
# "archive" offset (and "inflated_offset"), is URL's.
opens() {
    local file=$WORK/src/$1/$1 at
    at=$("$FIHRIS_SEARCH" --db "$WORK/db/$1" --format json "$2" | python3 -c '
import json, sys
a = json.load(sys.stdin)["results"][0]["archive"]
print(a["offset"], a.get("inflated_offset", -1))')
    local offset=${at% *} inflated=${at#* }
    local record
    case $file in
    *.gz)
        if [ "$inflated" -ge 0 ]; then
            record=$(tail -c +$((offset + 1)) "$file" | gzip -dc 2>/dev/null | tail -c +$((inflated + 1)) | head -c 600)
        else
            record=$(tail -c +$((offset + 1)) "$file" | gzip -dc 2>/dev/null | head -c 600)
        fi
        ;;
    *) record=$(tail -c +$((offset + 1)) "$file" | head -c 600) ;;
    esac
    record=$(printf '%s' "$record" | tr -d '\r' | head -n 12)
    check_contains "…$2: its offset opens its record" "$3" "$record"
    check_contains "…$2: at the record's start" "WARC/" "$(printf '%s' "$record" | head -n 1)"
}

# --- Heritrix 3 ---------------------------------------------------------------
# warcinfo, a dns: response, request/response/metadata of five URLs (a page,
# an image, a 404, a page with an odd charset parameter, a page whose lines
# end in LF alone), and a revisit of the first page.
check_eq "Heritrix: 3 pages; warcinfo, dns, 5 requests, 5 metadata, an image, a 404, a revisit not" \
    "fihris-index: 3 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 15 archive records not pages" \
    "$(index heritrix.warc.gz)"
check_eq "…each page by its words, with its URL, capture date and title" \
    "http://h.example/a 2019-03-01T10:00:02Z Heron page
http://h.example/d 2019-03-01T10:00:05Z Café page
http://h.example/e 2019-03-01T10:00:06Z Bittern page" \
    "$(hits heritrix.warc.gz heron naïve bittern egret)"
check_eq "…the revisit adds nothing: the page keeps its capture's date" \
    "http://h.example/a 2019-03-01T10:00:02Z Heron page" "$(hits heritrix.warc.gz grey)"
check_eq "…the 404 and the image are not pages" "" "$(hits heritrix.warc.gz missing jfif)"
check_eq "…'charset = \"ISO-8859-1\"' is read: café in Latin-1" \
    "http://h.example/d 2019-03-01T10:00:05Z Café page" "$(hits heritrix.warc.gz café)"
opens heritrix.warc.gz heron "WARC-Target-URI: http://h.example/a"
opens heritrix.warc.gz bittern "WARC-Target-URI: http://h.example/e"
check_eq "Heritrix 1.14, WARC/0.17: its page" \
    "fihris-index: 1 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 1 archive record not a page" \
    "$(index heritrix-old.warc.gz)"
check_eq "…found" "http://old.example/ 2008-05-01T00:00:01Z Old page" \
    "$(hits heritrix-old.warc.gz ptarmigan)"

# --- Common Crawl -------------------------------------------------------------
cc=CC-MAIN-20231201000000-20231201030000-00000
check_eq "Common Crawl WARC: 2 pages; warcinfo, 2 requests, 2 metadata not" \
    "fihris-index: 2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 5 archive records not pages" \
    "$(index $cc.warc.gz)"
check_eq "…the payload stored decoded (X-Crawler-Content-Encoding), and one cut at the limit" \
    "https://cc.example/cormorant 2023-12-01T01:02:03Z Cormorant page
https://cc.example/gannet 2023-12-01T01:02:04Z Gannet page" "$(hits $cc.warc.gz cormorant gannet)"
opens $cc.warc.gz gannet "WARC-Target-URI: https://cc.example/gannet"
check_eq "Common Crawl WET: 2 pages (conversion records); its warcinfo not" \
    "fihris-index: 2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 1 archive record not a page" \
    "$(index $cc.warc.wet.gz)"
check_eq "…the title is the text's first line" \
    "https://ar.cc.example/falcon 2023-12-01T01:02:05Z الصقر الحر
https://cc.example/cormorant 2023-12-01T01:02:03Z Cormorant page" \
    "$(hits $cc.warc.wet.gz الصحراء wings)"
opens $cc.warc.wet.gz wings "WARC-Type: conversion"
check_eq "Common Crawl WAT: no page; its 3 records are counted" \
    "fihris-index: 0 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 3 archive records not pages" \
    "$(index $cc.warc.wat.gz)"
check_eq "…nothing of it is found" 0 "$(doc_count "$WORK/db/$cc.warc.wat.gz")"

# --- warcio / pywb: WARC/1.1 --------------------------------------------------
# Microsecond dates, a URI in <>, lowercase field names, a response both
# chunked and gzip, a windows-1256 page with its charset in quotes.
for name in warcio.warc.gz warcio-stream.warc.gz warcio.warc; do
    check_eq "warcio, $name: 2 pages; warcinfo and request not" \
        "fihris-index: 2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 2 archive records not pages" \
        "$(index $name)"
    check_eq "…each found, its date to the second" \
        "http://w.example/bulbul 2020-01-02T03:04:05Z البلبل
http://w.example/kingfisher 2020-01-01T00:00:00Z Kingfisher page" \
        "$(hits $name kingfisher الحديقة)"
    opens $name kingfisher "WARC-Target-URI: <http://w.example/kingfisher>"
    opens $name الحديقة "warc-target-uri: http://w.example/bulbul"
done
check_eq "…in the plain file, the exact offsets" "319 1337" \
    "$(for w in kingfisher الحديقة; do "$FIHRIS_SEARCH" --db "$WORK/db/warcio.warc" --format json "$w" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["results"][0]["archive"]["offset"])'; done | paste -sd ' ')"

# --- Browsertrix ---------------------------------------------------------------
check_eq "Browsertrix: 2 pages; warcinfo, page info, text and screenshot resources (urn:) not" \
    "fihris-index: 2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 4 archive records not pages" \
    "$(index browsertrix.warc.gz)"
check_eq "…the page once, from its response; one after 100 Continue, typed by WARC-Identified-Payload-Type" \
    "https://b.example/auk 2024-02-01T00:00:03Z Auk page
https://b.example/puffin 2024-02-01T00:00:01Z Puffin page" "$(hits browsertrix.warc.gz puffin auk)"

# --- Quirks of other writers --------------------------------------------------
check_eq "quirks: a response record without its Content-Type, one right after a block, HTTP/2" \
    "fihris-index: 3 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped" "$(index quirks.warc)"
check_eq "…each found" "http://q.example/1 2021-05-05T05:05:05Z Quail page
http://q.example/2 2021-05-05T05:05:06Z Rail page
https://q.example/3 2021-05-05T05:05:07Z Snipe page" "$(hits quirks.warc quail rail snipe)"

# --- ArchiveTeam: .warc.zst ----------------------------------------------------
# One zstd frame a record, with a dictionary first in a skippable frame
# (compressed, or plain); zstd without a dictionary, a frame a record or
# one stream. Each record's offset is its frame's: zstd -D opens it there.
zst=$made/zstd
for name in archiveteam rawdict frames stream; do
    check_eq "ArchiveTeam, $name.warc.zst: 3 pages; warcinfo and 3 requests not" \
        "fihris-index: 3 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 4 archive records not pages" \
        "$(index zstd/$name.warc.zst)"
    check_eq "…each found, with its URL and date" \
        "https://t.example/heron 2023-03-01T00:00:01Z Heron page
https://t.example/ibis 2023-03-01T00:00:02Z Ibis page
https://t.example/stork 2023-03-01T00:00:03Z Stork page" "$(hits zstd/$name.warc.zst heron ibis stork)"
done
# offset NAME WORD: the archive offset of the page WORD finds in NAME's index.
offset() {
    "$FIHRIS_SEARCH" --db "$WORK/db/zstd/$1" --format json "$2" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["results"][0]["archive"]["offset"])'
}
for name in archiveteam frames; do
    at=$(offset $name.warc.zst ibis)
    check_eq "…$name.warc.zst: the ibis's offset opens its record with zstd" \
        "WARC/1.1|WARC-Type: response|WARC-Target-URI: https://t.example/ibis" \
        "$(tail -c +$((at + 1)) "$zst/$name.warc.zst" | zstd -D "$zst/dict" -dc 2>/dev/null |
            tr -d '\r' | head -n 5 | grep -E '^(WARC/|WARC-Type|WARC-Target-URI)' | paste -sd '|')"
done

# A frame corrupt in the middle, the last one cut short: the pages before
# and after are kept. In an archive written to lately, the cut at the end
# is the part written so far, not said; the corrupt frame is said.
mkdir -p "$WORK/zbroken"
cp "$zst/broken.warc.zst" "$WORK/zbroken/"
out=$("$FIHRIS_INDEX" --db "$WORK/db/zbroken" "$WORK/zbroken" 2>&1)
check_eq "a corrupt frame is said with its offset, the cut at the end of a fresh archive not" \
    "fihris-index: $WORK/zbroken/broken.warc.zst: at byte 947: truncated or corrupt zstd frame" "$out"
check_eq "…the page before it is kept" "https://t.example/heron 2023-03-01T00:00:01Z Heron page" \
    "$(hits zbroken heron ibis stork)"
touch -d '1 hour ago' "$WORK/zbroken/broken.warc.zst"
out=$("$FIHRIS_INDEX" --db "$WORK/db/zbroken2" "$WORK/zbroken" 2>&1)
check_eq "…left so for an hour, the cut at the end is said too" \
    "fihris-index: $WORK/zbroken/broken.warc.zst: at byte 947: truncated or corrupt zstd frame
fihris-index: $WORK/zbroken/broken.warc.zst: at byte 1037: truncated or corrupt zstd frame" "$out"

# Frames that need a dictionary the file does not hold (its first frame
# cut off): said once, not once a frame.
mkdir -p "$WORK/znodict"
python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d[8 + struct.unpack("<I", d[4:8])[0]:])' \
    "$zst/archiveteam.warc.zst" "$WORK/znodict/nodict.warc.zst"
out=$("$FIHRIS_INDEX" --db "$WORK/db/znodict" "$WORK/znodict" 2>&1)
check_eq "frames without their dictionary: one warning" \
    "fihris-index: $WORK/znodict/nodict.warc.zst: at byte 0: zstd frame needs a dictionary the file does not start with: the archive is not read further" \
    "$out"

# An archive that grows: the first run reads its whole frames, the next
# only the frames added (the dictionary read again from the file's start).
mkdir -p "$WORK/zgrow"
head -c 1000 "$zst/archiveteam.warc.zst" >"$WORK/zgrow/crawl.warc.zst"
out=$("$FIHRIS_INDEX" --db "$WORK/db/zgrow" --verbose "$WORK/zgrow" 2>&1 | sed 's/ in [0-9.]* s (.*//')
check_eq "a .warc.zst still being written: its whole records" \
    "fihris-index: 2 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 3 archive records not pages" \
    "$out"
cp "$zst/archiveteam.warc.zst" "$WORK/zgrow/crawl.warc.zst"
out=$("$FIHRIS_INDEX" --db "$WORK/db/zgrow" --verbose "$WORK/zgrow" 2>&1 | sed 's/ in [0-9.]* s (.*//')
check_eq "…grown: the rest read on, from its dictionary" \
    "fihris-index: 1 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped, 1 archive record not a page" \
    "$out"
check_eq "…all three found" 3 "$("$FIHRIS_SEARCH" --db "$WORK/db/zgrow" --count --any heron ibis stork)"

# Loose pages compressed with zstd; one cut short is skipped, said.
mkdir -p "$WORK/zloose"
cp "$zst/swift.txt.zst" "$zst/bad.txt.zst" "$WORK/zloose/"
out=$("$FIHRIS_INDEX" --db "$WORK/db/zloose" "$WORK/zloose" 2>&1)
check_eq "a .txt.zst page is read; one cut short is skipped" \
    "fihris-index: $WORK/zloose/bad.txt.zst: skipped: not valid gzip or zstd data (corrupt or cut short)" \
    "$out"
check_eq "…the page found by its words, its title from its first line" "Swift page" \
    "$("$FIHRIS_SEARCH" --db "$WORK/db/zloose" --format json swift |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["results"][0]["title"])')"

# --- All of them in one folder: one page a URL --------------------------------
# The Common Crawl WARC and WET both hold the cormorant; the three warcio
# files each hold the kingfisher and the bulbul.
mkdir -p "$WORK/all"
find "$made" -maxdepth 1 -type f -exec cp {} "$WORK/all/" \;
out=$("$FIHRIS_INDEX" --db "$WORK/alldb" --verbose "$WORK/all" 2>&1 | sed 's/ in [0-9.]* s (.*//')
check_eq "every archive together: 14 pages, 5 older captures hidden" \
    "fihris-index: 14 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped, 5 older captures kept hidden, 35 archive records not pages" \
    "$out"
check_eq "…--stats" "documents       14 (5 older captures kept hidden)" \
    "$("$FIHRIS_SEARCH" --db "$WORK/alldb" --stats | grep '^documents')"
check_eq "…a search counts each once" 3 \
    "$("$FIHRIS_SEARCH" --db "$WORK/alldb" --count --any cormorant kingfisher الحديقة)"
# The three warcio files hold the same captures, of the same second: which
# one shows does not depend on the number of shards.
shown() {
    "$FIHRIS_SEARCH" --db "$1" --format json --any kingfisher الحديقة | python3 -c '
import json, sys
print(" ".join(sorted(r["archive"]["path"].rsplit("/", 1)[1] for r in json.load(sys.stdin)["results"])))'
}
one=$(shown "$WORK/alldb")
for j in 1 3; do
    "$FIHRIS_INDEX" --db "$WORK/alldb$j" --jobs $j "$WORK/all" 2>/dev/null
    check_eq "…the same capture in three archives: the same one shown with --jobs $j" "$one" \
        "$(shown "$WORK/alldb$j")"
done
finish
