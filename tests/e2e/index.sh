#!/bin/bash
# End-to-end tests of fihris-index: runs the real binary over files made
# here and checks exact document counts, summaries, warnings and exit codes.
. "$(dirname "$0")/lib.sh"

src=$WORK/src
db=$WORK/db
mkdir -p "$src/sub"
idx() { "$FIHRIS_INDEX" --db "$db" "$@"; }
summary() { idx --verbose "$@" 2>&1 | grep -o '[0-9]* new, [0-9]* changed, [0-9]* deleted, [0-9]* unchanged, [0-9]* skipped'; }

# --- New, unchanged, changed, touched, deleted, moved -----------------------
page "$src/a.txt" "Alpha page" "The alpha body talks about rivers."
page "$src/b.txt" "Beta page" "The beta body talks about mountains."
page "$src/sub/c.txt" "Gamma page" "The gamma body talks about deserts."
out=$(idx "$src" 2>&1)
check_eq "first run exits 0" 0 $?
check_eq "first run is quiet off a terminal" "" "$out"
check_eq "three pages indexed" 3 "$(doc_count "$db")"
check_eq "re-run: all unchanged" "0 new, 0 changed, 0 deleted, 3 unchanged, 0 skipped" "$(summary "$src")"

page "$src/b.txt" "Beta page" "The beta body now talks about glaciers."
check_eq "changed file re-indexed" "0 new, 1 changed, 0 deleted, 2 unchanged, 0 skipped" "$(summary "$src")"
"$FIHRIS_SEARCH" --db "$db" glaciers >/dev/null
check_eq "changed text is searchable" 0 $?
"$FIHRIS_SEARCH" --db "$db" mountains >/dev/null
check_eq "old text is gone" 1 $?

touch -d '2001-01-01' "$src/a.txt"
check_eq "touched file: same content, not re-indexed" "0 new, 0 changed, 0 deleted, 3 unchanged, 0 skipped" "$(summary "$src")"
check_eq "after a touch, the new time is remembered" "0 new, 0 changed, 0 deleted, 3 unchanged, 0 skipped" "$(summary "$src")"

rm "$src/sub/c.txt"
check_eq "deleted file's document deleted" "0 new, 0 changed, 1 deleted, 2 unchanged, 0 skipped" "$(summary "$src")"
check_eq "two documents left" 2 "$(doc_count "$db")"

mv "$src/a.txt" "$src/sub/moved.txt"
check_eq "moved file: one new, one deleted" "1 new, 0 changed, 1 deleted, 1 unchanged, 0 skipped" "$(summary "$src")"
check_eq "a moved file keeps one document" 2 "$(doc_count "$db")"
check_contains "search finds the new path" "sub/moved.txt" "$("$FIHRIS_SEARCH" --db "$db" rivers)"

# --- Other folders are left alone; --no-delete; --dry-run; --rebuild -------
other=$WORK/other
mkdir -p "$other"
page "$other/o.txt" "Other page" "Another folder entirely."
idx "$other"
check_eq "a second folder adds to the index" 3 "$(doc_count "$db")"
check_eq "a run over the first folder keeps the second's pages" "0 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped" "$(summary "$src")"
check_eq "still three" 3 "$(doc_count "$db")"

rm "$other/o.txt"
check_eq "--no-delete keeps gone pages" "0 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped" "$(summary --no-delete "$other")"
check_eq "still three after --no-delete" 3 "$(doc_count "$db")"

page "$src/new.txt" "New page" "Fresh text."
# The only page of $other goes: more than half of it, so --max-delete.
out=$(idx --dry-run --verbose --max-delete 1 "$src" "$other" 2>/dev/null)
check_contains "--dry-run lists a new file" "new $src/new.txt" "$out"
check_contains "--dry-run lists a deleted file" "deleted $other/o.txt" "$out"
check_eq "--dry-run changes nothing" 3 "$(doc_count "$db")"
out=$(idx --dry-run --max-delete 1 "$src" "$other" 2>&1 | sed 's/ in [0-9.]* s .*//')
check_eq "--dry-run says what it would do, also off a terminal" "fihris-index: would make 1 new, 0 changed, 1 deleted, 2 unchanged, 0 skipped" "$out"

