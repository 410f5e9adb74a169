/*
 * report_table.c — the aligned, human-readable table of `--format table`
 * (SPEC §8): column widths, units, cutting names and dropping columns that
 * do not fit in 80 columns.  Written through the shared buffer (report_sink.c).
 */
#include "dcproj/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "alloc_int.h"

#define TABLE_WIDTH 80
#define TABLE_GAP 2
#define TABLE_NAME_MAX 24
#define TABLE_NAME_MIN 8

/* Display width of UTF-8 text: one column per code point. */
static size_t text_width(const char *t)
{
    size_t w = 0;
    for (; *t != '\0'; t++)
        if (((unsigned char)*t & 0xC0) != 0x80)
            w++;
    return w;
}

/* Append `t` cut to at most `width` columns (an ellipsis marks a cut) and
 * padded with spaces to exactly `width` when `pad`.  Control characters
 * (a line break in a name) become spaces. */
static void table_text(struct rsink *s, const char *t, size_t width, int pad)
{
    size_t w = text_width(t);
    size_t limit = w > width ? width - 1 : w;
    size_t shown = 0;
    const char *p = t;
    while (*p != '\0' && shown < limit) {
        rsink_putc(s, (unsigned char)*p < 0x20 ? ' ' : *p);
        p++;
        while (((unsigned char)*p & 0xC0) == 0x80)
            rsink_putc(s, *p++);
        shown++;
    }
    if (w > width) {
        dcproj_rsink_puts(s, "\xE2\x80\xA6"); /* … */
        shown++;
    }
    if (pad)
        for (; shown < width; shown++)
            rsink_putc(s, ' ');
}

/* A number for the aligned table: empty for NaN (an empty cell, model.h). */
static size_t table_number(double v, int decimals, int decimal_comma, const char *radix, char *buf)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)dcproj_numfmt_format(v, decimals, decimal_comma, radix, buf);
}

static void table_eol(struct rsink *s, int crlf)
{
    if (crlf)
        rsink_putc(s, '\r');
    rsink_putc(s, '\n');
}

static void table_spaces(struct rsink *s, size_t n)
{
    while (n-- > 0)
        rsink_putc(s, ' ');
}

/* A numeric table column (same index as the result column): short header,
 * unit, the decimals it is printed with and its width. */
struct tcol {
    const char *head;
    const char *unit;
    int decimals;
    size_t width;
};

/* Header, unit and default decimals of result column `name`. */
static void table_column(const char *name, const char *cap_unit, struct tcol *tc)
{
    tc->head = name;
    tc->unit = cap_unit;
    tc->decimals = 1;
    if (strcmp(name, "it_load_mw") == 0) {
        tc->head = "it_load";
        tc->unit = "MW";
    } else if (strcmp(name, "facility_mw") == 0) {
        tc->head = "facility";
        tc->unit = "MW";
    } else if (strcmp(name, "energy_twh") == 0) {
        tc->head = "energy";
        tc->unit = "TWh/yr";
        tc->decimals = 3;
    } else if (strcmp(name, "capacity") != 0 && strcmp(name, "mean") != 0 &&
               !(name[0] == 'p' && name[1] >= '0' && name[1] <= '9')) {
        tc->unit = "";
    }
}

static const char *table_name(const struct dcproj_row *row)
{
    if (row->kind == DCPROJ_ROW_GROUP)
        return "(group)";
    return row->name != NULL ? row->name : "";
}

/* The aligned, human table: the long layout without the kind column (group
 * and TOTAL rows come after a rule), code and name on the first period of
 * each row only, a header line of column names and one of units, numbers
 * right-aligned with 1 decimal (3 for energy) or --precision.  Columns that
 * do not fit in 80 columns are dropped from the right (capacity is always
 * kept) and named in a last line. */
