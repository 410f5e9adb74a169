/*
 * cmd_backtest.c — `dcproj backtest SCENARIO --as-of YEAR...` (SPEC §7):
 * refit every `fit` country on its history through each as-of year and
 * score the projection against the years observed after it; `--summary`
 * pools the scores per country and horizon.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dcproj/backtest.h"

struct backtest_ctx {
    const struct dcproj_backtest *bt;
    const struct dcproj_backtest_summary_row *sum; /* NULL: detail rows */
    size_t n_sum;
    const struct dcproj_format *fmt;
};

static void header(struct dcproj_table_writer *w, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dcproj_table_text(w, names[i]);
    dcproj_table_end_record(w);
}

static void integer(struct dcproj_table_writer *w, long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", v);
    dcproj_table_text(w, buf);
}

/* as_of,code,year,horizon,observed,projected,error,pct_error[,p_lo,p_hi,inside] */
static void write_detail(struct dcproj_table_writer *w, const struct dcproj_backtest *bt)
{
    static const char *const cols[] = {"as_of",     "code",  "year",      "horizon",
                                       "observed",  "projected", "error", "pct_error",
                                       "p_lo",      "p_hi",  "inside"};
    header(w, cols, bt->banded ? 11 : 8);
    const struct dcproj_scenario *sc = bt->scenario;
    for (size_t r = 0; r < bt->n_rows; r++) {
        const struct dcproj_backtest_row *x = &bt->rows[r];
        integer(w, x->as_of);
        dcproj_table_text(w, sc->countries[x->country].code);
        integer(w, x->year);
        integer(w, x->horizon);
        dcproj_table_number(w, x->observed);
        dcproj_table_number(w, x->projected);
        dcproj_table_number(w, x->error);
        dcproj_table_number(w, x->pct_error);
        if (bt->banded) {
            dcproj_table_number(w, x->p_lo);
            dcproj_table_number(w, x->p_hi);
            if (x->inside >= 0)
                integer(w, x->inside);
            else
                dcproj_table_text(w, "");
        }
        dcproj_table_end_record(w);
    }
}

/* code,horizon,n,mae,mape,bias,coverage */
static void write_summary(struct dcproj_table_writer *w, const struct backtest_ctx *c)
{
    static const char *const cols[] = {"code", "horizon", "n", "mae", "mape", "bias", "coverage"};
    header(w, cols, 7);
    for (size_t i = 0; i < c->n_sum; i++) {
        const struct dcproj_backtest_summary_row *s = &c->sum[i];
        dcproj_table_text(w, s->all ? "ALL" : c->bt->scenario->countries[s->country].code);
        integer(w, s->horizon);
        integer(w, (long)s->n);
        dcproj_table_number(w, s->mae);
        dcproj_table_number(w, s->mape);
        dcproj_table_number(w, s->bias);
        dcproj_table_number(w, s->coverage);
        dcproj_table_end_record(w);
    }
}

static int write_backtest(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct backtest_ctx *c = ctx;
    struct dcproj_table_writer w;
    dcproj_table_begin(&w, out, c->fmt);
    if (c->sum != NULL)
        write_summary(&w, c);
    else
        write_detail(&w, c->bt);
    return dcproj_table_finish(&w, err);
}

int cmd_backtest(struct cli_opts *o)
{
    if (o->fmt.format == DCPROJ_FMT_JSON || o->fmt.format == DCPROJ_FMT_TABLE)
        return cli_fail(DCPROJ_ERR_USAGE, "backtest writes CSV or TSV: use --format csv or tsv");
    if (o->n_as_of == 0)
        return cli_fail(DCPROJ_ERR_USAGE, "backtest needs --as-of YEAR (one or more)\n"
                                          "dcproj: try 'dcproj backtest --help'");
    struct dcproj_scenario *sc = NULL;
    int rc = cli_load(o, o->args[0], &sc);
    if (rc != 0)
        return rc;
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_backtest *bt = NULL;
    struct dcproj_backtest_summary_row *sum = NULL;
    size_t n_sum = 0;
    rc = dcproj_backtest_run(sc, o->as_of, o->n_as_of, &bt, &err);
    if (rc != DCPROJ_OK) {
        rc = cli_print_errors(&err);
        goto done;
    }
    if (o->summary && dcproj_backtest_summary(bt, &sum, &n_sum) != DCPROJ_OK) {
        rc = cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
        goto done;
    }
    struct backtest_ctx c = {bt, sum, n_sum, &o->fmt};
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sc);
    rc = cli_write(o->output, ids, n_ids, write_backtest, &c);
    free(ids);
done:
    dcproj_backtest_summary_free(sum);
    dcproj_backtest_free(bt);
    dcproj_scenario_free(sc);
    return rc;
}
