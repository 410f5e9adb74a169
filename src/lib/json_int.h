/*
 * json_int.h — strict JSON reading and tracked merging (internal to the
 * document layer: load_read.c, load_merge.c, load_extends.c, load_patch.c).
 *
 * Positions in messages are 1-based; a column counts characters (UTF-8
 * code points) from the start of the line, a tab counts as one, and a
 * leading BOM is not counted.
 */
#ifndef DCPROJ_JSON_INT_H
#define DCPROJ_JSON_INT_H

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "dcproj/error.h"
#include "doc_int.h"

/* Longest number token cJSON 1.7 reads without truncating it (its buffer
 * holds 64 bytes with the NUL).  Longer numbers are refused. */
#define JSON_MAX_NUMBER_CHARS 63

/* What the top-level value may be. */
enum json_top { JSON_TOP_OBJECT = 0, JSON_TOP_ANY };

/* What json_read_file() may read: anything but a directory (the files a
 * caller names: a FIFO or /dev/stdin is the caller's choice), or only a
 * regular file (what a scenario's `extends` names, so that a parent that
 * is a FIFO or a device is refused instead of blocking the read forever).
 * "-" is standard input either way. */
enum json_read_kind { JSON_READ_ANY = 0, JSON_READ_REGULAR };

/* Identity of an opened file, for `extends` cycle detection. */
struct json_file_id {
    int valid;
    dev_t dev;
    ino_t ino;
};

/*
 * Read the whole file `path` ("-" = standard input) into a new buffer
 * (*out, NUL-terminated, *out_len bytes before the NUL; free() it).  `name`
 * is the display name for messages.  A missing, unreadable file or a
 * directory is DCPROJ_ERR_NOINPUT ("cannot open: <strerror>"); more than
 * DCPROJ_MAX_FILE_BYTES is DCPROJ_ERR_DATA, found by stat() for regular
 * files and by stopping the read for pipes, so memory stays bounded.
 * With JSON_READ_REGULAR, a path that is not a regular file is
 * DCPROJ_ERR_NOINPUT ("cannot open: not a regular file"), found without
 * blocking.  `id` (may be NULL) receives the device and inode.  Outputs are
 * written only on success.  The one file reader of the library and the
 * CLI (through dcproj_file_read()): one size limit, one set of messages.
 */
int json_read_file(const char *path, const char *name, enum json_read_kind kind, char **out,
                   size_t *out_len, struct json_file_id *id, struct dcproj_error *err);

/*
 * Parse the `len` bytes at `data` strictly (SPEC §2, §9); `data[len]` must
 * be a NUL byte.  A leading UTF-8 BOM is skipped.  Refused with
 * DCPROJ_ERR_DATA and FILE:LINE:COL (file = `name`): syntax errors, invalid
 * UTF-8, lone surrogates, "\u0000", control characters in strings,
 * non-finite numbers, numbers longer than JSON_MAX_NUMBER_CHARS, nesting
 * deeper than DCPROJ_MAX_DEPTH, trailing data, empty input, and (with
 * JSON_TOP_OBJECT) a top-level value that is not an object.  Duplicate keys
 * are refused with the object's JSON path instead of a position.  On
 * success sets *out to a new tree (cJSON_Delete() it).
 */
int json_parse_strict(const char *data, size_t len, const char *name, enum json_top top,
                      cJSON **out, struct dcproj_error *err);

/* Nesting depth of `v`: 0 for a scalar, 1 for an object or array holding
 * only scalars, and so on. */
int json_depth(const cJSON *v);

/* "an object", "a string", "null", ... for messages. */
const char *json_type_name(const cJSON *v);

/*
 * The compact serialisation of `v` (json_write.c) that SPEC §7 hashes: no
 * white space, the tree's key order, numbers by the §8 round-trip rule,
 * minimal string escaping, raw UTF-8.  A new NUL-terminated string the
 * caller releases with dcproj_free(), or NULL when out of memory.  The
 * recursion is bounded by the reader's depth limit.
 */
char *json_write_compact(const cJSON *v);

/* ---- origin map (load_merge.c): node pointer -> origin ---- */

struct origin_slot {
    const cJSON *node;               /* NULL: empty slot */
    const struct doc_origin *origin; /* NULL: written by the scenario file */
};

struct origin_map {
    struct origin_slot *slots;
    size_t cap;   /* a power of two, or 0 */
    size_t count;
};

/* Record that `node` came from `origin` (NULL: from the scenario file,
 * which stops inheritance from an ancestor).  Returns DCPROJ_OK or
 * DCPROJ_ERR_NOMEM. */
int origin_map_set(struct origin_map *m, const cJSON *node, const struct doc_origin *origin);

/* The slot of `node`, or NULL when it has none. */
const struct origin_slot *origin_map_find(const struct origin_map *m, const cJSON *node);

/* Forget `node` and all its descendants (before they are freed, so a new
 * node at a reused address does not inherit a stale origin). */
void origin_map_forget_tree(struct origin_map *m, const cJSON *node);

void origin_map_free(struct origin_map *m);

/*
 * Hooks through which a caller adapts the one RFC 7396 merge
 * (merge_patch_hooked()); each may be NULL, and `ctx` is passed back.
 *   replaces  target and patch are both objects: return 1 to replace
 *             `target` whole by (a copy of) `patch` instead of merging.
 *   copied    `node`, a new node of the result, is the copy of patch node
 *             `src` and will stand under result node `parent` (NULL: it
 *             becomes the root); `top` marks the root of each copied
 *             subtree.  Called parent first.  A status other than
 *             DCPROJ_OK stops the merge (as out of memory).
 *   merging   result object `target` (under `parent`, NULL at the root)
 *             is about to be merged key by key with patch object `patch`.
 *   removing  `node` and everything below it are about to leave the result
 *             (deleted by a null, or replaced).
 */
struct merge_hooks {
    void *ctx;
    int (*replaces)(void *ctx, const cJSON *target, const cJSON *patch);
    int (*copied)(void *ctx, const cJSON *node, const cJSON *src, const cJSON *parent, int top);
    int (*merging)(void *ctx, const cJSON *target, const cJSON *patch, const cJSON *parent);
    void (*removing)(void *ctx, const cJSON *node);
};

/*
 * THE RFC 7396 merge of `patch` onto `*target` (SPEC §6 key order: existing
 * keys keep their place, new keys are appended in patch order; `null`
 * deletes; anything but two objects replaces), with `h` (may be NULL).
 * Returns DCPROJ_OK or DCPROJ_ERR_NOMEM (or a hook's status); on failure
 * *target may be partly patched but stays a valid tree.
 */
int merge_patch_hooked(cJSON **target, const cJSON *patch, const struct merge_hooks *h);

/*
 * A copy of `src`, node by node through h->copied (`parent` and `top` as
 * there).  With `clean`, null members of objects are left out (a patch
 * applied to nothing); arrays are copied as they are.  NULL when out of
 * memory.
 */
cJSON *merge_copy(const cJSON *src, int clean, const struct merge_hooks *h,
                  const cJSON *parent, int top);

/*
 * RFC 7396 merge of `patch` onto `*target` (see doc_merge_patch()).  When
 * `map` is not NULL every node the patch inserts or replaces is recorded
 * with `origin` (NULL included: "from the file"), and removed nodes are
 * forgotten.  On DCPROJ_ERR_NOMEM *target may be partly patched but stays
 * a valid tree.
 */
int merge_patch_tracked(cJSON **target, const cJSON *patch, struct origin_map *map,
                        const struct doc_origin *origin);

#endif
