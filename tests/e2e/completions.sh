#!/bin/bash
# The shell completions against --help: bash completes exactly the options
# --help shows, the values it names (--format text|json, --color, ...) and
# folders or files where an option takes one; the zsh and fish files parse
# and name the same long options (each shell skipped when not here).
. "$(dirname "$0")/lib.sh"

: "${FIHRIS_BENCH:?set FIHRIS_BENCH}"
src=$FH_SOURCE_DIR

# options: the long and one-letter options in the text on stdin, one a
# line, sorted (as man.sh reads them).
options() {
    tr -c 'A-Za-z0-9-' '\n' | grep -E -- '^(--[a-z0-9][a-z0-9-]*|-[A-Za-z])$' | sort -u
}
long_options() { options | grep -- '^--'; }
# oneline: the lines on stdin joined by spaces.
oneline() { tr '\n' ' ' | sed 's/ $//'; }

# complete_bash FUNCTION WORD...: what bash offers for the last WORD (the
# one being typed) after the others, sorted, one a line.
complete_bash() {
    local fn=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMPREPLY=()
    "$fn" 2>/dev/null
    [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

. "$src/indexer/completions/fihris-index.bash"
. "$src/searcher/completions/fihris-search.bash"
. "$src/bench/completions/fihris-bench.bash"

# Every option --help shows, and no other.
check_eq "bash: fihris-index's options are --help's" \
    "$("$FIHRIS_INDEX" --help | options | oneline)" \
    "$(complete_bash _fihris_index fihris-index - | sed 's/=$//' | sort -u | oneline)"
check_eq "bash: fihris-search's options are --help's" \
    "$("$FIHRIS_SEARCH" --help | options | oneline)" \
    "$(complete_bash _fihris_search fihris-search - | oneline)"
bench_offered=$( (
    complete_bash _fihris_bench fihris-bench -
    for c in analyze index query relevance knownitem; do complete_bash _fihris_bench fihris-bench "$c" -; done
) | sort -u | oneline)
check_eq "bash: fihris-bench's options, over its commands, are --help's" \
    "$("$FIHRIS_BENCH" --help | options | oneline)" "$bench_offered"
check_eq "bash: fihris-bench's commands" "analyze index knownitem query relevance" \
    "$(complete_bash _fihris_bench fihris-bench '' | oneline)"
check_eq "bash: fihris-bench index's options" \
    "--arabic --corpus --english --fold-hamza --format --jobs --keep --threads" \
    "$(complete_bash _fihris_bench fihris-bench index --corpus x - | oneline)"

# The values --help names.
check_eq "bash: --format" "json text" "$(complete_bash _fihris_search fihris-search --format '' | oneline)"
check_eq "bash: --color" "always auto never" "$(complete_bash _fihris_search fihris-search --color '' | oneline)"
check_eq "bash: --highlight" "ansi markers none" \
    "$(complete_bash _fihris_search fihris-search --highlight '' | oneline)"
check_eq "bash: --highlight m" "markers" "$(complete_bash _fihris_search fihris-search --highlight m | oneline)"
check_eq "bash: fihris-bench --format" "json text" \
    "$(complete_bash _fihris_bench fihris-bench query --format '' | oneline)"
check_eq "bash: fihris-bench --english" "english none porter" \
    "$(complete_bash _fihris_bench fihris-bench index --english '' | oneline)"
check_eq "bash: fihris-bench --arabic" "fihris light10 none snowball" \
    "$(complete_bash _fihris_bench fihris-bench relevance --arabic '' | oneline)"
check_eq "bash: a number is not completed" "" "$(complete_bash _fihris_search fihris-search --limit '' | oneline)"
check_eq "bash: a query word is not completed" "" "$(complete_bash _fihris_search fihris-search wat | oneline)"

# Folders where an option takes a folder, files where it takes a file.
mkdir -p "$WORK/t/pages" "$WORK/t/pagez"
: >"$WORK/t/page.txt"
check_eq "bash: fihris-index --db takes a folder" "$WORK/t/pages $WORK/t/pagez" \
    "$(complete_bash _fihris_index fihris-index --db "$WORK/t/pa" | oneline)"
check_eq "bash: fihris-index SOURCE is a folder or a file" \
    "$WORK/t/page.txt $WORK/t/pages $WORK/t/pagez" \
    "$(complete_bash _fihris_index fihris-index -q "$WORK/t/pa" | oneline)"
check_eq "bash: fihris-search --db takes a folder or a stub file" \
    "$WORK/t/page.txt $WORK/t/pages $WORK/t/pagez" \
    "$(complete_bash _fihris_search fihris-search --db "$WORK/t/pa" | oneline)"
check_eq "bash: fihris-bench --keep takes a folder" "$WORK/t/pages $WORK/t/pagez" \
    "$(complete_bash _fihris_bench fihris-bench index --keep "$WORK/t/pa" | oneline)"
check_eq "bash: fihris-bench --queries takes a file" \
    "$WORK/t/page.txt $WORK/t/pages $WORK/t/pagez" \
    "$(complete_bash _fihris_bench fihris-bench query --queries "$WORK/t/pa" | oneline)"

for p in "indexer fihris-index $FIHRIS_INDEX" "searcher fihris-search $FIHRIS_SEARCH" \
    "bench fihris-bench $FIHRIS_BENCH"; do
    read -r dir name prog <<<"$p"
    help_long=$("$prog" --help | long_options | oneline)
    if command -v zsh >/dev/null; then
        zsh -n "$src/$dir/completions/_$name"
        check_eq "zsh: _$name parses" 0 $?
        check_eq "zsh: _$name's options are --help's" "$help_long" \
            "$(long_options <"$src/$dir/completions/_$name" | oneline)"
    else
        skip "zsh: _$name (no zsh here)"
    fi
    if command -v fish >/dev/null; then
        fish -n "$src/$dir/completions/$name.fish"
        check_eq "fish: $name.fish parses" 0 $?
        check_eq "fish: $name.fish's options are --help's" "$help_long" \
            "$(sed -n '/^complete /s/.* -l \([a-z0-9-]*\).*/--\1/p' "$src/$dir/completions/$name.fish" |
                sort -u | oneline)"
    else
        skip "fish: $name.fish (no fish here)"
    fi
done
if command -v fish >/dev/null; then
    out=$(fish -c "source $src/searcher/completions/fihris-search.fish
        complete -C 'fihris-search --color '" | cut -f1 | sort | oneline)
    check_eq "fish: --color" "always auto never" "$out"
    out=$(fish -c "source $src/bench/completions/fihris-bench.fish
        complete -C 'fihris-bench index --arabic '" | cut -f1 | sort | oneline)
    check_eq "fish: fihris-bench --arabic" "fihris light10 none snowball" "$out"
fi

finish
