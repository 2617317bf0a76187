/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Results of a run: R replications of one scenario, aggregated.
 *
 * Produced by cor_experiment_run() (experiment.h), read by the reports
 * (report.h). Aggregation is streaming: memory depends on the horizon and
 * the number of city x commodity stocks, never on the number of
 * replications. Every figure is deterministic given the scenario, the seed
 * and the replication count: replications are merged in index order.
 *
 * Ownership: the results own their arrays; free with cor_results_free().
 * They point at (do not own) the scenario they were computed from, which
 * must outlive them. */
#ifndef CORRIDOR_RESULTS_H
#define CORRIDOR_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "corridor/scenario.h"

/* A per-replication statistic: mean over the replications that have it,
 * with a Student-t 95 % confidence interval. n == 0 means the statistic does
 * not exist (reported as null); n == 1 gives ci95 = [mean, mean]. */
struct cor_estimate {
    long n;
    double mean;
    double lo, hi;
};

/* Per city x commodity summary over the replications. */
struct cor_stock_result {
    double p_shortage;          /* share of replications with a shortage day */
    long reps_short;            /* how many */
    /* First shortage day over the replications that had one (whole days;
     * quantiles interpolate as gsl_stats_quantile_from_sorted_data). */
    double first_p10, first_p50, first_p90; /* valid when reps_short > 0 */
    int half_reps_by;           /* smallest d with >= ceil(R/2) short by d; -1: none */
    struct cor_estimate shortage_days;
    struct cor_estimate unmet;
    struct cor_estimate served_fraction;
    struct cor_estimate delivered;
    struct cor_estimate turned_away;
    struct cor_estimate rationing_days;
    struct cor_estimate final_stock;
};

/* Per day x city x commodity. Stock is read after the day's consumption. */
struct cor_day_result {
    double stock_mean;
    double stock_p05, stock_p50, stock_p95; /* histogram estimate, see docs */
    double p_short;             /* share of replications short this day */
    double p_short_by;          /* share short on or before this day */
    double unmet_mean;
    double delivered_mean;
};

struct cor_corridor_result {
    struct cor_estimate convoys_dispatched;
    struct cor_estimate departures_cancelled; /* suspended by deterrence */
    struct cor_estimate departures_skipped;   /* no fleet truck waiting */
    struct cor_estimate ambushes;
    struct cor_estimate convoys_ambushed;
    struct cor_estimate trucks_destroyed;
    struct cor_estimate drivers_killed;
    struct cor_estimate escort_wait_hours;    /* over replications with escorted convoys */
    struct cor_estimate convoys_rerouted;
    struct cor_estimate reroute_extra_km;     /* summed over a replication's reroutes */
    struct cor_estimate *lost;                /* per commodity */
};

/* One line of the event trace of replication 0. */
enum cor_trace_kind {
    COR_TRACE_DEPART,        /* convoy leaves its origin */
    COR_TRACE_CANCEL,        /* departure cancelled (operators suspended) */
    COR_TRACE_SKIP,          /* departure skipped (no fleet truck waiting) */
    COR_TRACE_ESCORT_WAIT,   /* convoy queues for an escort unit */
    COR_TRACE_ESCORT_START,  /* convoy takes an escort unit */
    COR_TRACE_CLOSED_WAIT,   /* convoy waits for a closed segment */
    COR_TRACE_ENTER,         /* convoy enters a segment */
    COR_TRACE_AMBUSH,        /* convoy ambushed on entry */
    COR_TRACE_SUSPEND,       /* the flow's operators suspend service */
    COR_TRACE_ARRIVE,        /* convoy reaches the end of a segment */
    COR_TRACE_DELIVER,       /* convoy delivers at its destination */
    COR_TRACE_WIPED_OUT,     /* every truck of the convoy destroyed */
    COR_TRACE_CLOSURE_START, /* a segment's closure count rises */
    COR_TRACE_CLOSURE_END,   /* a segment's closure count falls */
    COR_TRACE_SHORTAGE,      /* a city ends a day short */
    COR_TRACE_REROUTE        /* convoy switches to an alternate route */
};

struct cor_trace_event {
    double t;                /* hours */
    enum cor_trace_kind kind;
    int flow;                /* -1 when not about a flow */
    long convoy;             /* convoy serial within the replication, or -1 */
    int node;                /* -1 when not about a node */
    int segment;             /* -1 when not about a segment */
    int stock;               /* -1 when not about a city stock */
    int trucks;              /* trucks in the convoy after the event */
    int losses;              /* trucks destroyed by the event */
    int killed;              /* drivers killed by the event */
    double amount;           /* per kind: quantity delivered, cargo lost, unmet
                              * demand, hours waited or suspended, extra km */
};

struct cor_results {
    const struct cor_scenario *scenario;
    uint64_t seed;
    long replications;
    int days;                            /* horizon actually run */
    struct cor_stock_result *stocks;     /* scenario->nstocks */
    struct cor_day_result *timeline;     /* days * nstocks, day-major */
    struct cor_corridor_result corridor;
    uint64_t events_processed;           /* summed over replications */
    struct cor_trace_event *trace;       /* replication 0, or NULL */
    long ntrace;
    double wall_seconds;                 /* never written to result files */
};

/* Frees the results; NULL is a no-op. */
void cor_results_free(struct cor_results *r);
/* The day result for day d and stock k. */
static inline const struct cor_day_result *
cor_results_day(const struct cor_results *r, int d, int k)
{
    return &r->timeline[(long)d * r->scenario->nstocks + k];
}
/* Name of a trace kind as written in events.csv ("depart", ...). */
const char *cor_trace_kind_name(enum cor_trace_kind k);

#endif
