/*
 * numfmt.c — the one number formatter (and its parser) of SPEC §8.
 *
 * The shortest rule is `%.15g` when that reads back to the same double, else
 * `%.17g`; --precision N is `%.Nf`.  printf and strtod follow LC_NUMERIC,
 * which a host program may have set with setlocale(LC_ALL, ""), so both
 * work in whatever locale is current and the decimal point is swapped
 * afterwards (formatting) or beforehand (parsing): the bytes never depend
 * on the locale, and no locale is ever set or created here.
 */
#include "dcproj/report.h"

#include <langinfo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

const char *dcproj_numfmt_radix(void)
{
    const char *r = nl_langinfo(RADIXCHAR);
    return (r == NULL || r[0] == '\0') ? "." : r;
}

/* Write the integer `v` (|v| < 1e15, integral) in decimal: what `%.15g`
 * prints for it, without going through printf. */
static int format_integer(double v, char *buf)
{
    char tmp[24];
    int n = 0;
    int neg = v < 0;
    unsigned long long u = (unsigned long long)(neg ? -v : v);
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    int len = 0;
    if (neg)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

/* Replace the locale's decimal point `radix` in `buf` (length `len`) by
 * `dec`; returns the new length. */
static int swap_radix(char *buf, int len, const char *radix, char dec)
{
    size_t rlen = strlen(radix);
    if (rlen == 1) {
        if (radix[0] == dec)
            return len;
        char *p = memchr(buf, radix[0], (size_t)len);
        if (p != NULL)
            *p = dec;
        return len;
    }
    char *p = strstr(buf, radix);
    if (p == NULL)
        return len;
    *p = dec;
    memmove(p + 1, p + rlen, (size_t)len - (size_t)(p - buf) - rlen + 1);
    return len - (int)rlen + 1;
}

/* Drop the sign of a negative number that prints as zero ("-0",
 * "-0.00"): SPEC §8 wants "-0" printed as "0". */
static int drop_negative_zero(char *buf, int len)
{
    if (buf[0] != '-')
        return len;
    for (int i = 1; i < len; i++)
        if (buf[i] != '0' && buf[i] != '.' && buf[i] != ',')
            return len;
    memmove(buf, buf + 1, (size_t)len);
    return len - 1;
}

int dcproj_numfmt_format(double v, int precision, int decimal_comma, const char *radix,
                         char *buf)
{
    if (isnan(v)) {
        memcpy(buf, "nan", 4);
        return 3;
    }
    if (isinf(v)) {
        const char *s = v < 0 ? "-inf" : "inf";
        size_t n = strlen(s);
        memcpy(buf, s, n + 1);
        return (int)n;
    }
    int len;
    if (precision >= 0) {
        if (precision > 17)
            precision = 17;
        len = snprintf(buf, DCPROJ_NUMBER_LEN, "%.*f", precision, v);
    } else if (v == 0) {
        buf[0] = '0';
        buf[1] = '\0';
        return 1;
    } else if (fabs(v) < 1e15 && v == trunc(v)) {
        return format_integer(v, buf);
    } else {
        /* snprintf and strtod share the current locale's decimal point, so
         * the read-back test needs no normalisation. */
        len = snprintf(buf, DCPROJ_NUMBER_LEN, "%.15g", v);
        if (strtod(buf, NULL) != v)
            len = snprintf(buf, DCPROJ_NUMBER_LEN, "%.17g", v);
    }
    if (len < 0 || len >= DCPROJ_NUMBER_LEN) { /* cannot happen: %.17f of DBL_MAX is 327 */
        buf[0] = '\0';
        return 0;
    }
    len = swap_radix(buf, len, radix, decimal_comma ? ',' : '.');
    return drop_negative_zero(buf, len);
}

int dcproj_format_number(double v, int precision, int decimal_comma, char *buf)
{
    return dcproj_numfmt_format(v, precision, decimal_comma, dcproj_numfmt_radix(), buf);
}

/* Characters a C-locale strtod number may contain besides the decimal
 * point: digits, signs, exponents, hex digits and the letters of "inf",
 * "infinity", "nan" and "0x". */
static int number_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '(' || c == ')' || c == '_';
}

int dcproj_parse_number(const char *s, int decimal_comma, double *out)
{
    if (s == NULL || s[0] == '\0')
        return -1;
    char point = decimal_comma ? ',' : '.';
    const char *radix = dcproj_numfmt_radix();
    size_t rlen = strlen(radix);
    size_t n = strlen(s);
    /* Every byte must be a number character or our decimal point; the
     * other separator and anything locale-specific are refused. */
    size_t n_points = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)point)
            n_points++;
        else if (!number_char(c))
            return -1;
    }
    const char *text = s;
    char local[128];
    char *heap = NULL;
    if (n_points > 0 && !(rlen == 1 && radix[0] == point)) {
        size_t need = n + n_points * rlen + 1;
        char *t = local;
        if (need > sizeof local) {
            heap = malloc(need);
            if (heap == NULL)
                return -1;
            t = heap;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == point) {
                memcpy(t + k, radix, rlen);
                k += rlen;
            } else {
                t[k++] = s[i];
            }
        }
        t[k] = '\0';
        text = t;
    }
    char *end = NULL;
    double v = strtod(text, &end);
    int ok = end != text && *end == '\0';
    free(heap);
    if (!ok)
        return -1;
    *out = v;
    return 0;
}
