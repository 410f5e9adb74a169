/*
 * load_extends.c — stage 2 of the loader (read → resolve extends → patch → convert), building the final scenario document (SPEC §2, §4 "Frozen
 * calibration", §6): the `extends` chain, then --set/--patch in order, then
 * --horizon/--step/--draws/--seed, with the origin of every value.
 *
 * Resolution is bottom-up: a file's document is its fully resolved parent
 * (a struct doc of its own) with the file merged onto it.  Origins are kept
 * in a pointer -> origin map per document; when a resolved parent becomes
 * the base of its child, the parent's "written by the file" entries become
 * "from parent <file>" in the child's map.
 */
#include "load_doc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "alloc_int.h"


/* One file of the `extends` chain being resolved (top file first). */
struct chain_link {
    const char *name;
    struct json_file_id id;
};

struct chain {
    struct chain_link links[DCPROJ_MAX_EXTENDS + 1];
    size_t n;
    /* every file read, kept when the chain unwinds */
    struct json_file_id read[DCPROJ_MAX_EXTENDS + 1];
    size_t n_read;
};

/* Where a document comes from: a path ("-" = stdin) or a buffer. */
struct source {
    const char *path;     /* NULL for a buffer */
    const char *data;
    size_t len;
    const char *name;     /* display name */
    const char *base_dir; /* buffer only: where `extends` resolves; NULL = cwd */
};

int nomem(struct dcproj_error *err, const char *file)
{
    return dcproj_error_set(err, DCPROJ_ERR_NOMEM, file, NULL, 0, 0, "out of memory");
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *r = dcproj_malloc(n);
    if (r != NULL)
        memcpy(r, s, n);
    return r;
}

static struct doc *doc_new(const char *file)
{
    struct doc *d = dcproj_calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->file = dup_str(file);
    if (d->file == NULL) {
        dcproj_free(d);
        return NULL;
    }
    return d;
}

struct dcproj_warnings *doc_warnings(struct doc *d)
{
    return &d->warnings;
}

void doc_free(struct doc *d)
{
    if (d == NULL)
        return;
    doc_free(d->parent);
    cJSON_Delete(d->root);
    dcproj_free(d->file);
    origin_map_free(&d->map);
    for (size_t i = 0; i < d->n_origins; i++) {
        dcproj_free(d->origins[i]->label);
        dcproj_free(d->origins[i]);
    }
    dcproj_free(d->origins);
    dcproj_warnings_clear(&d->warnings);
    dcproj_free(d);
}

/* A new origin owned by `d`, or NULL when out of memory. */
struct doc_origin *origin_new(struct doc *d, enum doc_origin_kind kind, const char *label)
{
    if (d->n_origins == d->cap_origins) {
        size_t ncap = d->cap_origins == 0 ? 8 : d->cap_origins * 2;
        struct doc_origin **no = dcproj_realloc(d->origins, ncap * sizeof *no);
        if (no == NULL)
            return NULL;
        d->origins = no;
        d->cap_origins = ncap;
    }
    struct doc_origin *o = dcproj_malloc(sizeof *o);
    if (o == NULL)
        return NULL;
    o->kind = kind;
    o->label = dup_str(label);
    if (o->label == NULL) {
        dcproj_free(o);
        return NULL;
    }
    d->origins[d->n_origins++] = o;
    return o;
}

const cJSON *doc_root(const struct doc *d)
{
    return d->root;
}

const char *doc_file(const struct doc *d)
{
    return d->file;
}

const struct doc *doc_parent(const struct doc *d)
{
    return d->parent;
}

const struct doc_origin *doc_origin_of(const struct doc *d, const cJSON *node,
                                       const struct doc_origin *inherited)
{
    const struct origin_slot *s = origin_map_find(&d->map, node);
    return s != NULL ? s->origin : inherited;
}

/* --------------------------------------------------------- origin copying */

