/*
 * output.c — "nothing is lost" output files (SPEC §9).
 *
 * A regular file (or a new path) is written to ".NAME.dcproj-tmp" in the
 * directory of the symlink-resolved target and renamed over it only after a
 * successful flush, fsync and close; the old file's mode is kept.  The
 * temporary's name is fixed per target so that one left behind by a killed
 * process is removed by the next write to the same file.  Anything else
 * (standard output, FIFOs, devices, whatever stat() says is not a regular
 * file, and links through procfs such as /dev/stdout) is written directly,
 * opened with O_APPEND so that `-o /dev/stdout >> log` appends.  What a
 * path is comes from stat() and statfs(), never from its spelling.
 */
#include "dcproj/output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "alloc_int.h"

#define TMP_SUFFIX ".dcproj-tmp"
#define MAX_LINKS 40

struct dcproj_output {
    FILE *fp;
    int fd;          /* the temporary's descriptor (atomic mode), else -1 */
    struct writeback *wb; /* the temporary's stream state (atomic mode) */
    int is_stdout;   /* "-": flushed, never closed */
    char *display;   /* the path as given, for messages */
    char *target;    /* resolved target (atomic mode), else NULL */
    char *tmp;       /* temporary (atomic mode), else NULL */
};

int dcproj_file_id_of(const char *path, struct dcproj_file_id *id)
{
    struct stat st;
    if (path == NULL || stat(path, &st) != 0)
        return -1;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    return 0;
}

/* Whether directory `dir` is on procfs or sysfs, whose entries are not
 * plain files even when stat() says "regular": /proc/self/fd/1 is a link
 * to an open descriptor ("pipe:[123]", or a file the shell opened with
 * >>, which must be appended to, not replaced), /proc/sys/... takes writes
 * in place and allows no temporary beside it.  Decided by the file
 * system's type, never by how the path is spelled (/dev/shm/x.csv is a
 * regular file on tmpfs and is replaced like any other). */
static int on_kernel_fs(const char *dir)
{
    struct statfs fs;
    if (statfs(dir, &fs) != 0)
        return 0;
    return fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC;
}

/* A malloc'ed "dir/name" (just `name` when it is absolute). */
static char *join_path(const char *dir, const char *name)
{
    if (name[0] == '/')
        return dcproj_strdup(name);
    size_t a = strlen(dir), b = strlen(name);
    char *p = dcproj_malloc(a + b + 2);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* The directory part of `p`, malloc'ed ("." when there is none). */
static char *dir_of(const char *p)
{
    char *copy = dcproj_strdup(p);
    if (copy == NULL)
        return NULL;
    char *d = dcproj_strdup(dirname(copy));
    dcproj_free(copy);
    return d;
}

/* The last component of `p`, malloc'ed. */
static char *base_of(const char *p)
{
    char *copy = dcproj_strdup(p);
    if (copy == NULL)
        return NULL;
    char *b = dcproj_strdup(basename(copy));
    dcproj_free(copy);
    return b;
}

/* Follow the symlinks of `path` (also dangling ones, so that writing
 * through a link creates its target).  Returns the malloc'ed final path and
 * sets *special when the chain reaches an entry of procfs or sysfs (write
 * directly there, see on_kernel_fs()).  NULL with errno set on failure
 * (ELOOP for a cycle). */
static char *follow_links(const char *path, int *special)
{
    char *p = dcproj_strdup(path);
    *special = 0;
    for (int i = 0; p != NULL; i++) {
        char *pdir = dir_of(p);
        if (pdir == NULL) {
            dcproj_free(p);
            errno = ENOMEM;
            return NULL;
        }
        int kernel = on_kernel_fs(pdir);
        dcproj_free(pdir);
        if (kernel) {
            *special = 1;
            return p;
        }
        struct stat st;
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
            return p;
        if (i >= MAX_LINKS) {
            dcproj_free(p);
            errno = ELOOP;
            return NULL;
        }
        char link[PATH_MAX];
        ssize_t n = readlink(p, link, sizeof link - 1);
        if (n < 0) {
            dcproj_free(p);
            return NULL;
        }
        link[n] = '\0';
        char *dir = dir_of(p);
        char *next = dir != NULL ? join_path(dir, link) : NULL;
        dcproj_free(dir);
        dcproj_free(p);
        p = next;
    }
    errno = ENOMEM;
    return NULL;
}

/* The absolute target path: realpath of `p` if it exists, else realpath of
 * its directory plus its name.  NULL with errno set on failure. */
static char *resolve_target(const char *p)
{
    char *r = realpath(p, NULL);
    if (r != NULL || errno != ENOENT)
        return r;
    char *dir = dir_of(p);
    char *base = base_of(p);
    if (dir == NULL || base == NULL) {
        dcproj_free(dir);
        dcproj_free(base);
        errno = ENOMEM;
        return NULL;
    }
    char *rdir = realpath(dir, NULL);
    int e = errno;
    char *t = rdir != NULL ? join_path(rdir, base) : NULL;
    if (rdir == NULL)
        errno = e;
    else if (t == NULL)
        errno = ENOMEM;
    dcproj_free(dir);
    dcproj_free(base);
    dcproj_free(rdir);
    return t;
}

/* The temporary for `target`: ".NAME.dcproj-tmp" in the same directory. */
static char *tmp_name(const char *target)
{
    char *dir = dir_of(target);
    char *base = base_of(target);
    char *t = NULL;
    if (dir != NULL && base != NULL) {
        size_t n = strlen(dir) + strlen(base) + sizeof TMP_SUFFIX + 3;
        t = dcproj_malloc(n);
        if (t != NULL)
            snprintf(t, n, "%s/.%s" TMP_SUFFIX, dir, base);
    }
    dcproj_free(dir);
    dcproj_free(base);
    return t;
}

static void output_free(struct dcproj_output *o)
{
    dcproj_free(o->display);
    dcproj_free(o->target);
    dcproj_free(o->tmp);
    dcproj_free(o->wb);
    dcproj_free(o);
}

/* Fail to create: DCPROJ_ERR_CANTCREAT naming the path and errno `e`
 * (DCPROJ_ERR_NOMEM when `e` is ENOMEM: out of memory, not a file
 * problem). */
static int cantcreat(struct dcproj_error *err, const char *path, int e)
{
    if (e == ENOMEM)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, path, NULL, 0, 0, "out of memory");
    return dcproj_error_set(err, DCPROJ_ERR_CANTCREAT, path, NULL, 0, 0,
                            "cannot create output file: %s", strerror(e));
}

