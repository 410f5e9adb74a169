/*
 * dcproj/prepared.h — [v2] a scenario prepared once and evaluated many
 * times with changed parameter values, without parsing or loading again
 * (issue 22: sweeps and sensitivity runs).
 *
 * A parameter is changed through the slot registry (struct dcproj_slot,
 * sc->slots): dcproj_prepared_find() gives the slots a `--set PATH=x` with a
 * number x would change — only when that change keeps the scenario's
 * structure, so that evaluating with x in those slots gives the very numbers
 * a full load of the scenario with `--set PATH=x` would give.  Anything else
 * (a path with no slot, a distribution or variable reference written there,
 * a `points` or `fit` country's growth, variables, targets) is not found and
 * the caller loads the scenario again.
 *
 * A prepared scenario is read-only after dcproj_prepared_new(); any number
 * of threads may each evaluate it through their own struct dcproj_evaluator.
 */
#ifndef DCPROJ_PREPARED_H
#define DCPROJ_PREPARED_H

#include "dcproj/api.h"

#include <stddef.h>

#include "dcproj/error.h"
#include "dcproj/model.h"
#include "dcproj/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dcproj_prepared;
struct dcproj_evaluator;

/*
 * Prepare `sc` (which must outlive the result): its model, its periods,
 * rows and columns, and — when it is frozen or has nothing to solve — its
 * variables, solved once.  The scenario is projected once as given; that
 * projection's error, if any, is returned (the caller then loads per
 * point).  A Monte Carlo scenario (draws > 0) is not prepared:
 * DCPROJ_ERR_USAGE.
 */
DCPROJ_API int dcproj_prepared_new(const struct dcproj_scenario *sc, struct dcproj_prepared **out,
                        struct dcproj_error *err);
DCPROJ_API void dcproj_prepared_free(struct dcproj_prepared *p);

/* The projection of the scenario as given: its periods, rows and columns
 * (and values) are those every evaluation fills. */
DCPROJ_API const struct dcproj_result *dcproj_prepared_base(const struct dcproj_prepared *p);

/* Whether the variables are solved again per evaluation (targets or
 * unknowns, not frozen). */
DCPROJ_API int dcproj_prepared_resolves(const struct dcproj_prepared *p);

/*
 * The slots (0-based indices into sc->slots) that `--set PATH=number` would
 * change, into slots[0..max); returns how many, or 0 when PATH cannot be
 * changed in place (see above), or when more than `max` match.
 */
DCPROJ_API size_t dcproj_prepared_find(const struct dcproj_prepared *p, const char *path, size_t *slots,
                            size_t max);

/* 1 if x lies in slot `slot`'s valid range (so the loader would take it). */
DCPROJ_API int dcproj_prepared_accepts(const struct dcproj_prepared *p, size_t slot, double x);

/* An evaluator: per-thread scratch and replacement values (none set). */
DCPROJ_API int dcproj_evaluator_new(const struct dcproj_prepared *p, struct dcproj_evaluator **out);
DCPROJ_API void dcproj_evaluator_free(struct dcproj_evaluator *e);
/* 1 if a full load with slot `slot` = x might give a load-time warning
 * (SPEC §9 v2 slips): a rate slot above 1, any per_year slot, a linear
 * country's baseline.  Such values must be loaded in full to warn. */
DCPROJ_API int dcproj_prepared_may_warn(const struct dcproj_prepared *p, size_t slot, double x);

/* Give slot `slot` the value x (NaN: the scenario's own value again). */
DCPROJ_API void dcproj_evaluator_set(struct dcproj_evaluator *e, size_t slot, double x);
/* Every slot back to the scenario's own value. */
DCPROJ_API void dcproj_evaluator_reset(struct dcproj_evaluator *e);

/*
 * Evaluate with the values set: solve the calibration again when
 * dcproj_prepared_resolves(), project deterministically, and copy the value
 * of row `row`, column `col` of the result (indices into the base result)
 * for every period into out[0 .. n_periods).  Errors are those the
 * projection gives (the caller may load the scenario again to report them
 * as a full load would).
 */
DCPROJ_API int dcproj_evaluator_run(struct dcproj_evaluator *e, size_t row, size_t col, double *out,
                         struct dcproj_error *err);
/* 1 if the last dcproj_evaluator_run() would have given a run-time warning
 * in dcproj_project(): a country floored at 0 (§3.6), or a re-solved
 * calibration with diagnostics.  The caller loads such a point in full. */
DCPROJ_API int dcproj_evaluator_warned(const struct dcproj_evaluator *e);

#ifdef __cplusplus
}
#endif
#endif
