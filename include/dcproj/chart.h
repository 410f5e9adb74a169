/*
 * dcproj/chart.h — a projection as a standalone SVG chart (SPEC §7 `chart`,
 * §8 last paragraph).
 *
 * The chart reads without the CSV: the scenario title (or name), a time
 * axis whose ticks are year boundaries (each calendar year labelled in the
 * middle of its span), a value axis in the metric's unit saying what the
 * values are (year-end values, or energy used during each period), one line
 * per country for the largest countries at the horizon, the rest summed as
 * a dashed "other" line (or the lines `scopes` names), TOTAL as a thicker
 * black line, P5–P95 bands (`bands`) from the result's columns `p5`/`p95`
 * (capacity) or `M_p5`/`M_p95` (another metric M) when it has them — see
 * dcproj_chart_project() for a result that has them whatever the
 * scenario's quantiles — a legend with each line's value at the horizon,
 * and a marker per event at its effective start (date + mean delay), each
 * event with its own shape and its country's colour.
 *
 * Geometry: the plot area is DCPROJ_CHART_PLOT_WIDTH x
 * DCPROJ_CHART_PLOT_HEIGHT pixels and its top edge lies
 * DCPROJ_CHART_PLOT_TOP pixels below the top of the image; the left margin
 * depends on the width of the capacity labels.  A period is drawn at
 * x = B + e/12 (e: the months from the end of B to the end of the period,
 * SPEC §1), so a value "at year Y" sits on the boundary that ends the span
 * labelled Y, and 2024-Q1 lies a quarter into the span 2024.  An event is
 * drawn at its effective start on the same scale when that lies before the
 * end of the last period (else it is listed as "after the horizon").
 * The capacity axis starts at 0 (lower if a value is negative) and ends at
 * the first multiple of its step at or above the largest value drawn; the
 * step is the smallest 1-2-5 step (times a power of ten) that needs at most
 * eight steps.
 */
#ifndef DCPROJ_CHART_H
#define DCPROJ_CHART_H

#include "dcproj/api.h"

#include <stdio.h>

#include "dcproj/error.h"
#include "dcproj/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DCPROJ_CHART_PLOT_WIDTH 640
#define DCPROJ_CHART_PLOT_HEIGHT 400
#define DCPROJ_CHART_PLOT_TOP 72
#define DCPROJ_CHART_DEFAULT_TOP 8

/* Which lines get a P5–P95 band (SPEC §7 `chart --bands`). */
enum dcproj_chart_bands {
    DCPROJ_CHART_BANDS_TOTAL = 0, /* TOTAL only (the default) */
    DCPROJ_CHART_BANDS_ALL,       /* every line drawn ("other" when the result has the
                                     DCPROJ_CHART_OTHER_ROW of dcproj_chart_project()) */
    DCPROJ_CHART_BANDS_NONE
};

/* Chart options.  Initialise with dcproj_chart_options_init(); a
 * zero-initialised struct with `top` set means the defaults too. */
struct dcproj_chart_options {
    int top; /* countries drawn as their own line (>= 1; default 8); when
                two or more countries remain they are summed as "other",
                a single remaining country is drawn as itself */
    const char *metric;         /* column drawn; NULL = "capacity".  "energy_twh"
                                   (energy used during each period) is drawn as
                                   steps over each period, labelled "TWh per
                                   year/quarter/month" */
    const char *const *scopes;  /* codes drawn (countries, groups, TOTAL), in this
                                   order; overrides `top` (no "other") */
    size_t n_scopes;            /* 0: top countries, other, TOTAL */
    enum dcproj_chart_bands bands;
    int stack;                  /* stacked areas of the countries (and other)
                                   under the TOTAL line; only TOTAL's band */
    int inline_svg;             /* omit the XML declaration (SVG inside HTML5) */
    const char *id_prefix;      /* prefix of the element ids (default "chart"),
                                   so several charts fit in one page */
};

/* Set `opt` to the defaults (top = DCPROJ_CHART_DEFAULT_TOP). */
DCPROJ_API void dcproj_chart_options_init(struct dcproj_chart_options *opt);

/*
 * Write the chart of `res` to `out` as a standalone SVG 1.1 document (UTF-8,
 * XML declaration, the same bytes on every run and under every locale).
 * Countries are ranked by their `capacity` at the last period (ties: file
 * order).  Text from the scenario is XML-escaped; control characters and
 * invalid UTF-8 become U+FFFD.  Every number goes through
 * dcproj_format_number().  `res->scenario` supplies the title, unit and
 * events (when NULL: title "dcproj", unit "MW", no events).  `opt` may be
 * NULL (defaults).
 *
 * Returns DCPROJ_OK; DCPROJ_ERR_USAGE if the result has no column
 * `opt->metric`, a scope is not a row of it, or `opt->top` < 1; DCPROJ_ERR_DATA if it has no period or a drawn
 * value is not finite; DCPROJ_ERR_NOMEM; DCPROJ_ERR_IO if writing fails
 * (ferror).  Does not close `out`.  Thread-safe.
 */
DCPROJ_API int dcproj_chart_write(const struct dcproj_result *res, const struct dcproj_chart_options *opt,
                       FILE *out, struct dcproj_error *err);

/* The code of the extra group row that dcproj_chart_project() adds for the
 * band of "other" (not an identifier, so no scenario can have it). */
#define DCPROJ_CHART_OTHER_ROW "(other)"

/*
 * Project `sc` for a chart: as dcproj_project(), but with Monte Carlo
 * quantiles 0.05 and 0.95 whatever the scenario's `quantiles` say, so the
 * result has the columns `p5` and `p95` whenever draws > 0 (the chart
 * computes its own bands).  With `chart` (may be NULL) asking for
 * DCPROJ_CHART_BANDS_ALL on the top countries (no scopes, no stack), the
 * countries summed as "other" also form one more group row,
 * DCPROJ_CHART_OTHER_ROW, whose quantiles are those of the per-draw sum:
 * the band of "other".  The result refers to `sc`, which must outlive it.
 * Same errors as dcproj_project().  Thread-safe.
 */
DCPROJ_API int dcproj_chart_project(const struct dcproj_scenario *sc, const struct dcproj_run_options *opt,
                         const struct dcproj_chart_options *chart, struct dcproj_result **out,
                         struct dcproj_error *err);

#ifdef __cplusplus
}
#endif
#endif