idx --max-delete 1 "$src" "$other"
check_eq "then the real run" 3 "$(doc_count "$db")"
idx --rebuild "$src" "$other"
check_eq "--rebuild gives the same count" 3 "$(doc_count "$db")"
check_eq "--rebuild leaves no folder behind" "" "$(ls -d "$db".* 2>/dev/null)"

# --- --exclude and hidden files ----------------------------------------------
ex=$WORK/ex
mkdir -p "$ex/sub" "$ex/.hdir" "$ex/skipdir"
page "$ex/a.txt" "A" "alpha"
page "$ex/skip-me.txt" "Skip" "skipped"
page "$ex/sub/keep.txt" "Keep" "kept"
page "$ex/skipdir/in.txt" "In" "inside"
page "$ex/.hidden.txt" "Hidden" "hidden"
page "$ex/.hdir/h.txt" "Hidden dir" "hidden"
"$FIHRIS_INDEX" --db "$WORK/exdb" --exclude 'skip-*' --exclude skipdir "$ex"
check_eq "--exclude (by name, repeatable) and hidden files skipped" 2 "$(doc_count "$WORK/exdb")"
"$FIHRIS_INDEX" --db "$WORK/exdb" --hidden --exclude 'skip-*' --exclude skipdir "$ex"
check_eq "--hidden reads hidden files and folders" 4 "$(doc_count "$WORK/exdb")"
"$FIHRIS_INDEX" --db "$WORK/exdb" --hidden --exclude "$ex/sub/*" --exclude 'skip*' "$ex"
check_eq "--exclude matches whole paths too" 3 "$(doc_count "$WORK/exdb")"

# --- Formats and encodings ---------------------------------------------------
fmt=$WORK/formats
fdb=$WORK/fdb
mkdir -p "$fmt"
cat >"$fmt/page.html" <<'HTML'
<!DOCTYPE html><html><head><title>Harbour &amp; Lights</title>
<style>.x { color: red }</style><script>var hidden = "scriptword";</script></head>
<body><h1>Heading</h1><p>The lighthouse keeper&#39;s diary.</p><!-- commentword --></body></html>
HTML
printf '%s\n' '{"id":"1","title":"First","text":"jsonl alpha text","url":"https://example.org/1","date":"2015-03-02"}' \
    '{"id":"2","title":"Second","text":"jsonl beta text"}' \
    'this line is broken' \
    '{"id":3,"title":"Third","text":"jsonl gamma text"}' >"$fmt/dump.jsonl"
# "مدرسة جديدة" in windows-1256, repeated so that the detector is sure.
for i in 1 2 3 4 5 6 7 8; do printf '\xe3\xcf\xd1\xd3\xc9 \xcc\xcf\xed\xcf\xc9 \xdd\xed \xc7\xe1\xd1\xed\xc7\xd6 '; done >"$fmt/cp1256.body"
{ printf 'Windows page\n\n'; cat "$fmt/cp1256.body"; printf '\n'; } >"$fmt/cp1256.txt"
rm "$fmt/cp1256.body"
# UTF-16LE with a BOM: "Sixteen\n\nwide words"
printf '\xff\xfeS\0i\0x\0t\0e\0e\0n\0\n\0\n\0w\0i\0d\0e\0 \0w\0o\0r\0d\0s\0' >"$fmt/utf16.txt"
# Bad bytes amid UTF-8 (é three times): damaged UTF-8, not another charset.
printf 'Broken bytes\n\nbefore \xc3\xa9t\xc3\xa9 \xc3\xa9 \xff\xfe after words\n' >"$fmt/invalid.txt"
# Short pages in single-byte charsets, none named: too short for the
# detector, told by their letters.
printf 'Menu\n\nCaf\xe9 cr\xe8me br\xfbl\xe9e\n' >"$fmt/latin1.txt"
printf 'Short\n\n\xdf\xca\xc7\xc8 \xcc\xcf\xed\xcf\n' >"$fmt/short1256.txt"
printf 'Short\n\n\xe5\xd3\xca\xd4\xe1\xe9 \xcc\xcf\xea\xcf\n' >"$fmt/short88596.txt"
printf 'Binary\n\n\0\0\0\1\2' >"$fmt/binary.txt"
: >"$fmt/empty.txt"
head -c 5000 /dev/zero | tr '\0' 'x' >"$fmt/big.txt"
out=$("$FIHRIS_INDEX" --db "$fdb" --max-file-size 4K "$fmt" 2>&1)
check_eq "formats: exit 0 despite skipped files" 0 $?
check_contains "broken JSONL line named by file and line" "dump.jsonl:3: skipped line" "$out"
check_contains "binary file named" "binary.txt: skipped: binary file" "$out"
check_contains "big file named" "big.txt: skipped: 5000 bytes is over --max-file-size" "$out"
check_contains "invalid UTF-8 named" "invalid.txt: invalid text encoding" "$out"
check_contains "a short Latin-1 page: the charset chosen, said" \
    "latin1.txt: not UTF-8 and no charset named: read as windows-1252 (its letters are not Arabic)" "$out"
