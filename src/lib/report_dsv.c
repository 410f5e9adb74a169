/*
 * report_dsv.c — the delimited writers of SPEC §8 (CSV and TSV in the long,
 * wide and IAMC layouts), the solution CSV of SPEC §4, the format options,
 * the dispatch to the table and JSON writers, and the one rule for a CSV or
 * TSV field (dsv_field_text(), also used by the record writer of
 * table_write.c).
 *
 * Everything is built in one large buffer (struct rsink, report_sink.c) and
 * written in big chunks: a monthly run of 5000 countries over 13 years is
 * millions of numbers, and per-field stdio calls would dominate.
 */
#include "dcproj/report.h"
#include "dcproj/model.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "alloc_int.h"

/* ---- options ---- */

void dcproj_format_init(struct dcproj_format *fmt)
{
    fmt->format = DCPROJ_FMT_CSV;
    fmt->layout = DCPROJ_LAYOUT_LONG;
    fmt->metric = "capacity";
    fmt->precision = -1;
    fmt->excel = 0;
    fmt->delimiter = 0;
    fmt->decimal_comma = 0;
    fmt->bom = 0;
    fmt->crlf = 0;
    fmt->threads = 0;
}

char dcproj_format_delimiter(const struct dcproj_format *fmt)
{
    if (fmt->delimiter != 0)
        return fmt->delimiter;
    if (fmt->format == DCPROJ_FMT_TSV)
        return '\t';
    return fmt->decimal_comma ? ';' : ',';
}

int dcproj_format_csv_precision(const struct dcproj_format *fmt)
{
    if (fmt->precision >= 0)
        return fmt->precision;
    return fmt->excel ? DCPROJ_PRECISION_EXCEL : -1;
}

/* ---- delimited writer ---- */

struct dsv {
    struct rsink s;
    char delim;
    int tsv;           /* replace instead of quoting */
    int quote_numbers; /* the delimiter can occur inside a number */
    int precision;
    int decimal_comma;
    int crlf;
    const char *radix;
};

/* Set up a delimited writer for `fmt` on `out` and write the BOM. */
static int dsv_init(struct dsv *w, const struct dcproj_format *fmt, FILE *out,
                    struct dcproj_error *err)
{
    int rc = dcproj_rsink_init(&w->s, out, err);
    if (rc != DCPROJ_OK)
        return rc;
    w->delim = dcproj_format_delimiter(fmt);
    w->tsv = fmt->format == DCPROJ_FMT_TSV;
    w->quote_numbers = !w->tsv && dsv_number_quotable(w->delim, fmt->decimal_comma);
    w->precision = dcproj_format_csv_precision(fmt);
    w->decimal_comma = fmt->decimal_comma;
    w->crlf = fmt->crlf;
    w->radix = dcproj_numfmt_radix();
    if (fmt->bom)
        dcproj_rsink_write(&w->s, "\xEF\xBB\xBF", 3);
    return DCPROJ_OK;
}

/* The one rule for a text field of a delimited table (SPEC §8), for the
 * buffered writers here and the record writer of table_write.c: NULL is an
 * empty field; CSV quotes (RFC 4180, '"' doubled) only a field that holds
 * the delimiter, '"', CR or LF, and keeps a tab as is; TSV replaces the
 * delimiter, tabs and line breaks by spaces (a CRLF pair by one space).
 * The text leaves through `put` in runs, so that an unquoted field, the
 * common case, is one call. */
void dsv_field_text(dsv_put_fn put, void *ctx, const char *t, char delim, int tsv)
{
    if (t == NULL)
        t = "";
    size_t n = strlen(t);
    size_t i = 0;
    for (; i < n; i++) {
        char c = t[i];
        if (c == delim || c == '"' || c == '\r' || c == '\n' || c == '\t')
            break;
    }
    if (i == n || (!tsv && memchr(t, delim, n) == NULL && memchr(t, '"', n) == NULL &&
                   memchr(t, '\r', n) == NULL && memchr(t, '\n', n) == NULL)) {
        put(ctx, t, n); /* nothing to change, or only a tab, which CSV keeps */
        return;
    }
    size_t run = 0; /* start of the bytes not yet handed to put */
    if (tsv) {
        for (i = 0; i < n; i++) {
            char c = t[i];
            if (c != delim && c != '\t' && c != '\r' && c != '\n')
                continue;
            put(ctx, t + run, i - run);
            run = i + 1;
            if (!(c == '\r' && t[i + 1] == '\n'))
                put(ctx, " ", 1);
        }
        put(ctx, t + run, n - run);
        return;
    }
    put(ctx, "\"", 1);
    for (i = 0; i < n; i++) {
        if (t[i] != '"')
            continue;
        put(ctx, t + run, i + 1 - run); /* up to and with the quote ... */
        run = i;                        /* ... which starts the next run again */
    }
    put(ctx, t + run, n - run);
    put(ctx, "\"", 1);
}

