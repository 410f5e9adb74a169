/*
 * backtest.c — dcproj_backtest_run() and its summary (SPEC §7 `backtest`):
 * refit each `fit` country as of a year Y, project it to the history years
 * after Y, and score the projection against what was observed.
 *
 * The fit, its anchoring and its draws are the model's own
 * (model_fit_country(), fit_draw()); only the base year differs.  GSL's
 * error handler must be off (the caller's job).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "dcproj/backtest.h"
#include "model_int.h"
#include "alloc_int.h"

static int nomem(const struct dcproj_scenario *sc, struct dcproj_error *err)
{
    return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
}

/* The curve at θ, t years after the as-of year, floored at 0 (SPEC §3.6). */
static double projected_at(enum dcproj_fit_curve curve, const double *theta, double t)
{
    double v = fit_curve_at(curve, theta, t);
    return v > 0 ? v : 0.0;
}

/* Append a row, growing the array. */
static int push_row(struct dcproj_backtest *bt, size_t *cap, const struct dcproj_backtest_row *r)
{
    if (bt->n_rows == *cap) {
        size_t n = *cap ? 2 * *cap : 32;
        struct dcproj_backtest_row *g = dcproj_realloc(bt->rows, n * sizeof *g);
        if (g == NULL)
            return -1;
        bt->rows = g;
        *cap = n;
    }
    bt->rows[bt->n_rows++] = *r;
    return 0;
}

/*
 * The band of rows[first..first+k) (one country as of Y): `draws` parameter
 * sets θ̂ + L·ε from a generator seeded with hash(seed, Y, country); the
 * outer pair of quantiles of the projected values per year.
 */
static int band(const struct dcproj_scenario *sc, const struct country_fit *f, size_t country,
                int as_of, struct dcproj_backtest_row *rows, size_t k, struct dcproj_error *err)
{
    size_t draws = (size_t)sc->draws;
    double *vals = dcproj_malloc(k * draws * sizeof *vals);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (vals == NULL || rng == NULL) {
        dcproj_free(vals);
        gsl_rng_free(rng);
        return nomem(sc, err);
    }
    gsl_rng_set(rng, mc_stream_seed(sc->seed, (uint64_t)(int64_t)as_of, country));
    double eps[FIT_MAX_PARAMS], theta[FIT_MAX_PARAMS];
    for (size_t d = 0; d < draws; d++) {
        for (size_t j = 0; j < f->n_eps; j++)
            eps[j] = gsl_ran_ugaussian(rng);
        fit_draw(&f->est, f->anchored, f->c0, f->L, f->n_eps, eps, theta);
        for (size_t r = 0; r < k; r++)
            vals[r * draws + d] = projected_at(f->est.curve, theta, (double)rows[r].horizon);
    }
    double q_lo = sc->quantiles[0], q_hi = sc->quantiles[sc->n_quantiles - 1];
    for (size_t r = 0; r < k; r++) {
        double *x = vals + r * draws;
        gsl_sort(x, 1, draws);
        rows[r].p_lo = gsl_stats_quantile_from_sorted_data(x, 1, draws, q_lo);
        rows[r].p_hi = gsl_stats_quantile_from_sorted_data(x, 1, draws, q_hi);
        rows[r].inside = rows[r].p_lo <= rows[r].observed && rows[r].observed <= rows[r].p_hi;
    }
    dcproj_free(vals);
    gsl_rng_free(rng);
    return DCPROJ_OK;
}

/* Score country i as of Y: its rows appended to bt. */
static int score_country(const struct dcproj_scenario *sc, size_t i, int as_of, int banded,
                         struct dcproj_backtest *bt, size_t *cap, struct dcproj_error *err)
{
    const struct dcproj_country *c = &sc->countries[i];
    size_t later = 0;
    for (size_t k = 0; k < c->n_history; k++)
        later += c->history_years[k] > as_of;
    if (later == 0)
        return DCPROJ_OK; /* nothing observed after Y: no rows */
    struct country_fit f;
    int with_band = banded && c->growth.fit_uncertain;
    int rc = model_fit_country(sc, i, as_of, with_band, &f, err);
    if (rc != DCPROJ_OK) {
        /* say which back-test the fit belongs to */
        if (err != NULL && err->count > 0 && err->count <= DCPROJ_ERROR_MAX) {
            struct dcproj_error_item *it = &err->items[err->count - 1];
            char msg[DCPROJ_ERROR_MSG_LEN];
            snprintf(msg, sizeof msg, "as of %d: %s", as_of, it->message);
            memcpy(it->message, msg, sizeof msg);
        }
        return rc;
    }
    double theta[FIT_MAX_PARAMS];
    memcpy(theta, f.est.theta, sizeof theta);
    theta[0] = f.c0;
    size_t first = bt->n_rows;
    for (size_t k = 0; k < c->n_history; k++) {
        int year = c->history_years[k];
        if (year <= as_of)
            continue;
        struct dcproj_backtest_row r;
        r.as_of = as_of;
        r.country = i;
        r.year = year;
        r.horizon = year - as_of;
        r.observed = c->history_values[k];
        r.projected = projected_at(f.est.curve, theta, (double)r.horizon);
        r.error = r.projected - r.observed;
        r.pct_error = r.observed != 0 ? 100.0 * r.error / r.observed : NAN;
        r.p_lo = r.p_hi = NAN;
        r.inside = -1;
        if (push_row(bt, cap, &r) != 0)
            return nomem(sc, err);
    }
    if (with_band)
        return band(sc, &f, i, as_of, bt->rows + first, bt->n_rows - first, err);
    return DCPROJ_OK;
}

