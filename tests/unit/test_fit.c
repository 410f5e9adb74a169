/* test_fit.c — least-squares fits of growth curves (SPEC §3 model 5).
 * Expectations are independent of fit.c: the closed-form OLS line and its
 * textbook standard errors, exact data generated from known parameters,
 * and hand-checked ill-posed histories.  The comparison with
 * scipy.optimize.curve_fit lives in tests/tools/fit_scipy.py. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fit_int.h"

static int close_rel(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + 1e-300;
}

/* A linear fit with absolute errors is ordinary least squares: slope
 * Stv/Stt, intercept at t = 0, se(a) = s/sqrt(Stt), se(C0) =
 * s·sqrt(1/n + mean(t)²/Stt), s² = SSE/(n − 2). */
START_TEST(linear_is_ols)
{
    const double t[] = {-5, -4, -3, -2, -1, 0};
    const double y[] = {1.0, 2.1, 2.9, 4.2, 4.8, 6.3};
    size_t n = 6;
    double mt = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mt += t[i] / n;
        my += y[i] / n;
    }
    double stt = 0, sty = 0;
    for (size_t i = 0; i < n; i++) {
        stt += (t[i] - mt) * (t[i] - mt);
        sty += (t[i] - mt) * (y[i] - my);
    }
    double a = sty / stt, c0 = my - a * mt, sse = 0;
    for (size_t i = 0; i < n; i++)
        sse += (c0 + a * t[i] - y[i]) * (c0 + a * t[i] - y[i]);
    double s = sqrt(sse / (n - 2));
    struct fit_estimate est;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(fit_estimate(DCPROJ_FIT_LINEAR, FIT_ERRORS_ABSOLUTE, t, y, n, &est, "f",
                                  "countries.X.growth", &err),
                     DCPROJ_OK);
    ck_assert_uint_eq(est.p, 2);
    ck_assert(close_rel(est.theta[0], c0, 1e-10));
    ck_assert(close_rel(est.theta[1], a, 1e-10));
    ck_assert(close_rel(est.se[1], s / sqrt(stt), 1e-8));
    ck_assert(close_rel(est.se[0], s * sqrt(1.0 / n + mt * mt / stt), 1e-8));
    ck_assert(close_rel(est.rmse, sqrt(sse / n), 1e-10));
    /* hand arithmetic for this data: Stt = 17.5, Sty = Σ(t − mean t)·y = 17.95 */
    ck_assert(close_rel(stt, 17.5, 1e-14));
    ck_assert(close_rel(est.theta[1], 17.95 / 17.5, 1e-10));
}
END_TEST

/* Exact compound data 3·1.2^t: the fit returns (3, 0.2) and a zero rmse,
 * with either error kind. */
START_TEST(compound_exact)
{
    double t[7], y[7];
    for (int i = 0; i < 7; i++) {
        t[i] = -6 + i;
        y[i] = 3.0 * pow(1.2, t[i]);
    }
    for (int kind = 0; kind < 2; kind++) {
        struct fit_estimate est;
        struct dcproj_error err;
        dcproj_error_init(&err);
        ck_assert_int_eq(fit_estimate(DCPROJ_FIT_COMPOUND, (enum fit_errors)kind, t, y, 7, &est,
                                      "f", "p", &err),
                         DCPROJ_OK);
        ck_assert(close_rel(est.theta[0], 3.0, 1e-10));
        ck_assert(close_rel(est.theta[1], 0.2, 1e-10));
        ck_assert(est.rmse < 1e-10);
        ck_assert(fabs(fit_curve_at(DCPROJ_FIT_COMPOUND, est.theta, 2.0) - 4.32) < 1e-9);
    }
}
END_TEST

/* Exact logistic data K = 10, C0 = 4, k = 0.5 on t = −8…0. */
START_TEST(logistic_exact)
{
    double t[9], y[9];
    for (int i = 0; i < 9; i++) {
        t[i] = -8 + i;
        y[i] = 10.0 / (1.0 + 1.5 * exp(-0.5 * t[i]));
    }
    struct fit_estimate est;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(fit_estimate(DCPROJ_FIT_LOGISTIC, FIT_ERRORS_ABSOLUTE, t, y, 9, &est, "f",
                                  "p", &err),
                     DCPROJ_OK);
    ck_assert_uint_eq(est.p, 3);
    ck_assert(close_rel(est.theta[0], 4.0, 1e-8));
    ck_assert(close_rel(est.theta[1], 10.0, 1e-8));
    ck_assert(close_rel(est.theta[2], 0.5, 1e-8));
    ck_assert_str_eq(fit_param_name(DCPROJ_FIT_LOGISTIC, 1), "K");
    ck_assert_str_eq(fit_param_name(DCPROJ_FIT_LOGISTIC, 2), "k");
}
END_TEST

static void expect_error(enum dcproj_fit_curve curve, enum fit_errors kind, const double *t,
                         const double *y, size_t n, const char *needle)
{
    struct fit_estimate est;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(fit_estimate(curve, kind, t, y, n, &est, "s.json", "countries.IE.growth",
                                  &err),
                     DCPROJ_ERR_DATA);
    ck_assert_str_eq(err.items[0].path, "countries.IE.growth");
    if (strstr(err.items[0].message, needle) == NULL)
        ck_abort_msg("message \"%s\" lacks \"%s\"", err.items[0].message, needle);
}

