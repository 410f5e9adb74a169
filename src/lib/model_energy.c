/*
 * model_energy.c — power settings and energy (SPEC §3.7):
 *
 *   E = 8.76e-3 · ∫ C(t)·u(t)·pue(t) dt   (TWh; t in years, C in MW)
 *
 * over a period, C(t) being the continuous model: growth plus events with
 * their ramps, floored at 0.  The period is split at every kink — event
 * starts and ramp ends, rate-segment boundaries, points knots, power-curve
 * knots — so that on each piece the events add a linear L(t), u and pue are
 * linear (their product a quadratic W) and the growth is smooth.  Each piece
 * is then split at the critical points of f = G + L (closed forms per model),
 * so that f is monotone on every sub-piece and its zeros (where the floor
 * starts or ends) are found by bisection.  The positive parts integrate in
 * closed form for compound (∫ e^{μs}·s^k), linear and logistic growth with a
 * constant W; a points piece is a polynomial of degree ≤ 3 (GSL's
 * interpolants are piecewise cubic), so f·W has degree ≤ 5 and 3-point
 * Gauss–Legendre is exact; only a logistic under a time-varying W is
 * integrated numerically (GSL's QNG Gauss–Kronrod, bisected until it meets
 * 1e-13 relative).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "model_int.h"
#include "alloc_int.h"

/* 1 MW for one year of 8,760 h, in TWh. */
#define TWH_PER_MW_YEAR 8.76e-3

/* ---- power settings ---------------------------------------------------- */

static int resolve_power_input(const struct model *m, size_t i,
                               const struct dcproj_power_input *in, int is_pue,
                               const double *vars, struct power_curve *out,
                               struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    out->in = in->is_curve ? in : NULL;
    out->value = 0;
    if (in->is_curve)
        return DCPROJ_OK;
    double v = param_value(m, &in->param, vars); /* a sensitivity run may replace it */
    int ok = is_pue ? v >= 1.0 && isfinite(v) : v > 0.0 && v <= 1.0;
    if (!ok) {
        char path[DCPROJ_ERROR_PATH_LEN];
        snprintf(path, sizeof path, "countries.%s.power.%s", sc->countries[i].code,
                 is_pue ? "pue" : "utilization");
        return model_bad_param(m, &in->param, vars, path, v,
                               is_pue ? "a pue must be >= 1" : "a utilization must be in (0, 1]",
                               err);
    }
    out->value = v;
    return DCPROJ_OK;
}

int model_power_values(const struct model *m, size_t i, const double *vars,
                       struct power_values *pv, struct dcproj_error *err)
{
    const struct dcproj_country *c = &m->sc->countries[i];
    int rc = resolve_power_input(m, i, &c->pue, 1, vars, &pv->pue, err);
    if (rc == DCPROJ_OK)
        rc = resolve_power_input(m, i, &c->utilization, 0, vars, &pv->util, err);
    return rc;
}

double power_curve_at(const struct power_curve *pc, int baseline_year, double t_years)
{
    const struct dcproj_power_input *in = pc->in;
    if (in == NULL)
        return pc->value;
    size_t n = in->n_points;
    double first = (double)(in->years[0] - baseline_year);
    double last = (double)(in->years[n - 1] - baseline_year);
    if (t_years <= first)
        return in->values[0]; /* flat before the first point */
    if (t_years >= last)
        return in->values[n - 1];
    /* the piece [k, k+1] with year_k <= t < year_{k+1} */
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if ((double)(in->years[mid] - baseline_year) <= t_years)
            lo = mid;
        else
            hi = mid;
    }
    if (in->step)
        return in->values[lo];
    double x0 = (double)(in->years[lo] - baseline_year), x1 = (double)(in->years[hi] - baseline_year);
    double w = (t_years - x0) / (x1 - x0);
    return in->values[lo] + (in->values[hi] - in->values[lo]) * w;
}

