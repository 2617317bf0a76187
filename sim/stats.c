/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming statistics over replications: rstat, histograms, sums. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rstat.h>

#include "alloc.h"

enum { ST_SHORT_DAYS, ST_UNMET, ST_SERVED, ST_DELIVERED, ST_TURNED, ST_RATION,
       ST_FINAL, ST_N };
enum { CO_DISPATCHED, CO_CANCELLED, CO_SKIPPED, CO_AMBUSHES, CO_AMBUSHED,
       CO_DESTROYED, CO_KILLED, CO_WAIT, CO_REROUTED, CO_EXTRA_KM, CO_N };

struct cor_agg {
    const struct cor_model *m;
    int nstocks, days, ncommodities;
    long n;                          /* replications added */
    gsl_rstat_workspace **stock_stat;  /* nstocks x ST_N */
    long *reps_short;                /* per stock */
    long *first_hist;                /* nstocks x days */
    double *sum_stock, *sum_unmet, *sum_delivered; /* days x nstocks */
    long *n_short;                   /* days x nstocks */
    /* Per-day stock histograms, days x nstocks x (COR_STOCK_BINS + 1). The
     * merge touches one counter per cell and replication, scattered over
     * megabytes; it counts into bytes (a quarter of the cache lines) and
     * moves the bytes into the 32-bit totals before they can overflow. */
    uint32_t *stock_hist;
    uint8_t *stock_recent;           /* counts not yet in stock_hist */
    int recent;                      /* replications counted there */
    double *stock_min, *stock_max;   /* days x nstocks: clamp the estimates */
    gsl_rstat_workspace *corr[CO_N];
    gsl_rstat_workspace **lost;      /* per commodity */
    uint64_t events;
    struct cor_trace_event *trace;
    long ntrace;
};

static gsl_rstat_workspace *rstat_new(void)
{
    gsl_rstat_workspace *w = gsl_rstat_alloc();
    if (!w)
        cor_out_of_memory("gsl_rstat_alloc");
    return w;
}

struct cor_agg *cor_agg_new(const struct cor_model *m)
{
    struct cor_agg *a = cor_calloc(1, sizeof *a);
    a->m = m;
    a->nstocks = m->sc->nstocks;
    a->days = m->days;
    a->ncommodities = m->sc->ncommodities;
    size_t ns = (size_t)a->nstocks, cells = (size_t)a->days * ns;
    a->stock_stat = cor_calloc(ns * ST_N + 1, sizeof *a->stock_stat);
    for (size_t i = 0; i < ns * ST_N; i++)
        a->stock_stat[i] = rstat_new();
    a->reps_short = cor_calloc(ns + 1, sizeof *a->reps_short);
    a->first_hist = cor_calloc(ns * (size_t)a->days + 1, sizeof *a->first_hist);
    a->sum_stock = cor_calloc(cells + 1, sizeof(double));
    a->sum_unmet = cor_calloc(cells + 1, sizeof(double));
    a->sum_delivered = cor_calloc(cells + 1, sizeof(double));
    a->n_short = cor_calloc(cells + 1, sizeof(long));
    a->stock_hist = cor_calloc(cells * (COR_STOCK_BINS + 1) + 1, sizeof(uint32_t));
    a->stock_recent = cor_calloc(cells * (COR_STOCK_BINS + 1) + 1, sizeof(uint8_t));
    a->stock_min = cor_calloc(cells + 1, sizeof(double));
    a->stock_max = cor_calloc(cells + 1, sizeof(double));
    for (int i = 0; i < CO_N; i++)
        a->corr[i] = rstat_new();
    a->lost = cor_calloc((size_t)a->ncommodities + 1, sizeof *a->lost);
    for (int i = 0; i < a->ncommodities; i++)
        a->lost[i] = rstat_new();
    return a;
}

