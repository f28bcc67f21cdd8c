#!/bin/bash
# End-to-end tests of what keeps fihris-index from deleting documents it
# should keep: files and folders that cannot be read keep theirs, the
# deletion guard (--max-delete) holds back a run that would empty a source,
# and --forget removes a source on purpose; fihris-search --stats lists the
# sources. Each check asserts exact counts, exit codes and message lines.
. "$(dirname "$0")/lib.sh"

# counts OUTPUT: the counts of the summary line in OUTPUT.
counts() { echo "$1" | grep -o '[0-9]* new, [0-9]* changed, [0-9]* deleted, [0-9]* unchanged, [0-9]* skipped'; }
# found DB WORD: the exit code of a search for WORD (0 found, 1 not).
found() {
    "$FIHRIS_SEARCH" --db "$1" "$2" >/dev/null 2>&1
    echo $?
}
# sources DB: the "source" lines of --stats.
sources() { "$FIHRIS_SEARCH" --db "$1" --stats | grep '^source '; }

# --- A folder that cannot be read keeps its documents ----------------------
if [ "$can_drop" -eq 1 ]; then
    r=$WORK/read
    rdb=$WORK/rdb
    mkdir -p "$r/pages/a" "$r/pages/b/deep"
    page "$r/pages/a/a1.txt" "Apple one" "apricot alpha"
    page "$r/pages/a/a2.txt" "Apple two" "apricot beta"
    page "$r/pages/b/b1.txt" "Banana one" "blueberry gamma"
    page "$r/pages/b/b2.txt" "Banana two" "blueberry delta"
    page "$r/pages/b/deep/b3.txt" "Banana three" "blueberry epsilon"
    printf '%s\n' '{"id":"j1","title":"Jar one","text":"juniper one"}' \
        '{"id":"j2","title":"Jar two","text":"juniper two"}' >"$r/pages/a/jar.jsonl"
    chmod -R a+rwX "$r"
    chmod 777 "$WORK"
    ridx() { as_user "$FIHRIS_INDEX" --db "$rdb" "$@" 2>&1; }
    out=$(ridx -v "$r/pages")
    check_eq "read errors: the first run" "7 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped" "$(counts "$out")"

    chmod 000 "$r/pages/b"
    out=$(ridx -v "$r/pages")
    check_eq "an unreadable folder: exit 0" 0 $?
    check_eq "…one warning naming it and the reason, then the summary" \
        "fihris-index: $r/pages/b: cannot read: Permission denied" "$(echo "$out" | grep -v ' new, ')"
    check_eq "…and nothing deleted" "0 new, 0 changed, 0 deleted, 4 unchanged, 0 skipped" "$(counts "$out")"
    check_eq "…its 3 documents are kept" 7 "$(as_user "$FIHRIS_SEARCH" --db "$rdb" --stats --format json | sed -n 's/^{"documents":\([0-9]*\).*/\1/p')"
    check_eq "…and found" 0 "$(as_user "$FIHRIS_SEARCH" --db "$rdb" epsilon >/dev/null 2>&1; echo $?)"
    out=$(ridx --dry-run "$r/pages")
    check_eq "a dry run: exit 0" 0 $?
    check_eq "…counts no deletion" "fihris-index: $r/pages/b: cannot read: Permission denied
fihris-index: would make 0 new, 0 changed, 0 deleted, 4 unchanged, 0 skipped" \
        "$(echo "$out" | sed 's/ in [0-9.]* s.*//')"

    # A file gone meanwhile still goes, next to the unreadable folder.
    rm "$r/pages/a/a2.txt"
    out=$(ridx -v "$r/pages")
    check_eq "a file gone beside an unreadable folder: 1 deleted" \
        "0 new, 0 changed, 1 deleted, 3 unchanged, 0 skipped" "$(counts "$out")"
    check_eq "…exit 0" 0 "$(ridx "$r/pages" >/dev/null; echo $?)"

    # A folder that can be listed but not entered: each file is unread.
    chmod 644 "$r/pages/b"
    out=$(ridx -v "$r/pages")
    check_eq "a folder that cannot be entered: exit 0" 0 $?
    check_eq "…each file named once" 3 "$(echo "$out" | grep -c ': cannot read: Permission denied$')"
    check_eq "…nothing deleted" "0 new, 0 changed, 0 deleted, 3 unchanged, 0 skipped" "$(counts "$out")"
    chmod 000 "$r/pages/b"

    # A file that cannot be read keeps its documents too (a JSONL file).
    touch -d '2001-01-01' "$r/pages/a/jar.jsonl"
    chmod 000 "$r/pages/a/jar.jsonl"
    out=$(ridx -v "$r/pages")
    check_eq "an unreadable JSONL file: exit 0" 0 $?
    check_contains "…named with the reason" "fihris-index: $r/pages/a/jar.jsonl: cannot read: Permission denied" "$out"
    check_eq "…its 2 documents kept" "0 new, 0 changed, 0 deleted, 1 unchanged, 1 skipped" "$(counts "$out")"
    check_eq "…and found" 0 "$(as_user "$FIHRIS_SEARCH" --db "$rdb" juniper >/dev/null 2>&1; echo $?)"

    # Nothing at all can be read: exit 66, the index as it was.
    out=$(ridx "$r/pages/b")
    check_eq "the only source unreadable: exit 66" 66 $?
    check_eq "…said" "fihris-index: $r/pages/b: cannot read: Permission denied
