/* version.c — the library version string. */
#include "dcproj/dcproj.h"

#include "config.h"

const char *dcproj_version(void)
{
    return DCPROJ_VERSION;
}
