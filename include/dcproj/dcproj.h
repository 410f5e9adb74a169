/* dcproj/dcproj.h — umbrella header of the dcproj library. */
#ifndef DCPROJ_DCPROJ_H
#define DCPROJ_DCPROJ_H

#include "dcproj/error.h"
#include "dcproj/scenario.h"
#include "dcproj/model.h"
#include "dcproj/sites.h"
#include "dcproj/report.h"
#include "dcproj/output.h"
#include "dcproj/check.h"
#include "dcproj/chart.h"
#include "dcproj/provenance.h"
#include "dcproj/backtest.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library version, e.g. "0.1.0". */
const char *dcproj_version(void);

#ifdef __cplusplus
}
#endif
#endif
