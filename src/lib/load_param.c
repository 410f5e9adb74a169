/*
 * load_param.c — dates (SPEC §1), parameter ranges, variable references and
 * distributions (SPEC §2.1, §5.1): turning one JSON value into a
 * struct dcproj_param, with what is known of its range at load time.
 */
#include "load_int.h"
#include "model_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Dates (SPEC §1)                                                          */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Parse `n` decimal digits of `s`. */
int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int cmp_year_value(const void *a, const void *b)
{
    const struct year_value *x = a, *y = b;
    return (x->year > y->year) - (x->year < y->year);
}

int year_values(struct ctx *c, const struct frame *f, const char *skip, struct year_value **out,
                size_t *n_out)
{
    size_t n = 0;
    for (const cJSON *p = f->node->child; p != NULL; p = p->next)
        n += !ignored_key(p->string) && (skip == NULL || strcmp(p->string, skip) != 0);
    struct year_value *v = dcproj_calloc(n ? n : 1, sizeof *v);
    if (v == NULL) {
        oom(c);
        return -1;
    }
    size_t k = 0;
    int bad = 0;
    for (const cJSON *p = f->node->child; p != NULL; p = p->next) {
        if (ignored_key(p->string) || (skip != NULL && strcmp(p->string, skip) == 0))
            continue;
        int y;
        if (strlen(p->string) != 4 || digits(p->string, 4, &y) != 0) {
            report(c, f, "expected a year \"YYYY\" as key, got \"%s\"", p->string);
            bad++;
            continue;
        }
        if (!cJSON_IsNumber(p)) {
            struct frame vf = fchild(f, p, -1);
            report(c, &vf, "expected a number, got %s", shown_json(p).s);
            bad++;
            continue;
        }
        v[k].year = y;
        v[k].value = p->valuedouble;
        v[k].node = p;
        k++;
    }
    if (bad) {
        dcproj_free(v);
        return -1;
    }
    qsort(v, k, sizeof *v, cmp_year_value);
    *out = v;
    *n_out = k;
    return 0;
}

/*
 * Parse a date `YYYY`, `YYYY-Qn`, `YYYY-MM` or `YYYY-MM-DD` (a real
 * Gregorian day) into its year and its start in months since the end of
 * baseline year B: s = 12·(Y − 1 − B) + (M − 1) + (D − 1)/days_in_month.
 * Returns -1 when the text is not such a date.
 */
int parse_date(const char *s, int B, int *year, double *start_months)
{
    size_t n = strlen(s);
    int y, m = 1, d = 1;
    if (n < 4 || digits(s, 4, &y) != 0)
        return -1;
    if (n == 4) {
        /* the year alone */
    } else if (n == 7 && s[4] == '-' && s[5] == 'Q') {
        if (s[6] < '1' || s[6] > '4')
            return -1;
        m = 3 * (s[6] - '0') - 2;
    } else if ((n == 7 || n == 10) && s[4] == '-') {
        if (digits(s + 5, 2, &m) != 0 || m < 1 || m > 12)
            return -1;
        if (n == 10) {
            if (s[7] != '-' || digits(s + 8, 2, &d) != 0 || d < 1 || d > days_in_month(y, m))
                return -1;
        }
    } else {
        return -1;
    }
    *year = y;
    *start_months = 12.0 * (y - 1 - B) + (m - 1) + (double)(d - 1) / days_in_month(y, m);
    return 0;
}

/* What explains a value that is not a date (SPEC §9 v2: name the slip):
 * ": write the date as a string: \"2026\"" for a number, ": February 2024
 * has 29 days" for a day past the month's end, else "". */
void date_hint(const cJSON *node, char *buf, size_t size)
{
    static const char *const months[12] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};
    buf[0] = '\0';
    if (cJSON_IsNumber(node)) {
        double v = node->valuedouble;
        if (v >= 1000 && v <= 9999 && v == floor(v))
            snprintf(buf, size, ": write the date as a string: \"%d\"", (int)v);
        else
            snprintf(buf, size, ": write the date as a string, e.g. \"2026-07\"");
        return;
    }
    if (!cJSON_IsString(node))
        return;
    const char *s = node->valuestring;
    int y, m, d;
    if (strlen(s) == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &y) == 0
        && digits(s + 5, 2, &m) == 0 && digits(s + 8, 2, &d) == 0 && m >= 1 && m <= 12
        && d > days_in_month(y, m))
        snprintf(buf, size, ": %s %d has %d days", months[m - 1], y, days_in_month(y, m));
    else if (strlen(s) >= 7 && s[4] == '-' && digits(s, 4, &y) == 0 && digits(s + 5, 2, &m) == 0
             && (m < 1 || m > 12))
        snprintf(buf, size, ": months run from 01 to 12");
    else if (strlen(s) == 7 && s[4] == '-' && s[5] == 'Q')
        snprintf(buf, size, ": quarters run from Q1 to Q4");
}

