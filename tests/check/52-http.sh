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
