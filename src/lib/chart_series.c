/*
 * chart_series.c — which lines a chart draws (SPEC §7 `chart`): the top
 * countries by the metric at the last period, "other", TOTAL, or the rows
 * --scope names; their values, P5–P95 bands, observed values, and the
 * stacking of --stack.  See chart_int.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"
#include "alloc_int.h"

/* Okabe-Ito-like safety is not enough for nine lines: Paul Tol's "muted"
 * qualitative scheme is distinguishable for the common colour-vision
 * deficiencies.  Past nine lines the colours repeat with a dash pattern. */
static const char *const PALETTE[] = {"#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
                                      "#DDCC77", "#CC6677", "#882255", "#AA4499"};
#define N_PALETTE (sizeof PALETTE / sizeof PALETTE[0])
static const char *const CYCLE_DASH[] = {NULL, "9 3 2 3", "2 3"};
#define N_CYCLE_DASH (sizeof CYCLE_DASH / sizeof CYCLE_DASH[0])

struct rank {
    size_t row;
    double horizon;
};

/* Largest horizon capacity first; equal values keep file (row) order. */
static int rank_cmp(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;
    if (x->horizon > y->horizon)
        return -1;
    if (x->horizon < y->horizon)
        return 1;
    return x->row < y->row ? -1 : (x->row > y->row);
}

/* Copy column `col` of row `row` over all periods into a new array. */
static double *row_values(const struct dcproj_result *res, size_t row, size_t col)
{
    double *v = dcproj_malloc(res->n_periods * sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t p = 0; p < res->n_periods; p++)
        v[p] = dcproj_result_at(res, row, p, col);
    return v;
}

/* Whether series `kind` gets a band under `bands`. */
static int wants_band(enum dcproj_chart_bands bands, int stack, enum series_kind kind)
{
    if (bands == DCPROJ_CHART_BANDS_NONE || kind == SERIES_OTHER) /* other: see build_series */
        return 0;
    if (bands == DCPROJ_CHART_BANDS_ALL && !stack)
        return 1;
    return kind == SERIES_TOTAL;
}

/* Fill series `s` from result row `row`: values and, when wanted and the
 * result has them, its band.  0 or -1 (out of memory). */
static int fill_row_series(struct chart *c, struct series *s, size_t row,
                           enum dcproj_chart_bands bands)
{
    s->values = row_values(c->res, row, (size_t)c->col);
    if (s->values == NULL)
        return -1;
    /* SPEC §3.9: observed values are of the capacity quantity */
    long obs = dcproj_result_find_col(c->res, "observed");
    if (obs >= 0 && strcmp(c->res->cols[c->col], "capacity") == 0 && !c->stack) {
        s->obs = row_values(c->res, row, (size_t)obs);
        if (s->obs == NULL)
            return -1;
        c->has_obs = 1;
    }
    if (c->lo_col >= 0 && c->hi_col >= 0 && wants_band(bands, c->stack, s->kind)) {
        s->lo = row_values(c->res, row, (size_t)c->lo_col);
        s->hi = row_values(c->res, row, (size_t)c->hi_col);
        if (s->lo == NULL || s->hi == NULL)
            return -1;
    }
    return 0;
}

int chart_rank_countries(const struct dcproj_result *res, long col, size_t top, size_t *rows,
                         size_t *n_countries, size_t *n_drawn)
{
    size_t n = 0;
    for (size_t r = 0; r < res->n_rows; r++)
        n += res->rows[r].kind == DCPROJ_ROW_COUNTRY;
    struct rank *ranks = dcproj_malloc((n + 1) * sizeof *ranks);
    if (ranks == NULL)
        return -1;
    size_t k = 0;
    for (size_t r = 0; r < res->n_rows; r++)
        if (res->rows[r].kind == DCPROJ_ROW_COUNTRY) {
            double v = dcproj_result_at(res, r, res->n_periods - 1, (size_t)col);
            ranks[k++] = (struct rank){r, isnan(v) ? -HUGE_VAL : v};
        }
    qsort(ranks, n, sizeof *ranks, rank_cmp);
    for (size_t i = 0; i < n; i++)
        rows[i] = ranks[i].row;
    dcproj_free(ranks);
    size_t drawn = n < top ? n : top;
    if (n - drawn == 1)
        drawn = n; /* a single remaining country is drawn as itself */
    *n_countries = n;
    *n_drawn = drawn;
    return 0;
}

