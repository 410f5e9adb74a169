/*
 * report_json.c — the JSON format of SPEC §8 (shape documented in
 * doc/output.md):
 *
 *   {"provenance": {"dcproj_version", "scenario", "seed", "draws", "sha256"},
 *    "periods": [...],
 *    "rows": {"kind": [...], "code": [...], "name": [...], "period": [...],
 *             "<col>": [...]...},
 *    "solution": {"variables": {...}, "targets": [...][, "fits": [...]]}}
 *
 * The text is written here, numbers through dcproj_numfmt_format() (always
 * with a '.' decimal point, as JSON requires; a non-finite number, which
 * callers refuse before writing, would be null).  The resolved scenario is
 * checked to be one JSON value (without allocating) and embedded as the
 * loader wrote it (a frozen one re-printed by cJSON with its variables
 * fixed).  Never a BOM.
 */
#include "dcproj/dcproj.h"
#include "dcproj/provenance.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

struct jw {
    struct rsink s;
    int precision;
    const char *radix;
    const char *eol;
};

/* Append `t` as a JSON string (quotes, backslashes and control characters
 * escaped; UTF-8 passed through). */
static void json_string(struct jw *w, const char *t)
{
    static const char hex[] = "0123456789abcdef";
    rsink_putc(&w->s, '"');
    for (const unsigned char *p = (const unsigned char *)(t != NULL ? t : ""); *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"': dcproj_rsink_write(&w->s, "\\\"", 2); break;
        case '\\': dcproj_rsink_write(&w->s, "\\\\", 2); break;
        case '\n': dcproj_rsink_write(&w->s, "\\n", 2); break;
        case '\r': dcproj_rsink_write(&w->s, "\\r", 2); break;
        case '\t': dcproj_rsink_write(&w->s, "\\t", 2); break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                dcproj_rsink_write(&w->s, u, sizeof u);
            } else {
                rsink_putc(&w->s, (char)c);
            }
        }
    }
    rsink_putc(&w->s, '"');
}

static void json_number(struct jw *w, double v)
{
    if (!isfinite(v)) {
        dcproj_rsink_write(&w->s, "null", 4);
        return;
    }
    char buf[DCPROJ_NUMBER_LEN];
    int n = dcproj_numfmt_format(v, w->precision, 0, w->radix, buf);
    dcproj_rsink_write(&w->s, buf, (size_t)n);
}

/* Append `"key": `. */
static void json_key(struct jw *w, const char *key)
{
    json_string(w, key);
    dcproj_rsink_write(&w->s, ": ", 2);
}

/* Nesting the JSON check accepts; the loader refuses more than
 * DCPROJ_MAX_DEPTH, so a resolved scenario never comes near it. */
#define JSON_CHECK_MAX_DEPTH 512

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* Skip a JSON string at `p` (at its opening quote); NULL if malformed. */
static const char *json_skip_string(const char *p)
{
    for (p++; *p != '"'; p++) {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (!((p[k] >= '0' && p[k] <= '9') || (p[k] >= 'a' && p[k] <= 'f') ||
                          (p[k] >= 'A' && p[k] <= 'F')))
                        return NULL;
                p += 4;
            } else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
                return NULL;
            }
        }
    }
    return p + 1;
}

/* Skip a JSON number at `p` (RFC 8259 grammar); NULL if malformed. */
static const char *json_skip_number(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

/* Skip one JSON value at `p` (after white space) nested `depth` deep; NULL
 * if malformed.  Allocates nothing. */
static const char *json_skip_value(const char *p, int depth)
{
    p = json_ws(p);
    if (*p == '"')
        return json_skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        if (depth >= JSON_CHECK_MAX_DEPTH)
            return NULL;
        p = json_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                if (*p != '"' || (p = json_skip_string(p)) == NULL)
                    return NULL;
                p = json_ws(p);
                if (*p++ != ':')
                    return NULL;
            }
            if ((p = json_skip_value(p, depth + 1)) == NULL)
                return NULL;
            p = json_ws(p);
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p = json_ws(p + 1);
        }
    }
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++)
        if (strncmp(p, words[i], strlen(words[i])) == 0)
            return p + strlen(words[i]);
    return json_skip_number(p);
}

