/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reports: results as a table for people, CSV and JSON for scripts, and the
 * result files of `--out DIR`.
 *
 * Every writer only reads the results and looks names up through the
 * scenario they point at (ids, never display names, so that scripts can join
 * on them and users can paste them into --set). A missing value — a
 * statistic no replication had, or a figure that is not finite — is `null`
 * in JSON, an empty field in CSV and "—" in the table; NaN and infinity are
 * treated as missing because neither JSON nor most CSV readers accept them.
 *
 * Numbers never depend on the locale: each public writer switches the
 * calling thread to the "C" locale with uselocale() for its duration and
 * restores the caller's locale afterwards. That covers every printf here and
 * jansson's own number formatting with one mechanism, touches no other
 * thread (setlocale would change the whole process, racily), and keeps the
 * formatting code plain printf. -0 is printed as 0 so that byte-identical
 * output does not hinge on the sign of a zero sum.
 *
 * Dates are proleptic Gregorian arithmetic on (year, month, day), walked a
 * month at a time: no time_t, so no time zone or daylight saving change can
 * shift a date, and no year-2038 limit. Day 0 is the start date. */
#include "corridor/report.h"

#include <assert.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"
#include "calendar.h"
#include "clocale.h"
#include "corridor/version.h"
#include "outfile.h"
#include "plot.h"

/* ---- Locale ---------------------------------------------------------- */

/* Runs writer(out, ctx) with the calling thread in the "C" locale. */
static enum cor_status with_c_locale(cor_outfile_write_fn writer, FILE *out,
                                     const void *ctx)
{
    locale_t c = cor__c_locale();
    if (c == (locale_t)0)
        return COR_EIO;
    locale_t saved = uselocale(c);
    enum cor_status st = writer(out, ctx);
    uselocale(saved);
    return st;
}

/* Every writer ends here: stdio reports write errors (a full disk, a closed
 * pipe) only at the flush, and a caller must learn of them. */
static enum cor_status finish(FILE *out)
{
    if (fflush(out) != 0 || ferror(out))
        return COR_EIO;
    return COR_OK;
}

/* ---- Names ----------------------------------------------------------- */

static const char *stock_city(const struct cor_scenario *s, int k)
{
    return s->nodes[s->cities[s->stocks[k].city].node].id;
}

static const char *stock_commodity(const struct cor_scenario *s, int k)
{
    return s->commodities[s->stocks[k].commodity].id;
}

static const char *stock_unit(const struct cor_scenario *s, int k)
{
    return s->commodities[s->stocks[k].commodity].unit;
}

/* ---- Dates ----------------------------------------------------------- */


/* Whether the outputs carry calendar dates. The loader validates the start
 * date; an invalid one from a scenario built by other code is a bug, but
 * the report then leaves the dates out rather than read past the month
 * table. */
static bool has_dates(const struct cor_scenario *s)
{
    struct cor_date c = {s->start_year, s->start_month, s->start_day};
    assert(!s->has_start_date || cor__date_is_valid(c));
    return s->has_start_date && cor__date_is_valid(c);
}

/* Writes "YYYY-MM-DD" for day `day` of the run into buf (at least 16 bytes),
 * or "" when the scenario has no start date. */
static void day_date(char *buf, size_t size, const struct cor_scenario *s, long day)
{
    if (!has_dates(s) || day < 0) {
        buf[0] = '\0';
        return;
    }
    struct cor_date c = {s->start_year, s->start_month, s->start_day};
    c = cor__date_add(c, day);
    snprintf(buf, size, "%04d-%02d-%02d", c.y, c.m, c.d);
}

/* ---- CSV ------------------------------------------------------------- */

/* A text field, quoted (RFC 4180) only when it holds a comma, a quote or a
 * line break; NULL is an empty field. */
static void csv_str(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            putc('"', out);
        putc(*p, out);
    }
    putc('"', out);
}

