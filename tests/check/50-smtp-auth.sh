#!/bin/sh
# ecconfd SMTP AUTH with a real client (swaks): LOGIN, PLAIN and CRAM-MD5
# against file://, ac_auth:// (the example Lua hook) and digest://, chosen
# per client address through Peer scopes; then the acctlog and the SQLite
# auth log, which hold only mechanisms with log_authentication and never
# a password. Then a PLAIN authzid other than the user and a shutdown
# mid-AUTH, as rows. Last, an auth log that cannot be opened stops the
# start, and one that fails later does not change any AUTH reply.
NAME=50-smtp-auth
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
SMTP2=$(free_port)
HTTP=$(free_port)
make_conf "$SCEN/smtp.conf" smtp.conf
cp "$SCEN/passwd" "$SCEN/passwd.digest" "$T/"
start_daemon smtp.conf

swaks_auth "$SMTP" LOGIN "Test User" test2006 235
swaks_auth "$SMTP" LOGIN "Test User" wrong 535
swaks_auth "$SMTP" LOGIN nobody test2006 535
swaks_auth "$SMTP" PLAIN bob secret 235
swaks_auth "$SMTP" PLAIN bob wrong 535
swaks_auth "$SMTP" CRAM-MD5 bob secret 235
swaks_auth "$SMTP" CRAM-MD5 bob wrong 535

# From 127.0.0.2 the Listen's Peer routes LOGIN to the Lua hook and
# PLAIN to the digest store.
peer_auth() {
    swaks --server "127.0.0.1:$SMTP" --local-interface 127.0.0.2 \
        --auth "$1" --auth-user "$2" --auth-password "$3" \
        --quit-after AUTH --timeout 10 > "$T/swaks.out" 2>&1
    grep -q "^<[-*]*  *$4" "$T/swaks.out" ||
        fail "peer $1 $2: expected \"$4\", got: $(grep '^<' "$T/swaks.out" |
            tail -n 1)"
    pass
}
peer_auth LOGIN "Test User" test2006 "235 2.7.0"
peer_auth LOGIN "Test User" testx "531 Get out of town"
peer_auth LOGIN "Test User" other "535 5.7.8"
peer_auth PLAIN carol digestpw "235 2.7.0"
peer_auth PLAIN carol wrong "535 5.7.8"

# The Peer's SMTP_Extensions drop CRAM-MD5 for 127.0.0.2.
swaks --server "127.0.0.1:$SMTP" --local-interface 127.0.0.2 \
    --quit-after EHLO > "$T/swaks.out" 2>&1
grep -q '250-AUTH LOGIN PLAIN$' "$T/swaks.out" ||
    fail "peer EHLO: $(grep AUTH "$T/swaks.out")"
pass

stop_daemon

# log_authentication is on for the listener's LOGIN only, not for the
# Peer's: 3 LOGIN attempts from 127.0.0.1, one pass.
lines=$(wc -l < "$T/acctlog.ec")
[ "$lines" -eq 3 ] || fail "acctlog: expected 3 lines, got $lines"
grep -q "@N@127.0.0.1:$SMTP@127.0.0.1:[0-9]*@Test User@1\$" "$T/acctlog.ec" ||
    fail "acctlog has no pass record: $(head -n 1 "$T/acctlog.ec")"
pass

# The database follows the same switch: the 3 LOGIN attempts of the
# listener are rows; PLAIN and CRAM-MD5 (no log_authentication) and the
# Peer's mechanisms are not.
rows=$(sqlite3 "$T/auth.db" "SELECT count(*) FROM auth_events")
[ "$rows" -eq 3 ] || fail "auth_events: expected 3 rows, got $rows"
res=$(sqlite3 "$T/auth.db" "SELECT group_concat(mechanism || ':' || result
    || ':' || reply_code || ':' || scheme) FROM
    (SELECT * FROM auth_events ORDER BY id)")
[ "$res" = "LOGIN:pass:235:file,LOGIN:fail:535:file,LOGIN:fail:535:file" ] ||
    fail "auth_events rows: $res"
pass

for secret in test2006 secret digestpw testx; do
    if grep -a -q "$secret" "$T/auth.db" "$T/acctlog.ec" "$T/daemon.log" \
            "$T"/auth.db-wal 2>/dev/null; then
        fail "a password appears in a log or the auth database"
    fi
done
pass

