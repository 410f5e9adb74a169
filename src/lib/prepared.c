/*
 * prepared.c — a scenario prepared once and evaluated with changed
 * parameter values (include/dcproj/prepared.h; issue 22).
 *
 * The evaluation is the projection's own code: project_fill() (project.c)
 * on a copy of the prepared struct model whose slot_values hold the
 * changes, into a result laid out like the base projection's.  What makes
 * it equal to a full load with `--set PATH=x` is the choice of slots
 * (prepared_slot_ok): a plain number written at PATH, in a parameter whose
 * value the loader only range-checks and stores, read back through
 * param_value().  Cross-field checks the loader makes on such numbers (a
 * logistic C0 < K) the model makes too; any error sends the caller back to
 * a full load, which reports it.
 *
 * The sensitivity runs (sensitivity.c) open the same prepared model
 * (prepared_open: the scenario without its draws) and take its model and
 * solved variables; they evaluate one cell per run instead of the table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/prepared.h"
#include "model_int.h"
#include "alloc_int.h"

struct dcproj_prepared {
    const struct dcproj_scenario *sc; /* &det */
    struct dcproj_scenario det; /* the scenario as given, draws 0 (shares its data) */
    struct model m;
    int model_ready;
    struct dcproj_result *base; /* the projection as given */
    int resolve;                /* solve per evaluation */
    double *vars;               /* the variables when not solved per evaluation */
};

struct dcproj_evaluator {
    const struct dcproj_prepared *p;
    struct model m;             /* the prepared model with our slot_values */
    double *slot_values;        /* [n_slots], NaN = keep */
    struct dcproj_result res;   /* the base's layout, our values */
    unsigned char *floored;
    unsigned char *keep;        /* [n_countries]: copy the base's rows (see run) */
    int warned;                 /* the last run would have warned (see prepared.h) */
};

static int nomem(const struct dcproj_scenario *sc, struct dcproj_error *err)
{
    return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
}

void dcproj_prepared_free(struct dcproj_prepared *p)
{
    if (p == NULL)
        return;
    if (p->model_ready)
        model_clear(&p->m);
    dcproj_result_free(p->base);
    dcproj_free(p->vars);
    dcproj_free(p);
}

int dcproj_prepared_new(const struct dcproj_scenario *sc, struct dcproj_prepared **out,
                        struct dcproj_error *err)
{
    *out = NULL;
    if (sc->draws > 0)
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, sc->file, NULL, 0, 0,
                                "a Monte Carlo scenario is not prepared");
    return prepared_open(sc, out, err);
}

const struct model *prepared_model(const struct dcproj_prepared *p)
{
    return &p->m;
}

const double *prepared_solved(const struct dcproj_prepared *p)
{
    return p->base->solution.variables;
}

int prepared_open(const struct dcproj_scenario *sc, struct dcproj_prepared **out,
                  struct dcproj_error *err)
{
    *out = NULL;
    struct dcproj_prepared *p = dcproj_calloc(1, sizeof *p);
    if (p == NULL)
        return nomem(sc, err);
    p->det = *sc;
    p->det.draws = 0; /* parameters at their means (SPEC §5.1), as a deterministic run */
    p->sc = &p->det;
    int rc = dcproj_project(p->sc, NULL, &p->base, err);
    if (rc == DCPROJ_OK)
        rc = model_init(&p->m, p->sc, err);
    if (rc != DCPROJ_OK) {
        dcproj_prepared_free(p);
        return rc;
    }
    p->model_ready = 1;
    const struct dcproj_solution *sol = &p->base->solution;
    /* frozen: the parent's solution, whatever the child's values; nothing
       to solve: the fixed values and guesses, which are no slots */
    p->resolve = sol->method != DCPROJ_SOLVE_FROZEN && sol->method != DCPROJ_SOLVE_NONE;
    if (!p->resolve && sol->n_variables > 0) {
        p->vars = dcproj_malloc(sol->n_variables * sizeof *p->vars);
        if (p->vars == NULL) {
            dcproj_prepared_free(p);
            return nomem(sc, err);
        }
        memcpy(p->vars, sol->variables, sol->n_variables * sizeof *p->vars);
    }
    *out = p;
    return DCPROJ_OK;
}

