/*
 * report_html.c — the report of SPEC §7 as one self-contained HTML5 page
 * (see dcproj/html.h): inline CSS with print rules, the charts as inline
 * SVG (chart_svg.c), no script, nothing fetched, no timestamp.
 *
 * Every text goes through markup_text() (the one escaper), every number
 * through dcproj_format_number() (markup_value() for readable values,
 * exact values by the §8 rule where a reader may want to copy them: the
 * inputs and the solved variables).  What each input rests on comes from
 * dcproj_provenance_build(); the footer hash from dcproj_scenario_hash().
 */
#include "dcproj/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/chart.h"
#include "dcproj/dcproj.h"
#include "dcproj/provenance.h"
#include "dcproj/sensitivity.h"
#include "markup_int.h"
#include "sens_chart_int.h"

/* The page's CSS.  Print rules: no background, no page break inside a
 * table row or chart, link targets printed after their text. */
static const char CSS[] =
    ":root{--ink:#1a1a1a;--muted:#555;--rule:#d0d0d0;--fact:#1b6e3a;--estimate:#8a5a00;"
    "--assumption:#a3262a}\n"
    "body{font-family:Helvetica,Arial,sans-serif;color:var(--ink);max-width:1100px;margin:0 auto;"
    "padding:1.5rem;line-height:1.45}\n"
    "h1{font-size:1.6rem;margin:0 0 .4rem}h2{font-size:1.2rem;margin:2rem 0 .6rem;"
    "border-bottom:2px solid var(--ink);padding-bottom:.2rem}\n"
    "p.meta,p.muted,.muted{color:var(--muted)}\n"
    "p.headline{font-size:1.25rem;margin:.3rem 0}\n"
    "table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.92rem}\n"
    "th,td{border-bottom:1px solid var(--rule);padding:.25rem .6rem;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f3f3f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "tr.group td{background:#fafafa}tr.total td{font-weight:bold;border-top:2px solid var(--ink)}\n"
    "code{font-family:Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}\n"
    ".kind{display:inline-block;font-size:.75rem;font-weight:bold;text-transform:uppercase;"
    "padding:0 .35rem;border-radius:3px;color:#fff;margin-right:.3rem}\n"
    ".kind-fact{background:var(--fact)}.kind-estimate{background:var(--estimate)}"
    ".kind-assumption{background:var(--assumption)}\n"
    ".warning{background:#fff4e0;border-left:4px solid var(--estimate);padding:.3rem .6rem;"
    "margin:.3rem 0}\n"
    ".unsourced{color:var(--assumption);font-weight:bold}\n"
    "figure{margin:1rem 0}figure svg{max-width:100%;height:auto}\n"
    "figcaption{color:var(--muted);font-size:.9rem}\n"
    "dl.notes dt{font-family:Menlo,Consolas,monospace;font-size:.85rem;color:var(--muted);"
    "margin-top:.5rem}dl.notes dd{margin:0 0 0 1rem}\n"
    "footer{margin-top:2.5rem;border-top:1px solid var(--rule);font-size:.85rem;"
    "color:var(--muted)}\n"
    "footer dd{margin:0 0 .3rem 1rem}\n"
    "@page{margin:14mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    "h2{break-after:avoid}tr,figure,.warning{break-inside:avoid}"
    "a{color:inherit;text-decoration:none}"
    "a[href]::after{content:\" <\" attr(href) \">\";font-size:8pt;word-break:break-all}"
    ".kind{border:1px solid #000;color:#000;background:none}}\n";

struct html {
    FILE *out;
    const struct dcproj_result *res;
    const struct dcproj_scenario *sc;
    long cap_col;
    size_t total_row;
    long period_b, period_h; /* rows of the end of B and of the horizon */
};

static void text(struct html *h, const char *s)
{
    markup_text(h->out, s, 0);
}

/* A readable value (markup_value). */
static void value(struct html *h, double v)
{
    char buf[DCPROJ_NUMBER_LEN];
    if (isnan(v))
        return; /* an empty cell */
    markup_value(v, buf);
    fputs(buf, h->out);
}

/* An exact value (SPEC §8 rule). */
static void exact(struct html *h, double v)
{
    char buf[DCPROJ_NUMBER_LEN];
    dcproj_format_number(v, -1, 0, buf);
    fputs(buf, h->out);
}

/* 100·v with one decimal and "%". */
static void percent(struct html *h, double v)
{
    char buf[DCPROJ_NUMBER_LEN];
    dcproj_format_number(100.0 * v, 1, 0, buf);
    fprintf(h->out, "%s%%", buf);
}

static void year(struct html *h, int y)
{
    fprintf(h->out, "%d", y);
}

/* Whether `url` may become a link: http(s) only (SPEC §7). */
static int linkable(const char *url)
{
    return url != NULL && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0);
}

