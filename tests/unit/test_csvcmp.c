/*
 * test_csvcmp.c — the test tool csvcmp (tests/tools/csvcmp_core.c): its
 * RFC 4180 reader, number recognition, tolerance and comparison.  Every
 * expectation is worked out by hand from RFC 4180 and the tolerance rule
 * |a - b| <= rtol * max(|a|, |b|) + atol.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/csvcmp_core.h"

static struct csv_table parse_ok(const char *s, char delimiter)
{
    struct csv_table t;
    char msg[128] = "";
    int rc = csv_parse(s, strlen(s), delimiter, &t, msg, sizeof msg);
    ck_assert_msg(rc == 0, "parse failed: %s", msg);
    return t;
}

static void assert_field(const struct csv_table *t, size_t r, size_t f, const char *text)
{
    ck_assert_uint_lt(r, t->n_records);
    ck_assert_uint_lt(f, t->records[r].n_fields);
    ck_assert_uint_eq(t->records[r].fields[f].len, strlen(text));
    ck_assert_mem_eq(t->records[r].fields[f].text, text, strlen(text));
}

START_TEST(test_parse_simple)
{
    struct csv_table t = parse_ok("a,b\n1,2\n", ',');
    ck_assert_int_eq(t.bom, 0);
    ck_assert_uint_eq(t.n_records, 2);
    ck_assert_uint_eq(t.records[0].n_fields, 2);
    assert_field(&t, 0, 0, "a");
    assert_field(&t, 1, 1, "2");
    ck_assert_int_eq(t.records[0].line, 1);
    ck_assert_int_eq(t.records[1].line, 2);
    ck_assert_int_eq(t.records[1].eol, CSV_EOL_LF);
    csv_table_free(&t);
}
END_TEST

START_TEST(test_parse_quotes)
{
    /* one field holding a delimiter, doubled quotes and a line break,
     * ended by CRLF; the next record starts on line 3 */
    struct csv_table t = parse_ok("\"x,\"\"y\"\"\nz\",2\r\nlast,\"\"\r\n", ',');
    ck_assert_uint_eq(t.n_records, 2);
    assert_field(&t, 0, 0, "x,\"y\"\nz");
    assert_field(&t, 0, 1, "2");
    ck_assert_int_eq(t.records[0].eol, CSV_EOL_CRLF);
    ck_assert_int_eq(t.records[1].line, 3);
    assert_field(&t, 1, 1, "");
    csv_table_free(&t);
}
END_TEST

START_TEST(test_parse_bom_and_ends)
{
    struct csv_table t = parse_ok("\xEF\xBB\xBF" "a;b\n\nc;d", ';');
    ck_assert_int_eq(t.bom, 1);
    ck_assert_uint_eq(t.n_records, 3);
    assert_field(&t, 0, 0, "a");           /* the BOM is not part of the field */
    ck_assert_uint_eq(t.records[1].n_fields, 1);  /* an empty line: one empty field */
    assert_field(&t, 1, 0, "");
    ck_assert_int_eq(t.records[2].eol, CSV_EOL_NONE);
    assert_field(&t, 2, 1, "d");
    csv_table_free(&t);

    t = parse_ok("", ',');
    ck_assert_uint_eq(t.n_records, 0);
    csv_table_free(&t);
}
END_TEST

START_TEST(test_parse_tab)
{
    struct csv_table t = parse_ok("a b\tc,d\n", '\t');
    ck_assert_uint_eq(t.records[0].n_fields, 2);
    assert_field(&t, 0, 0, "a b");
    assert_field(&t, 0, 1, "c,d");
    csv_table_free(&t);
}
END_TEST

static void assert_malformed(const char *s, const char *line_msg)
{
    struct csv_table t;
    char msg[128] = "";
    ck_assert_int_eq(csv_parse(s, strlen(s), ',', &t, msg, sizeof msg), -1);
    ck_assert_msg(strstr(msg, line_msg) != NULL, "message '%s' lacks '%s'", msg, line_msg);
    ck_assert_uint_eq(t.n_records, 0);
    ck_assert_ptr_null(t.records);
}

START_TEST(test_parse_malformed)
{
    assert_malformed("a,b\n1,\"open\n", "line 2");
    assert_malformed("a,b\n\"x\"y,1\n", "line 2");
    assert_malformed("a\nb\nc\"d\n", "line 3");
    assert_malformed("a\rb\n", "line 1");
}
END_TEST

static int number(const char *s, int decimal_comma, double *v)
{
    return csv_cell_number(s, strlen(s), decimal_comma, v);
}