/* Maps the origins of one document to their copies in another. */
struct adopt {
    struct doc *dst;
    const struct doc *src;
    const struct doc_origin *as_parent; /* what "written by src's file" becomes */
    const struct doc_origin **from, **to;
    size_t n, cap;
};

/* dst's copy of src's origin `o`, made on first use. */
static const struct doc_origin *adopt_origin(struct adopt *a, const struct doc_origin *o)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->from[i] == o)
            return a->to[i];
    if (a->n == a->cap) {
        size_t ncap = a->cap == 0 ? 8 : a->cap * 2;
        const struct doc_origin **nf = dcproj_realloc(a->from, ncap * sizeof *nf);
        if (nf == NULL)
            return NULL;
        a->from = nf;
        const struct doc_origin **nt = dcproj_realloc(a->to, ncap * sizeof *nt);
        if (nt == NULL)
            return NULL;
        a->to = nt;
        a->cap = ncap;
    }
    struct doc_origin *c = origin_new(a->dst, o->kind, o->label);
    if (c == NULL)
        return NULL;
    a->from[a->n] = o;
    a->to[a->n] = c;
    a->n++;
    return c;
}

/* Walk src's tree `sn` and dst's parallel tree `dn` (a copy of it, or the
 * same nodes) and record in dst the origin each node had in src.  Members
 * of the root that src's file wrote become a->as_parent (when set). */
static int adopt_walk(struct adopt *a, const cJSON *sn, const cJSON *dn, int depth)
{
    const struct origin_slot *s = origin_map_find(&a->src->map, sn);
    int rc = DCPROJ_OK;
    if (s != NULL) {
        const struct doc_origin *o = a->as_parent;
        if (s->origin != NULL && (o = adopt_origin(a, s->origin)) == NULL)
            return DCPROJ_ERR_NOMEM;
        rc = origin_map_set(&a->dst->map, dn, o);
    } else if (depth == 1 && a->as_parent != NULL) {
        rc = origin_map_set(&a->dst->map, dn, a->as_parent);
    }
    if (rc != DCPROJ_OK)
        return rc;
    /* Below the root members, nodes without an entry inherit: only entries
     * need copying, and there are none when src has no map. */
    if (depth >= 1 && a->src->map.count == 0)
        return DCPROJ_OK;
    const cJSON *dc = dn->child;
    for (const cJSON *sc = sn->child; sc != NULL; sc = sc->next, dc = dc->next)
        if ((rc = adopt_walk(a, sc, dc, depth + 1)) != DCPROJ_OK)
            return rc;
    return DCPROJ_OK;
}

/* Give `dst` (whose root is `dst_root`, a copy of src->root or src->root
 * itself) src's origins.  With `parent_label`, values src's own file wrote
 * become "from parent <parent_label>". */
static int adopt_origins(struct doc *dst, const cJSON *dst_root, const struct doc *src,
                         const char *parent_label)
{
    struct adopt a = {dst, src, NULL, NULL, NULL, 0, 0};
    if (parent_label != NULL
        && (a.as_parent = origin_new(dst, DOC_ORIGIN_PARENT, parent_label)) == NULL)
        return DCPROJ_ERR_NOMEM;
    int rc = adopt_walk(&a, src->root, dst_root, 0);
    dcproj_free(a.from);
    dcproj_free(a.to);
    return rc;
}

/* -------------------------------------------------------------- resolving */

/* "an array" / "an object" for the two forms of `events`, else NULL. */
static const char *events_form(const cJSON *v)
{
    return cJSON_IsArray(v) ? "an array (events by position)"
           : cJSON_IsObject(v) ? "an object (events by id)" : NULL;
}

int events_form_check(const cJSON *base, const cJSON *patch, const char *file,
                      const char *layer, struct dcproj_error *err)
{
    const char *was = events_form(cJSON_GetObjectItemCaseSensitive(base, "events"));
    const char *now = events_form(cJSON_GetObjectItemCaseSensitive(patch, "events"));
    if (was == NULL || now == NULL || strcmp(was, now) == 0)
        return DCPROJ_OK;
    return dcproj_error_set(err, DCPROJ_ERR_DATA, file, "events", 0, 0,
                            "%s writes %s, but the events it applies to are %s: a what-if "
                            "cannot change the form of \"events\"; write them the same way",
                            layer, now, was);
}

