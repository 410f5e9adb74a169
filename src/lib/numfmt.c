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
 * printf produces them.  Between about 1e-3 and 2^53 (shortest_common())
 * everything is 128-bit integer arithmetic: the 17 digits by one multiply
 * and shift, and "does %.15g read back" by comparing the 15-digit
 * candidate's distance with the double's rounding interval, with no
 * division; elsewhere the read-back test is Clinger's fast path (a 15-digit
 * mantissa times or divided by an exact power of ten is correctly rounded,
 * as strtod's result is).  The plain forms (not the exponent one) are
 * written from registers: 8 digits per word by lane arithmetic, the
 * decimal point inserted by shifts, stored once and never read back; the
 * choices that go either way on real data (the decimal exponent's
 * correction, rounding up, 15 or 17 digits) are made without branches.
 * Anything outside the range goes through snprintf.  test_numfmt compares
 * every path with printf byte for byte.  On values like job (a)'s
 * (bench/), one thread: 59 ns a number before the integer-only test and
 * the block copies, 43 ns after (41 in a tighter loop), 31 ns with the
 * register writer and no unpredictable branches, same machine.
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
__extension__ typedef __int128 s128;

#define U128_MAX (~(u128)0)

static const uint64_t pow10_u64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

static const double pow10_dbl[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* 10^k for POW10_GE_MIN <= k <= POW10_GE_MAX, as the compiler rounds the
 * literals (exact for 0 <= k <= 22): only an estimate, see shortest_fast(). */
#define POW10_GE_MIN (-8)
#define POW10_GE_MAX 56
static const double pow10_ge[] = {
    1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1,
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23,
    1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
    1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39,
    1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47,
    1e48, 1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55,
    1e56,
};

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

/* "00" "01" ... "99": two digits per table lookup. */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* The 8 decimal digits of v (< 10^8), leading zeros included. */
static void digits8(uint32_t v, char *d)
{
    uint32_t hi = v / 10000, lo = v % 10000;
    memcpy(d, digit_pairs + 2 * (hi / 100), 2);
    memcpy(d + 2, digit_pairs + 2 * (hi % 100), 2);
    memcpy(d + 4, digit_pairs + 2 * (lo / 100), 2);
    memcpy(d + 6, digit_pairs + 2 * (lo % 100), 2);
}

/* Write the `p` (<= 17) significant digits of `n` (exponent `x`: the value
 * is n * 10^(x - p + 1)) the way printf's %.<p>g does, with decimal point
 * `dec`, into `buf` (room for 48 bytes).  Returns the length.  The digit
 * runs are copied in fixed 24-byte blocks (the bytes past the length are
 * scratch), which the compiler turns into a few moves instead of memcpy
 * calls of variable length. */
static int format_g(uint64_t n, int p, int x, char dec, char *buf)
{
    /* n < 10^17: three blocks of 8 digits; the last p of the 24 are n's */
    char all[48];
    digits8((uint32_t)(n / 10000000000000000ull), all);
    digits8((uint32_t)(n / 100000000ull % 100000000ull), all + 8);
    digits8((uint32_t)(n % 100000000ull), all + 16);
    memset(all + 24, '0', 24);
    const char *d = all + 24 - p;
    int nd = p; /* significant digits without the trailing zeros */
    static const char zeros8[8] = {'0', '0', '0', '0', '0', '0', '0', '0'};
    while (nd > 8 && memcmp(d + nd - 8, zeros8, 8) == 0)
        nd -= 8;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    int len;
    if (x < -4 || x >= p) {
        buf[0] = d[0];
        buf[1] = dec;
        memcpy(buf + 2, d + 1, 24);
        len = nd > 1 ? nd + 1 : 1;
        buf[len++] = 'e';
        buf[len++] = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100)
            buf[len++] = (char)('0' + ax / 100);
        memcpy(buf + len, digit_pairs + 2 * (ax % 100), 2);
        len += 2;
    } else if (x >= 0) {
        int ip = x + 1; /* digits before the point (<= p); d holds them all,
                           the zeros of a whole number included */
        memcpy(buf, d, 24);
        buf[ip] = dec;
        memcpy(buf + ip + 1, d + ip, 24);
        len = nd > ip ? nd + 1 : ip;
    } else {
        int z = -x - 1; /* zeros after the point: 0 to 3 */
        buf[0] = '0';
        buf[1] = dec;
        memcpy(buf + 2, "000", 3);
        memcpy(buf + 2 + z, d, 24);
        len = 2 + z + nd;
    }
    buf[len] = '\0';
    return len;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The 8 decimal digits of v (< 10^8) as ASCII in one word, the first digit
 * in the lowest byte: the halves, quarters and digits are split in parallel
 * lanes (v/10^4 and v%10^4 in 32-bit lanes, then /100 in them, then /10 in
 * 16-bit lanes), each division a multiply and shift that is exact in its
 * range (x*10486>>20 = x/100 for x < 10^4, x*103>>10 = x/10 for x < 100). */
static uint64_t digits8_word(uint32_t v)
{
    uint64_t x = (uint64_t)(v / 10000) | ((uint64_t)(v % 10000) << 32);
    uint64_t q = ((x * 10486) >> 20) & UINT64_C(0x0000007F0000007F);
    x = q | ((x - q * 100) << 16);
    q = ((x * 103) >> 10) & UINT64_C(0x000F000F000F000F);
    x = q | ((x - q * 10) << 8);
    return x | UINT64_C(0x3030303030303030);
}

/* format_g() for the plain (not exponent) forms, with the digits built in
 * registers and stored once, never read back: n has p (15 or 17) digits,
 * -4 <= x < p.  Returns -1 for the exponent form. */
static int format_plain(uint64_t n, int p, int x, char dec, char *buf)
{
    if (x < -4 || x >= p)
        return -1;
    if (p == 15)
        n *= 100; /* 17 digits, the last two zeros (trimmed below) */
    uint64_t hi9 = n / 100000000u;
    uint32_t lo = (uint32_t)(n - hi9 * 100000000u);
    uint32_t first = (uint32_t)(hi9 / 100000000u); /* 1..9 */
    uint32_t mid = (uint32_t)(hi9 - (uint64_t)first * 100000000u);
    uint64_t w1 = digits8_word(mid), w2 = digits8_word(lo);
    /* significant digits without the trailing zeros: from the last nonzero
       byte of (digits - '0') */
    int nd;
    if (lo != 0)
        nd = 17 - __builtin_clzll(w2 ^ UINT64_C(0x3030303030303030)) / 8;
    else if (mid != 0)
        nd = 9 - __builtin_clzll(w1 ^ UINT64_C(0x3030303030303030)) / 8;
    else
        nd = 1;
    char c0 = (char)('0' + first);
    int len;
    if (x >= 0) {
        int ip = x + 1; /* digits before the point, 1..17 */
        /* the digits one byte to the right, then the part before the
           point moved back over them with the point inserted */
        buf[1] = c0;
        memcpy(buf + 2, &w1, 8);
        memcpy(buf + 10, &w2, 8);
        uint64_t s8 = (uint64_t)(unsigned char)c0 | (w1 << 8); /* digits 0..7 */
        if (ip <= 7) {
            uint64_t mask = (UINT64_C(1) << (8 * ip)) - 1;
            uint64_t r = (s8 & mask) | ((uint64_t)(unsigned char)dec << (8 * ip)) |
                         ((s8 & ~mask) << 8);
            memcpy(buf, &r, 8);
        } else {
            uint64_t s16 = (w1 >> 56) | (w2 << 8); /* digits 8..15 */
            memcpy(buf, &s8, 8);
            int j = ip - 8; /* 0..9 */
            if (j <= 7) {
                uint64_t mask = (UINT64_C(1) << (8 * j)) - 1;
                uint64_t r = (s16 & mask) | ((uint64_t)(unsigned char)dec << (8 * j)) |
                             ((s16 & ~mask) << 8);
                memcpy(buf + 8, &r, 8);
            } else { /* 16 or 17 digits before the point */
                memcpy(buf + 8, &s16, 8);
                buf[16] = (char)(w2 >> 56);
                buf[ip] = dec;
            }
        }
        len = nd > ip ? nd + 1 : ip;
    } else {
        int z = -x - 1; /* zeros after the point: 0 to 3 */
        memcpy(buf, "0.000000", 8);
        buf[1] = dec;
        buf[2 + z] = c0;
        memcpy(buf + 3 + z, &w1, 8);
        memcpy(buf + 11 + z, &w2, 8);
        len = 2 + z + nd;
    }
    buf[len] = '\0';
    return len;
}
#else
static int format_plain(uint64_t n, int p, int x, char dec, char *buf)
{
    (void)n, (void)p, (void)x, (void)dec, (void)buf;
    return -1;
}
#endif

/* format_plain(), else format_g(). */
static int format_digits(uint64_t n, int p, int x, char dec, char *buf)
{
    int len = format_plain(n, p, x, dec, buf);
    return len >= 0 ? len : format_g(n, p, x, dec, buf);
}

/* The exponent of the 15 digits n15 rounded from 17 digits of exponent x:
 * x, or x + 1 when they rounded up to 10^15 (then n15 becomes 10^14). */
static int carry15(uint64_t *n15, int x)
{
    if (*n15 != pow10_u64[15])
        return x;
    *n15 = pow10_u64[14];
    return x + 1;
}

/* The shortest rule for the common range (2^-10 < a < 2^53, so that
 * 0 <= 16 - x <= 19), all in integers: with m the mantissa, a = m / 2^s and
 * P = m * 10^k (k = 16 - x) is exact in 128 bits, so n17 = P / 2^s rounded
 * half to even; n15 comes from n17 (its remainder decides a 50 tie), and
 * whether n15 reads back as `a` is whether 100 * n15 / 10^k lies in a's
 * rounding interval, [a - gap below / 2, a + ulp / 2] with the ends in when
 * m is even, which scaled by 2^(s+1) * 10^k is |100 n15 2^(s+1) - 2P| <= 10^k
 * (half that below a power of two).  -1 when a is outside the range or x
 * is one off (the general path then decides). */
static int shortest_common(double a, uint64_t abits, int x, int only15, char dec, char *buf)
{
    int be = (int)(abits >> 52);
    int k = 16 - x;
    if (be == 0 || be >= 1075 || k < 0 || k > 19)
        return -1;
    (void)a;
    int s = 1075 - be; /* 1 <= s <= 62 here: a >= 10^-3 > 2^-10 */
    if (s > 62)
        return -1;
    uint64_t m = (abits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    u128 P = (u128)m * pow10_u64[k];
    /* the remainder and half fit in 64 bits, and "round up" (above half,
       or on it with q odd) is the carry out of r + half - 1 + (q odd): no
       branch, which would go either way */
    u128 q = P >> s;
    uint64_t r = (uint64_t)P & ((UINT64_C(1) << s) - 1);
    uint64_t half = UINT64_C(1) << (s - 1);
    uint64_t up = (r + half - 1 + ((uint64_t)q & 1)) >> s;
    u128 n17w = q + up;
    if (n17w >= pow10_u64[17] || n17w < pow10_u64[16])
        return -1;
    uint64_t n17 = (uint64_t)n17w;
    uint64_t n15 = n17 / 100;
    unsigned last2 = (unsigned)(n17 - n15 * 100);
    n15 += last2 > 50;
    if (last2 == 50) /* the exact value decides: below, above or on the tie */
        n15 += r == 0 ? (n15 & 1) : up ? 0 : 1;
    uint64_t c = n15 * 100; /* the candidate in units of 10^-k; 10^17 after a carry */
    int x15 = carry15(&n15, x);
    if (only15)
        return format_digits(n15, 15, x15, dec, buf);
    u128 lhs = (u128)c << (s + 1);
    u128 two_p = P << 1;
    s128 diff = (s128)(lhs - two_p);
    u128 sign = (u128)(diff >> 127); /* all ones when lhs < 2P */
    u128 dist = ((u128)diff ^ sign) - sign;
    u128 t = pow10_u64[k];
    /* The two refinements below (a power of two's smaller gap beneath it,
       an end of the interval hit exactly) cannot change the answer for a
       15-digit candidate in this range — checked for all 66 powers of two,
       and a 15-digit decimal has too few bits to be a midpoint — but they
       are the rule, so they stay. */
    int back;
    if (m == (UINT64_C(1) << 52) && be > 1 && lhs < two_p)
        back = 2 * dist <= t; /* below a power of two the gap is half the ulp */
    else
        back = dist < t || (dist == t && (m & 1) == 0);
    /* selected without a branch, which would go either way */
    uint64_t n = back ? n15 : n17;
    int p = back ? 15 : 17, xp = back ? x15 : x;
    return format_digits(n, p, xp, dec, buf);
}

/* The shortest rule for a > 0 on the exact path (with `only15`, %.15g);
 * -1 to fall back. */
static int shortest_fast(double a, int only15, char dec, char *buf)
{
    /* floor(log10(a)) from the binary exponent E: floor(E log10 2) is it
       or one less, and comparing with the next power of ten decides (the
       table's negative powers are not exact, so an estimate can still be
       one off at a power of ten: the loop below corrects it) */
    uint64_t abits;
    memcpy(&abits, &a, sizeof abits);
    int x = (((int)(abits >> 52) - 1023) * 78913) >> 18; /* 78913 / 2^18 < log10 2 */
    if (x + 1 >= POW10_GE_MIN && x + 1 <= POW10_GE_MAX)
        x += a >= pow10_ge[x + 1 - POW10_GE_MIN]; /* no branch: it goes either way */
    int r17;
    if ((r17 = shortest_common(a, abits, x, only15, dec, buf)) >= 0)
        return r17;
    u128 n17w;
    for (int tries = 0;; tries++) {
        if (tries > 2 || scaled_round(a, 16 - x, &n17w) != 0)
            return -1;
        if (n17w >= pow10_u64[17])
            x++;
        else if (n17w < pow10_u64[16])
            x--;
        else
            break;
    }
    uint64_t n17 = (uint64_t)n17w; /* < 10^17: 64-bit arithmetic from here */
    /* 15 digits: rounding n17 again gives the same as rounding a unless n17
       ends in exactly 50 (a tie that the exact value may not be) */
    uint64_t n15;
    unsigned last2 = (unsigned)(n17 % 100);
    if (last2 != 50) {
        n15 = n17 / 100 + (last2 > 50);
    } else {
        u128 n15w;
        if (scaled_round(a, 14 - x, &n15w) != 0)
            return -1;
        n15 = (uint64_t)n15w;
    }
    int x15 = carry15(&n15, x);
    if (only15)
        return format_digits(n15, 15, x15, dec, buf);
    /* Clinger: n15 < 2^53 and 10^|q| <= 10^22 are exact doubles, so one
     * correctly rounded operation gives what strtod would read. */
    int q = x15 - 14;
    double back;
    if (q >= 0 && q <= 22)
        back = (double)n15 * pow10_dbl[q];
    else if (q < 0 && q >= -22)
        back = (double)n15 / pow10_dbl[-q];
    else
        return -1;
    if (back == a)
        return format_digits(n15, 15, x15, dec, buf);
    return format_digits(n17, 17, x, dec, buf);
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
