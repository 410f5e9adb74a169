/* test_report.c — the table writers of SPEC §8 and the solution CSV of
 * SPEC §4, on results built by hand (no loader, no model). */
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcproj/dcproj.h"

/* A hand-made result: 2 countries, a group and TOTAL over 3 quarter
 * periods (B = 2023), columns capacity, it_load_mw, facility_mw,
 * energy_twh.  Power: utilization 0.5, pue 1.5, so it_load = capacity/2,
 * facility = 0.75 capacity, energy = facility * 8760 / 1e6; the values are
 * written out as literals below. */
struct fixture {
    struct dcproj_scenario sc;
    struct dcproj_variable vars[2];
    struct dcproj_target targets[2];
    struct dcproj_result res;
    struct dcproj_period periods[3];
    struct dcproj_row rows[4];
    char cols[4][DCPROJ_COL_LEN];
    double values[4 * 3 * 4];
    double sol_vars[2];
    struct dcproj_target_result sol_targets[2];
};

static const char IE_NAME[] = "Ireland, \"Green\" Isle\n\xC3\x89ire"; /* Éire */

static void fixture_init(struct fixture *f, enum dcproj_step step)
{
    memset(f, 0, sizeof *f);
    f->sc.name = (char *)"demo";
    f->sc.unit = (char *)"MW";
    f->sc.file = (char *)"demo.json";
    f->sc.baseline_year = 2023;
    f->sc.horizon = 2024;
    f->sc.step = step;
    f->sc.resolved_json = (char *)"{\"dcproj\":1,\"name\":\"demo\",\"unit\":\"MW\"}";
    f->sc.seed = 42;
    strcpy(f->vars[0].id, "g1");
    strcpy(f->vars[1].id, "g0");
    f->sc.variables = f->vars;
    f->sc.n_variables = 2;
    strcpy(f->targets[0].id, "double");
    strcpy(f->targets[1].id, "target2");
    f->sc.targets = f->targets;
    f->sc.n_targets = 2;

    if (step == DCPROJ_STEP_QUARTER) {
        static const struct dcproj_period q[3] = {
            {"2023-Q4", 2023, 4, 0}, {"2024-Q1", 2024, 1, 3}, {"2024-Q2", 2024, 2, 6}};
        memcpy(f->periods, q, sizeof q);
    } else {
        static const struct dcproj_period y[3] = {
            {"2023", 2023, 0, 0}, {"2024", 2024, 0, 12}, {"2025", 2025, 0, 24}};
        memcpy(f->periods, y, sizeof y);
    }
    f->rows[0] = (struct dcproj_row){DCPROJ_ROW_COUNTRY, 0, "IE", IE_NAME};
    f->rows[1] = (struct dcproj_row){DCPROJ_ROW_COUNTRY, 1, "DE", "Germany"};
    f->rows[2] = (struct dcproj_row){DCPROJ_ROW_GROUP, 0, "EU", ""};
    f->rows[3] = (struct dcproj_row){DCPROJ_ROW_TOTAL, 0, "TOTAL", ""};
    strcpy(f->cols[0], "capacity");
    strcpy(f->cols[1], "it_load_mw");
    strcpy(f->cols[2], "facility_mw");
    strcpy(f->cols[3], "energy_twh");
    static const double v[4][3][4] = {
        {{100, 50, 75, 0.657}, {110, 55, 82.5, 0.7227}, {120, 60, 90, 0.7884}},
        {{200, 100, 150, 1.314}, {210, 105, 157.5, 1.3797}, {220, 110, 165, 1.4454}},
        {{300, 150, 225, 1.971}, {320, 160, 240, 2.1024}, {340, 170, 255, 2.2338}},
        {{300, 150, 225, 1.971}, {320, 160, 240, 2.1024}, {340, 170, 255, 2.2338}},
    };
    memcpy(f->values, v, sizeof v);
    f->sol_vars[0] = 0.25;
    f->sol_vars[1] = 0.05;
    f->sol_targets[0] = (struct dcproj_target_result){2, 1e-12, 0.1, 1};
    f->sol_targets[1] = (struct dcproj_target_result){500, -0.002, 0, 0};

    f->res.scenario = &f->sc;
    f->res.n_periods = 3;
    f->res.periods = f->periods;
    f->res.n_rows = 4;
    f->res.rows = f->rows;
    f->res.n_cols = 4;
    f->res.cols = f->cols;
    f->res.values = f->values;
    f->res.seed = 42;
    f->res.solution.n_variables = 2;
    f->res.solution.variables = f->sol_vars;
    f->res.solution.n_targets = 2;
    f->res.solution.targets = f->sol_targets;
}

