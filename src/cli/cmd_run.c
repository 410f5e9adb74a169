/*
 * cmd_run.c — `dcproj run SCENARIO`: project and write the table (and the
 * solution CSV with --solution).
 */
#include <stdlib.h>

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
    rc = cli_check_output(o->solution, ids, n_ids);
    if (rc == 0)
        rc = cli_write(o->output, ids, n_ids, write_table, &ctx);
    if (rc == 0 && o->solution != NULL) {
        struct dcproj_format sfmt = o->fmt;
        sfmt.format = DCPROJ_FMT_CSV;
        ctx.fmt = &sfmt;
        rc = cli_write(o->solution, ids, n_ids, write_solution, &ctx);
    }
    free(ids);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return rc;
}
