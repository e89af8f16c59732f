#!/bin/sh
# ecconfd shutdown with a Lua hook stuck in one C call (a backtracking
# string.find): SIGTERM still ends the process within the drain time plus
# the grace. The log names the stuck worker, the auth log is flushed and
# closed, the pid file is removed and the status is 1.
NAME=58-stop-stuck
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
make_conf "$SCEN/stuck.conf" stuck.conf
(cd "$T" && exec "$ECCONFD" -f -w 2 -d 1 -c "$T/stuck.conf") \
    >> "$T/daemon.log" 2>&1 &
PID=$!
wait_log "event=start"

# A normal attempt first: its row must reach the database at the stop.
converse "$SMTP" "failed attempt before the stop" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN AGJvYgB3cm9uZw==
< 535 5.7.8
S

# "\0stuck\0pw": the hook never returns. The client keeps the
# connection open until it is killed.
python3 - "$SMTP" > "$T/stuck.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(512)
s.sendall(b"EHLO client.test\r\n")
s.recv(512)
s.sendall(b"AUTH PLAIN AHN0dWNrAHB3\r\n")
time.sleep(60)
PY
BG_PIDS="$BG_PIDS $!"
sleep 0.5
kill -0 "$PID" 2>/dev/null || fail "ecconfd exited before SIGTERM"

# Drain 1 s plus a grace of 2 s; allow 3 s more for a loaded machine.
start=$(date +%s)
kill -TERM "$PID"
i=0
while kill -0 "$PID" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt 120 ] && fail "ecconfd still runs 6 s after SIGTERM"
    sleep 0.05
done
wait "$PID"
status=$?
PID=
elapsed=$(($(date +%s) - start))
[ "$status" -eq 1 ] || fail "exit status $status, expected 1"
[ "$elapsed" -ge 2 ] || fail "exited after ${elapsed} s, before the drain"
pass

grep -q 'level=error event=stop_timeout workers=[0-9]' "$T/daemon.log" ||
    fail "no stop_timeout line naming the stuck worker"
grep -q 'event=authlog_stop ' "$T/daemon.log" ||
    fail "the auth log was not closed"
grep -q 'event=exit status=1' "$T/daemon.log" || fail "no exit line"
[ ! -e "$T/ecconfd.pid" ] || fail "pid file left behind"
check_log_format "$T/daemon.log"
pass

rows=$(sqlite3 "$T/auth.db" \
    "SELECT count(*) FROM auth_events WHERE username = 'bob'")
[ "$rows" = 1 ] || fail "bob's attempt: $rows rows, expected 1"
pass
done_ok
