#!/bin/sh
# Build fihris (installing its Debian packages when missing) and run every
# test: the Criterion unit tests and the end-to-end tests, through CTest.
#   BUILD_DIR, CMAKE_ARGS  as for tests/setup.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
BUILD_DIR=$build "$top/tests/setup.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
