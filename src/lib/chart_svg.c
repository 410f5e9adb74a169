/*
 * chart_svg.c — a projection as a standalone SVG 1.1 line chart (SPEC §7
 * `chart`, §8).  See dcproj/chart.h for what is drawn and where.
 *
 * The writer knows nothing about fonts: text widths are estimated from the
 * number of characters (generously, so labels do not collide), and every
 * coordinate is rounded to 1/100 px and printed by dcproj_format_number(),
 * so the output is the same bytes on every run and under every locale.
 * Which lines are drawn, with which values and bands, is chart_series.c's.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/chart.h"
#include "dcproj/report.h"
#include "alloc_int.h"
#include "chart_int.h"
#include "markup_int.h"
#include "model_int.h"

/* The next of N_NUMBUF rotating number buffers, so one fprintf() may hold up
 * to N_NUMBUF formatted numbers. */
static char *next_buf(struct chart *c)
{
    char *b = c->numbuf[c->next_buf];
    c->next_buf = (c->next_buf + 1) % N_NUMBUF;
    return b;
}

/* A coordinate rounded to 1/100 px, in its shortest form ("72", "123.45"). */
static const char *num(struct chart *c, double v)
{
    char *b = next_buf(c);
    double r = round(v * 100.0) / 100.0;
    if (r == 0.0)
        r = 0.0; /* no "-0" */
    dcproj_format_number(r, -1, 0, b);
    return b;
}

/* A tick label: `v` with exactly `decimals` decimals, thousands grouped. */
static const char *tick_label(struct chart *c, double v, int decimals)
{
    char *b = next_buf(c);
    dcproj_format_number(v, decimals, 0, b);
    markup_group_thousands(b);
    return b;
}

/* A value for people to read (markup_value()). */
static const char *value_label(struct chart *c, double v)
{
    char *b = next_buf(c);
    markup_value(v, b);
    return b;
}

/* The value of each variable for the chart into c->vars (c->n_vars):
 * solved, else fixed, else NaN, so that a parameter referring to it is
 * NaN.  -1 when out of memory. */
static int chart_vars(struct chart *c)
{
    const struct dcproj_result *res = c->res;
    const struct dcproj_scenario *sc = res->scenario;
    size_t n = sc != NULL ? sc->n_variables : 0;
    if (res->solution.n_variables > n)
        n = res->solution.n_variables;
    if (n == 0)
        return 0;
    double *v = dcproj_malloc(n * sizeof *v);
    if (v == NULL)
        return -1;
    c->vars = v;
    c->n_vars = n;
    for (size_t i = 0; i < n; i++) {
        if (i < res->solution.n_variables && res->solution.variables != NULL)
            v[i] = res->solution.variables[i];
        else if (sc != NULL && i < sc->n_variables && sc->variables[i].fixed)
            v[i] = sc->variables[i].value;
        else
            v[i] = NAN;
    }
    return 0;
}

/* The deterministic value of a parameter, SPEC §5.1's mean, by the one rule
 * (param_mean(), model.c) with the chart's variables; NaN if it refers to a
 * variable the chart has no value for. */
static double param_mean_of(const struct chart *c, const struct dcproj_param *p)
{
    /* the fields param_mean() reads: the value, or the first 1, 2 or 3 */
    size_t used = p->dist == DCPROJ_DIST_NONE ? 0
                  : p->dist == DCPROJ_DIST_NORMAL || p->dist == DCPROJ_DIST_LOGNORMAL ? 1
                  : p->dist == DCPROJ_DIST_UNIFORM ? 2 : 3;
    for (size_t i = 0; i < (used == 0 ? 1 : used); i++) {
        const struct dcproj_value *v = used == 0 ? &p->v : &p->f[i];
        if (v->var >= 0 && (size_t)v->var >= c->n_vars)
            return NAN;
    }
    return param_mean(p, c->vars);
}

/* The smallest 1-2-5 step (times a power of ten) that is at least `raw`. */
static double nice_step(double raw)
{
    double mag = pow(10.0, floor(log10(raw)));
    double norm = raw / mag;
    if (norm <= 1.0 + 1e-9)
        return mag;
    if (norm <= 2.0 + 1e-9)
        return 2.0 * mag;
    if (norm <= 5.0 + 1e-9)
        return 5.0 * mag;
    return 10.0 * mag;
}

/* Capacity axis: from min(0, lowest) to the first multiple of the step at
 * or above the highest value; the step is the smallest 1-2-5 step that
 * needs at most 8 steps for the range (4 to 8 grid lines). */
static void y_axis(struct chart *c, double lo, double hi)
{
    if (lo > 0.0)
        lo = 0.0;
    if (hi < 0.0)
        hi = 0.0;
    if (hi - lo <= 0.0 || !isfinite(hi - lo))
        hi = lo + 1.0;
    double step = nice_step((hi - lo) / 8.0);
    if (!(step > 0.0) || !isfinite(step))
        step = hi - lo; /* a range so small that a tenth of it underflows */
    c->y_step = step;
    c->y_min = floor(lo / step + 1e-9) * step;
    c->y_max = ceil(hi / step - 1e-9) * step;
    if (c->y_max <= c->y_min)
        c->y_max = c->y_min + step;
    int d = -(int)floor(log10(step) + 1e-9);
    c->y_decimals = d < 0 ? 0 : (d > 17 ? 17 : d);
}

