/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation: the share of segment entries that are ambushed.
 *
 * docs/model.md, "Ambushes": a convoy entering segment s at time t is ambushed with
 * probability p = 1 - exp(-lambda_s km_s / 1000 F), where
 * F = phase_factor(t) x commodity_factor x (escort hazard_factor if escorted
 * on s), all read at the moment of entry. Entries are independent draws, so
 * the number of ambushes among N entries with the same p is Binomial(N, p).
 *
 * One scenario covers the combinations. Four flows, each on its own nodes:
 *   fuel   (commodity factor 2)  b1-c1: 100 km, hazard 0.5
 *   grain  (commodity factor 1)  b2-c2: 300 km, hazard 2.0
 *   fuel, escorted b3 -> c3      b3-c3: 200 km, hazard 1.0, escort factor 0.5
 *                                c3-d3: 200 km, hazard 1.0, not escorted
 *   water  (commodity factor 0)  a4-b4: 100 km, hazard 5: never ambushed
 * Each flow first drives 6 hours on a hazard-free segment, and the threat
 * phase alternates every 12 hours between factors 4 and 1 (1 also before
 * the first phase at day 0.5), then drops to 0 from day 60. So a convoy
 * usually enters its hazardous segment in another phase than the one it
 * left in: a model reading the factor at departure instead of at entry, or
 * applying the escort factor off the escorted stretch, would put thousands
 * of entries in the wrong group.
 *
 * The event trace of every replication gives each entry and each ambush
 * with its time and segment. Entries are grouped by (segment, phase factor
 * at entry), and each group's share is checked against its p within
 * Z_CHECK binomial standard errors; groups with p = 0 must have no ambush
 * at all. About 5e5 entries per group make the half-width under 2 % of p
 * for the smallest p (0.095). */
#include "validate.h"

#define DAYS 70
#define REPS 360
#define NPF 3 /* phase factors: 1, 4, 0 */

static const double phase_value[NPF] = {1.0, 4.0, 0.0};

/* Index into phase_value of the factor in force at hour t: 1 before day
 * 0.5, then 4 and 1 alternating every half day, 0 from day 60. */
static int phase_at(double t)
{
    if (t < 12.0)
        return 0;
    double k = floor(t / 12.0);
    if (k >= 120)
        return 2;
    return fmod(k, 2.0) == 1.0 ? 1 : 0;
}

static struct cor_scenario *load_ambush(void)
{
    struct vbuf y = {0};
    vb_printf(&y,
              "scenario: { name: ambush-shares, horizon_days: %d, seed: 4242 }\n"
              "commodities: { fuel: {}, grain: {}, water: {} }\n"
              "nodes: { a1: {}, b1: {}, c1: {}, a2: {}, b2: {}, c2: {},\n"
              "         a3: {}, b3: {}, c3: {}, d3: {}, a4: {}, b4: {} }\n"
              "segments:\n"
              "  - { from: a1, to: b1, km: 30, speed_kmh: 5 }\n"
              "  - { from: b1, to: c1, km: 100, speed_kmh: 50, hazard: 0.5 }\n"
              "  - { from: a2, to: b2, km: 30, speed_kmh: 5 }\n"
              "  - { from: b2, to: c2, km: 300, speed_kmh: 50, hazard: 2.0 }\n"
              "  - { from: a3, to: b3, km: 30, speed_kmh: 5 }\n"
              "  - { from: b3, to: c3, km: 200, speed_kmh: 50, hazard: 1.0 }\n"
              "  - { from: c3, to: d3, km: 200, speed_kmh: 50, hazard: 1.0 }\n"
              "  - { from: a4, to: b4, km: 100, speed_kmh: 50, hazard: 5 }\n"
              "cities:\n"
              "  c1: { fuel: { capacity: 1e15 } }\n"
              "  c2: { grain: { capacity: 1e15 } }\n"
              "  d3: { fuel: { capacity: 1e15 } }\n"
              "  b4: { water: { capacity: 1e15 } }\n"
              "flows:\n"
              "  - { id: f1, commodity: fuel, route: [a1, b1, c1], trucks: 1, payload: 1,\n"
              "      every_hours: 0.5 }\n"
              "  - { id: f2, commodity: grain, route: [a2, b2, c2], trucks: 1, payload: 1,\n"
              "      every_hours: 0.5 }\n"
              "  - { id: f3, commodity: fuel, route: [a3, b3, c3, d3], trucks: 1, payload: 1,\n"
              "      every_hours: 0.5, escort: e3 }\n"
              "  - { id: f4, commodity: water, route: [a4, b4], trucks: 1, payload: 1,\n"
              "      every_hours: 0.5 }\n"
              "escorts:\n"
              "  e3: { units: 1000, from: b3, to: c3, hazard_factor: 0.5 }\n"
              "threats:\n"
              "  ambush: { loss_probability: 0,\n"
              "            commodity_factor: { fuel: 2, grain: 1, water: 0 } }\n"
              "  phases:\n",
              DAYS);
    for (int k = 1; k <= 120; k++)
        vb_printf(&y, "    - { from_day: %g, hazard_factor: %g }\n", 0.5 * k,
                  k == 120 ? 0.0 : k % 2 ? 4.0 : 1.0);
    struct cor_scenario *s = tu_load(y.s);
    vb_free(&y);
    return s;
}

