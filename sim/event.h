/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event queue: a tournament tree ordered by (time, class, sequence).
 *
 * Classes make simultaneous events deterministic (docs/model.md, "Ties"): closure
 * changes, then arrivals, then departures, then end-of-day consumption; the
 * sequence number (insertion order) breaks the remaining ties. The queue
 * knows nothing of convoys: an event carries a kind and an argument that the
 * engine interprets.
 *
 * Ownership: the queue owns its arrays; they grow (doubling) while a
 * replication warms up and are then reused, so steady state allocates
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

/* An event is one 16-byte key: the time's bit pattern, then the order word
 * (from the top) class (3 bits), sequence (28), kind (4), argument (29).
 * Sequences are unique among queued events, so kind and argument never
 * decide an order; they ride in the key so that the queue moves 16 bytes,
 * not 24 (inside the queue, the argument's bits name the event's leaf).
 * When the sequence would overflow, the queued events are renumbered in
 * their order (see cor_eventq_push), which no real run reaches: it takes
 * 2^28 events in one replication. */
#define COR_EVENT_SEQ_BITS 28
#define COR_EVENT_KIND_BITS 4
#define COR_EVENT_ARG_BITS 29
#define COR_EVENT_SEQ_LIMIT ((uint64_t)1 << COR_EVENT_SEQ_BITS)
#define COR_EVENT_ARG_LIMIT ((uint32_t)1 << COR_EVENT_ARG_BITS)

struct cor_event_key {
    uint64_t time;    /* bit pattern of a non-negative double */
    uint64_t order;
};

/* What pop hands back. */
struct cor_event {
    double t;
    uint64_t order;   /* class, sequence, kind, argument as above */
    uint32_t kind;
    uint32_t arg;
};

struct cor_eventq {
    /* A tournament tree: each internal node tree[i] holds the earlier of
     * tree[2i] and tree[2i + 1], and the leaves tree[width + l] hold the
     * events (all ones where none). Events are put in the lowest free
     * leaves, and only the first `active` leaves (a power of two, from
     * floor to width) can hold any: their subtree's top, tree[root] with
     * root = width / active, is the earliest event. A leaf's key carries
     * the leaf number where the argument would be; the argument is
     * arg[l]. */
    struct cor_event_key *tree;
    uint32_t *arg;
    uint64_t *free_bits; /* bit l: leaf l is empty */
    uint64_t *free_words; /* bit w: free_bits[w] is not 0 */
    size_t width;        /* leaves, a power of two, at least 64 */
    size_t active, root;
    size_t floor;        /* active never shrinks below it: the widest the
                            played part has been, but at most 64; kept by
                            cor_eventq_clear */
    size_t held;         /* tree index of the event pop handed out but left
                            in place until the next push or pop, or 0 */
    size_t pending;      /* events queued, not yet popped */
    uint64_t seq;
};

void cor_eventq_init(struct cor_eventq *q);
void cor_eventq_fini(struct cor_eventq *q);
/* Empties the queue and restarts the sequence; keeps the memory. */
void cor_eventq_clear(struct cor_eventq *q);
/* Queues an event at time t >= 0; kind < 2^4, arg < 2^29. */
void cor_eventq_push(struct cor_eventq *q, double t, enum cor_event_class cls,
                     uint32_t kind, uint32_t arg);
/* Removes the earliest event into *e; false when the queue is empty. */
bool cor_eventq_pop(struct cor_eventq *q, struct cor_event *e);

static inline size_t cor_eventq_count(const struct cor_eventq *q)
{
    return q->pending;
}

#endif
