/*
 * mc_sites.c — draw sites (SPEC §5.2) and the Gaussian copula of
 * `uncertainty.correlation` (SPEC §5.3): the list of sites in draw order,
 * the correlation matrix over the correlated sites with its Cholesky
 * factor, and the inverse CDF of every distribution.
 *
 * The order of sites_build() is the order in which mc_draw.c's
 * country_draw() and shared_draw() call the generator: change both
 * together.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "dcproj/report.h"
#include "dcproj/sites.h"
#include "model_int.h"
#include "alloc_int.h"

/* More correlated sites than this are refused: the matrix and its factor
 * take k² doubles and every draw k²/2 multiplications. */
#define CORR_MAX_SITES 2000

struct sites_builder {
    struct site_list *l;
    size_t cap;
};

static int add_site(struct sites_builder *b, const struct dcproj_param *p, long country,
                    long variable, long event)
{
    if (p->dist == DCPROJ_DIST_NONE)
        return 0;
    struct site_list *l = b->l;
    if (l->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        struct dcproj_site *s = dcproj_realloc(l->s, cap * sizeof *s);
        if (s == NULL)
            return -1;
        l->s = s;
        b->cap = cap;
    }
    l->s[l->n++] = (struct dcproj_site){p->path, country, variable, event, p};
    return 0;
}

int sites_build(const struct dcproj_scenario *sc, struct site_list *l)
{
    memset(l, 0, sizeof *l);
    struct sites_builder b = {l, 0};
    size_t nc = sc->n_countries, ne = sc->n_events;
    size_t *ev_start = dcproj_calloc(nc + 2, sizeof *ev_start);
    size_t *ev_index = dcproj_malloc((ne ? ne : 1) * sizeof *ev_index);
    l->country_start = dcproj_malloc((nc + 1) * sizeof *l->country_start);
    if (ev_start == NULL || ev_index == NULL || l->country_start == NULL)
        goto nomem;
    /* events per country, file order within a country (counting sort) */
    for (size_t k = 0; k < ne; k++)
        ev_start[sc->events[k].country + 2]++;
    for (size_t i = 0; i < nc; i++)
        ev_start[i + 2] += ev_start[i + 1];
    for (size_t k = 0; k < ne; k++)
        ev_index[ev_start[sc->events[k].country + 1]++] = k;
    for (size_t v = 0; v < sc->n_variables; v++)
        if (add_site(&b, &sc->variables[v].dist, -1, (long)v, -1) != 0)
            goto nomem;
    l->n_shared = l->n;
    for (size_t i = 0; i < nc; i++) {
        const struct dcproj_country *c = &sc->countries[i];
        const struct dcproj_growth *g = &c->growth;
        long ci = (long)i;
        int bad = 0;
        l->country_start[i] = l->n;
        if (c->has_baseline)
            bad |= add_site(&b, &c->baseline, ci, -1, -1);
        switch (g->model) {
        case DCPROJ_MODEL_COMPOUND:
            if (g->n_segments == 0)
                bad |= add_site(&b, &g->rate, ci, -1, -1);
            for (size_t k = 0; k < g->n_segments; k++)
                bad |= add_site(&b, &g->segments[k].rate, ci, -1, -1);
            break;
        case DCPROJ_MODEL_LINEAR:
            bad |= add_site(&b, &g->per_year, ci, -1, -1);
            break;
        case DCPROJ_MODEL_LOGISTIC:
            bad |= add_site(&b, &g->cap, ci, -1, -1);
            bad |= add_site(&b, &g->rate, ci, -1, -1);
            break;
        case DCPROJ_MODEL_POINTS:
        case DCPROJ_MODEL_FIT: /* fit draws are not draw sites (SPEC §3 model 5) */
            break;
        }
        for (size_t k = ev_start[i]; k < ev_start[i + 1]; k++) {
            const struct dcproj_event *e = &sc->events[ev_index[k]];
            long ei = (long)ev_index[k];
            bad |= add_site(&b, &e->add, ci, -1, ei);
            bad |= add_site(&b, &e->probability, ci, -1, ei);
            bad |= add_site(&b, &e->delay_months, ci, -1, ei);
        }
        if (sc->has_power) { /* SPEC v2 §3.7: power.pue, power.utilization per country */
            if (!c->pue.is_curve)
                bad |= add_site(&b, &c->pue.param, ci, -1, -1);
            if (!c->utilization.is_curve)
                bad |= add_site(&b, &c->utilization.param, ci, -1, -1);
        }
        if (bad)
            goto nomem;
    }
    l->country_start[nc] = l->n;
    dcproj_free(ev_start);
    dcproj_free(ev_index);
    return DCPROJ_OK;
nomem:
    dcproj_free(ev_start);
    dcproj_free(ev_index);
    sites_clear(l);
    return DCPROJ_ERR_NOMEM;
}

