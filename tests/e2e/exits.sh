#!/bin/bash
# End-to-end tests of fihris-index's exit codes and what it says with them,
# --wait, the counts of --dry-run against the real run, and warnings said
# once. (Exit 65, the deletion guard, and 73 for a folder that is not a
# fihris index are tested in guard.sh and safety.sh.)
. "$(dirname "$0")/lib.sh"

counts() { grep -o '[0-9]* new, [0-9]* changed, [0-9]* deleted, [0-9]* unchanged, [0-9]* skipped'; }

# --- --dry-run counts what the real run does, exactly ------------------------
# Each scenario: a change to the files, then --dry-run and the real run with
# the same options; their five counts must be equal, and equal to the
# expected ones.
src=$WORK/counts
db=$WORK/counts-db
mkdir -p "$src"
dry_then_real() { # NAME EXPECTED OPTIONS...
    local name=$1 want=$2 dry real
    shift 2
    dry=$("$FIHRIS_INDEX" --db "$db" --dry-run "$@" "$src" 2>&1 | counts)
    real=$("$FIHRIS_INDEX" --db "$db" --verbose "$@" "$src" 2>&1 | counts)
    check_eq "$name: --dry-run" "$want" "$dry"
    check_eq "$name: the real run" "$want" "$real"
}
page "$src/a.txt" "Alpha" "alpha words"
page "$src/b.txt" "Beta" "beta words"
page "$src/c.txt" "Gamma" "gamma words"
{
    for i in $(seq 1 5); do printf '{"id":"%d","title":"J%d","text":"jsonl page %d"}\n' "$i" "$i" "$i"; done
    printf '{"id":"2","title":"J2 again","text":"jsonl page two again"}\n'
} >"$src/pages.jsonl"
printf 'Bin\n\n\0\1' >"$src/bin.txt"
head -c 3000 /dev/zero | tr '\0' x >"$src/big.txt"
dry_then_real "new files, a JSONL id twice, a binary and a big file" \
    "8 new, 0 changed, 0 deleted, 0 unchanged, 2 skipped" --max-file-size 2K
check_eq "the JSONL id met twice is one document" 8 "$(doc_count "$db")"
dry_then_real "nothing changed" "0 new, 0 changed, 0 deleted, 8 unchanged, 2 skipped" --max-file-size 2K
touch -d '2001-02-03' "$src/a.txt" "$src/pages.jsonl"
dry_then_real "touched files (same content, new time)" \
    "0 new, 0 changed, 0 deleted, 8 unchanged, 2 skipped" --max-file-size 2K
page "$src/b.txt" "Beta" "beta words changed"
sed -i 's/jsonl page 3/jsonl page three/' "$src/pages.jsonl"
dry_then_real "a changed file and a changed JSONL line" \
    "0 new, 2 changed, 0 deleted, 6 unchanged, 2 skipped" --max-file-size 2K
rm "$src/c.txt"
dry_then_real "a deleted file" "0 new, 0 changed, 1 deleted, 7 unchanged, 2 skipped" --max-file-size 2K
dry_then_real "a larger --max-file-size admits the big file" \
    "1 new, 0 changed, 0 deleted, 7 unchanged, 1 skipped"
page "$src/bin.txt" "Bin" "no longer binary"
dry_then_real "the binary file mended" "1 new, 0 changed, 0 deleted, 8 unchanged, 0 skipped"
check_contains "the page of the id's last line is the one kept" '"title":"J2 again"' \
    "$("$FIHRIS_SEARCH" --db "$db" --format json again)"

# --- Warnings said once, remembered while their cause stays ----------------
w=$WORK/warn
wdb=$WORK/warn-db
mkdir -p "$w/deep"
page "$w/deep/x.txt" "Deep" "deepword"
ln -s .. "$w/deep/loop"
head -c 3000 /dev/zero | tr '\0' y >"$w/big.txt"
out=$("$FIHRIS_INDEX" --db "$wdb" --follow --max-file-size 1K "$w" 2>&1)
check_contains "--follow: the loop said on the first run" "deep/loop: folder already visited (symbolic link loop?)" "$out"
check_contains "the big file said on the first run" "big.txt: skipped: 3000 bytes is over --max-file-size (1024)" "$out"
check_eq "the second run says neither" "" "$("$FIHRIS_INDEX" --db "$wdb" --follow --max-file-size 1K "$w" 2>&1)"
check_eq "nor does its --dry-run" "fihris-index: would make 0 new, 0 changed, 0 deleted, 1 unchanged, 1 skipped" \
    "$("$FIHRIS_INDEX" --db "$wdb" --dry-run --follow --max-file-size 1K "$w" 2>&1 | sed 's/ in [0-9.]* s .*//')"
out=$("$FIHRIS_INDEX" --db "$wdb" --verbose --follow "$w" 2>&1)
check_contains "with the default limit, the big file is indexed" "1 new, 0 changed, 0 deleted, 1 unchanged, 0 skipped" "$out"
check_eq "…and held" 2 "$(doc_count "$wdb")"
rm "$w/deep/loop"
"$FIHRIS_INDEX" --db "$wdb" --follow "$w" >/dev/null 2>&1
ln -s .. "$w/deep/loop"
check_contains "a loop gone and back is said again" "deep/loop: folder already visited" \
    "$("$FIHRIS_INDEX" --db "$wdb" --follow "$w" 2>&1)"

