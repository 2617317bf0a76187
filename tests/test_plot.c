/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for the plots of `--out DIR`: fan charts and shortage curves.
 *
 * The results are built by hand on a small synthetic scenario (a port, two
 * cities, three stocks, threat phases, a closure on a route), so that the
 * tests depend on the plot module only. What a test can check of a picture
 * is checked: every file is there, is a whole SVG document, carries its
 * title and labels as text, is the same byte for byte whenever it is drawn
 * again (after other plots, from another thread, under another locale),
 * and a file that cannot be written fails the call with a diagnostic. How
 * the charts look is checked by eye (docs/cli.md, "Plots"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "tu_files.h"
#include "tu_locale.h"

#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "plot.h"

/* ---- Fixture --------------------------------------------------------- */

/* The closure's label, with Arabic "the bridge": its alif is U+0627,
 * whose low byte is that of the apostrophe, one of the characters the SVG
 * must keep as references. The plot must still write it as UTF-8. */
#define BRIDGE_LABEL "bridge-out \xD8\xA7\xD9\x84\xD8\xAC\xD8\xB3\xD8\xB1"

/* A scenario of `ncities` cities fed from a port: city 0 (kayes) holds
 * fuel, city 1 (segou, shown as "Ségou") fuel and grain, the others fuel;
 * one flow per stock, the fuel flow to Ségou through kayes. With `rich`,
 * a start date, three threat phases and a scheduled closure of the
 * kayes-segou segment. */
static struct cor_scenario *make_scenario(int ncities, int days, bool rich)
{
    struct cor_scenario *s = cor_calloc(1, sizeof *s);
    s->name = cor_strdup("plot-test");
    s->horizon_days = days;
    s->seed = 7;
    s->replications = 50;
    if (rich) {
        s->has_start_date = true;
        s->start_year = 2024; /* 60 days from 20 Jan: 1 Feb and 1 Mar */
        s->start_month = 1;
        s->start_day = 20;
    }

    s->ncommodities = 2;
    s->commodities = cor_calloc(2, sizeof *s->commodities);
    s->commodities[0].id = cor_strdup("fuel");
    s->commodities[0].unit = cor_strdup("m3");
    s->commodities[1].id = cor_strdup("grain");
    s->commodities[1].unit = cor_strdup("t");

    s->nnodes = ncities + 1;
    s->nodes = cor_calloc((size_t)s->nnodes, sizeof *s->nodes);
    for (int i = 0; i < s->nnodes; i++) {
        char id[32];
        const char *name = NULL;
        snprintf(id, sizeof id, "town%02d", i);
        if (i == 0)
            snprintf(id, sizeof id, "dakar");
        if (i == 1)
            snprintf(id, sizeof id, "kayes");
        if (i == 2) {
            snprintf(id, sizeof id, "segou");
            name = "S\xC3\xA9gou";
        }
        s->nodes[i].id = cor_strdup(id);
        s->nodes[i].name = cor_strdup(name ? name : id);
        s->nodes[i].kind = i == 0 ? COR_NODE_PORT : COR_NODE_CITY;
    }

    /* dakar-kayes, kayes-segou, then dakar-townNN for every other city. */
    s->nsegments = ncities;
    s->segments = cor_calloc((size_t)s->nsegments, sizeof *s->segments);
    for (int i = 0; i < ncities; i++) {
        int a = i == 1 ? 1 : 0, b = i + 1;
        char id[80];
        snprintf(id, sizeof id, "%s-%s", s->nodes[a].id, s->nodes[b].id);
        s->segments[i] = (struct cor_segment){cor_strdup(id), a, b, 100, 40, 0.5};
    }

    s->ncities = ncities;
    s->cities = cor_calloc((size_t)ncities, sizeof *s->cities);
    s->nstocks = ncities + 1;
    s->stocks = cor_calloc((size_t)s->nstocks, sizeof *s->stocks);
    for (int c = 0, k = 0; c < ncities; c++) {
        int n = c == 1 ? 2 : 1;
        s->cities[c] = (struct cor_city){c + 1, k, n};
        for (int j = 0; j < n; j++, k++)
            s->stocks[k] = (struct cor_stock){.city = c, .commodity = j, .stock = 500,
                                              .capacity = 1000, .demand = 50 + 10 * k};
    }
    s->stocks[1].has_ration = true; /* Ségou fuel */
    s->stocks[1].ration_below_days = 3;
    s->stocks[1].ration_factor = 0.9;

    /* One flow per stock along its city's path from the port. */
    s->nflows = s->nstocks;
    s->flows = cor_calloc((size_t)s->nflows, sizeof *s->flows);
    for (int k = 0; k < s->nstocks; k++) {
        struct cor_flow *fl = &s->flows[k];
        int city = s->stocks[k].city;
        fl->id = cor_calloc(1, 32);
        snprintf(fl->id, 32, "flow%d", k);
        fl->commodity = s->stocks[k].commodity;
        fl->stock = k;
        fl->escort = -1;
        fl->nroutes = 1;
        fl->routes = cor_calloc(1, sizeof *fl->routes);
        struct cor_route *rt = fl->routes;
        rt->nnodes = city == 1 ? 3 : 2;
        rt->nodes = cor_calloc((size_t)rt->nnodes, sizeof *rt->nodes);
        rt->legs = cor_calloc((size_t)rt->nnodes - 1, sizeof *rt->legs);
        if (city == 1) {
            rt->nodes[0] = 0, rt->nodes[1] = 1, rt->nodes[2] = 2;
            rt->legs[0] = (struct cor_leg){0, 0, 1, 2.5};
            rt->legs[1] = (struct cor_leg){1, 1, 2, 2.5};
        } else {
            rt->nodes[0] = 0, rt->nodes[1] = city + 1;
            rt->legs[0] = (struct cor_leg){city, 0, city + 1, 2.5};
        }
    }

    if (rich) {
        s->nphases = 3;
        s->phases = cor_calloc(3, sizeof *s->phases);
        s->phases[0] = (struct cor_phase){0, 0.1, cor_strdup("calm")};
        s->phases[1] = (struct cor_phase){12, 1.5, cor_strdup("convoy #3 ambushed")};
        s->phases[2] = (struct cor_phase){40, 0.5, NULL};
        s->nclosures = 2;
        s->closures = cor_calloc(2, sizeof *s->closures);
        /* On Ségou's route: drawn on its fan charts. */
        s->closures[0] = (struct cor_closure){.segment = 1, .from_day = 20, .to_day = 30,
                                              .label = cor_strdup(BRIDGE_LABEL)};
        /* A random one: never drawn, it has no fixed window. */
        s->closures[1] = (struct cor_closure){.segment = 0, .random = true};
    }
    return s;
}


/* Results with a stock that falls, runs dry and recovers, and shortage
 * probabilities that rise: numbers whose printing a locale could change. */
static struct cor_results *make_results(const struct cor_scenario *s, int days)
{
    struct cor_results *r = cor_calloc(1, sizeof *r);
    r->scenario = s;
    r->seed = 7;
    r->replications = 50;
    r->days = days;
    r->stocks = cor_calloc((size_t)s->nstocks, sizeof *r->stocks);
    r->corridor.lost = cor_calloc((size_t)s->ncommodities, sizeof *r->corridor.lost);
    r->timeline = cor_calloc((size_t)days * (size_t)s->nstocks, sizeof *r->timeline);
    for (int d = 0; d < days; d++)
        for (int k = 0; k < s->nstocks; k++) {
            struct cor_day_result *dr = &r->timeline[d * s->nstocks + k];
            double m = 500 * fabs(cos(d / 12.0 + k)) + 0.25;
            dr->stock_mean = m;
            dr->stock_p05 = m * 0.4;
            dr->stock_p50 = m * 0.95;
            dr->stock_p95 = m * 1.6 + 10.5;
            dr->p_short = 0.5 * (1 - cos(d / 9.0 + k)) / (k + 1);
            dr->p_short_by = fmin(1, d / (20.0 * (k + 1)));
        }
    return r;
}

struct fixture {
    struct cor_scenario *s;
    struct cor_results *r;
    char *tmp; /* a fresh directory, removed in teardown */
};

static int setup(void **state)
{
    struct fixture *f = cor_calloc(1, sizeof *f);
    f->s = make_scenario(2, 60, true);
    f->r = make_results(f->s, 60);
    f->tmp = tu_tmpdir_new("plot");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    cor_results_free(f->r);
    cor_scenario_free(f->s);
    tu_rmtree(f->tmp);
    free(f->tmp);
    free(f);
    return 0;
}

/* ---- Helpers --------------------------------------------------------- */

static const char *const FILES[] = {"fan-kayes-fuel.svg", "fan-segou-fuel.svg",
                                    "fan-segou-grain.svg", "shortage.svg"};
#define NFILES (sizeof FILES / sizeof FILES[0])

/* Writes the plots of r into a new directory under tmp; returns its path. */
static char *write_plots(const char *tmp, const char *name, const struct cor_results *r)
{
    char *dir = tu_join(tmp, name);
    struct cor_diag diag;
    cor_diag_init(&diag);
    enum cor_status st = cor_plot_write_dir(dir, r, &diag);
    if (st != COR_OK)
        cor_diag_print(&diag, stderr);
    assert_int_equal(st, COR_OK);
    assert_int_equal(cor_diag_count(&diag), 0);
    cor_diag_fini(&diag);
    return dir;
}

/* A whole SVG document: the XML declaration first, `</svg>` last, every
 * element that is opened closed, and no `&` that starts anything but a
 * character reference or one of XML's five entities. */
static void check_svg(const char *name, const char *doc)
{
    if (strncmp(doc, "<?xml", 5) != 0 && strncmp(doc, "<svg", 4) != 0)
        fail_msg("%s does not start as an SVG document: '%.40s'", name, doc);
    size_t n = strlen(doc);
    while (n > 0 && (doc[n - 1] == '\n' || doc[n - 1] == ' '))
        n--;
    if (n < 6 || strncmp(doc + n - 6, "</svg>", 6) != 0)
        fail_msg("%s does not end with </svg>", name);
    static const char *const elements[] = {"svg", "g", "text", "clipPath", "tspan"};
    for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++) {
        char open[32], close[32];
        snprintf(open, sizeof open, "<%s\n", elements[i]);
        snprintf(close, sizeof close, "</%s>", elements[i]);
        size_t no = 0, nc = 0;
        for (const char *p = doc; (p = strstr(p, open)); p++)
            no++;
        snprintf(open, sizeof open, "<%s ", elements[i]);
        for (const char *p = doc; (p = strstr(p, open)); p++)
            no++;
        snprintf(open, sizeof open, "<%s>", elements[i]);
        for (const char *p = doc; (p = strstr(p, open)); p++)
            no++;
        for (const char *p = doc; (p = strstr(p, close)); p++)
            nc++;
        if (no != nc)
            fail_msg("%s: %zu <%s> opened, %zu closed", name, no, elements[i], nc);
    }
    for (const char *p = doc; (p = strchr(p, '&')); p++)
        if (strncmp(p, "&#x", 3) && strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4) &&
            strncmp(p, "&amp;", 5) && strncmp(p, "&quot;", 6) && strncmp(p, "&apos;", 6))
            fail_msg("%s: a bare '&' near '%.20s'", name, p);
}

