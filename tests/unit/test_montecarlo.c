/*
 * test_montecarlo.c — Monte Carlo against closed forms and sampling error:
 * quantiles of C0(1+r)^t with r normal, a Bernoulli event's mean, thread
 * invariance, seed sensitivity, aggregate bands, the streaming estimator;
 * the Gaussian copula (SPEC §5.3): Cholesky factors worked out by hand,
 * later entries overriding, an entry that pairs nothing, the entries a
 * non-positive-definite matrix is blamed on, and only correlated countries
 * changing.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "model_int.h"

static struct dcproj_param num(double x)
{
    struct dcproj_param p;
    memset(&p, 0, sizeof p);
    p.v.var = -1;
    p.v.number = x;
    for (int k = 0; k < 3; k++)
        p.f[k].var = -1;
    return p;
}

static struct dcproj_param dist(enum dcproj_dist d, double a, double b, double c)
{
    struct dcproj_param p = num(0);
    p.dist = d;
    p.f[0].number = a;
    p.f[1].number = b;
    p.f[2].number = c;
    return p;
}

static double quantiles3[3] = {0.05, 0.5, 0.95};

/* n countries, C0 = 100, compound rate normal(0.1, 0.05), B=2023, H=2027. */
static struct dcproj_scenario *scen(size_t n, long long draws)
{
    struct dcproj_scenario *sc = calloc(1, sizeof *sc);
    sc->file = "mc.json";
    sc->baseline_year = 2023;
    sc->horizon = 2027;
    sc->countries = calloc(n, sizeof *sc->countries);
    sc->n_countries = n;
    sc->draws = draws;
    sc->seed = 1;
    sc->quantiles = quantiles3;
    sc->n_quantiles = 3;
    for (size_t i = 0; i < n; i++) {
        struct dcproj_country *c = &sc->countries[i];
        snprintf(c->code, sizeof c->code, "C%zu", i);
        c->name = "";
        c->has_baseline = 1;
        c->baseline = num(100);
        c->growth.model = DCPROJ_MODEL_COMPOUND;
        c->growth.rate = dist(DCPROJ_DIST_NORMAL, 0.1, 0.05, 0);
    }
    return sc;
}

struct run {
    struct dcproj_result res;
    struct model m;
};

/* Run Monte Carlo on `sc`; columns: capacity, mean, then one per quantile
 * (p5, p50, p95 for scen()). */
static struct run *mc_run_dbg(const struct dcproj_scenario *sc, int threads, size_t memory,
                              struct mc_debug *dbg, unsigned char *floored)
{
    struct run *r = calloc(1, sizeof *r);
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&r->m, sc, &err), DCPROJ_OK);
    ck_assert_int_eq(model_periods(sc->baseline_year, sc->horizon, sc->step, &r->res.periods,
                                   &r->res.n_periods), DCPROJ_OK);
    r->res.n_rows = sc->n_countries + sc->n_groups + 1;
    r->res.n_cols = 2 + sc->n_quantiles;
    r->res.values = calloc(r->res.n_rows * r->res.n_periods * r->res.n_cols, sizeof(double));
    struct dcproj_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.threads = threads;
    opt.quantile_memory_bytes = memory;
    ck_assert_int_eq(montecarlo_fill(&r->m, NULL, &opt, &r->res, 1, floored, dbg, &err), DCPROJ_OK);
    return r;
}

static struct run *mc_run(const struct dcproj_scenario *sc, int threads, size_t memory)
{
    unsigned char floored[64] = {0};
    return mc_run_dbg(sc, threads, memory, NULL, floored);
}

static void run_free(struct run *r)
{
    model_clear(&r->m);
    free(r->res.periods);
    free(r->res.values);
    free(r);
}

static double cell(const struct run *r, size_t row, size_t period, size_t col)
{
    return r->res.values[(row * r->res.n_periods + period) * r->res.n_cols + col];
}

