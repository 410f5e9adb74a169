/*
 * report_csv.c — the delimited writers of SPEC §8 (CSV and TSV in the long,
 * wide and IAMC layouts), the solution CSV of SPEC §4, the format options
 * and the dispatch to the table and JSON writers.
 *
 * Everything is built in one large buffer (struct rsink) and written in big
 * chunks: a monthly run of 5000 countries over 13 years is millions of
 * numbers, and per-field stdio calls would dominate.
 */
#include "dcproj/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "alloc_int.h"

/* ---- buffered sink ---- */

int dcproj_rsink_init(struct rsink *s, FILE *out, struct dcproj_error *err)
{
    s->out = out;
    s->len = 0;
    s->failed = 0;
    s->err_no = 0;
    s->buf = dcproj_malloc(RSINK_SIZE);
    if (s->buf == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    return DCPROJ_OK;
}

void dcproj_rsink_flush(struct rsink *s)
{
    if (s->len > 0 && !s->failed) {
        errno = 0;
        if (fwrite(s->buf, 1, s->len, s->out) != s->len) {
            s->failed = 1;
            s->err_no = errno != 0 ? errno : EIO;
        }
    }
    s->len = 0;
}

void dcproj_rsink_write(struct rsink *s, const char *p, size_t n)
{
    while (n > 0) {
        if (s->len == RSINK_SIZE)
            dcproj_rsink_flush(s);
        size_t room = RSINK_SIZE - s->len;
        size_t k = n < room ? n : room;
        memcpy(s->buf + s->len, p, k);
        s->len += k;
        p += k;
        n -= k;
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

/* ---- options ---- */

void dcproj_format_init(struct dcproj_format *fmt)
{
    fmt->format = DCPROJ_FMT_CSV;
    fmt->layout = DCPROJ_LAYOUT_LONG;
    fmt->metric = "capacity";
    fmt->precision = -1;
    fmt->excel = 0;
    fmt->delimiter = 0;
    fmt->decimal_comma = 0;
    fmt->bom = 0;
    fmt->crlf = 0;
}

char dcproj_format_delimiter(const struct dcproj_format *fmt)
{
    if (fmt->delimiter != 0)
        return fmt->delimiter;
    if (fmt->format == DCPROJ_FMT_TSV)
        return '\t';
    return fmt->decimal_comma ? ';' : ',';
}

int dcproj_format_csv_precision(const struct dcproj_format *fmt)
{
    if (fmt->precision >= 0)
        return fmt->precision;
    return fmt->excel ? DCPROJ_PRECISION_EXCEL : -1;
}

/* ---- delimited writer ---- */

struct dsv {
    struct rsink s;
    char delim;
    int tsv;           /* replace instead of quoting */
    int quote_numbers; /* the delimiter can occur inside a number */
    int precision;
    int decimal_comma;
    int crlf;
    const char *radix;
};

/* Set up a delimited writer for `fmt` on `out` and write the BOM. */
static int dsv_init(struct dsv *w, const struct dcproj_format *fmt, FILE *out,
                    struct dcproj_error *err)
{
    int rc = dcproj_rsink_init(&w->s, out, err);
    if (rc != DCPROJ_OK)
        return rc;
    w->delim = dcproj_format_delimiter(fmt);
    w->tsv = fmt->format == DCPROJ_FMT_TSV;
    w->quote_numbers = !w->tsv && strchr("0123456789+-.,eEinfaINFA", w->delim) != NULL;
    w->precision = dcproj_format_csv_precision(fmt);
    w->decimal_comma = fmt->decimal_comma;
    w->crlf = fmt->crlf;
    w->radix = dcproj_numfmt_radix();
    if (fmt->bom)
        dcproj_rsink_write(&w->s, "\xEF\xBB\xBF", 3);
    return DCPROJ_OK;
}

/* Append one text field: RFC 4180 quoting for CSV (only when the field
 * holds the delimiter, '"', CR or LF), or for TSV the delimiter, tabs and
 * line breaks replaced by spaces (a CRLF pair by one space). */
static void dsv_text(struct dsv *w, const char *t)
{
    if (t == NULL)
        t = "";
    size_t n = strlen(t);
    size_t i = 0;
    for (; i < n; i++) {
        char c = t[i];
        if (c == w->delim || c == '"' || c == '\r' || c == '\n' || c == '\t')
            break;
    }
    if (i == n) {
        dcproj_rsink_write(&w->s, t, n);
        return;
    }
    if (w->tsv) {
        for (i = 0; i < n; i++) {
            char c = t[i];
            if (c == '\r' && t[i + 1] == '\n')
                continue;
            rsink_putc(&w->s, (c == w->delim || c == '\t' || c == '\r' || c == '\n') ? ' ' : c);
        }
        return;
    }
    if (memchr(t, w->delim, n) == NULL && memchr(t, '"', n) == NULL &&
        memchr(t, '\r', n) == NULL && memchr(t, '\n', n) == NULL) {
        dcproj_rsink_write(&w->s, t, n); /* only a tab, which CSV keeps as is */
        return;
    }
    rsink_putc(&w->s, '"');
    for (i = 0; i < n; i++) {
        if (t[i] == '"')
            rsink_putc(&w->s, '"');
        rsink_putc(&w->s, t[i]);
    }
    rsink_putc(&w->s, '"');
}

/* Append one number by the rule of SPEC §8. */
/* A number for the aligned table: empty for NaN (an empty cell, model.h). */
static size_t table_number(double v, int decimals, int decimal_comma, const char *radix, char *buf)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)dcproj_numfmt_format(v, decimals, decimal_comma, radix, buf);
}

static void dsv_number(struct dsv *w, double v)
{
    if (isnan(v))
        return; /* an empty cell (model.h) */
    char buf[DCPROJ_NUMBER_LEN];
    int n = dcproj_numfmt_format(v, w->precision, w->decimal_comma, w->radix, buf);
    if (w->quote_numbers && memchr(buf, w->delim, (size_t)n) != NULL)
        dsv_text(w, buf);
    else
        dcproj_rsink_write(&w->s, buf, (size_t)n);
}

static inline void dsv_sep(struct dsv *w)
{
    rsink_putc(&w->s, w->delim);
}

static inline void dsv_eol(struct dsv *w)
{
    if (w->crlf)
        rsink_putc(&w->s, '\r');
    rsink_putc(&w->s, '\n');
}

static const char *kind_name(enum dcproj_row_kind k)
{
    switch (k) {
    case DCPROJ_ROW_GROUP: return "group";
    case DCPROJ_ROW_TOTAL: return "total";
    default: return "country";
    }
}

/* kind, code and name of row `r`, each followed by the delimiter. */
static void dsv_row_head(struct dsv *w, const struct dcproj_row *row)
{
    dcproj_rsink_puts(&w->s, kind_name(row->kind));
    dsv_sep(w);
    dsv_text(w, row->code);
    dsv_sep(w);
    dsv_text(w, row->name);
    dsv_sep(w);
}

static void write_long(struct dsv *w, const struct dcproj_result *res)
{
    dsv_text(w, "kind");
    dsv_sep(w);
    dsv_text(w, "code");
    dsv_sep(w);
    dsv_text(w, "name");
    dsv_sep(w);
    dsv_text(w, "period");
    for (size_t c = 0; c < res->n_cols; c++) {
        dsv_sep(w);
        dsv_text(w, res->cols[c]);
    }
    dsv_eol(w);
    for (size_t r = 0; r < res->n_rows; r++) {
        for (size_t p = 0; p < res->n_periods; p++) {
            dsv_row_head(w, &res->rows[r]);
            dsv_text(w, res->periods[p].label);
            const double *v = &res->values[(r * res->n_periods + p) * res->n_cols];
            for (size_t c = 0; c < res->n_cols; c++) {
                dsv_sep(w);
                dsv_number(w, v[c]);
            }
            dsv_eol(w);
        }
    }
}

/* The column `fmt->metric` of `res`, or DCPROJ_ERR_USAGE naming the
 * columns there are. */
static int find_metric(const struct dcproj_result *res, const struct dcproj_format *fmt,
                       size_t *col, struct dcproj_error *err)
{
    const char *metric = fmt->metric != NULL ? fmt->metric : "capacity";
    long c = dcproj_result_find_col(res, metric);
    if (c >= 0) {
        *col = (size_t)c;
        return DCPROJ_OK;
    }
    char list[DCPROJ_ERROR_MSG_LEN];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < res->n_cols && len < sizeof list; i++) {
        int k = snprintf(list + len, sizeof list - len, "%s%s", i > 0 ? ", " : "", res->cols[i]);
        if (k < 0)
            break;
        len += (size_t)k;
    }
    return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                            "--metric: unknown column '%s' (available: %s)", metric, list);
}

