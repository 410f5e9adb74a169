/*
 * mc_draw.c — Monte Carlo uncertainty (SPEC §5): seeding, drawing, the
 * worker threads and the storage of draws; exact order statistics are in
 * mc_quantile.c.
 *
 * Draws are cut into blocks of MC_BLOCK draws; block b's generator is a
 * gsl_rng_mt19937 seeded with SplitMix64(seed, b), so every draw is the
 * same whatever the number of threads.  Each draw samples every
 * distribution of every country independently, each event's occurrence and
 * delay, projects every country (floored), and sums groups and TOTAL per
 * draw.  Means are summed per block and the block sums added in block
 * order; quantiles are exact (order statistics selected in memory,
 * interpolated as gsl_stats_quantile_from_sorted_data does) while the store
 * of draws x cells fits the memory bound, else estimated with GSL's P²
 * algorithm (gsl_rstat_quantile) fed in draw order.
 *
 * In exact mode a country whose values are a non-decreasing function of a
 * single drawn parameter (a compound rate, a linear per_year, or the
 * baseline, with every other input of the country deterministic) keeps
 * only that parameter per draw: the k-th smallest value of a period is the
 * value at the k-th smallest parameter, so its quantiles are the series
 * evaluated at the selected parameters.  A country with no random input at
 * all keeps nothing.  Aggregates and every other country keep their values
 * per cell.  The draws, means and output bytes are those of storing every
 * cell (doc/montecarlo.md).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_rstat.h>

#include "dcproj/report.h"
#include "model_int.h"
#include "mc_int.h"
#include "alloc_int.h"

#define MC_BLOCK 256                          /* draws per generator block */
#define MC_BLOCK_BUFFER_CELLS 4096                /* cells x 256 x 8 B = 8 MiB at most */
#define MC_DEFAULT_MEMORY ((size_t)1 << 30)   /* exact-quantile store bound: 1 GiB */
#define MC_LINE 64                            /* cache line bytes */

/* n bytes rounded up to whole cache lines. */
static size_t whole_lines(size_t n)
{
    return (n + MC_LINE - 1) / MC_LINE * MC_LINE;
}

/* `bytes` (whole lines) starting on a line boundary, in an allocation of
 * their own (*base, to free): a worker's scratch never shares a cache line
 * with anything another thread writes.  (With its small buffers allocated
 * one after the other, one thread's writes kept invalidating the line of
 * the other thread's generator state: 30 % more CPU with two threads.) */
static void *lines_alloc(size_t bytes, void **base)
{
    *base = dcproj_malloc(bytes + MC_LINE);
    if (*base == NULL)
        return NULL;
    return (void *)(((uintptr_t)*base + MC_LINE - 1) & ~(uintptr_t)(MC_LINE - 1));
}

/* SplitMix64 finaliser: decorrelates (seed, block) so neighbouring seeds
 * and blocks never share a generator stream. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

unsigned long mc_stream_seed(uint64_t seed, uint64_t block, uint64_t stream)
{
    uint64_t s = splitmix64(splitmix64(seed) ^ splitmix64(block + 0x632BE59BD9B4E019ULL));
    if (stream != 0) /* stream 0 is v1's block generator, unchanged */
        s = splitmix64(s ^ splitmix64(stream + 0xD1B54A32D192ED03ULL));
    /* mt19937 takes an unsigned long seed; 0 is mapped to its default by GSL,
     * so avoid it */
    return (unsigned long)(s ? s : 0x5851F42D4C957F2DULL);
}

/* Draw one value of `p` (SPEC §5.1).  Normal and lognormal draws are
 * clamped into [lo, hi]; bounded distributions were checked to lie inside
 * by the loader.  A reference to a shared uncertain variable (uncertain[var])
 * is clamped too (SPEC §5.2). */
static double draw_param(const struct dcproj_param *p, const double *vars, gsl_rng *r, double lo,
                         double hi, const unsigned char *uncertain)
{
    double a, b, c, x;
    switch (p->dist) {
    case DCPROJ_DIST_NONE:
        x = value_at(&p->v, vars);
        if (p->v.var < 0 || !uncertain[p->v.var])
            return x;
        break;
    case DCPROJ_DIST_NORMAL:
        x = value_at(&p->f[0], vars) + gsl_ran_gaussian_ziggurat(r, value_at(&p->f[1], vars));
        break;
    case DCPROJ_DIST_LOGNORMAL: {
        double m = value_at(&p->f[0], vars), s = value_at(&p->f[1], vars);
        double s2 = log1p((s * s) / (m * m));
        x = gsl_ran_lognormal(r, log(m) - s2 / 2.0, sqrt(s2));
        break;
    }
    case DCPROJ_DIST_UNIFORM:
        return gsl_ran_flat(r, value_at(&p->f[0], vars), value_at(&p->f[1], vars));
    case DCPROJ_DIST_TRIANGULAR: /* by its inverse CDF: the one formula, in model.c */
        return param_quantile(p, vars, gsl_rng_uniform(r));
    case DCPROJ_DIST_PERT: {
        a = value_at(&p->f[0], vars);
        c = value_at(&p->f[1], vars);
        b = value_at(&p->f[2], vars);
        double alpha = 1.0 + 4.0 * (c - a) / (b - a), beta = 1.0 + 4.0 * (b - c) / (b - a);
        return a + (b - a) * gsl_ran_beta(r, alpha, beta);
    }
    default:
        return NAN;
    }
    if (x < lo)
        x = lo;
    if (x > hi)
        x = hi;
    return x;
}

