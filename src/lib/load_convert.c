/*
 * load_convert.c — converting the final scenario document into struct dcproj_scenario.
 *
 * The document layer (doc_int.h) reads the file, resolves `extends` and
 * applies the command-line patches and overrides; this module walks the
 * final cJSON tree once, validates it against SPEC §1–§5 (everything that
 * does not need the model to run) and fills plain C structs.  No JSON tree
 * outlives the load.
 *
 * Problems are collected where they are independent (one per bad key,
 * country, event, target, ...), but a section that later sections depend on
 * (the years, the countries object) stops the walk when it is invalid, so a
 * message is never the echo of an earlier one.
 *
 * Paths and origins are computed only when a problem is reported: the walk
 * keeps a chain of stack frames (struct frame) from the root to the node at
 * hand, and report() turns it into `countries.IE.growth.rates[1].until` and
 * asks the document layer where the value came from.
 *
 * A country's growth that is merged onto `defaults.growth` (SPEC §3) is
 * built as a new cJSON tree whose nodes are tracked back to the nodes they
 * were copied from (struct merge_map), so a problem in a value inherited
 * from the defaults names `defaults.growth.…` and the country that uses it,
 * once, and a problem in the country's own value names the country's path.
 *
 * Decisions where SPEC is silent (documented here and in the report):
 * - Growth merge (§3) is RFC 7396 with two refinements so a merge never
 *   mixes incompatible forms: a country's `rate` drops an inherited `rates`
 *   and vice versa (conformance basic.json relies on it), and a parameter
 *   object of another kind (another "dist", or {"var"} onto a distribution)
 *   replaces the inherited one; same-kind objects merge field by field.
 * - A group may not have the name of a country (target scopes and output
 *   rows would be ambiguous).
 * - `points` values are any finite numbers (negative allowed; §3.6 floors
 *   apply); the baseline of a points curve must be a plain number >= 0.
 * - `points` with "extrapolate": "error" that end before the last year ever
 *   evaluated (horizon, target years) are refused here, not mid-run.
 * - A normal/lognormal parameter's mean (its deterministic value) must lie
 *   in the parameter's range; a bounded distribution's min and max must.
 *   Logistic: baseline > 0 and cap > baseline are checked with what is
 *   known at load (numbers, fixed variables, bounded supports).
 * - `calibration` defaults to "solve".  In a frozen scenario the rule
 *   "targets >= unknowns" applies to the parent (which is solved), not to
 *   the child, whose targets are only reported.
 * - JSON null where a value is expected is a type error; `sources` fields
 *   (`url`, `date`, `note`) are free strings; event dates after the horizon
 *   are accepted (they do not show); `until` and target years are <= 9999.
 * - Unknown-key messages carry the path of the unknown key itself
 *   (`countries.IE.groupz`: the key is the value at fault), which begins
 *   with the path of the object holding it.
 */
#include "load_int.h"
#include "model_int.h"
#include "numfmt_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Sources, variables, power                                                */

/* Count the keys of an object that are not comments. */
static size_t count_keys(const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *ch = obj ? obj->child : NULL; ch != NULL; ch = ch->next)
        n += !ignored_key(ch->string);
    return n;
}

static const char *const SOURCE_KIND_NAMES[] = {"fact", "estimate", "assumption", NULL};

const char *dcproj_source_kind_name(enum dcproj_source_kind kind)
{
    return (unsigned)kind < 3 ? SOURCE_KIND_NAMES[kind] : "?";
}

/* `sources`: id -> {title (required), url, date, note, kind}. */
static int convert_sources(struct ctx *c, const struct frame *top)
{
    static const char *const keys[] = {"title", "url", "date", "note", "kind", NULL};
    struct dcproj_scenario *sc = c->sc;
    struct frame sf = fkey(top, "sources");
    if (sf.node == NULL)
        return 0;
    if (want_object(c, &sf, "an object of sources {\"id\": {\"title\": ...}, ...}") != 0)
        return -1;
    size_t n = count_keys(sf.node);
    sc->sources = dcproj_calloc(n ? n : 1, sizeof *sc->sources);
    if (sc->sources == NULL) {
        oom(c);
        return -1;
    }
    sc->n_sources = n;
    int bad = 0;
    size_t i = 0;
    for (const cJSON *ch = sf.node->child; ch != NULL && !c->nomem; ch = ch->next) {
        if (ignored_key(ch->string))
            continue;
        struct dcproj_source *s = &sc->sources[i++];
        struct frame f = fchild(&sf, ch, -1);
        if (idmap_put(&c->sources, ch->string, i - 1) < 0) {
            oom(c);
            return -1;
        }
        if (!is_identifier(ch->string)) {
            report(c, &sf, "invalid source id \"%s\": expected [A-Za-z0-9][A-Za-z0-9_-]{0,31}",
                   ch->string);
            bad++;
            continue;
        }
        if (strcmp(ch->string, "TOTAL") == 0 || strcmp(ch->string, "ALL") == 0) {
            report(c, &f, "\"%s\" is reserved and cannot be a source id", ch->string);
            bad++;
            continue;
        }
        snprintf(s->id, sizeof s->id, "%s", ch->string);
        if (want_object(c, &f, "an object {\"title\": ..., \"url\": ..., \"date\": ...}") != 0) {
            bad++;
            continue;
        }
        bad += check_keys(c, &f, keys, " in a source");
        struct frame tf = fkey(&f, "title");
        if (tf.node == NULL) {
            report(c, &f, "missing key \"title\"");
            bad++;
        } else if (opt_string(c, &f, "title", &s->title) != 0) {
            bad++;
        }
        if (opt_string(c, &f, "url", &s->url) != 0)
            bad++;
        if (opt_string(c, &f, "date", &s->date) != 0)
            bad++;
        if (opt_string(c, &f, "note", &s->note) != 0)
            bad++;
        struct frame kf = fkey(&f, "kind");
        if (kf.node != NULL) {
            int k = enum_value(c, &kf, SOURCE_KIND_NAMES, "source kind");
            if (k < 0)
                bad++;
            else
                s->kind = (enum dcproj_source_kind)k;
        }
    }
    return bad || c->nomem ? -1 : 0;
}