START_TEST(test_normal_rate_quantiles)
{
    struct dcproj_scenario *sc = scen(1, 40000);
    struct run *r = mc_run(sc, 2, 0);
    /* C(4) = 100 (1 + r)^4 is increasing in r, so its q-quantile is
     * 100 (1 + 0.1 + 0.05 z_q)^4 */
    for (int k = 0; k < 3; k++) {
        double z = gsl_cdf_ugaussian_Pinv(quantiles3[k]);
        double expect = 100 * pow(1.1 + 0.05 * z, 4);
        double got = cell(r, 0, 4, 2 + (size_t)k);
        ck_assert_msg(fabs(got / expect - 1) < 0.01, "q%g: %g vs %g", quantiles3[k], got, expect);
    }
    /* E[(1+r)^4] for r ~ N(1.1 - 1, s): sum of binomial moments
     * E[X^4] = mu^4 + 6 mu^2 s^2 + 3 s^4 with X = 1 + r */
    double mu = 1.1, s = 0.05;
    double mean4 = pow(mu, 4) + 6 * mu * mu * s * s + 3 * pow(s, 4);
    ck_assert_msg(fabs(cell(r, 0, 4, 1) / (100 * mean4) - 1) < 0.005, "mean %g", cell(r, 0, 4, 1));
    run_free(r);
    free(sc->countries);
    free(sc);
}
END_TEST

START_TEST(test_bernoulli_event)
{
    struct dcproj_scenario *sc = scen(1, 50000);
    sc->countries[0].growth.rate = num(0);
    struct dcproj_event ev = {.country = 0, .start_months = 12, .add = num(100),
                              .probability = num(0.3), .delay_months = num(0)};
    sc->events = &ev;
    sc->n_events = 1;
    struct run *r = mc_run(sc, 1, 0);
    /* mean 100 + 30; sd of the mean = 100 sqrt(0.21 / 50000) ~ 0.2 */
    ck_assert_msg(fabs(cell(r, 0, 4, 1) - 130.0) < 1.0, "mean %g", cell(r, 0, 4, 1));
    ck_assert_double_eq(cell(r, 0, 4, 2), 100.0); /* p5: no event */
    ck_assert_double_eq(cell(r, 0, 4, 4), 200.0); /* p95: event */
    ck_assert_double_eq(cell(r, 0, 1, 1), 100.0); /* 2024: starts at its end, not in it */
    run_free(r);
    free(sc->countries);
    free(sc);
}
END_TEST

START_TEST(test_thread_invariance_and_seed)
{
    struct dcproj_scenario *sc = scen(3, 3000);
    char groups[1][DCPROJ_ID_LEN] = {"G"};
    size_t g0 = 0;
    sc->groups = groups;
    sc->n_groups = 1;
    sc->countries[1].groups = &g0;
    sc->countries[1].n_groups = 1;
    sc->countries[2].baseline = dist(DCPROJ_DIST_PERT, 10, 20, 60);
    sc->countries[2].growth.rate = dist(DCPROJ_DIST_TRIANGULAR, 0, 0.1, 0.3);
    struct run *a = mc_run(sc, 1, 0);
    struct run *b = mc_run(sc, 2, 0);
    struct run *c = mc_run(sc, 5, 0);
    size_t bytes = a->res.n_rows * a->res.n_periods * 5 * sizeof(double);
    ck_assert(memcmp(a->res.values, b->res.values, bytes) == 0);
    ck_assert(memcmp(a->res.values, c->res.values, bytes) == 0);
    sc->seed = 2;
    struct run *d = mc_run(sc, 2, 0);
    ck_assert(cell(a, 0, 4, 1) != cell(d, 0, 4, 1));
    run_free(a);
    run_free(b);
    run_free(c);
    run_free(d);
    free(sc->countries);
    free(sc);
}
END_TEST

START_TEST(test_total_band_narrower)
{
    struct dcproj_scenario *sc = scen(4, 20000);
    struct run *r = mc_run(sc, 2, 0);
    double sum_bands = 0;
    for (size_t i = 0; i < 4; i++)
        sum_bands += cell(r, i, 4, 4) - cell(r, i, 4, 2);
    double total_band = cell(r, 4, 4, 4) - cell(r, 4, 4, 2);
    /* independent countries: the band of the sum is ~ 1/sqrt(4) of the sum of bands */
    ck_assert_msg(total_band < 0.7 * sum_bands, "%g vs %g", total_band, sum_bands);
    ck_assert(total_band > 0.3 * sum_bands);
    /* the mean of the sum is the sum of the means */
    double sum_means = 0;
    for (size_t i = 0; i < 4; i++)
        sum_means += cell(r, i, 4, 1);
    ck_assert(fabs(cell(r, 4, 4, 1) - sum_means) < 1e-9 * sum_means);
    run_free(r);
    free(sc->countries);
    free(sc);
}
END_TEST

