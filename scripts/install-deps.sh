#!/bin/sh
# Install the Debian packages that ecconf needs to build, test and run.
# Safe to run again: apt-get is called only when a package is missing.
set -eu

packages="build-essential pkg-config flex bison liblua5.4-dev lua5.4
libsqlite3-dev sqlite3 libcmocka-dev libevent-dev libssl-dev openssl
swaks curl jq clang libclang-rt-14-dev python3 time"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
else
    sudo=
fi
echo "installing:$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
