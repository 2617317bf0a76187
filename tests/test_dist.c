/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Distributions: parameter checks, and sample means against the closed-form
 * means within 5 standard errors (sd estimated from the sample). */
#include "testutil.h"

#include <math.h>

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
    struct cor_dist bad[] = {
        {COR_DIST_CONST, -1, 0, 0},
        {COR_DIST_EXPONENTIAL, 0, 0, 0},
        {COR_DIST_UNIFORM, 5, 2, 0},
        {COR_DIST_UNIFORM, -1, 2, 0},
        {COR_DIST_NORMAL, 0, 1, 0},
        {COR_DIST_NORMAL, 1, -1, 0},
        {COR_DIST_LOGNORMAL, 0, 1, 0},
        {COR_DIST_GAMMA, 1, 0, 0},
        {COR_DIST_TRIANGULAR, 1, 0.5, 2},
        {COR_DIST_EXPONENTIAL, NAN, 0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_non_null(cor_dist_check(&bad[i], 0));
    struct cor_dist zero = cor_dist_const(0);
    assert_null(cor_dist_check(&zero, 0));
    assert_non_null(cor_dist_check(&zero, 1)); /* an interval must be > 0 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_sample_means),
        cmocka_unit_test(test_dist_samples_are_gsl),
        cmocka_unit_test(test_dist_draw_is_sample),
        cmocka_unit_test(test_dist_check_rejects_bad_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
