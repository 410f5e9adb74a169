/*
 * numfmt.c — the one number formatter (and its parser) of SPEC §8.
 *
 * The shortest rule is `%.15g` when that reads back to the same double, else
 * `%.17g`; --precision N is `%.Nf`; DCPROJ_PRECISION_EXCEL (CSV and TSV with
 * --excel or --excel-eu) is `%.15g` always.  printf and strtod follow LC_NUMERIC,
 * which a host program may have set with setlocale(LC_ALL, ""), so both
 * work in whatever locale is current and the decimal point is swapped
 * afterwards (formatting) or beforehand (parsing): the bytes never depend
 * on the locale, and no locale is ever set or created here.
 *
 * printf costs about 600 ns a number and a table can hold millions, so the
 * usual range (1e-6 <= |v| < 2^127) takes an exact integer path instead:
 * the digits are round-half-even of the exact binary value, as glibc's
 * printf produces them, and the %.15g read-back test is Clinger's fast
 * path (a 15-digit mantissa times or divided by an exact power of ten is
 * correctly rounded, as strtod's result is).  Anything outside that range
 * goes through snprintf.  test_numfmt compares both paths byte for byte.
 */
#include "dcproj/report.h"

#include <float.h>
#include <langinfo.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt_int.h"
#include "report_int.h"
#include "alloc_int.h"

const char *dcproj_numfmt_radix(void)
{
    const char *r = nl_langinfo(RADIXCHAR);
    return (r == NULL || r[0] == '\0') ? "." : r;
}

#if defined(__SIZEOF_INT128__) && FLT_EVAL_METHOD == 0
#define NUMFMT_FAST 1
__extension__ typedef unsigned __int128 u128;

#define U128_MAX (~(u128)0)

static const uint64_t pow10_u64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

static const double pow10_dbl[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* 10^k for 0 <= k <= 38 (10^38 < 2^128). */
static u128 pow10_128(int k)
{
    if (k <= 19)
        return pow10_u64[k];
    return (u128)pow10_u64[19] * pow10_u64[k - 19];
}

/* *out = a * 10^k rounded half to even, computed exactly from the binary
 * value of `a` (> 0, finite).  Returns -1 when the numbers do not fit in
 * 128 bits (the caller falls back to printf). */
static int scaled_round(double a, int k, u128 *out)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int be = (int)(bits >> 52); /* a > 0: no sign bit */
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    int e = -1074;              /* subnormal: a = m * 2^-1074 */
    if (be != 0) {
        m |= UINT64_C(1) << 52;
        e = be - 1075;          /* a = m * 2^e exactly */
    }
    if (k > 22 || k < -38)
        return -1;
    u128 num = m;
    u128 den = 1;
    if (k >= 0)
        num *= pow10_128(k); /* < 2^53 * 10^22 < 2^127 */
    else
        den = pow10_128(-k);
    if (e > 0) {
        if (e >= 128 || num > (U128_MAX >> e))
            return -1;
        num <<= e;
    } else if (e < 0) {
        int s = -e;
        if (s >= 127 || den > (U128_MAX >> s))
            return -1;
        if (den == 1) { /* the common case: a shift */
            u128 q = num >> s;
            u128 r = num & (((u128)1 << s) - 1);
            u128 half = (u128)1 << (s - 1);
            if (r > half || (r == half && (q & 1) != 0))
                q++;
            *out = q;
            return 0;
        }
        den <<= s;
    }
    u128 q = num / den;
    u128 r = num % den;
    u128 rest = den - r; /* r > den/2, without overflowing 2r */
    if (r > rest || (r == rest && (q & 1) != 0))
        q++;
    *out = q;
    return 0;
}

/* Write the `p` significant digits of `n` (exponent `x`: the value is
 * n * 10^(x - p + 1)) the way printf's %.<p>g does, with decimal point
 * `dec`.  Returns the length. */
static int format_g(uint64_t n, int p, int x, char dec, char *buf)
{
    char d[24];
    for (int i = p - 1; i >= 0; i--) {
        d[i] = (char)('0' + n % 10);
        n /= 10;
    }
    int nd = p;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    int len = 0;
    if (x < -4 || x >= p) {
        buf[len++] = d[0];
        if (nd > 1) {
            buf[len++] = dec;
            memcpy(buf + len, d + 1, (size_t)nd - 1);
            len += nd - 1;
        }
        buf[len++] = 'e';
        buf[len++] = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100)
            buf[len++] = (char)('0' + ax / 100);
        buf[len++] = (char)('0' + ax / 10 % 10);
        buf[len++] = (char)('0' + ax % 10);
    } else if (x >= 0) {
        int ip = x + 1; /* digits before the point (<= p) */
        for (int i = 0; i < ip; i++)
            buf[len++] = i < nd ? d[i] : '0';
        if (nd > ip) {
            buf[len++] = dec;
            memcpy(buf + len, d + ip, (size_t)(nd - ip));
            len += nd - ip;
        }
    } else {
        buf[len++] = '0';
        buf[len++] = dec;
        for (int i = 0; i < -x - 1; i++)
            buf[len++] = '0';
        memcpy(buf + len, d, (size_t)nd);
        len += nd;
    }
    buf[len] = '\0';
    return len;
}

/* The shortest rule for a > 0 on the exact path (with `only15`, %.15g);
 * -1 to fall back. */
