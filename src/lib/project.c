/*
 * project.c — dcproj_project(): calibration, the deterministic projection,
 * floors, aggregates (SPEC §3.8), power columns (SPEC §3.7) and, when
 * draws > 0, the Monte Carlo columns.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "numfmt_int.h"
#include "alloc_int.h"

void dcproj_run_options_init(struct dcproj_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

static int nomem(const struct dcproj_scenario *sc, struct dcproj_error *err)
{
    return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
}

/* Whether the Monte Carlo statistics of `metric` are asked for (SPEC §5.2). */
static int has_metric(const struct dcproj_scenario *sc, enum dcproj_metric metric)
{
    for (size_t k = 0; k < sc->n_metrics; k++)
        if (sc->metrics[k] == metric)
            return 1;
    return 0;
}

/* Columns: capacity[, mean, pX...][, it_load_mw, facility_mw, energy_twh]
 * [, M_mean, M_pX... for each other metric M of uncertainty.metrics]. */
static int make_columns(const struct dcproj_scenario *sc, struct dcproj_result *res)
{
    size_t per_metric = 1 + sc->n_quantiles, n_stats = 0;
    if (sc->draws > 0)
        n_stats = sc->n_metrics;
    size_t n = 1 + n_stats * per_metric + (sc->has_power ? 3 : 0);
    res->cols = dcproj_calloc(n, sizeof *res->cols);
    if (res->cols == NULL)
        return -1;
    size_t k = 0;
    snprintf(res->cols[k++], DCPROJ_COL_LEN, "capacity");
    if (sc->draws > 0 && has_metric(sc, DCPROJ_METRIC_CAPACITY)) {
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "mean");
        for (size_t q = 0; q < sc->n_quantiles; q++)
            quantile_column_name(sc->quantiles[q], res->cols[k++], DCPROJ_COL_LEN);
    }
    if (sc->has_power) {
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "it_load_mw");
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "facility_mw");
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "energy_twh");
    }
    for (size_t j = 0; sc->draws > 0 && j < sc->n_metrics; j++) {
        if (sc->metrics[j] == DCPROJ_METRIC_CAPACITY)
            continue;
        const char *name = dcproj_metric_name(sc->metrics[j]);
        snprintf(res->cols[k++], DCPROJ_COL_LEN, "%s_mean", name);
        for (size_t q = 0; q < sc->n_quantiles; q++) {
            char pq[DCPROJ_COL_LEN]; /* "p2.5" in every locale */
            quantile_column_name(sc->quantiles[q], pq, sizeof pq);
            char *col = res->cols[k++];
            size_t ln = strlen(name), lp = strlen(pq);
            if (ln + 1 + lp >= DCPROJ_COL_LEN)
                lp = DCPROJ_COL_LEN - 2 - ln; /* metric names are short: never taken */
            memcpy(col, name, ln);
            col[ln] = '_';
            memcpy(col + ln + 1, pq, lp);
            col[ln + 1 + lp] = '\0';
        }
    }
    res->n_cols = k;
    return 0;
}

static int make_rows(const struct dcproj_scenario *sc, struct dcproj_result *res)
{
    size_t n = sc->n_countries + sc->n_groups + 1;
    res->rows = dcproj_calloc(n, sizeof *res->rows);
    if (res->rows == NULL)
        return -1;
    size_t r = 0;
    for (size_t i = 0; i < sc->n_countries; i++, r++)
        res->rows[r] = (struct dcproj_row){DCPROJ_ROW_COUNTRY, i, sc->countries[i].code,
                                           sc->countries[i].name};
    for (size_t g = 0; g < sc->n_groups; g++, r++)
        res->rows[r] = (struct dcproj_row){DCPROJ_ROW_GROUP, g, sc->groups[g], ""};
    res->rows[r] = (struct dcproj_row){DCPROJ_ROW_TOTAL, 0, "TOTAL", ""};
    res->n_rows = n;
    return 0;
}

/* The §3.6 floor warning "FILE: countries.CODE: capacity below 0 was
 * raised to 0". */
static int add_floor_warning(struct dcproj_result *res, const char *file, const char *code)
{
    char path[DCPROJ_ERROR_PATH_LEN];
    snprintf(path, sizeof path, "countries.%s", code);
    return dcproj_warnings_add(&res->warnings, file, path, "capacity below 0 was raised to 0");
}

