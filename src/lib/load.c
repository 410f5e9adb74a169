/*
 * load.c — converting the final scenario document into struct dcproj_scenario.
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
#include "dcproj/scenario.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "doc_int.h"
#include "json_int.h"
#include "alloc_int.h"

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

/* One step of the walk from the root to the node being converted. */
struct frame {
    const struct frame *up; /* the parent; NULL at the root */
    const cJSON *node;      /* the value; NULL for a key that is absent */
    const char *key;        /* key in the parent object, or NULL */
    long index;             /* index in the parent array, or -1 */
    int from_defaults;      /* `defaults.growth` seen through a country (no own growth) */
};

/* A frame for `key` of the object of frame `up`. */
static struct frame fkey(const struct frame *up, const char *key)
{
    struct frame f = {up, cJSON_GetObjectItemCaseSensitive(up->node, key), key, -1, 0};
    return f;
}

/* A frame for the child node `ch` of the object or array of frame `up`. */
static struct frame fchild(const struct frame *up, const cJSON *ch, long index)
{
    struct frame f = {up, ch, cJSON_IsObject(up->node) ? ch->string : NULL,
                      cJSON_IsObject(up->node) ? -1 : index, 0};
    return f;
}

/* Keys that start with `$` or `_` are comments (SPEC §2). */
static int ignored_key(const char *key)
{
    return key != NULL && (key[0] == '$' || key[0] == '_');
}

/* Where one node of a merged growth tree came from. */
struct merge_entry {
    const cJSON *merged;
    const cJSON *src;
    const struct doc_origin *org;
    int from_defaults;
};

struct merge_map {
    struct merge_entry *e;
    size_t n, cap;
};

static const struct merge_entry *map_find(const struct merge_map *m, const cJSON *node)
{
    if (m == NULL)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (m->e[i].merged == node)
            return &m->e[i];
    return NULL;
}

/* An open-addressing hash set of names (keys borrowed) mapped to indices. */
struct idmap {
    size_t cap; /* power of two, or 0 */
    size_t n;
    const char **keys;
    size_t *vals;
};