/* ------------------------------------------------------------------------ */
/* Parameters (SPEC §2.1, §5.1)                                             */

const struct range R_ANY = {"a number", -HUGE_VAL, HUGE_VAL, 0, 0};
const struct range R_NONNEG = {"a number >= 0", 0, HUGE_VAL, 0, 0};
const struct range R_POS = {"a number > 0", 0, HUGE_VAL, 1, 0};
const struct range R_RATE = {"a number > -1", -1, HUGE_VAL, 1, 0};
const struct range R_PROB = {"a number in [0, 1]", 0, 1, 0, 0};
const struct range R_PUE = {"a number >= 1", 1, HUGE_VAL, 0, 0};
const struct range R_UTIL = {"a number in (0, 1]", 0, 1, 1, 0};

int in_range(const struct range *r, double x)
{
    int lo_ok = r->lo_open ? x > r->lo : x >= r->lo;
    int hi_ok = r->hi_open ? x < r->hi : x <= r->hi;
    return lo_ok && hi_ok;
}

/* A plain number in range `r`. */
int plain_number(struct ctx *c, const struct frame *f, const struct range *r, double *out)
{
    if (!cJSON_IsNumber(f->node) || !in_range(r, f->node->valuedouble)) {
        report(c, f, "expected %s, got %s", r->text, shown_json(f->node).s);
        return -1;
    }
    *out = f->node->valuedouble;
    return 0;
}

/* Suggest a declared variable for an unknown id. */
static void report_unknown_variable(struct ctx *c, const struct frame *f, const char *id)
{
    const struct dcproj_scenario *sc = c->sc;
    if (sc->n_variables == 0) {
        report(c, f, "unknown variable \"%s\" (there is no \"variables\" object)", id);
        return;
    }
    struct nearest nb = {id, NULL, 0};
    for (size_t i = 0; i < sc->n_variables; i++)
        nearest_consider(&nb, sc->variables[i].id);
    if (nb.best != NULL)
        report(c, f, "unknown variable \"%s\"; did you mean \"%s\"?", id, nb.best);
    else
        report(c, f, "unknown variable \"%s\" (not a key of \"variables\")", id);
}

/*
 * A variable reference {"var": id, "times": a, "plus": b} at frame `f`.
 * `r` (or NULL) is the range its value must lie in, checked when the
 * variable is fixed.  With `fixed_only` the variable must be fixed (a
 * distribution's field).  Marks the variable as used.  *known and *value
 * give its value when it is a valid fixed variable.
 */
static int parse_ref(struct ctx *c, const struct frame *f, const struct range *r, int fixed_only,
                     struct dcproj_value *v, int *known, double *value)
{
    static const char *const keys[] = {"var", "times", "plus", NULL};
    int bad = check_keys(c, f, keys, " in a variable reference");
    *known = 0;
    struct frame vf = fkey(f, "var"), tf = fkey(f, "times"), pf = fkey(f, "plus");
    v->times = 1;
    v->plus = 0;
    v->var = -1;
    if (tf.node != NULL && plain_number(c, &tf, &R_ANY, &v->times) != 0)
        bad++;
    if (pf.node != NULL && plain_number(c, &pf, &R_ANY, &v->plus) != 0)
        bad++;
    if (!cJSON_IsString(vf.node)) {
        report(c, &vf, "expected a variable id, got %s", shown_json(vf.node).s);
        return -1;
    }
    long idx = idmap_get(&c->vars, vf.node->valuestring);
    if (idx < 0) {
        report_unknown_variable(c, &vf, vf.node->valuestring);
        return -1;
    }
    c->var_used[idx] = 1;
    v->var = (int)idx;
    const struct dcproj_variable *var = &c->sc->variables[idx];
    if (bad)
        return -1;
    if (!c->var_ok[idx])
        return 0;
    /* in a frozen what-if every variable is fixed at the parent's solution
     * before anything is drawn, so a distribution may be centred on one */
    if (fixed_only && !var->fixed && !c->frozen) {
        report(c, &vf,
               "a distribution's fields may only use fixed variables; \"%s\" is an unknown "
               "(it has no \"value\")",
               var->id);
        return -1;
    }
    if (var->dist.dist != DCPROJ_DIST_NONE) {
        if (fixed_only) {
            report(c, &vf,
                   "a distribution's fields may not use the shared uncertain variable \"%s\" "
                   "(its value is a distribution)",
                   var->id);
            return -1;
        }
        /* checked over a·[support] + b (bounded) or at the mean (normal,
         * lognormal: clamped after the draw) */
        double lo = v->times * var->min + v->plus, hi = v->times * var->max + v->plus;
        if (lo > hi) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        if (r != NULL && (!in_range(r, lo) || !in_range(r, hi))) {
            report(c, f, "expected %s, got %s = [%s, %s] (the shared uncertain variable \"%s\" "
                         "ranges over [%s, %s])",
                   r->text, shown_json(f->node).s, shown_number(lo).s, shown_number(hi).s, var->id, shown_number(var->min).s,
                   shown_number(var->max).s);
            return -1;
        }
        *known = 1;
        *value = v->times * var->value + v->plus;
        return 0;
    }
    if (var->fixed) {
        double x = v->times * var->value + v->plus;
        if (r != NULL && !in_range(r, x)) {
            report(c, f, "expected %s, got %s = %s (variable \"%s\" is fixed at %s)", r->text,
                   shown_json(f->node).s, shown_number(x).s, var->id, shown_number(var->value).s);
            return -1;
        }
        *known = 1;
        *value = x;
    }
    return 0;
}

