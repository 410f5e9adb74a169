/*
 * csvcmp_core.c — RFC 4180 reader and tolerant comparison for csvcmp (see
 * csvcmp_core.h).  Kept free of libdcproj on purpose.
 */
#include "csvcmp_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void csv_options_init(struct csv_options *o)
{
    o->delimiter = ',';
    o->decimal_comma = 0;
    o->rtol = 1e-9;
    o->atol = 1e-12;
    o->ignore_bom = 0;
    o->ignore_eol = 0;
    o->max_report = 10;
}

/* A growable byte buffer for the field being read. */
struct buf {
    char *p;
    size_t len, cap;
};

static int buf_put(struct buf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    return 0;
}

/* Move the buffer's bytes into a new field of `r`; the buffer is reset. */
static int record_add_field(struct csv_record *r, struct buf *b)
{
    struct csv_field *f = realloc(r->fields, (r->n_fields + 1) * sizeof *f);
    if (f == NULL)
        return -1;
    r->fields = f;
    char *text = malloc(b->len + 1);
    if (text == NULL)
        return -1;
    if (b->len > 0)
        memcpy(text, b->p, b->len);
    text[b->len] = '\0';
    f[r->n_fields].text = text;
    f[r->n_fields].len = b->len;
    r->n_fields++;
    b->len = 0;
    return 0;
}

static void record_free(struct csv_record *r)
{
    for (size_t i = 0; i < r->n_fields; i++)
        free(r->fields[i].text);
    free(r->fields);
    r->fields = NULL;
    r->n_fields = 0;
}

void csv_table_free(struct csv_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_records; i++)
        record_free(&t->records[i]);
    free(t->records);
    t->records = NULL;
    t->n_records = 0;
    t->bom = 0;
}

static int table_add_record(struct csv_table *t, struct csv_record *r)
{
    struct csv_record *rs = realloc(t->records, (t->n_records + 1) * sizeof *rs);
    if (rs == NULL)
        return -1;
    t->records = rs;
    rs[t->n_records++] = *r;
    r->fields = NULL;
    r->n_fields = 0;
    return 0;
}

int csv_parse(const char *data, size_t len, char delimiter, struct csv_table *out,
              char *msg, size_t msg_size)
{
    struct csv_table t = {0, NULL, 0};
    struct csv_record r = {NULL, 0, 1, CSV_EOL_NONE};
    struct buf b = {NULL, 0, 0};
    size_t i = 0;
    int line = 1;
    const char *why = NULL;

    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        t.bom = 1;
        i = 3;
    }
    while (i < len) {
        /* one record: fields until a terminator or the end */
        r.line = line;
        for (;;) {
            if (i < len && data[i] == '"') {
                int record_line = line;
                i++;
                for (;;) {
                    if (i >= len) {
                        line = record_line;
                        why = "unterminated quoted field";
                        goto fail;
                    }
                    if (data[i] == '"') {
                        if (i + 1 < len && data[i + 1] == '"') {
                            if (buf_put(&b, '"') != 0)
                                goto nomem;
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (data[i] == '\n')
                        line++;
                    if (buf_put(&b, data[i]) != 0)
                        goto nomem;
                    i++;
                }
                if (i < len && data[i] != delimiter && data[i] != '\n' && data[i] != '\r') {
                    why = "text after a closing quote";
                    goto fail;
                }
            } else {
                while (i < len && data[i] != delimiter && data[i] != '\n' && data[i] != '\r') {
                    if (data[i] == '"') {
                        why = "quote inside an unquoted field";
                        goto fail;
                    }
                    if (buf_put(&b, data[i]) != 0)
                        goto nomem;
                    i++;
                }
            }
            if (record_add_field(&r, &b) != 0)
                goto nomem;
            if (i < len && data[i] == delimiter) {
                i++;
                continue;
            }
            break;
        }
        if (i >= len) {
            r.eol = CSV_EOL_NONE;
        } else if (data[i] == '\n') {
            r.eol = CSV_EOL_LF;
            i++;
            line++;
        } else if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') {
            r.eol = CSV_EOL_CRLF;
            i += 2;
            line++;
        } else {
            why = "carriage return not followed by a line feed";
            goto fail;
        }
        if (table_add_record(&t, &r) != 0)
            goto nomem;
    }
    free(b.p);
    *out = t;
    return 0;

nomem:
    why = "out of memory";
fail:
    if (msg != NULL && msg_size > 0)
        snprintf(msg, msg_size, "line %d: %s", line, why);
    free(b.p);
    record_free(&r);
    csv_table_free(&t);
    out->bom = 0;
    out->records = NULL;
    out->n_records = 0;
    return -1;
}

