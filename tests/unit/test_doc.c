/* test_doc.c — the document layer: strict JSON reading (SPEC §2, §9), the
 * RFC 7396 merge with SPEC §6 key order, `extends` chains, --set/--patch,
 * overrides, origins and the frozen parent (SPEC §4).
 *
 * Fixtures live in tests/data/doc (DCPROJ_TEST_DATA points at tests/data).
 * Expected positions are counted by hand: lines and columns are 1-based and
 * columns count characters. */
#include <check.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>

#include "doc_int.h"
#include "json_int.h"
#include "german_locale.h"

/* ------------------------------------------------------------- helpers */

static char fixture_dir[2048];

/* "<DCPROJ_TEST_DATA>/doc/<rel>" into `out`. */
static const char *fx(char *out, size_t size, const char *rel)
{
    snprintf(out, size, "%s/%s", fixture_dir, rel);
    return out;
}

static int build_text(const char *text, const struct dcproj_load_options *opt, struct doc **d,
                      struct dcproj_error *e)
{
    dcproj_error_init(e);
    return doc_build(NULL, text, strlen(text), "t.json", NULL, opt, d, e);
}

static int build_file(const char *path, const struct dcproj_load_options *opt, struct doc **d,
                      struct dcproj_error *e)
{
    dcproj_error_init(e);
    return doc_build(path, NULL, 0, NULL, NULL, opt, d, e);
}

/* Assert that building `text` fails with 65 at line:col with `msg`. */
static void syntax_error(const char *text, size_t len, int line, int col, const char *msg)
{
    struct doc *d = NULL;
    struct dcproj_error e;
    dcproj_error_init(&e);
    int rc = doc_build(NULL, text, len, "t.json", NULL, NULL, &d, &e);
    ck_assert_msg(rc == DCPROJ_ERR_DATA, "accepted: %s", text);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(e.count, 1);
    ck_assert_str_eq(e.items[0].file, "t.json");
    ck_assert_str_eq(e.items[0].message, msg);
    ck_assert_int_eq(e.items[0].line, line);
    ck_assert_int_eq(e.items[0].column, col);
}

static void syntax_error_s(const char *text, int line, int col, const char *msg)
{
    syntax_error(text, strlen(text), line, col, msg);
}

/* Assert that `text` builds; returns the document. */
static struct doc *ok_text(const char *text)
{
    struct doc *d = NULL;
    struct dcproj_error e;
    int rc = build_text(text, NULL, &d, &e);
    ck_assert_msg(rc == DCPROJ_OK, "refused: %s (%s)", text, e.count ? e.items[0].message : "");
    return d;
}

/* Compact JSON of the document (for comparing content and key order). */
static void assert_json(const cJSON *v, const char *expect)
{
    char *s = cJSON_PrintUnformatted(v);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, expect);
    free(s);
}

/* The node at dotted `path` (keys only) and its effective origin. */
static const cJSON *at(const struct doc *d, const char *path, const struct doc_origin **origin)
{
    const cJSON *n = doc_root(d);
    const struct doc_origin *o = doc_origin_of(d, n, NULL);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k != NULL;
         k = strtok_r(NULL, ".", &save)) {
        n = cJSON_GetObjectItemCaseSensitive(n, k);
        ck_assert_msg(n != NULL, "no %s in %s", k, path);
        o = doc_origin_of(d, n, o);
    }
    if (origin != NULL)
        *origin = o;
    return n;
}

static void assert_origin(const struct doc *d, const char *path, int kind, const char *label)
{
    const struct doc_origin *o;
    at(d, path, &o);
    if (label == NULL) {
        ck_assert_msg(o == NULL, "%s: expected no origin, got %s", path, o ? o->label : "");
        return;
    }
    ck_assert_msg(o != NULL, "%s: expected origin %s", path, label);
    ck_assert_int_eq(o->kind, kind);
    ck_assert_str_eq(o->label, label);
}

static double num_at(const struct doc *d, const char *path)
{
    const cJSON *n = at(d, path, NULL);
    ck_assert(cJSON_IsNumber(n));
    return n->valuedouble;
}

static const char *str_at(const struct doc *d, const char *path)
{
    const cJSON *n = at(d, path, NULL);
    ck_assert(cJSON_IsString(n));
    return n->valuestring;
}

static void opts(struct dcproj_load_options *o, const struct dcproj_patch *p, size_t n)
{
    memset(o, 0, sizeof *o);
    o->patches = p;
    o->n_patches = n;
}

/* ------------------------------------------------------------- reading */

START_TEST(test_bom_accepted)
{
    char p[4096];
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "bom.json"), NULL, &d, &e), DCPROJ_OK);
    ck_assert_str_eq(str_at(d, "name"), "bom");
    ck_assert_str_eq(doc_file(d), p);
    ck_assert_ptr_null(doc_parent(d));
    doc_free(d);
    /* a BOM is not counted in columns */
    syntax_error_s("\xEF\xBB\xBF{\"a\" 1}", 1, 6, "expected ':' after an object key, got '1'");
}
END_TEST

START_TEST(test_syntax_positions)
{
    syntax_error_s("", 1, 1, "empty input: expected a JSON object");
    syntax_error_s("  \n ", 2, 2, "empty input: expected a JSON object");
    syntax_error_s("[1]", 1, 1, "expected a JSON object at the top level, got an array");
    syntax_error_s("\n \"s\"", 2, 2, "expected a JSON object at the top level, got a string");
    syntax_error_s("{\"a\":1} x", 1, 9, "unexpected data after the JSON value");
    syntax_error_s("{\"a\":1}{}", 1, 8, "unexpected data after the JSON value");
    syntax_error_s("{\"a\":1,}", 1, 8, "expected a string key after ',', got '}'");
    syntax_error_s("{\"a\":[1,]}", 1, 9, "expected a value after ',', got ']' (trailing comma)");
    syntax_error_s("{\"a\" 1}", 1, 6, "expected ':' after an object key, got '1'");
    syntax_error_s("{a:1}", 1, 2, "expected a string key or '}', got 'a'");
    syntax_error_s("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3,
                   "expected ',' or '}' after an object member, got '\"'");
    syntax_error_s("{\"a\": [1 2]}", 1, 10, "expected ',' or ']' after an array element, got '2'");
    syntax_error_s("{\n  \"a\": tru\n}", 2, 8, "invalid literal 'tru' (expected true, false or null)");
    syntax_error_s("{\"a\": True}", 1, 7, "invalid literal 'True' (expected true, false or null)");
    syntax_error_s("{\"a\": NaN}", 1, 7, "NaN is not a JSON number");
    syntax_error_s("{\"a\": -Infinity}", 1, 7, "Infinity is not a JSON number");
    syntax_error_s("{\"a\": 01}", 1, 7, "invalid number: leading zeros are not allowed");
    syntax_error_s("{\"a\": 1.}", 1, 9, "invalid number: expected a digit after '.'");
    syntax_error_s("{\"a\": .5}", 1, 7, "expected a value, got '.'");
    syntax_error_s("{\"a\": +1}", 1, 7, "expected a value, got '+'");
    syntax_error_s("{\"a\": 1e}", 1, 9, "invalid number: expected a digit in the exponent");
    syntax_error_s("{\"a\": -}", 1, 8, "invalid number: expected a digit after '-'");
    syntax_error_s("{\"a\": \"abc}", 1, 7, "unterminated string");
    syntax_error_s("{\"a\": \"\\x\"}", 1, 8, "invalid escape '\\x' in string");
    syntax_error_s("{\"a\": \"\\u12G4\"}", 1, 8, "invalid \\u escape: expected 4 hexadecimal digits");
    syntax_error_s("{\"a\": \"x\ty\"}", 1, 9, "control character U+0009 in string (write it as an escape)");
    syntax_error_s("{\"a\":", 1, 6, "expected a value, got end of input");
    syntax_error_s("{\"a\":1", 1, 7, "expected ',' or '}' after an object member, got end of input");
    /* control bytes are not whitespace (cJSON would skip them) */
    syntax_error_s("{\"a\":\x01 1}", 1, 6, "expected a value, got U+0001");
    /* a NUL byte inside the length is trailing data, not the end */
    syntax_error("{\"a\":1}\0", 8, 1, 8, "unexpected NUL byte after the JSON value");
}
END_TEST

