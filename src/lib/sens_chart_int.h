/*
 * sens_chart_int.h — the sensitivity chart for other writers of the
 * library: the HTML report embeds the OAT tornado as inline SVG.
 */
#ifndef DCPROJ_SENS_CHART_INT_H
#define DCPROJ_SENS_CHART_INT_H

#include <stdio.h>

#include "dcproj/sensitivity.h"

/* dcproj_sens_chart(), with the XML declaration when `standalone` is
 * non-zero and without it (an <svg> element to put inside HTML) when 0. */
int sens_chart_svg(const struct dcproj_sens_result *r, const struct dcproj_scenario *sc,
                   const struct dcproj_sens_options *opt, int standalone, FILE *out,
                   struct dcproj_error *err);

#endif
