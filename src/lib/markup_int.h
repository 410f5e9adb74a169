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

/* Insert a thin space (U+2009) between groups of three digits of the
 * integer part of a formatted number with at least four integer digits
 * ("12345.5" becomes "12 345.5"); exponent forms are left alone.  `s` must
 * have room for DCPROJ_NUMBER_LEN bytes. */
void markup_group_thousands(char *s);

/* `v` for people to read, into `buf` (DCPROJ_NUMBER_LEN bytes): four
 * significant digits below 1000, whole numbers from 1000 on, trailing zeros
 * dropped, thousands grouped; through dcproj_format_number(), so never
 * locale-dependent.  Charts and the HTML report share it. */
void markup_value(double v, char *buf);

#endif
