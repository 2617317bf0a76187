/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A tournament tree ("winner tree") of events keyed by (time, class,
 * insertion sequence).
 *
 * Chosen by measurement (docs/performance.md; bench/queue_bench.c replays
 * the engine's recorded pushes and pops against each candidate, but only
 * the engine's own A/B run decides). On bench-rn1 the queue holds about
 * thirty events whose times are effectively random, so the cost is not
 * the number of comparisons but how they chain: in a heap, which child to
 * follow depends on the last comparison, so each level waits for the one
 * before it. Here:
 *
 * - every event sits in a leaf, and every internal node holds the earlier
 *   of its two children's keys, so the root is the earliest event; when a
 *   leaf changes, its path to the root is replayed, one comparison per
 *   level against the sibling. The path does not depend on the data, so
 *   the sibling loads run ahead and the walk is a short chain of
 *   compare-and-conditional-moves;
 * - the key (time, order) compares as one unsigned 128-bit number: a
 *   non-negative double's bit pattern orders like the double, and the
 *   order word (class in the top three bits, then the sequence) follows
 *   it. A comparison is a compare and a subtract-with-borrow;
 * - an event is that key and nothing else (kind and argument are packed
 *   into the order word's low bits, see event.h; in a leaf the argument's
 *   place holds the leaf's number, and the argument is kept beside);
 * - events take the lowest free leaves and only the smallest power-of-two
 *   prefix of leaves holding events is played: its subtree's top is the
 *   earliest event. A walk is log2 of that prefix, however large the tree
 *   grew in a burst of events;
 * - the played part, once widened to w leaves, never shrinks below the
 *   smaller of w and 64, replication after replication. On bench-rn1 the
 *   thirty-odd pending events filled 32 or 64 leaves by turns, and each
 *   change moved the exit of every walk's loop and the outcome of the
 *   test that shrinks the played part: both mispredicted. Held at 64, the
 *   walks are six levels nearly always. A small model keeps its short
 *   walks (an M/M/1 queue's two events, one level);
 * - pop hands out the root but leaves the event in its leaf ("held"): most
 *   handlers schedule exactly one event, which then simply replaces it and
 *   replays the path once. A new event in an empty leaf replays its whole
 *   path too, without branches: the walk could stop at the first match
 *   the new event loses, but where that is depends on the data, and the
 *   mispredicted exit cost more than the levels it saved.
 *
 * A time of -0.0 is stored as +0.0 (its bit pattern would otherwise sort
 * last). The two compare equal as doubles, so ties between them still fall
 * to the order word, as with a floating-point compare: the order in which
 * events come out is exactly the (time, class, sequence) order.
 *
 * A binary and a 4-ary heap (the previous choice), a pairing heap, a
 * calendar queue, a sorted array, a radix heap and a heap ordered by time
 * alone were measured too (see docs/performance.md). Keys are unique, so
 * any correct queue pops the same sequence: the choice changes speed,
 * never results. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define ORDER_CLASS_SHIFT 61
#define ORDER_SEQ_SHIFT (COR_EVENT_KIND_BITS + COR_EVENT_ARG_BITS)
#define ORDER_SEQ_MASK ((COR_EVENT_SEQ_LIMIT - 1) << ORDER_SEQ_SHIFT)
#define ORDER_LOW_MASK ((uint64_t)COR_EVENT_ARG_LIMIT - 1)
_Static_assert(3 + COR_EVENT_SEQ_BITS + COR_EVENT_KIND_BITS + COR_EVENT_ARG_BITS == 64,
               "the order word is class, sequence, kind and argument");

#define MIN_WIDTH 64 /* one word of free_bits */
#define MAX_FLOOR 64 /* the played part's floor rises no higher */

/* Words of the free-leaf bitmap, and words of its summary. */
static inline size_t bit_words(size_t width)
{
    return width / 64;
}

static inline size_t summary_words(size_t width)
{
    return (bit_words(width) + 63) / 64;
}

static const struct cor_event_key NONE = {UINT64_MAX, UINT64_MAX};

/* Real keys have a non-negative time, whose sign bit is 0. */
static inline bool is_none(const struct cor_event_key *k)
{
    return k->time == UINT64_MAX;
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

/* One match: the node at byte offset *at, whose key is *k, meets its
 * sibling; the earlier of the two becomes *k and the parent's key, and
 * *at the parent's offset. Nodes are addressed by byte offsets, which
 * saves scaling an index at every level, and the sibling's offset does
 * not depend on any comparison, so its load runs ahead of the compares.
 *
 * x86-64: thirteen instructions a level. Four find the two offsets; the
 * asm loads the sibling, picks the winner with a compare, a subtract with
 * borrow and two conditional moves, and stores it, addressing base plus
 * offset. Written in C, the pick becomes a branch that the random outcomes
 * mispredict, or a dozen mask operations, and GCC adds the base to each
 * offset before using it: fifteen instructions or more. The asm is
 * volatile because its effect is the store. */
static inline __attribute__((always_inline)) void match(char *base, struct cor_event_key *k,
                                                       size_t *at)
{
    _Static_assert(sizeof *k == 16, "a key is 16 bytes: a sibling is 16 bytes away");
#if defined(__x86_64__) && defined(__GNUC__)
    uint64_t kt = k->time, ko = k->order, st, so, d;
    size_t sib = *at ^ 16, up = (*at >> 1) & ~(size_t)15;
    __asm__ volatile("movq (%[b],%[sib]), %[st]\n\t"
                     "movq 8(%[b],%[sib]), %[so]\n\t"
                     "movq %[st], %[d]\n\t"
                     "cmpq %[ko], %[so]\n\t"
                     "sbbq %[kt], %[d]\n\t"
                     "cmovcq %[st], %[kt]\n\t"
                     "cmovcq %[so], %[ko]\n\t"
                     "movq %[kt], (%[b],%[up])\n\t"
                     "movq %[ko], 8(%[b],%[up])"
                     : [kt] "+r"(kt), [ko] "+r"(ko), [st] "=&r"(st), [so] "=&r"(so),
                       [d] "=&r"(d)
                     : [b] "r"(base), [sib] "r"(sib), [up] "r"(up)
                     : "cc", "memory");
    k->time = kt;
    k->order = ko;
    *at = up;
#else
    const struct cor_event_key *s = (const struct cor_event_key *)(base + (*at ^ 16));
    uint64_t take = (uint64_t)0 - (uint64_t)before(s, k);
    k->time ^= (k->time ^ s->time) & take;
    k->order ^= (k->order ^ s->order) & take;
    *at = (*at >> 1) & ~(size_t)15;
    *(struct cor_event_key *)(base + *at) = *k;
#endif
}

/* Leaf i's key changed: replay its `levels` matches up to the top of the
 * played part. (Unrolled, with a jump into the steps by the number of
 * levels, or with six levels written out, the walk was slower:
 * docs/performance.md.) */
static inline void replay(struct cor_event_key *tree, size_t i, unsigned levels)
{
    char *base = (char *)tree;
    struct cor_event_key k = tree[i];
    size_t at = i * sizeof k;
    for (; levels > 0; levels--)
        match(base, &k, &at);
}

/* Levels from a leaf to the top of the played part. */
static inline unsigned levels_of(const struct cor_eventq *q)
{
    return (unsigned)__builtin_ctzll(q->active);
}

/* Node i becomes the earlier of its two children: the match of its left
 * child. */
static inline void play(struct cor_event_key *tree, size_t i)
{
    struct cor_event_key k = tree[2 * i];
    size_t at = 2 * i * sizeof k;
    match((char *)tree, &k, &at);
}

/* Recomputes every internal node from the leaves. */
static void rebuild(struct cor_event_key *tree, size_t width)
{
    for (size_t i = width - 1; i >= 1; i--)
        play(tree, i);
}

/* Marks the leaves of bitmap words w0 onwards empty, in the bitmap and in
 * its summary (whose words from the one w0 starts are rewritten). */
static void mark_free_from(struct cor_eventq *q, size_t w0)
{
    for (size_t s = (w0 + 63) / 64; s < summary_words(q->width); s++)
        q->free_words[s] = 0;
    for (size_t w = w0; w < bit_words(q->width); w++) {
        q->free_bits[w] = UINT64_MAX;
        q->free_words[w / 64] |= (uint64_t)1 << (w % 64);
    }
}

/* Doubles the leaves (the first call makes MIN_WIDTH), keeping the
 * events in their leaves. */
static void grow(struct cor_eventq *q)
{
    size_t old = q->width, width = old ? 2 * old : MIN_WIDTH;
    struct cor_event_key *tree = cor_malloc(2 * width * sizeof *tree);
    for (size_t i = 0; i < 2 * width; i++)
        tree[i] = NONE;
    if (old)
        memcpy(&tree[width], &q->tree[old], old * sizeof *tree);
    rebuild(tree, width);
    free(q->tree);
    q->tree = tree;
    q->arg = cor_realloc(q->arg, width * sizeof *q->arg);
    q->free_bits = cor_realloc(q->free_bits, bit_words(width) * sizeof *q->free_bits);
    q->free_words = cor_realloc(q->free_words, summary_words(width) * sizeof *q->free_words);
    q->width = width;
    mark_free_from(q, bit_words(old));
    if (q->held)
        q->held += width - old;
    if (!old)
        q->active = q->floor = 1;
    q->root = width / q->active;
}

void cor_eventq_init(struct cor_eventq *q)
{
    memset(q, 0, sizeof *q);
    grow(q);
}

void cor_eventq_fini(struct cor_eventq *q)
{
    free(q->tree);
    free(q->arg);
    free(q->free_bits);
    free(q->free_words);
    memset(q, 0, sizeof *q);
}

void cor_eventq_clear(struct cor_eventq *q)
{
    for (size_t i = 0; i < 2 * q->width; i++)
        q->tree[i] = NONE;
    mark_free_from(q, 0);
    q->active = q->floor;
    q->root = q->width / q->floor;
    q->held = 0;
    q->pending = 0;
    q->seq = 0;
}

/* Takes the lowest free leaf, widening the active part to include it. The
 * summary finds the bitmap's first word with a free leaf: one word covers
 * 4,096 leaves, so the scan is a step or two however full the queue. */
static size_t take_leaf(struct cor_eventq *q)
{
    size_t s;
    for (;;) {
        for (s = 0; s < summary_words(q->width) && q->free_words[s] == 0; s++)
            ;
        if (s < summary_words(q->width))
            break;
        grow(q);
    }
    size_t w = 64 * s + (size_t)__builtin_ctzll(q->free_words[s]);
    size_t l = 64 * w + (size_t)__builtin_ctzll(q->free_bits[w]);
    q->free_bits[w] &= q->free_bits[w] - 1;
    if (q->free_bits[w] == 0)
        q->free_words[s] &= ~((uint64_t)1 << (w % 64));
    while (l >= q->active) {
        /* The node above the old top has not been kept up to date. */
        q->active *= 2;
        q->root /= 2;
        play(q->tree, q->root);
        if (q->active <= MAX_FLOOR)
            q->floor = q->active;
    }
    return l;
}

/* Whether leaves [from, to) are all empty. */
static bool all_free(const struct cor_eventq *q, size_t from, size_t to)
{
    if (to <= 64) {
        uint64_t mask = (to == 64 ? UINT64_MAX : ((uint64_t)1 << to) - 1) &
                        ~(((uint64_t)1 << from) - 1);
        return (q->free_bits[0] & mask) == mask;
    }
    for (size_t w = from / 64; w < to / 64; w++)
        if (q->free_bits[w] != UINT64_MAX)
            return false;
    return true;
}

/* The event pop handed out last leaves its leaf; the active part shrinks
 * while its upper half is empty, down to its floor. */
static void retire_held(struct cor_eventq *q)
{
    size_t i = q->held, l = i - q->width;
    q->held = 0;
    q->tree[i] = NONE;
    replay(q->tree, i, levels_of(q));
    q->free_bits[l / 64] |= (uint64_t)1 << (l % 64);
    q->free_words[l / 64 / 64] |= (uint64_t)1 << (l / 64 % 64);
    while (q->active > q->floor && l >= q->active / 2 && all_free(q, q->active / 2, q->active)) {
        q->active /= 2;
        q->root *= 2;
    }
}

static int cmp_key(const void *a, const void *b)
{
    return before(a, b) ? -1 : before(b, a);
}

/* The sequence is exhausted: number the queued events 0, 1, ... in their
 * (time, class, sequence) order. Their relative order is unchanged, and
 * new events still come after them among ties. */
static void renumber(struct cor_eventq *q)
{
    if (q->held)
        retire_held(q);
    struct cor_event_key *all = cor_malloc((q->pending + 1) * sizeof *all);
    size_t m = 0;
    for (size_t i = q->width; i < 2 * q->width; i++)
        if (!is_none(&q->tree[i]))
            all[m++] = q->tree[i];
    qsort(all, m, sizeof *all, cmp_key);
    for (size_t i = 0; i < m; i++) {
        struct cor_event_key k = all[i];
        k.order = (k.order & ~ORDER_SEQ_MASK) | ((uint64_t)i << ORDER_SEQ_SHIFT);
        q->tree[q->width + (k.order & ORDER_LOW_MASK)] = k;
    }
    free(all);
    rebuild(q->tree, q->width);
    q->seq = m;
}

/* The key of a new event at time t, its leaf still to be filled in; takes
 * the next sequence number. */
static inline struct cor_event_key new_key(struct cor_eventq *q, double t,
                                           enum cor_event_class cls, uint32_t kind)
{
    /* t >= 0 (the engine never schedules into the past); + 0.0 turns a
     * -0.0 into +0.0 so that its bit pattern sorts with the zeros. */
    double tt = t + 0.0;
    struct cor_event_key e;
    memcpy(&e.time, &tt, sizeof e.time);
    e.order = ((uint64_t)cls << ORDER_CLASS_SHIFT) | (q->seq++ << ORDER_SEQ_SHIFT) |
              ((uint64_t)kind << COR_EVENT_ARG_BITS);
    q->pending++;
    return e;
}

/* The event being handled is replaced where it stands by e: most handlers
 * schedule exactly one event. */
static inline void replace_held(struct cor_eventq *q, struct cor_event_key e, uint32_t arg)
{
    size_t i = q->held;
    q->held = 0;
    e.order |= i - q->width;
    q->tree[i] = e;
    q->arg[i - q->width] = arg;
    replay(q->tree, i, levels_of(q));
}

/* Every push but the common one: the sequence to renumber first, or no
 * held event to replace, so that the new one takes the lowest free leaf.
 * Out of line, so that the common push needs no registers saved. */
static __attribute__((noinline)) void push_slow(struct cor_eventq *q, double t,
                                                enum cor_event_class cls, uint32_t kind,
                                                uint32_t arg)
{
    if (q->seq == COR_EVENT_SEQ_LIMIT)
        renumber(q);
    struct cor_event_key e = new_key(q, t, cls, kind);
    if (q->held) {
        replace_held(q, e, arg);
        return;
    }
    size_t l = take_leaf(q);
    e.order |= l;
    q->tree[q->width + l] = e;
    q->arg[l] = arg;
    replay(q->tree, q->width + l, levels_of(q));
}

void cor_eventq_push(struct cor_eventq *q, double t, enum cor_event_class cls,
                     uint32_t kind, uint32_t arg)
{
    if (q->held && q->seq != COR_EVENT_SEQ_LIMIT)
        replace_held(q, new_key(q, t, cls, kind), arg);
    else
        push_slow(q, t, cls, kind, arg);
}

bool cor_eventq_pop(struct cor_eventq *q, struct cor_event *out)
{
    if (q->held)
        retire_held(q);
    const struct cor_event_key *top = &q->tree[q->root];
    if (is_none(top))
        return false;
    size_t l = (size_t)(top->order & ORDER_LOW_MASK);
    memcpy(&out->t, &top->time, sizeof out->t);
    out->kind = (uint32_t)(top->order >> COR_EVENT_ARG_BITS) & ((1u << COR_EVENT_KIND_BITS) - 1);
    out->arg = q->arg[l];
    out->order = (top->order & ~ORDER_LOW_MASK) | out->arg;
    /* The event stays in its leaf until the next push or pop: if the
     * handler schedules an event, that one simply replaces it. */
    q->held = q->width + l;
    q->pending--;
    return true;
}
