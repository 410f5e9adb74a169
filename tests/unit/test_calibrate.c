/* test_calibrate.c — calibration (SPEC §4): exact solves with Brent and
 * hybrids, weighted least squares, frozen what-ifs and the data errors.
 * Scenarios are built by hand in C so the suite does not need the loader;
 * every expectation is computed independently (closed forms, hand-solved
 * normal equations, substitution into the growth formulas). */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "dcproj/model.h"
#include "model_int.h"

#define B 2023

/* A hand-built scenario with room for a few countries, variables and
 * targets.  Everything lives inside the struct; nothing to free. */
struct fixture {
    struct dcproj_scenario sc;
    struct dcproj_country countries[4];
    struct dcproj_rate_segment segments[4][2];
    struct dcproj_variable variables[3];
    struct dcproj_target targets[4];
    char groups[2][DCPROJ_ID_LEN];
    size_t country_groups[4][1];
};

static struct dcproj_value num(double x)
{
    struct dcproj_value v = {-1, x, 1.0, 0.0};
    return v;
}

static struct dcproj_value ref(int var, double times, double plus)
{
    struct dcproj_value v = {var, 0.0, times, plus};
    return v;
}

static struct dcproj_param param(struct dcproj_value v)
{
    struct dcproj_param p;
    memset(&p, 0, sizeof p);
    p.dist = DCPROJ_DIST_NONE;
    p.v = v;
    return p;
}

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->sc.file = (char *)"test.json";
    f->sc.version = 1;
    f->sc.name = (char *)"test";
    f->sc.unit = (char *)"MW";
    f->sc.baseline_year = B;
    f->sc.horizon = 2027;
    f->sc.step = DCPROJ_STEP_YEAR;
    f->sc.countries = f->countries;
    f->sc.variables = f->variables;
    f->sc.targets = f->targets;
    f->sc.groups = f->groups;
}

/* Add a country with a plain baseline; returns its index. */
static size_t add_country(struct fixture *f, const char *code, double baseline)
{
    size_t i = f->sc.n_countries++;
    struct dcproj_country *c = &f->countries[i];
    snprintf(c->code, sizeof c->code, "%s", code);
    c->name = (char *)"";
    c->has_baseline = 1;
    c->baseline = param(num(baseline));
    c->growth.model = DCPROJ_MODEL_COMPOUND;
    c->growth.rate = param(num(0.0));
    return i;
}

/* Piecewise compound growth: rate r1 through `until`, then r2. */
static void set_piecewise(struct fixture *f, size_t i, int until, struct dcproj_value r1,
                          struct dcproj_value r2)
{
    struct dcproj_growth *g = &f->countries[i].growth;
    g->model = DCPROJ_MODEL_COMPOUND;
    g->segments = f->segments[i];
    g->n_segments = 2;
    g->segments[0].until = until;
    g->segments[0].rate = param(r1);
    g->segments[1].until = 0;
    g->segments[1].rate = param(r2);
}

static int add_unknown(struct fixture *f, const char *id, double min, double max, double guess)
{
    size_t k = f->sc.n_variables++;
    struct dcproj_variable *v = &f->variables[k];
    snprintf(v->id, sizeof v->id, "%s", id);
    v->fixed = 0;
    v->min = min;
    v->max = max;
    v->guess = guess;
    return (int)k;
}

static int add_fixed(struct fixture *f, const char *id, double value)
{
    size_t k = f->sc.n_variables++;
    struct dcproj_variable *v = &f->variables[k];
    snprintf(v->id, sizeof v->id, "%s", id);
    v->fixed = 1;
    v->value = value;
    return (int)k;
}

static struct dcproj_target *add_target(struct fixture *f, const char *id, const char *scope,
                                        int year)
{
    size_t k = f->sc.n_targets++;
    struct dcproj_target *t = &f->targets[k];
    snprintf(t->id, sizeof t->id, "%s", id);
    snprintf(t->scope, sizeof t->scope, "%s", scope);
    t->scope_kind = DCPROJ_SCOPE_TOTAL;
    for (size_t i = 0; i < f->sc.n_countries; i++)
        if (strcmp(f->countries[i].code, scope) == 0) {
            t->scope_kind = DCPROJ_SCOPE_COUNTRY;
            t->scope_index = i;
        }
    for (size_t g = 0; g < f->sc.n_groups; g++)
        if (strcmp(f->groups[g], scope) == 0) {
            t->scope_kind = DCPROJ_SCOPE_GROUP;
            t->scope_index = g;
        }
    t->year = year;
    t->weight = 1.0;
    return t;
}

