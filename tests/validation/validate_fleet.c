/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation: fleet conservation.
 *
 * docs/model.md, "Flows and convoys": a flow with `fleet: N` owns N trucks, all waiting at the
 * origin at t = 0. A convoy leaves with min(trucks, waiting); none waiting
 * skips the departure (counted); a departure during a suspension is
 * cancelled (counted, even when also short of trucks). After delivery the
 * survivors return empty after the route's travel time at the season
 * factor in force at delivery, ignoring closures and hazard; destroyed
 * trucks are gone. So at every instant
 *   N = waiting + travelling + returning + destroyed.
 *
 * The engine does not export those four counts per flow, so the balance is
 * rebuilt from outside, from each replication's trace: departures take
 * trucks from `waiting`, ambushes move them to `destroyed`, deliveries to
 * `returning`, and a return (at delivery time + route hours / speed factor,
 * computed here from the scenario) gives them back. The model must then
 * agree with the rebuilt balance at every departure: exactly
 * min(trucks, waiting) trucks leave, a skip happens only when waiting is 0,
 * and the per-convoy truck count never grows. Returns at the same instant
 * as a departure come first (returns are in the arrivals class); the
 * deterministic scenario puts every return exactly on a departure.
 *
 * Two scenarios:
 *   - deterministic (no hazard): 10 trucks, convoys of 4 every 6 h, 12 h
 *     each way: a 24 h cycle of 4, 4, 2, skip; over H days the closed form
 *     is 3H + 1 convoys, H skips and 10 H trucks delivered (the fleet times
 *     its cycles), checked on the engine's own outputs;
 *   - random: exponential departures, ambushes with losses and wipe-outs,
 *     deterrence, an escort queue, random closures and two speed seasons
 *     (factors 0.5 and 0.25, so return times are exact in binary), plus a
 *     fleet smaller than one convoy; 300 replications, all checked exactly
 *     against the rebuilt balance. */
#include "validate.h"

/* ---- the deterministic cycle -------------------------------------------- */

#define CYCLE_DAYS 30

static void test_validate_fleet_cycle(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: fleet-cycle, horizon_days: 30 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: {}, b: {} }\n"
        "segments: [ { from: a, to: b, km: 120, speed_kmh: 10 } ]\n"
        "cities: { b: { fuel: { capacity: 1e9 } } }\n"
        "flows:\n"
        "  - { id: f, commodity: fuel, route: [a, b], trucks: 4, payload: 1,\n"
        "      every_hours: 6, fleet: 10 }\n";
    struct cor_scenario *s = tu_load(y);
    struct vrun v;
    vrun_open(&v, s, 0, false);
    vrun_rep(&v, 1, 0);
    int H = CYCLE_DAYS;
    assert_int_equal(v.r.dispatched, 3 * H + 1);
    assert_int_equal(v.r.skipped, H);
    assert_int_equal(v.r.cancelled, 0);
    /* Every truck delivers once per 24 h cycle; the convoys leaving at
     * 24 H - 6 (a skip) and 24 H (still on the road) deliver nothing. */
    v_check_near("delivered trucks", v.r.stocks[0].delivered, 10.0 * H, 0);
    vrun_close(&v);
    cor_scenario_free(s);
}

/* ---- the random scenario, rebuilt from the trace ------------------------ */

#define RANDOM_DAYS 40
#define RANDOM_REPS 300

static const char random_yaml[] =
    "scenario: { name: fleet-random, horizon_days: 40, seed: 8086 }\n"
    "commodities: { fuel: {}, grain: {} }\n"
    "nodes: { c: {}, d: {}, e: {}, g: {}, h: {} }\n"
    "segments:\n"
    "  - { from: c, to: d, km: 60, speed_kmh: 20 }\n"
    "  - { from: d, to: e, km: 90, speed_kmh: 30, hazard: 2 }\n"
    "  - { from: g, to: h, km: 50, speed_kmh: 25, hazard: 4 }\n"
    "cities:\n"
    "  e: { fuel: { capacity: 1e15 } }\n"
    "  h: { grain: { capacity: 1e15 } }\n"
    "flows:\n"
    "  - { id: big, commodity: fuel, route: [c, d, e], trucks: 8, payload: 1,\n"
    "      every_hours: { exponential: 2 }, fleet: 50, escort: pool }\n"
    "  - { id: small, commodity: grain, route: [g, h], trucks: 5, payload: 1,\n"
    "      every_hours: { exponential: 3 }, fleet: 3 }\n"
    "escorts:\n"
    "  pool: { units: 2, from: d, to: e, hazard_factor: 0.5, loss_probability: 0.2,\n"
    "          return_hours: { exponential: 4 } }\n"
    "threats:\n"
    "  ambush: { loss_probability: 0.5, driver_death_probability: 0.1,\n"
    "            delay_hours: { uniform: [1, 3] },\n"
    "            deterrence: { probability: 0.2, suspend_days: { exponential: 1 } } }\n"
    "  closures:\n"
    "    - { segment: c-d, every_days: { exponential: 3 }, lasts_hours: { exponential: 12 } }\n"
    "  seasons:\n"
    "    - { from_day: 5, to_day: 10, speed_factor: 0.5 }\n"
    "    - { from_day: 20, to_day: 22, speed_factor: 0.25 }\n";

