/*
 * load_growth.c — growth models and countries (SPEC §3, §3.7 country power):
 * a country's growth merged onto `defaults.growth` (the one RFC 7396 merge of
 * load_merge.c with SPEC §3's refinements as hooks, tracked back to where each
 * node came from, so messages name `defaults.growth.…`), the compound,
 * linear, logistic and points models, groups, and the country object.
 */
#include "load_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ------------------------------------------------------------------------ */
/* Growth (SPEC §3)                                                         */

static int map_add(struct ctx *c, struct merge_map *m, const cJSON *merged, const cJSON *src,
                   const struct doc_origin *org, int from_defaults)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        struct merge_entry *e = dcproj_realloc(m->e, cap * sizeof *e);
        if (e == NULL) {
            oom(c);
            return -1;
        }
        m->e = e;
        m->cap = cap;
    }
    m->e[m->n].merged = merged;
    m->e[m->n].src = src;
    m->e[m->n].org = org;
    m->e[m->n].from_defaults = from_defaults;
    m->n++;
    return 0;
}

struct merge_entry *merge_map_find(const struct merge_map *m, const cJSON *node)
{
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (m->e[i].merged == node)
            return &m->e[i];
    return NULL;
}

/* Forget `node` and everything below it (before they are freed, so that a
 * node at a reused address is not taken for them). */
static void map_forget_tree(struct merge_map *m, const cJSON *node)
{
    struct merge_entry *e = merge_map_find(m, node);
    if (e != NULL)
        *e = m->e[--m->n]; /* entries are unique per node: order is free */
    for (const cJSON *ch = node->child; ch != NULL; ch = ch->next)
        map_forget_tree(m, ch);
}

/* The kind of a parameter object: its "dist" name, "var" for a variable
 * reference, or NULL (not a parameter object). */
static const char *param_kind(const cJSON *obj)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, "dist");
    if (d != NULL)
        return cJSON_IsString(d) ? d->valuestring : "";
    return cJSON_GetObjectItemCaseSensitive(obj, "var") != NULL ? "var" : NULL;
}

/* Is `key` of the defaults' growth replaced by its alternative in the
 * country's growth?  `rate` and `rates` exclude each other (SPEC §3.1):
 * the form the country writes wins over the one it inherits. */
static int replaced_by_alternative(const char *key, const cJSON *patch)
{
    const char *alt = strcmp(key, "rate") == 0 ? "rates" : strcmp(key, "rates") == 0 ? "rate" : NULL;
    if (alt == NULL || cJSON_GetObjectItemCaseSensitive(patch, key) != NULL)
        return 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(patch, alt);
    return a != NULL && !cJSON_IsNull(a);
}

/*
 * A country's growth merged onto `defaults.growth` is the one RFC 7396
 * merge (load_merge.c) applied to a copy of the defaults, with these hooks:
 * every node of the result is recorded in the merge map with the node it
 * came from and that node's origin, so a message about an inherited value
 * names `defaults.growth.…`; an object merged with the country's takes the
 * country's side; and a parameter object of another kind (another "dist",
 * or "var" onto a distribution) replaces the inherited one instead of
 * merging into it, where plain RFC 7396 would mix incompatible forms.
 */
struct growth_merge {
    struct ctx *c;
    struct merge_map *map;
    const struct doc_origin *root_org; /* origin of the tree being copied or merged */
    int from_defaults;                 /* copying `defaults.growth` (not the country's) */
};

/* The origin of source node `src` standing under result node `parent`. */
static const struct doc_origin *growth_origin(const struct growth_merge *g, const cJSON *src,
                                              const cJSON *parent)
{
    if (parent == NULL)
        return g->root_org;
    const struct merge_entry *e = merge_map_find(g->map, parent);
    return doc_origin_of(g->c->d, src, e != NULL ? e->org : g->root_org);
}

static int growth_replaces(void *ctx, const cJSON *target, const cJSON *patch)
{
    (void)ctx;
    const char *pk = param_kind(patch), *tk = param_kind(target);
    return pk != NULL && (tk == NULL || strcmp(pk, tk) != 0);
}