/* SPEC §9: a fit parameter whose standard error exceeds its absolute value
 * (the history does not pin it down; the projection may mislead). */
static int add_fit_warnings(struct dcproj_result *res, const struct dcproj_scenario *sc)
{
    const struct dcproj_solution *sol = &res->solution;
    for (size_t i = 0; i < sol->n_fit_params; i++) {
        const struct dcproj_fit_param *q = &sol->fit_params[i];
        if (!q->has_std_error || !(q->std_error > fabs(q->value)))
            continue;
        char path[DCPROJ_ERROR_PATH_LEN];
        snprintf(path, sizeof path, "countries.%s.growth", sc->countries[q->country].code);
        if (dcproj_warnings_add(&res->warnings, sc->file, path,
                                "the fitted %s = %.6g has a standard error of %.6g, larger than "
                                "itself: the history does not determine it",
                                q->name, q->value, q->std_error) != DCPROJ_OK)
            return -1;
    }
    return 0;
}

/* One thread's scratch for projecting countries. */
struct country_scratch {
    double *series;
    double *seg;
    struct event_values *ev;
    struct energy_scratch energy;
};

static void scratch_free(struct country_scratch *cs)
{
    dcproj_free(cs->series);
    dcproj_free(cs->seg);
    dcproj_free(cs->ev);
    dcproj_free(cs->energy.t);
}

static int scratch_init(struct country_scratch *cs, const struct model *m, size_t np)
{
    const struct dcproj_scenario *sc = m->sc;
    size_t max_ev = 0;
    for (size_t i = 0; i < sc->n_countries; i++)
        if (model_n_events(m, i) > max_ev)
            max_ev = model_n_events(m, i);
    memset(cs, 0, sizeof *cs);
    cs->series = dcproj_malloc((np > 0 ? np : 1) * sizeof *cs->series);
    cs->seg = dcproj_malloc((m->max_segments > 0 ? m->max_segments : 1) * sizeof *cs->seg);
    cs->ev = dcproj_malloc((max_ev > 0 ? max_ev : 1) * sizeof *cs->ev);
    if (cs->series == NULL || cs->seg == NULL || cs->ev == NULL) {
        scratch_free(cs);
        return -1;
    }
    return 0;
}

/* What projecting the countries needs, shared read-only by the threads. */
struct country_job {
    const struct model *m;
    const double *vars;
    struct dcproj_result *res;
    unsigned char *floored;
    const int *e;               /* period ends in months */
    long c_it;                  /* the it_load_mw column, or -1 */
    const unsigned char *keep;  /* keep[i]: copy country i's rows from `from` */
    const struct dcproj_result *from;
};

/* Country i's rows of the result: capacity and power columns per period. */
static int project_country(const struct country_job *j, size_t i, struct country_scratch *cs,
                           struct dcproj_error *err)
{
    const struct model *m = j->m;
    struct dcproj_result *res = j->res;
    size_t np = res->n_periods, nc = res->n_cols;
    if (j->keep != NULL && j->keep[i]) {
        memcpy(&res->values[i * np * nc], &j->from->values[i * np * nc], np * nc * sizeof(double));
        return DCPROJ_OK;
    }
    struct country_values cv = {.seg_rates = cs->seg};
    struct power_values pv;
    int fl = 0;
    int rc = model_country_values(m, i, j->vars, &cv, err);
    if (rc == DCPROJ_OK)
        rc = model_event_values(m, i, j->vars, cs->ev, err);
    if (rc == DCPROJ_OK)
        rc = model_country_series(m, i, &cv, cs->ev, j->e, res->periods, np, cs->series, &fl, err);
    if (rc == DCPROJ_OK && j->c_it >= 0)
        rc = model_power_values(m, i, j->vars, &pv, err);
    if (rc != DCPROJ_OK)
        return rc;
    if (fl)
        j->floored[i] = 1;
    /* the power columns (SPEC §3.7): it_load_mw = C(e)·u(e) and facility_mw
       = it_load_mw·pue(e) at the period end, energy_twh the energy used
       during the period (empty, NaN, on the first row, which ends at t = 0) */
    double *row = &res->values[i * np * nc];
    int B = m->sc->baseline_year;
    for (size_t p = 0; p < np; p++) {
        double *cell = row + p * nc;
        cell[0] = cs->series[p];
        if (j->c_it >= 0)
            model_power_at(&pv, B, (double)j->e[p] / 12.0, cs->series[p], &cell[j->c_it],
                           &cell[j->c_it + 1]);
    }
    if (j->c_it >= 0) {
        row[j->c_it + 2] = NAN;
        if (model_energy_series(m, i, &cv, cs->ev, &pv, j->e, np, cs->series, &cs->energy,
                                row + j->c_it + 2, nc) != DCPROJ_OK)
            return nomem(m->sc, err);
    }
    return DCPROJ_OK;
}

