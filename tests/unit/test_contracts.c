/* test_contracts.c — the contracts of the public headers, through the
 * shared library alone (it links libdcproj, not the module sources, so it
 * sees exactly what a host program sees):
 *   - a zero-initialised struct dcproj_load_options means "the scenario's
 *     own settings" (a quarterly scenario stayed quarterly, uncertain.json
 *     keeps its 10,000 draws and seed 2025 — both were lost before);
 *   - the library does not depend on the host's locale: a host that calls
 *     setlocale(LC_ALL, "de_DE.UTF-8") gets the quantile column "p2.5", not
 *     "p2,5" (test_locale_host, a separate program, because it changes the
 *     whole process's locale and must skip when the locale is missing). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/dcproj.h"
#include "dcproj/prepared.h"

static struct dcproj_scenario *load(const char *rel, const struct dcproj_load_options *opt)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", DCPROJ_SOURCE_ROOT, rel);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    int rc = dcproj_scenario_load(path, opt, &sc, &err);
    if (rc != DCPROJ_OK) {
        char buf[1024];
        dcproj_error_format(&err, 0, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    ck_assert_int_eq(rc, DCPROJ_OK);
    return sc;
}

START_TEST(test_zero_options_keep_the_scenario)
{
    struct dcproj_load_options zero;
    memset(&zero, 0, sizeof zero);
    /* "step": "quarter" in the file */
    struct dcproj_scenario *sc = load("tests/data/conformance/points-quarterly.json", &zero);
    ck_assert_int_eq(sc->step, DCPROJ_STEP_QUARTER);
    dcproj_scenario_free(sc);
    /* "uncertainty": {"draws": 10000, "seed": 2025, "quantiles": [0.05, 0.5, 0.95]} */
    sc = load("scenarios/what-if/uncertain.json", &zero);
    ck_assert_int_eq(sc->draws, 10000);
    ck_assert_uint_eq(sc->seed, 2025);
    ck_assert_uint_eq(sc->n_quantiles, 3);
    dcproj_scenario_free(sc);
    /* dcproj_load_options_init() is the same zero */
    struct dcproj_load_options init;
    memset(&init, 0xA5, sizeof init);
    dcproj_load_options_init(&init);
    ck_assert_mem_eq(&init, &zero, sizeof zero);
}
END_TEST

START_TEST(test_override_zero_values)
{
    /* every value can be asked for, 0 included, once its bit is set */
    struct dcproj_load_options o;
    dcproj_load_options_init(&o);
    o.step = DCPROJ_STEP_YEAR;
    o.draws = 0;
    o.seed = 0;
    o.set = DCPROJ_LOAD_SET_STEP | DCPROJ_LOAD_SET_DRAWS | DCPROJ_LOAD_SET_SEED;
    struct dcproj_scenario *sc = load("tests/data/conformance/points-quarterly.json", &o);
    ck_assert_int_eq(sc->step, DCPROJ_STEP_YEAR);
    dcproj_scenario_free(sc);
    sc = load("scenarios/what-if/uncertain.json", &o);
    ck_assert_int_eq(sc->draws, 0);
    ck_assert_uint_eq(sc->seed, 0);
    dcproj_scenario_free(sc);
}
END_TEST

/* Output to a buffer and to a callback equals output to a FILE; a callback
 * that refuses makes the write fail with DCPROJ_ERR_IO. */
struct collect {
    char buf[1 << 16];
    size_t len;
    int refuse_after; /* calls to accept before refusing; -1 never */
    int calls;
};

static int collect_write(void *ctx, const char *data, size_t len)
{
    struct collect *c = ctx;
    if (c->refuse_after >= 0 && c->calls >= c->refuse_after)
        return 1;
    c->calls++;
    ck_assert_uint_le(c->len + len, sizeof c->buf);
    memcpy(c->buf + c->len, data, len);
    c->len += len;
    return 0;
}