/* A distribution's field: a number or a reference to a fixed variable. */
static int dist_field(struct ctx *c, const struct frame *f, struct dcproj_value *v, int *known,
                      double *value)
{
    v->var = -1;
    v->times = 1;
    v->plus = 0;
    if (cJSON_IsNumber(f->node)) {
        v->number = f->node->valuedouble;
        *known = 1;
        *value = v->number;
        return 0;
    }
    if (cJSON_IsObject(f->node) && cJSON_GetObjectItemCaseSensitive(f->node, "var") != NULL)
        return parse_ref(c, f, NULL, 1, v, known, value);
    report(c, f, "expected a number or a reference to a fixed variable {\"var\": ...}, got %s",
           shown_json(f->node).s);
    return -1;
}

struct dist_def {
    const char *name;
    enum dcproj_dist dist;
    const char *fields[3];
    size_t n;
    const char *needs;
};

static const struct dist_def DISTS[] = {
    {"normal", DCPROJ_DIST_NORMAL, {"mean", "sd", NULL}, 2, "\"mean\" and \"sd\""},
    {"lognormal", DCPROJ_DIST_LOGNORMAL, {"mean", "sd", NULL}, 2, "\"mean\" and \"sd\""},
    {"uniform", DCPROJ_DIST_UNIFORM, {"min", "max", NULL}, 2, "\"min\" and \"max\""},
    {"triangular", DCPROJ_DIST_TRIANGULAR, {"min", "mode", "max"}, 3,
     "\"min\", \"mode\" and \"max\""},
    {"pert", DCPROJ_DIST_PERT, {"min", "mode", "max"}, 3, "\"min\", \"mode\" and \"max\""},
};
#define N_DISTS (sizeof DISTS / sizeof DISTS[0])

