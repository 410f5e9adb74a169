/*
 * calibrate.c — calibration: solving unknown variables against targets
 * (SPEC §4), and frozen calibration for what-ifs.
 *
 * Every target is evaluated on the deterministic year-end table of
 * model_year_ends() (countries, groups, TOTAL; events and floors included)
 * for years B .. the latest target year, whatever the output horizon and
 * step.  Residuals: value target model/value − 1; ratio target
 * (model(year)/model(base_year))/ratio − 1.
 *
 * Solvers (all GSL; the caller has called gsl_set_error_handler_off(), so
 * every GSL status is checked here):
 *   - one unknown, one target: gsl_root_fsolver_brent on [min, max];
 *   - n unknowns, n targets: gsl_multiroot_fsolver_hybrids from the guesses;
 *   - more targets than unknowns: weighted least squares with
 *     gsl_multifit_nlinear (trust region LM, `more` scaling, QR, forward
 *     differences).
 * A solver that steps outside [min, max] is evaluated at the nearest bound
 * (the unknowns are clamped), so the model is never evaluated outside the
 * range the scenario declares valid; the reported value is the clamped
 * one.  Clamping flattens the residuals outside the box, which can stall
 * hybrids (a singular Jacobian); when the clamped run does not meet the
 * targets, hybrids runs once more from the guesses on the plain, unclamped
 * system (GSL's own iteration; a trial point where the model is invalid
 * ends that run) and its root is taken if it meets every target inside
 * [min, max].  doc/calibration.md describes the stopping rules.
 *
 * No static mutable state: everything lives in a struct calib on the
 * caller's stack, so several scenarios can be solved in parallel threads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_vector.h>

#include "dcproj/model.h"
#include "dcproj/report.h"
#include "model_int.h"
#include "alloc_int.h"

#define CALIB_MAX_ITER 200
#define CALIB_XREL 1e-15      /* exact solves: relative change of the unknowns */
#define CALIB_RESID_TOL 1e-10 /* exact solves: every |residual| at the end */
#define CALIB_LSQ_XTOL 1e-12
#define CALIB_LSQ_GTOL 1e-12
#define CALIB_LSQ_FTOL 0.0    /* GSL 2.7 does not implement the ftol test */

/* Everything one calibration needs while a solver runs. */
struct calib {
    const struct model *m;
    const struct dcproj_scenario *sc;
    size_t n_unknowns;
    size_t *unknown;          /* variable index of each unknown */
    double *vars;             /* all variable values (unknowns overwritten per trial) */
    size_t n_years;           /* B .. last target year */
    double *rows;             /* model_year_tables(): one table per metric, in enum order */
    int metric_used[DCPROJ_N_METRICS]; /* some target reads this metric */
    struct dcproj_error *err;
    int status;               /* first failure while evaluating; DCPROJ_OK until then */
    int diverged;             /* a solver proposed a non-finite trial point */
    int unclamped;            /* trial points are used as they are (the hybrids retry) */
};

/* Row of the year-end table that holds target `t`'s scope. */
static size_t scope_row(const struct dcproj_scenario *sc, const struct dcproj_target *t)
{
    switch (t->scope_kind) {
    case DCPROJ_SCOPE_COUNTRY: return t->scope_index;
    case DCPROJ_SCOPE_GROUP: return sc->n_countries + t->scope_index;
    case DCPROJ_SCOPE_TOTAL: break;
    }
    return sc->n_countries + sc->n_groups;
}

/* The latest year any target reads (its year or its base year). */
static int last_target_year(const struct dcproj_scenario *sc)
{
    int last = sc->baseline_year;
    for (size_t i = 0; i < sc->n_targets; i++) {
        const struct dcproj_target *t = &sc->targets[i];
        if (t->year > last)
            last = t->year;
        if (t->is_ratio && t->base_year > last)
            last = t->base_year;
    }
    return last;
}

/*
 * Evaluate the year-end table at c->vars and each target's outcome into
 * tr[0 .. n_targets) (model value or ratio, residual, implied CAGR).
 * A zero base of a ratio target is a data error at `targets[i]`; model
 * errors (an invalid trial point names its variable) come from
 * model_year_tables().  Records the first failure in c->status.
 */
static int evaluate(struct calib *c, struct dcproj_target_result *tr)
{
    const struct dcproj_scenario *sc = c->sc;
    if (c->status != DCPROJ_OK)
        return c->status;
    int last_year = sc->baseline_year + (int)c->n_years - 1;
    size_t table = (sc->n_countries + sc->n_groups + 1) * c->n_years;
    double *tables[DCPROJ_N_METRICS];
    for (int k = 0; k < DCPROJ_N_METRICS; k++)
        tables[k] = c->metric_used[k] ? c->rows + (size_t)k * table : NULL;
    int rc = model_year_tables(c->m, c->vars, last_year, tables, c->err);
    if (rc != DCPROJ_OK)
        return c->status = rc;
    for (size_t i = 0; i < sc->n_targets; i++) {
        const struct dcproj_target *t = &sc->targets[i];
        /* the target's metric: year-end values, or calendar-year energy */
        const double *row = c->rows + (size_t)t->metric * table + scope_row(sc, t) * c->n_years;
        double at = row[t->year - sc->baseline_year];
        int base_year = t->is_ratio ? t->base_year : sc->baseline_year;
        double base = row[base_year - sc->baseline_year];
        struct dcproj_target_result *r = &tr[i];
        if (t->is_ratio) {
            if (base == 0) {
                char path[48];
                snprintf(path, sizeof path, "targets[%zu]", i);
                return c->status = dcproj_error_set(
                           c->err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                           "target \"%s\": %s is 0 at the end of its base_year %d, so the "
                           "ratio is undefined",
                           t->id, t->scope, t->base_year);
            }
            r->model = at / base;
            r->residual = r->model / t->ratio - 1.0;
        } else {
            r->model = at;
            r->residual = at / t->value - 1.0;
        }
        /* A value target at year B has no span to grow over; a scope that is
         * 0 at a year before its base has no finite growth rate either
         * (0^(negative) is infinite): both print an empty cagr. */
        r->cagr = 0.0;
        r->has_cagr = base != 0 && isfinite(base) && t->year != base_year; /* empty for an
                                                     energy value target: year B has no energy */
        if (r->has_cagr) {
            r->cagr = pow(at / base, 1.0 / (double)(t->year - base_year)) - 1.0;
            if (!isfinite(r->cagr)) {
                r->has_cagr = 0;
                r->cagr = 0.0;
            }
        }
    }
    return DCPROJ_OK;
}

