/* test_chart.c — the SVG chart: well-formed XML, the parts SPEC §8 asks for
 * (title, axes with years and the unit, a line per drawn country, "other",
 * TOTAL, the P5–P95 band only with p5/p95, legend, event markers), XML
 * escaping, coordinates computed by hand, determinism and errors; v2:
 * --scope, --bands, event markers at the effective start with distinct
 * shapes, energy as per-period steps, --stack.
 *
 * `test_chart --dump-list` / `--dump NAME` print the sample charts for
 * tests/tools/svg_check.py (a real XML parser). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/chart.h"

#define MAX_C 10
#define MAX_P 128
#define MAX_R (MAX_C + 2)
#define N_COLS 3 /* capacity, p5, p95 */

/* A hand-built scenario and result: countries grow linearly in model time
 * from start[i] to end[i]; group "G1" sums the first two; TOTAL sums all. */
struct fixture {
    struct dcproj_scenario sc;
    struct dcproj_country countries[MAX_C];
    char names[MAX_C][64];
    struct dcproj_event events[16];
    struct dcproj_variable vars[1];
    double solution_vars[1];
    struct dcproj_result res;
    struct dcproj_period periods[MAX_P];
    struct dcproj_row rows[MAX_R];
    char cols[N_COLS][DCPROJ_COL_LEN];
    double values[MAX_R * MAX_P * N_COLS];
};

static const char *const CODES[MAX_C] = {"ES", "DE", "FR", "IE", "NL", "SE", "FI", "PL", "IT", "XX"};
static const char *const NAMES[MAX_C] = {"Spain", "Germany", "France", "Ireland", "Netherlands",
                                         "Sweden", "Finland", "Poland", "Italy", "Other land"};

static void set(struct fixture *f, size_t row, size_t p, size_t col, double v)
{
    f->values[(row * f->res.n_periods + p) * f->res.n_cols + col] = v;
}

static double get(const struct fixture *f, size_t row, size_t p, size_t col)
{
    return f->values[(row * f->res.n_periods + p) * f->res.n_cols + col];
}

/* B = 2023, horizon `h`; `quarterly` selects quarters; `band` adds p5/p95
 * (0.9 and 1.1 times TOTAL). */
static struct fixture *make(size_t n, const double *start, const double *end, int h,
                            int quarterly, int band)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (f == NULL) /* no ck_assert here: also used outside tests (--dump) */
        abort();
    f->sc.name = "europe";
    f->sc.title = NULL;
    f->sc.unit = "MW";
    f->sc.baseline_year = 2023;
    f->sc.horizon = h;
    f->sc.step = quarterly ? DCPROJ_STEP_QUARTER : DCPROJ_STEP_YEAR;
    f->sc.countries = f->countries;
    f->sc.n_countries = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(f->countries[i].code, DCPROJ_ID_LEN, "%s", CODES[i]);
        snprintf(f->names[i], sizeof f->names[i], "%s", NAMES[i]);
        f->countries[i].name = f->names[i];
    }
    f->res.scenario = &f->sc;
    size_t np = 0;
    int years = h - 2023;
    if (quarterly) {
        f->periods[np++] = (struct dcproj_period){"2023-Q4", 2023, 4, 0};
        for (int y = 2024; y <= h; y++)
            for (int q = 1; q <= 4; q++, np++) {
                snprintf(f->periods[np].label, sizeof f->periods[np].label, "%d-Q%d", y, q);
                f->periods[np].year = y;
                f->periods[np].sub = q;
                f->periods[np].end_months = 12 * (y - 1 - 2023) + 3 * q;
            }
    } else {
        for (int y = 2023; y <= h; y++, np++) {
            snprintf(f->periods[np].label, sizeof f->periods[np].label, "%d", y);
            f->periods[np].year = y;
            f->periods[np].end_months = 12 * (y - 2023);
        }
    }
    if (np > MAX_P)
        abort();
    f->res.periods = f->periods;
    f->res.n_periods = np;
    f->res.cols = f->cols;
    f->res.n_cols = band ? 3 : 1;
    snprintf(f->cols[0], DCPROJ_COL_LEN, "capacity");
    snprintf(f->cols[1], DCPROJ_COL_LEN, "p5");
    snprintf(f->cols[2], DCPROJ_COL_LEN, "p95");
    f->res.values = f->values;
    f->res.draws = band ? 1000 : 0;
    for (size_t i = 0; i < n; i++)
        f->rows[i] = (struct dcproj_row){DCPROJ_ROW_COUNTRY, i, CODES[i], f->names[i]};
    f->rows[n] = (struct dcproj_row){DCPROJ_ROW_GROUP, 0, "G1", ""};
    f->rows[n + 1] = (struct dcproj_row){DCPROJ_ROW_TOTAL, 0, "TOTAL", ""};
    f->res.rows = f->rows;
    f->res.n_rows = n + 2;
    for (size_t p = 0; p < np; p++) {
        double t = f->periods[p].end_months / 12.0, total = 0.0;
        for (size_t i = 0; i < n; i++) {
            double v = start[i] + (end[i] - start[i]) * t / years;
            set(f, i, p, 0, v);
            total += v;
        }
        set(f, n, p, 0, get(f, 0, p, 0) + get(f, 1, p, 0));
        set(f, n + 1, p, 0, total);
        if (band) {
            for (size_t r = 0; r < n + 2; r++) {
                set(f, r, p, 1, 0.9 * get(f, r, p, 0));
                set(f, r, p, 2, 1.1 * get(f, r, p, 0));
            }
        }
    }
    return f;
}

