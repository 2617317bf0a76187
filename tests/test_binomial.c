/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The binomial table draws exactly what gsl_ran_binomial draws. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "binomial.h"

/* Probabilities around every case of GSL's sampler: 0 and 1, tiny, the
 * engine's usual ones, 1/2 and just above it (the mirror), and large. */
static const double probs[] = {0.0,  1e-9, 0.001, 0.05, 0.1,       0.25, 0.3,
                               0.4,  0.5,  0.5000001, 0.6, 0.75, 0.95, 0.999, 1.0};
enum { NPROBS = sizeof probs / sizeof *probs, NMAX = 80 };

/* Two taus2 generators with the same seed: the table draws from one,
 * GSL from the other; the values and the generators' states must agree
 * after every draw (the same number of outputs consumed). Counts up to 80
 * cover the table (64) and GSL's own path beyond it; a probability other
 * than the table's must go to GSL too. */
static void test_binomial_draws_equal_gsl(void **state)
{
    (void)state;
    gsl_rng *a = gsl_rng_alloc(gsl_rng_taus2), *g = gsl_rng_alloc(gsl_rng_taus2);
    for (int i = 0; i < NPROBS; i++) {
        struct cor_binomial b;
        cor_binomial_init(&b, probs[i], NMAX);
        for (unsigned n = 0; n <= NMAX; n++) {
            for (int other = 0; other < 2; other++) {
                double p = other ? 0.37 : probs[i];
                unsigned long seed = 1000u * (unsigned)i + n + 1;
                gsl_rng_set(a, seed);
                gsl_rng_set(g, seed);
                for (int d = 0; d < 300; d++) {
                    unsigned x = cor_binomial_draw(&b, a, p, n);
                    unsigned y = gsl_ran_binomial(g, p, n);
                    if (x != y)
                        fail_msg("p %.10g n %u draw %d: table %u, GSL %u", p, n, d, x, y);
                }
                if (gsl_rng_get(a) != gsl_rng_get(g))
                    fail_msg("p %.10g n %u: the generators drifted apart", p, n);
            }
        }
        cor_binomial_fini(&b);
    }
    gsl_rng_free(a);
    gsl_rng_free(g);
}

/* A generator whose first output is chosen and every later one is 0: the
 * same device the table is built with (binomial.c's oracle), written out
 * here so that the test does not depend on the code it checks. This test
 * checks the table's thresholds; the independent check of the draws is
 * test_binomial_draws_equal_gsl, on real taus2 streams. */
struct fixed {
    unsigned long k;
    int calls;
};
static void fixed_set(void *s, unsigned long k)
{
    ((struct fixed *)s)->k = k;
    ((struct fixed *)s)->calls = 0;
}
static unsigned long fixed_get(void *s)
{
    struct fixed *f = s;
    return f->calls++ == 0 ? f->k : 0;
}
static double fixed_get_double(void *s)
{
    return (double)fixed_get(s) / 4294967296.0;
}
static const gsl_rng_type fixed_type = {"fixed", 0xffffffffUL, 0, sizeof(struct fixed),
                                        fixed_set, fixed_get, fixed_get_double};

static void check_output(const struct cor_binomial *b, gsl_rng *f, unsigned n, uint64_t k)
{
    if (k > 0xffffffffULL)
        return;
    gsl_rng_set(f, (unsigned long)k);
    long x = cor_binomial_pick(b, n, (uint32_t)k);
    long y = (long)gsl_ran_binomial(f, b->p, n);
    if (x != y)
        fail_msg("p %.10g n %u output %llu: table %ld, GSL %ld", b->p, n,
                 (unsigned long long)k, x, y);
}

/* Random draws rarely land next to a threshold: check the table against
 * GSL at both sides of every threshold and at the ends of the generator's
 * range. */
static void test_binomial_thresholds_exact(void **state)
{
    (void)state;
    gsl_rng *f = gsl_rng_alloc(&fixed_type);
    long tabulated = 0;
    for (int i = 0; i < NPROBS; i++) {
        struct cor_binomial b;
        cor_binomial_init(&b, probs[i], NMAX);
        for (unsigned n = 0; n <= b.nmax; n++) {
            const struct cor_binomial_row *w = &b.row[n];
            if (w->kind != COR_BINOMIAL_TABLE)
                continue;
            tabulated++;
            for (uint64_t k = 0; k < 3; k++) {
                check_output(&b, f, n, k);
                check_output(&b, f, n, 0xffffffffULL - k);
            }
            for (uint32_t j = 0; j < w->nthr; j++) {
                uint64_t t = (uint64_t)b.last[w->off + j] + 1;
                check_output(&b, f, n, t - 1);
                check_output(&b, f, n, t);
                check_output(&b, f, n, t + 1);
            }
        }
        cor_binomial_fini(&b);
    }
    gsl_rng_free(f);
    /* The grid must exercise the table. */
    assert_true(tabulated > 300);
}

/* What is tabulated: small means only, up to the cap; none for a
 * probability outside [0, 1]. */
static void test_binomial_coverage(void **state)
{
    (void)state;
    struct cor_binomial b;
    cor_binomial_init(&b, 0.4, 1000);
    assert_int_equal(b.nmax, COR_BINOMIAL_MAX_N);
    assert_int_equal(b.row[0].kind, COR_BINOMIAL_CONST);
    assert_int_equal(b.row[20].kind, COR_BINOMIAL_TABLE);
    /* GSL switches to its rejection method (two uniforms a try) at a
     * mean of 14: 0.4 x 35 = 14. */
    assert_int_equal(b.row[34].kind, COR_BINOMIAL_TABLE);
    assert_int_equal(b.row[35].kind, COR_BINOMIAL_GSL);
    assert_int_equal(b.row[20].nthr, 20);
    cor_binomial_fini(&b);
    /* Not a probability: no table at all, so no probability can match. */
    cor_binomial_init(&b, NAN, 10);
    assert_true(isnan(b.p));
    assert_int_equal(b.nmax, 0);
    assert_null(b.row);
    assert_int_equal(cor_binomial_pick(&b, 0, 0), -1);
    cor_binomial_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binomial_draws_equal_gsl),
        cmocka_unit_test(test_binomial_thresholds_exact),
        cmocka_unit_test(test_binomial_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
