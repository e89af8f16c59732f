#!/bin/sh
# Parser benchmark: CPU time and peak memory of `ecconf --check` on a
# generated configuration of about 36 MB, against `luac5.4 -p` on the same
# data written as one Lua table, at half, full and double size.
#
# usage: bench/parse.sh [BUILD]      (BUILD defaults to build)
# Exits 1 when a target is missed: ecconf must use less CPU than luac5.4
# at every size, peak memory on the full-size file at most 3 times the
# file size, and CPU time per megabyte within 25% of the full-size figure
# at half and double size.
set -eu

build=${1:-build}
ecconf=$build/ecconf
out=${BENCH_DIR:-bench/out}
runs=${BENCH_RUNS:-3}
mkdir -p "$out"

for tool in luac5.4 python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

# best_of CMD...: prints "cpu_seconds peak_kb" of the fastest of $runs runs
best_of() {
    best=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        /usr/bin/time -f "%U %S %M" -o "$out/time.txt" "$@" >/dev/null
        line=$(awk '{ printf "%.3f %d\n", $1 + $2, $3 }' "$out/time.txt")
        if [ -z "$best" ] || awk -v a="$line" -v b="$best" \
                'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
            best=$line
        fi
        i=$((i + 1))
    done
    echo "$best"
}

status=0
echo "| size | file MB | ecconf CPU s | luac5.4 -p CPU s | ecconf peak MB | peak / file | CPU s per MB |"
echo "|---|---|---|---|---|---|---|"
for size in half full double; do
    case $size in
    half)   args="--domains 100000 --bindings 10000 --peers 25000" ;;
    full)   args="--domains 200000 --bindings 20000 --peers 50000" ;;
    double) args="--domains 400000 --bindings 40000 --peers 100000" ;;
    esac
    conf=$out/$size.conf
    lua=$out/$size.lua
    if [ ! -s "$conf" ] || [ ! -s "$lua" ]; then
        # shellcheck disable=SC2086
        python3 bench/gen-bigconf $args --lua "$lua" "$conf"
    fi
    bytes=$(wc -c < "$conf")
    set -- $(best_of "$ecconf" --check -q "$conf")
    ec_cpu=$1
    ec_kb=$2
    set -- $(best_of luac5.4 -p "$lua")
    lua_cpu=$1
    row=$(awk -v b="$bytes" -v c="$ec_cpu" -v l="$lua_cpu" -v k="$ec_kb" \
        'BEGIN { mb = b / 1048576; printf "%.1f %.3f %.3f %.1f %.2f %.4f",
                 mb, c, l, k / 1024, k * 1024 / b, c / mb }')
    set -- $row
    echo "| $size | $1 | $2 | $3 | $4 | $5 | $6 |"
    eval "per_mb_$size=$6"
    if awk -v c="$ec_cpu" -v l="$lua_cpu" 'BEGIN { exit !(c >= l) }'; then
        echo "FAIL: $size: ecconf CPU $ec_cpu s >= luac5.4 $lua_cpu s" >&2
        status=1
    fi
    # The memory target is set for the full-size file. At half size the
    # 4 MB that a process needs to start weighs more, so it is reported.
    if [ "$size" = full ] && awk -v r="$5" 'BEGIN { exit !(r > 3) }'; then
        echo "FAIL: $size: peak memory $5 x the file size" >&2
        status=1
    fi
done

# shellcheck disable=SC2154
for size in half double; do
    eval "v=\$per_mb_$size"
    ratio=$(awk -v a="$v" -v b="$per_mb_full" 'BEGIN { printf "%.2f", a / b }')
    echo "CPU per MB, $size / full: $ratio"
    if awk -v r="$ratio" 'BEGIN { exit !(r < 0.75 || r > 1.25) }'; then
        echo "FAIL: time does not grow linearly ($size/full = $ratio)" >&2
        status=1
    fi
done
exit $status
