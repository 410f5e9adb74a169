/*
 * result.c — owning and querying a struct dcproj_result (model.h).
 *
 * A result is a plain value: the struct itself and each of its arrays
 * (periods, rows, cols, values, the solution's arrays, the warnings
 * array) are separate dcproj_malloc() blocks owned by the
 * result.  Row codes and names are borrowed from the scenario and are not
 * freed here.
 */
#include "dcproj/model.h"

#include <stdlib.h>
#include <string.h>

#include "dcproj/scenario.h"
#include "alloc_int.h"

void dcproj_solution_clear(struct dcproj_solution *sol)
{
    if (sol == NULL)
        return;
    dcproj_free(sol->variables);
    dcproj_free(sol->targets);
    dcproj_warnings_clear(&sol->warnings);
    dcproj_free(sol->fit_params);
    memset(sol, 0, sizeof *sol);
}

void dcproj_result_free(struct dcproj_result *res)
{
    if (res == NULL)
        return;
    dcproj_free(res->periods);
    dcproj_free(res->rows);
    dcproj_free(res->cols);
    dcproj_free(res->values);
    dcproj_solution_clear(&res->solution);
    dcproj_warnings_clear(&res->warnings);
    dcproj_free(res);
}

long dcproj_result_find_col(const struct dcproj_result *res, const char *name)
{
    if (res == NULL || name == NULL)
        return -1;
    for (size_t i = 0; i < res->n_cols; i++)
        if (strcmp(res->cols[i], name) == 0)
            return (long)i;
    return -1;
}

double dcproj_result_at(const struct dcproj_result *res, size_t row, size_t period, size_t col)
{
    return res->values[(row * res->n_periods + period) * res->n_cols + col];
}

int dcproj_col_is_energy(const char *name)
{
    return strcmp(name, "energy_twh") == 0 || strncmp(name, "energy_twh_", 11) == 0;
}

int dcproj_result_year_value(const struct dcproj_result *res, size_t row, size_t col, int year,
                             double *out, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = res->scenario;
    int B = sc->baseline_year, e_end = 12 * (year - B);
    if (year < B || year > sc->horizon)
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                "--at %d: not a year-end of the projection (%d to %d)", year, B,
                                sc->horizon);
    int energy = dcproj_col_is_energy(res->cols[col]);
    if (energy && year == B)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                "--at %d: %s is the energy of a calendar year, and %d is the "
                                "baseline year, which is not projected; use a later year",
                                year, res->cols[col], B);
    double sum = 0;
    for (size_t p = 0; p < res->n_periods; p++) {
        int e = res->periods[p].end_months;
        if (energy && e > e_end - 12 && e <= e_end)
            sum += dcproj_result_at(res, row, p, col);
        else if (!energy && e == e_end)
            sum = dcproj_result_at(res, row, p, col);
    }
    *out = sum;
    return DCPROJ_OK;
}