START_TEST(test_utf8_and_escapes)
{
    syntax_error_s("{\"a\":\"\xFF\"}", 1, 7, "invalid UTF-8");
    /* columns count characters: "é" is one column though two bytes */
    syntax_error_s("{\"\xC3\xA9\":\"\xC3\"}", 1, 7, "invalid UTF-8");
    syntax_error_s("{\"a\":\"\xC0\xAF\"}", 1, 7, "invalid UTF-8");        /* overlong '/' */
    syntax_error_s("{\"a\":\"\xED\xA0\x80\"}", 1, 7, "invalid UTF-8");    /* UTF-8 surrogate */
    syntax_error_s("{\"a\":\"\xF4\x90\x80\x80\"}", 1, 7, "invalid UTF-8"); /* > U+10FFFF */
    syntax_error_s("{\"a\":1, \xFF}", 1, 9, "invalid UTF-8");              /* outside strings */
    syntax_error_s("{\"a\":\"\\ud800\"}", 1, 7, "lone surrogate \\uD800 in string");
    syntax_error_s("{\"a\":\"\\uDC00x\"}", 1, 7, "lone surrogate \\uDC00 in string");
    syntax_error_s("{\"a\":\"\\ud800\\u0041\"}", 1, 7, "lone surrogate \\uD800 in string");
    syntax_error_s("{\"a\":\"x\\u0000\"}", 1, 8, "\\u0000 is not allowed in strings");
    syntax_error_s("{\"\\u0000\":1}", 1, 3, "\\u0000 is not allowed in strings");

    /* a surrogate pair is one character, U+1F600 = F0 9F 98 80 */
    struct doc *d = ok_text("{\"a\":\"\\ud83d\\ude00\", \"b\":\"\\u00e9\\/\", \"\xE2\x82\xAC\":1}");
    ck_assert_str_eq(str_at(d, "a"), "\xF0\x9F\x98\x80");
    ck_assert_str_eq(str_at(d, "b"), "\xC3\xA9/");
    ck_assert(num_at(d, "\xE2\x82\xAC") == 1.0);
    doc_free(d);
}
END_TEST

START_TEST(test_numbers)
{
    syntax_error_s("{\"a\":1e999}", 1, 6, "number out of range");
    syntax_error_s("{\n\"a\": [1, -1e400]}", 2, 10, "number out of range");
    syntax_error_s("{\"a\":1.7976931348623159e308}", 1, 6, "number out of range");

    /* 63 characters is cJSON's limit: 1 followed by 62 zeros reads exactly */
    char text[256], digits[80];
    memset(digits, '0', sizeof digits);
    digits[0] = '1';
    snprintf(text, sizeof text, "{\"a\":%.63s}", digits);
    struct doc *d = ok_text(text);
    ck_assert(num_at(d, "a") == 1e62);
    doc_free(d);
    snprintf(text, sizeof text, "{\"a\":%.64s}", digits);
    syntax_error_s(text, 1, 6, "number too long (more than 63 characters)");

    d = ok_text("{\"a\":1.7976931348623157e308, \"b\":-0.0, \"c\":1e-400, \"d\":12.5e-1, "
                "\"e\":1E+2}");
    ck_assert(num_at(d, "a") == 1.7976931348623157e308);
    ck_assert(num_at(d, "c") == 0.0); /* underflow rounds to zero: finite, accepted */
    ck_assert(num_at(d, "d") == 1.25);
    ck_assert(num_at(d, "e") == 100.0);
    doc_free(d);
}
END_TEST

START_TEST(test_numbers_german_locale)
{
    /* a decimal-comma locale changes neither what is accepted nor the value */
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "de_DE.UTF-8"));
    ck_assert_str_eq(localeconv()->decimal_point, ",");
    struct doc *d = ok_text("{\"a\":1.5, \"b\":-2.25e-1, \"c\":1.7976931348623157e308}");
    ck_assert(num_at(d, "a") == 1.5);
    ck_assert(num_at(d, "b") == -0.225);
    ck_assert(num_at(d, "c") == 1.7976931348623157e308);
    doc_free(d);
    syntax_error_s("{\"a\":1,5}", 1, 8,
                   "expected a string key after ',', got '5': JSON numbers use a decimal point: "
                   "1.5");
    syntax_error_s("{\"a\":1.8e308}", 1, 6, "number out of range");
    setlocale(LC_ALL, "C");
}
END_TEST

/* `n` nested objects {"a":{"a":...{}}} as text (top object included). */
static char *nested(int n)
{
    char *s = malloc((size_t)n * 6 + 2);
    size_t k = 0;
    for (int i = 0; i < n - 1; i++) {
        memcpy(s + k, "{\"a\":", 5);
        k += 5;
    }
    s[k++] = '{';
    memset(s + k, '}', (size_t)n);
    s[k + (size_t)n] = '\0';
    return s;
}

