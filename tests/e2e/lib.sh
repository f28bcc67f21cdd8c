# lib.sh - a small assertion library for the end-to-end tests.
# Each check prints "ok" or "FAIL" with what differed; `skip` says which
# checks did not run (what they need is not on the machine), `skip_all`
# that none did; `finish` prints the closing "N passed, N failed, N
# skipped" line and sets the exit code: 1 when a check failed, else 77 when
# some were skipped (CTest's SKIP_RETURN_CODE: reported as skipped, not
# passed), else 0.
passed=0
failed=0
skipped=0

pass() {
    passed=$((passed + 1))
    printf 'ok   %s\n' "$1"
}

fail() {
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$1"
    [ $# -lt 2 ] || printf '     %s\n' "$2"
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
    case "$3" in
    *"$2"*) pass "$1" ;;
    *) fail "$1" "[$2] not found in [$3]" ;;
    esac
}

# check_not_contains NAME NEEDLE HAYSTACK
check_not_contains() {
    case "$3" in
    *"$2"*) fail "$1" "[$2] found in [$3]" ;;
    *) pass "$1" ;;
    esac
}

# skip WHAT: the checks of WHAT were not run, and why.
skip() {
    skipped=$((skipped + 1))
    printf 'skip %s\n' "$1"
}

# skip_all WHY: none of the checks can run here; exit 77 now.
skip_all() {
    skip "$1"
    finish
}

finish() {
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ] || return 1
    [ "$skipped" -eq 0 ] || exit 77
}

# The binaries and folders, from CTest's environment.
: "${FIHRIS_INDEX:?set FIHRIS_INDEX}" "${FIHRIS_SEARCH:?set FIHRIS_SEARCH}"
: "${FH_SOURCE_DIR:?set FH_SOURCE_DIR}"
SHARED=${FH_SHARED_DIR:-$FH_SOURCE_DIR/../shared}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fihris-e2e.XXXXXX")
trap 'chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

# page FILE TITLE BODY: write a .txt page.
page() { printf '%s\n\n%s\n' "$2" "$3" >"$1"; }

# as_user CMD...: run CMD as an unprivileged user (nobody) when running as
# root, as it is otherwise. can_drop is 0 when root cannot drop privileges
# here (no setpriv): then as_user runs CMD as root, and the permission
# tests skip.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    can_drop=1
elif [ "$(id -u)" -ne 0 ]; then
    as_user() { "$@"; }
    can_drop=1
else
    as_user() { "$@"; }
    can_drop=0
fi

# doc_count DB: the number of documents, from --stats --format json.
doc_count() {
    "$FIHRIS_SEARCH" --db "$1" --stats --format json | sed -n 's/^{"documents":\([0-9]*\).*/\1/p'
}

# shards DB: the shard folders of an index (DB itself for a single database).
shards() {
    if [ -f "$1/XAPIANDB" ]; then
        sed -n 's/^auto //p' "$1/XAPIANDB" | while IFS= read -r s; do echo "$1/$s"; done
    else
        echo "$1"
    fi
}

# xcheck DB: xapian-check every shard; status 0 when all pass.
xcheck() {
    local s
    for s in $(shards "$1"); do
        xapian-check "$s" >/dev/null 2>&1 || return 1
    done
}

# committed DB: the documents the shards' last commits wrote, summed.
committed() {
    local s n total=0
    for s in $(shards "$1"); do
        n=$(xapian-metadata get "$s" fihris.committed-documents 2>/dev/null)
        total=$((total + ${n:-0}))
    done
    echo "$total"
}

# search_during PID DB WORDS...: search DB for WORDS again and again while
# process PID runs (1,000 times at most). Sets $searches, $errors (the
# searches that failed: exit 2) and $first_error (the first one's message).
search_during() {
    local pid=$1 db=$2
    shift 2
    errors=0
    searches=0
    first_error=""
    while kill -0 "$pid" 2>/dev/null && [ "$searches" -lt 1000 ]; do
        "$FIHRIS_SEARCH" --db "$db" "$@" >/dev/null 2>"$WORK/search.err"
        if [ $? -eq 2 ]; then
            errors=$((errors + 1))
            [ -n "$first_error" ] || first_error=$(head -1 "$WORK/search.err")
        fi
        searches=$((searches + 1))
    done
}