fihris-index: no SOURCE could be read; the index is left as it was" "$out"
    out=$(ridx "$r/pages/b/b1.txt" "$r/pages/a/jar.jsonl")
    check_eq "every source unreadable (a file in a closed folder, a closed file): exit 66" 66 $?
    check_eq "…each named" "fihris-index: $r/pages/b/b1.txt: cannot read: Permission denied
fihris-index: $r/pages/a/jar.jsonl: cannot read: Permission denied
fihris-index: no SOURCE could be read; the index is left as it was" "$out"
    out=$(ridx -v "$r/pages/b/b1.txt" "$r/pages/a")
    check_eq "one source readable: exit 0" 0 $?
    check_eq "…the other one's document kept" "0 new, 0 changed, 0 deleted, 1 unchanged, 1 skipped" "$(counts "$out")"
    check_eq "all 6 documents still there" 6 "$(as_user "$FIHRIS_SEARCH" --db "$rdb" --stats --format json | sed -n 's/^{"documents":\([0-9]*\).*/\1/p')"
    chmod 755 "$r/pages/b"
    chmod 644 "$r/pages/a/jar.jsonl"
else
    skip "read errors: running as root without setpriv"
fi

# --- The deletion guard -----------------------------------------------------
g=$WORK/guard
gdb=$WORK/gdb
mkdir -p "$g/src"
for w in one two three four; do page "$g/src/$w.txt" "Page $w" "guard word$w"; done
gidx() { "$FIHRIS_INDEX" --db "$gdb" "$@" 2>&1; }
out=$(gidx -v "$g/src")
check_eq "guard: 4 pages indexed" "4 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped" "$(counts "$out")"

held="fihris-index: $g/src: 3 of the 4 documents under it would be deleted, more than half: nothing was deleted (if they are gone for good, run again with --max-delete 3; to drop the source, fihris-index --forget $g/src)"
mv "$g/src/two.txt" "$g/src/three.txt" "$g/src/four.txt" "$g/"
page "$g/src/five.txt" "Page five" "guard wordfive"
out=$(gidx --dry-run "$g/src")
check_eq "3 of 4 gone, --dry-run: exit 65" 65 $?
check_eq "…says what the guard would do" "$held
fihris-index: would make 1 new, 0 changed, 0 deleted, 1 unchanged, 0 skipped" "$(echo "$out" | sed 's/ in [0-9.]* s.*//')"
out=$(gidx -v "$g/src")
check_eq "3 of 4 gone: exit 65" 65 $?
check_eq "…one line saying why and how to go on, then the summary" "$held
fihris-index: 1 new, 0 changed, 0 deleted, 1 unchanged, 0 skipped" "$(echo "$out" | sed 's/ in [0-9.]* s.*//')"
check_eq "…nothing deleted, the new page added: 5 documents" 5 "$(doc_count "$gdb")"
check_eq "…a page whose file went is still found" 0 "$(found "$gdb" wordfour)"
check_eq "…the new page is found" 0 "$(found "$gdb" wordfive)"
# Five documents now, three of them gone (60%).
held="fihris-index: $g/src: 3 of the 5 documents under it would be deleted, more than half: nothing was deleted (if they are gone for good, run again with --max-delete 3; to drop the source, fihris-index --forget $g/src)"
out=$(gidx -q "$g/src")
check_eq "under -q: exit 65" 65 $?
check_eq "…only the guard's line" "$held" "$out"
out=$(gidx --max-delete 2 "$g/src")
check_eq "--max-delete 2: exit 65" 65 $?
check_eq "…said with the bound" "fihris-index: $g/src: 3 of the 5 documents under it would be deleted, more than --max-delete 2 allows: nothing was deleted (if they are gone for good, run again with --max-delete 3; to drop the source, fihris-index --forget $g/src)" "$out"
out=$(gidx --max-delete 59% "$g/src")
check_eq "--max-delete 59%: exit 65" 65 $?
check_contains "…said with the bound" "3 of the 5 documents under it would be deleted, more than --max-delete 59% allows: nothing was deleted" "$out"
out=$(gidx --max-delete 0 "$g/src")
check_eq "--max-delete 0: exit 65" 65 $?
check_contains "…said the same way" "$g/src: 3 of the 5 documents under it would be deleted, more than --max-delete 0 allows: nothing was deleted" "$out"
check_eq "…still 5 documents" 5 "$(doc_count "$gdb")"
out=$(gidx -v --no-delete "$g/src")
check_eq "--no-delete: exit 0, nothing deleted" "0:0 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped" "$?:$(counts "$out")"
out=$(gidx -v --max-delete 60% "$g/src")
check_eq "--max-delete 60%: exit 0, 3 deleted" "0:0 new, 0 changed, 3 deleted, 2 unchanged, 0 skipped" "$?:$(counts "$out")"
check_eq "…2 documents left" 2 "$(doc_count "$gdb")"
check_eq "…a page whose file went is no longer found" 1 "$(found "$gdb" wordfour)"