void model_power_at(const struct power_values *pv, int baseline_year, double t_years,
                    double capacity, double *it_load, double *facility)
{
    double it = capacity * power_curve_at(&pv->util, baseline_year, t_years);
    if (it_load != NULL)
        *it_load = it;
    if (facility != NULL)
        *facility = it * power_curve_at(&pv->pue, baseline_year, t_years);
}

/* ---- breakpoints ------------------------------------------------------- */

/* A growable list of times within (t0, t1). */
struct cuts {
    double *t;
    size_t n, cap;
};

static int cuts_add(struct cuts *c, double t, double t0, double t1)
{
    if (!(t > t0 && t < t1))
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        double *g = dcproj_realloc(c->t, cap * sizeof *g);
        if (g == NULL)
            return -1;
        c->t = g;
        c->cap = cap;
    }
    c->t[c->n++] = t;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int curve_cuts(struct cuts *c, const struct power_curve *pc, int B, double t0, double t1)
{
    if (pc->in == NULL)
        return 0;
    for (size_t k = 0; k < pc->in->n_points; k++)
        if (cuts_add(c, (double)(pc->in->years[k] - B), t0, t1) != 0)
            return -1;
    return 0;
}

/* Every kink of country i's integrand inside (t0, t1), sorted, with t0 and
 * t1 at the ends. */
static int period_cuts(const struct model *m, size_t i, const struct event_values *ev,
                       const struct power_values *pv, double t0, double t1, struct cuts *c)
{
    const struct dcproj_scenario *sc = m->sc;
    const struct dcproj_growth *g = &sc->countries[i].growth;
    int B = sc->baseline_year;
    c->n = 0;
    if (cuts_add(c, t0, t0 - 1, t1 + 1) != 0)
        return -1;
    for (size_t j = 0; j < model_n_events(m, i); j++) {
        if (cuts_add(c, ev[j].start_months / 12.0, t0, t1) != 0 ||
            (ev[j].ramp_months > 0 &&
             cuts_add(c, (ev[j].start_months + ev[j].ramp_months) / 12.0, t0, t1) != 0))
            return -1;
    }
    if (g->model == DCPROJ_MODEL_COMPOUND)
        for (size_t k = 0; k < g->n_segments; k++)
            if (g->segments[k].until > 0 &&
                cuts_add(c, (double)(g->segments[k].until - B), t0, t1) != 0)
                return -1;
    if (g->model == DCPROJ_MODEL_POINTS)
        for (size_t k = 0; k < g->n_points; k++)
            if (cuts_add(c, (double)(g->point_years[k] - B), t0, t1) != 0)
                return -1;
    if (curve_cuts(c, &pv->pue, B, t0, t1) != 0 || curve_cuts(c, &pv->util, B, t0, t1) != 0)
        return -1;
    if (cuts_add(c, t1, t0 - 1, t1 + 1) != 0)
        return -1;
    qsort(c->t + 1, c->n - 2, sizeof *c->t, cmp_double);
    /* t1 was appended last; the sort covered only the interior */
    return 0;
}

/* ---- one smooth piece -------------------------------------------------- */

/* What is fixed on one piece [a, b] between kinks. */
struct piece {
    const struct model *m;
    size_t i;
    const struct country_values *cv;
    enum dcproj_model model;
    double lambda;          /* compound: log1p(rate of this piece) */
    double ev_alpha, ev_beta; /* events: L(t) = alpha + beta·t */
    double u_a, u_b, p_a, p_b; /* utilization and pue at the piece's ends */
    double a, b;
};

static double growth(const struct piece *pc, double t)
{
    double v = 0;
    const struct dcproj_growth *g = &pc->m->sc->countries[pc->i].growth;
    if (g->model == DCPROJ_MODEL_POINTS && g->interp == DCPROJ_INTERP_STEP) {
        /* constant on a piece within the points (it jumps at the knots);
           past the last point the extrapolation is continuous */
        double mid = 0.5 * (pc->a + pc->b);
        if (mid < (double)(g->point_years[g->n_points - 1] - pc->m->sc->baseline_year))
            t = mid;
    }
    model_growth_at(pc->m, pc->i, pc->cv, t, &v);
    return v;
}

