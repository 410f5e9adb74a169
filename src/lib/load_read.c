/*
 * load_read.c — stage 1 of the loader: reading JSON files strictly (SPEC §2, §9).
 *
 * cJSON is lenient where the SPEC is strict (it accepts control bytes as
 * whitespace, invalid UTF-8, lone surrogates, "\u0000", 1e999, nesting to
 * 1000, and reports errors through a global).  So a validating scanner
 * runs first: it checks the whole RFC 8259 grammar plus the SPEC's extra
 * rules and reports the first problem with its line and column.  Only text
 * that passed it is handed to cJSON_ParseWithLengthOpts() to build the tree,
 * which is then walked for duplicate keys (reported with their JSON path).
 */
#include "json_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dcproj/scenario.h"
#include "utf8_int.h"
#include "alloc_int.h"

/* ---------------------------------------------------------------- reading */

/* Record "cannot open: <reason>" / "cannot read: <reason>" for errno `e`. */
static int io_error(struct dcproj_error *err, const char *name, const char *what, int e)
{
    char buf[128];
    const char *msg = strerror_r(e, buf, sizeof buf);
    return dcproj_error_set(err, DCPROJ_ERR_NOINPUT, name, NULL, 0, 0, "%s: %s", what, msg);
}

int dcproj_file_read(const char *path, char **data, size_t *len, struct dcproj_error *err)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    return json_read_file(path, name, JSON_READ_ANY, data, len, NULL, err);
}

static int too_large(struct dcproj_error *err, const char *name)
{
    return dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, 0, 0,
                            "file too large: more than %u bytes (64 MiB)",
                            (unsigned)DCPROJ_MAX_FILE_BYTES);
}

