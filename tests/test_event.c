/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event queue: order by (time, class, insertion sequence). */
#include "testutil.h"

#include "event.h"

static void test_event_orders_by_time_class_sequence(void **state)
{
    (void)state;
    struct cor_eventq q;
    cor_eventq_init(&q);
    cor_eventq_push(&q, 5.0, COR_CLASS_DAY_END, 0, 1);
    cor_eventq_push(&q, 5.0, COR_CLASS_DEPARTURE, 0, 2);
    cor_eventq_push(&q, 5.0, COR_CLASS_ARRIVAL, 0, 3);
    cor_eventq_push(&q, 5.0, COR_CLASS_CLOSURE, 0, 4);
    cor_eventq_push(&q, 5.0, COR_CLASS_ARRIVAL, 0, 5);
    cor_eventq_push(&q, 1.0, COR_CLASS_DAY_END, 0, 6);
    unsigned want[] = {6, 4, 3, 5, 2, 1};
    struct cor_event e;
    for (int i = 0; i < 6; i++) {
        assert_true(cor_eventq_pop(&q, &e));
        assert_int_equal(e.arg, want[i]);
    }
    assert_false(cor_eventq_pop(&q, &e));
    cor_eventq_fini(&q);
}

/* Random pushes interleaved with pops, checked against a plain list: every
 * pop must return the earliest of the queued events by (time, class,
 * insertion order). Times only move forward, as in a simulation, and many
 * share a time, so ties are exercised; pushing right after a pop exercises
 * the queue's replacement of the event it still holds. With swing, the
 * queue fills to a few hundred events and drains to none, again and again,
 * so that it grows, widens and narrows the part of its tree in use many
 * times over; otherwise it grows to thousands. Ends with a clear. */
enum { ROUNDS = 20000 };

struct item {
    double t;
    unsigned cls;
    bool queued;
};

/* *widest: the widest the played part has been, carried from run to run
 * (a clear must keep the floor it implies). */
static void run_rounds(struct cor_eventq *q, gsl_rng *r, struct item *items, bool swing,
                       size_t *widest)
{
    double now = 0;
    unsigned pushed = 0, popped = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double p_push = swing ? (round / 400 % 2 ? 0.3 : 0.7) : 0.6;
        if (gsl_rng_uniform(r) < p_push || cor_eventq_count(q) == 0) {
            double t = now + (double)gsl_rng_uniform_int(r, 4);
            unsigned cls = (unsigned)gsl_rng_uniform_int(r, 5);
            items[pushed] = (struct item){t, cls, true};
            cor_eventq_push(q, t, (enum cor_event_class)cls, cls, pushed);
            pushed++;
        } else {
            int want = -1;
            for (unsigned i = 0; i < pushed; i++) {
                if (!items[i].queued)
                    continue;
                if (want < 0 || items[i].t < items[want].t ||
                    (items[i].t == items[want].t && items[i].cls < items[want].cls))
                    want = (int)i; /* ids rise with i: ties keep the first */
            }
            struct cor_event e;
            assert_true(cor_eventq_pop(q, &e));
            assert_int_equal(e.arg, (unsigned)want);
            assert_int_equal(e.kind, items[want].cls);
            assert_true(e.t == items[want].t);
            items[want].queued = false;
            now = e.t;
            popped++;
        }
        assert_int_equal(pushed - popped, cor_eventq_count(q));
        /* The played part: a power of two from its floor to all the
         * leaves; the floor, the widest it has been, up to 64 leaves. */
        if (q->active > *widest)
            *widest = q->active;
        assert_true(q->floor <= q->active && q->active <= q->width);
        assert_true((q->active & (q->active - 1)) == 0 && q->root == q->width / q->active);
        assert_int_equal(q->floor, *widest < 64 ? *widest : 64);
    }
    cor_eventq_clear(q);
    assert_int_equal(cor_eventq_count(q), 0);
    assert_int_equal(q->floor, *widest < 64 ? *widest : 64);
    assert_int_equal(q->active, q->floor);
    assert_int_equal(q->root, q->width / q->floor);
    struct cor_event e;
    assert_false(cor_eventq_pop(q, &e));
}

/* Two runs of rounds on one queue, the second after the first's clear.
 * first_seq puts the sequence counter anywhere, so that its renumbering
 * can be reached. */
static void check_random_against_list(uint64_t first_seq, bool swing)
{
    struct cor_eventq q;
    cor_eventq_init(&q);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    struct item *items = calloc(ROUNDS, sizeof *items);
    assert_non_null(items);
    size_t widest = q.active;
    for (int run = 0; run < 2; run++) {
        memset(items, 0, ROUNDS * sizeof *items);
        q.seq = first_seq;
        run_rounds(&q, r, items, swing, &widest);
    }
    free(items);
    gsl_rng_free(r);
    cor_eventq_fini(&q);
}

static void test_event_random_against_list(void **state)
{
    (void)state;
    check_random_against_list(0, false);
}

static void test_event_random_swinging_size(void **state)
{
    (void)state;
    check_random_against_list(0, true);
}

/* The 28-bit sequence runs out after 2^28 pushes in one replication; the
 * queue then renumbers what it holds, and nothing about the order changes. */
static void test_event_sequence_renumbered(void **state)
{
    (void)state;
    check_random_against_list(COR_EVENT_SEQ_LIMIT - 300, false);
    check_random_against_list(COR_EVENT_SEQ_LIMIT - 300, true);
}

/* Thousands of events at once, more than one word of the queue's
 * free-leaf summary covers (4,096 leaves): N pushed (filling N leaves
 * exactly), half popped, as many pushed again, then all popped, each pop
 * the earliest by (time, class, insertion order). The second pushes must
 * go into the freed leaves: the queue keeps its N leaves instead of
 * growing. */