/* Countries are projected by threads in chunks of this many when the
 * table has PROJECT_PAR_CELLS cells or more (job (a): 725,000). */
#define PROJECT_CHUNK 64
#define PROJECT_PAR_CELLS 65536u

struct country_worker {
    const struct country_job *job;
    _Atomic size_t *next;       /* the next chunk */
    struct country_scratch cs;
    struct dcproj_error err;
    size_t failed_at;           /* the country that failed here (the worker stops), or SIZE_MAX */
    int rc;
    pthread_t thread;
};

static void *country_worker_main(void *arg)
{
    struct country_worker *w = arg;
    size_t n = w->job->m->sc->n_countries;
    for (;;) {
        size_t c = atomic_fetch_add(w->next, 1);
        size_t i0 = c * PROJECT_CHUNK;
        if (i0 >= n)
            break;
        for (size_t i = i0; i < n && i < i0 + PROJECT_CHUNK; i++) {
            int rc = project_country(w->job, i, &w->cs, &w->err);
            if (rc != DCPROJ_OK) {
                w->rc = rc;
                w->failed_at = i;
                return NULL; /* later chunks cannot hold an earlier failure */
            }
        }
    }
    return NULL;
}

/* Project the countries with `nthreads` threads; the error is that of the
 * first failing country in file order, as one thread would report it. */
static int project_countries_parallel(const struct country_job *job, int nthreads,
                                      struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = job->m->sc;
    size_t np = job->res->n_periods;
    struct country_worker *ws = dcproj_calloc((size_t)nthreads, sizeof *ws);
    if (ws == NULL)
        return nomem(sc, err);
    _Atomic size_t next = 0;
    int made = 0, rc = DCPROJ_OK;
    for (; made < nthreads; made++) {
        ws[made].job = job;
        ws[made].next = &next;
        ws[made].failed_at = SIZE_MAX;
        dcproj_error_init(&ws[made].err);
        if (scratch_init(&ws[made].cs, job->m, np) != 0) {
            rc = nomem(sc, err);
            break;
        }
    }
    int started = 0;
    if (rc == DCPROJ_OK) {
        /* worker 0 is this thread */
        for (started = 1; started < nthreads; started++)
            if (pthread_create(&ws[started].thread, NULL, country_worker_main, &ws[started]) != 0)
                break;
        country_worker_main(&ws[0]);
        for (int t = 1; t < started; t++)
            pthread_join(ws[t].thread, NULL);
        int first = -1;
        for (int t = 0; t < started; t++)
            if (ws[t].rc != DCPROJ_OK && (first < 0 || ws[t].failed_at < ws[first].failed_at))
                first = t;
        if (first >= 0) {
            rc = ws[first].rc;
            dcproj_error_merge(err, &ws[first].err);
        }
    }
    for (int t = 0; t < made; t++)
        scratch_free(&ws[t].cs);
    dcproj_free(ws);
    return rc;
}

/* Groups and TOTAL: every country's columns added in file order (SPEC
 * §3.8), each aggregate cell starting from 0. */