static double px_x(const struct chart *c, double x)
{
    return c->left + PLOT_W * (x - c->x_min) / (c->x_max - c->x_min);
}

static double px_y(const struct chart *c, double y)
{
    return PLOT_TOP + PLOT_H * (1.0 - (y - c->y_min) / (c->y_max - c->y_min));
}

/* Year step for the time axis: the smallest of 1, 2, 5, 10, 20, 25, 50, 100
 * that keeps year labels at least 44 px apart. */
static int year_step(double span)
{
    static const int steps[] = {1, 2, 5, 10, 20, 25, 50, 100};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] * 44.0 <= PLOT_W)
            return steps[i];
    return 100;
}

static void chart_free(struct chart *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n_series; i++) {
        dcproj_free(c->series[i].values);
        dcproj_free(c->series[i].lo);
        dcproj_free(c->series[i].hi);
        dcproj_free(c->series[i].base);
        dcproj_free(c->series[i].obs);
    }
    dcproj_free(c->series);
    dcproj_free(c->x);
    dcproj_free(c->vars);
    dcproj_free(c);
}

/* A legend row's text columns. */
struct legend_row {
    const struct series *s; /* NULL for the band and event rows */
    const char *code;
    const char *name;       /* written escaped, cut to LEGEND_NAME_CHARS */
    char value[2 * DCPROJ_NUMBER_LEN + 8];
    int is_band;
};

/* The points of a series as SVG polyline points: a line through the period
 * ends, or for per-period values (energy) a step per period from its start
 * to its end.  A NaN value (an empty cell, e.g. the first row's energy)
 * leaves it out. */
static void put_points(struct chart *c, const double *v, const double *base, int backwards,
                       int first)
{
    for (size_t k = 0; k < c->n_periods; k++) {
        size_t p = backwards ? c->n_periods - 1 - k : k;
        if (isnan(v[p]) || (c->steps && p == 0)) /* a step needs the period's start */
            continue;
        double y = px_y(c, v[p] + (base != NULL ? base[p] : 0.0));
        const char *x_end = num(c, px_x(c, c->x[p]));
        const char *x_start = c->steps ? num(c, px_x(c, c->x[p - 1])) : NULL;
        const char *ys = num(c, y);
        if (x_start != NULL && !backwards)
            fprintf(c->out, "%s%s,%s %s,%s", first ? "" : " ", x_start, ys, x_end, ys);
        else if (x_start != NULL)
            fprintf(c->out, "%s%s,%s %s,%s", first ? "" : " ", x_end, ys, x_start, ys);
        else
            fprintf(c->out, "%s%s,%s", first ? "" : " ", x_end, ys);
        first = 0;
    }
}

/* A P5–P95 band as a filled polygon in `color`. */
static void put_band(struct chart *c, const struct series *s)
{
    fprintf(c->out, "<polygon class=\"band\" fill=\"%s\" fill-opacity=\"" BAND_OPACITY
                    "\" stroke=\"none\" points=\"", s->color);
    put_points(c, s->hi, NULL, 0, 1);
    put_points(c, s->lo, NULL, 1, 0);
    fputs("\"><title>", c->out);
    markup_text(c->out, s->code, 0);
    fputs(" P5\xE2\x80\x93P95</title></polygon>\n", c->out);
}

/* --stack: the area of series `s` between its base and its top. */
static void put_area(struct chart *c, const struct series *s)
{
    fprintf(c->out, "<polygon class=\"area\" fill=\"%s\" fill-opacity=\"0.55\" stroke=\"%s\" "
                    "stroke-width=\"1\" points=\"", s->color, s->color);
    put_points(c, s->values, s->base, 0, 1);
    double *zero = s->base;
    put_points(c, zero, NULL, 1, 0);
    fputs("\"><title>", c->out);
    markup_text(c->out, s->code, 0);
    if (s->name[0] != '\0') {
        fputc(' ', c->out);
        markup_text(c->out, s->name, 0);
    }
    fputs("</title></polygon>\n", c->out);
}

/* Stroke attributes of a series' line (also its legend swatch). */
static void put_stroke(struct chart *c, const struct series *s)
{
    double w = s->kind == SERIES_TOTAL ? 3.5 : 2.0;
    fprintf(c->out, " stroke=\"%s\" stroke-width=\"%s\"", s->color, num(c, w));
    if (s->dash != NULL)
        fprintf(c->out, " stroke-dasharray=\"%s\"", s->dash);
}

/* The series drawn for scenario country `country`, or NULL (summed into
 * "other"). */
static const struct series *series_of_country(const struct chart *c, size_t country)
{
    for (size_t i = 0; i < c->n_series; i++)
        if (c->series[i].kind == SERIES_COUNTRY && c->series[i].country == country)
            return &c->series[i];
    return NULL;
}

/* The x of event `e`'s effective start: its date plus its (mean) delay
 * (SPEC §3.5); an unresolvable delay counts as 0. */