int dsv_number_quotable(char delim, int decimal_comma)
{
    /* a number holds digits, '-', '+', 'e', "inf", "nan" and its decimal point */
    return delim != '\0' &&
           (strchr("0123456789+-einfa", delim) != NULL || delim == (decimal_comma ? ',' : '.'));
}

static void sink_put(void *ctx, const char *p, size_t n)
{
    dcproj_rsink_write(ctx, p, n);
}

static void dsv_text(struct dsv *w, const char *t)
{
    dsv_field_text(sink_put, &w->s, t, w->delim, w->tsv);
}

/* Append one number by the rule of SPEC §8, formatted in place in the
 * sink's buffer. */
static void dsv_number(struct dsv *w, double v)
{
    if (isnan(v))
        return; /* an empty cell (model.h) */
    struct rsink *s = &w->s;
    if (s->cap - s->len < DCPROJ_NUMBER_LEN) {
        dcproj_rsink_full(s); /* flushed, or a memory sink doubled (cap >= RSINK_MEM_MIN) */
        if (s->cap - s->len < DCPROJ_NUMBER_LEN)
            return;           /* a memory sink that could not grow: s->failed is set */
    }
    char *buf = s->buf + s->len;
    int n = dcproj_numfmt_format(v, w->precision, w->decimal_comma, w->radix, buf);
    if (w->quote_numbers && memchr(buf, w->delim, (size_t)n) != NULL) {
        char copy[DCPROJ_NUMBER_LEN];
        memcpy(copy, buf, (size_t)n + 1);
        dsv_text(w, copy);
    } else {
        s->len += (size_t)n;
    }
}

static inline void dsv_sep(struct dsv *w)
{
    rsink_putc(&w->s, w->delim);
}

static inline void dsv_eol(struct dsv *w)
{
    if (w->crlf)
        rsink_putc(&w->s, '\r');
    rsink_putc(&w->s, '\n');
}

static const char *kind_name(enum dcproj_row_kind k)
{
    switch (k) {
    case DCPROJ_ROW_GROUP: return "group";
    case DCPROJ_ROW_TOTAL: return "total";
    default: return "country";
    }
}

/* kind, code and name of row `r`, each followed by the delimiter. */
static void dsv_row_head(struct dsv *w, const struct dcproj_row *row)
{
    dcproj_rsink_puts(&w->s, kind_name(row->kind));
    dsv_sep(w);
    dsv_text(w, row->code);
    dsv_sep(w);
    dsv_text(w, row->name);
    dsv_sep(w);
}

/* ---- the layouts: a header line, then the lines of rows [r0, r1) ---- */

/* What the row writers of one table share, set up once before any row is
 * written and read-only afterwards (threads format rows at once). */
struct dsv_plan {
    const struct dcproj_result *res;
    enum dcproj_layout layout;
    size_t col;          /* wide: the metric column */
    struct rsink labels; /* long: every period's label as a field, one after the other */
    size_t *label_end;   /* long: label p ends at labels.buf[label_end[p]] */
    const char *scen;    /* iamc: the scenario name, the capacity unit, */
    const char *cap_unit;
    int sub;             /* and whether periods are sub-annual */
};

static void long_head(struct dsv *w, const struct dcproj_result *res)
{
    dsv_text(w, "kind");
    dsv_sep(w);
    dsv_text(w, "code");
    dsv_sep(w);
    dsv_text(w, "name");
    dsv_sep(w);
    dsv_text(w, "period");
    for (size_t c = 0; c < res->n_cols; c++) {
        dsv_sep(w);
        dsv_text(w, res->cols[c]);
    }
    dsv_eol(w);
}

/* The long layout's lines: every line of a row starts with the same kind,
 * code and name, built once in `head`; the period labels come ready from
 * the plan. */
