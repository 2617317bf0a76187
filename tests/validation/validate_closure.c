/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validation: road closures, scheduled and random, and the season factor
 * on their rate.
 *
 * docs/model.md, "Closures": a segment is closed while at least one closure covers it; a
 * convoy that reaches a closed segment waits at its entry node and enters
 * the moment it reopens; convoys already on it carry on. Random closure
 * starts form a renewal process: at t = 0 and at each start the next
 * inter-arrival is drawn and divided by the product of the seasons'
 * closure_rate_factor in force at that moment. Closures may overlap.
 *
 * Three checks:
 *
 *  1. Scheduled windows (exact). Hourly convoys on a -> b -> c, with b-c
 *     closed by two overlapping windows (named c-b) and a-b by a fractional
 *     one. Every delivery time follows in closed form from the departure
 *     times, the windows and the travel times; the trace must match it
 *     exactly: nothing enters a closed segment, the waiting line enters in
 *     one burst at reopening, convoys on the segment at closing carry on.
 *
 *  2. Random closures, by Little's law. With Poisson starts at rate
 *     lambda and durations D, the number of active closures is the
 *     M/G/infinity queue; started empty at t = 0, its time average over
 *     [0, T] has expectation lambda (E[D] - E[D^2] / (2 T)) exactly when
 *     D <= T; the count at time t is Poisson with mean
 *     lambda * integral_0^t P(D > s) ds, so the segment is closed at t with
 *     probability 1 - exp(-lambda m (1 - e^-t/m)) for exponential D of
 *     mean m. Convoys departing as a Poisson stream see time averages
 *     (PASTA), so the share that must wait is the time-average probability
 *     of being closed. For a non-Poisson
 *     renewal process (gamma inter-arrivals) only the long-run value
 *     lambda E[D] is known; the start-up bias is bounded by the renewal
 *     function's bounds t / mu - 1 <= M(t) <= t / mu + E[X^2] / mu^2 - 1
 *     (Wald's identity and Lorden's inequality), stated at the check. Each
 *     trace is also checked exactly: no entry while closed, and every
 *     waiting convoy enters at the instant the count returns to zero.
 *
 *  3. Season rate factors. With exponential inter-arrivals and a rate
 *     that changes at season boundaries, the expected number of starts in
 *     each piece follows from memorylessness: the draw pending at a
 *     boundary still has the rate it was drawn at, so a piece of length L
 *     at rate r entered with a pending draw of rate r0 expects
 *     r L - (r / r0 - 1)(1 - exp(-r0 L)) starts (see expect_pieces()).
 *     Overlapping seasons multiply; a factor 0 allows at most the one
 *     pending start and then a fresh draw when the factor changes.
 *
 * Means over replications are checked with Student's t at 1e-5 two-sided,
 * proportions with Z_CHECK binomial standard errors. */
#include "validate.h"

/* ---- 1. scheduled windows ---------------------------------------------- */

static const char scheduled_yaml[] =
    "scenario: { name: scheduled, horizon_days: 14 }\n"
    "commodities: { fuel: {} }\n"
    "nodes: { a: {}, b: {}, c: {} }\n"
    "segments:\n"
    "  - { from: a, to: b, km: 10, speed_kmh: 10 }\n"
    "  - { from: b, to: c, km: 20, speed_kmh: 10 }\n"
    "cities: { c: { fuel: { capacity: 1e9 } } }\n"
    "flows:\n"
    "  - { id: f, commodity: fuel, route: [a, b, c], trucks: 1, payload: 1,\n"
    "      every_hours: 1 }\n"
    "threats:\n"
    "  closures:\n"
    "    - { segment: c-b, from_day: 5, to_day: 10 }\n"
    "    - { segment: b-c, from_day: 8, to_day: 12 }\n"
    "    - { segment: a-b, from_day: 2.5, to_day: 3 }\n";

/* Closed [from, to) in hours: the union of the windows on one segment. */
static bool closed_ab(double t) { return t >= 60 && t < 72; }
static bool closed_bc(double t) { return t >= 120 && t < 288; }