/* 1 if `root` has "calibration": "frozen". */
static int is_frozen(const cJSON *root)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "calibration");
    return cJSON_IsString(c) && strcmp(c->valuestring, "frozen") == 0;
}

/* Decide d's frozen parent: `p` (the resolved document its `extends`
 * names, or NULL) when d is frozen, else free `p`. */
static int settle_frozen(struct doc *d, struct doc *p, struct dcproj_error *err)
{
    if (!is_frozen(d->root)) {
        doc_free(p);
        return DCPROJ_OK;
    }
    if (p == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, d->file, "calibration", 0, 0,
                                "\"frozen\" calibration needs a parent scenario to solve first: "
                                "add \"extends\" or use --frozen instead");
    d->parent = p;
    return DCPROJ_OK;
}

/* The path of the parent named `ext` in `src`: relative to the directory
 * of src's file (for stdin and buffers without base_dir: the working
 * directory).  Returns a new string or NULL. */
static char *parent_path(const struct source *src, const char *ext)
{
    const char *dir = "";
    size_t dlen = 0;
    int add_slash = 0;
    if (ext[0] != '/') {
        if (src->path != NULL && strcmp(src->path, "-") != 0) {
            const char *slash = strrchr(src->path, '/');
            if (slash != NULL) {
                dir = src->path;
                dlen = (size_t)(slash - src->path) + 1;
            }
        } else if (src->path == NULL && src->base_dir != NULL && src->base_dir[0] != '\0') {
            dir = src->base_dir;
            dlen = strlen(dir);
            add_slash = dir[dlen - 1] != '/';
        }
    }
    size_t elen = strlen(ext);
    char *r = dcproj_malloc(dlen + (size_t)add_slash + elen + 1);
    if (r == NULL)
        return NULL;
    memcpy(r, dir, dlen);
    if (add_slash)
        r[dlen] = '/';
    memcpy(r + dlen + (size_t)add_slash, ext, elen + 1);
    return r;
}

/* Read and strictly parse the object of `src`, and note its file identity.
 * `kind`: a parent named by `extends` must be a regular file. */
static int load_source(const struct source *src, enum json_read_kind kind, cJSON **out,
                       struct json_file_id *id, struct dcproj_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int rc;
    id->valid = 0;
    if (src->path != NULL) {
        rc = json_read_file(src->path, src->name, kind, &buf, &len, id, err);
        if (rc != DCPROJ_OK)
            return rc;
    } else {
        if (src->len > DCPROJ_MAX_FILE_BYTES)
            return dcproj_error_set(err, DCPROJ_ERR_DATA, src->name, NULL, 0, 0,
                                    "file too large: more than %u bytes (64 MiB)",
                                    (unsigned)DCPROJ_MAX_FILE_BYTES);
        len = src->len;
        buf = dcproj_malloc(len + 1);
        if (buf == NULL)
            return nomem(err, src->name);
        memcpy(buf, src->data, len);
        buf[len] = '\0';
    }
    rc = json_parse_strict(buf, len, src->name, JSON_TOP_OBJECT, out, err);
    dcproj_free(buf);
    return rc;
}

/* "a.json -> b.json -> a.json" into `buf`, from link `from` to the end of
 * the chain, then `last`. */
static void chain_text(const struct chain *ch, size_t from, const char *last, char *buf,
                       size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = from; i <= ch->n; i++) {
        const char *nm = i < ch->n ? ch->links[i].name : last;
        int n = snprintf(buf + used, size - used, "%s%s", i > from ? " -> " : "", nm);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* 1 if `obj` has the member `key` (case-sensitive). */
int has_key(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key) != NULL;
}