/* Run `fn` into memory; returns the malloc'ed text and sets *rc. */
static char *capture(int (*fn)(const struct dcproj_result *, const struct dcproj_format *,
                               FILE *, struct dcproj_error *),
                     const struct dcproj_result *res, const struct dcproj_format *fmt, int *rc,
                     struct dcproj_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(fp);
    dcproj_error_init(err);
    *rc = fn(res, fmt, fp, err);
    ck_assert_int_eq(fclose(fp), 0);
    ck_assert_uint_eq(strlen(text), len); /* no NUL bytes */
    return text;
}

static char *report(const struct dcproj_result *res, const struct dcproj_format *fmt)
{
    int rc;
    struct dcproj_error err;
    char *t = capture(dcproj_report_write, res, fmt, &rc, &err);
    ck_assert_int_eq(rc, DCPROJ_OK);
    return t;
}

/* Line `n` (0-based) of `text`, copied into a static buffer without its
 * line end. */
static const char *line_of(const char *text, int n)
{
    static char buf[1024];
    const char *p = text;
    for (int i = 0; i < n; i++) {
        p = strchr(p, '\n');
        ck_assert_ptr_nonnull(p);
        p++;
    }
    size_t k = strcspn(p, "\n");
    ck_assert_uint_lt(k, sizeof buf);
    memcpy(buf, p, k);
    buf[k] = '\0';
    return buf;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

START_TEST(test_long_csv)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    char *t = report(&f.res, &fmt);
    const char *expect =
        "kind,code,name,period,capacity,it_load_mw,facility_mw,energy_twh\n"
        "country,IE,\"Ireland, \"\"Green\"\" Isle\n\xC3\x89ire\",2023-Q4,100,50,75,0.657\n"
        "country,IE,\"Ireland, \"\"Green\"\" Isle\n\xC3\x89ire\",2024-Q1,110,55,82.5,0.7227\n"
        "country,IE,\"Ireland, \"\"Green\"\" Isle\n\xC3\x89ire\",2024-Q2,120,60,90,0.7884\n"
        "country,DE,Germany,2023-Q4,200,100,150,1.314\n"
        "country,DE,Germany,2024-Q1,210,105,157.5,1.3797\n"
        "country,DE,Germany,2024-Q2,220,110,165,1.4454\n"
        "group,EU,,2023-Q4,300,150,225,1.971\n"
        "group,EU,,2024-Q1,320,160,240,2.1024\n"
        "group,EU,,2024-Q2,340,170,255,2.2338\n"
        "total,TOTAL,,2023-Q4,300,150,225,1.971\n"
        "total,TOTAL,,2024-Q1,320,160,240,2.1024\n"
        "total,TOTAL,,2024-Q2,340,170,255,2.2338\n";
    ck_assert_str_eq(t, expect);
    free(t);
}
END_TEST

START_TEST(test_excel_eu)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.decimal_comma = 1;
    fmt.bom = 1;
    fmt.crlf = 1;
    fmt.precision = 2;
    ck_assert_int_eq(dcproj_format_delimiter(&fmt), ';');
    char *t = report(&f.res, &fmt);
    ck_assert(memcmp(t, "\xEF\xBB\xBFkind;code;name;period;capacity;", 34) == 0);
    /* the name holds no ';' but a quote and a line break: still quoted */
    ck_assert_ptr_nonnull(strstr(t, "\r\ncountry;IE;\"Ireland, \"\"Green\"\" Isle\n\xC3\x89ire\";"
                                    "2023-Q4;100,00;50,00;75,00;0,66\r\n"));
    ck_assert_ptr_nonnull(strstr(t, "\r\ntotal;TOTAL;;2024-Q2;340,00;170,00;255,00;2,23\r\n"));
    /* every record ends with CRLF: 13 of them */
    int crlf = 0;
    for (const char *p = t; (p = strstr(p, "\r\n")) != NULL; p += 2)
        crlf++;
    ck_assert_int_eq(crlf, 13);
    free(t);
}
END_TEST

START_TEST(test_comma_delimiter_with_decimal_comma)
{
    /* A library caller may combine them (the CLI refuses it): numbers holding
     * the delimiter are quoted. */
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.decimal_comma = 1;
    fmt.delimiter = ',';
    char *t = report(&f.res, &fmt);
    /* lines 1-6 are the three IE records, whose name holds a line break */
    ck_assert_str_eq(line_of(t, 7), "country,DE,Germany,2023-Q4,200,100,150,\"1,314\"");
    free(t);
}
END_TEST

START_TEST(test_tsv)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.format = DCPROJ_FMT_TSV;
    ck_assert_int_eq(dcproj_format_delimiter(&fmt), '\t');
    f.rows[1].name = "Tab\there\r\nCRLF";
    char *t = report(&f.res, &fmt);
    ck_assert_str_eq(line_of(t, 0),
                     "kind\tcode\tname\tperiod\tcapacity\tit_load_mw\tfacility_mw\tenergy_twh");
    ck_assert_str_eq(line_of(t, 1),
                     "country\tIE\tIreland, \"Green\" Isle \xC3\x89ire\t2023-Q4"
                     "\t100\t50\t75\t0.657");
    ck_assert_str_eq(line_of(t, 4), "country\tDE\tTab here CRLF\t2023-Q4\t200\t100\t150\t1.314");
    ck_assert_int_eq(count_lines(t), 13);
    free(t);
}
END_TEST

