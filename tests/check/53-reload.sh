#!/bin/sh
# ecconfd reload and stop: SIGHUP with a broken file keeps the running
# configuration (and logs the reason), a changed password file takes
# effect on the next reload, a Listen on a port in use rejects the reload
# with a well-formed log line, a new Listen opens and a removed one
# closes, and SIGTERM exits cleanly, removing the pid file.
NAME=53-reload
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
SMTP2=$(free_port)
HTTP=$(free_port)
make_conf "$SCEN/smtp.conf" smtp.conf
cp "$SCEN/passwd" "$SCEN/passwd.digest" "$T/"
start_daemon smtp.conf
[ -f "$T/ecconfd.pid" ] || fail "no pid file"
[ "$(cat "$T/ecconfd.pid")" = "$PID" ] || fail "pid file content"
pass

# A session opened before a reload finishes on its own generation.
mkfifo "$T/held"
"$SENDEXPECT" 127.0.0.1 "$SMTP" "$T/held" > "$T/held.out" 2>&1 &
HELD=$!
exec 7> "$T/held"
printf '< 220\n> EHLO held.test\n< 250\n' >&7

# Broken file: reload rejected, old config keeps serving.
cp "$T/smtp.conf" "$T/good.conf"
echo 'ESMTP_Listener { Listen "127.0.0.1:1" {' >> "$T/smtp.conf"
kill -HUP "$PID"
wait_log "event=reload_rejected"
grep -q 'event=reload_failed error=.*smtp.conf:[0-9]*:[0-9]*: error:' \
    "$T/daemon.log" || fail "reload error not logged with file:line"
# In the foreground stderr is the event log: one key=value event a line,
# with no caret diagnostics in between.
if grep -v '^ts=' "$T/daemon.log" > "$T/not-events"; then
    fail "non-event lines in the log: $(head -n 3 "$T/not-events")"
fi
pass
swaks_auth "$SMTP" PLAIN bob secret 235

# A new Listen on a port that another process holds: the error text has
# quotes of its own, and the log line escapes them.
python3 - "$T/busy.port" "$T/busy.stop" <<'PY' &
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
for _ in range(600):
    if os.path.exists(sys.argv[2]):
        break
    time.sleep(0.05)
PY
BUSY_PID=$!
BG_PIDS="$BG_PIDS $BUSY_PID"
i=0
until [ -s "$T/busy.port" ]; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "the port holder did not start"
    sleep 0.05
done
BUSY=$(cat "$T/busy.port")
sed "s|127.0.0.1:$SMTP2|127.0.0.1:$BUSY|" "$T/good.conf" > "$T/smtp.conf"
kill -HUP "$PID"
wait_log "event=reload_rejected" 2
grep -q "event=reload_failed error=\"cannot listen on \\\\\"127.0.0.1:$BUSY\\\\\": " \
    "$T/daemon.log" ||
    fail "busy port: no reload_failed line with escaped quotes"
grep -q 'event=reload_rejected generation=1 reason="cannot apply' \
    "$T/daemon.log" || fail "busy port: reload_rejected without a reason"
check_log_format "$T/daemon.log"
touch "$T/busy.stop"
wait "$BUSY_PID"
swaks_auth "$SMTP" PLAIN bob secret 235

# An unreadable password file is a build error too.
sed 's|file://passwd|file://missing-passwd|' "$T/good.conf" > "$T/smtp.conf"
kill -HUP "$PID"
wait_log "event=reload_rejected" 3
grep -q 'missing-passwd' "$T/daemon.log" || fail "missing file not named"
swaks_auth "$SMTP" PLAIN bob secret 235

# Changed password: takes effect after a good reload.
cp "$T/good.conf" "$T/smtp.conf"
sed 's/^bob:secret$/bob:newsecret/' "$SCEN/passwd" > "$T/passwd"
swaks_auth "$SMTP" PLAIN bob secret 235
kill -HUP "$PID"
wait_log "event=reload_done"
swaks_auth "$SMTP" PLAIN bob newsecret 235
swaks_auth "$SMTP" PLAIN bob secret 535

# The held session still runs on generation 1, then ends normally.
printf '> AUTH PLAIN AGJvYgBzZWNyZXQ=\n< 235\n> QUIT\n< 221\n' >&7
exec 7>&-
wait "$HELD" || fail "held session: $(cat "$T/held.out")"
pass

# Move the second Listen to a new port: the old one closes.
NEW=$(free_port)
sed "s|127.0.0.1:$SMTP2|127.0.0.1:$NEW|" "$T/good.conf" > "$T/smtp.conf"
kill -HUP "$PID"
wait_log "event=reload_done" 2
converse "$NEW" "new Listen" <<'S'
< 220
S
# Each worker accepts on its own dup() of the socket until it has taken
# the new generation, so the old port may accept briefly after
# reload_done: poll for up to 5 s.
i=0
while "$SENDEXPECT" 127.0.0.1 "$SMTP2" /dev/null 2> /dev/null; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "removed Listen still accepts after 5 s"
    sleep 0.05
done
pass

stop_daemon
[ ! -e "$T/ecconfd.pid" ] || fail "pid file left behind"
grep -q 'event=stop signal=TERM' "$T/daemon.log" || fail "no stop event"
pass
done_ok
