/*
 * model.c — the deterministic model core (SPEC §1, §3, §3.5, §3.6):
 * periods, parameter resolution, growth curves, events, floors.
 *
 * Everything here is read-only after model_init(), so threads may share a
 * prepared struct model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>


#include "model_int.h"
#include "alloc_int.h"

/* ---- periods ---------------------------------------------------------- */

int model_periods(int baseline_year, int horizon, enum dcproj_step step,
                  struct dcproj_period **out, size_t *n)
{
    int per_year = step == DCPROJ_STEP_MONTH ? 12 : step == DCPROJ_STEP_QUARTER ? 4 : 1;
    size_t count = (size_t)(horizon - baseline_year) * (size_t)per_year + 1;
    struct dcproj_period *p = dcproj_calloc(count, sizeof *p);
    if (p == NULL)
        return DCPROJ_ERR_NOMEM;
    int months = 12 / per_year;
    for (size_t k = 0; k < count; k++) {
        /* period k ends k*months months after the end of B */
        int e = (int)k * months;
        struct dcproj_period *q = &p[k];
        q->end_months = e;
        if (step == DCPROJ_STEP_YEAR) {
            q->year = baseline_year + e / 12;
            q->sub = 0;
            snprintf(q->label, sizeof q->label, "%d", q->year);
        } else {
            /* e = 12*(Y-1-B) + j*months with j in 1..per_year; e = 0 is B's last */
            int y = baseline_year + (e + 11) / 12;
            int within = e - 12 * (y - 1 - baseline_year); /* 1..12, or 12 at e = 0 */
            if (e == 0) {
                y = baseline_year;
                within = 12;
            }
            q->year = y;
            q->sub = within / months;
            if (step == DCPROJ_STEP_QUARTER)
                snprintf(q->label, sizeof q->label, "%d-Q%d", y, q->sub);
            else
                snprintf(q->label, sizeof q->label, "%d-%02d", y, q->sub);
        }
    }
    *out = p;
    *n = count;
    return DCPROJ_OK;
}

int dcproj_periods(int baseline_year, int horizon, enum dcproj_step step,
                   struct dcproj_period **out, size_t *n)
{
    return model_periods(baseline_year, horizon, step, out, n);
}

void dcproj_periods_free(struct dcproj_period *periods)
{
    dcproj_free(periods);
}

/* ---- parameters ------------------------------------------------------- */

static int points_at(const struct points_curve *pc, const struct dcproj_growth *g, double x,
                     double *out);

double param_mean(const struct dcproj_param *p, const double *vars)
{
    switch (p->dist) {
    case DCPROJ_DIST_NONE:
        return value_at(&p->v, vars);
    case DCPROJ_DIST_NORMAL:
    case DCPROJ_DIST_LOGNORMAL:
        return value_at(&p->f[0], vars);
    case DCPROJ_DIST_UNIFORM:
        return (value_at(&p->f[0], vars) + value_at(&p->f[1], vars)) / 2.0;
    case DCPROJ_DIST_TRIANGULAR:
        return (value_at(&p->f[0], vars) + value_at(&p->f[1], vars) + value_at(&p->f[2], vars)) / 3.0;
    case DCPROJ_DIST_PERT:
        return (value_at(&p->f[0], vars) + 4.0 * value_at(&p->f[1], vars) + value_at(&p->f[2], vars)) / 6.0;
    }
    return NAN;
}

/* The inverse of the normal CDF etc.: see model_int.h. */
double param_quantile_z(const struct dcproj_param *p, const double *vars, double z)
{
    switch (p->dist) {
    case DCPROJ_DIST_NORMAL:
        return value_at(&p->f[0], vars) + value_at(&p->f[1], vars) * z;
    case DCPROJ_DIST_LOGNORMAL: {
        double m = value_at(&p->f[0], vars), s = value_at(&p->f[1], vars);
        double s2 = log1p((s * s) / (m * m));
        return exp(log(m) - s2 / 2.0 + sqrt(s2) * z);
    }
    default: {
        double u = gsl_cdf_ugaussian_P(z);
        const double lo = 0x1p-53, hi = 1.0 - 0x1p-53;
        return param_quantile(p, vars, u < lo ? lo : u > hi ? hi : u);
    }
    }
}

