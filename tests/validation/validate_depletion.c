/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation: stock depletion without resupply, with and without rationing.
 *
 * A city with stock S, demand D and no deliveries is fully deterministic,
 * so every figure has an exact closed form (docs/model.md, "Cities and consumption"):
 *
 *   without rationing, day d ends with max(S - (d+1) D, 0), and the first
 *   shortage day is floor(S / D) -- precisely floor(S / D + 1e-9), since a
 *   day is short only when unmet > 1e-9 D (3 / 0.1 gives day 30);
 *
 *   with rationing (below_days B, factor f), day d is a full day while the
 *   stock before it is at least B D, i.e. for the first
 *   n1 = floor(S / D - B) + 1 days (0 if S < B D; never if B = 0); the
 *   stock left is S1 = S - n1 D (not negative when B >= 1, as in every
 *   case here), and every later day targets f D: the first shortage day
 *   is n1 + floor(S1 / (f D) + 1e-9 / f) (never, for f = 0), every day from
 *   n1 on is a rationing day (when f < 1), and day d >= n1 ends with
 *   max(S1 - (d - n1 + 1) f D, 0).
 *
 * All cases run in one scenario, one city per case, over a 400-day horizon;
 * per-day stocks are compared to 1e-9 relative (the engine subtracts day by
 * day, and 400 roundings are far below that), whole-day counts exactly. The
 * boundary cases (S / D - B an integer) use binary-exact numbers so that the
 * strict comparison "stock < B D" is decided by the model, not by rounding. */
#include "validate.h"

#define H 400 /* horizon, days */

struct dcase {
    double S, D;
    bool ration;
    double B, f;
};

/* Each line states its closed-form first shortage day as a cross-check of
 * the formula in expect_first(). */
static const struct dcase cases[] = {
    {1000, 30, false, 0, 0},      /* 33.3 -> 33 */
    {2.5, 0.7, false, 0, 0},      /* 3.57 -> 3 */
    {100, 25, false, 0, 0},       /* 4 exactly: day 4 starts empty */
    {3, 0.1, false, 0, 0},        /* 29.999999999999996 in binary -> 30 */
    {0, 5, false, 0, 0},          /* empty from the start -> 0 */
    {1234.5, 17.25, false, 0, 0}, /* 71.6 -> 71 */
    {1e5, 333.3, false, 0, 0},    /* 300.03 -> 300 */
    {0.3, 0.07, false, 0, 0},     /* 4.29 -> 4 */
    {7.75, 0.25, false, 0, 0},    /* 31 exactly */
    {5000, 12.5, false, 0, 0},    /* 400 = H: runs dry at the horizon, no shortage */
    {10, 0, false, 0, 0},         /* no demand: never short */
    {100, 10, true, 5, 0.5},      /* n1 = 6 (stock 50 = B D is not below), 40 / 5 -> 14 */
    {1000, 30, true, 4, 0.7},     /* n1 = 30, S1 = 100, 100 / 21 -> 34 */
    {2.5, 0.7, true, 2.2, 0.35},  /* n1 = 2, S1 = 1.1, 1.1 / 0.245 -> 6 */
    {50, 10, true, 8, 0.6},       /* below from the start: n1 = 0, 50 / 6 -> 8 */
    {100, 10, true, 3, 0},        /* f = 0: n1 = 8, then 20 left for ever */
    {100, 7, true, 5, 1},         /* f = 1: never a rationing day -> 14 */
    {100, 7, true, 0, 0.5},       /* B = 0: never below -> 14 */
    {10, 0.25, true, 4, 0.5},     /* binary-exact boundary: n1 = 37, 0.75 / 0.125 -> 43 */
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))
static const int first_by_hand[NCASES] = {33, 3, 4, 30, 0, 71, 300, 4, 31, -1, -1,
                                          14, 34, 6, 8, -1, 14, 14, 43};

/* Full-demand days before rationing starts. */
static int full_days(const struct dcase *c)
{
    /* below_days 0 never rations: the stock is never below 0. */
    if (!c->ration || c->D == 0 || c->B == 0)
        return H;
    if (c->S < c->B * c->D)
        return 0;
    double n1 = floor(c->S / c->D - c->B) + 1;
    return n1 < H ? (int)n1 : H;
}

/* The closed-form first shortage day, or -1 for none within H. */
static int expect_first(const struct dcase *c)
{
    if (c->D == 0)
        return -1;
    int n1 = full_days(c);
    double first;
    if (n1 >= H || !c->ration) {
        first = floor(c->S / c->D + 1e-9);
    } else {
        double S1 = c->S - n1 * c->D, fD = c->f * c->D;
        if (fD == 0)
            return -1;
        first = n1 + floor(S1 / fD + 1e-9 / c->f);
    }
    return first < H ? (int)first : -1;
}

/* The closed-form stock at the end of day d. */
static double expect_stock(const struct dcase *c, int d)
{
    int n1 = full_days(c);
    if (d < n1)
        return fmax(c->S - (d + 1) * c->D, 0.0);
    double S1 = c->S - n1 * c->D;
    return fmax(S1 - (d - n1 + 1) * c->f * c->D, 0.0);
}

