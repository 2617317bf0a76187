#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Sets up, builds (warnings as errors) and runs the whole test suite.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DCOR_WERROR=ON
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
