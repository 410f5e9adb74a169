/*
 * dcproj/error.h — the error value every fallible dcproj call fills.
 *
 * A caller owns a struct dcproj_error (usually on its stack), clears it with
 * dcproj_error_init() and passes it to library calls.  A call that fails
 * returns a non-zero status (one of enum dcproj_status) and records up to
 * DCPROJ_ERROR_MAX problems in it; `count` keeps counting past that so the
 * caller can say "and N more".  The first problem recorded decides `code`.
 * The library never prints: formatting the items is the caller's job
 * (see dcproj_error_format()).
 */
#ifndef DCPROJ_ERROR_H
#define DCPROJ_ERROR_H

#include "dcproj/api.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  They equal the process exit codes of SPEC §9 so the CLI can
 * return them unchanged. */
enum dcproj_status {
    DCPROJ_OK = 0,
    DCPROJ_ERR_DIFF = 1,      /* `check` found a difference */
    DCPROJ_ERR_USAGE = 2,     /* malformed command-line option or value */
    DCPROJ_ERR_DATA = 65,     /* invalid scenario, patch, golden; unsolvable; non-finite */
    DCPROJ_ERR_NOINPUT = 66,  /* an input file cannot be opened or read */
    DCPROJ_ERR_NOMEM = 71,    /* out of memory (documented choice: EX_OSERR) */
    DCPROJ_ERR_CANTCREAT = 73,/* an output file cannot be created */
    DCPROJ_ERR_IO = 74        /* an I/O error while writing */
};

#define DCPROJ_ERROR_MAX 20
#define DCPROJ_ERROR_FILE_LEN 512
#define DCPROJ_ERROR_PATH_LEN 256
#define DCPROJ_ERROR_MSG_LEN 512

/* One problem.  `file` is the display name of the file the problem is in
 * ("<stdin>" for standard input; empty for none); `path` the JSON path
 * (`countries.IE.baseline`, `events[2].date`; empty when the problem is not
 * about one value); `line`/`column` are 1-based and > 0 only for JSON syntax
 * errors and golden-file lines. */
struct dcproj_error_item {
    int code;
    int line;
    int column;
    char file[DCPROJ_ERROR_FILE_LEN];
    char path[DCPROJ_ERROR_PATH_LEN];
    char message[DCPROJ_ERROR_MSG_LEN];
};

struct dcproj_error {
    int code;    /* status of the first problem; DCPROJ_OK when none */
    int count;   /* problems seen (may exceed DCPROJ_ERROR_MAX) */
    struct dcproj_error_item items[DCPROJ_ERROR_MAX];
};

/* Clear `err` (no problems).  `err` may be NULL. */
DCPROJ_API void dcproj_error_init(struct dcproj_error *err);

/* Record one problem.  `file`, `path` may be NULL or empty; `line`/`column`
 * 0 when unknown.  The message is printf-formatted and truncated to fit.
 * The first recorded code becomes err->code, except that DCPROJ_ERR_NOINPUT
 * takes precedence over DCPROJ_ERR_DATA (SPEC §9).  Returns `code` so callers
 * can write `return dcproj_error_set(...)`.  `err` may be NULL (then only
 * returns `code`). */
DCPROJ_API int dcproj_error_set(struct dcproj_error *err, int code, const char *file,
                     const char *path, int line, int column, const char *fmt,
                     ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Copy every problem of `src` into `dst` (as dcproj_error_set would). */
DCPROJ_API void dcproj_error_merge(struct dcproj_error *dst, const struct dcproj_error *src);

/* Format item `i` of `err` as one GNU-style line without the program name
 * and without a newline: "FILE:LINE:COL: message" (JSON syntax),
 * "FILE:LINE: message" (a line without a column, e.g. of a golden CSV),
 * "FILE: path: message", "FILE: message" or "message".  Writes at most `size` bytes (NUL included);
 * returns the length it wanted, like snprintf. */
DCPROJ_API int dcproj_error_format(const struct dcproj_error *err, int i, char *buf, size_t size);

/* A short English name for a status code ("invalid data", ...). */
DCPROJ_API const char *dcproj_status_name(int code);

#ifdef __cplusplus
}
#endif
#endif
