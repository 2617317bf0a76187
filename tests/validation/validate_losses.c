/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation: truck losses and driver deaths per ambush.
 *
 * docs/model.md, "Ambushes": when a convoy of n trucks is ambushed, each truck is destroyed
 * independently with probability q (q_escorted on an escorted segment), and
 * each destroyed truck's driver is killed with probability k. So per ambush
 *   destroyed ~ Binomial(n, q),  killed | destroyed ~ Binomial(destroyed, k),
 * and, by thinning, killed ~ Binomial(n, q k). A convoy left with no truck
 * ends (it is "wiped out", probability q^n) and delivers nothing.
 *
 * Segments with hazard 1e6 make every entry an ambush (p = 1 - e^-1e5 = 1),
 * so the trace of every replication lists n, destroyed and killed for each
 * ambush. Checks, per flow (unescorted q = 0.3, escorted q = 0.1, k = 0.4):
 *   - destroyed / (n x ambushes) against q and killed / destroyed against k,
 *     binomial proportions within Z_CHECK standard errors (60 replications
 *     of 2400 ambushes per flow make the half-width about 1 % of q = 0.1
 *     and of k = 0.4 for the escorted flow);
 *   - the whole distribution: Pearson chi-square goodness of fit of the
 *     destroyed count per ambush to Binomial(n, q), and of the killed count
 *     to Binomial(n, q k), each at significance ALPHA_GOF = 1e-5 (cells
 *     pooled to expect at least 5; no parameter is estimated, so the
 *     degrees of freedom are cells - 1). This catches a model with the right
 *     mean but the wrong shape, such as losses drawn per convoy rather than
 *     per truck;
 *   - a two-truck convoy is wiped out with probability q^2 = 0.09, and
 *     delivers exactly its surviving trucks otherwise;
 *   - cargo lost is destroyed trucks x payload, exactly. */
#include "validate.h"

#include <gsl/gsl_randist.h>

#define DAYS 100
#define REPS 60
#define N_TRUCKS 20
#define Q 0.3
#define Q_ESC 0.1
#define K_DEATH 0.4
#define PAYLOAD 3

static const char losses_yaml[] =
    "scenario: { name: losses, horizon_days: 100, seed: 777 }\n"
    "commodities: { fuel: {} }\n"
    "nodes: { a1: {}, b1: {}, a2: {}, b2: {}, a3: {}, b3: {} }\n"
    "segments:\n"
    "  - { from: a1, to: b1, km: 100, speed_kmh: 50, hazard: 1e6 }\n"
    "  - { from: a2, to: b2, km: 100, speed_kmh: 50, hazard: 1e6 }\n"
    "  - { from: a3, to: b3, km: 100, speed_kmh: 50, hazard: 1e6 }\n"
    "cities:\n"
    "  b1: { fuel: { capacity: 1e15 } }\n"
    "  b2: { fuel: { capacity: 1e15 } }\n"
    "  b3: { fuel: { capacity: 1e15 } }\n"
    "flows:\n"
    "  - { id: open, commodity: fuel, route: [a1, b1], trucks: 20, payload: 3,\n"
    "      every_hours: 1 }\n"
    "  - { id: escorted, commodity: fuel, route: [a2, b2], trucks: 20, payload: 3,\n"
    "      every_hours: 1, escort: e }\n"
    "  - { id: pairs, commodity: fuel, route: [a3, b3], trucks: 2, payload: 3,\n"
    "      every_hours: 0.2 }\n"
    "escorts:\n"
    "  e: { units: 1000, from: a2, to: b2, loss_probability: 0.1 }\n"
    "threats:\n"
    "  ambush: { loss_probability: 0.3, driver_death_probability: 0.4 }\n";

struct lflow {
    const char *id;
    int trucks;
    double q;
    long ambushes, destroyed, killed, wiped, delivered_convoys, delivered_trucks;
    long due_convoys, due_trucks; /* survivors of ambushes that arrive in time */
    long hist_destroyed[N_TRUCKS + 1], hist_killed[N_TRUCKS + 1];
};

/* Chi-square goodness of fit of hist[0..n] to Binomial(n, p). */
static void check_binomial_gof(const char *what, const long *hist, int n, double p,
                               long total)
{
    double prob[N_TRUCKS + 1];
    for (int i = 0; i <= n; i++)
        prob[i] = gsl_ran_binomial_pdf((unsigned)i, p, (unsigned)n);
    int cells;
    double pv = v_chisq_gof(hist, prob, n + 1, total, &cells);
    print_message("%-40s chi-square over %2d cells: p-value %.4f\n", what, cells, pv);
    if (!(pv >= ALPHA_GOF))
        fail_msg("%s: chi-square p-value %.3g < %.0e: not Binomial(%d, %g)", what, pv,
                 ALPHA_GOF, n, p);
}

