/*
 * cmd_explain.c — `dcproj explain SCENARIO`: a plain-text summary of the
 * deterministic projection (SPEC §7): totals at the baseline and the
 * horizon, growth factor and CAGR per country, group and TOTAL, shares of
 * TOTAL, the calibration solution and every target's outcome.  Lines are
 * at most 80 columns (free text is word-wrapped); every number goes through
 * dcproj_format_number(), so the output does not depend on the locale.
 * doc/calibration.md describes the layout.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define EXPLAIN_WIDTH 80
#define CODE_MAX_WIDTH 16  /* longer codes get a line of their own */

struct explain_ctx {
    const struct dcproj_scenario *sc;
    const struct dcproj_result *res;
};

/* A number in the shortest exact form (precision < 0) or with `precision`
 * decimals, into buf (DCPROJ_NUMBER_LEN bytes); returns buf. */
static const char *num(double v, int precision, char *buf)
{
    dcproj_format_number(v, precision, 0, buf);
    return buf;
}

/* 100·v with two decimals and a percent sign. */
static const char *pct(double v, char *buf)
{
    int n = dcproj_format_number(100.0 * v, 2, 0, buf);
    if (n >= 0 && n < DCPROJ_NUMBER_LEN - 1) {
        buf[n] = '%';
        buf[n + 1] = '\0';
    }
    return buf;
}

/* Print `text` word-wrapped to EXPLAIN_WIDTH columns: the first line starts
 * with `first` (its own indentation), continuation lines with `indent`
 * spaces.  A word longer than a line is printed unbroken. */
static void put_wrapped(FILE *out, const char *first, int indent, const char *text)
{
    int col = fprintf(out, "%s", first);
    int at_line_start = 1;
    const char *p = text;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        size_t len = strcspn(p, " \n\t");
        if (!at_line_start && col + 1 + (int)len > EXPLAIN_WIDTH) {
            col = fprintf(out, "\n%*s", indent, "") - 1;
            at_line_start = 1;
        }
        if (!at_line_start)
            col += fprintf(out, " ");
        col += fprintf(out, "%.*s", (int)len, p);
        at_line_start = 0;
        p += len;
    }
    fputc('\n', out);
}

/* Index of the period that ends `end_months` after the end of B, or -1. */
static long period_at(const struct dcproj_result *res, int end_months)
{
    for (size_t p = 0; p < res->n_periods; p++)
        if (res->periods[p].end_months == end_months)
            return (long)p;
    return -1;
}

/* The table of capacities at B and H with growth factor, CAGR and shares. */
static void put_capacity_table(FILE *out, const struct explain_ctx *c)
{
    const struct dcproj_scenario *sc = c->sc;
    const struct dcproj_result *res = c->res;
    int years = sc->horizon - sc->baseline_year;
    long pb = period_at(res, 0), ph = period_at(res, 12 * years);
    long col = dcproj_result_find_col(res, "capacity");
    if (pb < 0 || ph < 0 || col < 0 || res->n_rows == 0)
        return;
    size_t total_row = res->n_rows - 1;
    double total_b = dcproj_result_at(res, total_row, (size_t)pb, (size_t)col);
    double total_h = dcproj_result_at(res, total_row, (size_t)ph, (size_t)col);
    int w = 5;
    for (size_t r = 0; r < res->n_rows; r++) {
        int len = (int)strlen(res->rows[r].code);
        if (len > w && len <= CODE_MAX_WIDTH)
            w = len;
    }
    char title[256];
    snprintf(title, sizeof title,
             "Capacity (%s) at the end of %d and %d, deterministic; growth factor, "
             "compound annual growth and share of TOTAL:",
             sc->unit, sc->baseline_year, sc->horizon);
    put_wrapped(out, "", 0, title);
    char hb[16], hh[16], sb[16], sh[16];
    snprintf(hb, sizeof hb, "%d", sc->baseline_year);
    snprintf(hh, sizeof hh, "%d", sc->horizon);
    snprintf(sb, sizeof sb, "share %d", sc->baseline_year);
    snprintf(sh, sizeof sh, "share %d", sc->horizon);
    fprintf(out, "%-*s %11s %11s %8s %8s %10s %10s\n", w, "code", hb, hh, "factor", "CAGR", sb, sh);
    for (size_t r = 0; r < res->n_rows; r++) {
        const struct dcproj_row *row = &res->rows[r];
        if (r > 0 && row->kind != res->rows[r - 1].kind)
            fprintf(out, "%.*s\n", w + 64, "----------------------------------------"
                                             "----------------------------------------");
        double vb = dcproj_result_at(res, r, (size_t)pb, (size_t)col);
        double vh = dcproj_result_at(res, r, (size_t)ph, (size_t)col);
        char b1[DCPROJ_NUMBER_LEN], b2[DCPROJ_NUMBER_LEN], b3[DCPROJ_NUMBER_LEN];
        char b4[DCPROJ_NUMBER_LEN], b5[DCPROJ_NUMBER_LEN], b6[DCPROJ_NUMBER_LEN];
        const char *factor = "-", *cagr = "-", *share_b = "-", *share_h = "-";
        if (vb != 0) {
            factor = num(vh / vb, 3, b3);
            cagr = pct(pow(vh / vb, 1.0 / years) - 1.0, b4);
        }
        if (total_b != 0)
            share_b = pct(vb / total_b, b5);
        if (total_h != 0)
            share_h = pct(vh / total_h, b6);
        if ((int)strlen(row->code) > w)
            fprintf(out, "%s\n%-*s", row->code, w, "");
        else
            fprintf(out, "%-*s", w, row->code);
        fprintf(out, " %11s %11s %8s %8s %10s %10s\n", num(vb, 1, b1), num(vh, 1, b2), factor,
                cagr, share_b, share_h);
    }
}