/* A number with up to 10 significant digits, or an empty field. */
static void csv_num(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, "%.10g", x == 0 ? 0.0 : x);
}

static void csv_mean(FILE *out, const struct cor_estimate *e)
{
    if (e->n > 0)
        csv_num(out, e->mean);
}

/* mean,lo,hi of an estimate, each empty when the estimate does not exist. */
static void csv_estimate3(FILE *out, const struct cor_estimate *e)
{
    if (e->n > 0) {
        csv_num(out, e->mean);
        putc(',', out);
        csv_num(out, e->lo);
        putc(',', out);
        csv_num(out, e->hi);
    } else {
        fputs(",,", out);
    }
}

/* An index into one of the scenario's arrays, -1 meaning "none". */
static void csv_int(FILE *out, long v)
{
    if (v >= 0)
        fprintf(out, "%ld", v);
}

static enum cor_status write_csv(FILE *out, const void *ctx)
{
    const struct cor_results *r = ctx;
    const struct cor_scenario *s = r->scenario;
    fputs("city,commodity,p_shortage,first_shortage_p10,first_shortage_p50,"
          "first_shortage_p90,half_reps_by,shortage_days_mean,shortage_days_lo,"
          "shortage_days_hi,unmet_mean,unmet_lo,unmet_hi,served_fraction_mean,"
          "served_fraction_lo,served_fraction_hi,delivered_mean,turned_away_mean,"
          "rationing_days_mean,final_stock_mean\n", out);
    for (int k = 0; k < s->nstocks; k++) {
        const struct cor_stock_result *sr = &r->stocks[k];
        csv_str(out, stock_city(s, k));
        putc(',', out);
        csv_str(out, stock_commodity(s, k));
        putc(',', out);
        csv_num(out, sr->p_shortage);
        putc(',', out);
        if (sr->reps_short > 0) {
            csv_num(out, sr->first_p10);
            putc(',', out);
            csv_num(out, sr->first_p50);
            putc(',', out);
            csv_num(out, sr->first_p90);
        } else {
            fputs(",,", out);
        }
        putc(',', out);
        csv_int(out, sr->half_reps_by);
        putc(',', out);
        csv_estimate3(out, &sr->shortage_days);
        putc(',', out);
        csv_estimate3(out, &sr->unmet);
        putc(',', out);
        csv_estimate3(out, &sr->served_fraction);
        putc(',', out);
        csv_mean(out, &sr->delivered);
        putc(',', out);
        csv_mean(out, &sr->turned_away);
        putc(',', out);
        csv_mean(out, &sr->rationing_days);
        putc(',', out);
        csv_mean(out, &sr->final_stock);
        putc('\n', out);
    }
    return finish(out);
}

static enum cor_status write_timeline(FILE *out, const void *ctx)
{
    const struct cor_results *r = ctx;
    const struct cor_scenario *s = r->scenario;
    fputs("day,date,city,commodity,stock_mean,stock_p05,stock_p50,stock_p95,"
          "p_short,p_short_by,unmet_mean,delivered_mean\n", out);
    assert(r->days == 0 || s->nstocks == 0 || r->timeline);
    for (int d = 0; d < r->days; d++) {
        char date[32];
        day_date(date, sizeof date, s, d);
        for (int k = 0; k < s->nstocks; k++) {
            const struct cor_day_result *dr = cor_results_day(r, d, k);
            fprintf(out, "%d,%s,", d, date);
            csv_str(out, stock_city(s, k));
            putc(',', out);
            csv_str(out, stock_commodity(s, k));
            const double v[] = {dr->stock_mean, dr->stock_p05, dr->stock_p50,
                                dr->stock_p95, dr->p_short, dr->p_short_by,
                                dr->unmet_mean, dr->delivered_mean};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
                putc(',', out);
                csv_num(out, v[i]);
            }
            putc('\n', out);
        }
    }
    return finish(out);
}

