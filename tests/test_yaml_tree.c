/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of yaml_tree: positions, styles, the rejected YAML features, caps,
 * and hostile input that must be refused fast without crashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testutil.h"

#include "corridor/scenario.h"
#include "yaml_tree.h"

/* Parses `len` bytes; returns the root and fills `out` with the printed
 * diagnostics (caller frees). */
static struct cor_ynode *parse_n(const char *buf, size_t len, char **out)
{
    struct cor_diag d;
    cor_diag_init(&d);
    struct cor_ynode *root = cor_ytree_parse("t.yaml", buf, len, &d);
    size_t n;
    FILE *f = open_memstream(out, &n);
    assert_non_null(f);
    cor_diag_print(&d, f);
    fclose(f);
    cor_diag_fini(&d);
    return root;
}

static struct cor_ynode *parse(const char *text, char **out)
{
    return parse_n(text, strlen(text), out);
}

/* Asserts that `text` is rejected with exactly `expected` printed. */
static void assert_rejected(const char *text, const char *expected)
{
    char *out;
    struct cor_ynode *root = parse(text, &out);
    assert_null(root);
    assert_string_equal(out, expected);
    free(out);
}

static void test_yaml_tree_positions(void **state)
{
    (void)state;
    char *out;
    struct cor_ynode *root = parse("a: 1\n"
                                   "b:\n"
                                   "  - x\n"
                                   "  - { k: 'v', \"q\": 2 }\n"
                                   "l: |\n"
                                   "  lit\n"
                                   "é: ü\n",
                                   &out);
    assert_non_null(root);
    assert_string_equal(out, "");
    assert_int_equal(root->kind, COR_YNODE_MAP);
    assert_int_equal(root->n, 4);
    assert_int_equal(root->line, 1);
    assert_int_equal(root->col, 1);

    const struct cor_ynode *a = cor_ynode_get(root, "a");
    assert_non_null(a);
    assert_int_equal(a->kind, COR_YNODE_SCALAR);
    assert_string_equal(a->text, "1");
    assert_true(a->plain);
    assert_int_equal(a->line, 1);
    assert_int_equal(a->col, 4);

    const struct cor_ynode *b = cor_ynode_get(root, "b");
    assert_int_equal(b->kind, COR_YNODE_SEQ);
    assert_int_equal(b->n, 2);
    assert_int_equal(b->items[0]->line, 3);
    assert_int_equal(b->items[0]->col, 5);
    const struct cor_ynode *m = b->items[1];
    assert_int_equal(m->kind, COR_YNODE_MAP);
    assert_int_equal(m->line, 4);
    assert_int_equal(m->col, 5);
    const struct cor_ynode *k = cor_ynode_get(m, "k");
    assert_false(k->plain);
    assert_string_equal(k->text, "v");
    assert_int_equal(k->col, 10);
    const struct cor_ynode *q = cor_ynode_get(m, "q");
    assert_true(q->plain);
    assert_int_equal(cor_ynode_get(m, "k")->line, 4);
    assert_int_equal(m->keys[1]->col, 15);
    const struct cor_ynode *l = cor_ynode_get(root, "l");
    assert_false(l->plain);
    assert_string_equal(l->text, "lit\n");

    /* Columns count characters, not bytes. */
    assert_int_equal(root->keys[3]->line, 7);
    const struct cor_ynode *u = cor_ynode_get(root, "é");
    assert_string_equal(u->text, "ü");
    assert_int_equal(u->col, 4);

    assert_int_equal(cor_ynode_find(root, "b"), 1);
    assert_int_equal(cor_ynode_find(root, "nope"), -1);
    assert_null(cor_ynode_get(a, "x"));
    cor_ynode_free(root);
    free(out);
}

