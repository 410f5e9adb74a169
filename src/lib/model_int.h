/*
 * model_int.h — the model's internal interface, shared by the projection
 * (project.c), calibration (calibrate.c) and Monte Carlo (mc_draw.c, mc_quantile.c).
 *
 * A struct model is prepared once per scenario (event lists per country,
 * interpolation objects for `points` curves) and is read-only afterwards,
 * so several threads may evaluate it at once.  Parameters are resolved per
 * evaluation into a struct country_values (deterministic means at given
 * variable values, or one Monte Carlo draw) and struct event_values, then
 * model_country_series() evaluates growth plus events at period ends.
 */
#ifndef DCPROJ_MODEL_INT_H
#define DCPROJ_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_interp.h>

#include "dcproj/error.h"
#include "dcproj/model.h"
#include "dcproj/scenario.h"
#include "fit_int.h"
#include "dcproj/sites.h"

/* A `points` curve prepared for evaluation (SPEC §3 model 4). */
struct points_curve {
    double *x;              /* years as doubles */
    double *y;
    size_t n;
    gsl_interp *interp;     /* NULL for the `step` interpolation */
};

/* A country's `fit` growth prepared for evaluation (SPEC §3 model 5): the
 * estimate at θ̂, the C0 the projection uses (θ̂'s or, anchored, y_B), and
 * for an uncertain fit the Cholesky factor L (n_eps × n_eps, row-major) of
 * the covariance the draws use. */
struct country_fit {
    struct fit_estimate est;
    int anchored;
    double c0;
    double L[FIT_MAX_PARAMS * FIT_MAX_PARAMS];
    size_t n_eps;           /* 0 unless the fit is uncertain */
};

struct model {
    const struct dcproj_scenario *sc;
    struct country_fit *fits; /* per country; meaningful when its model is fit */
    size_t *ev_start;       /* events of country i: ev_index[ev_start[i] .. ev_start[i+1]) */
    size_t *ev_index;       /* event indices, file order within a country */
    struct points_curve *curves; /* per country; .n == 0 unless model is points */
    size_t max_segments;    /* largest n_segments of any country */
    /* Values that replace registered parameters (sc->slots[k] <- slot_values[k],
     * NaN = keep the parameter's own deterministic value); NULL = none.
     * Borrowed: a sensitivity run or a sweep point sets it on its own copy
     * of the struct, so a prepared model is shared read-only. */
    const double *slot_values;
};

/* Growth parameters of one country with every parameter resolved. */
struct country_values {
    double c0;              /* baseline C0 (curve(B) for points) */
    double rate;            /* compound r (single), logistic k */
    double *seg_rates;      /* compound piecewise rates, growth.n_segments of them
                               (caller-provided storage, m->max_segments long) */
    double per_year;        /* linear a */
    double cap;             /* logistic K */
};

/* One event with its parameters resolved. */
struct event_values {
    double add;             /* capacity added at full ramp (deterministic: add * probability) */
    double start_months;    /* s + delay */
    double ramp_months;
};

/* Prepare `m` for `sc`: build per-country event lists and points curves;
 * check each points baseline against curve(B) (SPEC §3: within
 * 1e-9 * max(1, |curve(B)|)).  Returns DCPROJ_OK or fills `err`. */
int model_init(struct model *m, const struct dcproj_scenario *sc, struct dcproj_error *err);
void model_clear(struct model *m);

/* The value of a number-or-variable reference at variable values `vars`
 * (may be NULL when no variables are referenced). */
static inline double value_at(const struct dcproj_value *v, const double *vars)
{
    return v->var < 0 ? v->number : v->times * vars[v->var] + v->plus;
}

/* The deterministic value of a parameter: the value, or the distribution's
 * mean (SPEC §5.1: m, m, (a+b)/2, (a+b+c)/3, (a+4c+b)/6). */
double param_mean(const struct dcproj_param *p, const double *vars);

