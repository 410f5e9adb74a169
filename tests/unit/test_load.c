/* test_load.c — converting and validating scenario documents (SPEC §1–§5),
 * through the test-only document layer doc_shim.c.  Expected values are
 * computed by hand from the SPEC, e.g. start_months of "2026-07" with
 * B = 2023 is 12·(2026 − 1 − 2023) + (7 − 1) = 30. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>

#include "dcproj/scenario.h"
#include "doc_shim.h"

/* JSON written with single quotes (the tests never need an apostrophe). */
static char *q(const char *s)
{
    char *out = strdup(s);
    ck_assert_ptr_nonnull(out);
    for (char *p = out; *p != '\0'; p++)
        if (*p == '\'')
            *p = '"';
    return out;
}

static int load_text(const char *json, const struct dcproj_load_options *opt,
                     struct dcproj_scenario **sc, struct dcproj_error *e)
{
    char *text = q(json);
    dcproj_error_init(e);
    *sc = NULL;
    int st = dcproj_scenario_load_buffer("t.json", text, strlen(text), NULL, opt, sc, e);
    free(text);
    return st;
}

static void dump(const struct dcproj_error *e)
{
    char buf[1200];
    for (int i = 0; i < e->count && i < DCPROJ_ERROR_MAX; i++) {
        dcproj_error_format(e, i, buf, sizeof buf);
        fprintf(stderr, "  %s\n", buf);
    }
}

static struct dcproj_scenario *load_ok(const char *json)
{
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    int st = load_text(json, NULL, &sc, &e);
    if (st != DCPROJ_OK)
        dump(&e);
    ck_assert_int_eq(st, DCPROJ_OK);
    ck_assert_ptr_nonnull(sc);
    return sc;
}

#define HEAD "{'dcproj': 1, 'name': 't', 'baseline_year': 2023, 'horizon': 2027, "
#define IE "'IE': {'baseline': 100, 'growth': {'model': 'compound', 'rate': 0.1}}"
#define ONE "'countries': {" IE "}"

/* ---- a valid scenario with every feature --------------------------------- */

static const char *FULL =
    "{'dcproj': 1, 'name': 'full.v1', 'title': 'T', 'description': 'D', 'unit': 'MW',"
    " '$schema': 'x', '_note': {'anything': [1, 2]},"
    " 'baseline_year': 2023, 'horizon': 2030, 'step': 'quarter',"
    " 'sources': {'s1': {'title': 'Src', 'url': 'https://x', 'date': '2025-01-01', 'note': 'n'}},"
    " 'defaults': {'growth': {'model': 'compound', 'rate': {'dist': 'normal', 'mean': 0.1, 'sd': 0.02}}},"
    " 'variables': {'g1': {'min': -0.5, 'max': 1.5}, 'k': {'value': 2}, 'g2': {'min': 0, 'max': 1, 'guess': 0.3}},"
    " 'targets': [{'scope': 'TOTAL', 'year': 2030, 'ratio': 2, 'base_year': 2023, 'source': 's1'},"
    "             {'id': 'eu', 'scope': 'EU', 'year': 2028, 'value': 500, 'weight': 2}],"
    " 'calibration': 'solve',"
    " 'power': {'pue': 1.2, 'utilization': 0.5},"
    " 'uncertainty': {'draws': 100, 'seed': 7, 'quantiles': [0.1, 0.9]},"
    " 'countries': {"
    "  'IE': {'name': 'Ireland', 'baseline': 300, 'groups': ['EU'], 'source': 's1', 'note': 'n', '_x': 1},"
    "  'GB': {'baseline': {'dist': 'uniform', 'min': 100, 'max': 200},"
    "         'growth': {'rate': {'var': 'g1', 'times': 1.5, 'plus': 0.01}}, 'power': {'pue': 1.5}},"
    "  'DE': {'baseline': 100, 'groups': ['EU', 'DACH'], 'growth': {'model': 'linear',"
    "         'per_year': {'dist': 'triangular', 'min': 10, 'mode': {'var': 'k', 'times': 10}, 'max': 40}}},"
    "  'SE': {'baseline': 50, 'groups': ['Nordics', 'EU'], 'growth': {'model': 'logistic', 'cap': 300,"
    "         'rate': {'dist': 'pert', 'min': 0.5, 'mode': 0.8, 'max': 1}}},"
    "  'FR': {'baseline': 10, 'growth': {'model': 'compound', 'rates': [{'until': 2025, 'rate': {'var': 'g2'}},"
    "         {'until': 2030.0, 'rate': 0.05}]}},"
    "  'P': {'growth': {'model': 'points', 'points': {'2023': 20, '2019': 5, '2021': 10, '2024': 35, '2026': 40},"
    "        'interp': 'akima', 'extrapolate': 'flat'}},"
    "  'Q': {'baseline': 20, 'growth': {'model': 'points', 'points': {'2022': 12, '2023': 20},"
    "        'interp': 'step', 'extrapolate': 'linear'}}},"
    " 'events': ["
    "  {'country': 'FR', 'date': '2026-07', 'add': 150, 'ramp_months': 12, 'probability': 0.8,"
    "   'delay_months': 2, 'source': 's1', 'note': 'x'},"
    "  {'country': 'DE', 'date': '2024-06-11', 'add': {'dist': 'lognormal', 'mean': 60, 'sd': 5}},"
    "  {'country': 'IE', 'date': '2025-Q3', 'add': -40, 'probability': {'dist': 'uniform', 'min': 0.2, 'max': 0.9},"
    "   'delay_months': {'var': 'k'}},"
    "  {'country': 'GB', 'date': '2027', 'add': 1e1}]}";