static void test_yaml_tree_nulls(void **state)
{
    (void)state;
    char *out;
    struct cor_ynode *root = parse("a:\nb: ~\nc: null\nd: NULL\ne: ''\nf: 'null'\ng: nul\n",
                                   &out);
    assert_non_null(root);
    assert_true(cor_ynode_is_null(cor_ynode_get(root, "a")));
    assert_true(cor_ynode_is_null(cor_ynode_get(root, "b")));
    assert_true(cor_ynode_is_null(cor_ynode_get(root, "c")));
    assert_true(cor_ynode_is_null(cor_ynode_get(root, "d")));
    /* Quoted scalars are strings, even empty or spelled null. */
    assert_false(cor_ynode_is_null(cor_ynode_get(root, "e")));
    assert_false(cor_ynode_is_null(cor_ynode_get(root, "f")));
    assert_false(cor_ynode_is_null(cor_ynode_get(root, "g")));
    assert_string_equal(cor_ynode_kind_name(cor_ynode_get(root, "a")), "null");
    assert_string_equal(cor_ynode_kind_name(root), "a mapping");
    cor_ynode_free(root);
    free(out);
}

static void test_yaml_tree_duplicate_keys(void **state)
{
    (void)state;
    char *out;
    struct cor_ynode *root = parse("a: 1\nb: 2\na: 3\nm: { x: 1, 'x': 2 }\n", &out);
    /* Duplicates leave a usable tree: the first value is kept. */
    assert_non_null(root);
    assert_string_equal(out, "t.yaml:3:1: error: duplicate key 'a' (first at 1:1)\n"
                             "t.yaml:4:12: error: duplicate key 'x' (first at 4:6)\n");
    assert_int_equal(root->n, 3);
    assert_string_equal(cor_ynode_get(root, "a")->text, "1");
    cor_ynode_free(root);
    free(out);
}

/* Above 16 keys duplicates are found by sorting: same result. */
static void test_yaml_tree_duplicate_keys_large_map(void **state)
{
    (void)state;
    char text[4096];
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "k%d: %d\n", i % 30, i);
    char *out;
    struct cor_ynode *root = parse(text, &out);
    assert_non_null(root);
    assert_int_equal(root->n, 30);
    assert_string_equal(cor_ynode_get(root, "k5")->text, "5");
    char *line = out;
    for (int i = 30; i < 40; i++) {
        char want[128];
        snprintf(want, sizeof want,
                 "t.yaml:%d:1: error: duplicate key 'k%d' (first at %d:1)\n", i + 1,
                 i % 30, i % 30 + 1);
        assert_memory_equal(line, want, strlen(want));
        line += strlen(want);
    }
    assert_string_equal(line, "");
    cor_ynode_free(root);
    free(out);
}

static void test_yaml_tree_aliases_rejected(void **state)
{
    (void)state;
    assert_rejected("a: &x [1, 2]\nb: *x\n",
                    "t.yaml:2:4: error: aliases are not supported (got '*x')\n");
    /* The cycle the document API would build. */
    assert_rejected("a: &x [1, *x]\n",
                    "t.yaml:1:11: error: aliases are not supported (got '*x')\n");
}

static void test_yaml_tree_anchor_ignored(void **state)
{
    (void)state;
    char *out;
    struct cor_ynode *root = parse("a: &x 1\nb: &y { c: 2 }\n", &out);
    assert_non_null(root);
    assert_string_equal(out, "");
    assert_string_equal(cor_ynode_get(root, "a")->text, "1");
    cor_ynode_free(root);
    free(out);
}

static void test_yaml_tree_merge_key(void **state)
{
    (void)state;
    char *out;
    struct cor_ynode *root = parse("a: { <<: { b: 1 }, c: 2 }\nd: { '<<': 3 }\n", &out);
    assert_non_null(root);
    assert_string_equal(out, "t.yaml:1:6: error: merge keys '<<' are not supported\n");
    const struct cor_ynode *a = cor_ynode_get(root, "a");
    assert_int_equal(a->n, 1);
    /* A quoted '<<' is an ordinary key. */
    assert_non_null(cor_ynode_get(cor_ynode_get(root, "d"), "<<"));
    cor_ynode_free(root);
    free(out);
}

static void test_yaml_tree_tags(void **state)
{
    (void)state;
    char *out;
    struct cor_ynode *root = parse("a: !!str 1\nb: !local x\n", &out);
    assert_non_null(root);
    assert_string_equal(out, "t.yaml:1:4: error: tags are not supported (got '!!str')\n"
                             "t.yaml:2:4: error: tags are not supported (got '!local')\n");
    cor_ynode_free(root);
    free(out);
}