double param_quantile(const struct dcproj_param *p, const double *vars, double u)
{
    double a, b, c;
    switch (p->dist) {
    case DCPROJ_DIST_NONE:
        return value_at(&p->v, vars);
    case DCPROJ_DIST_NORMAL:
    case DCPROJ_DIST_LOGNORMAL:
        return param_quantile_z(p, vars, gsl_cdf_ugaussian_Pinv(u));
    case DCPROJ_DIST_UNIFORM:
        a = value_at(&p->f[0], vars);
        b = value_at(&p->f[1], vars);
        return a + (b - a) * u;
    case DCPROJ_DIST_TRIANGULAR: {
        a = value_at(&p->f[0], vars);
        c = value_at(&p->f[1], vars);
        b = value_at(&p->f[2], vars);
        double fc = (c - a) / (b - a);
        return u < fc ? a + sqrt(u * (b - a) * (c - a)) : b - sqrt((1.0 - u) * (b - a) * (b - c));
    }
    case DCPROJ_DIST_PERT: {
        a = value_at(&p->f[0], vars);
        c = value_at(&p->f[1], vars);
        b = value_at(&p->f[2], vars);
        double alpha = 1.0 + 4.0 * (c - a) / (b - a), beta = 1.0 + 4.0 * (b - c) / (b - a);
        return a + (b - a) * gsl_cdf_beta_Pinv(u, alpha, beta);
    }
    }
    return NAN;
}

void model_default_vars(const struct dcproj_scenario *sc, double *vars)
{
    for (size_t k = 0; k < sc->n_variables; k++) {
        const struct dcproj_variable *v = &sc->variables[k];
        vars[k] = v->fixed ? v->value : v->guess;
    }
}

/*
 * Report a parameter value out of its valid range.  When a variable
 * reference produced it, the message names the variable and its trial
 * value (SPEC §4), since that is what the user must change.
 */
int model_bad_param(const struct model *m, const struct dcproj_param *p, const double *vars,
                     const char *path, double value, const char *rule, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    if (p->dist == DCPROJ_DIST_NONE && p->v.var >= 0) {
        const struct dcproj_variable *v = &sc->variables[p->v.var];
        char vpath[DCPROJ_ERROR_PATH_LEN];
        snprintf(vpath, sizeof vpath, "variables.%s", v->id);
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, vpath, 0, 0,
                                "%s = %.17g makes %s = %.17g invalid (%s)", v->id,
                                vars[p->v.var], path, value, rule);
    }
    return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                            "value %.17g is invalid (%s)", value, rule);
}

