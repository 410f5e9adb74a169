/*
 * dcproj/report.h — writing results (SPEC §8) and formatting numbers.
 *
 * Every number that leaves dcproj goes through dcproj_format_number(): the
 * same bytes whatever the process locale.
 */
#ifndef DCPROJ_REPORT_H
#define DCPROJ_REPORT_H

#include "dcproj/api.h"

#include <stddef.h>
#include <stdio.h>

#include "dcproj/error.h"
#include "dcproj/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest text dcproj_format_number() writes, NUL included. */
#define DCPROJ_NUMBER_LEN 400

/* `precision` for at most 15 significant digits (`%.15g`; SPEC §8 v2,
 * --excel and --excel-eu). */
#define DCPROJ_PRECISION_EXCEL (-2)

/*
 * Format `v` into `buf` (at least DCPROJ_NUMBER_LEN bytes): `%.15g` if that
 * reads back to the same double, else `%.17g`; with `precision` 0–17,
 * `%.<precision>f`.  `precision` -1 selects the shortest rule,
 * DCPROJ_PRECISION_EXCEL `%.15g` (Excel's 15 significant digits).  -0 prints
 * as "0" (also "-0.00" becomes "0.00").  With `decimal_comma` the decimal
 * point is ','.  Never locale-dependent.  Returns the length written.
 * A non-finite `v` prints "nan"/"inf"/"-inf" (callers refuse those first).
 */
DCPROJ_API int dcproj_format_number(double v, int precision, int decimal_comma, char *buf);

/*
 * Parse a number written by dcproj_format_number() (or any C-locale strtod
 * number; with `decimal_comma` a ',' is the decimal point).  The whole of
 * `s` must be the number.  Returns 0 and sets *out on success, -1 otherwise.
 * Never locale-dependent.
 */
DCPROJ_API int dcproj_parse_number(const char *s, int decimal_comma, double *out);

/*
 * Write `s` to `out` as XML or HTML text (character data or a quoted
 * attribute value): & < > " ' become entities; C0 controls other than tab,
 * CR and LF, DEL, C1 controls and invalid UTF-8 become U+FFFD.  The one
 * escaper of SVG charts, the HTML report and JUnit files.  NULL writes
 * nothing.
 */
DCPROJ_API void dcproj_markup_escape(FILE *out, const char *s);

enum dcproj_out_format { DCPROJ_FMT_CSV = 0, DCPROJ_FMT_TSV, DCPROJ_FMT_JSON, DCPROJ_FMT_TABLE };
enum dcproj_layout { DCPROJ_LAYOUT_LONG = 0, DCPROJ_LAYOUT_WIDE, DCPROJ_LAYOUT_IAMC };

/* Output options (SPEC §7, §8).  Initialise with dcproj_format_init(). */
struct dcproj_format {
    enum dcproj_out_format format;
    enum dcproj_layout layout;
    const char *metric;  /* column for wide layout; default "capacity" */
    int precision;       /* -1: shortest rule; 0–17: %.Nf */
    int excel;           /* --excel/--excel-eu: CSV and TSV numbers without a precision
                            have at most 15 significant digits (SPEC §8); never JSON */
    char delimiter;      /* 0: ',' (';' with decimal_comma; tab for TSV) */
    int decimal_comma;
    int bom;
    int crlf;
    int threads;         /* threads formatting a large CSV/TSV table (0 = all cores,
                            1 = the calling thread only); the bytes never depend on it */
};

DCPROJ_API void dcproj_format_init(struct dcproj_format *fmt);

/* Resolve the delimiter the format will use. */
DCPROJ_API char dcproj_format_delimiter(const struct dcproj_format *fmt);

/* The `precision` (for dcproj_format_number) of the numbers of a CSV or
 * TSV written in `fmt`: fmt->precision when given, else
 * DCPROJ_PRECISION_EXCEL with fmt->excel, else -1 (the shortest rule). */
DCPROJ_API int dcproj_format_csv_precision(const struct dcproj_format *fmt);

