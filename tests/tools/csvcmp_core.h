/*
 * csvcmp_core.h — an RFC 4180 CSV reader and a tolerant table comparison,
 * written independently of libdcproj so tests do not check the program
 * with its own code.
 *
 * A table is a sequence of records; a record a sequence of fields (the
 * field text with quotes removed and inner "" turned into ").  Fields are
 * separated by one delimiter byte, records end with LF, CRLF or the end of
 * the file.  A leading UTF-8 byte-order mark is noted, not kept.
 */
#ifndef CSVCMP_CORE_H
#define CSVCMP_CORE_H

#include <stddef.h>
#include <stdio.h>

/* How a record ends. */
enum csv_eol { CSV_EOL_NONE = 0, CSV_EOL_LF, CSV_EOL_CRLF };

struct csv_field {
    char *text;   /* NUL-terminated copy (may also contain NUL bytes) */
    size_t len;   /* bytes in text, excluding the terminator */
};

struct csv_record {
    struct csv_field *fields;
    size_t n_fields;
    int line;           /* 1-based line where the record starts */
    enum csv_eol eol;
};

struct csv_table {
    int bom;            /* 1 when the data began with EF BB BF */
    struct csv_record *records;
    size_t n_records;
};

struct csv_options {
    char delimiter;     /* ',' by default */
    int decimal_comma;  /* numbers written as 1,5 */
    double rtol, atol;  /* |a - b| <= rtol * max(|a|, |b|) + atol */
    int ignore_bom;     /* do not compare the presence of a BOM */
    int ignore_eol;     /* do not compare record terminators */
    int max_report;     /* differences printed (the rest only counted) */
};

/* Fill `o` with the defaults: ',', rtol 1e-9, atol 1e-12, BOM and record
 * terminators compared, 10 differences reported. */
void csv_options_init(struct csv_options *o);

/*
 * Parse `len` bytes at `data` with `delimiter` into *out (caller frees it
 * with csv_table_free()).  Returns 0, or -1 for malformed CSV (an
 * unterminated quoted field, text after a closing quote, a quote inside an
 * unquoted field, a CR not followed by LF outside quotes, no memory) with a
 * message naming the line written to `msg` (at most `msg_size` bytes); on
 * failure *out is left empty.
 */
int csv_parse(const char *data, size_t len, char delimiter, struct csv_table *out,
              char *msg, size_t msg_size);

/* Release everything a table owns and leave it empty.  NULL is a no-op. */
void csv_table_free(struct csv_table *t);

/*
 * Whether the `len` bytes at `s` are a number: optional sign, digits with
 * an optional fraction (or a fraction alone), an optional exponent, nothing
 * else (no spaces, no inf/nan, no hex), with ',' instead of '.' when
 * `decimal_comma`.  On success stores the value (strtod in the C locale)
 * in *out and returns 1; a value that overflows to infinity is not a number.
 * Returns 0 otherwise.
 */
int csv_cell_number(const char *s, size_t len, int decimal_comma, double *out);

/* Whether numbers a and b agree: |a - b| <= rtol * max(|a|, |b|) + atol. */
int csv_numbers_close(double a, double b, double rtol, double atol);

/*
 * Compare table `got` against `exp`: same BOM (unless ignored), same number
 * of records, record by record the same number of fields, each field
 * byte-equal unless both are numbers that agree within the tolerance, and
 * the same record terminators (unless ignored).  The first record is the
 * header; its fields name the columns in reports.  Prints the first
 * o->max_report differences to `report` (may be NULL) as
 * "line L: column C: expected X, got Y".  Returns the number of
 * differences (0 = equal).
 */
long csv_compare(const struct csv_table *exp, const struct csv_table *got,
                 const struct csv_options *o, FILE *report);

#endif