/* A shared uncertain variable (SPEC §5.2): `value` is a distribution, one
 * draw site named `variables.ID`.  Deterministic runs use its mean; [min,
 * max] keeps what parameters referencing it are range-checked over: the
 * support of a bounded distribution, else the mean (normal and lognormal
 * values are clamped into each parameter's range after the draw). */
static int shared_variable(struct ctx *c, const struct frame *f, const struct frame *vf,
                           struct dcproj_variable *v)
{
    struct pinfo pi;
    if (parse_param(c, vf, &R_ANY, &v->dist, &pi) != 0)
        return -1;
    /* its site is named variables.ID, not variables.ID.value: in the slot
       registry too */
    if ((v->dist.path = written_path(c, f)) == NULL)
        return -1;
    if (v->dist.slot > 0)
        c->slots[v->dist.slot - 1].path = v->dist.path;
    /* its fields are numbers or earlier fixed variables (parse_ref checked) */
    double *vals = dcproj_malloc((c->sc->n_variables ? c->sc->n_variables : 1) * sizeof *vals);
    if (vals == NULL) {
        oom(c);
        return -1;
    }
    for (size_t k = 0; k < c->sc->n_variables; k++)
        vals[k] = c->sc->variables[k].value;
    v->value = param_mean(&v->dist, vals);
    dcproj_free(vals);
    v->min = v->max = v->value;
    if (v->dist.dist != DCPROJ_DIST_NORMAL && v->dist.dist != DCPROJ_DIST_LOGNORMAL && pi.known) {
        v->min = pi.lo;
        v->max = pi.hi;
    }
    return 0;
}

/* One variable (SPEC §4): {"value": v} or {"min", "max", "guess"}. */
static int convert_variable(struct ctx *c, const struct frame *f, struct dcproj_variable *v)
{
    static const char *const keys[] = {"value", "min", "max", "guess", "source", NULL};
    if (want_object(c, f, "an object {\"value\": v} or {\"min\": a, \"max\": b}") != 0)
        return -1;
    int bad = check_keys(c, f, keys, " in a variable");
    bad += source_ref(c, f, NULL) != 0;
    struct frame vf = fkey(f, "value"), lo = fkey(f, "min"), hi = fkey(f, "max"),
                 gf = fkey(f, "guess");
    if (vf.node != NULL) {
        /* In a frozen what-if the parent's unknowns are fixed at its
         * solution before the what-if's own changes apply (SPEC §4), so a
         * `value` the what-if gives an unknown of the parent fixes it there:
         * the `min`/`max`/`guess` merged in from the parent no longer count. */
        if (!c->frozen && (lo.node != NULL || hi.node != NULL || gf.node != NULL)) {
            report(c, f, "a variable has either \"value\" (fixed) or \"min\" and \"max\" "
                         "(unknown), not both");
            return -1;
        }
        v->fixed = 1;
        if (cJSON_IsObject(vf.node) && cJSON_GetObjectItemCaseSensitive(vf.node, "dist") != NULL)
            return shared_variable(c, f, &vf, v) != 0 || bad ? -1 : 0;
        return plain_number(c, &vf, &R_ANY, &v->value) != 0 || bad ? -1 : 0;
    }
    if (lo.node == NULL || hi.node == NULL) {
        report(c, f, "missing key \"%s\" (an unknown variable needs \"min\" and \"max\"; a "
                     "fixed one needs \"value\")",
               lo.node == NULL ? "min" : "max");
        return -1;
    }
    if (plain_number(c, &lo, &R_ANY, &v->min) != 0)
        bad++;
    if (plain_number(c, &hi, &R_ANY, &v->max) != 0)
        bad++;
    if (bad)
        return -1;
    if (!(v->min < v->max)) {
        report(c, &hi, "expected a max greater than min %s, got %s", shown_number(v->min).s, shown_json(hi.node).s);
        return -1;
    }
    v->guess = v->min + (v->max - v->min) / 2;
    if (gf.node != NULL) {
        struct range r = {"", v->min, v->max, 0, 0};
        if (!cJSON_IsNumber(gf.node) || !in_range(&r, gf.node->valuedouble)) {
            report(c, &gf, "expected a number in [%s, %s] (min and max), got %s", shown_number(v->min).s,
                   shown_number(v->max).s, shown_json(gf.node).s);
            return -1;
        }
        v->guess = gf.node->valuedouble;
    }
    return 0;
}

/* `variables`: ids registered first so references resolve even when a
 * variable itself is invalid. */
