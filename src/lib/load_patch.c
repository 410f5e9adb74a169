/*
 * load_patch.c — stage 3 of the loader (read → resolve extends → patch →
 * convert): the command-line layers applied to the resolved document in
 * order (SPEC §6): --set PATH=VALUE, --patch FILE, then --horizon, --step,
 * --draws and --seed, each recorded as the origin of what it wrote.
 */
#include "load_doc_int.h"
#include "utf8_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "alloc_int.h"
#include "nearest_int.h"
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

/* One step of a --set PATH: a key, or an index into an array (SPEC §6). */
struct step {
    const char *key; /* NUL-terminated copy, or NULL for an index step */
    long index;
};

/* The steps of PATH (the text before '='), keys split at dots, each key
 * followed by any number of "[i]" (i = 0 or [1-9][0-9]{0,8}).  *keys
 * receives a buffer the steps' keys point into (caller frees).  Returns
 * DCPROJ_OK, or DCPROJ_ERR_USAGE for a malformed index, DCPROJ_ERR_DATA
 * for an empty key (the v1 rule). */
static int split_path(const char *option, const char *text, const char *eq, struct step *steps,
                      size_t *n_steps, char **keys, struct dcproj_error *err)
{
    size_t plen = (size_t)(eq - text), n = 0;
    char *buf = dcproj_malloc(plen + 1);
    if (buf == NULL)
        return nomem(err, NULL);
    memcpy(buf, text, plen);
    buf[plen] = '\0';
    *keys = buf;
    char *p = buf;
    for (;;) {
        char *k = p;
        while (*p != '\0' && *p != '.' && *p != '[')
            p++;
        if (p == k)
            return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                    "%s %s: empty key in PATH", option, text);
        char end = *p;
        *p = '\0';
        if (n >= DCPROJ_MAX_DEPTH)
            goto deep;
        steps[n++] = (struct step){k, -1};
        while (end == '[') {
            char *d = ++p;
            while (*p >= '0' && *p <= '9')
                p++;
            size_t nd = (size_t)(p - d);
            if (*p != ']' || nd == 0 || nd > 9 || (d[0] == '0' && nd > 1))
                return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                        "%s %s: expected an array index [0], [1], ... "
                                        "(digits, no sign, no leading zero, at most 9) in PATH",
                                        option, text);
            if (n >= DCPROJ_MAX_DEPTH)
                goto deep;
            steps[n++] = (struct step){NULL, strtol(d, NULL, 10)};
            end = *++p;
        }
        if (end == '\0')
            break;
        if (end != '.')
            return dcproj_error_set(err, DCPROJ_ERR_USAGE, NULL, NULL, 0, 0,
                                    "%s %s: expected '.' or '[' after ']' in PATH", option, text);
        p++;
        if (*p == '\0' || *p == '.')
            return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                    "%s %s: empty key in PATH", option, text);
    }
    *n_steps = n;
    return DCPROJ_OK;
deep:
    return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                            "%s %s: nesting deeper than %d levels", option, text, DCPROJ_MAX_DEPTH);
}

/* Append step `s` to the JSON path `path` (as messages write it). */
static void path_add(char *path, size_t size, const struct step *s)
{
    size_t used = strlen(path);
    if (s->key != NULL)
        snprintf(path + used, size - used, "%s%s", used > 0 ? "." : "", s->key);
    else
        snprintf(path + used, size - used, "[%ld]", s->index);
}

/*
 * Where an array that PATH indexes is inherited rather than written (SPEC
 * §6: "DE's rates come from defaults.growth"): a country's growth key that
 * is absent but present in defaults.growth.  Writes the hint (with a
 * leading "; ") or "".
 */
static void inherited_hint(const cJSON *root, const struct step *steps, size_t n_steps,
                           size_t missing, char *hint, size_t size)
{
    hint[0] = '\0';
    if (n_steps < 4 || steps[0].key == NULL || strcmp(steps[0].key, "countries") != 0
        || steps[1].key == NULL || steps[2].key == NULL || strcmp(steps[2].key, "growth") != 0
        || missing < 2 || missing > 3 || steps[3].key == NULL)
        return;
    const cJSON *dg = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "defaults"), "growth");
    if (cJSON_GetObjectItemCaseSensitive(dg, steps[3].key) == NULL)
        return;
    snprintf(hint, size,
             "; %s's %s come from defaults.growth: index defaults.growth.%s to change every "
             "country that inherits them, or write %s's own growth.%s",
             steps[1].key, steps[3].key, steps[3].key, steps[1].key, steps[3].key);
}