check_contains "a short windows-1256 page: the charset chosen, said" \
    "short1256.txt: not UTF-8 and no charset named: read as windows-1256 (its letters are Arabic)" "$out"
check_contains "a short ISO-8859-6 page: the charset chosen, said" \
    "short88596.txt: not UTF-8 and no charset named: read as ISO-8859-6 (its letters are Arabic)" "$out"
check_eq "…once" 1 "$(printf '%s\n' "$out" | grep -c short88596.txt)"
check_eq "the long windows-1256 page: detected, nothing said" "" "$(printf '%s\n' "$out" | grep cp1256.txt)"
check_contains "empty file named" "empty.txt: skipped: empty file" "$out"
check_eq "formats: html + 3 jsonl lines + cp1256 + utf16 + invalid + 3 short" 10 "$(doc_count "$fdb")"
check_contains "the short ISO-8859-6 page found by its words" "short88596.txt" "$("$FIHRIS_SEARCH" --db "$fdb" --format json "مستشفى جديد")"
s() { "$FIHRIS_SEARCH" --db "$fdb" --format json "$@"; }
check_contains "html title read" '"title":"Harbour & Lights"' "$(s lighthouse)"
check_eq "html script text not indexed" 1 "$(s scriptword >/dev/null; echo $?)"
check_eq "html comment not indexed" 1 "$(s commentword >/dev/null; echo $?)"
check_contains "jsonl url kept" '"url":"https://example.org/1"' "$(s alpha)"
check_contains "jsonl date kept, as ISO 8601" '"date":"2015-03-02T00:00:00Z"' "$(s alpha)"
check_contains "no date: null" '"date":null' "$(s beta)"
check_contains "jsonl numeric id keyed" "dump.jsonl#3" "$(s gamma)"
check_contains "windows-1256 converted" '"title":"Windows page"' "$(s مدرسه)"
check_contains "UTF-16 converted" '"title":"Sixteen"' "$(s wide)"
check_contains "words after invalid bytes found" '"title":"Broken bytes"' "$(s after)"
check_contains "a short Latin-1 page found by its accented word" '"title":"Menu"' "$(s crème)"
check_contains "…whose text is as written" 'Café crème brûlée' "$(s brûlée)"
check_contains "a short windows-1256 page found by its Arabic word" '"title":"Short"' "$(s كتاب)"

# A JSONL id met twice: said, with both lines; the later line is the page.
printf '{"id":"1","title":"First","text":"one"}\n{"id":"1","title":"Second","text":"two"}\n' >"$WORK/dup.jsonl"
out=$("$FIHRIS_INDEX" --db "$WORK/dupdb" "$WORK/dup.jsonl" 2>&1)
check_contains "a JSONL id met again named with both lines" "dup.jsonl:2: the id of line 1 again: this line replaces it" "$out"
check_eq "one page of the two lines" 1 "$(doc_count "$WORK/dupdb")"
check_contains "the later line is the page" '"title":"Second"' "$("$FIHRIS_SEARCH" --db "$WORK/dupdb" --format json two)"

