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

/* Random pushes interleaved with pops come out in non-decreasing order,
 * and equal keys in insertion order. */
static void test_event_heap_property_random(void **state)
{
    (void)state;
    struct cor_eventq q;
    cor_eventq_init(&q);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    double last_t = -1;
    uint64_t last_order = 0;
    unsigned pushed = 0, popped = 0;
    for (int round = 0; round < 20000; round++) {
        if (gsl_rng_uniform(r) < 0.6 || cor_eventq_count(&q) == 0) {
            /* Times only move forward, as in a simulation; many pushes
             * share a time, so ties are exercised. */
            double t = (last_t < 0 ? 0 : last_t) + 1.0 + (double)gsl_rng_uniform_int(r, 3);
            cor_eventq_push(&q, t, (enum cor_event_class)gsl_rng_uniform_int(r, 4), 0,
                            pushed++);
        } else {
            struct cor_event e;
            assert_true(cor_eventq_pop(&q, &e));
            assert_true(e.t > last_t || (e.t == last_t && e.order > last_order));
            last_t = e.t;
            last_order = e.order;
            popped++;
        }
    }
    assert_int_equal(pushed - popped, cor_eventq_count(&q));
    cor_eventq_clear(&q);
    assert_int_equal(cor_eventq_count(&q), 0);
    gsl_rng_free(r);
    cor_eventq_fini(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_orders_by_time_class_sequence),
        cmocka_unit_test(test_event_heap_property_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