mv "$g/two.txt" "$g/three.txt" "$g/four.txt" "$g/src/"
page "$g/src/six.txt" "Page six" "guard wordsix"
out=$(gidx -v "$g/src")
check_eq "3 back and 1 more: 4 new" "4 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped" "$(counts "$out")"
mv "$g/src/four.txt" "$g/src/five.txt" "$g/src/six.txt" "$g/"
out=$(gidx -v "$g/src")
check_eq "exactly half gone: allowed (exit 0), 3 deleted" "0:0 new, 0 changed, 3 deleted, 3 unchanged, 0 skipped" "$?:$(counts "$out")"
mv "$g/src/three.txt" "$g/"
out=$(gidx -v --max-delete 1 "$g/src")
check_eq "--max-delete 1, 1 gone: exit 0, 1 deleted" "0:0 new, 0 changed, 1 deleted, 2 unchanged, 0 skipped" "$?:$(counts "$out")"
mv "$g/src/two.txt" "$g/"
out=$(gidx -v --max-delete 0 "$g/src")
check_eq "--max-delete 0, 1 gone of 2: exit 65" 65 $?
check_eq "…nothing deleted" "0 new, 0 changed, 0 deleted, 1 unchanged, 0 skipped" "$(counts "$out")"
mv "$g/two.txt" "$g/src/"
out=$(gidx -v --max-delete 0 "$g/src")
check_eq "--max-delete 0 with nothing to delete: exit 0" "0:0 new, 0 changed, 0 deleted, 2 unchanged, 0 skipped" "$?:$(counts "$out")"

for bad in abc 101% -1 5x ""; do
    out=$(gidx --max-delete "$bad" "$g/src")
    check_eq "--max-delete '$bad': exit 64" 64 $?
done
check_contains "…said" "--max-delete takes a number of documents or a percentage (30, 10%): abc" "$(gidx --max-delete abc "$g/src")"

