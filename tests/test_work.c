/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The work estimate (sim/work.c): its formula on scenarios small enough to
 * count by hand, its agreement with the events the engine really processes
 * on every shipped scenario, and the refusals with their messages. The
 * refusals through the binary are in test_corpus. */
#include "testutil.h"

#include <dirent.h>
#include <math.h>

#include "work.h"

/* One flow a -> b -> c; a city at c. Variants below change one thing. */
#define BASE_HEAD                                                              \
    "scenario: { name: w, horizon_days: 10, replications: 7 }\n"              \
    "commodities: { c: {} }\n"                                                \
    "nodes: { a: {}, b: {}, c: { kind: city } }\n"                            \
    "segments:\n"                                                             \
    "  - { from: a, to: b, km: 10, speed_kmh: 10 }\n"                         \
    "  - { from: b, to: c, km: 10, speed_kmh: 10 }\n"                         \
    "cities: { c: { c: { capacity: 1e9 } } }\n"

static double estimate(const char *yaml, int days, long reps)
{
    struct cor_scenario *s = tu_load(yaml);
    struct cor_work w = cor_work_estimate(s, days, reps);
    assert_true(w.events_total == w.events_per_rep * (double)reps);
    cor_scenario_free(s);
    return w.events_per_rep;
}

/* BASE_HEAD with one flow on the two-hour route a-b-c leaving every
 * `every` hours; `more` adds to the flow's mapping, `rest` to the file. */
static struct cor_scenario *one_flow(const char *every, const char *more, const char *rest)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             BASE_HEAD "flows:\n  - { id: f, commodity: c, route: [a, b, c], trucks: 1,"
                       " payload: 1, every_hours: %s%s }\n%s",
             every, more, rest);
    return tu_load(yaml);
}

/* The convoys on the road of one_flow(...), estimated over one day. */
static double on_road(const char *every, const char *more, const char *rest)
{
    struct cor_scenario *s = one_flow(every, more, rest);
    double v = cor_work_estimate(s, 1, 1).convoys_on_road;
    cor_scenario_free(s);
    return v;
}

/* Departures (240 h / 6 h + 1 = 41), each 1 + 2 legs = 3 events, plus one
 * a day; an escort and a fleet add a return each, a dwell on the way one
 * more, a window cuts the departures. */
static void test_work_formula_by_hand(void **state)
{
    (void)state;
#define FLOW(extra)                                                            \
    "flows:\n  - { id: f, commodity: c, route: [a, b, c], trucks: 1,"          \
    " payload: 1, every_hours: 6" extra " }\n"

    assert_true(estimate(BASE_HEAD, 10, 1) == 10.0); /* no flows: days only */
    assert_true(estimate(BASE_HEAD FLOW(""), 10, 1) == 10.0 + 41.0 * 3.0);
    /* --days changes the estimate, and the total is per_rep x reps. */
    assert_true(estimate(BASE_HEAD FLOW(""), 5, 3) == 5.0 + 21.0 * 3.0);
    assert_true(estimate(BASE_HEAD FLOW(", escort: e, fleet: 5")
                         "escorts: { e: { units: 1, from: a, to: c } }\n", 10, 1) ==
                10.0 + 41.0 * 5.0);
    /* A window [2, 4) days: departures from hour 48 up to hour 96. */
    assert_true(estimate(BASE_HEAD FLOW(", from_day: 2, to_day: 4"), 10, 1) ==
                10.0 + 9.0 * 3.0);
    /* A first departure after the horizon costs nothing. */
    assert_true(estimate(BASE_HEAD FLOW(", start_hour: 1000"), 10, 1) == 10.0);
    /* A dwell at b, on the way: one more event a trip. */
    assert_true(estimate("scenario: { name: w, horizon_days: 10 }\ncommodities: { c: {} }\n"
                         "nodes: { a: {}, b: { dwell_hours: 2 }, c: { kind: city } }\n"
                         "segments:\n  - { from: a, to: b, km: 10, speed_kmh: 10 }\n"
                         "  - { from: b, to: c, km: 10, speed_kmh: 10 }\n"
                         "cities: { c: { c: { capacity: 1e9 } } }\n" FLOW(""),
                         10, 1) == 10.0 + 41.0 * 4.0);
#undef FLOW
}

/* Closures: two events for a scheduled one; for a random one, two per
 * expected start plus the first draw, the rate scaled by the seasons'
 * closure-rate factor averaged over the horizon. */
static void test_work_closures_and_seasons(void **state)
{
    (void)state;
    char yaml[2048];
    snprintf(yaml, sizeof yaml, BASE_HEAD
             "threats:\n  closures:\n    - { segment: a-b, from_day: 1, to_day: 2 }\n"
             "    - { segment: b-c, every_days: 2, lasts_hours: 5 }\n");
    /* 10 days / 2 = 5 starts, + 1: 12 events; + 2 scheduled + 10 days. */
    assert_true(estimate(yaml, 10, 1) == 10.0 + 2.0 + 12.0);

    /* A season of factor 3 over half the horizon, another of factor 0
     * overlapping its last quarter: mean factor (2.5 * 1 + 2.5 * 3 + 2.5 * 0
     * + 2.5 * 1) / 10 = 1.25. */
    snprintf(yaml, sizeof yaml, BASE_HEAD
             "threats:\n  closures:\n    - { segment: b-c, every_days: 2, lasts_hours: 5 }\n"
             "  seasons:\n"
             "    - { from_day: 2.5, to_day: 7.5, closure_rate_factor: 3 }\n"
             "    - { from_day: 5, to_day: 7.5, closure_rate_factor: 0 }\n");
    assert_true(fabs(estimate(yaml, 10, 1) - (10.0 + 2.0 * (1.25 * 5.0 + 1.0))) < 1e-9);
}

