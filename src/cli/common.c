/*
 * common.c — what every command does: load, project, write output safely,
 * print warnings and progress.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_warnings(const struct cli_opts *o, const struct dcproj_warnings *w)
{
    if (w == NULL || w->n == 0)
        return 0;
    struct dcproj_error err;
    dcproj_error_init(&err);
    for (size_t i = 0; i < w->n; i++) {
        const struct dcproj_warning *it = &w->items[i];
        if (o->shown != NULL) {
            if (dcproj_warnings_has(o->shown, it->path, it->message))
                continue;
            (void)dcproj_warnings_add(o->shown, it->file, it->path, "%s", it->message);
        }
        if (o->strict) {
            dcproj_error_set(&err, DCPROJ_ERR_DATA, it->file, it->path, 0, 0,
                             "%s (a warning, an error with --strict)", it->message);
        } else if (!o->quiet) {
            fputs("dcproj: ", stderr);
            if (it->file[0] != '\0')
                fprintf(stderr, "%s: ", it->file);
            if (it->path[0] != '\0')
                fprintf(stderr, "%s: ", it->path);
            fprintf(stderr, "warning: %s\n", it->message);
        }
    }
    if (!o->strict)
        return 0;
    if (err.count > 0)
        cli_print_errors(&err);
    return DCPROJ_ERR_DATA;
}

int cli_load(const struct cli_opts *o, const char *path, struct dcproj_scenario **out)
{
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_load_options lo = o->load;
    lo.patches = o->patches;
    lo.n_patches = o->n_patches;
    int rc = dcproj_scenario_load(path, &lo, out, &err);
    if (rc != DCPROJ_OK)
        return cli_print_errors(&err);
    rc = cli_warnings(o, &(*out)->warnings);
    if (rc != 0) {
        dcproj_scenario_free(*out);
        *out = NULL;
    }
    return rc;
}

int cli_project(const struct cli_opts *o, const char *path, struct dcproj_scenario **sc_out,
                struct dcproj_result **res_out)
{
    struct dcproj_scenario *sc = NULL;
    int rc = cli_load(o, path, &sc);
    if (rc != 0)
        return rc;
    if (o->draws_cap > 0 && sc->draws > o->draws_cap)
        sc->draws = o->draws_cap;
    struct dcproj_run_options ro;
    dcproj_run_options_init(&ro);
    ro.threads = o->threads;
    ro.history = o->history;
    struct cli_progress *bar = cli_progress_new(o, "projecting");
    if (bar != NULL) {
        ro.progress = cli_progress_cb;
        ro.progress_ctx = bar;
    }
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_result *res = NULL;
    /* a chart computes its own P5-P95 bands, whatever the quantiles */
    rc = o->chart != NULL ? dcproj_chart_project(sc, &ro, o->chart, &res, &err)
                          : dcproj_project(sc, &ro, &res, &err);
    cli_progress_end(bar);
    if (rc != DCPROJ_OK) {
        dcproj_scenario_free(sc);
        return cli_print_errors(&err);
    }
    rc = cli_warnings(o, &res->warnings);
    if (rc != 0) {
        dcproj_result_free(res);
        dcproj_scenario_free(sc);
        return rc;
    }
    *sc_out = sc;
    *res_out = res;
    return 0;
}

void cli_name_output(struct dcproj_error *err, const char *path)
{
    int shown = err->count < DCPROJ_ERROR_MAX ? err->count : DCPROJ_ERROR_MAX;
    for (int i = 0; i < shown; i++)
        if (err->items[i].code == DCPROJ_ERR_IO && err->items[i].file[0] == '\0')
            snprintf(err->items[i].file, sizeof err->items[i].file, "%s", path);
}

int cli_write(const char *path, const struct dcproj_file_id *inputs, size_t n_inputs,
              cli_write_fn fn, void *ctx)
{
    struct dcproj_error err;
    dcproj_error_init(&err);
    if (path == NULL || strcmp(path, "-") == 0) {
        int rc = fn(ctx, stdout, &err);
        if (rc == DCPROJ_OK && fflush(stdout) != 0)
            rc = dcproj_error_set(&err, DCPROJ_ERR_IO, "<stdout>", NULL, 0, 0,
                                  "write error: %s", strerror(errno));
        if (rc == DCPROJ_OK && ferror(stdout))
            rc = dcproj_error_set(&err, DCPROJ_ERR_IO, "<stdout>", NULL, 0, 0, "write error");
        cli_name_output(&err, "<stdout>");
        return rc == DCPROJ_OK ? 0 : cli_print_errors(&err);
    }
    struct dcproj_output *out = NULL;
    int rc = dcproj_output_open(path, inputs, n_inputs, &out, &err);
    if (rc != DCPROJ_OK)
        return cli_print_errors(&err);
    rc = fn(ctx, dcproj_output_stream(out), &err);
    if (rc != DCPROJ_OK) {
        dcproj_output_abort(out);
        cli_name_output(&err, path);
        return cli_print_errors(&err);
    }
    rc = dcproj_output_commit(out, &err);
    return rc == DCPROJ_OK ? 0 : cli_print_errors(&err);
}

