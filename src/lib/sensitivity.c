/*
 * sensitivity.c — `dcproj sensitivity` (SPEC §7): the factors, the runs and
 * their inputs (the plan), the evaluation of a block of runs on the
 * prepared model, and the OAT tornado or the Sobol indices from the values.
 *
 * A run is one deterministic projection of the scope's metric at one period
 * (or, for energy_twh, the calendar year) with some inputs replaced: a
 * country's or an event's distribution through the model's slot values
 * (struct model.slot_values, the registry of load_param.c), a shared
 * uncertain variable through the variable values, an event's occurrence by
 * its probability set to 0 (absent) or 1 (present at full `add`).  Unknown
 * variables are solved once, on the deterministic scenario, and held.
 *
 * Decisions where SPEC is silent (doc/sensitivity.md):
 * - An OAT quantile value of a normal or lognormal site takes the clamp of
 *   SPEC §5.1, from the parameter's valid range (an open end at -1 gives
 *   -0.999999, an open end at 0 gives 1e-9); a logistic cap is clamped at
 *   1e-9, not at C0·(1 + 1e-9).
 * - Occurrence factors are the events whose probability is a number (or a
 *   fixed reference) below 1; an uncertain probability is a site.
 * - Sobol matrices: rows are cut into blocks of 256; block b's generator
 *   (mt19937) is seeded with the §5.2 stream seed (seed, b, 0) and gives,
 *   row by row, A's d uniforms then B's d uniforms.  Bootstrap replicate r
 *   resamples rows (gsl_rng_uniform_int) with the generator seeded from
 *   SPEC's hash(seed, 2, r), i.e. mc_stream_seed(seed, 2, r), the way the
 *   copula's hash(seed, block, 1) is mc_stream_seed(seed, block, 1).
 * - S1 centres f(B) on the mean of the A and B rows (see sobol_indices).
 */
#include "dcproj/sensitivity.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "dcproj/provenance.h"
#include "dcproj/prepared.h"
#include "model_int.h"
#include "alloc_int.h"

#define SOBOL_BLOCK 256

/* A column of the input matrix: a draw site or an event's occurrence. */
struct column {
    long site;               /* index into the site list, or -1 */
    long event;              /* occurrence of this event, or -1 */
    double lo_value, hi_value;/* OAT: the LO and HI quantile values (0, 1: occurrence) */
    double prob;             /* occurrence: the event's probability */
    double min, max;         /* site: the §5.1 clamp */
};

struct factor {
    char name[DCPROJ_SENS_NAME_LEN];
    size_t *cols;
    size_t n_cols;
};

struct dcproj_sens_plan {
    const struct dcproj_scenario *sc;
    struct dcproj_sens_options opt;
    uint64_t seed;
    struct dcproj_prepared *prep; /* the model, prepared once (prepared.c) */
    struct model m;           /* its model (a copy of the struct: read-only) */
    double *vars;             /* solved variables */
    struct site_list sl;
    struct column *cols;
    size_t n_cols;
    struct factor *factors;
    size_t n_factors;
    size_t n_runs;
    /* the output */
    size_t *members;          /* countries of the scope */
    size_t n_members;
    int e_month;              /* the period end (capacity metrics) */
    int year;                 /* --at */
    enum { METRIC_CAPACITY, METRIC_IT, METRIC_FACILITY, METRIC_ENERGY } metric;
    /* Sobol */
    double *a, *b;            /* N x n_cols input values (from uniforms) */
    char key[DCPROJ_SHA256_HEX_LEN];
};

static int nomem(const struct dcproj_scenario *sc, struct dcproj_error *err)
{
    return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
}

/* ------------------------------------------------------------------ plan */

