/*
 * doc_shim.c — a test-only stand-in for the document layer (doc_int.h):
 * parses one JSON text with cJSON, resolves no `extends` and applies no
 * patches.  Origins are NULL except for one node chosen with
 * doc_shim_mark(); with opt->frozen the parent is the same document parsed
 * again, so the frozen path of the converter can be exercised.
 */
#include "doc_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct doc {
    cJSON *root;
    char *file;
    struct doc *parent;
    const cJSON *marked;
    struct doc_origin origin;
    struct dcproj_warnings warnings; /* always empty: no patches */
};

/* Test configuration: one marked path (tests run in one thread). */
static char mark_path[256];
static enum doc_origin_kind mark_kind;
static char mark_label[256];

void doc_shim_mark(const char *path, enum doc_origin_kind kind, const char *label)
{
    if (path == NULL) {
        mark_path[0] = '\0';
        return;
    }
    snprintf(mark_path, sizeof mark_path, "%s", path);
    snprintf(mark_label, sizeof mark_label, "%s", label);
    mark_kind = kind;
}

static const cJSON *find_path(const cJSON *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *n = root;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k != NULL && n != NULL;
         k = strtok_r(NULL, ".", &save))
        n = cJSON_GetObjectItemCaseSensitive(n, k);
    return n;
}

static int build_one(const char *data, size_t len, const char *name, struct doc **out,
                     struct dcproj_error *err)
{
    struct doc *d = calloc(1, sizeof *d);
    if (d == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
    d->root = cJSON_ParseWithLength(data, len);
    if (d->root == NULL) {
        free(d);
        return dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, 1, 1, "invalid JSON");
    }
    d->file = strdup(name);
    if (mark_path[0] != '\0') {
        d->marked = find_path(d->root, mark_path);
        d->origin.kind = mark_kind;
        d->origin.label = mark_label;
    }
    *out = d;
    return DCPROJ_OK;
}

int doc_build(const char *path, const char *data, size_t len, const char *name,
              const char *base_dir, const struct dcproj_load_options *opt, struct doc **out,
              struct dcproj_error *err)
{
    (void)base_dir;
    char *text = NULL;
    if (data == NULL) {
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            return dcproj_error_set(err, DCPROJ_ERR_NOINPUT, path, NULL, 0, 0, "cannot open");
        text = malloc(DCPROJ_MAX_FILE_BYTES);
        len = text ? fread(text, 1, DCPROJ_MAX_FILE_BYTES, f) : 0;
        fclose(f);
        data = text;
        name = path;
    }
    struct doc *d = NULL;
    int st = build_one(data, len, name, &d, err);
    if (st == DCPROJ_OK && opt != NULL && opt->frozen) {
        st = build_one(data, len, name, &d->parent, err);
        if (st != DCPROJ_OK)
            doc_free(d);
    }
    free(text);
    if (st == DCPROJ_OK)
        *out = d;
    return st;
}

void doc_free(struct doc *d)
{
    if (d == NULL)
        return;
    doc_free(d->parent);
    cJSON_Delete(d->root);
    free(d->file);
    free(d);
}

struct dcproj_warnings *doc_warnings(struct doc *d)
{
    return &d->warnings;
}

const cJSON *doc_root(const struct doc *d)
{
    return d->root;
}

const char *doc_file(const struct doc *d)
{
    return d->file;
}

const struct doc_origin *doc_origin_of(const struct doc *d, const cJSON *node,
                                       const struct doc_origin *inherited)
{
    if (d->marked != NULL && node == d->marked)
        return &d->origin;
    return inherited;
}

const struct doc *doc_parent(const struct doc *d)
{
    return d->parent;
}

/* The shim reads no files of its own: no file ids. */
size_t doc_files(const struct doc *d, const struct json_file_id **files)
{
    (void)d;
    *files = NULL;
    return 0;
}
