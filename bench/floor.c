/*
 * floor.c — the least C work benchmark job (b) needs, on one thread: the
 * "floor" that dcproj's Monte Carlo is measured against (bench/run).
 *
 * It reads the parameter file `gen.py b D --params` writes:
 *   draws D / seed S / years B H / quantiles K q1..qK / groups G name1..nameG /
 *   country CODE C0 MEAN SD NG g1..gNG   (one line per country, file order)
 * and writes dcproj's long CSV (SPEC §8) to OUT (standard output if absent):
 *   kind,code,name,period,capacity,mean,pX...
 *
 * The work is what SPEC §5 asks for and nothing more: per draw, one normal
 * rate per country (gsl_ran_gaussian_ziggurat on gsl_rng_mt19937, clamped at
 * -0.999999), C0·(1+r)^t for each year, group and TOTAL sums per draw, the
 * sums for the means; then the quantiles by selection (nth_element style),
 * interpolated as gsl_stats_quantile_from_sorted_data does.  A country's
 * value is increasing in its rate, so its quantiles are C0·(1+r)^t at the
 * rate's order statistics: the floor keeps one rate per country and draw
 * (and every group and TOTAL cell), not every country cell.  The generator
 * follows SPEC §5.2 the way dcproj does it (blocks of 256 draws, each seeded
 * by SplitMix64 of (seed, block)), and draws are taken in the same order, so
 * the output should equal `dcproj run --threads 1` byte for byte; bench/run
 * checks that.
 *
 * `--mulchain` compounds by repeated multiplication instead of exp(): the
 * numbers then differ in the last bits, but it shows what exp() costs.
 * `--all-cells` keeps every country cell per draw and selects in each (the
 * straightforward way, and the floor of dcproj before it kept rates).
 *
 * Usage: floor [--mulchain] [--all-cells] PARAMS [OUT]
 * Build: cc -O2 bench/floor.c $(pkg-config --cflags --libs gsl) -o floor
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define BLOCK 256
#define MAXC 64
#define MAXG 16
#define MAXQ 16

struct job {
    long long draws;
    uint64_t seed;
    int b, h;
    int nq;
    double q[MAXQ];
    int ng;
    char gname[MAXG][40];
    int nc;
    char code[MAXC][40];
    double c0[MAXC], mean[MAXC], sd[MAXC];
    int ngroups[MAXC], groups[MAXC][MAXG];
};

static void die(const char *msg)
{
    fprintf(stderr, "floor: %s\n", msg);
    exit(2);
}

/* Read the parameter file (format above); exits on malformed input. */
static void read_job(FILE *f, struct job *j)
{
    char key[32];
    memset(j, 0, sizeof *j);
    while (fscanf(f, "%31s", key) == 1) {
        if (strcmp(key, "draws") == 0) {
            if (fscanf(f, "%lld", &j->draws) != 1 || j->draws < 1)
                die("bad draws");
        } else if (strcmp(key, "seed") == 0) {
            unsigned long long s;
            if (fscanf(f, "%llu", &s) != 1)
                die("bad seed");
            j->seed = s;
        } else if (strcmp(key, "years") == 0) {
            if (fscanf(f, "%d %d", &j->b, &j->h) != 2 || j->h <= j->b)
                die("bad years");
        } else if (strcmp(key, "quantiles") == 0) {
            if (fscanf(f, "%d", &j->nq) != 1 || j->nq < 1 || j->nq > MAXQ)
                die("bad quantiles");
            for (int k = 0; k < j->nq; k++)
                if (fscanf(f, "%lf", &j->q[k]) != 1)
                    die("bad quantile");
        } else if (strcmp(key, "groups") == 0) {
            if (fscanf(f, "%d", &j->ng) != 1 || j->ng < 0 || j->ng > MAXG)
                die("bad groups");
            for (int k = 0; k < j->ng; k++)
                if (fscanf(f, "%39s", j->gname[k]) != 1)
                    die("bad group name");
        } else if (strcmp(key, "country") == 0) {
            int i = j->nc++;
            if (i >= MAXC)
                die("too many countries");
            if (fscanf(f, "%39s %lf %lf %lf %d", j->code[i], &j->c0[i], &j->mean[i], &j->sd[i],
                       &j->ngroups[i]) != 5 || j->ngroups[i] < 0 || j->ngroups[i] > j->ng)
                die("bad country");
            for (int k = 0; k < j->ngroups[i]; k++)
                if (fscanf(f, "%d", &j->groups[i][k]) != 1 || j->groups[i][k] < 0 ||
                    j->groups[i][k] >= j->ng)
                    die("bad country group");
        } else {
            die("unknown key");
        }
    }
    if (j->nc == 0 || j->h == 0 || j->draws == 0 || j->nq == 0)
        die("incomplete parameter file");
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* Seed of block b (SPEC §5.2: a hash of (seed, block), never seed + b). */
static unsigned long block_seed(uint64_t seed, uint64_t block)
{
    uint64_t s = splitmix64(splitmix64(seed) ^ splitmix64(block + 0x632BE59BD9B4E019ULL));
    return (unsigned long)(s ? s : 0x5851F42D4C957F2DULL);
}

/* nth_element: put the k-th smallest of x[lo..hi) at x[k], smaller ones
 * before it and larger ones after it. */
static void select_kth(double *x, size_t lo, size_t hi, size_t k)
{
    while (hi - lo > 1) {
        size_t last = hi - 1, mid = lo + (last - lo) / 2;
        double t;
        if (x[mid] < x[lo]) { t = x[mid]; x[mid] = x[lo]; x[lo] = t; }
        if (x[last] < x[mid]) { t = x[last]; x[last] = x[mid]; x[mid] = t; }
        if (x[mid] < x[lo]) { t = x[mid]; x[mid] = x[lo]; x[lo] = t; }
        double pivot = x[mid];
        size_t i = lo - 1, j = hi; /* lo - 1 wraps for lo = 0; the first i++ undoes it */
        for (;;) {
            do
                i++;
            while (x[i] < pivot);
            do
                j--;
            while (x[j] > pivot);
            if (i >= j)
                break;
            t = x[i]; x[i] = x[j]; x[j] = t;
        }
        /* x[lo..j] <= pivot <= x[j+1..hi), lo <= j < hi - 1 */
        if (k <= j)
            hi = j + 1;
        else
            lo = j + 1;
    }
}

/* Quantiles q[0..nq) (increasing) of x[0..n), reordering x. */
static void quantiles(double *x, size_t n, const double *q, int nq, double *out)
{
    size_t lo = 0;
    for (int k = 0; k < nq; k++) {
        double index = q[k] * (double)(n - 1);
        size_t lhs = (size_t)index;
        double delta = index - (double)lhs;
        select_kth(x, lo, n, lhs);
        double v = x[lhs];
        if (lhs + 1 < n && delta != 0.0) {
            double up = x[lhs + 1];
            for (size_t i = lhs + 2; i < n; i++)
                if (x[i] < up)
                    up = x[i];
            v = (1.0 - delta) * x[lhs] + delta * up;
        }
        out[k] = v;
        lo = lhs;
    }
}

/* SPEC §8: %.15g if it reads back, else %.17g; -0 as 0. */
static void put_number(double v)
{
    char buf[40];
    if (v == 0) {
        fputs(",0", stdout);
        return;
    }
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof buf, "%.17g", v);
    putchar(',');
    fputs(buf, stdout);
}

