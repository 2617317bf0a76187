/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Output safety, end to end: interrupted runs and outputs that cannot be
 * written.
 *
 * SIGINT and SIGTERM in the middle of a long run must stop it promptly with
 * status 130 or 143, print nothing on stdout and leave the --out directory
 * as it was (absent, or holding only what it held before). An --out that
 * cannot take the files (under /dev/full, under a regular file or a missing
 * directory, a regular file, a symbolic link to nothing, a read-only
 * directory) is refused before the run with exit 2; one that
 * fails while the files are written (a file-size limit standing in for a
 * full disk) and a stdout that cannot be written must give a clear error
 * and exit 1, leaving no temporary or partial file behind; so must a
 * failing fsync or open, injected with libfiu's fiu-run, and memory that
 * runs out.
 *
 * The binary is started through tu_spawn.h, whose child can get a file-size
 * limit or another user first. CI runs as root, for whom
 * permission bits do not apply: the read-only directory case then drops to
 * user nobody with setpriv(1), and is skipped if that is not installed. */
#include "tu_spawn.h"

#include <dirent.h>
#include <sys/stat.h>

#include <jansson.h>

static char tmpdir[256];

/* Runs the binary under `o` (its captures go to the test's directory). */
static struct tu_outcome run_opts(struct tu_spawn *o, const char *first, ...)
{
    o->dir = tmpdir;
    va_list ap;
    va_start(ap, first);
    struct tu_outcome r = tu_vspawn(o, first, ap);
    va_end(ap);
    return r;
}

/* Names in `dir` other than . and ..; -1 if it cannot be opened. */
static int count_entries(const char *dir, const char *except)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            (!except || strcmp(de->d_name, except)))
            n++;
    closedir(d);
    return n;
}

/* A small scenario whose replications are quick, so that ten million of
 * them make a run of many minutes that any signal lands in the middle of;
 * its work (about 3,000 events a replication) stays well inside the caps. */
static const char LONG_RUN[] =
    "scenario: { name: long, horizon_days: 365 }\n"
    "commodities: { fuel: {} }\n"
    "nodes: { a: {}, b: { kind: city } }\n"
    "segments: [ { from: a, to: b, km: 100, speed_kmh: 50 } ]\n"
    "cities: { b: { fuel: { stock: 10, capacity: 100, demand_per_day: 5 } } }\n"
    "flows:\n"
    "  - { id: f, commodity: fuel, route: [a, b], trucks: 1, payload: 2,\n"
    "      every_hours: { exponential: 6 } }\n";

static int setup(void **state)
{
    (void)state;
    if (tu_tmpdir(tmpdir, sizeof tmpdir, "signals") != 0)
        return -1;
    tu_write_file(tu_in(tmpdir, "long.yaml"), LONG_RUN, sizeof LONG_RUN - 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_rmtree(tmpdir);
}

/* Signal a long run after half a second: it stops within a second or so,
 * exits (not dies) with 128 + the signal, says so, and writes nothing. */
static void interrupt_run(int sig, int want)
{
    const char *out = tu_in(tmpdir, sig == SIGINT ? "int-out" : "term-out");
    struct tu_spawn o = {.signal = sig, .signal_after = 0.5};
    struct tu_outcome r = run_opts(&o, "run", tu_in(tmpdir, "long.yaml"), "--reps", "10000000",
                                "--threads", "2", "--out", out, NULL);
    if (r.signalled || r.status != want)
        fail_msg("signal %d: status %d (%s), stderr: %s", sig, r.status,
                 r.signalled ? "killed" : "exited", r.err);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "interrupted; nothing written"));
    assert_int_equal(count_entries(out, NULL), -1); /* not even created */
    /* Replications take well under a millisecond: the stop comes between
     * two of them. A generous bound for loaded or sanitized builds. */
    if (r.seconds > 5.0)
        fail_msg("took %.2f s to stop", r.seconds);
    tu_outcome_free(&r);
}

