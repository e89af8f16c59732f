#!/bin/sh
# Writes authentication events with build/tests/authlog_write, then reads
# the database with the real sqlite3 shell. Checks the schema, the views,
# hostile usernames and the acctlog. Then a second process holds the write
# lock for 5 s while more events arrive, and every file is searched for the
# password the requests carried. Ends with the kill -9 loss measurement,
# whose times are printed but not asserted.
set -u
BUILD=${1:-build}
WRITE=$BUILD/tests/authlog_write
CRASH=$BUILD/tests/authlog_crash
PW='EcconfShellTestPw!'

if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "40-authlog: the sqlite3 shell is missing (apt-get install sqlite3)"
    exit 1
fi
for tool in "$WRITE" "$CRASH"; do
    if [ ! -x "$tool" ]; then
        echo "40-authlog: $tool is missing; run make check"
        exit 1
    fi
done

dir=$(mktemp -d /tmp/ecconf-authlog.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
db=$dir/auth.db
failures=0

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then
        echo "ok - $1"
    else
        echo "not ok - $1: expected [$2], got [$3]"
        failures=$((failures + 1))
    fi
}

q() {
    sqlite3 -batch -noheader -separator '|' "$db" "$1"
}

"$WRITE" -d "$db" -a "$dir/acctlog" -S -n 100 -p "$PW" \
    >"$dir/out1" 2>"$dir/err1"
check "writer exit status" 0 $?
check "writer counters" \
    "event=authlog_stop submitted=137 written=137 dropped=0 write_errors=0 acctlog_errors=0" \
    "$(cat "$dir/out1")"

check "schema version" 1 "$(q 'PRAGMA user_version')"
check "journal mode" wal "$(q 'PRAGMA journal_mode')"
check "row count" 137 "$(q 'SELECT count(*) FROM auth_events')"
check "views" \
    "auth_fail_by_addr_hour auth_fail_by_user_day auth_pass_after_fail" \
    "$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
          WHERE type = 'view' ORDER BY name)")"
check "indexes" "auth_events_remote auth_events_ts auth_events_user" \
    "$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
          WHERE type = 'index' ORDER BY name)")"

# Password spraying: many users from one address in one hour.
check "spraying view" "203.0.113.5|2023-11-14T22:00:00Z|12|12" \
    "$(q "SELECT remote_addr, hour, failures, users
          FROM auth_fail_by_addr_hour WHERE users >= 10")"
# Distributed attack on one account.
check "per-user view" "bob|2023-11-14|12|12" \
    "$(q "SELECT username, day, failures, addrs FROM auth_fail_by_user_day
          WHERE addrs >= 10")"
# A pass right after a run of failures.
check "pass after failures" "alice|192.0.2.10|6|6" \
    "$(q "SELECT username, remote_addr, user_failures, addr_failures
          FROM auth_pass_after_fail WHERE user_failures >= 5")"

check "time text" "2023-11-14T22:13:20.000000Z|2023-11-14 22:13:20" \
    "$(q "SELECT ts, datetime(ts) FROM auth_events ORDER BY id LIMIT 1")"
check "http row" "http|HTTP_Listener|BASIC|401|fail" \
    "$(q "SELECT protocol, listener, mechanism, reply_code, result
          FROM auth_events WHERE username = 'carol' ORDER BY id LIMIT 1")"

# Hostile usernames come back byte for byte.
check "quote and semicolon" 1 \
    "$(q "SELECT count(*) FROM auth_events
          WHERE username = 'o''brien\"; DROP TABLE auth_events; --'")"
check "NUL byte" "6E756C0078|5" \
    "$(q "SELECT hex(username), length(CAST(username AS BLOB))
          FROM auth_events WHERE username_len = 5
          AND remote_addr = '192.0.2.66'")"
check "newline" "6C696E650A627265616B4078" \
    "$(q "SELECT hex(username) FROM auth_events
          WHERE username = 'line' || char(10) || 'break@x'")"
check "invalid UTF-8" 1 \
    "$(q "SELECT count(*) FROM auth_events WHERE username = CAST(X'FFFE' AS TEXT)")"

# acctlog records, escaped as Momentum does.
check "acctlog lines" 138 "$(wc -l <"$dir/acctlog" | tr -d ' ')"
check "acctlog pass" 1 \
    "$(grep -c '^1700000060@N@\*:587@192\.0\.2\.10:40000@alice@1$' "$dir/acctlog")"
check "acctlog escaped newline" 1 \
    "$(grep -c '^1700000302@N@\*:587@192\.0\.2\.66:40000@line\\$' "$dir/acctlog")"

# A second process holds the write lock for 5 s; no row may be lost.
printf 'BEGIN IMMEDIATE;\n.shell touch %s/locked\n.shell sleep 5\nCOMMIT;\n' \
    "$dir" | sqlite3 "$db" &
locker=$!
i=0
while [ ! -f "$dir/locked" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
check "read while locked" 137 "$(q 'SELECT count(*) FROM auth_events')"
start=$(date +%s)
"$WRITE" -d "$db" -s 1000 -n 1000 -p "$PW" >"$dir/out2" 2>"$dir/err2"
check "writer exit status under lock" 0 $?
wait $locker
end=$(date +%s)
check "counters under lock" \
    "event=authlog_stop submitted=1000 written=1000 dropped=0" \
    "$(sed 's/ write_errors.*//' "$dir/out2")"
check "rows after lock" 1137 "$(q 'SELECT count(*) FROM auth_events')"
check "busy reported once" 1 "$(grep -c 'event=authlog_error op=write' "$dir/err2")"
echo "# waited $((end - start)) s for the lock"

# The password the requests carried is in no file and no log line.
for f in "$db" "$db-wal" "$dir/acctlog" "$dir/err1" "$dir/err2"; do
    [ -f "$f" ] || continue
    check "no password in $(basename "$f")" 0 \
        "$(grep -c -a -F -- "$PW" "$f")"
done

check "integrity" ok "$(q 'PRAGMA integrity_check')"

# kill -9 of a writing process: rows must form a gap-free prefix.
"$CRASH" -d "$dir" -r 5 >"$dir/crash" 2>&1
check "kill -9 leaves a gap-free prefix" 0 $?
sed 's/^/# /' "$dir/crash"

if [ $failures -ne 0 ]; then
    echo "40-authlog: $failures failed"
    exit 1
fi
echo "40-authlog: all passed"
