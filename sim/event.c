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
 * - an event is that key and nothing else (kind and argument are packed
 *   into the order word's low bits, see event.h), so a move is 16 bytes
 *   and a family of four children is one 64-byte cache line's worth;
 * - four children per node halve the depth, and the minimum of four is two
 *   independent branch-free compares and a third;
 * - the slots past the last event hold the largest key (all ones), so
 *   every family has four children and the walk down needs no special
 *   case for the last, partly filled one;
 * - pop hands out the root but leaves it in place ("held"): most handlers
 *   schedule exactly one event, which then simply replaces the root and
 *   sinks — one walk instead of a removal and an insertion;
 * - a root no push replaced is removed "bottom-up" (Wegener): the hole
 *   walks down to a leaf along the earliest child without comparing
 *   against the element being re-inserted, which then sifts up from that
 *   leaf — usually a step or none, since it came from the bottom.
 *
 * A time of -0.0 is stored as +0.0 (its bit pattern would otherwise sort
 * last). The two compare equal as doubles, so ties between them still fall
 * to the order word, as with a floating-point compare: the order in which
 * events come out is exactly the (time, class, sequence) order.
 *
 * The binary heap this replaces, a pairing heap, a calendar queue, a
 * sorted array, a radix heap and a heap ordered by time alone were
 * measured too (see docs/performance.md). Keys are
 * unique, so any correct queue pops the same sequence: the choice changes
 * speed, never results. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define ORDER_CLASS_SHIFT 61
#define ORDER_SEQ_SHIFT (COR_EVENT_KIND_BITS + COR_EVENT_ARG_BITS)
#define ORDER_SEQ_MASK ((COR_EVENT_SEQ_LIMIT - 1) << ORDER_SEQ_SHIFT)
_Static_assert(3 + COR_EVENT_SEQ_BITS + COR_EVENT_KIND_BITS + COR_EVENT_ARG_BITS == 64,
               "the order word is class, sequence, kind and argument");

static const struct cor_event_key NONE = {UINT64_MAX, UINT64_MAX};

void cor_eventq_init(struct cor_eventq *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
    q->held = false;
    q->seq = 0;
}

void cor_eventq_fini(struct cor_eventq *q)
{
    free(q->heap);
    cor_eventq_init(q);
}

void cor_eventq_clear(struct cor_eventq *q)
{
    for (size_t i = 0; i < q->n; i++)
        q->heap[i] = NONE;
    q->n = 0;
    q->held = false;
    q->seq = 0;
}

/* 1 when a comes before b, computed without a branch. */
#ifdef __SIZEOF_INT128__
static inline int before(const struct cor_event_key *a, const struct cor_event_key *b)
{
    unsigned __int128 ka = ((unsigned __int128)a->time << 64) | a->order;
    unsigned __int128 kb = ((unsigned __int128)b->time << 64) | b->order;
    return ka < kb;
}
#else
static inline int before(const struct cor_event_key *a, const struct cor_event_key *b)
{
    return (a->time < b->time) | ((a->time == b->time) & (a->order < b->order));
}
#endif

/* The earliest of the four children starting at c, without a branch. */
static inline size_t earliest_child(const struct cor_event_key *h, size_t c)
{
    size_t a = c + (size_t)before(&h[c + 1], &h[c]);
    size_t b = c + 2 + (size_t)before(&h[c + 3], &h[c + 2]);
    /* b if b is earlier, else a, as a mask: GCC compiles the equivalent
     * ?: to a (mispredicted) branch here. */
    size_t take_b = (size_t)0 - (size_t)before(&h[b], &h[a]);
    return a ^ ((a ^ b) & take_b);
}

static int cmp_key(const void *a, const void *b)
{
    return before(a, b) ? -1 : before(b, a);
}

/* The sequence is exhausted: number the queued events 0, 1, ... in their
 * (time, class, sequence) order. Their relative order is unchanged, new
 * events still come after them among ties, and a sorted array is a heap. */
static void renumber(struct cor_eventq *q)
{
    qsort(q->heap, q->n, sizeof *q->heap, cmp_key);
    for (size_t i = 0; i < q->n; i++)
        q->heap[i].order = (q->heap[i].order & ~ORDER_SEQ_MASK) |
                           ((uint64_t)i << ORDER_SEQ_SHIFT);
    q->seq = q->n;
}

/* Puts x at slot i or, if it is earlier than the parent, further up: new
 * and former-last events are mostly late, so a step or none. */
static inline void sift_up(struct cor_event_key *h, size_t i, struct cor_event_key x)
{
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!before(&x, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = x;
}

/* Removes the root for good: the hole walks down to a leaf along the
 * earliest children, without a comparison against the element that fills
 * it, and the former last element sifts up from there (usually a step or
 * none, since it came from the bottom). */
static void remove_root(struct cor_eventq *q)
{
    struct cor_event_key *h = q->heap;
    size_t n = --q->n;
    struct cor_event_key last = h[n];
    h[n] = NONE;
    if (n == 0)
        return;
    size_t i = 0, c;
    while ((c = 4 * i + 1) < n) {
        size_t best = earliest_child(h, c);
        h[i] = h[best];
        i = best;
    }
    sift_up(h, i, last);
}

void cor_eventq_push(struct cor_eventq *q, double t, enum cor_event_class cls,
                     uint32_t kind, uint32_t arg)
{
    /* Three slots past the last event keep the walk down in bounds. */
    if (q->n + 4 > q->cap) {
        size_t old = q->cap;
        cor_grow((void **)&q->heap, &q->cap, q->n + 4, sizeof *q->heap);
        for (size_t i = old; i < q->cap; i++)
            q->heap[i] = NONE;
    }
    if (q->seq == COR_EVENT_SEQ_LIMIT)
        renumber(q);
    /* t >= 0 (the engine never schedules into the past); + 0.0 turns a
     * -0.0 into +0.0 so that its bit pattern sorts with the zeros. */
    double tt = t + 0.0;
    struct cor_event_key e;
    memcpy(&e.time, &tt, sizeof e.time);
    e.order = ((uint64_t)cls << ORDER_CLASS_SHIFT) | (q->seq++ << ORDER_SEQ_SHIFT) |
              ((uint64_t)kind << COR_EVENT_ARG_BITS) | arg;
    struct cor_event_key *h = q->heap;
    if (q->held) {
        /* The root is the event being handled: the new one takes its
         * place and sinks (one walk instead of a removal and an insertion;
         * most handlers schedule exactly one event). New events are mostly
         * far in the future, so the loop's exit is well predicted. */
        q->held = false;
        size_t i = 0, c;
        while ((c = 4 * i + 1) < q->n) {
            size_t best = earliest_child(h, c);
            if (!before(&h[best], &e))
                break;
            h[i] = h[best];
            i = best;
        }
        h[i] = e;
        return;
    }
    sift_up(h, q->n++, e);
}

bool cor_eventq_pop(struct cor_eventq *q, struct cor_event *out)
{
    if (q->held) {
        q->held = false;
        remove_root(q);
    }
    if (q->n == 0)
        return false;
    const struct cor_event_key *top = &q->heap[0];
    memcpy(&out->t, &top->time, sizeof out->t);
    out->order = top->order;
    out->kind = (uint32_t)(top->order >> COR_EVENT_ARG_BITS) & ((1u << COR_EVENT_KIND_BITS) - 1);
    out->arg = (uint32_t)top->order & (COR_EVENT_ARG_LIMIT - 1);
    /* The event stays at the root until the next push or pop: if the
     * handler schedules an event, that one simply replaces it. */
    q->held = true;
    return true;
}