/* Write the chart into a malloc'ed string; returns the status. */
static int render(const struct fixture *f, int top, char **svg)
{
    size_t len = 0;
    FILE *m = open_memstream(svg, &len);
    ck_assert_ptr_nonnull(m);
    struct dcproj_chart_options opt;
    dcproj_chart_options_init(&opt);
    opt.top = top;
    struct dcproj_error err;
    dcproj_error_init(&err);
    int rc = dcproj_chart_write(&f->res, &opt, m, &err);
    ck_assert_int_eq(fclose(m), 0);
    ck_assert_int_eq(rc, err.code);
    return rc;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A small XML well-formedness check: one root element, tags balanced and
 * properly nested, attributes quoted, no raw '<' or '>' in text or
 * attribute values, '&' only as a predefined or numeric entity.  Returns
 * NULL when well-formed, else a description of the first problem. */
static const char *xml_problem(const char *s)
{
    static const char *const ents[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    const char *stack[256];
    size_t depth = 0, roots = 0;
    if (strncmp(s, "<?xml ", 6) != 0)
        return "no XML declaration";
    s = strstr(s, "?>");
    if (s == NULL)
        return "unterminated declaration";
    s += 2;
    while (*s != '\0') {
        if (*s == '&') {
            size_t k;
            for (k = 0; k < 5; k++)
                if (strncmp(s + 1, ents[k], strlen(ents[k])) == 0)
                    break;
            if (k == 5)
                return "bad entity";
            s++;
            continue;
        }
        if (*s == '>')
            return "raw '>' in text";
        if (*s != '<') {
            if (depth == 0 && *s != '\n')
                return "text outside the root";
            s++;
            continue;
        }
        if (s[1] == '/') {
            size_t n = strcspn(s + 2, ">");
            if (depth == 0 || strncmp(stack[depth - 1], s + 2, n) != 0 ||
                strcspn(stack[depth - 1], " \t\n/>") != n)
                return "mismatched end tag";
            depth--;
            s += 2 + n + 1;
            continue;
        }
        const char *name = s + 1;
        size_t n = strcspn(name, " \t\n/>");
        if (n == 0)
            return "empty tag name";
        s = name + n;
        for (;;) {
            while (*s == ' ' || *s == '\n')
                s++;
            if (*s == '>' || (s[0] == '/' && s[1] == '>'))
                break;
            size_t an = strcspn(s, "=> \n");
            if (an == 0 || s[an] != '=' || s[an + 1] != '"')
                return "attribute not name=\"value\"";
            s += an + 2;
            while (*s != '"') {
                if (*s == '\0' || *s == '<' || *s == '>')
                    return "bad attribute value";
                if (*s == '&') {
                    size_t k;
                    for (k = 0; k < 5; k++)
                        if (strncmp(s + 1, ents[k], strlen(ents[k])) == 0)
                            break;
                    if (k == 5)
                        return "bad entity in attribute";
                }
                s++;
            }
            s++;
        }
        if (*s == '/') {
            s += 2;
            if (depth == 0)
                roots++;
            continue;
        }
        if (depth == 0)
            roots++;
        if (depth == 256)
            return "too deep";
        stack[depth++] = name;
        s++;
    }
    if (depth != 0)
        return "unclosed element";
    return roots == 1 ? NULL : "not exactly one root";
}

/* The points of the polyline whose <title> is `title` ("TOTAL", "ES Spain"). */
static size_t polyline_points(const char *svg, const char *title, double *xs, double *ys, size_t max)
{
    char key[128];
    snprintf(key, sizeof key, "\"><title>%s</title></polyline>", title);
    const char *end = strstr(svg, key);
    ck_assert_msg(end != NULL, "no polyline titled %s", title);
    const char *p = end;
    while (p > svg && strncmp(p, "points=\"", 8) != 0)
        p--;
    p += 8;
    size_t n = 0;
    while (p < end && n < max) {
        int used = 0;
        ck_assert_int_eq(sscanf(p, "%lf,%lf%n", &xs[n], &ys[n], &used), 2);
        n++;
        p += used;
        while (*p == ' ')
            p++;
    }
    return n;
}

static const double Y_START[] = {200, 150, 150};
static const double Y_END[] = {400, 350, 250};

/* Three countries, yearly 2023–2030, TOTAL 500 → 1000, one event. */
static struct fixture *sample_yearly(void)
{
    struct fixture *f = make(3, Y_START, Y_END, 2030, 0, 0);
    f->sc.title = "Europe & co <2025>";
    f->events[0].country = 0;
    snprintf(f->events[0].date, sizeof f->events[0].date, "2026-07");
    f->events[0].start_months = 12.0 * (2026 - 1 - 2023) + 6.0; /* SPEC §1 */
    f->events[0].add.v = (struct dcproj_value){-1, 150.0, 0, 0};
    f->events[0].probability.v = (struct dcproj_value){-1, 1.0, 0, 0};
    f->sc.events = f->events;
    f->sc.n_events = 1;
    return f;
}

static const char *const ODD_NAME = "A&B <x> \"q\" 'a'";

/* Ten countries, quarterly 2023-Q4–2026-Q4, with the P5–P95 band; the
 * largest country has a name full of XML specials. */
static struct fixture *sample_quarterly(void)
{
    double s[MAX_C], e[MAX_C];
    for (size_t i = 0; i < MAX_C; i++) {
        s[i] = 10.0 * (double)(i + 1);
        e[i] = 100.0 * (double)(i + 1);
    }
    struct fixture *f = make(MAX_C, s, e, 2026, 1, 1);
    snprintf(f->names[9], sizeof f->names[9], "%s", ODD_NAME);
    /* Events: a variable-sized one (2·x + 10, x = 20 → +50) with
     * probability 0.5, a negative one, and one after the horizon. */
    f->vars[0] = (struct dcproj_variable){.id = "x", .min = 0, .max = 100, .guess = 50};
    f->sc.variables = f->vars;
    f->sc.n_variables = 1;
    f->solution_vars[0] = 20.0;
    f->res.solution.variables = f->solution_vars;
    f->res.solution.n_variables = 1;
    f->events[0].country = 9;
    snprintf(f->events[0].date, sizeof f->events[0].date, "2025-Q2");
    f->events[0].start_months = 12.0 * (2025 - 1 - 2023) + 3.0;
    f->events[0].add.v = (struct dcproj_value){0, 0, 2.0, 10.0};
    f->events[0].probability.v = (struct dcproj_value){-1, 0.5, 0, 0};
    f->events[1].country = 0;
    snprintf(f->events[1].date, sizeof f->events[1].date, "2024");
    f->events[1].start_months = 0.0;
    f->events[1].add.v = (struct dcproj_value){-1, -20.0, 0, 0};
    f->events[1].probability.v = (struct dcproj_value){-1, 1.0, 0, 0};
    f->events[2].country = 1;
    snprintf(f->events[2].date, sizeof f->events[2].date, "2028");
    f->events[2].start_months = 12.0 * (2028 - 1 - 2023);
    f->events[2].add.v = (struct dcproj_value){-1, 5.0, 0, 0};
    f->events[2].probability.v = (struct dcproj_value){-1, 1.0, 0, 0};
    f->sc.events = f->events;
    f->sc.n_events = 3;
    return f;
}

/* An event dated the year after the horizon starts at the end of the last
 * period, so it changes no plotted value (SPEC §1: an event dated 2027 is
 * not in the 2026 row): no marker, "after the horizon" in the legend, and
 * the description counts only the drawn markers.  One dated at the start of
 * the horizon year (2030, a period before the end) is drawn. */
START_TEST(test_event_at_horizon_end)
{
    struct fixture *f = sample_yearly();
    f->events[1] = f->events[0];
    snprintf(f->events[1].date, sizeof f->events[1].date, "2031");
    f->events[1].start_months = 12.0 * (2031 - 1 - 2023);
    f->events[2] = f->events[0];
    snprintf(f->events[2].date, sizeof f->events[2].date, "2030");
    f->events[2].start_months = 12.0 * (2030 - 1 - 2023);
    f->sc.n_events = 3;
    char *svg = NULL;
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_OK);
    ck_assert_uint_eq(count(svg, "</title></path>"), 2);
    ck_assert(strstr(svg, "<title>ES +150 MW (2031)</title></path>") == NULL);
    ck_assert(strstr(svg, "<title>ES +150 MW (2030)</title></path>") != NULL);
    ck_assert(strstr(svg, ">ES +150 MW (2031), after the horizon</text>") != NULL);
    ck_assert(strstr(svg, ">ES +150 MW (2030)</text>") != NULL);
    ck_assert(strstr(svg, "mark 2 events at the effective start. 1 event starts after the horizon.</desc>") != NULL);
    free(svg);
    free(f);
}
END_TEST

START_TEST(test_yearly_parts)
{
    struct fixture *f = sample_yearly();
    char *svg = NULL;
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_OK);
    const char *why = xml_problem(svg);
    ck_assert_msg(why == NULL, "not well-formed: %s", why);
    ck_assert(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\"") != NULL);
    ck_assert(strstr(svg, " viewBox=\"0 0 ") != NULL);
    /* Title (escaped), once as <title>, once drawn. */
    ck_assert_uint_eq(count(svg, "Europe &amp; co &lt;2025&gt;"), 2);
    ck_assert(strstr(svg, "<title id=\"chart-title\">Europe &amp; co &lt;2025&gt;</title>") != NULL);
    ck_assert(strstr(svg, "<desc id=\"chart-desc\">") != NULL);
    /* Unit on the capacity axis, which says the values are year-end; a
     * label for every calendar year plotted (2023 ends at the left edge, so
     * its span is not drawn). */
    ck_assert(strstr(svg, "Capacity (MW, year-end values)</text>") != NULL);
    ck_assert(strstr(svg, "\">2023</text>") == NULL);
    for (int y = 2024; y <= 2030; y++) {
        char lbl[32];
        snprintf(lbl, sizeof lbl, "\">%d</text>", y);
        ck_assert_msg(count(svg, lbl) == 1, "year label %d", y);
    }
    /* Capacity ticks 0, 200, ..., 1000 (the smallest 1-2-5 step giving at
     * most 8 steps: 1000/8 = 125 → 200; thousands grouped with a thin space). */
    ck_assert(strstr(svg, ">200</text>") != NULL);
    ck_assert(strstr(svg, ">800</text>") != NULL);
    ck_assert(strstr(svg, ">1\xE2\x80\x89" "000</text>") != NULL);
    ck_assert(strstr(svg, ">1\xE2\x80\x89" "200</text>") == NULL);
    /* Three countries, no "other", TOTAL; no band; the group is not drawn. */
    ck_assert_uint_eq(count(svg, "<polyline"), 4);
    ck_assert_uint_eq(count(svg, "<polygon"), 0);
    ck_assert(strstr(svg, "<title>other") == NULL);
    ck_assert(strstr(svg, "G1") == NULL);
    ck_assert(strstr(svg, "<title>ES Spain</title></polyline>") != NULL);
    ck_assert(strstr(svg, "<title>DE Germany</title></polyline>") != NULL);
    ck_assert(strstr(svg, "<title>FR France</title></polyline>") != NULL);
    /* Legend: swatch + code + name + horizon value. */
    ck_assert(strstr(svg, "<tspan font-weight=\"bold\">ES</tspan><tspan x=") != NULL);
    ck_assert(strstr(svg, "\">Spain</tspan>") != NULL);
    ck_assert(strstr(svg, "<tspan font-weight=\"bold\">TOTAL</tspan>") != NULL);
    ck_assert(strstr(svg, "text-anchor=\"end\">400</tspan>") != NULL);
    /* One event marker with its tooltip, and the event listed in the legend. */
    ck_assert_uint_eq(count(svg, "<title>ES +150 MW (2026-07)</title></path>"), 1);
    ck_assert(strstr(svg, ">ES +150 MW (2026-07)</text>") != NULL);

    /* Coordinates by hand: TOTAL goes 500 → 1000 on an axis 0..1000, so its
     * first point is half way down the plot (72 + 400/2 = 272) and its last
     * point on the top edge (72); the x span is the plot width. */
    double xs[MAX_P], ys[MAX_P];
    size_t n = polyline_points(svg, "TOTAL", xs, ys, MAX_P);
    ck_assert_uint_eq(n, 8);
    ck_assert_double_eq_tol(ys[0], DCPROJ_CHART_PLOT_TOP + DCPROJ_CHART_PLOT_HEIGHT / 2.0, 0.006);
    ck_assert_double_eq_tol(ys[7], DCPROJ_CHART_PLOT_TOP, 0.006);
    ck_assert_double_eq_tol(xs[7] - xs[0], DCPROJ_CHART_PLOT_WIDTH, 0.011);
    /* 2026 (3 of 7 years): TOTAL = 500 + 500·3/7 → y = 72 + 400·(1 − 0.5 − 1.5/7). */
    ck_assert_double_eq_tol(ys[3], 72.0 + 400.0 * (0.5 - 1.5 / 7.0), 0.006);
    ck_assert_double_eq_tol(xs[3] - xs[0], 640.0 * 3.0 / 7.0, 0.011);
    /* ES at 2030 = 400 → y = 72 + 400·0.6. */
    n = polyline_points(svg, "ES Spain", xs, ys, MAX_P);
    ck_assert_double_eq_tol(ys[7], 72.0 + 400.0 * 0.6, 0.006);
    /* The event (July 2026 = 2.5 years after the end of 2023) sits on the
     * time axis (y = 472) with its apex 9 px above. */
    double x1, y1, x2, y2, x3, y3;
    const char *ev = strstr(svg, "<g class=\"events\">\n<path d=\"");
    ck_assert_ptr_nonnull(ev);
    ck_assert_int_eq(sscanf(ev + strlen("<g class=\"events\">\n<path d=\""), "M%lf %lfL%lf %lfL%lf %lfZ",
                            &x1, &y1, &x2, &y2, &x3, &y3), 6);
    ck_assert_double_eq_tol(x2 - xs[0], 640.0 * 2.5 / 7.0, 0.011);
    ck_assert_double_eq_tol(y1, 472.0, 1e-9);
    ck_assert_double_eq_tol(y2, 463.0, 1e-9);
    free(svg);
    free(f);
}
END_TEST

