#!/bin/sh
# The main job on the shipped example: check examples/ecelerity.conf and
# print it back as canonical text.
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}

echo "\$ ecconf --check examples/ecelerity.conf"
"$build/ecconf" --check examples/ecelerity.conf
echo
echo "\$ ecconf --dump examples/ecelerity.conf"
"$build/ecconf" --dump examples/ecelerity.conf