START_TEST(test_streaming_close_to_exact)
{
    struct dcproj_scenario *sc = scen(2, 20000);
    struct run *a = mc_run(sc, 2, 0);
    struct run *b = mc_run(sc, 2, 4096); /* too small for the exact store */
    for (size_t row = 0; row < 3; row++)
        for (int k = 2; k <= 4; k++)
            ck_assert_msg(fabs(cell(b, row, 4, (size_t)k) / cell(a, row, 4, (size_t)k) - 1) < 0.01,
                          "row %zu col %d: %g vs %g", row, k, cell(b, row, 4, (size_t)k),
                          cell(a, row, 4, (size_t)k));
    /* means agree to rounding (same draws, same order) */
    ck_assert(fabs(cell(b, 2, 4, 1) - cell(a, 2, 4, 1)) < 1e-9 * cell(a, 2, 4, 1));
    struct run *c = mc_run(sc, 1, 4096);
    ck_assert(memcmp(b->res.values, c->res.values, 3 * 5 * 5 * sizeof(double)) == 0);
    run_free(a);
    run_free(b);
    run_free(c);
    free(sc->countries);
    free(sc);
}
END_TEST

START_TEST(test_uniform_quantiles_exact)
{
    /* capacity = baseline ~ U(0, 1000), no growth: quantile q ~ 1000 q */
    struct dcproj_scenario *sc = scen(1, 100001);
    sc->countries[0].baseline = dist(DCPROJ_DIST_UNIFORM, 0, 1000, 0);
    sc->countries[0].growth.rate = num(0);
    struct run *r = mc_run(sc, 2, 0);
    ck_assert(fabs(cell(r, 0, 0, 2) - 50) < 3);
    ck_assert(fabs(cell(r, 0, 0, 3) - 500) < 6);
    ck_assert(fabs(cell(r, 0, 0, 4) - 950) < 3);
    run_free(r);
    free(sc->countries);
    free(sc);
}
END_TEST