START_TEST(test_quarterly_band_other_escape)
{
    struct fixture *f = sample_quarterly();
    char *svg = NULL;
    ck_assert_int_eq(render(f, 3, &svg), DCPROJ_OK);
    const char *why = xml_problem(svg);
    ck_assert_msg(why == NULL, "not well-formed: %s", why);
    /* No title: the name is the title. */
    ck_assert(strstr(svg, "<title id=\"chart-title\">europe</title>") != NULL);
    /* Top 3 (XX, IT, PL), other (7 countries), TOTAL. */
    ck_assert_uint_eq(count(svg, "<polyline"), 5);
    ck_assert(strstr(svg, "<title>other (7 countries)</title></polyline>") != NULL);
    ck_assert(strstr(svg, "<title>IT Italy</title></polyline>") != NULL);
    ck_assert(strstr(svg, "<title>PL Poland</title></polyline>") != NULL);
    ck_assert(strstr(svg, "<title>SE Sweden</title>") == NULL);
    ck_assert(strstr(svg, "stroke-dasharray=\"7 4\" points=") != NULL); /* other is dashed */
    /* The escaped name, never the raw one. */
    ck_assert(strstr(svg, "<title>XX A&amp;B &lt;x&gt; &quot;q&quot; &apos;a&apos;</title></polyline>") != NULL);
    ck_assert(strstr(svg, ">A&amp;B &lt;x&gt; &quot;q&quot; &apos;a&apos;</tspan>") != NULL);
    ck_assert(strstr(svg, "A&B") == NULL);
    ck_assert(strstr(svg, "<x>") == NULL);
    /* The band: one polygon, in the legend with P5–P95 at the horizon
     * (TOTAL 5500 → 4950–6050). */
    ck_assert_uint_eq(count(svg, "<polygon"), 1);
    ck_assert(strstr(svg, "P5\xE2\x80\x93P95</tspan>") != NULL);
    ck_assert(strstr(svg, ">4\xE2\x80\x89" "950\xE2\x80\x93" "6\xE2\x80\x89" "050</tspan>") != NULL);
    ck_assert(strstr(svg, "from 1\xE2\x80\x89" "000 draws") != NULL);
    /* Years 2024..2026 labelled once each (in the middle of their spans);
     * no 2023 (before the first period end) and no 2027. */
    ck_assert(strstr(svg, ">2023</text>") == NULL);
    for (int y = 2024; y <= 2026; y++) {
        char lbl[32];
        snprintf(lbl, sizeof lbl, "\">%d</text>", y);
        ck_assert_msg(count(svg, lbl) == 1, "year label %d", y);
    }
    ck_assert(strstr(svg, ">2027</text>") == NULL);
    /* Axis: max value drawn is p95 of TOTAL = 6050; at most 8 steps of
     * 1-2-5: 6050/8 = 756.25 → step 1000 → 0..7000. */
    ck_assert(strstr(svg, ">7\xE2\x80\x89" "000</text>") != NULL);
    ck_assert(strstr(svg, ">8\xE2\x80\x89" "000</text>") == NULL);
    double xs[MAX_P], ys[MAX_P];
    size_t n = polyline_points(svg, "TOTAL", xs, ys, MAX_P);
    ck_assert_uint_eq(n, 13);
    /* 2024-Q1 ends a quarter after 2023-Q4: 640 · 0.25/3 px further. */
    ck_assert_double_eq_tol(xs[1] - xs[0], 640.0 * 0.25 / 3.0, 0.011);
    /* TOTAL 2026-Q4 = 5500 on 0..7000 → y = 72 + 400·(1 − 5500/7000). */
    ck_assert_double_eq_tol(ys[12], 72.0 + 400.0 * (1.0 - 5500.0 / 7000.0), 0.006);
    /* Events: two markers (the 2028 one is after the horizon), three legend
     * lines; the marker of XX takes XX's colour (the first palette colour). */
    ck_assert_uint_eq(count(svg, "</title></path>"), 2);
    ck_assert(strstr(svg, "<title>XX +50 MW (2025-Q2, probability 0.5)</title></path>") != NULL);
    ck_assert(strstr(svg, "<title>ES -20 MW (2024)</title></path>") != NULL);
    ck_assert(strstr(svg, ">DE +5 MW (2028), after the horizon</text>") != NULL);
    ck_assert(strstr(svg, "fill=\"#332288\" stroke=\"#000000\" stroke-width=\"0.75\"><title>XX") != NULL);
    free(svg);
    free(f);
}
END_TEST

