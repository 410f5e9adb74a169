/*
 * dcproj/provenance.h — what a result rests on (SPEC §2 sources, §7
 * `report` and the scenario hash, §8 `provenance.sha256`).
 */
#ifndef DCPROJ_PROVENANCE_H
#define DCPROJ_PROVENANCE_H

#include "dcproj/api.h"

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
DCPROJ_API void dcproj_sha256_hex(const void *data, size_t len, char hex[DCPROJ_SHA256_HEX_LEN]);

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
DCPROJ_API int dcproj_scenario_hash(const struct dcproj_scenario *sc, char hex[DCPROJ_SHA256_HEX_LEN],
                         struct dcproj_error *err);

/* One input of SPEC §2: a §2.1 parameter, a history value, a `points`
 * value, a target's `value`/`ratio` or a fixed variable's `value`, at the
 * path where the resolved document writes it. */
struct dcproj_provenance_input {
    char *path;        /* "countries.IE.baseline", "events.narvik.add", "targets[0].ratio" */
    char *value;       /* as written: a number by the §8 rule, else compact JSON
                          ({"var":"g1"}, a distribution, a power curve) */
    size_t *sources;   /* indices into the scenario's `sources`, in the order written */
    size_t n_sources;  /* 0: the input is unsourced */
};

/* A free-text note: every `note` and `_note` string (each element of an
 * array of strings) with its path ("countries.IE.note", "_note[2]"). */
struct dcproj_provenance_note {
    char *path;
    char *text;
};

struct dcproj_provenance {
    struct dcproj_provenance_input *inputs; /* in document order */
    size_t n_inputs;
    struct dcproj_provenance_note *notes;   /* in document order */
    size_t n_notes;
};

/*
 * Enumerate every input of `sc` with its sources, and every note (SPEC §2,
 * §7 `report`).  An input's sources are those of the nearest enclosing
 * object that has a `source` (a country's covers its baseline, growth,
 * power and history unless they carry their own); a parameter that is only
 * a reference {"var": X} with no enclosing source has X's.  Inputs written
 * in `defaults.growth` are listed once, at that path.  Reads the resolved
 * document (`sc->resolved_json`), so `$`/`_` subtrees are skipped and the
 * paths are those of SPEC §6 messages.  On success sets *out (free with
 * dcproj_provenance_free()) and returns DCPROJ_OK; DCPROJ_ERR_DATA when the
 * scenario has no resolved document; DCPROJ_ERR_NOMEM.  Thread-safe.
 */
DCPROJ_API int dcproj_provenance_build(const struct dcproj_scenario *sc, struct dcproj_provenance **out,
                            struct dcproj_error *err);

DCPROJ_API void dcproj_provenance_free(struct dcproj_provenance *p);

#ifdef __cplusplus
}
#endif
#endif
