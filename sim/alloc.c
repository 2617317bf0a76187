/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one place corridor allocates heap memory. */
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void cor_out_of_memory(const char *what)
{
    /* Formatted on the stack (at most 200 bytes of `what`, so the line
     * always fits) and written in one call, without stdio, which may need
     * memory of its own: threads that fail together do not mix lines. */
    char msg[256];
    int n = snprintf(msg, sizeof msg, "corridor: error: out of memory (%.200s)\n", what);
    ssize_t w = write(STDERR_FILENO, msg, n > 0 ? (size_t)n : 0);
    (void)w; /* nothing more can be done if even that fails */
    _exit(COR_OOM_STATUS);
}

static _Noreturn void oom(size_t n)
{
    char what[64];
    snprintf(what, sizeof what, "asked for %zu bytes", n);
    cor_out_of_memory(what);
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