/*
 * The temporary is written through a stream that starts the kernel's
 * writeback every WRITEBACK_STEP bytes (sync_file_range, which does not
 * wait), so the data goes to disk while the rest is computed and the
 * fsync() before the rename waits only for the tail: on job (a)'s 80 MB
 * that fsync took ~35 ms at the end.  The bytes and the durability are
 * those of a plain file stream.
 */
#define WRITEBACK_STEP (8u << 20)

struct writeback {
    int fd;
    int err;         /* the first write's errno, for the commit's message */
    off_t done, started;
};

static ssize_t writeback_write(void *cookie, const char *buf, size_t size)
{
    struct writeback *wb = cookie;
    size_t off = 0;
    while (off < size) {
        ssize_t n = write(wb->fd, buf + off, size - off);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0)
                errno = EIO; /* no progress on a regular file: do not spin */
            if (wb->err == 0)
                wb->err = errno;
            return off > 0 ? (ssize_t)off : -1;
        }
        off += (size_t)n;
    }
    wb->done += (off_t)off;
#ifdef SYNC_FILE_RANGE_WRITE
    if (wb->done - wb->started >= (off_t)WRITEBACK_STEP) {
        (void)sync_file_range(wb->fd, wb->started, wb->done - wb->started, SYNC_FILE_RANGE_WRITE);
        wb->started = wb->done;
    }
#endif
    return (ssize_t)off;
}

static int writeback_close(void *cookie)
{
    (void)cookie; /* the descriptor is closed by dcproj_output's owner */
    return 0;
}

/* Open `o->tmp` for the atomic replacement of `o->target`, whose mode
 * (`st`, when `exists`) it takes over. */
static int open_atomic(struct dcproj_output *o, const struct stat *st, int exists,
                       struct dcproj_error *err)
{
    o->tmp = tmp_name(o->target);
    if (o->tmp == NULL)
        return cantcreat(err, o->display, ENOMEM);
    if (unlink(o->tmp) != 0 && errno != ENOENT)
        return cantcreat(err, o->display, errno);
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return cantcreat(err, o->display, errno);
    if (exists && fchmod(fd, st->st_mode & 07777) != 0) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        return cantcreat(err, o->display, e);
    }
    o->wb = dcproj_calloc(1, sizeof *o->wb);
    if (o->wb != NULL) {
        o->wb->fd = fd;
        cookie_io_functions_t io = {NULL, writeback_write, NULL, writeback_close};
        o->fp = fopencookie(o->wb, "w", io);
    }
    if (o->fp == NULL) {
        int e = o->wb == NULL ? ENOMEM : errno;
        close(fd);
        unlink(o->tmp);
        return cantcreat(err, o->display, e);
    }
    o->fd = fd;
    return DCPROJ_OK;
}

