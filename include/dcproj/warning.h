/*
 * dcproj/warning.h — warnings: problems that do not stop a run (SPEC §9 v2
 * "Warnings"), the one channel from the library to its caller.
 *
 * The library collects them in a struct dcproj_warnings: load-time ones in
 * the scenario (struct dcproj_scenario.warnings: a rate written as a
 * percentage, a --set that creates a key ...), run-time ones in the result
 * (struct dcproj_result.warnings: the §3.6 floor, calibration diagnostics,
 * fit diagnostics).  The library never prints them: the caller decides
 * (the CLI prints `dcproj: FILE: PATH: warning: MESSAGE`, hides them with
 * -q, and with --strict turns each into a data error, exit 65).
 */
#ifndef DCPROJ_WARNING_H
#define DCPROJ_WARNING_H

#include <stddef.h>

#include "dcproj/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dcproj_warning {
    char file[DCPROJ_ERROR_FILE_LEN];   /* display name of the file; may be empty */
    char path[DCPROJ_ERROR_PATH_LEN];   /* JSON path (`countries.IE.growth.rate`); may be empty */
    char message[DCPROJ_ERROR_MSG_LEN]; /* without "warning: " and without a newline */
};

/* A list of warnings; zero-initialised is empty.  Each distinct
 * (path, message) is kept once. */
struct dcproj_warnings {
    size_t n;
    struct dcproj_warning *items;
};

/* Append a warning (printf-formatted message, truncated to fit) unless the
 * same (path, message) is already in `w`.  Returns DCPROJ_OK or
 * DCPROJ_ERR_NOMEM. */
DCPROJ_API int dcproj_warnings_add(struct dcproj_warnings *w, const char *file, const char *path,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Is (path, message) in `w`? */
DCPROJ_API int dcproj_warnings_has(const struct dcproj_warnings *w, const char *path, const char *message);

/* Append every warning of `src` to `dst` (duplicates skipped).  Returns
 * DCPROJ_OK or DCPROJ_ERR_NOMEM. */
DCPROJ_API int dcproj_warnings_merge(struct dcproj_warnings *dst, const struct dcproj_warnings *src);

/* Free the items; `w` becomes empty. */
DCPROJ_API void dcproj_warnings_clear(struct dcproj_warnings *w);

#ifdef __cplusplus
}
#endif
#endif
