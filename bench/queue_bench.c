/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Event-queue candidates timed on the real workload of a scenario.
 *
 * The program links the core library with the linker's --wrap on
 * cor_eventq_push/pop/clear, runs real replications of a scenario, and
 * records every queue operation (push with its time and class, pop, clear)
 * in the order the engine made them. It then replays that exact sequence
 * against each candidate queue, several times, and reports nanoseconds per
 * pushed-and-popped event. Every candidate must pop the very same events in
 * the very same order as the reference (a checksum over the popped
 * sequence), so a faster queue that bent the (time, class, sequence)
 * contract would be caught here before it reached sim/event.c.
 *
 * Replaying a recording isolates the queue: the engine's own work, which
 * dwarfs the queue in wall time, would otherwise swamp the differences. The
 * end-to-end effect of the chosen queue is measured by bench/run.sh.
 *
 * Usage: queue_bench SCENARIO.yaml [REPS] [ROUNDS] [ONLY]
 * ONLY names one candidate (as printed), to profile it alone under
 * `perf stat`. */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <gsl/gsl_errno.h>

#include "corridor/experiment.h"
#include "corridor/scenario.h"
#include "event.h"

#include "benchutil.h"

/* ---- recording --------------------------------------------------------- */

enum { OP_PUSH, OP_POP, OP_CLEAR };

struct op {
    double t;
    uint32_t kind, arg;
    uint8_t type, cls;
};

static struct op *ops;
static size_t nops, capops;
static size_t max_n;

static void record(struct op o)
{
    if (nops == capops) {
        capops = capops ? 2 * capops : 1 << 20;
        ops = realloc(ops, capops * sizeof *ops);
        if (!ops)
            abort();
    }
    ops[nops++] = o;
}

void __real_cor_eventq_push(struct cor_eventq *q, double t,
                            enum cor_event_class cls, uint32_t kind, uint32_t arg);
bool __real_cor_eventq_pop(struct cor_eventq *q, struct cor_event *e);
void __real_cor_eventq_clear(struct cor_eventq *q);
void __wrap_cor_eventq_push(struct cor_eventq *q, double t,
                            enum cor_event_class cls, uint32_t kind, uint32_t arg);
bool __wrap_cor_eventq_pop(struct cor_eventq *q, struct cor_event *e);
void __wrap_cor_eventq_clear(struct cor_eventq *q);

void __wrap_cor_eventq_push(struct cor_eventq *q, double t,
                            enum cor_event_class cls, uint32_t kind, uint32_t arg)
{
    record((struct op){t, kind, arg, OP_PUSH, (uint8_t)cls});
    __real_cor_eventq_push(q, t, cls, kind, arg);
    if (cor_eventq_count(q) > max_n)
        max_n = cor_eventq_count(q);
}

bool __wrap_cor_eventq_pop(struct cor_eventq *q, struct cor_event *e)
{
    record((struct op){0, 0, 0, OP_POP, 0});
    return __real_cor_eventq_pop(q, e);
}

void __wrap_cor_eventq_clear(struct cor_eventq *q)
{
    record((struct op){0, 0, 0, OP_CLEAR, 0});
    __real_cor_eventq_clear(q);
}

/* ---- the common event record --------------------------------------------- */

struct ev {
    double t;
    uint64_t order; /* class in the top 2 bits, then the insertion sequence */
    uint32_t kind, arg;
};

static inline bool ev_before(const struct ev *a, const struct ev *b)
{
    return a->t < b->t || (a->t == b->t && a->order < b->order);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        abort();
    return p;
}

/* ---- 1. binary heap (the original sim/event.c) -------------------------- */

struct bin {
    struct ev *h;
    size_t n, cap;
    uint64_t seq;
};

static inline void bin_push(struct bin *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct ev e = {t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_before(&e, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline bool bin_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[0];
    struct ev last = q->h[--q->n];
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_before(&q->h[c + 1], &q->h[c]))
            c++;
        if (!ev_before(&q->h[c], &last))
            break;
        q->h[i] = q->h[c];
        i = c;
    }
    if (n)
        q->h[i] = last;
    return true;
}

static inline void bin_clear(struct bin *q)
{
    q->n = 0;
    q->seq = 0;
}

/* ---- 2. binary heap, bottom-up pop (Floyd / Wegener) --------------------- */

/* The hole left at the root walks down to a leaf along the smaller child
 * (one comparison per level instead of two), then the last element sifts
 * up from there; it usually belongs near the bottom, so that is short. */
static inline bool bub_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[0];
    struct ev last = q->h[--q->n];
    size_t n = q->n, i = 0;
    if (n == 0)
        return true;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_before(&q->h[c + 1], &q->h[c]))
            c++;
        q->h[i] = q->h[c];
        i = c;
    }
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_before(&last, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = last;
    return true;
}

