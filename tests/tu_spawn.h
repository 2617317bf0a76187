/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running the corridor binary from a test program.
 *
 * The CLI, corpus and signal tests all drive the real executable: they
 * need its exit status and its captured stdout and stderr, sometimes in
 * another working directory, with a file-size limit (a full disk as far as
 * write(2) can tell), as another user (through setpriv), with system
 * calls or allocations made to fail (libfiu's fiu-run) or with a signal
 * sent after a delay. One fork/exec helper serves them all. A run never
 * waits for ever: one that outlives 60 s after its start (or its signal)
 * is killed and fails the test.
 *
 * Header-only, like testutil.h: each test program is one source file. */
#ifndef COR_TEST_SPAWN_H
#define COR_TEST_SPAWN_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tu_files.h"

struct tu_outcome {
    int status;      /* exit status, or 128 + signal */
    bool signalled;  /* killed by a signal rather than exiting */
    double seconds;  /* from the start (or the signal) to the end */
    char *out, *err; /* captured stdout and stderr, NUL-terminated */
};

struct tu_spawn {
    const char *dir;          /* required: where stdout and stderr are captured */
    const char *cwd;          /* NULL: the test's own directory */
    const char *stdout_path;  /* NULL: DIR/stdout */
    bool closed_pipe;         /* stdout a pipe nobody reads (out is ""),
                                 SIGPIPE at its default as in a shell */
    long fsize_limit;         /* > 0: RLIMIT_FSIZE in bytes, SIGXFSZ ignored */
    int signal;               /* > 0: send it after signal_after seconds */
    double signal_after;
    const char *setpriv_user; /* run as this uid and gid through setpriv */
    const char *fail_point;   /* libfiu's fiu-run enables it: "NAME[,failinfo=ERRNO]" */
    const char *sanitizer_options; /* appended to ASAN_OPTIONS and TSAN_OPTIONS */
};

/* Whether the program `name` is on the PATH (setpriv, fiu-run). */
static inline bool tu_have_command(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Appends `extra` to the environment variable `name`'s colon-separated
 * options, in the child before exec. */
static inline void tu_append_options(const char *name, const char *extra)
{
    const char *old = getenv(name);
    char opts[512];
    snprintf(opts, sizeof opts, "%s%s%s", old ? old : "", old && *old ? ":" : "", extra);
    setenv(name, opts, 1);
}

static inline void tu_sleep(double s)
{
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

/* Runs the binary with the NULL-terminated arguments `args` (no argv[0]). */
static inline struct tu_outcome tu_spawn_argv(const struct tu_spawn *o,
                                              const char *const *args)
{
    int nargs = 0;
    while (args[nargs])
        nargs++;
    char **argv = calloc((size_t)nargs + 16, sizeof *argv);
    int n = 0;
    if (o->setpriv_user) {
        char id[64];
        argv[n++] = strdup("setpriv");
        snprintf(id, sizeof id, "--reuid=%s", o->setpriv_user);
        argv[n++] = strdup(id);
        snprintf(id, sizeof id, "--regid=%s", o->setpriv_user);
        argv[n++] = strdup(id);
        argv[n++] = strdup("--clear-groups");
    }
    if (o->fail_point) {
        /* The calls that go through the dynamic linker (the binary's and
         * its libraries' calls of open, fsync, malloc...; not those the C
         * library makes inside itself, such as stdio's writes) fail as the
         * point says. */
        char spec[256];
        argv[n++] = strdup("fiu-run");
        argv[n++] = strdup("-f"); /* no remote-control FIFOs left in /tmp */
        argv[n++] = strdup("");
        argv[n++] = strdup("-x");
        argv[n++] = strdup("-c");
        snprintf(spec, sizeof spec, "enable name=%s", o->fail_point);
        argv[n++] = strdup(spec);
    }
    argv[n++] = strdup(COR_BINARY);
    for (int i = 0; i < nargs; i++)
        argv[n++] = strdup(args[i]);
    argv[n] = NULL;

    char out_path[512], err_path[512];
    snprintf(out_path, sizeof out_path, "%s/stdout", o->dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", o->dir);
    const char *stdout_path = o->stdout_path ? o->stdout_path : out_path;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo, fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o->closed_pipe) {
            /* SIGPIPE at its default, as a shell leaves it: ignored here
             * it would survive exec, and the binary would pass without
             * ignoring it itself. */
            int p[2];
            if (pipe(p) != 0)
                _exit(126);
            close(p[0]);
            fo = p[1];
            signal(SIGPIPE, SIG_DFL);
        } else {
            fo = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        }
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        if (o->cwd && chdir(o->cwd) != 0)
            _exit(126);
        if (o->fsize_limit > 0) {
            /* EFBIG past the limit instead of a SIGXFSZ that would kill
             * the process: a full disk, as write(2) sees it. */
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl = {(rlim_t)o->fsize_limit, (rlim_t)o->fsize_limit};
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(126);
        }
        if (o->fail_point) {
            /* libfiu's preload library keeps an allocation to the end,
             * which LeakSanitizer would report: its leaks are not ours. */
            tu_append_options("ASAN_OPTIONS", "detect_leaks=0");
        }
        if (o->sanitizer_options) {
            tu_append_options("ASAN_OPTIONS", o->sanitizer_options);
            tu_append_options("TSAN_OPTIONS", o->sanitizer_options);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; i < n; i++)
        free(argv[i]);
    free(argv);

    double t0 = tu_now();
    if (o->signal > 0) {
        tu_sleep(o->signal_after);
        t0 = tu_now();
        assert_int_equal(kill(pid, o->signal), 0);
    }
    int ws = 0;
    pid_t got;
    while ((got = waitpid(pid, &ws, WNOHANG)) == 0 && tu_now() - t0 < 60.0)
        tu_sleep(0.005);
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &ws, 0);
        fail_msg("the run did not end within 60 s");
    }
    struct tu_outcome r;
    r.seconds = tu_now() - t0;
    r.signalled = WIFSIGNALED(ws);
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r.out = o->closed_pipe ? calloc(1, 1) : tu_slurp(stdout_path);
    r.err = tu_slurp(err_path);
    return r;
}

/* The same with the arguments from `first` to a NULL. */
static inline struct tu_outcome tu_vspawn(const struct tu_spawn *o, const char *first,
                                          va_list ap)
{
    const char *args[64];
    int n = 0;
    for (const char *a = first; a && n < 63; a = va_arg(ap, const char *))
        args[n++] = a;
    args[n] = NULL;
    return tu_spawn_argv(o, args);
}

static inline struct tu_outcome tu_spawn(const struct tu_spawn *o, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    struct tu_outcome r = tu_vspawn(o, first, ap);
    va_end(ap);
    return r;
}

static inline void tu_outcome_free(struct tu_outcome *o)
{
    free(o->out);
    free(o->err);
    o->out = o->err = NULL;
}

#endif