START_TEST(test_wide)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.layout = DCPROJ_LAYOUT_WIDE;
    char *t = report(&f.res, &fmt);
    const char *expect = "kind,code,name,2023-Q4,2024-Q1,2024-Q2\n"
                         "country,IE,\"Ireland, \"\"Green\"\" Isle\n\xC3\x89ire\",100,110,120\n"
                         "country,DE,Germany,200,210,220\n"
                         "group,EU,,300,320,340\n"
                         "total,TOTAL,,300,320,340\n";
    ck_assert_str_eq(t, expect);
    free(t);

    fmt.metric = "energy_twh";
    t = report(&f.res, &fmt);
    ck_assert_str_eq(line_of(t, 5), "total,TOTAL,,1.971,2.1024,2.2338"); /* IE: 2 lines */
    free(t);

    fmt.metric = "p95";
    int rc;
    struct dcproj_error err;
    t = capture(dcproj_report_write, &f.res, &fmt, &rc, &err);
    ck_assert_int_eq(rc, DCPROJ_ERR_USAGE);
    ck_assert_int_eq(err.code, DCPROJ_ERR_USAGE);
    ck_assert_str_eq(t, ""); /* nothing written */
    ck_assert_ptr_nonnull(strstr(err.items[0].message, "p95"));
    ck_assert_ptr_nonnull(
        strstr(err.items[0].message, "capacity, it_load_mw, facility_mw, energy_twh"));
    free(t);
}
END_TEST

START_TEST(test_iamc_quarters)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.layout = DCPROJ_LAYOUT_IAMC;
    char *t = report(&f.res, &fmt);
    ck_assert_str_eq(line_of(t, 0), "model,scenario,region,variable,unit,year,subannual,value");
    /* region IE: Capacity over the 3 periods, then Power|IT Load ...; Energy of a quarter
       is in TWh (SPEC v2 §8: TWh/yr only when step = year) */
    ck_assert_str_eq(line_of(t, 1), "dcproj,demo,IE,Capacity,MW,2023,Q4,100");
    ck_assert_str_eq(line_of(t, 2), "dcproj,demo,IE,Capacity,MW,2024,Q1,110");
    ck_assert_str_eq(line_of(t, 3), "dcproj,demo,IE,Capacity,MW,2024,Q2,120");
    ck_assert_str_eq(line_of(t, 4), "dcproj,demo,IE,Power|IT Load,MW,2023,Q4,50");
    ck_assert_str_eq(line_of(t, 7), "dcproj,demo,IE,Power|Facility,MW,2023,Q4,75");
    ck_assert_str_eq(line_of(t, 12), "dcproj,demo,IE,Energy,TWh,2024,Q2,0.7884");
    ck_assert_str_eq(line_of(t, 13), "dcproj,demo,DE,Capacity,MW,2023,Q4,200");
    ck_assert_str_eq(line_of(t, 25), "dcproj,demo,EU,Capacity,MW,2023,Q4,300");
    ck_assert_str_eq(line_of(t, 48), "dcproj,demo,TOTAL,Energy,TWh,2024,Q2,2.2338");
    ck_assert_int_eq(count_lines(t), 1 + 4 * 4 * 3);
    free(t);
}
END_TEST

START_TEST(test_iamc_years_and_quantiles)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_YEAR);
    /* Relabel the columns as a Monte Carlo result would have them. */
    strcpy(f.cols[1], "mean");
    strcpy(f.cols[2], "p5");
    strcpy(f.cols[3], "p97.5");
    f.sc.unit = (char *)"GW";
    f.sc.name = (char *)"a,b";
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.layout = DCPROJ_LAYOUT_IAMC;
    char *t = report(&f.res, &fmt);
    ck_assert_str_eq(line_of(t, 0), "model,scenario,region,variable,unit,year,value");
    ck_assert_str_eq(line_of(t, 1), "dcproj,\"a,b\",IE,Capacity,GW,2023,100");
    ck_assert_str_eq(line_of(t, 4), "dcproj,\"a,b\",IE,Capacity|Mean,GW,2023,50");
    ck_assert_str_eq(line_of(t, 7), "dcproj,\"a,b\",IE,Capacity|p5,GW,2023,75");
    ck_assert_str_eq(line_of(t, 12), "dcproj,\"a,b\",IE,Capacity|p97.5,GW,2025,0.7884");
    free(t);
}
END_TEST

