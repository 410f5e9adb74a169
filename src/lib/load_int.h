/*
 * load_int.h — what the converter's files (load_ctx.c, load_param.c,
 * load_growth.c, load_convert.c, load_scenario.c) share: the walk's frames,
 * the conversion context, parameter ranges and the helpers each file
 * provides to the others.  Internal to the library; never installed.
 */
#ifndef DCPROJ_LOAD_INT_H
#define DCPROJ_LOAD_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "dcproj/scenario.h"
#include "doc_int.h"
#include "json_int.h"
#include "idmap_int.h"
#include "alloc_int.h"
#include "nearest_int.h"

/* One step of the walk from the root to the node being converted. */
struct frame {
    const struct frame *up; /* the parent; NULL at the root */
    const cJSON *node;      /* the value; NULL for a key that is absent */
    const char *key;        /* key in the parent object, or NULL */
    long index;             /* index in the parent array, or -1 */
    int from_defaults;      /* `defaults.growth` seen through a country (no own growth) */
};

/* Where one node of a merged growth tree came from. */
struct merge_entry {
    const cJSON *merged;
    const cJSON *src;
    const struct doc_origin *org;
    int from_defaults;
};

struct merge_map {
    struct merge_entry *e;
    size_t n, cap;
};

/* load_growth.c: the entry of merged node `node` in `m` (may be NULL), or NULL. */
struct merge_entry *merge_map_find(const struct merge_map *m, const cJSON *node);



/* A rendering buffer that lives for one message. */
struct rbuf {
    char s[64];
};

struct ctx {
    const struct doc *d;
    const char *file;
    struct dcproj_error *err;
    int nerr;  /* problems reported by this conversion */
    int nomem;
    struct dcproj_scenario *sc;
    int B, H;
    int last_year; /* the last year ever evaluated: horizon and target years */
    const cJSON *dgrowth;              /* defaults.growth when it is an object */
    int dgrowth_bad;                   /* defaults.growth is present but invalid */
    const struct frame *dgrowth_frame; /* its frame (root -> defaults -> growth) */
    const struct merge_map *map;       /* the current country's merged growth */
    const char *country;               /* the country being converted */
    struct idmap countries, groups, vars, sources;
    unsigned char *var_ok;   /* variable i is valid */
    unsigned char *var_used; /* variable i is referenced by an effective parameter */
    int groups_incomplete;   /* some `groups` array could not be read */
    int frozen;              /* frozen calibration: every variable will be fixed at the
                                parent's solution before the model runs */
    struct idmap paths;      /* site_paths of the scenario, by text */
    size_t cap_paths;
    uint64_t *seen;          /* hashes of problems already reported via defaults */
    size_t n_seen, cap_seen;
    long slot_country;       /* the country a parameter parsed now feeds, or -1 */
    struct dcproj_slot *slots;   /* the slot registry being built (moved into sc) */
    size_t n_slots, cap_slots;
};

/* The valid range of a parameter or plain number, for checks and messages. */
struct range {
    const char *text; /* "a number >= 0" */
    double lo, hi;
    int lo_open, hi_open;
};

/* What is known at load time about the values a parameter can take:
 * [lo, hi] when `known` (its value, or a bounded distribution's support, or
 * a normal/lognormal mean, whose draws are clamped). */
struct pinfo {
    int known;
    double lo, hi;
};


/* load_param.c */
extern const struct range R_ANY;
extern const struct range R_NONNEG;
extern const struct range R_POS;
extern const struct range R_RATE;
extern const struct range R_PROB;
extern const struct range R_PUE;
extern const struct range R_UTIL;

/* load_growth.c */
extern const char *const MODEL_NAMES[];
extern const char *const INTERP_NAMES[];

/* load_convert.c */
extern const char *const STEP_NAMES[];

/* load_ctx.c */
struct frame fkey(const struct frame *up, const char *key);
struct frame fchild(const struct frame *up, const cJSON *ch, long index);
int ignored_key(const char *key);
/* A JSON value as a message shows it: compact, cut to about 40 characters
 * with "..." ("nothing" for NULL).  Returned by value so that several can
 * stand in one report() call: report(c, f, "got %s", shown_json(v).s). */
