/*
 * test_model.c — the model core against closed forms and hand-computed
 * values: periods, growth models, points interpolation, events, floors.
 * Scenarios are built by hand so the suite does not depend on the loader.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "model_int.h"

static struct dcproj_param num(double x)
{
    struct dcproj_param p;
    memset(&p, 0, sizeof p);
    p.v.var = -1;
    p.v.number = x;
    p.v.times = 1;
    for (int k = 0; k < 3; k++)
        p.f[k].var = -1;
    return p;
}

static struct dcproj_param var(int k, double times, double plus)
{
    struct dcproj_param p = num(0);
    p.v.var = k;
    p.v.times = times;
    p.v.plus = plus;
    return p;
}

/* A scenario with `n` countries, B=2023, H=2027, all compound rate 0. */
static struct dcproj_scenario *scen(size_t n)
{
    struct dcproj_scenario *sc = calloc(1, sizeof *sc);
    sc->file = "t.json";
    sc->baseline_year = 2023;
    sc->horizon = 2027;
    sc->countries = calloc(n, sizeof *sc->countries);
    sc->n_countries = n;
    for (size_t i = 0; i < n; i++) {
        struct dcproj_country *c = &sc->countries[i];
        snprintf(c->code, sizeof c->code, "C%zu", i);
        c->name = "";
        c->has_baseline = 1;
        c->baseline = num(100);
        c->growth.model = DCPROJ_MODEL_COMPOUND;
        c->growth.rate = num(0);
    }
    return sc;
}

static void scen_free(struct dcproj_scenario *sc)
{
    free(sc->countries);
    free(sc->events);
    free(sc);
}

/* Capacity of country i at the end of year Y. */
static double at_year(const struct dcproj_scenario *sc, size_t i, int year)
{
    struct model m;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    double seg[8], out;
    struct event_values ev[8];
    struct country_values cv = {.seg_rates = seg};
    double vars[4] = {0, 0, 0, 0};
    model_default_vars(sc, vars);
    ck_assert_int_eq(model_country_values(&m, i, vars, &cv, &err), DCPROJ_OK);
    ck_assert_int_eq(model_event_values(&m, i, vars, ev, &err), DCPROJ_OK);
    int e = 12 * (year - sc->baseline_year), fl = 0;
    ck_assert_int_eq(model_country_series(&m, i, &cv, ev, &e, NULL, 1, &out, &fl, &err), DCPROJ_OK);
    model_clear(&m);
    return out;
}

#define ck_close(a, b) ck_assert_msg(fabs((a) - (b)) <= 1e-12 * fmax(1.0, fabs(b)), "%.17g != %.17g", (double)(a), (double)(b))