START_TEST(test_depth)
{
    char *s = nested(64);
    struct doc *d = ok_text(s);
    doc_free(d);
    free(s);
    s = nested(65);
    /* the 65th '{' is at column 5 * 64 + 1 */
    syntax_error_s(s, 1, 321, "nesting deeper than 64 levels");
    free(s);
    /* arrays count as levels too: top object + 64 arrays */
    char t[200];
    snprintf(t, sizeof t, "{\"a\":%.64s1%.64s}",
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
             "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    syntax_error_s(t, 1, 69, "nesting deeper than 64 levels");
}
END_TEST

START_TEST(test_duplicate_keys)
{
    char p[4096];
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "bad/dup.json"), NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].file, p);
    ck_assert_str_eq(e.items[0].path, "countries.IE.baseline");
    ck_assert_str_eq(e.items[0].message, "duplicate key \"baseline\"");
    ck_assert_int_eq(e.items[0].line, 0);

    ck_assert_int_eq(build_text("{\"$x\":1, \"b\":2, \"$x\":3}", NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "$x");
    ck_assert_str_eq(e.items[0].message, "duplicate key \"$x\"");

    ck_assert_int_eq(build_text("{\"events\":[{\"a\":1},{\"_n\":1,\"_n\":2}]}", NULL, &d, &e),
                     DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "events[1]._n");
    ck_assert_str_eq(e.items[0].message, "duplicate key \"_n\"");

    /* a large object (sorted check): k0..k29 then k17 again */
    char text[1024];
    size_t k = 0;
    k += (size_t)snprintf(text + k, sizeof text - k, "{\"c\":{");
    for (int i = 0; i < 30; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "\"k%d\":%d,", i, i);
    snprintf(text + k, sizeof text - k, "\"k17\":0}}");
    ck_assert_int_eq(build_text(text, NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "c.k17");
    ck_assert_str_eq(e.items[0].message, "duplicate key \"k17\"");

    /* same key in different objects is fine; keys are case-sensitive */
    d = ok_text("{\"a\":{\"x\":1},\"b\":{\"x\":2},\"X\":{\"x\":3},\"x\":4}");
    doc_free(d);
}
END_TEST

START_TEST(test_unreadable)
{
    char p[4096];
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "no-such-file.json"), NULL, &d, &e),
                     DCPROJ_ERR_NOINPUT);
    ck_assert_str_eq(e.items[0].file, p);
    ck_assert_str_eq(e.items[0].message, "cannot open: No such file or directory");
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain"), NULL, &d, &e), DCPROJ_ERR_NOINPUT);
    ck_assert_str_eq(e.items[0].message, "cannot open: Is a directory");
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_too_large)
{
    /* a sparse regular file one byte over the limit: refused by stat */
    char dir[] = "/tmp/dcproj-doc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char p[4096];
    snprintf(p, sizeof p, "%s/big.json", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)DCPROJ_MAX_FILE_BYTES + 1), 0);
    close(fd);
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(p, NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].message, "file too large: more than 67108864 bytes (64 MiB)");
    unlink(p);
    rmdir(dir);

    /* a buffer over the limit (not read: only its length is looked at) */
    dcproj_error_init(&e);
    ck_assert_int_eq(doc_build(NULL, "{}", (size_t)DCPROJ_MAX_FILE_BYTES + 1, "big", NULL, NULL,
                               &d, &e), DCPROJ_ERR_DATA);

    /* standard input from a pipe that never ends: reading stops at the limit */
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(pfd[0]);
        static char spaces[65536];
        memset(spaces, ' ', sizeof spaces);
        for (;;)
            if (write(pfd[1], spaces, sizeof spaces) < 0)
                _exit(0);
    }
    close(pfd[1]);
    ck_assert_int_eq(dup2(pfd[0], STDIN_FILENO), STDIN_FILENO);
    close(pfd[0]);
    ck_assert_int_eq(build_file("-", NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].file, "<stdin>");
    ck_assert_str_eq(e.items[0].message, "file too large: more than 67108864 bytes (64 MiB)");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}
END_TEST

START_TEST(test_stdin)
{
    char p[4096];
    /* `extends` from standard input resolves against the working directory */
    ck_assert_int_eq(chdir(fx(p, sizeof p, "chain")), 0);
    const char *text = "{\"extends\": \"base.json\", \"name\": \"piped\"}";
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    ck_assert_int_eq(write(pfd[1], text, strlen(text)), (ssize_t)strlen(text));
    close(pfd[1]);
    ck_assert_int_eq(dup2(pfd[0], STDIN_FILENO), STDIN_FILENO);
    close(pfd[0]);
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file("-", NULL, &d, &e), DCPROJ_OK);
    ck_assert_str_eq(doc_file(d), "<stdin>");
    ck_assert_str_eq(str_at(d, "name"), "piped");
    ck_assert(num_at(d, "countries.DE.baseline") == 2000);
    assert_origin(d, "countries.DE.baseline", DOC_ORIGIN_PARENT, "base.json");
    assert_origin(d, "name", 0, NULL);
    doc_free(d);

    /* syntax errors on stdin name "<stdin>" */
    ck_assert_int_eq(pipe(pfd), 0);
    ck_assert_int_eq(write(pfd[1], "{\n}}", 4), 4);
    close(pfd[1]);
    ck_assert_int_eq(dup2(pfd[0], STDIN_FILENO), STDIN_FILENO);
    close(pfd[0]);
    ck_assert_int_eq(build_file("-", NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].file, "<stdin>");
    ck_assert_int_eq(e.items[0].line, 2);
    ck_assert_int_eq(e.items[0].column, 2);
}
END_TEST

/* --------------------------------------------------------------- merge */

/* target + patch must give `expect` (compact, in key order). */
static void merge_case(const char *target, const char *patch, const char *expect)
{
    cJSON *t = cJSON_Parse(target);
    cJSON *p = cJSON_Parse(patch);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(doc_merge_patch(&t, p), DCPROJ_OK);
    assert_json(t, expect);
    cJSON_Delete(t);
    cJSON_Delete(p);
}

/* The one merge with hooks (load_merge.c), as the growth merge uses it:
 * a `replaces` rule (objects whose "dist" differ are replaced, not merged,
 * the test's own copy of SPEC §3's refinement) and bookkeeping of every
 * node copied, merged and removed.  Counts are worked out by hand from the
 * trees below. */
struct hook_log {
    int replaces_true, merging, merging_root, copied, tops, removing;
    const cJSON *copies[32];   /* the nodes `copied` was told about, in order */
    int bad_parent, bad_src;
};

static int log_replaces(void *ctx, const cJSON *t, const cJSON *p)
{
    struct hook_log *l = ctx;
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(t, "dist");
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(p, "dist");
    int r = pd != NULL && (td == NULL || strcmp(td->valuestring, pd->valuestring) != 0);
    l->replaces_true += r;
    return r;
}

static int log_copied(void *ctx, const cJSON *node, const cJSON *src, const cJSON *parent,
                      int top)
{
    struct hook_log *l = ctx;
    ck_assert_int_lt(l->copied, 32);
    /* a copy of its source, standing under the previous copy unless it is the top */
    if (node == src || node->type != src->type
        || (cJSON_IsString(src) && strcmp(node->valuestring, src->valuestring) != 0)
        || (cJSON_IsNumber(src) && node->valuedouble != src->valuedouble))
        l->bad_src++;
    int parent_known = 0;
    for (int i = 0; i < l->copied; i++)
        parent_known |= l->copies[i] == parent;
    if (!top && !parent_known)
        l->bad_parent++;
    l->copies[l->copied++] = node;
    l->tops += top;
    return DCPROJ_OK;
}

static int log_merging(void *ctx, const cJSON *t, const cJSON *p, const cJSON *parent)
{
    struct hook_log *l = ctx;
    ck_assert(cJSON_IsObject(t) && cJSON_IsObject(p));
    l->merging++;
    l->merging_root += parent == NULL;
    return DCPROJ_OK;
}

static void log_removing(void *ctx, const cJSON *node)
{
    struct hook_log *l = ctx;
    (void)node;
    l->removing++;
}