START_TEST(test_selection_equals_sorting)
{
    /* the selected quantiles equal GSL's on sorted data, bit for bit, for
     * sizes around the Floyd-Rivest sampling threshold (600), ties, and
     * more quantiles than fit in any fixed table */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t sizes[] = {1, 2, 3, 10, 599, 600, 601, 5000, 20001};
    double q[60];
    for (size_t k = 0; k < 60; k++)
        q[k] = (double)k / 59.0;
    size_t ks[120];
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        double *x = malloc(n * sizeof *x), *sorted = malloc(n * sizeof *sorted);
        for (int ties = 0; ties < 2; ties++) {
            for (size_t i = 0; i < n; i++)
                x[i] = ties ? (double)gsl_rng_uniform_int(r, 7) : gsl_ran_gaussian(r, 3.0);
            memcpy(sorted, x, n * sizeof *x);
            gsl_sort(sorted, 1, n);
            for (size_t nq = 1; nq <= 60; nq += 59) {
                const double *qq = nq == 1 ? &quantiles3[1] : q;
                double got[60];
                double *work = malloc(n * sizeof *work);
                memcpy(work, x, n * sizeof *x);
                montecarlo_exact_quantiles(work, n, qq, nq, ks, got);
                for (size_t k = 0; k < nq; k++) {
                    double want = gsl_stats_quantile_from_sorted_data(sorted, 1, n, qq[k]);
                    ck_assert_msg(memcmp(&got[k], &want, sizeof want) == 0,
                                  "n %zu q %g: %.17g vs %.17g", n, qq[k], got[k], want);
                }
                free(work);
            }
        }
        free(x);
        free(sorted);
    }
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_filtered_selection_equals_sorting)
{
    /* large series take the sampled-bounds path (with its fallback to
     * selection in place): the quantiles must still be GSL's on sorted data,
     * bit for bit, whatever the order and the ties of the values */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t n = 200003;
    double *x = malloc(n * sizeof *x), *sorted = malloc(n * sizeof *x), *work = malloc(n * sizeof *x);
    double q3[3] = {0.05, 0.5, 0.95}, q5[5] = {0, 0.4999, 0.5, 0.5001, 1}, q2[2] = {0.25, 0.75};
    const double *qs[3] = {q3, q5, q2};
    size_t nqs[3] = {3, 5, 2};
    for (int shape = 0; shape < 7; shape++) {
        for (size_t i = 0; i < n; i++) {
            switch (shape) {
            case 0: x[i] = gsl_ran_gaussian(r, 3.0); break;             /* random */
            case 1: x[i] = (double)i; break;                            /* ascending */
            case 2: x[i] = (double)(n - i); break;                      /* descending */
            case 3: x[i] = (double)gsl_rng_uniform_int(r, 5); break;    /* heavy ties */
            case 4: x[i] = 42.0; break;                                 /* all equal */
            case 5: /* the pieces a sample would take hold extreme values */
                x[i] = (i % (n / 64)) < 200 ? 1e6 + (double)i : gsl_ran_flat(r, 0, 1);
                break;
            default: x[i] = gsl_ran_lognormal(r, 0, 2); break;          /* skewed */
            }
        }
        memcpy(sorted, x, n * sizeof *x);
        gsl_sort(sorted, 1, n);
        for (int k = 0; k < 3; k++) {
            size_t ks[10];
            double got[5];
            memcpy(work, x, n * sizeof *x);
            montecarlo_exact_quantiles(work, n, qs[k], nqs[k], ks, got);
            for (size_t j = 0; j < nqs[k]; j++) {
                double want = gsl_stats_quantile_from_sorted_data(sorted, 1, n, qs[k][j]);
                ck_assert_msg(memcmp(&got[j], &want, sizeof want) == 0, "shape %d q %g: %.17g vs %.17g",
                              shape, qs[k][j], got[j], want);
            }
        }
    }
    free(x);
    free(sorted);
    free(work);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_kept_parameter_equals_kept_cells)
{
    /* Countries whose values are a non-decreasing function of one drawn
     * parameter keep only that parameter; countries without a random input
     * keep nothing.  Their means and quantiles must be the bytes that storing
     * every cell gives, floors and deterministic events included. */
    static double q5[5] = {0, 0.05, 0.5, 0.95, 1};
    struct dcproj_scenario *sc = scen(9, 1000); /* 3 full blocks and a partial one */
    sc->step = DCPROJ_STEP_MONTH;
    sc->horizon = 2026;
    sc->quantiles = q5;
    sc->n_quantiles = 5;
    struct dcproj_country *c = sc->countries;
    /* C0: compound rate normal(0.1, 0.3) (KEY rate), minus 60 from month 6: floored in some draws */
    c[0].growth.rate = dist(DCPROJ_DIST_NORMAL, 0.1, 0.3, 0);
    /* C1: linear per_year uniform(-20, 30) (KEY per_year) plus a ramped event */
    c[1].growth.model = DCPROJ_MODEL_LINEAR;
    c[1].growth.per_year = dist(DCPROJ_DIST_UNIFORM, -20, 30, 0);
    /* C2: baseline normal(50, 10), deterministic compound (KEY baseline) */
    c[2].baseline = dist(DCPROJ_DIST_NORMAL, 50, 10, 0);
    c[2].growth.rate = num(0.05);
    /* C3: baseline lognormal(80, 20), piecewise rates (KEY baseline) */
    struct dcproj_rate_segment seg[2] = {{2024, num(0.2)}, {0, num(0.1)}};
    c[3].baseline = dist(DCPROJ_DIST_LOGNORMAL, 80, 20, 0);
    c[3].growth.segments = seg;
    c[3].growth.n_segments = 2;
    /* C4: nothing random (CONST) */
    c[4].baseline = num(30);
    c[4].growth.rate = num(0.02);
    /* C5: random rate and a Bernoulli event: kept in full */
    /* C6: random rate and random baseline: kept in full */
    c[6].baseline = dist(DCPROJ_DIST_PERT, 10, 20, 60);
    /* C7: logistic with a random rate: kept in full */
    c[7].growth.model = DCPROJ_MODEL_LOGISTIC;
    c[7].growth.cap = num(500);
    c[7].growth.rate = dist(DCPROJ_DIST_NORMAL, 0.3, 0.05, 0);
    /* C8: piecewise rates, one of them random: kept in full */
    struct dcproj_rate_segment seg8[2] = {{2024, dist(DCPROJ_DIST_NORMAL, 0.1, 0.05, 0)}, {0, num(0.05)}};
    c[8].growth.segments = seg8;
    c[8].growth.n_segments = 2;
    struct dcproj_event ev[3];
    memset(ev, 0, sizeof ev);
    for (int k = 0; k < 3; k++) {
        ev[k].probability = num(1);
        ev[k].delay_months = num(0);
    }
    ev[0].country = 0;
    ev[0].start_months = 6;
    ev[0].add = num(-60);
    ev[1].country = 1;
    ev[1].start_months = 3;
    ev[1].ramp_months = 12;
    ev[1].add = num(15);
    ev[2].country = 5;
    ev[2].start_months = 9;
    ev[2].add = num(40);
    ev[2].probability = num(0.5);
    sc->events = ev;
    sc->n_events = 3;
    char groups[2][DCPROJ_ID_LEN] = {"G1", "G2"};
    size_t g1[1] = {0}, g2[1] = {1};
    sc->groups = groups;
    sc->n_groups = 2;
    size_t in_g1[] = {0, 2, 5}, in_g2[] = {1, 4};
    for (size_t k = 0; k < 3; k++) {
        c[in_g1[k]].groups = g1;
        c[in_g1[k]].n_groups = 1;
    }
    for (size_t k = 0; k < 2; k++) {
        c[in_g2[k]].groups = g2;
        c[in_g2[k]].n_groups = 1;
    }

    struct mc_debug all = {.keep_all_cells = 1}, fast1 = {0}, fast2 = {0};
    unsigned char fl_all[10] = {0}, fl1[10] = {0}, fl2[10] = {0};
    struct run *a = mc_run_dbg(sc, 1, 0, &all, fl_all);
    struct run *b = mc_run_dbg(sc, 1, 0, &fast1, fl1);
    struct run *d = mc_run_dbg(sc, 2, 0, &fast2, fl2);
    size_t np = a->res.n_periods, ncells = a->res.n_rows * np;
    ck_assert_uint_eq(np, 37); /* 2023-12, then 36 months */
    ck_assert_uint_eq(all.n_slots, ncells);
    /* four kept parameters, C5 to C8 in full, G1, G2 and TOTAL in full */
    ck_assert_uint_eq(fast1.n_slots, 4 + 4 * np + 3 * np);
    ck_assert_uint_eq(fast2.n_slots, fast1.n_slots);
    for (size_t cell = 0; cell < ncells; cell++)
        for (size_t col = 1; col < 7; col++) {
            double x = a->res.values[cell * 7 + col], y = b->res.values[cell * 7 + col],
                   z = d->res.values[cell * 7 + col];
            ck_assert_msg(memcmp(&x, &y, sizeof x) == 0 && memcmp(&x, &z, sizeof x) == 0,
                          "row %zu period %zu column %zu: %.17g, %.17g, %.17g", cell / np, cell % np,
                          col, x, y, z);
        }
    ck_assert(memcmp(fl_all, fl1, sizeof fl1) == 0 && memcmp(fl_all, fl2, sizeof fl2) == 0);
    ck_assert(fl1[0] == 1);                     /* C0 went below 0 in some draws */
    ck_assert(cell(b, 0, np - 1, 2) == 0.0);    /* so its minimum is the floor */
    ck_assert(cell(b, 0, np - 1, 6) > 0.0);
    /* C4: every quantile is its deterministic value 30·1.02^3 */
    for (size_t col = 2; col < 7; col++)
        ck_assert(fabs(cell(b, 4, np - 1, col) - 30 * pow(1.02, 3)) < 1e-12);
    run_free(a);
    run_free(b);
    run_free(d);
    free(sc->countries);
    free(sc);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The Gaussian copula (SPEC §5.3) on scenarios built by hand                */

static char *corr_paths[4] = {"countries.C0.growth.rate", "countries.C1.growth.rate",
                              "countries.C2.growth.rate", "countries.C3.growth.rate"};

/* scen(n) (n <= 4) with each rate written at countries.Ci.growth.rate. */
static struct dcproj_scenario *corr_scen(size_t n, long long draws)
{
    struct dcproj_scenario *sc = scen(n, draws);
    sc->horizon = 2026;
    for (size_t i = 0; i < n; i++)
        sc->countries[i].growth.rate.path = corr_paths[i];
    return sc;
}

static void corr_free(struct dcproj_scenario *sc)
{
    free(sc->countries);
    free(sc);
}

/* Entry e over paths[first .. first + n) with rho. */
static void entry(struct dcproj_correlation *e, size_t first, size_t n, double rho)
{
    e->params = &corr_paths[first];
    e->n_params = n;
    e->rho = rho;
}

static int build(const struct dcproj_scenario *sc, struct mc_corr *c, struct dcproj_error *err)
{
    struct site_list sl;
    ck_assert_int_eq(sites_build(sc, &sl), DCPROJ_OK);
    dcproj_error_init(err);
    int rc = corr_build(sc, &sl, c, err);
    sites_clear(&sl);
    return rc;
}

START_TEST(test_cholesky_by_hand)
{
    /* three sites alike at 0.5: L = [1; 0.5, sqrt(0.75); 0.5, 0.5/sqrt(3), sqrt(2/3)] */
    struct dcproj_scenario *sc = corr_scen(3, 0);
    struct dcproj_correlation e[1];
    entry(&e[0], 0, 3, 0.5);
    sc->correlations = e;
    sc->n_correlations = 1;
    struct mc_corr c;
    struct dcproj_error err;
    ck_assert_int_eq(build(sc, &c, &err), DCPROJ_OK);
    ck_assert_uint_eq(c.k, 3);
    double want[9] = {1, 0, 0, 0.5, sqrt(0.75), 0, 0.5, 0.5 / sqrt(3.0), sqrt(2.0 / 3.0)};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(c.index[i], (long)i);
        for (size_t j = 0; j <= i; j++)
            ck_assert_double_eq_tol(c.L[i * 3 + j], want[i * 3 + j], 1e-15);
    }
    /* z = L·eps */
    double eps[3] = {1, 2, 3}, z[3];
    corr_scores(&c, eps, z);
    ck_assert_double_eq_tol(z[1], 0.5 + 2 * sqrt(0.75), 1e-15);
    corr_clear(&c);
    corr_free(sc);
}
END_TEST

