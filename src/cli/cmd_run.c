/*
 * cmd_run.c — `dcproj run SCENARIO`: project and write the table (and the
 * solution CSV with --solution).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct run_ctx {
    const struct dcproj_result *res;
    const struct dcproj_format *fmt;
};

static int write_table(void *ctx, FILE *out, struct dcproj_error *err)
{
    struct run_ctx *c = ctx;
    return dcproj_report_write(c->res, c->fmt, out, err);
}

static int write_solution(void *ctx, FILE *out, struct dcproj_error *err)
{
    struct run_ctx *c = ctx;
    return dcproj_solution_write(c->res, c->fmt, out, err);
}

int cmd_run(struct cli_opts *o)
{
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL;
    int rc = cli_project(o, o->args[0], &sc, &res);
    if (rc != 0)
        return rc;
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sc);
    struct run_ctx ctx = {res, &o->fmt};
    struct dcproj_format sfmt = o->fmt;
    sfmt.format = DCPROJ_FMT_CSV;
    struct run_ctx sctx = {res, &sfmt};
    /* A --solution file is prepared before the table is written, so a
     * solution path that cannot be created fails the run before anything
     * reaches stdout or replaces the -o file (SPEC §9, nothing is lost). */
    struct dcproj_output *sol = NULL;
    if (o->solution != NULL && strcmp(o->solution, "-") != 0) {
        struct dcproj_error err;
        dcproj_error_init(&err);
        if (dcproj_output_open(o->solution, ids, n_ids, &sol, &err) != DCPROJ_OK
            || write_solution(&sctx, dcproj_output_stream(sol), &err) != DCPROJ_OK) {
            if (sol != NULL)
                dcproj_output_abort(sol);
            cli_name_output(&err, o->solution);
            rc = cli_print_errors(&err);
            goto done;
        }
    }
    rc = cli_write(o->output, ids, n_ids, write_table, &ctx);
    if (sol != NULL) {
        struct dcproj_error err;
        dcproj_error_init(&err);
        if (rc != 0)
            dcproj_output_abort(sol);
        else if (dcproj_output_commit(sol, &err) != DCPROJ_OK)
            rc = cli_print_errors(&err);
    } else if (rc == 0 && o->solution != NULL) {
        rc = cli_write(o->solution, ids, n_ids, write_solution, &sctx);
    }
done:
    free(ids);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return rc;
}
