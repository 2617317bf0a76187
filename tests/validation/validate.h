/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for the statistical validation suite: replications through the
 * engine, YAML built in memory, and tolerance rules stated once.
 *
 * The validation programs drive the engine directly (cor_engine_run into a
 * cor_rep_result), not the experiment layer: they need every replication's
 * own figures, and often its full event trace, to form estimates whose
 * sampling distribution is known. Each replication is seeded from (seed,
 * rep) as in production, so every check is deterministic.
 *
 * Tolerances: a statistic that should equal a closed form x is accepted
 * when |estimate - x| <= z * standard error (+ any bias bounded explicitly
 * at the call site). Z_CHECK = 4.42 is the two-sided normal quantile for a
 * false-alarm rate of 1e-5 per check for a correct model; means estimated
 * from a modest number of independent replications use Student's t at the
 * same rate instead. The fixed seeds then make the outcome reproducible. Sample sizes are chosen so that the
 * resulting half-width is a small fraction (about 2 %) of the quantity
 * checked, so an error of a few percent in the model fails. */
#ifndef COR_VALIDATE_H
#define COR_VALIDATE_H

#include "testutil.h"

#include <math.h>
#include <stdbool.h>

#include <gsl/gsl_cdf.h>

#include "engine.h"

/* Two-sided normal quantile for alpha = 1e-5: Phi^-1(1 - 5e-6). */
#define Z_CHECK 4.42
/* Significance level of each chi-square goodness-of-fit test. */
#define ALPHA_GOF 1e-5

/* ---- YAML built in memory -------------------------------------------- */

struct vbuf {
    char *s;
    size_t n, cap;
};

/* Appends formatted text to b, growing it as needed. */
static inline void __attribute__((format(printf, 2, 3)))
vb_printf(struct vbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        int k = b->s ? vsnprintf(b->s + b->n, room, fmt, ap) : -1;
        va_end(ap);
        if (b->s && k >= 0 && (size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        size_t want = b->cap ? 2 * b->cap : 4096;
        if (k >= 0 && want < b->n + (size_t)k + 1)
            want = b->n + (size_t)k + 1;
        char *p = realloc(b->s, want);
        assert_non_null(p);
        b->s = p;
        b->cap = want;
        if (b->n == 0)
            b->s[0] = '\0';
    }
}

static inline void vb_free(struct vbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->n = b->cap = 0;
}

/* ---- replications through the engine ---------------------------------- */

/* One worker: a model, an engine and a result slot reused replication after
 * replication. */
struct vrun {
    struct cor_model *m;
    struct cor_engine *e;
    struct cor_rep_result r;
};

/* Opens a worker for `days` days (0: the scenario's horizon); with `trace`
 * every replication keeps its full event trace in v->r.trace. */
static inline void vrun_open(struct vrun *v, const struct cor_scenario *s, int days,
                             bool trace)
{
    v->m = cor_model_new(s, days > 0 ? days : s->horizon_days);
    cor_rep_result_init(&v->r, v->m);
    v->r.trace_on = trace;
    v->e = cor_engine_new(v->m);
}

/* Runs replication `rep` with `seed`; the result is in v->r. */
static inline void vrun_rep(struct vrun *v, uint64_t seed, long rep)
{
    assert_int_equal(cor_engine_run(v->e, seed, rep, &v->r), COR_OK);
}

static inline void vrun_close(struct vrun *v)
{
    cor_engine_free(v->e);
    cor_rep_result_fini(&v->r);
    cor_model_free(v->m);
}

/* ---- checks ------------------------------------------------------------ */

/* A binomial proportion: `hits` successes in `n` independent trials each
 * with probability p. Passes when hits / n is within Z_CHECK standard
 * errors sqrt(p (1 - p) / n) of p. */
static inline void v_check_prop(const char *what, double hits, double n, double p)
{
    assert_true(n > 0);
    double est = hits / n, se = sqrt(p * (1 - p) / n);
    if (!(fabs(est - p) <= Z_CHECK * se))
        fail_msg("%s: %.0f / %.0f = %.6f, closed form %.6f, |diff| %.3g > z %.2f x se %.3g",
                 what, hits, n, est, p, fabs(est - p), Z_CHECK, se);
}

/* The critical value for a mean over n independent replications at the
 * same two-sided false-alarm rate 1e-5: Student's t with n - 1 degrees of
 * freedom (4.42 as n grows). */
static inline double v_t_crit(long n)
{
    return gsl_cdf_tdist_Qinv(5e-6, (double)(n - 1));
}

/* A mean: estimate `est` with standard error `se` against closed form x,
 * within `crit` standard errors plus an explicitly bounded bias. */
static inline void v_check_mean(const char *what, double est, double se, double x,
                                double bias, double crit)
{
    if (!(fabs(est - x) <= crit * se + bias))
        fail_msg("%s: estimate %.6g, closed form %.6g, |diff| %.3g > %.2f x se %.3g + bias %.3g",
                 what, est, x, fabs(est - x), crit, se, bias);
}

/* Agreement within `tol` for quantities that are exact up to rounding; the
 * caller scales tol to the magnitudes involved. */
static inline void v_check_near(const char *what, double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.17g, expected %.17g (tolerance %.3g)", what, got, want, tol);
}

/* Running mean and variance of per-replication values (Welford). */
struct vstat {
    long n;
    double mean, m2;
};

static inline void vstat_add(struct vstat *s, double x)
{
    s->n++;
    double d = x - s->mean;
    s->mean += d / (double)s->n;
    s->m2 += d * (x - s->mean);
}

/* Standard error of the mean. */
static inline double vstat_se(const struct vstat *s)
{
    return s->n > 1 ? sqrt(s->m2 / (double)(s->n - 1) / (double)s->n) : INFINITY;
}

/* Pearson's chi-square goodness of fit of observed counts obs[0..n) against
 * probabilities p[0..n) (summing to 1) over `total` observations. Adjacent
 * cells are pooled from the tails inward until each pooled cell expects at
 * least 5, the usual condition for the chi-square approximation. Returns
 * the p-value Q(X^2, cells - 1); *cells receives the pooled cell count. */
static inline double v_chisq_gof(const long *obs, const double *p, int n, long total,
                                 int *cells)
{
    double x2 = 0.0, eo = 0.0, ee = 0.0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        eo += (double)obs[i];
        ee += p[i] * (double)total;
        /* Close the cell when it expects 5 and what is left does too. */
        double rest = 0.0;
        for (int j = i + 1; j < n; j++)
            rest += p[j] * (double)total;
        if ((ee >= 5.0 && rest >= 5.0) || i == n - 1) {
            x2 += (eo - ee) * (eo - ee) / ee;
            k++;
            eo = ee = 0.0;
        }
    }
    *cells = k;
    return k > 1 ? gsl_cdf_chisq_Q(x2, (double)(k - 1)) : 1.0;
}

#endif