/* The deterministic value of parameter `p` in model `m`: its value in
 * m->slot_values when it is a registered input given one there, else
 * param_mean(). */
static inline double param_value(const struct model *m, const struct dcproj_param *p,
                                 const double *vars)
{
    if (m->slot_values != NULL && p->slot > 0) {
        double x = m->slot_values[p->slot - 1];
        if (x == x)
            return x;
    }
    return param_mean(p, vars);
}

/* The u-quantile (0 < u < 1) of parameter `p`'s distribution (its value
 * when it has none), by the inverse CDF of SPEC §5.3: normal m + s·Φ⁻¹(u);
 * lognormal exp(μ + σ·Φ⁻¹(u)) with σ² = ln(1 + s²/m²), μ = ln m − σ²/2;
 * uniform and triangular in closed form; PERT a + (b − a)·Beta⁻¹(u; α, β),
 * α = 1 + 4(c − a)/(b − a), β = 1 + 4(b − c)/(b − a).  Not clamped. */
double param_quantile(const struct dcproj_param *p, const double *vars, double u);

/* The same at normal score z (the Gaussian copula of SPEC §5.3): normal
 * m + s·z and lognormal exp(μ + σ·z) directly, a bounded distribution at
 * u = Φ(z) clamped into [2^-53, 1 − 2^-53]; a plain value is returned as is.
 * Not clamped into the parameter's range (§5.1: the caller does that). */
double param_quantile_z(const struct dcproj_param *p, const double *vars, double z);

/* Variable values to evaluate at when nothing is solved: fixed values, and
 * guesses for unknowns.  `vars` has sc->n_variables entries. */
void model_default_vars(const struct dcproj_scenario *sc, double *vars);

/*
 * Resolve country `i`'s growth parameters deterministically at `vars` into
 * *cv (cv->seg_rates must point to m->max_segments doubles).  Checks each
 * value's valid range (baseline >= 0, compound rate > -1, logistic
 * 0 < C0 < K, k > 0): a value out of range is a data error that names the
 * variable when a variable reference produced it (SPEC §4: "a trial point
 * that makes it invalid is a data error naming the variable").
 */
int model_country_values(const struct model *m, size_t i, const double *vars,
                         struct country_values *cv, struct dcproj_error *err);

/* Resolve the events of country `i` deterministically into ev[0..k), k =
 * number of events of the country (expected value: add * probability,
 * start = s + mean delay).  Checks probability in [0, 1] and delay >= 0
 * for variable-driven values. */
int model_event_values(const struct model *m, size_t i, const double *vars,
                       struct event_values *ev, struct dcproj_error *err);

/* Report parameter `p` (at JSON `path`) whose value `value` breaks `rule`;
 * names the variable when a reference produced it (SPEC §4). */
int model_bad_param(const struct model *m, const struct dcproj_param *p, const double *vars,
                    const char *path, double value, const char *rule, struct dcproj_error *err);

/* The closed-form curve a growth model evaluates (a fit: the model its
 * curve names; never DCPROJ_MODEL_FIT).  Implemented in model.c. */
enum dcproj_model model_curve(const struct dcproj_growth *g);

/* A resolved `pue` or `utilization` (SPEC §3.7): the curve (borrowed from
 * the scenario), or NULL and a constant value. */
struct power_curve {
    const struct dcproj_power_input *in;
    double value;
};

struct power_values {
    struct power_curve pue, util;
};

/* Resolve country i's pue and utilization at `vars` (means of
 * distributions); a variable-driven value out of range is a data error
 * naming the variable.  Implemented in model_energy.c. */
int model_power_values(const struct model *m, size_t i, const double *vars,
                       struct power_values *pv, struct dcproj_error *err);

/* The value at model time t (years) of a resolved pue or utilization:
 * linear in t between year-end points or `step`, flat outside. */
double power_curve_at(const struct power_curve *pc, int baseline_year, double t_years);