static int convert_variables(struct ctx *c, const struct frame *top)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame vs = fkey(top, "variables");
    size_t n = vs.node != NULL && cJSON_IsObject(vs.node) ? count_keys(vs.node) : 0;
    c->var_ok = dcproj_calloc(n ? n : 1, 1);
    c->var_used = dcproj_calloc(n ? n : 1, 1);
    sc->variables = dcproj_calloc(n ? n : 1, sizeof *sc->variables);
    if (c->var_ok == NULL || c->var_used == NULL || sc->variables == NULL) {
        oom(c);
        return -1;
    }
    if (vs.node == NULL)
        return 0;
    if (want_object(c, &vs, "an object of variables {\"g1\": {...}, ...}") != 0)
        return -1;
    sc->n_variables = n;
    int bad = 0;
    size_t i = 0;
    for (const cJSON *ch = vs.node->child; ch != NULL; ch = ch->next) {
        if (ignored_key(ch->string))
            continue;
        struct dcproj_variable *v = &sc->variables[i];
        if (idmap_put(&c->vars, ch->string, i) < 0) {
            oom(c);
            return -1;
        }
        i++;
        struct frame f = fchild(&vs, ch, -1);
        if (!is_identifier(ch->string)) {
            report(c, &vs, "invalid variable id \"%s\": expected [A-Za-z0-9][A-Za-z0-9_-]{0,31}",
                   ch->string);
            bad++;
            continue;
        }
        if (strcmp(ch->string, "TOTAL") == 0 || strcmp(ch->string, "ALL") == 0) {
            report(c, &f, "\"%s\" is reserved and cannot be a variable id", ch->string);
            bad++;
            continue;
        }
        snprintf(v->id, sizeof v->id, "%s", ch->string);
        if (convert_variable(c, &f, v) != 0)
            bad++;
        else
            c->var_ok[i - 1] = 1;
    }
    return bad ? -1 : 0;
}

/* Top-level `power` (SPEC §3.7).  *present says whether the key exists
 * (valid or not), so countries do not repeat its problems. */
