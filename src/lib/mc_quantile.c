/*
 * mc_quantile.c — exact quantiles of Monte Carlo series (SPEC §5.2): the
 * ranks a quantile needs, order statistics selected in place (Floyd and
 * Rivest) or within bounds taken from a sample of a long series, and the
 * linear interpolation of gsl_stats_quantile_from_sorted_data between them.
 * Bit-for-bit what sorting the series and calling GSL gives.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "mc_int.h"
#include "alloc_int.h"
/* Put the k-th smallest of x[lo..hi) at x[k], smaller values before it and
 * larger after it: Floyd and Rivest's SELECT (CACM 18(3), 1975).  On a
 * range longer than 600 it first selects within a small sample around the
 * expected position, so the partition that follows touches about
 * n + min(k, n - k) elements instead of quickselect's ~3n. */
static void select_kth(double *x, size_t lo, size_t hi, size_t k)
{
    ptrdiff_t left = (ptrdiff_t)lo, right = (ptrdiff_t)hi - 1, kk = (ptrdiff_t)k;
    while (right > left) {
        if (right - left > 600) {
            double n = (double)(right - left + 1), i = (double)(kk - left + 1);
            double z = log(n), s = 0.5 * exp(2.0 * z / 3.0);
            double sd = 0.5 * sqrt(z * s * (n - s) / n) * (i - n / 2.0 < 0 ? -1.0 : 1.0);
            double nl = (double)kk - i * s / n + sd, nr = (double)kk + (n - i) * s / n + sd;
            ptrdiff_t l2 = nl > (double)left ? (ptrdiff_t)nl : left;
            ptrdiff_t r2 = nr < (double)right ? (ptrdiff_t)nr : right;
            select_kth(x, (size_t)l2, (size_t)r2 + 1, k);
        }
        double t = x[kk], tmp;
        ptrdiff_t i = left, j = right;
        tmp = x[left]; x[left] = x[kk]; x[kk] = tmp;
        if (x[right] > t) {
            tmp = x[right]; x[right] = x[left]; x[left] = tmp;
        }
        while (i < j) {
            tmp = x[i]; x[i] = x[j]; x[j] = tmp;
            i++;
            j--;
            while (x[i] < t)
                i++;
            while (x[j] > t)
                j--;
        }
        if (x[left] == t) {
            tmp = x[left]; x[left] = x[j]; x[j] = tmp;
        } else {
            j++;
            tmp = x[j]; x[j] = x[right]; x[right] = tmp;
        }
        if (j <= kk)
            left = j + 1;
        if (kk <= j)
            right = j - 1;
    }
}

/* Select the sorted ranks ks[0..nk) of x[lo..hi), middle rank first, so each
 * later selection works on the part between two ranks already in place. */
static void select_ranks(double *x, size_t lo, size_t hi, const size_t *ks, size_t nk)
{
    while (nk > 0 && hi - lo > 1) {
        size_t m = nk / 2;
        select_kth(x, lo, hi, ks[m]);
        select_ranks(x, lo, ks[m], ks, m);
        lo = ks[m] + 1;
        ks += m + 1;
        nk -= m + 1;
    }
}

/* The sorted, distinct ranks ks[0..) that quantiles q[0..nq) of n values
 * interpolate between (at most 2 nq); returns their number. */
size_t quantile_ranks(size_t n, const double *q, size_t nq, size_t *ks)
{
    size_t nk = 0;
    for (size_t k = 0; k < nq; k++) {
        size_t lhs = (size_t)(q[k] * (double)(n - 1));
        if (nk == 0 || ks[nk - 1] < lhs)
            ks[nk++] = lhs;
        if (lhs + 1 < n && ks[nk - 1] < lhs + 1)
            ks[nk++] = lhs + 1;
    }
    return nk;
}

/* Quantile q of n sorted values, given the order statistics at its ranks
 * lhs = floor(q (n - 1)) and lhs + 1, as gsl_stats_quantile_from_sorted_data
 * computes it. */
