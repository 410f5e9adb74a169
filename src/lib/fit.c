/*
 * fit.c — growth curves fitted to observed history (SPEC §3 model 5):
 * the guesses, the nonlinear least squares, standard errors and the checks
 * that refuse an ill-posed fit rather than print a silent number.
 *
 * GSL's error handler is off (the caller's job); every status is checked.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#include "fit_int.h"

#define FIT_XTOL 1e-12
#define FIT_GTOL 1e-12
#define FIT_FTOL 0.0
#define FIT_MAX_ITER 500
#define FIT_REJECT 1e150          /* residual of a trial point outside the domain */
#define FIT_CAP_FACTOR 1000.0     /* K̂ above this many times max y: cap not determined */
#define FIT_MAX_COND 1e12         /* of JᵀJ with unit columns (logistic) */

size_t fit_n_params(enum dcproj_fit_curve curve)
{
    return curve == DCPROJ_FIT_LOGISTIC ? 3 : 2;
}

const char *fit_param_name(enum dcproj_fit_curve curve, size_t j)
{
    static const char *const names[3][3] = {{"C0", "r", ""}, {"C0", "a", ""}, {"C0", "K", "k"}};
    return j < fit_n_params(curve) ? names[curve][j] : "";
}

static const char *curve_name(enum dcproj_fit_curve curve)
{
    return curve == DCPROJ_FIT_COMPOUND ? "compound" : curve == DCPROJ_FIT_LINEAR ? "linear" : "logistic";
}

double fit_curve_at(enum dcproj_fit_curve curve, const double *theta, double t_years)
{
    switch (curve) {
    case DCPROJ_FIT_COMPOUND:
        return theta[0] * pow(1.0 + theta[1], t_years);
    case DCPROJ_FIT_LINEAR:
        return theta[0] + theta[1] * t_years;
    case DCPROJ_FIT_LOGISTIC:
        return theta[1] / (1.0 + ((theta[1] - theta[0]) / theta[0]) * exp(-theta[2] * t_years));
    }
    return NAN;
}

/* Is θ inside the curve's domain (compound r > −1, C0 > 0; logistic
 * 0 < C0 < K, k > 0; linear: everywhere finite)? */
static int in_domain(enum dcproj_fit_curve curve, const double *theta)
{
    for (size_t j = 0; j < fit_n_params(curve); j++)
        if (!isfinite(theta[j]))
            return 0;
    switch (curve) {
    case DCPROJ_FIT_COMPOUND:
        return theta[0] > 0 && theta[1] > -1.0;
    case DCPROJ_FIT_LINEAR:
        return 1;
    case DCPROJ_FIT_LOGISTIC:
        return theta[0] > 0 && theta[1] > theta[0] && theta[2] > 0;
    }
    return 0;
}

/* ∂C/∂θ_j at t (analytic). */
static void curve_gradient(enum dcproj_fit_curve curve, const double *theta, double t, double *grad)
{
    switch (curve) {
    case DCPROJ_FIT_COMPOUND: {
        double g = pow(1.0 + theta[1], t);
        grad[0] = g;
        grad[1] = theta[0] * t * g / (1.0 + theta[1]);
        break;
    }
    case DCPROJ_FIT_LINEAR:
        grad[0] = 1.0;
        grad[1] = t;
        break;
    case DCPROJ_FIT_LOGISTIC: {
        /* C = K/D, D = 1 + A·E, A = K/C0 − 1, E = e^(−k t) */
        double c0 = theta[0], cap = theta[1], k = theta[2];
        double e = exp(-k * t), a = cap / c0 - 1.0, d = 1.0 + a * e;
        grad[0] = cap * cap * e / (c0 * c0 * d * d);
        grad[1] = (1.0 - e) / (d * d);
        grad[2] = cap * a * t * e / (d * d);
        break;
    }
    }
}

struct fit_data {
    enum dcproj_fit_curve curve;
    enum fit_errors errors;
    const double *t, *y;
    size_t n;
};

static int residuals_fn(const gsl_vector *x, void *params, gsl_vector *f)
{
    const struct fit_data *d = params;
    double theta[FIT_MAX_PARAMS] = {0};
    for (size_t j = 0; j < x->size; j++)
        theta[j] = gsl_vector_get(x, j);
    if (!in_domain(d->curve, theta)) {
        gsl_vector_set_all(f, FIT_REJECT);
        return GSL_SUCCESS;
    }
    for (size_t i = 0; i < d->n; i++) {
        double r = fit_curve_at(d->curve, theta, d->t[i]) - d->y[i];
        if (d->errors == FIT_ERRORS_RELATIVE)
            r /= d->y[i];
        gsl_vector_set(f, i, isfinite(r) ? r : FIT_REJECT);
    }
    return GSL_SUCCESS;
}