static int growth_copied(void *ctx, const cJSON *node, const cJSON *src, const cJSON *parent,
                         int top)
{
    (void)top;
    struct growth_merge *g = ctx;
    return map_add(g->c, g->map, node, src, growth_origin(g, src, parent), g->from_defaults) == 0
               ? DCPROJ_OK
               : DCPROJ_ERR_NOMEM;
}

static int growth_merging(void *ctx, const cJSON *target, const cJSON *patch,
                          const cJSON *parent)
{
    struct growth_merge *g = ctx;
    struct merge_entry *e = merge_map_find(g->map, target);
    if (e == NULL)
        return map_add(g->c, g->map, target, patch, growth_origin(g, patch, parent), 0) == 0
                   ? DCPROJ_OK
                   : DCPROJ_ERR_NOMEM;
    e->org = growth_origin(g, patch, parent);
    e->src = patch;
    e->from_defaults = 0;
    return DCPROJ_OK;
}

static void growth_removing(void *ctx, const cJSON *node)
{
    struct growth_merge *g = ctx;
    map_forget_tree(g->map, node);
}

/*
 * A new tree: the country's growth `patch` (origin porg) merged onto the
 * defaults' `target` (origin torg), every node recorded in `m`.  At the
 * top, before merging, a country's `rate` drops an inherited `rates` and
 * vice versa.  NULL when out of memory.
 */
static cJSON *merge_growth(struct ctx *c, struct merge_map *m, const cJSON *target,
                           const struct doc_origin *torg, const cJSON *patch,
                           const struct doc_origin *porg)
{
    struct growth_merge g = {c, m, torg, 1};
    const struct merge_hooks h = {&g, growth_replaces, growth_copied, growth_merging,
                                  growth_removing};
    cJSON *out = merge_copy(target, 0, &h, NULL, 1);
    if (out == NULL)
        return oom(c);
    for (cJSON *t = out->child, *next; t != NULL; t = next) {
        next = t->next;
        if (replaced_by_alternative(t->string, patch)) {
            cJSON_DetachItemViaPointer(out, t);
            map_forget_tree(m, t);
            cJSON_Delete(t);
        }
    }
    g.root_org = porg;
    g.from_defaults = 0;
    if (merge_patch_hooked(&out, patch, &h) != DCPROJ_OK) {
        cJSON_Delete(out);
        return oom(c);
    }
    return out;
}

const char *const MODEL_NAMES[] = {"compound", "linear", "logistic", "points", "fit", NULL};
const char *const INTERP_NAMES[] = {"linear", "cspline", "steffen", "akima", "step", NULL};
static const char *const EXTRAP_NAMES[] = {"error", "flat", "linear", NULL};

/* The index of string `s` in the NULL-terminated `names`, or -1. */
static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* A string at frame `f` that must be one of `names` (`what` names the
 * kind, e.g. "growth model").  Returns the index or -1 after reporting. */
int enum_value(struct ctx *c, const struct frame *f, const char *const *names,
               const char *what)
{
    char list[200] = "";
    for (size_t i = 0; names[i] != NULL; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
    }
    if (!cJSON_IsString(f->node)) {
        report(c, f, "expected %s %s (%s), got %s", strchr("aeiou", what[0]) ? "an" : "a", what,
               list, shown_json(f->node).s);
        return -1;
    }
    int i = name_index(names, f->node->valuestring);
    if (i >= 0)
        return i;
    struct nearest nb = {f->node->valuestring, NULL, 0};
    for (size_t k = 0; names[k] != NULL; k++)
        nearest_consider(&nb, names[k]);
    if (nb.best != NULL)
        report(c, f, "unknown %s %s; did you mean \"%s\"?", what, shown_json(f->node).s, nb.best);
    else
        report(c, f, "unknown %s %s (known: %s)", what, shown_json(f->node).s, list);
    return -1;
}