static void test_validate_closure_scheduled(void **state)
{
    (void)state;
    struct cor_scenario *s = tu_load(scheduled_yaml);
    int ab = cor_scenario_segment(s, "a-b"), bc = cor_scenario_segment(s, "b-c");
    double T = 24.0 * 14;
    /* Closed form: a convoy leaving at hour h enters a-b at h, or at 72 if
     * a-b is closed then; reaches b an hour later; enters b-c then, or at
     * 288 if it is closed; delivers 2 hours after entering b-c. Ties at 72
     * and 288: the closure ends first, the waiting line enters in FIFO
     * order, then the convoy arriving or departing at that instant. */
    double want[400];
    int nwant = 0, waits_want = 0;
    for (int h = 0; h <= (int)T; h++) {
        double e1 = closed_ab(h) ? 72 : h;
        double e2 = closed_bc(e1 + 1) ? 288 : e1 + 1;
        waits_want += closed_ab(h) + closed_bc(e1 + 1);
        if (e2 + 2 <= T)
            want[nwant++] = e2 + 2;
    }
    struct vrun v;
    vrun_open(&v, s, 0, true);
    vrun_rep(&v, 1, 0);
    int ndeliver = 0, waits = 0, burst = 0;
    for (long i = 0; i < v.r.ntrace; i++) {
        const struct cor_trace_event *ev = &v.r.trace[i];
        if (ev->kind == COR_TRACE_ENTER) {
            if (ev->segment == ab && closed_ab(ev->t))
                fail_msg("entered a-b at %g h, inside its closure [60, 72)", ev->t);
            if (ev->segment == bc && closed_bc(ev->t))
                fail_msg("entered b-c at %g h, inside its closures [120, 288)", ev->t);
            burst += ev->segment == bc && ev->t == 288.0;
        } else if (ev->kind == COR_TRACE_CLOSED_WAIT) {
            waits++;
        } else if (ev->kind == COR_TRACE_DELIVER) {
            assert_true(ndeliver < nwant);
            if (ev->t != want[ndeliver])
                fail_msg("delivery %d at %.17g h, closed form %g h", ndeliver, ev->t,
                         want[ndeliver]);
            ndeliver++;
        }
    }
    assert_int_equal(ndeliver, nwant);
    assert_int_equal(waits, waits_want);
    /* 168 convoys reached b while b-c was closed (hours 120..287), plus the
     * one arriving at 288 itself. */
    assert_int_equal(burst, 169);
    vrun_close(&v);
    cor_scenario_free(s);
}

/* ---- 2. random closures: Little's law ---------------------------------- */

#define LITTLE_DAYS 3660
#define LITTLE_REPS 150

/* Closure on p-q: Poisson starts every 5 days on average, exponential
 * durations of mean 72 h; convoys leave p as a Poisson stream (mean 8 h).
 * Closure on r-s: gamma inter-arrivals (mean 5 days, cv 0.5), durations
 * uniform on [24, 120] h (mean 72, E[D^2] = 6336). */
static const char little_yaml[] =
    "scenario: { name: little, horizon_days: 3660, seed: 2718 }\n"
    "commodities: { fuel: {} }\n"
    "nodes: { p: {}, q: {}, r: {}, s: {} }\n"
    "segments:\n"
    "  - { from: p, to: q, km: 1, speed_kmh: 1000 }\n"
    "  - { from: r, to: s, km: 1, speed_kmh: 1000 }\n"
    "cities: { q: { fuel: { capacity: 1e15 } } }\n"
    "flows:\n"
    "  - { id: f, commodity: fuel, route: [p, q], trucks: 1, payload: 1,\n"
    "      every_hours: { exponential: 8 } }\n"
    "threats:\n"
    "  closures:\n"
    "    - { segment: p-q, every_days: { exponential: 5 }, lasts_hours: { exponential: 72 } }\n"
    "    - { segment: r-s, every_days: { gamma: { mean: 5, cv: 0.5 } },\n"
    "        lasts_hours: { uniform: [24, 120] } }\n";

/* Time average over [0, T] of P(closed at t) = 1 - exp(-nu (1 - e^-t/m)),
 * by Simpson's rule (the integrand is smooth; 2e5 panels). */