/* Clamp x into [lo, hi]. */
static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Write solver point x (one entry per unknown) into c->vars, clamped into
 * each unknown's [min, max]; a non-finite entry (a solver breakdown) leaves
 * the guess. */
static void set_unknowns(struct calib *c, const gsl_vector *x)
{
    for (size_t k = 0; k < c->n_unknowns; k++) {
        const struct dcproj_variable *v = &c->sc->variables[c->unknown[k]];
        double xk = gsl_vector_get(x, k);
        c->vars[c->unknown[k]] = !isfinite(xk) ? v->guess : c->unclamped ? xk
                                                                           : clamp(xk, v->min, v->max);
    }
}

/* What the GSL callbacks receive: the calibration and a scratch array of
 * n_targets outcomes, allocated once per solve rather than per call. */
struct calib_fn {
    struct calib *c;
    struct dcproj_target_result *tr; /* n_targets scratch entries */
};

/* Shared body of the GSL callbacks: evaluate at x and copy the residuals
 * into f.  Returns GSL_SUCCESS, or GSL_EBADFUNC once the model failed (the
 * failure itself is in c->err; GSL is only told to stop) or when x is not
 * finite — a breakdown of the solver (e.g. a singular Jacobian), not an
 * invalid model: it sets c->diverged and the caller reports the targets. */
static int residuals_at(struct calib_fn *cf, const gsl_vector *x, gsl_vector *f)
{
    struct calib *c = cf->c;
    if (c->status != DCPROJ_OK)
        return GSL_EBADFUNC;
    for (size_t k = 0; k < c->n_unknowns; k++) {
        if (!isfinite(gsl_vector_get(x, k))) {
            c->diverged = 1;
            return GSL_EBADFUNC;
        }
    }
    set_unknowns(c, x);
    if (evaluate(c, cf->tr) != DCPROJ_OK)
        return GSL_EBADFUNC;
    for (size_t i = 0; i < c->sc->n_targets; i++)
        gsl_vector_set(f, i, cf->tr[i].residual);
    return GSL_SUCCESS;
}

static int multiroot_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    return residuals_at(params, x, f);
}

static int nlinear_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    return residuals_at(params, x, f);
}

/* Brent's function: the residual of the single target at x, or NaN once the
 * model failed (GSL then stops with GSL_EBADFUNC). */
static double brent_f(double x, void *params)
{
    struct calib_fn *cf = params;
    struct calib *c = cf->c;
    if (c->status != DCPROJ_OK)
        return NAN;
    const struct dcproj_variable *v = &c->sc->variables[c->unknown[0]];
    c->vars[c->unknown[0]] = clamp(x, v->min, v->max);
    if (evaluate(c, cf->tr) != DCPROJ_OK)
        return NAN;
    return cf->tr[0].residual;
}

/* Out of memory while solving. */
static int nomem(struct calib *c)
{
    return c->status = dcproj_error_set(c->err, DCPROJ_ERR_NOMEM, c->sc->file, NULL, 0, 0,
                                        "out of memory while solving the calibration");
}

/*
 * One unknown, one target: Brent's method on [min, max].  Stops when the
 * bracket [lo, hi] satisfies hi − lo ≤ 1e-15·min(|lo|, |hi|) (both ends of
 * one sign; a bracket around 0 must collapse to a point), when Brent
 * reports an exact zero (the bracket collapses), or after 200 iterations.
 * A residual of one sign at both ends is a data error showing both.
 */
static int solve_brent(struct calib_fn *cf, int *iterations, const char **stop)
{
    struct calib *c = cf->c;
    const struct dcproj_scenario *sc = c->sc;
    const struct dcproj_variable *v = &sc->variables[c->unknown[0]];
    const struct dcproj_target *t = &sc->targets[0];
    double lo = v->min, hi = v->max;
    double f_lo = brent_f(lo, cf);
    if (c->status != DCPROJ_OK)
        return c->status;
    double f_hi = brent_f(hi, cf);
    if (c->status != DCPROJ_OK)
        return c->status;
    *iterations = 0;
    if (f_lo == 0 || f_hi == 0) {
        c->vars[c->unknown[0]] = f_lo == 0 ? lo : hi;
        return DCPROJ_OK;
    }
    if ((f_lo < 0) == (f_hi < 0))
        return c->status = dcproj_error_set(
                   c->err, DCPROJ_ERR_DATA, sc->file, "targets[0]", 0, 0,
                   "target \"%s\" cannot be reached with %s in [%.10g, %.10g]: the residual is "
                   "%.10g at %s = %.10g and %.10g at %s = %.10g (the same sign at both ends; "
                   "widen the variable's min/max or check the target)",
                   t->id, v->id, lo, hi, f_lo, v->id, lo, f_hi, v->id, hi);

    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (s == NULL)
        return nomem(c);
    gsl_function fn = {brent_f, cf};
    int g = gsl_root_fsolver_set(s, &fn, lo, hi);
    if (c->status != DCPROJ_OK) {
        gsl_root_fsolver_free(s);
        return c->status;
    }
    double root = 0.5 * (lo + hi);
    if (g != GSL_SUCCESS) {
        *stop = gsl_strerror(g);
    } else {
        for (int it = 0; it < CALIB_MAX_ITER; it++) {
            g = gsl_root_fsolver_iterate(s);
            if (c->status != DCPROJ_OK) {
                gsl_root_fsolver_free(s);
                return c->status;
            }
            *iterations = it + 1;
            if (g != GSL_SUCCESS) {
                *stop = gsl_strerror(g);
                break;
            }
            root = gsl_root_fsolver_root(s);
            double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
            double min_abs = (a > 0 && b > 0) || (a < 0 && b < 0) ? fmin(fabs(a), fabs(b)) : 0;
            if (b - a <= CALIB_XREL * min_abs)
                break;
        }
    }
    gsl_root_fsolver_free(s);
    c->vars[c->unknown[0]] = clamp(root, lo, hi);
    return DCPROJ_OK;
}