/* The day an event belongs to. Day d is [24d, 24d + 24), except that the
 * end-of-day consumption at t = 24(d + 1) closes day d, and a delivery at
 * that very instant counts in day d, before the consumption
 * (docs/model.md, "Ties"). */
static long trace_day(const struct cor_trace_event *e)
{
    if (!(e->t >= 0))
        return 0;
    double day = floor(e->t / 24.0);
    if ((e->kind == COR_TRACE_SHORTAGE || e->kind == COR_TRACE_DELIVER) &&
        day > 0 && day * 24.0 == e->t)
        day -= 1;
    return (long)day;
}

static enum cor_status write_events(FILE *out, const void *ctx)
{
    const struct cor_results *r = ctx;
    const struct cor_scenario *s = r->scenario;
    fputs("time_h,day,kind,flow,convoy,node,segment,city,commodity,trucks,"
          "losses,killed,amount\n", out);
    for (long i = 0; i < r->ntrace; i++) {
        const struct cor_trace_event *e = &r->trace[i];
        if (isfinite(e->t))
            fprintf(out, "%.4f", e->t == 0 ? 0.0 : e->t);
        fprintf(out, ",%ld,%s,", trace_day(e), cor_trace_kind_name(e->kind));
        if (e->flow >= 0)
            csv_str(out, s->flows[e->flow].id);
        putc(',', out);
        csv_int(out, e->convoy);
        putc(',', out);
        if (e->node >= 0)
            csv_str(out, s->nodes[e->node].id);
        putc(',', out);
        if (e->segment >= 0)
            csv_str(out, s->segments[e->segment].id);
        putc(',', out);
        if (e->stock >= 0) {
            csv_str(out, stock_city(s, e->stock));
            putc(',', out);
            csv_str(out, stock_commodity(s, e->stock));
        } else {
            putc(',', out);
        }
        fprintf(out, ",%d,%d,%d,", e->trucks, e->losses, e->killed);
        csv_num(out, e->amount);
        putc('\n', out);
    }
    return finish(out);
}

/* ---- JSON ------------------------------------------------------------ */

/* jansson returns NULL only for invalid input (handled before the call) or
 * when out of memory, which corridor treats as fatal everywhere. */
static json_t *jcheck(json_t *v)
{
    if (!v)
        cor_out_of_memory("building summary.json");
    return v;
}

/* A copy with every non-ASCII byte replaced by '?': the fallback for the
 * rare string jansson refuses as invalid UTF-8 (an override from a command
 * line in another encoding). */
static char *ascii_copy(const char *s)
{
    char *c = cor_strdup(s);
    for (char *p = c; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    return c;
}

static json_t *jstr(const char *s)
{
    if (!s)
        return jcheck(json_null());
    json_t *v = json_string(s);
    if (!v) {
        char *c = ascii_copy(s);
        v = json_string(c);
        free(c);
    }
    return jcheck(v);
}

static json_t *jreal(double x)
{
    return jcheck(isfinite(x) ? json_real(x == 0 ? 0.0 : x) : json_null());
}

static json_t *jint(long long v)
{
    return jcheck(json_integer(v));
}

/* JSON integers in jansson are signed 64-bit; a seed above 2^63 - 1 is
 * written as a decimal string rather than wrapped to a negative number or
 * rounded through a double. */
static json_t *juint64(uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX)
        return jint((long long)v);
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return jstr(buf);
}

/* Sets obj[key] = v and drops our reference to v. */
static void jset(json_t *obj, const char *key, json_t *v)
{
    if (json_object_set(obj, key, v) != 0) {
        char *k = ascii_copy(key); /* the key was not valid UTF-8 */
        int rc = json_object_set(obj, k, v);
        free(k);
        jcheck(rc == 0 ? v : NULL);
    }
    json_decref(v);
}

static void jpush(json_t *arr, json_t *v)
{
    if (json_array_append_new(arr, v) != 0)
        jcheck(NULL);
}