int report_write_table(const struct dcproj_result *res, const struct dcproj_format *fmt,
                       FILE *out, struct dcproj_error *err)
{
    const char *cap_unit =
        res->scenario != NULL && res->scenario->unit != NULL ? res->scenario->unit : "MW";
    struct tcol *tc = dcproj_calloc(res->n_cols > 0 ? res->n_cols : 1, sizeof *tc);
    if (tc == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    const char *radix = dcproj_numfmt_radix();
    char buf[DCPROJ_NUMBER_LEN];
    for (size_t c = 0; c < res->n_cols; c++) {
        table_column(res->cols[c], cap_unit, &tc[c]);
        if (fmt->precision >= 0)
            tc[c].decimals = fmt->precision;
        size_t w = strlen(tc[c].head);
        if (text_width(tc[c].unit) > w)
            w = text_width(tc[c].unit);
        for (size_t i = 0; i < res->n_rows * res->n_periods; i++) {
            size_t k = table_number(res->values[i * res->n_cols + c], tc[c].decimals,
                                    fmt->decimal_comma, radix, buf);
            if (k > w)
                w = k;
        }
        tc[c].width = w;
    }
    size_t w_code = strlen("code"), w_name = strlen("name"), w_period = strlen("period");
    for (size_t r = 0; r < res->n_rows; r++) {
        size_t k = text_width(res->rows[r].code != NULL ? res->rows[r].code : "");
        if (k > w_code)
            w_code = k;
        k = text_width(table_name(&res->rows[r]));
        if (k > w_name)
            w_name = k;
    }
    if (w_name > TABLE_NAME_MAX)
        w_name = TABLE_NAME_MAX;
    for (size_t p = 0; p < res->n_periods; p++)
        if (strlen(res->periods[p].label) > w_period)
            w_period = strlen(res->periods[p].label);

    /* Fit: shrink the name, then drop numeric columns from the right, then
     * the name column itself. */
    size_t n_shown = res->n_cols;
    int show_name = 1;
    size_t width = w_code + TABLE_GAP + w_name + TABLE_GAP + w_period;
    for (size_t c = 0; c < n_shown; c++)
        width += TABLE_GAP + tc[c].width;
    if (width > TABLE_WIDTH && w_name > TABLE_NAME_MIN) {
        size_t cut = width - TABLE_WIDTH;
        size_t can = w_name - TABLE_NAME_MIN;
        size_t k = cut < can ? cut : can;
        w_name -= k;
        width -= k;
    }
    while (width > TABLE_WIDTH && n_shown > 1) {
        n_shown--;
        width -= TABLE_GAP + tc[n_shown].width;
    }
    if (width > TABLE_WIDTH) {
        show_name = 0;
        width -= TABLE_GAP + w_name;
    }

    struct rsink sink;
    int rc = dcproj_rsink_init(&sink, out, err);
    if (rc != DCPROJ_OK) {
        dcproj_free(tc);
        return rc;
    }
    struct rsink *s = &sink;
    if (fmt->bom)
        dcproj_rsink_write(s, "\xEF\xBB\xBF", 3);
    /* header: names, then units */
    for (int line = 0; line < 2; line++) {
        table_text(s, line == 0 ? "code" : "", w_code, 1);
        table_spaces(s, TABLE_GAP);
        if (show_name) {
            table_text(s, line == 0 ? "name" : "", w_name, 1);
            table_spaces(s, TABLE_GAP);
        }
        table_text(s, line == 0 ? "period" : "", w_period, 1);
        for (size_t c = 0; c < n_shown; c++) {
            const char *t = line == 0 ? tc[c].head : tc[c].unit;
            table_spaces(s, TABLE_GAP + tc[c].width - text_width(t));
            dcproj_rsink_puts(s, t);
        }
        table_eol(s, fmt->crlf);
    }
    for (size_t i = 0; i < width; i++)
        rsink_putc(s, '-');
    table_eol(s, fmt->crlf);
    for (size_t r = 0; r < res->n_rows; r++) {
        const struct dcproj_row *row = &res->rows[r];
        if (r > 0 && row->kind != DCPROJ_ROW_COUNTRY && (row->kind != res->rows[r - 1].kind)) {
            for (size_t i = 0; i < width; i++)
                rsink_putc(s, row->kind == DCPROJ_ROW_TOTAL ? '=' : '-');
            table_eol(s, fmt->crlf);
        }
        for (size_t p = 0; p < res->n_periods; p++) {
            table_text(s, p == 0 && row->code != NULL ? row->code : "", w_code, 1);
            table_spaces(s, TABLE_GAP);
            if (show_name) {
                table_text(s, p == 0 ? table_name(row) : "", w_name, 1);
                table_spaces(s, TABLE_GAP);
            }
            table_text(s, res->periods[p].label, w_period, 1);
            for (size_t c = 0; c < n_shown; c++) {
                size_t k = table_number(dcproj_result_at(res, r, p, c), tc[c].decimals,
                                        fmt->decimal_comma, radix, buf);
                table_spaces(s, TABLE_GAP + tc[c].width - k);
                dcproj_rsink_write(s, buf, k);
            }
            table_eol(s, fmt->crlf);
        }
    }
    if (n_shown < res->n_cols) {
        /* name the dropped columns, wrapped at TABLE_WIDTH */
        dcproj_rsink_puts(s, "(not shown:");
        size_t used = strlen("(not shown:");
        for (size_t c = n_shown; c < res->n_cols; c++) {
            size_t k = strlen(res->cols[c]) + 1; /* with its "," or ")" */
            if (used + 1 + k > TABLE_WIDTH) {
                table_eol(s, fmt->crlf);
                used = 0;
            } else {
                rsink_putc(s, ' ');
                used++;
            }
            dcproj_rsink_puts(s, res->cols[c]);
            dcproj_rsink_puts(s, c + 1 < res->n_cols ? "," : ")");
            used += k;
        }
        table_eol(s, fmt->crlf);
    }
    dcproj_free(tc);
    return dcproj_rsink_finish(s, err);
}
