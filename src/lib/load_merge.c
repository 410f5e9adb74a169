/*
 * load_merge.c — RFC 7396 JSON merge patch with SPEC §6 key order, and the
 * origin map that remembers which layer wrote each node.
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

/* The result of merging object `patch` onto nothing: a copy with every
 * null member removed, at every object level (RFC 7396 applies the patch
 * to `{}`).  Arrays are copied as they are. */
static cJSON *clean_copy(const cJSON *patch)
{
    if (!cJSON_IsObject(patch))
        return cJSON_Duplicate(patch, 1);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    for (const cJSON *c = patch->child; c != NULL; c = c->next) {
        if (cJSON_IsNull(c))
            continue;
        cJSON *v = clean_copy(c);
        if (v == NULL) {
            cJSON_Delete(o);
            return NULL;
        }
        if (!cJSON_AddItemToObject(o, c->string, v)) {
            cJSON_Delete(v);
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
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

static int mark(struct origin_map *map, const cJSON *node, const struct doc_origin *origin)
{
    return map == NULL ? DCPROJ_OK : origin_map_set(map, node, origin);
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
static int merge_object(cJSON *target, const cJSON *patch, struct origin_map *map,
                        const struct doc_origin *origin)
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
                origin_map_forget_tree(map, cur);
                cJSON_Delete(cur);
            }
            continue;
        }
        if (cur != NULL && cJSON_IsObject(cur) && cJSON_IsObject(pc)) {
            rc = merge_object(cur, pc, map, origin);
            continue;
        }
        cJSON *v = clean_copy(pc);
        if (v == NULL) {
            rc = DCPROJ_ERR_NOMEM;
            break;
        }
        if (cur != NULL) {
            /* the index borrows cur's key, which replace_member() frees */
            if (use_index)
                idmap_del(&ix, pc->string);
            origin_map_forget_tree(map, cur);
            if (replace_member(target, cur, v) != DCPROJ_OK) {
                cJSON_Delete(v);
                rc = DCPROJ_ERR_NOMEM;
                break;
            }
        } else if (!cJSON_AddItemToObject(target, pc->string, v)) {
            cJSON_Delete(v);
            rc = DCPROJ_ERR_NOMEM;
            break;
        }
        if (use_index && idmap_put(&ix, v->string, (size_t)(uintptr_t)v) < 0) {
            rc = DCPROJ_ERR_NOMEM;
            break;
        }
        rc = mark(map, v, origin);
    }
    idmap_free(&ix);
    return rc;
}

int merge_patch_tracked(cJSON **target, const cJSON *patch, struct origin_map *map,
                        const struct doc_origin *origin)
{
    if (!cJSON_IsObject(patch) || !cJSON_IsObject(*target)) {
        cJSON *v = clean_copy(patch);
        if (v == NULL)
            return DCPROJ_ERR_NOMEM;
        if (*target != NULL)
            origin_map_forget_tree(map, *target);
        cJSON_Delete(*target);
        *target = v;
        return mark(map, v, origin);
    }
    return merge_object(*target, patch, map, origin);
}

int doc_merge_patch(cJSON **target, const cJSON *patch)
{
    return merge_patch_tracked(target, patch, NULL, NULL);
}
