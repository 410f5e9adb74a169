/*
 * dcproj/model.h — projecting a loaded scenario (SPEC §1, §3, §4, §5).
 *
 * dcproj_project() solves the calibration (if any), projects every country
 * over every period, applies floors, sums groups and TOTAL, adds power
 * columns and, when draws > 0, Monte Carlo mean and quantile columns.  The
 * result is a plain value the caller frees with dcproj_result_free().
 */
#ifndef DCPROJ_MODEL_H
#define DCPROJ_MODEL_H

#include "dcproj/api.h"

#include <stddef.h>
#include <stdint.h>

#include "dcproj/error.h"
#include "dcproj/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One output period: it ends `end_months` months after the end of B
 * (SPEC §1).  `sub` is 0 for years, 1–4 for quarters, 1–12 for months. */
struct dcproj_period {
    char label[16];  /* "2024", "2024-Q1", "2024-01" */
    int year;
    int sub;
    int end_months;
};

enum dcproj_row_kind { DCPROJ_ROW_COUNTRY = 0, DCPROJ_ROW_GROUP, DCPROJ_ROW_TOTAL };

/* One output row: a country, a group or TOTAL.  `code` and `name` point into
 * the scenario (or static storage) and live as long as the result. */
struct dcproj_row {
    enum dcproj_row_kind kind;
    size_t index;       /* country or group index; 0 for TOTAL */
    const char *code;   /* country code, group name or "TOTAL" */
    const char *name;   /* country name; "" for groups and TOTAL */
};

#define DCPROJ_COL_LEN 32

/* The outcome of one target (SPEC §4). */
struct dcproj_target_result {
    double model;       /* model value (value target) or ratio (ratio target) */
    double residual;    /* model/value - 1, or (ratio/ratio) - 1 */
    double cagr;        /* implied compound annual growth of the scope */
    int has_cagr;       /* 0 when the base is 0 (printed empty) */
};

/* [v2] One `fit` row of the solution (SPEC §4): a fitted parameter of a
 * country's `fit` growth, or its rmse. */
struct dcproj_fit_param {
    size_t country;         /* index into the scenario's countries */
    char name[8];           /* "C0", "r", "a", "K", "k", or "rmse" */
    double value;
    double std_error;       /* when has_std_error */
    int has_std_error;      /* 0 for rmse and for an anchored C0 (= y_B) */
};

enum dcproj_solve_method {
    DCPROJ_SOLVE_NONE = 0,   /* no unknowns: targets only reported */
    DCPROJ_SOLVE_BRENT,      /* one unknown, one target */
    DCPROJ_SOLVE_HYBRIDS,    /* n unknowns, n targets */
    DCPROJ_SOLVE_LSQ,        /* more targets than unknowns */
    DCPROJ_SOLVE_FROZEN      /* variables fixed at the parent's solution */
};

struct dcproj_solution {
    enum dcproj_solve_method method;
    int iterations;
    size_t n_variables;
    double *variables;      /* value of each scenario variable, file order */
    size_t n_targets;
    struct dcproj_target_result *targets; /* per scenario target, file order */
    size_t n_fit_params;
    struct dcproj_fit_param *fit_params;  /* [v2] by country in file order, θ order,
                                             rmse last (filled by dcproj_project()) */
    struct dcproj_warnings warnings; /* diagnostics of a solve with unknowns (SPEC §4 v2:
                                        ill-conditioned, at a bound, implausible, a target
                                        no unknown moves); dcproj_project() moves them
                                        into the result's warnings */
};

struct dcproj_result {
    const struct dcproj_scenario *scenario; /* borrowed: must outlive the result */
    size_t n_periods;
    struct dcproj_period *periods;
    size_t n_rows;
    struct dcproj_row *rows;     /* countries (file order), groups, TOTAL */
    size_t n_cols;
    char (*cols)[DCPROJ_COL_LEN];/* "capacity"[, "mean", "p5"...][, "it_load_mw",
                                    "facility_mw", "energy_twh"] */
    double *values;              /* values[(row * n_periods + period) * n_cols + col];
                                    NaN is an empty cell (history rows, `observed`,
                                    the first row's energy) */
    size_t history_periods;      /* [v2] with run option `history`: the first this many
                                    periods are history years before B (SPEC §3.9) */
    long long draws;             /* Monte Carlo draws used; 0 = deterministic */
    uint64_t seed;
    int exact_quantiles;         /* 1 exact, 0 streaming P² estimates */
    struct dcproj_solution solution;
    struct dcproj_warnings warnings; /* run-time warnings (SPEC §9 v2): the §3.6 floor (one
                                        per country), calibration diagnostics; the
                                        scenario's load-time ones are in sc->warnings */
};

