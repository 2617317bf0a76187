/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The model against closed forms (docs/testing.md, "Statistical
 * validation suite"): depletion day, ambush probability, binomial and beta
 * losses, closure windows, season travel times, balanced supply, deterrence, fleets, dwell, flow windows, reorder
 * points, rerouting, the work of each kind of stop. Escort waits against
 * Erlang C are checked, more sharply than a unit test could, in
 * tests/validation/validate_escort.c.
 *
 * Statistical checks use fixed seeds, so they are deterministic, and their
 * tolerances come from the sampling distribution of the estimate: a
 * binomial proportion within z = 4 standard errors (a false alarm rate of
 * about 6e-5 per check for a correct model). */
#include "testutil.h"

#include <math.h>

#include "engine.h"

#define Z4 4.0

static const char depletion_yaml[] =
    "scenario: { name: depletion, horizon_days: 60, seed: 7, replications: 3 }\n"
    "commodities: { fuel: { unit: m3 } }\n"
    "nodes: { a: { kind: city } }\n"
    "segments: []\n"
    "cities:\n"
    "  a:\n"
    "    fuel: { stock: 1000, capacity: 2000, demand_per_day: 30 }\n";

/* No deliveries, no rationing: the first shortage day is floor(S / D). */
static void test_engine_depletion_day(void **state)
{
    (void)state;
    struct cor_scenario *s = tu_load(depletion_yaml);
    struct cor_results *r = tu_run(s, 3, 1);
    const struct cor_stock_result *k = &r->stocks[0];
    assert_true(k->p_shortage == 1.0);
    assert_true(k->first_p10 == 33.0 && k->first_p50 == 33.0 && k->first_p90 == 33.0);
    assert_int_equal(k->half_reps_by, 33);
    /* Days 33..59 short: 27 days; unmet 30 - 10 on day 33, then 30 a day. */
    tu_assert_near(k->shortage_days.mean, 27.0, 0.0);
    tu_assert_near(k->unmet.mean, 20.0 + 26 * 30.0, 1e-9);
    tu_assert_near(k->served_fraction.mean, 1000.0 / (30.0 * 60), 1e-12);
    tu_assert_near(cor_results_day(r, 32, 0)->stock_mean, 10.0, 1e-9);
    assert_true(cor_results_day(r, 32, 0)->p_short == 0.0);
    assert_true(cor_results_day(r, 33, 0)->p_short == 1.0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Rounding residue must not create a shortage day: S = 3, D = 0.1 gives
 * day 30 exactly. */
static void test_engine_depletion_no_rounding_residue(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: residue, horizon_days: 40, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: city } }\n"
        "segments: []\n"
        "cities: { a: { fuel: { stock: 3, capacity: 10, demand_per_day: 0.1 } } }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    assert_true(r->stocks[0].first_p50 == 30.0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Rationing: below 5 days of cover the day's target is 0.5 x demand. */
static void test_engine_rationing_arithmetic(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: ration, horizon_days: 30, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: city } }\n"
        "segments: []\n"
        "cities: { a: { fuel: { stock: 100, capacity: 100, demand_per_day: 10,\n"
        "                        ration: { below_days: 5, factor: 0.5 } } } }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    /* Days 0-4 full demand (stock 100 -> 50); from day 5 stock < 50 is
     * false at 50 exactly, so day 5 is full too (50 -> 40); then rationed
     * at 5 a day: 40 lasts days 6..13, day 14 has 0 -> short. */
    assert_true(r->stocks[0].first_p50 == 14.0);
    tu_assert_near(cor_results_day(r, 5, 0)->stock_mean, 40.0, 1e-9);
    tu_assert_near(cor_results_day(r, 6, 0)->stock_mean, 35.0, 1e-9);
    /* Rationing days: 6..29 = 24; unmet on shortage days is 5 a day. */
    tu_assert_near(r->stocks[0].rationing_days.mean, 24.0, 0);
    tu_assert_near(r->stocks[0].unmet.mean, 16 * 5.0, 1e-9);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* One flow over one hazardous segment: the share of convoys ambushed is
 * 1 - exp(-lambda km / 1000 F) with F = phase x commodity x escort. */
static void check_ambush_share(double hazard, double km, double phase,
                               double commodity, int escorted)
{
    char y[2048];
    snprintf(y, sizeof y,
             "scenario: { name: ambush, horizon_days: 100, seed: 11, replications: 40 }\n"
             "commodities: { fuel: {} }\n"
             "nodes: { a: { kind: port }, b: { kind: city } }\n"
             "segments: [ { from: a, to: b, km: %g, speed_kmh: 50, hazard: %g } ]\n"
             "cities: { b: { fuel: { capacity: 1e12 } } }\n"
             "flows:\n"
             "  - { id: f, commodity: fuel, route: [a, b], trucks: 10, payload: 1,\n"
             "      every_hours: 2%s }\n"
             "%s"
             "threats:\n"
             "  ambush: { loss_probability: 0, commodity_factor: { fuel: %g } }\n"
             "  phases: [ { from_day: 0, hazard_factor: %g } ]\n",
             km, hazard, escorted ? ", escort: e" : "",
             escorted ? "escorts: { e: { units: 1000, from: a, to: b, hazard_factor: 0.5 } }\n"
                      : "",
             commodity, phase);
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 40, 2);
    double n = r->corridor.convoys_dispatched.mean * 40;
    double hits = r->corridor.ambushes.mean * 40;
    double F = phase * commodity * (escorted ? 0.5 : 1.0);
    double p = 1.0 - exp(-hazard * km / 1000.0 * F);
    tu_assert_near(hits / n, p, Z4 * sqrt(p * (1 - p) / n));
    assert_true(n == 40 * 1201.0); /* departures at 0, 2, ..., 2400 h */
    cor_results_free(r);
    cor_scenario_free(s);
}

