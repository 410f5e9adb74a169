/* test_error.c — the error value: first code wins, 66 outranks 65, the
 * item limit and the GNU-style formats of SPEC §9. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/error.h"

START_TEST(test_formats)
{
    struct dcproj_error e;
    char buf[1200];
    dcproj_error_init(&e);
    dcproj_error_set(&e, DCPROJ_ERR_DATA, "s.json", NULL, 3, 14, "expected ','");
    dcproj_error_set(&e, DCPROJ_ERR_DATA, "s.json", "countries.IE.baseline", 0, 0,
                     "expected a number >= 0, got \"%s\"", "abc");
    dcproj_error_set(&e, DCPROJ_ERR_DATA, "s.json", NULL, 0, 0, "too big");
    ck_assert_int_eq(e.count, 3);
    dcproj_error_format(&e, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "s.json:3:14: expected ','");
    dcproj_error_format(&e, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "s.json: countries.IE.baseline: expected a number >= 0, got \"abc\"");
    dcproj_error_format(&e, 2, buf, sizeof buf);
    ck_assert_str_eq(buf, "s.json: too big");
}
END_TEST

START_TEST(test_codes)
{
    struct dcproj_error e;
    dcproj_error_init(&e);
    ck_assert_int_eq(e.code, DCPROJ_OK);
    ck_assert_int_eq(dcproj_error_set(&e, DCPROJ_ERR_DATA, "a", NULL, 0, 0, "x"), DCPROJ_ERR_DATA);
    dcproj_error_set(&e, DCPROJ_ERR_NOINPUT, "b", NULL, 0, 0, "y");
    ck_assert_int_eq(e.code, DCPROJ_ERR_NOINPUT); /* SPEC §9: 66 takes precedence */
    dcproj_error_set(&e, DCPROJ_ERR_DATA, "c", NULL, 0, 0, "z");
    ck_assert_int_eq(e.code, DCPROJ_ERR_NOINPUT);
}
END_TEST

START_TEST(test_limit)
{
    struct dcproj_error e;
    dcproj_error_init(&e);
    for (int i = 0; i < 25; i++)
        dcproj_error_set(&e, DCPROJ_ERR_DATA, "f", "p", 0, 0, "problem %d", i);
    ck_assert_int_eq(e.count, 25);
    ck_assert_str_eq(e.items[DCPROJ_ERROR_MAX - 1].message, "problem 19");
    struct dcproj_error m;
    dcproj_error_init(&m);
    dcproj_error_merge(&m, &e);
    ck_assert_int_eq(m.count, 25);
    ck_assert_int_eq(m.code, DCPROJ_ERR_DATA);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_formats);
    tcase_add_test(tc, test_codes);
    tcase_add_test(tc, test_limit);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