int model_country_values(const struct model *m, size_t i, const double *vars,
                         struct country_values *cv, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    const struct dcproj_country *c = &sc->countries[i];
    const struct dcproj_growth *g = &c->growth;
    char path[DCPROJ_ERROR_PATH_LEN];

    if (c->has_baseline) {
        cv->c0 = param_value(m, &c->baseline, vars);
        if (!(cv->c0 >= 0) || !isfinite(cv->c0)) {
            snprintf(path, sizeof path, "countries.%s.baseline", c->code);
            return model_bad_param(m, &c->baseline, vars, path, cv->c0, "must be >= 0", err);
        }
    } else {
        cv->c0 = 0.0; /* points without a baseline: curve(B), set below */
    }
    cv->rate = cv->per_year = cv->cap = 0.0;
    switch (g->model) {
    case DCPROJ_MODEL_COMPOUND:
        if (g->n_segments == 0) {
            cv->rate = param_value(m, &g->rate, vars);
            if (!(cv->rate > -1.0) || !isfinite(cv->rate)) {
                snprintf(path, sizeof path, "countries.%s.growth.rate", c->code);
                return model_bad_param(m, &g->rate, vars, path, cv->rate, "a compound rate must be > -1", err);
            }
        }
        for (size_t k = 0; k < g->n_segments; k++) {
            double r = param_value(m, &g->segments[k].rate, vars);
            if (!(r > -1.0) || !isfinite(r)) {
                snprintf(path, sizeof path, "countries.%s.growth.rates[%zu].rate", c->code, k);
                return model_bad_param(m, &g->segments[k].rate, vars, path, r, "a compound rate must be > -1", err);
            }
            cv->seg_rates[k] = r;
        }
        break;
    case DCPROJ_MODEL_LINEAR:
        cv->per_year = param_value(m, &g->per_year, vars);
        if (!isfinite(cv->per_year)) {
            snprintf(path, sizeof path, "countries.%s.growth.per_year", c->code);
            return model_bad_param(m, &g->per_year, vars, path, cv->per_year, "must be finite", err);
        }
        break;
    case DCPROJ_MODEL_LOGISTIC:
        cv->cap = param_value(m, &g->cap, vars);
        cv->rate = param_value(m, &g->rate, vars);
        if (!(cv->c0 > 0)) {
            snprintf(path, sizeof path, "countries.%s.baseline", c->code);
            return model_bad_param(m, &c->baseline, vars, path, cv->c0, "a logistic curve needs 0 < baseline < cap", err);
        }
        if (!(cv->cap > cv->c0) || !isfinite(cv->cap)) {
            snprintf(path, sizeof path, "countries.%s.growth.cap", c->code);
            return model_bad_param(m, &g->cap, vars, path, cv->cap, "a logistic cap must be > the baseline", err);
        }
        if (!(cv->rate > 0) || !isfinite(cv->rate)) {
            snprintf(path, sizeof path, "countries.%s.growth.rate", c->code);
            return model_bad_param(m, &g->rate, vars, path, cv->rate, "a logistic rate must be > 0", err);
        }
        break;
    case DCPROJ_MODEL_POINTS:
        /* C0 = curve(B); model_init() checked that it exists */
        if (!c->has_baseline)
            points_at(&m->curves[i], g, (double)sc->baseline_year, &cv->c0);
        break;
    case DCPROJ_MODEL_FIT: {
        /* θ̂ with C0 anchored or not; model_init() fitted it */
        double theta[FIT_MAX_PARAMS];
        memcpy(theta, m->fits[i].est.theta, sizeof theta);
        theta[0] = m->fits[i].c0;
        model_fit_values(g->fit_curve, theta, cv);
        break;
    }
    }
    return DCPROJ_OK;
}

void model_fit_values(enum dcproj_fit_curve curve, const double *theta, struct country_values *cv)
{
    cv->c0 = theta[0];
    switch (curve) {
    case DCPROJ_FIT_COMPOUND:
        cv->rate = theta[1];
        break;
    case DCPROJ_FIT_LINEAR:
        cv->per_year = theta[1];
        break;
    case DCPROJ_FIT_LOGISTIC:
        cv->cap = theta[1];
        cv->rate = theta[2];
        break;
    }
}

/* The closed-form curve a growth model evaluates: a fit evaluates the
 * model its curve names. */
enum dcproj_model model_curve(const struct dcproj_growth *g)
{
    if (g->model != DCPROJ_MODEL_FIT)
        return g->model;
    return g->fit_curve == DCPROJ_FIT_COMPOUND ? DCPROJ_MODEL_COMPOUND
           : g->fit_curve == DCPROJ_FIT_LINEAR ? DCPROJ_MODEL_LINEAR
                                                : DCPROJ_MODEL_LOGISTIC;
}

/* Here rather than beside the loader's lookups: the model names draw sites
 * and the events of its messages with it (SPEC §5.2), and links alone. */
char *dcproj_event_path(const struct dcproj_scenario *sc, size_t i, const char *field,
                        char *buf, size_t size)
{
    const char *dot = field != NULL && field[0] != '\0' ? "." : "";
    if (field == NULL)
        field = "";
    if (sc != NULL && sc->events_by_id && i < sc->n_events)
        snprintf(buf, size, "events.%s%s%s", sc->events[i].id, dot, field);
    else
        snprintf(buf, size, "events[%zu]%s%s", i, dot, field);
    return buf;
}

