/*
 * load_patch.c — stage 3 of the loader (read → resolve extends → patch →
 * convert): the command-line layers applied to the resolved document in
 * order (SPEC §6): --set PATH=VALUE, --patch FILE, then --horizon, --step,
 * --draws and --seed, each recorded as the origin of what it wrote.
 */
#include "load_doc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "alloc_int.h"
/* ---------------------------------------------------------------- patches */

/* Merge `patch` onto d's document, recording `kind`/`label` as the origin. */
static int apply(struct doc *d, const cJSON *patch, enum doc_origin_kind kind, const char *label,
                 struct dcproj_error *err)
{
    if (kind != DOC_ORIGIN_OPTION) {
        char layer[DCPROJ_ERROR_MSG_LEN / 2];
        snprintf(layer, sizeof layer, "%s %s", kind == DOC_ORIGIN_SET ? "--set" : "--patch", label);
        int rc = events_form_check(d->root, patch, d->file, layer, err);
        if (rc != DCPROJ_OK)
            return rc;
    }
    const struct doc_origin *o = origin_new(d, kind, label);
    if (o == NULL || merge_patch_tracked(&d->root, patch, &d->map, o) != DCPROJ_OK)
        return nomem(err, d->file);
    return DCPROJ_OK;
}

/*
 * --set PATH=VALUE: the patch {PATH: VALUE}, PATH split at dots into keys
 * (none empty), VALUE strict JSON if it parses as such, else a string.
 */
int apply_set(struct doc *d, const char *text, struct dcproj_error *err)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "--set %s: expected PATH=VALUE", text);
    if (!json_utf8_valid(text, strlen(text)))
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "--set %s: not valid UTF-8", text);
    size_t n_keys = 1;
    const char *first_end = NULL;
    for (const char *c = text; c < eq; c++) {
        if (*c == '.') {
            if (c == text || c + 1 == eq || c[1] == '.')
                return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                        "--set %s: empty key in PATH", text);
            if (first_end == NULL)
                first_end = c;
            n_keys++;
        }
    }
    if (first_end == NULL)
        first_end = eq;
    if (first_end - text == 7 && strncmp(text, "extends", 7) == 0)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "--set %s: \"extends\" is not allowed in a patch", text);
    if (n_keys > DCPROJ_MAX_DEPTH)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "--set %s: nesting deeper than %d levels", text, DCPROJ_MAX_DEPTH);

    const char *vtext = eq + 1;
    cJSON *value = NULL;
    int rc = json_parse_strict(vtext, strlen(vtext), "--set", JSON_TOP_ANY, &value, NULL);
    if (rc == DCPROJ_ERR_NOMEM)
        return nomem(err, NULL);
    if (rc != DCPROJ_OK && (value = cJSON_CreateString(vtext)) == NULL)
        return nomem(err, NULL);
    if ((size_t)json_depth(value) + n_keys > DCPROJ_MAX_DEPTH) {
        cJSON_Delete(value);
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "--set %s: nesting deeper than %d levels", text, DCPROJ_MAX_DEPTH);
    }

    /* Wrap from the innermost key outwards. */
    const char *seg_end = eq;
    cJSON *patch = value;
    while (patch != NULL) {
        const char *seg = seg_end;
        while (seg > text && seg[-1] != '.')
            seg--;
        size_t klen = (size_t)(seg_end - seg);
        char *key = dcproj_malloc(klen + 1);
        cJSON *o = cJSON_CreateObject();
        if (key == NULL || o == NULL) {
            dcproj_free(key);
            cJSON_Delete(o);
            cJSON_Delete(patch);
            return nomem(err, NULL);
        }
        memcpy(key, seg, klen);
        key[klen] = '\0';
        int ok = cJSON_AddItemToObject(o, key, patch);
        dcproj_free(key);
        if (!ok) {
            cJSON_Delete(o);
            cJSON_Delete(patch);
            return nomem(err, NULL);
        }
        patch = o;
        if (seg == text)
            break;
        seg_end = seg - 1;
    }
    rc = apply(d, patch, DOC_ORIGIN_SET, text, err);
    cJSON_Delete(patch);
    return rc;
}

