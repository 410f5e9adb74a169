/* test_idmap.c — the one string-keyed hash map (src/lib/idmap.c): values
 * found again after growth, first insertion wins, removal leaves probe
 * chains intact (keys that collided with a removed key are still found)
 * and a removed key can be inserted again. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap_int.h"

#define N 5000

START_TEST(test_put_get_grow)
{
    static char keys[N][16];
    struct idmap m = {0};
    ck_assert_int_eq(idmap_get(&m, "x"), -1);
    for (size_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        ck_assert_int_eq(idmap_put(&m, keys[i], i * 3), 1);
    }
    ck_assert_uint_eq(m.n, N);
    ck_assert_uint_le(m.n * 2, m.cap);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(idmap_get(&m, keys[i]), (long)(i * 3));
    /* the first value stays */
    ck_assert_int_eq(idmap_put(&m, "k7", 99), 0);
    ck_assert_int_eq(idmap_get(&m, "k7"), 21);
    ck_assert_int_eq(idmap_get(&m, "k5000"), -1);
    ck_assert_int_eq(idmap_get(&m, NULL), -1);
    idmap_free(&m);
    ck_assert_uint_eq(m.cap, 0);
}
END_TEST

START_TEST(test_delete)
{
    static char keys[N][16];
    struct idmap m = {0};
    for (size_t i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "key-%zu", i);
        ck_assert_int_eq(idmap_put(&m, keys[i], i), 1);
    }
    for (size_t i = 0; i < N; i += 2)
        idmap_del(&m, keys[i]);
    idmap_del(&m, "absent");
    ck_assert_uint_eq(m.n, N / 2);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(idmap_get(&m, keys[i]), i % 2 ? (long)i : -1);
    /* removed keys come back with new values, through reuse and regrowth */
    for (size_t i = 0; i < N; i += 2)
        ck_assert_int_eq(idmap_put(&m, keys[i], i + 1), 1);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(idmap_get(&m, keys[i]), i % 2 ? (long)i : (long)(i + 1));
    idmap_free(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idmap");
    TCase *tc = tcase_create("idmap");
    tcase_add_test(tc, test_put_get_grow);
    tcase_add_test(tc, test_delete);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
