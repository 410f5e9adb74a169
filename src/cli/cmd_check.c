/*
 * cmd_check.c — `dcproj check SCENARIO --expect GOLDEN.csv`: run the
 * projection with the given output options and compare it cell by cell
 * with a golden CSV (SPEC §7).  Exit 0 when it agrees, 1 when it differs,
 * 65 for a malformed golden.  --update rewrites the golden atomically;
 * --junit writes a JUnit XML report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct blob {
    const char *data;
    size_t len;
};

static int write_blob(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct blob *b = ctx;
    if (b->len > 0 && fwrite(b->data, 1, b->len, out) != b->len)
        return dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error");
    return DCPROJ_OK;
}

/* The human-readable difference report (also the JUnit failure text). */
static void print_report(FILE *f, const struct cli_opts *o, const struct dcproj_check_report *r)
{
    fprintf(f, "%s: differs from %s: %zu of %zu cells differ, %zu rows missing, %zu rows extra, "
               "%zu columns missing, %zu columns extra (rtol %g, atol %g)\n",
            o->args[0], o->expect, r->cells_differ, r->cells, r->rows_missing, r->rows_extra,
            r->cols_missing, r->cols_extra, o->rtol, o->atol);
    if (r->n_diffs > 0) {
        fprintf(f, "%-28s %-14s %-22s %-22s %s\n", "row", "column", "expected", "got", "rel.diff");
        for (size_t i = 0; i < r->n_diffs; i++) {
            const struct dcproj_check_diff *d = &r->diffs[i];
            char rel[32] = "-";
            if (!isnan(d->rel))
                snprintf(rel, sizeof rel, "%.3g", d->rel);
            fprintf(f, "%-28s %-14s %-22s %-22s %s\n", d->row, d->column, d->expected, d->got, rel);
        }
        if (r->cells_differ > r->n_diffs)
            fprintf(f, "... and %zu more differing cells\n", r->cells_differ - r->n_diffs);
    }
    if (r->rows_missing > 0)
        fprintf(f, "first missing row: %s\n", r->first_missing_row);
    if (r->rows_extra > 0)
        fprintf(f, "first extra row: %s\n", r->first_extra_row);
}

struct junit_ctx {
    const struct cli_opts *o;
    const struct dcproj_check_report *report; /* NULL when the check passed */
    const char *error;                        /* a data error message, or NULL */
};

static int write_junit(void *ctx, FILE *f, struct dcproj_error *err)
{
    const struct junit_ctx *j = ctx;
    int failed = j->report != NULL, errored = j->error != NULL;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites tests=\"1\" failures=\"%d\" errors=\"%d\">\n", failed, errored);
    fprintf(f, "  <testsuite name=\"dcproj check\" tests=\"1\" failures=\"%d\" errors=\"%d\">\n",
            failed, errored);
    fputs("    <testcase classname=\"dcproj.check\" name=\"", f);
    dcproj_markup_escape(f, j->o->args[0]);
    fputs(" vs ", f);
    dcproj_markup_escape(f, j->o->expect);
    fputs("\"", f);
    if (!failed && !errored) {
        fputs("/>\n", f);
    } else {
        fputs(">\n", f);
        char *text = NULL;
        size_t n = 0;
        FILE *mem = open_memstream(&text, &n);
        if (mem == NULL)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
        if (failed)
            print_report(mem, j->o, j->report);
        else
            fputs(j->error, mem);
        fclose(mem);
        fprintf(f, "      <%s type=\"%s\" message=\"", failed ? "failure" : "error",
                failed ? "difference" : "invalid data");
        char first[512];
        snprintf(first, sizeof first, "%s", text ? text : "");
        char *nl = strchr(first, '\n');
        if (nl)
            *nl = '\0';
        dcproj_markup_escape(f, first);
        fputs("\">", f);
        dcproj_markup_escape(f, text ? text : "");
        fprintf(f, "</%s>\n", failed ? "failure" : "error");
        free(text);
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return DCPROJ_OK;
}

int cmd_check(struct cli_opts *o)
{
    if (o->expect == NULL)
        return cli_fail(DCPROJ_ERR_USAGE, "check needs --expect GOLDEN.csv\ndcproj: try 'dcproj check --help'");
    if (o->fmt.format == DCPROJ_FMT_JSON || o->fmt.format == DCPROJ_FMT_TABLE)
        return cli_fail(DCPROJ_ERR_USAGE, "check compares CSV or TSV tables: use --format csv or tsv");
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL;
    int rc = cli_project(o, o->args[0], &sc, &res);
    if (rc == DCPROJ_ERR_DATA && !o->update) {
        /* an unreadable golden outranks the invalid scenario (SPEC §9) */
        char *g = NULL;
        size_t g_len = 0;
        if (cli_read_file(o->expect, &g, &g_len) != 0)
            rc = DCPROJ_ERR_NOINPUT;
        free(g);
    }
    if (rc != 0)
        return rc;
    char *got = NULL, *golden = NULL;
    size_t got_len = 0, golden_len = 0;
    struct dcproj_file_id *ids = NULL;
    rc = cli_render(res, &o->fmt, &got, &got_len);
    if (rc != 0)
        goto done;
    if (o->update) {
        /* the golden is the output here, so it must not count as an input */
        const char *expect = o->expect;
        o->expect = NULL;
        size_t n_ids = 0;
        ids = cli_input_ids(o, &n_ids);
        cli_add_scenario_ids(&ids, &n_ids, sc);
        o->expect = expect;
        struct blob b = {got, got_len};
        rc = cli_write(o->expect, ids, n_ids, write_blob, &b);
        if (rc == 0)
            printf("%s: updated\n", o->expect);
        goto done;
    }
    size_t n_ids = 0;
    ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sc);
    /* refuse a --junit path that names an input before reporting anything */
    rc = cli_check_output(o->junit, ids, n_ids);
    if (rc == 0)
        rc = cli_read_file(o->expect, &golden, &golden_len);
    if (rc != 0)
        goto done;
    struct dcproj_check_options co;
    dcproj_check_options_init(&co);
    co.rtol = o->rtol;
    co.atol = o->atol;
    co.delimiter = dcproj_format_delimiter(&o->fmt);
    co.decimal_comma = o->fmt.decimal_comma;
    struct dcproj_check_report report;
    struct dcproj_error err;
    dcproj_error_init(&err);
    int cmp = dcproj_check_compare(o->expect, golden, golden_len, got, got_len, &co, &report, &err);
    struct junit_ctx jc = {o, NULL, NULL};
    char errline[1400] = "";
    if (cmp == DCPROJ_OK) {
        printf("%s: ok (%zu cells match %s within rtol %g, atol %g)\n", o->args[0], report.cells,
               o->expect, o->rtol, o->atol);
        rc = 0;
    } else if (cmp == DCPROJ_ERR_DIFF) {
        print_report(stdout, o, &report);
        jc.report = &report;
        rc = DCPROJ_ERR_DIFF;
    } else {
        dcproj_error_format(&err, 0, errline, sizeof errline);
        jc.error = errline;
        rc = cli_print_errors(&err);
    }
    if (o->junit != NULL) {
        int jrc = cli_write(o->junit, ids, n_ids, write_junit, &jc);
        if (jrc != 0 && rc == 0)
            rc = jrc;
    }
    dcproj_check_report_clear(&report);
done:
    free(ids);
    free(got);
    free(golden);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return rc;
}
