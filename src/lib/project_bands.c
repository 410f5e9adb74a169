/*
 * project_bands.c — dcproj_chart_project() (dcproj/chart.h): a projection
 * whose Monte Carlo quantiles are P5 and P95, so that a chart draws its
 * own bands whatever quantiles the scenario asks for (SPEC §7 `chart`);
 * with `--bands all`, also the band of "other", the per-draw sum of the
 * countries the chart does not draw, as an extra group row.
 */
#include "dcproj/chart.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "chart_int.h"

/* Which countries the chart sums as "other" (as chart_svg.c decides: all
 * but the `top` largest at the last period, when at least two remain),
 * from a deterministic projection and the chart's own ranking
 * (chart_rank_countries); *n_other = 0 when there is no "other".
 * `other` has room for every country.  A status. */
static int other_countries(const struct dcproj_scenario *sc, const struct dcproj_run_options *opt,
                           const char *metric, int top, size_t *other, size_t *n_other,
                           struct dcproj_error *err)
{
    *n_other = 0;
    struct dcproj_scenario det = *sc;
    det.draws = 0;
    struct dcproj_result *res = NULL;
    int rc = dcproj_project(&det, opt, &res, err);
    if (rc != DCPROJ_OK)
        return rc;
    long col = dcproj_result_find_col(res, metric);
    size_t *rows = dcproj_malloc((res->n_rows + 1) * sizeof *rows), n = 0, drawn = 0;
    if (col < 0 || rows == NULL ||
        chart_rank_countries(res, col, (size_t)top, rows, &n, &drawn) != 0) {
        dcproj_free(rows);
        dcproj_result_free(res);
        if (col < 0)
            return DCPROJ_OK; /* no such column: the chart itself will say so */
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    }
    for (size_t i = drawn; i < n; i++)
        other[(*n_other)++] = res->rows[rows[i]].index;
    dcproj_free(rows);
    dcproj_result_free(res);
    return DCPROJ_OK;
}

/* Point the rows of `res` back into `sc` (they point into the copy's
 * arrays, which are about to be freed); the extra group is named
 * DCPROJ_CHART_OTHER_ROW. */
static void rows_into(struct dcproj_result *res, const struct dcproj_scenario *sc)
{
    for (size_t r = 0; r < res->n_rows; r++) {
        struct dcproj_row *row = &res->rows[r];
        if (row->kind == DCPROJ_ROW_COUNTRY) {
            row->code = sc->countries[row->index].code;
            row->name = sc->countries[row->index].name;
        } else if (row->kind == DCPROJ_ROW_GROUP) {
            row->code = row->index < sc->n_groups ? sc->groups[row->index] : DCPROJ_CHART_OTHER_ROW;
        }
    }
    res->scenario = sc;
}

int dcproj_chart_project(const struct dcproj_scenario *sc, const struct dcproj_run_options *opt,
                         const struct dcproj_chart_options *chart, struct dcproj_result **out,
                         struct dcproj_error *err)
{
    /* A shallow copy that differs in its quantiles (and, for the band of
     * "other", in one more group): the projection keeps none of the copy's
     * own storage once rows_into() has run. */
    static const double band_quantiles[2] = {0.05, 0.95};
    struct dcproj_scenario copy = *sc;
    double q[2] = {band_quantiles[0], band_quantiles[1]};
    copy.quantiles = q;
    copy.n_quantiles = 2;
    if (sc->has_power) { /* statistics of every metric, so each chart metric has its band */
        for (size_t k = 0; k < DCPROJ_N_METRICS; k++)
            copy.metrics[k] = (enum dcproj_metric)k;
        copy.n_metrics = DCPROJ_N_METRICS;
    }
    size_t *other = NULL, n_other = 0;
    struct dcproj_country *countries = NULL;
    char (*groups)[DCPROJ_ID_LEN] = NULL;
    size_t *member = NULL;
    int rc = DCPROJ_OK;
    if (sc->draws > 0 && chart != NULL && chart->bands == DCPROJ_CHART_BANDS_ALL &&
        chart->n_scopes == 0 && !chart->stack && chart->top >= 1) {
        other = dcproj_malloc((sc->n_countries + 1) * sizeof *other);
        if (other == NULL)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
        rc = other_countries(sc, opt, chart->metric != NULL ? chart->metric : "capacity",
                             chart->top, other, &n_other, err);
    }
    if (rc == DCPROJ_OK && n_other > 0) {
        countries = dcproj_malloc(sc->n_countries * sizeof *countries);
        groups = dcproj_malloc((sc->n_groups + 1) * sizeof *groups);
        size_t n_members = 0;
        for (size_t i = 0; i < n_other; i++)
            n_members += sc->countries[other[i]].n_groups + 1;
        member = dcproj_malloc(n_members * sizeof *member);
        if (countries == NULL || groups == NULL || member == NULL) {
            rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
        } else {
            memcpy(countries, sc->countries, sc->n_countries * sizeof *countries);
            if (sc->n_groups > 0)
                memcpy(groups, sc->groups, sc->n_groups * sizeof *groups);
            snprintf(groups[sc->n_groups], DCPROJ_ID_LEN, "%s", DCPROJ_CHART_OTHER_ROW);
            size_t k = 0;
            for (size_t i = 0; i < n_other; i++) {
                struct dcproj_country *c = &countries[other[i]];
                size_t *g = member + k;
                if (c->n_groups > 0)
                    memcpy(g, c->groups, c->n_groups * sizeof *g);
                g[c->n_groups] = sc->n_groups;
                c->groups = g;
                c->n_groups++;
                k += c->n_groups;
            }
            copy.countries = countries;
            copy.groups = groups;
            copy.n_groups = sc->n_groups + 1;
        }
    }
    if (rc == DCPROJ_OK)
        rc = dcproj_project(&copy, opt, out, err);
    if (rc == DCPROJ_OK)
        rows_into(*out, sc);
    dcproj_free(member);
    dcproj_free(groups);
    dcproj_free(countries);
    dcproj_free(other);
    return rc;
}
