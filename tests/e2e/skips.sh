#!/bin/bash
# A test that cannot run what it checks (the shared data, valgrind, the
# peers, xapian-tcpsrv, python3 are not there) is reported by CTest as
# skipped, never as passed: lib.sh's finish exits 77 after a skip, the e2e
# tests have SKIP_RETURN_CODE 77, and the Criterion tests that can skip run
# apart with a SKIP_REGULAR_EXPRESSION.
. "$(dirname "$0")/lib.sh"

: "${FH_BUILD_DIR:?set FH_BUILD_DIR}"

# lib.sh: the exit code of a script from its checks and skips.
script() { bash -c ". '$FH_SOURCE_DIR/tests/e2e/lib.sh'; $1" >"$WORK/script.out" 2>&1; echo $?; }
check_eq "all checks passed: exit 0" 0 "$(script 'pass one; finish')"
check_eq "a check passed, another skipped: exit 77" 77 "$(script 'pass one; skip two; finish')"
check_eq "…said in the closing line" "1 passed, 0 failed, 1 skipped" "$(tail -1 "$WORK/script.out")"
check_eq "a check failed, another skipped: exit 1" 1 "$(script 'fail one; skip two; finish')"
check_eq "skip_all: exit 77 at once" 77 "$(script 'skip_all "no data"; pass never')"
check_eq "…saying why" "skip no data
0 passed, 0 failed, 1 skipped" "$(cat "$WORK/script.out")"

# A check that cannot run says so with skip (the script then exits 77), not
# with a plain echo, after which CTest would report the script as passed.
check_eq "no script says a skip with a plain echo" "" \
    "$(cd "$FH_SOURCE_DIR/tests/e2e" && grep -nE '^[[:space:]]*echo[[:space:]]+"?skip' ./*.sh)"

# CTest itself, on a copy of this folder's test list (so that the running
# CTest's own logs are left alone), with the shared data made missing.
mkdir -p "$WORK/ctest"
cp "$FH_BUILD_DIR/tests/CTestTestfile.cmake" "$WORK/ctest/"
out=$(FH_SHARED_DIR=$WORK/none ctest --test-dir "$WORK/ctest" \
    -R '^(e2e_shared|test_evaluate_eval_py|test_arabic_stem_shared|test_warc_shared)$' 2>&1)
check_eq "ctest exits 0 when tests skip" 0 $?
check_eq "e2e_shared without the shared data: skipped" "e2e_shared ***Skipped" \
    "$(echo "$out" | sed -n 's/^.*Test *#[0-9]*: \(e2e_shared\) \.*\(\*\*\*[A-Za-z]*\).*/\1 \2/p')"
check_eq "the eval.py comparisons without eval.py: skipped" "test_evaluate_eval_py ***Skipped" \
    "$(echo "$out" | sed -n 's/^.*Test *#[0-9]*: \(test_evaluate_eval_py\) \.*\(\*\*\*[A-Za-z]*\).*/\1 \2/p')"
for t in test_arabic_stem_shared test_warc_shared; do
    check_eq "$t without the shared data: skipped" "$t ***Skipped" \
        "$(echo "$out" | sed -n "s/^.*Test *#[0-9]*: \($t\) \.*\(\*\*\*[A-Za-z]*\).*/\1 \2/p")"
done
check_contains "…and listed as not run" "- e2e_shared (Skipped)" "$out"

# Every e2e test can skip through lib.sh, so every one has SKIP_RETURN_CODE
# 77; the Criterion tests that can skip have their expression.
props=$(ctest --test-dir "$WORK/ctest" --show-only=json-v1 | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    p = {x["name"]: x["value"] for x in t.get("properties", [])}
    if t["name"].startswith("e2e_") and p.get("SKIP_RETURN_CODE") != 77:
        print("no SKIP_RETURN_CODE 77:", t["name"])
    if t["name"] in ("test_arabic_stem_shared", "test_store_tcpsrv", "test_evaluate_eval_py",
                     "test_warc_shared") \
            and p.get("SKIP_REGULAR_EXPRESSION") != ["\\[SKIP\\] [^ ]+: [^T]"]:
        print("no SKIP_REGULAR_EXPRESSION:", t["name"], p.get("SKIP_REGULAR_EXPRESSION"))
')
check_eq "every test that can skip is registered to show it" "" "$props"

finish
