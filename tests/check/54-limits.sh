#!/bin/sh
# ecconfd limits and failures: Idle_Time (421 4.4.2, also mid-AUTH),
# Listener_Sessions (421 4.7.0), a Lua hook error as a temporary failure
# (SMTP 454 4.7.0, HTTP 503), a SIGTERM drain that waits for a session
# and then closes it, and the scriptlet limits max_instructions and
# max_memory.
NAME=54-limits
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
SMTP2=$(free_port)
HTTP=$(free_port)
make_conf "$SCEN/tempfail.conf" tempfail.conf
start_daemon tempfail.conf

converse "$SMTP" "hook error is 454" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN AGJvb20AYm9vbQ==
< 454 4.7.0
> AUTH PLAIN AG9rAG9r
< 235 2.7.0
S
grep -q 'event=auth_tempfail .*mechanism=PLAIN' "$T/daemon.log" ||
    fail "tempfail not logged"
pass

code=$(curl -s -o /dev/null -w '%{http_code}' -u boom:boom \
    "http://127.0.0.1:$HTTP/status")
[ "$code" = 503 ] || fail "HTTP hook error: $code, expected 503"
code=$(curl -s -o /dev/null -w '%{http_code}' -u ok:ok \
    "http://127.0.0.1:$HTTP/status")
[ "$code" = 200 ] || fail "HTTP hook pass: $code"
pass

converse "$SMTP" "idle timeout" <<'S'
< 220
> EHLO client.test
< 250
sleep 1500
< 421 4.4.2
eof
S
converse "$SMTP" "idle timeout mid-AUTH" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN
< 334
sleep 1500
< 421 4.4.2
eof
S

# Listener_Sessions = 1 on the second Listen.
mkfifo "$T/held"
"$SENDEXPECT" 127.0.0.1 "$SMTP2" "$T/held" > "$T/held.out" 2>&1 &
HELD=$!
exec 7> "$T/held"
printf '< 220\n' >&7
sleep 0.3
converse "$SMTP2" "session cap" <<'S'
< 421 4.7.0
eof
S

# SIGTERM: the held session may finish within the drain time (3 s).
kill -TERM "$PID"
wait_log "event=stop"
printf '> NOOP\n< 250\n> QUIT\n< 221\n' >&7
exec 7>&-
wait "$HELD" || fail "session during drain: $(cat "$T/held.out")"
pass
i=0
while kill -0 "$PID" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "no exit after the last session closed"
    sleep 0.05
done
wait "$PID" || fail "exit status after drain"
PID=
pass

# A session still open at the end of the drain time gets 421 4.3.2.
start_daemon tempfail.conf
mkfifo "$T/held2"
"$SENDEXPECT" 127.0.0.1 "$SMTP2" "$T/held2" > "$T/held2.out" 2>&1 &
HELD=$!
exec 8> "$T/held2"
printf '< 220\n> EHLO c\n< 250\n' >&8
sleep 0.3
kill -TERM "$PID"
printf '< 421 4.3.2\n' >&8
exec 8>&-
wait "$HELD" || fail "drain timeout reply: $(cat "$T/held2.out")"
i=0
while kill -0 "$PID" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "no exit after the drain time"
    sleep 0.05
done
wait "$PID" || fail "exit status after a forced drain"
PID=
grep -q 'event=drain_timeout' "$T/daemon.log" || fail "drain not logged"
pass

# scriptlet limits: max_instructions = 1000 stops a looping hook and
# max_memory = 4 MiB stops one that allocates; both are temporary
# failures, and the same worker still answers the next attempt.
make_conf "$SCEN/limits.conf" limits.conf
start_daemon limits.conf
converse "$SMTP" "scriptlet limits" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN AGxvb3AAeA==
< 454 4.7.0
> AUTH PLAIN AGhvZwB4
< 454 4.7.0
> AUTH PLAIN AG9rAG9r
< 235 2.7.0
S
grep -q 'event=auth_tempfail .*instruction limit of 1000 exceeded' \
    "$T/daemon.log" || fail "instruction limit not logged"
pass
grep -q 'event=auth_tempfail .*reason=.*memory' "$T/daemon.log" ||
    fail "memory limit not logged: $(grep auth_tempfail "$T/daemon.log")"
pass
stop_daemon
done_ok