static double at(const struct html *h, size_t row, long period, long col)
{
    if (period < 0 || col < 0)
        return NAN;
    return dcproj_result_at(h->res, row, (size_t)period, (size_t)col);
}

/* Compound annual growth from a to b over `years`; NaN when undefined. */
static double cagr(double a, double b, int years)
{
    if (!(a > 0.0) || years <= 0 || b < 0.0)
        return NAN;
    return pow(b / a, 1.0 / (double)years) - 1.0;
}

static long period_ending(const struct dcproj_result *res, int end_months)
{
    for (size_t p = 0; p < res->n_periods; p++)
        if (res->periods[p].end_months == end_months)
            return (long)p;
    return -1;
}

static void put_header(struct html *h)
{
    const struct dcproj_scenario *sc = h->sc;
    const char *title = sc->title != NULL && sc->title[0] != '\0' ? sc->title : sc->name;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"dcproj ",
          h->out);
    text(h, dcproj_version());
    fputs("\">\n<title>", h->out);
    text(h, title);
    fprintf(h->out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", CSS);
    text(h, title);
    fputs("</h1>\n", h->out);
    if (sc->description != NULL && sc->description[0] != '\0') {
        fputs("<p>", h->out);
        text(h, sc->description);
        fputs("</p>\n", h->out);
    }
    fputs("<p class=\"meta\">Scenario <code>", h->out);
    text(h, sc->name);
    fputs("</code> \xC2\xB7 baseline ", h->out);
    year(h, sc->baseline_year);
    fputs(", horizon ", h->out);
    year(h, sc->horizon);
    fputs(", step ", h->out);
    text(h, dcproj_step_name(sc->step));
    fputs(" \xC2\xB7 unit ", h->out);
    text(h, sc->unit);
    fputs(" (values are at the end of each period)</p>\n</header>\n", h->out);
}

