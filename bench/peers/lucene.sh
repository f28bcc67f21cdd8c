# shellcheck shell=bash
# lucene.sh - the Lucene 4.10 peer for bench/compare.sh and
# bench/relevance.sh (sourced by bash, not run). The peer is
# bench/peers/LucenePeer.java, compiled here with javac, not by CMake.
#
# Debian 12 packages: default-jdk-headless (java, javac) and
# liblucene4.10-java (the jars in /usr/share/java). LUCENE_JAR_DIR picks
# another folder of lucene-*-4.10.*.jar files.
#
# peer_lucene_build OUT_DIR
#   Compiles LucenePeer.java into OUT_DIR and sets LUCENE_CP to the class
#   path that runs it (`java -cp "$LUCENE_CP" LucenePeer ...`). Returns 0,
#   or 1 with one line on stderr saying what is missing (java, javac, a
#   jar) or that javac failed; LUCENE_CP is then empty.
peer_lucene_build() {
    local out=$1 dir=${LUCENE_JAR_DIR:-/usr/share/java} jars="" m j
    LUCENE_CP=""
    for m in java javac; do
        if ! command -v "$m" >/dev/null 2>&1; then
            echo "lucene: no $m (Debian: default-jdk-headless): skipping the Lucene peer" >&2
            return 1
        fi
    done
    # highlighter uses memory (MemoryIndex) and queries for phrase snippets.
    for m in core analyzers-common queryparser highlighter memory queries; do
        j=$(find "$dir" -maxdepth 1 -name "lucene-$m-4.10.*.jar" 2>/dev/null | sort | tail -n 1)
        if [ -z "$j" ]; then
            echo "lucene: no lucene-$m-4.10.*.jar in $dir (Debian: liblucene4.10-java):" \
                "skipping the Lucene peer" >&2
            return 1
        fi
        jars=${jars:+$jars:}$j
    done
    mkdir -p "$out"
    if ! javac -nowarn -encoding UTF-8 -cp "$jars" -d "$out" \
        "$(dirname "${BASH_SOURCE[0]}")/LucenePeer.java" >"$out/javac.log" 2>&1; then
        echo "lucene: javac failed (see below): skipping the Lucene peer" >&2
        cat "$out/javac.log" >&2
        return 1
    fi
    # shellcheck disable=SC2034 # read by the scripts that source this file
    LUCENE_CP=$out:$jars
}

# peer_lucene_version: the Debian version of liblucene4.10-java, or "?".
peer_lucene_version() {
    dpkg-query -W -f='${Version}' liblucene4.10-java 2>/dev/null || echo "?"
}