int dcproj_backtest_run(const struct dcproj_scenario *sc, const int *as_of, size_t n_as_of,
                        struct dcproj_backtest **out, struct dcproj_error *err)
{
    int any_fit = 0, any_uncertain = 0;
    for (size_t i = 0; i < sc->n_countries; i++) {
        if (sc->countries[i].growth.model != DCPROJ_MODEL_FIT)
            continue;
        any_fit = 1;
        any_uncertain |= sc->countries[i].growth.fit_uncertain;
    }
    if (!any_fit)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, "countries", 0, 0,
                                "no country has a \"fit\" growth model: a back-test scores fits "
                                "to history");
    struct dcproj_backtest *bt = dcproj_calloc(1, sizeof *bt);
    if (bt == NULL)
        return nomem(sc, err);
    bt->scenario = sc;
    bt->banded = any_uncertain && sc->draws > 0 && sc->n_quantiles >= 2;
    size_t cap = 0;
    int rc = DCPROJ_OK;
    for (size_t a = 0; a < n_as_of && rc == DCPROJ_OK; a++)
        for (size_t i = 0; i < sc->n_countries && rc == DCPROJ_OK; i++)
            if (sc->countries[i].growth.model == DCPROJ_MODEL_FIT)
                rc = score_country(sc, i, as_of[a], bt->banded, bt, &cap, err);
    if (rc == DCPROJ_OK && bt->n_rows == 0)
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                              "nothing to score: no fit country has a history year after the "
                              "--as-of year%s",
                              n_as_of > 1 ? "s" : "");
    if (rc != DCPROJ_OK) {
        dcproj_backtest_free(bt);
        return rc;
    }
    *out = bt;
    return DCPROJ_OK;
}

void dcproj_backtest_free(struct dcproj_backtest *bt)
{
    if (bt == NULL)
        return;
    dcproj_free(bt->rows);
    dcproj_free(bt);
}

/* Pool the rows of country `country` (or every country when `all`) at
 * horizon h into *s. */
static void pool(const struct dcproj_backtest *bt, int all, size_t country, int h,
                 struct dcproj_backtest_summary_row *s)
{
    double abs_sum = 0, pct_sum = 0, err_sum = 0;
    size_t n = 0, n_pct = 0, n_band = 0, n_in = 0;
    for (size_t r = 0; r < bt->n_rows; r++) {
        const struct dcproj_backtest_row *x = &bt->rows[r];
        if (x->horizon != h || (!all && x->country != country))
            continue;
        n++;
        abs_sum += fabs(x->error);
        err_sum += x->error;
        if (x->observed != 0) {
            pct_sum += fabs(x->pct_error);
            n_pct++;
        }
        if (x->inside >= 0) {
            n_band++;
            n_in += (size_t)x->inside;
        }
    }
    s->all = all;
    s->country = country;
    s->horizon = h;
    s->n = n;
    s->mae = abs_sum / (double)n;
    s->bias = err_sum / (double)n;
    s->mape = n_pct > 0 ? pct_sum / (double)n_pct : NAN;
    s->coverage = n_band > 0 ? (double)n_in / (double)n_band : NAN;
}

int dcproj_backtest_summary(const struct dcproj_backtest *bt,
                            struct dcproj_backtest_summary_row **rows, size_t *n_rows)
{
    const struct dcproj_scenario *sc = bt->scenario;
    int hmax = 0;
    for (size_t r = 0; r < bt->n_rows; r++)
        if (bt->rows[r].horizon > hmax)
            hmax = bt->rows[r].horizon;
    /* at most one row per (country, horizon) and one ALL row per horizon */
    size_t cap = (sc->n_countries + 1) * (size_t)hmax + 1;
    struct dcproj_backtest_summary_row *s = dcproj_calloc(cap, sizeof *s);
    if (s == NULL)
        return DCPROJ_ERR_NOMEM;
    size_t n = 0;
    unsigned char *seen = dcproj_calloc((size_t)hmax + 1, 1);
    if (seen == NULL) {
        dcproj_free(s);
        return DCPROJ_ERR_NOMEM;
    }
    for (size_t i = 0; i < sc->n_countries; i++) {
        memset(seen, 0, (size_t)hmax + 1);
        for (size_t r = 0; r < bt->n_rows; r++)
            if (bt->rows[r].country == i)
                seen[bt->rows[r].horizon] = 1;
        for (int h = 1; h <= hmax; h++)
            if (seen[h])
                pool(bt, 0, i, h, &s[n++]);
    }
    memset(seen, 0, (size_t)hmax + 1);
    for (size_t r = 0; r < bt->n_rows; r++)
        seen[bt->rows[r].horizon] = 1;
    for (int h = 1; h <= hmax; h++)
        if (seen[h])
            pool(bt, 1, 0, h, &s[n++]);
    dcproj_free(seen);
    *rows = s;
    *n_rows = n;
    return DCPROJ_OK;
}

void dcproj_backtest_summary_free(struct dcproj_backtest_summary_row *rows)
{
    dcproj_free(rows);
}
