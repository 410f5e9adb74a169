/*
 * message_int.h — the printf of error and warning messages.
 *
 * Messages quote numbers with printf's %g and %f (a residual, a fitted
 * value); a host that called setlocale(LC_ALL, "") would see them with its
 * decimal comma.  message_vformat() formats in the C locale for this
 * thread, so a message's numbers read the same everywhere, like the
 * tables' (numfmt.c).  Implemented in error.c.
 */
#ifndef DCPROJ_MESSAGE_INT_H
#define DCPROJ_MESSAGE_INT_H

#include <stdarg.h>
#include <stddef.h>

/* vsnprintf() in the "C" locale. */
int message_vformat(char *buf, size_t size, const char *fmt, va_list ap);

#endif