static void add_ratio(struct fixture *f, const char *id, const char *scope, int year,
                      int base_year, double ratio)
{
    struct dcproj_target *t = add_target(f, id, scope, year);
    t->is_ratio = 1;
    t->base_year = base_year;
    t->ratio = ratio;
}

static void add_value(struct fixture *f, const char *id, const char *scope, int year,
                      double value, double weight)
{
    struct dcproj_target *t = add_target(f, id, scope, year);
    t->value = value;
    t->weight = weight;
}

/* Test-local release of a solution (dcproj_solution_clear lives in
 * result.c, which this suite does not link). */
static void free_solution(struct dcproj_solution *sol)
{
    free(sol->variables);
    free(sol->targets);
    free(sol->fit_params);
    dcproj_warnings_clear(&sol->warnings);
    memset(sol, 0, sizeof *sol);
}

/* Does any recorded problem have this path and a message containing `text`? */
static int has_error(const struct dcproj_error *err, const char *path, const char *text)
{
    int n = err->count < DCPROJ_ERROR_MAX ? err->count : DCPROJ_ERROR_MAX;
    for (int i = 0; i < n; i++)
        if (strcmp(err->items[i].path, path) == 0 && strstr(err->items[i].message, text) != NULL)
            return 1;
    return 0;
}

/* IE 400, NL 300, DE 150 with rates g1 through 2025 then g2, all
 * multipliers 1; targets TOTAL 2027/2023 = 2 and 2027/2025 = 1.4. */
static void common_rate_pledge(struct fixture *f)
{
    fixture_init(f);
    int g1 = add_unknown(f, "g1", -0.5, 1.5, 0.1);
    int g2 = add_unknown(f, "g2", -0.5, 1.5, 0.1);
    const char *codes[] = {"IE", "NL", "DE"};
    const double base[] = {400, 300, 150};
    for (int i = 0; i < 3; i++) {
        size_t c = add_country(f, codes[i], base[i]);
        set_piecewise(f, c, 2025, ref(g1, 1, 0), ref(g2, 1, 0));
    }
    add_ratio(f, "double", "TOTAL", 2027, 2023, 2.0);
    add_ratio(f, "plus40", "TOTAL", 2027, 2025, 1.4);
}

START_TEST(test_common_rate_pledge)
{
    struct fixture f;
    common_rate_pledge(&f);
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_HYBRIDS);
    ck_assert_uint_eq(sol.n_variables, 2);
    /* TOTAL scales by (1+g1)^2 (1+g2)^2: (1+g2)^2 = 1.4, (1+g1)^2 = 2/1.4 */
    ck_assert_double_eq_tol(sol.variables[0], sqrt(2.0 / 1.4) - 1.0, 1e-12);
    ck_assert_double_eq_tol(sol.variables[1], sqrt(1.4) - 1.0, 1e-12);
    ck_assert_uint_eq(sol.n_targets, 2);
    ck_assert_double_eq_tol(sol.targets[0].model, 2.0, 1e-10);
    ck_assert_double_eq_tol(sol.targets[1].model, 1.4, 1e-10);
    ck_assert(fabs(sol.targets[0].residual) <= 1e-10);
    ck_assert(fabs(sol.targets[1].residual) <= 1e-10);
    ck_assert_int_eq(sol.targets[0].has_cagr, 1);
    ck_assert_double_eq_tol(sol.targets[0].cagr, pow(2.0, 0.25) - 1.0, 1e-10);
    ck_assert_double_eq_tol(sol.targets[1].cagr, sqrt(1.4) - 1.0, 1e-10);
    ck_assert_int_gt(sol.iterations, 0);
    free_solution(&sol);
}
END_TEST

/* TOTAL of the conformance pledge at year-end `year` for rates g1, g2,
 * straight from SPEC §3 model 1. */
static double pledge_total(double g1, double g2, int year)
{
    double t1 = fmin(year - B, 2), t2 = fmax(year - 2025, 0);
    double ie = 400 * pow(1 + g1, t1) * pow(1 + g2, t2);
    double nl = 300 * pow(1 + g1, t1) * pow(1 + g2, t2);
    double de = 150 * pow(1 + 1.5 * g1, t1) * pow(1 + 1.2 * g2 + 0.01, t2);
    return ie + nl + de;
}

