/*
 * fit_int.h — least-squares fits of a growth curve to observed history
 * (SPEC §3 model 5 `fit`), shared by the model (model.c), Monte Carlo and
 * the back-test.  Pure arithmetic on arrays: no scenario, no JSON.
 *
 * The caller has turned GSL's error handler off (gsl_set_error_handler_off);
 * every GSL status is checked here.  Thread-safe: no shared state.
 */
#ifndef DCPROJ_FIT_INT_H
#define DCPROJ_FIT_INT_H

#include <stddef.h>

#include "dcproj/error.h"
#include "dcproj/scenario.h"

/* The fitted curve is an enum dcproj_fit_curve (scenario.h); θ in the order
 * of SPEC §3 and the §4 solution ids: compound (C0, r), linear (C0, a),
 * logistic (C0, K, k). */
enum fit_errors { FIT_ERRORS_ABSOLUTE = 0, FIT_ERRORS_RELATIVE };

#define FIT_MAX_PARAMS 3

/* What a fit found.  cov = s²·(JᵀJ)⁻¹ with s² = Σρ²/(n − p); se_j =
 * sqrt(cov_jj); rmse = sqrt(Σρ²/n) in ρ's units (relative: a fraction). */
struct fit_estimate {
    enum dcproj_fit_curve curve;
    size_t p;
    double theta[FIT_MAX_PARAMS];
    double cov[FIT_MAX_PARAMS][FIT_MAX_PARAMS];
    double se[FIT_MAX_PARAMS];
    double rmse;
    size_t iterations;
};

/* Number of parameters of `curve` (2 or 3). */
size_t fit_n_params(enum dcproj_fit_curve curve);

/* Solution-row name of parameter j of `curve`: "C0", "r", "a", "K", "k". */
const char *fit_param_name(enum dcproj_fit_curve curve, size_t j);

/* C_θ(t) for the parameters theta (in fit_estimate order), t in years from
 * the baseline (negative for history years). */
double fit_curve_at(enum dcproj_fit_curve curve, const double *theta, double t_years);

/*
 * Fit `curve` to the n observations (t[i], y[i]) as SPEC §3 model 5 says:
 * guesses from OLS on the points with y > 0, gsl_multifit_nlinear (trust
 * region LM, `more` scaling, QR, analytic Jacobian, xtol = gtol = 1e-12,
 * ftol = 0, at most 500 iterations; GSL_ENOPROG counts as converged), trial
 * points outside the domain rejected by residuals of 1e150, standard errors
 * from gsl_multifit_nlinear_covar.
 *
 * On a problem returns DCPROJ_ERR_DATA with one message in `err` (file and
 * path as given, e.g. "countries.IE.growth") in the user's terms: too few
 * years (n ≤ p), a non-positive value with relative errors, a history that
 * does not rise (fewer than 2 positive values, or a logistic guess slope
 * ≤ 0), no convergence, a singular Jacobian (a zero pivot in the QR), a
 * final point outside the domain, a logistic cap the history does not
 * determine (K̂ > 1000·max y, or the condition number of JᵀJ with unit
 * columns above 1e12); the messages about the iteration name its last
 * iterate.  DCPROJ_ERR_NOMEM when GSL cannot allocate.
 */
int fit_estimate(enum dcproj_fit_curve curve, enum fit_errors errors, const double *t, const double *y,
                 size_t n, struct fit_estimate *out, const char *file, const char *path,
                 struct dcproj_error *err);

/*
 * The lower Cholesky factor L (row-major, k×k, k = p or p − 1) of est->cov,
 * without C0's row and column when `anchored` (SPEC §3: the draws of an
 * uncertain fit are θ̂ + L·ε).  Returns DCPROJ_OK, or DCPROJ_ERR_DATA
 * (message in `err`) when the matrix is not positive definite.
 */
int fit_cholesky(const struct fit_estimate *est, int anchored, double *L, size_t *k,
                 const char *file, const char *path, struct dcproj_error *err);

/*
 * One Monte Carlo parameter set: θ = θ̂ + L·ε (free parameters only when
 * anchored; then C0 is `c0_anchor`), clamped as SPEC §3 says (compound
 * C0 ≥ 0, r ≥ −0.999999; logistic C0 ≥ 1e-9·Ĉ0, k ≥ 1e-9, then
 * K ≥ C0·(1 + 1e-9); linear unclamped).  `eps` has k entries.
 */
void fit_draw(const struct fit_estimate *est, int anchored, double c0_anchor, const double *L,
              size_t k, const double *eps, double *theta);

#endif
