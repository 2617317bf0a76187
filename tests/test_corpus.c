/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bad-input corpus and the caps, through the real binary.
 *
 * test_scenario checks the loader's messages in-process; this checks what a
 * user sees: for every tests/scenarios/bad/NAME.yaml, `corridor validate`
 * and `corridor run --out DIR` exit 2, print nothing on stdout, print
 * exactly NAME.expected on stderr, and leave DIR absent. The processes run
 * in the corpus directory, so the file names in the messages are the
 * relative ones the .expected files hold. A case with NAME.set (one
 * override a line) is run with those as --set options; `validate` takes no
 * overrides, so it is checked through `run` only.
 *
 * Then every cap of docs/testing.md, at the cap and one past it: a file at
 * a cap must load (`validate` says ok) and one past it must be refused with
 * one line naming the cap. The files are generated here rather than
 * committed, since some are megabytes. Last, the work caps: a scenario whose
 * work is absurd is refused at once, never run. */
#include "tu_spawn.h"

#include <dirent.h>
#include <math.h>
#include <sys/stat.h>

#include "engine.h"
#include "work.h"

#define BAD_DIR COR_SOURCE_DIR "/tests/scenarios/bad"

static char tmpdir[256];

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Runs the binary in directory `cwd` with argv[1..] (argv[0] unused). */
static struct tu_outcome run_argv(const char *cwd, char **argv)
{
    struct tu_spawn o = {.dir = tmpdir, .cwd = cwd};
    return tu_spawn_argv(&o, (const char *const *)(argv + 1));
}

/* The same with a NULL-terminated list of arguments. */
static struct tu_outcome run_in(const char *cwd, const char *first, ...)
{
    struct tu_spawn o = {.dir = tmpdir, .cwd = cwd};
    va_list ap;
    va_start(ap, first);
    struct tu_outcome r = tu_vspawn(&o, first, ap);
    va_end(ap);
    return r;
}

static int setup(void **state)
{
    (void)state;
    return tu_tmpdir(tmpdir, sizeof tmpdir, "corpus");
}

static int teardown(void **state)
{
    (void)state;
    /* COR_TEST_KEEP_TMP=1 keeps the generated files for a look. */
    if (getenv("COR_TEST_KEEP_TMP")) {
        print_message("kept %s\n", tmpdir);
        return 0;
    }
    return tu_rmtree(tmpdir);
}

/* The corpus's case names (NAME of NAME.yaml), sorted; *n receives the
 * count. */
static char **corpus_names(int *n)
{
    DIR *dir = opendir(BAD_DIR);
    assert_non_null(dir);
    char **names = NULL;
    int count = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
            continue;
        names = realloc(names, (size_t)(count + 1) * sizeof *names);
        names[count++] = strndup(de->d_name, len - 5);
    }
    closedir(dir);
    tu_sort_strings(names, count); /* a stable report order */
    *n = count;
    return names;
}

/* Checks one outcome of a bad case: exit 2, nothing on stdout, exactly the
 * expected errors on stderr. Returns 1 if it matched, after saying why not. */
static int bad_outcome_ok(const char *what, const char *name, const struct tu_outcome *o,
                          const char *expected)
{
    if (o->status == 2 && o->out && !*o->out && o->err && !strcmp(o->err, expected))
        return 1;
    print_error("%s %s.yaml: exit %d, stdout '%.200s'; expected on stderr:\n%s"
                "--- got:\n%s",
                what, name, o->status, o->out ? o->out : "(none)", expected,
                o->err ? o->err : "(none)");
    return 0;
}

/* Every bad file: validate and run agree with NAME.expected; run writes
 * nothing. */