START_TEST(test_conformance_pledge)
{
    struct fixture f;
    common_rate_pledge(&f);
    /* tests/data/conformance/pledge.json: DE uses 1.5*g1 and 1.2*g2 + 0.01 */
    set_piecewise(&f, 2, 2025, ref(0, 1.5, 0), ref(1, 1.2, 0.01));
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    double g1 = sol.variables[0], g2 = sol.variables[1];
    /* an independent implementation: tests/data/conformance/pledge.solution.csv */
    ck_assert_double_eq_tol(g1, 0.17895191122205961, 1e-9);
    ck_assert_double_eq_tol(g2, 0.17417003003382406, 1e-9);
    /* substitution: the ratios are met */
    ck_assert_double_eq_tol(pledge_total(g1, g2, 2027) / pledge_total(g1, g2, 2023), 2.0, 1e-10);
    ck_assert_double_eq_tol(pledge_total(g1, g2, 2027) / pledge_total(g1, g2, 2025), 1.4, 1e-10);
    ck_assert(fabs(sol.targets[0].residual) <= 1e-10);
    ck_assert(fabs(sol.targets[1].residual) <= 1e-10);
    free_solution(&sol);
}
END_TEST

/* One country, logistic with C0 = 100, k = 0.5 and cap K unknown. */
static void logistic_cap(struct fixture *f, double k_min, double k_max, double value)
{
    fixture_init(f);
    int k = add_unknown(f, "capvar", k_min, k_max, 0.5 * (k_min + k_max));
    size_t c = add_country(f, "IE", 100);
    f->countries[c].growth.model = DCPROJ_MODEL_LOGISTIC;
    f->countries[c].growth.rate = param(num(0.5));
    f->countries[c].growth.cap = param(ref(k, 1, 0));
    add_value(f, "v2027", "IE", 2027, value, 1);
}

START_TEST(test_logistic_cap)
{
    struct fixture f;
    logistic_cap(&f, 150, 2000, 300);
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_BRENT);
    double K = sol.variables[0];
    /* substitution into K / (1 + ((K - C0)/C0) e^(-k t)) at t = 4 */
    double c4 = K / (1 + (K - 100) / 100 * exp(-0.5 * 4));
    ck_assert_double_eq_tol(c4 / 300, 1.0, 1e-10);
    /* closed form: 300 (1 + (K-100)/100 e^-2) = K */
    double e2 = exp(-2.0);
    ck_assert_double_eq_tol(K, 300 * (1 - e2) / (1 - 3 * e2), 1e-8);
    ck_assert_double_eq_tol(sol.targets[0].model, 300, 1e-7);
    /* value target: CAGR from B */
    ck_assert_int_eq(sol.targets[0].has_cagr, 1);
    ck_assert_double_eq_tol(sol.targets[0].cagr, pow(3.0, 0.25) - 1, 1e-10);
    free_solution(&sol);
}
END_TEST

/* SPEC §4 metric: utilisation u of a compound country (C0 = 100, r = 0.1,
 * pue 1.2) solved so that calendar year 2025's energy is a given figure,
 * and a facility_mw target.  Closed form of the energy:
 *   E(Y) = 8.76e-3 · u · pue · C0 · ((1+r)^t1 − (1+r)^t0) / ln(1+r). */
static double compound_energy(double u, int year)
{
    double t1 = year - B, t0 = t1 - 1;
    return 8.76e-3 * u * 1.2 * 100 * (pow(1.1, t1) - pow(1.1, t0)) / log(1.1);
}

static void energy_fixture(struct fixture *f, enum dcproj_metric metric, double value)
{
    fixture_init(f);
    int u = add_unknown(f, "u", 0.1, 1.0, 0.3);
    size_t c = add_country(f, "IE", 100);
    f->countries[c].growth.rate = param(num(0.1));
    f->sc.has_power = 1;
    f->countries[c].pue.param = param(num(1.2));
    f->countries[c].utilization.param = param(ref(u, 1, 0));
    add_value(f, "t", "IE", 2025, value, 1);
    f->targets[0].metric = metric;
}

