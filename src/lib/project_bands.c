/*
 * project_bands.c — dcproj_chart_project() (dcproj/chart.h): a projection
 * whose Monte Carlo quantiles are P5 and P95, so that a chart draws its
 * own bands whatever quantiles the scenario asks for (SPEC §7 `chart`).
 */
#include "dcproj/chart.h"

int dcproj_chart_project(const struct dcproj_scenario *sc, const struct dcproj_run_options *opt,
                         struct dcproj_result **out, struct dcproj_error *err)
{
    /* A shallow copy that differs only in its quantiles: the projection
     * reads the scenario and keeps none of the copy's own storage. */
    static const double band_quantiles[2] = {0.05, 0.95};
    struct dcproj_scenario copy = *sc;
    double q[2] = {band_quantiles[0], band_quantiles[1]};
    copy.quantiles = q;
    copy.n_quantiles = 2;
    int rc = dcproj_project(&copy, opt, out, err);
    if (rc == DCPROJ_OK)
        (*out)->scenario = sc;
    return rc;
}
