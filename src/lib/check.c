/*
 * check.c — reading CSV tables and comparing a projection with a golden
 * CSV (SPEC §7 `check`).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/check.h"
#include "dcproj/report.h"
#include "alloc_int.h"
#include "idmap_int.h"

void dcproj_csv_clear(struct dcproj_csv *csv)
{
    if (csv == NULL)
        return;
    for (size_t r = 0; r < csv->n_records; r++) {
        if (csv->fields[r] == NULL)
            continue;
        for (size_t c = 0; c < csv->n_fields; c++)
            dcproj_free(csv->fields[r][c]);
        dcproj_free(csv->fields[r]);
    }
    dcproj_free(csv->fields);
    dcproj_free(csv->lines);
    memset(csv, 0, sizeof *csv);
}

/* A growable byte buffer for one field. */
struct buf {
    char *p;
    size_t n, cap;
};

static int buf_put(struct buf *b, char c)
{
    if (b->n + 1 >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        char *p = dcproj_realloc(b->p, cap);
        if (p == NULL)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    b->p[b->n++] = c;
    return 0;
}

/* Growable list of fields of the current record. */
struct rec {
    char **f;
    size_t n, cap;
};

static int rec_push(struct rec *r, struct buf *b)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char **f = dcproj_realloc(r->f, cap * sizeof *f);
        if (f == NULL)
            return -1;
        r->f = f;
        r->cap = cap;
    }
    char *s = dcproj_malloc(b->n + 1);
    if (s == NULL)
        return -1;
    if (b->n)
        memcpy(s, b->p, b->n);
    s[b->n] = '\0';
    r->f[r->n++] = s;
    b->n = 0;
    return 0;
}

static void rec_drop(struct rec *r)
{
    for (size_t i = 0; i < r->n; i++)
        dcproj_free(r->f[i]);
    r->n = 0;
}

/* A table whose header is one field holding ';' was written with
 * --excel-eu (or --decimal-comma) and read with ',': name the slip (SPEC §9
 * v2).  "" otherwise. */
static const char *excel_eu_hint(const struct dcproj_csv *t, char delimiter)
{
    if (delimiter != ';' && t->n_records > 0 && t->n_fields == 1
        && strchr(t->fields[0][0], ';') != NULL)
        return ": the header splits on ';', so the file looks like --excel-eu output: "
               "pass --excel-eu";
    return "";
}

/* Append the finished record to the table, checking its width. */
static int table_push(struct dcproj_csv *t, struct rec *r, size_t line, size_t *cap,
                      char delimiter, const char *name, struct dcproj_error *err)
{
    if (t->n_records == 0) {
        t->n_fields = r->n;
    } else if (r->n != t->n_fields) {
        int rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)line, 0,
                                  "expected %zu fields as in the header, got %zu%s", t->n_fields,
                                  r->n, excel_eu_hint(t, delimiter));
        rec_drop(r);
        return rc;
    }
    if (t->n_records == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        char ***f = dcproj_realloc(t->fields, nc * sizeof *f);
        size_t *l = f ? dcproj_realloc(t->lines, nc * sizeof *l) : NULL;
        if (f != NULL)
            t->fields = f;
        if (l == NULL) {
            rec_drop(r);
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
        }
        t->lines = l;
        *cap = nc;
    }
    char **fields = dcproj_malloc((r->n ? r->n : 1) * sizeof *fields);
    if (fields == NULL) {
        rec_drop(r);
        return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
    }
    memcpy(fields, r->f, r->n * sizeof *fields);
    t->fields[t->n_records] = fields;
    t->lines[t->n_records] = line;
    t->n_records++;
    r->n = 0;
    return DCPROJ_OK;
}

