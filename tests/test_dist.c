/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Distributions: parameter checks, sample means against the closed-form
 * means within 5 standard errors (sd estimated from the sample), and whole
 * samples against the CDFs (Kolmogorov-Smirnov, error rate 1e-5). */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rstat.h>

#include "corridor/dist.h"
#include "dist_draw.h"

static void check_mean(struct cor_dist d, gsl_rng *r)
{
    assert_null(cor_dist_check(&d, 1));
    gsl_rstat_workspace *w = gsl_rstat_alloc();
    for (int i = 0; i < 200000; i++) {
        double x = cor_dist_sample(&d, r);
        assert_true(x >= 0.0);
        gsl_rstat_add(x, w);
    }
    double se = gsl_rstat_sd(w) / sqrt(200000.0);
    tu_assert_near(gsl_rstat_mean(w), cor_dist_mean(&d), 5.0 * se + 1e-12);
    gsl_rstat_free(w);
}

static void test_dist_sample_means(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 99);
    check_mean((struct cor_dist){COR_DIST_CONST, 4, 0, 0}, r);
    check_mean((struct cor_dist){COR_DIST_EXPONENTIAL, 48, 0, 0}, r);
    check_mean((struct cor_dist){COR_DIST_UNIFORM, 2, 12, 0}, r);
    check_mean((struct cor_dist){COR_DIST_NORMAL, 10, 3, 0}, r);
    check_mean((struct cor_dist){COR_DIST_NORMAL, 1, 3, 0}, r); /* heavy truncation */
    check_mean((struct cor_dist){COR_DIST_LOGNORMAL, 24, 0.5, 0}, r);
    check_mean((struct cor_dist){COR_DIST_GAMMA, 7, 0.4, 0}, r);
    check_mean((struct cor_dist){COR_DIST_TRIANGULAR, 1, 2, 6}, r);
    gsl_rng_free(r);
}

/* The CDF of each kind with its parameters as docs/scenario-format.md
 * defines them, written from those definitions (not from the samplers). */
static double cdf(const struct cor_dist *d, double x)
{
    switch (d->kind) {
    case COR_DIST_EXPONENTIAL:
        return gsl_cdf_exponential_P(x, d->a);
    case COR_DIST_UNIFORM:
        return gsl_cdf_flat_P(x, d->a, d->b);
    case COR_DIST_NORMAL: { /* mean a, sd b, truncated at 0 */
        double p0 = gsl_cdf_gaussian_P(-d->a, d->b);
        return x <= 0 ? 0 : (gsl_cdf_gaussian_P(x - d->a, d->b) - p0) / (1 - p0);
    }
    case COR_DIST_LOGNORMAL: /* median a, sigma b */
        return gsl_cdf_lognormal_P(x, log(d->a), d->b);
    case COR_DIST_GAMMA: { /* mean a, coefficient of variation b */
        double shape = 1 / (d->b * d->b);
        return gsl_cdf_gamma_P(x, shape, d->a / shape);
    }
    case COR_DIST_TRIANGULAR: { /* min a, mode b, max c */
        if (x <= d->a)
            return 0;
        if (x >= d->c)
            return 1;
        if (x <= d->b)
            return (x - d->a) * (x - d->a) / ((d->c - d->a) * (d->b - d->a));
        return 1 - (d->c - x) * (d->c - x) / ((d->c - d->a) * (d->c - d->b));
    }
    case COR_DIST_BETA: { /* mean a, sd b */
        double nu = d->a * (1 - d->a) / (d->b * d->b) - 1;
        return gsl_cdf_beta_P(x, d->a * nu, (1 - d->a) * nu);
    }
    case COR_DIST_CONST:
        break;
    }
    return x >= d->a;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Whole distributions, not only their means (which do not see a gamma's
 * cv or a lognormal's sigma): the Kolmogorov-Smirnov distance between n
 * samples and the CDF. By the Dvoretzky-Kiefer-Wolfowitz inequality with
 * Massart's constant, P(D > eps) <= 2 exp(-2 n eps^2) for any n, so eps =
 * sqrt(ln(2 / alpha) / (2 n)) fails a correct sampler with probability at
 * most alpha = 1e-5 (0.0175 for n = 20,000). */
static void test_dist_sample_distributions(void **state)
{
    (void)state;
    const struct cor_dist kinds[] = {
        {COR_DIST_EXPONENTIAL, 48, 0, 0}, {COR_DIST_UNIFORM, 2, 12, 0},
        {COR_DIST_NORMAL, 10, 3, 0},      {COR_DIST_NORMAL, 1, 3, 0},
        {COR_DIST_LOGNORMAL, 24, 0.5, 0}, {COR_DIST_GAMMA, 7, 0.4, 0},
        {COR_DIST_GAMMA, 7, 1.5, 0},      {COR_DIST_TRIANGULAR, 1, 2, 6},
        {COR_DIST_TRIANGULAR, 1, 1, 6},   {COR_DIST_BETA, 0.3, 0.1, 0},
    };
    const size_t n = 20000;
    const double eps = sqrt(log(2 / 1e-5) / (2.0 * (double)n));
    double *x = malloc(n * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 2024);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (size_t i = 0; i < n; i++)
            x[i] = cor_dist_sample(&kinds[k], r);
        qsort(x, n, sizeof *x, cmp_double);
        double dmax = 0;
        for (size_t i = 0; i < n; i++) {
            double f = cdf(&kinds[k], x[i]);
            dmax = fmax(dmax, fmax(f - (double)i / (double)n, (double)(i + 1) / (double)n - f));
        }
        if (!(dmax <= eps))
            fail_msg("kind %d (%g, %g, %g): KS distance %.4f > %.4f", (int)kinds[k].kind,
                     kinds[k].a, kinds[k].b, kinds[k].c, dmax, eps);
    }
    gsl_rng_free(r);
    free(x);
}

/* The samplers written out on the inline uniform give GSL's own numbers. */
static void test_dist_samples_are_gsl(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 7);
    gsl_rng *copy = gsl_rng_clone(r);
    struct cor_dist ex = {COR_DIST_EXPONENTIAL, 48, 0, 0};
    struct cor_dist un = {COR_DIST_UNIFORM, 2, 12, 0};
    for (int i = 0; i < 100000; i++) {
        double x = cor_dist_sample(&ex, r), y = gsl_ran_exponential(copy, 48);
        assert_memory_equal(&x, &y, sizeof x);
        x = cor_dist_sample(&un, r);
        y = gsl_ran_flat(copy, 2, 12);
        assert_memory_equal(&x, &y, sizeof x);
    }
    gsl_rng_free(copy);
    gsl_rng_free(r);
}

