/*
 * test_alloc.c — allocation-failure injection (SPEC §9: no crash on any
 * input, out of memory is DCPROJ_ERR_NOMEM).
 *
 * This executable compiles every library source with -DDCPROJ_ALLOC_HOOKS
 * and links src/lib/alloc_hooks.c, so each allocation of library code (and,
 * through cJSON_InitHooks, of cJSON) can be refused.  For n = 1, 2, 3, …
 * each test fails the n-th allocation of an operation — loading the
 * conformance scenarios and the shipped Microsoft scenario with its
 * what-ifs, projecting (deterministic, calibrated, Monte Carlo on one and
 * two threads), writing every format, the solution, the chart, an output
 * file and a golden comparison — until the operation runs through without
 * an injected failure.  Every failed attempt must return DCPROJ_ERR_NOMEM
 * with a message and leave nothing behind: the sanitizer build runs this
 * suite under LeakSanitizer, and the valgrind suite under memcheck.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>

#include "alloc_int.h"
#include "dcproj/dcproj.h"

#ifndef DCPROJ_SOURCE_ROOT
#error "DCPROJ_SOURCE_ROOT must name the source tree"
#endif

/* An operation under test: returns a dcproj status, owns and frees all it
 * allocates, and fills `err` on failure. */
typedef int (*op_fn)(void *ctx, struct dcproj_error *err);

/* Fail the n-th allocation of `op` for n = 1, 2, … (only that one, or with
 * `keep_failing` every one from the n-th on) until `op` runs without a
 * refused allocation; then it must succeed.  Returns the number of
 * allocations of the clean run. */
static long exhaust(const char *what, op_fn op, void *ctx, int keep_failing)
{
    for (long n = 1;; n++) {
        struct dcproj_error err;
        dcproj_error_init(&err);
        dcproj_alloc_fail_at(n, keep_failing);
        int rc = op(ctx, &err);
        int refused = dcproj_alloc_failed();
        long count = dcproj_alloc_count();
        dcproj_alloc_fail_at(0, 0);
        if (!refused) {
            ck_assert_msg(rc == DCPROJ_OK, "%s: status %d without an injected failure (%s)",
                          what, rc, err.count > 0 ? err.items[0].message : "");
            ck_assert_msg(n > 1, "%s: no allocation at all", what);
            return count;
        }
        ck_assert_msg(rc == DCPROJ_ERR_NOMEM,
                      "%s: allocation %ld of %ld refused%s: status %d, not %d (%s: %s)", what,
                      n, count, keep_failing ? " (and later ones)" : "", rc, DCPROJ_ERR_NOMEM,
                      err.count > 0 ? err.items[0].path : "",
                      err.count > 0 ? err.items[0].message : "no message");
        ck_assert_msg(err.count >= 1 && err.code == DCPROJ_ERR_NOMEM,
                      "%s: allocation %ld: NOMEM without its message", what, n);
    }
}

/* ---- loading ---------------------------------------------------------- */

struct load_ctx {
    const char *path;
    const struct dcproj_load_options *opt;
};

static int op_load(void *vctx, struct dcproj_error *err)
{
    const struct load_ctx *c = vctx;
    struct dcproj_scenario *sc = NULL;
    int rc = dcproj_scenario_load(c->path, c->opt, &sc, err);
    ck_assert(rc == DCPROJ_OK ? sc != NULL : sc == NULL);
    dcproj_scenario_free(sc);
    return rc;
}

static const char *const load_files[] = {
    "tests/data/conformance/basic.json",
    "tests/data/conformance/points-quarterly.json",
    "tests/data/conformance/pledge.json",
    "scenarios/example-small.json",
    "scenarios/microsoft-europe-2025.json",
    "scenarios/what-if/ai-surge.json",
    "scenarios/what-if/slower-permitting.json",
    "scenarios/what-if/uncertain.json",
};

/* `rel` under the source tree, in a static buffer (test code only). */
static const char *src_path(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", DCPROJ_SOURCE_ROOT, rel);
    return buf;
}