/* --patch FILE: a JSON object read like a scenario, without `extends`. */
int apply_patch_file(struct doc *d, const char *path, struct dcproj_error *err)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char *buf = NULL;
    size_t len = 0;
    int rc = json_read_file(path, name, &buf, &len, NULL, err);
    if (rc != DCPROJ_OK)
        return rc;
    cJSON *patch = NULL;
    rc = json_parse_strict(buf, len, name, JSON_TOP_OBJECT, &patch, err);
    dcproj_free(buf);
    if (rc != DCPROJ_OK)
        return rc;
    if (has_key(patch, "extends")) {
        cJSON_Delete(patch);
        return dcproj_error_set(err, DCPROJ_ERR_DATA, name, "extends", 0, 0,
                                "\"extends\" is not allowed in a patch");
    }
    rc = apply(d, patch, DOC_ORIGIN_PATCH, path, err);
    cJSON_Delete(patch);
    return rc;
}

/* Merge the one-member patch {key: value}, or {outer: {key: value}} when
 * `outer` is set; takes `value`. */
static int apply_option(struct doc *d, const char *outer, const char *key, cJSON *value,
                        const char *label, struct dcproj_error *err)
{
    cJSON *patch = cJSON_CreateObject();
    cJSON *inner = outer != NULL ? cJSON_CreateObject() : patch;
    if (value == NULL || patch == NULL || inner == NULL) {
        cJSON_Delete(value);
        cJSON_Delete(patch);
        if (inner != patch)
            cJSON_Delete(inner);
        return nomem(err, d->file);
    }
    int ok = cJSON_AddItemToObject(inner, key, value);
    if (!ok)
        cJSON_Delete(value);
    if (inner != patch) {
        if (ok && !cJSON_AddItemToObject(patch, outer, inner))
            ok = 0;
        if (!ok)
            cJSON_Delete(inner);
    }
    int rc = ok ? apply(d, patch, DOC_ORIGIN_OPTION, label, err) : nomem(err, d->file);
    cJSON_Delete(patch);
    return rc;
}

/* --horizon, --step, --draws, --seed, in that order, each as its own
 * one-member patch (draws and seed create `uncertainty` when absent). */
int apply_overrides(struct doc *d, const struct dcproj_load_options *opt,
                           struct dcproj_error *err)
{
    static const char *const steps[] = {"year", "quarter", "month"};
    char label[64];
    int rc = DCPROJ_OK;
    if (opt->horizon != 0) {
        snprintf(label, sizeof label, "--horizon %d", opt->horizon);
        rc = apply_option(d, NULL, "horizon", cJSON_CreateNumber(opt->horizon), label, err);
    }
    if (rc == DCPROJ_OK && opt->step >= 0) {
        if (opt->step > DCPROJ_STEP_MONTH)
            return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                    "--step: invalid step %d", opt->step);
        snprintf(label, sizeof label, "--step %s", steps[opt->step]);
        rc = apply_option(d, NULL, "step", cJSON_CreateString(steps[opt->step]), label, err);
    }
    if (rc == DCPROJ_OK && opt->draws >= 0) {
        snprintf(label, sizeof label, "--draws %lld", opt->draws);
        rc = apply_option(d, "uncertainty", "draws", cJSON_CreateNumber((double)opt->draws),
                          label, err);
    }
    if (rc == DCPROJ_OK && opt->seed >= 0) {
        snprintf(label, sizeof label, "--seed %lld", opt->seed);
        rc = apply_option(d, "uncertainty", "seed", cJSON_CreateNumber((double)opt->seed),
                          label, err);
    }
    return rc;
}

/* After a data error (65): report every --patch FILE that cannot be read,
 * so an unreadable input outranks invalid data (SPEC §9: 66 takes
 * precedence when several files fail) even when the scenario failed before
 * the patches were applied.  Standard input is not probed (it may already
 * have been consumed).  Returns the code to give back. */
int probe_patch_files(const struct dcproj_load_options *opt, int rc,
                             struct dcproj_error *err)
{
    if (rc != DCPROJ_ERR_DATA)
        return rc;
    for (size_t i = 0; i < opt->n_patches; i++) {
        const struct dcproj_patch *pt = &opt->patches[i];
        if (pt->kind != DCPROJ_PATCH_FILE || strcmp(pt->text, "-") == 0)
            continue;
        char *buf = NULL;
        size_t len = 0;
        struct dcproj_error probe;
        dcproj_error_init(&probe);
        if (json_read_file(pt->text, pt->text, &buf, &len, NULL, &probe) == DCPROJ_ERR_NOINPUT) {
            dcproj_error_merge(err, &probe);
            rc = DCPROJ_ERR_NOINPUT;
        }
        dcproj_free(buf);
    }
    return rc;
}

/* A copy of `r` (tree and origins) to patch while `r` stays as it is. */
