#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the golden outputs that tests/test_golden.c compares against.
#
# Run this ONLY when a change is meant to change the model's outputs (a new
# model feature, a fixed model bug, a new random stream, a changed scenario
# under tests/golden's scenario). A performance change must never need it:
# if test_golden fails after an optimisation, the optimisation is wrong.
# Commit the regenerated files together with the change that explains them,
# and say in the commit message why the outputs moved.
#
# Usage: scripts/regen-golden.sh [BUILD_DIR]   (default: build)
# The build directory is configured (if it has no cache yet) and built; any
# build type gives the same outputs. The run is the exact command
# test_golden makes.
set -eu
cd "$(dirname "$0")/.."

build=${1:-build}
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "$(nproc)" --target corridor >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Keep in step with the run in tests/test_golden.c.
"$build/corridor" run scenarios/bench-rn1.yaml --reps 50 --seed 1 --threads 2 \
    --quiet --format json --out "$tmp/out" >/dev/null

mkdir -p tests/golden
for f in summary.json timeline.csv; do
    if cmp -s "$tmp/out/$f" "tests/golden/bench-rn1-$f"; then
        echo "regen-golden: tests/golden/bench-rn1-$f unchanged"
    else
        cp "$tmp/out/$f" "tests/golden/bench-rn1-$f"
        echo "regen-golden: tests/golden/bench-rn1-$f UPDATED"
    fi
done
echo "regen-golden: review with 'git diff --stat tests/golden' and commit with the change that explains it"
