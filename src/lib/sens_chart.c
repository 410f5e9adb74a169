/*
 * sens_chart.c — `dcproj sensitivity --chart FILE.svg` (SPEC §7): the OAT
 * tornado (a bar per factor from its low-run to its high-run output, around
 * a line at the base output; the `ALL` envelope last) or the Sobol S1 and ST
 * bars with their bootstrap intervals.  A standalone SVG 1.1 file that reads
 * without the table: title, what the output is (scope, metric, year, unit),
 * an axis with its unit, factor labels, the base line and a legend.  Text
 * goes through the one escaper (markup.c), numbers through numfmt.c.
 */
#include "dcproj/sensitivity.h"

#include <math.h>
#include <string.h>

#include "markup_int.h"
#include "sens_chart_int.h"

#define WIDTH 820.0
#define LEFT 250.0          /* room for the factor labels */
#define RIGHT 40.0
#define TOP 92.0
#define ROW_H 26.0
#define AXIS_H 58.0

struct sc_chart {
    FILE *out;
    double lo, hi;          /* value range of the axis */
    double step;
    char buf[6][DCPROJ_NUMBER_LEN];
    int next;
};

/* A number formatted into the next of six rotating buffers (rounded to
 * `decimals`, or the shortest round-trip form for decimals < 0). */
static const char *fmt_num(struct sc_chart *c, double v, int decimals)
{
    char *b = c->buf[c->next];
    c->next = (c->next + 1) % 6;
    if (decimals >= 0) {
        double m = pow(10.0, decimals);
        v = round(v * m) / m;
    }
    if (v == 0.0)
        v = 0.0;
    dcproj_format_number(v, -1, 0, b);
    return b;
}

/* A pixel coordinate, to 1/100 px. */
static const char *px(struct sc_chart *c, double v)
{
    return fmt_num(c, v, 2);
}

/* A value for people: four significant digits. */
static const char *label(struct sc_chart *c, double v)
{
    double a = fabs(v);
    int d = a > 0.0 ? 3 - (int)floor(log10(a)) : 0;
    return fmt_num(c, v, d < 0 ? 0 : d > 12 ? 12 : d);
}

static double x_of(const struct sc_chart *c, double v)
{
    return LEFT + (WIDTH - LEFT - RIGHT) * (v - c->lo) / (c->hi - c->lo);
}

