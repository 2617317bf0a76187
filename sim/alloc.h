/* SPDX-License-Identifier: GPL-3.0-or-later */
/* All heap allocation goes through here: out of memory ends the process
 * (cor_out_of_memory), so no caller has a NULL path to get wrong. */
#ifndef COR_ALLOC_H
#define COR_ALLOC_H

#include <stddef.h>

/* The exit status when memory runs out: a runtime failure, as the command
 * line counts them (cli.c checks that the two agree). */
#define COR_OOM_STATUS 1

/* Prints "corridor: error: out of memory (WHAT)" on stderr and ends the
 * process with COR_OOM_STATUS at once, from any thread: nothing buffered
 * is flushed (no half report on stdout) and no cleanup runs, since none
 * can be trusted to complete without memory. A result file being written
 * at that moment stays under its temporary name (outfile.h), never half
 * written under its own. For the allocations of the libraries too. */
_Noreturn void cor_out_of_memory(const char *what);

/* Each returns memory the caller frees with free(); never NULL. */
void *cor_malloc(size_t n);
void *cor_calloc(size_t count, size_t size);
void *cor_realloc(void *p, size_t n);
char *cor_strdup(const char *s);
char *cor_strndup(const char *s, size_t n);
/* Grows *p (an array of *cap elements of `size` bytes) to hold at least
 * `need` elements, doubling; new elements are zeroed. */
void cor_grow(void **p, size_t *cap, size_t need, size_t size);

#endif