int main(int argc, char **argv)
{
    static struct job j;
    int a = 1, mulchain = 0, all_cells = 0;
    for (; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
        if (strcmp(argv[a], "--mulchain") == 0)
            mulchain = 1;
        else if (strcmp(argv[a], "--all-cells") == 0)
            all_cells = 1;
        else
            die("usage: floor [--mulchain] [--all-cells] PARAMS [OUT]");
    }
    if (a >= argc || argc - a > 2)
        die("usage: floor [--mulchain] [--all-cells] PARAMS [OUT]");
    FILE *in = fopen(argv[a], "r");
    if (in == NULL)
        die("cannot open the parameter file");
    if (a + 1 < argc && freopen(argv[a + 1], "w", stdout) == NULL)
        die("cannot create the output file");
    gsl_set_error_handler_off();
    read_job(in, &j);
    fclose(in);

    size_t np = (size_t)(j.h - j.b) + 1, nc = (size_t)j.nc, ng = (size_t)j.ng;
    size_t nrows = nc + ng + 1, ncells = nrows * np;
    size_t d_n = (size_t)j.draws;
    size_t n_blocks = (d_n + BLOCK - 1) / BLOCK;
    /* store[cell * draws + d], or with kept rates: nc rate series, then the
       (ng + 1) * np aggregate cells */
    size_t nkept = all_cells ? ncells : nc + (ng + 1) * np;
    double *store = malloc(nkept * d_n * sizeof *store);
    double *sums = calloc(ncells, sizeof *sums), *bsum = malloc(ncells * sizeof *bsum);
    double *qout = malloc(ncells * (size_t)j.nq * sizeof *qout);
    double *agg = malloc((ng + 1) * np * sizeof *agg);
    double *tyears = malloc(np * sizeof *tyears);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!store || !sums || !bsum || !qout || !agg || !tyears || !rng)
        die("out of memory");
    for (size_t p = 0; p < np; p++)
        tyears[p] = (double)(12 * (int)p) / 12.0;

    for (size_t blk = 0; blk < n_blocks; blk++) {
        gsl_rng_set(rng, block_seed(j.seed, blk));
        size_t first = blk * BLOCK, n = d_n - first < BLOCK ? d_n - first : BLOCK;
        memset(bsum, 0, ncells * sizeof *bsum);   /* the means: sums per block, in draw order */
        for (size_t k = 0; k < n; k++) {
            size_t d = first + k;
            memset(agg, 0, (ng + 1) * np * sizeof *agg);
            double *tot = agg + ng * np;
            for (size_t i = 0; i < nc; i++) {
                double r = j.mean[i] + gsl_ran_gaussian_ziggurat(rng, j.sd[i]);
                if (r < -0.999999)
                    r = -0.999999;
                double grow = 1.0 + r, lg = log1p(r), c = j.c0[i];
                if (!all_cells)
                    store[i * d_n + d] = r;
                for (size_t p = 0; p < np; p++) {
                    double v;
                    if (mulchain) {
                        v = c;
                        c *= grow;
                    } else {
                        /* C0 (1+r)^t as dcproj evaluates it */
                        v = j.c0[i] * exp(lg * tyears[p]);
                    }
                    if (v < 0)
                        v = 0.0;
                    if (all_cells)
                        store[(i * np + p) * d_n + d] = v;
                    bsum[i * np + p] += v;
                    tot[p] += v;
                    for (int g = 0; g < j.ngroups[i]; g++)
                        agg[(size_t)j.groups[i][g] * np + p] += v;
                }
            }
            size_t agg0 = all_cells ? nc * np : nc;
            for (size_t r = 0; r < (ng + 1) * np; r++) {
                store[(agg0 + r) * d_n + d] = agg[r];
                bsum[nc * np + r] += agg[r];
            }
        }
        for (size_t cell = 0; cell < ncells; cell++)   /* block sums, added in block order */
            sums[cell] += bsum[cell];
    }
    if (all_cells) {
        for (size_t cell = 0; cell < ncells; cell++)
            quantiles(store + cell * d_n, d_n, j.q, j.nq, qout + cell * (size_t)j.nq);
    } else {
        for (size_t r = 0; r < (ng + 1) * np; r++)
            quantiles(store + (nc + r) * d_n, d_n, j.q, j.nq, qout + (nc * np + r) * (size_t)j.nq);
        /* a country: its series at the selected rates (the ranks each
           quantile interpolates between, as quantiles() selects them) */
        for (size_t i = 0; i < nc; i++) {
            double *x = store + i * d_n;
            size_t lo = 0;
            for (int k = 0; k < j.nq; k++) {
                double index = j.q[k] * (double)(d_n - 1);
                size_t lhs = (size_t)index;
                double delta = index - (double)lhs;
                select_kth(x, lo, d_n, lhs);
                double r_lo = x[lhs], r_up = r_lo;
                if (lhs + 1 < d_n && delta != 0.0) {
                    r_up = x[lhs + 1];
                    for (size_t m = lhs + 2; m < d_n; m++)
                        if (x[m] < r_up)
                            r_up = x[m];
                }
                lo = lhs;
                double g_lo = log1p(r_lo), g_up = log1p(r_up);
                for (size_t p = 0; p < np; p++) {
                    double v_lo = j.c0[i] * exp(g_lo * tyears[p]), v_up = j.c0[i] * exp(g_up * tyears[p]);
                    if (v_lo < 0)
                        v_lo = 0.0;
                    if (v_up < 0)
                        v_up = 0.0;
                    qout[(i * np + p) * (size_t)j.nq + (size_t)k] =
                        lhs + 1 < d_n && delta != 0.0 ? (1.0 - delta) * v_lo + delta * v_up : v_lo;
                }
            }
        }
    }

    /* the deterministic capacity column (rates at their means) */
    double *det = calloc(ncells, sizeof *det);
    if (det == NULL)
        die("out of memory");
    for (size_t i = 0; i < nc; i++)
        for (size_t p = 0; p < np; p++) {
            double v = j.c0[i] * exp(log1p(j.mean[i]) * tyears[p]);
            det[i * np + p] = v;
            det[(nc + ng) * np + p] += v;
            for (int g = 0; g < j.ngroups[i]; g++)
                det[(nc + (size_t)j.groups[i][g]) * np + p] += v;
        }

    fputs("kind,code,name,period,capacity,mean", stdout);
    for (int k = 0; k < j.nq; k++)
        printf(",p%.10g", j.q[k] * 100.0);
    putchar('\n');
    for (size_t r = 0; r < nrows; r++) {
        const char *kind = r < nc ? "country" : r < nc + ng ? "group" : "total";
        const char *code = r < nc ? j.code[r] : r < nc + ng ? j.gname[r - nc] : "TOTAL";
        for (size_t p = 0; p < np; p++) {
            size_t cell = r * np + p;
            printf("%s,%s,,%d", kind, code, j.b + (int)p);
            put_number(det[cell]);
            put_number(sums[cell] / (double)d_n);
            for (int k = 0; k < j.nq; k++)
                put_number(qout[cell * (size_t)j.nq + (size_t)k]);
            putchar('\n');
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0)
        die("write error");
    free(store);
    free(sums);
    free(bsum);
    free(qout);
    free(agg);
    free(tyears);
    free(det);
    gsl_rng_free(rng);
    return 0;
}
