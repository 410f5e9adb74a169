/* test_numfmt.c — the number rule of SPEC §8: shortest %.15g/%.17g that
 * reads back bit for bit, %.Nf with --precision, "-0" as "0", decimal
 * comma, and the same bytes under a German locale. */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/report.h"
#include "german_locale.h"

static const char *fmt(double v, int precision, int comma)
{
    static char buf[DCPROJ_NUMBER_LEN];
    int n = dcproj_format_number(v, precision, comma, buf);
    ck_assert_int_eq(n, (int)strlen(buf));
    return buf;
}

/* splitmix64: a fixed pseudo-random sequence. */
static uint64_t next_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

START_TEST(test_cases)
{
    ck_assert_str_eq(fmt(0.1, -1, 0), "0.1");
    ck_assert_str_eq(fmt(1.0 / 3.0, -1, 0), "0.33333333333333331");
    ck_assert_str_eq(fmt(1e15, -1, 0), "1e+15");
    ck_assert_str_eq(fmt(1e16, -1, 0), "1e+16");
    ck_assert_str_eq(fmt(999999999999999.0, -1, 0), "999999999999999");
    ck_assert_str_eq(fmt(-2.0, -1, 0), "-2");
    ck_assert_str_eq(fmt(-1.5, -1, 0), "-1.5");
    ck_assert_str_eq(fmt(1e-7, -1, 0), "1e-07");
    ck_assert_str_eq(fmt(0.0, -1, 0), "0");
    ck_assert_str_eq(fmt(-0.0, -1, 0), "0");
    ck_assert_str_eq(fmt(1200.0, -1, 0), "1200");
    /* 0.6 * 300 * 1.16 is not the double nearest 208.8, so 15 digits do not
     * read back and 17 are needed. */
    volatile double u = 0.6, c = 300.0, pue = 1.16;
    double facility = u * c * pue;
    ck_assert(facility != 208.8);
    ck_assert_str_eq(fmt(facility, -1, 0), "208.79999999999998");
    ck_assert_str_eq(fmt(208.8, -1, 0), "208.8");
}
END_TEST

START_TEST(test_precision)
{
    ck_assert_str_eq(fmt(2.0 / 3.0, 2, 0), "0.67");
    ck_assert_str_eq(fmt(2.675, 2, 0), "2.67"); /* 2.675 is 2.67499999... */
    ck_assert_str_eq(fmt(1200.0, 2, 0), "1200.00");
    ck_assert_str_eq(fmt(1200.0, 0, 0), "1200");
    ck_assert_str_eq(fmt(-0.0001, 2, 0), "0.00");
    ck_assert_str_eq(fmt(-0.0, 3, 0), "0.000");
    ck_assert_str_eq(fmt(-0.4, 0, 0), "0");
    ck_assert_str_eq(fmt(-0.006, 2, 0), "-0.01");
    ck_assert_str_eq(fmt(1.5, 2, 1), "1,50");
    /* the longest: %.17f of the largest double fits */
    char buf[DCPROJ_NUMBER_LEN];
    int n = dcproj_format_number(-1.7976931348623157e308, 17, 0, buf);
    ck_assert_int_eq(n, 1 + 309 + 1 + 17);
}
END_TEST

START_TEST(test_decimal_comma)
{
    ck_assert_str_eq(fmt(1.5, -1, 1), "1,5");
    ck_assert_str_eq(fmt(1.0 / 3.0, -1, 1), "0,33333333333333331");
    ck_assert_str_eq(fmt(2.5e-10, -1, 1), "2,5e-10");
    ck_assert_str_eq(fmt(42.0, -1, 1), "42");
    double v;
    ck_assert_int_eq(dcproj_parse_number("1,5", 1, &v), 0);
    ck_assert(v == 1.5);
    ck_assert_int_eq(dcproj_parse_number("1.5", 1, &v), -1);
    ck_assert_int_eq(dcproj_parse_number("1,5", 0, &v), -1);
}
END_TEST

START_TEST(test_nonfinite)
{
    ck_assert_str_eq(fmt(NAN, -1, 0), "nan");
    ck_assert_str_eq(fmt(INFINITY, 2, 0), "inf");
    ck_assert_str_eq(fmt(-INFINITY, -1, 0), "-inf");
}
END_TEST