# With log_authentication on PLAIN too: an authorization identity other
# than the user gets 535, and its row names the authcid and the reason.
# A shutdown in the middle of an AUTH exchange is recorded as aborted,
# with no acctlog line, since "T" in the acctlog means an idle timeout.
rm -f "$T/auth.db" "$T/auth.db-wal" "$T/auth.db-shm" "$T/acctlog.ec"
sed 's|\(AuthPlainParameters = \[ uri = "file://passwd"\) \]|\1 log_authentication = "true" ]|' \
    "$T/smtp.conf" > "$T/plain.conf"
grep -q 'AuthPlainParameters = .* log_authentication' "$T/plain.conf" ||
    fail "plain.conf: log_authentication not set on PLAIN"
start_daemon plain.conf
# base64 of "admin NUL Test User NUL test2006"
converse "$SMTP" "PLAIN with a foreign authzid" <<'S'
< 220
> EHLO client.test
< 250
> AUTH PLAIN YWRtaW4AVGVzdCBVc2VyAHRlc3QyMDA2
< 535 5.7.8
S
python3 - "$SMTP" "$T/held.ready" > "$T/held.out" 2>&1 <<'PY' &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
f = s.makefile("rwb")
def reply():
    while True:
        line = f.readline().decode()
        if line[3:4] != "-":
            return line.strip()
reply()
for cmd in (b"EHLO client.test", b"AUTH LOGIN", b"VGVzdCBVc2Vy"):
    f.write(cmd + b"\r\n")
    f.flush()
    got = reply()
open(sys.argv[2], "w").write(got + "\n")
print(reply())
PY
HELD_PID=$!
BG_PIDS="$BG_PIDS $HELD_PID"
i=0
until [ -s "$T/held.ready" ]; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "held AUTH LOGIN session did not start"
    sleep 0.05
done
grep -q '^334 ' "$T/held.ready" ||
    fail "held AUTH LOGIN: expected 334, got $(cat "$T/held.ready")"
stop_daemon
wait "$HELD_PID"
grep -q '^421 4.3.2 ' "$T/held.out" ||
    fail "held AUTH LOGIN at shutdown: $(cat "$T/held.out")"
pass
res=$(sqlite3 "$T/auth.db" "SELECT group_concat(mechanism || ':' || result
    || ':' || reply_code || ':' || username || ':' || reason, '|') FROM
    (SELECT * FROM auth_events ORDER BY id)")
[ "$res" = "PLAIN:fail:535:Test User:authzid_not_supported|LOGIN:aborted:421:Test User:shutdown" ] ||
    fail "authzid and shutdown rows: $res"
pass
lines=$(wc -l < "$T/acctlog.ec")
[ "$lines" -eq 1 ] || fail "acctlog after authzid and shutdown: $lines lines"
grep -q "@N@127.0.0.1:$SMTP@127.0.0.1:[0-9]*@Test User@0\$" "$T/acctlog.ec" ||
    fail "acctlog has no authzid record: $(cat "$T/acctlog.ec")"
if grep -a -q test2006 "$T/auth.db" "$T/acctlog.ec" "$T"/auth.db-wal \
        2>/dev/null; then
    fail "the PLAIN password appears in the auth log"
fi
pass

# A database in a missing folder: the start fails with a clear error.
sed 's|database = "auth.db"|database = "logs/auth.db"|' "$T/smtp.conf" \
    > "$T/logs.conf"
(cd "$T" && exec "$ECCONFD" -f -w 1 -c "$T/logs.conf") > "$T/start.log" 2>&1
status=$?
[ "$status" -eq 1 ] || fail "missing auth log folder: exit status $status"
grep -q 'level=error event=error error="cannot open the auth log: .*logs/auth.db' \
    "$T/start.log" || fail "missing auth log folder: $(cat "$T/start.log")"
pass

# Once started, losing the database folder changes no AUTH reply; the
# writer reports the error and creates the file again when it can.
mkdir "$T/logs"
start_daemon logs.conf
swaks_auth "$SMTP" LOGIN "Test User" test2006 235
rm -rf "$T/logs"
swaks_auth "$SMTP" LOGIN "Test User" test2006 235
swaks_auth "$SMTP" LOGIN "Test User" wrong 535
swaks_auth "$SMTP" PLAIN bob secret 235
wait_log "event=authlog_error"
mkdir "$T/logs"
swaks_auth "$SMTP" LOGIN "Test User" test2006 235
stop_daemon
rows=$(sqlite3 "$T/logs/auth.db" "SELECT count(*) FROM auth_events")
[ "${rows:-0}" -ge 1 ] || fail "no rows after the folder came back"
pass
done_ok