/* The §5.1 clamp of a site, from its parameter's valid range. */
static void site_clamp(const struct dcproj_scenario *sc, const struct dcproj_site *s, double *lo,
                       double *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    if (s->param->slot == 0)
        return;
    const struct dcproj_slot *in = &sc->slots[s->param->slot - 1];
    *lo = in->min;
    *hi = in->max;
    if (in->min_open)
        *lo = in->min == -1.0 ? -0.999999 : in->min == 0.0 ? 1e-9 : nextafter(in->min, INFINITY);
    if (in->max_open)
        *hi = nextafter(in->max, -INFINITY);
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Find or add the factor called `name`; its index, or -1 out of memory. */
static long factor_for(struct dcproj_sens_plan *p, const char *name)
{
    for (size_t f = 0; f < p->n_factors; f++)
        if (strcmp(p->factors[f].name, name) == 0)
            return (long)f;
    struct factor *nf = dcproj_realloc(p->factors, (p->n_factors + 1) * sizeof *nf);
    if (nf == NULL)
        return -1;
    p->factors = nf;
    memset(&nf[p->n_factors], 0, sizeof *nf);
    snprintf(nf[p->n_factors].name, DCPROJ_SENS_NAME_LEN, "%s", name);
    return (long)p->n_factors++;
}

static int factor_add_col(struct factor *f, size_t col)
{
    size_t *c = dcproj_realloc(f->cols, (f->n_cols + 1) * sizeof *c);
    if (c == NULL)
        return -1;
    f->cols = c;
    f->cols[f->n_cols++] = col;
    return 0;
}

/* The name of an event: `events.ID` or `events[i]`. */
static void event_name(const struct dcproj_scenario *sc, size_t e, char *buf, size_t size)
{
    if (sc->events[e].id[0] != '\0')
        snprintf(buf, size, "events.%s", sc->events[e].id);
    else
        snprintf(buf, size, "events[%zu]", e);
}

/* The factor name of column `c` under opt->by. */
static void column_factor_name(const struct dcproj_sens_plan *p, const struct column *c,
                               char *buf, size_t size)
{
    const struct dcproj_scenario *sc = p->sc;
    if (c->event >= 0) {
        if (p->opt.by == DCPROJ_SENS_BY_COUNTRY)
            snprintf(buf, size, "%s", sc->countries[sc->events[c->event].country].code);
        else
            event_name(sc, (size_t)c->event, buf, size);
        return;
    }
    const struct dcproj_site *s = &p->sl.s[c->site];
    if (s->variable >= 0 || p->opt.by == DCPROJ_SENS_BY_PATH) {
        snprintf(buf, size, "%s", s->path);
        return;
    }
    const char *code = sc->countries[s->country].code;
    if (p->opt.by == DCPROJ_SENS_BY_COUNTRY) {
        snprintf(buf, size, "%s", code);
        return;
    }
    /* by site: the path when it names the country, else path@CODE */
    char prefix[DCPROJ_ID_LEN + 16];
    snprintf(prefix, sizeof prefix, "countries.%s.", code);
    if (strncmp(s->path, prefix, strlen(prefix)) == 0)
        snprintf(buf, size, "%s", s->path);
    else
        snprintf(buf, size, "%s@%s", s->path, code);
}

static int plan_columns(struct dcproj_sens_plan *p, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = p->sc;
    /* occurrences: events whose probability is a value below 1 */
    size_t n_occ = 0;
    for (size_t e = 0; e < sc->n_events; e++) {
        const struct dcproj_param *pr = &sc->events[e].probability;
        if (pr->dist == DCPROJ_DIST_NONE && pr->slot > 0 && param_mean(pr, p->vars) < 1.0)
            n_occ++;
    }
    p->n_cols = p->sl.n + n_occ;
    p->cols = dcproj_calloc(p->n_cols > 0 ? p->n_cols : 1, sizeof *p->cols);
    if (p->cols == NULL)
        return nomem(sc, err);
    double lo_q = p->opt.range_lo, hi_q = p->opt.range_hi;
    for (size_t s = 0; s < p->sl.n; s++) {
        struct column *c = &p->cols[s];
        const struct dcproj_site *site = &p->sl.s[s];
        c->site = (long)s;
        c->event = -1;
        site_clamp(sc, site, &c->min, &c->max);
        c->lo_value = clampd(param_quantile(site->param, p->vars, lo_q), c->min, c->max);
        c->hi_value = clampd(param_quantile(site->param, p->vars, hi_q), c->min, c->max);
    }
    size_t k = p->sl.n;
    for (size_t e = 0; e < sc->n_events; e++) {
        const struct dcproj_param *pr = &sc->events[e].probability;
        if (!(pr->dist == DCPROJ_DIST_NONE && pr->slot > 0 && param_mean(pr, p->vars) < 1.0))
            continue;
        struct column *c = &p->cols[k++];
        c->site = -1;
        c->event = (long)e;
        c->prob = param_mean(pr, p->vars);
        c->lo_value = 0;
        c->hi_value = 1;
    }
    for (size_t i = 0; i < p->n_cols; i++) {
        char name[DCPROJ_SENS_NAME_LEN];
        column_factor_name(p, &p->cols[i], name, sizeof name);
        long f = factor_for(p, name);
        if (f < 0 || factor_add_col(&p->factors[f], i) != 0)
            return nomem(sc, err);
    }
    if (p->n_factors == 0)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                "no factor to analyse: sensitivity needs a distribution "
                                "(a draw site) or an event with probability below 1");
    return DCPROJ_OK;
}

static int plan_output(struct dcproj_sens_plan *p, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = p->sc;
    const char *metric = p->opt.metric ? p->opt.metric : "capacity";
    if (strcmp(metric, "capacity") == 0)
        p->metric = METRIC_CAPACITY;
    else if (strcmp(metric, "it_load_mw") == 0)
        p->metric = METRIC_IT;
    else if (strcmp(metric, "facility_mw") == 0)
        p->metric = METRIC_FACILITY;
    else if (strcmp(metric, "energy_twh") == 0)
        p->metric = METRIC_ENERGY;
    else
        return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                "--metric: expected capacity, it_load_mw, facility_mw or "
                                "energy_twh, got \"%s\"",
                                metric);
    if (p->metric != METRIC_CAPACITY && !sc->has_power)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, "power", 0, 0,
                                "--metric %s needs \"power\" in the scenario", metric);
    int B = sc->baseline_year, H = sc->horizon;
    p->year = p->opt.at_year ? p->opt.at_year : H;
    if (p->year < B || p->year > H)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                "--at %d: expected a year from %d to %d", p->year, B, H);
    if (p->metric == METRIC_ENERGY && p->year == B)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                "--at %d: energy_twh is the energy of a calendar year after the "
                                "baseline year %d (SPEC §3.7): expected a year from %d to %d",
                                p->year, B, B + 1, H);
    p->e_month = 12 * (p->year - B);
    const char *scope = p->opt.scope ? p->opt.scope : "TOTAL";
    p->members = dcproj_calloc(sc->n_countries, sizeof *p->members);
    if (p->members == NULL)
        return nomem(sc, err);
    long ci = dcproj_scenario_find_country(sc, scope), gi = dcproj_scenario_find_group(sc, scope);
    if (strcmp(scope, "TOTAL") == 0) {
        for (size_t i = 0; i < sc->n_countries; i++)
            p->members[p->n_members++] = i;
    } else if (ci >= 0) {
        p->members[p->n_members++] = (size_t)ci;
    } else if (gi >= 0) {
        for (size_t i = 0; i < sc->n_countries; i++)
            for (size_t g = 0; g < sc->countries[i].n_groups; g++)
                if (sc->countries[i].groups[g] == (size_t)gi)
                    p->members[p->n_members++] = i;
    } else {
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                "--scope %s: no country or group of that name", scope);
    }
    return DCPROJ_OK;
}