static void sum_aggregates(const struct dcproj_scenario *sc, struct dcproj_result *res, long c_it)
{
    size_t np = res->n_periods, nc = res->n_cols;
    size_t total_row = sc->n_countries + sc->n_groups;
    for (size_t i = 0; i < sc->n_countries; i++) {
        const struct dcproj_country *c = &sc->countries[i];
        for (size_t p = 0; p < np; p++) {
            const double *cell = &res->values[(i * np + p) * nc];
            double *tot = &res->values[(total_row * np + p) * nc];
            tot[0] += cell[0];
            if (c_it >= 0)
                for (int k = 0; k < 3; k++)
                    tot[c_it + k] += cell[c_it + k];
            for (size_t gi = 0; gi < c->n_groups; gi++) {
                double *g = &res->values[((sc->n_countries + c->groups[gi]) * np + p) * nc];
                g[0] += cell[0];
                if (c_it >= 0)
                    for (int k = 0; k < 3; k++)
                        g[c_it + k] += cell[c_it + k];
            }
        }
    }
}

/* The deterministic capacity of every country, summed into groups and
 * TOTAL in file order (SPEC §3.8), plus the power columns (SPEC §3.7).
 * The aggregate rows must be 0.  Countries are independent, so large
 * tables project them in `threads` threads (0: all cores); the sums come
 * after, in file order, so the bytes never depend on the threads.  With
 * `keep`, country i's rows with keep[i] set are copied from `from` (same
 * layout) instead of projected. */
static int project_deterministic(const struct model *m, const double *vars,
                                 struct dcproj_result *res, unsigned char *floored, int threads,
                                 const unsigned char *keep, const struct dcproj_result *from,
                                 struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    size_t np = res->n_periods;
    int *e = dcproj_malloc((np > 0 ? np : 1) * sizeof *e);
    if (e == NULL)
        return nomem(sc, err);
    for (size_t p = 0; p < np; p++)
        e[p] = res->periods[p].end_months;
    struct country_job job = {m, vars, res, floored, e,
                              dcproj_result_find_col(res, "it_load_mw"), keep, from};
    int rc = DCPROJ_OK;
    int nthreads = dcproj_threads_resolve(threads);
    size_t chunks = (sc->n_countries + PROJECT_CHUNK - 1) / PROJECT_CHUNK;
    if ((size_t)nthreads > chunks)
        nthreads = (int)chunks;
    if (nthreads > 1 && sc->n_countries * np * res->n_cols >= PROJECT_PAR_CELLS) {
        rc = project_countries_parallel(&job, nthreads, err);
    } else {
        struct country_scratch cs;
        if (scratch_init(&cs, m, np) != 0) {
            rc = nomem(sc, err);
        } else {
            for (size_t i = 0; i < sc->n_countries && rc == DCPROJ_OK; i++)
                rc = project_country(&job, i, &cs, err);
            scratch_free(&cs);
        }
    }
    if (rc == DCPROJ_OK)
        sum_aggregates(sc, res, job.c_it);
    dcproj_free(e);
    return rc;
}

/* SPEC §3.6: a non-finite value anywhere is a data error.  Countries'
 * capacities are checked as they are computed (model.c); this catches what
 * is derived from finite capacities — an aggregate whose sum overflows,
 * power and energy columns, Monte Carlo statistics — naming the first
 * such cell's row, column and period. */
static int check_finite(const struct dcproj_result *res, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = res->scenario;
    /* which columns are energy (the first 64; later ones are asked by name) */
    uint64_t energy = 0;
    for (size_t k = 0; k < res->n_cols && k < 64; k++)
        if (dcproj_col_is_energy(res->cols[k]))
            energy |= UINT64_C(1) << k;
    const double *cell = res->values; /* rows, then periods, then columns */
    for (size_t r = 0; r < res->n_rows; r++) {
        for (size_t p = 0; p < res->n_periods; p++, cell += res->n_cols) {
            for (size_t k = 0; k < res->n_cols; k++) {
                double v = cell[k];
                if (isfinite(v))
                    continue;
                if (p == 0 && isnan(v) &&
                    (k < 64 ? (int)((energy >> k) & 1) : dcproj_col_is_energy(res->cols[k])))
                    continue; /* the first row's energy is empty */
                const struct dcproj_row *row = &res->rows[r];
                const char *what = isnan(v) ? "nan" : "inf";
                if (row->kind == DCPROJ_ROW_COUNTRY) {
                    char path[DCPROJ_ID_LEN + 16];
                    snprintf(path, sizeof path, "countries.%s", row->code);
                    return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                            "%s in %s is not a finite number (%s)", res->cols[k],
                                            res->periods[p].label, what);
                }
                return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                        "%s%s: %s in %s is not a finite number (%s): the sum "
                                        "of its countries overflows",
                                        row->kind == DCPROJ_ROW_GROUP ? "group " : "", row->code,
                                        res->cols[k], res->periods[p].label, what);
            }
        }
    }
    return DCPROJ_OK;
}