double quantile_between(double q, size_t n, double at_lhs, double at_next)
{
    double index = q * (double)(n - 1);
    size_t lhs = (size_t)index;
    double delta = index - (double)lhs;
    return lhs + 1 < n && delta != 0.0 ? (1.0 - delta) * at_lhs + delta * at_next : at_lhs;
}


#define MC_FILTER_MIN 16384    /* smaller series: select in place */
#define MC_FILTER_WINDOWS 8    /* at most this many runs of ranks */
#define MC_FILTER_RANKS 32     /* and this many ranks */
#define MC_FILTER_CHUNK 4096   /* values between two checks of the copy's room */
#define MC_FILTER_PIECES 64    /* contiguous pieces of the sample */

/* Sort a few sizes in place (insertion sort). */
static void sort_sizes(size_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && a[j - 1] > a[j]; j--) {
            size_t t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

/* One pass over x for filter_stats: below[u] and upto[u] count the values
 * < lo[u] and <= hi[u]; those inside any window [lo[u], hi[u]] are copied to
 * win, without branches on the data (each value is written at the end of
 * the copy, which grows when it belongs).  Returns the copy's length, or
 * NO_SLOT when it outgrows `room`. */
static inline __attribute__((always_inline)) size_t
filter_pass(const double *x, size_t n, const double *lo, const double *hi, size_t nu, size_t room,
            size_t *below, size_t *upto, double *win)
{
    size_t b[MC_FILTER_WINDOWS] = {0}, t[MC_FILTER_WINDOWS] = {0}, nc = 0;
    for (size_t i0 = 0; i0 < n; i0 += MC_FILTER_CHUNK) {
        size_t i1 = n - i0 < MC_FILTER_CHUNK ? n : i0 + MC_FILTER_CHUNK;
        for (size_t i = i0; i < i1; i++) {
            double y = x[i];
            size_t in = 0;
            for (size_t u = 0; u < nu; u++) {
                size_t l = y < lo[u], h = y <= hi[u];
                b[u] += l;
                t[u] += h;
                in |= h & !l;
            }
            win[nc] = y;
            nc += in;
        }
        if (nc > room)
            return NO_SLOT;
    }
    for (size_t u = 0; u < nu; u++) {
        below[u] = b[u];
        upto[u] = t[u];
    }
    return nc;
}

/* v[i] = the ks[i]-th smallest of x[0..n) (ks sorted and distinct), without
 * touching x.  Bounds around each run of consecutive ranks come from a
 * sample of x (runs whose bounds overlap are merged into one window); one
 * pass counts the values below and up to each window's bounds and copies
 * the values inside the windows, and the ranks, shifted to that copy, are
 * selected in it (about 15 % of x for quantiles 0.05, 0.5 and 0.95 of
 * 200,000 values).  Returns -1 when the windows would hold half of x (ties,
 * as in a period where every draw is equal), outgrow their room, or miss
 * their ranks (a sample that misrepresents x: bounds >= 4 standard
 * deviations of a sample rank away make that rare for values in random
 * order), or memory is short; the caller then selects in place.  The values
 * are the same either way. */
static int filter_stats(const double *x, size_t n, const size_t *ks, size_t nk, double *v,
                        struct qwork *qw)
{
    /* runs of consecutive ranks: ks[k0[w] .. k0[w + 1]) */
    size_t k0[MC_FILTER_WINDOWS + 1], nw = 0;
    if (nk == 0 || nk > MC_FILTER_RANKS)
        return -1;
    for (size_t i = 0; i < nk; i++) {
        if (i > 0 && ks[i] == ks[i - 1] + 1)
            continue;
        if (nw == MC_FILTER_WINDOWS)
            return -1;
        k0[nw++] = i;
    }
    k0[nw] = nk;
    /* a sample of m values; a run's bounds are the sample
       values 2 sqrt(m) + 2 sample ranks (>= 4 standard deviations of a
       sample rank) either side of its expected position */
    double c = cbrt((double)n);
    size_t m = (size_t)(2.0 * c * c);
    if (m > n / 4)
        m = n / 4;
    m -= m % MC_FILTER_PIECES;
    size_t delta = (size_t)(2.0 * sqrt((double)m)) + 2;
    size_t lo_pos[MC_FILTER_WINDOWS], hi_pos[MC_FILTER_WINDOWS];
    size_t pos[2 * MC_FILTER_WINDOWS], npos = 0;
    for (size_t w = 0; w < nw; w++) {
        size_t pa = (size_t)((double)ks[k0[w]] * (double)m / (double)n);
        size_t pb = (size_t)((double)ks[k0[w + 1] - 1] * (double)m / (double)n) + 1;
        lo_pos[w] = pa >= delta ? pa - delta : NO_SLOT;
        hi_pos[w] = pb + delta < m ? pb + delta : NO_SLOT;
        if (lo_pos[w] != NO_SLOT)
            pos[npos++] = lo_pos[w];
        if (hi_pos[w] != NO_SLOT)
            pos[npos++] = hi_pos[w];
    }
    if (m > qw->cap) {
        double *b = dcproj_realloc(qw->buf, m * sizeof *b);
        if (b == NULL)
            return -1;
        qw->buf = b;
        qw->cap = m;
    }
    /* the sample: MC_FILTER_PIECES contiguous pieces spread evenly over x
       (one value per cache line at a stride would be a cache miss each) */
    double *sample = qw->buf;
    size_t piece = m / MC_FILTER_PIECES, gap = n / MC_FILTER_PIECES;
    for (size_t j = 0; j < MC_FILTER_PIECES; j++)
        memcpy(sample + j * piece, x + j * gap, piece * sizeof *sample);
    /* a constant series (a period every draw agrees on: the base year) */
    int same = 1;
    for (size_t j = 1; j < m && same; j++)
        same = sample[j] == sample[0];
    if (same) {
        for (size_t i = 0; i < n && same; i++)
            same = x[i] == sample[0];
        if (same) {
            for (size_t i = 0; i < nk; i++)
                v[i] = x[ks[i]];
            return 0;
        }
    }
    sort_sizes(pos, npos);
    size_t nd = 0;      /* distinct positions */
    for (size_t i = 0; i < npos; i++)
        if (nd == 0 || pos[nd - 1] != pos[i])
            pos[nd++] = pos[i];
    select_ranks(sample, 0, m, pos, nd);
    /* bounds, merged where they overlap: window u holds runs [r0[u], r0[u + 1]) */
    double lo[MC_FILTER_WINDOWS], hi[MC_FILTER_WINDOWS];
    size_t r0[MC_FILTER_WINDOWS + 1], nu = 0;
    for (size_t w = 0; w < nw; w++) {
        double l = lo_pos[w] == NO_SLOT ? -INFINITY : sample[lo_pos[w]];
        double h = hi_pos[w] == NO_SLOT ? INFINITY : sample[hi_pos[w]];
        if (nu > 0 && l <= hi[nu - 1]) {
            if (h > hi[nu - 1])
                hi[nu - 1] = h;
            continue;
        }
        lo[nu] = l;
        hi[nu] = h;
        r0[nu++] = w;
    }
    r0[nu] = nw;
    /* room for the copy: twice the expected size, then a pass that counts
       the values below and up to each window's bounds and copies those
       inside one */
    double expect = 0;
    for (size_t u = 0; u < nu; u++) {
        size_t from = lo[u] == -INFINITY ? 0 : lo_pos[r0[u]];
        size_t to = hi[u] == INFINITY ? m : hi_pos[r0[u + 1] - 1] + 1;
        expect += (double)(to - from) / (double)m * (double)n;
    }
    if (expect > (double)n / 2)
        return -1;      /* not worth it */
    size_t room = (size_t)(2.0 * expect) + 1024;
    if (m + room + MC_FILTER_CHUNK > qw->cap) {
        double *b = dcproj_realloc(qw->buf, (m + room + MC_FILTER_CHUNK) * sizeof *b);
        if (b == NULL)
            return -1;
        qw->buf = b;
        qw->cap = m + room + MC_FILTER_CHUNK;
    }
    double *win = qw->buf + m;
    size_t below[MC_FILTER_WINDOWS], upto[MC_FILTER_WINDOWS], nc;
    switch (nu) {   /* a constant number of windows keeps the counts in registers */
    case 1: nc = filter_pass(x, n, lo, hi, 1, room, below, upto, win); break;
    case 2: nc = filter_pass(x, n, lo, hi, 2, room, below, upto, win); break;
    case 3: nc = filter_pass(x, n, lo, hi, 3, room, below, upto, win); break;
    case 4: nc = filter_pass(x, n, lo, hi, 4, room, below, upto, win); break;
    default: nc = filter_pass(x, n, lo, hi, nu, room, below, upto, win); break;
    }
    if (nc == NO_SLOT)
        return -1;      /* more values than room */
    size_t inside[MC_FILTER_WINDOWS];
    for (size_t u = 0; u < nu; u++) {
        inside[u] = upto[u] - below[u];
        size_t first = ks[k0[r0[u]]], last = ks[k0[r0[u + 1]] - 1];
        if (below[u] > first || upto[u] <= last)
            return -1;  /* the ranks are not between the bounds */
    }
    /* the windows are disjoint and increasing, so rank r of window u is
       rank r - below[u] + (values in the windows before u) of the copy */
    size_t local[MC_FILTER_RANKS], before = 0;
    for (size_t u = 0; u < nu; u++) {
        for (size_t i = k0[r0[u]]; i < k0[r0[u + 1]]; i++)
            local[i] = ks[i] - below[u] + before;
        before += inside[u];
    }
    select_ranks(win, 0, nc, local, nk);
    for (size_t i = 0; i < nk; i++)
        v[i] = win[local[i]];
    return 0;
}

/* v[i] = the ks[i]-th smallest of x[0..n) (ks sorted and distinct); x may be
 * reordered. */
void order_stats(double *x, size_t n, const size_t *ks, size_t nk, double *v, struct qwork *qw)
{
    if (n >= MC_FILTER_MIN && filter_stats(x, n, ks, nk, v, qw) == 0)
        return;
    select_ranks(x, 0, n, ks, nk);
    for (size_t i = 0; i < nk; i++)
        v[i] = x[ks[i]];
}

/* The value at rank r among the ranks ks[0..nk) and their values v. */
double value_of_rank(const size_t *ks, const double *v, size_t nk, size_t r)
{
    size_t lo = 0, hi = nk;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ks[mid] <= r)
            lo = mid;
        else
            hi = mid;
    }
    return v[lo];
}

