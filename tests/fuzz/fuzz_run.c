/*
 * fuzz_run.c — libFuzzer harness for the whole `run` path on small inputs:
 * load the bytes as a scenario, project it (calibration and Monte Carlo
 * included, one thread), check that a successful run holds finite numbers
 * only (SPEC §3.6), then write the result in every format and layout, the
 * solution table and the SVG chart to /dev/null.
 *
 * Work per input is capped so that legitimately huge scenarios do not time
 * the fuzzer out: at most FUZZ_MAX_DRAWS draws (larger draw counts are
 * lowered, which keeps the scenario valid), and inputs whose
 * countries x periods x max(1, draws) exceeds FUZZ_MAX_CELLS, or with
 * more than FUZZ_MAX_UNKNOWNS unknowns or FUZZ_MAX_EVENTS events, are
 * skipped after loading.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dcproj/dcproj.h"
#include "fuzz_common.h"

#define FUZZ_MAX_DRAWS 32
#define FUZZ_MAX_CELLS 200000.0
#define FUZZ_MAX_UNKNOWNS 6
#define FUZZ_MAX_EVENTS 2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if projecting `sc` is within the per-input work budget. */
static int small_enough(const struct dcproj_scenario *sc)
{
    static const int per_year[] = {1, 4, 12};
    for (; sc != NULL; sc = sc->parent) {
        double periods = ((double)sc->horizon - sc->baseline_year + 1) * per_year[sc->step];
        double draws = sc->draws > 0 ? (double)sc->draws : 1.0;
        size_t unknowns = 0;
        for (size_t i = 0; i < sc->n_variables; i++)
            unknowns += !sc->variables[i].fixed;
        if (periods * (double)(sc->n_countries + 1) * draws > FUZZ_MAX_CELLS ||
            unknowns > FUZZ_MAX_UNKNOWNS || sc->n_events > FUZZ_MAX_EVENTS)
            return 0;
    }
    return 1;
}

/* Write `res` every way the CLI can; every write must succeed on /dev/null
 * except a wide layout whose metric the result lacks. */
static void write_all(const struct dcproj_result *res, FILE *sink)
{
    static const enum dcproj_out_format formats[] = {DCPROJ_FMT_CSV, DCPROJ_FMT_TSV,
                                                     DCPROJ_FMT_JSON, DCPROJ_FMT_TABLE};
    static const enum dcproj_layout layouts[] = {DCPROJ_LAYOUT_LONG, DCPROJ_LAYOUT_WIDE,
                                                 DCPROJ_LAYOUT_IAMC};
    for (int variant = 0; variant < 2; variant++) {
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
                struct dcproj_format fmt;
                dcproj_format_init(&fmt);
                fmt.format = formats[f];
                fmt.layout = layouts[l];
                if (variant == 1) {
                    fmt.decimal_comma = 1;
                    fmt.precision = 3;
                    fmt.bom = 1;
                    fmt.crlf = 1;
                }
                struct dcproj_error err;
                dcproj_error_init(&err);
                int rc = dcproj_report_write(res, &fmt, sink, &err);
                if (rc != DCPROJ_OK) {
                    fprintf(stderr, "fuzz: report_write format %d layout %d: status %d\n",
                            (int)fmt.format, (int)fmt.layout, rc);
                    abort();
                }
            }
        }
    }
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    struct dcproj_error err;
    dcproj_error_init(&err);
    if (dcproj_solution_write(res, &fmt, sink, &err) != DCPROJ_OK) {
        fprintf(stderr, "fuzz: solution_write failed\n");
        abort();
    }
    dcproj_error_init(&err);
    if (dcproj_chart_write(res, NULL, sink, &err) != DCPROJ_OK) {
        fprintf(stderr, "fuzz: chart_write failed\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (size > FUZZ_MAX_INPUT)
        return -1;
    fuzz_init_once();
    if (sink == NULL) {
        sink = fopen("/dev/null", "w");
        if (sink == NULL)
            abort();
    }
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    int rc = dcproj_scenario_load_buffer("fuzz.json", (const char *)data, size,
                                         DCPROJ_FUZZ_BASE, NULL, &sc, &err);
    fuzz_check_status(rc, sc, &err);
    if (rc != DCPROJ_OK)
        return 0;
    for (struct dcproj_scenario *s = sc; s != NULL; s = s->parent)
        if (s->draws > FUZZ_MAX_DRAWS)
            s->draws = FUZZ_MAX_DRAWS;
    if (!small_enough(sc)) {
        dcproj_scenario_free(sc);
        return -1;
    }
    struct dcproj_run_options ropt;
    dcproj_run_options_init(&ropt);
    ropt.threads = 1;
    struct dcproj_result *res = NULL;
    dcproj_error_init(&err);
    rc = dcproj_project(sc, &ropt, &res, &err);
    if (rc != DCPROJ_OK) {
        if (rc != DCPROJ_ERR_DATA && rc != DCPROJ_ERR_NOMEM) {
            fprintf(stderr, "fuzz: dcproj_project: unexpected status %d\n", rc);
            abort();
        }
        if (res != NULL || err.count < 1) {
            fprintf(stderr, "fuzz: dcproj_project failed without a message\n");
            abort();
        }
    } else {
        /* SPEC §3.6: a successful run holds finite numbers only, except the
           first period's energy columns, which are empty (NaN: no period
           ends before it, SPEC v2 §3.7) */
        for (size_t r = 0; r < res->n_rows; r++)
            for (size_t p = 0; p < res->n_periods; p++)
                for (size_t k = 0; k < res->n_cols; k++) {
                    double v = dcproj_result_at(res, r, p, k);
                    if (isfinite(v) || (p == 0 && isnan(v) && dcproj_col_is_energy(res->cols[k])))
                        continue;
                    fprintf(stderr, "fuzz: non-finite value %g in row %zu, period %zu, column %s "
                                    "of a successful run\n", v, r, p, res->cols[k]);
                    abort();
                }
        write_all(res, sink);
        dcproj_result_free(res);
    }
    dcproj_scenario_free(sc);
    return 0;
}
