/*
 * load_merge.c — the one RFC 7396 JSON merge patch (SPEC §6 key order),
 * with hooks through which its two users adapt it: the document layers
 * (extends, --patch, --set: the origin map that remembers which layer
 * wrote each node) and a country's growth onto `defaults.growth`
 * (load_growth.c: SPEC §3's refinements and its merge map).
 *
 * Key order: a key the target already has keeps its place; new keys are
 * appended in patch order.  Keys starting with `$` or `_` are ordinary keys
 * here (they are ignored later, by the converter).
 */
#include "json_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "alloc_int.h"
#include "idmap_int.h"

/* ------------------------------------------------------------- origin map */

static size_t hash_ptr(const void *p, size_t mask)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & mask;
}

static int map_grow(struct origin_map *m)
{
    size_t ncap = m->cap == 0 ? 64 : m->cap * 2;
    struct origin_slot *ns = dcproj_calloc(ncap, sizeof *ns);
    if (ns == NULL)
        return DCPROJ_ERR_NOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].node == NULL)
            continue;
        size_t j = hash_ptr(m->slots[i].node, ncap - 1);
        while (ns[j].node != NULL)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->slots[i];
    }
    dcproj_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return DCPROJ_OK;
}

int origin_map_set(struct origin_map *m, const cJSON *node, const struct doc_origin *origin)
{
    if ((m->count + 1) * 2 > m->cap && map_grow(m) != DCPROJ_OK)
        return DCPROJ_ERR_NOMEM;
    size_t mask = m->cap - 1, j = hash_ptr(node, mask);
    while (m->slots[j].node != NULL && m->slots[j].node != node)
        j = (j + 1) & mask;
    if (m->slots[j].node == NULL)
        m->count++;
    m->slots[j].node = node;
    m->slots[j].origin = origin;
    return DCPROJ_OK;
}

const struct origin_slot *origin_map_find(const struct origin_map *m, const cJSON *node)
{
    if (m->count == 0)
        return NULL;
    size_t mask = m->cap - 1, j = hash_ptr(node, mask);
    while (m->slots[j].node != NULL) {
        if (m->slots[j].node == node)
            return &m->slots[j];
        j = (j + 1) & mask;
    }
    return NULL;
}

/* Remove one key with backward-shift deletion (linear probing keeps no
 * tombstones, so lookups stay short). */
static void map_remove(struct origin_map *m, const cJSON *node)
{
    if (m->count == 0)
        return;
    size_t mask = m->cap - 1, i = hash_ptr(node, mask);
    while (m->slots[i].node != node) {
        if (m->slots[i].node == NULL)
            return;
        i = (i + 1) & mask;
    }
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (m->slots[j].node == NULL)
            break;
        size_t k = hash_ptr(m->slots[j].node, mask);
        /* move slot j back to i unless its home k lies cyclically in (i, j] */
        int in_range = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!in_range) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].node = NULL;
    m->slots[i].origin = NULL;
    m->count--;
}

void origin_map_forget_tree(struct origin_map *m, const cJSON *node)
{
    if (m == NULL || m->count == 0)
        return;
    map_remove(m, node);
    for (const cJSON *c = node->child; c != NULL; c = c->next)
        origin_map_forget_tree(m, c);
}