START_TEST(test_merge_hooks)
{
    const char *target = "{\"model\":\"c\",\"rate\":{\"dist\":\"normal\",\"mean\":0.1,"
                         "\"sd\":0.01},\"x\":{\"a\":1,\"b\":[1,null]},\"y\":2}";
    const char *patch = "{\"rate\":{\"dist\":\"uniform\",\"min\":0,\"max\":{\"q\":null,"
                        "\"r\":1}},\"x\":{\"a\":null,\"c\":{\"n\":null,\"m\":[null]}},"
                        "\"y\":null,\"z\":3}";
    cJSON *p = cJSON_Parse(patch);
    ck_assert_ptr_nonnull(p);

    /* without hooks: plain RFC 7396, the two distributions mixed */
    cJSON *t = cJSON_Parse(target);
    ck_assert_int_eq(merge_patch_hooked(&t, p, NULL), DCPROJ_OK);
    assert_json(t, "{\"model\":\"c\",\"rate\":{\"dist\":\"uniform\",\"mean\":0.1,"
                   "\"sd\":0.01,\"min\":0,\"max\":{\"r\":1}},\"x\":{\"b\":[1,null],"
                   "\"c\":{\"m\":[null]}},\"z\":3}");
    cJSON_Delete(t);

    /* with them: "rate" is replaced in its place, the rest merges as before */
    struct hook_log l = {0};
    const struct merge_hooks h = {&l, log_replaces, log_copied, log_merging, log_removing};
    t = cJSON_Parse(target);
    ck_assert_int_eq(merge_patch_hooked(&t, p, &h), DCPROJ_OK);
    assert_json(t, "{\"model\":\"c\",\"rate\":{\"dist\":\"uniform\",\"min\":0,"
                   "\"max\":{\"r\":1}},\"x\":{\"b\":[1,null],\"c\":{\"m\":[null]}},"
                   "\"z\":3}");
    ck_assert_int_eq(l.replaces_true, 1);  /* rate */
    ck_assert_int_eq(l.merging, 2);        /* the root and x */
    ck_assert_int_eq(l.merging_root, 1);
    /* rate{dist,min,max{r}} = 5, c{m[null]} = 3, z = 1; q and n left out */
    ck_assert_int_eq(l.copied, 9);
    ck_assert_int_eq(l.tops, 3);
    ck_assert_int_eq(l.bad_src, 0);
    ck_assert_int_eq(l.bad_parent, 0);
    ck_assert_int_eq(l.removing, 3);       /* the old rate, x.a, y */
    /* every copied node is in the result: rate's copy is the member now */
    ck_assert_ptr_eq(l.copies[0], cJSON_GetObjectItemCaseSensitive(t, "rate"));
    ck_assert_ptr_eq(l.copies[8], cJSON_GetObjectItemCaseSensitive(t, "z"));
    cJSON_Delete(t);

    /* a replaced root: removed once, copied with no parent */
    struct hook_log r = {0};
    const struct merge_hooks hr = {&r, log_replaces, log_copied, log_merging, log_removing};
    t = cJSON_Parse("{\"dist\":\"normal\",\"mean\":1,\"sd\":2}");
    cJSON *rp = cJSON_Parse("{\"dist\":\"pert\",\"min\":null,\"mode\":1}");
    ck_assert_int_eq(merge_patch_hooked(&t, rp, &hr), DCPROJ_OK);
    assert_json(t, "{\"dist\":\"pert\",\"mode\":1}");
    ck_assert_int_eq(r.removing, 1);
    ck_assert_int_eq(r.merging, 0);
    ck_assert_int_eq(r.copied, 3);
    ck_assert_int_eq(r.tops, 1);
    cJSON_Delete(t);
    cJSON_Delete(rp);
    cJSON_Delete(p);
}
END_TEST