/*
 * Make the document of a frozen scenario self-contained: it has no parent
 * any more to solve on, so each variable becomes {"value": the solution}
 * (keeping its `_`/`$` keys) and "calibration": "frozen" goes.  With every
 * variable fixed the targets are only reported, exactly as when frozen, so
 * the document reproduces the run.  Returns 0, or -1 out of memory.
 */
static int freeze_variables(cJSON *doc, const struct dcproj_result *res)
{
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "calibration");
    cJSON *vars = cJSON_GetObjectItemCaseSensitive(doc, "variables");
    const struct dcproj_scenario *sc = res->scenario;
    if (!cJSON_IsObject(vars))
        return 0;
    for (size_t i = 0; i < sc->n_variables && i < res->solution.n_variables; i++) {
        cJSON *old = cJSON_GetObjectItemCaseSensitive(vars, sc->variables[i].id);
        if (old == NULL)
            continue;
        cJSON *fixed = cJSON_CreateObject();
        if (fixed == NULL || cJSON_AddNumberToObject(fixed, "value", res->solution.variables[i]) == NULL) {
            cJSON_Delete(fixed);
            return -1;
        }
        for (cJSON *k = old->child; k != NULL; k = k->next) {
            if (k->string == NULL || (k->string[0] != '_' && k->string[0] != '$'))
                continue;
            cJSON *dup = cJSON_Duplicate(k, 1);
            if (dup == NULL || !cJSON_AddItemToObject(fixed, k->string, dup)) {
                cJSON_Delete(dup);
                cJSON_Delete(fixed);
                return -1;
            }
        }
        /* the key by hand: cJSON_ReplaceItemInObject does not check its
         * copy of the key and would insert the member without a name */
        fixed->string = cJSON_malloc(strlen(old->string) + 1);
        if (fixed->string == NULL) {
            cJSON_Delete(fixed);
            return -1;
        }
        strcpy(fixed->string, old->string);
        cJSON_ReplaceItemViaPointer(vars, old, fixed); /* frees old */
    }
    return 0;
}

/* The resolved scenario (SPEC §8 provenance), checked to be one JSON value
 * without allocating (so that only invalid text, never lack of memory,
 * refuses it); "null" when the scenario has none; trailing white space
 * dropped.  A frozen one has its variables fixed at the solution so that
 * it runs on its own. */
static int json_scenario(struct jw *w, const struct dcproj_result *res, struct dcproj_error *err)
{
    const struct dcproj_scenario *sc = res->scenario;
    if (sc == NULL || sc->resolved_json == NULL) {
        dcproj_rsink_write(&w->s, "null", 4);
        return DCPROJ_OK;
    }
    const char *text = sc->resolved_json;
    size_t n = strlen(text);
    const char *end = json_skip_value(text, 0);
    if (end == NULL || *json_ws(end) != '\0')
        return dcproj_error_set(err, DCPROJ_ERR_DATA, sc->file, NULL, 0, 0,
                                "the resolved scenario is not valid JSON");
    if (sc->frozen) {
        cJSON *doc = cJSON_ParseWithOpts(text, NULL, 1);
        if (doc == NULL) /* the text is valid: cJSON ran out of memory */
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
        char *fixed = NULL;
        if (freeze_variables(doc, res) == 0)
            fixed = cJSON_PrintUnformatted(doc);
        cJSON_Delete(doc);
        if (fixed == NULL)
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, sc->file, NULL, 0, 0, "out of memory");
        dcproj_rsink_puts(&w->s, fixed);
        cJSON_free(fixed);
        return DCPROJ_OK;
    }
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\r' ||
                     text[n - 1] == '\t'))
        n--;
    dcproj_rsink_write(&w->s, text, n);
    return DCPROJ_OK;
}

