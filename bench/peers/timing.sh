# timing.sh - whole-process timing shared by bench/peers/omega.sh and
# bench/compare.sh (sourced by bash, not run).
#
# peer_time_processes N LINES_FILE CMD [ARG...]
#   For each of the first N lines of LINES_FILE, runs `CMD ARG... LINE`
#   with stdout and stderr to /dev/null: once untimed (to warm the page
#   cache), then once timed with `date +%s%N` around the process. Prints
#   "COUNT P50_MS P95_MS" (nearest rank on the sorted times, index
#   (size_t)(p/100*(n-1)+0.5), as fihris-bench computes its percentiles).
#   The times include starting one `date` process (see peer_time_floor).
peer_time_processes() {
    local n=$1 file=$2 line t0 t1 times
    shift 2
    times=$(mktemp)
    head -n "$n" "$file" | while IFS= read -r line; do
        "$@" "$line" >/dev/null 2>&1 || true
    done
    head -n "$n" "$file" | while IFS= read -r line; do
        t0=$(date +%s%N)
        "$@" "$line" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        echo $((t1 - t0))
    done >"$times"
    sort -n "$times" | awk '
        { v[NR - 1] = $1 }
        END {
            n = NR
            if (n == 0) { print "0 0 0"; exit }
            i50 = int(0.50 * (n - 1) + 0.5); i95 = int(0.95 * (n - 1) + 0.5)
            printf "%d %.3f %.3f\n", n, v[i50] / 1e6, v[i95] / 1e6
        }'
    rm -f "$times"
}

# peer_queries_only QUERIES_FILE: the query of each line (the part after a
# tab when there is one), a byte order mark, blank and '#' comment lines
# dropped, trailing CR and spaces cut (as fihris-bench reads query files).
peer_queries_only() {
    sed -e '1s/^\xef\xbb\xbf//' -e '/^[[:space:]]*#/d' -e 's/^[^\t]*\t//' -e 's/[\r ]*$//' -e '/^$/d' "$1"
}