void sites_clear(struct site_list *l)
{
    dcproj_free(l->s);
    dcproj_free(l->country_start);
    memset(l, 0, sizeof *l);
}

int dcproj_sites(const struct dcproj_scenario *sc, struct dcproj_site **out, size_t *n,
                 struct dcproj_error *err)
{
    struct site_list l;
    if (sites_build(sc, &l) != DCPROJ_OK)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    dcproj_free(l.country_start);
    *out = l.s;
    *n = l.n;
    return DCPROJ_OK;
}

void dcproj_sites_free(struct dcproj_site *sites)
{
    dcproj_free(sites);
}

double dcproj_site_quantile(const struct dcproj_scenario *sc, const struct dcproj_site *site,
                            const double *vars, double u)
{
    double *own = NULL;
    if (vars == NULL && sc->n_variables > 0) {
        own = dcproj_malloc(sc->n_variables * sizeof *own);
        if (own == NULL)
            return NAN;
        model_default_vars(sc, own);
        vars = own;
    }
    double x = param_quantile(site->param, vars, u);
    dcproj_free(own);
    return x;
}

/* ------------------------------------------------------------------------ */
/* The correlation matrix (SPEC §5.3)                                       */

/* The sites entry `e` matches: mark[s] = 1.  Returns -1 with *bad_param set
 * when a path matches no site. */
static int entry_sites(const struct dcproj_correlation *e, const struct site_list *sl,
                       unsigned char *mark, size_t *bad_param)
{
    memset(mark, 0, sl->n ? sl->n : 1);
    for (size_t j = 0; j < e->n_params; j++) {
        int found = 0;
        for (size_t s = 0; s < sl->n; s++)
            if (sl->s[s].path != NULL && strcmp(sl->s[s].path, e->params[j]) == 0) {
                mark[s] = 1;
                found = 1;
            }
        if (!found) {
            *bad_param = j;
            return -1;
        }
    }
    return 0;
}

/* Fill the k x k matrix C from the entries listed in use[0..nu) (in order,
 * later ones overriding), over the correlated sites `index`. */
static int fill_matrix(const struct dcproj_scenario *sc, const struct site_list *sl,
                       const long *index, size_t k, const size_t *use, size_t nu,
                       unsigned char *mark, size_t *members, gsl_matrix *C)
{
    gsl_matrix_set_identity(C);
    for (size_t u = 0; u < nu; u++) {
        size_t bad;
        const struct dcproj_correlation *e = &sc->correlations[use[u]];
        if (entry_sites(e, sl, mark, &bad) != 0)
            return -1;
        size_t m = 0;
        for (size_t s = 0; s < sl->n; s++)
            if (mark[s])
                members[m++] = (size_t)index[s];
        for (size_t a = 0; a < m; a++)
            for (size_t b = a + 1; b < m; b++) {
                gsl_matrix_set(C, members[a], members[b], e->rho);
                gsl_matrix_set(C, members[b], members[a], e->rho);
            }
    }
    (void)k;
    return 0;
}

/* Is the matrix of entries use[0..nu) positive definite? */
static int entries_pd(const struct dcproj_scenario *sc, const struct site_list *sl,
                      const long *index, size_t k, const size_t *use, size_t nu,
                      unsigned char *mark, size_t *members, gsl_matrix *C)
{
    fill_matrix(sc, sl, index, k, use, nu, mark, members, C);
    return gsl_linalg_cholesky_decomp1(C) == GSL_SUCCESS;
}

/* A message naming the entries that make the matrix not positive definite:
 * the first entry e whose addition breaks it, with the one earlier entry
 * that breaks it together with e, if there is one, else every entry up to e. */
static int not_pd_error(const struct dcproj_scenario *sc, const struct site_list *sl,
                        const long *index, size_t k, unsigned char *mark, size_t *members,
                        gsl_matrix *C, struct dcproj_error *err)
{
    size_t n = sc->n_correlations;
    size_t *use = dcproj_malloc(n * sizeof *use);
    if (use == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    size_t last = n - 1;
    for (size_t e = 0; e < n; e++) {
        use[e] = e;
        if (!entries_pd(sc, sl, index, k, use, e + 1, mark, members, C)) {
            last = e;
            break;
        }
    }
    char path[DCPROJ_ERROR_PATH_LEN], names[DCPROJ_ERROR_MSG_LEN / 2] = "";
    snprintf(path, sizeof path, "uncertainty.correlation[%zu]", last);
    use[0] = last;
    if (!entries_pd(sc, sl, index, k, use, 1, mark, members, C)) {
        size_t m = 0, bad;
        entry_sites(&sc->correlations[last], sl, mark, &bad);
        for (size_t s = 0; s < sl->n; s++)
            m += mark[s];
        dcproj_free(use);
        char rho[DCPROJ_NUMBER_LEN];
        dcproj_format_number(sc->correlations[last].rho, -1, 0, rho);
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                "rho %s between all %zu draw sites this entry matches makes a "
                                "correlation matrix that is not positive definite (%zu sites "
                                "correlated alike need rho > -1/%zu)",
                                rho, m, m, m - 1);
    }
    for (size_t e = 0; e < last; e++) {
        size_t pair[2] = {e, last};
        if (!entries_pd(sc, sl, index, k, pair, 2, mark, members, C)) {
            dcproj_free(use);
            return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                    "together with uncertainty.correlation[%zu] this entry makes "
                                    "the correlation matrix not positive definite",
                                    e);
        }
    }
    for (size_t e = 0; e < last; e++) {
        size_t len = strlen(names);
        snprintf(names + len, sizeof names - len, "%s[%zu]", e ? ", " : "", e);
    }
    dcproj_free(use);
    return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                            "together with uncertainty.correlation %s this entry makes the "
                            "correlation matrix not positive definite",
                            names);
}