void cor_agg_free(struct cor_agg *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->nstocks * ST_N; i++)
        gsl_rstat_free(a->stock_stat[i]);
    free(a->stock_stat);
    free(a->reps_short);
    free(a->first_hist);
    free(a->sum_stock);
    free(a->sum_unmet);
    free(a->sum_delivered);
    free(a->n_short);
    free(a->stock_hist);
    free(a->stock_recent);
    free(a->stock_min);
    free(a->stock_max);
    for (int i = 0; i < CO_N; i++)
        gsl_rstat_free(a->corr[i]);
    for (int i = 0; i < a->ncommodities; i++)
        gsl_rstat_free(a->lost[i]);
    free(a->lost);
    free(a->trace);
    free(a);
}

static int stock_bin(double v, double cap)
{
    if (v <= 0.0)
        return 0;
    int b = 1 + (int)(v / cap * COR_STOCK_BINS);
    return b > COR_STOCK_BINS ? COR_STOCK_BINS : b;
}

static double bin_value(int b, double cap)
{
    return b == 0 ? 0.0 : cap * (b - 0.5) / COR_STOCK_BINS;
}

/* Moves the byte counts into the totals. */
static void flush_recent(struct cor_agg *a)
{
    size_t n = (size_t)a->days * (size_t)a->nstocks * (COR_STOCK_BINS + 1);
    for (size_t j = 0; j < n; j++)
        a->stock_hist[j] += a->stock_recent[j];
    memset(a->stock_recent, 0, n);
    a->recent = 0;
}

void cor_agg_add(struct cor_agg *a, struct cor_rep_result *r)
{
    const struct cor_scenario *sc = a->m->sc;
    for (int k = 0; k < a->nstocks; k++) {
        const struct cor_rep_stock *rs = &r->stocks[k];
        gsl_rstat_workspace **w = &a->stock_stat[k * ST_N];
        double want = sc->stocks[k].demand * a->days;
        gsl_rstat_add(rs->shortage_days, w[ST_SHORT_DAYS]);
        gsl_rstat_add(rs->unmet, w[ST_UNMET]);
        /* A commodity nobody demands is fully served. */
        gsl_rstat_add(want > 0 ? rs->consumed / want : 1.0, w[ST_SERVED]);
        gsl_rstat_add(rs->delivered, w[ST_DELIVERED]);
        gsl_rstat_add(rs->turned_away, w[ST_TURNED]);
        gsl_rstat_add(rs->rationing_days, w[ST_RATION]);
        gsl_rstat_add(rs->final_stock, w[ST_FINAL]);
        if (rs->first_short >= 0) {
            a->reps_short[k]++;
            a->first_hist[(size_t)k * a->days + rs->first_short]++;
        }
    }
    size_t cells = (size_t)a->days * a->nstocks;
    for (size_t i = 0; i < cells; i++) {
        a->sum_stock[i] += r->day_stock[i];
        a->sum_unmet[i] += r->day_unmet[i];
        a->sum_delivered[i] += r->day_delivered[i];
        a->n_short[i] += r->day_short[i];
        double v = r->day_stock[i];
        if (a->n == 0 || v < a->stock_min[i])
            a->stock_min[i] = v;
        if (a->n == 0 || v > a->stock_max[i])
            a->stock_max[i] = v;
    }
    /* Day by stock: no cell pays an integer division to find its stock. */
    uint8_t *h = a->stock_recent;
    for (size_t i = 0; i < cells;)
        for (int k = 0; k < a->nstocks; k++, i++, h += COR_STOCK_BINS + 1)
            h[stock_bin(r->day_stock[i], sc->stocks[k].capacity)]++;
    if (++a->recent == UINT8_MAX)
        flush_recent(a);
    gsl_rstat_add((double)r->dispatched, a->corr[CO_DISPATCHED]);
    gsl_rstat_add((double)r->cancelled, a->corr[CO_CANCELLED]);
    gsl_rstat_add((double)r->skipped, a->corr[CO_SKIPPED]);
    gsl_rstat_add((double)r->ambushes, a->corr[CO_AMBUSHES]);
    gsl_rstat_add((double)r->convoys_ambushed, a->corr[CO_AMBUSHED]);
    gsl_rstat_add((double)r->trucks_destroyed, a->corr[CO_DESTROYED]);
    gsl_rstat_add((double)r->drivers_killed, a->corr[CO_KILLED]);
    if (r->escorted_convoys > 0)
        gsl_rstat_add(r->escort_wait / (double)r->escorted_convoys, a->corr[CO_WAIT]);
    gsl_rstat_add((double)r->convoys_rerouted, a->corr[CO_REROUTED]);
    gsl_rstat_add(r->reroute_extra_km, a->corr[CO_EXTRA_KM]);
    for (int c = 0; c < a->ncommodities; c++)
        gsl_rstat_add(r->lost[c], a->lost[c]);
    a->events += r->events;
    if (r->trace) {
        free(a->trace);
        a->trace = r->trace;
        a->ntrace = r->ntrace;
        r->trace = NULL;
        r->ntrace = r->trace_cap = 0;
    }
    a->n++;
}