static void put_headline(struct html *h)
{
    const struct dcproj_scenario *sc = h->sc;
    const struct dcproj_result *res = h->res;
    int years = sc->horizon - sc->baseline_year;
    double b = at(h, h->total_row, h->period_b, h->cap_col);
    double v = at(h, h->total_row, h->period_h, h->cap_col);
    fputs("<section id=\"headline\">\n<h2>Headline</h2>\n<p class=\"headline\">TOTAL: <strong>", h->out);
    value(h, b);
    fputc(' ', h->out);
    text(h, sc->unit);
    fputs("</strong> at the end of ", h->out);
    year(h, sc->baseline_year);
    fputs(" \xE2\x86\x92 <strong>", h->out);
    value(h, v);
    fputc(' ', h->out);
    text(h, sc->unit);
    fputs("</strong> at the end of ", h->out);
    year(h, sc->horizon);
    fputs("</p>\n<p>", h->out);
    double g = cagr(b, v, years);
    if (b > 0.0) {
        fputs("Growth factor \xC3\x97", h->out);
        value(h, v / b);
        fputs(", compound annual growth (CAGR) <strong>", h->out);
        percent(h, g);
        fprintf(h->out, "</strong> a year over %d year%s.", years, years == 1 ? "" : "s");
    } else {
        fputs("No compound annual growth: TOTAL is 0 at the baseline.", h->out);
    }
    long p5 = dcproj_result_find_col(res, "p5"), p95 = dcproj_result_find_col(res, "p95");
    if (res->draws > 0 && p5 >= 0 && p95 >= 0) {
        fputs(" Monte Carlo (", h->out);
        value(h, (double)res->draws);
        fputs(" draws): P5\xE2\x80\x93P95 of TOTAL at the end of ", h->out);
        year(h, sc->horizon);
        fputs(" is ", h->out);
        value(h, at(h, h->total_row, h->period_h, p5));
        fputs("\xE2\x80\x93", h->out);
        value(h, at(h, h->total_row, h->period_h, p95));
        fputc(' ', h->out);
        text(h, sc->unit);
        fputc('.', h->out);
    }
    long e = dcproj_result_find_col(res, "energy_twh");
    if (e >= 0 && h->period_h >= 0 && !isnan(at(h, h->total_row, h->period_h, e))) {
        fputs(" Energy in the last period (", h->out);
        text(h, res->periods[h->period_h].label);
        fputs("): ", h->out);
        value(h, at(h, h->total_row, h->period_h, e));
        fputs(" TWh.", h->out);
    }
    fputs("</p>\n</section>\n", h->out);
}

static const char *method_text(enum dcproj_solve_method m)
{
    switch (m) {
    case DCPROJ_SOLVE_NONE: return "No unknown variables: the targets are only checked.";
    case DCPROJ_SOLVE_BRENT: return "Solved exactly by Brent's method (one unknown, one target).";
    case DCPROJ_SOLVE_HYBRIDS:
        return "Solved exactly by Powell's hybrid method (as many unknowns as targets).";
    case DCPROJ_SOLVE_LSQ:
        return "Weighted least squares, Levenberg-Marquardt (more targets than unknowns).";
    case DCPROJ_SOLVE_FROZEN:
        return "Frozen: the variables are fixed at the parent scenario's solution and the "
               "targets are only reported.";
    }
    return "";
}