/* SPEC §3.7's power columns of capacity C at model time t: it_load_mw =
 * C·u(t), facility_mw = it_load_mw·pue(t), in that order of rounding.  The
 * one place of the formula (projection, Monte Carlo, calibration tables,
 * sensitivity runs); either output may be NULL. */
void model_power_at(const struct power_values *pv, int baseline_year, double t_years,
                    double capacity, double *it_load, double *facility);

/* Reusable storage for model_energy() (zero-initialise; free .t). */
struct energy_scratch {
    double *t;
    size_t cap;
    /* model_energy()'s one-piece case, called period after period: the
     * last log1p(rate), and expm1(mu)/mu for the last few mu (a month's
     * length in years, e/12 - (e-1)/12, takes a handful of values),
     * reused when their argument is the same, so the result is the same
     * bits; zero-initialised = empty (mu = 0 is never looked up) */
    int have_lambda;
    double rate, lambda;
    struct {
        double mu, factor;
    } factors[16];
};

/*
 * Energy in TWh used by country i over model times [t0, t1] (years), SPEC
 * §3.7: 8.76e-3·∫ max(0, growth + events)·u·pue dt, closed forms where the
 * model has them (see model_energy.c), |error| well under 1e-10 relative.
 * Returns DCPROJ_OK or DCPROJ_ERR_NOMEM (err untouched: the caller names it).
 */
int model_energy(const struct model *m, size_t i, const struct country_values *cv,
                 const struct event_values *ev, const struct power_values *pv, double t0,
                 double t1, struct energy_scratch *scratch, double *out);

/*
 * model_energy() for every period of a projection at once: country i's
 * energy over (e[p-1], e[p]] months into out[p * stride] for 1 <= p < n
 * (out[0] is not written: the first row has none), `capacity` its
 * model_country_series() at e[0..n).  The same values as model_energy()
 * period by period; the per-country work is done once, and in the
 * one-piece case C(t0) is taken from `capacity` (the same expression).
 */
int model_energy_series(const struct model *m, size_t i, const struct country_values *cv,
                        const struct event_values *ev, const struct power_values *pv,
                        const int *e, size_t n, const double *capacity,
                        struct energy_scratch *scratch, double *out, size_t stride);

/*
 * Fit country `i`'s `fit` growth to its history years from `from` through
 * `base_year` (B for a projection; the as-of year of a back-test), t =
 * year − base_year, and anchor it (SPEC §3 model 5).  With `with_draws`,
 * also the Cholesky factor for uncertain draws.  Data errors name
 * countries.CODE.growth (or .history).
 */
int model_fit_country(const struct dcproj_scenario *sc, size_t i, int base_year, int with_draws,
                      struct country_fit *out, struct dcproj_error *err);

/* The `fit` rows of the solution (SPEC §4) for every fit country of the
 * prepared model into sol->fit_params (malloc'ed; sol owns them). */
int model_fit_solution(const struct model *m, struct dcproj_solution *sol,
                       struct dcproj_error *err);

/* SPEC §3.9 (--history): prepend the history periods to every row of a
 * finished result and append the `observed` column (empty cells are NaN).
 * Implemented in project_history.c. */
int project_add_history(const struct model *m, const double *vars, struct dcproj_result *res,
                        struct dcproj_error *err);

/* Set cv's growth parameters from a fit's θ (C0 in theta[0]). */
void model_fit_values(enum dcproj_fit_curve curve, const double *theta, struct country_values *cv);

/* Number of events of country `i`. */
static inline size_t model_n_events(const struct model *m, size_t i)
{
    return m->ev_start[i + 1] - m->ev_start[i];
}

/*
 * Capacity of country `i` before events at model time t (years), given *cv.
 * Returns 0, or -1 when a `points` curve with extrapolate "error" is
 * evaluated past its last point.
 */
int model_growth_at(const struct model *m, size_t i, const struct country_values *cv,
                    double t_years, double *out);