START_TEST(test_override_and_unpaired)
{
    /* C0–C1 at 0.3, then C1–C2 at 0.2, then C0–C1 again at -0.6 (overrides);
       C3 is named by an entry of its own, which pairs nothing */
    struct dcproj_scenario *sc = corr_scen(4, 0);
    struct dcproj_correlation e[4];
    entry(&e[0], 0, 2, 0.3);
    entry(&e[1], 1, 2, 0.2);
    entry(&e[2], 0, 2, -0.6);
    entry(&e[3], 3, 1, 0.9);
    sc->correlations = e;
    sc->n_correlations = 4;
    struct mc_corr c;
    struct dcproj_error err;
    ck_assert_int_eq(build(sc, &c, &err), DCPROJ_OK);
    ck_assert_uint_eq(c.k, 3);
    ck_assert_int_eq(c.index[3], -1);
    /* row 1 of L: (C10, sqrt(1 - C10²)) with C10 = -0.6 */
    ck_assert_double_eq_tol(c.L[1 * 3 + 0], -0.6, 1e-15);
    ck_assert_double_eq_tol(c.L[1 * 3 + 1], 0.8, 1e-15);
    /* row 2: C20 = 0, C21 = 0.2: L21 = 0.2/0.8 */
    ck_assert_double_eq_tol(c.L[2 * 3 + 0], 0.0, 1e-15);
    ck_assert_double_eq_tol(c.L[2 * 3 + 1], 0.25, 1e-15);
    corr_clear(&c);
    corr_free(sc);
}
END_TEST