START_TEST(test_solution_csv)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_YEAR);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    int rc;
    struct dcproj_error err;
    char *t = capture(dcproj_solution_write, &f.res, &fmt, &rc, &err);
    ck_assert_int_eq(rc, DCPROJ_OK);
    ck_assert_str_eq(t, "type,id,value,residual,cagr,stderr\n"
                        "variable,g1,0.25,,,\n"
                        "variable,g0,0.05,,,\n"
                        "target,double,2,1e-12,0.1,\n"
                        "target,target2,500,-0.002,,\n");
    free(t);

    fmt.decimal_comma = 1;
    fmt.crlf = 1;
    fmt.bom = 1;
    fmt.precision = 3;
    t = capture(dcproj_solution_write, &f.res, &fmt, &rc, &err);
    ck_assert_int_eq(rc, DCPROJ_OK);
    ck_assert_str_eq(t, "\xEF\xBB\xBFtype;id;value;residual;cagr;stderr\r\n"
                        "variable;g1;0,250;;;\r\n"
                        "variable;g0;0,050;;;\r\n"
                        "target;double;2,000;0,000;0,100;\r\n"
                        "target;target2;500,000;-0,002;;\r\n");
    free(t);

    /* SPEC §4: without targets, the header only. */
    f.res.solution.n_targets = 0;
    dcproj_format_init(&fmt);
    t = capture(dcproj_solution_write, &f.res, &fmt, &rc, &err);
    ck_assert_int_eq(rc, DCPROJ_OK);
    ck_assert_str_eq(t, "type,id,value,residual,cagr,stderr\n");
    free(t);
}
END_TEST

START_TEST(test_json)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.format = DCPROJ_FMT_JSON;
    fmt.bom = 1; /* never a BOM in JSON */
    fmt.decimal_comma = 1; /* JSON numbers keep '.' */
    char *t = report(&f.res, &fmt);
    ck_assert_int_eq(t[0], '{');
    ck_assert_ptr_nonnull(strstr(t, "\"energy_twh\": [0.657, 0.7227, 0.7884, 1.314,"));
    cJSON *doc = cJSON_Parse(t);
    ck_assert_ptr_nonnull(doc);
    const cJSON *prov = cJSON_GetObjectItemCaseSensitive(doc, "provenance");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(prov, "dcproj_version")->valuestring,
                     dcproj_version());
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(prov, "scenario");
    ck_assert(cJSON_IsObject(sc));
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(sc, "name")->valuestring, "demo");
    ck_assert(cJSON_GetObjectItemCaseSensitive(prov, "seed")->valuedouble == 42);
    ck_assert(cJSON_GetObjectItemCaseSensitive(prov, "draws")->valuedouble == 0);
    const cJSON *periods = cJSON_GetObjectItemCaseSensitive(doc, "periods");
    ck_assert_int_eq(cJSON_GetArraySize(periods), 3);
    ck_assert_str_eq(cJSON_GetArrayItem(periods, 1)->valuestring, "2024-Q1");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc, "rows");
    static const char *const keys[] = {"kind", "code", "name", "period", "capacity",
                                       "it_load_mw", "facility_mw", "energy_twh"};
    int i = 0;
    for (const cJSON *k = rows->child; k != NULL; k = k->next, i++) {
        ck_assert_str_eq(k->string, keys[i]);
        ck_assert_int_eq(cJSON_GetArraySize(k), 12);
    }
    ck_assert_int_eq(i, 8);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(rows, "kind");
    ck_assert_str_eq(cJSON_GetArrayItem(kind, 0)->valuestring, "country");
    ck_assert_str_eq(cJSON_GetArrayItem(kind, 6)->valuestring, "group");
    ck_assert_str_eq(cJSON_GetArrayItem(kind, 11)->valuestring, "total");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(rows, "name");
    ck_assert_str_eq(cJSON_GetArrayItem(name, 2)->valuestring, IE_NAME);
    const cJSON *period = cJSON_GetObjectItemCaseSensitive(rows, "period");
    ck_assert_str_eq(cJSON_GetArrayItem(period, 5)->valuestring, "2024-Q2");
    const cJSON *fac = cJSON_GetObjectItemCaseSensitive(rows, "facility_mw");
    ck_assert(cJSON_GetArrayItem(fac, 4)->valuedouble == 157.5);
    const cJSON *sol = cJSON_GetObjectItemCaseSensitive(doc, "solution");
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(sol, "variables");
    ck_assert(cJSON_GetObjectItemCaseSensitive(vars, "g1")->valuedouble == 0.25);
    ck_assert(cJSON_GetObjectItemCaseSensitive(vars, "g0")->valuedouble == 0.05);
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(sol, "targets");
    ck_assert_int_eq(cJSON_GetArraySize(tg), 2);
    const cJSON *t0 = cJSON_GetArrayItem(tg, 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(t0, "id")->valuestring, "double");
    ck_assert(cJSON_GetObjectItemCaseSensitive(t0, "value")->valuedouble == 2);
    ck_assert(cJSON_GetObjectItemCaseSensitive(t0, "residual")->valuedouble == 1e-12);
    ck_assert(cJSON_GetObjectItemCaseSensitive(t0, "cagr")->valuedouble == 0.1);
    const cJSON *t1 = cJSON_GetArrayItem(tg, 1);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t1, "cagr")));
    cJSON_Delete(doc);
    free(t);

    /* an invalid resolved scenario is refused, not embedded */
    f.sc.resolved_json = (char *)"{\"a\":";
    int rc;
    struct dcproj_error err;
    t = capture(dcproj_report_write, &f.res, &fmt, &rc, &err);
    ck_assert_int_eq(rc, DCPROJ_ERR_DATA);
    free(t);

    /* the check is RFC 8259's grammar (written without cJSON so that it
     * cannot fail for lack of memory) */
    static char invalid[][64] = {
        "", "{", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "[01]", "[1.]", "[1e]", "[-]",
        "[\"\\x\"]", "[\"\\u12g4\"]", "[\"tab\there\"]", "[tru]", "{} {}", "{1:2}",
        "[\"unterminated]",
    };
    static char valid[][64] = {
        "{}", " [ ] ", "{\"a\":[1,-0.5e+3,true,false,null,\"\\u00e9\\n\\\"\"],\"b\":{}}\n",
        "0", "\"s\"",
    };
    for (size_t k = 0; k < sizeof invalid / sizeof invalid[0]; k++) {
        f.sc.resolved_json = invalid[k];
        t = capture(dcproj_report_write, &f.res, &fmt, &rc, &err);
        ck_assert_msg(rc == DCPROJ_ERR_DATA, "accepted as JSON: '%s'", invalid[k]);
        free(t);
    }
    for (size_t k = 0; k < sizeof valid / sizeof valid[0]; k++) {
        f.sc.resolved_json = valid[k];
        t = capture(dcproj_report_write, &f.res, &fmt, &rc, &err);
        ck_assert_msg(rc == DCPROJ_OK, "refused as JSON: '%s'", valid[k]);
        free(t);
    }
}
END_TEST

