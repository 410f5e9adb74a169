/*
 * test_corr.c — draw sites and the Gaussian copula (SPEC §5.2, §5.3) on
 * scenarios built by hand: the Cholesky factor of hand-computed matrices,
 * later entries overriding earlier ones, entries that pair nothing, the
 * entries a non-positive-definite matrix is blamed on, and that adding a
 * correlation changes only the correlated countries' draws.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "model_int.h"

static double quantiles3[3] = {0.05, 0.5, 0.95};
static char *paths[4] = {"countries.C0.growth.rate", "countries.C1.growth.rate",
                         "countries.C2.growth.rate", "countries.C3.growth.rate"};

/* n countries (n <= 4), C0 = 100, compound rate normal(0.1, 0.05) written
 * at countries.Ci.growth.rate, B = 2023, H = 2026. */
static struct dcproj_scenario *scen(size_t n, long long draws)
{
    struct dcproj_scenario *sc = calloc(1, sizeof *sc);
    sc->file = "corr.json";
    sc->baseline_year = 2023;
    sc->horizon = 2026;
    sc->countries = calloc(n, sizeof *sc->countries);
    sc->n_countries = n;
    sc->draws = draws;
    sc->seed = 5;
    sc->quantiles = quantiles3;
    sc->n_quantiles = 3;
    for (size_t i = 0; i < n; i++) {
        struct dcproj_country *c = &sc->countries[i];
        snprintf(c->code, sizeof c->code, "C%zu", i);
        c->name = "";
        c->has_baseline = 1;
        c->baseline.v.var = -1;
        c->baseline.v.number = 100;
        c->growth.model = DCPROJ_MODEL_COMPOUND;
        c->growth.rate.dist = DCPROJ_DIST_NORMAL;
        c->growth.rate.path = paths[i];
        c->growth.rate.f[0] = (struct dcproj_value){-1, 0.1, 1, 0};
        c->growth.rate.f[1] = (struct dcproj_value){-1, 0.05, 1, 0};
        c->growth.rate.f[2].var = -1;
    }
    return sc;
}

static void scen_free(struct dcproj_scenario *sc)
{
    free(sc->countries);
    free(sc);
}

/* Entry e over paths[first .. first + n) with rho. */
static void entry(struct dcproj_correlation *e, size_t first, size_t n, double rho)
{
    e->params = &paths[first];
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
    struct dcproj_scenario *sc = scen(3, 0);
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
    scen_free(sc);
}
END_TEST

START_TEST(test_override_and_unpaired)
{
    /* C0–C1 at 0.3, then C1–C2 at 0.2, then C0–C1 again at -0.6 (overrides);
       C3 is named by an entry of its own, which pairs nothing */
    struct dcproj_scenario *sc = scen(4, 0);
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
    scen_free(sc);
}
END_TEST

START_TEST(test_not_positive_definite_blames_entries)
{
    struct dcproj_scenario *sc = scen(3, 0);
    struct dcproj_correlation e[3];
    struct mc_corr c;
    struct dcproj_error err;
    /* 0.6, 0.6 are fine; with C0–C2 = -0.6 the determinant is 0.64 - 1.152 */
    entry(&e[0], 0, 2, 0.6);
    entry(&e[1], 1, 2, 0.6);
    e[2].params = (char *[]){paths[0], paths[2]};
    e[2].n_params = 2;
    e[2].rho = -0.6;
    sc->correlations = e;
    sc->n_correlations = 3;
    ck_assert_int_eq(build(sc, &c, &err), DCPROJ_ERR_DATA);
    ck_assert_str_eq(err.items[0].path, "uncertainty.correlation[2]");
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "[0], [1]"));
    /* -0.9 between C0 and C1 against 0.9, 0.9 from C2: the pair [1], [2] */
    entry(&e[0], 0, 2, 0.1);
    e[1].params = (char *[]){paths[0], paths[2]};
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
    scen_free(sc);
}
END_TEST

/* Monte Carlo of `sc`: the mean and quantile columns of every cell. */
static double *mc(const struct dcproj_scenario *sc, int threads, size_t *n)
{
    struct model m;
    struct dcproj_result res;
    memset(&res, 0, sizeof res);
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(model_init(&m, sc, &err), DCPROJ_OK);
    ck_assert_int_eq(model_periods(sc->baseline_year, sc->horizon, sc->step, &res.periods,
                                   &res.n_periods), DCPROJ_OK);
    res.n_rows = sc->n_countries + 1;
    res.n_cols = 2 + sc->n_quantiles;
    *n = res.n_rows * res.n_periods * res.n_cols;
    res.values = calloc(*n, sizeof(double));
    struct dcproj_run_options opt;
    memset(&opt, 0, sizeof opt);
    opt.threads = threads;
    unsigned char floored[8] = {0};
    ck_assert_int_eq(montecarlo_fill(&m, NULL, &opt, &res, 1, floored, NULL, &err), DCPROJ_OK);
    model_clear(&m);
    free(res.periods);
    return res.values;
}

START_TEST(test_only_correlated_sites_change)
{
    struct dcproj_scenario *sc = scen(4, 3000);
    size_t n;
    double *plain = mc(sc, 1, &n);
    struct dcproj_correlation e[1];
    entry(&e[0], 1, 2, 0.8);   /* C1, C2 */
    sc->correlations = e;
    sc->n_correlations = 1;
    double *corr1 = mc(sc, 1, &n), *corr2 = mc(sc, 2, &n);
    size_t per_row = n / 5;
    /* C0 and C3 bit for bit as without correlation; C1, C2 and TOTAL differ */
    ck_assert_int_eq(memcmp(plain, corr1, per_row * sizeof(double)), 0);
    ck_assert_int_eq(memcmp(plain + 3 * per_row, corr1 + 3 * per_row, per_row * sizeof(double)), 0);
    ck_assert_int_ne(memcmp(plain + per_row, corr1 + per_row, per_row * sizeof(double)), 0);
    ck_assert_int_ne(memcmp(plain + 2 * per_row, corr1 + 2 * per_row, per_row * sizeof(double)), 0);
    ck_assert_int_ne(memcmp(plain + 4 * per_row, corr1 + 4 * per_row, per_row * sizeof(double)), 0);
    /* any number of threads */
    ck_assert_int_eq(memcmp(corr1, corr2, n * sizeof(double)), 0);
    free(plain);
    free(corr1);
    free(corr2);
    scen_free(sc);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("corr");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
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
