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

int main(void)
{
    Suite *s = suite_create("contracts");
    TCase *tc = tcase_create("load-options");
    tcase_add_test(tc, test_zero_options_keep_the_scenario);
    tcase_add_test(tc, test_override_zero_values);
    tcase_add_test(tc, test_output_targets);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