static void test_corpus_bad_files_refused_exactly(void **state)
{
    (void)state;
    int n, ok = 0, checks = 0;
    char **names = corpus_names(&n);
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.expected", BAD_DIR, names[i]);
        char *expected = tu_slurp(path);
        if (!expected) {
            print_error("%s.yaml has no %s.expected\n", names[i], names[i]);
            checks++;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s.set", BAD_DIR, names[i]);
        char *sets = tu_slurp(path);
        char yaml[600], out[600];
        snprintf(yaml, sizeof yaml, "%s.yaml", names[i]);
        snprintf(out, sizeof out, "%s/out-%s", tmpdir, names[i]);

        /* corridor run FILE [--set LINE]... --out DIR */
        char *argv[2 * COR_MAX_OVERRIDES + 8];
        int a = 1;
        argv[a++] = strdup("run");
        argv[a++] = strdup(yaml);
        for (char *line = sets, *next; line && *line && a < 2 * COR_MAX_OVERRIDES;
             line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            else
                next = line + strlen(line);
            argv[a++] = strdup("--set");
            argv[a++] = strdup(line);
        }
        argv[a++] = strdup("--out");
        argv[a++] = strdup(out);
        argv[a] = NULL;
        struct tu_outcome o = run_argv(BAD_DIR, argv);
        for (int k = 1; k < a; k++)
            free(argv[k]);
        int good = bad_outcome_ok("run", names[i], &o, expected);
        if (exists(out)) {
            print_error("run %s.yaml created %s\n", names[i], out);
            good = 0;
        }
        tu_outcome_free(&o);
        checks++;
        ok += good;

        if (!sets) {
            o = run_in(BAD_DIR, "validate", yaml, NULL);
            ok += bad_outcome_ok("validate", names[i], &o, expected);
            checks++;
            tu_outcome_free(&o);
        }
        free(sets);
        free(expected);
        free(names[i]);
    }
    free(names);
    assert_int_equal(ok, checks);
    /* The issue asks for at least 40 cases; keep the corpus from shrinking. */
    assert_true(n >= 57);
}

/* No stray .expected or .set without its .yaml (a renamed case that no
 * longer runs). */
static void test_corpus_no_orphan_files(void **state)
{
    (void)state;
    DIR *dir = opendir(BAD_DIR);
    assert_non_null(dir);
    struct dirent *de;
    int orphans = 0;
    while ((de = readdir(dir))) {
        const char *dot = strrchr(de->d_name, '.');
        if (de->d_name[0] == '.' || !dot || !strcmp(dot, ".yaml"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%.*s.yaml", BAD_DIR, (int)(dot - de->d_name),
                 de->d_name);
        if (strcmp(dot, ".expected") != 0 && strcmp(dot, ".set") != 0) {
            print_error("unexpected file %s in the corpus\n", de->d_name);
            orphans++;
        } else if (!exists(path)) {
            print_error("%s has no .yaml\n", de->d_name);
            orphans++;
        }
    }
    closedir(dir);
    assert_int_equal(orphans, 0);
}

/* ------------------------------------------------------------ generators */

#define HDR "scenario: { name: cap, horizon_days: 1 }\n"
#define AB "nodes: { a: {}, b: { kind: city } }\n" \
           "segments: [ { from: a, to: b, km: 1, speed_kmh: 1 } ]\n"

/* Each generator writes a valid scenario with `n` of the capped thing. */

static void gen_commodities(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "  c%ld: {}\n", i);
}

static void gen_nodes(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR "commodities: { c: {} }\n"
              "segments: [ { from: n0, to: n1, km: 1, speed_kmh: 1 } ]\nnodes:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "  n%ld: {}\n", i);
}

/* Segment k joins node i to node (i + k / 1000 + 1) mod 1000: every pair
 * distinct for up to 4,990 segments, within the node cap. */
static void gen_segments(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR "commodities: { c: {} }\nnodes:\n");
    for (int i = 0; i < COR_MAX_NODES; i++)
        tu_sb_add(b, "  n%d: {}\n", i);
    tu_sb_add(b, "segments:\n");
    for (long k = 0; k < n; k++)
        tu_sb_add(b, "  - { from: n%ld, to: n%ld, km: 1, speed_kmh: 1 }\n", k % 1000,
               (k % 1000 + k / 1000 + 1) % 1000);
}

static void gen_flows(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\ncities: { b: { c: { capacity: 1 } } }\n"
                     "flows:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "  - { id: f%ld, commodity: c, route: [a, b], trucks: 1, payload: 1,"
                  " every_hours: 100 }\n", i);
}