START_TEST(test_not_positive_definite_blames_entries)
{
    struct dcproj_scenario *sc = corr_scen(3, 0);
    struct dcproj_correlation e[3];
    struct mc_corr c;
    struct dcproj_error err;
    /* 0.6, 0.6 are fine; with C0–C2 = -0.6 the determinant is 0.64 - 1.152 */
    entry(&e[0], 0, 2, 0.6);
    entry(&e[1], 1, 2, 0.6);
    e[2].params = (char *[]){corr_paths[0], corr_paths[2]};
    e[2].n_params = 2;
    e[2].rho = -0.6;
    sc->correlations = e;
    sc->n_correlations = 3;
    ck_assert_int_eq(build(sc, &c, &err), DCPROJ_ERR_DATA);
    ck_assert_str_eq(err.items[0].path, "uncertainty.correlation[2]");
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "[0], [1]"));
    /* -0.9 between C0 and C1 against 0.9, 0.9 from C2: the pair [1], [2] */
    entry(&e[0], 0, 2, 0.1);
    e[1].params = (char *[]){corr_paths[0], corr_paths[2]};
    e[1].n_params = 2;
    e[1].rho = 0.9;
    entry(&e[2], 1, 2, -0.9);
    ck_assert_int_eq(build(sc, &c, &err), DCPROJ_ERR_DATA);
    ck_assert_str_eq(err.items[0].path, "uncertainty.correlation[2]");
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "uncertainty.correlation[1]"));
    /* one entry alone: three sites alike need rho > -1/2 */
    entry(&e[0], 0, 3, -0.5);
    sc->n_correlations = 1;
    ck_assert_int_eq(build(sc, &c, &err), DCPROJ_ERR_DATA);
    ck_assert_str_eq(err.items[0].path, "uncertainty.correlation[0]");
    entry(&e[0], 0, 3, -0.49);
    ck_assert_int_eq(build(sc, &c, &err), DCPROJ_OK);
    corr_clear(&c);
    corr_free(sc);
}
END_TEST

