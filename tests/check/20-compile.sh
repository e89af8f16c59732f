#!/bin/sh
# Compiler golden test: run ecconf over every tests/compile/cases/*.conf
# and compare its exit status, stderr and stdout with the goldens beside
# it. Line 1 of a case gives the arguments ("# ecconf: --check"), line 2
# the exit status ("# exit: 1"); NAME.stderr and NAME.stdout hold the
# expected output (a missing golden means the output must be empty).
# Also checks that docs/options.md is what "ecconf --modules --markdown"
# prints.
#
# Usage: sh tests/check/20-compile.sh BUILD_DIR
#        EC_UPDATE_GOLDEN=1 sh tests/check/20-compile.sh BUILD_DIR
#        rewrites the goldens from the current output instead.
set -eu

build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ecconf=$build/ecconf
if [ ! -x "$ecconf" ]; then
    echo "20-compile: $ecconf not found; run make first" >&2
    exit 1
fi
LC_ALL=C
EC_CONF_SEARCH_PATH=
export LC_ALL EC_CONF_SEARCH_PATH

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

# compare GOLDEN OUTPUT: 0 when equal (a missing golden means empty).
compare() {
    if [ "${EC_UPDATE_GOLDEN:-0}" = 1 ]; then
        if [ -s "$2" ]; then cp "$2" "$1"; else rm -f "$1"; fi
        return 0
    fi
    if [ -f "$1" ]; then
        cmp -s "$1" "$2" && return 0
        diff -u "$1" "$2" | head -n 40 | sed 's/^/    /'
        return 1
    fi
    [ ! -s "$2" ] && return 0
    echo "    expected no output (no $1), got:"
    head -n 20 "$2" | sed 's/^/    /'
    return 1
}

run_case() {
    conf=$1
    base=${conf%.conf}
    args=$(sed -n '1s/^# ecconf: //p' "$conf")
    want=$(sed -n '2s/^# exit: //p' "$conf")
    status=0
    # shellcheck disable=SC2086
    "$ecconf" $args "$conf" >"$tmp/out" 2>"$tmp/err" || status=$?
    if [ "$status" != "$want" ]; then
        echo "    exit status $status, expected $want; stderr:"
        head -n 20 "$tmp/err" | sed 's/^/    /'
        return 1
    fi
    compare "$base.stderr" "$tmp/err" || return 1
    compare "$base.stdout" "$tmp/out" || return 1
}

for conf in tests/compile/cases/*.conf; do
    name=${conf#tests/compile/cases/}
    if run_case "$conf" >"$tmp/why"; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        cat "$tmp/why"
        failed=$((failed + 1))
    fi
done

"$ecconf" --modules --markdown >"$tmp/options.md"
if cmp -s docs/options.md "$tmp/options.md"; then
    echo "ok   docs/options.md"
    passed=$((passed + 1))
else
    echo "FAIL docs/options.md differs from ecconf --modules --markdown;"
    echo "    regenerate it: $ecconf --modules --markdown > docs/options.md"
    failed=$((failed + 1))
fi

# Options that only make sense with another one are usage errors (exit 2).
for args in "--show-secrets" "--markdown" "--strict --syntax-only"; do
    # shellcheck disable=SC2086
    status=0
    "$ecconf" $args examples/ecelerity.conf >/dev/null 2>"$tmp/usage" ||
        status=$?
    if [ "$status" -eq 2 ] && grep -q '^ecconf: ' "$tmp/usage"; then
        echo "ok   usage: $args"
        passed=$((passed + 1))
    else
        echo "FAIL usage: $args exited $status, expected 2"
        failed=$((failed + 1))
    fi
done

echo "compile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
