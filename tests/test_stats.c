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

/* A hand-made run: the scenario `yaml`, its model, an aggregator and one
 * replication result that the test fills in and adds, as the workers do. */
struct hand {
    struct cor_scenario *s;
    struct cor_model *m;
    struct cor_agg *a;
    struct cor_rep_result r;
};

static void hand_open(struct hand *h, const char *yaml)
{
    h->s = tu_load(yaml);
    h->m = cor_model_new(h->s, h->s->horizon_days);
    h->a = cor_agg_new(h->m);
    cor_rep_result_init(&h->r, h->m);
}

static void hand_close(struct hand *h)
{
    cor_rep_result_fini(&h->r);
    cor_agg_free(h->a);
    cor_model_free(h->m);
    cor_scenario_free(h->s);
}

/* The stock percentiles of many replications: the merge counts into bytes
 * and moves them into the totals every 255 replications, so bins holding
 * more than 255 must still be counted in full. Two stocks, two days: on
 * day 0 the first sits at three levels (100, 500 and 800 of a capacity of
 * 1000) in 300, 450 and 250 of 1,000 replications, interleaved, and the
 * second at two (100 and 400 of 500) in turn, each stock binned by its
 * own capacity; on day 1 both are at one level throughout. */
static void test_stats_stock_percentiles_count_past_a_byte(void **state)
{
    (void)state;
    struct hand h;
    hand_open(&h, "scenario: { name: bins, horizon_days: 2, replications: 1 }\n"
                  "commodities: { fuel: {}, grain: {} }\n"
                  "nodes: { a: { kind: city } }\n"
                  "segments: []\n"
                  "cities: { a: { fuel: { stock: 1, capacity: 1000, demand_per_day: 0 },\n"
                  "               grain: { stock: 1, capacity: 500, demand_per_day: 0 } } }\n");
    struct cor_rep_result *r = &h.r;
    assert_int_equal(r->nstocks, 2);
    const long n = 1000;
    for (long i = 0; i < n; i++) {
        /* 3 of every 10 at 100, 9 of every 20 at 500, the rest at 800 */
        long j = i % 20;
        r->day_stock[0] = j < 6 ? 100.0 : j < 15 ? 500.0 : 800.0;
        r->day_stock[1] = i % 2 ? 100.0 : 400.0;
        r->day_stock[2] = 0.0;
        r->day_stock[3] = 500.0;
        cor_agg_add(h.a, r);
    }
    struct cor_results *res = cor_agg_finish(h.a, 1);
    /* Bins are capacity / 256 wide, reported at their midpoints and
     * clamped to the observed range: rank 49.95 falls among the 300 at
     * 100 (bin 26, midpoint 99.6, clamped to 100); rank 499.5 among the
     * 450 at 500 (bin 129, 501.95...); rank 949.05 among the 250 at 800
     * (bin 205, 798.8...). */
    const struct cor_day_result *d0 = cor_results_day(res, 0, 0);
    tu_assert_near(d0->stock_p05, 100.0, 0.0);
    tu_assert_near(d0->stock_p50, 1000.0 * 128.5 / 256, 1e-9);
    tu_assert_near(d0->stock_p95, 1000.0 * 204.5 / 256, 1e-9);
    /* The second stock's bins are 500 / 256 wide: 100 in bin 52, 400 in
     * bin 205, inside the observed range [100, 400]. */
    const struct cor_day_result *d1 = cor_results_day(res, 0, 1);
    tu_assert_near(d1->stock_p05, 500.0 * 51.5 / 256, 1e-9);
    tu_assert_near(d1->stock_p95, 500.0 * 204.5 / 256, 1e-9);
    /* One level on every replication: exact, whatever the bin. */
    tu_assert_near(cor_results_day(res, 1, 0)->stock_p05, 0.0, 0.0);
    tu_assert_near(cor_results_day(res, 1, 1)->stock_p95, 500.0, 0.0);
    cor_results_free(res);
    hand_close(&h);
}

/* Stock percentiles of a few replications, each one stock on one day, at
 * bin midpoints (a capacity of 256 makes the bins one unit wide) or at 0:
 * there the estimate is exact, so it must be GSL's quantile of the values,
 * for every count of replications down to one (where the upper rank of
 * the interpolation does not exist). */