START_TEST(test_full)
{
    struct dcproj_scenario *sc = load_ok(FULL);
    ck_assert_int_eq(sc->version, 1);
    ck_assert_str_eq(sc->file, "t.json");
    ck_assert_str_eq(sc->name, "full.v1");
    ck_assert_str_eq(sc->title, "T");
    ck_assert_str_eq(sc->description, "D");
    ck_assert_str_eq(sc->unit, "MW");
    ck_assert_int_eq(sc->baseline_year, 2023);
    ck_assert_int_eq(sc->horizon, 2030);
    ck_assert_int_eq(sc->step, DCPROJ_STEP_QUARTER);

    ck_assert_uint_eq(sc->n_sources, 1);
    ck_assert_str_eq(sc->sources[0].id, "s1");
    ck_assert_str_eq(sc->sources[0].title, "Src");
    ck_assert_str_eq(sc->sources[0].url, "https://x");
    ck_assert_str_eq(sc->sources[0].date, "2025-01-01");
    ck_assert_str_eq(sc->sources[0].note, "n");

    /* groups in order of first appearance over countries in file order */
    ck_assert_uint_eq(sc->n_groups, 3);
    ck_assert_str_eq(sc->groups[0], "EU");
    ck_assert_str_eq(sc->groups[1], "DACH");
    ck_assert_str_eq(sc->groups[2], "Nordics");

    ck_assert_uint_eq(sc->n_countries, 7);
    const char *codes[] = {"IE", "GB", "DE", "SE", "FR", "P", "Q"};
    for (int i = 0; i < 7; i++)
        ck_assert_str_eq(sc->countries[i].code, codes[i]);

    const struct dcproj_country *ie = &sc->countries[0];
    ck_assert_str_eq(ie->name, "Ireland");
    ck_assert_int_eq(ie->has_baseline, 1);
    ck_assert_int_eq(ie->baseline.dist, DCPROJ_DIST_NONE);
    ck_assert_int_eq(ie->baseline.v.var, -1);
    ck_assert_double_eq(ie->baseline.v.number, 300);
    ck_assert_uint_eq(ie->n_groups, 1);
    ck_assert_uint_eq(ie->groups[0], 0);
    ck_assert_int_eq(ie->growth.model, DCPROJ_MODEL_COMPOUND); /* from defaults.growth */
    ck_assert_int_eq(ie->growth.rate.dist, DCPROJ_DIST_NORMAL);
    ck_assert_double_eq(ie->growth.rate.f[0].number, 0.1);
    ck_assert_double_eq(ie->growth.rate.f[1].number, 0.02);
    ck_assert_uint_eq(ie->growth.n_segments, 0);
    ck_assert_double_eq(ie->pue.param.v.number, 1.2);
    ck_assert_double_eq(ie->utilization.param.v.number, 0.5);
    ck_assert_str_eq(ie->source, "s1");
    ck_assert_str_eq(ie->note, "n");

    const struct dcproj_country *gb = &sc->countries[1];
    ck_assert_str_eq(gb->name, "");
    ck_assert_int_eq(gb->baseline.dist, DCPROJ_DIST_UNIFORM);
    ck_assert_double_eq(gb->baseline.f[0].number, 100);
    ck_assert_double_eq(gb->baseline.f[1].number, 200);
    ck_assert_int_eq(gb->growth.model, DCPROJ_MODEL_COMPOUND); /* merged onto defaults */
    ck_assert_int_eq(gb->growth.rate.dist, DCPROJ_DIST_NONE);
    ck_assert_int_eq(gb->growth.rate.v.var, 0);
    ck_assert_double_eq(gb->growth.rate.v.times, 1.5);
    ck_assert_double_eq(gb->growth.rate.v.plus, 0.01);
    ck_assert_double_eq(gb->pue.param.v.number, 1.5);
    ck_assert_double_eq(gb->utilization.param.v.number, 0.5);
    ck_assert_uint_eq(gb->n_groups, 0);
    ck_assert_ptr_null(gb->source);

    const struct dcproj_country *de = &sc->countries[2];
    ck_assert_uint_eq(de->n_groups, 2);
    ck_assert_uint_eq(de->groups[0], 0);
    ck_assert_uint_eq(de->groups[1], 1);
    ck_assert_int_eq(de->growth.model, DCPROJ_MODEL_LINEAR);
    ck_assert_int_eq(de->growth.per_year.dist, DCPROJ_DIST_TRIANGULAR);
    ck_assert_double_eq(de->growth.per_year.f[0].number, 10);
    ck_assert_int_eq(de->growth.per_year.f[0].var, -1);
    ck_assert_int_eq(de->growth.per_year.f[1].var, 1);
    ck_assert_double_eq(de->growth.per_year.f[1].times, 10);
    ck_assert_double_eq(de->growth.per_year.f[1].plus, 0);
    ck_assert_double_eq(de->growth.per_year.f[2].number, 40);

    const struct dcproj_country *se = &sc->countries[3];
    ck_assert_uint_eq(se->groups[0], 2);
    ck_assert_uint_eq(se->groups[1], 0);
    ck_assert_int_eq(se->growth.model, DCPROJ_MODEL_LOGISTIC);
    ck_assert_double_eq(se->growth.cap.v.number, 300);
    ck_assert_int_eq(se->growth.rate.dist, DCPROJ_DIST_PERT);
    ck_assert_double_eq(se->growth.rate.f[0].number, 0.5);
    ck_assert_double_eq(se->growth.rate.f[1].number, 0.8);
    ck_assert_double_eq(se->growth.rate.f[2].number, 1);

    const struct dcproj_country *fr = &sc->countries[4];
    ck_assert_uint_eq(fr->growth.n_segments, 2);
    ck_assert_int_eq(fr->growth.segments[0].until, 2025);
    ck_assert_int_eq(fr->growth.segments[0].rate.v.var, 2);
    ck_assert_int_eq(fr->growth.segments[1].until, 2030);
    ck_assert_int_eq(fr->growth.segments[1].rate.v.var, -1);
    ck_assert_double_eq(fr->growth.segments[1].rate.v.number, 0.05);

    const struct dcproj_country *p = &sc->countries[5];
    ck_assert_int_eq(p->has_baseline, 0);
    ck_assert_int_eq(p->growth.model, DCPROJ_MODEL_POINTS);
    ck_assert_uint_eq(p->growth.n_points, 5);
    const int years[] = {2019, 2021, 2023, 2024, 2026};
    const double values[] = {5, 10, 20, 35, 40};
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(p->growth.point_years[i], years[i]);
        ck_assert_double_eq(p->growth.point_values[i], values[i]);
    }
    ck_assert_int_eq(p->growth.interp, DCPROJ_INTERP_AKIMA);
    ck_assert_int_eq(p->growth.extrapolate, DCPROJ_EXTRAP_FLAT);

    const struct dcproj_country *qq = &sc->countries[6];
    ck_assert_int_eq(qq->has_baseline, 1);
    ck_assert_int_eq(qq->baseline.dist, DCPROJ_DIST_NONE);
    ck_assert_double_eq(qq->baseline.v.number, 20);
    ck_assert_uint_eq(qq->growth.n_points, 2);
    ck_assert_int_eq(qq->growth.interp, DCPROJ_INTERP_STEP);
    ck_assert_int_eq(qq->growth.extrapolate, DCPROJ_EXTRAP_LINEAR);

    ck_assert_uint_eq(sc->n_events, 4);
    const struct dcproj_event *e = sc->events;
    ck_assert_uint_eq(e[0].country, 4);
    ck_assert_str_eq(e[0].date, "2026-07");
    ck_assert_double_eq(e[0].start_months, 30); /* 12·(2026−1−2023) + 6 */
    ck_assert_double_eq(e[0].add.v.number, 150);
    ck_assert_double_eq(e[0].ramp_months, 12);
    ck_assert_double_eq(e[0].probability.v.number, 0.8);
    ck_assert_double_eq(e[0].delay_months.v.number, 2);
    ck_assert_str_eq(e[0].source, "s1");
    ck_assert_str_eq(e[0].note, "x");
    ck_assert_uint_eq(e[1].country, 2);
    ck_assert_double_eq_tol(e[1].start_months, 5 + 10.0 / 30, 1e-12); /* June has 30 days */
    ck_assert_int_eq(e[1].add.dist, DCPROJ_DIST_LOGNORMAL);
    ck_assert_double_eq(e[1].add.f[0].number, 60);
    ck_assert_double_eq(e[1].add.f[1].number, 5);
    ck_assert_int_eq(e[1].probability.dist, DCPROJ_DIST_NONE);
    ck_assert_double_eq(e[1].probability.v.number, 1); /* default */
    ck_assert_double_eq(e[1].delay_months.v.number, 0);
    ck_assert_double_eq(e[1].ramp_months, 0);
    ck_assert_ptr_null(e[1].source);
    ck_assert_double_eq(e[2].start_months, 18); /* Q3 starts in month 7: 12 + 6 */
    ck_assert_double_eq(e[2].add.v.number, -40);
    ck_assert_int_eq(e[2].probability.dist, DCPROJ_DIST_UNIFORM);
    ck_assert_double_eq(e[2].probability.f[1].number, 0.9);
    ck_assert_int_eq(e[2].delay_months.v.var, 1);
    ck_assert_double_eq(e[3].start_months, 36);
    ck_assert_double_eq(e[3].add.v.number, 10);

    ck_assert_uint_eq(sc->n_variables, 3);
    ck_assert_str_eq(sc->variables[0].id, "g1");
    ck_assert_int_eq(sc->variables[0].fixed, 0);
    ck_assert_double_eq(sc->variables[0].min, -0.5);
    ck_assert_double_eq(sc->variables[0].max, 1.5);
    ck_assert_double_eq(sc->variables[0].guess, 0.5); /* midpoint */
    ck_assert_int_eq(sc->variables[1].fixed, 1);
    ck_assert_double_eq(sc->variables[1].value, 2);
    ck_assert_double_eq(sc->variables[2].guess, 0.3);

    ck_assert_uint_eq(sc->n_targets, 2);
    const struct dcproj_target *t = sc->targets;
    ck_assert_str_eq(t[0].id, "target1");
    ck_assert_int_eq(t[0].scope_kind, DCPROJ_SCOPE_TOTAL);
    ck_assert_str_eq(t[0].scope, "TOTAL");
    ck_assert_int_eq(t[0].year, 2030);
    ck_assert_int_eq(t[0].is_ratio, 1);
    ck_assert_double_eq(t[0].ratio, 2);
    ck_assert_int_eq(t[0].base_year, 2023);
    ck_assert_double_eq(t[0].weight, 1);
    ck_assert_str_eq(t[0].source, "s1");
    ck_assert_str_eq(t[1].id, "eu");
    ck_assert_int_eq(t[1].scope_kind, DCPROJ_SCOPE_GROUP);
    ck_assert_uint_eq(t[1].scope_index, 0);
    ck_assert_int_eq(t[1].is_ratio, 0);
    ck_assert_double_eq(t[1].value, 500);
    ck_assert_double_eq(t[1].weight, 2);

    ck_assert_int_eq(sc->has_power, 1);
    ck_assert_double_eq(sc->pue.param.v.number, 1.2);
    ck_assert_double_eq(sc->utilization.param.v.number, 0.5);
    ck_assert_int_eq(sc->has_uncertainty, 1);
    ck_assert_int_eq(sc->draws, 100);
    ck_assert_uint_eq(sc->seed, 7);
    ck_assert_uint_eq(sc->n_quantiles, 2);
    ck_assert_double_eq(sc->quantiles[0], 0.1);
    ck_assert_double_eq(sc->quantiles[1], 0.9);
    ck_assert_int_eq(sc->frozen, 0);
    ck_assert_ptr_null(sc->parent);

    cJSON *back = cJSON_Parse(sc->resolved_json);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(cJSON_GetObjectItem(back, "name")->valuestring, "full.v1");
    cJSON_Delete(back);

    ck_assert_int_eq(dcproj_scenario_find_country(sc, "SE"), 3);
    ck_assert_int_eq(dcproj_scenario_find_country(sc, "se"), -1);
    ck_assert_int_eq(dcproj_scenario_find_group(sc, "Nordics"), 2);
    ck_assert_int_eq(dcproj_scenario_find_group(sc, "TOTAL"), -1);
    ck_assert_int_eq(dcproj_scenario_find_variable(sc, "g2"), 2);
    ck_assert_int_eq(dcproj_scenario_find_variable(sc, "g3"), -1);
    dcproj_scenario_free(sc);
}
END_TEST

/* Defaults: minimal scenario fields take their documented defaults. */
START_TEST(test_defaults)
{
    struct dcproj_scenario *sc = load_ok(HEAD ONE ", 'uncertainty': {}}");
    ck_assert_str_eq(sc->unit, "MW");
    ck_assert_ptr_null(sc->title);
    ck_assert_int_eq(sc->step, DCPROJ_STEP_YEAR);
    ck_assert_int_eq(sc->has_power, 0);
    ck_assert_int_eq(sc->has_uncertainty, 1);
    ck_assert_int_eq(sc->draws, 10000);
    ck_assert_uint_eq(sc->seed, 1);
    ck_assert_uint_eq(sc->n_quantiles, 3);
    ck_assert_double_eq(sc->quantiles[0], 0.05);
    ck_assert_double_eq(sc->quantiles[1], 0.5);
    ck_assert_double_eq(sc->quantiles[2], 0.95);
    ck_assert_uint_eq(sc->n_events, 0);
    ck_assert_uint_eq(sc->n_targets, 0);
    ck_assert_uint_eq(sc->n_variables, 0);
    dcproj_scenario_free(sc);

    sc = load_ok(HEAD ONE "}");
    ck_assert_int_eq(sc->has_uncertainty, 0);
    ck_assert_int_eq(sc->draws, 0);
    dcproj_scenario_free(sc);

    /* integers may be written 1.0 or 1e4; a leap day exists in 2024 */
    sc = load_ok("{'dcproj': 1.0, 'name': 'a.b_c-1', 'baseline_year': 2.023e3, 'horizon': 2123,"
                 " 'uncertainty': {'draws': 1e4, 'seed': 9007199254740992},"
                 " 'events': [{'country': 'IE', 'date': '2024-02-29', 'add': 1}], " ONE "}");
    ck_assert_int_eq(sc->baseline_year, 2023);
    ck_assert_int_eq(sc->horizon, 2123);
    ck_assert_int_eq(sc->draws, 10000);
    ck_assert_uint_eq(sc->seed, 9007199254740992ULL);
    ck_assert_double_eq_tol(sc->events[0].start_months, 1 + 28.0 / 29, 1e-12);
    dcproj_scenario_free(sc);
}
END_TEST