struct cor_estimate cor_estimate_make(long n, double mean, double sd)
{
    struct cor_estimate e = {n, mean, mean, mean};
    if (n <= 0) {
        e.mean = e.lo = e.hi = 0.0;
        return e;
    }
    if (n > 1) {
        double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
        e.lo = mean - half;
        e.hi = mean + half;
    }
    return e;
}

static struct cor_estimate estimate(const gsl_rstat_workspace *w)
{
    long n = (long)gsl_rstat_n(w);
    if (n == 0)
        return cor_estimate_make(0, 0, 0);
    return cor_estimate_make(n, gsl_rstat_mean(w), n > 1 ? gsl_rstat_sd(w) : 0.0);
}

/* The order statistic of rank i (0-based) from a histogram. */
static int hist_rank(const long *hist, int ndays, long i)
{
    long seen = 0;
    for (int d = 0; d < ndays; d++) {
        seen += hist[d];
        if (seen > i)
            return d;
    }
    return ndays - 1;
}

double cor_hist_quantile(const long *hist, int ndays, long n, double f)
{
    double idx = f * (double)(n - 1);
    long lo = (long)floor(idx);
    double frac = idx - (double)lo;
    double x = hist_rank(hist, ndays, lo);
    if (frac > 0.0 && lo + 1 < n)
        x += frac * (hist_rank(hist, ndays, lo + 1) - x);
    return x;
}

