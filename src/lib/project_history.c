/*
 * project_history.c — the `--history` rows and `observed` column of SPEC
 * §3.9: one row per year from the earliest history year of any country
 * through B − 1 before each code's projection rows, and a last column with
 * the observed value of each year-end.
 *
 * An empty cell is NaN in the result (model.h); aggregates hold a sum only
 * when every member has a value.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_int.h"
#include "alloc_int.h"

/* The observed value of country i at the end of `year`, or NaN. */
static double observed_at(const struct dcproj_country *c, int year)
{
    for (size_t k = 0; k < c->n_history; k++)
        if (c->history_years[k] == year)
            return c->history_values[k];
    return NAN;
}

/* The model's curve of country i at the end of `year` < B: fit and points
 * curves only (points: not before the first knot), floored at 0; NaN
 * otherwise. */
static double curve_before(const struct model *m, size_t i, const double *vars, int year,
                           double *seg, struct dcproj_error *err, int *rc)
{
    const struct dcproj_country *c = &m->sc->countries[i];
    const struct dcproj_growth *g = &c->growth;
    if (g->model != DCPROJ_MODEL_FIT && g->model != DCPROJ_MODEL_POINTS)
        return NAN;
    if (g->model == DCPROJ_MODEL_POINTS && year < g->point_years[0])
        return NAN;
    struct country_values cv = {.seg_rates = seg};
    *rc = model_country_values(m, i, vars, &cv, err);
    double v;
    if (*rc != DCPROJ_OK || model_growth_at(m, i, &cv, (double)(year - m->sc->baseline_year), &v) != 0)
        return NAN;
    return v < 0 ? 0.0 : v == 0 ? 0.0 : v;
}

/* Sum the countries' column k at period p into each group and TOTAL, NaN
 * when a member has none. */
static void aggregate(const struct dcproj_scenario *sc, double *values, size_t np, size_t nc,
                      size_t p, size_t k)
{
    size_t n_countries = sc->n_countries, ng = sc->n_groups;
    for (size_t r = n_countries; r <= n_countries + ng; r++)
        values[(r * np + p) * nc + k] = 0.0;
    for (size_t i = 0; i < n_countries; i++) {
        double v = values[(i * np + p) * nc + k];
        const struct dcproj_country *c = &sc->countries[i];
        for (size_t gi = 0; gi < c->n_groups; gi++)
            values[((n_countries + c->groups[gi]) * np + p) * nc + k] += v;
        values[((n_countries + ng) * np + p) * nc + k] += v;
    }
}

int project_add_history(const struct model *m, const double *vars, struct dcproj_result *res,
                        struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    int B = sc->baseline_year, earliest = B;
    for (size_t i = 0; i < sc->n_countries; i++)
        if (sc->countries[i].n_history > 0 && sc->countries[i].history_years[0] < earliest)
            earliest = sc->countries[i].history_years[0];
    size_t nh = (size_t)(B - earliest), np0 = res->n_periods, nc0 = res->n_cols;
    size_t np = nh + np0, nc = nc0 + 1, nrows = res->n_rows;
    struct dcproj_period *periods = dcproj_calloc(np, sizeof *periods);
    char(*cols)[DCPROJ_COL_LEN] = dcproj_calloc(nc, sizeof *cols);
    double *values = dcproj_malloc(nrows * np * nc * sizeof *values);
    double *seg = dcproj_malloc((m->max_segments > 0 ? m->max_segments : 1) * sizeof *seg);
    if (periods == NULL || cols == NULL || values == NULL || seg == NULL) {
        dcproj_free(periods);
        dcproj_free(cols);
        dcproj_free(values);
        dcproj_free(seg);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    }
    for (size_t h = 0; h < nh; h++) {
        struct dcproj_period *q = &periods[h];
        int year = earliest + (int)h;
        q->year = year;
        q->end_months = 12 * (year - B);
        q->sub = sc->step == DCPROJ_STEP_YEAR ? 0 : sc->step == DCPROJ_STEP_QUARTER ? 4 : 12;
        if (sc->step == DCPROJ_STEP_YEAR)
            snprintf(q->label, sizeof q->label, "%d", year);
        else if (sc->step == DCPROJ_STEP_QUARTER)
            snprintf(q->label, sizeof q->label, "%d-Q4", year);
        else
            snprintf(q->label, sizeof q->label, "%d-12", year);
    }
    memcpy(periods + nh, res->periods, np0 * sizeof *periods);
    memcpy(cols, res->cols, nc0 * sizeof *cols);
    snprintf(cols[nc0], DCPROJ_COL_LEN, "observed");
    for (size_t r = 0; r < nrows; r++) {
        for (size_t p = 0; p < np; p++) {
            double *cell = &values[(r * np + p) * nc];
            if (p < nh) {
                for (size_t k = 0; k < nc; k++)
                    cell[k] = NAN;
            } else {
                memcpy(cell, &res->values[(r * np0 + (p - nh)) * nc0], nc0 * sizeof *cell);
                cell[nc0] = NAN;
            }
        }
    }
    int rc = DCPROJ_OK;
    for (size_t i = 0; i < sc->n_countries && rc == DCPROJ_OK; i++) {
        const struct dcproj_country *c = &sc->countries[i];
        for (size_t p = 0; p < np; p++) {
            double *cell = &values[(i * np + p) * nc];
            if (p < nh)
                cell[0] = curve_before(m, i, vars, periods[p].year, seg, err, &rc);
            /* only year-ends <= B carry an observation: history rows and B's row */
            if (periods[p].end_months <= 0 && periods[p].end_months % 12 == 0)
                cell[nc0] = observed_at(c, B + periods[p].end_months / 12);
        }
    }
    if (rc == DCPROJ_OK) {
        for (size_t p = 0; p < np; p++) {
            if (p < nh)
                aggregate(sc, values, np, nc, p, 0);
            aggregate(sc, values, np, nc, p, nc0);
        }
        dcproj_free(res->periods);
        dcproj_free(res->cols);
        dcproj_free(res->values);
        res->periods = periods;
        res->cols = cols;
        res->values = values;
        res->n_periods = np;
        res->n_cols = nc;
        res->history_periods = nh;
    } else {
        dcproj_free(periods);
        dcproj_free(cols);
        dcproj_free(values);
    }
    dcproj_free(seg);
    return rc;
}