/* Fill x with the guesses of the unknowns. */
static void guesses(const struct calib *c, gsl_vector *x)
{
    for (size_t k = 0; k < c->n_unknowns; k++)
        gsl_vector_set(x, k, c->sc->variables[c->unknown[k]].guess);
}

/*
 * n unknowns, n targets: Powell's hybrid method (scaled) from the guesses.
 * Stops when every unknown changed by at most 1e-15 relative in the last
 * step (|dx_k| ≤ 1e-15·|x_k|; a zero step always passes), when the solver
 * can make no more progress (GSL_ENOPROG/ENOPROGJ: reported in *stop), or
 * after 200 iterations.  The residual check afterwards decides success.
 */
static int solve_hybrids(struct calib_fn *cf, int *iterations, const char **stop)
{
    struct calib *c = cf->c;
    size_t n = c->n_unknowns;
    gsl_vector *x0 = gsl_vector_alloc(n);
    gsl_multiroot_fsolver *s = gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, n);
    if (x0 == NULL || s == NULL) {
        gsl_vector_free(x0);
        if (s != NULL)
            gsl_multiroot_fsolver_free(s);
        return nomem(c);
    }
    guesses(c, x0);
    gsl_multiroot_function fn = {multiroot_f, n, cf};
    int g = gsl_multiroot_fsolver_set(s, &fn, x0);
    gsl_vector_free(x0);
    *iterations = 0;
    if (c->status == DCPROJ_OK && g != GSL_SUCCESS)
        *stop = gsl_strerror(g);
    for (int it = 0; c->status == DCPROJ_OK && g == GSL_SUCCESS && it < CALIB_MAX_ITER; it++) {
        g = gsl_multiroot_fsolver_iterate(s);
        if (c->status != DCPROJ_OK)
            break;
        *iterations = it + 1;
        if (g != GSL_SUCCESS) {
            *stop = c->diverged ? "the solver proposed a non-finite point" : gsl_strerror(g);
            break;
        }
        const gsl_vector *x = gsl_multiroot_fsolver_root(s);
        const gsl_vector *dx = gsl_multiroot_fsolver_dx(s);
        int small = 1;
        for (size_t k = 0; k < n && small; k++)
            small = fabs(gsl_vector_get(dx, k)) <= CALIB_XREL * fabs(gsl_vector_get(x, k));
        if (small)
            break;
    }
    if (c->status == DCPROJ_OK)
        set_unknowns(c, gsl_multiroot_fsolver_root(s));
    gsl_multiroot_fsolver_free(s);
    return c->status;
}

/*
 * More targets than unknowns: minimise Σ weight_i·residual_i² with
 * gsl_multifit_nlinear (trust region LM, `more` scaling, QR, forward
 * differences; weights through gsl_multifit_nlinear_winit).  Stops on
 * GSL's xtol = gtol = 1e-12 tests, when no step reduces the cost any more
 * (GSL_ENOPROG: the current point is the minimum to machine precision), or
 * after 200 iterations — the last is a data error (no minimum found).
 */
static int solve_lsq(struct calib_fn *cf, int *iterations, const char **stop)
{
    struct calib *c = cf->c;
    const struct dcproj_scenario *sc = c->sc;
    size_t n = sc->n_targets, p = c->n_unknowns;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lm;
    par.scale = gsl_multifit_nlinear_scale_more;
    par.solver = gsl_multifit_nlinear_solver_qr;
    par.fdtype = GSL_MULTIFIT_NLINEAR_FWDIFF;
    gsl_vector *x0 = gsl_vector_alloc(p);
    gsl_vector *wts = gsl_vector_alloc(n);
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, p);
    int rc = DCPROJ_OK;
    if (x0 == NULL || wts == NULL || w == NULL) {
        rc = nomem(c);
        goto done;
    }
    guesses(c, x0);
    for (size_t i = 0; i < n; i++)
        gsl_vector_set(wts, i, sc->targets[i].weight);
    gsl_multifit_nlinear_fdf fdf;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = nlinear_f;
    fdf.df = NULL;  /* forward differences */
    fdf.fvv = NULL;
    fdf.n = n;
    fdf.p = p;
    fdf.params = cf;
    int g = gsl_multifit_nlinear_winit(x0, wts, &fdf, w);
    *iterations = 0;
    int converged = 0;
    if (c->status == DCPROJ_OK && g != GSL_SUCCESS)
        *stop = gsl_strerror(g);
    for (int it = 0; c->status == DCPROJ_OK && g == GSL_SUCCESS && it < CALIB_MAX_ITER; it++) {
        g = gsl_multifit_nlinear_iterate(w);
        if (c->status != DCPROJ_OK)
            break;
        *iterations = it + 1;
        if (g == GSL_ENOPROG) {
            converged = 1;
            break;
        }
        if (g != GSL_SUCCESS) {
            *stop = c->diverged ? "the solver proposed a non-finite point" : gsl_strerror(g);
            break;
        }
        int info = 0;
        g = gsl_multifit_nlinear_test(CALIB_LSQ_XTOL, CALIB_LSQ_GTOL, CALIB_LSQ_FTOL, &info, w);
        if (g == GSL_SUCCESS) {
            converged = 1;
            break;
        }
        if (g != GSL_CONTINUE) {
            *stop = gsl_strerror(g);
            break;
        }
        g = GSL_SUCCESS;
    }
    if (c->status != DCPROJ_OK) {
        rc = c->status;
        goto done;
    }
    set_unknowns(c, gsl_multifit_nlinear_position(w));
    if (!converged) {
        if (*stop == NULL)
            *stop = "no minimum found within 200 iterations";
        rc = c->status = dcproj_error_set(c->err, DCPROJ_ERR_DATA, sc->file, "targets", 0, 0,
                                          "calibration failed: weighted least squares stopped "
                                          "after %d iterations: %s",
                                          *iterations, *stop);
    }
