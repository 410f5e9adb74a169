/*
 * table_write.c — the record-by-record delimited-table writer declared in
 * dcproj/report.h: RFC 4180 quoting, TSV sanitising, numbers through the
 * one formatter.  A field is written by the one field rule of the main
 * report (dsv_field_text(), report_dsv.c); a number goes through
 * dcproj_table_text() too, so that it is quoted, when the delimiter is one
 * of the characters a number can hold (dsv_number_quotable()).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dcproj/report.h"
#include "report_int.h"

void dcproj_table_begin(struct dcproj_table_writer *w, FILE *out, const struct dcproj_format *fmt)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->delimiter = dcproj_format_delimiter(fmt);
    w->tsv = fmt->format == DCPROJ_FMT_TSV;
    w->crlf = fmt->crlf;
    w->decimal_comma = fmt->decimal_comma;
    w->precision = dcproj_format_csv_precision(fmt);
    if (fmt->bom)
        fputs("\xEF\xBB\xBF", out);
}

/* The FILE belongs to the writer while it writes (dcproj/report.h), so the
 * unlocked stdio calls are used: a sweep writes millions of fields. */
static void separator(struct dcproj_table_writer *w)
{
    if (w->field++ > 0)
        putc_unlocked(w->delimiter, w->out);
}

static void file_put(void *ctx, const char *p, size_t n)
{
    fwrite_unlocked(p, 1, n, ctx);
}

void dcproj_table_text(struct dcproj_table_writer *w, const char *s)
{
    separator(w);
    dsv_field_text(file_put, w->out, s, w->delimiter, w->tsv);
}

void dcproj_table_number(struct dcproj_table_writer *w, double v)
{
    char buf[DCPROJ_NUMBER_LEN] = "";
    int n = 0;
    if (!isnan(v)) /* NaN is an empty cell (model.h) */
        n = dcproj_format_number(v, w->precision, w->decimal_comma, buf);
    if (dsv_number_quotable(w->delimiter, w->decimal_comma)) {
        dcproj_table_text(w, buf);
        return;
    }
    separator(w);
    fwrite_unlocked(buf, 1, (size_t)n, w->out);
}

void dcproj_table_end_record(struct dcproj_table_writer *w)
{
    if (w->crlf)
        putc_unlocked('\r', w->out);
    putc_unlocked('\n', w->out);
    w->field = 0;
}

int dcproj_table_finish(struct dcproj_table_writer *w, struct dcproj_error *err)
{
    if (ferror(w->out))
        return dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error: %s",
                                strerror(errno ? errno : EIO));
    return DCPROJ_OK;
}