/* RFC 7396 merge of a country's growth onto defaults.growth (SPEC §3). */
START_TEST(test_growth_merge)
{
    struct dcproj_scenario *sc = load_ok(
        HEAD "'defaults': {'growth': {'model': 'points', 'points': {'2022': 1, '2023': 2, '2030': 9},"
             " 'interp': 'linear'}},"
             "'countries': {'A': {}, 'B': {'growth': {'points': {'2030': null, '2027': 7}}},"
             " 'C': {'growth': {'model': 'points', 'interp': 'step'}},"
             " 'D': {'baseline': 5, 'growth': {'model': 'linear', 'per_year': 3}}}}");
    const struct dcproj_country *a = &sc->countries[0], *b = &sc->countries[1],
                                *c = &sc->countries[2], *d = &sc->countries[3];
    ck_assert_int_eq(d->growth.model, DCPROJ_MODEL_LINEAR);
    ck_assert_uint_eq(a->growth.n_points, 3);
    ck_assert_int_eq(a->growth.point_years[2], 2030);
    /* B: 2030 deleted by null, 2027 added */
    ck_assert_uint_eq(b->growth.n_points, 3);
    ck_assert_int_eq(b->growth.point_years[0], 2022);
    ck_assert_int_eq(b->growth.point_years[2], 2027);
    ck_assert_double_eq(b->growth.point_values[2], 7);
    /* C: same model, merged: keeps the points, changes interp */
    ck_assert_uint_eq(c->growth.n_points, 3);
    ck_assert_int_eq(c->growth.interp, DCPROJ_INTERP_STEP);
    /* D: another model replaces the defaults */
    ck_assert_int_eq(d->growth.model, DCPROJ_MODEL_LINEAR);
    ck_assert_double_eq(d->growth.per_year.v.number, 3);
    dcproj_scenario_free(sc);

    /* rate and rates are alternatives: the country's form wins; a
     * distribution of the same kind merges field by field, another kind
     * replaces */
    sc = load_ok(HEAD "'defaults': {'growth': {'model': 'compound', 'rate': {'dist': 'normal',"
                      " 'mean': 0.1, 'sd': 0.01}}},"
                      "'countries': {'A': {'baseline': 1, 'growth': {'rate': {'sd': 0.05}}},"
                      " 'B': {'baseline': 1, 'growth': {'rates': [{'rate': 0.2}]}},"
                      " 'C': {'baseline': 1, 'growth': {'rate': {'dist': 'uniform', 'min': 0,"
                      " 'max': 0.2}}}}}");
    a = &sc->countries[0];
    b = &sc->countries[1];
    c = &sc->countries[2];
    ck_assert_int_eq(a->growth.rate.dist, DCPROJ_DIST_NORMAL);
    ck_assert_double_eq(a->growth.rate.f[0].number, 0.1);
    ck_assert_double_eq(a->growth.rate.f[1].number, 0.05);
    ck_assert_uint_eq(b->growth.n_segments, 1);
    ck_assert_int_eq(b->growth.segments[0].until, 0);
    ck_assert_double_eq(b->growth.segments[0].rate.v.number, 0.2);
    ck_assert_int_eq(c->growth.rate.dist, DCPROJ_DIST_UNIFORM);
    ck_assert_double_eq(c->growth.rate.f[1].number, 0.2);
    dcproj_scenario_free(sc);

    sc = load_ok(HEAD "'defaults': {'growth': {'model': 'compound', 'rates': [{'until': 2024,"
                      " 'rate': 0.3}, {'rate': 0.1}]}},"
                      "'countries': {'A': {'baseline': 1, 'growth': {'rate': 0.2}}}}");
    ck_assert_uint_eq(sc->countries[0].growth.n_segments, 0);
    ck_assert_double_eq(sc->countries[0].growth.rate.v.number, 0.2);
    dcproj_scenario_free(sc);
}
END_TEST

/* Loading `json` fails with exactly one problem, at `path`, whose message
 * contains `needle`. */
static void one_error(const char *json, const char *path, const char *needle)
{
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    ck_assert_int_eq(load_text(json, NULL, &sc, &e), DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.count, 1);
    ck_assert_str_eq(e.items[0].path, path);
    ck_assert_ptr_nonnull(strstr(e.items[0].message, needle));
}

/* The growth refinements through the one RFC 7396 merge (load_merge.c
 * with load_growth.c's hooks): key order, where each merged value is
 * named, a parameter of another kind replacing the inherited one (also
 * inside messages), rate/rates excluding each other, null deleting an
 * inherited key.  Paths follow SPEC §3 and §9: a value the country
 * inherits is named at defaults.growth with the country using it. */
START_TEST(test_growth_merge_refinements)
{
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    /* existing keys keep their place, new ones follow: zz1 is reported first */
    int st = load_text(HEAD "'defaults': {'growth': {'model': 'compound', 'rate': 0.1, 'zz1': 1}},"
                            " 'countries': {'A': {'baseline': 1, 'growth': {'zz2': 2, 'rate': 0.2}}}}",
                       NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.count, 2);
    ck_assert_str_eq(e.items[0].path, "defaults.growth.zz1");
    ck_assert_ptr_nonnull(strstr(e.items[0].message, "unknown key \"zz1\""));
    ck_assert_ptr_nonnull(strstr(e.items[0].message, "(used by country A)"));
    ck_assert_str_eq(e.items[1].path, "countries.A.growth.zz2");
    ck_assert_ptr_null(strstr(e.items[1].message, "used by"));

    /* same kind merges field by field: the inherited bad sd is named at the
     * defaults; another kind (B) replaces it, so B has no problem */
    one_error(HEAD "'defaults': {'growth': {'model': 'compound', 'rate': {'dist': 'normal',"
                   " 'mean': 0.1, 'sd': -1}}},"
                   " 'countries': {'A': {'baseline': 1, 'growth': {'rate': {'mean': 0.2}}},"
                   " 'B': {'baseline': 1, 'growth': {'rate': {'dist': 'uniform', 'min': 0,"
                   " 'max': 0.2}}}}}",
              "defaults.growth.rate.sd", "(used by country A)");

    /* a null deletes an inherited field of the merged parameter: the
     * object is the country's, so the missing key is named there */
    one_error(HEAD "'defaults': {'growth': {'model': 'compound', 'rate': {'dist': 'normal',"
                   " 'mean': 0.1, 'sd': 0.01}}},"
                   " 'countries': {'A': {'baseline': 1, 'growth': {'rate': {'sd': null}}}}}",
              "countries.A.growth.rate", "missing key \"sd\"");

    /* the form the country writes drops the inherited one, even a bad one;
     * "var" onto a distribution replaces it (no mean/sd left over) */
    sc = load_ok(HEAD "'variables': {'g': {'value': 0.05}},"
                      " 'defaults': {'growth': {'model': 'compound', 'rate': 'bad',"
                      " 'rates': [{'rate': {'dist': 'normal', 'mean': 0.1, 'sd': 0.01}}]}},"
                      " 'countries': {'A': {'baseline': 1, 'growth': {'rates': null, 'rate': 0.3}},"
                      " 'B': {'baseline': 1, 'growth': {'rate': null, 'rates': [{'rate': {'var': 'g',"
                      " 'times': 2}}]}},"
                      " 'C': {'baseline': 1, 'growth': {'rate': null, 'rates': [{'rate': 0.4}]}}}}");
    ck_assert_uint_eq(sc->countries[0].growth.n_segments, 0);
    ck_assert_double_eq(sc->countries[0].growth.rate.v.number, 0.3);
    ck_assert_uint_eq(sc->countries[1].growth.n_segments, 1);
    ck_assert_int_eq(sc->countries[1].growth.segments[0].rate.v.var, 0);
    ck_assert_double_eq(sc->countries[1].growth.segments[0].rate.v.times, 2);
    ck_assert_double_eq(sc->countries[2].growth.segments[0].rate.v.number, 0.4);
    dcproj_scenario_free(sc);

    sc = load_ok(HEAD "'variables': {'g': {'value': 0.05}},"
                      " 'defaults': {'growth': {'model': 'compound', 'rates': 'bad'}},"
                      " 'countries': {'A': {'baseline': 1, 'growth': {'rate': {'var': 'g'}}}}}");
    ck_assert_uint_eq(sc->countries[0].growth.n_segments, 0);
    ck_assert_int_eq(sc->countries[0].growth.rate.v.var, 0);
    dcproj_scenario_free(sc);

    sc = load_ok(HEAD "'variables': {'g': {'value': 0.05}},"
                      " 'defaults': {'growth': {'model': 'compound', 'rate': {'dist': 'normal',"
                      " 'mean': 0.1, 'sd': 0.01}}},"
                      " 'countries': {'A': {'baseline': 1, 'growth': {'rate': {'var': 'g',"
                      " 'times': 3}}}}}");
    ck_assert_int_eq(sc->countries[0].growth.rate.dist, DCPROJ_DIST_NONE);
    ck_assert_int_eq(sc->countries[0].growth.rate.v.var, 0);
    ck_assert_double_eq(sc->countries[0].growth.rate.v.times, 3);
    dcproj_scenario_free(sc);
}
END_TEST

/* SPEC §3.5: events keyed by id keep their key order; `_` keys are comments
 * and a null event (nothing to remove here) is absent; paths name the id. */