done:
    gsl_vector_free(x0);
    gsl_vector_free(wts);
    if (w != NULL)
        gsl_multifit_nlinear_free(w);
    return rc;
}

/* Does c->vars meet every target (|residual| <= 1e-10) with every unknown
 * inside its [min, max]?  Evaluates into tr. */
static int solved_inside(struct calib *c, struct dcproj_target_result *tr)
{
    for (size_t k = 0; k < c->n_unknowns; k++) {
        const struct dcproj_variable *v = &c->sc->variables[c->unknown[k]];
        double x = c->vars[c->unknown[k]];
        if (!(x >= v->min && x <= v->max))
            return 0;
    }
    if (evaluate(c, tr) != DCPROJ_OK)
        return 0;
    for (size_t i = 0; i < c->sc->n_targets; i++)
        if (!(fabs(tr[i].residual) <= CALIB_RESID_TOL))
            return 0;
    return 1;
}

/*
 * Hybrids on the clamped system; when that does not meet the targets, once
 * more on the unclamped one (see the top of this file).  The retry's root
 * is kept only if it meets every target inside the box; otherwise the
 * first run's outcome (values, problems, stop reason) stands.  Problems of
 * either run are collected aside and only the kept run's reach c->err.
 */
static int solve_hybrids_retry(struct calib_fn *cf, int *iterations, const char **stop)
{
    struct calib *c = cf->c;
    struct dcproj_error *err = c->err;
    struct dcproj_error first, second;
    dcproj_error_init(&first);
    dcproj_error_init(&second);
    c->err = &first;
    int rc = solve_hybrids(cf, iterations, stop);
    int inside = rc == DCPROJ_OK && solved_inside(c, cf->tr);
    /* running out of memory anywhere in the first run (or while checking
     * it) is final: a retry must not hide it */
    if (rc == DCPROJ_ERR_NOMEM || first.code == DCPROJ_ERR_NOMEM || c->status == DCPROJ_ERR_NOMEM ||
        inside) {
        c->err = err;
        dcproj_error_merge(err, &first);
        if (first.code == DCPROJ_ERR_NOMEM || c->status == DCPROJ_ERR_NOMEM)
            return DCPROJ_ERR_NOMEM;
        return rc == DCPROJ_OK ? c->status : rc;
    }
    size_t nv = c->sc->n_variables;
    double *kept = dcproj_malloc(nv * sizeof *kept);
    if (kept == NULL) {
        c->err = err;
        dcproj_error_merge(err, &first);
        return rc != DCPROJ_OK ? rc : nomem(c);
    }
    memcpy(kept, c->vars, nv * sizeof *kept);
    int kept_status = c->status, kept_diverged = c->diverged;
    c->err = &second;
    c->status = DCPROJ_OK;
    c->diverged = 0;
    c->unclamped = 1;
    int it2 = 0;
    const char *stop2 = NULL;
    int rc2 = solve_hybrids(cf, &it2, &stop2);
    c->unclamped = 0;
    int inside2 = rc2 == DCPROJ_OK && solved_inside(c, cf->tr);
    if (rc2 == DCPROJ_ERR_NOMEM || second.code == DCPROJ_ERR_NOMEM || c->status == DCPROJ_ERR_NOMEM) {
        c->err = err;
        dcproj_error_merge(err, &second);
        dcproj_free(kept);
        return c->status = DCPROJ_ERR_NOMEM;
    }
    if (inside2) {
        *iterations = it2;
        *stop = stop2;
        c->err = err;
        dcproj_free(kept);
        return DCPROJ_OK;
    }
    memcpy(c->vars, kept, nv * sizeof *kept);
    dcproj_free(kept);
    c->status = kept_status;
    c->diverged = kept_diverged;
    c->err = err;
    dcproj_error_merge(err, &first);
    return rc;
}

/* Name of a method for messages. */
static const char *method_name(enum dcproj_solve_method method)
{
    switch (method) {
    case DCPROJ_SOLVE_NONE: return "none";
    case DCPROJ_SOLVE_BRENT: return "brent";
    case DCPROJ_SOLVE_HYBRIDS: return "hybrids";
    case DCPROJ_SOLVE_LSQ: return "least squares";
    case DCPROJ_SOLVE_FROZEN: return "frozen";
    }
    return "?";
}

