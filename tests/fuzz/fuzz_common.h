/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What both fuzz targets do with a load's outcome: check it, then use it.
 *
 * The loader's contract is checked on every input: a NULL scenario comes
 * with at least one diagnostic and a returned one with none (abort() tells
 * libFuzzer it found a bug). A scenario that loads then goes through what
 * `corridor run` does next, on a budget: the work estimate, and when that
 * is small, one replication of at most 30 days with the event trace on,
 * written out in every format. So the fuzzers reach the engine and the
 * reports with inputs no test would think of, while each input still takes
 * well under a millisecond or two. Diagnostics are printed to /dev/null so
 * that formatting hostile text (invalid UTF-8, long names) is exercised too.
 *
 * Header-only because each target is one translation unit, compiled both
 * for libFuzzer and for the replay driver the test suite runs. */
#ifndef COR_FUZZ_COMMON_H
#define COR_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "corridor/experiment.h"
#include "corridor/report.h"
#include "corridor/scenario.h"
#include "work.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Replications run only for scenarios estimated below this many events. */
#define COR_FUZZ_EVENT_BUDGET 20000.0
#define COR_FUZZ_MAX_DAYS 30

static FILE *cor_fuzz_sink;

/* Once per process, as main() does: GSL must not abort. */
static void cor_fuzz_init(void)
{
    gsl_set_error_handler_off();
    cor_fuzz_sink = fopen("/dev/null", "w");
    if (!cor_fuzz_sink)
        abort();
}

/* Checks the loader's contract for one outcome, then exercises `s` (which
 * it frees) and empties `d`. */
static void cor_fuzz_outcome(struct cor_scenario *s, struct cor_diag *d)
{
    if (!s && cor_diag_count(d) == 0)
        abort(); /* refused without saying why */
    if (s && cor_diag_count(d) != 0)
        abort(); /* accepted although an error was reported */
    cor_diag_print(d, cor_fuzz_sink);
    cor_diag_fini(d);
    if (!s)
        return;

    int days = s->horizon_days < COR_FUZZ_MAX_DAYS ? s->horizon_days : COR_FUZZ_MAX_DAYS;
    cor_diag_init(d);
    (void)cor_work_check(s, s->horizon_days, s->replications, d);
    cor_diag_print(d, cor_fuzz_sink);
    cor_diag_fini(d);
    struct cor_work w = cor_work_estimate(s, days, 1);
    if (w.events_per_rep <= COR_FUZZ_EVENT_BUDGET) {
        struct cor_run_options o = cor_run_options_default(s);
        o.replications = 1;
        o.threads = 1;
        o.days = days;
        o.trace = true;
        struct cor_results *r = NULL;
        cor_diag_init(d);
        /* A replication may still hit the engine's own cap; that is an
         * answer, not a bug. Anything else it does is checked by the
         * sanitizers and the engine's invariants. */
        if (cor_experiment_run(s, &o, &r, d) == COR_OK) {
            cor_report_write(cor_fuzz_sink, r, COR_FORMAT_TABLE);
            cor_report_write(cor_fuzz_sink, r, COR_FORMAT_CSV);
            cor_report_write(cor_fuzz_sink, r, COR_FORMAT_JSON);
            cor_report_timeline_csv(cor_fuzz_sink, r);
            cor_report_events_csv(cor_fuzz_sink, r);
        }
        cor_results_free(r);
        cor_diag_fini(d);
    }
    cor_scenario_free(s);
}

#endif