static double column_value(const struct dcproj_sens_plan *p, size_t c, double u);

/* Sobol: A and B, N x n_cols uniforms each (see the file comment), then
 * mapped once through each column's inverse CDF (so a run only copies
 * values: the inverse CDFs, PERT's above all, cost more than a run). */
static int plan_matrices(struct dcproj_sens_plan *p, struct dcproj_error *err)
{
    size_t N = (size_t)p->opt.samples, d = p->n_cols;
    p->a = dcproj_malloc(N * d * sizeof *p->a);
    p->b = dcproj_malloc(N * d * sizeof *p->b);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (p->a == NULL || p->b == NULL || rng == NULL) {
        if (rng != NULL)
            gsl_rng_free(rng);
        return nomem(p->sc, err);
    }
    for (size_t r = 0; r < N; r++) {
        if (r % SOBOL_BLOCK == 0)
            gsl_rng_set(rng, mc_stream_seed(p->seed, r / SOBOL_BLOCK, 0));
        for (size_t c = 0; c < d; c++)
            p->a[r * d + c] = gsl_rng_uniform_pos(rng);
        for (size_t c = 0; c < d; c++)
            p->b[r * d + c] = gsl_rng_uniform_pos(rng);
    }
    gsl_rng_free(rng);
    for (size_t r = 0; r < N; r++)
        for (size_t c = 0; c < d; c++) {
            p->a[r * d + c] = column_value(p, c, p->a[r * d + c]);
            p->b[r * d + c] = column_value(p, c, p->b[r * d + c]);
        }
    return DCPROJ_OK;
}

static void plan_key(struct dcproj_sens_plan *p)
{
    char hash[DCPROJ_SHA256_HEX_LEN] = "";
    struct dcproj_error e;
    dcproj_error_init(&e);
    dcproj_scenario_hash(p->sc, hash, &e);
    char lo[DCPROJ_NUMBER_LEN], hi[DCPROJ_NUMBER_LEN];
    dcproj_format_number(p->opt.range_lo, -1, 0, lo);
    dcproj_format_number(p->opt.range_hi, -1, 0, hi);
    static const char *const by[] = {"path", "site", "country"};
    char text[1024];
    int n = snprintf(text, sizeof text,
                     "dcproj-sensitivity\n%s\n%s\n%s\n%s:%s\n%ld\n%ld\n%s\n%s\n%d\n%llu\n", hash,
                     p->opt.method == DCPROJ_SENS_SOBOL ? "sobol" : "oat", by[p->opt.by], lo, hi,
                     p->opt.samples, p->opt.bootstrap, p->opt.metric ? p->opt.metric : "capacity",
                     p->opt.scope ? p->opt.scope : "TOTAL", p->year,
                     (unsigned long long)p->seed);
    dcproj_sha256_hex(text, (size_t)n, p->key);
}

int dcproj_sens_plan(const struct dcproj_scenario *sc, const struct dcproj_sens_options *opt,
                     struct dcproj_sens_plan **out, struct dcproj_error *err)
{
    *out = NULL;
    struct dcproj_sens_plan *p = dcproj_calloc(1, sizeof *p);
    if (p == NULL)
        return nomem(sc, err);
    p->sc = sc;
    if (opt != NULL)
        p->opt = *opt;
    if (p->opt.range_lo == 0 && p->opt.range_hi == 0) {
        p->opt.range_lo = 0.1;
        p->opt.range_hi = 0.9;
    }
    if (p->opt.samples == 0)
        p->opt.samples = 4096;
    if (p->opt.bootstrap == 0)
        p->opt.bootstrap = 200;
    if (p->opt.bootstrap < 0)
        p->opt.bootstrap = 0;
    p->seed = sc->seed;
    int rc = DCPROJ_OK;
    if (!(p->opt.range_lo > 0 && p->opt.range_lo < p->opt.range_hi && p->opt.range_hi < 1)) {
        rc = dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                              "--range LO:HI: expected 0 < LO < HI < 1");
        goto fail;
    }
    if (p->opt.samples < 2 || p->opt.samples > 100000000L) {
        rc = dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                              "--samples: expected a whole number from 2 to 100000000");
        goto fail;
    }
    if (p->opt.method == DCPROJ_SENS_SOBOL && sc->n_correlations > 0) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, "uncertainty.correlation", 0, 0,
                              "Sobol indices assume independent inputs and the scenario "
                              "correlates some: use --method oat");
        goto fail;
    }
    /* the prepared model (prepared.c): the scenario's model and its
       variables solved once on the deterministic scenario */
    if ((rc = prepared_open(sc, &p->prep, err)) != DCPROJ_OK)
        goto fail;
    p->m = *prepared_model(p->prep);
    p->vars = dcproj_malloc((sc->n_variables > 0 ? sc->n_variables : 1) * sizeof *p->vars);
    if (p->vars == NULL) {
        rc = nomem(sc, err);
        goto fail;
    }
    for (size_t v = 0; v < sc->n_variables; v++)
        p->vars[v] = prepared_solved(p->prep)[v];
    if (sites_build(sc, &p->sl) != 0) {
        rc = nomem(sc, err);
        goto fail;
    }
    if ((rc = plan_output(p, err)) != DCPROJ_OK || (rc = plan_columns(p, err)) != DCPROJ_OK)
        goto fail;
    size_t k = p->n_factors, N = (size_t)p->opt.samples;
    if (p->opt.method == DCPROJ_SENS_SOBOL) {
        if (N > SIZE_MAX / (k + 2) / p->n_cols / sizeof(double)) {
            rc = nomem(sc, err);
            goto fail;
        }
        p->n_runs = N * (k + 2);
        if ((rc = plan_matrices(p, err)) != DCPROJ_OK)
            goto fail;
    } else {
        p->n_runs = 2 * k + 3;
    }
    plan_key(p);
    *out = p;
    return DCPROJ_OK;
