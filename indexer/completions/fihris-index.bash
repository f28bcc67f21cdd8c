# bash completion for fihris-index (installed as .../completions/fihris-index)

_fihris_index()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    case $prev in
    --db)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return
        ;;
    --exclude | --max-file-size | --max-delete | -j | --jobs | --threads | --commit-every)
        return
        ;;
    esac
    case $cur in
    --wait=*)
        return
        ;;
    -*)
        mapfile -t COMPREPLY < <(compgen -W '--db --exclude --hidden --follow
            --max-file-size --no-delete --max-delete --forget --dry-run --rebuild
            --xapian-positions
            -j --jobs --compact --wait --wait= --threads --commit-every
            -v --verbose -q --quiet -h --help -V --version' -- "$cur")
        [[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
        return
        ;;
    esac
    # SOURCE: folders and page files
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -F _fihris_index fihris-index