static double event_x(const struct chart *c, const struct dcproj_event *e)
{
    double delay = param_mean_of(c, &e->delay_months);
    if (!isfinite(delay) || delay < 0.0)
        delay = 0.0;
    return c->origin + (e->start_months + delay) / 12.0;
}

/* Whether event `e` gets a marker on the time axis: its effective start lies within
 * the plotted periods.  An event that starts at the end of the last period
 * (dated the year after the horizon) changes no plotted value (SPEC §1: an
 * event dated 2027 is not in the 2026 row), so it is "after the horizon". */
static int event_drawn(const struct chart *c, const struct dcproj_event *e)
{
    double x = event_x(c, e);
    return x >= c->x_min - 1e-9 && x < c->x_max - 1e-9;
}

/* "ES +150 MW (2026-07)" for event `e`, or without the size when it depends
 * on a variable that has no value; ", probability 0.5" when not certain. */
static void put_event_text(struct chart *c, const struct dcproj_event *e, const char *unit)
{
    const struct dcproj_scenario *sc = c->res->scenario;
    if (e->id[0] != '\0') { /* events keyed by id: name it */
        markup_text(c->out, e->id, 0);
        fputs(": ", c->out);
    }
    markup_text(c->out, e->country < sc->n_countries ? sc->countries[e->country].code : "?", 0);
    double add = param_mean_of(c, &e->add);
    if (isfinite(add)) {
        const char *v = value_label(c, add);
        fprintf(c->out, " %s%s ", v[0] == '-' ? "" : "+", v);
        markup_text(c->out, unit, 0);
    }
    fputs(" (", c->out);
    markup_text(c->out, e->date, 0);
    double delay = param_mean_of(c, &e->delay_months);
    if (isfinite(delay) && delay > 0.0)
        fprintf(c->out, " + %s months", value_label(c, delay));
    double prob = param_mean_of(c, &e->probability);
    if (isfinite(prob) && prob != 1.0)
        fprintf(c->out, ", probability %s", value_label(c, prob));
    fputc(')', c->out);
}

#define N_MARKER_SHAPES 6

/* Event marker number `shape` (mod N_MARKER_SHAPES: triangle, circle,
 * square, diamond, downward triangle, cross), about 10 px wide, standing on
 * `base_y` at pixel x `px`; the element is left open for a <title>. */
static void put_event_marker(struct chart *c, double px, double base_y, const char *fill,
                             size_t shape)
{
    double cy = base_y - 5.0;
    fputs("<path d=\"", c->out);
    switch (shape % N_MARKER_SHAPES) {
    case 0:
        fprintf(c->out, "M%s %sL%s %sL%s %sZ", num(c, px - 5.0), num(c, base_y), num(c, px),
                num(c, base_y - 9.0), num(c, px + 5.0), num(c, base_y));
        break;
    case 1:
        fprintf(c->out, "M%s %sA4.5 4.5 0 1 0 %s %sA4.5 4.5 0 1 0 %s %sZ", num(c, px - 4.5),
                num(c, cy), num(c, px + 4.5), num(c, cy), num(c, px - 4.5), num(c, cy));
        break;
    case 2:
        fprintf(c->out, "M%s %sH%sV%sH%sZ", num(c, px - 4.0), num(c, base_y - 8.0),
                num(c, px + 4.0), num(c, base_y), num(c, px - 4.0));
        break;
    case 3:
        fprintf(c->out, "M%s %sL%s %sL%s %sL%s %sZ", num(c, px), num(c, base_y - 10.0),
                num(c, px + 5.0), num(c, cy), num(c, px), num(c, base_y), num(c, px - 5.0),
                num(c, cy));
        break;
    case 4:
        fprintf(c->out, "M%s %sL%s %sL%s %sZ", num(c, px - 5.0), num(c, base_y - 9.0),
                num(c, px + 5.0), num(c, base_y - 9.0), num(c, px), num(c, base_y));
        break;
    default:
        /* a plus sign; two calls, as num() has N_NUMBUF buffers */
        fprintf(c->out, "M%s %sH%sV%sH%sV%sH%sV%s", num(c, px - 1.75), num(c, base_y - 9.0),
                num(c, px + 1.75), num(c, cy - 1.75), num(c, px + 5.0), num(c, cy + 1.75),
                num(c, px + 1.75), num(c, base_y - 1.0));
        fprintf(c->out, "H%sV%sH%sV%sH%sZ", num(c, px - 1.75), num(c, cy + 1.75),
                num(c, px - 5.0), num(c, cy - 1.75), num(c, px - 1.75));
        break;
    }
    fprintf(c->out, "\" fill=\"%s\" stroke=\"#000000\" stroke-width=\"0.75\"", fill);
}

#define MAX_LISTED_EVENTS 12

/* Lay out and write the whole document: margins from the label widths,
 * legend rows, then title, axes, band, lines, event markers and legend, in
 * that order (later elements are drawn on top). */
