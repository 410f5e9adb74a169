/* test_provenance.c — the compact serialisation SPEC §7 hashes and the
 * SHA-256 behind the scenario hash.  The expected text was written by hand
 * from the rules (not printed by dcproj) and its digest computed with
 * coreutils' sha256sum; the empty-input digest is FIPS 180-4's.  And the
 * inputs of SPEC §2 with their sources, worked out by hand. */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/provenance.h"
#include "json_int.h"

/* Written loosely: white space, \u escapes, "\/", numbers in other forms. */
static const char INPUT[] =
    "{ \"dcproj\" : 1.0,\n  \"name\": \"h\\u00e9 \xe2\x82\xac\\/\",\n"
    "  \"_note\": \"tab\\there \\\"q\\\" back\\\\slash \\u001F ctl\\n\",\n"
    "  \"n\": [1000000000000000, 1e-1, -2.0, 1.2e3, 0.33333333333333331, 1.0E-7, -0.0, 100],\n"
    "  \"t\": true, \"f\": false, \"z\": null, \"o\": { }, \"a\": [ ] }\n";

/* The same document serialised by hand per SPEC §7 and §8. */
static const char EXPECTED[] =
    "{\"dcproj\":1,\"name\":\"h\xc3\xa9 \xe2\x82\xac/\","
    "\"_note\":\"tab\\there \\\"q\\\" back\\\\slash \\u001f ctl\\n\","
    "\"n\":[1e+15,0.1,-2,1200,0.33333333333333331,1e-07,0,100],"
    "\"t\":true,\"f\":false,\"z\":null,\"o\":{},\"a\":[]}";

/* sha256sum of EXPECTED (coreutils 9.1). */
static const char EXPECTED_SHA256[] =
    "7a71e110b8ac113ff0dfeaf22f3b038c244c521c589add23e51622d593f5c23c";

static char *compact_of(const char *text)
{
    cJSON *tree = NULL;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(json_parse_strict(text, strlen(text), "t.json", JSON_TOP_OBJECT, &tree, &err),
                     DCPROJ_OK);
    char *s = json_write_compact(tree);
    cJSON_Delete(tree);
    ck_assert_ptr_nonnull(s);
    return s;
}

START_TEST(test_compact)
{
    char *s = compact_of(INPUT);
    ck_assert_str_eq(s, EXPECTED);
    free(s);
}
END_TEST

START_TEST(test_sha256)
{
    char hex[DCPROJ_SHA256_HEX_LEN];
    dcproj_sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    dcproj_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    dcproj_sha256_hex(EXPECTED, strlen(EXPECTED), hex);
    ck_assert_str_eq(hex, EXPECTED_SHA256);
}
END_TEST

/* The same bytes under a locale whose decimal point is a comma. */
START_TEST(test_locale)
{
    if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL)
        return; /* locale missing: the suite still checks the C locale */
    char *s = compact_of(INPUT);
    setlocale(LC_ALL, "C");
    ck_assert_str_eq(s, EXPECTED);
    free(s);
}
END_TEST

/* The hash of a scenario is that of its resolved document. */
START_TEST(test_scenario_hash)
{
    struct dcproj_scenario sc;
    memset(&sc, 0, sizeof sc);
    char hex[DCPROJ_SHA256_HEX_LEN];
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_scenario_hash(&sc, hex, &err), DCPROJ_ERR_DATA);
    ck_assert_str_eq(hex, "");
    char text[sizeof EXPECTED];
    memcpy(text, EXPECTED, sizeof EXPECTED);
    sc.resolved_json = text;
    ck_assert_int_eq(dcproj_scenario_hash(&sc, hex, &err), DCPROJ_OK);
    ck_assert_str_eq(hex, EXPECTED_SHA256);
}
END_TEST

/* The inputs of a small resolved document and their sources, worked out by
 * hand from SPEC §2: the nearest enclosing `source`; a bare {"var": X} with
 * none has X's; `$`/`_` subtrees are skipped; notes with their paths. */