/* How a country's draws are kept in exact mode. */
enum mc_kind {
    MC_FULL = 0,            /* every period's value, per draw */
    MC_CONST,               /* nothing: no random input, every draw is the same */
    MC_KEY_RATE,            /* the drawn compound rate (one rate, C0 >= 0) */
    MC_KEY_PER_YEAR,        /* the drawn linear per_year */
    MC_KEY_BASELINE         /* the drawn baseline (compound or linear growth) */
};

/* Shared, read-only state of one Monte Carlo run plus the work queue. */
struct mc {
    const struct model *m;
    enum dcproj_metric metric; /* what the statistics are of (SPEC §5.2 `metrics`) */
    const double *vars;
    struct site_list sites; /* draw sites, in draw order (mc_sites.c) */
    struct mc_corr corr;    /* the Gaussian copula; corr.k == 0 without correlation */
    unsigned char *uncertain; /* [n_variables]: a shared uncertain variable */
    const struct dcproj_result *res;
    size_t np, nrows, ncells;
    int *e_months;
    uint64_t draws, n_blocks;
    double *store;          /* exact mode: store[slot * draws + d] */
    size_t nslots;          /* stored series of draws */
    size_t *slot;           /* [ncells]: slot of a cell kept per draw, or NO_SLOT */
    unsigned char *kind;    /* [n_countries]: enum mc_kind */
    size_t *key_slot;       /* [n_countries]: slot of a KEY country's parameter */
    size_t *slot_cell;      /* [nslots]: the cell of a slot, or NO_SLOT for a key */
    size_t *slot_country;   /* [nslots]: the country of a key slot */
    double *block_sums;     /* [n_blocks][ncells] partial sums per block (exact mode) */
    /* streaming mode: a round computes blocks [round_first, round_first + round_n)
       into round_buf[(b - round_first) * ncells * MC_BLOCK + cell * MC_BLOCK + k] */
    double *round_buf;
    uint64_t round_first, round_n;
    /* written by the workers: a line of their own, away from what they read */
    _Alignas(MC_LINE) atomic_uint_fast64_t next_block;
    atomic_uint_fast64_t done_blocks;
    atomic_int stop;        /* set by a worker that failed */
    atomic_uint_fast64_t next_slot; /* quantile phase: next slot to do */
    _Alignas(MC_LINE) char written_end;
    size_t max_ev;
    /* progress when the calling thread runs the blocks itself */
    const struct dcproj_run_options *opt;
    uint64_t progress_base;
    int inline_run;
};

/* Per-thread scratch and outcome. */
struct worker {
    struct mc *mc;
    pthread_t thread;
    double *seg, *series, *agg;
    struct event_values *ev;
    gsl_rng *rng;
    gsl_rng *rng2;          /* the copula's ε (corr.k > 0) */
    double *vars;           /* this draw's variable values (shared variables drawn) */
    double *eps, *z;        /* corr.k normal scores: independent, correlated */
    unsigned char *floored;
    double *bsum;           /* exact mode: this block's sums per cell, in draw order */
    void *scratch_base, *exact_base; /* the allocations holding the buffers */
    double *block;          /* exact mode, when small enough: one block's draws,
                               block[cell * MC_BLOCK + k], copied to the store
                               cell by cell (contiguous writes, not one stride
                               of `draws` doubles per value) */
    struct power_values pv; /* the country's drawn pue and utilization (SPEC §3.7) */
    struct energy_scratch escratch;
    int rc;
    uint64_t err_block;     /* block of the first error (for a deterministic message) */
    struct dcproj_error err;
};

/* Draw the parameter of the next site (*site counts the distributions
 * drawn): its v1 variates are always taken from the block's generator; a
 * correlated site then replaces the value by its inverse CDF at its
 * correlated normal score (SPEC §5.3), clamped into [lo, hi] (§5.1). */
static double site_draw(struct worker *w, size_t *site, const struct dcproj_param *p, double lo,
                        double hi)
{
    const struct mc *mc = w->mc;
    double x = draw_param(p, w->vars, w->rng, lo, hi, mc->uncertain);
    if (p->dist == DCPROJ_DIST_NONE)
        return x;
    long ci = mc->corr.k > 0 ? mc->corr.index[*site] : -1;
    (*site)++;
    if (ci < 0)
        return x;
    x = param_quantile_z(p, w->vars, w->z[ci]);
    return x < lo ? lo : x > hi ? hi : x;
}

/* Draw the shared uncertain variables of this draw into w->vars (SPEC §5.2:
 * before every country, in site order).  Their values are not clamped; the
 * parameters referencing them are. */
static void shared_draw(struct worker *w)
{
    const struct mc *mc = w->mc;
    const struct site_list *sl = &mc->sites;
    if (mc->corr.k > 0) {
        for (size_t j = 0; j < mc->corr.k; j++)
            w->eps[j] = gsl_ran_ugaussian(w->rng2);
        corr_scores(&mc->corr, w->eps, w->z);
    }
    for (size_t s = 0; s < sl->n_shared;) {
        const struct dcproj_site *site = &sl->s[s];
        w->vars[site->variable] = site_draw(w, &s, site->param, -INFINITY, INFINITY);
    }
}

/* Draw country i's parameters into *cv and its events into w->ev, in the
 * order SPEC §5.2 fixes for the generator stream: the order of
 * sites_build() (mc_sites.c), which lists these draw sites. */
