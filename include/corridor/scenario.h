/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scenario: a validated, immutable description of one corridor model.
 *
 * A scenario is built by the YAML loader (cor_scenario_load_*) and then only
 * read: every replication thread shares one scenario without locks. All
 * references (node, segment, commodity, escort, city) are resolved to array
 * indices at load time so that the engine never looks up a name.
 *
 * Units: time in hours unless a field says days; distances in km; speeds in
 * km/h; quantities in the commodity's own unit.
 *
 * Ownership: cor_scenario_load_* return a scenario the caller frees with
 * cor_scenario_free(); every string and array inside belongs to it. */
#ifndef CORRIDOR_SCENARIO_H
#define CORRIDOR_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "corridor/diag.h"
#include "corridor/dist.h"
#include "corridor/status.h"

/* Caps that keep hostile or absurd input from exhausting memory or time.
 * Each is documented in docs/scenario-format.md; hitting one is an error
 * that names the cap. */
#define COR_MAX_FILE_BYTES (4u << 20)
#define COR_MAX_DEPTH 24
#define COR_MAX_SCALAR_BYTES 4096
#define COR_MAX_YAML_NODES 200000
#define COR_MAX_NODES 1000
#define COR_MAX_SEGMENTS 4000
#define COR_MAX_COMMODITIES 32
#define COR_MAX_STOCKS 256          /* city x commodity pairs */
#define COR_MAX_FLOWS 1000
#define COR_MAX_ROUTE 256           /* nodes in one route */
#define COR_MAX_ALTERNATES 16       /* alternate routes per flow */
#define COR_MAX_ESCORTS 256
#define COR_MAX_PHASES 1000
#define COR_MAX_CLOSURES 1000
#define COR_MAX_SEASONS 100
#define COR_MAX_HORIZON_DAYS 3660
#define COR_MAX_REPLICATIONS 10000000L
#define COR_MAX_OVERRIDES 256
#define COR_MAX_MAGNITUDE 1e15      /* any number's absolute value */
#define COR_MIN_POSITIVE 1e-9       /* a value that must be > 0 */

enum cor_node_kind { COR_NODE_PORT, COR_NODE_BORDER, COR_NODE_TOWN, COR_NODE_CITY };

struct cor_node {
    char *id;          /* key in `nodes:` */
    char *name;        /* display name; defaults to id */
    enum cor_node_kind kind;
    bool has_coords;
    double lat, lon;
    bool has_dwell;    /* convoys passing through wait dwell_hours */
    struct cor_dist dwell_hours;
};

struct cor_commodity {
    char *id;          /* key in `commodities:` */
    char *unit;        /* display unit; defaults to "unit" */
};

struct cor_segment {
    char *id;          /* given id, or "from-to" */
    int a, b;          /* node indices, as written (from, to) */
    double km;
    double speed_kmh;
    double hazard;     /* ambushes per 1000 convoy-km at factor 1 */
};

/* One city holding one commodity: the unit of every shortage result. */
struct cor_stock {
    int city;          /* index into cities[] */
    int commodity;     /* index into commodities[] */
    double stock;      /* initial */
    double capacity;
    double demand;     /* per day */
    bool has_ration;
    double ration_below_days;
    double ration_factor;
};

struct cor_city {
    int node;          /* the node whose id keys `cities:` */
    int first_stock;   /* its stocks are stocks[first_stock .. +nstocks) */
    int nstocks;
};

struct cor_escort {
    char *id;
    int units;
    int from, to;              /* node indices */
    double hazard_factor;
    struct cor_dist loss_probability;
    bool has_return;           /* false: the escorted stretch's travel time */
    struct cor_dist return_hours;
};

/* One step of a route: the segment joining route[i] to route[i+1]. */
struct cor_leg {
    int segment;
    int from, to;              /* node indices in travel order */
    double base_hours;         /* km / speed, before season factors */
};

/* One way from a flow's origin, or from a node on the way, to its
 * destination. */
struct cor_route {
    int *nodes;                /* node indices, nnodes >= 2 */
    int nnodes;
    struct cor_leg *legs;      /* nnodes - 1 legs */
    double base_hours;         /* sum of legs' base_hours */
    double km;                 /* sum of legs' lengths */
    double *km_before;         /* km from the route's start to nodes[i] */
    int escort_from_leg;       /* route index of the escort's `from`, or -1 */
    int escort_to_leg;         /* route index of the escort's `to`, or -1 */
    double escort_base_hours;  /* the escorted stretch's base_hours, or 0 */
};

