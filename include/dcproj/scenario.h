/*
 * dcproj/scenario.h — a scenario (SPEC §2–§6) loaded into plain C structs.
 *
 * dcproj_scenario_load() reads a JSON scenario, resolves `extends`, applies
 * the command-line patches (--set, --patch) and overrides (--horizon,
 * --step, --draws, --seed), validates the final document completely and
 * converts it into the structs below.  No JSON tree outlives the loader.
 *
 * The structs are plain values owned by the scenario: read them, do not
 * modify them; everything is freed by dcproj_scenario_free().  Index fields
 * (`country`, `var`, `groups[]`) refer to the arrays of the same scenario.
 */
#ifndef DCPROJ_SCENARIO_H
#define DCPROJ_SCENARIO_H

#include "dcproj/api.h"

#include <stddef.h>
#include <stdint.h>

#include "dcproj/error.h"
#include "dcproj/warning.h"
#include "dcproj/output.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DCPROJ_ID_LEN 33 /* identifiers: at most 32 bytes + NUL */

/* Hard limits of SPEC §2, §5, §9. */
#define DCPROJ_MAX_FILE_BYTES (64u * 1024u * 1024u)
#define DCPROJ_MAX_DEPTH 64
#define DCPROJ_MAX_COUNTRIES 100000
#define DCPROJ_MAX_EVENTS 100000
#define DCPROJ_MAX_EXTENDS 16
#define DCPROJ_MAX_DRAWS 1000000000LL
#define DCPROJ_MAX_DRAW_CELLS 1000000000LL /* draws x countries */

enum dcproj_step { DCPROJ_STEP_YEAR = 0, DCPROJ_STEP_QUARTER, DCPROJ_STEP_MONTH };

/* A number, or a reference to a variable: times * variables[var] + plus.
 * `var` is -1 for a plain number (then only `number` is meaningful). */
struct dcproj_value {
    int var;
    double number;
    double times;
    double plus;
};

enum dcproj_dist {
    DCPROJ_DIST_NONE = 0, /* a plain value, no distribution */
    DCPROJ_DIST_NORMAL,     /* f[0] = mean, f[1] = sd */
    DCPROJ_DIST_LOGNORMAL,  /* f[0] = mean, f[1] = sd (moments of the variable) */
    DCPROJ_DIST_UNIFORM,    /* f[0] = min,  f[1] = max */
    DCPROJ_DIST_TRIANGULAR, /* f[0] = min,  f[1] = mode, f[2] = max */
    DCPROJ_DIST_PERT        /* f[0] = min,  f[1] = mode, f[2] = max (lambda = 4) */
};

/* A parameter (SPEC §2.1): a value (number or variable reference) when
 * dist == DCPROJ_DIST_NONE, else a distribution whose fields are numbers or
 * references to fixed variables.  Its deterministic value is its mean. */
struct dcproj_param {
    size_t slot;              /* 1 + its index in the scenario's `slots`; 0 = none */
    enum dcproj_dist dist;
    const char *path;         /* [v2] a distribution: the path where it is written
                                 (SPEC §5.2: "defaults.growth.rate", "events[3].add",
                                 "variables.X"), a string the scenario owns and shares
                                 between every param written there; else NULL */
    struct dcproj_value v;    /* when dist == DCPROJ_DIST_NONE */
    struct dcproj_value f[3]; /* distribution fields, order as above */
};

enum dcproj_model {
    DCPROJ_MODEL_COMPOUND = 0,
    DCPROJ_MODEL_LINEAR,
    DCPROJ_MODEL_LOGISTIC,
    DCPROJ_MODEL_POINTS,
    DCPROJ_MODEL_FIT        /* [v2] a curve fitted to the country's history */
};

/* The curve of a `fit` growth model; θ order (C0, r), (C0, a), (C0, K, k). */
enum dcproj_fit_curve { DCPROJ_FIT_COMPOUND = 0, DCPROJ_FIT_LINEAR, DCPROJ_FIT_LOGISTIC };