# --- A page that can no longer be indexed: its earlier text goes -------------
gone=$WORK/gone
gdb=$WORK/gdb
mkdir -p "$gone"
page "$gone/a.txt" "Stale" "staleword"
page "$gone/b.txt" "Binary later" "binaryword"
page "$gone/c.txt" "Stays" "stayword"
"$FIHRIS_INDEX" --db "$gdb" "$gone" >/dev/null 2>&1
: >"$gone/a.txt"
printf 'Binary later\n\n\0\1' >"$gone/b.txt"
out=$("$FIHRIS_INDEX" --db "$gdb" --max-delete 2 "$gone" 2>&1)
check_eq "emptied and binary pages: exit 0" 0 $?
check_contains "an emptied page named, its text going" "a.txt: skipped: empty file (its earlier text leaves the index)" "$out"
check_contains "a page turned binary named, its text going" "b.txt: skipped: binary file (NUL bytes) (its earlier text leaves the index)" "$out"
check_eq "the emptied page's word is not found" 1 "$("$FIHRIS_SEARCH" --db "$gdb" staleword >/dev/null 2>&1; echo $?)"
check_eq "nor the binary page's" 1 "$("$FIHRIS_SEARCH" --db "$gdb" binaryword >/dev/null 2>&1; echo $?)"
check_eq "the other page stays" 1 "$(doc_count "$gdb")"

# --- A file skipped for what it holds is said once ----------------------------
once=$WORK/once
oncedb=$WORK/oncedb
mkdir -p "$once/sub"
page "$once/ok.txt" "Fine" "fineword"
printf 'Bin\n\n\0\1' >"$once/bin.txt"
: >"$once/sub/empty.txt"
out=$("$FIHRIS_INDEX" --db "$oncedb" "$once" 2>&1)
check_contains "first run: the binary file named" "bin.txt: skipped: binary file" "$out"
check_contains "first run: the empty file named" "empty.txt: skipped: empty file" "$out"
check_eq "a second run over the same files is quiet" "" "$("$FIHRIS_INDEX" --db "$oncedb" "$once" 2>&1)"
check_eq "…and counts them as skipped" "0 new, 0 changed, 0 deleted, 1 unchanged, 2 skipped" \
    "$("$FIHRIS_INDEX" --verbose --db "$oncedb" "$once" 2>&1 | grep -o '[0-9]* new.*skipped')"
check_eq "a run over another folder forgets neither" "" "$("$FIHRIS_INDEX" --db "$oncedb" "$once/sub" 2>&1; "$FIHRIS_INDEX" --db "$oncedb" "$once" 2>&1)"
printf 'Bin\n\n\0\1\2' >"$once/bin.txt"
check_contains "changed, it is said again" "bin.txt: skipped: binary file" "$("$FIHRIS_INDEX" --db "$oncedb" "$once" 2>&1)"
page "$once/bin.txt" "Fixed" "fixedword"
"$FIHRIS_INDEX" --db "$oncedb" "$once" >/dev/null 2>&1
printf 'Bin\n\n\0\1\2' >"$once/bin.txt"
check_contains "indexed, then binary again: said again" "bin.txt: skipped: binary file (NUL bytes) (its earlier text leaves the index)" "$("$FIHRIS_INDEX" --db "$oncedb" "$once" 2>&1)"

# --- Odd names, links, unreadable files --------------------------------------
odd=$WORK/odd
odb=$WORK/odb
mkdir -p "$odd/deep"
page "$odd/with space.txt" "Space" "spacious"
page "$odd/new"$'\n'"line.txt" "Newline" "newlinename"
page "$odd/"$'\xff\xfe'".txt" "Bytes" "bytename"
page "$odd/deep/x.txt" "Deep" "deepword"
ln -s .. "$odd/deep/loop"
out=$("$FIHRIS_INDEX" --db "$odb" "$odd" 2>&1)
check_eq "odd names: exit 0" 0 $?
check_eq "odd names: all four indexed, links not followed" 4 "$(doc_count "$odb")"
check_eq "links not followed: quiet" "" "$out"
out=$("$FIHRIS_INDEX" --db "$odb" --follow "$odd" 2>&1)
check_eq "--follow with a loop: exit 0" 0 $?
check_contains "--follow names the loop" "deep/loop: folder already visited" "$out"
check_eq "--follow indexes nothing twice" 4 "$(doc_count "$odb")"
"$FIHRIS_SEARCH" --db "$odb" newlinename >"$WORK/nl.out"
check_contains "a newline in a path is shown escaped" 'new\nline.txt' "$(cat "$WORK/nl.out")"

