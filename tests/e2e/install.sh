#!/bin/bash
# End-to-end test of the installed fihris: `cmake --install` into a
# temporary DESTDIR with the prefix /usr, then the three installed binaries
# run on corpus/ with nothing from the build or source folders, and each
# installed file is where a Debian system looks for it.
. "$(dirname "$0")/lib.sh"

: "${FH_BUILD_DIR:?set FH_BUILD_DIR}"
root=$WORK/root
DESTDIR=$root cmake --install "$FH_BUILD_DIR" --prefix /usr >"$WORK/install.log" 2>&1
check_eq "cmake --install exits 0" 0 $?
bin=$root/usr/bin
doc=$root/usr/share/doc/fihris

# Nothing lands outside the prefix.
check_eq "everything under DESTDIR/usr" "usr" "$(ls "$root")"

# The pages are copied out of the source folder, and the programs run from
# a folder of their own: they read nothing of the source or build folders.
cp -r "$FH_SOURCE_DIR/corpus" "$WORK/corpus"
cd "$WORK" || exit 1
for p in fihris-index fihris-search fihris-bench; do
    check_eq "$p installed, executable" yes "$([ -x "$bin/$p" ] && echo yes)"
    if command -v readelf >/dev/null; then
        check_eq "$p has no RPATH or RUNPATH into the build" "" \
            "$(readelf -d "$bin/$p" | grep -E 'R(UN)?PATH')"
    fi
done

out=$("$bin/fihris-index" --verbose --db "$WORK/db" "$WORK/corpus" 2>&1)
check_eq "installed fihris-index exits 0" 0 $?
check_eq "installed fihris-index indexed the corpus" 24 \
    "$("$bin/fihris-search" --db "$WORK/db" --stats --format json |
        sed -n 's/^{"documents":\([0-9]*\).*/\1/p')"
out=$("$bin/fihris-search" --db "$WORK/db" -q --limit 1 running)
check_eq "installed fihris-search exits 0" 0 $?
check_contains "installed fihris-search finds the marathon" "$WORK/corpus/en-city-marathon.txt" "$out"
out=$("$bin/fihris-search" --db "$WORK/db" -q --limit 1 مدرسه)
check_contains "installed fihris-search, in Arabic" "$WORK/corpus/ar-school-riyadh.txt" "$out"
out=$("$bin/fihris-bench" analyze --format json "$WORK/corpus")
check_contains "installed fihris-bench analyze" '{"pages":24,"bytes":46229,"tokens":5842,' "$out"
printf 'running\nمدرسه\n' >"$WORK/queries.txt"
out=$("$bin/fihris-bench" query --db "$WORK/db" --queries "$WORK/queries.txt" --repeat 1 --format json)
check_contains "installed fihris-bench query" '{"queries":2,"runs":2,"threads":1,"snippets":false,"hits":5,"zero_hit":0,' "$out"

# --version: fihris's version (CMakeLists.txt's project()), and the
# libraries it runs with, one line each.
version=$(sed -n 's/^project(fihris VERSION \([0-9.]*\) .*/\1/p' "$FH_SOURCE_DIR/CMakeLists.txt")
xapian=$(pkg-config --modversion xapian-core)
icu=$(pkg-config --modversion icu-uc)
# How the build links them (CMakeLists.txt: FH_STATIC_DEPS, FH_XAPIAN_SOURCE).
cache() { sed -n "s/^$1:[A-Z]*=//p" "$FH_BUILD_DIR/CMakeCache.txt"; }
icu_link="shared library"
xapian_link="shared library"
case "$(cache FH_STATIC_DEPS)" in ON | on | 1 | TRUE | true) icu_link="static library" ;; esac
[ -z "$(cache FH_XAPIAN_SOURCE)" ] || xapian_link="static library"
for p in fihris-index fihris-search fihris-bench; do
    out=$("$bin/$p" --version)
    check_eq "$p --version exits 0" 0 $?
    check_eq "$p --version: four lines" 4 "$(printf '%s\n' "$out" | wc -l)"
    check_eq "$p --version: its version" "$p $version" "$(printf '%s\n' "$out" | sed -n 1p)"
    check_eq "$p --version: Xapian" "Xapian $xapian, $xapian_link" "$(printf '%s\n' "$out" | sed -n 2p)"
    check_eq "$p --version: ICU" "ICU $icu, $icu_link" "$(printf '%s\n' "$out" | sed -n 3p)"
    check_contains "$p --version: libstemmer" "libstemmer: no version reported; " \
        "$(printf '%s\n' "$out" | sed -n 4p)"
    check_contains "$p --version: libstemmer's linking" ", $icu_link" "$(printf '%s\n' "$out" | sed -n 4p)"
    # What it says is how it runs: a static library is not loaded.
    loaded=$(ldd "$bin/$p" 2>/dev/null | grep -c -E 'libicu|libstemmer')
    if [ "$icu_link" = "static library" ]; then
        check_eq "$p loads no ICU or libstemmer" 0 "$loaded"
    else
        check_eq "$p loads ICU and libstemmer" 4 "$loaded"
    fi
    loaded=$(ldd "$bin/$p" 2>/dev/null | grep -c -E 'libxapian|libstdc\+\+')
    if [ "$xapian_link" = "static library" ]; then
        check_eq "$p loads no libxapian or libstdc++" 0 "$loaded"
    else
        check_eq "$p loads libxapian and libstdc++" 2 "$loaded"
    fi
