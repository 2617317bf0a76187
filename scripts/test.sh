#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Sets up, builds with warnings as errors and runs the whole test suite
# twice: in the normal build (build/, with the valgrind memcheck tests when
# valgrind is installed) and in the AddressSanitizer + UndefinedBehavior-
# Sanitizer build (build-asan/, debug checks on). Presets: CMakePresets.json.
# Fuzzing is separate: scripts/fuzz.sh (CI runs both, see .ci/run).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)
for preset in default asan; do
    echo "test: $preset build" >&2
    cmake --preset "$preset" -DCOR_WERROR=ON >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    ctest --preset "$preset" -j "$jobs"
done
