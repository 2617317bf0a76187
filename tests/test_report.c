/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for the reports: summary.json, the CSV files, the table and the
 * atomic publication of `--out DIR`.
 *
 * The results are built by hand on a small synthetic scenario (a port and
 * two cities, two commodities, one flow), so that every figure in the
 * output is known in advance and the formats can be checked exactly,
 * independently of the engine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "tu_files.h"
#include "tu_locale.h"

#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "alloc.h"
#include "corridor/report.h"
#include "corridor/version.h"
#include "outfile.h"

/* ---- Fixture --------------------------------------------------------- */

#define NDAYS 4

static struct cor_scenario *make_scenario(void)
{
    struct cor_scenario *s = cor_calloc(1, sizeof *s);
    s->name = cor_strdup("test-corridor");
    s->has_start_date = true;
    s->start_year = 2024; /* day 2 is the leap day */
    s->start_month = 2;
    s->start_day = 27;
    s->horizon_days = NDAYS;
    s->seed = 42;
    s->replications = 100;

    s->ncommodities = 2;
    s->commodities = cor_calloc(2, sizeof *s->commodities);
    s->commodities[0].id = cor_strdup("fuel");
    s->commodities[0].unit = cor_strdup("m3");
    s->commodities[1].id = cor_strdup("grain");
    s->commodities[1].unit = cor_strdup("t");

    const char *nodes[] = {"dakar", "kayes", "bamako"};
    s->nnodes = 3;
    s->nodes = cor_calloc(3, sizeof *s->nodes);
    for (int i = 0; i < 3; i++) {
        s->nodes[i].id = cor_strdup(nodes[i]);
        s->nodes[i].name = cor_strdup(nodes[i]);
        s->nodes[i].kind = i == 0 ? COR_NODE_PORT : COR_NODE_CITY;
    }

    s->nsegments = 2;
    s->segments = cor_calloc(2, sizeof *s->segments);
    s->segments[0] = (struct cor_segment){cor_strdup("dakar-kayes"), 0, 1, 700, 40, 0};
    s->segments[1] = (struct cor_segment){cor_strdup("kayes-bamako"), 1, 2, 600, 40, 1};

    /* Stocks: kayes fuel, bamako fuel, bamako grain. */
    s->ncities = 2;
    s->cities = cor_calloc(2, sizeof *s->cities);
    s->cities[0] = (struct cor_city){1, 0, 1};
    s->cities[1] = (struct cor_city){2, 1, 2};
    s->nstocks = 3;
    s->stocks = cor_calloc(3, sizeof *s->stocks);
    s->stocks[0] = (struct cor_stock){.city = 0, .commodity = 0, .stock = 100,
                                      .capacity = 200, .demand = 10};
    s->stocks[1] = (struct cor_stock){.city = 1, .commodity = 0, .stock = 1000,
                                      .capacity = 2000, .demand = 500};
    s->stocks[2] = (struct cor_stock){.city = 1, .commodity = 1, .stock = 50,
                                      .capacity = 100, .demand = 5};

    s->nflows = 1;
    s->flows = cor_calloc(1, sizeof *s->flows);
    s->flows[0].id = cor_strdup("fuel-bamako");
    s->flows[0].commodity = 0;
    s->flows[0].escort = -1;
    s->flows[0].stock = 1;

    s->noverrides = 2;
    s->overrides = cor_calloc(2, sizeof *s->overrides);
    s->overrides[0] = cor_strdup("flows.fuel-bamako.trucks=10");
    s->overrides[1] = cor_strdup("cities.bamako.fuel.stock=1e3");
    return s;
}


static struct cor_estimate est(long n, double mean, double lo, double hi)
{
    return (struct cor_estimate){n, mean, lo, hi};
}

static struct cor_results *make_results(const struct cor_scenario *s)
{
    struct cor_results *r = cor_calloc(1, sizeof *r);
    r->scenario = s;
    r->seed = 42;
    r->replications = 100;
    r->days = NDAYS;
    r->stocks = cor_calloc((size_t)s->nstocks, sizeof *r->stocks);

    /* kayes fuel: never short; turned_away exists in no replication. */
    struct cor_stock_result *k = &r->stocks[0];
    k->p_shortage = 0;
    k->reps_short = 0;
    k->first_p10 = k->first_p50 = k->first_p90 = 99; /* invalid: never read */
    k->half_reps_by = -1;
    k->shortage_days = est(100, 0, 0, 0);
    k->unmet = est(100, 0, 0, 0);
    k->served_fraction = est(100, 1, 1, 1);
    k->delivered = est(100, 40, 38.5, 41.5);
    k->turned_away = est(0, 0, 0, 0);
    k->rationing_days = est(100, 0, 0, 0);
    k->final_stock = est(100, 100, 99, 101);

    /* bamako fuel: short in 60 % of the replications. */
    struct cor_stock_result *b = &r->stocks[1];
    b->p_shortage = 0.6;
    b->reps_short = 60;
    b->first_p10 = 1;
    b->first_p50 = 2;
    b->first_p90 = 2.5;
    b->half_reps_by = 2;
    b->shortage_days = est(100, 1.25, 1.0, 1.5);
    b->unmet = est(100, 312.5, 250.25, 374.75);
    b->served_fraction = est(100, 0.84375, 0.8125, 0.875);
    b->delivered = est(100, 648, 600, 696);
    b->turned_away = est(100, 0, 0, 0);
    b->rationing_days = est(100, 0.5, 0.25, 0.75);
    b->final_stock = est(100, 123456.789, 120000, 126913.578);

