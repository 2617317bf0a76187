/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libyaml events -> a small owned tree with positions, caps enforced.
 *
 * The event loop keeps its own stack of open collections, so the nesting
 * depth is known at every event and a `[[[[...` file is stopped at level
 * COR_MAX_DEPTH + 1, long before libyaml's quadratic behaviour on deep flow
 * nesting costs anything. Every node is attached to its parent the moment it
 * starts, so on any error freeing the root frees everything.
 *
 * Errors come in two weights. Fatal ones (syntax errors, caps, aliases, a
 * second document) stop the parse: nothing after them can be trusted or is
 * worth reading. Mild ones (duplicate keys, merge keys, tags) are collected
 * and the parse goes on, so a user sees all of them at once; the offending
 * pair is dropped from the tree. Duplicate and merge keys are found when a
 * mapping ends, i.e. inner mappings before outer ones, so mild errors are
 * gathered in a local list and sorted by position before they reach the
 * caller's diagnostics. */
#include "yaml_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "corridor/scenario.h"

/* Below this many keys a mapping is checked for duplicates pairwise; above
 * it by sorting, so a hostile 100,000-key mapping costs n log n, not n^2. */
#define SMALL_MAP 16

struct perr {
    unsigned line, col;
    size_t seq;     /* insertion order, to keep the sort stable */
    char *msg;
};

struct frame {
    struct cor_ynode *node;
    struct cor_ynode *key;  /* map: the key waiting for its value, or NULL */
};

struct builder {
    const char *name;
    struct cor_diag *diag;
    struct perr *errs;
    size_t nerrs, errcap;
    struct frame stack[COR_MAX_DEPTH + 1];
    int depth;
    struct cor_ynode *root;
    size_t nnodes;
    int ndocs;
    bool fatal;
};

void cor_ynode_free(struct cor_ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            cor_ynode_free(n->keys[i]);
        cor_ynode_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->text);
    free(n);
}

static struct cor_ynode *node_new(enum cor_ynode_kind kind, unsigned line,
                                  unsigned col)
{
    struct cor_ynode *n = cor_calloc(1, sizeof *n);
    n->kind = kind;
    n->line = line;
    n->col = col;
    return n;
}

struct cor_ynode *cor_ynode_new_scalar(const char *text, size_t len, bool plain,
                                       unsigned line, unsigned col)
{
    struct cor_ynode *n = node_new(COR_YNODE_SCALAR, line, col);
    n->text = cor_strndup(text, len);
    n->len = len;
    n->plain = plain;
    return n;
}

static void append(struct cor_ynode *c, struct cor_ynode *key,
                   struct cor_ynode *value)
{
    if (c->n == c->cap) {
        size_t cap = c->cap;
        cor_grow((void **)&c->items, &cap, c->n + 1, sizeof *c->items);
        if (c->kind == COR_YNODE_MAP) {
            size_t kcap = c->cap;
            cor_grow((void **)&c->keys, &kcap, c->n + 1, sizeof *c->keys);
        }
        c->cap = cap;
    }
    if (c->kind == COR_YNODE_MAP)
        c->keys[c->n] = key;
    c->items[c->n++] = value;
}

void cor_ynode_map_add(struct cor_ynode *map, struct cor_ynode *key,
                       struct cor_ynode *value)
{
    append(map, key, value);
}

size_t cor_utf8_invalid_at(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (p[i]) {
        unsigned char c = p[i];
        size_t n;
        unsigned long cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1, cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2, cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3, cp = c & 0x07u;
        } else {
            return i; /* a continuation byte, C0/C1 (overlong) or F5..FF */
        }
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return i; /* also stops at the terminating NUL */
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        /* Overlong three- and four-byte forms, surrogates, past U+10FFFF. */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return i;
        i += n + 1;
    }
    return i;
}