/* Display width of a UTF-8 line: one column per code point. */
static size_t width_of(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

START_TEST(test_table)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.format = DCPROJ_FMT_TABLE;
    f.rows[0].name = "Ire\nand"; /* control characters become spaces */
    char *t = report(&f.res, &fmt);
    /* code name period capacity it_load facility energy; units below */
    ck_assert_str_eq(line_of(t, 0),
                     "code   name     period   capacity  it_load  facility  energy");
    ck_assert_str_eq(line_of(t, 1),
                     "                               MW       MW        MW  TWh/yr");
    ck_assert_str_eq(line_of(t, 3),
                     "IE     Ire and  2023-Q4     100.0     50.0      75.0   0.657");
    ck_assert_str_eq(line_of(t, 4),
                     "                2024-Q1     110.0     55.0      82.5   0.723");
    /* a rule before the group and before TOTAL */
    /* 5 + 2 + 7 + 2 + 7 + (2 + 8) + (2 + 7) + (2 + 8) + (2 + 6) = 60 */
    ck_assert_str_eq(line_of(t, 9), "------------------------------------------------------------");
    ck_assert_str_eq(line_of(t, 10),
                     "EU     (group)  2023-Q4     300.0    150.0     225.0   1.971");
    ck_assert(line_of(t, 13)[0] == '=');
    ck_assert_str_eq(line_of(t, 14),
                     "TOTAL           2023-Q4     300.0    150.0     225.0   1.971");
    free(t);
}
END_TEST

START_TEST(test_table_fits_80_columns)
{
    /* Many columns and a long non-ASCII name: every line fits in 80
     * columns and the dropped columns are named. */
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    static char cols[9][DCPROJ_COL_LEN] = {"capacity", "mean", "p5", "p50", "p95",
                                           "it_load_mw", "facility_mw", "energy_twh", "p99"};
    double *values = calloc(4 * 3 * 9, sizeof *values);
    for (size_t i = 0; i < 4 * 3 * 9; i++)
        values[i] = 123456.789 * (double)(i + 1);
    f.res.cols = cols;
    f.res.n_cols = 9;
    f.res.values = values;
    f.rows[1].name = "\xC3\x96sterreich und eine sehr lange Beschreibung dazu";
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.format = DCPROJ_FMT_TABLE;
    char *t = report(&f.res, &fmt);
    int n = count_lines(t);
    for (int i = 0; i < n; i++)
        ck_assert_msg(width_of(line_of(t, i)) <= 80, "line %d too wide: '%s'", i, line_of(t, i));
    ck_assert_ptr_nonnull(strstr(line_of(t, 0), "capacity"));
    ck_assert_ptr_nonnull(strstr(line_of(t, n - 1), "(not shown:"));
    ck_assert_ptr_nonnull(strstr(line_of(t, n - 1), "p99"));
    /* the long name is cut with an ellipsis */
    ck_assert_ptr_nonnull(strstr(t, "\xC3\x96sterre\xE2\x80\xA6"));
    free(t);
    free(values);
}
END_TEST