/* The axis from lo to hi on 1-2-5 steps (at most 8 of them). */
static void axis_range(struct sc_chart *c, double lo, double hi)
{
    if (!(hi > lo)) {
        double pad = fabs(lo) > 0 ? fabs(lo) * 0.05 : 1.0;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / 8.0, mag = pow(10.0, floor(log10(raw))), n = raw / mag;
    c->step = (n <= 1.0 ? 1.0 : n <= 2.0 ? 2.0 : n <= 5.0 ? 5.0 : 10.0) * mag;
    c->lo = floor(lo / c->step + 1e-9) * c->step;
    c->hi = ceil(hi / c->step - 1e-9) * c->step;
    if (c->hi <= c->lo)
        c->hi = c->lo + c->step;
}

static void text(struct sc_chart *c, double x, double y, const char *anchor, const char *extra,
                 const char *s, size_t max_chars)
{
    fprintf(c->out, "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\"%s>", px(c, x), px(c, y), anchor,
            extra);
    markup_text(c->out, s, max_chars);
    fputs("</text>\n", c->out);
}

static void x_axis(struct sc_chart *c, double y0, double y1, const char *caption)
{
    int decimals = -(int)floor(log10(c->step) + 1e-9);
    if (decimals < 0)
        decimals = 0;
    for (double v = c->lo; v <= c->hi + c->step * 1e-6; v += c->step) {
        double x = x_of(c, v);
        fprintf(c->out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#ddd\"/>\n",
                px(c, x), px(c, y0), px(c, x), px(c, y1));
        text(c, x, y1 + 16, "middle", "", fmt_num(c, v, decimals), 0);
    }
    fprintf(c->out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#333\"/>\n",
            px(c, LEFT), px(c, y1), px(c, WIDTH - RIGHT), px(c, y1));
    text(c, LEFT + (WIDTH - LEFT - RIGHT) / 2, y1 + 38, "middle", "", caption, 0);
}

static void rect(struct sc_chart *c, double x0, double x1, double y, double h, const char *fill,
                 const char *extra)
{
    if (x1 < x0) {
        double t = x0;
        x0 = x1;
        x1 = t;
    }
    fprintf(c->out, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"%s/>\n",
            px(c, x0), px(c, y), px(c, x1 - x0), px(c, h), fill, extra);
}

static void legend_item(struct sc_chart *c, double x, double y, const char *fill,
                        const char *extra, const char *s)
{
    rect(c, x, x + 14, y - 10, 12, fill, extra);
    text(c, x + 20, y, "start", "", s, 0);
}

static void tornado(struct sc_chart *c, const struct dcproj_sens_result *r, double y0)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct dcproj_sens_row *w = &r->rows[i];
        double v[3] = {w->out_low, w->out_base, w->out_high};
        for (int j = 0; j < 3; j++) {
            if (v[j] < lo)
                lo = v[j];
            if (v[j] > hi)
                hi = v[j];
        }
    }
    axis_range(c, lo, hi);
    double base = r->n_rows > 0 ? r->rows[0].out_base : 0;
    double y1 = y0 + ROW_H * (double)r->n_rows + 8;
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct dcproj_sens_row *w = &r->rows[i];
        int all = i + 1 == r->n_rows && strcmp(w->name, "ALL") == 0;
        double y = y0 + ROW_H * (double)i + 4;
        double xb = x_of(c, base);
        const char *extra = all ? " fill-opacity=\"0.35\" stroke=\"#333\"" : "";
        rect(c, xb, x_of(c, w->out_low), y, ROW_H - 8, "#4477aa", extra);
        rect(c, xb, x_of(c, w->out_high), y, ROW_H - 8, "#ee6677", extra);
        text(c, LEFT - 8, y + ROW_H / 2, "end", all ? " font-style=\"italic\"" : "",
             all ? "ALL (every factor together)" : w->name, 38);
        double xl = x_of(c, w->out_low < w->out_high ? w->out_low : w->out_high);
        double xh = x_of(c, w->out_low < w->out_high ? w->out_high : w->out_low);
        text(c, xl - 4, y + ROW_H / 2 - 1, "end", " font-size=\"10\"",
             label(c, w->out_low < w->out_high ? w->out_low : w->out_high), 0);
        text(c, xh + 4, y + ROW_H / 2 - 1, "start", " font-size=\"10\"",
             label(c, w->out_low < w->out_high ? w->out_high : w->out_low), 0);
    }
    double xb = x_of(c, base);
    fprintf(c->out,
            "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#000\" stroke-width=\"1.5\"/>\n",
            px(c, xb), px(c, y0 - 6), px(c, xb), px(c, y1));
    char base_text[DCPROJ_NUMBER_LEN + 16];
    snprintf(base_text, sizeof base_text, "base %s", label(c, base));
    text(c, xb, y0 - 10, "middle", " font-size=\"11\"", base_text, 0);
}

static void sobol_bars(struct sc_chart *c, const struct dcproj_sens_result *r, double y0)
{
    double lo = 0, hi = 1;
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct dcproj_sens_row *w = &r->rows[i];
        if (!w->has_indices)
            continue;
        double v[6] = {w->s1, w->st, w->s1_lo, w->s1_hi, w->st_lo, w->st_hi};
        for (int j = 0; j < (w->has_interval ? 6 : 2); j++) {
            if (v[j] < lo)
                lo = v[j];
            if (v[j] > hi)
                hi = v[j];
        }
    }
    axis_range(c, lo, hi);
    double y1 = y0 + ROW_H * (double)r->n_rows + 8;
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct dcproj_sens_row *w = &r->rows[i];
        double y = y0 + ROW_H * (double)i + 3;
        text(c, LEFT - 8, y + ROW_H / 2, "end", "", w->name, 38);
        if (!w->has_indices)
            continue;
        double h = (ROW_H - 8) / 2;
        double x0 = x_of(c, 0);
        rect(c, x0, x_of(c, w->s1), y, h, "#4477aa", "");
        rect(c, x0, x_of(c, w->st), y + h, h, "#ccbb44", "");
        if (w->has_interval) {
            double iv[2][3] = {{w->s1_lo, w->s1_hi, y + h / 2}, {w->st_lo, w->st_hi, y + 1.5 * h}};
            for (int j = 0; j < 2; j++)
                fprintf(c->out,
                        "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#000\"/>\n",
                        px(c, x_of(c, iv[j][0])), px(c, iv[j][2]), px(c, x_of(c, iv[j][1])),
                        px(c, iv[j][2]));
        }
        char t[2 * DCPROJ_NUMBER_LEN + 16];
        snprintf(t, sizeof t, "S1 %s, ST %s", fmt_num(c, w->s1, 3), fmt_num(c, w->st, 3));
        double xe = x_of(c, w->st > w->s1 ? w->st : w->s1);
        if (w->has_interval && x_of(c, w->st_hi > w->s1_hi ? w->st_hi : w->s1_hi) > xe)
            xe = x_of(c, w->st_hi > w->s1_hi ? w->st_hi : w->s1_hi);
        text(c, xe + 4, y + h + 3, "start", " font-size=\"10\"", t, 0);
    }
    double x0 = x_of(c, 0);
    fprintf(c->out, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#000\"/>\n",
            px(c, x0), px(c, y0 - 4), px(c, x0), px(c, y1));
}