void origin_map_free(struct origin_map *m)
{
    dcproj_free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

/* ------------------------------------------------------------------ merge */

static void hook_removing(const struct merge_hooks *h, const cJSON *node)
{
    if (h != NULL && h->removing != NULL)
        h->removing(h->ctx, node);
}

/*
 * A copy of `src` built node by node, so that h->copied can record where
 * each node came from.  `parent` is the result node the copy will stand
 * under (NULL at the root), `top` says whether this is the copy's root.
 * With `clean` (RFC 7396 applying a patch to `{}`) null members are left
 * out at every object level; arrays, and everything inside them, are
 * copied as they are.  NULL when out of memory (nothing recorded stays).
 */
cJSON *merge_copy(const cJSON *src, int clean, const struct merge_hooks *h,
                  const cJSON *parent, int top)
{
    cJSON *v = cJSON_Duplicate(src, 0); /* the node alone, with its key */
    if (v == NULL)
        return NULL;
    if (h != NULL && h->copied != NULL && h->copied(h->ctx, v, src, parent, top) != DCPROJ_OK) {
        cJSON_Delete(v);
        return NULL;
    }
    int obj = cJSON_IsObject(src);
    for (const cJSON *c = src->child; c != NULL; c = c->next) {
        if (clean && obj && cJSON_IsNull(c))
            continue;
        cJSON *cc = merge_copy(c, clean && obj, h, v, 0);
        /* linked as cJSON_Duplicate() links children: cc keeps the key it copied */
        if (cc == NULL || !cJSON_AddItemToArray(v, cc)) {
            cJSON_Delete(cc);
            hook_removing(h, v);
            cJSON_Delete(v);
            return NULL;
        }
    }
    return v;
}

/* Index of an object's members by key, for patches onto large objects
 * (a linear lookup per patch key would be quadratic): the one hash map
 * (idmap.c), key -> member, keys borrowed from the members themselves.
 * Of duplicate keys the first is indexed, like cJSON's own lookup. */
static int index_build(struct idmap *ix, const cJSON *obj)
{
    for (cJSON *c = obj->child; c != NULL; c = c->next)
        if (idmap_put(ix, c->string, (size_t)(uintptr_t)c) < 0)
            return DCPROJ_ERR_NOMEM;
    return DCPROJ_OK;
}

static cJSON *index_get(const struct idmap *ix, const char *key)
{
    long v = idmap_get(ix, key);
    return v < 0 ? NULL : (cJSON *)(uintptr_t)(size_t)v;
}

/* Does the caller want object `patch` to replace object `target` whole
 * instead of merging into it? */
static int hook_replaces(const struct merge_hooks *h, const cJSON *target, const cJSON *patch)
{
    return h != NULL && h->replaces != NULL && h->replaces(h->ctx, target, patch);
}

static int hook_merging(const struct merge_hooks *h, const cJSON *target, const cJSON *patch,
                        const cJSON *parent)
{
    return h == NULL || h->merging == NULL ? DCPROJ_OK
                                           : h->merging(h->ctx, target, patch, parent);
}

/* Replace member `cur` of `obj` by `v` in place, v taking cur's key. */
static int replace_member(cJSON *obj, cJSON *cur, cJSON *v)
{
    /* cJSON_Duplicate() copied the patch member's key, which is the same */
    if (v->string == NULL || (v->type & cJSON_StringIsConst)
        || strcmp(v->string, cur->string) != 0) {
        /* the tree owns the key: cJSON's allocator, whatever its hooks */
        char *key = cJSON_malloc(strlen(cur->string) + 1);
        if (key == NULL)
            return DCPROJ_ERR_NOMEM;
        strcpy(key, cur->string);
        if (!(v->type & cJSON_StringIsConst))
            cJSON_free(v->string);
        v->type &= ~cJSON_StringIsConst;
        v->string = key;
    }
    cJSON_ReplaceItemViaPointer(obj, cur, v); /* frees cur */
    return DCPROJ_OK;
}

/* Merge object `patch` member by member onto object `target`. */
static int merge_object(cJSON *target, const cJSON *patch, const struct merge_hooks *h)
{
    size_t n_patch = 0, n_target = 0;
    for (const cJSON *c = patch->child; c != NULL; c = c->next)
        n_patch++;
    for (const cJSON *c = target->child; c != NULL; c = c->next)
        n_target++;
    struct idmap ix = {0};
    int use_index = n_patch * n_target > 256;
    if (use_index && index_build(&ix, target) != DCPROJ_OK) {
        idmap_free(&ix);
        return DCPROJ_ERR_NOMEM;
    }

    int rc = DCPROJ_OK;
    for (const cJSON *pc = patch->child; pc != NULL && rc == DCPROJ_OK; pc = pc->next) {
        cJSON *cur = use_index ? index_get(&ix, pc->string)
                               : cJSON_GetObjectItemCaseSensitive(target, pc->string);
        if (cJSON_IsNull(pc)) {
            if (cur != NULL) {
                if (use_index)
                    idmap_del(&ix, pc->string);
                cJSON_DetachItemViaPointer(target, cur);
                hook_removing(h, cur);
                cJSON_Delete(cur);
            }
            continue;
        }
        if (cur != NULL && cJSON_IsObject(cur) && cJSON_IsObject(pc)
            && !hook_replaces(h, cur, pc)) {
            rc = hook_merging(h, cur, pc, target);
            if (rc == DCPROJ_OK)
                rc = merge_object(cur, pc, h);
            continue;
        }
        cJSON *v = merge_copy(pc, 1, h, target, 1);
        if (v == NULL) {
            rc = DCPROJ_ERR_NOMEM;
            break;
        }
        if (cur != NULL) {
            /* the index borrows cur's key, which replace_member() frees */
            if (use_index)
                idmap_del(&ix, pc->string);
            hook_removing(h, cur);
            if (replace_member(target, cur, v) != DCPROJ_OK) {
                hook_removing(h, v);
                cJSON_Delete(v);
                rc = DCPROJ_ERR_NOMEM;
                break;
            }
        } else if (!cJSON_AddItemToObject(target, pc->string, v)) {
            hook_removing(h, v);
            cJSON_Delete(v);
            rc = DCPROJ_ERR_NOMEM;
            break;
        }
        if (use_index && idmap_put(&ix, v->string, (size_t)(uintptr_t)v) < 0)
            rc = DCPROJ_ERR_NOMEM;
    }
    idmap_free(&ix);
    return rc;
}

/* The one RFC 7396 merge (SPEC §6): every other merge is this one with hooks. */
int merge_patch_hooked(cJSON **target, const cJSON *patch, const struct merge_hooks *h)
{
    if (cJSON_IsObject(patch) && cJSON_IsObject(*target) && !hook_replaces(h, *target, patch)) {
        int rc = hook_merging(h, *target, patch, NULL);
        return rc != DCPROJ_OK ? rc : merge_object(*target, patch, h);
    }
    cJSON *v = merge_copy(patch, 1, h, NULL, 1);
    if (v == NULL)
        return DCPROJ_ERR_NOMEM;
    if (*target != NULL)
        hook_removing(h, *target);
    cJSON_Delete(*target);
    *target = v;
    return DCPROJ_OK;
}

/* The document's origin bookkeeping as merge hooks: the root of each copy
 * takes the layer's origin (its descendants inherit it), and what leaves
 * the tree is forgotten. */
struct origin_mark {
    struct origin_map *map;
    const struct doc_origin *origin;
};

static int origin_copied(void *ctx, const cJSON *node, const cJSON *src, const cJSON *parent,
                         int top)
{
    (void)src;
    (void)parent;
    const struct origin_mark *m = ctx;
    return top ? origin_map_set(m->map, node, m->origin) : DCPROJ_OK;
}

static void origin_removing(void *ctx, const cJSON *node)
{
    const struct origin_mark *m = ctx;
    origin_map_forget_tree(m->map, node);
}

int merge_patch_tracked(cJSON **target, const cJSON *patch, struct origin_map *map,
                        const struct doc_origin *origin)
{
    if (map == NULL)
        return merge_patch_hooked(target, patch, NULL);
    struct origin_mark m = {map, origin};
    const struct merge_hooks h = {&m, NULL, origin_copied, NULL, origin_removing};
    return merge_patch_hooked(target, patch, &h);
}

int doc_merge_patch(cJSON **target, const cJSON *patch)
{
    return merge_patch_hooked(target, patch, NULL);
}