/* The first bin whose cumulative count exceeds rank r, or -1 if none. */
static int first_past(const long *cum, long r)
{
    int lo = 0, hi = COR_STOCK_BINS + 1; /* the answer lies in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cum[mid] > r)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo <= COR_STOCK_BINS ? lo : -1;
}

/* Quantiles f[0..nf) of the n stock values binned in h, estimated by bin
 * midpoints with the same interpolation rule as above, then clamped to the
 * observed range [vmin, vmax]: a day on which every replication has the
 * same stock gets that stock exactly. The bins are summed once for all
 * quantiles: this runs for every day and stock. */
static void stock_quantiles(const uint32_t *h, long n, double cap, const double *f, int nf,
                            double vmin, double vmax, double *out)
{
    long cum[COR_STOCK_BINS + 1], seen = 0;
    for (int b = 0; b <= COR_STOCK_BINS; b++)
        cum[b] = seen += h[b];
    for (int q = 0; q < nf; q++) {
        double idx = f[q] * (double)(n - 1);
        long lo = (long)floor(idx);
        double frac = idx - (double)lo;
        /* Rank lo < n is always passed; rank lo + 1 = n never is, and then
         * the quantile is rank lo's bin. */
        int blo = first_past(cum, lo), bhi = first_past(cum, lo + 1);
        if (bhi < 0)
            bhi = blo;
        double x = bin_value(blo, cap);
        x += frac * (bin_value(bhi, cap) - x);
        out[q] = x < vmin ? vmin : x > vmax ? vmax : x;
    }
}

struct cor_results *cor_agg_finish(struct cor_agg *a, uint64_t seed)
{
    const struct cor_scenario *sc = a->m->sc;
    flush_recent(a);
    struct cor_results *res = cor_calloc(1, sizeof *res);
    res->scenario = sc;
    res->seed = seed;
    res->replications = a->n;
    res->days = a->days;
    res->events_processed = a->events;
    long half = (a->n + 1) / 2;

    res->stocks = cor_calloc((size_t)a->nstocks + 1, sizeof *res->stocks);
    for (int k = 0; k < a->nstocks; k++) {
        struct cor_stock_result *s = &res->stocks[k];
        gsl_rstat_workspace **w = &a->stock_stat[k * ST_N];
        const long *hist = &a->first_hist[(size_t)k * a->days];
        s->reps_short = a->reps_short[k];
        s->p_shortage = a->n ? (double)s->reps_short / (double)a->n : 0.0;
        s->half_reps_by = -1;
        if (s->reps_short > 0) {
            s->first_p10 = cor_hist_quantile(hist, a->days, s->reps_short, 0.10);
            s->first_p50 = cor_hist_quantile(hist, a->days, s->reps_short, 0.50);
            s->first_p90 = cor_hist_quantile(hist, a->days, s->reps_short, 0.90);
            long by = 0;
            for (int d = 0; d < a->days; d++) {
                by += hist[d];
                if (by >= half) {
                    s->half_reps_by = d;
                    break;
                }
            }
        }
        s->shortage_days = estimate(w[ST_SHORT_DAYS]);
        s->unmet = estimate(w[ST_UNMET]);
        s->served_fraction = estimate(w[ST_SERVED]);
        s->delivered = estimate(w[ST_DELIVERED]);
        s->turned_away = estimate(w[ST_TURNED]);
        s->rationing_days = estimate(w[ST_RATION]);
        s->final_stock = estimate(w[ST_FINAL]);
    }

    size_t cells = (size_t)a->days * a->nstocks;
    res->timeline = cor_calloc(cells + 1, sizeof *res->timeline);
    long *short_by = cor_calloc((size_t)a->nstocks + 1, sizeof(long));
    double n = a->n ? (double)a->n : 1.0;
    for (size_t i = 0; i < cells; i++) {
        int k = (int)(i % (size_t)a->nstocks), d = (int)(i / (size_t)a->nstocks);
        double cap = sc->stocks[k].capacity;
        const uint32_t *h = &a->stock_hist[i * (COR_STOCK_BINS + 1)];
        struct cor_day_result *dr = &res->timeline[i];
        short_by[k] += a->first_hist[(size_t)k * a->days + d];
        dr->stock_mean = a->sum_stock[i] / n;
        if (a->n) {
            static const double f[3] = {0.05, 0.50, 0.95};
            double q[3];
            stock_quantiles(h, a->n, cap, f, 3, a->stock_min[i], a->stock_max[i], q);
            dr->stock_p05 = q[0];
            dr->stock_p50 = q[1];
            dr->stock_p95 = q[2];
        }
        dr->p_short = (double)a->n_short[i] / n;
        dr->p_short_by = (double)short_by[k] / n;
        dr->unmet_mean = a->sum_unmet[i] / n;
        dr->delivered_mean = a->sum_delivered[i] / n;
    }
    free(short_by);

    struct cor_corridor_result *c = &res->corridor;
    c->convoys_dispatched = estimate(a->corr[CO_DISPATCHED]);
    c->departures_cancelled = estimate(a->corr[CO_CANCELLED]);
    c->departures_skipped = estimate(a->corr[CO_SKIPPED]);
    c->ambushes = estimate(a->corr[CO_AMBUSHES]);
    c->convoys_ambushed = estimate(a->corr[CO_AMBUSHED]);
    c->trucks_destroyed = estimate(a->corr[CO_DESTROYED]);
    c->drivers_killed = estimate(a->corr[CO_KILLED]);
    c->escort_wait_hours = estimate(a->corr[CO_WAIT]);
    c->convoys_rerouted = estimate(a->corr[CO_REROUTED]);
    c->reroute_extra_km = estimate(a->corr[CO_EXTRA_KM]);
    c->lost = cor_calloc((size_t)a->ncommodities + 1, sizeof *c->lost);
    for (int i = 0; i < a->ncommodities; i++)
        c->lost[i] = estimate(a->lost[i]);

    res->trace = a->trace;
    res->ntrace = a->ntrace;
    a->trace = NULL;
    a->ntrace = 0;
    return res;
}