/* One flow whose route visits n nodes of a chain. */
static void gen_route(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR "commodities: { c: {} }\nnodes:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "  n%ld: {}\n", i);
    tu_sb_add(b, "segments:\n");
    for (long i = 0; i + 1 < n; i++)
        tu_sb_add(b, "  - { from: n%ld, to: n%ld, km: 1, speed_kmh: 1 }\n", i, i + 1);
    tu_sb_add(b, "cities: { n%ld: { c: { capacity: 1 } } }\nflows:\n"
              "  - { id: f, commodity: c, trucks: 1, payload: 1, every_hours: 1,\n"
              "      route: [", n - 1);
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "%sn%ld", i ? ", " : "", i);
    tu_sb_add(b, "] }\n");
}

static void gen_escorts(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\nescorts:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "  e%ld: { units: 1, from: a, to: b }\n", i);
}

static void gen_phases(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\nthreats:\n  phases:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "    - { from_day: %ld, hazard_factor: 1 }\n", i);
}

static void gen_closures(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\nthreats:\n  closures:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "    - { segment: a-b, from_day: %ld, to_day: %ld }\n", i, i + 1);
}

static void gen_seasons(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\nthreats:\n  seasons:\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "    - { from_day: %ld, to_day: %ld }\n", i, i + 1);
}

/* n city x commodity stocks: cities of 32 commodities each, the last one
 * partly filled. */
static void gen_stocks(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR "commodities:\n");
    for (int c = 0; c < COR_MAX_COMMODITIES; c++)
        tu_sb_add(b, "  c%d: {}\n", c);
    long ncities = (n + COR_MAX_COMMODITIES - 1) / COR_MAX_COMMODITIES;
    tu_sb_add(b, "nodes:\n");
    for (long i = 0; i <= ncities; i++)
        tu_sb_add(b, "  n%ld: {}\n", i);
    tu_sb_add(b, "segments: [ { from: n0, to: n1, km: 1, speed_kmh: 1 } ]\ncities:\n");
    for (long i = 0, k = 0; i < ncities; i++) {
        tu_sb_add(b, "  n%ld:\n", i + 1);
        for (int c = 0; c < COR_MAX_COMMODITIES && k < n; c++, k++)
            tu_sb_add(b, "    c%d: { capacity: 1 }\n", c);
    }
}

static void gen_horizon(struct tu_sb *b, long n)
{
    tu_sb_add(b, "scenario: { name: cap, horizon_days: %ld }\ncommodities: { c: {} }\n" AB, n);
}

static void gen_replications(struct tu_sb *b, long n)
{
    tu_sb_add(b, "scenario: { name: cap, horizon_days: 1, replications: %ld }\n"
              "commodities: { c: {} }\n" AB, n);
}

static void gen_scalar(struct tu_sb *b, long n)
{
    tu_sb_add(b, "scenario:\n  name: cap\n  horizon_days: 1\n  description: ");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "d");
    tu_sb_add(b, "\ncommodities: { c: {} }\n" AB);
}

/* n levels of nesting: the top mapping and `scenario` are two, the rest are
 * sequences in the description. No valid file nests that deep, so "at the
 * cap" means the only complaint is the description's type. */
static void gen_depth(struct tu_sb *b, long n)
{
    tu_sb_add(b, "scenario:\n  name: cap\n  horizon_days: 1\n  description: ");
    for (long i = 2; i < n; i++)
        tu_sb_add(b, "[");
    for (long i = 2; i < n; i++)
        tu_sb_add(b, "]");
    tu_sb_add(b, "\ncommodities: { c: {} }\n" AB);
}

/* Exactly n YAML nodes (every key, value and collection counts one): a
 * chain of 256 nodes, flows along all of it for bulk, then spare nodes
 * (2 YAML nodes each) and at most one phase (5, plus 4 for `threats:
 * phases:`) to land on n. The counts are in the comments; if they were
 * wrong, the test at the cap or past it would fail. */
