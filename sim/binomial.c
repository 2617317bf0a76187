/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Binomial draws by threshold table (see binomial.h). */
#include "binomial.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "alloc.h"
#include "rng.h"

/* ---- the oracle: gsl_ran_binomial with a chosen generator output -------- */

/* A GSL generator whose first output is `k` and every later one 0, counting
 * how often it is asked: one ask means the draw was decided by k alone; two
 * or more, that GSL drew again or used a method with several uniforms. */
struct oracle {
    unsigned long k;
    int calls;
};

static void oracle_set(void *state, unsigned long seed)
{
    struct oracle *o = state;
    o->k = seed;
    o->calls = 0;
}

static unsigned long oracle_get(void *state)
{
    struct oracle *o = state;
    return o->calls++ == 0 ? o->k : 0;
}

/* taus2's scaling (rng.h), so that u is what the real stream gives. */
static double oracle_get_double(void *state)
{
    return (double)oracle_get(state) / 4294967296.0;
}

static const gsl_rng_type oracle_type = {
    "corridor-binomial-oracle", 0xffffffffUL, 0, sizeof(struct oracle),
    oracle_set, oracle_get, oracle_get_double};

#define K_END ((uint64_t)1 << 32) /* one past the largest output */
#define REDRAW UINT32_MAX          /* the output alone does not decide */

/* GSL's result for count n when the generator's output is k, and how many
 * outputs it asked for. */
static unsigned ask(gsl_rng *o, double p, unsigned n, uint64_t k, int *calls)
{
    gsl_rng_set(o, (unsigned long)k);
    unsigned x = gsl_ran_binomial(o, p, n);
    *calls = ((struct oracle *)o->state)->calls;
    return x;
}

/* How far GSL's result for output k lies from its result at 0, or REDRAW
 * if k alone does not decide it; K_END is past every output. */
static uint32_t dist(gsl_rng *o, double p, unsigned n, unsigned base, uint64_t k)
{
    if (k >= K_END)
        return REDRAW;
    int calls;
    unsigned x = ask(o, p, n, k, &calls);
    if (calls != 1)
        return REDRAW;
    return x >= base ? x - base : base - x;
}

/* The smallest output k in [lo, K_END] whose distance is at least j, given
 * that dist(lo) < j. The distance never falls as k grows (binomial.h), so
 * bisection finds it; the binomial CDF says roughly where, and bracketing
 * that guess first saves most of the bisection (the guess is only a
 * guess: each bracket end is checked before it is used). */