static int country_draw(struct worker *w, size_t i, struct country_values *cv)
{
    struct mc *mc = w->mc;
    const struct model *m = mc->m;
    const struct dcproj_country *c = &m->sc->countries[i];
    const struct dcproj_growth *g = &c->growth;
    size_t site = mc->sites.country_start[i];
    *cv = (struct country_values){.seg_rates = w->seg};
    if (c->has_baseline) {
        cv->c0 = site_draw(w, &site, &c->baseline, 0.0, INFINITY);
    } else {
        int rc = model_country_values(m, i, w->vars, cv, &w->err);
        if (rc != DCPROJ_OK)
            return rc;
    }
    switch (g->model) {
    case DCPROJ_MODEL_COMPOUND:
        if (g->n_segments == 0)
            cv->rate = site_draw(w, &site, &g->rate, -0.999999, INFINITY);
        for (size_t k = 0; k < g->n_segments; k++)
            cv->seg_rates[k] = site_draw(w, &site, &g->segments[k].rate, -0.999999, INFINITY);
        break;
    case DCPROJ_MODEL_LINEAR:
        cv->per_year = site_draw(w, &site, &g->per_year, -INFINITY, INFINITY);
        break;
    case DCPROJ_MODEL_LOGISTIC:
        cv->cap = site_draw(w, &site, &g->cap, cv->c0 * (1.0 + 1e-9), INFINITY);
        cv->rate = site_draw(w, &site, &g->rate, 1e-9, INFINITY);
        break;
    case DCPROJ_MODEL_POINTS:
    case DCPROJ_MODEL_FIT:  /* θ̂ from model_country_values(); drawn below */
        break;
    }
    for (size_t k = m->ev_start[i]; k < m->ev_start[i + 1]; k++) {
        const struct dcproj_event *e = &m->sc->events[m->ev_index[k]];
        struct event_values *x = &w->ev[k - m->ev_start[i]];
        double add = site_draw(w, &site, &e->add, -INFINITY, INFINITY);
        double prob = site_draw(w, &site, &e->probability, 0.0, 1.0);
        double delay = site_draw(w, &site, &e->delay_months, 0.0, INFINITY);
        int occurs = prob >= 1.0 || gsl_rng_uniform(w->rng) < prob;
        x->add = occurs ? add : 0.0;
        x->start_months = e->start_months + delay;
        x->ramp_months = e->ramp_months;
    }
    if (m->sc->has_power) {
        /* pue, then utilization: the country's last sites; clamped (SPEC §5.1) */
        w->pv.pue = (struct power_curve){c->pue.is_curve ? &c->pue : NULL, 0};
        w->pv.util = (struct power_curve){c->utilization.is_curve ? &c->utilization : NULL, 0};
        if (!c->pue.is_curve)
            w->pv.pue.value = site_draw(w, &site, &c->pue.param, 1.0, INFINITY);
        if (!c->utilization.is_curve)
            w->pv.util.value = site_draw(w, &site, &c->utilization.param, 1e-9, 1.0);
    }
    if (g->model == DCPROJ_MODEL_FIT && m->fits[i].n_eps > 0) {
        /* SPEC §3 model 5: θ = θ̂ + L·ε, ε drawn after the country's own sites */
        const struct country_fit *f = &m->fits[i];
        double eps[FIT_MAX_PARAMS], theta[FIT_MAX_PARAMS];
        for (size_t k = 0; k < f->n_eps; k++)
            eps[k] = gsl_ran_ugaussian(w->rng);
        fit_draw(&f->est, f->anchored, f->c0, f->L, f->n_eps, eps, theta);
        model_fit_values(g->fit_curve, theta, cv);
    }
    return DCPROJ_OK;
}

/* Turn country i's capacity series (period ends) into the series of the
 * run's metric: it_load_mw = C·u, facility_mw = (C·u)·pue at the period end,
 * energy_twh = the energy used during the period (0 for the first row, whose
 * statistics are left empty). */
static int metric_series(struct worker *w, size_t i, const struct country_values *cv,
                         double *series)
{
    struct mc *mc = w->mc;
    int B = mc->m->sc->baseline_year;
    for (size_t p = mc->np; p-- > 0;) {
        double t = (double)mc->e_months[p] / 12.0;
        switch (mc->metric) {
        case DCPROJ_METRIC_CAPACITY:
            break;
        case DCPROJ_METRIC_IT_LOAD:
            model_power_at(&w->pv, B, t, series[p], &series[p], NULL);
            break;
        case DCPROJ_METRIC_FACILITY:
            model_power_at(&w->pv, B, t, series[p], NULL, &series[p]);
            break;
        case DCPROJ_METRIC_ENERGY:
            series[p] = 0.0;
            if (p > 0 && model_energy(mc->m, i, cv, w->ev, &w->pv, (double)mc->e_months[p - 1] / 12.0,
                                      t, &w->escratch, &series[p]) != DCPROJ_OK)
                return dcproj_error_set(&w->err, DCPROJ_ERR_NOMEM, mc->m->sc->file, NULL, 0, 0,
                                        "out of memory");
            break;
        }
    }
    return DCPROJ_OK;
}

/* The drawn parameter a KEY country keeps. */
static double *key_of(struct country_values *cv, int kind)
{
    return kind == MC_KEY_RATE ? &cv->rate : kind == MC_KEY_PER_YEAR ? &cv->per_year : &cv->c0;
}

/* Project one draw: the kept values into out[slot * stride], and each cell's
 * value added to w->bsum (exact mode). */
