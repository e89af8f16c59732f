#!/bin/sh
# A tour of ecconf and ecconfd on examples/ecelerity.conf, after `make`:
# check the file, run the daemon on a copy of examples/ in a temporary
# folder, authenticate with swaks and curl, read the SQLite auth log and
# stop the daemon with SIGTERM. Each command is printed before its output.
# The daemon listens on 127.0.0.1 only (ports 2525, 2526 and 8025, or free
# ones when those are taken) and nothing is left running.
#
#   sh scripts/demo.sh          BUILD=folder picks another build folder
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$root/${BUILD:-build}" 2>/dev/null && pwd) || build=
if [ -z "$build" ] || [ ! -x "$build/ecconf" ] || [ ! -x "$build/ecconfd" ]
then
    echo "demo: build/ecconf and build/ecconfd not found; run make first" >&2
    exit 1
fi
for tool in swaks curl sqlite3 python3; do
    command -v "$tool" > /dev/null 2>&1 || {
        echo "demo: $tool not found; run sh scripts/install-deps.sh" >&2
        exit 1
    }
done
PATH=$build:$PATH
export PATH

dir=$(mktemp -d "${TMPDIR:-/tmp}/ecconf-demo.XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Print a command as a user would type it (arguments with spaces or
# shell characters in single quotes), then run it.
show() {
    line=
    for arg in "$@"; do
        case $arg in
            *[!A-Za-z0-9_./:=@%+,-]*|'')
                arg="'$(printf '%s' "$arg" | sed "s/'/'\\\\''/g")'" ;;
        esac
        line="$line${line:+ }$arg"
    done
    printf '\n$ %s\n' "$line"
    "$@"
}

# 0 when nothing on this machine listens on 127.0.0.1:PORT. SO_REUSEADDR
# as the daemon sets it, so connections of an earlier run in TIME_WAIT do
# not count.
port_free() {
    python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Write the daemon's copy of ecelerity.conf with the ports in SMTP, SMTP2
# and HTTP in place of 2525, 2526 and 8025.
write_conf() {
    sed -e "s/127\.0\.0\.1:2525\"/127.0.0.1:$SMTP\"/" \
        -e "s/127\.0\.0\.1:2526\"/127.0.0.1:$SMTP2\"/" \
        -e "s/127\.0\.0\.1:8025\"/127.0.0.1:$HTTP\"/" \
        "$root/examples/ecelerity.conf" > "$dir/ecelerity.conf"
}

# Start ecconfd in the background and wait for its start line (10 s at
# most). Returns 1, with pid cleared, when it exits before that.
start_daemon() {
    printf '$ ecconfd -f -c ecelerity.conf 2> ecconfd.log &\n'
    ecconfd -f -c ecelerity.conf 2> ecconfd.log &
    pid=$!
    i=0
    until grep -q 'event=start' ecconfd.log; do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" || true
            pid=
            return 1
        fi
        i=$((i + 1))
        if [ "$i" -gt 200 ]; then
            echo "demo: ecconfd did not start within 10 s; its log:" >&2
            cat ecconfd.log >&2
            exit 1
        fi
        sleep 0.05
    done
}

cd "$root"
show ecconf --check examples/ecelerity.conf

# The daemon runs on a copy, so its logs, spool and database stay out of
# the source tree. A port that is taken is replaced in the copy.
cp examples/ac_auth.lua examples/passwd "$dir/"
SMTP=2525 SMTP2=2526 HTTP=8025
for name in SMTP SMTP2 HTTP; do
    eval "p=\$$name"
    if ! port_free "$p"; then
        new=$(free_port)
        echo "(port $p is taken: the copy uses $new instead)"
        eval "$name=$new"
    fi
done
write_conf

cd "$dir"
printf '\n$ cd %s\n' "$dir"
# Another program can take a port between the check above and the bind,
# so a start that fails with "Address already in use" is retried twice,
# each time on new free ports.
attempt=1
until start_daemon; do
    if [ "$attempt" -ge 3 ] || ! grep -q 'Address already in use' ecconfd.log
    then
        echo "demo: ecconfd exited at start; its log:" >&2
        cat ecconfd.log >&2
        exit 1
    fi
    sed -n 's/^ecconfd: error: \(.*\)$/(\1: retrying on new free ports)/p' \
        ecconfd.log
    SMTP=$(free_port) SMTP2=$(free_port) HTTP=$(free_port)
    write_conf
    attempt=$((attempt + 1))
done
show cat ecconfd.log

# LOGIN and PLAIN through ac_auth:// and examples/ac_auth.lua: the right
# password, the password the hook turns away with its own reply, and a
# wrong one.
server=127.0.0.1:$SMTP
show swaks --server "$server" --auth LOGIN --auth-user "Test User" \
    --auth-password test2006 --quit-after AUTH --hide-informational
show swaks --server "$server" --auth PLAIN --auth-user "Test User" \
    --auth-password test2006 --quit-after AUTH --hide-informational
# swaks exits 28 when AUTH fails, as expected here.
show swaks --server "$server" --auth LOGIN --auth-user "Test User" \
    --auth-password testx --quit-after AUTH --hide-informational || true
show swaks --server "$server" --auth PLAIN --auth-user "Test User" \
    --auth-password wrong --quit-after AUTH --hide-informational || true

# HTTP Basic on the HTTP_Listener, then the status page.
url=http://127.0.0.1:$HTTP/status
show curl -s -o /dev/null -w '%{http_code}\n' -u "Test User:test2006" "$url"
show curl -s -o /dev/null -w '%{http_code}\n' -u "Test User:wrong" "$url"
show curl -s -u "Test User:test2006" "$url"
echo

# The writer commits once per batch window (200 ms).
sleep 0.5
show sqlite3 -readonly -header -column authlog.db \
    "SELECT ts, mechanism, scheme, username, result, reply_code
     FROM auth_events ORDER BY id DESC LIMIT 8"
show sqlite3 -readonly -header -column authlog.db \
    "SELECT * FROM auth_fail_by_addr_hour"

printf '\n$ kill -TERM %s; wait %s; echo "exit status $?"\n' "$pid" "$pid"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
echo "exit status $status"
show tail -n 3 ecconfd.log
[ "$status" -eq 0 ]
