/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scenario as plain data: freeing, name lookups and pure text checks.
 *
 * Lookups here are linear: they serve the command line and tests, a few
 * calls per run. The loader, which resolves hundreds of thousands of
 * references in a large file, keeps its own hash indexes. The text checks
 * (numbers, dates, ids, "did you mean") know nothing of YAML; the loader
 * calls them on scalar text. */
#include "corridor/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "clocale.h"
#include "scenario_yaml.h"

void cor_scenario_free(struct cor_scenario *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->description);
    free(s->source);
    for (int i = 0; i < s->ncommodities; i++) {
        free(s->commodities[i].id);
        free(s->commodities[i].unit);
    }
    free(s->commodities);
    for (int i = 0; i < s->nnodes; i++) {
        free(s->nodes[i].id);
        free(s->nodes[i].name);
    }
    free(s->nodes);
    for (int i = 0; i < s->nsegments; i++)
        free(s->segments[i].id);
    free(s->segments);
    free(s->cities);
    free(s->stocks);
    for (int i = 0; i < s->nflows; i++) {
        free(s->flows[i].id);
        for (int j = 0; j < s->flows[i].nroutes; j++) {
            free(s->flows[i].routes[j].nodes);
            free(s->flows[i].routes[j].legs);
            free(s->flows[i].routes[j].km_before);
        }
        free(s->flows[i].routes);
    }
    free(s->flows);
    for (int i = 0; i < s->nescorts; i++)
        free(s->escorts[i].id);
    free(s->escorts);
    free(s->ambush.commodity_factor);
    for (int i = 0; i < s->nphases; i++)
        free(s->phases[i].label);
    free(s->phases);
    for (int i = 0; i < s->nclosures; i++)
        free(s->closures[i].label);
    free(s->closures);
    for (int i = 0; i < s->nseasons; i++)
        free(s->seasons[i].label);
    free(s->seasons);
    for (int i = 0; i < s->noverrides; i++)
        free(s->overrides[i]);
    free(s->overrides);
    free(s);
}

/* Exact match of id[0..len) against a NUL-terminated string. */
static bool same(const char *a, const char *id, size_t len)
{
    return a && strncmp(a, id, len) == 0 && a[len] == '\0';
}

static int node_n(const struct cor_scenario *s, const char *id, size_t len)
{
    for (int i = 0; i < s->nnodes; i++)
        if (same(s->nodes[i].id, id, len))
            return i;
    return -1;
}

int cor_scenario_node(const struct cor_scenario *s, const char *id)
{
    return node_n(s, id, strlen(id));
}

int cor_scenario_commodity(const struct cor_scenario *s, const char *id)
{
    for (int i = 0; i < s->ncommodities; i++)
        if (s->commodities[i].id && strcmp(s->commodities[i].id, id) == 0)
            return i;
    return -1;
}

int cor_scenario_flow(const struct cor_scenario *s, const char *id)
{
    for (int i = 0; i < s->nflows; i++)
        if (s->flows[i].id && strcmp(s->flows[i].id, id) == 0)
            return i;
    return -1;
}

bool cor_scenario_dates_fit(const struct cor_scenario *s, int days)
{
    if (!s->has_start_date)
        return true;
    struct cor_date c = {s->start_year, s->start_month, s->start_day};
    /* The outputs' last day is days - 1. */
    return days < 1 || cor__date_add(c, days - 1).y <= 9999;
}

int cor_scenario_segment(const struct cor_scenario *s, const char *id)
{
    for (int i = 0; i < s->nsegments; i++)
        if (s->segments[i].id && strcmp(s->segments[i].id, id) == 0)
            return i;
    /* "a-b" or "b-a" by node ids. Node ids may themselves contain '-'
     * ("san-pedro"), so try every split point. */
    size_t len = strlen(id);
    for (const char *dash = strchr(id, '-'); dash; dash = strchr(dash + 1, '-')) {
        int a = node_n(s, id, (size_t)(dash - id));
        int b = node_n(s, dash + 1, len - (size_t)(dash - id) - 1);
        if (a < 0 || b < 0)
            continue;
        for (int i = 0; i < s->nsegments; i++) {
            const struct cor_segment *g = &s->segments[i];
            if ((g->a == a && g->b == b) || (g->a == b && g->b == a))
                return i;
        }
    }
    return -1;
}

static bool is_nonfinite_word(const char *t)
{
    if (*t == '+' || *t == '-')
        t++;
    static const char *const words[] = {
        ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", "inf", "Inf", "INF",
        "nan", "NaN", "NAN", "infinity", "Infinity", "INFINITY",
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(t, words[i]) == 0)
            return true;
    return false;
}

enum cor__num cor__parse_number(const char *text, double *out)
{
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    size_t int_digits = 0, frac_digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        int_digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            frac_digits++;
        }
    }
    if (int_digits + frac_digits == 0)
        return is_nonfinite_word(text) ? COR__NUM_NONFINITE : COR__NUM_SYNTAX;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return COR__NUM_SYNTAX;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return COR__NUM_SYNTAX;

    /* strtod obeys LC_NUMERIC: read in the "C" locale. */
    locale_t c = cor__c_locale();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    char *end;
    double v = strtod(text, &end);
    if (c)
        uselocale(old);
    /* The grammar above is a subset of what strtod reads, so it must read
     * all of it; anything else is a bug. */
    if (*end != '\0')
        return COR__NUM_SYNTAX;
    if (!isfinite(v))
        return COR__NUM_RANGE;
    *out = v;
    return COR__NUM_OK;
}

enum cor__num cor__parse_u64(const char *text, uint64_t *out)
{
    const char *p = text;
    if (*p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return COR__NUM_SYNTAX;
    uint64_t v = 0;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return COR__NUM_RANGE;
        v = v * 10 + d;
    }
    if (*p != '\0')
        return COR__NUM_SYNTAX;
    *out = v;
    return COR__NUM_OK;
}

int cor__parse_date(const char *text, int *y, int *m, int *d)
{
    static const char shape[] = "dddd-dd-dd";
    for (size_t i = 0; i < sizeof shape; i++) {
        char c = text[i];
        if (shape[i] == '\0') {
            if (c != '\0')
                return 1;
        } else if (shape[i] == 'd' ? !isdigit((unsigned char)c) : c != '-') {
            return 1;
        }
    }
    int yy = atoi(text), mm = atoi(text + 5), dd = atoi(text + 8);
    if (!cor__date_is_valid((struct cor_date){yy, mm, dd}))
        return 2;
    *y = yy;
    *m = mm;
    *d = dd;
    return 0;
}

bool cor__id_is_valid(const char *id)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++, n++)
        if (!(isalnum(*p) || *p == '-' || *p == '_' || *p >= 0x80))
            return false;
    return n > 0 && n <= 128;
}

/* Words longer than this get no suggestion: the table below is on the
 * stack, and a 4 KB scalar is not a typo. */
#define SUGGEST_MAX 64

/* Optimal string alignment distance, stopping early: returns a value > cap
 * as soon as the distance must exceed cap. */
static size_t osa_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

static bool same_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

const char *cor__suggest(const char *word, const char *const *cands, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cands[i] && same_ignoring_case(word, cands[i]))
            return cands[i];
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t dist = osa_distance(word, cands[i], 2);
        if (dist < best_d && dist < strlen(cands[i])) {
            best = cands[i];
            best_d = dist;
        }
    }
    return best;
}