/* The patch {k_from: {...: value}} for the key steps from `from` on (all
 * key steps); takes `value`.  NULL when out of memory. */
static cJSON *wrap_keys(const struct step *steps, size_t from, size_t n_steps, cJSON *value)
{
    cJSON *patch = value;
    for (size_t k = n_steps; k-- > from;) {
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToObject(o, steps[k].key, patch)) {
            cJSON_Delete(o);
            cJSON_Delete(patch);
            return NULL;
        }
        patch = o;
    }
    return patch;
}

/*
 * The §9 warning of a --set/--patch (`label`) that creates a key the
 * document did not have, with the nearest existing key: "--set
 * countries.IR.baseline=900 creates country IR; did you mean IE?".  Walks
 * `patch` against `target` (the object at `path`); only the outermost
 * created key of a branch is named.  Deletions (null), ignored `$`/`_`
 * keys and new ids under object-form `events` (SPEC §3.5) do not warn.
 */
static int warn_created(struct doc *d, const cJSON *target, const cJSON *patch, char *path,
                        size_t len, const char *label)
{
    if (!cJSON_IsObject(patch) || !cJSON_IsObject(target))
        return DCPROJ_OK;
    if (strcmp(path, "events") == 0)
        return DCPROJ_OK;
    for (const cJSON *ch = patch->child; ch != NULL; ch = ch->next) {
        if (cJSON_IsNull(ch) || ch->string[0] == '$' || ch->string[0] == '_')
            continue;
        size_t n = strlen(path);
        snprintf(path + n, DCPROJ_ERROR_PATH_LEN - n, "%s%s", n > 0 ? "." : "", ch->string);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(target, ch->string);
        int rc = DCPROJ_OK;
        if (t != NULL) {
            rc = warn_created(d, t, ch, path, len, label);
        } else {
            struct nearest nb = {ch->string, NULL, 0};
            for (const cJSON *k = target->child; k != NULL; k = k->next)
                if (k->string[0] != '$' && k->string[0] != '_')
                    nearest_consider(&nb, k->string);
            const char *what = n == 9 && strncmp(path, "countries", 9) == 0 ? "country "
                               : n == 9 && strncmp(path, "variables", 9) == 0 ? "variable "
                                                                               : "key ";
            char mean[DCPROJ_ID_LEN + 32] = "";
            if (nb.best != NULL)
                snprintf(mean, sizeof mean, "; did you mean %.32s?", nb.best);
            rc = dcproj_warnings_add(&d->warnings, d->file, path,
                                     "%s creates %s%s, which the scenario did not have%s", label,
                                     what, ch->string, mean);
            if (rc != DCPROJ_OK)
                rc = nomem(NULL, d->file);
        }
        path[n] = '\0';
        if (rc != DCPROJ_OK)
            return rc;
    }
    return DCPROJ_OK;
}

/* apply() a --set or --patch (`option` and its argument `shown`, the
 * origin `label`) after warn_created() from the document's root. */
static int apply_warned(struct doc *d, const cJSON *patch, enum doc_origin_kind kind,
                        const char *option, const char *shown, const char *label,
                        struct dcproj_error *err)
{
    char path[DCPROJ_ERROR_PATH_LEN] = "", what[DCPROJ_ERROR_MSG_LEN / 2];
    snprintf(what, sizeof what, "%s %s", option, shown);
    if (warn_created(d, d->root, patch, path, sizeof path, what) != DCPROJ_OK)
        return nomem(err, d->file);
    return apply(d, patch, kind, label, err);
}

/*
 * --set with array steps (SPEC §6): walk the document to the element the
 * last index names (every step up to it must exist; nothing inherited is
 * copied), then merge the rest of the path there: an object merges into
 * the element, `null` (with no keys after the index) removes it, anything
 * else replaces it.  The untouched elements keep their origins.  Takes
 * `value`.
 */