static double mean_p_closed(double nu, double m, double T)
{
    int n = 200000;
    double h = T / n, sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double t = i * h, f = -expm1(-nu * -expm1(-t / m));
        sum += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
    }
    return sum * h / 3.0 / T;
}

/* Walks one segment's closure changes in the trace: the integral of the
 * active count and the time with a positive count over [0, T]; checks that
 * no convoy enters while closed and that waiting convoys enter exactly when
 * the count returns to zero. */
struct seg_walk {
    double count_integral, closed_time;
    long waited, starts;
};

static struct seg_walk walk_segment(const struct cor_rep_result *r, int seg, double T)
{
    struct seg_walk w = {0, 0, 0, 0};
    int count = 0;
    double last = 0.0;
    long waiting = 0;
    for (long i = 0; i < r->ntrace; i++) {
        const struct cor_trace_event *ev = &r->trace[i];
        if (ev->segment != seg)
            continue;
        switch (ev->kind) {
        case COR_TRACE_CLOSURE_START:
        case COR_TRACE_CLOSURE_END:
            w.count_integral += count * (ev->t - last);
            w.closed_time += (count > 0) * (ev->t - last);
            last = ev->t;
            count += ev->kind == COR_TRACE_CLOSURE_START ? 1 : -1;
            w.starts += ev->kind == COR_TRACE_CLOSURE_START;
            assert_true(count >= 0);
            break;
        case COR_TRACE_CLOSED_WAIT:
            if (count == 0)
                fail_msg("convoy waits at %g h for an open segment", ev->t);
            waiting++;
            w.waited++;
            break;
        case COR_TRACE_ENTER:
            if (count > 0)
                fail_msg("convoy enters at %g h while %d closures are active", ev->t, count);
            /* The line enters at the reopening instant, before anything
             * else happens on the segment. */
            if (waiting > 0) {
                assert_true(ev->t == last);
                waiting--;
            }
            break;
        default:
            break;
        }
    }
    /* Every convoy that waited got through, except those the segment,
     * still closed at the horizon, holds. */
    if (waiting > 0 && count == 0)
        fail_msg("%ld convoys still wait on the open segment at the horizon", waiting);
    w.count_integral += count * (T - last);
    w.closed_time += (count > 0) * (T - last);
    return w;
}

