/*
 * fuzz_load.c — libFuzzer harness: dcproj_scenario_load_buffer() on
 * arbitrary bytes.  Every outcome must be DCPROJ_OK (then the scenario is
 * freed) or an error with at least one message; anything else (a crash, a
 * leak, undefined behaviour, a status outside SPEC §9) is a finding.
 *
 * `extends` resolves against DCPROJ_FUZZ_BASE (the seed directory given at
 * build time), so the fuzzer can reach the parents the seeds name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dcproj/dcproj.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return -1;
    fuzz_init_once();
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_scenario *sc = NULL;
    int rc = dcproj_scenario_load_buffer("fuzz.json", (const char *)data, size,
                                         DCPROJ_FUZZ_BASE, NULL, &sc, &err);
    fuzz_check_status(rc, sc, &err);
    dcproj_scenario_free(sc);
    return 0;
}