START_TEST(test_output_targets)
{
    struct dcproj_scenario *sc = load("tests/data/conformance/basic.json", NULL);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_result *res = NULL;
    ck_assert_int_eq(dcproj_project(sc, NULL, &res, &err), DCPROJ_OK);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    char *file_text = NULL;
    size_t file_len = 0;
    FILE *f = open_memstream(&file_text, &file_len);
    ck_assert_int_eq(dcproj_report_write(res, &fmt, f, &err), DCPROJ_OK);
    fclose(f);
    ck_assert_uint_gt(file_len, 100);

    char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(dcproj_report_write_buffer(res, &fmt, &buf, &len, &err), DCPROJ_OK);
    ck_assert_uint_eq(len, file_len);
    ck_assert_mem_eq(buf, file_text, len);
    ck_assert_int_eq(buf[len], '\0');
    dcproj_buffer_free(buf);

    static struct collect c;
    memset(&c, 0, sizeof c);
    c.refuse_after = -1;
    ck_assert_int_eq(dcproj_report_write_callback(res, &fmt, collect_write, &c, &err), DCPROJ_OK);
    ck_assert_uint_eq(c.len, file_len);
    ck_assert_mem_eq(c.buf, file_text, file_len);

    memset(&c, 0, sizeof c);
    c.refuse_after = 0;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_report_write_callback(res, &fmt, collect_write, &c, &err),
                     DCPROJ_ERR_IO);
    free(file_text);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
}
END_TEST

/* The prepared evaluator copies the rows of countries no set slot feeds
 * from the base projection (frozen or nothing to solve).  Its numbers must
 * be a full projection's, and a country floored in the base itself must
 * still make every evaluation report the warning (the copy keeps no floor
 * flag, so the copy is not taken then). */
static void evaluate_vs_full(const char *set_extra, int expect_warned)
{
    struct dcproj_patch patch[2] = {{DCPROJ_PATCH_SET, set_extra},
                                    {DCPROJ_PATCH_SET, "countries.IE.baseline=250"}};
    struct dcproj_load_options opt;
    dcproj_load_options_init(&opt);
    opt.patches = set_extra != NULL ? patch : NULL;
    opt.n_patches = set_extra != NULL ? 1 : 0;
    struct dcproj_scenario *sc = load("tests/data/conformance/basic.json", &opt);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_prepared *prep = NULL;
    ck_assert_int_eq(dcproj_prepared_new(sc, &prep, &err), DCPROJ_OK);
    size_t slot;
    ck_assert_uint_eq(dcproj_prepared_find(prep, "countries.IE.baseline", &slot, 1), 1);
    struct dcproj_evaluator *ev = NULL;
    ck_assert_int_eq(dcproj_evaluator_new(prep, &ev), DCPROJ_OK);
    dcproj_evaluator_set(ev, slot, 250);
    const struct dcproj_result *b = dcproj_prepared_base(prep);
    size_t total = b->n_rows - 1;
    double *got = calloc(b->n_periods, sizeof *got);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(dcproj_evaluator_run(ev, total, 0, got, &err), DCPROJ_OK);
    ck_assert_int_eq(dcproj_evaluator_warned(ev), expect_warned);

    /* the same scenario loaded with the --set, projected in full */
    opt.patches = set_extra != NULL ? patch : &patch[1];
    opt.n_patches = set_extra != NULL ? 2 : 1;
    struct dcproj_scenario *sc2 = load("tests/data/conformance/basic.json", &opt);
    struct dcproj_result *full = NULL;
    ck_assert_int_eq(dcproj_project(sc2, NULL, &full, &err), DCPROJ_OK);
    ck_assert_int_eq(full->warnings.n > 0, expect_warned);
    ck_assert_double_ne(dcproj_result_at(full, total, b->n_periods - 1, 0),
                        dcproj_result_at(b, total, b->n_periods - 1, 0)); /* IE counts */
    for (size_t p = 0; p < b->n_periods; p++)
        ck_assert_msg(got[p] == dcproj_result_at(full, total, p, 0),
                      "period %zu: evaluator %.17g, full projection %.17g", p, got[p],
                      dcproj_result_at(full, total, p, 0));
    dcproj_result_free(full);
    dcproj_scenario_free(sc2);
    free(got);
    dcproj_evaluator_free(ev);
    dcproj_prepared_free(prep);
    dcproj_scenario_free(sc);
}

START_TEST(test_evaluator_copies_unchanged_countries)
{
    evaluate_vs_full(NULL, 0);
    evaluate_vs_full("events[0].add=-100000", 1); /* ES floored in the base */
}
END_TEST

/* A scenario of `n` countries, monthly 2023-12 .. 2030-12 with power (85
 * periods x 4 columns: 200 countries are 68,000 cells, enough for the
 * countries to be projected by threads), each country in one of 3 groups,
 * an event every 7th country; the countries at `bad1` and `bad2` (or -1)
 * grow at 1e200 a year, so their capacity overflows. */