START_TEST(load_each_allocation)
{
    for (int keep = 0; keep <= 1; keep++) {
        struct load_ctx c = {src_path(load_files[_i]), NULL};
        long n = exhaust(load_files[_i], op_load, &c, keep);
        ck_assert_int_gt(n, 10);
    }
}
END_TEST

START_TEST(load_with_patches_and_frozen)
{
    /* --set and --frozen on a what-if: patch parsing, the frozen parent,
     * option overrides */
    struct dcproj_patch patches[] = {
        {DCPROJ_PATCH_SET, "horizon=2031"},
        {DCPROJ_PATCH_SET, "title=\"patched\""},
    };
    struct dcproj_load_options opt;
    dcproj_load_options_init(&opt);
    opt.patches = patches;
    opt.n_patches = 2;
    opt.frozen = 1;
    opt.draws = 50;
    opt.seed = 7;
    opt.set = DCPROJ_LOAD_SET_DRAWS | DCPROJ_LOAD_SET_SEED;
    struct load_ctx c = {src_path("scenarios/what-if/ai-surge.json"), &opt};
    exhaust("ai-surge --frozen --set", op_load, &c, 0);
}
END_TEST

/* ---- projecting ------------------------------------------------------- */

struct run_ctx {
    const struct dcproj_scenario *sc;
    int threads;
};

static int op_project(void *vctx, struct dcproj_error *err)
{
    const struct run_ctx *c = vctx;
    struct dcproj_run_options ropt;
    dcproj_run_options_init(&ropt);
    ropt.threads = c->threads;
    struct dcproj_result *res = NULL;
    int rc = dcproj_project(c->sc, &ropt, &res, err);
    ck_assert(rc == DCPROJ_OK ? res != NULL : res == NULL);
    dcproj_result_free(res);
    return rc;
}

/* Load `rel` with no injection (draws overridden when > 0). */
static struct dcproj_scenario *load_clean(const char *rel, long long draws)
{
    struct dcproj_load_options opt;
    dcproj_load_options_init(&opt);
    if (draws > 0) {
        opt.draws = draws;
        opt.set |= DCPROJ_LOAD_SET_DRAWS;
    }
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    int rc = dcproj_scenario_load(src_path(rel), &opt, &sc, &err);
    ck_assert_msg(rc == DCPROJ_OK, "%s: %s", rel, err.count > 0 ? err.items[0].message : "");
    return sc;
}

START_TEST(project_deterministic)
{
    struct dcproj_scenario *sc = load_clean("scenarios/microsoft-europe-2025.json", 0);
    struct run_ctx c = {sc, 1};
    exhaust("project microsoft", op_project, &c, 0);
    exhaust("project microsoft (persistent)", op_project, &c, 1);
    dcproj_scenario_free(sc);
}
END_TEST

START_TEST(project_calibrated)
{
    struct dcproj_scenario *sc = load_clean("tests/data/conformance/pledge.json", 0);
    struct run_ctx c = {sc, 1};
    exhaust("project pledge", op_project, &c, 0);
    dcproj_scenario_free(sc);
    sc = load_clean("scenarios/what-if/ai-surge.json", 0);
    c.sc = sc;
    exhaust("project ai-surge", op_project, &c, 0);
    dcproj_scenario_free(sc);
}
END_TEST

START_TEST(project_monte_carlo)
{
    struct dcproj_scenario *sc = load_clean("scenarios/what-if/uncertain.json", 300);
    struct run_ctx c = {sc, 1 + _i};
    exhaust(_i == 0 ? "monte carlo, 1 thread" : "monte carlo, 2 threads", op_project, &c, 0);
    exhaust("monte carlo (persistent)", op_project, &c, 1);
    dcproj_scenario_free(sc);
}
END_TEST

/* 200 countries monthly to 2030 with power (68,000 cells): the countries
 * are projected by two threads, whose scratch allocations fail in turn. */
