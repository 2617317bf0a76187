#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmark of issue 5: speed, scaling and memory on scenarios/bench-rn1.yaml.
#
# Builds the optimised binary in build-bench (scripts/build-release.sh),
# then measures, on bench-rn1:
#   - events per second and replications per second on one thread, and the
#     wall time per 1,000 replications (median of several runs, min/max);
#   - the speed-up from 1 to 2 threads: runs alternate 1, 2, 1, 2, ... so a
#     noisy neighbour hurts both sides alike; each pair gives a ratio, and
#     the median, min and max ratio are reported;
#   - peak memory (maximum RSS, from /usr/bin/time -v) at 1k, 10k and 100k
#     replications on all cores: memory must not grow with replications;
#   - instructions per replication under valgrind's callgrind: the
#     difference between two run lengths, so loading and reporting cancel
#     out. Instruction counts do not depend on the machine's load, so they
#     are the figure to compare changes by on a shared or noisy machine;
#   - the default scenario's wall time (target: under 1 s);
#   - the host's state before and after (bench/host_probe.c): how much of
#     a core a thread gets, which the guest's load average does not show.
# With --micro it also builds and runs the engine, M/M/1, event-queue and
# RNG micro benchmarks (bench/engine_bench.c, bench/mm1_bench.c,
# bench/queue_bench.c, bench/rng_bench.c).
#
# Output: a readable report on stdout, and one CSV line per measurement
# (name,value,unit) in build-bench/bench-results.csv.
#
# Usage: bench/run.sh [--quick] [--micro] [--no-build] [--bin FILE]
#   --quick     fewer and shorter runs, no 100k-replication run (~2 minutes)
#   --micro     also run the engine, M/M/1, queue and RNG micro benchmarks
#   --no-build  use build-bench/corridor as it is
#   --bin FILE  measure that corridor binary instead (say, an older build,
#               for before/after figures); implies --no-build. The micro
#               benchmarks still build and measure this tree's code.
# The full run takes about 5 to 6 minutes on a 2-core machine.
set -eu
cd "$(dirname "$0")/.."

B=build-bench
BIN=$B/corridor
quick=0 micro=0 build=1
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --micro) micro=1 ;;
    --no-build) build=0 ;;
    --bin)
        [ $# -ge 2 ] || { echo "bench: --bin needs a file" >&2; exit 2; }
        BIN=$2 build=0
        shift ;;
    -h | --help) sed -n '3,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
SCN=scenarios/bench-rn1.yaml
CSV=$B/bench-results.csv

# ---- tools -----------------------------------------------------------------
# /usr/bin/time (Debian package "time", not the shell keyword) gives peak
# RSS; valgrind gives instruction counts. Both are optional: without them
# the matching measurements are skipped with a note.
have_time=0 have_valgrind=0
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then have_time=1; fi
if command -v valgrind >/dev/null 2>&1; then have_valgrind=1; fi
missing=""
[ $have_time = 1 ] || missing="$missing time"
[ $have_valgrind = 1 ] || missing="$missing valgrind"
if [ -n "$missing" ]; then
    echo "bench: not installed:$missing — the measurements that need them are skipped." >&2
    echo "bench: install with: sudo apt-get install$missing   (see docs/performance.md)" >&2
fi

# ---- build -----------------------------------------------------------------
if [ $build = 1 ]; then
    # The optimised build users get from scripts/run.sh (Release, LTO and
    # profile-guided optimisation). -g only adds symbols for perf and
    # callgrind; GCC's code is the same.
    scripts/build-release.sh $B -DCMAKE_C_FLAGS=-g
fi
[ -x "$BIN" ] || { echo "bench: $BIN missing (drop --no-build)" >&2; exit 1; }
mkdir -p $B

: >"$CSV"
csv() { echo "$1,$2,$3" >>"$CSV"; }