static void gen_yaml_nodes(struct tu_sb *b, long n)
{
    const long R = COR_MAX_ROUTE;
    /* root 1; scenario: 1 + map 1 + 2 pairs 4 = 6; commodities: 4;
     * nodes: 2 + 2 per node + 2 for the city's kind; segments: 2 + 9 each;
     * cities: 8; flows: 2 + (13 + R) each. */
    long base = 1 + 6 + 4 + (2 + 2 * R + 2) + (2 + 9 * (R - 1)) + 8 + 2;
    long per_flow = 13 + R;
    long flows = (n - base - 9) / per_flow;
    long rest = n - base - flows * per_flow;
    long phases = rest % 2 ? 1 : 0; /* 4 + 5 is odd: fixes the parity */
    long spare = (rest - (phases ? 9 : 0)) / 2;
    assert_true(flows <= COR_MAX_FLOWS && spare >= 0 && R + spare <= COR_MAX_NODES);

    tu_sb_add(b, "scenario: { name: cap, horizon_days: 1 }\ncommodities: { c: {} }\nnodes:\n");
    for (long i = 0; i < R; i++)
        tu_sb_add(b, i + 1 < R ? "  n%ld: {}\n" : "  n%ld: { kind: city }\n", i);
    for (long i = 0; i < spare; i++)
        tu_sb_add(b, "  z%ld: {}\n", i);
    tu_sb_add(b, "segments:\n");
    for (long i = 0; i + 1 < R; i++)
        tu_sb_add(b, "  - { from: n%ld, to: n%ld, km: 1, speed_kmh: 1 }\n", i, i + 1);
    tu_sb_add(b, "cities: { n%ld: { c: { capacity: 1 } } }\nflows:\n", R - 1);
    for (long f = 0; f < flows; f++) {
        tu_sb_add(b, "  - { id: f%ld, commodity: c, trucks: 1, payload: 1, every_hours: 100,"
                  " route: [", f);
        for (long i = 0; i < R; i++)
            tu_sb_add(b, "%sn%ld", i ? "," : "", i);
        tu_sb_add(b, "] }\n");
    }
    if (phases)
        tu_sb_add(b, "threats:\n  phases:\n    - { from_day: 0, hazard_factor: 1 }\n");
}

/* One flow with n alternates, each by its own middle node. */
static void gen_alternates(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR "commodities: { c: {} }\nnodes:\n  a: {}\n  b: { kind: city }\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "  m%ld: {}\n", i);
    tu_sb_add(b, "segments:\n  - { from: a, to: b, km: 1, speed_kmh: 1 }\n");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "  - { from: a, to: m%ld, km: 1, speed_kmh: 1 }\n"
                  "  - { from: m%ld, to: b, km: 1, speed_kmh: 1 }\n", i, i);
    tu_sb_add(b, "cities: { b: { c: { capacity: 1 } } }\nflows:\n"
              "  - { id: f, commodity: c, route: [a, b], trucks: 1, payload: 1,"
              " every_hours: 1,\n      alternates: [");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "%s[a, m%ld, b]", i ? ", " : "", i);
    tu_sb_add(b, "] }\n");
}

/* The sanity bounds on counts: trucks per convoy, escort units, fleet. */
static void gen_trucks(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\ncities: { b: { c: { capacity: 1 } } }\n"
                     "flows:\n  - { id: f, commodity: c, route: [a, b], trucks: %ld,"
                     " payload: 1, every_hours: 1 }\n", n);
}

static void gen_units(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\nescorts: { e: { units: %ld, from: a, to: b } }\n",
           n);
}

static void gen_fleet(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR AB "commodities: { c: {} }\ncities: { b: { c: { capacity: 1 } } }\n"
                     "flows:\n  - { id: f, commodity: c, route: [a, b], trucks: 1,"
                     " payload: 1, every_hours: 1, fleet: %ld }\n", n);
}

/* An id of n bytes. */
static void gen_id_length(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR "commodities: { c: {} }\nnodes: { a: {}, ");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "x");
    tu_sb_add(b, ": {} }\nsegments: [ { from: a, to: ");
    for (long i = 0; i < n; i++)
        tu_sb_add(b, "x");
    tu_sb_add(b, ", km: 1, speed_kmh: 1 } ]\n");
}