const struct dcproj_result *dcproj_prepared_base(const struct dcproj_prepared *p)
{
    return p->base;
}

int dcproj_prepared_resolves(const struct dcproj_prepared *p)
{
    return p->resolve;
}

/* Whether slot k may be changed in place (see the file comment): a plain
 * number that model.c reads through param_value() — a compound, linear or
 * logistic country's baseline or growth parameter, or an event's add,
 * probability or delay — found by the parameter's address, so a field the
 * model reads otherwise (power inputs) is never taken. */
static int prepared_slot_ok(const struct dcproj_scenario *sc, size_t k)
{
    const struct dcproj_slot *s = &sc->slots[k];
    const struct dcproj_param *q = s->param;
    if (q->dist != DCPROJ_DIST_NONE || q->v.var >= 0)
        return 0;
    for (size_t j = 0; j < sc->n_events; j++) {
        const struct dcproj_event *e = &sc->events[j];
        if (q == &e->add || q == &e->probability || q == &e->delay_months)
            return 1;
    }
    if (s->country < 0 || (size_t)s->country >= sc->n_countries)
        return 0;
    const struct dcproj_country *c = &sc->countries[s->country];
    const struct dcproj_growth *g = &c->growth;
    /* a points curve's baseline is checked against the curve, a fit's
       values come from its history: load again */
    if (g->model != DCPROJ_MODEL_COMPOUND && g->model != DCPROJ_MODEL_LINEAR
        && g->model != DCPROJ_MODEL_LOGISTIC)
        return 0;
    if (q == &c->baseline || q == &g->rate || q == &g->per_year || q == &g->cap)
        return 1;
    for (size_t j = 0; j < g->n_segments; j++)
        if (q == &g->segments[j].rate)
            return 1;
    return 0;
}

size_t dcproj_prepared_find(const struct dcproj_prepared *p, const char *path, size_t *slots,
                            size_t max)
{
    const struct dcproj_scenario *sc = p->sc;
    size_t n = 0;
    for (size_t k = 0; k < sc->n_slots; k++) {
        if (strcmp(sc->slots[k].path, path) != 0)
            continue;
        if (!prepared_slot_ok(sc, k) || n == max)
            return 0;
        slots[n++] = k;
    }
    return n;
}

int dcproj_prepared_accepts(const struct dcproj_prepared *p, size_t slot, double x)
{
    const struct dcproj_slot *s = &p->sc->slots[slot];
    if (!isfinite(x))
        return 0;
    if (s->min_open ? !(x > s->min) : !(x >= s->min))
        return 0;
    if (s->max_open ? !(x < s->max) : !(x <= s->max))
        return 0;
    return 1;
}

int dcproj_prepared_may_warn(const struct dcproj_prepared *p, size_t slot, double x)
{
    const struct dcproj_scenario *sc = p->sc;
    const struct dcproj_slot *s = &sc->slots[slot];
    const struct dcproj_param *q = s->param;
    if (s->country < 0 || (size_t)s->country >= sc->n_countries)
        return 0; /* an event's add, probability or delay: the loader has no slip check */
    const struct dcproj_country *c = &sc->countries[s->country];
    const struct dcproj_growth *g = &c->growth;
    /* warn_per_year (load_param.c) compares per_year with the baseline:
       not repeated here, any such point loads in full */
    if (q == &g->per_year || (q == &c->baseline && g->model == DCPROJ_MODEL_LINEAR))
        return 1;
    /* warn_rate_percent: a rate above 1 (any rate slot, to be safe) */
    int rate = q == &g->rate;
    for (size_t j = 0; j < g->n_segments && !rate; j++)
        rate = q == &g->segments[j].rate;
    return rate && x > 1;
}

void dcproj_evaluator_free(struct dcproj_evaluator *e)
{
    if (e == NULL)
        return;
    dcproj_free(e->slot_values);
    dcproj_free(e->res.values);
    dcproj_free(e->floored);
    dcproj_free(e->keep);
    dcproj_free(e);
}

