/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation: commodity conservation, per city and per replication, on the
 * shipped scenario.
 *
 * docs/model.md ("Cities and consumption", "Results"): a delivery adds to
 * stock up to capacity, the rest is turned away; at each day's end the city consumes min(stock, target), the
 * target being demand, or demand x factor when the stock (after the day's
 * deliveries) is strictly below below_days x demand. Hence, for every
 * replication and every city x commodity,
 *   initial + delivered - consumed = final        (delivered = accepted),
 * and day by day
 *   stock[d] = stock[d-1] + delivered[d] - consumed[d],
 *   consumed[d] + unmet[d] = target[d],  consumed[d] = min(available, target),
 *   0 <= stock[d] <= capacity,  short[d] <=> unmet[d] > 1e-9 demand,
 * with the per-replication totals (consumed, unmet, shortage and rationing
 * days, first shortage day) the sums of the days. Along the road, per
 * commodity, cargo is conserved too:
 *   dispatched = delivered + turned away + lost + still on the road,
 * rebuilt from the event trace (every departure, ambush and delivery).
 *
 * Run through cor_engine_run over many replications of
 * scenarios/rn1-2025-blockade.yaml as shipped (alternate routes, dwell,
 * escorts, closures, deterrence, seasons), and of a variant whose small
 * capacities and harsher rationing make turning away and rationing common.
 * Everything is exact up to rounding: 1e-9 relative to the quantities
 * involved. */
#include "validate.h"

#define REPS 800

static struct cor_scenario *load_shipped(const char *const *overrides, int n)
{
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_scenario *s = cor_scenario_load_file(
        COR_SOURCE_DIR "/scenarios/rn1-2025-blockade.yaml", overrides, n, &d);
    if (!s)
        cor_diag_print(&d, stderr);
    cor_diag_fini(&d);
    assert_non_null(s);
    return s;
}

struct totals {
    double turned_away, rationing_days, lost, wiped;
};

