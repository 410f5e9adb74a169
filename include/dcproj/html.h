/*
 * dcproj/html.h — the report (SPEC §7 `report`): one self-contained HTML5
 * page with the numbers, the charts and what every input rests on.
 */
#ifndef DCPROJ_HTML_H
#define DCPROJ_HTML_H

#include <stdio.h>

#include "dcproj/api.h"
#include "dcproj/error.h"
#include "dcproj/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Report options.  A zero-initialised struct means the defaults. */
struct dcproj_html_options {
    const char *command_line;                 /* shown in the footer; NULL: none */
    const struct dcproj_result *chart_result; /* drawn in the charts, e.g. from
                                                 dcproj_chart_project() so that the
                                                 bands are P5-P95; NULL: the result */
};

/*
 * Write the report of `res` (whose `scenario` must be set) to `out`: one
 * HTML5 document, UTF-8, inline CSS (with print rules) and inline SVG, no
 * script, nothing fetched.  Sections: title and description; the headline
 * (TOTAL at B and at the horizon, growth factor, CAGR; the P5-P95 range with
 * draws; energy with `power`); targets with residuals and implied growth,
 * the variables and every warning of the result; the table of every row
 * at the horizon; the capacity chart and, with an `energy_twh` column, the
 * energy chart (bands from the chart result's P5/P95 columns); with draws
 * and at least one factor, the OAT tornado of dcproj_sens_chart() (default
 * options) inline with its table (no section without a factor); every input
 * with its sources and their kinds (links for http(s) URLs only), the
 * unsourced inputs, the sources; every note with its path; a footer with
 * the dcproj version, the scenario hash, seed, draws and the command line,
 * and no timestamp.  All text goes through the one markup escaper; numbers
 * through dcproj_format_number().  The same bytes on every run and under
 * every locale.
 *
 * Returns DCPROJ_OK; DCPROJ_ERR_USAGE if the result has no scenario or no
 * capacity column; DCPROJ_ERR_NOMEM; DCPROJ_ERR_IO if writing fails.
 * Does not close `out`.  Thread-safe.
 */
DCPROJ_API int dcproj_html_write(const struct dcproj_result *res, const struct dcproj_html_options *opt,
                      FILE *out, struct dcproj_error *err);

#ifdef __cplusplus
}
#endif
#endif