static void test_stats_stock_percentiles_match_gsl(void **state)
{
    (void)state;
    struct cor_scenario *s = tu_load(
        "scenario: { name: mid, horizon_days: 1, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: city } }\n"
        "segments: []\n"
        "cities: { a: { fuel: { stock: 1, capacity: 256, demand_per_day: 0 } } }\n");
    struct cor_model *m = cor_model_new(s, s->horizon_days);
    struct cor_rep_result r;
    cor_rep_result_init(&r, m);
    assert_int_equal(r.nstocks, 1);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
    for (int trial = 0; trial < 300; trial++) {
        long n = 1 + (long)gsl_rng_uniform_int(g, 40);
        /* Few distinct levels in some trials, so that ranks share bins. */
        unsigned long levels = trial % 2 ? 3 : COR_STOCK_BINS + 1;
        double *x = calloc((size_t)n, sizeof *x);
        struct cor_agg *a = cor_agg_new(m);
        for (long i = 0; i < n; i++) {
            unsigned long b = gsl_rng_uniform_int(g, levels);
            x[i] = b == 0 ? 0.0 : (double)b - 0.5;
            r.day_stock[0] = x[i];
            cor_agg_add(a, &r);
        }
        struct cor_results *res = cor_agg_finish(a, 1);
        gsl_sort(x, 1, (size_t)n);
        const struct cor_day_result *d = cor_results_day(res, 0, 0);
        tu_assert_near(d->stock_p05, gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.05),
                       1e-9);
        tu_assert_near(d->stock_p50, gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.50),
                       1e-9);
        tu_assert_near(d->stock_p95, gsl_stats_quantile_from_sorted_data(x, 1, (size_t)n, 0.95),
                       1e-9);
        cor_results_free(res);
        cor_agg_free(a);
        free(x);
    }
    gsl_rng_free(g);
    cor_rep_result_fini(&r);
    cor_model_free(m);
    cor_scenario_free(s);
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

/* The per-stock summary of five hand-made replications, against values
 * worked out here from the same numbers: first-shortage quantiles over
 * the three replications that had one (days 2, 4 and 1) only, the day by
 * which ceil(5 / 2) = 3 had been short (4: an odd count must round up),
 * the share short on or before each day, and Student-t intervals from the
 * spread of the replications (not of their mean). */
static void test_stats_stock_summary_by_hand(void **state)
{
    (void)state;
    struct hand h;
    hand_open(&h, "scenario: { name: hand, horizon_days: 6, replications: 1 }\n"
                  "commodities: { fuel: {} }\n"
                  "nodes: { a: { kind: city } }\n"
                  "segments: []\n"
                  "cities: { a: { fuel: { stock: 1, capacity: 10, demand_per_day: 1 } } }\n");
    struct cor_rep_result *r = &h.r;
    struct cor_agg *a = h.a;
    const int first[5] = {2, -1, 4, -1, 1};
    const double unmet[5] = {4.0, 0.0, 2.5, 0.0, 5.0};
    for (int i = 0; i < 5; i++) {
        memset(r->stocks, 0, sizeof *r->stocks);
        r->stocks[0].first_short = first[i];
        r->stocks[0].unmet = unmet[i];
        for (int d = 0; d < 6; d++)
            r->day_short[d] = first[i] >= 0 && d >= first[i];
        r->stocks[0].shortage_days = first[i] >= 0 ? 6 - first[i] : 0;
        cor_agg_add(a, r);
    }
    struct cor_results *res = cor_agg_finish(a, 1);
    const struct cor_stock_result *k = &res->stocks[0];
    assert_int_equal(k->reps_short, 3);
    tu_assert_near(k->p_shortage, 0.6, 1e-15);
    const double sorted[3] = {1, 2, 4};
    tu_assert_near(k->first_p10, gsl_stats_quantile_from_sorted_data(sorted, 1, 3, 0.1), 1e-12);
    tu_assert_near(k->first_p50, 2.0, 0.0);
    tu_assert_near(k->first_p90, gsl_stats_quantile_from_sorted_data(sorted, 1, 3, 0.9), 1e-12);
    assert_int_equal(k->half_reps_by, 4);
    /* Short on or before day d: 0, 1, 2, 2, 3, 3 of 5. */
    const double by[6] = {0, 1, 2, 2, 3, 3};
    for (int d = 0; d < 6; d++) {
        tu_assert_near(cor_results_day(res, d, 0)->p_short_by, by[d] / 5, 1e-15);
        tu_assert_near(cor_results_day(res, d, 0)->p_short, by[d] / 5, 1e-15);
    }
    double mean = gsl_stats_mean(unmet, 1, 5), sd = gsl_stats_sd(unmet, 1, 5);
    double half = gsl_cdf_tdist_Pinv(0.975, 4) * sd / sqrt(5.0);
    tu_assert_near(k->unmet.mean, mean, 1e-12);
    tu_assert_near(k->unmet.lo, mean - half, 1e-12);
    tu_assert_near(k->unmet.hi, mean + half, 1e-12);
    cor_results_free(res);

    /* A sixth replication, never short: ceil(6 / 2) = 3 is still reached
     * on day 4, and nowhere with one more that is never short. */
    r->stocks[0].first_short = -1;
    memset(r->day_short, 0, 6);
    cor_agg_add(a, r);
    res = cor_agg_finish(a, 1);
    assert_int_equal(res->stocks[0].half_reps_by, 4);
    cor_results_free(res);
    cor_agg_add(a, r);
    res = cor_agg_finish(a, 1);
    assert_int_equal(res->stocks[0].half_reps_by, -1);
    cor_results_free(res);

    hand_close(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_hist_quantile_matches_gsl),
        cmocka_unit_test(test_stats_stock_percentiles_count_past_a_byte),
        cmocka_unit_test(test_stats_stock_percentiles_match_gsl),
        cmocka_unit_test(test_stats_estimate_student_t),
        cmocka_unit_test(test_stats_stock_summary_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
