/*
 * result.c — owning and querying a struct dcproj_result (model.h).
 *
 * A result is a plain value: the struct itself and each of its arrays
 * (periods, rows, cols, values, the solution's arrays, the warnings array
 * and each warning string) are separate dcproj_malloc() blocks owned by the
 * result.  Row codes and names are borrowed from the scenario and are not
 * freed here.
 */
#include "dcproj/model.h"

#include <stdlib.h>
#include <string.h>
#include "alloc_int.h"

void dcproj_solution_clear(struct dcproj_solution *sol)
{
    if (sol == NULL)
        return;
    dcproj_free(sol->variables);
    dcproj_free(sol->targets);
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
    for (size_t i = 0; i < res->n_warnings; i++)
        dcproj_free(res->warnings[i]);
    dcproj_free(res->warnings);
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