static void put_calibration(struct html *h)
{
    const struct dcproj_scenario *sc = h->sc;
    const struct dcproj_solution *sol = &h->res->solution;
    fputs("<section id=\"calibration\">\n<h2>Targets and calibration</h2>\n", h->out);
    if (sc->n_targets == 0 && sc->n_variables == 0)
        fputs("<p class=\"muted\">No targets and no variables.</p>\n", h->out);
    else {
        fputs("<p>", h->out);
        text(h, method_text(sol->method));
        if (sol->method != DCPROJ_SOLVE_NONE && sol->method != DCPROJ_SOLVE_FROZEN)
            fprintf(h->out, " %d iteration%s.", sol->iterations, sol->iterations == 1 ? "" : "s");
        fputs("</p>\n", h->out);
    }
    if (sc->n_targets > 0) {
        fputs("<table>\n<thead><tr><th>target</th><th>scope</th><th>asks for</th>"
              "<th class=\"num\">model</th><th class=\"num\">residual</th>"
              "<th class=\"num\">implied CAGR</th></tr></thead>\n<tbody>\n",
              h->out);
        for (size_t i = 0; i < sc->n_targets && i < sol->n_targets; i++) {
            const struct dcproj_target *t = &sc->targets[i];
            const struct dcproj_target_result *r = &sol->targets[i];
            fputs("<tr><td><code>", h->out);
            text(h, t->id);
            fputs("</code></td><td>", h->out);
            text(h, t->scope);
            fputs("</td><td>", h->out);
            /* the quantity the target is about (SPEC §4 `metric`) */
            static const char *const what[] = {"", " IT load", " facility power", " energy"};
            int energy = t->metric == DCPROJ_METRIC_ENERGY;
            if (t->is_ratio) {
                fputs("\xC3\x97", h->out);
                exact(h, t->ratio);
                fprintf(h->out, "%s from %d to %d", what[t->metric], t->base_year, t->year);
            } else {
                exact(h, t->value);
                fputc(' ', h->out);
                if (energy)
                    fprintf(h->out, "TWh used in %d", t->year);
                else if (t->metric != DCPROJ_METRIC_CAPACITY)
                    fprintf(h->out, "MW%s at the end of %d", what[t->metric], t->year);
                else {
                    text(h, sc->unit);
                    fprintf(h->out, " at the end of %d", t->year);
                }
            }
            fputs("</td><td class=\"num\">", h->out);
            if (t->is_ratio)
                fputs("\xC3\x97", h->out);
            value(h, r->model);
            fputs("</td><td class=\"num\">", h->out);
            exact(h, r->residual);
            fputs("</td><td class=\"num\">", h->out);
            if (r->has_cagr)
                percent(h, r->cagr);
            fputs("</td></tr>\n", h->out);
        }
        fputs("</tbody>\n</table>\n", h->out);
    }
    if (sc->n_variables > 0) {
        fputs("<table>\n<thead><tr><th>variable</th><th class=\"num\">value</th><th>how</th>"
              "</tr></thead>\n<tbody>\n",
              h->out);
        for (size_t i = 0; i < sc->n_variables; i++) {
            const struct dcproj_variable *v = &sc->variables[i];
            fputs("<tr><td><code>", h->out);
            text(h, v->id);
            fputs("</code></td><td class=\"num\">", h->out);
            exact(h, i < sol->n_variables ? sol->variables[i] : v->value);
            fputs("</td><td>", h->out);
            if (v->fixed)
                fputs(v->dist.dist != DCPROJ_DIST_NONE ? "uncertain (its mean shown)" : "fixed", h->out);
            else if (sol->method == DCPROJ_SOLVE_FROZEN)
                fputs("from the parent scenario's solution", h->out);
            else {
                fputs("solved in [", h->out);
                exact(h, v->min);
                fputs(", ", h->out);
                exact(h, v->max);
                fputs("]", h->out);
            }
            fputs("</td></tr>\n", h->out);
        }
        fputs("</tbody>\n</table>\n", h->out);
    }
    /* every warning: the scenario's (load time) then the run's (floors,
     * calibration diagnostics) */
    const struct dcproj_warnings *lists[2] = {&sc->warnings, &h->res->warnings};
    if (lists[0]->n + lists[1]->n > 0)
        fputs("<h3>Warnings</h3>\n", h->out);
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            const struct dcproj_warning *w = &lists[l]->items[i];
            fputs("<p class=\"warning\">", h->out);
            if (w->path[0] != '\0') {
                fputs("<code>", h->out);
                text(h, w->path);
                fputs("</code>: ", h->out);
            }
            text(h, w->message);
            fputs("</p>\n", h->out);
        }
    fputs("</section>\n", h->out);
}

