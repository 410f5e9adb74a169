/*
 * load_ctx.c — the converter's ground floor (stage 4 of the loader: read →
 * resolve extends → patch → convert).  It owns the walk's frames and how a
 * frame becomes a JSON path and an origin, the problem reporter (one message
 * per problem, at most one per value inherited from defaults), the typo
 * suggestions (edit distance), identifier and name rules (SPEC §2), and the
 * small typed getters every section uses (keys, strings, integers, sources).
 * See load_convert.c for the decisions taken where SPEC is silent.
 */
#include "load_int.h"
#include "message_int.h"
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
/* Small helpers                                                            */

/* A frame for `key` of the object of frame `up`. */
struct frame fkey(const struct frame *up, const char *key)
{
    struct frame f = {up, cJSON_GetObjectItemCaseSensitive(up->node, key), key, -1, 0};
    return f;
}

/* A frame for the child node `ch` of the object or array of frame `up`. */
struct frame fchild(const struct frame *up, const cJSON *ch, long index)
{
    struct frame f = {up, ch, cJSON_IsObject(up->node) ? ch->string : NULL,
                      cJSON_IsObject(up->node) ? -1 : index, 0};
    return f;
}

/* Keys that start with `$` or `_` are comments (SPEC §2). */
int ignored_key(const char *key)
{
    return key != NULL && (key[0] == '$' || key[0] == '_');
}



/* Render a JSON value for a message: compact JSON, cut to about 40
 * characters (on a UTF-8 boundary) with "..." when longer. */
static void render(const cJSON *node, char *buf, size_t size)
{
    if (node == NULL) {
        snprintf(buf, size, "nothing");
        return;
    }
    char *text = cJSON_PrintUnformatted(node);
    if (text == NULL) {
        snprintf(buf, size, "a value");
        return;
    }
    size_t n = strlen(text);
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
        snprintf(buf, size, "%.*s...", (int)n, text);
    } else {
        snprintf(buf, size, "%s", text);
    }
    cJSON_free(text);
}

struct rbuf shown_json(const cJSON *node)
{
    struct rbuf r;
    render(node, r.s, sizeof r.s);
    return r;
}

struct rbuf shown_number(double x)
{
    struct rbuf r;
    numfmt_g(x, 15, r.s, sizeof r.s);
    return r;
}

/* [A-Za-z0-9][A-Za-z0-9_-]{0,31} (SPEC §2). */
int is_identifier(const char *s)
{
    if (s == NULL || !isalnum((unsigned char)s[0]) || (unsigned char)s[0] > 127)
        return 0;
    size_t n = 1;
    for (; s[n] != '\0'; n++) {
        unsigned char ch = (unsigned char)s[n];
        if (ch > 127 || !(isalnum(ch) || ch == '_' || ch == '-'))
            return 0;
    }
    return n <= 32;
}

/* [A-Za-z0-9._-]{1,64} (SPEC §2 `name`). */
int is_scenario_name(const char *s)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        unsigned char ch = (unsigned char)s[n];
        if (ch > 127 || !(isalnum(ch) || ch == '.' || ch == '_' || ch == '-'))
            return 0;
    }
    return n >= 1 && n <= 64;
}

/* ------------------------------------------------------------------------ */
/* The conversion context and reporting                                     */

/* The origin of the node of frame `f` (NULL: the scenario file itself). */
const struct doc_origin *frame_origin(const struct ctx *c, const struct frame *f)
{
    if (f == NULL)
        return NULL;
    if (f->node != NULL) {
        const struct merge_entry *e = merge_map_find(c->map, f->node);
        if (e != NULL)
            return e->org;
    }
    const struct doc_origin *up = frame_origin(c, f->up);
    return f->node != NULL ? doc_origin_of(c->d, f->node, up) : up;
}

/* Write the dotted path of frame `f` into buf (which holds the prefix). */
static void frame_path(const struct frame *f, char *buf, size_t size)
{
    if (f == NULL)
        return;
    frame_path(f->up, buf, size);
    size_t len = strlen(buf);
    if (len >= size - 1)
        return;
    if (f->key != NULL)
        snprintf(buf + len, size - len, "%s%s", len > 0 ? "." : "", f->key);
    else if (f->index >= 0)
        snprintf(buf + len, size - len, "[%ld]", f->index);
}

/* Find `target` inside `tree` (whose origin is `tree_org`), appending its
 * relative path to `path` and setting *org to its origin. */
