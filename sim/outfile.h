/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Publishing an output file atomically: whole or not at all.
 *
 * A result file is written to a temporary name in its own directory
 * (`.NAME.XXXXXX`), flushed, synced to disk, closed, renamed over NAME and
 * the directory synced, so that a reader, a crash or a full disk never sees
 * a half-written file: NAME is either the old file (or absent) or the
 * complete new one. On any failure the temporary file is removed. */
#ifndef COR_OUTFILE_H
#define COR_OUTFILE_H

#include <stdio.h>

#include "corridor/diag.h"
#include "corridor/status.h"

/* Writes a document to `out`; returns COR_OK, or an error status when it
 * could not (the publisher also checks the stream's error flag). */
typedef enum cor_status (*cor_outfile_write_fn)(FILE *out, const void *ctx);

/* Publishes `path` with the content written by writer(out, ctx). Returns
 * COR_OK, or COR_EIO with a message added to diag: `cannot write PATH:
 * REASON` when the failure comes before the rename (PATH is unchanged and
 * no temporary file is left); `wrote PATH, but cannot sync its directory
 * DIR: REASON` when only the final directory sync fails (PATH is the
 * complete new file but may not survive a power cut). */
enum cor_status cor_outfile_publish(const char *path, cor_outfile_write_fn writer,
                                    const void *ctx, struct cor_diag *diag);

/* DIR/NAME (no doubled slash when DIR ends with one); the caller frees it. */
char *cor_outfile_path(const char *dir, const char *name);

/* Creates the directory `dir` (one level, like mkdir(1) without -p) unless
 * it already exists as a directory. Returns COR_OK, or COR_EIO with
 * `cannot create directory DIR: REASON` (or, for an existing file that is
 * not a directory, `cannot write into DIR: it exists and is not a
 * directory`) added to diag. A directory it made but whose parent it then
 * cannot sync is removed again (`cannot create directory DIR: syncing
 * PARENT: REASON`). */
enum cor_status cor_outfile_mkdir(const char *dir, struct cor_diag *diag);

/* Whether cor_outfile_mkdir and the writes into `dir` can succeed, asked
 * before a long run rather than found out after it: `dir` is a writable
 * directory, or does not exist and its parent takes new directories (a
 * hidden one of a unique name is made there and removed again). Creates
 * nothing under DIR's own name. COR_EINPUT with the reason in `diag`
 * otherwise. */
enum cor_status cor_outfile_check_dir(const char *dir, struct cor_diag *diag);

#endif