static void write_wide(struct dsv *w, const struct dcproj_result *res, size_t col)
{
    dsv_text(w, "kind");
    dsv_sep(w);
    dsv_text(w, "code");
    dsv_sep(w);
    dsv_text(w, "name");
    for (size_t p = 0; p < res->n_periods; p++) {
        dsv_sep(w);
        dsv_text(w, res->periods[p].label);
    }
    dsv_eol(w);
    for (size_t r = 0; r < res->n_rows; r++) {
        dsv_row_head(w, &res->rows[r]);
        for (size_t p = 0; p < res->n_periods; p++) {
            if (p > 0)
                dsv_sep(w);
            dsv_number(w, dcproj_result_at(res, r, p, col));
        }
        dsv_eol(w);
    }
}

/* The IAMC variable name and unit of result column `col` (SPEC §8).  A
 * column without an IAMC name keeps its own name and an empty unit. */
static void iamc_variable(const char *col, const char *cap_unit, char *var, size_t size,
                          const char **unit)
{
    if (strcmp(col, "capacity") == 0) {
        snprintf(var, size, "Capacity");
        *unit = cap_unit;
    } else if (strcmp(col, "mean") == 0) {
        snprintf(var, size, "Capacity|Mean");
        *unit = cap_unit;
    } else if (col[0] == 'p' && col[1] >= '0' && col[1] <= '9') {
        snprintf(var, size, "Capacity|%s", col);
        *unit = cap_unit;
    } else if (strcmp(col, "it_load_mw") == 0) {
        snprintf(var, size, "Power|IT Load");
        *unit = "MW";
    } else if (strcmp(col, "facility_mw") == 0) {
        snprintf(var, size, "Power|Facility");
        *unit = "MW";
    } else if (strcmp(col, "energy_twh") == 0) {
        snprintf(var, size, "Energy");
        *unit = "TWh/yr";
    } else {
        snprintf(var, size, "%s", col);
        *unit = "";
    }
}