static int one_draw(struct worker *w, double *out, size_t stride)
{
    struct mc *mc = w->mc;
    const struct model *m = mc->m;
    const struct dcproj_scenario *sc = m->sc;
    size_t np = mc->np, nc = sc->n_countries, ng = sc->n_groups;
    double *bsum = w->bsum;
    memset(w->agg, 0, (ng + 1) * np * sizeof *w->agg);
    shared_draw(w);
    for (size_t i = 0; i < nc; i++) {
        const struct dcproj_country *c = &sc->countries[i];
        struct country_values cv;
        int rc = country_draw(w, i, &cv);
        if (rc != DCPROJ_OK)
            return rc;
        int fl = 0;
        rc = model_country_series(m, i, &cv, w->ev, mc->e_months, mc->res->periods, np, w->series,
                                  &fl, &w->err);
        if (rc == DCPROJ_OK && mc->metric != DCPROJ_METRIC_CAPACITY)
            rc = metric_series(w, i, &cv, w->series);
        if (rc != DCPROJ_OK)
            return rc;
        if (fl)
            w->floored[i] = 1;
        int kind = mc->kind[i];
        if (kind == MC_FULL) {
            for (size_t p = 0; p < np; p++)
                out[mc->slot[i * np + p] * stride] = w->series[p];
        } else if (kind != MC_CONST) {
            out[mc->key_slot[i] * stride] = *key_of(&cv, kind);
        }
        double *tot = w->agg + ng * np;
        const double *series = w->series;
        if (bsum != NULL) {
            double *cs = bsum + i * np;
            for (size_t p = 0; p < np; p++) {
                cs[p] += series[p];
                tot[p] += series[p];
            }
        } else {
            for (size_t p = 0; p < np; p++)
                tot[p] += series[p];
        }
        for (size_t gi = 0; gi < c->n_groups; gi++) {
            double *g = w->agg + c->groups[gi] * np;
            for (size_t p = 0; p < np; p++)
                g[p] += series[p];
        }
    }
    for (size_t r = 0; r < (ng + 1) * np; r++) {
        out[mc->slot[nc * np + r] * stride] = w->agg[r];
        if (bsum != NULL)
            bsum[nc * np + r] += w->agg[r];
    }
    return DCPROJ_OK;
}

/* Compute block b: into the exact store (and its partial sums) or into the
 * round buffer. */
static int run_block(struct worker *w, uint64_t b)
{
    struct mc *mc = w->mc;
    gsl_rng_set(w->rng, mc_stream_seed(mc->m->sc->seed, b, 0));
    if (mc->corr.k > 0)
        gsl_rng_set(w->rng2, mc_stream_seed(mc->m->sc->seed, b, 1));
    uint64_t first = b * MC_BLOCK;
    uint64_t n = mc->draws - first < MC_BLOCK ? mc->draws - first : MC_BLOCK;
    int buffered = w->block != NULL && mc->store != NULL;
    if (w->bsum != NULL)
        memset(w->bsum, 0, mc->ncells * sizeof *w->bsum);
    for (uint64_t k = 0; k < n; k++) {
        int rc;
        if (buffered)
            rc = one_draw(w, w->block + k, MC_BLOCK);
        else if (mc->store != NULL)
            rc = one_draw(w, mc->store + first + k, mc->draws);
        else
            rc = one_draw(w, mc->round_buf + (b - mc->round_first) * mc->ncells * MC_BLOCK + k, MC_BLOCK);
        if (rc != DCPROJ_OK)
            return rc;
    }
    if (buffered) {
        for (size_t s = 0; s < mc->nslots; s++)
            memcpy(mc->store + s * mc->draws + first, w->block + s * MC_BLOCK, n * sizeof(double));
    }
    if (w->bsum != NULL)
        memcpy(mc->block_sums + b * mc->ncells, w->bsum, mc->ncells * sizeof *w->bsum);
    return DCPROJ_OK;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct mc *mc = w->mc;
    uint64_t end = mc->store != NULL ? mc->n_blocks : mc->round_first + mc->round_n;
    for (;;) {
        uint64_t b = atomic_fetch_add(&mc->next_block, 1);
        if (b >= end || atomic_load(&mc->stop))
            break;
        int rc = run_block(w, b);
        if (rc != DCPROJ_OK) {
            w->rc = rc;
            w->err_block = b;
            atomic_store(&mc->stop, 1);
        }
        uint64_t done = atomic_fetch_add(&mc->done_blocks, 1) + 1;
        if (mc->inline_run && mc->opt->progress != NULL)
            mc->opt->progress(mc->opt->progress_ctx, (mc->progress_base + done) * MC_BLOCK, mc->draws);
    }
    return NULL;
}

/* Run the workers over the queued blocks, reporting progress from this
 * thread.  Returns the status of the lowest failing block. */
