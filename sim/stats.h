/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming aggregation of replication results into cor_results.
 *
 * Replications are added one at a time, in replication order, and then
 * discarded: memory depends on the horizon and the number of stocks, never
 * on the number of replications. Means and confidence intervals use GSL's
 * running statistics (gsl_rstat, Welford's method); first-shortage days are
 * whole days, so a per-day histogram gives their quantiles exactly; per-day
 * stock percentiles come from a fixed-bin histogram over [0, capacity]
 * (COR_STOCK_BINS bins plus an exact-zero bin), whose error is at most half
 * a bin, capacity / (2 * COR_STOCK_BINS).
 *
 * Ownership: cor_agg_finish() hands the caller a cor_results to free with
 * cor_results_free(); the aggregator is freed with cor_agg_free(). */
#ifndef COR_STATS_H
#define COR_STATS_H

#include <stdint.h>

#include "corridor/results.h"
#include "engine.h"

#define COR_STOCK_BINS 256

struct cor_agg;

struct cor_agg *cor_agg_new(const struct cor_model *m);
void cor_agg_free(struct cor_agg *a);
/* Adds one replication; call in replication order. If r holds a trace it
 * is moved into the aggregator (r->trace becomes NULL). */
void cor_agg_add(struct cor_agg *a, struct cor_rep_result *r);
/* The aggregated results of everything added so far. */
struct cor_results *cor_agg_finish(struct cor_agg *a, uint64_t seed);

/* Quantile f in [0, 1] of n whole-day observations given as a histogram
 * (hist[d] = how many observations equal d), interpolated as
 * gsl_stats_quantile_from_sorted_data does. n must be > 0. */
double cor_hist_quantile(const long *hist, int ndays, long n, double f);
/* Student-t 95 % interval for a sample of n values with this mean and
 * standard deviation. */
struct cor_estimate cor_estimate_make(long n, double mean, double sd);

#endif