static int jacobian_fn(const gsl_vector *x, void *params, gsl_matrix *J)
{
    const struct fit_data *d = params;
    double theta[FIT_MAX_PARAMS] = {0}, grad[FIT_MAX_PARAMS];
    for (size_t j = 0; j < x->size; j++)
        theta[j] = gsl_vector_get(x, j);
    for (size_t i = 0; i < d->n; i++) {
        curve_gradient(d->curve, theta, d->t[i], grad);
        for (size_t j = 0; j < x->size; j++)
            gsl_matrix_set(J, i, j, d->errors == FIT_ERRORS_RELATIVE ? grad[j] / d->y[i] : grad[j]);
    }
    return GSL_SUCCESS;
}

/* Ordinary least squares y = b + m·t over the points with y > 0 (of
 * ln y when `log_y`, of ln(y/(cap − y)) when cap > 0).  Returns the number
 * of points used; *slope, *intercept only when that is >= 2 and the t
 * differ. */
static size_t ols_guess(const double *t, const double *y, size_t n, int log_y, double cap,
                        double *slope, double *intercept)
{
    double st = 0, sv = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(y[i] > 0) || (cap > 0 && !(y[i] < cap)))
            continue;
        double v = cap > 0 ? log(y[i] / (cap - y[i])) : log_y ? log(y[i]) : y[i];
        st += t[i];
        sv += v;
        m++;
    }
    if (m < 2)
        return m;
    double mt = st / (double)m, mv = sv / (double)m, stt = 0, stv = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(y[i] > 0) || (cap > 0 && !(y[i] < cap)))
            continue;
        double v = cap > 0 ? log(y[i] / (cap - y[i])) : log_y ? log(y[i]) : y[i];
        stt += (t[i] - mt) * (t[i] - mt);
        stv += (t[i] - mt) * (v - mv);
    }
    *slope = stt > 0 ? stv / stt : 0.0;
    *intercept = mv - *slope * mt;
    return m;
}

/* The starting point of SPEC §3 model 5, or a data error. */
static int initial_guess(const struct fit_data *d, double *theta, const char *file,
                         const char *path, struct dcproj_error *err)
{
    double m = 0, b = 0, ymax = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->y[i] > ymax)
            ymax = d->y[i];
    size_t used;
    switch (d->curve) {
    case DCPROJ_FIT_COMPOUND:
        used = ols_guess(d->t, d->y, d->n, 1, 0.0, &m, &b);
        theta[0] = exp(b);
        theta[1] = exp(m) - 1.0;
        break;
    case DCPROJ_FIT_LINEAR:
        used = ols_guess(d->t, d->y, d->n, 0, 0.0, &m, &b);
        theta[0] = b;
        theta[1] = m;
        break;
    case DCPROJ_FIT_LOGISTIC:
    default:
        theta[1] = 2.0 * ymax;
        used = ols_guess(d->t, d->y, d->n, 0, theta[1], &m, &b);
        theta[2] = m;
        theta[0] = theta[1] / (1.0 + exp(-b));
        break;
    }
    if (used < 2)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                                "history does not rise: a %s fit needs at least 2 values > 0, "
                                "found %zu",
                                curve_name(d->curve), used);
    if (d->curve == DCPROJ_FIT_LOGISTIC && !(m > 0))
        return dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                                "history does not rise: a logistic fit needs values that grow "
                                "(the guess slope of ln(y/(K - y)) is %.6g)",
                                m);
    return DCPROJ_OK;
}