/* ---- 3. 4-ary heap -------------------------------------------------------- */

static inline void quad_push(struct bin *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct ev e = {t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!ev_before(&e, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline bool quad_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[0];
    struct ev last = q->h[--q->n];
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (ev_before(&q->h[k], &q->h[best]))
                best = k;
        if (!ev_before(&q->h[best], &last))
            break;
        q->h[i] = q->h[best];
        i = best;
    }
    if (n)
        q->h[i] = last;
    return true;
}

/* ---- 4. 4-ary heap on integer keys -------------------------------------- */

/* A non-negative double's bit pattern orders like the double itself, so
 * (time bits, order) compares as two unsigned integers: no floating-point
 * compare, and the two halves can be combined without a branch. */
struct ikev {
    uint64_t tb, order;
    double t;
    uint32_t kind, arg;
};

struct iquad {
    struct ikev *h;
    size_t n, cap;
    uint64_t seq;
};

static inline uint64_t tbits(double t)
{
    uint64_t b;
    t += 0.0; /* -0.0 becomes +0.0 */
    memcpy(&b, &t, sizeof b);
    return b;
}

static inline bool ik_before(const struct ikev *a, const struct ikev *b)
{
    return a->tb < b->tb || (a->tb == b->tb && a->order < b->order);
}

static inline void iquad_push(struct iquad *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct ikev e = {tbits(t), ((uint64_t)cls << 61) | q->seq++, t, kind, arg};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!ik_before(&e, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline bool iquad_pop(struct iquad *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    const struct ikev *top = &q->h[0];
    *out = (struct ev){top->t, top->order, top->kind, top->arg};
    struct ikev last = q->h[--q->n];
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (ik_before(&q->h[k], &q->h[best]))
                best = k;
        if (!ik_before(&q->h[best], &last))
            break;
        q->h[i] = q->h[best];
        i = best;
    }
    if (n)
        q->h[i] = last;
    return true;
}

static inline void iquad_clear(struct iquad *q)
{
    q->n = 0;
    q->seq = 0;
}

/* ---- 5. 4-ary heap of 16-byte keys, payload kept apart ------------------ */

/* The heap moves only (time, order-with-slot) pairs; kind and argument sit
 * in a side table indexed by a slot number packed into the order word's
 * low bits... which would change the tie order. Instead the slot rides in
 * the low 32 bits beside a 30-bit sequence: valid while a replication
 * pushes fewer than 2^30 events, which the engine's event cap (2e8)
 * guarantees. */
struct kv {
    double t;
    uint64_t key; /* class:2 | seq:30 | slot:32 */
};

struct sep {
    struct kv *h;
    uint32_t *kind, *arg;
    uint32_t *free_slots;
    size_t n, cap, nfree;
    uint64_t seq;
};

static inline bool kv_before(const struct kv *a, const struct kv *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

static inline void sep_push(struct sep *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        size_t old = q->cap;
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
        q->kind = xrealloc(q->kind, q->cap * sizeof *q->kind);
        q->arg = xrealloc(q->arg, q->cap * sizeof *q->arg);
        q->free_slots = xrealloc(q->free_slots, q->cap * sizeof *q->free_slots);
        for (size_t s = q->cap; s-- > old;)
            q->free_slots[q->nfree++] = (uint32_t)s;
    }
    uint32_t slot = q->free_slots[--q->nfree];
    q->kind[slot] = kind;
    q->arg[slot] = arg;
    struct kv e = {t, ((uint64_t)cls << 61) | (q->seq++ << 32) | slot};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!kv_before(&e, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline bool sep_pop(struct sep *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    uint32_t slot = (uint32_t)q->h[0].key;
    out->t = q->h[0].t;
    out->order = (q->h[0].key & (7ULL << 61)) | ((q->h[0].key >> 32) & 0x1fffffffULL);
    out->kind = q->kind[slot];
    out->arg = q->arg[slot];
    q->free_slots[q->nfree++] = slot;
    struct kv last = q->h[--q->n];
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (kv_before(&q->h[k], &q->h[best]))
                best = k;
        if (!kv_before(&q->h[best], &last))
            break;
        q->h[i] = q->h[best];
        i = best;
    }
    if (n)
        q->h[i] = last;
    return true;
}

static inline void sep_clear(struct sep *q)
{
    q->n = 0;
    q->seq = 0;
    q->nfree = 0;
    for (size_t s = q->cap; s-- > 0;)
        q->free_slots[q->nfree++] = (uint32_t)s;
}

/* ---- 6. pairing heap ------------------------------------------------------ */

struct pnode {
    struct ev e;
    int child, sibling; /* -1: none */
};

struct pair {
    struct pnode *p;
    int root, free_head;
    size_t cap, n;
    uint64_t seq;
    int *stack;
};

static inline int pair_link(struct pair *q, int a, int b)
{
    if (ev_before(&q->p[b].e, &q->p[a].e)) {
        int t = a;
        a = b;
        b = t;
    }
    q->p[b].sibling = q->p[a].child;
    q->p[a].child = b;
    return a;
}

static inline void pair_push(struct pair *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->free_head < 0) {
        size_t old = q->cap;
        q->cap = q->cap ? 2 * q->cap : 64;
        q->p = xrealloc(q->p, q->cap * sizeof *q->p);
        q->stack = xrealloc(q->stack, q->cap * sizeof *q->stack);
        for (size_t i = old; i < q->cap; i++)
            q->p[i].sibling = i + 1 < q->cap ? (int)(i + 1) : -1;
        q->free_head = (int)old;
    }
    int x = q->free_head;
    q->free_head = q->p[x].sibling;
    q->p[x].e = (struct ev){t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    q->p[x].child = q->p[x].sibling = -1;
    q->root = q->root < 0 ? x : pair_link(q, q->root, x);
    q->n++;
}

static inline bool pair_pop(struct pair *q, struct ev *out)
{
    if (q->root < 0)
        return false;
    int r = q->root;
    *out = q->p[r].e;
    /* Two-pass merge: pair up left to right, then fold right to left. */
    int ns = 0, c = q->p[r].child;
    while (c >= 0) {
        int a = c, b = q->p[a].sibling;
        if (b < 0) {
            q->stack[ns++] = a;
            break;
        }
        c = q->p[b].sibling;
        q->p[a].sibling = q->p[b].sibling = -1;
        q->stack[ns++] = pair_link(q, a, b);
    }
    int root = -1;
    while (ns > 0) {
        int a = q->stack[--ns];
        q->p[a].sibling = -1;
        root = root < 0 ? a : pair_link(q, a, root);
    }
    q->root = root;
    q->p[r].sibling = q->free_head;
    q->free_head = r;
    q->n--;
    return true;
}

static inline void pair_clear(struct pair *q)
{
    q->root = -1;
    q->n = 0;
    q->seq = 0;
    q->free_head = q->cap ? 0 : -1;
    for (size_t i = 0; i < q->cap; i++)
        q->p[i].sibling = i + 1 < q->cap ? (int)(i + 1) : -1;
}

/* ---- 7. sorted array (O(n) insertion: for reference only) --------------- */

/* Kept in descending order so the earliest event is popped off the end.
 * Insertion scans from the end (new events tend to be near the front of
 * time, i.e. the end of the array, when the queue is short-horizon), then
 * memmoves. Quadratic in the worst case, so never a candidate for the
 * engine whatever it measures; it shows what a heap costs at this size. */
static inline void sorted_push(struct bin *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct ev e = {t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    size_t lo = 0, hi = q->n; /* first index whose element is before e */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ev_before(&q->h[mid], &e))
            hi = mid;
        else
            lo = mid + 1;
    }
    memmove(&q->h[lo + 1], &q->h[lo], (q->n - lo) * sizeof *q->h);
    q->h[lo] = e;
    q->n++;
}

static inline bool sorted_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[--q->n];
    return true;
}

/* ---- 8. calendar queue (Brown 1988) ------------------------------------- */

/* Buckets of width w over a "year" of nb * w hours; each bucket is a list
 * sorted by the full (time, order) key, so the contract holds exactly. The
 * bucket count doubles or halves with the event count and the width is
 * re-estimated from the spacing of the earliest events, as Brown does. */
struct cnode {
    struct ev e;
    int next;
};

struct cal {
    struct cnode *p;
    int free_head;
    size_t cap, n;
    int *bucket;
    size_t nb;
    double w, bucket_top; /* upper time bound of the current bucket */
    size_t cur;
    uint64_t seq;
};

static int cal_alloc(struct cal *q)
{
    if (q->free_head < 0) {
        size_t old = q->cap;
        q->cap = q->cap ? 2 * q->cap : 64;
        q->p = xrealloc(q->p, q->cap * sizeof *q->p);
        for (size_t i = old; i < q->cap; i++)
            q->p[i].next = i + 1 < q->cap ? (int)(i + 1) : -1;
        q->free_head = (int)old;
    }
    int x = q->free_head;
    q->free_head = q->p[x].next;
    return x;
}

static void cal_insert_node(struct cal *q, int x)
{
    size_t b = (size_t)(q->p[x].e.t / q->w) % q->nb;
    int *link = &q->bucket[b];
    while (*link >= 0 && ev_before(&q->p[*link].e, &q->p[x].e))
        link = &q->p[*link].next;
    q->p[x].next = *link;
    *link = x;
}

static void cal_setup(struct cal *q, size_t nb, double w, double now)
{
    q->bucket = xrealloc(q->bucket, nb * sizeof *q->bucket);
    for (size_t i = 0; i < nb; i++)
        q->bucket[i] = -1;
    q->nb = nb;
    q->w = w;
    q->cur = (size_t)(now / w) % nb;
    q->bucket_top = (floor(now / w) + 1.0) * w;
}

static double cal_last_t;

static void cal_resize(struct cal *q, size_t nb)
{
    /* Collect every node, estimate a width from the earliest few gaps. */
    size_t n = q->n, k = 0;
    int *all = malloc((n + 1) * sizeof *all);
    for (size_t b = 0; b < q->nb; b++)
        for (int x = q->bucket[b]; x >= 0; x = q->p[x].next)
            all[k++] = x;
    double w = q->w;
    if (n >= 2) {
        double lo = 1e300, hi = -1e300;
        for (size_t i = 0; i < n; i++) {
            double t = q->p[all[i]].e.t;
            lo = t < lo ? t : lo;
            hi = t > hi ? t : hi;
        }
        w = (hi - lo) / (double)n * 3.0;
        if (!(w > 1e-9))
            w = 1.0;
    }
    cal_setup(q, nb, w, cal_last_t);
    for (size_t i = 0; i < k; i++)
        cal_insert_node(q, all[i]);
    free(all);
}

static inline void cal_push(struct cal *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    int x = cal_alloc(q);
    q->p[x].e = (struct ev){t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    cal_insert_node(q, x);
    if (++q->n > 2 * q->nb)
        cal_resize(q, 2 * q->nb);
}

static inline bool cal_pop(struct cal *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    for (size_t scanned = 0;; scanned++) {
        int x = q->bucket[q->cur];
        if (x >= 0 && q->p[x].e.t < q->bucket_top) {
            *out = q->p[x].e;
            q->bucket[q->cur] = q->p[x].next;
            q->p[x].next = q->free_head;
            q->free_head = x;
            q->n--;
            cal_last_t = out->t;
            if (q->nb > 16 && q->n < q->nb / 2)
                cal_resize(q, q->nb / 2);
            return true;
        }
        q->cur = (q->cur + 1) % q->nb;
        q->bucket_top += q->w;
        if (scanned > q->nb) {
            /* A whole year without an event due: jump to the earliest. */
            int best = -1;
            for (size_t b = 0; b < q->nb; b++)
                if (q->bucket[b] >= 0 &&
                    (best < 0 || ev_before(&q->p[q->bucket[b]].e, &q->p[best].e)))
                    best = q->bucket[b];
            double t = q->p[best].e.t;
            q->cur = (size_t)(t / q->w) % q->nb;
            q->bucket_top = (floor(t / q->w) + 1.0) * q->w;
            scanned = 0;
        }
    }
}

static inline void cal_clear(struct cal *q)
{
    q->n = 0;
    q->seq = 0;
    q->free_head = q->cap ? 0 : -1;
    for (size_t i = 0; i < q->cap; i++)
        q->p[i].next = i + 1 < q->cap ? (int)(i + 1) : -1;
    cal_last_t = 0.0;
    cal_setup(q, 16, 4.0, 0.0);
}


/* ---- 9. branch-free variants --------------------------------------------- */

/* The queue holds about thirty events on this workload and their times are
 * random, so every comparison in the heaps above is a coin flip for the
 * branch predictor: a mispredict costs more than the whole comparison. The
 * variants below compute "a before b" with bitwise operators instead of
 * && and ||, which lets the compiler turn the child choice into
 * conditional moves. The double compare is kept as is (so -0.0 and +0.0
 * still tie, as in the original). */
static inline int bl_before(const struct ev *a, const struct ev *b)
{
    return (a->t < b->t) | ((a->t == b->t) & (a->order < b->order));
}

/* Binary heap, bottom-up pop, branch-free child choice. */
static inline void blbin_push(struct bin *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct ev e = {t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!bl_before(&e, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline bool blbin_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[0];
    size_t n = --q->n, i = 0;
    if (n == 0)
        return true;
    struct ev last = q->h[n];
    /* Children of i are 2i+1, 2i+2; while both exist, pick without a
     * branch. */
    for (;;) {
        size_t c = 2 * i + 1;
        if (c + 1 >= n) {
            if (c < n) {
                q->h[i] = q->h[c];
                i = c;
            }
            break;
        }
        c += (size_t)bl_before(&q->h[c + 1], &q->h[c]);
        q->h[i] = q->h[c];
        i = c;
    }
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!bl_before(&last, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = last;
    return true;
}

/* 4-ary heap, bottom-up pop, branch-free choice among four children. */
static inline void blquad_push(struct bin *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct ev e = {t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!bl_before(&e, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline bool blquad_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[0];
    size_t n = --q->n, i = 0;
    if (n == 0)
        return true;
    struct ev last = q->h[n];
    for (;;) {
        size_t c = 4 * i + 1;
        if (c + 3 >= n) {
            /* The last, partial family: at most three children. */
            if (c < n) {
                size_t best = c;
                for (size_t k = c + 1; k < n; k++)
                    best = bl_before(&q->h[k], &q->h[best]) ? k : best;
                q->h[i] = q->h[best];
                i = best;
            }
            break;
        }
        size_t a = c + (size_t)bl_before(&q->h[c + 1], &q->h[c]);
        size_t b = c + 2 + (size_t)bl_before(&q->h[c + 3], &q->h[c + 2]);
        size_t best = bl_before(&q->h[b], &q->h[a]) ? b : a;
        q->h[i] = q->h[best];
        i = best;
    }
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!bl_before(&last, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = last;
    return true;
}

/* 4-ary heap, top-down pop (stops early), branch-free family minimum. */
static inline bool blquad_td_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[0];
    size_t n = --q->n, i = 0;
    if (n == 0)
        return true;
    struct ev last = q->h[n];
    for (;;) {
        size_t c = 4 * i + 1, best;
        if (c + 3 < n) {
            size_t a = c + (size_t)bl_before(&q->h[c + 1], &q->h[c]);
            size_t b = c + 2 + (size_t)bl_before(&q->h[c + 3], &q->h[c + 2]);
            best = bl_before(&q->h[b], &q->h[a]) ? b : a;
        } else if (c < n) {
            best = c;
            for (size_t k = c + 1; k < n; k++)
                best = bl_before(&q->h[k], &q->h[best]) ? k : best;
        } else {
            break;
        }
        if (!bl_before(&q->h[best], &last))
            break;
        q->h[i] = q->h[best];
        i = best;
    }
    q->h[i] = last;
    return true;
}



/* ---- 10. 128-bit keys ------------------------------------------------------ */

/* (time bits, order) as one unsigned 128-bit number: a non-negative
 * double's bit pattern orders like the double (-0.0 is first made +0.0,
 * which keeps its ties with +0.0 exactly as before), so one wide compare
 * (cmp + sbb on x86-64) replaces the double compare, the equality test and
 * the order compare. */
#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

struct wev {
    u128 key; /* time bits << 64 | order */
    uint32_t kind, arg;
};

struct wheap {
    struct wev *h;
    size_t n, cap;
    uint64_t seq;
};

static inline void wbin_push_d(struct wheap *q, double t, int cls, uint32_t kind,
                               uint32_t arg, size_t d)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct wev e = {((u128)tbits(t) << 64) | (((uint64_t)cls << 61) | q->seq++), kind, arg};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / d;
        if (!(e.key < q->h[p].key))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline void wout(const struct wev *w, struct ev *out)
{
    uint64_t b = (uint64_t)(w->key >> 64);
    memcpy(&out->t, &b, sizeof b);
    out->order = (uint64_t)w->key;
    out->kind = w->kind;
    out->arg = w->arg;
}

static inline void wbin_push(struct wheap *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    wbin_push_d(q, t, cls, kind, arg, 2);
}

static inline void w4_push(struct wheap *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    wbin_push_d(q, t, cls, kind, arg, 4);
}

static inline bool wbin_pop(struct wheap *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    struct wev *h = q->h;
    wout(&h[0], out);
    size_t n = --q->n;
    if (n == 0)
        return true;
    struct wev last = h[n];
    size_t i = 0, c;
    while ((c = 2 * i + 2) < n) {
        c -= (size_t)(h[c - 1].key < h[c].key);
        h[i] = h[c];
        i = c;
    }
    if (c == n) {
        h[i] = h[c - 1];
        i = c - 1;
    }
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!(last.key < h[p].key))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = last;
    return true;
}

static inline bool w4_pop(struct wheap *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    struct wev *h = q->h;
    wout(&h[0], out);
    size_t n = --q->n;
    if (n == 0)
        return true;
    struct wev last = h[n];
    size_t i = 0, c;
    while ((c = 4 * i + 1) + 3 < n) {
        size_t a = c + (size_t)(h[c + 1].key < h[c].key);
        size_t b = c + 2 + (size_t)(h[c + 3].key < h[c + 2].key);
        size_t best = h[b].key < h[a].key ? b : a;
        h[i] = h[best];
        i = best;
    }
    if (c < n) {
        size_t best = c;
        for (size_t k = c + 1; k < n; k++)
            best = h[k].key < h[best].key ? k : best;
        h[i] = h[best];
        i = best;
    }
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!(last.key < h[p].key))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = last;
    return true;
}

static inline void w_clear(struct wheap *q)
{
    q->n = 0;
    q->seq = 0;
}

/* The same 4-ary heap on the plain 24-byte event record: the time is kept
 * as a double (made +0.0 if it was -0.0) and read as its bit pattern only
 * inside the comparison, where the compiler forms the 128-bit compare from
 * two 64-bit loads. No padding to a 16-byte boundary, no conversion on
 * pop. */
static inline u128 ev_key(const struct ev *e)
{
    uint64_t b;
    memcpy(&b, &e->t, sizeof b);
    return ((u128)b << 64) | e->order;
}

static inline void e4_push(struct bin *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    struct ev e = {t + 0.0, ((uint64_t)cls << 61) | q->seq++, kind, arg};
    u128 k = ev_key(&e);
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!(k < ev_key(&q->h[p])))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
}

static inline bool e4_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    struct ev *h = q->h;
    *out = h[0];
    size_t n = --q->n;
    if (n == 0)
        return true;
    struct ev last = h[n];
    size_t i = 0, c;
    while ((c = 4 * i + 1) + 3 < n) {
        size_t a = c + (size_t)(ev_key(&h[c + 1]) < ev_key(&h[c]));
        size_t b = c + 2 + (size_t)(ev_key(&h[c + 3]) < ev_key(&h[c + 2]));
        size_t best = ev_key(&h[b]) < ev_key(&h[a]) ? b : a;
        h[i] = h[best];
        i = best;
    }
    if (c < n) {
        size_t best = c;
        for (size_t k = c + 1; k < n; k++)
            best = ev_key(&h[k]) < ev_key(&h[best]) ? k : best;
        h[i] = h[best];
        i = best;
    }
    u128 lk = ev_key(&last);
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!(lk < ev_key(&h[p])))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = last;
    return true;
}
#endif

/* ---- 0. a stack: not a queue at all, it measures the replay's own cost -- */

static inline void stack_push(struct bin *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    q->h[q->n++] = (struct ev){t, ((uint64_t)cls << 61) | q->seq++, kind, arg};
}

static inline bool stack_pop(struct bin *q, struct ev *out)
{
    if (q->n == 0)
        return false;
    *out = q->h[--q->n];
    return true;
}

/* ---- 11. radix heap on time bits ------------------------------------------ */

/* Simulated time never goes back, so the queue is monotone: every event
 * pushed is at or after the last one popped. A radix heap exploits that:
 * bucket b holds the events whose time's bit pattern first differs from
 * the last popped time's at bit b - 1 (bucket 0: the same time). Push is
 * an append; pop takes the lowest non-empty bucket, makes its earliest
 * time the new "last" and spreads the bucket over lower ones. Ties (bucket
 * 0) are settled by the order word, smallest first. Faster than the
 * 4-ary heap that sim/event.c used when it was written, on this replay,
 * which runs nothing else (the tournament tree since beats it), but 20 % slower
 * in the engine itself (docs/performance.md, "Tried and not kept"): a
 * measurement of the queue alone is a guide, not a verdict. */
struct rev {
    uint64_t time, order; /* order: class, sequence, kind, argument */
};

struct radix {
    struct rev *b[64];
    size_t n[64], cap[64];
    uint64_t nonempty; /* bit b: bucket b holds events */
    uint64_t last;     /* time bits of the last pop */
    uint64_t seq;
    size_t count;
};

static inline unsigned rbucket(uint64_t x, uint64_t last)
{
    return x == last ? 0u : 64u - (unsigned)__builtin_clzll(x ^ last);
}

static inline void rappend(struct radix *q, unsigned b, struct rev e)
{
    if (q->n[b] == q->cap[b]) {
        q->cap[b] = q->cap[b] ? 2 * q->cap[b] : 16;
        q->b[b] = xrealloc(q->b[b], q->cap[b] * sizeof *q->b[b]);
    }
    q->b[b][q->n[b]++] = e;
    q->nonempty |= 1ULL << b;
}

static inline void radix_push(struct radix *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    struct rev e = {tbits(t), ((uint64_t)cls << 61) | (q->seq++ << 33) |
                                  ((uint64_t)kind << 29) | arg};
    rappend(q, rbucket(e.time, q->last), e);
    q->count++;
}

static inline bool radix_pop(struct radix *q, struct ev *out)
{
    if (q->count == 0)
        return false;
    if (!(q->nonempty & 1)) {
        unsigned b = (unsigned)__builtin_ctzll(q->nonempty);
        struct rev *v = q->b[b];
        size_t n = q->n[b];
        uint64_t m = v[0].time;
        for (size_t i = 1; i < n; i++)
            m = v[i].time < m ? v[i].time : m;
        q->last = m;
        q->n[b] = 0;
        q->nonempty &= ~(1ULL << b);
        for (size_t i = 0; i < n; i++)
            rappend(q, rbucket(v[i].time, m), v[i]);
    }
    struct rev *z = q->b[0];
    size_t k = 0;
    for (size_t i = 1; i < q->n[0]; i++)
        k = z[i].order < z[k].order ? i : k;
    memcpy(&out->t, &z[k].time, sizeof out->t);
    out->order = (z[k].order & (7ULL << 61)) | ((z[k].order >> 33) & 0xfffffffULL);
    out->kind = (uint32_t)(z[k].order >> 29) & 15u;
    out->arg = (uint32_t)z[k].order & 0x1fffffffu;
    z[k] = z[--q->n[0]];
    if (q->n[0] == 0)
        q->nonempty &= ~1ULL;
    q->count--;
    return true;
}

static inline void radix_clear(struct radix *q)
{
    for (int b = 0; b < 64; b++)
        q->n[b] = 0;
    q->nonempty = 0;
    q->last = 0;
    q->seq = 0;
    q->count = 0;
}

/* ---- the current sim/event.c ---------------------------------------------- */

static inline void cur_push(struct cor_eventq *q, double t, int cls, uint32_t kind, uint32_t arg)
{
    __real_cor_eventq_push(q, t, (enum cor_event_class)cls, kind, arg);
}

static inline bool cur_pop(struct cor_eventq *q, struct ev *out)
{
    struct cor_event e;
    if (!__real_cor_eventq_pop(q, &e))
        return false;
    /* Back to the common record's order word: class, then sequence (the
     * queue packs kind and argument below the sequence). */
    uint64_t seq = (e.order >> (COR_EVENT_KIND_BITS + COR_EVENT_ARG_BITS)) &
                   (COR_EVENT_SEQ_LIMIT - 1);
    *out = (struct ev){e.t, (e.order & (7ULL << 61)) | seq, e.kind, e.arg};
    return true;
}

/* ---- replay -------------------------------------------------------------- */

static inline uint64_t mix(uint64_t h, const struct ev *e)
{
    uint64_t b;
    memcpy(&b, &e->t, sizeof b);
    h ^= b + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= e->order + ((uint64_t)e->kind << 40) + e->arg + (h << 6) + (h >> 2);
    return h;
}

#define REPLAY(name, qtype, push, pop, clear)                                   \
    static __attribute__((noinline)) uint64_t replay_##name(qtype *q)                                   \
    {                                                                          \
        uint64_t h = 0;                                                        \
        struct ev e;                                                           \
        for (size_t i = 0; i < nops; i++) {                                    \
            const struct op *o = &ops[i];                                      \
            switch (o->type) {                                                 \
            case OP_PUSH: push(q, o->t, o->cls, o->kind, o->arg); break;       \
            case OP_POP:                                                       \
                if (pop(q, &e))                                                \
                    h = mix(h, &e);                                            \
                break;                                                         \
            default: clear(q); break;                                          \
            }                                                                  \
        }                                                                      \
        return h;                                                              \
    }

REPLAY(bin, struct bin, bin_push, bin_pop, bin_clear)
REPLAY(bub, struct bin, bin_push, bub_pop, bin_clear)
REPLAY(quad, struct bin, quad_push, quad_pop, bin_clear)
REPLAY(iquad, struct iquad, iquad_push, iquad_pop, iquad_clear)
REPLAY(sep, struct sep, sep_push, sep_pop, sep_clear)
REPLAY(pair, struct pair, pair_push, pair_pop, pair_clear)
REPLAY(sorted, struct bin, sorted_push, sorted_pop, bin_clear)
REPLAY(cal, struct cal, cal_push, cal_pop, cal_clear)
REPLAY(blbin, struct bin, blbin_push, blbin_pop, bin_clear)
REPLAY(blquad, struct bin, blquad_push, blquad_pop, bin_clear)
REPLAY(blquadtd, struct bin, blquad_push, blquad_td_pop, bin_clear)
REPLAY(stack, struct bin, stack_push, stack_pop, bin_clear)
#ifdef __SIZEOF_INT128__
REPLAY(wbin, struct wheap, wbin_push, wbin_pop, w_clear)
REPLAY(w4, struct wheap, w4_push, w4_pop, w_clear)
REPLAY(e4, struct bin, e4_push, e4_pop, bin_clear)
#endif
REPLAY(cur, struct cor_eventq, cur_push, cur_pop, __real_cor_eventq_clear)
REPLAY(radix, struct radix, radix_push, radix_pop, radix_clear)

/* One queue object per candidate, and a no-argument entry for the table. */
static struct bin q_stack, q_bin, q_bub, q_quad, q_sorted, q_blbin, q_blquad, q_blquadtd;
static struct iquad q_iquad;
static struct sep q_sep;
static struct pair q_pair = {.root = -1, .free_head = -1};
static struct cal q_cal = {.free_head = -1};
static struct cor_eventq q_cur;
static struct radix q_radix;
#ifdef __SIZEOF_INT128__
static struct wheap q_wbin, q_w4;
static struct bin q_e4;
#endif

#define ENTRY(name, q) \
    static uint64_t run_##name(void) { return replay_##name(&q); }
ENTRY(stack, q_stack)
ENTRY(cur, q_cur)
ENTRY(radix, q_radix)
ENTRY(bin, q_bin)
ENTRY(bub, q_bub)
ENTRY(quad, q_quad)
ENTRY(iquad, q_iquad)
ENTRY(sep, q_sep)
ENTRY(pair, q_pair)
ENTRY(sorted, q_sorted)
ENTRY(cal, q_cal)
ENTRY(blbin, q_blbin)
ENTRY(blquad, q_blquad)
ENTRY(blquadtd, q_blquadtd)
#ifdef __SIZEOF_INT128__
ENTRY(wbin, q_wbin)
ENTRY(w4, q_w4)
ENTRY(e4, q_e4)
#endif

struct candidate {
    const char *label;
    uint64_t (*run)(void);
    const char *what;
};

static const struct candidate candidates[] = {
    {"(replay)", run_stack, "a stack, not a queue: the replay loop's own cost"},
    {"current", run_cur, "sim/event.c as built"},
    {"radix", run_radix, "radix heap on time bits, ties by order"},
    {"binary", run_bin, "binary heap (the original sim/event.c)"},
    {"bin-bu", run_bub, "binary heap, bottom-up pop"},
    {"4-ary", run_quad, "4-ary heap"},
    {"4-ary-ik", run_iquad, "4-ary heap on integer time keys"},
    {"4-ary-kv", run_sep, "4-ary heap of 16-byte keys, payload apart"},
    {"pairing", run_pair, "pairing heap, two-pass"},
    {"sorted", run_sorted, "sorted array (O(n) insert; reference only)"},
    {"calendar", run_cal, "calendar queue (Brown)"},
    {"bl-bin-bu", run_blbin, "binary heap, bottom-up, branch-free"},
    {"bl-4-bu", run_blquad, "4-ary heap, bottom-up, branch-free"},
    {"bl-4-td", run_blquadtd, "4-ary heap, top-down, branch-free"},
#ifdef __SIZEOF_INT128__
    {"w-bin-bu", run_wbin, "binary heap, bottom-up, 128-bit keys"},
    {"w-4-bu", run_w4, "4-ary heap, bottom-up, 128-bit keys"},
    {"e-4-bu", run_e4, "4-ary heap, bottom-up, 128-bit compare of 24-byte events"},
#endif
};
enum { NCAND = sizeof candidates / sizeof *candidates, MAX_ROUNDS = 256 };

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SCENARIO.yaml [REPS] [ROUNDS] [ONLY]\n", argv[0]);
        return 2;
    }
    long reps = argc > 2 ? atol(argv[2]) : 100;
    int rounds = argc > 3 ? atoi(argv[3]) : 9;
    const char *only = argc > 4 ? argv[4] : NULL;
    if (rounds < 1)
        rounds = 1;
    if (rounds > MAX_ROUNDS)
        rounds = MAX_ROUNDS;
    gsl_set_error_handler_off();
    struct cor_scenario *sc = bench_load_scenario(argv[1]);
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_run_options o = cor_run_options_default(sc);
    o.replications = reps;
    o.threads = 1;
    struct cor_results *res = NULL;
    if (cor_experiment_run(sc, &o, &res, &d) != COR_OK) {
        cor_diag_print(&d, stderr);
        return 1;
    }
    size_t npush = 0;
    for (size_t i = 0; i < nops; i++)
        npush += ops[i].type == OP_PUSH;
    printf("# %s: %ld replications, %zu pushes, largest queue %zu events\n",
           sc->name, reps, npush, max_n);
    printf("# ns per event (one push and one pop), over %d rounds; rounds\n"
           "# alternate between candidates so that machine noise hits all alike\n",
           rounds);

    cor_eventq_init(&q_cur);
    cal_clear(&q_cal);
    uint64_t want = replay_bin(&q_bin);
    static double t[NCAND][MAX_ROUNDS];
    uint64_t h[NCAND];
    for (int r = 0; r < rounds; r++)
        for (int c = 0; c < NCAND; c++) {
            if (only && strcmp(only, candidates[c].label) != 0)
                continue;
            double t0 = bench_now();
            h[c] = candidates[c].run();
            t[c][r] = (bench_now() - t0) * 1e9 / (double)npush;
        }
    printf("%-10s %8s %8s %8s  %-9s  %s\n", "queue", "min", "median", "max",
           "order", "");
    for (int c = 0; c < NCAND; c++) {
        if (only && strcmp(only, candidates[c].label) != 0)
            continue;
        qsort(t[c], (size_t)rounds, sizeof **t, bench_cmp_double);
        printf("%-10s %8.2f %8.2f %8.2f  %-9s  %s\n", candidates[c].label, t[c][0],
               t[c][rounds / 2], t[c][rounds - 1],
               c == 0 ? "-" : h[c] == want ? "identical" : "DIFFERENT",
               candidates[c].what);
    }
    cor_results_free(res);
    cor_scenario_free(sc);
    cor_diag_fini(&d);
    return 0;
}