START_TEST(test_events_by_id)
{
    struct dcproj_scenario *sc = load_ok(
        HEAD "'countries': {'IE': {'baseline': 1, 'growth': {'model': 'linear', 'per_year': 0}},"
             " 'NO': {'baseline': 1, 'growth': {'model': 'linear', 'per_year': 0}}},"
             "'events': {'narvik': {'country': 'NO', 'date': '2026-07', 'add': 100},"
             " '_note': 'a comment', 'gone': null,"
             " 'es-madrid': {'country': 'IE', 'date': '2024', 'add': 5, 'ramp_months': 12}}}");
    ck_assert_int_eq(sc->events_by_id, 1);
    ck_assert_uint_eq(sc->n_events, 2);
    ck_assert_str_eq(sc->events[0].id, "narvik");
    ck_assert_uint_eq(sc->events[0].country, 1);
    ck_assert_str_eq(sc->events[1].id, "es-madrid");
    ck_assert_double_eq(sc->events[1].ramp_months, 12);
    ck_assert_int_eq(dcproj_scenario_find_event(sc, "es-madrid"), 1);
    ck_assert_int_eq(dcproj_scenario_find_event(sc, "gone"), -1);
    dcproj_scenario_free(sc);

    sc = load_ok(HEAD "'countries': {'IE': {'baseline': 1, 'growth': {'model': 'linear',"
                      " 'per_year': 0}}}, 'events': [{'country': 'IE', 'date': '2024', 'add': 5}]}");
    ck_assert_int_eq(sc->events_by_id, 0);
    ck_assert_str_eq(sc->events[0].id, "");
    ck_assert_int_eq(dcproj_scenario_find_event(sc, ""), -1);
    dcproj_scenario_free(sc);
}
END_TEST

/* --frozen: the parent is converted too and the scenario is frozen. */
/* [v2] history is sorted by year whatever the key order; a fit's keys and
 * defaults (SPEC §3 model 5, §3.9). */
START_TEST(test_fit_history)
{
    struct dcproj_scenario *sc = load_ok(
        "{\"dcproj\": 1, \"name\": \"t\", \"baseline_year\": 2025, \"horizon\": 2030, "
        "\"sources\": {\"cso\": {\"title\": \"CSO\", \"kind\": \"fact\"}}, "
        "\"countries\": {"
        "\"IE\": {\"growth\": {\"model\": \"fit\", \"curve\": \"logistic\", \"from\": 2016, "
        "\"errors\": \"relative\", \"anchor\": \"last\", \"uncertain\": true}, "
        "\"history\": {\"2025\": 7663, \"_c\": 1, \"2015\": 1240, \"source\": \"cso\", \"2020\": 3030}}, "
        "\"NL\": {\"growth\": {\"model\": \"fit\", \"curve\": \"linear\"}, \"history\": {\"2024\": 5.1, \"2017\": 1.6}}}}");
    const struct dcproj_country *ie = &sc->countries[0], *nl = &sc->countries[1];
    ck_assert_int_eq(ie->growth.model, DCPROJ_MODEL_FIT);
    ck_assert_str_eq(dcproj_model_name(ie->growth.model), "fit");
    ck_assert_int_eq(ie->growth.fit_curve, DCPROJ_FIT_LOGISTIC);
    ck_assert_int_eq(ie->growth.fit_from, 2016);
    ck_assert(ie->growth.fit_relative && ie->growth.fit_anchor_last && ie->growth.fit_uncertain);
    ck_assert(!ie->has_baseline);
    ck_assert_uint_eq(ie->n_history, 3);
    ck_assert_int_eq(ie->history_years[0], 2015);
    ck_assert_int_eq(ie->history_years[1], 2020);
    ck_assert_int_eq(ie->history_years[2], 2025);
    ck_assert(ie->history_values[0] == 1240 && ie->history_values[1] == 3030 && ie->history_values[2] == 7663);
    /* defaults: all years, absolute errors, anchor "fit", not uncertain */
    ck_assert_int_eq(nl->growth.fit_curve, DCPROJ_FIT_LINEAR);
    ck_assert(nl->growth.fit_from == 0 && !nl->growth.fit_relative && !nl->growth.fit_anchor_last
              && !nl->growth.fit_uncertain);
    ck_assert_uint_eq(nl->n_history, 2);
    ck_assert_int_eq(nl->history_years[0], 2017);
    dcproj_scenario_free(sc);
}
END_TEST

START_TEST(test_frozen)
{
    struct dcproj_load_options opt;
    dcproj_load_options_init(&opt);
    ck_assert_uint_eq(opt.set, 0);
    opt.frozen = 1;
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    int st = load_text(HEAD "'variables': {'g': {'min': 0, 'max': 1}},"
                            "'countries': {'IE': {'baseline': 1, 'growth': {'model': 'compound',"
                            " 'rate': {'var': 'g'}}}}}",
                       &opt, &sc, &e);
    /* frozen: no targets are needed for the unknown here (the parent's
     * check is the parent's own: it is frozen-free, so it needs one) */
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "targets");
    st = load_text(HEAD "'variables': {'g': {'min': 0, 'max': 1}},"
                        "'targets': [{'scope': 'IE', 'year': 2025, 'value': 2}],"
                        "'countries': {'IE': {'baseline': 1, 'growth': {'model': 'compound',"
                        " 'rate': {'var': 'g'}}}}}",
                   &opt, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_OK);
    ck_assert_int_eq(sc->frozen, 1);
    ck_assert_ptr_nonnull(sc->parent);
    ck_assert_int_eq(sc->parent->frozen, 0);
    ck_assert_str_eq(sc->parent->name, "t");
    ck_assert_uint_eq(sc->parent->n_targets, 1);
    dcproj_scenario_free(sc);
    dcproj_scenario_free(NULL);
}
END_TEST

/* The conformance scenarios load with the values written in them. */
static struct dcproj_scenario *load_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/conformance/%s", DCPROJ_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct dcproj_error e;
    dcproj_error_init(&e);
    struct dcproj_scenario *sc = NULL;
    int st = dcproj_scenario_load_buffer(name, buf, n, NULL, NULL, &sc, &e);
    if (st != DCPROJ_OK)
        dump(&e);
    ck_assert_int_eq(st, DCPROJ_OK);
    return sc;
}

START_TEST(test_conformance)
{
    struct dcproj_scenario *sc = load_file("basic.json");
    ck_assert_str_eq(sc->name, "conf-basic");
    ck_assert_uint_eq(sc->n_countries, 5);
    ck_assert_uint_eq(sc->n_groups, 2);
    ck_assert_str_eq(sc->groups[0], "EU");
    ck_assert_str_eq(sc->groups[1], "Nordics");
    ck_assert_str_eq(sc->countries[4].name, "Spain, \"Central\"");
    ck_assert_double_eq(sc->countries[1].pue.param.v.number, 1.2);
    ck_assert_double_eq(sc->countries[1].utilization.param.v.number, 0.6);
    ck_assert_double_eq(sc->countries[0].pue.param.v.number, 1.16);
    ck_assert_uint_eq(sc->countries[1].growth.n_segments, 2);
    ck_assert_int_eq(sc->countries[1].growth.segments[1].until, 0);
    ck_assert_double_eq_tol(sc->events[0].start_months, 5 + 10.0 / 30, 1e-12);
    ck_assert_double_eq(sc->events[1].start_months, 36);
    ck_assert_double_eq(sc->events[2].start_months, 18);
    ck_assert_double_eq(sc->events[2].probability.v.number, 0.5);
    ck_assert_double_eq(sc->events[2].delay_months.v.number, 3);
    ck_assert_double_eq(sc->events[3].start_months, 24);
    dcproj_scenario_free(sc);

    sc = load_file("pledge.json");
    ck_assert_uint_eq(sc->n_variables, 2);
    ck_assert_uint_eq(sc->n_targets, 2);
    ck_assert_str_eq(sc->targets[1].id, "plus40");
    ck_assert_int_eq(sc->targets[1].base_year, 2025);
    ck_assert_double_eq(sc->countries[2].growth.segments[0].rate.v.times, 1.5);
    ck_assert_int_eq(sc->countries[2].growth.segments[1].rate.v.var, 1);
    ck_assert_double_eq(sc->countries[2].growth.segments[1].rate.v.plus, 0.01);
    ck_assert_int_eq(sc->countries[0].growth.segments[0].rate.v.var, 0);
    dcproj_scenario_free(sc);

    sc = load_file("points-quarterly.json");
    ck_assert_int_eq(sc->step, DCPROJ_STEP_QUARTER);
    ck_assert_int_eq(sc->countries[0].has_baseline, 0);
    ck_assert_int_eq(sc->countries[4].has_baseline, 1);
    ck_assert_int_eq(sc->countries[3].growth.interp, DCPROJ_INTERP_AKIMA);
    ck_assert_double_eq(sc->events[0].start_months, 6); /* "2024-07", B = 2023: 12·0 + 6 */
    dcproj_scenario_free(sc);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(dcproj_step_name(DCPROJ_STEP_MONTH), "month");
    ck_assert_str_eq(dcproj_model_name(DCPROJ_MODEL_LOGISTIC), "logistic");
    ck_assert_str_eq(dcproj_interp_name(DCPROJ_INTERP_CSPLINE), "cspline");
    ck_assert_str_eq(dcproj_interp_name(DCPROJ_INTERP_STEP), "step");
    ck_assert_str_eq(dcproj_dist_name(DCPROJ_DIST_PERT), "pert");
    ck_assert_str_eq(dcproj_dist_name(DCPROJ_DIST_NORMAL), "normal");
}
END_TEST

/* ---- invalid documents: one case per class ------------------------------- */

struct bad_case {
    const char *json;
    const char *path;
    const char *fragment;
};

#define C1(extra) HEAD extra ", " ONE "}"
#define CTRY(body) HEAD "'countries': {'IE': " body "}}"
#define GROW(growth) CTRY("{'baseline': 100, 'growth': " growth "}")
#define EVT(ev) HEAD ONE ", 'events': [" ev "]}"
#define CPD "'model': 'compound'"

