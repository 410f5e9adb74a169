/*
 * provenance.c — what a result rests on: the scenario hash (SPEC §7, the
 * SHA-256 from nettle) and the inputs of SPEC §2 with their sources, and
 * the notes, for the report.  See dcproj/provenance.h.  Both read the
 * resolved document the loader keeps (`resolved_json`): the inputs are
 * listed where they are written, which the converted structs no longer
 * say (a `defaults.growth` rate is one input, not one per country).
 */
#include "dcproj/provenance.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <nettle/sha2.h>

#include "dcproj/report.h"
#include "json_int.h"
#include "alloc_int.h"

void dcproj_sha256_hex(const void *data, size_t len, char hex[DCPROJ_SHA256_HEX_LEN])
{
    static const char digits[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

int dcproj_scenario_hash(const struct dcproj_scenario *sc, char hex[DCPROJ_SHA256_HEX_LEN],
                         struct dcproj_error *err)
{
    hex[0] = '\0';
    if (sc == NULL || sc->resolved_json == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc != NULL ? sc->file : NULL, NULL, 0, 0,
                                "the scenario has no resolved document to hash");
    dcproj_sha256_hex(sc->resolved_json, strlen(sc->resolved_json), hex);
    return DCPROJ_OK;
}

/* ---- inputs and notes ---- */

struct walk {
    const struct dcproj_scenario *sc;
    const cJSON *variables; /* the document's `variables`, or NULL */
    struct dcproj_provenance *p;
    size_t cap_inputs, cap_notes;
    int nomem;
};

static int ignored(const char *key)
{
    return key != NULL && (key[0] == '$' || key[0] == '_');
}

/* `base` + ".key" or "[i]" in a new string (NULL when out of memory). */
static char *path_join(const char *base, const char *key, long index)
{
    size_t n = strlen(base) + (key != NULL ? strlen(key) : 24) + 4;
    char *s = dcproj_malloc(n);
    if (s == NULL)
        return NULL;
    if (key == NULL)
        snprintf(s, n, "%s[%ld]", base, index);
    else if (base[0] == '\0')
        snprintf(s, n, "%s", key);
    else
        snprintf(s, n, "%s.%s", base, key);
    return s;
}

static const cJSON *own_source(const cJSON *obj)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, "source") : NULL;
}

/* Index of source `id` in the scenario, or SIZE_MAX. */
static size_t source_index(const struct dcproj_scenario *sc, const char *id)
{
    for (size_t i = 0; i < sc->n_sources; i++)
        if (strcmp(sc->sources[i].id, id) == 0)
            return i;
    return SIZE_MAX;
}

static void add_input(struct walk *w, char *path, const cJSON *value, const cJSON *source)
{
    if (path == NULL || w->nomem) {
        dcproj_free(path);
        w->nomem = 1;
        return;
    }
    /* a bare variable reference with no enclosing source has the variable's */
    if (source == NULL && cJSON_IsObject(value) && w->variables != NULL &&
        cJSON_GetObjectItemCaseSensitive(value, "dist") == NULL) {
        const cJSON *var = cJSON_GetObjectItemCaseSensitive(value, "var");
        if (cJSON_IsString(var))
            source = own_source(cJSON_GetObjectItemCaseSensitive(w->variables, var->valuestring));
    }
    struct dcproj_provenance *p = w->p;
    if (p->n_inputs == w->cap_inputs) {
        size_t cap = w->cap_inputs ? 2 * w->cap_inputs : 32;
        struct dcproj_provenance_input *q = dcproj_realloc(p->inputs, cap * sizeof *q);
        if (q == NULL) {
            dcproj_free(path);
            w->nomem = 1;
            return;
        }
        p->inputs = q;
        w->cap_inputs = cap;
    }
    struct dcproj_provenance_input *in = &p->inputs[p->n_inputs++];
    memset(in, 0, sizeof *in);
    in->path = path;
    if (cJSON_IsNumber(value)) {
        char num[DCPROJ_NUMBER_LEN];
        dcproj_format_number(value->valuedouble, -1, 0, num);
        in->value = dcproj_strdup(num);
    } else {
        in->value = json_write_compact(value);
    }
    size_t n = cJSON_IsArray(source) ? (size_t)cJSON_GetArraySize(source) : source != NULL;
    if (n > 0)
        in->sources = dcproj_calloc(n, sizeof *in->sources);
    if (in->value == NULL || (n > 0 && in->sources == NULL)) {
        w->nomem = 1;
        return;
    }
    const cJSON *ids = cJSON_IsArray(source) ? source->child : source;
    for (; ids != NULL && in->n_sources < n; ids = cJSON_IsArray(source) ? ids->next : NULL) {
        size_t k = cJSON_IsString(ids) ? source_index(w->sc, ids->valuestring) : SIZE_MAX;
        if (k != SIZE_MAX)
            in->sources[in->n_sources++] = k;
    }
}