static void test_validate_closure_random_little(void **state)
{
    (void)state;
    struct cor_scenario *s = tu_load(little_yaml);
    int pq = cor_scenario_segment(s, "p-q"), rs = cor_scenario_segment(s, "r-s");
    double T = 24.0 * LITTLE_DAYS, lambda = 1.0 / 120.0, m = 72.0, nu = lambda * m;
    struct vstat cnt_pq = {0, 0, 0}, closed_pq = {0, 0, 0}, cnt_rs = {0, 0, 0};
    double waited = 0, convoys = 0, sww = 0, swn = 0, snn = 0;
    struct vrun v;
    vrun_open(&v, s, 0, true);
    for (long rep = 0; rep < LITTLE_REPS; rep++) {
        vrun_rep(&v, s->seed, rep);
        struct seg_walk a = walk_segment(&v.r, pq, T), b = walk_segment(&v.r, rs, T);
        vstat_add(&cnt_pq, a.count_integral / T);
        vstat_add(&closed_pq, a.closed_time / T);
        vstat_add(&cnt_rs, b.count_integral / T);
        double n = (double)v.r.dispatched;
        waited += (double)a.waited;
        convoys += n;
        sww += (double)a.waited * (double)a.waited;
        swn += (double)a.waited * n;
        snn += n * n;
    }
    vrun_close(&v);
    cor_scenario_free(s);
    double crit = v_t_crit(LITTLE_REPS);

    /* Poisson starts, exponential durations: exact expectations over
     * [0, T] from the empty state (no start-up bias left to bound). */
    double want_cnt = nu * (1 - m / T * -expm1(-T / m));
    v_check_mean("p-q: time-average number of closures", cnt_pq.mean, vstat_se(&cnt_pq),
                 want_cnt, 0, crit);
    double want_closed = mean_p_closed(nu, m, T);
    v_check_mean("p-q: fraction of time closed", closed_pq.mean, vstat_se(&closed_pq),
                 want_closed, 0, crit);
    print_message("p-q: mean closures %.5f +- %.5f (lambda E[D] %.5f), closed %.5f +- %.5f "
                  "(1 - e^-0.6 = %.5f)\n",
                  cnt_pq.mean, crit * vstat_se(&cnt_pq), want_cnt, closed_pq.mean,
                  crit * vstat_se(&closed_pq), want_closed);
    /* Convoys: the first leaves at t = 0, when the road is open; the rest
     * form a Poisson stream over (0, T] (mean T / 8 of them) and see the
     * time average. Ratio estimate with its delta-method error. */
    double nd = T / 8.0, want_share = want_closed * nd / (nd + 1);
    double share = waited / convoys, R = LITTLE_REPS, mn = convoys / R;
    double ss = sww - 2 * share * swn + share * share * snn;
    double se = sqrt(fmax(ss, 0) / (R * (R - 1))) / mn;
    v_check_mean("p-q: share of convoys that waited", share, se, want_share, 0, crit);
    print_message("p-q: convoys waiting %.5f +- %.5f (closed form %.5f)\n", share, crit * se,
                  want_share);

    /* Gamma renewal starts, uniform durations: Little's law lambda E[D],
     * with the start-up bias bounded. E integral of the count =
     * sum over starts s <= T of E[min(D, T - s)], so
     *   (M(T - 120) ) E[D] <= E integral <= M(T) E[D],
     * and t / mu - 1 <= M(t) <= t / mu + E[X^2] / mu^2 - 1 = t / mu + 0.25:
     * the time average is within (120 / mu + 1) E[D] / T of lambda E[D]. */
    double want_rs = lambda * 72.0, bias_rs = (120.0 / 120.0 + 1.0) * 72.0 / T;
    v_check_mean("r-s: time-average number of closures (Little)", cnt_rs.mean,
                 vstat_se(&cnt_rs), want_rs, bias_rs, crit);
    print_message("r-s: mean closures %.5f +- %.5f (lambda E[D] %.5f, bias <= %.2g)\n",
                  cnt_rs.mean, crit * vstat_se(&cnt_rs), want_rs, bias_rs);
}

/* ---- 3. season rate factors -------------------------------------------- */

/* Expected starts in each piece [b[i], b[i+1]) of a closure process with
 * exponential inter-arrivals whose rate is rate[i] there (per hour). The
 * state at a boundary is the rate of the pending draw, a small discrete
 * law (at most npieces + 1 values). A piece of rate 0 lets the pending
 * draw start once, then the engine draws afresh at the next boundary: a
 * pending draw at the next piece's own rate. */
static void expect_pieces(const double *b, const double *rate, int npieces, double *out)
{
    double pr[16], pw[16]; /* pending rate -> probability */
    int np = 1;
    assert_true(npieces < 15);
    pr[0] = rate[0];
    pw[0] = 1.0;
    for (int i = 0; i < npieces; i++) {
        double L = b[i + 1] - b[i], r = rate[i], e = 0.0;
        double nr[16], nw[16];
        int nn = 0;
        for (int j = 0; j < np; j++) {
            assert_true(pr[j] > 0);
            double r0 = pr[j], hit = -expm1(-r0 * L); /* P(the pending one starts) */
            /* At least one start: then draws at rate r until the end. */
            e += pw[j] * (r > 0 ? r * L - (r / r0 - 1) * hit : hit);
            double after = r > 0 ? r : (i + 1 < npieces ? rate[i + 1] : r0);
            nr[nn] = after;
            nw[nn++] = pw[j] * hit;
            nr[nn] = r0;
            nw[nn++] = pw[j] * (1 - hit);
        }
        out[i] = e;
        /* Merge equal rates. */
        np = 0;
        for (int j = 0; j < nn; j++) {
            int k = 0;
            while (k < np && pr[k] != nr[j])
                k++;
            if (k == np) {
                pr[np] = nr[j];
                pw[np++] = 0.0;
            }
            pw[k] += nw[j];
        }
    }
}

