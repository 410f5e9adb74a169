/*
 * report_target.c — where a report can go besides a FILE * (report.h): a
 * caller's callback (through a cookie stream, so every writer keeps one
 * code path) or a new buffer (a memory stream).  The writers themselves
 * (report_dsv.c, report_table.c, report_json.c) only ever see a FILE *.
 */
#include "dcproj/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct cookie {
    dcproj_write_fn fn;
    void *ctx;
    int failed;
};

/* fopencookie's write: hand the bytes on; a refusal fails this and every
 * later write, so the stream's error flag reaches the writer. */
static ssize_t cookie_write(void *c, const char *buf, size_t size)
{
    struct cookie *k = c;
    if (k->failed || k->fn(k->ctx, buf, size) != 0) {
        k->failed = 1;
        errno = EIO;
        return -1;
    }
    return (ssize_t)size;
}

int dcproj_report_write_callback(const struct dcproj_result *res, const struct dcproj_format *fmt,
                                 dcproj_write_fn fn, void *ctx, struct dcproj_error *err)
{
    struct cookie k = {fn, ctx, 0};
    cookie_io_functions_t io = {NULL, cookie_write, NULL, NULL};
    FILE *f = fopencookie(&k, "w", io);
    if (f == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    int rc = dcproj_report_write(res, fmt, f, err);
    if (fclose(f) != 0 && rc == DCPROJ_OK)
        rc = dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error: %s",
                              strerror(EIO));
    return rc;
}

int dcproj_report_write_buffer(const struct dcproj_result *res, const struct dcproj_format *fmt,
                               char **data, size_t *len, struct dcproj_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    *data = NULL;
    *len = 0;
    FILE *f = open_memstream(&buf, &n);
    if (f == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    int rc = dcproj_report_write(res, fmt, f, err);
    if (fclose(f) != 0 && rc == DCPROJ_OK)
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    if (rc != DCPROJ_OK) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return DCPROJ_OK;
}

void dcproj_buffer_free(void *data)
{
    free(data);
}