enum dcproj_interp {
    DCPROJ_INTERP_LINEAR = 0,
    DCPROJ_INTERP_CSPLINE, /* natural cubic spline */
    DCPROJ_INTERP_STEFFEN,
    DCPROJ_INTERP_AKIMA,
    DCPROJ_INTERP_STEP     /* latest point whose year <= B + t (not GSL) */
};

enum dcproj_extrapolate {
    DCPROJ_EXTRAP_ERROR = 0,
    DCPROJ_EXTRAP_FLAT,
    DCPROJ_EXTRAP_LINEAR
};

/* One segment of a piecewise compound rate: covers model years
 * (until_{k-1} - B, until_k - B].  `until` is 0 for an open last segment. */
struct dcproj_rate_segment {
    int until;
    struct dcproj_param rate;
};

/* A country's effective growth model (after the `defaults.growth` merge). */
struct dcproj_growth {
    enum dcproj_model model;
    /* compound: `rate` when n_segments == 0, else `segments` */
    struct dcproj_param rate;     /* compound rate r; logistic rate k */
    struct dcproj_rate_segment *segments;
    size_t n_segments;
    struct dcproj_param per_year; /* linear */
    struct dcproj_param cap;      /* logistic K */
    /* points: strictly increasing years, first <= B */
    int *point_years;
    double *point_values;
    size_t n_points;
    enum dcproj_interp interp;
    enum dcproj_extrapolate extrapolate;
    /* fit (SPEC §3 model 5): the history years from `fit_from` (0 = all)
       through B; relative errors divide by each value; anchor "last" sets
       C0 to the observed value of B; uncertain fits feed Monte Carlo */
    enum dcproj_fit_curve fit_curve;
    int fit_from;
    int fit_relative;
    int fit_anchor_last;
    int fit_uncertain;
};

/* `pue` or `utilization` (SPEC §3.7): a parameter, or a curve over
 * year-ends (linear in t between points, or `step`; flat outside). */
struct dcproj_power_input {
    int is_curve;
    struct dcproj_param param; /* when !is_curve */
    int *years;                /* curve: strictly increasing years, n_points >= 1 */
    double *values;
    size_t n_points;
    int step;                  /* curve: 1 = "step", 0 = "linear" */
};

struct dcproj_country {
    char code[DCPROJ_ID_LEN];
    char *name;               /* never NULL ("" by default) */
    int has_baseline;         /* 0 only for `points` without `baseline` */
    struct dcproj_param baseline; /* when has_baseline; for `points` a plain number that the
                                     model checks against curve(B) */
    size_t *groups;           /* indices into dcproj_scenario.groups */
    size_t n_groups;
    struct dcproj_growth growth;
    struct dcproj_power_input pue;         /* effective power settings: the country's own */
    struct dcproj_power_input utilization; /*  or the top level's (a copy); if has_power */
    char *source;             /* (first) source id or NULL; every input's sources:
                                 dcproj_provenance_build() */
    char *note;               /* or NULL */
    /* [v2] observed year-end values (SPEC §3.9), years strictly increasing,
       B - 100 <= year <= B; n_history == 0 when none */
    int *history_years;
    double *history_values;
    size_t n_history;
};

struct dcproj_event {
    char id[DCPROJ_ID_LEN];   /* the event id when `events` is an object keyed by id
                                 (SPEC §3.5), else "" (events by position) */
    size_t country;           /* index into countries */
    char date[16];            /* as written, e.g. "2026-07" */
    double start_months;      /* s of SPEC §1 for the date, before delay */
    struct dcproj_param add;
    struct dcproj_param probability; /* default 1 */
    struct dcproj_param delay_months;/* default 0 */
    double ramp_months;       /* default 0 */
    char *source;
    char *note;
};

struct dcproj_variable {
    char id[DCPROJ_ID_LEN];
    int fixed;                /* has `value` */
    double value;             /* when fixed (a shared uncertain variable: its mean) */
    double min, max, guess;   /* when not fixed; guess defaults to the midpoint.  A shared
                                 uncertain variable: [min, max] is the support of its
                                 bounded distribution, or [mean, mean] for a normal or
                                 lognormal one (whose referencing parameters are clamped) */
    struct dcproj_param dist; /* [v2] a shared uncertain variable (SPEC §5.2): `value` is a
                                 distribution (dist.dist != DCPROJ_DIST_NONE), drawn once
                                 per Monte Carlo draw; fixed is 1 */
};

