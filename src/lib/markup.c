/*
 * markup.c — the one XML/HTML text escaper (see markup_int.h).  SVG,
 * HTML5 and JUnit XML share it, so a text that is safe in one is safe in
 * all: the five XML special characters become entities, and what neither
 * XML 1.0 nor HTML5 may hold (C0 controls, invalid UTF-8) becomes U+FFFD.
 */
#include <stdint.h>
#include <string.h>

#include "dcproj/report.h"
#include "markup_int.h"
#include "utf8_int.h"

/* Length of the valid UTF-8 sequence at NUL-terminated `s` (the one
 * decoder, utf8.c), or 0 when invalid or a character XML 1.0 cannot hold
 * (U+FFFE, U+FFFF). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned cp = 0;
    size_t n = utf8_decode(s, s + strnlen((const char *)s, 4), &cp);
    return n == 0 || cp == 0xFFFE || cp == 0xFFFF ? 0 : n;
}

size_t markup_chars(const char *s)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        size_t k = utf8_seq(p);
        p += k == 0 ? 1 : k;
        n++;
    }
    return n;
}

void markup_text(FILE *out, const char *s, size_t max_chars)
{
    if (s == NULL)
        return;
    size_t total = markup_chars(s);
    size_t limit = (max_chars > 0 && total > max_chars) ? max_chars - 1 : total;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < limit && *p != '\0'; i++) {
        size_t k = utf8_seq(p);
        if (k == 0) {
            fputs("\xEF\xBF\xBD", out);
            p++;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7F ||
                (*p == 0xC2 && p[1] < 0xA0))
                fputs("\xEF\xBF\xBD", out);
            else
                fwrite(p, 1, k, out);
        }
        p += k;
    }
    if (limit < total)
        fputs("\xE2\x80\xA6", out);
}

void dcproj_markup_escape(FILE *out, const char *s)
{
    markup_text(out, s, 0);
}
