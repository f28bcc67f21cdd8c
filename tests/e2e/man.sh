#!/bin/bash
# The man pages against --help: every option --help shows is in the page's
# OPTIONS section, and every option there is in --help. The pages are the
# ones the build made from the scdoc sources (skipped when the build had no
# scdoc).
. "$(dirname "$0")/lib.sh"

: "${FH_BUILD_DIR:?set FH_BUILD_DIR}" "${FIHRIS_BENCH:?set FIHRIS_BENCH}"

# options: the long and one-letter options in the text on stdin, one a
# line, sorted. A one-letter option stands alone (-q, not -word).
options() {
    tr -c 'A-Za-z0-9-' '\n' | grep -E -- '^(--[a-z0-9][a-z0-9-]*|-[A-Za-z])$' | sort -u
}

# page_options PAGE: the options in the OPTIONS section of a man page
# (roff, fonts taken out).
page_options() {
    sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" | grep -v '^\.SH' |
        sed -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\-/-/g' | options
}

# readme_options NAME: the options in the first column of the option table
# of the README's NAME section.
readme_options() {
    sed -n "/^### $1\$/,/^### /p" "$FH_SOURCE_DIR/README.md" | grep '^| `' | cut -d'|' -f2 | options
}

# compare_options NAME WHERE HELP_OPTIONS OTHER_OPTIONS: the two lists, one
# option a line, hold the same options.
compare_options() {
    check_eq "$1: options in --help but not in $2" "" \
        "$(comm -23 <(printf '%s\n' "$3") <(printf '%s\n' "$4") | tr '\n' ' ')"
    check_eq "$1: options in $2 but not in --help" "" \
        "$(comm -13 <(printf '%s\n' "$3") <(printf '%s\n' "$4") | tr '\n' ' ')"
}

# The README's option tables against --help, both ways.
for p in "fihris-index $FIHRIS_INDEX" "fihris-search $FIHRIS_SEARCH"; do
    name=${p%% *}
    in_help=$("${p#* }" --help | options)
    in_readme=$(readme_options "$name")
    compare_options "$name" "the README's table" "$in_help" "$in_readme"
done

[ -f "$FH_BUILD_DIR/indexer/fihris-index.1" ] || skip_all "the man pages (the build had no scdoc)"

for p in "indexer/fihris-index $FIHRIS_INDEX" "searcher/fihris-search $FIHRIS_SEARCH" \
    "bench/fihris-bench $FIHRIS_BENCH"; do
    page=$FH_BUILD_DIR/${p%% *}.1
    prog=${p#* }
    name=$(basename "${p%% *}")
    check_eq "$name.1 made" yes "$([ -s "$page" ] && echo yes)"
    in_help=$("$prog" --help | options)
    in_page=$(page_options "$page")
    compare_options "$name" "$name(1)" "$in_help" "$in_page"
    # A page that lost its OPTIONS section would pass the checks above
    # only if --help had no options either.
    check_eq "$name: --help has options" yes "$([ -n "$in_help" ] && echo yes)"
done

finish
