/* german_locale.h — the German locale for the locale-dependent unit tests
 * (test_doc.c, test_numfmt.c built with -DDCPROJ_TEST_LOCALE).
 *
 * Check has no "skipped" result, so the locale-dependent tests are built as
 * separate executables (<suite>-locale in tests/unit/meson.build) whose
 * main() calls german_locale_or_skip() first: when de_DE.UTF-8 is neither
 * installed nor can be compiled from the glibc locale sources, the
 * executable exits 77 and meson reports SKIP (issue 15: a test needing
 * something the README does not install must skip, never fail). */
#ifndef DCPROJ_TEST_GERMAN_LOCALE_H
#define DCPROJ_TEST_GERMAN_LOCALE_H

#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static inline int german_locale_remove_entry(const char *path, const struct stat *st, int flag,
                                             struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Can de_DE.UTF-8 be had?  When it is not installed, compile it from the
 * glibc locale sources into a temporary LOCPATH (CI machines ship the
 * sources but no compiled German locale).  Leaves the C locale active;
 * tests switch with setlocale(LC_ALL, "de_DE.UTF-8").  Exits 77 when the
 * locale cannot be had. */
static inline void german_locale_or_skip(const char *suite)
{
    int ok = setlocale(LC_ALL, "de_DE.UTF-8") != NULL;
    if (!ok) {
        char dir[] = "/tmp/dcproj-test-locale-XXXXXX";
        if (mkdtemp(dir) != NULL) {
            char cmd[256];
            snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
                     dir);
            int rc = system(cmd);
            (void)rc; /* localedef may warn and still build the locale: try it */
            setenv("LOCPATH", dir, 1);
            ok = setlocale(LC_ALL, "de_DE.UTF-8") != NULL;
            /* the loaded locale stays mapped; the files can go */
            nftw(dir, german_locale_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
    }
    if (!ok) {
        printf("%s: SKIP: locale de_DE.UTF-8 is not installed "
               "(apt-get install locales; localedef -i de_DE -f UTF-8 de_DE.UTF-8)\n",
               suite);
        exit(77);
    }
    setlocale(LC_ALL, "C");
}

#endif
