/*
 * table_write.c — the record-by-record delimited-table writer declared in
 * dcproj/report.h: RFC 4180 quoting, TSV sanitising, numbers through the
 * one formatter.  The same field rules as the buffered writer of the main
 * report (report_csv.c), which keeps its own copy for speed; a number is
 * written through dcproj_table_text(), so it is quoted should it ever hold
 * the delimiter.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dcproj/report.h"

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

static void separator(struct dcproj_table_writer *w)
{
    if (w->field++ > 0)
        putc(w->delimiter, w->out);
}

void dcproj_table_text(struct dcproj_table_writer *w, const char *s)
{
    separator(w);
    if (w->tsv) {
        /* as the main report's TSV: the delimiter, tabs and line breaks
         * become spaces, a CRLF pair one space */
        for (const char *p = s; *p; p++) {
            if (*p == '\r' && p[1] == '\n')
                continue;
            putc(*p == w->delimiter || *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, w->out);
        }
        return;
    }
    int quote = 0;
    for (const char *p = s; *p; p++)
        if (*p == w->delimiter || *p == '"' || *p == '\r' || *p == '\n')
            quote = 1;
    if (!quote) {
        fputs(s, w->out);
        return;
    }
    putc('"', w->out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            putc('"', w->out);
        putc(*p, w->out);
    }
    putc('"', w->out);
}

void dcproj_table_number(struct dcproj_table_writer *w, double v)
{
    char buf[DCPROJ_NUMBER_LEN] = "";
    if (!isnan(v)) /* NaN is an empty cell (model.h) */
        dcproj_format_number(v, w->precision, w->decimal_comma, buf);
    dcproj_table_text(w, buf);
}

void dcproj_table_end_record(struct dcproj_table_writer *w)
{
    if (w->crlf)
        putc('\r', w->out);
    putc('\n', w->out);
    w->field = 0;
}

int dcproj_table_finish(struct dcproj_table_writer *w, struct dcproj_error *err)
{
    if (ferror(w->out))
        return dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error: %s",
                                strerror(errno ? errno : EIO));
    return DCPROJ_OK;
}
