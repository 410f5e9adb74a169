/*
 * cmd_diff.c — `dcproj diff A B`: compare two projections cell by cell
 * (SPEC §7).  --set/--patch/--frozen apply to B only; every other option to
 * both.  Columns kind,code,name,period,a,b,delta,delta_pct; rows are A's,
 * then B's extras, with empty cells for a missing side.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct diff_ctx {
    const struct dcproj_result *a, *b;
    long col_a, col_b;
    const struct dcproj_format *fmt;
};

/* Index of row (kind, code) of `res`, or -1.  `hint` is tried first: the
 * two projections usually have the same rows in the same order. */
static long find_row(const struct dcproj_result *res, enum dcproj_row_kind kind, const char *code,
                     size_t hint)
{
    if (hint < res->n_rows && res->rows[hint].kind == kind && strcmp(res->rows[hint].code, code) == 0)
        return (long)hint;
    for (size_t r = 0; r < res->n_rows; r++)
        if (res->rows[r].kind == kind && strcmp(res->rows[r].code, code) == 0)
            return (long)r;
    return -1;
}

static long find_period(const struct dcproj_result *res, const char *label, size_t hint)
{
    if (hint < res->n_periods && strcmp(res->periods[hint].label, label) == 0)
        return (long)hint;
    for (size_t p = 0; p < res->n_periods; p++)
        if (strcmp(res->periods[p].label, label) == 0)
            return (long)p;
    return -1;
}

static const char *kind_name(enum dcproj_row_kind k)
{
    return k == DCPROJ_ROW_COUNTRY ? "country" : k == DCPROJ_ROW_GROUP ? "group" : "total";
}

/* One output record; ra/pa or rb/pb < 0 for a missing side. */
static void diff_record(struct dcproj_table_writer *w, const struct diff_ctx *c, long ra, long pa,
                        long rb, long pb)
{
    const struct dcproj_result *src = ra >= 0 ? c->a : c->b;
    const struct dcproj_row *row = &src->rows[ra >= 0 ? ra : rb];
    const struct dcproj_period *per = &src->periods[ra >= 0 ? pa : pb];
    dcproj_table_text(w, kind_name(row->kind));
    dcproj_table_text(w, row->code);
    dcproj_table_text(w, row->name);
    dcproj_table_text(w, per->label);
    int has_a = ra >= 0 && pa >= 0, has_b = rb >= 0 && pb >= 0;
    double a = has_a ? dcproj_result_at(c->a, (size_t)ra, (size_t)pa, (size_t)c->col_a) : 0;
    double b = has_b ? dcproj_result_at(c->b, (size_t)rb, (size_t)pb, (size_t)c->col_b) : 0;
    if (has_a)
        dcproj_table_number(w, a);
    else
        dcproj_table_text(w, "");
    if (has_b)
        dcproj_table_number(w, b);
    else
        dcproj_table_text(w, "");
    if (has_a && has_b) {
        dcproj_table_number(w, b - a);
        if (a != 0)
            dcproj_table_number(w, 100.0 * (b - a) / a);
        else
            dcproj_table_text(w, "");
    } else {
        dcproj_table_text(w, "");
        dcproj_table_text(w, "");
    }
    dcproj_table_end_record(w);
}

static int write_diff(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct diff_ctx *c = ctx;
    struct dcproj_table_writer w;
    dcproj_table_begin(&w, out, c->fmt);
    static const char *const header[] = {"kind", "code", "name", "period", "a", "b", "delta", "delta_pct"};
    for (size_t i = 0; i < 8; i++)
        dcproj_table_text(&w, header[i]);
    dcproj_table_end_record(&w);
    for (size_t r = 0; r < c->a->n_rows; r++) {
        long rb = find_row(c->b, c->a->rows[r].kind, c->a->rows[r].code, r);
        for (size_t p = 0; p < c->a->n_periods; p++) {
            long pb = rb >= 0 ? find_period(c->b, c->a->periods[p].label, p) : -1;
            diff_record(&w, c, (long)r, (long)p, pb >= 0 ? rb : -1, pb);
        }
    }
    /* B's extras: rows A lacks, and periods of shared rows A lacks */
    for (size_t r = 0; r < c->b->n_rows; r++) {
        long ra = find_row(c->a, c->b->rows[r].kind, c->b->rows[r].code, r);
        for (size_t p = 0; p < c->b->n_periods; p++) {
            if (ra >= 0 && find_period(c->a, c->b->periods[p].label, p) >= 0)
                continue;
            diff_record(&w, c, -1, -1, (long)r, (long)p);
        }
    }
    return dcproj_table_finish(&w, err);
}

int cmd_diff(struct cli_opts *o)
{
    if (o->fmt.format == DCPROJ_FMT_JSON || o->fmt.format == DCPROJ_FMT_TABLE)
        return cli_fail(DCPROJ_ERR_USAGE, "diff writes CSV or TSV: use --format csv or tsv");
    if (o->fmt.layout != DCPROJ_LAYOUT_LONG)
        return cli_fail(DCPROJ_ERR_USAGE, "diff writes one layout (kind,code,name,period,a,b,delta,delta_pct): "
                                          "--layout wide or iamc does not apply");
    const char *metric = o->fmt.metric != NULL ? o->fmt.metric : "capacity";
    /* A: without the what-if options */
    struct cli_opts oa = *o;
    oa.patches = NULL;
    oa.n_patches = 0;
    oa.load.frozen = 0;
    struct dcproj_scenario *sa = NULL, *sb = NULL;
    struct dcproj_result *ra = NULL, *rb = NULL;
    int rc = cli_project(&oa, o->args[0], &sa, &ra);
    if (rc == 0 || rc == DCPROJ_ERR_DATA) {
        /* B is loaded even when A is invalid: an unreadable B outranks it
         * (SPEC §9), and both scenarios' problems are shown */
        int rc_b = cli_project(o, o->args[1], &sb, &rb);
        if (rc == 0 || rc_b == DCPROJ_ERR_NOINPUT)
            rc = rc_b;
    }
    if (rc != 0)
        goto done;
    struct diff_ctx c = {ra, rb, dcproj_result_find_col(ra, metric), dcproj_result_find_col(rb, metric), &o->fmt};
    if (c.col_a < 0 || c.col_b < 0) {
        const struct dcproj_result *lacking = c.col_a < 0 ? ra : rb;
        fprintf(stderr, "dcproj: --metric: %s has no column \"%s\"; it has:", c.col_a < 0 ? o->args[0] : o->args[1], metric);
        for (size_t k = 0; k < lacking->n_cols; k++)
            fprintf(stderr, " %s", lacking->cols[k]);
        fputc('\n', stderr);
        rc = DCPROJ_ERR_USAGE;
        goto done;
    }
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sa);
    cli_add_scenario_ids(&ids, &n_ids, sb);
    rc = cli_write(o->output, ids, n_ids, write_diff, &c);
    free(ids);
done:
    dcproj_result_free(ra);
    dcproj_result_free(rb);
    dcproj_scenario_free(sa);
    dcproj_scenario_free(sb);
    return rc;
}