/* [v2] One `uncertainty.correlation` entry (SPEC §5.3): every pair of distinct
 * draw sites written at one of `params` gets the correlation `rho` of their
 * normal scores. */
struct dcproj_correlation {
    char **params;            /* written paths, as given */
    size_t n_params;
    double rho;               /* in (-1, 1) */
};

/* What a target or a Monte Carlo statistic measures (SPEC §4 `metric`). */
enum dcproj_metric {
    DCPROJ_METRIC_CAPACITY = 0, /* year-end capacity */
    DCPROJ_METRIC_IT_LOAD,      /* year-end it_load_mw */
    DCPROJ_METRIC_FACILITY,     /* year-end facility_mw */
    DCPROJ_METRIC_ENERGY        /* energy_twh: a calendar year's (targets) or a period's */
};
#define DCPROJ_N_METRICS 4

enum dcproj_scope { DCPROJ_SCOPE_COUNTRY = 0, DCPROJ_SCOPE_GROUP, DCPROJ_SCOPE_TOTAL };

struct dcproj_target {
    char id[DCPROJ_ID_LEN];   /* default target1, target2, ... */
    enum dcproj_scope scope_kind;
    size_t scope_index;       /* country or group index; 0 for TOTAL */
    char scope[DCPROJ_ID_LEN];/* as written */
    int year;
    int is_ratio;
    double value;             /* value target: > 0 */
    double ratio;             /* ratio target: > 0 */
    int base_year;            /* ratio target */
    double weight;            /* default 1 */
    enum dcproj_metric metric;/* default capacity */
    char *source;
};

/* What a source is (SPEC §2 `sources[].kind`). */
enum dcproj_source_kind {
    DCPROJ_SOURCE_FACT = 0,   /* default: a published figure */
    DCPROJ_SOURCE_ESTIMATE,   /* someone's estimate */
    DCPROJ_SOURCE_ASSUMPTION  /* the scenario author's assumption */
};

struct dcproj_source {
    char id[DCPROJ_ID_LEN];
    char *title;
    char *url, *date, *note;  /* or NULL */
    enum dcproj_source_kind kind;
};

/*
 * One parameter of the scenario (SPEC §2.1) as the final document writes it,
 * and the field it was converted into: the slot registry.  A value a
 * country inherits from `defaults.growth` has one entry per country that
 * uses it, each with path `defaults.growth....`.  Draw sites (SPEC §5.2)
 * are the entries whose parameter is a distribution.  The valid range is
 * that of SPEC §2.1/§5.1 for the field ([min, max], ends open when flagged).
 */
struct dcproj_slot {
    const char *path;           /* "countries.IE.baseline", "defaults.growth.rate", "events[2].add"
                                   (interned in sc->site_paths) */
    long country;               /* the country it feeds (an event's country), or -1 */
    struct dcproj_param *param; /* points into the scenario that owns the registry */
    double min, max;
    int min_open, max_open;
};

struct dcproj_scenario {
    char *file;               /* display name: the path as given, or "<stdin>" */
    int version;              /* `dcproj`, 1 */
    char *name;
    char *title, *description;/* or NULL */
    char *unit;               /* default "MW" */
    int baseline_year;
    int horizon;              /* effective, after --horizon */
    enum dcproj_step step;    /* effective, after --step */

    struct dcproj_source *sources;
    size_t n_sources;
    char (*groups)[DCPROJ_ID_LEN]; /* group names in order of first appearance */
    size_t n_groups;
    struct dcproj_country *countries; /* in file order */
    size_t n_countries;
    struct dcproj_event *events;      /* in file order (object form: merged key order) */
    size_t n_events;
    int events_by_id;         /* `events` is an object keyed by event id */
    struct dcproj_variable *variables;/* in file order */
    size_t n_variables;
    struct dcproj_target *targets;
    size_t n_targets;