static int shortest_fast(double a, int only15, char dec, char *buf)
{
    /* floor(log10(a)) or one less, from the binary exponent; the loop below
       corrects it */
    uint64_t abits;
    memcpy(&abits, &a, sizeof abits);
    int x = (int)floor((double)((int)(abits >> 52) - 1023) * 0.30102999566398120);
    u128 n17;
    for (int tries = 0;; tries++) {
        if (tries > 2 || scaled_round(a, 16 - x, &n17) != 0)
            return -1;
        if (n17 >= pow10_u64[17])
            x++;
        else if (n17 < pow10_u64[16])
            x--;
        else
            break;
    }
    /* 15 digits: rounding n17 again gives the same as rounding a unless n17
       ends in exactly 50 (a tie that the exact value may not be) */
    u128 n15;
    unsigned last2 = (unsigned)(n17 % 100);
    if (last2 != 50)
        n15 = n17 / 100 + (last2 > 50);
    else if (scaled_round(a, 14 - x, &n15) != 0)
        return -1;
    int x15 = x;
    if (n15 == pow10_u64[15]) { /* rounded up to the next power of ten */
        n15 = pow10_u64[14];
        x15++;
    }
    if (only15)
        return format_g((uint64_t)n15, 15, x15, dec, buf);
    /* Clinger: n15 < 2^53 and 10^|q| <= 10^22 are exact doubles, so one
     * correctly rounded operation gives what strtod would read. */
    int q = x15 - 14;
    double back;
    if (q >= 0 && q <= 22)
        back = (double)(uint64_t)n15 * pow10_dbl[q];
    else if (q < 0 && q >= -22)
        back = (double)(uint64_t)n15 / pow10_dbl[-q];
    else
        return -1;
    if (back == a)
        return format_g((uint64_t)n15, 15, x15, dec, buf);
    return format_g((uint64_t)n17, 17, x, dec, buf);
}

/* %.<prec>f for a >= 0 on the exact path; -1 to fall back. */
static int fixed_fast(double a, int prec, char dec, char *buf)
{
    u128 n;
    if (a == 0)
        n = 0;
    else if (scaled_round(a, prec, &n) != 0)
        return -1;
    char d[48];
    int nd = 0;
    do {
        d[nd++] = (char)('0' + (int)(n % 10));
        n /= 10;
    } while (n != 0);
    while (nd < prec + 1)
        d[nd++] = '0';
    int len = 0;
    for (int i = nd - 1; i >= prec; i--)
        buf[len++] = d[i];
    if (prec > 0) {
        buf[len++] = dec;
        for (int i = prec - 1; i >= 0; i--)
            buf[len++] = d[i];
    }
    buf[len] = '\0';
    return len;
}
#endif

/* dcproj_numfmt_format() on the exact path: 0 and the length in *len on
 * success, -1 to fall back to printf. */
static int format_fast(double v, int precision, char dec, char *buf, int *len)
{
#ifdef NUMFMT_FAST
    double a = fabs(v);
    int neg = v < 0;
    if (neg)
        buf[0] = '-';
    int n = precision >= 0 ? fixed_fast(a, precision, dec, buf + neg)
                           : shortest_fast(a, precision == DCPROJ_PRECISION_EXCEL, dec, buf + neg);
    if (n < 0)
        return -1;
    *len = n + neg;
    return 0;
#else
    (void)v;
    (void)precision;
    (void)dec;
    (void)buf;
    (void)len;
    return -1;
#endif
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
    if (precision > 17)
        precision = 17;
    if (v != 0 && format_fast(v, precision, decimal_comma ? ',' : '.', buf, &len) == 0)
        return drop_negative_zero(buf, len);
    if (precision >= 0) {
        len = snprintf(buf, DCPROJ_NUMBER_LEN, "%.*f", precision, v);
    } else if (v == 0) {
        buf[0] = '0';
        buf[1] = '\0';
        return 1;
    } else {
        /* snprintf and strtod share the current locale's decimal point, so
         * the read-back test needs no normalisation. */
        len = snprintf(buf, DCPROJ_NUMBER_LEN, "%.15g", v);
        if (precision != DCPROJ_PRECISION_EXCEL && strtod(buf, NULL) != v)
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
            heap = dcproj_malloc(need);
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
    dcproj_free(heap);
    if (!ok)
        return -1;
    *out = v;
    return 0;
}

/* snprintf's %.*g, then whatever the locale put between the integer and
 * the fraction digits (',' in de_DE, a multibyte mark elsewhere) replaced
 * by '.'.  The radix is found in the text itself, not asked of the
 * locale, so the result cannot depend on which locale (global or
 * per-thread) snprintf used. */
int numfmt_g(double v, int digits, char *buf, size_t size)
{
    int len = snprintf(buf, size, "%.*g", digits, v);
    if (len < 0 || (size_t)len >= size)
        return -1;
    char *p = buf;
    while (*p == '-' || *p == '+')
        p++;
    while (*p >= '0' && *p <= '9')
        p++;
    char *q = p;
    while (*q != '\0' && !(*q >= '0' && *q <= '9') && *q != 'e' && *q != 'E')
        q++;
    if (q == p)
        return len;
    *p++ = '.';
    memmove(p, q, strlen(q) + 1);
    return (int)strlen(buf);
}

void quantile_column_name(double q, char *buf, size_t size)
{
    buf[0] = 'p';
    if (numfmt_g(q * 100.0, 10, buf + 1, size - 1) < 0)
        buf[1] = '\0';
}
