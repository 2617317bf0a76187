/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shipped scenarios: each validates and runs, and the default tells
 * the true story of 2025 (docs/calibration.md, observations to reproduce).
 *
 * The observation windows are the press record's (calibration sheet §7),
 * not what the model printed: Bamako's stations ran dry 4-5 weeks after
 * the declaration (days 27-36), more than 100 tankers had burnt by about
 * day 35 and more than 130 by months 3-4 (and "300+" is unverified, so the
 * count by day 120 is bounded loosely above), stations reopened around day
 * 82 after the escorted mega-convoys. Each check holds the model's
 * estimate, or its 95 % confidence interval, inside the window. */
#include "testutil.h"

#include <dirent.h>
#include <math.h>

#define SCENARIOS COR_SOURCE_DIR "/scenarios"

static struct cor_scenario *load_file(const char *path, const char *const *ov, int nov)
{
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_scenario *s = cor_scenario_load_file(path, ov, nov, &d);
    if (!s)
        cor_diag_print(&d, stderr);
    cor_diag_fini(&d);
    assert_non_null(s);
    return s;
}

static int stock_index(const struct cor_scenario *s, const char *city, const char *com)
{
    for (int k = 0; k < s->nstocks; k++)
        if (!strcmp(s->nodes[s->cities[s->stocks[k].city].node].id, city) &&
            !strcmp(s->commodities[s->stocks[k].commodity].id, com))
            return k;
    fail_msg("no stock %s/%s", city, com);
    return -1;
}

/* Every scenario shipped in scenarios/ loads and runs a few replications. */
static void test_calibration_every_scenario_runs(void **state)
{
    (void)state;
    DIR *dir = opendir(SCENARIOS);
    assert_non_null(dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(dir))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", SCENARIOS, de->d_name);
        struct cor_scenario *s = load_file(path, NULL, 0);
        struct cor_results *r = tu_run(s, 8, 2);
        assert_int_equal(r->replications, 8);
        cor_results_free(r);
        cor_scenario_free(s);
        n++;
    }
    closedir(dir);
    assert_true(n >= 9);
}

/* Bamako's fuel runs short 4-5 weeks in; the worst is past by day 82. */
static void test_calibration_default_onset_and_recovery(void **state)
{
    (void)state;
    struct cor_scenario *s = load_file(SCENARIOS "/rn1-2025-blockade.yaml", NULL, 0);
    struct cor_results *r = tu_run(s, 400, 2);
    int k = stock_index(s, "bamako", "fuel");
    const struct cor_stock_result *b = &r->stocks[k];
    assert_true(b->p_shortage > 0.9);
    if (!(b->first_p50 >= 27 && b->first_p50 <= 36))
        fail_msg("median first shortage day %g outside the observed 27-36", b->first_p50);
    /* The crisis: at day 54 (schools closed) a large share of replications
     * is short; by day 90, after the mega-convoys, few are. The sources
     * give no share, so 0.4 and 0.2 are what "the worst of the crisis" and
     * "stations reopen" are taken to mean (docs/calibration.md), not
     * statistical tolerances. Estimated from 400 replications, a share
     * has a standard error of at most 0.025, so the model's 0.52-0.55 and
     * 0.08 lie about 5 standard errors inside them. */
    assert_true(cor_results_day(r, 54, k)->p_short > 0.4);
    assert_true(cor_results_day(r, 90, k)->p_short < 0.2);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Tankers burnt: > 100 by day 35; > 130 (and not absurdly many) by day
 * 120. Tankers carry 45 m3, so fuel lost / 45 counts them. */
static void test_calibration_default_tanker_losses(void **state)
{
    (void)state;
    struct cor_scenario *s = load_file(SCENARIOS "/rn1-2025-blockade.yaml", NULL, 0);
    struct cor_run_options o = cor_run_options_default(s);
    o.replications = 400;
    o.threads = 2;
    int fuel = cor_scenario_commodity(s, "fuel");
    const int days[] = {35, 120};
    const double lo[] = {100, 130}, hi[] = {250, 600};
    for (int i = 0; i < 2; i++) {
        o.days = days[i];
        struct cor_diag d;
        cor_diag_init(&d);
        struct cor_results *r = NULL;
        assert_int_equal(cor_experiment_run(s, &o, &r, &d), COR_OK);
        cor_diag_fini(&d);
        const struct cor_estimate *e = &r->corridor.lost[fuel];
        if (!(e->lo / 45 > lo[i] && e->hi / 45 < hi[i]))
            fail_msg("tankers lost by day %d: %g [%g, %g], window (%g, %g)", days[i],
                     e->mean / 45, e->lo / 45, e->hi / 45, lo[i], hi[i]);
        cor_results_free(r);
    }
    cor_scenario_free(s);
}

/* The baseline keeps every city supplied and loses nothing. */
static void test_calibration_baseline_is_flat(void **state)
{
    (void)state;
    struct cor_scenario *s = load_file(SCENARIOS "/rn1-baseline.yaml", NULL, 0);
    struct cor_results *r = tu_run(s, 50, 2);
    for (int k = 0; k < s->nstocks; k++) {
        assert_true(r->stocks[k].p_shortage == 0.0);
        assert_true(r->stocks[k].turned_away.mean == 0.0);
    }
    assert_true(r->corridor.trucks_destroyed.mean == 0.0);
    /* Bamako's fuel stays within a few days of its initial 10 days. */
    int k = stock_index(s, "bamako", "fuel");
    for (int d = 10; d < r->days; d++)
        assert_true(fabs(cor_results_day(r, d, k)->stock_mean - 25000) < 3 * 2500);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Pure depletion: floor(S / D) days without rationing, later with it. */
static void test_calibration_depletion_days(void **state)
{
    (void)state;
    /* A ration factor of 1 cuts nothing. */
    const char *ov[] = {"cities.bamako.fuel.ration.factor=1", "cities.bamako.fuel.stock=26000"};
    struct cor_scenario *s = load_file(SCENARIOS "/depletion-bamako.yaml", ov, 2);
    struct cor_results *r = tu_run(s, 1, 1);
    assert_true(r->stocks[0].first_p50 == floor(26000.0 / 2500.0));
    cor_results_free(r);
    cor_scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_every_scenario_runs),
        cmocka_unit_test(test_calibration_default_onset_and_recovery),
        cmocka_unit_test(test_calibration_default_tanker_losses),
        cmocka_unit_test(test_calibration_baseline_is_flat),
        cmocka_unit_test(test_calibration_depletion_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
