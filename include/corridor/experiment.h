/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Experiments: R replications of a scenario, spread over threads.
 *
 * Replication r is seeded from (seed, r) only and its results are merged in
 * replication order, so the results are byte-identical for any number of
 * threads. Workers write only their own result slots; the calling thread
 * merges completed slots in order while the workers go on, and a worker
 * never runs further ahead than the slots allow, so memory is bounded
 * whatever R is.
 *
 * Ownership: on success *out receives results the caller frees with
 * cor_results_free(); they point at `sc`, which must outlive them. */
#ifndef CORRIDOR_EXPERIMENT_H
#define CORRIDOR_EXPERIMENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "corridor/diag.h"
#include "corridor/results.h"
#include "corridor/scenario.h"
#include "corridor/status.h"

#define COR_MAX_THREADS 256

struct cor_run_options {
    long replications;    /* >= 1 */
    uint64_t seed;
    int threads;          /* >= 1 */
    int days;             /* horizon, 1..COR_MAX_HORIZON_DAYS */
    bool trace;           /* keep the event trace of replication 0 */
    /* Called from the calling thread after each merged replication. */
    void (*progress)(long done, long total, void *ctx);
    void *progress_ctx;
    /* When non-NULL and set non-zero (by a signal handler: a lock-free
     * atomic may be stored from one, and read from the workers without a
     * data race), workers stop within 65,536 events and the run returns
     * COR_EINTERRUPTED. */
    const atomic_int *stop;
};

/* Options for a scenario's own defaults: its replications, seed and
 * horizon, one thread. */
struct cor_run_options cor_run_options_default(const struct cor_scenario *sc);
/* Number of online processors, at least 1. */
int cor_cpu_count(void);
/* Runs the experiment. COR_OK with *out set, or COR_ELIMIT / COR_ERUNTIME /
 * COR_EINTERRUPTED with a diagnostic and *out NULL. */
enum cor_status cor_experiment_run(const struct cor_scenario *sc,
                                   const struct cor_run_options *opt,
                                   struct cor_results **out,
                                   struct cor_diag *diag);

#endif
