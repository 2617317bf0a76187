/* SPDX-License-Identifier: GPL-3.0-or-later */
/* YAML tree -> struct cor_scenario: overrides, the v1 schema, every error.
 *
 * Loading is three steps. yaml_tree turns bytes into a tree with positions
 * (caps, aliases, duplicate keys are its business). The `--set` overrides
 * are then applied to the tree, so an overridden value goes through exactly
 * the checks a value in the file would, and its errors point at the
 * override ("--set:ORDINAL:COL"). Finally one walk over the tree checks the
 * schema and fills the scenario, resolving every name to an index.
 *
 * The walk never stops at an error: it reports it and goes on, so a user
 * sees every mistake in one run. To keep that from producing noise, checks
 * that depend on a broken input are skipped: after a cap was hit or an entry
 * was unusable in a list, references to that list are no longer reported as
 * unknown (the `*_ok` flags), and a value that failed its own check leaves
 * dependent comparisons (capacity >= stock, to_day > from_day) alone.
 * Whatever the walk finds, the scenario is only returned if no error at all
 * was added. Sections are walked in dependency order (commodities and nodes,
 * segments, threats, escorts, cities, flows), not file order.
 *
 * Choices the schema leaves open, made here:
 * - An explicit null (`key:` with no value, `~`) for an optional key means
 *   "absent, use the default"; for a required key it is an error.
 * - Where a number is expected a quoted scalar ("20") is an error: in YAML
 *   it is a string, and accepting it would hide a generator's bug.
 * - Explicit tags are reported by yaml_tree and otherwise ignored. */
#include "scenario_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "corridor/scenario.h"

/* Sanity bounds on counts that scenario.h leaves open. The engine may keep
 * per-unit and per-truck state, so absurd values must not reach it. */
#define MAX_TRUCKS 1000000LL
#define MAX_UNITS 10000LL
#define MAX_FLEET 1000000000LL

/* Room for one shown value: 80 visible bytes, escapes, quotes, "...". */
#define SHOWN 128

/* ---------------------------------------------------------------- indexes */

/* Open-addressing hash from a borrowed string (or a 64-bit key) to an int.
 * The loader resolves up to COR_MAX_FLOWS * COR_MAX_ROUTE node names, too
 * many for linear lookups over COR_MAX_NODES names. */
