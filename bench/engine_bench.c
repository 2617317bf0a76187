/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine alone, timed so that a noisy machine matters less.
 *
 * On a shared virtual machine a whole `corridor run` is slowed by whatever
 * the neighbours do during it, and two runs of the same binary differ by a
 * fifth or more. This program runs the same replications round after round
 * in one process, cut into chunks of a few replications and timed as
 * benchutil.h's chunked rounds: each chunk's fastest round, summed, is
 * what the engine costs undisturbed; the median round is reported beside
 * it for scale. Every round must process the same number of events (the
 * replications are seeded by their index), which the program checks.
 *
 * Only the engine runs here: no merging thread, no result files, no
 * loading in the timed part. bench/run.sh --micro builds and runs it for
 * the current tree; comparing two versions means building it against
 * each and running them alternately.
 *
 * Usage: engine_bench SCENARIO.yaml [REPS] [ROUNDS] [CHUNK]
 *        (defaults: 200 replications, 15 rounds, chunks of 4) */
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "engine.h"

#include "benchutil.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: engine_bench SCENARIO.yaml [REPS] [ROUNDS] [CHUNK]\n");
        return 2;
    }
    long reps = argc > 2 ? atol(argv[2]) : 200;
    int rounds = argc > 3 ? atoi(argv[3]) : 15;
    long chunk = argc > 4 ? atol(argv[4]) : 4;
    if (reps < 1 || rounds < 1 || chunk < 1) {
        fprintf(stderr, "engine_bench: REPS, ROUNDS and CHUNK must be positive\n");
        return 2;
    }
    gsl_set_error_handler_off();
    struct cor_scenario *sc = bench_load_scenario(argv[1]);
    struct cor_model *m = cor_model_new(sc, sc->horizon_days);
    struct cor_engine *e = cor_engine_new(m);
    struct cor_rep_result r;
    cor_rep_result_init(&r, m);

    long nchunks = (reps + chunk - 1) / chunk;
    double *best = malloc((size_t)nchunks * sizeof *best);
    double *total = malloc((size_t)rounds * sizeof *total);
    if (!best || !total)
        abort();
    unsigned long long events = 0;
    for (int k = 0; k < rounds; k++) {
        unsigned long long n = 0;
        total[k] = 0.0;
        for (long c = 0; c < nchunks; c++) {
            double t0 = bench_now();
            for (long rep = c * chunk; rep < reps && rep < (c + 1) * chunk; rep++) {
                if (cor_engine_run(e, sc->seed, rep, &r) != COR_OK) {
                    fprintf(stderr, "engine_bench: replication %ld failed\n", rep);
                    return 1;
                }
                n += r.events;
            }
            double dt = bench_now() - t0;
            total[k] += dt;
            bench_chunk_time(best, c, k, dt);
        }
        if (k > 0 && n != events) {
            fprintf(stderr, "engine_bench: round %d processed %llu events, not %llu\n", k, n,
                    events);
            return 1;
        }
        events = n;
    }
    printf("events per round        %llu (%ld replications, %d rounds, chunks of %ld)\n",
           events, reps, rounds, chunk);
    bench_print_rates((double)events, best, nchunks, total, rounds);

    free(best);
    free(total);
    cor_rep_result_fini(&r);
    cor_engine_free(e);
    cor_model_free(m);
    cor_scenario_free(sc);
    return 0;
}
