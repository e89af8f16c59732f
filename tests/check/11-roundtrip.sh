#!/bin/sh
# Round trip: for every valid tests/corpus/*.conf, the canonical dump must
# be valid input that dumps to the same bytes again, and it must parse to
# the same tree as the original. The trees are compared as --json output
# without the file, line and col fields; includes stay include nodes on
# both sides, because the parser reads back the "# >>> include" marks of
# the dump. Files with a "# check: syntax" line are read with
# --syntax-only, as in tests/check/10-golden.sh.
#
# Usage: sh tests/check/11-roundtrip.sh BUILD_DIR
set -eu

build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ecconf=$build/ecconf
if [ ! -x "$ecconf" ]; then
    echo "11-roundtrip: $ecconf not found; run make first" >&2
    exit 1
fi
have_jq=1
if ! command -v jq >/dev/null 2>&1; then
    have_jq=0
    echo "11-roundtrip: jq is not installed: the JSON comparison is skipped"
fi

EC_CONF_SEARCH_PATH=tests/corpus/search
LC_ALL=C
export EC_CONF_SEARCH_PATH LC_ALL
bom=$(printf '\357\273\277')    # a UTF-8 byte order mark

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Delete the position fields everywhere in the document.
strip='walk(if type == "object" then del(.file, .line, .col) else . end)'

passed=0
failed=0

# Round-trip one case; prints the reason and returns 1 on failure.
run_case() {
    conf=$1
    status=0
    mode=
    if grep -q '^# check: syntax' "$conf"; then
        mode=--syntax-only
    fi

    "$ecconf" $mode --dump "$conf" >"$tmp/dump1.conf" 2>"$tmp/err" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "    --dump of the original exited $status:"
        head -n 20 "$tmp/err" | sed 's/^/    /'
        return 1
    fi

    "$ecconf" $mode --dump "$tmp/dump1.conf" >"$tmp/dump2.conf" 2>"$tmp/err" \
        || status=$?
    if [ "$status" -ne 0 ]; then
        echo "    the dump is not valid input (exit status $status):"
        head -n 20 "$tmp/err" | sed 's/^/    /'
        return 1
    fi
    if ! cmp -s "$tmp/dump1.conf" "$tmp/dump2.conf"; then
        echo "    dumping the dump changed it:"
        diff -u "$tmp/dump1.conf" "$tmp/dump2.conf" | head -n 40 \
            | sed 's/^/    /' || true
        return 1
    fi

    [ "$have_jq" -eq 1 ] || return 0
    for side in 1 2; do
        src=$conf
        [ "$side" -eq 1 ] || src=$tmp/dump1.conf
        "$ecconf" $mode --json "$src" >"$tmp/json$side" 2>"$tmp/err" \
            || status=$?
        if [ "$status" -eq 0 ]; then
            jq -S "$strip" "$tmp/json$side" >"$tmp/tree$side" 2>>"$tmp/err" \
                || status=$?
        fi
        if [ "$status" -ne 0 ]; then
            echo "    --json of $src or jq failed (exit status $status):"
            head -n 20 "$tmp/err" | sed 's/^/    /'
            return 1
        fi
    done
    if ! cmp -s "$tmp/tree1" "$tmp/tree2"; then
        echo "    the dump parses to a different tree (- original, + dump):"
        diff -u "$tmp/tree1" "$tmp/tree2" | head -n 40 \
            | sed 's/^/    /' || true
        return 1
    fi
    return 0
}

for conf in tests/corpus/*.conf; do
    [ -f "$conf" ] || continue
    header=$(head -n 1 "$conf" | sed "s/^$bom//" | tr -d '\r')
    [ "$header" = "# expect: valid" ] || continue
    name=${conf#tests/corpus/}

    if run_case "$conf" >"$tmp/why"; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        cat "$tmp/why"
        failed=$((failed + 1))
    fi
done

echo "roundtrip: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
