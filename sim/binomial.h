/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Binomial draws for a probability known in advance, by table: the very
 * numbers gsl_ran_binomial returns, at a fraction of its cost.
 *
 * Truck losses and driver deaths are binomial draws whose probability is
 * usually a constant of the scenario and whose count is a convoy's trucks.
 * For such a small mean, GSL samples by sequential inversion of the CDF
 * (Kachitvichyanukul and Schmeiser's BINV): one uniform u, then a walk
 * over the probabilities, each computed afresh (a power, then a division
 * per step), until u falls below one. Its result is a monotone step
 * function of u; with taus2, u is k / 2^32 for the generator's 32-bit
 * output k, so the whole function is a short list of integer thresholds
 * on k. cor_binomial_init finds them by asking gsl_ran_binomial itself,
 * through a generator that returns chosen values of k, and bisecting; a
 * draw is then one generator step and a count of the thresholds at or
 * below k.
 *
 * Whatever the table does not cover goes to gsl_ran_binomial: another
 * probability (a beta-distributed loss probability, say), a count above
 * the table's, or a count whose draw k alone does not decide (GSL's
 * rejection method for a larger mean, two or more uniforms a try; a draw
 * again when rounding cuts the walk short, which needs counts far above
 * the table's), detected when the table is built.
 * tests/test_binomial.c checks the table against gsl_ran_binomial draw
 * for draw, and at every threshold.
 *
 * Ownership: a cor_binomial owns its arrays; it is immutable after init,
 * so threads share it. */
#ifndef COR_BINOMIAL_H
#define COR_BINOMIAL_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Counts above this are left to GSL: the table for count n holds up to n
 * thresholds, each found with about ten calls of GSL's sampler, which
 * itself takes up to n steps. */
#define COR_BINOMIAL_MAX_N 64

/* Count n's draw, for n <= nmax. */
struct cor_binomial_row {
    uint32_t off;   /* its first threshold: in the list as found, then n * width */
    uint32_t nthr;  /* its thresholds */
    unsigned base;  /* the result for output 0 */
    uint8_t kind;   /* COR_BINOMIAL_GSL, _CONST or _TABLE */
    uint8_t down;   /* results fall as the output grows (GSL's p > 1/2) */
};

enum {
    COR_BINOMIAL_GSL,   /* not tabulated: ask gsl_ran_binomial */
    COR_BINOMIAL_CONST, /* GSL draws nothing and returns base (a count of 0) */
    COR_BINOMIAL_TABLE  /* base + or - the thresholds at or below the output */
};

/* A draw counts the thresholds at or below its output k as the places
 * below k in `last`, each a threshold minus one (thresholds lie in
 * [1, 2^32): output 0 gives the base). Counting strictly below lets
 * UINT32_MAX pad a row, since it is below no output; counting "at or
 * below" would need a pad above every output, which 32 bits do not hold.
 * So the places are 32-bit and a baseline x86-64 core compares four at a
 * time. Every tabulated row takes `width` places, the most any row has
 * rounded up to a multiple of four: a draw then counts the same number of
 * places whatever its count, and the count's loop ends where the last
 * draw's did. Ending it at the row's own length, which changes from one
 * ambush to the next, mispredicted. */
struct cor_binomial {
    double p;                     /* the probability tabulated; NaN: none */
    unsigned nmax;                /* rows for counts 0 .. nmax */
    uint32_t width;               /* places per row in last */
    struct cor_binomial_row *row;
    uint32_t *last;               /* the rows' thresholds minus one, width apart */
};

/* Tabulates the draws for probability p (in [0, 1]) and counts 0 ..
 * min(nmax, COR_BINOMIAL_MAX_N). */
void cor_binomial_init(struct cor_binomial *b, double p, unsigned nmax);
/* An empty table: every draw goes to GSL. */
void cor_binomial_init_none(struct cor_binomial *b);
void cor_binomial_fini(struct cor_binomial *b);

/* gsl_ran_binomial(r, p, n), by the table where it applies. r must be a
 * taus2 generator (rng.h). */
unsigned cor_binomial_draw(const struct cor_binomial *b, gsl_rng *r, double p, unsigned n);

/* For tests: the result for count n when the generator's next output is
 * k; -1 if count n is not in the table. */
long cor_binomial_pick(const struct cor_binomial *b, unsigned n, uint32_t k);

#endif
