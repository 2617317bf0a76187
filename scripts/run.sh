#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Sets up, builds the optimised corridor (scripts/build-release.sh, in
# build-release/) and runs it; arguments go to `corridor run` (none: the
# embedded default scenario).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-release.sh build-release
exec build-release/corridor run "$@"