/* The estimate against the engine's own count on every shipped scenario:
 * it errs high (a wiped-out, skipped or cancelled convoy costs less than a
 * trip), but not by much, or the caps would refuse reasonable runs. */
static void test_work_tracks_engine_on_shipped_scenarios(void **state)
{
    (void)state;
    DIR *dir = opendir(COR_SOURCE_DIR "/scenarios");
    assert_non_null(dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(dir))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/scenarios/%s", COR_SOURCE_DIR, de->d_name);
        struct cor_diag d;
        cor_diag_init(&d);
        struct cor_scenario *s = cor_scenario_load_file(path, NULL, 0, &d);
        if (!s) {
            cor_diag_print(&d, stderr);
            fail_msg("%s did not load", path);
        }
        cor_diag_fini(&d);
        const long reps = 20;
        struct cor_results *r = tu_run(s, reps, 2);
        double actual = (double)r->events_processed / (double)reps;
        double est = cor_work_estimate(s, s->horizon_days, reps).events_per_rep;
        print_message("%-34s %9.0f events a replication, estimated %9.0f (%+.0f %%)\n",
                      de->d_name, actual, est, 100.0 * (est / actual - 1.0));
        if (!(est >= 0.9 * actual && est <= 2.0 * actual))
            fail_msg("%s: estimate %.0f for %.0f events", de->d_name, est, actual);
        cor_results_free(r);
        cor_scenario_free(s);
        n++;
    }
    closedir(dir);
    assert_true(n >= 1);
}

/* The checks: within the caps, past each, and their messages. */
static void test_work_check_refusals(void **state)
{
    (void)state;
    char yaml[2048];
    snprintf(yaml, sizeof yaml, BASE_HEAD
             "flows:\n  - { id: f, commodity: c, route: [b, c], trucks: 1,"
             " payload: 1, every_hours: 0.000001 }\n");
    struct cor_scenario *s = tu_load(yaml);
    struct cor_diag d;
    cor_diag_init(&d);
    /* 240 h at a million departures an hour, 2 events each. */
    assert_int_equal(cor_work_check(s, 10, 1, &d), COR_ELIMIT);
    assert_int_equal(cor_diag_count(&d), 1);
    assert_string_equal(d.entries[0].file, "test.yaml");
    assert_int_equal(d.entries[0].line, 0);
    assert_non_null(strstr(d.entries[0].message,
                           "too much work: about 480000012 events per replication over 10 "
                           "days (cap 200000000)"));
    cor_diag_fini(&d);

    /* One day is 48 million events: under the per-replication cap; 4,166
     * replications stay under 2e11, 4,167 do not. The one-hour trip keeps
     * a million and one convoys on the road: under that cap too. */
    cor_diag_init(&d);
    assert_int_equal(cor_work_check(s, 1, 4166, &d), COR_OK);
    assert_int_equal(cor_diag_count(&d), 0);
    assert_int_equal(cor_work_check(s, 1, 4167, &d), COR_ELIMIT);
    assert_non_null(strstr(d.entries[0].message, "x 4167 replications = about"));
    assert_non_null(strstr(d.entries[0].message, "(cap 200000000000, hours of CPU time)"));
    cor_diag_fini(&d);
    cor_scenario_free(s);

    /* The same departures on a two-hour route: two million and one convoys
     * on the road at once (Little's law), one past the cap; at half the
     * rate, a million and one. */
    s = one_flow("0.000001", "", "");
    cor_diag_init(&d);
    assert_true(on_road("0.000001", "", "") == 2000001.0);
    assert_int_equal(cor_work_check(s, 1, 1, &d), COR_ELIMIT);
    assert_int_equal(cor_diag_count(&d), 1);
    assert_non_null(strstr(d.entries[0].message,
                           "too many convoys on the road at once: about 2000001 "
                           "(cap 2000000, for memory)"));
    cor_diag_fini(&d);
    cor_scenario_free(s);
    assert_true(on_road("0.000002", "", "") == 1000001.0);
    /* A season at half speed doubles the hours on the road; one after the
     * horizon does not slow this run. */
    assert_true(on_road("0.000002", "",
                        "threats:\n  seasons: [ { from_day: 0, to_day: 1, "
                        "speed_factor: 0.5 } ]\n") == 2000001.0);
    assert_true(on_road("0.000002", "",
                        "threats:\n  seasons: [ { from_day: 2, to_day: 3, "
                        "speed_factor: 1e-5 } ]\n") == 1000001.0);
    /* A fleet of 5 trucks cannot have more than 5 convoys out. */
    assert_true(on_road("0.000002", ", fleet: 5", "") == 5.0);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_work_formula_by_hand),
        cmocka_unit_test(test_work_closures_and_seasons),
        cmocka_unit_test(test_work_tracks_engine_on_shipped_scenarios),
        cmocka_unit_test(test_work_check_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