static int write_svg(struct chart *c, struct dcproj_error *err)
{
    const struct dcproj_result *res = c->res;
    const struct dcproj_scenario *sc = res->scenario;
    FILE *out = c->out;
    const char *title = "dcproj";
    if (sc != NULL)
        title = sc->title != NULL && sc->title[0] != '\0' ? sc->title
                : (sc->name != NULL ? sc->name : "");
    const char *unit = sc != NULL && sc->unit != NULL ? sc->unit : "MW";
    const struct dcproj_period *first = &res->periods[0];
    const struct dcproj_period *last = &res->periods[c->n_periods - 1];
    const struct series *total = NULL;
    for (size_t i = 0; i < c->n_series; i++)
        if (c->series[i].kind == SERIES_TOTAL)
            total = &c->series[i];
    size_t n_events = sc != NULL ? sc->n_events : 0;

    /* Capacity axis labels decide the left margin. */
    size_t n_yticks = (size_t)llround((c->y_max - c->y_min) / c->y_step);
    size_t label_chars = 1;
    for (size_t i = 0; i <= n_yticks; i++) {
        size_t n = markup_chars(tick_label(c, c->y_min + (double)i * c->y_step, c->y_decimals));
        if (n > label_chars)
            label_chars = n;
    }
    c->left = 40.0 + CHAR_W * (double)label_chars + 10.0;
    double bottom = PLOT_TOP + PLOT_H;

    /* Legend rows: TOTAL, countries by rank, other, band, events. */
    size_t n_event_rows = n_events == 0 ? 0 : 1 + (n_events <= MAX_LISTED_EVENTS ? n_events : 0);
    struct legend_row *rows = dcproj_calloc(c->n_series + 1, sizeof *rows);
    if (rows == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    size_t nr = 0;
    char other_name[64];
    for (size_t pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < c->n_series; i++) {
            const struct series *s = &c->series[i];
            if ((pass == 0) != (s->kind == SERIES_TOTAL) || (pass == 2) != (s->kind == SERIES_OTHER))
                continue;
            struct legend_row *r = &rows[nr++];
            r->s = s;
            r->code = s->code;
            if (s->kind == SERIES_OTHER) {
                snprintf(other_name, sizeof other_name, "(%s countries)",
                         value_label(c, (double)s->n_other));
                r->name = other_name;
            } else {
                r->name = s->name;
            }
            double v = s->values[c->n_periods - 1];
            if (s->lo != NULL && s->kind != SERIES_TOTAL)
                snprintf(r->value, sizeof r->value, "%s (%s\xE2\x80\x93%s)", value_label(c, v),
                         value_label(c, s->lo[c->n_periods - 1]),
                         value_label(c, s->hi[c->n_periods - 1]));
            else
                snprintf(r->value, sizeof r->value, "%s", value_label(c, v));
        }
    }
    if (c->p5 != NULL) {
        struct legend_row *r = &rows[nr++];
        r->is_band = 1;
        r->code = "P5\xE2\x80\x93P95";
        r->name = "TOTAL";
        snprintf(r->value, sizeof r->value, "%s\xE2\x80\x93%s", value_label(c, c->p5[c->n_periods - 1]),
                 value_label(c, c->p95[c->n_periods - 1]));
    }
    size_t code_chars = 5, name_chars = 0, value_chars = 0;
    for (size_t i = 0; i < nr; i++) {
        size_t n = markup_chars(rows[i].code);
        code_chars = n > code_chars ? n : code_chars;
        n = markup_chars(rows[i].name);
        n = n > LEGEND_NAME_CHARS ? LEGEND_NAME_CHARS : n;
        name_chars = n > name_chars ? n : name_chars;
        n = markup_chars(rows[i].value);
        value_chars = n > value_chars ? n : value_chars;
    }
    char header[DCPROJ_NUMBER_LEN + 64];
    snprintf(header, sizeof header, "At %s", last->label);
    size_t header_chars = markup_chars(header) + 2 + markup_chars(c->munit);
    if (header_chars > value_chars)
        value_chars = header_chars;
    double code_w = CHAR_W * 1.1 * (double)code_chars + 8.0;
    double name_w = CHAR_W * (double)name_chars;
    double legend_w = 30.0 + code_w + name_w + 16.0 + CHAR_W * (double)value_chars;
    /* Event rows span the whole legend width. */
    if (n_events > 0 && n_events <= MAX_LISTED_EVENTS) {
        for (size_t i = 0; i < n_events; i++) {
            const struct dcproj_event *e = &sc->events[i];
            size_t n = markup_chars(e->date) + markup_chars(unit) + 8 + markup_chars(e->id) + 2 +
                       markup_chars(e->country < sc->n_countries ? sc->countries[e->country].code : "?") +
                       markup_chars(value_label(c, param_mean_of(c, &e->add)));
            if (param_mean_of(c, &e->probability) != 1.0)
                n += 20;
            if (!event_drawn(c, e))
                n += 20;
            double w = 30.0 + CHAR_W * (double)n;
            if (w > legend_w)
                legend_w = w;
        }
    }
    double lx = c->left + PLOT_W + 32.0;
    double width = ceil(lx + legend_w + 20.0);
    double legend_bottom = PLOT_TOP + 24.0 + LEGEND_ROW * (double)nr +
                           (n_events > 0 ? 12.0 + LEGEND_ROW * (double)n_event_rows : 0.0);
    double height = bottom + 64.0;
    if (legend_bottom + 16.0 > height)
        height = ceil(legend_bottom + 16.0);

    /* Header, accessible title and description. */
    if (!c->inline_svg)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n", out);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%s\" "
                 "height=\"%s\" viewBox=\"0 0 %s %s\" role=\"img\" "
                 "aria-labelledby=\"%s-title %s-desc\" font-family=\"" FONT_FAMILY
                 "\" font-size=\"12\">\n",
            num(c, width), num(c, height), num(c, width), num(c, height), c->id_prefix,
            c->id_prefix);
    fprintf(out, "<title id=\"%s-title\">", c->id_prefix);
    markup_text(out, title, 0);
    fprintf(out, "</title>\n<desc id=\"%s-desc\">%s chart of ", c->id_prefix,
            c->steps ? "Step" : "Line");
    markup_text(out, c->quantity, 0);
    fputs(" in ", out);
    markup_text(out, c->munit, 0);
    fputs(" per country from ", out);
    markup_text(out, first->label, 0);
    fputs(" to ", out);
    markup_text(out, last->label, 0);
    fputs(". At ", out);
    markup_text(out, last->label, 0);
    fputs(":", out);
    for (size_t i = 0; i < nr; i++) {
        if (rows[i].s == NULL)
            continue;
        fputs(i == 0 ? " " : "; ", out);
        markup_text(out, rows[i].code, 0);
        if (rows[i].name[0] != '\0') {
            fputc(' ', out);
            markup_text(out, rows[i].name, 0);
        }
        fputc(' ', out);
        markup_text(out, rows[i].value, 0);
    }
    fputs(".", out);
    if (c->p5 != NULL) {
        fprintf(out, " The band around TOTAL spans its 5th to 95th percentile (%s to %s at ",
                value_label(c, c->p5[c->n_periods - 1]), value_label(c, c->p95[c->n_periods - 1]));
        markup_text(out, last->label, 0);
        fputs(").", out);
    }
    size_t n_drawn = 0;
    for (size_t i = 0; i < n_events; i++)
        n_drawn += event_drawn(c, &sc->events[i]) ? 1 : 0;
    if (n_drawn > 0)
        fprintf(out, " Markers on the time axis mark %s event%s at the effective start.",
                value_label(c, (double)n_drawn),
                n_drawn == 1 ? "" : "s");
    if (n_drawn < n_events)
        fprintf(out, " %s event%s after the horizon.", value_label(c, (double)(n_events - n_drawn)),
                n_events - n_drawn == 1 ? " starts" : "s start");
    fputs("</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", out);

    /* Title and subtitle, cut to the image width. */
    size_t title_max = (size_t)((width - 32.0) / TITLE_CHAR_W);
    fputs("<text x=\"16\" y=\"30\" font-size=\"18\" font-weight=\"bold\" fill=\"#000000\">", out);
    markup_text(out, title, title_max < 8 ? 8 : title_max);
    fputs("</text>\n<text x=\"16\" y=\"52\" font-size=\"13\" fill=\"#444444\">", out);
    markup_text(out, c->quantity, 0);
    fputs(" in ", out);
    markup_text(out, c->munit, 0);
    fputs(" per country, ", out);
    markup_text(out, first->label, 0);
    fputs(" to ", out);
    markup_text(out, last->label, 0);
    if (c->bands_all && res->draws > 0)
        fprintf(out, "; P5\xE2\x80\x93P95 bands from %s draws", value_label(c, (double)res->draws));
    else if (c->p5 != NULL && res->draws > 0)
        fprintf(out, "; P5\xE2\x80\x93P95 band of TOTAL from %s draws", value_label(c, (double)res->draws));
    else if (c->p5 != NULL)
        fputs("; P5\xE2\x80\x93P95 band of TOTAL", out);
    if (c->has_obs)
        fputs("; dots: observed values", out);
    fputs("</text>\n", out);

    /* Capacity axis: grid lines, labels, title. */
    fputs("<g class=\"y-axis\">\n", out);
    for (size_t i = 0; i <= n_yticks; i++) {
        double v = c->y_min + (double)i * c->y_step;
        double y = px_y(c, v);
        fprintf(out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                num(c, c->left), num(c, y), num(c, c->left + PLOT_W), num(c, y),
                v == 0.0 ? "#999999" : "#e4e4e4");
        fprintf(out, "<text x=\"%s\" y=\"%s\" text-anchor=\"end\" fill=\"#333333\">%s</text>\n",
                num(c, c->left - 8.0), num(c, y + 4.0), tick_label(c, v, c->y_decimals));
    }
    fprintf(out, "<text transform=\"translate(22 %s) rotate(-90)\" text-anchor=\"middle\" "
                 "font-size=\"13\" fill=\"#000000\">",
            num(c, PLOT_TOP + PLOT_H / 2.0));
    markup_text(out, c->quantity, 0);
    fputs(" (", out);
    markup_text(out, c->munit, 0);
    /* what a value is: energy used during a period, else the value at a
     * period's end */
    static const char *const ends[] = {", year-end values)", ", values at the end of each quarter)",
                                       ", values at the end of each month)"};
    unsigned st = sc != NULL ? (unsigned)sc->step : 0;
    fputs(c->steps ? ")" : ends[st < 3 ? st : 0], out);
    fputs("</text>\n</g>\n", out);

    /* Time axis: a tick and label every `step` years, small ticks between. */
    int step = year_step(c->x_max - c->x_min);
    fputs("<g class=\"x-axis\">\n", out);
    fprintf(out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#333333\" stroke-width=\"1\"/>\n",
            num(c, c->left), num(c, bottom), num(c, c->left + PLOT_W), num(c, bottom));
    for (double yr = ceil(c->x_min - 1e-9); yr <= c->x_max + 1e-9; yr += 1.0) {
        double x = px_x(c, yr);
        int major = fmod(yr, (double)step) == 0.0;
        /* the tick at x = yr is the boundary between calendar years yr and
         * yr + 1; the label of year yr sits in the middle of its span */
        if (major)
            fprintf(out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#f0f0f0\" stroke-width=\"1\"/>\n",
                    num(c, x), num(c, PLOT_TOP), num(c, x), num(c, bottom));
        if (major && yr - 1.0 >= c->x_min - 1e-9)
            fprintf(out, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" fill=\"#333333\">%s</text>\n",
                    num(c, px_x(c, yr - 0.5)), num(c, bottom + 20.0), num(c, yr));
        fprintf(out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#333333\" stroke-width=\"1\"/>\n",
                num(c, x), num(c, bottom), num(c, x), num(c, bottom + (major ? 8.0 : 5.0)));
    }
    /* Short ticks at the ends of quarters or months when they are far
     * enough apart (ten years or less). */
    if (c->x_max - c->x_min <= 10.0 + 1e-9) {
        for (size_t p = 0; p < c->n_periods; p++) {
            if (res->periods[p].end_months % 12 == 0)
                continue;
            double x = px_x(c, c->x[p]);
            fprintf(out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#333333\" "
                         "stroke-width=\"1\"/>\n",
                    num(c, x), num(c, bottom), num(c, x), num(c, bottom + 3.0));
        }
    }
    fprintf(out, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"13\" fill=\"#000000\">"
                 "Calendar year (ticks are year boundaries: 1 January)</text>\n</g>\n",
            num(c, c->left + PLOT_W / 2.0), num(c, bottom + 44.0));

    /* Stacked areas (largest at the bottom), then the bands, under the
     * lines. */
    if (c->stack) {
        fputs("<g class=\"areas\">\n", out);
        for (size_t k = 0; k < c->n_series; k++)
            if (c->series[k].base != NULL)
                put_area(c, &c->series[k]);
        fputs("</g>\n", out);
    }
    for (size_t k = c->n_series; k-- > 0;)
        if (c->series[k].lo != NULL)
            put_band(c, &c->series[k]);

    /* Lines: other first, then countries smallest first, TOTAL on top. */
    fputs("<g class=\"lines\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n", out);
    for (size_t k = c->n_series; k-- > 0;) {
        const struct series *s = &c->series[k];
        if (s->kind == SERIES_TOTAL || c->stack)
            continue;
        fputs("<polyline", out);
        put_stroke(c, s);
        fputs(" points=\"", out);
        put_points(c, s->values, NULL, 0, 1);
        fputs("\"><title>", out);
        markup_text(out, s->code, 0);
        if (s->kind == SERIES_OTHER) {
            fprintf(out, " (%s countries)", value_label(c, (double)s->n_other));
        } else if (s->name[0] != '\0') {
            fputc(' ', out);
            markup_text(out, s->name, 0);
        }
        fputs("</title></polyline>\n", out);
    }
    if (total != NULL) {
        fputs("<polyline", out);
        put_stroke(c, total);
        fputs(" points=\"", out);
        put_points(c, total->values, NULL, 0, 1);
        fputs("\"><title>TOTAL</title></polyline>\n", out);
    }
    fputs("</g>\n", out);

    /* Observed values (--history) as dots on their lines. */
    if (c->has_obs) {
        fputs("<g class=\"observed\" stroke=\"#ffffff\" stroke-width=\"1\">\n", out);
        for (size_t k = c->n_series; k-- > 0;) {
            const struct series *s = &c->series[k];
            for (size_t p = 0; s->obs != NULL && p < c->n_periods; p++) {
                if (isnan(s->obs[p]))
                    continue;
                fprintf(out, "<circle cx=\"%s\" cy=\"%s\" r=\"3.5\" fill=\"%s\"><title>",
                        num(c, px_x(c, c->x[p])), num(c, px_y(c, s->obs[p])), s->color);
                markup_text(out, s->code, 0);
                fprintf(out, " observed %s: %s</title></circle>\n", res->periods[p].label,
                        value_label(c, s->obs[p]));
            }
        }
        fputs("</g>\n", out);
    }

    /* Event markers on the time axis. */
    if (n_events > 0) {
        fputs("<g class=\"events\">\n", out);
        for (size_t i = 0; i < n_events; i++) {
            const struct dcproj_event *e = &sc->events[i];
            if (!event_drawn(c, e))
                continue;
            const struct series *s = series_of_country(c, e->country);
            put_event_marker(c, px_x(c, event_x(c, e)), bottom, s != NULL ? s->color : OTHER_COLOR,
                             i);
            fputs("><title>", out);
            put_event_text(c, e, unit);
            fputs("</title></path>\n", out);
        }
        fputs("</g>\n", out);
    }

    /* Legend. */
    fputs("<g class=\"legend\">\n", out);
    double vx = lx + legend_w;
    fprintf(out, "<text x=\"%s\" y=\"%s\" font-weight=\"bold\" fill=\"#000000\">Line</text>\n",
            num(c, lx), num(c, PLOT_TOP + 4.0));
    fprintf(out, "<text x=\"%s\" y=\"%s\" text-anchor=\"end\" font-weight=\"bold\" fill=\"#000000\">",
            num(c, vx), num(c, PLOT_TOP + 4.0));
    markup_text(out, header, 0);
    fputs(", ", out);
    markup_text(out, c->munit, 0);
    fputs("</text>\n", out);
    for (size_t i = 0; i < nr; i++) {
        const struct legend_row *r = &rows[i];
        double y = PLOT_TOP + 24.0 + LEGEND_ROW * (double)i;
        if (r->is_band) {
            fprintf(out, "<rect x=\"%s\" y=\"%s\" width=\"24\" height=\"10\" fill=\"" TOTAL_COLOR
                         "\" fill-opacity=\"" BAND_OPACITY "\"/>\n",
                    num(c, lx), num(c, y - 9.0));
        } else {
            fprintf(out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"", num(c, lx), num(c, y - 4.0),
                    num(c, lx + 24.0), num(c, y - 4.0));
            put_stroke(c, r->s);
            fputs("/>\n", out);
        }
        fprintf(out, "<text x=\"%s\" y=\"%s\" fill=\"#000000\"><tspan font-weight=\"bold\">",
                num(c, lx + 30.0), num(c, y));
        markup_text(out, r->code, 0);
        fputs("</tspan>", out);
        if (r->name[0] != '\0') {
            fprintf(out, "<tspan x=\"%s\">", num(c, lx + 30.0 + code_w));
            markup_text(out, r->name, LEGEND_NAME_CHARS);
            fputs("</tspan>", out);
        }
        fprintf(out, "<tspan x=\"%s\" text-anchor=\"end\">", num(c, vx));
        markup_text(out, r->value, 0);
        fputs("</tspan></text>\n", out);
    }
    if (n_events > 0) {
        double y = PLOT_TOP + 24.0 + 12.0 + LEGEND_ROW * (double)nr;
        if (n_events <= MAX_LISTED_EVENTS) {
            fprintf(out, "<text x=\"%s\" y=\"%s\" font-weight=\"bold\" fill=\"#000000\">Events "
                         "(markers on the time axis)</text>\n",
                    num(c, lx), num(c, y));
        } else {
            put_event_marker(c, lx + 12.0, y + 1.0, "#ffffff", 0);
            fputs("/>\n", out);
            fprintf(out, "<text x=\"%s\" y=\"%s\" fill=\"#000000\">%s events (details in the "
                         "marker tooltips)</text>\n",
                    num(c, lx + 30.0), num(c, y), value_label(c, (double)n_events));
        }
        for (size_t i = 0; i < n_events && n_events <= MAX_LISTED_EVENTS; i++) {
            const struct dcproj_event *e = &sc->events[i];
            const struct series *s = series_of_country(c, e->country);
            y += LEGEND_ROW;
            put_event_marker(c, lx + 12.0, y + 1.0, s != NULL ? s->color : OTHER_COLOR, i);
            fputs("/>\n", out);
            fprintf(out, "<text x=\"%s\" y=\"%s\" fill=\"#000000\">", num(c, lx + 30.0), num(c, y));
            put_event_text(c, e, unit);
            if (!event_drawn(c, e))
                fputs(", after the horizon", out);
            fputs("</text>\n", out);
        }
    }
    fputs("</g>\n</svg>\n", out);
    dcproj_free(rows);
    return DCPROJ_OK;
}

