/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Command-line parsing and the `run` and `validate` commands.
 *
 * Options take their value either as `--opt VALUE` or `--opt=VALUE`.
 * Numbers on the command line are parsed as strictly as in scenario files:
 * the whole argument must be a number in range. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "corridor.h"
#include "outfile.h"
#include "work.h"

_Static_assert(COR_OOM_STATUS == COR_EXIT_RUNTIME,
               "running out of memory ends the process as a runtime failure");

extern const char *const cor_default_scenario;
extern const size_t cor_default_scenario_len;
#define DEFAULT_NAME "rn1-2025-blockade.yaml"

static const char usage_main[] =
    "usage: corridor COMMAND [OPTIONS]\n"
    "\n"
    "Supply-corridor disruption simulator: shortage timelines for the cities\n"
    "of a convoy corridor under ambushes, escorts and road closures.\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO.yaml]     run replications and report shortage timelines\n"
    "                          (no scenario: the embedded 2025 RN1 blockade)\n"
    "  validate SCENARIO.yaml...  check scenario files, report every error\n"
    "\n"
    "  corridor --help | -h | help, corridor --version | -V\n"
    "  corridor COMMAND --help\n"
    "\n"
    "exit status: 0 success, 1 runtime failure, 2 bad usage or bad scenario,\n"
    "128+N interrupted by signal N. See docs/cli.md.\n";

static const char usage_run[] =
    "usage: corridor run [SCENARIO.yaml] [OPTIONS]\n"
    "\n"
    "Runs R replications of the scenario (default: the embedded rn1-2025-blockade)\n"
    "and prints the shortage summary per city and commodity.\n"
    "\n"
    "options:\n"
    "  --reps N            replications (default: the scenario's)\n"
    "  --seed S            master seed, 0..2^64-1 (default: the scenario's)\n"
    "  --threads T         worker threads (default: all cores); results do not\n"
    "                      depend on T\n"
    "  --days D            horizon in days (default: the scenario's)\n"
    "  --start-date DATE   calendar date of day 0, YYYY-MM-DD (outputs carry dates)\n"
    "  --set PATH=VALUE    override a scenario value, e.g.\n"
    "                      --set flows.fuel-bamako-escorted.trucks=30 (repeatable)\n"
    "  --out DIR           also write summary.json, timeline.csv, events.csv\n"
    "  --format F          stdout format: table (default), csv or json\n"
    "  -q, --quiet         no progress bar and no timing line on stderr\n"
    "  -h, --help          this help\n";

static const char usage_validate[] =
    "usage: corridor validate SCENARIO.yaml...\n"
    "\n"
    "Loads and checks each scenario; prints 'FILE: ok' for each valid file and\n"
    "every error of the others as FILE:LINE:COL: error: MESSAGE on stderr.\n"
    "Exit status 0 when all are valid, 2 otherwise (1 if stdout cannot be written).\n"
    "\n"
    "options:\n"
    "  -h, --help          this help\n";

/* Set from the signal handler, read by the worker threads: a lock-free
 * atomic is safe in both places (a volatile sig_atomic_t is not, across
 * threads). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the stop flag must be lock-free");
static atomic_int stop_signal;

static void on_signal(int sig)
{
    atomic_store_explicit(&stop_signal, sig, memory_order_relaxed);
}

static int stop_signal_raised(void)
{
    return atomic_load_explicit(&stop_signal, memory_order_relaxed);
}

/* Says that stdout could not be written, with the reason when the failed
 * write left one in errno (the caller cleared it first): "Broken pipe"
 * when the reader has gone, "No space left on device" on a full disk. */
static void stdout_failed(void)
{
    int e = errno;
    fprintf(stderr, "corridor: error: cannot write the result to stdout%s%s\n", e ? ": " : "",
            e ? strerror(e) : "");
}

/* Writes the result to stdout in format f; false (said on stderr) if it
 * could not be written whole. Through one buffer of the size a pipe holds,
 * so that a result up to 64 KiB goes out in one write: a reader that stops
 * early, such as `head -3`, has it all before it exits, and the run does
 * not fail on the rest. Nothing has been written to stdout before. */
