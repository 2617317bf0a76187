/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-replication GSL taus2 streams seeded from (seed, replication, stream). */
#include "rng.h"

#include <assert.h>
#include <stdlib.h>

#include "alloc.h"

uint64_t cor_rng_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void cor_rng_init(struct cor_rng *r, int nflows, int nclosures)
{
    r->nflows = nflows;
    r->n = COR_STREAM_FIXED + nflows + nclosures;
    r->g = cor_calloc((size_t)r->n, sizeof *r->g);
    for (int i = 0; i < r->n; i++) {
        r->g[i] = gsl_rng_alloc(gsl_rng_taus2);
        if (!r->g[i])
            cor_out_of_memory("gsl_rng_alloc");
        /* The state layout below is taus2's three unsigned longs. */
        assert(gsl_rng_size(r->g[i]) == 3 * sizeof(unsigned long));
    }
}

void cor_rng_fini(struct cor_rng *r)
{
    for (int i = 0; i < r->n; i++)
        gsl_rng_free(r->g[i]);
    free(r->g);
    r->g = NULL;
    r->n = 0;
}

/* taus2 needs s1 > 1, s2 > 7, s3 > 15 (32-bit words). */
static unsigned long word(uint64_t *x, unsigned long min)
{
    unsigned long w;
    do {
        *x = cor_rng_mix(*x);
        w = (unsigned long)(*x >> 32);
    } while (w <= min);
    return w;
}

/* A stream's identity: its kind and its index within the kind, so that
 * adding a flow does not renumber the closures' streams. */
static uint64_t stream_key(const struct cor_rng *r, int i)
{
    if (i < COR_STREAM_FIXED)
        return (uint64_t)i;
    if (i < COR_STREAM_FIXED + r->nflows)
        return (1ULL << 32) | (uint64_t)(i - COR_STREAM_FIXED);
    return (2ULL << 32) | (uint64_t)(i - COR_STREAM_FIXED - r->nflows);
}

void cor_rng_seed(struct cor_rng *r, uint64_t seed, uint64_t rep)
{
    uint64_t base = cor_rng_mix(cor_rng_mix(seed) ^ rep);
    for (int i = 0; i < r->n; i++) {
        uint64_t x = cor_rng_mix(base + stream_key(r, i) * 0xd1b54a32d192ed03ULL);
        unsigned long *s = gsl_rng_state(r->g[i]);
        s[0] = word(&x, 1);
        s[1] = word(&x, 7);
        s[2] = word(&x, 15);
        /* Warm up as taus2's own seeding does, so that the first outputs
         * are already well mixed. */
        for (int k = 0; k < 6; k++)
            (void)cor_rng_u32(r->g[i]);
    }
}