/*
 * Write the result table to `out` in `fmt`.  Returns DCPROJ_OK, or
 * DCPROJ_ERR_IO if a write fails (ferror), DCPROJ_ERR_NOMEM, or
 * DCPROJ_ERR_USAGE for a metric the result does not have.  Does not close
 * `out`.  A CSV or TSV table of 65,536 numbers or more is formatted by
 * fmt->threads threads (chunks of rows, written in order by the calling
 * thread, which alone touches `out`); the bytes are the same for any count.
 */
DCPROJ_API int dcproj_report_write(const struct dcproj_result *res, const struct dcproj_format *fmt,
                        FILE *out, struct dcproj_error *err);

/*
 * Where a report can go besides a FILE *: a callback that receives the
 * bytes in order (return 0 to go on, non-zero to stop the write, which then
 * fails with DCPROJ_ERR_IO "write error"), or a new buffer.  For hosts
 * without stdio streams (language bindings, servers).
 */
typedef int (*dcproj_write_fn)(void *ctx, const char *data, size_t len);

/* dcproj_report_write() into `fn` (called with `ctx`; possibly many times,
 * never after it returned non-zero).  Same statuses. */
DCPROJ_API int dcproj_report_write_callback(const struct dcproj_result *res,
                                            const struct dcproj_format *fmt, dcproj_write_fn fn,
                                            void *ctx, struct dcproj_error *err);

/* dcproj_report_write() into a new buffer: on DCPROJ_OK *data holds *len
 * bytes and a terminating NUL; release it with dcproj_buffer_free().  On
 * failure *data is NULL. */
DCPROJ_API int dcproj_report_write_buffer(const struct dcproj_result *res,
                                          const struct dcproj_format *fmt, char **data,
                                          size_t *len, struct dcproj_error *err);

/* Release a buffer the library handed over (dcproj_report_write_buffer(),
 * dcproj_file_read()); NULL is a no-op.  Bindings must use this rather than
 * their own free(), which may belong to another C runtime. */
DCPROJ_API void dcproj_buffer_free(void *data);

/*
 * Write the solution CSV of SPEC §4 (`type,id,value,residual,cagr`),
 * honouring delimiter, decimal comma, precision, BOM and CRLF of `fmt`.
 */
DCPROJ_API int dcproj_solution_write(const struct dcproj_result *res, const struct dcproj_format *fmt,
                          FILE *out, struct dcproj_error *err);

/*
 * A record-by-record writer for delimited tables (CSV/TSV) honouring the
 * delimiter, quoting (RFC 4180; TSV replaces tabs and line breaks in text
 * by spaces), decimal comma, precision, BOM and CRLF of a struct
 * dcproj_format.  Used by every table dcproj writes outside the main
 * report (diff, sweep, solution).  Errors are sticky: check
 * dcproj_table_finish() once at the end.
 */
struct dcproj_table_writer {
    FILE *out;
    char delimiter;
    int tsv;
    int crlf;
    int decimal_comma;
    int precision;
    size_t field;       /* fields written in the current record */
};

/* Start writing to `out` (writes the BOM if fmt->bom).  The writer uses
 * unlocked stdio: no other thread may use `out` until the table is
 * finished. */
DCPROJ_API void dcproj_table_begin(struct dcproj_table_writer *w, FILE *out, const struct dcproj_format *fmt);
/* Append a text field (quoted as needed). */
DCPROJ_API void dcproj_table_text(struct dcproj_table_writer *w, const char *s);
/* Append a number (dcproj_format_number with the writer's settings). */
DCPROJ_API void dcproj_table_number(struct dcproj_table_writer *w, double v);
/* End the current record (LF or CRLF). */
DCPROJ_API void dcproj_table_end_record(struct dcproj_table_writer *w);
/* DCPROJ_OK, or DCPROJ_ERR_IO (with a message in `err`) if any write failed. */
DCPROJ_API int dcproj_table_finish(struct dcproj_table_writer *w, struct dcproj_error *err);

#ifdef __cplusplus
}
#endif
#endif
