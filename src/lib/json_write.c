/*
 * json_write.c — the one compact JSON serialiser of a document tree (SPEC §7
 * `report`, "the scenario hash"; §8 JSON provenance).
 *
 * The bytes are exactly what SPEC §7 hashes: no white space, the tree's key
 * order, numbers by the §8 round-trip rule (dcproj_numfmt_format: `%.15g`
 * if it reads back, else `%.17g`; -0 as 0), strings with minimal RFC 8259
 * escaping (`"`, `\`, \b \f \n \r \t, other control characters as \u00XX
 * in lower-case hex, as Python's json module writes them) and raw UTF-8.
 */
#include <math.h>
#include <string.h>

#include "json_int.h"
#include "report_int.h"
#include "alloc_int.h"

struct jbuf {
    char *p;
    size_t len, cap;
    int nomem;
    const char *radix;
};

static void jb_put(struct jbuf *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = dcproj_realloc(b->p, cap);
        if (q == NULL) {
            b->nomem = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void jb_string(struct jbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    jb_put(b, "\"", 1);
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *esc = NULL;
        char u[7];
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (*p < 0x20) {
                memcpy(u, "\\u00", 4);
                u[4] = hex[*p >> 4];
                u[5] = hex[*p & 15];
                u[6] = '\0';
                esc = u;
            }
        }
        if (esc != NULL) {
            jb_put(b, run, (size_t)((const char *)p - run));
            jb_put(b, esc, strlen(esc));
            run = (const char *)p + 1;
        }
    }
    jb_put(b, run, strlen(run));
    jb_put(b, "\"", 1);
}

static void jb_value(struct jbuf *b, const cJSON *v)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int obj = cJSON_IsObject(v);
        jb_put(b, obj ? "{" : "[", 1);
        for (const cJSON *c = v->child; c != NULL; c = c->next) {
            if (c != v->child)
                jb_put(b, ",", 1);
            if (obj) {
                jb_string(b, c->string != NULL ? c->string : "");
                jb_put(b, ":", 1);
            }
            jb_value(b, c);
        }
        jb_put(b, obj ? "}" : "]", 1);
    } else if (cJSON_IsString(v)) {
        jb_string(b, v->valuestring != NULL ? v->valuestring : "");
    } else if (cJSON_IsNumber(v)) {
        char num[DCPROJ_NUMBER_LEN];
        if (!isfinite(v->valuedouble)) { /* the reader refuses these */
            jb_put(b, "null", 4);
            return;
        }
        int n = dcproj_numfmt_format(v->valuedouble, -1, 0, b->radix, num);
        jb_put(b, num, (size_t)n);
    } else if (cJSON_IsTrue(v)) {
        jb_put(b, "true", 4);
    } else if (cJSON_IsFalse(v)) {
        jb_put(b, "false", 5);
    } else {
        jb_put(b, "null", 4);
    }
}

char *json_write_compact(const cJSON *v)
{
    struct jbuf b = {NULL, 0, 0, 0, dcproj_numfmt_radix()};
    jb_value(&b, v);
    if (b.nomem) {
        dcproj_free(b.p);
        return NULL;
    }
    return b.p;
}