struct rbuf shown_json(const cJSON *node);
/* A number as a message shows it: %.15g with '.' in any locale. */
struct rbuf shown_number(double x);
int is_identifier(const char *s);
int is_scenario_name(const char *s);
const struct doc_origin *frame_origin(const struct ctx *c, const struct frame *f);
int want_detail(const struct ctx *c);
void report(struct ctx *c, const struct frame *f, const char *fmt, ...);
void warn(struct ctx *c, const struct frame *f, const char *fmt, ...);
void *oom(struct ctx *c);
char *xstrdup(struct ctx *c, const char *s);
int check_keys(struct ctx *c, const struct frame *f, const char *const *allowed,
               const char *what);
int want_object(struct ctx *c, const struct frame *f, const char *what);
int opt_string(struct ctx *c, const struct frame *up, const char *key, char **out);
int get_int(struct ctx *c, const struct frame *f, double lo, double hi, const char *what,
            long long *out);
/* `source` of the object `up`: an id or a non-empty array of distinct ids;
 * *out (may be NULL) gets a copy of the first id, NULL without one. */
int source_ref(struct ctx *c, const struct frame *up, char **out);
const char *written_path(struct ctx *c, const struct frame *f);

/* load_param.c */
int digits(const char *s, int n, int *out);
int parse_date(const char *s, int B, int *year, double *start_months);
void date_hint(const cJSON *node, char *buf, size_t size);
int in_range(const struct range *r, double x);
int plain_number(struct ctx *c, const struct frame *f, const struct range *r, double *out);
void param_number(struct dcproj_param *p, double x);
int parse_param(struct ctx *c, const struct frame *f, const struct range *r,
                struct dcproj_param *p, struct pinfo *pi);

/* load_power.c */
int parse_metric(struct ctx *c, const struct frame *f, enum dcproj_metric *out);
/* A target's `metric` at `f` (absent: capacity); call after year and base_year. */
int target_metric(struct ctx *c, const struct frame *f, struct dcproj_target *t);
/* `uncertainty.metrics` at `f` into sc->metrics (absent: {capacity}). */
int parse_metrics(struct ctx *c, const struct frame *f);
/* A `pue`/`utilization` at `f` (SPEC §3.7): parameter or curve; values in `r`. */
int parse_power_input(struct ctx *c, const struct frame *f, const struct range *r,
                      struct dcproj_power_input *out);
/* Deep copy (a country's inherited top-level setting owns its own arrays). */
int power_input_copy(struct ctx *c, const struct dcproj_power_input *from,
                     struct dcproj_power_input *to);
void power_input_free(struct dcproj_power_input *p);
/* SPEC §9: the "pue above 3" warning for a written pue, a distribution's
 * mean or every point of a pue curve. */
void warn_pue_input(struct ctx *c, const struct frame *f, const struct dcproj_power_input *in);

/* An object of year-end values {"2019": v, ...} at frame `f` (points
 * curves, history): keys "YYYY" (`$`/`_` keys and the key `skip`, if not
 * NULL, left out) with number values, sorted by year into a dcproj_malloc'ed
 * array (*n_out entries; `node` is the value, for messages).  Reports every
 * bad key and value and returns -1 then.  Implemented in load_param.c. */
struct year_value {
    int year;
    double value;
    const cJSON *node;
};
int year_values(struct ctx *c, const struct frame *f, const char *skip, struct year_value **out,
                size_t *n_out);
int written_mean(const struct dcproj_param *p, double *out);
void warn_rate_percent(struct ctx *c, const struct frame *f, const struct dcproj_param *p);
void warn_pue(struct ctx *c, const struct frame *f, double pue);
void warn_per_year(struct ctx *c, const struct frame *f, const struct dcproj_param *per_year,
                   const struct dcproj_param *baseline);

/* load_growth.c */
int enum_value(struct ctx *c, const struct frame *f, const char *const *names,
               const char *what);
int convert_countries(struct ctx *c, const struct frame *top, int top_power_present);

/* load_history.c: a country's `history` (SPEC §3.9) into co->history_*;
 * the keys of a `fit` growth (SPEC §3 model 5) at frame `gf`. */
int parse_history(struct ctx *c, const struct frame *cf, struct dcproj_country *co);
int parse_fit(struct ctx *c, const struct frame *gf, struct dcproj_growth *g);

/* load_convert.c */
int convert_doc(const struct doc *d, struct dcproj_error *err,
                struct dcproj_scenario **out);
/* The time axis of `d` alone (SPEC §1: baseline_year, horizon, step), with
 * the converter's own rules; DCPROJ_ERR_DATA (nothing reported) when one of
 * them is invalid. */
int convert_time_axis(const struct doc *d, int *baseline_year, int *horizon,
                      enum dcproj_step *step);

#endif /* DCPROJ_LOAD_INT_H */