static void test_engine_ambush_probability(void **state)
{
    (void)state;
    check_ambush_share(0.5, 100, 1.0, 1.0, 0);   /* p ~ 0.049 */
    check_ambush_share(2.0, 300, 1.0, 1.0, 0);   /* p ~ 0.45 */
    check_ambush_share(1.0, 200, 3.0, 2.0, 0);   /* phase x commodity */
    check_ambush_share(1.0, 200, 3.0, 2.0, 1);   /* and escort 0.5 */
}

/* Every entry is ambushed (huge hazard): destroyed trucks are
 * Binomial(trucks, q) per ambush, killed drivers Binomial(destroyed, k). */
static void test_engine_binomial_losses(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: losses, horizon_days: 50, seed: 3, replications: 20 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 100, speed_kmh: 50, hazard: 1e6 } ]\n"
        "cities: { b: { fuel: { capacity: 1e12 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 20, payload: 3,\n"
        "      every_hours: 6 }\n"
        "threats:\n"
        "  ambush: { loss_probability: 0.3, driver_death_probability: 0.4 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 20, 1);
    double amb = r->corridor.ambushes.mean * 20;
    double trucks = amb * 20, lost = r->corridor.trucks_destroyed.mean * 20;
    double killed = r->corridor.drivers_killed.mean * 20;
    assert_true(amb == r->corridor.convoys_dispatched.mean * 20);
    tu_assert_near(lost / trucks, 0.3, Z4 * sqrt(0.3 * 0.7 / trucks));
    tu_assert_near(killed / lost, 0.4, Z4 * sqrt(0.4 * 0.6 / lost));
    /* Cargo lost is destroyed trucks x payload. */
    tu_assert_near(r->corridor.lost[0].mean, r->corridor.trucks_destroyed.mean * 3, 1e-6);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* A scheduled closure [5, 10) holds convoys at its entry node and releases
 * them, in one burst, the moment it reopens at t = 240 h. */
static void test_engine_closure_window(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: closure, horizon_days: 15, replications: 2 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 } ]\n"
        "cities: { b: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 1,\n"
        "      every_hours: 24, start_hour: 12 }\n"
        "threats:\n"
        "  closures: [ { segment: b-a, from_day: 5, to_day: 10 } ]\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 2, 1);
    for (int d = 0; d < 15; d++) {
        double want = d < 5 ? 1 : d < 10 ? 0 : d == 10 ? 6 : 1;
        tu_assert_near(cor_results_day(r, d, 0)->delivered_mean, want, 0);
    }
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Deliveries equal to demand, arriving before each day's consumption, keep
 * the stock exactly where it started. */
static void test_engine_balanced_supply(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: balanced, horizon_days: 90, replications: 4 }\n"
        "commodities: { grain: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 100, speed_kmh: 50 } ]\n"
        "cities: { b: { grain: { stock: 5000, capacity: 10000, demand_per_day: 400 } } }\n"
        "flows:\n"
        "  - { id: g, commodity: grain, route: [a, b], trucks: 10, payload: 40,\n"
        "      every_hours: 24, start_hour: 0 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 4, 2);
    for (int d = 0; d < 90; d++) {
        const struct cor_day_result *dr = cor_results_day(r, d, 0);
        tu_assert_near(dr->stock_mean, 5000.0, 1e-9);
        /* Every replication agrees, so the histogram estimate is exact. */
        tu_assert_near(dr->stock_p05, 5000.0, 0);
        tu_assert_near(dr->stock_p95, 5000.0, 0);
    }
    assert_true(r->stocks[0].p_shortage == 0.0);
    tu_assert_near(r->stocks[0].served_fraction.mean, 1.0, 1e-12);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Runs one replication with the trace on, through the engine directly. */
static struct cor_rep_result *trace_run(const struct cor_scenario *s,
                                        struct cor_model **m)
{
    *m = cor_model_new(s, s->horizon_days);
    struct cor_rep_result *out = calloc(1, sizeof *out);
    cor_rep_result_init(out, *m);
    out->trace_on = true;
    struct cor_engine *e = cor_engine_new(*m);
    assert_int_equal(cor_engine_run(e, s->seed, 0, out), COR_OK);
    cor_engine_free(e);
    return out;
}

/* Frees what trace_run() made. */
static void trace_done(struct cor_rep_result *out, struct cor_model *m)
{
    cor_rep_result_fini(out);
    free(out);
    cor_model_free(m);
}

/* A model, an engine and a result for running replications by hand. */
struct bench {
    struct cor_model *m;
    struct cor_engine *e;
    struct cor_rep_result out;
};

static void bench_new(struct bench *b, const struct cor_scenario *s)
{
    b->m = cor_model_new(s, s->horizon_days);
    cor_rep_result_init(&b->out, b->m);
    b->e = cor_engine_new(b->m);
}

