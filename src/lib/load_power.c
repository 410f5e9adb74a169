/*
 * load_power.c — `pue` and `utilization` (SPEC §3.7): a parameter (number,
 * variable reference, distribution) or a curve over year-ends
 * {"points": {"2023": 1.2, ...}, "interp": "linear"|"step"}; and the
 * `metric` names of SPEC §4 shared by targets and `uncertainty.metrics`.
 */
#include <stdlib.h>
#include <string.h>

#include "load_int.h"

static const char *const METRIC_NAMES[] = {"capacity", "it_load_mw", "facility_mw", "energy_twh",
                                           NULL};

const char *dcproj_metric_name(enum dcproj_metric metric)
{
    return (unsigned)metric < DCPROJ_N_METRICS ? METRIC_NAMES[metric] : "?";
}

int parse_metric(struct ctx *c, const struct frame *f, enum dcproj_metric *out)
{
    int k = enum_value(c, f, METRIC_NAMES, "metric");
    if (k < 0)
        return -1;
    *out = (enum dcproj_metric)k;
    return 0;
}

/* The curve form at frame `f` (an object with "points"). */
static int parse_curve(struct ctx *c, const struct frame *f, const struct range *r,
                       struct dcproj_power_input *out)
{
    static const char *const keys[] = {"points", "interp", NULL};
    static const char *const interps[] = {"linear", "step", NULL};
    int bad = check_keys(c, f, keys, " in a power curve");
    struct frame pf = fkey(f, "points"), itf = fkey(f, "interp");
    out->is_curve = 1;
    if (itf.node != NULL) {
        int k = enum_value(c, &itf, interps, "interpolation");
        if (k < 0)
            bad++;
        else
            out->step = k == 1;
    }
    if (want_object(c, &pf, "an object of year-end values {\"2023\": v, ...}") != 0)
        return -1;
    struct year_value *pts = NULL;
    size_t k = 0;
    if (year_values(c, &pf, NULL, &pts, &k) != 0)
        return -1;
    if (k == 0) {
        report(c, &pf, "a power curve needs at least one point");
        bad++;
    }
    for (size_t i = 0; i < k; i++) {
        struct frame vf = fchild(&pf, pts[i].node, -1);
        if (plain_number(c, &vf, r, &pts[i].value) != 0)
            bad++;
    }
    if (bad) {
        dcproj_free(pts);
        return -1;
    }
    out->years = dcproj_malloc(k * sizeof *out->years);
    out->values = dcproj_malloc(k * sizeof *out->values);
    if (out->years == NULL || out->values == NULL) {
        dcproj_free(pts);
        oom(c);
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        out->years[i] = pts[i].year;
        out->values[i] = pts[i].value;
    }
    out->n_points = k;
    dcproj_free(pts);
    return 0;
}

int parse_power_input(struct ctx *c, const struct frame *f, const struct range *r,
                      struct dcproj_power_input *out)
{
    memset(out, 0, sizeof *out);
    if (cJSON_IsObject(f->node) && cJSON_GetObjectItemCaseSensitive(f->node, "points") != NULL)
        return parse_curve(c, f, r, out);
    return parse_param(c, f, r, &out->param, NULL);
}

int power_input_copy(struct ctx *c, const struct dcproj_power_input *from,
                     struct dcproj_power_input *to)
{
    *to = *from;
    to->years = NULL;
    to->values = NULL;
    if (!from->is_curve)
        return 0;
    if (from->n_points == 0)
        return 0; /* an empty curve (refused later): nothing to copy */
    to->years = dcproj_malloc(from->n_points * sizeof *to->years);
    to->values = dcproj_malloc(from->n_points * sizeof *to->values);
    if (to->years == NULL || to->values == NULL) {
        dcproj_free(to->years);
        dcproj_free(to->values);
        to->years = NULL;
        to->values = NULL;
        to->n_points = 0;
        oom(c);
        return -1;
    }
    memcpy(to->years, from->years, from->n_points * sizeof *to->years);
    memcpy(to->values, from->values, from->n_points * sizeof *to->values);
    return 0;
}

void power_input_free(struct dcproj_power_input *p)
{
    dcproj_free(p->years);
    dcproj_free(p->values);
    p->years = NULL;
    p->values = NULL;
}

/* A metric other than capacity needs `power` (SPEC §4). */
static int metric_needs_power(struct ctx *c, const struct frame *f, enum dcproj_metric m)
{
    if (m == DCPROJ_METRIC_CAPACITY || c->sc->has_power)
        return 0;
    report(c, f, "metric \"%s\" needs \"power\" {\"pue\": ..., \"utilization\": ...}",
           dcproj_metric_name(m));
    return -1;
}

int target_metric(struct ctx *c, const struct frame *f, struct dcproj_target *t)
{
    t->metric = DCPROJ_METRIC_CAPACITY;
    if (f->node == NULL)
        return 0;
    if (parse_metric(c, f, &t->metric) != 0 || metric_needs_power(c, f, t->metric) != 0)
        return -1;
    if (t->metric == DCPROJ_METRIC_ENERGY && t->year != 0 &&
        (t->year <= c->B || (t->is_ratio && t->base_year != 0 && t->base_year <= c->B))) {
        report(c, f, "an energy_twh target's year and base_year must be after baseline_year %d "
                     "(the energy of calendar year %d is not projected)", c->B, c->B);
        return -1;
    }
    return 0;
}

int parse_metrics(struct ctx *c, const struct frame *f)
{
    struct dcproj_scenario *sc = c->sc;
    sc->metrics[0] = DCPROJ_METRIC_CAPACITY;
    sc->n_metrics = 1;
    if (f->node == NULL)
        return 0;
    if (!cJSON_IsArray(f->node) || cJSON_GetArraySize(f->node) == 0) {
        report(c, f, "expected a non-empty array of metrics (capacity, it_load_mw, facility_mw, "
                     "energy_twh), got %s", shown_json(f->node).s);
        return -1;
    }
    int bad = 0;
    size_t n = 0;
    long i = 0;
    for (const cJSON *m = f->node->child; m != NULL; m = m->next, i++) {
        struct frame mf = fchild(f, m, i);
        enum dcproj_metric k;
        if (parse_metric(c, &mf, &k) != 0 || metric_needs_power(c, &mf, k) != 0) {
            bad++;
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= sc->metrics[j] == k;
        if (dup) {
            report(c, &mf, "metric \"%s\" is listed twice", dcproj_metric_name(k));
            bad++;
            continue;
        }
        sc->metrics[n++] = k;
    }
    if (bad)
        return -1;
    sc->n_metrics = n;
    return 0;
}

void warn_pue_input(struct ctx *c, const struct frame *f, const struct dcproj_power_input *in)
{
    double mean;
    if (in->is_curve) {
        struct frame pf = fkey(f, "points");
        for (size_t k = 0; k < in->n_points; k++)
            warn_pue(c, &pf, in->values[k]);
    } else if (written_mean(&in->param, &mean) == 0) {
        warn_pue(c, f, mean);
    }
}