int json_read_file(const char *path, const char *name, enum json_read_kind kind, char **out,
                   size_t *out_len, struct json_file_id *id, struct dcproj_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    int regular_only = kind == JSON_READ_REGULAR && !is_stdin;
    /* O_NONBLOCK: opening a FIFO for reading blocks until a writer comes;
     * a regular-only read must see what the path is before that. */
    int fd = is_stdin ? STDIN_FILENO
                      : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NONBLOCK : 0));
    if (fd < 0)
        return io_error(err, name, "cannot open", errno);

    int rc = DCPROJ_OK;
    char *buf = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = io_error(err, name, "cannot open", errno);
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = io_error(err, name, "cannot open", EISDIR);
        goto done;
    }
    if (regular_only && !S_ISREG(st.st_mode)) {
        rc = dcproj_error_set(err, DCPROJ_ERR_NOINPUT, name, NULL, 0, 0,
                              "cannot open: not a regular file");
        goto done;
    }
    if (regular_only) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
            rc = io_error(err, name, "cannot open", errno);
            goto done;
        }
    }
    if (S_ISREG(st.st_mode) && st.st_size > (off_t)DCPROJ_MAX_FILE_BYTES) {
        rc = too_large(err, name);
        goto done;
    }

    /* Room for the whole limit plus one byte tells "too large" apart. */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
    size_t len = 0;
    buf = dcproj_malloc(cap + 1);
    if (buf == NULL) {
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (;;) {
        if (len == cap) {
            if (cap > DCPROJ_MAX_FILE_BYTES) {
                rc = too_large(err, name);
                goto done;
            }
            size_t ncap = cap * 2 > (size_t)DCPROJ_MAX_FILE_BYTES + 1
                              ? (size_t)DCPROJ_MAX_FILE_BYTES + 1 : cap * 2;
            char *nbuf = dcproj_realloc(buf, ncap + 1);
            if (nbuf == NULL) {
                rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
                goto done;
            }
            buf = nbuf;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = io_error(err, name, "cannot read", errno);
            goto done;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > DCPROJ_MAX_FILE_BYTES) {
        rc = too_large(err, name);
        goto done;
    }
    buf[len] = '\0';
    if (id != NULL) {
        id->valid = 1;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    }
    *out = buf;
    *out_len = len;
    buf = NULL;
done:
    dcproj_free(buf);
    if (!is_stdin)
        close(fd);
    return rc;
}

/* ------------------------------------------------------------------ UTF-8 */

/* ---------------------------------------------------------------- scanner */

struct scan {
    const unsigned char *start; /* after the BOM */
    const unsigned char *p;
    const unsigned char *end;
    const char *name;
    struct dcproj_error *err;
    int depth;
};

/* Line and column (1-based, columns in characters) of `pos`. */
static void position(const unsigned char *start, const unsigned char *pos, int *line, int *col)
{
    int l = 1, c = 1;
    for (const unsigned char *q = start; q < pos; q++) {
        if (*q == '\n') {
            l++;
            c = 1;
        } else if ((*q & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Record a syntax problem at `pos`; returns DCPROJ_ERR_DATA. */
static int fail_at(struct scan *s, const unsigned char *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct scan *s, const unsigned char *pos, const char *fmt, ...)
{
    char msg[DCPROJ_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    position(s->start, pos, &line, &col);
    return dcproj_error_set(s->err, DCPROJ_ERR_DATA, s->name, NULL, line, col, "%s", msg);
}

/* Describe what stands at s->p, for "expected X, got Y". */
static void describe_here(const struct scan *s, char *buf, size_t size)
{
    if (s->p >= s->end) {
        snprintf(buf, size, "end of input");
        return;
    }
    unsigned c = *s->p, cp;
    if (c >= 0x21 && c < 0x7F)
        snprintf(buf, size, "'%c'", (char)c);
    else if (utf8_decode(s->p, s->end, &cp) > 0)
        snprintf(buf, size, "U+%04X", cp);
    else
        snprintf(buf, size, "byte 0x%02X", c);
}

/* "expected ..., got ..." at s->p; invalid UTF-8 there is named as such. */
static int expected(struct scan *s, const char *what)
{
    unsigned cp;
    if (s->p < s->end && *s->p >= 0x80 && utf8_decode(s->p, s->end, &cp) == 0)
        return fail_at(s, s->p, "invalid UTF-8");
    char got[32];
    describe_here(s, got, sizeof got);
    return fail_at(s, s->p, "expected %s, got %s", what, got);
}

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *v)
{
    if (end - p < 4)
        return 0;
    unsigned r = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return 0;
        r = r * 16 + d;
    }
    *v = r;
    return 1;
}

/* A string starting at the opening quote s->p. */
static int scan_string(struct scan *s)
{
    const unsigned char *open = s->p++;
    while (s->p < s->end) {
        unsigned c = *s->p;
        if (c == '"') {
            s->p++;
            return DCPROJ_OK;
        }
        if (c == '\\') {
            const unsigned char *esc = s->p;
            if (s->p + 1 >= s->end)
                break;
            unsigned e = s->p[1];
            if (strchr("\"\\/bfnrt", (int)e) != NULL && e != 0) {
                s->p += 2;
                continue;
            }
            if (e != 'u') {
                if (e >= 0x21 && e < 0x7F)
                    return fail_at(s, esc, "invalid escape '\\%c' in string", (char)e);
                return fail_at(s, esc, "invalid escape in string");
            }
            unsigned v;
            if (!hex4(s->p + 2, s->end, &v))
                return fail_at(s, esc, "invalid \\u escape: expected 4 hexadecimal digits");
            s->p += 6;
            if (v == 0)
                return fail_at(s, esc, "\\u0000 is not allowed in strings");
            if (v >= 0xDC00 && v <= 0xDFFF)
                return fail_at(s, esc, "lone surrogate \\u%04X in string", v);
            if (v >= 0xD800 && v <= 0xDBFF) {
                unsigned lo;
                if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u'
                    || !hex4(s->p + 2, s->end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return fail_at(s, esc, "lone surrogate \\u%04X in string", v);
                s->p += 6;
            }
            continue;
        }
        if (c < 0x20)
            return fail_at(s, s->p,
                           "control character U+%04X in string (write it as an escape)", c);
        if (c >= 0x80) {
            unsigned cp;
            size_t n = utf8_decode(s->p, s->end, &cp);
            if (n == 0)
                return fail_at(s, s->p, "invalid UTF-8");
            s->p += n;
            continue;
        }
        s->p++;
    }
    return fail_at(s, open, "unterminated string");
}

static int is_digit(unsigned c)
{
    return c >= '0' && c <= '9';
}

/*
 * A number at s->p.  Besides the grammar, refuses tokens cJSON would
 * truncate and values that overflow a double.  The overflow test rewrites
 * the number as "<all digits>e<exponent>" without a decimal point, so
 * strtod() gives the same rounding as cJSON and cannot depend on the
 * locale's decimal separator.
 */
static int scan_number(struct scan *s)
{
    const unsigned char *tok = s->p;
    char digits[JSON_MAX_NUMBER_CHARS + 32];
    size_t nd = 0;
    long nfrac = 0;
    if (*s->p == '-')
        s->p++;
    if (s->p >= s->end || !is_digit(*s->p)) {
        if (s->end - s->p >= 8 && memcmp(s->p, "Infinity", 8) == 0)
            return fail_at(s, tok, "Infinity is not a JSON number");
        return fail_at(s, s->p, "invalid number: expected a digit after '-'");
    }
    if (*s->p == '0' && s->p + 1 < s->end && is_digit(s->p[1]))
        return fail_at(s, tok, "invalid number: leading zeros are not allowed");
    while (s->p < s->end && is_digit(*s->p)) {
        if (nd < JSON_MAX_NUMBER_CHARS)
            digits[nd++] = (char)*s->p;
        s->p++;
    }
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (s->p >= s->end || !is_digit(*s->p))
            return fail_at(s, s->p, "invalid number: expected a digit after '.'");
        while (s->p < s->end && is_digit(*s->p)) {
            if (nd < JSON_MAX_NUMBER_CHARS)
                digits[nd++] = (char)*s->p;
            nfrac++;
            s->p++;
        }
    }
    long exp10 = 0;
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        int neg = 0;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            neg = *s->p++ == '-';
        if (s->p >= s->end || !is_digit(*s->p))
            return fail_at(s, s->p, "invalid number: expected a digit in the exponent");
        while (s->p < s->end && is_digit(*s->p)) {
            if (exp10 < 100000000L)
                exp10 = exp10 * 10 + (*s->p - '0');
            s->p++;
        }
        if (neg)
            exp10 = -exp10;
    }
    if (s->p - tok > JSON_MAX_NUMBER_CHARS)
        return fail_at(s, tok, "number too long (more than %d characters)", JSON_MAX_NUMBER_CHARS);
    snprintf(digits + nd, sizeof digits - nd, "e%ld", exp10 - nfrac);
    double v = strtod(digits, NULL);
    if (!isfinite(v))
        return fail_at(s, tok, "number out of range");
    return DCPROJ_OK;
}

/* Length of the run of letters/digits at `p` (to name bad literals). */
static size_t word_len(const unsigned char *p, const unsigned char *end)
{
    size_t n = 0;
    while (p + n < end && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z')
                           || is_digit(p[n])))
        n++;
    return n;
}

static int scan_value(struct scan *s);

/* "{"rate": 0,15}": a number, then ',' and digits with no space between
 * is a decimal comma (SPEC §9 v2): say so, with the number as JSON writes
 * it.  `num`..`num_end` is the number before the ','. */
static int decimal_comma(struct scan *s, const unsigned char *num, const unsigned char *num_end)
{
    size_t nd = 0;
    while (s->p + nd < s->end && is_digit(s->p[nd]) && nd < 32)
        nd++;
    char got[32];
    describe_here(s, got, sizeof got);
    return fail_at(s, s->p,
                   "expected a string key after ',', got %s: JSON numbers use a decimal point: "
                   "%.*s.%.*s",
                   got, (int)(num_end - num < 32 ? num_end - num : 32), (const char *)num, (int)nd,
                   (const char *)s->p);
}

/* An object or array starting at s->p; `close` is '}' or ']'. */
static int scan_container(struct scan *s, char close)
{
    if (++s->depth > DCPROJ_MAX_DEPTH)
        return fail_at(s, s->p, "nesting deeper than %d levels", DCPROJ_MAX_DEPTH);
    int obj = close == '}';
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        s->depth--;
        return DCPROJ_OK;
    }
    const unsigned char *num = NULL, *num_end = NULL; /* a number just before ',' */
    for (int first = 1;; first = 0) {
        int rc;
        if (obj) {
            if (!first && num != NULL && s->p == num_end + 1 && s->p < s->end && is_digit(*s->p))
                return decimal_comma(s, num, num_end);
            if (s->p >= s->end || *s->p != '"')
                return expected(s, first ? "a string key or '}'" : "a string key after ','");
            if ((rc = scan_string(s)) != DCPROJ_OK)
                return rc;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return expected(s, "':' after an object key");
            s->p++;
            skip_ws(s);
        } else if (!first && s->p < s->end && *s->p == ']') {
            return fail_at(s, s->p, "expected a value after ',', got ']' (trailing comma)");
        }
        const unsigned char *v = s->p;
        if ((rc = scan_value(s)) != DCPROJ_OK)
            return rc;
        num = (*v == '-' || is_digit(*v)) ? v : NULL;
        num_end = s->p;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            skip_ws(s);
            continue;
        }
        if (s->p < s->end && *s->p == close) {
            s->p++;
            s->depth--;
            return DCPROJ_OK;
        }
        return expected(s, obj ? "',' or '}' after an object member"
                               : "',' or ']' after an array element");
    }
}