void dcproj_chart_options_init(struct dcproj_chart_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->top = DCPROJ_CHART_DEFAULT_TOP;
}

/* Refuse an infinite value among what is drawn, naming the row and period
 * (NaN is an empty cell, left out of the line). */
static int check_finite(const struct chart *c, struct dcproj_error *err)
{
    for (size_t i = 0; i < c->n_series; i++) {
        const struct series *s = &c->series[i];
        for (size_t p = 0; p < c->n_periods; p++)
            if (isinf(s->values[p]) || (s->lo != NULL && (isinf(s->lo[p]) || isinf(s->hi[p]))))
                return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                        "chart: %s, period %s: the value is not finite",
                                        s->code, c->res->periods[p].label);
    }
    return DCPROJ_OK;
}

/* The metric's name on the axis, its unit and whether it is drawn as steps;
 * its band columns. */
static void describe_metric(struct chart *c, const char *metric)
{
    const struct dcproj_result *res = c->res;
    const struct dcproj_scenario *sc = res->scenario;
    const char *unit = sc != NULL && sc->unit != NULL ? sc->unit : "MW";
    char lo[DCPROJ_COL_LEN + 8], hi[DCPROJ_COL_LEN + 8];
    snprintf(c->munit, sizeof c->munit, "%s", unit);
    c->quantity = metric;
    if (strcmp(metric, "capacity") == 0 || strcmp(metric, "mean") == 0 || metric[0] == 'p') {
        c->quantity = strcmp(metric, "capacity") == 0 ? "Capacity" : metric;
        snprintf(lo, sizeof lo, "p5");
        snprintf(hi, sizeof hi, "p95");
    } else {
        snprintf(lo, sizeof lo, "%s_p5", metric);
        snprintf(hi, sizeof hi, "%s_p95", metric);
        if (strcmp(metric, "energy_twh") == 0) {
            static const char *const per[] = {"year", "quarter", "month"};
            unsigned st = sc != NULL ? (unsigned)sc->step : 0;
            c->quantity = "Energy";
            c->steps = 1;
            snprintf(c->munit, sizeof c->munit, "TWh per %s", per[st < 3 ? st : 0]);
        } else if (strcmp(metric, "it_load_mw") == 0 || strcmp(metric, "facility_mw") == 0) {
            c->quantity = metric[0] == 'i' ? "IT load" : "Facility power";
            snprintf(c->munit, sizeof c->munit, "MW");
        }
    }
    if (strcmp(metric, "capacity") != 0 && strcmp(metric, "energy_twh") != 0 &&
        strncmp(metric, "it_load", 7) != 0 && strncmp(metric, "facility", 8) != 0) {
        c->lo_col = c->hi_col = -1; /* a statistic column: no band of its own */
        return;
    }
    c->lo_col = dcproj_result_find_col(res, lo);
    c->hi_col = dcproj_result_find_col(res, hi);
}