static void test_signals_sigint_exits_130_nothing_written(void **state)
{
    (void)state;
    interrupt_run(SIGINT, 130);
}

static void test_signals_sigterm_exits_143_nothing_written(void **state)
{
    (void)state;
    interrupt_run(SIGTERM, 143);
}

/* An interrupted run into an existing directory leaves what was there and
 * adds nothing, not even a temporary file. */
static void test_signals_existing_out_dir_untouched(void **state)
{
    (void)state;
    const char *out = tu_in(tmpdir, "kept-out");
    assert_int_equal(mkdir(out, 0755), 0);
    char keep[400];
    snprintf(keep, sizeof keep, "%s/summary.json", out);
    static const char old[] = "{\"old\": true}\n";
    tu_write_file(keep, old, sizeof old - 1);
    struct tu_spawn o = {.signal = SIGINT, .signal_after = 0.5};
    struct tu_outcome r = run_opts(&o, "run", tu_in(tmpdir, "long.yaml"), "--reps", "10000000",
                                "--threads", "2", "--out", out, "--quiet", NULL);
    assert_int_equal(r.status, 130);
    assert_int_equal(count_entries(out, NULL), 1);
    char *text = tu_slurp(keep);
    assert_string_equal(text, "{\"old\": true}\n");
    free(text);
    tu_outcome_free(&r);
}

/* Directories that cannot be made: refused before the run (exit 2, nothing
 * on stdout), with a message naming the place. */
static void test_signals_unwritable_out_refused_first(void **state)
{
    (void)state;
    const char *file = tu_in(tmpdir, "a-file");
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    char under_file[400];
    snprintf(under_file, sizeof under_file, "%s/sub", file);
    const char *dangling = tu_in(tmpdir, "dangling");
    assert_int_equal(symlink("/nonexistent-corridor/x", dangling), 0);
    const struct {
        const char *dir;
        const char *needle;
    } cases[] = {
        {dangling, "a symbolic link to a place that does not exist"},
        {"/dev/full/x", "--out /dev/full/x: Not a directory"},
        {under_file, "Not a directory"},
        {file, "it exists and is not a directory"},
        {"/nonexistent-corridor/a/b", "/nonexistent-corridor/a: No such file or directory"},
        /* A parent that passes access(2), as root, and still refuses. */
        {"/proc/corridor-out", "--out /proc/corridor-out: cannot create it in /proc"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct tu_spawn o = {0};
        struct tu_outcome r =
            run_opts(&o, "run", "--reps", "2", "--quiet", "--out", cases[i].dir, NULL);
        if (r.status != 2 || !strstr(r.err, cases[i].needle) || strcmp(r.out, ""))
            fail_msg("--out %s: status %d, stdout '%s', stderr '%s'", cases[i].dir,
                     r.status, r.out, r.err);
        tu_outcome_free(&r);
    }
}

/* Runs `corridor run --reps 2 --quiet --out DIR/x` in a fresh directory
 * DIR (tmpdir/name, mode `mode`) and returns DIR/x in out. Root ignores
 * permission bits, so as root the run drops to user nobody (65534) with
 * setpriv, and the test's directory is opened to others for it (nobody
 * must reach the binary, DIR and the capture files). Skips the test where
 * setpriv is missing or cannot run the binary (a build dir nobody can
 * read). */
static struct tu_outcome run_in_dir_as_user(const char *name, mode_t mode, char *out,
                                            size_t n)
{
    const char *dir = tu_in(tmpdir, name);
    assert_int_equal(mkdir(dir, mode), 0);
    assert_int_equal(chmod(dir, mode), 0); /* whatever the umask */
    struct tu_spawn o = {0};
    if (geteuid() == 0) {
        if (!tu_have_command("setpriv")) {
            print_message("(setpriv not installed: permission case skipped as root)\n");
            skip();
        }
        o.setpriv_user = "65534";
        assert_int_equal(chmod(tmpdir, 0777), 0);
    }
    snprintf(out, n, "%s/x", dir);
    struct tu_outcome r = run_opts(&o, "run", "--reps", "2", "--quiet", "--out", out, NULL);
    chmod(tmpdir, 0700);
    if (r.status == 126 || r.status == 127) {
        tu_outcome_free(&r);
        skip();
    }
    return r;
}

/* A read-only directory: refused before the run, nothing written. */
static void test_signals_read_only_dir_refused_first(void **state)
{
    (void)state;
    char out[400];
    struct tu_outcome r = run_in_dir_as_user("read-only", 0555, out, sizeof out);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "Permission denied"));
    assert_string_equal(r.out, "");
    assert_int_equal(count_entries(tu_in(tmpdir, "read-only"), NULL), 0);
    tu_outcome_free(&r);
}

