# bash completion for fihris-search (installed as .../completions/fihris-search)

_fihris_search()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    case $prev in
    --db)
        # an index folder or a Xapian stub file (or tcp://HOST:PORT)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    --format)
        mapfile -t COMPREPLY < <(compgen -W 'text json' -- "$cur")
        return
        ;;
    --color | --colour)
        mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur")
        return
        ;;
    --highlight)
        mapfile -t COMPREPLY < <(compgen -W 'ansi markers none' -- "$cur")
        return
        ;;
    --sort)
        mapfile -t COMPREPLY < <(compgen -W 'relevance date -date' -- "$cur")
        return
        ;;
    --facets)
        # FIELD[,FIELD]: complete the field after the last comma
        local done=${cur%"${cur##*,}"}
        mapfile -t COMPREPLY < <(compgen -P "$done" -W 'site lang year month' -- "${cur##*,}")
        return
        ;;
    --limit | --offset | --snippet-length | --passages | --analyze | --facet-limit)
        return
        ;;
    esac
    # QUERY words: nothing to complete; a "-word" is a word left out
    [[ $cur == -* ]] || return
    mapfile -t COMPREPLY < <(compgen -W '--db --limit --offset --any --expand
        --count --format --color --highlight --isolates --no-isolates
        --snippet-length --passages --analyze --stats --allow-partial
        --sort --facets --facet-limit --no-collapse
        -q --quiet -h --help -V --version' -- "$cur")
}
complete -F _fihris_search fihris-search