static const struct bad_case BAD[] = {
    /* unknown keys, with suggestions or the allowed list */
    {HEAD "'baseline_yaer': 2023, " ONE "}", "baseline_yaer",
     "unknown key \"baseline_yaer\"; did you mean \"baseline_year\"?"},
    {HEAD "'zzz': 1, " ONE "}", "zzz", "unknown key \"zzz\" (allowed: \"dcproj\", \"name\""},
    {CTRY("{'baseline': 1, 'grwoth': {}, 'growth': {" CPD ", 'rate': 0}}"), "countries.IE.grwoth",
     "did you mean \"growth\"?"},
    {CTRY("{'Baseline': 1, 'baseline': 1, 'growth': {" CPD ", 'rate': 0}}"), "countries.IE.Baseline",
     "unknown key \"Baseline\" in a country; did you mean \"baseline\"?"},
    {GROW("{'model': 'linear', 'per_year': 1, 'rate': 2}"), "countries.IE.growth.rate",
     "unknown key \"rate\" for model \"linear\" (allowed: \"model\", \"per_year\", \"source\")"},
    {GROW("{" CPD ", 'rates': [{'untill': 2030, 'rate': 0}]}"), "countries.IE.growth.rates[0].untill",
     "did you mean \"until\"?"},
    {EVT("{'country': 'IE', 'date': '2025', 'add': 1, 'probabilty': 1}"), "events[0].probabilty",
     "did you mean \"probability\"?"},
    {C1("'power': {'pue': 1.2, 'utilization': 0.5, 'utilisation': 0.5}"), "power.utilisation",
     "did you mean \"utilization\"?"},
    {C1("'uncertainty': {'draw': 10}"), "uncertainty.draw", "did you mean \"draws\"?"},
    {CTRY("{'baseline': {'dist': 'normal', 'mean': 1, 'sd': 1, 'sigma': 1}, 'growth': {" CPD
          ", 'rate': 0}}"),
     "countries.IE.baseline.sigma", "unknown key \"sigma\" in a normal distribution"},
    {HEAD "'variables': {'k': {'value': 1}}, 'countries': {'IE': {'baseline': {'var': 'k', "
          "'time': 2}, 'growth': {" CPD ", 'rate': 0}}}}",
     "countries.IE.baseline.time", "did you mean \"times\"?"},
    {C1("'sources': {'s': {'title': 't', 'link': 'x'}}"), "sources.s.link", "unknown key \"link\""},
    {C1("'variables': {'g': {'value': 1, 'vlaue': 2}}"), "variables.g.vlaue",
     "did you mean \"value\"?"},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'value': 1, 'wieght': 1}]"), "targets[0].wieght",
     "did you mean \"weight\"?"},
    {C1("'defaults': {'growht': {}}"), "defaults.growht", "did you mean \"growth\"?"},
    /* header */
    {"{'dcproj': 2, 'name': 't', 'baseline_year': 2023, 'horizon': 2027, " ONE "}", "dcproj",
     "unsupported format version 2 (this dcproj reads version 1)"},
    {"{'dcproj': 1.5, 'name': 't', 'baseline_year': 2023, 'horizon': 2027, " ONE "}", "dcproj",
     "expected the format version 1, got 1.5"},
    {"{'name': 't', 'baseline_year': 2023, 'horizon': 2027, " ONE "}", "",
     "missing key \"dcproj\""},
    {"{'dcproj': 1, 'name': 'my scenario', 'baseline_year': 2023, 'horizon': 2027, " ONE "}",
     "name", "got \"my scenario\""},
    {"{'dcproj': 1, 'baseline_year': 2023, 'horizon': 2027, " ONE "}", "",
     "missing key \"name\""},
    {C1("'title': 5"), "title", "expected a string, got 5"},
    {C1("'step': 'week'"), "step", "unknown step \"week\" (known: year, quarter, month)"},
    {C1("'step': 'quartre'"), "step", "did you mean \"quarter\"?"},
    {C1("'calibration': 'frozn'"), "calibration", "did you mean \"frozen\"?"},
    {C1("'calibration': 'frozen'"), "calibration", "needs a parent scenario"},
    /* time */
    {"{'dcproj': 1, 'name': 't', 'baseline_year': 999, 'horizon': 2027, " ONE "}",
     "baseline_year", "expected an integer year in [1000, 9998], got 999"},
    {"{'dcproj': 1, 'name': 't', 'baseline_year': 2023.5, 'horizon': 2027, " ONE "}",
     "baseline_year", "got 2023.5"},
    {"{'dcproj': 1, 'name': 't', 'baseline_year': 2023, 'horizon': 2023, " ONE "}", "horizon",
     "expected an integer year in [2024, 2123]"},
    {"{'dcproj': 1, 'name': 't', 'baseline_year': 2023, 'horizon': 2124, " ONE "}", "horizon",
     "at most 100 years), got 2124"},
    {"{'dcproj': 1, 'name': 't', 'baseline_year': 2023, " ONE "}", "",
     "missing key \"horizon\""},
    {EVT("{'country': 'IE', 'date': '2026-13', 'add': 1}"), "events[0].date",
     "expected a date YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD, got \"2026-13\""},
    {EVT("{'country': 'IE', 'date': '2026-Q5', 'add': 1}"), "events[0].date", "got \"2026-Q5\""},
    {EVT("{'country': 'IE', 'date': '2023-02-29', 'add': 1}"), "events[0].date",
     "got \"2023-02-29\""},
    {EVT("{'country': 'IE', 'date': '26-07', 'add': 1}"), "events[0].date", "got \"26-07\""},
    {EVT("{'country': 'IE', 'date': 2026, 'add': 1}"), "events[0].date", "got 2026"},
    {EVT("{'country': 'IE', 'date': '2023-12', 'add': 1}"), "events[0].date",
     "from the start of 2024 on, got \"2023-12\": the baseline already holds what existed in "
     "2023"},
    /* parameters */
    {CTRY("{'baseline': 'abc', 'growth': {" CPD ", 'rate': 0}}"), "countries.IE.baseline",
     "expected a number >= 0, got \"abc\""},
    {CTRY("{'baseline': -1, 'growth': {" CPD ", 'rate': 0}}"), "countries.IE.baseline",
     "expected a number >= 0, got -1"},
    {CTRY("{'baseline': {'x': 1}, 'growth': {" CPD ", 'rate': 0}}"), "countries.IE.baseline",
     "a variable reference {\"var\": ...} or a distribution {\"dist\": ...}, got {\"x\":1}"},
    {CTRY("{'baseline': '" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "', "
          "'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.baseline", "got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."},
    {GROW("{" CPD ", 'rate': -1}"), "countries.IE.growth.rate", "expected a number > -1, got -1"},
    {HEAD "'variables': {'g1': {'min': 0, 'max': 1}}, 'targets': [{'scope': 'IE', 'year': 2025,"
          " 'value': 1}], 'countries': {'IE': {'baseline': 1, 'growth': {" CPD
          ", 'rate': {'var': 'g3'}}}}}",
     "countries.IE.growth.rate.var", "unknown variable \"g3\"; did you mean \"g1\"?"},
    {GROW("{" CPD ", 'rate': {'var': 'g3'}}"), "countries.IE.growth.rate.var",
     "unknown variable \"g3\" (there is no \"variables\" object)"},
    {HEAD "'variables': {'k': {'value': -2}}, 'countries': {'IE': {'baseline': 1, 'growth': {"
          CPD ", 'rate': {'var': 'k'}}}}}",
     "countries.IE.growth.rate", "expected a number > -1, got {\"var\":\"k\"} = -2 (variable "
                                 "\"k\" is fixed at -2)"},
    {HEAD "'variables': {'g': {'min': 0, 'max': 1}}, 'targets': [{'scope': 'IE', 'year': 2025,"
          " 'value': 1}], 'countries': {'IE': {'baseline': {'dist': 'normal', 'mean': {'var': "
          "'g'}, 'sd': 1}, 'growth': {" CPD ", 'rate': 0}}}}",
     "countries.IE.baseline.mean.var", "may only use fixed variables; \"g\" is an unknown"},
    {CTRY("{'baseline': {'dist': 'normal', 'mean': 5, 'sd': -1}, 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.baseline.sd", "expected a standard deviation >= 0, got -1"},
    {CTRY("{'baseline': {'dist': 'normal', 'mean': -5, 'sd': 1}, 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.baseline.mean", "expected a number >= 0 (the mean is the deterministic value)"},
    {CTRY("{'baseline': {'dist': 'lognormal', 'mean': 0, 'sd': 1}, 'growth': {" CPD
          ", 'rate': 0}}"),
     "countries.IE.baseline.mean", "expected a mean > 0 (lognormal), got 0"},
    {CTRY("{'baseline': {'dist': 'uniform', 'min': 5, 'max': 5}, 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.baseline.max", "expected a max greater than min 5, got 5"},
    {CTRY("{'baseline': {'dist': 'triangular', 'min': 1, 'mode': 6, 'max': 5}, 'growth': {" CPD
          ", 'rate': 0}}"),
     "countries.IE.baseline.mode", "expected a mode in [1, 5], got 6"},
    {CTRY("{'baseline': {'dist': 'pert', 'min': -1, 'mode': 6, 'max': 9}, 'growth': {" CPD
          ", 'rate': 0}}"),
     "countries.IE.baseline.min",
     "expected a number >= 0 (a bounded distribution must lie inside the parameter's valid "
     "range), got -1"},
    {GROW("{" CPD ", 'rate': {'dist': 'uniform', 'min': -1, 'max': 0.5}}"),
     "countries.IE.growth.rate.min", "expected a number > -1 (a bounded distribution"},
    {EVT("{'country': 'IE', 'date': '2025', 'add': 1, 'probability': {'dist': 'uniform', "
         "'min': 0.5, 'max': 1.2}}"),
     "events[0].probability.max", "expected a number in [0, 1] (a bounded distribution"},
    {CTRY("{'baseline': {'dist': 'gauss', 'mean': 1, 'sd': 1}, 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.baseline.dist",
     "expected a distribution (normal, lognormal, uniform, triangular, pert), got \"gauss\""},
    {CTRY("{'baseline': {'dist': 'normall', 'mean': 1, 'sd': 1}, 'growth': {" CPD
          ", 'rate': 0}}"),
     "countries.IE.baseline.dist", "did you mean \"normal\"?"},
    {CTRY("{'baseline': {'dist': 'normal', 'mean': 1}, 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.baseline", "missing key \"sd\" (a normal distribution needs \"mean\" and "
                              "\"sd\")"},
    {CTRY("{'baseline': 300, 'growth': {'model': 'logistic', 'cap': 200, 'rate': 0.5}}"),
     "countries.IE.growth.cap", "expected a cap greater than the baseline 300, got 200"},
    {CTRY("{'baseline': 30, 'growth': {'model': 'logistic', 'cap': 200, 'rate': 0}}"),
     "countries.IE.growth.rate", "expected a number > 0, got 0"},
    {CTRY("{'baseline': 0, 'growth': {'model': 'logistic', 'cap': 200, 'rate': 1}}"),
     "countries.IE.baseline", "expected a baseline > 0 for logistic growth, got 0"},
    {EVT("{'country': 'IE', 'date': '2025', 'add': 1, 'probability': 1.5}"),
     "events[0].probability", "expected a number in [0, 1], got 1.5"},
    {EVT("{'country': 'IE', 'date': '2025', 'add': 1, 'delay_months': -1}"),
     "events[0].delay_months", "expected a number >= 0, got -1"},
    {EVT("{'country': 'IE', 'date': '2025', 'add': 1, 'ramp_months': -1}"),
     "events[0].ramp_months", "expected a number >= 0, got -1"},
    {EVT("{'country': 'IE', 'date': '2025', 'add': 1, 'ramp_months': {'dist': 'normal'}}"),
     "events[0].ramp_months", "expected a number >= 0, got {\"dist\":\"normal\"}"},
    /* growth */
    {CTRY("{'baseline': 1}"), "countries.IE",
     "missing key \"growth\" (and there is no \"defaults.growth\")"},
    {GROW("{'rate': 1}"), "countries.IE.growth", "missing key \"model\""},
    {GROW("{'model': 'compund', 'rate': 1}"), "countries.IE.growth.model",
     "unknown growth model \"compund\"; did you mean \"compound\"?"},
    {GROW("{'model': 'spline'}"), "countries.IE.growth.model",
     "unknown growth model \"spline\" (known: compound, linear, logistic, points, fit)"},
    /* [v2] fit and history (SPEC §3 model 5, §3.9) */
    {GROW("{'model': 'fit', 'curve': 'compound'}"), "countries.IE.baseline",
     "the fit sets C0; use \"anchor\": \"last\""},
    {CTRY("{'growth': {'model': 'fit'}, 'history': {'2020': 1, '2023': 2}}"),
     "countries.IE.growth", "missing key \"curve\" for model \"fit\""},
    {CTRY("{'growth': {'model': 'fit', 'curve': 'exponential'}, 'history': {'2023': 2}}"),
     "countries.IE.growth.curve", "unknown fit curve \"exponential\" (known: compound, linear, logistic)"},
    {CTRY("{'growth': {'model': 'fit', 'curve': 'linear', 'errors': 'relativ'}, 'history': {'2023': 2}}"),
     "countries.IE.growth.errors", "did you mean \"relative\"?"},
    {CTRY("{'growth': {'model': 'fit', 'curve': 'linear', 'anchor': 'first'}, 'history': {'2023': 2}}"),
     "countries.IE.growth.anchor", "unknown anchor \"first\""},
    {CTRY("{'growth': {'model': 'fit', 'curve': 'linear', 'uncertain': 1}, 'history': {'2023': 2}}"),
     "countries.IE.growth.uncertain", "expected true or false, got 1"},
    {CTRY("{'growth': {'model': 'fit', 'curve': 'linear', 'from': 2024}, 'history': {'2023': 2}}"),
     "countries.IE.growth.from", "expected a year <= baseline_year 2023, got 2024"},
    {CTRY("{'growth': {'model': 'fit', 'curve': 'linear', 'rate': 1}, 'history': {'2023': 2}}"),
     "countries.IE.growth.rate", "unknown key \"rate\""},
    {CTRY("{'growth': {'model': 'fit', 'curve': 'linear'}}"), "countries.IE",
     "a \"fit\" growth model needs the country's \"history\""},
    {CTRY("{'baseline': 1, 'growth': {" CPD ", 'rate': 0.1}, 'history': [1]}"),
     "countries.IE.history", "expected an object of observed year-end values"},
    {CTRY("{'baseline': 1, 'growth': {" CPD ", 'rate': 0.1}, 'history': {'20x3': 1}}"),
     "countries.IE.history", "expected a year \"YYYY\" as key, got \"20x3\""},
    {CTRY("{'baseline': 1, 'growth': {" CPD ", 'rate': 0.1}, 'history': {'2024': 1}}"),
     "countries.IE.history.2024", "a history year must be within 1923..2023"},
    {CTRY("{'baseline': 1, 'growth': {" CPD ", 'rate': 0.1}, 'history': {'1922': 1}}"),
     "countries.IE.history.1922", "a history year must be within 1923..2023"},
    {CTRY("{'baseline': 1, 'growth': {" CPD ", 'rate': 0.1}, 'history': {'2020': -1}}"),
     "countries.IE.history.2020", "expected an observed value >= 0, got -1"},
    {CTRY("{'baseline': 1, 'growth': {" CPD ", 'rate': 0.1}, 'history': {'2020': '5'}}"),
     "countries.IE.history.2020", "expected a number, got \"5\""},
    {CTRY("{'baseline': 1, 'growth': {" CPD ", 'rate': 0.1}, 'history': {'source': 'x'}}"),
     "countries.IE.history.source", "unknown source \"x\""},
    {GROW("[1]"), "countries.IE.growth", "expected a growth object"},
    {GROW("{" CPD ", 'rate': 1, 'rates': [{'rate': 1}]}"), "countries.IE.growth",
     "\"rate\" and \"rates\" exclude each other"},
    {GROW("{" CPD "}"), "countries.IE.growth", "missing key \"rate\""},
    {GROW("{'model': 'linear'}"), "countries.IE.growth", "missing key \"per_year\""},
    {GROW("{'model': 'logistic', 'rate': 1}"), "countries.IE.growth", "missing key \"cap\""},
    {GROW("{" CPD ", 'rates': []}"), "countries.IE.growth.rates", "expected a non-empty array"},
    {GROW("{" CPD ", 'rates': [{'until': 2025, 'rate': 0}, {'until': 2025, 'rate': 0}, "
          "{'rate': 0}]}"),
     "countries.IE.growth.rates[1].until",
     "expected an integer year after the previous until 2025, got 2025"},
    {GROW("{" CPD ", 'rates': [{'until': 2023, 'rate': 0}, {'rate': 0}]}"),
     "countries.IE.growth.rates[0].until",
     "expected an integer year after baseline_year 2023, got 2023"},
    {GROW("{" CPD ", 'rates': [{'until': 2025.5, 'rate': 0}, {'rate': 0}]}"),
     "countries.IE.growth.rates[0].until", "got 2025.5"},
    {GROW("{" CPD ", 'rates': [{'rate': 0}, {'rate': 0}]}"), "countries.IE.growth.rates[0]",
     "missing key \"until\" (only the last segment may omit it)"},
    {GROW("{" CPD ", 'rates': [{'until': 2025}]}"), "countries.IE.growth.rates[0]",
     "missing key \"rate\""},
    {GROW("{" CPD ", 'rates': [{'until': 2025, 'rate': 0}, {'until': 2026, 'rate': 0}]}"),
     "countries.IE.growth.rates[1].until",
     "the last segment ends in 2026 but years up to 2027 are evaluated"},
    {HEAD "'targets': [{'scope': 'TOTAL', 'year': 2029, 'value': 5}], 'countries': {'IE': "
          "{'baseline': 1, 'growth': {" CPD ", 'rates': [{'until': 2028, 'rate': 0}]}}}}",
     "countries.IE.growth.rates[0].until",
     "the last segment ends in 2028 but years up to 2029 are evaluated"},
    {HEAD "'targets': [{'scope': 'TOTAL', 'year': 2025, 'ratio': 2, 'base_year': 2030}], "
          "'countries': {'IE': {'baseline': 1, 'growth': {" CPD
          ", 'rates': [{'until': 2029, 'rate': 0}]}}}}",
     "countries.IE.growth.rates[0].until", "years up to 2030 are evaluated"},
    {GROW("{'model': 'points', 'points': {'2019': 1, 'x2023': 2, '2030': 3}}"),
     "countries.IE.growth.points", "expected a year \"YYYY\" as key, got \"x2023\""},
    {GROW("{'model': 'points', 'points': {'2024': 1, '2030': 3}}"), "countries.IE.growth.points",
     "the first point (2024) must be at or before baseline_year 2023"},
    {GROW("{'model': 'points', 'points': {'2019': 1, '2020': 2, '2023': 3, '2030': 4}, "
          "'interp': 'akima'}"),
     "countries.IE.growth.points", "interpolation \"akima\" needs at least 5 points, got 4"},
    {GROW("{'model': 'points', 'points': {'2023': 1, '2030': 4}, 'interp': 'cspline'}"),
     "countries.IE.growth.points", "interpolation \"cspline\" needs at least 3 points, got 2"},
    {GROW("{'model': 'points', 'points': {'2023': 1}}"), "countries.IE.growth.points",
     "interpolation \"linear\" needs at least 2 points, got 1"},
    {GROW("{'model': 'points', 'points': {'2022': 1, '2023': 'x'}}"),
     "countries.IE.growth.points.2023", "expected a number, got \"x\""},
    {GROW("{'model': 'points', 'points': {'2022': 1, '2025': 2}}"), "countries.IE.growth.points",
     "the points end in 2025 but years up to 2027 are evaluated"},
    {GROW("{'model': 'points', 'points': {'2022': 1, '2025': 2}, 'interp': 'spline', "
          "'extrapolate': 'flat'}"),
     "countries.IE.growth.interp", "unknown interpolation \"spline\""},
    {GROW("{'model': 'points', 'points': {'2022': 1, '2025': 2}, 'extrapolate': 'const'}"),
     "countries.IE.growth.extrapolate", "unknown extrapolation \"const\""},
    {CTRY("{'baseline': {'dist': 'normal', 'mean': 1, 'sd': 1}, 'growth': {'model': 'points', "
          "'points': {'2022': 1, '2030': 2}}}"),
     "countries.IE.baseline", "expected a plain number >= 0 (the baseline of a \"points\" curve"},
    {CTRY("{'growth': {" CPD ", 'rate': 0.1}}"), "countries.IE",
     "missing key \"baseline\" (required unless the growth model is \"points\" or \"fit\")"},
    {HEAD "'defaults': {'growth': {" CPD ", 'rate': 0.1}}, 'countries': {'IE': {'baseline': 1, "
          "'growth': {'rate': null}}}}",
     "countries.IE.growth", "missing key \"rate\""},
    {HEAD "'defaults': {'growth': {" CPD ", 'rate': 0.1}}, 'countries': {'IE': {'baseline': 1, "
          "'growth': {'per_year': 2}}}}",
     "countries.IE.growth.per_year", "unknown key \"per_year\" for model \"compound\""},
    {HEAD "'defaults': {'growth': 5}, " ONE "}", "defaults.growth", "expected a growth object"},
    /* countries, groups, power, sources */
    {HEAD "'countries': 5}", "countries", "expected an object of countries"},
    {HEAD "'countries': {}}", "countries", "expected at least one country, got none"},
    {HEAD "'countries': {'_c': {}}}", "countries", "expected at least one country"},
    {HEAD "'countries': {'I E': {}}}", "countries", "invalid country code \"I E\""},
    {HEAD "'countries': {'TOTAL': {}}}", "countries.TOTAL", "\"TOTAL\" is reserved"},
    {HEAD "'countries': {'ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC': {}}}", "countries",
     "invalid country code"},
    {CTRY("{'baseline': 1, 'groups': ['TOTAL'], 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.groups[0]", "\"TOTAL\" is reserved and cannot name a group"},
    {CTRY("{'baseline': 1, 'groups': ['EU', 'EU'], 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.groups[1]", "group \"EU\" is listed twice"},
    {CTRY("{'baseline': 1, 'groups': ['IE'], 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.groups[0]", "has the same name as a country"},
    {CTRY("{'baseline': 1, 'groups': ['E U'], 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.groups[0]", "expected a group name"},
    {CTRY("{'baseline': 1, 'groups': 'EU', 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.groups", "expected an array of group names, got \"EU\""},
    {CTRY("{'baseline': 1, 'name': 3, 'growth': {" CPD ", 'rate': 0}}"), "countries.IE.name",
     "expected a string, got 3"},
    {CTRY("{'baseline': 1, 'power': {'pue': 1.1}, 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.power", "which is missing"},
    {HEAD "'power': {'pue': 1.1, 'utilization': 1}, 'countries': {'IE': {'baseline': 1, "
          "'power': {'utilization': 1.1}, 'growth': {" CPD ", 'rate': 0}}}}",
     "countries.IE.power.utilization", "expected a number in (0, 1], got 1.1"},
    {C1("'unit': 'GW', 'power': {'pue': 1.2, 'utilization': 0.5}"), "power",
     "\"power\" needs capacity in MW, but \"unit\" is \"GW\""},
    {C1("'power': {'pue': 0.9, 'utilization': 0.5}"), "power.pue",
     "expected a number >= 1, got 0.9"},
    {C1("'power': {'pue': 1.1, 'utilization': 0}"), "power.utilization",
     "expected a number in (0, 1], got 0"},
    {C1("'power': {'pue': 1.1}"), "power", "missing key \"utilization\""},
    {C1("'sources': {'s1': {'title': 'x'}}, 'events': [{'country': 'IE', 'date': '2025', "
        "'add': 1, 'source': 's2'}]"),
     "events[0].source", "unknown source \"s2\"; did you mean \"s1\"?"},
    {CTRY("{'baseline': 1, 'source': 'a', 'growth': {" CPD ", 'rate': 0}}"),
     "countries.IE.source", "unknown source \"a\" (there is no \"sources\" object)"},
    {C1("'sources': {'s1': {'url': 'x'}}"), "sources.s1", "missing key \"title\""},
    {C1("'sources': {'s 1': {'title': 'x'}}"), "sources", "invalid source id \"s 1\""},
    /* events */
    {EVT("{'country': 'IR', 'date': '2025', 'add': 1}"), "events[0].country",
     "unknown country \"IR\"; did you mean \"IE\"?"},
    {EVT("{'country': 'XYZW', 'date': '2025', 'add': 1}"), "events[0].country",
     "unknown country \"XYZW\" (not a key of \"countries\")"},
    {EVT("{'country': 'IE', 'date': '2025'}"), "events[0]", "missing key \"add\""},
    {EVT("{'date': '2025', 'add': 1}"), "events[0]", "missing key \"country\""},
    {EVT("{'country': 'IE', 'add': 1}"), "events[0]", "missing key \"date\""},
    {HEAD ONE ", 'events': 5}", "events", "expected an array of events or an object"},
    {HEAD ONE ", 'events': {'ALL': {'country': 'IE', 'date': '2024', 'add': 1}}}", "events.ALL", "reserved"},
    {HEAD ONE ", 'events': {'a.b': {'country': 'IE', 'date': '2024', 'add': 1}}}", "events.a.b", "event id"},
    {HEAD ONE ", 'events': {'narvik': {'country': 'IE', 'date': 2026, 'add': 1}}}", "events.narvik.date", "date"},
    /* variables and targets */
    {C1("'variables': {'g': {'min': 1, 'max': 1}}"), "variables.g.max",
     "expected a max greater than min 1, got 1"},
    {C1("'variables': {'g': {'min': 0, 'max': 1, 'guess': 2}}"), "variables.g.guess",
     "expected a number in [0, 1] (min and max), got 2"},
    {C1("'variables': {'g': {'value': 1, 'min': 0}}"), "variables.g", "not both"},
    {C1("'variables': {'g': {'min': 0}}"), "variables.g", "missing key \"max\""},
    {C1("'variables': {'g': {'value': 'x'}}"), "variables.g.value", "expected a number, got \"x\""},
    {C1("'variables': {'g9': {'value': 1}}"), "variables.g9",
     "variable \"g9\" is not used by any parameter that reaches the projection"},
    {HEAD "'variables': {'g': {'value': 0.1}}, 'defaults': {'growth': {" CPD
          ", 'rate': {'var': 'g'}}}, " ONE "}",
     "variables.g", "is not used by any parameter"},
    {HEAD "'variables': {'g1': {'min': 0, 'max': 1}, 'g2': {'min': 0, 'max': 1}}, "
          "'targets': [{'scope': 'TOTAL', 'year': 2025, 'value': 1}], 'countries': {'IE': "
          "{'baseline': {'dist': 'uniform', 'min': 1, 'max': 2}, 'growth': {" CPD
          ", 'rates': [{'until': 2024, 'rate': {'var': 'g1'}}, {'rate': {'var': 'g2'}}]}}}}",
     "targets", "2 unknown variables but 1 target: add targets or fix variables with \"value\""},
    {HEAD "'variables': {'g1': {'min': 0, 'max': 1}}, 'countries': {'IE': {'baseline': 1, "
          "'growth': {" CPD ", 'rate': {'var': 'g1'}}}}}",
     "targets", "1 unknown variable but 0 targets"},
    {HEAD "'countries': {'IE': {'baseline': 1, 'groups': ['EU'], 'growth': {" CPD
          ", 'rate': 0}}}, 'targets': [{'scope': 'EUU', 'year': 2025, 'value': 1}]}",
     "targets[0].scope", "unknown scope \"EUU\"; did you mean \"EU\"?"},
    {C1("'targets': [{'year': 2025, 'value': 1}]"), "targets[0]", "missing key \"scope\""},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'value': 0}]"), "targets[0].value",
     "expected a number > 0, got 0"},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'ratio': -1, 'base_year': 2023}]"),
     "targets[0].ratio", "expected a number > 0, got -1"},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'ratio': 2, 'base_year': 2025}]"),
     "targets[0].base_year", "expected a base_year other than the target year 2025, got 2025"},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'ratio': 2}]"), "targets[0]",
     "missing key \"base_year\""},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'value': 2, 'base_year': 2023}]"),
     "targets[0].base_year", "\"base_year\" only goes with \"ratio\""},
    {C1("'targets': [{'scope': 'IE', 'year': 2022, 'value': 1}]"), "targets[0].year",
     "expected an integer year >= baseline_year 2023, got 2022"},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'value': 1, 'ratio': 2}]"), "targets[0]",
     "\"value\" and \"ratio\" exclude each other"},
    {C1("'targets': [{'scope': 'IE', 'year': 2025}]"), "targets[0]", "missing key \"value\""},
    {C1("'targets': [{'id': 'a', 'scope': 'IE', 'year': 2025, 'value': 1}, {'id': 'a', "
        "'scope': 'IE', 'year': 2026, 'value': 1}]"),
     "targets[1].id", "duplicate target id \"a\" (also targets[0])"},
    {C1("'targets': [{'id': 'target2', 'scope': 'IE', 'year': 2025, 'value': 1}, "
        "{'scope': 'IE', 'year': 2026, 'value': 1}]"),
     "targets[1]", "duplicate target id \"target2\" (also targets[0])"},
    {C1("'targets': [{'scope': 'IE', 'year': 2025, 'value': 1, 'weight': 0}]"),
     "targets[0].weight", "expected a number > 0, got 0"},
    {C1("'targets': [{'id': 'a b', 'scope': 'IE', 'year': 2025, 'value': 1}]"), "targets[0].id",
     "expected a target id"},
    /* uncertainty */
    {C1("'uncertainty': {'draws': 1.5}"), "uncertainty.draws",
     "expected an integer in [0, 1000000000], got 1.5"},
    {C1("'uncertainty': {'draws': 1000000001}"), "uncertainty.draws", "got 1000000001"},
    {HEAD "'uncertainty': {'draws': 600000000}, 'countries': {" IE ", 'GB': {'baseline': 1, "
          "'growth': {" CPD ", 'rate': 0}}}}",
     "uncertainty.draws", "draws x countries = 600000000 x 2 exceeds the limit of 1000000000"},
    {C1("'uncertainty': {'seed': -1}"), "uncertainty.seed",
     "expected an integer in [0, 2^53], got -1"},
    {C1("'uncertainty': {'seed': 9007199254740994}"), "uncertainty.seed", "[0, 2^53]"},
    {C1("'uncertainty': {'quantiles': [0.5, 0.5]}"), "uncertainty.quantiles[1]",
     "expected a quantile greater than the previous one 0.5, got 0.5"},
    {C1("'uncertainty': {'quantiles': [0.05, 0.0500000000001]}"), "uncertainty.quantiles[1]",
     "both make the output column \"p5\""},
    {C1("'uncertainty': {'quantiles': []}"), "uncertainty.quantiles",
     "expected a non-empty array of quantiles"},
    {C1("'uncertainty': {'quantiles': [0.5, 1.5]}"), "uncertainty.quantiles[1]",
     "expected a number in [0, 1], got 1.5"},
    /* top level */
    {"[1, 2]", "", "expected a JSON object (a scenario), got [1,2]"},
};