fail:
    dcproj_sens_plan_free(p);
    return rc;
}

void dcproj_sens_plan_free(struct dcproj_sens_plan *p)
{
    if (p == NULL)
        return;
    dcproj_prepared_free(p->prep);
    sites_clear(&p->sl);
    for (size_t f = 0; f < p->n_factors; f++)
        dcproj_free(p->factors[f].cols);
    dcproj_free(p->factors);
    dcproj_free(p->cols);
    dcproj_free(p->vars);
    dcproj_free(p->members);
    dcproj_free(p->a);
    dcproj_free(p->b);
    dcproj_free(p);
}

size_t dcproj_sens_runs(const struct dcproj_sens_plan *p)
{
    return p->n_runs;
}

const char *dcproj_sens_key(const struct dcproj_sens_plan *p)
{
    return p->key;
}

/* ------------------------------------------------------------ evaluation */

/* Per-thread working space. */
struct work {
    double *slot_values;      /* [n_slots], NaN = keep */
    double *vars;             /* [n_variables] */
    double *seg;
    struct event_values *ev;
    size_t max_ev;
    struct energy_scratch scratch;
};

static int work_init(const struct dcproj_sens_plan *p, struct work *w)
{
    const struct dcproj_scenario *sc = p->sc;
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < sc->n_countries; i++)
        if (model_n_events(&p->m, i) > w->max_ev)
            w->max_ev = model_n_events(&p->m, i);
    w->slot_values = dcproj_malloc((sc->n_slots > 0 ? sc->n_slots : 1) * sizeof(double));
    w->vars = dcproj_malloc((sc->n_variables > 0 ? sc->n_variables : 1) * sizeof(double));
    w->seg = dcproj_malloc((p->m.max_segments > 0 ? p->m.max_segments : 1) * sizeof(double));
    w->ev = dcproj_malloc((w->max_ev > 0 ? w->max_ev : 1) * sizeof *w->ev);
    return w->slot_values && w->vars && w->seg && w->ev ? 0 : -1;
}

static void work_clear(struct work *w)
{
    dcproj_free(w->slot_values);
    dcproj_free(w->vars);
    dcproj_free(w->seg);
    dcproj_free(w->ev);
    dcproj_free(w->scratch.t);
}

/* Set column `c` to value `x` (a site's value, or 0/1 for an occurrence). */
static void set_column(const struct dcproj_sens_plan *p, struct work *w, size_t c, double x)
{
    const struct column *col = &p->cols[c];
    if (col->event >= 0) {
        w->slot_values[p->sc->events[col->event].probability.slot - 1] = x;
        return;
    }
    const struct dcproj_site *s = &p->sl.s[col->site];
    if (s->variable >= 0)
        w->vars[s->variable] = x;
    else
        w->slot_values[s->param->slot - 1] = x;
}

/* The value of column c for uniform u (Sobol). */
static double column_value(const struct dcproj_sens_plan *p, size_t c, double u)
{
    const struct column *col = &p->cols[c];
    if (col->event >= 0)
        return u < col->prob ? 1.0 : 0.0;
    return clampd(param_quantile(p->sl.s[col->site].param, p->vars, u), col->min, col->max);
}

/* Fill the inputs of run r into w; *what names the run for messages. */
static void run_inputs(const struct dcproj_sens_plan *p, size_t r, struct work *w, char *what,
                       size_t size)
{
    const struct dcproj_scenario *sc = p->sc;
    for (size_t i = 0; i < sc->n_slots; i++)
        w->slot_values[i] = NAN;
    for (size_t v = 0; v < sc->n_variables; v++)
        w->vars[v] = p->vars[v];
    size_t k = p->n_factors;
    if (p->opt.method == DCPROJ_SENS_OAT) {
        if (r == 0) {
            snprintf(what, size, "the base run");
        } else if (r <= 2 * k) {
            const struct factor *f = &p->factors[(r - 1) / 2];
            int high = (r - 1) % 2;
            for (size_t j = 0; j < f->n_cols; j++)
                set_column(p, w, f->cols[j],
                           high ? p->cols[f->cols[j]].hi_value : p->cols[f->cols[j]].lo_value);
            snprintf(what, size, "factor %s at its %s value", f->name, high ? "high" : "low");
        } else {
            int high = r == 2 * k + 2;
            for (size_t c = 0; c < p->n_cols; c++)
                set_column(p, w, c, high ? p->cols[c].hi_value : p->cols[c].lo_value);
            snprintf(what, size, "every factor at its %s value", high ? "high" : "low");
        }
        return;
    }
    size_t N = (size_t)p->opt.samples, d = p->n_cols;
    size_t row = r % N, mat = r / N; /* 0 = A, 1 = B, 2 + i = A_B(i) */
    const double *src = mat == 1 ? &p->b[row * d] : &p->a[row * d];
    for (size_t c = 0; c < d; c++)
        set_column(p, w, c, src[c]);
    if (mat >= 2) {
        const struct factor *f = &p->factors[mat - 2];
        for (size_t j = 0; j < f->n_cols; j++)
            set_column(p, w, f->cols[j], p->b[row * d + f->cols[j]]);
        snprintf(what, size, "row %zu of A_B for factor %s", row, f->name);
    } else {
        snprintf(what, size, "row %zu of %s", row, mat == 0 ? "A" : "B");
    }
}

