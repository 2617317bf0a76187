/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line, end to end: the real binary, its exit statuses, its
 * outputs, and their reproducibility across thread counts and seeds. */
#include "tu_spawn.h"

#include <sys/stat.h>

#include <jansson.h>

static char tmpdir[256];

/* Runs the binary with a NULL-terminated argument list, capturing its
 * output in the test's directory. */
static struct tu_outcome run(const char *first, ...)
{
    struct tu_spawn o = {.dir = tmpdir};
    va_list ap;
    va_start(ap, first);
    struct tu_outcome r = tu_vspawn(&o, first, ap);
    va_end(ap);
    return r;
}

static int setup(void **state)
{
    (void)state;
    return tu_tmpdir(tmpdir, sizeof tmpdir, "cli");
}

static int teardown(void **state)
{
    (void)state;
    return tu_rmtree(tmpdir);
}

static void test_cli_help_and_version(void **state)
{
    (void)state;
    struct tu_outcome o = run("--version", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "corridor 0."));
    tu_outcome_free(&o);
    o = run("--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "usage: corridor"));
    tu_outcome_free(&o);
    o = run("run", "--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "--threads"));
    tu_outcome_free(&o);
    o = run("validate", "--help", NULL);
    assert_int_equal(o.status, 0);
    tu_outcome_free(&o);
}

static void test_cli_bad_usage_exits_2(void **state)
{
    (void)state;
    const char *cases[][3] = {
        {"frobnicate", NULL, NULL},
        {"run", "--reps", "0"},
        {"run", "--reps", "12x"},
        {"run", "--threads", "-1"},
        {"run", "--format", "xml"},
        {"run", "--bogus", NULL},
        {"run", "--seed", NULL},
        {"validate", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tu_outcome o = run(cases[i][0], cases[i][1], cases[i][2], NULL);
        if (o.status != 2)
            fail_msg("case %zu (%s %s) exited %d", i, cases[i][0],
                     cases[i][1] ? cases[i][1] : "", o.status);
        assert_non_null(strstr(o.err, "error"));
        assert_string_equal(o.out, "");
        tu_outcome_free(&o);
    }
    struct tu_outcome o = run(NULL);
    assert_int_equal(o.status, 2);
    tu_outcome_free(&o);
}

static void test_cli_default_run_json(void **state)
{
    (void)state;
    struct tu_outcome o = run("run", "--reps", "20", "--format", "json", "--quiet", NULL);
    assert_int_equal(o.status, 0);
    json_error_t jerr;
    json_t *j = json_loads(o.out, 0, &jerr);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "scenario")),
                        "rn1-2025-blockade");
    assert_int_equal(json_integer_value(json_object_get(j, "replications")), 20);
    json_t *cities = json_object_get(j, "cities");
    assert_true(json_array_size(cities) > 0);
    json_t *c0 = json_array_get(cities, 0);
    assert_non_null(json_object_get(c0, "p_shortage"));
    assert_non_null(json_object_get(json_object_get(c0, "shortage_days"), "ci95"));
    assert_string_equal(o.err, ""); /* --quiet */
    json_decref(j);
    tu_outcome_free(&o);
}

static void test_cli_table_default(void **state)
{
    (void)state;
    struct tu_outcome o = run("run", "--reps", "10", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "bamako"));
    assert_non_null(strstr(o.err, "replications in"));
    tu_outcome_free(&o);
}

/* Byte-identical files for 1, 2, 3 and 32 threads (more threads than
 * cores, and than replications), plots included; another seed changes the
 * numbers. */
