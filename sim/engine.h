/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine: one replication of the reference model (docs/model.md).
 *
 * Two objects split what is shared from what is not. A cor_model holds what
 * every replication reads: the scenario plus step functions derived from it
 * (season speed and closure-rate factors, phase hazard factors) and the
 * horizon; it is immutable and shared by all threads. A cor_engine is one
 * worker's mutable state (event queue, convoy pool, queues, stocks, RNG
 * streams); it is reused replication after replication, so after the first
 * few replications the event loop allocates nothing.
 *
 * A replication writes everything it measures into a cor_rep_result owned
 * by the caller; the experiment merges those in replication order. */
#ifndef COR_ENGINE_H
#define COR_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "binomial.h"
#include "corridor/results.h"
#include "corridor/scenario.h"
#include "corridor/status.h"

/* Debug and sanitizer builds check the model's invariants as it runs
 * (stock within [0, capacity], time never going back, no event in the
 * past, commodity and fleet conservation) and abort loudly on a breach. */
#if defined(COR_CHECK_INVARIANTS)
#define COR_INVARIANT(cond, ...)                                               \
    do {                                                                       \
        if (!(cond))                                                           \
            cor__invariant_failed(__FILE__, __LINE__, #cond, __VA_ARGS__);     \
    } while (0)
#else
#define COR_INVARIANT(cond, ...) ((void)0)
#endif
void cor__invariant_failed(const char *file, int line, const char *cond,
                           const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* A replication that processes more events than this is stopped with
 * COR_ELIMIT: the scenario asks for absurd work (say, a departure every
 * second for ten years) and would otherwise look like a hang. */
#define COR_MAX_EVENTS_PER_REP 200000000ULL

/* Convoys on the road at once in one replication (each holds a pool slot
 * and an event): past this a replication is stopped with COR_ELIMIT, since
 * memory, not time, would run out first (at the cap, a 151 MB pool per
 * worker thread, measured, and up to some 80 MB of queued events). The
 * work check refuses scenarios whose expected number is already past it. */
#define COR_MAX_CONVOYS_ON_ROAD 2000000

/* A piecewise-constant function of time: value[i] holds on [t[i], t[i+1]). */
struct cor_steps {
    double *t;
    double *value;
    int n;
};

/* The product of the seasons' closure-rate factors over time, as
 * cor_model_new puts it in closure_rate, for what needs it without a
 * model (the work estimate). Free with cor_steps_fini. */
void cor_steps_closure_rate(struct cor_steps *st, const struct cor_scenario *sc);
/* The product of the seasons' speed factors over time, likewise. */
void cor_steps_speed(struct cor_steps *st, const struct cor_scenario *sc);
void cor_steps_fini(struct cor_steps *s);

struct cor_model {
    const struct cor_scenario *sc;
    int days;
    double t_end;                /* 24 * days: events at t <= t_end run */
    struct cor_steps speed;      /* product of season speed factors */
    struct cor_steps closure_rate; /* product of season closure-rate factors */
    struct cor_steps hazard;     /* phase hazard factor (1 before the first) */
    /* Route stops (a route's nodes, each with the leg that leaves it)
     * numbered across all flows and routes, for per-stop tables: flow f's
     * route r has stops route_stops[f][r] + 0, 1, ..., nnodes - 1. */
    int **route_stops;
    int nstops;
    /* Binomial tables (binomial.h) for the ambush's, each escort's and
     * the driver deaths' probabilities where the scenario makes them
     * constants; empty where they are drawn. */
    struct cor_binomial loss, death;
    struct cor_binomial *escort_loss;    /* per escort */
};

/* Per replication, per city x commodity. */
struct cor_rep_stock {
    double delivered;     /* accepted into stock */
    double turned_away;   /* above capacity */
    double consumed;
    double unmet;
    double final_stock;
    int shortage_days;
    int rationing_days;
    int first_short;      /* first shortage day, -1 if none */
};

struct cor_rep_result {
    int nstocks, days, ncommodities;
    struct cor_rep_stock *stocks;
    double *day_stock;      /* days x nstocks, after consumption */
    double *day_unmet;
    double *day_delivered;
    uint8_t *day_short;
    long dispatched, cancelled, skipped;
    long ambushes, convoys_ambushed, trucks_destroyed, drivers_killed;
    long escorted_convoys;  /* convoys that obtained an escort unit */
    long convoys_rerouted;  /* convoys that switched route at least once */
    double reroute_extra_km; /* remaining km after minus before, summed */
    double escort_wait;     /* hours waited for a unit, summed */
    double *lost;           /* per commodity */
    uint64_t events;
    bool convoy_cap_hit;    /* stopped at COR_MAX_CONVOYS_ON_ROAD */
    bool trace_on;
    struct cor_trace_event *trace; /* grows; only when trace_on */
    long ntrace, trace_cap;
};

/* Builds the shared model for a run of `days` days. Free with
 * cor_model_free(); the scenario must outlive it. */
struct cor_model *cor_model_new(const struct cor_scenario *sc, int days);
void cor_model_free(struct cor_model *m);

/* Sizes a result for the model; free its arrays with cor_rep_result_fini. */
void cor_rep_result_init(struct cor_rep_result *r, const struct cor_model *m);
void cor_rep_result_fini(struct cor_rep_result *r);

/* A worker's state for the model; free with cor_engine_free (NULL ok). */
struct cor_engine *cor_engine_new(const struct cor_model *m);
void cor_engine_free(struct cor_engine *e);
/* Makes the engine poll *stop (set by a signal handler) every 65,536
 * events, so that even a long replication stops promptly. NULL: never. */
void cor_engine_set_stop(struct cor_engine *e, const atomic_int *stop);
/* Runs replication `rep` of a run seeded `seed` into *out (overwritten;
 * out->trace_on selects the event trace). Returns COR_OK, COR_ELIMIT when
 * the replication exceeds COR_MAX_EVENTS_PER_REP or COR_MAX_CONVOYS_ON_ROAD
 * (out->convoy_cap_hit tells which; found within 65,536 events of passing
 * it), or COR_EINTERRUPTED when the stop flag was raised (out is then
 * incomplete). */
enum cor_status cor_engine_run(struct cor_engine *e, uint64_t seed, long rep,
                               struct cor_rep_result *out);

#endif