START_TEST(test_parse)
{
    double v = 7;
    ck_assert_int_eq(dcproj_parse_number("1e+15", 0, &v), 0);
    ck_assert(v == 1e15);
    ck_assert_int_eq(dcproj_parse_number("-0.25", 0, &v), 0);
    ck_assert(v == -0.25);
    ck_assert_int_eq(dcproj_parse_number("0x10", 0, &v), 0);
    ck_assert(v == 16.0);
    v = 7;
    ck_assert_int_eq(dcproj_parse_number("", 0, &v), -1);
    ck_assert_int_eq(dcproj_parse_number(" 1", 0, &v), -1);
    ck_assert_int_eq(dcproj_parse_number("1 ", 0, &v), -1);
    ck_assert_int_eq(dcproj_parse_number("1.5x", 0, &v), -1);
    ck_assert_int_eq(dcproj_parse_number("abc", 0, &v), -1);
    ck_assert_int_eq(dcproj_parse_number("1,000", 0, &v), -1);
    ck_assert(v == 7); /* untouched on failure */
}
END_TEST

/* Check parse(format(x)) == x bit for bit, in both decimal styles. */
static void check_round_trip(double x)
{
    char buf[DCPROJ_NUMBER_LEN];
    for (int comma = 0; comma <= 1; comma++) {
        dcproj_format_number(x, -1, comma, buf);
        double y;
        ck_assert_msg(dcproj_parse_number(buf, comma, &y) == 0, "cannot parse '%s'", buf);
        ck_assert_msg(memcmp(&x, &y, sizeof x) == 0, "%a printed as '%s' reads back as %a", x,
                      buf, y);
        size_t len = strlen(buf);
        ck_assert_msg(len <= 24, "'%s' too long", buf);
    }
}

START_TEST(test_round_trip)
{
    uint64_t state = 20240101;
    int tested = 0;
    while (tested < 200000) {
        uint64_t bits = next_rand(&state);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x) || x == 0)
            continue;
        check_round_trip(x);
        tested++;
    }
    /* values of the kind a projection produces */
    for (int i = 1; i < 20000; i++) {
        check_round_trip(i / 1000.0);
        check_round_trip(i * 0.1 * 1.16);
        check_round_trip(-i * 1e10 / 7.0);
    }
    check_round_trip(5e-324);
    check_round_trip(1.7976931348623157e308);
}
END_TEST

/* The reference: what SPEC §8 says, literally, with printf and strtod in
 * the C locale. */
static void reference(double v, int precision, char *buf)
{
    if (precision >= 0) {
        snprintf(buf, DCPROJ_NUMBER_LEN, "%.*f", precision, v);
    } else if (precision == DCPROJ_PRECISION_EXCEL) {
        snprintf(buf, DCPROJ_NUMBER_LEN, "%.15g", v);
    } else {
        snprintf(buf, DCPROJ_NUMBER_LEN, "%.15g", v);
        if (strtod(buf, NULL) != v)
            snprintf(buf, DCPROJ_NUMBER_LEN, "%.17g", v);
    }
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
}

static void check_reference(double v, int precision)
{
    char want[DCPROJ_NUMBER_LEN], got[DCPROJ_NUMBER_LEN];
    reference(v, precision, want);
    dcproj_format_number(v, precision, 0, got);
    ck_assert_msg(strcmp(want, got) == 0, "%a (precision %d): want '%s', got '%s'", v,
                  precision, want, got);
}

/* Excel's precision (SPEC §8 v2, --excel/--excel-eu): at most 15
 * significant digits, so the SPEC's example prints 6.33036144, not
 * 6.3303614400000008; digits are rounded, not cut. */
START_TEST(test_excel_precision)
{
    ck_assert_str_eq(fmt(6.3303614400000008, -1, 0), "6.3303614400000008");
    ck_assert_str_eq(fmt(6.3303614400000008, DCPROJ_PRECISION_EXCEL, 0), "6.33036144");
    ck_assert_str_eq(fmt(6.3303614400000008, DCPROJ_PRECISION_EXCEL, 1), "6,33036144");
    ck_assert_str_eq(fmt(0.1 + 0.2, DCPROJ_PRECISION_EXCEL, 0), "0.3");
    ck_assert_str_eq(fmt(1.0 / 3.0, DCPROJ_PRECISION_EXCEL, 0), "0.333333333333333");
    ck_assert_str_eq(fmt(2.0 / 3.0, DCPROJ_PRECISION_EXCEL, 1), "0,666666666666667");
    ck_assert_str_eq(fmt(-2.0 / 3.0, DCPROJ_PRECISION_EXCEL, 0), "-0.666666666666667");
    ck_assert_str_eq(fmt(9007199254740993.0, DCPROJ_PRECISION_EXCEL, 0), "9.00719925474099e+15");
    ck_assert_str_eq(fmt(999999999999999.9, DCPROJ_PRECISION_EXCEL, 0), "1e+15");
    ck_assert_str_eq(fmt(1e15, DCPROJ_PRECISION_EXCEL, 0), "1e+15");
    ck_assert_str_eq(fmt(1234.5, DCPROJ_PRECISION_EXCEL, 0), "1234.5");
    ck_assert_str_eq(fmt(0.0, DCPROJ_PRECISION_EXCEL, 0), "0");
    ck_assert_str_eq(fmt(-0.0, DCPROJ_PRECISION_EXCEL, 0), "0");
    ck_assert_str_eq(fmt(5e-324, DCPROJ_PRECISION_EXCEL, 0), "4.94065645841247e-324");
}
END_TEST