START_TEST(test_write_error)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    static const enum dcproj_out_format formats[] = {DCPROJ_FMT_CSV, DCPROJ_FMT_JSON,
                                                     DCPROJ_FMT_TABLE};
    for (int i = 0; i < 3; i++) {
        FILE *fp = fopen("/dev/full", "w");
        ck_assert_ptr_nonnull(fp);
        fmt.format = formats[i];
        struct dcproj_error err;
        dcproj_error_init(&err);
        int rc = dcproj_report_write(&f.res, &fmt, fp, &err);
        ck_assert_int_eq(rc, DCPROJ_ERR_IO);
        ck_assert_str_eq(err.items[0].message, "write error: No space left on device");
        fclose(fp);
    }
    FILE *fp = fopen("/dev/full", "w");
    struct dcproj_error err;
    dcproj_error_init(&err);
    fmt.format = DCPROJ_FMT_CSV;
    ck_assert_int_eq(dcproj_solution_write(&f.res, &fmt, fp, &err), DCPROJ_ERR_IO);
    fclose(fp);
}
END_TEST

/* The record writer (table_write.c) follows the field rule of the main
 * report: a NULL text is an empty field (it crashed before the two writers
 * shared dsv_field_text()), CSV quotes only what holds the delimiter, '"',
 * CR or LF and doubles '"', TSV turns tabs and line breaks into spaces. */
