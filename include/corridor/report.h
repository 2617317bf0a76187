/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reports: results rendered for people (table) and for scripts (CSV, JSON),
 * and the result files of `--out DIR`.
 *
 * Reports only read results. The JSON and CSV files hold no timings, so the
 * same scenario and seed give byte-identical files; the wall time appears in
 * the table's footer only. Numbers are printed locale-independently.
 *
 * Errors: the writers return COR_OK or COR_EIO (with a diagnostic for the
 * directory writer). */
#ifndef CORRIDOR_REPORT_H
#define CORRIDOR_REPORT_H

#include <stdio.h>

#include "corridor/diag.h"
#include "corridor/results.h"
#include "corridor/status.h"

enum cor_format { COR_FORMAT_TABLE, COR_FORMAT_CSV, COR_FORMAT_JSON };

/* Writes the run's result to `out` in format f: the human table (with wall
 * time and events/s in its footer), one CSV row per city x commodity, or the
 * summary.json document. */
enum cor_status cor_report_write(FILE *out, const struct cor_results *r,
                                 enum cor_format f);
/* The summary.json document. */
enum cor_status cor_report_summary_json(FILE *out, const struct cor_results *r);
/* timeline.csv: one row per day x city x commodity. */
enum cor_status cor_report_timeline_csv(FILE *out, const struct cor_results *r);
/* events.csv: the event trace of replication 0. */
enum cor_status cor_report_events_csv(FILE *out, const struct cor_results *r);
/* Creates `dir` if needed and publishes summary.json, timeline.csv,
 * events.csv and the plots (fan-CITY-COMMODITY.svg per stock, shortage.svg)
 * in it, each written to a temporary name, synced and renamed, so an
 * interrupted run never leaves a half-written file. */
enum cor_status cor_report_write_dir(const char *dir,
                                     const struct cor_results *r,
                                     struct cor_diag *diag);

#endif
