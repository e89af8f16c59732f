#!/bin/sh
# The documented ac_auth example through real clients. User "Test User"
# with password test2006 passes. testx fails with the hook's own reply
# "531 Get out of town", and any other password fails with 535. The same
# cases run over AUTH LOGIN and AUTH PLAIN (swaks) and HTTP Basic (curl,
# where both failures are 401).
NAME=57-ac-auth-example
. "$(dirname "$0")/../scenario/lib.sh"

SMTP=$(free_port)
HTTP=$(free_port)
make_conf "$SCEN/ac_auth.conf" ac_auth.conf
start_daemon ac_auth.conf

for mech in LOGIN PLAIN; do
    swaks_auth "$SMTP" "$mech" "Test User" test2006 235
    swaks_auth "$SMTP" "$mech" "Test User" testx 531
    grep -q "^<[-*]*  *531 Get out of town" "$T/swaks.out" ||
        fail "$mech testx: no \"531 Get out of town\""
    pass
    swaks_auth "$SMTP" "$mech" "Test User" other 535
    swaks_auth "$SMTP" "$mech" "Someone Else" test2006 535
done

http_code() {
    curl -s -o /dev/null -w '%{http_code}' -u "$1" \
        "http://127.0.0.1:$HTTP/status"
}
for case in "Test User:test2006 200" "Test User:testx 401" \
        "Test User:other 401"; do
    credentials=${case% *}
    want=${case##* }
    got=$(http_code "$credentials")
    [ "$got" = "$want" ] ||
        fail "curl ${credentials%%:*}: expected $want, got $got"
    pass
done

if grep -q -e test2006 -e testx "$T/daemon.log"; then
    fail "a password in the log"
fi
pass
done_ok
