/*
 * idmap.c — the one string-keyed hash map (see idmap_int.h).  The ground
 * floor: used by the loader, `check` and the merge patch alike, so that
 * hashing, probing and growth are written once.
 */
#include "idmap_int.h"

#include <string.h>

#include "alloc_int.h"

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

/* A removed key: a slot that is neither free nor a match. */
static const char TOMBSTONE[1] = "";

uint64_t idmap_hash(const char *s, uint64_t h)
{
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= FNV_PRIME;
    }
    return h;
}

static size_t home(const char *key, size_t cap)
{
    return (size_t)idmap_hash(key, FNV_OFFSET) & (cap - 1);
}

/* The slot holding `key`, or (size_t)-1. */
static size_t find(const struct idmap *m, const char *key)
{
    if (m->cap == 0 || key == NULL)
        return (size_t)-1;
    for (size_t i = home(key, m->cap); m->keys[i] != NULL; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] != TOMBSTONE && strcmp(m->keys[i], key) == 0)
            return i;
    return (size_t)-1;
}

long idmap_get(const struct idmap *m, const char *key)
{
    size_t i = find(m, key);
    return i == (size_t)-1 ? -1 : (long)m->vals[i];
}

/* Make room for one more key: at most half the slots in use, tombstones
 * dropped when the table is rebuilt. */
static int reserve(struct idmap *m)
{
    if ((m->used + 1) * 2 <= m->cap)
        return 0;
    size_t cap = 16;
    while ((m->n + 1) * 2 > cap)
        cap *= 2;
    const char **keys = dcproj_calloc(cap, sizeof *keys);
    size_t *vals = dcproj_calloc(cap, sizeof *vals);
    if (keys == NULL || vals == NULL) {
        dcproj_free(keys);
        dcproj_free(vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == NULL || m->keys[i] == TOMBSTONE)
            continue;
        size_t j = home(m->keys[i], cap);
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
    m->used = m->n;
    return 0;
}

int idmap_put(struct idmap *m, const char *key, size_t val)
{
    if (find(m, key) != (size_t)-1)
        return 0;
    if (reserve(m) != 0)
        return -1;
    size_t i = home(key, m->cap);
    while (m->keys[i] != NULL && m->keys[i] != TOMBSTONE)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == NULL)
        m->used++;
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return 1;
}

void idmap_del(struct idmap *m, const char *key)
{
    size_t i = find(m, key);
    if (i == (size_t)-1)
        return;
    m->keys[i] = TOMBSTONE;
    m->n--;
}

void idmap_free(struct idmap *m)
{
    dcproj_free(m->keys);
    dcproj_free(m->vals);
    memset(m, 0, sizeof *m);
}
