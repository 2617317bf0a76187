/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Private helpers of the scenario loader, shared by scenario.c (pure
 * checks on text) and scenario_yaml.c (the schema walk), and seen by tests.
 *
 * Nothing here is API: the public entry points are in corridor/scenario.h. */
#ifndef COR_SCENARIO_YAML_H
#define COR_SCENARIO_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "corridor/diag.h"
#include "yaml_tree.h"

enum cor__num {
    COR__NUM_OK,
    COR__NUM_SYNTAX,    /* not a YAML 1.2 decimal number */
    COR__NUM_NONFINITE, /* .inf, .nan, inf, nan and their spellings */
    COR__NUM_RANGE      /* a number, but it overflows a double */
};

/* Parses a YAML 1.2 core-schema decimal number (`[-+]?(\.[0-9]+|[0-9]+(\.
 * [0-9]*)?)([eE][-+]?[0-9]+)?`), the whole text, independent of the
 * process's locale. Hex, octal, `1_000`, spaces and empty text are not
 * numbers. Underflow gives 0 or a denormal, which is accepted. */
enum cor__num cor__parse_number(const char *text, double *out);
/* Parses an unsigned decimal integer (optional `+`), the whole text, into a
 * uint64_t. Returns COR__NUM_SYNTAX if the text is not of that form and
 * COR__NUM_RANGE if it does not fit. */
enum cor__num cor__parse_u64(const char *text, uint64_t *out);

/* Parses a calendar date `YYYY-MM-DD`. Returns 0 if valid, 1 if the text is
 * not of that form, 2 if it is but the day does not exist (2025-02-30). */
int cor__parse_date(const char *text, int *y, int *m, int *d);

/* True if `id` may name a node, commodity, segment, flow or escort: not
 * empty, at most 128 bytes, made of ASCII letters and digits, '-', '_' and
 * non-ASCII (UTF-8) characters. Dots would make `--set` paths ambiguous and
 * commas or quotes would break the CSV outputs. */
bool cor__id_is_valid(const char *id);

/* The candidate closest to `word` to offer as "did you mean": a
 * case-insensitive match first, else the one with the smallest edit distance
 * (optimal string alignment: a swap of two neighbours counts 1), provided
 * the distance is at most 2 and smaller than the candidate's length, so that
 * 'xy' does not suggest 'id'. NULL if none qualifies. */
const char *cor__suggest(const char *word, const char *const *cands, size_t n);

/* Applies one override "PATH=VALUE" (the `ordinal`-th, 1-based) to the
 * tree. Returns false after adding errors to `diag` (file "--set"). */
bool cor__override_apply(struct cor_ynode *root, const char *ov,
                         unsigned ordinal, struct cor_diag *diag);

#endif
