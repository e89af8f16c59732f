#!/bin/sh
# Run the unit test binaries given as arguments, then every script in
# tests/check/ in name order. Each script receives the build folder
# ($BUILD) as $1 and exits non-zero on failure. Prints one summary line.
BUILD=${BUILD:-build}
passed=0
failed=0
failures=""

for t in "$@"; do
    if "$t"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $t"
    fi
done

for s in tests/check/*.sh; do
    [ -f "$s" ] || continue
    echo "== $s"
    if sh "$s" "$BUILD"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $s"
    fi
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