int model_event_values(const struct model *m, size_t i, const double *vars,
                       struct event_values *ev, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    char path[DCPROJ_ERROR_PATH_LEN];
    for (size_t k = m->ev_start[i]; k < m->ev_start[i + 1]; k++) {
        size_t j = m->ev_index[k];
        const struct dcproj_event *e = &sc->events[j];
        double add = param_value(m, &e->add, vars);
        double prob = param_value(m, &e->probability, vars);
        double delay = param_value(m, &e->delay_months, vars);
        if (!isfinite(add)) {
            dcproj_event_path(sc, j, "add", path, sizeof path);
            return model_bad_param(m, &e->add, vars, path, add, "must be finite", err);
        }
        if (!(prob >= 0.0 && prob <= 1.0)) {
            dcproj_event_path(sc, j, "probability", path, sizeof path);
            return model_bad_param(m, &e->probability, vars, path, prob, "a probability must be in [0, 1]", err);
        }
        if (!(delay >= 0.0) || !isfinite(delay)) {
            dcproj_event_path(sc, j, "delay_months", path, sizeof path);
            return model_bad_param(m, &e->delay_months, vars, path, delay, "a delay must be >= 0", err);
        }
        struct event_values *v = &ev[k - m->ev_start[i]];
        v->add = add * prob;
        v->start_months = e->start_months + delay;
        v->ramp_months = e->ramp_months;
    }
    return DCPROJ_OK;
}

/* ---- growth ----------------------------------------------------------- */

/* Evaluate a points curve at calendar year x (SPEC §3 model 4).  Returns -1
 * past the last point with extrapolate "error". */
static int points_at(const struct points_curve *pc, const struct dcproj_growth *g, double x,
                     double *out)
{
    size_t n = pc->n;
    double last = pc->x[n - 1];
    if (x > last) {
        switch (g->extrapolate) {
        case DCPROJ_EXTRAP_ERROR:
            return -1;
        case DCPROJ_EXTRAP_FLAT:
            *out = pc->y[n - 1];
            return 0;
        case DCPROJ_EXTRAP_LINEAR: {
            double slope = (pc->y[n - 1] - pc->y[n - 2]) / (pc->x[n - 1] - pc->x[n - 2]);
            *out = pc->y[n - 1] + slope * (x - last);
            return 0;
        }
        }
    }
    if (pc->interp == NULL) {
        /* step: the value of the latest point whose year <= x */
        size_t k = 0;
        while (k + 1 < n && pc->x[k + 1] <= x)
            k++;
        *out = pc->y[k];
        return 0;
    }
    double y;
    if (gsl_interp_eval_e(pc->interp, pc->x, pc->y, x, NULL, &y) != GSL_SUCCESS)
        return -1;
    *out = y;
    return 0;
}

int model_growth_at(const struct model *m, size_t i, const struct country_values *cv,
                    double t_years, double *out)
{
    const struct dcproj_scenario *sc = m->sc;
    const struct dcproj_growth *g = &sc->countries[i].growth;
    switch (model_curve(g)) {
    case DCPROJ_MODEL_COMPOUND:
        if (g->n_segments == 0) {
            *out = cv->c0 * pow(1.0 + cv->rate, t_years);
        } else {
            /* segment k covers t in (until_{k-1} - B, until_k - B] */
            double v = cv->c0, lo = 0.0;
            for (size_t k = 0; k < g->n_segments && t_years > lo; k++) {
                double hi = g->segments[k].until > 0 ? (double)(g->segments[k].until - sc->baseline_year)
                                                     : INFINITY;
                double overlap = (t_years < hi ? t_years : hi) - lo;
                v *= pow(1.0 + cv->seg_rates[k], overlap);
                lo = hi;
            }
            *out = v;
        }
        return 0;
    case DCPROJ_MODEL_LINEAR:
        *out = cv->c0 + cv->per_year * t_years;
        return 0;
    case DCPROJ_MODEL_LOGISTIC:
        *out = cv->cap / (1.0 + ((cv->cap - cv->c0) / cv->c0) * exp(-cv->rate * t_years));
        return 0;
    case DCPROJ_MODEL_POINTS:
        return points_at(&m->curves[i], g, (double)sc->baseline_year + t_years, out);
    case DCPROJ_MODEL_FIT:
        break; /* model_curve() never returns it */
    }
    return -1;
}