START_TEST(test_periods)
{
    struct dcproj_period *p;
    size_t n;
    ck_assert_int_eq(model_periods(2023, 2027, DCPROJ_STEP_YEAR, &p, &n), DCPROJ_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(p[0].label, "2023");
    ck_assert_str_eq(p[4].label, "2027");
    ck_assert_int_eq(p[4].end_months, 48);
    free(p);
    ck_assert_int_eq(model_periods(2023, 2024, DCPROJ_STEP_QUARTER, &p, &n), DCPROJ_OK);
    ck_assert_uint_eq(n, 5);
    const char *q[] = {"2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"};
    for (size_t k = 0; k < n; k++) {
        ck_assert_str_eq(p[k].label, q[k]);
        ck_assert_int_eq(p[k].end_months, 3 * (int)k);
    }
    free(p);
    ck_assert_int_eq(model_periods(2023, 2025, DCPROJ_STEP_MONTH, &p, &n), DCPROJ_OK);
    ck_assert_uint_eq(n, 25);
    ck_assert_str_eq(p[0].label, "2023-12");
    ck_assert_str_eq(p[1].label, "2024-01");
    ck_assert_str_eq(p[12].label, "2024-12");
    ck_assert_str_eq(p[13].label, "2025-01");
    ck_assert_int_eq(p[13].end_months, 13);
    ck_assert_int_eq(p[13].year, 2025);
    ck_assert_int_eq(p[13].sub, 1);
    free(p);
}
END_TEST

START_TEST(test_growth_closed_forms)
{
    struct dcproj_scenario *sc = scen(4);
    sc->countries[0].baseline = num(300);
    sc->countries[0].growth.rate = num(0.2);
    /* piecewise: 25% to 2025, then 10% */
    struct dcproj_rate_segment segs[2] = {{2025, num(0.25)}, {0, num(0.1)}};
    sc->countries[1].baseline = num(200);
    sc->countries[1].growth.segments = segs;
    sc->countries[1].growth.n_segments = 2;
    sc->countries[2].growth.model = DCPROJ_MODEL_LINEAR;
    sc->countries[2].growth.per_year = num(40);
    sc->countries[3].baseline = num(50);
    sc->countries[3].growth.model = DCPROJ_MODEL_LOGISTIC;
    sc->countries[3].growth.cap = num(300);
    sc->countries[3].growth.rate = num(0.8);

    ck_close(at_year(sc, 0, 2027), 300 * pow(1.2, 4));
    ck_close(at_year(sc, 1, 2024), 250.0);
    ck_close(at_year(sc, 1, 2025), 312.5);
    ck_close(at_year(sc, 1, 2027), 200 * 1.25 * 1.25 * 1.1 * 1.1);
    ck_close(at_year(sc, 2, 2026), 100 + 3 * 40.0);
    ck_close(at_year(sc, 3, 2024), 300 / (1 + (250.0 / 50.0) * exp(-0.8)));
    ck_close(at_year(sc, 3, 2023), 50.0);
    scen_free(sc);
}
END_TEST

START_TEST(test_piecewise_fraction)
{
    struct dcproj_scenario *sc = scen(1);
    struct dcproj_rate_segment segs[2] = {{2025, num(0.25)}, {0, num(0.1)}};
    sc->countries[0].growth.segments = segs;
    sc->countries[0].growth.n_segments = 2;
    struct model m;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    double seg[2], v;
    struct country_values cv = {.seg_rates = seg};
    ck_assert_int_eq(model_country_values(&m, 0, NULL, &cv, &err), DCPROJ_OK);
    ck_assert_int_eq(model_growth_at(&m, 0, &cv, 2.5, &v), 0);
    ck_close(v, 100 * 1.25 * 1.25 * sqrt(1.1));
    ck_assert_int_eq(model_growth_at(&m, 0, &cv, 1.25, &v), 0);
    ck_close(v, 100 * pow(1.25, 1.25));
    model_clear(&m);
    scen_free(sc);
}
END_TEST

START_TEST(test_points)
{
    struct dcproj_scenario *sc = scen(4);
    int years[] = {2022, 2023, 2024};
    double vals[] = {10, 20, 40};
    for (size_t i = 0; i < 4; i++) {
        struct dcproj_growth *g = &sc->countries[i].growth;
        sc->countries[i].has_baseline = 0;
        g->model = DCPROJ_MODEL_POINTS;
        g->point_years = years;
        g->point_values = vals;
        g->n_points = 3;
        g->extrapolate = DCPROJ_EXTRAP_FLAT;
    }
    sc->countries[0].growth.interp = DCPROJ_INTERP_LINEAR;
    sc->countries[1].growth.interp = DCPROJ_INTERP_CSPLINE;
    sc->countries[2].growth.interp = DCPROJ_INTERP_STEP;
    sc->countries[3].growth.interp = DCPROJ_INTERP_LINEAR;
    sc->countries[3].growth.extrapolate = DCPROJ_EXTRAP_LINEAR;
    struct model m;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    double seg[1], v;
    struct country_values cv = {.seg_rates = seg};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(model_country_values(&m, i, NULL, &cv, &err), DCPROJ_OK);
        ck_close(cv.c0, 20.0); /* curve(B) at a knot */
        ck_assert_int_eq(model_growth_at(&m, i, &cv, 1.0, &v), 0);
        ck_close(v, 40.0);
    }
    model_country_values(&m, 0, NULL, &cv, &err);
    model_growth_at(&m, 0, &cv, 0.5, &v);
    ck_close(v, 30.0);
    model_growth_at(&m, 0, &cv, 3.0, &v); /* flat past the last point */
    ck_close(v, 40.0);
    /* natural cubic spline through (0,10),(1,20),(2,40), h = 1: second
     * derivative at the middle knot M1 = 6(y0 - 2y1 + y2)/4 = 15, and
     * S(1.5) = (y1 + y2)/2 - M1/16 = 30 - 0.9375 */
    model_country_values(&m, 1, NULL, &cv, &err);
    model_growth_at(&m, 1, &cv, 0.5, &v);
    ck_close(v, 30.0 - 15.0 / 16.0);
    /* step: the latest point whose year <= B + t */
    model_country_values(&m, 2, NULL, &cv, &err);
    model_growth_at(&m, 2, &cv, 0.75, &v);
    ck_close(v, 20.0);
    /* linear extrapolation along the last chord: slope 20/yr */
    model_country_values(&m, 3, NULL, &cv, &err);
    model_growth_at(&m, 3, &cv, 2.5, &v);
    ck_close(v, 40.0 + 1.5 * 20.0);
    model_clear(&m);

    /* extrapolate "error" past the last point: a data error naming the period */
    sc->countries[0].growth.extrapolate = DCPROJ_EXTRAP_ERROR;
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    model_country_values(&m, 0, NULL, &cv, &err);
    int e = 24, fl = 0;
    struct event_values ev[1];
    ck_assert_int_eq(model_country_series(&m, 0, &cv, ev, &e, NULL, 1, &v, &fl, &err), DCPROJ_ERR_DATA);
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "2025"));
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "countries.C0.growth"));
    model_clear(&m);

    /* a baseline that disagrees with curve(B) */
    sc->countries[0].has_baseline = 1;
    sc->countries[0].baseline = num(21);
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_ERR_DATA);
    ck_assert_str_eq(err.items[0].path, "countries.C0.baseline");
    sc->countries[0].baseline = num(20 + 1e-12);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    model_clear(&m);
    scen_free(sc);
}
END_TEST

