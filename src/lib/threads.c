/*
 * threads.c — the one rule for what a `threads` option means (run,
 * sensitivity, sweep and the table writers): the number itself when it is
 * positive, else every online core; never more than DCPROJ_THREADS_MAX.
 */
#include "dcproj/model.h"

#include <unistd.h>

int dcproj_threads_resolve(int requested)
{
    long n = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > DCPROJ_THREADS_MAX ? DCPROJ_THREADS_MAX : (int)n;
}