static void test_cli_threads_and_seed_reproducible(void **state)
{
    (void)state;
    const char *files[] = {"summary.json", "timeline.csv", "events.csv", "shortage.svg",
                           "fan-bamako-fuel.svg"};
    const int nfiles = (int)(sizeof files / sizeof *files);
    struct tu_outcome a = run("run", "--reps", "24", "--seed", "9", "--threads", "1",
                           "--quiet", "--out", tu_in(tmpdir, "t1"), NULL);
    struct tu_outcome b = run("run", "--reps", "24", "--seed", "9", "--threads", "2",
                           "--quiet", "--out", tu_in(tmpdir, "t2"), NULL);
    struct tu_outcome c = run("run", "--reps", "24", "--seed", "10", "--threads", "2",
                           "--quiet", "--out", tu_in(tmpdir, "t3"), NULL);
    struct tu_outcome d = run("run", "--reps", "24", "--seed", "9", "--threads", "3",
                           "--quiet", "--out", tu_in(tmpdir, "t4"), NULL);
    struct tu_outcome e = run("run", "--reps", "24", "--seed", "9", "--threads", "32",
                           "--quiet", "--out", tu_in(tmpdir, "t5"), NULL);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_int_equal(c.status, 0);
    assert_int_equal(d.status, 0);
    assert_int_equal(e.status, 0);
    for (int i = 0; i < nfiles; i++) {
        char p1[400], p2[400], p3[400], p4[400], p5[400];
        snprintf(p1, sizeof p1, "%s/t1/%s", tmpdir, files[i]);
        snprintf(p2, sizeof p2, "%s/t2/%s", tmpdir, files[i]);
        snprintf(p3, sizeof p3, "%s/t3/%s", tmpdir, files[i]);
        snprintf(p4, sizeof p4, "%s/t4/%s", tmpdir, files[i]);
        snprintf(p5, sizeof p5, "%s/t5/%s", tmpdir, files[i]);
        char *x = tu_slurp(p1), *y = tu_slurp(p2), *z = tu_slurp(p3);
        char *y3 = tu_slurp(p4), *y32 = tu_slurp(p5);
        assert_non_null(x);
        assert_non_null(y);
        assert_non_null(z);
        assert_non_null(y3);
        assert_non_null(y32);
        assert_string_equal(x, y);
        assert_string_equal(x, y3);
        assert_string_equal(x, y32);
        free(y3);
        free(y32);
        /* The summary and the plots print their seed, so they differ
         * whatever the numbers; the CSVs show that the numbers changed. */
        if (i == 1 || i == 2)
            assert_string_not_equal(x, z);
        free(x);
        free(y);
        free(z);
    }
    tu_outcome_free(&a);
    tu_outcome_free(&b);
    tu_outcome_free(&c);
    tu_outcome_free(&d);
    tu_outcome_free(&e);
}

/* A bad scenario: exit 2, compiler-style message, nothing written. */
static void test_cli_bad_scenario_no_output(void **state)
{
    (void)state;
    const char *bad = tu_in(tmpdir, "bad.yaml");
    static const char y[] = "scenario: { name: x, horizon_days: 10 }\n"
                            "commodities: { fuel: {} }\n"
                            "nodes: { a: { kind: city } }\n"
                            "segments: []\n"
                            "cities: { a: { fuel: { stock: 5, capacity: -3 } } }\n";
    tu_write_file(bad, y, sizeof y - 1);
    const char *out = tu_in(tmpdir, "never");
    struct tu_outcome o = run("run", bad, "--out", out, NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    char want[400];
    snprintf(want, sizeof want, "%s:5:", bad);
    assert_non_null(strstr(o.err, want));
    assert_non_null(strstr(o.err, "error:"));
    assert_non_null(strstr(o.err, "capacity"));
    struct stat st;
    assert_int_not_equal(stat(out, &st), 0);
    tu_outcome_free(&o);

    o = run("validate", bad, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, want));
    tu_outcome_free(&o);

    o = run("run", tu_in(tmpdir, "does-not-exist.yaml"), NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "does-not-exist.yaml"));
    tu_outcome_free(&o);
}

static void test_cli_validate_shipped_scenarios(void **state)
{
    (void)state;
    struct tu_outcome o = run("validate", COR_SOURCE_DIR "/scenarios/rn1-2025-blockade.yaml", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, ": ok"));
    tu_outcome_free(&o);
}

