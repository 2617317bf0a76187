/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Distributions for durations: parameter checks, means and GSL sampling. */
#include "corridor/dist.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "dist_draw.h"
#include "rng.h"

struct cor_dist cor_dist_const(double v)
{
    struct cor_dist d = {COR_DIST_CONST, v, 0, 0};
    return d;
}

/* GSL has no triangular sampler: invert its CDF. */
static double triangular(double lo, double mode, double hi, gsl_rng *r)
{
    if (hi <= lo)
        return lo;
    double u = cor_rng_uniform(r);
    double f = (mode - lo) / (hi - lo);
    if (u < f)
        return lo + sqrt(u * (hi - lo) * (mode - lo));
    return hi - sqrt((1.0 - u) * (hi - lo) * (hi - mode));
}

double cor_dist_sample(const struct cor_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case COR_DIST_CONST:
        return d->a;
    case COR_DIST_EXPONENTIAL:
        return cor_dist_exponential(d->a, r);
    /* Written as GSL's gsl_ran_flat computes it (same numbers) on the
     * inline uniform. */
    case COR_DIST_UNIFORM: {
        if (d->a == d->b)
            return d->a;
        double u = cor_rng_uniform(r);
        return d->a * (1 - u) + d->b * u;
    }
    case COR_DIST_NORMAL: {
        /* Resampling until non-negative: with a positive mean at least half
         * the draws are accepted, so this ends quickly. */
        double x;
        do
            x = d->a + gsl_ran_gaussian_ziggurat(r, d->b);
        while (x < 0.0);
        return x;
    }
    case COR_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, log(d->a), d->b);
    case COR_DIST_GAMMA: {
        double shape = 1.0 / (d->b * d->b);
        return gsl_ran_gamma(r, shape, d->a / shape);
    }
    case COR_DIST_TRIANGULAR:
        return triangular(d->a, d->b, d->c, r);
    case COR_DIST_BETA: {
        /* Method of moments: mean m and sd s give a + b = m(1-m)/s^2 - 1. */
        double nu = d->a * (1.0 - d->a) / (d->b * d->b) - 1.0;
        return gsl_ran_beta(r, d->a * nu, (1.0 - d->a) * nu);
    }
    }
    return 0.0;
}

double cor_dist_mean(const struct cor_dist *d)
{
    switch (d->kind) {
    case COR_DIST_CONST:
    case COR_DIST_EXPONENTIAL:
    case COR_DIST_GAMMA:
        return d->a;
    case COR_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case COR_DIST_NORMAL: {
        if (d->b == 0.0)
            return d->a;
        double alpha = -d->a / d->b;
        return d->a + d->b * gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);
    }
    case COR_DIST_LOGNORMAL:
        return d->a * exp(0.5 * d->b * d->b);
    case COR_DIST_TRIANGULAR:
        return (d->a + d->b + d->c) / 3.0;
    case COR_DIST_BETA:
        return d->a;
    }
    return 0.0;
}

/* Bits of the parameters a, b, c. */
#define PA 1u
#define PB 2u
#define PC 4u

const char *cor_dist_check_which(const struct cor_dist *d, int positive_mean,
                                 unsigned *which)
{
    unsigned w = 0;
    const char *why = NULL;
/* The condition failed: say why, and which parameters it involves. */
#define FAIL(bits, msg) (w = (bits), why = (msg))
    if (!isfinite(d->a) || !isfinite(d->b) || !isfinite(d->c)) {
        FAIL((isfinite(d->a) ? 0 : PA) | (isfinite(d->b) ? 0 : PB) | (isfinite(d->c) ? 0 : PC),
             "parameters must be finite numbers");
    } else {
        switch (d->kind) {
        case COR_DIST_CONST:
            if (d->a < 0)
                FAIL(PA, "must be >= 0");
            else if (positive_mean && d->a <= 0)
                FAIL(PA, "must be > 0");
            break;
        case COR_DIST_EXPONENTIAL:
            if (!(d->a > 0))
                FAIL(PA, "exponential needs mean > 0");
            break;
        case COR_DIST_UNIFORM:
            if (d->a < 0 || d->b < d->a)
                FAIL(PA | PB, "uniform needs 0 <= min <= max");
            else if (positive_mean && d->b <= 0)
                FAIL(PB, "uniform needs max > 0");
            break;
        case COR_DIST_NORMAL:
            if (d->a <= 0)
                FAIL(PA, "normal needs mean > 0");
            else if (d->b < 0)
                FAIL(PB, "normal needs sd >= 0");
            break;
        case COR_DIST_LOGNORMAL:
            if (d->a <= 0)
                FAIL(PA, "lognormal needs median > 0");
            else if (d->b < 0)
                FAIL(PB, "lognormal needs sigma >= 0");
            break;
        case COR_DIST_GAMMA:
            if (d->a <= 0)
                FAIL(PA, "gamma needs mean > 0");
            else if (d->b <= 0 || d->b > 100)
                FAIL(PB, "gamma needs 0 < cv <= 100");
            break;
        case COR_DIST_TRIANGULAR:
            if (d->a < 0 || d->b < d->a || d->c < d->b)
                FAIL(PA | PB | PC, "triangular needs 0 <= min <= mode <= max");
            else if (positive_mean && d->c <= 0)
                FAIL(PC, "triangular needs max > 0");
            break;
        case COR_DIST_BETA:
            if (!(d->a > 0 && d->a < 1))
                FAIL(PA, "beta needs 0 < mean < 1");
            else if (!(d->b > 0 && d->b * d->b < d->a * (1 - d->a)))
                FAIL(PA | PB, "beta needs 0 < sd < sqrt(mean (1 - mean))");
            break;
        default:
            FAIL(PA | PB | PC, "unknown distribution");
            break;
        }
    }
#undef FAIL
    if (which)
        *which = w;
    return why;
}

const char *cor_dist_check(const struct cor_dist *d, int positive_mean)
{
    return cor_dist_check_which(d, positive_mean, NULL);
}
