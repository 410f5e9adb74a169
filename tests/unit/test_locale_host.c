/* test_locale_host.c — the library does not depend on the host's locale
 * (issue 14).  A host program that calls setlocale(LC_ALL, "de_DE.UTF-8")
 * (decimal comma) loads a scenario with the quantile 0.025 and runs it:
 * the columns must be "p2.5" and "energy_twh_p2.5" (they came out "p2,5"
 * and "energy_twh_p2,5"), and the CSV must equal,
 * byte for byte, the CSV the same run writes in the "C" locale.  Messages
 * too: a calibration error quoting residuals ("-0.9999996625 at g1 = 0.5")
 * must read the same as in the "C" locale (it said "-0,9999996625" and
 * "[0, 0,5]").  Exits 77 (skip) when the locale is not installed. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "dcproj/dcproj.h"

static const char SCENARIO[] =
    "{\"dcproj\": 1, \"name\": \"loc\", \"baseline_year\": 2023, \"horizon\": 2025,"
    " \"defaults\": {\"growth\": {\"model\": \"compound\","
    "   \"rate\": {\"dist\": \"normal\", \"mean\": 0.1, \"sd\": 0.02}}},"
    " \"countries\": {\"IE\": {\"name\": \"Ireland\", \"baseline\": 100.5}},"
    " \"power\": {\"pue\": 1.25, \"utilization\": 0.5},"
    " \"uncertainty\": {\"draws\": 200, \"seed\": 7, \"quantiles\": [0.025, 0.5, 0.975],"
    "   \"metrics\": [\"capacity\", \"energy_twh\"]}}";

/* Load and run SCENARIO, write the CSV into a new buffer; NULL on error. */
static char *run_csv(void)
{
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL;
    char *buf = NULL;
    size_t len = 0;
    if (dcproj_scenario_load_buffer("loc.json", SCENARIO, strlen(SCENARIO), NULL, NULL, &sc,
                                    &err) != DCPROJ_OK
        || dcproj_project(sc, NULL, &res, &err) != DCPROJ_OK) {
        char msg[1024];
        dcproj_error_format(&err, 0, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        dcproj_scenario_free(sc);
        return NULL;
    }
    if (dcproj_result_find_col(res, "p2.5") < 0)
        fprintf(stderr, "no column p2.5 (%s)\n", res->n_cols > 2 ? res->cols[2] : "?");
    FILE *f = open_memstream(&buf, &len);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    int rc = f != NULL ? dcproj_report_write(res, &fmt, f, &err) : DCPROJ_ERR_NOMEM;
    if (f != NULL)
        fclose(f);
    /* a metric's statistics too (SPEC §5.2 `metrics`: "energy_twh_p2.5") */
    if (dcproj_result_find_col(res, "energy_twh_p2.5") < 0)
        fprintf(stderr, "no column energy_twh_p2.5\n");
    if (rc != DCPROJ_OK || dcproj_result_find_col(res, "p2.5") < 0
        || dcproj_result_find_col(res, "energy_twh_p2.5") < 0) {
        free(buf);
        buf = NULL;
    }
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return buf;
}

/* A target no value of g1 in [0, 0.5] reaches: the error quotes the
 * interval and both residuals (calibrate.c); the formatted line, or NULL. */
static char *unreachable_message(void)
{
    static const char text[] =
        "{\"dcproj\": 1, \"name\": \"loc\", \"baseline_year\": 2023, \"horizon\": 2026,"
        " \"countries\": {\"IE\": {\"baseline\": 100, \"growth\": {\"model\": \"compound\","
        " \"rate\": {\"var\": \"g1\"}}}}, \"variables\": {\"g1\": {\"min\": 0, \"max\": 0.5}},"
        " \"targets\": [{\"scope\": \"TOTAL\", \"year\": 2026, \"value\": 1e9}]}";
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL;
    char *msg = NULL;
    if (dcproj_scenario_load_buffer("loc.json", text, strlen(text), NULL, NULL, &sc, &err) ==
            DCPROJ_OK &&
        dcproj_project(sc, NULL, &res, &err) == DCPROJ_ERR_DATA) {
        msg = malloc(1024);
        if (msg != NULL)
            dcproj_error_format(&err, 0, msg, 1024);
    }
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return msg;
}

int main(void)
{
    gsl_set_error_handler_off();
    char *c_csv = run_csv();
    char *c_msg = unreachable_message();
    if (c_csv == NULL || c_msg == NULL || strstr(c_msg, "at g1 = 0.5") == NULL) {
        fprintf(stderr, "C locale: %s\n", c_msg != NULL ? c_msg : "(no error)");
        return 1;
    }
    if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL) {
        printf("de_DE.UTF-8 locale not installed: skipped\n");
        free(c_csv);
        free(c_msg);
        return 77;
    }
    if (strcmp(localeconv()->decimal_point, ",") != 0) {
        printf("de_DE.UTF-8 has no decimal comma here: skipped\n");
        free(c_csv);
        free(c_msg);
        return 77;
    }
    char *de_csv = run_csv();
    int ok = de_csv != NULL && strcmp(c_csv, de_csv) == 0;
    if (de_csv != NULL && !ok)
        fprintf(stderr, "the CSV differs under de_DE.UTF-8:\n--- C\n%s--- de_DE\n%s", c_csv, de_csv);
    char *de_msg = unreachable_message();
    int msg_ok = de_msg != NULL && strcmp(c_msg, de_msg) == 0;
    if (!msg_ok)
        fprintf(stderr, "the message differs under de_DE.UTF-8:\n  C:     %s\n  de_DE: %s\n", c_msg,
                de_msg != NULL ? de_msg : "(no error)");
    free(c_csv);
    free(de_csv);
    free(c_msg);
    free(de_msg);
    return ok && msg_ok ? 0 : 1;
}