/* The output of the run whose inputs are in w. */
static int run_output(const struct dcproj_sens_plan *p, struct work *w, double *out,
                      struct dcproj_error *err)
{
    struct model m = p->m;
    m.slot_values = w->slot_values;
    double total = 0;
    for (size_t j = 0; j < p->n_members; j++) {
        size_t i = p->members[j];
        struct country_values cv = {.seg_rates = w->seg};
        double cap;
        int fl = 0;
        int rc = model_country_values(&m, i, w->vars, &cv, err);
        if (rc == DCPROJ_OK)
            rc = model_event_values(&m, i, w->vars, w->ev, err);
        if (rc == DCPROJ_OK)
            rc = model_country_series(&m, i, &cv, w->ev, &p->e_month, NULL, 1, &cap, &fl, err);
        if (rc != DCPROJ_OK)
            return rc;
        double v = cap;
        if (p->metric != METRIC_CAPACITY) {
            struct power_values pv;
            int B = p->sc->baseline_year;
            double t = (double)p->e_month / 12.0;
            rc = model_power_values(&m, i, w->vars, &pv, err);
            if (rc == DCPROJ_OK && p->metric == METRIC_ENERGY) {
                /* calendar year `at`: the period (t - 1, t] */
                rc = model_energy(&m, i, &cv, w->ev, &pv, t - 1.0, t, &w->scratch, &v);
                if (rc != DCPROJ_OK)
                    return dcproj_error_set(err, rc, p->sc->file, NULL, 0, 0, "out of memory");
            } else if (rc == DCPROJ_OK) {
                model_power_at(&pv, B, t, cap, p->metric == METRIC_IT ? &v : NULL,
                               p->metric == METRIC_FACILITY ? &v : NULL);
            }
            if (rc != DCPROJ_OK)
                return rc;
        }
        total += v;
    }
    *out = total;
    return DCPROJ_OK;
}

static int eval_block(const struct dcproj_sens_plan *p, size_t from, size_t to, double *values,
                      struct dcproj_error *err)
{
    struct work w;
    int rc = DCPROJ_OK;
    if (work_init(p, &w) != 0) {
        work_clear(&w);
        return nomem(p->sc, err);
    }
    for (size_t r = from; r < to; r++) {
        char what[DCPROJ_SENS_NAME_LEN + 64];
        run_inputs(p, r, &w, what, sizeof what);
        struct dcproj_error e;
        dcproj_error_init(&e);
        rc = run_output(p, &w, &values[r], &e);
        if (rc == DCPROJ_OK && !isfinite(values[r])) {
            rc = DCPROJ_ERR_DATA;
            dcproj_error_set(&e, rc, p->sc->file, NULL, 0, 0, "the output is not finite");
        }
        if (rc != DCPROJ_OK) {
            const struct dcproj_error_item *it = e.count > 0 ? &e.items[0] : NULL;
            dcproj_error_set(err, rc, p->sc->file, it ? it->path : NULL, 0, 0,
                             "sensitivity run %zu (%s) failed: %s", r, what,
                             it ? it->message : "out of memory");
            break;
        }
    }
    work_clear(&w);
    return rc;
}

struct eval_job {
    const struct dcproj_sens_plan *p;
    size_t from, to;
    double *values;
    int rc;
    struct dcproj_error err;
};

static void *eval_main(void *arg)
{
    struct eval_job *j = arg;
    dcproj_error_init(&j->err);
    j->rc = eval_block(j->p, j->from, j->to, j->values, &j->err);
    return NULL;
}

int dcproj_sens_eval(const struct dcproj_sens_plan *p, size_t from, size_t to, double *values,
                     struct dcproj_error *err)
{
    if (to > p->n_runs)
        to = p->n_runs;
    if (from >= to)
        return DCPROJ_OK;
    long nt = dcproj_threads_resolve(p->opt.threads);
    if (nt > 64)
        nt = 64;
    if ((size_t)nt > to - from)
        nt = (long)(to - from);
    if (nt == 1)
        return eval_block(p, from, to, values, err);
    struct eval_job jobs[64];
    pthread_t tid[64];
    size_t per = (to - from + (size_t)nt - 1) / (size_t)nt;
    long started = 0;
    for (long t = 0; t < nt; t++) {
        jobs[t] = (struct eval_job){p, from + (size_t)t * per, from + (size_t)(t + 1) * per,
                                    values, DCPROJ_OK, {0}};
        if (jobs[t].to > to)
            jobs[t].to = to;
        if (t > 0 && pthread_create(&tid[t], NULL, eval_main, &jobs[t]) == 0) {
            started |= 1L << t;
        } else if (t > 0) {
            eval_main(&jobs[t]);
        }
    }
    eval_main(&jobs[0]);
    for (long t = 1; t < nt; t++)
        if (started & (1L << t))
            pthread_join(tid[t], NULL);
    /* the first failing run in run order wins, whatever the thread count */
    for (long t = 0; t < nt; t++) {
        if (jobs[t].rc != DCPROJ_OK) {
            dcproj_error_merge(err, &jobs[t].err);
            return jobs[t].rc;
        }
    }
    return DCPROJ_OK;
}