/* The table of every row at the horizon. */
static void put_table(struct html *h)
{
    const struct dcproj_result *res = h->res;
    const struct dcproj_scenario *sc = h->sc;
    int years = sc->horizon - sc->baseline_year;
    double total_h = at(h, h->total_row, h->period_h, h->cap_col);
    fputs("<section id=\"countries\">\n<h2>Per country at the end of ", h->out);
    year(h, sc->horizon);
    fputs("</h2>\n<table>\n<thead><tr><th>code</th><th>name</th><th class=\"num\">", h->out);
    year(h, sc->baseline_year);
    fputs("</th><th class=\"num\">", h->out);
    year(h, sc->horizon);
    fputs("</th><th class=\"num\">share</th><th class=\"num\">CAGR</th>", h->out);
    for (size_t k = 0; k < res->n_cols; k++) {
        if ((long)k == h->cap_col)
            continue;
        fputs("<th class=\"num\">", h->out);
        text(h, res->cols[k]);
        fputs("</th>", h->out);
    }
    fputs("</tr></thead>\n<tbody>\n", h->out);
    for (size_t r = 0; r < res->n_rows; r++) {
        const struct dcproj_row *row = &res->rows[r];
        double vb = at(h, r, h->period_b, h->cap_col), vh = at(h, r, h->period_h, h->cap_col);
        fputs(row->kind == DCPROJ_ROW_TOTAL ? "<tr class=\"total\">"
              : row->kind == DCPROJ_ROW_GROUP ? "<tr class=\"group\">"
                                              : "<tr>",
              h->out);
        fputs("<td>", h->out);
        text(h, row->code);
        fputs("</td><td>", h->out);
        text(h, row->kind == DCPROJ_ROW_GROUP ? "group" : row->name);
        fputs("</td><td class=\"num\">", h->out);
        value(h, vb);
        fputs("</td><td class=\"num\">", h->out);
        value(h, vh);
        fputs("</td><td class=\"num\">", h->out);
        if (total_h > 0.0)
            percent(h, vh / total_h);
        fputs("</td><td class=\"num\">", h->out);
        if (!isnan(cagr(vb, vh, years)))
            percent(h, cagr(vb, vh, years));
        fputs("</td>", h->out);
        for (size_t k = 0; k < res->n_cols; k++) {
            if ((long)k == h->cap_col)
                continue;
            fputs("<td class=\"num\">", h->out);
            value(h, at(h, r, h->period_h, (long)k));
            fputs("</td>", h->out);
        }
        fputs("</tr>\n", h->out);
    }
    fputs("</tbody>\n</table>\n<p class=\"muted\">Capacity in ", h->out);
    text(h, sc->unit);
    fputs(" at the end of each year; share of TOTAL at the horizon; groups and TOTAL are sums "
          "of their countries (Monte Carlo columns: quantiles of the per-draw sum).</p>\n"
          "</section>\n",
          h->out);
}

static int put_chart(struct html *h, const struct dcproj_result *cres, const char *metric,
                     const char *id, const char *caption, struct dcproj_error *err)
{
    struct dcproj_chart_options copt;
    dcproj_chart_options_init(&copt);
    copt.metric = metric;
    copt.inline_svg = 1;
    copt.id_prefix = id;
    fprintf(h->out, "<figure id=\"%s\">\n", id);
    int rc = dcproj_chart_write(cres, &copt, h->out, err);
    if (rc != DCPROJ_OK)
        return rc;
    fputs("<figcaption>", h->out);
    text(h, caption);
    fputs("</figcaption>\n</figure>\n", h->out);
    return DCPROJ_OK;
}

static int put_charts(struct html *h, const struct dcproj_result *cres, struct dcproj_error *err)
{
    fputs("<section id=\"charts\">\n<h2>Charts</h2>\n", h->out);
    const char *band = cres->draws > 0 ? " The shaded band is TOTAL's 5th to 95th percentile "
                                         "over the Monte Carlo draws."
                                       : "";
    char caption[512];
    snprintf(caption, sizeof caption,
             "Capacity at the end of each period: the largest countries, the rest summed as "
             "\"other\", and TOTAL. Markers on the time axis show events at their effective "
             "start.%s",
             band);
    int rc = put_chart(h, cres, NULL, "chart-capacity", caption, err);
    if (rc == DCPROJ_OK && dcproj_result_find_col(cres, "energy_twh") >= 0) {
        snprintf(caption, sizeof caption,
                 "Energy (TWh) per period, drawn as a step over each period.%s", band);
        rc = put_chart(h, cres, "energy_twh", "chart-energy", caption, err);
    }
    fputs("</section>\n", h->out);
    return rc;
}

/* The OAT table of `r` (SPEC §7 `sensitivity`), values by the §8 rule so
 * they read as `dcproj sensitivity` writes them. */
