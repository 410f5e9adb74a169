/*
 * fuzz_common.h — shared by the libFuzzer harnesses (test code only).
 */
#ifndef DCPROJ_FUZZ_COMMON_H
#define DCPROJ_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "dcproj/dcproj.h"

/* Inputs larger than this are skipped: the fuzzer looks for bugs in
 * structure, not in size (64 MiB inputs are tested elsewhere). */
#define FUZZ_MAX_INPUT (64u * 1024u)

#ifndef DCPROJ_FUZZ_BASE
#define DCPROJ_FUZZ_BASE "."
#endif

/* Turn GSL's abort-on-error handler off once per process (the library
 * checks GSL status codes itself; the CLI does the same in main). */
static inline void fuzz_init_once(void)
{
    static int done;
    if (!done) {
        gsl_set_error_handler_off();
        done = 1;
    }
}

/* Abort (a finding) unless `rc` is a status SPEC §9 allows for a load or a
 * run, consistent with `err` and with the output pointer `out`. */
static inline void fuzz_check_status(int rc, const void *out, const struct dcproj_error *err)
{
    if (rc == DCPROJ_OK) {
        if (out == NULL) {
            fprintf(stderr, "fuzz: DCPROJ_OK without a result\n");
            abort();
        }
        return;
    }
    if (rc != DCPROJ_ERR_DATA && rc != DCPROJ_ERR_NOINPUT && rc != DCPROJ_ERR_NOMEM) {
        fprintf(stderr, "fuzz: unexpected status %d\n", rc);
        abort();
    }
    if (out != NULL || err->count < 1 || err->code != rc) {
        fprintf(stderr, "fuzz: status %d with out=%p, %d messages, code %d\n", rc, out,
                err->count, err->code);
        abort();
    }
}

#endif