/* A parent directory that may be written into but not read (0733): the
 * new --out directory cannot be synced there (opening the parent to sync
 * it is refused), which must not fail a run that has already done all its
 * work. */
static void test_signals_write_only_parent_is_written(void **state)
{
    (void)state;
    char out[400];
    struct tu_outcome r = run_in_dir_as_user("write-only", 0733, out, sizeof out);
    if (r.status != 0)
        fail_msg("status %d, stderr '%s'", r.status, r.err);
    assert_true(count_entries(out, NULL) > 3); /* the files and the plots */
    tu_outcome_free(&r);
}

/* A full disk, simulated by a file-size limit: every file already
 * published is whole, no temporary file is left, exit 1. */
static void test_signals_full_disk_no_partial_file(void **state)
{
    (void)state;
    const char *out = tu_in(tmpdir, "full-out");
    /* summary.json of the default scenario is about 10 KB, the timeline
     * much more: 2 KB stops the first file, 64 KB a later one. */
    const long limits[] = {2048, 65536};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        struct tu_spawn o = {.fsize_limit = limits[i]};
        struct tu_outcome r = run_opts(&o, "run", "--reps", "3", "--quiet", "--out", out, NULL);
        if (r.status != 1 || !strstr(r.err, "cannot write") || strcmp(r.out, ""))
            fail_msg("limit %ld: status %d, stdout '%.100s', stderr '%s'", limits[i],
                     r.status, r.out, r.err);
        DIR *d = opendir(out);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            if (de->d_name[0] == '.')
                fail_msg("limit %ld: temporary file %s left behind", limits[i], de->d_name);
            char p[600];
            snprintf(p, sizeof p, "%s/%s", out, de->d_name);
            struct stat st;
            assert_int_equal(stat(p, &st), 0);
            assert_true(st.st_size > 0 && st.st_size <= limits[i]);
            if (!strcmp(de->d_name, "summary.json")) {
                json_error_t jerr;
                json_t *j = json_load_file(p, 0, &jerr);
                if (!j)
                    fail_msg("limit %ld: summary.json is not whole: %s", limits[i], jerr.text);
                json_decref(j);
            }
        }
        closedir(d);
        tu_outcome_free(&r);
    }
}

/* Failures that neither a full disk nor permissions produce, injected
 * with libfiu (fiu-run): a directory that cannot be synced after it was
 * created, a file's fsync failing, and the directory sync failing after a
 * file was renamed into place. Each gives exit 1, nothing on stdout, one
 * message saying what failed, and no temporary file; only the last leaves
 * a file, whole. Skipped without fiu-run (scripts/setup.sh installs it). */