/* ------------------------------------------------------------- the table */

static int cmp_oat(const void *x, const void *y)
{
    const struct dcproj_sens_row *a = x, *b = y;
    double sa = fabs(a->swing), sb = fabs(b->swing);
    if (sa != sb)
        return sa > sb ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int cmp_sobol(const void *x, const void *y)
{
    const struct dcproj_sens_row *a = x, *b = y;
    if (a->has_indices && b->has_indices && a->st != b->st)
        return a->st > b->st ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* V, S_i and ST_i over rows idx[0..N) (identity when idx is NULL).  f(B)
 * enters S_i centred on the mean of the A and B rows, as SALib centres its
 * outputs: the expectation is Saltelli's, the variance far smaller when the
 * output's mean is large against its spread (a TOTAL in MW). */
static void sobol_indices(const struct dcproj_sens_plan *p, const double *values,
                          const size_t *idx, double *s1, double *st, double *var)
{
    size_t N = (size_t)p->opt.samples, k = p->n_factors;
    const double *fa = values, *fb = values + N;
    double mean = 0;
    for (size_t j = 0; j < N; j++) {
        size_t r = idx ? idx[j] : j;
        mean += fa[r] + fb[r];
    }
    mean /= (double)(2 * N);
    double ss = 0;
    for (size_t j = 0; j < N; j++) {
        size_t r = idx ? idx[j] : j;
        ss += (fa[r] - mean) * (fa[r] - mean) + (fb[r] - mean) * (fb[r] - mean);
    }
    double V = ss / (double)(2 * N - 1);
    *var = V;
    for (size_t i = 0; i < k; i++) {
        const double *fab = values + (2 + i) * N;
        double a1 = 0, a2 = 0;
        for (size_t j = 0; j < N; j++) {
            size_t r = idx ? idx[j] : j;
            a1 += (fb[r] - mean) * (fab[r] - fa[r]);
            a2 += (fa[r] - fab[r]) * (fa[r] - fab[r]);
        }
        s1[i] = a1 / (double)N / V;
        st[i] = a2 / (double)(2 * N) / V;
    }
}

static int finish_sobol(const struct dcproj_sens_plan *p, const double *values,
                        struct dcproj_sens_result *res)
{
    size_t k = p->n_factors, N = (size_t)p->opt.samples, R = (size_t)p->opt.bootstrap;
    double *s1 = dcproj_malloc(k * sizeof *s1), *st = dcproj_malloc(k * sizeof *st);
    double *bs1 = dcproj_malloc((R > 0 ? R : 1) * k * sizeof *bs1);
    double *bst = dcproj_malloc((R > 0 ? R : 1) * k * sizeof *bst);
    double *col = dcproj_malloc((R > 0 ? R : 1) * sizeof *col);
    size_t *idx = dcproj_malloc(N * sizeof *idx);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = DCPROJ_OK;
    if (!s1 || !st || !bs1 || !bst || !col || !idx || !rng) {
        rc = DCPROJ_ERR_NOMEM;
        goto done;
    }
    double V;
    sobol_indices(p, values, NULL, s1, st, &V);
    res->zero_variance = !(V > 0);
    for (size_t r = 0; r < R && !res->zero_variance; r++) {
        gsl_rng_set(rng, mc_stream_seed(p->seed, 2, r));
        for (size_t j = 0; j < N; j++)
            idx[j] = (size_t)gsl_rng_uniform_int(rng, N);
        double v;
        sobol_indices(p, values, idx, &bs1[r * k], &bst[r * k], &v);
    }
    for (size_t i = 0; i < k; i++) {
        struct dcproj_sens_row *row = &res->rows[i];
        snprintf(row->name, sizeof row->name, "%s", p->factors[i].name);
        row->has_indices = !res->zero_variance;
        row->s1 = s1[i];
        row->st = st[i];
        if (R > 0 && row->has_indices) {
            row->has_interval = 1;
            for (size_t r = 0; r < R; r++)
                col[r] = bs1[r * k + i];
            gsl_sort(col, 1, R);
            row->s1_lo = gsl_stats_quantile_from_sorted_data(col, 1, R, 0.025);
            row->s1_hi = gsl_stats_quantile_from_sorted_data(col, 1, R, 0.975);
            for (size_t r = 0; r < R; r++)
                col[r] = bst[r * k + i];
            gsl_sort(col, 1, R);
            row->st_lo = gsl_stats_quantile_from_sorted_data(col, 1, R, 0.025);
            row->st_hi = gsl_stats_quantile_from_sorted_data(col, 1, R, 0.975);
        }
    }
    res->n_rows = k;
    qsort(res->rows, k, sizeof *res->rows, cmp_sobol);
done:
    if (rng != NULL)
        gsl_rng_free(rng);
    dcproj_free(s1);
    dcproj_free(st);
    dcproj_free(bs1);
    dcproj_free(bst);
    dcproj_free(col);
    dcproj_free(idx);
    return rc;
}

static void finish_oat(const struct dcproj_sens_plan *p, const double *values,
                       struct dcproj_sens_result *res)
{
    size_t k = p->n_factors;
    for (size_t i = 0; i < k; i++) {
        const struct factor *f = &p->factors[i];
        struct dcproj_sens_row *row = &res->rows[i];
        snprintf(row->name, sizeof row->name, "%s", f->name);
        row->has_inputs = 1;
        row->low = p->cols[f->cols[0]].lo_value;
        row->high = p->cols[f->cols[0]].hi_value;
        for (size_t j = 1; j < f->n_cols; j++)
            if (memcmp(&p->cols[f->cols[j]].lo_value, &row->low, sizeof(double)) != 0 ||
                memcmp(&p->cols[f->cols[j]].hi_value, &row->high, sizeof(double)) != 0)
                row->has_inputs = 0;
        row->out_base = values[0];
        row->out_low = values[1 + 2 * i];
        row->out_high = values[2 + 2 * i];
        row->swing = row->out_high - row->out_low;
    }
    qsort(res->rows, k, sizeof *res->rows, cmp_oat);
    struct dcproj_sens_row *all = &res->rows[k];
    snprintf(all->name, sizeof all->name, "ALL");
    all->out_base = values[0];
    all->out_low = values[2 * k + 1];
    all->out_high = values[2 * k + 2];
    all->swing = all->out_high - all->out_low;
    res->n_rows = k + 1;
}

int dcproj_sens_finish(const struct dcproj_sens_plan *p, const double *values,
                       struct dcproj_sens_result **out, struct dcproj_error *err)
{
    *out = NULL;
    struct dcproj_sens_result *res = dcproj_calloc(1, sizeof *res);
    if (res == NULL || (res->rows = dcproj_calloc(p->n_factors + 1, sizeof *res->rows)) == NULL) {
        dcproj_free(res);
        return nomem(p->sc, err);
    }
    res->method = p->opt.method;
    if (p->opt.method == DCPROJ_SENS_OAT) {
        finish_oat(p, values, res);
    } else if (finish_sobol(p, values, res) != DCPROJ_OK) {
        dcproj_sens_result_free(res);
        return nomem(p->sc, err);
    }
    *out = res;
    return DCPROJ_OK;
}

void dcproj_sens_result_free(struct dcproj_sens_result *r)
{
    if (r == NULL)
        return;
    dcproj_free(r->rows);
    dcproj_free(r);
}

static void opt_number(struct dcproj_table_writer *w, int present, double v)
{
    if (present)
        dcproj_table_number(w, v);
    else
        dcproj_table_text(w, "");
}

int dcproj_sens_write(const struct dcproj_sens_result *r, const struct dcproj_format *fmt,
                      FILE *out, struct dcproj_error *err)
{
    struct dcproj_table_writer w;
    dcproj_table_begin(&w, out, fmt);
    static const char *const oat[] = {"factor", "low", "high", "output_low", "output_base",
                                      "output_high", "swing"};
    static const char *const sobol[] = {"factor", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"};
    for (int c = 0; c < 7; c++)
        dcproj_table_text(&w, r->method == DCPROJ_SENS_OAT ? oat[c] : sobol[c]);
    dcproj_table_end_record(&w);
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct dcproj_sens_row *row = &r->rows[i];
        dcproj_table_text(&w, row->name);
        if (r->method == DCPROJ_SENS_OAT) {
            int all = strcmp(row->name, "ALL") == 0 && i == r->n_rows - 1;
            opt_number(&w, row->has_inputs && !all, row->low);
            opt_number(&w, row->has_inputs && !all, row->high);
            dcproj_table_number(&w, row->out_low);
            dcproj_table_number(&w, row->out_base);
            dcproj_table_number(&w, row->out_high);
            dcproj_table_number(&w, row->swing);
        } else {
            opt_number(&w, row->has_indices, row->s1);
            opt_number(&w, row->has_interval, row->s1_lo);
            opt_number(&w, row->has_interval, row->s1_hi);
            opt_number(&w, row->has_indices, row->st);
            opt_number(&w, row->has_interval, row->st_lo);
            opt_number(&w, row->has_interval, row->st_hi);
        }
        dcproj_table_end_record(&w);
    }
    return dcproj_table_finish(&w, err);
}

/* ----------------------------------------------------------------- shards */

void dcproj_sens_shard_range(const struct dcproj_sens_plan *p, long k, long n, size_t *from,
                             size_t *to)
{
    size_t per = (p->n_runs + (size_t)n - 1) / (size_t)n;
    *from = (size_t)(k - 1) * per;
    *to = *from + per;
    if (*from > p->n_runs)
        *from = p->n_runs;
    if (*to > p->n_runs)
        *to = p->n_runs;
}

/* The (matrix, row, factor) naming of run r in a shard file. */
static void run_label(const struct dcproj_sens_plan *p, size_t r, const char **matrix, long *row,
                      const char **factor)
{
    size_t k = p->n_factors;
    *row = -1;
    *factor = "";
    if (p->opt.method == DCPROJ_SENS_OAT) {
        if (r == 0) {
            *matrix = "base";
        } else if (r <= 2 * k) {
            *matrix = (r - 1) % 2 ? "high" : "low";
            *factor = p->factors[(r - 1) / 2].name;
        } else {
            *matrix = r == 2 * k + 1 ? "all_low" : "all_high";
        }
        return;
    }
    size_t N = (size_t)p->opt.samples, mat = r / N;
    *row = (long)(r % N);
    *matrix = mat == 0 ? "A" : mat == 1 ? "B" : "AB";
    if (mat >= 2)
        *factor = p->factors[mat - 2].name;
}

int dcproj_sens_shard_write(const struct dcproj_sens_plan *p, long k, long n,
                            const double *values, FILE *out, struct dcproj_error *err)
{
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    struct dcproj_table_writer w;
    dcproj_table_begin(&w, out, &fmt);
    const char *head[] = {"matrix", "row", "factor", "value"};
    for (int c = 0; c < 4; c++)
        dcproj_table_text(&w, head[c]);
    dcproj_table_end_record(&w);
    char kn[64];
    snprintf(kn, sizeof kn, "%ld/%ld", k, n);
    const char *meta[2][2] = {{"shard", kn}, {"key", p->key}};
    for (int m = 0; m < 2; m++) {
        dcproj_table_text(&w, "meta");
        dcproj_table_text(&w, "");
        dcproj_table_text(&w, meta[m][0]);
        dcproj_table_text(&w, meta[m][1]);
        dcproj_table_end_record(&w);
    }
    size_t from, to;
    dcproj_sens_shard_range(p, k, n, &from, &to);
    for (size_t r = from; r < to; r++) {
        const char *matrix, *factor;
        long row;
        run_label(p, r, &matrix, &row, &factor);
        dcproj_table_text(&w, matrix);
        if (row >= 0)
            dcproj_table_number(&w, (double)row);
        else
            dcproj_table_text(&w, "");
        dcproj_table_text(&w, factor);
        dcproj_table_number(&w, values[r]);
        dcproj_table_end_record(&w);
    }
    return dcproj_table_finish(&w, err);
}

/* Split one CSV line of a shard file into 4 fields (quoted fields allowed,
 * as the table writer writes them).  Returns the number of fields. */
static int split_line(char *line, char *fields[4])
{
    int n = 0;
    char *p = line;
    while (n < 4) {
        char *dst = p;
        fields[n++] = p;
        if (*p == '"') {
            char *s = p + 1;
            for (;;) {
                if (*s == '\0')
                    return -1;
                if (*s == '"' && s[1] == '"') {
                    *dst++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *dst++ = *s++;
                }
            }
            if (*s != ',' && *s != '\0')
                return -1;
            char end = *s;
            *dst = '\0';
            if (end == '\0')
                return n;
            p = s + 1;
        } else {
            char *c = strchr(p, ',');
            if (c == NULL)
                return n;
            *c = '\0';
            p = c + 1;
        }
    }
    return *p == '\0' || p[-1] != ',' ? n : 5;
}

int dcproj_sens_shard_read(const struct dcproj_sens_plan *p, const char *name, const char *data,
                           size_t len, double *values, unsigned char *filled, long *k, long *n,
                           struct dcproj_error *err)
{
    char *text = dcproj_malloc(len + 1);
    if (text == NULL)
        return nomem(p->sc, err);
    memcpy(text, data, len);
    text[len] = '\0';
    int rc = DCPROJ_OK;
    long lineno = 0;
    int have_key = 0;
    *k = *n = 0;
    size_t from = 0, to = 0;
    for (char *line = text, *next; line != NULL && *line != '\0'; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        size_t ll = strlen(line);
        if (ll > 0 && line[ll - 1] == '\r')
            line[--ll] = '\0';
        char *f[4];
        if (split_line(line, f) != 4) {
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)lineno, 0,
                                  "expected 4 fields matrix,row,factor,value");
            break;
        }
        if (lineno == 1) {
            if (strcmp(f[0], "matrix") != 0 || strcmp(f[1], "row") != 0 ||
                strcmp(f[2], "factor") != 0 || strcmp(f[3], "value") != 0) {
                rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, 1, 0,
                                      "not a sensitivity shard: expected the header "
                                      "matrix,row,factor,value");
                break;
            }
            continue;
        }
        if (strcmp(f[0], "meta") == 0) {
            if (strcmp(f[2], "shard") == 0) {
                if (sscanf(f[3], "%ld/%ld", k, n) != 2 || *n < 1 || *k < 1 || *k > *n) {
                    rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)lineno, 0,
                                          "expected shard K/N, got \"%s\"", f[3]);
                    break;
                }
                dcproj_sens_shard_range(p, *k, *n, &from, &to);
            } else if (strcmp(f[2], "key") == 0) {
                if (strcmp(f[3], p->key) != 0) {
                    rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)lineno, 0,
                                          "this shard was computed for another scenario or "
                                          "other options (its key differs): run --merge with "
                                          "the options the shards were computed with");
                    break;
                }
                have_key = 1;
            }
            continue;
        }
        if (!have_key || *n == 0) {
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)lineno, 0,
                                  "a shard starts with its meta shard and key rows");
            break;
        }
        /* the r-th data row is run from + r */
        size_t r = from + (size_t)(lineno - 4);
        const char *matrix, *factor;
        long row;
        double v;
        if (r < to)
            run_label(p, r, &matrix, &row, &factor);
        char rowtext[32] = "";
        if (r < to && row >= 0)
            snprintf(rowtext, sizeof rowtext, "%ld", row);
        if (r >= to || strcmp(f[0], matrix) != 0 || strcmp(f[1], rowtext) != 0 ||
            strcmp(f[2], factor) != 0 || dcproj_parse_number(f[3], 0, &v) != 0) {
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)lineno, 0,
                                  "unexpected row (shard %ld/%ld holds runs %zu to %zu in order)",
                                  *k, *n, from, to ? to - 1 : 0);
            break;
        }
        if (filled[r]) {
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)lineno, 0,
                                  "run %zu is given twice (the same shard passed twice?)", r);
            break;
        }
        values[r] = v;
        filled[r] = 1;
    }
    if (rc == DCPROJ_OK && (!have_key || *n == 0))
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, 0, 0,
                              "not a complete sensitivity shard (no meta rows)");
    dcproj_free(text);
    return rc;
}