START_TEST(test_single_rest_is_drawn)
{
    /* Four countries, top 3: one left over is drawn as itself, not "other". */
    static const double s[] = {1, 2, 3, 4}, e[] = {10, 20, 30, 40};
    struct fixture *f = make(4, s, e, 2025, 0, 0);
    char *svg = NULL;
    ck_assert_int_eq(render(f, 3, &svg), DCPROJ_OK);
    ck_assert_uint_eq(count(svg, "<polyline"), 5);
    ck_assert(strstr(svg, "<title>other") == NULL);
    ck_assert(strstr(svg, "<title>ES Spain</title></polyline>") != NULL);
    free(svg);
    /* top 2: two left over become "other" = ES + DE. */
    ck_assert_int_eq(render(f, 2, &svg), DCPROJ_OK);
    ck_assert_uint_eq(count(svg, "<polyline"), 4);
    ck_assert(strstr(svg, "<title>other (2 countries)</title></polyline>") != NULL);
    ck_assert(strstr(svg, "\">30</tspan></text>") != NULL); /* other at 2025: 10 + 20 */
    free(svg);
    free(f);
}
END_TEST

START_TEST(test_deterministic)
{
    struct fixture *f = sample_quarterly();
    char *a = NULL, *b = NULL;
    ck_assert_int_eq(render(f, 3, &a), DCPROJ_OK);
    ck_assert_int_eq(render(f, 3, &b), DCPROJ_OK);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    free(f);
}
END_TEST