    /* bamako grain: a single replication, so ci95 = [mean, mean]. */
    struct cor_stock_result *g = &r->stocks[2];
    g->p_shortage = 1;
    g->reps_short = 1;
    g->first_p10 = g->first_p50 = g->first_p90 = 3;
    g->half_reps_by = 3;
    g->shortage_days = est(1, 1, 1, 1);
    g->unmet = est(1, 2.5, 2.5, 2.5);
    g->served_fraction = est(1, 0.875, 0.875, 0.875);
    g->delivered = est(1, 0, 0, 0);
    g->turned_away = est(1, 0, 0, 0);
    g->rationing_days = est(1, 0, 0, 0);
    g->final_stock = est(1, 0, 0, 0);

    r->timeline = cor_calloc((size_t)NDAYS * (size_t)s->nstocks, sizeof *r->timeline);
    for (int d = 0; d < NDAYS; d++)
        for (int i = 0; i < s->nstocks; i++) {
            struct cor_day_result *dr = &r->timeline[d * s->nstocks + i];
            dr->stock_mean = 1000.0 / (d + 1) + i;
            dr->stock_p05 = dr->stock_mean * 0.5;
            dr->stock_p50 = dr->stock_mean;
            dr->stock_p95 = dr->stock_mean * 1.5;
            dr->p_short = 0.1 * d;
            dr->p_short_by = 0.125 * d;
            dr->unmet_mean = d * 2.5;
            dr->delivered_mean = i == 1 ? 162 : 0;
        }

    struct cor_corridor_result *c = &r->corridor;
    c->convoys_dispatched = est(100, 4.5, 4.25, 4.75);
    c->departures_cancelled = est(100, 0.25, 0.125, 0.375);
    c->departures_skipped = est(100, 0, 0, 0);
    c->ambushes = est(100, 1.5, 1.25, 1.75);
    c->convoys_ambushed = est(100, 1.25, 1, 1.5);
    c->trucks_destroyed = est(100, 3, 2.5, 3.5);
    c->drivers_killed = est(100, 1, 0.75, 1.25);
    c->escort_wait_hours = est(0, 0, 0, 0);
    c->lost = cor_calloc((size_t)s->ncommodities, sizeof *c->lost);
    c->lost[0] = est(100, 108, 90, 126);
    c->lost[1] = est(100, 0, 0, 0);

    r->events_processed = 123456789;
    r->wall_seconds = 0.5;

    static const struct cor_trace_event trace[] = {
        {0.0, COR_TRACE_DEPART, 0, 0, 0, -1, -1, 20, 0, 0, 0},
        {0.0, COR_TRACE_ENTER, 0, 0, 0, 0, -1, 20, 0, 0, 0},
        {12.25, COR_TRACE_AMBUSH, 0, 0, -1, 0, -1, 18, 2, 1, 0},
        {24.0, COR_TRACE_DELIVER, 0, 0, 2, -1, 1, 18, 0, 0, 648},
        {24.0, COR_TRACE_SHORTAGE, -1, -1, -1, -1, 0, 0, 0, 0, 12.5},
        {30.123456, COR_TRACE_CANCEL, 0, -1, -1, -1, -1, 0, 0, 0, 0},
        {48.0, COR_TRACE_CLOSURE_START, -1, -1, -1, 1, -1, 0, 0, 0, 0},
    };
    r->ntrace = (long)(sizeof trace / sizeof trace[0]);
    r->trace = cor_malloc(sizeof trace);
    memcpy(r->trace, trace, sizeof trace);
    return r;
}

struct fixture {
    struct cor_scenario *s;
    struct cor_results *r;
};

static int setup(void **state)
{
    struct fixture *f = cor_calloc(1, sizeof *f);
    f->s = make_scenario();
    f->r = make_results(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    cor_results_free(f->r);
    cor_scenario_free(f->s);
    free(f);
    return 0;
}

/* ---- Helpers --------------------------------------------------------- */

enum doc { DOC_SUMMARY, DOC_TIMELINE, DOC_EVENTS, DOC_CSV, DOC_TABLE };

/* The document as a string the caller frees. */
static char *render(const struct cor_results *r, enum doc which)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    enum cor_status st = COR_EIO;
    switch (which) {
    case DOC_SUMMARY: st = cor_report_summary_json(out, r); break;
    case DOC_TIMELINE: st = cor_report_timeline_csv(out, r); break;
    case DOC_EVENTS: st = cor_report_events_csv(out, r); break;
    case DOC_CSV: st = cor_report_write(out, r, COR_FORMAT_CSV); break;
    case DOC_TABLE: st = cor_report_write(out, r, COR_FORMAT_TABLE); break;
    }
    assert_int_equal(fclose(out), 0);
    assert_int_equal(st, COR_OK);
    return buf;
}

