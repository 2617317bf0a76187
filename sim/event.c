/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 4-ary min-heap of events keyed by (time, class, insertion sequence).
 *
 * Chosen by measurement (docs/performance.md, bench/queue_bench.c, which
 * replays the engine's recorded pushes and pops against each candidate).
 * On bench-rn1 the queue holds about thirty events whose times are
 * effectively random, so the cost is not the number of comparisons but
 * mispredicted branches: each "which child is earlier?" is a coin flip for
 * the predictor. Hence:
 *
 * - the key (time, order) compares as one unsigned 128-bit number: a
 *   non-negative double's bit pattern orders like the double, and the
 *   order word (class in the top three bits, then the sequence) follows it.
 *   One compare-and-borrow replaces a floating-point compare, an equality
 *   test and an integer compare, and the child choice compiles to
 *   conditional moves instead of branches;
 * - four children per node halve the depth, and the minimum of four is two
 *   independent branch-free compares and a third;
 * - pop is "bottom-up" (Wegener): the hole at the root walks down to a leaf
 *   along the earliest child without comparing against the element being
 *   re-inserted, which then sifts up from that leaf — usually a step or
 *   none, since it came from the bottom.
 *
 * A time of -0.0 is stored as +0.0 (its bit pattern would otherwise sort
 * last). The two compare equal as doubles, so ties between them still fall
 * to the order word, as with a floating-point compare: the order in which
 * events come out is exactly the (time, class, sequence) order.
 *
 * The binary heap this replaces, a pairing heap, a calendar queue and a
 * sorted array were measured too (see docs/performance.md). Keys are
 * unique, so any correct queue pops the same sequence: the choice changes
 * speed, never results. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void cor_eventq_init(struct cor_eventq *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
    q->seq = 0;
}

void cor_eventq_fini(struct cor_eventq *q)
{
    free(q->heap);
    cor_eventq_init(q);
}

void cor_eventq_clear(struct cor_eventq *q)
{
    q->n = 0;
    q->seq = 0;
}

static inline uint64_t time_bits(const struct cor_event *e)
{
    uint64_t b;
    memcpy(&b, &e->t, sizeof b);
    return b;
}

/* 1 when a comes before b, computed without a branch. */
#ifdef __SIZEOF_INT128__
static inline int before(const struct cor_event *a, const struct cor_event *b)
{
    unsigned __int128 ka = ((unsigned __int128)time_bits(a) << 64) | a->order;
    unsigned __int128 kb = ((unsigned __int128)time_bits(b) << 64) | b->order;
    return ka < kb;
}
#else
static inline int before(const struct cor_event *a, const struct cor_event *b)
{
    uint64_t ta = time_bits(a), tb = time_bits(b);
    return (ta < tb) | ((ta == tb) & (a->order < b->order));
}
#endif

void cor_eventq_push(struct cor_eventq *q, double t, enum cor_event_class cls,
                     uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap)
        cor_grow((void **)&q->heap, &q->cap, q->n + 1, sizeof *q->heap);
    /* t >= 0 (the engine never schedules into the past); + 0.0 turns a
     * -0.0 into +0.0 so that its bit pattern sorts with the zeros. */
    struct cor_event e = {t + 0.0, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    struct cor_event *h = q->heap;
    size_t i = q->n++;
    /* New events are mostly far in the future and stop after a step or
     * two, so this loop is a plain, well-predicted one. */
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!before(&e, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

bool cor_eventq_pop(struct cor_eventq *q, struct cor_event *out)
{
    if (q->n == 0)
        return false;
    struct cor_event *h = q->heap;
    *out = h[0];
    size_t n = --q->n;
    if (n == 0)
        return true;
    struct cor_event last = h[n];
    /* Down to a leaf through full families of four, branch-free... */
    size_t i = 0, c;
    while ((c = 4 * i + 1) + 3 < n) {
        size_t a = c + (size_t)before(&h[c + 1], &h[c]);
        size_t b = c + 2 + (size_t)before(&h[c + 3], &h[c + 2]);
        /* best = b if b is earlier, else a, as a mask: GCC compiles the
         * equivalent ?: to a (mispredicted) branch here. */
        size_t take_b = (size_t)0 - (size_t)before(&h[b], &h[a]);
        size_t best = a ^ ((a ^ b) & take_b);
        h[i] = h[best];
        i = best;
    }
    /* ...then the last, partial family of one to three children. */
    if (c < n) {
        size_t best = c;
        for (size_t k = c + 1; k < n; k++)
            best = before(&h[k], &h[best]) ? k : best;
        h[i] = h[best];
        i = best;
    }
    /* Up again to where the former last element belongs. */
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!before(&last, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = last;
    return true;
}