START_TEST(test_energy_target)
{
    struct fixture f;
    double figure = compound_energy(0.55, 2025); /* the "observed" TWh of 2025 */
    energy_fixture(&f, DCPROJ_METRIC_ENERGY, figure);
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_BRENT);
    ck_assert_double_eq_tol(sol.variables[0], 0.55, 1e-12);
    ck_assert(fabs(sol.targets[0].residual) <= 1e-10);
    /* substitution into the closed form: the figure is met to 1e-10 */
    ck_assert(fabs(compound_energy(sol.variables[0], 2025) / figure - 1) <= 1e-10);
    ck_assert_double_eq_tol(sol.targets[0].model / figure, 1.0, 1e-10);
    /* an energy value target has no CAGR: year B has no energy */
    ck_assert_int_eq(sol.targets[0].has_cagr, 0);
    free_solution(&sol);

    /* facility_mw at the end of 2025: C0·1.1²·u·pue */
    energy_fixture(&f, DCPROJ_METRIC_FACILITY, 100 * 1.21 * 0.8 * 1.2);
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_double_eq_tol(sol.variables[0], 0.8, 1e-12);
    ck_assert(fabs(sol.targets[0].residual) <= 1e-10);
    /* its CAGR is the capacity's: u and pue are constant */
    ck_assert_double_eq_tol(sol.targets[0].cagr, 0.1, 1e-12);
    free_solution(&sol);

    /* an energy ratio 2027/2025: (1.1^4 - 1.1^3)/(1.1^2 - 1.1) = 1.21 whatever u */
    energy_fixture(&f, DCPROJ_METRIC_ENERGY, 1);
    f.targets[0].is_ratio = 1;
    f.targets[0].year = 2027;
    f.targets[0].base_year = 2025;
    f.targets[0].ratio = 1.21;
    f.variables[0].fixed = 1;
    f.variables[0].value = 0.5;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_double_eq_tol(sol.targets[0].model, 1.21, 1e-13);
    ck_assert_double_eq_tol(sol.targets[0].cagr, 0.1, 1e-13);
    free_solution(&sol);
}
END_TEST

START_TEST(test_overdetermined_linear)
{
    struct fixture f;
    fixture_init(&f);
    int a = add_unknown(&f, "a", -100, 1000, 10);
    size_t c = add_country(&f, "IE", 100);
    f.countries[c].growth.model = DCPROJ_MODEL_LINEAR;
    f.countries[c].growth.per_year = param(ref(a, 1, 0));
    const int years[] = {2024, 2025, 2027};
    const double values[] = {130, 150, 230};
    const double weights[] = {1, 2, 0.5};
    for (int i = 0; i < 3; i++)
        add_value(&f, "v", "IE", years[i], values[i], weights[i]);
    snprintf(f.targets[1].id, sizeof f.targets[1].id, "w");
    snprintf(f.targets[2].id, sizeof f.targets[2].id, "x");
    /* r_i = (C0 + a t_i)/v_i - 1 is linear in a: the weighted normal
     * equation gives a = Σ w (1 - C0/v)(t/v) / Σ w (t/v)^2 */
    double num_ = 0, den = 0;
    for (int i = 0; i < 3; i++) {
        double t = years[i] - B;
        num_ += weights[i] * (1 - 100 / values[i]) * (t / values[i]);
        den += weights[i] * (t / values[i]) * (t / values[i]);
    }
    double a_star = num_ / den;
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_LSQ);
    ck_assert_double_eq_tol(sol.variables[0], a_star, 1e-6);
    for (int i = 0; i < 3; i++) {
        double t = years[i] - B;
        double r = (100 + sol.variables[0] * t) / values[i] - 1;
        ck_assert_double_eq_tol(sol.targets[i].residual, r, 1e-12);
        ck_assert_double_eq_tol(sol.targets[i].model, 100 + sol.variables[0] * t, 1e-9);
    }
    /* the fit is not exact: residuals of both signs remain */
    ck_assert(fabs(sol.targets[0].residual) > 1e-3);
    free_solution(&sol);
}
END_TEST

/* The least-squares optimum a* ≈ 27.5 lies above max = 10: the solver's
 * steps are clamped, so the fit ends at the bound (the objective is convex
 * in a, so the bound is the constrained minimiser). */
START_TEST(test_lsq_clamped_at_bound)
{
    struct fixture f;
    fixture_init(&f);
    int a = add_unknown(&f, "a", 0, 10, 5);
    size_t c = add_country(&f, "IE", 100);
    f.countries[c].growth.model = DCPROJ_MODEL_LINEAR;
    f.countries[c].growth.per_year = param(ref(a, 1, 0));
    add_value(&f, "v1", "IE", 2024, 130, 1);
    add_value(&f, "v2", "IE", 2025, 150, 2);
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_LSQ);
    ck_assert_double_eq(sol.variables[0], 10.0);
    ck_assert_double_eq_tol(sol.targets[0].residual, 110.0 / 130 - 1, 1e-12);
    free_solution(&sol);
}
END_TEST

