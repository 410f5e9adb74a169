/*
 * numfmt_int.h — locale-independent number text for names and messages
 * (numfmt.c), for the loader and the model, which must not include the
 * reporters' header.  Table cells go through dcproj_numfmt_format()
 * (report_int.h) instead.
 */
#ifndef DCPROJ_NUMFMT_INT_H
#define DCPROJ_NUMFMT_INT_H

#include <stddef.h>

/* `v` as snprintf's "%.<digits>g" with '.' for the decimal point whatever
 * the locale; the length, or -1 if it does not fit in `size`. */
int numfmt_g(double v, int digits, char *buf, size_t size);

/* The output column of quantile q (SPEC §5): "p" + q·100 printed with
 * %.10g, e.g. "p2.5" for 0.025, in any locale.  `size` >= 2. */
void quantile_column_name(double q, char *buf, size_t size);

#endif