static void test_validate_losses_binomial(void **state)
{
    (void)state;
    struct lflow fl[3] = {
        {"open", N_TRUCKS, Q, 0, 0, 0, 0, 0, 0, 0, 0, {0}, {0}},
        {"escorted", N_TRUCKS, Q_ESC, 0, 0, 0, 0, 0, 0, 0, 0, {0}, {0}},
        {"pairs", 2, Q, 0, 0, 0, 0, 0, 0, 0, 0, {0}, {0}},
    };
    struct cor_scenario *s = tu_load(losses_yaml);
    int idx[3];
    for (int i = 0; i < 3; i++) {
        idx[i] = cor_scenario_flow(s, fl[i].id);
        assert_int_equal(idx[i], i);
    }
    struct vrun v;
    vrun_open(&v, s, 0, true);
    for (long rep = 0; rep < REPS; rep++) {
        vrun_rep(&v, s->seed, rep);
        long destroyed = 0;
        for (long i = 0; i < v.r.ntrace; i++) {
            const struct cor_trace_event *ev = &v.r.trace[i];
            if (ev->flow < 0 || ev->flow > 2)
                continue;
            struct lflow *f = &fl[ev->flow];
            switch (ev->kind) {
            case COR_TRACE_AMBUSH:
                /* One hazardous segment per route: every ambush hits a full
                 * convoy. */
                assert_int_equal(ev->trucks + ev->losses, f->trucks);
                assert_true(ev->killed >= 0 && ev->killed <= ev->losses);
                f->ambushes++;
                f->destroyed += ev->losses;
                f->killed += ev->killed;
                f->hist_destroyed[ev->losses]++;
                f->hist_killed[ev->killed]++;
                destroyed += ev->losses;
                /* Survivors arrive 2 h later (100 km at 50 km/h, no
                 * ambush delay): those due by the horizon must deliver. */
                if (ev->t + 2.0 <= 24.0 * DAYS && ev->trucks > 0) {
                    f->due_convoys++;
                    f->due_trucks += ev->trucks;
                }
                /* The trace's amount is the cargo lost. */
                assert_true(ev->amount == ev->losses * (double)PAYLOAD);
                break;
            case COR_TRACE_WIPED_OUT:
                assert_int_equal(ev->trucks, 0);
                f->wiped++;
                break;
            case COR_TRACE_DELIVER:
                assert_true(ev->trucks > 0);
                f->delivered_convoys++;
                f->delivered_trucks += ev->trucks;
                break;
            default:
                break;
            }
        }
        assert_int_equal(v.r.trucks_destroyed, destroyed);
        /* Cargo lost is destroyed trucks x payload: integers, exact. */
        assert_true(v.r.lost[0] == (double)destroyed * PAYLOAD);
    }
    vrun_close(&v);

    for (int i = 0; i < 3; i++) {
        struct lflow *f = &fl[i];
        char what[96];
        assert_true(f->ambushes > 100000);
        snprintf(what, sizeof what, "%s: destroyed share of trucks", f->id);
        v_check_prop(what, (double)f->destroyed, (double)f->ambushes * f->trucks, f->q);
        snprintf(what, sizeof what, "%s: killed share of destroyed", f->id);
        v_check_prop(what, (double)f->killed, (double)f->destroyed, K_DEATH);
        snprintf(what, sizeof what, "%s: destroyed per ambush", f->id);
        check_binomial_gof(what, f->hist_destroyed, f->trucks, f->q, f->ambushes);
        snprintf(what, sizeof what, "%s: killed per ambush", f->id);
        check_binomial_gof(what, f->hist_killed, f->trucks, f->q * K_DEATH, f->ambushes);
        /* Every convoy is hit once: it is either wiped out or delivers its
         * survivors, unless they are still on the road at the horizon. */
        assert_int_equal(f->delivered_convoys, f->due_convoys);
        assert_int_equal(f->delivered_trucks, f->due_trucks);
        assert_true(f->wiped + f->delivered_convoys <= f->ambushes);
    }
    /* Two trucks, each lost with q = 0.3: wiped out with q^2. */
    v_check_prop("pairs: convoys wiped out", (double)fl[2].wiped, (double)fl[2].ambushes,
                 Q * Q);
    assert_int_equal(fl[0].wiped, 0); /* q^20 ~ 3e-11: never seen */
    cor_scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_losses_binomial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
