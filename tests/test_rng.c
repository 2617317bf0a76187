/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Random streams: determined by (seed, replication, stream) only. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "rng.h"

static void draw(gsl_rng *g, unsigned long *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = gsl_rng_get(g);
}

static void test_rng_same_seed_same_stream(void **state)
{
    (void)state;
    struct cor_rng a, b;
    cor_rng_init(&a, 2, 1);
    cor_rng_init(&b, 2, 1);
    unsigned long x[8], y[8];
    cor_rng_seed(&a, 42, 7);
    /* b sees other replications first: its state must not leak through. */
    cor_rng_seed(&b, 42, 6);
    draw(b.g[0], y, 8);
    cor_rng_seed(&b, 42, 7);
    for (int s = 0; s < a.n; s++) {
        draw(a.g[s], x, 8);
        draw(b.g[s], y, 8);
        assert_memory_equal(x, y, sizeof x);
    }
    cor_rng_fini(&a);
    cor_rng_fini(&b);
}

static void test_rng_streams_differ(void **state)
{
    (void)state;
    struct cor_rng a;
    cor_rng_init(&a, 1, 1);
    unsigned long x[4], y[4];
    cor_rng_seed(&a, 1, 0);
    draw(a.g[0], x, 4);
    draw(a.g[1], y, 4);
    assert_memory_not_equal(x, y, sizeof x);
    cor_rng_seed(&a, 1, 1);
    draw(a.g[0], y, 4);
    assert_memory_not_equal(x, y, sizeof x);
    /* Seed 0 is an ordinary seed (GSL's mt19937 would map it to 4357). */
    cor_rng_seed(&a, 0, 0);
    draw(a.g[0], x, 4);
    cor_rng_seed(&a, 4357, 0);
    draw(a.g[0], y, 4);
    assert_memory_not_equal(x, y, sizeof x);
    cor_rng_fini(&a);
}

/* A quick sanity check of uniformity: the mean of 1e5 uniforms is within
 * 5 standard errors of 1/2 (sd of U(0,1) is 1/sqrt(12)). */
static void test_rng_uniform_mean(void **state)
{
    (void)state;
    struct cor_rng a;
    cor_rng_init(&a, 0, 0);
    cor_rng_seed(&a, 123, 0);
    double s = 0;
    int n = 100000;
    for (int i = 0; i < n; i++)
        s += gsl_rng_uniform(a.g[COR_STREAM_AMBUSH]);
    tu_assert_near(s / n, 0.5, 5.0 / sqrt(12.0 * n));
    cor_rng_fini(&a);
}

/* A closure's stream does not move when flows are added: streams are named
 * by kind and index, not by position. Same for a flow and the closures. */
static void test_rng_streams_named_by_kind(void **state)
{
    (void)state;
    struct cor_rng a, b;
    cor_rng_init(&a, 2, 3);
    cor_rng_init(&b, 7, 1);
    cor_rng_seed(&a, 99, 4);
    cor_rng_seed(&b, 99, 4);
    unsigned long x[4], y[4];
    draw(cor_rng_closure(&a, 0), x, 4);
    draw(cor_rng_closure(&b, 0), y, 4);
    assert_memory_equal(x, y, sizeof x);
    draw(cor_rng_flow(&a, 1), x, 4);
    draw(cor_rng_flow(&b, 1), y, 4);
    assert_memory_equal(x, y, sizeof x);
    cor_rng_fini(&a);
    cor_rng_fini(&b);
}

/* The inline step is taus2 itself: a million draws equal GSL's, bit for
 * bit, as uniforms and as raw 32-bit outputs, and leave the state where
 * GSL's would. */
static void test_rng_inline_uniform_is_gsl(void **state)
{
    (void)state;
    struct cor_rng a;
    cor_rng_init(&a, 1, 0);
    cor_rng_seed(&a, 2025, 3);
    gsl_rng *g = cor_rng_stream(&a, COR_STREAM_AMBUSH);
    gsl_rng *copy = gsl_rng_clone(g);
    for (int i = 0; i < 1000000; i++) {
        double x = cor_rng_uniform(g), y = gsl_rng_uniform(copy);
        if (memcmp(&x, &y, sizeof x) != 0)
            fail_msg("draw %d: %.17g inline, %.17g from GSL", i, x, y);
        uint32_t k = cor_rng_u32(g);
        unsigned long l = gsl_rng_get(copy);
        if (k != l)
            fail_msg("draw %d: %lu inline, %lu from GSL", i, (unsigned long)k, l);
    }
    assert_int_equal(gsl_rng_get(g), gsl_rng_get(copy));
    gsl_rng_free(copy);
    cor_rng_fini(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_same_seed_same_stream),
        cmocka_unit_test(test_rng_streams_differ),
        cmocka_unit_test(test_rng_uniform_mean),
        cmocka_unit_test(test_rng_streams_named_by_kind),
        cmocka_unit_test(test_rng_inline_uniform_is_gsl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