int csv_cell_number(const char *s, size_t len, int decimal_comma, double *out)
{
    char point = decimal_comma ? ',' : '.';
    size_t i = 0, digits = 0;
    char tmp[128];

    if (len == 0 || len >= sizeof tmp)
        return 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    if (i < len && s[i] == point) {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp_digits = 0;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            exp_digits++;
        }
        if (exp_digits == 0)
            return 0;
    }
    if (i != len)
        return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (decimal_comma) {
        char *c = strchr(tmp, ',');
        if (c != NULL)
            *c = '.';
    }
    char *end = NULL;
    double v = strtod(tmp, &end);
    if (end != tmp + len || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int csv_numbers_close(double a, double b, double rtol, double atol)
{
    return fabs(a - b) <= rtol * fmax(fabs(a), fabs(b)) + atol;
}

/* Print `len` bytes of `s` as a double-quoted, escaped string. */
static void print_quoted(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static const char *eol_name(enum csv_eol e)
{
    switch (e) {
    case CSV_EOL_LF: return "LF";
    case CSV_EOL_CRLF: return "CRLF";
    default: return "end of file";
    }
}

/* State while comparing: where to report and how many were seen. */
struct cmp {
    const struct csv_options *o;
    FILE *report;
    long count;
};

/* Count one difference; return whether it should be printed. */
static int note(struct cmp *c)
{
    c->count++;
    return c->report != NULL && c->count <= c->o->max_report;
}

static void print_where(struct cmp *c, const struct csv_record *e, const struct csv_record *g)
{
    if (e->line == g->line)
        fprintf(c->report, "line %d: ", e->line);
    else
        fprintf(c->report, "line %d (got line %d): ", e->line, g->line);
}

/* Compare one field of record `e`/`g` (column `j`, named from `header`). */
static void compare_field(struct cmp *c, const struct csv_record *header, const struct csv_record *e,
                          const struct csv_record *g, size_t j)
{
    const struct csv_field *fe = &e->fields[j], *fg = &g->fields[j];
    double a, b;
    if (fe->len == fg->len && memcmp(fe->text, fg->text, fe->len) == 0)
        return;
    if (e != header && csv_cell_number(fe->text, fe->len, c->o->decimal_comma, &a) &&
        csv_cell_number(fg->text, fg->len, c->o->decimal_comma, &b) &&
        csv_numbers_close(a, b, c->o->rtol, c->o->atol))
        return;
    if (!note(c))
        return;
    print_where(c, e, g);
    if (e == header)
        fprintf(c->report, "header field %zu: ", j + 1);
    else if (header != NULL && j < header->n_fields)
        fprintf(c->report, "column %s: ", header->fields[j].text);
    else
        fprintf(c->report, "column #%zu: ", j + 1);
    fputs("expected ", c->report);
    print_quoted(c->report, fe->text, fe->len);
    fputs(", got ", c->report);
    print_quoted(c->report, fg->text, fg->len);
    fputc('\n', c->report);
}

/* Print one whole record (for missing or extra records). */
static void print_record(FILE *f, const struct csv_record *r)
{
    for (size_t j = 0; j < r->n_fields; j++) {
        if (j > 0)
            fputc(',', f);
        print_quoted(f, r->fields[j].text, r->fields[j].len);
    }
}

long csv_compare(const struct csv_table *exp, const struct csv_table *got,
                 const struct csv_options *o, FILE *report)
{
    struct cmp c = {o, report, 0};
    const struct csv_record *header = exp->n_records > 0 ? &exp->records[0] : NULL;

    if (!o->ignore_bom && exp->bom != got->bom && note(&c))
        fprintf(report, "byte-order mark: expected %s, got %s\n", exp->bom ? "one" : "none",
                got->bom ? "one" : "none");
    size_t n = exp->n_records < got->n_records ? exp->n_records : got->n_records;
    for (size_t i = 0; i < n; i++) {
        const struct csv_record *e = &exp->records[i], *g = &got->records[i];
        if (e->n_fields != g->n_fields) {
            if (note(&c)) {
                print_where(&c, e, g);
                fprintf(report, "expected %zu fields, got %zu: ", e->n_fields, g->n_fields);
                print_record(report, g);
                fputc('\n', report);
            }
        } else {
            for (size_t j = 0; j < e->n_fields; j++)
                compare_field(&c, header, e, g, j);
        }
        if (!o->ignore_eol && e->eol != g->eol && note(&c)) {
            print_where(&c, e, g);
            fprintf(report, "record ends with %s, expected %s\n", eol_name(g->eol), eol_name(e->eol));
        }
    }
    if (exp->n_records != got->n_records && note(&c))
        fprintf(report, "expected %zu records, got %zu\n", exp->n_records, got->n_records);
    for (size_t i = n; i < exp->n_records; i++) {
        if (note(&c)) {
            fprintf(report, "line %d: missing record: ", exp->records[i].line);
            print_record(report, &exp->records[i]);
            fputc('\n', report);
        }
    }
    for (size_t i = n; i < got->n_records; i++) {
        if (note(&c)) {
            fprintf(report, "got line %d: extra record: ", got->records[i].line);
            print_record(report, &got->records[i]);
            fputc('\n', report);
        }
    }
    return c.count;
}