static void bench_free(struct bench *b)
{
    cor_engine_free(b->e);
    cor_rep_result_fini(&b->out);
    cor_model_free(b->m);
}

/* One truck every EVERY hours from port a to city b, an hour away, whose
 * stock never fills: the long, busy replications of the tests below.
 * SCENARIO is the inside of the scenario mapping. */
#define BUSY_ONE_LEG(SCENARIO, EVERY)                                                    \
    "scenario: { " SCENARIO " }\n"                                                       \
    "commodities: { fuel: {} }\n"                                                        \
    "nodes: { a: { kind: port }, b: { kind: city } }\n"                                  \
    "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 } ]\n"                          \
    "cities: { b: { fuel: { capacity: 1e12 } } }\n"                                      \
    "flows:\n"                                                                           \
    "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 1,\n"              \
    "      every_hours: " EVERY " }\n"

/* A raised stop flag ends even one long replication promptly: the engine
 * looks at it every 65,536 events, not only between replications. */
static void test_engine_stop_flag_inside_a_replication(void **state)
{
    (void)state;
    static const char y[] =
        BUSY_ONE_LEG("name: busy, horizon_days: 365, replications: 1", "0.01");
    struct cor_scenario *s = tu_load(y);
    struct bench b;
    bench_new(&b, s);
    atomic_int stop = 1;
    cor_engine_set_stop(b.e, &stop);
    /* About 1.75 million events if it ran to the end. */
    assert_int_equal(cor_engine_run(b.e, s->seed, 0, &b.out), COR_EINTERRUPTED);
    assert_int_equal(b.out.events, 65536);
    cor_engine_set_stop(b.e, NULL);
    assert_int_equal(cor_engine_run(b.e, s->seed, 0, &b.out), COR_OK);
    assert_true(b.out.events > 1700000);
    bench_free(&b);
    cor_scenario_free(s);
}

/* Convoys that pile up at a closure faster than any leave: the engine
 * stops the replication soon after the convoys on the road pass their cap
 * (memory would run out first), and says which cap it was. The
 * work check's estimate (a few thousand on the road, by Little's law)
 * cannot see a closure that holds every convoy. */
static void test_engine_convoy_cap(void **state)
{
    (void)state;
    static const char y[] =
        BUSY_ONE_LEG("name: pile, horizon_days: 30, replications: 1", "0.0003")
        "threats:\n"
        "  closures: [ { segment: a-b, from_day: 0, to_day: 30 } ]\n";
    struct cor_scenario *s = tu_load(y);
    struct bench b;
    bench_new(&b, s);
    /* 2.4 million departures, every one held at the closure. */
    assert_int_equal(cor_engine_run(b.e, s->seed, 0, &b.out), COR_ELIMIT);
    assert_true(b.out.convoy_cap_hit);
    assert_true(b.out.dispatched > COR_MAX_CONVOYS_ON_ROAD);
    /* Stopped at the first poll (every 65,536 events) past the cap. */
    assert_true(b.out.dispatched <= COR_MAX_CONVOYS_ON_ROAD + 65536);
    assert_true(b.out.events < COR_MAX_EVENTS_PER_REP);
    bench_free(&b);
    cor_scenario_free(s);
}

/* Travel time is km / (speed x season factor at entry). */
static void test_engine_season_speed(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: season, horizon_days: 6, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 100, speed_kmh: 50 } ]\n"
        "cities: { b: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 1,\n"
        "      every_hours: 24, start_hour: 1 }\n"
        "threats:\n"
        "  seasons: [ { label: rainy, from_day: 2, to_day: 4, speed_factor: 0.5 },\n"
        "             { label: worse, from_day: 3, to_day: 4, speed_factor: 0.8 } ]\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    double want[6] = {2, 2, 4, 5, 2, 2}; /* 2 h base; 0.5; 0.5 x 0.8 */
    int seen = 0;
    for (long i = 0; i < out->ntrace; i++) {
        const struct cor_trace_event *ev = &out->trace[i];
        if (ev->kind != COR_TRACE_DELIVER)
            continue;
        int d = (int)(ev->t / 24);
        tu_assert_near(ev->t - (24.0 * d + 1), want[d], 1e-9);
        seen++;
    }
    assert_int_equal(seen, 6);
    trace_done(out, m);
    cor_scenario_free(s);
}

/* After an ambush with deterrence probability 1, departures due within the
 * suspension are cancelled and counted; the schedule keeps running. */