/* The member `key` of `obj` as an input, when present. */
static void param(struct walk *w, const cJSON *obj, const char *path, const char *key,
                  const cJSON *source)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v != NULL && !cJSON_IsNull(v))
        add_input(w, path_join(path, key, 0), v, source);
}

/* Every non-ignored member of a year-keyed object (`points`, `history`). */
static void year_values(struct walk *w, const cJSON *obj, const char *path, const cJSON *source)
{
    if (!cJSON_IsObject(obj))
        return;
    const cJSON *own = own_source(obj);
    if (own != NULL)
        source = own;
    for (const cJSON *m = obj->child; m != NULL; m = m->next)
        if (!ignored(m->string) && strcmp(m->string, "source") != 0)
            add_input(w, path_join(path, m->string, 0), m, source);
}

static void growth(struct walk *w, const cJSON *g, const char *path, const cJSON *source)
{
    if (!cJSON_IsObject(g))
        return;
    const cJSON *own = own_source(g);
    if (own != NULL)
        source = own;
    param(w, g, path, "rate", source);
    param(w, g, path, "per_year", source);
    param(w, g, path, "cap", source);
    const cJSON *rates = cJSON_GetObjectItemCaseSensitive(g, "rates");
    long i = 0;
    for (const cJSON *r = cJSON_IsArray(rates) ? rates->child : NULL; r != NULL; r = r->next, i++) {
        char *rates_path = path_join(path, "rates", 0);
        char *rp = rates_path != NULL ? path_join(rates_path, NULL, i) : NULL;
        dcproj_free(rates_path);
        if (rp == NULL) {
            w->nomem = 1;
            return;
        }
        const cJSON *rs = own_source(r);
        param(w, r, rp, "rate", rs != NULL ? rs : source);
        dcproj_free(rp);
    }
    const cJSON *points = cJSON_GetObjectItemCaseSensitive(g, "points");
    char *pp = path_join(path, "points", 0);
    if (pp == NULL) {
        w->nomem = 1;
        return;
    }
    year_values(w, points, pp, source);
    dcproj_free(pp);
}

static void power(struct walk *w, const cJSON *pw, const char *path, const cJSON *source)
{
    if (!cJSON_IsObject(pw))
        return;
    const cJSON *own = own_source(pw);
    if (own != NULL)
        source = own;
    param(w, pw, path, "pue", source);
    param(w, pw, path, "utilization", source);
}

/* Call `fn` for each member of an object or element of an array at `key`
 * of `root` with its path. */
static void each_member(struct walk *w, const cJSON *root, const char *key,
                        void (*fn)(struct walk *, const cJSON *, const char *))
{
    const cJSON *coll = cJSON_GetObjectItemCaseSensitive(root, key);
    long i = 0;
    for (const cJSON *m = (cJSON_IsObject(coll) || cJSON_IsArray(coll)) ? coll->child : NULL;
         m != NULL && !w->nomem; m = m->next, i++) {
        if (cJSON_IsObject(coll) && ignored(m->string))
            continue;
        char *path = cJSON_IsObject(coll) ? path_join(key, m->string, 0) : path_join(key, NULL, i);
        if (path == NULL) {
            w->nomem = 1;
            return;
        }
        if (cJSON_IsObject(m))
            fn(w, m, path);
        dcproj_free(path);
    }
}

static void country(struct walk *w, const cJSON *c, const char *path)
{
    const cJSON *source = own_source(c);
    char *sub[3] = {path_join(path, "growth", 0), path_join(path, "power", 0),
                    path_join(path, "history", 0)};
    if (sub[0] == NULL || sub[1] == NULL || sub[2] == NULL) {
        w->nomem = 1;
    } else {
        param(w, c, path, "baseline", source);
        growth(w, cJSON_GetObjectItemCaseSensitive(c, "growth"), sub[0], source);
        power(w, cJSON_GetObjectItemCaseSensitive(c, "power"), sub[1], source);
        year_values(w, cJSON_GetObjectItemCaseSensitive(c, "history"), sub[2], source);
    }
    for (int i = 0; i < 3; i++)
        dcproj_free(sub[i]);
}