static int apply_indexed(struct doc *d, const char *text, const struct step *steps,
                         size_t n_steps, size_t last_index, cJSON *value,
                         struct dcproj_error *err)
{
    char path[DCPROJ_ERROR_PATH_LEN] = "", hint[256];
    cJSON *cur = d->root, *up = NULL;
    int rc = DCPROJ_OK;
    for (size_t k = 0; k <= last_index; k++) {
        const struct step *s = &steps[k];
        char before[DCPROJ_ERROR_PATH_LEN];
        snprintf(before, sizeof before, "%s", path);
        path_add(path, sizeof path, s);
        cJSON *next = NULL;
        if (s->key != NULL) {
            next = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, s->key) : NULL;
            if (next == NULL) {
                inherited_hint(d->root, steps, n_steps, k, hint, sizeof hint);
                rc = dcproj_error_set(err, DCPROJ_ERR_DATA, d->file, path, 0, 0,
                                      "--set %s: %s has no key \"%s\" to index (an array step "
                                      "needs an array written in the scenario)%s",
                                      text, before[0] != '\0' ? before : "the scenario", s->key,
                                      hint);
                break;
            }
        } else {
            if (!cJSON_IsArray(cur)) {
                rc = dcproj_error_set(err, DCPROJ_ERR_DATA, d->file, path, 0, 0,
                                      "--set %s: %s is %s, not an array", text, before,
                                      json_type_name(cur));
                break;
            }
            int size = cJSON_GetArraySize(cur);
            if (s->index >= size) {
                rc = dcproj_error_set(err, DCPROJ_ERR_DATA, d->file, path, 0, 0,
                                      "--set %s: index %ld is past the end of %s (%d element%s; "
                                      "--set cannot append to an array)",
                                      text, s->index, before, size, size == 1 ? "" : "s");
                break;
            }
            next = cJSON_GetArrayItem(cur, (int)s->index);
        }
        up = cur;
        cur = next;
    }
    if (rc != DCPROJ_OK) {
        cJSON_Delete(value);
        return rc;
    }
    const struct doc_origin *o = origin_new(d, DOC_ORIGIN_SET, text);
    if (o == NULL) {
        cJSON_Delete(value);
        return nomem(err, d->file);
    }
    if (last_index + 1 == n_steps && cJSON_IsNull(value)) {
        cJSON_DetachItemViaPointer(up, cur);
        origin_map_forget_tree(&d->map, cur);
        cJSON_Delete(cur);
        cJSON_Delete(value);
        return DCPROJ_OK;
    }
    cJSON *patch = wrap_keys(steps, last_index + 1, n_steps, value);
    if (patch == NULL)
        return nomem(err, d->file);
    if (cJSON_IsObject(cur) && cJSON_IsObject(patch)) {
        char what[DCPROJ_ERROR_MSG_LEN / 2];
        snprintf(what, sizeof what, "--set %s", text);
        if (warn_created(d, cur, patch, path, sizeof path, what) != DCPROJ_OK) {
            cJSON_Delete(patch);
            return nomem(err, d->file);
        }
        rc = merge_patch_tracked(&cur, patch, &d->map, o);
    } else {
        cJSON *v = NULL;
        rc = merge_patch_tracked(&v, patch, &d->map, o);
        if (rc == DCPROJ_OK) {
            origin_map_forget_tree(&d->map, cur);
            cJSON_ReplaceItemViaPointer(up, cur, v); /* frees cur */
        }
    }
    cJSON_Delete(patch);
    return rc != DCPROJ_OK ? nomem(err, d->file) : DCPROJ_OK;
}

/* The checks of "PATH=VALUE" that need no document: the '=', UTF-8, the
 * PATH's grammar, no "extends"; messages start with `option` and `text`.
 * On success *eq_out is the '=' and steps/keys as split_path() gives them
 * (*keys to free, also on failure). */
static int check_set(const char *option, const char *text, const char **eq_out,
                     struct step *steps, size_t *n_steps, char **keys, struct dcproj_error *err)
{
    *keys = NULL;
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "%s %s: expected PATH=VALUE", option, text);
    if (!utf8_valid(text, strlen(text)))
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "%s %s: not valid UTF-8", option, text);
    int rc = split_path(option, text, eq, steps, n_steps, keys, err);
    if (rc != DCPROJ_OK)
        return rc;
    if (strcmp(steps[0].key, "extends") == 0)
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "%s %s: \"extends\" is not allowed in a patch", option, text);
    *eq_out = eq;
    return DCPROJ_OK;
}