static void test_engine_deterrence_cancels(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: deter, horizon_days: 10, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10, hazard: 1e9 } ]\n"
        "cities: { b: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 5, payload: 1,\n"
        "      every_hours: 12 }\n"
        "threats:\n"
        "  ambush: { loss_probability: 0,\n"
        "            deterrence: { probability: 1, suspend_days: 2 } }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    /* Departures at 0, 12, ..., 240: 21. Each dispatched convoy is ambushed
     * at once and suspends [t, t + 48): 0 goes, 12..36 cancelled, 48 goes... */
    tu_assert_near(r->corridor.convoys_dispatched.mean, 6, 0);  /* 0,48,...,240 */
    tu_assert_near(r->corridor.departures_cancelled.mean, 15, 0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* A fleet of N trucks: a convoy takes min(trucks, waiting); an empty depot
 * skips the departure; trucks come back after the route's travel time. */
static void test_engine_fleet_returns(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: fleet, horizon_days: 4, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 100, speed_kmh: 10 } ]\n"
        "cities: { b: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 4, payload: 1,\n"
        "      every_hours: 6, fleet: 10 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    /* 10 h out, 10 h back. t=0: 4 (6 left); t=6: 4 (2); t=12: 2 (0);
     * t=18: skip; t=20 4 back, t=24: 4; t=26 4 back, t=30: 4; t=32 2 back,
     * t=36: 2; ... a cycle of 20 h: dispatch pattern repeats. Delivered
     * trucks = dispatched trucks whose arrival (t + 10) is within 96 h. */
    /* Played out by hand over the 16 departures (0, 6, ..., 90; returns at
     * an instant come before a departure there, both being arrival-class
     * first): 4, 4, 2, skip, 4, 4, 2, skip, ... four skips, and 40 trucks
     * delivered by hour 96 (the last departures' arrivals, 90 + 10 and
     * 84 + 10 = 94, fall after and before it). */
    tu_assert_near(r->corridor.departures_skipped.mean, 4, 0);
    tu_assert_near(r->stocks[0].delivered.mean, 40, 0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Ties (docs/model.md): a delivery at exactly the end of day 0 (t = 24) is
 * stocked before that day's consumption, so day 0 is not short. */
static void test_engine_delivery_at_day_end_counts_that_day(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: boundary, horizon_days: 3, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 240, speed_kmh: 10 } ]\n"
        "cities: { b: { fuel: { stock: 0, capacity: 100, demand_per_day: 10 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 10,\n"
        "      every_hours: 1000 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    const struct cor_stock_result *k = &r->stocks[0];
    tu_assert_near(cor_results_day(r, 0, 0)->delivered_mean, 10, 0);
    assert_true(cor_results_day(r, 0, 0)->p_short == 0.0);
    assert_true(k->first_p50 == 1.0);
    tu_assert_near(k->shortage_days.mean, 2, 0);
    tu_assert_near(k->unmet.mean, 20, 0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* A delivery larger than the room left: the room is taken and only the
 * excess turned away. */
static void test_engine_capacity_turns_away_only_the_excess(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: room, horizon_days: 2, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 } ]\n"
        "cities: { b: { fuel: { stock: 95, capacity: 100, demand_per_day: 0 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 2, payload: 5,\n"
        "      every_hours: 1000 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    tu_assert_near(r->stocks[0].delivered.mean, 5, 0);
    tu_assert_near(r->stocks[0].turned_away.mean, 5, 0);
    tu_assert_near(r->stocks[0].final_stock.mean, 100, 0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* A convoy wiped out under escort sends its unit back at once (docs/model.md, "Escorts"):
 * with one unit, a sure ambush on entry and a sure loss, every convoy
 * still gets the unit when it leaves. Convoys leave 6 h apart and the unit
 * takes 5.5 h to come back, so a release even half an hour late (at the
 * leg's end, an hour on, say) would make the next convoy wait. */
static void test_engine_wiped_out_convoy_frees_its_escort(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: wipe, horizon_days: 2, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10, hazard: 1e9 } ]\n"
        "cities: { b: { fuel: { capacity: 1e9 } } }\n"
        "escorts: { e: { units: 1, from: a, to: b, loss_probability: 1,\n"
        "                return_hours: 5.5 } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 2, payload: 1,\n"
        "      every_hours: 6, escort: e }\n"
        "threats:\n"
        "  ambush: { loss_probability: 0 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    int starts = 0, wiped = 0, waits = 0;
    for (long i = 0; i < out->ntrace; i++) {
        const struct cor_trace_event *ev = &out->trace[i];
        if (ev->kind == COR_TRACE_ESCORT_START) {
            tu_assert_near(ev->t, 6.0 * starts, 0); /* when it leaves */
            starts++;
        }
        wiped += ev->kind == COR_TRACE_WIPED_OUT;
        waits += ev->kind == COR_TRACE_ESCORT_WAIT;
    }
    /* Departures at 0, 6, ..., 48 (the horizon's last instant runs). */
    assert_int_equal(starts, 9);
    assert_int_equal(wiped, 9);
    assert_int_equal(waits, 0);
    trace_done(out, m);
    cor_scenario_free(s);
}

/* Deterrence (docs/model.md, "Ambushes"): an ambush suspends the ambushed
 * convoy's flow over [t, t + d), and overlapping suspensions last to the later end. One
 * flow's convoys are all ambushed ten hours out while it keeps departing
 * every hour, so suspensions of random lengths (exponential, mean 12 h)
 * overlap; a second flow on a safe road is never suspended. Replaying
 * the trace: each departure of the first flow comes at or after the end
 * of every suspension begun before it, and each cancelled one inside one. */
