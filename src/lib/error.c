/*
 * error.c — filling and formatting struct dcproj_error, and the one
 * locale-independent printf of every message (message_vformat()).
 */
#include "dcproj/error.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "message_int.h"

int message_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    /* glibc gives the C locale object itself for "C" (nothing allocated);
       uselocale() changes this thread's locale only, and back */
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t old = c != (locale_t)0 ? uselocale(c) : (locale_t)0;
    int n = vsnprintf(buf, size, fmt, ap);
    if (c != (locale_t)0) {
        uselocale(old);
        freelocale(c);
    }
    return n;
}

void dcproj_error_init(struct dcproj_error *err)
{
    if (err == NULL)
        return;
    err->code = DCPROJ_OK;
    err->count = 0;
}

/* Copy `src` into the fixed buffer `dst` of `size` bytes, truncating. */
static void copy_str(char *dst, size_t size, const char *src)
{
    if (src == NULL)
        src = "";
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Record the code: the first problem's code wins, but an unreadable input
 * (66) outranks invalid data (65), as SPEC §9 asks. */
static void note_code(struct dcproj_error *err, int code)
{
    if (err->code == DCPROJ_OK || (code == DCPROJ_ERR_NOINPUT && err->code == DCPROJ_ERR_DATA))
        err->code = code;
}

int dcproj_error_set(struct dcproj_error *err, int code, const char *file, const char *path,
                     int line, int column, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    note_code(err, code);
    if (err->count < DCPROJ_ERROR_MAX) {
        struct dcproj_error_item *it = &err->items[err->count];
        it->code = code;
        it->line = line;
        it->column = column;
        copy_str(it->file, sizeof it->file, file);
        copy_str(it->path, sizeof it->path, path);
        va_list ap;
        va_start(ap, fmt);
        message_vformat(it->message, sizeof it->message, fmt, ap);
        va_end(ap);
    }
    err->count++;
    return code;
}

void dcproj_error_merge(struct dcproj_error *dst, const struct dcproj_error *src)
{
    if (dst == NULL || src == NULL)
        return;
    int kept = src->count < DCPROJ_ERROR_MAX ? src->count : DCPROJ_ERROR_MAX;
    for (int i = 0; i < kept; i++) {
        const struct dcproj_error_item *it = &src->items[i];
        dcproj_error_set(dst, it->code, it->file, it->path, it->line, it->column, "%s",
                         it->message);
    }
    /* problems counted but not kept still count */
    dst->count += src->count - kept;
    if (src->code != DCPROJ_OK)
        note_code(dst, src->code);
}

int dcproj_error_format(const struct dcproj_error *err, int i, char *buf, size_t size)
{
    if (err == NULL || i < 0 || i >= err->count || i >= DCPROJ_ERROR_MAX) {
        if (size > 0)
            buf[0] = '\0';
        return 0;
    }
    const struct dcproj_error_item *it = &err->items[i];
    if (it->file[0] != '\0' && it->line > 0 && it->column > 0)
        return snprintf(buf, size, "%s:%d:%d: %s", it->file, it->line, it->column, it->message);
    if (it->file[0] != '\0' && it->line > 0)
        return snprintf(buf, size, "%s:%d: %s", it->file, it->line, it->message);
    if (it->file[0] != '\0' && it->path[0] != '\0')
        return snprintf(buf, size, "%s: %s: %s", it->file, it->path, it->message);
    if (it->file[0] != '\0')
        return snprintf(buf, size, "%s: %s", it->file, it->message);
    if (it->path[0] != '\0')
        return snprintf(buf, size, "%s: %s", it->path, it->message);
    return snprintf(buf, size, "%s", it->message);
}

const char *dcproj_status_name(int code)
{
    switch (code) {
    case DCPROJ_OK: return "success";
    case DCPROJ_ERR_DIFF: return "difference found";
    case DCPROJ_ERR_USAGE: return "usage error";
    case DCPROJ_ERR_DATA: return "invalid data";
    case DCPROJ_ERR_NOINPUT: return "cannot read input";
    case DCPROJ_ERR_NOMEM: return "out of memory";
    case DCPROJ_ERR_CANTCREAT: return "cannot create output";
    case DCPROJ_ERR_IO: return "I/O error";
    default: return "error";
    }
}