/*
 * Resolve the file `src` names, which the file at the end of the chain
 * extends (the chain is empty for the top file); the chain length and
 * cycles are checked here, once the identity of the file is known.  For a
 * parent, its frozen parent is settled here.  For the top file (`top`) the
 * resolved document its `extends` names goes to *parent_out (NULL without
 * `extends`) for the caller to settle after the command-line patches;
 * `keep_parent` then says the patches may make it frozen, so the parent
 * must stay whole.
 */
static int resolve(const struct source *src, struct chain *ch, int top, int keep_parent,
                   struct doc **out, struct doc **parent_out, struct dcproj_error *err)
{
    cJSON *tree = NULL;
    struct json_file_id id;
    int rc = load_source(src, top ? JSON_READ_ANY : JSON_READ_REGULAR, &tree, &id, err);
    if (rc != DCPROJ_OK)
        return rc;
    if (id.valid) {
        for (size_t i = 0; i < ch->n; i++) {
            if (ch->links[i].id.valid && ch->links[i].id.dev == id.dev
                && ch->links[i].id.ino == id.ino) {
                char text[DCPROJ_ERROR_MSG_LEN];
                chain_text(ch, i, src->name, text, sizeof text);
                cJSON_Delete(tree);
                return dcproj_error_set(err, DCPROJ_ERR_DATA, ch->links[ch->n - 1].name,
                                        "extends", 0, 0, "extends cycle: %s", text);
            }
        }
    }
    ch->links[ch->n].name = src->name;
    ch->links[ch->n].id = id;
    ch->n++;
    if (id.valid && ch->n_read < sizeof ch->read / sizeof ch->read[0])
        ch->read[ch->n_read++] = id;

    struct doc *d = NULL, *p = NULL;
    char *ppath = NULL;
    cJSON *ext = cJSON_DetachItemFromObjectCaseSensitive(tree, "extends");
    if (ext != NULL) {
        if (!cJSON_IsString(ext) || ext->valuestring[0] == '\0') {
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, src->name, "extends", 0, 0,
                                  "expected the path of the parent scenario "
                                  "(a non-empty string), got %s",
                                  cJSON_IsString(ext) ? "\"\"" : json_type_name(ext));
            goto fail;
        }
        if (ch->n > DCPROJ_MAX_EXTENDS) {
            rc = dcproj_error_set(err, DCPROJ_ERR_DATA, src->name, "extends", 0, 0,
                                  "extends chain too long: more than %d hops from %s",
                                  DCPROJ_MAX_EXTENDS, ch->links[0].name);
            goto fail;
        }
        ppath = parent_path(src, ext->valuestring);
        if (ppath == NULL) {
            rc = nomem(err, src->name);
            goto fail;
        }
        struct source ps = {ppath, NULL, 0, ppath, NULL};
        int before = err != NULL ? err->count : 0;
        rc = resolve(&ps, ch, 0, 0, &p, NULL, err);
        if (rc != DCPROJ_OK) {
            /* say which file asked for a parent that cannot be opened */
            if (rc == DCPROJ_ERR_NOINPUT && err != NULL && err->count == before + 1
                && before < DCPROJ_ERROR_MAX && strcmp(err->items[before].file, ppath) == 0) {
                char *msg = err->items[before].message;
                size_t used = strlen(msg);
                snprintf(msg + used, sizeof err->items[before].message - used,
                         " (the parent named by %s)", src->name);
            }
            goto fail;
        }
    }

    d = doc_new(src->name);
    if (d == NULL) {
        rc = nomem(err, src->name);
        goto fail;
    }
    if (p == NULL) {
        d->root = tree;
        tree = NULL;
    } else {
        /* The parent's tree is copied when the parent must stay whole (it
         * may be the frozen parent), else taken over. */
        int keep = keep_parent || is_frozen(tree)
                   || (!has_key(tree, "calibration") && is_frozen(p->root));
        cJSON *base = keep ? cJSON_Duplicate(p->root, 1) : p->root;
        if (base == NULL) {
            rc = nomem(err, src->name);
            goto fail;
        }
        rc = adopt_origins(d, base, p, p->file);
        d->root = base;
        if (!keep)
            p->root = NULL;
        if (rc == DCPROJ_OK)
            rc = events_form_check(d->root, tree, ch->links[0].name, src->name, err);
        if (rc == DCPROJ_OK)
            rc = merge_patch_tracked(&d->root, tree, &d->map, NULL);
        else if (rc != DCPROJ_ERR_NOMEM)
            goto fail;
        if (rc != DCPROJ_OK) {
            rc = nomem(err, src->name);
            goto fail;
        }
        cJSON_Delete(tree);
        tree = NULL;
    }

    if (top) {
        *parent_out = p;
        p = NULL;
    } else {
        rc = settle_frozen(d, p, err);
        p = NULL;
        if (rc != DCPROJ_OK)
            goto fail;
    }
    cJSON_Delete(ext);
    dcproj_free(ppath);
    ch->n--;
    *out = d;
    return DCPROJ_OK;