static struct dcproj_scenario *many_countries_with(int n, int bad1, int bad2,
                                                   const struct dcproj_load_options *with)
{
    size_t cap = 256 + (size_t)n * 256;
    char *json = malloc(cap);
    ck_assert_ptr_nonnull(json);
    size_t len = (size_t)snprintf(json, cap,
                                  "{\"dcproj\": 1, \"name\": \"many\", \"baseline_year\": 2023, "
                                  "\"horizon\": 2030, \"step\": \"month\", \"power\": "
                                  "{\"pue\": 1.2, \"utilization\": 0.6}, \"countries\": {");
    for (int i = 0; i < n; i++) {
        double rate = i == bad1 || i == bad2 ? 1e200 : -0.05 + 0.002 * i;
        len += (size_t)snprintf(json + len, cap - len,
                                "%s\"C%03d\": {\"baseline\": %d.5, \"groups\": [\"G%d\"], "
                                "\"growth\": {\"model\": \"compound\", \"rate\": %.17g}}",
                                i > 0 ? ", " : "", i, 50 + i, i % 3, rate);
    }
    len += (size_t)snprintf(json + len, cap - len, "}, \"events\": [");
    for (int i = 0, k = 0; i < n; i += 7, k++)
        len += (size_t)snprintf(json + len, cap - len,
                                "%s{\"country\": \"C%03d\", \"date\": \"2026-0%d\", "
                                "\"add\": %d, \"ramp_months\": %d}",
                                k > 0 ? ", " : "", i, 1 + i % 9, i % 2 ? 40 : -30, i % 13);
    len += (size_t)snprintf(json + len, cap - len, "]}");
    ck_assert_uint_lt(len, cap);
    struct dcproj_load_options opt;
    dcproj_load_options_init(&opt);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    int rc = dcproj_scenario_load_buffer("many.json", json, len, NULL, with != NULL ? with : &opt,
                                         &sc, &err);
    if (rc != DCPROJ_OK) {
        char buf[1024];
        dcproj_error_format(&err, 0, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    ck_assert_int_eq(rc, DCPROJ_OK);
    free(json);
    return sc;
}

static struct dcproj_scenario *many_countries(int n, int bad1, int bad2)
{
    return many_countries_with(n, bad1, bad2, NULL);
}

/* Countries are projected by threads in large tables; the values, the
 * warnings and an error must be the same bytes for any thread count: the
 * sums come after, in file order, and the error is the first failing
 * country's in file order. */
START_TEST(test_projection_threads)
{
    struct dcproj_scenario *sc = many_countries(200, -1, -1);
    struct dcproj_result *res[3] = {NULL, NULL, NULL};
    static const int threads[3] = {1, 2, 4};
    for (int k = 0; k < 3; k++) {
        struct dcproj_run_options ro;
        dcproj_run_options_init(&ro);
        ro.threads = threads[k];
        struct dcproj_error err;
        dcproj_error_init(&err);
        ck_assert_int_eq(dcproj_project(sc, &ro, &res[k], &err), DCPROJ_OK);
    }
    size_t n = res[0]->n_rows * res[0]->n_periods * res[0]->n_cols;
    ck_assert_uint_ge(sc->n_countries * res[0]->n_periods * res[0]->n_cols, 65536);
    for (int k = 1; k < 3; k++) {
        ck_assert_int_eq(memcmp(res[0]->values, res[k]->values, n * sizeof(double)), 0);
        ck_assert_uint_eq(res[0]->warnings.n, res[k]->warnings.n);
    }
    /* TOTAL at the first period is the sum of the baselines, 50.5 .. 249.5 */
    double t0 = dcproj_result_at(res[0], res[0]->n_rows - 1, 0, 0);
    ck_assert_double_eq(t0, 200 * 50.5 + 199.0 * 200 / 2);
    for (int k = 0; k < 3; k++)
        dcproj_result_free(res[k]);
    dcproj_scenario_free(sc);

    sc = many_countries(200, 150, 70); /* chunks of 64: different threads */
    char first[1024] = "";
    for (int k = 0; k < 3; k++) {
        struct dcproj_run_options ro;
        dcproj_run_options_init(&ro);
        ro.threads = threads[k];
        struct dcproj_error err;
        dcproj_error_init(&err);
        struct dcproj_result *r = NULL;
        ck_assert_int_eq(dcproj_project(sc, &ro, &r, &err), DCPROJ_ERR_DATA);
        ck_assert_int_eq(err.count, 1);
        char msg[1024];
        dcproj_error_format(&err, 0, msg, sizeof msg);
        ck_assert_msg(strstr(msg, "countries.C070:") != NULL, "%d threads: %s", threads[k], msg);
        if (k == 0)
            snprintf(first, sizeof first, "%s", msg);
        ck_assert_str_eq(msg, first);
    }
    dcproj_scenario_free(sc);
}
END_TEST

/* Load options for "the median of `draws` Monte Carlo draws of the
 * metrics in `patch`" (nothing else uncertain unless the scenario says so). */
static void median_options(struct dcproj_load_options *opt, const struct dcproj_patch *patch,
                           long long draws)
{
    dcproj_load_options_init(opt);
    opt->patches = patch;
    opt->n_patches = 1;
    opt->draws = draws;
    opt->set |= DCPROJ_LOAD_SET_DRAWS;
}

/* With nothing uncertain every draw is the deterministic value, so in each
 * country row the column `col_p50` must equal `col` bit for bit, from
 * period `from` on.  Returns the number of cells compared. */
static size_t assert_median_is_column(const struct dcproj_result *res, const char *col,
                                      const char *col_p50, size_t from)
{
    long det = dcproj_result_find_col(res, col);
    long med = dcproj_result_find_col(res, col_p50);
    ck_assert_int_ge(det, 0);
    ck_assert_int_ge(med, 0);
    size_t compared = 0;
    for (size_t r = 0; r < res->n_rows; r++) {
        if (res->rows[r].kind != DCPROJ_ROW_COUNTRY)
            continue; /* aggregates: sums of draws in another order */
        for (size_t p = from; p < res->n_periods; p++) {
            double a = dcproj_result_at(res, r, p, (size_t)det);
            double b = dcproj_result_at(res, r, p, (size_t)med);
            ck_assert_msg(a == b, "%s %s %s: %.17g, median of the draws %.17g",
                          res->rows[r].code, res->periods[p].label, col, a, b);
            compared++;
        }
    }
    return compared;
}

/* SPEC §3.7: facility_mw = it_load_mw·pue, rounded in that order, in the
 * deterministic column and in every Monte Carlo draw alike (one function,
 * model_power_at).  With nothing uncertain every draw is the deterministic
 * value, so the median must be the column itself, bit for bit; the draws
 * computed C·(u·pue) before, and 27 of the Microsoft scenario's 105 cells
 * differed in the last digit. */
START_TEST(test_power_columns_same_rounding_in_draws)
{
    struct dcproj_patch patch = {DCPROJ_PATCH_SET, "uncertainty={\"metrics\": [\"capacity\", "
                                                   "\"it_load_mw\", \"facility_mw\"], "
                                                   "\"quantiles\": [0.5]}"};
    struct dcproj_load_options opt;
    median_options(&opt, &patch, 16);
    struct dcproj_scenario *sc = load("scenarios/microsoft-europe-2025.json", &opt);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_result *res = NULL;
    ck_assert_int_eq(dcproj_project(sc, NULL, &res, &err), DCPROJ_OK);
    ck_assert_uint_gt(assert_median_is_column(res, "it_load_mw", "it_load_mw_p50", 0), 0);
    ck_assert_uint_gt(assert_median_is_column(res, "facility_mw", "facility_mw_p50", 0), 0);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
}
END_TEST

/* The deterministic energy column takes each period's energy of a
 * compound country without events from model_energy_series(), which reads
 * C(t0) off the capacity series; every Monte Carlo draw calls
 * model_energy() period by period, which computes C0·exp(λ t0) itself.
 * With nothing uncertain each draw is the deterministic value, so the
 * median of the draws must equal the column bit for bit (countries with
 * and without events, monthly periods). */
START_TEST(test_energy_series_same_as_per_period)
{
    struct dcproj_patch patch = {DCPROJ_PATCH_SET, "uncertainty={\"metrics\": [\"energy_twh\"], "
                                                   "\"quantiles\": [0.5]}"};
    struct dcproj_load_options opt;
    median_options(&opt, &patch, 8);
    struct dcproj_scenario *sc = many_countries_with(30, -1, -1, &opt);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_result *res = NULL;
    ck_assert_int_eq(dcproj_project(sc, NULL, &res, &err), DCPROJ_OK);
    /* period 0 has no energy (empty); 2023-12 .. 2030-12 is 85 periods */
    ck_assert_uint_eq(assert_median_is_column(res, "energy_twh", "energy_twh_p50", 1), 30u * 84u);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("contracts");
    TCase *tc = tcase_create("load-options");
    tcase_add_test(tc, test_zero_options_keep_the_scenario);
    tcase_add_test(tc, test_override_zero_values);
    tcase_add_test(tc, test_output_targets);
    tcase_add_test(tc, test_evaluator_copies_unchanged_countries);
    tcase_add_test(tc, test_projection_threads);
    tcase_add_test(tc, test_power_columns_same_rounding_in_draws);
    tcase_add_test(tc, test_energy_series_same_as_per_period);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