/* { "mean": x, "ci95": [lo, hi] }, both null when the statistic does not
 * exist. */
static json_t *jestimate(const struct cor_estimate *e)
{
    json_t *o = jcheck(json_object());
    if (e->n > 0) {
        jset(o, "mean", jreal(e->mean));
        json_t *ci = jcheck(json_array());
        jpush(ci, jreal(e->lo));
        jpush(ci, jreal(e->hi));
        jset(o, "ci95", ci);
    } else {
        jset(o, "mean", jcheck(json_null()));
        jset(o, "ci95", jcheck(json_null()));
    }
    return o;
}

static json_t *jcity(const struct cor_results *r, int k)
{
    const struct cor_scenario *s = r->scenario;
    const struct cor_stock_result *sr = &r->stocks[k];
    json_t *o = jcheck(json_object());
    jset(o, "city", jstr(stock_city(s, k)));
    jset(o, "commodity", jstr(stock_commodity(s, k)));
    jset(o, "unit", jstr(stock_unit(s, k)));
    jset(o, "p_shortage", jreal(sr->p_shortage));

    json_t *first = jcheck(json_object());
    bool any = sr->reps_short > 0;
    jset(first, "p10", any ? jreal(sr->first_p10) : jcheck(json_null()));
    jset(first, "p50", any ? jreal(sr->first_p50) : jcheck(json_null()));
    jset(first, "p90", any ? jreal(sr->first_p90) : jcheck(json_null()));
    jset(first, "half_reps_by",
         sr->half_reps_by >= 0 ? jint(sr->half_reps_by) : jcheck(json_null()));
    jset(o, "first_shortage_day", first);

    jset(o, "shortage_days", jestimate(&sr->shortage_days));
    jset(o, "unmet", jestimate(&sr->unmet));
    jset(o, "served_fraction", jestimate(&sr->served_fraction));
    jset(o, "delivered", jestimate(&sr->delivered));
    jset(o, "turned_away", jestimate(&sr->turned_away));
    jset(o, "rationing_days", jestimate(&sr->rationing_days));
    jset(o, "final_stock", jestimate(&sr->final_stock));
    return o;
}

static json_t *jcorridor(const struct cor_results *r)
{
    const struct cor_scenario *s = r->scenario;
    const struct cor_corridor_result *c = &r->corridor;
    json_t *o = jcheck(json_object());
    jset(o, "convoys_dispatched", jestimate(&c->convoys_dispatched));
    jset(o, "departures_cancelled", jestimate(&c->departures_cancelled));
    jset(o, "departures_skipped", jestimate(&c->departures_skipped));
    jset(o, "ambushes", jestimate(&c->ambushes));
    jset(o, "convoys_ambushed", jestimate(&c->convoys_ambushed));
    jset(o, "trucks_destroyed", jestimate(&c->trucks_destroyed));
    jset(o, "drivers_killed", jestimate(&c->drivers_killed));
    jset(o, "escort_wait_hours", jestimate(&c->escort_wait_hours));
    jset(o, "convoys_rerouted", jestimate(&c->convoys_rerouted));
    jset(o, "reroute_extra_km", jestimate(&c->reroute_extra_km));
    json_t *lost = jcheck(json_object());
    for (int i = 0; i < s->ncommodities; i++)
        jset(lost, s->commodities[i].id, jestimate(&c->lost[i]));
    jset(o, "lost", lost);
    return o;
}

