#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# In-process A/B of the engine of two revisions on bench-rn1.
#
# Builds each revision's engine (its sim/*.c, with -O3 and link-time
# optimisation, as the Release build does) into a shared library around
# bench/engine_shim.c, and runs bench/engine_ab.c, which loads both into
# one process and times them by turns on the same replications (see
# engine_ab.c for the statistics it reports). A revision is anything git
# accepts, or "." for the working tree with its uncommitted changes.
#
# It checks that both process the same number of events; bench/ab.sh
# checks whole outputs byte for byte. On this project's shared development
# machine two identical libraries measure 0.3 % apart (the order in which
# they are loaded), so smaller differences are not resolved.
#
# Usage: bench/engine_ab.sh OLD NEW [PAIRS] [CHUNK]
#        (defaults: 200 pairs of 4 replications; about a minute)
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
old=$1 new=$2 pairs=${3:-200} chunk=${4:-4}
CC=${CC:-cc}
LIBS="$(pkg-config --libs gsl yaml-0.1 jansson plplot) -lpthread -lm"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# build SIDE REVISION: $tmp/SIDE.so from that revision's engine
build() {
    side=$1 rev=$2
    if [ "$rev" = . ]; then
        src=.
    else
        src=$tmp/$side-src
        mkdir -p "$src"
        git archive "$rev" | tar -x -C "$src"
    fi
    # Configured only for its generated headers (corridor/version.h).
    cmake -S "$src" -B "$tmp/$side-build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    srcs=
    for f in "$src"/sim/*.c; do
        [ "${f##*/}" = main.c ] || srcs="$srcs $f"
    done
    # shellcheck disable=SC2046,SC2086 # the lists of sources and flags split on purpose
    $CC -O3 -DNDEBUG -flto=auto -fPIC -shared -fvisibility=hidden -std=c11 \
        -D_POSIX_C_SOURCE=200809L -I"$src/include" -I"$tmp/$side-build/include" \
        -I"$src/sim" $(pkg-config --cflags plplot) bench/engine_shim.c $srcs $LIBS \
        -o "$tmp/$side.so"
}
build A "$old"
build B "$new"
# shellcheck disable=SC2046,SC2086
$CC -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ibench -Iinclude bench/engine_ab.c \
    $(pkg-config --libs gsl) -ldl -lm -o "$tmp/engine_ab"
echo "A = $old, B = $new"
"$tmp/engine_ab" "$tmp/A.so" "$tmp/B.so" scenarios/bench-rn1.yaml "$pairs" "$chunk"
