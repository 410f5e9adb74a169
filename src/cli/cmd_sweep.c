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

#define MAX_POINTS 1000000L
#define CHUNK 256

/* One varied path and its values. */
struct axis {
    char path[256];
    size_t n;
    char **set_text;      /* "PATH=value" for each value */
    char **label;         /* value as written in the output (list values) */
    double *number;       /* value (range values) */
    int is_range;
};

/* The outcome of one grid point: its periods and the metric for the scope. */
struct point {
    size_t n;
    char (*labels)[16];
    double *values;
    int rc;
    struct dcproj_error err;
};

struct sweep {
    struct cli_opts *o;
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
    char **st = realloc(a->set_text, (a->n + 1) * sizeof *st);
    if (st != NULL)
        a->set_text = st;
    char **lb = realloc(a->label, (a->n + 1) * sizeof *lb);
    if (lb != NULL)
        a->label = lb;
    double *nb = realloc(a->number, (a->n + 1) * sizeof *nb);
    if (nb != NULL)
        a->number = nb;
    if (st == NULL || lb == NULL || nb == NULL)
        return -1;
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

/* Parse "PATH=A:B:STEP" (A + i STEP while <= B + 1e-9 |STEP|) or
 * "PATH=v1,v2,..." (values parse like --set). */
static int parse_axis(const char *spec, struct axis *a)
{
    const char *eq = strchr(spec, '=');
    size_t pl = (size_t)(eq - spec);
    if (pl >= sizeof a->path)
        return cli_fail(DCPROJ_ERR_USAGE, "--vary: path too long");
    memcpy(a->path, spec, pl);
    a->path[pl] = '\0';
    const char *vals = eq + 1;
    char *copy = strdup(vals);
    if (copy == NULL)
        return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
    char *c1 = strchr(copy, ':');
    int rc = 0;
    if (c1 != NULL && strchr(copy, ',') == NULL) {
        char *c2 = strchr(c1 + 1, ':');
        double lo, hi, step;
        if (c2 == NULL || strchr(c2 + 1, ':') != NULL) {
            free(copy);
            return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: expected PATH=A:B:STEP or PATH=v1,v2,...", spec);
        }
        *c1 = *c2 = '\0';
        if (cli_parse_double(copy, &lo) != 0 || cli_parse_double(c1 + 1, &hi) != 0 ||
            cli_parse_double(c2 + 1, &step) != 0 || !(step > 0)) {
            free(copy);
            return cli_fail(DCPROJ_ERR_USAGE, "--vary %s: A, B and STEP must be numbers with STEP > 0", spec);
        }
        a->is_range = 1;
        for (long i = 0;; i++) {
            double v = lo + (double)i * step;
            if (v > hi + 1e-9 * fabs(step))
                break;
            if ((long)a->n >= MAX_POINTS) {
                rc = cli_fail(DCPROJ_ERR_USAGE, "--vary %s: more than %ld points", spec, MAX_POINTS);
                break;
            }
            char text[DCPROJ_NUMBER_LEN];
            dcproj_format_number(v, -1, 0, text);
            if (axis_add(a, text, v) != 0) {
                rc = cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
                break;
            }
        }
    } else {
        for (char *tok = copy, *next; tok != NULL; tok = next) {
            next = strchr(tok, ',');
            if (next != NULL)
                *next++ = '\0';
            if ((long)a->n >= MAX_POINTS) {
                rc = cli_fail(DCPROJ_ERR_USAGE, "--vary %s: more than %ld points", spec, MAX_POINTS);
                break;
            }
            if (axis_add(a, tok, NAN) != 0) {
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

/* Project grid point `idx` into *pt. */
static void run_point(struct sweep *s, long idx, struct point *pt)
{
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
    free(patches);
    if (pt->rc != DCPROJ_OK) {
        dcproj_scenario_free(sc);
        return;
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
        pt->values[pt->n++] = dcproj_result_at(res, (size_t)row, p, (size_t)col);
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
    for (;;) {
        long k = atomic_fetch_add(&s->next, 1);
        if (k >= s->count)
            break;
        run_point(s, s->first + k, &s->pts[k]);
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
    memset(pt, 0, sizeof *pt);
}

/* The header: one column per varied path, period, the metric. */
static void put_header(struct dcproj_table_writer *w, const struct sweep *s)
{
    for (int k = 0; k < s->n_ax; k++)
        dcproj_table_text(w, s->ax[k].path);
    dcproj_table_text(w, "period");
    dcproj_table_text(w, s->metric);
    dcproj_table_end_record(w);
}

static int write_sweep(void *ctx, FILE *out, struct dcproj_error *err)
{
    struct out_ctx *c = ctx;
    struct sweep *s = c->s;
    struct dcproj_table_writer w;
    dcproj_table_begin(&w, out, &s->o->fmt);
    int header = 0; /* written once the first chunk has projected without error */
    s->pts = calloc(CHUNK, sizeof *s->pts);
    if (s->pts == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    for (long base = c->first; base < c->last; base += CHUNK) {
        s->first = base;
        s->count = c->last - base < CHUNK ? c->last - base : CHUNK;
        atomic_store(&s->next, 0);
        atomic_store(&s->done, 0);
        pthread_t th[64];
        int started = 0;
        for (int t = 0; t < c->threads && t < 64 && t < s->count; t++, started++)
            if (pthread_create(&th[t], NULL, sweep_worker, s) != 0)
                break;
        if (started == 0)
            sweep_worker(s);
        for (int t = 0; t < started; t++)
            pthread_join(th[t], NULL);
        cli_progress_cb(c->bar, (uint64_t)(base + s->count - c->first), (uint64_t)(c->last - c->first));
        /* the first failed point of the chunk stops the sweep before any of
         * the chunk is written: an invalid scenario leaves stdout empty */
        long bad = 0;
        while (bad < s->count && s->pts[bad].rc == DCPROJ_OK)
            bad++;
        if (!header && bad == s->count) {
            put_header(&w, s);
            header = 1;
        }
        for (long k = bad < s->count ? bad : 0; k < s->count; k++) {
            struct point *pt = &s->pts[k];
            if (pt->rc != DCPROJ_OK) {
                long idx = base + k, rem = idx;
                fprintf(stderr, "dcproj: sweep point %ld (", idx + 1);
                for (int a = s->n_ax - 1; a >= 0; a--) {
                    fprintf(stderr, "%s%s", a < s->n_ax - 1 ? ", " : "",
                            s->ax[a].set_text[rem % (long)s->ax[a].n]);
                    rem /= (long)s->ax[a].n;
                }
                fprintf(stderr, ") failed:\n");
                c->rc = cli_print_errors(&pt->err);
                for (long j = 0; j < s->count; j++)
                    point_clear(&s->pts[j]);
                free(s->pts);
                s->pts = NULL;
                return c->rc;
            }
            long rem = base + k;
            size_t vi[CLI_MAX_VARY];
            for (int a = s->n_ax - 1; a >= 0; a--) {
                vi[a] = (size_t)(rem % (long)s->ax[a].n);
                rem /= (long)s->ax[a].n;
            }
            for (size_t p = 0; p < pt->n; p++) {
                for (int a = 0; a < s->n_ax; a++) {
                    if (s->ax[a].is_range)
                        dcproj_table_number(&w, s->ax[a].number[vi[a]]);
                    else
                        dcproj_table_text(&w, s->ax[a].label[vi[a]]);
                }
                dcproj_table_text(&w, pt->labels[p]);
                dcproj_table_number(&w, pt->values[p]);
                dcproj_table_end_record(&w);
            }
            point_clear(pt);
        }
    }
    if (!header) /* an empty shard: the header alone */
        put_header(&w, s);
    free(s->pts);
    s->pts = NULL;
    return dcproj_table_finish(&w, err);
}

int cmd_sweep(struct cli_opts *o)
{
    if (o->n_vary == 0)
        return cli_fail(DCPROJ_ERR_USAGE, "sweep needs --vary PATH=A:B:STEP (or PATH=v1,v2,...)\n"
                                          "dcproj: try 'dcproj sweep --help'");
    if (o->fmt.format == DCPROJ_FMT_JSON || o->fmt.format == DCPROJ_FMT_TABLE)
        return cli_fail(DCPROJ_ERR_USAGE, "sweep writes CSV or TSV: use --format csv or tsv");
    struct sweep s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.metric = o->fmt.metric != NULL ? o->fmt.metric : "capacity";
    int rc = 0;
    char *data = NULL, *dir = NULL;
    for (int k = 0; k < o->n_vary && rc == 0; k++, s.n_ax++)
        rc = parse_axis(o->vary[k], &s.ax[k]);
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
    if (c.threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c.threads = n < 1 ? 1 : n > 64 ? 64 : (int)n;
    }
    c.bar = cli_progress_new(o, "sweep");
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    rc = cli_write(o->output, ids, n_ids, write_sweep, &c);
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
