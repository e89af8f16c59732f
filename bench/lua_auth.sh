#!/bin/sh
# Builds bench/lua_auth.c against the lua/ sources and runs it from the
# top of the source tree. Usage: sh bench/lua_auth.sh [CALLS]
set -e
out=${BUILD:-build}/bench
mkdir -p "$out"
cc -std=gnu11 -O2 -g -D_GNU_SOURCE -I. $(pkg-config --cflags lua5.4) \
    -o "$out/lua_auth" bench/lua_auth.c lua/*.c \
    $(pkg-config --libs lua5.4) -lm
"$out/lua_auth" "$@"
