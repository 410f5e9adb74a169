/*
 * project.c — dcproj_project(): calibration, the deterministic projection,
 * floors, aggregates (SPEC §3.8), power columns (SPEC §3.7) and, when
 * draws > 0, the Monte Carlo columns.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "numfmt_int.h"
#include "alloc_int.h"

void dcproj_run_options_init(struct dcproj_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

static int nomem(const struct dcproj_scenario *sc, struct dcproj_error *err)
{
    return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
}

/* Columns: capacity[, mean, pX...][, it_load_mw, facility_mw, energy_twh]. */
static int make_columns(const struct dcproj_scenario *sc, struct dcproj_result *res)
{
    size_t n = 1 + (sc->draws > 0 ? 1 + sc->n_quantiles : 0) + (sc->has_power ? 3 : 0);
    res->cols = dcproj_calloc(n, sizeof *res->cols);
    if (res->cols == NULL)
        return -1;
    size_t k = 0;
    snprintf(res->cols[k++], DCPROJ_COL_LEN, "capacity");
    if (sc->draws > 0) {
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "mean");
        for (size_t q = 0; q < sc->n_quantiles; q++)
            quantile_column_name(sc->quantiles[q], res->cols[k++], DCPROJ_COL_LEN);
    }
    if (sc->has_power) {
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "it_load_mw");
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "facility_mw");
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "energy_twh");
    }
    res->n_cols = n;
    return 0;
}

static int make_rows(const struct dcproj_scenario *sc, struct dcproj_result *res)
{
    size_t n = sc->n_countries + sc->n_groups + 1;
    res->rows = dcproj_calloc(n, sizeof *res->rows);
    if (res->rows == NULL)
        return -1;
    size_t r = 0;
    for (size_t i = 0; i < sc->n_countries; i++, r++)
        res->rows[r] = (struct dcproj_row){DCPROJ_ROW_COUNTRY, i, sc->countries[i].code,
                                           sc->countries[i].name};
    for (size_t g = 0; g < sc->n_groups; g++, r++)
        res->rows[r] = (struct dcproj_row){DCPROJ_ROW_GROUP, g, sc->groups[g], ""};
    res->rows[r] = (struct dcproj_row){DCPROJ_ROW_TOTAL, 0, "TOTAL", ""};
    res->n_rows = n;
    return 0;
}

/* Append one warning line to res->warnings. */
static int add_warning(struct dcproj_result *res, const char *buf)
{
    char **w = dcproj_realloc(res->warnings, (res->n_warnings + 1) * sizeof *w);
    if (w == NULL)
        return -1;
    res->warnings = w;
    w[res->n_warnings] = dcproj_strdup(buf);
    if (w[res->n_warnings] == NULL)
        return -1;
    res->n_warnings++;
    return 0;
}

/* Append "FILE: countries.CODE: capacity below 0 was raised to 0". */
static int add_floor_warning(struct dcproj_result *res, const char *file, const char *code)
{
    char buf[DCPROJ_ERROR_FILE_LEN + 96];
    snprintf(buf, sizeof buf, "%s: countries.%s: capacity below 0 was raised to 0", file, code);
    return add_warning(res, buf);
}

/* SPEC §9: a fit parameter whose standard error exceeds its absolute value
 * (the history does not pin it down; the projection may mislead). */
static int add_fit_warnings(struct dcproj_result *res, const struct dcproj_scenario *sc)
{
    const struct dcproj_solution *sol = &res->solution;
    for (size_t i = 0; i < sol->n_fit_params; i++) {
        const struct dcproj_fit_param *q = &sol->fit_params[i];
        if (!q->has_std_error || !(q->std_error > fabs(q->value)))
            continue;
        char buf[DCPROJ_ERROR_FILE_LEN + 256];
        snprintf(buf, sizeof buf,
                 "%s: countries.%s.growth: the fitted %s = %.6g has a standard error of %.6g, "
                 "larger than itself: the history does not determine it",
                 sc->file, sc->countries[q->country].code, q->name, q->value, q->std_error);
        if (add_warning(res, buf) != 0)
            return -1;
    }
    return 0;
}

