/*
 * test_check.c — CSV reading (RFC 4180) and golden comparison: matching by
 * row key and column name, tolerances, missing/extra rows and columns,
 * malformed goldens named by line.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/check.h"

static int parse(const char *text, char delim, struct dcproj_csv *t, struct dcproj_error *err)
{
    dcproj_error_init(err);
    return dcproj_csv_parse("g.csv", text, strlen(text), delim, t, err);
}

START_TEST(test_parse_rfc4180)
{
    struct dcproj_csv t;
    struct dcproj_error err;
    const char *text = "\xEF\xBB\xBF" "a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n2,\"multi\nline\",z\r\n";
    ck_assert_int_eq(parse(text, ',', &t, &err), DCPROJ_OK);
    ck_assert_uint_eq(t.n_records, 3);
    ck_assert_uint_eq(t.n_fields, 3);
    ck_assert_str_eq(t.fields[0][0], "a");
    ck_assert_str_eq(t.fields[1][1], "x, \"y\"");
    ck_assert_str_eq(t.fields[1][2], "");
    ck_assert_str_eq(t.fields[2][1], "multi\nline");
    ck_assert_uint_eq(t.lines[2], 3);
    dcproj_csv_clear(&t);
    ck_assert_int_eq(parse("a;b\n1,5;2\n", ';', &t, &err), DCPROJ_OK);
    ck_assert_str_eq(t.fields[1][0], "1,5");
    dcproj_csv_clear(&t);
}
END_TEST

START_TEST(test_parse_malformed)
{
    struct dcproj_csv t;
    struct dcproj_error err;
    ck_assert_int_eq(parse("a,b\n1,2\n3\n", ',', &t, &err), DCPROJ_ERR_DATA);
    ck_assert_int_eq(err.items[0].line, 3);
    ck_assert_str_eq(err.items[0].file, "g.csv");
    ck_assert_int_eq(parse("a,b\n\"1,2\n", ',', &t, &err), DCPROJ_ERR_DATA);
    ck_assert_int_eq(err.items[0].line, 2);
    ck_assert_int_eq(parse("", ',', &t, &err), DCPROJ_ERR_DATA);
    ck_assert_int_eq(parse("a,b\n\"1\"x,2\n", ',', &t, &err), DCPROJ_ERR_DATA);
    ck_assert_int_eq(err.items[0].line, 2);
    /* a quote opened at line 2 runs to the quoted field of line 4: the
       error names line 2, where the stray quote is */
    ck_assert_int_eq(parse("a,b\n\"1,2\n3,4\n\"x\",5\n", ',', &t, &err), DCPROJ_ERR_DATA);
    ck_assert_int_eq(err.items[0].line, 2);
}
END_TEST

static const char *golden =
    "kind,code,name,period,capacity\n"
    "country,IE,Ireland,2023,300\n"
    "country,IE,Ireland,2024,360\n"
    "total,TOTAL,,2023,300\n"
    "total,TOTAL,,2024,360\n";

static int cmp(const char *exp, const char *got, double rtol, double atol,
               struct dcproj_check_report *rep)
{
    struct dcproj_check_options o;
    dcproj_check_options_init(&o);
    o.rtol = rtol;
    o.atol = atol;
    struct dcproj_error err;
    dcproj_error_init(&err);
    return dcproj_check_compare("g.csv", exp, strlen(exp), got, strlen(got), &o, rep, &err);
}

START_TEST(test_compare_equal_and_reordered)
{
    struct dcproj_check_report rep;
    ck_assert_int_eq(cmp(golden, golden, 1e-9, 1e-9, &rep), DCPROJ_OK);
    ck_assert_uint_eq(rep.cells, 4 * 5);
    dcproj_check_report_clear(&rep);
    /* rows and columns in another order still match by key and name */
    const char *got = "code,kind,period,capacity,name\n"
                      "TOTAL,total,2024,360,\n"
                      "IE,country,2023,300,Ireland\n"
                      "TOTAL,total,2023,300,\n"
                      "IE,country,2024,360,Ireland\n";
    ck_assert_int_eq(cmp(golden, got, 1e-9, 1e-9, &rep), DCPROJ_OK);
    dcproj_check_report_clear(&rep);
}
END_TEST