/* "C0 = 1.5, r = 0.2" for messages about an iterate. */
static void format_theta(enum dcproj_fit_curve curve, const double *theta, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < fit_n_params(curve) && used < size; j++) {
        int w = snprintf(buf + used, size - used, "%s%s = %.10g", j > 0 ? ", " : "",
                         fit_param_name(curve, j), theta[j]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/*
 * Checks on J at θ̂ (n×p, residual Jacobian): a zero pivot in the QR with
 * column pivoting is singular; for the logistic, the 2-norm condition
 * number of J with unit columns, squared (that of JᵀJ), must not exceed
 * FIT_MAX_COND.  Returns 0 (fine), 1 (singular), 2 (ill-conditioned), or
 * -1 (no memory).
 */
static int check_jacobian(const gsl_matrix *J, int logistic, double *cond_out)
{
    size_t n = J->size1, p = J->size2;
    gsl_matrix *a = gsl_matrix_alloc(n, p);
    gsl_vector *tau = gsl_vector_alloc(p < n ? p : n);
    gsl_permutation *perm = gsl_permutation_alloc(p);
    gsl_vector *norm = gsl_vector_alloc(p);
    gsl_matrix *v = gsl_matrix_alloc(p, p);
    gsl_vector *s = gsl_vector_alloc(p);
    gsl_vector *work = gsl_vector_alloc(p);
    int result = 0, signum = 0;
    *cond_out = 0;
    if (a == NULL || tau == NULL || perm == NULL || norm == NULL || v == NULL || s == NULL
        || work == NULL) {
        result = -1;
        goto done;
    }
    gsl_matrix_memcpy(a, J);
    if (gsl_linalg_QRPT_decomp(a, tau, perm, &signum, norm) != GSL_SUCCESS) {
        result = 1;
        goto done;
    }
    for (size_t j = 0; j < p; j++)
        if (gsl_matrix_get(a, j, j) == 0.0) {
            result = 1;
            goto done;
        }
    if (!logistic)
        goto done;
    gsl_matrix_memcpy(a, J);
    for (size_t j = 0; j < p; j++) {
        gsl_vector_view col = gsl_matrix_column(a, j);
        double nj = gsl_blas_dnrm2(&col.vector);
        if (!(nj > 0)) {
            result = 1;
            goto done;
        }
        gsl_vector_scale(&col.vector, 1.0 / nj);
    }
    if (gsl_linalg_SV_decomp(a, v, s, work) != GSL_SUCCESS) {
        result = 1;
        goto done;
    }
    double smax = gsl_vector_get(s, 0), smin = gsl_vector_get(s, p - 1);
    double cond = smin > 0 ? (smax / smin) * (smax / smin) : INFINITY;
    *cond_out = cond;
    if (!(cond <= FIT_MAX_COND))
        result = 2;
done:
    gsl_matrix_free(a);
    gsl_vector_free(tau);
    gsl_permutation_free(perm);
    gsl_vector_free(norm);
    gsl_matrix_free(v);
    gsl_vector_free(s);
    gsl_vector_free(work);
    return result;
}

/* Run the trust-region iteration from theta0; the final point in *w. */
static int iterate(gsl_multifit_nlinear_workspace *w, gsl_vector *x0,
                   gsl_multifit_nlinear_fdf *fdf, size_t *iterations, int *converged,
                   const char **stop)
{
    int g = gsl_multifit_nlinear_init(x0, fdf, w);
    *iterations = 0;
    *converged = 0;
    if (g != GSL_SUCCESS) {
        *stop = gsl_strerror(g);
        return g;
    }
    for (size_t it = 0; it < FIT_MAX_ITER; it++) {
        g = gsl_multifit_nlinear_iterate(w);
        *iterations = it + 1;
        if (g == GSL_ENOPROG) {
            *converged = 1;
            return GSL_SUCCESS;
        }
        if (g != GSL_SUCCESS) {
            *stop = gsl_strerror(g);
            return g;
        }
        int info = 0;
        g = gsl_multifit_nlinear_test(FIT_XTOL, FIT_GTOL, FIT_FTOL, &info, w);
        if (g == GSL_SUCCESS) {
            *converged = 1;
            return GSL_SUCCESS;
        }
        if (g != GSL_CONTINUE) {
            *stop = gsl_strerror(g);
            return g;
        }
    }
    *stop = "no minimum within 500 iterations";
    return GSL_EMAXITER;
}

int fit_estimate(enum dcproj_fit_curve curve, enum fit_errors errors, const double *t, const double *y,
                 size_t n, struct fit_estimate *out, const char *file, const char *path,
                 struct dcproj_error *err)
{
    size_t p = fit_n_params(curve);
    struct fit_data d = {curve, errors, t, y, n};
    memset(out, 0, sizeof *out);
    out->curve = curve;
    out->p = p;
    if (n <= p)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                                "a %s fit has %zu parameters and needs at least %zu history "
                                "years, found %zu",
                                curve_name(curve), p, p + 1, n);
    double ymax = 0;
    for (size_t i = 0; i < n; i++) {
        if (errors == FIT_ERRORS_RELATIVE && !(y[i] > 0))
            return dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                                    "\"errors\": \"relative\" divides by each value, but a "
                                    "history value is %.15g; use \"absolute\"",
                                    y[i]);
        if (y[i] > ymax)
            ymax = y[i];
    }
    double theta0[FIT_MAX_PARAMS] = {0};
    int rc = initial_guess(&d, theta0, file, path, err);
    if (rc != DCPROJ_OK)
        return rc;

    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lm;
    par.scale = gsl_multifit_nlinear_scale_more;
    par.solver = gsl_multifit_nlinear_solver_qr;
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, p);
    gsl_vector *x0 = gsl_vector_alloc(p);
    gsl_matrix *covar = gsl_matrix_alloc(p, p);
    if (w == NULL || x0 == NULL || covar == NULL) {
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, file, path, 0, 0, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < p; j++)
        gsl_vector_set(x0, j, theta0[j]);
    gsl_multifit_nlinear_fdf fdf;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = residuals_fn;
    fdf.df = jacobian_fn;
    fdf.n = n;
    fdf.p = p;
    fdf.params = &d;
    int converged = 0;
    const char *stop = NULL;
    iterate(w, x0, &fdf, &out->iterations, &converged, &stop);
    const gsl_vector *x = gsl_multifit_nlinear_position(w);
    for (size_t j = 0; j < p; j++)
        out->theta[j] = gsl_vector_get(x, j);
    char last[160];
    format_theta(curve, out->theta, last, sizeof last);
    if (!converged) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                              "the %s fit did not converge after %zu iterations (%s); last "
                              "iterate %s",
                              curve_name(curve), out->iterations, stop, last);
        goto done;
    }
    if (!in_domain(curve, out->theta)) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                              "the %s fit ended outside the curve's domain; last iterate %s",
                              curve_name(curve), last);
        goto done;
    }
    if (curve == DCPROJ_FIT_LOGISTIC && out->theta[1] > FIT_CAP_FACTOR * ymax) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                              "history does not determine the cap: the fitted K = %.10g is "
                              "over 1000 times the largest value; last iterate %s",
                              out->theta[1], last);
        goto done;
    }
    const gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    double cond = 0;
    int jc = check_jacobian(J, curve == DCPROJ_FIT_LOGISTIC, &cond);
    if (jc < 0) {
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, file, path, 0, 0, "out of memory");
        goto done;
    }
    if (jc == 1) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                              "the %s fit's Jacobian is singular (the history does not "
                              "determine every parameter); last iterate %s",
                              curve_name(curve), last);
        goto done;
    }
    if (jc == 2) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                              "history does not determine the cap: the fit's scaled JᵀJ has "
                              "condition number %.3g (> 1e12); last iterate %s",
                              cond, last);
        goto done;
    }
    if (gsl_multifit_nlinear_covar(J, 0.0, covar) != GSL_SUCCESS) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                              "the %s fit's covariance cannot be computed; last iterate %s",
                              curve_name(curve), last);
        goto done;
    }
    const gsl_vector *f = gsl_multifit_nlinear_residual(w);
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += gsl_vector_get(f, i) * gsl_vector_get(f, i);
    double s2 = ss / (double)(n - p);
    out->rmse = sqrt(ss / (double)n);
    for (size_t j = 0; j < p; j++) {
        for (size_t k = 0; k < p; k++)
            out->cov[j][k] = s2 * gsl_matrix_get(covar, j, k);
        out->se[j] = sqrt(out->cov[j][j]);
    }
