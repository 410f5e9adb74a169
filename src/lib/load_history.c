/*
 * load_history.c — observed history and the `fit` growth model (SPEC §3.9,
 * §3 model 5): a country's `history` object and the keys of a fit.  The
 * fit itself runs in the model (fit.c); what can be checked without it is
 * checked here.
 */
#include "load_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_history(struct ctx *c, const struct frame *cf, struct dcproj_country *co)
{
    struct frame hf = fkey(cf, "history");
    if (hf.node == NULL)
        return 0;
    if (want_object(c, &hf, "an object of observed year-end values {\"2019\": v, ...}") != 0)
        return -1;
    int bad = 0;
    if (source_ref(c, &hf, NULL) != 0)
        bad++;
    struct year_value *obs = NULL;
    size_t k = 0;
    if (year_values(c, &hf, "source", &obs, &k) != 0)
        return -1;
    for (size_t i = 0; i < k; i++) {
        struct frame vf = fchild(&hf, obs[i].node, -1);
        if (obs[i].year < c->B - 100 || obs[i].year > c->B) {
            report(c, &vf, "a history year must be within %d..%d (baseline_year - 100 .. "
                           "baseline_year), got %d",
                   c->B - 100, c->B, obs[i].year);
            bad++;
        } else if (!(obs[i].value >= 0)) {
            report(c, &vf, "expected an observed value >= 0, got %s", shown_json(obs[i].node).s);
            bad++;
        }
    }
    if (bad) {
        dcproj_free(obs);
        return -1;
    }
    co->history_years = dcproj_malloc((k ? k : 1) * sizeof *co->history_years);
    co->history_values = dcproj_malloc((k ? k : 1) * sizeof *co->history_values);
    if (co->history_years == NULL || co->history_values == NULL) {
        dcproj_free(obs);
        oom(c);
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        co->history_years[i] = obs[i].year;
        co->history_values[i] = obs[i].value;
    }
    co->n_history = k;
    dcproj_free(obs);
    return 0;
}

static const char *const CURVE_NAMES[] = {"compound", "linear", "logistic", NULL};
static const char *const ERRORS_NAMES[] = {"absolute", "relative", NULL};
static const char *const ANCHOR_NAMES[] = {"fit", "last", NULL};

int parse_fit(struct ctx *c, const struct frame *gf, struct dcproj_growth *g)
{
    static const char *const keys[] = {"model", "curve",    "from",   "errors",
                                       "anchor", "uncertain", "source", NULL};
    int bad = check_keys(c, gf, keys, " for model \"fit\"");
    struct frame cvf = fkey(gf, "curve"), ff = fkey(gf, "from"), ef = fkey(gf, "errors"),
                 af = fkey(gf, "anchor"), uf = fkey(gf, "uncertain");
    /* `source` is checked by parse_growth_body() for every model */
    if (cvf.node == NULL) {
        report(c, gf, "missing key \"curve\" for model \"fit\" (compound, linear or logistic)");
        bad++;
    } else {
        int k = enum_value(c, &cvf, CURVE_NAMES, "fit curve");
        if (k < 0)
            bad++;
        else
            g->fit_curve = (enum dcproj_fit_curve)k;
    }
    if (ef.node != NULL) {
        int k = enum_value(c, &ef, ERRORS_NAMES, "kind of errors");
        if (k < 0)
            bad++;
        else
            g->fit_relative = k == 1;
    }
    if (af.node != NULL) {
        int k = enum_value(c, &af, ANCHOR_NAMES, "anchor");
        if (k < 0)
            bad++;
        else
            g->fit_anchor_last = k == 1;
    }
    if (uf.node != NULL) {
        if (!cJSON_IsBool(uf.node)) {
            report(c, &uf, "expected true or false, got %s", shown_json(uf.node).s);
            bad++;
        } else {
            g->fit_uncertain = cJSON_IsTrue(uf.node);
        }
    }
    if (ff.node != NULL) {
        long long from = 0;
        char what[64];
        snprintf(what, sizeof what, "a year <= baseline_year %d", c->B);
        if (get_int(c, &ff, 1000, c->B, what, &from) != 0)
            bad++;
        else
            g->fit_from = (int)from;
    }
    return bad ? -1 : 0;
}
