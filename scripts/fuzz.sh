#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets in build-fuzz (clang, ASan + UBSan) and fuzzes
# each for a bounded time; fails on any crash, leak, timeout, out-of-memory
# or sanitizer report.
#
# usage: scripts/fuzz.sh [SECONDS]     SECONDS per target, default 60
#
# The targets run side by side (one core each). Their corpora live in
# build-fuzz/corpus/TARGET and grow from run to run, so repeated or long
# runs (scripts/fuzz.sh 3600) keep what earlier runs found. Seeds are copied
# afresh each time from scenarios/, tests/scenarios/ and tests/fuzz/.
# A failing input is saved as build-fuzz/artifacts/TARGET/crash-* (or
# leak-*, timeout-*, oom-*); docs/testing.md says how to minimise it and keep
# it as a regression case.
set -eu
cd "$(dirname "$0")/.."

secs=${1:-60}
case $secs in
    ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac

cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null

B=build-fuzz
rm -rf "$B/seeds"
mkdir -p "$B/seeds/fuzz_scenario" "$B/seeds/fuzz_override" "$B/logs"
# Prefixes keep files of the same name in different folders apart.
for f in scenarios/*.yaml; do cp "$f" "$B/seeds/fuzz_scenario/scenarios-${f##*/}"; done
for d in good bad; do
    for f in tests/scenarios/$d/*.yaml; do
        cp "$f" "$B/seeds/fuzz_scenario/$d-${f##*/}"
    done
done
for f in tests/scenarios/bad/*.set; do cp "$f" "$B/seeds/fuzz_override/bad-${f##*/}"; done
cp tests/fuzz/seeds/override/* "$B/seeds/fuzz_override/"
for t in fuzz_scenario fuzz_override; do
    # Saved crashers are seeds too: a fix that regresses shows at once.
    for f in tests/fuzz/regressions/${t#fuzz_}/*; do
        [ -f "$f" ] && cp "$f" "$B/seeds/$t/regression-${f##*/}"
    done
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# fuzz TARGET MAX_LEN DICT: runs one target in the background; its pid is
# left in $pid.
fuzz() {
    mkdir -p "$B/corpus/$1" "$B/artifacts/$1"
    "$B/tests/fuzz/$1" "$B/corpus/$1" "$B/seeds/$1" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$2" \
        -dict="$3" -artifact_prefix="$B/artifacts/$1/" -print_final_stats=1 \
        >"$B/logs/$1.log" 2>&1 &
    pid=$!
}

echo "fuzz: ${secs} s per target, logs in $B/logs" >&2
fuzz fuzz_scenario 65536 tests/fuzz/scenario.dict
p1=$pid
fuzz fuzz_override 4096 tests/fuzz/override.dict
p2=$pid

failed=0
for t in fuzz_scenario:$p1 fuzz_override:$p2; do
    name=${t%%:*}
    if wait "${t#*:}"; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/logs/$name.log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$B/logs/$name.log")
        echo "fuzz: $name ok: ${runs:-?} inputs, ${rate:-?} exec/s" >&2
    else
        failed=1
        echo "fuzz: $name FAILED; the end of $B/logs/$name.log:" >&2
        tail -n 60 "$B/logs/$name.log" >&2
        ls -l "$B/artifacts/$name" >&2
    fi
done
exit $failed
