/*
 * dcproj/sensitivity.h — [v2] which uncertain input moves the output most
 * (SPEC §7 `sensitivity`): one-at-a-time swings (LBNL-style tornado, with
 * the `ALL` envelope) or Sobol first-order and total indices with bootstrap
 * intervals, over the draw sites (SPEC §5.2) and the events with probability
 * below 1, grouped into factors by path, by site or by country.
 *
 * The work is split in three so it can be spread over processes or
 * machines (`--shard K/N`, `--merge`): dcproj_sens_plan() fixes the factors,
 * the runs and their inputs; dcproj_sens_eval() evaluates any contiguous
 * block of runs (each run is one deterministic projection of the prepared
 * model with some inputs replaced, never a new load); dcproj_sens_finish()
 * turns the values of every run into the table.  The values of a run do not
 * depend on the block or the number of threads that computed it, so a
 * merged set of shards gives the bytes of one unsharded run.
 *
 * Thread safety: distinct plans share nothing; one plan may be evaluated by
 * several threads at once on disjoint blocks (dcproj_sens_eval itself starts
 * `threads` threads).  GSL's error handler must be off
 * (gsl_set_error_handler_off()) as for every call of this library.
 */
#ifndef DCPROJ_SENSITIVITY_H
#define DCPROJ_SENSITIVITY_H

#include "dcproj/api.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dcproj/error.h"
#include "dcproj/report.h"
#include "dcproj/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dcproj_sens_method { DCPROJ_SENS_OAT = 0, DCPROJ_SENS_SOBOL };
enum dcproj_sens_by { DCPROJ_SENS_BY_PATH = 0, DCPROJ_SENS_BY_SITE, DCPROJ_SENS_BY_COUNTRY };

/* Options.  A zero-initialised struct means the SPEC's defaults: OAT by
 * path, range 0.1:0.9, 4096 samples, 200 bootstrap replicates, TOTAL at the
 * horizon, capacity, all cores, no shard, the scenario's own seed. */
struct dcproj_sens_options {
    enum dcproj_sens_method method;
    enum dcproj_sens_by by;
    double range_lo, range_hi;  /* OAT quantiles; both 0 = 0.1 and 0.9 */
    long samples;               /* Sobol base samples N; 0 = 4096 */
    long bootstrap;             /* replicates; 0 = 200, negative = none */
    const char *scope;          /* a country, group or "TOTAL"; NULL = "TOTAL" */
    int at_year;                /* 0 = the horizon */
    const char *metric;         /* capacity, it_load_mw, facility_mw, energy_twh; NULL = capacity */
    int threads;                /* 0 = all cores */
};

#define DCPROJ_SENS_NAME_LEN 160

/* One row of the table. */
struct dcproj_sens_row {
    char name[DCPROJ_SENS_NAME_LEN];  /* the factor, or "ALL" */
    /* OAT */
    int has_inputs;             /* low/high printed (the sites' values are bitwise equal) */
    double low, high;           /* the inputs' LO and HI quantile values (0 and 1: occurrence) */
    double out_low, out_base, out_high, swing;
    /* Sobol */
    int has_indices;            /* 0 when the variance of the output is 0 */
    int has_interval;           /* bootstrap intervals present */
    double s1, s1_lo, s1_hi, st, st_lo, st_hi;
};

struct dcproj_sens_result {
    enum dcproj_sens_method method;
    size_t n_rows;              /* factors sorted as SPEC §7 says, then `ALL` for OAT */
    struct dcproj_sens_row *rows;
    int zero_variance;          /* Sobol: V = 0 (a warning; index cells empty) */
};

struct dcproj_sens_plan;

/*
 * Plan a sensitivity analysis of `sc` (which must outlive the plan): solve
 * unknown variables once on the deterministic scenario, list the factors,
 * and fix every run's inputs (Sobol: the matrices A and B from the
 * block-seeded generator of SPEC §5.2).  Data errors (65): no factor, an
 * unknown scope, `at` outside B..horizon (B for energy), a metric that needs
 * `power` without it, Sobol with `correlation`, an unsolvable calibration.
 * DCPROJ_ERR_USAGE for an option out of range (range, samples).
 */
DCPROJ_API int dcproj_sens_plan(const struct dcproj_scenario *sc, const struct dcproj_sens_options *opt,
                     struct dcproj_sens_plan **out, struct dcproj_error *err);
DCPROJ_API void dcproj_sens_plan_free(struct dcproj_sens_plan *p);

/* The number of runs: OAT 2k + 3 (base, low and high per factor, all low,
 * all high); Sobol N·(k + 2). */
DCPROJ_API size_t dcproj_sens_runs(const struct dcproj_sens_plan *p);

/* Evaluate runs [from, to) into values[from .. to).  A run that fails is a
 * data error naming the factor and the run. */
DCPROJ_API int dcproj_sens_eval(const struct dcproj_sens_plan *p, size_t from, size_t to, double *values,
                     struct dcproj_error *err);

/* The table from the values of every run.  Free with dcproj_sens_result_free(). */
DCPROJ_API int dcproj_sens_finish(const struct dcproj_sens_plan *p, const double *values,
                       struct dcproj_sens_result **out, struct dcproj_error *err);
DCPROJ_API void dcproj_sens_result_free(struct dcproj_sens_result *r);

/* Write the table as CSV/TSV (`fmt`): OAT `factor,low,high,output_low,
 * output_base,output_high,swing`; Sobol `factor,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi`. */
DCPROJ_API int dcproj_sens_write(const struct dcproj_sens_result *r, const struct dcproj_format *fmt,
                      FILE *out, struct dcproj_error *err);

/*
 * Shards (SPEC §7): the K-th of N contiguous blocks of ceil(runs/N) runs is
 * [*from, *to).  A shard file is CSV `matrix,row,factor,value` opening with
 * `meta,,shard,K/N` and `meta,,key,KEY`, values by the round-trip rule
 * with '.' and ','.  The key is the SHA-256 of the scenario hash and every
 * option that changes a value.
 */
DCPROJ_API void dcproj_sens_shard_range(const struct dcproj_sens_plan *p, long k, long n, size_t *from,
                             size_t *to);
DCPROJ_API const char *dcproj_sens_key(const struct dcproj_sens_plan *p);
DCPROJ_API int dcproj_sens_shard_write(const struct dcproj_sens_plan *p, long k, long n,
                            const double *values, FILE *out, struct dcproj_error *err);
/*
 * Read one shard file (`name` for messages, its text in data/len) into
 * values[], marking filled[r] = 1 for each run it holds.  Data errors: a
 * malformed line, another key, a run outside the plan or given twice.
 * *k and *n receive the file's K/N.
 */
DCPROJ_API int dcproj_sens_shard_read(const struct dcproj_sens_plan *p, const char *name, const char *data,
                           size_t len, double *values, unsigned char *filled, long *k, long *n,
                           struct dcproj_error *err);

/* Draw a tornado (OAT) or S1/ST bars (Sobol) as a standalone SVG. */
DCPROJ_API int dcproj_sens_chart(const struct dcproj_sens_result *r, const struct dcproj_scenario *sc,
                      const struct dcproj_sens_options *opt, FILE *out,
                      struct dcproj_error *err);

#ifdef __cplusplus
}
#endif
#endif