static char *read_file(const char *path)
{
    char *b = tu_slurp(path);
    assert_non_null(b);
    return b;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Checks that obj has exactly these keys, in this order. */
static void assert_keys(json_t *obj, const char *const *keys, size_t n)
{
    assert_true(json_is_object(obj));
    size_t i = 0;
    for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it), i++) {
        assert_true(i < n);
        assert_string_equal(json_object_iter_key(it), keys[i]);
    }
    assert_int_equal(i, n);
}

static void assert_real(json_t *v, double want)
{
    assert_true(json_is_number(v));
    assert_true(fabs(json_number_value(v) - want) <= 1e-9 * fmax(1, fabs(want)));
}

static void assert_estimate(json_t *e, double mean, double lo, double hi)
{
    static const char *const keys[] = {"mean", "ci95"};
    assert_keys(e, keys, 2);
    assert_real(json_object_get(e, "mean"), mean);
    json_t *ci = json_object_get(e, "ci95");
    assert_true(json_is_array(ci));
    assert_int_equal(json_array_size(ci), 2);
    assert_real(json_array_get(ci, 0), lo);
    assert_real(json_array_get(ci, 1), hi);
}

static void assert_null_estimate(json_t *e)
{
    static const char *const keys[] = {"mean", "ci95"};
    assert_keys(e, keys, 2);
    assert_true(json_is_null(json_object_get(e, "mean")));
    assert_true(json_is_null(json_object_get(e, "ci95")));
}

static json_t *parse_summary(const struct cor_results *r)
{
    char *text = render(r, DOC_SUMMARY);
    size_t len = strlen(text);
    assert_true(len > 0 && text[len - 1] == '\n');
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    if (!root)
        fail_msg("summary.json does not parse: %s (line %d)", err.text, err.line);
    free(text);
    return root;
}

/* ---- results.c ------------------------------------------------------- */

static void test_report_trace_kind_names(void **state)
{
    (void)state;
    static const char *const names[] = {
        "depart", "cancel", "skip", "escort_wait", "escort_start", "closed_wait",
        "enter", "ambush", "suspend", "arrive", "deliver", "wiped_out",
        "closure_start", "closure_end", "shortage"};
    for (int k = COR_TRACE_DEPART; k <= COR_TRACE_SHORTAGE; k++)
        assert_string_equal(cor_trace_kind_name((enum cor_trace_kind)k), names[k]);
}

static void test_report_results_free_null(void **state)
{
    (void)state;
    cor_results_free(NULL);
    /* An empty heap-allocated result frees too (leaks show under ASan). */
    cor_results_free(cor_calloc(1, sizeof(struct cor_results)));
}

/* ---- summary.json ---------------------------------------------------- */