static enum cor_status write_summary(FILE *out, const void *ctx)
{
    const struct cor_results *r = ctx;
    const struct cor_scenario *s = r->scenario;
    json_t *root = jcheck(json_object());
    jset(root, "scenario", jstr(s->name));
    jset(root, "version", jstr(COR_VERSION));
    jset(root, "seed", juint64(r->seed));
    jset(root, "replications", jint(r->replications));
    jset(root, "horizon_days", jint(r->days));
    if (has_dates(s)) {
        char date[32];
        day_date(date, sizeof date, s, 0);
        jset(root, "start_date", jstr(date));
    } else {
        jset(root, "start_date", jcheck(json_null()));
    }
    json_t *ov = jcheck(json_array());
    for (int i = 0; i < s->noverrides; i++)
        jpush(ov, jstr(s->overrides[i]));
    jset(root, "overrides", ov);
    json_t *cities = jcheck(json_array());
    for (int k = 0; k < s->nstocks; k++)
        jpush(cities, jcity(r, k));
    jset(root, "cities", cities);
    jset(root, "corridor", jcorridor(r));
    jset(root, "events_processed", juint64(r->events_processed));

    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                       JSON_REAL_PRECISION(10));
    json_decref(root);
    if (rc != 0)
        return COR_EIO;
    putc('\n', out);
    return finish(out);
}

/* ---- Table ----------------------------------------------------------- */

/* The table is laid out as grids of text cells whose column widths are
 * measured before printing, so long ids widen a column instead of breaking
 * the alignment. Widths count UTF-8 code points (the dash, accented names),
 * which is what a terminal shows for the scripts corridor meets. */
struct grid {
    int ncols;
    const char *align;   /* one 'l' or 'r' per column */
    char **cells;        /* row-major */
    size_t ncells, cap;
};

static void grid_init(struct grid *g, const char *align)
{
    g->ncols = (int)strlen(align);
    g->align = align;
    g->cells = NULL;
    g->ncells = 0;
    g->cap = 0;
}

static void grid_fini(struct grid *g)
{
    for (size_t i = 0; i < g->ncells; i++)
        free(g->cells[i]);
    free(g->cells);
}

__attribute__((format(printf, 2, 3)))
static void grid_cell(struct grid *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t size = n > 0 ? (size_t)n + 1 : 1;
    char *c = cor_malloc(size);
    c[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(c, size, fmt, ap);
    va_end(ap);
    cor_grow((void **)&g->cells, &g->cap, g->ncells + 1, sizeof *g->cells);
    g->cells[g->ncells++] = c;
}

static size_t text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        putc(' ', out);
}

/* Prints the grid, each line indented by `indent`, columns two spaces
 * apart. Blanks are held back until something follows them, so that no line
 * ends in spaces (an empty last cell, a left-aligned last column). */
static void grid_print(const struct grid *g, FILE *out, size_t indent)
{
    size_t ncols = (size_t)g->ncols;
    assert(g->ncells % ncols == 0);
    size_t *w = cor_calloc(ncols, sizeof *w);
    for (size_t i = 0; i < g->ncells; i++) {
        size_t tw = text_width(g->cells[i]);
        if (tw > w[i % ncols])
            w[i % ncols] = tw;
    }
    for (size_t row = 0; row < g->ncells / ncols; row++) {
        size_t blanks = indent;
        for (size_t col = 0; col < ncols; col++) {
            const char *c = g->cells[row * ncols + col];
            size_t gap = w[col] - text_width(c);
            if (col > 0)
                blanks += 2;
            if (g->align[col] == 'r')
                blanks += gap;
            if (*c) {
                pad(out, blanks);
                fputs(c, out);
                blanks = 0;
            }
            if (g->align[col] != 'r')
                blanks += gap;
        }
        putc('\n', out);
    }
    free(w);
}

#define DASH "\u2014" /* "—": a missing value, unlike "-", never a minus sign */

/* A figure for people: about four significant digits, no exponent below a
 * trillion, "—" when missing. */
static void fmt_num(char *buf, size_t size, double x)
{
    double a = fabs(x);
    if (!isfinite(x))
        snprintf(buf, size, DASH);
    else if (x == 0)
        snprintf(buf, size, "0");
    else if (a < 1e4)
        snprintf(buf, size, "%.4g", x);
    else if (a < 1e12)
        snprintf(buf, size, "%.0f", x);
    else
        snprintf(buf, size, "%.3e", x);
}

