/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Results of a run: their destructor and the names of trace kinds.
 *
 * The results struct is built on the heap by the experiment runner and owns
 * every array in it (stocks, timeline, per-commodity losses, trace); the
 * scenario it points at belongs to the caller. */
#include "corridor/results.h"

#include <stdlib.h>

void cor_results_free(struct cor_results *r)
{
    if (!r)
        return;
    free(r->stocks);
    free(r->timeline);
    free(r->corridor.lost);
    free(r->trace);
    free(r);
}

/* These names are the `kind` column of events.csv: part of the output
 * contract, so never renamed, only added to. */
const char *cor_trace_kind_name(enum cor_trace_kind k)
{
    switch (k) {
    case COR_TRACE_DEPART: return "depart";
    case COR_TRACE_CANCEL: return "cancel";
    case COR_TRACE_SKIP: return "skip";
    case COR_TRACE_ESCORT_WAIT: return "escort_wait";
    case COR_TRACE_ESCORT_START: return "escort_start";
    case COR_TRACE_CLOSED_WAIT: return "closed_wait";
    case COR_TRACE_ENTER: return "enter";
    case COR_TRACE_AMBUSH: return "ambush";
    case COR_TRACE_SUSPEND: return "suspend";
    case COR_TRACE_ARRIVE: return "arrive";
    case COR_TRACE_DELIVER: return "deliver";
    case COR_TRACE_WIPED_OUT: return "wiped_out";
    case COR_TRACE_CLOSURE_START: return "closure_start";
    case COR_TRACE_CLOSURE_END: return "closure_end";
    case COR_TRACE_SHORTAGE: return "shortage";
    case COR_TRACE_REROUTE: return "reroute";
    }
    return "unknown";
}