int dcproj_chart_write(const struct dcproj_result *res, const struct dcproj_chart_options *opt,
                       FILE *out, struct dcproj_error *err)
{
    struct dcproj_chart_options defaults;
    if (opt == NULL) {
        dcproj_chart_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->top < 1 && opt->n_scopes == 0)
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                "chart: the number of countries drawn must be at least 1");
    const char *metric = opt->metric != NULL ? opt->metric : "capacity";
    long col = dcproj_result_find_col(res, metric);
    if (col < 0)
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                "chart: the result has no column %s%s", metric,
                                strcmp(metric, "energy_twh") == 0 ? " (the scenario has no power)"
                                                                  : "");
    if (res->n_periods == 0)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "chart: the result has no period");
    struct chart *c = dcproj_calloc(1, sizeof *c);
    if (c == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    c->res = res;
    c->out = out;
    c->col = col;
    c->stack = opt->stack;
    c->inline_svg = opt->inline_svg;
    c->id_prefix = opt->id_prefix != NULL ? opt->id_prefix : "chart";
    describe_metric(c, metric);
    c->n_periods = res->n_periods;
    c->x = dcproj_malloc(c->n_periods * sizeof *c->x);
    if (c->x == NULL || chart_vars(c) != 0) {
        chart_free(c);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    }
    /* Period p ends e months after the end of B: x = B + e/12 (SPEC §1). */
    c->origin = res->scenario != NULL ? (double)res->scenario->baseline_year
                                      : (double)res->periods[0].year;
    for (size_t p = 0; p < c->n_periods; p++)
        c->x[p] = c->origin + res->periods[p].end_months / 12.0;
    c->x_min = c->x[0];
    c->x_max = c->x[c->n_periods - 1];
    if (c->x_max <= c->x_min)
        c->x_max = c->x_min + 1.0;
    int rc = chart_build_series(c, opt, err);
    if (rc == DCPROJ_OK && c->stack && chart_stack_series(c) != 0)
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    if (rc == DCPROJ_OK)
        rc = check_finite(c, err);
    if (rc == DCPROJ_OK) {
        double lo = 0.0, hi = 0.0;
        for (size_t i = 0; i < c->n_series; i++) {
            const struct series *s = &c->series[i];
            if (s->kind == SERIES_TOTAL) {
                c->p5 = s->lo;
                c->p95 = s->hi;
            } else if (s->lo != NULL) {
                c->bands_all = 1;
            }
            for (size_t p = 0; p < c->n_periods; p++) {
                double base = s->base != NULL ? s->base[p] : 0.0;
                lo = fmin(lo, s->values[p] + base);
                hi = fmax(hi, s->values[p] + base);
                if (s->lo != NULL) {
                    lo = fmin(lo, s->lo[p]);
                    hi = fmax(hi, s->hi[p]);
                }
                if (s->obs != NULL) {
                    lo = fmin(lo, s->obs[p]);
                    hi = fmax(hi, s->obs[p]);
                }
            }
        }
        y_axis(c, lo, hi);
        rc = write_svg(c, err);
    }
    chart_free(c);
    if (rc == DCPROJ_OK && ferror(out))
        rc = dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "chart: write error");
    return rc;
}