    int has_power;
    struct dcproj_power_input pue, utilization; /* top level */

    int has_uncertainty;      /* the object is present (or --draws/--seed made it) */
    long long draws;          /* 0 = deterministic */
    uint64_t seed;
    double *quantiles;
    size_t n_quantiles;
    enum dcproj_metric metrics[DCPROJ_N_METRICS]; /* uncertainty.metrics, distinct; */
    size_t n_metrics;                             /*  default {capacity} */
    struct dcproj_correlation *correlations; /* [v2] in file order; later ones override */
    size_t n_correlations;

    /* [v2] the distinct written paths of parameters (dcproj_param.path and
     * dcproj_slot.path point here) */
    char **site_paths;
    size_t n_site_paths;

    /* "calibration": "frozen" or --frozen: `parent` is the fully resolved
     * scenario to solve first; its solution fixes the variables of this one
     * (matched by id).  NULL otherwise. */
    int frozen;
    struct dcproj_scenario *parent;

    /* The final document (after extends, patches and overrides, without
     * `extends`), as compact JSON text, for provenance. */
    char *resolved_json;

    /* The files read for it (the file named, then each parent its `extends`
     * chain names; not standard input, not --patch files), so an output
     * path naming one of them is refused (SPEC §9). */
    struct dcproj_file_id *files;
    size_t n_files;

    /* Every parameter, in the order converted (countries in file order, then
     * events): the slot registry (struct dcproj_slot). */
    struct dcproj_slot *slots;
    size_t n_slots;

    /* Load-time warnings (SPEC §9 v2): a rate written as a percentage, a
     * pue above 3, a --set/--patch that creates a key ...  The caller
     * prints them (dcproj/warning.h). */
    struct dcproj_warnings warnings;
};

/* Kinds of command-line patch, applied in command-line order. */
enum dcproj_patch_kind { DCPROJ_PATCH_SET = 0, DCPROJ_PATCH_FILE };

struct dcproj_patch {
    enum dcproj_patch_kind kind;
    const char *text; /* SET: "PATH=VALUE"; FILE: a path to a JSON merge patch */
};

/*
 * The checks of a --set "PATH=VALUE" that need no document (SPEC §6: the
 * '=', UTF-8, PATH's keys and [i] steps, no "extends"), for a front end
 * that builds such patches from its own option: DCPROJ_OK, or the error
 * loading would give, its message starting with `option` (e.g. "--vary")
 * and `text` instead of "--set".  Whether the path exists in a document is
 * decided when the patch is applied.
 */
DCPROJ_API int dcproj_patch_check(const char *option, const char *text, struct dcproj_error *err);

/* Which of the override fields of struct dcproj_load_options are given. */
enum dcproj_load_set {
    DCPROJ_LOAD_SET_HORIZON = 1u << 0,
    DCPROJ_LOAD_SET_STEP = 1u << 1,
    DCPROJ_LOAD_SET_DRAWS = 1u << 2,
    DCPROJ_LOAD_SET_SEED = 1u << 3
};

/*
 * What the command line adds on top of the file.  A zero-initialised struct
 * (or NULL, or dcproj_load_options_init()) means "the scenario's own
 * settings": no patches, not frozen, and the scenario's horizon, step,
 * draws and seed.  An override counts only when its bit is in `set`
 * (`horizon` a year, `step` an enum dcproj_step, `draws` 0 to
 * DCPROJ_MAX_DRAWS, `seed` 0 to 2^53), so that every value, 0 included,
 * can be asked for.
 */
struct dcproj_load_options {
    const struct dcproj_patch *patches;
    size_t n_patches;
    int frozen;          /* --frozen: solve before applying the patches */
    unsigned set;        /* enum dcproj_load_set bits: the overrides given */
    int horizon;
    int step;
    long long draws;
    long long seed;
};

/* Initialise `opt` to "no overrides" (all zero). */
DCPROJ_API void dcproj_load_options_init(struct dcproj_load_options *opt);

