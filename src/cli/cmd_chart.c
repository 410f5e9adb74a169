/*
 * cmd_chart.c — `dcproj chart SCENARIO -o FILE.svg`: project and draw a
 * metric (capacity by default) per country and TOTAL as a standalone SVG,
 * with P5-P95 bands computed for the chart (SPEC §7, §8).
 */
#include <stdlib.h>

#include "cli.h"
#include "dcproj/chart.h"

struct chart_ctx {
    const struct dcproj_result *res;
    const struct dcproj_chart_options *opt;
};

static int write_chart(void *ctx, FILE *out, struct dcproj_error *err)
{
    struct chart_ctx *c = ctx;
    return dcproj_chart_write(c->res, c->opt, out, err);
}

int cmd_chart(struct cli_opts *o)
{
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL;
    struct dcproj_chart_options copt;
    dcproj_chart_options_init(&copt);
    copt.top = o->top;
    copt.metric = o->metric_given ? o->fmt.metric : NULL;
    copt.scopes = (const char *const *)o->scopes;
    copt.n_scopes = o->n_scopes;
    copt.bands = o->bands;
    copt.stack = o->stack;
    if (o->bands != DCPROJ_CHART_BANDS_NONE)
        o->chart = &copt; /* the chart's own P5-P95 (and "other"'s with --bands all) */
    int rc = cli_project(o, o->args[0], &sc, &res);
    if (rc != 0)
        return rc;
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sc);
    struct chart_ctx ctx = {res, &copt};
    rc = cli_write(o->output, ids, n_ids, write_chart, &ctx);
    free(ids);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return rc;
}
