/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Diagnostics: the list of errors found in an input, with positions.
 *
 * Every loader collects all the errors it finds instead of stopping at the
 * first, so a user fixes a scenario in one pass. A diagnostic is printed in
 * the compiler style `FILE:LINE:COL: error: MESSAGE`; LINE and COL are
 * 1-based, and 0 means "no position" (then only `FILE: error: ...`).
 *
 * Ownership: the list owns copies of every string given to it. */
#ifndef CORRIDOR_DIAG_H
#define CORRIDOR_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* More errors than this are counted but not stored: nobody reads the 10,001st
 * and a hostile file must not make the list grow without bound. */
#define COR_DIAG_MAX 200

struct cor_diag_entry {
    char *file;
    unsigned line;
    unsigned col;
    char *message;
};

struct cor_diag {
    struct cor_diag_entry *entries;
    size_t count;   /* stored entries */
    size_t dropped; /* entries past COR_DIAG_MAX */
};

/* Initialises an empty list in caller storage. */
void cor_diag_init(struct cor_diag *d);
/* Frees every entry; the list is empty and reusable afterwards. */
void cor_diag_fini(struct cor_diag *d);
/* Appends an error; `file` may be NULL for errors tied to no file. */
void cor_diag_add(struct cor_diag *d, const char *file, unsigned line,
                  unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Total number of errors added, stored or not. */
size_t cor_diag_count(const struct cor_diag *d);
/* Prints every stored error, one per line, then a line for dropped ones. */
void cor_diag_print(const struct cor_diag *d, FILE *out);

#endif