START_TEST(test_errors)
{
    struct fixture *f = sample_yearly();
    char *svg = NULL;
    ck_assert_int_eq(render(f, 0, &svg), DCPROJ_ERR_USAGE);
    free(svg);
    f->values[3] = INFINITY; /* ES, 2026 (NaN is an empty cell: left out) */
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_ERR_DATA);
    free(svg);
    f->values[3] = 1.0;
    snprintf(f->cols[0], DCPROJ_COL_LEN, "mean");
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_ERR_USAGE);
    free(svg);
    free(f);
}
END_TEST

START_TEST(test_invalid_text)
{
    /* Control characters and invalid UTF-8 cannot appear in XML 1.0. */
    struct fixture *f = sample_yearly();
    f->sc.title = "bad\x01" "byte\xff" "end";
    char *svg = NULL;
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_OK);
    ck_assert(strstr(svg, "bad\xEF\xBF\xBD" "byte\xEF\xBF\xBD" "end") != NULL);
    ck_assert(strchr(svg, '\x01') == NULL);
    free(svg);
    /* An event sized by a variable that has no value: no size shown. */
    f->events[0].add.v = (struct dcproj_value){0, 0, 1.0, 0.0};
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_OK);
    ck_assert(strstr(svg, "<title>ES (2026-07)</title></path>") != NULL);
    free(svg);
    free(f);
}
END_TEST