/* A valid file of exactly n bytes: a small scenario, then comment lines. */
static void gen_file_size(struct tu_sb *b, long n)
{
    tu_sb_add(b, HDR "commodities: { c: {} }\n" AB);
    while ((long)b->o + 81 <= n)
        tu_sb_add(b, "# %77s\n", "padding to the file-size cap");
    tu_sb_add(b, "#");
    while ((long)b->o + 1 < n)
        tu_sb_add(b, "-");
    tu_sb_add(b, "\n");
    assert_int_equal((long)b->o, n);
}

struct cap_case {
    const char *name;
    void (*gen)(struct tu_sb *, long);
    long cap;
    const char *over; /* the message for cap + 1 */
};

static const struct cap_case caps[] = {
    {"commodities", gen_commodities, COR_MAX_COMMODITIES, "too many commodities (cap 32)"},
    {"nodes", gen_nodes, COR_MAX_NODES, "too many nodes (cap 1000)"},
    {"segments", gen_segments, COR_MAX_SEGMENTS, "too many segments (cap 4000)"},
    {"flows", gen_flows, COR_MAX_FLOWS, "too many flows (cap 1000)"},
    {"route", gen_route, COR_MAX_ROUTE, "'route' is too long (cap 256 nodes)"},
    {"escorts", gen_escorts, COR_MAX_ESCORTS, "too many escorts (cap 256)"},
    {"phases", gen_phases, COR_MAX_PHASES, "too many phases (cap 1000)"},
    {"closures", gen_closures, COR_MAX_CLOSURES, "too many closures (cap 1000)"},
    {"seasons", gen_seasons, COR_MAX_SEASONS, "too many seasons (cap 100)"},
    {"stocks", gen_stocks, COR_MAX_STOCKS,
     "too many city stocks (cap 256 city-commodity pairs)"},
    {"alternates", gen_alternates, COR_MAX_ALTERNATES, "too many alternates (cap 16)"},
    {"trucks", gen_trucks, 1000000, "'trucks' must be <= 1000000 (got 1000001)"},
    {"units", gen_units, 10000, "'units' must be <= 10000 (got 10001)"},
    {"fleet", gen_fleet, 1000000000, "'fleet' must be <= 1000000000 (got 1000000001)"},
    /* The message shows the first 79 bytes of a long value. */
    {"id-length", gen_id_length, 128, "a node id must be 1 to 128 bytes of letters, digits, "
     "'-', '_' or non-ASCII characters (got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\")"},
    {"horizon", gen_horizon, COR_MAX_HORIZON_DAYS,
     "'horizon_days' must be <= 3660 (got 3661)"},
    {"replications", gen_replications, COR_MAX_REPLICATIONS,
     "'replications' must be <= 10000000 (got 10000001)"},
    {"scalar", gen_scalar, COR_MAX_SCALAR_BYTES, "scalar is too long (cap 4096 bytes)"},
    {"depth", gen_depth, COR_MAX_DEPTH, "nesting is too deep (cap 24 levels)"},
    {"yaml-nodes", gen_yaml_nodes, COR_MAX_YAML_NODES, "too many YAML nodes (cap 200000)"},
    {"file-size", gen_file_size, COR_MAX_FILE_BYTES, "file is too large (cap 4194304 bytes)"},
};

