/*
 * dcproj/provenance.h — what a result rests on (SPEC §2 sources, §7
 * `report` and the scenario hash, §8 `provenance.sha256`).
 */
#ifndef DCPROJ_PROVENANCE_H
#define DCPROJ_PROVENANCE_H

#include <stddef.h>

#include "dcproj/error.h"
#include "dcproj/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for a SHA-256 in lower-case hex with its NUL. */
#define DCPROJ_SHA256_HEX_LEN 65

/* The SHA-256 (nettle) of the `len` bytes at `data`, as 64 lower-case hex
 * digits and a NUL, into `hex`.  Cannot fail; thread-safe. */
void dcproj_sha256_hex(const void *data, size_t len, char hex[DCPROJ_SHA256_HEX_LEN]);

/*
 * The scenario hash of SPEC §7: the SHA-256 of the resolved document (after
 * `extends`, --set, --patch and --horizon/--step/--draws/--seed, without the
 * `extends` key, `$`/`_` keys kept) serialised compactly — no white space,
 * the document's key order, numbers by the §8 round-trip rule, minimal
 * string escaping, raw UTF-8 — which is `sc->resolved_json` byte for byte.
 * Writes 64 hex digits and a NUL into `hex`.  Returns DCPROJ_OK, or
 * DCPROJ_ERR_DATA (with `err` filled; `hex` then holds "") when the
 * scenario has no resolved document.  Thread-safe.
 */
int dcproj_scenario_hash(const struct dcproj_scenario *sc, char hex[DCPROJ_SHA256_HEX_LEN],
                         struct dcproj_error *err);

#ifdef __cplusplus
}
#endif
#endif