static uint64_t hash_str(const char *s, uint64_t h)
{
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static long idmap_get(const struct idmap *m, const char *key)
{
    if (m->cap == 0 || key == NULL)
        return -1;
    size_t i = (size_t)hash_str(key, 1469598103934665603ULL) & (m->cap - 1);
    while (m->keys[i] != NULL) {
        if (strcmp(m->keys[i], key) == 0)
            return (long)m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

/* Insert `key` -> `val` unless present.  Returns 1 if inserted, 0 if the key
 * was already there, -1 when out of memory. */
static int idmap_put(struct idmap *m, const char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        const char **keys = dcproj_calloc(cap, sizeof *keys);
        size_t *vals = dcproj_calloc(cap, sizeof *vals);
        if (keys == NULL || vals == NULL) {
            dcproj_free(keys);
            dcproj_free(vals);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (m->keys[i] == NULL)
                continue;
            size_t j = (size_t)hash_str(m->keys[i], 1469598103934665603ULL) & (cap - 1);
            while (keys[j] != NULL)
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        dcproj_free(m->keys);
        dcproj_free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = (size_t)hash_str(key, 1469598103934665603ULL) & (m->cap - 1);
    while (m->keys[i] != NULL) {
        if (strcmp(m->keys[i], key) == 0)
            return 0;
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return 1;
}

static void idmap_free(struct idmap *m)
{
    dcproj_free(m->keys);
    dcproj_free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}

/* Optimal-string-alignment distance (edits plus adjacent transpositions);
 * a large value for words too long to be typos of a known name. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return INT_MAX / 2;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

/* The closest candidate to a misspelt word, if it is close enough to be a
 * typo: at most one edit per three characters of the longer word. */
struct nearest {
    const char *word;
    const char *best;
    int dist;
};

static void nearest_consider(struct nearest *nb, const char *cand)
{
    if (cand == NULL || strcmp(cand, nb->word) == 0)
        return;
    int d = edit_distance(nb->word, cand);
    size_t la = strlen(nb->word), lb = strlen(cand);
    size_t longer = la > lb ? la : lb;
    if ((size_t)d * 3 > longer + 1)
        return;
    if (nb->best == NULL || d < nb->dist) {
        nb->best = cand;
        nb->dist = d;
    }
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

/* Format a number for a message, independent of the locale. */
static void fmt_num(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.15g", x);
    for (char *p = buf; *p != '\0'; p++)
        if (*p == ',')
            *p = '.';
}

/* A rendering buffer that lives for one message. */
struct rbuf {
    char s[64];
};

static struct rbuf R(const cJSON *node)
{
    struct rbuf r;
    render(node, r.s, sizeof r.s);
    return r;
}

static struct rbuf N(double x)
{
    struct rbuf r;
    fmt_num(x, r.s, sizeof r.s);
    return r;
}

/* [A-Za-z0-9][A-Za-z0-9_-]{0,31} (SPEC §2). */
static int is_identifier(const char *s)
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
static int is_scenario_name(const char *s)
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

struct ctx {
    const struct doc *d;
    const char *file;
    struct dcproj_error *err;
    int nerr;  /* problems reported by this conversion */
    int nomem;
    struct dcproj_scenario *sc;
    int B, H;
    int last_year; /* the last year ever evaluated: horizon and target years */
    const cJSON *dgrowth;              /* defaults.growth when it is an object */
    int dgrowth_bad;                   /* defaults.growth is present but invalid */
    const struct frame *dgrowth_frame; /* its frame (root -> defaults -> growth) */
    const struct merge_map *map;       /* the current country's merged growth */
    const char *country;               /* the country being converted */
    struct idmap countries, groups, vars, sources;
    unsigned char *var_ok;   /* variable i is valid */
    unsigned char *var_used; /* variable i is referenced by an effective parameter */
    int groups_incomplete;   /* some `groups` array could not be read */
    int frozen;              /* frozen calibration: every variable will be fixed at the
                                parent's solution before the model runs */
    uint64_t *seen;          /* hashes of problems already reported via defaults */
    size_t n_seen, cap_seen;
};

/* The origin of the node of frame `f` (NULL: the scenario file itself). */
static const struct doc_origin *frame_origin(const struct ctx *c, const struct frame *f)
{
    if (f == NULL)
        return NULL;
    if (f->node != NULL) {
        const struct merge_entry *e = map_find(c->map, f->node);
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
static int want_detail(const struct ctx *c)
{
    return c->err == NULL || c->err->count < DCPROJ_ERROR_MAX;
}

/*
 * Report a data problem about the node of frame `f` (or, for a missing key,
 * the object that lacks it).  The path is the frame's; a value inherited
 * from `defaults.growth` is named by its path there, with the country that
 * uses it, and reported once.  The origin of the value is appended.
 */
__attribute__((format(printf, 3, 4)))
static void report(struct ctx *c, const struct frame *f, const char *fmt, ...)
{
    c->nerr++;
    if (!want_detail(c)) {
        dcproj_error_set(c->err, DCPROJ_ERR_DATA, c->file, NULL, 0, 0, "%s", "");
        return;
    }
    char msg[DCPROJ_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

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
        const struct merge_entry *e = map_find(c->map, nf->node);
        if (e != NULL && e->from_defaults) {
            from_defaults = 1;
            src = e->src;
        }
    }

    char path[DCPROJ_ERROR_PATH_LEN] = "";
    const struct doc_origin *org = NULL;
    char used[DCPROJ_ID_LEN + 32] = "";
    if (from_defaults && src != NULL && c->dgrowth != NULL) {
        snprintf(path, sizeof path, "defaults.growth");
        if (locate(c->d, c->dgrowth, frame_origin(c, c->dgrowth_frame), src, path, sizeof path,
                   &org)) {
            if (seen_before(c, hash_str(msg, hash_str(path, 1469598103934665603ULL))))
                return;
            snprintf(used, sizeof used, " (used by country %s)", c->country ? c->country : "?");
        } else {
            from_defaults = 0;
            path[0] = '\0';
        }
    } else {
        from_defaults = 0;
    }
    if (!from_defaults) {
        frame_path(f, path, sizeof path);
        org = frame_origin(c, nf);
    }
    char osuf[DCPROJ_ERROR_MSG_LEN];
    origin_suffix(org, osuf, sizeof osuf);
    dcproj_error_set(c->err, DCPROJ_ERR_DATA, c->file, path, 0, 0, "%s%s%s", msg, used, osuf);
}

/* Record that memory ran out; the conversion ends with DCPROJ_ERR_NOMEM. */
static void *oom(struct ctx *c)
{
    c->nomem = 1;
    return NULL;
}

static char *xstrdup(struct ctx *c, const char *s)
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
static int check_keys(struct ctx *c, const struct frame *f, const char *const *allowed,
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
static int want_object(struct ctx *c, const struct frame *f, const char *what)
{
    if (cJSON_IsObject(f->node))
        return 0;
    report(c, f, "expected %s, got %s", what, R(f->node).s);
    return -1;
}

/* An optional string at key `key` of frame `up`: *out is a copy or NULL. */
static int opt_string(struct ctx *c, const struct frame *up, const char *key, char **out)
{
    struct frame f = fkey(up, key);
    *out = NULL;
    if (f.node == NULL)
        return 0;
    if (!cJSON_IsString(f.node)) {
        report(c, &f, "expected a string, got %s", R(f.node).s);
        return -1;
    }
    *out = xstrdup(c, f.node->valuestring);
    return *out ? 0 : -1;
}

/* An integer (a number with no fractional part) in [lo, hi]. */
static int get_int(struct ctx *c, const struct frame *f, double lo, double hi, const char *what,
                   long long *out)
{
    const cJSON *n = f->node;
    if (!cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble) || n->valuedouble < lo ||
        n->valuedouble > hi) {
        report(c, f, "expected %s, got %s", what, R(n).s);
        return -1;
    }
    *out = (long long)n->valuedouble;
    return 0;
}

/* A source reference: a string naming an entry of `sources`. */
static int source_ref(struct ctx *c, const struct frame *up, char **out)
{
    struct frame f = fkey(up, "source");
    *out = NULL;
    if (f.node == NULL)
        return 0;
    if (!cJSON_IsString(f.node)) {
        report(c, &f, "expected a source id (a key of \"sources\"), got %s", R(f.node).s);
        return -1;
    }
    const char *id = f.node->valuestring;
    if (idmap_get(&c->sources, id) < 0) {
        if (c->sources.n == 0) {
            report(c, &f, "unknown source \"%s\" (there is no \"sources\" object)", id);
            return -1;
        }
        struct nearest nb = {id, NULL, 0};
        for (size_t i = 0; i < c->sc->n_sources && want_detail(c); i++)
            nearest_consider(&nb, c->sc->sources[i].id);
        if (nb.best != NULL)
            report(c, &f, "unknown source \"%s\"; did you mean \"%s\"?", id, nb.best);
        else
            report(c, &f, "unknown source \"%s\" (not a key of \"sources\")", id);
        return -1;
    }
    *out = xstrdup(c, id);
    return *out ? 0 : -1;
}

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
static int digits(const char *s, int n, int *out)
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

/*
 * Parse a date `YYYY`, `YYYY-Qn`, `YYYY-MM` or `YYYY-MM-DD` (a real
 * Gregorian day) into its year and its start in months since the end of
 * baseline year B: s = 12·(Y − 1 − B) + (M − 1) + (D − 1)/days_in_month.
 * Returns -1 when the text is not such a date.
 */
static int parse_date(const char *s, int B, int *year, double *start_months)
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

/* ------------------------------------------------------------------------ */
/* Parameters (SPEC §2.1, §5.1)                                             */

/* The valid range of a parameter or plain number, for checks and messages. */
struct range {
    const char *text; /* "a number >= 0" */
    double lo, hi;
    int lo_open, hi_open;
};

static const struct range R_ANY = {"a number", -HUGE_VAL, HUGE_VAL, 0, 0};
static const struct range R_NONNEG = {"a number >= 0", 0, HUGE_VAL, 0, 0};
static const struct range R_POS = {"a number > 0", 0, HUGE_VAL, 1, 0};
static const struct range R_RATE = {"a number > -1", -1, HUGE_VAL, 1, 0};
static const struct range R_PROB = {"a number in [0, 1]", 0, 1, 0, 0};
static const struct range R_PUE = {"a number >= 1", 1, HUGE_VAL, 0, 0};
static const struct range R_UTIL = {"a number in (0, 1]", 0, 1, 1, 0};

static int in_range(const struct range *r, double x)
{
    int lo_ok = r->lo_open ? x > r->lo : x >= r->lo;
    int hi_ok = r->hi_open ? x < r->hi : x <= r->hi;
    return lo_ok && hi_ok;
}

/* What is known at load time about the values a parameter can take:
 * [lo, hi] when `known` (its value, or a bounded distribution's support, or
 * a normal/lognormal mean, whose draws are clamped). */
struct pinfo {
    int known;
    double lo, hi;
};

/* A plain number in range `r`. */
static int plain_number(struct ctx *c, const struct frame *f, const struct range *r, double *out)
{
    if (!cJSON_IsNumber(f->node) || !in_range(r, f->node->valuedouble)) {
        report(c, f, "expected %s, got %s", r->text, R(f->node).s);
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
        report(c, &vf, "expected a variable id, got %s", R(vf.node).s);
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
    if (var->fixed) {
        double x = v->times * var->value + v->plus;
        if (r != NULL && !in_range(r, x)) {
            report(c, f, "expected %s, got %s = %s (variable \"%s\" is fixed at %s)", r->text,
                   R(f->node).s, N(x).s, var->id, N(var->value).s);
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
           R(f->node).s);
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
            report(c, &df, "unknown distribution %s; did you mean \"%s\"?", R(df.node).s,
                   nb.best);
        else
            report(c, &df,
                   "expected a distribution (normal, lognormal, uniform, triangular, pert), "
                   "got %s",
                   R(df.node).s);
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
    size_t last = def->n - 1;
    if (def->dist == DCPROJ_DIST_NORMAL || def->dist == DCPROJ_DIST_LOGNORMAL) {
        if (known[1] && val[1] < 0) {
            report(c, &ff[1], "expected a standard deviation >= 0, got %s", R(ff[1].node).s);
            bad++;
        }
        if (known[0] && def->dist == DCPROJ_DIST_LOGNORMAL && val[0] <= 0) {
            report(c, &ff[0], "expected a mean > 0 (lognormal), got %s", R(ff[0].node).s);
            bad++;
        } else if (known[0] && !in_range(r, val[0])) {
            report(c, &ff[0], "expected %s (the mean is the deterministic value), got %s",
                   r->text, R(ff[0].node).s);
            bad++;
        }
        if (!bad && known[0]) {
            pi->known = 1;
            pi->lo = pi->hi = val[0];
        }
        return bad ? -1 : 0;
    }
    if (known[0] && known[last] && !(val[0] < val[last])) {
        report(c, &ff[last], "expected a max greater than min %s, got %s", N(val[0]).s,
               R(ff[last].node).s);
        return -1;
    }
    if (def->n == 3 && known[1] && known[0] && known[2] && (val[1] < val[0] || val[1] > val[2])) {
        report(c, &ff[1], "expected a mode in [%s, %s], got %s", N(val[0]).s, N(val[2]).s,
               R(ff[1].node).s);
        return -1;
    }
    for (size_t i = 0; i < def->n; i += last) {
        if (known[i] && !in_range(r, val[i])) {
            report(c, &ff[i],
                   "expected %s (a bounded distribution must lie inside the parameter's "
                   "valid range), got %s",
                   r->text, R(ff[i].node).s);
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
static void param_number(struct dcproj_param *p, double x)
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
 * A parameter (SPEC §2.1) at frame `f` whose values must lie in `r`: a
 * number, a variable reference or a distribution.  *pi (may be NULL)
 * receives what is known about its values for cross-checks.
 */
static int parse_param(struct ctx *c, const struct frame *f, const struct range *r,
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
        return 0;
    }
    if (cJSON_IsObject(n) && cJSON_GetObjectItemCaseSensitive(n, "dist") != NULL)
        return parse_dist(c, f, r, p, pi);
    if (cJSON_IsObject(n) && cJSON_GetObjectItemCaseSensitive(n, "var") != NULL) {
        int known = 0;
        double x = 0;
        if (parse_ref(c, f, r, 0, &p->v, &known, &x) != 0)
            return -1;
        if (known) {
            pi->known = 1;
            pi->lo = pi->hi = x;
        }
        return 0;
    }
    if (cJSON_IsObject(n))
        report(c, f, "expected %s, a variable reference {\"var\": ...} or a distribution "
                     "{\"dist\": ...}, got %s",
               r->text, R(n).s);
    else
        report(c, f, "expected %s, got %s", r->text, R(n).s);
    return -1;
}

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

/* Attach `item` to `parent` under `key` (objects) or at the end (arrays);
 * deletes `item` and returns -1 on failure. */
static int attach(struct ctx *c, cJSON *parent, const char *key, cJSON *item)
{
    cJSON_bool ok = cJSON_IsObject(parent) ? cJSON_AddItemToObject(parent, key, item)
                                           : cJSON_AddItemToArray(parent, item);
    if (!ok) {
        cJSON_Delete(item);
        oom(c);
        return -1;
    }
    return 0;
}

/* A deep copy of `src` (origin `org`) whose nodes are recorded in `m`. */
static cJSON *copy_tracked(struct ctx *c, struct merge_map *m, const cJSON *src,
                           const struct doc_origin *org, int from_defaults)
{
    cJSON *out = NULL;
    if (cJSON_IsNumber(src))
        out = cJSON_CreateNumber(src->valuedouble);
    else if (cJSON_IsString(src))
        out = cJSON_CreateString(src->valuestring);
    else if (cJSON_IsBool(src))
        out = cJSON_CreateBool(cJSON_IsTrue(src));
    else if (cJSON_IsArray(src))
        out = cJSON_CreateArray();
    else if (cJSON_IsObject(src))
        out = cJSON_CreateObject();
    else
        out = cJSON_CreateNull();
    if (out == NULL)
        return oom(c);
    if (map_add(c, m, out, src, org, from_defaults) != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    for (const cJSON *ch = src->child; ch != NULL; ch = ch->next) {
        cJSON *cc = copy_tracked(c, m, ch, doc_origin_of(c->d, ch, org), from_defaults);
        if (cc == NULL || attach(c, out, ch->string, cc) != 0) {
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
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
 * RFC 7396: a new tree equal to `patch` (origin porg) merged onto `target`
 * (origin torg; may be NULL): objects merge key by key recursively
 * (existing keys keep their place, new keys follow in patch order, `null`
 * deletes); anything else replaces.  Nodes from `target` are recorded as
 * coming from the defaults.  Two refinements keep a merged growth valid
 * where plain RFC 7396 would mix incompatible forms: a parameter object
 * of another kind (another "dist", or "var" onto a distribution) replaces
 * the inherited one instead of merging into it, and at the top (`top`) a
 * country's `rate` drops an inherited `rates` and vice versa.
 */
static cJSON *merge_tracked(struct ctx *c, struct merge_map *m, const cJSON *target,
                            const struct doc_origin *torg, const cJSON *patch,
                            const struct doc_origin *porg, int top)
{
    if (!cJSON_IsObject(patch))
        return copy_tracked(c, m, patch, porg, 0);
    const char *pk = param_kind(patch);
    if (pk != NULL && cJSON_IsObject(target)) {
        const char *tk = param_kind(target);
        if (tk == NULL || strcmp(pk, tk) != 0)
            target = NULL;
    }
    cJSON *out = cJSON_CreateObject();
    if (out == NULL)
        return oom(c);
    if (map_add(c, m, out, patch, porg, 0) != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    int tobj = cJSON_IsObject(target);
    for (const cJSON *t = tobj ? target->child : NULL; t != NULL; t = t->next) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(patch, t->string);
        const struct doc_origin *to = doc_origin_of(c->d, t, torg);
        cJSON *item;
        if (p == NULL && top && replaced_by_alternative(t->string, patch))
            continue;
        if (p == NULL)
            item = copy_tracked(c, m, t, to, 1);
        else if (cJSON_IsNull(p))
            continue;
        else
            item = merge_tracked(c, m, t, to, p, doc_origin_of(c->d, p, porg), 0);
        if (item == NULL || attach(c, out, t->string, item) != 0) {
            cJSON_Delete(out);
            return NULL;
        }
    }
    for (const cJSON *p = patch->child; p != NULL; p = p->next) {
        if (cJSON_IsNull(p) || (tobj && cJSON_GetObjectItemCaseSensitive(target, p->string)))
            continue;
        cJSON *item = merge_tracked(c, m, NULL, NULL, p, doc_origin_of(c->d, p, porg), 0);
        if (item == NULL || attach(c, out, p->string, item) != 0) {
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

static const char *const MODEL_NAMES[] = {"compound", "linear", "logistic", "points", NULL};
static const char *const INTERP_NAMES[] = {"linear", "cspline", "steffen", "akima", "step", NULL};
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
static int enum_value(struct ctx *c, const struct frame *f, const char *const *names,
                      const char *what)
{
    char list[200] = "";
    for (size_t i = 0; names[i] != NULL; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
    }
    if (!cJSON_IsString(f->node)) {
        report(c, f, "expected %s %s (%s), got %s", strchr("aeiou", what[0]) ? "an" : "a", what,
               list, R(f->node).s);
        return -1;
    }
    int i = name_index(names, f->node->valuestring);
    if (i >= 0)
        return i;
    struct nearest nb = {f->node->valuestring, NULL, 0};
    for (size_t k = 0; names[k] != NULL; k++)
        nearest_consider(&nb, names[k]);
    if (nb.best != NULL)
        report(c, f, "unknown %s %s; did you mean \"%s\"?", what, R(f->node).s, nb.best);
    else
        report(c, f, "unknown %s %s (known: %s)", what, R(f->node).s, list);
    return -1;
}

/* Compound growth: `rate` or piecewise `rates` (SPEC §3.1). */
static int parse_compound(struct ctx *c, const struct frame *gf, struct dcproj_growth *g)
{
    static const char *const keys[] = {"model", "rate", "rates", NULL};
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
    if (rf.node != NULL)
        return parse_param(c, &rf, &R_RATE, &g->rate, NULL) != 0 || bad ? -1 : 0;
    int n = cJSON_GetArraySize(rsf.node);
    if (!cJSON_IsArray(rsf.node) || n == 0) {
        report(c, &rsf,
               "expected a non-empty array of segments {\"until\": year, \"rate\": r}, got %s",
               R(rsf.node).s);
        return -1;
    }
    g->segments = dcproj_calloc((size_t)n, sizeof *g->segments);
    if (g->segments == NULL) {
        oom(c);
        return -1;
    }
    g->n_segments = (size_t)n;
    static const char *const seg_keys[] = {"until", "rate", NULL};
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
        struct frame uf = fkey(&sf, "until"), rtf = fkey(&sf, "rate");
        if (rtf.node == NULL) {
            report(c, &sf, "missing key \"rate\"");
            bad++;
        } else if (parse_param(c, &rtf, &R_RATE, &seg->rate, NULL) != 0) {
            bad++;
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

/* A point of a `points` curve, for sorting. */
struct point {
    int year;
    double value;
};

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return (x->year > y->year) - (x->year < y->year);
}

/* Points growth (SPEC §3.4). */
static int parse_points(struct ctx *c, const struct frame *gf, struct dcproj_growth *g)
{
    static const char *const keys[] = {"model", "points", "interp", "extrapolate", NULL};
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
    size_t n = 0;
    for (const cJSON *p = pf.node->child; p != NULL; p = p->next)
        n += !ignored_key(p->string);
    struct point *pts = dcproj_calloc(n ? n : 1, sizeof *pts);
    if (pts == NULL) {
        oom(c);
        return -1;
    }
    size_t k = 0;
    for (const cJSON *p = pf.node->child; p != NULL; p = p->next) {
        if (ignored_key(p->string))
            continue;
        struct frame vf = fchild(&pf, p, -1);
        int y;
        if (strlen(p->string) != 4 || digits(p->string, 4, &y) != 0) {
            report(c, &pf, "expected a year \"YYYY\" as key, got \"%s\"", p->string);
            bad++;
            continue;
        }
        if (!cJSON_IsNumber(p)) {
            report(c, &vf, "expected a number, got %s", R(p).s);
            bad++;
            continue;
        }
        pts[k].year = y;
        pts[k].value = p->valuedouble;
        k++;
    }
    if (bad) {
        dcproj_free(pts);
        return -1;
    }
    qsort(pts, k, sizeof *pts, cmp_point);
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
    int bad = 0;
    switch (g->model) {
    case DCPROJ_MODEL_COMPOUND:
        return parse_compound(c, gf, g);
    case DCPROJ_MODEL_LINEAR: {
        static const char *const keys[] = {"model", "per_year", NULL};
        bad = check_keys(c, gf, keys, " for model \"linear\"");
        struct frame pf = fkey(gf, "per_year");
        if (pf.node == NULL) {
            report(c, gf, "missing key \"per_year\" for model \"linear\"");
            return -1;
        }
        return parse_param(c, &pf, &R_ANY, &g->per_year, NULL) != 0 || bad ? -1 : 0;
    }
    case DCPROJ_MODEL_LOGISTIC: {
        static const char *const keys[] = {"model", "cap", "rate", NULL};
        bad = check_keys(c, gf, keys, " for model \"logistic\"");
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
                   R(bf->node).s);
            bad++;
        } else if (!bad && base->known && cap.known && !(cap.lo > base->hi)) {
            report(c, &kf, "expected a cap greater than the baseline %s, got %s",
                   N(base->hi).s, R(kf.node).s);
            bad++;
        }
        return bad ? -1 : 0;
    }
    case DCPROJ_MODEL_POINTS:
        return parse_points(c, gf, g);
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
        report(c, &own, "expected a growth object {\"model\": ...}, got %s", R(own.node).s);
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
        merged = merge_tracked(c, &map, c->dgrowth, frame_origin(c, c->dgrowth_frame), own.node,
                               frame_origin(c, &own), 1);
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
            report(c, &gf, "missing key \"model\" (compound, linear, logistic or points)");
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
                       R(bf.node).s);
                bad++;
            } else {
                co->has_baseline = 1;
                co->baseline.v.number = bf.node->valuedouble;
            }
        }
    } else if (bf.node == NULL) {
        if (model >= 0) {
            report(c, cf, "missing key \"baseline\" (required unless the growth model is "
                          "\"points\")");
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
        if (parse_growth_body(c, &gf, &co->growth, &base, &bf) != 0)
            bad++;
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
        report(c, &gl, "expected an array of group names, got %s", R(gl.node).s);
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
                   R(g).s);
        } else if (strcmp(name, "TOTAL") == 0) {
            report(c, &f, "\"TOTAL\" is reserved and cannot name a group");
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
    static const char *const keys[] = {"pue", "utilization", NULL};
    struct frame pw = fkey(cf, "power");
    co->pue = c->sc->pue;
    co->utilization = c->sc->utilization;
    if (pw.node == NULL)
        return 0;
    if (!top_power_present) {
        report(c, &pw, "a country's \"power\" overrides the top-level \"power\" "
                       "{\"pue\": ..., \"utilization\": ...}, which is missing");
        return -1;
    }
    if (want_object(c, &pw, "an object {\"pue\": ..., \"utilization\": ...}") != 0)
        return -1;
    int bad = check_keys(c, &pw, keys, " in \"power\"");
    struct frame pf = fkey(&pw, "pue"), uf = fkey(&pw, "utilization");
    if (pf.node != NULL && plain_number(c, &pf, &R_PUE, &co->pue) != 0)
        bad++;
    if (uf.node != NULL && plain_number(c, &uf, &R_UTIL, &co->utilization) != 0)
        bad++;
    return bad ? -1 : 0;
}

static const char *const COUNTRY_KEYS[] = {"name",  "baseline", "groups", "growth",
                                           "power", "source",   "note",   NULL};

/* One country at frame `cf`. */
static int convert_country(struct ctx *c, const struct frame *cf, struct dcproj_country *co,
                           int top_power_present)
{
    snprintf(co->code, sizeof co->code, "%s", cf->key);
    if (want_object(c, cf, "an object (a country)") != 0)
        return -1;
    c->country = cf->key;
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
    if (country_growth(c, cf, co) != 0)
        bad++;
    c->country = NULL;
    return bad ? -1 : 0;
}

/* `countries` (SPEC §2): 1..DCPROJ_MAX_COUNTRIES, codes registered first so
 * events, groups and targets can refer to them. */
static int convert_countries(struct ctx *c, const struct frame *top, int top_power_present)
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
        } else if (strcmp(ch->string, "TOTAL") == 0) {
            report(c, &f, "\"TOTAL\" is reserved and cannot be a country code");
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

/* `sources`: id -> {title (required), url, date, note}. */
static int convert_sources(struct ctx *c, const struct frame *top)
{
    static const char *const keys[] = {"title", "url", "date", "note", NULL};
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
        if (strcmp(ch->string, "TOTAL") == 0) {
            report(c, &f, "\"TOTAL\" is reserved and cannot be a source id");
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
    }
    return bad || c->nomem ? -1 : 0;
}

/* One variable (SPEC §4): {"value": v} or {"min", "max", "guess"}. */
static int convert_variable(struct ctx *c, const struct frame *f, struct dcproj_variable *v)
{
    static const char *const keys[] = {"value", "min", "max", "guess", NULL};
    if (want_object(c, f, "an object {\"value\": v} or {\"min\": a, \"max\": b}") != 0)
        return -1;
    int bad = check_keys(c, f, keys, " in a variable");
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
        report(c, &hi, "expected a max greater than min %s, got %s", N(v->min).s, R(hi.node).s);
        return -1;
    }
    v->guess = v->min + (v->max - v->min) / 2;
    if (gf.node != NULL) {
        struct range r = {"", v->min, v->max, 0, 0};
        if (!cJSON_IsNumber(gf.node) || !in_range(&r, gf.node->valuedouble)) {
            report(c, &gf, "expected a number in [%s, %s] (min and max), got %s", N(v->min).s,
                   N(v->max).s, R(gf.node).s);
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
        if (strcmp(ch->string, "TOTAL") == 0) {
            report(c, &f, "\"TOTAL\" is reserved and cannot be a variable id");
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
    static const char *const keys[] = {"pue", "utilization", NULL};
    struct dcproj_scenario *sc = c->sc;
    struct frame pw = fkey(top, "power");
    *present = pw.node != NULL;
    if (pw.node == NULL)
        return 0;
    if (want_object(c, &pw, "an object {\"pue\": ..., \"utilization\": ...}") != 0)
        return -1;
    int bad = check_keys(c, &pw, keys, " in \"power\"");
    struct frame pf = fkey(&pw, "pue"), uf = fkey(&pw, "utilization");
    if (pf.node == NULL) {
        report(c, &pw, "missing key \"pue\" (power needs \"pue\" and \"utilization\")");
        bad++;
    } else if (plain_number(c, &pf, &R_PUE, &sc->pue) != 0) {
        bad++;
    }
    if (uf.node == NULL) {
        report(c, &pw, "missing key \"utilization\" (power needs \"pue\" and \"utilization\")");
        bad++;
    } else if (plain_number(c, &uf, &R_UTIL, &sc->utilization) != 0) {
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
        report(c, &cf, "expected a country code, got %s", R(cf.node).s);
        bad++;
    } else {
        long idx = idmap_get(&c->countries, cf.node->valuestring);
        if (idx < 0) {
            report_unknown_country(c, &cf, cf.node->valuestring);
            bad++;
        } else {
            e->country = (size_t)idx;
        }
    }
    int year;
    if (df.node == NULL) {
        report(c, f, "missing key \"date\"");
        bad++;
    } else if (!cJSON_IsString(df.node) ||
               parse_date(df.node->valuestring, c->B, &year, &e->start_months) != 0) {
        report(c, &df, "expected a date YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD, got %s",
               R(df.node).s);
        bad++;
    } else if (e->start_months < 0) {
        report(c, &df,
               "expected a date from the start of %d on, got %s: the baseline already holds what "
               "existed in %d",
               c->B + 1, R(df.node).s, c->B);
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
    return bad ? -1 : 0;
}

static int convert_events(struct ctx *c, const struct frame *top)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame es = fkey(top, "events");
    if (es.node == NULL)
        return 0;
    if (!cJSON_IsArray(es.node)) {
        report(c, &es, "expected an array of events, got %s", R(es.node).s);
        return -1;
    }
    int n = cJSON_GetArraySize(es.node);
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
    int bad = 0;
    long i = 0;
    for (const cJSON *ev = es.node->child; ev != NULL && !c->nomem; ev = ev->next, i++) {
        struct frame f = fchild(&es, ev, i);
        if (convert_event(c, &f, &sc->events[i]) != 0)
            bad++;
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
        report(c, f, "expected \"TOTAL\", a group or a country code, got %s", R(f->node).s);
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
                                          "base_year", "weight", "source", NULL};

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
                   R(idf.node).s);
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
                   R(bf.node).s);
            bad++;
        } else {
            t->base_year = (int)b;
        }
    }
    if (wf.node != NULL && plain_number(c, &wf, &R_POS, &t->weight) != 0)
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
        report(c, &ts, "expected an array of targets, got %s", R(ts.node).s);
        return -1;
    }
    int n = cJSON_GetArraySize(ts.node);
    sc->targets = dcproj_calloc(n ? (size_t)n : 1, sizeof *sc->targets);
    if (sc->targets == NULL) {
        oom(c);
        return -1;
    }
    sc->n_targets = (size_t)n;
    struct idmap ids = {0, 0, NULL, NULL};
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

/* The output column of quantile q: "p" + q·100 printed with %.10g. */
static void quantile_column(double q, char *buf, size_t size)
{
    snprintf(buf, size, "p%.10g", q * 100);
    for (char *p = buf; *p != '\0'; p++)
        if (*p == ',')
            *p = '.';
}

static int convert_uncertainty(struct ctx *c, const struct frame *top)
{
    static const char *const keys[] = {"draws", "seed", "quantiles", NULL};
    struct dcproj_scenario *sc = c->sc;
    struct frame uf = fkey(top, "uncertainty");
    if (uf.node == NULL)
        return 0;
    if (want_object(c, &uf, "an object {\"draws\": ..., \"seed\": ..., \"quantiles\": [...]}"))
        return -1;
    int bad = check_keys(c, &uf, keys, " in \"uncertainty\"");
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
                   R(qf.node).s);
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
            quantile_column(prev, a, sizeof a);
            quantile_column(sc->quantiles[i], b, sizeof b);
            if (!(sc->quantiles[i] > prev)) {
                report(c, &f, "expected a quantile greater than the previous one %s, got %s",
                       N(prev).s, R(q).s);
                qbad++;
            } else if (strcmp(a, b) == 0) {
                report(c, &f,
                       "quantiles %s and %s both make the output column \"%s\"; drop one",
                       N(prev).s, R(q).s, a);
                qbad++;
            }
        }
        bad += qbad;
    }
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
static const char *const STEP_NAMES[] = {"year", "quarter", "month", NULL};
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
               R(nf.node).s);
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

/* Every variable must reach the projection; unknowns need enough targets. */
static void check_calibration(struct ctx *c, const struct frame *top)
{
    struct dcproj_scenario *sc = c->sc;
    struct frame vs = fkey(top, "variables");
    size_t unknowns = 0;
    for (size_t i = 0; i < sc->n_variables; i++) {
        unknowns += !sc->variables[i].fixed;
        if (c->var_used[i])
            continue;
        struct frame f = fkey(&vs, sc->variables[i].id);
        report(c, &f,
               "variable \"%s\" is not used by any parameter that reaches the projection "
               "(a country's baseline or growth, or an event)",
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
static int convert_doc(const struct doc *d, struct dcproj_error *err,
                       struct dcproj_scenario **out)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.file = doc_file(d);
    c.err = err;
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
        report(&c, &top, "expected a JSON object (a scenario), got %s", R(root).s);
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
        sc->resolved_json = cJSON_PrintUnformatted(root);
        if (sc->resolved_json == NULL)
            oom(&c);
    }

done:
    idmap_free(&c.countries);
    idmap_free(&c.groups);
    idmap_free(&c.vars);
    idmap_free(&c.sources);
    dcproj_free(c.var_ok);
    dcproj_free(c.var_used);
    dcproj_free(c.seen);
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

/* ------------------------------------------------------------------------ */
/* Public API                                                               */

void dcproj_load_options_init(struct dcproj_load_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->patches = NULL;
    opt->horizon = 0;
    opt->step = -1;
    opt->draws = -1;
    opt->seed = -1;
}

/* Build the document, convert it, free it. */
static int load(const char *path, const char *data, size_t len, const char *name,
                const char *base_dir, const struct dcproj_load_options *opt,
                struct dcproj_scenario **out, struct dcproj_error *err)
{
    struct dcproj_load_options none;
    if (opt == NULL) {
        dcproj_load_options_init(&none);
        opt = &none;
    }
    struct doc *d = NULL;
    int st = doc_build(path, data, len, name, base_dir, opt, &d, err);
    if (st != DCPROJ_OK)
        return st;
    struct dcproj_scenario *sc = NULL;
    st = convert_doc(d, err, &sc);
    if (st == DCPROJ_OK) {
        const struct json_file_id *ids;
        size_t n = doc_files(d, &ids);
        sc->files = dcproj_calloc(n ? n : 1, sizeof *sc->files);
        if (sc->files == NULL) {
            dcproj_scenario_free(sc);
            doc_free(d);
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            sc->files[i] = (struct dcproj_file_id){ids[i].dev, ids[i].ino};
        sc->n_files = n;
    }
    doc_free(d);
    if (st == DCPROJ_OK)
        *out = sc;
    return st;
}

int dcproj_scenario_load(const char *path, const struct dcproj_load_options *opt,
                         struct dcproj_scenario **out, struct dcproj_error *err)
{
    return load(path, NULL, 0, NULL, NULL, opt, out, err);
}

int dcproj_scenario_load_buffer(const char *name, const char *data, size_t len,
                                const char *base_dir, const struct dcproj_load_options *opt,
                                struct dcproj_scenario **out, struct dcproj_error *err)
{
    return load(NULL, data != NULL ? data : "", data != NULL ? len : 0, name, base_dir, opt, out,
                err);
}

static void free_growth(struct dcproj_growth *g)
{
    dcproj_free(g->segments);
    dcproj_free(g->point_years);
    dcproj_free(g->point_values);
}

void dcproj_scenario_free(struct dcproj_scenario *sc)
{
    if (sc == NULL)
        return;
    for (size_t i = 0; i < sc->n_sources; i++) {
        dcproj_free(sc->sources[i].title);
        dcproj_free(sc->sources[i].url);
        dcproj_free(sc->sources[i].date);
        dcproj_free(sc->sources[i].note);
    }
    dcproj_free(sc->sources);
    dcproj_free(sc->groups);
    for (size_t i = 0; i < sc->n_countries; i++) {
        struct dcproj_country *co = &sc->countries[i];
        dcproj_free(co->name);
        dcproj_free(co->groups);
        free_growth(&co->growth);
        dcproj_free(co->source);
        dcproj_free(co->note);
    }
    dcproj_free(sc->countries);
    for (size_t i = 0; i < sc->n_events; i++) {
        dcproj_free(sc->events[i].source);
        dcproj_free(sc->events[i].note);
    }
    dcproj_free(sc->events);
    dcproj_free(sc->variables);
    for (size_t i = 0; i < sc->n_targets; i++)
        dcproj_free(sc->targets[i].source);
    dcproj_free(sc->targets);
    dcproj_free(sc->quantiles);
    dcproj_scenario_free(sc->parent);
    cJSON_free(sc->resolved_json);
    dcproj_free(sc->files);
    dcproj_free(sc->file);
    dcproj_free(sc->name);
    dcproj_free(sc->title);
    dcproj_free(sc->description);
    dcproj_free(sc->unit);
    dcproj_free(sc);
}

long dcproj_scenario_find_country(const struct dcproj_scenario *sc, const char *code)
{
    for (size_t i = 0; sc != NULL && code != NULL && i < sc->n_countries; i++)
        if (strcmp(sc->countries[i].code, code) == 0)
            return (long)i;
    return -1;
}

long dcproj_scenario_find_group(const struct dcproj_scenario *sc, const char *name)
{
    for (size_t i = 0; sc != NULL && name != NULL && i < sc->n_groups; i++)
        if (strcmp(sc->groups[i], name) == 0)
            return (long)i;
    return -1;
}

long dcproj_scenario_find_variable(const struct dcproj_scenario *sc, const char *id)
{
    for (size_t i = 0; sc != NULL && id != NULL && i < sc->n_variables; i++)
        if (strcmp(sc->variables[i].id, id) == 0)
            return (long)i;
    return -1;
}

const char *dcproj_step_name(enum dcproj_step step)
{
    return (unsigned)step < 3 ? STEP_NAMES[step] : "?";
}

const char *dcproj_model_name(enum dcproj_model model)
{
    return (unsigned)model < 4 ? MODEL_NAMES[model] : "?";
}

const char *dcproj_interp_name(enum dcproj_interp interp)
{
    return (unsigned)interp < 5 ? INTERP_NAMES[interp] : "?";
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