fail:
    cJSON_Delete(ext);
    cJSON_Delete(tree);
    dcproj_free(ppath);
    doc_free(p);
    doc_free(d);
    ch->n--;
    return rc;
}

static int doc_copy(const struct doc *r, struct doc **out, struct dcproj_error *err)
{
    struct doc *f = doc_new(r->file);
    if (f == NULL || (f->root = cJSON_Duplicate(r->root, 1)) == NULL
        || adopt_origins(f, f->root, r, NULL) != DCPROJ_OK) {
        doc_free(f);
        return nomem(err, r->file);
    }
    *out = f;
    return DCPROJ_OK;
}

int doc_build(const char *path, const char *data, size_t len, const char *name,
              const char *base_dir, const struct dcproj_load_options *opt,
              struct doc **out, struct dcproj_error *err)
{
    struct dcproj_load_options none = {0};
    if (opt == NULL)
        opt = &none;
    struct source src;
    if (data == NULL && path == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOINPUT, NULL, NULL, 0, 0, "no input given");
    if (data != NULL) {
        src = (struct source){NULL, data, len, name != NULL ? name : "<buffer>", base_dir};
    } else {
        src = (struct source){path, NULL, 0, strcmp(path, "-") == 0 ? "<stdin>" : path, NULL};
    }
    struct chain ch;
    ch.n = 0;
    ch.n_read = 0;
    struct doc *r = NULL, *p = NULL, *f = NULL;
    int rc = resolve(&src, &ch, 1, opt->n_patches > 0, &r, &p, err);
    if (rc != DCPROJ_OK)
        return probe_patch_files(opt, rc, err);

    if (opt->frozen) {
        /* solve the file as it is (with its own frozen rule), then patch */
        rc = settle_frozen(r, p, err);
        p = NULL;
        if (rc == DCPROJ_OK)
            rc = doc_copy(r, &f, err);
        if (rc != DCPROJ_OK) {
            doc_free(r);
            return rc;
        }
        f->parent = r;
    } else {
        f = r;
    }
    for (size_t i = 0; i < opt->n_patches && rc == DCPROJ_OK; i++) {
        const struct dcproj_patch *pt = &opt->patches[i];
        rc = pt->kind == DCPROJ_PATCH_SET ? apply_set(f, pt->text, err)
                                          : apply_patch_file(f, pt->text, err);
    }
    if (rc == DCPROJ_OK)
        rc = apply_overrides(f, opt, err);
    if (rc == DCPROJ_OK && !opt->frozen) {
        rc = settle_frozen(f, p, err);
        p = NULL;
    }
    if (rc != DCPROJ_OK) {
        doc_free(p);
        doc_free(f);
        return probe_patch_files(opt, rc, err);
    }
    memcpy(f->files, ch.read, ch.n_read * sizeof ch.read[0]);
    f->n_files = ch.n_read;
    *out = f;
    return DCPROJ_OK;
}

size_t doc_files(const struct doc *d, const struct json_file_id **files)
{
    *files = d->files;
    return d->n_files;
}
