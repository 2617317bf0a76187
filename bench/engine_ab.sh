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
# With --pgo, each library gets profile feedback as the shipped binary
# does (scripts/build-release.sh), but trained on the engine alone: built
# instrumented, run on 200 bench-rn1 replications on one thread, rebuilt
# with the profile.
#
# It checks that both process the same number of events; bench/ab.sh
# checks whole outputs byte for byte. Two identical libraries measure
# up to 0.7 % apart (the order in which they are loaded). On a shared
# machine the ratio also moves with the host's state by a few per cent
# from one hour to the next: repeat it at different times, both ways
# round, before trusting a difference (docs/performance.md).
#
# Usage: bench/engine_ab.sh [--pgo] OLD NEW [PAIRS] [CHUNK]
#        (defaults: 200 pairs of 4 replications; under a minute)
set -eu
cd "$(dirname "$0")/.."
pgo=0
if [ "${1:-}" = --pgo ]; then pgo=1; shift; fi
[ $# -ge 2 ] || { sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
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
    flags="-O3 -DNDEBUG -flto=auto -fPIC -fvisibility=hidden -std=c11
        -D_POSIX_C_SOURCE=200809L -I$src/include -I$tmp/$side-build/include
        -I$src/sim $(pkg-config --cflags plplot)"
    if [ $pgo = 0 ]; then
        # shellcheck disable=SC2086 # the lists of sources and flags split on purpose
        $CC $flags -shared bench/engine_shim.c $srcs $LIBS -o "$tmp/$side.so"
        return
    fi
    # Object by object, so that each one's profile lies beside it under a
    # name the second stage finds.
    mkdir -p "$tmp/$side-obj"
    for stage in -fprofile-generate \
        "-fprofile-use -fprofile-partial-training -Wno-missing-profile"; do
        objs=
        for f in bench/engine_shim.c $srcs; do
            o=$tmp/$side-obj/${f##*/}.o
            # shellcheck disable=SC2086
            $CC $flags $stage -c "$f" -o "$o"
            objs="$objs $o"
        done
        # shellcheck disable=SC2086
        $CC $flags $stage -shared $objs $LIBS -o "$tmp/$side.so"
        [ "$stage" != -fprofile-generate ] ||
            "$tmp/engine_ab" --train "$tmp/$side.so" scenarios/bench-rn1.yaml
    done
}
# shellcheck disable=SC2046,SC2086
$CC -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ibench -Iinclude bench/engine_ab.c \
    $(pkg-config --libs gsl) -ldl -lm -o "$tmp/engine_ab"
build A "$old"
build B "$new"
[ $pgo = 0 ] || echo "both built with profile feedback (trained on bench-rn1)"
echo "A = $old, B = $new"
"$tmp/engine_ab" "$tmp/A.so" "$tmp/B.so" scenarios/bench-rn1.yaml "$pairs" "$chunk"
