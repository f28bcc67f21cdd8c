#!/bin/bash
# End-to-end tests of what fihris-index may touch: it refuses a folder of
# someone else's files (exit 73, nothing touched, not even a lock file),
# adopts an index of an earlier fihris, removes only the shard folders its
# marker lists, never walks its index folder as pages, merges a killed
# first build into one shard on the run that finishes it, and makes nothing
# writable by others whatever the umask.
. "$(dirname "$0")/lib.sh"
unset FIHRIS_DB

src=$WORK/src
mkdir -p "$src"
printf 'Harbour\n\nThe harbour lights were mended.\n' >"$src/a.txt"
printf 'Desert\n\nA caravan crossed the desert.\n' >"$src/b.txt"
printf 'Market\n\nThe night market opens at dusk.\n' >"$src/c.txt"
idx() { "$FIHRIS_INDEX" "$@"; }
found() { "$FIHRIS_SEARCH" --db "$1" --format json "$2" | grep -o '"total_estimate":[0-9]*'; }
# snapshot DIR: every name, type, size, time and content under DIR (and DIR's own time).
snapshot() {
    (cd "$1" && find . -printf '%p %y %s %T@\n' | sort && find . -type f -exec md5sum {} + | sort)
}
# the_marker DIR: the marker's lines after the first, sorted, joined by "|".
the_marker() { sed 1d "$1/FIHRIS" | sort | paste -sd '|'; }
listed() { sed -n 's/^auto //p' "$1/XAPIANDB" | paste -sd ' '; }
refusal() { echo "fihris-index: $1: not a fihris index and not empty: nothing in it was touched (--db takes a new or empty folder, or an index made by fihris-index)"; }

# --- A folder of the user's own files is refused, and nothing in it touched ---
w=$WORK/work
mkdir -p "$w/s1-0" "$w/s10-2"
echo x >"$w/s1-0/thesis.txt"
echo y >"$w/s9-9"
echo z >"$w/s10-2/notes.txt"
echo t >"$w/XAPIANDB.tmp-42"
before=$(snapshot "$w")
idx --db "$w" "$src" 2>"$WORK/err"
check_eq "--db on a folder of the user's files: exit 73" 73 $?
check_eq "one line naming the folder" "$(refusal "$w")" "$(cat "$WORK/err")"
check_eq "nothing in it touched (s1-0/thesis.txt, s9-9, s10-2/, no lock file)" "$before" "$(snapshot "$w")"
idx --db "$w" --dry-run -v "$src" >"$WORK/out" 2>"$WORK/err"
check_eq "--dry-run on it: exit 73" 73 $?
check_eq "--dry-run: the same line, and nothing listed" "$(refusal "$w")|" "$(cat "$WORK/err")|$(cat "$WORK/out")"
idx --db "$w" --compact 2>"$WORK/err"
check_eq "--compact on it: exit 73" 73 $?
check_eq "--compact: the same line" "$(refusal "$w")" "$(cat "$WORK/err")"
idx --db "$w" --rebuild "$src" 2>/dev/null
check_eq "--rebuild on it: exit 73" 73 $?
check_eq "and still nothing touched" "$before" "$(snapshot "$w")"
"$FIHRIS_SEARCH" --db "$w" harbour >/dev/null 2>&1
check_eq "fihris-search on it: exit 2" 2 $?

# A folder holding a stub of the user's own, and a file instead of a folder.
mkdir -p "$WORK/ownstub/s1-0"
printf 'auto s1-0\n' >"$WORK/ownstub/XAPIANDB"
before=$(snapshot "$WORK/ownstub")
idx --db "$WORK/ownstub" "$src" 2>"$WORK/err"
code=$?
check_eq "a folder with a stub fihris did not write: exit 73" "73 $(refusal "$WORK/ownstub")" "$code $(cat "$WORK/err")"
check_eq "and nothing in it touched" "$before" "$(snapshot "$WORK/ownstub")"
echo keep >"$WORK/afile"
idx --db "$WORK/afile" "$src" 2>"$WORK/err"
check_eq "--db naming a file: exit 73" \
    "73 fihris-index: $WORK/afile: not a folder: nothing was touched (--db takes the index's folder)" \
    "$? $(cat "$WORK/err")"
