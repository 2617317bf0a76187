/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming statistics: histogram quantiles agree with GSL's rule, and
 * confidence intervals with the Student-t formula. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "stats.h"

static void test_stats_hist_quantile_matches_gsl(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    for (int trial = 0; trial < 200; trial++) {
        long n = 1 + (long)gsl_rng_uniform_int(r, 60);
        int days = 1 + (int)gsl_rng_uniform_int(r, 100);
        long *hist = calloc((size_t)days, sizeof *hist);
        double *x = calloc((size_t)n, sizeof *x);
        for (long i = 0; i < n; i++) {
            int d = (int)gsl_rng_uniform_int(r, (unsigned long)days);
            hist[d]++;
            x[i] = d;
        }
        gsl_sort(x, 1, (size_t)n);
        const double fs[] = {0.0, 0.1, 0.5, 0.9, 1.0, 0.37};
        for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
            double want = gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, fs[k]);
            tu_assert_near(cor_hist_quantile(hist, days, n, fs[k]), want, 1e-12);
        }
        free(hist);
        free(x);
    }
    gsl_rng_free(r);
}

static void test_stats_estimate_student_t(void **state)
{
    (void)state;
    struct cor_estimate e = cor_estimate_make(10, 5.0, 2.0);
    double half = gsl_cdf_tdist_Pinv(0.975, 9) * 2.0 / sqrt(10.0);
    tu_assert_near(e.lo, 5.0 - half, 1e-12);
    tu_assert_near(e.hi, 5.0 + half, 1e-12);
    assert_true(half > 1.96 * 2.0 / sqrt(10.0)); /* t is wider than z */
    e = cor_estimate_make(1, 3.0, 0.0);
    assert_true(e.lo == 3.0 && e.hi == 3.0);
    e = cor_estimate_make(0, 0, 0);
    assert_int_equal(e.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_hist_quantile_matches_gsl),
        cmocka_unit_test(test_stats_estimate_student_t),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