done

# The man pages, where man looks for them (when the build had scdoc).
if [ -f "$FH_BUILD_DIR/indexer/fihris-index.1" ]; then
    for page in man1/fihris-index.1 man1/fihris-search.1 man1/fihris-bench.1 man7/fihris.7; do
        check_eq "share/man/$page.gz installed" yes \
            "$([ -s "$root/usr/share/man/$page.gz" ] && echo yes)"
    done
    if command -v man >/dev/null; then
        out=$(MANPATH=$root/usr/share/man man -w fihris-search)
        check_eq "man finds fihris-search(1) under the prefix" \
            "$root/usr/share/man/man1/fihris-search.1.gz" "$out"
        out=$(LC_ALL=C.UTF-8 MANPATH=$root/usr/share/man MANWIDTH=80 man 7 fihris 2>&1 | head -4)
        check_contains "man 7 fihris shows the page" "fihris - full-text search" "$out"
    fi
else
    skip "the man pages (the build had no scdoc)"
fi

# The completions, where bash-completion, zsh and fish look for them.
share=$root/usr/share
for p in fihris-index fihris-search fihris-bench; do
    for f in "bash-completion/completions/$p" "zsh/vendor-completions/_$p" \
        "fish/vendor_completions.d/$p.fish"; do
        check_eq "share/$f installed" yes "$([ -s "$share/$f" ] && echo yes)"
    done
    out=$(bash -c ". '$share/bash-completion/completions/$p' && complete -p $p")
    check_eq "the installed bash completion of $p loads" "complete -F _${p//-/_} $p" "$out"
done

# The examples, in share/doc/fihris, work as written: the crontab line's
# and the service's command run (their paths moved into the test's
# folders), and systemd reads the units without a complaint.
for f in crontab.example fihris-index.service fihris-index.timer; do
    check_eq "share/doc/fihris/$f installed" yes "$([ -f "$doc/$f" ] && echo yes)"
done
as_installed() {
    sed -e "s|/usr/bin/|$bin/|g" -e "s|/srv/fihris/index|$WORK/db2|g" \
        -e "s|/srv/crawl/pages|$WORK/corpus|g" "$@"
}
cron_command=$(as_installed "$doc/crontab.example" | sed -n 's/^\*\/5 \* \* \* \*  //p')
check_contains "the crontab line calls fihris-index by its full path" "$bin/fihris-index -q --db" "$cron_command"
(eval "$cron_command") >"$WORK/cron.out" 2>&1
check_eq "the crontab line's command exits 0" 0 $?
check_eq "the crontab line's command prints nothing" "" "$(cat "$WORK/cron.out")"
rm -rf "$WORK/db2"
exec_start=$(as_installed "$doc/fihris-index.service" | sed -n 's/^ExecStart=//p')
(eval "$exec_start") >"$WORK/service.out" 2>&1
check_eq "the service's command exits 0" 0 $?
check_eq "the service's command prints nothing" "" "$(cat "$WORK/service.out")"
# The README shows the same three files.
# readme_block NAME: the README's fenced block that starts with a comment
# naming NAME; settings: the lines of a file that are not comments.
readme_block() {
    awk -v name="$1" '/^```/ { if (inside) exit; start = 1; next }
        start { start = 0; if ($0 ~ "^# (.*/)?" name "$") inside = 1; next }
        inside' "$FH_SOURCE_DIR/README.md"
}
settings() { grep -v '^#' | grep -v '^$'; }
for f in crontab.example fihris-index.service fihris-index.timer; do
    check_eq "the README shows $f as installed" "$(settings <"$doc/$f")" "$(readme_block "$f" | settings)"
