/*
 * cmd_sensitivity.c — `dcproj sensitivity SCENARIO` (SPEC §7): which
 * uncertain input moves one output most, as an OAT tornado or Sobol
 * indices.  The library plans the runs, evaluates blocks of them and turns
 * their values into the table; this file adds the three ways of running:
 * whole, one shard (`--shard K/N`, a CSV of run values) or the merge of a
 * complete set of shards (`--merge FILE...`), which writes the bytes of the
 * whole run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct sens_ctx {
    const struct dcproj_sens_plan *plan;
    const struct dcproj_sens_result *res;
    const struct dcproj_scenario *sc;
    const struct dcproj_sens_options *opt;
    const struct dcproj_format *fmt;
    const double *values;
    long k, n;
};

static int write_table(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct sens_ctx *c = ctx;
    return dcproj_sens_write(c->res, c->fmt, out, err);
}

static int write_shard(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct sens_ctx *c = ctx;
    return dcproj_sens_shard_write(c->plan, c->k, c->n, c->values, out, err);
}

static int write_chart(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct sens_ctx *c = ctx;
    return dcproj_sens_chart(c->res, c->sc, c->opt, out, err);
}

/* Read every shard named after SCENARIO into values[]: they must carry the
 * plan's key, share one N, and together hold every run exactly once. */
static int merge_shards(const struct cli_opts *o, const struct dcproj_sens_plan *plan,
                        double *values)
{
    size_t runs = dcproj_sens_runs(plan);
    unsigned char *filled = calloc(runs > 0 ? runs : 1, 1);
    if (filled == NULL)
        return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
    long set_n = 0;
    const char *first = NULL;
    int rc = 0;
    for (int a = 1; a < o->n_args && rc == 0; a++) {
        char *data = NULL;
        size_t len = 0;
        if ((rc = cli_read_file(o->args[a], &data, &len)) != 0)
            break;
        struct dcproj_error err;
        dcproj_error_init(&err);
        long k = 0, n = 0;
        if (dcproj_sens_shard_read(plan, o->args[a], data, len, values, filled, &k, &n, &err) !=
            DCPROJ_OK) {
            rc = cli_print_errors(&err);
        } else if (set_n != 0 && n != set_n) {
            rc = cli_fail(DCPROJ_ERR_DATA,
                          "%s: shard %ld/%ld belongs to a split into %ld, but %s was split "
                          "into %ld",
                          o->args[a], k, n, n, first, set_n);
        } else {
            set_n = n;
            if (first == NULL)
                first = o->args[a];
        }
        free(data);
    }
    if (rc == 0) {
        /* name the first shard whose runs are missing */
        for (long k = 1; k <= set_n && rc == 0; k++) {
            size_t from, to;
            dcproj_sens_shard_range(plan, k, set_n, &from, &to);
            for (size_t r = from; r < to; r++)
                if (!filled[r]) {
                    rc = cli_fail(DCPROJ_ERR_DATA,
                                  "--merge: shard %ld/%ld is missing (the files given hold "
                                  "only part of the %zu runs)",
                                  k, set_n, runs);
                    break;
                }
        }
    }
    free(filled);
    return rc;
}

int cmd_sensitivity(struct cli_opts *o)
{
    if (o->fmt.format == DCPROJ_FMT_JSON || o->fmt.format == DCPROJ_FMT_TABLE)
        return cli_fail(DCPROJ_ERR_USAGE,
                        "sensitivity writes CSV or TSV: use --format csv or tsv");
    if (o->fmt.layout != DCPROJ_LAYOUT_LONG)
        return cli_fail(DCPROJ_ERR_USAGE,
                        "sensitivity writes one table of its own: --layout does not apply");
    if (o->merge && o->shard_n > 0)
        return cli_fail(DCPROJ_ERR_USAGE, "--merge and --shard cannot be used together\n"
                                          "dcproj: try 'dcproj sensitivity --help'");
    if (o->merge && o->n_args < 2)
        return cli_fail(DCPROJ_ERR_USAGE, "--merge needs the shard files after SCENARIO\n"
                                          "dcproj: try 'dcproj sensitivity --help'");
    if (!o->merge && o->n_args > 1)
        return cli_fail(DCPROJ_ERR_USAGE, "unexpected argument '%s' (shard files need --merge)\n"
                                          "dcproj: try 'dcproj sensitivity --help'",
                        o->args[1]);
    if (o->shard_n > 0 && o->sens_chart != NULL)
        return cli_fail(DCPROJ_ERR_USAGE, "--chart needs the whole analysis: draw it with "
                                          "--merge, not with --shard");

    struct dcproj_sens_options opt = o->sens;
    opt.scope = o->scope;
    opt.at_year = o->at_year;
    opt.metric = o->metric_given ? o->fmt.metric : "capacity";
    opt.threads = o->threads;

    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    /* cli_input_ids() lists the shard files too: -o never overwrites one */
    struct dcproj_scenario *sc = NULL;
    struct dcproj_sens_plan *plan = NULL;
    struct dcproj_sens_result *res = NULL;
    double *values = NULL;
    int rc = cli_load(o, o->args[0], &sc);
    if (rc != 0)
        goto done;
    cli_add_scenario_ids(&ids, &n_ids, sc);
    if ((rc = cli_check_output(o->output, ids, n_ids)) != 0 ||
        (o->sens_chart != NULL && (rc = cli_check_output(o->sens_chart, ids, n_ids)) != 0))
        goto done;

    struct dcproj_error err;
    dcproj_error_init(&err);
    if (dcproj_sens_plan(sc, &opt, &plan, &err) != DCPROJ_OK) {
        rc = cli_print_errors(&err);
        goto done;
    }
    size_t runs = dcproj_sens_runs(plan);
    values = calloc(runs > 0 ? runs : 1, sizeof *values);
    if (values == NULL) {
        rc = cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
        goto done;
    }
    struct sens_ctx c = {plan, NULL, sc, &opt, &o->fmt, values, o->shard_k, o->shard_n};
    if (o->shard_n > 0) {
        size_t from, to;
        dcproj_sens_shard_range(plan, o->shard_k, o->shard_n, &from, &to);
        if (dcproj_sens_eval(plan, from, to, values, &err) != DCPROJ_OK) {
            rc = cli_print_errors(&err);
            goto done;
        }
        rc = cli_write(o->output, ids, n_ids, write_shard, &c);
        goto done;
    }
    if (o->merge) {
        if ((rc = merge_shards(o, plan, values)) != 0)
            goto done;
    } else if (dcproj_sens_eval(plan, 0, runs, values, &err) != DCPROJ_OK) {
        rc = cli_print_errors(&err);
        goto done;
    }
    if (dcproj_sens_finish(plan, values, &res, &err) != DCPROJ_OK) {
        rc = cli_print_errors(&err);
        goto done;
    }
    if (res->zero_variance) {
        /* SPEC §7: a warning (an error with --strict) */
        struct dcproj_warnings w = {0};
        (void)dcproj_warnings_add(&w, sc->file, "", "the output does not vary over the samples "
                                  "(variance 0): the Sobol indices are left empty");
        rc = cli_warnings(o, &w);
        dcproj_warnings_clear(&w);
        if (rc != 0)
            goto done;
    }
    c.res = res;
    rc = cli_write(o->output, ids, n_ids, write_table, &c);
    if (rc == 0 && o->sens_chart != NULL)
        rc = cli_write(o->sens_chart, ids, n_ids, write_chart, &c);
done:
    dcproj_sens_result_free(res);
    dcproj_sens_plan_free(plan);
    dcproj_scenario_free(sc);
    free(values);
    free(ids);
    return rc;
}
