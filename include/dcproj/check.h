/*
 * dcproj/check.h — comparing a projection with a golden CSV (SPEC §7
 * `check`) and reading CSV tables.
 *
 * The golden and the fresh output are both CSV text written with the same
 * format options; rows are matched on their key columns ((kind, code,
 * period) in the long layout, (kind, code) in the wide layout, (region,
 * variable, year, subannual) in the IAMC layout), columns by name.  A cell
 * passes if |got - exp| <= atol + rtol * |exp| when the expected cell is a
 * number, or if it is byte-identical otherwise.
 */
#ifndef DCPROJ_CHECK_H
#define DCPROJ_CHECK_H

#include "dcproj/api.h"

#include <stddef.h>

#include "dcproj/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A parsed CSV table: fields[r][c] for r < n_records (record 0 is the
 * header), each NUL-terminated, owned by the table. */
struct dcproj_csv {
    size_t n_records;
    size_t n_fields;      /* fields per record (all records agree) */
    char ***fields;
    size_t *lines;        /* 1-based line where each record starts */
};

/*
 * Parse RFC 4180 CSV text (`len` bytes; a leading UTF-8 BOM is skipped; LF
 * or CRLF line ends; fields separated by `delimiter`, quoted with '"').
 * Every record must have as many fields as the header.  A malformed table
 * is DCPROJ_ERR_DATA naming `name` and the line.  On success fills *out
 * (free with dcproj_csv_clear()).
 */
DCPROJ_API int dcproj_csv_parse(const char *name, const char *text, size_t len, char delimiter,
                     struct dcproj_csv *out, struct dcproj_error *err);

DCPROJ_API void dcproj_csv_clear(struct dcproj_csv *csv);

/* One differing cell, for the report. */
struct dcproj_check_diff {
    char row[160];        /* the row key, e.g. "country,IE,2025" */
    char column[64];
    char expected[64];    /* as written (truncated) */
    char got[64];
    double rel;           /* |got - exp| / |exp|; NAN for text cells or exp = 0 */
};

struct dcproj_check_report {
    size_t cells;         /* cells compared */
    size_t cells_differ;
    size_t rows_missing;  /* in the golden, not in the output */
    size_t rows_extra;    /* in the output, not in the golden */
    size_t cols_missing;
    size_t cols_extra;
    size_t n_diffs;       /* kept in diffs[] (at most max_diffs) */
    struct dcproj_check_diff *diffs;
    char first_missing_row[160];
    char first_extra_row[160];
};

struct dcproj_check_options {
    double rtol;          /* default 1e-9 */
    double atol;          /* default 1e-9 */
    char delimiter;       /* of both tables */
    int decimal_comma;    /* numbers use ',' as decimal point */
    size_t max_diffs;     /* differences kept for the report; default 20 */
};

DCPROJ_API void dcproj_check_options_init(struct dcproj_check_options *opt);

/*
 * Compare `got` (CSV text the program just produced) with the golden
 * `expected` (CSV text read from `golden_name`).  Returns DCPROJ_OK when
 * they agree, DCPROJ_ERR_DIFF when they differ (report filled), or
 * DCPROJ_ERR_DATA for a malformed golden (naming its line).  Free the
 * report with dcproj_check_report_clear().
 */
DCPROJ_API int dcproj_check_compare(const char *golden_name, const char *expected, size_t expected_len,
                         const char *got, size_t got_len, const struct dcproj_check_options *opt,
                         struct dcproj_check_report *report, struct dcproj_error *err);

DCPROJ_API void dcproj_check_report_clear(struct dcproj_check_report *report);

#ifdef __cplusplus
}
#endif
#endif