static int locate(const struct doc *d, const cJSON *tree, const struct doc_origin *tree_org,
                  const cJSON *target, char *path, size_t size, const struct doc_origin **org)
{
    if (tree == target) {
        *org = tree_org;
        return 1;
    }
    size_t len = strlen(path);
    long i = 0;
    for (const cJSON *ch = tree->child; ch != NULL; ch = ch->next, i++) {
        if (cJSON_IsObject(tree))
            snprintf(path + len, size - len, ".%s", ch->string);
        else
            snprintf(path + len, size - len, "[%ld]", i);
        if (locate(d, ch, doc_origin_of(d, ch, tree_org), target, path, size, org))
            return 1;
    }
    path[len] = '\0';
    return 0;
}

/* " (from ...)" for a value that did not come from the scenario file. */
static void origin_suffix(const struct doc_origin *o, char *buf, size_t size)
{
    buf[0] = '\0';
    if (o == NULL || o->label == NULL)
        return;
    switch (o->kind) {
    case DOC_ORIGIN_PARENT: snprintf(buf, size, " (from parent %s)", o->label); break;
    case DOC_ORIGIN_SET: snprintf(buf, size, " (from --set %s)", o->label); break;
    case DOC_ORIGIN_PATCH: snprintf(buf, size, " (from --patch %s)", o->label); break;
    case DOC_ORIGIN_OPTION: snprintf(buf, size, " (from %s)", o->label); break;
    case DOC_ORIGIN_FILE: break;
    }
}

/* Has a problem with this hash been reported already?  Records it if not.
 * Used so a bad value in `defaults.growth` is reported once, not once per
 * country that inherits it. */
static int seen_before(struct ctx *c, uint64_t h)
{
    for (size_t i = 0; i < c->n_seen; i++)
        if (c->seen[i] == h)
            return 1;
    if (c->n_seen == c->cap_seen) {
        size_t cap = c->cap_seen ? c->cap_seen * 2 : 16;
        uint64_t *s = dcproj_realloc(c->seen, cap * sizeof *s);
        if (s == NULL)
            return 0;
        c->seen = s;
        c->cap_seen = cap;
    }
    c->seen[c->n_seen++] = h;
    return 0;
}

/* Can another message still be stored?  Expensive details (suggestions over
 * many names) are skipped once the error value is full. */
int want_detail(const struct ctx *c)
{
    return c->err == NULL || c->err->count < DCPROJ_ERROR_MAX;
}

/*
 * The path that names the node of frame `f` (or, for a missing key, the
 * object that lacks it) as written: the frame's path, or for a value a
 * country inherits from `defaults.growth` its path there.  Sets *org to the
 * value's origin.  Returns 1 when the value came from `defaults.growth`.
 */
static int message_path(struct ctx *c, const struct frame *f, char *path, size_t size,
                        const struct doc_origin **org)
{
    const struct frame *nf = f;
    while (nf != NULL && nf->node == NULL)
        nf = nf->up;
    const cJSON *src = NULL;
    int from_defaults = 0;
    for (const struct frame *g = f; g != NULL; g = g->up)
        if (g->from_defaults)
            from_defaults = 1;
    if (from_defaults && nf != NULL) {
        src = nf->node;
    } else if (nf != NULL) {
        const struct merge_entry *e = merge_map_find(c->map, nf->node);
        if (e != NULL && e->from_defaults) {
            from_defaults = 1;
            src = e->src;
        }
    }

    if (from_defaults && src != NULL && c->dgrowth != NULL) {
        snprintf(path, size, "defaults.growth");
        if (!locate(c->d, c->dgrowth, frame_origin(c, c->dgrowth_frame), src, path, size, org))
            from_defaults = 0;
    } else {
        from_defaults = 0;
    }
    if (!from_defaults) {
        path[0] = '\0';
        frame_path(f, path, size);
        *org = frame_origin(c, nf);
    }
    return from_defaults;
}

/* The written path of frame `f` (SPEC §5.2: where a distribution is
 * written), interned in the scenario so every site at one path shares one
 * string.  NULL when memory runs out. */