START_TEST(test_record_writer_fields)
{
    static const struct {
        enum dcproj_out_format format;
        const char *expected;
    } cases[] = {
        {DCPROJ_FMT_CSV, ",a\tb,\"q\"\"x\",\"l,m\",\"r\r\nn\",2.5\n"},
        {DCPROJ_FMT_TSV, "\ta b\tq\"x\tl,m\tr n\t2.5\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        ck_assert_ptr_nonnull(fp);
        struct dcproj_format fmt;
        dcproj_format_init(&fmt);
        fmt.format = cases[i].format;
        struct dcproj_table_writer w;
        dcproj_table_begin(&w, fp, &fmt);
        dcproj_table_text(&w, NULL);
        dcproj_table_text(&w, "a\tb");
        dcproj_table_text(&w, "q\"x");
        dcproj_table_text(&w, "l,m");
        dcproj_table_text(&w, "r\r\nn");
        dcproj_table_number(&w, 2.5);
        dcproj_table_end_record(&w);
        struct dcproj_error err;
        dcproj_error_init(&err);
        ck_assert_int_eq(dcproj_table_finish(&w, &err), DCPROJ_OK);
        fclose(fp);
        ck_assert_str_eq(buf, cases[i].expected);
        free(buf);
    }
}
END_TEST

/* A number is quoted exactly when the delimiter can occur in it
 * (dsv_number_quotable): with '.' as delimiter 157.5 is "157.5" and 210 is
 * bare; with 'e' an exponent form is quoted; with ',' and a decimal point
 * nothing is.  Both delimited writers follow the one rule. */
START_TEST(test_number_delimiters)
{
    struct fixture f;
    fixture_init(&f, DCPROJ_STEP_QUARTER);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.delimiter = '.';
    char *t = report(&f.res, &fmt);
    /* line 8: the header, then IE's three rows, two lines each (its name) */
    ck_assert_str_eq(line_of(t, 8), "country.DE.Germany.2024-Q1.210.105.\"157.5\".\"1.3797\"");
    free(t);

    static const struct {
        char delimiter;
        const char *expected;
    } cases[] = {
        {'e', "\"1e-07\"e2.5e-inf\n"},
        {'.', "1e-07.\"2.5\".-inf\n"},
        {',', "1e-07,2.5,-inf\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        ck_assert_ptr_nonnull(fp);
        dcproj_format_init(&fmt);
        fmt.delimiter = cases[i].delimiter;
        struct dcproj_table_writer w;
        dcproj_table_begin(&w, fp, &fmt);
        dcproj_table_number(&w, 1e-7);
        dcproj_table_number(&w, 2.5);
        dcproj_table_number(&w, -1.0 / 0.0);
        dcproj_table_end_record(&w);
        fclose(fp);
        ck_assert_str_eq(buf, cases[i].expected);
        free(buf);
    }
}
END_TEST

/* ---- the parallel writer (report_dsv.c): large tables are formatted by
 * threads in chunks of rows; the bytes must be those of one thread ---- */

enum { BIG_ROWS = 1100, BIG_PERIODS = 61, BIG_COLS = 4 }; /* wide: 67,100 numbers */

struct big {
    struct dcproj_scenario sc;
    struct dcproj_result res;
    struct dcproj_period periods[BIG_PERIODS];
    struct dcproj_row rows[BIG_ROWS];
    char codes[BIG_ROWS][16];
    char names[BIG_ROWS][32];
    char cols[BIG_COLS][DCPROJ_COL_LEN];
    double values[BIG_ROWS * BIG_PERIODS * BIG_COLS];
};

static struct big *big_new(void)
{
    struct big *b = calloc(1, sizeof *b);
    ck_assert_ptr_nonnull(b);
    b->sc.name = (char *)"big";
    b->sc.unit = (char *)"MW";
    b->sc.baseline_year = 2023;
    b->sc.horizon = 2028;
    b->sc.step = DCPROJ_STEP_MONTH;
    for (int p = 0; p < BIG_PERIODS; p++) {
        int m = 11 + p; /* 2023-12 onwards */
        b->periods[p].year = 2023 + m / 12;
        b->periods[p].sub = m % 12 + 1;
        b->periods[p].end_months = p;
        snprintf(b->periods[p].label, sizeof b->periods[p].label, "%d-%02d", 2023 + m / 12,
                 m % 12 + 1);
    }
    for (int r = 0; r < BIG_ROWS; r++) {
        snprintf(b->codes[r], sizeof b->codes[r], "C%03d", r);
        if (r % 7 == 3) /* a name CSV must quote */
            snprintf(b->names[r], sizeof b->names[r], "Land \"%d\", north", r);
        else
            snprintf(b->names[r], sizeof b->names[r], "Land %d", r);
        enum dcproj_row_kind kind = r == BIG_ROWS - 1 ? DCPROJ_ROW_TOTAL
                                    : r >= BIG_ROWS - 4 ? DCPROJ_ROW_GROUP
                                                        : DCPROJ_ROW_COUNTRY;
        b->rows[r] = (struct dcproj_row){kind, (size_t)r, b->codes[r], b->names[r]};
    }
    strcpy(b->cols[0], "capacity");
    strcpy(b->cols[1], "it_load_mw");
    strcpy(b->cols[2], "facility_mw");
    strcpy(b->cols[3], "energy_twh");
    for (int r = 0; r < BIG_ROWS; r++)
        for (int p = 0; p < BIG_PERIODS; p++) {
            double *v = &b->values[((size_t)r * BIG_PERIODS + p) * BIG_COLS];
            v[0] = r * 1000 + p + 0.25;       /* short decimals */
            v[1] = v[0] * 0.6;                /* 17 digits, often */
            v[2] = -v[1] / 3.0;               /* negative, 17 digits */
            v[3] = p == 0 ? NAN : 1e-7 * v[0]; /* small; the first is empty */
        }
    b->res.scenario = &b->sc;
    b->res.n_periods = BIG_PERIODS;
    b->res.periods = b->periods;
    b->res.n_rows = BIG_ROWS;
    b->res.rows = b->rows;
    b->res.n_cols = BIG_COLS;
    b->res.cols = b->cols;
    b->res.values = b->values;
    return b;
}

/* SPEC §8's number rule through the C library: %.15g if strtod reads it
 * back, else %.17g (the values here are never -0). */
static void spec_number(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, size, "%.17g", v);
}

/* The long CSV of `b`, written here field by field (RFC 4180 quoting by
 * hand), independently of report_dsv.c. */
static char *big_expected_csv(const struct big *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(fp);
    fputs("kind,code,name,period,capacity,it_load_mw,facility_mw,energy_twh\n", fp);
    static const char *const kinds[] = {"country", "group", "total"};
    for (int r = 0; r < BIG_ROWS; r++) {
        const struct dcproj_row *row = &b->rows[r];
        char name[80];
        if (strchr(row->name, ',') != NULL) {
            size_t k = 0;
            name[k++] = '"';
            for (const char *c = row->name; *c; c++) {
                if (*c == '"')
                    name[k++] = '"';
                name[k++] = *c;
            }
            name[k++] = '"';
            name[k] = '\0';
        } else {
            snprintf(name, sizeof name, "%s", row->name);
        }
        for (int p = 0; p < BIG_PERIODS; p++) {
            fprintf(fp, "%s,%s,%s,%s", kinds[row->kind], row->code, name, b->periods[p].label);
            const double *v = &b->values[((size_t)r * BIG_PERIODS + p) * BIG_COLS];
            for (int c = 0; c < BIG_COLS; c++) {
                char num[64] = "";
                if (!isnan(v[c]))
                    spec_number(v[c], num, sizeof num);
                fprintf(fp, ",%s", num);
            }
            fputc('\n', fp);
        }
    }
    ck_assert_int_eq(fclose(fp), 0);
    return text;
}

START_TEST(test_parallel_writer_long_csv)
{
    struct big *b = big_new();
    char *expect = big_expected_csv(b);
    ck_assert_str_eq(line_of(expect, 4 * BIG_PERIODS + 2),
                     "country,C004,Land 4,2024-01,4001.25,2400.75,-800.25,0.000400125");
    static const int threads[] = {1, 2, 3, 8};
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        struct dcproj_format fmt;
        dcproj_format_init(&fmt);
        fmt.threads = threads[i];
        char *t = report(&b->res, &fmt);
        ck_assert_msg(strcmp(t, expect) == 0, "%d threads: the table differs", threads[i]);
        free(t);
    }
    free(expect);
    free(b);
}
END_TEST