struct cor_flow {
    char *id;
    int commodity;
    struct cor_route *routes;  /* routes[0]: `route`; then `alternates` */
    int nroutes;
    int trucks;                /* per convoy */
    double payload;            /* per truck */
    struct cor_dist every_hours;
    double start_hour;
    double from_day, to_day;   /* active window; to_day may be INFINITY */
    int escort;                /* index into escorts[], or -1 */
    long fleet;                /* 0: no fleet limit */
    int stock;                 /* destination's index into stocks[] */
    bool has_reorder;          /* dispatch only below a stock position */
    double reorder_below_days;
    /* Reroute rule (needs alternates): leave the current route at a node
     * when its next segment has been closed for closed_hours, or when its
     * hazard there exceeds hazard_above. */
    bool reroute_on_closure;
    double reroute_closed_hours;
    bool reroute_on_hazard;
    double reroute_hazard_above;
};

/* Probabilities drawn per ambush are distributions too: a constant, or a
 * beta law (convoy-level severity). */
struct cor_ambush {
    struct cor_dist loss_probability;
    struct cor_dist driver_death_probability;
    struct cor_dist delay_hours;
    double *commodity_factor;  /* one per commodity, default 1 */
    double deterrence_probability;
    struct cor_dist suspend_days;
};

struct cor_phase {
    double from_day;
    double hazard_factor;
    char *label;               /* may be NULL */
};

struct cor_closure {
    int segment;
    bool random;
    double from_day, to_day;   /* scheduled: the window [from, to) */
    struct cor_dist every_days;  /* random: inter-arrival of starts */
    struct cor_dist lasts_hours; /* random: duration */
    char *label;               /* may be NULL */
};

struct cor_season {
    char *label;               /* may be NULL */
    double from_day, to_day;
    double speed_factor;
    double closure_rate_factor;
};

struct cor_scenario {
    char *name;
    char *description;         /* may be NULL */
    char *source;              /* file name used in diagnostics */
    bool has_start_date;
    int start_year, start_month, start_day;
    int horizon_days;
    uint64_t seed;
    long replications;

    struct cor_commodity *commodities; int ncommodities;
    struct cor_node *nodes;            int nnodes;
    struct cor_segment *segments;      int nsegments;
    struct cor_city *cities;           int ncities;
    struct cor_stock *stocks;          int nstocks;
    struct cor_flow *flows;            int nflows;
    struct cor_escort *escorts;        int nescorts;
    struct cor_ambush ambush;
    struct cor_phase *phases;          int nphases;   /* sorted by from_day */
    struct cor_closure *closures;      int nclosures;
    struct cor_season *seasons;        int nseasons;

    char **overrides;          /* the --set strings applied, in order */
    int noverrides;
};

/* Loads and validates a scenario file, then applies the `--set PATH=VALUE`
 * overrides (in order) before validation. Returns NULL when anything is
 * wrong, with every error found added to `diag`. */
struct cor_scenario *cor_scenario_load_file(const char *path,
                                            const char *const *overrides,
                                            int noverrides,
                                            struct cor_diag *diag);
/* The same from memory; `name` is used in diagnostics. */
struct cor_scenario *cor_scenario_load_buffer(const char *name,
                                              const char *buf, size_t len,
                                              const char *const *overrides,
                                              int noverrides,
                                              struct cor_diag *diag);
/* Frees the scenario and everything in it; NULL is a no-op. */
void cor_scenario_free(struct cor_scenario *s);

/* Index of the node, commodity or flow with this id, or -1. */
int cor_scenario_node(const struct cor_scenario *s, const char *id);
int cor_scenario_commodity(const struct cor_scenario *s, const char *id);
int cor_scenario_flow(const struct cor_scenario *s, const char *id);
/* Index of the segment named `id`, or "a-b" / "b-a" by node ids, or -1. */
int cor_scenario_segment(const struct cor_scenario *s, const char *id);
/* Whether every date of a run of `days` days (days 0 to days - 1) fits
 * four-digit years, ending by 9999-12-31; true without a start date. */
bool cor_scenario_dates_fit(const struct cor_scenario *s, int days);

#endif
