/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the test programs: scenarios from strings, runs. */
#ifndef COR_TESTUTIL_H
#define COR_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "corridor/experiment.h"
#include "corridor/results.h"
#include "corridor/scenario.h"

/* Loads a scenario from a string; fails the test (printing every
 * diagnostic) if it does not load. The caller frees it. */
static inline struct cor_scenario *tu_load(const char *yaml)
{
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_scenario *s =
        cor_scenario_load_buffer("test.yaml", yaml, strlen(yaml), NULL, 0, &d);
    if (!s)
        cor_diag_print(&d, stderr);
    cor_diag_fini(&d);
    assert_non_null(s);
    return s;
}

/* Runs R replications on T threads with the scenario's seed and horizon. */
static inline struct cor_results *tu_run(const struct cor_scenario *s, long reps,
                                         int threads)
{
    struct cor_run_options o = cor_run_options_default(s);
    o.replications = reps;
    o.threads = threads;
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_results *r = NULL;
    enum cor_status st = cor_experiment_run(s, &o, &r, &d);
    if (st != COR_OK)
        cor_diag_print(&d, stderr);
    cor_diag_fini(&d);
    assert_int_equal(st, COR_OK);
    return r;
}

/* Asserts |x - expect| <= tol, printing all three on failure. */
#define tu_assert_near(x, expect, tol)                                          \
    do {                                                                        \
        double tu_x = (x), tu_e = (expect), tu_t = (tol);                       \
        if (!(tu_x >= tu_e - tu_t && tu_x <= tu_e + tu_t))                      \
            fail_msg("%s = %.10g, expected %.10g +- %.3g", #x, tu_x, tu_e, tu_t); \
    } while (0)

#endif
