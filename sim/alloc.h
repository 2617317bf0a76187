/* SPDX-License-Identifier: GPL-3.0-or-later */
/* All heap allocation goes through here: out of memory prints the size
 * asked for and aborts, so no caller has a NULL path to get wrong. */
#ifndef COR_ALLOC_H
#define COR_ALLOC_H

#include <stddef.h>

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