static void test_engine_suspensions_overlap_and_stay_with_their_flow(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: suspend, horizon_days: 60, seed: 5, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, m: {}, b: { kind: city }, c: { kind: city } }\n"
        "segments:\n"
        "  - { from: a, to: m, km: 100, speed_kmh: 10 }\n"
        "  - { from: m, to: b, km: 10, speed_kmh: 10, hazard: 1e9 }\n"
        "  - { from: a, to: c, km: 10, speed_kmh: 10 }\n"
        "cities: { b: { fuel: { capacity: 1e12 } }, c: { fuel: { capacity: 1e12 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, m, b], trucks: 1, payload: 1,\n"
        "      every_hours: 1 }\n"
        "  - { id: g, commodity: fuel, route: [a, c], trucks: 1, payload: 1,\n"
        "      every_hours: 1 }\n"
        "threats:\n"
        "  ambush: { loss_probability: 0,\n"
        "            deterrence: { probability: 1, suspend_days: { exponential: 0.5 } } }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    double until = -1.0;
    int departed = 0, cancelled = 0, inside = 0, g_departed = 0;
    for (long i = 0; i < out->ntrace; i++) {
        const struct cor_trace_event *ev = &out->trace[i];
        if (ev->flow == 1) {
            assert_int_not_equal(ev->kind, COR_TRACE_CANCEL);
            g_departed += ev->kind == COR_TRACE_DEPART;
            continue;
        }
        if (ev->kind == COR_TRACE_SUSPEND) {
            /* amount: the suspension's end less t */
            double end = ev->t + ev->amount;
            inside += end <= until + 1e-9; /* begun and ended inside another */
            if (end > until)
                until = end;
        } else if (ev->kind == COR_TRACE_DEPART) {
            if (!(ev->t >= until - 1e-9))
                fail_msg("departure at %.6f h inside a suspension to %.6f h", ev->t, until);
            departed++;
        } else if (ev->kind == COR_TRACE_CANCEL) {
            if (!(ev->t < until + 1e-9))
                fail_msg("departure cancelled at %.6f h, suspended to %.6f h", ev->t, until);
            cancelled++;
        }
    }
    /* Every hour from 0 to 1440, the horizon's last instant included. */
    assert_int_equal(departed + cancelled, 60 * 24 + 1);
    assert_true(departed > 20 && cancelled > 20);
    assert_true(inside > 0); /* the overlap the rule is about did occur */
    assert_int_equal(g_departed, 60 * 24 + 1);
    trace_done(out, m);
    cor_scenario_free(s);
}

/* Dwell at an intermediate node delays the convoy; not at the destination. */
static void test_engine_dwell_at_node(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: dwell, horizon_days: 2, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: border, dwell_hours: 7 },\n"
        "         c: { kind: city, dwell_hours: 100 } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: c, km: 20, speed_kmh: 10 } ]\n"
        "cities: { c: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b, c], trucks: 1, payload: 1,\n"
        "      every_hours: 100 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    bool seen = false;
    for (long i = 0; i < out->ntrace; i++)
        if (out->trace[i].kind == COR_TRACE_DELIVER) {
            tu_assert_near(out->trace[i].t, 1 + 7 + 2, 1e-12);
            seen = true;
        }
    assert_true(seen);
    trace_done(out, m);
    cor_scenario_free(s);
}

/* Every kind of stop does its whole work, whichever handler the arrival
 * is dispatched to (one per kind of stop, and a general one for stops that
 * hold more than one thing). Route a-b-c-d-e, an hour a leg, a convoy an
 * hour, one escort unit from b to d whose return takes the stretch's two
 * hours. A convoy takes the unit at b (escort start; after `dwell_b` hours
 * of dwell there, if any, which makes b a stop of two kinds), passes c
 * (nothing), gives the unit back on reaching d (escort end; dwelling
 * `dwell_d` hours there after that, if any) and delivers at e
 * (destination only): units start every 4 hours from 1 + dwell_b, and
 * each delivery follows its start by 3 + dwell_d hours. */
static void check_stop_kinds(double dwell_b, double dwell_d)
{
    char y[1024], db[40] = "", dd[40] = "";
    if (dwell_b > 0)
        snprintf(db, sizeof db, ", dwell_hours: %g", dwell_b);
    if (dwell_d > 0)
        snprintf(dd, sizeof dd, ", dwell_hours: %g", dwell_d);
    snprintf(y, sizeof y,
             "scenario: { name: stops, horizon_days: 1, replications: 1 }\n"
             "commodities: { fuel: {} }\n"
             "nodes: { a: { kind: port }, b: { kind: border%s },\n"
             "         c: { kind: town }, d: { kind: town%s }, e: { kind: city } }\n"
             "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 },\n"
             "            { from: b, to: c, km: 10, speed_kmh: 10 },\n"
             "            { from: c, to: d, km: 10, speed_kmh: 10 },\n"
             "            { from: d, to: e, km: 10, speed_kmh: 10 } ]\n"
             "cities: { e: { fuel: { capacity: 1e9 } } }\n"
             "escorts: { u: { units: 1, from: b, to: d } }\n"
             "flows:\n"
             "  - { id: f, commodity: fuel, route: [a, b, c, d, e], trucks: 1,\n"
             "      payload: 1, every_hours: 1, escort: u }\n",
             db, dd);
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    int starts = 0, delivered = 0;
    for (long i = 0; i < out->ntrace; i++) {
        const struct cor_trace_event *ev = &out->trace[i];
        if (ev->kind == COR_TRACE_ESCORT_START) {
            tu_assert_near(ev->t, 1 + dwell_b + 4 * starts, 1e-9);
            starts++;
        } else if (ev->kind == COR_TRACE_DELIVER) {
            tu_assert_near(ev->t, 1 + dwell_b + 4 * delivered + 3 + dwell_d, 1e-9);
            delivered++;
        }
    }
    /* Units start at 1 + dwell_b + 4k, and deliver 3 + dwell_d hours
     * later, until the day (24 hours, included) ends. */
    assert_int_equal(starts, (int)floor((24 - 1 - dwell_b) / 4) + 1);
    assert_int_equal(delivered, (int)floor((24 - 1 - dwell_b - 3 - dwell_d) / 4) + 1);
    trace_done(out, m);
    cor_scenario_free(s);
}

