# bash completion for fihris-bench (installed as .../completions/fihris-bench)

_fihris_bench()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local ranking='--k1 --b --title-weight --proximity --coverage --word-forms
        --exact --expand --expand-terms --expand-weight'
    local opts
    COMPREPLY=()
    if [[ $COMP_CWORD -eq 1 && $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W '-h --help -V --version' -- "$cur")
        return
    elif [[ $COMP_CWORD -eq 1 ]]; then
        mapfile -t COMPREPLY < <(compgen -W 'analyze index query relevance knownitem' -- "$cur")
        return
    fi
    case $prev in
    --format)
        mapfile -t COMPREPLY < <(compgen -W 'text json' -- "$cur")
        return
        ;;
    --english)
        mapfile -t COMPREPLY < <(compgen -W 'english porter none' -- "$cur")
        return
        ;;
    --arabic)
        mapfile -t COMPREPLY < <(compgen -W 'fihris light10 snowball none' -- "$cur")
        return
        ;;
    --db | --keep)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return
        ;;
    --corpus | --queries | --docs | --qrels | --run)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    --sort)
        mapfile -t COMPREPLY < <(compgen -W 'relevance date -date' -- "$cur")
        return
        ;;
    --facets)
        local done=${cur%"${cur##*,}"}
        mapfile -t COMPREPLY < <(compgen -P "$done" -W 'site lang year month' -- "${cur##*,}")
        return
        ;;
    --filter | --jobs | --threads | --limit | --repeat | --warmup | --k1 | --b | --title-weight | \
        --proximity | --coverage | --word-forms | --exact | --expand | --expand-terms | \
        --expand-weight)
        return
        ;;
    esac
    case ${COMP_WORDS[1]} in
    analyze) opts='--format' ;;
    index) opts='--corpus --jobs --threads --keep --english --arabic --fold-hamza --format' ;;
    query)
        opts='--db --queries --snippets --limit --repeat --warmup --threads
            --title-weight --proximity --coverage --word-forms --exact --filter --sort --facets
            --no-collapse --format'
        ;;
    relevance) opts="--docs --queries --qrels --run --keep --all $ranking --english --arabic --format" ;;
    knownitem) opts="--db --queries --misses --any $ranking --format" ;;
    *) return ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    elif [[ ${COMP_WORDS[1]} == analyze ]]; then
        # FILE|DIR
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}
complete -F _fihris_bench fihris-bench