done
service=$(cat "$doc/fihris-index.service")
check_contains "the service is niced" "Nice=10" "$service"
check_contains "the service reads and writes when the disk is idle" "IOSchedulingClass=idle" "$service"
check_contains "the service takes exit 75 as success" "SuccessExitStatus=75" "$service"
if command -v systemd-analyze >/dev/null; then
    mkdir "$WORK/units"
    as_installed "$doc/fihris-index.service" >"$WORK/units/fihris-index.service"
    cp "$doc/fihris-index.timer" "$WORK/units/"
    out=$(cd "$WORK/units" && systemd-analyze verify --man=no ./fihris-index.timer ./fihris-index.service 2>&1)
    check_eq "systemd-analyze verify exits 0" 0 $?
    check_eq "systemd-analyze verify says nothing" "" "$out"
else
    skip "systemd-analyze verify (no systemd-analyze here)"
fi

# The Debian package's documents, and the package itself (cpack into the
# test's folder; dpkg-shlibdeps, from dpkg-dev, writes its Depends).
check_contains "share/doc/fihris/copyright says the source states no licence" \
    "Its source tree states no licence" "$(cat "$doc/copyright")"
# The notices of the libraries linked in travel with them.
if [ "$icu_link" = "static library" ]; then
    check_contains "copyright.ICU beside it" "Unicode" "$(cat "$doc/copyright.ICU" 2>&1)"
    check_contains "copyright.libstemmer beside it" "Snowball" "$(cat "$doc/copyright.libstemmer" 2>&1)"
fi
if [ "$xapian_link" = "static library" ]; then
    check_contains "copyright.xapian beside it" "GNU GENERAL PUBLIC LICENSE" "$(cat "$doc/copyright.xapian" 2>&1)"
fi
if [ -f "$doc/changelog.Debian.gz" ]; then
    check_eq "changelog.Debian.gz names this version" \
        "fihris ($version-1) unstable; urgency=medium" "$(zcat "$doc/changelog.Debian.gz" | head -1)"
else
    fail "share/doc/fihris/changelog.Debian.gz installed"
fi
if command -v cpack >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
    (cd "$FH_BUILD_DIR" && cpack -G DEB -B "$WORK/deb") >"$WORK/cpack.log" 2>&1
    check_eq "cpack -G DEB exits 0" 0 $?
    deb=$(ls "$WORK"/deb/fihris_*.deb 2>/dev/null)
    check_eq "cpack made fihris_VERSION-1_ARCH.deb" \
        "fihris_${version}-1_$(dpkg --print-architecture).deb" "$(basename "$deb")"
    depends=$(dpkg-deb -f "$deb" Depends)
    # The shared libraries the programs load, and none they hold inside.
    wanted="libc6" unwanted=""
    if [ "$icu_link" = "static library" ]; then unwanted="libicu libstemmer0d"; else wanted="$wanted libicu libstemmer0d"; fi
    if [ "$xapian_link" = "static library" ]; then unwanted="$unwanted libxapian30"; else wanted="$wanted libstdc++6 libxapian30"; fi
    for lib in $wanted; do
        check_contains "Depends (from dpkg-shlibdeps) names $lib" "$lib" "$depends"
    done
    for lib in $unwanted; do
        check_eq "Depends leaves out $lib, linked in" "" "$(printf '%s' "$depends" | grep -o "$lib")"
    done
    check_eq "the .deb's description" "full-text search for English and Arabic pages" \
        "$(dpkg-deb -f "$deb" Description | head -1)"
    check_eq "the .deb holds what cmake --install put under /usr" \
        "$(cd "$root" && find usr -type f | sort)" \
        "$(dpkg-deb -c "$deb" | awk '!/\/$/ { sub(/^\.\//, "", $6); print $6 }' | sort)"
else
    skip "the .deb (no cpack or dpkg-shlibdeps here)"
fi

finish