/* Exact solves: every |residual| must be ≤ 1e-10.  Otherwise one data error
 * at `targets` saying what stopped, then one line per target at
 * `targets[i]` with its model value and residual. */
static int check_residuals(struct calib *c, const struct dcproj_target_result *tr,
                           enum dcproj_solve_method method, int iterations, const char *stop)
{
    const struct dcproj_scenario *sc = c->sc;
    size_t bad = 0;
    for (size_t i = 0; i < sc->n_targets; i++)
        if (!(fabs(tr[i].residual) <= CALIB_RESID_TOL))
            bad++;
    if (bad == 0)
        return DCPROJ_OK;
    dcproj_error_set(c->err, DCPROJ_ERR_DATA, sc->file, "targets", 0, 0,
                     "calibration failed: %zu of %zu targets not met within 1e-10 (%s, "
                     "%d iterations%s%s)",
                     bad, sc->n_targets, method_name(method), iterations,
                     stop != NULL ? ", stopped: " : "", stop != NULL ? stop : "");
    for (size_t i = 0; i < sc->n_targets; i++) {
        const struct dcproj_target *t = &sc->targets[i];
        char path[48];
        snprintf(path, sizeof path, "targets[%zu]", i);
        dcproj_error_set(c->err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                         "target \"%s\": model %s %.12g, wanted %.12g, residual %.6g%s", t->id,
                         t->is_ratio ? "ratio" : "value", tr[i].model,
                         t->is_ratio ? t->ratio : t->value, tr[i].residual,
                         fabs(tr[i].residual) <= CALIB_RESID_TOL ? " (ok)" : "");
    }
    return c->status = DCPROJ_ERR_DATA;
}

/* Free what calib_open() allocated. */
static void calib_close(struct calib *c)
{
    dcproj_free(c->unknown);
    dcproj_free(c->vars);
    dcproj_free(c->rows);
}

/* Prepare *c for model `m`: variable values at their defaults (fixed values,
 * guesses), the unknowns' indices and the year-end table. */
static int calib_open(struct calib *c, const struct model *m, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    memset(c, 0, sizeof *c);
    c->m = m;
    c->sc = sc;
    c->err = err;
    c->status = DCPROJ_OK;
    size_t nv = sc->n_variables;
    c->vars = dcproj_malloc((nv > 0 ? nv : 1) * sizeof *c->vars);
    c->unknown = dcproj_malloc((nv > 0 ? nv : 1) * sizeof *c->unknown);
    c->n_years = (size_t)(last_target_year(sc) - sc->baseline_year + 1);
    size_t n_rows = sc->n_countries + sc->n_groups + 1;
    c->rows = sc->n_targets > 0
                  ? dcproj_malloc(DCPROJ_N_METRICS * n_rows * c->n_years * sizeof *c->rows)
                  : NULL;
    for (size_t i = 0; i < sc->n_targets; i++)
        c->metric_used[sc->targets[i].metric] = 1;
    if (c->vars == NULL || c->unknown == NULL || (sc->n_targets > 0 && c->rows == NULL)) {
        calib_close(c);
        return nomem(c);
    }
    if (nv > 0)
        model_default_vars(sc, c->vars);
    for (size_t i = 0; i < nv; i++)
        if (!sc->variables[i].fixed)
            c->unknown[c->n_unknowns++] = i;
    return DCPROJ_OK;
}

/* Move the final values into *sol: a copy of the variables and the target
 * array `tr` (ownership passes to sol). */
static int fill_solution(struct calib *c, struct dcproj_target_result *tr,
                         enum dcproj_solve_method method, int iterations,
                         struct dcproj_solution *sol)
{
    const struct dcproj_scenario *sc = c->sc;
    double *vars = NULL;
    if (sc->n_variables > 0) {
        vars = dcproj_malloc(sc->n_variables * sizeof *vars);
        if (vars == NULL)
            return nomem(c);
        memcpy(vars, c->vars, sc->n_variables * sizeof *vars);
    }
    sol->method = method;
    sol->iterations = iterations;
    sol->n_variables = sc->n_variables;
    sol->variables = vars;
    sol->n_targets = sc->n_targets;
    sol->targets = tr;
    return DCPROJ_OK;
}

/* The final evaluation: the targets' outcomes at c->vars into a new array
 * (*out; NULL without targets). */
static int final_targets(struct calib *c, struct dcproj_target_result **out)
{
    *out = NULL;
    size_t nt = c->sc->n_targets;
    if (nt == 0)
        return DCPROJ_OK;
    struct dcproj_target_result *tr = dcproj_calloc(nt, sizeof *tr);
    if (tr == NULL)
        return nomem(c);
    int rc = evaluate(c, tr);
    if (rc != DCPROJ_OK) {
        dcproj_free(tr);
        return rc;
    }
    *out = tr;
    return DCPROJ_OK;
}

/* ---- diagnostics (SPEC §4 v2, warnings of §9) ------------------------- */

#define DIAG_KAPPA_MAX 1e8   /* condition number above which a solve is fragile */
#define DIAG_AT_BOUND 1e-9   /* within this fraction of max - min of a bound */
#define DIAG_FALL 0.10       /* a year-end fall that contradicts growth targets */

/* κ for a message: "3.2e+09" (two digits through the one formatter; the
 * exponent is an integer), or "infinite". */
static void kappa_text(double kappa, char *buf, size_t size)
{
    if (!isfinite(kappa)) {
        snprintf(buf, size, "infinite");
        return;
    }
    int e = (int)floor(log10(kappa));
    double mant = kappa / pow(10.0, e);
    if (mant >= 9.95) {
        mant /= 10;
        e++;
    }
    char m[DCPROJ_NUMBER_LEN];
    dcproj_format_number(mant, 1, 0, m);
    snprintf(buf, size, "%se%c%02d", m, e < 0 ? '-' : '+', e < 0 ? -e : e);
}