check_eq "the file kept" keep "$(cat "$WORK/afile")"

# --- An empty folder, a new path, a folder holding only the lock: fine -------
mkdir "$WORK/empty"
idx --db "$WORK/empty" "$src"
check_eq "an empty folder: exit 0" "0 3" "$? $(doc_count "$WORK/empty")"
idx --db "$WORK/new/deeper/db" "$src"
check_eq "a new path: exit 0" "0 3" "$? $(doc_count "$WORK/new/deeper/db")"
mkdir "$WORK/lockonly"
: >"$WORK/lockonly/fihris.lock"
idx --db "$WORK/lockonly" "$src"
check_eq "a folder holding only fihris.lock: exit 0" "0 3" "$? $(doc_count "$WORK/lockonly")"
check_eq "the marker lists the one shard in use" "shard s2-0" "$(the_marker "$WORK/empty")"
check_eq "its first line names the format" "fihris index folder 1" "$(head -n 1 "$WORK/empty/FIHRIS")"
check_eq "the stub lists it" "s2-0" "$(listed "$WORK/empty")"

# --- Inside an index: only what the marker lists is removed -----------------
db=$WORK/empty
mkdir "$db/s1-0" "$db/s9-0" "$db/s3-0"
echo x >"$db/s1-0/thesis.txt"
echo y >"$db/s9-0/notes.txt"
echo t >"$db/XAPIANDB.tmp-42"
# What a killed run left: a shard folder listed in the marker, not in the stub.
mkdir "$db/s8-0"
echo leftover >"$db/s8-0/postlist.glass"
printf 'shard s8-0\n' >>"$db/FIHRIS"
idx --db "$db" "$src"
check_eq "a run on it: exit 0" 0 $?
check_eq "the listed leftover s8-0 is removed, and unlisted" "no|shard s2-0" \
    "$([ -e "$db/s8-0" ] && echo yes || echo no)|$(the_marker "$db")"
check_eq "the user's s1-0, s9-0, s3-0 and XAPIANDB.tmp-42 are kept" "x y t" \
    "$(cat "$db/s1-0/thesis.txt") $(cat "$db/s9-0/notes.txt") $(cat "$db/XAPIANDB.tmp-42")"
idx --db "$db" --rebuild "$src"
check_eq "--rebuild: exit 0, every page" "0 3" "$? $(doc_count "$db")"
# Generation 3 is taken by the user's s3-0: the rebuild writes 4, merged into 5.
check_eq "--rebuild steps over the user's s3-0" "s5-0|shard s5-0" "$(listed "$db")|$(the_marker "$db")"
idx --db "$db" --compact
check_eq "--compact: exit 0" "0 s6-0|shard s6-0" "$? $(listed "$db")|$(the_marker "$db")"
check_eq "the user's files outlive a rebuild and a compaction" "x y t" \
    "$(cat "$db/s1-0/thesis.txt") $(cat "$db/s9-0/notes.txt") $(cat "$db/XAPIANDB.tmp-42")"
check_eq "and s3-0 is still the user's (empty) folder" "" "$(ls -A "$db/s3-0")"
check_eq "only the shard in use is fihris's" "s1-0 s3-0 s6-0 s9-0" \
    "$(find "$db" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | paste -sd ' ')"

# --- An index of an earlier fihris: its stub and shards, no marker -----------
old=$WORK/earlier
idx --jobs 2 --db "$old" "$src"
rm "$old/FIHRIS"
mkdir "$old/s1-0"
echo x >"$old/s1-0/thesis.txt"
echo y >"$old/s9-9"
"$FIHRIS_SEARCH" --db "$old" harbour >/dev/null
check_eq "an earlier fihris's index (stub lists $(listed "$old"))" "0 s2-0 s2-1" "$? $(listed "$old")"
idx --db "$old" --dry-run "$src" 2>/dev/null
check_eq "--dry-run on it: exit 0, no marker written" "0 no" "$? $([ -e "$old/FIHRIS" ] && echo yes || echo no)"
idx --db "$old" "$src"
check_eq "is adopted: exit 0" 0 $?
check_eq "the marker lists the shards its stub lists" "shard s2-0|shard s2-1" "$(the_marker "$old")"
check_eq "and nothing else is removed" "x y 3" "$(cat "$old/s1-0/thesis.txt") $(cat "$old/s9-9") $(doc_count "$old")"
rm "$old/FIHRIS"
idx --db "$old" --compact
check_eq "--compact adopts it too" "0 s3-0|shard s3-0" "$? $(listed "$old")|$(the_marker "$old")"
check_eq "keeping the user's s1-0 and s9-9" "x y 3" "$(cat "$old/s1-0/thesis.txt") $(cat "$old/s9-9") $(doc_count "$old")"

