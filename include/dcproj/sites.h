/*
 * dcproj/sites.h — [v2] draw sites (SPEC §5.2): every independent draw of a
 * Monte Carlo run, in the order the draws are made.
 *
 * A site is a distribution at the path where it is written together with
 * the country that uses it: a shared uncertain variable (`variables.ID`, no
 * country) first, in the order of `variables`; then for each country in
 * file order its baseline, its growth parameters (compound: the rate or
 * each piecewise rate in order; linear: per_year; logistic: cap, then
 * rate), then its events in file order (add, probability, delay_months).
 * An event's occurrence (a Bernoulli draw) and a fit's parameter draws are
 * not sites.  `dcproj explain --sites` prints this list.
 */
#ifndef DCPROJ_SITES_H
#define DCPROJ_SITES_H

#include "dcproj/api.h"

#include <stddef.h>

#include "dcproj/error.h"
#include "dcproj/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dcproj_site {
    const char *path;                /* as written: "defaults.growth.rate", "events[3].add",
                                        "variables.capex" (owned by the scenario) */
    long country;                    /* index into sc->countries, or -1 (shared variable) */
    long variable;                   /* index into sc->variables for a shared variable, else -1 */
    long event;                      /* index into sc->events for an event's site, else -1 */
    const struct dcproj_param *param;/* its distribution (param->dist != DCPROJ_DIST_NONE) */
};

/*
 * The draw sites of `sc` in draw order into a malloc'ed array (*out, *n;
 * free with dcproj_sites_free()); a site's position in the array is its
 * position in the draw.  Returns DCPROJ_OK or DCPROJ_ERR_NOMEM (in `err`).
 */
DCPROJ_API int dcproj_sites(const struct dcproj_scenario *sc, struct dcproj_site **out, size_t *n,
                 struct dcproj_error *err);
DCPROJ_API void dcproj_sites_free(struct dcproj_site *sites);

/* The value of a site's distribution at probability u in (0, 1) (its inverse
 * CDF, SPEC §5.3; normal and lognormal through the normal score Φ⁻¹(u)),
 * fields evaluated at variable values `vars` (NULL: the scenario's fixed
 * values and guesses), before any clamp. */
DCPROJ_API double dcproj_site_quantile(const struct dcproj_scenario *sc, const struct dcproj_site *site,
                            const double *vars, double u);

#ifdef __cplusplus
}
#endif
#endif