static void long_rows(struct dsv *w, const struct dsv_plan *pl, size_t r0, size_t r1,
                      struct rsink *head)
{
    const struct dcproj_result *res = pl->res;
    for (size_t r = r0; r < r1; r++) {
        const struct dcproj_row *row = &res->rows[r];
        head->len = 0;
        dcproj_rsink_puts(head, kind_name(row->kind));
        rsink_putc(head, w->delim);
        dsv_field_text(sink_put, head, row->code, w->delim, w->tsv);
        rsink_putc(head, w->delim);
        dsv_field_text(sink_put, head, row->name, w->delim, w->tsv);
        rsink_putc(head, w->delim);
        size_t from = 0;
        for (size_t p = 0; p < res->n_periods; p++) {
            dcproj_rsink_write(&w->s, head->buf, head->len);
            dcproj_rsink_write(&w->s, pl->labels.buf + from, pl->label_end[p] - from);
            from = pl->label_end[p];
            const double *v = &res->values[(r * res->n_periods + p) * res->n_cols];
            for (size_t c = 0; c < res->n_cols; c++) {
                dsv_sep(w);
                dsv_number(w, v[c]);
            }
            dsv_eol(w);
        }
    }
}

/* The column `fmt->metric` of `res`, or DCPROJ_ERR_USAGE naming the
 * columns there are. */
static int find_metric(const struct dcproj_result *res, const struct dcproj_format *fmt,
                       size_t *col, struct dcproj_error *err)
{
    const char *metric = fmt->metric != NULL ? fmt->metric : "capacity";
    long c = dcproj_result_find_col(res, metric);
    if (c >= 0) {
        *col = (size_t)c;
        return DCPROJ_OK;
    }
    char list[DCPROJ_ERROR_MSG_LEN];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < res->n_cols && len < sizeof list; i++) {
        int k = snprintf(list + len, sizeof list - len, "%s%s", i > 0 ? ", " : "", res->cols[i]);
        if (k < 0)
            break;
        len += (size_t)k;
    }
    return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                            "--metric: unknown column '%s' (available: %s)", metric, list);
}

static void wide_head(struct dsv *w, const struct dcproj_result *res)
{
    dsv_text(w, "kind");
    dsv_sep(w);
    dsv_text(w, "code");
    dsv_sep(w);
    dsv_text(w, "name");
    for (size_t p = 0; p < res->n_periods; p++) {
        dsv_sep(w);
        dsv_text(w, res->periods[p].label);
    }
    dsv_eol(w);
}

static void wide_rows(struct dsv *w, const struct dsv_plan *pl, size_t r0, size_t r1)
{
    const struct dcproj_result *res = pl->res;
    for (size_t r = r0; r < r1; r++) {
        dsv_row_head(w, &res->rows[r]);
        for (size_t p = 0; p < res->n_periods; p++) {
            if (p > 0)
                dsv_sep(w);
            dsv_number(w, dcproj_result_at(res, r, p, pl->col));
        }
        dsv_eol(w);
    }
}

/* The IAMC variable name and unit of result column `col` (SPEC §8):
 * statistics of a metric M (M_mean, M_pX) are <Var>|Mean and <Var>|pX; the
 * energy of a period is in TWh (TWh/yr when the period is a year).  A
 * column without an IAMC name keeps its own name and an empty unit. */
static void iamc_variable(const char *col, const char *cap_unit, int yearly, char *var,
                          size_t size, const char **unit)
{
    static const struct {
        const char *col, *var, *unit;
    } metrics[] = {{"it_load_mw", "Power|IT Load", "MW"},
                   {"facility_mw", "Power|Facility", "MW"},
                   {"energy_twh", "Energy", NULL}};
    if (strcmp(col, "capacity") == 0) {
        snprintf(var, size, "Capacity");
        *unit = cap_unit;
        return;
    }
    if (strcmp(col, "mean") == 0) {
        snprintf(var, size, "Capacity|Mean");
        *unit = cap_unit;
        return;
    }
    if (col[0] == 'p' && col[1] >= '0' && col[1] <= '9') {
        snprintf(var, size, "Capacity|%s", col);
        *unit = cap_unit;
        return;
    }
    for (size_t k = 0; k < sizeof metrics / sizeof metrics[0]; k++) {
        size_t n = strlen(metrics[k].col);
        if (strncmp(col, metrics[k].col, n) != 0 || (col[n] != '\0' && col[n] != '_'))
            continue;
        *unit = metrics[k].unit != NULL ? metrics[k].unit : yearly ? "TWh/yr" : "TWh";
        if (col[n] == '\0')
            snprintf(var, size, "%s", metrics[k].var);
        else if (strcmp(col + n + 1, "mean") == 0)
            snprintf(var, size, "%s|Mean", metrics[k].var);
        else
            snprintf(var, size, "%s|%s", metrics[k].var, col + n + 1);
        return;
    }
    snprintf(var, size, "%s", col);
    *unit = "";
}