struct thread_job {
    struct fixture f;
    struct dcproj_solution sol;
    int rc;
};

static void *solve_job(void *arg)
{
    struct thread_job *j = arg;
    struct dcproj_error err;
    dcproj_error_init(&err);
    j->rc = dcproj_solve(&j->f.sc, &j->sol, &err);
    return NULL;
}

/* No shared mutable state: solves in parallel threads give the serial
 * result bit for bit. */
START_TEST(test_threads)
{
    struct thread_job *jobs = calloc(3, sizeof *jobs);
    ck_assert_ptr_nonnull(jobs);
    for (int i = 0; i < 3; i++)
        common_rate_pledge(&jobs[i].f);
    solve_job(&jobs[0]);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, solve_job, &jobs[i + 1]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(jobs[i].rc, DCPROJ_OK);
        ck_assert(memcmp(jobs[i].sol.variables, jobs[0].sol.variables, 2 * sizeof(double)) == 0);
    }
    for (int i = 0; i < 3; i++)
        free_solution(&jobs[i].sol);
    free(jobs);
}
END_TEST

START_TEST(test_frozen_what_if)
{
    struct fixture parent, child;
    common_rate_pledge(&parent);
    common_rate_pledge(&child);
    child.countries[0].baseline = param(num(600)); /* IE 400 -> 600 */
    add_value(&child, "abs", "TOTAL", 2027, 1700, 1);
    child.sc.frozen = 1;
    child.sc.parent = &parent.sc;
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&child.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_FROZEN);
    double g1 = sqrt(2.0 / 1.4) - 1, g2 = sqrt(1.4) - 1;
    ck_assert_double_eq_tol(sol.variables[0], g1, 1e-12);
    ck_assert_double_eq_tol(sol.variables[1], g2, 1e-12);
    ck_assert_uint_eq(sol.n_targets, 3);
    /* a common rate: the ratios do not depend on the baselines */
    ck_assert(fabs(sol.targets[0].residual) <= 1e-10);
    ck_assert(fabs(sol.targets[1].residual) <= 1e-10);
    /* TOTAL 2027 = (600 + 300 + 150) * 2 = 2100 against 1700 */
    ck_assert_double_eq_tol(sol.targets[2].model, 2100, 1e-7);
    ck_assert_double_eq_tol(sol.targets[2].residual, 2100.0 / 1700.0 - 1, 1e-10);
    ck_assert_double_eq_tol(sol.targets[2].cagr, pow(2100.0 / 1050.0, 0.25) - 1, 1e-10);
    free_solution(&sol);

    /* The child fixes g2 itself: that change is applied after the solve. */
    child.variables[1].fixed = 1;
    child.variables[1].value = 0.1;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&child.sc, &sol, &err), DCPROJ_OK);
    ck_assert_double_eq_tol(sol.variables[0], g1, 1e-12);
    ck_assert_double_eq(sol.variables[1], 0.1);
    double r = (1 + g1) * (1 + g1) * 1.1 * 1.1;
    ck_assert_double_eq_tol(sol.targets[0].residual, r / 2.0 - 1, 1e-10);
    ck_assert_double_eq_tol(sol.targets[1].residual, 1.21 / 1.4 - 1, 1e-10);
    free_solution(&sol);

    /* An unknown the parent does not have. */
    snprintf(child.variables[1].id, sizeof child.variables[1].id, "g9");
    child.variables[1].fixed = 0;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&child.sc, &sol, &err), DCPROJ_ERR_DATA);
    ck_assert(has_error(&err, "variables.g9", "not in the parent scenario"));
}
END_TEST

START_TEST(test_fixed_only_reports)
{
    struct fixture f;
    fixture_init(&f);
    int g = add_fixed(&f, "g", 0.1);
    size_t c = add_country(&f, "IE", 400);
    f.countries[c].growth.rate = param(ref(g, 1, 0));
    add_ratio(&f, "r", "IE", 2025, 2023, 1.2);
    add_value(&f, "v", "IE", 2023, 500, 1);
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_NONE);
    ck_assert_double_eq(sol.variables[0], 0.1);
    ck_assert_double_eq_tol(sol.targets[0].model, 1.21, 1e-12);
    ck_assert_double_eq_tol(sol.targets[0].residual, 1.21 / 1.2 - 1, 1e-12);
    ck_assert_double_eq_tol(sol.targets[0].cagr, 0.1, 1e-12);
    ck_assert_double_eq_tol(sol.targets[1].residual, 400.0 / 500.0 - 1, 1e-12);
    ck_assert_int_eq(sol.targets[1].has_cagr, 0); /* year == B: no span */
    free_solution(&sol);
}
END_TEST