# An unmounted mount point: the folder is there, empty.
m=$WORK/mnt
mdb=$WORK/mdb
mkdir -p "$m/disk/sub" "$WORK/other"
page "$m/disk/m1.txt" "Mount one" "mango one"
page "$m/disk/m2.txt" "Mount two" "mango two"
page "$m/disk/sub/m3.txt" "Mount three" "mango three"
page "$WORK/other/o1.txt" "Other one" "olive one"
page "$WORK/other/o2.txt" "Other two" "olive two"
"$FIHRIS_INDEX" --db "$mdb" "$m/disk" "$WORK/other"
mv "$m/disk" "$m/away"
mkdir "$m/disk"
rm "$WORK/other/o2.txt"
out=$("$FIHRIS_INDEX" --db "$mdb" "$m/disk" "$WORK/other" 2>&1)
check_eq "an empty mount point: exit 65" 65 $?
check_eq "…one line for it" "fihris-index: $m/disk: 3 of the 3 documents under it would be deleted, more than half: nothing was deleted (if they are gone for good, run again with --max-delete 3; to drop the source, fihris-index --forget $m/disk)" "$out"
check_eq "…no document deleted, not even of the other source: 5" 5 "$(doc_count "$mdb")"
check_eq "…its pages still found" 0 "$(found "$mdb" mango)"
rmdir "$m/disk"
out=$("$FIHRIS_INDEX" --db "$mdb" "$m/disk" "$WORK/other" 2>&1)
check_eq "a source removed: exit 65" 65 $?
check_eq "…said so" "fihris-index: $m/disk: no such file or folder; 3 of the 3 documents under it would be deleted, more than half: nothing was deleted (if they are gone for good, run again with --max-delete 3; to drop the source, fihris-index --forget $m/disk)" "$out"
check_eq "…still 5 documents" 5 "$(doc_count "$mdb")"
out=$("$FIHRIS_INDEX" --db "$mdb" --dry-run "$m/disk" 2>&1)
check_eq "…the same with --dry-run" "65:fihris-index: $m/disk: no such file or folder; 3 of the 3 documents under it would be deleted, more than half: nothing was deleted (if they are gone for good, run again with --max-delete 3; to drop the source, fihris-index --forget $m/disk)
fihris-index: would make 0 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped" "$?:$(echo "$out" | sed 's/ in [0-9.]* s.*//')"
out=$("$FIHRIS_INDEX" --db "$mdb" -v --max-delete 100% "$m/disk" "$WORK/other" 2>&1)
check_eq "…--max-delete 100% deletes them: exit 0" "0:0 new, 0 changed, 4 deleted, 1 unchanged, 0 skipped" "$?:$(counts "$out")"
check_eq "…1 document left" 1 "$(doc_count "$mdb")"

# A missing source the index holds nothing of stays "no input".
out=$("$FIHRIS_INDEX" --db "$mdb" "$WORK/nothing" "$WORK/other" 2>&1)
check_eq "a missing source the index never held: exit 66" "66:fihris-index: $WORK/nothing: no such file or folder" "$?:$out"
out=$("$FIHRIS_INDEX" --db "$WORK/newdb" "$WORK/nothing" 2>&1)
check_eq "…for a new index too" "66:fihris-index: $WORK/nothing: no such file or folder" "$?:$out"
check_eq "…which is not made" no "$([ -e "$WORK/newdb" ] && echo yes || echo no)"
out=$("$FIHRIS_INDEX" --db "$mdb" --rebuild "$m/disk" "$WORK/other" 2>&1)
check_eq "…and for --rebuild" "66:fihris-index: $m/disk: no such file or folder" "$?:$out"
check_eq "…the index as it was" 1 "$(doc_count "$mdb")"

# --- Removing a source on purpose: --forget -------------------------------
f=$WORK/forget
fdb=$WORK/fdb
mkdir -p "$f/a/sub" "$f/b"
page "$f/a/a1.txt" "Fig one" "fennel one"
page "$f/a/sub/a2.txt" "Fig two" "fennel sprout"
page "$f/b/b1.txt" "Grape one" "ginger one"
printf '%s\n' '{"id":"1","title":"Grape two","text":"ginger two"}' \
    '{"id":"2","title":"Grape three","text":"ginger three"}' >"$f/b/g.jsonl"
: >"$f/b/empty.txt"
out=$("$FIHRIS_INDEX" --db "$fdb" "$f/a" "$f/b" 2>&1)
check_eq "forget: two sources indexed (an empty file said)" "fihris-index: $f/b/empty.txt: skipped: empty file" "$out"
check_eq "--stats lists both sources with their documents" "source          $f/a (2 documents)
source          $f/b (3 documents)" "$(sources "$fdb")"
check_contains "…and in JSON" "\"sources\":[{\"path\":\"$f/a\",\"documents\":2},{\"path\":\"$f/b\",\"documents\":3}]}" \
    "$("$FIHRIS_SEARCH" --db "$fdb" --stats --format json)"

