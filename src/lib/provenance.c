/*
 * provenance.c — the scenario hash (SPEC §7) and the SHA-256 behind it
 * (nettle).  See dcproj/provenance.h.
 */
#include "dcproj/provenance.h"

#include <string.h>

#include <nettle/sha2.h>

void dcproj_sha256_hex(const void *data, size_t len, char hex[DCPROJ_SHA256_HEX_LEN])
{
    static const char digits[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

int dcproj_scenario_hash(const struct dcproj_scenario *sc, char hex[DCPROJ_SHA256_HEX_LEN],
                         struct dcproj_error *err)
{
    hex[0] = '\0';
    if (sc == NULL || sc->resolved_json == NULL)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc != NULL ? sc->file : NULL, NULL, 0, 0,
                                "the scenario has no resolved document to hash");
    dcproj_sha256_hex(sc->resolved_json, strlen(sc->resolved_json), hex);
    return DCPROJ_OK;
}