bool cor_ynode_is_null(const struct cor_ynode *n)
{
    if (!n || n->kind != COR_YNODE_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0
           || strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

long cor_ynode_find(const struct cor_ynode *map, const char *key)
{
    if (!map || map->kind != COR_YNODE_MAP)
        return -1;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->text, key) == 0)
            return (long)i;
    return -1;
}

struct cor_ynode *cor_ynode_get(const struct cor_ynode *map, const char *key)
{
    long i = cor_ynode_find(map, key);
    return i < 0 ? NULL : map->items[i];
}

const char *cor_ynode_kind_name(const struct cor_ynode *n)
{
    if (n->kind == COR_YNODE_MAP)
        return "a mapping";
    if (n->kind == COR_YNODE_SEQ)
        return "a sequence";
    return cor_ynode_is_null(n) ? "null" : "a scalar";
}

void cor__ytree_offset_to_pos(const char *buf, size_t len, size_t offset,
                              unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80 && ch != '\r') {
            c++; /* count characters, not UTF-8 continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

/* A mild error: kept aside and sorted by position at the end. */
__attribute__((format(printf, 4, 5)))
static void mild(struct builder *b, unsigned line, unsigned col,
                 const char *fmt, ...)
{
    cor_grow((void **)&b->errs, &b->errcap, b->nerrs + 1, sizeof *b->errs);
    struct perr *e = &b->errs[b->nerrs];
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    e->msg = cor_strdup(msg);
    e->line = line;
    e->col = col;
    e->seq = b->nerrs++;
}

/* A fatal error: recorded like a mild one, and the parse stops. */
#define FATAL(b, line, col, ...) \
    do { mild((b), (line), (col), __VA_ARGS__); (b)->fatal = true; } while (0)

static int perr_cmp(const void *pa, const void *pb)
{
    const struct perr *a = pa, *b = pb;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void flush_errors(struct builder *b)
{
    if (b->nerrs) /* qsort's array may not be NULL, even when empty */
        qsort(b->errs, b->nerrs, sizeof *b->errs, perr_cmp);
    for (size_t i = 0; i < b->nerrs; i++) {
        cor_diag_add(b->diag, b->name, b->errs[i].line, b->errs[i].col, "%s",
                     b->errs[i].msg);
        free(b->errs[i].msg);
    }
    free(b->errs);
}

static bool same_key(const struct cor_ynode *a, const struct cor_ynode *b)
{
    return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

struct keyref {
    const struct cor_ynode *key;
    size_t index;
};

static int key_order(const void *pa, const void *pb)
{
    const struct keyref *a = pa, *b = pb;
    size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
    int c = memcmp(a->key->text, b->key->text, n);
    if (c)
        return c;
    if (a->key->len != b->key->len)
        return a->key->len < b->key->len ? -1 : 1;
    /* The first in the file sorts first, so it is the one kept. */
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Fills first[i] with the index of the earliest key equal to key i (i itself
 * when key i is not a duplicate). */
static void find_duplicates(const struct cor_ynode *m, size_t *first)
{
    for (size_t i = 0; i < m->n; i++)
        first[i] = i;
    if (m->n <= SMALL_MAP) {
        for (size_t i = 1; i < m->n; i++)
            for (size_t j = 0; j < i; j++)
                if (same_key(m->keys[i], m->keys[j])) {
                    first[i] = j;
                    break;
                }
        return;
    }
    struct keyref *order = cor_malloc(m->n * sizeof *order);
    for (size_t i = 0; i < m->n; i++) {
        order[i].key = m->keys[i];
        order[i].index = i;
    }
    qsort(order, m->n, sizeof *order, key_order);
    for (size_t i = 1; i < m->n; i++)
        if (same_key(order[i].key, order[i - 1].key))
            first[order[i].index] = first[order[i - 1].index];
    free(order);
}

/* At the end of a mapping: report and drop duplicate keys and merge keys. */
static void finish_map(struct builder *b, struct cor_ynode *m)
{
    if (m->n == 0)
        return;
    size_t *first = cor_malloc(m->n * sizeof *first);
    find_duplicates(m, first);
    size_t kept = 0;
    for (size_t i = 0; i < m->n; i++) {
        struct cor_ynode *k = m->keys[i];
        bool drop = false;
        if (k->plain && strcmp(k->text, "<<") == 0) {
            mild(b, k->line, k->col, "merge keys '<<' are not supported");
            drop = true;
        } else if (first[i] != i) {
            const struct cor_ynode *f = m->keys[first[i]];
            mild(b, k->line, k->col, "duplicate key '%.200s' (first at %u:%u)",
                 k->text, f->line, f->col);
            drop = true;
        }
        if (drop) {
            cor_ynode_free(k);
            cor_ynode_free(m->items[i]);
        } else {
            m->keys[kept] = k;
            m->items[kept++] = m->items[i];
        }
    }
    m->n = kept;
    free(first);
}

/* Attaches a new node to the open collection on top of the stack (or makes
 * it the root). Returns false on a fatal error (the node is then freed). */
static bool attach(struct builder *b, struct cor_ynode *n)
{
    if (++b->nnodes > COR_MAX_YAML_NODES) {
        FATAL(b, n->line, n->col, "too many YAML nodes (cap %d)",
              COR_MAX_YAML_NODES);
        cor_ynode_free(n);
        return false;
    }
    if (b->depth == 0) {
        b->root = n;
        return true;
    }
    struct frame *f = &b->stack[b->depth - 1];
    if (f->node->kind == COR_YNODE_SEQ) {
        append(f->node, NULL, n);
    } else if (!f->key) {
        if (n->kind != COR_YNODE_SCALAR) {
            FATAL(b, n->line, n->col, "mapping keys must be scalars (got %s)",
                  cor_ynode_kind_name(n));
            cor_ynode_free(n);
            return false;
        }
        f->key = n;
    } else {
        append(f->node, f->key, n);
        f->key = NULL;
    }
    return true;
}

static void check_tag(struct builder *b, const yaml_char_t *tag, unsigned line,
                      unsigned col)
{
    /* libyaml hands over the resolved tag; show it the way it is written. */
    static const char core[] = "tag:yaml.org,2002:";
    const char *t = (const char *)tag;
    if (!t)
        return;
    if (strncmp(t, core, sizeof core - 1) == 0)
        mild(b, line, col, "tags are not supported (got '!!%.200s')",
             t + sizeof core - 1);
    else
        mild(b, line, col, "tags are not supported (got '%.200s')", t);
}

static void on_scalar(struct builder *b, const yaml_event_t *ev, unsigned line,
                      unsigned col)
{
    size_t len = ev->data.scalar.length;
    const char *v = (const char *)ev->data.scalar.value;
    if (len > COR_MAX_SCALAR_BYTES) {
        FATAL(b, line, col, "scalar is too long (cap %d bytes)",
              COR_MAX_SCALAR_BYTES);
        return;
    }
    if (memchr(v, '\0', len)) {
        FATAL(b, line, col, "a scalar may not contain a NUL character");
        return;
    }
    check_tag(b, ev->data.scalar.tag, line, col);
    attach(b, cor_ynode_new_scalar(v, len,
                                   ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
                                   line, col));
}

static void on_start(struct builder *b, enum cor_ynode_kind kind,
                     const yaml_char_t *tag, unsigned line, unsigned col)
{
    if (b->depth >= COR_MAX_DEPTH) {
        FATAL(b, line, col, "nesting is too deep (cap %d levels)", COR_MAX_DEPTH);
        return;
    }
    check_tag(b, tag, line, col);
    struct cor_ynode *n = node_new(kind, line, col);
    if (!attach(b, n))
        return;
    b->stack[b->depth].node = n;
    b->stack[b->depth].key = NULL;
    b->depth++;
}

static void on_end(struct builder *b)
{
    struct frame *f = &b->stack[--b->depth];
    /* libyaml always pairs keys with values, so no key can be left over. */
    cor_ynode_free(f->key);
    f->key = NULL;
    if (f->node->kind == COR_YNODE_MAP)
        finish_map(b, f->node);
}

static void parser_error(struct builder *b, const yaml_parser_t *p,
                         const char *buf, size_t len)
{
    /* Not the scenario's fault: a runtime failure, not a diagnostic. */
    if (p->error == YAML_MEMORY_ERROR)
        cor_out_of_memory("parsing YAML");
    char msg[512];
    unsigned line, col;
    switch (p->error) {
    case YAML_READER_ERROR:
        /* Reader errors leave the marks at 0:0 and give a byte offset. */
        cor__ytree_offset_to_pos(buf, len, p->problem_offset, &line, &col);
        if (p->problem_value >= 0)
            snprintf(msg, sizeof msg, "invalid input: %s (got byte 0x%02X)",
                     p->problem ? p->problem : "unreadable", p->problem_value & 0xFF);
        else
            snprintf(msg, sizeof msg, "invalid input: %s",
                     p->problem ? p->problem : "unreadable");
        break;
    default:
        line = (unsigned)p->problem_mark.line + 1;
        col = (unsigned)p->problem_mark.column + 1;
        if (p->context)
            snprintf(msg, sizeof msg, "syntax error: %s (%s at %u:%u)",
                     p->problem ? p->problem : "unexpected input", p->context,
                     (unsigned)p->context_mark.line + 1,
                     (unsigned)p->context_mark.column + 1);
        else
            snprintf(msg, sizeof msg, "syntax error: %s",
                     p->problem ? p->problem : "unexpected input");
        break;
    }
    FATAL(b, line, col, "%s", msg);
}

struct cor_ynode *cor_ytree_parse(const char *name, const char *buf, size_t len,
                                  struct cor_diag *diag)
{
    struct builder b;
    memset(&b, 0, sizeof b);
    b.name = name;
    b.diag = diag;

    if (len > COR_MAX_FILE_BYTES) {
        cor_diag_add(diag, name, 0, 0, "file is too large (cap %u bytes)",
                     (unsigned)COR_MAX_FILE_BYTES);
        return NULL;
    }

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        cor_out_of_memory("parsing YAML");
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    /* Scenario files are UTF-8. Left to guess, libyaml would decode a file
     * starting with FF FE as UTF-16 and report positions in a text the user
     * never wrote. */
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

    bool done = false;
    while (!done && !b.fatal) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            parser_error(&b, &p, buf, len);
            break;
        }
        unsigned line = (unsigned)ev.start_mark.line + 1;
        unsigned col = (unsigned)ev.start_mark.column + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++b.ndocs > 1)
                FATAL(&b, line, col, "only one YAML document is allowed per file");
            break;
        case YAML_ALIAS_EVENT:
            FATAL(&b, line, col, "aliases are not supported (got '*%.200s')",
                  (const char *)ev.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(&b, &ev, line, col);
            break;
        case YAML_SEQUENCE_START_EVENT:
            on_start(&b, COR_YNODE_SEQ, ev.data.sequence_start.tag, line, col);
            break;
        case YAML_MAPPING_START_EVENT:
            on_start(&b, COR_YNODE_MAP, ev.data.mapping_start.tag, line, col);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_end(&b);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);

    if (!b.fatal) {
        if (!b.root || cor_ynode_is_null(b.root)) {
            FATAL(&b, 0, 0, "the file is empty (expected a mapping)");
        } else if (b.root->kind != COR_YNODE_MAP) {
            FATAL(&b, b.root->line, b.root->col,
                  "the top level must be a mapping (got %s)",
                  cor_ynode_kind_name(b.root));
        }
    }
    if (b.fatal) {
        /* Keys waiting for their value are not in the tree yet. */
        for (int i = 0; i < b.depth; i++)
            cor_ynode_free(b.stack[i].key);
        cor_ynode_free(b.root);
        b.root = NULL;
    }
    flush_errors(&b);
    return b.root;
}