# A source left off the command line stays until forgotten.
"$FIHRIS_INDEX" --db "$fdb" "$f/a"
check_eq "a source left off the command line stays" 0 "$(found "$fdb" ginger)"
out=$(cd "$f" && "$FIHRIS_INDEX" --db "$fdb" --forget --dry-run -v ./b/ 2>&1)
check_eq "--forget --dry-run -v: exit 0" 0 $?
check_eq "…lists what would go" "deleted $f/b/b1.txt
deleted $f/b/g.jsonl#1
deleted $f/b/g.jsonl#2
fihris-index: would make 0 new, 0 changed, 3 deleted, 0 unchanged, 0 skipped" "$(echo "$out" | sed 's/ in [0-9.]* s.*//' | LC_ALL=C sort)"
check_eq "…and removes nothing" 5 "$(doc_count "$fdb")"
out=$(cd "$f" && "$FIHRIS_INDEX" --db "$fdb" --forget ./b/ 2>&1)
check_eq "--forget ./b/: exit 0" 0 $?
check_eq "…with a summary" "fihris-index: 0 new, 0 changed, 3 deleted, 0 unchanged, 0 skipped" "$(echo "$out" | sed 's/ in [0-9.]* s.*//')"
check_eq "…its pages are not found" 1 "$(found "$fdb" ginger)"
check_eq "…the others are" 0 "$(found "$fdb" fennel)"
check_eq "…2 documents left" 2 "$(doc_count "$fdb")"
check_eq "…and --stats lists one source" "source          $f/a (2 documents)" "$(sources "$fdb")"
out=$("$FIHRIS_INDEX" --db "$fdb" "$f/a" "$f/b" 2>&1)
check_eq "what it remembered goes too: the empty file is said again" "fihris-index: $f/b/empty.txt: skipped: empty file" "$out"

# A prefix inside a source, and files that no longer exist.
out=$("$FIHRIS_INDEX" --db "$fdb" -q --forget "$f/a/sub" 2>&1)
check_eq "--forget a folder inside a source, -q: exit 0, silent" "0:" "$?:$out"
check_eq "…its page went" 1 "$(found "$fdb" sprout)"
check_eq "…the source stays listed" "source          $f/a (1 document)
source          $f/b (3 documents)" "$(sources "$fdb")"
rm -r "$f/b"
out=$("$FIHRIS_INDEX" --db "$fdb" --forget "$f/b" 2>&1)
check_eq "--forget a source that is gone: exit 0, 3 deleted" "0:fihris-index: 0 new, 0 changed, 3 deleted, 0 unchanged, 0 skipped" "$?:$(echo "$out" | sed 's/ in [0-9.]* s.*//')"
check_eq "…1 document left" 1 "$(doc_count "$fdb")"
out=$("$FIHRIS_INDEX" --db "$fdb" -v "$f/a" 2>&1)
check_eq "the next run of the source takes back what is still there" "0:1 new, 0 changed, 0 deleted, 1 unchanged, 0 skipped" "$?:$(counts "$out")"
out=$("$FIHRIS_INDEX" --db "$fdb" --forget "$f/none" 2>&1)
check_eq "--forget what the index never held: exit 0, said" "0:fihris-index: $f/none: the index holds nothing under it
fihris-index: 0 new, 0 changed, 0 deleted, 0 unchanged, 0 skipped" "$?:$(echo "$out" | sed 's/ in [0-9.]* s.*//')"

out=$("$FIHRIS_INDEX" --db "$WORK/nodb" --forget "$f/a" 2>&1)
check_eq "--forget without an index: exit 66" "66:fihris-index: $WORK/nodb: no index here to forget from" "$?:$out"
check_eq "…and makes none" no "$([ -e "$WORK/nodb" ] && echo yes || echo no)"
out=$("$FIHRIS_INDEX" --db "$fdb" --forget 2>&1)
check_eq "--forget without SOURCE: exit 64" 64 $?
out=$("$FIHRIS_INDEX" --db "$fdb" --forget --rebuild "$f/a" 2>&1)
check_eq "--forget --rebuild: exit 64" 64 $?

# --rebuild keeps only its own sources.
mkdir -p "$f/c"
page "$f/c/c1.txt" "Kiwi" "kale"
"$FIHRIS_INDEX" --db "$fdb" "$f/c"
check_eq "each run adds its sources" "source          $f/a (2 documents)
source          $f/c (1 document)" "$(sources "$fdb")"
"$FIHRIS_INDEX" --db "$fdb" --rebuild "$f/c"
check_eq "--rebuild lists only its own" "source          $f/c (1 document)" "$(sources "$fdb")"

finish