static void fmt_pct(char *buf, size_t size, double p)
{
    if (isfinite(p))
        snprintf(buf, size, "%.1f %%", p * 100.0);
    else
        snprintf(buf, size, DASH);
}

/* A quantile of whole days as the table shows it, to one decimal: whole
 * unless it fell between two days, and an interpolation that lands a
 * rounding error off a whole day (89.99999999999999) shows that day. */
static double day_shown(double d)
{
    return round(d * 10.0) / 10.0;
}

static void fmt_day(char *buf, size_t size, double d)
{
    d = day_shown(d);
    if (!isfinite(d))
        snprintf(buf, size, DASH);
    else if (d == floor(d))
        snprintf(buf, size, "%.0f", d);
    else
        snprintf(buf, size, "%.1f", d);
}

static void fmt_mean(char *buf, size_t size, const struct cor_estimate *e)
{
    if (e->n > 0)
        fmt_num(buf, size, e->mean);
    else
        snprintf(buf, size, DASH);
}

/* "[lo, hi]", or "" when the estimate does not exist. */
static void fmt_ci(char *buf, size_t size, const struct cor_estimate *e)
{
    if (e->n <= 0) {
        buf[0] = '\0';
        return;
    }
    char lo[32], hi[32];
    fmt_num(lo, sizeof lo, e->lo);
    fmt_num(hi, sizeof hi, e->hi);
    snprintf(buf, size, "[%s, %s]", lo, hi);
}

static void table_header(FILE *out, const struct cor_results *r)
{
    const struct cor_scenario *s = r->scenario;
    fprintf(out, "scenario   %s\n", s->name);
    fprintf(out, "run        %ld replication%s, seed %" PRIu64 ", %d day%s",
            r->replications, r->replications == 1 ? "" : "s", r->seed, r->days,
            r->days == 1 ? "" : "s");
    if (has_dates(s) && r->days > 0) {
        char from[32], to[32];
        day_date(from, sizeof from, s, 0);
        day_date(to, sizeof to, s, r->days - 1);
        fprintf(out, ", %s to %s", from, to);
    }
    putc('\n', out);
    for (int i = 0; i < s->noverrides; i++)
        fprintf(out, "%s  %s\n", i == 0 ? "overrides" : "         ", s->overrides[i]);
}

static void table_shortage(FILE *out, const struct cor_results *r)
{
    const struct cor_scenario *s = r->scenario;
    bool dated = has_dates(s);
    fputs("\nShortage risk. First shortage day (p10, p50, p90) over the replications\n"
          "that had one; half by: the day by which half of all replications had one.\n"
          "Days count from day 0", out);
    fputs(dated ? ", the start date.\n\n" : ".\n\n", out);

    struct grid g;
    grid_init(&g, dated ? "llrrrrlrl" : "llrrrrrl");
    grid_cell(&g, "city");
    grid_cell(&g, "commodity");
    grid_cell(&g, "P(short)");
    grid_cell(&g, "p10");
    grid_cell(&g, "p50");
    grid_cell(&g, "p90");
    if (dated)
        grid_cell(&g, "p50 date");
    grid_cell(&g, "half by");
    grid_cell(&g, "days short [95 %% CI]");
    for (int k = 0; k < s->nstocks; k++) {
        const struct cor_stock_result *sr = &r->stocks[k];
        bool any = sr->reps_short > 0;
        char buf[96], ci[80];
        grid_cell(&g, "%s", stock_city(s, k));
        grid_cell(&g, "%s", stock_commodity(s, k));
        fmt_pct(buf, sizeof buf, sr->p_shortage);
        grid_cell(&g, "%s", buf);
        const double q[3] = {sr->first_p10, sr->first_p50, sr->first_p90};
        for (int i = 0; i < 3; i++) {
            fmt_day(buf, sizeof buf, any ? q[i] : NAN);
            grid_cell(&g, "%s", buf);
        }
        if (dated) {
            /* An interpolated median between two days is dated by the
             * earlier one. */
            if (any && isfinite(sr->first_p50) && sr->first_p50 >= 0)
                day_date(buf, sizeof buf, s, (long)floor(day_shown(sr->first_p50)));
            else
                snprintf(buf, sizeof buf, DASH);
            grid_cell(&g, "%s", buf);
        }
        if (sr->half_reps_by >= 0)
            grid_cell(&g, "%d", sr->half_reps_by);
        else
            grid_cell(&g, DASH);
        fmt_mean(buf, sizeof buf, &sr->shortage_days);
        fmt_ci(ci, sizeof ci, &sr->shortage_days);
        grid_cell(&g, "%s%s%s", buf, *ci ? " " : "", ci);
    }
    grid_print(&g, out, 0);
    grid_fini(&g);
}