/* Progress callback: `done` of `total` units of work.  Called from the
 * calling thread only, at most a few times a second. */
typedef void (*dcproj_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct dcproj_run_options {
    int threads;                 /* 0 = all cores */
    dcproj_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    size_t quantile_memory_bytes;/* exact-quantile memory bound; 0 = default */
    int history;                 /* [v2] --history: history rows and the `observed`
                                    column (SPEC §3.9) */
};

DCPROJ_API void dcproj_run_options_init(struct dcproj_run_options *opt);

/* The most threads any call starts. */
#define DCPROJ_THREADS_MAX 256

/* How many threads a `threads` option means: `requested` when positive,
 * else the number of online cores; 1 to DCPROJ_THREADS_MAX. */
DCPROJ_API int dcproj_threads_resolve(int requested);

/*
 * Project `sc`.  On success returns DCPROJ_OK and sets *out (free with
 * dcproj_result_free()).  Fails with DCPROJ_ERR_DATA for unsolvable
 * calibration, a `points` curve evaluated past its last point with
 * extrapolate "error", or a non-finite value (naming the country and the
 * period); DCPROJ_ERR_NOMEM.  `opt` may be NULL.  Thread-safe: distinct
 * calls share no mutable state.
 */
DCPROJ_API int dcproj_project(const struct dcproj_scenario *sc, const struct dcproj_run_options *opt,
                   struct dcproj_result **out, struct dcproj_error *err);

DCPROJ_API void dcproj_result_free(struct dcproj_result *res);

/*
 * The output periods of SPEC §1 for baseline year B, horizon H (B < H) and
 * `step`, as dcproj_project() lays them out, into a new array *out of *n
 * periods (free with dcproj_periods_free()).  Returns DCPROJ_OK or
 * DCPROJ_ERR_NOMEM.  Thread-safe.
 */
DCPROJ_API int dcproj_periods(int baseline_year, int horizon, enum dcproj_step step,
                              struct dcproj_period **out, size_t *n);
DCPROJ_API void dcproj_periods_free(struct dcproj_period *periods);

/* Index of column `name` in `res`, or -1. */
DCPROJ_API long dcproj_result_find_col(const struct dcproj_result *res, const char *name);

/* Whether column `name` holds energy (energy_twh or a statistic of it,
 * energy_twh_mean, energy_twh_p5, ...), whose first row is empty. */
DCPROJ_API int dcproj_col_is_energy(const char *name);

/*
 * The value of column `col` of row `row` "at year Y" (SPEC §7 `--at`): the
 * cell of Y's year-end period, or for an energy column the energy of
 * calendar year Y, the sum of its periods.  Returns DCPROJ_OK, or
 * DCPROJ_ERR_DATA when Y = B for energy (that year is not projected) and
 * DCPROJ_ERR_USAGE when Y is not a year of the projection; `err` names it.
 */
DCPROJ_API int dcproj_result_year_value(const struct dcproj_result *res, size_t row, size_t col,
                                        int year, double *out, struct dcproj_error *err);

/* Value at (row, period, col): res->values[(row·n_periods + period)·n_cols
 * + col].  No bounds check.  NaN means an empty cell (the first row's
 * energy, SPEC §3.7): writers print it empty (JSON: null).  A function, not
 * an inline, so that bindings (ctypes, FFI) can call it.  Thread-safe (reads
 * only). */
DCPROJ_API double dcproj_result_at(const struct dcproj_result *res, size_t row, size_t period,
                                   size_t col);

/*
 * Solve the calibration of `sc` alone (SPEC §4) into `out` (caller frees with
 * dcproj_solution_clear()).  With `sc->frozen`, solves the parent and fixes
 * the variables.  dcproj_project() calls this itself.
 */
DCPROJ_API int dcproj_solve(const struct dcproj_scenario *sc, struct dcproj_solution *out,
                 struct dcproj_error *err);

DCPROJ_API void dcproj_solution_clear(struct dcproj_solution *sol);

#ifdef __cplusplus
}
#endif
#endif