locked=$WORK/locked
mkdir -p "$locked/private"
page "$locked/open.txt" "Open" "readable"
page "$locked/secret.txt" "Secret" "unreadable"
page "$locked/private/p.txt" "Private" "hidden"
chmod 000 "$locked/secret.txt" "$locked/private"
chmod 777 "$WORK"
out=$(as_user "$FIHRIS_INDEX" --db "$WORK/udb" "$locked" 2>&1)
check_eq "unreadable files: exit 0" 0 $?
check_contains "unreadable file named" "secret.txt: cannot read: Permission denied" "$out"
check_contains "unreadable folder named" "private: cannot read: Permission denied" "$out"
check_eq "the readable page indexed" 1 "$(as_user "$FIHRIS_SEARCH" --db "$WORK/udb" --stats --format json | sed -n 's/^{"documents":\([0-9]*\).*/\1/p')"
chmod 755 "$locked/secret.txt" "$locked/private"

# --- A damaged index: a clear line, exit 2 to searches; --rebuild mends it -----
cp -r "$db" "$WORK/damaged"
for f in "$WORK"/damaged/*/postlist.glass; do truncate -s 100 "$f"; done
out=$("$FIHRIS_SEARCH" --db "$WORK/damaged" alpha 2>&1)
check_eq "a damaged index: the search exits 2" 2 $?
check_eq "…with one line naming the shard" 1 "$(echo "$out" | grep -c "damaged/s[0-9]*-[0-9]*: ")"
out=$("$FIHRIS_INDEX" --db "$WORK/damaged" "$src" 2>&1)
check_eq "a damaged index: the indexer exits 73" 73 $?
check_contains "…and says how to mend it" "cannot open the index: DatabaseError: EOF reading block" "$out"
check_contains "…with --rebuild" "(if it is damaged, --rebuild makes it anew from the pages)" "$out"
"$FIHRIS_INDEX" --db "$WORK/damaged" --rebuild "$src" "$other" 2>/dev/null
check_eq "--rebuild mends it" 3 "$(doc_count "$WORK/damaged")"

# --- Usage errors -------------------------------------------------------------
"$FIHRIS_INDEX" --db "$db" "$WORK/no-such-folder" 2>"$WORK/err"
check_eq "missing source exits 66" 66 $?
check_contains "missing source named" "no-such-folder: no such file or folder" "$(cat "$WORK/err")"
"$FIHRIS_INDEX" --bogus 2>/dev/null
check_eq "unknown option exits 64" 64 $?
out=$("$FIHRIS_INDEX" --db '' "$src" 2>&1)
check_eq "--db '' exits 64" 64 $?
check_contains "…and says why" "fihris-index: --db takes a folder, not an empty name" "$out"
out=$("$FIHRIS_INDEX" --db "$db" --db "$WORK/second" "$src" 2>&1)
check_eq "two --db exit 64" 64 $?
check_contains "…and say why" "one --db at a time" "$out"
"$FIHRIS_INDEX" --db "$db" 2>/dev/null
check_eq "no source exits 64" 64 $?
page "$WORK/plainfile" "x" "y"
"$FIHRIS_INDEX" --db "$WORK/plainfile/db" "$src" 2>"$WORK/err"
check_eq "an index that cannot be created exits 73" 73 $?

# --- One writer at a time -----------------------------------------------------
coproc HOLD { "$FH_HOLD_LOCK" "$db"; }
read -r line <&"${HOLD[0]}"
check_eq "helper holds the lock" locked "$line"
"$FIHRIS_INDEX" --db "$db" "$src" 2>"$WORK/err"
check_eq "second indexer exits 75" 75 $?
check_contains "second indexer says why" "another indexer is updating this index" "$(cat "$WORK/err")"
eval "exec ${HOLD[1]}>&-"
wait "$HOLD_PID"
idx "$src" "$other"
check_eq "after the first writer ends, the next run proceeds" 0 $?
coproc HOLD2 { exec "$FH_HOLD_LOCK" "$db"; }
read -r line <&"${HOLD2[0]}"
kill -9 "$HOLD2_PID"
wait "$HOLD2_PID" 2>/dev/null
idx "$src" "$other"
check_eq "after a writer is killed, the next run proceeds (no stale lock)" 0 $?

# --- kill -9 in the middle of a large run, then a clean finish ---------------
big=$WORK/big
kdb=$WORK/kdb
mkdir -p "$big"
for i in $(seq 1 3000); do
    printf 'Page %d\n\nword%d shared text about item number %d and more words to index.\n' "$i" "$i" "$i" >"$big/p$i.txt"
done
"$FIHRIS_INDEX" --db "$kdb" "$big" &
pid=$!
sleep 0.4
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -d "$kdb" ]; then
    xcheck "$kdb"
    check_eq "a killed run leaves an index that passes xapian-check" 0 $?
fi
"$FIHRIS_INDEX" --db "$kdb" "$big"
check_eq "the next run finishes" 0 $?
check_eq "exactly 3000 documents, no duplicates" 3000 "$(doc_count "$kdb")"
check_eq "a page from the end is there once" '"total_estimate":1' "$("$FIHRIS_SEARCH" --db "$kdb" --format json word2999 | grep -o '"total_estimate":[0-9]*')"

# --- Searches during an update never fail ------------------------------------
for i in $(seq 3001 6000); do
    printf 'Page %d\n\nword%d shared text about item number %d.\n' "$i" "$i" "$i" >"$big/p$i.txt"
done
"$FIHRIS_INDEX" --db "$kdb" "$big" &
pid=$!
search_during "$pid" "$kdb" shared text
wait "$pid"
check_eq "the update during the searches succeeds" 0 $?
check_eq "no search failed while the index was updated ($searches searches)${first_error:+; first: $first_error}" 0 "$errors"
check_eq "6000 documents after the update" 6000 "$(doc_count "$kdb")"

# --- Searches during a full build never fail ----------------------------------
# From the moment the new index is listed (its stub written) to the end,
# through its commits and the final compaction and switch.
fdb=$WORK/fulldb
"$FIHRIS_INDEX" --db "$fdb" --commit-every 500 "$big" &
pid=$!
while [ ! -f "$fdb/XAPIANDB" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
search_during "$pid" "$fdb" shared text
wait "$pid"
check_eq "the full build succeeds" 0 $?
check_eq "no search failed during the full build ($searches searches)${first_error:+; first: $first_error}" 0 "$errors"
[ "$errors" -eq 0 ] || cat "$WORK/search.err"
check_eq "6000 documents after the full build" 6000 "$(doc_count "$fdb")"

# --- A full disk -----------------------------------------------------------
# 3,000 pages of one shape, committed every 1,000: the first commit takes
# about 1.0 MB, the second about 2.2 MB (the pages are alike, so the order in
# which the folder lists them does not matter). As root, a real full disk: a
# 1.5 MB tmpfs. Otherwise a file size limit of 800 KB does the same (the
# largest table is 0.5 MB after the first commit, 1.0 MB after the second; a
# write past the limit fails with EFBIG).
fill=$WORK/fill
mkdir "$fill" "$WORK/small"
for i in $(seq 1 3000); do
    printf 'Page %d\n\nword%d shared text about item number %d and more words to index.\n' "$i" "$i" "$i" >"$fill/p$i.txt"
done
dfdb=$WORK/small/dfdb
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1536k fihris-e2e "$WORK/small" 2>/dev/null; then
    trap 'umount "$WORK/small" 2>/dev/null; chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
    out=$("$FIHRIS_INDEX" --jobs 1 --commit-every 1000 --db "$dfdb" "$fill" 2>&1)
    rc=$?
    grow() { mount -o remount,size=64m "$WORK/small"; }
else
    out=$( (ulimit -f 800; "$FIHRIS_INDEX" --jobs 1 --commit-every 1000 --db "$dfdb" "$fill") 2>&1)
    rc=$?
    grow() { :; }
fi
check_eq "a full disk exits 74" 74 "$rc"
[ "$rc" -eq 74 ] || printf '     the indexer said: %s\n' "$out"
# Xapian reports the failed write (or, failing inside a commit, ends the
# process, which fihris turns into the same exit and message).
check_contains "and that the index is as it was" "it is left as it was at its last commit" "$out"
xcheck "$dfdb"
check_eq "the index passes xapian-check" 0 $?
check_eq "the index holds its last commit (1,000 documents)" 1000 "$(doc_count "$dfdb")"
grow
"$FIHRIS_INDEX" --db "$dfdb" "$fill"
check_eq "with room again, the next run finishes" 3000 "$(doc_count "$dfdb")"

# --- A JSONL file cut off by a full disk ----------------------------------
# The same 3,000 pages as the lines of one file: the first 1,000 are
# committed under the file's size and time, and the next run must still
# read the rest (and keep each page once).
jl=$WORK/jsonl-fill
mkdir "$jl"
for i in $(seq 1 3000); do
    printf '{"id":"%d","title":"Page %d","text":"word%d shared text about item number %d and more words to index."}\n' "$i" "$i" "$i" "$i"
done >"$jl/pages.jsonl"
umount "$WORK/small" 2>/dev/null
rm -rf "$dfdb"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1536k fihris-e2e "$WORK/small" 2>/dev/null; then
    out=$("$FIHRIS_INDEX" --jobs 1 --commit-every 1000 --db "$dfdb" "$jl" 2>&1)
    rc=$?
else
    out=$( (ulimit -f 800; "$FIHRIS_INDEX" --jobs 1 --commit-every 1000 --db "$dfdb" "$jl") 2>&1)
    rc=$?
fi
check_eq "a JSONL file cut off by a full disk exits 74" 74 "$rc"
check_eq "the index holds the file's first 1,000 pages" 1000 "$(doc_count "$dfdb")"
grow
"$FIHRIS_INDEX" --db "$dfdb" "$jl"
check_eq "with room again, the file's other pages are read" 3000 "$(doc_count "$dfdb")"
check_eq "a page from the file's end is there once" '"total_estimate":1' "$("$FIHRIS_SEARCH" --db "$dfdb" --format json word2999 | grep -o '"total_estimate":[0-9]*')"
check_eq "a page from the file's start is there once" '"total_estimate":1' "$("$FIHRIS_SEARCH" --db "$dfdb" --format json word7 | grep -o '"total_estimate":[0-9]*')"
check_contains "the run after that reads nothing" "0 new, 0 changed, 0 deleted, 3000 unchanged, 0 skipped in" "$("$FIHRIS_INDEX" -v --db "$dfdb" "$jl" 2>&1)"
check_contains "not even the file" "(0.0 MB read)" "$("$FIHRIS_INDEX" -v --db "$dfdb" "$jl" 2>&1)"

# --- A run stopped after one shard cleared its mid-run mark ----------------
# Every commit marks a shard mid-run, and the marks are cleared one shard
# after another once every shard holds the whole run. A run stopped between
# two of those clears leaves the second shard marked: the next run must read
# the JSONL files again (any shard's mark counts), then clear it.
sdb=$WORK/two-shards
"$FIHRIS_INDEX" --jobs 2 --db "$sdb" "$jl"
check_eq "two shards hold the file's 3,000 pages" 3000 "$(doc_count "$sdb")"
shard=$(grep '^auto ' "$sdb/XAPIANDB" | tail -n 1 | cut -d' ' -f2)
"$FH_SET_METADATA" "$sdb/$shard" fihris.mid-run 1
check_eq "the helper marked the last shard mid-run" 0 $?
out=$("$FIHRIS_INDEX" -v --db "$sdb" "$jl" 2>&1)
check_contains "the next run finds the pages unchanged" "0 new, 0 changed, 0 deleted, 3000 unchanged, 0 skipped in" "$out"
check_not_contains "but reads the file again" "(0.0 MB read)" "$out"
check_contains "and the run after that does not" "(0.0 MB read)" "$("$FIHRIS_INDEX" -v --db "$sdb" "$jl" 2>&1)"
check_eq "each page is there once" 3000 "$(doc_count "$sdb")"

finish