struct hmap {
    const char **skeys;
    uint64_t *ukeys;
    int *vals;          /* -1: empty slot */
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static void hmap_fini(struct hmap *m)
{
    free(m->skeys);
    free(m->ukeys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t hmap_slot(const struct hmap *m, const char *s, uint64_t u)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)(s ? hash_str(s) : hash_u64(u)) & mask;
    while (m->vals[i] >= 0) {
        if (s ? strcmp(m->skeys[i], s) == 0 : m->ukeys[i] == u)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static int hmap_get_any(const struct hmap *m, const char *s, uint64_t u)
{
    if (!m->cap)
        return -1;
    return m->vals[hmap_slot(m, s, u)];
}

static void hmap_put_any(struct hmap *m, const char *s, uint64_t u, int v)
{
    if (2 * (m->n + 1) > m->cap) {
        struct hmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->skeys = cor_calloc(m->cap, sizeof *m->skeys);
        m->ukeys = cor_calloc(m->cap, sizeof *m->ukeys);
        m->vals = cor_malloc(m->cap * sizeof *m->vals);
        for (size_t i = 0; i < m->cap; i++)
            m->vals[i] = -1;
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.vals[i] >= 0)
                hmap_put_any(m, old.skeys[i], old.ukeys[i], old.vals[i]);
        hmap_fini(&old);
    }
    size_t i = hmap_slot(m, s, u);
    if (m->vals[i] < 0)
        m->n++;
    m->skeys[i] = s;
    m->ukeys[i] = u;
    m->vals[i] = v;
}

static int hmap_get(const struct hmap *m, const char *s) { return hmap_get_any(m, s, 0); }
static void hmap_put(struct hmap *m, const char *s, int v) { hmap_put_any(m, s, 0, v); }

static uint64_t pair_key(int a, int b)
{
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b;
}

/* ------------------------------------------------------------ diagnostics */

struct loader {
    const char *file;
    struct cor_diag *diag;
    struct cor_scenario *s;

    /* False once a list is incomplete (cap hit, unusable entry): references
     * into it are then not reported as unknown. */
    bool commodities_ok, nodes_ok, segments_ok, escorts_ok, cities_ok;

    struct hmap node_ix, seg_ix, pair_ix, flow_ix, escort_ix;
    const struct cor_ynode **seg_at;     /* where each segment's id is */
    const struct cor_ynode **seg_hazard; /* its hazard value, or NULL */
    const struct cor_ynode **flow_at;
    bool *escort_ok;                     /* from and to resolved */
    int *city_of_node;                   /* node -> index in cities[], or -1 */
    int *route_stamp, *route_pos;        /* per node, for "visits twice" */

    bool has_default_speed;
    double default_speed, default_hazard;
    const struct cor_ynode *default_hazard_at;
    bool has_ambush;
};

__attribute__((format(printf, 3, 4)))
static void err(struct loader *L, const struct cor_ynode *at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!at)
        cor_diag_add(L->diag, L->file, 0, 0, "%s", msg);
    else
        cor_diag_add(L->diag, at->override ? "--set" : L->file, at->line,
                     at->col, "%s", msg);
}

/* User text made safe to print: at most 80 bytes (cut on a character
 * boundary, then "..."), control characters as \xNN (C1 ones as \uNNNN),
 * in double quotes if `quote`. */
static const char *show_text(const char *t, bool quote, char *buf)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)t;
    size_t i = 0;
    if (quote)
        buf[o++] = '"';
    for (; p[i] && o < 80; i++) {
        if (!cor_utf8_is_control((const char *)p + i))
            buf[o++] = (char)p[i];
        else if (p[i] < 0x80)
            o += (size_t)snprintf(buf + o, 5, "\\x%02X", p[i]);
        else /* C1, two bytes: U+0080 to U+009F */
            o += (size_t)snprintf(buf + o, 7, "\\u%04X", p[++i]);
    }
    if (p[i]) {
        while (o > 1 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 1 && (unsigned char)buf[o - 1] >= 0xC0)
            o--;
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    if (quote)
        buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* What a node is, for "(got ...)": its text, or its kind. */
static const char *show(const struct cor_ynode *n, char *buf)
{
    if (n->kind != COR_YNODE_SCALAR || cor_ynode_is_null(n))
        return cor_ynode_kind_name(n);
    return show_text(n->text, !n->plain, buf);
}

#define SHOW(n) show((n), (char[SHOWN]){0})

/* Where node `n` is, for "(first at ...)" in an error about node `at`:
 * "L:C" when both are in the file, "--set:K:C" for a node an override made,
 * and "FILE:L:C" for a file node named in an override's error, so that
 * the place is never read in the wrong source. */
static const char *place(const struct cor_ynode *n, const struct cor_ynode *at,
                         const char *file, char *buf)
{
    if (n->override)
        snprintf(buf, SHOWN, "--set:%u:%u", n->line, n->col);
    else if (at->override)
        snprintf(buf, SHOWN, "%.*s:%u:%u", SHOWN - 24, file, n->line, n->col);
    else
        snprintf(buf, SHOWN, "%u:%u", n->line, n->col);
    return buf;
}

#define PLACE(n, at) place((n), (at), L->file, (char[SHOWN]){0})

/* Of two nodes whose values an error relates, the one to report it at:
 * the one a later override made, else `a`. The override is what the user
 * just changed, and the file's position would show the value before it. */
static const struct cor_ynode *newer(const struct cor_ynode *a, const struct cor_ynode *b)
{
    return b && b->override > a->override ? b : a;
}

/* Where an error about mapping n's keys goes (a distribution that names
 * two, or the wrong one): at the newest key, which an override added. */
static const struct cor_ynode *newest_key(const struct cor_ynode *n)
{
    const struct cor_ynode *at = n;
    for (size_t i = 0; n->kind == COR_YNODE_MAP && i < n->n; i++)
        at = newer(at, n->keys[i]);
    return at;
}

/* Where an error about the distribution n goes: at the newest of the
 * parameters its failed check involves (bits of `which`, as
 * cor_dist_check_which gives them), or at n. The parameters are in v: the
 * one scalar, a sequence by position, or a mapping under the NULL-ended
 * `names`. A parameter an override left alone is not blamed for its
 * change. */
static const struct cor_ynode *dist_at(const struct cor_ynode *n, const struct cor_ynode *v,
                                       const char *const *names, unsigned which)
{
    size_t nnames = 0;
    while (names && names[nnames])
        nnames++;
    const struct cor_ynode *at = n;
    for (size_t i = 0; i < 3; i++) {
        if (!(which >> i & 1u))
            continue;
        const struct cor_ynode *p = NULL;
        if (v->kind == COR_YNODE_SCALAR)
            p = i == 0 ? v : NULL;
        else if (v->kind == COR_YNODE_SEQ)
            p = i < v->n ? v->items[i] : NULL;
        else if (i < nnames)
            p = cor_ynode_get(v, names[i]);
        at = newer(at, p);
    }
    return at;
}

/* " at PLACE" naming node n in an error reported at another node `at`;
 * "" when it is reported at n itself. */
static const char *got_at(const struct cor_ynode *n, const struct cor_ynode *at,
                          const char *file, char *buf)
{
    if (n == at)
        return "";
    memcpy(buf, " at ", 4);
    place(n, at, file, buf + 4);
    return buf;
}

#define GOT_AT(n, at) got_at((n), (at), L->file, (char[SHOWN + 4]){0})

#define FLOWN 256

/* Text built into a buffer of FLOWN bytes; `cut` once something did not
 * fit. */
struct flow_buf {
    char *t;
    size_t o;
    bool cut;
};

static void flow_put(struct flow_buf *b, const char *s)
{
    size_t k = strlen(s);
    if (k > FLOWN - 1 - b->o) {
        k = FLOWN - 1 - b->o;
        b->cut = true;
    }
    memcpy(b->t + b->o, s, k);
    b->o += k;
    b->t[b->o] = '\0';
}

static void flow_append(struct flow_buf *b, const struct cor_ynode *n)
{
    if (b->cut)
        return; /* a long sequence is not walked to its end for nothing */
    if (n->kind == COR_YNODE_SCALAR) {
        flow_put(b, SHOW(n));
        return;
    }
    bool map = n->kind == COR_YNODE_MAP;
    flow_put(b, map ? "{" : "[");
    for (size_t i = 0; i < n->n; i++) {
        if (i)
            flow_put(b, ", ");
        if (map) {
            flow_put(b, SHOW(n->keys[i]));
            flow_put(b, ": ");
        }
        flow_append(b, n->items[i]);
    }
    flow_put(b, map ? "}" : "]");
}

/* A small value (a distribution) as one line of YAML flow style, for
 * "(got ...)": `{normal: {mean: -3, sd: 2}}`, overrides applied; cut with
 * "..." if longer than FLOWN - 1 bytes. */
static const char *flow_text(const struct cor_ynode *n, char *buf)
{
    struct flow_buf b = {buf, 0, false};
    buf[0] = '\0';
    flow_append(&b, n);
    if (b.cut) {
        /* Cut on a character boundary, as show_text does. */
        size_t o = FLOWN - 4;
        while (o > 0 && ((unsigned char)buf[o] & 0xC0) == 0x80)
            o--;
        memcpy(buf + o, "...", 4);
    }
    return buf;
}

#define FLOW(n) flow_text((n), (char[FLOWN]){0})
#define SHOWS(t) show_text((t), false, (char[SHOWN]){0})

/* " (did you mean 'x'?)" or "". */
static const char *dym(const char *s, char *buf)
{
    if (!s)
        return "";
    char tmp[SHOWN];
    snprintf(buf, SHOWN + 32, " (did you mean '%s'?)", show_text(s, false, tmp));
    return buf;
}

#define DYM(s) dym((s), (char[SHOWN + 32]){0})

/* ----------------------------------------------------------- tree access */

static size_t count_of(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

/* Reports every key of `map` not in the NULL-terminated `allowed`. */
static void check_keys(struct loader *L, const struct cor_ynode *map,
                       const char *const *allowed)
{
    size_t na = count_of(allowed);
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->text;
        bool found = false;
        for (size_t j = 0; j < na && !found; j++)
            found = strcmp(k, allowed[j]) == 0;
        if (!found)
            err(L, map->keys[i], "unknown key '%s'%s", SHOWS(k),
                DYM(cor__suggest(k, allowed, na)));
    }
}

/* The value of an optional key; an explicit null counts as absent. */
static const struct cor_ynode *opt(const struct cor_ynode *map, const char *key)
{
    const struct cor_ynode *v = cor_ynode_get(map, key);
    return v && cor_ynode_is_null(v) ? NULL : v;
}

/* Where to report a null value: at its key, which is easier to see than an
 * empty value, unless the null came from an override. */
static const struct cor_ynode *null_at(const struct cor_ynode *map, long i)
{
    return map->items[i]->override ? map->items[i] : map->keys[i];
}

/* The value of a required key, or NULL after an error. */
static const struct cor_ynode *req(struct loader *L, const struct cor_ynode *map,
                                   const char *key)
{
    long i = cor_ynode_find(map, key);
    if (i < 0) {
        err(L, map, "missing required key '%s'", key);
        return NULL;
    }
    if (cor_ynode_is_null(map->items[i])) {
        err(L, null_at(map, i), "'%s' needs a value", key);
        return NULL;
    }
    return map->items[i];
}

static const char *kind_word(enum cor_ynode_kind k)
{
    return k == COR_YNODE_MAP ? "a mapping" : k == COR_YNODE_SEQ ? "a sequence" : "a scalar";
}

/* True if n is of kind k; else reports "SUBJECT must be a ... (got ...)". */
static bool want(struct loader *L, const struct cor_ynode *n, enum cor_ynode_kind k,
                 const char *subject)
{
    if (n->kind == k && !(k == COR_YNODE_SCALAR && cor_ynode_is_null(n)))
        return true;
    err(L, n, "%s must be %s (got %s)", subject, kind_word(k), SHOW(n));
    return false;
}

/* "'key'" for subjects. */
static const char *quoted(const char *key, char *buf)
{
    char tmp[SHOWN];
    snprintf(buf, SHOWN + 2, "'%s'", show_text(key, false, tmp));
    return buf;
}

#define Q(k) quoted((k), (char[SHOWN + 2]){0})

/* A top-level or nested section: NULL if absent (or null and optional). */
static const struct cor_ynode *section(struct loader *L, const struct cor_ynode *parent,
                                       const char *key, enum cor_ynode_kind k,
                                       bool required)
{
    long i = cor_ynode_find(parent, key);
    if (i < 0) {
        if (required)
            err(L, parent, "missing required key '%s'", key);
        return NULL;
    }
    const struct cor_ynode *v = parent->items[i];
    if (cor_ynode_is_null(v)) {
        if (required)
            err(L, null_at(parent, i), "'%s' needs a value", key);
        return NULL;
    }
    return want(L, v, k, Q(key)) ? v : NULL;
}

/* How many entries of the map or sequence c are read: all of them, or the
 * first `cap` with an error at the first one past it. */
static size_t capped(struct loader *L, const struct cor_ynode *c, size_t cap,
                     const char *what)
{
    if (c->n <= cap)
        return c->n;
    err(L, c->kind == COR_YNODE_MAP ? c->keys[cap] : c->items[cap], "too many %s (cap %zu)",
        what, cap);
    return cap;
}

/* --------------------------------------------------------- scalar values */

/* Any finite number: whole-number keys and the seed check their own,
 * tighter or wider, bounds. */
static bool num_any(struct loader *L, const struct cor_ynode *n, const char *key,
                    double *out)
{
    if (n->kind != COR_YNODE_SCALAR || cor_ynode_is_null(n)) {
        err(L, n, "'%s' must be a number (got %s)", key, SHOW(n));
        return false;
    }
    if (!n->plain) {
        err(L, n, "'%s' must be a number, not a quoted string (got %s)", key, SHOW(n));
        return false;
    }
    switch (cor__parse_number(n->text, out)) {
    case COR__NUM_OK:
        return true;
    case COR__NUM_NONFINITE:
        err(L, n, "'%s' must be a finite number (got %s)", key, SHOW(n));
        return false;
    case COR__NUM_RANGE:
        err(L, n, "'%s' is out of range (got %s)", key, SHOW(n));
        return false;
    case COR__NUM_SYNTAX:
        break;
    }
    err(L, n, "'%s' must be a number (got %s)", key, SHOW(n));
    return false;
}

/* A real quantity. Finite is not enough: 1e308 km at 1e-300 km/h is an
 * infinite trip, a duration of 1e308 hours overflows when sampled, and
 * 1e308 a day of demand sums to infinity. Nothing real on a corridor
 * comes near this cap. */
static bool num(struct loader *L, const struct cor_ynode *n, const char *key, double *out)
{
    double v;
    if (!num_any(L, n, key, &v))
        return false;
    if (fabs(v) > COR_MAX_MAGNITUDE) {
        err(L, n, "'%s' is out of range: magnitudes above %g are refused (got %s)", key,
            COR_MAX_MAGNITUDE, SHOW(n));
        return false;
    }
    *out = v;
    return true;
}

enum bound { GT0, GE0, UNIT };

/* A number with a bound; *out is left alone unless the value is valid. */
static bool num_b(struct loader *L, const struct cor_ynode *n, const char *key,
                  enum bound b, double *out)
{
    double v;
    if (!num(L, n, key, &v))
        return false;
    if (b == GT0 && !(v > 0)) {
        err(L, n, "'%s' must be > 0 (got %s)", key, SHOW(n));
        return false;
    }
    /* A positive length, speed or factor below this is a typo, and its
     * reciprocal (a travel time) would overflow. */
    if (b == GT0 && v < COR_MIN_POSITIVE) {
        err(L, n, "'%s' must be at least %g (got %s)", key, COR_MIN_POSITIVE, SHOW(n));
        return false;
    }
    if (b == GE0 && !(v >= 0)) {
        err(L, n, "'%s' must be >= 0 (got %s)", key, SHOW(n));
        return false;
    }
    if (b == UNIT && !(v >= 0 && v <= 1)) {
        err(L, n, "'%s' must be between 0 and 1 (got %s)", key, SHOW(n));
        return false;
    }
    *out = v == 0 ? 0.0 : v; /* no -0 in the scenario */
    return true;
}

static bool num_between(struct loader *L, const struct cor_ynode *n, const char *key,
                        double lo, double hi, double *out)
{
    double v;
    if (!num(L, n, key, &v))
        return false;
    if (!(v >= lo && v <= hi)) {
        err(L, n, "'%s' must be between %g and %g (got %s)", key, lo, hi, SHOW(n));
        return false;
    }
    *out = v;
    return true;
}

/* Whether a number's literal (its syntax already accepted) names a whole
 * number exactly: every nonzero digit has a place value of at least 1. The
 * test is on the text because the double may round: 0.9999999999999999999
 * parses to 1 and 1e-400 to 0. */
static bool literal_is_whole(const char *t)
{
    if (*t == '+' || *t == '-')
        t++;
    size_t nint = 0, nfrac = 0;
    while (isdigit((unsigned char)t[nint]))
        nint++;
    const char *frac = t + nint + (t[nint] == '.');
    while (isdigit((unsigned char)frac[nfrac]))
        nfrac++;
    const char *e = frac + nfrac;
    long exp = 0;
    if (*e == 'e' || *e == 'E') {
        exp = strtol(e + 1, NULL, 10);
        /* Past the scalar cap's 4096 digits either way, the sign is all. */
        exp = exp > 10000 ? 10000 : exp < -10000 ? -10000 : exp;
    }
    for (size_t i = 0; i < nint; i++)
        if (t[i] != '0' && (long)(nint - 1 - i) + exp < 0)
            return false;
    for (size_t i = 0; i < nfrac; i++)
        if (frac[i] != '0' && exp - (long)(i + 1) < 0)
            return false;
    return true;
}

/* A whole number in [lo, hi]. 20.0 and 2e1 are accepted as 20. */
static bool whole(struct loader *L, const struct cor_ynode *n, const char *key,
                  long long lo, long long hi, long long *out)
{
    double v;
    if (!num_any(L, n, key, &v))
        return false;
    if (!literal_is_whole(n->text) || v != floor(v)) {
        err(L, n, "'%s' must be a whole number (got %s)", key, SHOW(n));
        return false;
    }
    if (v < (double)lo) {
        err(L, n, "'%s' must be >= %lld (got %s)", key, lo, SHOW(n));
        return false;
    }
    if (v > (double)hi) {
        err(L, n, "'%s' must be <= %lld (got %s)", key, hi, SHOW(n));
        return false;
    }
    *out = (long long)v;
    return true;
}

/* A string value. Names, labels, units and ids are printed in the table
 * and in the validate line, so they may hold no control character (a
 * double-quoted "\e[2J" would reach the terminal); a description may also
 * break lines and hold tabs (`multiline`). */
static const char *str_of(struct loader *L, const struct cor_ynode *n, const char *key,
                          bool multiline)
{
    if (n->kind != COR_YNODE_SCALAR) {
        err(L, n, "'%s' must be a string (got %s)", key, SHOW(n));
        return NULL;
    }
    for (const char *p = n->text; *p; p++) {
        if (cor_utf8_is_control(p) && !(multiline && (*p == '\n' || *p == '\t'))) {
            err(L, n, "'%s' must not hold control characters (got %s)", key, SHOW(n));
            return NULL;
        }
    }
    return n->text;
}

static const char *str(struct loader *L, const struct cor_ynode *n, const char *key)
{
    return str_of(L, n, key, false);
}

/* A string that names something: checked with cor__id_is_valid. */
static bool id_valid(struct loader *L, const struct cor_ynode *n, const char *subject)
{
    if (cor__id_is_valid(n->text))
        return true;
    err(L, n,
        "%s must be 1 to 128 bytes of letters, digits, '-', '_' or non-ASCII "
        "characters (got %s)",
        subject, show_text(n->text, true, (char[SHOWN]){0}));
    return false;
}

/* ---------------------------------------------------------- references */

static const char **node_names(const struct cor_scenario *s)
{
    const char **v = cor_malloc((size_t)s->nnodes * sizeof *v);
    for (int i = 0; i < s->nnodes; i++)
        v[i] = s->nodes[i].id;
    return v;
}

static int node_ref(struct loader *L, const struct cor_ynode *n, const char *key)
{
    if (n->kind != COR_YNODE_SCALAR || cor_ynode_is_null(n)) {
        err(L, n, "'%s' must be a node id (got %s)", key, SHOW(n));
        return -1;
    }
    int i = hmap_get(&L->node_ix, n->text);
    if (i < 0 && L->nodes_ok) {
        const char **names = node_names(L->s);
        err(L, n, "unknown node '%s'%s", SHOWS(n->text),
            DYM(cor__suggest(n->text, names, (size_t)L->s->nnodes)));
        free(names);
    }
    return i;
}

static int commodity_ref(struct loader *L, const struct cor_ynode *n, const char *key)
{
    if (n->kind != COR_YNODE_SCALAR || cor_ynode_is_null(n)) {
        err(L, n, "'%s' must be a commodity id (got %s)", key, SHOW(n));
        return -1;
    }
    const struct cor_scenario *s = L->s;
    int i = cor_scenario_commodity(s, n->text);
    if (i < 0 && L->commodities_ok) {
        const char *names[COR_MAX_COMMODITIES];
        for (int j = 0; j < s->ncommodities; j++)
            names[j] = s->commodities[j].id;
        err(L, n, "unknown commodity '%s'%s", SHOWS(n->text),
            DYM(cor__suggest(n->text, names, (size_t)s->ncommodities)));
    }
    return i;
}

/* ------------------------------------------------------------ durations */

static const char *const DIST_NAMES[] = {
    "exponential", "uniform", "normal", "lognormal", "gamma", "triangular", NULL,
};

/* Reads a list of `n` numbers named by `names` into p[]. */
static bool dist_list(struct loader *L, const struct cor_ynode *v, const char *dname,
                      const char *const *names, size_t n, double *p)
{
    if (v->kind != COR_YNODE_SEQ || v->n != n) {
        char shape[64];
        size_t o = 0;
        for (size_t i = 0; i < n; i++)
            o += (size_t)snprintf(shape + o, sizeof shape - o, "%s%s", i ? ", " : "[",
                                  names[i]);
        snprintf(shape + o, sizeof shape - o, "]");
        if (v->kind == COR_YNODE_SEQ)
            err(L, v, "'%s' needs %s (got %zu values)", dname, shape, v->n);
        else
            err(L, v, "'%s' needs %s (got %s)", dname, shape, SHOW(v));
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        ok &= num(L, v->items[i], names[i], &p[i]);
    return ok;
}

/* Reads a mapping with exactly the keys in `names` into p[]. */
static bool dist_map(struct loader *L, const struct cor_ynode *v, const char *dname,
                     const char *const *names, double *p)
{
    if (!want(L, v, COR_YNODE_MAP, Q(dname)))
        return false;
    check_keys(L, v, names);
    bool ok = true;
    for (size_t i = 0; names[i]; i++) {
        const struct cor_ynode *x = req(L, v, names[i]);
        ok = (x && num(L, x, names[i], &p[i])) && ok;
    }
    return ok;
}

/* A duration: a number >= 0, or a mapping naming one distribution. */
static bool duration(struct loader *L, const struct cor_ynode *n, const char *key,
                     int positive_mean, struct cor_dist *out)
{
    struct cor_dist d = {COR_DIST_CONST, 0, 0, 0};
    if (n->kind == COR_YNODE_SCALAR) {
        if (!num(L, n, key, &d.a))
            return false;
        /* cor_dist_check says ">= 0" first for a negative constant, which
         * misleads where 0 is not allowed either. */
        const char *why = positive_mean && d.a <= 0 ? "must be > 0"
                                                    : cor_dist_check(&d, positive_mean);
        if (why) {
            err(L, n, "'%s' %s (got %s)", key, why, SHOW(n));
            return false;
        }
        *out = d;
        return true;
    }
    if (n->kind != COR_YNODE_MAP || n->n != 1) {
        if (n->kind == COR_YNODE_MAP)
            err(L, newest_key(n), "'%s' must name exactly one distribution (got %s)", key,
                FLOW(n));
        else
            err(L, n, "'%s' must be a number or a distribution such as "
                      "{exponential: MEAN} (got %s)", key, FLOW(n));
        return false;
    }
    const struct cor_ynode *k = n->keys[0], *v = n->items[0];
    double p[3] = {0, 0, 0};
    const char *const *pnames = NULL; /* a mapping's parameter names */
    bool ok;
    if (strcmp(k->text, "exponential") == 0) {
        d.kind = COR_DIST_EXPONENTIAL;
        ok = num(L, v, "exponential", &p[0]);
    } else if (strcmp(k->text, "uniform") == 0) {
        static const char *const names[] = {"min", "max", NULL};
        d.kind = COR_DIST_UNIFORM;
        ok = dist_list(L, v, "uniform", names, 2, p);
    } else if (strcmp(k->text, "triangular") == 0) {
        static const char *const names[] = {"min", "mode", "max", NULL};
        d.kind = COR_DIST_TRIANGULAR;
        ok = dist_list(L, v, "triangular", names, 3, p);
    } else if (strcmp(k->text, "normal") == 0) {
        static const char *const names[] = {"mean", "sd", NULL};
        d.kind = COR_DIST_NORMAL;
        ok = dist_map(L, v, "normal", names, p);
        pnames = names;
    } else if (strcmp(k->text, "lognormal") == 0) {
        static const char *const names[] = {"median", "sigma", NULL};
        d.kind = COR_DIST_LOGNORMAL;
        ok = dist_map(L, v, "lognormal", names, p);
        pnames = names;
    } else if (strcmp(k->text, "gamma") == 0) {
        static const char *const names[] = {"mean", "cv", NULL};
        d.kind = COR_DIST_GAMMA;
        ok = dist_map(L, v, "gamma", names, p);
        pnames = names;
    } else {
        err(L, k, "unknown distribution '%s'%s", SHOWS(k->text),
            DYM(cor__suggest(k->text, DIST_NAMES, count_of(DIST_NAMES))));
        return false;
    }
    if (!ok)
        return false;
    d.a = p[0];
    d.b = p[1];
    d.c = p[2];
    unsigned which;
    const char *why = cor_dist_check_which(&d, positive_mean, &which);
    if (why) {
        err(L, dist_at(n, v, pnames, which),
            "'%s' is not a valid distribution: %s (got %s)", key, why, FLOW(n));
        return false;
    }
    *out = d;
    return true;
}

/* A probability: a number in [0, 1], or {beta: {mean: M, sd: S}} drawn
 * afresh at each use (per ambush: convoy-level severity). */
static bool probability(struct loader *L, const struct cor_ynode *n, const char *key,
                        struct cor_dist *out)
{
    if (n->kind == COR_YNODE_SCALAR) {
        double v;
        if (!num_b(L, n, key, UNIT, &v))
            return false;
        *out = cor_dist_const(v);
        return true;
    }
    if (n->kind != COR_YNODE_MAP || n->n != 1 || strcmp(n->keys[0]->text, "beta") != 0) {
        err(L, newest_key(n), "'%s' must be a probability or {beta: {mean: M, sd: S}} (got %s)",
            key, FLOW(n));
        return false;
    }
    static const char *const names[] = {"mean", "sd", NULL};
    double p[2] = {0, 0};
    if (!dist_map(L, n->items[0], "beta", names, p))
        return false;
    struct cor_dist d = {COR_DIST_BETA, p[0], p[1], 0};
    unsigned which;
    const char *why = cor_dist_check_which(&d, 0, &which);
    if (why) {
        err(L, dist_at(n, n->items[0], names, which),
            "'%s' is not a valid distribution: %s (got %s)", key, why, FLOW(n));
        return false;
    }
    *out = d;
    return true;
}

/* A day window [from_day, to_day): 0 <= from < to. Both keys required. */
static bool day_window(struct loader *L, const struct cor_ynode *m, double *from,
                       double *to)
{
    const struct cor_ynode *f = req(L, m, "from_day"), *t = req(L, m, "to_day");
    bool fok = f && num_b(L, f, "from_day", GE0, from);
    bool tok = t && num_b(L, t, "to_day", GE0, to);
    if (fok && tok && !(*to > *from)) {
        const struct cor_ynode *at = newer(t, f);
        err(L, at, "'to_day' must be > from_day %s (got %s%s)", SHOW(f), SHOW(t),
            GOT_AT(t, at));
        return false;
    }
    return fok && tok;
}

static char *opt_label(struct loader *L, const struct cor_ynode *m)
{
    const struct cor_ynode *v = opt(m, "label");
    const char *t = v ? str(L, v, "label") : NULL;
    return t ? cor_strdup(t) : NULL;
}

/* --------------------------------------------------------------- sections */

static void load_header(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {
        "name", "description", "start_date", "horizon_days", "seed", "replications", NULL,
    };
    struct cor_scenario *s = L->s;
    s->seed = 1;
    s->replications = 1000;
    const struct cor_ynode *m = section(L, root, "scenario", COR_YNODE_MAP, true);
    if (!m)
        return;
    check_keys(L, m, keys);

    const struct cor_ynode *v = req(L, m, "name");
    const char *t = v ? str(L, v, "name") : NULL;
    if (t)
        s->name = cor_strdup(t);

    if ((v = opt(m, "description")) && (t = str_of(L, v, "description", true)))
        s->description = cor_strdup(t);

    if ((v = opt(m, "start_date")) && (t = str(L, v, "start_date"))) {
        int r = cor__parse_date(t, &s->start_year, &s->start_month, &s->start_day);
        if (r == 1)
            err(L, v, "'start_date' must be a date YYYY-MM-DD (got %s)", SHOW(v));
        else if (r == 2)
            err(L, v, "'start_date' is not a calendar date (got %s)", SHOW(v));
        s->has_start_date = r == 0;
    }

    long long x;
    if ((v = req(L, m, "horizon_days")) && whole(L, v, "horizon_days", 1,
                                                 COR_MAX_HORIZON_DAYS, &x))
        s->horizon_days = (int)x;

    if ((v = opt(m, "seed"))) {
        uint64_t seed;
        double d;
        if (v->kind == COR_YNODE_SCALAR && v->plain
            && cor__parse_u64(v->text, &seed) == COR__NUM_OK) {
            s->seed = seed;
        } else if (v->kind == COR_YNODE_SCALAR && v->plain
                   && cor__parse_u64(v->text, &seed) == COR__NUM_RANGE) {
            err(L, v, "'seed' must be < 2^64 (got %s)", SHOW(v));
        } else if (num_any(L, v, "seed", &d)) {
            /* A seed written as 1e6 or 20.0: whole and in range. Past
             * 2^53 a double no longer holds every whole number, so such a
             * seed must be written in digits, which are read exactly. */
            if (!literal_is_whole(v->text) || d != floor(d))
                err(L, v, "'seed' must be a whole number (got %s)", SHOW(v));
            else if (d < 0)
                err(L, v, "'seed' must be >= 0 (got %s)", SHOW(v));
            else if (d > 18446744073709551616.0) /* 2^64.0 may be 2^64 - 1 rounded */
                err(L, v, "'seed' must be < 2^64 (got %s)", SHOW(v));
            else if (d >= 9007199254740992.0) /* 2^53 + 1 rounds to it */
                err(L, v,
                    "'seed' of 2^53 or more must be written in digits only (got %s)",
                    SHOW(v));
            else
                s->seed = (uint64_t)d;
        }
    }

    if ((v = opt(m, "replications")) && whole(L, v, "replications", 1,
                                              COR_MAX_REPLICATIONS, &x))
        s->replications = (long)x;
}

static void load_commodities(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {"unit", NULL};
    struct cor_scenario *s = L->s;
    const struct cor_ynode *m = section(L, root, "commodities", COR_YNODE_MAP, true);
    if (!m) {
        L->commodities_ok = false;
        return;
    }
    if (m->n == 0)
        err(L, m, "'commodities' must list at least one commodity");
    size_t n = capped(L, m, COR_MAX_COMMODITIES, "commodities");
    if (n < m->n)
        L->commodities_ok = false;
    s->commodities = cor_calloc(n, sizeof *s->commodities);
    s->ncommodities = (int)n;
    for (size_t i = 0; i < n; i++) {
        struct cor_commodity *c = &s->commodities[i];
        const struct cor_ynode *k = m->keys[i], *v = m->items[i];
        id_valid(L, k, "a commodity id");
        c->id = cor_strdup(k->text);
        const char *unit = "unit";
        if (!cor_ynode_is_null(v) && want(L, v, COR_YNODE_MAP, Q(k->text))) {
            check_keys(L, v, keys);
            const struct cor_ynode *u = opt(v, "unit");
            const char *t = u ? str(L, u, "unit") : NULL;
            if (t)
                unit = t;
        }
        c->unit = cor_strdup(unit);
    }
}

static const char *const NODE_KINDS[] = {"port", "border", "town", "city", NULL};

static void load_nodes(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {"name", "kind", "lat", "lon", "dwell_hours", NULL};
    struct cor_scenario *s = L->s;
    const struct cor_ynode *m = section(L, root, "nodes", COR_YNODE_MAP, true);
    if (!m) {
        L->nodes_ok = false;
        return;
    }
    if (m->n == 0)
        err(L, m, "'nodes' must list at least one node");
    size_t n = capped(L, m, COR_MAX_NODES, "nodes");
    if (n < m->n)
        L->nodes_ok = false;
    s->nodes = cor_calloc(n, sizeof *s->nodes);
    s->nnodes = (int)n;
    for (size_t i = 0; i < n; i++) {
        struct cor_node *nd = &s->nodes[i];
        const struct cor_ynode *k = m->keys[i], *v = m->items[i];
        id_valid(L, k, "a node id");
        nd->id = cor_strdup(k->text);
        hmap_put(&L->node_ix, nd->id, (int)i);
        nd->kind = COR_NODE_TOWN;
        const char *name = k->text;
        if (!cor_ynode_is_null(v) && want(L, v, COR_YNODE_MAP, Q(k->text))) {
            check_keys(L, v, keys);
            const struct cor_ynode *x;
            const char *t;
            if ((x = opt(v, "name")) && (t = str(L, x, "name")))
                name = t;
            if ((x = opt(v, "kind")) && (t = str(L, x, "kind"))) {
                size_t j = 0;
                while (NODE_KINDS[j] && strcmp(NODE_KINDS[j], t) != 0)
                    j++;
                if (NODE_KINDS[j])
                    nd->kind = (enum cor_node_kind)j;
                else
                    err(L, x, "'kind' must be one of port, border, town, city (got %s)%s",
                        SHOW(x), DYM(cor__suggest(t, NODE_KINDS, 4)));
            }
            const struct cor_ynode *lat = opt(v, "lat"), *lon = opt(v, "lon");
            bool ok_lat = lat && num_between(L, lat, "lat", -90, 90, &nd->lat);
            bool ok_lon = lon && num_between(L, lon, "lon", -180, 180, &nd->lon);
            if (lat && !lon)
                err(L, v, "node '%s' has 'lat' but no 'lon'", SHOWS(k->text));
            else if (lon && !lat)
                err(L, v, "node '%s' has 'lon' but no 'lat'", SHOWS(k->text));
            nd->has_coords = ok_lat && ok_lon;
            if ((x = opt(v, "dwell_hours")))
                nd->has_dwell = duration(L, x, "dwell_hours", 0, &nd->dwell_hours);
        }
        nd->name = cor_strdup(name);
    }
}

static void load_defaults(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {"speed_kmh", "hazard", NULL};
    const struct cor_ynode *m = section(L, root, "defaults", COR_YNODE_MAP, false);
    if (!m)
        return;
    check_keys(L, m, keys);
    const struct cor_ynode *v;
    if ((v = opt(m, "speed_kmh")))
        L->has_default_speed = num_b(L, v, "speed_kmh", GT0, &L->default_speed);
    else
        L->has_default_speed = false;
    if ((v = opt(m, "hazard")) && num_b(L, v, "hazard", GE0, &L->default_hazard))
        L->default_hazard_at = v;
    /* A bad defaults.speed_kmh was reported; do not also blame every
     * segment that relies on it. */
    if (opt(m, "speed_kmh") && !L->has_default_speed) {
        L->has_default_speed = true;
        L->default_speed = 1;
    }
}

/* A segment is named by its id and by "FROM-TO" and "TO-FROM" of its
 * nodes (cor_scenario_segment, `--set` paths). Node ids may hold '-', and an
 * id may be any word, so one name can fit two segments; a closure or an
 * override would then silently take the first. Such a name is an error. */
static void check_segment_names(struct loader *L, const struct cor_ynode *q, size_t n)
{
    const struct cor_scenario *s = L->s;
    if (!L->segments_ok || !L->nodes_ok)
        return;
    char **names = cor_calloc(2 * n + 1, sizeof *names); /* owned, keys of `pairs` */
    struct hmap pairs;
    memset(&pairs, 0, sizeof pairs);
    for (size_t i = 0; i < n; i++) {
        const struct cor_segment *g = &s->segments[i];
        if (g->a < 0 || g->b < 0 || g->a == g->b)
            continue;
        for (int k = 0; k < 2; k++) {
            const char *x = s->nodes[k ? g->b : g->a].id, *y = s->nodes[k ? g->a : g->b].id;
            size_t len = strlen(x) + strlen(y) + 2;
            char *name = names[2 * i + (size_t)k] = cor_malloc(len);
            snprintf(name, len, "%s-%s", x, y);
            int j = hmap_get(&L->seg_ix, name);
            if (j < 0 || j == (int)i)
                j = hmap_get(&pairs, name);
            if (j >= 0 && j != (int)i) {
                err(L, q->items[i],
                    "this segment's name '%s' (%s) also names the segment at %s; "
                    "rename a node or an 'id' so that each name is one segment's",
                    SHOWS(name), k ? "to-from" : "from-to", PLACE(q->items[j], q->items[i]));
                break;
            }
            hmap_put(&pairs, name, (int)i);
        }
    }
    hmap_fini(&pairs);
    for (size_t i = 0; i < 2 * n; i++)
        free(names[i]);
    free(names);
}

static void load_segments(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {"id", "from", "to", "km", "speed_kmh", "hazard", NULL};
    struct cor_scenario *s = L->s;
    const struct cor_ynode *q = section(L, root, "segments", COR_YNODE_SEQ, true);
    if (!q) {
        L->segments_ok = false;
        return;
    }
    /* An empty list is allowed: a one-node scenario (a city living on its
     * stock) has nothing to join, and is the simplest model to check. */
    size_t n = capped(L, q, COR_MAX_SEGMENTS, "segments");
    if (n < q->n)
        L->segments_ok = false;
    s->segments = cor_calloc(n, sizeof *s->segments);
    s->nsegments = (int)n;
    L->seg_at = cor_calloc(n, sizeof *L->seg_at);
    L->seg_hazard = cor_calloc(n, sizeof *L->seg_hazard);
    size_t errors = cor_diag_count(L->diag);
    for (size_t i = 0; i < n; i++) {
        struct cor_segment *g = &s->segments[i];
        const struct cor_ynode *e = q->items[i];
        g->a = g->b = -1;
        if (!want(L, e, COR_YNODE_MAP, "a segment")) {
            L->segments_ok = false;
            continue;
        }
        check_keys(L, e, keys);
        const struct cor_ynode *from = req(L, e, "from"), *to = req(L, e, "to");
        g->a = from ? node_ref(L, from, "from") : -1;
        g->b = to ? node_ref(L, to, "to") : -1;
        if (g->a < 0 || g->b < 0)
            L->segments_ok = false;
        else if (g->a == g->b)
            err(L, to, "'to' must differ from 'from' (got %s)", SHOW(to));

        const struct cor_ynode *idn = opt(e, "id");
        L->seg_at[i] = idn ? idn : e;
        if (idn) {
            /* An invalid id is reported and still kept, for later messages;
             * the scenario is not returned anyway. */
            const char *t = str(L, idn, "id");
            if (t) {
                id_valid(L, idn, "'id'");
                g->id = cor_strdup(t);
            }
        } else if (from && to && from->kind == COR_YNODE_SCALAR
                   && to->kind == COR_YNODE_SCALAR) {
            size_t len = from->len + to->len + 2;
            g->id = cor_malloc(len);
            snprintf(g->id, len, "%s-%s", from->text, to->text);
        }
        if (!g->id) {
            L->segments_ok = false;
        } else {
            int first = hmap_get(&L->seg_ix, g->id);
            if (first >= 0 && idn)
                err(L, L->seg_at[i], "duplicate segment id '%s' (first at %s)",
                    SHOWS(g->id), PLACE(L->seg_at[first], L->seg_at[i]));
            else if (first >= 0)
                /* Node ids with '-' can imply the same id twice (a-b to c,
                 * a to b-c): say where it comes from and how to fix it. */
                err(L, e, "this segment's implied id '%s' (from-to) is already "
                          "taken (first at %s); give one of them an 'id'",
                    SHOWS(g->id), PLACE(L->seg_at[first], e));
            else
                hmap_put(&L->seg_ix, g->id, (int)i);
        }
        if (g->a >= 0 && g->b >= 0 && g->a != g->b) {
            uint64_t pk = pair_key(g->a, g->b);
            int first = hmap_get_any(&L->pair_ix, NULL, pk);
            if (first >= 0)
                err(L, e, "segment '%s' joins the same nodes as segment '%s' "
                          "(first at %s)",
                    SHOWS(g->id ? g->id : "?"),
                    SHOWS(s->segments[first].id ? s->segments[first].id : "?"),
                    PLACE(q->items[first], e));
            else
                hmap_put_any(&L->pair_ix, NULL, pk, (int)i);
        }

        const struct cor_ynode *v;
        if ((v = req(L, e, "km")))
            num_b(L, v, "km", GT0, &g->km);
        if ((v = opt(e, "speed_kmh")))
            num_b(L, v, "speed_kmh", GT0, &g->speed_kmh);
        else if (L->has_default_speed)
            g->speed_kmh = L->default_speed;
        else
            err(L, e, "missing required key 'speed_kmh' (there is no "
                      "defaults.speed_kmh)");
        g->hazard = L->default_hazard;
        if ((v = opt(e, "hazard")) && num_b(L, v, "hazard", GE0, &g->hazard))
            L->seg_hazard[i] = v;
    }
    /* Clashing names are looked for among segments that are otherwise
     * sound: a duplicate id or pair is reported once, above. */
    if (cor_diag_count(L->diag) == errors)
        check_segment_names(L, q, n);
}

static int segment_ref(struct loader *L, const struct cor_ynode *n)
{
    if (n->kind != COR_YNODE_SCALAR || cor_ynode_is_null(n)) {
        err(L, n, "'segment' must be a segment id (got %s)", SHOW(n));
        return -1;
    }
    struct cor_scenario *s = L->s;
    int i = hmap_get(&L->seg_ix, n->text);
    if (i < 0)
        i = cor_scenario_segment(s, n->text);
    if (i < 0 && L->segments_ok && L->nodes_ok) {
        const char **names = cor_malloc((size_t)s->nsegments * sizeof *names);
        for (int j = 0; j < s->nsegments; j++)
            names[j] = s->segments[j].id;
        err(L, n, "unknown segment '%s'%s", SHOWS(n->text),
            DYM(cor__suggest(n->text, names, (size_t)s->nsegments)));
        free(names);
    }
    return i;
}

static void load_ambush(struct loader *L, const struct cor_ynode *t)
{
    static const char *const keys[] = {
        "loss_probability", "driver_death_probability", "delay_hours",
        "commodity_factor", "deterrence", NULL,
    };
    static const char *const dkeys[] = {"probability", "suspend_days", NULL};
    struct cor_ambush *a = &L->s->ambush;
    const struct cor_ynode *m = section(L, t, "ambush", COR_YNODE_MAP, false);
    if (!m)
        return;
    L->has_ambush = true;
    check_keys(L, m, keys);
    const struct cor_ynode *v;
    if ((v = req(L, m, "loss_probability")))
        probability(L, v, "loss_probability", &a->loss_probability);
    if ((v = opt(m, "driver_death_probability")))
        probability(L, v, "driver_death_probability", &a->driver_death_probability);
    if ((v = opt(m, "delay_hours")))
        duration(L, v, "delay_hours", 0, &a->delay_hours);
    const struct cor_ynode *cf = section(L, m, "commodity_factor", COR_YNODE_MAP, false);
    for (size_t i = 0; cf && i < cf->n; i++) {
        int c = commodity_ref(L, cf->keys[i], "commodity_factor");
        double f;
        const struct cor_ynode *x = cf->items[i];
        if (cor_ynode_is_null(x)) {
            err(L, null_at(cf, (long)i), "'%s' needs a value", SHOWS(cf->keys[i]->text));
            continue;
        }
        if (num_b(L, x, "commodity_factor", GE0, &f) && c >= 0)
            a->commodity_factor[c] = f;
    }
    const struct cor_ynode *d = section(L, m, "deterrence", COR_YNODE_MAP, false);
    if (d) {
        check_keys(L, d, dkeys);
        if ((v = req(L, d, "probability")))
            num_b(L, v, "probability", UNIT, &a->deterrence_probability);
        if ((v = req(L, d, "suspend_days")))
            duration(L, v, "suspend_days", 0, &a->suspend_days);
    }
}

static void load_phases(struct loader *L, const struct cor_ynode *t)
{
    static const char *const keys[] = {"from_day", "hazard_factor", "label", NULL};
    struct cor_scenario *s = L->s;
    const struct cor_ynode *q = section(L, t, "phases", COR_YNODE_SEQ, false);
    if (!q)
        return;
    size_t n = capped(L, q, COR_MAX_PHASES, "phases");
    s->phases = cor_calloc(n, sizeof *s->phases);
    s->nphases = (int)n;
    const struct cor_ynode *prev = NULL;
    double prev_day = 0;
    for (size_t i = 0; i < n; i++) {
        struct cor_phase *p = &s->phases[i];
        const struct cor_ynode *e = q->items[i], *v;
        p->hazard_factor = 1;
        if (!want(L, e, COR_YNODE_MAP, "a phase"))
            continue;
        check_keys(L, e, keys);
        if ((v = req(L, e, "from_day")) && num_b(L, v, "from_day", GE0, &p->from_day)) {
            if (prev && !(p->from_day > prev_day))
                err(L, v, "phases must start in increasing order: 'from_day' must be "
                          "> %s (got %s)", SHOW(prev), SHOW(v));
            prev = v;
            prev_day = p->from_day;
        }
        if ((v = req(L, e, "hazard_factor")))
            num_b(L, v, "hazard_factor", GE0, &p->hazard_factor);
        p->label = opt_label(L, e);
    }
}

static void load_closures(struct loader *L, const struct cor_ynode *t)
{
    static const char *const keys[] = {
        "segment", "from_day", "to_day", "every_days", "lasts_hours", "label", NULL,
    };
    struct cor_scenario *s = L->s;
    const struct cor_ynode *q = section(L, t, "closures", COR_YNODE_SEQ, false);
    if (!q)
        return;
    size_t n = capped(L, q, COR_MAX_CLOSURES, "closures");
    s->closures = cor_calloc(n, sizeof *s->closures);
    s->nclosures = (int)n;
    for (size_t i = 0; i < n; i++) {
        struct cor_closure *c = &s->closures[i];
        const struct cor_ynode *e = q->items[i], *v;
        c->segment = -1;
        if (!want(L, e, COR_YNODE_MAP, "a closure"))
            continue;
        check_keys(L, e, keys);
        if ((v = req(L, e, "segment")))
            c->segment = segment_ref(L, v);
        bool sched = cor_ynode_find(e, "from_day") >= 0 || cor_ynode_find(e, "to_day") >= 0;
        bool rnd = cor_ynode_find(e, "every_days") >= 0
                   || cor_ynode_find(e, "lasts_hours") >= 0;
        if (sched && rnd) {
            err(L, e, "a closure is either scheduled (from_day, to_day) or random "
                      "(every_days, lasts_hours), not both");
        } else if (!sched && !rnd) {
            err(L, e, "a closure needs from_day and to_day, or every_days and "
                      "lasts_hours");
        } else if (sched) {
            day_window(L, e, &c->from_day, &c->to_day);
        } else {
            c->random = true;
            if ((v = req(L, e, "every_days")))
                duration(L, v, "every_days", 1, &c->every_days);
            if ((v = req(L, e, "lasts_hours")))
                duration(L, v, "lasts_hours", 0, &c->lasts_hours);
        }
        c->label = opt_label(L, e);
    }
}

static void load_seasons(struct loader *L, const struct cor_ynode *t)
{
    static const char *const keys[] = {
        "label", "from_day", "to_day", "speed_factor", "closure_rate_factor", NULL,
    };
    struct cor_scenario *s = L->s;
    const struct cor_ynode *q = section(L, t, "seasons", COR_YNODE_SEQ, false);
    if (!q)
        return;
    size_t n = capped(L, q, COR_MAX_SEASONS, "seasons");
    s->seasons = cor_calloc(n, sizeof *s->seasons);
    s->nseasons = (int)n;
    for (size_t i = 0; i < n; i++) {
        struct cor_season *z = &s->seasons[i];
        const struct cor_ynode *e = q->items[i], *v;
        z->speed_factor = 1;
        z->closure_rate_factor = 1;
        if (!want(L, e, COR_YNODE_MAP, "a season"))
            continue;
        check_keys(L, e, keys);
        z->label = opt_label(L, e);
        day_window(L, e, &z->from_day, &z->to_day);
        if ((v = opt(e, "speed_factor")))
            num_b(L, v, "speed_factor", GT0, &z->speed_factor);
        if ((v = opt(e, "closure_rate_factor")))
            num_b(L, v, "closure_rate_factor", GE0, &z->closure_rate_factor);
    }
}

static void load_threats(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {"ambush", "phases", "closures", "seasons", NULL};
    struct cor_ambush *a = &L->s->ambush;
    /* Without threats.ambush nothing is ever ambushed, but the engine still
     * indexes these, so they hold neutral values. */
    a->commodity_factor = cor_calloc((size_t)L->s->ncommodities, sizeof *a->commodity_factor);
    for (int i = 0; i < L->s->ncommodities; i++)
        a->commodity_factor[i] = 1.0;
    a->delay_hours = cor_dist_const(0);
    a->suspend_days = cor_dist_const(0);
    const struct cor_ynode *t = section(L, root, "threats", COR_YNODE_MAP, false);
    if (!t)
        return;
    check_keys(L, t, keys);
    load_ambush(L, t);
    load_phases(L, t);
    load_closures(L, t);
    load_seasons(L, t);
}

static void load_escorts(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {
        "units", "from", "to", "hazard_factor", "loss_probability", "return_hours", NULL,
    };
    struct cor_scenario *s = L->s;
    const struct cor_ynode *m = section(L, root, "escorts", COR_YNODE_MAP, false);
    if (!m)
        return;
    size_t n = capped(L, m, COR_MAX_ESCORTS, "escorts");
    if (n < m->n)
        L->escorts_ok = false;
    s->escorts = cor_calloc(n, sizeof *s->escorts);
    s->nescorts = (int)n;
    L->escort_ok = cor_calloc(n, sizeof *L->escort_ok);
    for (size_t i = 0; i < n; i++) {
        struct cor_escort *x = &s->escorts[i];
        const struct cor_ynode *k = m->keys[i], *e = m->items[i], *v;
        id_valid(L, k, "an escort id");
        x->id = cor_strdup(k->text);
        hmap_put(&L->escort_ix, x->id, (int)i);
        x->from = x->to = -1;
        x->hazard_factor = 1;
        x->loss_probability = s->ambush.loss_probability;
        if (!want(L, e, COR_YNODE_MAP, Q(k->text)))
            continue;
        check_keys(L, e, keys);
        long long units;
        if ((v = req(L, e, "units")) && whole(L, v, "units", 1, MAX_UNITS, &units))
            x->units = (int)units;
        const struct cor_ynode *from = req(L, e, "from"), *to = req(L, e, "to");
        x->from = from ? node_ref(L, from, "from") : -1;
        x->to = to ? node_ref(L, to, "to") : -1;
        if (x->from >= 0 && x->to >= 0) {
            if (x->from == x->to)
                err(L, to, "'to' must differ from 'from' (got %s)", SHOW(to));
            else
                L->escort_ok[i] = true;
        }
        if ((v = opt(e, "hazard_factor")))
            num_b(L, v, "hazard_factor", GE0, &x->hazard_factor);
        if ((v = opt(e, "loss_probability")))
            probability(L, v, "loss_probability", &x->loss_probability);
        if ((v = opt(e, "return_hours")))
            x->has_return = duration(L, v, "return_hours", 0, &x->return_hours);
    }
}

static void load_stock(struct loader *L, const struct cor_ynode *e, struct cor_stock *st)
{
    static const char *const keys[] = {"stock", "capacity", "demand_per_day", "ration", NULL};
    static const char *const rkeys[] = {"below_days", "factor", NULL};
    check_keys(L, e, keys);
    const struct cor_ynode *v, *sv = opt(e, "stock");
    bool stock_ok = !sv || num_b(L, sv, "stock", GE0, &st->stock);
    if ((v = req(L, e, "capacity")) && num_b(L, v, "capacity", GT0, &st->capacity) &&
        stock_ok && st->capacity < st->stock) {
        const struct cor_ynode *at = newer(v, sv);
        err(L, at, "'capacity' must be >= stock %s (got %s%s)", SHOW(sv), SHOW(v),
            GOT_AT(v, at));
    }
    if ((v = opt(e, "demand_per_day")))
        num_b(L, v, "demand_per_day", GE0, &st->demand);
    const struct cor_ynode *r = section(L, e, "ration", COR_YNODE_MAP, false);
    if (r) {
        check_keys(L, r, rkeys);
        st->has_ration = true;
        if ((v = req(L, r, "below_days")))
            num_b(L, v, "below_days", GE0, &st->ration_below_days);
        if ((v = req(L, r, "factor")))
            num_b(L, v, "factor", UNIT, &st->ration_factor);
    }
}

static void load_cities(struct loader *L, const struct cor_ynode *root)
{
    struct cor_scenario *s = L->s;
    L->city_of_node = cor_malloc((size_t)(s->nnodes > 0 ? s->nnodes : 1) * sizeof(int));
    for (int i = 0; i < s->nnodes; i++)
        L->city_of_node[i] = -1;
    const struct cor_ynode *m = section(L, root, "cities", COR_YNODE_MAP, false);
    if (!m)
        return;
    s->cities = cor_calloc(m->n, sizeof *s->cities);
    s->stocks = cor_calloc(COR_MAX_STOCKS, sizeof *s->stocks);
    bool capped = false;
    for (size_t i = 0; i < m->n; i++) {
        const struct cor_ynode *k = m->keys[i], *e = m->items[i];
        int node = node_ref(L, k, "cities");
        if (node < 0) {
            L->cities_ok = false;
            continue;
        }
        if (!want(L, e, COR_YNODE_MAP, Q(k->text))) {
            L->cities_ok = false;
            continue;
        }
        struct cor_city *c = &s->cities[s->ncities];
        c->node = node;
        c->first_stock = s->nstocks;
        L->city_of_node[node] = s->ncities++;
        for (size_t j = 0; j < e->n; j++) {
            const struct cor_ynode *ck = e->keys[j], *ce = e->items[j];
            int com = commodity_ref(L, ck, "commodity");
            if (com < 0) {
                L->cities_ok = false;
                continue;
            }
            if (!want(L, ce, COR_YNODE_MAP, Q(ck->text))) {
                L->cities_ok = false;
                continue;
            }
            if (s->nstocks == COR_MAX_STOCKS) {
                if (!capped)
                    err(L, ck, "too many city stocks (cap %d city-commodity pairs)",
                        COR_MAX_STOCKS);
                capped = true;
                L->cities_ok = false;
                continue;
            }
            struct cor_stock *st = &s->stocks[s->nstocks++];
            st->city = (int)(c - s->cities);
            st->commodity = com;
            load_stock(L, ce, st);
            c->nstocks++;
        }
    }
}

/* The index into stocks[] of `node` holding `commodity`, or -1. */
static int stock_of(const struct loader *L, int node, int commodity)
{
    const struct cor_scenario *s = L->s;
    int c = L->city_of_node[node];
    if (c < 0)
        return -1;
    for (int i = 0; i < s->cities[c].nstocks; i++) {
        int k = s->cities[c].first_stock + i;
        if (s->stocks[k].commodity == commodity)
            return k;
    }
    return -1;
}

/* Resolves one route of a flow (`key` is "route" or "alternates") and
 * fills its legs. Returns true if every node was found, once: the checks
 * that only need the nodes (escort stretch) can then run even if a leg is
 * missing. */
static bool load_route(struct loader *L, const struct cor_ynode *r, const char *key,
                       struct cor_route *rt, int stamp)
{
    struct cor_scenario *s = L->s;
    if (!want(L, r, COR_YNODE_SEQ, Q(key)))
        return false;
    if (r->n < 2) {
        err(L, r, "'%s' needs at least 2 nodes (got %zu)", key, r->n);
        return false;
    }
    if (r->n > COR_MAX_ROUTE) {
        err(L, r->items[COR_MAX_ROUTE], "'%s' is too long (cap %d nodes)", key,
            COR_MAX_ROUTE);
        return false;
    }
    rt->nnodes = (int)r->n;
    rt->nodes = cor_malloc(r->n * sizeof *rt->nodes);
    rt->escort_from_leg = rt->escort_to_leg = -1;
    bool ok = true;
    for (size_t i = 0; i < r->n; i++) {
        const struct cor_ynode *e = r->items[i];
        int nd = rt->nodes[i] = node_ref(L, e, "route");
        if (nd < 0) {
            ok = false;
            continue;
        }
        if (L->route_stamp[nd] == stamp) {
            const struct cor_ynode *first = r->items[L->route_pos[nd]];
            err(L, e, "route visits '%s' twice (first at %s)", SHOWS(e->text),
                PLACE(first, e));
            ok = false;
        }
        L->route_stamp[nd] = stamp;
        L->route_pos[nd] = (int)i;
    }
    rt->legs = cor_calloc(r->n - 1, sizeof *rt->legs);
    rt->km_before = cor_calloc(r->n, sizeof *rt->km_before);
    for (size_t i = 0; i + 1 < r->n; i++) {
        int a = rt->nodes[i], b = rt->nodes[i + 1];
        if (a < 0 || b < 0 || a == b)
            continue;
        int g = hmap_get_any(&L->pair_ix, NULL, pair_key(a, b));
        if (g < 0) {
            if (L->segments_ok)
                err(L, r->items[i + 1], "no segment joins '%s' and '%s'",
                    SHOWS(s->nodes[a].id), SHOWS(s->nodes[b].id));
            continue;
        }
        const struct cor_segment *seg = &s->segments[g];
        struct cor_leg *leg = &rt->legs[i];
        leg->segment = g;
        leg->from = a;
        leg->to = b;
        if (seg->km > 0 && seg->speed_kmh > 0)
            leg->base_hours = seg->km / seg->speed_kmh;
        rt->base_hours += leg->base_hours;
        rt->km += seg->km;
        rt->km_before[i + 1] = rt->km;
    }
    return ok;
}

/* Where the escort's stretch lies on a route: both ends on it, `from`
 * first. False when it does not. */
static bool escort_on_route(const struct cor_escort *x, struct cor_route *rt)
{
    int from = -1, to = -1;
    for (int j = 0; j < rt->nnodes; j++) {
        if (rt->nodes[j] == x->from && from < 0)
            from = j;
        if (rt->nodes[j] == x->to && to < 0)
            to = j;
    }
    if (from < 0 || to < 0 || from >= to)
        return false;
    rt->escort_from_leg = from;
    rt->escort_to_leg = to;
    for (int l = from; l < to; l++)
        rt->escort_base_hours += rt->legs[l].base_hours;
    return true;
}

/* `alternates`: other routes to the same destination that a convoy may
 * switch to at any node they share with its current route. */
static bool load_alternates(struct loader *L, const struct cor_ynode *q, struct cor_flow *f,
                            int *stamp)
{
    if (!want(L, q, COR_YNODE_SEQ, "'alternates'"))
        return false;
    size_t n = capped(L, q, COR_MAX_ALTERNATES, "alternates");
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        struct cor_route *rt = &f->routes[f->nroutes++];
        const struct cor_ynode *r = q->items[i];
        if (!load_route(L, r, "alternates", rt, ++*stamp)) {
            ok = false;
            continue;
        }
        int dest = f->routes[0].nnodes ? f->routes[0].nodes[f->routes[0].nnodes - 1] : -1;
        int last = rt->nodes[rt->nnodes - 1];
        if (dest >= 0 && last != dest) {
            err(L, r->items[r->n - 1], "an alternate must end at the flow's destination "
                "'%s' (got %s)", SHOWS(L->s->nodes[dest].id), SHOW(r->items[r->n - 1]));
            ok = false;
        }
    }
    return ok;
}

static void load_reroute(struct loader *L, const struct cor_ynode *m, struct cor_flow *f)
{
    static const char *const keys[] = {"closed_hours", "hazard_above", NULL};
    if (!want(L, m, COR_YNODE_MAP, "'reroute'"))
        return;
    check_keys(L, m, keys);
    const struct cor_ynode *v;
    if ((v = opt(m, "closed_hours")))
        f->reroute_on_closure = num_b(L, v, "closed_hours", GE0, &f->reroute_closed_hours);
    if ((v = opt(m, "hazard_above")))
        f->reroute_on_hazard = num_b(L, v, "hazard_above", GE0, &f->reroute_hazard_above);
    if (!opt(m, "closed_hours") && !opt(m, "hazard_above"))
        err(L, m, "'reroute' needs closed_hours or hazard_above");
}

static void load_flows(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {
        "id", "commodity", "route", "alternates", "reroute", "trucks", "payload",
        "every_hours", "start_hour", "from_day", "to_day", "reorder_below_days",
        "escort", "fleet", NULL,
    };
    struct cor_scenario *s = L->s;
    const struct cor_ynode *q = section(L, root, "flows", COR_YNODE_SEQ, false);
    if (!q)
        return;
    size_t n = capped(L, q, COR_MAX_FLOWS, "flows");
    s->flows = cor_calloc(n, sizeof *s->flows);
    s->nflows = (int)n;
    L->flow_at = cor_calloc(n, sizeof *L->flow_at);
    size_t nn = (size_t)(s->nnodes > 0 ? s->nnodes : 1);
    L->route_stamp = cor_calloc(nn, sizeof *L->route_stamp);
    L->route_pos = cor_calloc(nn, sizeof *L->route_pos);
    int stamp = 0;
    for (size_t i = 0; i < n; i++) {
        struct cor_flow *f = &s->flows[i];
        const struct cor_ynode *e = q->items[i], *v;
        f->commodity = f->stock = f->escort = -1;
        f->to_day = INFINITY;
        f->routes = cor_calloc(1 + COR_MAX_ALTERNATES, sizeof *f->routes);
        if (!want(L, e, COR_YNODE_MAP, "a flow"))
            continue;
        check_keys(L, e, keys);
        const char *fid = NULL;
        if ((v = req(L, e, "id")) && (fid = str(L, v, "id"))) {
            id_valid(L, v, "'id'");
            f->id = cor_strdup(fid);
            L->flow_at[i] = v;
            int first = hmap_get(&L->flow_ix, f->id);
            if (first >= 0)
                err(L, v, "duplicate flow id '%s' (first at %s)", SHOWS(fid),
                    PLACE(L->flow_at[first], v));
            else
                hmap_put(&L->flow_ix, f->id, (int)i);
        }
        if (!fid)
            fid = "?";
        if ((v = req(L, e, "commodity")))
            f->commodity = commodity_ref(L, v, "commodity");

        const struct cor_ynode *r = req(L, e, "route");
        f->nroutes = 1;
        bool route_ok = r && load_route(L, r, "route", &f->routes[0], ++stamp);
        const struct cor_route *main_rt = &f->routes[0];
        int last = main_rt->nnodes >= 2 ? main_rt->nodes[main_rt->nnodes - 1] : -1;
        const struct cor_ynode *alts = opt(e, "alternates");
        bool alts_ok = !alts || load_alternates(L, alts, f, &stamp);
        if ((v = opt(e, "reroute"))) {
            load_reroute(L, v, f);
            if (!alts)
                err(L, v, "'reroute' needs 'alternates' to reroute to");
        }

        long long x;
        if ((v = req(L, e, "trucks")) && whole(L, v, "trucks", 1, MAX_TRUCKS, &x))
            f->trucks = (int)x;
        if ((v = req(L, e, "payload")))
            num_b(L, v, "payload", GT0, &f->payload);
        if ((v = req(L, e, "every_hours")))
            duration(L, v, "every_hours", 1, &f->every_hours);
        if ((v = opt(e, "start_hour")))
            num_b(L, v, "start_hour", GE0, &f->start_hour);
        const struct cor_ynode *fd = opt(e, "from_day"), *td = opt(e, "to_day");
        /* A from_day already reported bad is not compared again. */
        bool fok = !fd || num_b(L, fd, "from_day", GE0, &f->from_day);
        bool tok = td && num_b(L, td, "to_day", GE0, &f->to_day);
        if (fok && tok && !(f->to_day > f->from_day)) {
            const struct cor_ynode *at = newer(td, fd);
            err(L, at, "'to_day' must be > from_day %g (got %s%s)", f->from_day, SHOW(td),
                GOT_AT(td, at));
        }
        if ((v = opt(e, "reorder_below_days")))
            f->has_reorder = num_b(L, v, "reorder_below_days", GE0, &f->reorder_below_days);
        if ((v = opt(e, "fleet")) && whole(L, v, "fleet", 1, MAX_FLEET, &x))
            f->fleet = (long)x;

        if (last >= 0 && f->commodity >= 0) {
            f->stock = stock_of(L, last, f->commodity);
            if (f->stock < 0 && L->cities_ok)
                err(L, r->items[r->n - 1],
                    "flow '%s' delivers %s to '%s', but cities.%s has no %s", SHOWS(fid),
                    SHOWS(s->commodities[f->commodity].id), SHOWS(s->nodes[last].id),
                    SHOWS(s->nodes[last].id), SHOWS(s->commodities[f->commodity].id));
        }

        if ((v = opt(e, "escort"))) {
            if (v->kind != COR_YNODE_SCALAR) {
                err(L, v, "'escort' must be an escort id (got %s)", SHOW(v));
                continue;
            }
            int k = hmap_get(&L->escort_ix, v->text);
            if (k < 0) {
                if (L->escorts_ok) {
                    const char **names = cor_malloc((size_t)(s->nescorts + 1) * sizeof *names);
                    for (int j = 0; j < s->nescorts; j++)
                        names[j] = s->escorts[j].id;
                    err(L, v, "unknown escort '%s'%s", SHOWS(v->text),
                        DYM(cor__suggest(v->text, names, (size_t)s->nescorts)));
                    free(names);
                }
                continue;
            }
            f->escort = k;
            const struct cor_escort *x2 = &s->escorts[k];
            if (!L->escort_ok[k] || !route_ok)
                continue;
            /* The main route must carry the stretch; an alternate that does
             * not simply goes unescorted. */
            if (!escort_on_route(x2, &f->routes[0]))
                err(L, v, "escort '%s' stretch %s..%s is not on flow '%s''s route",
                    SHOWS(x2->id), SHOWS(s->nodes[x2->from].id), SHOWS(s->nodes[x2->to].id),
                    SHOWS(fid));
            for (int j = 1; alts_ok && j < f->nroutes; j++)
                escort_on_route(x2, &f->routes[j]);
        }
    }
}

/* Hazard without threats.ambush would make ambushes with no defined
 * outcome: one error, at the first segment concerned. */
static void check_hazard(struct loader *L)
{
    const struct cor_scenario *s = L->s;
    if (L->has_ambush)
        return;
    for (int i = 0; i < s->nsegments; i++) {
        if (!(s->segments[i].hazard > 0))
            continue;
        const struct cor_ynode *at = L->seg_hazard[i] ? L->seg_hazard[i]
                                     : L->default_hazard_at;
        err(L, at, "segment '%s' has hazard > 0 but threats.ambush is missing (got %g)",
            SHOWS(s->segments[i].id ? s->segments[i].id : "?"), s->segments[i].hazard);
        return;
    }
}

static void walk(struct loader *L, const struct cor_ynode *root)
{
    static const char *const keys[] = {
        "scenario", "commodities", "nodes", "defaults", "segments", "cities",
        "flows", "escorts", "threats", NULL,
    };
    check_keys(L, root, keys);
    load_header(L, root);
    load_commodities(L, root);
    load_nodes(L, root);
    load_defaults(L, root);
    load_segments(L, root);
    load_threats(L, root);
    load_escorts(L, root);
    load_cities(L, root);
    load_flows(L, root);
    check_hazard(L);
}

/* -------------------------------------------------------------- overrides */

__attribute__((format(printf, 4, 5)))
static void set_err(struct cor_diag *diag, unsigned ordinal, size_t col,
                    const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cor_diag_add(diag, "--set", ordinal, (unsigned)col, "%s", msg);
}

static bool all_digits(const char *t)
{
    if (!*t)
        return false;
    for (; *t; t++)
        if (*t < '0' || *t > '9')
            return false;
    return true;
}

/* Whether `comp` is "FROM-TO" or "TO-FROM" of an element without an `id`:
 * the name a segment gets by default, so `segments.diboli-kayes.hazard`
 * works as users expect. */
static bool implied_segment_id(const struct cor_ynode *item, const char *comp)
{
    if (cor_ynode_get(item, "id"))
        return false;
    const struct cor_ynode *a = cor_ynode_get(item, "from");
    const struct cor_ynode *b = cor_ynode_get(item, "to");
    if (!a || !b || a->kind != COR_YNODE_SCALAR || b->kind != COR_YNODE_SCALAR)
        return false;
    size_t la = strlen(a->text), lb = strlen(b->text);
    if (strlen(comp) != la + 1 + lb && strlen(comp) != lb + 1 + la)
        return false;
    return (strncmp(comp, a->text, la) == 0 && comp[la] == '-' &&
            strcmp(comp + la + 1, b->text) == 0) ||
           (strncmp(comp, b->text, lb) == 0 && comp[lb] == '-' &&
            strcmp(comp + lb + 1, a->text) == 0);
}

/* Looks up `comp` in a sequence: by the `id` of an element mapping first
 * (given, or implied "from-to" for an element with from/to and no id),
 * then, if it is all digits, by index. Returns the index or -1 (reported). */
static long seq_lookup(const struct cor_ynode *q, const char *comp, const char *prefix,
                       unsigned ordinal, size_t col, struct cor_diag *diag)
{
    for (size_t i = 0; i < q->n; i++) {
        const struct cor_ynode *id = cor_ynode_get(q->items[i], "id");
        if (id && id->kind == COR_YNODE_SCALAR && strcmp(id->text, comp) == 0)
            return (long)i;
    }
    for (size_t i = 0; i < q->n; i++)
        if (q->items[i]->kind == COR_YNODE_MAP && implied_segment_id(q->items[i], comp))
            return (long)i;
    if (all_digits(comp)) {
        size_t len = strlen(comp);
        unsigned long idx = len <= 9 ? strtoul(comp, NULL, 10) : (unsigned long)-1;
        if (idx < q->n)
            return (long)idx;
        set_err(diag, ordinal, col, "index %s is out of range at '%s' (the sequence has "
                "%zu element%s)", SHOWS(comp), SHOWS(prefix), q->n, q->n == 1 ? "" : "s");
        return -1;
    }
    const char **ids = cor_malloc((q->n + 1) * sizeof *ids);
    size_t nids = 0;
    for (size_t i = 0; i < q->n; i++) {
        const struct cor_ynode *id = cor_ynode_get(q->items[i], "id");
        if (id && id->kind == COR_YNODE_SCALAR)
            ids[nids++] = id->text;
    }
    set_err(diag, ordinal, col, "no element with id '%s' at '%s'%s", SHOWS(comp),
            SHOWS(prefix), DYM(cor__suggest(comp, ids, nids)));
    free(ids);
    return -1;
}

bool cor__override_apply(struct cor_ynode *root, const char *ov, unsigned ordinal,
                         struct cor_diag *diag)
{
    size_t bad = cor_utf8_invalid_at(ov);
    if (ov[bad]) {
        /* Not echoed: the bytes would reach the terminal as they are. */
        set_err(diag, ordinal, bad + 1, "the override is not valid UTF-8 (byte 0x%02X)",
                (unsigned char)ov[bad]);
        return false;
    }
    for (size_t i = 0; ov[i]; i++) {
        if (cor_utf8_is_control(ov + i) && ov[i] != '\t') {
            set_err(diag, ordinal, i + 1, "the override holds a control character (got %s)",
                    SHOWS(ov));
            return false;
        }
    }
    const char *eq = strchr(ov, '=');
    if (!eq) {
        set_err(diag, ordinal, 1, "expected PATH=VALUE (got %s)", SHOWS(ov));
        return false;
    }
    /* Blanks around PATH and VALUE are dropped ("a.b = 3"); columns still
     * count from the start of the override string. */
    size_t p0 = 0, plen = (size_t)(eq - ov);
    while (p0 < plen && (ov[p0] == ' ' || ov[p0] == '\t'))
        p0++;
    while (plen > p0 && (ov[plen - 1] == ' ' || ov[plen - 1] == '\t'))
        plen--;
    if (plen == p0) {
        set_err(diag, ordinal, 1, "missing PATH before '=' (got %s)", SHOWS(ov));
        return false;
    }
    /* VALUE is read as a plain scalar, which has no surrounding blanks. */
    const char *val = eq + 1;
    while (*val == ' ' || *val == '\t')
        val++;
    size_t vlen = strlen(val);
    while (vlen > 0 && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
        vlen--;
    size_t vcol = (size_t)(val - ov) + 1;
    if (vlen > COR_MAX_SCALAR_BYTES) {
        set_err(diag, ordinal, vcol, "value is too long (cap %d bytes)", COR_MAX_SCALAR_BYTES);
        return false;
    }

    /* path is a copy of ov[0..plen), so that indexes into it are columns
     * in ov; the path proper starts at p0. */
    char *path = cor_strndup(ov, plen);
    char *full = cor_strndup(ov + p0, plen - p0);
    struct cor_ynode *cur = root;
    bool ok = false;
    size_t start = p0;
    for (;;) {
        size_t end = start;
        while (end < plen && path[end] != '.')
            end++;
        bool last = end == plen;
        size_t col = start + 1;
        char saved = path[end];
        path[end] = '\0';
        const char *comp = path + start, *prefix = path + p0;
        if (end == start) {
            set_err(diag, ordinal, col, "empty component in path '%s'", SHOWS(full));
            break;
        }
        struct cor_ynode **slot = NULL;
        if (cur->kind == COR_YNODE_MAP) {
            long i = cor_ynode_find(cur, comp);
            if (i >= 0) {
                slot = &cur->items[i];
            } else if (last) {
                struct cor_ynode *k = cor_ynode_new_scalar(comp, end - start, true,
                                                           ordinal, (unsigned)col);
                struct cor_ynode *v = cor_ynode_new_scalar(val, vlen, true, ordinal,
                                                           (unsigned)vcol);
                k->override = v->override = ordinal;
                cor_ynode_map_add(cur, k, v);
                ok = true;
                break;
            } else {
                const char **keys = cor_malloc((cur->n + 1) * sizeof *keys);
                for (size_t j = 0; j < cur->n; j++)
                    keys[j] = cur->keys[j]->text;
                set_err(diag, ordinal, col, "no key '%s' at '%s'%s", SHOWS(comp),
                        SHOWS(prefix), DYM(cor__suggest(comp, keys, cur->n)));
                free(keys);
                break;
            }
        } else if (cur->kind == COR_YNODE_SEQ) {
            long i = seq_lookup(cur, comp, prefix, ordinal, col, diag);
            if (i < 0)
                break;
            slot = &cur->items[i];
        } else {
            path[start > p0 ? start - 1 : p0] = '\0';
            set_err(diag, ordinal, col, "cannot look up '%s' in '%s': it is a scalar",
                    SHOWS(comp), SHOWS(prefix));
            break;
        }
        if (last) {
            if ((*slot)->kind != COR_YNODE_SCALAR) {
                set_err(diag, ordinal, col, "cannot set '%s': it is %s, not a scalar",
                        SHOWS(prefix), kind_word((*slot)->kind));
                break;
            }
            struct cor_ynode *v = cor_ynode_new_scalar(val, vlen, true, ordinal,
                                                       (unsigned)vcol);
            v->override = ordinal;
            cor_ynode_free(*slot);
            *slot = v;
            ok = true;
            break;
        }
        path[end] = saved;
        cur = *slot;
        start = end + 1;
    }
    free(path);
    free(full);
    return ok;
}

/* ---------------------------------------------------------------- loading */

struct entry_ref {
    const struct cor_diag_entry *e;
    size_t index;
};

/* Override errors first, by ordinal and column, then the file's errors by
 * line and column; equal positions keep the order they were found in. */
static int entry_order(const void *pa, const void *pb)
{
    const struct entry_ref *ra = pa, *rb = pb;
    const struct cor_diag_entry *a = ra->e, *b = rb->e;
    bool fa = !a->file || strcmp(a->file, "--set") != 0;
    bool fb = !b->file || strcmp(b->file, "--set") != 0;
    if (fa != fb)
        return fa ? 1 : -1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return ra->index < rb->index ? -1 : ra->index > rb->index;
}

/* Moves the errors of `tmp` into `diag` sorted by position: the walk goes
 * through sections in dependency order, but a user reads the file top
 * down. `tmp` is empty afterwards. */
static void move_sorted(struct cor_diag *tmp, struct cor_diag *diag)
{
    size_t n = tmp->count;
    struct entry_ref *order = cor_malloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        order[i].e = &tmp->entries[i];
        order[i].index = i;
    }
    qsort(order, n, sizeof *order, entry_order);
    for (size_t i = 0; i < n; i++)
        cor_diag_add(diag, order[i].e->file, order[i].e->line, order[i].e->col, "%s",
                     order[i].e->message);
    diag->dropped += tmp->dropped;
    free(order);
    cor_diag_fini(tmp);
}

struct cor_scenario *cor_scenario_load_buffer(const char *name, const char *buf,
                                              size_t len, const char *const *overrides,
                                              int noverrides, struct cor_diag *diag)
{
    size_t before = cor_diag_count(diag);
    if (!name)
        name = "<buffer>";
    if (noverrides < 0)
        noverrides = 0;
    if (noverrides > COR_MAX_OVERRIDES) {
        cor_diag_add(diag, "--set", 0, 0, "too many overrides (cap %d)", COR_MAX_OVERRIDES);
        noverrides = COR_MAX_OVERRIDES;
    }
    /* All errors go through `tmp` first, to reach `diag` in file order. */
    struct cor_diag tmp;
    cor_diag_init(&tmp);
    struct cor_ynode *root = cor_ytree_parse(name, buf ? buf : "", buf ? len : 0, &tmp);
    if (!root) {
        move_sorted(&tmp, diag);
        return NULL;
    }
    for (int i = 0; i < noverrides; i++)
        cor__override_apply(root, overrides[i], (unsigned)i + 1, &tmp);

    struct loader L;
    memset(&L, 0, sizeof L);
    L.file = name;
    L.diag = &tmp;
    L.s = cor_calloc(1, sizeof *L.s);
    L.commodities_ok = L.nodes_ok = L.segments_ok = L.escorts_ok = L.cities_ok = true;
    L.s->source = cor_strdup(name);
    walk(&L, root);

    struct cor_scenario *s = L.s;
    if (noverrides > 0) {
        s->overrides = cor_calloc((size_t)noverrides, sizeof *s->overrides);
        for (int i = 0; i < noverrides; i++)
            s->overrides[i] = cor_strdup(overrides[i]);
        s->noverrides = noverrides;
    }
    cor_ynode_free(root);
    hmap_fini(&L.node_ix);
    hmap_fini(&L.seg_ix);
    hmap_fini(&L.pair_ix);
    hmap_fini(&L.flow_ix);
    hmap_fini(&L.escort_ix);
    free(L.seg_at);
    free(L.seg_hazard);
    free(L.flow_at);
    free(L.escort_ok);
    free(L.city_of_node);
    free(L.route_stamp);
    free(L.route_pos);
    move_sorted(&tmp, diag);
    if (cor_diag_count(diag) > before) {
        cor_scenario_free(s);
        return NULL;
    }
    return s;
}

struct cor_scenario *cor_scenario_load_file(const char *path,
                                            const char *const *overrides,
                                            int noverrides, struct cor_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cor_diag_add(diag, NULL, 0, 0, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    /* Read until EOF or one byte past the cap: enough to know the file is
     * too large, whatever it is (a pipe has no size to ask for). */
    size_t cap = 0, len = 0;
    char *buf = NULL;
    while (len <= COR_MAX_FILE_BYTES) {
        cor_grow((void **)&buf, &cap, len + 65536, 1);
        size_t want_n = cap - len;
        if (want_n > (size_t)COR_MAX_FILE_BYTES + 1 - len)
            want_n = (size_t)COR_MAX_FILE_BYTES + 1 - len;
        size_t got = fread(buf + len, 1, want_n, f);
        len += got;
        if (got < want_n)
            break;
    }
    int rerr = ferror(f) ? errno : 0;
    fclose(f);
    struct cor_scenario *s = NULL;
    if (rerr)
        cor_diag_add(diag, NULL, 0, 0, "cannot read %s: %s", path, strerror(rerr));
    else if (len > COR_MAX_FILE_BYTES)
        cor_diag_add(diag, path, 0, 0, "file is too large (cap %u bytes)",
                     (unsigned)COR_MAX_FILE_BYTES);
    else
        s = cor_scenario_load_buffer(path, buf, len, overrides, noverrides, diag);
    free(buf);
    return s;
}