static int convert_power(struct ctx *c, const struct frame *top, int *present)
{
    static const char *const keys[] = {"pue", "utilization", "source", NULL};
    struct dcproj_scenario *sc = c->sc;
    struct frame pw = fkey(top, "power");
    *present = pw.node != NULL;
    if (pw.node == NULL)
        return 0;
    if (want_object(c, &pw, "an object {\"pue\": ..., \"utilization\": ...}") != 0)
        return -1;
    int bad = check_keys(c, &pw, keys, " in \"power\"");
    bad += source_ref(c, &pw, NULL) != 0;
    struct frame pf = fkey(&pw, "pue"), uf = fkey(&pw, "utilization");
    if (pf.node == NULL) {
        report(c, &pw, "missing key \"pue\" (power needs \"pue\" and \"utilization\")");
        bad++;
    } else if (parse_power_input(c, &pf, &R_PUE, &sc->pue) != 0) {
        bad++;
    } else {
        warn_pue_input(c, &pf, &sc->pue);
    }
    if (uf.node == NULL) {
        report(c, &pw, "missing key \"utilization\" (power needs \"pue\" and \"utilization\")");
        bad++;
    } else if (parse_power_input(c, &uf, &R_UTIL, &sc->utilization) != 0) {
        bad++;
    }
    if (sc->unit != NULL && strcmp(sc->unit, "MW") != 0) {
        report(c, &pw, "\"power\" needs capacity in MW, but \"unit\" is \"%s\"", sc->unit);
        bad++;
    }
    if (bad)
        return -1;
    sc->has_power = 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Events (SPEC §3.5)                                                       */

/* Report an unknown country code, suggesting the nearest. */
static void report_unknown_country(struct ctx *c, const struct frame *f, const char *code)
{
    struct nearest nb = {code, NULL, 0};
    for (size_t i = 0; i < c->sc->n_countries && want_detail(c); i++)
        nearest_consider(&nb, c->sc->countries[i].code);
    if (nb.best != NULL)
        report(c, f, "unknown country \"%s\"; did you mean \"%s\"?", code, nb.best);
    else
        report(c, f, "unknown country \"%s\" (not a key of \"countries\")", code);
}

static const char *const EVENT_KEYS[] = {"country",      "date",   "add",  "ramp_months",
                                         "probability",  "delay_months", "source", "note",
                                         NULL};

static int convert_event(struct ctx *c, const struct frame *f, struct dcproj_event *e)
{
    param_number(&e->add, 0);
    param_number(&e->probability, 1);
    param_number(&e->delay_months, 0);
    if (want_object(c, f, "an event object {\"country\": ..., \"date\": ..., \"add\": ...}") != 0)
        return -1;
    int bad = check_keys(c, f, EVENT_KEYS, " in an event");
    struct frame cf = fkey(f, "country"), df = fkey(f, "date"), af = fkey(f, "add"),
                 rf = fkey(f, "ramp_months"), pf = fkey(f, "probability"),
                 lf = fkey(f, "delay_months");
    if (cf.node == NULL) {
        report(c, f, "missing key \"country\"");
        bad++;
    } else if (!cJSON_IsString(cf.node)) {
        report(c, &cf, "expected a country code, got %s", shown_json(cf.node).s);
        bad++;
    } else {
        long idx = idmap_get(&c->countries, cf.node->valuestring);
        if (idx < 0) {
            report_unknown_country(c, &cf, cf.node->valuestring);
            bad++;
        } else {
            e->country = (size_t)idx;
            c->slot_country = idx;
        }
    }
    int year;
    if (df.node == NULL) {
        report(c, f, "missing key \"date\"");
        bad++;
    } else if (!cJSON_IsString(df.node) ||
               parse_date(df.node->valuestring, c->B, &year, &e->start_months) != 0) {
        char hint[96];
        date_hint(df.node, hint, sizeof hint);
        report(c, &df, "expected a date YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD, got %s%s",
               shown_json(df.node).s, hint);
        bad++;
    } else if (e->start_months < 0) {
        report(c, &df,
               "expected a date from the start of %d on, got %s: the baseline already holds what "
               "existed in %d",
               c->B + 1, shown_json(df.node).s, c->B);
        bad++;
    } else {
        snprintf(e->date, sizeof e->date, "%s", df.node->valuestring);
    }
    if (af.node == NULL) {
        report(c, f, "missing key \"add\"");
        bad++;
    } else if (parse_param(c, &af, &R_ANY, &e->add, NULL) != 0) {
        bad++;
    }
    if (rf.node != NULL && plain_number(c, &rf, &R_NONNEG, &e->ramp_months) != 0)
        bad++;
    if (pf.node != NULL && parse_param(c, &pf, &R_PROB, &e->probability, NULL) != 0)
        bad++;
    if (lf.node != NULL && parse_param(c, &lf, &R_NONNEG, &e->delay_months, NULL) != 0)
        bad++;
    if (source_ref(c, f, &e->source) != 0)
        bad++;
    if (opt_string(c, f, "note", &e->note) != 0)
        bad++;
    c->slot_country = -1;
    return bad ? -1 : 0;
}

/* An event id of object-form `events` (SPEC §2, §3.5): an identifier, not
 * one of the reserved row names TOTAL and ALL. */
static int event_id_ok(struct ctx *c, const struct frame *f, const char *id)
{
    if (!is_identifier(id)) {
        report(c, f, "expected an event id (a letter or digit, then letters, digits, '_' or '-', "
                     "at most 32 characters), got \"%s\"", id);
        return 0;
    }
    if (strcmp(id, "TOTAL") == 0 || strcmp(id, "ALL") == 0) {
        report(c, f, "\"%s\" is reserved and cannot be an event id", id);
        return 0;
    }
    return 1;
}

/*
 * `events`: an array (events by position, named events[i]) or, SPEC v2
 * §3.5, an object keyed by event id (named events.ID).  In the object form
 * `$`/`_` keys are comments and a null member is simply absent (a null in a
 * document with nothing to remove, e.g. a file without `extends`).
 */
static int convert_events(struct ctx *c, const struct frame *top)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame es = fkey(top, "events");
    if (es.node == NULL)
        return 0;
    int by_id = cJSON_IsObject(es.node);
    if (!by_id && !cJSON_IsArray(es.node)) {
        report(c, &es, "expected an array of events or an object of events keyed by id, got %s",
               shown_json(es.node).s);
        return -1;
    }
    int n = 0;
    for (const cJSON *ev = es.node->child; ev != NULL; ev = ev->next)
        if (!by_id || !(ignored_key(ev->string) || cJSON_IsNull(ev)))
            n++;
    if (n > DCPROJ_MAX_EVENTS) {
        report(c, &es, "too many events: %d (at most %u)", n, (unsigned)DCPROJ_MAX_EVENTS);
        return -1;
    }
    sc->events = dcproj_calloc(n ? (size_t)n : 1, sizeof *sc->events);
    if (sc->events == NULL) {
        oom(c);
        return -1;
    }
    sc->n_events = (size_t)n;
    sc->events_by_id = by_id;
    int bad = 0;
    long i = 0, k = 0;
    for (const cJSON *ev = es.node->child; ev != NULL && !c->nomem; ev = ev->next, i++) {
        struct frame f = fchild(&es, ev, i);
        if (by_id) {
            if (ignored_key(ev->string) || cJSON_IsNull(ev))
                continue;
            if (!event_id_ok(c, &f, ev->string))
                bad++;
            else
                snprintf(sc->events[k].id, sizeof sc->events[k].id, "%s", ev->string);
        }
        if (convert_event(c, &f, &sc->events[k]) != 0)
            bad++;
        k++;
    }
    return bad || c->nomem ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Targets (SPEC §4)                                                        */

/* The last year the projection is ever evaluated at: the horizon and every
 * valid target year and base year.  Invalid entries are left to
 * convert_targets(), which reports them. */
static int last_evaluated_year(const cJSON *root, int B, int H)
{
    int last = H;
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "targets");
    for (const cJSON *t = cJSON_IsArray(ts) ? ts->child : NULL; t != NULL; t = t->next) {
        static const char *const keys[] = {"year", "base_year"};
        for (int k = 0; k < 2; k++) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(t, keys[k]);
            if (cJSON_IsNumber(y) && y->valuedouble == floor(y->valuedouble) &&
                y->valuedouble >= B && y->valuedouble <= 9999 && y->valuedouble > last)
                last = (int)y->valuedouble;
        }
    }
    return last;
}

/* Resolve a target's scope: TOTAL, a group, or a country. */
static int target_scope(struct ctx *c, const struct frame *f, struct dcproj_target *t)
{
    if (!cJSON_IsString(f->node)) {
        report(c, f, "expected \"TOTAL\", a group or a country code, got %s", shown_json(f->node).s);
        return -1;
    }
    const char *s = f->node->valuestring;
    long idx;
    if (strcmp(s, "TOTAL") == 0) {
        t->scope_kind = DCPROJ_SCOPE_TOTAL;
        t->scope_index = 0;
    } else if ((idx = idmap_get(&c->groups, s)) >= 0) {
        t->scope_kind = DCPROJ_SCOPE_GROUP;
        t->scope_index = (size_t)idx;
    } else if ((idx = idmap_get(&c->countries, s)) >= 0) {
        t->scope_kind = DCPROJ_SCOPE_COUNTRY;
        t->scope_index = (size_t)idx;
    } else {
        if (c->groups_incomplete) {
            c->nerr++; /* may be a group of a list already reported as invalid */
            return -1;
        }
        struct nearest nb = {s, NULL, 0};
        nearest_consider(&nb, "TOTAL");
        for (size_t i = 0; i < c->sc->n_groups; i++)
            nearest_consider(&nb, c->sc->groups[i]);
        for (size_t i = 0; i < c->sc->n_countries && want_detail(c); i++)
            nearest_consider(&nb, c->sc->countries[i].code);
        if (nb.best != NULL)
            report(c, f, "unknown scope \"%s\"; did you mean \"%s\"?", s, nb.best);
        else
            report(c, f, "unknown scope \"%s\" (expected \"TOTAL\", a group or a country code)",
                   s);
        return -1;
    }
    snprintf(t->scope, sizeof t->scope, "%s", s);
    return 0;
}