/* Ten countries over 100 years, a long title and name, 15 events: for
 * looking at the layout (label steps, cut text, collapsed event legend). */
static struct fixture *sample_long(void)
{
    double s[MAX_C], e[MAX_C];
    for (size_t i = 0; i < MAX_C; i++) {
        s[i] = 1000.0 * (double)(i + 1);
        e[i] = 25000.0 * (double)(MAX_C - i);
    }
    struct fixture *f = make(MAX_C, s, e, 2123, 0, 0);
    f->sc.title = "A very long scenario title that goes on and on: datacenter capacity in "
                  "the European Union, the EEA and the United Kingdom, 2023 to 2123";
    snprintf(f->names[0], sizeof f->names[0], "%s", "The United Kingdom of Great Britain and Northern Ireland");
    for (size_t i = 0; i < 15; i++) {
        f->events[i].country = i % MAX_C;
        snprintf(f->events[i].date, sizeof f->events[i].date, "%d", 2030 + 5 * (int)i);
        f->events[i].start_months = 12.0 * (2030 + 5 * (double)i - 1 - 2023);
        f->events[i].add.v = (struct dcproj_value){-1, 1000.0 * (double)i, 0, 0};
        f->events[i].probability.v = (struct dcproj_value){-1, 1.0, 0, 0};
    }
    f->sc.events = f->events;
    f->sc.n_events = 15;
    return f;
}

START_TEST(test_long_layout)
{
    struct fixture *f = sample_long();
    char *svg = NULL;
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_OK);
    const char *why = xml_problem(svg);
    ck_assert_msg(why == NULL, "not well-formed: %s", why);
    /* 100 years: labels every 10 years (100/5 · 44 px > 640 px ≥ 100/10 · 44 px). */
    ck_assert(strstr(svg, ">2030</text>") != NULL);
    ck_assert(strstr(svg, ">2120</text>") != NULL);
    ck_assert(strstr(svg, ">2023</text>") == NULL);
    ck_assert(strstr(svg, ">2035</text>") == NULL);
    /* A long name is cut to 24 characters in the legend, kept whole in the
     * line's tooltip. */
    ck_assert(strstr(svg, ">The United Kingdom of G\xE2\x80\xA6</tspan>") != NULL);
    ck_assert(strstr(svg, "<title>ES The United Kingdom of Great Britain and Northern Ireland</title>") != NULL);
    /* 15 events: a marker each (all before the horizon), one legend line. */
    ck_assert_uint_eq(count(svg, "</title></path>"), 15);
    ck_assert(strstr(svg, ">15 events (details in the marker tooltips)</text>") != NULL);
    ck_assert(strstr(svg, "<title>DE +1\xE2\x80\x89" "000 MW (2035)</title></path>") != NULL);
    free(svg);
    free(f);
}
END_TEST