static void put_tornado_table(struct html *h, const struct dcproj_sens_result *r)
{
    fputs("<table class=\"tornado\">\n<thead><tr><th>factor</th><th class=\"num\">low</th>"
          "<th class=\"num\">high</th><th class=\"num\">output at low</th>"
          "<th class=\"num\">output at base</th><th class=\"num\">output at high</th>"
          "<th class=\"num\">swing</th></tr></thead>\n<tbody>\n",
          h->out);
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct dcproj_sens_row *row = &r->rows[i];
        fputs(strcmp(row->name, "ALL") == 0 ? "<tr class=\"total\"><td><code>" : "<tr><td><code>",
              h->out);
        text(h, row->name);
        fputs("</code></td><td class=\"num\">", h->out);
        if (row->has_inputs)
            exact(h, row->low);
        fputs("</td><td class=\"num\">", h->out);
        if (row->has_inputs)
            exact(h, row->high);
        const double v[4] = {row->out_low, row->out_base, row->out_high, row->swing};
        for (size_t k = 0; k < 4; k++) {
            fputs("</td><td class=\"num\">", h->out);
            exact(h, v[k]);
        }
        fputs("</td></tr>\n", h->out);
    }
    fputs("</tbody>\n</table>\n", h->out);
}

/*
 * With draws, the one-at-a-time tornado of TOTAL capacity at the horizon
 * (dcproj_sens_* with the default options).  A scenario without a factor
 * (the plan's data error) has no section; any other failure is the
 * report's.
 */
static int put_tornado(struct html *h, struct dcproj_error *err)
{
    if (h->sc->draws <= 0)
        return DCPROJ_OK;
    struct dcproj_sens_options opt;
    memset(&opt, 0, sizeof opt);
    struct dcproj_sens_plan *plan = NULL;
    struct dcproj_sens_result *r = NULL;
    double *values = NULL;
    struct dcproj_error perr;
    dcproj_error_init(&perr);
    int rc = dcproj_sens_plan(h->sc, &opt, &plan, &perr);
    if (rc == DCPROJ_ERR_DATA)
        return DCPROJ_OK; /* no factor: no tornado */
    if (rc != DCPROJ_OK) {
        dcproj_error_merge(err, &perr);
        return rc;
    }
    size_t runs = dcproj_sens_runs(plan);
    values = calloc(runs > 0 ? runs : 1, sizeof *values);
    if (values == NULL)
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    if (rc == DCPROJ_OK)
        rc = dcproj_sens_eval(plan, 0, runs, values, err);
    if (rc == DCPROJ_OK)
        rc = dcproj_sens_finish(plan, values, &r, err);
    if (rc == DCPROJ_OK) {
        fputs("<section id=\"tornado\">\n<h2>Which assumption matters</h2>\n"
              "<figure id=\"chart-tornado\">\n",
              h->out);
        rc = sens_chart_svg(r, h->sc, &opt, 0, h->out, err);
    }
    if (rc == DCPROJ_OK) {
        fputs("<figcaption>", h->out);
        text(h, "One factor at a time: each factor is set to its 10th and then its 90th "
                "percentile with every other input at its base value, and the bar is the "
                "resulting TOTAL capacity at the horizon. ALL sets every factor at once; it is "
                "an envelope, not a probability.");
        fputs("</figcaption>\n</figure>\n", h->out);
        put_tornado_table(h, r);
        fputs("</section>\n", h->out);
    }
    dcproj_sens_result_free(r);
    dcproj_sens_plan_free(plan);
    free(values);
    return rc;
}

static void put_kind(struct html *h, enum dcproj_source_kind kind)
{
    const char *name = dcproj_source_kind_name(kind);
    fprintf(h->out, "<span class=\"kind kind-%s\">%s</span>", name, name);
}

