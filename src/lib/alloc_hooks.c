/*
 * alloc_hooks.c — the allocation-failure injector of test builds (see
 * alloc_int.h).  Compiled only into test executables, together with the
 * library sources built with -DDCPROJ_ALLOC_HOOKS.
 */
#ifndef DCPROJ_ALLOC_HOOKS
#error "alloc_hooks.c is for test builds with -DDCPROJ_ALLOC_HOOKS only"
#endif

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"

/* Allocations left before the injected failure (0: disarmed), and the
 * count since arming.  Process-wide and atomic, so that worker threads of
 * a Monte Carlo run count toward the same n. */
static atomic_long countdown;
static atomic_long counted;
static atomic_int refused;
static atomic_int persistent;

void dcproj_alloc_fail_at(long n, int keep_failing)
{
    atomic_store(&countdown, 0);
    atomic_store(&counted, 0);
    atomic_store(&refused, 0);
    atomic_store(&persistent, keep_failing != 0);
    atomic_store(&countdown, n > 0 ? n : 0);
}

long dcproj_alloc_count(void)
{
    return atomic_load(&counted);
}

int dcproj_alloc_failed(void)
{
    return atomic_load(&refused);
}

/* 1 if this allocation must fail: it is the armed n-th one, or a later
 * one in persistent mode.  A transient countdown goes 1 -> 0 (disarmed)
 * on the failure; a persistent one stays at 1. */
static int must_fail(void)
{
    atomic_fetch_add(&counted, 1);
    long left = atomic_load(&countdown);
    while (left > 0) {
        long next = left > 1 || !atomic_load(&persistent) ? left - 1 : 1;
        if (atomic_compare_exchange_weak(&countdown, &left, next)) {
            if (left > 1)
                return 0;
            atomic_store(&refused, 1);
            errno = ENOMEM; /* as malloc() does */
            return 1;
        }
    }
    return 0;
}

void *dcproj_malloc(size_t size)
{
    return must_fail() ? NULL : malloc(size);
}

void *dcproj_calloc(size_t n, size_t size)
{
    return must_fail() ? NULL : calloc(n, size);
}

void *dcproj_realloc(void *p, size_t size)
{
    return must_fail() ? NULL : realloc(p, size);
}

char *dcproj_strdup(const char *s)
{
    return must_fail() ? NULL : strdup(s);
}
