#!/bin/bash
# End-to-end tests of remote shards over SSH, on the loopback only: an
# unreachable ssh:// host fails at once with one line naming it; then an
# sshd of our own on 127.0.0.1 (key-only, its keys made here) serves a
# two-shard index through xapian-progsrv, searched with ssh:// and with a
# stub file's "remote :ssh ..." lines, and compared with the local search.
# fihris runs the ssh that $FIHRIS_SSH names: here a script that adds
# `-F CONFIG`, the ~/.ssh/config of this test.
. "$(dirname "$0")/lib.sh"

src=$WORK/src
cp -R "$FH_SOURCE_DIR/corpus" "$src"
rm -f "$src/demo.sh"
srch() { "$FIHRIS_SEARCH" "$@"; }
# The ids of documents and the estimate of the total differ by design.
strip() { sed 's/"docid":[0-9]*,//g; s/"total_estimate":[0-9]*,//'; }
now_ms() { date +%s%3N; }

# --- Forms fihris refuses, and an index it cannot write ----------------------
out=$(srch --db 'ssh://a.example/srv/x;reboot' marathon 2>&1)
check_eq "a path with shell characters: exit 2" 2 $?
check_contains "…said, before any ssh runs" \
    "fihris-search: ssh://a.example/srv/x;reboot: InvalidArgumentError: the path in ssh://" "$out"
out=$(srch --db 'ssh://-oProxyCommand=x/srv/x' marathon 2>&1)
check_eq "a host that would be an option: exit 2" 2 $?
check_contains "…said" "expected ssh://[USER@]HOST[:PORT]/PATH" "$out"
"$FIHRIS_INDEX" --db ssh://a.example/srv/fihris/index "$src" 2>"$WORK/err"
check_eq "fihris-index refuses an ssh:// index: exit 64" 64 $?
check_contains "…saying where it is updated" "updated on the machine that serves it" "$(cat "$WORK/err")"

if ! command -v ssh >/dev/null; then
    skip_all "ssh: the OpenSSH client is not installed"
fi