const char *written_path(struct ctx *c, const struct frame *f)
{
    char path[DCPROJ_ERROR_PATH_LEN] = "";
    const struct doc_origin *org = NULL;
    message_path(c, f, path, sizeof path, &org);
    long idx = idmap_get(&c->paths, path);
    if (idx >= 0)
        return c->sc->site_paths[idx];
    struct dcproj_scenario *sc = c->sc;
    if (sc->n_site_paths == c->cap_paths) {
        size_t cap = c->cap_paths ? 2 * c->cap_paths : 16;
        char **p = dcproj_realloc(sc->site_paths, cap * sizeof *p);
        if (p == NULL)
            return oom(c);
        sc->site_paths = p;
        c->cap_paths = cap;
    }
    char *s = xstrdup(c, path);
    if (s == NULL)
        return NULL;
    sc->site_paths[sc->n_site_paths] = s;
    if (idmap_put(&c->paths, s, sc->n_site_paths) < 0) {
        dcproj_free(s);
        return oom(c);
    }
    return sc->site_paths[sc->n_site_paths++];
}

/*
 * Format a message about the node of frame `f` (or, for a missing key, the
 * object that lacks it) and record it, as a data error or as a warning
 * (SPEC §9 v2) in the scenario's warnings.  The path is the frame's; a
 * value inherited from `defaults.growth` is named by its path there, with
 * the country that uses it, and recorded once.  The origin of the value is
 * appended.
 */
static void emit(struct ctx *c, const struct frame *f, int warning, const char *fmt, va_list ap)
{
    char msg[DCPROJ_ERROR_MSG_LEN];
    message_vformat(msg, sizeof msg, fmt, ap);
    char path[DCPROJ_ERROR_PATH_LEN] = "";
    const struct doc_origin *org = NULL;
    char used[DCPROJ_ID_LEN + 32] = "";
    if (message_path(c, f, path, sizeof path, &org)) {
        if (seen_before(c, idmap_hash(msg, idmap_hash(path, 1469598103934665603ULL))))
            return;
        snprintf(used, sizeof used, " (used by country %s)", c->country ? c->country : "?");
    }
    char osuf[DCPROJ_ERROR_MSG_LEN];
    origin_suffix(org, osuf, sizeof osuf);
    if (!warning)
        dcproj_error_set(c->err, DCPROJ_ERR_DATA, c->file, path, 0, 0, "%s%s%s", msg, used,
                         osuf);
    else if (dcproj_warnings_add(&c->sc->warnings, c->file, path, "%s%s%s", msg, used, osuf)
             != DCPROJ_OK)
        oom(c);
}

/* Report a data problem about the node of frame `f` (see emit()). */
__attribute__((format(printf, 3, 4)))
void report(struct ctx *c, const struct frame *f, const char *fmt, ...)
{
    c->nerr++;
    if (c->nomem)
        return; /* a consequence of what could not be allocated, not of the data */
    if (!want_detail(c)) {
        dcproj_error_set(c->err, DCPROJ_ERR_DATA, c->file, NULL, 0, 0, "%s", "");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    emit(c, f, 0, fmt, ap);
    va_end(ap);
}

/* A warning about the node of frame `f`, placed as report() places errors. */
__attribute__((format(printf, 3, 4)))
void warn(struct ctx *c, const struct frame *f, const char *fmt, ...)
{
    if (c->sc == NULL || c->nomem)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(c, f, 1, fmt, ap);
    va_end(ap);
}

/* Record that memory ran out; the conversion ends with DCPROJ_ERR_NOMEM. */
void *oom(struct ctx *c)
{
    c->nomem = 1;
    return NULL;
}

char *xstrdup(struct ctx *c, const char *s)
{
    char *p = dcproj_strdup(s);
    if (p == NULL)
        oom(c);
    return p;
}

/* Check every key of the object of frame `f` against `allowed` (NULL
 * terminated); `what` (or NULL) qualifies the message, e.g. ` for model
 * "linear"`.  An unknown key is reported at its own path
 * (`countries.IE.groupz`): the key is the value at fault.  Returns the
 * number of unknown keys. */
int check_keys(struct ctx *c, const struct frame *f, const char *const *allowed,
               const char *what)
{
    int bad = 0;
    for (const cJSON *ch = f->node ? f->node->child : NULL; ch != NULL; ch = ch->next) {
        if (ignored_key(ch->string))
            continue;
        int ok = 0;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(allowed[i], ch->string) == 0;
        if (ok)
            continue;
        bad++;
        struct frame kf = fchild(f, ch, -1);
        struct nearest nb = {ch->string, NULL, 0};
        for (size_t i = 0; allowed[i] != NULL; i++)
            nearest_consider(&nb, allowed[i]);
        if (nb.best != NULL) {
            report(c, &kf, "unknown key \"%s\"%s; did you mean \"%s\"?", ch->string,
                   what ? what : "", nb.best);
        } else {
            char list[300] = "";
            for (size_t i = 0; allowed[i] != NULL; i++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s\"%s\"", i ? ", " : "", allowed[i]);
            }
            report(c, &kf, "unknown key \"%s\"%s (allowed: %s)", ch->string, what ? what : "",
                   list);
        }
    }
    return bad;
}