/* Whether the periods are sub-annual (quarters or months). */
static int has_subannual(const struct dcproj_result *res)
{
    if (res->scenario != NULL)
        return res->scenario->step != DCPROJ_STEP_YEAR;
    for (size_t p = 0; p < res->n_periods; p++)
        if (res->periods[p].sub != 0)
            return 1;
    return 0;
}

static void write_iamc(struct dsv *w, const struct dcproj_result *res)
{
    const struct dcproj_scenario *sc = res->scenario;
    const char *scen = sc != NULL && sc->name != NULL ? sc->name : "";
    const char *cap_unit = sc != NULL && sc->unit != NULL ? sc->unit : "MW";
    int sub = has_subannual(res);
    static const char *const head[] = {"model", "scenario", "region", "variable", "unit", "year"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        if (i > 0)
            dsv_sep(w);
        dsv_text(w, head[i]);
    }
    if (sub) {
        dsv_sep(w);
        dsv_text(w, "subannual");
    }
    dsv_sep(w);
    dsv_text(w, "value");
    dsv_eol(w);
    char var[DCPROJ_COL_LEN + 16];
    char year[16];
    for (size_t r = 0; r < res->n_rows; r++) {
        for (size_t c = 0; c < res->n_cols; c++) {
            const char *unit;
            iamc_variable(res->cols[c], cap_unit, var, sizeof var, &unit);
            for (size_t p = 0; p < res->n_periods; p++) {
                const struct dcproj_period *per = &res->periods[p];
                dcproj_rsink_write(&w->s, "dcproj", 6);
                dsv_sep(w);
                dsv_text(w, scen);
                dsv_sep(w);
                dsv_text(w, res->rows[r].code);
                dsv_sep(w);
                dsv_text(w, var);
                dsv_sep(w);
                dsv_text(w, unit);
                dsv_sep(w);
                snprintf(year, sizeof year, "%d", per->year);
                dcproj_rsink_puts(&w->s, year);
                dsv_sep(w);
                if (sub) {
                    const char *dash = strchr(per->label, '-');
                    dsv_text(w, dash != NULL ? dash + 1 : "");
                    dsv_sep(w);
                }
                dsv_number(w, dcproj_result_at(res, r, p, c));
                dsv_eol(w);
            }
        }
    }
}

