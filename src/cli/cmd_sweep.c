/*
 * cmd_sweep.c — `dcproj sweep SCENARIO --vary PATH=A:B:STEP [--vary ...]`:
 * the what-if grid (SPEC §7).  Each grid point is the scenario with
 * `--set PATH=value` applied after the command line's own --set/--patch;
 * points run in parallel threads, in chunks, and are written in grid order
 * (the first --vary varying slowest).  --shard K/N computes the K-th of N
 * contiguous blocks of ceil(points/N) points; every shard writes the
 * header, so shards concatenate (keeping one header) to the whole.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dcproj/prepared.h"

#define MAX_POINTS 1000000L
#define CHUNK 256

/* One varied path and its values. */
struct axis {
    char path[256];
    size_t n, cap;
    char **set_text;      /* "PATH=value" for each value */
    char **label;         /* value as written on the command line */
    double *number;       /* the value when it is a number, else NAN */
};

/* The outcome of one grid point: its periods and the metric for the scope. */
struct point {
    size_t n;
    char (*labels)[16];
    double *values;
    int rc;
    struct dcproj_error err;
    struct dcproj_warnings warn; /* the point's load and run warnings (SPEC §9 v2) */
    char *error;          /* --keep-going: the caught data error's text, or NULL */
};

/* The fast path (issue 22): the base scenario prepared once, each axis's
 * slots; a point whose every value is a number its slots accept is
 * evaluated in place, any other point (or any point that fails there) is
 * loaded in full, so messages and bytes are a full load's. */
#define MAX_AXIS_SLOTS 4096
struct fast {
    struct dcproj_prepared *prep;
    size_t *slots[CLI_MAX_VARY];
    size_t n_slots[CLI_MAX_VARY];
    size_t row, col;
    struct dcproj_evaluator *ev[64]; /* one per worker */
};

struct sweep {
    struct cli_opts *o;
    struct fast *fast;    /* NULL: every point is loaded in full */
    atomic_int worker_ids;
    const char *data;
    size_t len;
    const char *name;
    const char *base_dir;
    struct axis ax[CLI_MAX_VARY];
    int n_ax;
    const char *metric;
    long first, count;    /* points of this chunk */
    struct point *pts;    /* [count] */
    atomic_long next;
    atomic_long done;
};

static void axis_free(struct axis *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->set_text[i]);
        free(a->label[i]);
    }
    free(a->set_text);
    free(a->label);
    free(a->number);
    memset(a, 0, sizeof *a);
}

static int axis_add(struct axis *a, const char *value, double number)
{
    if (a->n == a->cap) {
        /* grow geometrically: an axis may hold up to MAX_POINTS values */
        size_t nc = a->cap ? 2 * a->cap : 16;
        char **st = realloc(a->set_text, nc * sizeof *st);
        if (st != NULL)
            a->set_text = st;
        char **lb = realloc(a->label, nc * sizeof *lb);
        if (lb != NULL)
            a->label = lb;
        double *nb = realloc(a->number, nc * sizeof *nb);
        if (nb != NULL)
            a->number = nb;
        if (st == NULL || lb == NULL || nb == NULL)
            return -1;
        a->cap = nc;
    }
    size_t need = strlen(a->path) + strlen(value) + 2;
    a->set_text[a->n] = malloc(need);
    a->label[a->n] = strdup(value);
    if (a->set_text[a->n] == NULL || a->label[a->n] == NULL) {
        free(a->set_text[a->n]);
        free(a->label[a->n]);
        return -1;
    }
    snprintf(a->set_text[a->n], need, "%s=%s", a->path, value);
    a->number[a->n] = number;
    a->n++;
    return 0;
}

/* 1 if `s` is exactly a JSON number (RFC 8259 grammar): such a list value
 * is a number in the output, like a range value. */
static int is_json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* The comma that ends the list value starting at `s`, or NULL: commas
 * inside a JSON string, object or array belong to the value
 * (countries.IE={"baseline":1,"name":"x"},... is two values). */
static char *next_list_comma(char *s)
{
    int depth = 0, in_string = 0;
    for (char *p = s; *p != '\0'; p++) {
        if (in_string) {
            if (*p == '\\' && p[1] != '\0')
                p++;
            else if (*p == '"')
                in_string = 0;
        } else if (*p == '"') {
            in_string = 1;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && depth > 0) {
            depth--;
        } else if (*p == ',' && depth == 0) {
            return p;
        }
    }
    return NULL;
}

/* A decimal number as written on the command line: m · 10^-scale, m an
 * integer of at most 36 digits (SPEC §7: sweep grids are exact decimals). */
__extension__ typedef __int128 wide;           /* GCC and Clang: exact up to ~1.7e38 */
__extension__ typedef unsigned __int128 uwide;

