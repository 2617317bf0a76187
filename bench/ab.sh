#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A/B wall-time comparison of two corridor binaries on bench-rn1.
#
# On a shared machine the load changes from one second to the next, so
# timing A ten times and then B ten times measures the neighbours as much
# as the code. This alternates A and B run by run, and reports each side's
# minimum (the run least disturbed), lower quartile and median, and their
# ratios, for the wall time and (with /usr/bin/time) for the CPU time
# (user + system), which a crowded machine inflates less than the wall
# time: waiting for a core costs wall time, not CPU time. Before timing, it
# checks that both write byte-identical summary.json, timeline.csv and
# events.csv: a faster binary with different outputs is not an
# optimisation. Many short runs resolve small differences better than a
# few long ones: a long run nearly always catches a burst of load.
#
# Usage: bench/ab.sh OLD_BINARY NEW_BINARY [RUNS] [REPS] [THREADS]
#        (defaults: 21 runs of 200 replications on 1 thread)
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
A=$1 B=$2 runs=${3:-21} reps=${4:-200} threads=${5:-1}
SCN=scenarios/bench-rn1.yaml

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for side in A B; do
    eval bin=\$$side
    "$bin" run $SCN --reps 100 --seed 1 --threads 2 --quiet --format json \
        --out "$tmp/$side" >/dev/null
done
for f in summary.json timeline.csv events.csv; do
    cmp -s "$tmp/A/$f" "$tmp/B/$f" || { echo "ab: $f differs between A and B" >&2; exit 1; }
done

have_time=0
if [ -x /usr/bin/time ] && /usr/bin/time -f %e true >/dev/null 2>&1; then have_time=1; fi
now() { date +%s.%N; }
i=0
while [ $i -lt "$runs" ]; do
    for side in A B; do
        eval bin=\$$side
        t0=$(now)
        if [ $have_time = 1 ]; then
            /usr/bin/time -f "%U %S" -o "$tmp/cpu" "$bin" run $SCN --reps "$reps" \
                --threads "$threads" --seed 1 --quiet --format csv >/dev/null
            awk '{printf "%.2f\n", $1 + $2}' "$tmp/cpu" >>"$tmp/$side.c"
        else
            "$bin" run $SCN --reps "$reps" --threads "$threads" --seed 1 --quiet \
                --format csv >/dev/null
        fi
        t1=$(now)
        echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}' >>"$tmp/$side.t"
    done
    i=$((i + 1))
done
summ() { sort -g "$1" | awk '{v[NR]=$1} END {printf "%.4f %.4f %.4f", v[1], v[int(NR/4)+1], v[int((NR+1)/2)]}'; }
echo "outputs identical; $runs alternating runs of $reps replications on $threads thread(s)"
for what in t c; do
    [ -f "$tmp/A.$what" ] || continue
    [ $what = t ] && label=wall || label=cpu
    set -- $(summ "$tmp/A.$what"); amin=$1 aq1=$2 amed=$3
    set -- $(summ "$tmp/B.$what"); bmin=$1 bq1=$2 bmed=$3
    echo "$label  A: min $amin s, q1 $aq1 s, median $amed s   ($A)"
    echo "$label  B: min $bmin s, q1 $bq1 s, median $bmed s   ($B)"
    echo "$amin $bmin $aq1 $bq1 $amed $bmed" | awk -v l=$label \
        '{printf "%s  B/A: %.3f min, %.3f q1, %.3f median (below 1: B is faster)\n", l, $2 / $1, $4 / $3, $6 / $5}'
done