# The older layout: one glass database in the folder, made by fihris.
xapian-compact "$(shards "$old")" "$WORK/glass" >/dev/null
echo y >"$WORK/glass/s9-9"
idx --db "$WORK/glass" "$src"
check_eq "an older-layout index is taken over" "0 s1-0|shard s1-0" "$? $(listed "$WORK/glass")|$(the_marker "$WORK/glass")"
check_eq "keeping the user's s9-9" "y 3" "$(cat "$WORK/glass/s9-9") $(doc_count "$WORK/glass")"
# A glass database without fihris's settings is someone else's.
xapian-compact "$(shards "$old")" "$WORK/foreign" >/dev/null
"$FH_SET_METADATA" "$WORK/foreign" fihris.analyzer ""
before=$(snapshot "$WORK/foreign")
idx --db "$WORK/foreign" "$src" 2>"$WORK/err"
code=$?
check_eq "a glass database fihris did not make: exit 73" "73 $(refusal "$WORK/foreign")" "$code $(cat "$WORK/err")"
check_eq "and nothing in it touched" "$before" "$(snapshot "$WORK/foreign")"

# A marker fihris cannot read.
mkdir "$WORK/badmarker"
echo "my notes" >"$WORK/badmarker/FIHRIS"
idx --db "$WORK/badmarker" "$src" 2>"$WORK/err"
check_eq "a file named FIHRIS that is not a marker: exit 73" \
    "73 fihris-index: $WORK/badmarker: $WORK/badmarker/FIHRIS:1: not a marker of a fihris index; nothing in the folder was touched" \
    "$? $(cat "$WORK/err")"
check_eq "and the folder is left as it was" "FIHRIS" "$(ls -A "$WORK/badmarker")"

# --- The index folder is never walked as pages -------------------------------
s2=$WORK/src2
cp -R "$src" "$s2"
idx --db "$s2/idx" "$s2"
check_eq "an index folder inside its source: exit 0, 3 pages" "0 3" "$? $(doc_count "$s2/idx")"
printf 'Zebra\n\nA zebra note kept in the index folder.\n' >"$s2/idx/notes.txt"
out=$(idx -v --db "$s2/idx" "$s2" 2>&1)
check_eq "a page put in the index folder is not indexed" \
    "fihris-index: 0 new, 0 changed, 0 deleted, 3 unchanged, 0 skipped" "${out% in *}"
check_eq "nor found" '"total_estimate":0' "$(found "$s2/idx" zebra)"
out=$(idx -v --dry-run --db "$s2/idx" "$s2" 2>&1)
check_eq "nor listed by --dry-run" "fihris-index: would make 0 new, 0 changed, 0 deleted, 3 unchanged, 0 skipped" \
    "${out% in *}"

s3=$WORK/src3
cp -R "$src" "$s3"
printf 'Hidden\n\nA hidden page.\n' >"$s3/.hidden.txt"
(cd "$s3" && "$FIHRIS_INDEX" --hidden .)
check_eq "--hidden with the default ./.fihris: exit 0, 4 pages" "0 4" "$? $(doc_count "$s3/.fihris")"
printf 'Zebra\n\nA zebra note kept in the index folder.\n' >"$s3/.fihris/notes.txt"
out=$(cd "$s3" && "$FIHRIS_INDEX" -v --hidden . 2>&1)
check_eq "--hidden does not walk ./.fihris" \
    "fihris-index: 0 new, 0 changed, 0 deleted, 4 unchanged, 0 skipped" "${out% in *}"
check_eq "its page is not found" '"total_estimate":0' "$(found "$s3/.fihris" zebra)"