static const char *kind_name(enum dcproj_row_kind k)
{
    switch (k) {
    case DCPROJ_ROW_GROUP: return "group";
    case DCPROJ_ROW_TOTAL: return "total";
    default: return "country";
    }
}

/* One long-layout column of text: `what` 0 kind, 1 code, 2 name, 3 period. */
static void json_text_column(struct jw *w, const struct dcproj_result *res, int what)
{
    rsink_putc(&w->s, '[');
    for (size_t r = 0; r < res->n_rows; r++) {
        const struct dcproj_row *row = &res->rows[r];
        for (size_t p = 0; p < res->n_periods; p++) {
            if (r > 0 || p > 0)
                dcproj_rsink_write(&w->s, ", ", 2);
            switch (what) {
            case 0: json_string(w, kind_name(row->kind)); break;
            case 1: json_string(w, row->code); break;
            case 2: json_string(w, row->name); break;
            default: json_string(w, res->periods[p].label); break;
            }
        }
    }
    rsink_putc(&w->s, ']');
}

static void json_solution(struct jw *w, const struct dcproj_result *res)
{
    const struct dcproj_solution *sol = &res->solution;
    const struct dcproj_scenario *sc = res->scenario;
    char id[32];
    dcproj_rsink_puts(&w->s, "{\"variables\": {");
    for (size_t i = 0; i < sol->n_variables; i++) {
        if (i > 0)
            dcproj_rsink_write(&w->s, ", ", 2);
        if (sc != NULL && i < sc->n_variables) {
            json_key(w, sc->variables[i].id);
        } else {
            snprintf(id, sizeof id, "variable%zu", i + 1);
            json_key(w, id);
        }
        json_number(w, sol->variables[i]);
    }
    dcproj_rsink_puts(&w->s, "}, \"targets\": [");
    for (size_t i = 0; i < sol->n_targets; i++) {
        const struct dcproj_target_result *t = &sol->targets[i];
        if (i > 0)
            dcproj_rsink_write(&w->s, ", ", 2);
        rsink_putc(&w->s, '{');
        json_key(w, "id");
        if (sc != NULL && i < sc->n_targets) {
            json_string(w, sc->targets[i].id);
        } else {
            snprintf(id, sizeof id, "target%zu", i + 1);
            json_string(w, id);
        }
        dcproj_rsink_write(&w->s, ", ", 2);
        json_key(w, "value");
        json_number(w, t->model);
        dcproj_rsink_write(&w->s, ", ", 2);
        json_key(w, "residual");
        json_number(w, t->residual);
        dcproj_rsink_write(&w->s, ", ", 2);
        json_key(w, "cagr");
        if (t->has_cagr)
            json_number(w, t->cagr);
        else
            dcproj_rsink_write(&w->s, "null", 4);
        rsink_putc(&w->s, '}');
    }
    dcproj_rsink_puts(&w->s, "]");
    /* [v2] "fits" only when some country has a fit (v1 output unchanged) */
    if (sol->n_fit_params > 0 && sc != NULL) {
        dcproj_rsink_puts(&w->s, ", \"fits\": [");
        for (size_t i = 0; i < sol->n_fit_params; i++) {
            const struct dcproj_fit_param *q = &sol->fit_params[i];
            char fid[DCPROJ_ID_LEN + 16];
            snprintf(fid, sizeof fid, "%s.%s", sc->countries[q->country].code, q->name);
            if (i > 0)
                dcproj_rsink_write(&w->s, ", ", 2);
            rsink_putc(&w->s, '{');
            json_key(w, "id");
            json_string(w, fid);
            dcproj_rsink_write(&w->s, ", ", 2);
            json_key(w, "value");
            json_number(w, q->value);
            dcproj_rsink_write(&w->s, ", ", 2);
            json_key(w, "stderr");
            if (q->has_std_error)
                json_number(w, q->std_error);
            else
                dcproj_rsink_write(&w->s, "null", 4);
            rsink_putc(&w->s, '}');
        }
        rsink_putc(&w->s, ']');
    }
    rsink_putc(&w->s, '}');
}