static void check_season_pieces(const char *yaml, const double *bday, const double *factor,
                                int npieces, long reps, bool at_most_one_in_zero)
{
    struct cor_scenario *s = tu_load(yaml);
    double lambda = 1.0 / 120.0, b[16], rate[16], want[16];
    for (int i = 0; i <= npieces; i++)
        b[i] = 24.0 * bday[i];
    for (int i = 0; i < npieces; i++)
        rate[i] = lambda * factor[i];
    expect_pieces(b, rate, npieces, want);
    struct vstat st[16];
    memset(st, 0, sizeof st);
    struct vrun v;
    vrun_open(&v, s, 0, true);
    for (long rep = 0; rep < reps; rep++) {
        vrun_rep(&v, s->seed, rep);
        long n[16] = {0};
        for (long i = 0; i < v.r.ntrace; i++) {
            const struct cor_trace_event *ev = &v.r.trace[i];
            if (ev->kind != COR_TRACE_CLOSURE_START)
                continue;
            int k = 0;
            while (k < npieces - 1 && ev->t >= b[k + 1])
                k++;
            n[k]++;
        }
        for (int k = 0; k < npieces; k++) {
            if (at_most_one_in_zero && factor[k] == 0 && n[k] > 1)
                fail_msg("%ld starts in a piece of rate factor 0", n[k]);
            vstat_add(&st[k], (double)n[k]);
        }
    }
    vrun_close(&v);
    cor_scenario_free(s);
    double crit = v_t_crit(reps);
    for (int k = 0; k < npieces; k++) {
        char what[96];
        snprintf(what, sizeof what, "starts in days [%g, %g) at rate factor %g", bday[k],
                 bday[k + 1], factor[k]);
        print_message("%-45s %8.4f +- %.4f (closed form %.4f)\n", what, st[k].mean,
                      crit * vstat_se(&st[k]), want[k]);
        v_check_mean(what, st[k].mean, vstat_se(&st[k]), want[k], 0, crit);
    }
}

/* Overlapping seasons multiply: factors 3 on [100, 200) and 2 on
 * [150, 250) give 1, 3, 6, 2, 1. */
static void test_validate_closure_season_rate(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: season-rate, horizon_days: 400, seed: 161 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: {}, b: {} }\n"
        "segments: [ { from: a, to: b, km: 1, speed_kmh: 10 } ]\n"
        "threats:\n"
        "  closures: [ { segment: a-b, every_days: { exponential: 5 },\n"
        "                lasts_hours: { exponential: 48 } } ]\n"
        "  seasons:\n"
        "    - { from_day: 100, to_day: 200, closure_rate_factor: 3 }\n"
        "    - { from_day: 150, to_day: 250, closure_rate_factor: 2, speed_factor: 0.5 }\n";
    const double bday[] = {0, 100, 150, 200, 250, 400};
    const double factor[] = {1, 3, 6, 2, 1};
    check_season_pieces(y, bday, factor, 5, 4000, false);
}

/* A factor 0 stops new draws: at most the start already pending falls in
 * the season (probability 1 - e^-1 for a 5-day season at one per 5 days),
 * and a fresh draw is made when the season ends. */
static void test_validate_closure_season_zero_rate(void **state)
{
    (void)state;
    static const char y[] =
        "scenario: { name: season-zero, horizon_days: 60, seed: 314 }\n"
        "commodities: { fuel: {} }\n"
        "nodes: { a: {}, b: {} }\n"
        "segments: [ { from: a, to: b, km: 1, speed_kmh: 10 } ]\n"
        "threats:\n"
        "  closures: [ { segment: a-b, every_days: { exponential: 5 },\n"
        "                lasts_hours: { exponential: 48 } } ]\n"
        "  seasons: [ { from_day: 20, to_day: 25, closure_rate_factor: 0 } ]\n";
    const double bday[] = {0, 20, 25, 60};
    const double factor[] = {1, 0, 1};
    check_season_pieces(y, bday, factor, 3, 40000, true);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_closure_scheduled),
        cmocka_unit_test(test_validate_closure_random_little),
        cmocka_unit_test(test_validate_closure_season_rate),
        cmocka_unit_test(test_validate_closure_season_zero_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