/* The deterministic capacity of every country, summed into groups and
 * TOTAL in file order (SPEC §3.8), plus the power columns (SPEC §3.7). */
static int project_deterministic(const struct model *m, const double *vars,
                                 struct dcproj_result *res, unsigned char *floored,
                                 struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    size_t np = res->n_periods, nc = res->n_cols;
    size_t max_ev = 0;
    for (size_t i = 0; i < sc->n_countries; i++)
        if (model_n_events(m, i) > max_ev)
            max_ev = model_n_events(m, i);
    int *e = dcproj_malloc(np * sizeof *e);
    double *series = dcproj_malloc(np * sizeof *series);
    double *seg = dcproj_malloc((m->max_segments > 0 ? m->max_segments : 1) * sizeof *seg);
    struct event_values *ev = dcproj_malloc((max_ev > 0 ? max_ev : 1) * sizeof *ev);
    int rc = DCPROJ_OK;
    if (e == NULL || series == NULL || seg == NULL || ev == NULL) {
        rc = nomem(sc, err);
        goto done;
    }
    for (size_t p = 0; p < np; p++)
        e[p] = res->periods[p].end_months;
    long c_it = dcproj_result_find_col(res, "it_load_mw");
    size_t total_row = sc->n_countries + sc->n_groups;
    for (size_t i = 0; i < sc->n_countries; i++) {
        const struct dcproj_country *c = &sc->countries[i];
        struct country_values cv = {.seg_rates = seg};
        int fl = 0;
        rc = model_country_values(m, i, vars, &cv, err);
        if (rc == DCPROJ_OK)
            rc = model_event_values(m, i, vars, ev, err);
        if (rc == DCPROJ_OK)
            rc = model_country_series(m, i, &cv, ev, e, res->periods, np, series, &fl, err);
        if (rc != DCPROJ_OK)
            goto done;
        if (fl)
            floored[i] = 1;
        for (size_t p = 0; p < np; p++) {
            double *cell = &res->values[(i * np + p) * nc];
            cell[0] = series[p];
            if (c_it >= 0) {
                double it = series[p] * c->utilization;
                double fac = it * c->pue;
                cell[c_it] = it;
                cell[c_it + 1] = fac;
                cell[c_it + 2] = fac * 8760.0 / 1e6;
            }
            /* aggregates: add this country's columns, countries in file order */
            double *tot = &res->values[(total_row * np + p) * nc];
            tot[0] += cell[0];
            if (c_it >= 0)
                for (int k = 0; k < 3; k++)
                    tot[c_it + k] += cell[c_it + k];
            for (size_t gi = 0; gi < c->n_groups; gi++) {
                double *g = &res->values[((sc->n_countries + c->groups[gi]) * np + p) * nc];
                g[0] += cell[0];
                if (c_it >= 0)
                    for (int k = 0; k < 3; k++)
                        g[c_it + k] += cell[c_it + k];
            }
        }
    }
done:
    dcproj_free(e);
    dcproj_free(series);
    dcproj_free(seg);
    dcproj_free(ev);
    return rc;
}

/* SPEC §3.6: a non-finite value anywhere is a data error.  Countries'
 * capacities are checked as they are computed (model.c); this catches what
 * is derived from finite capacities — an aggregate whose sum overflows,
 * power and energy columns, Monte Carlo statistics — naming the first
 * such cell's row, column and period. */