static void test_event_large_queue(void **state)
{
    (void)state;
    enum { N = 16384 };
    struct cor_eventq q;
    cor_eventq_init(&q);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    unsigned id = 0;
    double last_t = 0;
    unsigned last_cls = 0, last_id = 0;
    bool any = false;
    for (int phase = 0; phase < 2; phase++) {
        int n = phase == 0 ? N : N / 2;
        for (int i = 0; i < n; i++) {
            /* After the last pop, so that every pop follows the one before. */
            double t = last_t + 1.0 + (double)gsl_rng_uniform_int(r, 1000);
            unsigned cls = (unsigned)gsl_rng_uniform_int(r, 5);
            cor_eventq_push(&q, t, (enum cor_event_class)cls, cls, id++);
        }
        assert_int_equal(q.width, N);
        size_t pops = phase == 0 ? N / 2 : cor_eventq_count(&q);
        for (size_t i = 0; i < pops; i++) {
            struct cor_event e;
            assert_true(cor_eventq_pop(&q, &e));
            if (any) {
                bool later = e.t > last_t || (e.t == last_t && e.kind > last_cls) ||
                             (e.t == last_t && e.kind == last_cls && e.arg > last_id);
                assert_true(later);
            }
            any = true;
            last_t = e.t;
            last_cls = e.kind;
            last_id = e.arg;
        }
    }
    assert_int_equal(id, N + N / 2);
    assert_int_equal(cor_eventq_count(&q), 0);
    struct cor_event e;
    assert_false(cor_eventq_pop(&q, &e));
    gsl_rng_free(r);
    cor_eventq_fini(&q);
}

/* The played part keeps the widest it has been, up to 64 leaves, across
 * pops and clears: a queue of two events (an M/M/1 model) keeps one-level
 * walks; one that reached 64 leaves never drops below 64, even empty. */
static void test_event_played_floor(void **state)
{
    (void)state;
    struct cor_eventq q;
    cor_eventq_init(&q);
    struct cor_event e;
    double t = 0;
    cor_eventq_push(&q, t + 1, COR_CLASS_ARRIVAL, 0, 0);
    for (int i = 0; i < 1000; i++) {
        cor_eventq_push(&q, t + 2, COR_CLASS_DEPARTURE, 1, 1);
        assert_true(cor_eventq_pop(&q, &e));
        t = e.t;
        cor_eventq_push(&q, t + 1, COR_CLASS_ARRIVAL, 0, 0);
        assert_true(cor_eventq_pop(&q, &e));
        t = e.t;
        assert_true(q.active <= 2);
    }
    assert_int_equal(q.floor, 2);
    /* Emptied, it keeps its two leaves (the pops above never shrank it:
     * each one's leaf was taken again straight away). */
    while (cor_eventq_pop(&q, &e))
        ;
    assert_int_equal(q.active, 2);
    cor_eventq_clear(&q);
    assert_int_equal(q.active, 2);

    for (unsigned i = 0; i < 100; i++)
        cor_eventq_push(&q, (double)i, COR_CLASS_ARRIVAL, 0, i);
    assert_int_equal(q.active, 128);
    assert_int_equal(q.floor, 64);
    while (cor_eventq_pop(&q, &e))
        ;
    assert_int_equal(q.active, 64);
    cor_eventq_clear(&q);
    assert_int_equal(q.active, 64);
    assert_int_equal(q.root, q.width / 64);
    cor_eventq_fini(&q);
}

/* -0.0 and +0.0 are the same instant: their tie falls to class and order. */
static void test_event_negative_zero(void **state)
{
    (void)state;
    struct cor_eventq q;
    cor_eventq_init(&q);
    cor_eventq_push(&q, 0.0, COR_CLASS_DEPARTURE, 0, 1);
    cor_eventq_push(&q, -0.0, COR_CLASS_ARRIVAL, 0, 2);
    cor_eventq_push(&q, 0.0, COR_CLASS_ARRIVAL, 0, 3);
    cor_eventq_push(&q, 1e-300, COR_CLASS_CLOSURE, 0, 4);
    unsigned want[] = {2, 3, 1, 4};
    struct cor_event e;
    for (int i = 0; i < 4; i++) {
        assert_true(cor_eventq_pop(&q, &e));
        assert_int_equal(e.arg, want[i]);
    }
    cor_eventq_fini(&q);
}

/* Kind and argument ride in the key: their full ranges come back intact. */
static void test_event_kind_and_arg_ranges(void **state)
{
    (void)state;
    struct cor_eventq q;
    cor_eventq_init(&q);
    cor_eventq_push(&q, 2.0, COR_CLASS_DAY_END, (1u << COR_EVENT_KIND_BITS) - 1,
                    COR_EVENT_ARG_LIMIT - 1);
    cor_eventq_push(&q, 1.0, COR_CLASS_DAY_END, 0, 0);
    struct cor_event e;
    assert_true(cor_eventq_pop(&q, &e));
    assert_int_equal(e.kind, 0);
    assert_int_equal(e.arg, 0);
    assert_true(cor_eventq_pop(&q, &e));
    assert_int_equal(e.kind, (1u << COR_EVENT_KIND_BITS) - 1);
    assert_int_equal(e.arg, COR_EVENT_ARG_LIMIT - 1);
    assert_true(e.t == 2.0);
    cor_eventq_fini(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_orders_by_time_class_sequence),
        cmocka_unit_test(test_event_random_against_list),
        cmocka_unit_test(test_event_random_swinging_size),
        cmocka_unit_test(test_event_large_queue),
        cmocka_unit_test(test_event_played_floor),
        cmocka_unit_test(test_event_sequence_renumbered),
        cmocka_unit_test(test_event_negative_zero),
        cmocka_unit_test(test_event_kind_and_arg_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