static void test_report_summary_keys_and_values(void **state)
{
    struct fixture *f = *state;
    json_t *root = parse_summary(f->r);
    static const char *const top[] = {
        "scenario", "version", "seed", "replications", "horizon_days",
        "start_date", "overrides", "cities", "corridor", "events_processed"};
    assert_keys(root, top, sizeof top / sizeof top[0]);
    assert_string_equal(json_string_value(json_object_get(root, "scenario")),
                        "test-corridor");
    assert_string_equal(json_string_value(json_object_get(root, "version")),
                        COR_VERSION);
    assert_int_equal(json_integer_value(json_object_get(root, "seed")), 42);
    assert_int_equal(json_integer_value(json_object_get(root, "replications")), 100);
    assert_int_equal(json_integer_value(json_object_get(root, "horizon_days")), NDAYS);
    assert_string_equal(json_string_value(json_object_get(root, "start_date")),
                        "2024-02-27");
    json_t *ov = json_object_get(root, "overrides");
    assert_int_equal(json_array_size(ov), 2);
    assert_string_equal(json_string_value(json_array_get(ov, 0)),
                        "flows.fuel-bamako.trucks=10");
    assert_string_equal(json_string_value(json_array_get(ov, 1)),
                        "cities.bamako.fuel.stock=1e3");
    assert_true(json_is_integer(json_object_get(root, "events_processed")));
    assert_int_equal(json_integer_value(json_object_get(root, "events_processed")),
                     123456789);

    json_t *cities = json_object_get(root, "cities");
    assert_int_equal(json_array_size(cities), 3);
    static const char *const city_keys[] = {
        "city", "commodity", "unit", "p_shortage", "first_shortage_day",
        "shortage_days", "unmet", "served_fraction", "delivered", "turned_away",
        "rationing_days", "final_stock"};
    static const char *const first_keys[] = {"p10", "p50", "p90", "half_reps_by"};
    for (size_t i = 0; i < 3; i++) {
        json_t *c = json_array_get(cities, i);
        assert_keys(c, city_keys, sizeof city_keys / sizeof city_keys[0]);
        assert_keys(json_object_get(c, "first_shortage_day"), first_keys, 4);
    }

    /* kayes fuel: never short, so every first-shortage figure is null. */
    json_t *k = json_array_get(cities, 0);
    assert_string_equal(json_string_value(json_object_get(k, "city")), "kayes");
    assert_string_equal(json_string_value(json_object_get(k, "commodity")), "fuel");
    assert_string_equal(json_string_value(json_object_get(k, "unit")), "m3");
    assert_real(json_object_get(k, "p_shortage"), 0);
    json_t *kf = json_object_get(k, "first_shortage_day");
    for (size_t i = 0; i < 4; i++)
        assert_true(json_is_null(json_object_get(kf, first_keys[i])));
    assert_null_estimate(json_object_get(k, "turned_away"));
    assert_estimate(json_object_get(k, "delivered"), 40, 38.5, 41.5);

    /* bamako fuel. */
    json_t *b = json_array_get(cities, 1);
    assert_string_equal(json_string_value(json_object_get(b, "city")), "bamako");
    assert_real(json_object_get(b, "p_shortage"), 0.6);
    json_t *bf = json_object_get(b, "first_shortage_day");
    assert_real(json_object_get(bf, "p10"), 1);
    assert_real(json_object_get(bf, "p50"), 2);
    assert_real(json_object_get(bf, "p90"), 2.5);
    assert_true(json_is_integer(json_object_get(bf, "half_reps_by")));
    assert_int_equal(json_integer_value(json_object_get(bf, "half_reps_by")), 2);
    assert_estimate(json_object_get(b, "shortage_days"), 1.25, 1.0, 1.5);
    assert_estimate(json_object_get(b, "unmet"), 312.5, 250.25, 374.75);
    assert_estimate(json_object_get(b, "served_fraction"), 0.84375, 0.8125, 0.875);
    assert_estimate(json_object_get(b, "rationing_days"), 0.5, 0.25, 0.75);
    assert_estimate(json_object_get(b, "final_stock"), 123456.789, 120000, 126913.578);

    /* bamako grain: one replication gives ci95 = [mean, mean]. */
    json_t *g = json_array_get(cities, 2);
    assert_string_equal(json_string_value(json_object_get(g, "commodity")), "grain");
    assert_string_equal(json_string_value(json_object_get(g, "unit")), "t");
    assert_estimate(json_object_get(g, "unmet"), 2.5, 2.5, 2.5);

    json_t *c = json_object_get(root, "corridor");
    static const char *const corridor_keys[] = {
        "convoys_dispatched", "departures_cancelled", "departures_skipped",
        "ambushes", "convoys_ambushed", "trucks_destroyed", "drivers_killed",
        "escort_wait_hours", "convoys_rerouted", "reroute_extra_km", "lost"};
    assert_keys(c, corridor_keys, sizeof corridor_keys / sizeof corridor_keys[0]);
    assert_estimate(json_object_get(c, "convoys_dispatched"), 4.5, 4.25, 4.75);
    assert_estimate(json_object_get(c, "departures_cancelled"), 0.25, 0.125, 0.375);
    assert_estimate(json_object_get(c, "departures_skipped"), 0, 0, 0);
    assert_estimate(json_object_get(c, "ambushes"), 1.5, 1.25, 1.75);
    assert_estimate(json_object_get(c, "convoys_ambushed"), 1.25, 1, 1.5);
    assert_estimate(json_object_get(c, "trucks_destroyed"), 3, 2.5, 3.5);
    assert_estimate(json_object_get(c, "drivers_killed"), 1, 0.75, 1.25);
    assert_null_estimate(json_object_get(c, "escort_wait_hours"));
    static const char *const lost_keys[] = {"fuel", "grain"};
    json_t *lost = json_object_get(c, "lost");
    assert_keys(lost, lost_keys, 2);
    assert_estimate(json_object_get(lost, "fuel"), 108, 90, 126);
    assert_estimate(json_object_get(lost, "grain"), 0, 0, 0);
    json_decref(root);
}

static void test_report_summary_text_is_stable(void **state)
{
    struct fixture *f = *state;
    char *text = render(f->r, DOC_SUMMARY);
    /* Ten significant digits, no binary noise, no timings. */
    assert_non_null(strstr(text, "\"p_shortage\": 0.6,"));
    assert_non_null(strstr(text, "\"mean\": 123456.789,"));
    assert_non_null(strstr(text, "\"half_reps_by\": 2\n"));
    assert_null(strstr(text, "wall"));
    assert_null(strstr(text, "seconds"));
    const char *head = "{\n  \"scenario\": \"test-corridor\",\n";
    assert_int_equal(strncmp(text, head, strlen(head)), 0);
    free(text);
}

static void test_report_summary_no_start_date_is_null(void **state)
{
    struct fixture *f = *state;
    f->s->has_start_date = false;
    f->s->noverrides = 0; /* the strings stay owned by the array */
    json_t *root = parse_summary(f->r);
    assert_true(json_is_null(json_object_get(root, "start_date")));
    assert_int_equal(json_array_size(json_object_get(root, "overrides")), 0);
    json_decref(root);
    f->s->noverrides = 2;
}

static void test_report_summary_nonfinite_is_null(void **state)
{
    struct fixture *f = *state;
    f->r->stocks[1].unmet.mean = NAN;
    f->r->stocks[1].unmet.hi = INFINITY;
    f->r->stocks[1].p_shortage = NAN;
    json_t *root = parse_summary(f->r);
    json_t *b = json_array_get(json_object_get(root, "cities"), 1);
    assert_true(json_is_null(json_object_get(b, "p_shortage")));
    json_t *unmet = json_object_get(b, "unmet");
    assert_true(json_is_null(json_object_get(unmet, "mean")));
    assert_true(json_is_null(json_array_get(json_object_get(unmet, "ci95"), 1)));
    json_decref(root);
    char *csv = render(f->r, DOC_CSV);
    assert_null(strstr(csv, "nan"));
    assert_null(strstr(csv, "inf"));
    free(csv);
}