START_TEST(test_small_values)
{
    /* 0 → 0.7: step 0.1 (0.7/8 = 0.0875 → 0.1), labels with one decimal. */
    static const double s[] = {0.0}, e[] = {0.7};
    struct fixture *f = make(1, s, e, 2030, 0, 0);
    char *svg = NULL;
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_OK);
    ck_assert(strstr(svg, "\">0.0</text>") != NULL);
    ck_assert(strstr(svg, "\">0.3</text>") != NULL);
    ck_assert(strstr(svg, "\">0.7</text>") != NULL);
    ck_assert(strstr(svg, "\">0.8</text>") == NULL);
    ck_assert(strstr(svg, "0.30000") == NULL);
    double xs[MAX_P], ys[MAX_P];
    polyline_points(svg, "TOTAL", xs, ys, MAX_P);
    ck_assert_double_eq_tol(ys[7], DCPROJ_CHART_PLOT_TOP, 0.006);
    free(svg);
    free(f);
}
END_TEST

/* Render with full options. */
static int render_opt(const struct fixture *f, const struct dcproj_chart_options *opt, char **svg)
{
    size_t len = 0;
    FILE *m = open_memstream(svg, &len);
    ck_assert_ptr_nonnull(m);
    struct dcproj_error err;
    dcproj_error_init(&err);
    int rc = dcproj_chart_write(&f->res, opt, m, &err);
    ck_assert_int_eq(fclose(m), 0);
    ck_assert_int_eq(rc, err.code);
    return rc;
}

/* --scope draws exactly the lines named, in that order, without "other";
 * --bands all gives each of them its band (the fixture's p5/p95 are 0.9
 * and 1.1 times each row). */
START_TEST(test_v2_scopes_bands_all)
{
    struct fixture *f = sample_quarterly();
    const char *scopes[] = {"NL", "G1", "TOTAL"};
    struct dcproj_chart_options opt;
    dcproj_chart_options_init(&opt);
    opt.scopes = scopes;
    opt.n_scopes = 3;
    opt.bands = DCPROJ_CHART_BANDS_ALL;
    char *svg = NULL;
    ck_assert_int_eq(render_opt(f, &opt, &svg), DCPROJ_OK);
    ck_assert_uint_eq(count(svg, "</polyline>"), 3);
    ck_assert_uint_eq(count(svg, "<polygon class=\"band\""), 3);
    ck_assert(strstr(svg, "<title>other") == NULL);
    ck_assert(strstr(svg, "<title>NL Netherlands</title></polyline>") != NULL);
    ck_assert(strstr(svg, "<title>G1</title></polyline>") != NULL);
    /* NL at 2026-Q4: 500; its band 450-550 in the legend */
    ck_assert(strstr(svg, ">500 (450\xE2\x80\x93" "550)</tspan>") != NULL);
    free(svg);
    opt.bands = DCPROJ_CHART_BANDS_NONE;
    ck_assert_int_eq(render_opt(f, &opt, &svg), DCPROJ_OK);
    ck_assert_uint_eq(count(svg, "<polygon"), 0);
    free(svg);
    const char *bad[] = {"NL", "nosuch"};
    opt.scopes = bad;
    opt.n_scopes = 2;
    ck_assert_int_eq(render_opt(f, &opt, &svg), DCPROJ_ERR_USAGE);
    free(svg);
    const char *twice[] = {"NL", "NL"};
    opt.scopes = twice;
    ck_assert_int_eq(render_opt(f, &opt, &svg), DCPROJ_ERR_USAGE);
    free(svg);
    free(f);
}
END_TEST

/* An event's marker sits at its effective start: 2026-07 plus a 6-month
 * delay starts 36 months after the end of 2023, the end of 2026 — the x of
 * the 2026 point of every line.  Each event gets its own shape: the second
 * is a circle (arcs), the third a square (H/V). */
START_TEST(test_v2_event_effective_start_shapes)
{
    struct fixture *f = sample_yearly();
    f->events[0].delay_months.v = (struct dcproj_value){-1, 6.0, 0, 0};
    f->events[1] = f->events[0];
    f->events[1].delay_months.v = (struct dcproj_value){-1, 0.0, 0, 0};
    f->events[2] = f->events[1];
    f->sc.n_events = 3;
    char *svg = NULL;
    ck_assert_int_eq(render(f, 8, &svg), DCPROJ_OK);
    double xs[16], ys[16];
    ck_assert_uint_eq(polyline_points(svg, "TOTAL", xs, ys, 16), 8);
    const char *ev = strstr(svg, "<g class=\"events\">");
    ck_assert_ptr_nonnull(ev);
    double x0, b0, px, top;
    ck_assert_int_eq(sscanf(strstr(ev, "<path d=\"M") + 10, "%lf %lfL%lf %lf", &x0, &b0, &px, &top), 4);
    ck_assert_double_eq_tol(px, xs[3], 0.011);
    ck_assert(strstr(ev, "(2026-07 + 6 months)</title>") != NULL);
    const char *second = strstr(strstr(ev, "</path>") + 1, "<path d=\"");
    const char *third = strstr(strstr(second, "</path>") + 1, "<path d=\"");
    ck_assert(strchr(second, 'A') != NULL && strchr(second, 'A') < strstr(second, "\" fill"));
    ck_assert(strchr(third, 'H') != NULL && strchr(third, 'H') < strstr(third, "\" fill"));
    free(svg);
    free(f);
}
END_TEST

