/*
 * report_dsv.c — the delimited writers of SPEC §8 (CSV and TSV in the long,
 * wide and IAMC layouts), the solution CSV of SPEC §4, the format options,
 * the dispatch to the table and JSON writers, and the one rule for a CSV or
 * TSV field (dsv_field_text(), also used by the record writer of
 * table_write.c).
 *
 * Everything is built in one large buffer (struct rsink, report_sink.c) and
 * written in big chunks: a monthly run of 5000 countries over 13 years is
 * millions of numbers, and per-field stdio calls would dominate.
 */
#include "dcproj/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "alloc_int.h"

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

/* The one rule for a text field of a delimited table (SPEC §8), for the
 * buffered writers here and the record writer of table_write.c: NULL is an
 * empty field; CSV quotes (RFC 4180, '"' doubled) only a field that holds
 * the delimiter, '"', CR or LF, and keeps a tab as is; TSV replaces the
 * delimiter, tabs and line breaks by spaces (a CRLF pair by one space).
 * The text leaves through `put` in runs, so that an unquoted field, the
 * common case, is one call. */
void dsv_field_text(dsv_put_fn put, void *ctx, const char *t, char delim, int tsv)
{
    if (t == NULL)
        t = "";
    size_t n = strlen(t);
    size_t i = 0;
    for (; i < n; i++) {
        char c = t[i];
        if (c == delim || c == '"' || c == '\r' || c == '\n' || c == '\t')
            break;
    }
    if (i == n || (!tsv && memchr(t, delim, n) == NULL && memchr(t, '"', n) == NULL &&
                   memchr(t, '\r', n) == NULL && memchr(t, '\n', n) == NULL)) {
        put(ctx, t, n); /* nothing to change, or only a tab, which CSV keeps */
        return;
    }
    size_t run = 0; /* start of the bytes not yet handed to put */
    if (tsv) {
        for (i = 0; i < n; i++) {
            char c = t[i];
            if (c != delim && c != '\t' && c != '\r' && c != '\n')
                continue;
            put(ctx, t + run, i - run);
            run = i + 1;
            if (!(c == '\r' && t[i + 1] == '\n'))
                put(ctx, " ", 1);
        }
        put(ctx, t + run, n - run);
        return;
    }
    put(ctx, "\"", 1);
    for (i = 0; i < n; i++) {
        if (t[i] != '"')
            continue;
        put(ctx, t + run, i + 1 - run); /* up to and with the quote ... */
        run = i;                        /* ... which starts the next run again */
    }
    put(ctx, t + run, n - run);
    put(ctx, "\"", 1);
}

static void sink_put(void *ctx, const char *p, size_t n)
{
    dcproj_rsink_write(ctx, p, n);
}

static void dsv_text(struct dsv *w, const char *t)
{
    dsv_field_text(sink_put, &w->s, t, w->delim, w->tsv);
}

/* Append one number by the rule of SPEC §8. */
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

/* The IAMC variable name and unit of result column `col` (SPEC §8):
 * statistics of a metric M (M_mean, M_pX) are <Var>|Mean and <Var>|pX; the
 * energy of a period is in TWh (TWh/yr when the period is a year).  A
 * column without an IAMC name keeps its own name and an empty unit. */
static void iamc_variable(const char *col, const char *cap_unit, int yearly, char *var,
                          size_t size, const char **unit)
{
    static const struct {
        const char *col, *var, *unit;
    } metrics[] = {{"it_load_mw", "Power|IT Load", "MW"},
                   {"facility_mw", "Power|Facility", "MW"},
                   {"energy_twh", "Energy", NULL}};
    if (strcmp(col, "capacity") == 0) {
        snprintf(var, size, "Capacity");
        *unit = cap_unit;
        return;
    }
    if (strcmp(col, "mean") == 0) {
        snprintf(var, size, "Capacity|Mean");
        *unit = cap_unit;
        return;
    }
    if (col[0] == 'p' && col[1] >= '0' && col[1] <= '9') {
        snprintf(var, size, "Capacity|%s", col);
        *unit = cap_unit;
        return;
    }
    for (size_t k = 0; k < sizeof metrics / sizeof metrics[0]; k++) {
        size_t n = strlen(metrics[k].col);
        if (strncmp(col, metrics[k].col, n) != 0 || (col[n] != '\0' && col[n] != '_'))
            continue;
        *unit = metrics[k].unit != NULL ? metrics[k].unit : yearly ? "TWh/yr" : "TWh";
        if (col[n] == '\0')
            snprintf(var, size, "%s", metrics[k].var);
        else if (strcmp(col + n + 1, "mean") == 0)
            snprintf(var, size, "%s|Mean", metrics[k].var);
        else
            snprintf(var, size, "%s|%s", metrics[k].var, col + n + 1);
        return;
    }
    snprintf(var, size, "%s", col);
    *unit = "";
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
            iamc_variable(res->cols[c], cap_unit, !sub, var, sizeof var, &unit);
            for (size_t p = 0; p < res->n_periods; p++) {
                const struct dcproj_period *per = &res->periods[p];
                if (isnan(dcproj_result_at(res, r, p, c)))
                    continue; /* the first row's energy: no value, no row */
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

/* ---- entry points ---- */

int dcproj_report_write(const struct dcproj_result *res, const struct dcproj_format *fmt,
                        FILE *out, struct dcproj_error *err)
{
    switch (fmt->format) {
    case DCPROJ_FMT_JSON: return dcproj_report_write_json(res, fmt, out, err);
    case DCPROJ_FMT_TABLE: return report_write_table(res, fmt, out, err);
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
