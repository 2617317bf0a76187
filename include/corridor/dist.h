/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Distributions for durations and counts named in scenario files.
 *
 * A `struct cor_dist` is a plain value: the kind and up to three parameters
 * in the units the scenario gives them. Sampling goes through GSL. Parameters
 * are checked once at load time with cor_dist_check(), because GSL with its
 * error handler off returns quietly wrong values for bad parameters. Every
 * distribution yields values >= 0 (the normal is truncated at 0 by
 * resampling): they stand for durations, or (a constant or the beta law)
 * for probabilities. A constant consumes no random numbers. */
#ifndef CORRIDOR_DIST_H
#define CORRIDOR_DIST_H

#include <gsl/gsl_rng.h>

enum cor_dist_kind {
    COR_DIST_CONST,       /* a: value */
    COR_DIST_EXPONENTIAL, /* a: mean */
    COR_DIST_UNIFORM,     /* a: min, b: max */
    COR_DIST_NORMAL,      /* a: mean, b: sd; truncated at 0 */
    COR_DIST_LOGNORMAL,   /* a: median, b: sigma */
    COR_DIST_GAMMA,       /* a: mean, b: coefficient of variation */
    COR_DIST_TRIANGULAR,  /* a: min, b: mode, c: max */
    COR_DIST_BETA         /* a: mean, b: sd; on [0, 1], for probabilities */
};

struct cor_dist {
    enum cor_dist_kind kind;
    double a, b, c;
};

/* A constant distribution with value v. */
struct cor_dist cor_dist_const(double v);
/* Draws one value (>= 0) from d using r. d must have passed cor_dist_check. */
double cor_dist_sample(const struct cor_dist *d, gsl_rng *r);
/* The distribution's mean (for the truncated normal, of the truncated law). */
double cor_dist_mean(const struct cor_dist *d);
/* NULL if the parameters are valid, else a static message saying why not,
 * e.g. "uniform needs min <= max". If positive_mean is set, the mean must
 * also be > 0 (intervals between departures, closure inter-arrivals). */
const char *cor_dist_check(const struct cor_dist *d, int positive_mean);
/* The same, and *which (if not NULL) gets the parameters the failed
 * condition involves, as bits: 1 for a, 2 for b, 4 for c (0 when valid),
 * so that an error can point at the value at fault. */
const char *cor_dist_check_which(const struct cor_dist *d, int positive_mean,
                                 unsigned *which);

#endif