/* Whether the periods are sub-annual (quarters or months). */
static int has_subannual(const struct dcproj_result *res)
{
    if (res->scenario != NULL)
        return res->scenario->step != DCPROJ_STEP_YEAR;
    for (size_t p = 0; p < res->n_periods; p++)
        if (res->periods[p].sub != 0)
            return 1;
    return 0;
}

static void iamc_head(struct dsv *w, const struct dsv_plan *pl)
{
    static const char *const head[] = {"model", "scenario", "region", "variable", "unit", "year"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        if (i > 0)
            dsv_sep(w);
        dsv_text(w, head[i]);
    }
    if (pl->sub) {
        dsv_sep(w);
        dsv_text(w, "subannual");
    }
    dsv_sep(w);
    dsv_text(w, "value");
    dsv_eol(w);
}

static void iamc_rows(struct dsv *w, const struct dsv_plan *pl, size_t r0, size_t r1)
{
    const struct dcproj_result *res = pl->res;
    char var[DCPROJ_COL_LEN + 16];
    char year[16];
    for (size_t r = r0; r < r1; r++) {
        for (size_t c = 0; c < res->n_cols; c++) {
            const char *unit;
            iamc_variable(res->cols[c], pl->cap_unit, !pl->sub, var, sizeof var, &unit);
            for (size_t p = 0; p < res->n_periods; p++) {
                const struct dcproj_period *per = &res->periods[p];
                if (isnan(dcproj_result_at(res, r, p, c)))
                    continue; /* the first row's energy: no value, no row */
                dcproj_rsink_write(&w->s, "dcproj", 6);
                dsv_sep(w);
                dsv_text(w, pl->scen);
                dsv_sep(w);
                dsv_text(w, res->rows[r].code);
                dsv_sep(w);
                dsv_text(w, var);
                dsv_sep(w);
                dsv_text(w, unit);
                dsv_sep(w);
                snprintf(year, sizeof year, "%d", per->year);
                dcproj_rsink_puts(&w->s, year);
                dsv_sep(w);
                if (pl->sub) {
                    const char *dash = strchr(per->label, '-');
                    dsv_text(w, dash != NULL ? dash + 1 : "");
                    dsv_sep(w);
                }
                dsv_number(w, dcproj_result_at(res, r, p, c));
                dsv_eol(w);
            }
        }
    }
}

/* Set up the plan of `res` for writer `w`: 0, or -1 when out of memory. */
static int plan_init(struct dsv_plan *pl, const struct dsv *w, const struct dcproj_result *res,
                     enum dcproj_layout layout, size_t col)
{
    memset(pl, 0, sizeof *pl);
    pl->res = res;
    pl->layout = layout;
    pl->col = col;
    const struct dcproj_scenario *sc = res->scenario;
    pl->scen = sc != NULL && sc->name != NULL ? sc->name : "";
    pl->cap_unit = sc != NULL && sc->unit != NULL ? sc->unit : "MW";
    pl->sub = has_subannual(res);
    if (layout == DCPROJ_LAYOUT_WIDE || layout == DCPROJ_LAYOUT_IAMC)
        return 0;
    pl->label_end = dcproj_malloc((res->n_periods + 1) * sizeof *pl->label_end);
    if (pl->label_end == NULL || dcproj_rsink_init_mem(&pl->labels, 16 * res->n_periods) != 0)
        return -1;
    for (size_t p = 0; p < res->n_periods; p++) {
        dsv_field_text(sink_put, &pl->labels, res->periods[p].label, w->delim, w->tsv);
        pl->label_end[p] = pl->labels.len;
    }
    return pl->labels.failed ? -1 : 0;
}

