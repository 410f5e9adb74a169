/*
 * dcproj/backtest.h — scoring the `fit` growth model on its own history
 * (SPEC §7 `backtest`): refit every fit country on its history through an
 * as-of year Y and compare the projection with what was observed after Y.
 *
 * A back-test scores the statistical model alone: events and targets are
 * ignored, and so are countries without a `fit` growth.  Results are plain
 * values the caller frees.  Thread-safe: distinct calls share no state.
 */
#ifndef DCPROJ_BACKTEST_H
#define DCPROJ_BACKTEST_H

#include "dcproj/api.h"

#include <stddef.h>

#include "dcproj/error.h"
#include "dcproj/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One scored year: a fit country refitted as of `as_of`, projected to a
 * later history year.  Empty cells are NaN: pct_error when observed = 0;
 * p_lo, p_hi for a fit that is not uncertain (or without a band at all),
 * then `inside` is -1. */
struct dcproj_backtest_row {
    int as_of;
    size_t country;        /* index into the scenario's countries */
    int year;
    int horizon;           /* year - as_of */
    double observed;
    double projected;
    double error;          /* projected - observed */
    double pct_error;      /* 100 * error / observed */
    double p_lo, p_hi;     /* the band: the outer pair of the scenario's quantiles */
    int inside;            /* 1 when p_lo <= observed <= p_hi, 0 when not, -1 no band */
};

struct dcproj_backtest {
    const struct dcproj_scenario *scenario; /* borrowed */
    int banded;            /* p_lo, p_hi, inside columns are written (SPEC §7) */
    struct dcproj_backtest_row *rows; /* by as-of (order given), country file order, year */
    size_t n_rows;
};

/* One --summary row: a country (or, with `all`, every country pooled) at
 * one horizon.  mape is NaN when no row has observed != 0; coverage is NaN
 * when no row has a band. */
struct dcproj_backtest_summary_row {
    int all;               /* the ALL row of a horizon */
    size_t country;        /* when !all */
    int horizon;
    size_t n;
    double mae, mape, bias, coverage;
};

/*
 * Back-test `sc` at the as-of years as_of[0..n_as_of): for each Y (in the
 * order given) every country with a `fit` growth is refitted on its history
 * years from `from` through Y (t = year − Y, anchored on y_Y with "anchor":
 * "last") and projected (floored at 0) to each of its history years > Y.
 * With an uncertain fit, draws > 0 and at least two quantiles, each scored
 * year gets the band of sc->draws parameter draws θ̂ + L·ε (ε by
 * gsl_ran_ugaussian from a mt19937 seeded with hash(seed, Y, country
 * index)).  Data errors: no fit country; no rows at all; a fit left with
 * too few points or otherwise ill-posed (the messages of the fit).
 * On success *out is set (free with dcproj_backtest_free()).
 */
DCPROJ_API int dcproj_backtest_run(const struct dcproj_scenario *sc, const int *as_of, size_t n_as_of,
                        struct dcproj_backtest **out, struct dcproj_error *err);

DCPROJ_API void dcproj_backtest_free(struct dcproj_backtest *bt);

/*
 * The --summary of a back-test (SPEC §7): per country (file order) and
 * horizon (ascending), every as-of pooled: n, mean absolute error, mean
 * absolute percentage error (rows with observed != 0), bias (mean error)
 * and coverage (the share of banded rows inside the band); then one `all`
 * row per horizon pooling every country.  Free *rows with
 * dcproj_backtest_summary_free().  Returns DCPROJ_OK or DCPROJ_ERR_NOMEM.
 */
DCPROJ_API int dcproj_backtest_summary(const struct dcproj_backtest *bt,
                            struct dcproj_backtest_summary_row **rows, size_t *n_rows);

DCPROJ_API void dcproj_backtest_summary_free(struct dcproj_backtest_summary_row *rows);

#ifdef __cplusplus
}
#endif
#endif
