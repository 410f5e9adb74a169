/*
 * warning.c — the warning list of dcproj/warning.h (SPEC §9 v2).
 */
#include "dcproj/warning.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc_int.h"
#include "message_int.h"

int dcproj_warnings_has(const struct dcproj_warnings *w, const char *path, const char *message)
{
    if (w == NULL)
        return 0;
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->items[i].path, path != NULL ? path : "") == 0
            && strcmp(w->items[i].message, message) == 0)
            return 1;
    return 0;
}

static int add_item(struct dcproj_warnings *w, const struct dcproj_warning *it)
{
    if (dcproj_warnings_has(w, it->path, it->message))
        return DCPROJ_OK;
    struct dcproj_warning *p = dcproj_realloc(w->items, (w->n + 1) * sizeof *p);
    if (p == NULL)
        return DCPROJ_ERR_NOMEM;
    w->items = p;
    w->items[w->n++] = *it;
    return DCPROJ_OK;
}

int dcproj_warnings_add(struct dcproj_warnings *w, const char *file, const char *path,
                        const char *fmt, ...)
{
    struct dcproj_warning it;
    snprintf(it.file, sizeof it.file, "%s", file != NULL ? file : "");
    snprintf(it.path, sizeof it.path, "%s", path != NULL ? path : "");
    va_list ap;
    va_start(ap, fmt);
    message_vformat(it.message, sizeof it.message, fmt, ap);
    va_end(ap);
    return add_item(w, &it);
}

int dcproj_warnings_merge(struct dcproj_warnings *dst, const struct dcproj_warnings *src)
{
    for (size_t i = 0; src != NULL && i < src->n; i++)
        if (add_item(dst, &src->items[i]) != DCPROJ_OK)
            return DCPROJ_ERR_NOMEM;
    return DCPROJ_OK;
}

void dcproj_warnings_clear(struct dcproj_warnings *w)
{
    if (w == NULL)
        return;
    dcproj_free(w->items);
    w->items = NULL;
    w->n = 0;
}