static void event(struct walk *w, const cJSON *e, const char *path)
{
    const cJSON *source = own_source(e);
    param(w, e, path, "add", source);
    param(w, e, path, "probability", source);
    param(w, e, path, "delay_months", source);
}

static void target(struct walk *w, const cJSON *t, const char *path)
{
    const cJSON *source = own_source(t);
    param(w, t, path, "value", source);
    param(w, t, path, "ratio", source);
}

static void variable(struct walk *w, const cJSON *v, const char *path)
{
    param(w, v, path, "value", own_source(v));
}

static void add_note(struct walk *w, char *path, const char *text)
{
    struct dcproj_provenance *p = w->p;
    if (path != NULL && p->n_notes == w->cap_notes) {
        size_t cap = w->cap_notes ? 2 * w->cap_notes : 16;
        struct dcproj_provenance_note *q = dcproj_realloc(p->notes, cap * sizeof *q);
        if (q == NULL) {
            dcproj_free(path);
            path = NULL;
        } else {
            p->notes = q;
            w->cap_notes = cap;
        }
    }
    char *t = path != NULL ? dcproj_strdup(text) : NULL;
    if (t == NULL) {
        dcproj_free(path);
        w->nomem = 1;
        return;
    }
    p->notes[p->n_notes++] = (struct dcproj_provenance_note){path, t};
}

/* Every `note`/`_note` string below `v` (at `path`), in document order. */
static void notes(struct walk *w, const cJSON *v, const char *path)
{
    long i = 0;
    for (const cJSON *m = v->child; m != NULL && !w->nomem; m = m->next, i++) {
        char *mp = cJSON_IsObject(v) ? path_join(path, m->string, 0) : path_join(path, NULL, i);
        if (mp == NULL) {
            w->nomem = 1;
            return;
        }
        int is_note = cJSON_IsObject(v) && (strcmp(m->string, "note") == 0 ||
                                            strcmp(m->string, "_note") == 0);
        if (is_note && cJSON_IsString(m)) {
            add_note(w, mp, m->valuestring);
            continue;
        }
        if (is_note && cJSON_IsArray(m)) {
            long k = 0;
            for (const cJSON *e = m->child; e != NULL && !w->nomem; e = e->next, k++)
                if (cJSON_IsString(e))
                    add_note(w, path_join(mp, NULL, k), e->valuestring);
        } else if (cJSON_IsObject(m) || cJSON_IsArray(m)) {
            notes(w, m, mp);
        }
        dcproj_free(mp);
    }
}

void dcproj_provenance_free(struct dcproj_provenance *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n_inputs; i++) {
        dcproj_free(p->inputs[i].path);
        dcproj_free(p->inputs[i].value);
        dcproj_free(p->inputs[i].sources);
    }
    for (size_t i = 0; i < p->n_notes; i++) {
        dcproj_free(p->notes[i].path);
        dcproj_free(p->notes[i].text);
    }
    dcproj_free(p->inputs);
    dcproj_free(p->notes);
    dcproj_free(p);
}

int dcproj_provenance_build(const struct dcproj_scenario *sc, struct dcproj_provenance **out,
                            struct dcproj_error *err)
{
    if (sc == NULL || sc->resolved_json == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc != NULL ? sc->file : NULL, NULL, 0, 0,
                                "the scenario has no resolved document");
    const char *file = sc->file;
    cJSON *root = cJSON_ParseWithOpts(sc->resolved_json, NULL, 1);
    struct dcproj_provenance *p = dcproj_calloc(1, sizeof *p);
    if (root == NULL || p == NULL) {
        cJSON_Delete(root);
        dcproj_free(p);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, file, NULL, 0, 0, "out of memory");
    }
    struct walk w = {sc, cJSON_GetObjectItemCaseSensitive(root, "variables"), p, 0, 0, 0};
    const cJSON *defaults = cJSON_GetObjectItemCaseSensitive(root, "defaults");
    growth(&w, cJSON_GetObjectItemCaseSensitive(defaults, "growth"), "defaults.growth", NULL);
    each_member(&w, root, "countries", country);
    power(&w, cJSON_GetObjectItemCaseSensitive(root, "power"), "power", NULL);
    each_member(&w, root, "events", event);
    each_member(&w, root, "variables", variable);
    each_member(&w, root, "targets", target);
    if (!w.nomem)
        notes(&w, root, "");
    cJSON_Delete(root);
    if (w.nomem) {
        dcproj_provenance_free(p);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, file, NULL, 0, 0, "out of memory");
    }
    *out = p;
    return DCPROJ_OK;
}