static int scan_value(struct scan *s)
{
    if (s->p >= s->end)
        return expected(s, "a value");
    switch (*s->p) {
    case '{':
        return scan_container(s, '}');
    case '[':
        return scan_container(s, ']');
    case '"':
        return scan_string(s);
    default:
        break;
    }
    if (*s->p == '-' || is_digit(*s->p))
        return scan_number(s);
    static const char *const literals[] = {"true", "false", "null"};
    size_t n = word_len(s->p, s->end);
    for (size_t i = 0; i < 3; i++) {
        if (n == strlen(literals[i]) && memcmp(s->p, literals[i], n) == 0) {
            s->p += n;
            return DCPROJ_OK;
        }
    }
    if ((n == 3 && memcmp(s->p, "NaN", 3) == 0) || (n == 8 && memcmp(s->p, "Infinity", 8) == 0))
        return fail_at(s, s->p, "%.*s is not a JSON number", (int)n, (const char *)s->p);
    if (n > 0)
        return fail_at(s, s->p, "invalid literal '%.*s' (expected true, false or null)",
                       n > 32 ? 32 : (int)n, (const char *)s->p);
    return expected(s, "a value");
}

/* ------------------------------------------------------------ tree checks */

const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsObject(v)) return "an object";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsTrue(v)) return "true";
    if (cJSON_IsFalse(v)) return "false";
    if (cJSON_IsNull(v)) return "null";
    return "an invalid value";
}