/* Writes `b` to tmpdir/NAME and empties it; returns NAME. */
static const char *save(struct tu_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *save(struct tu_sb *b, const char *fmt, ...)
{
    static char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    tu_write_file(path, b->t, b->o);
    free(b->t);
    memset(b, 0, sizeof *b);
    return name;
}

/* True if err is the single line `FILE[:LINE:COL]: error: MESSAGE\n`. */
static bool one_error(const char *err, const char *file, const char *message)
{
    size_t fl = strlen(file), ml = strlen(message), el = strlen(err);
    if (el < fl + ml + 10 || strncmp(err, file, fl) != 0 || err[fl] != ':')
        return false;
    if (strchr(err, '\n') != err + el - 1)
        return false;
    const char *tail = err + el - 1 - ml;
    return !strncmp(tail, message, ml) && !strncmp(tail - 9, ": error: ", 9);
}

static void test_corpus_caps_at_and_over(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        const struct cap_case *c = &caps[i];
        struct tu_sb b = {0};
        c->gen(&b, c->cap);
        const char *at = save(&b, "%s-at-cap.yaml", c->name);
        char at_name[256];
        snprintf(at_name, sizeof at_name, "%s", at);
        struct tu_outcome o = run_in(tmpdir, "validate", at_name, NULL);
        bool ok;
        if (c->gen == gen_depth) /* no valid file nests that deep: see gen_depth */
            ok = o.status == 2 &&
                 one_error(o.err, at_name, "'description' must be a string (got a sequence)");
        else
            ok = o.status == 0 && !strcmp(o.err, "") && !strncmp(o.out, at_name, strlen(at_name));
        if (!ok) {
            print_error("%s at the cap (%ld): exit %d\n%s%s", c->name, c->cap, o.status,
                        o.out, o.err);
            failures++;
        }
        tu_outcome_free(&o);

        c->gen(&b, c->cap + 1);
        const char *over = save(&b, "%s-over-cap.yaml", c->name);
        char over_name[256];
        snprintf(over_name, sizeof over_name, "%s", over);
        o = run_in(tmpdir, "validate", over_name, NULL);
        if (o.status != 2 || strcmp(o.out, "") || !one_error(o.err, over_name, c->over)) {
            print_error("%s past the cap (%ld): exit %d, expected the one error '%s'\n%s%s",
                        c->name, c->cap + 1, o.status, c->over, o.out, o.err);
            failures++;
        }
        tu_outcome_free(&o);
    }
    assert_int_equal(failures, 0);
}

/* 256 overrides are taken, 257 refused before anything is loaded. */
static void test_corpus_override_cap(void **state)
{
    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        int nsets = COR_MAX_OVERRIDES + extra;
        char **argv = calloc((size_t)(2 * nsets + 10), sizeof *argv);
        int a = 1;
        argv[a++] = strdup("run");
        for (int i = 0; i < nsets; i++) {
            argv[a++] = strdup("--set");
            argv[a++] = strdup("scenario.seed=7");
        }
        const char *tail[] = {"--reps", "1", "--days", "1", "--quiet", "--format", "csv"};
        for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
            argv[a++] = strdup(tail[i]);
        struct tu_outcome o = run_argv(tmpdir, argv);
        if (!extra) {
            assert_int_equal(o.status, 0);
            assert_string_equal(o.err, "");
        } else {
            assert_int_equal(o.status, 2);
            assert_string_equal(o.out, "");
            assert_non_null(strstr(o.err, "too many --set options (cap 256)"));
        }
        tu_outcome_free(&o);
        for (int i = 1; i < a; i++)
            free(argv[i]);
        free(argv);
    }
}

/* One flow on one leg, a departure every 2^-k hours (exact in binary, so
 * the estimate is an exact integer): D + 2 * (24 * D * 2^k + 1) events. */
static const char *gen_work(int days, int k, long reps)
{
    struct tu_sb b = {0};
    tu_sb_add(&b, "scenario: { name: work, horizon_days: %d, replications: %ld }\n"
               "commodities: { c: {} }\n" AB "cities: { b: { c: { capacity: 1 } } }\n"
               "flows:\n  - { id: f, commodity: c, route: [a, b], trucks: 1, payload: 1,"
               " every_hours: %.17g }\n", days, reps, ldexp(1.0, -k));
    return save(&b, "work-%d-%d-%ld.yaml", days, k, reps);
}

static double work_events(int days, int k)
{
    return days + 2.0 * (24.0 * days * ldexp(1.0, k) + 1.0);
}

static void expect_work(const char *file, bool ok, const char *message)
{
    char name[256];
    snprintf(name, sizeof name, "%s", file);
    struct tu_outcome o = run_in(tmpdir, "validate", name, NULL);
    if (ok) {
        if (o.status != 0)
            fail_msg("%s: exit %d: %s", name, o.status, o.err);
    } else {
        char want[600];
        snprintf(want, sizeof want, "%s: error: %s\n", name, message);
        assert_int_equal(o.status, 2);
        assert_string_equal(o.out, "");
        assert_string_equal(o.err, want);
    }
    tu_outcome_free(&o);
}