/* Write the CSV/TSV table of `res` in the layout of `fmt`. */
static int write_delimited(const struct dcproj_result *res, const struct dcproj_format *fmt,
                           FILE *out, struct dcproj_error *err)
{
    size_t metric = 0;
    if (fmt->layout == DCPROJ_LAYOUT_WIDE) {
        int rc = find_metric(res, fmt, &metric, err);
        if (rc != DCPROJ_OK)
            return rc;
    }
    struct dsv w;
    int rc = dsv_init(&w, fmt, out, err);
    if (rc != DCPROJ_OK)
        return rc;
    switch (fmt->layout) {
    case DCPROJ_LAYOUT_WIDE: write_wide(&w, res, metric); break;
    case DCPROJ_LAYOUT_IAMC: write_iamc(&w, res); break;
    default: write_long(&w, res); break;
    }
    return dcproj_rsink_finish(&w.s, err);
}

/* ---- aligned table ---- */

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
static int write_table(const struct dcproj_result *res, const struct dcproj_format *fmt,
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

    struct dsv w;
    int rc = dsv_init(&w, fmt, out, err);
    if (rc != DCPROJ_OK) {
        dcproj_free(tc);
        return rc;
    }
    struct rsink *s = &w.s;
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
        dsv_eol(&w);
    }
    for (size_t i = 0; i < width; i++)
        rsink_putc(s, '-');
    dsv_eol(&w);
    for (size_t r = 0; r < res->n_rows; r++) {
        const struct dcproj_row *row = &res->rows[r];
        if (r > 0 && row->kind != DCPROJ_ROW_COUNTRY && (row->kind != res->rows[r - 1].kind)) {
            for (size_t i = 0; i < width; i++)
                rsink_putc(s, row->kind == DCPROJ_ROW_TOTAL ? '=' : '-');
            dsv_eol(&w);
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
            dsv_eol(&w);
        }
    }
    if (n_shown < res->n_cols) {
        /* name the dropped columns, wrapped at TABLE_WIDTH */
        dcproj_rsink_puts(s, "(not shown:");
        size_t used = strlen("(not shown:");
        for (size_t c = n_shown; c < res->n_cols; c++) {
            size_t k = strlen(res->cols[c]) + 1; /* with its "," or ")" */
            if (used + 1 + k > TABLE_WIDTH) {
                dsv_eol(&w);
                used = 0;
            } else {
                rsink_putc(s, ' ');
                used++;
            }
            dcproj_rsink_puts(s, res->cols[c]);
            dcproj_rsink_puts(s, c + 1 < res->n_cols ? "," : ")");
            used += k;
        }
        dsv_eol(&w);
    }
    dcproj_free(tc);
    return dcproj_rsink_finish(s, err);
}