static const char *method_text(enum dcproj_solve_method m)
{
    switch (m) {
    case DCPROJ_SOLVE_NONE: return "no unknown variables: the targets are only checked";
    case DCPROJ_SOLVE_BRENT: return "Brent's method (one unknown, one target)";
    case DCPROJ_SOLVE_HYBRIDS: return "Powell's hybrid method (as many unknowns as targets)";
    case DCPROJ_SOLVE_LSQ:
        return "weighted least squares, Levenberg-Marquardt (more targets than unknowns)";
    case DCPROJ_SOLVE_FROZEN:
        return "frozen: the variables are fixed at the parent scenario's solution and the "
               "targets are only reported";
    }
    return "?";
}

/* The calibration: method, variables, targets. */
static void put_solution(FILE *out, const struct explain_ctx *c)
{
    const struct dcproj_scenario *sc = c->sc;
    const struct dcproj_solution *sol = &c->res->solution;
    char line[4 * DCPROJ_NUMBER_LEN], b1[DCPROJ_NUMBER_LEN], b2[DCPROJ_NUMBER_LEN], b3[DCPROJ_NUMBER_LEN];
    if (sc->n_variables == 0 && sc->n_targets == 0) {
        fputs("Calibration: none (no variables, no targets).\n", out);
        return;
    }
    if (sol->method == DCPROJ_SOLVE_NONE || sol->method == DCPROJ_SOLVE_FROZEN)
        snprintf(line, sizeof line, "%s.", method_text(sol->method));
    else
        snprintf(line, sizeof line, "%s, %d iteration%s.", method_text(sol->method),
                 sol->iterations, sol->iterations == 1 ? "" : "s");
    put_wrapped(out, "Calibration: ", 2, line);
    if (sc->n_variables > 0)
        fputs("\nVariables:\n", out);
    for (size_t i = 0; i < sc->n_variables && i < sol->n_variables; i++) {
        const struct dcproj_variable *v = &sc->variables[i];
        fprintf(out, "  %s = %s\n", v->id, num(sol->variables[i], -1, b1));
        if (v->fixed)
            snprintf(line, sizeof line, "fixed (\"value\")");
        else if (sol->method == DCPROJ_SOLVE_FROZEN)
            snprintf(line, sizeof line, "from the parent's solution");
        else
            snprintf(line, sizeof line, "solved in [%s, %s] from the guess %s",
                     num(v->min, -1, b1), num(v->max, -1, b2), num(v->guess, -1, b3));
        put_wrapped(out, "      ", 6, line);
    }
    if (sc->n_targets > 0)
        fputs("\nTargets:\n", out);
    for (size_t i = 0; i < sc->n_targets && i < sol->n_targets; i++) {
        const struct dcproj_target *t = &sc->targets[i];
        const struct dcproj_target_result *r = &sol->targets[i];
        if (t->is_ratio)
            snprintf(line, sizeof line, "%s %d/%d ratio, wanted %s", t->scope, t->year,
                     t->base_year, num(t->ratio, -1, b1));
        else
            snprintf(line, sizeof line, "%s %d, wanted %s %s", t->scope, t->year,
                     num(t->value, -1, b1), sc->unit);
        if (sol->method == DCPROJ_SOLVE_LSQ) {
            size_t n = strlen(line);
            snprintf(line + n, sizeof line - n, " (weight %s)", num(t->weight, -1, b2));
        }
        char first[64];
        snprintf(first, sizeof first, "  %s: ", t->id);
        put_wrapped(out, first, 4, line);
        snprintf(line, sizeof line, "model %s, residual %s", num(r->model, -1, b1),
                 num(r->residual, -1, b2));
        put_wrapped(out, "    ", 4, line);
        int base = t->is_ratio ? t->base_year : sc->baseline_year;
        if (r->has_cagr)
            snprintf(line, sizeof line, "implied compound annual growth %s (%d to %d)",
                     pct(r->cagr, b1), base, t->year);
        else
            snprintf(line, sizeof line, "implied compound annual growth: none (%s)",
                     base == t->year ? "no years between base and target"
                                     : "the base is 0");
        put_wrapped(out, "    ", 4, line);
    }
}