static bool write_stdout(const struct cor_results *res, enum cor_format f)
{
    /* glibc ignores the size when given no buffer: give it one. Static,
     * for stdout keeps it until exit. */
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    errno = 0;
    if (cor_report_write(stdout, res, f) == COR_OK && fflush(stdout) == 0)
        return true;
    stdout_failed();
    return false;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("corridor: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n(see 'corridor --help')\n", stderr);
    va_end(ap);
    return COR_EXIT_USAGE;
}

/* Whole argument as an unsigned integer in [lo, hi]. */
static bool parse_uint(const char *s, unsigned long long lo,
                       unsigned long long hi, unsigned long long *out)
{
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Matches `--name VALUE` or `--name=VALUE`; advances *i past the value. */
static bool take_opt(int argc, char **argv, int *i, const char *name,
                     const char **value, int *err)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *err = usage_error("option '%s' needs a value", name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

struct run_args {
    const char *scenario;
    long reps;
    bool has_seed;
    unsigned long long seed;
    int threads;
    int days;
    const char **sets;
    int nsets;
    const char *out_dir;
    char *start_date;     /* the --start-date override, owned */
    enum cor_format format;
    bool quiet;
};

static void run_args_fini(struct run_args *a)
{
    free(a->sets);
    free(a->start_date);
}

struct progress {
    struct timespec start;
    double last;
    bool shown;
};

/* The monotonic clock, which Linux always has; should it fail, timings
 * read 0 rather than garbage (they go only to the footer and stderr). */
static void monotonic_now(struct timespec *t)
{
    if (clock_gettime(CLOCK_MONOTONIC, t) != 0)
        t->tv_sec = t->tv_nsec = 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    monotonic_now(&t);
    if ((t0->tv_sec == 0 && t0->tv_nsec == 0) || (t.tv_sec == 0 && t.tv_nsec == 0))
        return 0.0; /* no clock */
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* A bar with ETA on a terminal, once the run has lasted half a second. */
static void show_progress(long done, long total, void *ctx)
{
    struct progress *p = ctx;
    double el = seconds_since(&p->start);
    if (el < 0.5 || (el - p->last < 0.1 && done < total))
        return;
    p->last = el;
    p->shown = true;
    int width = 30, fill = (int)((double)width * (double)done / (double)total);
    double eta = done ? el * (double)(total - done) / (double)done : 0.0;
    fprintf(stderr, "\r[%.*s%*s] %ld/%ld  %.1fs elapsed, ETA %.1fs ", fill,
            "##############################", width - fill, "", done, total, el, eta);
    fflush(stderr);
}

static int parse_run(int argc, char **argv, struct run_args *a)
{
    int err = 0;
    a->sets = cor_calloc((size_t)argc + 1, sizeof *a->sets);
    for (int i = 2; i < argc && !err; i++) {
        const char *v = NULL, *arg = argv[i];
        unsigned long long n = 0;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage_run, stdout);
            return -1;
        } else if (take_opt(argc, argv, &i, "--reps", &v, &err)) {
            if (v && !parse_uint(v, 1, COR_MAX_REPLICATIONS, &n))
                err = usage_error("--reps needs a whole number from 1 to 10000000 (got '%s')", v);
            a->reps = (long)n;
        } else if (take_opt(argc, argv, &i, "--seed", &v, &err)) {
            if (v && !parse_uint(v, 0, UINT64_MAX, &a->seed))
                err = usage_error("--seed needs a whole number from 0 to 2^64-1 (got '%s')", v);
            a->has_seed = true;
        } else if (take_opt(argc, argv, &i, "--threads", &v, &err)) {
            if (v && !parse_uint(v, 1, COR_MAX_THREADS, &n))
                err = usage_error("--threads needs a whole number from 1 to 256 (got '%s')", v);
            a->threads = (int)n;
        } else if (take_opt(argc, argv, &i, "--days", &v, &err)) {
            if (v && !parse_uint(v, 1, COR_MAX_HORIZON_DAYS, &n))
                err = usage_error("--days needs a whole number from 1 to 3660 (got '%s')", v);
            a->days = (int)n;
        } else if (take_opt(argc, argv, &i, "--set", &v, &err)) {
            if (v && a->nsets >= COR_MAX_OVERRIDES)
                err = usage_error("too many --set options (cap %d)", COR_MAX_OVERRIDES);
            else if (v)
                a->sets[a->nsets++] = v;
        } else if (take_opt(argc, argv, &i, "--start-date", &v, &err)) {
            /* An override like any other, so the loader checks the date and
             * summary.json records it (cmd_run refuses one that unset it). */
            if (v) {
                size_t len = strlen(v) + sizeof "scenario.start_date=";
                free(a->start_date);
                a->start_date = cor_malloc(len);
                snprintf(a->start_date, len, "scenario.start_date=%s", v);
            }
        } else if (take_opt(argc, argv, &i, "--out", &v, &err)) {
            if (v && !*v)
                err = usage_error("--out needs a directory");
            a->out_dir = v;
        } else if (take_opt(argc, argv, &i, "--format", &v, &err)) {
            if (!v)
                ;
            else if (!strcmp(v, "table"))
                a->format = COR_FORMAT_TABLE;
            else if (!strcmp(v, "csv"))
                a->format = COR_FORMAT_CSV;
            else if (!strcmp(v, "json"))
                a->format = COR_FORMAT_JSON;
            else
                err = usage_error("--format must be table, csv or json (got '%s')", v);
        } else if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
            a->quiet = true;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            err = usage_error("unknown option '%s' for 'run'", arg);
        } else if (a->scenario) {
            err = usage_error("'run' takes one scenario (second one: '%s')", arg);
        } else {
            a->scenario = arg;
        }
    }
    return err;
}

