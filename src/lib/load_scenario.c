/*
 * load_scenario.c — the loader's public entry points (dcproj/scenario.h):
 * read a file or a buffer, build the final document (load_doc), convert it
 * (load_convert.c); freeing a scenario; look-ups by code; enum names.
 */
#include "load_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Public API                                                               */

void dcproj_load_options_init(struct dcproj_load_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
}

/* Build the document, convert it, free it. */
static int load(const char *path, const char *data, size_t len, const char *name,
                const char *base_dir, const struct dcproj_load_options *opt,
                struct dcproj_scenario **out, struct dcproj_error *err)
{
    struct dcproj_load_options none;
    if (opt == NULL) {
        dcproj_load_options_init(&none);
        opt = &none;
    }
    struct doc *d = NULL;
    int st = doc_build(path, data, len, name, base_dir, opt, &d, err);
    if (st != DCPROJ_OK)
        return st;
    struct dcproj_scenario *sc = NULL;
    st = convert_doc(d, err, &sc);
    if (st == DCPROJ_OK) {
        const struct json_file_id *ids;
        size_t n = doc_files(d, &ids);
        sc->files = dcproj_calloc(n ? n : 1, sizeof *sc->files);
        if (sc->files == NULL) {
            dcproj_scenario_free(sc);
            doc_free(d);
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            sc->files[i] = (struct dcproj_file_id){ids[i].dev, ids[i].ino};
        sc->n_files = n;
        /* the patch stage's warnings first, then the converter's */
        if (dcproj_warnings_merge(doc_warnings(d), &sc->warnings) != DCPROJ_OK) {
            dcproj_scenario_free(sc);
            doc_free(d);
            return dcproj_error_set(err, DCPROJ_ERR_NOMEM, name, NULL, 0, 0, "out of memory");
        }
        dcproj_warnings_clear(&sc->warnings);
        sc->warnings = *doc_warnings(d);
        *doc_warnings(d) = (struct dcproj_warnings){0, NULL};
    }
    doc_free(d);
    if (st == DCPROJ_OK)
        *out = sc;
    return st;
}

int dcproj_scenario_time_buffer(const char *name, const char *data, size_t len,
                                const char *base_dir, const struct dcproj_load_options *opt,
                                int *baseline_year, int *horizon, enum dcproj_step *step)
{
    struct dcproj_load_options none;
    if (opt == NULL) {
        dcproj_load_options_init(&none);
        opt = &none;
    }
    struct doc *d = NULL;
    struct dcproj_error scratch;
    dcproj_error_init(&scratch);
    int st = doc_build(NULL, data, len, name, base_dir, opt, &d, &scratch);
    if (st == DCPROJ_OK)
        st = convert_time_axis(d, baseline_year, horizon, step);
    doc_free(d);
    return st;
}

int dcproj_scenario_load(const char *path, const struct dcproj_load_options *opt,
                         struct dcproj_scenario **out, struct dcproj_error *err)
{
    return load(path, NULL, 0, NULL, NULL, opt, out, err);
}

int dcproj_scenario_load_buffer(const char *name, const char *data, size_t len,
                                const char *base_dir, const struct dcproj_load_options *opt,
                                struct dcproj_scenario **out, struct dcproj_error *err)
{
    return load(NULL, data != NULL ? data : "", data != NULL ? len : 0, name, base_dir, opt, out,
                err);
}

static void free_growth(struct dcproj_growth *g)
{
    dcproj_free(g->segments);
    dcproj_free(g->point_years);
    dcproj_free(g->point_values);
}

void dcproj_scenario_free(struct dcproj_scenario *sc)
{
    if (sc != NULL)
        dcproj_free(sc->slots);
    if (sc == NULL)
        return;
    for (size_t i = 0; i < sc->n_sources; i++) {
        dcproj_free(sc->sources[i].title);
        dcproj_free(sc->sources[i].url);
        dcproj_free(sc->sources[i].date);
        dcproj_free(sc->sources[i].note);
    }
    dcproj_free(sc->sources);
    dcproj_free(sc->groups);
    for (size_t i = 0; i < sc->n_countries; i++) {
        struct dcproj_country *co = &sc->countries[i];
        dcproj_free(co->name);
        dcproj_free(co->groups);
        free_growth(&co->growth);
        power_input_free(&co->pue);
        power_input_free(&co->utilization);
        dcproj_free(co->history_years);
        dcproj_free(co->history_values);
        dcproj_free(co->source);
        dcproj_free(co->note);
    }
    dcproj_free(sc->countries);
    for (size_t i = 0; i < sc->n_events; i++) {
        dcproj_free(sc->events[i].source);
        dcproj_free(sc->events[i].note);
    }
    dcproj_free(sc->events);
    dcproj_free(sc->variables);
    for (size_t i = 0; i < sc->n_targets; i++)
        dcproj_free(sc->targets[i].source);
    dcproj_free(sc->targets);
    dcproj_free(sc->quantiles);
    power_input_free(&sc->pue);
    power_input_free(&sc->utilization);
    for (size_t i = 0; i < sc->n_correlations; i++) {
        for (size_t k = 0; k < sc->correlations[i].n_params; k++)
            dcproj_free(sc->correlations[i].params[k]);
        dcproj_free(sc->correlations[i].params);
    }
    dcproj_free(sc->correlations);
    for (size_t i = 0; i < sc->n_site_paths; i++)
        dcproj_free(sc->site_paths[i]);
    dcproj_free(sc->site_paths);
    dcproj_scenario_free(sc->parent);
    dcproj_free(sc->resolved_json);
    dcproj_free(sc->files);
    dcproj_warnings_clear(&sc->warnings);
    dcproj_free(sc->file);
    dcproj_free(sc->name);
    dcproj_free(sc->title);
    dcproj_free(sc->description);
    dcproj_free(sc->unit);
    dcproj_free(sc);
}

long dcproj_scenario_find_country(const struct dcproj_scenario *sc, const char *code)
{
    for (size_t i = 0; sc != NULL && code != NULL && i < sc->n_countries; i++)
        if (strcmp(sc->countries[i].code, code) == 0)
            return (long)i;
    return -1;
}

long dcproj_scenario_find_group(const struct dcproj_scenario *sc, const char *name)
{
    for (size_t i = 0; sc != NULL && name != NULL && i < sc->n_groups; i++)
        if (strcmp(sc->groups[i], name) == 0)
            return (long)i;
    return -1;
}

long dcproj_scenario_find_variable(const struct dcproj_scenario *sc, const char *id)
{
    for (size_t i = 0; sc != NULL && id != NULL && i < sc->n_variables; i++)
        if (strcmp(sc->variables[i].id, id) == 0)
            return (long)i;
    return -1;
}

long dcproj_scenario_find_event(const struct dcproj_scenario *sc, const char *id)
{
    for (size_t i = 0; sc != NULL && id != NULL && sc->events_by_id && i < sc->n_events; i++)
        if (strcmp(sc->events[i].id, id) == 0)
            return (long)i;
    return -1;
}

const char *dcproj_step_name(enum dcproj_step step)
{
    return (unsigned)step < 3 ? STEP_NAMES[step] : "?";
}

const char *dcproj_model_name(enum dcproj_model model)
{
    return (unsigned)model < 5 ? MODEL_NAMES[model] : "?";
}

const char *dcproj_interp_name(enum dcproj_interp interp)
{
    return (unsigned)interp < 5 ? INTERP_NAMES[interp] : "?";
}
