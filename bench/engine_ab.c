/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two versions of the engine compared in one process.
 *
 * On a shared virtual machine the speed of a core moves by half from one
 * minute to the next, and two programs run one after the other see
 * different machines. Here both versions (shared libraries built by
 * bench/engine_ab.sh around bench/engine_shim.c) are loaded into the same
 * process and run the same few replications by turns, A then B, then B
 * then A, a few hundred times: the two halves of a pair are a fraction of
 * a second apart, so they see nearly the same machine, and the order
 * cancels what going first or second does.
 *
 * For each pair it takes the ratio of B's time to A's. It reports how many
 * pairs B won, with the sign test's two-sided p-value (were the two the
 * same speed, each pair is a coin toss); the median ratio (the upper of
 * the middle two for an even number of pairs) with its 95 %
 * confidence interval from the order statistics (distribution-free: the
 * interval between the k-th smallest and k-th largest ratio, k from the
 * binomial(n, 1/2) quantile); and the ratio of the total times. A version
 * that processes a different number of events is not the same model, and
 * the program stops.
 *
 * Usage: engine_ab LIB_A LIB_B SCENARIO.yaml [PAIRS] [CHUNK]
 *        (defaults: 200 pairs of 4 replications; chunk p starts at
 *        replication p * CHUNK modulo 200)
 *        engine_ab --train LIB SCENARIO.yaml
 *        (runs 200 replications in one library, untimed: the training run
 *        of a library built for profile feedback, engine_ab.sh --pgo) */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "benchutil.h"

typedef void (*init_fn)(const char *path);
typedef unsigned long long (*run_fn)(long from, long to);

#define REP_CYCLE 200

static run_fn load(const char *lib, const char *scenario)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "engine_ab: %s\n", dlerror());
        exit(2);
    }
    init_fn init = (init_fn)(uintptr_t)dlsym(h, "engine_shim_init");
    run_fn run = (run_fn)(uintptr_t)dlsym(h, "engine_shim_run");
    if (!init || !run) {
        fprintf(stderr, "engine_ab: %s is not an engine_shim library\n", lib);
        exit(2);
    }
    init(scenario); /* a bad scenario exits with status 2 */
    return run;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--train") == 0)
        return load(argv[2], argv[3])(0, REP_CYCLE) ? 0 : 1;
    if (argc < 4) {
        fprintf(stderr, "usage: engine_ab LIB_A LIB_B SCENARIO.yaml [PAIRS] [CHUNK]\n"
                        "       engine_ab --train LIB SCENARIO.yaml\n");
        return 2;
    }
    int pairs = argc > 4 ? atoi(argv[4]) : 200;
    long chunk = argc > 5 ? atol(argv[5]) : 4;
    if (pairs < 10 || chunk < 1 || chunk > REP_CYCLE) {
        fprintf(stderr, "engine_ab: PAIRS must be at least 10, CHUNK 1 to %d\n", REP_CYCLE);
        return 2;
    }
    run_fn run[2] = {load(argv[1], argv[3]), load(argv[2], argv[3])};
    for (int v = 0; v < 2; v++)
        run[v](0, chunk); /* first touch of code and data, untimed */

    double *ratio = malloc((size_t)pairs * sizeof *ratio);
    if (!ratio)
        abort();
    double total[2] = {0, 0}, fastest[2] = {0, 0};
    int b_won = 0;
    for (int p = 0; p < pairs; p++) {
        long from = (p * chunk) % REP_CYCLE;
        double t[2];
        unsigned long long n[2];
        for (int k = 0; k < 2; k++) {
            int v = (p & 1) ? 1 - k : k; /* A first in even pairs, B first in odd */
            double t0 = bench_now();
            n[v] = run[v](from, from + chunk);
            t[v] = bench_now() - t0;
        }
        if (n[0] == 0 || n[0] != n[1]) {
            fprintf(stderr, "engine_ab: replications %ld-%ld: %llu events in A, %llu in B "
                            "(a failed replication, or not the same model)\n",
                    from, from + chunk - 1, n[0], n[1]);
            return 1;
        }
        ratio[p] = t[1] / t[0];
        b_won += t[1] < t[0];
        for (int v = 0; v < 2; v++) {
            total[v] += t[v];
            double ns = 1e9 * t[v] / (double)n[v];
            if (p == 0 || ns < fastest[v])
                fastest[v] = ns;
        }
    }
    qsort(ratio, (size_t)pairs, sizeof *ratio, bench_cmp_double);

    /* The median's interval: k-th smallest to k-th largest, with k the
     * largest count such that P(X < k) <= 2.5 % for X ~ binomial(n, 1/2). */
    unsigned k = 0;
    while (gsl_cdf_binomial_P(k, 0.5, (unsigned)pairs) <= 0.025)
        k++;
    unsigned n = (unsigned)pairs, w = (unsigned)b_won;
    double tail = w <= n / 2 ? gsl_cdf_binomial_P(w, 0.5, n)
                             : gsl_cdf_binomial_Q(w - 1, 0.5, n);
    double p_two = 2.0 * tail > 1.0 ? 1.0 : 2.0 * tail;
    printf("pairs                  %d of %ld replications (A then B, B then A)\n", pairs, chunk);
    printf("B faster in            %d of %d pairs (sign test, two-sided p = %.2g)\n", b_won,
           pairs, p_two);
    printf("time B / A, median     %.4f  (95 %% CI %.4f to %.4f)\n", ratio[pairs / 2],
           ratio[k > 0 ? k - 1 : 0], ratio[pairs - (k > 0 ? k : 1)]);
    printf("time B / A, total      %.4f\n", total[1] / total[0]);
    printf("ns per event, fastest chunk  A %.2f  B %.2f\n", fastest[0], fastest[1]);
    free(ratio);
    return 0;
}