/*
 * Capacity of country `i` at each period end e_months[0..n) (months since
 * the end of B): growth plus events (SPEC §3.5), floored at 0 (SPEC §3.6).
 * *floored is set to 1 if any value was raised to 0 (else left alone).
 * Errors (data): a points curve past its last point with extrapolate
 * "error", or a non-finite value — both name the country and the period
 * (`periods`, when not NULL, gives labels for e_months; otherwise the
 * message names the month offset as a year-end or month).
 */
int model_country_series(const struct model *m, size_t i, const struct country_values *cv,
                         const struct event_values *ev, const int *e_months,
                         const struct dcproj_period *periods, size_t n, double *out,
                         int *floored, struct dcproj_error *err);

/* Build the output periods of SPEC §1 for B, H and `step` into a malloc'ed
 * array (*out, *n).  Returns DCPROJ_OK or DCPROJ_ERR_NOMEM. */
int model_periods(int baseline_year, int horizon, enum dcproj_step step,
                  struct dcproj_period **out, size_t *n);

/*
 * Deterministic year-end capacities for calibration: for years B..last_year
 * (n_years = last_year - B + 1), fill rows[r * n_years + y] for the
 * countries (r < n_countries), then groups, then TOTAL (r = n_countries +
 * n_groups), at variable values `vars`.  Events, floors included.  `rows`
 * has (n_countries + n_groups + 1) * n_years entries.
 */
int model_year_ends(const struct model *m, const double *vars, int last_year, double *rows,
                    struct dcproj_error *err);

/* The prepared model (prepared.c, dcproj/prepared.h) for callers inside
 * the library: prepared_open() prepares `sc` as a deterministic run (its
 * draws ignored: parameters at their means) — the public
 * dcproj_prepared_new() refuses a Monte Carlo scenario instead;
 * prepared_model() is its model (read-only; copy the struct to set
 * slot_values) and prepared_solved() the variables its projection solved
 * (or the frozen or fixed ones). */
struct dcproj_prepared;
int prepared_open(const struct dcproj_scenario *sc, struct dcproj_prepared **out,
                  struct dcproj_error *err);
const struct model *prepared_model(const struct dcproj_prepared *p);
const double *prepared_solved(const struct dcproj_prepared *p);

/* The deterministic projection into a result laid out by dcproj_project()
 * (periods, rows, columns; values zeroed): every country, group and TOTAL
 * and the power columns at variable values `vars`, then the check that
 * every cell is finite.  *floored[i] = 1 for countries floored.  What
 * dcproj_project() computes without Monte Carlo; the prepared evaluator
 * (prepared.c) calls it per evaluation, in the calling thread.  With
 * `keep` (may be NULL), the rows of each country i with keep[i] set are
 * copied from `from` (a result of the same layout computed with the same
 * model and `vars`) instead of projected again; groups and TOTAL are
 * summed in file order all the same.  Implemented in project.c. */
int project_fill(const struct model *m, const double *vars, struct dcproj_result *res,
                 unsigned char *floored, const unsigned char *keep,
                 const struct dcproj_result *from, struct dcproj_error *err);

/*
 * model_year_ends() for every metric of SPEC §4 at once: tables[k] (NULL:
 * not computed) receives metric k (enum dcproj_metric) in model_year_ends()'s
 * layout — capacity, it_load_mw and facility_mw at year-ends B..last_year,
 * and energy_twh of calendar years (entry y is year B + y's energy; NaN for
 * y = 0, year B, which is not projected).  Power tables need sc->has_power.
 */
int model_year_tables(const struct model *m, const double *vars, int last_year,
                      double *const tables[DCPROJ_N_METRICS], struct dcproj_error *err);

/* Calibration entry used by dcproj_solve(): solve `sc` (not frozen-aware)
 * with a prepared model. Implemented in calibrate.c. */
int calibrate_solve(const struct model *m, struct dcproj_solution *sol, struct dcproj_error *err);

/* dcproj_solve() with the model the caller already prepared for m->sc (so
 * dcproj_project() does not build a second one).  Frozen scenarios still
 * solve their parent with its own model.  Implemented in calibrate.c. */
