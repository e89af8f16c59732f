#!/bin/sh
# Regenerate the golden files of tests/corpus/ from the current ecconf:
# NAME.dump (and NAME.diag when there are warnings) for valid cases,
# NAME.diag for invalid ones. Pending cases and known bugs keep their
# goldens, because ecconf does not produce the right output for them yet.
#
# Review the result with git diff before committing: a golden records what
# ecconf should print, not whatever it prints today.
#
# Usage: sh tests/update-golden.sh [BUILD_DIR] [CASE.conf ...]
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
[ $# -gt 0 ] && shift
ecconf=$build/ecconf
if [ ! -x "$ecconf" ]; then
    echo "update-golden: $ecconf not found; run make first" >&2
    exit 1
fi

# The same environment as tests/check/10-golden.sh.
EC_CONF_SEARCH_PATH=tests/corpus/search
LC_ALL=C
export EC_CONF_SEARCH_PATH LC_ALL
bom=$(printf '\357\273\277')    # a UTF-8 byte order mark

if [ $# -eq 0 ]; then
    set -- tests/corpus/*.conf
fi

for conf in "$@"; do
    base=${conf%.conf}
    name=${conf#tests/corpus/}
    if grep -q '^# pending: \|^# known-bug: ' "$conf"; then
        echo "kept    $name (pending or known bug)"
        continue
    fi

    header=$(head -n 1 "$conf" | sed "s/^$bom//" | tr -d '\r')
    mode=
    if grep -q '^# check: syntax' "$conf"; then
        mode=--syntax-only
    fi
    case $header in
    "# expect: valid")
        status=0
        "$ecconf" $mode --dump "$conf" >"$base.dump" 2>"$base.diag" || status=$?
        [ -s "$base.diag" ] || rm -f "$base.diag"
        [ "$status" -eq 0 ] || echo "WARNING $name: exit status $status"
        echo "wrote   ${name%.conf}.dump"
        ;;
    "# expect: invalid"*)
        status=0
        "$ecconf" $mode --check "$conf" >/dev/null 2>"$base.diag" || status=$?
        [ "$status" -eq 1 ] || echo "WARNING $name: exit status $status"
        echo "wrote   ${name%.conf}.diag"
        ;;
    *)
        echo "WARNING $name: line 1 is not an '# expect:' line"
        ;;
    esac
done
