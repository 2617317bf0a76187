/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corridor: the whole public API in one include.
 *
 * Load a scenario (scenario.h), run replications of it (experiment.h) and
 * render or publish the results (report.h, results.h). Errors come back as
 * a status (status.h) with positioned diagnostics (diag.h). */
#ifndef CORRIDOR_H
#define CORRIDOR_H

#include "corridor/diag.h"
#include "corridor/dist.h"
#include "corridor/experiment.h"
#include "corridor/report.h"
#include "corridor/results.h"
#include "corridor/scenario.h"
#include "corridor/status.h"
#include "corridor/version.h"

#endif