START_TEST(project_parallel_countries)
{
    enum { N = 200 };
    char *json = malloc(256 + N * 128);
    ck_assert_ptr_nonnull(json);
    int len = sprintf(json, "{\"dcproj\": 1, \"name\": \"many\", \"baseline_year\": 2023, "
                            "\"horizon\": 2030, \"step\": \"month\", \"power\": {\"pue\": 1.2, "
                            "\"utilization\": 0.6}, \"countries\": {");
    for (int i = 0; i < N; i++)
        len += sprintf(json + len, "%s\"C%03d\": {\"baseline\": %d, \"growth\": {\"model\": "
                                   "\"compound\", \"rate\": 0.0%d}}",
                       i > 0 ? ", " : "", i, 10 + i, i % 10);
    len += sprintf(json + len, "}}");
    struct dcproj_load_options opt;
    dcproj_load_options_init(&opt);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    ck_assert_int_eq(dcproj_scenario_load_buffer("many.json", json, (size_t)len, NULL, &opt, &sc,
                                                 &err),
                     DCPROJ_OK);
    free(json);
    struct run_ctx c = {sc, 2};
    exhaust("project 200 countries, 2 threads", op_project, &c, 0);
    dcproj_scenario_free(sc);
}
END_TEST

/* ---- writing ---------------------------------------------------------- */

struct write_ctx {
    const struct dcproj_result *res;
    FILE *sink;
    const char *out_path;
};

/* Every format and layout, the solution table and the chart to `sink`,
 * then an output file through dcproj_output_open/commit. */
static int op_write(void *vctx, struct dcproj_error *err)
{
    const struct write_ctx *c = vctx;
    for (int f = DCPROJ_FMT_CSV; f <= DCPROJ_FMT_TABLE; f++) {
        for (int l = DCPROJ_LAYOUT_LONG; l <= DCPROJ_LAYOUT_IAMC; l++) {
            struct dcproj_format fmt;
            dcproj_format_init(&fmt);
            fmt.format = (enum dcproj_out_format)f;
            fmt.layout = (enum dcproj_layout)l;
            fmt.decimal_comma = f == DCPROJ_FMT_CSV && l == DCPROJ_LAYOUT_WIDE;
            int rc = dcproj_report_write(c->res, &fmt, c->sink, err);
            if (rc != DCPROJ_OK)
                return rc;
        }
    }
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    int rc = dcproj_solution_write(c->res, &fmt, c->sink, err);
    if (rc == DCPROJ_OK)
        rc = dcproj_chart_write(c->res, NULL, c->sink, err);
    if (rc != DCPROJ_OK)
        return rc;
    struct dcproj_output *o = NULL;
    rc = dcproj_output_open(c->out_path, NULL, 0, &o, err);
    if (rc != DCPROJ_OK)
        return rc;
    rc = dcproj_report_write(c->res, &fmt, dcproj_output_stream(o), err);
    if (rc != DCPROJ_OK) {
        dcproj_output_abort(o);
        return rc;
    }
    return dcproj_output_commit(o, err);
}