/* A distribution {"dist": ..., fields} for a parameter of range `r`. */
static int parse_dist(struct ctx *c, const struct frame *f, const struct range *r,
                      struct dcproj_param *p, struct pinfo *pi)
{
    struct frame df = fkey(f, "dist");
    const struct dist_def *def = NULL;
    if (cJSON_IsString(df.node))
        for (size_t i = 0; i < N_DISTS; i++)
            if (strcmp(DISTS[i].name, df.node->valuestring) == 0)
                def = &DISTS[i];
    if (def == NULL) {
        struct nearest nb = {cJSON_IsString(df.node) ? df.node->valuestring : "", NULL, 0};
        for (size_t i = 0; i < N_DISTS && cJSON_IsString(df.node); i++)
            nearest_consider(&nb, DISTS[i].name);
        if (nb.best != NULL)
            report(c, &df, "unknown distribution %s; did you mean \"%s\"?", shown_json(df.node).s,
                   nb.best);
        else
            report(c, &df,
                   "expected a distribution (normal, lognormal, uniform, triangular, pert), "
                   "got %s",
                   shown_json(df.node).s);
        return -1;
    }
    const char *allowed[5] = {"dist", def->fields[0], def->fields[1], def->fields[2], NULL};
    char what[48];
    snprintf(what, sizeof what, " in a %s distribution", def->name);
    int bad = check_keys(c, f, allowed, what);
    int known[3] = {0, 0, 0};
    double val[3] = {0, 0, 0};
    struct frame ff[3];
    for (size_t i = 0; i < def->n; i++) {
        ff[i] = fkey(f, def->fields[i]);
        if (ff[i].node == NULL) {
            report(c, f, "missing key \"%s\" (a %s distribution needs %s)", def->fields[i],
                   def->name, def->needs);
            bad++;
        } else if (dist_field(c, &ff[i], &p->f[i], &known[i], &val[i]) != 0) {
            bad++;
        }
    }
    if (bad)
        return -1;
    p->dist = def->dist;
    if ((p->path = written_path(c, f)) == NULL)
        return -1;
    size_t last = def->n - 1;
    if (def->dist == DCPROJ_DIST_NORMAL || def->dist == DCPROJ_DIST_LOGNORMAL) {
        if (known[1] && val[1] < 0) {
            report(c, &ff[1], "expected a standard deviation >= 0, got %s", shown_json(ff[1].node).s);
            bad++;
        }
        if (known[0] && def->dist == DCPROJ_DIST_LOGNORMAL && val[0] <= 0) {
            report(c, &ff[0], "expected a mean > 0 (lognormal), got %s", shown_json(ff[0].node).s);
            bad++;
        } else if (known[0] && !in_range(r, val[0])) {
            report(c, &ff[0], "expected %s (the mean is the deterministic value), got %s",
                   r->text, shown_json(ff[0].node).s);
            bad++;
        }
        if (!bad && known[0]) {
            pi->known = 1;
            pi->lo = pi->hi = val[0];
        }
        return bad ? -1 : 0;
    }
    if (known[0] && known[last] && !(val[0] < val[last])) {
        report(c, &ff[last], "expected a max greater than min %s, got %s", shown_number(val[0]).s,
               shown_json(ff[last].node).s);
        return -1;
    }
    if (def->n == 3 && known[1] && known[0] && known[2] && (val[1] < val[0] || val[1] > val[2])) {
        report(c, &ff[1], "expected a mode in [%s, %s], got %s", shown_number(val[0]).s, shown_number(val[2]).s,
               shown_json(ff[1].node).s);
        return -1;
    }
    for (size_t i = 0; i < def->n; i += last) {
        if (known[i] && !in_range(r, val[i])) {
            report(c, &ff[i],
                   "expected %s (a bounded distribution must lie inside the parameter's "
                   "valid range), got %s",
                   r->text, shown_json(ff[i].node).s);
            bad++;
        }
    }
    if (!bad && known[0] && known[last]) {
        pi->known = 1;
        pi->lo = val[0];
        pi->hi = val[last];
    }
    return bad ? -1 : 0;
}

/* Reset a parameter to the plain number x. */
void param_number(struct dcproj_param *p, double x)
{
    memset(p, 0, sizeof *p);
    p->dist = DCPROJ_DIST_NONE;
    p->v.var = -1;
    p->v.number = x;
    p->v.times = 1;
    for (int i = 0; i < 3; i++) {
        p->f[i].var = -1;
        p->f[i].times = 1;
    }
}

/*
 * Record the parameter just converted at frame `f` in the slot registry
 * (struct dcproj_slot): its path as the document writes it, the country it
 * feeds and where it was converted to.  The registry is how sweeps and
 * sensitivity runs change one written value without loading again, and how
 * draw sites are named (SPEC §5.2).  Returns 0, or -1 out of memory.
 */
static int record_slot(struct ctx *c, const struct frame *f, struct dcproj_param *p,
                        const struct range *r)
{
    if (c->n_slots == c->cap_slots) {
        size_t cap = c->cap_slots ? 2 * c->cap_slots : 32;
        struct dcproj_slot *in = dcproj_realloc(c->slots, cap * sizeof *in);
        if (in == NULL) {
            oom(c);
            return -1;
        }
        c->slots = in;
        c->cap_slots = cap;
    }
    struct dcproj_slot *in = &c->slots[c->n_slots];
    if ((in->path = written_path(c, f)) == NULL)
        return -1;
    in->country = c->slot_country;
    in->param = p;
    p->slot = c->n_slots + 1;
    in->min = r->lo;
    in->max = r->hi;
    in->min_open = r->lo_open;
    in->max_open = r->hi_open;
    c->n_slots++;
    return 0;
}