static void test_report_summary_huge_seed_is_exact(void **state)
{
    struct fixture *f = *state;
    f->r->seed = UINT64_MAX;
    json_t *root = parse_summary(f->r);
    assert_string_equal(json_string_value(json_object_get(root, "seed")),
                        "18446744073709551615");
    json_decref(root);
    f->r->seed = (uint64_t)INT64_MAX;
    root = parse_summary(f->r);
    assert_int_equal(json_integer_value(json_object_get(root, "seed")), INT64_MAX);
    json_decref(root);
}

static void test_report_summary_invalid_utf8_is_sanitised(void **state)
{
    struct fixture *f = *state;
    /* An override typed in a Latin-1 terminal: not UTF-8, so not JSON. */
    char *saved = f->s->overrides[1];
    f->s->overrides[1] = cor_strdup("scenario.name=Di\xe9ma");
    json_t *root = parse_summary(f->r);
    assert_string_equal(json_string_value(json_array_get(json_object_get(root, "overrides"), 1)),
                        "scenario.name=Di?ma");
    json_decref(root);
    free(f->s->overrides[1]);
    f->s->overrides[1] = saved;
}

static void test_report_json_format_is_summary(void **state)
{
    struct fixture *f = *state;
    char *a = render(f->r, DOC_SUMMARY);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(cor_report_write(out, f->r, COR_FORMAT_JSON), COR_OK);
    fclose(out);
    assert_string_equal(a, buf);
    free(a);
    free(buf);
}

/* ---- CSV ------------------------------------------------------------- */

static void test_report_timeline_rows(void **state)
{
    struct fixture *f = *state;
    char *text = render(f->r, DOC_TIMELINE);
    const char *header = "day,date,city,commodity,stock_mean,stock_p05,stock_p50,"
                         "stock_p95,p_short,p_short_by,unmet_mean,delivered_mean\n";
    assert_int_equal(strncmp(text, header, strlen(header)), 0);
    assert_int_equal(count_lines(text), 1 + NDAYS * 3);
    /* Day-major, stocks in scenario order, dates across the leap day. */
    assert_non_null(strstr(text, "\n0,2024-02-27,kayes,fuel,1000,500,1000,1500,0,0,0,0\n"
                                 "0,2024-02-27,bamako,fuel,1001,500.5,1001,1501.5,0,0,0,162\n"));
    assert_non_null(strstr(text, "\n1,2024-02-28,kayes,fuel,500,250,500,750,0.1,0.125,2.5,0\n"));
    assert_non_null(strstr(text, "\n2,2024-02-29,bamako,grain,335.3333333,167.6666667,"
                                 "335.3333333,503,0.2,0.25,5,0\n"));
    assert_non_null(strstr(text, "\n3,2024-03-01,bamako,grain,252,126,252,378,"
                                 "0.3,0.375,7.5,0\n"));
    free(text);
}