int dcproj_csv_parse(const char *name, const char *text, size_t len, char delimiter,
                     struct dcproj_csv *out, struct dcproj_error *err)
{
    struct dcproj_csv t;
    memset(&t, 0, sizeof t);
    struct buf b = {0};
    struct rec r = {0};
    size_t cap = 0, i = 0, line = 1, rec_line = 1;
    int rc = DCPROJ_OK;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (i >= len) {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, 1, 0, "empty table: expected a header line");
        goto done;
    }
    while (i < len) {
        /* one field */
        if (text[i] == '"') {
            size_t qline = line;
            i++;
            for (;;) {
                if (i >= len) {
                    rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)qline, 0,
                                          "unterminated quoted field");
                    goto done;
                }
                char c = text[i++];
                if (c == '"') {
                    if (i < len && text[i] == '"') {
                        i++;
                    } else {
                        break;
                    }
                } else if (c == '\n') {
                    line++;
                }
                if (buf_put(&b, c) != 0)
                    goto nomem;
            }
            if (i < len && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
                /* a quote that spans lines and then closes badly is most
                   likely an unterminated quote: name the line it opened */
                if (line != qline)
                    rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)qline, 0,
                                          "unterminated quoted field? it runs to line %zu and is "
                                          "followed by an unexpected character there",
                                          line);
                else
                    rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)line, 0,
                                          "unexpected character after a closing quote");
                goto done;
            }
        } else {
            while (i < len && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
                if (text[i] == '"') {
                    rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)line, 0,
                                          "a quote inside an unquoted field%s",
                                          excel_eu_hint(&t, delimiter));
                    goto done;
                }
                if (buf_put(&b, text[i++]) != 0)
                    goto nomem;
            }
        }
        if (rec_push(&r, &b) != 0)
            goto nomem;
        if (i < len && text[i] == delimiter) {
            i++;
            if (i == len && rec_push(&r, &b) != 0) /* trailing empty field */
                goto nomem;
            continue;
        }
        /* end of record */
        if (i < len && text[i] == '\r') {
            i++;
            if (i >= len || text[i] != '\n') {
                rc = dcproj_error_set(err, DCPROJ_ERR_DATA, name, NULL, (int)line, 0,
                                      "a carriage return not followed by a line feed");
                goto done;
            }
        }
        if (i < len && text[i] == '\n')
            i++;
        rc = table_push(&t, &r, rec_line, &cap, delimiter, name, err);
        if (rc != DCPROJ_OK)
            goto done;
        line++;
        rec_line = line;
    }
    if (r.n > 0) {
        rc = table_push(&t, &r, rec_line, &cap, delimiter, name, err);
        if (rc != DCPROJ_OK)
            goto done;
    }
    dcproj_free(b.p);
    dcproj_free(r.f);
    *out = t;
    return DCPROJ_OK;
nomem:
    rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
done:
    dcproj_free(b.p);
    rec_drop(&r);
    dcproj_free(r.f);
    dcproj_csv_clear(&t);
    return rc;
}

void dcproj_check_options_init(struct dcproj_check_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->rtol = 1e-9;
    opt->atol = 1e-9;
    opt->delimiter = ',';
    opt->max_diffs = 20;
}

void dcproj_check_report_clear(struct dcproj_check_report *report)
{
    if (report == NULL)
        return;
    dcproj_free(report->diffs);
    memset(report, 0, sizeof *report);
}

/* Columns that identify a row, in every table dcproj writes. */
static const char *const key_names[] = {"kind", "code", "period", "model", "scenario", "region",
                                        "variable", "year", "subannual", "type", "id"};

static long find_col(const struct dcproj_csv *t, const char *name)
{
    for (size_t c = 0; c < t->n_fields; c++)
        if (strcmp(t->fields[0][c], name) == 0)
            return (long)c;
    return -1;
}

/* The key of record r: its key columns joined with ','; or its position
 * when the table has no key column. */