START_TEST(test_merge_rfc7396)
{
    /* RFC 7396 Appendix A, all cases */
    merge_case("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    merge_case("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
    merge_case("{\"a\":\"b\"}", "{\"a\":null}", "{}");
    merge_case("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
    merge_case("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    merge_case("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
    merge_case("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}");
    merge_case("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
    merge_case("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
    merge_case("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
    merge_case("{\"a\":\"foo\"}", "null", "null");
    merge_case("{\"a\":\"foo\"}", "\"bar\"", "\"bar\"");
    merge_case("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
    merge_case("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
    merge_case("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}
END_TEST

START_TEST(test_merge_key_order)
{
    /* existing keys keep their place, new keys follow in patch order */
    merge_case("{\"a\":1,\"b\":2,\"c\":3}", "{\"d\":4,\"b\":null,\"a\":5,\"e\":6}",
               "{\"a\":5,\"c\":3,\"d\":4,\"e\":6}");
    merge_case("{\"x\":{\"p\":1,\"q\":2}}", "{\"x\":{\"r\":3,\"p\":{\"s\":null,\"t\":1}}}",
               "{\"x\":{\"p\":{\"t\":1},\"q\":2,\"r\":3}}");
    /* `$` and `_` keys merge like any other */
    merge_case("{\"$schema\":\"a\",\"_n\":1}", "{\"$schema\":\"b\",\"_m\":2,\"_n\":null}",
               "{\"$schema\":\"b\",\"_m\":2}");

    /* a large target (looked up through an index): k0..k99, patch deletes
     * k5 and k99, replaces k7, adds x1 and x2 */
    char *t = malloc(4096), *expect = malloc(4096);
    size_t k = 0, m = 0;
    k += (size_t)sprintf(t + k, "{");
    m += (size_t)sprintf(expect + m, "{");
    for (int i = 0; i < 100; i++) {
        k += (size_t)sprintf(t + k, "%s\"k%d\":%d", i ? "," : "", i, i);
        if (i == 5 || i == 99)
            continue;
        m += (size_t)sprintf(expect + m, "%s\"k%d\":%d", i ? "," : "", i, i == 7 ? 70 : i);
    }
    sprintf(t + k, "}");
    sprintf(expect + m, ",\"x1\":1,\"x2\":2}");
    merge_case(t, "{\"k5\":null,\"x1\":1,\"k7\":70,\"k99\":null,\"x2\":2,\"k500\":null}", expect);
    free(t);
    free(expect);
}
END_TEST

START_TEST(test_origin_map)
{
    /* 2000 nodes with origins; forgetting every third must leave the others
     * findable (backward-shift deletion keeps probe chains intact) */
    enum { N = 2000 };
    cJSON *arr = cJSON_CreateArray();
    cJSON **nodes = malloc(N * sizeof *nodes);
    struct doc_origin *labels = calloc(N, sizeof *labels);
    struct origin_map m = {NULL, 0, 0};
    for (int i = 0; i < N; i++) {
        nodes[i] = cJSON_CreateNumber(i);
        cJSON_AddItemToArray(arr, nodes[i]);
        /* even nodes: an explicit "from the file" entry (NULL origin) */
        ck_assert_int_eq(origin_map_set(&m, nodes[i], i % 2 ? &labels[i] : NULL), DCPROJ_OK);
    }
    ck_assert_uint_eq(m.count, N);
    for (int i = 0; i < N; i += 3)
        origin_map_forget_tree(&m, nodes[i]);
    ck_assert_uint_eq(m.count, N - (N + 2) / 3);
    for (int i = 0; i < N; i++) {
        const struct origin_slot *sl = origin_map_find(&m, nodes[i]);
        if (i % 3 == 0) {
            ck_assert_ptr_null(sl);
        } else {
            ck_assert_ptr_nonnull(sl);
            ck_assert_ptr_eq(sl->origin, i % 2 ? &labels[i] : NULL);
        }
    }
    /* forgetting a subtree forgets its descendants */
    origin_map_set(&m, arr, &labels[0]);
    origin_map_forget_tree(&m, arr);
    ck_assert_uint_eq(m.count, 0);
    origin_map_free(&m);
    cJSON_Delete(arr);
    free(nodes);
    free(labels);
}
END_TEST

START_TEST(test_large_patch_origins)
{
    /* 40 countries patched by 40 members (indexed lookups): C3 deleted, C5
     * replaced by a number, C7 merged, N0..N36 added */
    char dir[] = "/tmp/dcproj-doc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sp[4096], pp[4096];
    snprintf(sp, sizeof sp, "%s/s.json", dir);
    snprintf(pp, sizeof pp, "%s/p.json", dir);
    FILE *f = fopen(sp, "w");
    fprintf(f, "{\"countries\":{");
    for (int i = 0; i < 40; i++)
        fprintf(f, "%s\"C%d\":{\"baseline\":%d}", i ? "," : "", i, i);
    fprintf(f, "}}");
    fclose(f);
    f = fopen(pp, "w");
    fprintf(f, "{\"countries\":{\"C3\":null,\"C5\":5,\"C7\":{\"note\":\"n\"}");
    for (int i = 0; i < 37; i++)
        fprintf(f, ",\"N%d\":{\"baseline\":%d}", i, i);
    fprintf(f, "}}");
    fclose(f);
    struct dcproj_patch pt = {DCPROJ_PATCH_FILE, pp};
    struct dcproj_load_options o;
    opts(&o, &pt, 1);
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(sp, &o, &d, &e), DCPROJ_OK);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc_root(d), "countries");
    ck_assert_int_eq(cJSON_GetArraySize(c), 39 + 37);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(c, "C3"));
    ck_assert_str_eq(c->child->next->next->string, "C2");
    ck_assert_str_eq(c->child->next->next->next->string, "C4");
    ck_assert_str_eq(c->child->prev->string, "N36");
    ck_assert(num_at(d, "countries.C5") == 5);
    assert_origin(d, "countries.C5", DOC_ORIGIN_PATCH, pp);
    assert_origin(d, "countries.C7.baseline", 0, NULL);
    assert_origin(d, "countries.C7.note", DOC_ORIGIN_PATCH, pp);
    assert_origin(d, "countries.N20.baseline", DOC_ORIGIN_PATCH, pp);
    assert_origin(d, "countries.C39.baseline", 0, NULL);
    doc_free(d);
    unlink(sp);
    unlink(pp);
    rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------- extends */

START_TEST(test_extends_chain)
{
    char p[4096], base[4096], mid[4096];
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain/top.json"), NULL, &d, &e), DCPROJ_OK);
    /* base, then mid (name, DE.baseline, FR, uncertainty deleted), then top */
    assert_json(doc_root(d),
                "{\"dcproj\":1,\"name\":\"top\",\"baseline_year\":2023,\"horizon\":2035,"
                "\"defaults\":{\"growth\":{\"model\":\"compound\",\"rate\":0.1}},"
                "\"countries\":{\"IE\":{\"name\":\"Ireland\",\"baseline\":1200},"
                "\"DE\":{\"name\":\"Germany\",\"baseline\":2500},"
                "\"FR\":{\"name\":\"France\",\"baseline\":800},\"NL\":{\"baseline\":300}}}");
    ck_assert_ptr_null(doc_parent(d));

    /* origins: relative paths resolve against each file's directory */
    fx(mid, sizeof mid, "chain/mid/mid.json");
    fx(base, sizeof base, "chain/mid/../base.json");
    assert_origin(d, "dcproj", DOC_ORIGIN_PARENT, base);
    assert_origin(d, "baseline_year", DOC_ORIGIN_PARENT, base);
    assert_origin(d, "defaults.growth.rate", DOC_ORIGIN_PARENT, base);
    assert_origin(d, "name", 0, NULL);
    assert_origin(d, "horizon", 0, NULL);
    assert_origin(d, "countries", DOC_ORIGIN_PARENT, base);
    assert_origin(d, "countries.IE.name", DOC_ORIGIN_PARENT, base);
    assert_origin(d, "countries.IE.baseline", 0, NULL);
    assert_origin(d, "countries.DE.name", DOC_ORIGIN_PARENT, base);
    assert_origin(d, "countries.DE.baseline", DOC_ORIGIN_PARENT, mid);
    assert_origin(d, "countries.FR", DOC_ORIGIN_PARENT, mid);
    assert_origin(d, "countries.FR.name", DOC_ORIGIN_PARENT, mid);
    assert_origin(d, "countries.NL", 0, NULL);
    assert_origin(d, "countries.NL.baseline", 0, NULL);
    ck_assert_ptr_null(doc_origin_of(d, doc_root(d), NULL));
    /* the files read, by device and inode: top, mid, base (SPEC §9: an
     * output naming any of them is refused) */
    const char *read_paths[] = {p, mid, base};
    const struct json_file_id *ids = NULL;
    ck_assert_uint_eq(doc_files(d, &ids), 3);
    for (size_t i = 0; i < 3; i++) {
        struct stat st;
        ck_assert_int_eq(stat(read_paths[i], &st), 0);
        ck_assert_int_eq(ids[i].valid, 1);
        ck_assert(ids[i].dev == st.st_dev && ids[i].ino == st.st_ino);
    }
    doc_free(d);

    /* a buffer with base_dir */
    char dir[4096];
    const char *text = "{\"extends\":\"base.json\",\"name\":\"buf\",\"countries\":{\"IE\":null}}";
    dcproj_error_init(&e);
    ck_assert_int_eq(doc_build(NULL, text, strlen(text), "buf", fx(dir, sizeof dir, "chain"),
                               NULL, &d, &e), DCPROJ_OK);
    ck_assert_str_eq(doc_file(d), "buf");
    assert_json(cJSON_GetObjectItemCaseSensitive(doc_root(d), "countries"),
                "{\"DE\":{\"name\":\"Germany\",\"baseline\":2000}}");
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(doc_root(d), "extends"));
    assert_origin(d, "countries.DE", DOC_ORIGIN_PARENT, fx(base, sizeof base, "chain/base.json"));
    /* the buffer is no file: only its parent was read */
    struct stat bst;
    ck_assert_int_eq(stat(base, &bst), 0);
    ck_assert_uint_eq(doc_files(d, &ids), 1);
    ck_assert(ids[0].dev == bst.st_dev && ids[0].ino == bst.st_ino);
    doc_free(d);
}
END_TEST

START_TEST(test_extends_cycle)
{
    char a[4096], b[4096], msg[16384];
    struct doc *d = NULL;
    struct dcproj_error e;
    fx(a, sizeof a, "cycle/a.json");
    fx(b, sizeof b, "cycle/b.json");
    ck_assert_int_eq(build_file(a, NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.count, 1);
    ck_assert_str_eq(e.items[0].file, b);
    ck_assert_str_eq(e.items[0].path, "extends");
    snprintf(msg, sizeof msg, "extends cycle: %s -> %s -> %s", a, b, a);
    ck_assert_str_eq(e.items[0].message, msg);

    ck_assert_int_eq(build_file(fx(a, sizeof a, "cycle/self.json"), NULL, &d, &e), DCPROJ_ERR_DATA);
    snprintf(msg, sizeof msg, "extends cycle: %s -> %s", a, a);
    ck_assert_str_eq(e.items[0].message, msg);
}
END_TEST

/* Write f0.json ... f<n>.json in `dir`, each extending the next. */
static void write_chain(const char *dir, int n)
{
    for (int i = 0; i <= n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/f%d.json", dir, i);
        FILE *f = fopen(p, "w");
        ck_assert_ptr_nonnull(f);
        if (i < n)
            fprintf(f, "{\"extends\": \"f%d.json\", \"v%d\": %d}\n", i + 1, i, i);
        else
            fprintf(f, "{\"v%d\": %d}\n", i, i);
        fclose(f);
    }
}

START_TEST(test_extends_limit)
{
    char dir[] = "/tmp/dcproj-doc-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char p[4096], msg[8192];
    struct doc *d = NULL;
    struct dcproj_error e;

    write_chain(dir, 16); /* f0 -> ... -> f16: 16 hops, allowed */
    snprintf(p, sizeof p, "%s/f0.json", dir);
    ck_assert_int_eq(build_file(p, NULL, &d, &e), DCPROJ_OK);
    ck_assert(num_at(d, "v0") == 0);
    ck_assert(num_at(d, "v16") == 16);
    snprintf(msg, sizeof msg, "%s/f16.json", dir);
    assert_origin(d, "v16", DOC_ORIGIN_PARENT, msg);
    doc_free(d);

    write_chain(dir, 17); /* 17 hops: refused at f16's extends */
    ck_assert_int_eq(build_file(p, NULL, &d, &e), DCPROJ_ERR_DATA);
    snprintf(msg, sizeof msg, "%s/f16.json", dir);
    ck_assert_str_eq(e.items[0].file, msg);
    ck_assert_str_eq(e.items[0].path, "extends");
    snprintf(msg, sizeof msg, "extends chain too long: more than 16 hops from %s", p);
    ck_assert_str_eq(e.items[0].message, msg);

    for (int i = 0; i <= 17; i++) {
        snprintf(p, sizeof p, "%s/f%d.json", dir, i);
        unlink(p);
    }
    rmdir(dir);
}
END_TEST

START_TEST(test_extends_errors)
{
    char p[4096], q[4096], msg[8192];
    struct doc *d = NULL;
    struct dcproj_error e;
    /* the parent's syntax error names the parent with line:col */
    ck_assert_int_eq(build_file(fx(p, sizeof p, "bad/child.json"), NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.count, 1);
    ck_assert_str_eq(e.items[0].file, fx(q, sizeof q, "bad/broken.json"));
    ck_assert_int_eq(e.items[0].line, 4);
    ck_assert_int_eq(e.items[0].column, 3);
    ck_assert_str_eq(e.items[0].message, "expected ',' or '}' after an object member, got '\"'");

    /* a missing parent is 66 and names the parent */
    ck_assert_int_eq(build_file(fx(p, sizeof p, "bad/orphan.json"), NULL, &d, &e),
                     DCPROJ_ERR_NOINPUT);
    ck_assert_str_eq(e.items[0].file, fx(q, sizeof q, "bad/no-such-parent.json"));
    snprintf(msg, sizeof msg, "cannot open: No such file or directory (the parent named by %s)", p);
    ck_assert_str_eq(e.items[0].message, msg);

    ck_assert_int_eq(build_file(fx(p, sizeof p, "bad/extends-number.json"), NULL, &d, &e),
                     DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "extends");
    ck_assert_str_eq(e.items[0].message,
                     "expected the path of the parent scenario (a non-empty string), got a number");
    ck_assert_int_eq(build_text("{\"extends\":\"\"}", NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "extends");
    ck_assert_ptr_null(d);
}
END_TEST

/* ------------------------------------------------------------- patches */

START_TEST(test_set)
{
    char p[4096], base[4096];
    struct dcproj_patch pt[] = {
        {DCPROJ_PATCH_SET, "countries.IE.baseline=1500"},      /* JSON number */
        {DCPROJ_PATCH_SET, "countries.IE.name=\xC3\x89ire"},   /* not JSON: a string */
        {DCPROJ_PATCH_SET, "countries.FR.baseline=\"900\""},   /* a JSON string */
        {DCPROJ_PATCH_SET, "countries.DE=null"},               /* deletes */
        {DCPROJ_PATCH_SET, "countries.NL={\"note\":\"x\",\"baseline\":null}"}, /* merges */
        {DCPROJ_PATCH_SET, "a.b.c=[1,{\"d\":null}]"},          /* creates the path */
        {DCPROJ_PATCH_SET, "title={\"unclosed\": 1"},          /* not JSON: a string */
        {DCPROJ_PATCH_SET, "description="},                    /* empty: a string */
    };
    struct dcproj_load_options o;
    opts(&o, pt, sizeof pt / sizeof pt[0]);
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain/top.json"), &o, &d, &e), DCPROJ_OK);
    assert_json(cJSON_GetObjectItemCaseSensitive(doc_root(d), "countries"),
                "{\"IE\":{\"name\":\"\xC3\x89ire\",\"baseline\":1500},"
                "\"FR\":{\"name\":\"France\",\"baseline\":\"900\"},\"NL\":{\"note\":\"x\"}}");
    assert_json(cJSON_GetObjectItemCaseSensitive(doc_root(d), "a"), "{\"b\":{\"c\":[1,{\"d\":null}]}}");
    ck_assert_str_eq(str_at(d, "title"), "{\"unclosed\": 1");
    ck_assert_str_eq(str_at(d, "description"), "");
    /* origins of --set values, and of what they left alone */
    assert_origin(d, "countries.IE.baseline", DOC_ORIGIN_SET, "countries.IE.baseline=1500");
    assert_origin(d, "countries.FR.baseline", DOC_ORIGIN_SET, "countries.FR.baseline=\"900\"");
    assert_origin(d, "countries.NL.note", DOC_ORIGIN_SET,
                  "countries.NL={\"note\":\"x\",\"baseline\":null}");
    assert_origin(d, "countries.NL", 0, NULL);
    assert_origin(d, "a.b.c", DOC_ORIGIN_SET, "a.b.c=[1,{\"d\":null}]");
    assert_origin(d, "a", DOC_ORIGIN_SET, "a.b.c=[1,{\"d\":null}]");
    fx(base, sizeof base, "chain/mid/../base.json");
    assert_origin(d, "countries.FR.name", DOC_ORIGIN_PARENT, fx(p, sizeof p, "chain/mid/mid.json"));
    assert_origin(d, "countries.IE", DOC_ORIGIN_PARENT, base);
    doc_free(d);
}
END_TEST

START_TEST(test_set_errors)
{
    static const char *const bad[] = {"countries..IE=1", ".a=1", "a.=1", "a..=1"};
    struct doc *d = NULL;
    struct dcproj_error e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct dcproj_patch pt = {DCPROJ_PATCH_SET, bad[i]};
        struct dcproj_load_options o;
        opts(&o, &pt, 1);
        ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_ERR_DATA);
        char msg[256];
        snprintf(msg, sizeof msg, "--set %s: empty key in PATH", bad[i]);
        ck_assert_str_eq(e.items[0].message, msg);
        ck_assert_ptr_null(d);
    }
    struct dcproj_patch pt = {DCPROJ_PATCH_SET, "extends=base.json"};
    struct dcproj_load_options o;
    opts(&o, &pt, 1);
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "");
    ck_assert_str_eq(e.items[0].message, "--set extends=base.json: \"extends\" is not allowed in a patch");
    pt.text = "extends.x=1";
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_ERR_DATA);
    /* "extendsX" is just a key */
    pt.text = "extendsX=1";
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_OK);
    doc_free(d);
    pt.text = "novalue";
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].message, "--set novalue: expected PATH=VALUE");
    /* the patch {a:{a:...}} must fit in 64 levels: 64 keys hold a scalar
     * (the innermost object is level 64), 63 keys hold {} but not {"b":{}},
     * 65 keys are too many */
    char text[512];
    size_t k = 0;
    for (int i = 0; i < 63; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%sa", i ? "." : "");
    pt.text = text;
    snprintf(text + k, sizeof text - k, "={}");
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_OK);
    doc_free(d);
    snprintf(text + k, sizeof text - k, "={\"b\":{}}");
    d = NULL;
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].message + strlen(e.items[0].message) - 29,
                     "nesting deeper than 64 levels");
    ck_assert_ptr_null(d);
    snprintf(text + k, sizeof text - k, ".a=1");
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_OK);
    doc_free(d);
    snprintf(text + k, sizeof text - k, ".a.a=1");
    d = NULL;
    ck_assert_int_eq(build_text("{}", &o, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_patch_file)
{
    char p[4096], q[4096];
    struct dcproj_patch pt[] = {
        {DCPROJ_PATCH_SET, "countries.IE.baseline=1"},
        {DCPROJ_PATCH_FILE, NULL},
        {DCPROJ_PATCH_SET, "countries.IE.note=later"},
    };
    pt[1].text = fx(q, sizeof q, "patch/p.json");
    struct dcproj_load_options o;
    opts(&o, pt, 3);
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain/base.json"), &o, &d, &e), DCPROJ_OK);
    /* command-line order: the patch overrides the first --set, the last
     * --set overrides the patch */
    assert_json(cJSON_GetObjectItemCaseSensitive(doc_root(d), "countries"),
                "{\"IE\":{\"name\":\"Ireland\",\"baseline\":1500,\"note\":\"later\"}}");
    ck_assert_str_eq(str_at(d, "_why"), "what-if");
    assert_origin(d, "countries.IE.baseline", DOC_ORIGIN_PATCH, q);
    assert_origin(d, "_why", DOC_ORIGIN_PATCH, q);
    assert_origin(d, "countries.IE.note", DOC_ORIGIN_SET, "countries.IE.note=later");
    assert_origin(d, "countries.IE.name", 0, NULL);
    doc_free(d);

    opts(&o, pt + 1, 1);
    pt[1].text = fx(q, sizeof q, "patch/with-extends.json");
    d = NULL;
    ck_assert_int_eq(build_file(p, &o, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].file, q);
    ck_assert_str_eq(e.items[0].path, "extends");
    ck_assert_str_eq(e.items[0].message, "\"extends\" is not allowed in a patch");

    pt[1].text = fx(q, sizeof q, "patch/array.json");
    ck_assert_int_eq(build_file(p, &o, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].file, q);
    ck_assert_int_eq(e.items[0].line, 1);
    ck_assert_int_eq(e.items[0].column, 1);

    pt[1].text = fx(q, sizeof q, "patch/missing.json");
    ck_assert_int_eq(build_file(p, &o, &d, &e), DCPROJ_ERR_NOINPUT);
    ck_assert_str_eq(e.items[0].file, q);
    ck_assert_str_eq(e.items[0].message, "cannot open: No such file or directory");
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_overrides)
{
    char p[4096];
    struct dcproj_patch pt = {DCPROJ_PATCH_SET, "horizon=2031"};
    struct dcproj_load_options o;
    opts(&o, &pt, 1);
    o.horizon = 2040;
    o.step = 1;
    o.draws = 500;
    o.seed = 9007199254740992LL; /* 2^53, exact in a double */
    o.set = DCPROJ_LOAD_SET_HORIZON | DCPROJ_LOAD_SET_STEP | DCPROJ_LOAD_SET_DRAWS |
            DCPROJ_LOAD_SET_SEED;
    struct doc *d = NULL;
    struct dcproj_error e;
    /* top.json has no uncertainty (mid deleted it): --draws creates it */
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain/top.json"), &o, &d, &e), DCPROJ_OK);
    ck_assert(num_at(d, "horizon") == 2040); /* overrides apply after --set */
    ck_assert_str_eq(str_at(d, "step"), "quarter");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(doc_root(d), "uncertainty");
    ck_assert_int_eq(cJSON_GetArraySize(u), 2);
    ck_assert_str_eq(u->child->string, "draws");
    ck_assert(u->child->valuedouble == 500);
    ck_assert_str_eq(u->child->next->string, "seed");
    ck_assert(u->child->next->valuedouble == 9007199254740992.0);
    assert_origin(d, "horizon", DOC_ORIGIN_OPTION, "--horizon 2040");
    assert_origin(d, "step", DOC_ORIGIN_OPTION, "--step quarter");
    assert_origin(d, "uncertainty.draws", DOC_ORIGIN_OPTION, "--draws 500");
    assert_origin(d, "uncertainty.seed", DOC_ORIGIN_OPTION, "--seed 9007199254740992");
    doc_free(d);

    /* an existing uncertainty object is merged into, keeping its order */
    opts(&o, NULL, 0);
    o.seed = 0;
    o.step = 2;
    o.set = DCPROJ_LOAD_SET_SEED | DCPROJ_LOAD_SET_STEP;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain/base.json"), &o, &d, &e), DCPROJ_OK);
    assert_json(cJSON_GetObjectItemCaseSensitive(doc_root(d), "uncertainty"),
                "{\"draws\":100,\"seed\":0}");
    ck_assert_str_eq(str_at(d, "step"), "month");
    ck_assert(num_at(d, "horizon") == 2030); /* 0 keeps the file's */
    assert_origin(d, "uncertainty.draws", 0, NULL);
    assert_origin(d, "uncertainty.seed", DOC_ORIGIN_OPTION, "--seed 0");
    doc_free(d);
}
END_TEST

/* -------------------------------------------------------------- frozen */

START_TEST(test_frozen_calibration)
{
    char p[4096], q[4096];
    struct doc *d = NULL;
    struct dcproj_error e;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "frozen/whatif.json"), NULL, &d, &e), DCPROJ_OK);
    ck_assert_str_eq(str_at(d, "calibration"), "frozen");
    ck_assert(num_at(d, "countries.IE.baseline") == 900);
    const struct doc *par = doc_parent(d);
    ck_assert_ptr_nonnull(par);
    ck_assert_str_eq(doc_file(par), fx(q, sizeof q, "frozen/base.json"));
    ck_assert_str_eq(str_at(par, "name"), "pledge");
    ck_assert(num_at(par, "countries.IE.baseline") == 1000);
    ck_assert_ptr_null(doc_parent(par));
    /* the child's own values report no origin, the parent's say so */
    assert_origin(d, "countries.IE.baseline", 0, NULL);
    assert_origin(d, "targets", DOC_ORIGIN_PARENT, q);
    assert_origin(par, "targets", 0, NULL);
    doc_free(d);

    /* whatif2 inherits "frozen" from whatif: its parent is whatif resolved,
     * which is frozen on base in turn */
    ck_assert_int_eq(build_file(fx(p, sizeof p, "frozen/whatif2.json"), NULL, &d, &e), DCPROJ_OK);
    par = doc_parent(d);
    ck_assert_ptr_nonnull(par);
    ck_assert_str_eq(str_at(par, "name"), "whatif");
    ck_assert(num_at(par, "countries.IE.baseline") == 900);
    ck_assert_ptr_nonnull(doc_parent(par));
    ck_assert_str_eq(str_at(doc_parent(par), "name"), "pledge");
    doc_free(d);

    /* frozen without a parent */
    ck_assert_int_eq(build_file(fx(p, sizeof p, "frozen/lonely.json"), NULL, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].file, p);
    ck_assert_str_eq(e.items[0].path, "calibration");
    ck_assert_str_eq(e.items[0].message,
                     "\"frozen\" calibration needs a parent scenario to solve first: "
                     "add \"extends\" or use --frozen instead");
    ck_assert_int_eq(build_file(fx(p, sizeof p, "frozen/child-of-lonely.json"), NULL, &d, &e),
                     DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].file, fx(q, sizeof q, "frozen/lonely.json"));
    ck_assert_str_eq(e.items[0].path, "calibration");

    /* --set can switch it off, or on (the parent is then what extends names) */
    struct dcproj_patch pt = {DCPROJ_PATCH_SET, "calibration=null"};
    struct dcproj_load_options o;
    opts(&o, &pt, 1);
    ck_assert_int_eq(build_file(fx(p, sizeof p, "frozen/whatif.json"), &o, &d, &e), DCPROJ_OK);
    ck_assert_ptr_null(doc_parent(d));
    doc_free(d);
    pt.text = "calibration=frozen";
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain/top.json"), &o, &d, &e), DCPROJ_OK);
    ck_assert_ptr_nonnull(doc_parent(d));
    ck_assert_str_eq(str_at(doc_parent(d), "name"), "mid");
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(doc_root(doc_parent(d)), "calibration"));
    doc_free(d);
    ck_assert_int_eq(build_file(fx(p, sizeof p, "bom.json"), &o, &d, &e), DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "calibration");
}
END_TEST

