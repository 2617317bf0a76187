#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Sets up, builds and runs the whole test suite three times: in the normal
# build (build/, warnings as errors, with the valgrind memcheck tests when
# valgrind is installed), in the AddressSanitizer + UndefinedBehaviorSanitizer
# build (build-asan/, -O1, debug checks on) and in the ThreadSanitizer build
# (build-tsan/, the same otherwise). Presets: CMakePresets.json.
# Then it builds the optimised binary (scripts/build-release.sh) and checks
# that its outputs on two scenarios are the normal build's, byte for byte.
# Fuzzing is separate: scripts/fuzz.sh (CI runs both, see .ci/run).
#
# Warnings fail only the normal build: GCC's flow-sensitive warnings
# (-Wformat-truncation, -Wmaybe-uninitialized) change with the optimisation
# level, and the sanitizer build is there for what happens at run time.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)
echo "test: default build" >&2
cmake --preset default -DCOR_WERROR=ON >/dev/null
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"
echo "test: asan build" >&2
cmake --preset asan -DCOR_WERROR=OFF >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"
echo "test: tsan build" >&2
cmake --preset tsan -DCOR_WERROR=OFF >/dev/null
cmake --build --preset tsan -j "$jobs"
ctest --preset tsan -j "$jobs"
# The optimised build (profile-guided with GCC) must compute exactly what
# the tested build computes: same files, byte for byte.
echo "test: optimised build against the tested build" >&2
scripts/build-release.sh build-release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for scn in bench-rn1 rn1-2025-blockade; do
    for b in build build-release; do
        mkdir -p "$out/$scn/$b"
        "$b/corridor" run "scenarios/$scn.yaml" --reps 50 --seed 3 --threads 2 --quiet \
            --format json --out "$out/$scn/$b" >"$out/$scn/$b/stdout.json"
    done
    for f in stdout.json summary.json timeline.csv events.csv; do
        cmp "$out/$scn/build/$f" "$out/$scn/build-release/$f"
    done
done
echo "test: optimised build gives the same outputs" >&2
