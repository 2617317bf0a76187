/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the benchmark programs share: a clock and a sort order. */
#ifndef COR_BENCHUTIL_H
#define COR_BENCHUTIL_H

#include <time.h>

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

#endif
