#!/bin/sh
# Golden test: run ecconf over every tests/corpus/*.conf and compare its
# output with the golden file beside it.
#
#   line 1 "# expect: valid"       ecconf --dump exits 0, stdout equals
#                                  NAME.dump, stderr equals NAME.diag (or
#                                  is empty when there is no NAME.diag)
#   line 1 "# expect: invalid: .." ecconf --check exits 1, stderr equals
#                                  NAME.diag, stdout is empty
#   a line "# check: syntax"       ecconf runs with --syntax-only, because
#                                  the file tests the parser with made-up
#                                  option names that the module table
#                                  rejects
#   a line "# pending: REASON"     the check that rejects the file is not
#                                  built yet: reported as skipped
#   a line "# known-bug: TEXT"     the golden holds the right output and
#                                  ecconf does not produce it yet: reported
#                                  as a known bug, and a failure only when
#                                  EC_TEST_KNOWN_BUGS=1; once ecconf gets it
#                                  right the case fails until the line goes
#
# Usage: sh tests/check/10-golden.sh BUILD_DIR (e.g. build or build-san).
# Cases run from the repository root with relative paths, so the paths in
# the goldens do not depend on where the tree is checked out.
set -eu

build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ecconf=$build/ecconf
if [ ! -x "$ecconf" ]; then
    echo "10-golden: $ecconf not found; run make first" >&2
    exit 1
fi

# Fixed environment: the search path of the include tests, and C-locale
# strerror() texts in the goldens.
EC_CONF_SEARCH_PATH=tests/corpus/search
LC_ALL=C
export EC_CONF_SEARCH_PATH LC_ALL
bom=$(printf '\357\273\277')    # a UTF-8 byte order mark

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
skipped=0
known=0

# Print the differences between golden $1 and output $2, shortened.
show_diff() {
    diff -u "$1" "$2" | head -n 40 | sed 's/^/    /' || true
}

# Compare golden $1 (which may be missing) with output $2; an absent
# golden means the output must be empty. Prints the reason and returns 1
# on a mismatch.
compare() {
    if [ -f "$1" ]; then
        if ! cmp -s "$1" "$2"; then
            echo "    $2 differs from $1:"
            show_diff "$1" "$2"
            return 1
        fi
    elif [ -s "$2" ]; then
        echo "    expected no output (there is no $1), got:"
        head -n 20 "$2" | sed 's/^/    /'
        return 1
    fi
    return 0
}

# Run one case; prints the reasons for a failure and returns 1.
run_case() {
    conf=$1
    base=${conf%.conf}
    header=$(head -n 1 "$conf" | sed "s/^$bom//" | tr -d '\r')
    status=0
    mode=
    if grep -q '^# check: syntax' "$conf"; then
        mode=--syntax-only
    fi

    case $header in
    "# expect: valid")
        "$ecconf" $mode --dump "$conf" >"$tmp/out" 2>"$tmp/err" \
            || status=$?
        if [ "$status" -ne 0 ]; then
            echo "    exit status $status, expected 0; stderr:"
            head -n 20 "$tmp/err" | sed 's/^/    /'
            return 1
        fi
        compare "$base.dump" "$tmp/out" || return 1
        compare "$base.diag" "$tmp/err" || return 1
        ;;
    "# expect: invalid"*)
        "$ecconf" $mode --check "$conf" >"$tmp/out" 2>"$tmp/err" \
            || status=$?
        if [ "$status" -ne 1 ]; then
            echo "    exit status $status, expected 1; stderr:"
            head -n 20 "$tmp/err" | sed 's/^/    /'
            return 1
        fi
        if [ ! -f "$base.diag" ]; then
            echo "    missing golden $base.diag; run sh tests/update-golden.sh"
            return 1
        fi
        compare "$base.diag" "$tmp/err" || return 1
        compare /dev/null "$tmp/out" || return 1
        ;;
    *)
        echo "    line 1 must be '# expect: valid' or '# expect: invalid: WHY'"
        return 1
        ;;
    esac
    return 0
}

# A pending case must not crash ecconf; it passes once ecconf rejects it.
run_pending() {
    conf=$1
    status=0

    "$ecconf" --check "$conf" >"$tmp/out" 2>"$tmp/err" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "    exit status $status: ecconf crashed or misread its arguments"
        head -n 20 "$tmp/err" | sed 's/^/    /'
        return 1
    fi
    if [ "$status" -eq 1 ]; then
        echo "    ecconf now rejects this file: remove the '# pending' line"
        echo "    and write its golden with sh tests/update-golden.sh"
    fi
    return 0
}

for conf in tests/corpus/*.conf; do
    [ -f "$conf" ] || continue
    name=${conf#tests/corpus/}

    reason=$(sed -n 's/^# pending: //p' "$conf" | head -n 1)
    if [ -n "$reason" ] && head -n 1 "$conf" | grep -q '^# expect: invalid'
    then
        if run_pending "$conf" >"$tmp/why"; then
            echo "skip $name (pending: $reason)"
            cat "$tmp/why"
            skipped=$((skipped + 1))
        else
            echo "FAIL $name"
            cat "$tmp/why"
            failed=$((failed + 1))
        fi
        continue
    fi

    bug=$(sed -n 's/^# known-bug: //p' "$conf" | head -n 1)
    if run_case "$conf" >"$tmp/why"; then
        if [ -n "$bug" ]; then
            echo "FAIL $name: the known bug is fixed; remove its"
            echo "    '# known-bug' line"
            failed=$((failed + 1))
        else
            echo "ok   $name"
            passed=$((passed + 1))
        fi
    elif [ -n "$bug" ] && [ "${EC_TEST_KNOWN_BUGS:-0}" != 1 ]; then
        echo "bug  $name (known bug: $bug)"
        known=$((known + 1))
    else
        echo "FAIL $name"
        cat "$tmp/why"
        failed=$((failed + 1))
    fi
done

echo "golden: $passed passed, $failed failed, $skipped pending," \
    "$known known bugs"
[ "$failed" -eq 0 ]