static void test_yaml_tree_documents(void **state)
{
    (void)state;
    assert_rejected("a: 1\n---\nb: 2\n",
                    "t.yaml:2:1: error: only one YAML document is allowed per file\n");
    assert_rejected("", "t.yaml: error: the file is empty (expected a mapping)\n");
    assert_rejected("# only a comment\n",
                    "t.yaml: error: the file is empty (expected a mapping)\n");
    assert_rejected("---\n", "t.yaml: error: the file is empty (expected a mapping)\n");
    assert_rejected("- a\n",
                    "t.yaml:1:1: error: the top level must be a mapping (got a sequence)\n");
    assert_rejected("hello\n",
                    "t.yaml:1:1: error: the top level must be a mapping (got a scalar)\n");
    /* One explicit document is fine. */
    char *out;
    struct cor_ynode *root = parse("---\na: 1\n...\n", &out);
    assert_non_null(root);
    cor_ynode_free(root);
    free(out);
}

static void test_yaml_tree_syntax_errors(void **state)
{
    (void)state;
    assert_rejected("a:\n  b: 1\n c: 2\n",
                    "t.yaml:3:2: error: syntax error: did not find expected key "
                    "(while parsing a block mapping at 1:1)\n");
    assert_rejected("a: [1, 2\n",
                    "t.yaml:2:1: error: syntax error: did not find expected ',' or ']' "
                    "(while parsing a flow sequence at 1:4)\n");
    assert_rejected("? [a]\n: b\n",
                    "t.yaml:1:3: error: mapping keys must be scalars (got a sequence)\n");
    assert_rejected("a: \"x\\0y\"\n",
                    "t.yaml:1:4: error: a scalar may not contain a NUL character\n");
}

static void test_yaml_tree_reader_error_position(void **state)
{
    (void)state;
    /* libyaml gives reader errors as a byte offset only. */
    assert_rejected("a: 1\nb: 2\ncé: \x01\n",
                    "t.yaml:3:5: error: invalid input: control characters are not "
                    "allowed (got byte 0x01)\n");
    assert_rejected("a: 1\r\nb: \xff\n",
                    "t.yaml:2:4: error: invalid input: invalid leading UTF-8 octet "
                    "(got byte 0xFF)\n");
}