/* [v2] The fitted growth curves (SPEC §3 model 5, §4 fit rows): per fit
 * country its curve, the years fitted, each parameter with its standard
 * error and the rmse. */
static void put_fits(FILE *out, const struct explain_ctx *c)
{
    const struct dcproj_scenario *sc = c->sc;
    const struct dcproj_solution *sol = &c->res->solution;
    char line[4 * DCPROJ_NUMBER_LEN], b1[DCPROJ_NUMBER_LEN], b2[DCPROJ_NUMBER_LEN];
    size_t last_country = (size_t)-1;
    for (size_t i = 0; i < sol->n_fit_params; i++) {
        const struct dcproj_fit_param *q = &sol->fit_params[i];
        const struct dcproj_country *co = &sc->countries[q->country];
        if (q->country != last_country) {
            const struct dcproj_growth *g = &co->growth;
            static const char *const curves[] = {"compound", "linear", "logistic"};
            if (last_country == (size_t)-1)
                fputs("\nFits:\n", out);
            last_country = q->country;
            int first = g->fit_from;
            for (size_t k = 0; k < co->n_history && first == 0; k++)
                first = co->history_years[k];
            snprintf(line, sizeof line, "%s curve, %s errors, history %d to %d%s", curves[g->fit_curve],
                     g->fit_relative ? "relative" : "absolute", first, sc->baseline_year,
                     g->fit_anchor_last ? ", anchored at the last observation" : "");
            char head[64];
            snprintf(head, sizeof head, "  %s: ", co->code);
            put_wrapped(out, head, 4, line);
        }
        if (q->has_std_error)
            snprintf(line, sizeof line, "%s = %s (standard error %s)", q->name, num(q->value, -1, b1),
                     num(q->std_error, -1, b2));
        else if (strcmp(q->name, "rmse") == 0)
            snprintf(line, sizeof line, "rmse = %s (%s)", num(q->value, -1, b1),
                     co->growth.fit_relative ? "a fraction of each value" : sc->unit);
        else
            snprintf(line, sizeof line, "%s = %s (the observed value of %d)", q->name,
                     num(q->value, -1, b1), sc->baseline_year);
        put_wrapped(out, "    ", 4, line);
    }
}

/* [v2] --history: per code that has an observation, each history year
 * (and B) with the observed value and the model's curve (SPEC §3.9). */