static void test_cli_set_overrides(void **state)
{
    (void)state;
    struct tu_outcome o = run("run", "--reps", "5", "--quiet", "--set", "flowz.x=1", NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "--set:1:"));
    assert_non_null(strstr(o.err, "flows"));  /* did you mean */
    tu_outcome_free(&o);
    o = run("run", "--reps", "5", "--quiet", "--set", "cities.bamako.fuel.stock=-5", NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "--set:1:"));
    tu_outcome_free(&o);

    /* A valid override changes the answer and is recorded. */
    struct tu_outcome a = run("run", "--reps", "5", "--quiet", "--format", "json",
                           "--set", "cities.bamako.fuel.stock=0", NULL);
    assert_int_equal(a.status, 0);
    assert_non_null(strstr(a.out, "cities.bamako.fuel.stock=0"));
    json_error_t jerr;
    json_t *j = json_loads(a.out, 0, &jerr);
    assert_non_null(j);
    json_t *cities = json_object_get(j, "cities");
    bool found = false;
    for (size_t i = 0; i < json_array_size(cities); i++) {
        json_t *c = json_array_get(cities, i);
        if (!strcmp(json_string_value(json_object_get(c, "city")), "bamako") &&
            !strcmp(json_string_value(json_object_get(c, "commodity")), "fuel")) {
            /* With no stock, Bamako is short of fuel on day 0. */
            assert_true(json_real_value(json_object_get(c, "p_shortage")) == 1.0 ||
                        json_integer_value(json_object_get(c, "p_shortage")) == 1);
            found = true;
        }
    }
    assert_true(found);
    json_decref(j);
    tu_outcome_free(&a);
}

/* Runs every `--set` example on a line of `text` that shows a `corridor run`
 * command, with the shipped scenario the line names (else the embedded
 * default), briefly; each must succeed. Lines naming another file are
 * templates, not examples. Returns how many ran. */
static int run_set_examples(const char *text, const char *where)
{
    int ran = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[1024];
        assert_true(len < sizeof buf);
        memcpy(buf, line, len);
        buf[len] = '\0';
        line += len + (end != NULL);
        if (!strstr(buf, "corridor run"))
            continue;
        const char *words[64], *scenario = NULL;
        int n = 0;
        char *save = NULL;
        for (char *w = strtok_r(buf, " \t`", &save); w && n < 64; w = strtok_r(NULL, " \t`", &save))
            words[n++] = w;
        bool other_file = false; /* a template over a file not shipped */
        for (int i = 0; i < n; i++) {
            if (!strstr(words[i], ".yaml"))
                continue;
            if (!strncmp(words[i], "scenarios/", 10))
                scenario = words[i];
            else
                other_file = true;
        }
        if (other_file)
            continue;
        for (int i = 0; i + 1 < n; i++) {
            if (strcmp(words[i], "--set") || !strchr(words[i + 1], '=') ||
                !strcmp(words[i + 1], "PATH=VALUE"))
                continue;
            struct tu_spawn sp = {.dir = tmpdir, .cwd = COR_SOURCE_DIR};
            const char *args[] = {"run", "--set", words[i + 1], "--reps", "2", "--days", "20",
                                  "--quiet", "--format", "csv", scenario, NULL};
            struct tu_outcome o = tu_spawn_argv(&sp, args);
            if (o.status != 0)
                fail_msg("%s: 'corridor run %s --set %s' exited %d: %s", where,
                         scenario ? scenario : "", words[i + 1], o.status, o.err);
            tu_outcome_free(&o);
            ran++;
        }
    }
    return ran;
}

/* The --set examples of the README, the docs, the shipped scenarios'
 * comments and `corridor run --help` run as shown: they name ids that exist
 * in the scenario they run on. */
static void test_cli_documented_set_examples(void **state)
{
    (void)state;
    int ran = 0;
    const char *dirs[] = {COR_SOURCE_DIR, COR_SOURCE_DIR "/docs", COR_SOURCE_DIR "/scenarios"};
    for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
        DIR *dir = opendir(dirs[d]);
        assert_non_null(dir);
        struct dirent *de;
        while ((de = readdir(dir))) {
            size_t len = strlen(de->d_name);
            bool md = len > 3 && !strcmp(de->d_name + len - 3, ".md");
            bool yaml = len > 5 && !strcmp(de->d_name + len - 5, ".yaml");
            if (!(d == 0 ? !strcmp(de->d_name, "README.md") : md || yaml))
                continue;
            char *path = tu_join(dirs[d], de->d_name);
            char *text = tu_slurp(path);
            assert_non_null(text);
            ran += run_set_examples(text, path);
            free(text);
            free(path);
        }
        closedir(dir);
    }
    struct tu_outcome help = run("run", "--help", NULL);
    assert_int_equal(help.status, 0);
    /* The help shows the option, not a command: make it one. */
    const char *eg = strstr(help.out, "--set flows.");
    assert_non_null(eg);
    char line[256];
    snprintf(line, sizeof line, "corridor run %.*s", 6 + (int)strcspn(eg + 6, " \n"), eg);
    ran += run_set_examples(line, "corridor run --help");
    tu_outcome_free(&help);
    /* README 1, cli.md 6, depletion-bamako.yaml 3, the help 1. */
    assert_true(ran >= 11);
}

