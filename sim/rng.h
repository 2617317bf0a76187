/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Random streams: one GSL generator per kind of draw, per replication.
 *
 * Replication r of a run with seed S draws only from generators seeded from
 * (S, r, stream), so its numbers do not depend on the thread that runs it,
 * on how many replications the run has, or on the other streams: adding an
 * escort changes the ambush draws but not the closure or departure draws.
 * A stream is named by its kind and its index within the kind (flow 3,
 * closure 5), so adding a flow leaves every closure's draws where they
 * were.
 *
 * The generator is GSL's taus2 (L'Ecuyer's maximally equidistributed
 * Tausworthe, period 2^88): it is among GSL's fastest, passes the usual test
 * batteries, and has a three-word state. gsl_rng_set() would take only 32
 * bits of seed, and 10^5 replications x several streams would then collide
 * (birthday bound); so the three state words are filled from splitmix64 of
 * (seed, replication, stream) directly, as taus2's own seeding does with an
 * LCG, and warmed up the same way.
 *
 * Ownership: a cor_rng owns its generators; init allocates them once per
 * worker, reseeding a replication allocates nothing. */
#ifndef COR_RNG_H
#define COR_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Fixed streams; departures and random closures get one stream each, after
 * these, so that their draws stay put when other flows change. */
enum cor_stream {
    COR_STREAM_AMBUSH,   /* ambush and deterrence coin flips */
    COR_STREAM_LOSS,     /* binomial truck losses and driver deaths */
    COR_STREAM_DURATION, /* ambush delays, dwell times, suspensions, escort returns */
    COR_STREAM_FIXED     /* number of fixed streams */
};

struct cor_rng {
    gsl_rng **g;   /* COR_STREAM_FIXED + nflows + nclosures generators */
    int n;
    int nflows;
};

/* Allocates the generators for a scenario with nflows flows and nclosures
 * closures. */
void cor_rng_init(struct cor_rng *r, int nflows, int nclosures);
void cor_rng_fini(struct cor_rng *r);
/* Reseeds every stream for replication rep of a run with this seed. */
void cor_rng_seed(struct cor_rng *r, uint64_t seed, uint64_t rep);

static inline gsl_rng *cor_rng_stream(const struct cor_rng *r, enum cor_stream s)
{
    return r->g[s];
}
static inline gsl_rng *cor_rng_flow(const struct cor_rng *r, int flow)
{
    return r->g[COR_STREAM_FIXED + flow];
}
static inline gsl_rng *cor_rng_closure(const struct cor_rng *r, int closure)
{
    return r->g[COR_STREAM_FIXED + r->nflows + closure];
}

/* One step of taus2 on a stream: its 32-bit output, exactly what
 * gsl_rng_get would return, bit for bit, without its two indirect calls
 * (the generator's type, then its get). The recurrence is L'Ecuyer's
 * (1996) on the GSL generator's own state (the three 32-bit words in
 * unsigned longs that cor_rng_seed writes): each word is a Tausworthe
 * step, the output their exclusive or. Only for taus2 generators, such as
 * cor_rng_init makes. */
static inline uint32_t cor_rng_u32(gsl_rng *g)
{
    unsigned long *s = g->state;
    const unsigned long m = 0xffffffffUL;
    s[0] = (((s[0] & 4294967294UL) << 12) & m) ^ ((((s[0] << 13) & m) ^ s[0]) >> 19);
    s[1] = (((s[1] & 4294967288UL) << 4) & m) ^ ((((s[1] << 2) & m) ^ s[1]) >> 25);
    s[2] = (((s[2] & 4294967280UL) << 17) & m) ^ ((((s[2] << 3) & m) ^ s[2]) >> 11);
    return (uint32_t)(s[0] ^ s[1] ^ s[2]);
}

/* A uniform draw in [0, 1) from a stream: exactly what gsl_rng_uniform
 * returns for taus2, the 32-bit output scaled by 2^-32. */
static inline double cor_rng_uniform(gsl_rng *g)
{
    return (double)cor_rng_u32(g) / 4294967296.0;
}

/* splitmix64's output function: a bijective 64-bit mixer. */
uint64_t cor_rng_mix(uint64_t x);

#endif