/* The exact integer path gives printf's bytes: random bit patterns, random
 * magnitudes across and beyond its range, exact ties (k / 2^j, where
 * round-half-even matters), integers and neighbours of powers of ten. */
START_TEST(test_same_as_printf)
{
    uint64_t state = 99;
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = next_rand(&state);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        check_reference(x, -1);
        check_reference(x, DCPROJ_PRECISION_EXCEL);
        check_reference(x, (int)(bits % 18));
    }
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next_rand(&state);
        double mag = ((double)(r >> 11) / 9007199254740992.0) * 100.0 - 50.0; /* 1e-50..1e50 */
        double x = pow(10.0, mag);
        if (r & 1)
            x = -x;
        check_reference(x, -1);
        check_reference(x, DCPROJ_PRECISION_EXCEL);
        check_reference(x, (int)(r >> 1) % 18);
    }
    for (int j = 1; j <= 12; j++) {
        for (int k = 1; k < 3000; k += 2) {
            double x = ldexp((double)k, -j);
            for (int p = 0; p <= 17; p++)
                check_reference(x, p);
            check_reference(x, -1);
            check_reference(x, DCPROJ_PRECISION_EXCEL);
            check_reference(x * 1e16, -1);
            check_reference(x * 1e16, DCPROJ_PRECISION_EXCEL);
            check_reference(x * 1e17, 1);
        }
    }
    for (int e = -30; e <= 40; e++) {
        double p10 = pow(10.0, e);
        double around[3] = {nextafter(p10, 0), p10, nextafter(p10, INFINITY)};
        for (int i = 0; i < 3; i++) {
            check_reference(around[i], -1);
            check_reference(around[i], DCPROJ_PRECISION_EXCEL);
            for (int p = 0; p <= 17; p++)
                check_reference(around[i], p);
        }
    }
    for (int i = 1; i < 100000; i++) {
        check_reference((double)i * 1234567, -1);
        check_reference((double)i * 0.05, 1); /* ties in decimal, not in binary */
    }
    check_reference(9007199254740993.0, -1);
    check_reference(999999999999999.9, -1);
    check_reference(0.000001, -1);
    check_reference(1e-7, 17);
}
END_TEST

/* The common range (about 1e-3 to 2^53) decides "does %.15g read back"
 * in integers, from the distance to the rounding interval's ends: try it
 * where that is closest — powers of two (the gap below is half the gap
 * above), 15-digit decimals and the doubles next to them (whose %.15g is
 * the same text but reads back as the decimal's own double), and 17-digit
 * ties. */
START_TEST(test_round_trip_boundaries)
{
    for (int e = -12; e <= 54; e++) {
        double v = ldexp(1.0, e);
        double around[5] = {nextafter(nextafter(v, 0), 0), nextafter(v, 0), v,
                            nextafter(v, INFINITY), nextafter(nextafter(v, INFINITY), INFINITY)};
        for (int i = 0; i < 5; i++) {
            check_reference(around[i], -1);
            check_reference(around[i], DCPROJ_PRECISION_EXCEL);
        }
    }
    uint64_t state = 7;
    char text[64];
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next_rand(&state);
        uint64_t n = 100000000000000ull + r % 900000000000000ull; /* 15 digits */
        int q = (int)((r >> 50) % 22) - 18;                     /* 1e-4 .. 1e17 */
        snprintf(text, sizeof text, "%llue%d", (unsigned long long)n, q);
        double v = strtod(text, NULL);
        double around[3] = {nextafter(v, 0), v, nextafter(v, INFINITY)};
        for (int k = 0; k < 3; k++) {
            check_reference(around[k], -1);
            check_reference(around[k], DCPROJ_PRECISION_EXCEL);
        }
        /* 17 significant digits ending in 50: a tie for 15 digits only if
           the decimal is the double's exact value */
        snprintf(text, sizeof text, "%llu50e%d", (unsigned long long)n, q - 2);
        v = strtod(text, NULL);
        check_reference(v, -1);
        check_reference(nextafter(v, 0), -1);
        check_reference(nextafter(v, INFINITY), DCPROJ_PRECISION_EXCEL);
    }
}
END_TEST

/* The plain forms are written from registers, the decimal point inserted
 * by shifts: every position of the point (1 to 17 digits before it, 0 to 3
 * zeros after "0.") with every count of trailing zeros (17-digit values,
 * 15-digit ones, whole numbers whose zeros stay), negative too, against
 * printf.  Also hand-checked bytes at the ends of the ranges. */