static void plan_free(struct dsv_plan *pl)
{
    dcproj_free(pl->labels.buf);
    dcproj_free(pl->label_end);
}

static void plan_head(struct dsv *w, const struct dsv_plan *pl)
{
    switch (pl->layout) {
    case DCPROJ_LAYOUT_WIDE: wide_head(w, pl->res); break;
    case DCPROJ_LAYOUT_IAMC: iamc_head(w, pl); break;
    default: long_head(w, pl->res); break;
    }
}

/* The lines of rows [r0, r1); `head` is the caller's scratch sink. */
static void plan_rows(struct dsv *w, const struct dsv_plan *pl, size_t r0, size_t r1,
                      struct rsink *head)
{
    switch (pl->layout) {
    case DCPROJ_LAYOUT_WIDE: wide_rows(w, pl, r0, r1); break;
    case DCPROJ_LAYOUT_IAMC: iamc_rows(w, pl, r0, r1); break;
    default: long_rows(w, pl, r0, r1, head); break;
    }
}

/* ---- formatting in parallel ----
 *
 * A large table is cut into chunks of whole rows.  Worker threads claim
 * chunks in order and format each into a memory sink of its own slot (a
 * ring of PAR_SLOTS_PER_THREAD slots a thread); the calling thread writes
 * the chunks to the FILE in order as they are done and frees their slots.
 * The bytes are those of the serial writer, whatever the thread count:
 * every chunk is formatted by the same row writers. */

#define PAR_MIN_NUMBERS 65536u     /* smaller tables are written by the calling thread */
#define PAR_CHUNK_NUMBERS 4096u    /* numbers a chunk holds (about 60 KiB of CSV) */
#define PAR_SLOTS_PER_THREAD 4

enum { SLOT_FREE, SLOT_BUSY, SLOT_DONE };

struct par_slot {
    struct dsv w; /* its sink is the slot's memory */
    int state;
};

struct par {
    const struct dsv_plan *plan;
    struct dsv proto;        /* the options every chunk is formatted with: a copy
                                made before the threads start (the caller's sink
                                changes as it writes) */
    size_t rows_per_chunk, n_chunks;
    struct par_slot *slots;
    size_t n_slots;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next; /* the next chunk to claim */
    int stop;
};

static void *par_worker(void *arg)
{
    struct par *pa = arg;
    const char *radix = dcproj_numfmt_radix(); /* this thread's locale (snprintf's) */
    struct rsink head;
    int ok = dcproj_rsink_init_mem(&head, 0) == 0;
    pthread_mutex_lock(&pa->mu);
    for (;;) {
        while (!pa->stop && pa->next < pa->n_chunks &&
               pa->slots[pa->next % pa->n_slots].state != SLOT_FREE)
            pthread_cond_wait(&pa->cv, &pa->mu);
        if (pa->stop || pa->next >= pa->n_chunks)
            break;
        size_t c = pa->next++;
        struct par_slot *sl = &pa->slots[c % pa->n_slots];
        sl->state = SLOT_BUSY;
        pthread_mutex_unlock(&pa->mu);

        /* format in a copy on this thread's stack: the slots share cache
           lines, and the sink's length changes with every byte */
        struct dsv w = pa->proto;
        w.s = sl->w.s;
        w.s.len = 0;
        w.radix = radix;
        size_t r0 = c * pa->rows_per_chunk;
        size_t r1 = r0 + pa->rows_per_chunk;
        if (r1 > pa->plan->res->n_rows)
            r1 = pa->plan->res->n_rows;
        if (ok)
            plan_rows(&w, pa->plan, r0, r1, &head);
        if (!ok || head.failed) {
            w.s.failed = 1;
            w.s.err_no = ENOMEM;
        }

        pthread_mutex_lock(&pa->mu);
        sl->w = w;
        sl->state = SLOT_DONE;
        pthread_cond_broadcast(&pa->cv);
    }
    pthread_mutex_unlock(&pa->mu);
    dcproj_free(head.buf);
    return NULL;
}

/* Write the rows of plan `pl` to `w` with `nthreads` formatting threads.
 * Returns 0 (a write error, if any, is left in w->s for finish() to
 * report), 1 when no thread could be started (nothing written: the caller
 * writes serially), or -1 when out of memory (the output is incomplete). */
