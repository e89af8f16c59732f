#!/bin/sh
# Measures the auth log writer: events per second written to SQLite and
# the submit latency sessions see, with 1 and 4 submitting threads, and
# with a reader running the per-address view in a loop meanwhile.
#   sh bench/authlog.sh [BUILD]     (BUILD defaults to build)
# Needs build/tests/authlog_bench (built by make check).
set -eu
BUILD=${1:-build}
BENCH=$BUILD/tests/authlog_bench
EVENTS=${EVENTS:-1000000}

if [ ! -x "$BENCH" ]; then
    echo "authlog.sh: $BENCH is missing; run make check first" >&2
    exit 1
fi
dir=$(mktemp -d /tmp/ecconf-authlog-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM

echo "# $(uname -sr), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# SQLite $(sqlite3 --version | cut -d' ' -f1), $EVENTS events"
"$BENCH" -d "$dir" -n "$EVENTS" -t 1 2>/dev/null
"$BENCH" -d "$dir" -n "$EVENTS" -t 4 2>/dev/null
"$BENCH" -d "$dir" -n "$EVENTS" -t 4 -r 2>/dev/null