struct decimal {
    wide m;
    int scale; /* digits after the point minus the exponent; may be negative */
};

#define DEC_LIMIT ((wide)1000000000000000000 * 1000000000000000000) /* 10^36 */

/* Parse [+-]digits[.digits][(e|E)[+-]digits] (at least one digit).  Returns
 * 0, or -1 for anything else or too many digits. */
static int parse_decimal(const char *s, struct decimal *out)
{
    int neg = 0, digits = 0, frac = 0;
    wide m = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    for (int in_frac = 0;; s++) {
        if (*s >= '0' && *s <= '9') {
            if (m >= DEC_LIMIT / 10)
                return -1;
            m = m * 10 + (*s - '0');
            digits++;
            frac += in_frac;
        } else if (*s == '.' && !in_frac) {
            in_frac = 1;
        } else {
            break;
        }
    }
    if (digits == 0)
        return -1;
    long exp = 0;
    if (*s == 'e' || *s == 'E') {
        char *end = NULL;
        s++;
        if (!((*s >= '0' && *s <= '9') || ((*s == '+' || *s == '-') && s[1] >= '0' && s[1] <= '9')))
            return -1;
        exp = strtol(s, &end, 10);
        if (exp > 400 || exp < -400)
            return -1;
        s = end;
    }
    if (*s != '\0')
        return -1;
    out->m = neg ? -m : m;
    out->scale = frac - (int)exp;
    return 0;
}

/* x · 10^(to − x.scale) (to >= x.scale), or -1 when beyond 10^36. */
static int decimal_at(struct decimal x, int to, wide *out)
{
    wide v = x.m;
    for (int k = x.scale; k < to; k++) {
        if (v >= DEC_LIMIT || v <= -DEC_LIMIT)
            return -1;
        v *= 10;
    }
    *out = v;
    return 0;
}

/* The double nearest n · 10^-d, read back from its decimal digits by the
 * library's own (locale-independent) number parser. */
static double decimal_value(wide n, int d)
{
    char text[64], *p = text + sizeof text;
    int neg = n < 0;
    uwide u = neg ? -(uwide)n : (uwide)n;
    char tail[16];
    snprintf(tail, sizeof tail, "e-%d", d);
    *--p = '\0';
    do {
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u != 0);
    if (neg)
        *--p = '-';
    snprintf(text, sizeof text, "%s%s", p, tail);
    double v = NAN;
    if (dcproj_parse_number(text, 0, &v) != 0)
        v = NAN;
    return v;
}

/*
 * The grid A:B:STEP of SPEC §7 (v2): d = the most decimals written in A and
 * STEP (digits after the point minus the exponent, at least 0); with
 * a = A·10^d, s = STEP·10^d, b = B·10^d the points are i = 0 … ⌊(b − a)/s⌋
 * (b need not be an integer: the floor is taken exactly) and v_i is the
 * double nearest (a + i·s)/10^d — so 0.1:0.3:0.05 gives 0.1, 0.15, …, 0.3
 * exactly as written, never 0.15000000000000002.
 */
static int range_axis(const char *spec, const char *ta, const char *tb, const char *ts,
                      struct axis *a)
{
    struct decimal A, B, S;
    if (parse_decimal(ta, &A) != 0 || parse_decimal(tb, &B) != 0 || parse_decimal(ts, &S) != 0
        || !(S.m > 0))
        return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: A, B and STEP must be decimal numbers "
                                          "(at most 36 digits) with STEP > 0", spec);
    int d = A.scale > S.scale ? A.scale : S.scale;
    if (d < 0)
        d = 0;
    int D = d > B.scale ? d : B.scale;
    wide aD, bD, sD, ad, sd;
    if (decimal_at(A, D, &aD) != 0 || decimal_at(B, D, &bD) != 0 || decimal_at(S, D, &sD) != 0
        || decimal_at(A, d, &ad) != 0 || decimal_at(S, d, &sd) != 0)
        return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: A, B and STEP are too far apart in "
                                          "magnitude for an exact decimal grid", spec);
    if (bD < aD)
        return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: no values (is A > B?)", spec);
    wide last = (bD - aD) / sD; /* both >= 0: truncation is the floor */
    if (last >= MAX_POINTS)
        return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: more than %ld points", spec, MAX_POINTS);
    for (long i = 0; i <= (long)last; i++) {
        wide n = ad + (wide)i * sd;
        double v = decimal_value(n, d);
        if (!isfinite(v))
            return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: a grid value is out of range", spec);
        char text[DCPROJ_NUMBER_LEN];
        dcproj_format_number(v, -1, 0, text);
        if (axis_add(a, text, v) != 0)
            return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
    }
    return 0;
}