START_TEST(test_only_correlated_sites_change)
{
    struct dcproj_scenario *sc = corr_scen(4, 3000);
    struct run *plain = mc_run(sc, 1, 0);
    struct dcproj_correlation e[1];
    entry(&e[0], 1, 2, 0.8);   /* C1, C2 */
    sc->correlations = e;
    sc->n_correlations = 1;
    struct run *r1 = mc_run(sc, 1, 0), *r2 = mc_run(sc, 2, 0);
    size_t n = r1->res.n_rows * r1->res.n_periods * r1->res.n_cols, per_row = n / 5;
    const double *p0 = plain->res.values, *c1 = r1->res.values;
    /* C0 and C3 bit for bit as without correlation; C1, C2 and TOTAL differ */
    ck_assert_int_eq(memcmp(p0, c1, per_row * sizeof(double)), 0);
    ck_assert_int_eq(memcmp(p0 + 3 * per_row, c1 + 3 * per_row, per_row * sizeof(double)), 0);
    ck_assert_int_ne(memcmp(p0 + per_row, c1 + per_row, per_row * sizeof(double)), 0);
    ck_assert_int_ne(memcmp(p0 + 2 * per_row, c1 + 2 * per_row, per_row * sizeof(double)), 0);
    ck_assert_int_ne(memcmp(p0 + 4 * per_row, c1 + 4 * per_row, per_row * sizeof(double)), 0);
    /* any number of threads */
    ck_assert_int_eq(memcmp(c1, r2->res.values, n * sizeof(double)), 0);
    run_free(plain);
    run_free(r1);
    run_free(r2);
    corr_free(sc);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("montecarlo");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_normal_rate_quantiles);
    tcase_add_test(tc, test_bernoulli_event);
    tcase_add_test(tc, test_thread_invariance_and_seed);
    tcase_add_test(tc, test_total_band_narrower);
    tcase_add_test(tc, test_streaming_close_to_exact);
    tcase_add_test(tc, test_uniform_quantiles_exact);
    tcase_add_test(tc, test_selection_equals_sorting);
    tcase_add_test(tc, test_kept_parameter_equals_kept_cells);
    tcase_add_test(tc, test_filtered_selection_equals_sorting);
    tcase_add_test(tc, test_cholesky_by_hand);
    tcase_add_test(tc, test_override_and_unpaired);
    tcase_add_test(tc, test_not_positive_definite_blames_entries);
    tcase_add_test(tc, test_only_correlated_sites_change);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