static void test_engine_every_kind_of_stop(void **state)
{
    (void)state;
    check_stop_kinds(0, 0); /* one kind per stop */
    check_stop_kinds(3, 0); /* escort start and dwell at b */
    check_stop_kinds(0, 2); /* escort end and dwell at d */
}

/* A flow's active window: first departure at max(start_hour, 24 from_day),
 * none at or after 24 to_day. */
static void test_engine_flow_window(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: window, horizon_days: 20, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 } ]\n"
        "cities: { b: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 1,\n"
        "      every_hours: 24, start_hour: 5, from_day: 3, to_day: 8 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    /* Departures at 72, 96, 120, 144, 168 (192 is day 8: out). */
    tu_assert_near(r->corridor.convoys_dispatched.mean, 5, 0);
    for (int d = 0; d < 20; d++)
        tu_assert_near(cor_results_day(r, d, 0)->delivered_mean, d >= 3 && d < 8 ? 1 : 0, 0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* A reorder-point flow leaves only while stock + cargo on the road is
 * below its threshold: with a review every hour, the stock position hovers
 * just under threshold + one convoy. */
static void test_engine_reorder_point(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: reorder, horizon_days: 40, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 100, speed_kmh: 10 } ]\n"
        "cities: { b: { fuel: { stock: 500, capacity: 1e9, demand_per_day: 100 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 150,\n"
        "      every_hours: 1, reorder_below_days: 3 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    /* Demand 100 a day over 40 days needs ~4000 delivered; stock stays
     * near 3 days of cover, never short, and the flow does not flood the
     * city (a fixed hourly cadence would ship 150 x 960). */
    assert_true(r->stocks[0].p_shortage == 0.0);
    double delivered = r->stocks[0].delivered.mean;
    assert_true(delivered >= 3500 && delivered <= 4500);
    for (int d = 5; d < 40; d++)
        assert_true(cor_results_day(r, d, 0)->stock_mean <= 300 + 150 + 1e-9);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Beta-distributed loss probability: the mean share lost is the beta's
 * mean, and losses are overdispersed against a binomial with that mean. */
static void test_engine_beta_losses(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: beta, horizon_days: 100, seed: 9, replications: 10 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 100, speed_kmh: 50, hazard: 1e6 } ]\n"
        "cities: { b: { fuel: { capacity: 1e12 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 50, payload: 1,\n"
        "      every_hours: 6 }\n"
        "threats:\n"
        "  ambush: { loss_probability: { beta: { mean: 0.35, sd: 0.15 } } }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m = cor_model_new(s, s->horizon_days);
    struct cor_rep_result out;
    cor_rep_result_init(&out, m);
    out.trace_on = true;
    struct cor_engine *e = cor_engine_new(m);
    double sum = 0, sum2 = 0;
    long n = 0;
    for (long rep = 0; rep < 10; rep++) {
        assert_int_equal(cor_engine_run(e, s->seed, rep, &out), COR_OK);
        for (long i = 0; i < out.ntrace; i++)
            if (out.trace[i].kind == COR_TRACE_AMBUSH) {
                double x = out.trace[i].losses / 50.0;
                sum += x;
                sum2 += x * x;
                n++;
            }
    }
    double dn = (double)n, mean = sum / dn, var = sum2 / dn - mean * mean;
    /* Share lost per ambush (beta-binomial): mean 0.35, variance
     * sd^2 + (q(1-q) - sd^2) / trucks = 0.0225 + 0.2050 / 50 = 0.02660, far
     * above a plain binomial's 0.00455. z = 4 on the mean (its sd is
     * sqrt(var / n)) and on the variance: the sample variance of n values
     * has a relative standard error of sqrt((kurtosis - 1) / n), and this
     * share's kurtosis is 2.68 (summed over its exact beta-binomial pmf), so
     * sqrt(2 / n), a normal's, overstates it (2.2 % for n near 4,000). */
    tu_assert_near(mean, 0.35, Z4 * sqrt(0.0266 / dn));
    tu_assert_near(var, 0.0266, Z4 * sqrt(2.0 / dn) * 0.0266);
    cor_engine_free(e);
    cor_rep_result_fini(&out);
    cor_model_free(m);
    cor_scenario_free(s);
}

/* A closure longer than the reroute rule's hours sends waiting convoys to
 * the alternate at the moment the rule is due; extra km are counted. */
static void test_engine_reroute_on_closure(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: reroute, horizon_days: 10, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: {}, c: {}, d: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: d, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: c, km: 30, speed_kmh: 10 },\n"
        "            { from: c, to: d, km: 30, speed_kmh: 10 } ]\n"
        "cities: { d: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b, d], alternates: [[a, b, c, d]],\n"
        "      reroute: { closed_hours: 12 }, trucks: 1, payload: 1,\n"
        "      every_hours: 24, start_hour: 2 }\n"
        "threats:\n"
        "  closures: [ { segment: b-d, from_day: 2, to_day: 5 } ]\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    /* Departures at 2 + 24k reach b an hour later. Day 2's convoy reaches b
     * at 51 (closed since 48): it reroutes at 48 + 12 = 60. Days 3 and 4
     * reach b at 75 and 99, past due: they reroute at once. Each drives
     * 60 km instead of 10. */
    assert_int_equal(out->convoys_rerouted, 3);
    tu_assert_near(out->reroute_extra_km, 3 * 50.0, 1e-9);
    double first = -1;
    for (long i = 0; i < out->ntrace; i++)
        if (out->trace[i].kind == COR_TRACE_REROUTE && first < 0)
            first = out->trace[i].t;
    tu_assert_near(first, 60.0, 1e-12);
    trace_done(out, m);
    cor_scenario_free(s);
}