struct hseg {
    const char *id;
    double base;   /* hazard x km / 1000 */
    double factor; /* commodity x escort */
    int index;     /* in the scenario */
    double n[NPF], hits[NPF];
};

static void test_validate_ambush_share(void **state)
{
    (void)state;
    struct hseg segs[] = {
        {"b1-c1", 0.5 * 100 / 1000, 2.0, 0, {0}, {0}},
        {"b2-c2", 2.0 * 300 / 1000, 1.0, 0, {0}, {0}},
        {"b3-c3", 1.0 * 200 / 1000, 2.0 * 0.5, 0, {0}, {0}},
        {"c3-d3", 1.0 * 200 / 1000, 2.0, 0, {0}, {0}},
        {"a4-b4", 5.0 * 100 / 1000, 0.0, 0, {0}, {0}},
    };
    enum { NS = sizeof segs / sizeof segs[0] };
    struct cor_scenario *s = load_ambush();
    int seg_of[64];
    for (int i = 0; i < 64; i++)
        seg_of[i] = -1;
    for (int i = 0; i < NS; i++) {
        segs[i].index = cor_scenario_segment(s, segs[i].id);
        assert_true(segs[i].index >= 0 && segs[i].index < 64);
        seg_of[segs[i].index] = i;
    }

    struct vrun v;
    vrun_open(&v, s, 0, true);
    char *hit = NULL; /* per convoy serial: ambushed at least once */
    size_t hit_cap = 0;
    for (long rep = 0; rep < REPS; rep++) {
        vrun_rep(&v, s->seed, rep);
        long ambush_events = 0, hazard_entries_free = 0, convoys_hit = 0;
        for (long i = 0; i < v.r.ntrace; i++) {
            const struct cor_trace_event *ev = &v.r.trace[i];
            if (ev->kind != COR_TRACE_ENTER && ev->kind != COR_TRACE_AMBUSH)
                continue;
            int g = ev->segment >= 0 && ev->segment < 64 ? seg_of[ev->segment] : -1;
            if (ev->kind == COR_TRACE_AMBUSH) {
                /* Only hazardous segments can ambush. */
                assert_true(g >= 0);
                segs[g].hits[phase_at(ev->t)] += 1;
                ambush_events++;
                if ((size_t)ev->convoy >= hit_cap) {
                    size_t cap = hit_cap ? hit_cap : 1024;
                    while (cap <= (size_t)ev->convoy)
                        cap *= 2;
                    hit = realloc(hit, cap);
                    assert_non_null(hit);
                    memset(hit + hit_cap, 0, cap - hit_cap);
                    hit_cap = cap;
                }
                if (!hit[ev->convoy]) {
                    hit[ev->convoy] = 1;
                    convoys_hit++;
                }
            } else if (g >= 0) {
                segs[g].n[phase_at(ev->t)] += 1;
            } else {
                hazard_entries_free++;
            }
        }
        /* The counters agree with the trace: ambush events, and convoys
         * hit at least once (f3 can be hit on both its segments). */
        assert_int_equal(v.r.ambushes, ambush_events);
        assert_int_equal(v.r.convoys_ambushed, convoys_hit);
        assert_true(hazard_entries_free > 0);
        if (hit)
            memset(hit, 0, hit_cap);
    }
    free(hit);
    vrun_close(&v);

    for (int i = 0; i < NS; i++) {
        for (int f = 0; f < NPF; f++) {
            double F = phase_value[f] * segs[i].factor;
            double p = -expm1(-segs[i].base * F);
            char what[96];
            snprintf(what, sizeof what, "segment %s, phase factor %g: ambushed share",
                     segs[i].id, phase_value[f]);
            assert_true(segs[i].n[f] > 1e4);
            if (p == 0.0) {
                /* A zero factor makes the ambush impossible, not rare. */
                if (segs[i].hits[f] != 0)
                    fail_msg("%s: %.0f ambushes where p = 0", what, segs[i].hits[f]);
                continue;
            }
            v_check_prop(what, segs[i].hits[f], segs[i].n[f], p);
            print_message("%-45s %8.0f entries  %.5f  (closed form %.5f)\n", what,
                          segs[i].n[f], segs[i].hits[f] / segs[i].n[f], p);
        }
    }
    cor_scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_ambush_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