static void table_supply(FILE *out, const struct cor_results *r)
{
    const struct cor_scenario *s = r->scenario;
    fputs("\nSupply, means per replication in each commodity's unit. Served: consumed\n"
          "over demand (rationed demand counts as unserved); stock at the end of the run.\n\n",
          out);
    struct grid g;
    grid_init(&g, "llrrrrrr");
    grid_cell(&g, "city");
    grid_cell(&g, "commodity");
    grid_cell(&g, "unmet");
    grid_cell(&g, "served");
    grid_cell(&g, "delivered");
    grid_cell(&g, "turned away");
    grid_cell(&g, "ration days");
    grid_cell(&g, "final stock");
    for (int k = 0; k < s->nstocks; k++) {
        const struct cor_stock_result *sr = &r->stocks[k];
        char buf[64];
        grid_cell(&g, "%s", stock_city(s, k));
        grid_cell(&g, "%s (%s)", stock_commodity(s, k), stock_unit(s, k));
        fmt_mean(buf, sizeof buf, &sr->unmet);
        grid_cell(&g, "%s", buf);
        if (sr->served_fraction.n > 0)
            fmt_pct(buf, sizeof buf, sr->served_fraction.mean);
        else
            snprintf(buf, sizeof buf, DASH);
        grid_cell(&g, "%s", buf);
        const struct cor_estimate *e[] = {&sr->delivered, &sr->turned_away,
                                          &sr->rationing_days, &sr->final_stock};
        for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
            fmt_mean(buf, sizeof buf, e[i]);
            grid_cell(&g, "%s", buf);
        }
    }
    grid_print(&g, out, 0);
    grid_fini(&g);
}

static void corridor_row(struct grid *g, const char *label,
                         const struct cor_estimate *e)
{
    char m[32], ci[80];
    fmt_mean(m, sizeof m, e);
    fmt_ci(ci, sizeof ci, e);
    grid_cell(g, "%s", label);
    grid_cell(g, "%s", m);
    grid_cell(g, "%s", ci);
}

static void table_corridor(FILE *out, const struct cor_results *r)
{
    const struct cor_scenario *s = r->scenario;
    const struct cor_corridor_result *c = &r->corridor;
    fputs("\nCorridor, per replication: mean [95 % CI]\n\n", out);
    struct grid g;
    grid_init(&g, "lrl");
    corridor_row(&g, "convoys dispatched", &c->convoys_dispatched);
    corridor_row(&g, "departures cancelled (suspended)", &c->departures_cancelled);
    corridor_row(&g, "departures skipped (no fleet truck)", &c->departures_skipped);
    corridor_row(&g, "ambushes", &c->ambushes);
    corridor_row(&g, "convoys ambushed", &c->convoys_ambushed);
    corridor_row(&g, "trucks destroyed", &c->trucks_destroyed);
    corridor_row(&g, "drivers killed", &c->drivers_killed);
    corridor_row(&g, "escort wait (h per escorted convoy)", &c->escort_wait_hours);
    corridor_row(&g, "convoys rerouted", &c->convoys_rerouted);
    corridor_row(&g, "extra km driven by reroutes", &c->reroute_extra_km);
    for (int i = 0; i < s->ncommodities; i++) {
        /* Sized to fit: a long id or unit cut short could end inside a
         * UTF-8 character. */
        const struct cor_commodity *cm = &s->commodities[i];
        size_t size = strlen(cm->id) + strlen(cm->unit) + sizeof " lost ()";
        char *label = cor_malloc(size);
        snprintf(label, size, "%s lost (%s)", cm->id, cm->unit);
        corridor_row(&g, label, &c->lost[i]);
        free(label);
    }
    grid_print(&g, out, 2);
    grid_fini(&g);
}