/* A reroute check belongs to the wait that scheduled it. The convoy waits
 * at a-b (closed since 12 h: check due at 32 h), which reopens at 24 h
 * first; it reaches c at 26 h, where c-d has been closed since 0 h: due
 * already, but the alternate's c-x is closed too (until 28.8 h), so it
 * waits. Nothing re-examines that wait: at 32 h the first wait's check
 * must not reroute it, though c-x is open by then. It enters c-d when
 * c-d reopens at 72 h. */
static void test_engine_reroute_check_of_a_left_wait_is_void(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: stale, horizon_days: 5, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: {}, c: {}, x: {}, d: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: c, km: 10, speed_kmh: 10 },\n"
        "            { from: c, to: d, km: 10, speed_kmh: 10 },\n"
        "            { from: c, to: x, km: 10, speed_kmh: 10 },\n"
        "            { from: x, to: d, km: 10, speed_kmh: 10 } ]\n"
        "cities: { d: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b, c, d], alternates: [[a, b, c, x, d]],\n"
        "      reroute: { closed_hours: 20 }, trucks: 1, payload: 1,\n"
        "      every_hours: 1000, start_hour: 13 }\n"
        "threats:\n"
        "  closures: [ { segment: a-b, from_day: 0.5, to_day: 1 },\n"
        "              { segment: c-d, from_day: 0, to_day: 3 },\n"
        "              { segment: c-x, from_day: 0, to_day: 1.2 } ]\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    assert_int_equal(out->convoys_rerouted, 0);
    double entered_cd = -1;
    for (long i = 0; i < out->ntrace; i++)
        if (out->trace[i].kind == COR_TRACE_ENTER && out->trace[i].segment == 2)
            entered_cd = out->trace[i].t;
    tu_assert_near(entered_cd, 72.0, 1e-12);
    trace_done(out, m);
    cor_scenario_free(s);
}

/* Above the hazard threshold a convoy takes the alternate; the main route
 * is used again once the phase factor drops. */
static void test_engine_reroute_on_hazard(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: hazard, horizon_days: 10, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: {}, c: {}, d: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: d, km: 10, speed_kmh: 10, hazard: 0.5 },\n"
        "            { from: b, to: c, km: 30, speed_kmh: 10 },\n"
        "            { from: c, to: d, km: 30, speed_kmh: 10 } ]\n"
        "cities: { d: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b, d], alternates: [[a, b, c, d]],\n"
        "      reroute: { hazard_above: 1.0 }, trucks: 1, payload: 1,\n"
        "      every_hours: 24 }\n"
        "threats:\n"
        "  ambush: { loss_probability: 0 }\n"
        "  phases: [ { from_day: 0, hazard_factor: 1 }, { from_day: 3, hazard_factor: 4 },\n"
        "            { from_day: 6, hazard_factor: 1 } ]\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_results *r = tu_run(s, 1, 1);
    /* Days 3, 4, 5: hazard 2 > 1, reroute; others 0.5: stay. */
    tu_assert_near(r->corridor.convoys_rerouted.mean, 3, 0);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* Two alternates that cross (b-c on one, c-b on the other) with the main
 * route's last legs above the hazard threshold: a convoy at b switches to
 * the first alternate (to c), at c to the second (back to b), and at b
 * finds both alternates already followed, so it enters b-d. Without that
 * rule it went back and forth until the horizon and never arrived. */
static void test_engine_reroute_never_returns_to_a_route(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: crossing, horizon_days: 3, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: {}, c: {}, d: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: c, km: 10, speed_kmh: 10 },\n"
        "            { from: a, to: c, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: d, km: 10, speed_kmh: 10, hazard: 5 },\n"
        "            { from: c, to: d, km: 10, speed_kmh: 10, hazard: 5 } ]\n"
        "cities: { d: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b, d],\n"
        "      alternates: [[a, b, c, d], [a, c, b, d]],\n"
        "      reroute: { hazard_above: 1 }, trucks: 1, payload: 1,\n"
        "      every_hours: 1000, start_hour: 0 }\n"
        "threats:\n"
        "  ambush: { loss_probability: 0 }\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    /* a-b 1 h, b-c 1 h (switch at b), c-b 1 h (switch at c), b-d 1 h. */
    int switches = 0;
    double delivered = -1;
    for (long i = 0; i < out->ntrace; i++) {
        switches += out->trace[i].kind == COR_TRACE_REROUTE;
        if (out->trace[i].kind == COR_TRACE_DELIVER)
            delivered = out->trace[i].t;
    }
    assert_int_equal(switches, 2);
    assert_int_equal(out->convoys_rerouted, 1);
    tu_assert_near(out->reroute_extra_km, 10.0 + 10.0, 1e-9);
    tu_assert_near(delivered, 4.0, 1e-12);
    trace_done(out, m);
    cor_scenario_free(s);
}

