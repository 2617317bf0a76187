/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reference model of docs/model.md, one replication at a time.
 *
 * Convoys live in a pool of small records linked into FIFO queues (an
 * escort pool's waiting line, a closed segment's waiting line) through an
 * index, so queueing allocates nothing. Every event carries a kind and one
 * integer argument (a flow, convoy, escort, closure, segment or day). A
 * convoy's onward move — escort queue, closure wait, segment entry and the
 * ambush draw — runs inside the event that brought it to the node, as the
 * tie rules ask.
 *
 * A convoy follows one of its flow's routes (the main one, or an alternate
 * it switched to at a shared node under the flow's reroute rule); its
 * position is (route, leg). A segment remembers since when it has been
 * closed, so a waiting convoy can give up on it after the rule's hours.
 *
 * Draws come from separate streams (rng.h): per-flow departure intervals,
 * per-closure inter-arrivals and durations, ambush coin flips, binomial
 * losses (and beta-distributed loss probabilities), and other durations
 * (delays, dwell, suspensions, escort returns). */
#include "engine.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dist_draw.h"
#include "event.h"
#include "rng.h"

void cor__invariant_failed(const char *file, int line, const char *cond,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "corridor: invariant broken at %s:%d: %s: ", file, line, cond);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* An arrival's kind says what the stop it reaches holds (its flags, see
 * struct stop): convoys of every flow interleave in the event stream, so
 * tests of the stop's flags in the handler would be guessed wrong at
 * random, each a pipeline flush, while the dispatch's one indirect jump
 * pays for a wrong guess once. EV_ARRIVE is any stop; the four after it
 * are stops with exactly one flag or none. The kind is fixed per stop when
 * the engine is made (struct stop's `arrive`). */
enum ev_kind {
    EV_DEPART,          /* arg: flow */
    EV_ARRIVE,          /* arg: convoy reaching the end of its current leg */
    EV_ARRIVE_PASS,     /* the same, at a stop with no flags: it goes on */
    EV_ARRIVE_DEST,     /* at its destination, and nothing else */
    EV_ARRIVE_FROM,     /* where its escort stretch starts, and nothing else */
    EV_ARRIVE_TO,       /* where its escort stretch ends, and nothing else */
    EV_ESCORT_RETURN,   /* arg: escort pool */
    EV_FLEET_RETURN,    /* arg: convoy returning empty to its origin */
    EV_CLOSURE_START,   /* arg: closure (scheduled or random) */
    EV_CLOSURE_REDRAW,  /* arg: random closure whose rate factor was 0 */
    EV_CLOSURE_END,     /* arg: closure */
    EV_DWELL_END,       /* arg: convoy done dwelling at a node */
    EV_REROUTE_CHECK,   /* arg: convoy waiting at a closed segment */
    EV_DAY_END          /* arg: day */
};

_Static_assert(COR_MAX_ALTERNATES + 1 <= 32, "a convoy's routes fit routes_used");

enum convoy_state {
    CONVOY_FREE,
    CONVOY_MOVING,      /* on a segment, dwelling or queued for an escort */
    CONVOY_CLOSED_WAIT, /* in a closed segment's line */
    CONVOY_RETURNING    /* fleet trucks driving back empty */
};

struct convoy {
    const struct cor_flow *fl;  /* &flows[flow] and &fl->routes[route]: */
    const struct cor_route *rt; /* the hot path reads through these */
    int flow;
    int route;          /* index into the flow's routes */
    int leg;            /* next leg to enter, or the leg being travelled */
    int stop0;          /* its route's first stop in the engine's stops */
    int trucks;
    int next;           /* queue or free-list link, -1 at the end */
    double wait_start;  /* when it joined an escort queue */
    double reroute_due; /* when its pending reroute check fires, or -1 */
    long serial;        /* for the trace */
    uint32_t routes_used; /* bit r: it has followed route r (never again) */
    uint8_t state;
    uint8_t has_escort;
    uint8_t ambushed;
    uint8_t rerouted;
};

struct fifo {
    int head, tail;
};

/* A route's node and the leg that leaves it, with what the hot path reads
 * of both in one place: resolved from the scenario when the engine is
 * made (flags, segment, node) and from the epoch in force (travel time and
 * ambush probabilities, see refresh_epoch). */
struct stop {
    double travel;      /* the leg's hours at the current season's speed */
    double p[2];        /* its ambush probability now, unescorted and escorted */
    int segment;        /* the leg's segment; -1 at the destination */
    int node;
    unsigned flags;
    unsigned arrive;    /* the ev_kind of the arrival at the leg's end */
};

/* What refresh_epoch needs of a stop's leg, apart from the hot record:
 * the operands of its travel time and ambush probabilities. */
struct stop_leg {
    double base_hours;       /* at season factor 1 */
    double hazard, km;       /* the leg's segment's */
    double commodity_factor; /* the flow's commodity's ambush factor */
    double escort_factor;    /* the flow's escort's hazard factor; 1 without */
};

enum {
    STOP_DESTINATION = 1, /* the route ends here */
    STOP_ESCORT_FROM = 2, /* the flow's escort stretch starts here */
    STOP_ESCORT_TO = 4,   /* and ends here */
    STOP_DWELL = 8        /* convoys passing through dwell here */
};

struct cor_engine {
    const struct cor_model *m;
    const struct cor_scenario *sc;
    struct cor_eventq q;
    struct cor_rng rng;
    struct convoy *convoys;
    size_t cap_convoys;        /* pool size; every slot free or in use */
    int free_head;
    long on_road;              /* convoys in use (not free) */
    long next_serial;
    /* The step functions (season speed, phase hazard) are constant until
     * epoch_end; their values, and every stop's travel time and ambush
     * probabilities, are refreshed only when an event reaches it. */
    double epoch_end;
    double speed_now, hazard_now;
    struct stop *stops;        /* model->nstops */
    struct stop_leg *legs;     /* beside stops; unused at destinations */
    /* per segment */
    int *closed;               /* active closures */
    double *closed_since;      /* when the count last rose from 0 */
    struct fifo *seg_wait;
    /* per escort */
    int *units_free;
    struct fifo *esc_wait;
    /* per flow */
    double *suspended_until;
    long *fleet_waiting;
    long *fleet_destroyed;
    double *in_transit;        /* cargo on the road, for reorder points */
    /* per stock */
    double *level;
    double *delivered_today;
    double now;                /* time of the event being processed */
    const atomic_int *interrupt; /* raised by a signal (cor_engine_set_stop) */
    struct cor_rep_result *out;
    bool trace_on;             /* out->trace_on, one load nearer */
};

/* ---- step functions ---------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Builds the product of season factors (speed or closure rate) over time:
 * breakpoints at every season boundary. */
static void season_steps(struct cor_steps *st, const struct cor_scenario *sc,
                         int closure_rate)
{
    int nb = 1 + 2 * sc->nseasons;
    double *t = cor_malloc((size_t)nb * sizeof *t);
    t[0] = 0.0;
    for (int i = 0; i < sc->nseasons; i++) {
        t[1 + 2 * i] = 24.0 * sc->seasons[i].from_day;
        t[2 + 2 * i] = 24.0 * sc->seasons[i].to_day;
    }
    qsort(t, (size_t)nb, sizeof *t, cmp_double);
    int n = 0;
    for (int i = 0; i < nb; i++)
        if (n == 0 || t[i] != t[n - 1])
            t[n++] = t[i];
    st->t = t;
    st->n = n;
    st->value = cor_malloc((size_t)n * sizeof *st->value);
    for (int i = 0; i < n; i++) {
        double v = 1.0;
        for (int k = 0; k < sc->nseasons; k++) {
            const struct cor_season *s = &sc->seasons[k];
            if (t[i] >= 24.0 * s->from_day && t[i] < 24.0 * s->to_day)
                v *= closure_rate ? s->closure_rate_factor : s->speed_factor;
        }
        st->value[i] = v;
    }
}

static void phase_steps(struct cor_steps *st, const struct cor_scenario *sc)
{
    int n = sc->nphases + 1;
    st->t = cor_malloc((size_t)n * sizeof *st->t);
    st->value = cor_malloc((size_t)n * sizeof *st->value);
    st->t[0] = 0.0;
    st->value[0] = 1.0;
    st->n = 1;
    for (int i = 0; i < sc->nphases; i++) {
        double t = 24.0 * sc->phases[i].from_day;
        if (t == st->t[st->n - 1])
            st->value[st->n - 1] = sc->phases[i].hazard_factor;
        else {
            st->t[st->n] = t;
            st->value[st->n++] = sc->phases[i].hazard_factor;
        }
    }
}

/* The step function's value at time t (hours, t >= 0). */
static double cor_steps_at(const struct cor_steps *s, double t)
{
    /* Few steps in practice: a linear scan from the end is as fast as a
     * binary search and simpler. */
    int i = s->n - 1;
    while (i > 0 && s->t[i] > t)
        i--;
    return s->value[i];
}

/* Next breakpoint strictly after t, or INFINITY. */
static double steps_next(const struct cor_steps *s, double t)
{
    for (int i = 0; i < s->n; i++)
        if (s->t[i] > t)
            return s->t[i];
    return INFINITY;
}

/* A binomial table for a probability distribution that is a constant;
 * none for one that is drawn. */
static void binomial_for(struct cor_binomial *b, const struct cor_dist *d, unsigned nmax)
{
    if (d->kind == COR_DIST_CONST)
        cor_binomial_init(b, d->a, nmax);
    else
        cor_binomial_init_none(b);
}

struct cor_model *cor_model_new(const struct cor_scenario *sc, int days)
{
    struct cor_model *m = cor_calloc(1, sizeof *m);
    m->sc = sc;
    m->days = days;
    m->t_end = 24.0 * days;
    m->route_stops = cor_calloc((size_t)sc->nflows + 1, sizeof *m->route_stops);
    for (int f = 0; f < sc->nflows; f++) {
        const struct cor_flow *fl = &sc->flows[f];
        m->route_stops[f] = cor_calloc((size_t)fl->nroutes, sizeof **m->route_stops);
        for (int r = 0; r < fl->nroutes; r++) {
            m->route_stops[f][r] = m->nstops;
            m->nstops += fl->routes[r].nnodes;
        }
    }
    cor_steps_speed(&m->speed, sc);
    cor_steps_closure_rate(&m->closure_rate, sc);
    phase_steps(&m->hazard, sc);
    /* Losses are drawn among a convoy's trucks, deaths among the lost. */
    unsigned most = 0;
    for (int f = 0; f < sc->nflows; f++)
        if ((unsigned)sc->flows[f].trucks > most)
            most = (unsigned)sc->flows[f].trucks;
    binomial_for(&m->loss, &sc->ambush.loss_probability, most);
    binomial_for(&m->death, &sc->ambush.driver_death_probability, most);
    m->escort_loss = cor_calloc((size_t)sc->nescorts + 1, sizeof *m->escort_loss);
    for (int i = 0; i < sc->nescorts; i++)
        binomial_for(&m->escort_loss[i], &sc->escorts[i].loss_probability, most);
    return m;
}

void cor_steps_closure_rate(struct cor_steps *st, const struct cor_scenario *sc)
{
    season_steps(st, sc, 1);
}

void cor_steps_speed(struct cor_steps *st, const struct cor_scenario *sc)
{
    season_steps(st, sc, 0);
}

void cor_steps_fini(struct cor_steps *s)
{
    free(s->t);
    free(s->value);
}

void cor_model_free(struct cor_model *m)
{
    if (!m)
        return;
    cor_steps_fini(&m->speed);
    cor_steps_fini(&m->closure_rate);
    cor_steps_fini(&m->hazard);
    for (int f = 0; f < m->sc->nflows; f++)
        free(m->route_stops[f]);
    free(m->route_stops);
    cor_binomial_fini(&m->loss);
    cor_binomial_fini(&m->death);
    for (int i = 0; i < m->sc->nescorts; i++)
        cor_binomial_fini(&m->escort_loss[i]);
    free(m->escort_loss);
    free(m);
}

/* ---- results ----------------------------------------------------------- */

void cor_rep_result_init(struct cor_rep_result *r, const struct cor_model *m)
{
    memset(r, 0, sizeof *r);
    r->nstocks = m->sc->nstocks;
    r->days = m->days;
    r->ncommodities = m->sc->ncommodities;
    size_t cells = (size_t)r->days * (size_t)r->nstocks;
    r->stocks = cor_calloc((size_t)r->nstocks + 1, sizeof *r->stocks);
    r->day_stock = cor_calloc(cells + 1, sizeof(double));
    r->day_unmet = cor_calloc(cells + 1, sizeof(double));
    r->day_delivered = cor_calloc(cells + 1, sizeof(double));
    r->day_short = cor_calloc(cells + 1, 1);
    r->lost = cor_calloc((size_t)r->ncommodities + 1, sizeof(double));
}

void cor_rep_result_fini(struct cor_rep_result *r)
{
    free(r->stocks);
    free(r->day_stock);
    free(r->day_unmet);
    free(r->day_delivered);
    free(r->day_short);
    free(r->lost);
    free(r->trace);
    memset(r, 0, sizeof *r);
}

static void reset_result(struct cor_rep_result *r)
{
    size_t cells = (size_t)r->days * (size_t)r->nstocks;
    memset(r->stocks, 0, (size_t)r->nstocks * sizeof *r->stocks);
    for (int k = 0; k < r->nstocks; k++)
        r->stocks[k].first_short = -1;
    memset(r->day_stock, 0, cells * sizeof(double));
    memset(r->day_unmet, 0, cells * sizeof(double));
    memset(r->day_delivered, 0, cells * sizeof(double));
    memset(r->day_short, 0, cells);
    memset(r->lost, 0, (size_t)r->ncommodities * sizeof(double));
    r->dispatched = r->cancelled = r->skipped = 0;
    r->ambushes = r->convoys_ambushed = 0;
    r->trucks_destroyed = r->drivers_killed = 0;
    r->escorted_convoys = 0;
    r->escort_wait = 0.0;
    r->convoys_rerouted = 0;
    r->reroute_extra_km = 0.0;
    r->events = 0;
    r->convoy_cap_hit = false;
    r->ntrace = 0;
}

/* ---- the engine -------------------------------------------------------- */

/* The kind of an arrival at a stop with these flags. */
static unsigned arrival_kind(unsigned flags)
{
    switch (flags) {
    case 0: return EV_ARRIVE_PASS;
    case STOP_DESTINATION: return EV_ARRIVE_DEST;
    case STOP_ESCORT_FROM: return EV_ARRIVE_FROM;
    case STOP_ESCORT_TO: return EV_ARRIVE_TO;
    default: return EV_ARRIVE;
    }
}

/* Fills the stops of every flow's every route, in the model's numbering,
 * and their legs' constants; the travel times and probabilities follow
 * from those in refresh_epoch. */
static void stops_fill(struct cor_engine *e)
{
    const struct cor_model *m = e->m;
    const struct cor_scenario *sc = m->sc;
    struct stop *st = e->stops;
    struct stop_leg *lg = e->legs;
    for (int f = 0; f < sc->nflows; f++) {
        const struct cor_flow *fl = &sc->flows[f];
        for (int r = 0; r < fl->nroutes; r++) {
            const struct cor_route *rt = &fl->routes[r];
            COR_INVARIANT(st - e->stops == m->route_stops[f][r],
                          "flow %d route %d: stops out of step with the model", f, r);
            struct stop *first = st;
            for (int i = 0; i < rt->nnodes; i++, st++, lg++) {
                bool last = i == rt->nnodes - 1;
                st->segment = last ? -1 : rt->legs[i].segment;
                st->node = rt->nodes[i];
                st->flags = (last ? STOP_DESTINATION : 0) |
                            (fl->escort >= 0 && i == rt->escort_from_leg ? STOP_ESCORT_FROM : 0) |
                            (i == rt->escort_to_leg ? STOP_ESCORT_TO : 0) |
                            (sc->nodes[st->node].has_dwell && !last ? STOP_DWELL : 0);
                if (last)
                    continue;
                const struct cor_segment *seg = &sc->segments[st->segment];
                lg->base_hours = rt->legs[i].base_hours;
                lg->hazard = seg->hazard;
                lg->km = seg->km;
                lg->commodity_factor = sc->ambush.commodity_factor[fl->commodity];
                lg->escort_factor = fl->escort >= 0 ? sc->escorts[fl->escort].hazard_factor : 1.0;
            }
            for (int i = 0; i + 1 < rt->nnodes; i++)
                first[i].arrive = arrival_kind(first[i + 1].flags);
        }
    }
}

struct cor_engine *cor_engine_new(const struct cor_model *m)
{
    const struct cor_scenario *sc = m->sc;
    struct cor_engine *e = cor_calloc(1, sizeof *e);
    e->m = m;
    e->sc = sc;
    cor_eventq_init(&e->q);
    cor_rng_init(&e->rng, sc->nflows, sc->nclosures);
    size_t ns = (size_t)sc->nsegments + 1, ne = (size_t)sc->nescorts + 1;
    size_t nf = (size_t)sc->nflows + 1, nk = (size_t)sc->nstocks + 1;
    e->stops = cor_calloc((size_t)m->nstops + 1, sizeof *e->stops);
    e->legs = cor_calloc((size_t)m->nstops + 1, sizeof *e->legs);
    stops_fill(e);
    e->closed = cor_calloc(ns, sizeof *e->closed);
    e->closed_since = cor_calloc(ns, sizeof *e->closed_since);
    e->seg_wait = cor_calloc(ns, sizeof *e->seg_wait);
    e->units_free = cor_calloc(ne, sizeof *e->units_free);
    e->esc_wait = cor_calloc(ne, sizeof *e->esc_wait);
    e->suspended_until = cor_calloc(nf, sizeof *e->suspended_until);
    e->fleet_waiting = cor_calloc(nf, sizeof *e->fleet_waiting);
    e->fleet_destroyed = cor_calloc(nf, sizeof *e->fleet_destroyed);
    e->in_transit = cor_calloc(nf, sizeof *e->in_transit);
    e->level = cor_calloc(nk, sizeof *e->level);
    e->delivered_today = cor_calloc(nk, sizeof *e->delivered_today);
    return e;
}

void cor_engine_free(struct cor_engine *e)
{
    if (!e)
        return;
    cor_eventq_fini(&e->q);
    cor_rng_fini(&e->rng);
    free(e->convoys);
    free(e->stops);
    free(e->legs);
    free(e->closed);
    free(e->closed_since);
    free(e->seg_wait);
    free(e->units_free);
    free(e->esc_wait);
    free(e->suspended_until);
    free(e->fleet_waiting);
    free(e->fleet_destroyed);
    free(e->in_transit);
    free(e->level);
    free(e->delivered_today);
    free(e);
}

void cor_engine_set_stop(struct cor_engine *e, const atomic_int *stop)
{
    e->interrupt = stop;
}

/* Records one line of the trace. Out of line and called through trace()
 * below, whose inline check keeps the untraced replications (all but one)
 * from paying for eleven arguments at every event. */
static __attribute__((noinline)) void
trace_record(struct cor_engine *e, double t, enum cor_trace_kind kind, int flow, int convoy,
             int node, int segment, int stock, int losses, int killed, double amount)
{
    struct cor_rep_result *r = e->out;
    size_t cap = (size_t)r->trace_cap;
    cor_grow((void **)&r->trace, &cap, (size_t)r->ntrace + 1, sizeof *r->trace);
    r->trace_cap = (long)cap;
    struct cor_trace_event *ev = &r->trace[r->ntrace++];
    ev->t = t;
    ev->kind = kind;
    ev->flow = flow;
    ev->convoy = convoy >= 0 ? e->convoys[convoy].serial : -1;
    ev->node = node;
    ev->segment = segment;
    ev->stock = stock;
    ev->trucks = convoy >= 0 ? e->convoys[convoy].trucks : 0;
    ev->losses = losses;
    ev->killed = killed;
    ev->amount = amount;
}

static inline void trace(struct cor_engine *e, double t, enum cor_trace_kind kind,
                         int flow, int convoy, int node, int segment, int stock,
                         int losses, int killed, double amount)
{
    if (e->trace_on)
        trace_record(e, t, kind, flow, convoy, node, segment, stock, losses, killed,
                     amount);
}

/* An event's argument must fit its 29 bits (event.h). Arguments are flow,
 * closure, escort and day indices, all capped far below, and convoy slots,
 * of which there are never more than departures, hence events. */
_Static_assert(COR_MAX_EVENTS_PER_REP < COR_EVENT_ARG_LIMIT,
               "a convoy slot fits an event's argument");
_Static_assert(EV_DAY_END < (1 << COR_EVENT_KIND_BITS), "an event kind fits its bits");

static inline void schedule(struct cor_engine *e, double t,
                            enum cor_event_class cls, enum ev_kind kind, int arg)
{
    COR_INVARIANT(arg >= 0 && (uint32_t)arg < COR_EVENT_ARG_LIMIT,
                  "event %d argument %d out of range", (int)kind, arg);
    COR_INVARIANT(t >= e->now, "event %d scheduled at %.17g, before now %.17g",
                  (int)kind, t, e->now);
    if (t <= e->m->t_end)
        cor_eventq_push(&e->q, t, cls, (uint32_t)kind, (uint32_t)arg);
}

static inline const struct cor_flow *flow_of(const struct cor_engine *e, int c)
{
    return e->convoys[c].fl;
}

static inline const struct cor_route *route_of(const struct cor_engine *e, int c)
{
    return e->convoys[c].rt;
}

/* The node convoy c stands at (or left last). */
static inline int node_of(const struct cor_engine *e, int c)
{
    return route_of(e, c)->nodes[e->convoys[c].leg];
}

static void fifo_push(struct cor_engine *e, struct fifo *f, int c)
{
    e->convoys[c].next = -1;
    if (f->tail < 0)
        f->head = c;
    else
        e->convoys[f->tail].next = c;
    f->tail = c;
}

static int fifo_pop(struct cor_engine *e, struct fifo *f)
{
    int c = f->head;
    if (c >= 0) {
        f->head = e->convoys[c].next;
        if (f->head < 0)
            f->tail = -1;
    }
    return c;
}

/* Removes c from the middle of a line; true if it was there. Lines are
 * short and removal is rare (a reroute), so a walk is fine. */
static bool fifo_remove(struct cor_engine *e, struct fifo *f, int c)
{
    int prev = -1;
    for (int x = f->head; x >= 0; prev = x, x = e->convoys[x].next) {
        if (x != c)
            continue;
        int next = e->convoys[x].next;
        if (prev < 0)
            f->head = next;
        else
            e->convoys[prev].next = next;
        if (f->tail == c)
            f->tail = prev;
        return true;
    }
    return false;
}

/* Links pool slots [from, cap_convoys) into the free list, in order. */
static void free_slots_from(struct cor_engine *e, size_t from)
{
    for (size_t i = from; i < e->cap_convoys; i++) {
        e->convoys[i].state = CONVOY_FREE;
        e->convoys[i].next = i + 1 < e->cap_convoys ? (int)(i + 1) : -1;
    }
    e->free_head = from < e->cap_convoys ? (int)from : -1;
}

static int convoy_new(struct cor_engine *e, int flow, int trucks)
{
    if (e->free_head < 0) {
        /* Grow the pool; only happens until the replication with the most
         * convoys in flight has been seen. */
        size_t old = e->cap_convoys;
        cor_grow((void **)&e->convoys, &e->cap_convoys, old + 1, sizeof *e->convoys);
        free_slots_from(e, old);
    }
    int c = e->free_head;
    struct convoy *cv = &e->convoys[c];
    e->free_head = cv->next;
    /* Past the cap the run loop stops the replication at its next poll;
     * this convoy still gets its slot. */
    if (++e->on_road > COR_MAX_CONVOYS_ON_ROAD)
        e->out->convoy_cap_hit = true;
    memset(cv, 0, sizeof *cv);
    cv->reroute_due = -1.0;
    cv->flow = flow;
    cv->fl = &e->sc->flows[flow];
    cv->rt = &cv->fl->routes[0];
    cv->routes_used = 1u;
    cv->stop0 = e->m->route_stops[flow][0];
    cv->trucks = trucks;
    cv->next = -1;
    cv->serial = e->next_serial++;
    cv->state = CONVOY_MOVING;
    return c;
}

static void convoy_free(struct cor_engine *e, int c)
{
    e->on_road--;
    e->convoys[c].state = CONVOY_FREE;
    e->convoys[c].next = e->free_head;
    e->free_head = c;
}

/* The cargo of c leaves the road (delivered or destroyed). */
static void off_the_road(struct cor_engine *e, int c, int trucks)
{
    e->in_transit[e->convoys[c].flow] -= trucks * flow_of(e, c)->payload;
}

static void advance(struct cor_engine *e, int c, double t);

/* Gives a free escort unit to convoy c. */
static void escort_start(struct cor_engine *e, int c, double t)
{
    struct convoy *cv = &e->convoys[c];
    cv->has_escort = 1;
    e->out->escorted_convoys++;
    e->out->escort_wait += t - cv->wait_start;
    trace(e, t, COR_TRACE_ESCORT_START, cv->flow, c, node_of(e, c), -1, -1, 0, 0,
          t - cv->wait_start);
}

/* Convoy c lets its escort unit go at time t; the unit is free again after
 * the return time: a draw, or the escorted stretch's travel time at the
 * season factor in force now. */
static void escort_release(struct cor_engine *e, int c, double t)
{
    struct convoy *cv = &e->convoys[c];
    const struct cor_flow *fl = flow_of(e, c);
    const struct cor_escort *es = &e->sc->escorts[fl->escort];
    cv->has_escort = 0;
    double back;
    if (es->has_return) {
        back = cor_dist_draw(&es->return_hours,
                             cor_rng_stream(&e->rng, COR_STREAM_DURATION));
    } else {
        /* A convoy that rerouted inside the stretch still releases at the
         * main route's stretch length, the pool's nominal beat. */
        back = fl->routes[0].escort_base_hours / e->speed_now;
    }
    schedule(e, t + back, COR_CLASS_ARRIVAL, EV_ESCORT_RETURN, fl->escort);
}

static void deliver(struct cor_engine *e, int c, double t)
{
    struct convoy *cv = &e->convoys[c];
    const struct cor_flow *fl = flow_of(e, c);
    int k = fl->stock;
    double amount = cv->trucks * fl->payload;
    double room = e->sc->stocks[k].capacity - e->level[k];
    double accepted = amount < room ? amount : room;
    if (accepted < 0)
        accepted = 0;
    e->level[k] += accepted;
    e->delivered_today[k] += accepted;
    e->out->stocks[k].delivered += accepted;
    e->out->stocks[k].turned_away += amount - accepted;
    off_the_road(e, c, cv->trucks);
    trace(e, t, COR_TRACE_DELIVER, cv->flow, c, node_of(e, c), -1, k, 0, 0, accepted);
    if (fl->fleet) {
        /* The trucks drive back empty: no hazard, no closures (docs/model.md).
         * A return beyond the horizon is not scheduled; the convoy stays
         * counted as returning, which keeps the fleet balance exact. */
        cv->state = CONVOY_RETURNING;
        double back = fl->routes[0].base_hours / e->speed_now;
        schedule(e, t + back, COR_CLASS_ARRIVAL, EV_FLEET_RETURN, c);
    } else {
        convoy_free(e, c);
    }
}

/* The ambush rate of stop i's leg now, before the escort's factor: the
 * segment's per-1000-km hazard times the phase and commodity factors. */
static double leg_rate(const struct cor_engine *e, int i)
{
    const struct stop_leg *lg = &e->legs[i];
    return lg->hazard * e->hazard_now * lg->commodity_factor;
}

/* The ambush probability of a leg of km entered at this rate (docs/model.md, "Ambushes"). */
static double ambush_probability(double rate, double km)
{
    return -expm1(-rate * km / 1000.0);
}

/* Time t has reached the end of the current epoch: read the step functions
 * afresh and recompute every stop's travel time and ambush probabilities
 * (a few dozen divisions and expm1 per phase or season change, instead of
 * one per segment entry), with the very expressions the entry would use. */
static void refresh_epoch(struct cor_engine *e, double t)
{
    const struct cor_model *m = e->m;
    e->speed_now = cor_steps_at(&m->speed, t);
    e->hazard_now = cor_steps_at(&m->hazard, t);
    e->epoch_end = fmin(steps_next(&m->speed, t), steps_next(&m->hazard, t));
    for (int i = 0; i < m->nstops; i++) {
        struct stop *st = &e->stops[i];
        const struct stop_leg *lg = &e->legs[i];
        if (st->segment < 0)
            continue; /* a destination: no leg */
        st->travel = lg->base_hours / e->speed_now;
        /* Without an escort pool the factor is 1, and p[1] equals p[0]
         * (never used then). */
        double rate = leg_rate(e, i);
        st->p[0] = ambush_probability(rate, lg->km);
        st->p[1] = ambush_probability(rate * lg->escort_factor, lg->km);
    }
}

/* Convoy c enters its next leg at time t: ambush draw, losses, deterrence,
 * then the arrival at the far end. Inlined into its one caller, try_enter,
 * by force: GCC's size limits let it fall out of line after a small change
 * to try_enter, which cost 5 % more instructions per event. */
static inline __attribute__((always_inline)) void enter(struct cor_engine *e, int c,
                                                        double t)
{
    const struct cor_scenario *sc = e->sc;
    struct convoy *cv = &e->convoys[c];
    int f = cv->flow;
    const struct cor_flow *fl = cv->fl;
    const struct stop *st = &e->stops[cv->stop0 + cv->leg];
    const struct cor_ambush *am = &sc->ambush;
    bool escorted = cv->has_escort != 0;
    double delay = 0.0;

    cv->state = CONVOY_MOVING;
    trace(e, t, COR_TRACE_ENTER, f, c, st->node, st->segment, -1, 0, 0, 0);
    /* No draw where the probability is 0 (no hazard, or a phase factor of
     * 0): adding a safe segment leaves the ambush stream where it was. */
    double p = st->p[escorted];
    if (p > 0.0) {
        gsl_rng *ra = cor_rng_stream(&e->rng, COR_STREAM_AMBUSH);
        if (cor_rng_uniform(ra) < p) {
            struct cor_rep_result *r = e->out;
            gsl_rng *rl = cor_rng_stream(&e->rng, COR_STREAM_LOSS);
            gsl_rng *rd = cor_rng_stream(&e->rng, COR_STREAM_DURATION);
            const struct cor_dist *qd = escorted ? &sc->escorts[fl->escort].loss_probability
                                                 : &am->loss_probability;
            const struct cor_binomial *qb = escorted ? &e->m->escort_loss[fl->escort]
                                                     : &e->m->loss;
            double q = cor_dist_draw(qd, rl);
            double k = cor_dist_draw(&am->driver_death_probability, rl);
            int lost = (int)cor_binomial_draw(qb, rl, q, (unsigned)cv->trucks);
            int killed = (int)cor_binomial_draw(&e->m->death, rl, k, (unsigned)lost);
            cv->trucks -= lost;
            off_the_road(e, c, lost);
            e->fleet_destroyed[f] += lost;
            r->ambushes++;
            if (!cv->ambushed)
                r->convoys_ambushed++;
            cv->ambushed = 1;
            r->trucks_destroyed += lost;
            r->drivers_killed += killed;
            r->lost[fl->commodity] += lost * fl->payload;
            delay = cor_dist_draw(&am->delay_hours, rd);
            trace(e, t, COR_TRACE_AMBUSH, f, c, st->node, st->segment, -1,
                  lost, killed, lost * fl->payload);
            if (am->deterrence_probability > 0.0 &&
                cor_rng_uniform(ra) < am->deterrence_probability) {
                double until = t + 24.0 * cor_dist_draw(&am->suspend_days, rd);
                if (until > e->suspended_until[f])
                    e->suspended_until[f] = until;
                trace(e, t, COR_TRACE_SUSPEND, f, c, -1, -1, -1, 0, 0,
                      e->suspended_until[f] - t);
            }
            if (cv->trucks == 0) {
                trace(e, t, COR_TRACE_WIPED_OUT, f, c, st->node, st->segment,
                      -1, 0, 0, 0);
                if (cv->has_escort)
                    escort_release(e, c, t);
                convoy_free(e, c);
                return;
            }
        }
    }
    schedule(e, t + st->travel + delay, COR_CLASS_ARRIVAL, (enum ev_kind)st->arrive, c);
}

/* Whether route rt, whose first stop is stop0, leaves node `node` by a
 * usable segment now: open, and (under a hazard rule) not above the
 * threshold. Sets *leg. */
static bool usable_from(const struct cor_engine *e, const struct cor_flow *fl,
                        const struct cor_route *rt, int stop0, int node, int *leg)
{
    for (int i = 0; i + 1 < rt->nnodes; i++) {
        if (rt->nodes[i] != node)
            continue;
        if (e->closed[rt->legs[i].segment] > 0)
            return false;
        if (fl->reroute_on_hazard && leg_rate(e, stop0 + i) > fl->reroute_hazard_above)
            return false;
        *leg = i;
        return true;
    }
    return false;
}

/* The first alternate that leaves convoy c's node by a different, usable
 * segment: its route index, with *leg its position there; -1 if none. A
 * route the convoy has already followed does not qualify: otherwise two
 * alternates that cross could send it back and forth between two nodes for
 * ever (docs/model.md, "Alternate routes and rerouting"). */
static int find_alternate(const struct cor_engine *e, int c, int *leg)
{
    const struct convoy *cv = &e->convoys[c];
    const struct cor_flow *fl = cv->fl;
    const struct cor_route *cur = cv->rt;
    int node = cur->nodes[cv->leg];
    int seg_now = cur->legs[cv->leg].segment;
    for (int r = 0; r < fl->nroutes; r++)
        if (!(cv->routes_used >> r & 1u) &&
            usable_from(e, fl, &fl->routes[r], e->m->route_stops[cv->flow][r], node, leg) &&
            fl->routes[r].legs[*leg].segment != seg_now)
            return r;
    return -1;
}

/* Switches convoy c, standing at its node, to route r from position leg,
 * counting the switch and the distance it adds. */
static void switch_route(struct cor_engine *e, int c, int r, int leg, double t)
{
    struct convoy *cv = &e->convoys[c];
    const struct cor_flow *fl = cv->fl;
    const struct cor_route *cur = cv->rt, *alt = &fl->routes[r];
    double extra = (alt->km - alt->km_before[leg]) - (cur->km - cur->km_before[cv->leg]);
    e->out->reroute_extra_km += extra;
    if (!cv->rerouted)
        e->out->convoys_rerouted++;
    cv->rerouted = 1;
    /* An escort whose end lies ahead on the new route stays with the
     * convoy; otherwise the unit turns back here. */
    if (cv->has_escort && !(alt->escort_to_leg > leg && alt->escort_from_leg <= leg))
        escort_release(e, c, t);
    cv->route = r;
    cv->routes_used |= 1u << r;
    cv->rt = alt;
    cv->stop0 = e->m->route_stops[cv->flow][r];
    cv->leg = leg;
    trace(e, t, COR_TRACE_REROUTE, cv->flow, c, alt->nodes[leg], alt->legs[leg].segment, -1,
          0, 0, extra);
}

/* Reroutes convoy c if an alternate qualifies; false if none does. */
static bool reroute(struct cor_engine *e, int c, double t)
{
    int leg, r = find_alternate(e, c, &leg);
    if (r < 0)
        return false;
    switch_route(e, c, r, leg, t);
    return true;
}

/* Convoy c, escorted if it needs to be, stands at the start of its next
 * leg at time t: reroute if the rule says so, wait while the segment is
 * closed, else enter it. */
static void try_enter(struct cor_engine *e, int c, double t)
{
    struct convoy *cv = &e->convoys[c];
    const struct cor_flow *fl = cv->fl;
    int i = cv->stop0 + cv->leg, s = e->stops[i].segment;
    cv->state = CONVOY_MOVING;
    /* A check still queued for an earlier wait is void from here on: only
     * a wait that starts below schedules one. */
    cv->reroute_due = -1.0;
    if (fl->reroute_on_hazard && leg_rate(e, i) > fl->reroute_hazard_above &&
        reroute(e, c, t)) {
        advance(e, c, t);
        return;
    }
    if (e->closed[s] > 0) {
        if (fl->reroute_on_closure) {
            double due = e->closed_since[s] + fl->reroute_closed_hours;
            if (due <= t && reroute(e, c, t)) {
                advance(e, c, t);
                return;
            }
            if (due > t) {
                cv->reroute_due = due;
                schedule(e, due, COR_CLASS_ARRIVAL, EV_REROUTE_CHECK, c);
            }
        }
        trace(e, t, COR_TRACE_CLOSED_WAIT, cv->flow, c, e->stops[i].node, s, -1, 0, 0, 0);
        cv->state = CONVOY_CLOSED_WAIT;
        fifo_push(e, &e->seg_wait[s], c);
        return;
    }
    enter(e, c, t);
}

/* Convoy c, without an escort, stands where its escort stretch starts at
 * time t: it takes a free unit, or joins the pool's line (the unit is held
 * while any closure is waited out). False if it joined the line. */
static bool escort_take(struct cor_engine *e, int c, const struct stop *st, double t)
{
    struct convoy *cv = &e->convoys[c];
    const struct cor_flow *fl = cv->fl;
    cv->wait_start = t;
    if (e->units_free[fl->escort] == 0) {
        trace(e, t, COR_TRACE_ESCORT_WAIT, cv->flow, c, st->node, -1, -1, 0, 0, 0);
        fifo_push(e, &e->esc_wait[fl->escort], c);
        return false;
    }
    e->units_free[fl->escort]--;
    escort_start(e, c, t);
    return true;
}

/* Convoy c stands at route node c->leg at time t: deliver if it is at its
 * destination; otherwise take an escort if its pool starts here, then try
 * to enter. */
static void advance(struct cor_engine *e, int c, double t)
{
    struct convoy *cv = &e->convoys[c];
    const struct stop *st = &e->stops[cv->stop0 + cv->leg];
    if (st->flags & STOP_DESTINATION) {
        deliver(e, c, t);
        return;
    }
    if ((st->flags & STOP_ESCORT_FROM) && !cv->has_escort && !escort_take(e, c, st, t))
        return;
    try_enter(e, c, t);
}

static void on_depart(struct cor_engine *e, int f, double t)
{
    const struct cor_flow *fl = &e->sc->flows[f];
    struct cor_rep_result *r = e->out;
    /* The schedule keeps running whatever happens to this departure, until
     * the flow's active window closes. */
    double dt = cor_dist_draw(&fl->every_hours, cor_rng_flow(&e->rng, f));
    if (t + dt < 24.0 * fl->to_day)
        schedule(e, t + dt, COR_CLASS_DEPARTURE, EV_DEPART, f);

    int origin = fl->routes[0].nodes[0];
    if (t < e->suspended_until[f]) {
        r->cancelled++;
        trace(e, t, COR_TRACE_CANCEL, f, -1, origin, -1, -1, 0, 0, 0);
        return;
    }
    if (fl->has_reorder) {
        /* A reorder-point flow leaves only while the destination's stock
         * position (stock plus this flow's cargo on the road) is below its
         * threshold; otherwise this departure is simply not needed. */
        const struct cor_stock *st = &e->sc->stocks[fl->stock];
        if (e->level[fl->stock] + e->in_transit[f] >= fl->reorder_below_days * st->demand)
            return;
    }
    int trucks = fl->trucks;
    if (fl->fleet) {
        if (e->fleet_waiting[f] < trucks)
            trucks = (int)e->fleet_waiting[f];
        if (trucks == 0) {
            r->skipped++;
            trace(e, t, COR_TRACE_SKIP, f, -1, origin, -1, -1, 0, 0, 0);
            return;
        }
        e->fleet_waiting[f] -= trucks;
    }
    int c = convoy_new(e, f, trucks);
    e->in_transit[f] += trucks * fl->payload;
    r->dispatched++;
    trace(e, t, COR_TRACE_DEPART, f, c, origin, -1, -1, 0, 0, 0);
    advance(e, c, t);
}

/* Convoy c reaches the end of its leg at time t: the next stop of its
 * route, which it returns. */
static const struct stop *arrive(struct cor_engine *e, int c, double t)
{
    struct convoy *cv = &e->convoys[c];
    cv->leg++;
    const struct stop *st = &e->stops[cv->stop0 + cv->leg];
    trace(e, t, COR_TRACE_ARRIVE, cv->flow, c, st->node, st[-1].segment, -1, 0, 0, 0);
    return st;
}

/* An arrival at any stop (EV_ARRIVE). */
static void on_arrive(struct cor_engine *e, int c, double t)
{
    const struct stop *st = arrive(e, c, t);
    if (e->convoys[c].has_escort && (st->flags & STOP_ESCORT_TO))
        escort_release(e, c, t);
    if (st->flags & STOP_DWELL) {
        /* Border clearance and the like: on the way, never at the end. */
        const struct cor_node *nd = &e->sc->nodes[st->node];
        double d = cor_dist_draw(&nd->dwell_hours, cor_rng_stream(&e->rng, COR_STREAM_DURATION));
        schedule(e, t + d, COR_CLASS_ARRIVAL, EV_DWELL_END, c);
        return;
    }
    advance(e, c, t);
}

/* The same at stops with one flag or none: what on_arrive does there,
 * without testing the flags again. */
static void on_arrive_pass(struct cor_engine *e, int c, double t)
{
    arrive(e, c, t);
    try_enter(e, c, t);
}

static void on_arrive_dest(struct cor_engine *e, int c, double t)
{
    arrive(e, c, t);
    deliver(e, c, t);
}

static void on_arrive_from(struct cor_engine *e, int c, double t)
{
    const struct stop *st = arrive(e, c, t);
    if (!e->convoys[c].has_escort && !escort_take(e, c, st, t))
        return;
    try_enter(e, c, t);
}

static void on_arrive_to(struct cor_engine *e, int c, double t)
{
    arrive(e, c, t);
    if (e->convoys[c].has_escort)
        escort_release(e, c, t);
    try_enter(e, c, t);
}

static void on_escort_return(struct cor_engine *e, int esc, double t)
{
    int c = fifo_pop(e, &e->esc_wait[esc]);
    if (c < 0) {
        e->units_free[esc]++;
        return;
    }
    escort_start(e, c, t);
    try_enter(e, c, t);
}

static void on_fleet_return(struct cor_engine *e, int c)
{
    e->fleet_waiting[e->convoys[c].flow] += e->convoys[c].trucks;
    convoy_free(e, c);
}

/* A convoy has waited at a closed segment for the flow's closed_hours since
 * the closure began: if it is still waiting there, it tries an alternate. */
static void on_reroute_check(struct cor_engine *e, int c, double t)
{
    struct convoy *cv = &e->convoys[c];
    /* The event names a pool slot: make sure it is still the check this
     * convoy asked for (the slot may since hold another convoy, or this
     * one may have left that wait; try_enter voids the check then). */
    if (cv->state != CONVOY_CLOSED_WAIT || cv->reroute_due != t)
        return;
    cv->reroute_due = -1.0;
    int s = e->stops[cv->stop0 + cv->leg].segment;
    /* A waiting line is released when its segment reopens, so the closure
     * this convoy waits on has lasted since the check was scheduled. */
    COR_INVARIANT(e->closed[s] > 0 &&
                      e->closed_since[s] + cv->fl->reroute_closed_hours == t,
                  "convoy %d: reroute check at %.17g for a closure that changed", c, t);
    int leg, r = find_alternate(e, c, &leg);
    if (r < 0)
        return; /* nowhere better: it keeps its place in the line */
    bool queued = fifo_remove(e, &e->seg_wait[s], c);
    COR_INVARIANT(queued, "convoy %d waiting but not in segment %d's line", c, s);
    (void)queued;
    switch_route(e, c, r, leg, t);
    cv->state = CONVOY_MOVING;
    advance(e, c, t);
}

/* Schedules the next start of random closure i after time t: the
 * inter-arrival drawn now is divided by the season rate factor in force now.
 * A factor of 0 means no closure can start: wait for the factor to change
 * and draw afresh then (otherwise the process would stop for good). */
static void closure_next(struct cor_engine *e, int i, double t)
{
    const struct cor_closure *cl = &e->sc->closures[i];
    double f = cor_steps_at(&e->m->closure_rate, t);
    if (f <= 0.0) {
        double tn = steps_next(&e->m->closure_rate, t);
        if (isfinite(tn))
            schedule(e, tn, COR_CLASS_CLOSURE, EV_CLOSURE_REDRAW, i);
        return;
    }
    double dt = cor_dist_draw(&cl->every_days, cor_rng_closure(&e->rng, i));
    schedule(e, t + 24.0 * dt / f, COR_CLASS_CLOSURE, EV_CLOSURE_START, i);
}

static void on_closure_start(struct cor_engine *e, int i, double t)
{
    const struct cor_closure *cl = &e->sc->closures[i];
    if (e->closed[cl->segment]++ == 0)
        e->closed_since[cl->segment] = t;
    trace(e, t, COR_TRACE_CLOSURE_START, -1, -1, -1, cl->segment, -1, 0, 0, 0);
    if (cl->random) {
        double d = cor_dist_draw(&cl->lasts_hours, cor_rng_closure(&e->rng, i));
        schedule(e, t + d, COR_CLASS_CLOSURE_END, EV_CLOSURE_END, i);
        closure_next(e, i, t);
    }
}

static void on_closure_end(struct cor_engine *e, int i, double t)
{
    int s = e->sc->closures[i].segment;
    COR_INVARIANT(e->closed[s] > 0, "segment %d reopened more often than closed", s);
    e->closed[s]--;
    trace(e, t, COR_TRACE_CLOSURE_END, -1, -1, -1, s, -1, 0, 0, 0);
    if (e->closed[s] > 0)
        return;
    /* Release the line in FIFO order; each convoy moves on at once. */
    struct fifo waiting = e->seg_wait[s];
    e->seg_wait[s].head = e->seg_wait[s].tail = -1;
    int c;
    while ((c = fifo_pop(e, &waiting)) >= 0)
        try_enter(e, c, t);
}

static void on_day_end(struct cor_engine *e, int d, double t)
{
    const struct cor_scenario *sc = e->sc;
    struct cor_rep_result *r = e->out;
    size_t row = (size_t)d * (size_t)sc->nstocks;
    for (int k = 0; k < sc->nstocks; k++) {
        const struct cor_stock *st = &sc->stocks[k];
        struct cor_rep_stock *rs = &r->stocks[k];
        double s = e->level[k], demand = st->demand, target = demand;
        if (st->has_ration && s < st->ration_below_days * demand)
            target = demand * st->ration_factor;
        double consumed = s < target ? s : target;
        double unmet = target - consumed;
        e->level[k] = s - consumed;
        COR_INVARIANT(e->level[k] >= 0.0 && e->level[k] <= st->capacity,
                      "stock %d at %.17g outside [0, %.17g]", k, e->level[k], st->capacity);
        rs->consumed += consumed;
        rs->unmet += unmet;
        if (demand - target > 0.0)
            rs->rationing_days++;
        bool is_short = unmet > 1e-9 * demand;
        if (is_short) {
            rs->shortage_days++;
            if (rs->first_short < 0)
                rs->first_short = d;
            trace(e, t, COR_TRACE_SHORTAGE, -1, -1, sc->cities[st->city].node, -1,
                  k, 0, 0, unmet);
        }
        r->day_stock[row + k] = e->level[k];
        r->day_unmet[row + k] = unmet;
        r->day_delivered[row + k] = e->delivered_today[k];
        r->day_short[row + k] = is_short;
        e->delivered_today[k] = 0.0;
    }
    schedule(e, t + 24.0, COR_CLASS_DAY_END, EV_DAY_END, d + 1);
}

static void reset(struct cor_engine *e)
{
    const struct cor_scenario *sc = e->sc;
    cor_eventq_clear(&e->q);
    e->now = 0.0;
    refresh_epoch(e, 0.0);
    free_slots_from(e, 0);
    e->on_road = 0;
    e->next_serial = 0;
    for (int s = 0; s < sc->nsegments; s++) {
        e->closed[s] = 0;
        e->closed_since[s] = 0.0;
        e->seg_wait[s].head = e->seg_wait[s].tail = -1;
    }
    for (int i = 0; i < sc->nescorts; i++) {
        e->units_free[i] = sc->escorts[i].units;
        e->esc_wait[i].head = e->esc_wait[i].tail = -1;
    }
    for (int f = 0; f < sc->nflows; f++) {
        e->suspended_until[f] = -INFINITY;
        e->fleet_waiting[f] = sc->flows[f].fleet;
        e->fleet_destroyed[f] = 0;
        e->in_transit[f] = 0.0;
    }
    for (int k = 0; k < sc->nstocks; k++) {
        e->level[k] = sc->stocks[k].stock;
        e->delivered_today[k] = 0.0;
    }
}

#if defined(COR_CHECK_INVARIANTS)
/* End of a replication: every commodity unit and every fleet truck is
 * accounted for. */
static void check_conservation(const struct cor_engine *e)
{
    const struct cor_scenario *sc = e->sc;
    for (int k = 0; k < sc->nstocks; k++) {
        const struct cor_rep_stock *rs = &e->out->stocks[k];
        double in = sc->stocks[k].stock + rs->delivered, out = rs->consumed + e->level[k];
        COR_INVARIANT(fabs(in - out) <= 1e-9 * (in > 1 ? in : 1),
                      "stock %d: initial + delivered %.17g != consumed + final %.17g", k, in,
                      out);
    }
    for (int f = 0; f < sc->nflows; f++) {
        if (!sc->flows[f].fleet)
            continue;
        long on_road = 0;
        for (size_t c = 0; c < e->cap_convoys; c++)
            if (e->convoys[c].state != CONVOY_FREE && e->convoys[c].flow == f)
                on_road += e->convoys[c].trucks;
        long total = e->fleet_waiting[f] + on_road + e->fleet_destroyed[f];
        COR_INVARIANT(total == sc->flows[f].fleet,
                      "flow %d: waiting %ld + on the road %ld + destroyed %ld != fleet %ld", f,
                      e->fleet_waiting[f], on_road, e->fleet_destroyed[f], sc->flows[f].fleet);
    }
}
#endif

enum cor_status cor_engine_run(struct cor_engine *e, uint64_t seed, long rep,
                               struct cor_rep_result *out)
{
    const struct cor_scenario *sc = e->sc;
    const struct cor_model *m = e->m;
    e->out = out;
    e->trace_on = out->trace_on;
    reset_result(out);
    reset(e);
    cor_rng_seed(&e->rng, seed, (uint64_t)rep);

    /* Initial events, in class order so the sequence numbers are fixed. */
    for (int i = 0; i < sc->nclosures; i++) {
        const struct cor_closure *cl = &sc->closures[i];
        if (cl->random) {
            closure_next(e, i, 0.0);
        } else if (24.0 * cl->from_day <= m->t_end) {
            schedule(e, 24.0 * cl->from_day, COR_CLASS_CLOSURE, EV_CLOSURE_START, i);
            schedule(e, 24.0 * cl->to_day, COR_CLASS_CLOSURE_END, EV_CLOSURE_END, i);
        }
    }
    for (int f = 0; f < sc->nflows; f++) {
        const struct cor_flow *fl = &sc->flows[f];
        double first = fmax(fl->start_hour, 24.0 * fl->from_day);
        if (first < 24.0 * fl->to_day)
            schedule(e, first, COR_CLASS_DEPARTURE, EV_DEPART, f);
    }
    schedule(e, 24.0, COR_CLASS_DAY_END, EV_DAY_END, 0);

    struct cor_event ev;
    uint64_t n = 0;
    while (cor_eventq_pop(&e->q, &ev)) {
        COR_INVARIANT(ev.t >= e->now && ev.t <= m->t_end,
                      "event at %.17g after %.17g (horizon %.17g)", ev.t, e->now, m->t_end);
        e->now = ev.t;
        if (ev.t >= e->epoch_end)
            refresh_epoch(e, ev.t);
        if (++n > COR_MAX_EVENTS_PER_REP) {
            out->events = n;
            return COR_ELIMIT;
        }
        if ((n & 0xffff) == 0) {
            if (out->convoy_cap_hit) {
                out->events = n;
                return COR_ELIMIT;
            }
            if (e->interrupt && atomic_load_explicit(e->interrupt, memory_order_relaxed)) {
                out->events = n;
                return COR_EINTERRUPTED;
            }
        }
        int arg = (int)ev.arg;
        double now = ev.t;
        switch ((enum ev_kind)ev.kind) {
        case EV_DEPART: on_depart(e, arg, now); break;
        case EV_ARRIVE: on_arrive(e, arg, now); break;
        case EV_ARRIVE_PASS: on_arrive_pass(e, arg, now); break;
        case EV_ARRIVE_DEST: on_arrive_dest(e, arg, now); break;
        case EV_ARRIVE_FROM: on_arrive_from(e, arg, now); break;
        case EV_ARRIVE_TO: on_arrive_to(e, arg, now); break;
        case EV_ESCORT_RETURN: on_escort_return(e, arg, now); break;
        case EV_FLEET_RETURN: on_fleet_return(e, arg); break;
        case EV_CLOSURE_START: on_closure_start(e, arg, now); break;
        case EV_CLOSURE_REDRAW: closure_next(e, arg, now); break;
        case EV_CLOSURE_END: on_closure_end(e, arg, now); break;
        case EV_DWELL_END: advance(e, arg, now); break;
        case EV_REROUTE_CHECK: on_reroute_check(e, arg, now); break;
        case EV_DAY_END: on_day_end(e, arg, now); break;
        }
    }
    out->events = n;
    for (int k = 0; k < sc->nstocks; k++)
        out->stocks[k].final_stock = e->level[k];
#if defined(COR_CHECK_INVARIANTS)
    check_conservation(e);
#endif
    return COR_OK;
}