/* Name a period for messages: its label, or the year-end / month. */
static void period_name(const struct model *m, const struct dcproj_period *periods, size_t k,
                        int e, char *buf, size_t size)
{
    if (periods != NULL) {
        snprintf(buf, size, "%s", periods[k].label);
        return;
    }
    if (e % 12 == 0)
        snprintf(buf, size, "%d", m->sc->baseline_year + e / 12);
    else
        snprintf(buf, size, "%d-%02d", m->sc->baseline_year + (e + 11) / 12, (e - 1) % 12 + 1);
}

int model_country_series(const struct model *m, size_t i, const struct country_values *cv,
                         const struct event_values *ev, const int *e_months,
                         const struct dcproj_period *periods, size_t n, double *out,
                         int *floored, struct dcproj_error *err)
{
    const struct dcproj_country *c = &m->sc->countries[i];
    size_t n_ev = model_n_events(m, i);
    char pname[32];
    /* compound growth with one rate: C0·(1+r)^t = C0·exp(t·log1p(r)), one log1p
       per series instead of one pow per period */
    int simple = model_curve(&c->growth) == DCPROJ_MODEL_COMPOUND && c->growth.n_segments == 0;
    double log_growth = simple ? log1p(cv->rate) : 0.0;
    for (size_t k = 0; k < n; k++) {
        int e = e_months[k];
        double v;
        if (simple)   /* exp(0) is 1: the base period is C0 itself */
            v = e == 0 && isfinite(log_growth) ? cv->c0 : cv->c0 * exp(log_growth * ((double)e / 12.0));
        else if (model_growth_at(m, i, cv, (double)e / 12.0, &v) != 0) {
            period_name(m, periods, k, e, pname, sizeof pname);
            const struct dcproj_growth *g = &c->growth;
            return dcproj_error_set(err, DCPROJ_ERR_DATA, m->sc->file, NULL, 0, 0,
                                    "countries.%s.growth: %s is past the last point (%d); "
                                    "set \"extrapolate\" to \"flat\" or \"linear\", or add points",
                                    c->code, pname, g->point_years[g->n_points - 1]);
        }
        for (size_t j = 0; j < n_ev; j++) {
            const struct event_values *x = &ev[j];
            double de = (double)e;
            if (de <= x->start_months)
                continue;
            double f = 1.0;
            if (x->ramp_months > 0) {
                f = (de - x->start_months) / x->ramp_months;
                if (f > 1.0)
                    f = 1.0;
            }
            v += x->add * f;
        }
        if (!isfinite(v)) {
            period_name(m, periods, k, e, pname, sizeof pname);
            return dcproj_error_set(err, DCPROJ_ERR_DATA, m->sc->file, NULL, 0, 0,
                                    "countries.%s: capacity in %s is not a finite number (%g); "
                                    "check its growth parameters",
                                    c->code, pname, v);
        }
        if (v < 0) {
            v = 0.0;
            *floored = 1;
        } else if (v == 0) {
            v = 0.0; /* -0 becomes 0 */
        }
        out[k] = v;
    }
    return DCPROJ_OK;
}

/* ---- preparation ------------------------------------------------------ */

static const gsl_interp_type *interp_type(enum dcproj_interp interp)
{
    switch (interp) {
    case DCPROJ_INTERP_LINEAR: return gsl_interp_linear;
    case DCPROJ_INTERP_CSPLINE: return gsl_interp_cspline;
    case DCPROJ_INTERP_STEFFEN: return gsl_interp_steffen;
    case DCPROJ_INTERP_AKIMA: return gsl_interp_akima;
    case DCPROJ_INTERP_STEP: return NULL;
    }
    return NULL;
}