static int run_workers(struct mc *mc, struct worker *ws, int nthreads,
                       const struct dcproj_run_options *opt, uint64_t progress_base,
                       struct dcproj_error *err)
{
    int started = 0;
    mc->opt = opt;
    mc->progress_base = progress_base;
    atomic_store(&mc->stop, 0);
    for (int t = 0; t < nthreads; t++) {
        ws[t].rc = DCPROJ_OK;
        if (nthreads == 1 || pthread_create(&ws[t].thread, NULL, worker_main, &ws[t]) != 0)
            break;
        started++;
    }
    if (started == 0) {
        /* one thread: run the blocks here (progress from this thread) */
        mc->inline_run = 1;
        worker_main(&ws[0]);
        mc->inline_run = 0;
    } else {
        if (opt->progress != NULL) {
            uint64_t target = mc->store != NULL ? mc->n_blocks : mc->round_n;
            while (atomic_load(&mc->done_blocks) < target && !atomic_load(&mc->stop)) {
                opt->progress(opt->progress_ctx, (progress_base + atomic_load(&mc->done_blocks)) * MC_BLOCK,
                              mc->draws);
                struct timespec ts = {0, 100 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
        for (int t = 0; t < started; t++)
            pthread_join(ws[t].thread, NULL);
    }
    int best = -1;
    for (int t = 0; t < nthreads; t++)
        if (ws[t].rc != DCPROJ_OK && (best < 0 || ws[t].err_block < ws[best].err_block))
            best = t;
    if (best >= 0) {
        dcproj_error_merge(err, &ws[best].err);
        return ws[best].rc;
    }
    return DCPROJ_OK;
}
static int country_series_at(struct worker *w, size_t i, int kind, double key, double *out)
{
    struct mc *mc = w->mc;
    struct country_values cv;
    int rc = country_draw(w, i, &cv), fl = 0;
    if (rc != DCPROJ_OK)
        return rc;
    if (kind != MC_CONST)
        *key_of(&cv, kind) = key;
    rc = model_country_series(mc->m, i, &cv, w->ev, mc->e_months, mc->res->periods, mc->np, out,
                              &fl, &w->err);
    if (rc == DCPROJ_OK && mc->metric != DCPROJ_METRIC_CAPACITY)
        rc = metric_series(w, i, &cv, out);
    return rc;
}

/* Does `p` vary between draws: a distribution, or a reference to a shared
 * uncertain variable? */
static int is_random(const struct mc *mc, const struct dcproj_param *p)
{
    return p->dist != DCPROJ_DIST_NONE || (p->v.var >= 0 && mc->uncertain[p->v.var]);
}

/* How country i's draws can be kept (enum mc_kind).  A KEY kind needs every
 * period value to be a non-decreasing function of the one drawn parameter:
 * C0·(1+r)^t (C0 >= 0), C0 + a·t and C0·g(t) are, for t >= 0, and so are
 * adding deterministic events and the floor at 0. */
static int classify(struct worker *w, size_t i)
{
    struct mc *mc = w->mc;
    const struct model *m = mc->m;
    const struct dcproj_country *c = &m->sc->countries[i];
    const struct dcproj_growth *g = &c->growth;
    for (size_t p = 0; p < mc->np; p++)
        if (mc->e_months[p] < 0)
            return MC_FULL;
    /* a power metric under a random pue or utilization: two random factors */
    if (mc->metric != DCPROJ_METRIC_CAPACITY &&
        ((!c->pue.is_curve && is_random(mc, &c->pue.param)) ||
         (!c->utilization.is_curve && is_random(mc, &c->utilization.param))))
        return MC_FULL;
    for (size_t k = m->ev_start[i]; k < m->ev_start[i + 1]; k++) {
        const struct dcproj_event *e = &m->sc->events[m->ev_index[k]];
        if (is_random(mc, &e->add) || is_random(mc, &e->probability) ||
            is_random(mc, &e->delay_months) || !(value_at(&e->probability.v, w->vars) >= 1.0))
            return MC_FULL;   /* a random add, delay or occurrence */
    }
    /* count the random inputs; kind: what the last one allows on its own */
    int n_random = 0, kind = MC_FULL;
    if (c->has_baseline && is_random(mc, &c->baseline)) {
        n_random++;
        kind = g->model == DCPROJ_MODEL_COMPOUND || g->model == DCPROJ_MODEL_LINEAR ? MC_KEY_BASELINE
                                                                                      : MC_FULL;
    }
    switch (g->model) {
    case DCPROJ_MODEL_COMPOUND:
        if (g->n_segments == 0 && is_random(mc, &g->rate)) {
            n_random++;
            kind = MC_KEY_RATE;
        }
        for (size_t k = 0; k < g->n_segments; k++)
            if (is_random(mc, &g->segments[k].rate)) {
                n_random++;
                kind = MC_FULL;
            }
        break;
    case DCPROJ_MODEL_LINEAR:
        if (is_random(mc, &g->per_year)) {
            n_random++;
            kind = MC_KEY_PER_YEAR;
        }
        break;
    case DCPROJ_MODEL_LOGISTIC:
        if (is_random(mc, &g->cap) || is_random(mc, &g->rate)) {
            n_random++;
            kind = MC_FULL;
        }
        break;
    case DCPROJ_MODEL_POINTS:
        break;
    case DCPROJ_MODEL_FIT:
        if (m->fits[i].n_eps > 0) {
            n_random++;
            kind = MC_FULL;
        }
        break;
    }
    if (n_random == 0)
        return MC_CONST;
    if (n_random > 1)
        return MC_FULL;
    if (kind == MC_KEY_RATE) {
        struct country_values cv;
        if (country_draw(w, i, &cv) != DCPROJ_OK || !(cv.c0 >= 0.0))
            return MC_FULL;
    }
    return kind;
}

struct qjob {
    struct mc *mc;
    struct worker *w;       /* scratch for evaluating KEY countries */
    const double *quantiles;
    size_t nq;
    double *out;            /* [cell][nq] */
    struct qwork qw;        /* ranks, values, filter buffer */
    int rc;
    pthread_t thread;
};

/* Quantiles of a KEY country: select the ranks of its parameter, then
 * evaluate its series there. */
static int key_quantiles(struct qjob *j, size_t s)
{
    struct mc *mc = j->mc;
    size_t n = mc->draws, np = mc->np, i = mc->slot_country[s];
    int kind = mc->kind[i];
    double *x = mc->store + s * n, *lo = j->w->series + np, *hi = lo + np;
    size_t *ks = j->qw.ks, nk = quantile_ranks(n, j->quantiles, j->nq, ks);
    order_stats(x, n, ks, nk, j->qw.vals, &j->qw);
    for (size_t k = 0; k < j->nq; k++) {
        size_t lhs = (size_t)(j->quantiles[k] * (double)(n - 1));
        double at = value_of_rank(ks, j->qw.vals, nk, lhs);
        int rc = country_series_at(j->w, i, kind, at, lo);
        if (rc == DCPROJ_OK)
            rc = country_series_at(j->w, i, kind,
                                   lhs + 1 < n ? value_of_rank(ks, j->qw.vals, nk, lhs + 1) : at, hi);
        if (rc != DCPROJ_OK)
            return rc;
        for (size_t p = 0; p < np; p++)
            j->out[(i * np + p) * j->nq + k] = quantile_between(j->quantiles[k], n, lo[p], hi[p]);
    }
    return DCPROJ_OK;
}

static void *quantile_main(void *arg)
{
    struct qjob *j = arg;
    struct mc *mc = j->mc;
    /* slots handed out one at a time: kept parameters, constant periods and
       ordinary cells cost different times */
    for (;;) {
        size_t s = (size_t)atomic_fetch_add(&mc->next_slot, 1);
        if (s >= mc->nslots || j->rc != DCPROJ_OK)
            break;
        size_t cell = mc->slot_cell[s];
        if (cell == NO_SLOT)
            j->rc = key_quantiles(j, s);
        else
            exact_quantiles(mc->store + s * mc->draws, mc->draws, j->quantiles, j->nq, &j->qw,
                            j->out + cell * j->nq);
    }
    return NULL;
}

/* Exact mode: choose each country's kind and number the stored slots, keys
 * first in country order, then cells. */
static int plan_slots(struct mc *mc, struct worker *w, int keep_all)
{
    const struct dcproj_scenario *sc = mc->m->sc;
    size_t nc = sc->n_countries, np = mc->np, s = 0;
    for (size_t i = 0; i < nc; i++) {
        mc->kind[i] = (unsigned char)(keep_all ? MC_FULL : classify(w, i));
        if (mc->kind[i] != MC_FULL && mc->kind[i] != MC_CONST)
            s++;
    }
    for (size_t cell = 0; cell < mc->ncells; cell++)
        if (cell >= nc * np || mc->kind[cell / np] == MC_FULL)
            s++;
    mc->nslots = s;
    mc->slot_cell = dcproj_malloc(s * sizeof *mc->slot_cell);
    mc->slot_country = dcproj_malloc(s * sizeof *mc->slot_country);
    if (mc->slot_cell == NULL || mc->slot_country == NULL)
        return DCPROJ_ERR_NOMEM;
    s = 0;
    for (size_t i = 0; i < nc; i++) {
        if (mc->kind[i] == MC_FULL || mc->kind[i] == MC_CONST)
            continue;
        mc->key_slot[i] = s;
        mc->slot_cell[s] = NO_SLOT;
        mc->slot_country[s++] = i;
    }
    for (size_t cell = 0; cell < mc->ncells; cell++) {
        mc->slot[cell] = NO_SLOT;
        if (cell >= nc * np || mc->kind[cell / np] == MC_FULL) {
            mc->slot[cell] = s;
            mc->slot_cell[s] = cell;
            mc->slot_country[s++] = cell < nc * np ? cell / np : NO_SLOT;
        }
    }
    return DCPROJ_OK;
}

int montecarlo_fill(const struct model *m, const double *vars,
                    const struct dcproj_run_options *opt, struct dcproj_result *res,
                    size_t col_mean, unsigned char *floored_country, struct mc_debug *dbg,
                    struct dcproj_error *err)
{
    return montecarlo_fill_metric(m, vars, opt, res, DCPROJ_METRIC_CAPACITY, col_mean,
                                  floored_country, dbg, err);
}

int montecarlo_fill_metric(const struct model *m, const double *vars,
                           const struct dcproj_run_options *opt, struct dcproj_result *res,
                           enum dcproj_metric metric, size_t col_mean,
                           unsigned char *floored_country, struct mc_debug *dbg,
                           struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = m->sc;
    struct mc mc;
    memset(&mc, 0, sizeof mc);
    mc.m = m;
    mc.metric = metric;
    mc.vars = vars;
    mc.res = res;
    mc.np = res->n_periods;
    mc.nrows = res->n_rows;
    mc.ncells = mc.nrows * mc.np;
    mc.draws = (uint64_t)sc->draws;
    mc.n_blocks = (mc.draws + MC_BLOCK - 1) / MC_BLOCK;
    for (size_t i = 0; i < sc->n_countries; i++)
        if (model_n_events(m, i) > mc.max_ev)
            mc.max_ev = model_n_events(m, i);
    int nthreads = dcproj_threads_resolve(opt->threads);
    if ((uint64_t)nthreads > mc.n_blocks)
        nthreads = (int)mc.n_blocks;
    size_t bound = opt->quantile_memory_bytes ? opt->quantile_memory_bytes : MC_DEFAULT_MEMORY;
    size_t nq = sc->n_quantiles;
    int rc = DCPROJ_OK;
    struct worker *ws = dcproj_calloc((size_t)nthreads, sizeof *ws);
    double *sums = dcproj_calloc(mc.ncells, sizeof *sums);
    double *qout = dcproj_calloc(mc.ncells * (nq ? nq : 1), sizeof *qout);
    gsl_rstat_quantile_workspace **p2 = NULL;
    size_t *ranks = NULL;   /* exact quantiles: 2 nq ranks per job */
    double *rank_vals = NULL; /* and their values */
    mc.e_months = dcproj_malloc(mc.np * sizeof *mc.e_months);
    mc.slot = dcproj_malloc(mc.ncells * sizeof *mc.slot);
    mc.kind = dcproj_calloc(sc->n_countries + 1, 1);
    mc.key_slot = dcproj_malloc((sc->n_countries + 1) * sizeof *mc.key_slot);
    mc.uncertain = dcproj_calloc(sc->n_variables + 1, 1);
    if (ws == NULL || sums == NULL || qout == NULL || mc.e_months == NULL || mc.slot == NULL ||
        mc.kind == NULL || mc.key_slot == NULL || mc.uncertain == NULL)
        goto nomem;
    for (size_t v = 0; v < sc->n_variables; v++)
        mc.uncertain[v] = sc->variables[v].dist.dist != DCPROJ_DIST_NONE;
    if (sites_build(sc, &mc.sites) != DCPROJ_OK)
        goto nomem;
    rc = corr_build(sc, &mc.sites, &mc.corr, err);
    if (rc != DCPROJ_OK)
        goto done;
    for (size_t cell = 0; cell < mc.ncells; cell++)
        mc.slot[cell] = cell;     /* streaming mode keeps every cell */
    for (size_t p = 0; p < mc.np; p++)
        mc.e_months[p] = res->periods[p].end_months;
    for (int t = 0; t < nthreads; t++) {
        struct worker *w = &ws[t];
        w->mc = &mc;
        dcproj_error_init(&w->err);
        size_t b_seg = whole_lines((m->max_segments ? m->max_segments : 1) * sizeof *w->seg);
        size_t b_series = whole_lines(3 * mc.np * sizeof *w->series); /* a draw; two for quantiles */
        size_t b_agg = whole_lines((sc->n_groups + 1) * mc.np * sizeof *w->agg);
        size_t b_ev = whole_lines((mc.max_ev ? mc.max_ev : 1) * sizeof *w->ev);
        size_t b_floored = whole_lines(sc->n_countries + 1);
        size_t b_vars = whole_lines((sc->n_variables + 1) * sizeof *w->vars);
        size_t b_corr = whole_lines((2 * mc.corr.k + 1) * sizeof *w->eps);
        char *p = lines_alloc(b_seg + b_series + b_agg + b_ev + b_floored + b_vars + b_corr,
                              &w->scratch_base);
        if (p == NULL)
            goto nomem;
        w->vars = (double *)(p + b_seg + b_series + b_agg + b_ev + b_floored);
        w->eps = (double *)(p + b_seg + b_series + b_agg + b_ev + b_floored + b_vars);
        w->z = w->eps + mc.corr.k;
        memset(w->eps, 0, b_corr);
        if (sc->n_variables > 0)
            memcpy(w->vars, vars, sc->n_variables * sizeof *w->vars);
        w->seg = (double *)p;
        w->series = (double *)(p += b_seg);
        w->agg = (double *)(p += b_series);
        w->ev = (struct event_values *)(p += b_agg);
        w->floored = (unsigned char *)(p += b_ev);
        memset(w->floored, 0, b_floored);
        w->rng = gsl_rng_alloc(gsl_rng_mt19937);
        if (w->rng == NULL)
            goto nomem;
        if (mc.corr.k > 0 && (w->rng2 = gsl_rng_alloc(gsl_rng_mt19937)) == NULL)
            goto nomem;
    }

    int exact = mc.ncells <= bound / sizeof(double) / mc.draws;
    res->exact_quantiles = exact;
    if (exact) {
        if (plan_slots(&mc, &ws[0], dbg != NULL && dbg->keep_all_cells) != DCPROJ_OK)
            goto nomem;
        if (dbg != NULL)
            dbg->n_slots = mc.nslots;
        for (int t = 0; t < nthreads; t++) {
            struct worker *w = &ws[t];
            /* a per-thread block buffer while it stays cache-sized */
            size_t b_bsum = whole_lines(mc.ncells * sizeof *w->bsum);
            size_t b_block = mc.nslots <= MC_BLOCK_BUFFER_CELLS
                                 ? whole_lines(mc.nslots * MC_BLOCK * sizeof *w->block) : 0;
            char *p = lines_alloc(b_bsum + b_block, &w->exact_base);
            if (p == NULL)
                goto nomem;
            w->bsum = (double *)p;
            w->block = b_block ? (double *)(p + b_bsum) : NULL;
        }
        mc.store = dcproj_malloc(mc.nslots * mc.draws * sizeof *mc.store);
        mc.block_sums = dcproj_malloc(mc.n_blocks * mc.ncells * sizeof *mc.block_sums);
        if (mc.store == NULL || mc.block_sums == NULL)
            goto nomem;
        rc = run_workers(&mc, ws, nthreads, opt, 0, err);
        if (rc != DCPROJ_OK)
            goto done;
        for (uint64_t b = 0; b < mc.n_blocks; b++)
            for (size_t cell = 0; cell < mc.ncells; cell++)
                sums[cell] += mc.block_sums[b * mc.ncells + cell];
        dcproj_free(mc.block_sums);
        mc.block_sums = NULL;
        /* quantiles per slot, the threads taking slots in turn */
        struct qjob jobs[256];
        int nj = nthreads;
        ranks = dcproj_malloc((size_t)nj * 2 * (nq ? nq : 1) * sizeof *ranks);
        rank_vals = dcproj_malloc((size_t)nj * 2 * (nq ? nq : 1) * sizeof *rank_vals);
        if (ranks == NULL || rank_vals == NULL)
            goto nomem;
        for (int t = 0; t < nj; t++) {
            struct qwork qw = {ranks + (size_t)t * 2 * nq, rank_vals + (size_t)t * 2 * nq, NULL, 0};
            jobs[t] = (struct qjob){&mc, &ws[t], sc->quantiles, nq, qout, qw, DCPROJ_OK, 0};
        }
        int started = 0;
        for (int t = 1; t < nj; t++, started++)
            if (pthread_create(&jobs[t].thread, NULL, quantile_main, &jobs[t]) != 0)
                break;
        quantile_main(&jobs[0]);
        for (int t = 1; t <= started; t++)
            pthread_join(jobs[t].thread, NULL);
        /* threads that could not start: do their share here */
        for (int t = started + 1; t < nj; t++)
            quantile_main(&jobs[t]);
        for (int t = 0; t < nj; t++)
            dcproj_free(jobs[t].qw.buf);
        for (int t = 0; t < nj; t++)
            if (jobs[t].rc != DCPROJ_OK) {
                dcproj_error_merge(err, &ws[t].err);
                rc = jobs[t].rc;
                goto done;
            }
        /* countries without a random input: every draw is the same value */
        for (size_t i = 0; i < sc->n_countries; i++) {
            if (mc.kind[i] != MC_CONST)
                continue;
            double *v = ws[0].series + mc.np;
            rc = country_series_at(&ws[0], i, MC_CONST, 0.0, v);
            if (rc != DCPROJ_OK) {
                dcproj_error_merge(err, &ws[0].err);
                goto done;
            }
            for (size_t p = 0; p < mc.np; p++)
                for (size_t k = 0; k < nq; k++)
                    qout[(i * mc.np + p) * nq + k] = quantile_between(sc->quantiles[k], mc.draws, v[p], v[p]);
        }
    } else {
        p2 = dcproj_calloc(mc.ncells * (nq ? nq : 1), sizeof *p2);
        if (p2 == NULL)
            goto nomem;
        for (size_t k = 0; k < mc.ncells * nq; k++)
            if ((p2[k] = gsl_rstat_quantile_alloc(sc->quantiles[k % nq])) == NULL)
                goto nomem;
        /* rounds of blocks computed in parallel, then fed in draw order */
        uint64_t per_round = (uint64_t)nthreads;
        size_t block_bytes = mc.ncells * MC_BLOCK * sizeof(double);
        if (block_bytes * per_round > bound)
            per_round = bound / block_bytes > 0 ? bound / block_bytes : 1;
        mc.round_buf = dcproj_malloc(block_bytes * per_round);
        if (mc.round_buf == NULL)
            goto nomem;
        for (uint64_t b0 = 0; b0 < mc.n_blocks; b0 += per_round) {
            mc.round_first = b0;
            mc.round_n = mc.n_blocks - b0 < per_round ? mc.n_blocks - b0 : per_round;
            atomic_store(&mc.next_block, b0);
            atomic_store(&mc.done_blocks, 0);
            int nt = nthreads < (int)mc.round_n ? nthreads : (int)mc.round_n;
            rc = run_workers(&mc, ws, nt, opt, b0, err);
            if (rc != DCPROJ_OK)
                goto done;
            for (uint64_t b = b0; b < b0 + mc.round_n; b++) {
                uint64_t n = mc.draws - b * MC_BLOCK < MC_BLOCK ? mc.draws - b * MC_BLOCK : MC_BLOCK;
                const double *buf = mc.round_buf + (b - b0) * mc.ncells * MC_BLOCK;
                for (size_t cell = 0; cell < mc.ncells; cell++) {
                    double s = 0.0;
                    for (uint64_t k = 0; k < n; k++) {
                        double x = buf[cell * MC_BLOCK + k];
                        s += x;
                        for (size_t q = 0; q < nq; q++)
                            gsl_rstat_quantile_add(x, p2[cell * nq + q]);
                    }
                    sums[cell] += s;
                }
            }
            if (opt->progress != NULL)
                opt->progress(opt->progress_ctx, (b0 + mc.round_n) * MC_BLOCK, mc.draws);
        }
        for (size_t k = 0; k < mc.ncells * nq; k++)
            qout[k] = gsl_rstat_quantile_get(p2[k]);
    }
    if (opt->progress != NULL)
        opt->progress(opt->progress_ctx, mc.draws, mc.draws);
    for (size_t cell = 0; cell < mc.ncells; cell++) {
        double *v = &res->values[cell * res->n_cols + col_mean];
        v[0] = sums[cell] / (double)mc.draws;
        for (size_t q = 0; q < nq; q++)
            v[1 + q] = qout[cell * nq + q];
        if (metric == DCPROJ_METRIC_ENERGY && cell % mc.np == 0)
            for (size_t q = 0; q <= nq; q++)
                v[q] = NAN; /* the first row has no energy: empty statistics */
    }
    for (int t = 0; t < nthreads; t++)
        for (size_t i = 0; i < sc->n_countries; i++)
            floored_country[i] |= ws[t].floored[i];
    goto done;
nomem:
    rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0,
                          "out of memory for %llu Monte Carlo draws", (unsigned long long)mc.draws);
done:
    if (ws != NULL) {
        for (int t = 0; t < nthreads; t++) {
            dcproj_free(ws[t].scratch_base);
            dcproj_free(ws[t].escratch.t);
            dcproj_free(ws[t].exact_base);
            gsl_rng_free(ws[t].rng);
            if (ws[t].rng2 != NULL)
                gsl_rng_free(ws[t].rng2);
        }
    }
    if (p2 != NULL) {
        for (size_t k = 0; k < mc.ncells * nq; k++)
            if (p2[k] != NULL)
                gsl_rstat_quantile_free(p2[k]);
        dcproj_free(p2);
    }
    dcproj_free(ws);
    dcproj_free(sums);
    dcproj_free(qout);
    dcproj_free(mc.e_months);
    dcproj_free(mc.slot);
    dcproj_free(mc.kind);
    dcproj_free(mc.uncertain);
    sites_clear(&mc.sites);
    corr_clear(&mc.corr);
    dcproj_free(mc.key_slot);
    dcproj_free(mc.slot_cell);
    dcproj_free(mc.slot_country);
    dcproj_free(mc.store);
    dcproj_free(mc.block_sums);
    dcproj_free(mc.round_buf);
    dcproj_free(ranks);
    dcproj_free(rank_vals);
    return rc;
}