/* Compound growth: `rate` or piecewise `rates` (SPEC §3.1). */
static int parse_compound(struct ctx *c, const struct frame *gf, struct dcproj_growth *g)
{
    static const char *const keys[] = {"model", "rate", "rates", "source", NULL};
    int bad = check_keys(c, gf, keys, " for model \"compound\"");
    struct frame rf = fkey(gf, "rate"), rsf = fkey(gf, "rates");
    if (rf.node != NULL && rsf.node != NULL) {
        report(c, gf, "\"rate\" and \"rates\" exclude each other; give one");
        return -1;
    }
    if (rf.node == NULL && rsf.node == NULL) {
        report(c, gf, "missing key \"rate\" (or piecewise \"rates\") for model \"compound\"");
        return -1;
    }
    if (rf.node != NULL) {
        if (parse_param(c, &rf, &R_RATE, &g->rate, NULL) != 0)
            return -1;
        warn_rate_percent(c, &rf, &g->rate);
        return bad ? -1 : 0;
    }
    int n = cJSON_GetArraySize(rsf.node);
    if (!cJSON_IsArray(rsf.node) || n == 0) {
        report(c, &rsf,
               "expected a non-empty array of segments {\"until\": year, \"rate\": r}, got %s",
               shown_json(rsf.node).s);
        return -1;
    }
    g->segments = dcproj_calloc((size_t)n, sizeof *g->segments);
    if (g->segments == NULL) {
        oom(c);
        return -1;
    }
    g->n_segments = (size_t)n;
    static const char *const seg_keys[] = {"until", "rate", "source", NULL};
    int prev = c->B;
    long i = 0;
    for (const cJSON *s = rsf.node->child; s != NULL; s = s->next, i++) {
        struct frame sf = fchild(&rsf, s, i);
        struct dcproj_rate_segment *seg = &g->segments[i];
        param_number(&seg->rate, 0);
        if (want_object(c, &sf, "a segment {\"until\": year, \"rate\": r}") != 0) {
            bad++;
            continue;
        }
        bad += check_keys(c, &sf, seg_keys, " in a rate segment");
        bad += source_ref(c, &sf, NULL) != 0;
        struct frame uf = fkey(&sf, "until"), rtf = fkey(&sf, "rate");
        if (rtf.node == NULL) {
            report(c, &sf, "missing key \"rate\"");
            bad++;
        } else if (parse_param(c, &rtf, &R_RATE, &seg->rate, NULL) != 0) {
            bad++;
        } else {
            warn_rate_percent(c, &rtf, &seg->rate);
        }
        if (uf.node == NULL) {
            if (i + 1 < n) {
                report(c, &sf, "missing key \"until\" (only the last segment may omit it)");
                bad++;
            }
            seg->until = 0;
            continue;
        }
        char what[96];
        if (i == 0)
            snprintf(what, sizeof what, "an integer year after baseline_year %d", c->B);
        else
            snprintf(what, sizeof what, "an integer year after the previous until %d", prev);
        long long u;
        if (get_int(c, &uf, prev + 1, 9999, what, &u) != 0) {
            bad++;
            continue;
        }
        seg->until = (int)u;
        prev = (int)u;
        if (i + 1 == n && u < c->last_year) {
            report(c, &uf,
                   "the last segment ends in %lld but years up to %d are evaluated (the horizon "
                   "and the target years); omit \"until\" in the last segment or raise it",
                   u, c->last_year);
            bad++;
        }
    }
    return bad ? -1 : 0;
}