/* Prepare country i's points curve; check its baseline against curve(B). */
static int prepare_points(struct model *m, size_t i, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    const struct dcproj_country *c = &sc->countries[i];
    const struct dcproj_growth *g = &c->growth;
    struct points_curve *pc = &m->curves[i];
    pc->x = dcproj_malloc(g->n_points * sizeof *pc->x);
    pc->y = dcproj_malloc(g->n_points * sizeof *pc->y);
    if (pc->x == NULL || pc->y == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < g->n_points; k++) {
        pc->x[k] = (double)g->point_years[k];
        pc->y[k] = g->point_values[k];
    }
    pc->n = g->n_points;
    const gsl_interp_type *t = interp_type(g->interp);
    if (t != NULL) {
        if (g->n_points < gsl_interp_type_min_size(t))
            return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                    "countries.%s.growth.points: interpolation \"%s\" needs at least %u points",
                                    c->code, t->name,
                                    gsl_interp_type_min_size(t));
        pc->interp = gsl_interp_alloc(t, g->n_points);
        if (pc->interp == NULL)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
        if (gsl_interp_init(pc->interp, pc->x, pc->y, g->n_points) != GSL_SUCCESS)
            return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                    "countries.%s.growth.points: cannot interpolate these points",
                                    c->code);
    }
    double cb;
    if (points_at(pc, g, (double)sc->baseline_year, &cb) != 0 || !isfinite(cb))
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                "countries.%s.growth.points: no value at the baseline year %d",
                                c->code, sc->baseline_year);
    if (c->has_baseline) {
        double b = c->baseline.v.number;
        double tol = 1e-9 * (fabs(cb) > 1.0 ? fabs(cb) : 1.0);
        if (c->baseline.dist != DCPROJ_DIST_NONE || c->baseline.v.var >= 0 || fabs(b - cb) > tol) {
            char path[DCPROJ_ERROR_PATH_LEN];
            snprintf(path, sizeof path, "countries.%s.baseline", c->code);
            return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                    "a points curve's baseline must be the plain number %.15g "
                                    "(its value at %d); omit \"baseline\" or fix it",
                                    cb, sc->baseline_year);
        }
    }
    return DCPROJ_OK;
}

void model_clear(struct model *m)
{
    if (m == NULL)
        return;
    if (m->curves != NULL && m->sc != NULL) {
        for (size_t i = 0; i < m->sc->n_countries; i++) {
            gsl_interp_free(m->curves[i].interp);
            dcproj_free(m->curves[i].x);
            dcproj_free(m->curves[i].y);
        }
    }
    dcproj_free(m->curves);
    dcproj_free(m->fits);
    dcproj_free(m->ev_start);
    dcproj_free(m->ev_index);
    memset(m, 0, sizeof *m);
}

int model_init(struct model *m, const struct dcproj_scenario *sc, struct dcproj_error *err)
{
    memset(m, 0, sizeof *m);
    m->sc = sc;
    size_t nc = sc->n_countries;
    m->ev_start = dcproj_calloc(nc + 1, sizeof *m->ev_start);
    m->ev_index = dcproj_malloc((sc->n_events > 0 ? sc->n_events : 1) * sizeof *m->ev_index);
    m->curves = dcproj_calloc(nc > 0 ? nc : 1, sizeof *m->curves);
    m->fits = dcproj_calloc(nc > 0 ? nc : 1, sizeof *m->fits);
    if (m->ev_start == NULL || m->ev_index == NULL || m->curves == NULL || m->fits == NULL) {
        model_clear(m);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    }
    /* counting sort of events by country, file order kept within a country */
    for (size_t j = 0; j < sc->n_events; j++)
        m->ev_start[sc->events[j].country + 1]++;
    for (size_t i = 0; i < nc; i++)
        m->ev_start[i + 1] += m->ev_start[i];
    size_t *fill = dcproj_calloc(nc > 0 ? nc : 1, sizeof *fill);
    if (fill == NULL) {
        model_clear(m);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    }
    for (size_t j = 0; j < sc->n_events; j++) {
        size_t c = sc->events[j].country;
        m->ev_index[m->ev_start[c] + fill[c]++] = j;
    }
    dcproj_free(fill);
    for (size_t i = 0; i < nc; i++) {
        const struct dcproj_growth *g = &sc->countries[i].growth;
        if (g->n_segments > m->max_segments)
            m->max_segments = g->n_segments;
        int rc = DCPROJ_OK;
        if (g->model == DCPROJ_MODEL_POINTS)
            rc = prepare_points(m, i, err);
        else if (g->model == DCPROJ_MODEL_FIT)
            rc = model_fit_country(sc, i, sc->baseline_year, sc->draws > 0, &m->fits[i], err);
        if (rc != DCPROJ_OK) {
            model_clear(m);
            return rc;
        }
    }
    return DCPROJ_OK;
}

