/*
 * dcproj/chart.h — a projection as a standalone SVG chart (SPEC §7 `chart`,
 * §8 last paragraph).
 *
 * The chart reads without the CSV: the scenario title (or name), a time
 * axis in years, a capacity axis in the scenario unit, one line per country
 * for the largest countries at the horizon, the rest summed as a dashed
 * "other" line, TOTAL as a thicker black line, the P5–P95 band of TOTAL when
 * the result has columns `p5` and `p95`, a legend with each line's value at
 * the horizon, and a marker per event (with a tooltip).
 *
 * Geometry: the plot area is DCPROJ_CHART_PLOT_WIDTH x
 * DCPROJ_CHART_PLOT_HEIGHT pixels and its top edge lies
 * DCPROJ_CHART_PLOT_TOP pixels below the top of the image; the left margin
 * depends on the width of the capacity labels.  A period is drawn at
 * x = B + e/12 (e: the months from the end of B to the end of the period,
 * SPEC §1), so the tick labelled Y marks the end of year Y — the time a
 * value "at year Y" refers to — and 2024-Q1 lies a quarter past the tick
 * 2023.  An event is drawn at its date (before any delay) on the same scale
 * when that date lies before the end of the last period (else it is listed
 * as "after the horizon").
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

/* Chart options.  Initialise with dcproj_chart_options_init(). */
struct dcproj_chart_options {
    int top; /* countries drawn as their own line (>= 1; default 8); when
                two or more countries remain they are summed as "other",
                a single remaining country is drawn as itself */
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
 * Returns DCPROJ_OK; DCPROJ_ERR_USAGE if the result has no `capacity`
 * column or `opt->top` < 1; DCPROJ_ERR_DATA if it has no period or a drawn
 * value is not finite; DCPROJ_ERR_NOMEM; DCPROJ_ERR_IO if writing fails
 * (ferror).  Does not close `out`.  Thread-safe.
 */
DCPROJ_API int dcproj_chart_write(const struct dcproj_result *res, const struct dcproj_chart_options *opt,
                       FILE *out, struct dcproj_error *err);

#ifdef __cplusplus
}
#endif
#endif