/* --start-date dates the outputs, and is checked like the scenario key. */
static void test_cli_start_date(void **state)
{
    (void)state;
    struct tu_outcome o = run("run", "--reps", "2", "--days", "3", "--quiet", "--format", "json",
                           "--start-date", "2024-02-28", "--out", tu_in(tmpdir, "sd"), NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\"start_date\": \"2024-02-28\""));
    char p[400];
    snprintf(p, sizeof p, "%s/sd/timeline.csv", tmpdir);
    char *t = tu_slurp(p);
    assert_non_null(t);
    assert_non_null(strstr(t, "\n2,2024-03-01,")); /* a leap year */
    free(t);
    tu_outcome_free(&o);
    o = run("run", "--reps", "2", "--quiet", "--start-date", "2025-02-29", NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "start_date"));
    tu_outcome_free(&o);
    /* As YAML these would unset the date; the option wants one. */
    const char *nulls[] = {"", "~", "null", "NULL", " ", "\t", " null "};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++) {
        o = run("run", "--reps", "2", "--quiet", "--start-date", nulls[i], NULL);
        assert_int_equal(o.status, 2);
        assert_string_equal(o.out, "");
        assert_non_null(strstr(o.err, "--start-date needs a date"));
        tu_outcome_free(&o);
    }
    /* Outputs print four-digit years: the run's last day (the final
     * horizon, --days included) must be 9999-12-31 or earlier, in `run`
     * and, for the file's own horizon, in `validate`. */
    o = run("run", "--reps", "2", "--quiet", "--format", "csv", "--start-date", "9999-12-01",
            "--days", "31", NULL);
    assert_int_equal(o.status, 0);
    tu_outcome_free(&o);
    o = run("run", "--reps", "2", "--quiet", "--start-date", "9999-12-01", "--days", "32", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_non_null(
        strstr(o.err, "the dates run past 9999-12-31: start date 9999-12-01 + 32 days"));
    tu_outcome_free(&o);
    const char *late = tu_in(tmpdir, "late.yaml");
    static const char y[] = "scenario: { name: late, horizon_days: 32, start_date: 9999-12-01 }\n"
                            "commodities: { fuel: {} }\nnodes: { a: {} }\nsegments: []\n";
    tu_write_file(late, y, sizeof y - 1);
    o = run("validate", late, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "the dates run past 9999-12-31"));
    tu_outcome_free(&o);
}

static void test_cli_days_and_csv(void **state)
{
    (void)state;
    struct tu_outcome o = run("run", "--reps", "4", "--days", "30", "--quiet",
                           "--format", "csv", "--out", tu_in(tmpdir, "d30"), NULL);
    assert_int_equal(o.status, 0);
    assert_true(strncmp(o.out, "city,commodity,", 15) == 0);
    char p[400];
    snprintf(p, sizeof p, "%s/d30/timeline.csv", tmpdir);
    char *t = tu_slurp(p);
    assert_non_null(t);
    int lines = 0;
    for (char *c = t; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 30 * 6); /* header + days x stocks */
    free(t);
    tu_outcome_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_help_and_version),
        cmocka_unit_test(test_cli_bad_usage_exits_2),
        cmocka_unit_test(test_cli_default_run_json),
        cmocka_unit_test(test_cli_table_default),
        cmocka_unit_test(test_cli_threads_and_seed_reproducible),
        cmocka_unit_test(test_cli_bad_scenario_no_output),
        cmocka_unit_test(test_cli_validate_shipped_scenarios),
        cmocka_unit_test(test_cli_set_overrides),
        cmocka_unit_test(test_cli_days_and_csv),
        cmocka_unit_test(test_cli_start_date),
        cmocka_unit_test(test_cli_documented_set_examples),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
