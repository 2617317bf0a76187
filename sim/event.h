/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event queue: a 4-ary min-heap ordered by (time, class, sequence).
 *
 * Classes make simultaneous events deterministic (DESIGN §2 "Ties"): closure
 * changes, then arrivals, then departures, then end-of-day consumption; the
 * sequence number (insertion order) breaks the remaining ties. The queue
 * knows nothing of convoys: an event carries a kind and an argument that the
 * engine interprets.
 *
 * Ownership: the queue owns its array; it grows (doubling) while a
 * replication warms up and is then reused, so steady state allocates
 * nothing. */
#ifndef COR_EVENT_H
#define COR_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Closure changes come first; among them, a closure's end comes after
 * any start at the same instant, so two windows that meet ([0, 1) and
 * [1, 2) days) leave no gap, whatever their order in the file. */
enum cor_event_class {
    COR_CLASS_CLOSURE = 0,
    COR_CLASS_CLOSURE_END = 1,
    COR_CLASS_ARRIVAL = 2,
    COR_CLASS_DEPARTURE = 3,
    COR_CLASS_DAY_END = 4
};

struct cor_event {
    double t;
    uint64_t order;   /* class in the top 3 bits, then insertion sequence */
    uint32_t kind;
    uint32_t arg;
};

struct cor_eventq {
    struct cor_event *heap;
    size_t n, cap;
    uint64_t seq;
};

void cor_eventq_init(struct cor_eventq *q);
void cor_eventq_fini(struct cor_eventq *q);
/* Empties the queue and restarts the sequence; keeps the memory. */
void cor_eventq_clear(struct cor_eventq *q);
void cor_eventq_push(struct cor_eventq *q, double t, enum cor_event_class cls,
                     uint32_t kind, uint32_t arg);
/* Removes the earliest event into *e; false when the queue is empty. */
bool cor_eventq_pop(struct cor_eventq *q, struct cor_event *e);

static inline size_t cor_eventq_count(const struct cor_eventq *q)
{
    return q->n;
}

#endif