int dcproj_evaluator_new(const struct dcproj_prepared *p, struct dcproj_evaluator **out)
{
    const struct dcproj_scenario *sc = p->sc;
    const struct dcproj_result *b = p->base;
    struct dcproj_evaluator *e = dcproj_calloc(1, sizeof *e);
    *out = NULL;
    if (e == NULL)
        return DCPROJ_ERR_NOMEM;
    e->p = p;
    e->m = p->m;
    e->slot_values = dcproj_malloc((sc->n_slots > 0 ? sc->n_slots : 1) * sizeof(double));
    e->res = *b; /* shares the base's periods, rows and columns (read-only) */
    e->res.values = dcproj_malloc(b->n_rows * b->n_periods * b->n_cols * sizeof(double));
    memset(&e->res.warnings, 0, sizeof e->res.warnings);
    memset(&e->res.solution, 0, sizeof e->res.solution);
    e->floored = dcproj_malloc(sc->n_countries + 1);
    e->keep = dcproj_malloc(sc->n_countries + 1);
    if (e->slot_values == NULL || e->res.values == NULL || e->floored == NULL ||
        e->keep == NULL) {
        dcproj_evaluator_free(e);
        return DCPROJ_ERR_NOMEM;
    }
    e->m.slot_values = e->slot_values;
    dcproj_evaluator_reset(e);
    *out = e;
    return DCPROJ_OK;
}

void dcproj_evaluator_set(struct dcproj_evaluator *e, size_t slot, double x)
{
    if (slot < e->p->sc->n_slots)
        e->slot_values[slot] = x;
}

void dcproj_evaluator_reset(struct dcproj_evaluator *e)
{
    for (size_t k = 0; k < e->p->sc->n_slots; k++)
        e->slot_values[k] = NAN;
}

/* Which countries the evaluation may copy from the base projection: when
 * the variables are not solved again (so they are the base's) and the base
 * had no run-time warning (no country floored), a country none of whose
 * slots is set projects to the base's very values; every slot feeds one
 * country (prepared_slot_ok).  NULL: project every country. */
static const unsigned char *keep_mask(struct dcproj_evaluator *e)
{
    const struct dcproj_prepared *p = e->p;
    const struct dcproj_scenario *sc = p->sc;
    if (p->resolve || p->base->warnings.n > 0)
        return NULL;
    memset(e->keep, 1, sc->n_countries + 1);
    for (size_t k = 0; k < sc->n_slots; k++) {
        if (isnan(e->slot_values[k]))
            continue;
        long c = sc->slots[k].country;
        if (c < 0 || (size_t)c >= sc->n_countries)
            return NULL;
        e->keep[c] = 0;
    }
    return e->keep;
}

int dcproj_evaluator_run(struct dcproj_evaluator *e, size_t row, size_t col, double *out,
                         struct dcproj_error *err)
{
    const struct dcproj_prepared *p = e->p;
    struct dcproj_result *res = &e->res;
    if (row >= res->n_rows || col >= res->n_cols)
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, p->sc->file, NULL, 0, 0,
                                "no such row or column");
    struct dcproj_solution sol;
    memset(&sol, 0, sizeof sol);
    const double *vars = p->vars;
    int rc = DCPROJ_OK;
    e->warned = 0;
    if (p->resolve) {
        rc = model_solve(&e->m, &sol, err);
        vars = sol.variables;
        e->warned = sol.warnings.n > 0;
    }
    if (rc == DCPROJ_OK) {
        memset(res->values, 0, res->n_rows * res->n_periods * res->n_cols * sizeof(double));
        memset(e->floored, 0, p->sc->n_countries + 1);
        rc = project_fill(&e->m, vars, res, e->floored, keep_mask(e), p->base, err);
        for (size_t i = 0; i < p->sc->n_countries + 1 && !e->warned; i++)
            e->warned = e->floored[i] != 0;
    }
    if (rc == DCPROJ_OK)
        for (size_t t = 0; t < res->n_periods; t++)
            out[t] = dcproj_result_at(res, row, t, col);
    dcproj_solution_clear(&sol);
    return rc;
}

int dcproj_evaluator_warned(const struct dcproj_evaluator *e)
{
    return e->warned;
}
