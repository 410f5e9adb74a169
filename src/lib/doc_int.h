/*
 * doc_int.h — the document layer of the loader (internal).
 *
 * Turns a scenario file plus its `extends` chain, the command-line patches
 * (--set, --patch) and overrides (--horizon, --step, --draws, --seed) into
 * one final JSON document (SPEC §2, §6), remembering where each value came
 * from so messages can say so.  load_convert.c converts the final document into
 * struct dcproj_scenario and validates it.
 *
 * Reading is strict (SPEC §2, §9): a leading UTF-8 BOM is accepted; invalid
 * UTF-8, lone surrogates, "\u0000", non-finite numbers (1e999), nesting
 * deeper than DCPROJ_MAX_DEPTH (top object = depth 1), files over
 * DCPROJ_MAX_FILE_BYTES and duplicate keys (`$`/`_` keys included) are data
 * errors; syntax errors carry line and column.
 */
#ifndef DCPROJ_DOC_INT_H
#define DCPROJ_DOC_INT_H

#include <cjson/cJSON.h>

#include "dcproj/error.h"
#include "dcproj/scenario.h"

/* Where a value of the final document came from. */
enum doc_origin_kind {
    DOC_ORIGIN_FILE = 0,   /* the scenario named on the command line */
    DOC_ORIGIN_PARENT,     /* a file reached through `extends` (label = its path) */
    DOC_ORIGIN_SET,        /* --set (label = "PATH=VALUE") */
    DOC_ORIGIN_PATCH,      /* --patch FILE (label = FILE) */
    DOC_ORIGIN_OPTION      /* --horizon, --step, --draws, --seed (label = "--horizon 2030") */
};

struct doc_origin {
    enum doc_origin_kind kind;
    char *label;
};

struct doc;  /* opaque: the final document and its origin map */

/*
 * Build the final document for `path` ("-" = stdin) or, when `data` is not
 * NULL, for the `len` bytes at `data` named `name` (with `base_dir` for a
 * relative `extends`).  Applies `extends` (RFC 7396 merge patch of the child
 * onto the parent, chains <= DCPROJ_MAX_EXTENDS hops, cycles by device and
 * inode refused), then opt->patches in order (an `extends` inside a patch is
 * a data error), then the overrides.  The result has no `extends` key.
 * Returns DCPROJ_OK and sets *out, or a status with `err` filled.
 */
int doc_build(const char *path, const char *data, size_t len, const char *name,
              const char *base_dir, const struct dcproj_load_options *opt,
              struct doc **out, struct dcproj_error *err);

void doc_free(struct doc *d);

/* The warnings of building the document (a --set/--patch that creates a
 * key; SPEC §9 v2), owned by `d`; the loader moves them to the scenario. */
struct dcproj_warnings *doc_warnings(struct doc *d);

/* The final document's root object (owned by `d`). */
const cJSON *doc_root(const struct doc *d);

/* Display name of the scenario file ("<stdin>" for standard input). */
const char *doc_file(const struct doc *d);

/* Origin of `node` (a node of doc_root()), or NULL when it was written in
 * the scenario file itself.  Nodes inherit the origin of the nearest
 * ancestor that has one, so pass the parent's origin as `inherited`. */
const struct doc_origin *doc_origin_of(const struct doc *d, const cJSON *node,
                                       const struct doc_origin *inherited);

/*
 * For frozen calibration: the fully resolved parent document.  With
 * `"calibration": "frozen"` in the final document: the document that its
 * `extends` names, fully resolved (no CLI patches); with opt->frozen: the
 * document before the --set/--patch options.  NULL when not frozen.  A
 * frozen scenario without a parent is a data error reported by doc_build.
 */
const struct doc *doc_parent(const struct doc *d);

/* The files read to build `d` (the file named, then each parent its
 * `extends` chain names; standard input and buffers are not files), by
 * device and inode, into *files (owned by `d`); returns their number. */
struct json_file_id;
size_t doc_files(const struct doc *d, const struct json_file_id **files);

/* Apply an RFC 7396 merge patch `patch` onto `*target` (SPEC §6: existing
 * keys keep their place, new keys are appended in patch order; `null`
 * deletes; a non-object patch replaces).  Exposed for tests. */
int doc_merge_patch(cJSON **target, const cJSON *patch);

#endif