/* "g1, g2" for the unknowns whose weight in vector `v` (one entry per
 * unknown) is at least a tenth of the largest. */
static void unknown_names(const struct calib *c, const gsl_vector *v, char *buf, size_t size)
{
    double big = 0;
    for (size_t k = 0; k < c->n_unknowns; k++)
        if (fabs(gsl_vector_get(v, k)) > big)
            big = fabs(gsl_vector_get(v, k));
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < c->n_unknowns && len + 1 < size; k++) {
        if (fabs(gsl_vector_get(v, k)) < 0.1 * big)
            continue;
        int n = snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "",
                         c->sc->variables[c->unknown[k]].id);
        if (n < 0)
            break;
        len += (size_t)n < size - len ? (size_t)n : size - len - 1;
    }
}

/* Does every target ask for growth (a ratio above 1, a value above its
 * scope's year-B value)?  c->rows holds the solution's year ends. */
static int targets_ask_growth(const struct calib *c)
{
    const struct dcproj_scenario *sc = c->sc;
    for (size_t i = 0; i < sc->n_targets; i++) {
        const struct dcproj_target *t = &sc->targets[i];
        double b = c->rows[scope_row(sc, t) * c->n_years];
        if (t->is_ratio ? !(t->ratio > 1) : !(t->value > b))
            return 0;
    }
    return sc->n_targets > 0;
}

/* The implausible solution: every target asks for growth, yet a target's
 * scope falls by more than 10% from one year-end to the next (the largest
 * such fall of each scope is named).  Reads c->rows. */
static int diag_falls(const struct calib *c, struct dcproj_warnings *w)
{
    const struct dcproj_scenario *sc = c->sc;
    if (!targets_ask_growth(c))
        return DCPROJ_OK;
    for (size_t i = 0; i < sc->n_targets; i++) {
        const struct dcproj_target *t = &sc->targets[i];
        const double *row = c->rows + scope_row(sc, t) * c->n_years;
        double worst = 0;
        size_t at = 0;
        for (size_t y = 1; y < c->n_years; y++) {
            if (row[y - 1] > 0 && 1 - row[y] / row[y - 1] > worst) {
                worst = 1 - row[y] / row[y - 1];
                at = y;
            }
        }
        if (worst > DIAG_FALL
            && dcproj_warnings_add(w, sc->file, "targets",
                                   "the solution makes %s fall %d%% in %d although every target "
                                   "asks for growth: are the targets consistent?",
                                   t->scope, (int)lround(100 * worst),
                                   sc->baseline_year + (int)at) != DCPROJ_OK)
            return DCPROJ_ERR_NOMEM;
    }
    return DCPROJ_OK;
}

/* Unknowns within 1e-9·(max − min) of a bound. */
static int diag_bounds(const struct calib *c, struct dcproj_warnings *w)
{
    for (size_t k = 0; k < c->n_unknowns; k++) {
        const struct dcproj_variable *v = &c->sc->variables[c->unknown[k]];
        double x = c->vars[c->unknown[k]], tol = DIAG_AT_BOUND * (v->max - v->min);
        int lo = fabs(x - v->min) <= tol, hi = fabs(x - v->max) <= tol;
        if (!lo && !hi)
            continue;
        char path[DCPROJ_ID_LEN + 16], xs[DCPROJ_NUMBER_LEN], bs[DCPROJ_NUMBER_LEN];
        snprintf(path, sizeof path, "variables.%s", v->id);
        dcproj_format_number(x, -1, 0, xs);
        dcproj_format_number(lo ? v->min : v->max, -1, 0, bs);
        if (dcproj_warnings_add(w, c->sc->file, path,
                                "the solution %s = %s is at its %s %s: the targets may need a "
                                "value outside [min, max]; widen the range or check the targets",
                                v->id, xs, lo ? "min" : "max", bs) != DCPROJ_OK)
            return DCPROJ_ERR_NOMEM;
    }
    return DCPROJ_OK;
}

/* The residuals at c->vars, weighted by √weight, into r; -1 when the model
 * cannot be evaluated there. */
static int weighted_residuals(struct calib *c, struct dcproj_target_result *tr, double *r)
{
    dcproj_error_init(c->err); /* diag_jacobian's own error value: reads this try only */
    if (evaluate(c, tr) != DCPROJ_OK)
        return -1;
    for (size_t i = 0; i < c->sc->n_targets; i++)
        r[i] = sqrt(c->sc->targets[i].weight) * tr[i].residual;
    return 0;
}

/*
 * The conditioning of the solve: the Jacobian of √weight_i·residual_i with
 * respect to x_j/(max_j − min_j) by forward differences (step 1e-7·(max_j −
 * min_j); backward where the forward point is invalid), its singular values
 * (gsl_linalg_SV_decomp), κ = σmax/σmin above 1e8 with the unknowns of the
 * smallest singular vector, and any target no unknown moves (a zero row:
 * "only reported").  Evaluating moves c->vars and c->rows; both are restored.
 * A model that cannot be evaluated near the solution skips the check.
 */