/* Points growth (SPEC §3.4). */
static int parse_points(struct ctx *c, const struct frame *gf, struct dcproj_growth *g)
{
    static const char *const keys[] = {"model", "points", "interp", "extrapolate", "source", NULL};
    int bad = check_keys(c, gf, keys, " for model \"points\"");
    struct frame pf = fkey(gf, "points"), itf = fkey(gf, "interp"), ef = fkey(gf, "extrapolate");
    g->interp = DCPROJ_INTERP_LINEAR;
    g->extrapolate = DCPROJ_EXTRAP_ERROR;
    if (itf.node != NULL) {
        int k = enum_value(c, &itf, INTERP_NAMES, "interpolation");
        if (k < 0)
            bad++;
        else
            g->interp = (enum dcproj_interp)k;
    }
    if (ef.node != NULL) {
        int k = enum_value(c, &ef, EXTRAP_NAMES, "extrapolation");
        if (k < 0)
            bad++;
        else
            g->extrapolate = (enum dcproj_extrapolate)k;
    }
    if (pf.node == NULL) {
        report(c, gf, "missing key \"points\" for model \"points\"");
        return -1;
    }
    if (want_object(c, &pf, "an object of year-end values {\"2023\": v, ...}") != 0)
        return -1;
    bad += source_ref(c, &pf, NULL) != 0;
    struct year_value *pts = NULL;
    size_t k = 0;
    if (year_values(c, &pf, "source", &pts, &k) != 0)
        return -1;
    if (bad) {
        dcproj_free(pts);
        return -1;
    }
    static const size_t min_points[] = {2, 3, 3, 5, 2};
    if (k < min_points[g->interp]) {
        report(c, &pf, "interpolation \"%s\" needs at least %zu points, got %zu",
               INTERP_NAMES[g->interp], min_points[g->interp], k);
        dcproj_free(pts);
        return -1;
    }
    if (pts[0].year > c->B) {
        report(c, &pf, "the first point (%d) must be at or before baseline_year %d", pts[0].year,
               c->B);
        bad++;
    } else if (g->extrapolate == DCPROJ_EXTRAP_ERROR && pts[k - 1].year < c->last_year) {
        report(c, &pf,
               "the points end in %d but years up to %d are evaluated (the horizon and the "
               "target years); add points or set \"extrapolate\" to \"flat\" or \"linear\"",
               pts[k - 1].year, c->last_year);
        bad++;
    }
    g->point_years = dcproj_malloc(k * sizeof *g->point_years);
    g->point_values = dcproj_malloc(k * sizeof *g->point_values);
    if (g->point_years == NULL || g->point_values == NULL) {
        dcproj_free(pts);
        oom(c);
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        g->point_years[i] = pts[i].year;
        g->point_values[i] = pts[i].value;
    }
    g->n_points = k;
    dcproj_free(pts);
    return bad ? -1 : 0;
}

/*
 * The rest of a growth object at frame `gf` once its model is known:
 * parameters per model.  `base` is what is known of the country's baseline
 * (for the logistic 0 < C0 < K check); `bf` is the baseline's frame.
 */