/*
 * A parameter (SPEC §2.1) at frame `f` whose values must lie in `r`: a
 * number, a variable reference or a distribution.  *pi (may be NULL)
 * receives what is known about its values for cross-checks.
 */
int parse_param(struct ctx *c, const struct frame *f, const struct range *r,
                struct dcproj_param *p, struct pinfo *pi)
{
    struct pinfo dummy;
    if (pi == NULL)
        pi = &dummy;
    memset(pi, 0, sizeof *pi);
    param_number(p, 0);
    const cJSON *n = f->node;
    if (cJSON_IsNumber(n)) {
        if (plain_number(c, f, r, &p->v.number) != 0)
            return -1;
        pi->known = 1;
        pi->lo = pi->hi = p->v.number;
        return record_slot(c, f, p, r);
    }
    if (cJSON_IsObject(n) && cJSON_GetObjectItemCaseSensitive(n, "dist") != NULL)
        return parse_dist(c, f, r, p, pi) != 0 ? -1 : record_slot(c, f, p, r);
    if (cJSON_IsObject(n) && cJSON_GetObjectItemCaseSensitive(n, "var") != NULL) {
        int known = 0;
        double x = 0;
        if (parse_ref(c, f, r, 0, &p->v, &known, &x) != 0)
            return -1;
        if (known) {
            pi->known = 1;
            pi->lo = pi->hi = x;
        }
        return record_slot(c, f, p, r);
    }
    if (cJSON_IsObject(n))
        report(c, f, "expected %s, a variable reference {\"var\": ...} or a distribution "
                     "{\"dist\": ...}, got %s",
               r->text, shown_json(n).s);
    else
        report(c, f, "expected %s, got %s", r->text, shown_json(n).s);
    return -1;
}

const char *dcproj_dist_name(enum dcproj_dist dist)
{
    if (dist == DCPROJ_DIST_NONE)
        return "none";
    for (size_t i = 0; i < N_DISTS; i++)
        if (DISTS[i].dist == dist)
            return DISTS[i].name;
    return "?";
}

/* ---- slips (SPEC §9 v2 "Warnings") ------------------------------------ */

/* The written value of a parameter: its number, or its distribution's mean
 * (param_mean) when every field is a number.  -1 when it involves a
 * variable: solved and variable values are never checked for slips. */
int written_mean(const struct dcproj_param *p, double *out)
{
    if (p->dist == DCPROJ_DIST_NONE) {
        if (p->v.var >= 0)
            return -1;
    } else {
        int n = p->dist == DCPROJ_DIST_NORMAL || p->dist == DCPROJ_DIST_LOGNORMAL ? 1
                : p->dist == DCPROJ_DIST_UNIFORM                                 ? 2
                                                                                 : 3;
        for (int k = 0; k < n; k++)
            if (p->f[k].var >= 0)
                return -1;
    }
    *out = param_mean(p, NULL);
    return 0;
}

/* A compound or piecewise rate (or a rate distribution's mean) above 1 is
 * most likely a percentage: "+1500% a year: did you mean 0.15?". */
void warn_rate_percent(struct ctx *c, const struct frame *f, const struct dcproj_param *p)
{
    double r;
    if (written_mean(p, &r) != 0 || !(r > 1))
        return;
    warn(c, f, "%s%s is +%s%% a year: did you mean %s?",
         p->dist == DCPROJ_DIST_NONE ? "rate " : "the mean rate ", shown_number(r).s,
         shown_number(100.0 * r).s, shown_number(r / 100.0).s);
}

/* A pue above 3 (no datacenter runs that inefficiently; 1.1 to 2 is usual). */
void warn_pue(struct ctx *c, const struct frame *f, double pue)
{
    if (pue > 3)
        warn(c, f, "pue %s is above 3: PUE is facility power / IT power, usually 1.1 to 2%s",
             shown_number(pue).s, pue >= 100 ? " (a percentage? write 1.3 for 130%)" : "");
}

/* A linear per_year above 10 times a positive baseline (their written
 * values or means). */
void warn_per_year(struct ctx *c, const struct frame *f, const struct dcproj_param *per_year,
                   const struct dcproj_param *baseline)
{
    double a, c0;
    if (written_mean(per_year, &a) != 0 || written_mean(baseline, &c0) != 0 || !(c0 > 0)
        || !(a > 10 * c0))
        return;
    warn(c, f, "per_year %s is %s times the baseline %s: is it in the scenario's unit per "
               "year (not a total, not a percentage)?",
         shown_number(a).s, shown_number(round(a / c0 * 10) / 10).s, shown_number(c0).s);
}