int model_solve(const struct model *m, struct dcproj_solution *out, struct dcproj_error *err);

/*
 * Draw sites and correlation (SPEC §5.2, §5.3), implemented in mc_sites.c.
 * sites_build() lists the sites in draw order (the order of mc_draw.c's
 * shared and country draws): the shared variables' sites first
 * (s[0 .. n_shared)), then country i's at s[country_start[i] ..
 * country_start[i + 1]).
 */
struct site_list {
    struct dcproj_site *s;
    size_t n;
    size_t n_shared;
    size_t *country_start;  /* [n_countries + 1] */
};
int sites_build(const struct dcproj_scenario *sc, struct site_list *l);
void sites_clear(struct site_list *l);

/* The Gaussian copula: the k correlated sites (those some entry pairs with
 * another site), index[s] = position of site s among them or -1, and the
 * Cholesky factor L (k x k, row-major, lower) of their correlation matrix. */
struct mc_corr {
    size_t k;
    long *index;
    double *L;
};
/* Build from sc->correlations: a path matching no site, or a matrix that is
 * not positive definite, is a data error naming the entry. */
int corr_build(const struct dcproj_scenario *sc, const struct site_list *sl, struct mc_corr *out,
               struct dcproj_error *err);
void corr_clear(struct mc_corr *c);
/* z = L·eps (k values). */
void corr_scores(const struct mc_corr *c, const double *eps, double *z);
/* The loader's check of `correlation` on a converted scenario. */
int corr_check(const struct dcproj_scenario *sc, struct dcproj_error *err);


/* The seed of stream `stream` of block `block` (SplitMix64 of seed, block
 * and stream; stream 0 is the v1 draw generator, 1 the copula's ε). */
unsigned long mc_stream_seed(uint64_t seed, uint64_t block, uint64_t stream);

/*
 * Monte Carlo (SPEC §5), implemented in mc_draw.c: fill the `mean` and
 * quantile columns (res->cols[col_mean], col_mean + 1, ...) of every row and
 * period of `res` (periods, rows and the deterministic columns already set)
 * with `sc->draws` draws, variables at `vars`.  Sets res->exact_quantiles
 * and *floored_country[i] = 1 for countries floored in some draw.
 * `dbg` (tests only; NULL otherwise) can make exact mode keep every cell
 * per draw, and reports how many series of draws were kept.
 */
struct mc_debug {
    int keep_all_cells;     /* in: store every cell (no KEY or CONST countries) */
    size_t n_slots;         /* out: series of draws stored in exact mode */
};
int montecarlo_fill(const struct model *m, const double *vars,
                    const struct dcproj_run_options *opt, struct dcproj_result *res,
                    size_t col_mean, unsigned char *floored_country, struct mc_debug *dbg,
                    struct dcproj_error *err);

/* As montecarlo_fill(), for the statistics of `metric` (SPEC §5.2
 * `uncertainty.metrics`): the mean and quantile columns starting at
 * col_mean; the same draws as for capacity, each country's series turned
 * into it_load_mw, facility_mw or the energy used per period (whose first
 * row is empty, NaN). */
int montecarlo_fill_metric(const struct model *m, const double *vars,
                           const struct dcproj_run_options *opt, struct dcproj_result *res,
                           enum dcproj_metric metric, size_t col_mean,
                           unsigned char *floored_country, struct mc_debug *dbg,
                           struct dcproj_error *err);

/* Quantiles q[0..nq) (increasing) of the n values at x, possibly reordering
 * x, equal bit for bit to gsl_stats_quantile_from_sorted_data on the sorted
 * values: the order statistics are selected, not sorted (within bounds from
 * a sample for long series, else in place by Floyd-Rivest).  `ks` is
 * workspace for 2 nq ranks.  Implemented in mc_quantile.c. */
void montecarlo_exact_quantiles(double *x, size_t n, const double *q, size_t nq, size_t *ks,
                                double *out);

#endif