/* The events-per-replication cap and the whole-run cap, at and past each;
 * the estimate matches the formula in work.h exactly here. */
static void test_corpus_work_caps(void **state)
{
    (void)state;
    /* 2^11 departures an hour: 98,305 events a day plus 2. */
    const int k = 11;
    int days = (int)((COR_MAX_EVENTS_PER_REP - 2) / (1 + 48 * 2048));
    assert_true(work_events(days, k) <= (double)COR_MAX_EVENTS_PER_REP);
    assert_true(work_events(days + 1, k) > (double)COR_MAX_EVENTS_PER_REP);
    expect_work(gen_work(days, k, 1), true, NULL);
    char msg[400];
    snprintf(msg, sizeof msg,
             "the scenario asks for too much work: about %.0f events per replication "
             "over %d days (cap 200000000); make departures or random closures less "
             "frequent, or the horizon shorter", work_events(days + 1, k), days + 1);
    expect_work(gen_work(days + 1, k, 1), false, msg);

    /* The same file at its own horizon passes validate, but `run --days`
     * past the cap is refused before anything runs or is written. */
    char file[256], out[400];
    snprintf(file, sizeof file, "%s", gen_work(days, k, 1));
    snprintf(out, sizeof out, "%s/work-out", tmpdir);
    char d1[32];
    snprintf(d1, sizeof d1, "%d", days + 1);
    struct tu_outcome o = run_in(tmpdir, "run", file, "--days", d1, "--out", out, NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_non_null(strstr(o.err, "too much work"));
    assert_false(exists(out));
    tu_outcome_free(&o);

    /* One day at 2^9 departures an hour: 24,579 events a replication. */
    const int k2 = 9;
    double per = work_events(1, k2);
    long reps = (long)(COR_MAX_EVENTS_TOTAL / per);
    assert_true(reps < COR_MAX_REPLICATIONS);
    expect_work(gen_work(1, k2, reps), true, NULL);
    snprintf(msg, sizeof msg,
             "the run asks for too much work: about %.0f events per replication x %ld "
             "replications = about %.0f events (cap 200000000000, hours of CPU time); "
             "use fewer replications", per, reps + 1, per * (double)(reps + 1));
    expect_work(gen_work(1, k2, reps + 1), false, msg);
}

/* The case that used to look like a hang: a departure every second for ten
 * years is refused at once, by run as well as by validate. */
static void test_corpus_absurd_work_refused_fast(void **state)
{
    (void)state;
    struct tu_sb b = {0};
    tu_sb_add(&b, "scenario: { name: absurd, horizon_days: 3650 }\n"
               "commodities: { c: {} }\n" AB "cities: { b: { c: { capacity: 1 } } }\n"
               "flows:\n  - { id: f, commodity: c, route: [a, b], trucks: 1, payload: 1,"
               " every_hours: 0.000277 }\n");
    char name[256], out[400];
    snprintf(name, sizeof name, "%s", save(&b, "absurd.yaml"));
    snprintf(out, sizeof out, "%s/absurd-out", tmpdir);
    struct tu_outcome o = run_in(tmpdir, "run", name, "--out", out, NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_non_null(strstr(o.err, "absurd.yaml: error: the scenario asks for too much work"));
    assert_false(exists(out));
    assert_true(o.seconds < tu_time_bound(5.0)); /* in practice milliseconds */
    tu_outcome_free(&o);

    /* The default scenario with every replication the cap allows, over the
     * longest horizon: hours of work, refused. */
    o = run_in(tmpdir, "run", "--reps", "10000000", "--days", "3660", "--quiet", NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "the run asks for too much work"));
    tu_outcome_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_bad_files_refused_exactly),
        cmocka_unit_test(test_corpus_no_orphan_files),
        cmocka_unit_test(test_corpus_caps_at_and_over),
        cmocka_unit_test(test_corpus_override_cap),
        cmocka_unit_test(test_corpus_work_caps),
        cmocka_unit_test(test_corpus_absurd_work_refused_fast),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
