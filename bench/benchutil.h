/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the benchmark programs share: a clock, a sort order, the timing
 * report of chunked rounds, and loading a scenario. */
#ifndef COR_BENCHUTIL_H
#define COR_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "corridor/diag.h"
#include "corridor/scenario.h"

/* Monotonic seconds. */
static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* qsort order for doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Chunked rounds: the same work runs round after round, cut into chunks
 * timed one by one. A burst of load on the host slows some chunks in some
 * rounds, rarely the same chunk in every round, so the sum of each chunk's
 * fastest round is close to what the work costs undisturbed.
 *
 * Chunk c took dt seconds in round k (rounds from 0): keep its fastest. */
static inline void bench_chunk_time(double *best, long c, int k, double dt)
{
    if (k == 0 || dt < best[c])
        best[c] = dt;
}

/* Prints nanoseconds per event and events per second for `events` events
 * a round: undisturbed (the sum of the chunks' fastest rounds) and the
 * median round's (total[k], round k's time; sorted here). bench/run.sh
 * reads the "undisturbed" line. */
static inline void bench_print_rates(double events, const double *best, long nchunks,
                                     double *total, int rounds)
{
    double sum_best = 0.0;
    for (long c = 0; c < nchunks; c++)
        sum_best += best[c];
    qsort(total, (size_t)rounds, sizeof *total, bench_cmp_double);
    double median = total[rounds / 2];
    printf("ns per event, undisturbed (sum of chunk minima)  %.2f  = %.2f M events/s\n",
           1e9 * sum_best / events, events / sum_best / 1e6);
    printf("ns per event, median round                       %.2f  = %.2f M events/s\n",
           1e9 * median / events, events / median / 1e6);
}

/* The scenario at path, or its diagnostics on stderr and exit status 2. */
static inline struct cor_scenario *bench_load_scenario(const char *path)
{
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_scenario *sc = cor_scenario_load_file(path, NULL, 0, &d);
    if (!sc) {
        cor_diag_print(&d, stderr);
        exit(2);
    }
    cor_diag_fini(&d);
    return sc;
}

#endif
