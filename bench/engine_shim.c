/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One version of the engine behind two plain functions, built into a
 * shared library by bench/engine_ab.sh so that bench/engine_ab.c can load
 * two versions into one process.
 *
 * Only these two symbols are exported (the library is built with hidden
 * visibility), so the two versions' engines never see each other's
 * functions. Everything the shim calls has kept its signature since the
 * engine was first written, so it builds against old revisions too.
 *
 * Ownership: the scenario, model, engine and result made by
 * engine_shim_init live until the process ends. */
#include <gsl/gsl_errno.h>

#include "engine.h"

#include "benchutil.h"

#define SHIM_API __attribute__((visibility("default")))

static struct cor_scenario *shim_sc;
static struct cor_engine *shim_engine;
static struct cor_rep_result shim_result;

SHIM_API void engine_shim_init(const char *path);
SHIM_API unsigned long long engine_shim_run(long from, long to);

/* Loads the scenario at path (a bad one: its diagnostics on stderr and
 * exit status 2, as in every benchmark) and makes an engine for it. */
SHIM_API void engine_shim_init(const char *path)
{
    gsl_set_error_handler_off();
    shim_sc = bench_load_scenario(path);
    struct cor_model *m = cor_model_new(shim_sc, shim_sc->horizon_days);
    shim_engine = cor_engine_new(m);
    cor_rep_result_init(&shim_result, m);
}

/* Runs replications [from, to) with the scenario's seed; the events they
 * processed, or 0 if one failed. */
SHIM_API unsigned long long engine_shim_run(long from, long to)
{
    unsigned long long events = 0;
    for (long rep = from; rep < to; rep++) {
        if (cor_engine_run(shim_engine, shim_sc->seed, rep, &shim_result) != COR_OK)
            return 0;
        events += shim_result.events;
    }
    return events;
}