now() { date +%s.%N; }
# Median, min and max of the numbers on stdin, one per line.
stats() { sort -g | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.3f %.3f %.3f\n", m, v[1], v[NR]}'; }

# Runs bench-rn1 with R replications on T threads; prints "wall events".
run_once() {
    t0=$(now)
    ev=$($BIN run $SCN --reps "$1" --threads "$2" --seed 1 --quiet --format json |
         sed -n 's/.*"events_processed": \([0-9]*\).*/\1/p')
    t1=$(now)
    echo "$(echo "$t0 $t1" | awk '{printf "%.4f", $2 - $1}') $ev"
}

# The host's state: how much of a core a thread gets now (bench/host_probe.c),
# taken before and after the timed runs.
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L bench/host_probe.c -o $B/host_probe
probe() {
    when=$1
    # shellcheck disable=SC2046 # three numbers, split on purpose
    set -- $($B/host_probe)
    echo "host probe, $when: $1 independent additions per cycle (median; highest $2)" \
        "at $3 GHz; 5.1 when the core is the thread's own (bench/host_probe.c)"
    csv "host_adds_per_cycle_$when" "$1" adds/cycle
}

ncpu=$(nproc)
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "corridor benchmark — $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $model, $ncpu CPUs at ${mhz} MHz, $mem RAM; load average $load"
echo "scenario: $SCN; binary: $BIN"
probe start
echo

# ---- 1 -> 2 threads, and one-thread throughput ------------------------------
if [ $quick = 1 ]; then reps=300; pairs=3; else reps=1000; pairs=7; fi
$BIN run $SCN --reps 20 --threads 1 --quiet --format json >/dev/null # warm caches
: >$B/bench-t1 ; : >$B/bench-t2 ; : >$B/bench-ratio
events=0
i=0
while [ $i -lt $pairs ]; do
    set -- $(run_once $reps 1); w1=$1; events=$2
    set -- $(run_once $reps 2); w2=$1
    echo "$w1" >>$B/bench-t1
    echo "$w2" >>$B/bench-t2
    echo "$w1 $w2" | awk '{printf "%.4f\n", $1 / $2}' >>$B/bench-ratio
    i=$((i + 1))
done
set -- $(stats <$B/bench-t1); t1=$1 t1min=$2 t1max=$3
set -- $(stats <$B/bench-t2); t2=$1 t2min=$2 t2max=$3
set -- $(stats <$B/bench-ratio | awk '{printf "%.2f %.2f %.2f", $1, $2, $3}'); sp=$1 spmin=$2 spmax=$3
evs=$(echo "$events $t1" | awk '{printf "%.2f", $1 / $2 / 1e6}')
evs_best=$(echo "$events $t1min" | awk '{printf "%.2f", $1 / $2 / 1e6}')
rps=$(echo "$reps $t1" | awk '{printf "%.0f", $1 / $2}')
w1k=$(echo "$reps $t1" | awk '{printf "%.3f", $2 / $1 * 1000}')
w1k2=$(echo "$reps $t2" | awk '{printf "%.3f", $2 / $1 * 1000}')
evrep=$(echo "$events $reps" | awk '{printf "%.0f", $1 / $2}')
echo "Throughput, 1 thread, $reps replications, $pairs runs (median [min, max]):"
echo "  wall                       $t1 s  [$t1min, $t1max]"
echo "  events per second          ${evs} M  (best run ${evs_best} M; $evrep events per replication)"
echo "  replications per second    $rps"
echo "  wall per 1,000 reps        ${w1k} s on 1 thread, ${w1k2} s on 2 threads"
echo "Scaling, 1 -> 2 threads (ratio of paired runs):"
echo "  wall on 2 threads          $t2 s  [$t2min, $t2max]"
echo "  speed-up                   ${sp}x  [${spmin}x, ${spmax}x]  (target >= 1.8x)"
csv events_per_s_1thread "$(echo "$evs" | awk '{print $1 * 1e6}')" events/s
csv events_per_replication "$evrep" events
csv reps_per_s_1thread "$rps" reps/s
csv wall_per_1000_reps_1thread "$w1k" s
csv wall_per_1000_reps_2threads "$w1k2" s
csv speedup_1_to_2_median "$sp" x
csv speedup_1_to_2_min "$spmin" x
csv speedup_1_to_2_max "$spmax" x
echo

# ---- memory ----------------------------------------------------------------
if [ $have_time = 1 ]; then
    if [ $quick = 1 ]; then sizes="1000 10000"; else sizes="1000 10000 100000"; fi
    echo "Peak memory (max RSS), all $ncpu threads:"
    for n in $sizes; do
        /usr/bin/time -v $BIN run $SCN --reps "$n" --threads "$ncpu" --quiet \
            --format csv >/dev/null 2>$B/bench-time
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' $B/bench-time)
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' $B/bench-time)
        printf "  %7d replications      %6.1f MiB   (wall %s)\n" "$n" \
            "$(echo "$rss" | awk '{print $1 / 1024}')" "$wall"
        csv "max_rss_${n}_reps" "$rss" KiB
    done
    echo
else
    echo "Peak memory: skipped (needs /usr/bin/time: sudo apt-get install time)"
    echo
fi

# ---- instruction counts -----------------------------------------------------
if [ $have_valgrind = 1 ]; then
    if [ $quick = 1 ]; then lo=5 hi=15; else lo=10 hi=40; fi
    ir() {
        valgrind --tool=callgrind --callgrind-out-file=$B/bench-cg.out \
            $BIN run $SCN --reps "$1" --threads 1 --seed 1 --quiet --format csv \
            >/dev/null 2>$B/bench-cg.err
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' $B/bench-cg.err
    }
    ir_lo=$(ir $lo)
    ir_hi=$(ir $hi)
    irrep=$(echo "$ir_lo $ir_hi $lo $hi" | awk '{printf "%.0f", ($2 - $1) / ($4 - $3)}')
    irev=$(echo "$irrep $evrep" | awk '{printf "%.0f", $1 / $2}')
    echo "Instructions (callgrind, ($hi - $lo) replications, fixed costs cancelled):"
    echo "  per replication            $irrep"
    echo "  per event                  $irev"
    csv callgrind_ir_per_rep "$irrep" instructions
    csv callgrind_ir_per_event "$irev" instructions
    echo
else
    echo "Instructions: skipped (needs valgrind: sudo apt-get install valgrind)"
    echo
fi

# ---- the default scenario ---------------------------------------------------
t0=$(now)
$BIN run --quiet --format csv >/dev/null
t1=$(now)
dw=$(echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}')
echo "Default scenario (corridor run, its own replications, all cores): $dw s  (target < 1 s)"
csv default_scenario_wall "$dw" s
echo

# ---- micro benchmarks -------------------------------------------------------
if [ $micro = 1 ]; then
    CFLAGS_MICRO="-O2 -g -std=c11 -D_POSIX_C_SOURCE=200809L -Isim -Iinclude -I$B/include"
    # The core library's dependencies; plplot only if the build uses it.
    LIBS="$(pkg-config --libs gsl yaml-0.1 jansson) $(pkg-config --libs plplot 2>/dev/null || true) -lpthread -lm"
    # queue_bench intercepts the queue's calls with --wrap, which LTO would
    # inline out of reach: it links a core library built without LTO.
    BM=build-bench-micro
    cmake -S . -B $BM -DCMAKE_BUILD_TYPE=Release -DCOR_LTO=OFF -DCOR_BUILD_TESTS=OFF >/dev/null
    cmake --build $BM -j "$(nproc)" --target corridor_core >/dev/null
    # shellcheck disable=SC2086
    cc $CFLAGS_MICRO bench/queue_bench.c $BM/libcorridor_core.a \
        -Wl,--wrap=cor_eventq_push -Wl,--wrap=cor_eventq_pop \
        -Wl,--wrap=cor_eventq_clear $LIBS -o $B/queue_bench
    # shellcheck disable=SC2086
    cc $CFLAGS_MICRO bench/rng_bench.c $LIBS -o $B/rng_bench
    # engine_bench and mm1_bench time the engine's code as the product
    # builds it: the core library of build-bench, link-time optimised like
    # corridor and with its profile, brought up to date with this tree even
    # under --bin or --no-build (only the library: corridor is left as it
    # is). It has a profile only if build-release.sh built build-bench,
    # and a source changed since then loses it (GCC warns).
    # lto_bench NAME TITLE ARGS... builds one, runs it and records its
    # undisturbed ns per event.
    cmake -S . -B $B -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS=-g >/dev/null
    cmake --build $B -j "$(nproc)" --target corridor_core >/dev/null
    lto_bench() {
        name=$1 title=$2
        shift 2
        # shellcheck disable=SC2086
        cc -O3 -g -flto=auto -std=c11 -D_POSIX_C_SOURCE=200809L -Isim \
            -Iinclude -I$B/include bench/$name.c $B/libcorridor_core.a $LIBS -o $B/$name
        echo "$title:"
        $B/$name "$@" >$B/bench-out
        sed 's/^/  /' $B/bench-out
        csv "${name%_bench}_ns_per_event_undisturbed" \
            "$(awk '/undisturbed/ {print $(NF-4)}' $B/bench-out)" ns
        echo
    }
    lto_bench engine_bench "The engine alone on bench-rn1 (200 replications, 15 rounds)" \
        $SCN 200 15
    # The target's reference model on the same queue and generator.
    lto_bench mm1_bench "An M/M/1 queue on the engine's event queue and generator"
    echo "Event queue candidates on the recorded bench-rn1 workload:"
    $B/queue_bench $SCN 100 9 | sed 's/^/  /'
    echo
    echo "GSL generators on the engine's mix of draws:"
    $B/rng_bench 9 | sed 's/^/  /'
    echo
fi

probe end
rm -f $B/bench-out $B/bench-t1 $B/bench-t2 $B/bench-ratio $B/bench-time $B/bench-cg.out $B/bench-cg.err
echo "CSV: $CSV"