/* Parse "PATH=A:B:STEP" (range_axis) or "PATH=v1,v2,..." (values parse
 * like --set). */
static int parse_axis(const char *spec, struct axis *a)
{
    const char *eq = strchr(spec, '=');
    size_t pl = (size_t)(eq - spec);
    if (pl >= sizeof a->path)
        return cli_fail(DCPROJ_ERR_USAGE, "--vary: path too long");
    memcpy(a->path, spec, pl);
    a->path[pl] = '\0';
    /* a malformed PATH is this option's mistake, said once, before any point */
    struct dcproj_error perr;
    dcproj_error_init(&perr);
    if (dcproj_patch_check("--vary", spec, &perr) != DCPROJ_OK)
        return cli_print_errors(&perr);
    const char *vals = eq + 1;
    char *copy = strdup(vals);
    if (copy == NULL)
        return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
    char *c1 = strchr(copy, ':');
    int rc = 0;
    /* a JSON object, array or string value is never a range */
    int json_value = copy[0] == '{' || copy[0] == '[' || copy[0] == '"';
    if (c1 != NULL && strchr(copy, ',') == NULL && !json_value) {
        char *c2 = strchr(c1 + 1, ':');
        if (c2 == NULL || strchr(c2 + 1, ':') != NULL) {
            free(copy);
            return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: expected PATH=A:B:STEP or PATH=v1,v2,...", spec);
        }
        *c1 = *c2 = '\0';
        rc = range_axis(spec, copy, c1 + 1, c2 + 1, a);
        free(copy);
        return rc;
    } else {
        for (char *tok = copy, *next; tok != NULL; tok = next) {
            next = next_list_comma(tok);
            if (next != NULL)
                *next++ = '\0';
            if ((long)a->n >= MAX_POINTS) {
                rc = cli_fail(DCPROJ_ERR_USAGE, "--vary %s: more than %ld points", spec, MAX_POINTS);
                break;
            }
            double num = NAN;
            if (is_json_number(tok) && (dcproj_parse_number(tok, 0, &num) != 0 || !isfinite(num)))
                num = NAN;
            if (axis_add(a, tok, num) != 0) {
                rc = cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
                break;
            }
        }
    }
    free(copy);
    if (rc == 0 && a->n == 0)
        rc = cli_fail(DCPROJ_ERR_USAGE, "--vary %s: no values (is A > B?)", spec);
    return rc;
}

/* The `error` cell of a caught point (SPEC §7): its first problem without
 * the "dcproj: FILE: " prefix, and " (and N more)".  NULL when out of
 * memory. */
static char *error_text(const struct dcproj_error *err)
{
    struct dcproj_error first;
    dcproj_error_init(&first);
    first.code = err->code;
    first.count = 1;
    first.items[0] = err->items[0];
    first.items[0].file[0] = '\0';
    char line[DCPROJ_ERROR_PATH_LEN + DCPROJ_ERROR_MSG_LEN + 64];
    dcproj_error_format(&first, 0, line, sizeof line);
    size_t used = strlen(line);
    if (err->count > 1)
        snprintf(line + used, sizeof line - used, " (and %d more)", err->count - 1);
    return strdup(line);
}

/*
 * --keep-going: turn point *pt, which failed with a data error, into rows
 * with empty metric cells and its message: one row per period (those --at
 * keeps) when its baseline_year, horizon and step are valid, else one row
 * with an empty period.
 */