START_TEST(test_plain_positions)
{
    uint64_t state = 2026;
    char text[64];
    for (int x = -4; x <= 16; x++) {
        for (int tz = 0; tz <= 16; tz++) {
            for (int i = 0; i < 300; i++) {
                uint64_t r = next_rand(&state);
                uint64_t n = 10000000000000000ull + r % 90000000000000000ull; /* 17 digits */
                for (int k = 0; k < tz; k++)
                    n = n / 10 * 10;
                snprintf(text, sizeof text, "%s%llue%d", (r >> 63) ? "-" : "",
                         (unsigned long long)n, x - 16);
                double v = strtod(text, NULL);
                check_reference(v, -1);
                check_reference(v, DCPROJ_PRECISION_EXCEL);
                check_reference(nextafter(v, 0), -1);
            }
        }
    }
    ck_assert_str_eq(fmt(0.0012345678901234567, -1, 0), "0.0012345678901234567");
    ck_assert_str_eq(fmt(0.001, -1, 0), "0.001");
    ck_assert_str_eq(fmt(0.5, -1, 1), "0,5");
    ck_assert_str_eq(fmt(1.5, -1, 0), "1.5");
    ck_assert_str_eq(fmt(12345678.25, -1, 0), "12345678.25");
    ck_assert_str_eq(fmt(123456789.25, -1, 0), "123456789.25");
    ck_assert_str_eq(fmt(1234567890123456.8, -1, 0), "1234567890123456.8");
    ck_assert_str_eq(fmt(12345678901234568.0, -1, 0), "12345678901234568");
    ck_assert_str_eq(fmt(1e16, -1, 0), "1e+16"); /* 15 digits read back: %.15g, x = 16 >= 15 */
    ck_assert_str_eq(fmt(1e14, -1, 0), "100000000000000");
    ck_assert_str_eq(fmt(-589.03, -1, 0), "-589.03");
    ck_assert_str_eq(fmt(353.41799999999995, -1, 0), "353.41799999999995");
}
END_TEST

/* Under de_DE.UTF-8 (decimal point ',') the bytes are those of the C
 * locale, and parsing still takes '.'. */
START_TEST(test_german_locale)
{
    static const double vals[] = {0.1, 1.0 / 3.0, 1e15, -0.0, 1234.5, 2.5e-10, 1e300, -7.25};
    char c_out[8][3][DCPROJ_NUMBER_LEN];
    for (int i = 0; i < 8; i++) {
        dcproj_format_number(vals[i], -1, 0, c_out[i][0]);
        dcproj_format_number(vals[i], 3, 0, c_out[i][1]);
        dcproj_format_number(vals[i], -1, 1, c_out[i][2]);
    }
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "de_DE.UTF-8"));
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 1.5);
    ck_assert_str_eq(probe, "1,5"); /* the locale really is active */
    char buf[DCPROJ_NUMBER_LEN];
    for (int i = 0; i < 8; i++) {
        dcproj_format_number(vals[i], -1, 0, buf);
        ck_assert_str_eq(buf, c_out[i][0]);
        dcproj_format_number(vals[i], 3, 0, buf);
        ck_assert_str_eq(buf, c_out[i][1]);
        dcproj_format_number(vals[i], -1, 1, buf);
        ck_assert_str_eq(buf, c_out[i][2]);
    }
    ck_assert_str_eq(c_out[4][0], "1234.5");
    double v;
    ck_assert_int_eq(dcproj_parse_number("1234.5", 0, &v), 0);
    ck_assert(v == 1234.5);
    ck_assert_int_eq(dcproj_parse_number("1234,5", 0, &v), -1);
    ck_assert_int_eq(dcproj_parse_number("1234,5", 1, &v), 0);
    ck_assert(v == 1234.5);
    uint64_t state = 7;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_rand(&state);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (isfinite(x) && x != 0)
            check_round_trip(x);
    }
    setlocale(LC_ALL, "C");
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s = suite_create("numfmt");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    if (argc > 1 && strcmp(argv[1], "--locale") == 0) {
        /* test "numfmt-locale": only the locale-dependent test; SKIP (77)
         * without de_DE.UTF-8 */
        german_locale_or_skip("numfmt-locale");
        tcase_add_test(tc, test_german_locale);
    } else {
        tcase_add_test(tc, test_cases);
        tcase_add_test(tc, test_precision);
        tcase_add_test(tc, test_decimal_comma);
        tcase_add_test(tc, test_nonfinite);
        tcase_add_test(tc, test_parse);
        tcase_add_test(tc, test_round_trip);
        tcase_add_test(tc, test_same_as_printf);
        tcase_add_test(tc, test_round_trip_boundaries);
        tcase_add_test(tc, test_plain_positions);
        tcase_add_test(tc, test_excel_precision);
    }
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
