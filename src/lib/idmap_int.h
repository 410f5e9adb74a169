/*
 * idmap_int.h — the one string-keyed hash map of the library (idmap.c):
 * names to indices in the loader, row keys to records in `check`, object
 * keys to members in the merge patch.  Open addressing with linear
 * probing, FNV-1a; keys are borrowed (the caller keeps them alive while
 * they are in the map); a removed key leaves a tombstone so that probe
 * chains hold.  A zero-initialised struct is an empty map.
 */
#ifndef DCPROJ_IDMAP_INT_H
#define DCPROJ_IDMAP_INT_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
    size_t cap;  /* power of two, or 0 */
    size_t n;    /* live keys */
    const char **keys;
    size_t *vals;
    size_t used; /* live keys and tombstones, for the load factor */
};

/* FNV-1a of `s` continued from `h` (1469598103934665603 to start). */
uint64_t idmap_hash(const char *s, uint64_t h);

/* The value of `key`, or -1 when absent (or `key` NULL). */
long idmap_get(const struct idmap *m, const char *key);

/* Insert `key` -> `val` unless present.  Returns 1 if inserted, 0 if the
 * key was already there (its value unchanged), -1 when out of memory. */
int idmap_put(struct idmap *m, const char *key, size_t val);

/* Remove `key` if present. */
void idmap_del(struct idmap *m, const char *key);

/* Free the table (not the keys); the map is empty again. */
void idmap_free(struct idmap *m);

#endif
