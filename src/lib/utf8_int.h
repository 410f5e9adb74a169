/*
 * utf8_int.h — the one UTF-8 decoder of the library (utf8.c): the JSON
 * reader's validation (SPEC §2) and the markup escaper's character walk
 * use it, so "valid UTF-8" means one thing everywhere.
 */
#ifndef DCPROJ_UTF8_INT_H
#define DCPROJ_UTF8_INT_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at `p` (before `end`), or 0 when it is
 * invalid: truncated, overlong, a surrogate, above U+10FFFF.  Sets *cp to
 * the code point on success. */
size_t utf8_decode(const unsigned char *p, const unsigned char *end, unsigned *cp);

/* 1 if the `len` bytes at `s` are all valid UTF-8, else 0. */
int utf8_valid(const char *s, size_t len);

#endif