/* The value at t of what is linear on [a, b] from ya to yb. */
static double lin(double a, double b, double ya, double yb, double t)
{
    return b > a ? ya + (yb - ya) * ((t - a) / (b - a)) : ya;
}

/* f(t) = G(t) + L(t), unfloored. */
static double f_at(const struct piece *pc, double t)
{
    return growth(pc, t) + pc->ev_alpha + pc->ev_beta * t;
}

/* W(t) = u(t)·pue(t), both linear on the piece. */
static double w_at(const struct piece *pc, double t)
{
    return lin(pc->a, pc->b, pc->u_a, pc->u_b, t) * lin(pc->a, pc->b, pc->p_a, pc->p_b, t);
}

/* I_k(μ) = ∫_0^1 s^k e^{μs} ds for k = 0, 1, 2: a series near 0, else the
 * recurrence I_k = (e^μ − k·I_{k−1})/μ (error growth ≤ k/|μ| ≤ 4). */
static void exp_moments(double mu, double I[3])
{
    if (fabs(mu) < 0.5) {
        double term = 1.0; /* μ^n / n!, below 2^-60 of the sum after a few terms */
        I[0] = I[1] = I[2] = 0;
        for (int n = 0; n < 40 && fabs(term) > 1e-18; n++) {
            I[0] += term / (n + 1);
            I[1] += term / (n + 2);
            I[2] += term / (n + 3);
            term *= mu / (n + 1);
        }
        return;
    }
    double e = exp(mu);
    I[0] = expm1(mu) / mu;
    I[1] = (e - I[0]) / mu;
    I[2] = (e - 2 * I[1]) / mu;
}

/* ∫_0^1 G(a + h s) ds for logistic growth, in closed form: with
 * G = K/(1 + A e^{−kt}), ∫ G dt = (K/k)·ln((e^{kb} + A)/(e^{ka} + A)). */
static double logistic_mean(const struct country_values *cv, double a, double b)
{
    double K = cv->cap, k = cv->rate, A = (cv->cap - cv->c0) / cv->c0, h = b - a;
    double x = expm1(k * h) / (1.0 + A * exp(-k * a));
    double integral = isfinite(x) ? (K / k) * log1p(x)
                                  : K * h + (K / k) * (log1p(A * exp(-k * b)) - log1p(A * exp(-k * a)));
    return integral / h;
}

struct qng_args {
    const struct piece *pc;
};

static double logistic_w(double t, void *p)
{
    const struct piece *pc = ((struct qng_args *)p)->pc;
    return growth(pc, t) * w_at(pc, t);
}

/* ∫_lo^hi G·W by QNG, bisecting where it misses 1e-13 relative. */
static double qng_adaptive(gsl_function *fn, double lo, double hi, int depth)
{
    double r = 0, abserr = 0;
    size_t neval;
    int st = gsl_integration_qng(fn, lo, hi, 0.0, 1e-13, &r, &abserr, &neval);
    if (st == GSL_SUCCESS || depth >= 30)
        return r;
    double mid = 0.5 * (lo + hi);
    return qng_adaptive(fn, lo, mid, depth + 1) + qng_adaptive(fn, mid, hi, depth + 1);
}