static int write_rows_parallel(struct dsv *w, const struct dsv_plan *pl, size_t per_row,
                               int nthreads)
{
    struct par pa;
    memset(&pa, 0, sizeof pa);
    pa.plan = pl;
    pa.proto = *w;
    memset(&pa.proto.s, 0, sizeof pa.proto.s);
    size_t rpc = PAR_CHUNK_NUMBERS / (per_row > 0 ? per_row : 1);
    pa.rows_per_chunk = rpc > 0 ? rpc : 1;
    pa.n_chunks = (pl->res->n_rows + pa.rows_per_chunk - 1) / pa.rows_per_chunk;
    if ((size_t)nthreads > pa.n_chunks)
        nthreads = (int)pa.n_chunks;
    pa.n_slots = (size_t)nthreads * PAR_SLOTS_PER_THREAD;
    pa.slots = dcproj_calloc(pa.n_slots, sizeof *pa.slots);
    pthread_t *tid = dcproj_calloc((size_t)nthreads, sizeof *tid);
    int rc = 0;
    size_t made = 0;
    if (pa.slots == NULL || tid == NULL)
        rc = -1;
    for (; rc == 0 && made < pa.n_slots; made++)
        if (dcproj_rsink_init_mem(&pa.slots[made].w.s, 2 * PAR_CHUNK_NUMBERS * 24) != 0)
            rc = -1;
    int started = 0;
    if (rc == 0 && pthread_mutex_init(&pa.mu, NULL) == 0) {
        if (pthread_cond_init(&pa.cv, NULL) == 0) {
            while (started < nthreads && pthread_create(&tid[started], NULL, par_worker, &pa) == 0)
                started++;
            if (started > 0) {
                for (size_t c = 0; c < pa.n_chunks; c++) {
                    struct par_slot *sl = &pa.slots[c % pa.n_slots];
                    pthread_mutex_lock(&pa.mu);
                    while (sl->state != SLOT_DONE)
                        pthread_cond_wait(&pa.cv, &pa.mu);
                    pthread_mutex_unlock(&pa.mu);
                    if (sl->w.s.failed) {
                        rc = -1;
                        break;
                    }
                    dcproj_rsink_write_direct(&w->s, sl->w.s.buf, sl->w.s.len);
                    if (w->s.failed)
                        break; /* a write error: finish() reports it */
                    pthread_mutex_lock(&pa.mu);
                    sl->state = SLOT_FREE;
                    pthread_cond_broadcast(&pa.cv);
                    pthread_mutex_unlock(&pa.mu);
                }
                pthread_mutex_lock(&pa.mu);
                pa.stop = 1;
                pthread_cond_broadcast(&pa.cv);
                pthread_mutex_unlock(&pa.mu);
                for (int t = 0; t < started; t++)
                    pthread_join(tid[t], NULL);
            }
            pthread_cond_destroy(&pa.cv);
        }
        pthread_mutex_destroy(&pa.mu);
    }
    if (rc == 0 && started == 0)
        rc = 1;
    for (size_t i = 0; i < made && pa.slots != NULL; i++)
        dcproj_free(pa.slots[i].w.s.buf);
    dcproj_free(pa.slots);
    dcproj_free(tid);
    return rc;
}

/* Write the CSV/TSV table of `res` in the layout of `fmt`: large tables
 * with fmt->threads formatting threads, the rest in this thread. */
static int write_delimited(const struct dcproj_result *res, const struct dcproj_format *fmt,
                           FILE *out, struct dcproj_error *err)
{
    size_t metric = 0;
    if (fmt->layout == DCPROJ_LAYOUT_WIDE) {
        int rc = find_metric(res, fmt, &metric, err);
        if (rc != DCPROJ_OK)
            return rc;
    }
    struct dsv w;
    int rc = dsv_init(&w, fmt, out, err);
    if (rc != DCPROJ_OK)
        return rc;
    struct dsv_plan pl;
    struct rsink head = {0};
    int nomem = plan_init(&pl, &w, res, fmt->layout, metric) != 0 ||
                dcproj_rsink_init_mem(&head, 0) != 0;
    if (!nomem) {
        plan_head(&w, &pl);
        size_t per_row = res->n_periods * (fmt->layout == DCPROJ_LAYOUT_WIDE ? 1 : res->n_cols);
        int nthreads = dcproj_threads_resolve(fmt->threads);
        int par = 1;
        if (nthreads > 1 && per_row > 0 && res->n_rows > 1 &&
            res->n_rows * per_row >= PAR_MIN_NUMBERS)
            par = write_rows_parallel(&w, &pl, per_row, nthreads);
        if (par == 1)
            plan_rows(&w, &pl, 0, res->n_rows, &head);
        nomem = par < 0 || head.failed;
    }
    dcproj_free(head.buf);
    plan_free(&pl);
    rc = dcproj_rsink_finish(&w.s, err);
    if (nomem && rc == DCPROJ_OK)
        rc = dcproj_error_set(err, DCPROJ_ERR_NOMEM, NULL, NULL, 0, 0, "out of memory");
    return rc;
}

