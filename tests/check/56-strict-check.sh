#!/bin/sh
# ecconfd runs the checks of ecconf --check --strict before it starts.
# Each of these stops it with the same file:line:col message as ecconf: a
# misspelled option, an option in the wrong scope, a password file that
# cannot be read, a Lua script that registers under another name.
set -u
build=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0

# expect_reject NAME PATTERN: ecconfd -t on $T/NAME.conf exits non-zero
# and prints PATTERN; ecconf --check prints it too.
expect_reject() {
    if "$build/ecconfd" -t -c "$T/$1.conf" >"$T/out" 2>&1; then
        echo "FAIL $1: ecconfd -t accepted it"
        failed=$((failed + 1))
    elif ! grep -q -- "$2" "$T/out"; then
        echo "FAIL $1: no \"$2\" in:"
        sed 's/^/    /' "$T/out"
        failed=$((failed + 1))
    elif ! "$build/ecconf" --check --strict "$T/$1.conf" 2>&1 |
            grep -q -- "$2"; then
        echo "FAIL $1: ecconf --check --strict does not say \"$2\""
        failed=$((failed + 1))
    else
        echo "ok   $1"
        passed=$((passed + 1))
    fi
}

cat >"$T/typo.conf" <<'CONF'
ESMTP_Listener {
  Listen "127.0.0.1:2999" {
    Idle_Tme = 30
  }
}
CONF
expect_reject typo 'typo.conf:3:5: error: .*did you mean "[Ii]dle_[Tt]ime"'

cat >"$T/scope.conf" <<'CONF'
Listen "127.0.0.1:2999" {}
CONF
expect_reject scope 'scope.conf:1:1: error: "Listen" is not valid'

cat >"$T/passwd.conf" <<'CONF'
ESMTP_Listener {
  SMTP_Extensions = ( "AUTH PLAIN" )
  AuthPlainParameters = [ uri = "file://no-such-passwd" ]
  Listen "127.0.0.1:2999" {}
}
CONF
expect_reject passwd 'passwd.conf:3:.*error: .*no-such-passwd'

printf 'msys.registerModule("wrongname", {})\n' >"$T/wn.lua"
cat >"$T/lua.conf" <<'CONF'
ac_auth {}
alerting {}
scriptlet "scriptlet" {
  script "wn" { source = "wn" }
}
CONF
expect_reject lua 'lua.conf:4:26: error: .*"wrongname" does not match'

cat >"$T/http.conf" <<'CONF'
HTTP_Listener {
  Enable_Authentication = true
  Listen "127.0.0.1:2999" {}
}
CONF
expect_reject http 'http.conf:2:27: error: Enable_Authentication is true'

cat >"$T/host.conf" <<'CONF'
ESMTP_Listener { Listen "localhost:2999" {} }
CONF
expect_reject host 'host.conf:1:25: error: .*numeric addresses only'

echo "56-strict-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
