#!/bin/bash
# The man pages the build made are clean: mandoc -T lint and man-db's
# man --warnings -l say nothing of them (each skipped when the tool is not
# on the machine, all when the build had no scdoc).
. "$(dirname "$0")/lib.sh"

: "${FH_BUILD_DIR:?set FH_BUILD_DIR}"
pages="indexer/fihris-index.1 searcher/fihris-search.1 bench/fihris-bench.1 common/fihris.7"
[ -f "$FH_BUILD_DIR/indexer/fihris-index.1" ] || skip_all "the man pages (the build had no scdoc)"
export LC_ALL=C.UTF-8 MANWIDTH=80

for p in $pages; do
    page=$FH_BUILD_DIR/$p
    name=$(basename "$p")
    check_eq "$name made" yes "$([ -s "$page" ] && echo yes)"
    if command -v mandoc >/dev/null; then
        out=$(mandoc -T lint "$page" 2>&1)
        check_eq "mandoc -T lint $name exits 0" 0 $?
        check_eq "mandoc -T lint $name says nothing" "" "$out"
    else
        skip "mandoc -T lint $name (no mandoc here)"
    fi
    if command -v man >/dev/null; then
        out=$(man --warnings -l "$page" 2>&1 >/dev/null)
        check_eq "man --warnings -l $name exits 0" 0 $?
        check_eq "man --warnings -l $name says nothing" "" "$out"
    else
        skip "man --warnings -l $name (no man here)"
    fi
done

finish