static uint64_t threshold(gsl_rng *o, double p, unsigned n, unsigned base, uint32_t j,
                          uint64_t lo)
{
    uint64_t hi = K_END;
    double pm = p > 0.5 ? 1.0 - p : p;
    double guess = j - 1 < n ? ldexp(gsl_cdf_binomial_P(j - 1, pm, n), 32) : -1.0;
    if (guess >= 0.0 && guess < (double)K_END) {
        uint64_t g = (uint64_t)guess;
        uint64_t a = g > lo + 64 ? g - 64 : lo, z = g + 64 < K_END ? g + 64 : K_END;
        if (a > lo && dist(o, p, n, base, a) < j)
            lo = a;
        if (z < hi && dist(o, p, n, base, z) >= j)
            hi = z;
    }
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (dist(o, p, n, base, mid) >= j)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* Fills row n, appending its thresholds to *thr (*used of *cap). */
static void tabulate(struct cor_binomial *b, gsl_rng *o, unsigned n, uint64_t **thr,
                     size_t *used, size_t *cap)
{
    struct cor_binomial_row *w = &b->row[n];
    int calls;
    unsigned base = ask(o, b->p, n, 0, &calls);
    w->kind = COR_BINOMIAL_GSL;
    if (calls == 0) {
        w->kind = COR_BINOMIAL_CONST;
        w->base = base;
        return;
    }
    if (calls != 1)
        return; /* several uniforms per draw: not an inversion */
    /* Thresholds K_1 <= K_2 <= ...: K_j is the first output at distance j
     * or more, until none is left. Should some output not decide the draw
     * (GSL drawing again, which rounding allows only where the tail is cut
     * off, far above the table's counts), the count is left to GSL. */
    size_t off = *used;
    uint64_t k = 0;
    uint32_t dk = 0;
    bool down = false;
    for (uint32_t j = 1;; j++) {
        if (dk < j) {
            k = threshold(o, b->p, n, base, j, k);
            if (k >= K_END)
                break;
            dk = dist(o, b->p, n, base, k);
            if (dk == REDRAW) {
                *used = off;
                return;
            }
            if (j == 1)
                down = ask(o, b->p, n, k, &calls) < base;
        }
        cor_grow((void **)thr, cap, *used + 1, sizeof **thr);
        (*thr)[(*used)++] = k;
    }
    w->kind = COR_BINOMIAL_TABLE;
    w->base = base;
    w->down = down;
    w->off = (uint32_t)off;
    w->nthr = (uint32_t)(*used - off);
}

/* Lays the rows' thresholds, appended back to back by tabulate(), out in
 * b->last, `width` places a row, each place a threshold minus one. */
static void pad_rows(struct cor_binomial *b, const uint64_t *thr)
{
    uint32_t width = 0;
    for (unsigned n = 0; n <= b->nmax; n++)
        if (b->row[n].kind == COR_BINOMIAL_TABLE && b->row[n].nthr > width)
            width = b->row[n].nthr;
    width = (width + 3) & ~(uint32_t)3;
    b->width = width;
    if (width == 0)
        return;
    size_t places = ((size_t)b->nmax + 1) * width;
    b->last = cor_malloc(places * sizeof *b->last);
    for (size_t i = 0; i < places; i++)
        b->last[i] = UINT32_MAX;
    for (unsigned n = 0; n <= b->nmax; n++) {
        struct cor_binomial_row *w = &b->row[n];
        if (w->kind != COR_BINOMIAL_TABLE)
            continue;
        /* 1 <= threshold < 2^32: output 0 is the base, at distance 0. */
        for (uint32_t j = 0; j < w->nthr; j++)
            b->last[(size_t)n * width + j] = (uint32_t)(thr[w->off + j] - 1);
        w->off = n * width;
    }
}

void cor_binomial_init_none(struct cor_binomial *b)
{
    b->p = NAN;
    b->nmax = 0;
    b->width = 0;
    b->row = NULL;
    b->last = NULL;
}

void cor_binomial_init(struct cor_binomial *b, double p, unsigned nmax)
{
    cor_binomial_init_none(b);
    if (!(p >= 0.0 && p <= 1.0))
        return;
    b->p = p;
    b->nmax = nmax < COR_BINOMIAL_MAX_N ? nmax : COR_BINOMIAL_MAX_N;
    b->row = cor_calloc(b->nmax + 1, sizeof *b->row);
    gsl_rng *o = gsl_rng_alloc(&oracle_type);
    if (!o)
        cor_out_of_memory("gsl_rng_alloc");
    uint64_t *thr = NULL; /* owned here: the thresholds as found */
    size_t used = 0, cap = 0;
    for (unsigned n = 0; n <= b->nmax; n++)
        tabulate(b, o, n, &thr, &used, &cap);
    gsl_rng_free(o);
    pad_rows(b, thr);
    free(thr);
}

void cor_binomial_fini(struct cor_binomial *b)
{
    free(b->row);
    free(b->last);
    cor_binomial_init_none(b);
}

/* The distance for output k: how many of the row's thresholds are at or
 * below it, that is how many of its places lie below k. A plain count over
 * the table's width, with no early exit: no branch that depends on the
 * draw, and the compiler vectorises it. (A table may have no thresholds,
 * p = 0 say, and then no array: index, never offset, b->last. The index
 * is a size_t sum: a 32-bit one could wrap, and GCC would then load the
 * places one by one instead of four at a time.) */
static uint32_t count_below(const struct cor_binomial *b, const struct cor_binomial_row *w,
                            uint32_t k)
{
    uint32_t d = 0;
    for (size_t j = 0; j < b->width; j++)
        d += b->last[w->off + j] < k;
    return d;
}

static unsigned result(const struct cor_binomial_row *w, uint32_t d)
{
    return w->down ? w->base - d : w->base + d;
}

static const struct cor_binomial_row *row_for(const struct cor_binomial *b, double p,
                                              unsigned n)
{
    if (p != b->p || n > b->nmax || b->row[n].kind == COR_BINOMIAL_GSL)
        return NULL;
    return &b->row[n];
}

unsigned cor_binomial_draw(const struct cor_binomial *b, gsl_rng *r, double p, unsigned n)
{
    const struct cor_binomial_row *w = row_for(b, p, n);
    if (!w)
        return gsl_ran_binomial(r, p, n);
    if (w->kind == COR_BINOMIAL_CONST)
        return w->base;
    return result(w, count_below(b, w, cor_rng_u32(r)));
}

long cor_binomial_pick(const struct cor_binomial *b, unsigned n, uint32_t k)
{
    const struct cor_binomial_row *w = row_for(b, b->p, n);
    if (!w)
        return -1;
    if (w->kind == COR_BINOMIAL_CONST)
        return w->base;
    return result(w, count_below(b, w, k));
}