static void test_report_timeline_dates(void **state)
{
    struct fixture *f = *state;
    /* Year ends, and 2100 is not a leap year but 2000 is. */
    static const struct {
        int y, m, d;
        const char *day3;
    } cases[] = {
        {2025, 12, 30, "2026-01-02"},
        {2100, 2, 27, "2100-03-02"},
        {2000, 2, 27, "2000-03-01"},
        {2025, 9, 3, "2025-09-06"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f->s->start_year = cases[i].y;
        f->s->start_month = cases[i].m;
        f->s->start_day = cases[i].d;
        char *text = render(f->r, DOC_TIMELINE);
        char want[64];
        snprintf(want, sizeof want, "\n3,%s,kayes,", cases[i].day3);
        assert_non_null(strstr(text, want));
        free(text);
    }
}

static void test_report_timeline_without_start_date(void **state)
{
    struct fixture *f = *state;
    f->s->has_start_date = false;
    char *text = render(f->r, DOC_TIMELINE);
    assert_non_null(strstr(text, "\n0,,kayes,fuel,1000,"));
    assert_non_null(strstr(text, "\n3,,bamako,grain,252,"));
    assert_null(strstr(text, "2024"));
    free(text);
}

static void test_report_events_rows(void **state)
{
    struct fixture *f = *state;
    char *text = render(f->r, DOC_EVENTS);
    const char *want =
        "time_h,day,kind,flow,convoy,node,segment,city,commodity,trucks,losses,killed,amount\n"
        "0.0000,0,depart,fuel-bamako,0,dakar,,,,20,0,0,0\n"
        "0.0000,0,enter,fuel-bamako,0,dakar,dakar-kayes,,,20,0,0,0\n"
        "12.2500,0,ambush,fuel-bamako,0,,dakar-kayes,,,18,2,1,0\n"
        "24.0000,0,deliver,fuel-bamako,0,bamako,,bamako,fuel,18,0,0,648\n"
        "24.0000,0,shortage,,,,,kayes,fuel,0,0,0,12.5\n"
        "30.1235,1,cancel,fuel-bamako,,,,,,0,0,0,0\n"
        "48.0000,2,closure_start,,,,kayes-bamako,,,0,0,0,0\n";
    assert_string_equal(text, want);
    free(text);
}

static void test_report_events_empty_trace(void **state)
{
    struct fixture *f = *state;
    free(f->r->trace);
    f->r->trace = NULL;
    f->r->ntrace = 0;
    char *text = render(f->r, DOC_EVENTS);
    assert_string_equal(text, "time_h,day,kind,flow,convoy,node,segment,city,"
                              "commodity,trucks,losses,killed,amount\n");
    free(text);
}

static void test_report_csv_rows(void **state)
{
    struct fixture *f = *state;
    char *text = render(f->r, DOC_CSV);
    const char *want =
        "city,commodity,p_shortage,first_shortage_p10,first_shortage_p50,"
        "first_shortage_p90,half_reps_by,shortage_days_mean,shortage_days_lo,"
        "shortage_days_hi,unmet_mean,unmet_lo,unmet_hi,served_fraction_mean,"
        "served_fraction_lo,served_fraction_hi,delivered_mean,turned_away_mean,"
        "rationing_days_mean,final_stock_mean\n"
        "kayes,fuel,0,,,,,0,0,0,0,0,0,1,1,1,40,,0,100\n"
        "bamako,fuel,0.6,1,2,2.5,2,1.25,1,1.5,312.5,250.25,374.75,0.84375,0.8125,"
        "0.875,648,0,0.5,123456.789\n"
        "bamako,grain,1,3,3,3,3,1,1,1,2.5,2.5,2.5,0.875,0.875,0.875,0,0,0,0\n";
    assert_string_equal(text, want);
    free(text);
}

static void test_report_csv_quotes_fields(void **state)
{
    struct fixture *f = *state;
    char *saved = f->s->commodities[1].id;
    f->s->commodities[1].id = cor_strdup("grain, \"dry\"");
    char *csv = render(f->r, DOC_CSV);
    assert_non_null(strstr(csv, "\nbamako,\"grain, \"\"dry\"\"\",1,"));
    char *tl = render(f->r, DOC_TIMELINE);
    assert_non_null(strstr(tl, ",bamako,\"grain, \"\"dry\"\"\",335.3333333,"));
    free(csv);
    free(tl);
    free(f->s->commodities[1].id);
    f->s->commodities[1].id = saved;
}

/* ---- Table ----------------------------------------------------------- */

static size_t display_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void test_report_table_fits_and_says_what(void **state)
{
    struct fixture *f = *state;
    char *text = render(f->r, DOC_TABLE);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        if (display_width(line, (size_t)(end - line)) > 100)
            fail_msg("table line wider than 100 columns: %.*s", (int)(end - line), line);
        assert_true(end == line || end[-1] != ' '); /* no trailing blanks */
        line = end + 1;
    }
    assert_non_null(strstr(text, "scenario   test-corridor\n"));
    assert_non_null(strstr(text, "run        100 replications, seed 42, 4 days, "
                                 "2024-02-27 to 2024-03-01\n"));
    assert_non_null(strstr(text, "overrides  flows.fuel-bamako.trucks=10\n"
                                 "           cities.bamako.fuel.stock=1e3\n"));
    assert_non_null(strstr(text, "95 % CI"));
    assert_non_null(strstr(text, "60.0 %"));
    assert_non_null(strstr(text, "2024-02-29")); /* the date of bamako fuel's p50 */
    assert_non_null(strstr(text, "1.25 [1, 1.5]"));
    assert_non_null(strstr(text, "\u2014"));      /* kayes fuel's missing figures */
    assert_non_null(strstr(text, "fuel lost (m3)"));
    assert_non_null(strstr(text, "grain lost (t)"));
    assert_non_null(strstr(text, "123456789 events processed in 0.50 s "
                                 "(246.9 million events/s)\n"));
    free(text);
}

/* A quantile a rounding error below a whole day shows as that day, and
 * the median's date is that day's; a long multibyte unit is not cut
 * inside a character (the label had a 128-byte buffer). */
static void test_report_table_rounding_and_long_unit(void **state)
{
    struct fixture *f = *state;
    f->r->stocks[1].first_p50 = 2.9999999999999996; /* what interpolation gives */
    f->r->stocks[1].first_p90 = 2.9999999999999996;
    char unit[60 * 3 + 1] = "";
    for (int i = 0; i < 60; i++)
        strcat(unit, "\xE4\xB8\xAD"); /* U+4E2D, three bytes */
    free(f->s->commodities[0].unit);
    f->s->commodities[0].unit = cor_strdup(unit);
    char *text = render(f->r, DOC_TABLE);
    assert_null(strstr(text, "3.0"));
    assert_non_null(strstr(text, "2024-03-01")); /* day 3's date, not day 2's */
    char want[256];
    snprintf(want, sizeof want, "fuel lost (%s)", unit);
    assert_non_null(strstr(text, want));
    free(text);
}

