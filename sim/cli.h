/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line: `corridor run | validate | --help | --version`.
 *
 * Exit statuses: 0 success, 1 runtime failure (an output file could not be
 * written, a replication hit the event cap), 2 bad usage or bad scenario,
 * 128 + signal number when interrupted. Results go to stdout, diagnostics
 * and progress to stderr; nothing is printed or written until the run has
 * succeeded, so a failure never leaves partial output. */
#ifndef COR_CLI_H
#define COR_CLI_H

enum { COR_EXIT_OK = 0, COR_EXIT_RUNTIME = 1, COR_EXIT_USAGE = 2 };

/* Runs the command line; returns the process exit status. */
int cor_cli_main(int argc, char **argv);

#endif
