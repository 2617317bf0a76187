/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An M/M/1 queue on corridor's own event queue and generator: the
 * reference point of issue 5's speed target, measured on this machine.
 *
 * The target (20 million events per second per core) is what the fastest
 * C discrete-event libraries reach on an M/M/1 queue. This program runs
 * that model with the pieces the engine uses (sim/event.c's tournament
 * tree, taus2 through the inline step of sim/rng.h, exponential durations
 * drawn by cor_dist_draw), so that bench-rn1's figure can be
 * read against what the same machine does on the textbook model: two
 * event kinds, at most two events queued, one draw per event.
 *
 * It also checks that it is an M/M/1 queue: the time-average number in
 * the system must match rho / (1 - rho) within four standard errors of a
 * batch-means estimate (exit status 1 otherwise), so a fast wrong model
 * cannot pass for a fast right one.
 *
 * Timed as benchutil.h's chunked rounds, as engine_bench.c is.
 *
 * Usage: mm1_bench [EVENTS] [ROUNDS]   (defaults: 20,000,000 events, 9 rounds) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "corridor/dist.h"
#include "dist_draw.h"
#include "event.h"

#include "benchutil.h"

enum { ARRIVAL, DEPARTURE };

#define LAMBDA 0.5 /* arrivals per unit time */
#define MU 1.0     /* services per unit time */
#define CHUNKS 40  /* timed chunks per round, also the batches of the estimate */

struct mm1 {
    struct cor_eventq q;
    struct cor_dist interarrival, service;
    gsl_rng *arrive, *serve;
    double now;
    long in_system;
    double area; /* integral of the number in the system over time */
};

static void mm1_start(struct mm1 *s, unsigned long seed)
{
    cor_eventq_clear(&s->q);
    gsl_rng_set(s->arrive, seed);
    gsl_rng_set(s->serve, seed + 1);
    s->now = 0.0;
    s->in_system = 0;
    s->area = 0.0;
    cor_eventq_push(&s->q, cor_dist_draw(&s->interarrival, s->arrive), COR_CLASS_ARRIVAL,
                    ARRIVAL, 0);
}

/* Processes n events. */
static void mm1_run(struct mm1 *s, long n)
{
    struct cor_event ev;
    for (long i = 0; i < n && cor_eventq_pop(&s->q, &ev); i++) {
        s->area += (double)s->in_system * (ev.t - s->now);
        s->now = ev.t;
        if (ev.kind == ARRIVAL) {
            cor_eventq_push(&s->q, s->now + cor_dist_draw(&s->interarrival, s->arrive),
                            COR_CLASS_ARRIVAL, ARRIVAL, 0);
            if (++s->in_system == 1)
                cor_eventq_push(&s->q, s->now + cor_dist_draw(&s->service, s->serve),
                                COR_CLASS_DEPARTURE, DEPARTURE, 0);
        } else if (--s->in_system > 0) {
            cor_eventq_push(&s->q, s->now + cor_dist_draw(&s->service, s->serve),
                            COR_CLASS_DEPARTURE, DEPARTURE, 0);
        }
    }
}

int main(int argc, char **argv)
{
    long events = argc > 1 ? atol(argv[1]) : 20000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 9;
    if (events < CHUNKS * 1000L || rounds < 1) {
        fprintf(stderr, "mm1_bench: EVENTS must be at least %ld and ROUNDS positive\n",
                CHUNKS * 1000L);
        return 2;
    }
    struct mm1 s;
    cor_eventq_init(&s.q);
    s.interarrival = (struct cor_dist){COR_DIST_EXPONENTIAL, 1.0 / LAMBDA, 0, 0};
    s.service = (struct cor_dist){COR_DIST_EXPONENTIAL, 1.0 / MU, 0, 0};
    s.arrive = gsl_rng_alloc(gsl_rng_taus2);
    s.serve = gsl_rng_alloc(gsl_rng_taus2);
    if (!s.arrive || !s.serve)
        abort();
    long per_chunk = events / CHUNKS;
    double best[CHUNKS];
    double *total = malloc((size_t)rounds * sizeof *total);
    if (!total)
        abort();
    double batch[CHUNKS]; /* time-average number in system, per chunk */
    for (int k = 0; k < rounds; k++) {
        /* Every round runs the same events: same seeds. */
        mm1_start(&s, 1);
        total[k] = 0.0;
        for (int c = 0; c < CHUNKS; c++) {
            double area0 = s.area, t0 = s.now;
            double w0 = bench_now();
            mm1_run(&s, per_chunk);
            double dt = bench_now() - w0;
            total[k] += dt;
            bench_chunk_time(best, c, k, dt);
            batch[c] = (s.area - area0) / (s.now - t0);
        }
    }
    double n = (double)per_chunk * CHUNKS;

    /* Batch means over the chunks (each tens of thousands of mean service
     * times long, far beyond the queue's relaxation time at rho = 0.5);
     * the first batch includes the start from empty. */
    double mean = gsl_stats_mean(batch, 1, CHUNKS);
    double se = gsl_stats_sd_m(batch, 1, CHUNKS, mean) / sqrt(CHUNKS);
    double rho = LAMBDA / MU, want = rho / (1.0 - rho);

    printf("M/M/1, rho %.2f: %.0f events a round, %d rounds, %d chunks\n", rho, n, rounds,
           CHUNKS);
    bench_print_rates(n, best, CHUNKS, total, rounds);
    printf("mean number in system %.4f +- %.4f (closed form %.4f)\n", mean, se, want);

    free(total);
    gsl_rng_free(s.arrive);
    gsl_rng_free(s.serve);
    cor_eventq_fini(&s.q);
    if (fabs(mean - want) > 4.0 * se) {
        fprintf(stderr, "mm1_bench: the mean number in system is off its closed form\n");
        return 1;
    }
    return 0;
}
