/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GSL generators timed on the draws the engine makes.
 *
 * The engine draws uniforms (ambush and deterrence coin flips), exponential
 * and uniform durations, and binomial losses from gsl_rng streams, and
 * reseeds every stream at the start of each replication. (It steps taus2
 * inline, sim/rng.h, and takes most binomial draws from tables,
 * sim/binomial.h, with GSL's numbers; either is tied to taus2.) This program
 * times, for each of GSL's generators that pass the usual statistical
 * batteries (and two fast, weaker ones for scale), the nanoseconds per
 * gsl_rng_uniform, gsl_ran_exponential and gsl_ran_binomial(20, 0.4) draw,
 * and per reseed with gsl_rng_set, plus its state size. Rounds alternate
 * between generators so that a noisy machine hurts all of them alike; the
 * minimum over rounds is reported.
 *
 * Switching generators changes every random number and so every output:
 * it is a model change (new golden outputs), not an optimisation. This
 * benchmark is what such a decision would rest on.
 *
 * Usage: rng_bench [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "benchutil.h"

struct gen {
    const gsl_rng_type **type;
    const char *note;
};

/* The good ones, then two fast but weak ones to show the floor. */
static const struct gen gens[] = {
    {&gsl_rng_taus2, "L'Ecuyer 1996 Tausworthe, period 2^88 (corridor's)"},
    {&gsl_rng_mt19937, "Mersenne Twister, period 2^19937"},
    {&gsl_rng_gfsr4, "four-tap GFSR, period 2^9689"},
    {&gsl_rng_ranlxs0, "RANLUX single, luxury 0"},
    {&gsl_rng_ranlxd1, "RANLUX double, luxury 1"},
    {&gsl_rng_mrg, "L'Ecuyer 5th-order MRG"},
    {&gsl_rng_cmrg, "L'Ecuyer combined MRG"},
    {&gsl_rng_ran3, "Knuth subtractive (weak)"},
    {&gsl_rng_rand48, "48-bit LCG (weak)"},
};
enum { NGEN = sizeof gens / sizeof *gens, NDRAW = 2000000, MAXR = 64 };

static volatile double sink;

static double time_uniform(gsl_rng *r)
{
    double s = 0, t0 = bench_now();
    for (int i = 0; i < NDRAW; i++)
        s += gsl_rng_uniform(r);
    sink = s;
    return (bench_now() - t0) * 1e9 / NDRAW;
}

static double time_exponential(gsl_rng *r)
{
    double s = 0, t0 = bench_now();
    for (int i = 0; i < NDRAW; i++)
        s += gsl_ran_exponential(r, 5.0);
    sink = s;
    return (bench_now() - t0) * 1e9 / NDRAW;
}

static double time_binomial(gsl_rng *r)
{
    unsigned s = 0;
    double t0 = bench_now();
    for (int i = 0; i < NDRAW / 4; i++)
        s += gsl_ran_binomial(r, 0.4, 20);
    sink = s;
    return (bench_now() - t0) * 1e9 / (NDRAW / 4);
}

static double time_seed(gsl_rng *r)
{
    enum { NSEED = 20000 };
    double t0 = bench_now();
    for (unsigned long i = 0; i < NSEED; i++)
        gsl_rng_set(r, i + 1);
    return (bench_now() - t0) * 1e9 / NSEED;
}

static double minimum(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return v[0];
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    if (rounds < 1)
        rounds = 1;
    if (rounds > MAXR)
        rounds = MAXR;
    static double tu[NGEN][MAXR], te[NGEN][MAXR], tb[NGEN][MAXR], ts[NGEN][MAXR];
    gsl_rng *r[NGEN];
    for (int g = 0; g < NGEN; g++) {
        r[g] = gsl_rng_alloc(*gens[g].type);
        if (!r[g])
            abort();
    }
    for (int k = 0; k < rounds; k++)
        for (int g = 0; g < NGEN; g++) {
            tu[g][k] = time_uniform(r[g]);
            te[g][k] = time_exponential(r[g]);
            tb[g][k] = time_binomial(r[g]);
            ts[g][k] = time_seed(r[g]);
        }
    printf("# ns per draw, minimum over %d rounds\n", rounds);
    printf("%-9s %8s %8s %8s %8s %7s  %s\n", "generator", "uniform", "expon.",
           "binom.", "reseed", "state", "");
    for (int g = 0; g < NGEN; g++) {
        printf("%-9s %8.2f %8.2f %8.2f %8.1f %6zuB  %s\n", gsl_rng_name(r[g]),
               minimum(tu[g], rounds), minimum(te[g], rounds), minimum(tb[g], rounds),
               minimum(ts[g], rounds), gsl_rng_size(r[g]), gens[g].note);
        gsl_rng_free(r[g]);
    }
    return 0;
}
