/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation: season speed factors on travel times, the ambush delay, and
 * the escort's default return time.
 *
 * docs/model.md, "Seasons": travel time on a segment entered at t is
 * km / (speed x season_speed_factor(t)), the factor read once at entry and
 * held for the whole segment; overlapping seasons multiply; windows are
 * half-open [24 from_day, 24 to_day). An ambushed convoy's survivors reach
 * the end after the travel time plus the ambush delay. An escort unit is
 * free again after the escorted stretch's travel time at the factor in
 * force at its release.
 *
 * Every one of these is exact, so every segment crossing in the trace is
 * checked, to 1e-9 relative (one division and one addition of rounding):
 *   - random (exponential) departures over many replications, so that
 *     entries fall everywhere, including just before a season ends (the
 *     entry factor must hold after the boundary);
 *   - fixed departures on season boundaries themselves (half-open windows);
 *   - an escort pool of one unit kept busy, whose successive start times
 *     are release + stretch / (speed x factor(release)). */
#include "validate.h"

#define DAYS 10
#define REPS 1000

/* Seasons: [2, 4) x 0.5, [3, 4) x 0.8 (so 0.4 where they overlap),
 * [6.5, 7) x 2. */
static double speed_factor(double t)
{
    double f = 1.0;
    if (t >= 48 && t < 96)
        f *= 0.5;
    if (t >= 72 && t < 96)
        f *= 0.8;
    if (t >= 156 && t < 168)
        f *= 2.0;
    return f;
}

static const char season_yaml[] =
    "scenario: { name: season-speed, horizon_days: 10, seed: 99 }\n"
    "commodities: { fuel: {} }\n"
    "nodes: { a: {}, b: {}, c: {}, p: {}, q: {} }\n"
    "segments:\n"
    "  - { from: a, to: b, km: 100, speed_kmh: 50 }\n"
    "  - { from: b, to: c, km: 90, speed_kmh: 30, hazard: 3 }\n"
    "  - { from: p, to: q, km: 70, speed_kmh: 35 }\n"
    "cities:\n"
    "  c: { fuel: { capacity: 1e15 } }\n"
    "  q: { fuel: { capacity: 1e15 } }\n"
    "flows:\n"
    "  - { id: random, commodity: fuel, route: [a, b, c], trucks: 1, payload: 1,\n"
    "      every_hours: { exponential: 3 } }\n"
    "  - { id: on-boundaries, commodity: fuel, route: [a, b, c], trucks: 1, payload: 1,\n"
    "      every_hours: 24, start_hour: 46 }\n"
    "  - { id: escorted, commodity: fuel, route: [p, q], trucks: 1, payload: 1,\n"
    "      every_hours: 0.5, escort: one }\n"
    "escorts: { one: { units: 1, from: p, to: q } }\n"
    "threats:\n"
    "  ambush: { loss_probability: 0, delay_hours: 5 }\n"
    "  seasons:\n"
    "    - { label: rainy, from_day: 2, to_day: 4, speed_factor: 0.5 }\n"
    "    - { label: worse, from_day: 3, to_day: 4, speed_factor: 0.8 }\n"
    "    - { label: dry, from_day: 6.5, to_day: 7, speed_factor: 2 }\n";

struct crossing {
    double t_enter;
    int segment;
    bool ambushed;
};

static void test_validate_season_travel_times(void **state)
{
    (void)state;
    struct cor_scenario *s = tu_load(season_yaml);
    int ab = cor_scenario_segment(s, "a-b"), bc = cor_scenario_segment(s, "b-c");
    int pq = cor_scenario_segment(s, "p-q");
    double base[8] = {0};
    base[ab] = 100.0 / 50;
    base[bc] = 90.0 / 30;
    base[pq] = 70.0 / 35;
    int esc_flow = cor_scenario_flow(s, "escorted");
    struct vrun v;
    vrun_open(&v, s, 0, true);
    struct crossing *cx = NULL;
    size_t cap = 0;
    long checked = 0, delayed = 0, straddled = 0, escort_starts = 0;
    for (long rep = 0; rep < REPS; rep++) {
        vrun_rep(&v, s->seed, rep);
        double release = -1.0; /* the single unit's last release, or -1 */
        for (long i = 0; i < v.r.ntrace; i++) {
            const struct cor_trace_event *ev = &v.r.trace[i];
            if (ev->convoy >= 0 && (size_t)ev->convoy >= cap) {
                cap = cap ? 2 * cap : 4096;
                cx = realloc(cx, cap * sizeof *cx);
                assert_non_null(cx);
            }
            switch (ev->kind) {
            case COR_TRACE_ENTER:
                cx[ev->convoy] = (struct crossing){ev->t, ev->segment, false};
                break;
            case COR_TRACE_AMBUSH:
                assert_true(cx[ev->convoy].t_enter == ev->t);
                cx[ev->convoy].ambushed = true;
                break;
            case COR_TRACE_ARRIVE: {
                const struct crossing *c = &cx[ev->convoy];
                assert_int_equal(c->segment, ev->segment);
                double want = c->t_enter + base[c->segment] / speed_factor(c->t_enter) +
                              (c->ambushed ? 5.0 : 0.0);
                if (fabs(ev->t - want) > 1e-9 * want)
                    fail_msg("rep %ld: segment %d entered at %.17g h (factor %g%s): arrived "
                             "%.17g h, closed form %.17g h",
                             rep, c->segment, c->t_enter, speed_factor(c->t_enter),
                             c->ambushed ? ", ambushed" : "", ev->t, want);
                checked++;
                delayed += c->ambushed;
                straddled += speed_factor(c->t_enter) != speed_factor(ev->t);
                /* The escort unit is released on arrival at q. */
                if (ev->flow == esc_flow)
                    release = ev->t;
                break;
            }
            case COR_TRACE_ESCORT_START:
                /* Departures every half hour keep the single unit busy: after
                 * the first, each start is a return, which takes the stretch's
                 * travel time at the factor in force at release. */
                if (release >= 0) {
                    double want = release + base[pq] / speed_factor(release);
                    if (fabs(ev->t - want) > 1e-9 * want)
                        fail_msg("escort unit released at %.17g h back at %.17g h, closed "
                                 "form %.17g h",
                                 release, ev->t, want);
                    escort_starts++;
                }
                break;
            default:
                break;
            }
        }
    }
    free(cx);
    vrun_close(&v);
    cor_scenario_free(s);
    print_message("%ld crossings checked, %ld with an ambush delay, %ld straddling a season "
                  "change; %ld escort returns\n",
                  checked, delayed, straddled, escort_starts);
    /* Enough of each kind that the checks above mean something. */
    assert_true(checked > 200000 && delayed > 15000 && straddled > 10000 &&
                escort_starts > 50000);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_season_travel_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