int dcproj_output_open(const char *path, const struct dcproj_file_id *inputs, size_t n_inputs,
                       struct dcproj_output **out, struct dcproj_error *err)
{
    struct dcproj_output *o = dcproj_calloc(1, sizeof *o);
    if (o == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    o->fd = -1;
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        o->is_stdout = 1;
        *out = o;
        return DCPROJ_OK;
    }
    o->display = dcproj_strdup(path);
    if (o->display == NULL) {
        output_free(o);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists) {
        for (size_t i = 0; i < n_inputs; i++) {
            if (inputs[i].dev == st.st_dev && inputs[i].ino == st.st_ino) {
                output_free(o);
                return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                        "output %s is also an input", path);
            }
        }
    }
    int special = 0;
    char *final = follow_links(path, &special);
    if (final == NULL) {
        int e = errno;
        int rc = cantcreat(err, path, e);
        output_free(o);
        return rc;
    }
    if (special || (exists && !S_ISREG(st.st_mode))) {
        dcproj_free(final);
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (fd < 0 || (o->fp = fdopen(fd, "a")) == NULL) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            int rc = cantcreat(err, path, e);
            output_free(o);
            return rc;
        }
        *out = o;
        return DCPROJ_OK;
    }
    o->target = resolve_target(final);
    int e = errno;
    dcproj_free(final);
    if (o->target == NULL) {
        int rc = cantcreat(err, path, e);
        output_free(o);
        return rc;
    }
    /* A file we may not write is not silently replaced by renaming. */
    if (exists && access(o->target, W_OK) != 0) {
        int rc = cantcreat(err, path, errno);
        output_free(o);
        return rc;
    }
    int rc = open_atomic(o, &st, exists, err);
    if (rc != DCPROJ_OK) {
        output_free(o);
        return rc;
    }
    *out = o;
    return DCPROJ_OK;
}

FILE *dcproj_output_stream(struct dcproj_output *o)
{
    return o->fp;
}

/* Sync the directory holding `path` (absolute, as o->target is) so the
 * rename itself is durable (best effort: some file systems refuse fsync on
 * directories).  Allocates nothing, so that a commit whose rename succeeded
 * cannot fail for lack of memory. */
static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash == NULL || (size_t)(slash - path) >= sizeof dir)
        return;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    memcpy(dir, path, n);
    dir[n] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int dcproj_output_commit(struct dcproj_output *o, struct dcproj_error *err)
{
    int e = 0;
    errno = 0;
    if (fflush(o->fp) != 0)
        e = errno != 0 ? errno : EIO;
    if (e == 0 && ferror(o->fp))
        e = EIO;
    if (e != 0 && o->wb != NULL && o->wb->err != 0)
        e = o->wb->err; /* what the kernel said, not stdio's summary */
    if (o->is_stdout) {
        output_free(o);
        if (e != 0)
            return dcproj_error_set(err, DCPROJ_ERR_IO, "<stdout>", NULL, 0, 0,
                                    "write error: %s", strerror(e));
        return DCPROJ_OK;
    }
    if (e == 0 && o->fd >= 0 && fsync(o->fd) != 0)
        e = errno;
    errno = 0;
    if (fclose(o->fp) != 0 && e == 0)
        e = errno != 0 ? errno : EIO;
    o->fp = NULL;
    if (o->fd >= 0 && close(o->fd) != 0 && e == 0)
        e = errno;
    o->fd = -1;
    if (e == 0 && o->tmp != NULL && rename(o->tmp, o->target) != 0)
        e = errno;
    if (o->tmp != NULL) {
        if (e != 0)
            unlink(o->tmp);
        else
            sync_dir(o->target);
    }
    int rc = DCPROJ_OK;
    if (e != 0)
        rc = dcproj_error_set(err, DCPROJ_ERR_IO, o->display, NULL, 0, 0, "write error: %s",
                              strerror(e));
    output_free(o);
    return rc;
}

void dcproj_output_abort(struct dcproj_output *o)
{
    if (o == NULL)
        return;
    if (!o->is_stdout && o->fp != NULL)
        fclose(o->fp);
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp != NULL)
        unlink(o->tmp);
    output_free(o);
}