/* ---- entry points ---- */

int dcproj_report_write(const struct dcproj_result *res, const struct dcproj_format *fmt,
                        FILE *out, struct dcproj_error *err)
{
    switch (fmt->format) {
    case DCPROJ_FMT_JSON: return dcproj_report_write_json(res, fmt, out, err);
    case DCPROJ_FMT_TABLE: return report_write_table(res, fmt, out, err);
    default: return write_delimited(res, fmt, out, err);
    }
}

int dcproj_solution_write(const struct dcproj_result *res, const struct dcproj_format *fmt,
                          FILE *out, struct dcproj_error *err)
{
    struct dcproj_format f = *fmt;
    if (f.format != DCPROJ_FMT_TSV)
        f.format = DCPROJ_FMT_CSV;
    struct dsv w;
    int rc = dsv_init(&w, &f, out, err);
    if (rc != DCPROJ_OK)
        return rc;
    static const char *const head[] = {"type", "id", "value", "residual", "cagr", "stderr"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        if (i > 0)
            dsv_sep(&w);
        dsv_text(&w, head[i]);
    }
    dsv_eol(&w);
    const struct dcproj_solution *sol = &res->solution;
    const struct dcproj_scenario *sc = res->scenario;
    /* SPEC §4: without targets, the header only. */
    if (sol->n_targets > 0) {
        char id[32];
        for (size_t i = 0; i < sol->n_variables; i++) {
            dcproj_rsink_puts(&w.s, "variable");
            dsv_sep(&w);
            if (sc != NULL && i < sc->n_variables) {
                dsv_text(&w, sc->variables[i].id);
            } else {
                snprintf(id, sizeof id, "variable%zu", i + 1);
                dsv_text(&w, id);
            }
            dsv_sep(&w);
            dsv_number(&w, sol->variables[i]);
            dsv_sep(&w);
            dsv_sep(&w);
            dsv_sep(&w);
            dsv_eol(&w);
        }
        for (size_t i = 0; i < sol->n_targets; i++) {
            const struct dcproj_target_result *t = &sol->targets[i];
            dcproj_rsink_puts(&w.s, "target");
            dsv_sep(&w);
            if (sc != NULL && i < sc->n_targets) {
                dsv_text(&w, sc->targets[i].id);
            } else {
                snprintf(id, sizeof id, "target%zu", i + 1);
                dsv_text(&w, id);
            }
            dsv_sep(&w);
            dsv_number(&w, t->model);
            dsv_sep(&w);
            dsv_number(&w, t->residual);
            dsv_sep(&w);
            if (t->has_cagr)
                dsv_number(&w, t->cagr);
            dsv_sep(&w);
            dsv_eol(&w);
        }
    }
    /* [v2] fit rows: by country, θ order, rmse last (SPEC §4) */
    for (size_t i = 0; i < sol->n_fit_params && sc != NULL; i++) {
        const struct dcproj_fit_param *q = &sol->fit_params[i];
        char id[DCPROJ_ID_LEN + 16];
        snprintf(id, sizeof id, "%s.%s", sc->countries[q->country].code, q->name);
        dcproj_rsink_puts(&w.s, "fit");
        dsv_sep(&w);
        dsv_text(&w, id);
        dsv_sep(&w);
        dsv_number(&w, q->value);
        dsv_sep(&w);
        dsv_sep(&w);
        dsv_sep(&w);
        if (q->has_std_error)
            dsv_number(&w, q->std_error);
        dsv_eol(&w);
    }
    return dcproj_rsink_finish(&w.s, err);
}