START_TEST(write_every_format)
{
    static const char *const files[] = {"tests/data/conformance/pledge.json",
                                        "scenarios/what-if/uncertain.json"};
    struct dcproj_scenario *sc = load_clean(files[_i], _i == 1 ? 100 : 0);
    struct dcproj_run_options ropt;
    dcproj_run_options_init(&ropt);
    ropt.threads = 1;
    struct dcproj_result *res = NULL;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_project(sc, &ropt, &res, &err), DCPROJ_OK);
    char dir[] = "/tmp/dcproj-alloc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char out_path[64];
    snprintf(out_path, sizeof out_path, "%s/out.csv", dir);
    struct write_ctx c = {res, fopen("/dev/null", "w"), out_path};
    ck_assert_ptr_nonnull(c.sink);
    exhaust(files[_i], op_write, &c, 0);
    fclose(c.sink);
    /* only the committed file is left: no temporary from a failed attempt */
    ck_assert_int_eq(unlink(out_path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
}
END_TEST

/* A table large enough to be formatted by two threads (report_dsv.c):
 * every allocation of the parallel writer (slots, chunk buffers and their
 * growth in the worker threads, the row heads, the period labels) refused
 * in turn must give DCPROJ_ERR_NOMEM, and nothing leak. */
static int op_write_parallel(void *vctx, struct dcproj_error *err)
{
    const struct write_ctx *c = vctx;
    for (int l = DCPROJ_LAYOUT_LONG; l <= DCPROJ_LAYOUT_IAMC; l++) {
        struct dcproj_format fmt;
        dcproj_format_init(&fmt);
        fmt.layout = (enum dcproj_layout)l;
        fmt.threads = 2;
        int rc = dcproj_report_write(c->res, &fmt, c->sink, err);
        if (rc != DCPROJ_OK)
            return rc;
    }
    return DCPROJ_OK;
}

START_TEST(write_parallel)
{
    struct dcproj_load_options opt;
    dcproj_load_options_init(&opt);
    opt.horizon = 2100; /* monthly to 2100: 925 periods x 4 columns a row */
    opt.step = DCPROJ_STEP_MONTH;
    opt.set |= DCPROJ_LOAD_SET_HORIZON | DCPROJ_LOAD_SET_STEP;
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    ck_assert_int_eq(dcproj_scenario_load(src_path("scenarios/microsoft-europe-2025.json"), &opt,
                                          &sc, &err),
                     DCPROJ_OK);
    struct dcproj_run_options ropt;
    dcproj_run_options_init(&ropt);
    struct dcproj_result *res = NULL;
    ck_assert_int_eq(dcproj_project(sc, &ropt, &res, &err), DCPROJ_OK);
    ck_assert_uint_ge(res->n_rows * res->n_periods * res->n_cols, 65536);
    struct write_ctx c = {res, fopen("/dev/null", "w"), NULL};
    ck_assert_ptr_nonnull(c.sink);
    /* at least the slots, thread ids, chunk buffers and labels */
    ck_assert_int_ge(exhaust("parallel writer", op_write_parallel, &c, 0), 8);
    fclose(c.sink);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
}
END_TEST

/* ---- comparing with a golden ------------------------------------------ */

static int op_check(void *vctx, struct dcproj_error *err)
{
    (void)vctx;
    static const char expected[] = "country,period,capacity\nIE,2024,100\nIE,2025,150\n";
    static const char got[] = "country,period,capacity\nIE,2024,100\nIE,2025,151\n";
    struct dcproj_check_options opt;
    dcproj_check_options_init(&opt);
    struct dcproj_check_report report;
    memset(&report, 0, sizeof report);
    int rc = dcproj_check_compare("golden.csv", expected, sizeof expected - 1, got,
                                  sizeof got - 1, &opt, &report, err);
    dcproj_check_report_clear(&report);
    return rc == DCPROJ_ERR_DIFF ? DCPROJ_OK : rc;
}

START_TEST(check_compare)
{
    exhaust("check compare", op_check, NULL, 0);
}
END_TEST

static Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("inject");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, load_each_allocation, 0,
                        (int)(sizeof load_files / sizeof load_files[0]));
    tcase_add_test(tc, load_with_patches_and_frozen);
    tcase_add_test(tc, project_deterministic);
    tcase_add_test(tc, project_calibrated);
    tcase_add_test(tc, project_parallel_countries);
    tcase_add_loop_test(tc, project_monte_carlo, 0, 2);
    tcase_add_loop_test(tc, write_every_format, 0, 2);
    tcase_add_test(tc, write_parallel);
    tcase_add_test(tc, check_compare);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    /* global: only this test binary routes cJSON through the injector */
    cJSON_Hooks hooks = {dcproj_malloc, dcproj_free};
    cJSON_InitHooks(&hooks);
    SRunner *sr = srunner_create(alloc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