START_TEST(ill_posed)
{
    const double t3[] = {-2, -1, 0};
    const double rising[] = {1, 2, 3};
    /* n ≤ p: a logistic needs 4 years */
    expect_error(DCPROJ_FIT_LOGISTIC, FIT_ERRORS_ABSOLUTE, t3, rising, 3, "at least 4");
    expect_error(DCPROJ_FIT_LINEAR, FIT_ERRORS_ABSOLUTE, t3, rising, 2, "at least 3");
    /* relative errors and a zero value */
    const double zero[] = {0, 2, 3};
    expect_error(DCPROJ_FIT_COMPOUND, FIT_ERRORS_RELATIVE, t3, zero, 3, "relative");
    /* a single positive value: the guess has nothing to go on */
    const double one[] = {0, 0, 3};
    expect_error(DCPROJ_FIT_COMPOUND, FIT_ERRORS_ABSOLUTE, t3, one, 3, "does not rise");
    /* a falling history for a logistic */
    const double t5[] = {-4, -3, -2, -1, 0};
    const double falling[] = {5, 4, 3, 2, 1};
    expect_error(DCPROJ_FIT_LOGISTIC, FIT_ERRORS_ABSOLUTE, t5, falling, 5, "does not rise");
    /* pure exponential growth: nothing bends, so nothing fixes the cap */
    double te[11], ye[11];
    for (int i = 0; i < 11; i++) {
        te[i] = -10 + i;
        ye[i] = 100.0 * pow(1.3, te[i]);
    }
    expect_error(DCPROJ_FIT_LOGISTIC, FIT_ERRORS_ABSOLUTE, te, ye, 11, "cap");
    /* three observations at one time: the slope is not determined */
    const double same_t[] = {0, 0, 0};
    expect_error(DCPROJ_FIT_LINEAR, FIT_ERRORS_ABSOLUTE, same_t, rising, 3, "singular");
}
END_TEST

/* Cholesky factor of a hand-made covariance, with and without C0, and the
 * clamps of a draw. */
START_TEST(cholesky_and_draw)
{
    struct fit_estimate est;
    memset(&est, 0, sizeof est);
    est.curve = DCPROJ_FIT_LOGISTIC;
    est.p = 3;
    est.theta[0] = 2;
    est.theta[1] = 10;
    est.theta[2] = 0.3;
    double cov[3][3] = {{4, 2, 0}, {2, 5, 1}, {0, 1, 2}};
    memcpy(est.cov, cov, sizeof cov);
    double L[9];
    size_t k = 0;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(fit_cholesky(&est, 0, L, &k, "f", "p", &err), DCPROJ_OK);
    ck_assert_uint_eq(k, 3);
    /* L = [[2,0,0],[1,2,0],[0,0.5,sqrt(1.75)]] by hand */
    ck_assert(close_rel(L[0], 2, 1e-15) && L[1] == 0 && L[2] == 0);
    ck_assert(close_rel(L[3], 1, 1e-15) && close_rel(L[4], 2, 1e-15));
    ck_assert(close_rel(L[7], 0.5, 1e-15) && close_rel(L[8], sqrt(1.75), 1e-15));
    ck_assert_int_eq(fit_cholesky(&est, 1, L, &k, "f", "p", &err), DCPROJ_OK);
    ck_assert_uint_eq(k, 2);
    ck_assert(close_rel(L[0], sqrt(5), 1e-15) && close_rel(L[2], 1 / sqrt(5), 1e-15));
    /* anchored draw: C0 = 3, K = 10 + sqrt5·1, k = 0.3 + (1/sqrt5)·1 + L11·0.1 */
    double eps[2] = {1, 0.1}, th[3];
    fit_draw(&est, 1, 3.0, L, 2, eps, th);
    ck_assert(th[0] == 3.0);
    ck_assert(close_rel(th[1], 10 + sqrt(5), 1e-14));
    ck_assert(close_rel(th[2], 0.3 + 1 / sqrt(5) + 0.1 * sqrt(2 - 0.2), 1e-12));
    /* clamps: k ≥ 1e-9, then K ≥ C0·(1 + 1e-9) */
    double big[3] = {0, -100, -100};
    ck_assert_int_eq(fit_cholesky(&est, 0, L, &k, "f", "p", &err), DCPROJ_OK);
    fit_draw(&est, 0, 0, L, 3, big, th);
    ck_assert(th[0] >= 1e-9 * 2 && th[2] == 1e-9 && th[1] >= th[0] * (1 + 1e-9));
    /* not positive definite */
    est.cov[2][2] = -1;
    ck_assert_int_eq(fit_cholesky(&est, 0, L, &k, "f", "p", &err), DCPROJ_ERR_DATA);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, linear_is_ols);
    tcase_add_test(tc, compound_exact);
    tcase_add_test(tc, logistic_exact);
    tcase_add_test(tc, ill_posed);
    tcase_add_test(tc, cholesky_and_draw);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