static double speed_factor(double t)
{
    return t >= 120 && t < 240 ? 0.5 : t >= 480 && t < 528 ? 0.25 : 1.0;
}

struct ret {
    double t;
    long trucks;
};

/* The rebuilt state of one fleet flow. */
struct fleet {
    long owned, per_convoy;
    double route_hours;
    long waiting, destroyed, departed, delivered;
    struct ret *ret; /* returns due, unsorted (a handful at a time) */
    long nret, capret;
    long skips, departures;
};

static void fleet_take_returns(struct fleet *f, double t)
{
    for (long i = 0; i < f->nret;) {
        if (f->ret[i].t <= t) {
            f->waiting += f->ret[i].trucks;
            f->ret[i] = f->ret[--f->nret];
        } else {
            i++;
        }
    }
}

static void test_validate_fleet_balance(void **state)
{
    (void)state;
    struct cor_scenario *s = tu_load(random_yaml);
    assert_int_equal(s->nflows, 2);
    /* Route hours: 60/20 + 90/30 and 50/25, exact in binary. */
    struct fleet fl[2] = {{50, 8, 6.0, 0, 0, 0, 0, NULL, 0, 0, 0, 0},
                          {3, 5, 2.0, 0, 0, 0, 0, NULL, 0, 0, 0, 0}};
    double T = 24.0 * RANDOM_DAYS;
    long *trucks_of = NULL; /* per convoy serial: trucks on board, -1 gone */
    int *flow_of = NULL;
    size_t cap = 0;
    long total_skips = 0, total_ambush = 0, total_cancel = 0, total_wiped = 0, partial = 0;
    struct vrun v;
    vrun_open(&v, s, 0, true);
    for (long rep = 0; rep < RANDOM_REPS; rep++) {
        vrun_rep(&v, s->seed, rep);
        for (int i = 0; i < 2; i++) {
            fl[i].waiting = fl[i].owned;
            fl[i].destroyed = fl[i].departed = fl[i].delivered = 0;
            fl[i].nret = fl[i].skips = fl[i].departures = 0;
        }
        long cancels = 0;
        for (long i = 0; i < v.r.ntrace; i++) {
            const struct cor_trace_event *ev = &v.r.trace[i];
            if (ev->flow < 0)
                continue;
            assert_true(ev->flow < 2);
            struct fleet *f = &fl[ev->flow];
            if (ev->convoy >= 0 && (size_t)ev->convoy >= cap) {
                size_t old = cap;
                cap = cap ? 2 * cap : 4096;
                trucks_of = realloc(trucks_of, cap * sizeof *trucks_of);
                flow_of = realloc(flow_of, cap * sizeof *flow_of);
                assert_true(trucks_of && flow_of);
                for (size_t k = old; k < cap; k++)
                    trucks_of[k] = -1;
            }
            switch (ev->kind) {
            case COR_TRACE_DEPART: {
                /* Returns due by now come back first (arrivals class). */
                fleet_take_returns(f, ev->t);
                long want = f->waiting < f->per_convoy ? f->waiting : f->per_convoy;
                if (ev->trucks != want || want == 0)
                    fail_msg("rep %ld, flow %d at %.17g h: %d trucks left, with %ld waiting "
                             "min(%ld, waiting) = %ld",
                             rep, ev->flow, ev->t, ev->trucks, f->waiting, f->per_convoy,
                             want);
                partial += want < f->per_convoy;
                f->waiting -= ev->trucks;
                f->departed += ev->trucks;
                f->departures++;
                trucks_of[ev->convoy] = ev->trucks;
                flow_of[ev->convoy] = ev->flow;
                break;
            }
            case COR_TRACE_SKIP:
                fleet_take_returns(f, ev->t);
                if (f->waiting != 0)
                    fail_msg("rep %ld, flow %d at %.17g h: skipped with %ld trucks waiting",
                             rep, ev->flow, ev->t, f->waiting);
                f->skips++;
                break;
            case COR_TRACE_CANCEL:
                cancels++;
                break;
            case COR_TRACE_AMBUSH:
                assert_true(trucks_of[ev->convoy] > 0);
                assert_int_equal(trucks_of[ev->convoy] - ev->losses, ev->trucks);
                trucks_of[ev->convoy] = ev->trucks;
                f->destroyed += ev->losses;
                total_ambush++;
                break;
            case COR_TRACE_WIPED_OUT:
                assert_int_equal(trucks_of[ev->convoy], 0);
                trucks_of[ev->convoy] = -1;
                total_wiped++;
                break;
            case COR_TRACE_DELIVER: {
                /* The convoy delivers exactly the trucks it still has. */
                assert_int_equal(ev->trucks, trucks_of[ev->convoy]);
                assert_true(ev->trucks > 0);
                f->delivered += ev->trucks;
                trucks_of[ev->convoy] = -1;
                if (f->nret == f->capret) {
                    f->capret = f->capret ? 2 * f->capret : 64;
                    f->ret = realloc(f->ret, (size_t)f->capret * sizeof *f->ret);
                    assert_non_null(f->ret);
                }
                f->ret[f->nret++] =
                    (struct ret){ev->t + f->route_hours / speed_factor(ev->t), ev->trucks};
                break;
            }
            default:
                /* Every other event keeps the convoy's trucks as they were. */
                if (ev->convoy >= 0 && trucks_of[ev->convoy] >= 0)
                    assert_int_equal(ev->trucks, trucks_of[ev->convoy]);
                break;
            }
        }
        /* The balance at the horizon: N = waiting + travelling + returning +
         * destroyed, summed from the flow-level waiting, the convoy-level
         * trucks on board and the deliveries not yet back. The per-event
         * checks above already hold each of these to the engine's, so this
         * cannot fail on its own: it states the invariant they add up to. */
        long travelling[2] = {0, 0};
        for (size_t k = 0; k < cap; k++)
            if (trucks_of[k] > 0)
                travelling[flow_of[k]] += trucks_of[k];
        for (int i = 0; i < 2; i++) {
            struct fleet *f = &fl[i];
            fleet_take_returns(f, T);
            long returning = 0;
            for (long r = 0; r < f->nret; r++)
                returning += f->ret[r].trucks;
            assert_int_equal(f->waiting + travelling[i] + returning + f->destroyed, f->owned);
            assert_int_equal(f->departed, travelling[i] + f->delivered + f->destroyed);
            total_skips += f->skips;
        }
        /* The engine's counters agree with the trace. */
        assert_int_equal(v.r.skipped, fl[0].skips + fl[1].skips);
        assert_int_equal(v.r.dispatched, fl[0].departures + fl[1].departures);
        assert_int_equal(v.r.cancelled, cancels);
        assert_int_equal(v.r.trucks_destroyed, fl[0].destroyed + fl[1].destroyed);
        total_cancel += cancels;
        /* Outputs alone: with payload 1 and no capacity limit, delivered
         * trucks = stock delivered, and every delivered or destroyed truck
         * left in a convoy of at most `trucks`. */
        assert_true(v.r.stocks[0].delivered == (double)fl[0].delivered);
        assert_true(v.r.stocks[1].delivered == (double)fl[1].delivered);
        assert_true(v.r.stocks[0].delivered + v.r.stocks[1].delivered +
                        (double)v.r.trucks_destroyed <=
                    8.0 * (double)v.r.dispatched);
        for (size_t k = 0; k < cap; k++)
            trucks_of[k] = -1;
    }
    vrun_close(&v);
    print_message("%d replications: %ld short convoys, %ld skips, %ld cancellations, "
                  "%ld ambushes, %ld wiped out\n",
                  RANDOM_REPS, partial, total_skips, total_cancel, total_ambush, total_wiped);
    /* Each mechanism must actually have been exercised. */
    assert_true(partial > 1000 && total_skips > 1000 && total_cancel > 1000 &&
                total_ambush > 1000 && total_wiped > 100);
    free(trucks_of);
    free(flow_of);
    free(fl[0].ret);
    free(fl[1].ret);
    cor_scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_fleet_cycle),
        cmocka_unit_test(test_validate_fleet_balance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