/*
 * Load and validate the scenario at `path` ("-" reads standard input,
 * named "<stdin>" in messages, with `extends` resolved against the working
 * directory).  On success returns DCPROJ_OK and sets *out to a scenario the
 * caller frees with dcproj_scenario_free().  On failure returns the status
 * (DCPROJ_ERR_NOINPUT for unreadable files, DCPROJ_ERR_DATA for invalid
 * content, DCPROJ_ERR_NOMEM), fills `err` and leaves *out untouched.
 * `opt` may be NULL.  Validation here covers SPEC §1–§6 except what needs the
 * model to run (calibration solvability, non-finite results).
 */
DCPROJ_API int dcproj_scenario_load(const char *path, const struct dcproj_load_options *opt,
                         struct dcproj_scenario **out, struct dcproj_error *err);

/*
 * As dcproj_scenario_load(), from a buffer of `len` bytes.  `name` is the
 * display name for messages; `base_dir` is where a relative `extends`
 * resolves (NULL: the working directory).
 */
DCPROJ_API int dcproj_scenario_load_buffer(const char *name, const char *data, size_t len,
                                const char *base_dir,
                                const struct dcproj_load_options *opt,
                                struct dcproj_scenario **out,
                                struct dcproj_error *err);

/*
 * The time axis alone of the scenario dcproj_scenario_load_buffer() would
 * load with the same arguments: baseline_year, horizon and step of the final
 * document (after extends, patches and overrides), whatever else is wrong
 * with it — so that a caller can still lay out the periods of a scenario
 * that fails (sweep --keep-going, SPEC §7).  Returns DCPROJ_OK and fills the
 * three outputs, or a non-zero status (nothing reported) when the document
 * cannot be built or one of the three is invalid.  Thread-safe.
 */
DCPROJ_API int dcproj_scenario_time_buffer(const char *name, const char *data, size_t len,
                                const char *base_dir, const struct dcproj_load_options *opt,
                                int *baseline_year, int *horizon, enum dcproj_step *step);

/* Free a scenario and everything it owns (its parent included).  NULL is a
 * no-op. */
DCPROJ_API void dcproj_scenario_free(struct dcproj_scenario *sc);

/* Index of the country with code `code`, or -1. */
DCPROJ_API long dcproj_scenario_find_country(const struct dcproj_scenario *sc, const char *code);
/* Index of the group named `name`, or -1. */
DCPROJ_API long dcproj_scenario_find_group(const struct dcproj_scenario *sc, const char *name);
/* Index of the variable with id `id`, or -1. */
DCPROJ_API long dcproj_scenario_find_variable(const struct dcproj_scenario *sc, const char *id);

/* Index of the event with id `id` (object-form `events`, SPEC §3.5), or -1
 * (always -1 for events by position). */
DCPROJ_API long dcproj_scenario_find_event(const struct dcproj_scenario *sc, const char *id);

/*
 * The JSON path of event `i` as messages, draw sites and sensitivity
 * factors name it: "events.narvik" when `events` is keyed by id, else
 * "events[3]" (0-based); `field` (e.g. "date"; NULL or "" for none) is
 * appended after a dot.  Writes at most `size` bytes with a NUL (truncated
 * like snprintf) and returns `buf`.  Thread-safe; allocates nothing.
 */
DCPROJ_API char *dcproj_event_path(const struct dcproj_scenario *sc, size_t i, const char *field,
                        char *buf, size_t size);

/* Names of enum values as written in scenario files ("compound", "cspline",
 * "quarter", "normal", ...). */
DCPROJ_API const char *dcproj_step_name(enum dcproj_step step);
DCPROJ_API const char *dcproj_model_name(enum dcproj_model model);
DCPROJ_API const char *dcproj_interp_name(enum dcproj_interp interp);
DCPROJ_API const char *dcproj_dist_name(enum dcproj_dist dist);
/* "capacity", "it_load_mw", "facility_mw", "energy_twh" (the column names). */
DCPROJ_API const char *dcproj_metric_name(enum dcproj_metric metric);
DCPROJ_API const char *dcproj_source_kind_name(enum dcproj_source_kind kind); /* "fact", ... */

#ifdef __cplusplus
}
#endif
#endif
