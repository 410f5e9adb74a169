/*
 * mc_int.h — what the Monte Carlo draw (mc_draw.c) takes from the exact
 * order statistics (mc_quantile.c).  Internal to the library.
 */
#ifndef DCPROJ_MC_INT_H
#define DCPROJ_MC_INT_H

#include <stddef.h>

/* "none": no slot of the store, no position found. */
#define NO_SLOT ((size_t)-1)

/* Working space for order statistics: ranks, their values, and a buffer for
 * the sample and windows of filter_stats (grown on demand). */
struct qwork {
    size_t *ks;             /* 2 nq ranks */
    double *vals;           /* 2 nq values */
    double *buf;
    size_t cap;             /* doubles in buf */
};

size_t quantile_ranks(size_t n, const double *q, size_t nq, size_t *ks);

double quantile_between(double q, size_t n, double at_lhs, double at_next);

void order_stats(double *x, size_t n, const size_t *ks, size_t nk, double *v, struct qwork *qw);

double value_of_rank(const size_t *ks, const double *v, size_t nk, size_t r);

void exact_quantiles(double *x, size_t n, const double *q, size_t nq, struct qwork *qw,
                     double *out);

#endif /* DCPROJ_MC_INT_H */