/* Append the id of `path` to the array (ignored if it cannot be stat'ed). */
static void add_id(struct dcproj_file_id **ids, size_t *n, const char *path)
{
    struct dcproj_file_id id;
    if (path == NULL || strcmp(path, "-") == 0 || dcproj_file_id_of(path, &id) != 0)
        return;
    struct dcproj_file_id *p = realloc(*ids, (*n + 1) * sizeof *p);
    if (p == NULL)
        return;
    p[*n] = id;
    *ids = p;
    (*n)++;
}

struct dcproj_file_id *cli_input_ids(const struct cli_opts *o, size_t *n)
{
    struct dcproj_file_id *ids = NULL;
    *n = 0;
    for (int i = 0; i < o->n_args; i++)
        add_id(&ids, n, o->args[i]);
    for (size_t i = 0; i < o->n_patches; i++)
        if (o->patches[i].kind == DCPROJ_PATCH_FILE)
            add_id(&ids, n, o->patches[i].text);
    add_id(&ids, n, o->expect);
    return ids;
}

void cli_add_scenario_ids(struct dcproj_file_id **ids, size_t *n, const struct dcproj_scenario *sc)
{
    if (sc == NULL || sc->n_files == 0)
        return;
    struct dcproj_file_id *p = realloc(*ids, (*n + sc->n_files) * sizeof *p);
    if (p == NULL)
        return;
    memcpy(p + *n, sc->files, sc->n_files * sizeof *p);
    *ids = p;
    *n += sc->n_files;
}

int cli_check_output(const char *path, const struct dcproj_file_id *inputs, size_t n_inputs)
{
    struct dcproj_file_id id;
    if (path == NULL || strcmp(path, "-") == 0 || dcproj_file_id_of(path, &id) != 0)
        return 0;
    for (size_t i = 0; i < n_inputs; i++)
        if (inputs[i].dev == id.dev && inputs[i].ino == id.ino)
            return cli_fail(DCPROJ_ERR_USAGE, "output %s is also an input", path);
    return 0;
}

int cli_read_file(const char *path, char **data, size_t *len)
{
    struct dcproj_error err;
    dcproj_error_init(&err);
    if (dcproj_file_read(path, data, len, &err) != DCPROJ_OK)
        return cli_print_errors(&err);
    return 0;
}

int cli_render(const struct dcproj_result *res, const struct dcproj_format *fmt, char **text,
               size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    if (mem == NULL)
        return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
    struct dcproj_error err;
    dcproj_error_init(&err);
    int rc = dcproj_report_write(res, fmt, mem, &err);
    if (fclose(mem) != 0 && rc == DCPROJ_OK)
        rc = dcproj_error_set(&err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    if (rc != DCPROJ_OK) {
        free(buf);
        return cli_print_errors(&err);
    }
    *text = buf;
    *len = n;
    return 0;
}

struct cli_progress {
    const char *what;
    struct timespec start;
    struct timespec last;
    int shown;
};

struct cli_progress *cli_progress_new(const struct cli_opts *o, const char *what)
{
    if (o->quiet || !isatty(STDERR_FILENO))
        return NULL;
    struct cli_progress *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->what = what;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
    return p;
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Draw the bar only once a run has taken more than a second, and then at
 * most ten times a second. */
void cli_progress_cb(void *ctx, uint64_t done, uint64_t total)
{
    struct cli_progress *p = ctx;
    if (p == NULL || total == 0)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (seconds_between(&p->start, &now) < 1.0 || (p->shown && seconds_between(&p->last, &now) < 0.1 && done < total))
        return;
    p->last = now;
    p->shown = 1;
    int width = 30;
    int filled = (int)((double)done / (double)total * width);
    if (filled > width)
        filled = width;
    fprintf(stderr, "\r%s [", p->what);
    for (int i = 0; i < width; i++)
        fputc(i < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %3d%%", (int)(100.0 * (double)done / (double)total));
    fflush(stderr);
}

void cli_progress_end(struct cli_progress *p)
{
    if (p == NULL)
        return;
    if (p->shown)
        fputs("\r\033[K", stderr);
    free(p);
}
