#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Sets up, builds and runs the whole test suite twice: in the normal build
# (build/, warnings as errors, with the valgrind memcheck tests when valgrind
# is installed) and in the AddressSanitizer + UndefinedBehaviorSanitizer
# build (build-asan/, -O1, debug checks on). Presets: CMakePresets.json.
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