static void test_signals_io_faults_exit_1(void **state)
{
    (void)state;
    if (!tu_have_command("fiu-run"))
        skip();
    const char *out = tu_in(tmpdir, "fault-out");
    char want[3][512];
    snprintf(want[0], sizeof want[0], "cannot create directory %s: syncing %s: %s", out,
             tmpdir, strerror(EIO));
    snprintf(want[1], sizeof want[1], "cannot write %s/summary.json: %s", out, strerror(EIO));
    snprintf(want[2], sizeof want[2], "wrote %s/summary.json, but cannot sync its directory %s: %s",
             out, out, strerror(ENOSPC));
    const struct {
        const char *point;
        bool out_exists; /* --out made beforehand */
        const char *left; /* the one file left, or NULL */
    } cases[] = {
        {"posix/io/sync/fsync,failinfo=5", false, NULL},
        {"posix/io/sync/fsync,failinfo=5", true, NULL},
        /* The file itself is opened by glibc's mkstemp, whose internal
         * open libfiu cannot reach: only the directory's open fails. */
        {"posix/io/oc/open,failinfo=28", true, "summary.json"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tu_rmtree(out);
        if (cases[i].out_exists)
            assert_int_equal(mkdir(out, 0755), 0);
        struct tu_spawn o = {.fail_point = cases[i].point};
        struct tu_outcome r = run_opts(&o, "run", "--reps", "2", "--quiet", "--out", out, NULL);
        char expect[600];
        snprintf(expect, sizeof expect, "corridor: error: %s\n", want[i]);
        if (r.status != 1 || strcmp(r.out, "") || strcmp(r.err, expect))
            fail_msg("%s: status %d, stdout '%.100s', stderr '%s', wanted '%s'",
                     cases[i].point, r.status, r.out, r.err, expect);
        if (!cases[i].out_exists) {
            assert_int_equal(access(out, F_OK), -1); /* the new directory went */
        } else if (!cases[i].left) {
            assert_int_equal(count_entries(out, NULL), 0);
        } else {
            assert_int_equal(count_entries(out, cases[i].left), 0);
            char *path = tu_join(out, cases[i].left);
            json_error_t jerr;
            json_t *j = json_load_file(path, 0, &jerr);
            if (!j)
                fail_msg("%s: %s is not whole: %s", cases[i].point, path, jerr.text);
            json_decref(j);
            free(path);
        }
        tu_outcome_free(&r);
    }
    tu_rmtree(out);
}

/* Whether this program, and so the corridor binary beside it, was built
 * with AddressSanitizer or ThreadSanitizer (GCC says so one way, clang
 * another). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Memory that runs out: exit 1, a runtime failure (not a crash: no abort,
 * no core), a last line on stderr that says so, nothing on stdout and no
 * --out directory. Each case makes allocations fail from the start, so it
 * ends at the first one affected, wherever that is; the message's detail
 * is not pinned.
 * - libfiu fails every call of one allocator: malloc (first reached in
 *   libyaml's parser), calloc and realloc (in corridor's own).
 * - In the sanitizer builds the allocator is linked into the binary, out
 *   of libfiu's reach; there the sanitizer's own refuses anything over
 *   1 MiB (the first is the stock histogram) and warns on stderr first. */
static void test_signals_out_of_memory_exits_1(void **state)
{
    (void)state;
    if (!SANITIZED && !tu_have_command("fiu-run"))
        skip();
    const char *out = tu_in(tmpdir, "oom-out");
    const char *points[] = {"libc/mm/malloc", "libc/mm/calloc", "libc/mm/realloc"};
    const char *prefix = "corridor: error: out of memory (";
    for (size_t i = 0; i < (SANITIZED ? 1 : sizeof points / sizeof *points); i++) {
        tu_rmtree(out);
        struct tu_spawn o = {0};
        if (SANITIZED)
            o.sanitizer_options = "allocator_may_return_null=1:max_allocation_size_mb=1";
        else
            o.fail_point = points[i];
        struct tu_outcome r = run_opts(&o, "run", "--reps", "2", "--out", out, NULL);
        /* The last line, and with libfiu the only one. */
        size_t n = strlen(r.err);
        const char *last = r.err;
        for (const char *p = r.err; (p = strchr(p, '\n')) && p[1]; p++)
            last = p + 1;
        bool ok = !r.signalled && r.status == 1 && !strcmp(r.out, "") &&
                  (SANITIZED || last == r.err) && !strncmp(last, prefix, strlen(prefix)) &&
                  n >= 2 && !strcmp(r.err + n - 2, ")\n");
        if (!ok)
            fail_msg("%s: status %d%s, stdout '%.100s', stderr '%s'",
                     SANITIZED ? "max_allocation_size_mb=1" : points[i], r.status,
                     r.signalled ? " (signal)" : "", r.out, r.err);
        assert_int_equal(access(out, F_OK), -1);
        tu_outcome_free(&r);
    }
}

/* stdout that cannot be written, o's way: exit 1 (not a signal) with the
 * message and the write's reason, for run in every format and for
 * validate. */
static void stdout_fails_exit_1(struct tu_spawn *o, const char *reason)
{
    const char *formats[] = {"table", "csv", "json"};
    char want[128];
    snprintf(want, sizeof want, "cannot write the result to stdout: %s\n", reason);
    for (size_t i = 0; i < 4; i++) {
        struct tu_outcome r =
            i < 3 ? run_opts(o, "run", "--reps", "2", "--quiet", "--format", formats[i], NULL)
                  : run_opts(o, "validate",
                             COR_SOURCE_DIR "/scenarios/rn1-2025-blockade.yaml", NULL);
        if (r.status != 1 || r.signalled || !strstr(r.err, want))
            fail_msg("%s%s: status %d%s, stderr '%s'", i < 3 ? "run --format " : "validate",
                     i < 3 ? formats[i] : "", r.status, r.signalled ? " (signal)" : "",
                     r.err);
        tu_outcome_free(&r);
    }
}

static void test_signals_stdout_full_exits_1(void **state)
{
    (void)state;
    struct tu_spawn o = {.stdout_path = "/dev/full"};
    stdout_fails_exit_1(&o, "No space left on device");
}

/* But a reader that takes the start of the result and exits (`| head`)
 * has it all: the result, a few KiB, goes out in one write, and the run
 * succeeds. Without the single write the JSON, over 8 KiB, failed nearly
 * every time. */
static void test_signals_early_reader_gets_it_all(void **state)
{
    (void)state;
    const char *formats[] = {"table", "csv", "json"};
    for (size_t i = 0; i < 3; i++) {
        for (int round = 0; round < 5; round++) {
            char cmd[1024];
            snprintf(cmd, sizeof cmd,
                     "bash -c '\"%s\" run --reps 2 --quiet --format %s | head -c 1 "
                     ">/dev/null; exit ${PIPESTATUS[0]}'",
                     COR_BINARY, formats[i]);
            int ws = system(cmd);
            if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
                fail_msg("--format %s | head -c 1: status %d", formats[i],
                         WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
        }
    }
}

/* A pipe whose reader has exited is a failed write too, not a silent
 * death by SIGPIPE. */
static void test_signals_closed_pipe_exits_1(void **state)
{
    (void)state;
    struct tu_spawn o = {.closed_pipe = true};
    stdout_fails_exit_1(&o, "Broken pipe");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signals_sigint_exits_130_nothing_written),
        cmocka_unit_test(test_signals_sigterm_exits_143_nothing_written),
        cmocka_unit_test(test_signals_existing_out_dir_untouched),
        cmocka_unit_test(test_signals_unwritable_out_refused_first),
        cmocka_unit_test(test_signals_read_only_dir_refused_first),
        cmocka_unit_test(test_signals_write_only_parent_is_written),
        cmocka_unit_test(test_signals_full_disk_no_partial_file),
        cmocka_unit_test(test_signals_io_faults_exit_1),
        cmocka_unit_test(test_signals_stdout_full_exits_1),
        cmocka_unit_test(test_signals_closed_pipe_exits_1),
        cmocka_unit_test(test_signals_early_reader_gets_it_all),
        cmocka_unit_test(test_signals_out_of_memory_exits_1),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
