#!/bin/sh
# Install what fihris needs on Debian 12 (when missing), then configure and
# build it with CMake. Used by corpus/demo.sh, tests/run.sh and .ci/run.
#   BUILD_DIR   where to build (default: build)
#   CMAKE_ARGS  extra arguments for cmake (e.g. -DFH_SANITIZE=ON)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

packages="cmake make gcc g++ pkg-config libxapian-dev libicu-dev libcriterion-dev libstemmer-dev xapian-tools libsqlite3-dev valgrind openssh-server openssh-client scdoc mandoc man-db dpkg-dev bash-completion zsh fish zlib1g-dev libbrotli-dev wget libzstd-dev liblz4-dev zstd python3"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # openssh-server would start the system's sshd, listening on every
    # interface; the SSH test starts its own on 127.0.0.1. policy-rc.d
    # exit 101 ("action forbidden") keeps the package's service from starting.
    no_start=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod 755 /usr/sbin/policy-rc.d
        no_start=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
    [ -z "$no_start" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi

# shellcheck disable=SC2086
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