int dcproj_report_write_json(const struct dcproj_result *res, const struct dcproj_format *fmt,
                             FILE *out, struct dcproj_error *err)
{
    struct jw w;
    int rc = dcproj_rsink_init(&w.s, out, err);
    if (rc != DCPROJ_OK)
        return rc;
    w.precision = fmt->precision;
    w.radix = dcproj_numfmt_radix();
    w.eol = fmt->crlf ? "\r\n" : "\n";
    struct rsink *s = &w.s;
    char num[32];

    dcproj_rsink_puts(s, "{");
    dcproj_rsink_puts(s, w.eol);
    dcproj_rsink_puts(s, "  \"provenance\": {");
    json_key(&w, "dcproj_version");
    json_string(&w, dcproj_version());
    dcproj_rsink_write(s, ", ", 2);
    json_key(&w, "scenario");
    rc = json_scenario(&w, res, err);
    if (rc != DCPROJ_OK) {
        dcproj_rsink_finish(s, NULL);
        return rc;
    }
    dcproj_rsink_write(s, ", ", 2);
    json_key(&w, "seed");
    snprintf(num, sizeof num, "%" PRIu64, res->seed);
    dcproj_rsink_puts(s, num);
    dcproj_rsink_write(s, ", ", 2);
    json_key(&w, "draws");
    snprintf(num, sizeof num, "%lld", res->draws);
    dcproj_rsink_puts(s, num);
    dcproj_rsink_write(s, ", ", 2);
    json_key(&w, "sha256"); /* the scenario hash of SPEC §7, null without a scenario */
    char hash[DCPROJ_SHA256_HEX_LEN];
    if (res->scenario != NULL && dcproj_scenario_hash(res->scenario, hash, NULL) == DCPROJ_OK)
        json_string(&w, hash);
    else
        dcproj_rsink_write(s, "null", 4);
    dcproj_rsink_puts(s, "},");
    dcproj_rsink_puts(s, w.eol);

    dcproj_rsink_puts(s, "  \"periods\": [");
    for (size_t p = 0; p < res->n_periods; p++) {
        if (p > 0)
            dcproj_rsink_write(s, ", ", 2);
        json_string(&w, res->periods[p].label);
    }
    dcproj_rsink_puts(s, "],");
    dcproj_rsink_puts(s, w.eol);

    dcproj_rsink_puts(s, "  \"rows\": {");
    dcproj_rsink_puts(s, w.eol);
    static const char *const text_cols[] = {"kind", "code", "name", "period"};
    for (int t = 0; t < 4; t++) {
        dcproj_rsink_puts(s, "    ");
        json_key(&w, text_cols[t]);
        json_text_column(&w, res, t);
        if (t < 3 || res->n_cols > 0)
            rsink_putc(s, ',');
        dcproj_rsink_puts(s, w.eol);
    }
    size_t n_cells = res->n_rows * res->n_periods;
    for (size_t c = 0; c < res->n_cols; c++) {
        dcproj_rsink_puts(s, "    ");
        json_key(&w, res->cols[c]);
        rsink_putc(s, '[');
        for (size_t i = 0; i < n_cells; i++) {
            if (i > 0)
                dcproj_rsink_write(s, ", ", 2);
            json_number(&w, res->values[i * res->n_cols + c]);
        }
        rsink_putc(s, ']');
        if (c + 1 < res->n_cols)
            rsink_putc(s, ',');
        dcproj_rsink_puts(s, w.eol);
    }
    dcproj_rsink_puts(s, "  },");
    dcproj_rsink_puts(s, w.eol);

    dcproj_rsink_puts(s, "  \"solution\": ");
    json_solution(&w, res);
    dcproj_rsink_puts(s, w.eol);
    dcproj_rsink_puts(s, "}");
    dcproj_rsink_puts(s, w.eol);
    return dcproj_rsink_finish(s, err);
}
