/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Diagnostics: a bounded list of positioned error messages. */
#include "corridor/diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "alloc.h"

void cor_diag_init(struct cor_diag *d)
{
    d->entries = NULL;
    d->count = 0;
    d->dropped = 0;
}

void cor_diag_fini(struct cor_diag *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->entries[i].file);
        free(d->entries[i].message);
    }
    free(d->entries);
    cor_diag_init(d);
}

void cor_diag_add(struct cor_diag *d, const char *file, unsigned line,
                  unsigned col, const char *fmt, ...)
{
    if (d->count >= COR_DIAG_MAX) {
        d->dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = cor_malloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    if (n <= 0)
        msg[0] = '\0';

    if ((d->count & (d->count - 1)) == 0) /* grow at powers of two */
        d->entries = cor_realloc(d->entries,
                                 (d->count ? d->count * 2 : 1) * sizeof *d->entries);
    struct cor_diag_entry *e = &d->entries[d->count++];
    e->file = file ? cor_strdup(file) : NULL;
    e->line = line;
    e->col = col;
    e->message = msg;
}

size_t cor_diag_count(const struct cor_diag *d)
{
    return d->count + d->dropped;
}

void cor_diag_print(const struct cor_diag *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++) {
        const struct cor_diag_entry *e = &d->entries[i];
        const char *file = e->file ? e->file : "corridor";
        if (e->line)
            fprintf(out, "%s:%u:%u: error: %s\n", file, e->line, e->col, e->message);
        else
            fprintf(out, "%s: error: %s\n", file, e->message);
    }
    if (d->dropped)
        fprintf(out, "corridor: error: %zu more errors not shown\n", d->dropped);
}