/* energy_twh is drawn as a step over each period: for periods 1..n-1 a
 * horizontal segment from the previous period end to its own, none for the
 * first row (empty, NaN); the axis says TWh per year. */
START_TEST(test_v2_energy_steps)
{
    struct fixture *f = sample_yearly();
    snprintf(f->cols[0], DCPROJ_COL_LEN, "energy_twh");
    for (size_t r = 0; r < f->res.n_rows; r++)
        set(f, r, 0, 0, NAN);
    struct dcproj_chart_options opt;
    dcproj_chart_options_init(&opt);
    opt.metric = "energy_twh";
    char *svg = NULL;
    ck_assert_int_eq(render_opt(f, &opt, &svg), DCPROJ_OK);
    ck_assert(strstr(svg, ">Energy (TWh per year)</text>") != NULL);
    double xs[32], ys[32];
    size_t n = polyline_points(svg, "TOTAL", xs, ys, 32);
    ck_assert_uint_eq(n, 2 * 7);
    for (size_t k = 0; k + 1 < n; k += 2) {
        ck_assert_double_eq_tol(ys[k], ys[k + 1], 1e-9);       /* flat over its period */
        ck_assert_double_eq_tol(xs[k + 1] - xs[k], xs[1] - xs[0], 0.02); /* one year wide */
        if (k > 0)
            ck_assert_double_eq_tol(xs[k], xs[k - 1], 1e-9);   /* steps join */
    }
    free(svg);
    opt.metric = "facility_mw";
    ck_assert_int_eq(render_opt(f, &opt, &svg), DCPROJ_ERR_USAGE);
    free(svg);
    free(f);
}
END_TEST

/* --stack: one area per country, sitting on the ones before it (the top of
 * the last area is TOTAL), and the TOTAL line; no country lines. */
START_TEST(test_v2_stack)
{
    struct fixture *f = sample_yearly();
    struct dcproj_chart_options opt;
    dcproj_chart_options_init(&opt);
    opt.stack = 1;
    char *svg = NULL;
    ck_assert_int_eq(render_opt(f, &opt, &svg), DCPROJ_OK);
    ck_assert_uint_eq(count(svg, "<polygon class=\"area\""), 3);
    ck_assert_uint_eq(count(svg, "</polyline>"), 1);
    double xs[16], ys[16];
    ck_assert_uint_eq(polyline_points(svg, "TOTAL", xs, ys, 16), 8);
    /* the last area (smallest country, FR) starts with the TOTAL points */
    const char *last = NULL;
    for (const char *p = strstr(svg, "<polygon class=\"area\""); p != NULL;
         p = strstr(p + 1, "<polygon class=\"area\""))
        last = p;
    double ax, ay;
    ck_assert_int_eq(sscanf(strstr(last, "points=\"") + 8, "%lf,%lf", &ax, &ay), 2);
    ck_assert_double_eq_tol(ax, xs[0], 1e-9);
    ck_assert_double_eq_tol(ay, ys[0], 1e-9);
    free(svg);
    free(f);
}
END_TEST

/* Print a sample chart for tests/tools/svg_check.py. */
static int dump(const char *name)
{
    struct fixture *f = NULL;
    if (strcmp(name, "yearly") == 0)
        f = sample_yearly();
    else if (strcmp(name, "quarterly") == 0)
        f = sample_quarterly();
    else if (strcmp(name, "long") == 0)
        f = sample_long();
    if (f == NULL)
        return 2;
    struct dcproj_error err;
    dcproj_error_init(&err);
    int rc = dcproj_chart_write(&f->res, NULL, stdout, &err);
    free(f);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--dump-list") == 0) {
        puts("yearly\nquarterly\nlong");
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--dump") == 0)
        return dump(argv[2]);
    Suite *s = suite_create("chart");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_yearly_parts);
    tcase_add_test(tc, test_event_at_horizon_end);
    tcase_add_test(tc, test_quarterly_band_other_escape);
    tcase_add_test(tc, test_single_rest_is_drawn);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_invalid_text);
    tcase_add_test(tc, test_long_layout);
    tcase_add_test(tc, test_small_values);
    tcase_add_test(tc, test_v2_scopes_bands_all);
    tcase_add_test(tc, test_v2_event_effective_start_shapes);
    tcase_add_test(tc, test_v2_energy_steps);
    tcase_add_test(tc, test_v2_stack);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
