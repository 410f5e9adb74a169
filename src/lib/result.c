/*
 * result.c — owning and querying a struct dcproj_result (model.h).
 *
 * A result is a plain value: the struct itself and each of its arrays
 * (periods, rows, cols, values, the solution's arrays, the warnings array
 * and each warning string) are separate malloc() blocks owned by the
 * result.  Row codes and names are borrowed from the scenario and are not
 * freed here.
 */
#include "dcproj/model.h"

#include <stdlib.h>
#include <string.h>

void dcproj_solution_clear(struct dcproj_solution *sol)
{
    if (sol == NULL)
        return;
    free(sol->variables);
    free(sol->targets);
    memset(sol, 0, sizeof *sol);
}

void dcproj_result_free(struct dcproj_result *res)
{
    if (res == NULL)
        return;
    free(res->periods);
    free(res->rows);
    free(res->cols);
    free(res->values);
    dcproj_solution_clear(&res->solution);
    for (size_t i = 0; i < res->n_warnings; i++)
        free(res->warnings[i]);
    free(res->warnings);
    free(res);
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
