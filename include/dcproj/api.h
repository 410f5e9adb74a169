/*
 * dcproj/api.h — DCPROJ_API, the mark of an exported function.
 *
 * libdcproj is built with hidden symbol visibility: a function is part of
 * the shared library's interface only when its declaration in
 * include/dcproj/ carries DCPROJ_API.  Everything else stays internal, so a
 * host program that defines a function of the same name as an internal one
 * (say `model_init`) cannot take over the library's call, and the library
 * cannot take over the host's.  tests/tools/exported_symbols.sh holds the
 * shared library to this.
 */
#ifndef DCPROJ_API_H
#define DCPROJ_API_H

#if defined(_WIN32) || defined(__CYGWIN__)
#  define DCPROJ_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define DCPROJ_API __attribute__((visibility("default")))
#else
#  define DCPROJ_API
#endif

#endif