START_TEST(test_frozen_option)
{
    char p[4096];
    struct dcproj_patch pt = {DCPROJ_PATCH_SET, "countries.IE.baseline=5"};
    struct dcproj_load_options o;
    opts(&o, &pt, 1);
    o.frozen = 1;
    o.horizon = 2040;
    o.set = DCPROJ_LOAD_SET_HORIZON;
    struct doc *d = NULL;
    struct dcproj_error e;
    /* --frozen: the parent is the same file before --set and overrides */
    ck_assert_int_eq(build_file(fx(p, sizeof p, "chain/top.json"), &o, &d, &e), DCPROJ_OK);
    const struct doc *par = doc_parent(d);
    ck_assert_ptr_nonnull(par);
    ck_assert_str_eq(doc_file(par), p);
    ck_assert(num_at(d, "countries.IE.baseline") == 5);
    ck_assert(num_at(par, "countries.IE.baseline") == 1200);
    ck_assert(num_at(par, "horizon") == 2035);
    ck_assert_ptr_null(doc_parent(par));
    /* both keep the origins of the file's own chain */
    char mid[4096];
    fx(mid, sizeof mid, "chain/mid/mid.json");
    assert_origin(par, "countries.DE.baseline", DOC_ORIGIN_PARENT, mid);
    assert_origin(d, "countries.DE.baseline", DOC_ORIGIN_PARENT, mid);
    assert_origin(par, "countries.IE.baseline", 0, NULL);
    assert_origin(d, "countries.IE.baseline", DOC_ORIGIN_SET, "countries.IE.baseline=5");
    assert_origin(d, "horizon", DOC_ORIGIN_OPTION, "--horizon 2040");
    doc_free(d);

    /* --frozen on a frozen file: the file is solved on its own parent first */
    ck_assert_int_eq(build_file(fx(p, sizeof p, "frozen/whatif.json"), &o, &d, &e), DCPROJ_OK);
    par = doc_parent(d);
    ck_assert_str_eq(str_at(par, "name"), "whatif");
    ck_assert(num_at(par, "countries.IE.baseline") == 900);
    ck_assert_ptr_nonnull(doc_parent(par));
    ck_assert_str_eq(str_at(doc_parent(par), "name"), "pledge");
    doc_free(d);

    /* --frozen without extends is fine */
    opts(&o, NULL, 0);
    o.frozen = 1;
    ck_assert_int_eq(build_file(fx(p, sizeof p, "bom.json"), &o, &d, &e), DCPROJ_OK);
    ck_assert_ptr_nonnull(doc_parent(d));
    doc_free(d);
}
END_TEST

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *data = getenv("DCPROJ_TEST_DATA");
    snprintf(fixture_dir, sizeof fixture_dir, "%s/doc", data != NULL ? data : "tests/data");

    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("read");
    if (argc > 1 && strcmp(argv[1], "--locale") == 0) {
        /* test "doc-locale": only the locale-dependent test; SKIP (77)
         * without de_DE.UTF-8 */
        german_locale_or_skip("doc-locale");
        tcase_add_test(tc, test_numbers_german_locale);
        suite_add_tcase(s, tc);
    } else {
        tcase_add_test(tc, test_bom_accepted);
        tcase_add_test(tc, test_syntax_positions);
        tcase_add_test(tc, test_utf8_and_escapes);
        tcase_add_test(tc, test_numbers);
        tcase_add_test(tc, test_depth);
        tcase_add_test(tc, test_duplicate_keys);
        tcase_add_test(tc, test_unreadable);
        tcase_add_test(tc, test_too_large);
        tcase_add_test(tc, test_stdin);
        suite_add_tcase(s, tc);
        tc = tcase_create("merge");
        tcase_add_test(tc, test_merge_rfc7396);
        tcase_add_test(tc, test_merge_hooks);
        tcase_add_test(tc, test_merge_key_order);
        tcase_add_test(tc, test_origin_map);
        suite_add_tcase(s, tc);
        tc = tcase_create("compose");
        tcase_add_test(tc, test_extends_chain);
        tcase_add_test(tc, test_extends_cycle);
        tcase_add_test(tc, test_extends_limit);
        tcase_add_test(tc, test_extends_errors);
        tcase_add_test(tc, test_set);
        tcase_add_test(tc, test_set_errors);
        tcase_add_test(tc, test_patch_file);
        tcase_add_test(tc, test_overrides);
        tcase_add_test(tc, test_large_patch_origins);
        tcase_add_test(tc, test_frozen_calibration);
        tcase_add_test(tc, test_frozen_option);
        suite_add_tcase(s, tc);
    }

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