static void test_yaml_tree_offset_to_pos(void **state)
{
    (void)state;
    const char *t = "ab\ncé\r\nx\ry";
    unsigned line, col;
    cor__ytree_offset_to_pos(t, strlen(t), 0, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    cor__ytree_offset_to_pos(t, strlen(t), 2, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 3);
    cor__ytree_offset_to_pos(t, strlen(t), 6, &line, &col); /* the \r */
    assert_int_equal(line, 2);
    assert_int_equal(col, 3);
    cor__ytree_offset_to_pos(t, strlen(t), 8, &line, &col); /* x */
    assert_int_equal(line, 3);
    assert_int_equal(col, 1);
    cor__ytree_offset_to_pos(t, strlen(t), 10, &line, &col); /* y after lone \r */
    assert_int_equal(line, 4);
    assert_int_equal(col, 1);
    cor__ytree_offset_to_pos(t, strlen(t), 999, &line, &col); /* clamped */
    assert_int_equal(line, 4);
    assert_int_equal(col, 2);
}

static char *nested(int depth, bool flow)
{
    size_t cap = (size_t)depth * (size_t)(flow ? 2 : depth * 2 + 8) + 64;
    char *t = malloc(cap);
    size_t o = 0;
    if (flow) {
        o += (size_t)snprintf(t + o, cap - o, "a: ");
        for (int i = 0; i < depth - 1; i++)
            t[o++] = '[';
        for (int i = 0; i < depth - 1; i++)
            t[o++] = ']';
        t[o] = '\0';
    } else {
        for (int i = 0; i < depth; i++)
            o += (size_t)snprintf(t + o, cap - o, "%*sk:\n", 2 * i, "");
        t[o] = '\0';
    }
    return t;
}

static void test_yaml_tree_depth_cap(void **state)
{
    (void)state;
    char *out;
    for (int flow = 0; flow < 2; flow++) {
        char *ok = nested(COR_MAX_DEPTH, flow);
        struct cor_ynode *root = parse(ok, &out);
        assert_non_null(root);
        cor_ynode_free(root);
        free(out);
        free(ok);
        char *deep = nested(COR_MAX_DEPTH + 1, flow);
        root = parse(deep, &out);
        assert_null(root);
        assert_non_null(strstr(out, "error: nesting is too deep (cap 24 levels)\n"));
        free(out);
        free(deep);
    }
}

/* 400 KB of `[`: libyaml alone needs minutes; the depth cap stops it. */
static void test_yaml_tree_deep_flow_is_fast(void **state)
{
    (void)state;
    size_t n = 400 * 1024;
    char *t = malloc(n);
    memset(t, '[', n);
    double t0 = tu_now();
    char *out;
    struct cor_ynode *root = parse_n(t, n, &out);
    double dt = tu_now() - t0;
    assert_null(root);
    assert_string_equal(out, "t.yaml:1:25: error: nesting is too deep (cap 24 levels)\n");
    assert_true(dt < tu_time_bound(1.0));
    free(out);
    free(t);
}

/* "Billion laughs": a few hundred bytes that expand exponentially in a
 * loader that follows aliases. */
static void test_yaml_tree_alias_bomb(void **state)
{
    (void)state;
    const char *bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    assert_rejected(bomb, "t.yaml:2:8: error: aliases are not supported (got '*a')\n");
}

static void test_yaml_tree_scalar_cap(void **state)
{
    (void)state;
    size_t n = COR_MAX_SCALAR_BYTES + 16;
    char *t = malloc(n + 1);
    memcpy(t, "a: ", 3);
    memset(t + 3, 'x', COR_MAX_SCALAR_BYTES);
    t[3 + COR_MAX_SCALAR_BYTES] = '\0';
    char *out;
    struct cor_ynode *root = parse(t, &out);
    assert_non_null(root);
    assert_int_equal(cor_ynode_get(root, "a")->len, COR_MAX_SCALAR_BYTES);
    cor_ynode_free(root);
    free(out);
    memcpy(t + 3 + COR_MAX_SCALAR_BYTES, "y", 2);
    assert_rejected(t, "t.yaml:1:4: error: scalar is too long (cap 4096 bytes)\n");
    free(t);
}

static void test_yaml_tree_node_cap(void **state)
{
    (void)state;
    /* "a: [" + N times "1," + "]": N scalars, plus the key, map and seq. */
    size_t n = COR_MAX_YAML_NODES;
    char *t = malloc(2 * n + 16);
    size_t o = 0;
    memcpy(t, "a: [", 4);
    o = 4;
    for (size_t i = 0; i < n; i++) {
        t[o++] = '1';
        t[o++] = ',';
    }
    t[o++] = ']';
    t[o] = '\0';
    char *out;
    struct cor_ynode *root = parse(t, &out);
    assert_null(root);
    /* Nodes 1-3 are the map, the key and the sequence. */
    char want[128];
    snprintf(want, sizeof want, "t.yaml:1:%zu: error: too many YAML nodes (cap %d)\n",
             4 + 2 * (size_t)(COR_MAX_YAML_NODES - 3) + 1, COR_MAX_YAML_NODES);
    assert_string_equal(out, want);
    free(out);
    free(t);
}

static void test_yaml_tree_file_cap(void **state)
{
    (void)state;
    size_t n = (size_t)COR_MAX_FILE_BYTES + 1;
    char *t = malloc(n);
    memset(t, '#', n);
    char *out;
    struct cor_ynode *root = parse_n(t, n, &out);
    assert_null(root);
    assert_string_equal(out, "t.yaml: error: file is too large (cap 4194304 bytes)\n");
    free(out);
    free(t);
}

static void test_yaml_tree_nul_bytes(void **state)
{
    (void)state;
    size_t n = 1 << 16;
    char *t = calloc(n, 1);
    char *out;
    double t0 = tu_now();
    struct cor_ynode *root = parse_n(t, n, &out);
    assert_true(tu_now() - t0 < tu_time_bound(1.0));
    assert_null(root);
    assert_string_equal(out, "t.yaml:1:1: error: invalid input: control characters are "
                             "not allowed (got byte 0x00)\n");
    free(out);
    free(t);
}

/* Random bytes and random YAML-ish text: any answer is fine as long as it
 * comes quickly, without a crash, and an error comes with a message. */
static void test_yaml_tree_random_input(void **state)
{
    (void)state;
    static const char alphabet[] = "[]{}:,-?&*!|>'\"#%@` \n\t.0123456789abcxyz<~";
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    double t0 = tu_now();
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(round % 300) + 1;
        char *t = malloc(n);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            t[i] = round % 2 ? (char)(x & 0xFF)
                             : alphabet[x % (sizeof alphabet - 1)];
        }
        struct cor_diag d;
        cor_diag_init(&d);
        struct cor_ynode *root = cor_ytree_parse("r.yaml", t, n, &d);
        if (!root)
            assert_true(cor_diag_count(&d) > 0);
        cor_ynode_free(root);
        cor_diag_fini(&d);
        free(t);
    }
    assert_true(tu_now() - t0 < tu_time_bound(20.0));
}

