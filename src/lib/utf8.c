/*
 * utf8.c — the one UTF-8 decoder (see utf8_int.h).  Strict RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF, no truncated
 * sequence.  What a given output language cannot hold beyond that (XML's
 * U+FFFE and U+FFFF) is for its escaper to decide.
 */
#include "utf8_int.h"

/* Length of the valid UTF-8 sequence at `p` (before `end`), or 0 when it is
 * invalid (truncated, overlong, a surrogate, above U+10FFFF).  Sets *cp. */
size_t utf8_decode(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2; min = 0x80; c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; min = 0x800; c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; min = 0x10000; c &= 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

int utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned cp;
        size_t n = utf8_decode(p, end, &cp);
        if (n == 0)
            return 0;
        p += n;
    }
    return 1;
}