/* ∫_lo^hi f(t)·W(t) dt on a part of the piece where f >= 0. */
static double integrate_part(const struct piece *pc, double lo, double hi)
{
    double h = hi - lo;
    if (!(h > 0))
        return 0;
    double ul = pc->u_a, uh = pc->u_b, pl = pc->p_a, ph = pc->p_b;
    if (lo != pc->a || hi != pc->b) {
        ul = lin(pc->a, pc->b, pc->u_a, pc->u_b, lo);
        uh = lin(pc->a, pc->b, pc->u_a, pc->u_b, hi);
        pl = lin(pc->a, pc->b, pc->p_a, pc->p_b, lo);
        ph = lin(pc->a, pc->b, pc->p_a, pc->p_b, hi);
    }
    /* W(s) = w0 + w1 s + w2 s², s = (t − lo)/h */
    double du = uh - ul, dp = ph - pl;
    double w0 = ul * pl, w1 = ul * dp + pl * du, w2 = du * dp;
    /* events: L(s) = l0 + l1 s */
    double l0 = pc->ev_alpha + pc->ev_beta * lo, l1 = pc->ev_beta * h;
    double sum = l0 * (w0 + w1 / 2 + w2 / 3) + l1 * (w0 / 2 + w1 / 3 + w2 / 4);
    switch (pc->model) {
    case DCPROJ_MODEL_COMPOUND: {
        double mu = pc->lambda * h;
        if (w1 == 0 && w2 == 0) { /* ∫_0^1 e^{μs} ds, exact to rounding by expm1 */
            sum += growth(pc, lo) * w0 * (mu != 0 ? expm1(mu) / mu : 1.0);
            break;
        }
        double I[3];
        exp_moments(mu, I);
        sum += growth(pc, lo) * (w0 * I[0] + w1 * I[1] + w2 * I[2]);
        break;
    }
    case DCPROJ_MODEL_LINEAR: {
        double g0 = growth(pc, lo), g1 = growth(pc, hi) - g0;
        sum += g0 * (w0 + w1 / 2 + w2 / 3) + g1 * (w0 / 2 + w1 / 3 + w2 / 4);
        break;
    }
    case DCPROJ_MODEL_LOGISTIC:
        if (w1 == 0 && w2 == 0) {
            sum += w0 * logistic_mean(pc->cv, lo, hi);
        } else {
            struct qng_args args = {pc};
            gsl_function fn = {logistic_w, &args};
            sum += qng_adaptive(&fn, lo, hi, 0) / h;
        }
        break;
    case DCPROJ_MODEL_FIT:
        break; /* model_curve() never returns it */
    case DCPROJ_MODEL_POINTS: {
        /* degree <= 5: 3-point Gauss–Legendre is exact */
        static const double x3 = 0.3872983346207417; /* sqrt(3/5)/2 */
        static const double s[3] = {0.5 - x3, 0.5, 0.5 + x3};
        static const double wt[3] = {5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0};
        for (int q = 0; q < 3; q++) {
            double ss = s[q];
            sum += wt[q] * growth(pc, lo + h * ss) * (w0 + w1 * ss + w2 * ss * ss);
        }
        break;
    }
    }
    return sum * h;
}

/* Add t to crit[] if inside (a, b). */
static void crit_add(double *crit, int *n, double t, double a, double b)
{
    if (t > a && t < b && *n < 8)
        crit[(*n)++] = t;
}

/* Real roots of c0 + c1 s + c2 s² in (0, 1), mapped to t = a + h s. */
static void quadratic_crit(double c0, double c1, double c2, double a, double h, double *crit,
                           int *n)
{
    if (c2 == 0) {
        if (c1 != 0)
            crit_add(crit, n, a + h * (-c0 / c1), a, a + h);
        return;
    }
    double disc = c1 * c1 - 4 * c2 * c0;
    if (disc < 0)
        return;
    double q = -0.5 * (c1 + copysign(sqrt(disc), c1));
    if (q != 0)
        crit_add(crit, n, a + h * (c0 / q), a, a + h);
    crit_add(crit, n, a + h * (q / c2), a, a + h);
}