/* Whether a run of `days` days and `reps` replications of sc can go
 * ahead: its dates end by 9999-12-31 (outputs print four-digit years) and
 * its work is feasible (cor_work_check). Both need the run's final
 * horizon, which the loader does not know: --days comes after loading.
 * False with the reason in diag. */
static bool run_feasible(const struct cor_scenario *sc, int days, long reps,
                         struct cor_diag *diag)
{
    if (!cor_scenario_dates_fit(sc, days)) {
        cor_diag_add(diag, sc->source, 0, 0,
                     "the dates run past 9999-12-31: start date %04d-%02d-%02d + %d days",
                     sc->start_year, sc->start_month, sc->start_day, days);
        return false;
    }
    return cor_work_check(sc, days, reps, diag) == COR_OK;
}

static int cmd_run(int argc, char **argv)
{
    struct run_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_run(argc, argv, &a);
    if (!rc && a.start_date) {
        if (a.nsets >= COR_MAX_OVERRIDES)
            rc = usage_error("too many --set options (cap %d, --start-date counting as one)",
                             COR_MAX_OVERRIDES);
        else
            a.sets[a.nsets++] = a.start_date;
    }
    if (rc) {
        run_args_fini(&a);
        return rc < 0 ? COR_EXIT_OK : rc;
    }

    struct cor_diag diag;
    cor_diag_init(&diag);
    struct cor_scenario *sc =
        a.scenario ? cor_scenario_load_file(a.scenario, a.sets, a.nsets, &diag)
                   : cor_scenario_load_buffer(DEFAULT_NAME, cor_default_scenario,
                                              cor_default_scenario_len, a.sets,
                                              a.nsets, &diag);
    if (!sc) {
        cor_diag_print(&diag, stderr);
        cor_diag_fini(&diag);
        run_args_fini(&a);
        return COR_EXIT_USAGE;
    }

    struct cor_run_options opt = cor_run_options_default(sc);
    if (a.reps)
        opt.replications = a.reps;
    if (a.has_seed)
        opt.seed = a.seed;
    if (a.days)
        opt.days = a.days;
    opt.threads = a.threads ? a.threads : cor_cpu_count();
    /* As a plain YAML scalar, an empty --start-date, `~` or `null` (blanks
     * around them trimmed) unsets the key, which the option never means. */
    bool no_date = a.start_date && !sc->has_start_date;
    if (no_date)
        cor_diag_add(&diag, NULL, 0, 0, "--start-date needs a date YYYY-MM-DD (got '%s')",
                     a.start_date + strlen("scenario.start_date="));
    /* Refuse absurd work or dates up front (a bad scenario: exit 2), rather
     * than let the engine's per-replication cap find it after minutes or
     * years; and an --out that cannot be written, rather than find it after
     * the run. */
    if (no_date || !run_feasible(sc, opt.days, opt.replications, &diag) ||
        (a.out_dir && cor_outfile_check_dir(a.out_dir, &diag) != COR_OK)) {
        cor_diag_print(&diag, stderr);
        cor_scenario_free(sc);
        cor_diag_fini(&diag);
        run_args_fini(&a);
        return COR_EXIT_USAGE;
    }
    opt.trace = a.out_dir != NULL;
    opt.stop = &stop_signal;
    struct progress prog = {.last = 0};
    monotonic_now(&prog.start);
    if (!a.quiet && isatty(STDERR_FILENO)) {
        opt.progress = show_progress;
        opt.progress_ctx = &prog;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* Without the handler a signal still stops the run (the default
     * action), only less tidily: say so and go on. */
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        fprintf(stderr, "corridor: warning: cannot catch SIGINT/SIGTERM: %s\n",
                strerror(errno));

    struct cor_results *res = NULL;
    enum cor_status st = cor_experiment_run(sc, &opt, &res, &diag);
    double wall = seconds_since(&prog.start);
    if (prog.shown)
        fputs("\r\033[K", stderr);
    int exit_code = COR_EXIT_OK;
    /* A signal that lands after the last replication but before the files
     * are written still means "stop": honour it and write nothing. */
    if (st == COR_OK && stop_signal_raised()) {
        cor_results_free(res);
        res = NULL;
        st = COR_EINTERRUPTED;
    }
    if (st == COR_EINTERRUPTED) {
        exit_code = 128 + stop_signal_raised();
        fprintf(stderr, "corridor: interrupted; nothing written\n");
    } else if (st != COR_OK) {
        cor_diag_print(&diag, stderr);
        exit_code = COR_EXIT_RUNTIME;
    } else {
        res->wall_seconds = wall;
        if (a.out_dir && cor_report_write_dir(a.out_dir, res, &diag) != COR_OK) {
            cor_diag_print(&diag, stderr);
            exit_code = COR_EXIT_RUNTIME;
        } else if (!write_stdout(res, a.format)) {
            exit_code = COR_EXIT_RUNTIME;
        }
        /* A signal during writing lets the files finish (each is whole:
         * written aside, then renamed) but the run still reports it. */
        if (exit_code == COR_EXIT_OK && stop_signal_raised()) {
            fprintf(stderr, "corridor: interrupted while writing the results; "
                            "the files written are complete\n");
            exit_code = 128 + stop_signal_raised();
        } else if (exit_code == COR_EXIT_OK && !a.quiet) {
            fprintf(stderr, "corridor: %ld replications in %.3f s (%.3g events/s)\n",
                    res->replications, wall,
                    wall > 0 ? (double)res->events_processed / wall : 0.0);
        }
    }
    cor_results_free(res);
    cor_scenario_free(sc);
    cor_diag_fini(&diag);
    run_args_fini(&a);
    return exit_code;
}

static int cmd_validate(int argc, char **argv)
{
    int nfiles = 0, bad = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage_validate, stdout);
            return COR_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage_error("unknown option '%s' for 'validate'", argv[i]);
    }
    for (int i = 2; i < argc; i++) {
        struct cor_diag diag;
        cor_diag_init(&diag);
        struct cor_scenario *sc = cor_scenario_load_file(argv[i], NULL, 0, &diag);
        /* The file's own horizon and replications must be a feasible run. */
        if (sc && !run_feasible(sc, sc->horizon_days, sc->replications, &diag)) {
            cor_scenario_free(sc);
            sc = NULL;
        }
        nfiles++;
        if (sc)
            printf("%s: ok (%s: %d nodes, %d segments, %d flows, %d stocks)\n",
                   argv[i], sc->name, sc->nnodes, sc->nsegments, sc->nflows,
                   sc->nstocks);
        else {
            cor_diag_print(&diag, stderr);
            bad++;
        }
        cor_scenario_free(sc);
        cor_diag_fini(&diag);
    }
    if (nfiles == 0)
        return usage_error("'validate' needs at least one scenario file");
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        stdout_failed();
        return COR_EXIT_RUNTIME;
    }
    return bad ? COR_EXIT_USAGE : COR_EXIT_OK;
}

int cor_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return COR_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return COR_EXIT_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("corridor %s\n", COR_VERSION);
        return COR_EXIT_OK;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc, argv);
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc, argv);
    return usage_error("unknown command '%s'", cmd);
}