START_TEST(test_inputs)
{
    static const char DOC[] =
        "{\"dcproj\":1,\"name\":\"p\",\"baseline_year\":2023,\"horizon\":2025,"
        "\"_note\":[\"first\",\"second\"],"
        "\"sources\":{\"a\":{\"title\":\"A\",\"note\":\"sa\"},\"b\":{\"title\":\"B\"}},"
        "\"variables\":{\"g\":{\"min\":0,\"max\":1,\"source\":[\"b\",\"a\"]},"
        "\"k\":{\"value\":{\"dist\":\"uniform\",\"min\":1,\"max\":2}}},"
        "\"defaults\":{\"growth\":{\"model\":\"compound\",\"rate\":{\"var\":\"g\"}}},"
        "\"countries\":{\"IE\":{\"baseline\":1,\"source\":\"a\",\"note\":\"ie\","
        "\"growth\":{\"model\":\"points\",\"points\":{\"2020\":0.5,\"2023\":1,\"source\":\"b\"}},"
        "\"_x\":{\"baseline\":9}},"
        "\"DE\":{\"baseline\":2,\"growth\":{\"rate\":{\"var\":\"g\",\"times\":2}}}},"
        "\"power\":{\"pue\":1.5,\"utilization\":0.5,\"source\":\"b\"},"
        "\"events\":{\"e1\":{\"country\":\"DE\",\"date\":\"2024\",\"add\":{\"var\":\"k\"},"
        "\"probability\":0.5,\"source\":[\"a\"]}},"
        "\"targets\":[{\"scope\":\"TOTAL\",\"year\":2025,\"value\":4}]}";
    static const struct {
        const char *path, *value, *sources;
    } WANT[] = {
        {"defaults.growth.rate", "{\"var\":\"g\"}", "b,a"},
        {"countries.IE.baseline", "1", "a"},
        {"countries.IE.growth.points.2020", "0.5", "b"},
        {"countries.IE.growth.points.2023", "1", "b"},
        {"countries.DE.baseline", "2", ""},
        {"countries.DE.growth.rate", "{\"var\":\"g\",\"times\":2}", "b,a"}, /* a reference with times is still a reference */
        {"power.pue", "1.5", "b"},
        {"power.utilization", "0.5", "b"},
        {"events.e1.add", "{\"var\":\"k\"}", "a"},
        {"events.e1.probability", "0.5", "a"},
        {"variables.k.value", "{\"dist\":\"uniform\",\"min\":1,\"max\":2}", ""},
        {"targets[0].value", "4", ""},
    };
    static const char *const NOTES[][2] = {
        {"_note[0]", "first"}, {"_note[1]", "second"}, {"sources.a.note", "sa"},
        {"countries.IE.note", "ie"}};
    struct dcproj_source sources[2];
    memset(sources, 0, sizeof sources);
    strcpy(sources[0].id, "a");
    strcpy(sources[1].id, "b");
    char text[sizeof DOC];
    memcpy(text, DOC, sizeof DOC);
    struct dcproj_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.resolved_json = text;
    sc.sources = sources;
    sc.n_sources = 2;
    struct dcproj_provenance *p = NULL;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_provenance_build(&sc, &p, &err), DCPROJ_OK);
    ck_assert_uint_eq(p->n_inputs, sizeof WANT / sizeof WANT[0]);
    for (size_t i = 0; i < p->n_inputs; i++) {
        const struct dcproj_provenance_input *in = &p->inputs[i];
        ck_assert_str_eq(in->path, WANT[i].path);
        ck_assert_str_eq(in->value, WANT[i].value);
        char ids[64] = "";
        for (size_t k = 0; k < in->n_sources; k++) {
            strcat(ids, k ? "," : "");
            strcat(ids, sources[in->sources[k]].id);
        }
        ck_assert_msg(strcmp(ids, WANT[i].sources) == 0, "%s: sources %s, want %s", in->path, ids,
                      WANT[i].sources);
    }
    ck_assert_uint_eq(p->n_notes, 4);
    for (size_t i = 0; i < p->n_notes; i++) {
        ck_assert_str_eq(p->notes[i].path, NOTES[i][0]);
        ck_assert_str_eq(p->notes[i].text, NOTES[i][1]);
    }
    dcproj_provenance_free(p);
}
END_TEST

static Suite *provenance_suite(void)
{
    Suite *s = suite_create("provenance");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_compact);
    tcase_add_test(tc, test_sha256);
    tcase_add_test(tc, test_locale);
    tcase_add_test(tc, test_scenario_hash);
    tcase_add_test(tc, test_inputs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(provenance_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