/* The critical points of f = G + L inside (a, b): f is monotone between. */
static void critical_points(const struct piece *pc, double *crit, int *n)
{
    double a = pc->a, b = pc->b, beta = pc->ev_beta;
    const struct country_values *cv = pc->cv;
    switch (pc->model) {
    case DCPROJ_MODEL_COMPOUND: {
        /* f' = λ·G(a)·e^{λ(t−a)} + β */
        double ga = growth(pc, a), lam = pc->lambda;
        if (lam != 0 && ga > 0 && beta != 0) {
            double x = -beta / (lam * ga);
            if (x > 0)
                crit_add(crit, n, a + log(x) / lam, a, b);
        }
        break;
    }
    case DCPROJ_MODEL_LINEAR:
        break;
    case DCPROJ_MODEL_LOGISTIC: {
        /* G' = k·G·(1 − G/K) rises to k·K/4 at G = K/2, then falls */
        double K = cv->cap, k = cv->rate, A = (cv->cap - cv->c0) / cv->c0;
        crit_add(crit, n, log(A) / k, a, b);
        double d = -beta;
        if (d > 0 && 4 * d <= k * K) {
            double r = sqrt(1 - 4 * d / (k * K));
            double gs[2] = {K / 2 * (1 - r), K / 2 * (1 + r)};
            for (int j = 0; j < 2; j++)
                if (gs[j] > 0 && gs[j] < K)
                    crit_add(crit, n, -log((K / gs[j] - 1) / A) / k, a, b);
        }
        break;
    }
    case DCPROJ_MODEL_FIT:
        break; /* model_curve() never returns it */
    case DCPROJ_MODEL_POINTS: {
        if (pc->m->sc->countries[pc->i].growth.interp == DCPROJ_INTERP_STEP)
            break; /* constant plus linear: monotone */
        /* a cubic in s on this piece: its coefficients from 4 samples */
        double h = b - a, y[4];
        for (int j = 0; j < 4; j++)
            y[j] = growth(pc, a + h * j / 3.0);
        /* Newton form at s = 0, 1/3, 2/3, 1 converted to the monomial basis */
        double d1 = (y[1] - y[0]) * 3, d2 = (y[2] - y[1]) * 3, d3 = (y[3] - y[2]) * 3;
        double e1 = (d2 - d1) * 1.5, e2 = (d3 - d2) * 1.5;
        double c3 = (e2 - e1); /* divided difference of order 3 times 1 */
        /* p(s) = y0 + d1 s + e1 s (s − 1/3) + c3 s (s − 1/3)(s − 2/3) */
        double p1 = d1 - e1 / 3 + c3 * (2.0 / 9.0);
        double p2 = e1 - c3;
        double p3 = c3;
        /* f'(s)/h: p1 + 2 p2 s + 3 p3 s² + β h */
        quadratic_crit(p1 + beta * h, 2 * p2, 3 * p3, a, h, crit, n);
        break;
    }
    }
    qsort(crit, (size_t)*n, sizeof *crit, cmp_double);
}

/* The zero of the monotone f between lo and hi, f(lo) and f(hi) of
 * opposite signs, by bisection to the last bit. */