static int diag_jacobian(struct calib *c, struct dcproj_warnings *w)
{
    const struct dcproj_scenario *sc = c->sc;
    size_t nt = sc->n_targets, nu = c->n_unknowns;
    struct dcproj_error quiet;
    dcproj_error_init(&quiet);
    struct dcproj_error *saved_err = c->err;
    c->err = &quiet; /* a failed trial evaluation is not the user's error */
    struct dcproj_target_result *tr = dcproj_calloc(nt, sizeof *tr);
    double *r0 = dcproj_malloc(2 * nt * sizeof *r0);
    gsl_matrix *J = gsl_matrix_alloc(nt, nu);
    gsl_matrix *V = gsl_matrix_alloc(nu, nu);
    gsl_vector *S = gsl_vector_alloc(nu), *work = gsl_vector_alloc(nu);
    int rc = DCPROJ_OK;
    if (tr == NULL || r0 == NULL || J == NULL || V == NULL || S == NULL || work == NULL) {
        rc = DCPROJ_ERR_NOMEM;
        goto done;
    }
    double *r1 = r0 + nt;
    int ok = weighted_residuals(c, tr, r0) == 0;
    for (size_t k = 0; ok && k < nu; k++) {
        size_t vi = c->unknown[k];
        const struct dcproj_variable *v = &sc->variables[vi];
        double x = c->vars[vi], h = 1e-7 * (v->max - v->min);
        c->vars[vi] = x + h;
        c->status = DCPROJ_OK;
        if (weighted_residuals(c, tr, r1) != 0 && quiet.code != DCPROJ_ERR_NOMEM) {
            h = -h;
            c->vars[vi] = x + h;
            c->status = DCPROJ_OK;
            ok = weighted_residuals(c, tr, r1) == 0;
        }
        ok = ok && quiet.code != DCPROJ_ERR_NOMEM;
        c->vars[vi] = x;
        for (size_t i = 0; ok && i < nt; i++)
            gsl_matrix_set(J, i, k, (r1[i] - r0[i]) / h * (v->max - v->min));
    }
    c->status = DCPROJ_OK;
    if (!ok) {
        if (quiet.code == DCPROJ_ERR_NOMEM) /* only a model that is invalid there is skipped */
            rc = DCPROJ_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < nt; i++) {
        int moved = 0;
        for (size_t k = 0; k < nu; k++)
            moved |= gsl_matrix_get(J, i, k) != 0;
        if (moved)
            continue;
        char path[48];
        snprintf(path, sizeof path, "targets[%zu]", i);
        if (dcproj_warnings_add(w, sc->file, path,
                                "target \"%s\": no unknown variable moves %s, so this target is "
                                "only reported, not solved for",
                                sc->targets[i].id, sc->targets[i].scope) != DCPROJ_OK) {
            rc = DCPROJ_ERR_NOMEM;
            goto done;
        }
    }
    if (gsl_linalg_SV_decomp(J, V, S, work) != GSL_SUCCESS)
        goto done;
    double smax = gsl_vector_get(S, 0), smin = gsl_vector_get(S, nu - 1);
    double kappa = smin > 0 ? smax / smin : INFINITY;
    if (kappa > DIAG_KAPPA_MAX) {
        char ks[DCPROJ_NUMBER_LEN + 16], names[256];
        gsl_vector_view vmin = gsl_matrix_column(V, nu - 1);
        kappa_text(kappa, ks, sizeof ks);
        unknown_names(c, &vmin.vector, names, sizeof names);
        if (dcproj_warnings_add(w, sc->file, "variables",
                                "the calibration is ill-conditioned (condition number %s) in %s: "
                                "the targets barely tell these unknowns apart, so the solution "
                                "is exact but fragile",
                                ks, names) != DCPROJ_OK)
            rc = DCPROJ_ERR_NOMEM;
    }
done:
    c->status = DCPROJ_OK;
    if (r0 != NULL && tr != NULL && weighted_residuals(c, tr, r0) != 0) /* c->rows back */
        rc = DCPROJ_ERR_NOMEM; /* it was evaluated there before: only memory can fail */
    c->status = DCPROJ_OK;
    c->err = saved_err;
    dcproj_free(tr);
    dcproj_free(r0);
    gsl_matrix_free(J);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    return rc;
}

/* Every diagnostic of a solve with unknowns, into `w`.  c->vars and c->rows
 * hold the solution. */
static int diagnose(struct calib *c, struct dcproj_warnings *w)
{
    int rc = diag_falls(c, w);
    if (rc == DCPROJ_OK)
        rc = diag_bounds(c, w);
    if (rc == DCPROJ_OK)
        rc = diag_jacobian(c, w);
    return rc == DCPROJ_OK ? DCPROJ_OK : nomem(c);
}

int calibrate_solve(const struct model *m, struct dcproj_solution *sol, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    struct calib c;
    int rc = calib_open(&c, m, err);
    if (rc != DCPROJ_OK)
        return rc;
    size_t nt = sc->n_targets, nu = c.n_unknowns;
    if (nt < nu) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, "targets", 0, 0,
                              "calibration needs at least as many targets as unknown variables "
                              "(variables without \"value\"): %zu unknown%s, %zu target%s",
                              nu, nu == 1 ? "" : "s", nt, nt == 1 ? "" : "s");
        calib_close(&c);
        return rc;
    }
    enum dcproj_solve_method method = nu == 0    ? DCPROJ_SOLVE_NONE
                                      : nu == nt ? (nu == 1 ? DCPROJ_SOLVE_BRENT
                                                            : DCPROJ_SOLVE_HYBRIDS)
                                                 : DCPROJ_SOLVE_LSQ;
    int iterations = 0;
    const char *stop = NULL;
    struct dcproj_target_result *scratch = NULL;
    if (nu > 0) {
        scratch = dcproj_calloc(nt, sizeof *scratch);
        if (scratch == NULL) {
            rc = nomem(&c);
            calib_close(&c);
            return rc;
        }
        struct calib_fn cf = {&c, scratch};
        if (method == DCPROJ_SOLVE_BRENT)
            rc = solve_brent(&cf, &iterations, &stop);
        else if (method == DCPROJ_SOLVE_HYBRIDS)
            rc = solve_hybrids_retry(&cf, &iterations, &stop);
        else
            rc = solve_lsq(&cf, &iterations, &stop);
        dcproj_free(scratch);
        if (rc != DCPROJ_OK) {
            calib_close(&c);
            return rc;
        }
    }
    struct dcproj_target_result *tr = NULL;
    rc = final_targets(&c, &tr);
    if (rc == DCPROJ_OK && (method == DCPROJ_SOLVE_BRENT || method == DCPROJ_SOLVE_HYBRIDS))
        rc = check_residuals(&c, tr, method, iterations, stop);
    if (rc == DCPROJ_OK && nu > 0)
        rc = diagnose(&c, &sol->warnings);
    if (rc == DCPROJ_OK)
        rc = fill_solution(&c, tr, method, iterations, sol);
    if (rc != DCPROJ_OK) {
        dcproj_free(tr);
        dcproj_warnings_clear(&sol->warnings);
    }
    calib_close(&c);
    return rc;
}

