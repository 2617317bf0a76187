/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files and directories for tests: temporary directories, reading and
 * writing whole files, listing and removing trees. Header-only, like testutil.h. */
#ifndef COR_TU_FILES_H
#define COR_TU_FILES_H

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* The whole file, NUL-terminated, or NULL if it cannot be read. The
 * caller frees it. */
static inline char *tu_slurp(const char *path)
{
    /* Sized first, so that a device (/dev/full reads endless zeros) reads
     * as the empty file it stands for. */
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)(n > 0 ? n : 0) + 1);
    size_t got = n > 0 ? fread(b, 1, (size_t)n, f) : 0;
    b[got] = '\0';
    fclose(f);
    return b;
}

/* A/B, freshly allocated. */
static inline char *tu_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Writes len bytes of text to path (created or truncated); fails the test
 * if anything goes wrong. */
static inline void tu_write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* DIR/NAME in one of four static buffers used in turn: up to four such
 * paths can be in use at once (say, an argv), none needs freeing. */
static inline const char *tu_in(const char *dir, const char *name)
{
    static char buf[4][320];
    static int i;
    i = (i + 1) % 4;
    int n = snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    assert_true(n >= 0 && (size_t)n < sizeof buf[i]); /* never a cut path */
    return buf[i];
}

/* A fresh directory $TMPDIR/corridor-TAG-XXXXXX (TMPDIR defaults to /tmp)
 * in buf; 0 on success. */
static inline int tu_tmpdir(char *buf, size_t n, const char *tag)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, n, "%s/corridor-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    return mkdtemp(buf) ? 0 : -1;
}

/* The same, freshly allocated (the caller frees it); fails the test if the
 * directory cannot be made. */
static inline char *tu_tmpdir_new(const char *tag)
{
    char path[512];
    assert_int_equal(tu_tmpdir(path, sizeof path, tag), 0);
    return strdup(path);
}

/* Removes the tree at dir, making read-only directories writable first
 * (tests make some); 0 on success. */
static inline int tu_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return unlink(dir) == 0 || errno == ENOENT ? 0 : -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = tu_join(dir, e->d_name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            chmod(p, 0700);
            tu_rmtree(p);
        } else {
            unlink(p);
        }
        free(p);
    }
    closedir(d);
    return rmdir(dir);
}

/* The names in dir, sorted and joined by spaces ("." and ".." left out).
 * The caller frees it. */
static inline char *tu_list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        assert_true(n < 256);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    tu_sort_strings(names, n);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    for (int i = 0; i < n; i++) {
        fprintf(out, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    fclose(out);
    return buf;
}

/* A writer of a whole output directory: cor_report_write_dir's shape. */
typedef enum cor_status (*tu_write_dir_fn)(const char *dir, const struct cor_results *r,
                                           struct cor_diag *diag);

/* Makes dir read-only (0500), then checks that write_dir(dir, r, ...) fails
 * with COR_EIO and the one message "cannot write DIR/FIRST: <EACCES>".
 * Permissions do not stop root, so as root the writer runs in a child
 * process that first becomes user and group nobody (65534), with dir's
 * parent made searchable (0711) for it; otherwise it runs in a child all
 * the same. (Not through setpriv, as test_signals does for the binary:
 * this runs a function of the test program. Root's supplementary groups
 * stay, but dir gives its group nothing.) Returns false, having checked
 * nothing, if the child cannot become nobody or nobody cannot reach dir (a
 * TMPDIR closed to others): the caller cleans up and skips. The child is
 * a copy of the test program, so it reports through its exit status,
 * never through cmocka's asserts. */
static inline bool tu_assert_unwritable_dir_fails(tu_write_dir_fn write_dir, const char *dir,
                                                  const struct cor_results *r,
                                                  const char *first)
{
    assert_int_equal(mkdir(dir, 0500), 0);
    char *parent = strdup(dir);
    assert_int_equal(chmod(dirname(parent), 0711), 0);
    free(parent);
    char want[1024];
    snprintf(want, sizeof want, "cannot write %s/%s: %s", dir, first, strerror(EACCES));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        struct stat sb;
        if (stat(dir, &sb) != 0)
            _exit(4);
        struct cor_diag diag;
        cor_diag_init(&diag);
        enum cor_status st = write_dir(dir, r, &diag);
        int rc = 0;
        if (st != COR_EIO)
            rc = 1;
        else if (cor_diag_count(&diag) != 1 || strcmp(diag.entries[0].message, want) != 0)
            rc = 2;
        if (rc)
            fprintf(stderr, "status %d, %zu messages, first '%s'; wanted COR_EIO and '%s'\n",
                    (int)st, cor_diag_count(&diag),
                    cor_diag_count(&diag) ? diag.entries[0].message : "", want);
        fflush(stderr);
        _exit(rc);
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws));
    if (WEXITSTATUS(ws) == 3 || WEXITSTATUS(ws) == 4)
        return false; /* cannot become nobody, or nobody cannot reach dir */
    assert_int_equal(WEXITSTATUS(ws), 0); /* 1: the status, 2: the message */
    return true;
}

#endif
