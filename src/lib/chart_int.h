/*
 * chart_int.h — internals shared by the chart writer (chart_svg.c: layout
 * and drawing) and its series selection (chart_series.c: which lines, their
 * values, bands and stacking).
 */
#ifndef DCPROJ_CHART_INT_H
#define DCPROJ_CHART_INT_H

#include <stddef.h>
#include <stdio.h>

#include "dcproj/chart.h"
#include "dcproj/report.h"

#define OTHER_COLOR "#777777"
#define OTHER_DASH "7 4"
#define TOTAL_COLOR "#000000"
#define BAND_OPACITY "0.16"
#define FONT_FAMILY "Helvetica, Arial, sans-serif"

#define PLOT_W ((double)DCPROJ_CHART_PLOT_WIDTH)
#define PLOT_H ((double)DCPROJ_CHART_PLOT_HEIGHT)
#define PLOT_TOP ((double)DCPROJ_CHART_PLOT_TOP)
#define CHAR_W 7.0          /* estimated width of a 12 px character */
#define LEGEND_ROW 20.0
#define LEGEND_NAME_CHARS 24 /* longer names are cut with an ellipsis */
#define TITLE_CHAR_W 10.5    /* estimated width of an 18 px bold character */
#define N_NUMBUF 8

enum series_kind { SERIES_COUNTRY = 0, SERIES_OTHER, SERIES_TOTAL };

/* One drawn line. */
struct series {
    enum series_kind kind;
    const char *code;
    const char *name;
    const char *color;
    const char *dash;   /* NULL: solid */
    size_t country;     /* scenario country index (SERIES_COUNTRY) */
    size_t n_other;     /* countries summed (SERIES_OTHER) */
    double *values;     /* n_periods values, owned by the chart */
    double *lo, *hi;    /* its P5–P95 band, or NULL */
    double *base;       /* --stack: the cumulative value under this area, or NULL */
    double *obs;        /* observed values (--history's `observed` column), or NULL */
};

/* Everything one chart needs; lives on the heap for the number buffers. */
struct chart {
    const struct dcproj_result *res;
    FILE *out;
    size_t n_periods;
    double *x;              /* data x of each period, in years */
    struct series *series;  /* countries by rank, then other, then TOTAL */
    size_t n_series;
    double *p5, *p95;       /* TOTAL's band (borrowed from its series), or NULL */
    double *vars;           /* chart_vars(): n_vars values of the variables */
    size_t n_vars;
    long col;               /* the metric's column */
    long lo_col, hi_col;    /* its P5 and P95 columns, or -1 */
    int stack;
    double origin;          /* B: x of the end of the baseline year */
    double x_min, x_max, y_min, y_max, y_step;
    int y_decimals;
    double left;            /* left edge of the plot area */
    const char *quantity;   /* "Capacity", "Energy", ... (axis and subtitle) */
    char munit[64];         /* the metric's unit: the scenario unit, "MW", "TWh per year" */
    int steps;              /* per-period values (energy): drawn as steps */
    const char *id_prefix;  /* of the title and desc ids */
    int inline_svg;         /* no XML declaration (inside HTML) */
    int bands_all;          /* a series other than TOTAL has a band */
    int has_obs;            /* observed values are drawn as dots */
    char numbuf[N_NUMBUF][DCPROJ_NUMBER_LEN];
    int next_buf;
};

/* Pick and compute the series of the chart: `opt->scopes`, or the top
 * countries, "other" and TOTAL, with their bands and observed values.
 * c->res, c->col, c->lo_col, c->hi_col, c->stack and c->n_periods must be
 * set.  Returns a status (DCPROJ_ERR_USAGE for a bad scope). */
int chart_build_series(struct chart *c, const struct dcproj_chart_options *opt,
                       struct dcproj_error *err);

/* The rows of `res`'s countries in the order a chart ranks them — largest
 * value of column `col` at the last period first, NaN last, ties in file
 * order — into rows[] (room for every row); *n_drawn of them get their own
 * line with `top` (all of them when a single one would remain for
 * "other").  0, or -1 when out of memory.  dcproj_chart_project() uses it
 * to find the countries of "other". */
int chart_rank_countries(const struct dcproj_result *res, long col, size_t top, size_t *rows,
                         size_t *n_countries, size_t *n_drawn);

/* --stack: each country's (and other's) area sits on the sum of the ones
 * before it (largest first, at the bottom).  0, or -1 when out of memory. */
int chart_stack_series(struct chart *c);

#endif
