#!/bin/sh
# Hostile input: files that are broken on purpose, generated in a
# temporary folder. For each, ecconf --check must exit 1 (a status of 128
# or more is a crash), print an error with a file, line and column, finish
# within the timeout and stay within the memory limit. The memory limit
# is skipped for build-san, because AddressSanitizer reserves terabytes of
# virtual address space.
#
# Usage: sh tests/check/12-hostile.sh BUILD_DIR
set -eu

build=${1:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ecconf=$root/$build
case $build in
/*) ecconf=$build ;;
esac
ecconf=$ecconf/ecconf
if [ ! -x "$ecconf" ]; then
    echo "12-hostile: $ecconf not found; run make first" >&2
    exit 1
fi

TIMEOUT=20              # seconds per case
MEMORY_KB=1048576       # virtual memory limit per case (1 GiB)
case $build in
*san*) MEMORY_KB= ;;
esac
LC_ALL=C
export LC_ALL
unset EC_CONF_SEARCH_PATH || true

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"

passed=0
failed=0

# Write $2 bytes of the character $1 (no newline).
repeat() {
    head -c "$2" /dev/zero | tr '\0' "$1"
}

# Run ecconf --check on file $1 and check the result: exit status 1, an
# error line "FILE:LINE:COL: error: " whose text matches the basic regular
# expression $2, and no sanitizer report. FILE is $3 when the error is in
# an included file, else $1. Prints one line per case.
expect_error() {
    file=$1
    pattern=$2
    where=${3:-$1}
    status=0

    (
        if [ -n "$MEMORY_KB" ]; then
            ulimit -v "$MEMORY_KB"
        fi
        exec timeout "$TIMEOUT" "$ecconf" --check "$file"
    ) >out 2>err || status=$?

    reason=
    if [ "$status" -eq 124 ]; then
        reason="timed out after $TIMEOUT s"
    elif [ "$status" -ge 128 ]; then
        reason="crashed with exit status $status"
    elif [ "$status" -ne 1 ]; then
        reason="exit status $status, expected 1"
    elif grep -q 'Sanitizer\|runtime error:' err; then
        reason="sanitizer report"
    elif ! grep -q "^$where:[0-9][0-9]*:[0-9][0-9]*: error: $pattern" err
    then
        reason="no error matching '$pattern' with a position"
    fi

    if [ -z "$reason" ]; then
        echo "ok   $file"
        passed=$((passed + 1))
    else
        echo "FAIL $file: $reason; stderr:"
        head -n 20 err | cut -c 1-200 | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

# The number of "error:" lines printed must stay at the cap of 50.
expect_capped() {
    printed=$(grep -c ': error: ' err || true)
    if [ "$printed" -eq 50 ]; then
        echo "ok   $1: 50 errors printed"
        passed=$((passed + 1))
    else
        echo "FAIL $1: $printed errors printed, expected the cap of 50"
        failed=$((failed + 1))
    fi
}

printf 'ok = 1\nbad = x\000y\nnever = 2\n' >nul.conf
expect_error nul.conf 'NUL byte'

printf 'name = \342\200\234value\342\200\235\n' >curly.conf
expect_error curly.conf 'typographic quote'

printf 'ok = 1\nbanner = "220 ready\nnext = 2\n' >string.conf
expect_error string.conf 'unterminated string'

printf 'ok = 1\n/* never closed\nnext = 2\n' >comment.conf
expect_error comment.conf 'unterminated comment'

{ printf 'word = '; repeat x 1048576; printf '\n'; } >word-1m.conf
expect_error word-1m.conf 'token of 1048576 bytes is longer than the limit'

{ printf 'string = "'; repeat x 1048576; printf '"\n'; } >string-1m.conf
expect_error string-1m.conf 'token of [0-9]* bytes is longer than the limit'

# One line of a megabyte: many valid options, then a stray brace whose
# column must be counted right.
awk 'BEGIN { for (i = 0; i < 131072; i++) printf "a = 123 "; print "}" }' \
    >line-1m.conf
expect_error line-1m.conf "unexpected '}' with no scope open"
if ! grep -q '^line-1m.conf:1:1048577: ' err; then
    echo "FAIL line-1m.conf: the error is not at 1:1048577"
    failed=$((failed + 1))
fi

awk 'BEGIN { for (i = 0; i < 100000; i++) print "s {";
             for (i = 0; i < 100000; i++) print "}" }' >nest-100k.conf
expect_error nest-100k.conf 'scopes nested deeper than 64 levels'

printf 'include "self.conf"\n' >self.conf
expect_error self.conf 'include cycle: self.conf -> ./self.conf'

mkdir folder
printf 'x = 1\ninclude "."\n' >folder/loop.conf
expect_error folder/loop.conf 'include cycle'

# A chain of 40 files, each including the next: deeper than 32 levels.
i=0
while [ "$i" -lt 40 ]; do
    printf 'include "chain%d.conf"\n' $((i + 1)) >"chain$i.conf"
    i=$((i + 1))
done
printf 'end = 1\n' >"chain$i.conf"
expect_error chain0.conf 'includes nested deeper than 32 files' \
    ./chain32.conf

head -c 65536 /dev/urandom >random.conf
expect_error random.conf ''

if [ -r /bin/ls ]; then
    cp /bin/ls ls.conf
    expect_error ls.conf ''
fi

awk 'BEGIN { for (i = 0; i < 100000; i++) print "name value" }' \
    >errors-100k.conf
expect_error errors-100k.conf "missing '='"
expect_capped errors-100k.conf
if ! grep -q '^100000 errors, 0 warnings (99950 errors not shown)$' err
then
    echo "FAIL errors-100k.conf: the summary does not count every error"
    failed=$((failed + 1))
fi

awk 'BEGIN { for (i = 0; i < 100000; i++) print "a = }\nb = 1" }' \
    >braces-100k.conf
expect_error braces-100k.conf "unexpected '}'"
expect_capped braces-100k.conf

# A 64 MB comment and a 64 MB word: flex rescans a token from its start
# at every refill, so these finish in time only because each read fills a
# buffer that doubles as the token grows.
{ printf '/*'; repeat x 67108864; printf '\n'; } >comment-64m.conf
expect_error comment-64m.conf 'unterminated comment'
rm -f comment-64m.conf
{ printf 'a = '; repeat x 67108864; printf '\n'; } >word-64m.conf
expect_error word-64m.conf 'token of .* longer than the limit'
rm -f word-64m.conf

# Files that never end or never start: rejected before any read.
expect_plain_error() {
    if timeout "$TIMEOUT" "$ecconf" --check "$1" >out 2>err; then
        status=0
    else
        status=$?
    fi
    if [ "$status" -eq 1 ] && grep -q "not a regular file" err; then
        echo "ok   $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1: exit status $status; stderr:"
        head -n 5 err | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}
expect_plain_error /dev/zero
mkfifo fifo.conf
expect_plain_error fifo.conf
rm -f fifo.conf
printf 'include "/dev/zero"\n' >include-zero.conf
expect_error include-zero.conf 'cannot open include "/dev/zero": not a regular file'

echo "hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
