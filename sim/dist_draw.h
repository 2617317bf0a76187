/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cor_dist_sample with its two commonest kinds decided at the call site.
 *
 * cor_dist_sample chooses the kind in one `switch`, whose indirect jump
 * every call site in the engine shares; the kinds that the sites draw
 * differ (exponential intervals, uniform delays, constant probabilities),
 * so that jump's target keeps changing. Each call site of cor_dist_draw
 * has its own two tests, which see the same kind nearly every time. On
 * its own that was not reliably faster; the build with it and the other
 * changes of its round is (docs/performance.md, optimisations 20 and 21).
 * The numbers are cor_dist_sample's, draw for draw (test_dist checks it). */
#ifndef COR_DIST_DRAW_H
#define COR_DIST_DRAW_H

#include <math.h>

#include "corridor/dist.h"
#include "rng.h"

/* An exponential with this mean, as GSL's gsl_ran_exponential computes it
 * (same numbers) on the inline uniform. */
static inline double cor_dist_exponential(double mean, gsl_rng *r)
{
    return -mean * log1p(-cor_rng_uniform(r));
}

static inline double cor_dist_draw(const struct cor_dist *d, gsl_rng *r)
{
    if (d->kind == COR_DIST_EXPONENTIAL)
        return cor_dist_exponential(d->a, r);
    if (d->kind == COR_DIST_CONST)
        return d->a;
    return cor_dist_sample(d, r);
}

#endif