int corr_build(const struct dcproj_scenario *sc, const struct site_list *sl, struct mc_corr *out,
               struct dcproj_error *err)
{
    memset(out, 0, sizeof *out);
    if (sc->n_correlations == 0)
        return DCPROJ_OK;
    int rc = DCPROJ_OK;
    unsigned char *mark = dcproj_malloc(sl->n ? sl->n : 1);
    unsigned char *paired = dcproj_calloc(sl->n ? sl->n : 1, 1);
    size_t *members = dcproj_malloc((sl->n ? sl->n : 1) * sizeof *members);
    out->index = dcproj_malloc((sl->n ? sl->n : 1) * sizeof *out->index);
    gsl_matrix *C = NULL;
    if (mark == NULL || paired == NULL || members == NULL || out->index == NULL)
        goto nomem;
    /* every path must match a site; a site is correlated when some entry
       pairs it with another site */
    for (size_t e = 0; e < sc->n_correlations; e++) {
        size_t bad = 0, m = 0;
        if (entry_sites(&sc->correlations[e], sl, mark, &bad) != 0) {
            char path[DCPROJ_ERROR_PATH_LEN];
            snprintf(path, sizeof path, "uncertainty.correlation[%zu].params[%zu]", e, bad);
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, path, 0, 0,
                                  "\"%s\" matches no distribution (no draw site is written "
                                  "there; `dcproj explain --sites` lists them)",
                                  sc->correlations[e].params[bad]);
            goto done;
        }
        for (size_t s = 0; s < sl->n; s++)
            m += mark[s];
        for (size_t s = 0; s < sl->n && m > 1; s++)
            paired[s] |= mark[s];
    }
    size_t k = 0;
    for (size_t s = 0; s < sl->n; s++)
        out->index[s] = paired[s] ? (long)k++ : -1;
    if (k > CORR_MAX_SITES) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, "uncertainty.correlation", 0, 0,
                              "%zu correlated draw sites exceed the limit of %d", k,
                              CORR_MAX_SITES);
        goto done;
    }
    out->k = k;
    if (k == 0)
        goto done;
    C = gsl_matrix_alloc(k, k);
    out->L = dcproj_calloc(k * k, sizeof *out->L);
    size_t *all = dcproj_malloc(sc->n_correlations * sizeof *all);
    if (C == NULL || out->L == NULL || all == NULL) {
        dcproj_free(all);
        goto nomem;
    }
    for (size_t e = 0; e < sc->n_correlations; e++)
        all[e] = e;
    int pd = entries_pd(sc, sl, out->index, k, all, sc->n_correlations, mark, members, C);
    dcproj_free(all);
    if (!pd) {
        rc = not_pd_error(sc, sl, out->index, k, mark, members, C, err);
        goto done;
    }
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b <= a; b++)
            out->L[a * k + b] = gsl_matrix_get(C, a, b);
    goto done;
nomem:
    rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
done:
    if (C != NULL)
        gsl_matrix_free(C);
    dcproj_free(mark);
    dcproj_free(paired);
    dcproj_free(members);
    if (rc != DCPROJ_OK)
        corr_clear(out);
    return rc;
}

void corr_clear(struct mc_corr *c)
{
    dcproj_free(c->index);
    dcproj_free(c->L);
    memset(c, 0, sizeof *c);
}

void corr_scores(const struct mc_corr *c, const double *eps, double *z)
{
    for (size_t a = 0; a < c->k; a++) {
        const double *row = c->L + a * c->k;
        double s = 0.0;
        for (size_t b = 0; b <= a; b++)
            s += row[b] * eps[b];
        z[a] = s;
    }
}

int corr_check(const struct dcproj_scenario *sc, struct dcproj_error *err)
{
    if (sc->n_correlations == 0)
        return DCPROJ_OK;
    struct site_list sl;
    if (sites_build(sc, &sl) != DCPROJ_OK)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
    struct mc_corr c;
    int rc = corr_build(sc, &sl, &c, err);
    corr_clear(&c);
    sites_clear(&sl);
    return rc;
}
