#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the optimised corridor (Release: -O3, link-time optimisation, and
# profile-guided optimisation with GCC) in DIR, default build-release.
#
# Profile-guided optimisation has two stages in the same directory: an
# instrumented build (COR_PGO=GENERATE) runs bench-rn1 and the default
# scenario, which writes the profile beside each object file; the build
# with COR_PGO=USE then lays out and tunes the code for what those runs
# did. The training takes about five seconds on two cores (the atomic
# counters slow the threads), all of it some 17 s, about three times a
# plain Release build; the outputs are the same byte for byte (scripts/test.sh
# checks it). Other arguments go to both cmake configurations (e.g.
# -DCMAKE_C_FLAGS=-g). With a compiler other than GCC (CC=clang, in a DIR
# not yet configured: CMake keeps a directory's compiler), it builds
# Release without the profile.
#
# Usage: scripts/build-release.sh [DIR [CMAKE_ARGS...]]
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build-release}
[ $# -gt 0 ] && shift
jobs=$(nproc)
configure() {
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCOR_BUILD_TESTS=OFF "$@" >/dev/null
}
build() {
    cmake --build "$dir" -j "$jobs" --target corridor >/dev/null
}

# The compiler CMake found (or was given, CC=...) decides the stages.
configure -DCOR_PGO=OFF "$@"
if ! grep -qs 'CMAKE_C_COMPILER_ID "GNU"' "$dir"/CMakeFiles/*/CMakeCCompiler.cmake; then
    build
    exit 0
fi

configure -DCOR_PGO=GENERATE "$@"
build
find "$dir" -name '*.gcda' -exec rm -f {} +
"$dir/corridor" run scenarios/bench-rn1.yaml --reps 200 --seed 1 --quiet --format csv >/dev/null
"$dir/corridor" run --reps 200 --quiet --format csv >/dev/null
configure -DCOR_PGO=USE "$@"
build
