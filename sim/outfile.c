/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Atomic publication of output files: temp file, sync, rename, sync dir.
 *
 * rename(2) within one directory is atomic, so the content is written to a
 * temporary file beside the target (never in /tmp, which may be another
 * filesystem) and renamed over it only once it is complete and on disk:
 * fflush moves stdio's buffer to the kernel, fsync moves the kernel's pages
 * to the disk, fclose reports deferred errors (NFS), and the directory is
 * synced last so that the rename itself survives a power cut. Every step is
 * checked; the first failure removes the temporary file and names the
 * target in the diagnostic, with the system's reason. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"

/* Syncs a directory so that entries just created or renamed in it are
 * durable. Returns 0 or an errno value. Some filesystems cannot sync a
 * directory and say EINVAL, and a directory the user may write into but
 * not read (mode 0733, say) cannot be opened to sync it (EACCES): nothing
 * more can be done there, so neither is an error. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == EACCES ? 0 : errno;
    int err = 0;
    if (fsync(fd) != 0 && errno != EINVAL)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

/* The directory holding `path`, as a new string: its text up to the last
 * slash (trailing slashes ignored), "/" for the root, "." for none. */
static char *dir_of(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    if (n == 0)
        return cor_strdup(".");
    while (n > 1 && path[n - 1] == '/')
        n--;
    return cor_strndup(path, n);
}

/* POSIX reads the file-creation mask only by setting it. mkstemp creates
 * the file 0600, but a result file should get the same permissions as any
 * other file the user creates (0666 less the umask), or a group sharing a
 * results directory could not read it. The mask is 0 only between the two
 * calls; result files are written after the replication threads have
 * finished, when no other thread creates files. */
static mode_t file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return (mode_t)(0666 & ~mask);
}

enum cor_status cor_outfile_publish(const char *path, cor_outfile_write_fn writer,
                                    const void *ctx, struct cor_diag *diag)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dirlen = (size_t)(base - path); /* includes the slash */
    char *dir = dir_of(path);
    char *tmp = NULL;
    FILE *f = NULL;
    int err;

    if (*base == '\0') {
        err = EISDIR;
        goto fail;
    }
    size_t cap = dirlen + 1 + strlen(base) + sizeof ".XXXXXX";
    tmp = cor_malloc(cap);
    snprintf(tmp, cap, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        err = errno;
        free(tmp);
        tmp = NULL; /* nothing was created */
        goto fail;
    }
    if (fchmod(fd, file_mode()) != 0 || !(f = fdopen(fd, "w"))) {
        err = errno;
        close(fd);
        goto fail;
    }

    /* The writer reports failures by its status or the stream's error flag;
     * errno then says why, if a system call failed. */
    errno = 0;
    enum cor_status st = writer(f, ctx);
    if (st != COR_OK || ferror(f)) {
        err = errno ? errno : EIO;
        goto fail;
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        err = errno;
        goto fail;
    }
    int rc = fclose(f);
    f = NULL;
    if (rc != 0 || rename(tmp, path) != 0) {
        err = errno;
        goto fail;
    }
    free(tmp);
    tmp = NULL; /* published: from here on there is nothing to remove */
    err = sync_dir(dir);
    if (err) {
        /* The file is whole and in place; only its durability is in doubt. */
        cor_diag_add(diag, NULL, 0, 0, "wrote %s, but cannot sync its directory %s: %s",
                     path, dir, strerror(err));
        free(dir);
        return COR_EIO;
    }
    free(dir);
    return COR_OK;

fail:
    if (f)
        fclose(f);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    cor_diag_add(diag, NULL, 0, 0, "cannot write %s: %s", path, strerror(err));
    free(dir);
    return COR_EIO;
}

enum cor_status cor_outfile_mkdir(const char *dir, struct cor_diag *diag)
{
    int err = 0;
    if (mkdir(dir, 0777) == 0) {
        /* A new directory entry is durable only once its parent is synced;
         * if that fails, the run writes nothing, so the directory goes. */
        char *parent = dir_of(dir);
        err = sync_dir(parent);
        if (err) {
            rmdir(dir);
            cor_diag_add(diag, NULL, 0, 0, "cannot create directory %s: syncing %s: %s", dir,
                         parent, strerror(err));
        }
        free(parent);
        return err ? COR_EIO : COR_OK;
    }
    if (errno == EEXIST) {
        struct stat sb;
        if (stat(dir, &sb) != 0) {
            err = errno;
        } else if (!S_ISDIR(sb.st_mode)) {
            cor_diag_add(diag, NULL, 0, 0,
                         "cannot write into %s: it exists and is not a directory", dir);
            return COR_EIO;
        }
    } else {
        err = errno;
    }
    if (err) {
        cor_diag_add(diag, NULL, 0, 0, "cannot create directory %s: %s", dir,
                     strerror(err));
        return COR_EIO;
    }
    return COR_OK;
}

enum cor_status cor_outfile_check_dir(const char *dir, struct cor_diag *diag)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            cor_diag_add(diag, NULL, 0, 0,
                         "--out %s: it exists and is not a directory", dir);
            return COR_EINPUT;
        }
        if (access(dir, W_OK | X_OK) != 0) {
            cor_diag_add(diag, NULL, 0, 0, "--out %s: cannot write into it: %s", dir,
                         strerror(errno));
            return COR_EINPUT;
        }
        return COR_OK;
    }
    if (errno != ENOENT) {
        cor_diag_add(diag, NULL, 0, 0, "--out %s: %s", dir, strerror(errno));
        return COR_EINPUT;
    }
    if (lstat(dir, &sb) == 0) {
        /* A symbolic link to nothing: mkdir would refuse it. */
        cor_diag_add(diag, NULL, 0, 0,
                     "--out %s: a symbolic link to a place that does not exist", dir);
        return COR_EINPUT;
    }
    /* It is made at the end, one level only: its parent must be there and
     * take it. */
    char *parent = dir_of(dir);
    enum cor_status st = COR_OK;
    if (stat(parent, &sb) != 0) {
        cor_diag_add(diag, NULL, 0, 0, "--out %s: cannot create it: %s: %s", dir, parent,
                     strerror(errno));
        st = COR_EINPUT;
    } else if (!S_ISDIR(sb.st_mode)) {
        cor_diag_add(diag, NULL, 0, 0,
                     "--out %s: cannot create it: %s is not a directory", dir, parent);
        st = COR_EINPUT;
    } else {
        /* A directory of a name no one else uses is made in the parent and
         * removed again, rather than the parent judged by access(2): a
         * parent that looks writable may still refuse (/proc, /sys, a
         * read-only bind mount), which would otherwise be found only after
         * the run. DIR's own name is never made or removed here: another
         * run making the same --out at the same time must not see it come
         * and go. */
        char *probe = cor_outfile_path(parent, ".corridor-check-XXXXXX");
        if (!mkdtemp(probe)) {
            cor_diag_add(diag, NULL, 0, 0, "--out %s: cannot create it in %s: %s", dir,
                         parent, strerror(errno));
            st = COR_EINPUT;
        } else {
            rmdir(probe);
        }
        free(probe);
    }
    free(parent);
    return st;
}

char *cor_outfile_path(const char *dir, const char *name)
{
    size_t dlen = strlen(dir);
    bool slash = dlen > 0 && dir[dlen - 1] == '/';
    size_t size = dlen + 1 + strlen(name) + 1;
    char *path = cor_malloc(size);
    snprintf(path, size, "%s%s%s", dir, slash ? "" : "/", name);
    return path;
}
