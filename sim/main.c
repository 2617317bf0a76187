/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corridor: the program entry point. */
#include <gsl/gsl_errno.h>

#include "cli.h"

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; corridor validates parameters at load
     * time and checks return codes instead. Set before any thread starts. */
    gsl_set_error_handler_off();
    return cor_cli_main(argc, argv);
}