static void test_report_table_without_start_date(void **state)
{
    struct fixture *f = *state;
    f->s->has_start_date = false;
    char *text = render(f->r, DOC_TABLE);
    assert_null(strstr(text, "2024"));
    assert_null(strstr(text, "p50 date"));
    assert_non_null(strstr(text, "run        100 replications, seed 42, 4 days\n"));
    free(text);
}

/* ---- Determinism and locale ------------------------------------------ */

static void test_report_output_is_byte_identical(void **state)
{
    struct fixture *f = *state;
    for (int d = DOC_SUMMARY; d <= DOC_CSV; d++) {
        char *a = render(f->r, (enum doc)d);
        char *b = render(f->r, (enum doc)d);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

static void test_report_ignores_lc_numeric(void **state)
{
    struct fixture *f = *state;
    char *want[DOC_TABLE + 1];
    for (int d = DOC_SUMMARY; d <= DOC_TABLE; d++)
        want[d] = render(f->r, (enum doc)d);

    if (!tu_comma_locale(LC_ALL)) {
        for (int d = DOC_SUMMARY; d <= DOC_TABLE; d++)
            free(want[d]);
        skip(); /* no locale with a decimal comma is installed */
    }
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5"); /* the trap is armed */
    for (int d = DOC_SUMMARY; d <= DOC_TABLE; d++) {
        char *got = render(f->r, (enum doc)d);
        assert_string_equal(got, want[d]);
        free(got);
        free(want[d]);
    }
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5"); /* and the caller's locale is back */
    setlocale(LC_ALL, "C");
}

/* ---- Failures on the stream ------------------------------------------ */

static void test_report_write_error_is_reported(void **state)
{
    struct fixture *f = *state;
    FILE *out = fopen("/dev/full", "w");
    if (!out)
        skip();
    assert_int_equal(cor_report_summary_json(out, f->r), COR_EIO);
    clearerr(out);
    assert_int_equal(cor_report_timeline_csv(out, f->r), COR_EIO);
    clearerr(out);
    assert_int_equal(cor_report_write(out, f->r, COR_FORMAT_TABLE), COR_EIO);
    fclose(out);
}

/* ---- Publishing ------------------------------------------------------ */

static void test_report_write_dir_publishes_files(void **state)
{
    struct fixture *f = *state;
    char *tmp = tu_tmpdir_new("report");
    char *dir = tu_join(tmp, "out");
    struct cor_diag diag;
    cor_diag_init(&diag);
    /* Twice: the first creates the directory, the second replaces files. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(cor_report_write_dir(dir, f->r, &diag), COR_OK);
        assert_int_equal(cor_diag_count(&diag), 0);
        char *names = tu_list_dir(dir);
        /* With the plots of plot.h (tested in test_plot.c). */
        assert_string_equal(names, "events.csv fan-bamako-fuel.svg fan-bamako-grain.svg "
                                   "fan-kayes-fuel.svg shortage.svg summary.json "
                                   "timeline.csv");
        free(names);
    }
    static const struct {
        const char *name;
        enum doc doc;
    } files[] = {{"summary.json", DOC_SUMMARY},
                 {"timeline.csv", DOC_TIMELINE},
                 {"events.csv", DOC_EVENTS}};
    for (size_t i = 0; i < 3; i++) {
        char *path = tu_join(dir, files[i].name);
        char *got = read_file(path);
        char *want = render(f->r, files[i].doc);
        assert_string_equal(got, want);
        /* Readable like any file the user creates, not mkstemp's 0600. */
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        mode_t mask = umask(0);
        umask(mask);
        assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);
        free(got);
        free(want);
        free(path);
    }
    /* A trailing slash names the same directory. */
    char *slashed = cor_malloc(strlen(dir) + 2);
    sprintf(slashed, "%s/", dir);
    assert_int_equal(cor_report_write_dir(slashed, f->r, &diag), COR_OK);
    free(slashed);
    cor_diag_fini(&diag);
    tu_rmtree(tmp);
    free(dir);
    free(tmp);
}

static void test_report_write_dir_under_file_fails(void **state)
{
    struct fixture *f = *state;
    char *tmp = tu_tmpdir_new("report");
    char *file = tu_join(tmp, "plain");
    FILE *p = fopen(file, "w");
    assert_non_null(p);
    fclose(p);

    struct cor_diag diag;
    cor_diag_init(&diag);
    char *dir = tu_join(file, "out");
    assert_int_equal(cor_report_write_dir(dir, f->r, &diag), COR_EIO);
    assert_int_equal(cor_diag_count(&diag), 1);
    assert_non_null(strstr(diag.entries[0].message, dir));
    assert_non_null(strstr(diag.entries[0].message, strerror(ENOTDIR)));
    cor_diag_fini(&diag);

    /* The path exists but is not a directory. */
    cor_diag_init(&diag);
    assert_int_equal(cor_report_write_dir(file, f->r, &diag), COR_EIO);
    tu_assert_only_message(&diag, "cannot write into %s: it exists and is not a directory",
                           file);
    cor_diag_fini(&diag);

    char *names = tu_list_dir(tmp);
    assert_string_equal(names, "plain");
    free(names);
    tu_rmtree(tmp);
    free(dir);
    free(file);
    free(tmp);
}