/* Free the arrays of a solution this file filled (dcproj_solution_clear()
 * lives with the result code; the library core does not depend on it). */
static void free_solution_arrays(struct dcproj_solution *sol)
{
    dcproj_free(sol->variables);
    dcproj_free(sol->targets);
    dcproj_warnings_clear(&sol->warnings);
    sol->variables = NULL;
    sol->targets = NULL;
}

/*
 * Frozen calibration: solve sc->parent, then evaluate sc with its
 * variables fixed.  A variable that sc itself fixes with a `value` keeps it
 * (that is one of the what-if's own changes, applied after the solve);
 * every unknown of sc takes the parent's solution for the same id; an
 * unknown the parent does not have is a data error at `variables.ID`.
 */
static int solve_frozen(const struct dcproj_scenario *sc, struct dcproj_solution *out,
                        struct dcproj_error *err)
{
    if (sc->parent == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, "calibration", 0, 0,
                                "frozen calibration needs a parent scenario (\"extends\" or "
                                "--frozen with --set/--patch)");
    struct dcproj_solution psol;
    memset(&psol, 0, sizeof psol);
    int rc = dcproj_solve(sc->parent, &psol, err);
    if (rc != DCPROJ_OK)
        return rc;
    struct model m;
    rc = model_init(&m, sc, err);
    if (rc != DCPROJ_OK) {
        free_solution_arrays(&psol);
        return rc;
    }
    struct calib c;
    rc = calib_open(&c, &m, err);
    if (rc != DCPROJ_OK) {
        model_clear(&m);
        free_solution_arrays(&psol);
        return rc;
    }
    const struct dcproj_scenario *parent = sc->parent;
    for (size_t i = 0; i < sc->n_variables && rc == DCPROJ_OK; i++) {
        const struct dcproj_variable *v = &sc->variables[i];
        if (v->fixed)
            continue;
        long j = -1;
        for (size_t k = 0; k < parent->n_variables && j < 0; k++)
            if (strcmp(parent->variables[k].id, v->id) == 0)
                j = (long)k;
        if (j < 0) {
            char path[DCPROJ_ID_LEN + 16];
            snprintf(path, sizeof path, "variables.%s", v->id);
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                  "frozen calibration: variable not in the parent scenario, "
                                  "give it a \"value\"");
        } else {
            c.vars[i] = psol.variables[j];
        }
    }
    struct dcproj_target_result *tr = NULL;
    if (rc == DCPROJ_OK)
        rc = final_targets(&c, &tr);
    if (rc == DCPROJ_OK)
        rc = fill_solution(&c, tr, DCPROJ_SOLVE_FROZEN, 0, out);
    if (rc != DCPROJ_OK)
        dcproj_free(tr);
    calib_close(&c);
    model_clear(&m);
    free_solution_arrays(&psol);
    return rc;
}

/* Whether `sc` has anything to solve or report (else no model is needed). */
static int needs_model(const struct dcproj_scenario *sc)
{
    if (sc->n_targets > 0)
        return 1;
    for (size_t i = 0; i < sc->n_variables; i++)
        if (!sc->variables[i].fixed)
            return 1;
    return 0;
}

/* The solution of a scenario with no targets and no unknowns: the fixed
 * values (and guesses) of its variables. */
static int solve_nothing(const struct dcproj_scenario *sc, struct dcproj_solution *out,
                         struct dcproj_error *err)
{
    double *vars = NULL;
    if (sc->n_variables > 0) {
        vars = dcproj_malloc(sc->n_variables * sizeof *vars);
        if (vars == NULL)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0,
                                    "out of memory while solving the calibration");
        model_default_vars(sc, vars);
    }
    memset(out, 0, sizeof *out);
    out->method = DCPROJ_SOLVE_NONE;
    out->n_variables = sc->n_variables;
    out->variables = vars;
    return DCPROJ_OK;
}

int model_solve(const struct model *m, struct dcproj_solution *out, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    if (sc->frozen)
        return solve_frozen(sc, out, err);
    if (!needs_model(sc))
        return solve_nothing(sc, out, err);
    struct dcproj_solution sol;
    memset(&sol, 0, sizeof sol);
    int rc = calibrate_solve(m, &sol, err);
    if (rc == DCPROJ_OK)
        *out = sol;
    return rc;
}

int dcproj_solve(const struct dcproj_scenario *sc, struct dcproj_solution *out,
                 struct dcproj_error *err)
{
    if (sc->frozen)
        return solve_frozen(sc, out, err);
    if (!needs_model(sc))
        return solve_nothing(sc, out, err);
    struct model m;
    int rc = model_init(&m, sc, err);
    if (rc != DCPROJ_OK)
        return rc;
    rc = model_solve(&m, out, err);
    model_clear(&m);
    return rc;
}