/* cor_dist_draw, which decides the commonest kinds at its call site, gives
 * cor_dist_sample's numbers for every kind, and leaves the generator where
 * cor_dist_sample leaves it. */
static void test_dist_draw_is_sample(void **state)
{
    (void)state;
    const struct cor_dist kinds[] = {
        {COR_DIST_CONST, 4, 0, 0},          {COR_DIST_EXPONENTIAL, 48, 0, 0},
        {COR_DIST_UNIFORM, 2, 12, 0},       {COR_DIST_NORMAL, 1, 3, 0},
        {COR_DIST_LOGNORMAL, 24, 0.5, 0},   {COR_DIST_GAMMA, 7, 0.4, 0},
        {COR_DIST_TRIANGULAR, 1, 2, 6},     {COR_DIST_BETA, 0.3, 0.1, 0},
    };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 11);
    gsl_rng *copy = gsl_rng_clone(r);
    for (int i = 0; i < 20000; i++) {
        const struct cor_dist *d = &kinds[i % (int)(sizeof kinds / sizeof kinds[0])];
        double x = cor_dist_draw(d, r), y = cor_dist_sample(d, copy);
        assert_memory_equal(&x, &y, sizeof x);
    }
    assert_true(gsl_rng_get(r) == gsl_rng_get(copy));
    gsl_rng_free(copy);
    gsl_rng_free(r);
}

static void test_dist_check_rejects_bad_parameters(void **state)
{
    (void)state;
    /* Each with the parameters its failed condition involves (bits: a 1,
     * b 2, c 4), which the loader uses to point at the value at fault. */
    const struct {
        struct cor_dist d;
        unsigned which;
    } bad[] = {
        {{COR_DIST_CONST, -1, 0, 0}, 1},          {{COR_DIST_EXPONENTIAL, 0, 0, 0}, 1},
        {{COR_DIST_UNIFORM, 5, 2, 0}, 3},         {{COR_DIST_UNIFORM, -1, 2, 0}, 3},
        {{COR_DIST_NORMAL, 0, 1, 0}, 1},          {{COR_DIST_NORMAL, 1, -1, 0}, 2},
        {{COR_DIST_LOGNORMAL, 0, 1, 0}, 1},       {{COR_DIST_LOGNORMAL, 1, -1, 0}, 2},
        {{COR_DIST_GAMMA, 1, 0, 0}, 2},           {{COR_DIST_GAMMA, -1, 1, 0}, 1},
        {{COR_DIST_TRIANGULAR, 1, 0.5, 2}, 7},    {{COR_DIST_BETA, 1.5, 0.1, 0}, 1},
        {{COR_DIST_BETA, 0.5, 0.6, 0}, 3},        {{COR_DIST_EXPONENTIAL, NAN, 0, 0}, 1},
        {{COR_DIST_UNIFORM, 1, INFINITY, 0}, 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned which = 99;
        assert_non_null(cor_dist_check(&bad[i].d, 0));
        assert_non_null(cor_dist_check_which(&bad[i].d, 0, &which));
        if (which != bad[i].which)
            fail_msg("case %zu: parameters %u, expected %u", i, which, bad[i].which);
    }
    struct cor_dist tri = {COR_DIST_TRIANGULAR, 0, 0, 0};
    unsigned which = 0;
    assert_non_null(cor_dist_check_which(&tri, 1, &which)); /* max > 0 */
    assert_int_equal(which, 4);
    struct cor_dist fine = {COR_DIST_GAMMA, 5, 0.5, 0};
    assert_null(cor_dist_check_which(&fine, 1, &which));
    assert_int_equal(which, 0);
    struct cor_dist zero = cor_dist_const(0);
    assert_null(cor_dist_check(&zero, 0));
    assert_non_null(cor_dist_check(&zero, 1)); /* an interval must be > 0 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_sample_means),
        cmocka_unit_test(test_dist_sample_distributions),
        cmocka_unit_test(test_dist_samples_are_gsl),
        cmocka_unit_test(test_dist_draw_is_sample),
        cmocka_unit_test(test_dist_check_rejects_bad_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