static const char *const TARGET_KEYS[] = {"id",        "scope",  "year",   "value", "ratio",
                                          "base_year", "weight", "source", "metric", NULL};

static int convert_target(struct ctx *c, const struct frame *f, struct dcproj_target *t, long i)
{
    t->weight = 1;
    snprintf(t->id, sizeof t->id, "target%ld", i + 1);
    if (want_object(c, f, "a target object {\"scope\": ..., \"year\": ..., \"value\": ...}") != 0)
        return -1;
    int bad = check_keys(c, f, TARGET_KEYS, " in a target");
    struct frame idf = fkey(f, "id"), sf = fkey(f, "scope"), yf = fkey(f, "year"),
                 vf = fkey(f, "value"), rf = fkey(f, "ratio"), bf = fkey(f, "base_year"),
                 wf = fkey(f, "weight");
    if (idf.node != NULL) {
        if (!cJSON_IsString(idf.node) || !is_identifier(idf.node->valuestring)) {
            report(c, &idf, "expected a target id ([A-Za-z0-9][A-Za-z0-9_-]{0,31}), got %s",
                   shown_json(idf.node).s);
            bad++;
        } else {
            snprintf(t->id, sizeof t->id, "%s", idf.node->valuestring);
        }
    }
    if (sf.node == NULL) {
        report(c, f, "missing key \"scope\" (\"TOTAL\", a group or a country code)");
        bad++;
    } else if (target_scope(c, &sf, t) != 0) {
        bad++;
    }
    char what[64];
    snprintf(what, sizeof what, "an integer year >= baseline_year %d", c->B);
    long long y = 0;
    if (yf.node == NULL) {
        report(c, f, "missing key \"year\"");
        bad++;
    } else if (get_int(c, &yf, c->B, 9999, what, &y) != 0) {
        bad++;
    }
    t->year = (int)y;
    if (vf.node != NULL && rf.node != NULL) {
        report(c, f, "\"value\" and \"ratio\" exclude each other; give one");
        bad++;
    } else if (vf.node == NULL && rf.node == NULL) {
        report(c, f, "missing key \"value\" (or \"ratio\" with \"base_year\")");
        bad++;
    } else if (vf.node != NULL) {
        if (plain_number(c, &vf, &R_POS, &t->value) != 0)
            bad++;
        if (bf.node != NULL) {
            report(c, &bf, "\"base_year\" only goes with \"ratio\"");
            bad++;
        }
    } else {
        t->is_ratio = 1;
        if (plain_number(c, &rf, &R_POS, &t->ratio) != 0)
            bad++;
        long long b;
        if (bf.node == NULL) {
            report(c, f, "missing key \"base_year\" (a \"ratio\" target needs one)");
            bad++;
        } else if (get_int(c, &bf, c->B, 9999, what, &b) != 0) {
            bad++;
        } else if (yf.node != NULL && b == y) {
            report(c, &bf, "expected a base_year other than the target year %lld, got %s", y,
                   shown_json(bf.node).s);
            bad++;
        } else {
            t->base_year = (int)b;
        }
    }
    if (wf.node != NULL && plain_number(c, &wf, &R_POS, &t->weight) != 0)
        bad++;
    struct frame mf = fkey(f, "metric");
    if (target_metric(c, &mf, t) != 0)
        bad++;
    if (source_ref(c, f, &t->source) != 0)
        bad++;
    return bad ? -1 : 0;
}

static int convert_targets(struct ctx *c, const struct frame *top)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame ts = fkey(top, "targets");
    if (ts.node == NULL)
        return 0;
    if (!cJSON_IsArray(ts.node)) {
        report(c, &ts, "expected an array of targets, got %s", shown_json(ts.node).s);
        return -1;
    }
    int n = cJSON_GetArraySize(ts.node);
    sc->targets = dcproj_calloc(n ? (size_t)n : 1, sizeof *sc->targets);
    if (sc->targets == NULL) {
        oom(c);
        return -1;
    }
    sc->n_targets = (size_t)n;
    struct idmap ids = {0};
    int bad = 0;
    long i = 0;
    for (const cJSON *t = ts.node->child; t != NULL && !c->nomem; t = t->next, i++) {
        struct frame f = fchild(&ts, t, i);
        if (convert_target(c, &f, &sc->targets[i], i) != 0) {
            bad++;
            continue;
        }
        long prev = idmap_get(&ids, sc->targets[i].id);
        if (prev >= 0) {
            struct frame idf = fkey(&f, "id");
            report(c, idf.node ? &idf : &f, "duplicate target id \"%s\" (also targets[%ld])",
                   sc->targets[i].id, prev);
            bad++;
        } else if (idmap_put(&ids, sc->targets[i].id, (size_t)i) < 0) {
            oom(c);
        }
    }
    idmap_free(&ids);
    return bad || c->nomem ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Uncertainty (SPEC §5)                                                    */

/* `uncertainty.correlation` (SPEC §5.3): [{"params": [path, ...], "rho": r}].
 * Which draw sites the paths match, and whether the matrix is positive
 * definite, is checked on the converted scenario (mc_sites.c). */