START_TEST(test_compare_tolerance)
{
    struct dcproj_check_report rep;
    /* 360 -> 360.00036 is a relative change of 1e-6 */
    char got[512];
    snprintf(got, sizeof got, "%s", golden);
    char *p = strstr(got, "Ireland,2024,360");
    memcpy(p, "Ireland,2024,360.00036\ntotal,TOTAL,,2023,300\ntotal,TOTAL,,2024,360\n",
           strlen("Ireland,2024,360.00036\ntotal,TOTAL,,2023,300\ntotal,TOTAL,,2024,360\n") + 1);
    ck_assert_int_eq(cmp(golden, got, 1e-9, 1e-9, &rep), DCPROJ_ERR_DIFF);
    ck_assert_uint_eq(rep.cells_differ, 1);
    ck_assert_uint_eq(rep.n_diffs, 1);
    ck_assert_str_eq(rep.diffs[0].row, "country,IE,2024");
    ck_assert_str_eq(rep.diffs[0].column, "capacity");
    ck_assert(fabs(rep.diffs[0].rel - 1e-6) < 1e-12);
    dcproj_check_report_clear(&rep);
    /* |d| = 3.6e-4 <= atol 0 + rtol 1e-6 * 360 = 3.6e-4 */
    ck_assert_int_eq(cmp(golden, got, 1.0000001e-6, 0, &rep), DCPROJ_OK);
    dcproj_check_report_clear(&rep);
    /* or within an absolute tolerance */
    ck_assert_int_eq(cmp(golden, got, 0, 4e-4, &rep), DCPROJ_OK);
    dcproj_check_report_clear(&rep);
    ck_assert_int_eq(cmp(golden, got, 0, 3e-4, &rep), DCPROJ_ERR_DIFF);
    dcproj_check_report_clear(&rep);
}
END_TEST

START_TEST(test_compare_rows_columns_text)
{
    struct dcproj_check_report rep;
    const char *got = "kind,code,name,period,capacity,extra\n"
                      "country,IE,Eire,2023,300,1\n"
                      "country,IE,Ireland,2025,400,1\n"
                      "total,TOTAL,,2023,300,1\n"
                      "total,TOTAL,,2024,360,1\n";
    ck_assert_int_eq(cmp(golden, got, 1e-9, 1e-9, &rep), DCPROJ_ERR_DIFF);
    ck_assert_uint_eq(rep.rows_missing, 1);   /* country,IE,2024 */
    ck_assert_uint_eq(rep.rows_extra, 1);     /* country,IE,2025 */
    ck_assert_uint_eq(rep.cols_extra, 1);
    ck_assert_uint_eq(rep.cols_missing, 0);
    ck_assert_uint_eq(rep.cells_differ, 1);   /* the name */
    ck_assert_str_eq(rep.first_missing_row, "country,IE,2024");
    ck_assert_str_eq(rep.first_extra_row, "country,IE,2025");
    ck_assert_str_eq(rep.diffs[0].expected, "Ireland");
    ck_assert_str_eq(rep.diffs[0].got, "Eire");
    dcproj_check_report_clear(&rep);
}
END_TEST

START_TEST(test_golden_duplicate_row)
{
    struct dcproj_check_report rep;
    struct dcproj_check_options o;
    dcproj_check_options_init(&o);
    struct dcproj_error err;
    dcproj_error_init(&err);
    const char *dup = "kind,code,period,capacity\ncountry,IE,2023,1\ncountry,IE,2023,2\n";
    ck_assert_int_eq(dcproj_check_compare("g.csv", dup, strlen(dup), dup, strlen(dup), &o, &rep, &err),
                     DCPROJ_ERR_DATA);
    ck_assert_int_eq(err.items[0].line, 3);
}
END_TEST

/* A long golden checked against wide output (and back): the layouts differ,
 * so nothing matches -- a difference (every row missing and extra, the
 * columns counted), not a malformed golden with "duplicate" (kind, code)
 * rows. */
START_TEST(test_golden_other_layout)
{
    const char *lng = "kind,code,period,capacity\ncountry,IE,2023,1\ncountry,IE,2024,2\n"
                      "total,TOTAL,2023,1\ntotal,TOTAL,2024,2\n";
    const char *wide = "kind,code,2023,2024\ncountry,IE,1,2\ntotal,TOTAL,1,2\n";
    struct dcproj_check_report rep;
    struct dcproj_check_options o;
    dcproj_check_options_init(&o);
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_check_compare("g.csv", lng, strlen(lng), wide, strlen(wide), &o, &rep, &err),
                     DCPROJ_ERR_DIFF);
    ck_assert_uint_eq(rep.rows_missing, 4);
    ck_assert_uint_eq(rep.rows_extra, 2);
    ck_assert_uint_eq(rep.cols_missing, 2); /* period, capacity */
    ck_assert_uint_eq(rep.cols_extra, 2);   /* 2023, 2024 */
    ck_assert_str_eq(rep.first_missing_row, "country,IE,2023");
    dcproj_check_report_clear(&rep);
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_check_compare("g.csv", wide, strlen(wide), lng, strlen(lng), &o, &rep, &err),
                     DCPROJ_ERR_DIFF);
    ck_assert_uint_eq(rep.rows_missing, 2);
    ck_assert_uint_eq(rep.rows_extra, 4);
    dcproj_check_report_clear(&rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_parse_rfc4180);
    tcase_add_test(tc, test_parse_malformed);
    tcase_add_test(tc, test_compare_equal_and_reordered);
    tcase_add_test(tc, test_compare_tolerance);
    tcase_add_test(tc, test_compare_rows_columns_text);
    tcase_add_test(tc, test_golden_duplicate_row);
    tcase_add_test(tc, test_golden_other_layout);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