/* The series `opt->scopes` name, in that order.  Returns a status. */
static int scope_series(struct chart *c, const struct dcproj_chart_options *opt,
                        struct dcproj_error *err)
{
    const struct dcproj_result *res = c->res;
    c->series = dcproj_calloc(opt->n_scopes, sizeof *c->series);
    if (c->series == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    size_t n_colored = 0;
    for (size_t i = 0; i < opt->n_scopes; i++) {
        size_t r = 0;
        while (r < res->n_rows && strcmp(res->rows[r].code, opt->scopes[i]) != 0)
            r++;
        if (r == res->n_rows)
            return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                    "chart: --scope %s: no country, group or TOTAL of that name",
                                    opt->scopes[i]);
        for (size_t k = 0; k < c->n_series; k++)
            if (strcmp(c->series[k].code, opt->scopes[i]) == 0)
                return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                        "chart: --scope %s is given twice", opt->scopes[i]);
        const struct dcproj_row *row = &res->rows[r];
        struct series *s = &c->series[c->n_series++];
        s->kind = row->kind == DCPROJ_ROW_TOTAL ? SERIES_TOTAL : SERIES_COUNTRY;
        s->code = row->code;
        s->name = row->name != NULL ? row->name : "";
        s->country = row->kind == DCPROJ_ROW_COUNTRY ? row->index : SIZE_MAX;
        if (s->kind == SERIES_TOTAL) {
            s->color = TOTAL_COLOR;
        } else {
            s->color = PALETTE[n_colored % N_PALETTE];
            s->dash = CYCLE_DASH[(n_colored / N_PALETTE) % N_CYCLE_DASH];
            n_colored++;
        }
        if (fill_row_series(c, s, r, opt->bands) != 0)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    }
    return DCPROJ_OK;
}

/* Pick and compute the series of the chart: `opt->scopes`, or the top
 * countries, "other" and TOTAL.  Returns a status. */
int chart_build_series(struct chart *c, const struct dcproj_chart_options *opt,
                       struct dcproj_error *err)
{
    if (opt->n_scopes > 0)
        return scope_series(c, opt, err);
    const struct dcproj_result *res = c->res;
    size_t total_row = SIZE_MAX, n_countries = 0, n_drawn = 0;
    for (size_t r = 0; r < res->n_rows; r++)
        if (res->rows[r].kind == DCPROJ_ROW_TOTAL && total_row == SIZE_MAX)
            total_row = r;
    size_t *ranks = dcproj_malloc((res->n_rows + 1) * sizeof *ranks);
    c->series = dcproj_calloc(res->n_rows + 2, sizeof *c->series);
    if (ranks == NULL || c->series == NULL ||
        chart_rank_countries(res, c->col, (size_t)opt->top, ranks, &n_countries, &n_drawn) != 0) {
        dcproj_free(ranks);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n_drawn; i++) {
        const struct dcproj_row *row = &res->rows[ranks[i]];
        struct series *s = &c->series[c->n_series++];
        s->kind = SERIES_COUNTRY;
        s->code = row->code;
        s->name = row->name != NULL ? row->name : "";
        s->color = PALETTE[i % N_PALETTE];
        s->dash = CYCLE_DASH[(i / N_PALETTE) % N_CYCLE_DASH];
        s->country = row->index;
        if (fill_row_series(c, s, ranks[i], opt->bands) != 0)
            goto nomem;
    }
    if (n_drawn < n_countries) {
        struct series *s = &c->series[c->n_series++];
        s->kind = SERIES_OTHER;
        s->code = "other";
        s->name = "";
        s->color = OTHER_COLOR;
        s->dash = OTHER_DASH;
        s->country = SIZE_MAX;
        s->values = dcproj_calloc(c->n_periods, sizeof *s->values);
        if (s->values == NULL)
            goto nomem;
        for (size_t i = n_drawn; i < n_countries; i++)
            for (size_t p = 0; p < c->n_periods; p++)
                s->values[p] += dcproj_result_at(res, ranks[i], p, (size_t)c->col);
        s->n_other = n_countries - n_drawn;
        /* its band: the quantiles of the per-draw sum, from the extra group
         * row of dcproj_chart_project(), when the result has one */
        for (size_t r = 0; r < res->n_rows && opt->bands == DCPROJ_CHART_BANDS_ALL && !c->stack;
             r++)
            if (res->rows[r].kind == DCPROJ_ROW_GROUP &&
                strcmp(res->rows[r].code, DCPROJ_CHART_OTHER_ROW) == 0 && c->lo_col >= 0 &&
                c->hi_col >= 0) {
                s->lo = row_values(res, r, (size_t)c->lo_col);
                s->hi = row_values(res, r, (size_t)c->hi_col);
                if (s->lo == NULL || s->hi == NULL)
                    goto nomem;
            }
    }
    if (total_row != SIZE_MAX) {
        struct series *s = &c->series[c->n_series++];
        s->kind = SERIES_TOTAL;
        s->code = "TOTAL";
        s->name = "";
        s->color = TOTAL_COLOR;
        s->country = SIZE_MAX;
        if (fill_row_series(c, s, total_row, opt->bands) != 0)
            goto nomem;
    }
    dcproj_free(ranks);
    return DCPROJ_OK;
nomem:
    dcproj_free(ranks);
    return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
}

/* --stack: each country's (and other's) area sits on the sum of the ones
 * drawn before it (largest first, at the bottom).  0 or -1. */
int chart_stack_series(struct chart *c)
{
    double *acc = dcproj_calloc(c->n_periods, sizeof *acc);
    if (acc == NULL)
        return -1;
    for (size_t i = 0; i < c->n_series; i++) {
        struct series *s = &c->series[i];
        if (s->kind == SERIES_TOTAL)
            continue;
        s->base = dcproj_malloc(c->n_periods * sizeof *s->base);
        if (s->base == NULL) {
            dcproj_free(acc);
            return -1;
        }
        for (size_t p = 0; p < c->n_periods; p++) {
            s->base[p] = acc[p];
            if (!isnan(s->values[p]))
                acc[p] += s->values[p];
        }
    }
    dcproj_free(acc);
    return 0;
}