START_TEST(test_events)
{
    struct dcproj_scenario *sc = scen(2);
    sc->countries[0].baseline = num(0);
    sc->countries[1].growth.model = DCPROJ_MODEL_LINEAR;
    sc->countries[1].growth.per_year = num(40);
    sc->events = calloc(4, sizeof *sc->events);
    sc->n_events = 4;
    /* ES-like: 2024-06-11, +60 ramped over 12 months: s = 5 + 10/30 */
    sc->events[0] = (struct dcproj_event){.country = 0, .start_months = 5 + 10.0 / 30.0,
                                          .add = num(60), .probability = num(1),
                                          .delay_months = num(0), .ramp_months = 12};
    /* dated 2027: s = 36, not in the 2026 row (e = 36) */
    sc->events[1] = (struct dcproj_event){.country = 0, .start_months = 36, .add = num(100),
                                          .probability = num(1), .delay_months = num(0)};
    /* 2025-Q3 (s = 18) delayed 3 months, probability 0.5 */
    sc->events[2] = (struct dcproj_event){.country = 1, .start_months = 18, .add = num(50),
                                          .probability = num(0.5), .delay_months = num(3)};
    /* a negative add that would take country 0 below zero in 2023 never
     * applies (s = 0 means e <= s at e = 0), so check the floor in 2024 */
    sc->events[3] = (struct dcproj_event){.country = 0, .start_months = 0, .add = num(-1000),
                                          .probability = num(1), .delay_months = num(0)};
    struct model m;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    double seg[1], out[5];
    struct event_values ev[4];
    struct country_values cv = {.seg_rates = seg};
    int e[5] = {0, 12, 24, 36, 48}, fl = 0;
    model_country_values(&m, 1, NULL, &cv, &err);
    model_event_values(&m, 1, NULL, ev, &err);
    ck_assert_int_eq(model_country_series(&m, 1, &cv, ev, e, NULL, 5, out, &fl, &err), DCPROJ_OK);
    ck_close(out[1], 140.0);
    ck_close(out[2], 180.0 + 25.0);
    ck_close(out[4], 260.0 + 25.0);
    ck_assert_int_eq(fl, 0);
    /* without the big negative event: */
    sc->n_events = 3;
    model_clear(&m);
    model_init(&m, sc, &err);
    model_country_values(&m, 0, NULL, &cv, &err);
    model_event_values(&m, 0, NULL, ev, &err);
    model_country_series(&m, 0, &cv, ev, e, NULL, 5, out, &fl, &err);
    ck_close(out[0], 0.0);
    ck_close(out[1], 60.0 * (12.0 - (5 + 10.0 / 30.0)) / 12.0);
    ck_close(out[2], 60.0);
    ck_close(out[3], 60.0);   /* the 2027 event is not in 2026 */
    ck_close(out[4], 160.0);
    model_clear(&m);
    /* with it: floored to 0 and flagged */
    sc->n_events = 4;
    model_init(&m, sc, &err);
    model_country_values(&m, 0, NULL, &cv, &err);
    model_event_values(&m, 0, NULL, ev, &err);
    model_country_series(&m, 0, &cv, ev, e, NULL, 5, out, &fl, &err);
    ck_assert_int_eq(fl, 1);
    ck_assert(out[2] == 0.0 && !signbit(out[2]));
    model_clear(&m);

    /* messages name an event by position, or by id when events are keyed
     * by id (SPEC §3.5): a NaN add is reported at its path */
    char path[64];
    ck_assert_str_eq(dcproj_event_path(sc, 2, "add", path, sizeof path), "events[2].add");
    ck_assert_str_eq(dcproj_event_path(sc, 2, NULL, path, sizeof path), "events[2]");
    sc->events_by_id = 1;
    snprintf(sc->events[2].id, sizeof sc->events[2].id, "narvik");
    ck_assert_str_eq(dcproj_event_path(sc, 2, "delay_months", path, sizeof path),
                     "events.narvik.delay_months");
    sc->events[2].add = num(NAN);
    model_init(&m, sc, &err);
    model_country_values(&m, 1, NULL, &cv, &err);
    ck_assert_int_ne(model_event_values(&m, 1, NULL, ev, &err), DCPROJ_OK);
    ck_assert_str_eq(err.items[0].path, "events.narvik.add");
    model_clear(&m);
    scen_free(sc);
}
END_TEST