/* A source's title, linked when its URL is http(s). */
static void put_source_title(struct html *h, const struct dcproj_source *s)
{
    if (linkable(s->url)) {
        fputs("<a href=\"", h->out);
        text(h, s->url);
        fputs("\">", h->out);
        text(h, s->title);
        fputs("</a>", h->out);
    } else {
        text(h, s->title);
    }
}

static void put_inputs(struct html *h, const struct dcproj_provenance *p)
{
    const struct dcproj_scenario *sc = h->sc;
    size_t n_sourced = 0;
    for (size_t i = 0; i < p->n_inputs; i++)
        n_sourced += p->inputs[i].n_sources > 0;
    fputs("<section id=\"inputs\">\n<h2>Inputs and what they rest on</h2>\n<p>", h->out);
    fprintf(h->out, "%zu input%s: %zu with a source, %zu without. An input's source is that "
                    "of the nearest enclosing object that names one; a bare variable reference "
                    "has its variable's.</p>\n",
            p->n_inputs, p->n_inputs == 1 ? "" : "s", n_sourced, p->n_inputs - n_sourced);
    if (n_sourced > 0) {
        fputs("<h3>Sourced inputs</h3>\n<table class=\"sourced\">\n<thead><tr><th>input</th>"
              "<th>value</th><th>sources</th></tr></thead>\n<tbody>\n",
              h->out);
        for (size_t i = 0; i < p->n_inputs; i++) {
            const struct dcproj_provenance_input *in = &p->inputs[i];
            if (in->n_sources == 0)
                continue;
            fputs("<tr><td><code>", h->out);
            text(h, in->path);
            fputs("</code></td><td><code>", h->out);
            text(h, in->value);
            fputs("</code></td><td>", h->out);
            for (size_t k = 0; k < in->n_sources; k++) {
                const struct dcproj_source *s = &sc->sources[in->sources[k]];
                if (k > 0)
                    fputs("<br>", h->out);
                put_kind(h, s->kind);
                put_source_title(h, s);
                fputs(" <code>", h->out);
                text(h, s->id);
                fputs("</code>", h->out);
            }
            fputs("</td></tr>\n", h->out);
        }
        fputs("</tbody>\n</table>\n", h->out);
    }
    if (n_sourced < p->n_inputs) {
        fputs("<h3 class=\"unsourced\">Unsourced inputs</h3>\n<table class=\"unsourced-list\">\n"
              "<thead><tr><th>input</th><th>value</th></tr></thead>\n<tbody>\n",
              h->out);
        for (size_t i = 0; i < p->n_inputs; i++) {
            const struct dcproj_provenance_input *in = &p->inputs[i];
            if (in->n_sources > 0)
                continue;
            fputs("<tr><td><code>", h->out);
            text(h, in->path);
            fputs("</code></td><td><code>", h->out);
            text(h, in->value);
            fputs("</code></td></tr>\n", h->out);
        }
        fputs("</tbody>\n</table>\n", h->out);
    }
    if (sc->n_sources > 0) {
        fputs("<h3>Sources</h3>\n<table>\n<thead><tr><th>id</th><th>kind</th><th>title</th>"
              "<th>date</th><th>note</th></tr></thead>\n<tbody>\n",
              h->out);
        for (size_t i = 0; i < sc->n_sources; i++) {
            const struct dcproj_source *s = &sc->sources[i];
            fputs("<tr><td><code>", h->out);
            text(h, s->id);
            fputs("</code></td><td>", h->out);
            put_kind(h, s->kind);
            fputs("</td><td>", h->out);
            put_source_title(h, s);
            if (s->url != NULL && !linkable(s->url)) {
                fputs(" <code>", h->out);
                text(h, s->url);
                fputs("</code>", h->out);
            }
            fputs("</td><td>", h->out);
            text(h, s->date != NULL ? s->date : "");
            fputs("</td><td>", h->out);
            text(h, s->note != NULL ? s->note : "");
            fputs("</td></tr>\n", h->out);
        }
        fputs("</tbody>\n</table>\n", h->out);
    }
    fputs("</section>\n", h->out);
}