static void check_replications(const struct cor_scenario *s, long reps, struct totals *tot)
{
    int K = s->nstocks, C = s->ncommodities;
    struct vrun v;
    vrun_open(&v, s, 0, true);
    int days = v.r.days;
    double *sent = calloc((size_t)C, sizeof *sent);
    double *on_road = calloc((size_t)C, sizeof *on_road);
    double *lost = calloc((size_t)C, sizeof *lost);
    double *accepted = calloc((size_t)K, sizeof *accepted);
    double *refused = calloc((size_t)K, sizeof *refused);
    long *aboard = NULL; /* per convoy serial: trucks on board */
    size_t cap = 0;
    assert_true(sent && on_road && lost && accepted && refused);
    for (long rep = 0; rep < reps; rep++) {
        vrun_rep(&v, s->seed, rep);
        /* ---- per city x commodity ---- */
        for (int k = 0; k < K; k++) {
            const struct cor_stock *st = &s->stocks[k];
            const struct cor_rep_stock *rs = &v.r.stocks[k];
            double scale = fmax(1.0, st->stock + rs->delivered);
            double tol = 1e-9 * scale;
            if (fabs(st->stock + rs->delivered - rs->consumed - rs->final_stock) > tol)
                fail_msg("rep %ld stock %d: initial %.17g + delivered %.17g - consumed %.17g "
                         "!= final %.17g",
                         rep, k, st->stock, rs->delivered, rs->consumed, rs->final_stock);
            double prev = st->stock, sum_c = 0, sum_u = 0, sum_del = 0;
            int short_days = 0, ration_days = 0, first = -1;
            for (int d = 0; d < days; d++) {
                size_t at = (size_t)d * (size_t)K + (size_t)k;
                double del = v.r.day_delivered[at], now = v.r.day_stock[at];
                double unmet = v.r.day_unmet[at], avail = prev + del;
                double consumed = avail - now;
                double target = st->demand;
                if (st->has_ration && avail < st->ration_below_days * st->demand)
                    target = st->demand * st->ration_factor;
                if (!(now >= 0 && now <= st->capacity && avail <= st->capacity + tol))
                    fail_msg("rep %ld stock %d day %d: stock %.17g (available %.17g) outside "
                             "[0, capacity %.17g]",
                             rep, k, d, now, avail, st->capacity);
                if (fabs(consumed - fmin(avail, target)) > tol ||
                    fabs(consumed + unmet - target) > tol)
                    fail_msg("rep %ld stock %d day %d: available %.17g, target %.17g: consumed "
                             "%.17g, unmet %.17g",
                             rep, k, d, avail, target, consumed, unmet);
                bool is_short = unmet > 1e-9 * st->demand;
                assert_int_equal(v.r.day_short[at], is_short);
                short_days += is_short;
                if (is_short && first < 0)
                    first = d;
                ration_days += st->demand - target > 0;
                sum_c += consumed;
                sum_u += unmet;
                sum_del += del;
                prev = now;
            }
            v_check_near("consumed = sum of the days", rs->consumed, sum_c, tol);
            v_check_near("unmet = sum of the days", rs->unmet, sum_u, tol);
            v_check_near("delivered = sum of the days", rs->delivered, sum_del, tol);
            v_check_near("final stock = last day's", rs->final_stock, prev, tol);
            assert_int_equal(rs->shortage_days, short_days);
            assert_int_equal(rs->rationing_days, ration_days);
            assert_int_equal(rs->first_short, first);
            tot->turned_away += rs->turned_away;
            tot->rationing_days += rs->rationing_days;
        }
        /* ---- along the road, from the trace ---- */
        memset(sent, 0, (size_t)C * sizeof *sent);
        memset(on_road, 0, (size_t)C * sizeof *on_road);
        memset(lost, 0, (size_t)C * sizeof *lost);
        memset(accepted, 0, (size_t)K * sizeof *accepted);
        memset(refused, 0, (size_t)K * sizeof *refused);
        for (long i = 0; i < v.r.ntrace; i++) {
            const struct cor_trace_event *ev = &v.r.trace[i];
            if (ev->convoy < 0)
                continue;
            if ((size_t)ev->convoy >= cap) {
                cap = cap ? 2 * cap : 4096;
                aboard = realloc(aboard, cap * sizeof *aboard);
                assert_non_null(aboard);
            }
            const struct cor_flow *fl = &s->flows[ev->flow];
            int c = fl->commodity;
            switch (ev->kind) {
            case COR_TRACE_DEPART:
                aboard[ev->convoy] = ev->trucks;
                sent[c] += ev->trucks * fl->payload;
                break;
            case COR_TRACE_AMBUSH:
                assert_int_equal(aboard[ev->convoy] - ev->losses, ev->trucks);
                aboard[ev->convoy] = ev->trucks;
                lost[c] += ev->losses * fl->payload;
                tot->lost += ev->losses * fl->payload;
                break;
            case COR_TRACE_WIPED_OUT:
                tot->wiped++;
                break;
            case COR_TRACE_DELIVER: {
                assert_int_equal(aboard[ev->convoy], ev->trucks);
                double cargo = ev->trucks * fl->payload;
                assert_true(ev->amount >= 0 && ev->amount <= cargo);
                accepted[fl->stock] += ev->amount;
                refused[fl->stock] += cargo - ev->amount;
                aboard[ev->convoy] = 0;
                break;
            }
            default:
                break;
            }
        }
        for (int k = 0; k < K; k++) {
            const struct cor_rep_stock *rs = &v.r.stocks[k];
            double tol = 1e-9 * fmax(1.0, rs->delivered + rs->turned_away);
            v_check_near("delivered = accepted at the deliveries", rs->delivered, accepted[k],
                         tol);
            v_check_near("turned away = refused at the deliveries", rs->turned_away,
                         refused[k], tol);
        }
        /* Cargo still on board at the horizon, by commodity. */
        for (long i = 0; i < v.r.ntrace; i++) {
            const struct cor_trace_event *ev = &v.r.trace[i];
            if (ev->kind == COR_TRACE_DEPART) {
                const struct cor_flow *fl = &s->flows[ev->flow];
                on_road[fl->commodity] += (double)aboard[ev->convoy] * fl->payload;
            }
        }
        for (int c = 0; c < C; c++) {
            double in = 0, out = 0;
            for (int k = 0; k < K; k++)
                if (s->stocks[k].commodity == c) {
                    in += v.r.stocks[k].delivered;
                    out += v.r.stocks[k].turned_away;
                }
            double tol = 1e-9 * fmax(1.0, sent[c]);
            v_check_near("lost cargo", v.r.lost[c], lost[c], tol);
            if (fabs(sent[c] - (in + out + lost[c] + on_road[c])) > tol)
                fail_msg("rep %ld commodity %d: dispatched %.17g != delivered %.17g + turned "
                         "away %.17g + lost %.17g + on the road %.17g",
                         rep, c, sent[c], in, out, lost[c], on_road[c]);
        }
    }
    free(aboard);
    free(sent);
    free(on_road);
    free(lost);
    free(accepted);
    free(refused);
    vrun_close(&v);
}

static void test_validate_conservation_shipped(void **state)
{
    (void)state;
    struct cor_scenario *s = load_shipped(NULL, 0);
    struct totals tot = {0, 0, 0, 0};
    check_replications(s, REPS, &tot);
    print_message("as shipped, %d replications: turned away %.0f, rationing days %.0f, lost "
                  "%.0f, %.0f convoys wiped out\n",
                  REPS, tot.turned_away, tot.rationing_days, tot.lost, tot.wiped);
    assert_true(tot.lost > 0 && tot.rationing_days > 0);
    cor_scenario_free(s);
}

/* Small capacities turn deliveries away; a higher rationing threshold and
 * a deeper cut make rationing days common. */
static void test_validate_conservation_tight(void **state)
{
    (void)state;
    static const char *const o[] = {
        "cities.bamako.fuel.capacity=26000",   "cities.kayes.grain.capacity=3100",
        "cities.nioro.fuel.capacity=250",      "cities.bamako.fuel.ration.below_days=8",
        "cities.bamako.fuel.ration.factor=0.5",
    };
    struct cor_scenario *s = load_shipped(o, (int)(sizeof o / sizeof o[0]));
    struct totals tot = {0, 0, 0, 0};
    check_replications(s, REPS, &tot);
    print_message("tight capacities, %d replications: turned away %.0f, rationing days %.0f, "
                  "lost %.0f\n",
                  REPS, tot.turned_away, tot.rationing_days, tot.lost);
    assert_true(tot.turned_away > 1e5 && tot.rationing_days > 1000);
    cor_scenario_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_conservation_shipped),
        cmocka_unit_test(test_validate_conservation_tight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
