#!/bin/sh
# ecconfd HTTP_Listener with curl: Basic auth (200, 401 with the
# challenge, wrong password), /status as JSON, 404, and the request lines
# Log_Requests_to_Paniclog writes, which never show credentials.
NAME=52-http
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
SMTP2=$(free_port)
HTTP=$(free_port)
make_conf "$SCEN/smtp.conf" smtp.conf
# Every Basic attempt of this test goes to the auth log.
sed -i 's|realm = "scenario" \]|realm = "scenario" log_authentication = "true" ]|' \
    "$T/smtp.conf"
cp "$SCEN/passwd" "$SCEN/passwd.digest" "$T/"
start_daemon smtp.conf
URL=http://127.0.0.1:$HTTP

code() {
    curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@"
}

[ "$(code "$URL/status")" = 401 ] || fail "no credentials: not 401"
grep -qi '^WWW-Authenticate: Basic realm="scenario", charset="UTF-8"' \
    "$T/headers" || fail "challenge header: $(cat "$T/headers")"
pass

[ "$(code -u bob:wrong "$URL/status")" = 401 ] || fail "wrong password"
[ "$(code -u nobody:secret "$URL/status")" = 401 ] || fail "unknown user"
[ "$(code -H 'Authorization: Basic %%%' "$URL/status")" = 401 ] ||
    fail "bad base64"
[ "$(code -H 'Authorization: Bearer abc' "$URL/status")" = 401 ] ||
    fail "other scheme"
pass

[ "$(code -u bob:secret "$URL/status")" = 200 ] || fail "good password"
grep -qi '^Content-Type: application/json' "$T/headers" ||
    fail "status content type"
jq -e '.listeners | length == 3' "$T/body" > /dev/null ||
    fail "status listeners: $(cat "$T/body")"
jq -e --arg l "127.0.0.1:$HTTP" '.listeners[] | select(.listen == $l) |
    .auth_pass == 1 and .auth_fail == 2 and .connections >= 6' \
    "$T/body" > /dev/null || fail "status counters: $(cat "$T/body")"
pass

[ "$(code -u "Test User:test2006" "$URL/nothing")" = 404 ] || fail "not 404"
[ "$(code -u bob:secret -X POST "$URL/status")" = 405 ] || fail "not 405"
pass

# Unusual Basic credentials each leave one row: undecodable ones as
# malformed with a reason, the others with the user-id byte for byte,
# cut at 1,024 bytes.
basic() {
    curl -s -o /dev/null -w '%{http_code}' \
        -H "Authorization: Basic $1" "$URL/status"
}
# A bytes expression is sent base64-encoded, a str expression as is.
token() {
    python3 -c 'import base64, sys
v = eval(sys.argv[1])
if isinstance(v, bytes):
    v = base64.b64encode(v).decode()
sys.stdout.write(v)' "$1"
}
for v in '"!!!!"' 'b"nocolon"' 'b"new\nline:pw"' 'b"t\tab:pw"' \
         'b"n\0ul:pw"' 'b"u" * 4000 + b":pw"' 'b"u" * 10000 + b":pw"' \
         '"A" * 50000'; do
    token=$(token "$v")
    [ "$(basic "$token")" = 401 ] || fail "Basic $v: not 401"
done
pass
db() {
    sqlite3 "$T/auth.db" "$1"
}
i=0
# The too long value is sent last, so its row comes last.
until [ "$(db "SELECT count(*) FROM auth_events
              WHERE reason = 'header_too_long'")" -ge 1 ]; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "malformed Basic rows missing: $(db \
        "SELECT reason, hex(username) FROM auth_events
         WHERE mechanism = 'BASIC'")"
    sleep 0.05
done
for r in bad_base64 missing_colon header_too_long; do
    [ "$(db "SELECT count(*) FROM auth_events WHERE reason = '$r'")" -ge 1 ] ||
        fail "no malformed row with reason $r"
done
[ "$(db "SELECT count(*) FROM auth_events WHERE reason =
         'control_character' AND username IN (CAST(X'6E65770A6C696E65' AS
         TEXT), CAST(X'740961620A' AS TEXT), CAST(X'74096162' AS TEXT),
         CAST(X'6E00756C' AS TEXT))")" = 3 ] ||
    fail "control characters: user-ids not stored byte for byte"
[ "$(db "SELECT group_concat(username_len || '/' || username_truncated ||
         '/' || length(CAST(username AS BLOB))) FROM auth_events
         WHERE username_len >= 4000 ORDER BY username_len")" = \
    "4000/1/1024,10000/1/1024" ] || fail "long user-ids not cut at 1,024"
pass
if grep -q -e ':pw' "$T/daemon.log"; then
    fail "password in the log"
fi
stop_daemon
grep -q "event=http_request .*uri=/status .*status=200 bytes=[0-9]" \
    "$T/daemon.log" || fail "no request line in the log"
grep -q "event=http_request .*uri=/nothing .*status=404" "$T/daemon.log" ||
    fail "no 404 request line"
if grep -q -e secret -e test2006 -e Authorization "$T/daemon.log"; then
    fail "credentials in the log"
fi
pass
done_ok