/* Quantiles q[0..nq) of the n values in x (possibly reordered) into out. */
void exact_quantiles(double *x, size_t n, const double *q, size_t nq, struct qwork *qw,
                     double *out)
{
    size_t nk = quantile_ranks(n, q, nq, qw->ks);
    order_stats(x, n, qw->ks, nk, qw->vals, qw);
    for (size_t k = 0; k < nq; k++) {
        size_t lhs = (size_t)(q[k] * (double)(n - 1));
        double at = value_of_rank(qw->ks, qw->vals, nk, lhs);
        out[k] = quantile_between(q[k], n, at, lhs + 1 < n ? value_of_rank(qw->ks, qw->vals, nk, lhs + 1) : at);
    }
}

void montecarlo_exact_quantiles(double *x, size_t n, const double *q, size_t nq, size_t *ks,
                                double *out)
{
    double *vals = dcproj_malloc(2 * (nq ? nq : 1) * sizeof *vals);
    if (vals == NULL) {     /* select in place, the values read from x */
        select_ranks(x, 0, n, ks, quantile_ranks(n, q, nq, ks));
        for (size_t k = 0; k < nq; k++) {
            size_t lhs = (size_t)(q[k] * (double)(n - 1));
            out[k] = quantile_between(q[k], n, x[lhs], lhs + 1 < n ? x[lhs + 1] : x[lhs]);
        }
        return;
    }
    struct qwork qw = {ks, vals, NULL, 0};
    exact_quantiles(x, n, q, nq, &qw, out);
    dcproj_free(qw.buf);
    dcproj_free(vals);
}

/* Country i's series (all periods) with its random input, if any, set to
 * `key`: the same evaluation as a draw whose parameter came out as `key`. */