/* Country, group and TOTAL scopes read the right rows of the year-end
 * table; a target year after the horizon is still evaluated. */
START_TEST(test_scopes)
{
    struct fixture f;
    fixture_init(&f);
    snprintf(f.groups[0], DCPROJ_ID_LEN, "EU");
    f.sc.n_groups = 1;
    const char *codes[] = {"US", "IE", "NL"};
    const double base[] = {1000, 400, 300}, rate[] = {0.0, 0.1, 0.2};
    for (size_t i = 0; i < 3; i++) {
        add_country(&f, codes[i], base[i]);
        f.countries[i].growth.rate = param(num(rate[i]));
        if (i > 0) {
            f.country_groups[i][0] = 0;
            f.countries[i].groups = f.country_groups[i];
            f.countries[i].n_groups = 1;
        }
    }
    add_value(&f, "eu", "EU", 2025, 1000, 1);
    add_value(&f, "all", "TOTAL", 2025, 2000, 1);
    add_ratio(&f, "ie", "IE", 2030, 2025, 1.5); /* beyond the horizon 2027 */
    struct dcproj_solution sol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_OK);
    ck_assert_int_eq(sol.method, DCPROJ_SOLVE_NONE);
    /* EU 2025 = 400·1.1² + 300·1.2² = 484 + 432 = 916 */
    ck_assert_double_eq_tol(sol.targets[0].model, 916, 1e-9);
    ck_assert_double_eq_tol(sol.targets[0].residual, 916.0 / 1000 - 1, 1e-12);
    ck_assert_double_eq_tol(sol.targets[0].cagr, sqrt(916.0 / 700) - 1, 1e-12);
    ck_assert_double_eq_tol(sol.targets[1].model, 1916, 1e-9);
    /* IE 2030/2025 = 1.1^5 */
    ck_assert_double_eq_tol(sol.targets[2].model, pow(1.1, 5), 1e-12);
    ck_assert_double_eq_tol(sol.targets[2].cagr, 0.1, 1e-12);
    ck_assert_uint_eq(sol.n_variables, 0);
    free_solution(&sol);
}
END_TEST

START_TEST(test_errors)
{
    struct fixture f;
    struct dcproj_solution sol;
    struct dcproj_error err;

    /* fewer targets than unknowns */
    common_rate_pledge(&f);
    f.sc.n_targets = 1;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_ERR_DATA);
    ck_assert(has_error(&err, "targets", "2 unknowns, 1 target"));

    /* unreachable: a logistic capacity never exceeds its cap (<= 2000) */
    logistic_cap(&f, 150, 2000, 5000);
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_ERR_DATA);
    ck_assert(has_error(&err, "targets[0]", "cannot be reached with capvar in [150, 2000]"));

    /* a trial point where the model is invalid (cap below the baseline) */
    logistic_cap(&f, 50, 2000, 300);
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_ERR_DATA);
    ck_assert_int_ge(err.count, 1);
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "capvar"));

    /* zero base */
    fixture_init(&f);
    add_country(&f, "IE", 0);
    add_ratio(&f, "r", "IE", 2025, 2023, 2);
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_ERR_DATA);
    ck_assert(has_error(&err, "targets[0]", "is 0"));

    /* contradictory targets: hybrids cannot meet both; every target listed */
    common_rate_pledge(&f);
    f.targets[1].base_year = 2023;
    f.targets[1].ratio = 3.0;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_solve(&f.sc, &sol, &err), DCPROJ_ERR_DATA);
    ck_assert(has_error(&err, "targets", "not met within 1e-10"));
    ck_assert(has_error(&err, "targets[0]", "target \"double\""));
    ck_assert(has_error(&err, "targets[1]", "target \"plus40\""));
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("calibrate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_common_rate_pledge);
    tcase_add_test(tc, test_conformance_pledge);
    tcase_add_test(tc, test_logistic_cap);
    tcase_add_test(tc, test_energy_target);
    tcase_add_test(tc, test_overdetermined_linear);
    tcase_add_test(tc, test_lsq_clamped_at_bound);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_frozen_what_if);
    tcase_add_test(tc, test_fixed_only_reports);
    tcase_add_test(tc, test_scopes);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