static int convert_correlation(struct ctx *c, const struct frame *uf)
{
    static const char *const keys[] = {"params", "rho", NULL};
    static const struct range R_RHO = {"a correlation in (-1, 1)", -1, 1, 1, 1};
    struct dcproj_scenario *sc = c->sc;
    struct frame cf = fkey(uf, "correlation");
    if (cf.node == NULL)
        return 0;
    if (!cJSON_IsArray(cf.node)) {
        report(c, &cf, "expected an array of {\"params\": [...], \"rho\": r}, got %s",
               shown_json(cf.node).s);
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(cf.node);
    sc->correlations = dcproj_calloc(n ? n : 1, sizeof *sc->correlations);
    if (sc->correlations == NULL) {
        oom(c);
        return -1;
    }
    sc->n_correlations = n;
    int bad = 0;
    long i = 0;
    for (const cJSON *e = cf.node->child; e != NULL; e = e->next, i++) {
        struct dcproj_correlation *k = &sc->correlations[i];
        struct frame ef = fchild(&cf, e, i);
        if (want_object(c, &ef, "an object {\"params\": [...], \"rho\": r}") != 0) {
            bad++;
            continue;
        }
        bad += check_keys(c, &ef, keys, " in a correlation entry") != 0;
        struct frame pf = fkey(&ef, "params"), rf = fkey(&ef, "rho");
        if (rf.node == NULL) {
            report(c, &ef, "missing key \"rho\" (a correlation in (-1, 1))");
            bad++;
        } else if (plain_number(c, &rf, &R_RHO, &k->rho) != 0) {
            bad++;
        }
        if (pf.node == NULL || !cJSON_IsArray(pf.node) || cJSON_GetArraySize(pf.node) == 0) {
            if (pf.node == NULL)
                report(c, &ef, "missing key \"params\" (written paths of distributions, "
                               "e.g. [\"defaults.growth.rate\"])");
            else
                report(c, &pf, "expected a non-empty array of written paths of distributions, "
                               "got %s",
                       shown_json(pf.node).s);
            bad++;
            continue;
        }
        size_t np = (size_t)cJSON_GetArraySize(pf.node);
        k->params = dcproj_calloc(np, sizeof *k->params);
        if (k->params == NULL) {
            oom(c);
            return -1;
        }
        long j = 0;
        for (const cJSON *q = pf.node->child; q != NULL; q = q->next, j++) {
            struct frame qf = fchild(&pf, q, j);
            if (!cJSON_IsString(q)) {
                report(c, &qf, "expected a written path such as \"countries.IE.growth.rate\", "
                               "got %s",
                       shown_json(q).s);
                bad++;
                continue;
            }
            if ((k->params[k->n_params++] = xstrdup(c, q->valuestring)) == NULL)
                return -1;
        }
    }
    return bad ? -1 : 0;
}

static int convert_uncertainty(struct ctx *c, const struct frame *top)
{
    static const char *const keys[] = {"draws", "seed", "quantiles", "correlation", "metrics", NULL};
    struct dcproj_scenario *sc = c->sc;
    struct frame uf = fkey(top, "uncertainty");
    sc->metrics[0] = DCPROJ_METRIC_CAPACITY;
    sc->n_metrics = 1;
    if (uf.node == NULL)
        return 0;
    if (want_object(c, &uf, "an object {\"draws\": ..., \"seed\": ..., \"quantiles\": [...]}"))
        return -1;
    int bad = check_keys(c, &uf, keys, " in \"uncertainty\"");
    struct frame mf = fkey(&uf, "metrics");
    if (cJSON_IsObject(uf.node) && parse_metrics(c, &mf) != 0)
        bad++;
    struct frame df = fkey(&uf, "draws"), sf = fkey(&uf, "seed"), qf = fkey(&uf, "quantiles");
    long long draws = 10000, seed = 1;
    if (df.node != NULL &&
        get_int(c, &df, 0, (double)DCPROJ_MAX_DRAWS, "an integer in [0, 1000000000]", &draws))
        bad++;
    if (sf.node != NULL &&
        get_int(c, &sf, 0, 9007199254740992.0, "an integer in [0, 2^53]", &seed) != 0)
        bad++;
    if (!bad && (double)draws * (double)sc->n_countries > (double)DCPROJ_MAX_DRAW_CELLS) {
        report(c, df.node ? &df : &uf,
               "draws x countries = %lld x %zu exceeds the limit of 1000000000", draws,
               sc->n_countries);
        bad++;
    }
    static const double defaults[] = {0.05, 0.5, 0.95};
    size_t nq = 3;
    if (qf.node != NULL) {
        if (!cJSON_IsArray(qf.node) || cJSON_GetArraySize(qf.node) == 0) {
            report(c, &qf, "expected a non-empty array of quantiles in [0, 1], got %s",
                   shown_json(qf.node).s);
            return -1;
        }
        nq = (size_t)cJSON_GetArraySize(qf.node);
    }
    sc->quantiles = dcproj_malloc(nq * sizeof *sc->quantiles);
    if (sc->quantiles == NULL) {
        oom(c);
        return -1;
    }
    sc->n_quantiles = nq;
    if (qf.node == NULL) {
        memcpy(sc->quantiles, defaults, sizeof defaults);
    } else {
        long i = 0;
        int qbad = 0;
        for (const cJSON *q = qf.node->child; q != NULL; q = q->next, i++) {
            struct frame f = fchild(&qf, q, i);
            if (plain_number(c, &f, &R_PROB, &sc->quantiles[i]) != 0) {
                qbad++;
                continue;
            }
            if (qbad || i == 0)
                continue;
            double prev = sc->quantiles[i - 1];
            char a[40], b[40];
            quantile_column_name(prev, a, sizeof a);
            quantile_column_name(sc->quantiles[i], b, sizeof b);
            if (!(sc->quantiles[i] > prev)) {
                report(c, &f, "expected a quantile greater than the previous one %s, got %s",
                       shown_number(prev).s, shown_json(q).s);
                qbad++;
            } else if (strcmp(a, b) == 0) {
                report(c, &f,
                       "quantiles %s and %s both make the output column \"%s\"; drop one",
                       shown_number(prev).s, shown_json(q).s, a);
                qbad++;
            }
        }
        bad += qbad;
    }
    if (convert_correlation(c, &uf) != 0)
        bad++;
    if (bad)
        return -1;
    sc->has_uncertainty = 1;
    sc->draws = draws;
    sc->seed = (uint64_t)seed;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The scenario                                                             */

static const char *const TOP_KEYS[] = {
    "dcproj",   "name",      "title",     "description", "unit",        "baseline_year",
    "horizon",  "step",      "extends",   "sources",     "defaults",    "countries",
    "events",   "variables", "targets",   "calibration", "power",       "uncertainty",
    NULL};
const char *const STEP_NAMES[] = {"year", "quarter", "month", NULL};
static const char *const CALIBRATION_NAMES[] = {"solve", "frozen", NULL};

/* `dcproj`, `name`, `title`, `description`, `unit`, `step`, `calibration`:
 * the top-level scalars that nothing else depends on.  *frozen_asked is set
 * for "calibration": "frozen". */
static void convert_header(struct ctx *c, const struct frame *top, int *frozen_asked)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame vf = fkey(top, "dcproj"), nf = fkey(top, "name"), sf = fkey(top, "step"),
                 cf = fkey(top, "calibration");
    long long version;
    if (vf.node == NULL)
        report(c, top, "missing key \"dcproj\" (the format version: 1)");
    else if (get_int(c, &vf, -1e9, 1e9, "the format version 1", &version) == 0) {
        if (version != 1)
            report(c, &vf, "unsupported format version %lld (this dcproj reads version 1)",
                   version);
        else
            sc->version = 1;
    }
    if (nf.node == NULL)
        report(c, top, "missing key \"name\"");
    else if (!cJSON_IsString(nf.node) || !is_scenario_name(nf.node->valuestring))
        report(c, &nf, "expected a name of 1 to 64 characters from A-Z a-z 0-9 . _ -, got %s",
               shown_json(nf.node).s);
    else
        sc->name = xstrdup(c, nf.node->valuestring);
    opt_string(c, top, "title", &sc->title);
    opt_string(c, top, "description", &sc->description);
    opt_string(c, top, "unit", &sc->unit);
    if (sc->unit == NULL && !c->nomem)
        sc->unit = xstrdup(c, "MW");
    sc->step = DCPROJ_STEP_YEAR;
    if (sf.node != NULL) {
        int k = enum_value(c, &sf, STEP_NAMES, "step");
        if (k >= 0)
            sc->step = (enum dcproj_step)k;
    }
    *frozen_asked = 0;
    if (cf.node != NULL)
        *frozen_asked = enum_value(c, &cf, CALIBRATION_NAMES, "calibration") == 1;
}

/* `baseline_year` and `horizon` (SPEC §1).  Returns -1 when either is
 * invalid: nothing that involves time can be checked then. */
static int convert_years(struct ctx *c, const struct frame *top)
{
    struct frame bf = fkey(top, "baseline_year"), hf = fkey(top, "horizon");
    long long B = 0, H = 0;
    int bad = 0;
    if (bf.node == NULL) {
        report(c, top, "missing key \"baseline_year\"");
        bad++;
    } else if (get_int(c, &bf, 1000, 9998, "an integer year in [1000, 9998]", &B) != 0) {
        bad++;
    }
    if (hf.node == NULL) {
        report(c, top, "missing key \"horizon\"");
        bad++;
    } else if (bad) {
        if (get_int(c, &hf, 1001, 9999, "an integer year in [1001, 9999]", &H) != 0)
            bad++;
    } else {
        char what[160];
        long long hi = B + 100 < 9999 ? B + 100 : 9999;
        snprintf(what, sizeof what, "an integer year in [%lld, %lld] (after baseline_year, at "
                 "most 100 years)", B + 1, hi);
        if (get_int(c, &hf, (double)B + 1, (double)hi, what, &H) != 0)
            bad++;
    }
    if (bad)
        return -1;
    c->B = (int)B;
    c->H = (int)H;
    c->sc->baseline_year = c->B;
    c->sc->horizon = c->H;
    return 0;
}

int convert_time_axis(const struct doc *d, int *baseline_year, int *horizon,
                      enum dcproj_step *step)
{
    struct dcproj_error scratch;
    struct dcproj_scenario tmp;
    struct ctx c;
    dcproj_error_init(&scratch);
    memset(&tmp, 0, sizeof tmp);
    memset(&c, 0, sizeof c);
    c.d = d;
    c.file = doc_file(d);
    c.err = &scratch;
    c.sc = &tmp;
    const cJSON *root = doc_root(d);
    struct frame top = {NULL, root, NULL, -1, 0};
    if (!cJSON_IsObject(root) || convert_years(&c, &top) != 0)
        return DCPROJ_ERR_DATA;
    struct frame sf = fkey(&top, "step");
    int k = sf.node == NULL ? DCPROJ_STEP_YEAR : enum_value(&c, &sf, STEP_NAMES, "step");
    if (k < 0)
        return DCPROJ_ERR_DATA;
    *baseline_year = tmp.baseline_year;
    *horizon = tmp.horizon;
    *step = (enum dcproj_step)k;
    return DCPROJ_OK;
}

/* Every variable must reach the projection (not in a frozen what-if: its
 * parent is checked); unknowns need enough targets. */
static void check_calibration(struct ctx *c, const struct frame *top)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame vs = fkey(top, "variables");
    size_t unknowns = 0;
    for (size_t i = 0; i < sc->n_variables; i++) {
        unknowns += !sc->variables[i].fixed;
        /* SPEC v2 §4: a frozen what-if may drop a variable's uses (its
         * parent, converted on its own, is held to the rule) */
        if (c->var_used[i] || sc->frozen)
            continue;
        struct frame f = fkey(&vs, sc->variables[i].id);
        report(c, &f,
               "variable \"%s\" is not used by any parameter that reaches the projection "
               "(a country's baseline or growth, an event, or power)",
               sc->variables[i].id);
    }
    if (!sc->frozen && sc->n_targets < unknowns) {
        struct frame tf = fkey(top, "targets");
        tf.node = NULL;
        report(c, &tf, "%zu unknown variable%s but %zu target%s: add targets or fix variables "
                       "with \"value\"",
               unknowns, unknowns == 1 ? "" : "s", sc->n_targets, sc->n_targets == 1 ? "" : "s");
    }
}