/* When the reroute rule is due but every alternate is closed too, waiting
 * convoys keep their places: they enter in departure order on reopening. */
static void test_engine_reroute_keeps_line_order(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: keep, horizon_days: 6, replications: 1 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: { kind: port }, b: {}, c: {}, d: { kind: city } }\n"
        "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: d, km: 10, speed_kmh: 10 },\n"
        "            { from: b, to: c, km: 30, speed_kmh: 10 },\n"
        "            { from: c, to: d, km: 30, speed_kmh: 10 } ]\n"
        "cities: { d: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b, d], alternates: [[a, b, c, d]],\n"
        "      reroute: { closed_hours: 5 }, trucks: 1, payload: 1, every_hours: 3 }\n"
        "threats:\n"
        "  closures: [ { segment: b-d, from_day: 0, to_day: 2 },\n"
        "              { segment: b-c, from_day: 0, to_day: 3 } ]\n";
    struct cor_scenario *s = tu_load(y);
    struct cor_model *m;
    struct cor_rep_result *out = trace_run(s, &m);
    long last = -1;
    int entered = 0;
    for (long i = 0; i < out->ntrace; i++) {
        const struct cor_trace_event *ev = &out->trace[i];
        if (ev->kind == COR_TRACE_ENTER && ev->segment == 1 && ev->t == 48.0) {
            assert_true(ev->convoy > last);
            last = ev->convoy;
            entered++;
        }
    }
    assert_int_equal(out->convoys_rerouted, 0);
    assert_int_equal(entered, 16); /* departures at 0, 3, ..., 45 */
    trace_done(out, m);
    cor_scenario_free(s);
}

/* Two windows that meet, [1, 2) and [2, 3) days, close the segment from
 * day 1 to day 3 without a gap at t = 48 h, whatever their order. */
static void test_engine_meeting_windows_leave_no_gap(void **state)
{
    (void)state;
    const char *orders[2] = {"[ { segment: a-b, from_day: 1, to_day: 2 },\n"
                             "    { segment: a-b, from_day: 2, to_day: 3 } ]\n",
                             "[ { segment: a-b, from_day: 2, to_day: 3 },\n"
                             "    { segment: a-b, from_day: 1, to_day: 2 } ]\n"};
    for (int i = 0; i < 2; i++) {
        char y[1024];
        snprintf(y, sizeof y,
                 "scenario: { name: meet, horizon_days: 5, replications: 1 }\n"
                 "commodities: { fuel: {} }\n"
                 "nodes: { a: { kind: port }, b: { kind: city } }\n"
                 "segments: [ { from: a, to: b, km: 10, speed_kmh: 10 } ]\n"
                 "cities: { b: { fuel: { capacity: 1e9 } } }\n"
                 "flows:\n"
                 "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 1,\n"
                 "      every_hours: 100, start_hour: 30 }\n"
                 "threats:\n"
                 "  closures: %s",
                 orders[i]);
        struct cor_scenario *s = tu_load(y);
        struct cor_model *m;
        struct cor_rep_result *out = trace_run(s, &m);
        bool delivered = false;
        for (long k = 0; k < out->ntrace; k++)
            if (out->trace[k].kind == COR_TRACE_DELIVER) {
                tu_assert_near(out->trace[k].t, 72.0 + 1.0, 0); /* released at 72 */
                delivered = true;
            }
        assert_true(delivered);
        trace_done(out, m);
        cor_scenario_free(s);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_depletion_day),
        cmocka_unit_test(test_engine_depletion_no_rounding_residue),
        cmocka_unit_test(test_engine_rationing_arithmetic),
        cmocka_unit_test(test_engine_ambush_probability),
        cmocka_unit_test(test_engine_binomial_losses),
        cmocka_unit_test(test_engine_closure_window),
        cmocka_unit_test(test_engine_balanced_supply),
        cmocka_unit_test(test_engine_season_speed),
        cmocka_unit_test(test_engine_deterrence_cancels),
        cmocka_unit_test(test_engine_fleet_returns),
        cmocka_unit_test(test_engine_delivery_at_day_end_counts_that_day),
        cmocka_unit_test(test_engine_capacity_turns_away_only_the_excess),
        cmocka_unit_test(test_engine_wiped_out_convoy_frees_its_escort),
        cmocka_unit_test(test_engine_suspensions_overlap_and_stay_with_their_flow),
        cmocka_unit_test(test_engine_dwell_at_node),
        cmocka_unit_test(test_engine_every_kind_of_stop),
        cmocka_unit_test(test_engine_flow_window),
        cmocka_unit_test(test_engine_reorder_point),
        cmocka_unit_test(test_engine_beta_losses),
        cmocka_unit_test(test_engine_reroute_on_closure),
        cmocka_unit_test(test_engine_reroute_check_of_a_left_wait_is_void),
        cmocka_unit_test(test_engine_stop_flag_inside_a_replication),
        cmocka_unit_test(test_engine_convoy_cap),
        cmocka_unit_test(test_engine_reroute_on_hazard),
        cmocka_unit_test(test_engine_reroute_keeps_line_order),
        cmocka_unit_test(test_engine_reroute_never_returns_to_a_route),
        cmocka_unit_test(test_engine_meeting_windows_leave_no_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
