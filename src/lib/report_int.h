/*
 * report_int.h — internals shared by the number formatter and the table
 * writers (numfmt.c, report_sink.c, report_dsv.c, report_table.c,
 * report_json.c, table_write.c).
 *
 * Writers look the process's decimal point up once per write call
 * (dcproj_numfmt_radix()) and pass it to dcproj_numfmt_format(), so the hot
 * path does no locale lookup.  Output goes through a `struct rsink`: lines
 * are built in one large buffer and handed to fwrite() in big chunks; the
 * first failing write is remembered and reported once at the end.
 */
#ifndef DCPROJ_REPORT_INT_H
#define DCPROJ_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "dcproj/error.h"
#include "dcproj/report.h"

/* The decimal point of the calling thread's LC_NUMERIC locale, as snprintf
 * and strtod use it (may be several bytes).  Valid until the locale
 * changes. */
const char *dcproj_numfmt_radix(void);

/* dcproj_format_number() with the locale's decimal point `radix` already
 * looked up by dcproj_numfmt_radix(). */
int dcproj_numfmt_format(double v, int precision, int decimal_comma, const char *radix,
                         char *buf);

#define RSINK_SIZE (64u * 1024u)

/* A buffered writer on a FILE, or (out == NULL) a growing buffer in
 * memory that a caller hands on later (the parallel table writer formats
 * chunks that way).  `failed` is set by the first write error or failed
 * allocation (with its errno in `err_no`); later writes are dropped. */
struct rsink {
    FILE *out;
    size_t len;
    size_t cap;
    int failed;
    int err_no;
    char *buf; /* cap bytes */
};

/* Start writing to `out`.  Returns DCPROJ_OK or DCPROJ_ERR_NOMEM (filled in
 * `err`). */
int dcproj_rsink_init(struct rsink *s, FILE *out, struct dcproj_error *err);

/* The least a memory sink starts with (more than DCPROJ_NUMBER_LEN). */
#define RSINK_MEM_MIN 4096u

/* Start a memory sink of `cap` (at least RSINK_MEM_MIN) bytes that grows as
 * needed; 0, or -1 when out of memory (then `failed` is set). */
int dcproj_rsink_init_mem(struct rsink *s, size_t cap);

/* Hand the buffered bytes to the FILE (a memory sink keeps them). */
void dcproj_rsink_flush(struct rsink *s);

/* The buffer is full: flush it to the FILE, or grow a memory sink. */
void dcproj_rsink_full(struct rsink *s);

/* Append `n` bytes. */
void dcproj_rsink_write(struct rsink *s, const char *p, size_t n);

/* Append `n` bytes of a large block straight to the FILE, after what is
 * buffered (no copy through the buffer). */
void dcproj_rsink_write_direct(struct rsink *s, const char *p, size_t n);

/* Append a NUL-terminated string. */
void dcproj_rsink_puts(struct rsink *s, const char *str);

/* Append one byte. */
static inline void rsink_putc(struct rsink *s, char c)
{
    if (s->len == s->cap)
        dcproj_rsink_full(s);
    if (s->len < s->cap)
        s->buf[s->len++] = c;
}

/* Flush (the FILE too, so that errors show here), release the buffer and
 * report: DCPROJ_OK, or DCPROJ_ERR_IO with "write error: <strerror>" if any
 * write failed or the stream's error flag is set.  Does not close the
 * FILE. */
int dcproj_rsink_finish(struct rsink *s, struct dcproj_error *err);

/* Receives the bytes of a field written by dsv_field_text(). */
typedef void (*dsv_put_fn)(void *ctx, const char *p, size_t n);

/* Write text `t` (NULL: empty) as one field of a delimited table with
 * delimiter `delim`, CSV quoting or (with `tsv`) TSV replacement: the one
 * field rule of SPEC §8 (report_dsv.c). */
void dsv_field_text(dsv_put_fn put, void *ctx, const char *t, char delim, int tsv);

/* Whether a number (with a decimal comma or point) could hold the delimiter
 * `delim` (a digit, the decimal separator, 'e', ...) and must go through
 * dsv_field_text(); 0 for the usual ',' (decimal point), ';' and tab.  The
 * one rule of both delimited writers. */
int dsv_number_quotable(char delim, int decimal_comma);

/* The aligned human table of --format table (report_table.c). */
int report_write_table(const struct dcproj_result *res, const struct dcproj_format *fmt,
                       FILE *out, struct dcproj_error *err);

/* Write the JSON format (report_json.c). */
int dcproj_report_write_json(const struct dcproj_result *res, const struct dcproj_format *fmt,
                             FILE *out, struct dcproj_error *err);

#endif