static void row_key(const struct dcproj_csv *t, const long *keys, size_t n_keys, size_t r,
                    char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    if (n_keys == 0) {
        snprintf(out, size, "row %zu", r);
        return;
    }
    for (size_t k = 0; k < n_keys; k++) {
        int w = snprintf(out + used, size - used, "%s%s", k ? "," : "", t->fields[r][keys[k]]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

/* Row key -> record index: the one hash map (idmap.c) over keys this map
 * owns (row keys are built in a scratch buffer). */
struct keymap {
    struct idmap map;
    char **owned;
    size_t n_owned;
};

static int keymap_init(struct keymap *m, size_t n)
{
    memset(m, 0, sizeof *m);
    m->owned = dcproj_calloc(n ? n : 1, sizeof *m->owned);
    return m->owned != NULL ? 0 : -1;
}

static void keymap_free(struct keymap *m)
{
    for (size_t i = 0; i < m->n_owned; i++)
        dcproj_free(m->owned[i]);
    dcproj_free(m->owned);
    idmap_free(&m->map);
    m->owned = NULL;
    m->n_owned = 0;
}

/* Insert (at most the `n` keys of keymap_init()); returns 1 if the key was
 * already there, -1 on no memory. */
static int keymap_put(struct keymap *m, const char *key, size_t row)
{
    if (idmap_get(&m->map, key) >= 0)
        return 1;
    char *own = dcproj_strdup(key);
    if (own == NULL)
        return -1;
    if (idmap_put(&m->map, own, row) < 0) {
        dcproj_free(own);
        return -1;
    }
    m->owned[m->n_owned++] = own;
    return 0;
}

static long keymap_get(const struct keymap *m, const char *key)
{
    return idmap_get(&m->map, key);
}

/* Copy `src` into dst[size], cutting it short if needed. */
static void copy_trunc(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void add_diff(struct dcproj_check_report *rep, const struct dcproj_check_options *opt,
                     const char *row, const char *col, const char *exp, const char *got, double rel)
{
    rep->cells_differ++;
    if (rep->n_diffs >= opt->max_diffs || rep->diffs == NULL)
        return;
    struct dcproj_check_diff *d = &rep->diffs[rep->n_diffs++];
    copy_trunc(d->row, sizeof d->row, row);
    copy_trunc(d->column, sizeof d->column, col);
    copy_trunc(d->expected, sizeof d->expected, exp);
    copy_trunc(d->got, sizeof d->got, got);
    d->rel = rel;
}

int dcproj_check_compare(const char *golden_name, const char *expected, size_t expected_len,
                         const char *got, size_t got_len, const struct dcproj_check_options *opt,
                         struct dcproj_check_report *rep, struct dcproj_error *err)
{
    struct dcproj_csv exp = {0}, out = {0};
    struct keymap map = {0};
    long *keys = NULL, *gkeys = NULL, *colmap = NULL;
    memset(rep, 0, sizeof *rep);
    int rc = dcproj_csv_parse(golden_name, expected, expected_len, opt->delimiter, &exp, err);
    if (rc != DCPROJ_OK)
        return rc;
    if (*excel_eu_hint(&exp, opt->delimiter) != '\0') {
        rc = dcproj_error_set(err, DCPROJ_ERR_DATA, golden_name, NULL, (int)exp.lines[0], 0,
                              "expected a header kind,code,...%s", excel_eu_hint(&exp, opt->delimiter));
        goto done;
    }
    rc = dcproj_csv_parse("<output>", got, got_len, opt->delimiter, &out, err);
    if (rc != DCPROJ_OK)
        goto done;
    rep->diffs = dcproj_calloc(opt->max_diffs ? opt->max_diffs : 1, sizeof *rep->diffs);
    keys = dcproj_calloc(sizeof key_names / sizeof key_names[0], sizeof *keys);
    gkeys = dcproj_calloc(sizeof key_names / sizeof key_names[0], sizeof *gkeys);
    colmap = dcproj_calloc(exp.n_fields ? exp.n_fields : 1, sizeof *colmap);
    if (rep->diffs == NULL || keys == NULL || gkeys == NULL || colmap == NULL)
        goto nomem;
    /* header: names must be distinct in the golden */
    for (size_t c = 0; c < exp.n_fields; c++)
        for (size_t d = 0; d < c; d++)
            if (strcmp(exp.fields[0][c], exp.fields[0][d]) == 0) {
                rc = dcproj_error_set(err, DCPROJ_ERR_DATA, golden_name, NULL, (int)exp.lines[0], 0,
                                      "column \"%s\" appears twice in the header", exp.fields[0][c]);
                goto done;
            }
    /* Rows match on the key columns both tables have.  A key column in one
     * table only means different layouts (a long golden checked as wide):
     * then no row matches, which is a difference, not a malformed golden.
     * Duplicates in the golden are judged on all its own key columns. */
    size_t n_keys = 0, n_gkeys = 0;
    int layouts_differ = 0;
    for (size_t k = 0; k < sizeof key_names / sizeof key_names[0]; k++) {
        long ce = find_col(&exp, key_names[k]), co = find_col(&out, key_names[k]);
        if (ce >= 0 && co >= 0)
            keys[n_keys++] = ce;
        else if (ce >= 0 || co >= 0)
            layouts_differ = 1;
        if (ce >= 0)
            gkeys[n_gkeys++] = ce;
    }
    for (size_t c = 0; c < exp.n_fields; c++) {
        colmap[c] = find_col(&out, exp.fields[0][c]);
        if (colmap[c] < 0)
            rep->cols_missing++;
    }
    for (size_t c = 0; c < out.n_fields; c++)
        if (find_col(&exp, out.fields[0][c]) < 0)
            rep->cols_extra++;
    /* the output's keys, expressed with the golden's key columns */
    long *okeys = dcproj_calloc(n_keys ? n_keys : 1, sizeof *okeys);
    if (okeys == NULL)
        goto nomem;
    for (size_t k = 0; k < n_keys; k++)
        okeys[k] = find_col(&out, exp.fields[0][keys[k]]);
    char key[512];
    if (keymap_init(&map, out.n_records) != 0) {
        dcproj_free(okeys);
        goto nomem;
    }
    for (size_t r = 1; r < out.n_records; r++) {
        row_key(&out, okeys, n_keys, r, key, sizeof key);
        if (keymap_put(&map, key, r) < 0) {
            dcproj_free(okeys);
            goto nomem;
        }
    }
    dcproj_free(okeys);
    unsigned char *seen = dcproj_calloc(out.n_records ? out.n_records : 1, 1);
    struct keymap dup = {0};
    if (seen == NULL || keymap_init(&dup, exp.n_records) != 0) {
        dcproj_free(seen);
        keymap_free(&dup);
        goto nomem;
    }
    for (size_t r = 1; r < exp.n_records; r++) {
        row_key(&exp, gkeys, n_gkeys, r, key, sizeof key);
        int d = keymap_put(&dup, key, r);
        if (d != 0) {
            rc = d < 0 ? dcproj_error_set(err, DCPROJ_ERR_NOMEM, golden_name, NULL, 0, 0, "out of memory")
                       : dcproj_error_set(err, DCPROJ_ERR_DATA, golden_name, NULL, (int)exp.lines[r], 0,
                                          "row %s appears twice", key);
            dcproj_free(seen);
            keymap_free(&dup);
            goto done;
        }
        if (layouts_differ) {
            /* `key` is the golden's own full key here */
            if (rep->rows_missing++ == 0)
                copy_trunc(rep->first_missing_row, sizeof rep->first_missing_row, key);
            continue;
        }
        row_key(&exp, keys, n_keys, r, key, sizeof key);
        long o = keymap_get(&map, key);
        if (o < 0) {
            if (rep->rows_missing++ == 0)
                copy_trunc(rep->first_missing_row, sizeof rep->first_missing_row, key);
            continue;
        }
        seen[o] = 1;
        for (size_t c = 0; c < exp.n_fields; c++) {
            if (colmap[c] < 0)
                continue;
            const char *e = exp.fields[r][c], *g = out.fields[o][colmap[c]];
            double ev, gv;
            rep->cells++;
            if (dcproj_parse_number(e, opt->decimal_comma, &ev) == 0) {
                if (dcproj_parse_number(g, opt->decimal_comma, &gv) != 0) {
                    add_diff(rep, opt, key, exp.fields[0][c], e, g, NAN);
                    continue;
                }
                double diff = fabs(gv - ev);
                if (!(diff <= opt->atol + opt->rtol * fabs(ev)) && !(ev == gv))
                    add_diff(rep, opt, key, exp.fields[0][c], e, g, ev != 0 ? diff / fabs(ev) : NAN);
            } else if (strcmp(e, g) != 0) {
                add_diff(rep, opt, key, exp.fields[0][c], e, g, NAN);
            }
        }
    }
    keymap_free(&dup);
    for (size_t r = 1; r < out.n_records; r++) {
        if (!seen[r]) {
            if (rep->rows_extra++ == 0) {
                long *ok = dcproj_calloc(n_keys ? n_keys : 1, sizeof *ok);
                if (ok != NULL) {
                    for (size_t k = 0; k < n_keys; k++)
                        ok[k] = find_col(&out, exp.fields[0][keys[k]]);
                    row_key(&out, ok, n_keys, r, key, sizeof key);
                    copy_trunc(rep->first_extra_row, sizeof rep->first_extra_row, key);
                    dcproj_free(ok);
                }
            }
        }
    }
    dcproj_free(seen);
    rc = (rep->cells_differ || rep->rows_missing || rep->rows_extra || rep->cols_missing ||
          rep->cols_extra)
             ? DCPROJ_ERR_DIFF
             : DCPROJ_OK;
    goto done;
nomem:
    rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, golden_name, NULL, 0, 0, "out of memory");
done:
    keymap_free(&map);
    dcproj_free(keys);
    dcproj_free(gkeys);
    dcproj_free(colmap);
    dcproj_csv_clear(&exp);
    dcproj_csv_clear(&out);
    if (rc != DCPROJ_OK && rc != DCPROJ_ERR_DIFF)
        dcproj_check_report_clear(rep);
    return rc;
}
