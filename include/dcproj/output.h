/*
 * dcproj/output.h — "nothing is lost" output files (SPEC §9).
 *
 * dcproj_output_open() on a regular file or a new path opens a temporary in
 * the same directory (symlinks resolved first); dcproj_output_commit()
 * flushes, fsyncs and renames it into place keeping the old file's mode;
 * dcproj_output_abort() removes it and leaves the old file untouched.  A
 * stale temporary of the same target left by a killed process is removed by
 * the next open.  Other paths (/dev/stdout, FIFOs, devices) are written
 * directly.  "-" means standard output.
 */
#ifndef DCPROJ_OUTPUT_H
#define DCPROJ_OUTPUT_H

#include "dcproj/api.h"

#include <stdio.h>
#include <sys/types.h>

#include "dcproj/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dcproj_output;

/* Files read by this run, to refuse an output path that names one of them
 * (compared by device and inode): a usage error. */
struct dcproj_file_id {
    dev_t dev;
    ino_t ino;
};

/*
 * Open `path` for writing.  `inputs` (n_inputs entries, may be NULL) are the
 * files this run reads.  On success sets *out and returns DCPROJ_OK; on
 * failure returns DCPROJ_ERR_USAGE (path is an input) or
 * DCPROJ_ERR_CANTCREAT, filling `err`.
 */
DCPROJ_API int dcproj_output_open(const char *path, const struct dcproj_file_id *inputs,
                       size_t n_inputs, struct dcproj_output **out,
                       struct dcproj_error *err);

/* The stream to write to; valid until commit or abort. */
DCPROJ_API FILE *dcproj_output_stream(struct dcproj_output *o);

/* Finish: flush, check for write errors, rename into place.  Frees `o`.
 * Returns DCPROJ_ERR_IO on any write error (the target keeps its old
 * content, the temporary is removed). */
DCPROJ_API int dcproj_output_commit(struct dcproj_output *o, struct dcproj_error *err);

/* Give up: remove the temporary (target untouched).  Frees `o`; NULL is a
 * no-op. */
DCPROJ_API void dcproj_output_abort(struct dcproj_output *o);

/* The device and inode of `path` into *id; 0 on success, -1 if it cannot be
 * stat'ed. */
DCPROJ_API int dcproj_file_id_of(const char *path, struct dcproj_file_id *id);

/*
 * Read the whole file `path` ("-" = standard input) into a new buffer:
 * *data (NUL-terminated, *len bytes before the NUL; release it with
 * dcproj_buffer_free())
 * — the reader the library uses for scenarios, with the same rules: a
 * missing or unreadable file or a directory is DCPROJ_ERR_NOINPUT, more
 * than DCPROJ_MAX_FILE_BYTES (64 MiB; exactly that much is accepted) is
 * DCPROJ_ERR_DATA.  Messages name `path` ("<stdin>" for "-").  Thread-safe
 * (reading standard input from two threads at once is the caller's race).
 */
DCPROJ_API int dcproj_file_read(const char *path, char **data, size_t *len,
                                struct dcproj_error *err);

#ifdef __cplusplus
}
#endif
#endif