static double zero_between(const struct piece *pc, double lo, double hi, double flo)
{
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (!(mid > lo && mid < hi))
            break;
        double fm = f_at(pc, mid);
        if ((fm > 0) == (flo > 0)) {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

/* ∫_a^b max(f, 0)·W dt over one piece. */
static double integrate_piece(const struct piece *pc)
{
    int growth_nonneg = pc->model == DCPROJ_MODEL_COMPOUND || pc->model == DCPROJ_MODEL_LOGISTIC;
    double la = pc->ev_alpha + pc->ev_beta * pc->a, lb = pc->ev_alpha + pc->ev_beta * pc->b;
    if (growth_nonneg && la >= 0 && lb >= 0)
        return integrate_part(pc, pc->a, pc->b); /* no floor possible */
    double fa = f_at(pc, pc->a), fb = f_at(pc, pc->b);
    double crit[8];
    int nc = 0;
    critical_points(pc, crit, &nc);
    double pts[10];
    int np = 0;
    pts[np++] = pc->a;
    for (int j = 0; j < nc; j++)
        pts[np++] = crit[j];
    pts[np++] = pc->b;
    double sum = 0, flo = fa;
    for (int j = 0; j + 1 < np; j++) {
        double lo = pts[j], hi = pts[j + 1];
        double fhi = j + 2 == np ? fb : f_at(pc, hi);
        if (flo >= 0 && fhi >= 0) {
            sum += integrate_part(pc, lo, hi);
        } else if (flo > 0 || fhi > 0) {
            double z = zero_between(pc, lo, hi, flo);
            sum += flo > 0 ? integrate_part(pc, lo, z) : integrate_part(pc, z, hi);
        }
        flo = fhi;
    }
    return sum;
}

/* Events' contribution on a piece with no event kink inside: alpha + beta·t. */
static void events_linear(const struct model *m, size_t i, const struct event_values *ev,
                          double a, double b, double *alpha, double *beta)
{
    double mid_months = 6.0 * (a + b); /* 12 · (a + b)/2 */
    *alpha = *beta = 0;
    for (size_t j = 0; j < model_n_events(m, i); j++) {
        const struct event_values *x = &ev[j];
        if (mid_months <= x->start_months)
            continue;
        if (x->ramp_months > 0 && mid_months < x->start_months + x->ramp_months) {
            /* add·(12 t − s)/ramp */
            double slope = x->add * 12.0 / x->ramp_months;
            *beta += slope;
            *alpha -= x->add * x->start_months / x->ramp_months;
        } else {
            *alpha += x->add;
        }
    }
}

/* Compound growth's λ on the piece whose midpoint is t_mid. */
static double compound_lambda(const struct model *m, size_t i, const struct country_values *cv,
                              double t_mid)
{
    const struct dcproj_scenario *sc = m->sc;
    const struct dcproj_growth *g = &sc->countries[i].growth;
    if (g->n_segments == 0)
        return log1p(cv->rate);
    double lo = 0;
    for (size_t k = 0; k < g->n_segments; k++) {
        double hi = g->segments[k].until > 0 ? (double)(g->segments[k].until - sc->baseline_year)
                                             : INFINITY;
        if (t_mid > lo && t_mid <= hi)
            return log1p(cv->seg_rates[k]);
        lo = hi;
    }
    return log1p(cv->seg_rates[g->n_segments - 1]);
}

/* Whether country i's energy is one smooth piece every period: compound
 * growth with one rate, no events, constant utilisation and PUE. */
static int one_piece(const struct model *m, size_t i, const struct power_values *pv)
{
    const struct dcproj_growth *g = &m->sc->countries[i].growth;
    return model_curve(g) == DCPROJ_MODEL_COMPOUND && g->n_segments == 0 &&
           model_n_events(m, i) == 0 && pv->pue.in == NULL && pv->util.in == NULL;
}

/* log1p(rate), kept from the last call with the same rate (same bits). */
static double one_piece_lambda(struct energy_scratch *scratch, double rate)
{
    if (!scratch->have_lambda || !(scratch->rate == rate)) {
        scratch->rate = rate;
        scratch->lambda = log1p(rate);
        scratch->have_lambda = 1;
    }
    return scratch->lambda;
}

/* The one-piece energy of a period of length h starting at capacity
 * `start` = C0·e^{λ t0}: C0·e^{λ t0}·(e^{λh} − 1)/λ, i.e. start·h·(e^μ − 1)/μ
 * with μ = λh.  λ and the factor repeat from one period to the next (one
 * rate, a few month lengths), so the factor is kept per μ, not recomputed. */
static double one_piece_energy(struct energy_scratch *scratch, const struct power_values *pv,
                               double lambda, double h, double start)
{
    double mu = lambda * h;
    double factor = 1.0;
    if (mu != 0) {
        uint64_t bits;
        memcpy(&bits, &mu, sizeof bits);
        size_t slot = (size_t)((bits ^ (bits >> 29) ^ (bits >> 47)) & 15u);
        if (!(scratch->factors[slot].mu == mu)) {
            scratch->factors[slot].mu = mu;
            scratch->factors[slot].factor = expm1(mu) / mu;
        }
        factor = scratch->factors[slot].factor;
    }
    return TWH_PER_MW_YEAR * pv->util.value * pv->pue.value * start * h * factor;
}

int model_energy_series(const struct model *m, size_t i, const struct country_values *cv,
                        const struct event_values *ev, const struct power_values *pv,
                        const int *e, size_t n, const double *capacity,
                        struct energy_scratch *scratch, double *out, size_t stride)
{
    if (one_piece(m, i, pv)) {
        /* C(t0) is the capacity of the period before, computed by
           model_country_series() with the same expression (C0 at t = 0,
           else C0·exp(log1p(rate)·e/12)) and never floored here (C0 >= 0) */
        double lambda = one_piece_lambda(scratch, cv->rate);
        for (size_t p = 1; p < n; p++) {
            double h = (double)e[p] / 12.0 - (double)e[p - 1] / 12.0;
            out[p * stride] = one_piece_energy(scratch, pv, lambda, h, capacity[p - 1]);
        }
        return DCPROJ_OK;
    }
    for (size_t p = 1; p < n; p++)
        if (model_energy(m, i, cv, ev, pv, (double)e[p - 1] / 12.0, (double)e[p] / 12.0, scratch,
                         &out[p * stride]) != DCPROJ_OK)
            return DCPROJ_ERR_NOMEM;
    return DCPROJ_OK;
}

int model_energy(const struct model *m, size_t i, const struct country_values *cv,
                 const struct event_values *ev, const struct power_values *pv, double t0,
                 double t1, struct energy_scratch *scratch, double *out)
{
    const struct dcproj_growth *g = &m->sc->countries[i].growth;
    if (one_piece(m, i, pv)) {
        double lambda = one_piece_lambda(scratch, cv->rate);
        double start = t0 == 0 ? cv->c0 : cv->c0 * exp(lambda * t0);
        *out = one_piece_energy(scratch, pv, lambda, t1 - t0, start);
        return DCPROJ_OK;
    }
    struct cuts c = {scratch->t, 0, scratch->cap};
    int rc = period_cuts(m, i, ev, pv, t0, t1, &c);
    scratch->t = c.t;
    scratch->cap = c.cap;
    if (rc != 0)
        return DCPROJ_ERR_NOMEM;
    int B = m->sc->baseline_year;
    struct piece pc = {.m = m, .i = i, .cv = cv, .model = model_curve(g)};
    double sum = 0;
    for (size_t k = 0; k + 1 < c.n; k++) {
        double a = c.t[k], b = c.t[k + 1];
        if (!(b > a))
            continue;
        double mid = 0.5 * (a + b);
        pc.a = a;
        pc.b = b;
        events_linear(m, i, ev, a, b, &pc.ev_alpha, &pc.ev_beta);
        if (pc.model == DCPROJ_MODEL_COMPOUND)
            pc.lambda = compound_lambda(m, i, cv, mid);
        /* a step curve is constant on the piece: take its value inside */
        pc.u_a = pv->util.in != NULL && pv->util.in->step ? power_curve_at(&pv->util, B, mid)
                                                          : power_curve_at(&pv->util, B, a);
        pc.u_b = pv->util.in != NULL && pv->util.in->step ? pc.u_a : power_curve_at(&pv->util, B, b);
        pc.p_a = pv->pue.in != NULL && pv->pue.in->step ? power_curve_at(&pv->pue, B, mid)
                                                        : power_curve_at(&pv->pue, B, a);
        pc.p_b = pv->pue.in != NULL && pv->pue.in->step ? pc.p_a : power_curve_at(&pv->pue, B, b);
        sum += integrate_piece(&pc);
    }
    *out = TWH_PER_MW_YEAR * sum;
    return DCPROJ_OK;
}
