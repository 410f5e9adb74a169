/*
 * doc_shim.h — test-only controls of the minimal document layer in
 * doc_shim.c (one in-memory JSON document, no `extends`).
 */
#ifndef DCPROJ_DOC_SHIM_H
#define DCPROJ_DOC_SHIM_H

#include "doc_int.h"

/* For the next doc_build() calls: the node at the dotted key path `path`
 * (e.g. "countries.IE.baseline") gets origin (kind, label); NULL clears. */
void doc_shim_mark(const char *path, enum doc_origin_kind kind, const char *label);

#endif