START_TEST(test_bad)
{
    const struct bad_case *bc = &BAD[_i];
    struct dcproj_error e;
    struct dcproj_scenario *sc = (struct dcproj_scenario *)&e; /* must stay untouched */
    struct dcproj_scenario *before = sc;
    char *text = q(bc->json);
    dcproj_error_init(&e);
    int st = dcproj_scenario_load_buffer("t.json", text, strlen(text), NULL, NULL, &sc, &e);
    free(text);
    if (st != DCPROJ_ERR_DATA || e.count < 1 || strcmp(e.items[0].path, bc->path) != 0 ||
        strstr(e.items[0].message, bc->fragment) == NULL) {
        fprintf(stderr, "case %d: %s\n", _i, bc->json);
        dump(&e);
    }
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.code, 65);
    ck_assert_int_ge(e.count, 1);
    ck_assert_ptr_eq(sc, before);
    ck_assert_str_eq(e.items[0].file, "t.json");
    ck_assert_str_eq(e.items[0].path, bc->path);
    ck_assert_ptr_nonnull(strstr(e.items[0].message, bc->fragment));
}
END_TEST

/* Independent problems are all reported, in document order. */
START_TEST(test_collects)
{
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    int st = load_text(HEAD "'countries': {'A': {'baseline': -1, 'growth': {" CPD ", 'rate': 0}},"
                            " 'B': {'baseline': 'x', 'growth': {" CPD ", 'rate': -3}}},"
                            " 'events': [{'country': 'C', 'date': '2025', 'add': 1}]}",
                       NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.count, 4);
    ck_assert_str_eq(e.items[0].path, "countries.A.baseline");
    ck_assert_str_eq(e.items[1].path, "countries.B.baseline");
    ck_assert_str_eq(e.items[2].path, "countries.B.growth.rate");
    ck_assert_str_eq(e.items[3].path, "events[0].country");
}
END_TEST