static int parse_growth_body(struct ctx *c, const struct frame *gf, struct dcproj_growth *g,
                             const struct pinfo *base, const struct frame *bf)
{
    int bad = source_ref(c, gf, NULL) != 0;
    switch (g->model) {
    case DCPROJ_MODEL_COMPOUND:
        return parse_compound(c, gf, g) != 0 || bad ? -1 : 0;
    case DCPROJ_MODEL_LINEAR: {
        static const char *const keys[] = {"model", "per_year", "source", NULL};
        bad += check_keys(c, gf, keys, " for model \"linear\"");
        struct frame pf = fkey(gf, "per_year");
        if (pf.node == NULL) {
            report(c, gf, "missing key \"per_year\" for model \"linear\"");
            return -1;
        }
        return parse_param(c, &pf, &R_ANY, &g->per_year, NULL) != 0 || bad ? -1 : 0;
    }
    case DCPROJ_MODEL_LOGISTIC: {
        static const char *const keys[] = {"model", "cap", "rate", "source", NULL};
        bad += check_keys(c, gf, keys, " for model \"logistic\"");
        struct frame kf = fkey(gf, "cap"), rf = fkey(gf, "rate");
        struct pinfo cap = {0, 0, 0};
        if (kf.node == NULL) {
            report(c, gf, "missing key \"cap\" for model \"logistic\"");
            bad++;
        } else if (parse_param(c, &kf, &R_POS, &g->cap, &cap) != 0) {
            bad++;
        }
        if (rf.node == NULL) {
            report(c, gf, "missing key \"rate\" for model \"logistic\"");
            bad++;
        } else if (parse_param(c, &rf, &R_POS, &g->rate, NULL) != 0) {
            bad++;
        }
        if (base->known && base->lo <= 0) {
            report(c, bf, "expected a baseline > 0 for logistic growth, got %s",
                   shown_json(bf->node).s);
            bad++;
        } else if (!bad && base->known && cap.known && !(cap.lo > base->hi)) {
            report(c, &kf, "expected a cap greater than the baseline %s, got %s",
                   shown_number(base->hi).s, shown_json(kf.node).s);
            bad++;
        }
        return bad ? -1 : 0;
    }
    case DCPROJ_MODEL_POINTS:
        return parse_points(c, gf, g) != 0 || bad ? -1 : 0;
    case DCPROJ_MODEL_FIT:
        return parse_fit(c, gf, g);
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Countries (SPEC §2, §3, §3.7)                                            */

/* Does the country's `growth` merge onto `defaults.growth` (it names no
 * model, or the same model) rather than replace it? */
static int merges_onto_defaults(const cJSON *own, const cJSON *dgrowth)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(own, "model");
    if (m == NULL)
        return 1;
    const cJSON *dm = cJSON_GetObjectItemCaseSensitive(dgrowth, "model");
    return cJSON_IsString(m) && cJSON_IsString(dm) && strcmp(m->valuestring, dm->valuestring) == 0;
}

/* A country's effective growth (SPEC §3) and its baseline. */
static int country_growth(struct ctx *c, const struct frame *cf, struct dcproj_country *co)
{
    struct frame own = fkey(cf, "growth");
    struct frame gf = {cf, NULL, "growth", -1, 0};
    struct merge_map map = {NULL, 0, 0};
    cJSON *merged = NULL;
    int bad = 0;
    param_number(&co->growth.rate, 0);
    param_number(&co->growth.per_year, 0);
    param_number(&co->growth.cap, 0);
    param_number(&co->baseline, 0);
    if (own.node != NULL && !cJSON_IsObject(own.node)) {
        report(c, &own, "expected a growth object {\"model\": ...}, got %s", shown_json(own.node).s);
        bad++;
    } else if (own.node == NULL && c->dgrowth == NULL) {
        if (!c->dgrowth_bad)
            report(c, cf, "missing key \"growth\" (and there is no \"defaults.growth\")");
        bad++;
    } else if (own.node == NULL) {
        gf.node = c->dgrowth;
        gf.from_defaults = 1;
    } else if (c->dgrowth == NULL || !merges_onto_defaults(own.node, c->dgrowth)) {
        gf = own;
    } else {
        merged = merge_growth(c, &map, c->dgrowth, frame_origin(c, c->dgrowth_frame), own.node,
                              frame_origin(c, &own));
        if (merged == NULL) {
            dcproj_free(map.e);
            return -1;
        }
        c->map = &map;
        gf.node = merged;
    }

    int model = -1;
    if (gf.node != NULL) {
        struct frame mf = fkey(&gf, "model");
        if (mf.node == NULL)
            report(c, &gf, "missing key \"model\" (compound, linear, logistic, points or fit)");
        else
            model = enum_value(c, &mf, MODEL_NAMES, "growth model");
        if (model < 0)
            bad++;
    }

    struct frame bf = fkey(cf, "baseline");
    struct pinfo base = {0, 0, 0};
    if (model == DCPROJ_MODEL_POINTS) {
        if (bf.node != NULL) {
            if (!cJSON_IsNumber(bf.node) || bf.node->valuedouble < 0) {
                report(c, &bf,
                       "expected a plain number >= 0 (the baseline of a \"points\" curve is "
                       "not a parameter), got %s",
                       shown_json(bf.node).s);
                bad++;
            } else {
                co->has_baseline = 1;
                co->baseline.v.number = bf.node->valuedouble;
            }
        }
    } else if (model == DCPROJ_MODEL_FIT) {
        if (bf.node != NULL) {
            report(c, &bf, "the fit sets C0; use \"anchor\": \"last\" to start from the "
                           "observed value of baseline_year, and remove \"baseline\"");
            bad++;
        }
    } else if (bf.node == NULL) {
        if (model >= 0) {
            report(c, cf, "missing key \"baseline\" (required unless the growth model is "
                          "\"points\" or \"fit\")");
            bad++;
        }
    } else if (parse_param(c, &bf, &R_NONNEG, &co->baseline, &base) != 0) {
        bad++;
        base.known = 0;
    } else {
        co->has_baseline = 1;
    }

    if (model >= 0) {
        co->growth.model = (enum dcproj_model)model;
        if (parse_growth_body(c, &gf, &co->growth, &base, &bf) != 0) {
            bad++;
        } else if (model == DCPROJ_MODEL_LINEAR && co->has_baseline) {
            struct frame pf = fkey(&gf, "per_year");
            warn_per_year(c, &pf, &co->growth.per_year, &co->baseline);
        }
    }
    c->map = NULL;
    cJSON_Delete(merged);
    dcproj_free(map.e);
    return bad ? -1 : 0;
}

/* A country's `groups`: distinct identifiers, not TOTAL, not a country
 * code; new names join the scenario's group list in order of appearance. */
static int country_groups(struct ctx *c, const struct frame *cf, struct dcproj_country *co)
{
    struct frame gl = fkey(cf, "groups");
    struct dcproj_scenario *sc = c->sc;
    if (gl.node == NULL)
        return 0;
    if (!cJSON_IsArray(gl.node)) {
        report(c, &gl, "expected an array of group names, got %s", shown_json(gl.node).s);
        c->groups_incomplete = 1;
        return -1;
    }
    int n = cJSON_GetArraySize(gl.node);
    co->groups = dcproj_calloc(n ? (size_t)n : 1, sizeof *co->groups);
    if (co->groups == NULL) {
        oom(c);
        return -1;
    }
    int bad = 0;
    long i = 0;
    for (const cJSON *g = gl.node->child; g != NULL; g = g->next, i++) {
        struct frame f = fchild(&gl, g, i);
        const char *name = cJSON_IsString(g) ? g->valuestring : NULL;
        int dup = 0;
        for (const cJSON *h = gl.node->child; name != NULL && h != g; h = h->next)
            dup |= cJSON_IsString(h) && strcmp(h->valuestring, name) == 0;
        if (!is_identifier(name)) {
            report(c, &f, "expected a group name ([A-Za-z0-9][A-Za-z0-9_-]{0,31}), got %s",
                   shown_json(g).s);
        } else if (strcmp(name, "TOTAL") == 0 || strcmp(name, "ALL") == 0) {
            report(c, &f, "\"%s\" is reserved and cannot name a group", name);
        } else if (idmap_get(&c->countries, name) >= 0) {
            report(c, &f, "group \"%s\" has the same name as a country; rename the group",
                   name);
        } else if (dup) {
            report(c, &f, "group \"%s\" is listed twice", name);
        } else {
            long idx = idmap_get(&c->groups, name);
            if (idx < 0) {
                char(*grown)[DCPROJ_ID_LEN] =
                    dcproj_realloc(sc->groups, (sc->n_groups + 1) * sizeof *sc->groups);
                if (grown == NULL || idmap_put(&c->groups, name, sc->n_groups) < 0) {
                    if (grown != NULL)
                        sc->groups = grown;
                    oom(c);
                    return -1;
                }
                sc->groups = grown;
                snprintf(sc->groups[sc->n_groups], DCPROJ_ID_LEN, "%s", name);
                idx = (long)sc->n_groups++;
            }
            co->groups[co->n_groups++] = (size_t)idx;
            continue;
        }
        bad++;
        c->groups_incomplete = 1;
    }
    return bad ? -1 : 0;
}

/* A country's `power` override (SPEC §3.7) on top of the scenario's. */
static int country_power(struct ctx *c, const struct frame *cf, struct dcproj_country *co,
                         int top_power_present)
{
    static const char *const keys[] = {"pue", "utilization", "source", NULL};
    struct frame pw = fkey(cf, "power");
    int own_pue = 0, own_util = 0;
    int bad = 0;
    if (pw.node != NULL && top_power_present && cJSON_IsObject(pw.node)) {
        struct frame pf = fkey(&pw, "pue"), uf = fkey(&pw, "utilization");
        /* a country's pue or utilization replaces the top-level one whole */
        if (pf.node != NULL) {
            own_pue = 1;
            if (parse_power_input(c, &pf, &R_PUE, &co->pue) != 0)
                bad++;
            else
                warn_pue_input(c, &pf, &co->pue);
        }
        if (uf.node != NULL) {
            own_util = 1;
            bad += parse_power_input(c, &uf, &R_UTIL, &co->utilization) != 0;
        }
    }
    if (!own_pue && power_input_copy(c, &c->sc->pue, &co->pue) != 0)
        return -1;
    if (!own_util && power_input_copy(c, &c->sc->utilization, &co->utilization) != 0)
        return -1;
    if (pw.node == NULL)
        return 0;
    if (!top_power_present) {
        report(c, &pw, "a country's \"power\" overrides the top-level \"power\" "
                       "{\"pue\": ..., \"utilization\": ...}, which is missing");
        return -1;
    }
    if (want_object(c, &pw, "an object {\"pue\": ..., \"utilization\": ...}") != 0)
        return -1;
    bad += check_keys(c, &pw, keys, " in \"power\"");
    bad += source_ref(c, &pw, NULL) != 0;
    return bad ? -1 : 0;
}

static const char *const COUNTRY_KEYS[] = {"name",   "baseline", "groups", "growth", "power",
                                           "source", "note",     "history", NULL};

/* One country at frame `cf`. */
static int convert_country(struct ctx *c, const struct frame *cf, struct dcproj_country *co,
                           int top_power_present)
{
    snprintf(co->code, sizeof co->code, "%s", cf->key);
    if (want_object(c, cf, "an object (a country)") != 0)
        return -1;
    c->country = cf->key;
    c->slot_country = co - c->sc->countries;
    int bad = check_keys(c, cf, COUNTRY_KEYS, " in a country");
    if (opt_string(c, cf, "name", &co->name) != 0)
        bad++;
    if (co->name == NULL && !c->nomem && (co->name = xstrdup(c, "")) == NULL)
        bad++;
    if (opt_string(c, cf, "note", &co->note) != 0)
        bad++;
    if (source_ref(c, cf, &co->source) != 0)
        bad++;
    if (country_groups(c, cf, co) != 0)
        bad++;
    if (country_power(c, cf, co, top_power_present) != 0)
        bad++;
    if (parse_history(c, cf, co) != 0)
        bad++;
    if (country_growth(c, cf, co) != 0)
        bad++;
    else if (co->growth.model == DCPROJ_MODEL_FIT && co->n_history == 0 && !bad) {
        report(c, cf, "a \"fit\" growth model needs the country's \"history\" "
                      "{\"2019\": v, ...}");
        bad++;
    }
    c->country = NULL;
    c->slot_country = -1;
    return bad ? -1 : 0;
}

/* `countries` (SPEC §2): 1..DCPROJ_MAX_COUNTRIES, codes registered first so
 * events, groups and targets can refer to them. */
int convert_countries(struct ctx *c, const struct frame *top, int top_power_present)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame cs = fkey(top, "countries");
    if (cs.node == NULL) {
        report(c, top, "missing key \"countries\"");
        return -1;
    }
    if (want_object(c, &cs, "an object of countries {\"IE\": {...}, ...}") != 0)
        return -1;
    size_t n = 0;
    for (const cJSON *ch = cs.node->child; ch != NULL; ch = ch->next)
        n += !ignored_key(ch->string);
    if (n == 0) {
        report(c, &cs, "expected at least one country, got none");
        return -1;
    }
    if (n > DCPROJ_MAX_COUNTRIES) {
        report(c, &cs, "too many countries: %zu (at most %u)", n, (unsigned)DCPROJ_MAX_COUNTRIES);
        return -1;
    }
    sc->countries = dcproj_calloc(n, sizeof *sc->countries);
    if (sc->countries == NULL) {
        oom(c);
        return -1;
    }
    sc->n_countries = n;
    int bad = 0;
    for (const cJSON *ch = cs.node->child; ch != NULL; ch = ch->next) {
        if (ignored_key(ch->string))
            continue;
        if (idmap_put(&c->countries, ch->string, c->countries.n) < 0) {
            oom(c);
            return -1;
        }
        struct frame f = fchild(&cs, ch, -1);
        if (!is_identifier(ch->string)) {
            report(c, &cs, "invalid country code \"%s\": expected [A-Za-z0-9][A-Za-z0-9_-]{0,31}",
                   ch->string);
            bad++;
        } else if (strcmp(ch->string, "TOTAL") == 0 || strcmp(ch->string, "ALL") == 0) {
            report(c, &f, "\"%s\" is reserved and cannot be a country code", ch->string);
            bad++;
        }
    }
    if (bad)
        return -1;
    size_t i = 0;
    for (const cJSON *ch = cs.node->child; ch != NULL && !c->nomem; ch = ch->next) {
        if (ignored_key(ch->string))
            continue;
        struct frame f = fchild(&cs, ch, -1);
        if (convert_country(c, &f, &sc->countries[i++], top_power_present) != 0)
            bad++;
    }
    return bad || c->nomem ? -1 : 0;
}
