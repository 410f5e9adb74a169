/*
 * chart_stubs.c — test-only stand-ins for two functions of modules the
 * chart suite does not link: dcproj_format_number() (report module) and
 * dcproj_result_find_col() (model module).  Linked ONLY into test_chart so
 * the suite builds on its own; they follow the contracts of report.h and
 * model.h closely enough for the chart (no locale guard, no decimal comma).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/model.h"
#include "dcproj/report.h"

int dcproj_format_number(double v, int precision, int decimal_comma, char *buf)
{
    (void)decimal_comma;
    int n;
    if (precision >= 0) {
        n = snprintf(buf, DCPROJ_NUMBER_LEN, "%.*f", precision, v);
    } else {
        n = snprintf(buf, DCPROJ_NUMBER_LEN, "%.15g", v);
        if (strtod(buf, NULL) != v)
            n = snprintf(buf, DCPROJ_NUMBER_LEN, "%.17g", v);
    }
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) {
        memmove(buf, buf + 1, strlen(buf));
        n--;
    }
    return n;
}

long dcproj_result_find_col(const struct dcproj_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_cols; i++)
        if (strcmp(res->cols[i], name) == 0)
            return (long)i;
    return -1;
}