done:
    if (w != NULL)
        gsl_multifit_nlinear_free(w);
    gsl_vector_free(x0);
    gsl_matrix_free(covar);
    return rc;
}

int fit_cholesky(const struct fit_estimate *est, int anchored, double *L, size_t *k,
                 const char *file, const char *path, struct dcproj_error *err)
{
    size_t first = anchored ? 1 : 0, m = est->p - first;
    double a[FIT_MAX_PARAMS * FIT_MAX_PARAMS];
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            a[i * m + j] = est->cov[first + i][first + j];
    gsl_matrix_view v = gsl_matrix_view_array(a, m, m);
    if (gsl_linalg_cholesky_decomp1(&v.matrix) != GSL_SUCCESS)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, file, path, 0, 0,
                                "the fit's covariance is not positive definite; an uncertain "
                                "fit cannot be drawn from it");
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            L[i * m + j] = j <= i ? a[i * m + j] : 0.0;
    *k = m;
    return DCPROJ_OK;
}

void fit_draw(const struct fit_estimate *est, int anchored, double c0_anchor, const double *L,
              size_t k, const double *eps, double *theta)
{
    size_t first = anchored ? 1 : 0;
    for (size_t j = 0; j < est->p; j++)
        theta[j] = est->theta[j];
    if (anchored)
        theta[0] = c0_anchor;
    for (size_t i = 0; i < k; i++) {
        double s = 0;
        for (size_t j = 0; j <= i; j++)
            s += L[i * k + j] * eps[j];
        theta[first + i] += s;
    }
    switch (est->curve) {
    case DCPROJ_FIT_COMPOUND:
        if (!(theta[0] >= 0))
            theta[0] = 0;
        if (!(theta[1] >= -0.999999))
            theta[1] = -0.999999;
        break;
    case DCPROJ_FIT_LINEAR:
        break;
    case DCPROJ_FIT_LOGISTIC:
        if (!(theta[0] >= 1e-9 * est->theta[0]))
            theta[0] = 1e-9 * est->theta[0];
        if (!(theta[2] >= 1e-9))
            theta[2] = 1e-9;
        if (!(theta[1] >= theta[0] * (1.0 + 1e-9)))
            theta[1] = theta[0] * (1.0 + 1e-9);
        break;
    }
}