static void catch_point(struct sweep *s, const struct dcproj_load_options *lo, struct point *pt)
{
    int B = 0, H = 0;
    enum dcproj_step step = DCPROJ_STEP_YEAR;
    struct dcproj_period *per = NULL;
    size_t np = 0;
    if (dcproj_scenario_time_buffer(s->name, s->data, s->len, s->base_dir, lo, &B, &H, &step)
            != DCPROJ_OK
        || dcproj_periods(B, H, step, &per, &np) != DCPROJ_OK)
        np = 0;
    pt->labels = malloc((np ? np : 1) * sizeof *pt->labels);
    pt->values = malloc((np ? np : 1) * sizeof *pt->values);
    pt->error = error_text(&pt->err);
    if (pt->labels == NULL || pt->values == NULL || pt->error == NULL) {
        dcproj_periods_free(per);
        pt->rc = dcproj_error_set(&pt->err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
        return;
    }
    pt->n = 0;
    for (size_t p = 0; p < np; p++) {
        if (s->o->at_year != 0 && per[p].end_months != 12 * (s->o->at_year - B))
            continue;
        memcpy(pt->labels[pt->n], per[p].label, sizeof pt->labels[0]);
        pt->values[pt->n++] = NAN;
    }
    if (pt->n == 0) {
        pt->labels[0][0] = '\0';
        pt->values[pt->n++] = NAN;
    }
    dcproj_periods_free(per);
    pt->rc = DCPROJ_OK;
}

static void point_clear(struct point *pt);

/* Grid point `idx` on the prepared scenario: 1 if done (values in *pt),
 * 0 if it must be loaded in full. */
static int fast_point(struct sweep *s, struct dcproj_evaluator *ev, long idx, struct point *pt)
{
    const struct fast *f = s->fast;
    const struct dcproj_result *b = dcproj_prepared_base(f->prep);
    long rem = idx;
    dcproj_evaluator_reset(ev);
    for (int k = s->n_ax - 1; k >= 0; k--) {
        size_t v = (size_t)(rem % (long)s->ax[k].n);
        rem /= (long)s->ax[k].n;
        double x = s->ax[k].number[v];
        for (size_t j = 0; j < f->n_slots[k]; j++) {
            /* a value the loader's slip checks might warn about loads in
               full, so its warning is the loader's */
            if (!dcproj_prepared_accepts(f->prep, f->slots[k][j], x)
                || dcproj_prepared_may_warn(f->prep, f->slots[k][j], x))
                return 0;
            dcproj_evaluator_set(ev, f->slots[k][j], x);
        }
    }
    struct dcproj_error err;
    dcproj_error_init(&err);
    pt->labels = malloc((b->n_periods ? b->n_periods : 1) * sizeof *pt->labels);
    pt->values = malloc((b->n_periods ? b->n_periods : 1) * sizeof *pt->values);
    if (pt->labels == NULL || pt->values == NULL
        || dcproj_evaluator_run(ev, f->row, f->col, pt->values, &err) != DCPROJ_OK
        || dcproj_evaluator_warned(ev)) { /* a floor or calibration warning: a full load gives it */
        point_clear(pt);
        return 0;
    }
    int B = b->scenario->baseline_year;
    for (size_t p = 0; p < b->n_periods; p++) {
        const struct dcproj_period *per = &b->periods[p];
        if (s->o->at_year != 0 && per->end_months != 12 * (s->o->at_year - B))
            continue;
        memcpy(pt->labels[pt->n], per->label, sizeof pt->labels[0]);
        pt->values[pt->n++] = pt->values[p]; /* n <= p */
    }
    if (pt->n == 0) { /* --at names no year-end: the full load says so */
        point_clear(pt);
        return 0;
    }
    dcproj_error_init(&pt->err);
    pt->rc = DCPROJ_OK;
    return 1;
}

/* Project grid point `idx` into *pt. */
static void run_point(struct sweep *s, struct dcproj_evaluator *ev, long idx, struct point *pt)
{
    if (ev != NULL && fast_point(s, ev, idx, pt))
        return;
    struct cli_opts *o = s->o;
    size_t np = o->n_patches + (size_t)s->n_ax;
    struct dcproj_patch *patches = malloc(np * sizeof *patches);
    dcproj_error_init(&pt->err);
    if (patches == NULL) {
        pt->rc = dcproj_error_set(&pt->err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
        return;
    }
    if (o->n_patches)
        memcpy(patches, o->patches, o->n_patches * sizeof *patches);
    long rem = idx;
    for (int k = s->n_ax - 1; k >= 0; k--) {
        size_t v = (size_t)(rem % (long)s->ax[k].n);
        rem /= (long)s->ax[k].n;
        patches[o->n_patches + (size_t)k] = (struct dcproj_patch){DCPROJ_PATCH_SET, s->ax[k].set_text[v]};
    }
    struct dcproj_load_options lo = o->load;
    lo.patches = patches;
    lo.n_patches = np;
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL;
    pt->rc = dcproj_scenario_load_buffer(s->name, s->data, s->len, s->base_dir, &lo, &sc, &pt->err);
    if (pt->rc == DCPROJ_OK) {
        struct dcproj_run_options ro;
        dcproj_run_options_init(&ro);
        ro.threads = 1; /* points already run in parallel */
        pt->rc = dcproj_project(sc, &ro, &res, &pt->err);
    }
    int caught = pt->rc == DCPROJ_ERR_DATA && o->keep_going;
    if (caught)
        catch_point(s, &lo, pt);
    free(patches);
    if (caught || pt->rc != DCPROJ_OK) {
        dcproj_scenario_free(sc);
        return;
    }
    if (dcproj_warnings_merge(&pt->warn, &sc->warnings) != DCPROJ_OK
        || dcproj_warnings_merge(&pt->warn, &res->warnings) != DCPROJ_OK) {
        pt->rc = dcproj_error_set(&pt->err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
        goto out;
    }
    long col = dcproj_result_find_col(res, s->metric);
    long row = -1;
    for (size_t r = 0; r < res->n_rows && row < 0; r++)
        if (strcmp(res->rows[r].code, o->scope) == 0)
            row = (long)r;
    if (col < 0 || row < 0) {
        pt->rc = dcproj_error_set(&pt->err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                  col < 0 ? "--metric: the projection has no column \"%s\""
                                          : "--scope: the projection has no row \"%s\" (a country code, a group or TOTAL)",
                                  col < 0 ? s->metric : o->scope);
        goto out;
    }
    pt->labels = malloc(res->n_periods * sizeof *pt->labels);
    pt->values = malloc(res->n_periods * sizeof *pt->values);
    if (pt->labels == NULL || pt->values == NULL) {
        pt->rc = dcproj_error_set(&pt->err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t p = 0; p < res->n_periods; p++) {
        const struct dcproj_period *per = &res->periods[p];
        if (o->at_year != 0 && per->end_months != 12 * (o->at_year - sc->baseline_year))
            continue;
        memcpy(pt->labels[pt->n], per->label, sizeof pt->labels[0]);
        pt->values[pt->n] = dcproj_result_at(res, (size_t)row, p, (size_t)col);
        /* --at Y of an energy column: the energy of calendar year Y */
        if (o->at_year != 0 &&
            (pt->rc = dcproj_result_year_value(res, (size_t)row, (size_t)col, o->at_year,
                                               &pt->values[pt->n], &pt->err)) != DCPROJ_OK)
            goto out;
        pt->n++;
    }
    if (o->at_year != 0 && pt->n == 0)
        pt->rc = dcproj_error_set(&pt->err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                  "--at %d: not a year-end of the projection (%d to %d)", o->at_year,
                                  sc->baseline_year, sc->horizon);
out:
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
}

static void *sweep_worker(void *arg)
{
    struct sweep *s = arg;
    int id = atomic_fetch_add(&s->worker_ids, 1);
    struct dcproj_evaluator *ev = s->fast != NULL && id < 64 ? s->fast->ev[id] : NULL;
    for (;;) {
        long k = atomic_fetch_add(&s->next, 1);
        if (k >= s->count)
            break;
        run_point(s, ev, s->first + k, &s->pts[k]);
        atomic_fetch_add(&s->done, 1);
    }
    return NULL;
}

struct out_ctx {
    struct sweep *s;
    long first, last;     /* points of this shard */
    int threads;
    struct cli_progress *bar;
    int rc;               /* exit code of a failed point (errors printed) */
};

static void point_clear(struct point *pt)
{
    free(pt->labels);
    free(pt->values);
    dcproj_warnings_clear(&pt->warn);
    free(pt->error);
    /* not the whole struct: its error holds DCPROJ_ERROR_MAX messages,
       ~26 kB, and only code and count mean anything once cleared */
    pt->n = 0;
    pt->labels = NULL;
    pt->values = NULL;
    pt->error = NULL;
    pt->rc = DCPROJ_OK;
    dcproj_error_init(&pt->err);
}

/* The header: one column per varied path, period, the metric. */
static void write_header(struct dcproj_table_writer *w, const struct sweep *s)
{
    for (int k = 0; k < s->n_ax; k++)
        dcproj_table_text(w, s->ax[k].path);
    dcproj_table_text(w, "period");
    dcproj_table_text(w, s->metric);
    if (s->o->keep_going)
        dcproj_table_text(w, "error");
    dcproj_table_end_record(w);
}

/* The worker threads of one chunk. */
struct chunk_run {
    pthread_t th[64];
    int started;
};

/* Start computing points base .. base + count into pts with up to
 * `threads` workers (in this thread when none can be started). */
static void chunk_start(struct sweep *s, struct point *pts, long base, long count, int threads,
                        struct chunk_run *r)
{
    s->pts = pts;
    s->first = base;
    s->count = count;
    atomic_store(&s->next, 0);
    atomic_store(&s->done, 0);
    atomic_store(&s->worker_ids, 0);
    r->started = 0;
    for (int t = 0; t < threads && t < 64 && t < count; t++, r->started++)
        if (pthread_create(&r->th[t], NULL, sweep_worker, s) != 0)
            break;
    if (r->started == 0)
        sweep_worker(s);
}

static void chunk_join(struct chunk_run *r)
{
    for (int t = 0; t < r->started; t++)
        pthread_join(r->th[t], NULL);
    r->started = 0;
}

/* Compute the shard's points chunk by chunk (in parallel within a chunk;
 * the next chunk computes while this one is written) and write header and
 * rows in grid order; a failed point stops it with its problems in `err`. */
/* Stop the sweep at a failed chunk: release the chunk's points and both
 * buffers; returns `rc`. */
static int chunk_abort(struct sweep *s, struct point *pts, long count, struct point *bufs[2],
                       int rc)
{
    for (long j = 0; j < count; j++)
        point_clear(&pts[j]);
    free(bufs[0]);
    free(bufs[1]);
    s->pts = NULL;
    return rc;
}

static int write_sweep(void *ctx, FILE *out, struct dcproj_error *err)
{
    struct out_ctx *c = ctx;
    struct sweep *s = c->s;
    struct dcproj_table_writer w;
    dcproj_table_begin(&w, out, &s->o->fmt);
    /* the header goes out with the first chunk that computed, so a sweep
       whose first point fails writes nothing */
    int header = 0, cur = 0;
    struct point *bufs[2] = {calloc(CHUNK, sizeof(struct point)), calloc(CHUNK, sizeof(struct point))};
    if (bufs[0] == NULL || bufs[1] == NULL) {
        free(bufs[0]);
        free(bufs[1]);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    }
    struct chunk_run run;
    if (c->first < c->last) {
        chunk_start(s, bufs[0], c->first, c->last - c->first < CHUNK ? c->last - c->first : CHUNK,
                    c->threads, &run);
        chunk_join(&run);
    }
    for (long base = c->first; base < c->last; base += CHUNK, cur = 1 - cur) {
        struct point *pts = bufs[cur];
        long count = c->last - base < CHUNK ? c->last - base : CHUNK;
        cli_progress_cb(c->bar, (uint64_t)(base + count - c->first), (uint64_t)(c->last - c->first));
        /* the first failed point of the chunk stops the sweep before any of
         * the chunk is written: an invalid scenario leaves stdout empty */
        long bad = 0;
        while (bad < count && pts[bad].rc == DCPROJ_OK)
            bad++;
        /* the chunk's warnings, in point order, each once per command;
           with --strict a warning fails the sweep before the chunk is
           written */
        for (long k = 0; k < bad; k++) {
            if (cli_warnings(s->o, &pts[k].warn) != 0) {
                c->rc = DCPROJ_ERR_DATA;
                return chunk_abort(s, pts, count, bufs, c->rc);
            }
        }
        if (!header && bad == count) {
            write_header(&w, s);
            header = 1;
        }
        long next = base + count;
        int pending = bad == count && next < c->last;
        if (pending)
            chunk_start(s, bufs[1 - cur], next, c->last - next < CHUNK ? c->last - next : CHUNK,
                        c->threads, &run);
        for (long k = bad < count ? bad : 0; k < count; k++) {
            struct point *pt = &pts[k];
            if (pt->rc != DCPROJ_OK) {
                long idx = base + k, rem = idx;
                fprintf(stderr, "dcproj: sweep point %ld (", idx + 1);
                for (int a = s->n_ax - 1; a >= 0; a--) {
                    fprintf(stderr, "%s%s", a < s->n_ax - 1 ? ", " : "",
                            s->ax[a].set_text[rem % (long)s->ax[a].n]);
                    rem /= (long)s->ax[a].n;
                }
                fprintf(stderr, ") failed:\n");
                /* the caller prints the point's problems and exits with
                   their status (2 for a bad --scope, --metric or --at) */
                *err = pt->err;
                c->rc = pt->rc;
                return chunk_abort(s, pts, count, bufs, c->rc);
            }
            if (!header) {
                write_header(&w, s);
                header = 1;
            }
            long rem = base + k;
            size_t vi[CLI_MAX_VARY];
            for (int a = s->n_ax - 1; a >= 0; a--) {
                vi[a] = (size_t)(rem % (long)s->ax[a].n);
                rem /= (long)s->ax[a].n;
            }
            /* a number as a number (the decimal comma applies, not
               --precision, which would merge grid values); other values as
               written; formatted once per point */
            char vtext[CLI_MAX_VARY][DCPROJ_NUMBER_LEN];
            const char *vcell[CLI_MAX_VARY];
            for (int a = 0; a < s->n_ax; a++) {
                double v = s->ax[a].number[vi[a]];
                if (isfinite(v)) {
                    dcproj_format_number(v, -1, s->o->fmt.decimal_comma, vtext[a]);
                    vcell[a] = vtext[a];
                } else {
                    vcell[a] = s->ax[a].label[vi[a]];
                }
            }
            for (size_t p = 0; p < pt->n; p++) {
                for (int a = 0; a < s->n_ax; a++)
                    dcproj_table_text(&w, vcell[a]);
                dcproj_table_text(&w, pt->labels[p]);
                if (pt->error != NULL)
                    dcproj_table_text(&w, "");
                else
                    dcproj_table_number(&w, pt->values[p]);
                if (s->o->keep_going)
                    dcproj_table_text(&w, pt->error != NULL ? pt->error : "");
                dcproj_table_end_record(&w);
            }
            point_clear(pt);
        }
        if (pending)
            chunk_join(&run);
    }
    free(bufs[0]);
    free(bufs[1]);
    s->pts = NULL;
    if (!header) /* an empty shard: the header alone */
        write_header(&w, s);
    return dcproj_table_finish(&w, err);
}

static void fast_close(struct fast *f)
{
    for (int t = 0; t < 64; t++)
        dcproj_evaluator_free(f->ev[t]);
    for (int k = 0; k < CLI_MAX_VARY; k++)
        free(f->slots[k]);
    dcproj_prepared_free(f->prep);
    memset(f, 0, sizeof *f);
}

/* 1 if the scenario with the command line's patches and axis k's first
 * value loads without a warning. */
static int probe_quiet(const struct sweep *s, int k)
{
    const struct cli_opts *o = s->o;
    size_t np = o->n_patches + 1;
    struct dcproj_patch *patches = malloc(np * sizeof *patches);
    if (patches == NULL)
        return 0;
    if (o->n_patches)
        memcpy(patches, o->patches, o->n_patches * sizeof *patches);
    patches[o->n_patches] = (struct dcproj_patch){DCPROJ_PATCH_SET, s->ax[k].set_text[0]};
    struct dcproj_load_options lo = o->load;
    lo.patches = patches;
    lo.n_patches = np;
    struct dcproj_scenario *sc = NULL;
    struct dcproj_error err;
    dcproj_error_init(&err);
    int ok = dcproj_scenario_load_buffer(s->name, s->data, s->len, s->base_dir, &lo, &sc, &err)
                 == DCPROJ_OK
             && sc->warnings.n == 0;
    dcproj_scenario_free(sc);
    free(patches);
    return ok;
}

/*
 * Prepare the fast path for the loaded base scenario: every --vary path
 * must name slots that can change in place (dcproj_prepared_find), --scope
 * and --metric must exist, and the scenario must prepare (no Monte Carlo,
 * its own projection succeeds).  Returns 1 if so.  The environment variable
 * DCPROJ_SWEEP_FULL_LOAD (tests and benchmarks only) turns it off.
 */
static int fast_open(struct sweep *s, const struct dcproj_scenario *base, int threads,
                     struct fast *f)
{
    memset(f, 0, sizeof *f);
    const char *off = getenv("DCPROJ_SWEEP_FULL_LOAD");
    if (off != NULL && *off != '\0')
        return 0;
    struct dcproj_error err;
    dcproj_error_init(&err);
    if (dcproj_prepared_new(base, &f->prep, &err) != DCPROJ_OK)
        return 0;
    const struct dcproj_result *b = dcproj_prepared_base(f->prep);
    long col = dcproj_result_find_col(b, s->metric), row = -1;
    for (size_t r = 0; r < b->n_rows && row < 0; r++)
        if (strcmp(b->rows[r].code, s->o->scope) == 0)
            row = (long)r;
    /* warnings stay a full load's: none under --strict (a warning is an
       error there), none when the base scenario or its projection warns
       (every point would repeat them), and --at of an energy column is a
       calendar year's sum (dcproj_result_year_value) */
    int ok = col >= 0 && row >= 0 && !s->o->strict && base->warnings.n == 0 && b->warnings.n == 0
             && !(s->o->at_year != 0 && dcproj_col_is_energy(b->cols[col]));
    f->row = (size_t)row;
    f->col = (size_t)col;
    for (int k = 0; k < s->n_ax && ok; k++) {
        f->slots[k] = malloc(MAX_AXIS_SLOTS * sizeof *f->slots[k]);
        ok = f->slots[k] != NULL
             && (f->n_slots[k] = dcproj_prepared_find(f->prep, s->ax[k].path, f->slots[k],
                                                      MAX_AXIS_SLOTS)) > 0;
    }
    /* a --set of the path that creates a key warns whatever the value
       (load_patch.c): one load per axis with its first value finds out;
       any warning of that load (a slip of the value too) keeps every point
       on full loads */
    for (int k = 0; k < s->n_ax && ok; k++)
        ok = probe_quiet(s, k);
    for (int t = 0; t < threads && t < 64 && ok; t++)
        ok = dcproj_evaluator_new(f->prep, &f->ev[t]) == DCPROJ_OK;
    if (!ok)
        fast_close(f);
    return ok;
}

int cmd_sweep(struct cli_opts *o)
{
    if (o->n_vary == 0)
        return cli_fail(DCPROJ_ERR_USAGE, "sweep needs --vary PATH=A:B:STEP (or PATH=v1,v2,...)\n"
                                          "dcproj: try 'dcproj sweep --help'");
    if (o->fmt.format == DCPROJ_FMT_JSON || o->fmt.format == DCPROJ_FMT_TABLE)
        return cli_fail(DCPROJ_ERR_USAGE, "sweep writes CSV or TSV: use --format csv or tsv");
    if (o->fmt.layout != DCPROJ_LAYOUT_LONG)
        return cli_fail(DCPROJ_ERR_USAGE, "sweep writes one layout (the varied paths, period and --metric): "
                                          "--layout wide or iamc does not apply");
    struct sweep s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.metric = o->fmt.metric != NULL ? o->fmt.metric : "capacity";
    int rc = 0;
    char *data = NULL, *dir = NULL;
    for (int k = 0; k < o->n_vary && rc == 0; k++, s.n_ax++)
        rc = parse_axis(o->vary[k], &s.ax[k]);
    /* two axes on one path (or one inside the other) would overwrite each
       other: the grid would repeat itself under two column names */
    if (rc == 0 && s.n_ax == 2) {
        const char *p0 = s.ax[0].path, *p1 = s.ax[1].path;
        size_t l0 = strlen(p0), l1 = strlen(p1), l = l0 < l1 ? l0 : l1;
        const char *longer = l0 < l1 ? p1 : p0;
        if (strncmp(p0, p1, l) == 0 && (l0 == l1 || longer[l] == '.' || longer[l] == '['))
            rc = cli_fail(DCPROJ_ERR_USAGE, "--vary %s and --vary %s change the same value: "
                                            "vary two different paths", p0, p1);
    }
    long points = 1;
    for (int k = 0; k < s.n_ax && rc == 0; k++) {
        if ((long)s.ax[k].n > MAX_POINTS / points) {
            rc = cli_fail(DCPROJ_ERR_USAGE, "sweep: more than %ld grid points", MAX_POINTS);
            break;
        }
        points *= (long)s.ax[k].n;
    }
    if (rc != 0)
        goto done;
    size_t len = 0;
    rc = cli_read_file(o->args[0], &data, &len);
    if (rc != 0)
        goto done;
    s.data = data;
    s.len = len;
    int is_stdin = strcmp(o->args[0], "-") == 0;
    s.name = is_stdin ? "<stdin>" : o->args[0];
    if (!is_stdin) {
        dir = strdup(o->args[0]);
        if (dir == NULL) {
            rc = cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
            goto done;
        }
        char *slash = strrchr(dir, '/');
        if (slash == NULL)
            strcpy(dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        s.base_dir = dir;
    }
    struct out_ctx c = {&s, 0, points, o->threads, NULL, 0};
    if (o->shard_n > 0) {
        long per = (points + o->shard_n - 1) / o->shard_n;
        c.first = (o->shard_k - 1) * per < points ? (o->shard_k - 1) * per : points;
        c.last = c.first + per < points ? c.first + per : points;
    }
    c.threads = dcproj_threads_resolve(c.threads);
    if (c.threads > 64)
        c.threads = 64;
    c.bar = cli_progress_new(o, "sweep");
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    /* The parents the scenario's `extends` names are read too, so an output
     * path naming one is refused: find them with one load of the scenario
     * with the command line's own patches (if that load fails, the points
     * report why). */
    struct dcproj_load_options blo = o->load;
    blo.patches = o->patches;
    blo.n_patches = o->n_patches;
    struct dcproj_scenario *base = NULL;
    struct dcproj_error berr;
    dcproj_error_init(&berr);
    int brc = dcproj_scenario_load_buffer(s.name, data, len, s.base_dir, &blo, &base, &berr);
    if (brc == DCPROJ_OK) {
        cli_add_scenario_ids(&ids, &n_ids, base);
        /* --keep-going catches a point's own data errors, never those every
         * point shares: the base load and a frozen parent's solve abort */
        if (o->keep_going && base->frozen) {
            struct dcproj_solution sol;
            memset(&sol, 0, sizeof sol);
            brc = dcproj_solve(base, &sol, &berr);
            dcproj_solution_clear(&sol);
        }
    }
    if (brc != DCPROJ_OK && o->keep_going) {
        rc = cli_print_errors(&berr);
        free(ids);
        cli_progress_end(c.bar);
        dcproj_scenario_free(base);
        goto done;
    }
    struct fast fast;
    if (brc == DCPROJ_OK && fast_open(&s, base, c.threads, &fast))
        s.fast = &fast;
    rc = cli_write(o->output, ids, n_ids, write_sweep, &c);
    if (s.fast != NULL)
        fast_close(&fast);
    dcproj_scenario_free(base);
    if (c.rc != 0) /* a failed point: its errors are printed, its code is the exit code */
        rc = c.rc;
    free(ids);
    cli_progress_end(c.bar);
done:
    for (int k = 0; k < s.n_ax; k++)
        axis_free(&s.ax[k]);
    free(data);
    free(dir);
    return rc;
}