/* A bad value in defaults.growth is named there, once, with the first
 * country that uses it. */
START_TEST(test_defaults_reported_once)
{
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    int st = load_text(HEAD "'defaults': {'growth': {" CPD ", 'rate': -2}},"
                            " 'countries': {'A': {'baseline': 1}, 'B': {'baseline': 2},"
                            " 'C': {'baseline': 3, 'growth': {'model': 'compound'}}}}",
                       NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.count, 1);
    ck_assert_str_eq(e.items[0].path, "defaults.growth.rate");
    ck_assert_str_eq(e.items[0].message, "expected a number > -1, got -2 (used by country A)");

    /* a merged growth: the country's own key is named at the country */
    st = load_text(HEAD "'defaults': {'growth': {'model': 'logistic', 'cap': 10, 'rate': 0.5}},"
                        " 'countries': {'A': {'baseline': 1, 'growth': {'rate': -1}}}}",
                   NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_int_eq(e.count, 1);
    ck_assert_str_eq(e.items[0].path, "countries.A.growth.rate");
    ck_assert_str_eq(e.items[0].message, "expected a number > 0, got -1");

    /* ... and an inherited key at the defaults */
    st = load_text(HEAD "'defaults': {'growth': {'model': 'logistic', 'cap': 10, 'rate': 0.5}},"
                        " 'countries': {'A': {'baseline': 20, 'growth': {'rate': 1}}}}",
                   NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "defaults.growth.cap");
    ck_assert_str_eq(e.items[0].message,
                     "expected a cap greater than the baseline 20, got 10 (used by country A)");
}
END_TEST

/* Values that came from elsewhere say so (origins from the document layer). */
START_TEST(test_origins)
{
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    doc_shim_mark("countries.IE.baseline", DOC_ORIGIN_SET, "countries.IE.baseline=-5");
    int st = load_text(CTRY("{'baseline': -5, 'growth': {" CPD ", 'rate': 0}}"), NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].message,
                     "expected a number >= 0, got -5 (from --set countries.IE.baseline=-5)");

    /* inherited from an ancestor */
    doc_shim_mark("countries", DOC_ORIGIN_PARENT, "base.json");
    st = load_text(CTRY("{'baseline': -5, 'growth': {" CPD ", 'rate': 0}}"), NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].message, "expected a number >= 0, got -5 (from parent base.json)");

    doc_shim_mark("horizon", DOC_ORIGIN_OPTION, "--horizon 2023");
    st = load_text("{'dcproj': 1, 'name': 't', 'baseline_year': 2023, 'horizon': 2023, " ONE "}",
                   NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_ptr_nonnull(strstr(e.items[0].message, "got 2023 (from --horizon 2023)"));

    doc_shim_mark("defaults", DOC_ORIGIN_PATCH, "p.json");
    st = load_text(HEAD "'defaults': {'growth': {" CPD ", 'rate': -2}}, 'countries': {'A': "
                        "{'baseline': 1, 'growth': {'model': 'compound'}}}}",
                   NULL, &sc, &e);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "defaults.growth.rate");
    ck_assert_str_eq(e.items[0].message,
                     "expected a number > -1, got -2 (used by country A) (from --patch p.json)");
    doc_shim_mark(NULL, DOC_ORIGIN_FILE, NULL);
}
END_TEST

