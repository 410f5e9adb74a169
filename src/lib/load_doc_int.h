/*
 * load_doc_int.h — what the two document-building stages share:
 * load_extends.c (read each file and resolve the `extends` chain) and
 * load_patch.c (apply --set, --patch and the overrides).  Internal.
 */
#ifndef DCPROJ_LOAD_DOC_INT_H
#define DCPROJ_LOAD_DOC_INT_H

#include "doc_int.h"
#include "json_int.h"

/* The document being built: its tree, where each node came from, the frozen
 * parent and the files read (load_extends.c and load_patch.c). */
struct doc {
    cJSON *root;
    char *file;                 /* display name */
    struct origin_map map;
    struct doc_origin **origins;/* owned */
    size_t n_origins, cap_origins;
    struct doc *parent;         /* frozen parent, owned; or NULL */
    /* the files read for it: the file named, then its `extends` chain */
    struct json_file_id files[DCPROJ_MAX_EXTENDS + 1];
    size_t n_files;
    /* warnings of the patch stage (a --set/--patch that creates a key),
       handed to the scenario */
    struct dcproj_warnings warnings;
};

/* load_extends.c, for load_patch.c */
int nomem(struct dcproj_error *err, const char *file);
struct doc_origin *origin_new(struct doc *d, enum doc_origin_kind kind, const char *label);
int has_key(const cJSON *obj, const char *key);
/* SPEC §3.5/§6: the form of `events` (array by position, object by id) holds
 * through every merge layer.  A data error at `events` of `file` when the
 * `patch` written by `layer` (a file name, "--set PATH=VALUE", "--patch FILE")
 * has events of the other form than `base`'s; DCPROJ_OK otherwise (either
 * side absent, null or of another type: the converter reports those). */
int events_form_check(const cJSON *base, const cJSON *patch, const char *file,
                      const char *layer, struct dcproj_error *err);

/* load_patch.c, for load_extends.c */
int apply_set(struct doc *d, const char *text, struct dcproj_error *err);
int apply_patch_file(struct doc *d, const char *path, struct dcproj_error *err);
int apply_overrides(struct doc *d, const struct dcproj_load_options *opt,
                    struct dcproj_error *err);
int probe_patch_files(const struct dcproj_load_options *opt, int rc,
                      struct dcproj_error *err);

#endif /* DCPROJ_LOAD_DOC_INT_H */
