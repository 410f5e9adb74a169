/*
 * dcproj/dcproj.h — umbrella header of the dcproj library, and the
 * contracts every call shares.
 *
 * Exported: exactly the functions declared with DCPROJ_API in
 * include/dcproj/ (the library is built with hidden visibility; a test
 * compares `nm -D` with these headers).
 *
 * Errors: a fallible call returns a status (enum dcproj_status, the exit
 * codes of SPEC §9) and fills a caller-owned struct dcproj_error.  The
 * library never prints, exits or aborts.
 *
 * Ownership: what a call returns through an out pointer belongs to the
 * caller and has its own free function (dcproj_scenario_free(),
 * dcproj_result_free(), dcproj_buffer_free(), ...).  A result borrows row
 * codes and names from its scenario: free the result first.
 *
 * Thread safety: the library has no mutable global state.  Every call is
 * thread-safe on distinct objects, and any number of threads may read the
 * same scenario or result (dcproj_project() on one scenario from several
 * threads is fine); an object must not be freed while another thread uses
 * it.  Exceptions are stated at the call (a progress callback runs on the
 * calling thread; standard input is one stream).
 *
 * Process-wide settings the library relies on and never changes itself
 * (changing them would be global state):
 *   - GSL: call gsl_set_error_handler_off() once before the first dcproj
 *     call.  GSL's default handler aborts the process; the library checks
 *     every GSL return code instead.  (The dcproj program does this first
 *     thing in main().)
 *   - cJSON: the library never calls cJSON_InitHooks().  A host that
 *     installs hooks must do so before the first dcproj call and never
 *     change them while a dcproj call runs in any thread (cJSON's hooks are
 *     process-global); trees are created and freed inside single calls.
 *   - Locale: none.  Numbers, names and messages are the same bytes in
 *     every locale (the host may call setlocale(); a test does).  Messages
 *     are formatted with the "C" locale set for the calling thread during
 *     the call (uselocale()), then the thread's own locale is restored.
 *
 * Structs: scenario, result and the report structs are plain values whose
 * layout is part of this major version's ABI (soname libdcproj.so.0);
 * option structs are filled by their *_init() function, and for
 * dcproj_load_options zero-initialised means the same as init: "the
 * scenario's own settings".  struct dcproj_output is opaque.
 */
#ifndef DCPROJ_DCPROJ_H
#define DCPROJ_DCPROJ_H

#include "dcproj/api.h"

#include "dcproj/error.h"
#include "dcproj/warning.h"
#include "dcproj/scenario.h"
#include "dcproj/model.h"
#include "dcproj/sites.h"
#include "dcproj/report.h"
#include "dcproj/output.h"
#include "dcproj/check.h"
#include "dcproj/chart.h"
#include "dcproj/provenance.h"
#include "dcproj/html.h"
#include "dcproj/backtest.h"
#include "dcproj/sensitivity.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library version, e.g. "0.1.0". */
DCPROJ_API const char *dcproj_version(void);

#ifdef __cplusplus
}
#endif
#endif