START_TEST(test_variable_errors)
{
    struct dcproj_scenario *sc = scen(1);
    struct dcproj_variable v = {.id = "g1", .fixed = 0, .min = -2, .max = 1, .guess = -1.5};
    sc->variables = &v;
    sc->n_variables = 1;
    sc->countries[0].growth.rate = var(0, 1.0, 0.0);
    struct model m;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    double seg[1], vars[1] = {-1.5};
    struct country_values cv = {.seg_rates = seg};
    ck_assert_int_eq(model_country_values(&m, 0, vars, &cv, &err), DCPROJ_ERR_DATA);
    ck_assert_str_eq(err.items[0].path, "variables.g1");
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "countries.C0.growth.rate"));
    vars[0] = 0.5;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_country_values(&m, 0, vars, &cv, &err), DCPROJ_OK);
    ck_close(cv.rate, 0.5);
    model_clear(&m);
    scen_free(sc);
}
END_TEST

START_TEST(test_year_ends_aggregates)
{
    struct dcproj_scenario *sc = scen(3);
    char groups[1][DCPROJ_ID_LEN] = {"EU"};
    size_t g0 = 0;
    sc->groups = groups;
    sc->n_groups = 1;
    sc->countries[0].groups = &g0;
    sc->countries[0].n_groups = 1;
    sc->countries[2].groups = &g0;
    sc->countries[2].n_groups = 1;
    sc->countries[0].growth.rate = num(0.1);
    sc->countries[1].growth.rate = num(0.2);
    sc->countries[2].growth.rate = num(0.3);
    struct model m;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    double rows[5 * 3];
    ck_assert_int_eq(model_year_ends(&m, NULL, 2025, rows, &err), DCPROJ_OK);
    ck_close(rows[0 * 3 + 2], 121.0);
    ck_close(rows[1 * 3 + 2], 144.0);
    ck_close(rows[2 * 3 + 2], 169.0);
    ck_close(rows[3 * 3 + 2], 121.0 + 169.0);        /* EU */
    ck_close(rows[4 * 3 + 2], 121.0 + 144.0 + 169.0);/* TOTAL */
    ck_close(rows[4 * 3 + 0], 300.0);
    model_clear(&m);
    scen_free(sc);
}
END_TEST

START_TEST(test_param_mean)
{
    struct dcproj_param p = num(0);
    p.dist = DCPROJ_DIST_PERT;
    p.f[0].number = 1;
    p.f[1].number = 2;
    p.f[2].number = 9;
    ck_close(param_mean(&p, NULL), (1 + 8 + 9) / 6.0);
    p.dist = DCPROJ_DIST_TRIANGULAR;
    ck_close(param_mean(&p, NULL), 4.0);
    p.dist = DCPROJ_DIST_UNIFORM;
    ck_close(param_mean(&p, NULL), 1.5);
    p.dist = DCPROJ_DIST_NORMAL;
    double vars[1] = {0.25};
    p.f[0] = (struct dcproj_value){.var = 0, .times = 2, .plus = 0.1};
    ck_close(param_mean(&p, vars), 0.6);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_periods);
    tcase_add_test(tc, test_growth_closed_forms);
    tcase_add_test(tc, test_piecewise_fraction);
    tcase_add_test(tc, test_points);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_variable_errors);
    tcase_add_test(tc, test_year_ends_aggregates);
    tcase_add_test(tc, test_param_mean);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