static void table_footer(FILE *out, const struct cor_results *r)
{
    fprintf(out, "\n%" PRIu64 " events processed in %.2f s", r->events_processed,
            r->wall_seconds);
    if (r->wall_seconds > 0 && isfinite(r->wall_seconds)) {
        double rate = (double)r->events_processed / r->wall_seconds;
        if (rate >= 1e6)
            fprintf(out, " (%.1f million events/s)", rate / 1e6);
        else
            fprintf(out, " (%.0f events/s)", rate);
    }
    putc('\n', out);
}

static enum cor_status write_table(FILE *out, const void *ctx)
{
    const struct cor_results *r = ctx;
    table_header(out, r);
    table_shortage(out, r);
    table_supply(out, r);
    table_corridor(out, r);
    table_footer(out, r);
    return finish(out);
}

/* ---- Public entry points ----------------------------------------------- */

enum cor_status cor_report_write(FILE *out, const struct cor_results *r,
                                 enum cor_format f)
{
    switch (f) {
    case COR_FORMAT_TABLE: return with_c_locale(write_table, out, r);
    case COR_FORMAT_CSV: return with_c_locale(write_csv, out, r);
    case COR_FORMAT_JSON: return with_c_locale(write_summary, out, r);
    }
    assert(0 && "unknown report format");
    return COR_EIO;
}

enum cor_status cor_report_summary_json(FILE *out, const struct cor_results *r)
{
    return with_c_locale(write_summary, out, r);
}

enum cor_status cor_report_timeline_csv(FILE *out, const struct cor_results *r)
{
    return with_c_locale(write_timeline, out, r);
}

enum cor_status cor_report_events_csv(FILE *out, const struct cor_results *r)
{
    return with_c_locale(write_events, out, r);
}

/* Adapters from the publisher's callback type to the writers. */
static enum cor_status summary_file(FILE *out, const void *ctx)
{
    return with_c_locale(write_summary, out, ctx);
}

static enum cor_status timeline_file(FILE *out, const void *ctx)
{
    return with_c_locale(write_timeline, out, ctx);
}

static enum cor_status events_file(FILE *out, const void *ctx)
{
    return with_c_locale(write_events, out, ctx);
}

enum cor_status cor_report_write_dir(const char *dir, const struct cor_results *r,
                                     struct cor_diag *diag)
{
    static const struct {
        const char *name;
        cor_outfile_write_fn writer;
    } files[] = {
        {"summary.json", summary_file},
        {"timeline.csv", timeline_file},
        {"events.csv", events_file},
    };
    if (cor_outfile_mkdir(dir, diag) != COR_OK)
        return COR_EIO;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = cor_outfile_path(dir, files[i].name);
        /* Stop at the first failure: the files already published are whole,
         * and the next would most likely fail for the same reason (a full
         * disk, a lost mount). */
        enum cor_status st = cor_outfile_publish(path, files[i].writer, r, diag);
        free(path);
        if (st != COR_OK)
            return COR_EIO;
    }
    /* Then the pictures of the same results (plot.h). */
    return cor_plot_write_dir(dir, r, diag);
}