int json_depth(const cJSON *v)
{
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return 0;
    int max = 0;
    for (const cJSON *c = v->child; c != NULL; c = c->next) {
        int d = json_depth(c);
        if (d > max)
            max = d;
    }
    return max + 1;
}

/* A growable JSON path ("countries.IE", "events[2]"). */
struct path {
    char *buf;
    size_t len, cap;
};

static int path_push(struct path *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int path_push(struct path *p, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        /* no buffer yet: measure only (NULL + 0 is undefined behaviour) */
        int n = vsnprintf(p->buf != NULL ? p->buf + p->len : NULL, p->cap - p->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return DCPROJ_ERR_NOMEM;
        if ((size_t)n < p->cap - p->len) {
            p->len += (size_t)n;
            return DCPROJ_OK;
        }
        size_t ncap = (p->cap + (size_t)n + 1) * 2;
        char *nb = dcproj_realloc(p->buf, ncap);
        if (nb == NULL)
            return DCPROJ_ERR_NOMEM;
        p->buf = nb;
        p->cap = ncap;
    }
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key that appears twice among the members of object `o`, or NULL.  Small
 * objects compare pairwise; large ones sort a copy of the key pointers. */
static const char *find_duplicate(const cJSON *o, int *nomem)
{
    size_t n = 0;
    for (const cJSON *c = o->child; c != NULL; c = c->next)
        n++;
    if (n < 2)
        return NULL;
    if (n <= 16) {
        for (const cJSON *a = o->child; a != NULL; a = a->next)
            for (const cJSON *b = o->child; b != a; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return a->string;
        return NULL;
    }
    const char **keys = dcproj_malloc(n * sizeof *keys);
    if (keys == NULL) {
        *nomem = 1;
        return NULL;
    }
    size_t i = 0;
    for (const cJSON *c = o->child; c != NULL; c = c->next)
        keys[i++] = c->string;
    qsort(keys, n, sizeof *keys, cmp_keys);
    const char *dup = NULL;
    for (i = 1; i < n && dup == NULL; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0)
            dup = keys[i];
    dcproj_free(keys);
    return dup;
}

/* Walk the tree: duplicate keys and (defensively) non-finite numbers. */
static int check_tree(const cJSON *v, struct path *p, const char *name, struct dcproj_error *err)
{
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
        return dcproj_error_set(err, DCPROJ_ERR_DATA, name, p->buf, 0, 0, "number out of range");
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return DCPROJ_OK;
    if (cJSON_IsObject(v)) {
        int nomem = 0;
        const char *dup = find_duplicate(v, &nomem);
        if (nomem)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
        if (dup != NULL) {
            /* named at the duplicated key's own path (the value at fault) */
            if (path_push(p, "%s%s", p->len > 0 ? "." : "", dup) != DCPROJ_OK)
                return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
            return dcproj_error_set(err, DCPROJ_ERR_DATA, name, p->buf, 0, 0,
                                    "duplicate key \"%s\"", dup);
        }
    }
    size_t keep = p->len;
    size_t i = 0;
    for (const cJSON *c = v->child; c != NULL; c = c->next, i++) {
        int rc = cJSON_IsObject(v) ? path_push(p, "%s%s", keep > 0 ? "." : "", c->string)
                                   : path_push(p, "[%zu]", i);
        if (rc != DCPROJ_OK)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
        rc = check_tree(c, p, name, err);
        p->len = keep;
        p->buf[keep] = '\0';
        if (rc != DCPROJ_OK)
            return rc;
    }
    return DCPROJ_OK;
}

/* ----------------------------------------------------------------- public */

int json_parse_strict(const char *data, size_t len, const char *name, enum json_top top,
                      cJSON **out, struct dcproj_error *err)
{
    if (len > DCPROJ_MAX_FILE_BYTES)
        return too_large(err, name);
    struct scan s;
    s.start = (const unsigned char *)data;
    s.end = s.start + len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        s.start += 3;
    s.p = s.start;
    s.name = name;
    s.err = err;
    s.depth = 0;

    skip_ws(&s);
    if (s.p >= s.end)
        return fail_at(&s, s.p, "empty input: expected a JSON object");
    const unsigned char *value_start = s.p;
    if (top == JSON_TOP_OBJECT && *s.p != '{') {
        unsigned c = *s.p;
        const char *kind = c == '[' ? "an array" : c == '"' ? "a string"
                         : (c == '-' || is_digit(c)) ? "a number" : NULL;
        if (kind != NULL)
            return fail_at(&s, s.p, "expected a JSON object at the top level, got %s", kind);
        return expected(&s, "a JSON object");
    }
    int rc = scan_value(&s);
    if (rc != DCPROJ_OK)
        return rc;
    skip_ws(&s);
    if (s.p < s.end) {
        if (*s.p == '\0')
            return fail_at(&s, s.p, "unexpected NUL byte after the JSON value");
        return fail_at(&s, s.p, "unexpected data after the JSON value");
    }

    /* The text is valid; cJSON builds the tree.  data[len] is the NUL that
     * require_null_terminated looks for. */
    const char *end = NULL;
    size_t plen = (size_t)(s.end - value_start) + 1;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)value_start, plen, &end, 1);
    if (root == NULL) /* the text passed the strict parser: cJSON ran out of memory */
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
    struct path p = {NULL, 0, 0};
    rc = path_push(&p, "%s", "");
    if (rc != DCPROJ_OK)
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
    else
        rc = check_tree(root, &p, name, err);
    dcproj_free(p.buf);
    if (rc != DCPROJ_OK) {
        cJSON_Delete(root);
        return rc;
    }
    *out = root;
    return DCPROJ_OK;
}