/* Limits: more events than DCPROJ_MAX_EVENTS are refused. */
START_TEST(test_limits)
{
    size_t n = DCPROJ_MAX_EVENTS + 1;
    const char *ev = "{'country': 'IE', 'date': '2025', 'add': 1},";
    size_t size = strlen(HEAD ONE ", 'events': []}") + n * strlen(ev) + 1;
    char *text = malloc(size);
    ck_assert_ptr_nonnull(text);
    strcpy(text, HEAD ONE ", 'events': [");
    char *p = text + strlen(text);
    for (size_t i = 0; i < n; i++, p += strlen(ev))
        memcpy(p, ev, strlen(ev));
    strcpy(p - 1, "]}");
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    int st = load_text(text, NULL, &sc, &e);
    free(text);
    ck_assert_int_eq(st, DCPROJ_ERR_DATA);
    ck_assert_str_eq(e.items[0].path, "events");
    ck_assert_str_eq(e.items[0].message, "too many events: 100001 (at most 100000)");
}
END_TEST

/* The largest scenario the limits allow loads (and in linear time: the
 * suite's timeout would catch a quadratic lookup). */
START_TEST(test_large)
{
    size_t n = DCPROJ_MAX_COUNTRIES;
    size_t size = 200 + n * 64 + n * 48;
    char *text = malloc(size);
    ck_assert_ptr_nonnull(text);
    char *p = text;
    p += sprintf(p, HEAD "'defaults': {'growth': {'model': 'compound', 'rate': 0.1}},"
                        " 'countries': {");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s'C%zu': {'baseline': %zu, 'growth': {'rate': 0.2}}", i ? "," : "", i,
                     i);
    p += sprintf(p, "}, 'events': [");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s{'country': 'C%zu', 'date': '2025', 'add': 1}", i ? "," : "",
                     n - 1 - i);
    sprintf(p, "]}");
    struct dcproj_error e;
    struct dcproj_scenario *sc;
    int st = load_text(text, NULL, &sc, &e);
    free(text);
    ck_assert_int_eq(st, DCPROJ_OK);
    ck_assert_uint_eq(sc->n_countries, n);
    ck_assert_uint_eq(sc->events[0].country, n - 1);
    ck_assert_double_eq(sc->countries[n - 1].baseline.v.number, (double)(n - 1));
    ck_assert_double_eq(sc->countries[7].growth.rate.v.number, 0.2);
    dcproj_scenario_free(sc);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_full);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_growth_merge);
    tcase_add_test(tc, test_growth_merge_refinements);
    tcase_add_test(tc, test_events_by_id);
    tcase_add_test(tc, test_frozen);
    tcase_add_test(tc, test_fit_history);
    tcase_add_test(tc, test_conformance);
    tcase_add_test(tc, test_names);
    tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof BAD / sizeof BAD[0]));
    tcase_add_test(tc, test_collects);
    tcase_add_test(tc, test_defaults_reported_once);
    tcase_add_test(tc, test_origins);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_large);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