/* ---- fits -------------------------------------------------------------- */

int model_fit_country(const struct dcproj_scenario *sc, size_t i, int base_year, int with_draws,
                      struct country_fit *out, struct dcproj_error *err)
{
    const struct dcproj_country *c = &sc->countries[i];
    const struct dcproj_growth *g = &c->growth;
    char path[DCPROJ_ERROR_PATH_LEN];
    snprintf(path, sizeof path, "countries.%s.growth", c->code);
    memset(out, 0, sizeof *out);
    double *t = dcproj_malloc((c->n_history > 0 ? c->n_history : 1) * sizeof *t);
    double *y = dcproj_malloc((c->n_history > 0 ? c->n_history : 1) * sizeof *y);
    if (t == NULL || y == NULL) {
        dcproj_free(t);
        dcproj_free(y);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    }
    size_t n = 0;
    int has_last = 0;
    double last = 0;
    for (size_t k = 0; k < c->n_history; k++) {
        int year = c->history_years[k];
        if (year > base_year || (g->fit_from != 0 && year < g->fit_from))
            continue;
        t[n] = (double)(year - base_year);
        y[n] = c->history_values[k];
        if (year == base_year) {
            has_last = 1;
            last = y[n];
        }
        n++;
    }
    int rc = fit_estimate(g->fit_curve, g->fit_relative ? FIT_ERRORS_RELATIVE : FIT_ERRORS_ABSOLUTE,
                          t, y, n, &out->est, sc->file, path, err);
    dcproj_free(t);
    dcproj_free(y);
    if (rc != DCPROJ_OK)
        return rc;
    out->c0 = out->est.theta[0];
    out->anchored = g->fit_anchor_last;
    if (out->anchored) {
        if (!has_last)
            return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                    "\"anchor\": \"last\" needs the observed value of %d in "
                                    "countries.%s.history",
                                    base_year, c->code);
        if (g->fit_curve == DCPROJ_FIT_COMPOUND && last == 0)
            return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                    "\"anchor\": \"last\" on a compound fit needs a value of %d "
                                    "above 0 (a compound curve from 0 stays 0)",
                                    base_year);
        if (g->fit_curve == DCPROJ_FIT_LOGISTIC && !(last > 0 && last < out->est.theta[1]))
            return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                    "\"anchor\": \"last\" puts C0 = %.15g, but a logistic curve "
                                    "needs 0 < C0 < the fitted cap K = %.10g",
                                    last, out->est.theta[1]);
        out->c0 = last;
    }
    if (with_draws && g->fit_uncertain)
        return fit_cholesky(&out->est, out->anchored, out->L, &out->n_eps, sc->file, path, err);
    return DCPROJ_OK;
}

int model_fit_solution(const struct model *m, struct dcproj_solution *sol,
                       struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    size_t n = 0;
    for (size_t i = 0; i < sc->n_countries; i++)
        if (sc->countries[i].growth.model == DCPROJ_MODEL_FIT)
            n += m->fits[i].est.p + 1;
    sol->n_fit_params = 0;
    if (n == 0)
        return DCPROJ_OK;
    sol->fit_params = dcproj_calloc(n, sizeof *sol->fit_params);
    if (sol->fit_params == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < sc->n_countries; i++) {
        if (sc->countries[i].growth.model != DCPROJ_MODEL_FIT)
            continue;
        const struct country_fit *f = &m->fits[i];
        for (size_t j = 0; j <= f->est.p; j++) {
            struct dcproj_fit_param *q = &sol->fit_params[sol->n_fit_params++];
            q->country = i;
            if (j == f->est.p) {
                snprintf(q->name, sizeof q->name, "rmse");
                q->value = f->est.rmse;
                continue;
            }
            snprintf(q->name, sizeof q->name, "%s", fit_param_name(f->est.curve, j));
            q->value = j == 0 ? f->c0 : f->est.theta[j];
            q->std_error = f->est.se[j];
            q->has_std_error = !(j == 0 && f->anchored);
        }
    }
    return DCPROJ_OK;
}