s4=$WORK/src4
cp -R "$src" "$s4"
idx --db "$WORK/idx4" "$s4"
printf 'Zebra\n\nA zebra note kept in the index folder.\n' >"$WORK/idx4/notes.txt"
ln -s "$WORK/idx4" "$s4/linked"
out=$(idx -v --follow --db "$WORK/idx4" "$s4" 2>&1)
check_eq "--follow: a link to the index folder is not walked either" \
    "fihris-index: 0 new, 0 changed, 0 deleted, 3 unchanged, 0 skipped" "${out% in *}"

# --- A killed first build is merged into one shard by the run that ends it ---
big=$WORK/big
mkdir "$big"
pages=20000
awk -v dir="$big" -v n="$pages" 'BEGIN {
    for (i = 1; i <= n; i++) {
        f = dir "/p" i ".txt"
        printf "Page %d\n\nuniq%d common text about item %d, with more words to index.\n", i, i, i > f
        close(f)
    }
}'
kdb=$WORK/killed
"$FIHRIS_INDEX" --db "$kdb" --commit-every 100 "$big" 2>/dev/null &
pid=$!
# committed_any: whether a shard of the first build has committed.
committed_any() {
    local s
    for s in "$kdb"/s1-*; do
        # (xapian-metadata prints its errors on stdout.)
        case $(xapian-metadata get "$s" fihris.committed-documents 2>/dev/null) in
        [0-9]*) return 0 ;;
        esac
    done
    return 1
}
while kill -0 "$pid" 2>/dev/null && ! committed_any; do sleep 0.01; done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check_eq "the first build is killed after its first commit" 137 $?
n=$(listed "$kdb" | wc -w)
cores=$(getconf _NPROCESSORS_ONLN)
check_eq "it is left with a shard per core ($n)" "$cores" "$n"
check_eq "the marker says it is not merged yet" "unmerged 1" "$(grep '^unmerged' "$kdb/FIHRIS")"
idx --db "$kdb" "$big"
check_eq "the next run finishes it: exit 0" 0 $?
check_eq "and merges it into one shard" "shards          1 (0 remote)" \
    "$("$FIHRIS_SEARCH" --db "$kdb" --stats | grep '^shards')"
check_eq "every page is there" "$pages $pages" "$(doc_count "$kdb") $(committed "$kdb")"
check_eq "every page is found" '"total_estimate":20000' "$(found "$kdb" common)"
check_eq "each once" '"total_estimate":1 "total_estimate":1' "$(found "$kdb" uniq1) $(found "$kdb" uniq19999)"
check_eq "the marker lists the one shard, and no unmerged build" "shard s2-0" "$(the_marker "$kdb")"
check_eq "no other shard folder is left" "s2-0" \
    "$(find "$kdb" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | paste -sd ' ')"

# With --jobs, a first build keeps its shards: nothing to merge.
idx --jobs 3 --db "$WORK/three" "$src"
check_eq "--jobs 3: three shards, none marked unmerged" "shard s2-0|shard s2-1|shard s2-2" "$(the_marker "$WORK/three")"

# --- Permissions: the umask, but never writable by others -----------------------
# The index holds the text of every page. Everything fihris-index and Xapian
# make follows the umask, less o+w: under umask 000 nothing is world-writable.
(umask 000 && idx --jobs 2 --db "$WORK/perm/index" "$src" && idx --compact --db "$WORK/perm/index")
check_eq "a build and a --compact under umask 000" 0 $?
check_eq "nothing they made is writable by others" "" \
    "$(find "$WORK/perm" -perm -o+w -printf '%m %P\n')"
check_eq "the rest follows the umask: group-writable, readable by all" "775 664" \
    "$(stat -c %a "$WORK/perm/index") $(stat -c %a "$WORK/perm/index/XAPIANDB")"
(umask 027 && idx --jobs 2 --db "$WORK/private" "$src")
check_eq "under umask 027 (the README's advice), nothing for others at all" "" \
    "$(find "$WORK/private" -perm /o+rwx -printf '%m %P\n')"
check_eq "…and the group may read" "750 640" \
    "$(stat -c %a "$WORK/private") $(stat -c %a "$WORK/private/XAPIANDB")"

finish
