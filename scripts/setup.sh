#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages corridor needs to build and test.
# Idempotent: packages already present are not touched, and apt is only
# called when something is missing. Runs as root, or through sudo.
set -eu

# The build and the unit tests; then what CI adds: valgrind for the memcheck
# tests, clang with its runtime libraries (libFuzzer and the sanitizers are
# in libclang-rt-14-dev, only recommended by clang, so named here) and llvm
# for llvm-symbolizer, which turns sanitizer reports into file:line stacks;
# locales for the sources of the decimal-comma locale that the tests make
# in the build tree (tests/CMakeLists.txt); fiu-utils (libfiu's fiu-run) for
# the tests that make fsync, open and the allocators fail
# (tests/test_signals.c).
PKGS="build-essential cmake pkg-config libgsl-dev libyaml-dev libcmocka-dev libjansson-dev libplplot-dev time
      valgrind clang libclang-rt-14-dev llvm locales fiu-utils"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup: need root or sudo to install:$missing" >&2
    exit 1
fi

echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