static struct cor_scenario *load_cases(void)
{
    struct vbuf y = {0};
    vb_printf(&y, "scenario: { name: depletion, horizon_days: %d, seed: 1, replications: 4 }\n"
                  "commodities: { fuel: {} }\nnodes:\n", H);
    for (int i = 0; i < NCASES; i++)
        vb_printf(&y, "  c%d: { kind: city }\n", i);
    vb_printf(&y, "segments: []\ncities:\n");
    for (int i = 0; i < NCASES; i++) {
        const struct dcase *c = &cases[i];
        vb_printf(&y, "  c%d: { fuel: { stock: %.17g, capacity: %.17g, demand_per_day: %.17g",
                  i, c->S, c->S > 0 ? c->S : 1.0, c->D);
        if (c->ration)
            vb_printf(&y, ", ration: { below_days: %.17g, factor: %.17g }", c->B, c->f);
        vb_printf(&y, " } }\n");
    }
    struct cor_scenario *s = tu_load(y.s);
    vb_free(&y);
    assert_int_equal(s->nstocks, NCASES);
    return s;
}

/* Per replication through the engine: every day's stock, the first
 * shortage day, shortage and rationing days, unmet, consumed, final stock. */
static void test_validate_depletion_closed_form(void **state)
{
    (void)state;
    struct cor_scenario *s = load_cases();
    struct vrun v;
    vrun_open(&v, s, 0, false);
    /* No randomness is involved: several replications must agree. */
    for (long rep = 0; rep < 3; rep++) {
        vrun_rep(&v, 99, rep);
        for (int i = 0; i < NCASES; i++) {
            const struct dcase *c = &cases[i];
            const struct cor_rep_stock *k = &v.r.stocks[i];
            char what[96];
            int first = expect_first(c);
            assert_int_equal(first, first_by_hand[i]);
            if (k->first_short != first)
                fail_msg("case %d (S %g, D %g): first shortage day %d, closed form %d", i,
                         c->S, c->D, k->first_short, first);
            int n1 = full_days(c);
            int short_days = first < 0 ? 0 : H - first;
            int ration_days = c->ration && c->f < 1 && c->D > 0 && n1 < H ? H - n1 : 0;
            assert_int_equal(k->shortage_days, short_days);
            assert_int_equal(k->rationing_days, ration_days);
            /* Total target is D per full day and f D per rationed day; what
             * the stock could not cover is unmet. */
            double target = c->D * (n1 < H ? n1 : H) + c->f * c->D * (n1 < H ? H - n1 : 0);
            double consumed = fmin(c->S, target);
            snprintf(what, sizeof what, "case %d consumed", i);
            v_check_near(what, k->consumed, consumed, 1e-9 * fmax(c->S, 1));
            snprintf(what, sizeof what, "case %d unmet", i);
            v_check_near(what, k->unmet, target - consumed, 1e-9 * fmax(c->S, 1));
            snprintf(what, sizeof what, "case %d final stock", i);
            v_check_near(what, k->final_stock, c->S - consumed, 1e-9 * fmax(c->S, 1));
            assert_true(k->delivered == 0 && k->turned_away == 0);
            for (int d = 0; d < H; d++) {
                double got = v.r.day_stock[(size_t)d * (size_t)NCASES + (size_t)i];
                if (fabs(got - expect_stock(c, d)) > 1e-9 * fmax(c->S, 1))
                    fail_msg("case %d day %d: stock %.17g, closed form %.17g", i, d, got,
                             expect_stock(c, d));
                bool is_short = first >= 0 && d >= first;
                assert_int_equal(v.r.day_short[(size_t)d * (size_t)NCASES + (size_t)i],
                                 is_short);
            }
        }
    }
    vrun_close(&v);
    cor_scenario_free(s);
}

/* The same through the experiment layer on two threads: the aggregated
 * first-shortage quantiles, half_reps_by, p_shortage and served fraction
 * are the closed forms exactly, since every replication agrees. */
static void test_validate_depletion_aggregated(void **state)
{
    (void)state;
    struct cor_scenario *s = load_cases();
    struct cor_results *r = tu_run(s, 4, 2);
    for (int i = 0; i < NCASES; i++) {
        const struct dcase *c = &cases[i];
        const struct cor_stock_result *k = &r->stocks[i];
        int first = expect_first(c);
        if (first < 0) {
            assert_true(k->p_shortage == 0.0);
            assert_int_equal(k->half_reps_by, -1);
        } else {
            assert_true(k->p_shortage == 1.0);
            assert_true(k->first_p10 == first && k->first_p50 == first &&
                        k->first_p90 == first);
            assert_int_equal(k->half_reps_by, first);
        }
        /* Served fraction = consumed / (demand x days); rationed-away
         * demand counts as unserved; zero demand is fully served. */
        double served = c->D == 0 ? 1.0 : fmin(c->S, c->D * H) / (c->D * H);
        if (c->ration) {
            int n1 = full_days(c);
            double target = c->D * n1 + c->f * c->D * (H - n1);
            served = fmin(c->S, target) / (c->D * H);
        }
        char what[64];
        snprintf(what, sizeof what, "case %d served fraction", i);
        v_check_near(what, k->served_fraction.mean, served, 1e-12);
    }
    cor_results_free(r);
    cor_scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_depletion_closed_form),
        cmocka_unit_test(test_validate_depletion_aggregated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