static void put_history(FILE *out, const struct explain_ctx *c)
{
    const struct dcproj_result *res = c->res;
    long col_obs = dcproj_result_find_col(res, "observed");
    long col_cap = dcproj_result_find_col(res, "capacity");
    long pb = period_at(res, 0);
    if (col_obs < 0 || col_cap < 0 || pb < 0)
        return;
    char b1[DCPROJ_NUMBER_LEN], b2[DCPROJ_NUMBER_LEN];
    int heading = 0;
    for (size_t r = 0; r < res->n_rows; r++) {
        int any = 0;
        for (long p = 0; p <= pb && !any; p++)
            any = !isnan(dcproj_result_at(res, r, (size_t)p, (size_t)col_obs));
        if (!any)
            continue;
        if (!heading) {
            fprintf(out, "\nHistory (%s at year-end: observed, and the model's curve where it has "
                         "one):\n", c->sc->unit);
            heading = 1;
        }
        fprintf(out, "  %s:\n    year       observed          model\n", res->rows[r].code);
        for (long p = 0; p <= pb; p++) {
            double o = dcproj_result_at(res, r, (size_t)p, (size_t)col_obs);
            double m = dcproj_result_at(res, r, (size_t)p, (size_t)col_cap);
            if (isnan(o) && isnan(m))
                continue;
            fprintf(out, "    %d %14s %14s\n", res->periods[p].year, isnan(o) ? "-" : num(o, -1, b1),
                    isnan(m) ? "-" : num(m, -1, b2));
        }
    }
}

/* Write the whole summary (cli_write callback). */
static int write_explain(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct explain_ctx *c = ctx;
    const struct dcproj_scenario *sc = c->sc;
    put_wrapped(out, "Scenario:    ", 13, sc->name);
    if (sc->title != NULL)
        put_wrapped(out, "Title:       ", 13, sc->title);
    if (sc->description != NULL)
        put_wrapped(out, "Description: ", 13, sc->description);
    put_wrapped(out, "Unit:        ", 13, sc->unit);
    char line[256];
    snprintf(line, sizeof line, "baseline %d, horizon %d (%d years), step %s",
             sc->baseline_year, sc->horizon, sc->horizon - sc->baseline_year,
             dcproj_step_name(sc->step));
    put_wrapped(out, "Years:       ", 13, line);
    fputc('\n', out);
    put_capacity_table(out, c);
    fputc('\n', out);
    put_solution(out, c);
    put_fits(out, c);
    put_history(out, c);
    if (ferror(out))
        return dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error");
    return DCPROJ_OK;
}

struct sites_ctx {
    const struct dcproj_scenario *sc;
    const struct dcproj_site *s;
    size_t n;
};

/* `explain --sites`: CSV site,path,country,dist in draw order (cli_write
 * callback).  Paths and codes are keys and identifiers: no field needs
 * quoting. */
static int write_sites(void *ctx, FILE *out, struct dcproj_error *err)
{
    const struct sites_ctx *c = ctx;
    fputs("site,path,country,dist\n", out);
    for (size_t i = 0; i < c->n; i++) {
        const struct dcproj_site *s = &c->s[i];
        fprintf(out, "%zu,%s,%s,%s\n", i, s->path ? s->path : "",
                s->country >= 0 ? c->sc->countries[s->country].code : "",
                dcproj_dist_name(s->param->dist));
    }
    if (ferror(out))
        return dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error");
    return DCPROJ_OK;
}

static int explain_sites(struct cli_opts *o)
{
    struct dcproj_scenario *sc = NULL;
    int rc = cli_load(o, o->args[0], &sc);
    if (rc != 0)
        return rc;
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct sites_ctx ctx = {sc, NULL, 0};
    struct dcproj_site *s = NULL;
    if (dcproj_sites(sc, &s, &ctx.n, &err) != DCPROJ_OK) {
        rc = cli_print_errors(&err);
        dcproj_scenario_free(sc);
        return rc;
    }
    ctx.s = s;
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sc);
    rc = cli_write(o->output, ids, n_ids, write_sites, &ctx);
    free(ids);
    dcproj_sites_free(s);
    dcproj_scenario_free(sc);
    return rc;
}

int cmd_explain(struct cli_opts *o)
{
    if (o->sites)
        return explain_sites(o);
    /* The summary is deterministic: run no Monte Carlo draws. */
    o->load.draws = 0;
    o->load.set |= DCPROJ_LOAD_SET_DRAWS;
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL;
    int rc = cli_project(o, o->args[0], &sc, &res);
    if (rc != 0)
        return rc;
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sc);
    struct explain_ctx ctx = {sc, res};
    rc = cli_write(o->output, ids, n_ids, write_explain, &ctx);
    free(ids);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return rc;
}
