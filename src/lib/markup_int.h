/*
 * markup_int.h — the one escaper for XML and HTML text (SVG charts, the HTML
 * report, JUnit files through dcproj_markup_escape()).
 */
#ifndef DCPROJ_MARKUP_INT_H
#define DCPROJ_MARKUP_INT_H

#include <stddef.h>
#include <stdio.h>

/* Number of characters (code points) of `s`; an invalid byte counts as
 * one. */
size_t markup_chars(const char *s);

/*
 * Write `s` as XML/HTML character data or attribute text: & < > " '
 * escaped (&apos; is XML and HTML5), C0 controls other than tab, CR and LF,
 * DEL, C1 controls, U+FFFE, U+FFFF and invalid UTF-8 replaced by U+FFFD
 * (XML 1.0 cannot hold them; HTML5 calls them parse errors).  At most `max_chars` characters are
 * written; a longer text is cut and ends with an ellipsis.  0 = no limit.
 */
void markup_text(FILE *out, const char *s, size_t max_chars);

#endif
