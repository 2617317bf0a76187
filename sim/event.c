/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Binary min-heap of events keyed by (time, class, insertion sequence). */
#include "event.h"

#include <stdlib.h>

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

static inline bool before(const struct cor_event *a, const struct cor_event *b)
{
    return a->t < b->t || (a->t == b->t && a->order < b->order);
}

void cor_eventq_push(struct cor_eventq *q, double t, enum cor_event_class cls,
                     uint32_t kind, uint32_t arg)
{
    if (q->n == q->cap)
        cor_grow((void **)&q->heap, &q->cap, q->n + 1, sizeof *q->heap);
    struct cor_event e = {t, ((uint64_t)cls << 62) | q->seq++, kind, arg};
    size_t i = q->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&e, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = e;
}

bool cor_eventq_pop(struct cor_eventq *q, struct cor_event *out)
{
    if (q->n == 0)
        return false;
    *out = q->heap[0];
    struct cor_event last = q->heap[--q->n];
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&q->heap[c + 1], &q->heap[c]))
            c++;
        if (!before(&q->heap[c], &last))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    if (n)
        q->heap[i] = last;
    return true;
}
