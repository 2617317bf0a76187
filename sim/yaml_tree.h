/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small owned YAML tree built from libyaml events, with a position on
 * every node.
 *
 * The scenario loader never sees libyaml: it walks this tree. The tree is
 * built from the event API (not libyaml's document API) so that every cap is
 * enforced while reading, before any cost is paid: file size, nesting depth
 * (libyaml is quadratic on deep flow nesting), scalar size and node count.
 * Aliases are rejected, so the tree is a real tree (no sharing, no cycles);
 * anchors are accepted and ignored. Merge keys `<<`, explicit tags,
 * multi-document streams and duplicate keys are errors.
 *
 * Positions are 1-based line and column (columns count characters, as
 * libyaml's marks do). A node created by a `--set` override carries the
 * override's ordinal in `override`, its line is that ordinal and its column
 * a position in the override string, so that errors can point there.
 *
 * Ownership: cor_ytree_parse returns a root the caller frees with
 * cor_ynode_free(), which frees the whole subtree. */
#ifndef COR_YAML_TREE_H
#define COR_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "corridor/diag.h"

enum cor_ynode_kind { COR_YNODE_SCALAR, COR_YNODE_MAP, COR_YNODE_SEQ };

struct cor_ynode {
    enum cor_ynode_kind kind;
    unsigned line, col;      /* 1-based start of the node */
    unsigned override;       /* 0: from the file; k: from the k-th override */
    bool plain;              /* scalar written without quotes or | > */
    char *text;              /* scalar: NUL-terminated value (no inner NUL) */
    size_t len;              /* scalar: strlen(text) */
    struct cor_ynode **keys; /* map: key scalars, parallel to items */
    struct cor_ynode **items;/* map: values; seq: elements */
    size_t n;                /* map: pairs; seq: elements */
    size_t cap;              /* allocated slots in keys/items */
};

/* Parses `len` bytes of YAML named `name` (for diagnostics) into a tree whose
 * root is a mapping. Returns NULL on an error that leaves no usable tree
 * (syntax error, cap hit, alias, empty file, root not a mapping). Errors that
 * leave the tree usable (duplicate keys, merge keys, tags: the offending pair
 * is dropped or the tag ignored) are added to `diag` and the tree is still
 * returned, so that later stages can report their errors in the same pass. */
struct cor_ynode *cor_ytree_parse(const char *name, const char *buf, size_t len,
                                  struct cor_diag *diag);
/* Frees the node and its subtree; NULL is a no-op. */
void cor_ynode_free(struct cor_ynode *n);

/* A new scalar node owning a copy of text[0..len); `plain` as in the file. */
struct cor_ynode *cor_ynode_new_scalar(const char *text, size_t len, bool plain,
                                       unsigned line, unsigned col);
/* Appends a key/value pair to a map; the map takes ownership of both. */
void cor_ynode_map_add(struct cor_ynode *map, struct cor_ynode *key,
                       struct cor_ynode *value);
/* True for a plain scalar meaning null: empty, `~`, `null`, `Null`, `NULL`. */
bool cor_ynode_is_null(const struct cor_ynode *n);
/* The offset of the first byte of `text` that does not start a well-formed
 * UTF-8 character (RFC 3629: no overlong forms, no surrogates), or its
 * length if it is all well formed. libyaml checks the file; overrides come
 * from the command line and are checked with this. */
size_t cor_utf8_invalid_at(const char *text);
/* Whether `text`, well-formed UTF-8, starts with a control character: C0
 * (below U+0020), DEL or C1 (U+0080 to U+009F, which a terminal may also
 * obey: U+009B opens an escape sequence). */
static inline bool cor_utf8_is_control(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    return (p[0] < 0x20 && p[0] != 0) || p[0] == 0x7f ||
           (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F);
}
/* The value under `key` in a map, or NULL (also when n is not a map). */
struct cor_ynode *cor_ynode_get(const struct cor_ynode *map, const char *key);
/* Index of `key` in a map, or -1. */
long cor_ynode_find(const struct cor_ynode *map, const char *key);
/* "a mapping", "a sequence", "null" or "a scalar": for error messages. */
const char *cor_ynode_kind_name(const struct cor_ynode *n);

/* Converts a byte offset into buf to a 1-based line and column (in
 * characters), the way libyaml counts marks. */
void cor__ytree_offset_to_pos(const char *buf, size_t len, size_t offset,
                              unsigned *line, unsigned *col);

#endif