static void test_report_write_dir_unwritable_fails(void **state)
{
    struct fixture *f = *state;
    char *tmp = tu_tmpdir_new("report");
    char *dir = tu_join(tmp, "ro");
    bool checked = tu_assert_unwritable_dir_fails(cor_report_write_dir, dir, f->r,
                                                  "summary.json");
    tu_rmtree(tmp);
    free(dir);
    free(tmp);
    if (!checked)
        skip(); /* user nobody cannot be had, or cannot reach the directory */
}

static enum cor_status write_half_then_fail(FILE *out, const void *ctx)
{
    fputs(ctx, out);
    return COR_EIO;
}

static enum cor_status write_text(FILE *out, const void *ctx)
{
    fputs(ctx, out);
    return COR_OK;
}

static void test_report_publish_failure_keeps_old_file(void **state)
{
    (void)state;
    char *tmp = tu_tmpdir_new("report");
    char *path = tu_join(tmp, "data.csv");
    struct cor_diag diag;
    cor_diag_init(&diag);
    assert_int_equal(cor_outfile_publish(path, write_text, "old\n", &diag), COR_OK);
    assert_int_equal(cor_outfile_publish(path, write_half_then_fail, "new, partial",
                                         &diag), COR_EIO);
    assert_int_equal(cor_diag_count(&diag), 1);
    char want[600];
    snprintf(want, sizeof want, "cannot write %s: ", path);
    assert_int_equal(strncmp(diag.entries[0].message, want, strlen(want)), 0);
    char *got = read_file(path);
    assert_string_equal(got, "old\n");
    free(got);
    char *names = tu_list_dir(tmp);
    assert_string_equal(names, "data.csv"); /* no temporary file left */
    free(names);

    /* A path that names no file at all. */
    char *bad = cor_malloc(strlen(tmp) + 2);
    sprintf(bad, "%s/", tmp);
    assert_int_equal(cor_outfile_publish(bad, write_text, "x", &diag), COR_EIO);
    assert_int_equal(cor_diag_count(&diag), 2);
    free(bad);

    cor_diag_fini(&diag);
    tu_rmtree(tmp);
    free(path);
    free(tmp);
}

static enum cor_status write_big(FILE *out, const void *ctx)
{
    (void)ctx;
    for (int i = 0; i < 20000; i++)
        fprintf(out, "%d,some,row,of,a,long,timeline\n", i);
    return ferror(out) ? COR_EIO : COR_OK;
}

static void test_report_publish_file_size_limit(void **state)
{
    (void)state;
    /* `ulimit -f` is how a half-written file was shown to happen: the write
     * stops mid-document. With SIGXFSZ ignored the write fails with EFBIG,
     * and the old file must survive whole, with no temporary left. */
    char *tmp = tu_tmpdir_new("report");
    char *path = tu_join(tmp, "timeline.csv");
    struct cor_diag diag;
    cor_diag_init(&diag);
    assert_int_equal(cor_outfile_publish(path, write_text, "old\n", &diag), COR_OK);

    struct rlimit saved, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 8192;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_sa;
    sigemptyset(&ign.sa_mask);
    assert_int_equal(sigaction(SIGXFSZ, &ign, &old_sa), 0);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    enum cor_status st = cor_outfile_publish(path, write_big, NULL, &diag);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    assert_int_equal(sigaction(SIGXFSZ, &old_sa, NULL), 0);

    assert_int_equal(st, COR_EIO);
    tu_assert_only_message(&diag, "cannot write %s: %s", path, strerror(EFBIG));
    char *got = read_file(path);
    assert_string_equal(got, "old\n");
    free(got);
    char *names = tu_list_dir(tmp);
    assert_string_equal(names, "timeline.csv");
    free(names);
    cor_diag_fini(&diag);
    tu_rmtree(tmp);
    free(path);
    free(tmp);
}

static void test_report_publish_relative_path(void **state)
{
    (void)state;
    /* No directory part: the file goes to the working directory, which
     * ctest sets to the build's tests directory. */
    char name[64];
    snprintf(name, sizeof name, "cor-report-rel-%ld.txt", (long)getpid());
    struct cor_diag diag;
    cor_diag_init(&diag);
    assert_int_equal(cor_outfile_publish(name, write_text, "hello\n", &diag), COR_OK);
    char *got = read_file(name);
    assert_string_equal(got, "hello\n");
    free(got);
    unlink(name);
    cor_diag_fini(&diag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_trace_kind_names),
        cmocka_unit_test(test_report_results_free_null),
        cmocka_unit_test_setup_teardown(test_report_summary_keys_and_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_summary_text_is_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_summary_no_start_date_is_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_summary_nonfinite_is_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_summary_huge_seed_is_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_summary_invalid_utf8_is_sanitised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_json_format_is_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_timeline_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_timeline_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_timeline_without_start_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_events_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_events_empty_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_csv_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_csv_quotes_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_table_fits_and_says_what, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_table_without_start_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_table_rounding_and_long_unit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_report_output_is_byte_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_ignores_lc_numeric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_write_error_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_write_dir_publishes_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_write_dir_under_file_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_write_dir_unwritable_fails, setup, teardown),
        cmocka_unit_test(test_report_publish_failure_keeps_old_file),
        cmocka_unit_test(test_report_publish_file_size_limit),
        cmocka_unit_test(test_report_publish_relative_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
