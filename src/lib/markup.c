/*
 * markup.c — the one XML/HTML text escaper (see markup_int.h).  SVG,
 * HTML5 and JUnit XML share it, so a text that is safe in one is safe in
 * all: the five XML special characters become entities, and what neither
 * XML 1.0 nor HTML5 may hold (C0 controls, invalid UTF-8) becomes U+FFFD.
 */
#include <math.h>
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

/* Insert a thin space (U+2009) between groups of three digits of the integer
 * part of a formatted number with at least four integer digits ("12345.5"
 * becomes "12 345.5"); exponent forms are left alone.  `s` must have room
 * for DCPROJ_NUMBER_LEN bytes. */
void markup_group_thousands(char *s)
{
    if (strchr(s, 'e') != NULL || strchr(s, 'n') != NULL || strchr(s, 'i') != NULL)
        return;
    const char *digits = s[0] == '-' ? s + 1 : s;
    size_t n_int = strspn(digits, "0123456789");
    if (n_int < 4)
        return;
    char tmp[DCPROJ_NUMBER_LEN * 2];
    size_t lead = (size_t)(digits - s), o = 0;
    memcpy(tmp, s, lead);
    o = lead;
    for (size_t i = 0; i < n_int; i++) {
        if (i > 0 && (n_int - i) % 3 == 0) {
            memcpy(tmp + o, "\xE2\x80\x89", 3);
            o += 3;
        }
        tmp[o++] = digits[i];
    }
    size_t rest = strlen(digits + n_int);
    memcpy(tmp + o, digits + n_int, rest + 1);
    if (o + rest < DCPROJ_NUMBER_LEN)
        memcpy(s, tmp, o + rest + 1);
}

void markup_value(double v, char *buf)
{
    if (!isfinite(v)) {
        dcproj_format_number(v, -1, 0, buf);
        return;
    }
    double a = fabs(v);
    int decimals = a > 0.0 ? 3 - (int)floor(log10(a)) : 0;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 12)
        decimals = 12;
    double m = pow(10.0, decimals);
    double r = round(v * m) / m;
    if (!isfinite(r))
        r = v;
    if (r == 0.0)
        r = 0.0;
    dcproj_format_number(r, -1, 0, buf);
    markup_group_thousands(buf);
}