/* ---- year-end series for calibration ---------------------------------- */

int model_year_tables(const struct model *m, const double *vars, int last_year,
                      double *const tables[DCPROJ_N_METRICS], struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    size_t ny = (size_t)(last_year - sc->baseline_year + 1);
    size_t nc = sc->n_countries, ng = sc->n_groups;
    size_t max_ev = 0;
    for (size_t i = 0; i < nc; i++)
        if (model_n_events(m, i) > max_ev)
            max_ev = model_n_events(m, i);
    int power = tables[DCPROJ_METRIC_IT_LOAD] != NULL || tables[DCPROJ_METRIC_FACILITY] != NULL ||
                tables[DCPROJ_METRIC_ENERGY] != NULL;
    int *e = dcproj_malloc(ny * sizeof *e);
    double *cap = dcproj_malloc(ny * sizeof *cap);
    double *seg = dcproj_malloc((m->max_segments > 0 ? m->max_segments : 1) * sizeof *seg);
    struct event_values *ev = dcproj_malloc((max_ev > 0 ? max_ev : 1) * sizeof *ev);
    struct energy_scratch scratch = {.t = NULL};
    int rc = DCPROJ_OK;
    if (e == NULL || cap == NULL || seg == NULL || ev == NULL) {
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t y = 0; y < ny; y++)
        e[y] = 12 * (int)y;
    for (int k = 0; k < DCPROJ_N_METRICS; k++)
        if (tables[k] != NULL)
            memset(tables[k] + nc * ny, 0, (ng + 1) * ny * sizeof(double));
    for (size_t i = 0; i < nc; i++) {
        struct country_values cv = {.seg_rates = seg};
        struct power_values pv;
        int floored = 0;
        rc = model_country_values(m, i, vars, &cv, err);
        if (rc == DCPROJ_OK)
            rc = model_event_values(m, i, vars, ev, err);
        if (rc == DCPROJ_OK)
            rc = model_country_series(m, i, &cv, ev, e, NULL, ny, cap, &floored, err);
        if (rc == DCPROJ_OK && power)
            rc = model_power_values(m, i, vars, &pv, err);
        if (rc != DCPROJ_OK)
            goto done;
        const struct dcproj_country *c = &sc->countries[i];
        for (size_t y = 0; y < ny; y++) {
            double t = (double)y, v[DCPROJ_N_METRICS] = {cap[y], NAN, NAN, NAN};
            if (power) {
                model_power_at(&pv, sc->baseline_year, t, cap[y], &v[DCPROJ_METRIC_IT_LOAD],
                               &v[DCPROJ_METRIC_FACILITY]);
            }
            /* entry y of energy: calendar year B + y; year B is not projected (NaN) */
            if (y > 0 && tables[DCPROJ_METRIC_ENERGY] != NULL &&
                model_energy(m, i, &cv, ev, &pv, t - 1.0, t, &scratch, &v[DCPROJ_METRIC_ENERGY]) !=
                    DCPROJ_OK) {
                rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
                goto done;
            }
            for (int k = 0; k < DCPROJ_N_METRICS; k++) {
                double *tab = tables[k];
                if (tab == NULL)
                    continue;
                tab[i * ny + y] = v[k];
                for (size_t gi = 0; gi < c->n_groups; gi++)
                    tab[(nc + c->groups[gi]) * ny + y] += v[k];
                tab[(nc + ng) * ny + y] += v[k];
            }
        }
    }
done:
    dcproj_free(e);
    dcproj_free(cap);
    dcproj_free(seg);
    dcproj_free(ev);
    dcproj_free(scratch.t);
    return rc;
}

int model_year_ends(const struct model *m, const double *vars, int last_year, double *rows,
                    struct dcproj_error *err)
{
    double *const tables[DCPROJ_N_METRICS] = {rows, NULL, NULL, NULL};
    return model_year_tables(m, vars, last_year, tables, err);
}