static void put_notes(struct html *h, const struct dcproj_provenance *p)
{
    fputs("<section id=\"notes\">\n<h2>Notes</h2>\n", h->out);
    if (p->n_notes == 0)
        fputs("<p class=\"muted\">The scenario has no notes.</p>\n", h->out);
    else
        fputs("<dl class=\"notes\">\n", h->out);
    for (size_t i = 0; i < p->n_notes; i++) {
        fputs("<dt>", h->out);
        text(h, p->notes[i].path);
        fputs("</dt><dd>", h->out);
        text(h, p->notes[i].text);
        fputs("</dd>\n", h->out);
    }
    if (p->n_notes > 0)
        fputs("</dl>\n", h->out);
    fputs("</section>\n", h->out);
}

static void put_footer(struct html *h, const char *hash, const char *command_line)
{
    const struct dcproj_scenario *sc = h->sc;
    fputs("<footer>\n<h2>Reproduce</h2>\n<dl>\n<dt>dcproj version</dt><dd><code id=\"version\">",
          h->out);
    text(h, dcproj_version());
    fputs("</code></dd>\n<dt>Scenario hash (SHA-256 of the resolved scenario, compact JSON)</dt>"
          "<dd><code id=\"scenario-hash\">",
          h->out);
    text(h, hash);
    fputs("</code></dd>\n<dt>Seed</dt><dd><code id=\"seed\">", h->out);
    fprintf(h->out, "%llu", (unsigned long long)sc->seed);
    fputs("</code></dd>\n<dt>Draws</dt><dd><code id=\"draws\">", h->out);
    fprintf(h->out, "%lld", h->res->draws);
    fputs("</code></dd>\n", h->out);
    if (command_line != NULL) {
        fputs("<dt>Command line</dt><dd><code id=\"command-line\">", h->out);
        text(h, command_line);
        fputs("</code></dd>\n", h->out);
    }
    fputs("</dl>\n</footer>\n</body>\n</html>\n", h->out);
}

int dcproj_html_write(const struct dcproj_result *res, const struct dcproj_html_options *opt,
                      FILE *out, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = res->scenario;
    if (sc == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                "report: the result has no scenario");
    struct html h = {out, res, sc, dcproj_result_find_col(res, "capacity"), res->n_rows - 1,
                     period_ending(res, 0), period_ending(res, 12 * (sc->horizon - sc->baseline_year))};
    if (h.cap_col < 0 || res->n_rows == 0 || res->n_periods == 0)
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, sc->file, NULL, 0, 0,
                                "report: the result has no capacity column");
    for (size_t r = 0; r < res->n_rows; r++)
        if (res->rows[r].kind == DCPROJ_ROW_TOTAL)
            h.total_row = r;
    if (h.period_h < 0)
        h.period_h = (long)res->n_periods - 1;
    char hash[DCPROJ_SHA256_HEX_LEN];
    int rc = dcproj_scenario_hash(sc, hash, err);
    if (rc != DCPROJ_OK)
        return rc;
    struct dcproj_provenance *prov = NULL;
    rc = dcproj_provenance_build(sc, &prov, err);
    if (rc != DCPROJ_OK)
        return rc;
    put_header(&h);
    put_headline(&h);
    put_calibration(&h);
    put_table(&h);
    const struct dcproj_result *cres =
        opt != NULL && opt->chart_result != NULL ? opt->chart_result : res;
    rc = put_charts(&h, cres, err);
    if (rc == DCPROJ_OK)
        rc = put_tornado(&h, err);
    if (rc == DCPROJ_OK) {
        put_inputs(&h, prov);
        put_notes(&h, prov);
        put_footer(&h, hash, opt != NULL ? opt->command_line : NULL);
    }
    dcproj_provenance_free(prov);
    if (rc == DCPROJ_OK && ferror(out))
        rc = dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "report: write error");
    return rc;
}