static void test_yaml_tree_new_scalar_and_add(void **state)
{
    (void)state;
    char *out;
    struct cor_ynode *root = parse("a: 1\n", &out);
    cor_ynode_map_add(root, cor_ynode_new_scalar("b", 1, true, 2, 3),
                      cor_ynode_new_scalar("xyz", 2, false, 2, 5));
    const struct cor_ynode *b = cor_ynode_get(root, "b");
    assert_non_null(b);
    assert_string_equal(b->text, "xy");
    assert_int_equal(b->len, 2);
    assert_false(b->plain);
    assert_int_equal(b->col, 5);
    cor_ynode_free(root);
    cor_ynode_free(NULL);
    free(out);
}

/* The check on --set text: RFC 3629's well-formed sequences pass, and
 * each kind of ill-formed one is found at its first byte. */
static void test_yaml_tree_utf8_check(void **state)
{
    (void)state;
    const char *good[] = {"", "plain", "s\xc3\xa9gou", "\xe2\x80\x94", "\xef\xbf\xbd",
                          "\xf0\x9f\x9a\x9a", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(cor_utf8_invalid_at(good[i]), strlen(good[i]));
    struct {
        const char *text;
        size_t at;
    } bad[] = {
        {"ab\xff", 2},             /* never a UTF-8 byte */
        {"\x80", 0},               /* a continuation byte first */
        {"\xc0\x80", 0},           /* overlong two-byte NUL */
        {"\xc1\xbf", 0},           /* overlong two-byte */
        {"\xe0\x9f\xbf", 0},       /* overlong three-byte */
        {"\xf0\x8f\xbf\xbf", 0},   /* overlong four-byte */
        {"\xed\xa0\x80", 0},       /* a surrogate */
        {"\xf4\x90\x80\x80", 0},   /* past U+10FFFF */
        {"\xf5\x80\x80\x80", 0},   /* a lead byte past F4 */
        {"x\xe2\x80", 1},          /* cut short by the end */
        {"x\xe2\x80y", 1},         /* cut short by an ASCII byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(cor_utf8_invalid_at(bad[i].text), bad[i].at);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_tree_positions),
        cmocka_unit_test(test_yaml_tree_nulls),
        cmocka_unit_test(test_yaml_tree_duplicate_keys),
        cmocka_unit_test(test_yaml_tree_duplicate_keys_large_map),
        cmocka_unit_test(test_yaml_tree_aliases_rejected),
        cmocka_unit_test(test_yaml_tree_anchor_ignored),
        cmocka_unit_test(test_yaml_tree_merge_key),
        cmocka_unit_test(test_yaml_tree_tags),
        cmocka_unit_test(test_yaml_tree_documents),
        cmocka_unit_test(test_yaml_tree_syntax_errors),
        cmocka_unit_test(test_yaml_tree_reader_error_position),
        cmocka_unit_test(test_yaml_tree_offset_to_pos),
        cmocka_unit_test(test_yaml_tree_depth_cap),
        cmocka_unit_test(test_yaml_tree_deep_flow_is_fast),
        cmocka_unit_test(test_yaml_tree_alias_bomb),
        cmocka_unit_test(test_yaml_tree_scalar_cap),
        cmocka_unit_test(test_yaml_tree_node_cap),
        cmocka_unit_test(test_yaml_tree_file_cap),
        cmocka_unit_test(test_yaml_tree_nul_bytes),
        cmocka_unit_test(test_yaml_tree_random_input),
        cmocka_unit_test(test_yaml_tree_new_scalar_and_add),
        cmocka_unit_test(test_yaml_tree_utf8_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