/*
 * Convert the final document `d` into a new scenario (its parent, for a
 * frozen calibration, included).  Returns DCPROJ_OK with *out set, or a
 * status with `err` filled and nothing allocated.
 */
int convert_doc(const struct doc *d, struct dcproj_error *err,
                struct dcproj_scenario **out)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.file = doc_file(d);
    c.err = err;
    c.slot_country = -1;
    struct dcproj_scenario *sc = dcproj_calloc(1, sizeof *sc);
    if (sc == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, c.file, NULL, 0, 0, "out of memory");
    c.sc = sc;
    sc->file = xstrdup(&c, c.file ? c.file : "");
    const cJSON *root = doc_root(d);
    struct frame top = {NULL, root, NULL, -1, 0};
    struct frame defaults = fkey(&top, "defaults");
    struct frame dgrowth = {&defaults, NULL, "growth", -1, 0};
    int frozen_asked = 0, power_present = 0;
    c.frozen = doc_parent(d) != NULL;

    if (!cJSON_IsObject(root)) {
        report(&c, &top, "expected a JSON object (a scenario), got %s", shown_json(root).s);
        goto done;
    }
    check_keys(&c, &top, TOP_KEYS, NULL);
    convert_header(&c, &top, &frozen_asked);
    if (convert_years(&c, &top) != 0 || c.nomem)
        goto done;
    c.last_year = last_evaluated_year(root, c.B, c.H);

    if (defaults.node != NULL && want_object(&c, &defaults, "an object {\"growth\": ...}") == 0) {
        static const char *const keys[] = {"growth", NULL};
        check_keys(&c, &defaults, keys, " in \"defaults\"");
        dgrowth.node = cJSON_GetObjectItemCaseSensitive(defaults.node, "growth");
        if (dgrowth.node != NULL) {
            if (want_object(&c, &dgrowth, "a growth object {\"model\": ...}") == 0) {
                c.dgrowth = dgrowth.node;
                c.dgrowth_frame = &dgrowth;
            } else {
                c.dgrowth_bad = 1;
            }
        }
    } else if (defaults.node != NULL) {
        c.dgrowth_bad = 1;
    }
    convert_sources(&c, &top);
    convert_variables(&c, &top);
    convert_power(&c, &top, &power_present);
    if (c.nomem || convert_countries(&c, &top, power_present) != 0 || c.nomem) {
        /* events and targets name countries and groups: stop here unless
         * the countries at least exist */
        if (c.nomem || sc->n_countries == 0)
            goto done;
    }
    convert_events(&c, &top);
    convert_targets(&c, &top);
    convert_uncertainty(&c, &top);
    if (c.nomem)
        goto done;

    const struct doc *parent = doc_parent(d);
    sc->frozen = parent != NULL;
    if (frozen_asked && parent == NULL) {
        struct frame cf = fkey(&top, "calibration");
        report(&c, &cf, "\"frozen\" calibration needs a parent scenario (\"extends\")");
    }
    if (c.nerr == 0)
        check_calibration(&c, &top);
    if (c.nerr == 0) {
        int st = corr_check(sc, err);
        if (st == DCPROJ_ERR_NOMEM)
            c.nomem = 1;
        else if (st != DCPROJ_OK)
            c.nerr++;
    }
    if (c.nerr == 0 && parent != NULL) {
        int st = convert_doc(parent, err, &sc->parent);
        if (st != DCPROJ_OK) {
            c.nerr++;
            if (st == DCPROJ_ERR_NOMEM)
                c.nomem = 1;
            goto done;
        }
    }
    if (c.nerr == 0) {
        sc->resolved_json = json_write_compact(root); /* what the scenario hash hashes */
        if (sc->resolved_json == NULL)
            oom(&c);
    }

done:
    idmap_free(&c.countries);
    idmap_free(&c.groups);
    idmap_free(&c.vars);
    idmap_free(&c.sources);
    idmap_free(&c.paths);
    dcproj_free(c.var_ok);
    dcproj_free(c.var_used);
    dcproj_free(c.seen);
    sc->slots = c.slots;
    sc->n_slots = c.n_slots;
    if (c.nomem) {
        dcproj_scenario_free(sc);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, c.file, NULL, 0, 0, "out of memory");
    }
    if (c.nerr > 0) {
        dcproj_scenario_free(sc);
        return DCPROJ_ERR_DATA;
    }
    *out = sc;
    return DCPROJ_OK;
}