/* The type check of frame `f`: an object.  `what` describes it. */
int want_object(struct ctx *c, const struct frame *f, const char *what)
{
    if (cJSON_IsObject(f->node))
        return 0;
    report(c, f, "expected %s, got %s", what, shown_json(f->node).s);
    return -1;
}

/* An optional string at key `key` of frame `up`: *out is a copy or NULL. */
int opt_string(struct ctx *c, const struct frame *up, const char *key, char **out)
{
    struct frame f = fkey(up, key);
    *out = NULL;
    if (f.node == NULL)
        return 0;
    if (!cJSON_IsString(f.node)) {
        report(c, &f, "expected a string, got %s", shown_json(f.node).s);
        return -1;
    }
    *out = xstrdup(c, f.node->valuestring);
    return *out ? 0 : -1;
}

/* An integer (a number with no fractional part) in [lo, hi]. */
int get_int(struct ctx *c, const struct frame *f, double lo, double hi, const char *what,
            long long *out)
{
    const cJSON *n = f->node;
    if (!cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble) || n->valuedouble < lo ||
        n->valuedouble > hi) {
        report(c, f, "expected %s, got %s", what, shown_json(n).s);
        return -1;
    }
    *out = (long long)n->valuedouble;
    return 0;
}

/* One source id at `f` (a string naming an entry of `sources`); 0 or -1. */
static int source_id(struct ctx *c, const struct frame *f)
{
    if (!cJSON_IsString(f->node)) {
        report(c, f, "expected a source id (a key of \"sources\") or a non-empty array of "
                     "them, got %s", shown_json(f->node).s);
        return -1;
    }
    const char *id = f->node->valuestring;
    if (idmap_get(&c->sources, id) >= 0)
        return 0;
    if (c->sources.n == 0) {
        report(c, f, "unknown source \"%s\" (there is no \"sources\" object)", id);
        return -1;
    }
    struct nearest nb = {id, NULL, 0};
    for (size_t i = 0; i < c->sc->n_sources && want_detail(c); i++)
        nearest_consider(&nb, c->sc->sources[i].id);
    if (nb.best != NULL)
        report(c, f, "unknown source \"%s\"; did you mean \"%s\"?", id, nb.best);
    else
        report(c, f, "unknown source \"%s\" (not a key of \"sources\")", id);
    return -1;
}

/* A source reference (SPEC §2): a source id, or a non-empty array of
 * distinct ids.  *out (may be NULL) receives a copy of the first id. */
int source_ref(struct ctx *c, const struct frame *up, char **out)
{
    struct frame f = fkey(up, "source");
    if (out != NULL)
        *out = NULL;
    if (f.node == NULL)
        return 0;
    if (c->nomem)
        return -1; /* `sources` may be incomplete: no id can be judged */
    const cJSON *first = f.node;
    if (cJSON_IsArray(f.node)) {
        if (f.node->child == NULL) {
            report(c, &f, "expected a source id or a non-empty array of source ids, got []");
            return -1;
        }
        int bad = 0;
        long i = 0;
        for (const cJSON *e = f.node->child; e != NULL; e = e->next, i++) {
            struct frame ef = fchild(&f, e, i);
            if (source_id(c, &ef) != 0) {
                bad++;
                continue;
            }
            for (const cJSON *d = f.node->child; d != e; d = d->next)
                if (cJSON_IsString(d) && strcmp(d->valuestring, e->valuestring) == 0) {
                    report(c, &ef, "source \"%s\" is listed twice", e->valuestring);
                    bad++;
                    break;
                }
        }
        if (bad)
            return -1;
        first = f.node->child;
    } else if (source_id(c, &f) != 0) {
        return -1;
    }
    if (out == NULL)
        return 0;
    *out = xstrdup(c, first->valuestring);
    return *out ? 0 : -1;
}
