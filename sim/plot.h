/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plots of a run's results as SVG: the pictures of `--out DIR`.
 *
 * One fan chart of stock per city x commodity and one chart of the
 * shortage-probability curves, drawn with PLplot's svg driver. Like the
 * data files they only read the results, are published atomically (see
 * outfile.h), never depend on the locale and are byte-identical for the
 * same results.
 *
 * PLplot keeps global state, so the plots are drawn one at a time under a
 * lock: the function is safe to call from any thread, but concurrent calls
 * wait for each other. It ends with plend(), which closes every PLplot
 * stream of the process and frees PLplot's tables: corridor is assumed to
 * be PLplot's only user. */
#ifndef COR_PLOT_H
#define COR_PLOT_H

#include "corridor/diag.h"
#include "corridor/results.h"
#include "corridor/status.h"

/* Creates `dir` if needed (one level) and publishes in it
 * fan-CITY-COMMODITY.svg for each stock (ids as in the scenario) and
 * shortage.svg. Returns COR_OK, or COR_EIO with the reason added to diag;
 * it stops at the first file that fails, the ones before it being whole. */
enum cor_status cor_plot_write_dir(const char *dir, const struct cor_results *r,
                                   struct cor_diag *diag);

#endif