/* Wide, IAMC, TSV and a decimal comma: the same bytes for 1 and 4 threads. */
START_TEST(test_parallel_writer_layouts)
{
    struct big *b = big_new();
    static const struct {
        enum dcproj_out_format format;
        enum dcproj_layout layout;
        int decimal_comma;
        int lines; /* header included */
    } cases[] = {
        {DCPROJ_FMT_CSV, DCPROJ_LAYOUT_WIDE, 0, 1 + BIG_ROWS},
        {DCPROJ_FMT_CSV, DCPROJ_LAYOUT_IAMC, 1, 1 + BIG_ROWS * (BIG_PERIODS * BIG_COLS - 1)},
        {DCPROJ_FMT_TSV, DCPROJ_LAYOUT_LONG, 1, 1 + BIG_ROWS * BIG_PERIODS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct dcproj_format fmt;
        dcproj_format_init(&fmt);
        fmt.format = cases[i].format;
        fmt.layout = cases[i].layout;
        fmt.decimal_comma = cases[i].decimal_comma;
        fmt.threads = 1;
        char *one = report(&b->res, &fmt);
        fmt.threads = 4;
        char *four = report(&b->res, &fmt);
        ck_assert_int_eq(count_lines(one), cases[i].lines);
        ck_assert_msg(strcmp(one, four) == 0, "case %zu: 1 and 4 threads differ", i);
        free(one);
        free(four);
    }
    free(b);
}
END_TEST

/* A write error while threads format is reported like any other. */
START_TEST(test_parallel_writer_write_error)
{
    struct big *b = big_new();
    FILE *fp = fopen("/dev/full", "w");
    ck_assert_ptr_nonnull(fp);
    struct dcproj_format fmt;
    dcproj_format_init(&fmt);
    fmt.threads = 2;
    struct dcproj_error err;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_report_write(&b->res, &fmt, fp, &err), DCPROJ_ERR_IO);
    ck_assert_str_eq(err.items[0].message, "write error: No space left on device");
    fclose(fp);
    free(b);
}
END_TEST

START_TEST(test_result_helpers)
{
    struct dcproj_result *res = calloc(1, sizeof *res);
    res->n_cols = 2;
    res->cols = calloc(2, sizeof *res->cols);
    strcpy(res->cols[0], "capacity");
    strcpy(res->cols[1], "mean");
    res->values = calloc(4, sizeof *res->values);
    res->solution.n_variables = 1;
    res->solution.variables = calloc(1, sizeof(double));
    ck_assert_int_eq(dcproj_warnings_add(&res->warnings, "f.json", "countries.IE", "a"), DCPROJ_OK);
    ck_assert_int_eq(dcproj_warnings_add(&res->warnings, "f.json", "countries.IE", "b"), DCPROJ_OK);
    ck_assert_int_eq(dcproj_warnings_add(&res->warnings, "g.json", "countries.IE", "a"), DCPROJ_OK);
    ck_assert_uint_eq(res->warnings.n, 2); /* (path, message) kept once */
    ck_assert(dcproj_warnings_has(&res->warnings, "countries.IE", "b"));
    ck_assert(!dcproj_warnings_has(&res->warnings, "countries.DE", "b"));
    ck_assert_int_eq(dcproj_result_find_col(res, "mean"), 1);
    ck_assert_int_eq(dcproj_result_find_col(res, "capacity"), 0);
    ck_assert_int_eq(dcproj_result_find_col(res, "p5"), -1);
    dcproj_solution_clear(&res->solution);
    ck_assert_ptr_null(res->solution.variables);
    ck_assert_uint_eq(res->solution.n_variables, 0);
    dcproj_result_free(res); /* leaks show in the sanitizer build */
    dcproj_result_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_long_csv);
    tcase_add_test(tc, test_excel_eu);
    tcase_add_test(tc, test_comma_delimiter_with_decimal_comma);
    tcase_add_test(tc, test_tsv);
    tcase_add_test(tc, test_wide);
    tcase_add_test(tc, test_iamc_quarters);
    tcase_add_test(tc, test_iamc_years_and_quantiles);
    tcase_add_test(tc, test_solution_csv);
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_table_fits_80_columns);
    tcase_add_test(tc, test_write_error);
    tcase_add_test(tc, test_result_helpers);
    tcase_add_test(tc, test_record_writer_fields);
    tcase_add_test(tc, test_number_delimiters);
    tcase_add_test(tc, test_parallel_writer_long_csv);
    tcase_add_test(tc, test_parallel_writer_layouts);
    tcase_add_test(tc, test_parallel_writer_write_error);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