int dcproj_project(const struct dcproj_scenario *sc, const struct dcproj_run_options *opt,
                   struct dcproj_result **out, struct dcproj_error *err)
{
    struct dcproj_run_options defaults;
    if (opt == NULL) {
        dcproj_run_options_init(&defaults);
        opt = &defaults;
    }
    struct dcproj_result *res = dcproj_calloc(1, sizeof *res);
    if (res == NULL)
        return nomem(sc, err);
    res->scenario = sc;
    res->draws = sc->draws;
    res->seed = sc->seed;
    res->exact_quantiles = 1;

    struct model m;
    unsigned char *floored = NULL;
    int rc = model_init(&m, sc, err);
    if (rc != DCPROJ_OK) {
        dcproj_result_free(res);
        return rc;
    }
    rc = model_solve(&m, &res->solution, err);
    if (rc == DCPROJ_OK)
        rc = model_fit_solution(&m, &res->solution, err);
    if (rc != DCPROJ_OK)
        goto fail;
    /* the solve's diagnostics join the result's warnings (one list) */
    res->warnings = res->solution.warnings;
    res->solution.warnings = (struct dcproj_warnings){0, NULL};
    const double *vars = res->solution.variables;

    if (model_periods(sc->baseline_year, sc->horizon, sc->step, &res->periods, &res->n_periods) != DCPROJ_OK ||
        make_rows(sc, res) != 0 || make_columns(sc, res) != 0) {
        rc = nomem(sc, err);
        goto fail;
    }
    size_t cells = res->n_rows * res->n_periods;
    if (cells > SIZE_MAX / sizeof(double) / res->n_cols ||
        (res->values = dcproj_calloc(cells * res->n_cols, sizeof(double))) == NULL ||
        (floored = dcproj_calloc(sc->n_countries + 1, 1)) == NULL) {
        rc = nomem(sc, err);
        goto fail;
    }
    rc = project_deterministic(&m, vars, res, floored, opt->threads, NULL, NULL, err);
    if (rc != DCPROJ_OK)
        goto fail;
    if (sc->draws > 0) {
        /* one run of the same draws per metric (SPEC §5.2 `metrics`) */
        for (size_t j = 0; j < sc->n_metrics && rc == DCPROJ_OK; j++) {
            enum dcproj_metric metric = sc->metrics[j];
            char first[DCPROJ_COL_LEN];
            snprintf(first, sizeof first, "%s%s", metric == DCPROJ_METRIC_CAPACITY ? "" : dcproj_metric_name(metric),
                     metric == DCPROJ_METRIC_CAPACITY ? "mean" : "_mean");
            long col = dcproj_result_find_col(res, first);
            rc = montecarlo_fill_metric(&m, vars, opt, res, metric, (size_t)col, floored, NULL, err);
        }
        if (rc != DCPROJ_OK)
            goto fail;
    }
    rc = check_finite(res, err);
    if (rc != DCPROJ_OK)
        goto fail;
    if (add_fit_warnings(res, sc) != 0) {
        rc = nomem(sc, err);
        goto fail;
    }
    if (opt->history && (rc = project_add_history(&m, vars, res, err)) != DCPROJ_OK)
        goto fail;
    for (size_t i = 0; i < sc->n_countries; i++) {
        if (floored[i] && add_floor_warning(res, sc->file, sc->countries[i].code) != 0) {
            rc = nomem(sc, err);
            goto fail;
        }
    }
    dcproj_free(floored);
    model_clear(&m);
    *out = res;
    return DCPROJ_OK;
fail:
    dcproj_free(floored);
    model_clear(&m);
    dcproj_result_free(res);
    return rc;
}

int project_fill(const struct model *m, const double *vars, struct dcproj_result *res,
                 unsigned char *floored, const unsigned char *keep,
                 const struct dcproj_result *from, struct dcproj_error *err)
{
    int rc = project_deterministic(m, vars, res, floored, 1, keep, from, err);
    if (rc != DCPROJ_OK)
        return rc;
    return check_finite(res, err);
}
