/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Work estimate: how many events a run would process, checked before it starts.
 *
 * The engine stops a replication that passes COR_MAX_EVENTS_PER_REP, but
 * only once it has spent the time; and a run of many replications that each
 * stay under that cap can still take years. So the command line estimates
 * the work from the scenario alone, in microseconds, and refuses a run whose
 * estimate is absurd, with a message that names the estimate and the cap.
 *
 * The estimate is the expected number of events of one replication:
 * - per flow, the departures due in the horizon and the flow's active
 *   window, (end - start) / mean interval + 1, each counted as a whole trip
 *   on its longest route: the departure, an arrival per leg, a dwell per
 *   node waited at on the way, the escort and fleet returns, and a re-check
 *   for a flow that reroutes on closure;
 * - one end-of-day event per day;
 * - two events per scheduled closure, and for a random closure two per
 *   expected start, its rate scaled by the seasons' closure-rate factors
 *   averaged over the horizon.
 * It errs high (a convoy wiped out, skipped or cancelled costs less than a
 * trip), by 0-25 % on the shipped scenarios (test_work), but not a bound:
 * random draws move the real count, which is why the engine keeps its own
 * hard cap.
 *
 * Memory is estimated the same way: the convoys on the road at once, per
 * flow its departures per hour times the hours of its longest route at the
 * slowest season's speed before the horizon (Little's law), at most its
 * departures and, for a fleet flow, its trucks. A closure can hold more
 * than that; the engine counts them too. */
#ifndef COR_WORK_H
#define COR_WORK_H

#include "corridor/diag.h"
#include "corridor/scenario.h"
#include "corridor/status.h"

/* Refuse a run whose estimated events over all replications exceed this:
 * at the engine's rate of some 10-30 million events a second per core it is
 * hours of CPU time (2e11 / 2e7 = 10,000 s), the most a user of a laptop or a
 * workstation means to ask for. The default scenario at the replication cap
 * (1e7 replications of ~4,000 events) stays well inside it. */
#define COR_MAX_EVENTS_TOTAL 2e11

struct cor_work {
    double events_per_rep;   /* expected events of one replication */
    double events_total;     /* events_per_rep * replications */
    double convoys_on_road;  /* expected at once, per flow by Little's law */
};

/* Estimates the events of `reps` replications over `days` days (the run's
 * horizon, which --days may have changed). Never fails; a value that does
 * not fit a double comes out as +inf. */
struct cor_work cor_work_estimate(const struct cor_scenario *sc, int days, long reps);

/* COR_OK when the estimate is within COR_MAX_EVENTS_PER_REP per replication,
 * COR_MAX_CONVOYS_ON_ROAD at once and COR_MAX_EVENTS_TOTAL in all;
 * otherwise COR_ELIMIT with one error on sc->source (no position: the
 * work comes from the whole file) that names the estimate, the cap and
 * what to change. */
enum cor_status cor_work_check(const struct cor_scenario *sc, int days, long reps,
                               struct cor_diag *diag);

#endif