int dcproj_patch_check(const char *option, const char *text, struct dcproj_error *err)
{
    struct step steps[DCPROJ_MAX_DEPTH];
    size_t n_steps = 0;
    char *keys = NULL;
    const char *eq = NULL;
    int rc = check_set(option, text, &eq, steps, &n_steps, &keys, err);
    dcproj_free(keys);
    return rc;
}

/*
 * --set PATH=VALUE: the patch {PATH: VALUE}, PATH split at dots into keys
 * (none empty), VALUE strict JSON if it parses as such, else a string.
 * SPEC v2 §6: a key may be followed by array steps "[i]" (apply_indexed).
 */
int apply_set(struct doc *d, const char *text, struct dcproj_error *err)
{
    struct step steps[DCPROJ_MAX_DEPTH];
    size_t n_steps = 0;
    char *keys = NULL;
    const char *eq = NULL;
    int rc = check_set("--set", text, &eq, steps, &n_steps, &keys, err);
    if (rc != DCPROJ_OK) {
        dcproj_free(keys);
        return rc;
    }
    const char *vtext = eq + 1;
    cJSON *value = NULL;
    rc = json_parse_strict(vtext, strlen(vtext), "--set", JSON_TOP_ANY, &value, NULL);
    if (rc == DCPROJ_ERR_NOMEM) {
        dcproj_free(keys);
        return nomem(err, NULL);
    }
    if (rc != DCPROJ_OK && (value = cJSON_CreateString(vtext)) == NULL) {
        dcproj_free(keys);
        return nomem(err, NULL);
    }
    if ((size_t)json_depth(value) + n_steps > DCPROJ_MAX_DEPTH) {
        cJSON_Delete(value);
        dcproj_free(keys);
        return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                "--set %s: nesting deeper than %d levels", text, DCPROJ_MAX_DEPTH);
    }
    size_t last_index = n_steps;
    for (size_t k = 0; k < n_steps; k++)
        if (steps[k].key == NULL)
            last_index = k;
    if (last_index < n_steps) {
        rc = apply_indexed(d, text, steps, n_steps, last_index, value, err);
    } else {
        cJSON *patch = wrap_keys(steps, 0, n_steps, value);
        rc = patch == NULL ? nomem(err, NULL)
                           : apply_warned(d, patch, DOC_ORIGIN_SET, "--set", text, text, err);
        cJSON_Delete(patch);
    }
    dcproj_free(keys);
    return rc;
}

/* --patch FILE: a JSON object read like a scenario, without `extends`. */
int apply_patch_file(struct doc *d, const char *path, struct dcproj_error *err)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char *buf = NULL;
    size_t len = 0;
    int rc = json_read_file(path, name, JSON_READ_ANY, &buf, &len, NULL, err);
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
    rc = apply_warned(d, patch, DOC_ORIGIN_PATCH, "--patch", name, path, err);
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
    if (opt->set & DCPROJ_LOAD_SET_HORIZON) {
        snprintf(label, sizeof label, "--horizon %d", opt->horizon);
        rc = apply_option(d, NULL, "horizon", cJSON_CreateNumber(opt->horizon), label, err);
    }
    if (rc == DCPROJ_OK && (opt->set & DCPROJ_LOAD_SET_STEP)) {
        if (opt->step < 0 || opt->step > DCPROJ_STEP_MONTH)
            return dcproj_error_set(err, DCPROJ_ERR_DATA, NULL, NULL, 0, 0,
                                    "--step: invalid step %d", opt->step);
        snprintf(label, sizeof label, "--step %s", steps[opt->step]);
        rc = apply_option(d, NULL, "step", cJSON_CreateString(steps[opt->step]), label, err);
    }
    if (rc == DCPROJ_OK && (opt->set & DCPROJ_LOAD_SET_DRAWS)) {
        snprintf(label, sizeof label, "--draws %lld", opt->draws);
        rc = apply_option(d, "uncertainty", "draws", cJSON_CreateNumber((double)opt->draws),
                          label, err);
    }
    if (rc == DCPROJ_OK && (opt->set & DCPROJ_LOAD_SET_SEED)) {
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
        if (json_read_file(pt->text, pt->text, JSON_READ_ANY, &buf, &len, NULL, &probe) == DCPROJ_ERR_NOINPUT) {
            dcproj_error_merge(err, &probe);
            rc = DCPROJ_ERR_NOINPUT;
        }
        dcproj_free(buf);
    }
    return rc;
}

/* A copy of `r` (tree and origins) to patch while `r` stays as it is. */