static int check_finite(const struct dcproj_result *res, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = res->scenario;
    for (size_t r = 0; r < res->n_rows; r++) {
        for (size_t p = 0; p < res->n_periods; p++) {
            for (size_t k = 0; k < res->n_cols; k++) {
                double v = dcproj_result_at(res, r, p, k);
                if (isfinite(v))
                    continue;
                const struct dcproj_row *row = &res->rows[r];
                const char *what = isnan(v) ? "nan" : "inf";
                if (row->kind == DCPROJ_ROW_COUNTRY) {
                    char path[DCPROJ_ID_LEN + 16];
                    snprintf(path, sizeof path, "countries.%s", row->code);
                    return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                            "%s in %s is not a finite number (%s)", res->cols[k],
                                            res->periods[p].label, what);
                }
                return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                        "%s%s: %s in %s is not a finite number (%s): the sum "
                                        "of its countries overflows",
                                        row->kind == DCPROJ_ROW_GROUP ? "group " : "", row->code,
                                        res->cols[k], res->periods[p].label, what);
            }
        }
    }
    return DCPROJ_OK;
}

int dcproj_project(const struct dcproj_scenario *sc, const struct dcproj_run_options *opt,
                   struct dcproj_result **out, struct dcproj_error *err)
{
    struct dcproj_run_options defaults;
    if (opt == NULL) {
        dcproj_run_options_init(&defaults);
        opt = &defaults;
    }
    struct dcproj_result *res = dcproj_calloc(1, sizeof *res);
    if (res == NULL)
        return nomem(sc, err);
    res->scenario = sc;
    res->draws = sc->draws;
    res->seed = sc->seed;
    res->exact_quantiles = 1;

    struct model m;
    unsigned char *floored = NULL;
    int rc = model_init(&m, sc, err);
    if (rc != DCPROJ_OK) {
        dcproj_result_free(res);
        return rc;
    }
    rc = model_solve(&m, &res->solution, err);
    if (rc == DCPROJ_OK)
        rc = model_fit_solution(&m, &res->solution, err);
    if (rc != DCPROJ_OK)
        goto fail;
    const double *vars = res->solution.variables;

    if (model_periods(sc->baseline_year, sc->horizon, sc->step, &res->periods, &res->n_periods) != DCPROJ_OK ||
        make_rows(sc, res) != 0 || make_columns(sc, res) != 0) {
        rc = nomem(sc, err);
        goto fail;
    }
    size_t cells = res->n_rows * res->n_periods;
    if (cells > SIZE_MAX / sizeof(double) / res->n_cols ||
        (res->values = dcproj_calloc(cells * res->n_cols, sizeof(double))) == NULL ||
        (floored = dcproj_calloc(sc->n_countries + 1, 1)) == NULL) {
        rc = nomem(sc, err);
        goto fail;
    }
    rc = project_deterministic(&m, vars, res, floored, err);
    if (rc != DCPROJ_OK)
        goto fail;
    if (sc->draws > 0) {
        rc = montecarlo_fill(&m, vars, opt, res, 1, floored, NULL, err);
        if (rc != DCPROJ_OK)
            goto fail;
    }
    rc = check_finite(res, err);
    if (rc != DCPROJ_OK)
        goto fail;
    if (add_fit_warnings(res, sc) != 0) {
        rc = nomem(sc, err);
        goto fail;
    }
    if (opt->history && (rc = project_add_history(&m, vars, res, err)) != DCPROJ_OK)
        goto fail;
    for (size_t i = 0; i < sc->n_countries; i++) {
        if (floored[i] && add_floor_warning(res, sc->file, sc->countries[i].code) != 0) {
            rc = nomem(sc, err);
            goto fail;
        }
    }
    dcproj_free(floored);
    model_clear(&m);
    *out = res;
    return DCPROJ_OK;
fail:
    dcproj_free(floored);
    model_clear(&m);
    dcproj_result_free(res);
    return rc;
}

int project_fill(const struct model *m, const double *vars, struct dcproj_result *res,
                 unsigned char *floored, struct dcproj_error *err)
{
    int rc = project_deterministic(m, vars, res, floored, err);
    if (rc != DCPROJ_OK)
        return rc;
    /* check_finite() names the first bad cell; scan for one first */
    size_t n = res->n_rows * res->n_periods * res->n_cols;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(res->values[k]))
            return check_finite(res, err);
    return DCPROJ_OK;
}