static void expect_text(const char *name, const char *doc, const char *text)
{
    if (!strstr(doc, text))
        fail_msg("%s does not contain '%s'", name, text);
}

/* ---- Tests ----------------------------------------------------------- */

/* A fan chart's title, as the SVG holds it (UTF-8). */
#define FAN_TITLE(city, commodity) \
    city " \xE2\x80\x94 " commodity ": stock (median, 5\xE2\x80\x93" "95 %)"

static void test_plot_writes_every_file(void **state)
{
    struct fixture *f = *state;
    char *dir = write_plots(f->tmp, "out", f->r);
    char *names = tu_list_dir(dir);
    assert_string_equal(names, "fan-kayes-fuel.svg fan-segou-fuel.svg "
                               "fan-segou-grain.svg shortage.svg");
    free(names);
    for (size_t i = 0; i < NFILES; i++) {
        char *path = tu_join(dir, FILES[i]);
        char *doc = tu_slurp(path);
        assert_non_null(doc);
        check_svg(FILES[i], doc);
        /* Readable like any file the user creates, not mkstemp's 0600. */
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        mode_t mask = umask(0);
        umask(mask);
        assert_int_equal(sb.st_mode & 0777, 0666 & ~mask);
        /* The subtitle says what was run. */
        expect_text(FILES[i], doc, "plot-test \xC2\xB7 50 replications \xC2\xB7 seed 7");
        /* Dates on the x axis (a start date and four month starts). */
        expect_text(FILES[i], doc, ">Feb 2024<");
        expect_text(FILES[i], doc, ">Mar<");
        /* Phase labels with their factors; '#' printed as written. */
        expect_text(FILES[i], doc, "convoy #3 ambushed \xC3\x97" "1.5");
        expect_text(FILES[i], doc, ">calm \xC3\x97" "0.1<");
        free(doc);
        free(path);
    }
    struct {
        const char *file, *text;
    } const texts[] = {
        {"fan-kayes-fuel.svg", FAN_TITLE("kayes", "fuel")},
        {"fan-kayes-fuel.svg", "stock (m3)"},
        {"fan-kayes-fuel.svg", "1 day of demand (50 m3)"},
        {"fan-segou-fuel.svg", FAN_TITLE("S\xC3\xA9gou", "fuel")},
        {"fan-segou-fuel.svg", "rationing: &#x3c; 3 days (180 m3)"},
        {"fan-segou-fuel.svg", ">closed: " BRIDGE_LABEL "<"},
        {"fan-segou-grain.svg", FAN_TITLE("S\xC3\xA9gou", "grain")},
        {"fan-segou-grain.svg", "stock (t)"},
        {"shortage.svg", "Probability of a shortage, by day"},
        {"shortage.svg", "S\xC3\xA9gou grain: 98 %"},
        {"shortage.svg", "kayes fuel: 100 %"},
        {"shortage.svg", "probability (%)"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char *path = tu_join(dir, texts[i].file);
        char *doc = tu_slurp(path);
        expect_text(texts[i].file, doc, texts[i].text);
        free(doc);
        free(path);
    }
    /* The closure is on Ségou's route only; the random one never shows. */
    char *path = tu_join(dir, "fan-kayes-fuel.svg");
    char *doc = tu_slurp(path);
    assert_null(strstr(doc, "closed:"));
    free(doc);
    free(path);
    free(dir);
}

/* Writes the plots into two directories and checks they match file by
 * file. */
static void expect_same_plots(const char *a, const char *b)
{
    for (size_t i = 0; i < NFILES; i++) {
        char *pa = tu_join(a, FILES[i]), *pb = tu_join(b, FILES[i]);
        char *x = tu_slurp(pa), *y = tu_slurp(pb);
        assert_non_null(x);
        assert_non_null(y);
        if (strcmp(x, y) != 0)
            fail_msg("%s differs from %s", pa, pb);
        free(x);
        free(y);
        free(pa);
        free(pb);
    }
}

static void rename_id(char **id, const char *to)
{
    free(*id);
    *id = cor_strdup(to);
}

/* City p-q with fuel and city p with q-fuel would both be fan-p-q-fuel.svg:
 * those two take the dotted names, the others keep theirs, and three fan
 * charts are written, not two. */
static void test_plot_names_never_collide(void **state)
{
    struct fixture *f = *state;
    rename_id(&f->s->nodes[1].id, "p-q");
    rename_id(&f->s->nodes[2].id, "p");
    rename_id(&f->s->commodities[1].id, "q-fuel");
    char *dir = write_plots(f->tmp, "out", f->r);
    char *names = tu_list_dir(dir);
    assert_string_equal(names, "fan-p-fuel.svg fan-p-q.fuel.svg fan-p.q-fuel.svg shortage.svg");
    free(names);
    free(dir);
}

/* Ids of 128 bytes each make a fan chart name too long for a file: that
 * stock's chart is fan-N.svg (N from 1), the others keep theirs. */
static void test_plot_long_ids_make_short_names(void **state)
{
    struct fixture *f = *state;
    char city[129], commodity[129];
    memset(city, 'c', 128), city[128] = '\0';
    memset(commodity, 'k', 128), commodity[128] = '\0';
    rename_id(&f->s->nodes[1].id, city);
    rename_id(&f->s->commodities[0].id, commodity);
    char *dir = write_plots(f->tmp, "out", f->r);
    char *names = tu_list_dir(dir);
    assert_string_equal(names, "fan-1.svg fan-segou-grain.svg fan-segou-kkkkkkkkkkkkkkkkkkkkkkk"
                               "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                               "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk.svg shortage.svg");
    free(names);
    free(dir);
}

/* Texts far longer than a plot shows: PLplot overflowed its buffer of about
 * 1,024 characters and crashed on a 1,000-character name. Texts are cut to
 * 300 drawn characters with an ellipsis, and never between the two '#' of
 * an escaped '#' (a lone '#' starts a PLplot escape). */
static void test_plot_long_texts_are_cut(void **state)
{
    struct fixture *f = *state;
    char name[4001];
    memset(name, 'N', 4000), name[4000] = '\0';
    rename_id(&f->s->name, name);
    char unit[1101];
    memset(unit, '#', 1100), unit[1100] = '\0';
    rename_id(&f->s->commodities[0].unit, unit);
    char *dir = write_plots(f->tmp, "out", f->r);
    char *path = tu_join(dir, "fan-kayes-fuel.svg");
    char *doc = tu_slurp(path);
    check_svg("fan-kayes-fuel.svg", doc);
    /* The ellipsis in UTF-8 (the driver's reference &#x2026; written back). */
    expect_text("fan-kayes-fuel.svg", doc, "NNNNNNNNNN\xE2\x80\xA6"); /* the subtitle, cut */
    expect_text("fan-kayes-fuel.svg", doc, "####\xE2\x80\xA6");       /* the legend, cut */
    free(doc);
    free(path);
    free(dir);
}

static void test_plot_is_byte_identical(void **state)
{
    struct fixture *f = *state;
    char *a = write_plots(f->tmp, "a", f->r);
    /* Other plots in between must leave nothing behind in PLplot. */
    struct cor_scenario *s2 = make_scenario(14, 3, false);
    struct cor_results *r2 = make_results(s2, 3);
    char *other = write_plots(f->tmp, "other", r2);
    cor_results_free(r2);
    cor_scenario_free(s2);
    char *b = write_plots(f->tmp, "b", f->r);
    expect_same_plots(a, b);
    /* Writing over existing files gives the same files again. */
    char *again = write_plots(f->tmp, "a", f->r);
    expect_same_plots(again, b);
    free(a);
    free(b);
    free(again);
    free(other);
}

struct thread_job {
    const struct cor_results *r;
    char *dir;
    enum cor_status st;
};

static void *plot_thread(void *arg)
{
    struct thread_job *j = arg;
    struct cor_diag diag;
    cor_diag_init(&diag);
    j->st = cor_plot_write_dir(j->dir, j->r, &diag);
    cor_diag_fini(&diag);
    return NULL;
}

/* PLplot's state is global: concurrent calls must not mix their plots. */
static void test_plot_threads_do_not_mix(void **state)
{
    struct fixture *f = *state;
    char *want = write_plots(f->tmp, "want", f->r);
    struct thread_job jobs[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "t%d", i);
        jobs[i] = (struct thread_job){f->r, tu_join(f->tmp, name), COR_EIO};
        assert_int_equal(pthread_create(&th[i], NULL, plot_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].st, COR_OK);
        expect_same_plots(want, jobs[i].dir);
        free(jobs[i].dir);
    }
    free(want);
}

static void test_plot_ignores_lc_numeric(void **state)
{
    struct fixture *f = *state;
    char *want = write_plots(f->tmp, "c-locale", f->r);
    if (!tu_comma_locale(LC_ALL)) {
        free(want);
        skip(); /* no locale with a decimal comma is installed */
    }
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5"); /* the trap is armed */
    char *got = write_plots(f->tmp, "comma-locale", f->r);
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    assert_string_equal(probe, "0,5"); /* and the caller's locale is back */
    setlocale(LC_ALL, "C");
    expect_same_plots(want, got);
    free(want);
    free(got);
}

/* One day, no start date, no phases, holes in the data, a stock without
 * demand, and more stocks than the shortage legend lists. */
static void test_plot_degenerate_results(void **state)
{
    struct fixture *f = *state;
    struct cor_scenario *s = make_scenario(24, 1, false);
    s->stocks[0].demand = 0;
    struct cor_results *r = make_results(s, 1);
    r->timeline[0].stock_p05 = NAN;
    r->timeline[1].p_short_by = NAN;
    char *dir = write_plots(f->tmp, "tiny", r);
    char *path = tu_join(dir, "shortage.svg");
    char *doc = tu_slurp(path);
    check_svg("shortage.svg", doc);
    expect_text("shortage.svg", doc, "and 6 more"); /* 25 stocks, 19 listed */
    expect_text("shortage.svg", doc, ">day<");
    free(doc);
    free(path);
    path = tu_join(dir, "fan-kayes-fuel.svg");
    doc = tu_slurp(path);
    check_svg("fan-kayes-fuel.svg", doc);
    assert_null(strstr(doc, "1 day of demand")); /* no demand, no line */
    free(doc);
    free(path);
    char *names = tu_list_dir(dir);
    assert_non_null(strstr(names, "fan-town24-fuel.svg shortage.svg"));
    free(names);
    free(dir);
    cor_results_free(r);
    cor_scenario_free(s);
}

/* The directory cannot be created: under a regular file. */
static void test_plot_dir_under_file_fails(void **state)
{
    struct fixture *f = *state;
    char *file = tu_join(f->tmp, "plain");
    FILE *p = fopen(file, "w");
    assert_non_null(p);
    fclose(p);
    char *dir = tu_join(file, "out");
    struct cor_diag diag;
    cor_diag_init(&diag);
    assert_int_equal(cor_plot_write_dir(dir, f->r, &diag), COR_EIO);
    assert_int_equal(cor_diag_count(&diag), 1);
    assert_non_null(strstr(diag.entries[0].message, dir));
    assert_non_null(strstr(diag.entries[0].message, strerror(ENOTDIR)));
    cor_diag_fini(&diag);
    free(dir);
    free(file);
}

/* A file cannot be published (a directory stands in its place, which
 * stops root too): COR_EIO naming it, the files before it whole, no
 * temporary file left. */
static void test_plot_unpublishable_file_fails(void **state)
{
    struct fixture *f = *state;
    char *dir = tu_join(f->tmp, "out");
    assert_int_equal(mkdir(dir, 0777), 0);
    char *blocker = tu_join(dir, "fan-segou-grain.svg");
    assert_int_equal(mkdir(blocker, 0777), 0);
    struct cor_diag diag;
    cor_diag_init(&diag);
    assert_int_equal(cor_plot_write_dir(dir, f->r, &diag), COR_EIO);
    tu_assert_only_message(&diag, "cannot write %s: %s", blocker, strerror(EISDIR));
    cor_diag_fini(&diag);
    char *names = tu_list_dir(dir);
    assert_string_equal(names, "fan-kayes-fuel.svg fan-segou-fuel.svg fan-segou-grain.svg");
    free(names);
    char *path = tu_join(dir, "fan-segou-fuel.svg");
    char *doc = tu_slurp(path);
    check_svg("fan-segou-fuel.svg", doc);
    free(doc);
    free(path);
    free(blocker);
    free(dir);
}

/* A directory without write permission (as root, written as nobody). */
static void test_plot_unwritable_dir_fails(void **state)
{
    struct fixture *f = *state;
    char *dir = tu_join(f->tmp, "ro");
    bool checked =
        tu_assert_unwritable_dir_fails(cor_plot_write_dir, dir, f->r, "fan-kayes-fuel.svg");
    free(dir);
    if (!checked)
        skip(); /* user nobody cannot be had, or cannot reach the directory */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plot_writes_every_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_is_byte_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_names_never_collide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_long_ids_make_short_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_long_texts_are_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_threads_do_not_mix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_ignores_lc_numeric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_degenerate_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_dir_under_file_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_unpublishable_file_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_plot_unwritable_dir_fails, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
