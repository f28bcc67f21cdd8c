#!/bin/sh
# The fihris demo: build (installing Debian packages when missing), index the
# sample pages of this folder, and run an English and an Arabic search.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
BUILD_DIR=$build "$top/tests/setup.sh"
db=$(mktemp -d)/index
trap 'rm -rf "$(dirname "$db")"' EXIT

echo "== fihris-index --verbose --db $db corpus/"
"$build/indexer/fihris-index" --verbose --db "$db" "$top/corpus"
echo
echo "== fihris-search --db $db --limit 3 running"
"$build/searcher/fihris-search" --db "$db" --limit 3 --highlight markers running
echo
echo "== fihris-search --db $db --limit 3 مدرسه   (the page writes المدرسة, الْمَدْرَسَةُ)"
"$build/searcher/fihris-search" --db "$db" --limit 3 --highlight markers مدرسه