START_TEST(test_numbers)
{
    double v = 0;
    ck_assert_int_eq(number("1", 0, &v), 1);
    ck_assert_double_eq(v, 1.0);
    ck_assert_int_eq(number("-0.5", 0, &v), 1);
    ck_assert_double_eq(v, -0.5);
    ck_assert_int_eq(number(".5", 0, &v), 1);
    ck_assert_double_eq(v, 0.5);
    ck_assert_int_eq(number("5.", 0, &v), 1);
    ck_assert_double_eq(v, 5.0);
    ck_assert_int_eq(number("1e+15", 0, &v), 1);
    ck_assert_double_eq(v, 1e15);
    ck_assert_int_eq(number("+2E-3", 0, &v), 1);
    ck_assert_double_eq(v, 0.002);
    ck_assert_int_eq(number("1,5", 1, &v), 1);
    ck_assert_double_eq(v, 1.5);

    const char *not_numbers[] = {"", "-", ".", "1e", "1e+", " 1", "1 ", "inf", "nan", "0x10",
                                 "1e999", "1,5", "TOTAL", "2024-Q1", "1.2.3"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++)
        ck_assert_msg(number(not_numbers[i], 0, &v) == 0, "'%s' taken as a number", not_numbers[i]);
    ck_assert_int_eq(number("1.5", 1, &v), 0);
}
END_TEST

START_TEST(test_tolerance)
{
    /* defaults rtol 1e-9, atol 1e-12 */
    ck_assert(csv_numbers_close(1.0, 1.0 + 1e-10, 1e-9, 1e-12));
    ck_assert(!csv_numbers_close(1.0, 1.0 + 2e-9, 1e-9, 1e-12));
    ck_assert(csv_numbers_close(0.0, 1e-13, 1e-9, 1e-12));
    ck_assert(!csv_numbers_close(0.0, 2e-12, 1e-9, 1e-12));
    ck_assert(csv_numbers_close(-0.0, 0.0, 0, 0));
    /* relative to the larger magnitude: 100 vs 100.05 at rtol 1e-3 */
    ck_assert(csv_numbers_close(100.0, 100.05, 1e-3, 0));
    ck_assert(!csv_numbers_close(100.0, 100.2, 1e-3, 0));
}
END_TEST

static long compare(const char *exp, const char *got, const struct csv_options *o)
{
    struct csv_table a = parse_ok(exp, o->delimiter), b = parse_ok(got, o->delimiter);
    long n = csv_compare(&a, &b, o, NULL);
    csv_table_free(&a);
    csv_table_free(&b);
    return n;
}

START_TEST(test_compare)
{
    struct csv_options o;
    csv_options_init(&o);
    ck_assert_int_eq(compare("a,b\nx,1\n", "a,b\nx,1.0000000001\n", &o), 0);
    ck_assert_int_eq(compare("a,b\nx,1\n", "a,b\ny,2\n", &o), 2);
    ck_assert_int_eq(compare("a,b\nx,\n", "a,b\nx,0\n", &o), 1);
    /* header cells are names: compared byte for byte even when numeric */
    ck_assert_int_eq(compare("code,2024\n", "code,2024.0\n", &o), 1);
    /* quoting is presentation: "IE" and IE are the same cell */
    ck_assert_int_eq(compare("a\n\"IE\"\n", "a\nIE\n", &o), 0);
    /* one missing record: the count mismatch and the record itself */
    ck_assert_int_eq(compare("a\n1\n2\n", "a\n1\n", &o), 2);
    /* a record with a different number of fields counts once */
    ck_assert_int_eq(compare("a,b\n1,2\n", "a,b\n1,2,3\n", &o), 1);
    /* BOM and record terminators, compared unless ignored */
    ck_assert_int_eq(compare("a\n", "\xEF\xBB\xBF" "a\n", &o), 1);
    ck_assert_int_eq(compare("a\r\n1\r\n", "a\n1\n", &o), 2);
    o.ignore_bom = 1;
    o.ignore_eol = 1;
    ck_assert_int_eq(compare("a\n", "\xEF\xBB\xBF" "a\n", &o), 0);
    ck_assert_int_eq(compare("a\r\n1\r\n", "a\n1", &o), 0);
    /* decimal comma */
    csv_options_init(&o);
    o.decimal_comma = 1;
    o.delimiter = ';';
    ck_assert_int_eq(compare("a;b\nx;1,5\n", "a;b\nx;1,50\n", &o), 0);
    ck_assert_int_eq(compare("a;b\nx;1,5\n", "a;b\nx;1.5\n", &o), 1);
}
END_TEST

static Suite *csvcmp_suite(void)
{
    Suite *s = suite_create("csvcmp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_parse_simple);
    tcase_add_test(tc, test_parse_quotes);
    tcase_add_test(tc, test_parse_bom_and_ends);
    tcase_add_test(tc, test_parse_tab);
    tcase_add_test(tc, test_parse_malformed);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_tolerance);
    tcase_add_test(tc, test_compare);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(csvcmp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