# --- 0 and 64 ---------------------------------------------------------------
x=$WORK/x
xdb=$WORK/x-db
mkdir -p "$x"
page "$x/a.txt" "Alpha" "alpha"
"$FIHRIS_INDEX" --db "$xdb" "$x"
check_eq "an index made: exit 0" 0 $?
out=$("$FIHRIS_INDEX" --db "$xdb" --wait=soon "$x" 2>&1)
check_eq "--wait=soon: exit 64" 64 $?
check_contains "…saying what --wait takes" "fihris-index: --wait takes a number of seconds (--wait=60): soon" "$out"
# A glob fnmatch would read otherwise than written: said, exit 64, nothing done.
for case in "[|a [ is not closed (write \\[ for the character itself)" \
    "*.tx\\|a lone \\ ends the pattern (write \\\\ for the character itself)" \
    "[[:word:]]|a [:class:] names no class (alnum, alpha, digit, space, ...)" \
    "|an empty pattern matches nothing"; do
    glob=${case%%|*}
    out=$("$FIHRIS_INDEX" --db "$WORK/glob-db" --exclude "$glob" "$x" 2>&1)
    check_eq "--exclude '$glob': exit 64" 64 $?
    check_eq "…saying why" "fihris-index: --exclude '$glob': ${case#*|}" "$(echo "$out" | head -1)"
done
check_eq "…and no index made" "no" "$([ -e "$WORK/glob-db" ] && echo yes || echo no)"
for glob in '[ab].txt' '\[draft\]*' '[]x]' '[!a]*' '[[:digit:]]*'; do
    "$FIHRIS_INDEX" --db "$WORK/glob-ok" --dry-run --exclude "$glob" "$x" >/dev/null 2>&1
    check_eq "--exclude '$glob' is taken" 0 $?
done
help=$("$FIHRIS_INDEX" --help)
for code in "0  the index is up to date" "64 usage" "65 the deletion guard held" "66 no input" \
    "73 the index cannot be created or opened" "74 input/output error" "75 another indexer"; do
    check_contains "--help lists exit ${code%% *}" "$code" "$help"
done
check_contains "--help says bare --wait may wait forever" "bare --wait waits as" "$help"

# --- 66 -------------------------------------------------------------------
out=$("$FIHRIS_INDEX" --db "$xdb" "$WORK/no-such" 2>&1)
check_eq "a missing source: exit 66" 66 $?
check_contains "…named" "no-such: no such file or folder" "$out"
out=$("$FIHRIS_INDEX" --db "$WORK/no-index" --compact 2>&1)
check_eq "--compact with no index: exit 66" 66 $?
check_eq "…said" "fihris-index: $WORK/no-index: no index here to compact" "$out"

# --- fihris-search: exit 2 on no index, with the path -----------------------
out=$("$FIHRIS_SEARCH" --db "$WORK/never-made" alpha 2>&1)
check_eq "fihris-search on a path with no index: exit 2" 2 $?
check_eq "…said with the path and what makes one" \
    "fihris-search: $WORK/never-made: no index here (fihris-index --db $WORK/never-made SOURCE... makes one)" "$out"
mkdir -p "$WORK/empty-folder"
out=$("$FIHRIS_SEARCH" --db "$WORK/empty-folder" --stats 2>&1)
check_eq "fihris-search --stats on an empty folder: exit 2" 2 $?
check_eq "…said the same way" \
    "fihris-search: $WORK/empty-folder: no index here (fihris-index --db $WORK/empty-folder SOURCE... makes one)" "$out"

