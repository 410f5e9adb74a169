/*
 * alloc_int.h — the library's one allocation hook.
 *
 * Every heap allocation of library code goes through dcproj_malloc(),
 * dcproj_calloc(), dcproj_realloc() or dcproj_strdup() and is released with
 * dcproj_free().  In a normal build these are the C library's functions,
 * inlined: no state, no cost.
 *
 * A test build compiles the library sources with -DDCPROJ_ALLOC_HOOKS and
 * links src/lib/alloc_hooks.c (tests/unit/test_alloc.c does; the shipped
 * library never does).  Then each call counts down a process-wide counter
 * armed by dcproj_alloc_fail_at(n, keep_failing): the n-th allocation
 * from then on returns NULL (and, with keep_failing, every later one) — so
 * a test can fail "the n-th allocation" of an operation for every n.  The counter is the only mutable global of that build; it is
 * atomic so that Monte Carlo worker threads count too.
 *
 * Allocations made on the library's behalf elsewhere are hooked as
 * follows: cJSON's through cJSON_InitHooks() (global, so only the test
 * binary calls it, with dcproj_alloc_cjson_hooks()); those of GSL
 * (gsl_vector_alloc, gsl_interp_alloc, solvers), stdio (FILE buffers) and
 * pthreads cannot be hooked — their failures are still checked by the
 * library, just not injected by the test.
 */
#ifndef DCPROJ_ALLOC_INT_H
#define DCPROJ_ALLOC_INT_H

#include <stdlib.h>
#include <string.h>

#ifdef DCPROJ_ALLOC_HOOKS

void *dcproj_malloc(size_t size);
void *dcproj_calloc(size_t n, size_t size);
void *dcproj_realloc(void *p, size_t size);
char *dcproj_strdup(const char *s);

/* Fail the n-th allocation from now (n >= 1) — only that one, or with
 * `keep_failing` that one and every later one; n = 0 disarms the
 * injector. */
void dcproj_alloc_fail_at(long n, int keep_failing);
/* Allocations counted since the last dcproj_alloc_fail_at(). */
long dcproj_alloc_count(void);
/* 1 if an allocation has been refused since the last dcproj_alloc_fail_at(). */
int dcproj_alloc_failed(void);

#else

static inline void *dcproj_malloc(size_t size)
{
    return malloc(size);
}

static inline void *dcproj_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

static inline void *dcproj_realloc(void *p, size_t size)
{
    return realloc(p, size);
}

static inline char *dcproj_strdup(const char *s)
{
    return strdup(s);
}

#endif

/* Release memory from any of the functions above (NULL is a no-op). */
static inline void dcproj_free(void *p)
{
    free(p);
}

#endif