# --- An unreachable host: exit 2 in time, one line naming it, no prompt ------
# Port 1 on the loopback: nothing listens. stdin is not a terminal either way.
start=$(now_ms)
out=$(setsid -w "$FIHRIS_SEARCH" --db ssh://127.0.0.1:1/srv/fihris/index marathon 2>&1 </dev/null)
code=$?
took=$(($(now_ms) - start))
check_eq "an unreachable ssh:// host: exit 2" 2 "$code"
check_eq "…in one line naming it and ssh's reason" \
    "fihris-search: ssh://127.0.0.1:1/srv/fihris/index: NetworkError: ssh: connect to host 127.0.0.1 port 1: Connection refused" \
    "$out"
check_eq "…within the 10 s timeout (took ${took} ms)" 1 "$([ "$took" -lt 10000 ] && echo 1)"
check_eq "…and no log file of ssh's left behind" "" "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'fihris-ssh.*' -newer "$WORK" 2>/dev/null)"

# --- An sshd of our own on 127.0.0.1 ------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    skip_all "ssh:// searches: starting sshd needs root"
fi
sshd=/usr/sbin/sshd
if [ ! -x "$sshd" ] || ! command -v ssh-keygen >/dev/null || ! command -v xapian-progsrv >/dev/null; then
    skip_all "ssh:// searches: sshd (openssh-server), ssh-keygen or xapian-progsrv is not installed"
fi
keys=$WORK/ssh
mkdir -m 700 "$keys"
ssh-keygen -q -t ed25519 -N '' -C fihris-test-host -f "$keys/host_key"
ssh-keygen -q -t ed25519 -N '' -C fihris-test-client -f "$keys/client_key"
ssh-keygen -q -t ed25519 -N '' -C fihris-test-search-only -f "$keys/search_key"
cp "$keys/client_key.pub" "$keys/authorized_keys"
# The README's key that may only read the index: sshd runs its command,
# whatever the client asks for.
printf 'command="xapian-progsrv %s",restrict %s\n' "$WORK/two" "$(cat "$keys/search_key.pub")" \
    >>"$keys/authorized_keys"
# sshd's privilege separation folder, made by its service when it starts.
made_run=""
if [ ! -d /run/sshd ]; then
    mkdir -m 755 /run/sshd && made_run=1
fi
sshd_pid=""
# quiet_sshd: wait (5 s at most) until sshd has no connection left, so
# that none of its children outlives it (orphans nobody would reap).
quiet_sshd() {
    for _ in $(seq 1 50); do
        [ -n "$(pgrep -P "$sshd_pid")" ] || return 0
        sleep 0.1
    done
}
stop_sshd() {
    if [ -n "$sshd_pid" ]; then
        quiet_sshd
        kill "$sshd_pid" 2>/dev/null
        wait "$sshd_pid" 2>/dev/null
        sshd_pid=""
    fi
}
trap 'stop_sshd; [ -z "$made_run" ] || rmdir /run/sshd; chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

# start_sshd PORT: start sshd on 127.0.0.1:PORT; status 0 once it answers.
start_sshd() {
    cat >"$keys/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $1
HostKey $keys/host_key
PidFile none
AuthorizedKeysFile $keys/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
EOF
    "$sshd" -D -e -f "$keys/sshd_config" 2>>"$keys/sshd.log" &
    sshd_pid=$!
    for _ in $(seq 1 50); do
        kill -0 "$sshd_pid" 2>/dev/null || break
        if ssh -F "$keys/ssh_config" -o BatchMode=yes -p "$1" 127.0.0.1 true </dev/null 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    kill "$sshd_pid" 2>/dev/null
    wait "$sshd_pid" 2>/dev/null
    sshd_pid=""
    return 1
}
# The client's configuration, as ~/.ssh/config would hold it: names for
# the machine, the keys and the host key it must have.
write_client_config() {
    cat >"$keys/ssh_config" <<EOF
Host search-only
    HostName 127.0.0.1
    Port $1
    IdentityFile $keys/search_key
Host shard-a
    HostName 127.0.0.1
    Port $1
Host *
    User root
    IdentityFile $keys/client_key
    IdentitiesOnly yes
    UserKnownHostsFile $keys/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
EOF
}
port=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    try=$((20000 + RANDOM % 30000))
    write_client_config "$try"
    printf '[127.0.0.1]:%s %s\n' "$try" "$(cut -d' ' -f1-2 "$keys/host_key.pub")" >"$keys/known_hosts"
    if start_sshd "$try"; then
        port=$try
        break
    fi
done
if [ -z "$port" ]; then
    skip_all "ssh:// searches: sshd could not be started on 127.0.0.1 ($(tail -1 "$keys/sshd.log" 2>/dev/null))"
fi
pass "sshd listens on 127.0.0.1:$port, key-only"
printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$keys/ssh_config" >"$keys/ssh"
chmod +x "$keys/ssh"
export FIHRIS_SSH=$keys/ssh

"$FIHRIS_INDEX" --jobs 2 --db "$WORK/two" "$src"
check_eq "a two-shard index" 2 "$(grep -c '^auto ' "$WORK/two/XAPIANDB")"
s1=$(shards "$WORK/two" | sed -n 1p)
s2=$(shards "$WORK/two" | sed -n 2p)

# --- ssh:// searches equal the local ones ---------------------------------------
# One shard by the name ~/.ssh/config gives it, the other by address, port and user.
r1=ssh://shard-a$s1
r2=ssh://root@127.0.0.1:$port$s2
same=0
total=0
for q in marathon "city OR desert" "مدرسه" 'mar*' "title:marathon" "احمد"; do
    total=$((total + 1))
    a=$(srch --db "$WORK/two" --format json -- "$q" | strip)
    b=$(srch --db "$r1" --db "$r2" --format json -- "$q" | strip)
    [ "$a" = "$b" ] && [ -n "$a" ] && same=$((same + 1))
done
check_eq "JSON results (rankings, snippets, highlights) over two ssh:// shards equal the local index's ($total queries)" "$total" "$same"
check_contains "a phrase over ssh:// shards of a word-map index: said" \
    "a remote shard of this index cannot check phrases" \
    "$(srch --db "$r1" --db "$r2" '"old quarter"' 2>&1 >/dev/null)"
check_eq "text results too, with --any and paging" \
    "$(srch --db "$WORK/two" --color never --any --offset 1 --limit 3 city water desert)" \
    "$(srch --db "$r1" --db "$r2" --color never --any --offset 1 --limit 3 city water desert)"
check_eq "--count too" "$(srch --db "$WORK/two" --count city)" "$(srch --db "$r1" --db "$r2" --count city)"
check_eq "the index folder itself over ssh:// (xapian-progsrv reads its stub)" \
    "$(srch --db "$WORK/two" --format json "city OR مدرسه" | strip)" \
    "$(srch --db "ssh://shard-a$WORK/two" --format json "city OR مدرسه" | strip)"
check_eq "--stats through ssh:// shards" "documents       24|shards          2 (2 remote)" \
    "$(srch --db "$r1" --db "$r2" --stats | grep -e '^documents' -e '^shards' | paste -sd '|')"
check_eq "a key that may only run xapian-progsrv on the index: the same results" \
    "$(srch --db "$WORK/two" --format json "city OR مدرسه" | strip)" \
    "$(srch --db "ssh://search-only/srv/fihris/index" --format json "city OR مدرسه" | strip)"
check_eq "…and nothing else: a shell command is not run" "" \
    "$(ssh -F "$keys/ssh_config" -o BatchMode=yes search-only echo ran </dev/null 2>/dev/null | head -c 100 | tr -d '\0' | grep -a ran)"
if [ -n "${FIHRIS_BENCH:-}" ]; then
    printf 'en\tmarathon\nar\tمدرسه\n' >"$WORK/queries.tsv"
    check_contains "fihris-bench query --db ssh://" "hits 2  zero-hit queries 0" \
        "$("$FIHRIS_BENCH" query --db "ssh://shard-a$WORK/two" --queries "$WORK/queries.tsv")"
fi

# --- A stub file listing the shards as remote :ssh ... lines -------------------
# The README's form, with -F for this test's configuration.
cat >"$WORK/cluster" <<EOF
# two machines
remote :ssh -F $keys/ssh_config -o BatchMode=yes shard-a xapian-progsrv $s1
remote :ssh -F $keys/ssh_config -o BatchMode=yes shard-a xapian-progsrv $s2
EOF
check_eq "a stub file with remote :ssh lines" \
    "$(srch --db "$WORK/two" --format json "city OR desert" | strip)" \
    "$(srch --db "$WORK/cluster" --format json "city OR desert" | strip)"
check_eq "--stats through it" "documents       24|shards          2 (2 remote)" \
    "$(srch --db "$WORK/cluster" --stats | grep -e '^documents' -e '^shards' | paste -sd '|')"
check_eq "xapian-delve opens the same stub" "number of documents = 24" \
    "$(xapian-delve "$WORK/cluster" 2>/dev/null | grep 'number of documents')"
sed 's/^remote :ssh/remote ssh/' "$WORK/cluster" >"$WORK/no-colon"
check_eq "a program line without its colon is refused, naming the line" \
    "fihris-search: $WORK/no-colon:2: a program needs a colon before it: remote :PROGRAM ARGS" \
    "$(srch --db "$WORK/no-colon" marathon 2>&1)"

# --- A shard that cannot be opened ------------------------------------------------
gone=ssh://shard-a$WORK/gone
out=$(srch --db "$r1" --db "$gone" marathon 2>&1)
check_eq "a missing remote shard: exit 2" 2 $?
check_eq "…one line naming it" \
    "fihris-search: $gone: DatabaseNotFoundError: REMOTE:Couldn't stat '$WORK/gone' (No such file or directory)" "$out"
out=$(srch --db "$r1" --db "$gone" --allow-partial --format json marathon 2>"$WORK/err")
code=$?
check_contains "--allow-partial: results from the other shard" '"results":[' "$out"
check_eq "--allow-partial: exit by those results" "$(srch --db "$r1" marathon >/dev/null 2>&1; echo $?)" "$code"
check_contains "--allow-partial: a warning names the shard left out" \
    "$gone: left out of this search" "$(cat "$WORK/err")"

# --- Never a prompt: an unknown host key, a user without a key ------------------
: >"$keys/known_hosts"
start=$(now_ms)
out=$(setsid -w "$FIHRIS_SEARCH" --db "$r1" marathon 2>&1 </dev/null)
code=$?
took=$(($(now_ms) - start))
check_eq "an unknown host key: exit 2" 2 "$code"
check_eq "…ssh's reason, no question asked (${took} ms)" \
    "fihris-search: $r1: NetworkError: Host key verification failed." "$out"
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1-2 "$keys/host_key.pub")" >"$keys/known_hosts"
out=$(setsid -w "$FIHRIS_SEARCH" --db "ssh://nobody@shard-a$s1" marathon 2>&1 </dev/null)
check_eq "a user the key does not open: exit 2" 2 $?
check_eq "…no password asked" \
    "fihris-search: ssh://nobody@shard-a$s1: NetworkError: nobody@127.0.0.1: Permission denied (publickey)." "$out"

# --- The sshd stopped: the shard is down -----------------------------------------
stop_sshd
out=$(srch --db "$r1" marathon 2>&1)
check_eq "sshd stopped: exit 2" 2 $?
check_eq "…one line naming the shard" \
    "fihris-search: $r1: NetworkError: ssh: connect to host 127.0.0.1 port $port: Connection refused" "$out"

finish