int dcproj_sens_chart(const struct dcproj_sens_result *r, const struct dcproj_scenario *sc,
                      const struct dcproj_sens_options *opt, FILE *out, struct dcproj_error *err)
{
    return sens_chart_svg(r, sc, opt, 1, out, err);
}

int sens_chart_svg(const struct dcproj_sens_result *r, const struct dcproj_scenario *sc,
                   const struct dcproj_sens_options *opt, int standalone, FILE *out,
                   struct dcproj_error *err)
{
    struct sc_chart c;
    memset(&c, 0, sizeof c);
    c.out = out;
    const char *metric = opt != NULL && opt->metric != NULL ? opt->metric : "capacity";
    const char *scope = opt != NULL && opt->scope != NULL ? opt->scope : "TOTAL";
    int year = opt != NULL && opt->at_year != 0 ? opt->at_year : sc->horizon;
    const char *unit = strcmp(metric, "capacity") == 0 ? sc->unit : "MW";
    int sobol = r->method == DCPROJ_SENS_SOBOL;
    double height = TOP + ROW_H * (double)r->n_rows + 8 + AXIS_H + 30;

    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%s\" "
                 "height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"sans-serif\" "
                 "font-size=\"12\">\n",
            px(&c, WIDTH), px(&c, height), px(&c, WIDTH), px(&c, height));
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%s\" height=\"%s\" fill=\"#fff\"/>\n",
            px(&c, WIDTH), px(&c, height));
    char title[512];
    const char *name = sc->title != NULL && sc->title[0] != '\0' ? sc->title : sc->name;
    snprintf(title, sizeof title, "%s: %s", sobol ? "Sobol indices" : "One factor at a time",
             name);
    text(&c, WIDTH / 2, 24, "middle", " font-size=\"16\" font-weight=\"bold\"", title, 75);
    char sub[1400];
    char lo[DCPROJ_NUMBER_LEN], hi[DCPROJ_NUMBER_LEN];
    dcproj_format_number(opt != NULL && opt->range_lo > 0 ? opt->range_lo * 100 : 10, -1, 0, lo);
    dcproj_format_number(opt != NULL && opt->range_hi > 0 ? opt->range_hi * 100 : 90, -1, 0, hi);
    if (sobol)
        snprintf(sub, sizeof sub,
                 "Output: %s %s at year-end %d. S1 = share of its variance from the factor "
                 "alone; ST = including interactions",
                 scope, metric, year);
    else
        snprintf(sub, sizeof sub,
                 "Output: %s %s at year-end %d (%s). Each factor at its P%s (blue) and P%s "
                 "(red) value, all else at the base",
                 scope, metric, year, unit, lo, hi);
    text(&c, WIDTH / 2, 44, "middle", " font-size=\"11\" fill=\"#444\"", sub, 140);
    if (sobol) {
        legend_item(&c, LEFT, 62, "#4477aa", "", "S1 (first order)");
        legend_item(&c, LEFT + 150, 62, "#ccbb44", "", "ST (total)");
        text(&c, LEFT + 270, 62, "start", " font-size=\"11\"",
             "lines: 95% bootstrap interval", 0);
        sobol_bars(&c, r, TOP);
    } else {
        char l1[DCPROJ_NUMBER_LEN + 16], l2[DCPROJ_NUMBER_LEN + 16];
        snprintf(l1, sizeof l1, "inputs at P%s", lo);
        snprintf(l2, sizeof l2, "inputs at P%s", hi);
        legend_item(&c, LEFT, 62, "#4477aa", "", l1);
        legend_item(&c, LEFT + 150, 62, "#ee6677", "", l2);
        tornado(&c, r, TOP);
    }
    char caption[256];
    if (sobol)
        snprintf(caption, sizeof caption, "Sobol index (share of the output variance)");
    else
        snprintf(caption, sizeof caption, "%s %s at year-end %d (%s)", scope, metric, year, unit);
    x_axis(&c, TOP - 4, TOP + ROW_H * (double)r->n_rows + 8, caption);
    fputs("</svg>\n", out);
    if (ferror(out))
        return dcproj_error_set(err, DCPROJ_ERR_IO, NULL, NULL, 0, 0, "write error");
    return DCPROJ_OK;
}
