/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corridor: the program entry point. */
#include <signal.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; corridor validates parameters at load
     * time and checks return codes instead. Set before any thread starts. */
    gsl_set_error_handler_off();
    /* A pipe whose reader has exited makes writing stdout fail with EPIPE,
     * which cli.c reports as any failed write (exit 1), instead of killing
     * the process with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    return cor_cli_main(argc, argv);
}
