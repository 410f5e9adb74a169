/*
 * report_sink.c — the buffered output every report writer shares (struct
 * rsink, report_int.h): lines are built in one large buffer and handed to
 * fwrite() in big chunks; the first failing write is remembered and
 * reported once, by dcproj_rsink_finish().  A sink without a FILE grows in
 * memory instead (the chunks of the parallel table writer).  Kept apart from the writers so
 * that report_dsv.c, report_table.c and report_json.c depend on it and not
 * on each other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "alloc_int.h"

int dcproj_rsink_init(struct rsink *s, FILE *out, struct dcproj_error *err)
{
    s->out = out;
    s->len = 0;
    s->cap = RSINK_SIZE;
    s->failed = 0;
    s->err_no = 0;
    s->buf = dcproj_malloc(RSINK_SIZE);
    if (s->buf == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    return DCPROJ_OK;
}

int dcproj_rsink_init_mem(struct rsink *s, size_t cap)
{
    s->out = NULL;
    s->len = 0;
    s->cap = cap > RSINK_MEM_MIN ? cap : RSINK_MEM_MIN;
    s->failed = 0;
    s->err_no = 0;
    s->buf = dcproj_malloc(s->cap);
    if (s->buf == NULL) {
        s->cap = 0;
        s->failed = 1;
        s->err_no = ENOMEM;
        return -1;
    }
    return 0;
}

void dcproj_rsink_flush(struct rsink *s)
{
    if (s->out == NULL)
        return; /* a memory sink keeps its bytes */
    if (s->len > 0 && !s->failed) {
        errno = 0;
        if (fwrite(s->buf, 1, s->len, s->out) != s->len) {
            s->failed = 1;
            s->err_no = errno != 0 ? errno : EIO;
        }
    }
    s->len = 0;
}

void dcproj_rsink_full(struct rsink *s)
{
    if (s->out != NULL) {
        dcproj_rsink_flush(s);
        return;
    }
    char *p = s->failed ? NULL : dcproj_realloc(s->buf, 2 * s->cap);
    if (p == NULL) { /* keep what fits, drop the rest */
        s->failed = 1;
        s->err_no = ENOMEM;
        return;
    }
    s->buf = p;
    s->cap *= 2;
}

void dcproj_rsink_write(struct rsink *s, const char *p, size_t n)
{
    while (n > 0) {
        if (s->len == s->cap) {
            dcproj_rsink_full(s);
            if (s->len == s->cap)
                return; /* a memory sink that cannot grow */
        }
        size_t room = s->cap - s->len;
        size_t k = n < room ? n : room;
        memcpy(s->buf + s->len, p, k);
        s->len += k;
        p += k;
        n -= k;
    }
}

void dcproj_rsink_write_direct(struct rsink *s, const char *p, size_t n)
{
    if (s->out == NULL || n < s->cap - s->len) {
        dcproj_rsink_write(s, p, n);
        return;
    }
    dcproj_rsink_flush(s);
    if (n > 0 && !s->failed) {
        errno = 0;
        if (fwrite(p, 1, n, s->out) != n) {
            s->failed = 1;
            s->err_no = errno != 0 ? errno : EIO;
        }
    }
}

void dcproj_rsink_puts(struct rsink *s, const char *str)
{
    dcproj_rsink_write(s, str, strlen(str));
}

int dcproj_rsink_finish(struct rsink *s, struct dcproj_error *err)
{
    dcproj_rsink_flush(s);
    dcproj_free(s->buf);
    s->buf = NULL;
    errno = 0;
    if (!s->failed && fflush(s->out) != 0) {
        s->failed = 1;
        s->err_no = errno != 0 ? errno : EIO;
    }
    if (!s->failed && ferror(s->out)) {
        s->failed = 1;
        s->err_no = EIO;
    }
    if (s->failed)
        return dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error: %s",
                                strerror(s->err_no));
    return DCPROJ_OK;
}
