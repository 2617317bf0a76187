/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one place corridor allocates heap memory. */
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "corridor: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *cor_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *cor_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *cor_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *cor_strndup(const char *s, size_t n)
{
    char *d = cor_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *cor_strdup(const char *s)
{
    return cor_strndup(s, strlen(s));
}

void cor_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need)
        ncap *= 2;
    *p = cor_realloc(*p, ncap * size);
    memset((char *)*p + *cap * size, 0, (ncap - *cap) * size);
    *cap = ncap;
}