# --- 73 -------------------------------------------------------------------
cp -r "$xdb" "$WORK/damaged"
for f in "$WORK"/damaged/*/postlist.glass; do truncate -s 100 "$f"; done
out=$("$FIHRIS_INDEX" --db "$WORK/damaged" "$x" 2>&1)
check_eq "a shard with a truncated postlist.glass: exit 73" 73 $?
check_contains "…naming the shard" "damaged/s" "$out"
check_contains "…and saying --rebuild mends it" "cannot open the index: DatabaseError: EOF reading block" "$out"
check_contains "…with --rebuild" "--rebuild makes it anew from the pages" "$out"
out=$("$FIHRIS_INDEX" --db "$WORK/damaged" --dry-run "$x" 2>&1)
check_eq "its --dry-run: exit 73 too" 73 $?
"$FIHRIS_INDEX" --db "$WORK/damaged" --rebuild "$x" 2>/dev/null
check_eq "--rebuild mends it" 1 "$(doc_count "$WORK/damaged")"
page "$WORK/plain" "x" "y"
out=$("$FIHRIS_INDEX" --db "$WORK/plain/db" "$x" 2>&1)
check_eq "an index that cannot be created: exit 73" 73 $?
check_eq "…said with the reason" "fihris-index: $WORK/plain/db: cannot create the index: Not a directory" "$out"

if [ "$can_drop" -eq 1 ]; then
    perm=$WORK/perm
    mkdir -p "$perm"
    cp -r "$xdb" "$perm/db"
    chmod 755 "$WORK" "$perm"
    chmod -R a+rX "$perm/db"
    chmod 755 "$perm/db"
    out=$(as_user "$FIHRIS_INDEX" --db "$perm/db" "$x" 2>&1)
    check_eq "an index the user may not write: exit 73" 73 $?
    check_eq "…said with the path and the reason" \
        "fihris-index: $perm/db: cannot write the index: Permission denied (run as a user who may write it, or change its permissions)" "$out"
    chmod 700 "$perm/db"
    out=$(as_user "$FIHRIS_INDEX" --db "$perm/db" "$x" 2>&1)
    check_eq "an index the user may not read: exit 73" 73 $?
    check_eq "…said with the path and the reason" \
        "fihris-index: $perm/db: cannot read the index: Permission denied (run as a user who may read it, or change its permissions)" "$out"
    out=$(as_user "$FIHRIS_INDEX" --db "$perm/db" --dry-run "$x" 2>&1)
    check_eq "its --dry-run: exit 73" 73 $?
    check_eq "…said" "fihris-index: $perm/db: cannot read the index: Permission denied" "$out"
    out=$(as_user "$FIHRIS_SEARCH" --db "$perm/db" alpha 2>&1)
    check_eq "fihris-search on an index it may not read: exit 2" 2 $?
    check_eq "…said with the path and the reason" "fihris-search: $perm/db: cannot read the index: Permission denied" "$out"
    out=$(as_user "$FIHRIS_SEARCH" --db "$perm/db" --stats 2>&1)
    check_eq "fihris-search --stats on it: exit 2" 2 $?
    check_eq "…said the same way" "fihris-search: $perm/db: cannot read the index: Permission denied" "$out"
    chmod 755 "$perm/db"
else
    skip "the permission cases: running as root without setpriv"
fi

# --- 74 -------------------------------------------------------------------
# A file size limit of 8 KB: the first block Xapian writes past it fails.
big=$WORK/big
mkdir -p "$big"
for i in $(seq 1 300); do page "$big/p$i.txt" "Page $i" "word$i text about item $i"; done
out=$( (ulimit -f 8; "$FIHRIS_INDEX" --db "$WORK/full-db" --jobs 1 "$big") 2>&1)
check_eq "a write that fails (file size limit): exit 74" 74 $?
check_contains "…said" "$WORK/full-db" "$out"

# --- 75 and --wait ------------------------------------------------------------
coproc HOLD { "$FH_HOLD_LOCK" "$xdb"; }
read -r line <&"${HOLD[0]}"
check_eq "the helper holds the lock" locked "$line"
out=$("$FIHRIS_INDEX" --db "$xdb" "$x" 2>&1)
check_eq "another indexer at work: exit 75" 75 $?
check_eq "…said, with what to do" "fihris-index: $xdb: another indexer is updating this index; try again later (or use --wait)" "$out"
out=$("$FIHRIS_INDEX" -q --db "$xdb" "$x" 2>&1)
check_eq "-q: exit 75" 75 $?
check_eq "…and nothing said" "" "$out"
out=$("$FIHRIS_INDEX" --db "$xdb" --wait=1 "$x" 2>&1)
check_eq "--wait=1: exit 75 once the second is over" 75 $?
check_eq "…said" "fihris-index: $xdb: another indexer is still updating this index after 1 s; try again later (or wait longer with --wait)" "$out"
out=$("$FIHRIS_INDEX" -q --db "$xdb" --wait=1 "$x" 2>&1)
check_eq "-q --wait=1: exit 75, nothing said" "75 []" "$? [$out]"
out=$("$FIHRIS_INDEX" --db "$xdb" --compact 2>&1)
check_eq "--compact takes the lock too: exit 75" 75 $?
out=$("$FIHRIS_INDEX" --db "$xdb" --compact --wait=0 2>&1)
check_eq "--compact --wait=0: exit 75" 75 $?
# Bare --wait waits until the other lets go: the helper ends once the
# waiting indexer holds a file open in the folder... we let go ourselves
# after the waiting indexer has started, and it must then finish.
"$FIHRIS_INDEX" --db "$xdb" --wait "$x" 2>"$WORK/wait.err" &
waiter=$!
for _ in $(seq 1 200); do
    ls -l /proc/"$waiter"/fd 2>/dev/null | grep -q fihris.lock && break
    sleep 0.05
done
check_eq "bare --wait is still waiting while the lock is held" 0 "$(kill -0 "$waiter" 2>/dev/null; echo $?)"
eval "exec ${HOLD[1]}>&-"
wait "$HOLD_PID"
wait "$waiter"
check_eq "bare --wait: exit 0 once the other lets go" 0 $?
check_eq "…nothing said off a terminal" "" "$(cat "$WORK/wait.err")"

finish
