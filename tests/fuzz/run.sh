#!/bin/bash
# Build the libFuzzer targets and run each for SECONDS seconds.
#   tests/fuzz/run.sh SECONDS [TARGET...]     (default: every target)
#   FUZZ_BUILD_DIR  where to build (default: build-fuzz)
# Installs clang, its libFuzzer runtime and fihris's build packages with
# apt-get when they are missing. Each target first replays its saved crashes
# (tests/fuzz/regressions/TARGET/), then fuzzes a copy of its seeds
# (tests/fuzz/seeds/TARGET/) in a temporary folder, so the repository is never
# written to. Prints the executions of each target and whether it crashed;
# exits 1 when any did (the temporary folder with the crashing input is kept
# and named).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/tests/fuzz
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}

usage() {
    echo "usage: $0 SECONDS [fuzz_analyzer|fuzz_page|fuzz_query|fuzz_record|fuzz_snippet|fuzz_warc|fuzz_word_map]..." >&2
    exit 64
}
[ $# -ge 1 ] || usage
seconds=$1
shift
case $seconds in '' | *[!0-9]*) usage ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_analyzer fuzz_page fuzz_query fuzz_record fuzz_snippet fuzz_warc fuzz_word_map)

# Longest input each target is given.
max_len() {
    case $1 in
    fuzz_page) echo 8192 ;;
    fuzz_query) echo 1024 ;;
    fuzz_warc) echo 81920 ;; # a header line over 64 KiB
    *) echo 4096 ;;
    esac
}

for t in "${targets[@]}"; do
    [ -d "$src/seeds/$t" ] || usage
done

packages="clang libclang-rt-14-dev cmake make g++ pkg-config libxapian-dev libicu-dev libstemmer-dev zlib1g-dev libbrotli-dev libzstd-dev liblz4-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "fuzz: installing$missing" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

CC=clang CXX=clang++ cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFH_FUZZ=ON -DFH_BUILD_TESTS=OFF -DFH_BUILD_PEERS=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}" -j "$(nproc)" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/fihris-fuzz.XXXXXX")
failed=0
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz/$t
    dir=$work/$t
    mkdir -p "$dir/corpus" "$dir/artifacts"
    cp -R "$src/seeds/$t/." "$dir/corpus/"
    opts=(-max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=2048
        -artifact_prefix="$dir/artifacts/" -print_final_stats=1)
    [ -f "$src/$t.dict" ] && opts+=(-dict="$src/$t.dict")

    # The saved crashes first: each must pass now.
    regressions=()
    if [ -d "$src/regressions/$t" ]; then
        while IFS= read -r -d '' f; do
            regressions+=("$f")
        done < <(find "$src/regressions/$t" -type f ! -name '*.md' -print0 | sort -z)
    fi
    if [ ${#regressions[@]} -gt 0 ]; then
        if ! "$bin" "${opts[@]}" "${regressions[@]}" >"$dir/regressions.log" 2>&1; then
            echo "$t: CRASHED on a saved regression input (log: $dir/regressions.log)"
            tail -n 30 "$dir/regressions.log"
            failed=1
            continue
        fi
        cp "${regressions[@]}" "$dir/corpus/"
    fi

    rc=0
    "$bin" "${opts[@]}" -max_total_time="$seconds" "$dir/corpus" >"$dir/fuzz.log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -n 1)
    [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$dir/fuzz.log" | tail -n 1 | tr -d '#')
    if [ "$rc" -eq 0 ]; then
        echo "$t: ${execs:-?} executions in ${seconds} s, ${#regressions[@]} regression inputs, no crash"
    else
        echo "$t: CRASHED (exit $rc) after ${execs:-?} executions; log: $dir/fuzz.log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed|.*runtime error)' "$dir/fuzz.log" | head -n 5 || true
        for a in "$dir"/artifacts/*; do
            [ -f "$a" ] || continue
            echo "  input: $a ($(wc -c <"$a") bytes), base64: $(base64 -w0 "$a" | head -c 2000)"
        done
        failed=1
    fi
done

if [ "$failed" -ne 0 ]; then
    echo "fuzz: crashes found; inputs and logs kept in $work" >&2
    exit 1
fi
rm -rf "$work"