/* ---- entry points ---- */

int dcproj_report_write(const struct dcproj_result *res, const struct dcproj_format *fmt,
                        FILE *out, struct dcproj_error *err)
{
    switch (fmt->format) {
    case DCPROJ_FMT_JSON: return dcproj_report_write_json(res, fmt, out, err);
    case DCPROJ_FMT_TABLE: return write_table(res, fmt, out, err);
    default: return write_delimited(res, fmt, out, err);
    }
}

int dcproj_solution_write(const struct dcproj_result *res, const struct dcproj_format *fmt,
                          FILE *out, struct dcproj_error *err)
{
    struct dcproj_format f = *fmt;
    if (f.format != DCPROJ_FMT_TSV)
        f.format = DCPROJ_FMT_CSV;
    struct dsv w;
    int rc = dsv_init(&w, &f, out, err);
    if (rc != DCPROJ_OK)
        return rc;
    static const char *const head[] = {"type", "id", "value", "residual", "cagr", "stderr"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        if (i > 0)
            dsv_sep(&w);
        dsv_text(&w, head[i]);
    }
    dsv_eol(&w);
    const struct dcproj_solution *sol = &res->solution;
    const struct dcproj_scenario *sc = res->scenario;
    /* SPEC §4: without targets, the header only. */
    if (sol->n_targets > 0) {
        char id[32];
        for (size_t i = 0; i < sol->n_variables; i++) {
            dcproj_rsink_puts(&w.s, "variable");
            dsv_sep(&w);
            if (sc != NULL && i < sc->n_variables) {
                dsv_text(&w, sc->variables[i].id);
            } else {
                snprintf(id, sizeof id, "variable%zu", i + 1);
                dsv_text(&w, id);
            }
            dsv_sep(&w);
            dsv_number(&w, sol->variables[i]);
            dsv_sep(&w);
            dsv_sep(&w);
            dsv_sep(&w);
            dsv_eol(&w);
        }
        for (size_t i = 0; i < sol->n_targets; i++) {
            const struct dcproj_target_result *t = &sol->targets[i];
            dcproj_rsink_puts(&w.s, "target");
            dsv_sep(&w);
            if (sc != NULL && i < sc->n_targets) {
                dsv_text(&w, sc->targets[i].id);
            } else {
                snprintf(id, sizeof id, "target%zu", i + 1);
                dsv_text(&w, id);
            }
            dsv_sep(&w);
            dsv_number(&w, t->model);
            dsv_sep(&w);
            dsv_number(&w, t->residual);
            dsv_sep(&w);
            if (t->has_cagr)
                dsv_number(&w, t->cagr);
            dsv_sep(&w);
            dsv_eol(&w);
        }
    }
    /* [v2] fit rows: by country, θ order, rmse last (SPEC §4) */
    for (size_t i = 0; i < sol->n_fit_params && sc != NULL; i++) {
        const struct dcproj_fit_param *q = &sol->fit_params[i];
        char id[DCPROJ_ID_LEN + 16];
        snprintf(id, sizeof id, "%s.%s", sc->countries[q->country].code, q->name);
        dcproj_rsink_puts(&w.s, "fit");
        dsv_sep(&w);
        dsv_text(&w, id);
        dsv_sep(&w);
        dsv_number(&w, q->value);
        dsv_sep(&w);
        dsv_sep(&w);
        dsv_sep(&w);
        if (q->has_std_error)
            dsv_number(&w, q->std_error);
        dsv_eol(&w);
    }
    return dcproj_rsink_finish(&w.s, err);
}
