# Shared helpers for the ecconfd scenario tests (tests/check/5*.sh).
# Source it after setting NAME; $1 of the test is the build folder.
# Every daemon runs in the foreground on free loopback ports, in a
# temporary folder that is removed on exit together with the daemon.

BUILD=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCEN=$ROOT/tests/scenario
ECCONFD=$BUILD/ecconfd
SENDEXPECT=$BUILD/tests/sendexpect
T=$(mktemp -d "${TMPDIR:-/tmp}/ecconfd-$NAME.XXXXXX")
PID=
# Helper processes that a test starts in the background; cleanup kills
# those still running.
BG_PIDS=
CHECKS=0
STARTS=0

cleanup() {
    for bg in $BG_PIDS; do
        kill "$bg" 2>/dev/null
    done
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -KILL "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
    echo "$NAME: FAIL: $*" >&2
    if [ -f "$T/daemon.log" ]; then
        echo "--- last lines of the daemon log:" >&2
        tail -n 15 "$T/daemon.log" >&2
    fi
    exit 1
}

pass() {
    CHECKS=$((CHECKS + 1))
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Copy a config template into $T, replacing @NAME@ with the value of the
# shell variable NAME for SMTP, SMTP2, SMTP3, HTTP, ROOT and SCEN.
make_conf() {
    sed -e "s|@SMTP@|${SMTP:-0}|g" -e "s|@SMTP2@|${SMTP2:-0}|g" \
        -e "s|@SMTP3@|${SMTP3:-0}|g" -e "s|@HTTP@|${HTTP:-0}|g" \
        -e "s|@ROOT@|$ROOT|g" \
        -e "s|@SCEN@|$SCEN|g" "$1" > "$T/$2"
}

# Wait until the daemon log has COUNT lines matching PATTERN (5 s).
wait_log() {
    i=0
    while n=$(grep -c -- "$1" "$T/daemon.log" 2>/dev/null)
          [ "${n:-0}" -lt "${2:-1}" ]
    do
        i=$((i + 1))
        [ "$i" -gt 100 ] && fail "timed out waiting for \"$1\" in the log"
        kill -0 "$PID" 2>/dev/null || fail "ecconfd exited early"
        sleep 0.05
    done
}

start_daemon() {
    (cd "$T" && exec "$ECCONFD" -f -w 2 -d 3 -c "$T/$1") \
        >> "$T/daemon.log" 2>&1 &
    PID=$!
    STARTS=$((STARTS + 1))
    wait_log "event=start" "$STARTS"
}

# Require every event line of FILE (those starting with "ts=") to be
# key=value pairs: a bare value has only printable ASCII other than '"',
# '\' and '=', a quoted one escapes '"' and '\' and writes other bytes
# as \xNN. In the foreground the log also contains compiler diagnostics,
# which are not event lines.
check_log_format() {
    python3 - "$1" <<'PY' || fail "malformed event line in $1"
import re, sys
pair = r'[a-z_][a-z0-9_]*=(?:[!#-<>-\[\]-~]+|"(?:[ !#-\[\]-~]|\\["\\]|\\x[0-9a-f]{2})*")'
line_re = re.compile(r'%s(?: %s)*' % (pair, pair))
bad = 0
for raw in open(sys.argv[1], 'rb'):
    line = raw.rstrip(b'\n')
    if not line.startswith(b'ts='):
        continue
    text = line.decode('latin-1')
    if not line_re.fullmatch(text):
        print('malformed: %r' % text, file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
}

# Send SIGTERM and require a clean exit within 10 s.
stop_daemon() {
    kill -TERM "$PID" || fail "cannot signal ecconfd"
    i=0
    while kill -0 "$PID" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -gt 200 ] && fail "ecconfd did not exit after SIGTERM"
        sleep 0.05
    done
    wait "$PID"
    status=$?
    PID=
    [ "$status" -eq 0 ] || fail "ecconfd exited with status $status"
    check_log_format "$T/daemon.log"
}

# Run a sendexpect script given on stdin against PORT; NAME for messages.
converse() {
    port=$1
    what=$2
    "$SENDEXPECT" 127.0.0.1 "$port" - > "$T/se.out" 2>&1 ||
        fail "$what: $(cat "$T/se.out")"
    pass
}

# swaks AUTH against PORT: MECH USER PASSWORD EXPECTED-CODE-OF-LAST-AUTH.
swaks_auth() {
    swaks --server "127.0.0.1:$1" --auth "$2" --auth-user "$3" \
        --auth-password "$4" --quit-after AUTH --timeout 10 \
        > "$T/swaks.out" 2>&1
    grep -q "^<[-*]*  *$5 " "$T/swaks.out" ||
        fail "swaks $2 $3: expected $5, got: $(grep '^<' "$T/swaks.out" |
            tail -n 2 | tr '\n' ' ')"
    pass
}

done_ok() {
    echo "$NAME: $CHECKS checks passed"
}
