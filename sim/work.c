/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Work estimate: the events a run would process, from the scenario alone.
 *
 * Everything is computed in doubles, so an absurd scenario (a departure
 * every nanosecond for ten years, ten million replications of it) gives a
 * huge or infinite estimate instead of an overflowed integer. */
#include "work.h"

#include <math.h>
#include <stdio.h>

#include "engine.h"

/* The product of the seasons' closure-rate factors, averaged over [0, t_end]
 * hours: the factor by which seasons scale the expected number of random
 * closure starts. It integrates the engine's own step function, so the
 * estimate and the simulation cannot disagree on when a season applies. */
static double mean_closure_rate(const struct cor_scenario *sc, int days)
{
    struct cor_steps st;
    cor_steps_closure_rate(&st, sc);
    double t_end = 24.0 * (double)days, area = 0.0;
    for (int i = 0; i < st.n && st.t[i] < t_end; i++) {
        double end = i + 1 < st.n && st.t[i + 1] < t_end ? st.t[i + 1] : t_end;
        area += st.value[i] * (end - st.t[i]);
    }
    cor_steps_fini(&st);
    return t_end > 0.0 ? area / t_end : 1.0;
}

/* The smallest product of the seasons' speed factors before t_end hours:
 * the slowest roads of the run. */
static double slowest_speed(const struct cor_scenario *sc, double t_end)
{
    struct cor_steps st;
    cor_steps_speed(&st, sc);
    double v = 1.0;
    for (int i = 0; i < st.n && st.t[i] < t_end; i++)
        if (st.value[i] < v)
            v = st.value[i];
    cor_steps_fini(&st);
    return v;
}

struct cor_work cor_work_estimate(const struct cor_scenario *sc, int days, long reps)
{
    double t_end = 24.0 * (double)days;
    double ev = (double)days; /* end-of-day consumption */
    double on_road = 0.0;
    double slowest = slowest_speed(sc, t_end);

    for (int f = 0; f < sc->nflows; f++) {
        const struct cor_flow *fl = &sc->flows[f];
        /* Departures are due from the later of start_hour and the flow's
         * window start, until the earlier of the horizon and its end. */
        double t0 = fl->start_hour > 24.0 * fl->from_day ? fl->start_hour
                                                          : 24.0 * fl->from_day;
        double t1 = 24.0 * fl->to_day < t_end ? 24.0 * fl->to_day : t_end;
        if (t0 > t1)
            continue;
        double mean = cor_dist_mean(&fl->every_hours);
        /* The loader insists on a positive mean; guard anyway so that a
         * scenario built by hand cannot divide by zero. */
        double departures = mean > 0.0 ? (t1 - t0) / mean + 1.0 : INFINITY;
        /* Per departure: the departure event, an arrival per leg and a
         * dwell end per node waited at on the way (on the longest route),
         * the escort and fleet returns, and one re-check for a flow that
         * reroutes on closure. Every departure is counted as a whole trip,
         * though a convoy wiped out, skipped or cancelled costs less. */
        int trip = 0;
        double hours = 0.0; /* the longest route's driving time */
        for (int r = 0; r < fl->nroutes; r++) {
            const struct cor_route *rt = &fl->routes[r];
            int n = rt->nnodes - 1;
            for (int k = 1; k + 1 < rt->nnodes; k++)
                n += sc->nodes[rt->nodes[k]].has_dwell;
            if (n > trip)
                trip = n;
            if (rt->base_hours > hours)
                hours = rt->base_hours;
        }
        /* Little's law: departures per hour times hours on the road, at
         * the slowest season's speed; no more than all the departures, nor
         * than a fleet's trucks (each convoy takes one at least). */
        double driving = slowest > 0.0 ? hours / slowest : INFINITY;
        double flowing = mean > 0.0 ? driving / mean + 1.0 : INFINITY;
        double most = fl->fleet > 0 && (double)fl->fleet < departures ? (double)fl->fleet
                                                                       : departures;
        on_road += flowing < most ? flowing : most;
        double per = 1.0 + trip + (fl->escort >= 0 ? 1.0 : 0.0) +
                     (fl->fleet > 0 ? 1.0 : 0.0) + (fl->reroute_on_closure ? 1.0 : 0.0);
        ev += departures * per;
    }

    double rate = -1.0; /* computed on the first random closure */
    for (int i = 0; i < sc->nclosures; i++) {
        const struct cor_closure *cl = &sc->closures[i];
        if (!cl->random) {
            ev += 2.0;
            continue;
        }
        if (rate < 0.0)
            rate = mean_closure_rate(sc, days);
        double mean = cor_dist_mean(&cl->every_days);
        ev += mean > 0.0 ? 2.0 * (rate * t_end / (24.0 * mean) + 1.0) : INFINITY;
    }

    struct cor_work w;
    w.events_per_rep = ev;
    w.events_total = ev * (double)reps;
    w.convoys_on_road = on_road;
    return w;
}

/* Whole numbers while they are readable, so that an estimate just over a
 * cap does not print as the cap itself ("2e+08"); powers of ten beyond, and
 * words for an estimate too large for a double. */
static const char *show(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "more than 1e308");
    else if (v < 1e15)
        snprintf(buf, size, "about %.0f", v);
    else
        snprintf(buf, size, "about %.3g", v);
    return buf;
}

enum cor_status cor_work_check(const struct cor_scenario *sc, int days, long reps,
                               struct cor_diag *diag)
{
    struct cor_work w = cor_work_estimate(sc, days, reps);
    char a[40], b[40];
    /* Written as !(x <= cap) so that a NaN estimate is refused too. */
    if (!(w.events_per_rep <= (double)COR_MAX_EVENTS_PER_REP)) {
        cor_diag_add(diag, sc->source, 0, 0,
                     "the scenario asks for too much work: %s events per "
                     "replication over %d days (cap %.0f); make departures or "
                     "random closures less frequent, or the horizon shorter",
                     show(a, sizeof a, w.events_per_rep), days,
                     (double)COR_MAX_EVENTS_PER_REP);
        return COR_ELIMIT;
    }
    if (!(w.convoys_on_road <= (double)COR_MAX_CONVOYS_ON_ROAD)) {
        cor_diag_add(diag, sc->source, 0, 0,
                     "the scenario keeps too many convoys on the road at once: "
                     "%s (cap %d, for memory); make departures less frequent "
                     "or trips shorter",
                     show(a, sizeof a, w.convoys_on_road), COR_MAX_CONVOYS_ON_ROAD);
        return COR_ELIMIT;
    }
    if (!(w.events_total <= COR_MAX_EVENTS_TOTAL)) {
        cor_diag_add(diag, sc->source, 0, 0,
                     "the run asks for too much work: %s events per "
                     "replication x %ld replications = %s events (cap %.0f, "
                     "hours of CPU time); use fewer replications",
                     show(a, sizeof a, w.events_per_rep), reps,
                     show(b, sizeof b, w.events_total), COR_MAX_EVENTS_TOTAL);
        return COR_ELIMIT;
    }
    return COR_OK;
}
